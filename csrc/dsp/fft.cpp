#include "fft.h"

#include <cmath>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif
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

#if defined(__AVX2__) && defined(__FMA__)
// Radix-4 butterfly on 8 lanes; twiddles per lane.
struct V4 { __m256 r0, i0, r1, i1, r2, i2, r3, i3; };

inline V4 butterfly4(__m256 ar, __m256 ai, __m256 br, __m256 bi, __m256 cr, __m256 ci, __m256 dr, __m256 di,
                     __m256 w1r, __m256 w1i, __m256 w2r, __m256 w2i, __m256 w3r, __m256 w3i) {
    const __m256 apcr = _mm256_add_ps(ar, cr), apci = _mm256_add_ps(ai, ci);
    const __m256 amcr = _mm256_sub_ps(ar, cr), amci = _mm256_sub_ps(ai, ci);
    const __m256 bpdr = _mm256_add_ps(br, dr), bpdi = _mm256_add_ps(bi, di);
    const __m256 jr = _mm256_sub_ps(bi, di), ji = _mm256_sub_ps(dr, br);
    V4 o;
    o.r0 = _mm256_add_ps(apcr, bpdr);
    o.i0 = _mm256_add_ps(apci, bpdi);
    __m256 tr = _mm256_add_ps(amcr, jr), ti = _mm256_add_ps(amci, ji);
    o.r1 = _mm256_fmsub_ps(tr, w1r, _mm256_mul_ps(ti, w1i));
    o.i1 = _mm256_fmadd_ps(tr, w1i, _mm256_mul_ps(ti, w1r));
    tr = _mm256_sub_ps(apcr, bpdr); ti = _mm256_sub_ps(apci, bpdi);
    o.r2 = _mm256_fmsub_ps(tr, w2r, _mm256_mul_ps(ti, w2i));
    o.i2 = _mm256_fmadd_ps(tr, w2i, _mm256_mul_ps(ti, w2r));
    tr = _mm256_sub_ps(amcr, jr); ti = _mm256_sub_ps(amci, ji);
    o.r3 = _mm256_fmsub_ps(tr, w3r, _mm256_mul_ps(ti, w3i));
    o.i3 = _mm256_fmadd_ps(tr, w3i, _mm256_mul_ps(ti, w3r));
    return o;
}

// Interleave four 8-lane vectors: out[4p + r] = v_r[p].
inline void store_interleaved4(float* y, __m256 v0, __m256 v1, __m256 v2, __m256 v3) {
    const __m256 t0 = _mm256_unpacklo_ps(v0, v1), t1 = _mm256_unpackhi_ps(v0, v1);
    const __m256 t2 = _mm256_unpacklo_ps(v2, v3), t3 = _mm256_unpackhi_ps(v2, v3);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    _mm256_storeu_ps(y, _mm256_permute2f128_ps(u0, u1, 0x20));
    _mm256_storeu_ps(y + 8, _mm256_permute2f128_ps(u2, u3, 0x20));
    _mm256_storeu_ps(y + 16, _mm256_permute2f128_ps(u0, u1, 0x31));
    _mm256_storeu_ps(y + 24, _mm256_permute2f128_ps(u2, u3, 0x31));
}

// First stage (s = 1): lanes run over p; outputs interleave by 4.
void stage_s1_avx(const float* xr, const float* xi, float* yr, float* yi, std::size_t m4, const float* w1r,
                  const float* w1i) {
    const float *w2r = w1r + m4, *w2i = w1i + m4, *w3r = w2r + m4, *w3i = w2i + m4;
    for (std::size_t p = 0; p < m4; p += 8) {
        const V4 o = butterfly4(_mm256_loadu_ps(xr + p), _mm256_loadu_ps(xi + p), _mm256_loadu_ps(xr + p + m4),
                                _mm256_loadu_ps(xi + p + m4), _mm256_loadu_ps(xr + p + 2 * m4),
                                _mm256_loadu_ps(xi + p + 2 * m4), _mm256_loadu_ps(xr + p + 3 * m4),
                                _mm256_loadu_ps(xi + p + 3 * m4), _mm256_loadu_ps(w1r + p), _mm256_loadu_ps(w1i + p),
                                _mm256_loadu_ps(w2r + p), _mm256_loadu_ps(w2i + p), _mm256_loadu_ps(w3r + p),
                                _mm256_loadu_ps(w3i + p));
        store_interleaved4(yr + 4 * p, o.r0, o.r1, o.r2, o.r3);
        store_interleaved4(yi + 4 * p, o.i0, o.i1, o.i2, o.i3);
    }
}

// Stage with s = 4: a vector holds q = 0..3 for two consecutive p; twiddles come pre-expanded.
void stage_s4_avx(const float* xr, const float* xi, float* yr, float* yi, std::size_t m4, const float* ew) {
    // ew: for each pair of p, 6 vectors of 8 (w1r, w1i, w2r, w2i, w3r, w3i), each lane's p repeated 4x.
    const std::size_t step = 4 * m4;  // distance between the four inputs (s * m4)
    for (std::size_t p = 0; p < m4; p += 2, ew += 48) {
        const std::size_t i0 = 4 * p;
        const V4 o = butterfly4(_mm256_loadu_ps(xr + i0), _mm256_loadu_ps(xi + i0), _mm256_loadu_ps(xr + i0 + step),
                                _mm256_loadu_ps(xi + i0 + step), _mm256_loadu_ps(xr + i0 + 2 * step),
                                _mm256_loadu_ps(xi + i0 + 2 * step), _mm256_loadu_ps(xr + i0 + 3 * step),
                                _mm256_loadu_ps(xi + i0 + 3 * step), _mm256_loadu_ps(ew), _mm256_loadu_ps(ew + 8),
                                _mm256_loadu_ps(ew + 16), _mm256_loadu_ps(ew + 24), _mm256_loadu_ps(ew + 32),
                                _mm256_loadu_ps(ew + 40));
        // y[q + 4(4p + r)]: lanes 0-3 (p) go to 16p + 4r, lanes 4-7 (p+1) to 16p + 16 + 4r.
        const __m256 rr[4] = {o.r0, o.r1, o.r2, o.r3}, ii[4] = {o.i0, o.i1, o.i2, o.i3};
        float* ya = yr + 16 * p;
        float* yb = yi + 16 * p;
        for (int r = 0; r < 4; ++r) {
            _mm_storeu_ps(ya + 4 * r, _mm256_castps256_ps128(rr[r]));
            _mm_storeu_ps(ya + 16 + 4 * r, _mm256_extractf128_ps(rr[r], 1));
            _mm_storeu_ps(yb + 4 * r, _mm256_castps256_ps128(ii[r]));
            _mm_storeu_ps(yb + 16 + 4 * r, _mm256_extractf128_ps(ii[r], 1));
        }
    }
}

// Stages with s >= 8: lanes run over q, twiddles broadcast.
void stage_wide_avx(const float* xr, const float* xi, float* yr, float* yi, std::size_t s, std::size_t m4,
                    const float* w1r, const float* w1i) {
    const float *w2r = w1r + m4, *w2i = w1i + m4, *w3r = w2r + m4, *w3i = w2i + m4;
    const std::size_t step = s * m4;
    for (std::size_t p = 0; p < m4; ++p) {
        const __m256 a1r = _mm256_set1_ps(w1r[p]), a1i = _mm256_set1_ps(w1i[p]);
        const __m256 a2r = _mm256_set1_ps(w2r[p]), a2i = _mm256_set1_ps(w2i[p]);
        const __m256 a3r = _mm256_set1_ps(w3r[p]), a3i = _mm256_set1_ps(w3i[p]);
        const float *pr = xr + s * p, *pi = xi + s * p;
        float *qr = yr + 4 * s * p, *qi = yi + 4 * s * p;
        for (std::size_t q = 0; q < s; q += 8) {
            const V4 o = butterfly4(_mm256_loadu_ps(pr + q), _mm256_loadu_ps(pi + q), _mm256_loadu_ps(pr + q + step),
                                    _mm256_loadu_ps(pi + q + step), _mm256_loadu_ps(pr + q + 2 * step),
                                    _mm256_loadu_ps(pi + q + 2 * step), _mm256_loadu_ps(pr + q + 3 * step),
                                    _mm256_loadu_ps(pi + q + 3 * step), a1r, a1i, a2r, a2i, a3r, a3i);
            _mm256_storeu_ps(qr + q, o.r0);
            _mm256_storeu_ps(qi + q, o.i0);
            _mm256_storeu_ps(qr + q + s, o.r1);
            _mm256_storeu_ps(qi + q + s, o.i1);
            _mm256_storeu_ps(qr + q + 2 * s, o.r2);
            _mm256_storeu_ps(qi + q + 2 * s, o.i2);
            _mm256_storeu_ps(qr + q + 3 * s, o.r3);
            _mm256_storeu_ps(qi + q + 3 * s, o.i3);
        }
    }
}

// x[0..2n) -> even[0..n), odd[0..n)
inline std::size_t deinterleave_avx(const float* x, float* even, float* odd, std::size_t n) {
    std::size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        const __m256 a = _mm256_loadu_ps(x + 2 * k), b = _mm256_loadu_ps(x + 2 * k + 8);
        const __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
        const __m256 o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
        _mm256_storeu_ps(even + k, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8)));
        _mm256_storeu_ps(odd + k, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), 0xD8)));
    }
    return k;
}

// even, odd -> x[2k] = even[k], x[2k+1] = odd[k]
inline std::size_t interleave_avx(const float* even, const float* odd, float* x, std::size_t n) {
    std::size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        const __m256 e = _mm256_loadu_ps(even + k), o = _mm256_loadu_ps(odd + k);
        const __m256 lo = _mm256_unpacklo_ps(e, o), hi = _mm256_unpackhi_ps(e, o);
        _mm256_storeu_ps(x + 2 * k, _mm256_permute2f128_ps(lo, hi, 0x20));
        _mm256_storeu_ps(x + 2 * k + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
    }
    return k;
}

#endif

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
    // The s = 4 stage's vector code wants each p's twiddles repeated over the 4 q lanes.
    for (const Stage& st : stages_) {
        if (st.radix != 4 || st.s != 4 || st.n / 4 < 2) continue;
        const std::size_t m4 = st.n / 4;
        s4_offset_ = tw4_.size();
        for (std::size_t p = 0; p < m4; p += 2)
            for (int r = 1; r <= 3; ++r)
                for (int part = 0; part < 2; ++part)
                    for (int lane = 0; lane < 8; ++lane) {
                        const std::size_t pp = p + std::size_t(lane / 4);
                        const std::size_t idx = st.tw_offset + std::size_t(r - 1) * m4 + pp;
                        tw4_.push_back(part == 0 ? tw_re_[idx] : tw_im_[idx]);
                    }
    }
}

void ComplexFFT::forward(float* re, float* im) const {
    if (m_ == 1) return;
    // The imaginary half sits 64 bytes past a power-of-two distance from the real half, so
    // loads and stores of the two never alias in the cache (4K aliasing).
    float* work = scratch(2 * m_ + 16);
    float *xr = re, *xi = im, *yr = work, *yi = work + m_ + 16;
    for (const Stage& st : stages_) {
        const std::size_t s = st.s;
        if (st.radix == 2) {
            // Last stage, n = 2: no twiddles, one long unit-stride loop.
            std::size_t q0 = 0;
#if defined(__AVX2__) && defined(__FMA__)
            for (; q0 + 8 <= s; q0 += 8) {
                const __m256 ar = _mm256_loadu_ps(xr + q0), ai = _mm256_loadu_ps(xi + q0);
                const __m256 br = _mm256_loadu_ps(xr + q0 + s), bi = _mm256_loadu_ps(xi + q0 + s);
                _mm256_storeu_ps(yr + q0, _mm256_add_ps(ar, br));
                _mm256_storeu_ps(yi + q0, _mm256_add_ps(ai, bi));
                _mm256_storeu_ps(yr + q0 + s, _mm256_sub_ps(ar, br));
                _mm256_storeu_ps(yi + q0 + s, _mm256_sub_ps(ai, bi));
            }
#endif
            for (std::size_t q = q0; q < s; ++q) {
                const float ar = xr[q], ai = xi[q], br = xr[q + s], bi = xi[q + s];
                yr[q] = ar + br; yi[q] = ai + bi;
                yr[q + s] = ar - br; yi[q + s] = ai - bi;
            }
        } else {
            const std::size_t m4 = st.n / 4;
            const float* w1r = &tw_re_[st.tw_offset];
            const float* w1i = &tw_im_[st.tw_offset];
            const float *w2r = w1r + m4, *w2i = w1i + m4, *w3r = w2r + m4, *w3i = w2i + m4;
#if defined(__AVX2__) && defined(__FMA__)
            if (s == 1 && m4 >= 8) {
                stage_s1_avx(xr, xi, yr, yi, m4, w1r, w1i);
            } else if (s == 4 && m4 >= 2 && !tw4_.empty()) {
                stage_s4_avx(xr, xi, yr, yi, m4, &tw4_[s4_offset_]);
            } else if (s >= 8) {
                stage_wide_avx(xr, xi, yr, yi, s, m4, w1r, w1i);
            } else
#endif
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
    std::size_t k1 = 0;
#if defined(__AVX2__) && defined(__FMA__)
    k1 = deinterleave_avx(x, re, im, m);
#endif
    for (std::size_t k = k1; k < m; ++k) {
        re[k] = x[2 * k];
        im[k] = x[2 * k + 1];
    }
    cfft_.forward(re, im);
    // Z is copied aside (the complex transform is done with the scratch) because X overwrites it.
    float* __restrict zr = scratch(2 * m + 2 + 16);
    float* __restrict zi = zr + m + 1 + 16;
    std::memcpy(zr, re, m * sizeof(float));
    std::memcpy(zi, im, m * sizeof(float));
    zr[m] = zr[0];
    zi[m] = zi[0];
    const float* __restrict wr = w_re_.data();
    const float* __restrict wi = w_im_.data();
    float* __restrict outr = re;
    float* __restrict outi = im;
    std::size_t k0 = 0;
#if defined(__AVX2__) && defined(__FMA__)
    // conj(Z[m-k]) for 8 consecutive k comes from one reversed load, kept in registers.
    const __m256i rev = _mm256_set_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 half = _mm256_set1_ps(0.5f), mhalf = _mm256_set1_ps(-0.5f);
    for (; k0 + 8 <= m + 1; k0 += 8) {
        const __m256 a_r = _mm256_loadu_ps(zr + k0), a_i = _mm256_loadu_ps(zi + k0);
        const __m256 b_r = _mm256_permutevar8x32_ps(_mm256_loadu_ps(zr + m - k0 - 7), rev);
        const __m256 b_i =
            _mm256_sub_ps(_mm256_setzero_ps(), _mm256_permutevar8x32_ps(_mm256_loadu_ps(zi + m - k0 - 7), rev));
        const __m256 w_r = _mm256_loadu_ps(wr + k0), w_i = _mm256_loadu_ps(wi + k0);
        const __m256 er = _mm256_mul_ps(half, _mm256_add_ps(a_r, b_r));
        const __m256 ei = _mm256_mul_ps(half, _mm256_add_ps(a_i, b_i));
        const __m256 orr = _mm256_mul_ps(half, _mm256_sub_ps(a_i, b_i));
        const __m256 oi = _mm256_mul_ps(mhalf, _mm256_sub_ps(a_r, b_r));
        _mm256_storeu_ps(outr + k0, _mm256_add_ps(er, _mm256_fmsub_ps(orr, w_r, _mm256_mul_ps(oi, w_i))));
        _mm256_storeu_ps(outi + k0, _mm256_add_ps(ei, _mm256_fmadd_ps(orr, w_i, _mm256_mul_ps(oi, w_r))));
    }
#endif
    for (std::size_t k = k0; k <= m; ++k) {
        // E = (Z + conj(Z[m-k])) / 2, O = (Z - conj(Z[m-k])) / (2i), X = E + W^k O
        const float br = zr[m - k], bi = -zi[m - k];
        const float er = 0.5f * (zr[k] + br), ei = 0.5f * (zi[k] + bi);
        const float orr = 0.5f * (zi[k] - bi), oi = -0.5f * (zr[k] - br);
        outr[k] = er + (orr * wr[k] - oi * wi[k]);
        outi[k] = ei + (orr * wi[k] + oi * wr[k]);
    }
}

void RealFFT::inverse(float* re, float* im, float* x) const {
    const std::size_t m = m_;
    // X is copied aside because Z overwrites it in place.
    float* __restrict xr = scratch(2 * m + 2 + 16);
    float* __restrict xi = xr + m + 1 + 16;
    std::memcpy(xr, re, (m + 1) * sizeof(float));
    std::memcpy(xi, im, (m + 1) * sizeof(float));
    const float* __restrict wr = w_re_.data();
    const float* __restrict wi = w_im_.data();
    float* __restrict ar = re;
    float* __restrict ai = im;
    std::size_t k0 = 0;
#if defined(__AVX2__) && defined(__FMA__)
    const __m256i rev = _mm256_set_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (; k0 + 8 <= m; k0 += 8) {
        const __m256 x_r = _mm256_loadu_ps(xr + k0), x_i = _mm256_loadu_ps(xi + k0);
        // conj(X[m-k]) for k0..k0+7: X[m-k0-7 .. m-k0] reversed
        const __m256 b_r = _mm256_permutevar8x32_ps(_mm256_loadu_ps(xr + m - k0 - 7), rev);
        const __m256 b_i =
            _mm256_sub_ps(_mm256_setzero_ps(), _mm256_permutevar8x32_ps(_mm256_loadu_ps(xi + m - k0 - 7), rev));
        const __m256 w_r = _mm256_loadu_ps(wr + k0), w_i = _mm256_loadu_ps(wi + k0);
        const __m256 er = _mm256_add_ps(x_r, b_r), ei = _mm256_add_ps(x_i, b_i);
        const __m256 dr = _mm256_sub_ps(x_r, b_r), di = _mm256_sub_ps(x_i, b_i);
        const __m256 orr = _mm256_fmadd_ps(dr, w_r, _mm256_mul_ps(di, w_i));
        const __m256 oi = _mm256_fmsub_ps(di, w_r, _mm256_mul_ps(dr, w_i));
        _mm256_storeu_ps(ar + k0, _mm256_sub_ps(er, oi));
        _mm256_storeu_ps(ai + k0, _mm256_add_ps(ei, orr));
    }
#endif
    for (std::size_t k = k0; k < m; ++k) {
        const float br = xr[m - k], bi = -xi[m - k];      // conj(X[m-k])
        const float er = xr[k] + br, ei = xi[k] + bi;      // 2E
        const float dr = xr[k] - br, di = xi[k] - bi;      // 2 W^k O
        // 2 O = (X - conj(X[m-k])) * conj(W^k), then Z = E + i O
        const float orr = dr * wr[k] + di * wi[k], oi = di * wr[k] - dr * wi[k];
        ar[k] = er - oi;
        ai[k] = ei + orr;
    }
    cfft_.inverse(re, im);
    // The complex inverse of size m with 2E/2O inputs yields 2*m*z = n*z: unnormalised by n as promised.
    std::size_t k3 = 0;
#if defined(__AVX2__) && defined(__FMA__)
    k3 = interleave_avx(re, im, x, m);
#endif
    for (std::size_t k = k3; k < m; ++k) {
        x[2 * k] = re[k];
        x[2 * k + 1] = im[k];
    }
}

}  // namespace bewo
