// The Oobleck decoder of the Stable Audio Open autoencoder: latents (C, T) -> audio (2, T x ratio).
// Weight norm is folded at load; activations are time-major (frames, channels) so each
// convolution is one GEMM over the frames; SnakeBeta runs vectorised once per activation.
#pragma once
#include <string>
#include <vector>

#include "../../nn/threadpool.h"
#include "../../nn/weight_reader.h"
#include "sa_config.h"

namespace bewo::sa {

struct SnakeW { std::vector<float> a, inv_b; };  // exp(alpha), 1 / (exp(beta) + 1e-9)
struct ConvW { nn::PackedW w; std::vector<float> b; int cin = 0, cout = 0, k = 1, dil = 1, pad = 0; };
struct ConvTW { nn::PackedW w; std::vector<float> b; int cin = 0, cout = 0, k = 2, stride = 1, pad = 0; };
struct ResUnitW { SnakeW s1, s2; ConvW c7, c1; };
struct DecBlockW { SnakeW snake; ConvTW up; ResUnitW res[3]; };

struct OobleckW {
    DecoderSpec spec;
    ConvW conv_in, conv_out;
    std::vector<DecBlockW> blocks;
    SnakeW snake_out;
    bool shared_snake = false;  // BEWO's residual units: one SnakeBeta (layers.2's) for both
};

// shared_snake: -1 decide from the checkpoint (both residual-unit SnakeBetas stored equal, as a
// shared module saves them), 0 separate, 1 shared.
bool load_oobleck(nn::WeightReader& w, const DecoderSpec& spec, int shared_snake, OobleckW& out, std::string& err);

// latent (C, T) -> audio (out_channels, T * ratio).
void oobleck_decode(const OobleckW& w, const float* latent, int frames, std::vector<float>& audio, nn::ThreadPool* pool);

// y = x + inv_b[c] sin^2(a[c] x) on (frames, channels) rows, vectorisable (exposed for tests).
void snake_beta_tm(const float* x, float* y, std::size_t frames, int channels, const SnakeW& s, nn::ThreadPool* pool);

}  // namespace bewo::sa
