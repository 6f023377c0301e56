// Prompt-to-audio with a Stable Audio Open family model (SAO 1.0, SAO Small, BEWO's checkpoints)
// without Python: locate the weights and config as their authors publish them, tokenize with the
// native T5 tokenizer, condition, sample and decode. The C API's second model family; the first
// is rt::Pipeline (the shipped tiny model).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../models/stable_audio/sa_model.h"
#include "../models/stable_audio/spiece_tokenizer.h"

namespace bewo::rt {

// True when `path` is a Stable Audio Open family model: a folder (model_config.json next to the
// weights) or a safetensors file carrying "model_config" metadata (written by `bewo-rt convert`)
// or with a model_config.json beside it. False for the tiny model's bundle.
bool is_stable_audio_path(const std::string& path);

struct SaoDefaults {
    int steps = 100;
    float cfg = 7.0f;
    sampling::KSampler sampler = sampling::KSampler::Dpmpp3mSde;
    double sigma_min = 0.3, sigma_max = 500.0;
};

class SaoGenerator {
public:
    // model_path: folder or .safetensors; t5_dir: a Hugging Face T5 folder (config.json,
    // model.safetensors, spiece.model). False + err naming what is missing.
    bool load(const std::string& model_path, const std::string& t5_dir, int n_threads, std::string& err);
    int sample_rate() const { return model_.config().sample_rate; }
    int channels() const { return model_.config().audio_channels; }
    std::size_t samples_for(double seconds) const;
    double max_seconds() const;
    const SaoDefaults& defaults() const { return defaults_; }
    // audio: (channels, samples_for(seconds)) planar. sampler: null for the model's default.
    bool generate(const std::string& prompt, double seconds, int steps, float cfg, const sampling::KSampler* sampler,
                  std::uint64_t seed, const std::function<bool(int, int)>& progress, std::vector<float>& audio,
                  std::string& err);

private:
    sa::StableAudioModel model_;
    sa::SpieceTokenizer tok_;
    SaoDefaults defaults_;
};

}  // namespace bewo::rt
