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

#include "../dsp/hrtf_set.h"
#include "../models/stable_audio/sa_model.h"
#include "../models/stable_audio/spiece_tokenizer.h"
#include "bewo_positions.h"
#include "scene_json.h"

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

// One generation call. prompt: what the sound is (empty: the scene's labels joined by "and");
// scene: where (null: the prompt as the native parser reads it, when a placement is needed).
struct SaoRequest {
    std::string prompt;
    const SceneSpec* scene = nullptr;
    bool cascaded = false;
    const HrtfSet* hrtf = nullptr;  // cascaded: an HRTF set at the model's rate
    double seconds = 10.0;
    int steps = 0;                 // 0: the model's default
    float cfg = -1.0f;             // < 0: the model's default
    const sampling::KSampler* sampler = nullptr;  // null: the model's default
    std::uint64_t seed = 0;
    std::function<bool(int, int)> progress;
};

struct SaoOutput {
    std::vector<float> audio;               // (channels, samples_for(seconds)) planar
    std::vector<BewoPosition> positions;    // what a BEWO attribute model was told (one-stage)
    std::size_t n_sources = 0;              // sources placed (0: the prompt alone)
};

class SaoGenerator {
public:
    // model_path: folder or .safetensors; t5_dir: a Hugging Face T5 folder (config.json,
    // model.safetensors, spiece.model). False + err naming what is missing.
    bool load(const std::string& model_path, const std::string& t5_dir, int n_threads, std::string& err);
    // T5, the sampling loop and the decoder on the GPU (bf16 weights) when one is usable; false
    // (the model stays on the CPU) otherwise, with the reason in err.
    bool try_gpu(std::string& err) { return model_.enable_cuda(cuda_nn::DType::BF16, err); }
    bool on_gpu() const { return model_.cuda_enabled(); }
    int sample_rate() const { return model_.config().sample_rate; }
    int channels() const { return model_.config().audio_channels; }
    std::size_t samples_for(double seconds) const;
    double max_seconds() const;
    const SaoDefaults& defaults() const { return defaults_; }
    bool has_positions() const;
    // one-stage: the model places the sounds. BEWO's attribute models get the scene's BEWO tuples
    // (bewo_positions.h); SAO 1.0 / Small and BEWO_nl read the prompt alone (a scene is then an
    // error that points to the cascaded mode). The decoder's output, not normalised.
    // cascaded: each source's sound generated in mono (one batch; held ahead, BEWO's 3, for the
    // attribute models) from its label (the whole prompt for one source), then rendered along
    // its trajectory in its room at the model's rate (room_scene.h); binaural, peak -1 dBFS.
    bool generate(const SaoRequest& req, SaoOutput& out, std::string& err);

private:
    sa::StableAudioModel model_;
    sa::SpieceTokenizer tok_;
    SaoDefaults defaults_;
};

}  // namespace bewo::rt
