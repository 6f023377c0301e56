// Built when nvcc is not available: the GPU backend reports itself as absent.
#include "render_cuda.h"

namespace bewo {

CudaStatus cuda_status() {
    CudaStatus s;
    s.detail = "not compiled (configure with BEWO_CUDA=ON and nvcc available)";
    return s;
}

std::string cuda_render_batch(const float*, const float*, const float*, const int*, int, int, std::size_t,
                              std::size_t, std::size_t, float*) {
    return "CUDA backend not compiled";
}

}  // namespace bewo
