// The tiny model's VAE decoder (nn/vae_decoder.h) on an NVIDIA GPU, in fp32: every convolution
// is one implicit GEMM over time-major activations (conv_cuda.cuh) with GroupNorm + SiLU applied
// as the input tile is staged (one statistics pass per norm), the bias and the residual add in
// the epilogue, and each ConvTranspose1d(4, 2, 1) run as two phase GEMMs of two taps each.
//
// Without CUDA (vae_decoder_cuda_stub.cpp) every call fails with "CUDA backend not compiled".
#pragma once
#include <string>
#include <vector>

#include "../nn/vae_decoder.h"

namespace bewo::cuda_nn {

class VaeDecoderCuda {
public:
    VaeDecoderCuda();
    ~VaeDecoderCuda();
    VaeDecoderCuda(const VaeDecoderCuda&) = delete;
    VaeDecoderCuda& operator=(const VaeDecoderCuda&) = delete;

    bool upload(const nn::DecoderW& w, std::string& err);
    bool ready() const;

    // latent (latent_channels, frames) on the host -> features on the device, time-major, queued
    // on `stream` (a cudaStream_t; null = the decoder's own) and valid until the next call:
    // mid (frames << downsamples, 257) log level, spatial (frames << downsamples, 20) (tanh-ed ILD
    // then ITD), as synthesis_cuda.h's synthesise_device takes them.
    bool decode_device(const float* latent, int frames, void* stream, const float** mid, const float** spatial,
                       std::string& err);
    // The same as nn::decode gives it: feats (277, frames << downsamples) on the host.
    bool decode(const float* latent, int frames, std::vector<float>& feats, std::string& err);

    struct Impl;

private:
    Impl* impl_ = nullptr;
};

}  // namespace bewo::cuda_nn
