// The Oobleck decoder (oobleck.h semantics) on an NVIDIA GPU: every convolution is one implicit
// GEMM on tensor cores (fp16 / bf16, fp32 accumulation) or FMA (fp32) over time-major
// activations, with SnakeBeta computed as the input tile is staged (so no activation pass of its
// own), the bias, the residual add and the final tanh in the epilogue, and each transposed
// convolution run as `stride` phase GEMMs of two taps each.
//
// Without CUDA (oobleck_cuda_stub.cpp) every call fails with "CUDA backend not compiled".
#pragma once
#include <string>
#include <vector>

#include "../../cuda/nn_cuda.h"
#include "oobleck.h"

namespace bewo::sa {

class OobleckCuda {
public:
    OobleckCuda();
    ~OobleckCuda();
    OobleckCuda(const OobleckCuda&) = delete;
    OobleckCuda& operator=(const OobleckCuda&) = delete;

    bool upload(const OobleckW& w, cuda_nn::DType dtype, std::string& err);
    bool ready() const;
    // latent (C, T) host -> audio (out_channels, T * ratio) host.
    bool decode(const float* latent, int frames, std::vector<float>& audio, std::string& err);

    struct Impl;

private:
    Impl* impl_ = nullptr;
};

}  // namespace bewo::sa
