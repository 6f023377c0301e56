// The port of bewo_rt.room.simulate_scene (see room_scene.h). Every expression follows the
// Python's order of operations, so the positions, the update decisions and hence the responses
// are the ones the Python computes; floating-point contraction is off in this file for the same
// reason (an FMA would round differently from numpy).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "room_scene.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <new>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

namespace bewo::rt {

namespace {

constexpr double kDegToRad = M_PI / 180.0;  // CPython's math.radians
constexpr double kRadToDeg = 180.0 / M_PI;  // CPython's math.degrees
constexpr double kSpeedOfSound = 343.0;

bool given_size(const SceneSpec& s) { return s.room_size_m[0] > 0 && s.room_size_m[1] > 0 && s.room_size_m[2] > 0; }

// room.tail_rt60
bool tail_rt60(const SceneSpec& s, double& out, std::string& err) {
    if (s.rt60_s > 0) {
        out = s.rt60_s;
        return true;
    }
    if (s.n_absorption == 0) { err = "an indoor room needs room.rt60_s or room.absorption"; return false; }
    const double L = s.room_size_m[0], W = s.room_size_m[1], H = s.room_size_m[2];
    const double V = L * W * H, S = 2 * (L * W + L * H + W * H);
    double sum = 0.0;  // numpy's mean of fewer than 8 values: a plain sum from 0, then the division
    for (int i = 0; i < s.n_absorption; ++i) sum += s.absorption[i];
    const double mean = std::min(1.0 - 1e-6, std::max(1e-6, sum / s.n_absorption));
    out = 24 * std::log(10.0) * V / (343.0 * S * -std::log(std::max(1e-6, 1 - mean)));
    return true;
}

double unit_dot(const double a[3], const double b[3]) {  // room._unit(a) . room._unit(b)
    const double aa = a[0] * kDegToRad, ae = a[1] * kDegToRad, ba = b[0] * kDegToRad, be = b[1] * kDegToRad;
    const double ua[3] = {std::cos(ae) * std::cos(aa), std::cos(ae) * std::sin(aa), std::sin(ae)};
    const double ub[3] = {std::cos(be) * std::cos(ba), std::cos(be) * std::sin(ba), std::sin(be)};
    return ua[0] * ub[0] + ua[1] * ub[1] + ua[2] * ub[2];
}

}  // namespace

bool scene_room(const SceneSpec& scene, RoomSpec& room, double& length_s, std::string& err) {
    room = RoomSpec();
    room.max_order = 60;
    room.c = kSpeedOfSound;
    const bool outdoor = !scene.indoor;
    if (!outdoor && !given_size(scene)) { err = "room.size_m is required for an indoor room"; return false; }
    for (int i = 0; i < 3; ++i) {
        room.size[i] = given_size(scene) ? scene.room_size_m[i] : 1.0;
        if (!std::isfinite(room.size[i])) { err = "room.size_m must be finite"; return false; }
    }
    room.outdoor = outdoor;
    length_s = 0.0;
    if (outdoor) {
        if (!(scene.ground_reflection >= 0.0 && scene.ground_reflection <= 1.0)) {
            err = "room.ground_reflection must be in [0, 1]";
            return false;
        }
        for (double& b : room.beta) b = 0.0;
        room.beta[4] = scene.ground_reflection;
        room.rt60_s = 0.0;
        room.transition_s = 0.0;
        return true;
    }
    // room.wall_reflection
    double a[6];
    if (scene.n_absorption == 1 || scene.n_absorption == 6) {
        for (int i = 0; i < 6; ++i) a[i] = scene.absorption[scene.n_absorption == 1 ? 0 : i];
    } else if (scene.n_absorption != 0) {
        err = "room.absorption must be one number or six (x0, xL, y0, yW, floor, ceiling)";
        return false;
    } else {
        if (!(scene.rt60_s > 0) || !std::isfinite(scene.rt60_s)) { err = "room needs rt60_s or absorption"; return false; }
        try {
            const double alpha = eyring_absorption(room.size, scene.rt60_s, kSpeedOfSound);
            for (double& v : a) v = alpha;
        } catch (const std::exception& e) {
            err = std::string("room.rt60_s: ") + e.what();
            return false;
        }
    }
    for (int i = 0; i < 6; ++i) {
        if (!(a[i] >= 0.0 && a[i] <= 1.0)) { err = "room.absorption must be in [0, 1]"; return false; }
        room.beta[i] = std::sqrt(std::max(0.0, 1.0 - a[i]));
    }
    double rt60 = 0.0;
    if (!tail_rt60(scene, rt60, err)) return false;
    if (!(rt60 > 0) || !std::isfinite(rt60)) { err = "the room's RT60 must be > 0 and finite"; return false; }
    room.rt60_s = rt60;
    // room.transition_time
    room.transition_s = scene.transition_s >= 0 ? scene.transition_s : std::min(0.08, std::max(0.02, 0.1 * rt60));
    length_s = room.transition_s + 1.1 * rt60;
    return true;
}

void scene_listener(const SceneSpec& scene, double out[3]) {
    if (scene.has_listener_position) {
        for (int i = 0; i < 3; ++i) out[i] = scene.listener_position_m[i];
        return;
    }
    if (!scene.indoor) {
        out[0] = 0.0;
        out[1] = 0.0;
        out[2] = kEarHeightM;
        return;
    }
    const double L = scene.room_size_m[0], W = scene.room_size_m[1], H = scene.room_size_m[2];
    out[0] = L / 2;
    out[1] = W / 2;
    out[2] = std::min(kEarHeightM, 0.75 * H);
}

void room_source_position(const double lis[3], double azimuth_deg, double elevation_deg, double distance_m,
                          const SceneSpec& scene, double p[3]) {
    const double a = azimuth_deg * kDegToRad, e = elevation_deg * kDegToRad;
    const double u[3] = {std::cos(e) * std::cos(a), -std::cos(e) * std::sin(a), std::sin(e)};  // +y is left
    const double inf = std::numeric_limits<double>::infinity();
    const bool outdoor = !scene.indoor;
    double lo[3], hi[3];
    for (int i = 0; i < 3; ++i) {
        lo[i] = outdoor ? -inf : kWallMarginM;
        hi[i] = outdoor ? inf : scene.room_size_m[i] - kWallMarginM;
    }
    if (outdoor) lo[2] = 0.05;
    double d = distance_m;
    for (int i = 0; i < 3; ++i) {
        if (u[i] > 1e-12)
            d = std::min(d, (hi[i] - lis[i]) / u[i]);
        else if (u[i] < -1e-12)
            d = std::min(d, (lo[i] - lis[i]) / u[i]);
    }
    const double r = std::max(d, 0.05);
    for (int i = 0; i < 3; ++i) p[i] = lis[i] + r * u[i];
    // a listener closer to a wall than the margin: keep the source inside all the same
    if (outdoor) {
        p[2] = std::max(p[2], 0.0);
        return;
    }
    for (int i = 0; i < 3; ++i) p[i] = std::min(std::max(p[i], 0.0), scene.room_size_m[i]);
}

bool room_close(const double a[3], const double b[3], double update_deg) {
    const double ang = std::acos(std::max(-1.0, std::min(1.0, unit_dot(a, b)))) * kRadToDeg;
    return ang <= update_deg && std::fabs(std::log(b[2] / a[2])) <= std::log(1.05);
}

bool render_room_scene(const SceneSpec& scene, const HrtfSet& hrtf, double sample_rate, const SourceInput* sources,
                       std::size_t n_sources, std::size_t n_out, std::uint64_t seed, const RoomSceneOptions& opt,
                       float* left, float* right, std::string& err) {
    try {
        const std::size_t bs = opt.block_size;
        if (bs < 16 || bs > 16384 || (bs & (bs - 1)) != 0) { err = "block_size must be a power of two in [16, 16384]"; return false; }
        if (!(opt.update_deg >= 0) || !std::isfinite(opt.update_deg)) { err = "update_deg must be >= 0"; return false; }
        if (!(sample_rate > 0) || std::fabs(hrtf.sample_rate() - sample_rate) > 1e-6) {
            err = "the HRTF set's sample rate (" + std::to_string(hrtf.sample_rate()) + " Hz) differs from the scene's (" +
                  std::to_string(sample_rate) + " Hz)";
            return false;
        }
        if (n_sources == 0) { err = "scene.sources is empty: nothing to render"; return false; }
        if (n_out == 0) { err = "the scene lasts no samples: nothing to render"; return false; }
        if (!sources) { err = "sources is NULL"; return false; }
        if (!left || !right) { err = "left and right must be non-NULL buffers"; return false; }
        RoomSpec room;
        double length_s = 0.0;
        if (!scene_room(scene, room, length_s, err)) return false;
        double lis[3];
        scene_listener(scene, lis);
        for (double v : lis)
            if (!std::isfinite(v)) { err = "listener.position_m must be finite"; return false; }
        if (scene.indoor) {
            for (int i = 0; i < 3; ++i)
                if (lis[i] < 0 || lis[i] > scene.room_size_m[i]) { err = "listener.position_m lies outside the room"; return false; }
        } else if (lis[2] < 0) {
            err = "listener.position_m must be above the ground (z >= 0) outdoors";
            return false;
        }
        const std::size_t nb = (n_out + bs - 1) / bs;

        // The schedule of each source (which response each block uses) and the responses to compute.
        struct Job { std::size_t source; double pos[3]; std::uint64_t seed; };
        std::vector<Job> jobs;
        std::vector<std::vector<int>> schedules(n_sources, std::vector<int>(nb, 0));
        std::vector<std::size_t> first_job(n_sources + 1, 0);
        for (std::size_t s = 0; s < n_sources; ++s) {
            const SourceInput& src = sources[s];
            if (src.n > 0 && !src.x) { err = "sources[" + std::to_string(s) + "] has no samples"; return false; }
            if (!src.kf || src.nk == 0) { err = "sources[" + std::to_string(s) + "] has no keyframes"; return false; }
            if (!std::isfinite(src.gain)) { err = "sources[" + std::to_string(s) + "]: gain must be finite"; return false; }
            try {
                validate_keyframes(src.kf, src.nk);
            } catch (const std::exception& e) {
                err = "sources[" + std::to_string(s) + "]: " + e.what();
                return false;
            }
            first_job[s] = jobs.size();
            const std::uint64_t src_seed = seed * 1000u + s;
            bool have_last = false;
            double last[3] = {0, 0, 0};
            int n_filters = 0;
            for (std::size_t j = 0; j < nb; ++j) {
                const double t = static_cast<double>((j + 1) * bs) / sample_rate;  // a block's state: the path at its end
                const Keyframe k = evaluate(src.kf, src.nk, t);
                const double cur[3] = {k.az, k.el, k.dist};
                if (!std::isfinite(k.az) || !std::isfinite(k.el) || !(k.dist > 0) || !std::isfinite(k.dist)) {
                    err = "sources[" + std::to_string(s) + "]: the path must give finite directions and distances > 0";
                    return false;
                }
                if (have_last && room_close(last, cur, opt.update_deg)) {
                    schedules[s][j] = n_filters - 1;
                    continue;
                }
                Job job;
                job.source = s;
                job.seed = src_seed;
                room_source_position(lis, k.az, k.el, k.dist, scene, job.pos);
                jobs.push_back(job);
                schedules[s][j] = n_filters++;
                for (int q = 0; q < 3; ++q) last[q] = cur[q];
                have_last = true;
            }
        }
        first_job[n_sources] = jobs.size();

        // The responses, in parallel (each depends only on its job, so the threads change nothing).
        RoomResponseParams rp;
        rp.sample_rate = sample_rate;
        rp.length_s = length_s;
        rp.two_microphones = false;
        rp.mic_spacing_m = 0.17;
        std::vector<std::vector<float>> resp(jobs.size());
        std::vector<std::size_t> resp_len(jobs.size(), 0);
        std::vector<std::string> errors(jobs.size());
        std::atomic<std::size_t> next{0};
        std::atomic<bool> failed{false};
        auto work = [&]() {
            for (std::size_t q; !failed.load() && (q = next.fetch_add(1)) < jobs.size();) {
                try {
                    RoomResponseParams p = rp;
                    p.seed = jobs[q].seed;
                    resp[q] = room_response(room, jobs[q].pos, lis, &hrtf, p, &resp_len[q]);
                } catch (const std::bad_alloc&) {
                    errors[q] = "out of memory computing the room responses";
                    failed = true;
                } catch (const std::exception& e) {
                    errors[q] = std::string("room response: ") + e.what();
                    failed = true;
                }
            }
        };
        const int n_threads = std::max(1, std::min<int>(opt.n_threads, static_cast<int>(std::min<std::size_t>(jobs.size(), 64))));
        std::vector<std::thread> pool;
        pool.reserve(static_cast<std::size_t>(n_threads));
        for (int t = 1; t < n_threads; ++t) {
            // A thread the system refuses only means fewer helpers (same result); an exception
            // here would destroy joinable threads and terminate the host.
            try {
                pool.emplace_back(work);
            } catch (const std::system_error&) {
                break;
            }
        }
        work();
        for (auto& th : pool) th.join();
        for (const auto& e : errors)
            if (!e.empty()) { err = e; return false; }

        // One stack (n_filters, 2, n_taps) per source, each response zero-padded to the longest.
        std::vector<std::vector<float>> stacks(n_sources);
        std::vector<ScheduledSource> in(n_sources);
        for (std::size_t s = 0; s < n_sources; ++s) {
            const std::size_t j0 = first_job[s], j1 = first_job[s + 1], nf = j1 - j0;
            std::size_t taps = 0;
            for (std::size_t q = j0; q < j1; ++q) taps = std::max(taps, resp_len[q]);
            if (nf == 0 || taps == 0) { err = "internal error: a source got no room response"; return false; }
            stacks[s].assign(nf * 2 * taps, 0.0f);
            for (std::size_t q = j0; q < j1; ++q) {
                const std::size_t n = resp_len[q];
                for (int ch = 0; ch < 2; ++ch)
                    std::copy(resp[q].begin() + ch * n, resp[q].begin() + (ch + 1) * n,
                              stacks[s].begin() + ((q - j0) * 2 + ch) * taps);
                std::vector<float>().swap(resp[q]);
            }
            in[s] = {sources[s].x, sources[s].n, stacks[s].data(), nf, taps, schedules[s].data(), nb, sources[s].gain};
        }
        RenderParams p;
        p.block_size = bs;
        p.near_field_m = 0.25;
        p.reference_distance_m = 1.0;
        p.n_threads = std::max(1, opt.n_threads);
        render_scheduled(in.data(), in.size(), n_out, p, left, right);
        return true;
    } catch (const std::bad_alloc&) {
        err = "out of memory rendering the room";
        return false;
    } catch (const std::exception& e) {
        err = std::string("room rendering failed: ") + e.what();
        return false;
    }
}

}  // namespace bewo::rt
