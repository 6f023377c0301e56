#include "convolver.h"

#include <algorithm>
#include <cstring>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif
#include <stdexcept>
#include <string>

namespace bewo {

PartitionedConvolver::PartitionedConvolver(std::size_t block, std::size_t filter_len)
    : B_(block), N_(2 * block), P_((filter_len + block - 1) / std::max<std::size_t>(block, 1)),
      bins_(block + 1), filter_len_(filter_len), fft_(2 * block) {
    if (block < 16 || (block & (block - 1)) != 0)
        throw std::invalid_argument("block_size must be a power of two >= 16, got " + std::to_string(block));
    if (filter_len == 0) throw std::invalid_argument("filter length must be > 0");
    // One arena, rows 512 bytes apart modulo 4 KiB: input spectra and accumulators allocated
    // separately can sit a multiple of 4 KiB apart, and the product loop then stalls on 4K aliasing.
    row_ = (bins_ + 1023) / 1024 * 1024 + 128;
    arena_.assign((2 * P_ + 2) * row_, 0.f);
    frame_.assign(N_, 0.f);
    time_.resize(N_);
    spec_buf_.assign(N_, 0.f);
}

void PartitionedConvolver::reset() {
    std::fill(arena_.begin(), arena_.end(), 0.f);
    std::fill(frame_.begin(), frame_.end(), 0.f);
    head_ = 0;
}

void PartitionedConvolver::make_spectra(const float* left, const float* right, FilterSpectra& out) {
    out.re.resize(2 * P_ * bins_);
    out.im.resize(2 * P_ * bins_);
    // The upper half of the buffer stays zero (set once); the lower half is rewritten entirely.
    std::vector<float>& buf = spec_buf_;
    const float scale = 1.f / float(N_);
    const float* src[2] = {left, right};
    for (int ear = 0; ear < 2; ++ear)
        for (std::size_t p = 0; p < P_; ++p) {
            const std::size_t t0 = p * B_, t1 = std::min(filter_len_, t0 + B_);
            for (std::size_t t = t0; t < t1; ++t) buf[t - t0] = src[ear][t] * scale;
            std::fill(buf.begin() + (t1 - t0), buf.begin() + B_, 0.f);
            const std::size_t off = (std::size_t(ear) * P_ + p) * bins_;
            fft_.forward(buf.data(), &out.re[off], &out.im[off]);
        }
}

void PartitionedConvolver::push(const float* block) {
    // frame = [previous block, this block]
    std::memmove(frame_.data(), frame_.data() + B_, B_ * sizeof(float));
    std::memcpy(frame_.data() + B_, block, B_ * sizeof(float));
    head_ = (head_ + 1) % P_;
    fft_.forward(frame_.data(), fdl_re(head_), fdl_im(head_));
}

void PartitionedConvolver::convolve(const FilterSpectra& h, float* left, float* right) {
    float* out[2] = {left, right};
    const std::size_t nb = bins_;
    for (int ear = 0; ear < 2; ++ear) {
        float* __restrict ar = arena_.data() + 2 * P_ * row_;
        float* __restrict ai = ar + row_;
        std::fill(ar, ar + nb, 0.f);
        std::fill(ai, ai + nb, 0.f);
        for (std::size_t p = 0; p < P_; ++p) {
            const std::size_t slot = (head_ + P_ - p) % P_;
            const float* __restrict xr = fdl_re(slot);
            const float* __restrict xi = fdl_im(slot);
            const std::size_t off = (std::size_t(ear) * P_ + p) * nb;
            const float* __restrict hr = &h.re[off];
            const float* __restrict hi = &h.im[off];
            std::size_t k = 0;
#if defined(__AVX2__) && defined(__FMA__)
            for (; k + 8 <= nb; k += 8) {
                const __m256 a = _mm256_loadu_ps(xr + k), b = _mm256_loadu_ps(xi + k);
                const __m256 c = _mm256_loadu_ps(hr + k), d = _mm256_loadu_ps(hi + k);
                _mm256_storeu_ps(ar + k, _mm256_fmadd_ps(a, c, _mm256_fnmadd_ps(b, d, _mm256_loadu_ps(ar + k))));
                _mm256_storeu_ps(ai + k, _mm256_fmadd_ps(a, d, _mm256_fmadd_ps(b, c, _mm256_loadu_ps(ai + k))));
            }
#endif
            for (; k < nb; ++k) {
                ar[k] += xr[k] * hr[k] - xi[k] * hi[k];
                ai[k] += xr[k] * hi[k] + xi[k] * hr[k];
            }
        }
        fft_.inverse(ar, ai, time_.data());
        std::memcpy(out[ear], time_.data() + B_, B_ * sizeof(float));
    }
}

}  // namespace bewo
