// Python binding of the streaming renderer (bewo_rt.stream wraps it with friendly checks).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../dsp/hrtf_set.h"
#include "../dsp/stream_renderer.h"

namespace py = pybind11;
using bewo::HrtfSet;
using bewo::StreamRenderer;

namespace {

using f32 = py::array_t<float, py::array::c_style | py::array::forcecast>;
using f64 = py::array_t<double, py::array::c_style | py::array::forcecast>;
using i64 = py::array_t<long long, py::array::c_style | py::array::forcecast>;

void check(StreamRenderer::Status st) {
    if (st != StreamRenderer::kOk) throw py::value_error(StreamRenderer::status_message(st));
}

}  // namespace

void bind_stream(py::module_& m) {
    py::class_<StreamRenderer>(m, "StreamRenderer")
        .def(py::init([](std::shared_ptr<HrtfSet> hrtf, int max_sources, std::size_t max_block, std::size_t partition,
                         double near_field_m, double reference_distance_m) {
                 return std::make_unique<StreamRenderer>(std::move(hrtf), max_sources, max_block, partition,
                                                         near_field_m, reference_distance_m);
             }),
             py::arg("hrtf"), py::arg("max_sources") = 16, py::arg("max_block") = 1024, py::arg("partition") = 0,
             py::arg("near_field_m") = 0.25, py::arg("reference_distance_m") = 1.0)
        .def_property_readonly("max_sources", &StreamRenderer::max_sources)
        .def_property_readonly("max_block", &StreamRenderer::max_block)
        .def_property_readonly("partition", &StreamRenderer::partition)
        .def_property_readonly("partitions", &StreamRenderer::partitions)
        .def_property_readonly("sample_rate", &StreamRenderer::sample_rate)
        .def_property_readonly("active_sources", &StreamRenderer::active_sources)
        .def("is_active", &StreamRenderer::is_active)
        .def("set_source", [](StreamRenderer& r, int id, double az, double el, double dist,
                              double gain) { check(r.set_source(id, az, el, dist, gain)); },
             py::arg("id"), py::arg("azimuth"), py::arg("elevation"), py::arg("distance"), py::arg("gain"))
        .def("remove_source", [](StreamRenderer& r, int id) { check(r.remove_source(id)); })
        .def("reset", &StreamRenderer::reset)
        // x: (k, frames) float32, ids: (k,) source slots of the rows. Returns (2, frames).
        .def("process", [](StreamRenderer& r, const f32& x, const i64& ids) {
            if (x.ndim() != 2 || ids.ndim() != 1 || ids.shape(0) != x.shape(0))
                throw py::value_error("inputs must be (k, frames) with one id per row");
            const std::size_t frames = std::size_t(x.shape(1));
            std::vector<const float*> ptr(std::size_t(r.max_sources()), nullptr);
            for (py::ssize_t i = 0; i < x.shape(0); ++i) {
                const long long id = ids.at(i);
                if (id < 0 || id >= r.max_sources()) throw py::value_error("source id out of range");
                ptr[std::size_t(id)] = x.data(i, 0);
            }
            f32 out({py::ssize_t(2), py::ssize_t(frames)});
            float* o = out.mutable_data();
            StreamRenderer::Status st;
            {
                py::gil_scoped_release nogil;
                st = r.process(ptr.data(), frames, o, o + frames);
            }
            check(st);
            return out;
        }, py::arg("inputs"), py::arg("ids"))
        // For benchmarks and offline use: k sources (rows of x, ids 0..k-1) over n_blocks blocks of
        // `block` samples; positions (n_blocks, k, 4) = azimuth, elevation, distance, gain set before
        // each block. Returns (2, n_blocks * block). Runs without the GIL.
        .def("run_blocks", [](StreamRenderer& r, const f32& x, const f64& positions, std::size_t block) {
            if (x.ndim() != 2 || positions.ndim() != 3 || positions.shape(1) != x.shape(0) || positions.shape(2) != 4)
                throw py::value_error("x must be (k, n) and positions (n_blocks, k, 4)");
            const std::size_t k = std::size_t(x.shape(0)), n = std::size_t(x.shape(1));
            const std::size_t nb = std::size_t(positions.shape(0));
            if (k > std::size_t(r.max_sources())) throw py::value_error("more rows than max_sources");
            if (nb * block > n) throw py::value_error("x is shorter than n_blocks * block");
            f32 out({py::ssize_t(2), py::ssize_t(nb * block)});
            float* o = out.mutable_data();
            const float* xp = x.data();
            const double* pp = positions.data();
            StreamRenderer::Status st = StreamRenderer::kOk;
            {
                py::gil_scoped_release nogil;
                std::vector<const float*> ptr(std::size_t(r.max_sources()), nullptr);
                for (std::size_t j = 0; j < nb && st == StreamRenderer::kOk; ++j) {
                    for (std::size_t s = 0; s < k && st == StreamRenderer::kOk; ++s) {
                        const double* q = pp + (j * k + s) * 4;
                        st = r.set_source(int(s), q[0], q[1], q[2], q[3]);
                        ptr[s] = xp + s * n + j * block;
                    }
                    if (st == StreamRenderer::kOk)
                        st = r.process(ptr.data(), block, o + j * block, o + nb * block + j * block);
                }
            }
            check(st);
            return out;
        }, py::arg("x"), py::arg("positions"), py::arg("block"));
}
