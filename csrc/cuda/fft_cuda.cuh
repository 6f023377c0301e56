// Short power-of-two FFTs in shared memory, one transform per thread block (the STFT frames of the
// tiny model's synthesis), and the standard trick that runs two real transforms as one complex
// one. No cuFFT: the build needs only cudart. Each translation unit gets its own internal copy
// (anonymous namespace).
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "cuda_common.cuh"

namespace bewo::cuda_nn {
namespace {

__device__ __forceinline__ float2 cmul(float2 a, float2 b) { return make_float2(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
__device__ __forceinline__ float2 cconj(float2 a) { return make_float2(a.x, -a.y); }

// Position of element n in the bit-reversed order a decimation-in-time FFT starts from.
template <int LOG2N>
__device__ __forceinline__ int bit_reverse(int n) {
    return static_cast<int>(__brev(static_cast<unsigned>(n)) >> (32 - LOG2N));
}

// In-place radix-2 decimation-in-time FFT of z (N = 2^LOG2N points, already in bit-reversed
// order), run by threads 0 .. N/2 - 1 of the block (each does one butterfly per stage); tw holds
// exp(-2 pi i k / N) for k < N / 2. inverse: exp(+...) twiddles, no 1/N scale. Synchronises the
// block before it starts and after it ends, so callers write z and read the result freely.
template <int LOG2N>
__device__ void fft_shared(float2* z, const float2* tw, bool inverse) {
    const int t = threadIdx.x;
    __syncthreads();
#pragma unroll
    for (int s = 0; s < LOG2N; ++s) {
        if (t < (1 << (LOG2N - 1))) {
            const int half = 1 << s, pos = t & (half - 1);
            const int i = ((t >> s) << (s + 1)) + pos, j = i + half;
            float2 w = tw[pos << (LOG2N - 1 - s)];
            if (inverse) w.y = -w.y;
            const float2 a = z[i], b = cmul(z[j], w);
            z[i] = make_float2(a.x + b.x, a.y + b.y);
            z[j] = make_float2(a.x - b.x, a.y - b.y);
        }
        __syncthreads();
    }
}

// After a forward transform Z of z = a + i b (a, b real): the spectra of a and b at bin k
// (0 <= k <= N / 2), A = (Z[k] + conj Z[N - k]) / 2 and B = (Z[k] - conj Z[N - k]) / (2 i).
template <int LOG2N>
__device__ __forceinline__ void split_real_pair(const float2* Z, int k, float2* A, float2* B) {
    constexpr int N = 1 << LOG2N;
    const float2 p = Z[k], q = cconj(Z[(N - k) & (N - 1)]);
    *A = make_float2(0.5f * (p.x + q.x), 0.5f * (p.y + q.y));
    *B = make_float2(0.5f * (p.y - q.y), -0.5f * (p.x - q.x));
}

// The twiddles exp(-2 pi i k / n), k < n / 2, computed in double on the host and uploaded.
std::string upload_twiddles(int n, DevBuf* out) {
    std::vector<float2> tw(n / 2);
    for (int k = 0; k < n / 2; ++k) {
        const double a = -2.0 * 3.14159265358979323846 * k / n;
        tw[k] = make_float2(static_cast<float>(std::cos(a)), static_cast<float>(std::sin(a)));
    }
    NN_CUDA_TRY(out->alloc(tw.size() * sizeof(float2)));
    NN_CUDA_TRY(cudaMemcpy(out->p, tw.data(), tw.size() * sizeof(float2), cudaMemcpyHostToDevice));
    return "";
}

}  // namespace
}  // namespace bewo::cuda_nn
