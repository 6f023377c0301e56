// A Scene as the per-source tuples BEWO's attribute models (BEWO_attri, BEWO_mix) are steered by:
// (start_dir, end_dir, speed, flag), SAO_SPEC.md section 5. BEWO asks a hosted LLM for them; here
// they come from the scene (the local prompt parser's, an image's marks, or the user's JSON).
//
// The conversion, at the boundary (docs/models.md "BEWO positions"):
//   - direction: BEWO's 1 (left) .. 5 (right) scale, 3 ahead, 2 / 4 at -45 / +45 degrees:
//     dir = 3 + az / 45 after the rear folds onto the front (fold_to_frontal, as the azimuth
//     state does). Decimals are kept, quantised to quarter steps (the matrix's 17 rows): BEWO
//     takes the row as int((dir - 1) * 4), which truncates, so an unquantised 3.22 (10 degrees)
//     would land on the row below instead of the nearest one.
//   - a still source (or one whose direction does not change): (d, d, 0, 1);
//   - slow / moderate / fast: speed 0.9 / 0.6 / 0.3, BEWO's manual mode (generate_audio_manual:
//     1 slow -> 0.9, 3 fast -> 0.3). The value is the share of the clip the move spans, centred
//     in the clip, which is exactly the span the renderer gives these speeds (motion.SPAN);
//   - instant: a negative speed, -change_time (BEWO jumps after floor(768 |s|) of 768 columns);
//     a jump at the very start is the end direction held, at the very end the start held;
//   - an explicit path: its first and last positions, moving for the share of the clip between
//     its first and last keyframe (BEWO cannot express turns in between);
//   - flag 1: the Gaussian (coarse) columns BEWO's own scripts use.
//   Elevation, distance, start times and the room are not in BEWO's tuples and are dropped.
#pragma once
#include <string>
#include <vector>

#include "scene_json.h"

namespace bewo::rt {

constexpr int kBewoMaxSources = 4;

struct BewoPosition {
    double start_dir = 3.0, end_dir = 3.0, speed = 0.0, flag = 1.0;
};

// Our azimuth (0 ahead, negative left, degrees) on BEWO's 1..5 scale, quantised to quarter steps.
double bewo_direction(double azimuth_deg);

// One tuple per source. duration_s: the clip (the scene's own duration wins when it has one);
// used for explicit paths only. False + err for more than 4 sources (suggesting the cascaded
// mode) or a non-finite azimuth.
bool bewo_positions(const SceneSpec& scene, double duration_s, std::vector<BewoPosition>& out, std::string& err);

}  // namespace bewo::rt
