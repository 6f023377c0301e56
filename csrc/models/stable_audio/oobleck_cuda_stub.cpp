// oobleck_cuda.h without CUDA.
#include "oobleck_cuda.h"

namespace bewo::sa {

struct OobleckCuda::Impl {};

OobleckCuda::OobleckCuda() : impl_(nullptr) {}
OobleckCuda::~OobleckCuda() = default;
bool OobleckCuda::upload(const OobleckW&, cuda_nn::DType, std::string& err) {
    err = "CUDA backend not compiled";
    return false;
}
bool OobleckCuda::ready() const { return false; }
bool OobleckCuda::decode(const float*, int, std::vector<float>&, std::string& err) {
    err = "CUDA backend not compiled";
    return false;
}

}  // namespace bewo::sa
