#include "attention.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "ops.h"

namespace bewo::nn {

namespace {

constexpr int kKeyBlock = 128;
constexpr int kMaxHeadDim = 256;

// s[j] = s[j] * scale + mask[j]; returns the max.
inline float scale_and_max(float* s, int n, float scale, const float* mask) {
    int j = 0;
    float m = -std::numeric_limits<float>::infinity();
#if defined(__AVX2__)
    __m256 vm = _mm256_set1_ps(m);
    const __m256 vs = _mm256_set1_ps(scale);
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(s + j), vs);
        if (mask) v = _mm256_add_ps(v, _mm256_loadu_ps(mask + j));
        _mm256_storeu_ps(s + j, v);
        vm = _mm256_max_ps(vm, v);
    }
    alignas(32) float t[8];
    _mm256_store_ps(t, vm);
    for (float x : t) m = std::max(m, x);
#endif
    for (; j < n; ++j) {
        s[j] = s[j] * scale + (mask ? mask[j] : 0.0f);
        m = std::max(m, s[j]);
    }
    return m;
}

}  // namespace

void attention(const float* q, const float* k, const float* v, float* out, const AttentionShape& s,
               const std::uint8_t* key_mask, float scale, ThreadPool* pool) {
    if (s.head_dim > kMaxHeadDim || s.head_dim <= 0 || s.nq <= 0) return;
    if (scale <= 0.0f) scale = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
    const int d = s.head_dim, nk = s.nk, H = s.heads;
    if (nk <= 0) {
        for (int i = 0; i < s.nq; ++i) std::fill(out + static_cast<std::size_t>(i) * s.out_stride, out + static_cast<std::size_t>(i) * s.out_stride + H * d, 0.0f);
        return;
    }
    // Per (item, head): K as GEMM panels (keys are the output columns of S = Q K^T) and V^T as
    // panels (head dims are the output columns of O = P V). Each work item packs its head into
    // its own thread's buffers and runs that head's query tiles: one parallel region per call.
    const int kpan = (nk + kPanel - 1) / kPanel, vpan = (d + kPanel - 1) / kPanel;
    const std::size_t kp_size = static_cast<std::size_t>(kpan) * d * kPanel, vp_size = static_cast<std::size_t>(vpan) * nk * kPanel;
    auto pack_head = [&](const float* kb, const float* vb, int h, std::vector<float>& kbuf, std::vector<float>& vbuf) {
        if (kbuf.size() < kp_size) kbuf.resize(kp_size, 0.0f);
        if (vbuf.size() < vp_size) vbuf.resize(vp_size, 0.0f);
        float* kh = kbuf.data();
        float* vh = vbuf.data();
        for (int j = 0; j < nk; ++j) {
            const float* krow = kb + static_cast<std::size_t>(j) * s.k_stride + h * d;
            const float* vrow = vb + static_cast<std::size_t>(j) * s.v_stride + h * d;
            float* kdst = kh + static_cast<std::size_t>(j / kPanel) * d * kPanel + (j % kPanel);
            for (int c = 0; c < d; ++c) kdst[static_cast<std::size_t>(c) * kPanel] = krow[c];
            // V's row j lands as contiguous runs of kPanel values, one per panel.
            for (int p = 0; p < vpan; ++p)
                std::memcpy(vh + (static_cast<std::size_t>(p) * nk + j) * kPanel, vrow + p * kPanel,
                            sizeof(float) * std::min(kPanel, d - p * kPanel));
        }
    };
    const int batch = std::max(1, s.batch);
    // Masked keys as an additive -inf, so the softmax loops carry no branches.
    std::vector<float> madd;
    if (key_mask) {
        madd.resize(static_cast<std::size_t>(batch) * nk);
        for (int b = 0; b < batch; ++b)
            for (int j = 0; j < nk; ++j)
                madd[static_cast<std::size_t>(b) * nk + j] =
                    key_mask[b * s.mask_batch + j] ? 0.0f : -std::numeric_limits<float>::infinity();
    }
    const int MR = tile_rows();
    const int qtiles = (s.nq + MR - 1) / MR;
    const int threads = pool ? pool->size() : 1;
    const int heads_total = batch * H;
    const int split = std::max(1, std::min(qtiles, (threads + heads_total - 1) / heads_total));  // query slices per head
    parallel(pool, static_cast<std::size_t>(heads_total) * split, [&](std::size_t b0, std::size_t b1) {
        alignas(64) float sc[16 * kKeyBlock];        // scores, then probabilities: rows x kKeyBlock
        alignas(64) float acc[16 * kMaxHeadDim];
        float m[16], l[16];
        thread_local std::vector<float> kbuf, vbuf;
        for (std::size_t item = b0; item < b1; ++item) {
          const int bh = static_cast<int>(item / split), part = static_cast<int>(item % split);
          const int b = bh / H, h = bh % H;
          const int t0 = qtiles * part / split, t1 = qtiles * (part + 1) / split;
          if (t0 >= t1) continue;
          pack_head(k + b * s.k_batch, v + b * s.v_batch, h, kbuf, vbuf);
          const float* kh = kbuf.data();
          const float* vh = vbuf.data();
          const float* qb = q + b * s.q_batch;
          float* ob = out + b * s.out_batch;
          const float* mrow = madd.empty() ? nullptr : madd.data() + static_cast<std::size_t>(b) * nk;
          for (int tile = t0; tile < t1; ++tile) {
            const int r0 = tile * MR;
            const int rows = std::min(MR, s.nq - r0);
            const float* qh = qb + static_cast<std::size_t>(r0) * s.q_stride + h * d;
            std::fill(acc, acc + static_cast<std::size_t>(rows) * d, 0.0f);
            for (int r = 0; r < rows; ++r) { m[r] = -std::numeric_limits<float>::infinity(); l[r] = 0.0f; }
            for (int j0 = 0; j0 < nk; j0 += kKeyBlock) {
                const int nb = std::min(kKeyBlock, nk - j0);
                for (int p = 0; p * kPanel < nb; ++p) {
                    const int cols = std::min(kPanel, nb - p * kPanel);
                    gemm_tile(qh, s.q_stride, kh + static_cast<std::size_t>((j0 / kPanel) + p) * d * kPanel, d, nullptr,
                              sc + p * kPanel, kKeyBlock, rows, cols);
                }
                const float* mb = mrow ? mrow + j0 : nullptr;
                for (int r = 0; r < rows; ++r) {
                    float* sr = sc + static_cast<std::size_t>(r) * kKeyBlock;
                    const float bm = scale_and_max(sr, nb, scale, mb);
                    if (bm == -std::numeric_limits<float>::infinity()) {  // this block is all masked for the row
                        std::fill(sr, sr + nb, 0.0f);
                        continue;
                    }
                    const float mn = std::max(m[r], bm);
                    const bool seen = l[r] > 0.0f;  // acc is still all zeros otherwise: nothing to rescale
                    const float alpha = seen ? std::exp(m[r] - mn) : 0.0f;
                    m[r] = mn;
                    const float sum = exp_shift_sum(sr, static_cast<std::size_t>(nb), mn);
                    l[r] = l[r] * alpha + sum;
                    if (seen && alpha != 1.0f) {
                        float* ar = acc + static_cast<std::size_t>(r) * d;
                        for (int c = 0; c < d; ++c) ar[c] *= alpha;
                    }
                }
                // acc += P V for this key block, kPanel head dims at a time.
                for (int p = 0; p < vpan; ++p) {
                    const int cols = std::min(kPanel, d - p * kPanel);
                    gemm_tile_acc(sc, kKeyBlock, vh + (static_cast<std::size_t>(p) * nk + j0) * kPanel, nb,
                                  acc + p * kPanel, d, rows, cols);
                }
            }
            for (int r = 0; r < rows; ++r) {
                const float inv = l[r] > 0.0f ? 1.0f / l[r] : 0.0f;
                float* o = ob + static_cast<std::size_t>(r0 + r) * s.out_stride + h * d;
                for (int c = 0; c < d; ++c) o[c] = acc[static_cast<std::size_t>(r) * d + c] * inv;
            }
          }
        }
    });
}

void attention_reference(const float* q, const float* k, const float* v, float* out, const AttentionShape& s,
                         const std::uint8_t* key_mask, float scale) {
    if (scale <= 0.0f) scale = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
    const int d = s.head_dim;
    std::vector<double> p(s.nk);
    for (int b = 0; b < std::max(1, s.batch); ++b) {
      const float* qb = q + b * s.q_batch;
      const float* kb = k + b * s.k_batch;
      const float* vb = v + b * s.v_batch;
      float* ob = out + b * s.out_batch;
      const std::uint8_t* mb = key_mask ? key_mask + b * s.mask_batch : nullptr;
      for (int h = 0; h < s.heads; ++h)
        for (int i = 0; i < s.nq; ++i) {
            double mx = -std::numeric_limits<double>::infinity();
            for (int j = 0; j < s.nk; ++j) {
                if (mb && !mb[j]) { p[j] = -std::numeric_limits<double>::infinity(); continue; }
                double acc = 0.0;
                for (int c = 0; c < d; ++c)
                    acc += static_cast<double>(qb[static_cast<std::size_t>(i) * s.q_stride + h * d + c]) *
                           kb[static_cast<std::size_t>(j) * s.k_stride + h * d + c];
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
                for (int j = 0; j < s.nk; ++j) acc += p[j] * vb[static_cast<std::size_t>(j) * s.v_stride + h * d + c];
                ob[static_cast<std::size_t>(i) * s.out_stride + h * d + c] = sum > 0.0 ? static_cast<float>(acc / sum) : 0.0f;
            }
        }
    }
}

}  // namespace bewo::nn
