// The tiny model's synthesis on the GPU (synthesis_cuda.h); the math follows nn/synthesis.cpp,
// with spectra kept frame-major ([frame][bin]) as there.
#include "synthesis_cuda.h"

#include <exception>

#include "../nn/synthesis.h"
#include "../nn/vae_decoder.h"
#include "fft_cuda.cuh"

namespace bewo::cuda_nn {

namespace {

constexpr int kLog2Fft = 9, kN = nn::kFft, kHalf = kN / 2, kBins = nn::kBins, kHop = nn::kHop;
constexpr int kSpatial = nn::kIldBands + nn::kItdBands;
constexpr float kLogFloor = 1e-4f;
constexpr float kPiF = static_cast<float>(3.14159265358979323846);
constexpr float kTwoPiF = static_cast<float>(2.0 * 3.14159265358979323846);
static_assert((1 << kLog2Fft) == kN && kHalf + 1 == kBins, "the synthesis kernels assume a 512-point STFT");

// nn::Rng's uniform draw number i (0-based) from `seed`: SplitMix64 adds the golden-ratio step
// once per draw, so draw i needs no draws before it.
__device__ __forceinline__ float splitmix_uniform(unsigned long long seed, unsigned long long i) {
    unsigned long long z = seed + (i + 1ull) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<float>(z >> 40) * (1.0f / 16777216.0f);
}

// Magnitudes from the log level, and Griffin-Lim's first spectrum from the start phase (drawn in
// bin-major order, as the CPU draws it).
__global__ void gl_init_kernel(const float* __restrict__ mid, int frames, unsigned long long seed,
                               const float* __restrict__ start, float* mag, float* xr, float* xi, float* pr, float* pi) {
    const long long n = (long long)frames * kBins;
    for (long long o = (long long)blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (long long)gridDim.x * blockDim.x) {
        const int f = (int)(o / kBins), k = (int)(o % kBins);
        const float m = fmaxf(0.f, expf(mid[o]) - kLogFloor);
        const long long i = (long long)k * frames + f;
        const float ph = start ? start[i] : splitmix_uniform(seed, (unsigned long long)i) * kTwoPiF;
        mag[o] = m;
        xr[o] = m * cosf(ph);
        xi[o] = m * sinf(ph);
        pr[o] = 0.f;
        pi[o] = 0.f;
    }
}

// Inverse transforms of two half spectra per block, scaled by 1/N and windowed, into rows of
// `blocks` (512 samples each). Block p takes spectrum rows (fa, fb): frames 2p and 2p + 1 when
// pair_channels is 0 (rows = frames), or frame p of two channels stored one after the other when
// it is 1 (rows p and frames + p). The imaginary parts of DC and Nyquist are ignored, as irfft does.
__global__ void __launch_bounds__(kHalf) istft_pair_kernel(const float* __restrict__ re, const float* __restrict__ im,
                                                           int frames, int pair_channels, const float2* __restrict__ tw,
                                                           const float* __restrict__ win, float* __restrict__ blocks) {
    __shared__ float2 z[kN];
    __shared__ float2 s_tw[kHalf];
    const int t = threadIdx.x, p = blockIdx.x;
    s_tw[t] = tw[t];
    const long long fa = pair_channels ? p : 2LL * p;
    const long long fb = pair_channels ? (long long)frames + p : 2LL * p + 1;
    const bool has_b = pair_channels || fb < frames;
    for (int k = t; k <= kHalf; k += kHalf) {
        float2 A = make_float2(re[fa * kBins + k], im[fa * kBins + k]);
        float2 B = has_b ? make_float2(re[fb * kBins + k], im[fb * kBins + k]) : make_float2(0.f, 0.f);
        if (k == 0 || k == kHalf) A.y = B.y = 0.f;
        // Z = A + i B at k, and its Hermitian partner conj(A) + i conj(B) at N - k.
        z[bit_reverse<kLog2Fft>(k)] = make_float2(A.x - B.y, A.y + B.x);
        if (k > 0 && k < kHalf) z[bit_reverse<kLog2Fft>(kN - k)] = make_float2(A.x + B.y, B.x - A.y);
    }
    fft_shared<kLog2Fft>(z, s_tw, true);
    for (int n = t; n < kN; n += kHalf) {
        const float w = win[n];
        blocks[fa * kN + n] = z[n].x * (1.0f / kN) * w;
        if (has_b) blocks[fb * kN + n] = z[n].y * (1.0f / kN) * w;
    }
}

// Output sample j of the overlap-add of `frames` blocks (frame g covers samples
// [g hop - N/2, g hop + N/2)), summed in frame order from zero as the CPU sums it; not yet scaled
// by the inverse envelope.
__device__ __forceinline__ float ola_at(const float* __restrict__ blocks, int frames, int j) {
    const int g0 = j >= kN / 2 ? (j - kN / 2) / kHop + 1 : 0;
    const int g1 = min(frames - 1, (j + kN / 2) / kHop);
    float acc = 0.f;
    for (int g = g0; g <= g1; ++g) acc += blocks[(long long)g * kN + (j - g * kHop + kN / 2)];
    return acc;
}

struct AnalysisArgs {
    const float* x = nullptr;       // the signal (FromBlocks = false)
    const float* blocks = nullptr;  // or the inverse transforms to overlap-add (FromBlocks = true)
    const float* inv_env = nullptr;
    int frames = 0, samples = 0;
    const float2* tw = nullptr;
    const float* win = nullptr;
    // Update: Griffin-Lim's projection with momentum; else the spectra go to out_re / out_im.
    const float* mag = nullptr;
    float *pr = nullptr, *pi = nullptr, *xr = nullptr, *xi = nullptr, *cr = nullptr, *ci = nullptr;
    float mom = 0.f;
    float *out_re = nullptr, *out_im = nullptr;
};

// One bin of fast Griffin-Lim: momentum on the new spectrum, its unit phase vector (angle 0 where
// it is zero, as torch.angle), and the target magnitude with that phase.
__device__ __forceinline__ void gl_update(const AnalysisArgs& a, long long i, float2 y) {
    const float ar = y.x + a.mom * (y.x - a.pr[i]), ai = y.y + a.mom * (y.y - a.pi[i]);
    a.pr[i] = y.x;
    a.pi[i] = y.y;
    const float a2 = ar * ar + ai * ai;
    const float inv = a2 > 0.f ? 1.0f / sqrtf(a2) : 0.f;
    const float c_r = a2 > 0.f ? ar * inv : 1.f, c_i = ai * inv;
    a.cr[i] = c_r;
    a.ci[i] = c_i;
    const float m = a.mag[i];
    a.xr[i] = m * c_r;
    a.xi[i] = m * c_i;
}

// Forward STFT of frames 2p and 2p + 1 (centred, reflect-padded, windowed) as one complex
// transform, then either Griffin-Lim's update of their bins or the spectra written out.
template <bool FromBlocks, bool Update>
__global__ void __launch_bounds__(kHalf) analysis_kernel(const AnalysisArgs a) {
    __shared__ float2 z[kN];
    __shared__ float2 s_tw[kHalf];
    const int t = threadIdx.x, fa = 2 * blockIdx.x, fb = fa + 1;
    const bool has_b = fb < a.frames;
    s_tw[t] = a.tw[t];
    for (int n = t; n < kN; n += kHalf) {
        float v[2] = {0.f, 0.f};
        for (int e = 0; e < (has_b ? 2 : 1); ++e) {
            int j = (fa + e) * kHop - kN / 2 + n;
            if (j < 0) j = -j;
            if (j >= a.samples) j = 2 * (a.samples - 1) - j;
            j = max(0, min(a.samples - 1, j));
            const float s = FromBlocks ? ola_at(a.blocks, a.frames, j) * a.inv_env[j] : a.x[j];
            v[e] = s * a.win[n];
        }
        z[bit_reverse<kLog2Fft>(n)] = make_float2(v[0], v[1]);
    }
    fft_shared<kLog2Fft>(z, s_tw, false);
    for (int k = t; k <= kHalf; k += kHalf) {
        float2 A, B;
        split_real_pair<kLog2Fft>(z, k, &A, &B);
        const long long ia = (long long)fa * kBins + k, ib = (long long)fb * kBins + k;
        if (Update) {
            gl_update(a, ia, A);
            if (has_b) gl_update(a, ib, B);
        } else {
            a.out_re[ia] = A.x;
            a.out_im[ia] = A.y;
            if (has_b) {
                a.out_re[ib] = B.x;
                a.out_im[ib] = B.y;
            }
        }
    }
}

// With no Griffin-Lim iteration the phase is the start spectrum's own.
__global__ void unit_phase_kernel(const float* __restrict__ xr, const float* __restrict__ xi, long long n,
                                  float* __restrict__ cr, float* __restrict__ ci) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float a = sqrtf(xr[i] * xr[i] + xi[i] * xi[i]);
        cr[i] = a > 0.f ? xr[i] / a : 1.f;
        ci[i] = a > 0.f ? xi[i] / a : 0.f;
    }
}

struct EarArgs {
    const float *mag = nullptr, *cr = nullptr, *ci = nullptr, *spatial = nullptr;
    int frames = 0;
    const int *ild_j0 = nullptr, *itd_j0 = nullptr;
    const float *ild_w1 = nullptr, *itd_w1 = nullptr;
    float *re = nullptr, *im = nullptr;  // (2, frames, 257): left, then right
};

__device__ __forceinline__ float band_at(const int* j0, const float* w1, int k, const float* bands, float lo, float hi,
                                         float scale) {
    const int j = j0[k];
    const float v0 = fmaxf(lo, fminf(hi, bands[j])) * scale;
    if (w1[k] == 0.f) return v0;
    const float v1 = fmaxf(lo, fminf(hi, bands[j + 1])) * scale;
    return (1.0f - w1[k]) * v0 + w1[k] * v1;
}

// Each ear's spectrum: the mid magnitude scaled for the ILD (power split 2r / (1 + r), 2 / (1 + r))
// and its phase turned by +-pi f ITD.
__global__ void ear_kernel(const EarArgs a) {
    const long long n = (long long)a.frames * kBins;
    for (long long o = (long long)blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (long long)gridDim.x * blockDim.x) {
        const int f = (int)(o / kBins), k = (int)(o % kBins);
        const float m = a.mag[o];
        const float c_r = m == 0.f ? 1.f : a.cr[o], c_i = m == 0.f ? 0.f : a.ci[o];
        const float* sp = a.spatial + (long long)f * kSpatial;
        const float ild = band_at(a.ild_j0, a.ild_w1, k, sp, -2.f, 2.f, 12.f);
        const float itd = band_at(a.itd_j0, a.itd_w1, k, sp + nn::kIldBands, -1.f, 1.f, 1.f);
        const float freq = static_cast<float>(k) * (static_cast<float>(nn::kSampleRate) / kN);
        const float r = powf(10.0f, ild / 10.0f);
        const float gl = sqrtf(2.0f * r / (1.0f + r)), gr = sqrtf(2.0f / (1.0f + r));
        const float half = kPiF * freq * itd / 1000.0f;
        const float ch = cosf(half), sh = sinf(half);
        a.re[o] = m * gl * (c_r * ch - c_i * sh);
        a.im[o] = m * gl * (c_i * ch + c_r * sh);
        a.re[n + o] = m * gr * (c_r * ch + c_i * sh);
        a.im[n + o] = m * gr * (c_i * ch - c_r * sh);
    }
}

// y (channels, samples): the overlap-add of each channel's blocks, scaled by the inverse envelope.
__global__ void ola_kernel(const float* __restrict__ blocks, int frames, int samples, int channels,
                           const float* __restrict__ inv_env, float* __restrict__ y) {
    const long long n = (long long)channels * samples;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int c = (int)(i / samples), j = (int)(i % samples);
        y[i] = ola_at(blocks + (long long)c * frames * kN, frames, j) * inv_env[j];
    }
}

}  // namespace

struct SynthesisCuda::Impl {
    bool ok = false;
    StreamGuard sg;
    DevBuf tw, win, ild_j0, ild_w1, itd_j0, itd_w1;
    GrowBuf mag, xr, xi, pr, pi, cr, ci, ear_re, ear_im, blocks, env, y, mid, spatial, start, sig;
    int env_frames = -1, env_samples = -1;
    Events ev;
    double ms = 0.0;

    cudaStream_t st() const { return sg.s; }

    std::string init() {
        NN_CUDA_TRY(cudaStreamCreateWithFlags(&sg.s, cudaStreamNonBlocking));
        NN_CUDA_TRY(cudaEventCreate(&ev.a));
        NN_CUDA_TRY(cudaEventCreate(&ev.b));
        std::string e = upload_twiddles(kN, &tw);
        if (!e.empty()) return e;
        e = upload(nn::hann_window(), &win);
        if (!e.empty()) return e;
        for (int which = 0; which < 2; ++which) {
            const auto& tab = which == 0 ? nn::ild_interp() : nn::itd_interp();
            std::vector<int> j0;
            std::vector<float> w1;
            for (const auto& b : tab) {
                j0.push_back(b.j0);
                w1.push_back(b.w1);
            }
            DevBuf& dj = which == 0 ? ild_j0 : itd_j0;
            NN_CUDA_TRY(dj.alloc(j0.size() * sizeof(int)));
            NN_CUDA_TRY(cudaMemcpy(dj.p, j0.data(), j0.size() * sizeof(int), cudaMemcpyHostToDevice));
            if (!(e = upload(w1, which == 0 ? &ild_w1 : &itd_w1)).empty()) return e;
        }
        return "";
    }
    static std::string upload(const std::vector<float>& v, DevBuf* d) {
        NN_CUDA_TRY(d->alloc(v.size() * sizeof(float)));
        NN_CUDA_TRY(cudaMemcpy(d->p, v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice));
        return "";
    }
    static std::string put(GrowBuf& b, const float* host, std::size_t n, cudaStream_t s) {
        std::string e = b.reserve(n * sizeof(float));
        if (!e.empty()) return e;
        NN_CUDA_TRY(cudaMemcpyAsync(b.b.p, host, n * sizeof(float), cudaMemcpyHostToDevice, s));
        return "";
    }
    // The inverse window envelope for this clip's shape (the CPU's table, uploaded on change).
    std::string envelope(int frames, int samples) {
        if (frames == env_frames && samples == env_samples) return "";
        env_frames = env_samples = -1;  // a failed upload below leaves no stale shape behind
        const std::vector<float> h = nn::inverse_envelope(frames, samples);
        std::string e = put(env, h.data(), h.size(), st());
        if (!e.empty()) return e;
        NN_CUDA_TRY(cudaStreamSynchronize(st()));  // h is freed on return
        env_frames = frames;
        env_samples = samples;
        return "";
    }
    std::string spectra(int frames) {
        const std::size_t bytes = (std::size_t)frames * kBins * sizeof(float);
        for (GrowBuf* b : {&mag, &xr, &xi, &pr, &pi, &cr, &ci}) {
            std::string e = b->reserve(bytes);
            if (!e.empty()) return e;
        }
        std::string e = ear_re.reserve(2 * bytes);
        if (e.empty()) e = ear_im.reserve(2 * bytes);
        if (e.empty()) e = blocks.reserve((std::size_t)2 * frames * kN * sizeof(float));
        return e;
    }
    std::string istft_pairs(const float* re, const float* im, int frames, bool channels) {
        const int grid = channels ? frames : (frames + 1) / 2;
        istft_pair_kernel<<<grid, kHalf, 0, st()>>>(re, im, frames, channels ? 1 : 0, tw.as<float2>(), win.as<float>(),
                                                    blocks.f());
        NN_CUDA_TRY(cudaGetLastError());
        return "";
    }
    AnalysisArgs analysis(int frames, int samples) const {
        AnalysisArgs a;
        a.frames = frames;
        a.samples = samples;
        a.tw = tw.as<float2>();
        a.win = win.as<float>();
        return a;
    }

    std::string run(const float* mid_d, const float* sp_d, int frames, int samples, int iterations, std::uint64_t seed,
                    const float* start_host, std::vector<float>& audio) {
        std::string e = spectra(frames);
        if (e.empty()) e = envelope(frames, samples);
        if (e.empty()) e = y.reserve((std::size_t)2 * samples * sizeof(float));
        const std::size_t n = (std::size_t)frames * kBins;
        if (e.empty() && start_host) e = put(start, start_host, n, st());
        if (!e.empty()) return e;
        NN_CUDA_TRY(cudaEventRecord(ev.a, st()));
        gl_init_kernel<<<grid_for((long long)n, 256), 256, 0, st()>>>(mid_d, frames, seed, start_host ? start.f() : nullptr,
                                                                      mag.f(), xr.f(), xi.f(), pr.f(), pi.f());
        NN_CUDA_TRY(cudaGetLastError());
        AnalysisArgs a = analysis(frames, samples);
        a.blocks = blocks.f();
        a.inv_env = env.f();
        a.mag = mag.f();
        a.pr = pr.f();
        a.pi = pi.f();
        a.xr = xr.f();
        a.xi = xi.f();
        a.cr = cr.f();
        a.ci = ci.f();
        for (int it = 0; it < iterations; ++it) {
            if (!(e = istft_pairs(xr.f(), xi.f(), frames, false)).empty()) return e;
            a.mom = it > 0 ? 0.99f : 0.0f;  // fast Griffin-Lim's momentum (none at first)
            analysis_kernel<true, true><<<(frames + 1) / 2, kHalf, 0, st()>>>(a);
            NN_CUDA_TRY(cudaGetLastError());
        }
        if (iterations == 0) {
            unit_phase_kernel<<<grid_for((long long)n, 256), 256, 0, st()>>>(xr.f(), xi.f(), (long long)n, cr.f(), ci.f());
            NN_CUDA_TRY(cudaGetLastError());
        }
        EarArgs ea;
        ea.mag = mag.f();
        ea.cr = cr.f();
        ea.ci = ci.f();
        ea.spatial = sp_d;
        ea.frames = frames;
        ea.ild_j0 = ild_j0.as<int>();
        ea.ild_w1 = ild_w1.as<float>();
        ea.itd_j0 = itd_j0.as<int>();
        ea.itd_w1 = itd_w1.as<float>();
        ea.re = ear_re.f();
        ea.im = ear_im.f();
        ear_kernel<<<grid_for((long long)n, 256), 256, 0, st()>>>(ea);
        NN_CUDA_TRY(cudaGetLastError());
        if (!(e = istft_pairs(ear_re.f(), ear_im.f(), frames, true)).empty()) return e;
        ola_kernel<<<grid_for(2LL * samples, 256), 256, 0, st()>>>(blocks.f(), frames, samples, 2, env.f(), y.f());
        NN_CUDA_TRY(cudaGetLastError());
        NN_CUDA_TRY(cudaEventRecord(ev.b, st()));
        audio.resize((std::size_t)2 * samples);
        NN_CUDA_TRY(cudaMemcpyAsync(audio.data(), y.f(), audio.size() * sizeof(float), cudaMemcpyDeviceToHost, st()));
        NN_CUDA_TRY(cudaStreamSynchronize(st()));
        float t = 0.f;
        NN_CUDA_TRY(cudaEventElapsedTime(&t, ev.a, ev.b));
        ms = t;
        return "";
    }
};

SynthesisCuda::SynthesisCuda() : impl_(new Impl) {}
SynthesisCuda::~SynthesisCuda() { delete impl_; }
bool SynthesisCuda::ready() const { return impl_->ok; }
void* SynthesisCuda::stream() const { return impl_->sg.s; }
double SynthesisCuda::last_ms() const { return impl_->ms; }

bool SynthesisCuda::init(std::string& err) {
    if (impl_->ok) return true;
    delete impl_;
    impl_ = new Impl;
    try {
        const std::string e = impl_->init();
        if (!e.empty()) {
            err = "SynthesisCuda: " + e;
            return false;
        }
    } catch (const std::exception& ex) {
        err = std::string("SynthesisCuda: ") + ex.what();
        return false;
    }
    impl_->ok = true;
    return true;
}

namespace {
std::string check_shape(int frames, int samples, int iterations) {
    if (frames < 1 || samples < 1) return "need at least one frame and one sample";
    if ((long long)frames * kHop > (1LL << 30) || samples > (1 << 30)) return "the clip is too long";
    if (iterations < 0 || iterations > 1000) return "iterations must be in [0, 1000]";
    return "";
}

// dst (cols, rows) = src (rows, cols) transposed: bin-major <-> frame-major spectra and features.
void transpose(const float* src, int rows, int cols, float* dst) {
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) dst[(std::size_t)c * rows + r] = src[(std::size_t)r * cols + c];
}

// Runs body (which returns an error text or "") on an initialised instance; no exception leaves.
template <typename Body>
bool guarded(bool ready, const char* what, std::string& err, Body body) {
    std::string e = ready ? "" : "not initialised";
    try {
        if (e.empty()) e = body();
    } catch (const std::exception& ex) {
        e = ex.what();
    }
    if (!e.empty()) err = std::string(what) + ": " + e;
    return e.empty();
}
}  // namespace

bool SynthesisCuda::synthesise_device(const float* mid, const float* spatial, int frames, int samples, int iterations,
                                      std::uint64_t seed, const float* start_phase, std::vector<float>& audio,
                                      std::string& err) {
    return guarded(impl_->ok, "SynthesisCuda", err, [&]() -> std::string {
        const std::string e = check_shape(frames, samples, iterations);
        return e.empty() ? impl_->run(mid, spatial, frames, samples, iterations, seed, start_phase, audio) : e;
    });
}

bool SynthesisCuda::synthesise(const float* feats, int frames, int samples, int iterations, std::uint64_t seed,
                               const float* start_phase, std::vector<float>& audio, std::string& err) {
    Impl& m = *impl_;
    return guarded(m.ok, "SynthesisCuda", err, [&]() -> std::string {
        std::string e = check_shape(frames, samples, iterations);
        if (!e.empty()) return e;
        // (277, frames) bin-major -> time-major mid (frames, 257) and spatial (frames, 20)
        std::vector<float> mid((std::size_t)frames * kBins), sp((std::size_t)frames * kSpatial);
        transpose(feats, kBins, frames, mid.data());
        transpose(feats + (std::size_t)kBins * frames, kSpatial, frames, sp.data());
        e = Impl::put(m.mid, mid.data(), mid.size(), m.st());
        if (e.empty()) e = Impl::put(m.spatial, sp.data(), sp.size(), m.st());
        return e.empty() ? m.run(m.mid.f(), m.spatial.f(), frames, samples, iterations, seed, start_phase, audio) : e;
    });
}

bool SynthesisCuda::stft(const float* x, int samples, std::vector<float>& re, std::vector<float>& im, std::string& err) {
    Impl& m = *impl_;
    return guarded(m.ok, "SynthesisCuda stft", err, [&]() -> std::string {
        const int frames = samples / kHop;
        if (frames < 1) return "need at least one hop of samples";
        const std::size_t n = (std::size_t)frames * kBins;
        std::string e = Impl::put(m.sig, x, (std::size_t)samples, m.st());
        if (e.empty()) e = m.spectra(frames);
        if (!e.empty()) return e;
        AnalysisArgs a = m.analysis(frames, samples);
        a.x = m.sig.f();
        a.out_re = m.xr.f();
        a.out_im = m.xi.f();
        analysis_kernel<false, false><<<(frames + 1) / 2, kHalf, 0, m.st()>>>(a);
        NN_CUDA_TRY(cudaGetLastError());
        std::vector<float> r(n), i(n);
        NN_CUDA_TRY(cudaMemcpyAsync(r.data(), m.xr.f(), n * sizeof(float), cudaMemcpyDeviceToHost, m.st()));
        NN_CUDA_TRY(cudaMemcpyAsync(i.data(), m.xi.f(), n * sizeof(float), cudaMemcpyDeviceToHost, m.st()));
        NN_CUDA_TRY(cudaStreamSynchronize(m.st()));
        re.resize(n);
        im.resize(n);
        transpose(r.data(), frames, kBins, re.data());
        transpose(i.data(), frames, kBins, im.data());
        return "";
    });
}

bool SynthesisCuda::istft(const float* re, const float* im, int frames, int samples, std::vector<float>& y,
                          std::string& err) {
    Impl& m = *impl_;
    return guarded(m.ok, "SynthesisCuda istft", err, [&]() -> std::string {
        std::string e = check_shape(frames, samples, 0);
        if (!e.empty()) return e;
        const std::size_t n = (std::size_t)frames * kBins;
        std::vector<float> r(n), i(n);
        transpose(re, kBins, frames, r.data());
        transpose(im, kBins, frames, i.data());
        e = m.spectra(frames);
        if (e.empty()) e = m.envelope(frames, samples);
        if (e.empty()) e = m.y.reserve((std::size_t)samples * sizeof(float));
        if (e.empty()) e = Impl::put(m.xr, r.data(), n, m.st());
        if (e.empty()) e = Impl::put(m.xi, i.data(), n, m.st());
        if (e.empty()) e = m.istft_pairs(m.xr.f(), m.xi.f(), frames, false);
        if (!e.empty()) return e;
        ola_kernel<<<grid_for(samples, 256), 256, 0, m.st()>>>(m.blocks.f(), frames, samples, 1, m.env.f(), m.y.f());
        NN_CUDA_TRY(cudaGetLastError());
        y.resize(samples);
        NN_CUDA_TRY(cudaMemcpyAsync(y.data(), m.y.f(), (std::size_t)samples * sizeof(float), cudaMemcpyDeviceToHost,
                                    m.st()));
        NN_CUDA_TRY(cudaStreamSynchronize(m.st()));
        return "";
    });
}

}  // namespace bewo::cuda_nn
