// The Scene's JSON form (bewo_rt/scene.py documents it) read in C++, the motion semantics of
// bewo_rt/motion.py, and BEWO's azimuth state matrix (bewo_rt/conditioning.py), so an engine
// can pass `bewo-rt parse` output or its own scene straight to the native runtime.
#pragma once
#include <string>
#include <vector>

#include "../dsp/trajectory.h"

namespace bewo::rt {

struct SceneSource {
    std::string label;
    double azimuth_start_deg = 0.0, azimuth_end_deg = 0.0;  // end == start when not given
    double elevation_deg = 0.0, distance_m = 1.0, distance_end_m = 1.0;
    std::string speed = "still";
    double change_time = 0.5, start_time_s = 0.0, gain_db = 0.0;
    std::vector<Keyframe> path;  // explicit keyframes (empty: start/end/speed)
};

struct SceneSpec {
    std::vector<SceneSource> sources;
    double duration_s = 0.0;  // 0: not given
    bool indoor = false;
};

// Strict: unknown fields, wrong types and out-of-range values are errors naming the field.
bool parse_scene_json(const std::string& text, SceneSpec& out, std::string& err);
// motion.keyframes: rows of (t, az, el, dist) for a clip of duration_s.
std::vector<Keyframe> source_keyframes(const SceneSource& s, double duration_s);
// conditioning.azimuth_state(coarse=True): (4 * bins, frames) row-major into out.
bool azimuth_state(const SceneSpec& scene, double duration_s, int frames, int bins, std::vector<float>& out,
                   std::string& err);
// A one-source scene from a prompt's direction words ("on the left", "from right to left",
// "behind"...): the C API's fallback when no scene JSON is given. The Python parser
// (bewo_rt.text.parse) is far more complete; its output is what engines should pass.
SceneSpec scene_from_prompt_words(const std::string& prompt);

}  // namespace bewo::rt
