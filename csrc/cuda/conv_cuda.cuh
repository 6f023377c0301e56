// The implicit-GEMM 1-D convolution kernels shared by the decoders that run on the GPU (the Oobleck
// decoder of the Stable Audio Open family, the tiny model's VAE decoder): activations are
// time-major (frames, channels); the input activation, the bias, a residual add and a final tanh
// are fused in. Each translation unit gets its own internal copy (anonymous namespace).
#pragma once
#include "cuda_common.cuh"

namespace bewo::cuda_nn {
namespace {

// One convolution as an implicit GEMM. Logical row r of phase z (blockIdx.z) produces output
// frame o = r * out_mul + z + out_off (skipped outside [0, tout)); its K = taps * cin inputs are
// tap j = kk / cin, channel ci = kk % cin of input frame f = r + j * tap_step + tap_off (zero
// outside [0, tin)), put through an activation as it is staged: SnakeBeta when snake_a is set, or
// GroupNorm's per-channel affine then SiLU when gn_scale is set (the GroupNorm statistics are
// folded into gn_scale / gn_shift beforehand). Weights: phase z's (cout, K) matrix at
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
    const float* gn_scale = nullptr;
    const float* gn_shift = nullptr;
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
    } else if (c.gn_scale) {
        v = fmaf(v, c.gn_scale[ci], c.gn_shift[ci]);
        v = v / (1.f + expf(-v));
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

constexpr int kConvBM = 64, kConvBN = 64, kConvBK = 32, kConvXS = kConvBK + 8, kConvThreads = 128;

// Tensor cores: the GEMM tile of gemm_cuda.cuh (4 warps, 64 x 64, m16n8k16 via ldmatrix) with
// the convolution's input staging.
template <typename T>
__global__ void __launch_bounds__(kConvThreads) conv_tc_kernel(const ConvArgs c) {
    __shared__ __align__(16) T Xs[kConvBM * kConvXS];
    __shared__ __align__(16) T Ws[kConvBN * kConvXS];
    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    const int gq = lane >> 2, t = lane & 3, lr = lane & 7, li = lane >> 3;
    const int row0 = blockIdx.y * kConvBM, col0 = blockIdx.x * kConvBN;
    const T* W = static_cast<const T*>(c.w) + (long long)blockIdx.z * c.w_phase;
    float acc[8][4];
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[j][0] = acc[j][1] = acc[j][2] = acc[j][3] = 0.f;
    constexpr int PER = kConvBM * kConvBK / kConvThreads, RSTEP = kConvThreads / kConvBK;
    const int tc = tid % kConvBK, tr = tid / kConvBK;
    for (int k0 = 0; k0 < c.K; k0 += kConvBK) {
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
            Xs[r * kConvXS + tc] = from_float<T>(xv[it]);
            Ws[r * kConvXS + tc] = wv[it];
        }
        __syncthreads();
#pragma unroll
        for (int kc = 0; kc < kConvBK / 16; ++kc) {
            uint32_t a[4];
            ldsm_x4(a, Xs + (warp * 16 + lr + (li & 1) * 8) * kConvXS + kc * 16 + (li >> 1) * 8);
#pragma unroll
            for (int j = 0; j < 8; j += 2) {
                uint32_t r[4];
                ldsm_x4(r, Ws + ((j + (li >> 1)) * 8 + lr) * kConvXS + kc * 16 + (li & 1) * 8);
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
constexpr int kConvF32BK = 16;
__global__ void __launch_bounds__(256) conv_f32_kernel(const ConvArgs c) {
    __shared__ float Xs[kConvF32BK][kConvBM + 4];
    __shared__ float Ws[kConvF32BK][kConvBN + 4];
    const float* W = static_cast<const float*>(c.w) + (long long)blockIdx.z * c.w_phase;
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const int row0 = blockIdx.y * kConvBM, col0 = blockIdx.x * kConvBN;
    float acc[4][4] = {};
    for (int k0 = 0; k0 < c.K; k0 += kConvF32BK) {
#pragma unroll
        for (int it = 0; it < 4; ++it) {
            const int idx = tid + it * 256, r = idx / kConvF32BK, kk = idx % kConvF32BK;
            const int gk = k0 + kk, co = col0 + r;
            Xs[kk][r] = conv_in(c, row0 + r, gk);
            Ws[kk][r] = (gk < c.K && co < c.cout) ? W[(long long)co * c.K + gk] : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < kConvF32BK; ++kk) {
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

// Launch one convolution (all its phases) with the kernel for the weight dtype.
std::string conv_launch(const ConvArgs& a, int phases, DType dt, cudaStream_t st) {
    if (a.rows <= 0) return "";
    const dim3 grid((a.cout + kConvBN - 1) / kConvBN, (a.rows + kConvBM - 1) / kConvBM, phases);
    if (grid.y > 65535) return "the clip is too long for one convolution launch";
    if (dt == DType::F32) conv_f32_kernel<<<grid, 256, 0, st>>>(a);
    else if (dt == DType::F16) conv_tc_kernel<__half><<<grid, kConvThreads, 0, st>>>(a);
    else conv_tc_kernel<__nv_bfloat16><<<grid, kConvThreads, 0, st>>>(a);
    NN_CUDA_TRY(cudaGetLastError());
    return "";
}

// A convolution that keeps the length (k taps, dilation d, padding p with 2p = d (k - 1)):
// y (T, cout) [+]= conv(act(x (T, cin))). w: (cout, k * cin), tap-major.
ConvArgs conv_same_args(const float* x, const void* w, const float* b, float* y, int T, int cin, int cout, int k,
                        int dil, int pad) {
    ConvArgs a;
    a.x = x;
    a.w = w;
    a.b = b;
    a.y = y;
    a.rows = T;
    a.cout = cout;
    a.K = k * cin;
    a.cin = cin;
    a.tin = T;
    a.tap_step = dil;
    a.tap_off = -pad;
    a.tout = T;
    return a;
}

// A transposed convolution with kernel 2 * stride and padding p: y (T * stride, cout) from
// x (T, cin), output frames beyond T * stride dropped (PyTorch's length when 2 p = stride); w:
// `stride` phase matrices (cout, 2 cin) of w_phase elements each (tap z for the first cin
// columns, tap z + stride for the rest).
ConvArgs convt_args(const float* x, const void* w, const float* b, float* y, int T, int cin, int cout, int stride,
                    int pad, long long w_phase) {
    ConvArgs a;
    a.x = x;
    a.w = w;
    a.b = b;
    a.y = y;
    a.rows = T + 1;
    a.cout = cout;
    a.K = 2 * cin;
    a.cin = cin;
    a.tin = T;
    a.tap_step = -1;
    a.tap_off = 0;
    a.out_mul = stride;
    a.out_off = -pad;
    a.tout = T * stride;
    a.w_phase = w_phase;
    return a;
}

}  // namespace
}  // namespace bewo::cuda_nn
