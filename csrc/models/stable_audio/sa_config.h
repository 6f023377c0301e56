// The model_config.json of the Stable Audio Open family (SAO 1.0, SAO Small, BEWO's checkpoints),
// read strictly: every field the runtime's math depends on is taken from the file, and an option
// the runtime does not implement is an error that names it, never silently ignored.
#pragma once
#include <string>
#include <vector>

namespace bewo::sa {

struct ConditionerSpec {
    std::string id, type;       // type: "t5", "number" or "position"
    int output_dim = 768;
    int max_length = 128;       // t5
    std::string t5_name;        // t5 (informational: the weights come from a T5 folder)
    double min_val = 0, max_val = 1;  // number
};

struct DecoderSpec {
    int channels = 128, latent_dim = 64, out_channels = 2;
    std::vector<int> c_mults, strides;  // as in the config (c_mults without the leading 1)
    bool use_snake = true, final_tanh = false;
};

struct DitSpec {
    int io_channels = 64, embed_dim = 1536, depth = 24, num_heads = 24;
    int cond_token_dim = 768, global_cond_dim = 1536;
    bool project_cond_tokens = true, project_global_cond = true;
    std::string qk_norm = "none";  // "none" or "ln"
    int head_dim() const { return embed_dim / num_heads; }
    int cond_embed_dim() const { return project_cond_tokens ? embed_dim : cond_token_dim; }
    int kv_heads() const { return cond_embed_dim() / head_dim(); }
};

struct SaConfig {
    int sample_rate = 44100, audio_channels = 2, sample_size = 0;
    int latent_dim = 64, downsampling_ratio = 2048;
    double pretransform_scale = 1.0;
    DecoderSpec decoder;
    std::vector<ConditionerSpec> conditioners;
    int cond_dim = 768;
    std::vector<std::string> cross_ids, global_ids;
    std::string objective = "v";  // "v" or "rf_denoiser" / "rectified_flow"
    DitSpec dit;

    const ConditionerSpec* conditioner(const std::string& id) const;
    bool rectified_flow() const { return objective != "v"; }
    // Longest clip the model was configured for, in seconds (sample_size / sample_rate).
    double max_seconds() const { return sample_size > 0 ? double(sample_size) / sample_rate : 0.0; }
};

// Parses model_config.json text; false + err naming the field on anything missing or unsupported.
bool parse_sa_config(const std::string& text, SaConfig& cfg, std::string& err);

}  // namespace bewo::sa
