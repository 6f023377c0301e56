// Python bindings of the CUDA model kernels (cuda/nn_cuda.h): attention and the fused sampler
// step on host arrays (for tests), and device-resident timing loops (for benchmarks). Without
// CUDA every call raises RuntimeError("... CUDA backend not compiled").
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../cuda/nn_cuda.h"
#include "../nn/dit.h"
#include "../nn/ops.h"
#include "../nn/threadpool.h"
#include "../sampling/sampler.h"

namespace py = pybind11;
using namespace bewo;

namespace {

using f32 = py::array_t<float, py::array::c_style | py::array::forcecast>;
using u8 = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

void check(const std::string& err) {
    if (!err.empty()) throw std::runtime_error(err);
}

cuda_nn::DType dtype_of(const std::string& s) {
    cuda_nn::DType d;
    if (!cuda_nn::parse_dtype(s, &d)) throw std::invalid_argument("dtype must be 'fp32', 'fp16' or 'bf16', got '" + s + "'");
    return d;
}

// (B, n, width) or (n, width) -> (B, n, width); the flag says whether a batch axis was given.
void shape3(const f32& a, const char* name, py::ssize_t* b, py::ssize_t* n, py::ssize_t* w, bool* batched) {
    if (a.ndim() == 3) {
        *b = a.shape(0);
        *n = a.shape(1);
        *w = a.shape(2);
        *batched = true;
    } else if (a.ndim() == 2) {
        *b = 1;
        *n = a.shape(0);
        *w = a.shape(1);
        *batched = false;
    } else {
        throw std::invalid_argument(std::string(name) + " must have shape (batch, tokens, width) or (tokens, width)");
    }
}

py::array_t<float> attention_impl(const f32& q, const f32& k, const f32* v, int heads, const py::object& key_mask,
                                  float scale, const std::string& dtype, bool kv_packed, int kernel) {
    const cuda_nn::DType dt = dtype_of(dtype);
    py::ssize_t bq, nq, wq, bk, nk, wk;
    bool batched_q, batched_k;
    shape3(q, "q", &bq, &nq, &wq, &batched_q);
    shape3(k, kv_packed ? "kv" : "k", &bk, &nk, &wk, &batched_k);
    if (heads <= 0 || wq % heads) throw std::invalid_argument("q width must be a multiple of heads");
    if (bk != bq) throw std::invalid_argument("q and k/v must have the same batch");
    if (wk != (kv_packed ? 2 * wq : wq))
        throw std::invalid_argument(kv_packed ? "kv width must be 2 * q width" : "k width must equal q width");
    if (v) {
        py::ssize_t bv, nv, wv;
        bool bb;
        shape3(*v, "v", &bv, &nv, &wv, &bb);
        if (bv != bk || nv != nk || wv != wk) throw std::invalid_argument("v must have the shape of k");
    }
    u8 mask;
    const std::uint8_t* mp = nullptr;
    if (!key_mask.is_none()) {
        mask = key_mask.cast<u8>();
        if (mask.size() != bq * nk || !(mask.ndim() == 2 || (mask.ndim() == 1 && bq == 1)))
            throw std::invalid_argument("key_mask must have shape (batch, nk)");
        mp = mask.data();
    }
    std::vector<py::ssize_t> shape = batched_q ? std::vector<py::ssize_t>{bq, nq, wq} : std::vector<py::ssize_t>{nq, wq};
    py::array_t<float> out(shape);
    float* o = out.mutable_data();
    std::string err;
    {
        py::gil_scoped_release release;
        err = cuda_nn::attention_host(q.data(), k.data(), v ? v->data() : nullptr, o, (int)bq, (int)nq, (int)nk, heads,
                                      (int)(wq / heads), mp, scale, dt, kv_packed, kernel);
    }
    check(err);
    return out;
}

// ---- DiT on the GPU vs nn::dit_forward, on random weights ----

float round_to(float x, cuda_nn::DType dt) {
    if (dt == cuda_nn::DType::F16) {
        const std::uint16_t h = nn::float_to_half(x);
        float f;
        nn::half_to_float(&h, &f, 1);
        return f;
    }
    std::uint32_t u;
    std::memcpy(&u, &x, 4);
    u = (u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u;  // bf16, round to nearest even (finite x)
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

struct RandomWeights {
    std::mt19937 gen;
    cuda_nn::DType dt;
    float uni() { return std::uniform_real_distribution<float>(-1.f, 1.f)(gen); }
    nn::LinearW linear(int in, int out) {
        nn::LinearW l;
        l.in = in;
        l.out = out;
        l.w.resize((std::size_t)in * out);
        l.b.resize(out);
        const float a = std::sqrt(3.f / in);
        for (float& v : l.w) v = round_to(a * uni(), dt);
        for (float& v : l.b) v = round_to(0.1f * uni(), dt);
        nn::pack_weights(l.w.data(), in, out, l.packed);
        return l;
    }
    nn::NormW norm(int d) {
        nn::NormW n;
        n.g.resize(d);
        n.b.resize(d);
        for (float& v : n.g) v = round_to(1.f + 0.2f * uni(), dt);
        for (float& v : n.b) v = round_to(0.2f * uni(), dt);
        return n;
    }
};

double rel_err(const std::vector<float>& a, const std::vector<float>& ref) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        const double dv = std::fabs((double)a[i] - ref[i]);
        num = std::isnan(dv) ? INFINITY : std::max(num, dv);
        den = std::max(den, std::fabs((double)ref[i]));
    }
    return den > 0 ? num / den : num;
}

py::dict dit_cuda_selftest(int width, int heads, int depth, int channels, int frames, int batch, int n_ctx, int steps,
                           const std::string& dtype, unsigned seed) {
    const cuda_nn::DType dt = dtype_of(dtype);
    if (dt == cuda_nn::DType::F32) throw std::invalid_argument("dtype must be fp16 or bf16");
    if (width <= 0 || heads <= 0 || width % heads || depth <= 0 || channels <= 0 || frames <= 0 || batch <= 0 ||
        n_ctx <= 0 || steps <= 0)
        throw std::invalid_argument("invalid selftest configuration");
    nn::DitConfig cfg;
    cfg.width = width;
    cfg.heads = heads;
    cfg.depth = depth;
    cfg.latent_channels = channels;
    cfg.fusion_bewo = false;
    RandomWeights rw{std::mt19937(seed), dt};
    nn::DitWeights w;
    w.cfg = cfg;
    const int d = width, C = channels, R = cfg.rows;
    w.x_in = rw.linear(C, d);
    w.t_mlp0 = rw.linear(d, d);
    w.t_mlp2 = rw.linear(d, d);
    w.fusion_aligned = rw.linear(R, d);
    w.norm_out = rw.norm(d);
    w.x_out = rw.linear(d, C);
    w.blocks.resize(depth);
    for (nn::BlockW& b : w.blocks) {
        b.n1 = rw.norm(d);
        b.n2 = rw.norm(d);
        b.n3 = rw.norm(d);
        b.self_attn = {rw.linear(d, d), rw.linear(d, 2 * d), rw.linear(d, d)};
        b.cross_attn = {rw.linear(d, d), rw.linear(d, 2 * d), rw.linear(d, d)};
        b.mlp0 = rw.linear(d, 4 * d);
        b.mlp2 = rw.linear(4 * d, d);
    }
    auto randv = [&](std::size_t n) {
        std::vector<float> v(n);
        for (float& x : v) x = rw.uni();
        return v;
    };
    const std::size_t xn = (std::size_t)batch * C * frames;
    std::vector<float> x = randv(xn), ctx = randv((std::size_t)batch * n_ctx * d), state = randv((std::size_t)batch * R * frames);
    std::vector<std::uint8_t> mask((std::size_t)batch * n_ctx), cond(batch);
    for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = (i % n_ctx == 0) || rw.uni() > -0.4f;
    for (int b = 0; b < batch; ++b) cond[b] = b % 2 == 0;
    const float t = 0.37f;
    nn::ThreadPool pool(0);
    py::dict out;
    std::string err;
    cuda_nn::DitCuda dc;
    {
        py::gil_scoped_release release;
        // One forward.
        std::vector<float> kv, v_cpu(xn), v_gpu(xn);
        nn::DitScratch sc;
        nn::dit_cross_kv(w, ctx.data(), batch, n_ctx, kv, &pool);
        nn::dit_forward(w, x.data(), batch, frames, t, kv.data(), n_ctx, mask.data(), state.data(), cond.data(),
                        v_cpu.data(), sc, &pool);
        if (!dc.upload(w, dt, err) ||
            !dc.forward(x.data(), batch, frames, t, ctx.data(), n_ctx, mask.data(), state.data(), cond.data(),
                        v_gpu.data(), err)) {
            py::gil_scoped_acquire acquire;
            throw std::runtime_error(err);
        }
        const double fwd_err = rel_err(v_gpu, v_cpu);
        // The sampling loop (DPM-Solver++(2M), CFG 3): CPU dit_forward + sampler_step vs the graph.
        const std::vector<double> ts = sampling::timesteps(steps);
        std::vector<sampling::StepCoefficients> co;
        double prev_h = 0.0;
        for (int i = 0; i < steps; ++i) {
            double h = 0.0;
            co.push_back(sampling::step_coefficients(0, ts[i], ts[i + 1], prev_h, i > 0, 3.0f, &h));
            prev_h = h;
        }
        std::vector<std::uint8_t> mask_u(mask.size(), 0);
        for (int b = 0; b < batch; ++b) mask_u[(std::size_t)b * n_ctx] = 1;
        std::vector<float> ctx2(ctx), state2(state), xs(x), prev(xn, 0.f), xin(2 * xn), v2(2 * xn);
        ctx2.insert(ctx2.end(), ctx.begin(), ctx.end());
        state2.insert(state2.end(), state.begin(), state.end());
        std::vector<std::uint8_t> mask2(mask), cond2(2 * batch, 0);
        mask2.insert(mask2.end(), mask_u.begin(), mask_u.end());
        std::fill(cond2.begin(), cond2.begin() + batch, 1);
        auto t0 = std::chrono::steady_clock::now();
        nn::dit_cross_kv(w, ctx2.data(), 2 * batch, n_ctx, kv, &pool);
        for (int i = 0; i < steps; ++i) {
            std::copy(xs.begin(), xs.end(), xin.begin());
            std::copy(xs.begin(), xs.end(), xin.begin() + xn);
            nn::dit_forward(w, xin.data(), 2 * batch, frames, (float)ts[i], kv.data(), n_ctx, mask2.data(), state2.data(),
                            cond2.data(), v2.data(), sc, &pool);
            sampling::sampler_step(xs.data(), v2.data(), v2.data() + xn, prev.data(), xn, co[i]);
        }
        const double cpu_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::vector<float> xg(xn);
        t0 = std::chrono::steady_clock::now();
        const bool ok = dc.sample(x.data(), batch, frames, ctx.data(), ctx.data(), n_ctx, mask.data(), mask_u.data(),
                                  state.data(), ts, co, xg.data(), err);
        const double gpu_call_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        py::gil_scoped_acquire acquire;
        if (!ok) throw std::runtime_error(err);
        out["forward_rel_err"] = fwd_err;
        out["sample_rel_err"] = rel_err(xg, xs);
        out["cpu_sample_ms"] = cpu_ms;
        out["gpu_sample_graph_ms"] = dc.last_sample_ms();
        out["gpu_sample_call_ms"] = gpu_call_ms;
        out["latent_max_abs"] = (double)std::fabs(*std::max_element(xs.begin(), xs.end(), [](float a, float b) {
            return std::fabs(a) < std::fabs(b);
        }));
    }
    return out;
}

}  // namespace

void bind_cuda_nn(py::module_& m) {
    m.def("dit_cuda_selftest", &dit_cuda_selftest, py::arg("width") = 192, py::arg("heads") = 4, py::arg("depth") = 2,
          py::arg("channels") = 16, py::arg("frames") = 157, py::arg("batch") = 1, py::arg("n_ctx") = 13,
          py::arg("steps") = 4, py::arg("dtype") = "fp16", py::arg("seed") = 0u,
          "DitCuda (weights in dtype, 'aligned' fusion) vs the CPU dit_forward on random weights rounded to dtype: "
          "one forward, then `steps` DPM-Solver++(2M) CFG steps (CPU loop vs one CUDA graph). Returns a dict: "
          "forward_rel_err, sample_rel_err (max |diff| / max |cpu|), cpu_sample_ms, gpu_sample_graph_ms, "
          "gpu_sample_call_ms, latent_max_abs.");
    m.def(
        "attention_cuda",
        [](const f32& q, const f32& k, const f32& v, int heads, const py::object& key_mask, float scale,
           const std::string& dtype, int kernel) {
            return attention_impl(q, k, &v, heads, key_mask, scale, dtype, false, kernel);
        },
        py::arg("q"), py::arg("k"), py::arg("v"), py::arg("heads"), py::arg("key_mask") = py::none(),
        py::arg("scale") = 0.f, py::arg("dtype") = "fp32", py::arg("kernel") = 0,
        "Fused attention on the GPU. q (B, nq, H*D) or (nq, H*D), k/v (B, nk, H*D) float32; key_mask (B, nk), "
        "nonzero = attend; scale <= 0: 1/sqrt(D); dtype 'fp32' (FMA) or 'fp16'/'bf16' (tensor cores, inputs "
        "rounded on the device). Returns float32 shaped like q; fully masked rows give zeros. kernel (fp16/bf16): 0 auto, "
        "1 simple, 2/3 pipelined with 4/8 warps per block.");
    m.def(
        "attention_cuda_kv",
        [](const f32& q, const f32& kv, int heads, const py::object& key_mask, float scale, const std::string& dtype,
           int kernel) { return attention_impl(q, kv, nullptr, heads, key_mask, scale, dtype, true, kernel); },
        py::arg("q"), py::arg("kv"), py::arg("heads"), py::arg("key_mask") = py::none(), py::arg("scale") = 0.f,
        py::arg("dtype") = "fp32", py::arg("kernel") = 0,
        "attention_cuda with k and v as the two halves of each row of kv (B, nk, 2*H*D): strided views.");
    m.def(
        "sampler_step_cuda",
        [](const f32& x, const f32& vc, const f32& vu, const py::object& prev_d, float a, float s, float cfg, float cx,
           float cd, float cp, bool last) {
            const py::ssize_t n = x.size();
            if (vc.size() != n || vu.size() != n) throw std::invalid_argument("x, v_cond, v_uncond must have one size");
            f32 pd;
            const float* pp = nullptr;
            if (!prev_d.is_none()) {
                pd = prev_d.cast<f32>();
                if (pd.size() != n) throw std::invalid_argument("prev_d must have the size of x");
                pp = pd.data();
            }
            std::vector<py::ssize_t> shape(x.shape(), x.shape() + x.ndim());
            py::array_t<float> xo(shape), d(shape);
            sampling::StepCoefficients c{a, s, cfg, cx, cd, cp, last};
            std::string err;
            {
                py::gil_scoped_release release;
                err = cuda_nn::sampler_step_host(x.data(), vc.data(), vu.data(), pp, xo.mutable_data(), d.mutable_data(),
                                                 (std::size_t)n, c);
            }
            check(err);
            return py::make_tuple(xo, d);
        },
        py::arg("x"), py::arg("v_cond"), py::arg("v_uncond"), py::arg("prev_d"), py::arg("a"), py::arg("s"),
        py::arg("cfg"), py::arg("cx"), py::arg("cd"), py::arg("cp"), py::arg("last"),
        "Fused sampler step on the GPU -> (x_next, d): d = a x - s (vu + cfg (vc - vu)); x_next = d if last else "
        "cx x + cd d + cp prev_d. prev_d may be None when cp == 0 or last.");
    m.def(
        "time_attention_cuda",
        [](int batch, int nq, int nk, int heads, int head_dim, const std::string& dtype, int reps, int inner,
           bool mask, int kernel) {
            std::vector<double> ms;
            const cuda_nn::DType dt = dtype_of(dtype);
            std::string err;
            {
                py::gil_scoped_release release;
                err = cuda_nn::time_attention(batch, nq, nk, heads, head_dim, dt, reps, inner, mask, &ms, kernel);
            }
            check(err);
            return ms;
        },
        py::arg("batch"), py::arg("nq"), py::arg("nk"), py::arg("heads"), py::arg("head_dim"),
        py::arg("dtype") = "fp16", py::arg("reps") = 20, py::arg("inner") = 10, py::arg("mask") = false, py::arg("kernel") = 0,
        "Device-resident attention timing (k, v views into one kv buffer; output in the input dtype): reps values "
        "of ms per launch, each the mean of `inner` launches, cudaEvent-timed after warm-up.");
    m.def(
        "time_sampler_cuda",
        [](std::size_t n, int reps, int inner) {
            std::vector<double> ms;
            std::string err;
            {
                py::gil_scoped_release release;
                err = cuda_nn::time_sampler(n, reps, inner, &ms);
            }
            check(err);
            return ms;
        },
        py::arg("n"), py::arg("reps") = 20, py::arg("inner") = 10,
        "Device-resident fused sampler step timing over n floats (in place, with prev_d): ms per step. It moves "
        "24 bytes per element (reads x, vc, vu, prev_d; writes x, d).");
    m.def(
        "time_copy_cuda",
        [](std::size_t bytes, int reps) {
            std::vector<double> ms;
            std::string err;
            {
                py::gil_scoped_release release;
                err = cuda_nn::time_copy(bytes, reps, &ms);
            }
            check(err);
            return ms;
        },
        py::arg("bytes"), py::arg("reps") = 20, "Device-to-device cudaMemcpy timing: ms per copy of `bytes`.");
    m.def(
        "gemm_cuda_check",
        [](int M, int N, int K, const std::string& dtype, int kernel, int mode, unsigned seed) {
            cuda_nn::DType dt;
            if (!cuda_nn::parse_dtype(dtype, &dt)) throw std::invalid_argument("dtype must be fp32, fp16 or bf16");
            cuda_nn::GemmCheck c;
            std::string err;
            {
                py::gil_scoped_release release;
                err = cuda_nn::gemm_check(M, N, K, dt, kernel, mode, seed, &c);
            }
            check(err);
            py::dict d;
            d["rel_err"] = c.rel_err;
            d["kernel"] = c.kernel_used;
            return d;
        },
        py::arg("M"), py::arg("N"), py::arg("K"), py::arg("dtype") = "fp16", py::arg("kernel") = 0, py::arg("mode") = 0,
        py::arg("seed") = 0,
        "The model GEMM on the device vs a float64 host reference on the same rounded inputs: "
        "{'rel_err': max|y - ref| / max|ref|, 'kernel': which ran}. kernel 0 auto, 1 simple, 2 pipelined; mode 0 "
        "store, 1 add, 2 GELU, 3 SiLU, 4 SwiGLU pairs, 5 ReLU, 6 GELU-gated pairs.");
    m.def("cuda_device_info", []() {
        cuda_nn::DeviceInfo info;
        check(cuda_nn::device_info(&info));
        py::dict d;
        d["name"] = info.name;
        d["sm_count"] = info.sm_count;
        d["compute_capability"] = py::make_tuple(info.cc_major, info.cc_minor);
        d["peak_bandwidth_gbs"] = info.peak_bandwidth_gbs;
        return d;
    }, "Name, SM count, compute capability and theoretical memory bandwidth (GB/s) of the current device.");
}
