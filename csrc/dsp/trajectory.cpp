#include "trajectory.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace bewo {

void validate_keyframes(const Keyframe* kf, std::size_t nk) {
    if (nk == 0) throw std::invalid_argument("trajectory needs at least one keyframe");
    for (std::size_t i = 0; i < nk; ++i) {
        const Keyframe& k = kf[i];
        if (!std::isfinite(k.t) || !std::isfinite(k.az) || !std::isfinite(k.el) || !std::isfinite(k.dist))
            throw std::invalid_argument("keyframe " + std::to_string(i) + " has NaN or Inf");
        if (k.dist <= 0) throw std::invalid_argument("keyframe " + std::to_string(i) + ": distance must be > 0 m");
        // Unwrapped paths may wind several times; beyond this, interpolating between two
        // keyframes overflows (found by fuzzing the C API).
        if (std::fabs(k.az) > 1e6 || k.dist > 1e6 || std::fabs(k.t) > 1e7)
            throw std::invalid_argument("keyframe " + std::to_string(i) +
                                        ": |azimuth| must be <= 1e6 degrees, distance <= 1e6 m and time <= 1e7 s");
        if (k.el < -90 || k.el > 90) throw std::invalid_argument("keyframe " + std::to_string(i) + ": elevation must be in [-90, 90] degrees");
        if (i > 0 && k.t < kf[i - 1].t) throw std::invalid_argument("keyframe times must not decrease");
    }
}

Keyframe evaluate(const Keyframe* kf, std::size_t nk, double t) {
    // First keyframe strictly after t: with a repeated time (an instant jump) t lands after both.
    const Keyframe* end = kf + nk;
    const Keyframe* hi = std::upper_bound(kf, end, t, [](double v, const Keyframe& k) { return v < k.t; });
    if (hi == kf) return {t, kf[0].az, kf[0].el, kf[0].dist};
    if (hi == end) return {t, kf[nk - 1].az, kf[nk - 1].el, kf[nk - 1].dist};
    const Keyframe& a = hi[-1];
    const Keyframe& b = *hi;
    const double u = (t - a.t) / (b.t - a.t);
    return {t, a.az + u * (b.az - a.az), a.el + u * (b.el - a.el), a.dist + u * (b.dist - a.dist)};
}

std::vector<BlockState> plan_blocks(const Keyframe* kf, std::size_t nk, std::size_t n_samples, double sample_rate,
                                    const RenderParams& p, double source_gain) {
    validate_keyframes(kf, nk);
    const std::size_t B = p.block_size;
    const std::size_t nb = (n_samples + B - 1) / B;
    std::vector<BlockState> out(nb);
    for (std::size_t j = 0; j < nb; ++j) {
        const Keyframe k = evaluate(kf, nk, double((j + 1) * B) / sample_rate);
        const double r = std::max(k.dist, p.near_field_m);
        out[j] = {k.az, k.el, source_gain * p.reference_distance_m / r};
    }
    return out;
}

}  // namespace bewo
