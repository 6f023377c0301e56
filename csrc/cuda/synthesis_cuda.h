// The tiny model's synthesis (nn/synthesis.h: fast Griffin-Lim for the mid phase, then each ear's
// level and phase from the band ILD and ITD) on an NVIDIA GPU, in fp32. The STFT frames are
// 512-point FFTs in shared memory, two real frames per complex transform; the overlap-add is
// gathered per output sample in frame order, as the CPU sums it. The window, the band tables and
// the inverse window envelope are the CPU's own (uploaded), and the start phase is the CPU
// generator's (SplitMix64 is counter-based, so every bin draws its own value), so one seed gives
// one clip on either.
//
// Without CUDA (synthesis_cuda_stub.cpp) every call fails with "CUDA backend not compiled".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bewo::cuda_nn {

class SynthesisCuda {
public:
    SynthesisCuda();
    ~SynthesisCuda();
    SynthesisCuda(const SynthesisCuda&) = delete;
    SynthesisCuda& operator=(const SynthesisCuda&) = delete;

    // Uploads the fixed tables and creates the stream; false (and why) without a usable GPU.
    bool init(std::string& err);
    bool ready() const;
    // The stream every call below runs on (a cudaStream_t), so a producer can queue work ahead.
    void* stream() const;

    // Features on the device, time-major, produced on stream(): mid (frames, 257) log level and
    // spatial (frames, 20): 16 band ILDs (as nn::decode gives them, in units of 12 dB) then 4 band
    // ITDs (ms). -> audio (2, samples) on the host. start_phase: (257, frames) radians on the
    // host, or null to draw it from the seed as nn::synthesise does.
    bool synthesise_device(const float* mid, const float* spatial, int frames, int samples, int iterations,
                           std::uint64_t seed, const float* start_phase, std::vector<float>& audio, std::string& err);
    // The same from host features (277, frames), as nn::synthesise takes them.
    bool synthesise(const float* feats, int frames, int samples, int iterations, std::uint64_t seed,
                    const float* start_phase, std::vector<float>& audio, std::string& err);
    // nn::stft / nn::istft on the GPU (bin-major (257, frames) spectra on the host), for tests.
    bool stft(const float* x, int samples, std::vector<float>& re, std::vector<float>& im, std::string& err);
    bool istft(const float* re, const float* im, int frames, int samples, std::vector<float>& y, std::string& err);

    // Device time (ms) of the last synthesise call, uploads and the copy back excluded.
    double last_ms() const;

    struct Impl;

private:
    Impl* impl_ = nullptr;
};

}  // namespace bewo::cuda_nn
