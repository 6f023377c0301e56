// The Stable Audio Open family behind one object: SAO 1.0, SAO Small and BEWO's checkpoints,
// loaded from model_config.json + a safetensors file (+ a T5 folder), and its pieces (text
// encoder, conditioning, one DiT forward, the sampling loop, the decoder) callable on their own
// for parity tests and benchmarks. No Python, no PyTorch.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../../nn/threadpool.h"
#include "../../sampling/k_samplers.h"
#include "number_conditioner.h"
#include "oobleck.h"
#include "oobleck_cuda.h"
#include "position_conditioner.h"
#include "sa_config.h"
#include "sa_dit.h"
#include "sa_dit_cuda.h"
#include "t5.h"
#include "t5_cuda.h"

namespace bewo::sa {

struct LoadOptions {
    int n_threads = 0;       // <= 0: all cores
    int shared_snake = -1;   // -1 from the checkpoint, 0 separate, 1 shared (BEWO)
};

struct SampleOptions {
    int steps = 100;
    float cfg = 7.0f, scale_phi = 0.0f;
    sampling::KSampler sampler = sampling::KSampler::Dpmpp3mSde;
    std::uint64_t seed = 0;
    double sigma_min = 0.3, sigma_max = 500.0;
    const float* step_noise = nullptr;  // (steps, batch, C, T): the SDE / pingpong noise (tests)
    std::function<bool(int, int)> progress;
};

class StableAudioModel {
public:
    // weights: a safetensors file; config_json: model_config.json's text; t5_dir: a T5 folder
    // (empty: no text encoder; encode_text then fails). False + err naming file and key.
    bool load(const std::string& weights, const std::string& config_json, const std::string& t5_dir,
              const std::string& t5_weights, const LoadOptions& opt, std::string& err);
    const SaConfig& config() const { return cfg_; }
    const std::vector<std::string>& unknown_tensors() const { return unknown_; }
    bool shared_snake() const { return dec_.shared_snake; }
    bool has_t5() const { return t5_loaded_; }
    int t5_max_length() const;
    int cross_tokens() const;  // context tokens the conditioning produces

    // T5: ids, mask (batch, n) -> (batch, n, 768), masked rows zero.
    bool encode_text(const std::int32_t* ids, const std::uint8_t* mask, int batch, int n, std::vector<float>& out,
                     std::string& err);
    // The conditioners in the config's order: T5 output (batch, n, 768) with its mask, numbers by
    // conditioner id (one value per item), positions (batch, 4, 4) BEWO tuples (null: none).
    // cross: (batch, n_ctx, cond_dim); global: (batch, global_cond_dim).
    bool conditioning(const float* t5, const std::uint8_t* mask, int batch, int n,
                      const std::map<std::string, std::vector<double>>& numbers, const float* positions,
                      const int* n_positions, std::vector<float>& cross, int& n_ctx, std::vector<float>& global,
                      std::string& err);
    // One DiT forward without guidance: x (batch, C, T), t (batch).
    void dit(const float* x, int batch, int frames, const float* t, const float* cross, int n_ctx, const float* global,
             std::vector<float>& v);
    // The sampling loop from unit noise (batch, C, T) with CFG (uncond: an all-zero context).
    bool sample(const float* noise, int batch, int frames, const float* cross, int n_ctx, const float* global,
                const SampleOptions& opt, std::vector<float>& latents, std::string& err);
    // Runs T5, the DiT's sampling loop and the decoder on the GPU from now on (weights copied once as
    // dtype: F32, F16 or BF16). False + err (no GPU, no CUDA build, unsupported head size): the
    // model stays on the CPU. A decode the GPU cannot do (out of memory) falls back to the CPU. With the GPU on, sample() calls progress once, at the end (the steps run as
    // graph replays, not cancellable midway).
    bool enable_cuda(cuda_nn::DType dtype, std::string& err);
    void disable_cuda() {
        gpu_.reset();
        dec_gpu_.reset();
        t5_gpu_.reset();
    }
    bool cuda_enabled() const { return gpu_ && gpu_->ready(); }
    cuda_nn::DType cuda_dtype() const { return gpu_ ? gpu_->dtype() : cuda_nn::DType::F32; }
    double last_gpu_sample_ms() const { return gpu_ ? gpu_->last_sample_ms() : 0.0; }
    bool last_gpu_graph_reused() const { return gpu_ && gpu_->last_graph_reused(); }
    // One DiT forward on the GPU (as dit(), with the raw context): needs enable_cuda first.
    bool dit_cuda(const float* x, int batch, int frames, const float* t, const float* cross, int n_ctx,
                  const float* global, std::vector<float>& v, std::string& err);
    // latents (batch, C, T) -> audio (batch, channels, T * ratio).
    void decode(const float* latents, int batch, int frames, std::vector<float>& audio);
    nn::ThreadPool* pool() { return pool_.get(); }

private:
    bool sample_cuda(const float* noise, int batch, int frames, const float* cross, int n_ctx, const float* global,
                     const SampleOptions& opt, const std::vector<double>& sigmas, std::vector<float>& latents,
                     std::string& err);
    SaConfig cfg_;
    nn::SafeTensors st_;  // the weights file, mapped for the model's lifetime (the DiT reads it in place)
    T5Encoder t5_;
    bool t5_loaded_ = false;
    std::vector<NumberConditioner> numbers_;
    std::unique_ptr<PositionConditioner> position_;
    DitWeightsSA dit_;
    OobleckW dec_;
    std::vector<std::string> unknown_;
    std::unique_ptr<nn::ThreadPool> pool_;
    DitScratchSA scratch_;
    std::unique_ptr<SaDitCuda> gpu_;
    std::unique_ptr<OobleckCuda> dec_gpu_;
    std::unique_ptr<T5Cuda> t5_gpu_;
};

}  // namespace bewo::sa
