// The T5 encoder on the GPU (t5_cuda.h); the math follows t5.cpp.
#include "t5_cuda.h"

#include <cmath>
#include <cstring>
#include <exception>

#include "../../cuda/cuda_common.cuh"
#include "../../cuda/gemm_cuda.cuh"

namespace bewo::sa {

using cuda_nn::DType;

namespace {

using namespace cuda_nn;

// h[r] = embed[ids[r]] (ids checked on the host).
__global__ void t5_gather(const int32_t* __restrict__ ids, const float* __restrict__ embed, float* __restrict__ h,
                          int rows, int d) {
    const long long n = (long long)rows * d;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const int r = (int)(i / d), c = (int)(i % d);
        h[i] = embed[(long long)ids[r] * d + c];
    }
}

// y = w * (x / sqrt(mean(x^2) + eps)), one warp per row (the sum of squares in double, as t5.cpp),
// rows whose mask is 0 zeroed when zero_masked.
__global__ void t5_rms_norm(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ y, int rows,
                            int d, float eps, const uint8_t* __restrict__ mask, int zero_masked) {
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int row = blockIdx.x * (blockDim.x >> 5) + warp;
    if (row >= rows) return;
    const float* xr = x + (long long)row * d;
    float* yr = y + (long long)row * d;
    if (zero_masked && !mask[row]) {
        for (int i = lane; i < d; i += 32) yr[i] = 0.f;
        return;
    }
    double ss = 0;
    for (int i = lane; i < d; i += 32) ss += (double)xr[i] * xr[i];
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, o);
    const float inv = 1.0f / sqrtf((float)(ss / d) + eps);
    for (int i = lane; i < d; i += 32) yr[i] = w[i] * (xr[i] * inv);
}

// One block per (query row, head, item): logits q.k + bias over the unmasked keys (no scaling),
// softmax, then the weighted sum of values. qkv rows: q | k | v, each heads * dk.
constexpr int kAttThreads = 128;
__global__ void __launch_bounds__(kAttThreads) t5_attention(const float* __restrict__ qkv,
                                                           const float* __restrict__ bias,
                                                           const uint8_t* __restrict__ mask, float* __restrict__ out,
                                                           int n, int heads, int dk) {
    extern __shared__ float s[];  // n logits, then the reductions
    const int i = blockIdx.x, h = blockIdx.y, b = blockIdx.z;
    const int inner = heads * dk;
    const float* base = qkv + (long long)b * n * 3 * inner;
    const uint8_t* m = mask + (long long)b * n;
    const float* q = base + (long long)i * 3 * inner + h * dk;
    const float* brow = bias + ((long long)h * n + i) * n;
    float* red = s + n;
    float mx = -INFINITY;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
        float v = -INFINITY;
        if (m[j]) {
            const float* k = base + (long long)j * 3 * inner + inner + h * dk;
            float acc = 0.f;
            for (int c = 0; c < dk; ++c) acc += q[c] * k[c];
            v = acc + brow[j];
        }
        s[j] = v;
        mx = fmaxf(mx, v);
    }
    red[threadIdx.x] = mx;
    __syncthreads();
    for (int o = blockDim.x / 2; o > 0; o >>= 1) {
        if (threadIdx.x < o) red[threadIdx.x] = fmaxf(red[threadIdx.x], red[threadIdx.x + o]);
        __syncthreads();
    }
    mx = red[0];
    __syncthreads();
    float* o = out + ((long long)b * n + i) * inner + h * dk;
    if (mx == -INFINITY) {  // every key masked: zeros, as t5.cpp
        for (int c = threadIdx.x; c < dk; c += blockDim.x) o[c] = 0.f;
        return;
    }
    float sum = 0.f;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
        const float e = m[j] ? expf(s[j] - mx) : 0.f;
        s[j] = e;
        sum += e;
    }
    red[threadIdx.x] = sum;
    __syncthreads();
    for (int st = blockDim.x / 2; st > 0; st >>= 1) {
        if (threadIdx.x < st) red[threadIdx.x] += red[threadIdx.x + st];
        __syncthreads();
    }
    const float inv = 1.f / red[0];
    for (int c = threadIdx.x; c < dk; c += blockDim.x) {
        float acc = 0.f;
        for (int j = 0; j < n; ++j)
            if (s[j] != 0.f) acc += s[j] * inv * base[(long long)j * 3 * inner + 2 * inner + h * dk + c];
        o[c] = acc;
    }
}

struct DevLin {
    void* w = nullptr;
    int in = 0, out = 0;
};
struct DevLayer {
    float* ln1 = nullptr;
    float* ln2 = nullptr;
    DevLin qkv, o, wi, wo;  // wi: (value, gate) rows interleaved for gated-gelu
};

}  // namespace

struct T5Cuda::Impl {
    T5Config cfg;
    DType dt = DType::F16;
    bool ok = false;
    DeviceArena arena;  // the weights
    float* embed = nullptr;
    float* final_ln = nullptr;
    std::vector<DevLayer> layers;

    ~Impl() { release(); }
    void release() {
        arena.release();
        layers.clear();
        ok = false;
    }
    std::string up_linear(const nn::Linear& l, int in, int out, DevLin* d) {
        std::vector<float> W;
        l.row_major(W);
        if (W.size() != (std::size_t)in * out) return "T5Cuda: a linear layer has the wrong size";
        d->in = in;
        d->out = out;
        return arena.typed(W, dt, &d->w);
    }
    // wi (value) and wi1 (gate) as one matrix of interleaved rows.
    std::string up_gated(const nn::Linear& a, const nn::Linear& g, int in, int ff, DevLin* d) {
        std::vector<float> A, G;
        a.row_major(A);
        g.row_major(G);
        if (A.size() != (std::size_t)in * ff || G.size() != A.size()) return "T5Cuda: a gated layer has the wrong size";
        std::vector<float> W(2 * A.size());
        for (int i = 0; i < ff; ++i) {
            std::memcpy(&W[(std::size_t)(2 * i) * in], &A[(std::size_t)i * in], in * sizeof(float));
            std::memcpy(&W[(std::size_t)(2 * i + 1) * in], &G[(std::size_t)i * in], in * sizeof(float));
        }
        d->in = in;
        d->out = 2 * ff;
        return arena.typed(W, dt, &d->w);
    }
    std::string gemm(const float* x, const DevLin& l, float* y, int ldy, int M, int mode, cudaStream_t st) {
        const RowMap ident;
        GemmArgs g{x, l.w, nullptr, y, M, l.out, l.in, l.in, ldy, ident, ident, mode, nullptr, 1};
        cudaError_t e = gemm_launch(g, dt, st);
        if (e != cudaSuccess) return std::string("T5Cuda GEMM: ") + cudaGetErrorString(e);
        return "";
    }
};

T5Cuda::T5Cuda() : impl_(new Impl) {}
T5Cuda::~T5Cuda() { delete impl_; }
bool T5Cuda::ready() const { return impl_->ok; }

bool T5Cuda::upload(const T5Encoder& t5, DType dtype, std::string& err) {
    Impl& m = *impl_;
    m.release();
    m.cfg = t5.cfg_;
    m.dt = dtype;
    const int d = m.cfg.d_model, inner = m.cfg.inner(), ff = m.cfg.d_ff;
    if (t5.layers_.empty()) {
        err = "T5Cuda: the T5 encoder is not loaded";
        return false;
    }
    std::string e = m.arena.floats(t5.embed_, &m.embed);
    if (e.empty()) e = m.arena.floats(t5.final_ln_, &m.final_ln);
    m.layers.assign(t5.layers_.size(), DevLayer());
    for (std::size_t i = 0; i < t5.layers_.size() && e.empty(); ++i) {
        const auto& L = t5.layers_[i];
        DevLayer& D = m.layers[i];
        e = m.arena.floats(L.ln1, &D.ln1);
        if (e.empty()) e = m.arena.floats(L.ln2, &D.ln2);
        if (e.empty()) e = m.up_linear(L.qkv, d, 3 * inner, &D.qkv);
        if (e.empty()) e = m.up_linear(L.o, inner, d, &D.o);
        if (e.empty()) e = m.cfg.gated_gelu ? m.up_gated(L.wi, L.wi1, d, ff, &D.wi) : m.up_linear(L.wi, d, ff, &D.wi);
        if (e.empty()) e = m.up_linear(L.wo, ff, d, &D.wo);
    }
    if (!e.empty()) {
        m.release();
        err = e;
        return false;
    }
    m.ok = true;
    return true;
}

bool T5Cuda::encode(const std::int32_t* ids, const std::uint8_t* mask, int batch, int n, const std::vector<float>& bias,
                    std::vector<float>& out, std::string& err) {
    Impl& m = *impl_;
    auto fail = [&](const std::string& e) {
        err = "T5Cuda encode: " + e;
        return false;
    };
    if (!m.ok) return fail("no weights uploaded");
    const T5Config& c = m.cfg;
    const int d = c.d_model, H = c.num_heads, inner = c.inner(), rows = batch * n;
    if (batch <= 0 || n <= 0) return fail("batch and tokens must be positive");
    if (bias.size() != (std::size_t)H * n * n) return fail("the position bias has the wrong size");
    const std::size_t smem = ((std::size_t)n + kAttThreads) * sizeof(float);
    if (smem > 48 * 1024) return fail("too many tokens for the attention kernel (at most 12,000)");
    try {
        StreamGuard sg;
        DevBuf did, dmask, dbias, h, x, qkv, att, ffb, o;
        std::string e = [&]() -> std::string {
            NN_CUDA_TRY(cudaStreamCreateWithFlags(&sg.s, cudaStreamNonBlocking));
            cudaStream_t st = sg.s;
            NN_CUDA_TRY(did.alloc((std::size_t)rows * sizeof(int32_t)));
            NN_CUDA_TRY(dmask.alloc((std::size_t)rows));
            NN_CUDA_TRY(dbias.alloc(bias.size() * sizeof(float)));
            NN_CUDA_TRY(h.alloc((std::size_t)rows * d * sizeof(float)));
            NN_CUDA_TRY(x.alloc((std::size_t)rows * d * sizeof(float)));
            NN_CUDA_TRY(qkv.alloc((std::size_t)rows * 3 * inner * sizeof(float)));
            NN_CUDA_TRY(att.alloc((std::size_t)rows * inner * sizeof(float)));
            NN_CUDA_TRY(ffb.alloc((std::size_t)rows * c.d_ff * sizeof(float)));
            NN_CUDA_TRY(o.alloc((std::size_t)rows * d * sizeof(float)));
            NN_CUDA_TRY(cudaMemcpyAsync(did.p, ids, (std::size_t)rows * sizeof(int32_t), cudaMemcpyHostToDevice, st));
            NN_CUDA_TRY(cudaMemcpyAsync(dmask.p, mask, (std::size_t)rows, cudaMemcpyHostToDevice, st));
            NN_CUDA_TRY(cudaMemcpyAsync(dbias.p, bias.data(), bias.size() * sizeof(float), cudaMemcpyHostToDevice, st));
            t5_gather<<<grid_for((long long)rows * d, 256), 256, 0, st>>>(did.as<int32_t>(), m.embed, h.as<float>(), rows, d);
            NN_CUDA_TRY(cudaGetLastError());
            const int nb = (rows + 3) / 4;
            for (const DevLayer& L : m.layers) {
                t5_rms_norm<<<nb, 128, 0, st>>>(h.as<float>(), L.ln1, x.as<float>(), rows, d, c.eps, nullptr, 0);
                NN_CUDA_TRY(cudaGetLastError());
                std::string r = m.gemm(x.as<float>(), L.qkv, qkv.as<float>(), 3 * inner, rows, kStore, st);
                if (!r.empty()) return r;
                t5_attention<<<dim3(n, H, batch), kAttThreads, smem, st>>>(qkv.as<float>(), dbias.as<float>(),
                                                                           dmask.as<uint8_t>(), att.as<float>(), n, H,
                                                                           c.d_kv);
                NN_CUDA_TRY(cudaGetLastError());
                if (!(r = m.gemm(att.as<float>(), L.o, h.as<float>(), d, rows, kAdd, st)).empty()) return r;
                t5_rms_norm<<<nb, 128, 0, st>>>(h.as<float>(), L.ln2, x.as<float>(), rows, d, c.eps, nullptr, 0);
                NN_CUDA_TRY(cudaGetLastError());
                if (!(r = m.gemm(x.as<float>(), L.wi, ffb.as<float>(), c.d_ff, rows, c.gated_gelu ? kGeglu : kRelu, st)).empty())
                    return r;
                if (!(r = m.gemm(ffb.as<float>(), L.wo, h.as<float>(), d, rows, kAdd, st)).empty()) return r;
            }
            t5_rms_norm<<<nb, 128, 0, st>>>(h.as<float>(), m.final_ln, o.as<float>(), rows, d, c.eps, dmask.as<uint8_t>(), 1);
            NN_CUDA_TRY(cudaGetLastError());
            out.resize((std::size_t)rows * d);
            NN_CUDA_TRY(cudaMemcpyAsync(out.data(), o.p, out.size() * sizeof(float), cudaMemcpyDeviceToHost, st));
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
