// Built when nvcc is not available: batched room responses report the GPU backend as absent.
#include "room_cuda.h"

namespace bewo {

std::string cuda_room_responses(const RoomJob*, int, const HrtfSet*, const RoomResponseParams&, std::size_t, float*) {
    return "CUDA backend not compiled";
}

}  // namespace bewo
