#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <exception>
#include <string>
#include <vector>

#include "../dsp/room_kernels.h"
#include "room_cuda.h"

namespace bewo {

namespace {

constexpr int W = HrtfSet::kSincHalfWidth;
constexpr int kThreads = 128;
static_assert(roomk::kHalfWidth == W, "room_kernels.h and HrtfSet disagree on the kernel width");

// One image source heard binaurally: the host did the geometry and the HRTF weights.
struct BinauralImage {
    unsigned long long offset;  // integer part of the travel time (samples)
    double delay[2];            // per ear: blended HRTF delay + fractional travel time (samples)
    float gain;
    int job, nb_offset, nb_count;  // neighbours nb_offset .. nb_offset + nb_count - 1
};

// One image source at one microphone.
struct MicImage {
    unsigned long long delay;
    double frac, gain;
    int job, mic;
};

// Block: one image (x), one ear (y). Blends the neighbours' aligned filters in shared memory,
// then each thread produces output taps of filter * fractional-delay kernel, as HrtfSet::hrir
// sums them (kernel taps in order), and adds gain * tap into the response.
__global__ void binaural_images_kernel(const BinauralImage* __restrict__ imgs, long long n_imgs,
                                       const int* __restrict__ nb_idx, const float* __restrict__ nb_w,
                                       const float* __restrict__ filters, int filter_len,
                                       const float* __restrict__ table,
                                       const unsigned long long* __restrict__ lengths, unsigned long long n_max,
                                       float* __restrict__ out) {
    extern __shared__ float filt[];
    const long long i = blockIdx.x;
    if (i >= n_imgs) return;
    const int ear = blockIdx.y;
    const BinauralImage im = imgs[i];
    for (int t = threadIdx.x; t < filter_len; t += blockDim.x) {
        float acc = 0.f;
        for (int k = 0; k < im.nb_count; ++k) {
            const float* f = filters + ((size_t)nb_idx[im.nb_offset + k] * 2 + ear) * filter_len;
            acc += nb_w[im.nb_offset + k] * f[t];
        }
        filt[t] = acc;
    }
    __syncthreads();
    const double delay = im.delay[ear];
    const double di = floor(delay);
    float taps[2 * W];
    roomk::tabulated_taps(table, delay - di, taps);
    const unsigned long long base = im.offset + (unsigned long long)di - (W - 1);
    const unsigned long long n = lengths[im.job];
    float* dst = out + ((size_t)im.job * 2 + ear) * n_max;
    for (int m = threadIdx.x; m < filter_len + 2 * W - 1; m += blockDim.x) {
        const unsigned long long pos = base + (unsigned long long)m;
        if (pos >= n) continue;
        float h = 0.f;
#pragma unroll
        for (int j = 0; j < 2 * W; ++j) {
            const int t = m - j;
            if (t >= 0 && t < filter_len) h += taps[j] * filt[t];
        }
        atomicAdd(dst + pos, im.gain * h);
    }
}

// Thread: one image at one microphone, its 2 W fractional-delay taps.
__global__ void mic_images_kernel(const MicImage* __restrict__ imgs, long long n_imgs, const float* __restrict__ table,
                                  const unsigned long long* __restrict__ lengths, unsigned long long n_max,
                                  float* __restrict__ out) {
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n_imgs;
         i += (long long)gridDim.x * blockDim.x) {
        const MicImage im = imgs[i];
        float taps[2 * W];
        roomk::tabulated_taps(table, im.frac, taps);
        const long long n = (long long)lengths[im.job];
        float* dst = out + ((size_t)im.job * 2 + im.mic) * n_max;
        for (int j = 0; j < 2 * W; ++j) {
            const long long idx = (long long)im.delay - (W - 1) + j;
            if (idx >= 0 && idx < n) atomicAdd(dst + idx, float(im.gain * taps[j]));
        }
    }
}

// Thread: one response, one ear; the tail after the complete image part, exactly as the CPU.
__global__ void tail_kernel(const roomk::TailPlan* __restrict__ tails, int n_jobs, unsigned long long n_max,
                            float* __restrict__ out) {
    const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= 2 * (long long)n_jobs) return;
    const long long job = t >> 1;
    const int ear = int(t & 1);
    float* e = out + ((size_t)job * 2 + ear) * n_max;
    // Both ears' image parts set the level; each thread writes only its own ear's tail (samples
    // from t0 on), while the level reads end before t0, so the two threads never race.
    const float* l = out + (size_t)job * 2 * n_max;
    roomk::add_tail(tails[job], ear == 0 ? e : nullptr, ear == 1 ? e : nullptr, l, l + n_max);
}

std::string check(cudaError_t e, const char* what) {
    if (e == cudaSuccess) return "";
    return std::string(what) + ": " + cudaGetErrorString(e);
}

template <class T>
std::size_t bytes(const std::vector<T>& v) {
    return v.size() * sizeof(T);
}

std::string run_batch(const RoomJob* jobs, int n_jobs, const HrtfSet* hrtf, const RoomResponseParams& p,
                      std::size_t n_max, float* out) {
    if (n_jobs <= 0) return "";
    const bool binaural = !p.two_microphones;
    if (binaural && hrtf == nullptr) return "binaural responses need an HRTF set";
    if (n_max == 0) return "n_max must be > 0";
    if (n_max > (std::size_t(1) << 40) || std::size_t(n_jobs) > (std::size_t(1) << 40) / n_max)
        return "batch too large for the CUDA kernels";
    const std::size_t so = std::size_t(n_jobs) * 2 * n_max * sizeof(float);

    // Host: plan every response with the CPU's code.
    std::vector<unsigned long long> lengths(n_jobs);
    std::vector<roomk::TailPlan> tails(n_jobs);
    std::vector<BinauralImage> bimgs;
    std::vector<MicImage> mimgs;
    std::vector<int> nb_idx;
    std::vector<float> nb_w;
    try {
        const int K = binaural ? hrtf->neighbours() : 0;
        if (K > 16) return "HRTF sets with more than 16 neighbours are not supported";
        int idx[16];
        float w[16];
        for (int j = 0; j < n_jobs; ++j) {
            RoomResponseParams q = p;
            q.seed = jobs[j].seed;
            RoomPlan plan;
            try {
                plan = plan_room_response(jobs[j].room, jobs[j].source, jobs[j].listener, hrtf, q);
            } catch (const std::exception& e) {
                return "response " + std::to_string(j) + ": " + e.what();
            }
            if (plan.n > n_max) return "response " + std::to_string(j) + " is longer than n_max";
            lengths[j] = plan.n;
            tails[j] = plan_tail(jobs[j].room, q, plan);
            for (const ImageSource& im : plan.images) {
                if (binaural) {
                    const Arrival a = binaural_arrival(im, jobs[j].listener, jobs[j].room.c, q.sample_rate);
                    const int k = hrtf->weights(a.az, a.el, idx, w);
                    BinauralImage b;
                    b.offset = a.delay;
                    for (int ear = 0; ear < 2; ++ear) b.delay[ear] = hrtf->blended_delay(idx, w, k, ear, a.frac);
                    b.gain = float(a.gain);
                    b.job = j;
                    if (nb_idx.size() > std::size_t(INT_MAX) - 16) return "too many image sources for one batch";
                    b.nb_offset = int(nb_idx.size());
                    b.nb_count = k;
                    nb_idx.insert(nb_idx.end(), idx, idx + k);
                    nb_w.insert(nb_w.end(), w, w + k);
                    bimgs.push_back(b);
                } else {
                    for (int m = 0; m < 2; ++m) {
                        const Arrival a = microphone_arrival(im, jobs[j].listener, m, q.mic_spacing_m,
                                                             jobs[j].room.c, q.sample_rate);
                        mimgs.push_back({a.delay, a.frac, a.gain, j, m});
                    }
                }
            }
        }
    } catch (const std::exception& e) {
        return std::string("planning the batch: ") + e.what();
    }
    const std::size_t filter_len = binaural ? hrtf->filter_length() : 0;
    if (filter_len > std::size_t(INT_MAX) / 2) return "HRTF filters too long for the CUDA kernel";
    const std::size_t smem = filter_len * sizeof(float);

    const float* table = fractional_delay_table();
    const std::size_t st = std::size_t(fractional_delay_steps() + 1) * 2 * W * sizeof(float);
    float *dout = nullptr, *dtable = nullptr, *dfilt = nullptr, *dw = nullptr;
    int* didx = nullptr;
    unsigned long long* dlen = nullptr;
    roomk::TailPlan* dtails = nullptr;
    BinauralImage* dbimgs = nullptr;
    MicImage* dmimgs = nullptr;
    std::string err;
    auto fail = [&](cudaError_t e, const char* what) {
        if (err.empty()) err = check(e, what);
        return !err.empty();
    };
    do {
        if (fail(cudaMalloc(&dout, so), "cudaMalloc out")) break;
        if (fail(cudaMalloc(&dtable, st), "cudaMalloc table")) break;
        if (fail(cudaMalloc(&dlen, bytes(lengths)), "cudaMalloc lengths")) break;
        if (fail(cudaMalloc(&dtails, bytes(tails)), "cudaMalloc tails")) break;
        if (fail(cudaMemset(dout, 0, so), "clear out")) break;
        if (fail(cudaMemcpy(dtable, table, st, cudaMemcpyHostToDevice), "copy table")) break;
        if (fail(cudaMemcpy(dlen, lengths.data(), bytes(lengths), cudaMemcpyHostToDevice), "copy lengths")) break;
        if (fail(cudaMemcpy(dtails, tails.data(), bytes(tails), cudaMemcpyHostToDevice), "copy tails")) break;
        if (!bimgs.empty()) {
            const std::vector<float>& filters = hrtf->filters();
            if (fail(cudaMalloc(&dfilt, bytes(filters)), "cudaMalloc filters")) break;
            if (fail(cudaMalloc(&didx, bytes(nb_idx)), "cudaMalloc neighbours")) break;
            if (fail(cudaMalloc(&dw, bytes(nb_w)), "cudaMalloc weights")) break;
            if (fail(cudaMalloc(&dbimgs, bytes(bimgs)), "cudaMalloc images")) break;
            if (fail(cudaMemcpy(dfilt, filters.data(), bytes(filters), cudaMemcpyHostToDevice), "copy filters")) break;
            if (fail(cudaMemcpy(didx, nb_idx.data(), bytes(nb_idx), cudaMemcpyHostToDevice), "copy neighbours")) break;
            if (fail(cudaMemcpy(dw, nb_w.data(), bytes(nb_w), cudaMemcpyHostToDevice), "copy weights")) break;
            if (fail(cudaMemcpy(dbimgs, bimgs.data(), bytes(bimgs), cudaMemcpyHostToDevice), "copy images")) break;
            if (smem > 48 * 1024 &&
                fail(cudaFuncSetAttribute(binaural_images_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                          int(smem)),
                     "shared memory (HRTF filters too long)"))
                break;
            // gridDim.x is limited to 2^31 - 1 blocks: launch in chunks of images.
            const long long n_img = (long long)bimgs.size();
            for (long long c0 = 0; c0 < n_img && err.empty(); c0 += INT_MAX) {
                const long long nc = std::min<long long>(INT_MAX, n_img - c0);
                binaural_images_kernel<<<dim3(unsigned(nc), 2, 1), kThreads, smem>>>(
                    dbimgs + c0, nc, didx, dw, dfilt, int(filter_len), dtable, dlen, n_max, dout);
                fail(cudaGetLastError(), "image kernel launch");
            }
            if (!err.empty()) break;
        }
        if (!mimgs.empty()) {
            if (fail(cudaMalloc(&dmimgs, bytes(mimgs)), "cudaMalloc images")) break;
            if (fail(cudaMemcpy(dmimgs, mimgs.data(), bytes(mimgs), cudaMemcpyHostToDevice), "copy images")) break;
            const long long n_img = (long long)mimgs.size();
            const unsigned blocks = unsigned(std::min<long long>((n_img + kThreads - 1) / kThreads, 65535LL * 16));
            mic_images_kernel<<<blocks, kThreads>>>(dmimgs, n_img, dtable, dlen, n_max, dout);
            if (fail(cudaGetLastError(), "image kernel launch")) break;
        }
        // Stream order: the tail starts once every image has landed (its level depends on them).
        const unsigned tb = unsigned((2 * std::size_t(n_jobs) + 63) / 64);
        tail_kernel<<<tb, 64>>>(dtails, n_jobs, n_max, dout);
        if (fail(cudaGetLastError(), "tail kernel launch")) break;
        if (fail(cudaMemcpy(out, dout, so, cudaMemcpyDeviceToHost), "copy out")) break;
    } while (false);
    cudaFree(dout);
    cudaFree(dtable);
    cudaFree(dfilt);
    cudaFree(dw);
    cudaFree(didx);
    cudaFree(dlen);
    cudaFree(dtails);
    cudaFree(dbimgs);
    cudaFree(dmimgs);
    return err;
}

}  // namespace

std::string cuda_room_responses(const RoomJob* jobs, int n_jobs, const HrtfSet* hrtf, const RoomResponseParams& p,
                                std::size_t n_max, float* out) {
    try {
        return run_batch(jobs, n_jobs, hrtf, p, n_max, out);
    } catch (const std::exception& e) {  // host memory; device buffers are freed inside
        return std::string("room batch: ") + e.what();
    } catch (...) {
        return "room batch: unknown error";
    }
}

}  // namespace bewo
