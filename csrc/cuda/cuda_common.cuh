// Device helpers shared by the CUDA kernels of the model runtime (nn_cuda.cu, the Stable Audio
// Open family's kernels): error macro, 16-bit conversions, the m16n8k16 tensor-core MMA, cp.async
// and ldmatrix wrappers, and RAII holders for device memory, events, streams and graphs. Each
// translation unit gets its own internal copy (anonymous namespace).
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "nn_cuda.h"

namespace bewo::cuda_nn {
namespace {
#define NN_CUDA_TRY(call)                                                                      \
    do {                                                                                       \
        cudaError_t err_ = (call);                                                             \
        if (err_ != cudaSuccess) return std::string(#call) + ": " + cudaGetErrorString(err_); \
    } while (0)


// Small helpers

template <typename T>
__device__ __forceinline__ T from_float(float x);
template <>
__device__ __forceinline__ float from_float<float>(float x) { return x; }
template <>
__device__ __forceinline__ __half from_float<__half>(float x) { return __float2half_rn(x); }
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float x) { return __float2bfloat16_rn(x); }

// Two floats as one 32-bit register of two 16-bit values: lo in bits 0..15 (the lower column).
template <typename T>
__device__ __forceinline__ uint32_t pack2(float lo, float hi);
template <>
__device__ __forceinline__ uint32_t pack2<__half>(float lo, float hi) {
    __half2 h = __floats2half2_rn(lo, hi);
    uint32_t r;
    memcpy(&r, &h, 4);
    return r;
}
template <>
__device__ __forceinline__ uint32_t pack2<__nv_bfloat16>(float lo, float hi) {
    __nv_bfloat162 h = __floats2bfloat162_rn(lo, hi);
    uint32_t r;
    memcpy(&r, &h, 4);
    return r;
}

// D (16x8, fp32) += A (16x16, row) * B (16x8, col). Fragment layout (g = lane / 4, t = lane % 4):
//   a[0]: A[g][2t..2t+1]  a[1]: A[g+8][2t..2t+1]  a[2]: A[g][2t+8..2t+9]  a[3]: A[g+8][2t+8..2t+9]
//   b[0]: B[2t..2t+1][g]  b[1]: B[2t+8..2t+9][g]
//   c[0..1]: C[g][2t..2t+1]  c[2..3]: C[g+8][2t..2t+1]
template <typename T>
__device__ __forceinline__ void mma16816(float c[4], const uint32_t a[4], const uint32_t b[2]);
template <>
__device__ __forceinline__ void mma16816<__half>(float c[4], const uint32_t a[4], const uint32_t b[2]) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
template <>
__device__ __forceinline__ void mma16816<__nv_bfloat16>(float c[4], const uint32_t a[4], const uint32_t b[2]) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

template <typename T>
__device__ __forceinline__ uint32_t ld32(const T* p) {
    return *reinterpret_cast<const uint32_t*>(p);
}

__device__ __forceinline__ void cp_async16(void* smem, const void* gmem, bool valid) {
    const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(smem));
    const int bytes = valid ? 16 : 0;  // 0: nothing is read, the 16 bytes are zero-filled
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(gmem), "r"(bytes));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
__device__ __forceinline__ void cp_async_wait() {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}

// Four 8x8 16-bit matrices; lanes 8 i .. 8 i + 7 give the row addresses of matrix i, and lane l
// receives, of matrix i, row l / 4, columns 2 (l % 4) .. + 1 in r[i] (.trans: column l / 4, rows
// 2 (l % 4) .. + 1).
__device__ __forceinline__ void ldsm_x4(uint32_t r[4], const void* p) {
    const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(p));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(s));
}
__device__ __forceinline__ void ldsm_x4_trans(uint32_t r[4], const void* p) {
    const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(p));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(s));
}

template <typename T>
__global__ void convert_kernel(const float* in, T* out, long long n) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = from_float<T>(in[i]);
}

// Deterministic pseudo-random fill in [-1, 1) (timing inputs).
template <typename T>
__global__ void fill_kernel(T* out, long long n, uint32_t seed) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        uint32_t x = (uint32_t)i * 2654435761u ^ seed;
        x ^= x >> 16;
        x *= 0x7feb352du;
        x ^= x >> 15;
        x *= 0x846ca68bu;
        x ^= x >> 16;
        out[i] = from_float<T>((float)(x >> 8) * (2.f / 16777216.f) - 1.f);
    }
}

int grid_for(long long n, int threads) {
    long long blocks = (n + threads - 1) / threads;
    return (int)std::max<long long>(1, std::min<long long>(blocks, 65536));
}

bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15u) == 0; }

std::size_t dtype_size(DType d) { return d == DType::F32 ? 4 : 2; }

struct DevBuf {
    void* p = nullptr;
    DevBuf() = default;
    DevBuf(const DevBuf&) = delete;
    DevBuf& operator=(const DevBuf&) = delete;
    ~DevBuf() {
        if (p) cudaFree(p);
    }
    cudaError_t alloc(std::size_t bytes) { return cudaMalloc(&p, bytes ? bytes : 1); }
    template <typename T>
    T* as() const { return static_cast<T*>(p); }
};

// A device buffer that grows on demand and keeps its size across calls (per-clip scratch).
struct GrowBuf {
    DevBuf b;
    std::size_t cap = 0;
    std::string reserve(std::size_t bytes) {
        if (bytes <= cap && b.p) return "";
        if (b.p) cudaFree(b.p);
        b.p = nullptr;
        cap = 0;
        NN_CUDA_TRY(b.alloc(bytes));
        cap = bytes;
        return "";
    }
    float* f() const { return b.as<float>(); }
};

struct Events {
    cudaEvent_t a = nullptr, b = nullptr;
    ~Events() {
        if (a) cudaEventDestroy(a);
        if (b) cudaEventDestroy(b);
    }
};

struct StreamGuard {
    cudaStream_t s = nullptr;
    ~StreamGuard() {
        if (s) cudaStreamDestroy(s);
    }
};
struct GraphGuard {
    cudaGraph_t g = nullptr;
    cudaGraphExec_t x = nullptr;
    ~GraphGuard() {
        if (x) cudaGraphExecDestroy(x);
        if (g) cudaGraphDestroy(g);
    }
};

// (items, C, T) -> (items * T, C) and back.
__global__ void ct_to_tc_kernel(const float* __restrict__ x, float* __restrict__ y, int items, int C, int T) {
    const long long n = (long long)items * C * T;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int f = (int)(i % T);
        const long long bc = i / T;
        const int c = (int)(bc % C), b = (int)(bc / C);
        y[((long long)b * T + f) * C + c] = x[i];
    }
}
__global__ void tc_to_ct_kernel(const float* __restrict__ y, float* __restrict__ x, int items, int C, int T) {
    const long long n = (long long)items * C * T;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int f = (int)(i % T);
        const long long bc = i / T;
        const int c = (int)(bc % C), b = (int)(bc / C);
        x[i] = y[((long long)b * T + f) * C + c];
    }
}

// Device memory owned together and freed together (a model's weights): floats as given, or
// converted on the device to the weight dtype (F16 / BF16; F32 stays as it is).
struct DeviceArena {
    std::vector<void*> allocs;
    DeviceArena() = default;
    DeviceArena(const DeviceArena&) = delete;
    DeviceArena& operator=(const DeviceArena&) = delete;
    ~DeviceArena() { release(); }
    void release() {
        for (void* p : allocs) cudaFree(p);
        allocs.clear();
    }
    std::string floats(const std::vector<float>& v, float** out) {
        void* p = nullptr;
        NN_CUDA_TRY(cudaMalloc(&p, std::max<std::size_t>(1, v.size()) * sizeof(float)));
        allocs.push_back(p);
        if (!v.empty()) NN_CUDA_TRY(cudaMemcpy(p, v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice));
        *out = static_cast<float*>(p);
        return "";
    }
    std::string typed(const std::vector<float>& v, DType dt, void** out) {
        if (dt == DType::F32) return floats(v, reinterpret_cast<float**>(out));
        DevBuf tmp;
        NN_CUDA_TRY(tmp.alloc(std::max<std::size_t>(1, v.size()) * sizeof(float)));
        if (!v.empty()) NN_CUDA_TRY(cudaMemcpy(tmp.p, v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice));
        void* p = nullptr;
        NN_CUDA_TRY(cudaMalloc(&p, std::max<std::size_t>(1, v.size()) * 2));
        allocs.push_back(p);
        const long long n = (long long)v.size();
        if (dt == DType::F16) convert_kernel<__half><<<grid_for(n, 256), 256>>>(tmp.as<float>(), static_cast<__half*>(p), n);
        else convert_kernel<__nv_bfloat16><<<grid_for(n, 256), 256>>>(tmp.as<float>(), static_cast<__nv_bfloat16*>(p), n);
        NN_CUDA_TRY(cudaGetLastError());
        NN_CUDA_TRY(cudaDeviceSynchronize());
        *out = p;
        return "";
    }
};

}  // namespace
}  // namespace bewo::cuda_nn
