#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

#include "render_cuda.h"

namespace bewo {

namespace {

constexpr int kTile = 256;  // output samples per thread block

// One thread block: one clip, one ear, kTile output samples. Loops over the clip's sources;
// for each it stages the input window and the (previous, current) HRIRs of every render block
// the tile touches in shared memory.
__global__ void render_batch_kernel(const float* __restrict__ x, const float* __restrict__ hrirs,
                                    const float* __restrict__ gains, const int* __restrict__ clip_offsets,
                                    int n, int block, int L, int n_blocks, float* __restrict__ out) {
    extern __shared__ float smem[];
    float* xs = smem;                    // kTile + L - 1 input samples
    float* h_old = xs + kTile + L - 1;   // L taps
    float* h_new = h_old + L;            // L taps
    const int clip = blockIdx.z, ear = blockIdx.y;
    const int t0 = blockIdx.x * kTile;
    const int tid = threadIdx.x;
    const int n_idx = t0 + tid;
    float acc = 0.f;
    const float kPi = 3.14159265358979323846f;

    for (int s = clip_offsets[clip]; s < clip_offsets[clip + 1]; ++s) {
        const float* xsrc = x + (size_t)s * n;
        __syncthreads();
        for (int i = tid; i < kTile + L - 1; i += blockDim.x) {
            const int src = t0 - (L - 1) + i;
            xs[i] = (src >= 0 && src < n) ? xsrc[src] : 0.f;
        }
        // A tile may span several render blocks when kTile > block: handle them in turn.
        const int first_blk = t0 / block;
        const int last_blk = min((t0 + kTile - 1) / block, n_blocks - 1);
        for (int j = first_blk; j <= last_blk; ++j) {
            const int jp = j > 0 ? j - 1 : 0;
            __syncthreads();
            const float* hn = hrirs + (((size_t)s * n_blocks + j) * 2 + ear) * L;
            const float* ho = hrirs + (((size_t)s * n_blocks + jp) * 2 + ear) * L;
            for (int i = tid; i < L; i += blockDim.x) {
                h_new[i] = hn[i];
                h_old[i] = ho[i];
            }
            __syncthreads();
            if (n_idx < n && n_idx / block == j) {
                float a_old = 0.f, a_new = 0.f;
                const float* xw = xs + tid + L - 1;  // xw[-k] = x[n_idx - k]
                for (int k = 0; k < L; ++k) {
                    const float v = xw[-k];
                    a_old = fmaf(h_old[k], v, a_old);
                    a_new = fmaf(h_new[k], v, a_new);
                }
                const int i = n_idx - j * block;
                const float w = 0.5f - 0.5f * cosf(kPi * ((float)i + 0.5f) / (float)block);
                const float g0 = gains[(size_t)s * n_blocks + jp], g1 = gains[(size_t)s * n_blocks + j];
                acc += (1.f - w) * g0 * a_old + w * g1 * a_new;
            }
        }
    }
    if (n_idx < n) out[((size_t)clip * 2 + ear) * n + n_idx] = acc;
}

std::string check(cudaError_t e, const char* what) {
    if (e == cudaSuccess) return "";
    return std::string(what) + ": " + cudaGetErrorString(e);
}

}  // namespace

CudaStatus cuda_status() {
    CudaStatus st;
    st.compiled = true;
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        st.detail = std::string("no usable GPU: ") + cudaGetErrorString(e);
        (void)cudaGetLastError();
        return st;
    }
    st.devices = count;
    if (count > 0) {
        cudaDeviceProp prop;
        if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
            st.detail = prop.name;
            if (prop.major < 8) {  // the build holds sm_80 / sm_90a code and compute_80 PTX only
                st.devices = 0;
                st.detail = std::string(prop.name) + ": compute capability " + std::to_string(prop.major) + "." +
                            std::to_string(prop.minor) + " not supported (built for 8.0 and newer)";
            }
        }
    } else {
        st.detail = "no GPU found";
    }
    return st;
}

std::string cuda_render_batch(const float* x, const float* hrirs, const float* gains, const int* clip_offsets,
                              int n_sources, int n_clips, std::size_t n, std::size_t block, std::size_t L,
                              float* out) {
    if (n == 0 || n_clips == 0) return "";
    if (n > std::size_t(INT_MAX) - kTile - L) return "n_samples too large for the CUDA kernel";
    const std::size_t n_blocks = (n + block - 1) / block;
    float *dx = nullptr, *dh = nullptr, *dg = nullptr, *dout = nullptr;
    int* doff = nullptr;
    std::string err;
    auto fail = [&](cudaError_t e, const char* what) {
        if (err.empty()) err = check(e, what);
        return !err.empty();
    };
    const std::size_t sx = std::size_t(n_sources) * n * sizeof(float);
    const std::size_t sh = std::size_t(n_sources) * n_blocks * 2 * L * sizeof(float);
    const std::size_t sg = std::size_t(n_sources) * n_blocks * sizeof(float);
    const std::size_t so = std::size_t(n_clips) * 2 * n * sizeof(float);
    do {
        if (fail(cudaMalloc(&dx, sx > 0 ? sx : 4), "cudaMalloc x")) break;
        if (fail(cudaMalloc(&dh, sh > 0 ? sh : 4), "cudaMalloc hrirs")) break;
        if (fail(cudaMalloc(&dg, sg > 0 ? sg : 4), "cudaMalloc gains")) break;
        if (fail(cudaMalloc(&dout, so), "cudaMalloc out")) break;
        if (fail(cudaMalloc(&doff, (n_clips + 1) * sizeof(int)), "cudaMalloc offsets")) break;
        if (sx && fail(cudaMemcpy(dx, x, sx, cudaMemcpyHostToDevice), "copy x")) break;
        if (sh && fail(cudaMemcpy(dh, hrirs, sh, cudaMemcpyHostToDevice), "copy hrirs")) break;
        if (sg && fail(cudaMemcpy(dg, gains, sg, cudaMemcpyHostToDevice), "copy gains")) break;
        if (fail(cudaMemcpy(doff, clip_offsets, (n_clips + 1) * sizeof(int), cudaMemcpyHostToDevice), "copy offsets"))
            break;
        const std::size_t smem = (kTile + 3 * L - 1) * sizeof(float);
        if (smem > 48 * 1024 &&
            fail(cudaFuncSetAttribute(render_batch_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)),
                 "shared memory"))
            break;
        // gridDim.z is capped at 65535: launch big batches in chunks of clips (offsets are absolute).
        const unsigned tiles = unsigned((n + kTile - 1) / kTile);
        for (int c0 = 0; c0 < n_clips && err.empty(); c0 += 65535) {
            const int nc = std::min(65535, n_clips - c0);
            render_batch_kernel<<<dim3(tiles, 2, unsigned(nc)), kTile, smem>>>(
                dx, dh, dg, doff + c0, int(n), int(block), int(L), int(n_blocks), dout + std::size_t(c0) * 2 * n);
            fail(cudaGetLastError(), "kernel launch");
        }
        if (!err.empty()) break;
        if (fail(cudaMemcpy(out, dout, so, cudaMemcpyDeviceToHost), "copy out")) break;
    } while (false);
    cudaFree(dx);
    cudaFree(dh);
    cudaFree(dg);
    cudaFree(dout);
    cudaFree(doff);
    return err;
}

}  // namespace bewo
