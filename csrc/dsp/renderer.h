// Binaural rendering of mono sources along trajectories into one stereo mix.
// Thread-safe and reentrant: all state lives in the call; the HRTF set is read-only.
#pragma once
#include <cstddef>
#include <vector>

#include "hrtf_set.h"
#include "trajectory.h"

namespace bewo {

struct SourceInput {
    const float* x;        // mono samples on the output timeline
    std::size_t n;         // may be shorter than the output (zeros after)
    const Keyframe* kf;
    std::size_t nk;
    double gain;
};

// out_left / out_right: n_out samples each, overwritten. Work is split over sources and, when
// there are fewer sources than threads, over runs of blocks; results are bit-identical for any
// n_threads because every block is computed the same way and sources are summed in order.
void render_scene(const HrtfSet& hrtf, const SourceInput* sources, std::size_t n_sources, std::size_t n_out,
                  const RenderParams& p, float* out_left, float* out_right);

// A source convolved with precomputed responses that change along its path (room BRIRs):
// filters holds n_filters pairs (n_filters x 2 x filter_len), block_filter[j] names block j's pair.
// Where the pair changes the outputs are crossfaded over one block, as for HRTF updates.
struct ScheduledSource {
    const float* x;
    std::size_t n;
    const float* filters;
    std::size_t n_filters, filter_len;
    const int* block_filter;
    std::size_t n_blocks;
    double gain;
};

void render_scheduled(const ScheduledSource* sources, std::size_t n_sources, std::size_t n_out,
                      const RenderParams& p, float* out_left, float* out_right);

// The HRIR pair and gain the renderer uses for each block (for the GPU path and for tests).
void block_hrirs(const HrtfSet& hrtf, const std::vector<BlockState>& states, std::vector<float>& hrirs);

}  // namespace bewo
