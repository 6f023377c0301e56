// Fuzz target: the strict JSON reader and the Scene JSON form (parse_scene_json), then what the
// pipeline does with an accepted scene (keyframes, azimuth_state) and the prompt-word fallback.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dsp/trajectory.h"
#include "nn/json.h"
#include "runtime/scene_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    {
        bewo::json::Value v;
        std::string err;
        if (!bewo::json::parse(text.data(), text.size(), v, err, 64) && err.empty()) __builtin_trap();
    }
    bewo::rt::SceneSpec scene;
    std::string err;
    if (bewo::rt::parse_scene_json(text, scene, err)) {
        // As the pipeline uses it: a 1 s clip (or the scene's own duration), 16 and 64 columns.
        for (const auto& s : scene.sources) {
            const auto kf = bewo::rt::source_keyframes(s, 1.0);
            if (kf.empty()) __builtin_trap();
            for (double t : {0.0, 0.25, 0.5, 1.0, 1e9}) (void)bewo::evaluate(kf.data(), kf.size(), t);
        }
        std::vector<float> state;
        std::string e;
        if (bewo::rt::azimuth_state(scene, 1.0, 16, 17, state, e)) {
            for (float x : state)
                if (!(x >= 0.0f && x <= 1.0f) && !std::isnan(x)) __builtin_trap();
        }
        scene.duration_s = 0.0;
        bewo::rt::azimuth_state(scene, 0.5, 64, 2, state, e);
    } else if (err.empty()) {
        __builtin_trap();
    }
    const auto fallback = bewo::rt::scene_from_prompt_words(text);
    if (fallback.sources.empty()) __builtin_trap();  // one per sound the prompt names, at least one
    return 0;
}
