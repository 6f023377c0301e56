// CUDA kernels of the model runtime: fused (flash-style) multi-head attention and the fused
// sampler step. Written for the DiT of bewo_rt/model/dit.py (head_dim 48 or 64, short
// sequences), usable by a CUDA pipeline through the device-pointer entry points below, and by
// tests and benchmarks through the host conveniences.
//
// Every function returns an empty string on success, else the error (a CUDA call's name and
// message, or the invalid argument); none throws. Without CUDA (nn_cuda_stub.cpp) every one
// returns "CUDA backend not compiled".
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../sampling/sampler.h"

namespace bewo::nn {
struct DitWeights;
}

namespace bewo::cuda_nn {

enum class DType : int { F32 = 0, F16 = 1, BF16 = 2 };

// "fp32" | "fp16" | "bf16" (also "float32", "float16", "half", "bfloat16"); false if unknown.
bool parse_dtype(const std::string& s, DType* out);
const char* dtype_name(DType d);

// softmax(q k^T * scale + mask) v per batch item and head, without forming the score matrix
// (key blocks of 64 with a running max and sum).
//   q: (batch, nq) rows, k / v: (batch, nk) rows; head h occupies elements
//   [h * head_dim, (h + 1) * head_dim) of a row. Strides are in elements of in_dtype, so k and
//   v can be views into one (nk, 2 * heads * head_dim) buffer (k_row = v_row = 2 H D).
//   key_mask: (batch, nk) bytes with mask_batch between items, nonzero = attend, may be null.
//   A query row whose keys are all masked gives zeros.
//   scale <= 0 means 1 / sqrt(head_dim).
//   in_dtype F32: plain FMA kernel (any head_dim <= 128), fp32 math.
//   in_dtype F16 / BF16: tensor cores (mma.sync m16n8k16, fp32 accumulation and softmax),
//   head_dim in {16, 32, 48, 64, 80, 96, 128}; needs sm_80 or newer.
//   out_dtype: F32 or in_dtype.
// All pointers are device pointers; the launch goes on `stream` (a cudaStream_t, null = the
// default stream) and is not synchronised. Capturable in a CUDA graph.
struct AttentionArgs {
    const void* q = nullptr;
    const void* k = nullptr;
    const void* v = nullptr;
    void* out = nullptr;
    const std::uint8_t* key_mask = nullptr;
    int batch = 1, nq = 0, nk = 0, heads = 1, head_dim = 0;
    long long q_row = 0, k_row = 0, v_row = 0, out_row = 0;          // elements between tokens
    long long q_batch = 0, k_batch = 0, v_batch = 0, out_batch = 0;  // elements between batch items
    long long mask_batch = 0;                                        // bytes between mask rows
    float scale = 0.f;
    DType in_dtype = DType::F32;
    DType out_dtype = DType::F32;
    // fp16 / bf16 kernel choice (for tests and tuning): 0 auto (the pipelined kernel when row
    // starts are 16-byte aligned, else the simple one), 1 the simple synchronous kernel,
    // 2 / 3 the pipelined kernel with 4 / 8 warps (16 query rows each) per block (needs aligned
    // rows; falls back to the simple kernel otherwise).
    int kernel = 0;
};
std::string attention_launch(const AttentionArgs& a, void* stream);

// Whether the tensor-core kernel has an instance for this head_dim.
bool attention_tc_supports(int head_dim);

// Fused sampler step (sampling/sampler.h semantics) over n floats, on the device:
//   d = a x - s (vu + cfg (vc - vu)); x_out = last ? d : cx x + cd d + cp prev_d; d_out = d.
// prev_d is not read when cp == 0 or last (it may then be null or hold garbage). In place is
// allowed (x_out == x, d_out == prev_d). float4 loads when every pointer is 16-byte aligned.
std::string sampler_step_launch(const float* x, const float* v_cond, const float* v_uncond, const float* prev_d,
                                float* x_out, float* d_out, std::size_t n, const sampling::StepCoefficients& c,
                                void* stream);

// ---- host conveniences (allocate, copy, launch, copy back, free; synchronous) ----

// Host float32 arrays, contiguous: q (batch, nq, heads * head_dim), k / v (batch, nk, ...),
// out like q; key_mask (batch, nk) or null. kv_packed: k and v are given as one array
// kv (batch, nk, 2 * heads * head_dim) in `k` (v ignored): k = first half of each row, v the second.
// dtype F16 / BF16 converts the inputs on the device and computes with tensor cores, then
// returns fp32. The device output is poisoned (all bytes 0xFF: NaN) before the launch.
std::string attention_host(const float* q, const float* k, const float* v, float* out, int batch, int nq, int nk,
                           int heads, int head_dim, const std::uint8_t* key_mask, float scale, DType dtype,
                           bool kv_packed = false, int kernel = 0);

// Host arrays; x_out and d_out may alias x and prev_d. Device outputs are poisoned first.
std::string sampler_step_host(const float* x, const float* v_cond, const float* v_uncond, const float* prev_d,
                              float* x_out, float* d_out, std::size_t n, const sampling::StepCoefficients& c);

// ---- timing (device-resident random inputs, cudaEvent timing, no host<->device copies) ----

// reps timings (ms per launch, each the mean of `inner` back-to-back launches) after warm-up.
// k and v are views into one packed kv buffer, as the model produces them.
std::string time_attention(int batch, int nq, int nk, int heads, int head_dim, DType dtype, int reps, int inner,
                           bool with_mask, std::vector<double>* ms, int kernel = 0);
// Fused sampler step over n floats (with prev_d, not last), in place.
std::string time_sampler(std::size_t n, int reps, int inner, std::vector<double>* ms);
// Device-to-device cudaMemcpy of `bytes`: ms per copy.
std::string time_copy(std::size_t bytes, int reps, std::vector<double>* ms);

// The model GEMM against a float64 host reference (ggml's test-backend-ops in spirit): random
// x (M rows of K, fed through a row map that skips a row every `group`), W (N, K) and bias,
// y = epilogue(x W^T + b) on the device with weights in `dtype`; the reference uses the same
// rounded inputs, so only fp32 accumulation separates them. kernel: 0 auto, 1 simple, 2 pipelined;
// mode: 0 store, 1 add, 2 GELU-tanh, 3 SiLU, 4 SwiGLU pairs, 5 ReLU, 6 GELU-gated pairs.
// rel_err = max |y - ref| / max |ref|; kernel_used names what ran.
struct GemmCheck {
    double rel_err = 0.0;
    std::string kernel_used;
};
std::string gemm_check(int M, int N, int K, DType dtype, int kernel, int mode, unsigned seed, GemmCheck* out);

struct DeviceInfo {
    std::string name;
    int sm_count = 0, cc_major = 0, cc_minor = 0;
    double peak_bandwidth_gbs = 0;  // 2 * memory clock * bus width (from the device attributes)
};
std::string device_info(DeviceInfo* info);

// ---- the DiT denoiser on the GPU (nn/dit.h semantics) ----
//
// Weights in fp16 or bf16 on the device (biases and LayerNorm parameters fp32); activations fp32
// in memory, rounded to the weight dtype at each tensor-core GEMM / attention input; fp32
// accumulation everywhere. Kernels: tensor-core GEMM + bias (epilogues: store, residual add,
// GELU-tanh, SiLU), LayerNorm, RoPE (+ rounding for the attention), the fused attention above,
// the fused sampler step. sample() runs every step (CFG batch: the B conditional items, then the
// B unconditional ones) as one CUDA graph, captured once per call and launched once.
// Not thread-safe; one instance per thread.
class DitCuda {
public:
    DitCuda();
    ~DitCuda();
    DitCuda(const DitCuda&) = delete;
    DitCuda& operator=(const DitCuda&) = delete;

    // Copies the weights to the device. head_dim (width / heads) must be one the tensor-core
    // attention supports (16, 32, 48, 64, 80, 96, 128).
    bool upload(const nn::DitWeights& w, DType dtype, std::string& err);
    bool ready() const;

    // One v-prediction on host arrays, as nn::dit_forward takes them but with the context itself:
    // x (batch, C, frames); ctx (batch, n_ctx, width) and ctx_mask (batch, n_ctx) (nonzero =
    // attend); state (batch, rows, frames) for the 'aligned' fusion (ignored for 'bewo'); cond
    // (batch) (0: no azimuth injection; null: all 1); v out (batch, C, frames).
    bool forward(const float* x, int batch, int frames, float t, const float* ctx, int n_ctx,
                 const std::uint8_t* ctx_mask, const float* state, const std::uint8_t* cond, float* v,
                 std::string& err);

    // The whole denoising loop on the device: x = noise (batch, C, frames); for step i, the model
    // runs on [x; x] at time t[i] with contexts [ctx_cond; ctx_uncond] (each (batch, n_ctx,
    // width)), masks [mask_cond; mask_uncond] (each (batch, n_ctx)), the 'aligned' state (batch,
    // rows, frames) on the conditional half only, and steps[i] updates x with the fused sampler
    // step (v_cond = first half, v_uncond = second; prev_d starts at 0). latent_out (batch, C, frames).
    // t.size() >= steps.size().
    bool sample(const float* noise, int batch, int frames, const float* ctx_cond, const float* ctx_uncond, int n_ctx,
                const std::uint8_t* mask_cond, const std::uint8_t* mask_uncond, const float* state,
                const std::vector<double>& t, const std::vector<sampling::StepCoefficients>& steps, float* latent_out,
                std::string& err);
    // Device time (ms) of the last sample()'s graph launch (all steps), excluding uploads, the
    // context keys/values and the capture.
    double last_sample_ms() const;

    struct Impl;  // opaque (device buffers and kernels live in nn_cuda.cu)

private:
    Impl* impl_ = nullptr;
};

}  // namespace bewo::cuda_nn
