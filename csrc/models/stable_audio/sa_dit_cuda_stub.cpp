// sa_dit_cuda.h without CUDA: every call fails with the same message as the other CUDA stubs.
#include "sa_dit_cuda.h"

namespace bewo::sa {

struct SaDitCuda::Impl {};

namespace {
bool no_cuda(std::string& err) {
    err = "CUDA backend not compiled";
    return false;
}
}  // namespace

SaDitCuda::SaDitCuda() : impl_(nullptr) {}
SaDitCuda::~SaDitCuda() = default;
bool SaDitCuda::upload(const DitWeightsSA&, cuda_nn::DType, std::string& err) { return no_cuda(err); }
bool SaDitCuda::ready() const { return false; }
cuda_nn::DType SaDitCuda::dtype() const { return cuda_nn::DType::F32; }
bool SaDitCuda::forward(const float*, int, int, const float*, const float*, int, const float*, float*, std::string& err) {
    return no_cuda(err);
}
bool SaDitCuda::sample(const float*, int, int, const float*, int, const float*, const CudaSampleSpec&, float*,
                       std::string& err) {
    return no_cuda(err);
}
double SaDitCuda::last_sample_ms() const { return 0.0; }
bool SaDitCuda::last_graph_reused() const { return false; }

}  // namespace bewo::sa
