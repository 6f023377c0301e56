// The DiT denoiser of bewo_rt/model/dit.py, forward only, on the CPU kernels.
// Layout: activations are token-major (tokens, width); the latent is channel-major (C, T) as
// in PyTorch. Weights are fp32 copies of the bundle's fp16 tensors.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ops.h"
#include "safetensors.h"
#include "threadpool.h"

namespace bewo::nn {

struct LinearW { std::vector<float> w, b; int in = 0, out = 0; PackedW packed; };  // w: (out, in)
struct NormW { std::vector<float> g, b; };
struct AttnW { LinearW q, kv, out; };                               // kv: (2 * width, kv_in)
struct BlockW { NormW n1, n2, n3; AttnW self_attn, cross_attn; LinearW mlp0, mlp2; };

struct DitConfig {
    int latent_channels = 16, width = 192, depth = 4, heads = 4;
    int azimuth_bins = 17, rows = 68;   // rows = 4 sources x azimuth_bins
    bool fusion_bewo = false;           // false: 'aligned' (state (rows, T) projected per frame)
    int azimuth_columns = 64;           // columns of the state for the 'bewo' fusion
    int max_text_tokens = 48;
    int text_dim = 384;
};

struct DitWeights {
    DitConfig cfg;
    LinearW x_in, t_mlp0, t_mlp2, text_proj, fusion_aligned, row_proj;
    NormW text_norm, norm_q, norm_kv, norm_out;
    std::vector<float> null_ctx, row_embed;  // (width), (rows, width)
    AttnW fusion_attn;
    std::vector<BlockW> blocks;
    LinearW x_out;
};

// Reads the "dit." and "fusion." tensors of a bundle; false + err on a missing or misshapen one.
bool load_dit(const SafeTensors& st, const DitConfig& cfg, DitWeights& w, std::string& err);

// Cross-attention context of one prompt: (1 + n_text [+ n_text for 'bewo'], width) rows and a
// mask, for the conditional (cond = true) or the unconditional branch (only the null token
// unmasked). text: (n_text, 384) MiniLM hidden states; state: (rows, columns) for 'bewo'.
void dit_context(const DitWeights& w, const float* text, int n_text, const float* state, bool cond,
                 std::vector<float>& ctx, std::vector<std::uint8_t>& mask, ThreadPool* pool);

// The cross-attention keys/values of each block for a batch of contexts (batch, n_ctx, width):
// constant over the sampler's steps, so computed once per call. Out: (batch, depth, n_ctx, 2 width).
void dit_cross_kv(const DitWeights& w, const float* ctx, int batch, int n_ctx, std::vector<float>& kv,
                  ThreadPool* pool);

// v-prediction for a batch of items sharing one t: x (batch, C, T); cross_kv from dit_cross_kv
// and the context masks (batch, n_ctx); state (batch, rows, T) for 'aligned' (ignored for
// 'bewo'); cond per item (0: no azimuth injection). v: (batch, C, T).
struct DitScratch {
    std::vector<float> h, hn, q, kv, att, mlp, tmp;
    std::vector<float> rope_cs;  // RoPE angles' cos/sin for rope_n tokens
    int rope_n = -1;
};
void dit_forward(const DitWeights& w, const float* x, int batch, int frames, float t, const float* cross_kv,
                 int n_ctx, const std::uint8_t* ctx_mask, const float* state, const std::uint8_t* cond, float* v,
                 DitScratch& scratch, ThreadPool* pool);

}  // namespace bewo::nn
