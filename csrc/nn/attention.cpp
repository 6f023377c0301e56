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

constexpr int kKeyBlock = 256;
constexpr int kMaxHeadDim = 256;

// The work items of one call: (batch item, head, slice of its query tiles), with enough slices
// per head that every thread gets work. One parallel region covers them all.
struct HeadSplit {
    int heads, qtiles, split;
    HeadSplit(int batch, int heads_, int qtiles_, const ThreadPool* pool) : heads(heads_), qtiles(qtiles_) {
        const int threads = pool ? pool->size() : 1, total = batch * heads;
        split = std::max(1, std::min(qtiles, (threads + total - 1) / total));
    }
    std::size_t items(int batch) const { return static_cast<std::size_t>(batch) * heads * split; }
    // Item -> batch index b, head h and query tiles [t0, t1) (possibly empty).
    void item(std::size_t i, int& b, int& h, int& t0, int& t1) const {
        const int bh = static_cast<int>(i / split), part = static_cast<int>(i % split);
        b = bh / heads;
        h = bh % heads;
        t0 = qtiles * part / split;
        t1 = qtiles * (part + 1) / split;
    }
};

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

#if defined(__AVX512F__)
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's _mm512_max_ps / _mm512_reduce_max_ps expand to builtins with an undefined pass-through
// operand, which -Wmaybe-uninitialized reports at every inlined use (a known false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// AVX-512 path: its own packing and two register-blocked kernels, so that the softmax's passes
// shrink to one (exp and sum) per row and key block.
//  - scores: S[r][64 keys] = (scale q[r]) . K panel + mask, 6 x 4 zmm accumulators; the row
//    maxima come out of the registers (no separate scale-and-max pass);
//  - values: acc[r][:] = alpha[r] acc[r][:] + P[r][keys] . V[keys][:], up to 6 x 4 zmm of head
//    dims per pass, so the online softmax's rescale rides along.
constexpr int kKeys = 64;  // keys per score panel: four zmm

template <int ROWS>
inline void score_tile(const float* q, int ldq, const float* panel, int d, const __m512* add, float* s, int lds,
                       float* row_max) {
    __m512 a[ROWS][4];
    for (int r = 0; r < ROWS; ++r)
        for (int v = 0; v < 4; ++v) a[r][v] = _mm512_setzero_ps();
    for (int c = 0; c < d; ++c) {
        const float* kp = panel + static_cast<std::size_t>(c) * kKeys;
        const __m512 k0 = _mm512_loadu_ps(kp), k1 = _mm512_loadu_ps(kp + 16), k2 = _mm512_loadu_ps(kp + 32),
                     k3 = _mm512_loadu_ps(kp + 48);
        for (int r = 0; r < ROWS; ++r) {
            const __m512 qb = _mm512_set1_ps(q[static_cast<std::size_t>(r) * ldq + c]);
            a[r][0] = _mm512_fmadd_ps(qb, k0, a[r][0]);
            a[r][1] = _mm512_fmadd_ps(qb, k1, a[r][1]);
            a[r][2] = _mm512_fmadd_ps(qb, k2, a[r][2]);
            a[r][3] = _mm512_fmadd_ps(qb, k3, a[r][3]);
        }
    }
    for (int r = 0; r < ROWS; ++r) {
        __m512 mx = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
        for (int v = 0; v < 4; ++v) {
            const __m512 x = _mm512_add_ps(a[r][v], add[v]);
            _mm512_storeu_ps(s + static_cast<std::size_t>(r) * lds + 16 * v, x);
            mx = _mm512_max_ps(mx, x);
        }
        row_max[r] = std::max(row_max[r], _mm512_reduce_max_ps(mx));
    }
}

template <int ROWS, int NV>
inline void value_tile(const float* p, int ldp, const float* v, int ldv, int keys, const float* alpha, float* acc,
                       int lda) {
    __m512 a[ROWS][NV];
    for (int r = 0; r < ROWS; ++r) {
        const __m512 al = _mm512_set1_ps(alpha[r]);
        for (int u = 0; u < NV; ++u)
            a[r][u] = _mm512_mul_ps(al, _mm512_loadu_ps(acc + static_cast<std::size_t>(r) * lda + 16 * u));
    }
    for (int j = 0; j < keys; ++j) {
        __m512 vv[NV];
        for (int u = 0; u < NV; ++u) vv[u] = _mm512_loadu_ps(v + static_cast<std::size_t>(j) * ldv + 16 * u);
        for (int r = 0; r < ROWS; ++r) {
            const __m512 pb = _mm512_set1_ps(p[static_cast<std::size_t>(r) * ldp + j]);
            for (int u = 0; u < NV; ++u) a[r][u] = _mm512_fmadd_ps(pb, vv[u], a[r][u]);
        }
    }
    for (int r = 0; r < ROWS; ++r)
        for (int u = 0; u < NV; ++u) _mm512_storeu_ps(acc + static_cast<std::size_t>(r) * lda + 16 * u, a[r][u]);
}

inline void score(int rows, const float* q, int ldq, const float* panel, int d, const __m512* add, float* s, int lds,
                  float* row_max) {
    switch (rows) {
        case 6: score_tile<6>(q, ldq, panel, d, add, s, lds, row_max); break;
        case 5: score_tile<5>(q, ldq, panel, d, add, s, lds, row_max); break;
        case 4: score_tile<4>(q, ldq, panel, d, add, s, lds, row_max); break;
        case 3: score_tile<3>(q, ldq, panel, d, add, s, lds, row_max); break;
        case 2: score_tile<2>(q, ldq, panel, d, add, s, lds, row_max); break;
        default: score_tile<1>(q, ldq, panel, d, add, s, lds, row_max); break;
    }
}

template <int NV>
inline void value_rows(int rows, const float* p, int ldp, const float* v, int ldv, int keys, const float* alpha,
                       float* acc, int lda) {
    switch (rows) {
        case 6: value_tile<6, NV>(p, ldp, v, ldv, keys, alpha, acc, lda); break;
        case 5: value_tile<5, NV>(p, ldp, v, ldv, keys, alpha, acc, lda); break;
        case 4: value_tile<4, NV>(p, ldp, v, ldv, keys, alpha, acc, lda); break;
        case 3: value_tile<3, NV>(p, ldp, v, ldv, keys, alpha, acc, lda); break;
        case 2: value_tile<2, NV>(p, ldp, v, ldv, keys, alpha, acc, lda); break;
        default: value_tile<1, NV>(p, ldp, v, ldv, keys, alpha, acc, lda); break;
    }
}

inline void value(int rows, const float* p, int ldp, const float* v, int ldv, int keys, const float* alpha,
                  float* acc, int lda, int nv) {
    switch (nv) {
        case 4: value_rows<4>(rows, p, ldp, v, ldv, keys, alpha, acc, lda); break;
        case 3: value_rows<3>(rows, p, ldp, v, ldv, keys, alpha, acc, lda); break;
        case 2: value_rows<2>(rows, p, ldp, v, ldv, keys, alpha, acc, lda); break;
        default: value_rows<1>(rows, p, ldp, v, ldv, keys, alpha, acc, lda); break;
    }
}

void attention_avx512(const float* q, const float* k, const float* v, float* out, const AttentionShape& s,
                      const std::uint8_t* key_mask, float scale, ThreadPool* pool) {
    constexpr int MR = 6;
    const int d = s.head_dim, nk = s.nk, H = s.heads;
    const int batch = std::max(1, s.batch);
    const int dp = (d + 15) / 16 * 16;  // head dims padded to whole zmm
    const int kpanels = (nk + kKeys - 1) / kKeys;
    const int nkp = kpanels * kKeys;
    const float ninf = -std::numeric_limits<float>::infinity();
    // Additive mask per item over the padded keys: 0 (kept), -inf (masked or padding).
    std::vector<float> madd(static_cast<std::size_t>(batch) * nkp, ninf);
    for (int b = 0; b < batch; ++b)
        for (int j = 0; j < nk; ++j)
            madd[static_cast<std::size_t>(b) * nkp + j] = (!key_mask || key_mask[b * s.mask_batch + j]) ? 0.0f : ninf;
    const HeadSplit work(batch, H, (s.nq + MR - 1) / MR, pool);
    parallel(pool, work.items(batch), [&](std::size_t b0, std::size_t b1) {
        alignas(64) float sc[MR * kKeyBlock];
        alignas(64) float acc[MR * kMaxHeadDim];
        alignas(64) float qs[MR * kMaxHeadDim];
        float m[MR], l[MR], bm[MR], alpha[MR];
        thread_local std::vector<float> kbuf, vbuf;
        for (std::size_t item = b0; item < b1; ++item) {
            int b, h, t0, t1;
            work.item(item, b, h, t0, t1);
            if (t0 >= t1) continue;
            // K as panels of 64 keys (key-minor, zero-padded), V as rows of dp floats (zero-padded).
            // Only the padding needs zeros (keys past nk in the last panel, head dims past d).
            if (kbuf.size() < static_cast<std::size_t>(kpanels) * d * kKeys) kbuf.resize(static_cast<std::size_t>(kpanels) * d * kKeys);
            if (vbuf.size() < static_cast<std::size_t>(nk) * dp) vbuf.resize(static_cast<std::size_t>(nk) * dp);
            if (nk < nkp) {
                float* last = kbuf.data() + static_cast<std::size_t>(kpanels - 1) * d * kKeys;
                for (int c = 0; c < d; ++c)
                    std::fill(last + static_cast<std::size_t>(c) * kKeys + (nk - (kpanels - 1) * kKeys), last + static_cast<std::size_t>(c + 1) * kKeys, 0.0f);
            }
            if (dp > d)
                for (int j = 0; j < nk; ++j) std::fill(vbuf.data() + static_cast<std::size_t>(j) * dp + d, vbuf.data() + static_cast<std::size_t>(j + 1) * dp, 0.0f);
            const float* kb = k + b * s.k_batch;
            const float* vb = v + b * s.v_batch;
            for (int j = 0; j < nk; ++j) {
                const float* krow = kb + static_cast<std::size_t>(j) * s.k_stride + h * d;
                float* kdst = kbuf.data() + static_cast<std::size_t>(j / kKeys) * d * kKeys + (j % kKeys);
                for (int c = 0; c < d; ++c) kdst[static_cast<std::size_t>(c) * kKeys] = krow[c];
                std::memcpy(vbuf.data() + static_cast<std::size_t>(j) * dp, vb + static_cast<std::size_t>(j) * s.v_stride + h * d,
                            sizeof(float) * d);
            }
            const float* mrow = madd.data() + static_cast<std::size_t>(b) * nkp;
            const float* qb = q + b * s.q_batch;
            float* ob = out + b * s.out_batch;
            for (int tile = t0; tile < t1; ++tile) {
                const int r0 = tile * MR;
                const int rows = std::min(MR, s.nq - r0);
                for (int r = 0; r < rows; ++r) {
                    const float* qr = qb + static_cast<std::size_t>(r0 + r) * s.q_stride + h * d;
                    for (int c = 0; c < d; ++c) qs[r * d + c] = qr[c] * scale;
                    m[r] = ninf;
                    l[r] = 0.0f;
                }
                std::fill(acc, acc + static_cast<std::size_t>(rows) * dp, 0.0f);
                for (int j0 = 0; j0 < nk; j0 += kKeyBlock) {
                    const int nb = std::min(kKeyBlock, nk - j0);
                    for (int r = 0; r < rows; ++r) bm[r] = ninf;
                    for (int p = 0; p * kKeys < nb; ++p) {
                        const int key0 = j0 + p * kKeys;
                        __m512 add[4];
                        for (int u = 0; u < 4; ++u) add[u] = _mm512_loadu_ps(mrow + key0 + 16 * u);
                        score(rows, qs, d, kbuf.data() + static_cast<std::size_t>(key0 / kKeys) * d * kKeys, d, add,
                              sc + p * kKeys, kKeyBlock, bm);
                    }
                    for (int r = 0; r < rows; ++r) {
                        float* sr = sc + static_cast<std::size_t>(r) * kKeyBlock;
                        if (bm[r] == ninf) {  // this block is all masked for the row: it adds nothing
                            std::fill(sr, sr + nb, 0.0f);
                            alpha[r] = 1.0f;
                            continue;
                        }
                        const float mn = std::max(m[r], bm[r]);
                        alpha[r] = l[r] > 0.0f ? std::exp(m[r] - mn) : 0.0f;  // acc is all zeros before
                        m[r] = mn;
                        l[r] = l[r] * alpha[r] + exp_shift_sum(sr, static_cast<std::size_t>(nb), mn);
                    }
                    // acc = alpha acc + P V, 64 head dims a pass.
                    for (int c0 = 0; c0 < dp; c0 += 64)
                        value(rows, sc, kKeyBlock, vbuf.data() + static_cast<std::size_t>(j0) * dp + c0, dp, nb, alpha,
                              acc + c0, dp, std::min(4, (dp - c0) / 16));
                }
                for (int r = 0; r < rows; ++r) {
                    const float inv = l[r] > 0.0f ? 1.0f / l[r] : 0.0f;
                    float* o = ob + static_cast<std::size_t>(r0 + r) * s.out_stride + h * d;
                    for (int c = 0; c < d; ++c) o[c] = acc[static_cast<std::size_t>(r) * dp + c] * inv;
                }
            }
        }
    });
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

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
#if defined(__AVX512F__)
    if (kKeyBlock % kKeys == 0) {
        attention_avx512(q, k, v, out, s, key_mask, scale, pool);
        return;
    }
#endif
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
    const HeadSplit work(batch, H, (s.nq + MR - 1) / MR, pool);
    parallel(pool, work.items(batch), [&](std::size_t b0, std::size_t b1) {
        alignas(64) float sc[16 * kKeyBlock];        // scores, then probabilities: rows x kKeyBlock
        alignas(64) float acc[16 * kMaxHeadDim];
        float m[16], l[16];
        thread_local std::vector<float> kbuf, vbuf;
        for (std::size_t item = b0; item < b1; ++item) {
          int b, h, t0, t1;
          work.item(item, b, h, t0, t1);
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
