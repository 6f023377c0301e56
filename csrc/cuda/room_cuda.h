// GPU backend for batched room responses: the same responses as room_response (room.h), many in
// one call. The host plans every response with the CPU code (checks, image sources, arrival
// times, HRTF interpolation weights, tail parameters); the device renders the images (HRTF
// blend + fractional delay, or the two microphones' delay taps) and adds the diffuse tail with
// the CPU's own arithmetic (room_kernels.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "../dsp/hrtf_set.h"
#include "../dsp/room.h"

namespace bewo {

struct RoomJob {
    RoomSpec room;
    double source[3] = {0, 0, 0};
    double listener[3] = {0, 0, 0};
    std::uint64_t seed = 0;  // replaces RoomResponseParams::seed
};

// Lengths (samples) of the responses room_response would return; fills lengths[n_jobs].
// Returns an empty string on success, else the error (an invalid job names its index).
inline std::string room_batch_lengths(const RoomJob* jobs, int n_jobs, const HrtfSet* hrtf,
                                      const RoomResponseParams& p, std::size_t* lengths) {
    for (int i = 0; i < n_jobs; ++i) {
        try {
            lengths[i] = plan_room_response(jobs[i].room, jobs[i].source, jobs[i].listener, hrtf, p).n;
        } catch (const std::exception& e) {
            return "response " + std::to_string(i) + ": " + e.what();
        }
    }
    return "";
}

// out: n_jobs x 2 x n_max floats, overwritten; response i in out[i][ear][0 .. lengths[i]), zeros
// after it. n_max must be >= every length. p.seed is ignored (each job has its own).
// Returns an empty string on success, else the error; never throws.
std::string cuda_room_responses(const RoomJob* jobs, int n_jobs, const HrtfSet* hrtf, const RoomResponseParams& p,
                                std::size_t n_max, float* out);

}  // namespace bewo
