// Test hook for the native room renderer (csrc/runtime/room_scene.h), checked against
// bewo_rt.room.simulate_scene in python_tests/test_native_rooms.py: a scene JSON plus one mono
// signal per source, placed and cut as bewo_rt.render.prepare_scene does.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../dsp/hrtf_set.h"
#include "../runtime/room_scene.h"
#include "../runtime/scene_json.h"

namespace py = pybind11;

void bind_room_scene(py::module_& m) {
    using f32 = py::array_t<float, py::array::c_style | py::array::forcecast>;
    m.def(
        "native_room_scene",
        [](const std::string& scene_json, const py::list& sounds, double sample_rate, std::shared_ptr<bewo::HrtfSet> hrtf,
           std::uint64_t seed, int n_threads, std::size_t block_size, double update_deg) {
            using namespace bewo::rt;
            if (!hrtf) throw py::value_error("hrtf must be an HrtfSet (bewo_rt.HRTF(...)._core), not None");
            if (!(sample_rate >= 1000 && sample_rate <= 384000))
                throw py::value_error("sample_rate must be in [1000, 384000] Hz, got " + std::to_string(sample_rate));
            if (n_threads < 1 || n_threads > 256) throw py::value_error("n_threads must be in [1, 256]");
            SceneSpec scene;
            std::string err;
            if (!parse_scene_json(scene_json, scene, err)) throw py::value_error("scene_json: " + err);
            if (scene.sources.empty()) throw py::value_error("scene.sources is empty: nothing to render");
            if (sounds.size() != scene.sources.size())
                throw py::value_error("sounds must hold one mono signal per source (" + std::to_string(scene.sources.size()) +
                                      "), got " + std::to_string(sounds.size()));
            // bewo_rt.render.prepare_scene: each sound delayed by its start time (rounded half to
            // even, as Python's round), the mix as long as duration_s or the longest placed sound.
            std::vector<std::vector<float>> placed(sounds.size());
            std::size_t n_out = 0;
            for (std::size_t i = 0; i < sounds.size(); ++i) {
                f32 x = sounds[i].cast<f32>();
                if (x.ndim() != 1) throw py::value_error("sounds[" + std::to_string(i) + "] must be 1-D (mono)");
                const double start = std::nearbyint(scene.sources[i].start_time_s * sample_rate);
                if (!(start >= 0 && start <= 1e9)) throw py::value_error("sources[" + std::to_string(i) + "].start_time_s is too large");
                const std::size_t off = static_cast<std::size_t>(start);
                placed[i].assign(off + static_cast<std::size_t>(x.size()), 0.0f);
                for (py::ssize_t k = 0; k < x.size(); ++k) {
                    if (!std::isfinite(x.data()[k])) throw py::value_error("sounds[" + std::to_string(i) + "] holds NaN or Inf");
                    placed[i][off + k] = x.data()[k];
                }
                n_out = std::max(n_out, placed[i].size());
            }
            if (scene.duration_s > 0) {
                const double n = std::nearbyint(scene.duration_s * sample_rate);
                if (!(n >= 1 && n <= 1e9)) throw py::value_error("scene.duration_s gives no samples or too many");
                n_out = static_cast<std::size_t>(n);
            }
            const double duration = static_cast<double>(n_out) / sample_rate;
            std::vector<std::vector<bewo::Keyframe>> kfs(placed.size());
            std::vector<bewo::SourceInput> in(placed.size());
            for (std::size_t i = 0; i < placed.size(); ++i) {
                if (placed[i].size() > n_out) placed[i].resize(n_out);
                kfs[i] = source_keyframes(scene.sources[i], duration);
                in[i] = {placed[i].data(), placed[i].size(), kfs[i].data(), kfs[i].size(),
                         std::pow(10.0, scene.sources[i].gain_db / 20.0)};
            }
            RoomSceneOptions opt;
            opt.block_size = block_size;
            opt.update_deg = update_deg;
            opt.n_threads = n_threads;
            f32 out({py::ssize_t(2), py::ssize_t(n_out)});
            float* o = out.mutable_data();
            bool ok = false;
            {
                py::gil_scoped_release release;
                ok = render_room_scene(scene, *hrtf, sample_rate, in.data(), in.size(), n_out, seed, opt, o, o + n_out, err);
            }
            if (!ok) throw py::value_error(err);
            return out;
        },
        py::arg("scene_json"), py::arg("sounds"), py::arg("sample_rate"), py::arg("hrtf"), py::arg("seed") = 0,
        py::arg("n_threads") = 1, py::arg("block_size") = 256, py::arg("update_deg") = 2.0,
        "The scene (JSON) rendered in its room (outdoors: free field plus the ground reflection) by the native "
        "port of bewo_rt.room.simulate_scene: (2, n) float32. sounds: one mono signal per source, in order.");
}
