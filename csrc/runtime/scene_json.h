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
    // The room (bewo_rt.scene.Room), from the prompt parser or the scene JSON: a shoebox for an
    // indoor room, else zeros (outdoors a JSON size_m is kept but unused); rt60_s 0 when not given
    // (a JSON room may give its absorption instead); room_class "outdoor", "small", "moderate",
    // "large", or "" when the prompt names no place (Python's room_class None; the JSON leaves it "").
    double room_size_m[3] = {0.0, 0.0, 0.0};
    double rt60_s = 0.0;
    std::string room_class;
    // Scene JSON only (the prompt parser leaves the defaults): room.absorption as one value for all
    // six surfaces (n_absorption 1) or six (x=0, x=L, y=0, y=W, floor, ceiling), 0: from rt60_s
    // by Eyring; room.transition_s (< 0: auto, a tenth of the RT60 clamped to 20-80 ms);
    // room.ground_reflection (outdoors); listener.position_m (room frame, metres).
    int n_absorption = 0;
    double absorption[6] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    double transition_s = -1.0;
    double ground_reflection = 0.7;
    bool has_listener_position = false;
    double listener_position_m[3] = {0.0, 0.0, 0.0};
    // What the prompt parser could not take from the words ("no direction words found, so the sound
    // is placed ahead ..."), "" when nothing; a scene JSON's "note" is kept as it is.
    std::string note;
};

// Strict: unknown fields, wrong types and out-of-range values are errors naming the field (the
// room and the listener included, as bewo_rt.scene.Scene.from_dict checks them, plus bounds the
// native renderer needs: sizes in [0.5, 1000] m, rt60_s <= 20 s and within Eyring's reach).
bool parse_scene_json(const std::string& text, SceneSpec& out, std::string& err);
// motion.keyframes: rows of (t, az, el, dist) for a clip of duration_s.
std::vector<Keyframe> source_keyframes(const SceneSource& s, double duration_s);
// An azimuth wrapped to [-180, 180) with the rear folded onto the frontal half-plane by its
// lateral angle (az -> sign(az) * (180 - |az|)): front and back share the interaural cues that
// BEWO's azimuth state and position tuples describe.
double fold_to_frontal(double azimuth_deg);
// conditioning.azimuth_state(coarse=True): (4 * bins, frames) row-major into out.
bool azimuth_state(const SceneSpec& scene, double duration_s, int frames, int bins, std::vector<float>& out,
                   std::string& err);
// The C API's scene when no scene JSON is given: the prompt read by parse_prompt
// (prompt_parser.h, the port of bewo_rt.text.parse: every source, its motion, distance and
// speed, and the room), with non-finite azimuths ("at 1e400 degrees") put at the front. When
// parse_prompt refuses the prompt (no sound named, e.g. "on the left"; invalid UTF-8; over
// 10,000 characters) it falls back to one source labelled with the whole prompt, placed by the
// first direction word ("left", "right", "behind", "front"...; "from X to Y" moves).
SceneSpec scene_from_prompt_words(const std::string& prompt);

}  // namespace bewo::rt
