// GPU backend for batched rendering. Same block semantics as the CPU renderer (per-block HRIR
// pair, raised-cosine crossfade from the previous block's pair and gain), computed as direct
// convolution: many sources and clips in one launch.
#pragma once
#include <cstddef>
#include <string>

namespace bewo {

struct CudaStatus {
    bool compiled = false;  // built with nvcc
    int devices = 0;        // usable devices (0 when no driver or no GPU)
    std::string detail;     // why not usable, or the device name
};

CudaStatus cuda_status();

// x: n_sources x n samples. hrirs: n_sources x n_blocks x 2 x L. gains: n_sources x n_blocks.
// clip_offsets: n_clips + 1 ascending source offsets (sources of clip c are
// clip_offsets[c] .. clip_offsets[c+1]-1). out: n_clips x 2 x n, overwritten.
// Returns an empty string on success, else the error.
std::string cuda_render_batch(const float* x, const float* hrirs, const float* gains, const int* clip_offsets,
                              int n_sources, int n_clips, std::size_t n, std::size_t block, std::size_t L,
                              float* out);

}  // namespace bewo
