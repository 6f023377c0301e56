// Features -> binaural audio, as bewo_rt/model/features.py's `synthesise`: Griffin-Lim (fast,
// momentum 0.99) for the mid phase, then per-ear level from the band ILD and half the
// interaural phase 2 pi f ITD(f) each way, both interpolated between band centres. STFT: 16 kHz,
// 512-point periodic Hann, hop 128, centred with reflect padding, as torch.stft/istft.
#pragma once
#include <cstdint>
#include <vector>

#include "threadpool.h"

namespace bewo::nn {

constexpr int kSampleRate = 16000, kFft = 512, kHop = 128;

// Deterministic generator shared by the native pipeline (noise and Griffin-Lim's start phase):
// SplitMix64, uniform floats in [0, 1) and standard normals by Box-Muller.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next();
    float uniform();  // [0, 1)
    float normal();

private:
    std::uint64_t s_;
    bool have_spare_ = false;
    float spare_ = 0.0f;
};

// feats (277, frames) -> (2, samples) planar audio. start_phase: (257, frames) radians for
// Griffin-Lim's first iteration (null: drawn uniformly from Rng(seed)).
void synthesise(const float* feats, int frames, int samples, int iterations, std::uint64_t seed,
                const float* start_phase, std::vector<float>& audio, ThreadPool* pool);

// The fixed tables synthesise() uses, exposed so that the GPU version uploads the same numbers.
const std::vector<float>& hann_window();  // kFft points, periodic
// Interpolation of a band value at each of the kBins bins between band centres, flat beyond:
// value = (1 - w1) band[j0] + w1 band[j0 + 1] (band[j0] alone when w1 == 0).
struct BandInterp { int j0; float w1; };
const std::vector<BandInterp>& ild_interp();  // kIldBands bands
const std::vector<BandInterp>& itd_interp();  // kItdBands bands
// 1 / (sum of the squared windows over every frame) at each output sample, or 0 where that sum
// is below torch.istft's 1e-11 threshold: `samples` values for a `frames`-frame inverse STFT.
std::vector<float> inverse_envelope(int frames, int samples);

// STFT pieces, exposed for tests: x (samples) -> re, im (257, samples / 128) as features.stft;
// and back (features.istft, with the dropped trailing frame restored as zeros).
void stft(const float* x, int samples, std::vector<float>& re, std::vector<float>& im, ThreadPool* pool);
void istft(const float* re, const float* im, int frames, int samples, std::vector<float>& y, ThreadPool* pool);

}  // namespace bewo::nn
