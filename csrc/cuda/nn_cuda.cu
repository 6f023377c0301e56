// CUDA kernels of the model runtime (nn_cuda.h): fused attention (fp32 FMA path and an
// fp16 / bf16 tensor-core path with mma.sync m16n8k16) and the fused sampler step.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "../nn/dit.h"
#include "cuda_common.cuh"
#include "gemm_cuda.cuh"
#include "nn_cuda.h"

namespace bewo::cuda_nn {

namespace {

// ---------------------------------------------------------------------------------------------

struct KArgs {
    const void* q;
    const void* k;
    const void* v;
    void* out;
    const uint8_t* mask;
    int nq, nk;
    long long q_row, k_row, v_row, out_row;
    long long q_batch, k_batch, v_batch, out_batch, mask_batch;
    float scale;
    int vec;  // 1: every row start is 16-byte aligned (uint4 loads)
};

// ---------------------------------------------------------------------------------------------
// Tensor-core attention. Block: 4 warps, 64 query rows of one (batch item, head); warp w owns
// rows 16 w .. 16 w + 15. Keys in blocks of 64: K block in shared memory row-major, V block
// transposed (so both B fragments are contiguous pairs), each padded by 8 elements (16 bytes) per
// row, which spreads a fragment load over all 32 banks.

constexpr int kBR = 64;  // query rows per block
constexpr int kBC = 64;  // keys per block
constexpr int kTcThreads = 128;

// dst[r][c] (row stride STRIDE) = src[(r0 + r) * ld + c] for r < 64, c < D; zeros past n rows.
template <typename T, int D, int STRIDE>
__device__ __forceinline__ void load_rows(T* dst, const T* src, long long ld, int r0, int n, int vec) {
    if (vec) {
        constexpr int CPR = D / 8;  // 16-byte chunks per row
        for (int i = threadIdx.x; i < 64 * CPR; i += blockDim.x) {
            const int r = i / CPR, c = (i % CPR) * 8;
            uint4 val = make_uint4(0u, 0u, 0u, 0u);
            if (r0 + r < n) val = *reinterpret_cast<const uint4*>(src + (long long)(r0 + r) * ld + c);
            *reinterpret_cast<uint4*>(dst + r * STRIDE + c) = val;
        }
    } else {
        for (int i = threadIdx.x; i < 64 * D; i += blockDim.x) {
            const int r = i / D, c = i % D;
            dst[r * STRIDE + c] = (r0 + r < n) ? src[(long long)(r0 + r) * ld + c] : from_float<T>(0.f);
        }
    }
}

// dst[c][r] (row stride STRIDE) = src[(r0 + r) * ld + c] for r < 64, c < D; zeros past n rows.
template <typename T, int D, int STRIDE>
__device__ __forceinline__ void load_rows_transposed(T* dst, const T* src, long long ld, int r0, int n, int vec) {
    if (vec) {
        constexpr int CPR = D / 8;
        for (int i = threadIdx.x; i < 64 * CPR; i += blockDim.x) {
            // Consecutive threads take consecutive rows (keys) of one chunk: their transposed
            // stores land in consecutive 16-bit slots.
            const int r = i % 64, c = (i / 64) * 8;
            union {
                uint4 u;
                T h[8];
            } val;
            val.u = make_uint4(0u, 0u, 0u, 0u);
            if (r0 + r < n) val.u = *reinterpret_cast<const uint4*>(src + (long long)(r0 + r) * ld + c);
#pragma unroll
            for (int e = 0; e < 8; ++e) dst[(c + e) * STRIDE + r] = val.h[e];
        }
    } else {
        for (int i = threadIdx.x; i < 64 * D; i += blockDim.x) {
            const int r = i % 64, c = i / 64;
            dst[c * STRIDE + r] = (r0 + r < n) ? src[(long long)(r0 + r) * ld + c] : from_float<T>(0.f);
        }
    }
}

template <typename T, typename OutT, int D>
__global__ void __launch_bounds__(kTcThreads) attention_tc_kernel(const KArgs a) {
    static_assert(D % 16 == 0 && D <= 128, "head_dim must be a multiple of 16, at most 128");
    constexpr int KS = D + 8;    // K / Q row stride (elements)
    constexpr int VS = kBC + 8;  // transposed V row stride (elements)
    constexpr int NKC = D / 16;  // k-chunks of q k^T
    constexpr int NDT = D / 8;   // n-tiles of the output
    constexpr int NST = kBC / 8; // n-tiles of the scores
    __shared__ __align__(16) T Ks[kBC * KS];  // also stages the Q block (kBR == kBC)
    __shared__ __align__(16) T Vt[D * VS];
    __shared__ float kbias[kBC];
    static_assert(kBR == kBC, "Q staging reuses the K buffer");

    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    const int g = lane >> 2, t = lane & 3;
    const int b = blockIdx.z, h = blockIdx.y, q0 = blockIdx.x * kBR;
    const T* qb = static_cast<const T*>(a.q) + (long long)b * a.q_batch + (long long)h * D;
    const T* kb = static_cast<const T*>(a.k) + (long long)b * a.k_batch + (long long)h * D;
    const T* vb = static_cast<const T*>(a.v) + (long long)b * a.v_batch + (long long)h * D;
    const uint8_t* mb = a.mask ? a.mask + (long long)b * a.mask_batch : nullptr;

    // Q fragments of this warp's 16 rows, kept in registers for the whole key loop.
    load_rows<T, D, KS>(Ks, qb, a.q_row, q0, a.nq, a.vec);
    __syncthreads();
    uint32_t qa[NKC][4];
    {
        const int r = warp * 16 + g;
#pragma unroll
        for (int kc = 0; kc < NKC; ++kc) {
            qa[kc][0] = ld32(&Ks[r * KS + kc * 16 + 2 * t]);
            qa[kc][1] = ld32(&Ks[(r + 8) * KS + kc * 16 + 2 * t]);
            qa[kc][2] = ld32(&Ks[r * KS + kc * 16 + 8 + 2 * t]);
            qa[kc][3] = ld32(&Ks[(r + 8) * KS + kc * 16 + 8 + 2 * t]);
        }
    }
    __syncthreads();

    float o[NDT][4];
#pragma unroll
    for (int i = 0; i < NDT; ++i) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.f;
    float m0 = -INFINITY, m1 = -INFINITY;  // running max (log2 units) of rows g and g + 8
    float l0 = 0.f, l1 = 0.f;              // this lane's part of the running sums
    const float sl2 = a.scale * 1.4426950408889634f;

    for (int k0 = 0; k0 < a.nk; k0 += kBC) {
        load_rows<T, D, KS>(Ks, kb, a.k_row, k0, a.nk, a.vec);
        load_rows_transposed<T, D, VS>(Vt, vb, a.v_row, k0, a.nk, a.vec);
        if (tid < kBC) {
            const int key = k0 + tid;
            const bool ok = key < a.nk && (mb == nullptr || mb[key] != 0);
            kbias[tid] = ok ? 0.f : -INFINITY;
        }
        __syncthreads();

        float s[NST][4];
#pragma unroll
        for (int j = 0; j < NST; ++j) {
            s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.f;
            const T* krow = &Ks[(j * 8 + g) * KS];
#pragma unroll
            for (int kc = 0; kc < NKC; ++kc) {
                const uint32_t bf[2] = {ld32(krow + kc * 16 + 2 * t), ld32(krow + kc * 16 + 8 + 2 * t)};
                mma16816<T>(s[j], qa[kc], bf);
            }
        }

        float mx0 = -INFINITY, mx1 = -INFINITY;
#pragma unroll
        for (int j = 0; j < NST; ++j) {
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                const float bias = kbias[j * 8 + 2 * t + e];
                s[j][e] = fmaf(s[j][e], sl2, bias);
                s[j][2 + e] = fmaf(s[j][2 + e], sl2, bias);
                mx0 = fmaxf(mx0, s[j][e]);
                mx1 = fmaxf(mx1, s[j][2 + e]);
            }
        }
        // The four lanes of a quad hold one row.
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 1));
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 2));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 1));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 2));
        const float mn0 = fmaxf(m0, mx0), mn1 = fmaxf(m1, mx1);
        // While every key so far is masked the max is -inf: subtract 0 instead (p = 0, alpha = 0).
        const float mu0 = mn0 == -INFINITY ? 0.f : mn0;
        const float mu1 = mn1 == -INFINITY ? 0.f : mn1;
        const float al0 = exp2f(m0 - mu0), al1 = exp2f(m1 - mu1);
        m0 = mn0;
        m1 = mn1;
        l0 *= al0;
        l1 *= al1;
#pragma unroll
        for (int i = 0; i < NDT; ++i) {
            o[i][0] *= al0;
            o[i][1] *= al0;
            o[i][2] *= al1;
            o[i][3] *= al1;
        }

        // P as A fragments: score tiles 2kk and 2kk + 1 make the k-chunk kk of P V.
        uint32_t pa[kBC / 16][4];
#pragma unroll
        for (int j = 0; j < NST; ++j) {
            const float p00 = exp2f(s[j][0] - mu0), p01 = exp2f(s[j][1] - mu0);
            const float p10 = exp2f(s[j][2] - mu1), p11 = exp2f(s[j][3] - mu1);
            l0 += p00 + p01;
            l1 += p10 + p11;
            pa[j / 2][(j & 1) * 2 + 0] = pack2<T>(p00, p01);
            pa[j / 2][(j & 1) * 2 + 1] = pack2<T>(p10, p11);
        }
#pragma unroll
        for (int kk = 0; kk < kBC / 16; ++kk) {
#pragma unroll
            for (int i = 0; i < NDT; ++i) {
                const T* vrow = &Vt[(i * 8 + g) * VS + kk * 16];
                const uint32_t bf[2] = {ld32(vrow + 2 * t), ld32(vrow + 8 + 2 * t)};
                mma16816<T>(o[i], pa[kk], bf);
            }
        }
        __syncthreads();
    }

    l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
    l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
    const float inv0 = l0 > 0.f ? 1.f / l0 : 0.f;
    const float inv1 = l1 > 0.f ? 1.f / l1 : 0.f;
    const int row0 = q0 + warp * 16 + g, row1 = row0 + 8;
    OutT* ob = static_cast<OutT*>(a.out) + (long long)b * a.out_batch + (long long)h * D;
#pragma unroll
    for (int i = 0; i < NDT; ++i) {
        const int c = i * 8 + 2 * t;
        if (row0 < a.nq) {
            OutT* p = ob + (long long)row0 * a.out_row + c;
            p[0] = from_float<OutT>(o[i][0] * inv0);
            p[1] = from_float<OutT>(o[i][1] * inv0);
        }
        if (row1 < a.nq) {
            OutT* p = ob + (long long)row1 * a.out_row + c;
            p[0] = from_float<OutT>(o[i][2] * inv1);
            p[1] = from_float<OutT>(o[i][3] * inv1);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pipelined tensor-core attention (the default when every row start is 16-byte aligned). Same
// arithmetic as attention_tc_kernel, with: WARPS warps of 16 query rows per block (fewer warps
// give more blocks on short sequences); Q, K and V blocks row-major in shared memory, loaded with
// cp.async (out-of-range rows zero-filled), K / V double-buffered so the next key block loads
// while this one is computed; fragments read with ldmatrix (.trans for V).


// rows r0 .. r0 + nrows - 1 of src (row stride ld) -> dst (row stride STRIDE); rows >= n zeroed.
template <typename T, int D, int STRIDE>
__device__ __forceinline__ void cp_rows(T* dst, const T* src, long long ld, int r0, int nrows, int n) {
    constexpr int CPR = D / 8;
    for (int i = threadIdx.x; i < nrows * CPR; i += blockDim.x) {
        const int r = i / CPR, c = (i % CPR) * 8;
        const bool ok = r0 + r < n;
        cp_async16(dst + r * STRIDE + c, ok ? src + (long long)(r0 + r) * ld + c : src, ok);
    }
}

template <typename T, int D>
constexpr int tc2_smem_bytes() {
    return 2 * 2 * kBC * (D + 8) * (int)sizeof(T) + 2 * kBC * (int)sizeof(float);
}

template <typename T, typename OutT, int D, int WARPS>
__global__ void __launch_bounds__(WARPS * 32) attention_tc2_kernel(const KArgs a) {
    static_assert(D % 16 == 0 && D <= 128, "head_dim must be a multiple of 16, at most 128");
    constexpr int BR = 16 * WARPS;
    constexpr int KS = D + 8;     // row stride of Q / K / V blocks (elements; 16-byte multiple)
    constexpr int NKC = D / 16;   // k-chunks of q k^T
    constexpr int NDT = D / 8;    // n-tiles of the output (even: D is a multiple of 16)
    constexpr int NST = kBC / 8;  // n-tiles of the scores
    constexpr int TILE = kBC * KS;
    extern __shared__ __align__(16) unsigned char smem_raw[];
    T* Kbuf = reinterpret_cast<T*>(smem_raw);  // [2][kBC][KS]
    T* Vbuf = Kbuf + 2 * TILE;                 // [2][kBC][KS]
    float* kbias = reinterpret_cast<float*>(Vbuf + 2 * TILE);  // [2][kBC]

    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    const int g = lane >> 2, t = lane & 3;
    const int lr = lane & 7, li = lane >> 3;  // ldmatrix: row within a matrix, matrix index
    const int b = blockIdx.z, h = blockIdx.y, q0 = blockIdx.x * BR;
    const T* qb = static_cast<const T*>(a.q) + (long long)b * a.q_batch + (long long)h * D;
    const T* kb = static_cast<const T*>(a.k) + (long long)b * a.k_batch + (long long)h * D;
    const T* vb = static_cast<const T*>(a.v) + (long long)b * a.v_batch + (long long)h * D;
    const uint8_t* mb = a.mask ? a.mask + (long long)b * a.mask_batch : nullptr;
    const int nblocks = (a.nk + kBC - 1) / kBC;

    // Key block 0 into buffer 0 while the Q fragments of this warp's 16 rows are read straight from
    // global memory (32-bit loads: row starts are 16-byte aligned, columns even); rows past nq are 0.
    if (nblocks > 0) {
        cp_rows<T, D, KS>(Kbuf, kb, a.k_row, 0, kBC, a.nk);
        cp_rows<T, D, KS>(Vbuf, vb, a.v_row, 0, kBC, a.nk);
    }
    cp_async_commit();  // (an empty group when nk == 0)
    uint32_t qa[NKC][4];
    {
        const int rq0 = q0 + warp * 16 + g, rq1 = rq0 + 8;
        const bool ok0 = rq0 < a.nq, ok1 = rq1 < a.nq;
        const T* qr0 = ok0 ? qb + (long long)rq0 * a.q_row : qb;
        const T* qr1 = ok1 ? qb + (long long)rq1 * a.q_row : qb;
#pragma unroll
        for (int kc = 0; kc < NKC; ++kc) {
            qa[kc][0] = ok0 ? ld32(qr0 + kc * 16 + 2 * t) : 0u;
            qa[kc][1] = ok1 ? ld32(qr1 + kc * 16 + 2 * t) : 0u;
            qa[kc][2] = ok0 ? ld32(qr0 + kc * 16 + 8 + 2 * t) : 0u;
            qa[kc][3] = ok1 ? ld32(qr1 + kc * 16 + 8 + 2 * t) : 0u;
        }
    }

    float o[NDT][4];
#pragma unroll
    for (int i = 0; i < NDT; ++i) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.f;
    float m0 = -INFINITY, m1 = -INFINITY;
    float l0 = 0.f, l1 = 0.f;
    const float sl2 = a.scale * 1.4426950408889634f;

    for (int it = 0; it < nblocks; ++it) {
        const int cur = it & 1;
        const int k0 = it * kBC;
        if (it + 1 < nblocks) {  // prefetch the next key block into the other buffer
            cp_rows<T, D, KS>(Kbuf + (cur ^ 1) * TILE, kb, a.k_row, k0 + kBC, kBC, a.nk);
            cp_rows<T, D, KS>(Vbuf + (cur ^ 1) * TILE, vb, a.v_row, k0 + kBC, kBC, a.nk);
        }
        cp_async_commit();
        float* kbc = kbias + cur * kBC;
        for (int i = tid; i < kBC; i += blockDim.x) {
            const int key = k0 + i;
            const bool ok = key < a.nk && (mb == nullptr || mb[key] != 0);
            kbc[i] = ok ? 0.f : -INFINITY;
        }
        cp_async_wait<1>();  // everything but the prefetch just issued has landed
        __syncthreads();
        const T* Ks = Kbuf + cur * TILE;
        const T* Vs = Vbuf + cur * TILE;

        float s[NST][4];
#pragma unroll
        for (int j = 0; j < NST; ++j) s[j][0] = s[j][1] = s[j][2] = s[j][3] = 0.f;
#pragma unroll
        for (int j = 0; j < NST; j += 2) {
            // matrices: (tile j, dims lo), (tile j, dims hi), (tile j+1, lo), (tile j+1, hi)
            const T* base = Ks + ((j + (li >> 1)) * 8 + lr) * KS + (li & 1) * 8;
#pragma unroll
            for (int kc = 0; kc < NKC; ++kc) {
                uint32_t r[4];
                ldsm_x4(r, base + kc * 16);
                const uint32_t b0[2] = {r[0], r[1]}, b1[2] = {r[2], r[3]};
                mma16816<T>(s[j], qa[kc], b0);
                mma16816<T>(s[j + 1], qa[kc], b1);
            }
        }

        float mx0 = -INFINITY, mx1 = -INFINITY;
#pragma unroll
        for (int j = 0; j < NST; ++j) {
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                const float bias = kbc[j * 8 + 2 * t + e];
                s[j][e] = fmaf(s[j][e], sl2, bias);
                s[j][2 + e] = fmaf(s[j][2 + e], sl2, bias);
                mx0 = fmaxf(mx0, s[j][e]);
                mx1 = fmaxf(mx1, s[j][2 + e]);
            }
        }
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 1));
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 2));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 1));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 2));
        const float mn0 = fmaxf(m0, mx0), mn1 = fmaxf(m1, mx1);
        const float mu0 = mn0 == -INFINITY ? 0.f : mn0;
        const float mu1 = mn1 == -INFINITY ? 0.f : mn1;
        const float al0 = exp2f(m0 - mu0), al1 = exp2f(m1 - mu1);
        m0 = mn0;
        m1 = mn1;
        l0 *= al0;
        l1 *= al1;
#pragma unroll
        for (int i = 0; i < NDT; ++i) {
            o[i][0] *= al0;
            o[i][1] *= al0;
            o[i][2] *= al1;
            o[i][3] *= al1;
        }

        uint32_t pa[kBC / 16][4];
#pragma unroll
        for (int j = 0; j < NST; ++j) {
            const float p00 = exp2f(s[j][0] - mu0), p01 = exp2f(s[j][1] - mu0);
            const float p10 = exp2f(s[j][2] - mu1), p11 = exp2f(s[j][3] - mu1);
            l0 += p00 + p01;
            l1 += p10 + p11;
            pa[j / 2][(j & 1) * 2 + 0] = pack2<T>(p00, p01);
            pa[j / 2][(j & 1) * 2 + 1] = pack2<T>(p10, p11);
        }
#pragma unroll
        for (int kk = 0; kk < kBC / 16; ++kk) {
            // .trans matrices: (keys lo, dims tile i), (keys hi, tile i), (keys lo, tile i+1), (keys hi, tile i+1)
            const T* base = Vs + (kk * 16 + (li & 1) * 8 + lr) * KS + (li >> 1) * 8;
#pragma unroll
            for (int i = 0; i < NDT; i += 2) {
                uint32_t r[4];
                ldsm_x4_trans(r, base + i * 8);
                const uint32_t b0[2] = {r[0], r[1]}, b1[2] = {r[2], r[3]};
                mma16816<T>(o[i], pa[kk], b0);
                mma16816<T>(o[i + 1], pa[kk], b1);
            }
        }
        __syncthreads();  // this buffer is refilled by the next iteration's prefetch
    }
    cp_async_wait<0>();

    l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
    l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
    const float inv0 = l0 > 0.f ? 1.f / l0 : 0.f;
    const float inv1 = l1 > 0.f ? 1.f / l1 : 0.f;
    const int row0 = q0 + warp * 16 + g, row1 = row0 + 8;
    OutT* ob = static_cast<OutT*>(a.out) + (long long)b * a.out_batch + (long long)h * D;
#pragma unroll
    for (int i = 0; i < NDT; ++i) {
        const int c = i * 8 + 2 * t;
        if (row0 < a.nq) {
            OutT* p = ob + (long long)row0 * a.out_row + c;
            p[0] = from_float<OutT>(o[i][0] * inv0);
            p[1] = from_float<OutT>(o[i][1] * inv0);
        }
        if (row1 < a.nq) {
            OutT* p = ob + (long long)row1 * a.out_row + c;
            p[0] = from_float<OutT>(o[i][2] * inv1);
            p[1] = from_float<OutT>(o[i][3] * inv1);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// fp32 attention, plain FMA. Block: 8 warps, one query row each, of one (batch item, head).
// Keys in blocks of 32: lane j scores key j, the warp shares the probabilities by shuffles and
// lane l accumulates output dims l, l + 32, ... (DPL of them).

constexpr int kF32Rows = 8;
constexpr int kF32Keys = 32;

template <int DPL>
__global__ void __launch_bounds__(kF32Rows * 32) attention_f32_kernel(const KArgs a, int D) {
    constexpr int DM = 32 * DPL;
    __shared__ float Ks[kF32Keys][DM + 1];
    __shared__ float Vs[kF32Keys][DM];
    __shared__ float qs[kF32Rows][DM];
    __shared__ unsigned char kok[kF32Keys];

    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    const int b = blockIdx.z, h = blockIdx.y;
    const int row = blockIdx.x * kF32Rows + warp;
    const bool row_ok = row < a.nq;
    const float* qb = static_cast<const float*>(a.q) + (long long)b * a.q_batch + (long long)h * D;
    const float* kb = static_cast<const float*>(a.k) + (long long)b * a.k_batch + (long long)h * D;
    const float* vb = static_cast<const float*>(a.v) + (long long)b * a.v_batch + (long long)h * D;
    const uint8_t* mb = a.mask ? a.mask + (long long)b * a.mask_batch : nullptr;

    for (int d = lane; d < DM; d += 32) qs[warp][d] = (row_ok && d < D) ? qb[(long long)row * a.q_row + d] : 0.f;

    float o[DPL];
#pragma unroll
    for (int i = 0; i < DPL; ++i) o[i] = 0.f;
    float m = -INFINITY, l = 0.f;

    for (int k0 = 0; k0 < a.nk; k0 += kF32Keys) {
        for (int i = tid; i < kF32Keys * D; i += blockDim.x) {
            const int r = i / D, c = i % D;
            const bool in = k0 + r < a.nk;
            Ks[r][c] = in ? kb[(long long)(k0 + r) * a.k_row + c] : 0.f;
            Vs[r][c] = in ? vb[(long long)(k0 + r) * a.v_row + c] : 0.f;
        }
        if (tid < kF32Keys) {
            const int key = k0 + tid;
            kok[tid] = (key < a.nk && (mb == nullptr || mb[key] != 0)) ? 1 : 0;
        }
        __syncthreads();  // also orders the qs stores before the first use

        float s = 0.f;
        for (int d = 0; d < D; ++d) s = fmaf(qs[warp][d], Ks[lane][d], s);
        const bool ok = kok[lane] != 0;
        s = ok ? s * a.scale : -INFINITY;
        float mx = s;
#pragma unroll
        for (int off = 16; off > 0; off >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, off));
        const float mn = fmaxf(m, mx);
        const float mu = mn == -INFINITY ? 0.f : mn;
        const float al = expf(m - mu);
        const float p = ok ? expf(s - mu) : 0.f;
        float ps = p;
#pragma unroll
        for (int off = 16; off > 0; off >>= 1) ps += __shfl_xor_sync(0xffffffffu, ps, off);
        l = l * al + ps;
        m = mn;
#pragma unroll
        for (int i = 0; i < DPL; ++i) o[i] *= al;
        for (int j = 0; j < kF32Keys; ++j) {
            const float pj = __shfl_sync(0xffffffffu, p, j);
#pragma unroll
            for (int i = 0; i < DPL; ++i) {
                const int d = lane + 32 * i;
                if (d < D) o[i] = fmaf(pj, Vs[j][d], o[i]);
            }
        }
        __syncthreads();
    }

    if (!row_ok) return;
    const float inv = l > 0.f ? 1.f / l : 0.f;
    float* ob = static_cast<float*>(a.out) + (long long)b * a.out_batch + (long long)row * a.out_row + (long long)h * D;
#pragma unroll
    for (int i = 0; i < DPL; ++i) {
        const int d = lane + 32 * i;
        if (d < D) ob[d] = o[i] * inv;
    }
}

// ---------------------------------------------------------------------------------------------
// Sampler step

struct Coef {
    float a, s, cfg, cx, cd, cp;
    int last, use_prev;
};

__device__ __forceinline__ float step_one(float x, float vc, float vu, float pd, const Coef& c, float* d_out) {
    const float d = c.a * x - c.s * (vu + c.cfg * (vc - vu));
    *d_out = d;
    if (c.last) return d;
    float xn = c.cx * x + c.cd * d;
    if (c.use_prev) xn += c.cp * pd;
    return xn;
}

// x_out / d_out may alias x / prev_d (each element is read before it is written, by one thread).
__global__ void sampler_step_kernel(const float* x, const float* vc, const float* vu, const float* pd, float* xo,
                                    float* dout, long long n, int vec, Coef c) {
    const long long stride = (long long)gridDim.x * blockDim.x;
    const long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long done = 0;
    if (vec) {
        const long long n4 = n / 4;
        for (long long i = first; i < n4; i += stride) {
            const float4 x4 = reinterpret_cast<const float4*>(x)[i];
            const float4 c4 = reinterpret_cast<const float4*>(vc)[i];
            const float4 u4 = reinterpret_cast<const float4*>(vu)[i];
            float4 p4 = make_float4(0.f, 0.f, 0.f, 0.f);
            if (c.use_prev) p4 = reinterpret_cast<const float4*>(pd)[i];
            float4 r4, d4;
            r4.x = step_one(x4.x, c4.x, u4.x, p4.x, c, &d4.x);
            r4.y = step_one(x4.y, c4.y, u4.y, p4.y, c, &d4.y);
            r4.z = step_one(x4.z, c4.z, u4.z, p4.z, c, &d4.z);
            r4.w = step_one(x4.w, c4.w, u4.w, p4.w, c, &d4.w);
            reinterpret_cast<float4*>(xo)[i] = r4;
            reinterpret_cast<float4*>(dout)[i] = d4;
        }
        done = n4 * 4;
    }
    for (long long i = done + first; i < n; i += stride) {
        float d;
        const float r = step_one(x[i], vc[i], vu[i], c.use_prev ? pd[i] : 0.f, c, &d);
        xo[i] = r;
        dout[i] = d;
    }
}


template <typename T, typename OutT, int D, int WARPS>
cudaError_t launch_tc2_one(const KArgs& ka, int nq, int heads, int batch, cudaStream_t st) {
    constexpr int bytes = tc2_smem_bytes<T, D>();
    auto kern = attention_tc2_kernel<T, OutT, D, WARPS>;
    if (bytes > 48 * 1024) {
        static bool opted_in = false;  // once per instantiation (same value if two threads race)
        if (!opted_in) {
            cudaError_t e = cudaFuncSetAttribute(kern, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes);
            if (e != cudaSuccess) return e;
            opted_in = true;
        }
    }
    const dim3 grid((nq + 16 * WARPS - 1) / (16 * WARPS), heads, batch);
    kern<<<grid, WARPS * 32, bytes, st>>>(ka);
    return cudaGetLastError();
}

// 4 or 8 warps per block (1 and 2 were measured slower everywhere, so they are not built).
template <typename T, typename OutT, int D>
cudaError_t launch_tc2_d(const KArgs& ka, int warps, int nq, int heads, int batch, cudaStream_t st) {
    if (warps == 8) return launch_tc2_one<T, OutT, D, 8>(ka, nq, heads, batch, st);
    return launch_tc2_one<T, OutT, D, 4>(ka, nq, heads, batch, st);
}

template <typename T, typename OutT>
cudaError_t launch_tc2(const KArgs& ka, int head_dim, int warps, int nq, int heads, int batch, cudaStream_t st) {
    switch (head_dim) {
        case 16: return launch_tc2_d<T, OutT, 16>(ka, warps, nq, heads, batch, st);
        case 32: return launch_tc2_d<T, OutT, 32>(ka, warps, nq, heads, batch, st);
        case 48: return launch_tc2_d<T, OutT, 48>(ka, warps, nq, heads, batch, st);
        case 64: return launch_tc2_d<T, OutT, 64>(ka, warps, nq, heads, batch, st);
        case 80: return launch_tc2_d<T, OutT, 80>(ka, warps, nq, heads, batch, st);
        case 96: return launch_tc2_d<T, OutT, 96>(ka, warps, nq, heads, batch, st);
        case 128: return launch_tc2_d<T, OutT, 128>(ka, warps, nq, heads, batch, st);
        default: return cudaErrorInvalidValue;
    }
}

int sm_count_cached() {
    static int sms = 0;
    if (sms == 0) {
        int dev = 0, n = 0;
        if (cudaGetDevice(&dev) == cudaSuccess && cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, dev) == cudaSuccess)
            sms = n;
        else
            cudaGetLastError();  // clear; fall back to a guess
        if (sms <= 0) return 132;
    }
    return sms;
}

template <typename T, typename OutT>
cudaError_t launch_tc(const KArgs& ka, int head_dim, dim3 grid, cudaStream_t st) {
    switch (head_dim) {
        case 16: attention_tc_kernel<T, OutT, 16><<<grid, kTcThreads, 0, st>>>(ka); break;
        case 32: attention_tc_kernel<T, OutT, 32><<<grid, kTcThreads, 0, st>>>(ka); break;
        case 48: attention_tc_kernel<T, OutT, 48><<<grid, kTcThreads, 0, st>>>(ka); break;
        case 64: attention_tc_kernel<T, OutT, 64><<<grid, kTcThreads, 0, st>>>(ka); break;
        case 80: attention_tc_kernel<T, OutT, 80><<<grid, kTcThreads, 0, st>>>(ka); break;
        case 96: attention_tc_kernel<T, OutT, 96><<<grid, kTcThreads, 0, st>>>(ka); break;
        case 128: attention_tc_kernel<T, OutT, 128><<<grid, kTcThreads, 0, st>>>(ka); break;
        default: return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
}

// RAII device buffer.

}  // namespace

bool parse_dtype(const std::string& s, DType* out) {
    if (s == "fp32" || s == "float32" || s == "f32") *out = DType::F32;
    else if (s == "fp16" || s == "float16" || s == "half" || s == "f16") *out = DType::F16;
    else if (s == "bf16" || s == "bfloat16") *out = DType::BF16;
    else return false;
    return true;
}

const char* dtype_name(DType d) {
    switch (d) {
        case DType::F32: return "fp32";
        case DType::F16: return "fp16";
        case DType::BF16: return "bf16";
    }
    return "?";
}

bool attention_tc_supports(int head_dim) {
    return head_dim == 16 || head_dim == 32 || head_dim == 48 || head_dim == 64 || head_dim == 80 ||
           head_dim == 96 || head_dim == 128;
}

std::string attention_launch(const AttentionArgs& a, void* stream) {
    if (a.batch < 0 || a.nq < 0 || a.nk < 0 || a.heads <= 0 || a.head_dim <= 0)
        return "attention: invalid shape (batch, nq, nk >= 0; heads, head_dim > 0)";
    if (a.batch == 0 || a.nq == 0) return "";
    if (!a.q || !a.out || (a.nk > 0 && (!a.k || !a.v))) return "attention: null pointer";
    if (a.batch > 65535 || a.heads > 65535) return "attention: batch and heads must be <= 65535";
    if (a.out_dtype != DType::F32 && a.out_dtype != a.in_dtype)
        return "attention: out_dtype must be fp32 or the input dtype";
    const long long hd = (long long)a.heads * a.head_dim;
    if (a.q_row < hd || a.out_row < hd || (a.nk > 0 && (a.k_row < hd || a.v_row < hd)))
        return "attention: a row stride is smaller than heads * head_dim";
    KArgs ka;
    ka.q = a.q;
    ka.k = a.k;
    ka.v = a.v;
    ka.out = a.out;
    ka.mask = a.key_mask;
    ka.nq = a.nq;
    ka.nk = a.nk;
    ka.q_row = a.q_row;
    ka.k_row = a.k_row;
    ka.v_row = a.v_row;
    ka.out_row = a.out_row;
    ka.q_batch = a.q_batch;
    ka.k_batch = a.k_batch;
    ka.v_batch = a.v_batch;
    ka.out_batch = a.out_batch;
    ka.mask_batch = a.mask_batch;
    ka.scale = a.scale > 0.f ? a.scale : 1.f / std::sqrt((float)a.head_dim);
    if (a.kernel < 0 || a.kernel > 3) return "attention: kernel must be 0 (auto), 1, 2 or 3";
    cudaStream_t st = static_cast<cudaStream_t>(stream);
    cudaError_t err;
    if (a.in_dtype == DType::F32) {
        if (a.head_dim > 128) return "attention: fp32 head_dim must be <= 128";
        ka.vec = 0;
        const dim3 grid((a.nq + kF32Rows - 1) / kF32Rows, a.heads, a.batch);
        const int dpl = (a.head_dim + 31) / 32;
        switch (dpl) {
            case 1: attention_f32_kernel<1><<<grid, kF32Rows * 32, 0, st>>>(ka, a.head_dim); break;
            case 2: attention_f32_kernel<2><<<grid, kF32Rows * 32, 0, st>>>(ka, a.head_dim); break;
            case 3: attention_f32_kernel<3><<<grid, kF32Rows * 32, 0, st>>>(ka, a.head_dim); break;
            default: attention_f32_kernel<4><<<grid, kF32Rows * 32, 0, st>>>(ka, a.head_dim); break;
        }
        err = cudaGetLastError();
    } else {
        if (!attention_tc_supports(a.head_dim))
            return "attention: fp16/bf16 head_dim must be one of 16, 32, 48, 64, 80, 96, 128 (got " +
                   std::to_string(a.head_dim) + ")";
        // Row starts are 16-byte aligned when the bases are and every stride is a multiple of 8
        // elements (head offsets h * head_dim are, since head_dim is a multiple of 16).
        const bool vec = aligned16(a.q) && (a.nk == 0 || (aligned16(a.k) && aligned16(a.v))) && a.q_row % 8 == 0 &&
                         a.k_row % 8 == 0 && a.v_row % 8 == 0 && a.q_batch % 8 == 0 && a.k_batch % 8 == 0 &&
                         a.v_batch % 8 == 0;
        ka.vec = vec ? 1 : 0;
        const bool f32out = a.out_dtype == DType::F32;
        if (vec && a.kernel != 1) {
            // Measured on an H100 (B 2..16, H 4..8, D 48..128, 49..2048 tokens): 4 warps (64 query
            // rows) per block beat 1, 2 and 8 except when the 4-warp grid is over one wave and the
            // 8-warp grid fits in one (e.g. B 2, H 8, D 64, 1024 tokens: 30 us instead of 35).
            int warps = a.kernel == 3 ? 8 : 4;
            if (a.kernel == 0) {
                const long long per = (long long)a.heads * a.batch, sms = sm_count_cached();
                if (per * ((a.nq + 63) / 64) > sms && per * ((a.nq + 127) / 128) <= sms) warps = 8;
            }
            if (a.in_dtype == DType::F16)
                err = f32out ? launch_tc2<__half, float>(ka, a.head_dim, warps, a.nq, a.heads, a.batch, st)
                             : launch_tc2<__half, __half>(ka, a.head_dim, warps, a.nq, a.heads, a.batch, st);
            else
                err = f32out ? launch_tc2<__nv_bfloat16, float>(ka, a.head_dim, warps, a.nq, a.heads, a.batch, st)
                             : launch_tc2<__nv_bfloat16, __nv_bfloat16>(ka, a.head_dim, warps, a.nq, a.heads, a.batch,
                                                                        st);
        } else {
            const dim3 grid((a.nq + kBR - 1) / kBR, a.heads, a.batch);
            if (a.in_dtype == DType::F16)
                err = f32out ? launch_tc<__half, float>(ka, a.head_dim, grid, st)
                             : launch_tc<__half, __half>(ka, a.head_dim, grid, st);
            else
                err = f32out ? launch_tc<__nv_bfloat16, float>(ka, a.head_dim, grid, st)
                             : launch_tc<__nv_bfloat16, __nv_bfloat16>(ka, a.head_dim, grid, st);
        }
    }
    if (err != cudaSuccess) return std::string("attention kernel launch: ") + cudaGetErrorString(err);
    return "";
}

std::string sampler_step_launch(const float* x, const float* v_cond, const float* v_uncond, const float* prev_d,
                                float* x_out, float* d_out, std::size_t n, const sampling::StepCoefficients& c,
                                void* stream) {
    if (n == 0) return "";
    Coef k{c.a, c.s, c.cfg, c.cx, c.cd, c.cp, c.last ? 1 : 0, (!c.last && c.cp != 0.f) ? 1 : 0};
    if (!x || !v_cond || !v_uncond || !x_out || !d_out || (k.use_prev && !prev_d))
        return "sampler_step: null pointer";
    const bool vec = aligned16(x) && aligned16(v_cond) && aligned16(v_uncond) && aligned16(x_out) &&
                     aligned16(d_out) && (!k.use_prev || aligned16(prev_d));
    const int threads = 256;
    const int sms = sm_count_cached();  // no device queries here: this may run under graph capture
    const long long work = vec ? (long long)(n / 4) + (long long)(n % 4) : (long long)n;
    const int blocks = std::max(1, std::min(grid_for(work, threads), std::max(1, sms) * 8));
    sampler_step_kernel<<<blocks, threads, 0, static_cast<cudaStream_t>(stream)>>>(
        x, v_cond, v_uncond, prev_d, x_out, d_out, (long long)n, vec ? 1 : 0, k);
    NN_CUDA_TRY(cudaGetLastError());
    return "";
}

namespace {

std::string convert_to(const float* src_dev, void* dst, long long n, DType d) {
    if (n == 0) return "";
    const int g = grid_for(n, 256);
    if (d == DType::F16) convert_kernel<__half><<<g, 256>>>(src_dev, static_cast<__half*>(dst), n);
    else convert_kernel<__nv_bfloat16><<<g, 256>>>(src_dev, static_cast<__nv_bfloat16*>(dst), n);
    NN_CUDA_TRY(cudaGetLastError());
    return "";
}

// Uploads n floats; for fp16 / bf16 converts on the device into `typed`.
std::string upload(const float* host, long long n, DType d, DevBuf& f32, DevBuf& typed, const void** out) {
    NN_CUDA_TRY(f32.alloc(n * sizeof(float)));
    if (n) NN_CUDA_TRY(cudaMemcpy(f32.p, host, n * sizeof(float), cudaMemcpyHostToDevice));
    if (d == DType::F32) {
        *out = f32.p;
        return "";
    }
    NN_CUDA_TRY(typed.alloc(n * dtype_size(d)));
    std::string e = convert_to(f32.as<float>(), typed.p, n, d);
    *out = typed.p;
    return e;
}

std::string try_catch_wrap(const std::string& what, const std::exception& e) { return what + ": " + e.what(); }

}  // namespace

std::string attention_host(const float* q, const float* k, const float* v, float* out, int batch, int nq, int nk,
                           int heads, int head_dim, const std::uint8_t* key_mask, float scale, DType dtype,
                           bool kv_packed, int kernel) {
    try {
        if (batch < 0 || nq < 0 || nk < 0 || heads <= 0 || head_dim <= 0) return "attention: invalid shape";
        if (batch == 0 || nq == 0) return "";
        const long long hd = (long long)heads * head_dim;
        const long long nqe = (long long)batch * nq * hd;
        const long long nke = (long long)batch * nk * hd * (kv_packed ? 2 : 1);
        DevBuf qf, qt, kf, kt, vf, vt, ob, mb;
        const void *dq = nullptr, *dk = nullptr, *dv = nullptr;
        std::string e = upload(q, nqe, dtype, qf, qt, &dq);
        if (!e.empty()) return e;
        e = upload(k, nke, dtype, kf, kt, &dk);
        if (!e.empty()) return e;
        if (kv_packed) {
            dv = static_cast<const char*>(dk) + hd * dtype_size(dtype);
        } else {
            e = upload(v, nke, dtype, vf, vt, &dv);
            if (!e.empty()) return e;
        }
        const std::uint8_t* dm = nullptr;
        if (key_mask && nk > 0) {
            NN_CUDA_TRY(mb.alloc((std::size_t)batch * nk));
            NN_CUDA_TRY(cudaMemcpy(mb.p, key_mask, (std::size_t)batch * nk, cudaMemcpyHostToDevice));
            dm = mb.as<std::uint8_t>();
        }
        NN_CUDA_TRY(ob.alloc(nqe * sizeof(float)));
        NN_CUDA_TRY(cudaMemset(ob.p, 0xFF, nqe * sizeof(float)));  // poison: NaN wherever not written
        AttentionArgs a;
        a.q = dq;
        a.k = dk;
        a.v = dv;
        a.out = ob.p;
        a.key_mask = dm;
        a.batch = batch;
        a.nq = nq;
        a.nk = nk;
        a.heads = heads;
        a.head_dim = head_dim;
        a.q_row = a.out_row = hd;
        a.k_row = a.v_row = kv_packed ? 2 * hd : hd;
        a.q_batch = a.out_batch = (long long)nq * hd;
        a.k_batch = a.v_batch = (long long)nk * a.k_row;
        a.mask_batch = nk;
        a.scale = scale;
        a.in_dtype = dtype;
        a.out_dtype = DType::F32;
        a.kernel = kernel;
        e = attention_launch(a, nullptr);
        if (!e.empty()) return e;
        NN_CUDA_TRY(cudaDeviceSynchronize());
        NN_CUDA_TRY(cudaMemcpy(out, ob.p, nqe * sizeof(float), cudaMemcpyDeviceToHost));
        return "";
    } catch (const std::exception& ex) {
        return try_catch_wrap("attention", ex);
    }
}

std::string sampler_step_host(const float* x, const float* v_cond, const float* v_uncond, const float* prev_d,
                              float* x_out, float* d_out, std::size_t n, const sampling::StepCoefficients& c) {
    if (n == 0) return "";
    const std::size_t bytes = n * sizeof(float);
    const bool use_prev = !c.last && c.cp != 0.f;
    if (use_prev && !prev_d) return "sampler_step: prev_d is needed (cp != 0)";
    DevBuf dx, dc, du, dp, dxo, ddo;
    NN_CUDA_TRY(dx.alloc(bytes));
    NN_CUDA_TRY(dc.alloc(bytes));
    NN_CUDA_TRY(du.alloc(bytes));
    NN_CUDA_TRY(dp.alloc(bytes));
    NN_CUDA_TRY(dxo.alloc(bytes));
    NN_CUDA_TRY(ddo.alloc(bytes));
    NN_CUDA_TRY(cudaMemcpy(dx.p, x, bytes, cudaMemcpyHostToDevice));
    NN_CUDA_TRY(cudaMemcpy(dc.p, v_cond, bytes, cudaMemcpyHostToDevice));
    NN_CUDA_TRY(cudaMemcpy(du.p, v_uncond, bytes, cudaMemcpyHostToDevice));
    if (prev_d) NN_CUDA_TRY(cudaMemcpy(dp.p, prev_d, bytes, cudaMemcpyHostToDevice));
    else NN_CUDA_TRY(cudaMemset(dp.p, 0xFF, bytes));  // must not be read
    NN_CUDA_TRY(cudaMemset(dxo.p, 0xFF, bytes));
    NN_CUDA_TRY(cudaMemset(ddo.p, 0xFF, bytes));
    std::string e = sampler_step_launch(dx.as<float>(), dc.as<float>(), du.as<float>(), dp.as<float>(),
                                        dxo.as<float>(), ddo.as<float>(), n, c, nullptr);
    if (!e.empty()) return e;
    NN_CUDA_TRY(cudaDeviceSynchronize());
    NN_CUDA_TRY(cudaMemcpy(x_out, dxo.p, bytes, cudaMemcpyDeviceToHost));
    NN_CUDA_TRY(cudaMemcpy(d_out, ddo.p, bytes, cudaMemcpyDeviceToHost));
    return "";
}

namespace {

// Times `body` (which enqueues `inner` launches on the default stream) reps times.
template <typename F>
std::string time_loop(int reps, int inner, F&& body, std::vector<double>* ms) {
    if (reps <= 0 || inner <= 0) return "reps and inner must be positive";
    Events ev;
    NN_CUDA_TRY(cudaEventCreate(&ev.a));
    NN_CUDA_TRY(cudaEventCreate(&ev.b));
    for (int w = 0; w < 3; ++w) {  // warm-up
        std::string e = body();
        if (!e.empty()) return e;
    }
    NN_CUDA_TRY(cudaDeviceSynchronize());
    ms->clear();
    for (int r = 0; r < reps; ++r) {
        NN_CUDA_TRY(cudaEventRecord(ev.a));
        for (int i = 0; i < inner; ++i) {
            std::string e = body();
            if (!e.empty()) return e;
        }
        NN_CUDA_TRY(cudaEventRecord(ev.b));
        NN_CUDA_TRY(cudaEventSynchronize(ev.b));
        float t = 0.f;
        NN_CUDA_TRY(cudaEventElapsedTime(&t, ev.a, ev.b));
        ms->push_back((double)t / inner);
    }
    return "";
}

std::string fill(void* p, long long n, DType d, uint32_t seed) {
    if (n == 0) return "";
    const int g = grid_for(n, 256);
    if (d == DType::F32) fill_kernel<float><<<g, 256>>>(static_cast<float*>(p), n, seed);
    else if (d == DType::F16) fill_kernel<__half><<<g, 256>>>(static_cast<__half*>(p), n, seed);
    else fill_kernel<__nv_bfloat16><<<g, 256>>>(static_cast<__nv_bfloat16*>(p), n, seed);
    NN_CUDA_TRY(cudaGetLastError());
    return "";
}

}  // namespace

std::string time_attention(int batch, int nq, int nk, int heads, int head_dim, DType dtype, int reps, int inner,
                           bool with_mask, std::vector<double>* ms, int kernel) {
    try {
        if (batch <= 0 || nq <= 0 || nk <= 0 || heads <= 0 || head_dim <= 0) return "time_attention: invalid shape";
        const long long hd = (long long)heads * head_dim;
        const std::size_t es = dtype_size(dtype);
        DevBuf q, kv, o, m;
        NN_CUDA_TRY(q.alloc(batch * nq * hd * es));
        NN_CUDA_TRY(kv.alloc(batch * nk * 2 * hd * es));
        NN_CUDA_TRY(o.alloc(batch * nq * hd * es));
        std::string e = fill(q.p, batch * nq * hd, dtype, 1u);
        if (e.empty()) e = fill(kv.p, batch * nk * 2 * hd, dtype, 2u);
        if (!e.empty()) return e;
        if (with_mask) {
            std::vector<std::uint8_t> hm((std::size_t)batch * nk, 1);
            for (int b = 0; b < batch; ++b)
                for (int j = nk - nk / 4; j < nk; ++j) hm[(std::size_t)b * nk + j] = 0;  // last quarter padded
            NN_CUDA_TRY(m.alloc(hm.size()));
            NN_CUDA_TRY(cudaMemcpy(m.p, hm.data(), hm.size(), cudaMemcpyHostToDevice));
        }
        AttentionArgs a;
        a.q = q.p;
        a.k = kv.p;
        a.v = static_cast<const char*>(kv.p) + hd * es;
        a.out = o.p;
        a.key_mask = with_mask ? m.as<std::uint8_t>() : nullptr;
        a.batch = batch;
        a.nq = nq;
        a.nk = nk;
        a.heads = heads;
        a.head_dim = head_dim;
        a.q_row = a.out_row = hd;
        a.k_row = a.v_row = 2 * hd;
        a.q_batch = a.out_batch = (long long)nq * hd;
        a.k_batch = a.v_batch = (long long)nk * 2 * hd;
        a.mask_batch = nk;
        a.in_dtype = a.out_dtype = dtype;
        a.kernel = kernel;
        return time_loop(reps, inner, [&]() { return attention_launch(a, nullptr); }, ms);
    } catch (const std::exception& ex) {
        return try_catch_wrap("time_attention", ex);
    }
}

std::string time_sampler(std::size_t n, int reps, int inner, std::vector<double>* ms) {
    if (n == 0) return "time_sampler: n must be positive";
    const std::size_t bytes = n * sizeof(float);
    DevBuf x, c, u, p;
    NN_CUDA_TRY(x.alloc(bytes));
    NN_CUDA_TRY(c.alloc(bytes));
    NN_CUDA_TRY(u.alloc(bytes));
    NN_CUDA_TRY(p.alloc(bytes));
    std::string e = fill(x.p, (long long)n, DType::F32, 3u);
    if (e.empty()) e = fill(c.p, (long long)n, DType::F32, 4u);
    if (e.empty()) e = fill(u.p, (long long)n, DType::F32, 5u);
    if (e.empty()) e = fill(p.p, (long long)n, DType::F32, 6u);
    if (!e.empty()) return e;
    // A contracting update (|x| stays bounded over many in-place repetitions).
    sampling::StepCoefficients k{0.9f, 0.3f, 3.0f, 0.5f, 0.3f, 0.1f, false};
    return time_loop(reps, inner,
                     [&]() {
                         return sampler_step_launch(x.as<float>(), c.as<float>(), u.as<float>(), p.as<float>(),
                                                    x.as<float>(), p.as<float>(), n, k, nullptr);
                     },
                     ms);
}

std::string time_copy(std::size_t bytes, int reps, std::vector<double>* ms) {
    if (bytes == 0) return "time_copy: bytes must be positive";
    DevBuf a, b;
    NN_CUDA_TRY(a.alloc(bytes));
    NN_CUDA_TRY(b.alloc(bytes));
    NN_CUDA_TRY(cudaMemset(a.p, 0, bytes));
    return time_loop(reps, 1,
                     [&]() -> std::string {
                         NN_CUDA_TRY(cudaMemcpyAsync(b.p, a.p, bytes, cudaMemcpyDeviceToDevice, nullptr));
                         return "";
                     },
                     ms);
}

std::string device_info(DeviceInfo* info) {
    int dev = 0;
    NN_CUDA_TRY(cudaGetDevice(&dev));
    cudaDeviceProp prop;
    NN_CUDA_TRY(cudaGetDeviceProperties(&prop, dev));
    info->name = prop.name;
    info->sm_count = prop.multiProcessorCount;
    info->cc_major = prop.major;
    info->cc_minor = prop.minor;
    int clock_khz = 0, bus_bits = 0;
    NN_CUDA_TRY(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, dev));
    NN_CUDA_TRY(cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, dev));
    info->peak_bandwidth_gbs = 2.0 * clock_khz * 1e3 * (bus_bits / 8.0) / 1e9;
    return "";
}


// =============================================================================================
// DiT on the GPU

namespace {


// dst (rows, cols, row stride dst_ld) in T = src (rows, cols, src_ld), with RoPE on the first
// rope_cols columns (heads of head_dim; pairs (2i, 2i+1) rotated by position * 10000^(-2i/hd),
// position = row % n) when rope_cols > 0.
template <typename T>
__global__ void rope_convert_kernel(const float* __restrict__ src, int src_ld, T* __restrict__ dst, int dst_ld,
                                    int rows, int cols, int n, int rope_cols, int head_dim) {
    const long long pairs = (long long)rows * (cols / 2);
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < pairs;
         i += (long long)gridDim.x * blockDim.x) {
        const int r = (int)(i / (cols / 2));
        const int c = (int)(i % (cols / 2)) * 2;
        float a = src[(long long)r * src_ld + c], b = src[(long long)r * src_ld + c + 1];
        if (c < rope_cols) {
            const int j = (c % head_dim) / 2;
            const float inv = (float)(1.0 / pow(10000.0, (2.0 * j) / head_dim));
            const float ang = (float)(r % n) * inv;
            const float cs = cosf(ang), sn = sinf(ang);
            const float a2 = a * cs - b * sn, b2 = a * sn + b * cs;
            a = a2;
            b = b2;
        }
        dst[(long long)r * dst_ld + c] = from_float<T>(a);
        dst[(long long)r * dst_ld + c + 1] = from_float<T>(b);
    }
}

// h[b * n] = tok (d floats) for every item b.
__global__ void set_token_rows_kernel(float* __restrict__ h, const float* __restrict__ tok, int items, int n, int d) {
    const long long total = (long long)items * d;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        const int b = (int)(i / d), c = (int)(i % d);
        h[(long long)b * n * d + c] = tok[c];
    }
}

struct DevLinear {
    void* w = nullptr;
    float* b = nullptr;
    int in = 0, out = 0;
};
struct DevNorm {
    float* g = nullptr;
    float* b = nullptr;
};
struct DevBlock {
    DevNorm n1, n2, n3;
    DevLinear sq, skv, so, cq, ckv, co, m0, m2;
};

int blocks_for(long long n) { return grid_for(n, 256); }

}  // namespace

struct DitCuda::Impl {
    nn::DitConfig cfg;
    DType dt = DType::F16;
    bool ok = false;
    std::vector<void*> allocs;  // weights
    DevLinear x_in, t0, t2, fus, x_out;
    DevNorm norm_out;
    std::vector<DevBlock> blocks;
    double last_ms = 0.0;

    ~Impl() { release(); }
    void release() {
        for (void* p : allocs) cudaFree(p);
        allocs.clear();
        ok = false;
    }
    std::size_t es() const { return dtype_size(dt); }

    std::string up_floats(const std::vector<float>& v, float** out) {
        void* p = nullptr;
        NN_CUDA_TRY(cudaMalloc(&p, std::max<std::size_t>(1, v.size()) * sizeof(float)));
        allocs.push_back(p);
        if (!v.empty()) NN_CUDA_TRY(cudaMemcpy(p, v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice));
        *out = static_cast<float*>(p);
        return "";
    }
    std::string up_typed(const std::vector<float>& v, void** out) {
        DevBuf tmp;
        NN_CUDA_TRY(tmp.alloc(std::max<std::size_t>(1, v.size()) * sizeof(float)));
        if (!v.empty()) NN_CUDA_TRY(cudaMemcpy(tmp.p, v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice));
        void* p = nullptr;
        NN_CUDA_TRY(cudaMalloc(&p, std::max<std::size_t>(1, v.size()) * es()));
        allocs.push_back(p);
        std::string e = convert_to(tmp.as<float>(), p, (long long)v.size(), dt);
        if (!e.empty()) return e;
        NN_CUDA_TRY(cudaDeviceSynchronize());
        *out = p;
        return "";
    }
    std::string up_linear(const nn::LinearW& l, DevLinear* d) {
        if ((std::size_t)l.in * l.out != l.w.size() || (std::size_t)l.out != l.b.size())
            return "DitCuda: a linear layer's weight or bias has the wrong size";
        d->in = l.in;
        d->out = l.out;
        std::string e = up_typed(l.w, &d->w);
        if (e.empty()) e = up_floats(l.b, &d->b);
        return e;
    }
    std::string up_norm(const nn::NormW& n, int dim, DevNorm* d) {
        if (n.g.size() != (std::size_t)dim || n.b.size() != (std::size_t)dim)
            return "DitCuda: a LayerNorm has the wrong size";
        std::string e = up_floats(n.g, &d->g);
        if (e.empty()) e = up_floats(n.b, &d->b);
        return e;
    }

    std::string gemm(const float* x, int ldx, RowMap in_map, const DevLinear& l, float* y, int ldy, RowMap out_map,
                     int M, int mode, cudaStream_t st, const uint8_t* gate = nullptr, int gate_group = 1) {
        if (M <= 0) return "";
        GemmArgs g{x, l.w, l.b, y, M, l.out, l.in, ldx, ldy, in_map, out_map, mode, gate, gate_group};
        const dim3 grid((l.out + kGemmBN - 1) / kGemmBN, (M + kGemmBM - 1) / kGemmBM);
        if (grid.y > 65535) return "DitCuda: too many rows for one GEMM";
        if (dt == DType::F16) gemm_kernel<__half><<<grid, kGemmThreads, 0, st>>>(g);
        else gemm_kernel<__nv_bfloat16><<<grid, kGemmThreads, 0, st>>>(g);
        NN_CUDA_TRY(cudaGetLastError());
        return "";
    }
    std::string norm(const DevNorm& n, const float* x, float* y, int rows, cudaStream_t st) {
        if (rows <= 0) return "";
        layer_norm_kernel<<<(rows + 3) / 4, 128, 0, st>>>(x, n.g, n.b, y, rows, cfg.width, 1e-5f);
        NN_CUDA_TRY(cudaGetLastError());
        return "";
    }
    std::string rope_convert(const float* src, int src_ld, void* dst, int dst_ld, int rows, int cols, int n,
                             int rope_cols, cudaStream_t st) {
        const long long pairs = (long long)rows * (cols / 2);
        if (pairs <= 0) return "";
        const int hd = cfg.width / cfg.heads;
        if (dt == DType::F16)
            rope_convert_kernel<__half><<<blocks_for(pairs), 256, 0, st>>>(src, src_ld, static_cast<__half*>(dst), dst_ld,
                                                                            rows, cols, n, rope_cols, hd);
        else
            rope_convert_kernel<__nv_bfloat16><<<blocks_for(pairs), 256, 0, st>>>(
                src, src_ld, static_cast<__nv_bfloat16*>(dst), dst_ld, rows, cols, n, rope_cols, hd);
        NN_CUDA_TRY(cudaGetLastError());
        return "";
    }
    std::string attend(const void* q, const void* k, const void* v, float* out, int items, int nq, int nk,
                       long long k_batch, const uint8_t* mask, cudaStream_t st) {
        const int d = cfg.width;
        AttentionArgs a;
        a.q = q;
        a.k = k;
        a.v = v;
        a.out = out;
        a.key_mask = mask;
        a.batch = items;
        a.nq = nq;
        a.nk = nk;
        a.heads = cfg.heads;
        a.head_dim = d / cfg.heads;
        a.q_row = d;
        a.k_row = a.v_row = 2 * d;
        a.out_row = d;
        a.q_batch = (long long)nq * d;
        a.k_batch = a.v_batch = k_batch;
        a.out_batch = (long long)nq * d;
        a.mask_batch = nk;
        a.in_dtype = dt;
        a.out_dtype = DType::F32;
        return attention_launch(a, st);
    }
};

namespace {

// Activations of one forward of `items` items; all device memory, freed with the struct.
struct DitWork {
    int items = 0, frames = 0, n = 0, n_ctx = 0, rows_f = 0;
    DevBuf xt, vt, h, hn, q, kv, att, mlp, qT, kvT, ckv, ckvT, mask, cond, state, tt;
    std::string alloc(const nn::DitConfig& cfg, std::size_t es, int items_, int frames_, int n_ctx_, int n_tokens_t) {
        items = items_;
        frames = frames_;
        n = frames + 1;
        n_ctx = n_ctx_;
        rows_f = cfg.rows;
        const std::size_t d = cfg.width, M = (std::size_t)items * n, C = cfg.latent_channels;
        const std::size_t xw = std::max<std::size_t>(C, (std::size_t)rows_f);
        NN_CUDA_TRY(xt.alloc((std::size_t)items * frames * xw * sizeof(float)));
        NN_CUDA_TRY(vt.alloc((std::size_t)items * frames * C * sizeof(float)));
        NN_CUDA_TRY(h.alloc(M * d * sizeof(float)));
        NN_CUDA_TRY(hn.alloc(M * d * sizeof(float)));
        NN_CUDA_TRY(q.alloc(M * d * sizeof(float)));
        NN_CUDA_TRY(kv.alloc(M * 2 * d * sizeof(float)));
        NN_CUDA_TRY(att.alloc(M * d * sizeof(float)));
        NN_CUDA_TRY(mlp.alloc(M * 4 * d * sizeof(float)));
        NN_CUDA_TRY(qT.alloc(M * d * es));
        NN_CUDA_TRY(kvT.alloc(M * 2 * d * es));
        NN_CUDA_TRY(ckv.alloc((std::size_t)items * n_ctx * 2 * d * sizeof(float)));
        NN_CUDA_TRY(ckvT.alloc((std::size_t)cfg.depth * items * n_ctx * 2 * d * es));
        NN_CUDA_TRY(mask.alloc((std::size_t)items * n_ctx));
        NN_CUDA_TRY(cond.alloc((std::size_t)items));
        NN_CUDA_TRY(state.alloc((std::size_t)items * rows_f * frames * sizeof(float)));
        NN_CUDA_TRY(tt.alloc((std::size_t)std::max(1, n_tokens_t) * d * sizeof(float)));
        return "";
    }
};

}  // namespace

DitCuda::DitCuda() : impl_(new Impl) {}
DitCuda::~DitCuda() { delete impl_; }
bool DitCuda::ready() const { return impl_->ok; }
double DitCuda::last_sample_ms() const { return impl_->last_ms; }

bool DitCuda::upload(const nn::DitWeights& w, DType dtype, std::string& err) {
    Impl& m = *impl_;
    m.release();
    if (dtype != DType::F16 && dtype != DType::BF16) {
        err = "DitCuda: dtype must be fp16 or bf16";
        return false;
    }
    const nn::DitConfig& c = w.cfg;
    if (c.width <= 0 || c.heads <= 0 || c.width % c.heads || !attention_tc_supports(c.width / c.heads)) {
        err = "DitCuda: width / heads must be a head_dim the tensor-core attention supports (16, 32, 48, 64, 80, 96, "
              "128)";
        return false;
    }
    if ((int)w.blocks.size() != c.depth) {
        err = "DitCuda: the weights have " + std::to_string(w.blocks.size()) + " blocks, the config " +
              std::to_string(c.depth);
        return false;
    }
    m.cfg = c;
    m.dt = dtype;
    std::string e = m.up_linear(w.x_in, &m.x_in);
    if (e.empty()) e = m.up_linear(w.t_mlp0, &m.t0);
    if (e.empty()) e = m.up_linear(w.t_mlp2, &m.t2);
    if (e.empty() && !c.fusion_bewo) e = m.up_linear(w.fusion_aligned, &m.fus);
    if (e.empty()) e = m.up_norm(w.norm_out, c.width, &m.norm_out);
    if (e.empty()) e = m.up_linear(w.x_out, &m.x_out);
    m.blocks.assign(c.depth, DevBlock());
    for (int l = 0; l < c.depth && e.empty(); ++l) {
        const nn::BlockW& b = w.blocks[l];
        DevBlock& d = m.blocks[l];
        e = m.up_norm(b.n1, c.width, &d.n1);
        if (e.empty()) e = m.up_norm(b.n2, c.width, &d.n2);
        if (e.empty()) e = m.up_norm(b.n3, c.width, &d.n3);
        if (e.empty()) e = m.up_linear(b.self_attn.q, &d.sq);
        if (e.empty()) e = m.up_linear(b.self_attn.kv, &d.skv);
        if (e.empty()) e = m.up_linear(b.self_attn.out, &d.so);
        if (e.empty()) e = m.up_linear(b.cross_attn.q, &d.cq);
        if (e.empty()) e = m.up_linear(b.cross_attn.kv, &d.ckv);
        if (e.empty()) e = m.up_linear(b.cross_attn.out, &d.co);
        if (e.empty()) e = m.up_linear(b.mlp0, &d.m0);
        if (e.empty()) e = m.up_linear(b.mlp2, &d.m2);
    }
    if (e.empty()) {
        // Shapes the forward relies on.
        const int d = c.width, C = c.latent_channels;
        bool shapes = m.x_in.in == C && m.x_in.out == d && m.t0.in == d && m.t0.out == d && m.t2.in == d &&
                      m.t2.out == d && m.x_out.in == d && m.x_out.out == C;
        if (!c.fusion_bewo) shapes = shapes && m.fus.in == c.rows && m.fus.out == d;
        for (const DevBlock& b : m.blocks)
            shapes = shapes && b.sq.in == d && b.sq.out == d && b.skv.in == d && b.skv.out == 2 * d && b.so.in == d &&
                     b.so.out == d && b.cq.in == d && b.cq.out == d && b.ckv.in == d && b.ckv.out == 2 * d &&
                     b.co.in == d && b.co.out == d && b.m0.in == d && b.m0.out == 4 * d && b.m2.in == 4 * d &&
                     b.m2.out == d;
        if (!shapes) e = "DitCuda: a layer's shape does not match the config";
    }
    if (!e.empty()) {
        m.release();
        err = e;
        return false;
    }
    m.ok = true;
    return true;
}

namespace {

// Host: timestep_embedding rows for times t (float32, as dit_forward computes them).
std::vector<float> timestep_rows(const std::vector<float>& ts, int d) {
    std::vector<float> out((std::size_t)ts.size() * d);
    const int half = d / 2;
    for (std::size_t s = 0; s < ts.size(); ++s)
        for (int i = 0; i < half; ++i) {
            const float freq = std::exp(static_cast<float>(-std::log(10000.0)) * static_cast<float>(i) / static_cast<float>(half));
            const float a = (1000.0f * ts[s]) * freq;
            out[s * d + i] = std::cos(a);
            out[s * d + half + i] = std::sin(a);
        }
    return out;
}

}  // namespace

// The forward, enqueued on st: x_dev (items, C, frames) -> v_dev (items, C, frames), with the
// timestep token tok (d floats on the device) and the work's context keys/values, mask, cond
// and state already in place.
static std::string dit_enqueue_forward(DitCuda::Impl& m, DitWork& w, const float* x_dev, const float* tok, float* v_dev,
                                       cudaStream_t st) {
    const nn::DitConfig& c = m.cfg;
    const int d = c.width, C = c.latent_channels, items = w.items, T = w.frames, n = w.n;
    const int M = items * n;
    const RowMap ident;
    RowMap frames_to_tokens;  // row (b, f) -> b * n + 1 + f
    frames_to_tokens.group = T;
    frames_to_tokens.stride = n;
    frames_to_tokens.offset = 1;
    std::string e;
#define DIT_TRY(expr)       \
    do {                    \
        e = (expr);         \
        if (!e.empty()) return e; \
    } while (0)
    float* xt = w.xt.as<float>();
    float* h = w.h.as<float>();
    float* hn = w.hn.as<float>();
    const long long xe = (long long)items * C * T;
    ct_to_tc_kernel<<<blocks_for(xe), 256, 0, st>>>(x_dev, xt, items, C, T);
    NN_CUDA_TRY(cudaGetLastError());
    DIT_TRY(m.gemm(xt, C, ident, m.x_in, h, d, frames_to_tokens, items * T, kStore, st));
    if (!c.fusion_bewo) {
        const long long se = (long long)items * c.rows * T;
        ct_to_tc_kernel<<<blocks_for(se), 256, 0, st>>>(w.state.as<float>(), xt, items, c.rows, T);
        NN_CUDA_TRY(cudaGetLastError());
        DIT_TRY(m.gemm(xt, c.rows, ident, m.fus, h, d, frames_to_tokens, items * T, kAdd, st, w.cond.as<uint8_t>(), T));
    }
    set_token_rows_kernel<<<blocks_for((long long)items * d), 256, 0, st>>>(h, tok, items, n, d);
    NN_CUDA_TRY(cudaGetLastError());

    float* q = w.q.as<float>();
    float* kv = w.kv.as<float>();
    float* att = w.att.as<float>();
    const long long ckv_layer = (long long)items * w.n_ctx * 2 * d;
    for (int l = 0; l < c.depth; ++l) {
        const DevBlock& b = m.blocks[l];
        DIT_TRY(m.norm(b.n1, h, hn, M, st));
        DIT_TRY(m.gemm(hn, d, ident, b.sq, q, d, ident, M, kStore, st));
        DIT_TRY(m.gemm(hn, d, ident, b.skv, kv, 2 * d, ident, M, kStore, st));
        DIT_TRY(m.rope_convert(q, d, w.qT.p, d, M, d, n, d, st));
        DIT_TRY(m.rope_convert(kv, 2 * d, w.kvT.p, 2 * d, M, 2 * d, n, d, st));
        const char* kvT = static_cast<const char*>(w.kvT.p);
        DIT_TRY(m.attend(w.qT.p, kvT, kvT + (std::size_t)d * m.es(), att, items, n, n, (long long)n * 2 * d, nullptr, st));
        DIT_TRY(m.gemm(att, d, ident, b.so, h, d, ident, M, kAdd, st));

        DIT_TRY(m.norm(b.n2, h, hn, M, st));
        DIT_TRY(m.gemm(hn, d, ident, b.cq, q, d, ident, M, kStore, st));
        DIT_TRY(m.rope_convert(q, d, w.qT.p, d, M, d, n, 0, st));
        const char* ck = static_cast<const char*>(w.ckvT.p) + (std::size_t)l * ckv_layer * m.es();
        DIT_TRY(m.attend(w.qT.p, ck, ck + (std::size_t)d * m.es(), att, items, n, w.n_ctx, (long long)w.n_ctx * 2 * d,
                         w.mask.as<uint8_t>(), st));
        DIT_TRY(m.gemm(att, d, ident, b.co, h, d, ident, M, kAdd, st));

        DIT_TRY(m.norm(b.n3, h, hn, M, st));
        DIT_TRY(m.gemm(hn, d, ident, b.m0, w.mlp.as<float>(), 4 * d, ident, M, kGelu, st));
        DIT_TRY(m.gemm(w.mlp.as<float>(), 4 * d, ident, b.m2, h, d, ident, M, kAdd, st));
    }
    DIT_TRY(m.norm(m.norm_out, h, hn, M, st));
    DIT_TRY(m.gemm(hn, d, frames_to_tokens, m.x_out, w.vt.as<float>(), C, ident, items * T, kStore, st));
    tc_to_ct_kernel<<<blocks_for(xe), 256, 0, st>>>(w.vt.as<float>(), v_dev, items, C, T);
    NN_CUDA_TRY(cudaGetLastError());
#undef DIT_TRY
    return "";
}

// Context keys/values of every block for the work's items (ctx_dev (items, n_ctx, d) fp32).
static std::string dit_enqueue_cross_kv(DitCuda::Impl& m, DitWork& w, const float* ctx_dev, cudaStream_t st) {
    const int d = m.cfg.width;
    const int rows = w.items * w.n_ctx;
    const RowMap ident;
    for (int l = 0; l < m.cfg.depth; ++l) {
        std::string e = m.gemm(ctx_dev, d, ident, m.blocks[l].ckv, w.ckv.as<float>(), 2 * d, ident, rows, kStore, st);
        if (!e.empty()) return e;
        char* dst = static_cast<char*>(w.ckvT.p) + (std::size_t)l * rows * 2 * d * m.es();
        e = m.rope_convert(w.ckv.as<float>(), 2 * d, dst, 2 * d, rows, 2 * d, 1, 0, st);
        if (!e.empty()) return e;
    }
    return "";
}

// Timestep tokens for times ts into w.tt (rows of d).
static std::string dit_enqueue_time_tokens(DitCuda::Impl& m, DitWork& w, const std::vector<float>& ts, DevBuf& tmp,
                                           cudaStream_t st) {
    const int d = m.cfg.width, ns = (int)ts.size();
    std::vector<float> emb = timestep_rows(ts, d);
    NN_CUDA_TRY(tmp.alloc((std::size_t)2 * ns * d * sizeof(float)));
    NN_CUDA_TRY(cudaMemcpyAsync(tmp.p, emb.data(), emb.size() * sizeof(float), cudaMemcpyHostToDevice, st));
    NN_CUDA_TRY(cudaStreamSynchronize(st));  // emb is a local vector
    float* e0 = tmp.as<float>();
    float* e1 = e0 + (std::size_t)ns * d;
    const RowMap ident;
    std::string e = m.gemm(e0, d, ident, m.t0, e1, d, ident, ns, kSilu, st);
    if (e.empty()) e = m.gemm(e1, d, ident, m.t2, w.tt.as<float>(), d, ident, ns, kStore, st);
    return e;
}

bool DitCuda::forward(const float* x, int batch, int frames, float t, const float* ctx, int n_ctx,
                      const std::uint8_t* ctx_mask, const float* state, const std::uint8_t* cond, float* v,
                      std::string& err) {
    Impl& m = *impl_;
    auto fail = [&](const std::string& e) {
        err = e;
        return false;
    };
    if (!m.ok) return fail("DitCuda: no weights uploaded");
    if (batch <= 0 || frames <= 0 || n_ctx <= 0) return fail("DitCuda: batch, frames and n_ctx must be positive");
    if (!x || !ctx || !v || (!m.cfg.fusion_bewo && !state)) return fail("DitCuda: null input");
    try {
        const nn::DitConfig& c = m.cfg;
        const int d = c.width, C = c.latent_channels;
        DitWork w;
        std::string e = w.alloc(c, m.es(), batch, frames, n_ctx, 1);
        if (!e.empty()) return fail(e);
        DevBuf dx, dv, dctx, tmp;
        const std::size_t xn = (std::size_t)batch * C * frames;
        if ((e = [&]() -> std::string {
                 NN_CUDA_TRY(dx.alloc(xn * sizeof(float)));
                 NN_CUDA_TRY(dv.alloc(xn * sizeof(float)));
                 NN_CUDA_TRY(dctx.alloc((std::size_t)batch * n_ctx * d * sizeof(float)));
                 NN_CUDA_TRY(cudaMemcpy(dx.p, x, xn * sizeof(float), cudaMemcpyHostToDevice));
                 NN_CUDA_TRY(cudaMemcpy(dctx.p, ctx, (std::size_t)batch * n_ctx * d * sizeof(float), cudaMemcpyHostToDevice));
                 std::vector<std::uint8_t> mk((std::size_t)batch * n_ctx, 1), cd((std::size_t)batch, 1);
                 if (ctx_mask) std::copy(ctx_mask, ctx_mask + mk.size(), mk.begin());
                 if (cond) std::copy(cond, cond + batch, cd.begin());
                 NN_CUDA_TRY(cudaMemcpy(w.mask.p, mk.data(), mk.size(), cudaMemcpyHostToDevice));
                 NN_CUDA_TRY(cudaMemcpy(w.cond.p, cd.data(), cd.size(), cudaMemcpyHostToDevice));
                 if (!c.fusion_bewo)
                     NN_CUDA_TRY(cudaMemcpy(w.state.p, state, (std::size_t)batch * c.rows * frames * sizeof(float),
                                            cudaMemcpyHostToDevice));
                 NN_CUDA_TRY(cudaMemset(dv.p, 0xFF, xn * sizeof(float)));  // poison
                 return "";
             }())
                .size())
            return fail(e);
        cudaStream_t st = nullptr;
        e = dit_enqueue_time_tokens(m, w, std::vector<float>{t}, tmp, st);
        if (e.empty()) e = dit_enqueue_cross_kv(m, w, dctx.as<float>(), st);
        if (e.empty()) e = dit_enqueue_forward(m, w, dx.as<float>(), w.tt.as<float>(), dv.as<float>(), st);
        if (!e.empty()) return fail(e);
        cudaError_t ce = cudaDeviceSynchronize();
        if (ce != cudaSuccess) return fail(std::string("DitCuda forward: ") + cudaGetErrorString(ce));
        ce = cudaMemcpy(v, dv.p, xn * sizeof(float), cudaMemcpyDeviceToHost);
        if (ce != cudaSuccess) return fail(std::string("DitCuda forward: ") + cudaGetErrorString(ce));
        return true;
    } catch (const std::exception& ex) {
        return fail(std::string("DitCuda forward: ") + ex.what());
    }
}


bool DitCuda::sample(const float* noise, int batch, int frames, const float* ctx_cond, const float* ctx_uncond, int n_ctx,
                     const std::uint8_t* mask_cond, const std::uint8_t* mask_uncond, const float* state,
                     const std::vector<double>& t, const std::vector<sampling::StepCoefficients>& steps,
                     float* latent_out, std::string& err) {
    Impl& m = *impl_;
    auto fail = [&](const std::string& e) {
        err = e;
        return false;
    };
    if (!m.ok) return fail("DitCuda: no weights uploaded");
    if (batch <= 0 || frames <= 0 || n_ctx <= 0) return fail("DitCuda: batch, frames and n_ctx must be positive");
    if (steps.empty() || t.size() < steps.size()) return fail("DitCuda: need one time per step");
    if (!noise || !ctx_cond || !ctx_uncond || !latent_out || (!m.cfg.fusion_bewo && !state))
        return fail("DitCuda: null input");
    try {
        const nn::DitConfig& c = m.cfg;
        const int d = c.width, C = c.latent_channels, items = 2 * batch, ns = (int)steps.size();
        const std::size_t xn = (std::size_t)batch * C * frames;
        DitWork w;
        std::string e = w.alloc(c, m.es(), items, frames, n_ctx, ns);
        if (!e.empty()) return fail(e);
        StreamGuard sg;
        GraphGuard gg;
        Events ev;
        DevBuf dx, dprev, dxin, dv, dctx, tmp;
        e = [&]() -> std::string {
            NN_CUDA_TRY(cudaStreamCreateWithFlags(&sg.s, cudaStreamNonBlocking));
            NN_CUDA_TRY(cudaEventCreate(&ev.a));
            NN_CUDA_TRY(cudaEventCreate(&ev.b));
            NN_CUDA_TRY(dx.alloc(xn * sizeof(float)));
            NN_CUDA_TRY(dprev.alloc(xn * sizeof(float)));
            NN_CUDA_TRY(dxin.alloc(2 * xn * sizeof(float)));
            NN_CUDA_TRY(dv.alloc(2 * xn * sizeof(float)));
            const std::size_t cn = (std::size_t)batch * n_ctx * d;
            NN_CUDA_TRY(dctx.alloc(2 * cn * sizeof(float)));
            NN_CUDA_TRY(cudaMemcpy(dx.p, noise, xn * sizeof(float), cudaMemcpyHostToDevice));
            NN_CUDA_TRY(cudaMemset(dprev.p, 0, xn * sizeof(float)));
            NN_CUDA_TRY(cudaMemcpy(dctx.p, ctx_cond, cn * sizeof(float), cudaMemcpyHostToDevice));
            NN_CUDA_TRY(cudaMemcpy(dctx.as<float>() + cn, ctx_uncond, cn * sizeof(float), cudaMemcpyHostToDevice));
            std::vector<std::uint8_t> mk((std::size_t)items * n_ctx, 1), cd((std::size_t)items, 0);
            if (mask_cond) std::copy(mask_cond, mask_cond + (std::size_t)batch * n_ctx, mk.begin());
            if (mask_uncond) std::copy(mask_uncond, mask_uncond + (std::size_t)batch * n_ctx, mk.begin() + (std::size_t)batch * n_ctx);
            std::fill(cd.begin(), cd.begin() + batch, 1);
            NN_CUDA_TRY(cudaMemcpy(w.mask.p, mk.data(), mk.size(), cudaMemcpyHostToDevice));
            NN_CUDA_TRY(cudaMemcpy(w.cond.p, cd.data(), cd.size(), cudaMemcpyHostToDevice));
            if (!c.fusion_bewo) {
                const std::size_t sn = (std::size_t)batch * c.rows * frames;
                NN_CUDA_TRY(cudaMemcpy(w.state.p, state, sn * sizeof(float), cudaMemcpyHostToDevice));
                NN_CUDA_TRY(cudaMemcpy(w.state.as<float>() + sn, state, sn * sizeof(float), cudaMemcpyHostToDevice));
            }
            return "";
        }();
        if (!e.empty()) return fail(e);
        cudaStream_t st = sg.s;
        std::vector<float> ts(ns);
        for (int i = 0; i < ns; ++i) ts[i] = static_cast<float>(t[i]);
        e = dit_enqueue_time_tokens(m, w, ts, tmp, st);
        if (e.empty()) e = dit_enqueue_cross_kv(m, w, dctx.as<float>(), st);
        if (!e.empty()) return fail(e);
        // One eager forward before the capture: launch errors surface here with their own message,
        // and one-time work (device queries, kernel attributes) is done outside the capture.
        e = [&]() -> std::string {
            NN_CUDA_TRY(cudaMemcpyAsync(dxin.p, dx.p, xn * sizeof(float), cudaMemcpyDeviceToDevice, st));
            NN_CUDA_TRY(cudaMemcpyAsync(dxin.as<float>() + xn, dx.p, xn * sizeof(float), cudaMemcpyDeviceToDevice, st));
            return dit_enqueue_forward(m, w, dxin.as<float>(), w.tt.as<float>(), dv.as<float>(), st);
        }();
        if (!e.empty()) return fail("DitCuda sample (warm-up forward): " + e);
        cudaError_t ce = cudaStreamSynchronize(st);
        if (ce != cudaSuccess) return fail(std::string("DitCuda sample (setup): ") + cudaGetErrorString(ce));

        // Capture every step into one graph.
        ce = cudaStreamBeginCapture(st, cudaStreamCaptureModeThreadLocal);
        if (ce != cudaSuccess) return fail(std::string("DitCuda sample: begin capture: ") + cudaGetErrorString(ce));
        std::string ce_msg;
        for (int i = 0; i < ns && ce_msg.empty(); ++i) {
            float* xin = dxin.as<float>();
            ce = cudaMemcpyAsync(xin, dx.p, xn * sizeof(float), cudaMemcpyDeviceToDevice, st);
            if (ce == cudaSuccess) ce = cudaMemcpyAsync(xin + xn, dx.p, xn * sizeof(float), cudaMemcpyDeviceToDevice, st);
            if (ce != cudaSuccess) {
                ce_msg = std::string("cudaMemcpyAsync: ") + cudaGetErrorString(ce);
                break;
            }
            ce_msg = dit_enqueue_forward(m, w, xin, w.tt.as<float>() + (std::size_t)i * d, dv.as<float>(), st);
            if (ce_msg.empty())
                ce_msg = sampler_step_launch(dx.as<float>(), dv.as<float>(), dv.as<float>() + xn, dprev.as<float>(),
                                             dx.as<float>(), dprev.as<float>(), xn, steps[i], st);
        }
        ce = cudaStreamEndCapture(st, &gg.g);
        if (!ce_msg.empty()) return fail("DitCuda sample (capture): " + ce_msg);
        if (ce != cudaSuccess) return fail(std::string("DitCuda sample: end capture: ") + cudaGetErrorString(ce));
        ce = cudaGraphInstantiate(&gg.x, gg.g, 0);
        if (ce != cudaSuccess) return fail(std::string("DitCuda sample: instantiate: ") + cudaGetErrorString(ce));
        if ((ce = cudaEventRecord(ev.a, st)) != cudaSuccess || (ce = cudaGraphLaunch(gg.x, st)) != cudaSuccess ||
            (ce = cudaEventRecord(ev.b, st)) != cudaSuccess || (ce = cudaStreamSynchronize(st)) != cudaSuccess)
            return fail(std::string("DitCuda sample: graph launch: ") + cudaGetErrorString(ce));
        float ms = 0.f;
        if (cudaEventElapsedTime(&ms, ev.a, ev.b) == cudaSuccess) m.last_ms = ms;
        ce = cudaMemcpy(latent_out, dx.p, xn * sizeof(float), cudaMemcpyDeviceToHost);
        if (ce != cudaSuccess) return fail(std::string("DitCuda sample: copy back: ") + cudaGetErrorString(ce));
        return true;
    } catch (const std::exception& ex) {
        return fail(std::string("DitCuda sample: ") + ex.what());
    }
}

}  // namespace bewo::cuda_nn
