// Real FFT of power-of-two size, written for the convolution engine.
// Split-complex layout (separate re/im arrays) so the butterfly loops vectorise.
#pragma once
#include <cstddef>
#include <vector>

namespace bewo {

// Complex DFT of size m (power of two), split format, Stockham autosort (no bit reversal).
class ComplexFFT {
public:
    explicit ComplexFFT(std::size_t m);
    std::size_t size() const { return m_; }
    // In place on (re, im); work arrays are thread-local to keep the object const and shareable.
    void forward(float* re, float* im) const;
    // The same with caller-owned work memory (work_size() floats): no thread-local scratch, so a
    // real-time thread never allocates.
    void forward(float* re, float* im, float* work) const;
    std::size_t work_size() const { return 2 * m_ + 16; }
    // Unnormalised inverse: swapping re and im turns the forward transform into the inverse.
    void inverse(float* re, float* im) const { forward(im, re); }

private:
    friend class RealFFT;  // drives the stages itself to fuse its (de)interleave passes into them
    struct Stage { int radix; std::size_t n, s; std::size_t tw_offset; };
    // One Stockham stage, out of place: (xr, xi) -> (yr, yi).
    void run_stage(std::size_t i, const float* xr, const float* xi, float* yr, float* yi) const;
    // Index of the first stage handled by run_last (the last one, or the last two when they are fused).
    std::size_t last_pass_start() const;
    // The final pass, out of place into (yr, yi); with pairs != nullptr it instead writes the inverse
    // real-FFT output x[2k] = yi[k], x[2k+1] = yr[k], using (yr, yi) as scratch only if it must.
    void run_last(const float* xr, const float* xi, float* yr, float* yi, float* pairs) const;
    std::size_t m_;
    std::vector<Stage> stages_;
    std::vector<float> tw_re_, tw_im_;  // per stage, radix-1 twiddle rows of length n/radix
    std::vector<float> tw4_;            // the s = 4 stage's twiddles, expanded for 8-lane vectors
    std::size_t s4_offset_ = 0;
    std::vector<float> tw16_;           // the same, expanded for 16-lane vectors (AVX-512 builds only)
};

// Real-input DFT of size n: n/2+1 bins out. Built on a complex FFT of size n/2.
class RealFFT {
public:
    explicit RealFFT(std::size_t n);
    std::size_t size() const { return n_; }
    std::size_t bins() const { return n_ / 2 + 1; }
    // x: n real samples -> re, im: n/2+1 bins each.
    void forward(const float* x, float* re, float* im) const;
    // Both directions with caller-owned work memory (work_size() floats), for real-time callers.
    void forward(const float* x, float* re, float* im, float* work) const;
    void inverse(float* re, float* im, float* x, float* work) const;
    std::size_t work_size() const { return 2 * m_ + 32; }
    // re, im: n/2+1 bins (Hermitian half) -> x: n samples, unnormalised (scaled by n).
    // re and im are used as scratch and are clobbered.
    void inverse(float* re, float* im, float* x) const;

private:
    std::size_t n_, m_;
    ComplexFFT cfft_;
    std::vector<float> w_re_, w_im_;  // exp(-2 pi i k / n), k = 0..m
};

}  // namespace bewo
