// Fuzz target: the prompt parser (runtime/prompt_parser.h, the C API's reader of a prompt given
// without a scene JSON) on any bytes, then the scene the pipeline would build from them.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/prompt_parser.h"
#include "runtime/scene_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    bewo::rt::SceneSpec scene;
    std::string err;
    if (bewo::rt::parse_prompt(text, scene, err)) {
        if (scene.sources.empty() || !err.empty()) __builtin_trap();
        for (const auto& s : scene.sources) {
            if (s.label.empty()) __builtin_trap();
            if (s.speed != "still" && s.speed != "slow" && s.speed != "moderate" && s.speed != "fast" &&
                s.speed != "instant")
                __builtin_trap();
            if (!(s.distance_m > 0) || !(s.distance_end_m > 0)) __builtin_trap();
        }
        if (scene.indoor && !(scene.rt60_s > 0 && scene.room_size_m[0] > 0)) __builtin_trap();
    } else if (err.empty()) {
        __builtin_trap();
    }
    // What bewo_generate does with a prompt and no scene: every azimuth finite, a state it can use.
    const auto spec = bewo::rt::scene_from_prompt_words(text);
    if (spec.sources.empty()) __builtin_trap();
    for (const auto& s : spec.sources)
        if (!std::isfinite(s.azimuth_start_deg) || !std::isfinite(s.azimuth_end_deg)) __builtin_trap();
    std::vector<float> state;
    std::string e;
    bewo::rt::azimuth_state(spec, 1.0, 8, 9, state, e);
    return 0;
}
