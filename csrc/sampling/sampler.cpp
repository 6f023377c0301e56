#include "sampler.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bewo::sampling {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

std::vector<double> timesteps(int steps) {
    if (steps < 1) throw std::invalid_argument("steps must be >= 1");
    const double lam_max = 5.0;
    const double lam_min = std::log(std::cos(0.5 * kPi * kTMax) / std::sin(0.5 * kPi * kTMax));
    std::vector<double> out;
    for (int i = 0; i < steps; ++i) {
        double lam = steps > 1 ? lam_min + (lam_max - lam_min) * i / std::max(1, steps - 1) : lam_min;
        out.push_back(2.0 / kPi * std::atan(std::exp(-lam)));
    }
    out[0] = kTMax;
    out.push_back(0.0);
    return out;
}

StepCoefficients step_coefficients(int sampler, double t, double t_next, double prev_h, bool have_prev, float cfg,
                                   double* h_out) {
    const double a = std::cos(0.5 * kPi * t), s = std::sin(0.5 * kPi * t);
    const double an = std::cos(0.5 * kPi * t_next), sn = std::sin(0.5 * kPi * t_next);
    StepCoefficients c{static_cast<float>(a), static_cast<float>(s), cfg, 0.0f, 0.0f, 0.0f, t_next == 0.0};
    double h = 0.0;
    if (!c.last) {
        if (sampler == 1) {  // Euler (DDIM): x' = an d + sn (x - a d) / s
            c.cx = static_cast<float>(sn / s);
            c.cd = static_cast<float>(an - sn * a / s);
        } else {             // DPM-Solver++(2M) in the data-prediction form
            h = std::log(an / sn) - std::log(a / s);
            const double e = -an * std::expm1(-h);
            c.cx = static_cast<float>(sn / s);
            if (!have_prev) {
                c.cd = static_cast<float>(e);
            } else {
                const double r = prev_h / h;
                c.cd = static_cast<float>(e * (1.0 + 1.0 / (2.0 * r)));
                c.cp = static_cast<float>(-e / (2.0 * r));
            }
        }
    }
    if (h_out) *h_out = h;
    return c;
}

void sampler_step(float* x, const float* v_cond, const float* v_uncond, float* prev_d, std::size_t n,
                  const StepCoefficients& c) {
    // One pass, the operations in the order the PyTorch reference does them (float32 each).
    if (c.last) {
        for (std::size_t i = 0; i < n; ++i) {
            const float v = v_uncond[i] + c.cfg * (v_cond[i] - v_uncond[i]);
            const float d = c.a * x[i] - c.s * v;
            prev_d[i] = d;
            x[i] = d;
        }
        return;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const float v = v_uncond[i] + c.cfg * (v_cond[i] - v_uncond[i]);
        const float d = c.a * x[i] - c.s * v;
        x[i] = c.cx * x[i] + c.cd * d + c.cp * prev_d[i];
        prev_d[i] = d;
    }
}

void sampler_step_reference(float* x, const float* v_cond, const float* v_uncond, float* prev_d, std::size_t n,
                            const StepCoefficients& c) {
    std::vector<double> v(n), d(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = double(v_uncond[i]) + double(c.cfg) * (double(v_cond[i]) - v_uncond[i]);
    for (std::size_t i = 0; i < n; ++i) d[i] = double(c.a) * x[i] - double(c.s) * v[i];
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = static_cast<float>(c.last ? d[i] : double(c.cx) * x[i] + double(c.cd) * d[i] + double(c.cp) * prev_d[i]);
        prev_d[i] = static_cast<float>(d[i]);
    }
}

}  // namespace bewo::sampling
