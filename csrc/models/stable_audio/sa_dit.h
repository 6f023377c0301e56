// The Stable Audio Open DiT (stable-audio-tools' DiffusionTransformer with the continuous
// transformer): timestep and global condition as one prepended token, partial non-interleaved
// RoPE on self-attention, cross-attention with possibly fewer key/value heads than query heads,
// optional per-head LayerNorm on q and k, SwiGLU feed-forward. Token-major activations.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../../nn/threadpool.h"
#include "../../nn/weight_reader.h"
#include "sa_config.h"

namespace bewo::sa {

struct DitLayer {
    std::vector<float> ln1_g, ln1_b, ln2_g, ln2_b, ln3_g, ln3_b;
    nn::Linear qkv, self_out, cross_q, cross_kv, cross_out, ff_in, ff_out;
    // qk-norm ("ln"): LayerNorm(head_dim, eps 1e-6) weights and biases, self and cross.
    std::vector<float> sq_g, sq_b, sk_g, sk_b, cq_g, cq_b, ck_g, ck_b;
};

struct DitWeightsSA {
    DitSpec spec;
    std::vector<float> fourier;     // (128) timestep frequencies (timestep_features.weight)
    nn::Linear t_embed0, t_embed2;  // 256 -> E -> E, with biases
    nn::Linear cond0, cond2;        // cond_token_dim -> Ce -> Ce
    nn::Linear glob0, glob2;        // global_cond_dim -> E -> E
    nn::Linear pre_conv, post_conv, project_in, project_out;
    std::vector<float> inv_freq;    // rot_dim / 2
    std::vector<DitLayer> layers;
    bool has_cross = false, has_global = false;
};

bool load_sa_dit(nn::WeightReader& w, const DitSpec& spec, bool has_cross, bool has_global, DitWeightsSA& out,
                 std::string& err);

// Cross-attention keys and values for a batch of contexts (batch, n_ctx, cond_token_dim), after
// to_cond_embed, the to_kv projection, k-norm, and expanded to every query head:
// (batch, depth, n_ctx, 2 * E) with k | v. Constant over the sampler's steps: computed once.
void sa_cross_kv(const DitWeightsSA& w, const float* ctx, int batch, int n_ctx, std::vector<float>& kv,
                 nn::ThreadPool* pool);

struct DitScratchSA {
    std::vector<float> h, hn, qkv, att, ff, gated, tmp;
    std::vector<float> rope_cs;
    int rope_n = -1;
};

// v (or the rectified-flow velocity) for x (batch, C, T) at per-item timesteps t (batch), with
// cross_kv from sa_cross_kv (batch items, n_ctx) and global (batch, global_cond_dim).
void sa_dit_forward(const DitWeightsSA& w, const float* x, int batch, int frames, const float* t, const float* cross_kv,
                    int n_ctx, const float* global, float* v, DitScratchSA& s, nn::ThreadPool* pool);

}  // namespace bewo::sa
