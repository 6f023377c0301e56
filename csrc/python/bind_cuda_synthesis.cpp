// Python bindings of the tiny model's synthesis on the GPU (cuda/synthesis_cuda.h), on host
// arrays in the shapes of the CPU functions nn_stft / nn_istft / nn_synthesise, for tests and
// benchmarks. Without CUDA every call raises RuntimeError("... CUDA backend not compiled").
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../cuda/synthesis_cuda.h"
#include "../nn/synthesis.h"
#include "../nn/vae_decoder.h"

namespace py = pybind11;
using namespace bewo;

namespace {

using f32 = py::array_t<float, py::array::c_style | py::array::forcecast>;

void need(bool ok, const std::string& msg) {
    if (!ok) throw std::invalid_argument(msg);
}

// One instance per thread, initialised on first use (its tables and scratch stay on the device).
cuda_nn::SynthesisCuda& synth() {
    static thread_local std::unique_ptr<cuda_nn::SynthesisCuda> s;
    if (!s) s = std::make_unique<cuda_nn::SynthesisCuda>();
    std::string err;
    if (!s->ready() && !s->init(err)) throw std::runtime_error(err);
    return *s;
}

f32 planar(const std::vector<float>& v, py::ssize_t rows, py::ssize_t cols) {
    f32 out({rows, cols});
    std::memcpy(out.mutable_data(), v.data(), sizeof(float) * v.size());
    return out;
}

}  // namespace

void bind_cuda_synthesis(py::module_& m) {
    m.def("cuda_stft", [](const f32& x) {
        const int samples = static_cast<int>(x.size());
        need(x.ndim() == 1 && samples >= nn::kFft, "x must be 1-D with at least 512 samples");
        std::vector<float> re, im;
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = synth().stft(x.data(), samples, re, im, err);
        }
        if (!ok) throw std::runtime_error(err);
        const int frames = samples / nn::kHop;
        return py::make_tuple(planar(re, nn::kBins, frames), planar(im, nn::kBins, frames));
    }, "nn_stft on the GPU: (re, im), each (257, len(x) // 128).");
    m.def("cuda_istft", [](const f32& re, const f32& im, int samples) {
        need(re.ndim() == 2 && re.shape(0) == nn::kBins && im.ndim() == 2 && im.shape(0) == nn::kBins &&
                 im.shape(1) == re.shape(1),
             "re, im must be (257, frames)");
        need(samples >= 1, "samples must be >= 1");
        std::vector<float> y;
        std::string err;
        bool ok;
        {
            py::gil_scoped_release nogil;
            ok = synth().istft(re.data(), im.data(), static_cast<int>(re.shape(1)), samples, y, err);
        }
        if (!ok) throw std::runtime_error(err);
        f32 out(samples);
        std::memcpy(out.mutable_data(), y.data(), sizeof(float) * samples);
        return out;
    }, "nn_istft on the GPU.");
    m.def("cuda_synthesise", [](const f32& feats, int samples, int iterations, std::uint64_t seed,
                                std::optional<f32> start_phase) {
        need(feats.ndim() == 2 && feats.shape(0) == nn::kFeatureChannels, "feats must be (277, frames)");
        const int frames = static_cast<int>(feats.shape(1));
        need(samples == frames * nn::kHop, "samples must be frames * 128");
        const float* sp = nullptr;
        if (start_phase) {
            need(start_phase->size() == static_cast<py::ssize_t>(nn::kBins) * frames, "start_phase must be (257, frames)");
            sp = start_phase->data();
        }
        std::vector<float> a;
        std::string err;
        bool ok;
        double ms = 0.0;
        {
            py::gil_scoped_release nogil;
            ok = synth().synthesise(feats.data(), frames, samples, iterations, seed, sp, a, err);
            ms = synth().last_ms();
        }
        if (!ok) throw std::runtime_error(err);
        return py::make_tuple(planar(a, 2, samples), ms);
    }, py::arg("feats"), py::arg("samples"), py::arg("iterations") = 32, py::arg("seed") = 0,
       py::arg("start_phase") = py::none(),
       "nn_synthesise on the GPU: (audio (2, samples), device ms of the synthesis).");
}
