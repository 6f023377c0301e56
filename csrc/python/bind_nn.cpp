// Python bindings of the native inference runtime: its kernels (for the parity tests and the
// benchmarks) and the whole pipeline (bewo_rt.native). Errors surface as ValueError.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../dsp/hrtf_set.h"
#include "../nn/attention.h"
#include "../nn/ops.h"
#include "../nn/safetensors.h"
#include "../nn/synthesis.h"
#include "../runtime/pipeline.h"
#include "../runtime/scene_json.h"
#include "../sampling/sampler.h"

namespace py = pybind11;
using namespace bewo;

namespace {

using f32 = py::array_t<float, py::array::c_style | py::array::forcecast>;
using u8 = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

void need(bool ok, const std::string& msg) {
    if (!ok) throw std::invalid_argument(msg);
}

void need_2d(const f32& a, const char* name) {
    need(a.ndim() == 2, std::string(name) + " must be 2-D");
}

// A pool per thread count, reused across calls (benchmarks call the kernels many times).
nn::ThreadPool* shared_pool(int n_threads) {
    static thread_local std::vector<std::pair<int, std::unique_ptr<nn::ThreadPool>>> pools;
    if (n_threads == 1) return nullptr;
    for (auto& p : pools)
        if (p.first == n_threads) return p.second.get();
    pools.emplace_back(n_threads, std::make_unique<nn::ThreadPool>(n_threads));
    return pools.back().second.get();
}

sampling::StepCoefficients coeffs(float a, float s, float cfg, float cx, float cd, float cp, bool last) {
    return {a, s, cfg, cx, cd, cp, last};
}

class NativeModel {
public:
    NativeModel(const std::string& bundle, const std::string& te_dir, int n_threads, bool check_te, bool use_gpu) {
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = p_.load_file(bundle, te_dir, n_threads, check_te, err);
            if (ok && use_gpu) p_.enable_gpu();
        }
        need(ok, err);
    }
    std::string backend() const { return p_.backend(); }
    std::string gpu_status() const { return p_.gpu_status(); }
    py::dict config() const {
        const auto& c = p_.config();
        py::dict d;
        d["vae_width"] = c.vae_width; d["latent_channels"] = c.latent_channels; d["downsamples"] = c.downsamples;
        d["dit_width"] = c.dit_width; d["dit_depth"] = c.dit_depth; d["dit_heads"] = c.dit_heads; d["fusion"] = c.fusion;
        d["azimuth_bins"] = c.azimuth_bins; d["azimuth_columns"] = c.azimuth_columns;
        d["max_text_tokens"] = c.max_text_tokens; d["seconds"] = c.seconds;
        return d;
    }
    f32 encode_text(const std::string& prompt) {
        std::vector<float> h;
        int n = 0;
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = p_.encode_text(prompt, h, n, err);
        }
        need(ok, err);
        f32 out({n, 384});
        std::memcpy(out.mutable_data(), h.data(), sizeof(float) * h.size());
        return out;
    }
    f32 sample_latents(const std::vector<std::string>& prompts, const std::vector<f32>& states, int frames, int steps,
                       float cfg, std::uint64_t seed, int sampler, std::optional<f32> noise) {
        rt::GenerateOptions o;
        o.steps = steps; o.cfg = cfg; o.seed = seed; o.sampler = sampler;
        const int C = p_.config().latent_channels, B = static_cast<int>(prompts.size());
        need(frames >= 1 && frames <= 4096, "frames must be in [1, 4096]");
        if (noise) {
            need(noise->ndim() == 3 && noise->shape(0) == B && noise->shape(1) == C && noise->shape(2) == frames,
                 "noise must have shape (len(prompts), latent_channels, frames)");
            o.noise = noise->data();
        }
        std::vector<std::vector<float>> st;
        for (const auto& s : states) st.emplace_back(s.data(), s.data() + s.size());
        std::vector<float> lat;
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = p_.sample_latents(prompts, st, frames, o, lat, err);
        }
        need(ok, err);
        f32 out({B, C, frames});
        std::memcpy(out.mutable_data(), lat.data(), sizeof(float) * lat.size());
        return out;
    }
    f32 decode_features(const f32& latent) {
        need(latent.ndim() == 2 && latent.shape(0) == p_.config().latent_channels, "latent must be (latent_channels, frames)");
        const int frames = static_cast<int>(latent.shape(1));
        std::vector<float> f;
        {
            py::gil_scoped_release nogil;
            p_.decode_features(latent.data(), frames, f);
        }
        f32 out({static_cast<py::ssize_t>(nn::kFeatureChannels), static_cast<py::ssize_t>(frames << p_.config().downsamples)});
        std::memcpy(out.mutable_data(), f.data(), sizeof(float) * f.size());
        return out;
    }
    f32 decode(const f32& latent, int samples, std::uint64_t seed, int iterations, std::optional<f32> start_phase) {
        need(latent.ndim() == 2 && latent.shape(0) == p_.config().latent_channels, "latent must be (latent_channels, frames)");
        const int frames = static_cast<int>(latent.shape(1));
        need(samples == frames * p_.hop(), "samples must be frames * hop");
        const float* sp = nullptr;
        if (start_phase) {
            need(start_phase->size() == static_cast<py::ssize_t>(nn::kBins) * (frames << p_.config().downsamples),
                 "start_phase must be (257, feature frames)");
            sp = start_phase->data();
        }
        std::vector<float> a;
        {
            py::gil_scoped_release nogil;
            p_.decode(latent.data(), frames, samples, seed, iterations, a, sp);
        }
        f32 out({2, samples});
        std::memcpy(out.mutable_data(), a.data(), sizeof(float) * a.size());
        return out;
    }
    py::tuple generate(const std::string& prompt, std::optional<std::string> scene_json, double seconds, int steps,
                       float cfg, std::uint64_t seed, int sampler, bool cascaded, int iterations,
                       std::shared_ptr<HrtfSet> hrtf, std::optional<std::function<bool(int, int)>> progress) {
        rt::GenerateOptions o;
        o.seconds = seconds; o.steps = steps; o.cfg = cfg; o.seed = seed; o.sampler = sampler; o.cascaded = cascaded;
        o.griffin_lim_iterations = iterations;
        if (progress) {
            auto cb = *progress;
            o.progress = [cb](int i, int n) {
                py::gil_scoped_acquire gil;
                return cb(i, n);
            };
        }
        rt::SceneSpec scene;
        std::string err;
        if (scene_json) need(rt::parse_scene_json(*scene_json, scene, err), err);
        std::vector<float> a;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = p_.generate(prompt, scene_json ? &scene : nullptr, o, hrtf.get(), a, err);
        }
        need(ok, err);
        const int samples = p_.samples_for(seconds);
        f32 out({2, samples});
        std::memcpy(out.mutable_data(), a.data(), sizeof(float) * a.size());
        const auto& t = p_.last_timings();
        py::dict tm;
        tm["text_s"] = t.text_s; tm["sample_s"] = t.sample_s; tm["decode_s"] = t.decode_s;
        tm["synth_s"] = t.synth_s; tm["render_s"] = t.render_s; tm["total_s"] = t.total_s; tm["gpu_ms"] = t.gpu_ms;
        tm["synth_gpu_ms"] = t.synth_gpu_ms;
        return py::make_tuple(out, tm);
    }
    int hop() const { return p_.hop(); }

private:
    rt::Pipeline p_;
};

}  // namespace

void bind_nn(py::module_& m) {
    m.def("nn_linear", [](const f32& x, const f32& W, std::optional<f32> b, int n_threads, bool reference) {
        need_2d(x, "x");
        need_2d(W, "W");
        need(x.shape(1) == W.shape(1), "x and W must share the inner dimension");
        const int M = static_cast<int>(x.shape(0)), K = static_cast<int>(x.shape(1)), N = static_cast<int>(W.shape(0));
        if (b) need(b->size() == N, "b must have W.shape[0] values");
        f32 y({M, N});
        const float* bp = b ? b->data() : nullptr;
        float* yp = y.mutable_data();
        std::fill(yp, yp + y.size(), std::nanf(""));  // poisoned: every element must be written
        {
            py::gil_scoped_release nogil;
            if (reference) nn::linear_reference(x.data(), W.data(), bp, yp, M, K, N);
            else nn::linear(x.data(), W.data(), bp, yp, M, K, N, shared_pool(n_threads));
        }
        return y;
    }, py::arg("x"), py::arg("W"), py::arg("b") = py::none(), py::arg("n_threads") = 1, py::arg("reference") = false);
    // The runtime's path: W packed once (at model load), then timed per call, in C++.
    m.def("nn_linear_timed", [](const f32& x, const f32& W, int n_threads, int reps) {
        need_2d(x, "x");
        need_2d(W, "W");
        need(x.shape(1) == W.shape(1) && reps >= 1, "x and W must share the inner dimension; reps >= 1");
        const int M = static_cast<int>(x.shape(0)), K = static_cast<int>(x.shape(1)), N = static_cast<int>(W.shape(0));
        std::vector<double> ms;
        {
            py::gil_scoped_release nogil;
            nn::PackedW p;
            nn::pack_weights(W.data(), K, N, p);
            std::vector<float> y(static_cast<std::size_t>(M) * N);
            nn::ThreadPool* pool = shared_pool(n_threads);
            nn::linear_packed(x.data(), p, nullptr, y.data(), M, pool);  // warm-up
            for (int r = 0; r < reps; ++r) {
                const auto t0 = std::chrono::steady_clock::now();
                nn::linear_packed(x.data(), p, nullptr, y.data(), M, pool);
                ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            }
        }
        return ms;
    });
    m.def("nn_layer_norm", [](const f32& x, const f32& g, const f32& b, float eps) {
        need_2d(x, "x");
        const int dim = static_cast<int>(x.shape(1));
        need(g.size() == dim && b.size() == dim, "g and b must have x.shape[1] values");
        f32 y({x.shape(0), x.shape(1)});
        nn::layer_norm(x.data(), g.data(), b.data(), y.mutable_data(), static_cast<int>(x.shape(0)), dim, eps);
        return y;
    });
    m.def("nn_group_norm", [](const f32& x, const f32& g, const f32& b, int groups, float eps) {
        need_2d(x, "x");
        need(groups > 0 && x.shape(0) % groups == 0, "channels must be a multiple of groups");
        f32 y({x.shape(0), x.shape(1)});
        nn::group_norm(x.data(), g.data(), b.data(), y.mutable_data(), static_cast<int>(x.shape(0)),
                       static_cast<int>(x.shape(1)), groups, eps);
        return y;
    });
    m.def("nn_activation", [](const f32& x, const std::string& kind) {
        f32 y(std::vector<py::ssize_t>(x.shape(), x.shape() + x.ndim()));
        std::memcpy(y.mutable_data(), x.data(), sizeof(float) * x.size());
        float* p = y.mutable_data();
        if (kind == "gelu_tanh") nn::gelu_tanh(p, x.size());
        else if (kind == "gelu") nn::gelu_erf(p, x.size());
        else if (kind == "silu") nn::silu(p, x.size());
        else if (kind == "tanh") nn::tanh_inplace(p, x.size());
        else if (kind == "exp") nn::exp_vec(p, p, x.size());
        else throw std::invalid_argument("kind must be gelu_tanh, gelu, silu, tanh or exp");
        return y;
    });
    m.def("nn_conv1d", [](const f32& x, const f32& W, const f32& b, int stride, int padding, int dilation, int n_threads) {
        need_2d(x, "x");
        need(W.ndim() == 3 && W.shape(1) == x.shape(0), "W must be (cout, cin, kernel)");
        const int cin = static_cast<int>(x.shape(0)), t = static_cast<int>(x.shape(1)), cout = static_cast<int>(W.shape(0));
        const int k = static_cast<int>(W.shape(2));
        const int to = nn::conv1d_out_frames(t, k, stride, padding, dilation);
        need(to >= 1, "the input is too short for this convolution");
        f32 y({cout, to});
        nn::conv1d(x.data(), W.data(), b.data(), y.mutable_data(), cin, cout, t, k, stride, padding, dilation,
                   shared_pool(n_threads));
        return y;
    }, py::arg("x"), py::arg("W"), py::arg("b"), py::arg("stride") = 1, py::arg("padding") = 0,
       py::arg("dilation") = 1, py::arg("n_threads") = 1);
    m.def("nn_conv_transpose1d", [](const f32& x, const f32& W, const f32& b, int stride, int padding, int n_threads) {
        need_2d(x, "x");
        need(W.ndim() == 3 && W.shape(0) == x.shape(0), "W must be (cin, cout, kernel)");
        const int cin = static_cast<int>(x.shape(0)), t = static_cast<int>(x.shape(1)), cout = static_cast<int>(W.shape(1));
        const int k = static_cast<int>(W.shape(2));
        const int to = (t - 1) * stride - 2 * padding + k;
        need(to >= 1, "output would be empty");
        f32 y({cout, to});
        nn::conv_transpose1d(x.data(), W.data(), b.data(), y.mutable_data(), cin, cout, t, k, stride, padding,
                             shared_pool(n_threads));
        return y;
    }, py::arg("x"), py::arg("W"), py::arg("b"), py::arg("stride") = 2, py::arg("padding") = 1, py::arg("n_threads") = 1);
    m.def("nn_rope", [](const f32& x, int heads) {
        need_2d(x, "x");
        need(heads > 0 && x.shape(1) % heads == 0 && (x.shape(1) / heads) % 2 == 0, "x.shape[1] must be heads * even head_dim");
        f32 y({x.shape(0), x.shape(1)});
        std::memcpy(y.mutable_data(), x.data(), sizeof(float) * x.size());
        nn::rope(y.mutable_data(), static_cast<int>(x.shape(0)), heads, static_cast<int>(x.shape(1) / heads),
                 static_cast<int>(x.shape(1)), 0);
        return y;
    });
    m.def("nn_attention", [](const f32& q, const f32& k, const f32& v, int heads, std::optional<u8> key_mask, float scale,
                             int n_threads, bool reference) {
        // (n, width) for one item or (batch, n, width) for several in one call.
        need(q.ndim() == k.ndim() && k.ndim() == v.ndim() && (q.ndim() == 2 || q.ndim() == 3),
             "q, k, v must all be (n, heads * head_dim) or all (batch, n, heads * head_dim)");
        const bool batched = q.ndim() == 3;
        const py::ssize_t B = batched ? q.shape(0) : 1, ax = batched ? 1 : 0;
        need(!batched || (k.shape(0) == B && v.shape(0) == B), "q, k, v must have one batch size");
        need(q.shape(ax + 1) == k.shape(ax + 1) && k.shape(ax + 1) == v.shape(ax + 1) && k.shape(ax) == v.shape(ax),
             "q, k, v must be (n, heads * head_dim) with k and v of one length");
        need(heads > 0 && q.shape(ax + 1) % heads == 0 && q.shape(ax + 1) / heads <= 256,
             "width must be heads * head_dim (<= 256)");
        const int w = static_cast<int>(q.shape(ax + 1));
        const int nq = static_cast<int>(q.shape(ax)), nk = static_cast<int>(k.shape(ax));
        nn::AttentionShape s{nq, nk, heads, w / heads, w, w, w, w};
        s.batch = static_cast<int>(B);
        s.q_batch = s.out_batch = static_cast<std::size_t>(nq) * w;
        s.k_batch = s.v_batch = static_cast<std::size_t>(nk) * w;
        s.mask_batch = static_cast<std::size_t>(nk);
        if (key_mask)
            need(static_cast<py::ssize_t>(key_mask->size()) == B * nk && (batched ? key_mask->ndim() == 2 : key_mask->ndim() == 1),
                 batched ? "key_mask must be (batch, keys)" : "key_mask must have one value per key");
        const std::uint8_t* mp = key_mask ? key_mask->data() : nullptr;
        f32 out = batched ? f32({B, q.shape(1), q.shape(2)}) : f32({q.shape(0), q.shape(1)});
        float* op = out.mutable_data();
        std::fill(op, op + out.size(), std::nanf(""));
        nn::ThreadPool* pool = shared_pool(n_threads);
        {
            py::gil_scoped_release nogil;
            if (reference) nn::attention_reference(q.data(), k.data(), v.data(), op, s, mp, scale);
            else nn::attention(q.data(), k.data(), v.data(), op, s, mp, scale, pool);
        }
        return out;
    }, py::arg("q"), py::arg("k"), py::arg("v"), py::arg("heads"), py::arg("key_mask") = py::none(),
       py::arg("scale") = 0.0f, py::arg("n_threads") = 1, py::arg("reference") = false);
    m.def("nn_sampler_step", [](const f32& x, const f32& vc, const f32& vu, const f32& prev_d, float a, float s, float cfg,
                                float cx, float cd, float cp, bool last, bool reference) {
        need(x.size() == vc.size() && x.size() == vu.size() && x.size() == prev_d.size(), "all arrays must have one size");
        f32 xn(x.size()), d(x.size());
        std::memcpy(xn.mutable_data(), x.data(), sizeof(float) * x.size());
        std::memcpy(d.mutable_data(), prev_d.data(), sizeof(float) * x.size());
        auto c = coeffs(a, s, cfg, cx, cd, cp, last);
        float* xp = xn.mutable_data();
        float* dp = d.mutable_data();
        {
            py::gil_scoped_release nogil;
            if (reference) sampling::sampler_step_reference(xp, vc.data(), vu.data(), dp, x.size(), c);
            else sampling::sampler_step(xp, vc.data(), vu.data(), dp, x.size(), c);
        }
        return py::make_tuple(xn, d);
    }, py::arg("x"), py::arg("vc"), py::arg("vu"), py::arg("prev_d"), py::arg("a"), py::arg("s"), py::arg("cfg"),
       py::arg("cx"), py::arg("cd"), py::arg("cp"), py::arg("last"), py::arg("reference") = false);
    m.def("sampler_timesteps", &sampling::timesteps);
    m.def("sampler_coefficients", [](int sampler, double t, double t_next, double prev_h, bool have_prev, float cfg) {
        double h = 0.0;
        auto c = sampling::step_coefficients(sampler, t, t_next, prev_h, have_prev, cfg, &h);
        py::dict d;
        d["a"] = c.a; d["s"] = c.s; d["cfg"] = c.cfg; d["cx"] = c.cx; d["cd"] = c.cd; d["cp"] = c.cp; d["last"] = c.last;
        d["h"] = h;
        return d;
    });
    m.def("nn_stft", [](const f32& x) {
        std::vector<float> re, im;
        const int samples = static_cast<int>(x.size());
        need(samples >= nn::kFft, "x must hold at least 512 samples");
        nn::stft(x.data(), samples, re, im, nullptr);
        const int frames = samples / nn::kHop;
        f32 r({nn::kBins, frames}), i({nn::kBins, frames});
        std::memcpy(r.mutable_data(), re.data(), sizeof(float) * re.size());
        std::memcpy(i.mutable_data(), im.data(), sizeof(float) * im.size());
        return py::make_tuple(r, i);
    });
    m.def("nn_istft", [](const f32& re, const f32& im, int samples) {
        need(re.ndim() == 2 && re.shape(0) == nn::kBins && im.size() == re.size(), "re, im must be (257, frames)");
        std::vector<float> y;
        nn::istft(re.data(), im.data(), static_cast<int>(re.shape(1)), samples, y, nullptr);
        f32 out(samples);
        std::memcpy(out.mutable_data(), y.data(), sizeof(float) * samples);
        return out;
    });
    m.def("nn_synthesise", [](const f32& feats, int samples, int iterations, std::uint64_t seed, std::optional<f32> start_phase) {
        need(feats.ndim() == 2 && feats.shape(0) == nn::kFeatureChannels, "feats must be (277, frames)");
        const int frames = static_cast<int>(feats.shape(1));
        need(samples == frames * nn::kHop, "samples must be frames * 128");
        const float* sp = start_phase ? start_phase->data() : nullptr;
        if (start_phase) need(start_phase->size() == static_cast<py::ssize_t>(nn::kBins) * frames, "start_phase must be (257, frames)");
        std::vector<float> a;
        {
            py::gil_scoped_release nogil;
            nn::synthesise(feats.data(), frames, samples, iterations, seed, sp, a, shared_pool(0));
        }
        f32 out({2, samples});
        std::memcpy(out.mutable_data(), a.data(), sizeof(float) * a.size());
        return out;
    }, py::arg("feats"), py::arg("samples"), py::arg("iterations") = 32, py::arg("seed") = 0,
       py::arg("start_phase") = py::none());
    m.def("native_noise", [](std::uint64_t seed, std::size_t n) {
        nn::Rng r(seed);
        f32 out(n);
        for (std::size_t i = 0; i < n; ++i) out.mutable_data()[i] = r.normal();
        return out;
    });
    m.def("safetensors_check", [](const py::bytes& data) {
        std::string buf = data;
        nn::SafeTensors st;
        std::string err;
        need(st.open_memory(buf.data(), buf.size(), err), err);
        py::dict d;
        for (const auto& kv : st.tensors()) {
            py::list shape;
            for (auto s : kv.second.shape) shape.append(s);
            d[py::str(kv.first)] = shape;
        }
        return d;
    });
    m.def("safetensors_check_file", [](const std::string& path) {
        nn::SafeTensors st;
        std::string err;
        need(st.open_file(path, err), err);
        return st.tensors().size();
    });
    m.def("scene_azimuth_state", [](const std::string& json, double duration, int frames, int bins) {
        rt::SceneSpec s;
        std::string err;
        need(rt::parse_scene_json(json, s, err), err);
        std::vector<float> out;
        need(rt::azimuth_state(s, duration, frames, bins, out, err), err);
        f32 a({4 * bins, frames});
        std::memcpy(a.mutable_data(), out.data(), sizeof(float) * out.size());
        return a;
    });
    py::class_<NativeModel>(m, "NativeModel")
        .def(py::init<const std::string&, const std::string&, int, bool, bool>(), py::arg("bundle"),
             py::arg("text_encoder_dir"), py::arg("n_threads") = 0, py::arg("check_text_encoder") = true,
             py::arg("use_gpu") = false)
        .def_property_readonly("backend", &NativeModel::backend)
        .def_property_readonly("gpu_status", &NativeModel::gpu_status)
        .def_property_readonly("config", &NativeModel::config)
        .def_property_readonly("hop", &NativeModel::hop)
        .def("encode_text", &NativeModel::encode_text)
        .def("sample_latents", &NativeModel::sample_latents, py::arg("prompts"), py::arg("states"), py::arg("frames"),
             py::arg("steps") = 25, py::arg("cfg") = 3.0f, py::arg("seed") = 0, py::arg("sampler") = 0,
             py::arg("noise") = py::none())
        .def("decode_features", &NativeModel::decode_features)
        .def("decode", &NativeModel::decode, py::arg("latent"), py::arg("samples"), py::arg("seed") = 0,
             py::arg("iterations") = 32, py::arg("start_phase") = py::none())
        .def("generate", &NativeModel::generate, py::arg("prompt"), py::arg("scene_json") = py::none(),
             py::arg("seconds") = 10.0, py::arg("steps") = 25, py::arg("cfg") = 3.0f, py::arg("seed") = 0,
             py::arg("sampler") = 0, py::arg("cascaded") = false, py::arg("iterations") = 32,
             py::arg("hrtf") = nullptr, py::arg("progress") = py::none());
}
