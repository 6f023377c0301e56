// t5_cuda.h without CUDA.
#include "t5_cuda.h"

namespace bewo::sa {

struct T5Cuda::Impl {};

T5Cuda::T5Cuda() : impl_(nullptr) {}
T5Cuda::~T5Cuda() = default;
bool T5Cuda::upload(const T5Encoder&, cuda_nn::DType, std::string& err) {
    err = "CUDA backend not compiled";
    return false;
}
bool T5Cuda::ready() const { return false; }
bool T5Cuda::encode(const std::int32_t*, const std::uint8_t*, int, int, const std::vector<float>&, std::vector<float>&,
                    std::string& err) {
    err = "CUDA backend not compiled";
    return false;
}

}  // namespace bewo::sa
