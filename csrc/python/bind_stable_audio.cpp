// Python bindings of the Stable Audio Open family (bewo_rt.models.stable_audio): the loaded model
// and each of its pieces, numpy in and out. Errors surface as ValueError; the GIL is released
// around every computation.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "../models/stable_audio/sa_model.h"
#include "../models/stable_audio/spiece_tokenizer.h"
#include "../runtime/bewo_positions.h"
#include "../runtime/scene_json.h"

namespace py = pybind11;
using namespace bewo;

namespace {

using f32 = py::array_t<float, py::array::c_style | py::array::forcecast>;
using i32 = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>;
using u8 = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

void need(bool ok, const std::string& msg) {
    if (!ok) throw std::invalid_argument(msg);
}

f32 to_array(const std::vector<float>& v, std::vector<py::ssize_t> shape) {
    f32 out(shape);
    std::memcpy(out.mutable_data(), v.data(), v.size() * sizeof(float));
    return out;
}

class PyStableAudio {
public:
    PyStableAudio(const std::string& weights, const std::string& config_json, const std::string& t5_dir,
                  const std::string& t5_weights, int n_threads, int shared_snake) {
        sa::LoadOptions o;
        o.n_threads = n_threads;
        o.shared_snake = shared_snake;
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = m_.load(weights, config_json, t5_dir, t5_weights, o, err);
        }
        need(ok, err);
    }

    py::dict config() const {
        const auto& c = m_.config();
        py::dict d;
        d["sample_rate"] = c.sample_rate;
        d["audio_channels"] = c.audio_channels;
        d["sample_size"] = c.sample_size;
        d["latent_dim"] = c.latent_dim;
        d["downsampling_ratio"] = c.downsampling_ratio;
        d["cond_dim"] = c.cond_dim;
        d["objective"] = c.objective;
        d["embed_dim"] = c.dit.embed_dim;
        d["depth"] = c.dit.depth;
        d["num_heads"] = c.dit.num_heads;
        d["kv_heads"] = c.dit.kv_heads();
        d["qk_norm"] = c.dit.qk_norm;
        d["global_cond_dim"] = c.dit.global_cond_dim;
        d["cross_ids"] = c.cross_ids;
        d["global_ids"] = c.global_ids;
        py::list conds;
        for (const auto& s : c.conditioners) {
            py::dict e;
            e["id"] = s.id;
            e["type"] = s.type;
            e["max_length"] = s.max_length;
            e["min_val"] = s.min_val;
            e["max_val"] = s.max_val;
            conds.append(e);
        }
        d["conditioners"] = conds;
        d["t5_max_length"] = m_.t5_max_length();
        d["cross_tokens"] = m_.cross_tokens();
        return d;
    }

    f32 encode_text(const i32& ids, const u8& mask) {
        need(ids.ndim() == 2 && mask.ndim() == 2 && ids.shape(0) == mask.shape(0) && ids.shape(1) == mask.shape(1),
             "ids and mask must both be (batch, tokens)");
        const int B = static_cast<int>(ids.shape(0)), n = static_cast<int>(ids.shape(1));
        std::vector<float> out;
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = m_.encode_text(ids.data(), mask.data(), B, n, out, err);
        }
        need(ok, err);
        return to_array(out, {B, n, m_.config().cond_dim});
    }

    py::tuple conditioning(const f32& t5, const u8& mask, const std::map<std::string, std::vector<double>>& numbers,
                           std::optional<f32> positions, std::optional<std::vector<int>> n_positions) {
        need(t5.ndim() == 3 && t5.shape(2) == m_.config().cond_dim, "t5 states must be (batch, tokens, cond_dim)");
        need(mask.ndim() == 2 && mask.shape(0) == t5.shape(0) && mask.shape(1) == t5.shape(1), "mask must be (batch, tokens)");
        const int B = static_cast<int>(t5.shape(0)), n = static_cast<int>(t5.shape(1));
        const float* pos = nullptr;
        const int* npos = nullptr;
        if (positions) {
            need(positions->ndim() == 3 && positions->shape(0) == B && positions->shape(1) == 4 && positions->shape(2) == 4,
                 "positions must be (batch, 4, 4)");
            need(n_positions && static_cast<int>(n_positions->size()) == B, "n_positions must give one count per item");
            pos = positions->data();
            npos = n_positions->data();
        }
        std::vector<float> cross, global;
        int n_ctx = 0;
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = m_.conditioning(t5.data(), mask.data(), B, n, numbers, pos, npos, cross, n_ctx, global, err);
        }
        need(ok, err);
        return py::make_tuple(to_array(cross, {B, n_ctx, m_.config().cond_dim}),
                              to_array(global, {B, m_.config().dit.global_cond_dim}));
    }

    void check_latent(const f32& x, const char* name) const {
        need(x.ndim() == 3 && x.shape(1) == m_.config().latent_dim && x.shape(2) >= 1,
             std::string(name) + " must be (batch, " + std::to_string(m_.config().latent_dim) + ", frames)");
    }

    void check_cond(int B, const std::optional<f32>& cross, const std::optional<f32>& global, int& n_ctx) const {
        n_ctx = 0;
        if (cross) {
            need(cross->ndim() == 3 && cross->shape(0) == B && cross->shape(2) == m_.config().cond_dim,
                 "cross must be (batch, tokens, cond_dim)");
            n_ctx = static_cast<int>(cross->shape(1));
        } else {
            need(m_.config().cross_ids.empty(), "this model needs the cross-attention context (cross)");
        }
        if (global) {
            need(global->ndim() == 2 && global->shape(0) == B && global->shape(1) == m_.config().dit.global_cond_dim,
                 "global_cond must be (batch, global_cond_dim)");
        } else {
            need(m_.config().dit.global_cond_dim == 0, "this model needs the global condition (global_cond)");
        }
    }

    f32 dit(const f32& x, const f32& t, std::optional<f32> cross, std::optional<f32> global) {
        check_latent(x, "x");
        const int B = static_cast<int>(x.shape(0)), T = static_cast<int>(x.shape(2));
        need(t.size() == B, "t must hold one timestep per item");
        int n_ctx;
        check_cond(B, cross, global, n_ctx);
        std::vector<float> v;
        {
            py::gil_scoped_release nogil;
            m_.dit(x.data(), B, T, t.data(), cross ? cross->data() : nullptr, n_ctx, global ? global->data() : nullptr, v);
        }
        return to_array(v, {B, m_.config().latent_dim, T});
    }

    f32 sample(const f32& noise, std::optional<f32> cross, std::optional<f32> global, int steps, float cfg,
               float scale_phi, const std::string& sampler, std::uint64_t seed, double sigma_min, double sigma_max,
               std::optional<f32> step_noise, py::object progress) {
        check_latent(noise, "noise");
        const int B = static_cast<int>(noise.shape(0)), T = static_cast<int>(noise.shape(2));
        int n_ctx;
        check_cond(B, cross, global, n_ctx);
        sa::SampleOptions o;
        need(sampling::parse_k_sampler(sampler, o.sampler),
             "sampler must be one of dpmpp-3m-sde, dpmpp-2m-sde, dpmpp-2m, pingpong; got '" + sampler + "'");
        o.steps = steps;
        o.cfg = cfg;
        o.scale_phi = scale_phi;
        o.seed = seed;
        o.sigma_min = sigma_min;
        o.sigma_max = sigma_max;
        if (step_noise) {
            need(step_noise->ndim() == 4 && step_noise->shape(0) >= steps && step_noise->shape(1) == B &&
                     step_noise->shape(2) == noise.shape(1) && step_noise->shape(3) == T,
                 "step_noise must be (steps, batch, channels, frames)");
            o.step_noise = step_noise->data();
        }
        if (!progress.is_none()) {
            o.progress = [progress](int i, int n) {
                py::gil_scoped_acquire g;
                py::object r = progress(i, n);
                return r.is_none() || r.cast<bool>();
            };
        }
        std::vector<float> lat;
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = m_.sample(noise.data(), B, T, cross ? cross->data() : nullptr, n_ctx, global ? global->data() : nullptr,
                           o, lat, err);
        }
        need(ok, err);
        return to_array(lat, {B, m_.config().latent_dim, T});
    }

    void enable_cuda(const std::string& dtype) {
        cuda_nn::DType d;
        need(cuda_nn::parse_dtype(dtype, &d), "dtype must be 'fp32', 'fp16' or 'bf16', got '" + dtype + "'");
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = m_.enable_cuda(d, err);
        }
        need(ok, "cannot run this model on the GPU: " + err);
    }

    py::object cuda_dtype() const {
        if (!m_.cuda_enabled()) return py::none();
        return py::str(cuda_nn::dtype_name(m_.cuda_dtype()));
    }

    f32 dit_cuda(const f32& x, const f32& t, std::optional<f32> cross, std::optional<f32> global) {
        check_latent(x, "x");
        const int B = static_cast<int>(x.shape(0)), T = static_cast<int>(x.shape(2));
        need(t.size() == B, "t must hold one timestep per item");
        int n_ctx;
        check_cond(B, cross, global, n_ctx);
        std::vector<float> v;
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = m_.dit_cuda(x.data(), B, T, t.data(), cross ? cross->data() : nullptr, n_ctx,
                             global ? global->data() : nullptr, v, err);
        }
        need(ok, err);
        return to_array(v, {B, m_.config().latent_dim, T});
    }

    f32 decode(const f32& latents) {
        check_latent(latents, "latents");
        const int B = static_cast<int>(latents.shape(0)), T = static_cast<int>(latents.shape(2));
        std::vector<float> a;
        {
            py::gil_scoped_release nogil;
            m_.decode(latents.data(), B, T, a);
        }
        return to_array(a, {B, m_.config().audio_channels, static_cast<py::ssize_t>(T) * m_.config().downsampling_ratio});
    }

    sa::StableAudioModel m_;
};

}  // namespace

void bind_stable_audio(py::module_& m) {
    py::class_<PyStableAudio>(m, "StableAudioModel")
        .def(py::init<const std::string&, const std::string&, const std::string&, const std::string&, int, int>(),
             py::arg("weights"), py::arg("config_json"), py::arg("t5_dir"), py::arg("t5_weights") = "",
             py::arg("n_threads") = 0, py::arg("shared_snake") = -1)
        .def_property_readonly("config", &PyStableAudio::config)
        .def_property_readonly("unknown_tensors", [](const PyStableAudio& p) { return p.m_.unknown_tensors(); })
        .def_property_readonly("shared_snake", [](const PyStableAudio& p) { return p.m_.shared_snake(); })
        .def_property_readonly("has_t5", [](const PyStableAudio& p) { return p.m_.has_t5(); })
        .def("encode_text", &PyStableAudio::encode_text)
        .def("conditioning", &PyStableAudio::conditioning, py::arg("t5"), py::arg("mask"), py::arg("numbers"),
             py::arg("positions") = py::none(), py::arg("n_positions") = py::none())
        .def("dit", &PyStableAudio::dit, py::arg("x"), py::arg("t"), py::arg("cross") = py::none(),
             py::arg("global_cond") = py::none())
        .def("sample", &PyStableAudio::sample, py::arg("noise"), py::arg("cross"), py::arg("global_cond"),
             py::arg("steps"), py::arg("cfg"), py::arg("scale_phi"), py::arg("sampler"), py::arg("seed"),
             py::arg("sigma_min"), py::arg("sigma_max"), py::arg("step_noise") = py::none(),
             py::arg("progress") = py::none())
        .def("decode", &PyStableAudio::decode)
        .def("enable_cuda", &PyStableAudio::enable_cuda, py::arg("dtype") = "bf16")
        .def("disable_cuda", [](PyStableAudio& p) { p.m_.disable_cuda(); })
        .def_property_readonly("cuda_dtype", &PyStableAudio::cuda_dtype)
        .def_property_readonly("last_gpu_sample_ms", [](const PyStableAudio& p) { return p.m_.last_gpu_sample_ms(); })
        .def_property_readonly("last_gpu_graph_reused", [](const PyStableAudio& p) { return p.m_.last_gpu_graph_reused(); })
        .def("dit_cuda", &PyStableAudio::dit_cuda, py::arg("x"), py::arg("t"), py::arg("cross") = py::none(),
             py::arg("global_cond") = py::none());
    m.def("sa_snake_beta", [](const f32& x, const f32& alpha, const f32& beta) {
        need(x.ndim() == 2 && alpha.size() == x.shape(1) && beta.size() == x.shape(1), "x (frames, channels), alpha and beta (channels)");
        sa::SnakeW s;
        for (py::ssize_t c = 0; c < alpha.size(); ++c) {
            s.a.push_back(std::exp(alpha.data()[c]));
            s.inv_b.push_back(1.0f / (std::exp(beta.data()[c]) + 1e-9f));
        }
        std::vector<float> y(x.size());
        sa::snake_beta_tm(x.data(), y.data(), x.shape(0), static_cast<int>(x.shape(1)), s, nullptr);
        return to_array(y, {x.shape(0), x.shape(1)});
    }, "SnakeBeta on time-major (frames, channels) rows; exposed for tests");
    m.def("bewo_direction", [](double azimuth_deg) { return bewo::rt::bewo_direction(azimuth_deg); },
          "an azimuth (degrees, 0 ahead, negative left) on BEWO's 1 (left) .. 5 (right) scale, quarter steps");
    m.def("bewo_positions", [](const std::string& scene_json, double seconds) {
        bewo::rt::SceneSpec scene;
        std::string err;
        if (!bewo::rt::parse_scene_json(scene_json, scene, err)) throw py::value_error("scene: " + err);
        std::vector<bewo::rt::BewoPosition> pos;
        need(bewo::rt::bewo_positions(scene, seconds, pos, err), err);
        std::vector<std::tuple<double, double, double, double>> out;
        for (const auto& p : pos) out.emplace_back(p.start_dir, p.end_dir, p.speed, p.flag);
        return out;
    }, py::arg("scene_json"), py::arg("seconds") = 10.0,
       "BEWO's (start_dir, end_dir, speed, flag) per source of a scene (runtime/bewo_positions.h)");
    m.def("sa_position_matrix", [](const std::vector<std::vector<double>>& tuples) {
        need(tuples.size() <= 4, "BEWO's position conditioner takes at most 4 sources (use the cascaded mode for more)");
        std::vector<float> out(static_cast<std::size_t>(4) * sa::kPosRows * sa::kPosCols, 0.0f);
        std::vector<double> m1;
        std::string err;
        for (std::size_t s = 0; s < tuples.size(); ++s) {
            need(tuples[s].size() == 4, "each position is (start_dir, end_dir, speed, flag)");
            need(sa::position_matrix(tuples[s][0], tuples[s][1], tuples[s][2], tuples[s][3], m1, err), err);
            for (std::size_t i = 0; i < m1.size(); ++i) out[s * m1.size() + i] = static_cast<float>(m1[i]);
        }
        return to_array(out, {4 * sa::kPosRows, sa::kPosCols});
    }, "BEWO's azimuth-state matrix (68, 768) for up to 4 (start_dir, end_dir, speed, flag) tuples");
    m.def("sa_tokenize", [](const std::string& folder, const std::vector<std::string>& prompts, int max_length) {
        sa::SpieceTokenizer tok;
        std::string err;
        std::vector<std::int32_t> ids;
        std::vector<std::uint8_t> mask;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = tok.load(folder, max_length, err) && tok.encode(prompts, ids, mask, err);
        }
        need(ok, err);
        const py::ssize_t B = static_cast<py::ssize_t>(prompts.size()), L = max_length;
        i32 out_ids({B, L});
        u8 out_mask({B, L});
        if (!ids.empty()) {
            std::memcpy(out_ids.mutable_data(), ids.data(), ids.size() * sizeof(std::int32_t));
            std::memcpy(out_mask.mutable_data(), mask.data(), mask.size());
        }
        return py::make_tuple(out_ids, out_mask);
    }, py::arg("folder"), py::arg("prompts"), py::arg("max_length"),
       "Native T5 tokenizer: (ids int32 [B, L], mask uint8 [B, L]) as transformers' AutoTokenizer gives");
    m.def("sa_sigmas", [](int steps, double smin, double smax) { return sampling::sigmas_polyexponential(steps, smin, smax); });
    m.def("sa_rf_schedule", [](int steps, double smax) { return sampling::rf_schedule(steps, smax); });
    // Every step's (cx, cd, cd1, cd2, ce), as the GPU loop receives them.
    m.def("sa_k_step_table", [](const std::string& sampler, const std::vector<double>& sigmas) {
        sampling::KSampler s;
        need(sampling::parse_k_sampler(sampler, s), "unknown sampler '" + sampler + "'");
        need(sigmas.size() >= 2, "sigmas must hold steps + 1 values");
        std::vector<std::tuple<double, double, double, double, double>> out;
        for (const auto& c : sampling::k_step_table(s, sigmas)) out.emplace_back(c.cx, c.cd, c.cd1, c.cd2, c.ce);
        return out;
    });
}
