// The T5 encoder (Hugging Face layout: config.json + model.safetensors) that turns a prompt's
// token ids into the cross-attention context of the Stable Audio Open family. fp32 throughout
// (the reference conditioner runs T5 in fp16; fp32 is the more exact of the two).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../../nn/safetensors.h"
#include "../../nn/threadpool.h"
#include "../../nn/weight_reader.h"

namespace bewo::sa {

struct T5Config {
    int vocab_size = 32128, d_model = 768, d_kv = 64, d_ff = 3072, num_layers = 12, num_heads = 12;
    int buckets = 32, max_distance = 128;
    float eps = 1e-6f;
    bool gated_gelu = false;  // feed_forward_proj "gated-gelu" (T5 v1.1); "relu" for t5-base
    int inner() const { return d_kv * num_heads; }
};

class T5Encoder {
public:
    // dir: a Hugging Face T5 folder (config.json); weights: its model.safetensors (empty: the
    // one in dir; a converted pytorch_model.bin may live elsewhere). False + err.
    bool load(const std::string& dir, const std::string& weights, std::string& err);
    const T5Config& config() const { return cfg_; }
    // ids, mask: (batch, n) token ids and 0/1 attention mask. out: (batch, n, d_model), rows of
    // masked positions zeroed (as the conditioner multiplies the output by the mask).
    bool encode(const std::int32_t* ids, const std::uint8_t* mask, int batch, int n, std::vector<float>& out,
                std::string& err, nn::ThreadPool* pool) const;
    // The relative position bias (heads, n, n) every layer adds to the logits.
    std::vector<float> position_bias(int n) const;
    // False + err when an id is outside the vocabulary.
    bool check_ids(const std::int32_t* ids, std::size_t count, std::string& err) const;

private:
    friend class T5Cuda;  // copies the weights to the GPU
    struct Layer {
        std::vector<float> ln1, ln2;
        nn::Linear qkv, o, wi, wi1, wo;  // qkv: q|k|v stacked; wi1 only for gated-gelu
    };
    T5Config cfg_;
    std::vector<float> embed_;     // (vocab, d_model)
    std::vector<float> rel_bias_;  // (buckets, heads)
    std::vector<Layer> layers_;
    std::vector<float> final_ln_;
};

// The bucket of a relative position (key - query) as Hugging Face's bidirectional T5 computes it.
int t5_relative_bucket(int relative_position, int buckets, int max_distance);

}  // namespace bewo::sa
