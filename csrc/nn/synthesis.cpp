#include "synthesis.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "../dsp/fft.h"
#include "vae_decoder.h"

namespace bewo::nn {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr float kLogFloor = 1e-4f;
const double kIldEdges[] = {0, 150, 300, 450, 630, 840, 1100, 1400, 1800, 2300, 2900, 3600, 4400, 5300, 6300, 7200, 8001};
const double kItdEdges[] = {50, 700, 1500, 3000, 8001};

const RealFFT& fft512() {
    static const RealFFT f(kFft);
    return f;
}

const std::vector<float>& window() { return hann_window(); }

using Interp = BandInterp;
std::vector<Interp> interp_table(const double* edges, int bands) {
    std::vector<float> c(bands);
    for (int k = 0; k < bands; ++k) c[k] = static_cast<float>(0.5 * (edges[k] + edges[k + 1]));
    std::vector<Interp> out(kBins);
    for (int b = 0; b < kBins; ++b) {
        float f = static_cast<float>(b) * (static_cast<float>(kSampleRate) / kFft);
        if (f <= c[0]) out[b] = {0, 0.0f};
        else if (f >= c[bands - 1]) out[b] = {bands - 1, 0.0f};
        else {
            int j = static_cast<int>(std::lower_bound(c.begin(), c.end(), f) - c.begin());
            out[b] = {j - 1, (f - c[j - 1]) / (c[j] - c[j - 1])};
        }
    }
    return out;
}

inline float interp(const std::vector<Interp>& tab, int bin, const float* bands, int frames, int f) {
    const Interp& it = tab[bin];
    float v0 = bands[static_cast<std::size_t>(it.j0) * frames + f];
    if (it.w1 == 0.0f) return v0;
    return (1.0f - it.w1) * v0 + it.w1 * bands[static_cast<std::size_t>(it.j0 + 1) * frames + f];
}

}  // namespace

const std::vector<float>& hann_window() {
    static const std::vector<float> w = [] {
        std::vector<float> v(kFft);
        for (int i = 0; i < kFft; ++i) v[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * kPi * i / kFft));
        return v;
    }();
    return w;
}

const std::vector<BandInterp>& ild_interp() {
    static const std::vector<BandInterp> t = interp_table(kIldEdges, kIldBands);
    return t;
}

const std::vector<BandInterp>& itd_interp() {
    static const std::vector<BandInterp> t = interp_table(kItdEdges, kItdBands);
    return t;
}

std::uint64_t Rng::next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

float Rng::uniform() { return static_cast<float>(next() >> 40) * (1.0f / 16777216.0f); }

float Rng::normal() {
    if (have_spare_) {
        have_spare_ = false;
        return spare_;
    }
    double u1 = (static_cast<double>(next() >> 11) + 1.0) * (1.0 / 9007199254740992.0);  // (0, 1]
    double u2 = static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
    double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = static_cast<float>(r * std::sin(2.0 * kPi * u2));
    have_spare_ = true;
    return static_cast<float>(r * std::cos(2.0 * kPi * u2));
}

std::vector<float> inverse_envelope(int frames, int samples) {
    const int nf = frames + 1;
    const auto& w = window();
    const std::size_t total = static_cast<std::size_t>(nf - 1) * kHop + kFft;
    std::vector<float> env(total, 0.0f), out(samples, 0.0f);
    for (int f = 0; f < nf; ++f)
        for (int n = 0; n < kFft; ++n) env[static_cast<std::size_t>(f) * kHop + n] += w[n] * w[n];
    for (int j = 0; j < samples; ++j) {
        const std::size_t s = static_cast<std::size_t>(j) + kFft / 2;
        out[j] = (s < total && env[s] > 1e-11f) ? 1.0f / env[s] : 0.0f;
    }
    return out;
}

namespace {

// Griffin-Lim keeps its spectra frame-major ([frame][bin]): every frame's transform reads and
// writes one contiguous run, and the phase update runs inside the forward transform's pass.

// Windowed inverse transforms of every frame, overlap-added and scaled by the inverse window
// envelope, as torch.istft. Output samples are split over the threads; each sums its frames in
// frame order, as a serial overlap-add would, so the bits do not depend on the thread count.
void istft_frames(const float* xr, const float* xi, int frames, int samples, const std::vector<float>& inv_env,
                  std::vector<float>& blocks, float* y, ThreadPool* pool) {
    const auto& w = window();
    blocks.resize(static_cast<std::size_t>(frames) * kFft);
    parallel(pool, frames, [&](std::size_t b, std::size_t e) {
        alignas(64) float r[kBins + 15], i[kBins + 15], t[kFft];
        for (std::size_t f = b; f < e; ++f) {
            std::memcpy(r, xr + f * kBins, sizeof(float) * kBins);
            std::memcpy(i, xi + f * kBins, sizeof(float) * kBins);
            i[0] = 0.0f;
            i[kBins - 1] = 0.0f;
            fft512().inverse(r, i, t);
            float* dst = blocks.data() + f * kFft;
            for (int n = 0; n < kFft; ++n) dst[n] = t[n] * (1.0f / kFft) * w[n];
        }
    });
    constexpr int kChunk = 1024;
    parallel(pool, static_cast<std::size_t>((samples + kChunk - 1) / kChunk), [&](std::size_t c0, std::size_t c1) {
        const long j0 = static_cast<long>(c0) * kChunk, j1 = std::min<long>(samples, static_cast<long>(c1) * kChunk);
        std::fill(y + j0, y + j1, 0.0f);
        // Frame f covers output samples [f * hop - kFft / 2, f * hop + kFft / 2).
        const long f0 = std::max(0L, (j0 + kFft / 2 - kFft) / kHop), f1 = std::min<long>(frames - 1, (j1 - 1 + kFft / 2) / kHop);
        for (long f = f0; f <= f1; ++f) {
            const float* src = blocks.data() + static_cast<std::size_t>(f) * kFft;
            const long off = f * kHop - kFft / 2;
            const long a = std::max(j0, off), z = std::min(j1, off + kFft);
            for (long j = a; j < z; ++j) y[j] += src[j - off];
        }
        for (long j = j0; j < j1; ++j) y[j] *= inv_env[j];
    });
}

// Windowed frame f of x (centred, reflect-padded) as stft() cuts it.
inline void frame_of(const float* x, int samples, long f, float* buf) {
    const auto& w = window();
    const long start = f * kHop - kFft / 2;
    if (start >= 0 && start + kFft <= samples) {
        for (int n = 0; n < kFft; ++n) buf[n] = x[start + n] * w[n];
        return;
    }
    for (int n = 0; n < kFft; ++n) {
        long j = start + n;
        if (j < 0) j = -j;
        if (j >= samples) j = 2L * (samples - 1) - j;
        j = std::max(0L, std::min(static_cast<long>(samples) - 1, j));
        buf[n] = x[j] * w[n];
    }
}

}  // namespace

// The bin-major forms (features.stft / features.istft layout), for tests: the frame-major
// pieces Griffin-Lim uses, with a transpose on either side.
void stft(const float* x, int samples, std::vector<float>& re, std::vector<float>& im, ThreadPool* pool) {
    const int frames = samples / kHop;
    re.resize(static_cast<std::size_t>(kBins) * frames);
    im.resize(re.size());
    parallel(pool, frames, [&](std::size_t b, std::size_t e) {
        alignas(64) float buf[kFft], r[kBins + 15], i[kBins + 15];
        for (std::size_t f = b; f < e; ++f) {
            frame_of(x, samples, static_cast<long>(f), buf);
            fft512().forward(buf, r, i);
            for (int k = 0; k < kBins; ++k) {
                re[static_cast<std::size_t>(k) * frames + f] = r[k];
                im[static_cast<std::size_t>(k) * frames + f] = i[k];
            }
        }
    });
}

void istft(const float* re, const float* im, int frames, int samples, std::vector<float>& y, ThreadPool* pool) {
    const std::size_t n = static_cast<std::size_t>(kBins) * frames;
    std::vector<float> xr(n), xi(n), blocks;
    for (int k = 0; k < kBins; ++k)
        for (int f = 0; f < frames; ++f) {
            xr[static_cast<std::size_t>(f) * kBins + k] = re[static_cast<std::size_t>(k) * frames + f];
            xi[static_cast<std::size_t>(f) * kBins + k] = im[static_cast<std::size_t>(k) * frames + f];
        }
    y.resize(samples);
    istft_frames(xr.data(), xi.data(), frames, samples, inverse_envelope(frames, samples), blocks, y.data(), pool);
}

#if defined(__AVX512F__) && defined(__GNUC__) && !defined(__clang__)
// GCC 12's _mm512_sqrt_ps starts from _mm512_undefined_ps(), which -Wmaybe-uninitialized
// reports wherever it is inlined (a known false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
void synthesise(const float* feats, int frames, int samples, int iterations, std::uint64_t seed,
                const float* start_phase, std::vector<float>& audio, ThreadPool* pool) {
    const std::size_t n = static_cast<std::size_t>(kBins) * frames;
    const std::size_t nf = static_cast<std::size_t>(frames);
    // Frame-major magnitudes (feats and start_phase are bin-major).
    std::vector<float> mag(n);
    parallel(pool, nf, [&](std::size_t b, std::size_t e) {
        for (std::size_t f = b; f < e; ++f)
            for (int k = 0; k < kBins; ++k)
                mag[f * kBins + k] = std::max(0.0f, std::exp(feats[static_cast<std::size_t>(k) * nf + f]) - kLogFloor);
    });
    // Griffin-Lim on (cos, sin) of the phase: the angle itself is never needed.
    std::vector<float> xr(n), xi(n), pr(n, 0.0f), pi(n, 0.0f);
    Rng rng(seed);
    for (std::size_t i = 0; i < n; ++i) {  // drawn in bin-major order, as the reference draws them
        const std::size_t k = i / nf, f = i % nf, o = f * kBins + k;
        const float ph = start_phase ? start_phase[i] : rng.uniform() * static_cast<float>(2.0 * kPi);
        xr[o] = mag[o] * std::cos(ph);
        xi[o] = mag[o] * std::sin(ph);
    }
    std::vector<float> cr(n, 1.0f), ci(n, 0.0f);  // unit phase vectors of X
    const std::vector<float> inv_env = inverse_envelope(frames, samples);
    std::vector<float> blocks, wave(samples);
    for (int it = 0; it < iterations; ++it) {
        istft_frames(xr.data(), xi.data(), frames, samples, inv_env, blocks, wave.data(), pool);
        const float mom = it > 0 ? 0.99f : 0.0f;  // fast Griffin-Lim's momentum (none at first)
        parallel(pool, nf, [&](std::size_t b, std::size_t e) {
            alignas(64) float buf[kFft], yr[kBins + 15], yi[kBins + 15];
            for (std::size_t f = b; f < e; ++f) {
                frame_of(wave.data(), samples, static_cast<long>(f), buf);
                fft512().forward(buf, yr, yi);
                const std::size_t o = f * kBins;
                int k0 = 0;
#if defined(__AVX512F__)
                // Sixteen bins at a time: sqrt and division are correctly rounded in both forms,
                // so this gives what the scalar loop below gives.
                {
                    const __m512 vm = _mm512_set1_ps(mom), zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
                    for (; k0 + 16 <= kBins; k0 += 16) {
                        const std::size_t i = o + k0;
                        const __m512 y_r = _mm512_loadu_ps(yr + k0), y_i = _mm512_loadu_ps(yi + k0);
                        const __m512 ar = _mm512_add_ps(y_r, _mm512_mul_ps(vm, _mm512_sub_ps(y_r, _mm512_loadu_ps(&pr[i]))));
                        const __m512 ai = _mm512_add_ps(y_i, _mm512_mul_ps(vm, _mm512_sub_ps(y_i, _mm512_loadu_ps(&pi[i]))));
                        _mm512_storeu_ps(&pr[i], y_r);
                        _mm512_storeu_ps(&pi[i], y_i);
                        const __m512 a2 = _mm512_add_ps(_mm512_mul_ps(ar, ar), _mm512_mul_ps(ai, ai));
                        const __mmask16 pos = _mm512_cmp_ps_mask(a2, zero, _CMP_GT_OQ);
                        const __m512 inv = _mm512_maskz_div_ps(pos, one, _mm512_sqrt_ps(a2));
                        const __m512 c_r = _mm512_mask_mul_ps(one, pos, ar, inv), c_i = _mm512_mul_ps(ai, inv);
                        _mm512_storeu_ps(&cr[i], c_r);
                        _mm512_storeu_ps(&ci[i], c_i);
                        const __m512 m = _mm512_loadu_ps(&mag[i]);
                        _mm512_storeu_ps(&xr[i], _mm512_mul_ps(m, c_r));
                        _mm512_storeu_ps(&xi[i], _mm512_mul_ps(m, c_i));
                    }
                }
#endif
                for (int k = k0; k < kBins; ++k) {
                    const std::size_t i = o + k;
                    const float ar = yr[k] + mom * (yr[k] - pr[i]), ai = yi[k] + mom * (yi[k] - pi[i]);
                    pr[i] = yr[k];
                    pi[i] = yi[k];
                    const float a2 = ar * ar + ai * ai;
                    // angle(0) = 0, as torch.angle gives.
                    const float inv = a2 > 0.0f ? 1.0f / std::sqrt(a2) : 0.0f;
                    cr[i] = a2 > 0.0f ? ar * inv : 1.0f;
                    ci[i] = ai * inv;
                    xr[i] = mag[i] * cr[i];
                    xi[i] = mag[i] * ci[i];
                }
            }
        });
    }
    if (iterations == 0)
        for (std::size_t i = 0; i < n; ++i) {
            float a = std::sqrt(xr[i] * xr[i] + xi[i] * xi[i]);
            cr[i] = a > 0.0f ? xr[i] / a : 1.0f;
            ci[i] = a > 0.0f ? xi[i] / a : 0.0f;
        }
    for (std::size_t i = 0; i < n; ++i)  // a zero-magnitude bin has angle 0 in the reference
        if (mag[i] == 0.0f) { cr[i] = 1.0f; ci[i] = 0.0f; }
    const std::vector<Interp>& ild_tab = ild_interp();
    const std::vector<Interp>& itd_tab = itd_interp();
    std::vector<float> ild(static_cast<std::size_t>(kIldBands) * frames), itd(static_cast<std::size_t>(kItdBands) * frames);
    const float* fi = feats + static_cast<std::size_t>(kBins) * frames;
    for (std::size_t i = 0; i < ild.size(); ++i) ild[i] = std::max(-2.0f, std::min(2.0f, fi[i])) * 12.0f;
    const float* ft = fi + ild.size();
    for (std::size_t i = 0; i < itd.size(); ++i) itd[i] = std::max(-1.0f, std::min(1.0f, ft[i]));
    // Each ear's spectrum, written over (xr, xi) and (pr, pi): Griffin-Lim is done with them.
    float *lr = xr.data(), *li = xi.data(), *rr = pr.data(), *ri = pi.data();
    parallel(pool, nf, [&](std::size_t b, std::size_t e) {
        for (std::size_t f = b; f < e; ++f)
            for (int k = 0; k < kBins; ++k) {
                const std::size_t i = f * kBins + k;
                const float freq = static_cast<float>(k) * (static_cast<float>(kSampleRate) / kFft);
                const float r = std::pow(10.0f, interp(ild_tab, k, ild.data(), frames, static_cast<int>(f)) / 10.0f);
                const float gl = std::sqrt(2.0f * r / (1.0f + r)), gr = std::sqrt(2.0f / (1.0f + r));
                const float half = static_cast<float>(kPi) * freq * interp(itd_tab, k, itd.data(), frames, static_cast<int>(f)) / 1000.0f;
                const float ch = std::cos(half), sh = std::sin(half);
                // e^{i(phi + half)} and e^{i(phi - half)} from the unit phase vector.
                lr[i] = mag[i] * gl * (cr[i] * ch - ci[i] * sh);
                li[i] = mag[i] * gl * (ci[i] * ch + cr[i] * sh);
                rr[i] = mag[i] * gr * (cr[i] * ch + ci[i] * sh);
                ri[i] = mag[i] * gr * (ci[i] * ch - cr[i] * sh);
            }
    });
    audio.assign(static_cast<std::size_t>(2) * samples, 0.0f);
    istft_frames(lr, li, frames, samples, inv_env, blocks, audio.data(), pool);
    istft_frames(rr, ri, frames, samples, inv_env, blocks, audio.data() + samples, pool);
}
#if defined(__AVX512F__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace bewo::nn
