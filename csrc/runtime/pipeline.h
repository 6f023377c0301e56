// The native generation pipeline: bundle -> text encoder -> DiT + sampler -> decoder ->
// Griffin-Lim synthesis (-> renderer, cascaded mode). No Python, no PyTorch. The same steps and
// arithmetic as bewo_rt/model/generate.py, checked against it in python_tests/test_native_model.py.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../cuda/nn_cuda.h"
#include "../cuda/synthesis_cuda.h"
#include "../cuda/vae_decoder_cuda.h"
#include "../dsp/hrtf_set.h"
#include "../nn/dit.h"
#include "../nn/safetensors.h"
#include "../nn/text_encoder.h"
#include "../nn/threadpool.h"
#include "../nn/vae_decoder.h"
#include "scene_json.h"

namespace bewo::rt {

struct ModelConfig {
    int vae_width = 192, latent_channels = 16, downsamples = 3;
    int dit_width = 192, dit_depth = 4, dit_heads = 4;
    std::string fusion = "aligned";
    int azimuth_bins = 17, azimuth_columns = 64, max_text_tokens = 48;
    double seconds = 10.0;
};

struct GenerateOptions {
    double seconds = 10.0;
    int steps = 25;
    float cfg = 3.0f;
    std::uint64_t seed = 0;
    int sampler = 0;  // 0 DPM-Solver++(2M), 1 Euler
    bool cascaded = false;
    int griffin_lim_iterations = 32;
    // Called after each sampler step (step, total); returning false cancels.
    std::function<bool(int, int)> progress;
    // Optional starting noise (batch, C, frames) instead of the seeded generator (parity tests).
    const float* noise = nullptr;
};

// gpu_ms: device time of the denoising graph; synth_gpu_ms: of the synthesis (after the decoder).
struct Timings {
    double text_s = 0, sample_s = 0, decode_s = 0, synth_s = 0, render_s = 0, total_s = 0, gpu_ms = 0, synth_gpu_ms = 0;
};

class Pipeline {
public:
    // n_threads <= 0: all cores. check_text_encoder: compare the encoder files' SHA-256 with the
    // bundle's record. False + err on any problem (nothing half loaded is used).
    bool load_file(const std::string& bundle_path, const std::string& text_encoder_dir, int n_threads,
                   bool check_text_encoder, std::string& err);
    bool load_memory(const void* data, std::size_t size, const std::string& text_encoder_dir, int n_threads,
                     bool check_text_encoder, std::string& err);
    // Run the denoising loop on the GPU (the DiT in fp16 with fp32 accumulation, all steps in one
    // CUDA graph), and the decoder and Griffin-Lim synthesis there too (fp32), when one is usable;
    // false (and the reason in gpu_status()) keeps the CPU.
    bool enable_gpu();
    bool gpu_enabled() const { return dit_cuda_ != nullptr; }
    const std::string& gpu_status() const { return gpu_status_; }
    // "cpu" or "cuda" for where the last sample_latents ran.
    const char* backend() const { return gpu_enabled() ? "cuda" : "cpu"; }

    const ModelConfig& config() const { return cfg_; }
    int sample_rate() const { return 16000; }
    int hop() const { return 128 << cfg_.downsamples; }
    int samples_for(double seconds) const { return static_cast<int>(std::lround(seconds * sample_rate())); }
    int frames_for(double seconds) const { return (samples_for(seconds) + hop() - 1) / hop(); }
    int state_columns(int frames) const { return cfg_.fusion == "bewo" ? cfg_.azimuth_columns : frames; }

    // MiniLM hidden states of a prompt (n_tokens, 384).
    bool encode_text(const std::string& prompt, std::vector<float>& hidden, int& n_tokens, std::string& err);
    // Denoised latents (batch, C, frames), divided by the latent scale, for prompts and their
    // azimuth states ((rows, state_columns) each): CFG batch of cond + uncond, as the reference.
    bool sample_latents(const std::vector<std::string>& prompts, const std::vector<std::vector<float>>& states,
                        int frames, const GenerateOptions& opt, std::vector<float>& latents, std::string& err);
    // One latent (C, frames) -> (2, samples) audio (on the GPU when enabled; on the CPU if that fails).
    void decode(const float* latent, int frames, int samples, std::uint64_t seed, int iterations,
                std::vector<float>& audio, const float* start_phase = nullptr);
    // One latent (C, frames) -> features (277, frames << downsamples) (on the GPU when enabled).
    void decode_features(const float* latent, int frames, std::vector<float>& feats);
    // Prompt and/or scene -> (2, samples) audio peak-normalised to -1 dBFS. Cascaded mode needs
    // an HRTF set at 16 kHz; it renders an indoor room's scene in that room (room_scene.h, as
    // bewo_rt.room.simulate_scene), other scenes outdoors (free field and a ground reflection).
    bool generate(const std::string& prompt, const SceneSpec* scene, const GenerateOptions& opt,
                  const HrtfSet* hrtf, std::vector<float>& audio, std::string& err);

    const nn::DitWeights& dit() const { return dit_; }
    const std::vector<float>& latent_scale() const { return scale_; }
    nn::ThreadPool* pool() { return pool_.get(); }
    const Timings& last_timings() const { return timings_; }

private:
    bool finish_load(const std::string& te_dir, int n_threads, bool check_te, std::string& err);
    nn::SafeTensors st_;
    ModelConfig cfg_;
    nn::DitWeights dit_;
    nn::DecoderW dec_;
    std::vector<float> scale_;
    nn::MiniLM te_;
    std::unique_ptr<nn::ThreadPool> pool_;
    nn::DitScratch scratch_;
    Timings timings_;
    std::unique_ptr<cuda_nn::DitCuda> dit_cuda_;
    std::unique_ptr<cuda_nn::VaeDecoderCuda> dec_cuda_;
    std::unique_ptr<cuda_nn::SynthesisCuda> synth_cuda_;
    std::string gpu_status_ = "not requested";
};

// audio scaled so its peak is at dbfs (silence untouched), as audio_io.peak_normalise.
void peak_normalise(float* audio, std::size_t n, float dbfs = -1.0f);

}  // namespace bewo::rt
