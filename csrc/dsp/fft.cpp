#include "fft.h"

#include <cmath>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__AVX512F__) && defined(__GNUC__) && !defined(__clang__)
// GCC 12's AVX-512 shuffle/permute intrinsics pass _mm512_undefined_ps() as the masked-off source,
// which trips a false -Wmaybe-uninitialized at every inlined use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

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
// Tw = false for the last radix-4 stage (n = 4), whose twiddles are all 1.
template <bool Tw>
void stage_wide_avx(const float* xr, const float* xi, float* yr, float* yi, std::size_t s, std::size_t m4,
                    const float* w1r, const float* w1i) {
    const float *w2r = w1r + m4, *w2i = w1i + m4, *w3r = w2r + m4, *w3i = w2i + m4;
    const std::size_t step = s * m4;
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    for (std::size_t p = 0; p < m4; ++p) {
        const __m256 a1r = Tw ? _mm256_set1_ps(w1r[p]) : one, a1i = Tw ? _mm256_set1_ps(w1i[p]) : zero;
        const __m256 a2r = Tw ? _mm256_set1_ps(w2r[p]) : one, a2i = Tw ? _mm256_set1_ps(w2i[p]) : zero;
        const __m256 a3r = Tw ? _mm256_set1_ps(w3r[p]) : one, a3i = Tw ? _mm256_set1_ps(w3i[p]) : zero;
        const float *pr = xr + s * p, *pi = xi + s * p;
        float *qr = yr + 4 * s * p, *qi = yi + 4 * s * p;
        for (std::size_t q = 0; q < s; q += 8) {
            const __m256 ar = _mm256_loadu_ps(pr + q), ai = _mm256_loadu_ps(pi + q);
            const __m256 br = _mm256_loadu_ps(pr + q + step), bi = _mm256_loadu_ps(pi + q + step);
            const __m256 cr = _mm256_loadu_ps(pr + q + 2 * step), ci = _mm256_loadu_ps(pi + q + 2 * step);
            const __m256 dr = _mm256_loadu_ps(pr + q + 3 * step), di = _mm256_loadu_ps(pi + q + 3 * step);
            V4 o;
            if (Tw) {
                o = butterfly4(ar, ai, br, bi, cr, ci, dr, di, a1r, a1i, a2r, a2i, a3r, a3i);
            } else {
                const __m256 apcr = _mm256_add_ps(ar, cr), apci = _mm256_add_ps(ai, ci);
                const __m256 amcr = _mm256_sub_ps(ar, cr), amci = _mm256_sub_ps(ai, ci);
                const __m256 bpdr = _mm256_add_ps(br, dr), bpdi = _mm256_add_ps(bi, di);
                const __m256 jr = _mm256_sub_ps(bi, di), ji = _mm256_sub_ps(dr, br);
                o.r0 = _mm256_add_ps(apcr, bpdr); o.i0 = _mm256_add_ps(apci, bpdi);
                o.r1 = _mm256_add_ps(amcr, jr);   o.i1 = _mm256_add_ps(amci, ji);
                o.r2 = _mm256_sub_ps(apcr, bpdr); o.i2 = _mm256_sub_ps(apci, bpdi);
                o.r3 = _mm256_sub_ps(amcr, jr);   o.i3 = _mm256_sub_ps(amci, ji);
            }
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


#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
// 16-lane versions of the stages. Sizes below the vector width fall back to the 8-lane code.
struct V16 { __m512 r0, i0, r1, i1, r2, i2, r3, i3; };

inline V16 butterfly4_512(__m512 ar, __m512 ai, __m512 br, __m512 bi, __m512 cr, __m512 ci, __m512 dr, __m512 di,
                          __m512 w1r, __m512 w1i, __m512 w2r, __m512 w2i, __m512 w3r, __m512 w3i) {
    const __m512 apcr = _mm512_add_ps(ar, cr), apci = _mm512_add_ps(ai, ci);
    const __m512 amcr = _mm512_sub_ps(ar, cr), amci = _mm512_sub_ps(ai, ci);
    const __m512 bpdr = _mm512_add_ps(br, dr), bpdi = _mm512_add_ps(bi, di);
    const __m512 jr = _mm512_sub_ps(bi, di), ji = _mm512_sub_ps(dr, br);
    V16 o;
    o.r0 = _mm512_add_ps(apcr, bpdr);
    o.i0 = _mm512_add_ps(apci, bpdi);
    __m512 tr = _mm512_add_ps(amcr, jr), ti = _mm512_add_ps(amci, ji);
    o.r1 = _mm512_fmsub_ps(tr, w1r, _mm512_mul_ps(ti, w1i));
    o.i1 = _mm512_fmadd_ps(tr, w1i, _mm512_mul_ps(ti, w1r));
    tr = _mm512_sub_ps(apcr, bpdr); ti = _mm512_sub_ps(apci, bpdi);
    o.r2 = _mm512_fmsub_ps(tr, w2r, _mm512_mul_ps(ti, w2i));
    o.i2 = _mm512_fmadd_ps(tr, w2i, _mm512_mul_ps(ti, w2r));
    tr = _mm512_sub_ps(amcr, jr); ti = _mm512_sub_ps(amci, ji);
    o.r3 = _mm512_fmsub_ps(tr, w3r, _mm512_mul_ps(ti, w3i));
    o.i3 = _mm512_fmadd_ps(tr, w3i, _mm512_mul_ps(ti, w3r));
    return o;
}

// Twiddle-free radix-4 butterfly (the last radix-4 stage has n = 4).
inline V16 butterfly4_512(__m512 ar, __m512 ai, __m512 br, __m512 bi, __m512 cr, __m512 ci, __m512 dr, __m512 di) {
    const __m512 apcr = _mm512_add_ps(ar, cr), apci = _mm512_add_ps(ai, ci);
    const __m512 amcr = _mm512_sub_ps(ar, cr), amci = _mm512_sub_ps(ai, ci);
    const __m512 bpdr = _mm512_add_ps(br, dr), bpdi = _mm512_add_ps(bi, di);
    const __m512 jr = _mm512_sub_ps(bi, di), ji = _mm512_sub_ps(dr, br);
    V16 o;
    o.r0 = _mm512_add_ps(apcr, bpdr); o.i0 = _mm512_add_ps(apci, bpdi);
    o.r1 = _mm512_add_ps(amcr, jr);   o.i1 = _mm512_add_ps(amci, ji);
    o.r2 = _mm512_sub_ps(apcr, bpdr); o.i2 = _mm512_sub_ps(apci, bpdi);
    o.r3 = _mm512_sub_ps(amcr, jr);   o.i3 = _mm512_sub_ps(amci, ji);
    return o;
}

inline __m512i idx16(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10,
                     int a11, int a12, int a13, int a14, int a15) {
    return _mm512_setr_epi32(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15);
}

// out[4p + r] = v_r[p], p = 0..15. Two rounds of two-source permutes (8 shuffles) instead of
// unpack/shuffle/lane-swap (16), since the shuffle port is what these stages run out of.
inline void store_interleaved4_512(float* y, __m512 v0, __m512 v1, __m512 v2, __m512 v3) {
    const __m512i lo = idx16(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi = idx16(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const __m512i q0 = idx16(0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
    const __m512i q1 = idx16(8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
    const __m512 t01l = _mm512_permutex2var_ps(v0, lo, v1), t01h = _mm512_permutex2var_ps(v0, hi, v1);
    const __m512 t23l = _mm512_permutex2var_ps(v2, lo, v3), t23h = _mm512_permutex2var_ps(v2, hi, v3);
    _mm512_storeu_ps(y, _mm512_permutex2var_ps(t01l, q0, t23l));
    _mm512_storeu_ps(y + 16, _mm512_permutex2var_ps(t01l, q1, t23l));
    _mm512_storeu_ps(y + 32, _mm512_permutex2var_ps(t01h, q0, t23h));
    _mm512_storeu_ps(y + 48, _mm512_permutex2var_ps(t01h, q1, t23h));
}

// x[2k] = a[k], x[2k+1] = b[k] for k = 0..15
inline void store_pairs_512(float* x, __m512 a, __m512 b) {
    const __m512i lo = idx16(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi = idx16(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    _mm512_storeu_ps(x, _mm512_permutex2var_ps(a, lo, b));
    _mm512_storeu_ps(x + 16, _mm512_permutex2var_ps(a, hi, b));
}

// even[k] = x[2k], odd[k] = x[2k+1] for k = 0..15
inline void load_pairs_512(const float* x, __m512& even, __m512& odd) {
    const __m512 a = _mm512_loadu_ps(x), b = _mm512_loadu_ps(x + 16);
    even = _mm512_permutex2var_ps(a, idx16(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b);
    odd = _mm512_permutex2var_ps(a, idx16(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b);
}

// First stage (s = 1), m4 % 16 == 0. Interleaved = true reads z[k] = x[2k] + i x[2k+1] straight from
// the real input, which saves RealFFT a separate deinterleave pass over memory.
template <bool Interleaved>
void stage_s1_512(const float* xr, const float* xi, float* yr, float* yi, std::size_t m4, const float* w1r,
                  const float* w1i) {
    const float *w2r = w1r + m4, *w2i = w1i + m4, *w3r = w2r + m4, *w3i = w2i + m4;
    for (std::size_t p = 0; p < m4; p += 16) {
        __m512 ar, ai, br, bi, cr, ci, dr, di;
        if (Interleaved) {
            load_pairs_512(xr + 2 * p, ar, ai);
            load_pairs_512(xr + 2 * (p + m4), br, bi);
            load_pairs_512(xr + 2 * (p + 2 * m4), cr, ci);
            load_pairs_512(xr + 2 * (p + 3 * m4), dr, di);
        } else {
            ar = _mm512_loadu_ps(xr + p); ai = _mm512_loadu_ps(xi + p);
            br = _mm512_loadu_ps(xr + p + m4); bi = _mm512_loadu_ps(xi + p + m4);
            cr = _mm512_loadu_ps(xr + p + 2 * m4); ci = _mm512_loadu_ps(xi + p + 2 * m4);
            dr = _mm512_loadu_ps(xr + p + 3 * m4); di = _mm512_loadu_ps(xi + p + 3 * m4);
        }
        const V16 o = butterfly4_512(ar, ai, br, bi, cr, ci, dr, di, _mm512_loadu_ps(w1r + p), _mm512_loadu_ps(w1i + p),
                                     _mm512_loadu_ps(w2r + p), _mm512_loadu_ps(w2i + p), _mm512_loadu_ps(w3r + p),
                                     _mm512_loadu_ps(w3i + p));
        store_interleaved4_512(yr + 4 * p, o.r0, o.r1, o.r2, o.r3);
        store_interleaved4_512(yi + 4 * p, o.i0, o.i1, o.i2, o.i3);
    }
}

// Stage with s = 4, m4 % 4 == 0: a vector holds q = 0..3 for four consecutive p.
void stage_s4_512(const float* xr, const float* xi, float* yr, float* yi, std::size_t m4, const float* ew) {
    const std::size_t step = 4 * m4;
    for (std::size_t p = 0; p < m4; p += 4, ew += 96) {
        const std::size_t i0 = 4 * p;
        const V16 o = butterfly4_512(
            _mm512_loadu_ps(xr + i0), _mm512_loadu_ps(xi + i0), _mm512_loadu_ps(xr + i0 + step),
            _mm512_loadu_ps(xi + i0 + step), _mm512_loadu_ps(xr + i0 + 2 * step), _mm512_loadu_ps(xi + i0 + 2 * step),
            _mm512_loadu_ps(xr + i0 + 3 * step), _mm512_loadu_ps(xi + i0 + 3 * step), _mm512_loadu_ps(ew),
            _mm512_loadu_ps(ew + 16), _mm512_loadu_ps(ew + 32), _mm512_loadu_ps(ew + 48), _mm512_loadu_ps(ew + 64),
            _mm512_loadu_ps(ew + 80));
        // y[q + 4(4p' + r)]: 128-bit lane j of v_r belongs to p' = p + j; a 4x4 transpose of 128-bit lanes
        // turns the four r vectors into four contiguous 16-float output blocks.
        const __m512 v[2][4] = {{o.r0, o.r1, o.r2, o.r3}, {o.i0, o.i1, o.i2, o.i3}};
        float* const outs[2] = {yr + 16 * p, yi + 16 * p};
        for (int c = 0; c < 2; ++c) {
            const __m512 a = _mm512_shuffle_f32x4(v[c][0], v[c][1], 0x44), b = _mm512_shuffle_f32x4(v[c][2], v[c][3], 0x44);
            const __m512 e = _mm512_shuffle_f32x4(v[c][0], v[c][1], 0xEE), f = _mm512_shuffle_f32x4(v[c][2], v[c][3], 0xEE);
            _mm512_storeu_ps(outs[c], _mm512_shuffle_f32x4(a, b, 0x88));
            _mm512_storeu_ps(outs[c] + 16, _mm512_shuffle_f32x4(a, b, 0xDD));
            _mm512_storeu_ps(outs[c] + 32, _mm512_shuffle_f32x4(e, f, 0x88));
            _mm512_storeu_ps(outs[c] + 48, _mm512_shuffle_f32x4(e, f, 0xDD));
        }
    }
}

// Stages with s >= 16: lanes run over q, twiddles broadcast; Tw = false when n = 4 (all twiddles 1).
template <bool Tw>
void stage_wide_512(const float* xr, const float* xi, float* yr, float* yi, std::size_t s, std::size_t m4,
                    const float* w1r, const float* w1i) {
    const float *w2r = w1r + m4, *w2i = w1i + m4, *w3r = w2r + m4, *w3i = w2i + m4;
    const std::size_t step = s * m4;
    for (std::size_t p = 0; p < m4; ++p) {
        __m512 a1r, a1i, a2r, a2i, a3r, a3i;
        if (Tw) {
            a1r = _mm512_set1_ps(w1r[p]); a1i = _mm512_set1_ps(w1i[p]);
            a2r = _mm512_set1_ps(w2r[p]); a2i = _mm512_set1_ps(w2i[p]);
            a3r = _mm512_set1_ps(w3r[p]); a3i = _mm512_set1_ps(w3i[p]);
        }
        const float *pr = xr + s * p, *pi = xi + s * p;
        float *qr = yr + 4 * s * p, *qi = yi + 4 * s * p;
        for (std::size_t q = 0; q < s; q += 16) {
            const __m512 ar = _mm512_loadu_ps(pr + q), ai = _mm512_loadu_ps(pi + q);
            const __m512 br = _mm512_loadu_ps(pr + q + step), bi = _mm512_loadu_ps(pi + q + step);
            const __m512 cr = _mm512_loadu_ps(pr + q + 2 * step), ci = _mm512_loadu_ps(pi + q + 2 * step);
            const __m512 dr = _mm512_loadu_ps(pr + q + 3 * step), di = _mm512_loadu_ps(pi + q + 3 * step);
            const V16 o = Tw ? butterfly4_512(ar, ai, br, bi, cr, ci, dr, di, a1r, a1i, a2r, a2i, a3r, a3i)
                             : butterfly4_512(ar, ai, br, bi, cr, ci, dr, di);
            _mm512_storeu_ps(qr + q, o.r0);
            _mm512_storeu_ps(qi + q, o.i0);
            _mm512_storeu_ps(qr + q + s, o.r1);
            _mm512_storeu_ps(qi + q + s, o.i1);
            _mm512_storeu_ps(qr + q + 2 * s, o.r2);
            _mm512_storeu_ps(qi + q + 2 * s, o.i2);
            _mm512_storeu_ps(qr + q + 3 * s, o.r3);
            _mm512_storeu_ps(qi + q + 3 * s, o.i3);
        }
    }
}

// Last radix-4 stage (n = 4, s >= 16) writing the inverse's real output directly:
// x[2k] = engine im, x[2k+1] = engine re, because the inverse runs the forward engine on (im, re).
void stage_last4_to_pairs_512(const float* xr, const float* xi, float* x, std::size_t s) {
    for (std::size_t q = 0; q < s; q += 16) {
        const V16 o = butterfly4_512(_mm512_loadu_ps(xr + q), _mm512_loadu_ps(xi + q), _mm512_loadu_ps(xr + q + s),
                                     _mm512_loadu_ps(xi + q + s), _mm512_loadu_ps(xr + q + 2 * s),
                                     _mm512_loadu_ps(xi + q + 2 * s), _mm512_loadu_ps(xr + q + 3 * s),
                                     _mm512_loadu_ps(xi + q + 3 * s));
        store_pairs_512(x + 2 * q, o.i0, o.r0);
        store_pairs_512(x + 2 * (q + s), o.i1, o.r1);
        store_pairs_512(x + 2 * (q + 2 * s), o.i2, o.r2);
        store_pairs_512(x + 2 * (q + 3 * s), o.i3, o.r3);
    }
}

// Last radix-2 stage (s >= 16), same output convention as stage_last4_to_pairs_512.
void stage_last2_to_pairs_512(const float* xr, const float* xi, float* x, std::size_t s) {
    for (std::size_t q = 0; q < s; q += 16) {
        const __m512 ar = _mm512_loadu_ps(xr + q), ai = _mm512_loadu_ps(xi + q);
        const __m512 br = _mm512_loadu_ps(xr + q + s), bi = _mm512_loadu_ps(xi + q + s);
        store_pairs_512(x + 2 * q, _mm512_add_ps(ai, bi), _mm512_add_ps(ar, br));
        store_pairs_512(x + 2 * (q + s), _mm512_sub_ps(ai, bi), _mm512_sub_ps(ar, br));
    }
}

// The last two radix-4 stages (n = 16, then n = 4; s = m/16 >= 16) in one pass over memory. Lanes run
// over q and every twiddle is a constant of the n = 16 stage, so no shuffles are needed; output goes to
// (yr, yi), or with Pairs to x as in stage_last4_to_pairs_512.
template <bool Pairs>
void stage_last16_512(const float* xr, const float* xi, float* yr, float* yi, float* x, std::size_t s,
                      const float* twr, const float* twi) {
    // twr/twi: the n = 16 stage's rows, w[(r-1)*4 + p] = W16^(r p).
    const std::size_t s4 = 4 * s;
    for (std::size_t q = 0; q < s; q += 16) {
        V16 y[4];
        for (std::size_t p = 0; p < 4; ++p) {
            const float* pr = xr + q + s * p;
            const float* pi = xi + q + s * p;
            const __m512 ar = _mm512_loadu_ps(pr), ai = _mm512_loadu_ps(pi);
            const __m512 br = _mm512_loadu_ps(pr + s4), bi = _mm512_loadu_ps(pi + s4);
            const __m512 cr = _mm512_loadu_ps(pr + 2 * s4), ci = _mm512_loadu_ps(pi + 2 * s4);
            const __m512 dr = _mm512_loadu_ps(pr + 3 * s4), di = _mm512_loadu_ps(pi + 3 * s4);
            if (p == 0)
                y[p] = butterfly4_512(ar, ai, br, bi, cr, ci, dr, di);
            else
                y[p] = butterfly4_512(ar, ai, br, bi, cr, ci, dr, di, _mm512_set1_ps(twr[p]), _mm512_set1_ps(twi[p]),
                                      _mm512_set1_ps(twr[4 + p]), _mm512_set1_ps(twi[4 + p]),
                                      _mm512_set1_ps(twr[8 + p]), _mm512_set1_ps(twi[8 + p]));
        }
        // Second stage: for each r of the first, a twiddle-free butterfly over p; result index q + s r + 4 s r'.
        const V16 o0 = butterfly4_512(y[0].r0, y[0].i0, y[1].r0, y[1].i0, y[2].r0, y[2].i0, y[3].r0, y[3].i0);
        const V16 o1 = butterfly4_512(y[0].r1, y[0].i1, y[1].r1, y[1].i1, y[2].r1, y[2].i1, y[3].r1, y[3].i1);
        const V16 o2 = butterfly4_512(y[0].r2, y[0].i2, y[1].r2, y[1].i2, y[2].r2, y[2].i2, y[3].r2, y[3].i2);
        const V16 o3 = butterfly4_512(y[0].r3, y[0].i3, y[1].r3, y[1].i3, y[2].r3, y[2].i3, y[3].r3, y[3].i3);
        const V16* os[4] = {&o0, &o1, &o2, &o3};
        for (std::size_t r = 0; r < 4; ++r) {
            const V16& o = *os[r];
            const std::size_t b = q + s * r;
            if (Pairs) {
                store_pairs_512(x + 2 * b, o.i0, o.r0);
                store_pairs_512(x + 2 * (b + s4), o.i1, o.r1);
                store_pairs_512(x + 2 * (b + 2 * s4), o.i2, o.r2);
                store_pairs_512(x + 2 * (b + 3 * s4), o.i3, o.r3);
            } else {
                _mm512_storeu_ps(yr + b, o.r0); _mm512_storeu_ps(yi + b, o.i0);
                _mm512_storeu_ps(yr + b + s4, o.r1); _mm512_storeu_ps(yi + b + s4, o.i1);
                _mm512_storeu_ps(yr + b + 2 * s4, o.r2); _mm512_storeu_ps(yi + b + 2 * s4, o.i2);
                _mm512_storeu_ps(yr + b + 3 * s4, o.r3); _mm512_storeu_ps(yi + b + 3 * s4, o.i3);
            }
        }
    }
}

// The same for a trailing radix-4 stage with n = 8 followed by the radix-2 stage (s = m/8 >= 16):
// first stage p = 0, 1 with twiddles W8^(r p), then radix-2 over p; result index q + s r + 4 s r'.
template <bool Pairs>
void stage_last8_512(const float* xr, const float* xi, float* yr, float* yi, float* x, std::size_t s,
                     const float* twr, const float* twi) {
    // twr/twi: the n = 8 stage's rows, w[(r-1)*2 + p] = W8^(r p).
    const std::size_t s2 = 2 * s, s4 = 4 * s;
    const __m512 w1r = _mm512_set1_ps(twr[1]), w1i = _mm512_set1_ps(twi[1]);
    const __m512 w2r = _mm512_set1_ps(twr[3]), w2i = _mm512_set1_ps(twi[3]);
    const __m512 w3r = _mm512_set1_ps(twr[5]), w3i = _mm512_set1_ps(twi[5]);
    for (std::size_t q = 0; q < s; q += 16) {
        const float *pr = xr + q, *pi = xi + q;
        const V16 a = butterfly4_512(_mm512_loadu_ps(pr), _mm512_loadu_ps(pi), _mm512_loadu_ps(pr + s2),
                                     _mm512_loadu_ps(pi + s2), _mm512_loadu_ps(pr + 2 * s2), _mm512_loadu_ps(pi + 2 * s2),
                                     _mm512_loadu_ps(pr + 3 * s2), _mm512_loadu_ps(pi + 3 * s2));
        pr += s; pi += s;
        const V16 b = butterfly4_512(_mm512_loadu_ps(pr), _mm512_loadu_ps(pi), _mm512_loadu_ps(pr + s2),
                                     _mm512_loadu_ps(pi + s2), _mm512_loadu_ps(pr + 2 * s2), _mm512_loadu_ps(pi + 2 * s2),
                                     _mm512_loadu_ps(pr + 3 * s2), _mm512_loadu_ps(pi + 3 * s2), w1r, w1i, w2r, w2i,
                                     w3r, w3i);
        const __m512 ur[4] = {a.r0, a.r1, a.r2, a.r3}, ui[4] = {a.i0, a.i1, a.i2, a.i3};
        const __m512 vr[4] = {b.r0, b.r1, b.r2, b.r3}, vi[4] = {b.i0, b.i1, b.i2, b.i3};
        for (std::size_t r = 0; r < 4; ++r) {
            const std::size_t o = q + s * r;
            const __m512 sr = _mm512_add_ps(ur[r], vr[r]), si = _mm512_add_ps(ui[r], vi[r]);
            const __m512 dr = _mm512_sub_ps(ur[r], vr[r]), di = _mm512_sub_ps(ui[r], vi[r]);
            if (Pairs) {
                store_pairs_512(x + 2 * o, si, sr);
                store_pairs_512(x + 2 * (o + s4), di, dr);
            } else {
                _mm512_storeu_ps(yr + o, sr); _mm512_storeu_ps(yi + o, si);
                _mm512_storeu_ps(yr + o + s4, dr); _mm512_storeu_ps(yi + o + s4, di);
            }
        }
    }
}
#endif

// Forward untangle, in place: Z (complex FFT of the even/odd packed input, with Z[m] = Z[0] stored in
// slot m) -> X, k = 0..m. Bins k and m-k come from the same pair Z[k], conj(Z[m-k]):
//   E = (Z[k] + conj Z[m-k]) / 2, O = (Z[k] - conj Z[m-k]) / 2i, X[k] = E + W^k O, X[m-k] = conj(E - W^k O),
// so each pair is read and written once and no copy of Z is needed.
inline void untangle_fwd_pair(float* re, float* im, const float* wr, const float* wi, std::size_t m, std::size_t k) {
    const std::size_t j = m - k;
    const float ar = re[k], ai = im[k], br = re[j], bi = -im[j];
    const float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
    const float orr = 0.5f * (ai - bi), oi = -0.5f * (ar - br);
    const float tr = orr * wr[k] - oi * wi[k], ti = orr * wi[k] + oi * wr[k];
    re[k] = er + tr; im[k] = ei + ti;
    re[j] = er - tr; im[j] = ti - ei;
}

// Inverse untangle, in place: X -> Z with 2E = X[k] + conj X[m-k], 2O = (X[k] - conj X[m-k]) conj(W^k),
// Z[k] = 2E + i 2O and Z[m-k] = conj(2E - i 2O).
inline void untangle_inv_pair(float* re, float* im, const float* wr, const float* wi, std::size_t m, std::size_t k) {
    const std::size_t j = m - k;
    const float ar = re[k], ai = im[k], br = re[j], bi = -im[j];
    const float er = ar + br, ei = ai + bi, dr = ar - br, di = ai - bi;
    const float orr = dr * wr[k] + di * wi[k], oi = di * wr[k] - dr * wi[k];
    re[k] = er - oi; im[k] = ei + orr;
    re[j] = er + oi; im[j] = orr - ei;
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
    // The s = 4 stage's vector code wants each p's twiddles repeated over the 4 q lanes.
    for (const Stage& st : stages_) {
        if (st.radix != 4 || st.s != 4) continue;
        const std::size_t m4 = st.n / 4;
        auto expand = [&](std::vector<float>& out, std::size_t lanes) {
            const std::size_t per = lanes / 4;  // p values per vector
            if (m4 < per) return;
            for (std::size_t p = 0; p < m4; p += per)
                for (int r = 1; r <= 3; ++r)
                    for (int part = 0; part < 2; ++part)
                        for (std::size_t lane = 0; lane < lanes; ++lane) {
                            const std::size_t idx = st.tw_offset + std::size_t(r - 1) * m4 + p + lane / 4;
                            out.push_back(part == 0 ? tw_re_[idx] : tw_im_[idx]);
                        }
        };
        expand(tw4_, 8);
#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
        expand(tw16_, 16);
#endif
    }
    if (tw_re_.empty()) tw_re_.push_back(1.0f), tw_im_.push_back(0.0f);  // keeps &tw_re_[0] valid for m <= 2
}

void ComplexFFT::run_stage(std::size_t i, const float* xr, const float* xi, float* yr, float* yi) const {
    const Stage& st = stages_[i];
    const std::size_t s = st.s;
    if (st.radix == 2) {
        // Last stage, n = 2: no twiddles, one long unit-stride loop.
        std::size_t q0 = 0;
#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
        for (; q0 + 16 <= s; q0 += 16) {
            const __m512 ar = _mm512_loadu_ps(xr + q0), ai = _mm512_loadu_ps(xi + q0);
            const __m512 br = _mm512_loadu_ps(xr + q0 + s), bi = _mm512_loadu_ps(xi + q0 + s);
            _mm512_storeu_ps(yr + q0, _mm512_add_ps(ar, br));
            _mm512_storeu_ps(yi + q0, _mm512_add_ps(ai, bi));
            _mm512_storeu_ps(yr + q0 + s, _mm512_sub_ps(ar, br));
            _mm512_storeu_ps(yi + q0 + s, _mm512_sub_ps(ai, bi));
        }
#endif
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
        return;
    }
    const std::size_t m4 = st.n / 4;
    const float* w1r = &tw_re_[st.tw_offset];
    const float* w1i = &tw_im_[st.tw_offset];
    const float *w2r = w1r + m4, *w2i = w1i + m4, *w3r = w2r + m4, *w3i = w2i + m4;
#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
    if (s == 1 && m4 >= 16) {
        stage_s1_512<false>(xr, xi, yr, yi, m4, w1r, w1i);
        return;
    }
    if (s == 4 && m4 >= 4 && !tw16_.empty()) {
        stage_s4_512(xr, xi, yr, yi, m4, tw16_.data());
        return;
    }
    if (s >= 16) {
        if (m4 == 1)
            stage_wide_512<false>(xr, xi, yr, yi, s, m4, w1r, w1i);
        else
            stage_wide_512<true>(xr, xi, yr, yi, s, m4, w1r, w1i);
        return;
    }
#endif
#if defined(__AVX2__) && defined(__FMA__)
    if (s == 1 && m4 >= 8) {
        stage_s1_avx(xr, xi, yr, yi, m4, w1r, w1i);
        return;
    }
    if (s == 4 && m4 >= 2 && !tw4_.empty()) {
        stage_s4_avx(xr, xi, yr, yi, m4, &tw4_[s4_offset_]);
        return;
    }
    if (s >= 8) {
        if (m4 == 1)
            stage_wide_avx<false>(xr, xi, yr, yi, s, m4, w1r, w1i);
        else
            stage_wide_avx<true>(xr, xi, yr, yi, s, m4, w1r, w1i);
        return;
    }
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

std::size_t ComplexFFT::last_pass_start() const {
    const std::size_t K = stages_.size();
#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
    if (K >= 2 && stages_[K - 2].s >= 16) return K - 2;
#endif
    return K - 1;
}

void ComplexFFT::run_last(const float* xr, const float* xi, float* yr, float* yi, float* pairs) const {
    const std::size_t K = stages_.size(), i = last_pass_start();
    const Stage& st = stages_[K - 1];
#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
    if (i + 2 == K) {
        const float* twr = &tw_re_[stages_[i].tw_offset];
        const float* twi = &tw_im_[stages_[i].tw_offset];
        if (st.radix == 4) {
            if (pairs)
                stage_last16_512<true>(xr, xi, nullptr, nullptr, pairs, stages_[i].s, twr, twi);
            else
                stage_last16_512<false>(xr, xi, yr, yi, nullptr, stages_[i].s, twr, twi);
        } else {
            if (pairs)
                stage_last8_512<true>(xr, xi, nullptr, nullptr, pairs, stages_[i].s, twr, twi);
            else
                stage_last8_512<false>(xr, xi, yr, yi, nullptr, stages_[i].s, twr, twi);
        }
        return;
    }
    if (pairs && st.s >= 16) {
        if (st.radix == 2)
            stage_last2_to_pairs_512(xr, xi, pairs, st.s);
        else
            stage_last4_to_pairs_512(xr, xi, pairs, st.s);
        return;
    }
#endif
    (void)st;
    run_stage(i, xr, xi, yr, yi);
    if (!pairs) return;
    std::size_t k3 = 0;
#if defined(__AVX2__) && defined(__FMA__)
    k3 = interleave_avx(yi, yr, pairs, m_);
#endif
    for (std::size_t k = k3; k < m_; ++k) {
        pairs[2 * k] = yi[k];
        pairs[2 * k + 1] = yr[k];
    }
}

void ComplexFFT::forward(float* re, float* im) const { forward(re, im, nullptr); }

void ComplexFFT::forward(float* re, float* im, float* work) const {
    if (m_ == 1) return;
    // The imaginary half sits 64 bytes past a power-of-two distance from the real half, so
    // loads and stores of the two never alias in the cache (4K aliasing).
    if (work == nullptr) work = scratch(2 * m_ + 16);
    float *xr = re, *xi = im, *yr = work, *yi = work + m_ + 16;
    const std::size_t L = last_pass_start();
    for (std::size_t i = 0; i <= L; ++i) {
        if (i < L)
            run_stage(i, xr, xi, yr, yi);
        else
            run_last(xr, xi, yr, yi, nullptr);
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
    // Padded by 16 so the vector untangle loops may read W in full blocks.
    w_re_.resize(m_ + 1 + 16);
    w_im_.resize(m_ + 1 + 16);
    for (std::size_t k = 0; k <= m_; ++k) {
        const double a = -2.0 * M_PI * double(k) / double(n);
        w_re_[k] = float(std::cos(a));
        w_im_[k] = float(std::sin(a));
    }
}

// Stage outputs alternate between the caller's (re, im) and the thread-local work buffer, phased so the
// last stage lands where the result must go; that removes the copies the in-place ComplexFFT::forward needs.
void RealFFT::forward(const float* x, float* re, float* im) const { forward(x, re, im, nullptr); }

void RealFFT::forward(const float* x, float* re, float* im, float* work) const {
    const std::size_t m = m_, L = cfft_.last_pass_start();
    // Work halves 64 bytes off a power-of-two distance apart: avoids 4K aliasing between re and im streams.
    if (work == nullptr) work = scratch(2 * m + 32);
    float* const bufr[2] = {re, work};
    float* const bufi[2] = {im, work + m + 16};
    auto dst = [L](std::size_t i) { return (L - i) & 1; };  // buffer pass i writes; the last writes (re, im)
    std::size_t i0 = 0;
#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
    if (L >= 1 && cfft_.stages_[0].radix == 4 && m / 4 >= 16) {
        stage_s1_512<true>(x, nullptr, bufr[dst(0)], bufi[dst(0)], m / 4, cfft_.tw_re_.data(), cfft_.tw_im_.data());
        i0 = 1;
    }
#endif
    if (i0 == 0) {
        // z[k] = x[2k] + i x[2k+1] into the buffer pass 0 reads from.
        float *zr = bufr[dst(0) ^ 1], *zi = bufi[dst(0) ^ 1];
        std::size_t k1 = 0;
#if defined(__AVX2__) && defined(__FMA__)
        k1 = deinterleave_avx(x, zr, zi, m);
#endif
        for (std::size_t k = k1; k < m; ++k) {
            zr[k] = x[2 * k];
            zi[k] = x[2 * k + 1];
        }
    }
    for (std::size_t i = i0; i < L; ++i) {
        const std::size_t d = dst(i);
        cfft_.run_stage(i, bufr[d ^ 1], bufi[d ^ 1], bufr[d], bufi[d]);
    }
    cfft_.run_last(bufr[1], bufi[1], re, im, nullptr);
    re[m] = re[0];
    im[m] = im[0];
    const float* wr = w_re_.data();
    const float* wi = w_im_.data();
    const std::size_t h = m / 2;
    std::size_t k0 = 0;
#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
    if (h % 16 == 0) {
        // Bins m-k for 16 consecutive k come from one reversed load, kept in registers.
        const __m512i rev = idx16(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        const __m512 half = _mm512_set1_ps(0.5f);
        for (; k0 < h; k0 += 16) {
            const std::size_t j0 = m - k0 - 15;
            const __m512 a_r = _mm512_loadu_ps(re + k0), a_i = _mm512_loadu_ps(im + k0);
            const __m512 b_r = _mm512_permutexvar_ps(rev, _mm512_loadu_ps(re + j0));
            const __m512 nb_i = _mm512_permutexvar_ps(rev, _mm512_loadu_ps(im + j0));  // -b_i
            const __m512 w_r = _mm512_loadu_ps(wr + k0), w_i = _mm512_loadu_ps(wi + k0);
            const __m512 er = _mm512_mul_ps(half, _mm512_add_ps(a_r, b_r));
            const __m512 ei = _mm512_mul_ps(half, _mm512_sub_ps(a_i, nb_i));
            const __m512 orr = _mm512_mul_ps(half, _mm512_add_ps(a_i, nb_i));
            const __m512 oi = _mm512_mul_ps(half, _mm512_sub_ps(b_r, a_r));
            const __m512 tr = _mm512_fmsub_ps(orr, w_r, _mm512_mul_ps(oi, w_i));
            const __m512 ti = _mm512_fmadd_ps(orr, w_i, _mm512_mul_ps(oi, w_r));
            _mm512_storeu_ps(re + k0, _mm512_add_ps(er, tr));
            _mm512_storeu_ps(im + k0, _mm512_add_ps(ei, ti));
            _mm512_storeu_ps(re + j0, _mm512_permutexvar_ps(rev, _mm512_sub_ps(er, tr)));
            _mm512_storeu_ps(im + j0, _mm512_permutexvar_ps(rev, _mm512_sub_ps(ti, ei)));
        }
    }
#endif
#if defined(__AVX2__) && defined(__FMA__)
    if (h % 8 == 0) {
        const __m256i rev = _mm256_set_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const __m256 half = _mm256_set1_ps(0.5f);
        for (; k0 < h; k0 += 8) {
            const std::size_t j0 = m - k0 - 7;
            const __m256 a_r = _mm256_loadu_ps(re + k0), a_i = _mm256_loadu_ps(im + k0);
            const __m256 b_r = _mm256_permutevar8x32_ps(_mm256_loadu_ps(re + j0), rev);
            const __m256 nb_i = _mm256_permutevar8x32_ps(_mm256_loadu_ps(im + j0), rev);  // -b_i
            const __m256 w_r = _mm256_loadu_ps(wr + k0), w_i = _mm256_loadu_ps(wi + k0);
            const __m256 er = _mm256_mul_ps(half, _mm256_add_ps(a_r, b_r));
            const __m256 ei = _mm256_mul_ps(half, _mm256_sub_ps(a_i, nb_i));
            const __m256 orr = _mm256_mul_ps(half, _mm256_add_ps(a_i, nb_i));
            const __m256 oi = _mm256_mul_ps(half, _mm256_sub_ps(b_r, a_r));
            const __m256 tr = _mm256_fmsub_ps(orr, w_r, _mm256_mul_ps(oi, w_i));
            const __m256 ti = _mm256_fmadd_ps(orr, w_i, _mm256_mul_ps(oi, w_r));
            _mm256_storeu_ps(re + k0, _mm256_add_ps(er, tr));
            _mm256_storeu_ps(im + k0, _mm256_add_ps(ei, ti));
            _mm256_storeu_ps(re + j0, _mm256_permutevar8x32_ps(_mm256_sub_ps(er, tr), rev));
            _mm256_storeu_ps(im + j0, _mm256_permutevar8x32_ps(_mm256_sub_ps(ti, ei), rev));
        }
    }
#endif
    for (std::size_t k = k0; k < h; ++k) untangle_fwd_pair(re, im, wr, wi, m, k);
    // k = m/2 pairs with itself: X = conj(Z).
    im[h] = -im[h];
}

void RealFFT::inverse(float* re, float* im, float* x) const { inverse(re, im, x, nullptr); }

void RealFFT::inverse(float* re, float* im, float* x, float* work) const {
    const std::size_t m = m_;
    const float* wr = w_re_.data();
    const float* wi = w_im_.data();
    const std::size_t h = m / 2;
    std::size_t k0 = 0;
    // Slot m of (re, im) is overwritten with an unused value by the k = 0 pair; re/im are scratch anyway.
#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
    if (h % 16 == 0) {
        const __m512i rev = idx16(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        for (; k0 < h; k0 += 16) {
            const std::size_t j0 = m - k0 - 15;
            const __m512 a_r = _mm512_loadu_ps(re + k0), a_i = _mm512_loadu_ps(im + k0);
            const __m512 b_r = _mm512_permutexvar_ps(rev, _mm512_loadu_ps(re + j0));
            const __m512 nb_i = _mm512_permutexvar_ps(rev, _mm512_loadu_ps(im + j0));  // -b_i
            const __m512 w_r = _mm512_loadu_ps(wr + k0), w_i = _mm512_loadu_ps(wi + k0);
            const __m512 er = _mm512_add_ps(a_r, b_r), ei = _mm512_sub_ps(a_i, nb_i);
            const __m512 dr = _mm512_sub_ps(a_r, b_r), di = _mm512_add_ps(a_i, nb_i);
            const __m512 orr = _mm512_fmadd_ps(dr, w_r, _mm512_mul_ps(di, w_i));
            const __m512 oi = _mm512_fmsub_ps(di, w_r, _mm512_mul_ps(dr, w_i));
            _mm512_storeu_ps(re + k0, _mm512_sub_ps(er, oi));
            _mm512_storeu_ps(im + k0, _mm512_add_ps(ei, orr));
            _mm512_storeu_ps(re + j0, _mm512_permutexvar_ps(rev, _mm512_add_ps(er, oi)));
            _mm512_storeu_ps(im + j0, _mm512_permutexvar_ps(rev, _mm512_sub_ps(orr, ei)));
        }
    }
#endif
#if defined(__AVX2__) && defined(__FMA__)
    if (h % 8 == 0) {
        const __m256i rev = _mm256_set_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        for (; k0 < h; k0 += 8) {
            const std::size_t j0 = m - k0 - 7;
            const __m256 a_r = _mm256_loadu_ps(re + k0), a_i = _mm256_loadu_ps(im + k0);
            const __m256 b_r = _mm256_permutevar8x32_ps(_mm256_loadu_ps(re + j0), rev);
            const __m256 nb_i = _mm256_permutevar8x32_ps(_mm256_loadu_ps(im + j0), rev);  // -b_i
            const __m256 w_r = _mm256_loadu_ps(wr + k0), w_i = _mm256_loadu_ps(wi + k0);
            const __m256 er = _mm256_add_ps(a_r, b_r), ei = _mm256_sub_ps(a_i, nb_i);
            const __m256 dr = _mm256_sub_ps(a_r, b_r), di = _mm256_add_ps(a_i, nb_i);
            const __m256 orr = _mm256_fmadd_ps(dr, w_r, _mm256_mul_ps(di, w_i));
            const __m256 oi = _mm256_fmsub_ps(di, w_r, _mm256_mul_ps(dr, w_i));
            _mm256_storeu_ps(re + k0, _mm256_sub_ps(er, oi));
            _mm256_storeu_ps(im + k0, _mm256_add_ps(ei, orr));
            _mm256_storeu_ps(re + j0, _mm256_permutevar8x32_ps(_mm256_add_ps(er, oi), rev));
            _mm256_storeu_ps(im + j0, _mm256_permutevar8x32_ps(_mm256_sub_ps(orr, ei), rev));
        }
    }
#endif
    for (std::size_t k = k0; k < h; ++k) untangle_inv_pair(re, im, wr, wi, m, k);
    re[h] = 2.0f * re[h];
    im[h] = -2.0f * im[h];

    // The inverse is the forward engine on (im, re). Stages before the last alternate work, (im, re), work...;
    // the last one writes x, fused with the interleave where a vector kernel exists.
    if (work == nullptr) work = scratch(2 * m + 32);
    float* const bufr[2] = {im, work};
    float* const bufi[2] = {re, work + m + 16};
    const std::size_t L = cfft_.last_pass_start();
    std::size_t src = 0;
    for (std::size_t i = 0; i < L; ++i) {
        cfft_.run_stage(i, bufr[src], bufi[src], bufr[src ^ 1], bufi[src ^ 1]);
        src ^= 1;
    }
    // The complex inverse of size m with 2E/2O inputs yields 2*m*z = n*z: unnormalised by n as promised.
    cfft_.run_last(bufr[src], bufi[src], bufr[src ^ 1], bufi[src ^ 1], x);
}

}  // namespace bewo
