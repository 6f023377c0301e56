// The Stable Audio Open DiT (sa_dit.h semantics) and its sampling loop on an NVIDIA GPU.
//
// Weights live on the device in fp32, fp16 or bf16 (biases and norms fp32); activations are fp32
// in memory and rounded to the weight dtype at each GEMM and attention input, with fp32
// accumulation. Kernels: the tensor-core GEMM with fused epilogues (residual add, SiLU, SwiGLU
// over interleaved value/gate rows), LayerNorm, one fused per-head kernel for qk-norm + partial
// RoPE + rounding, the fused flash-style attention of nn_cuda.h (head dims up to 128; the fewer
// key/value heads are expanded once per clip), and one fused CFG + denoise + k-sampler update.
// Cross-attention keys and values are computed once per clip. sample() captures one sampler step
// as a CUDA graph (per-step scalars read from device memory through a step counter), keeps it for
// the next call with the same shapes, and replays it once per step.
//
// Without CUDA (sa_dit_cuda_stub.cpp) every call fails with "CUDA backend not compiled". Not
// thread-safe: one instance per thread.
#pragma once
#include <string>
#include <vector>

#include "../../cuda/nn_cuda.h"
#include "../../sampling/k_samplers.h"
#include "sa_dit.h"

namespace bewo::sa {

// The loop, as StableAudioModel::sample runs it on the CPU.
struct CudaSampleSpec {
    sampling::KSampler sampler = sampling::KSampler::Dpmpp3mSde;
    bool rectified_flow = false;       // the model's objective (pingpong) vs v (k-diffusion samplers)
    std::vector<double> sigmas;        // steps + 1 values: sigmas_polyexponential or rf_schedule
    std::vector<sampling::KStep> coefs;  // steps entries: sampling::k_step_table(sampler, sigmas)
    float cfg = 7.0f, scale_phi = 0.0f;
    // (steps, batch, C, T) standard normals for the steps that draw noise (SDE samplers and
    // pingpong), host memory; may be null when no step needs noise.
    const float* step_noise = nullptr;
};

class SaDitCuda {
public:
    SaDitCuda();
    ~SaDitCuda();
    SaDitCuda(const SaDitCuda&) = delete;
    SaDitCuda& operator=(const SaDitCuda&) = delete;

    // Copies the weights to the device as dtype. head_dim must be one the attention supports
    // (fp32: up to 128; fp16 / bf16: 16, 32, 48, 64, 80, 96, 128).
    bool upload(const DitWeightsSA& w, cuda_nn::DType dtype, std::string& err);
    bool ready() const;
    cuda_nn::DType dtype() const;

    // One forward without guidance, as sa_dit_forward, on host arrays: x (batch, C, frames),
    // t (batch), cross the conditioning tokens (batch, n_ctx, cond_token_dim) before
    // to_cond_embed (null or n_ctx 0: none), global (batch, global_cond_dim) (null: none).
    bool forward(const float* x, int batch, int frames, const float* t, const float* cross, int n_ctx,
                 const float* global, float* v, std::string& err);

    // The sampling loop from unit noise (batch, C, frames) with CFG against an all-zero context
    // (when cfg != 1 and there is a context), the global condition kept in both halves.
    // latents: (batch, C, frames).
    bool sample(const float* noise, int batch, int frames, const float* cross, int n_ctx, const float* global,
                const CudaSampleSpec& spec, float* latents, std::string& err);

    // Device time (ms) of the last sample()'s steps (graph replays), excluding uploads, the
    // context keys/values and any capture.
    double last_sample_ms() const;
    // Whether the last sample() reused the graph of an earlier call.
    bool last_graph_reused() const;

    struct Impl;

private:
    Impl* impl_ = nullptr;
};

}  // namespace bewo::sa
