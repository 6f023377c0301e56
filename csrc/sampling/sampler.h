// Noise schedule and samplers of bewo_rt/model/diffusion.py (cosine schedule, v-prediction,
// DPM-Solver++(2M) and Euler over the probability-flow ODE), with the per-step latent update
// fused into one pass: CFG combine, v -> denoised estimate, solver update.
#pragma once
#include <cstddef>
#include <vector>

namespace bewo::sampling {

constexpr double kTMax = 0.9995;

// steps + 1 times from kTMax to 0 (uniform in log-SNR), exactly as diffusion.timesteps.
std::vector<double> timesteps(int steps);

// Scalar coefficients of one step, computed once on the host (double precision) and shared by
// the CPU and CUDA kernels: x_next = cx * x + cd * d + cp * prev_d, where
// d = a x - s (v_u + cfg (v_c - v_u)) is the denoised estimate, and prev_d the previous one.
struct StepCoefficients {
    float a, s, cfg;      // alpha, sigma at t; the guidance scale
    float cx, cd, cp;     // update weights (cp = 0 on first order steps)
    bool last;            // t_next == 0: x_next = d
};
// sampler: 0 DPM-Solver++(2M), 1 Euler. prev_h: log-SNR step of the previous step (0 if none).
StepCoefficients step_coefficients(int sampler, double t, double t_next, double prev_h, bool have_prev,
                                   float cfg, double* h_out);

// The fused step over n latent values: reads x, v_cond, v_uncond, prev_d; writes x (next) and
// prev_d (this step's denoised estimate, for the next step). In place, one pass.
void sampler_step(float* x, const float* v_cond, const float* v_uncond, float* prev_d, std::size_t n,
                  const StepCoefficients& c);
// The same written as separate passes in double: the reference.
void sampler_step_reference(float* x, const float* v_cond, const float* v_uncond, float* prev_d, std::size_t n,
                            const StepCoefficients& c);

}  // namespace bewo::sampling
