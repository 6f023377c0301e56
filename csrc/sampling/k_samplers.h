// The Stable Audio Open family's samplers (k-diffusion's DPM-Solver++ 3M SDE, 2M SDE and 2M over
// the v-objective's sigmas, and the rectified-flow ping-pong sampler of SAO Small), their
// schedules, and one fused update per step: x' = cx x + cd D + cd1 D1 + cd2 D2 + ce eps, with
// the scalar coefficients computed once per step in double on the host.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace bewo::sampling {

enum class KSampler { Dpmpp3mSde, Dpmpp2mSde, Dpmpp2m, Pingpong };

// "dpmpp-3m-sde", "dpmpp-2m-sde", "dpmpp-2m", "pingpong"; false for anything else.
bool parse_k_sampler(const std::string& name, KSampler& out);
const char* k_sampler_name(KSampler s);
bool k_sampler_is_rf(KSampler s);  // pingpong runs on rectified-flow models only

// k-diffusion's polyexponential schedule with rho = 1: exp(linspace(ln smax, ln smin, steps)), then 0.
std::vector<double> sigmas_polyexponential(int steps, double sigma_min, double sigma_max);
// stable-audio-tools' rectified-flow schedule: t = sigmoid(-linspace(logsnr_max, 2, steps + 1)),
// t[0] = sigma_max, t[steps] = 0 (logsnr_max = -6 for sigma_max = 1).
std::vector<double> rf_schedule(int steps, double sigma_max);

struct KStep {
    double cx = 0, cd = 0, cd1 = 0, cd2 = 0, ce = 0;
};

// Coefficients of step i (sigmas[i] -> sigmas[i + 1]); `have` = how many earlier denoised
// estimates exist (0, 1, 2+); h_prev, h_prev2: the earlier steps' log-sigma steps.
KStep k_step_coefficients(KSampler s, const std::vector<double>& sigmas, int i, int have, double h_prev,
                          double h_prev2, double* h_out);

// Every step's coefficients as run_k_sampler uses them (steps = sigmas.size() - 1 entries), for
// loops that run elsewhere (the GPU).
std::vector<KStep> k_step_table(KSampler s, const std::vector<double>& sigmas);

// x = cx x + cd D + cd1 D1 + cd2 D2 + ce eps (absent inputs null when their coefficient is 0).
void k_step_apply(float* x, const float* D, const float* D1, const float* D2, const float* eps, std::size_t n,
                  const KStep& c);

// The whole loop. x holds the sampler's starting latent (noise already scaled by sigmas[0]).
// denoise(x, i, D): the denoised estimate at sigmas[i] (v-objective or rectified flow, CFG done
// by the caller); noise(i, eps): the step's standard normals (SDE samplers and pingpong).
// progress(i, steps) after each step; returning false stops early (false is returned).
bool run_k_sampler(KSampler s, std::vector<float>& x, const std::vector<double>& sigmas,
                   const std::function<void(const float*, int, float*)>& denoise,
                   const std::function<void(int, float*)>& noise, const std::function<bool(int, int)>& progress);

}  // namespace bewo::sampling
