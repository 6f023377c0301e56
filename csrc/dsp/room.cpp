#include "room.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bewo {

namespace {

void check_inside(const RoomSpec& room, const double p[3], const char* what) {
    for (int i = 0; i < 3; ++i) {
        if (!std::isfinite(p[i])) throw std::invalid_argument(std::string(what) + " position must be finite");
        if (room.outdoor) continue;
        if (p[i] < 0.0 || p[i] > room.size[i])
            throw std::invalid_argument(std::string(what) + " position must lie inside the room");
    }
    if (room.outdoor && p[2] < 0.0) throw std::invalid_argument(std::string(what) + " must be above the ground (z >= 0)");
}

using Image = ImageSource;

std::vector<Image> images(const RoomSpec& room, const double src[3], const double lis[3], double max_dist) {
    std::vector<Image> out;
    if (room.outdoor) {
        out.push_back({{src[0], src[1], src[2]}, 1.0});
        out.push_back({{src[0], src[1], -src[2]}, room.beta[4]});
        return out;
    }
    int N[3];
    for (int a = 0; a < 3; ++a) N[a] = int(std::ceil(max_dist / (2.0 * room.size[a]))) + 1;
    // Per axis: coordinate (1 - 2q) s + 2 n L, reflections |n - q| off the wall at 0 and |n| off the wall at L.
    struct Axis {
        double coord, gain;
        int order;
    };
    std::vector<Axis> ax[3];
    for (int a = 0; a < 3; ++a)
        for (int n = -N[a]; n <= N[a]; ++n)
            for (int q = 0; q <= 1; ++q) {
                const int o0 = std::abs(n - q), o1 = std::abs(n);
                const double c = (1 - 2 * q) * src[a] + 2.0 * n * room.size[a];
                ax[a].push_back({c, std::pow(room.beta[2 * a], o0) * std::pow(room.beta[2 * a + 1], o1), o0 + o1});
            }
    const double md2 = max_dist * max_dist;
    for (const Axis& x : ax[0]) {
        const double dx = x.coord - lis[0];
        if (dx * dx > md2) continue;
        for (const Axis& y : ax[1]) {
            const double dy = y.coord - lis[1];
            if (dx * dx + dy * dy > md2) continue;
            for (const Axis& z : ax[2]) {
                const double dz = z.coord - lis[2];
                if (dx * dx + dy * dy + dz * dz > md2) continue;
                if (x.order + y.order + z.order > room.max_order) continue;
                out.push_back({{x.coord, y.coord, z.coord}, x.gain * y.gain * z.gain});
            }
        }
    }
    return out;
}

}  // namespace

double eyring_absorption(const double size[3], double rt60_s, double c) {
    if (!(rt60_s > 0) || !std::isfinite(rt60_s)) throw std::invalid_argument("rt60_s must be > 0");
    for (int i = 0; i < 3; ++i)
        if (!(size[i] > 0) || !std::isfinite(size[i])) throw std::invalid_argument("room size must be > 0 m on every axis");
    const double V = size[0] * size[1] * size[2];
    const double S = 2.0 * (size[0] * size[1] + size[0] * size[2] + size[1] * size[2]);
    // Eyring: RT60 = 24 ln(10) V / (-c S ln(1 - alpha))
    const double alpha = 1.0 - std::exp(-24.0 * std::log(10.0) * V / (c * S * rt60_s));
    if (!(alpha > 0.0 && alpha < 1.0))
        throw std::invalid_argument("rt60_s is not reachable in this room (absorption would leave (0, 1))");
    return alpha;
}

RoomPlan plan_room_response(const RoomSpec& room, const double source[3], const double listener[3],
                            const HrtfSet* hrtf, const RoomResponseParams& p) {
    const double fs = p.sample_rate;
    if (!(fs > 0)) throw std::invalid_argument("sample_rate must be > 0");
    if (!p.two_microphones && hrtf == nullptr) throw std::invalid_argument("binaural responses need an HRTF set");
    if (hrtf && std::fabs(hrtf->sample_rate() - fs) > 1e-6) throw std::invalid_argument("HRTF sample rate differs from sample_rate");
    for (int i = 0; i < 6; ++i)
        if (!(room.beta[i] >= 0.0 && room.beta[i] <= 1.0)) throw std::invalid_argument("reflection coefficients must be in [0, 1]");
    if (!room.outdoor) {
        for (int i = 0; i < 3; ++i)
            if (!(room.size[i] > 0)) throw std::invalid_argument("room size must be > 0 m on every axis");
        if (!(room.rt60_s > 0)) throw std::invalid_argument("rt60_s must be > 0");
    }
    check_inside(room, source, "source");
    check_inside(room, listener, "listener");

    RoomPlan plan;
    const double t_tr = room.outdoor ? 0.0 : std::max(0.0, room.transition_s);
    plan.t_tr = t_tr;
    double dsrc = 0.0;
    for (int i = 0; i < 3; ++i) dsrc += (source[i] - listener[i]) * (source[i] - listener[i]);
    dsrc = std::sqrt(dsrc);
    // Image sources travel at most the transition time; outdoors the ground path bounds it.
    const double max_dist = room.outdoor ? 1e9 : std::max(room.c * t_tr, dsrc + 1e-9);
    plan.images = images(room, source, listener, max_dist);

    double latest = 0.0;
    for (const Image& im : plan.images) {
        const double d = std::sqrt((im.pos[0] - listener[0]) * (im.pos[0] - listener[0]) +
                                   (im.pos[1] - listener[1]) * (im.pos[1] - listener[1]) +
                                   (im.pos[2] - listener[2]) * (im.pos[2] - listener[2]));
        latest = std::max(latest, d / room.c);
    }
    plan.L = p.two_microphones ? std::size_t(2 * HrtfSet::kSincHalfWidth) : hrtf->ir_length();
    double length_s = p.length_s;
    if (length_s <= 0) length_s = room.outdoor ? latest + 0.01 : t_tr + 1.1 * room.rt60_s;
    plan.n = std::size_t(std::ceil(std::max(length_s, latest + 0.005) * fs)) + plan.L + 2;
    return plan;
}

Arrival binaural_arrival(const ImageSource& im, const double listener[3], double c, double fs) {
    const double dx = im.pos[0] - listener[0], dy = im.pos[1] - listener[1], dz = im.pos[2] - listener[2];
    const double r = std::sqrt(dx * dx + dy * dy + dz * dz);
    Arrival a;
    a.az = -std::atan2(dy, dx) * 180.0 / M_PI;  // +y is the listener's left
    a.el = std::atan2(dz, std::hypot(dx, dy)) * 180.0 / M_PI;
    const double tau = r / c * fs, ti = std::floor(tau);
    a.delay = std::size_t(ti);
    a.frac = tau - ti;
    a.gain = im.gain / std::max(r, 0.25);
    return a;
}

Arrival microphone_arrival(const ImageSource& im, const double listener[3], int mic, double spacing, double c,
                           double fs) {
    // Microphone 0 on the listener's left (+y), microphone 1 on the right.
    const double my = listener[1] + (mic == 0 ? 0.5 : -0.5) * spacing;
    const double dx = im.pos[0] - listener[0], dy = im.pos[1] - my, dz = im.pos[2] - listener[2];
    const double r = std::sqrt(dx * dx + dy * dy + dz * dz);
    const double tau = r / c * fs, ti = std::floor(tau);
    Arrival a;
    a.delay = std::size_t(ti);
    a.frac = tau - ti;
    a.gain = im.gain / std::max(r, 0.25);
    return a;
}

roomk::TailPlan plan_tail(const RoomSpec& room, const RoomResponseParams& p, const RoomPlan& plan) {
    roomk::TailPlan tp;
    if (room.outdoor || !(room.rt60_s > 0)) return tp;
    // Diffuse tail from the transition time on: noise in three bands (below 500 Hz, 500 Hz -
    // 4 kHz, above), each decaying by 60 dB in its RT60 (air absorption shortens the top band),
    // low frequencies coherent between the ears, higher ones not, as in a diffuse field
    // (roomk::add_tail in room_kernels.h, shared with the CUDA backend, renders it).
    const double fs = p.sample_rate;
    const std::size_t n = plan.n, L = plan.L;
    const std::size_t start = std::size_t(std::ceil(plan.t_tr * fs));
    // The HRIR's own onset delays the image part; the tail starts where the last image lands.
    const std::size_t lag = p.two_microphones ? 0 : std::min<std::size_t>(L / 2, std::size_t(0.002 * fs));
    const std::size_t t0 = std::min(n, start + lag);
    const std::size_t len = n - t0;
    if (len <= 8) return tp;
    tp.active = 1;
    tp.t0 = t0;
    tp.len = len;
    tp.win = std::max<std::size_t>(8, std::min<std::size_t>(std::size_t(0.02 * fs), t0 / 2));
    tp.state = p.seed * 0x2545F4914F6CDD1Dull + 0x1234567ull;
    const double fc1 = std::min(500.0, 0.2 * fs), fc2 = std::min(4000.0, 0.4 * fs);
    tp.a1 = 1.0 - std::exp(-2.0 * M_PI * fc1 / fs);
    tp.a2 = 1.0 - std::exp(-2.0 * M_PI * fc2 / fs);
    tp.fs = fs;
    tp.rt60 = room.rt60_s;
    return tp;
}

std::vector<float> room_response(const RoomSpec& room, const double source[3], const double listener[3],
                                 const HrtfSet* hrtf, const RoomResponseParams& p, std::size_t* n_out,
                                 RoomStats* stats) {
    const RoomPlan plan = plan_room_response(room, source, listener, hrtf, p);
    if (stats) stats->images = plan.images.size();
    const double fs = p.sample_rate;
    const std::size_t n = plan.n, L = plan.L;
    std::vector<float> out(2 * n, 0.f);
    float* ear[2] = {out.data(), out.data() + n};
    std::vector<float> hl(p.two_microphones ? 0 : L), hr(p.two_microphones ? 0 : L);
    constexpr int W = HrtfSet::kSincHalfWidth;
    float taps[2 * W];

    for (const Image& im : plan.images) {
        if (p.two_microphones) {
            for (int m = 0; m < 2; ++m) {
                const Arrival a = microphone_arrival(im, listener, m, p.mic_spacing_m, room.c, fs);
                fractional_delay_taps(a.frac, taps);
                const double g = a.gain;
                for (int j = 0; j < 2 * W; ++j) {
                    const std::ptrdiff_t idx = std::ptrdiff_t(a.delay) - (W - 1) + j;
                    if (idx >= 0 && std::size_t(idx) < n) ear[m][idx] += float(g * taps[j]);
                }
            }
        } else {
            const Arrival a = binaural_arrival(im, listener, room.c, fs);
            hrtf->hrir(a.az, a.el, hl.data(), hr.data(), a.frac);
            const float g = float(a.gain);
            const std::size_t o = a.delay;
            const std::size_t cnt = std::min(L, n - std::min(n, o));
            for (std::size_t t = 0; t < cnt; ++t) {
                ear[0][o + t] += g * hl[t];
                ear[1][o + t] += g * hr[t];
            }
        }
    }
    roomk::add_tail(plan_tail(room, p, plan), ear[0], ear[1], ear[0], ear[1]);
    *n_out = n;
    return out;
}

}  // namespace bewo
