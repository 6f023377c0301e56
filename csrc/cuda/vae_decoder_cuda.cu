// The tiny model's VAE decoder on the GPU (vae_decoder_cuda.h); the math follows
// nn/vae_decoder.cpp.
#include "vae_decoder_cuda.h"

#include <cmath>
#include <exception>

#include "conv_cuda.cuh"

namespace bewo::cuda_nn {

namespace {

constexpr int kGroups = 8;
constexpr float kGnEps = 1e-5f, kMidMean = -3.0f, kMidScale = 3.0f;
constexpr int kSpatialOut = nn::kIldBands + nn::kItdBands;

// GroupNorm's statistics of x (T, C) folded into a per-channel affine for the next convolution's
// input staging: scale = gamma / sigma, shift = beta - mean * scale. Two passes in double, as the
// CPU computes them; one block per group.
__global__ void __launch_bounds__(256) gn_stats_kernel(const float* __restrict__ x, int T, int C,
                                                       const float* __restrict__ gamma, const float* __restrict__ beta,
                                                       float* __restrict__ scale, float* __restrict__ shift) {
    __shared__ double red[256];
    const int per = C / kGroups, c0 = blockIdx.x * per, tid = threadIdx.x;
    const long long cnt = (long long)T * per;
    auto block_sum = [&](double v) {
        red[tid] = v;
        __syncthreads();
        for (int s = 128; s > 0; s >>= 1) {
            if (tid < s) red[tid] += red[tid + s];
            __syncthreads();
        }
        const double r = red[0];
        __syncthreads();
        return r;
    };
    double s = 0.0;
    for (long long i = tid; i < cnt; i += 256) s += x[(i / per) * C + c0 + (int)(i % per)];
    const double mean = block_sum(s) / (double)cnt;
    s = 0.0;
    for (long long i = tid; i < cnt; i += 256) {
        const double d = x[(i / per) * C + c0 + (int)(i % per)] - mean;
        s += d * d;
    }
    const double var = block_sum(s) / (double)cnt;
    const float inv = (float)(1.0 / sqrt(var + (double)kGnEps)), mu = (float)mean;
    for (int c = c0 + tid; c < c0 + per; c += 256) {
        const float sc = inv * gamma[c];
        scale[c] = sc;
        shift[c] = beta[c] - mu * sc;
    }
}

// The decoder heads' output maps: mid level = 3 v - 3; spatial already tanh-ed, ILD doubled.
__global__ void finish_kernel(float* __restrict__ mid, long long n_mid, float* __restrict__ sp, long long n_sp) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n_mid + n_sp; i += (long long)gridDim.x * blockDim.x) {
        if (i < n_mid) mid[i] = mid[i] * kMidScale + kMidMean;
        else {
            const long long j = i - n_mid;
            if (j % kSpatialOut < nn::kIldBands) sp[j] *= 2.0f;
        }
    }
}

struct DevConv {
    float* w = nullptr;
    float* b = nullptr;
    int cin = 0, cout = 0, k = 1, dil = 1, pad = 0;
    long long w_phase = 0;
};
struct DevGN {
    float* g = nullptr;
    float* b = nullptr;
};
struct DevRes {
    DevGN n1, n2;
    DevConv c1, c2;
};
struct DevUp {
    DevConv conv_in, conv_out;
    DevRes res_a, res_b;
    std::vector<DevConv> ups;
    std::vector<DevRes> up_res;
    DevGN norm_out;
    int width = 0;
};

}  // namespace

struct VaeDecoderCuda::Impl {
    bool ok = false;
    int latent_channels = 0, downsamples = 0;
    DeviceArena arena;
    DevUp content, spatial;
    StreamGuard sg;
    GrowBuf zc, zs, x, h, y, gn_scale, gn_shift, mid, sp;

    // Packed (cout, cin * kernel) rows, channel-major as the CPU's im2col reads them -> tap-major
    // (cout, kernel * cin) rows as the implicit GEMM reads them.
    std::string up_conv(const nn::ConvW& c, DevConv* d) {
        std::vector<float> W, T;
        nn::unpack_weights(c.w, W);
        if (W.size() != (std::size_t)c.cout * c.cin * c.kernel) return "a convolution has the wrong size";
        T.resize(W.size());
        for (int co = 0; co < c.cout; ++co)
            for (int ci = 0; ci < c.cin; ++ci)
                for (int j = 0; j < c.kernel; ++j)
                    T[((std::size_t)co * c.kernel + j) * c.cin + ci] = W[((std::size_t)co * c.cin + ci) * c.kernel + j];
        d->cin = c.cin;
        d->cout = c.cout;
        d->k = c.kernel;
        d->dil = c.dilation;
        d->pad = c.padding;
        std::string e = arena.floats(T, &d->w);
        if (e.empty()) e = arena.floats(c.b, &d->b);
        return e;
    }
    // ConvTranspose1d(ch, ch, 4, 2, 1), packed as (cout * 4 rows (co, tap), cin) -> two phase
    // matrices (cout, 2 cin): phase z takes tap z for the first cin columns and tap z + 2 after.
    std::string up_convt(const nn::ConvW& c, DevConv* d) {
        std::vector<float> U;
        nn::unpack_weights(c.w, U);
        const int ci = c.cin, co = c.cout;
        if (c.kernel != 4 || c.padding != 1 || U.size() != (std::size_t)4 * co * ci)
            return "a transposed convolution is not (4, stride 2, padding 1)";
        std::vector<float> W((std::size_t)2 * co * 2 * ci);
        for (int z = 0; z < 2; ++z)
            for (int o = 0; o < co; ++o)
                for (int half = 0; half < 2; ++half) {
                    const float* src = U.data() + ((std::size_t)o * 4 + z + 2 * half) * ci;
                    std::copy(src, src + ci, W.data() + (((std::size_t)z * co + o) * 2 + half) * ci);
                }
        d->cin = ci;
        d->cout = co;
        d->k = 4;
        d->pad = 1;
        d->w_phase = (long long)co * 2 * ci;
        std::string e = arena.floats(W, &d->w);
        if (e.empty()) e = arena.floats(c.b, &d->b);
        return e;
    }
    std::string up_gn(const nn::GroupNormW& g, int ch, DevGN* d) {
        if ((int)g.g.size() != ch || (int)g.b.size() != ch || ch % kGroups) return "a GroupNorm has the wrong size";
        std::string e = arena.floats(g.g, &d->g);
        if (e.empty()) e = arena.floats(g.b, &d->b);
        return e;
    }
    std::string up_res(const nn::ResBlockW& r, int ch, DevRes* d) {
        std::string e = up_gn(r.norm1, ch, &d->n1);
        if (e.empty()) e = up_gn(r.norm2, ch, &d->n2);
        if (e.empty()) e = up_conv(r.conv1, &d->c1);
        if (e.empty()) e = up_conv(r.conv2, &d->c2);
        return e;
    }
    std::string up_path(const nn::UpW& u, DevUp* d) {
        d->width = u.width;
        std::string e = up_conv(u.conv_in, &d->conv_in);
        if (e.empty()) e = up_res(u.res_a, u.width, &d->res_a);
        if (e.empty()) e = up_res(u.res_b, u.width, &d->res_b);
        d->ups.assign(u.ups.size(), DevConv());
        d->up_res.assign(u.up_res.size(), DevRes());
        for (std::size_t i = 0; i < u.ups.size() && e.empty(); ++i) {
            e = up_convt(u.ups[i], &d->ups[i]);
            if (e.empty()) e = up_res(u.up_res[i], u.width, &d->up_res[i]);
        }
        if (e.empty()) e = up_gn(u.norm_out, u.width, &d->norm_out);
        if (e.empty()) e = up_conv(u.conv_out, &d->conv_out);
        return e;
    }

    // GroupNorm statistics of x (T, ch) into gn_scale / gn_shift.
    std::string stats(const DevGN& g, const float* xin, int T, int ch, cudaStream_t st) {
        gn_stats_kernel<<<kGroups, 256, 0, st>>>(xin, T, ch, g.g, g.b, gn_scale.f(), gn_shift.f());
        NN_CUDA_TRY(cudaGetLastError());
        return "";
    }
    // y (T, cout) [+]= conv(act(x)), act = GroupNorm + SiLU with the last statistics when gn.
    std::string conv(const DevConv& c, const float* xin, int T, float* out, bool gn, bool acc, bool tanh_out,
                     cudaStream_t st) {
        ConvArgs a = conv_same_args(xin, c.w, c.b, out, T, c.cin, c.cout, c.k, c.dil, c.pad);
        if (gn) {
            a.gn_scale = gn_scale.f();
            a.gn_shift = gn_shift.f();
        }
        a.accumulate = acc;
        a.final_tanh = tanh_out;
        return conv_launch(a, 1, DType::F32, st);
    }
    // x += conv2(gn_silu(conv1(gn_silu(x)))).
    std::string res(const DevRes& r, float* xb, float* hb, int T, int ch, cudaStream_t st) {
        std::string e = stats(r.n1, xb, T, ch, st);
        if (e.empty()) e = conv(r.c1, xb, T, hb, true, false, false, st);
        if (e.empty()) e = stats(r.n2, hb, T, ch, st);
        if (e.empty()) e = conv(r.c2, hb, T, xb, true, true, false, st);
        return e;
    }
    // One head: z (T0, cin) -> out (T0 << downsamples, cout).
    std::string path(const DevUp& u, const float* z, int T0, float* out, bool tanh_out, cudaStream_t st) {
        const int w = u.width;
        float *xb = x.f(), *hb = h.f(), *yb = y.f();
        int T = T0;
        std::string e = conv(u.conv_in, z, T, xb, false, false, false, st);
        if (e.empty()) e = res(u.res_a, xb, hb, T, w, st);
        if (e.empty()) e = res(u.res_b, xb, hb, T, w, st);
        for (std::size_t i = 0; i < u.ups.size() && e.empty(); ++i) {
            const DevConv& c = u.ups[i];
            e = conv_launch(convt_args(xb, c.w, c.b, yb, T, c.cin, c.cout, 2, c.pad, c.w_phase), 2, DType::F32, st);
            std::swap(xb, yb);
            T *= 2;
            if (e.empty()) e = res(u.up_res[i], xb, hb, T, w, st);
        }
        if (e.empty()) e = stats(u.norm_out, xb, T, w, st);
        if (e.empty()) e = conv(u.conv_out, xb, T, out, true, false, tanh_out, st);
        return e;
    }

    std::string run(const float* latent, int frames, cudaStream_t st) {
        const int C = latent_channels, Cc = C - nn::kSpatialLatents, T = frames << downsamples;
        const int wmax = std::max(content.width, spatial.width);
        // Time-major latents for each head.
        std::vector<float> a((std::size_t)frames * Cc), b((std::size_t)frames * nn::kSpatialLatents);
        for (int c = 0; c < C; ++c)
            for (int f = 0; f < frames; ++f) {
                const float v = latent[(std::size_t)c * frames + f];
                if (c < Cc) a[(std::size_t)f * Cc + c] = v;
                else b[(std::size_t)f * nn::kSpatialLatents + (c - Cc)] = v;
            }
        const std::size_t act = (std::size_t)T * wmax * sizeof(float);
        for (auto [buf, bytes] : {std::pair<GrowBuf*, std::size_t>{&zc, a.size() * sizeof(float)},
                                  {&zs, b.size() * sizeof(float)}, {&x, act}, {&h, act}, {&y, act},
                                  {&gn_scale, wmax * sizeof(float)}, {&gn_shift, wmax * sizeof(float)},
                                  {&mid, (std::size_t)T * nn::kBins * sizeof(float)},
                                  {&sp, (std::size_t)T * kSpatialOut * sizeof(float)}}) {
            std::string e = buf->reserve(bytes);
            if (!e.empty()) return e;
        }
        // From pageable memory the copy stages the data before it returns, so a and b may go.
        NN_CUDA_TRY(cudaMemcpyAsync(zc.b.p, a.data(), a.size() * sizeof(float), cudaMemcpyHostToDevice, st));
        NN_CUDA_TRY(cudaMemcpyAsync(zs.b.p, b.data(), b.size() * sizeof(float), cudaMemcpyHostToDevice, st));
        std::string e = path(content, zc.f(), frames, mid.f(), false, st);
        if (e.empty()) e = path(spatial, zs.f(), frames, sp.f(), true, st);
        if (!e.empty()) return e;
        const long long nm = (long long)T * nn::kBins, ns = (long long)T * kSpatialOut;
        finish_kernel<<<grid_for(nm + ns, 256), 256, 0, st>>>(mid.f(), nm, sp.f(), ns);
        NN_CUDA_TRY(cudaGetLastError());
        return "";
    }
};

VaeDecoderCuda::VaeDecoderCuda() : impl_(new Impl) {}
VaeDecoderCuda::~VaeDecoderCuda() { delete impl_; }
bool VaeDecoderCuda::ready() const { return impl_->ok; }

bool VaeDecoderCuda::upload(const nn::DecoderW& w, std::string& err) {
    delete impl_;
    impl_ = new Impl;
    Impl& m = *impl_;
    std::string e;
    try {
        m.latent_channels = w.latent_channels;
        m.downsamples = w.downsamples;
        e = [&]() -> std::string {
            NN_CUDA_TRY(cudaStreamCreateWithFlags(&m.sg.s, cudaStreamNonBlocking));
            return "";
        }();
        if (e.empty()) e = m.up_path(w.content, &m.content);
        if (e.empty()) e = m.up_path(w.spatial, &m.spatial);
        if (e.empty() && (m.content.conv_out.cout != nn::kBins || m.spatial.conv_out.cout != kSpatialOut ||
                          m.content.conv_in.cin != w.latent_channels - nn::kSpatialLatents ||
                          m.spatial.conv_in.cin != nn::kSpatialLatents))
            e = "the heads do not map the latents to the 277 features";
    } catch (const std::exception& ex) {
        e = ex.what();
    }
    if (!e.empty()) {
        delete impl_;
        impl_ = new Impl;
        err = "VaeDecoderCuda: " + e;
        return false;
    }
    m.ok = true;
    return true;
}

bool VaeDecoderCuda::decode_device(const float* latent, int frames, void* stream, const float** mid,
                                   const float** spatial, std::string& err) {
    Impl& m = *impl_;
    std::string e = !m.ok ? "no weights uploaded" : (!latent || frames < 1) ? "need a latent of at least one frame" : "";
    if (e.empty() && ((long long)frames << m.downsamples) > (1LL << 22)) e = "the clip is too long";
    try {
        if (e.empty()) e = m.run(latent, frames, stream ? static_cast<cudaStream_t>(stream) : m.sg.s);
    } catch (const std::exception& ex) {
        e = ex.what();
    }
    if (!e.empty()) {
        err = "VaeDecoderCuda: " + e;
        return false;
    }
    *mid = m.mid.f();
    *spatial = m.sp.f();
    return true;
}

bool VaeDecoderCuda::decode(const float* latent, int frames, std::vector<float>& feats, std::string& err) {
    const float *mid = nullptr, *sp = nullptr;
    if (!decode_device(latent, frames, nullptr, &mid, &sp, err)) return false;
    Impl& m = *impl_;
    const int T = frames << m.downsamples;
    std::vector<float> a((std::size_t)T * nn::kBins), b((std::size_t)T * kSpatialOut);
    const std::string e = [&]() -> std::string {
        NN_CUDA_TRY(cudaMemcpyAsync(a.data(), mid, a.size() * sizeof(float), cudaMemcpyDeviceToHost, m.sg.s));
        NN_CUDA_TRY(cudaMemcpyAsync(b.data(), sp, b.size() * sizeof(float), cudaMemcpyDeviceToHost, m.sg.s));
        NN_CUDA_TRY(cudaStreamSynchronize(m.sg.s));
        return "";
    }();
    if (!e.empty()) {
        err = "VaeDecoderCuda: " + e;
        return false;
    }
    feats.resize((std::size_t)nn::kFeatureChannels * T);
    for (int f = 0; f < T; ++f) {
        for (int c = 0; c < nn::kBins; ++c) feats[(std::size_t)c * T + f] = a[(std::size_t)f * nn::kBins + c];
        for (int c = 0; c < kSpatialOut; ++c) feats[(std::size_t)(nn::kBins + c) * T + f] = b[(std::size_t)f * kSpatialOut + c];
    }
    return true;
}

}  // namespace bewo::cuda_nn
