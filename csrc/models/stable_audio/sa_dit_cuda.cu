// The Stable Audio Open DiT on the GPU (sa_dit_cuda.h). The math follows sa_dit.cpp line for
// line; the kernels that are not shared with the tiny model's DiT (per-head prep, token rows,
// the fused sampler update) live here.
#include "sa_dit_cuda.h"

#include <cmath>
#include <cstring>
#include <exception>
#include <memory>

#include "../../cuda/cuda_common.cuh"
#include "../../cuda/gemm_cuda.cuh"

namespace bewo::sa {

using cuda_nn::DType;

namespace {

using namespace cuda_nn;

// ---------------------------------------------------------------------------------------------
// Per-head prep: up to three sections of a row (q | k | v, or k | v), each head optionally
// LayerNorm-ed over head_dim (eps 1e-6) and optionally rotated by partial non-interleaved RoPE
// (pairs (i, i + rot / 2), i < rot / 2; table cs (positions, rot) = cos | sin, position = row % n),
// then rounded to T. Output head h of a section reads source head h / ratio (fewer key/value heads).

struct PrepSection {
    int src_off = 0, dst_off = 0, ratio = 1, rope = 0;
    const float* g = nullptr;
    const float* b = nullptr;
};
struct PrepArgs {
    const float* src = nullptr;
    long long src_ld = 0, dst_ld = 0;
    int rows = 0, heads = 0, dh = 0, n = 1, rot = 0, nsec = 1;
    const float* cs = nullptr;
    PrepSection sec[3];
};

constexpr int kPrepWarps = 4;

template <typename T>
__global__ void __launch_bounds__(kPrepWarps * 32) head_prep_kernel(const PrepArgs a, T* __restrict__ dst) {
    __shared__ float buf[kPrepWarps][128];
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const long long gw = (long long)blockIdx.x * kPrepWarps + warp;
    const long long total = (long long)a.rows * a.nsec * a.heads;
    if (gw >= total) return;  // whole warps leave together
    const int h = (int)(gw % a.heads);
    const long long rest = gw / a.heads;
    const int s = (int)(rest % a.nsec);
    const int r = (int)(rest / a.nsec);
    const PrepSection& S = a.sec[s];
    const int dh = a.dh;
    const float* x = a.src + (long long)r * a.src_ld + S.src_off + (long long)(h / S.ratio) * dh;
    float v[4];
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int e = lane + 32 * i;
        v[i] = e < dh ? x[e] : 0.f;
    }
    if (S.g) {
        float sum = 0.f;
#pragma unroll
        for (int i = 0; i < 4; ++i) sum += v[i];
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
        const float mu = sum / dh;
        float var = 0.f;
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int e = lane + 32 * i;
            const float c = e < dh ? v[i] - mu : 0.f;
            var += c * c;
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) var += __shfl_xor_sync(0xffffffffu, var, o);
        const float inv = 1.f / sqrtf(var / dh + 1e-6f);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int e = lane + 32 * i;
            if (e < dh) v[i] = (v[i] - mu) * inv * S.g[e] + S.b[e];
        }
    }
    if (S.rope && a.rot > 0) {
#pragma unroll
        for (int i = 0; i < 4; ++i) buf[warp][lane + 32 * i] = v[i];
        __syncwarp();
        const int half = a.rot / 2;
        const float* c = a.cs + (long long)(r % a.n) * a.rot;  // cos[half] | sin[half]
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int e = lane + 32 * i;
            if (e < half) v[i] = buf[warp][e] * c[e] - buf[warp][e + half] * c[half + e];
            else if (e < a.rot) v[i] = buf[warp][e] * c[e - half] + buf[warp][e - half] * c[half + e - half];
        }
    }
    T* y = dst + (long long)r * a.dst_ld + S.dst_off + (long long)h * dh;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int e = lane + 32 * i;
        if (e < dh) y[e] = from_float<T>(v[i]);
    }
}

// h[b * n] (the prepended token of item b) = tt[row] + gtok[b] (gtok may be null), where
// row = (*step if step else 0) + b * item_stride (rows of E floats).
__global__ void sa_token_rows(float* __restrict__ h, const float* __restrict__ tt, const int* __restrict__ step,
                              int item_stride, const float* __restrict__ gtok, int items, int n, int E) {
    const long long total = (long long)items * E;
    const int s = step ? *step : 0;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;
         i += (long long)gridDim.x * blockDim.x) {
        const int b = (int)(i / E), c = (int)(i % E);
        float v = tt[((long long)s + (long long)b * item_stride) * E + c];
        if (gtok) v += gtok[(long long)b * E + c];
        h[(long long)b * n * E + c] = v;
    }
}

// Per-step scalars of the sampling loop, read by the kernels through the step counter.
struct StepParams {
    double c_in, s, c_skip, c_out;  // model input scale, sigma (or t), v -> denoised
    float cx, cd, cd1, cd2, ce;     // x' = cx x + cd D + cd1 D1 + cd2 D2 + ce eps
};

// xin[k] = x[k] * c_in, into `copies` consecutive halves (the CFG batch).
__global__ void sa_scale_dup(const float* __restrict__ x, float* __restrict__ xin, long long n, int copies,
                             const StepParams* __restrict__ sp, const int* __restrict__ step) {
    const double c_in = sp[*step].c_in;
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < n; k += (long long)gridDim.x * blockDim.x) {
        const float v = (float)(x[k] * c_in);
        xin[k] = v;
        if (copies == 2) xin[n + k] = v;
    }
}

// The guided v into the unconditional half, rescaled per frame towards the conditional output's
// standard deviation over channels (scale_phi). One thread per (item, frame).
__global__ void sa_cfg_rescale(float* __restrict__ v, int batch, int C, int T, float cfg, float phi) {
    const long long n = (long long)batch * C * T;
    const int idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= batch * T) return;
    const int b = idx / T, f = idx % T;
    float* vc = v + (long long)b * C * T + f;
    float* vg = v + n + (long long)b * C * T + f;
    double mc = 0, mg = 0;
    for (int c = 0; c < C; ++c) {
        const float u = vg[(long long)c * T];
        const float g = u + (vc[(long long)c * T] - u) * cfg;
        vg[(long long)c * T] = g;
        mc += vc[(long long)c * T];
        mg += g;
    }
    mc /= C;
    mg /= C;
    double sc = 0, sg = 0;
    for (int c = 0; c < C; ++c) {
        const double a = vc[(long long)c * T] - mc, g = vg[(long long)c * T] - mg;
        sc += a * a;
        sg += g * g;
    }
    const double ratio = sqrt(sc / (C - 1)) / sqrt(sg / (C - 1));
    for (int c = 0; c < C; ++c) {
        const float o = vg[(long long)c * T];
        vg[(long long)c * T] = (float)(phi * (o * ratio) + (1.0 - phi) * o);
    }
}

// The denoised estimate from v and one k-sampler update, in place on x:
//   v = mode 0: vc | 1: vu + (vc - vu) cfg | 2: vu (already guided);
//   D = rf ? x - s v : c_out v + c_skip x; x = cx x + cd D + cd1 D1 + cd2 D2 + ce eps.
// D of step i goes to slot i % 3 of dbuf (3 n floats); D1 / D2 are the two before it.
__global__ void sa_k_step(float* __restrict__ x, const float* __restrict__ vc, const float* __restrict__ vu, int mode,
                          float cfg, int rf, float* __restrict__ dbuf, const float* __restrict__ noise, long long n,
                          const StepParams* __restrict__ sp, const int* __restrict__ step) {
    const int i = *step;
    const StepParams p = sp[i];
    float* D = dbuf + (long long)(i % 3) * n;
    const float* D1 = dbuf + (long long)((i + 2) % 3) * n;
    const float* D2 = dbuf + (long long)((i + 1) % 3) * n;
    const float* eps = noise + (long long)i * n;
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < n; k += (long long)gridDim.x * blockDim.x) {
        float v;
        if (mode == 0) v = vc[k];
        else if (mode == 1) v = vu[k] + (vc[k] - vu[k]) * cfg;
        else v = vu[k];
        const float xk = x[k];
        const float d = rf ? (float)(xk - p.s * v) : (float)(v * p.c_out + xk * p.c_skip);
        D[k] = d;
        float r = p.cx * xk + p.cd * d;
        if (p.cd1 != 0.f) r += p.cd1 * D1[k];
        if (p.cd2 != 0.f) r += p.cd2 * D2[k];
        if (p.ce != 0.f) r += p.ce * eps[k];
        x[k] = r;
    }
}

__global__ void sa_advance_step(int* step) { *step += 1; }

int blocks_for(long long n) { return grid_for(n, 256); }

struct DevLin {
    void* w = nullptr;
    float* b = nullptr;
    int in = 0, out = 0;
};
struct DevLayer {
    float *ln1g = nullptr, *ln1b = nullptr, *ln2g = nullptr, *ln2b = nullptr, *ln3g = nullptr, *ln3b = nullptr;
    float *sqg = nullptr, *sqb = nullptr, *skg = nullptr, *skb = nullptr;
    float *cqg = nullptr, *cqb = nullptr, *ckg = nullptr, *ckb = nullptr;
    DevLin qkv, so, cq, ckv, co, ffin, ffout;
};

// Activations of one forward of `items` items (all device memory, freed with the struct), and
// the per-clip buffers: context keys/values, the prepended tokens, the RoPE table.
struct Work {
    int items = 0, frames = 0, n = 0, n_ctx = 0, tt_rows = 0;
    DevBuf xt, xt2, o, o2, h, hn, qkv, qkvT, att, ff, ctx, c1, c2, kvr, ckvT, tt, gtok, cs;
    std::string alloc(const DitSpec& sp, std::size_t es, int items_, int frames_, int n_ctx_, int tt_rows_, int rot) {
        items = items_;
        frames = frames_;
        n = frames + 1;
        n_ctx = n_ctx_;
        tt_rows = tt_rows_;
        const std::size_t E = sp.embed_dim, C = sp.io_channels, M = (std::size_t)items * n;
        const std::size_t Ce = sp.cond_embed_dim(), rc = (std::size_t)items * std::max(1, n_ctx);
        const std::size_t xs = (std::size_t)items * frames * C * sizeof(float);
        NN_CUDA_TRY(xt.alloc(xs));
        NN_CUDA_TRY(xt2.alloc(xs));
        NN_CUDA_TRY(o.alloc(xs));
        NN_CUDA_TRY(o2.alloc(xs));
        NN_CUDA_TRY(h.alloc(M * E * sizeof(float)));
        NN_CUDA_TRY(hn.alloc(M * E * sizeof(float)));
        NN_CUDA_TRY(qkv.alloc(M * 3 * E * sizeof(float)));
        NN_CUDA_TRY(qkvT.alloc(M * 3 * E * es));
        NN_CUDA_TRY(att.alloc(M * E * sizeof(float)));
        NN_CUDA_TRY(ff.alloc(M * 4 * E * sizeof(float)));
        NN_CUDA_TRY(ctx.alloc(rc * sp.cond_token_dim * sizeof(float)));
        NN_CUDA_TRY(c1.alloc(rc * Ce * sizeof(float)));
        NN_CUDA_TRY(c2.alloc(rc * Ce * sizeof(float)));
        NN_CUDA_TRY(kvr.alloc(rc * 2 * Ce * sizeof(float)));
        NN_CUDA_TRY(ckvT.alloc((std::size_t)sp.depth * rc * 2 * E * es));
        NN_CUDA_TRY(tt.alloc((std::size_t)std::max(1, tt_rows) * E * sizeof(float)));
        NN_CUDA_TRY(gtok.alloc((std::size_t)items * E * sizeof(float)));
        NN_CUDA_TRY(cs.alloc((std::size_t)n * std::max(1, rot) * sizeof(float)));
        return "";
    }
};

}  // namespace

struct SaDitCuda::Impl {
    DitSpec spec;
    DType dt = DType::F16;
    bool ok = false, has_cross = false, has_global = false;
    int rot = 0;
    std::vector<float> fourier, inv_freq;
    DeviceArena arena;  // the weights
    DevLin t0, t2, c0, c2, g0, g2, pre, post, pin, pout;
    std::vector<DevLayer> layers;
    double last_ms = 0.0;
    bool reused = false;

    // The sampling graph and the buffers it was captured with (kept for the next call).
    struct Cached {
        std::unique_ptr<Work> w;
        DevBuf dx, dxin, dv, dbuf, noise, params, step;
        std::size_t noise_cap = 0;
        int steps_cap = 0;
        int batch = 0, frames = 0, n_ctx = 0, mode = 0;
        bool rf = false;
        float cfg = 0.f, phi = 0.f;
        bool have_global = false;
        cudaStream_t st = nullptr;
        cudaGraph_t g = nullptr;
        cudaGraphExec_t x = nullptr;
        cudaEvent_t ea = nullptr, eb = nullptr;
        ~Cached() {
            reset();
            if (ea) cudaEventDestroy(ea);
            if (eb) cudaEventDestroy(eb);
            if (st) cudaStreamDestroy(st);
        }
        void reset() {
            if (x) cudaGraphExecDestroy(x);
            if (g) cudaGraphDestroy(g);
            x = nullptr;
            g = nullptr;
        }
    };
    std::unique_ptr<Cached> cache;

    ~Impl() { release(); }
    void release() {
        cache.reset();
        arena.release();
        layers.clear();
        ok = false;
    }
    std::size_t es() const { return dtype_size(dt); }

    // A linear layer (weights row-major (out, in)); `interleave`: rows reordered as (value_i,
    // gate_i) pairs from the [value; gate] halves, for the SwiGLU epilogue.
    std::string up_linear(const nn::Linear& l, int in, int out, DevLin* d, bool interleave = false) {
        std::vector<float> W;
        l.row_major(W);
        if (W.size() != (std::size_t)in * out) return "SaDitCuda: a linear layer's weight has the wrong size";
        std::vector<float> b = l.b;
        if (!b.empty() && b.size() != (std::size_t)out) return "SaDitCuda: a linear layer's bias has the wrong size";
        if (interleave) {
            const int F = out / 2;
            std::vector<float> W2(W.size()), b2(b.size());
            for (int i = 0; i < F; ++i) {
                std::memcpy(&W2[(std::size_t)(2 * i) * in], &W[(std::size_t)i * in], in * sizeof(float));
                std::memcpy(&W2[(std::size_t)(2 * i + 1) * in], &W[(std::size_t)(F + i) * in], in * sizeof(float));
                if (!b.empty()) {
                    b2[2 * i] = b[i];
                    b2[2 * i + 1] = b[F + i];
                }
            }
            W.swap(W2);
            b.swap(b2);
        }
        d->in = in;
        d->out = out;
        std::string e = arena.typed(W, dt, &d->w);
        if (e.empty() && !b.empty()) e = arena.floats(b, &d->b);
        return e;
    }
    std::string up_opt(const std::vector<float>& v, float** out) {
        *out = nullptr;
        return v.empty() ? std::string() : arena.floats(v, out);
    }

    std::string gemm(const float* x, int ldx, RowMap in_map, const DevLin& l, float* y, int ldy, RowMap out_map, int M,
                     int mode, cudaStream_t st) {
        if (M <= 0) return "";
        GemmArgs g{x, l.w, l.b, y, M, l.out, l.in, ldx, ldy, in_map, out_map, mode, nullptr, 1};
        cudaError_t e = gemm_launch(g, dt, st);
        if (e != cudaSuccess) return std::string("SaDitCuda GEMM: ") + cudaGetErrorString(e);
        return "";
    }
    std::string norm(const float* g, const float* b, const float* x, float* y, int rows, cudaStream_t st) {
        if (rows <= 0) return "";
        layer_norm_kernel<<<(rows + 3) / 4, 128, 0, st>>>(x, g, b, y, rows, spec.embed_dim, 1e-5f);
        NN_CUDA_TRY(cudaGetLastError());
        return "";
    }
    std::string prep(const PrepArgs& a, void* dst, cudaStream_t st) {
        const long long warps = (long long)a.rows * a.nsec * a.heads;
        if (warps <= 0) return "";
        const long long blocks = (warps + kPrepWarps - 1) / kPrepWarps;
        if (blocks > 0x7fffffffLL) return "SaDitCuda: too many rows for the head prep";
        if (dt == DType::F32) head_prep_kernel<float><<<(unsigned)blocks, kPrepWarps * 32, 0, st>>>(a, static_cast<float*>(dst));
        else if (dt == DType::F16) head_prep_kernel<__half><<<(unsigned)blocks, kPrepWarps * 32, 0, st>>>(a, static_cast<__half*>(dst));
        else head_prep_kernel<__nv_bfloat16><<<(unsigned)blocks, kPrepWarps * 32, 0, st>>>(a, static_cast<__nv_bfloat16*>(dst));
        NN_CUDA_TRY(cudaGetLastError());
        return "";
    }
    std::string attend(const void* q, long long q_row, const void* k, const void* v, long long kv_row, float* out,
                       int items, int nq, int nk, long long q_batch, long long kv_batch, cudaStream_t st) {
        const int E = spec.embed_dim;
        AttentionArgs a;
        a.q = q;
        a.k = k;
        a.v = v;
        a.out = out;
        a.batch = items;
        a.nq = nq;
        a.nk = nk;
        a.heads = spec.num_heads;
        a.head_dim = spec.head_dim();
        a.q_row = q_row;
        a.k_row = a.v_row = kv_row;
        a.out_row = E;
        a.q_batch = q_batch;
        a.k_batch = a.v_batch = kv_batch;
        a.out_batch = (long long)nq * E;
        a.in_dtype = dt;
        a.out_dtype = DType::F32;
        return attention_launch(a, st);
    }
};

namespace {

#define SA_TRY(expr)              \
    do {                          \
        std::string e_ = (expr);  \
        if (!e_.empty()) return e_; \
    } while (0)

// RoPE table (n, rot) = cos | sin of position * inv_freq, in float32 as sa_dit_forward computes it.
std::vector<float> rope_table(const std::vector<float>& inv_freq, int n) {
    const int half = (int)inv_freq.size(), rot = 2 * half;
    std::vector<float> cs((std::size_t)n * rot);
    for (int r = 0; r < n; ++r)
        for (int i = 0; i < half; ++i) {
            const float ang = static_cast<float>(r) * inv_freq[i];
            cs[(std::size_t)r * rot + i] = std::cos(ang);
            cs[(std::size_t)r * rot + half + i] = std::sin(ang);
        }
    return cs;
}

// Fourier features (rows, 256) of times ts as sa_dit_forward computes them.
std::vector<float> fourier_rows(const std::vector<float>& fourier, const std::vector<float>& ts) {
    std::vector<float> f(ts.size() * 256);
    for (std::size_t b = 0; b < ts.size(); ++b)
        for (int i = 0; i < 128; ++i) {
            const float a = 2.0f * static_cast<float>(M_PI) * ts[b] * fourier[i];
            f[b * 256 + i] = std::cos(a);
            f[b * 256 + 128 + i] = std::sin(a);
        }
    return f;
}

// Per-clip work: RoPE table, prepended-token rows for times ts, the global token part, and the
// context keys/values of every layer. ctx (items, n_ctx, cond_token_dim) and glob (items, G)
// are host arrays (null: none). Synchronises st (host vectors are staged through device memory).
std::string enqueue_clip(SaDitCuda::Impl& m, Work& w, const std::vector<float>& ts, const float* ctx,
                         const float* glob, bool* have_global, cudaStream_t st) {
    const DitSpec& sp = m.spec;
    const int E = sp.embed_dim, items = w.items;
    const RowMap ident;
    std::vector<float> cs = rope_table(m.inv_freq, w.n);  // into the buffer a captured graph reads
    NN_CUDA_TRY(cudaMemcpyAsync(w.cs.p, cs.data(), cs.size() * sizeof(float), cudaMemcpyHostToDevice, st));
    std::vector<float> feat = fourier_rows(m.fourier, ts);
    DevBuf df, dte, dg, dg1;
    const int R = (int)ts.size();
    NN_CUDA_TRY(df.alloc(feat.size() * sizeof(float)));
    NN_CUDA_TRY(dte.alloc((std::size_t)R * E * sizeof(float)));
    NN_CUDA_TRY(cudaMemcpyAsync(df.p, feat.data(), feat.size() * sizeof(float), cudaMemcpyHostToDevice, st));
    SA_TRY(m.gemm(df.as<float>(), 256, ident, m.t0, dte.as<float>(), E, ident, R, kSilu, st));
    SA_TRY(m.gemm(dte.as<float>(), E, ident, m.t2, w.tt.as<float>(), E, ident, R, kStore, st));
    *have_global = m.has_global && glob;
    if (*have_global) {
        const int G = sp.global_cond_dim, Ge = m.g0.out;
        NN_CUDA_TRY(dg.alloc((std::size_t)items * G * sizeof(float)));
        NN_CUDA_TRY(dg1.alloc((std::size_t)items * Ge * sizeof(float)));
        NN_CUDA_TRY(cudaMemcpyAsync(dg.p, glob, (std::size_t)items * G * sizeof(float), cudaMemcpyHostToDevice, st));
        SA_TRY(m.gemm(dg.as<float>(), G, ident, m.g0, dg1.as<float>(), Ge, ident, items, kSilu, st));
        SA_TRY(m.gemm(dg1.as<float>(), Ge, ident, m.g2, w.gtok.as<float>(), E, ident, items, kStore, st));
    }
    if (m.has_cross && ctx && w.n_ctx > 0) {
        const int Dc = sp.cond_token_dim, Ce = sp.cond_embed_dim(), rows = items * w.n_ctx;
        NN_CUDA_TRY(cudaMemcpyAsync(w.ctx.p, ctx, (std::size_t)rows * Dc * sizeof(float), cudaMemcpyHostToDevice, st));
        SA_TRY(m.gemm(w.ctx.as<float>(), Dc, ident, m.c0, w.c1.as<float>(), Ce, ident, rows, kSilu, st));
        SA_TRY(m.gemm(w.c1.as<float>(), Ce, ident, m.c2, w.c2.as<float>(), Ce, ident, rows, kStore, st));
        const int H = sp.num_heads, KH = sp.kv_heads();
        for (int l = 0; l < sp.depth; ++l) {
            const DevLayer& L = m.layers[l];
            SA_TRY(m.gemm(w.c2.as<float>(), Ce, ident, L.ckv, w.kvr.as<float>(), 2 * Ce, ident, rows, kStore, st));
            PrepArgs a;
            a.src = w.kvr.as<float>();
            a.src_ld = 2 * Ce;
            a.dst_ld = 2LL * E;
            a.rows = rows;
            a.heads = H;
            a.dh = sp.head_dim();
            a.nsec = 2;
            a.sec[0].src_off = 0;
            a.sec[0].dst_off = 0;
            a.sec[0].ratio = H / KH;
            a.sec[0].g = L.ckg;
            a.sec[0].b = L.ckb;
            a.sec[1].src_off = Ce;
            a.sec[1].dst_off = E;
            a.sec[1].ratio = H / KH;
            char* dst = static_cast<char*>(w.ckvT.p) + (std::size_t)l * rows * 2 * E * m.es();
            SA_TRY(m.prep(a, dst, st));
        }
    }
    NN_CUDA_TRY(cudaStreamSynchronize(st));  // the host vectors above go out of scope
    return "";
}

// One forward on st: x_dev (items, C, T) -> v_dev (items, C, T). Token rows: tt row
// (*step or 0) + b * item_stride, plus the global part when have_global.
std::string enqueue_forward(SaDitCuda::Impl& m, Work& w, const float* x_dev, const int* step, int item_stride,
                            bool have_global, bool use_cross, float* v_dev, cudaStream_t st) {
    const DitSpec& sp = m.spec;
    const int E = sp.embed_dim, C = sp.io_channels, H = sp.num_heads, dh = sp.head_dim();
    const int items = w.items, T = w.frames, N = w.n, M = items * N;
    const RowMap ident;
    RowMap frames_to_tokens;  // row (b, f) -> b * N + 1 + f
    frames_to_tokens.group = T;
    frames_to_tokens.stride = N;
    frames_to_tokens.offset = 1;
    const long long xe = (long long)items * C * T;
    float* xt = w.xt.as<float>();
    float* xt2 = w.xt2.as<float>();
    float* h = w.h.as<float>();
    float* hn = w.hn.as<float>();
    float* qkv = w.qkv.as<float>();
    float* att = w.att.as<float>();
    // x (C, T) -> tokens: preprocess_conv(x) + x, then project_in after the prepended token.
    ct_to_tc_kernel<<<blocks_for(xe), 256, 0, st>>>(x_dev, xt, items, C, T);
    NN_CUDA_TRY(cudaGetLastError());
    NN_CUDA_TRY(cudaMemcpyAsync(xt2, xt, xe * sizeof(float), cudaMemcpyDeviceToDevice, st));
    SA_TRY(m.gemm(xt, C, ident, m.pre, xt2, C, ident, items * T, kAdd, st));
    SA_TRY(m.gemm(xt2, C, ident, m.pin, h, E, frames_to_tokens, items * T, kStore, st));
    sa_token_rows<<<blocks_for((long long)items * E), 256, 0, st>>>(h, w.tt.as<float>(), step, item_stride,
                                                                    have_global ? w.gtok.as<float>() : nullptr, items, N, E);
    NN_CUDA_TRY(cudaGetLastError());

    PrepArgs self;
    self.src = qkv;
    self.src_ld = self.dst_ld = 3LL * E;
    self.rows = M;
    self.heads = H;
    self.dh = dh;
    self.n = N;
    self.rot = m.rot;
    self.cs = w.cs.as<float>();
    self.nsec = 3;
    for (int s = 0; s < 3; ++s) self.sec[s].src_off = self.sec[s].dst_off = s * E;
    self.sec[0].rope = self.sec[1].rope = 1;
    PrepArgs cq;
    cq.src = qkv;
    cq.src_ld = cq.dst_ld = E;
    cq.rows = M;
    cq.heads = H;
    cq.dh = dh;
    const char* qT = static_cast<const char*>(w.qkvT.p);
    const std::size_t es = m.es();
    const long long ckv_layer = (long long)items * w.n_ctx * 2 * E;
    for (int l = 0; l < sp.depth; ++l) {
        const DevLayer& L = m.layers[l];
        SA_TRY(m.norm(L.ln1g, L.ln1b, h, hn, M, st));
        SA_TRY(m.gemm(hn, E, ident, L.qkv, qkv, 3 * E, ident, M, kStore, st));
        self.sec[0].g = L.sqg;
        self.sec[0].b = L.sqb;
        self.sec[1].g = L.skg;
        self.sec[1].b = L.skb;
        SA_TRY(m.prep(self, w.qkvT.p, st));
        SA_TRY(m.attend(qT, 3LL * E, qT + (std::size_t)E * es, qT + (std::size_t)2 * E * es, 3LL * E, att, items, N, N,
                        (long long)N * 3 * E, (long long)N * 3 * E, st));
        SA_TRY(m.gemm(att, E, ident, L.so, h, E, ident, M, kAdd, st));
        if (use_cross) {
            SA_TRY(m.norm(L.ln2g, L.ln2b, h, hn, M, st));
            SA_TRY(m.gemm(hn, E, ident, L.cq, qkv, E, ident, M, kStore, st));
            cq.sec[0].g = L.cqg;
            cq.sec[0].b = L.cqb;
            SA_TRY(m.prep(cq, w.qkvT.p, st));
            const char* ck = static_cast<const char*>(w.ckvT.p) + (std::size_t)l * ckv_layer * es;
            SA_TRY(m.attend(qT, E, ck, ck + (std::size_t)E * es, 2LL * E, att, items, N, w.n_ctx, (long long)N * E,
                            (long long)w.n_ctx * 2 * E, st));
            SA_TRY(m.gemm(att, E, ident, L.co, h, E, ident, M, kAdd, st));
        }
        SA_TRY(m.norm(L.ln3g, L.ln3b, h, hn, M, st));
        SA_TRY(m.gemm(hn, E, ident, L.ffin, w.ff.as<float>(), 4 * E, ident, M, kSwiglu, st));
        SA_TRY(m.gemm(w.ff.as<float>(), 4 * E, ident, L.ffout, h, E, ident, M, kAdd, st));
    }
    // project_out without the prepended token, postprocess_conv(out) + out, (T, C) -> (C, T).
    float* o = w.o.as<float>();
    float* o2 = w.o2.as<float>();
    SA_TRY(m.gemm(h, E, frames_to_tokens, m.pout, o, C, ident, items * T, kStore, st));
    NN_CUDA_TRY(cudaMemcpyAsync(o2, o, xe * sizeof(float), cudaMemcpyDeviceToDevice, st));
    SA_TRY(m.gemm(o, C, ident, m.post, o2, C, ident, items * T, kAdd, st));
    tc_to_ct_kernel<<<blocks_for(xe), 256, 0, st>>>(o2, v_dev, items, C, T);
    NN_CUDA_TRY(cudaGetLastError());
    return "";
}

}  // namespace

SaDitCuda::SaDitCuda() : impl_(new Impl) {}
SaDitCuda::~SaDitCuda() { delete impl_; }
bool SaDitCuda::ready() const { return impl_->ok; }
DType SaDitCuda::dtype() const { return impl_->dt; }
double SaDitCuda::last_sample_ms() const { return impl_->last_ms; }
bool SaDitCuda::last_graph_reused() const { return impl_->reused; }

bool SaDitCuda::upload(const DitWeightsSA& w, DType dtype, std::string& err) {
    Impl& m = *impl_;
    m.release();
    const DitSpec& sp = w.spec;
    const int E = sp.embed_dim, C = sp.io_channels, dh = sp.head_dim(), Ce = sp.cond_embed_dim();
    if (sp.num_heads <= 0 || E % sp.num_heads || dh > 128 ||
        (dtype != DType::F32 && !attention_tc_supports(dh))) {
        err = "SaDitCuda: head size " + std::to_string(dh) +
              " is not one the GPU attention supports (fp32: up to 128; fp16 / bf16: 16, 32, 48, 64, 80, 96, 128)";
        return false;
    }
    if ((int)w.layers.size() != sp.depth || w.fourier.size() != 128 || w.inv_freq.empty()) {
        err = "SaDitCuda: the weights do not match their spec";
        return false;
    }
    if (w.has_cross && (Ce < dh || Ce % dh || sp.num_heads % (Ce / dh))) {
        err = "SaDitCuda: the key/value heads do not divide the query heads";
        return false;
    }
    m.spec = sp;
    m.dt = dtype;
    m.has_cross = w.has_cross;
    m.has_global = w.has_global;
    m.rot = 2 * (int)w.inv_freq.size();
    m.fourier = w.fourier;
    m.inv_freq = w.inv_freq;
    std::string e;
    auto lin = [&](const nn::Linear& l, int in, int out, DevLin* d, bool il = false) {
        if (e.empty()) e = m.up_linear(l, in, out, d, il);
    };
    auto fl = [&](const std::vector<float>& v, float** out) {
        if (e.empty()) e = m.up_opt(v, out);
    };
    lin(w.t_embed0, 256, E, &m.t0);
    lin(w.t_embed2, E, E, &m.t2);
    if (w.has_cross) {
        lin(w.cond0, sp.cond_token_dim, Ce, &m.c0);
        lin(w.cond2, Ce, Ce, &m.c2);
    }
    if (w.has_global) {
        lin(w.glob0, sp.global_cond_dim, w.glob0.out, &m.g0);
        lin(w.glob2, w.glob2.in, w.glob2.out, &m.g2);
        if (e.empty() && w.glob2.out != E) e = "SaDitCuda: the global embedding does not end at embed_dim";
    }
    lin(w.pre_conv, C, C, &m.pre);
    lin(w.post_conv, C, C, &m.post);
    lin(w.project_in, C, E, &m.pin);
    lin(w.project_out, E, C, &m.pout);
    m.layers.assign(sp.depth, DevLayer());
    for (int l = 0; l < sp.depth && e.empty(); ++l) {
        const DitLayer& s = w.layers[l];
        DevLayer& d = m.layers[l];
        fl(s.ln1_g, &d.ln1g);
        fl(s.ln1_b, &d.ln1b);
        fl(s.ln3_g, &d.ln3g);
        fl(s.ln3_b, &d.ln3b);
        fl(s.sq_g, &d.sqg);
        fl(s.sq_b, &d.sqb);
        fl(s.sk_g, &d.skg);
        fl(s.sk_b, &d.skb);
        lin(s.qkv, E, 3 * E, &d.qkv);
        lin(s.self_out, E, E, &d.so);
        lin(s.ff_in, E, 8 * E, &d.ffin, true);
        lin(s.ff_out, 4 * E, E, &d.ffout);
        if (w.has_cross) {
            fl(s.ln2_g, &d.ln2g);
            fl(s.ln2_b, &d.ln2b);
            fl(s.cq_g, &d.cqg);
            fl(s.cq_b, &d.cqb);
            fl(s.ck_g, &d.ckg);
            fl(s.ck_b, &d.ckb);
            lin(s.cross_q, E, E, &d.cq);
            lin(s.cross_kv, Ce, 2 * Ce, &d.ckv);
            lin(s.cross_out, E, E, &d.co);
        }
    }
    if (!e.empty()) {
        m.release();
        err = e;
        return false;
    }
    m.ok = true;
    return true;
}

bool SaDitCuda::forward(const float* x, int batch, int frames, const float* t, const float* cross, int n_ctx,
                        const float* global, float* v, std::string& err) {
    Impl& m = *impl_;
    auto fail = [&](const std::string& e) {
        err = e;
        return false;
    };
    if (!m.ok) return fail("SaDitCuda: no weights uploaded");
    if (batch <= 0 || frames <= 0 || n_ctx < 0) return fail("SaDitCuda: batch and frames must be positive");
    if (!x || !t || !v) return fail("SaDitCuda: null input");
    try {
        const int C = m.spec.io_channels;
        const bool use_cross = m.has_cross && cross && n_ctx > 0;
        Work w;
        std::string e = w.alloc(m.spec, m.es(), batch, frames, use_cross ? n_ctx : 0, batch, m.rot);
        if (!e.empty()) return fail(e);
        StreamGuard sg;
        DevBuf dx, dv;
        const std::size_t xn = (std::size_t)batch * C * frames;
        e = [&]() -> std::string {
            NN_CUDA_TRY(cudaStreamCreateWithFlags(&sg.s, cudaStreamNonBlocking));
            NN_CUDA_TRY(dx.alloc(xn * sizeof(float)));
            NN_CUDA_TRY(dv.alloc(xn * sizeof(float)));
            NN_CUDA_TRY(cudaMemcpyAsync(dx.p, x, xn * sizeof(float), cudaMemcpyHostToDevice, sg.s));
            NN_CUDA_TRY(cudaMemsetAsync(dv.p, 0xFF, xn * sizeof(float), sg.s));  // poison: a missed write shows as NaN
            bool have_global = false;
            SA_TRY(enqueue_clip(m, w, std::vector<float>(t, t + batch), use_cross ? cross : nullptr, global,
                                &have_global, sg.s));
            SA_TRY(enqueue_forward(m, w, dx.as<float>(), nullptr, 1, have_global, use_cross, dv.as<float>(), sg.s));
            NN_CUDA_TRY(cudaStreamSynchronize(sg.s));
            NN_CUDA_TRY(cudaMemcpyAsync(v, dv.p, xn * sizeof(float), cudaMemcpyDeviceToHost, sg.s));
            NN_CUDA_TRY(cudaStreamSynchronize(sg.s));
            return "";
        }();
        if (!e.empty()) return fail("SaDitCuda forward: " + e);
        return true;
    } catch (const std::exception& ex) {
        return fail(std::string("SaDitCuda forward: ") + ex.what());
    }
}

bool SaDitCuda::sample(const float* noise, int batch, int frames, const float* cross, int n_ctx, const float* global,
                       const CudaSampleSpec& spec, float* latents, std::string& err) {
    Impl& m = *impl_;
    auto fail = [&](const std::string& e) {
        err = e;
        return false;
    };
    if (!m.ok) return fail("SaDitCuda: no weights uploaded");
    if (batch <= 0 || frames <= 0 || n_ctx < 0) return fail("SaDitCuda: batch and frames must be positive");
    if (!noise || !latents) return fail("SaDitCuda: null input");
    const int steps = (int)spec.sigmas.size() - 1;
    if (steps < 1) return fail("SaDitCuda: need at least one step (sigmas of steps + 1 values)");
    if (sampling::k_sampler_is_rf(spec.sampler) != spec.rectified_flow)
        return fail("SaDitCuda: the sampler does not fit the model's objective");
    try {
        const DitSpec& sp = m.spec;
        const int C = sp.io_channels;
        const bool use_cross = m.has_cross && cross && n_ctx > 0;
        const bool use_cfg = spec.cfg != 1.0f && use_cross;
        const int items = use_cfg ? 2 * batch : batch;
        const std::size_t n = (std::size_t)batch * C * frames;
        const int mode = !use_cfg ? 0 : (spec.scale_phi != 0.0f ? 2 : 1);

        // Host side of the loop: per-step scalars and the steps that need noise, as run_k_sampler.
        const std::vector<double>& sig = spec.sigmas;
        std::vector<StepParams> params(steps);
        std::vector<float> ts(steps);
        if ((int)spec.coefs.size() != steps) return fail("SaDitCuda: need one set of step coefficients per step");
        bool need_noise = false;
        for (int i = 0; i < steps; ++i) {
            const double s = sig[i];
            StepParams& p = params[i];
            p.s = s;
            p.c_in = spec.rectified_flow ? 1.0 : 1.0 / std::sqrt(s * s + 1.0);
            p.c_skip = 1.0 / (s * s + 1.0);
            p.c_out = -s / std::sqrt(s * s + 1.0);
            ts[i] = static_cast<float>(spec.rectified_flow ? s : std::atan(s) / M_PI * 2.0);
            const sampling::KStep& c = spec.coefs[i];
            p.cx = (float)c.cx;
            p.cd = (float)c.cd;
            p.cd1 = i > 0 ? (float)c.cd1 : 0.f;
            p.cd2 = i > 1 ? (float)c.cd2 : 0.f;
            p.ce = (float)c.ce;
            need_noise = need_noise || c.ce != 0;
        }
        if (need_noise && !spec.step_noise) return fail("SaDitCuda: this sampler draws noise: step_noise is required");

        // The cached graph fits when every shape and baked scalar matches and its buffers are large enough.
        std::unique_ptr<Impl::Cached>& cc = m.cache;
        const bool fits = cc && cc->batch == batch && cc->frames == frames && cc->n_ctx == (use_cross ? n_ctx : 0) &&
                          cc->mode == mode && cc->rf == spec.rectified_flow && cc->cfg == spec.cfg &&
                          cc->phi == spec.scale_phi && cc->w->items == items && cc->steps_cap >= steps &&
                          cc->noise_cap >= (need_noise ? (std::size_t)steps * n : 1) &&
                          cc->have_global == (m.has_global && global != nullptr);
        if (!fits) {
            cc.reset(new Impl::Cached);
            cc->w.reset(new Work);
            cc->batch = batch;
            cc->frames = frames;
            cc->n_ctx = use_cross ? n_ctx : 0;
            cc->mode = mode;
            cc->rf = spec.rectified_flow;
            cc->cfg = spec.cfg;
            cc->phi = spec.scale_phi;
            cc->steps_cap = steps;
            cc->noise_cap = need_noise ? (std::size_t)steps * n : 1;
            std::string e = cc->w->alloc(sp, m.es(), items, frames, cc->n_ctx, steps, m.rot);
            if (e.empty())
                e = [&]() -> std::string {
                    NN_CUDA_TRY(cudaStreamCreateWithFlags(&cc->st, cudaStreamNonBlocking));
                    NN_CUDA_TRY(cudaEventCreate(&cc->ea));
                    NN_CUDA_TRY(cudaEventCreate(&cc->eb));
                    NN_CUDA_TRY(cc->dx.alloc(n * sizeof(float)));
                    NN_CUDA_TRY(cc->dxin.alloc((std::size_t)items * C * frames * sizeof(float)));
                    NN_CUDA_TRY(cc->dv.alloc((std::size_t)items * C * frames * sizeof(float)));
                    NN_CUDA_TRY(cc->dbuf.alloc(3 * n * sizeof(float)));
                    NN_CUDA_TRY(cc->noise.alloc(cc->noise_cap * sizeof(float)));
                    NN_CUDA_TRY(cc->params.alloc((std::size_t)steps * sizeof(StepParams)));
                    NN_CUDA_TRY(cc->step.alloc(sizeof(int)));
                    NN_CUDA_TRY(cudaMemsetAsync(cc->dbuf.p, 0, 3 * n * sizeof(float), cc->st));
                    NN_CUDA_TRY(cudaMemsetAsync(cc->noise.p, 0, cc->noise_cap * sizeof(float), cc->st));
                    return "";
                }();
            if (!e.empty()) {
                cc.reset();
                return fail("SaDitCuda sample (setup): " + e);
            }
        }
        Impl::Cached& k = *cc;
        Work& w = *k.w;
        cudaStream_t st = k.st;
        // Per-call inputs: the starting latent, the scalars, the noise, the context and the tokens.
        std::vector<float> x0(noise, noise + n);
        if (!spec.rectified_flow)
            for (float& val : x0) val = static_cast<float>(val * sig[0]);
        std::vector<float> ctx;
        if (use_cross) {
            const std::size_t cn = (std::size_t)batch * n_ctx * sp.cond_token_dim;
            ctx.assign(cn * (use_cfg ? 2 : 1), 0.0f);  // the unconditional half: an all-zero context
            std::memcpy(ctx.data(), cross, cn * sizeof(float));
        }
        std::vector<float> glob;
        if (m.has_global && global) {
            const std::size_t G = (std::size_t)batch * sp.global_cond_dim;
            glob.resize(G * (use_cfg ? 2 : 1));
            std::memcpy(glob.data(), global, G * sizeof(float));
            if (use_cfg) std::memcpy(glob.data() + G, global, G * sizeof(float));  // not nulled, as on the CPU
        }
        std::string e = [&]() -> std::string {
            NN_CUDA_TRY(cudaMemcpyAsync(k.dx.p, x0.data(), n * sizeof(float), cudaMemcpyHostToDevice, st));
            NN_CUDA_TRY(cudaMemcpyAsync(k.params.p, params.data(), params.size() * sizeof(StepParams),
                                        cudaMemcpyHostToDevice, st));
            if (need_noise)
                NN_CUDA_TRY(cudaMemcpyAsync(k.noise.p, spec.step_noise, (std::size_t)steps * n * sizeof(float),
                                            cudaMemcpyHostToDevice, st));
            NN_CUDA_TRY(cudaMemsetAsync(k.step.p, 0, sizeof(int), st));
            bool have_global = false;
            SA_TRY(enqueue_clip(m, w, ts, use_cross ? ctx.data() : nullptr, glob.empty() ? nullptr : glob.data(),
                                &have_global, st));
            k.have_global = have_global;
            return "";
        }();
        if (!e.empty()) return fail("SaDitCuda sample (inputs): " + e);

        const long long nn_ = (long long)n;
        float* v = k.dv.as<float>();
        auto enqueue_step = [&]() -> std::string {
            sa_scale_dup<<<blocks_for(nn_), 256, 0, st>>>(k.dx.as<float>(), k.dxin.as<float>(), nn_, use_cfg ? 2 : 1,
                                                          k.params.as<StepParams>(), k.step.as<int>());
            NN_CUDA_TRY(cudaGetLastError());
            SA_TRY(enqueue_forward(m, w, k.dxin.as<float>(), k.step.as<int>(), 0, k.have_global, use_cross, v, st));
            if (mode == 2) {
                sa_cfg_rescale<<<(batch * frames + 127) / 128, 128, 0, st>>>(v, batch, C, frames, spec.cfg, spec.scale_phi);
                NN_CUDA_TRY(cudaGetLastError());
            }
            sa_k_step<<<blocks_for(nn_), 256, 0, st>>>(k.dx.as<float>(), v, v + (use_cfg ? n : 0), mode, spec.cfg,
                                                       spec.rectified_flow ? 1 : 0, k.dbuf.as<float>(),
                                                       k.noise.as<float>(), nn_, k.params.as<StepParams>(),
                                                       k.step.as<int>());
            NN_CUDA_TRY(cudaGetLastError());
            sa_advance_step<<<1, 1, 0, st>>>(k.step.as<int>());
            NN_CUDA_TRY(cudaGetLastError());
            return "";
        };
        m.reused = k.x != nullptr;
        int first = 0;
        float first_ms = 0.f;  // the eager step's device time (a first call)
        if (!k.x) {
            // Step 0 eagerly: launch errors surface with their own message and one-time work (kernel
            // attributes, device queries) happens outside the capture. Then capture one step.
            cudaEventRecord(k.ea, st);
            e = enqueue_step();
            if (!e.empty()) return fail("SaDitCuda sample (first step): " + e);
            cudaEventRecord(k.eb, st);
            cudaError_t ce = cudaStreamSynchronize(st);
            if (ce != cudaSuccess) return fail(std::string("SaDitCuda sample (first step): ") + cudaGetErrorString(ce));
            if (cudaEventElapsedTime(&first_ms, k.ea, k.eb) != cudaSuccess) first_ms = 0.f;
            first = 1;
            ce = cudaStreamBeginCapture(st, cudaStreamCaptureModeThreadLocal);
            if (ce != cudaSuccess) return fail(std::string("SaDitCuda sample: begin capture: ") + cudaGetErrorString(ce));
            std::string msg = enqueue_step();
            ce = cudaStreamEndCapture(st, &k.g);
            if (!msg.empty()) {
                k.reset();
                return fail("SaDitCuda sample (capture): " + msg);
            }
            if (ce != cudaSuccess) {
                k.reset();
                return fail(std::string("SaDitCuda sample: end capture: ") + cudaGetErrorString(ce));
            }
            ce = cudaGraphInstantiate(&k.x, k.g, 0);
            if (ce != cudaSuccess) {
                k.reset();
                return fail(std::string("SaDitCuda sample: instantiate: ") + cudaGetErrorString(ce));
            }
        }
        cudaError_t ce = cudaEventRecord(k.ea, st);
        for (int i = first; i < steps && ce == cudaSuccess; ++i) ce = cudaGraphLaunch(k.x, st);
        if (ce == cudaSuccess) ce = cudaEventRecord(k.eb, st);
        if (ce == cudaSuccess) ce = cudaStreamSynchronize(st);
        if (ce != cudaSuccess) {
            cc.reset();
            return fail(std::string("SaDitCuda sample: graph launch: ") + cudaGetErrorString(ce));
        }
        float ms = 0.f;
        if (cudaEventElapsedTime(&ms, k.ea, k.eb) == cudaSuccess) m.last_ms = ms + first_ms;
        ce = cudaMemcpy(latents, k.dx.p, n * sizeof(float), cudaMemcpyDeviceToHost);
        if (ce != cudaSuccess) return fail(std::string("SaDitCuda sample: copy back: ") + cudaGetErrorString(ce));
        return true;
    } catch (const std::exception& ex) {
        return fail(std::string("SaDitCuda sample: ") + ex.what());
    }
}

}  // namespace bewo::sa
