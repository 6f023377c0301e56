// The Oobleck decoder on the GPU (oobleck_cuda.h); the math follows oobleck.cpp.
#include "oobleck_cuda.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>

#include "../../cuda/cuda_common.cuh"

namespace bewo::sa {

using cuda_nn::DType;

namespace {

using namespace cuda_nn;

// One convolution as an implicit GEMM. Logical row r of phase z (blockIdx.z) produces output
// frame o = r * out_mul + z + out_off (skipped outside [0, tout)); its K = taps * cin inputs are
// tap j = kk / cin, channel ci = kk % cin of input frame f = r + j * tap_step + tap_off (zero
// outside [0, tin)), SnakeBeta-ed when snake_a is set. Weights: phase z's (cout, K) matrix at
// w + z * w_phase.
//   conv (k taps, dilation d, padding p):   tap_step d, tap_off -p, out_mul 1, out_off 0, 1 phase.
//   transposed (stride s, k 2s, padding p): phase z = (o + p) % s reads frames r (tap z) and r - 1
//   (tap z + s): tap_step -1, tap_off 0, out_mul s, out_off -p, s phases, rows tin + 1.
struct ConvArgs {
    const float* x = nullptr;
    const void* w = nullptr;
    const float* b = nullptr;
    float* y = nullptr;
    const float* snake_a = nullptr;
    const float* snake_ib = nullptr;
    int rows = 0, cout = 0, K = 0, cin = 0, tin = 0;
    int tap_step = 1, tap_off = 0, out_mul = 1, out_off = 0, tout = 0;
    long long w_phase = 0;
    int accumulate = 0, final_tanh = 0;
};

__device__ __forceinline__ float conv_in(const ConvArgs& c, int r, int kk) {
    if (r >= c.rows || kk >= c.K) return 0.f;
    const int j = kk / c.cin, ci = kk - j * c.cin;
    const int f = r + j * c.tap_step + c.tap_off;
    if (f < 0 || f >= c.tin) return 0.f;
    float v = c.x[(long long)f * c.cin + ci];
    if (c.snake_a) {
        const float s = sinf(c.snake_a[ci] * v);
        v = v + c.snake_ib[ci] * (s * s);
    }
    return v;
}

__device__ __forceinline__ void conv_store(const ConvArgs& c, int r, int col, float acc) {
    if (r >= c.rows || col >= c.cout) return;
    const int o = r * c.out_mul + (int)blockIdx.z + c.out_off;
    if (o < 0 || o >= c.tout) return;
    float* yp = c.y + (long long)o * c.cout + col;
    float v = acc + (c.b ? c.b[col] : 0.f);
    if (c.accumulate) v += *yp;
    if (c.final_tanh) v = tanhf(v);
    *yp = v;
}

constexpr int kBM = 64, kBN = 64, kBK = 32, kXS = kBK + 8, kThreads = 128;

// Tensor cores: the GEMM tile of gemm_cuda.cuh (4 warps, 64 x 64, m16n8k16 via ldmatrix) with
// the convolution's input staging.
template <typename T>
__global__ void __launch_bounds__(kThreads) conv_tc_kernel(const ConvArgs c) {
    __shared__ __align__(16) T Xs[kBM * kXS];
    __shared__ __align__(16) T Ws[kBN * kXS];
    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    const int gq = lane >> 2, t = lane & 3, lr = lane & 7, li = lane >> 3;
    const int row0 = blockIdx.y * kBM, col0 = blockIdx.x * kBN;
    const T* W = static_cast<const T*>(c.w) + (long long)blockIdx.z * c.w_phase;
    float acc[8][4];
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[j][0] = acc[j][1] = acc[j][2] = acc[j][3] = 0.f;
    constexpr int PER = kBM * kBK / kThreads, RSTEP = kThreads / kBK;
    const int tc = tid % kBK, tr = tid / kBK;
    for (int k0 = 0; k0 < c.K; k0 += kBK) {
        const int gk = k0 + tc;
        float xv[PER];
        T wv[PER];
#pragma unroll
        for (int it = 0; it < PER; ++it) {
            const int r = tr + it * RSTEP, co = col0 + r;
            xv[it] = conv_in(c, row0 + r, gk);
            wv[it] = (gk < c.K && co < c.cout) ? W[(long long)co * c.K + gk] : from_float<T>(0.f);
        }
#pragma unroll
        for (int it = 0; it < PER; ++it) {
            const int r = tr + it * RSTEP;
            Xs[r * kXS + tc] = from_float<T>(xv[it]);
            Ws[r * kXS + tc] = wv[it];
        }
        __syncthreads();
#pragma unroll
        for (int kc = 0; kc < kBK / 16; ++kc) {
            uint32_t a[4];
            ldsm_x4(a, Xs + (warp * 16 + lr + (li & 1) * 8) * kXS + kc * 16 + (li >> 1) * 8);
#pragma unroll
            for (int j = 0; j < 8; j += 2) {
                uint32_t r[4];
                ldsm_x4(r, Ws + ((j + (li >> 1)) * 8 + lr) * kXS + kc * 16 + (li & 1) * 8);
                const uint32_t b0[2] = {r[0], r[1]}, b1[2] = {r[2], r[3]};
                mma16816<T>(acc[j], a, b0);
                mma16816<T>(acc[j + 1], a, b1);
            }
        }
        __syncthreads();
    }
#pragma unroll
    for (int half = 0; half < 2; ++half) {
        const int r = row0 + warp * 16 + gq + half * 8;
#pragma unroll
        for (int j = 0; j < 8; ++j)
#pragma unroll
            for (int e = 0; e < 2; ++e) conv_store(c, r, col0 + j * 8 + 2 * t + e, acc[j][half * 2 + e]);
    }
}

// fp32 FMA: 256 threads, a 64 x 64 tile, 4 x 4 outputs per thread.
constexpr int kF32BK = 16;
__global__ void __launch_bounds__(256) conv_f32_kernel(const ConvArgs c) {
    __shared__ float Xs[kF32BK][kBM + 4];
    __shared__ float Ws[kF32BK][kBN + 4];
    const float* W = static_cast<const float*>(c.w) + (long long)blockIdx.z * c.w_phase;
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const int row0 = blockIdx.y * kBM, col0 = blockIdx.x * kBN;
    float acc[4][4] = {};
    for (int k0 = 0; k0 < c.K; k0 += kF32BK) {
#pragma unroll
        for (int it = 0; it < 4; ++it) {
            const int idx = tid + it * 256, r = idx / kF32BK, kk = idx % kF32BK;
            const int gk = k0 + kk, co = col0 + r;
            Xs[kk][r] = conv_in(c, row0 + r, gk);
            Ws[kk][r] = (gk < c.K && co < c.cout) ? W[(long long)co * c.K + gk] : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < kF32BK; ++kk) {
            float a[4], b[4];
#pragma unroll
            for (int i = 0; i < 4; ++i) {
                a[i] = Xs[kk][ty * 4 + i];
                b[i] = Ws[kk][tx * 4 + i];
            }
#pragma unroll
            for (int i = 0; i < 4; ++i)
#pragma unroll
                for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) conv_store(c, row0 + ty * 4 + i, col0 + tx * 4 + j, acc[i][j]);
}

struct DevConv {
    void* w = nullptr;
    float* b = nullptr;
    int cin = 0, cout = 0, k = 1, dil = 1, pad = 0, stride = 1, phases = 1;
    long long w_phase = 0;
};
struct DevSnake {
    float* a = nullptr;
    float* ib = nullptr;
};
struct DevRes {
    DevSnake s1, s2;
    DevConv c7, c1;
};
struct DevBlock {
    DevSnake snake;
    DevConv up;
    DevRes res[3];
};

}  // namespace

struct OobleckCuda::Impl {
    DType dt = DType::F16;
    bool ok = false, final_tanh = false;
    int latent = 0, out_channels = 0;
    DeviceArena arena;  // the weights
    DevConv conv_in, conv_out;
    DevSnake snake_out;
    std::vector<DevBlock> blocks;

    ~Impl() { release(); }
    void release() {
        arena.release();
        blocks.clear();
        ok = false;
    }
    std::string up_snake(const SnakeW& s, int ch, DevSnake* d) {
        if ((int)s.a.size() != ch || (int)s.inv_b.size() != ch) return "OobleckCuda: a SnakeBeta has the wrong size";
        std::string e = arena.floats(s.a, &d->a);
        if (e.empty()) e = arena.floats(s.inv_b, &d->ib);
        return e;
    }
    // Conv weights come packed (cout, k * cin) with the (tap, channel) order the implicit GEMM reads.
    std::string up_conv(const ConvW& c, DevConv* d) {
        std::vector<float> W;
        nn::unpack_weights(c.w, W);
        if (W.size() != (std::size_t)c.cout * c.k * c.cin) return "OobleckCuda: a convolution has the wrong size";
        d->cin = c.cin;
        d->cout = c.cout;
        d->k = c.k;
        d->dil = c.dil;
        d->pad = c.pad;
        std::string e = arena.typed(W, dt, &d->w);
        if (e.empty() && !c.b.empty()) e = arena.floats(c.b, &d->b);
        return e;
    }
    // Transposed: packed (k * cout, cin) rows (tap j, co); phase z's matrix (cout, 2 cin) takes
    // tap z for the first cin columns and tap z + stride for the rest.
    std::string up_convt(const ConvTW& c, DevConv* d) {
        std::vector<float> U;
        nn::unpack_weights(c.w, U);
        const int s = c.stride, ci = c.cin, co = c.cout;
        if (c.k != 2 * s || U.size() != (std::size_t)c.k * co * ci) return "OobleckCuda: a transposed convolution has the wrong size";
        std::vector<float> W((std::size_t)s * co * 2 * ci);
        for (int z = 0; z < s; ++z)
            for (int o = 0; o < co; ++o) {
                float* dst = W.data() + ((std::size_t)z * co + o) * 2 * ci;
                std::memcpy(dst, U.data() + ((std::size_t)z * co + o) * ci, ci * sizeof(float));
                std::memcpy(dst + ci, U.data() + ((std::size_t)(z + s) * co + o) * ci, ci * sizeof(float));
            }
        d->cin = ci;
        d->cout = co;
        d->k = c.k;
        d->pad = c.pad;
        d->stride = s;
        d->phases = s;
        d->w_phase = (long long)co * 2 * ci;
        std::string e = arena.typed(W, dt, &d->w);
        if (e.empty()) e = arena.floats(c.b, &d->b);
        return e;
    }

    std::string launch(const ConvArgs& a, int phases, cudaStream_t st) {
        if (a.rows <= 0) return "";
        const dim3 grid((a.cout + kBN - 1) / kBN, (a.rows + kBM - 1) / kBM, phases);
        if (grid.y > 65535) return "OobleckCuda: the clip is too long for one launch";
        if (dt == DType::F32) conv_f32_kernel<<<grid, 256, 0, st>>>(a);
        else if (dt == DType::F16) conv_tc_kernel<__half><<<grid, kThreads, 0, st>>>(a);
        else conv_tc_kernel<__nv_bfloat16><<<grid, kThreads, 0, st>>>(a);
        NN_CUDA_TRY(cudaGetLastError());
        return "";
    }
    // y (T, cout) [+]= conv(snake(x (T, cin))).
    std::string conv(const DevConv& c, const DevSnake* s, const float* x, int T, float* y, bool acc, bool tanh_out,
                     cudaStream_t st) {
        ConvArgs a;
        a.x = x;
        a.w = c.w;
        a.b = c.b;
        a.y = y;
        a.snake_a = s ? s->a : nullptr;
        a.snake_ib = s ? s->ib : nullptr;
        a.rows = T;
        a.cout = c.cout;
        a.K = c.k * c.cin;
        a.cin = c.cin;
        a.tin = T;
        a.tap_step = c.dil;
        a.tap_off = -c.pad;
        a.tout = T;
        a.accumulate = acc;
        a.final_tanh = tanh_out;
        return launch(a, 1, st);
    }
    // y (T * stride, cout) = conv_transpose(snake(x (T, cin))).
    std::string convt(const DevConv& c, const DevSnake* s, const float* x, int T, float* y, cudaStream_t st) {
        ConvArgs a;
        a.x = x;
        a.w = c.w;
        a.b = c.b;
        a.y = y;
        a.snake_a = s ? s->a : nullptr;
        a.snake_ib = s ? s->ib : nullptr;
        a.rows = T + 1;
        a.cout = c.cout;
        a.K = 2 * c.cin;
        a.cin = c.cin;
        a.tin = T;
        a.tap_step = -1;
        a.tap_off = 0;
        a.out_mul = c.stride;
        a.out_off = -c.pad;
        a.tout = T * c.stride;
        a.w_phase = c.w_phase;
        return launch(a, c.phases, st);
    }
};

OobleckCuda::OobleckCuda() : impl_(new Impl) {}
OobleckCuda::~OobleckCuda() { delete impl_; }
bool OobleckCuda::ready() const { return impl_->ok; }

bool OobleckCuda::upload(const OobleckW& w, DType dtype, std::string& err) {
    Impl& m = *impl_;
    m.release();
    m.dt = dtype;
    m.latent = w.spec.latent_dim;
    m.out_channels = w.spec.out_channels;
    m.final_tanh = w.spec.final_tanh;
    std::string e = m.up_conv(w.conv_in, &m.conv_in);
    m.blocks.assign(w.blocks.size(), DevBlock());
    for (std::size_t i = 0; i < w.blocks.size() && e.empty(); ++i) {
        const DecBlockW& b = w.blocks[i];
        DevBlock& d = m.blocks[i];
        e = m.up_snake(b.snake, b.up.cin, &d.snake);
        if (e.empty()) e = m.up_convt(b.up, &d.up);
        for (int r = 0; r < 3 && e.empty(); ++r) {
            e = m.up_snake(b.res[r].s1, b.up.cout, &d.res[r].s1);
            if (e.empty()) e = m.up_snake(b.res[r].s2, b.up.cout, &d.res[r].s2);
            if (e.empty()) e = m.up_conv(b.res[r].c7, &d.res[r].c7);
            if (e.empty()) e = m.up_conv(b.res[r].c1, &d.res[r].c1);
        }
    }
    if (e.empty()) e = m.up_snake(w.snake_out, w.conv_out.cin, &m.snake_out);
    if (e.empty()) e = m.up_conv(w.conv_out, &m.conv_out);
    if (e.empty() && m.conv_in.cin != m.latent) e = "OobleckCuda: conv_in does not read the latent channels";
    if (!e.empty()) {
        m.release();
        err = e;
        return false;
    }
    m.ok = true;
    return true;
}

bool OobleckCuda::decode(const float* latent, int T, std::vector<float>& audio, std::string& err) {
    Impl& m = *impl_;
    auto fail = [&](const std::string& e) {
        err = "OobleckCuda decode: " + e;
        return false;
    };
    if (!m.ok) return fail("no weights uploaded");
    if (T <= 0 || !latent) return fail("need a latent of at least one frame");
    try {
        // Largest activation: frames x channels over the stages.
        long long most = (long long)T * std::max(m.latent, m.conv_in.cout);
        long long frames = T;
        for (const DevBlock& b : m.blocks) {
            frames *= b.up.stride;
            most = std::max(most, frames * b.up.cout);
        }
        most = std::max(most, frames * m.out_channels);
        const int C = m.latent;
        std::vector<float> x((std::size_t)T * C);
        for (int c = 0; c < C; ++c)
            for (int t = 0; t < T; ++t) x[(std::size_t)t * C + c] = latent[(std::size_t)c * T + t];
        StreamGuard sg;
        DevBuf dx, h, h2, tb;
        std::string e = [&]() -> std::string {
            NN_CUDA_TRY(cudaStreamCreateWithFlags(&sg.s, cudaStreamNonBlocking));
            cudaStream_t st = sg.s;
            NN_CUDA_TRY(dx.alloc(x.size() * sizeof(float)));
            NN_CUDA_TRY(h.alloc((std::size_t)most * sizeof(float)));
            NN_CUDA_TRY(h2.alloc((std::size_t)most * sizeof(float)));
            NN_CUDA_TRY(tb.alloc((std::size_t)most * sizeof(float)));
            NN_CUDA_TRY(cudaMemcpyAsync(dx.p, x.data(), x.size() * sizeof(float), cudaMemcpyHostToDevice, st));
            float* cur = h.as<float>();
            float* nxt = h2.as<float>();
            float* t = tb.as<float>();
            std::string r = m.conv(m.conv_in, nullptr, dx.as<float>(), T, cur, false, false, st);
            if (!r.empty()) return r;
            int n = T;
            for (const DevBlock& b : m.blocks) {
                if (!(r = m.convt(b.up, &b.snake, cur, n, nxt, st)).empty()) return r;
                std::swap(cur, nxt);
                n *= b.up.stride;
                for (const DevRes& u : b.res) {
                    if (!(r = m.conv(u.c7, &u.s1, cur, n, t, false, false, st)).empty()) return r;
                    if (!(r = m.conv(u.c1, &u.s2, t, n, cur, true, false, st)).empty()) return r;  // x + conv1(...)
                }
            }
            if (!(r = m.conv(m.conv_out, &m.snake_out, cur, n, nxt, false, m.final_tanh, st)).empty()) return r;
            const long long total = (long long)n * m.out_channels;
            tc_to_ct_kernel<<<grid_for(total, 256), 256, 0, st>>>(nxt, t, 1, m.out_channels, n);  // (T, C) -> (C, T)
            NN_CUDA_TRY(cudaGetLastError());
            audio.resize((std::size_t)total);
            NN_CUDA_TRY(cudaMemcpyAsync(audio.data(), t, (std::size_t)total * sizeof(float), cudaMemcpyDeviceToHost, st));
            NN_CUDA_TRY(cudaStreamSynchronize(st));
            return "";
        }();
        if (!e.empty()) return fail(e);
        return true;
    } catch (const std::exception& ex) {
        return fail(ex.what());
    }
}

}  // namespace bewo::sa
