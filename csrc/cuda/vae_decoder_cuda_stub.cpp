// vae_decoder_cuda.h without CUDA.
#include "vae_decoder_cuda.h"

namespace bewo::cuda_nn {

struct VaeDecoderCuda::Impl {};

VaeDecoderCuda::VaeDecoderCuda() : impl_(nullptr) {}
VaeDecoderCuda::~VaeDecoderCuda() = default;
bool VaeDecoderCuda::upload(const nn::DecoderW&, std::string& err) {
    err = "CUDA backend not compiled";
    return false;
}
bool VaeDecoderCuda::ready() const { return false; }
bool VaeDecoderCuda::decode_device(const float*, int, void*, const float**, const float**, std::string& err) {
    err = "CUDA backend not compiled";
    return false;
}
bool VaeDecoderCuda::decode(const float*, int, std::vector<float>&, std::string& err) {
    err = "CUDA backend not compiled";
    return false;
}

}  // namespace bewo::cuda_nn
