#include "attention.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "ops.h"

namespace bewo::nn {

namespace {

constexpr int kKeyBlock = 64;
constexpr int kMaxHeadDim = 256;

inline float dot(const float* a, const float* b, int d) {
    int i = 0;
    float s = 0.0f;
#if defined(__AVX2__) && defined(__FMA__)
    __m256 acc = _mm256_setzero_ps();
    for (; i + 8 <= d; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
    __m128 lo = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    lo = _mm_hadd_ps(lo, lo);
    lo = _mm_hadd_ps(lo, lo);
    s = _mm_cvtss_f32(lo);
#endif
    for (; i < d; ++i) s += a[i] * b[i];
    return s;
}

inline void axpy(float a, const float* x, float* y, int d) {
    int i = 0;
#if defined(__AVX2__) && defined(__FMA__)
    __m256 va = _mm256_set1_ps(a);
    for (; i + 8 <= d; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
#endif
    for (; i < d; ++i) y[i] += a * x[i];
}

// One query row of one head: keys in blocks, running max m and running sum l; the output
// accumulator is rescaled by exp(m_old - m_new) whenever the max grows.
void attend_row(const float* q, const float* k, const float* v, float* out, const AttentionShape& s, int head,
                const std::uint8_t* mask, float scale) {
    const int d = s.head_dim;
    alignas(32) float acc[kMaxHeadDim];
    alignas(32) float sc[kKeyBlock];
    std::fill(acc, acc + d, 0.0f);
    float m = -std::numeric_limits<float>::infinity(), l = 0.0f;
    const float* kh = k + head * d;
    const float* vh = v + head * d;
    for (int j0 = 0; j0 < s.nk; j0 += kKeyBlock) {
        const int nb = std::min(kKeyBlock, s.nk - j0);
        float bm = -std::numeric_limits<float>::infinity();
        for (int j = 0; j < nb; ++j) {
            if (mask && !mask[j0 + j]) { sc[j] = -std::numeric_limits<float>::infinity(); continue; }
            sc[j] = dot(q, kh + static_cast<std::size_t>(j0 + j) * s.k_stride, d) * scale;
            bm = std::max(bm, sc[j]);
        }
        if (bm == -std::numeric_limits<float>::infinity()) continue;  // all masked in this block
        const float mn = std::max(m, bm);
        if (mn > m && l > 0.0f) {
            float r = std::exp(m - mn);
            for (int i = 0; i < d; ++i) acc[i] *= r;
            l *= r;
        }
        m = mn;
        for (int j = 0; j < nb; ++j) sc[j] = sc[j] == -std::numeric_limits<float>::infinity() ? -100000.0f : sc[j] - m;
        exp_vec(sc, sc, static_cast<std::size_t>(nb));
        for (int j = 0; j < nb; ++j) {
            if (mask && !mask[j0 + j]) continue;
            l += sc[j];
            axpy(sc[j], vh + static_cast<std::size_t>(j0 + j) * s.v_stride, acc, d);
        }
    }
    const float inv = l > 0.0f ? 1.0f / l : 0.0f;
    for (int i = 0; i < d; ++i) out[i] = acc[i] * inv;
}

}  // namespace

void attention(const float* q, const float* k, const float* v, float* out, const AttentionShape& s,
               const std::uint8_t* key_mask, float scale, ThreadPool* pool) {
    if (s.head_dim > kMaxHeadDim || s.head_dim <= 0) return;
    if (scale <= 0.0f) scale = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
    const std::size_t items = static_cast<std::size_t>(s.heads) * s.nq;
    parallel(pool, items, [&](std::size_t b, std::size_t e) {
        for (std::size_t it = b; it < e; ++it) {
            int h = static_cast<int>(it / s.nq), i = static_cast<int>(it % s.nq);
            attend_row(q + static_cast<std::size_t>(i) * s.q_stride + h * s.head_dim, k, v,
                       out + static_cast<std::size_t>(i) * s.out_stride + h * s.head_dim, s, h, key_mask, scale);
        }
    });
}

void attention_reference(const float* q, const float* k, const float* v, float* out, const AttentionShape& s,
                         const std::uint8_t* key_mask, float scale) {
    if (scale <= 0.0f) scale = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
    const int d = s.head_dim;
    std::vector<double> p(s.nk);
    for (int h = 0; h < s.heads; ++h)
        for (int i = 0; i < s.nq; ++i) {
            double mx = -std::numeric_limits<double>::infinity();
            for (int j = 0; j < s.nk; ++j) {
                if (key_mask && !key_mask[j]) { p[j] = -std::numeric_limits<double>::infinity(); continue; }
                double acc = 0.0;
                for (int c = 0; c < d; ++c)
                    acc += static_cast<double>(q[static_cast<std::size_t>(i) * s.q_stride + h * d + c]) *
                           k[static_cast<std::size_t>(j) * s.k_stride + h * d + c];
                p[j] = acc * scale;
                mx = std::max(mx, p[j]);
            }
            double sum = 0.0;
            for (int j = 0; j < s.nk; ++j) {
                p[j] = std::isinf(p[j]) ? 0.0 : std::exp(p[j] - mx);
                sum += p[j];
            }
            for (int c = 0; c < d; ++c) {
                double acc = 0.0;
                for (int j = 0; j < s.nk; ++j) acc += p[j] * v[static_cast<std::size_t>(j) * s.v_stride + h * d + c];
                out[static_cast<std::size_t>(i) * s.out_stride + h * d + c] = sum > 0.0 ? static_cast<float>(acc / sum) : 0.0f;
            }
        }
}

}  // namespace bewo::nn
