// Uniformly partitioned overlap-save convolution (frequency-domain delay line) of one mono
// input with a pair of filters (left/right ear). The delay line holds input spectra only, so a
// new filter pair can be applied to the same history at any block: that is what makes
// per-block HRTF switching with an output crossfade cheap and exact.
#pragma once
#include <cstddef>
#include <vector>

#include "fft.h"

namespace bewo {

// Spectra of a filter pair, partitioned: [ear][partition][bin], pre-scaled by 1/fft_size.
struct FilterSpectra {
    std::vector<float> re, im;
};

class PartitionedConvolver {
public:
    // block: hop and partition size (power of two); filter_len: taps per ear.
    PartitionedConvolver(std::size_t block, std::size_t filter_len);

    std::size_t block() const { return B_; }
    std::size_t partitions() const { return P_; }

    void make_spectra(const float* left, const float* right, FilterSpectra& out);

    // Feed the next input block (B samples; the previous block is remembered).
    void push(const float* block);
    void reset();
    // Output block for the history pushed so far, through the given filter pair.
    void convolve(const FilterSpectra& h, float* left, float* right);

private:
    std::size_t B_, N_, P_, bins_, filter_len_;
    RealFFT fft_;
    std::vector<float> arena_;  // rows: P input spectra (re), P (im), accumulator re, im
    std::size_t row_ = 0;
    float* fdl_re(std::size_t slot) { return arena_.data() + slot * row_; }
    float* fdl_im(std::size_t slot) { return arena_.data() + (P_ + slot) * row_; }
    std::size_t head_ = 0;                // slot of the newest spectrum
    std::vector<float> frame_, time_, spec_buf_;
};

}  // namespace bewo
