// The tensor-core GEMM with fused epilogues and the LayerNorm kernel of the model runtime, shared
// by the DiT of nn_cuda.cu and the Stable Audio Open family's DiT (internal copies per unit).
#pragma once
#include <cstdlib>
#include <string>

#include "cuda_common.cuh"

namespace bewo::cuda_nn {
namespace {

// Row maps of the GEMM: logical row r -> memory row (r / group) * stride + offset + r % group.
struct RowMap {
    int group = 1 << 30;
    int stride = 0, offset = 0;
    __host__ __device__ int operator()(int r) const { return (r / group) * stride + offset + r % group; }
};

// Pair modes: the weight's rows are interleaved (value, gate) pairs, column 2i + 1 gates 2i and
// y[r][i] is written (y has N / 2 columns): kSwiglu value * SiLU(gate) (SwiGLU), kGeglu
// GELU-tanh(value) * gate (T5's gated-gelu).
enum GemmMode : int { kStore = 0, kAdd = 1, kGelu = 2, kSilu = 3, kSwiglu = 4, kRelu = 5, kGeglu = 6 };

struct GemmArgs {
    const float* x;  // (M rows via in_map, ldx) x K, fp32
    const void* w;   // (N, K) row-major, T
    const float* b;  // N, may be null
    float* y;        // (M rows via out_map, ldy) x N, fp32
    int M, N, K, ldx, ldy;
    RowMap in_map, out_map;
    int mode;
    const uint8_t* gate;  // optional: rows r with gate[r / gate_group] == 0 are not written
    int gate_group;
};

__device__ __forceinline__ float gelu_tanh_f(float v) {
    const float u = 0.7978845608028654f * (v + 0.044715f * v * v * v);
    return v / (1.f + expf(-2.f * u));
}
__device__ __forceinline__ float silu_f(float v) { return v / (1.f + expf(-v)); }
__device__ __forceinline__ float pair_out(int mode, float val, float gate) {
    return mode == kSwiglu ? val * silu_f(gate) : gelu_tanh_f(val) * gate;
}

constexpr int kGemmBM = 64, kGemmBN = 64, kGemmBK = 32, kGemmXS = kGemmBK + 8, kGemmThreads = 128;

// Y = epilogue(X W^T + b). Block: 4 warps, a 64 x 64 tile of Y; warp w owns rows 16 w .. + 15 and
// the 64 columns (8 n-tiles). X converted to T while staged in shared memory.
template <typename T>
__global__ void __launch_bounds__(kGemmThreads) gemm_kernel(const GemmArgs g) {
    __shared__ __align__(16) T Xs[kGemmBM * kGemmXS];
    __shared__ __align__(16) T Ws[kGemmBN * kGemmXS];
    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    const int gq = lane >> 2, t = lane & 3, lr = lane & 7, li = lane >> 3;
    const int row0 = blockIdx.y * kGemmBM, col0 = blockIdx.x * kGemmBN;
    const T* W = static_cast<const T*>(g.w);
    float acc[8][4];
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[j][0] = acc[j][1] = acc[j][2] = acc[j][3] = 0.f;

    // Each thread stages PER elements of the X tile and PER of the W tile: element it is tile row
    // tid / BK + it * RSTEP, column tid % BK. Loop trip counts are compile-time, so all the loads of
    // a tile are in flight together (a runtime-strided loop serialises them on their latency).
    constexpr int PER = kGemmBM * kGemmBK / kGemmThreads;
    constexpr int RSTEP = kGemmThreads / kGemmBK;
    static_assert(kGemmBM == kGemmBN && kGemmThreads % kGemmBK == 0, "tile mapping");
    const int tc = tid % kGemmBK, tr = tid / kGemmBK;
    long long xoff[PER];  // start of this thread's X rows (-1: past M)
    long long woff[PER];  // start of this thread's W rows (-1: past N)
#pragma unroll
    for (int it = 0; it < PER; ++it) {
        const int gr = row0 + tr + it * RSTEP, go = col0 + tr + it * RSTEP;
        xoff[it] = gr < g.M ? (long long)g.in_map(gr) * g.ldx : -1;
        woff[it] = go < g.N ? (long long)go * g.K : -1;
    }
    for (int k0 = 0; k0 < g.K; k0 += kGemmBK) {
        const int gk = k0 + tc;
        const bool kin = gk < g.K;
        float xv[PER];
        T wv[PER];
#pragma unroll
        for (int it = 0; it < PER; ++it) {
            xv[it] = (kin && xoff[it] >= 0) ? g.x[xoff[it] + gk] : 0.f;
            wv[it] = (kin && woff[it] >= 0) ? W[woff[it] + gk] : from_float<T>(0.f);
        }
#pragma unroll
        for (int it = 0; it < PER; ++it) {
            const int r = tr + it * RSTEP;
            Xs[r * kGemmXS + tc] = from_float<T>(xv[it]);
            Ws[r * kGemmXS + tc] = wv[it];
        }
        __syncthreads();
#pragma unroll
        for (int kc = 0; kc < kGemmBK / 16; ++kc) {
            uint32_t a[4];
            ldsm_x4(a, Xs + (warp * 16 + lr + (li & 1) * 8) * kGemmXS + kc * 16 + (li >> 1) * 8);
#pragma unroll
            for (int j = 0; j < 8; j += 2) {
                uint32_t r[4];
                ldsm_x4(r, Ws + ((j + (li >> 1)) * 8 + lr) * kGemmXS + kc * 16 + (li & 1) * 8);
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
        if (r >= g.M) continue;
        if (g.gate && g.gate[r / g.gate_group] == 0) continue;
        float* yr = g.y + (long long)g.out_map(r) * g.ldy;
        if (g.mode == kSwiglu || g.mode == kGeglu) {  // N is even, so a pair is in range as a whole
#pragma unroll
            for (int j = 0; j < 8; ++j) {
                const int c = col0 + j * 8 + 2 * t;
                if (c >= g.N) continue;
                const float val = acc[j][half * 2] + (g.b ? g.b[c] : 0.f);
                const float gate = acc[j][half * 2 + 1] + (g.b ? g.b[c + 1] : 0.f);
                yr[c / 2] = pair_out(g.mode, val, gate);
            }
            continue;
        }
#pragma unroll
        for (int j = 0; j < 8; ++j) {
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                const int c = col0 + j * 8 + 2 * t + e;
                if (c >= g.N) continue;
                float v = acc[j][half * 2 + e] + (g.b ? g.b[c] : 0.f);
                if (g.mode == kAdd) v += yr[c];
                else if (g.mode == kGelu) v = gelu_tanh_f(v);
                else if (g.mode == kSilu) v = silu_f(v);
                else if (g.mode == kRelu) v = fmaxf(v, 0.f);
                yr[c] = v;
            }
        }
    }
}

// Y = epilogue(X W^T + b) in fp32 with FMA (the exact path the tensor-core one is checked
// against, and the fp32 model's GEMM). Block: 256 threads, a 64 x 64 tile, 4 x 4 outputs per
// thread; X and W tiles staged k-major in shared memory.
constexpr int kF32BM = 64, kF32BK = 16;
__global__ void __launch_bounds__(256) gemm_f32_kernel(const GemmArgs g) {
    __shared__ float Xs[kF32BK][kF32BM + 4];
    __shared__ float Ws[kF32BK][kF32BM + 4];
    const float* W = static_cast<const float*>(g.w);
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const int row0 = blockIdx.y * kF32BM, col0 = blockIdx.x * kF32BM;
    float acc[4][4] = {};
    for (int k0 = 0; k0 < g.K; k0 += kF32BK) {
        // 64 rows x 16 k of each tile: 4 elements per thread, k fastest (coalesced).
#pragma unroll
        for (int it = 0; it < 4; ++it) {
            const int idx = tid + it * 256, r = idx / kF32BK, kk = idx % kF32BK;
            const int gk = k0 + kk, gr = row0 + r, gc = col0 + r;
            Xs[kk][r] = (gk < g.K && gr < g.M) ? g.x[(long long)g.in_map(gr) * g.ldx + gk] : 0.f;
            Ws[kk][r] = (gk < g.K && gc < g.N) ? W[(long long)gc * g.K + gk] : 0.f;
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
    for (int i = 0; i < 4; ++i) {
        const int r = row0 + ty * 4 + i;
        if (r >= g.M) continue;
        if (g.gate && g.gate[r / g.gate_group] == 0) continue;
        float* yr = g.y + (long long)g.out_map(r) * g.ldy;
        if (g.mode == kSwiglu || g.mode == kGeglu) {  // tx * 4 is even: pairs (0, 1) and (2, 3)
#pragma unroll
            for (int j = 0; j < 4; j += 2) {
                const int c = col0 + tx * 4 + j;
                if (c >= g.N) continue;
                const float val = acc[i][j] + (g.b ? g.b[c] : 0.f), gate = acc[i][j + 1] + (g.b ? g.b[c + 1] : 0.f);
                yr[c / 2] = pair_out(g.mode, val, gate);
            }
            continue;
        }
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const int c = col0 + tx * 4 + j;
            if (c >= g.N) continue;
            float v = acc[i][j] + (g.b ? g.b[c] : 0.f);
            if (g.mode == kAdd) v += yr[c];
            else if (g.mode == kGelu) v = gelu_tanh_f(v);
            else if (g.mode == kSilu) v = silu_f(v);
            else if (g.mode == kRelu) v = fmaxf(v, 0.f);
            yr[c] = v;
        }
    }
}

// The pipelined tensor-core GEMM: the same tile and epilogues as gemm_kernel, with the next two
// K slices in flight (cp.async, 3 stages) while one is computed. 4 warps in 2 x 2, each a 32 x 32
// sub-tile; X stays fp32 in shared memory and is rounded to T as its fragments are built; W
// fragments come by ldmatrix. Needs K % 8 == 0, ldx % 4 == 0 and 16-byte aligned x and w
// (gemm_pipe_fits), which every DiT / T5 layer meets.
// A rows padded by 8 floats: the float2 fragment reads of a half-warp then hit distinct banks.
constexpr int kPBK = 32, kPStages = 3, kPAS = kPBK + 8, kPBS = kPBK + 8;

template <typename T>
__global__ void __launch_bounds__(kGemmThreads) gemm_pipe_kernel(const GemmArgs g) {
    __shared__ __align__(16) float As[kPStages][kGemmBM * kPAS];
    __shared__ __align__(16) T Bs[kPStages][kGemmBN * kPBS];
    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    const int wm = warp >> 1, wn = warp & 1;
    const int gq = lane >> 2, t = lane & 3, lr = lane & 7, li = lane >> 3;
    const int row0 = blockIdx.y * kGemmBM, col0 = blockIdx.x * kGemmBN;
    const T* W = static_cast<const T*>(g.w);
    // A: 64 rows x 8 chunks of 4 floats (4 per thread); B: 64 rows x 4 chunks of 8 T (2 per thread).
    long long a_off[4], b_off[2];
    bool a_ok[4], b_ok[2];
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int gr = row0 + ((tid + i * kGemmThreads) >> 3);
        a_ok[i] = gr < g.M;
        a_off[i] = a_ok[i] ? (long long)g.in_map(gr) * g.ldx : 0;
    }
#pragma unroll
    for (int i = 0; i < 2; ++i) {
        const int gn = col0 + ((tid + i * kGemmThreads) >> 2);
        b_ok[i] = gn < g.N;
        b_off[i] = b_ok[i] ? (long long)gn * g.K : 0;
    }
    const int ktiles = (g.K + kPBK - 1) / kPBK;
    auto load = [&](int stage, int kt) {
        const int k0 = kt * kPBK;
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int id = tid + i * kGemmThreads, r = id >> 3, c = (id & 7) * 4, k = k0 + c;
            const bool ok = a_ok[i] && k < g.K;  // K % 8 == 0: a chunk is inside or wholly outside
            cp_async16(&As[stage][r * kPAS + c], ok ? g.x + a_off[i] + k : g.x, ok);
        }
#pragma unroll
        for (int i = 0; i < 2; ++i) {
            const int id = tid + i * kGemmThreads, r = id >> 2, c = (id & 3) * 8, k = k0 + c;
            const bool ok = b_ok[i] && k < g.K;
            cp_async16(&Bs[stage][r * kPBS + c], ok ? W + b_off[i] + k : W, ok);
        }
    };
    float acc[2][4][4];
#pragma unroll
    for (int i = 0; i < 2; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j][0] = acc[i][j][1] = acc[i][j][2] = acc[i][j][3] = 0.f;
#pragma unroll
    for (int s = 0; s < kPStages - 1; ++s) {
        if (s < ktiles) load(s, s);
        cp_async_commit();
    }
    for (int kt = 0; kt < ktiles; ++kt) {
        cp_async_wait<kPStages - 2>();  // tile kt has landed (this thread's part)
        __syncthreads();                // ... everyone's, and tile kt - 1's stage is free
        const int nk = kt + kPStages - 1;
        if (nk < ktiles) load(nk % kPStages, nk);
        cp_async_commit();
        const float* A = As[kt % kPStages];
        const T* B = Bs[kt % kPStages];
#pragma unroll
        for (int kc = 0; kc < kPBK / 16; ++kc) {
            uint32_t a[2][4];
#pragma unroll
            for (int i = 0; i < 2; ++i) {
                const float* base = A + (wm * 32 + i * 16 + gq) * kPAS + kc * 16 + 2 * t;
                const float2 v00 = *reinterpret_cast<const float2*>(base);
                const float2 v10 = *reinterpret_cast<const float2*>(base + 8 * kPAS);
                const float2 v01 = *reinterpret_cast<const float2*>(base + 8);
                const float2 v11 = *reinterpret_cast<const float2*>(base + 8 * kPAS + 8);
                a[i][0] = pack2<T>(v00.x, v00.y);
                a[i][1] = pack2<T>(v10.x, v10.y);
                a[i][2] = pack2<T>(v01.x, v01.y);
                a[i][3] = pack2<T>(v11.x, v11.y);
            }
#pragma unroll
            for (int j = 0; j < 4; j += 2) {
                uint32_t r[4];
                ldsm_x4(r, B + (wn * 32 + (j + (li >> 1)) * 8 + lr) * kPBS + kc * 16 + (li & 1) * 8);
                const uint32_t b0[2] = {r[0], r[1]}, b1[2] = {r[2], r[3]};
#pragma unroll
                for (int i = 0; i < 2; ++i) {
                    mma16816<T>(acc[i][j], a[i], b0);
                    mma16816<T>(acc[i][j + 1], a[i], b1);
                }
            }
        }
    }
    cp_async_wait<0>();
#pragma unroll
    for (int i = 0; i < 2; ++i)
#pragma unroll
        for (int half = 0; half < 2; ++half) {
            const int r = row0 + wm * 32 + i * 16 + gq + half * 8;
            if (r >= g.M) continue;
            if (g.gate && g.gate[r / g.gate_group] == 0) continue;
            float* yr = g.y + (long long)g.out_map(r) * g.ldy;
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                const int c = col0 + wn * 32 + j * 8 + 2 * t;
                if (c >= g.N) continue;  // N is even in the pair modes; c + 1 is checked below
                const float v0 = acc[i][j][half * 2] + (g.b ? g.b[c] : 0.f);
                if (g.mode == kSwiglu || g.mode == kGeglu) {
                    const float v1 = acc[i][j][half * 2 + 1] + (g.b ? g.b[c + 1] : 0.f);
                    yr[c / 2] = pair_out(g.mode, v0, v1);
                    continue;
                }
#pragma unroll
                for (int e = 0; e < 2; ++e) {
                    if (c + e >= g.N) continue;
                    float v = e == 0 ? v0 : acc[i][j][half * 2 + 1] + (g.b ? g.b[c + 1] : 0.f);
                    if (g.mode == kAdd) v += yr[c + e];
                    else if (g.mode == kGelu) v = gelu_tanh_f(v);
                    else if (g.mode == kSilu) v = silu_f(v);
                    else if (g.mode == kRelu) v = fmaxf(v, 0.f);
                    yr[c + e] = v;
                }
            }
        }
}

inline bool gemm_pipe_fits(const GemmArgs& g) {
    return g.K % 8 == 0 && g.ldx % 4 == 0 && (reinterpret_cast<uintptr_t>(g.x) & 15u) == 0 &&
           (reinterpret_cast<uintptr_t>(g.w) & 15u) == 0;
}

// Which tensor-core GEMM runs: 0 auto (the pipelined one where it fits), 1 the simple one,
// 2 the pipelined one where it fits. From $BEWO_GEMM ("simple" / "pipe") at first use, or set by
// gemm_set_kernel (tests compare the two).
inline int& gemm_kernel_choice() {
    static int choice = [] {
        const char* e = std::getenv("BEWO_GEMM");
        if (e && std::string(e) == "simple") return 1;
        if (e && std::string(e) == "pipe") return 2;
        return 0;
    }();
    return choice;
}

// Launches the GEMM for weights of dtype dt (F32: the FMA kernel, F16 / BF16: tensor cores).
inline cudaError_t gemm_launch(const GemmArgs& g, DType dt, cudaStream_t st) {
    if (g.M <= 0 || g.N <= 0) return cudaSuccess;
    if (dt == DType::F32) {
        const dim3 grid((g.N + kF32BM - 1) / kF32BM, (g.M + kF32BM - 1) / kF32BM);
        if (grid.y > 65535) return cudaErrorInvalidValue;
        gemm_f32_kernel<<<grid, 256, 0, st>>>(g);
    } else if (gemm_kernel_choice() != 1 && gemm_pipe_fits(g)) {
        const dim3 grid((g.N + kGemmBN - 1) / kGemmBN, (g.M + kGemmBM - 1) / kGemmBM);
        if (grid.y > 65535) return cudaErrorInvalidValue;
        if (dt == DType::F16) gemm_pipe_kernel<__half><<<grid, kGemmThreads, 0, st>>>(g);
        else gemm_pipe_kernel<__nv_bfloat16><<<grid, kGemmThreads, 0, st>>>(g);
    } else {
        const dim3 grid((g.N + kGemmBN - 1) / kGemmBN, (g.M + kGemmBM - 1) / kGemmBM);
        if (grid.y > 65535) return cudaErrorInvalidValue;
        if (dt == DType::F16) gemm_kernel<__half><<<grid, kGemmThreads, 0, st>>>(g);
        else gemm_kernel<__nv_bfloat16><<<grid, kGemmThreads, 0, st>>>(g);
    }
    return cudaGetLastError();
}

// LayerNorm (two passes), one warp per row.
__global__ void layer_norm_kernel(const float* __restrict__ x, const float* __restrict__ gam,
                                  const float* __restrict__ bet, float* __restrict__ y, int rows, int d, float eps) {
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int row = blockIdx.x * (blockDim.x >> 5) + warp;
    if (row >= rows) return;
    const float* xr = x + (long long)row * d;
    float* yr = y + (long long)row * d;
    float s = 0.f;
    for (int i = lane; i < d; i += 32) s += xr[i];
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    const float mu = s / d;
    float v = 0.f;
    for (int i = lane; i < d; i += 32) {
        const float c = xr[i] - mu;
        v += c * c;
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    const float inv = 1.f / sqrtf(v / d + eps);
    for (int i = lane; i < d; i += 32) yr[i] = (xr[i] - mu) * inv * gam[i] + bet[i];
}

}  // namespace
}  // namespace bewo::cuda_nn
