// Where a source is over time: keyframes (time, azimuth, elevation, distance) interpolated
// linearly, held before the first and after the last. Two keyframes at the same time make an
// instant jump. The renderer samples this once per block.
#pragma once
#include <cstddef>
#include <vector>

namespace bewo {

struct Keyframe {
    double t;     // seconds from the start of the output
    double az;    // degrees, unwrapped (a path may pass behind: -90 -> -270)
    double el;    // degrees
    double dist;  // metres
};

struct RenderParams {
    std::size_t block_size = 512;       // samples per HRTF update, power of two
    double near_field_m = 0.25;         // 1/r gain is clamped below this distance
    double reference_distance_m = 1.0;  // distance with gain 1
    int n_threads = 1;
};

struct BlockState {
    double az, el, gain;
};

Keyframe evaluate(const Keyframe* kf, std::size_t nk, double t);
void validate_keyframes(const Keyframe* kf, std::size_t nk);

// State of block j = the trajectory at the block's end, (j+1) * block / sample_rate; the
// renderer crossfades from block j-1's state to block j's across block j.
std::vector<BlockState> plan_blocks(const Keyframe* kf, std::size_t nk, std::size_t n_samples, double sample_rate,
                                    const RenderParams& p, double source_gain);

}  // namespace bewo
