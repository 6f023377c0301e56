#include "k_samplers.h"

#include <algorithm>
#include <cmath>

namespace bewo::sampling {

bool parse_k_sampler(const std::string& n, KSampler& out) {
    if (n == "dpmpp-3m-sde") out = KSampler::Dpmpp3mSde;
    else if (n == "dpmpp-2m-sde") out = KSampler::Dpmpp2mSde;
    else if (n == "dpmpp-2m") out = KSampler::Dpmpp2m;
    else if (n == "pingpong") out = KSampler::Pingpong;
    else return false;
    return true;
}

const char* k_sampler_name(KSampler s) {
    switch (s) {
        case KSampler::Dpmpp3mSde: return "dpmpp-3m-sde";
        case KSampler::Dpmpp2mSde: return "dpmpp-2m-sde";
        case KSampler::Dpmpp2m: return "dpmpp-2m";
        case KSampler::Pingpong: return "pingpong";
    }
    return "?";
}

bool k_sampler_is_rf(KSampler s) { return s == KSampler::Pingpong; }

std::vector<double> sigmas_polyexponential(int steps, double smin, double smax) {
    std::vector<double> s(steps + 1, 0.0);
    const double a = std::log(smax), b = std::log(smin);
    for (int i = 0; i < steps; ++i) {
        const double ramp = steps == 1 ? 1.0 : 1.0 - double(i) / (steps - 1);
        s[i] = std::exp(ramp * (a - b) + b);
    }
    return s;
}

std::vector<double> rf_schedule(int steps, double sigma_max) {
    if (sigma_max > 1) sigma_max = 1;
    const double lmax = sigma_max < 1 ? std::log((1 - sigma_max) / sigma_max + 1e-6) : -6.0;
    std::vector<double> t(steps + 1);
    for (int i = 0; i <= steps; ++i) {
        const double l = lmax + (2.0 - lmax) * i / steps;
        t[i] = 1.0 / (1.0 + std::exp(l));
    }
    t[0] = sigma_max;
    t[steps] = 0.0;
    return t;
}

KStep k_step_coefficients(KSampler s, const std::vector<double>& sig, int i, int have, double h1, double h2,
                          double* h_out) {
    KStep c;
    const double sc = sig[i], sn = sig[i + 1];
    if (s == KSampler::Pingpong) {
        // D at t_i, then x = (1 - t_next) D + t_next eps.
        c.cd = 1.0 - sn;
        c.ce = sn;
        *h_out = 0;
        return c;
    }
    if (sn == 0.0) {  // the last step lands on the denoised estimate
        c.cd = 1.0;
        *h_out = 0;
        return c;
    }
    const double h = std::log(sc) - std::log(sn);
    *h_out = h;
    if (s == KSampler::Dpmpp2m) {
        c.cx = sn / sc;
        const double e = -std::expm1(-h);
        if (have == 0) {
            c.cd = e;
        } else {
            const double r = h1 / h;
            c.cd = e * (1.0 + 1.0 / (2.0 * r));
            c.cd1 = -e / (2.0 * r);
        }
        return c;
    }
    if (s == KSampler::Dpmpp2mSde) {  // eta 1, midpoint
        const double e = -std::expm1(-2.0 * h);
        c.cx = sn / sc * std::exp(-h);
        c.cd = e;
        if (have > 0) {
            const double r = h1 / h;
            c.cd += 0.5 * e / r;
            c.cd1 = -0.5 * e / r;
        }
        c.ce = sn * std::sqrt(e);
        return c;
    }
    // DPM-Solver++(3M) SDE, eta 1: h_eta = 2h.
    const double he = 2.0 * h;
    c.cx = std::exp(-he);
    c.cd = -std::expm1(-he);
    const double phi2 = std::expm1(-he) / he + 1.0;
    if (have >= 2) {
        const double r0 = h1 / h, r1 = h2 / h, u = 1.0 / (r0 + r1);
        const double phi3 = phi2 / he - 0.5;
        // phi2 d1 - phi3 d2 with d1 = a + (a - b) r0 u, d2 = (a - b) u, a = (D - D1)/r0, b = (D1 - D2)/r1.
        const double ka = phi2 * (1.0 + r0 * u) - phi3 * u;
        const double kb = -phi2 * r0 * u + phi3 * u;
        c.cd += ka / r0;
        c.cd1 = -ka / r0 + kb / r1;
        c.cd2 = -kb / r1;
    } else if (have == 1) {
        const double r = h1 / h;
        c.cd += phi2 / r;
        c.cd1 = -phi2 / r;
    }
    c.ce = sn * std::sqrt(-std::expm1(-2.0 * h));
    return c;
}

std::vector<KStep> k_step_table(KSampler s, const std::vector<double>& sig) {
    const int steps = static_cast<int>(sig.size()) - 1;
    std::vector<KStep> out(std::max(0, steps));
    double h1 = 0, h2 = 0;
    for (int i = 0; i < steps; ++i) {
        double h = 0;
        out[i] = k_step_coefficients(s, sig, i, i, h1, h2, &h);
        if (i == 0) out[i].cd1 = 0;
        if (i < 2) out[i].cd2 = 0;
        h2 = h1;
        h1 = h;
    }
    return out;
}

void k_step_apply(float* x, const float* D, const float* D1, const float* D2, const float* eps, std::size_t n,
                  const KStep& c) {
    const float cx = static_cast<float>(c.cx), cd = static_cast<float>(c.cd), cd1 = static_cast<float>(c.cd1),
                cd2 = static_cast<float>(c.cd2), ce = static_cast<float>(c.ce);
    const bool u1 = D1 && c.cd1 != 0, u2 = D2 && c.cd2 != 0, ue = eps && c.ce != 0;
    for (std::size_t k = 0; k < n; ++k) {
        float v = cx * x[k] + cd * D[k];
        if (u1) v += cd1 * D1[k];
        if (u2) v += cd2 * D2[k];
        if (ue) v += ce * eps[k];
        x[k] = v;
    }
}

bool run_k_sampler(KSampler s, std::vector<float>& x, const std::vector<double>& sig,
                   const std::function<void(const float*, int, float*)>& denoise,
                   const std::function<void(int, float*)>& noise, const std::function<bool(int, int)>& progress) {
    const std::size_t n = x.size();
    const int steps = static_cast<int>(sig.size()) - 1;
    std::vector<float> D(n), D1(n), D2(n), eps(n);
    int have = 0;
    double h1 = 0, h2 = 0;
    for (int i = 0; i < steps; ++i) {
        denoise(x.data(), i, D.data());
        double h = 0;
        KStep c = k_step_coefficients(s, sig, i, have, h1, h2, &h);
        const bool need_noise = c.ce != 0;
        if (need_noise) noise(i, eps.data());
        k_step_apply(x.data(), D.data(), have > 0 ? D1.data() : nullptr, have > 1 ? D2.data() : nullptr,
                     need_noise ? eps.data() : nullptr, n, c);
        D2.swap(D1);
        D1.swap(D);
        ++have;
        h2 = h1;
        h1 = h;
        if (progress && !progress(i + 1, steps)) return false;
    }
    return true;
}

}  // namespace bewo::sampling
