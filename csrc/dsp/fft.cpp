#include "fft.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bewo {

namespace {

bool is_pow2(std::size_t n) { return n >= 1 && (n & (n - 1)) == 0; }

// Scratch grows to the largest transform seen by this thread; transforms stay const and
// shareable between threads because nothing mutable lives in the plan.
float* scratch(std::size_t n) {
    thread_local std::vector<float> buf;
    if (buf.size() < n) buf.resize(n);
    return buf.data();
}

// One radix-4 Stockham step for a fixed (p): reads x at q + s*(p + j*m4), writes y at q + s*(4p + r).
inline void radix4_body(const float* __restrict xr, const float* __restrict xi, float* __restrict yr,
                        float* __restrict yi, std::size_t s, std::size_t m4, std::size_t p, std::size_t q,
                        float w1r, float w1i, float w2r, float w2i, float w3r, float w3i) {
    const std::size_t i0 = q + s * p, i1 = i0 + s * m4, i2 = i1 + s * m4, i3 = i2 + s * m4;
    const float ar = xr[i0], ai = xi[i0], br = xr[i1], bi = xi[i1];
    const float cr = xr[i2], ci = xi[i2], dr = xr[i3], di = xi[i3];
    const float apcr = ar + cr, apci = ai + ci, amcr = ar - cr, amci = ai - ci;
    const float bpdr = br + dr, bpdi = bi + di;
    // -i * (b - d)
    const float jr = bi - di, ji = dr - br;
    const std::size_t o = q + s * 4 * p;
    yr[o] = apcr + bpdr;
    yi[o] = apci + bpdi;
    float tr = amcr + jr, ti = amci + ji;
    yr[o + s] = tr * w1r - ti * w1i;
    yi[o + s] = tr * w1i + ti * w1r;
    tr = apcr - bpdr; ti = apci - bpdi;
    yr[o + 2 * s] = tr * w2r - ti * w2i;
    yi[o + 2 * s] = tr * w2i + ti * w2r;
    tr = amcr - jr; ti = amci - ji;
    yr[o + 3 * s] = tr * w3r - ti * w3i;
    yi[o + 3 * s] = tr * w3i + ti * w3r;
}

}  // namespace

ComplexFFT::ComplexFFT(std::size_t m) : m_(m) {
    if (!is_pow2(m)) throw std::invalid_argument("fft size must be a power of two, got " + std::to_string(m));
    std::size_t n = m, s = 1;
    while (n >= 4) {
        stages_.push_back({4, n, s, tw_re_.size()});
        const std::size_t m4 = n / 4;
        for (int r = 1; r <= 3; ++r)
            for (std::size_t p = 0; p < m4; ++p) {
                const double a = -2.0 * M_PI * double(r * p) / double(n);
                tw_re_.push_back(float(std::cos(a)));
                tw_im_.push_back(float(std::sin(a)));
            }
        n /= 4;
        s *= 4;
    }
    if (n == 2) stages_.push_back({2, 2, s, 0});
}

void ComplexFFT::forward(float* re, float* im) const {
    if (m_ == 1) return;
    float* work = scratch(2 * m_);
    float *xr = re, *xi = im, *yr = work, *yi = work + m_;
    for (const Stage& st : stages_) {
        const std::size_t s = st.s;
        if (st.radix == 2) {
            // Last stage, n = 2: no twiddles, one long unit-stride loop.
            for (std::size_t q = 0; q < s; ++q) {
                const float ar = xr[q], ai = xi[q], br = xr[q + s], bi = xi[q + s];
                yr[q] = ar + br; yi[q] = ai + bi;
                yr[q + s] = ar - br; yi[q + s] = ai - bi;
            }
        } else {
            const std::size_t m4 = st.n / 4;
            const float* w1r = &tw_re_[st.tw_offset];
            const float* w1i = &tw_im_[st.tw_offset];
            const float *w2r = w1r + m4, *w2i = w1i + m4, *w3r = w2r + m4, *w3i = w2i + m4;
            if (s >= 8) {
                for (std::size_t p = 0; p < m4; ++p)
                    for (std::size_t q = 0; q < s; ++q)
                        radix4_body(xr, xi, yr, yi, s, m4, p, q, w1r[p], w1i[p], w2r[p], w2i[p], w3r[p], w3i[p]);
            } else {
                for (std::size_t q = 0; q < s; ++q)
                    for (std::size_t p = 0; p < m4; ++p)
                        radix4_body(xr, xi, yr, yi, s, m4, p, q, w1r[p], w1i[p], w2r[p], w2i[p], w3r[p], w3i[p]);
            }
        }
        std::swap(xr, yr);
        std::swap(xi, yi);
    }
    if (xr != re) {
        std::memcpy(re, xr, m_ * sizeof(float));
        std::memcpy(im, xi, m_ * sizeof(float));
    }
}

RealFFT::RealFFT(std::size_t n) : n_(n), m_(n / 2), cfft_(is_pow2(n) && n >= 4 ? n / 2 : 1) {
    if (!is_pow2(n) || n < 4) throw std::invalid_argument("real fft size must be a power of two >= 4, got " + std::to_string(n));
    w_re_.resize(m_ + 1);
    w_im_.resize(m_ + 1);
    for (std::size_t k = 0; k <= m_; ++k) {
        const double a = -2.0 * M_PI * double(k) / double(n);
        w_re_[k] = float(std::cos(a));
        w_im_[k] = float(std::sin(a));
    }
}

void RealFFT::forward(const float* x, float* re, float* im) const {
    const std::size_t m = m_;
    // z[k] = x[2k] + i x[2k+1]; transform in the caller's buffers, then untangle even/odd spectra.
    for (std::size_t k = 0; k < m; ++k) {
        re[k] = x[2 * k];
        im[k] = x[2 * k + 1];
    }
    cfft_.forward(re, im);
    float* zr = scratch(2 * m + 2);  // the complex transform is finished with the scratch by now
    float* zi = zr + m + 1;
    std::memcpy(zr, re, m * sizeof(float));
    std::memcpy(zi, im, m * sizeof(float));
    zr[m] = zr[0];
    zi[m] = zi[0];
    for (std::size_t k = 0; k <= m; ++k) {
        const float ar = zr[k], ai = zi[k], br = zr[m - k], bi = -zi[m - k];  // b = conj(Z[m-k])
        const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);            // E = even-sample spectrum
        // O = (Z - conj(Z[m-k])) / (2i)
        const float dr = 0.5f * (ar - br), di = 0.5f * (ai - bi);
        const float orr = di, oi = -dr;
        const float wr = w_re_[k], wi = w_im_[k];
        re[k] = er + (orr * wr - oi * wi);
        im[k] = ei + (orr * wi + oi * wr);
    }
}

void RealFFT::inverse(float* re, float* im, float* x) const {
    const std::size_t m = m_;
    float* zr = scratch(2 * m + 2);
    float* zi = zr + m + 1;
    for (std::size_t k = 0; k < m; ++k) {
        const float ar = re[k], ai = im[k], br = re[m - k], bi = -im[m - k];  // conj(X[m-k])
        const float er = ar + br, ei = ai + bi;                              // 2E
        const float dr = ar - br, di = ai - bi;                              // 2 W^k O
        // O' = (X - conj(X[m-k])) * conj(W^k)  (= 2 O), then Z = E + i O
        const float wr = w_re_[k], wi = -w_im_[k];
        const float orr = dr * wr - di * wi, oi = dr * wi + di * wr;
        zr[k] = er - oi;
        zi[k] = ei + orr;
    }
    std::memcpy(re, zr, m * sizeof(float));
    std::memcpy(im, zi, m * sizeof(float));
    cfft_.inverse(re, im);
    // The complex inverse of size m with 2E/2O inputs yields 2*m*z = n*z: unnormalised by n as promised.
    for (std::size_t k = 0; k < m; ++k) {
        x[2 * k] = re[k];
        x[2 * k + 1] = im[k];
    }
}

}  // namespace bewo
