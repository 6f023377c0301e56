// The only file that knows about Python. Arrays are validated here for dtype/shape (the Python
// layer has already produced friendly messages); C++ work runs with the GIL released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../cuda/render_cuda.h"
#include "../cuda/room_cuda.h"
#include "../dsp/fft.h"
#include "../dsp/hrtf_set.h"
#include "../dsp/renderer.h"
#include "../dsp/room.h"
#include "../dsp/trajectory.h"

namespace py = pybind11;
using namespace bewo;

using f32 = py::array_t<float, py::array::c_style | py::array::forcecast>;
using f64 = py::array_t<double, py::array::c_style | py::array::forcecast>;

namespace {

std::vector<float> to_vec(const f32& a) { return std::vector<float>(a.data(), a.data() + a.size()); }

std::vector<Keyframe> to_keyframes(const f64& kf) {
    if (kf.ndim() != 2 || kf.shape(1) != 4)
        throw std::invalid_argument("keyframes must have shape (K, 4): time_s, azimuth_deg, elevation_deg, distance_m");
    std::vector<Keyframe> out(kf.shape(0));
    for (py::ssize_t i = 0; i < kf.shape(0); ++i)
        out[i] = {kf.at(i, 0), kf.at(i, 1), kf.at(i, 2), kf.at(i, 3)};
    validate_keyframes(out.data(), out.size());
    return out;
}

RenderParams make_params(std::size_t block_size, double near_field_m, double reference_distance_m, int n_threads) {
    RenderParams p;
    p.block_size = block_size;
    p.near_field_m = near_field_m;
    p.reference_distance_m = reference_distance_m;
    p.n_threads = n_threads;
    return p;
}

struct PySource {
    f32 x;
    std::vector<Keyframe> kf;
    double gain;
};

std::vector<PySource> to_sources(const py::list& sources) {
    std::vector<PySource> out;
    for (const auto& item : sources) {
        auto t = item.cast<py::tuple>();
        if (t.size() != 3) throw std::invalid_argument("each source must be (samples, keyframes, gain)");
        PySource s{t[0].cast<f32>(), to_keyframes(t[1].cast<f64>()), t[2].cast<double>()};
        if (s.x.ndim() != 1) throw std::invalid_argument("source samples must be 1-D");
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

// Bindings of the native runtime, the streaming renderer and the CUDA model kernels live in
// their own files.
void bind_nn(py::module_& m);
void bind_stream(py::module_& m);
void bind_cuda_nn(py::module_& m);
void bind_cuda_synthesis(py::module_& m);
void bind_text(py::module_& m);
void bind_prompt(py::module_& m);
void bind_room_scene(py::module_& m);
void bind_stable_audio(py::module_& m);

PYBIND11_MODULE(_core, m) {
    m.doc() = "bewo_rt C++ core: FFT, partitioned convolution, HRTF interpolation, rendering";
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const std::invalid_argument& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        }
    });

    m.def("rfft", [](const f32& x) {
        const std::size_t n = x.size();
        RealFFT fft(n);
        f32 re(n / 2 + 1), im(n / 2 + 1);
        fft.forward(x.data(), re.mutable_data(), im.mutable_data());
        return py::make_tuple(re, im);
    }, "Real FFT (power-of-two size) -> (re, im), n/2+1 bins; exposed for tests");
    m.def("irfft", [](const f32& re, const f32& im) {
        const std::size_t n = 2 * (re.size() - 1);
        RealFFT fft(n);
        std::vector<float> r = to_vec(re), i = to_vec(im);
        f32 x(n);
        fft.inverse(r.data(), i.data(), x.mutable_data());
        return x;
    }, "Unnormalised inverse real FFT; exposed for tests");

    py::class_<HrtfSet, std::shared_ptr<HrtfSet>>(m, "HrtfSet")
        .def(py::init([](double sr, const f32& az, const f32& el, const f32& filters, const f32& delays, int k) {
                 if (filters.ndim() != 3 || filters.shape(1) != 2)
                     throw std::invalid_argument("filters must have shape (n_directions, 2, taps)");
                 return std::make_shared<HrtfSet>(sr, to_vec(az), to_vec(el), to_vec(filters), filters.shape(2),
                                                  to_vec(delays), k);
             }),
             py::arg("sample_rate"), py::arg("azimuth_deg"), py::arg("elevation_deg"), py::arg("filters"),
             py::arg("delays"), py::arg("neighbours") = 4)
        .def_property_readonly("sample_rate", &HrtfSet::sample_rate)
        .def_property_readonly("n_directions", &HrtfSet::n_directions)
        .def_property_readonly("ir_length", &HrtfSet::ir_length)
        .def_property_readonly("filter_length", &HrtfSet::filter_length)
        .def("weights", [](const HrtfSet& h, double az, double el) {
            int idx[16];
            float w[16];
            const int k = h.weights(az, el, idx, w);
            return py::make_tuple(std::vector<int>(idx, idx + k), std::vector<float>(w, w + k));
        })
        .def("hrir", [](const HrtfSet& h, double az, double el) {
            if (!std::isfinite(az) || !std::isfinite(el)) throw std::invalid_argument("direction must be finite");
            f32 out({py::ssize_t(2), py::ssize_t(h.ir_length())});
            float* p = out.mutable_data();
            h.hrir(az, el, p, p + h.ir_length());
            return out;
        });

    m.def("plan_blocks", [](const f64& keyframes, std::size_t n_samples, double sr, std::size_t block_size,
                            double near_field_m, double reference_distance_m, double gain) {
        const auto kf = to_keyframes(keyframes);
        const auto st = plan_blocks(kf.data(), kf.size(), n_samples, sr,
                                    make_params(block_size, near_field_m, reference_distance_m, 1), gain);
        f64 out({py::ssize_t(st.size()), py::ssize_t(3)});
        double* p = out.mutable_data();
        for (std::size_t j = 0; j < st.size(); ++j) {
            p[3 * j] = st[j].az;
            p[3 * j + 1] = st[j].el;
            p[3 * j + 2] = st[j].gain;
        }
        return out;
    });

    m.def("render_scene", [](const HrtfSet& hrtf, const py::list& sources, std::size_t n_out, std::size_t block_size,
                             double near_field_m, double reference_distance_m, int n_threads) {
        auto srcs = to_sources(sources);
        std::vector<SourceInput> in;
        for (auto& s : srcs) in.push_back({s.x.data(), std::size_t(s.x.size()), s.kf.data(), s.kf.size(), s.gain});
        f32 out({py::ssize_t(2), py::ssize_t(n_out)});
        float* o = out.mutable_data();
        const RenderParams p = make_params(block_size, near_field_m, reference_distance_m, n_threads);
        {
            py::gil_scoped_release release;
            render_scene(hrtf, in.data(), in.size(), n_out, p, o, o + n_out);
        }
        return out;
    });

    m.def("eyring_absorption", [](std::array<double, 3> size, double rt60, double c) {
        return eyring_absorption(size.data(), rt60, c);
    }, py::arg("size"), py::arg("rt60_s"), py::arg("c") = 343.0);

    // Room response (2, n): room geometry in the room frame (x length, y width with +y on the
    // listener's left, z up). hrtf may be None in two-microphone mode.
    m.def("room_response", [](std::array<double, 3> size, std::array<double, 6> beta, bool outdoor, double rt60_s,
                              double transition_s, int max_order, std::array<double, 3> source,
                              std::array<double, 3> listener, std::shared_ptr<HrtfSet> hrtf, double sample_rate,
                              double length_s, bool two_microphones, double mic_spacing_m, std::uint64_t seed) {
        RoomSpec room;
        for (int i = 0; i < 3; ++i) room.size[i] = size[i];
        for (int i = 0; i < 6; ++i) room.beta[i] = beta[i];
        room.outdoor = outdoor;
        room.rt60_s = rt60_s;
        room.transition_s = transition_s;
        room.max_order = max_order;
        RoomResponseParams p;
        p.sample_rate = sample_rate;
        p.length_s = length_s;
        p.two_microphones = two_microphones;
        p.mic_spacing_m = mic_spacing_m;
        p.seed = seed;
        std::size_t n = 0;
        RoomStats st;
        std::vector<float> r;
        {
            py::gil_scoped_release release;
            r = room_response(room, source.data(), listener.data(), hrtf.get(), p, &n, &st);
        }
        f32 out({py::ssize_t(2), py::ssize_t(n)});
        std::copy(r.begin(), r.end(), out.mutable_data());
        return py::make_tuple(out, st.images);
    }, py::arg("size"), py::arg("beta"), py::arg("outdoor"), py::arg("rt60_s"), py::arg("transition_s"),
       py::arg("max_order"), py::arg("source"), py::arg("listener"), py::arg("hrtf"), py::arg("sample_rate"),
       py::arg("length_s"), py::arg("two_microphones"), py::arg("mic_spacing_m"), py::arg("seed"));

    // Trajectory evaluated at times (seconds): (T, 3) azimuth_deg, elevation_deg, distance_m.
    m.def("trajectory_at", [](const f64& keyframes, const f64& times) {
        const auto kf = to_keyframes(keyframes);
        f64 out({py::ssize_t(times.size()), py::ssize_t(3)});
        double* o = out.mutable_data();
        const double* t = times.data();
        for (py::ssize_t i = 0; i < times.size(); ++i) {
            const Keyframe k = evaluate(kf.data(), kf.size(), t[i]);
            o[3 * i] = k.az;
            o[3 * i + 1] = k.el;
            o[3 * i + 2] = k.dist;
        }
        return out;
    });

    // sources: list of (samples, filters (K, 2, L) float32, block_filter (n_blocks,) int32, gain)
    m.def("render_scheduled", [](const py::list& sources, std::size_t n_out, std::size_t block_size, int n_threads) {
        using i32 = py::array_t<int, py::array::c_style | py::array::forcecast>;
        std::vector<f32> xs, fs;
        std::vector<i32> bs;
        std::vector<ScheduledSource> in;
        for (const auto& item : sources) {
            auto t = item.cast<py::tuple>();
            if (t.size() != 4) throw std::invalid_argument("each source must be (samples, filters, block_filter, gain)");
            xs.push_back(t[0].cast<f32>());
            fs.push_back(t[1].cast<f32>());
            bs.push_back(t[2].cast<i32>());
            if (xs.back().ndim() != 1) throw std::invalid_argument("source samples must be 1-D");
            if (fs.back().ndim() != 3 || fs.back().shape(1) != 2)
                throw std::invalid_argument("filters must have shape (n_filters, 2, taps)");
            in.push_back({xs.back().data(), std::size_t(xs.back().size()), fs.back().data(),
                          std::size_t(fs.back().shape(0)), std::size_t(fs.back().shape(2)), bs.back().data(),
                          std::size_t(bs.back().size()), t[3].cast<double>()});
        }
        RenderParams p = make_params(block_size, 0.25, 1.0, n_threads);
        f32 out({py::ssize_t(2), py::ssize_t(n_out)});
        float* o = out.mutable_data();
        {
            py::gil_scoped_release release;
            render_scheduled(in.data(), in.size(), n_out, p, o, o + n_out);
        }
        return out;
    });

    m.def("cuda_status", []() {
        const CudaStatus s = cuda_status();
        return py::make_tuple(s.compiled, s.devices, s.detail);
    });

    // Batched room responses on the GPU: jobs is a list of (size, beta, outdoor, rt60_s,
    // transition_s, max_order, source, listener, seed), as room_response takes them. Returns
    // ((n_jobs, 2, n_max) float32, lengths): response i in [i, :, :lengths[i]], zeros after it.
    m.def("room_responses_cuda", [](const py::list& jobs, std::shared_ptr<HrtfSet> hrtf, double sample_rate,
                                    double length_s, bool two_microphones, double mic_spacing_m) {
        std::vector<RoomJob> js;
        for (const auto& item : jobs) {
            auto t = item.cast<py::tuple>();
            if (t.size() != 9)
                throw std::invalid_argument(
                    "each job must be (size, beta, outdoor, rt60_s, transition_s, max_order, source, listener, seed)");
            RoomJob j;
            const auto size = t[0].cast<std::array<double, 3>>();
            const auto beta = t[1].cast<std::array<double, 6>>();
            const auto src = t[6].cast<std::array<double, 3>>();
            const auto lis = t[7].cast<std::array<double, 3>>();
            for (int i = 0; i < 3; ++i) {
                j.room.size[i] = size[i];
                j.source[i] = src[i];
                j.listener[i] = lis[i];
            }
            for (int i = 0; i < 6; ++i) j.room.beta[i] = beta[i];
            j.room.outdoor = t[2].cast<bool>();
            j.room.rt60_s = t[3].cast<double>();
            j.room.transition_s = t[4].cast<double>();
            j.room.max_order = t[5].cast<int>();
            j.seed = t[8].cast<std::uint64_t>();
            js.push_back(j);
        }
        if (js.size() > std::size_t(INT_MAX)) throw std::invalid_argument("too many responses in one batch");
        RoomResponseParams p;
        p.sample_rate = sample_rate;
        p.length_s = length_s;
        p.two_microphones = two_microphones;
        p.mic_spacing_m = mic_spacing_m;
        const int n_jobs = int(js.size());
        std::vector<std::size_t> lengths(js.size());
        std::string err;
        {
            py::gil_scoped_release release;
            err = room_batch_lengths(js.data(), n_jobs, hrtf.get(), p, lengths.data());
        }
        if (!err.empty()) throw std::invalid_argument(err);
        std::size_t n_max = 1;
        for (std::size_t n : lengths) n_max = std::max(n_max, n);
        f32 out({py::ssize_t(n_jobs), py::ssize_t(2), py::ssize_t(n_max)});
        float* o = out.mutable_data();
        {
            py::gil_scoped_release release;
            err = cuda_room_responses(js.data(), n_jobs, hrtf.get(), p, n_max, o);
        }
        if (!err.empty()) throw std::runtime_error(err);
        std::vector<py::ssize_t> lens(lengths.begin(), lengths.end());
        return py::make_tuple(out, lens);
    }, py::arg("jobs"), py::arg("hrtf"), py::arg("sample_rate"), py::arg("length_s"), py::arg("two_microphones"),
       py::arg("mic_spacing_m"));

    // clips: list of lists of (samples, keyframes, gain); all outputs n_out samples long.
    m.def("render_batch_cuda", [](const HrtfSet& hrtf, const py::list& clips, std::size_t n_out,
                                  std::size_t block_size, double near_field_m, double reference_distance_m) {
        const RenderParams p = make_params(block_size, near_field_m, reference_distance_m, 1);
        if (block_size < 16 || (block_size & (block_size - 1)) != 0)
            throw std::invalid_argument("block_size must be a power of two >= 16");
        const std::size_t nb = (n_out + block_size - 1) / block_size, L = hrtf.ir_length();
        std::vector<int> offsets{0};
        std::vector<std::vector<PySource>> all;
        for (const auto& c : clips) {
            all.push_back(to_sources(c.cast<py::list>()));
            offsets.push_back(offsets.back() + int(all.back().size()));
        }
        const int S = offsets.back(), C = int(all.size());
        std::vector<float> x(std::size_t(S) * n_out, 0.f), hrirs(std::size_t(S) * nb * 2 * L), gains(std::size_t(S) * nb);
        f32 out({py::ssize_t(C), py::ssize_t(2), py::ssize_t(n_out)});
        float* o = out.mutable_data();
        std::string err;
        {
            py::gil_scoped_release release;
            std::size_t s = 0;
            std::vector<float> h;
            for (auto& clip : all)
                for (auto& src : clip) {
                    std::copy(src.x.data(), src.x.data() + std::min<std::size_t>(src.x.size(), n_out), &x[s * n_out]);
                    const auto st = plan_blocks(src.kf.data(), src.kf.size(), n_out, hrtf.sample_rate(), p, src.gain);
                    block_hrirs(hrtf, st, h);
                    std::copy(h.begin(), h.end(), &hrirs[s * nb * 2 * L]);
                    for (std::size_t j = 0; j < nb; ++j) gains[s * nb + j] = float(st[j].gain);
                    ++s;
                }
            err = cuda_render_batch(x.data(), hrirs.data(), gains.data(), offsets.data(), S, C, n_out, block_size, L, o);
        }
        if (!err.empty()) throw std::runtime_error(err);
        return out;
    });
    bind_nn(m);
    bind_stream(m);
    bind_cuda_nn(m);
    bind_cuda_synthesis(m);
    bind_text(m);
    bind_prompt(m);
    bind_room_scene(m);
    bind_stable_audio(m);
}
