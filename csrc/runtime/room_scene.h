// A Scene rendered in its room, natively: the C++ port of bewo_rt.room.simulate_scene's glue
// (bewo_rt/room.py). The heavy parts were already C++ (room_response: image sources + diffuse
// tail; render_scheduled: per-block crossfades between responses); this file adds what the
// Python did around them, with the same arithmetic so that the output matches simulate_scene
// for the same mono inputs to float32 round-off:
//   - the listener: listener.position_m, else the room's centre at ear height (1.6 m, or 0.75 of
//     a low room's height); outdoors 1.6 m above the origin;
//   - each response's source position: the direction and distance from the listener, pulled in
//     along the same direction to 0.1 m inside the walls (outdoors: 0.05 m above the ground);
//   - per render block (256 samples) the trajectory at the block's end; a new response where the
//     source has turned by more than update_deg (2 degrees) or changed its distance by more than
//     5 % since the last response;
//   - the room: Eyring wall reflection from the RT60 (or the given absorption), the tail RT60,
//     the transition time (a tenth of the RT60 clamped to 20-80 ms unless given), responses
//     transition + 1.1 * RT60 long, tail noise seeded seed * 1000 + source index;
//   - outdoors (scene.indoor false): free field plus the ground reflection, no tail.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "../dsp/hrtf_set.h"
#include "../dsp/renderer.h"
#include "../dsp/room.h"
#include "scene_json.h"

namespace bewo::rt {

constexpr double kEarHeightM = 1.6;   // room.EAR_HEIGHT_M
constexpr double kWallMarginM = 0.1;  // room.WALL_MARGIN_M

struct RoomSceneOptions {
    std::size_t block_size = 256;  // power of two
    double update_deg = 2.0;       // a new response when the source turns by more than this
    int n_threads = 1;             // responses are computed in parallel; the output does not depend on it
};

// room._room_job's room: size, wall reflection (room.wall_reflection), outdoor flag, tail RT60
// (room.tail_rt60), transition time (room.transition_time), max_order 60; and the response
// length simulate_scene asks for (0 outdoors: room_response's own). False + err on a room that
// cannot be simulated (no size indoors, an RT60 out of Eyring's reach, ...).
bool scene_room(const SceneSpec& scene, RoomSpec& room, double& length_s, std::string& err);

// room.listener_position (room frame, metres).
void scene_listener(const SceneSpec& scene, double out[3]);

// room.source_position: the point at azimuth/elevation (project convention) and distance from
// the listener, kept inside the room by the wall margin.
void room_source_position(const double listener[3], double azimuth_deg, double elevation_deg, double distance_m,
                          const SceneSpec& scene, double out[3]);

// room._close: within update_deg of arc and 5 % of distance. (az, el, dist) triples.
bool room_close(const double a[3], const double b[3], double update_deg);

// The binaural mix (left, right: n_out samples each, overwritten) of the sources in the scene's
// room. sources[i] carries source i's mono samples (already placed on the output timeline),
// keyframes and linear gain; the i-th response noise is seeded seed * 1000 + i. hrtf must be at
// sample_rate. False + err (naming the problem) on bad input; nothing throws.
bool render_room_scene(const SceneSpec& scene, const HrtfSet& hrtf, double sample_rate, const SourceInput* sources,
                       std::size_t n_sources, std::size_t n_out, std::uint64_t seed, const RoomSceneOptions& opt,
                       float* left, float* right, std::string& err);

}  // namespace bewo::rt
