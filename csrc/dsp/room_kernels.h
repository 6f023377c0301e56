// Arithmetic of the room response shared by the CPU (room.cpp) and the CUDA backend
// (cuda/room_cuda.cu): the tail's counter-based noise, its band splits, decay and level match,
// and the tabulated fractional-delay kernel. Plain C++ here, __host__ __device__ under nvcc, so
// both backends run the same code.
#pragma once
#include <math.h>

#include <cstddef>
#include <cstdint>

#if defined(__CUDACC__)
#define BEWO_HD __host__ __device__
#else
#define BEWO_HD
#endif

namespace bewo {
namespace roomk {

constexpr double kPi = 3.14159265358979323846;
constexpr int kHalfWidth = 8;          // = HrtfSet::kSincHalfWidth
constexpr int kKernelSteps = 1024;     // rows of the fractional-delay table are kKernelSteps + 1

// splitmix64 addressed by call number: the k-th draw (k = 1, 2, ...) of a generator whose
// state starts at s0 (the sequential generator adds the constant before mixing).
BEWO_HD inline std::uint64_t splitmix64_at(std::uint64_t s0, std::uint64_t k) {
    std::uint64_t z = s0 + k * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

BEWO_HD inline double uniform_at(std::uint64_t s0, std::uint64_t k) {
    return (double(splitmix64_at(s0, k) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

// Box-Muller pair number `pair` (0, 1, ...): draws 2 pair + 1 and 2 pair + 2.
BEWO_HD inline void normal_pair_at(std::uint64_t s0, std::uint64_t pair, double& a, double& b) {
    const double r = sqrt(-2.0 * log(uniform_at(s0, 2 * pair + 1)));
    const double t = 2.0 * kPi * uniform_at(s0, 2 * pair + 2);
    a = r * cos(t);
    b = r * sin(t);
}

// Taps of the fractional delay by frac in [0, 1] from the table (rows at frac = i / kKernelSteps,
// 2 kHalfWidth taps each), linear between rows.
BEWO_HD inline void tabulated_taps(const float* table, double frac, float* taps) {
    const double f = frac < 0.0 ? 0.0 : (frac > 1.0 ? 1.0 : frac);
    const double pos = f * kKernelSteps;
    int i = int(pos);
    if (i > kKernelSteps - 1) i = kKernelSteps - 1;
    const float u = float(pos - i);
    const float* a = table + std::size_t(i) * 2 * kHalfWidth;
    const float* b = a + 2 * kHalfWidth;
    for (int j = 0; j < 2 * kHalfWidth; ++j) taps[j] = a[j] + u * (b[j] - a[j]);
}

// Everything the diffuse tail of one response needs (computed by plan_tail in room.cpp).
struct TailPlan {
    int active = 0;
    std::uint64_t t0 = 0, len = 0, win = 0;  // tail from sample t0, len samples; level window
    std::uint64_t state = 0;                 // generator start state
    double a1 = 0, a2 = 0;                   // one-pole coefficients at 500 Hz and 4 kHz
    double fs = 0, rt60 = 0;
};

// Amplitude that continues the image part's level: the mean power over the last `win` samples
// before t0, extrapolated to t0 by the tail's decay.
BEWO_HD inline double tail_amplitude(const float* ear, const TailPlan& tp) {
    double energy = 0.0;
    const std::uint64_t w0 = tp.t0 > tp.win ? tp.t0 - tp.win : 0;
    for (std::uint64_t i = w0; i < tp.t0; ++i) energy += double(ear[i]) * ear[i];
    const std::uint64_t cnt = tp.t0 - w0;
    const double power = energy / double(cnt > 0 ? cnt : 1) * exp(13.8155 * 0.5 * double(cnt) / tp.fs / tp.rt60);
    return sqrt(power);
}

// Adds the tail to one or both ears (either pointer may be null; a non-null one must hold at
// least t0 + len samples and its image part must be complete). Two noise streams, a (draws for
// pairs 0 .. P-1) and b (pairs P .. 2P-1, P = ceil(len / 2)), both ears use both. Interaural
// coherence of a diffuse field: high below ~500 Hz, about zero above. Each stream's low part is
// low-passed three times (18 dB/octave, so that coherence does not leak into the higher bands)
// and the two low parts are mixed symmetrically: left = a - low(a) + c low(a) + s low(b),
// right = b - low(b) + s low(a) + c low(b), with 2 c s = rho. Because the mix is symmetric
// the interaural cross-spectrum is real: the shared part arrives at both ears at the same time,
// as a diffuse field's does (mixing the shared part into one ear only would delay it there by
// the low-pass's group delay and pull every reverberant clip's ITD towards one side). Each ear
// is then split into three bands (one-pole splits at 500 Hz and 4 kHz), each decaying by 60 dB
// in its RT60 (air absorption shortens the top band's: 0.8 RT60). Samples of one ear get the
// three bands added in band order, each rounded to float, as a float accumulator would.
// level_left / level_right: both ears' complete image parts (read only, before t0; they may be
// the same buffers as left / right). A diffuse field reaches both ears equally loud, so both
// ears' tails continue the two ears' mean level: matching each ear to its own last window of
// reflections gave the tail an arbitrary interaural level difference (up to ~5 dB, often
// towards the far ear).
BEWO_HD inline void add_tail(const TailPlan& tp, float* left, float* right, const float* level_left,
                             const float* level_right) {
    if (!tp.active || (!left && !right)) return;
    const double a0 = tail_amplitude(level_left, tp), a1 = tail_amplitude(level_right, tp);
    const double amp0 = sqrt(0.5 * (a0 * a0 + a1 * a1)), amp1 = amp0;
    const double rho = 0.8;
    const double theta = 0.5 * asin(rho), cm = cos(theta), sm = sin(theta);
    double k[3];
    for (int band = 0; band < 3; ++band) {
        const double rt = band == 2 ? 0.8 * tp.rt60 : tp.rt60;
        k[band] = 13.8155 / 2.0 / (rt * tp.fs);  // amplitude decay per sample
    }
    const std::uint64_t P = (tp.len + 1) / 2;
    double ya1 = 0, ya2 = 0, yb1 = 0, yb2 = 0;                    // band splits of the two ears
    double la1 = 0, la2 = 0, la3 = 0, lb1 = 0, lb2 = 0, lb3 = 0;  // triple low-pass of a and b
    double na[2] = {0, 0}, nb[2] = {0, 0};
    for (std::uint64_t i = 0; i < tp.len; ++i) {
        if ((i & 1) == 0) {
            normal_pair_at(tp.state, i / 2, na[0], na[1]);
            normal_pair_at(tp.state, P + i / 2, nb[0], nb[1]);
        }
        const double xa = na[i & 1], xb = nb[i & 1];
        la1 += tp.a1 * (xa - la1);
        la2 += tp.a1 * (la1 - la2);
        la3 += tp.a1 * (la2 - la3);
        lb1 += tp.a1 * (xb - lb1);
        lb2 += tp.a1 * (lb1 - lb2);
        lb3 += tp.a1 * (lb2 - lb3);
        double A[3] = {0, 0, 0}, B[3] = {0, 0, 0};
        if (left) {
            const double x = xa - la3 + cm * la3 + sm * lb3;
            ya1 += tp.a1 * (x - ya1);
            const double rest = x - ya1;
            ya2 += tp.a2 * (rest - ya2);
            A[0] = ya1;
            A[1] = ya2;
            A[2] = rest - ya2;
        }
        if (right) {
            const double x = xb - lb3 + sm * la3 + cm * lb3;
            yb1 += tp.a1 * (x - yb1);
            const double rest = x - yb1;
            yb2 += tp.a2 * (rest - yb2);
            B[0] = yb1;
            B[1] = yb2;
            B[2] = rest - yb2;
        }
        for (int band = 0; band < 3; ++band) {
            const double d = exp(-k[band] * double(i));
            if (left) left[tp.t0 + i] += float(amp0 * d * A[band]);
            if (right) right[tp.t0 + i] += float(amp1 * d * B[band]);
        }
    }
}

}  // namespace roomk
}  // namespace bewo
