// The VAE decoder of bewo_rt/model/vae.py (forward only): latents (C, T) -> parametric binaural
// features (277, T * 2^downsamples): mid log level (257), band ILD (16, /12 dB), band ITD (4, ms).
#pragma once
#include <string>
#include <vector>

#include "ops.h"
#include "safetensors.h"

namespace bewo::nn {

constexpr int kBins = 257, kIldBands = 16, kItdBands = 4, kFeatureChannels = kBins + kIldBands + kItdBands;
constexpr int kSpatialLatents = 4, kSpatialWidth = 64;

struct ConvW { PackedW w; std::vector<float> b; int cin = 0, cout = 0, kernel = 1, dilation = 1, padding = 0; };
struct GroupNormW { std::vector<float> g, b; };
struct ResBlockW { GroupNormW norm1, norm2; ConvW conv1, conv2; };
struct UpW {
    ConvW conv_in, conv_out;
    ResBlockW res_a, res_b;                // after conv_in (dilation 1, then 2)
    std::vector<ConvW> ups;                // ConvTranspose1d(width, width, 4, 2, 1), packed for GEMM
    std::vector<ResBlockW> up_res;
    GroupNormW norm_out;
    int width = 0;
};
struct DecoderW { UpW content, spatial; int latent_channels = 16, downsamples = 3; };

bool load_decoder(const SafeTensors& st, int width, int latent_channels, int downsamples, DecoderW& w, std::string& err);
// z: (latent_channels, frames) -> feats: (kFeatureChannels, frames << downsamples).
void decode(const DecoderW& w, const float* z, int frames, std::vector<float>& feats, ThreadPool* pool);

}  // namespace bewo::nn
