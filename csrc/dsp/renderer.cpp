#include "renderer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

#include "convolver.h"
#include "fft.h"

namespace bewo {

namespace {

// What one source is convolved with, block by block. Two kinds share the engine below: an HRTF
// pair synthesised for the trajectory's direction at each block, and a schedule of precomputed
// responses (room BRIRs along a path).
struct HrtfPlan {
    const HrtfSet* hrtf;
    const std::vector<BlockState>* states;
    std::size_t length() const { return hrtf->ir_length(); }
    bool same(std::size_t a, std::size_t b) const {
        const BlockState &x = (*states)[a], &y = (*states)[b];
        return x.az == y.az && x.el == y.el;
    }
    void fill(std::size_t j, float* l, float* r) const { hrtf->hrir((*states)[j].az, (*states)[j].el, l, r); }
    double gain(std::size_t j) const { return (*states)[j].gain; }
};

struct SchedulePlan {
    const ScheduledSource* src;
    std::size_t length() const { return src->filter_len; }
    bool same(std::size_t a, std::size_t b) const { return src->block_filter[a] == src->block_filter[b]; }
    void fill(std::size_t j, float* l, float* r) const {
        const float* f = src->filters + std::size_t(src->block_filter[j]) * 2 * src->filter_len;
        std::memcpy(l, f, src->filter_len * sizeof(float));
        std::memcpy(r, f + src->filter_len, src->filter_len * sizeof(float));
    }
    double gain(std::size_t) const { return src->gain; }
};

template <class Plan>
bool is_static(const Plan& plan, std::size_t nb) {
    for (std::size_t j = 1; j < nb; ++j)
        if (!plan.same(0, j) || plan.gain(j) != plan.gain(0)) return false;
    return true;
}

struct Task {
    std::size_t source, b0, b1;
};

// Raised-cosine fade-in over one block, identical for every block.
std::vector<float> crossfade_ramp(std::size_t B) {
    std::vector<float> w(B);
    for (std::size_t i = 0; i < B; ++i) w[i] = float(0.5 - 0.5 * std::cos(M_PI * (double(i) + 0.5) / double(B)));
    return w;
}

// Blocks [b0, b1) of one source: uniformly partitioned convolution; when the filter changes at a
// block, the same input history goes through the old and the new filter and the outputs are
// crossfaded over that block.
template <class Plan>
void render_segment(const Plan& plan, const float* x, std::size_t xn, const std::vector<float>& ramp, std::size_t b0,
                    std::size_t b1, std::size_t n_out, std::size_t B, float* outL, float* outR) {
    const std::size_t L = plan.length();
    PartitionedConvolver conv(B, L);
    const std::size_t P = conv.partitions();
    std::vector<float> in(B), hl(L), hr(L), yl(B), yr(B), yl2(B), yr2(B);
    FilterSpectra cur, prev;

    auto load_block = [&](std::ptrdiff_t j) {
        const std::size_t s0 = j < 0 ? xn : std::size_t(j) * B;
        const std::size_t cnt = s0 >= xn ? 0 : std::min(B, xn - s0);
        if (cnt) std::memcpy(in.data(), x + s0, cnt * sizeof(float));
        if (cnt < B) std::fill(in.begin() + cnt, in.end(), 0.f);
    };
    auto spectra_for = [&](std::size_t j, FilterSpectra& out) {
        plan.fill(j, hl.data(), hr.data());
        conv.make_spectra(hl.data(), hr.data(), out);
    };

    // Warm the delay line with the P blocks before the segment (zeros before the start): the
    // first one only fills the frame's older half, its spectrum drops out of the ring.
    for (std::ptrdiff_t j = std::ptrdiff_t(b0) - std::ptrdiff_t(P); j < std::ptrdiff_t(b0); ++j) {
        load_block(j);
        conv.push(in.data());
    }
    std::size_t last = b0 == 0 ? 0 : b0 - 1;
    spectra_for(last, cur);

    for (std::size_t j = b0; j < b1; ++j) {
        load_block(std::ptrdiff_t(j));
        conv.push(in.data());
        const float g0 = float(plan.gain(last)), g1 = float(plan.gain(j));
        const std::size_t o0 = j * B, cnt = std::min(B, n_out - o0);
        if (!plan.same(j, last)) {
            std::swap(prev, cur);
            spectra_for(j, cur);
            conv.convolve(prev, yl2.data(), yr2.data());
            conv.convolve(cur, yl.data(), yr.data());
            for (std::size_t i = 0; i < cnt; ++i) {
                const float a = (1.f - ramp[i]) * g0, b = ramp[i] * g1;
                outL[o0 + i] = a * yl2[i] + b * yl[i];
                outR[o0 + i] = a * yr2[i] + b * yr[i];
            }
        } else {
            conv.convolve(cur, yl.data(), yr.data());
            for (std::size_t i = 0; i < cnt; ++i) {
                const float g = (1.f - ramp[i]) * g0 + ramp[i] * g1;
                outL[o0 + i] = g * yl[i];
                outR[o0 + i] = g * yr[i];
            }
        }
        last = j;
    }
}

// A source that never moves needs no per-block updates, so its block size is free: plain
// overlap-save with one partition (the whole response) and the largest hop the FFT allows,
// hop = N - L + 1, which halves the transforms per output sample compared with N = 2 * block.
struct StaticPlan {
    std::size_t fft, hop;
};

StaticPlan static_plan(std::size_t L) {
    std::size_t n = 1024;
    while (n < 2 * L) n *= 2;
    return {n, n - L + 1};
}

template <class Plan>
void render_static_hops(const Plan& plan, const float* x, std::size_t xn, const StaticPlan& sp, std::size_t h0,
                        std::size_t h1, std::size_t n_out, float* outL, float* outR) {
    const std::size_t L = plan.length(), N = sp.fft, B = sp.hop, bins = N / 2 + 1;
    const RealFFT fft(N);
    std::vector<float> hl(L), hr(L), buf(N), y(N);
    // Spectra in one arena whose arrays start 512 bytes apart modulo 4 KiB: arrays that land a
    // multiple of 4 KiB apart make the product loop's loads wait on unrelated stores (4K aliasing).
    std::size_t stride = (bins + 1023) / 1024 * 1024 + 128;  // floats; stride * 4 = 512 (mod 4096)
    std::vector<float> arena(8 * stride);
    float* hre_p = arena.data();            // 2 ears
    float* him_p = hre_p + 2 * stride;      // 2 ears
    float* xre_p = him_p + 2 * stride;
    float* xim_p = xre_p + stride;
    float* yre_p = xim_p + stride;
    float* yim_p = yre_p + stride;
    plan.fill(0, hl.data(), hr.data());
    const float scale = float(plan.gain(0)) / float(N);
    const float* h[2] = {hl.data(), hr.data()};
    for (int ear = 0; ear < 2; ++ear) {
        std::fill(buf.begin(), buf.end(), 0.f);
        for (std::size_t t = 0; t < L; ++t) buf[t] = h[ear][t] * scale;
        fft.forward(buf.data(), hre_p + ear * stride, him_p + ear * stride);
    }
    float* out[2] = {outL, outR};
    for (std::size_t hop = h0; hop < h1; ++hop) {
        // frame = x[s - (N - B), s + B): the history the hop's outputs depend on, zeros outside
        const std::ptrdiff_t s = std::ptrdiff_t(hop * B), first = s - std::ptrdiff_t(N - B);
        const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(first, 0);
        const std::ptrdiff_t hi = std::min<std::ptrdiff_t>(first + std::ptrdiff_t(N), std::ptrdiff_t(xn));
        const float* frame = buf.data();
        if (lo == first && hi == first + std::ptrdiff_t(N)) {
            frame = x + first;  // inside the signal: transform it where it lies
        } else if (hi > lo) {
            const std::size_t a = std::size_t(lo - first), b = std::size_t(hi - first);
            std::fill(buf.begin(), buf.begin() + a, 0.f);
            std::memcpy(buf.data() + a, x + lo, (b - a) * sizeof(float));
            std::fill(buf.begin() + b, buf.end(), 0.f);
        } else {
            std::fill(buf.begin(), buf.end(), 0.f);
        }
        fft.forward(frame, xre_p, xim_p);
        const std::size_t cnt = std::min(B, n_out - std::size_t(s));
        for (int ear = 0; ear < 2; ++ear) {
            const float* __restrict ar = xre_p;
            const float* __restrict ai = xim_p;
            const float* __restrict br = hre_p + ear * stride;
            const float* __restrict bi = him_p + ear * stride;
            float* __restrict cr = yre_p;
            float* __restrict ci = yim_p;
            std::size_t k = 0;
#if defined(__AVX2__) && defined(__FMA__)
            for (; k + 8 <= bins; k += 8) {
                const __m256 a = _mm256_loadu_ps(ar + k), b = _mm256_loadu_ps(ai + k);
                const __m256 c = _mm256_loadu_ps(br + k), d = _mm256_loadu_ps(bi + k);
                _mm256_storeu_ps(cr + k, _mm256_fmsub_ps(a, c, _mm256_mul_ps(b, d)));
                _mm256_storeu_ps(ci + k, _mm256_fmadd_ps(a, d, _mm256_mul_ps(b, c)));
            }
#endif
            for (; k < bins; ++k) {
                cr[k] = ar[k] * br[k] - ai[k] * bi[k];
                ci[k] = ar[k] * bi[k] + ai[k] * br[k];
            }
            fft.inverse(yre_p, yim_p, y.data());
            std::memcpy(out[ear] + s, y.data() + (N - B), cnt * sizeof(float));
        }
    }
}

void check_params(const RenderParams& p) {
    const std::size_t B = p.block_size;
    if (B < 16 || (B & (B - 1)) != 0 || B > (1u << 16))
        throw std::invalid_argument("block_size must be a power of two in [16, 65536], got " + std::to_string(B));
    if (!(p.near_field_m > 0) || !(p.reference_distance_m > 0))
        throw std::invalid_argument("near_field_m and reference_distance_m must be > 0");
}

// Runs every source's plan over the threads and mixes them in source order, so the result is
// bit-identical for any n_threads.
template <class Plan>
void run_plans(const std::vector<Plan>& plans, const std::vector<const float*>& xs, const std::vector<std::size_t>& xns,
               std::size_t n_out, const RenderParams& p, float* out_left, float* out_right) {
    const std::size_t n_sources = plans.size(), B = p.block_size;
    if (n_sources != 1) {  // one source writes every output sample itself
        std::fill(out_left, out_left + n_out, 0.f);
        std::fill(out_right, out_right + n_out, 0.f);
    }
    if (n_out == 0 || n_sources == 0) return;
    const std::size_t nb = (n_out + B - 1) / B;
    const std::vector<float> ramp = crossfade_ramp(B);
    const int n_threads = std::max(1, p.n_threads);

    std::vector<char> still(n_sources);
    std::vector<StaticPlan> splans(n_sources);
    for (std::size_t s = 0; s < n_sources; ++s) {
        still[s] = is_static(plans[s], nb);
        splans[s] = static_plan(plans[s].length());
    }
    // Enough segments to keep every thread busy, but long enough that the warm-up is negligible.
    std::size_t per_source = 1;
    if (std::size_t(n_threads) > n_sources) per_source = (std::size_t(n_threads) + n_sources - 1) / n_sources;
    std::vector<Task> tasks;
    for (std::size_t s = 0; s < n_sources; ++s) {
        const std::size_t units = still[s] ? (n_out + splans[s].hop - 1) / splans[s].hop : nb;
        const std::size_t parts = std::max<std::size_t>(1, std::min(per_source, units / 16));
        for (std::size_t k = 0; k < parts; ++k) {
            const std::size_t b0 = units * k / parts, b1 = units * (k + 1) / parts;
            if (b1 > b0) tasks.push_back({s, b0, b1});
        }
    }

    // One private stereo buffer per source when mixing, so the sum order never depends on threads.
    std::vector<std::vector<float>> bufs(n_sources > 1 ? n_sources : 0);
    for (auto& b : bufs) b.assign(2 * n_out, 0.f);
    auto dst = [&](std::size_t s, int ear) -> float* {
        if (n_sources == 1) return ear == 0 ? out_left : out_right;
        return bufs[s].data() + (ear == 0 ? 0 : n_out);
    };

    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto worker = [&]() {
        for (;;) {
            const std::size_t t = next.fetch_add(1);
            if (t >= tasks.size()) return;
            const Task& tk = tasks[t];
            try {
                const std::size_t s = tk.source;
                if (still[s])
                    render_static_hops(plans[s], xs[s], xns[s], splans[s], tk.b0, tk.b1, n_out, dst(s, 0), dst(s, 1));
                else
                    render_segment(plans[s], xs[s], xns[s], ramp, tk.b0, tk.b1, n_out, B, dst(s, 0), dst(s, 1));
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!error) error = std::current_exception();
            }
        }
    };
    const std::size_t n_workers = std::min<std::size_t>(std::size_t(n_threads), tasks.size());
    std::vector<std::thread> pool;
    pool.reserve(n_workers);
    for (std::size_t i = 1; i < n_workers; ++i) {
        try {  // a refused thread means fewer workers, not std::terminate over joinable ones
            pool.emplace_back(worker);
        } catch (const std::system_error&) {
            break;
        }
    }
    worker();
    for (auto& th : pool) th.join();
    if (error) std::rethrow_exception(error);

    if (n_sources > 1)
        for (std::size_t s = 0; s < n_sources; ++s) {
            const float* b = bufs[s].data();
            for (std::size_t i = 0; i < n_out; ++i) {
                out_left[i] += b[i];
                out_right[i] += b[n_out + i];
            }
        }
}

}  // namespace

void block_hrirs(const HrtfSet& hrtf, const std::vector<BlockState>& states, std::vector<float>& hrirs) {
    const std::size_t L = hrtf.ir_length();
    hrirs.resize(states.size() * 2 * L);
    for (std::size_t j = 0; j < states.size(); ++j) {
        if (j > 0 && states[j].az == states[j - 1].az && states[j].el == states[j - 1].el) {
            std::memcpy(&hrirs[j * 2 * L], &hrirs[(j - 1) * 2 * L], 2 * L * sizeof(float));
            continue;
        }
        hrtf.hrir(states[j].az, states[j].el, &hrirs[j * 2 * L], &hrirs[j * 2 * L + L]);
    }
}

void render_scene(const HrtfSet& hrtf, const SourceInput* sources, std::size_t n_sources, std::size_t n_out,
                  const RenderParams& p, float* out_left, float* out_right) {
    check_params(p);
    std::vector<std::vector<BlockState>> states(n_sources);
    std::vector<HrtfPlan> plans(n_sources);
    std::vector<const float*> xs(n_sources);
    std::vector<std::size_t> xns(n_sources);
    for (std::size_t s = 0; s < n_sources; ++s) {
        if (sources[s].n > 0 && sources[s].x == nullptr) throw std::invalid_argument("source has no samples");
        states[s] = plan_blocks(sources[s].kf, sources[s].nk, n_out, hrtf.sample_rate(), p, sources[s].gain);
        plans[s] = {&hrtf, &states[s]};
        xs[s] = sources[s].x;
        xns[s] = sources[s].n;
    }
    run_plans(plans, xs, xns, n_out, p, out_left, out_right);
}

void render_scheduled(const ScheduledSource* sources, std::size_t n_sources, std::size_t n_out, const RenderParams& p,
                      float* out_left, float* out_right) {
    check_params(p);
    const std::size_t nb = (n_out + p.block_size - 1) / p.block_size;
    std::vector<SchedulePlan> plans(n_sources);
    std::vector<const float*> xs(n_sources);
    std::vector<std::size_t> xns(n_sources);
    for (std::size_t s = 0; s < n_sources; ++s) {
        const ScheduledSource& src = sources[s];
        if (src.n > 0 && src.x == nullptr) throw std::invalid_argument("source has no samples");
        if (src.filter_len == 0 || src.n_filters == 0) throw std::invalid_argument("a scheduled source needs filters");
        if (src.n_blocks < nb) throw std::invalid_argument("block schedule shorter than the output");
        for (std::size_t j = 0; j < nb; ++j)
            if (src.block_filter[j] < 0 || std::size_t(src.block_filter[j]) >= src.n_filters)
                throw std::invalid_argument("block schedule names a filter that does not exist");
        plans[s] = {&src};
        xs[s] = src.x;
        xns[s] = src.n;
    }
    run_plans(plans, xs, xns, n_out, p, out_left, out_right);
}

}  // namespace bewo
