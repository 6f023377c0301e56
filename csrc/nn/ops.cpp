#include "ops.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace bewo::nn {

// ------------------------------------------------------------------ vector exp
// exp(x) = 2^n e^r, n = round(x / ln 2), |r| <= ln 2 / 2, e^r by its degree-7 Taylor polynomial
// (truncation error < 6e-9 there), 2^n put straight into the exponent bits.
namespace {
constexpr float kLog2e = 1.44269504088896341f, kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;

// The shared part of exp and expm1: the reduction x = n ln2 + r, the polynomial
// p(r) = (e^r - 1) / r up to its last step, and the scale 2^n.
struct Reduced { float r, p, scale; };
inline Reduced reduce_scalar(float x) {
    x = std::min(88.0f, std::max(-87.0f, x));
    const float n = std::nearbyint(x * kLog2e);
    const float r = x - n * kLn2Hi - n * kLn2Lo;
    float p = 1.0f / 5040;
    p = p * r + 1.0f / 720; p = p * r + 1.0f / 120; p = p * r + 1.0f / 24; p = p * r + 1.0f / 6;
    p = p * r + 0.5f; p = p * r + 1.0f;
    const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<int>(n) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, 4);
    return {r, p, scale};
}

inline float exp_scalar(float x) {
    const Reduced q = reduce_scalar(x);
    return (q.p * q.r + 1.0f) * q.scale;
}

// expm1 the same way but with the polynomial's constant term left out, so that
// tanh(u) = expm1(2u) / (expm1(2u) + 2) keeps full relative precision near u = 0.
inline float expm1_scalar(float x) {
    const Reduced q = reduce_scalar(x);
    return q.scale * (q.p * q.r) + (q.scale - 1.0f);
}

#if defined(__AVX512F__)
// GCC 12 warns inside its own _mm512_max/min/roundscale_ps (they start from an undefined
// vector): a known false positive.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
inline __m512 exp16(__m512 x) {
    x = _mm512_min_ps(_mm512_set1_ps(88.0f), _mm512_max_ps(_mm512_set1_ps(-87.0f), x));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kLn2Hi), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(kLn2Lo), r);
    __m512 p = _mm512_set1_ps(1.0f / 5040);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(p, n);  // p * 2^n
}
#pragma GCC diagnostic pop
#endif

#if defined(__AVX2__) && defined(__FMA__)
// reduce_scalar's eight-lane twin: r, the polynomial before its last step, and 2^n.
inline void reduce8(__m256 x, __m256& r, __m256& p, __m256& scale) {
    x = _mm256_min_ps(_mm256_set1_ps(88.0f), _mm256_max_ps(_mm256_set1_ps(-87.0f), x));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Hi), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Lo), r);
    p = _mm256_set1_ps(1.0f / 5040);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
}

inline __m256 expm1_8(__m256 x) {
    __m256 r, p, scale;
    reduce8(x, r, p, scale);
    return _mm256_add_ps(_mm256_mul_ps(scale, _mm256_mul_ps(p, r)), _mm256_sub_ps(scale, _mm256_set1_ps(1.0f)));
}

inline __m256 exp8(__m256 x) {
    __m256 r, p, scale;
    reduce8(x, r, p, scale);
    return _mm256_mul_ps(_mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f)), scale);
}
#endif
}  // namespace

void exp_vec(const float* x, float* y, std::size_t n) {
    std::size_t i = 0;
#if defined(__AVX2__) && defined(__FMA__)
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, exp8(_mm256_loadu_ps(x + i)));
#endif
    for (; i < n; ++i) y[i] = exp_scalar(x[i]);
}

float exp_shift_sum(float* x, std::size_t n, float shift) {
    std::size_t i = 0;
    float sum = 0.0f;
#if defined(__AVX512F__)
    {
        const __m512 vs = _mm512_set1_ps(shift);
        __m512 acc = _mm512_setzero_ps();
        for (; i + 16 <= n; i += 16) {
            const __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), vs));
            _mm512_storeu_ps(x + i, e);
            acc = _mm512_add_ps(acc, e);
        }
        if (i < n) {  // the tail under a mask; lanes beyond it read -inf and add ~1e-38 at most
            const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
            const __m512 xin = _mm512_mask_loadu_ps(_mm512_set1_ps(-std::numeric_limits<float>::infinity()), m, x + i);
            const __m512 e = _mm512_maskz_mov_ps(m, exp16(_mm512_sub_ps(xin, vs)));
            _mm512_mask_storeu_ps(x + i, m, e);
            acc = _mm512_add_ps(acc, e);
            i = n;
        }
        alignas(64) float t16[16];
        _mm512_store_ps(t16, acc);
        for (float v : t16) sum += v;
    }
#endif
#if defined(__AVX2__) && defined(__FMA__)
    const __m256 vs = _mm256_set1_ps(shift);
    __m256 acc = _mm256_setzero_ps();
    for (; i + 8 <= n; i += 8) {
        const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), vs));  // exp8 clamps -inf to ~0
        _mm256_storeu_ps(x + i, e);
        acc = _mm256_add_ps(acc, e);
    }
    alignas(32) float t[8];
    _mm256_store_ps(t, acc);
    for (float v : t) sum += v;
#endif
    for (; i < n; ++i) {
        x[i] = exp_scalar(std::max(-100.0f, x[i] - shift));
        sum += x[i];
    }
    return sum;
}

void tanh_inplace(float* x, std::size_t n) {
    // tanh(u) = expm1(2u) / (expm1(2u) + 2): exact at both saturations and near 0.
    std::size_t i = 0;
#if defined(__AVX2__) && defined(__FMA__)
    const __m256 two = _mm256_set1_ps(2.0f);
    for (; i + 8 <= n; i += 8) {
        __m256 e = expm1_8(_mm256_mul_ps(two, _mm256_loadu_ps(x + i)));
        _mm256_storeu_ps(x + i, _mm256_div_ps(e, _mm256_add_ps(e, two)));
    }
#endif
    for (; i < n; ++i) {
        float e = expm1_scalar(2.0f * x[i]);
        x[i] = e / (e + 2.0f);
    }
}

void gelu_tanh(float* x, std::size_t n) {
    // 0.5 v (1 + tanh(u)) = v sigmoid(2u) = v / (1 + exp(-2u)): no cancellation for v << 0.
    constexpr float c = 0.7978845608028654f;  // sqrt(2 / pi)
    std::size_t i = 0;
#if defined(__AVX512F__)
    {
        const __m512 one = _mm512_set1_ps(1.0f), m2 = _mm512_set1_ps(-2.0f);
        const __m512 vc = _mm512_set1_ps(c), k = _mm512_set1_ps(0.044715f);
        for (; i + 16 <= n; i += 16) {
            const __m512 v = _mm512_loadu_ps(x + i);
            const __m512 u = _mm512_mul_ps(vc, _mm512_fmadd_ps(_mm512_mul_ps(k, v), _mm512_mul_ps(v, v), v));
            const __m512 e = exp16(_mm512_mul_ps(m2, u));
            _mm512_storeu_ps(x + i, _mm512_div_ps(v, _mm512_add_ps(one, e)));
        }
    }
#endif
#if defined(__AVX2__) && defined(__FMA__)
    const __m256 one = _mm256_set1_ps(1.0f), m2 = _mm256_set1_ps(-2.0f);
    const __m256 vc = _mm256_set1_ps(c), k = _mm256_set1_ps(0.044715f);
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 u = _mm256_mul_ps(vc, _mm256_fmadd_ps(_mm256_mul_ps(k, v), _mm256_mul_ps(v, v), v));
        __m256 e = exp8(_mm256_mul_ps(m2, u));
        _mm256_storeu_ps(x + i, _mm256_div_ps(v, _mm256_add_ps(one, e)));
    }
#endif
    for (; i < n; ++i) {
        float v = x[i];
        float u = c * (v + 0.044715f * v * v * v);
        x[i] = v / (1.0f + exp_scalar(-2.0f * u));
    }
}

void gelu_erf(float* x, std::size_t n) {
    // 0.5 x (1 + erf(x / sqrt 2)) = 0.5 x erfc(-x / sqrt 2): no cancellation for x << 0.
    for (std::size_t i = 0; i < n; ++i) x[i] = 0.5f * x[i] * std::erfc(-x[i] * 0.70710678118654752f);
}

void silu(float* x, std::size_t n) {
    std::size_t i = 0;
#if defined(__AVX512F__)
    {
        const __m512 one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
        for (; i + 16 <= n; i += 16) {
            const __m512 v = _mm512_loadu_ps(x + i);
            const __m512 e = exp16(_mm512_sub_ps(zero, v));
            _mm512_storeu_ps(x + i, _mm512_div_ps(v, _mm512_add_ps(one, e)));
        }
    }
#endif
#if defined(__AVX2__) && defined(__FMA__)
    const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 e = exp8(_mm256_sub_ps(zero, v));
        _mm256_storeu_ps(x + i, _mm256_div_ps(v, _mm256_add_ps(one, e)));
    }
#endif
    for (; i < n; ++i) x[i] = x[i] / (1.0f + exp_scalar(-x[i]));
}

// ------------------------------------------------------------------ GEMM
void pack_weights(const float* W, int k, int n, PackedW& out) {
    int panels = (n + kPanel - 1) / kPanel;
    out.k = k;
    out.n = n;
    out.panel = kPanel;
    out.p.assign(static_cast<std::size_t>(panels) * k * kPanel, 0.0f);
    for (int pn = 0; pn < panels; ++pn) {
        float* dst = out.p.data() + static_cast<std::size_t>(pn) * k * kPanel;
        for (int c = 0; c < kPanel; ++c) {
            int col = pn * kPanel + c;
            if (col >= n) break;
            const float* src = W + static_cast<std::size_t>(col) * k;
            for (int kk = 0; kk < k; ++kk) dst[static_cast<std::size_t>(kk) * kPanel + c] = src[kk];
        }
    }
}

namespace {

// Rows [r0, r0 + rows) of x times one packed panel -> y columns [col0, col0 + cols).
// MR rows at a time, each row's 16 outputs held in registers across the whole k loop.
#if defined(__AVX512F__)
constexpr int MR = 6;
// ROWS is a compile-time constant so the accumulators stay in registers (a runtime row count
// inside the k loop made the compiler keep them in memory). 6 rows x 32 columns: 12 zmm
// accumulators, 2 panel loads and 6 broadcasts per 12 FMAs (FMA-bound, not load-bound).
template <int ROWS, bool ACC = false>
inline void micro_rows(const float* x, int ldx, const float* panel, int k, const float* bias, float* y, int ldy,
                       int cols) {
    __m512 a0[ROWS], a1[ROWS];
    for (int r = 0; r < ROWS; ++r) a0[r] = a1[r] = _mm512_setzero_ps();
    for (int kk = 0; kk < k; ++kk) {
        const __m512 w0 = _mm512_loadu_ps(panel + static_cast<std::size_t>(kk) * kPanel);
        const __m512 w1 = _mm512_loadu_ps(panel + static_cast<std::size_t>(kk) * kPanel + 16);
        for (int r = 0; r < ROWS; ++r) {
            const __m512 xb = _mm512_set1_ps(x[static_cast<std::size_t>(r) * ldx + kk]);
            a0[r] = _mm512_fmadd_ps(xb, w0, a0[r]);
            a1[r] = _mm512_fmadd_ps(xb, w1, a1[r]);
        }
    }
    const __mmask16 m0 = cols >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << cols) - 1);
    const __mmask16 m1 = cols >= 32 ? __mmask16(0xFFFF) : (cols <= 16 ? __mmask16(0) : __mmask16((1u << (cols - 16)) - 1));
    const __m512 b0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
    const __m512 b1 = bias && m1 ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();
    for (int r = 0; r < ROWS; ++r) {
        float* yr = y + static_cast<std::size_t>(r) * ldy;
        __m512 o0 = _mm512_add_ps(a0[r], b0), o1 = _mm512_add_ps(a1[r], b1);
        if (ACC) {
            o0 = _mm512_add_ps(o0, _mm512_maskz_loadu_ps(m0, yr));
            if (m1) o1 = _mm512_add_ps(o1, _mm512_maskz_loadu_ps(m1, yr + 16));
        }
        _mm512_mask_storeu_ps(yr, m0, o0);
        if (m1) _mm512_mask_storeu_ps(yr + 16, m1, o1);
    }
}

// A panel's last 16 columns unused (a 48-wide head's second panel, say): one zmm per row.
template <int ROWS, bool ACC = false>
inline void micro_rows_half(const float* x, int ldx, const float* panel, int k, const float* bias, float* y, int ldy,
                            int cols) {
    __m512 a0[ROWS];
    for (int r = 0; r < ROWS; ++r) a0[r] = _mm512_setzero_ps();
    for (int kk = 0; kk < k; ++kk) {
        const __m512 w0 = _mm512_loadu_ps(panel + static_cast<std::size_t>(kk) * kPanel);
        for (int r = 0; r < ROWS; ++r)
            a0[r] = _mm512_fmadd_ps(_mm512_set1_ps(x[static_cast<std::size_t>(r) * ldx + kk]), w0, a0[r]);
    }
    const __mmask16 m0 = cols >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << cols) - 1);
    const __m512 b0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
    for (int r = 0; r < ROWS; ++r) {
        float* yr = y + static_cast<std::size_t>(r) * ldy;
        __m512 o0 = _mm512_add_ps(a0[r], b0);
        if (ACC) o0 = _mm512_add_ps(o0, _mm512_maskz_loadu_ps(m0, yr));
        _mm512_mask_storeu_ps(yr, m0, o0);
    }
}

template <bool ACC = false>
inline void micro(const float* x, int ldx, const float* panel, int k, const float* bias, float* y, int ldy, int rows,
                  int cols) {
    if (cols <= 16) {
        switch (rows) {
            case 6: micro_rows_half<6, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
            case 5: micro_rows_half<5, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
            case 4: micro_rows_half<4, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
            case 3: micro_rows_half<3, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
            case 2: micro_rows_half<2, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
            default: micro_rows_half<1, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
        }
        return;
    }
    switch (rows) {
        case 6: micro_rows<6, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
        case 5: micro_rows<5, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
        case 4: micro_rows<4, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
        case 3: micro_rows<3, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
        case 2: micro_rows<2, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
        default: micro_rows<1, ACC>(x, ldx, panel, k, bias, y, ldy, cols); break;
    }
}
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int MR = 6;
template <int ROWS>
inline void micro_rows(const float* x, int ldx, const float* panel, int k, const float* bias, float* y, int ldy,
                       int cols) {
    __m256 a0[ROWS], a1[ROWS];
    for (int r = 0; r < ROWS; ++r) a0[r] = a1[r] = _mm256_setzero_ps();
    for (int kk = 0; kk < k; ++kk) {
        const __m256 w0 = _mm256_loadu_ps(panel + static_cast<std::size_t>(kk) * kPanel);
        const __m256 w1 = _mm256_loadu_ps(panel + static_cast<std::size_t>(kk) * kPanel + 8);
        for (int r = 0; r < ROWS; ++r) {
            const __m256 xb = _mm256_set1_ps(x[static_cast<std::size_t>(r) * ldx + kk]);
            a0[r] = _mm256_fmadd_ps(xb, w0, a0[r]);
            a1[r] = _mm256_fmadd_ps(xb, w1, a1[r]);
        }
    }
    alignas(32) float tmp[16];
    for (int r = 0; r < ROWS; ++r) {
        _mm256_store_ps(tmp, a0[r]);
        _mm256_store_ps(tmp + 8, a1[r]);
        for (int c = 0; c < cols; ++c) y[static_cast<std::size_t>(r) * ldy + c] = tmp[c] + (bias ? bias[c] : 0.0f);
    }
}

inline void micro(const float* x, int ldx, const float* panel, int k, const float* bias, float* y, int ldy, int rows,
                  int cols) {
    switch (rows) {
        case 6: micro_rows<6>(x, ldx, panel, k, bias, y, ldy, cols); break;
        case 5: micro_rows<5>(x, ldx, panel, k, bias, y, ldy, cols); break;
        case 4: micro_rows<4>(x, ldx, panel, k, bias, y, ldy, cols); break;
        case 3: micro_rows<3>(x, ldx, panel, k, bias, y, ldy, cols); break;
        case 2: micro_rows<2>(x, ldx, panel, k, bias, y, ldy, cols); break;
        default: micro_rows<1>(x, ldx, panel, k, bias, y, ldy, cols); break;
    }
}
#else
constexpr int MR = 4;
inline void micro(const float* x, int ldx, const float* panel, int k, const float* bias, float* y, int ldy, int rows,
                  int cols) {
    float acc[MR][kPanel] = {};
    for (int kk = 0; kk < k; ++kk)
        for (int r = 0; r < rows; ++r) {
            float xv = x[static_cast<std::size_t>(r) * ldx + kk];
            for (int c = 0; c < kPanel; ++c) acc[r][c] += xv * panel[static_cast<std::size_t>(kk) * kPanel + c];
        }
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) y[static_cast<std::size_t>(r) * ldy + c] = acc[r][c] + (bias ? bias[c] : 0.0f);
}
#endif

// y[rows][cols] += x . panel + bias, rounded as y + (x . panel + bias).
inline void micro_acc(const float* x, int ldx, const float* panel, int k, const float* bias, float* y, int ldy,
                      int rows, int cols) {
#if defined(__AVX512F__)
    micro<true>(x, ldx, panel, k, bias, y, ldy, rows, cols);
#else
    float t[16 * kPanel];
    micro(x, ldx, panel, k, bias, t, kPanel, rows, cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) y[static_cast<std::size_t>(r) * ldy + c] += t[r * kPanel + c];
#endif
}

// linear_packed (ACC false) and linear_packed_acc (ACC true): the same work split.
// Long reductions (k > kBlockedK) run blocked: k in slices of kKc, panels in groups whose slices
// fill about half of L2, so a group's weights stay cached while every row block passes over them
// and the 6 rows' slices stay in L1 across the group (without it, each panel re-streamed all of
// x from memory: ~20 GFLOP/s on the DiT's 1536-6144-wide layers). Work items are (panel group,
// row chunk): columns split first, rows only when there are too few groups for the threads.
// The per-output summation order depends only on k, never on the thread count.
constexpr int kBlockedK = 1024, kKc = 256;
constexpr int kBlockGroup = std::max(1, (256 * 1024) / (kKc * kPanel * static_cast<int>(sizeof(float))));

// The blocked loop shared by packed and row-major weights. panels(p0, p1, k0, kc, stride) gives
// the packed k-slice [k0, k0 + kc) of panels [p0, p1) (panel p0 first, `stride` floats apart).
template <typename Panels>
void blocked_gemm(const float* x, int k, int n, const float* b, float* y, int m, bool accumulate, ThreadPool* pool,
                  const Panels& panels_of) {
    const int panels = (n + kPanel - 1) / kPanel;
    const int group = kBlockGroup;
    const int groups = (panels + group - 1) / group;
    const int row_blocks = (m + MR - 1) / MR;
    const int threads = pool ? pool->size() : 1;
    int row_chunks = 1;
    if (groups < 2 * threads) row_chunks = std::min(row_blocks, (2 * threads + groups - 1) / groups);
    const int rb_per_chunk = (row_blocks + row_chunks - 1) / row_chunks;
    row_chunks = (row_blocks + rb_per_chunk - 1) / rb_per_chunk;
    parallel(pool, static_cast<std::size_t>(groups) * row_chunks, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t it = i0; it < i1; ++it) {
            const int g = static_cast<int>(it / row_chunks), rc = static_cast<int>(it % row_chunks);
            const int p0 = g * group, p1 = std::min(panels, p0 + group);
            const int rb0 = rc * rb_per_chunk, rb1 = std::min(row_blocks, rb0 + rb_per_chunk);
            for (int k0 = 0; k0 < k; k0 += kKc) {
                const int kc = std::min(kKc, k - k0);
                std::size_t stride = 0;
                const float* first = panels_of(p0, p1, k0, kc, stride);
                for (int rb = rb0; rb < rb1; ++rb) {
                    const int r0 = rb * MR, rows = std::min(MR, m - r0);
                    const float* xr = x + static_cast<std::size_t>(r0) * k + k0;
                    for (int pn = p0; pn < p1; ++pn) {
                        const float* panel = first + static_cast<std::size_t>(pn - p0) * stride;
                        const int col0 = pn * kPanel, cols = std::min(kPanel, n - col0);
                        float* yt = y + static_cast<std::size_t>(r0) * n + col0;
                        if (k0 > 0) micro_acc(xr, k, panel, kc, nullptr, yt, n, rows, cols);
                        else if (accumulate) micro_acc(xr, k, panel, kc, b ? b + col0 : nullptr, yt, n, rows, cols);
                        else micro(xr, k, panel, kc, b ? b + col0 : nullptr, yt, n, rows, cols);
                    }
                }
            }
        }
    });
}

template <bool ACC>
void linear_packed_blocked(const float* x, const PackedW& W, const float* b, float* y, int m, ThreadPool* pool) {
    const int k = W.k;
    blocked_gemm(x, k, W.n, b, y, m, ACC, pool, [&](int p0, int, int k0, int, std::size_t& stride) {
        stride = static_cast<std::size_t>(k) * kPanel;
        return W.p.data() + static_cast<std::size_t>(p0) * k * kPanel + static_cast<std::size_t>(k0) * kPanel;
    });
}

// Panels [p0, p1) of row-major W (n, k), k-slice [k0, k0 + kc), into buf in the packed layout.
void pack_slice(const float* W, int k, int n, int p0, int p1, int k0, int kc, float* buf) {
    for (int pn = p0; pn < p1; ++pn) {
        float* dst = buf + static_cast<std::size_t>(pn - p0) * kc * kPanel;
        for (int c = 0; c < kPanel; ++c) {
            const int col = pn * kPanel + c;
            if (col >= n) {
                for (int kk = 0; kk < kc; ++kk) dst[static_cast<std::size_t>(kk) * kPanel + c] = 0.0f;
                continue;
            }
            const float* src = W + static_cast<std::size_t>(col) * k + k0;
            for (int kk = 0; kk < kc; ++kk) dst[static_cast<std::size_t>(kk) * kPanel + c] = src[kk];
        }
    }
}

template <bool ACC>
void linear_packed_impl(const float* x, const PackedW& W, const float* b, float* y, int m, ThreadPool* pool) {
    const int k = W.k, n = W.n;
    if (k > kBlockedK) {
        linear_packed_blocked<ACC>(x, W, b, y, m, pool);
        return;
    }
    const int panels = (n + kPanel - 1) / kPanel;
    const int row_blocks = (m + MR - 1) / MR;
    // Work items: (panel, group of row blocks); a panel stays in L1/L2 while its rows stream.
    const int rb_per_item = std::max(1, std::min(row_blocks, 64 / MR * 4));
    const int groups = (row_blocks + rb_per_item - 1) / rb_per_item;
    parallel(pool, static_cast<std::size_t>(panels) * groups, [&](std::size_t b0, std::size_t b1) {
        for (std::size_t it = b0; it < b1; ++it) {
            int pn = static_cast<int>(it / groups), g = static_cast<int>(it % groups);
            const float* panel = W.p.data() + static_cast<std::size_t>(pn) * k * kPanel;
            int col0 = pn * kPanel, cols = std::min(kPanel, n - col0);
            for (int rb = g * rb_per_item; rb < std::min(row_blocks, (g + 1) * rb_per_item); ++rb) {
                int r0 = rb * MR, rows = std::min(MR, m - r0);
                const float* xr = x + static_cast<std::size_t>(r0) * k;
                float* yt = y + static_cast<std::size_t>(r0) * n + col0;
                if (ACC) micro_acc(xr, k, panel, k, b ? b + col0 : nullptr, yt, n, rows, cols);
                else micro(xr, k, panel, k, b ? b + col0 : nullptr, yt, n, rows, cols);
            }
        }
    });
}

}  // namespace

int tile_rows() { return MR; }

void gemm_tile(const float* x, int ldx, const float* panel, int k, const float* bias, float* y, int ldy, int rows,
               int cols) {
    micro(x, ldx, panel, k, bias, y, ldy, rows, cols);
}

void gemm_tile_acc(const float* x, int ldx, const float* panel, int k, float* y, int ldy, int rows, int cols) {
    micro_acc(x, ldx, panel, k, nullptr, y, ldy, rows, cols);
}

void linear_packed(const float* x, const PackedW& W, const float* b, float* y, int m, ThreadPool* pool) {
    linear_packed_impl<false>(x, W, b, y, m, pool);
}

void linear_packed_acc(const float* x, const PackedW& W, const float* b, float* y, int m, ThreadPool* pool) {
    linear_packed_impl<true>(x, W, b, y, m, pool);
}

void linear_rowmajor(const float* x, const float* W, const float* b, float* y, int m, int k, int n, bool accumulate,
                     ThreadPool* pool) {
    blocked_gemm(x, k, n, b, y, m, accumulate, pool, [&](int p0, int p1, int k0, int kc, std::size_t& stride) {
        thread_local std::vector<float> buf;
        buf.resize(static_cast<std::size_t>(kBlockGroup) * kKc * kPanel);
        pack_slice(W, k, n, p0, p1, k0, kc, buf.data());
        stride = static_cast<std::size_t>(kc) * kPanel;
        return static_cast<const float*>(buf.data());
    });
}

void linear(const float* x, const float* W, const float* b, float* y, int m, int k, int n, ThreadPool* pool) {
    PackedW p;
    pack_weights(W, k, n, p);
    linear_packed(x, p, b, y, m, pool);
}

void linear_reference(const float* x, const float* W, const float* b, float* y, int m, int k, int n) {
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
            double acc = b ? b[j] : 0.0;
            for (int kk = 0; kk < k; ++kk)
                acc += static_cast<double>(x[static_cast<std::size_t>(i) * k + kk]) * W[static_cast<std::size_t>(j) * k + kk];
            y[static_cast<std::size_t>(i) * n + j] = static_cast<float>(acc);
        }
}

// ------------------------------------------------------------------ norms
void layer_norm(const float* x, const float* g, const float* b, float* y, int rows, int dim, float eps,
                ThreadPool* pool) {
    parallel(pool, static_cast<std::size_t>(rows), [&](std::size_t r0, std::size_t r1) {
        layer_norm(x + r0 * dim, g, b, y + r0 * dim, static_cast<int>(r1 - r0), dim, eps);
    });
}

void gelu_tanh(float* x, std::size_t n, ThreadPool* pool) {
    // Chunks of whole 64-float blocks: every element takes the same (vector or tail) path as in
    // the serial call, so the bits do not depend on the thread count.
    const std::size_t blocks = (n + 63) / 64;
    parallel(pool, blocks, [&](std::size_t b0, std::size_t b1) {
        const std::size_t lo = b0 * 64, hi = std::min(n, b1 * 64);
        gelu_tanh(x + lo, hi - lo);
    });
}

void layer_norm(const float* x, const float* g, const float* b, float* y, int rows, int dim, float eps) {
    // Two passes in float with 16 partial sums (vectorisable without reassociation flags).
    for (int r = 0; r < rows; ++r) {
        const float* xr = x + static_cast<std::size_t>(r) * dim;
        float* yr = y + static_cast<std::size_t>(r) * dim;
        float ps[16] = {};
        int i = 0;
        for (; i + 16 <= dim; i += 16)
            for (int j = 0; j < 16; ++j) ps[j] += xr[i + j];
        float sum = 0.0f;
        for (; i < dim; ++i) sum += xr[i];
        for (int j = 0; j < 16; ++j) sum += ps[j];
        const float mu = sum / dim;
        float pv[16] = {};
        i = 0;
        for (; i + 16 <= dim; i += 16)
            for (int j = 0; j < 16; ++j) pv[j] += (xr[i + j] - mu) * (xr[i + j] - mu);
        float var = 0.0f;
        for (; i < dim; ++i) var += (xr[i] - mu) * (xr[i] - mu);
        for (int j = 0; j < 16; ++j) var += pv[j];
        const float inv = 1.0f / std::sqrt(var / dim + eps);
        if (g && b)
            for (i = 0; i < dim; ++i) yr[i] = (xr[i] - mu) * inv * g[i] + b[i];
        else
            for (i = 0; i < dim; ++i) yr[i] = (xr[i] - mu) * inv;
    }
}

namespace {
// One group of group_norm: channels [c0, c0 + per), statistics in double over 8 partial sums
// (independent chains the compiler can vectorise), optionally followed by SiLU.
void group_norm_one(const float* x, const float* g, const float* b, float* y, int c0, int per, int frames, float eps,
                    bool then_silu) {
    const float* xg = x + static_cast<std::size_t>(c0) * frames;
    const std::size_t cnt = static_cast<std::size_t>(per) * frames;
    double ps[8] = {};
    std::size_t i = 0;
    for (; i + 8 <= cnt; i += 8)
        for (int j = 0; j < 8; ++j) ps[j] += xg[i + j];
    double mean = 0.0;
    for (; i < cnt; ++i) mean += xg[i];
    for (double v : ps) mean += v;
    mean /= static_cast<double>(cnt);
    double pv[8] = {};
    for (i = 0; i + 8 <= cnt; i += 8)
        for (int j = 0; j < 8; ++j) pv[j] += (xg[i + j] - mean) * (xg[i + j] - mean);
    double var = 0.0;
    for (; i < cnt; ++i) var += (xg[i] - mean) * (xg[i] - mean);
    for (double v : pv) var += v;
    var /= static_cast<double>(cnt);
    const float inv = static_cast<float>(1.0 / std::sqrt(var + eps)), mu = static_cast<float>(mean);
    for (int c = c0; c < c0 + per; ++c) {
        const float sc = inv * (g ? g[c] : 1.0f), sh = (b ? b[c] : 0.0f) - mu * sc;
        const float* xc = x + static_cast<std::size_t>(c) * frames;
        float* yc = y + static_cast<std::size_t>(c) * frames;
        for (int t = 0; t < frames; ++t) yc[t] = xc[t] * sc + sh;
    }
    if (then_silu) silu(y + static_cast<std::size_t>(c0) * frames, cnt);
}
}  // namespace

void group_norm(const float* x, const float* g, const float* b, float* y, int channels, int frames, int groups,
                float eps) {
    const int per = channels / groups;
    for (int gi = 0; gi < groups; ++gi) group_norm_one(x, g, b, y, gi * per, per, frames, eps, false);
}

void group_norm_silu(const float* x, const float* g, const float* b, float* y, int channels, int frames, int groups,
                     float eps, ThreadPool* pool) {
    const int per = channels / groups;
    parallel(pool, static_cast<std::size_t>(groups), [&](std::size_t g0, std::size_t g1) {
        for (std::size_t gi = g0; gi < g1; ++gi) group_norm_one(x, g, b, y, static_cast<int>(gi) * per, per, frames, eps, true);
    });
}

// ------------------------------------------------------------------ convolutions (as GEMMs)
int conv1d_out_frames(int t, int kernel, int stride, int padding, int dilation) {
    return (t + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}

void conv1d(const float* x, const float* W, const float* b, float* y, int cin, int cout, int t, int kernel,
            int stride, int padding, int dilation, ThreadPool* pool) {
    PackedW p;
    pack_weights(W, cin * kernel, cout, p);
    conv1d_packed(x, p, b, y, cin, cout, t, kernel, stride, padding, dilation, pool);
}

void conv1d_packed(const float* x, const PackedW& W, const float* b, float* y, int cin, int cout, int t, int kernel,
                   int stride, int padding, int dilation, ThreadPool* pool) {
    const int to = conv1d_out_frames(t, kernel, stride, padding, dilation);
    const int kk = cin * kernel;
    // im2col: row per output frame, (cin, kernel) flattened as W's (cin, kernel) is.
    std::vector<float> cols(static_cast<std::size_t>(to) * kk);
    for (int o = 0; o < to; ++o) {
        float* row = cols.data() + static_cast<std::size_t>(o) * kk;
        for (int c = 0; c < cin; ++c)
            for (int j = 0; j < kernel; ++j) {
                int ti = o * stride - padding + j * dilation;
                row[c * kernel + j] = (ti >= 0 && ti < t) ? x[static_cast<std::size_t>(c) * t + ti] : 0.0f;
            }
    }
    std::vector<float> out(static_cast<std::size_t>(to) * cout);
    linear_packed(cols.data(), W, b, out.data(), to, pool);
    for (int o = 0; o < to; ++o)
        for (int c = 0; c < cout; ++c) y[static_cast<std::size_t>(c) * to + o] = out[static_cast<std::size_t>(o) * cout + c];
}

void pack_conv_transpose(const float* W, int cin, int cout, int kernel, PackedW& out) {
    // z[i][(co, j)] = sum_ci x[ci][i] W[ci][co][j]: a GEMM with W^T as the (out, in) matrix.
    std::vector<float> wt(static_cast<std::size_t>(cout) * kernel * cin);
    for (int ci = 0; ci < cin; ++ci)
        for (int q = 0; q < cout * kernel; ++q) wt[static_cast<std::size_t>(q) * cin + ci] = W[static_cast<std::size_t>(ci) * cout * kernel + q];
    pack_weights(wt.data(), cin, cout * kernel, out);
}

void conv_transpose1d(const float* x, const float* W, const float* b, float* y, int cin, int cout, int t,
                      int kernel, int stride, int padding, ThreadPool* pool) {
    PackedW p;
    pack_conv_transpose(W, cin, cout, kernel, p);
    conv_transpose1d_packed(x, p, b, y, cin, cout, t, kernel, stride, padding, pool);
}

void conv_transpose1d_packed(const float* x, const PackedW& W, const float* b, float* y, int cin, int cout, int t,
                             int kernel, int stride, int padding, ThreadPool* pool) {
    const int to = (t - 1) * stride - 2 * padding + kernel;
    std::vector<float> xt(static_cast<std::size_t>(t) * cin);
    for (int ci = 0; ci < cin; ++ci)
        for (int i = 0; i < t; ++i) xt[static_cast<std::size_t>(i) * cin + ci] = x[static_cast<std::size_t>(ci) * t + i];
    std::vector<float> z(static_cast<std::size_t>(t) * cout * kernel);
    linear_packed(xt.data(), W, nullptr, z.data(), t, pool);
    for (int co = 0; co < cout; ++co) {
        float* yc = y + static_cast<std::size_t>(co) * to;
        for (int o = 0; o < to; ++o) yc[o] = b ? b[co] : 0.0f;
        for (int i = 0; i < t; ++i)
            for (int j = 0; j < kernel; ++j) {
                int o = i * stride - padding + j;
                if (o >= 0 && o < to) yc[o] += z[static_cast<std::size_t>(i) * cout * kernel + co * kernel + j];
            }
    }
}

// ------------------------------------------------------------------ RoPE, halves
void rope_table(int n, int head_dim, int first_position, std::vector<float>& cs) {
    const int half = head_dim / 2;
    std::vector<float> inv(half);
    for (int i = 0; i < half; ++i) inv[i] = static_cast<float>(1.0 / std::pow(10000.0, (2.0 * i) / head_dim));
    cs.resize(static_cast<std::size_t>(n) * 2 * half);
    for (int r = 0; r < n; ++r) {
        const float pos = static_cast<float>(r + first_position);
        float* row = cs.data() + static_cast<std::size_t>(r) * 2 * half;
        for (int i = 0; i < half; ++i) {
            // As torch computes it: the angle in float32, then cos/sin of that float.
            const float ang = pos * inv[i];
            row[2 * i] = std::cos(ang);
            row[2 * i + 1] = std::sin(ang);
        }
    }
}

void rope_apply(float* x, int n, int heads, int head_dim, int stride, const float* cs) {
    const int half = head_dim / 2;
    for (int r = 0; r < n; ++r) {
        float* row = x + static_cast<std::size_t>(r) * stride;
        const float* t = cs + static_cast<std::size_t>(r) * 2 * half;
        for (int h = 0; h < heads; ++h) {
            float* p = row + h * head_dim;
            for (int i = 0; i < half; ++i) {
                const float c = t[2 * i], s = t[2 * i + 1];
                const float a = p[2 * i], bb = p[2 * i + 1];
                p[2 * i] = a * c - bb * s;
                p[2 * i + 1] = a * s + bb * c;
            }
        }
    }
}

void rope(float* x, int n, int heads, int head_dim, int stride, int first_position) {
    std::vector<float> cs;
    rope_table(n, head_dim, first_position, cs);
    rope_apply(x, n, heads, head_dim, stride, cs.data());
}

void half_to_float(const std::uint16_t* h, float* f, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t s = (h[i] & 0x8000u) << 16, e = (h[i] >> 10) & 0x1F, m = h[i] & 0x3FF, u;
        if (e == 0) {
            if (m == 0) u = s;
            else {  // subnormal: normalise
                int sh = 0;
                while (!(m & 0x400)) { m <<= 1; ++sh; }
                m &= 0x3FF;
                u = s | ((127 - 15 - sh + 1) << 23) | (m << 13);
            }
        } else if (e == 31) {
            u = s | 0x7F800000u | (m << 13);
        } else {
            u = s | ((e + 127 - 15) << 23) | (m << 13);
        }
        std::memcpy(&f[i], &u, 4);
    }
}

std::uint16_t float_to_half(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    std::uint32_t s = (u >> 16) & 0x8000u;
    int e = static_cast<int>((u >> 23) & 0xFF) - 127 + 15;
    std::uint32_t m = u & 0x7FFFFF;
    if (((u >> 23) & 0xFF) == 0xFF) return static_cast<std::uint16_t>(s | 0x7C00u | (m ? 0x200u : 0u));
    if (e >= 31) return static_cast<std::uint16_t>(s | 0x7C00u);
    if (e <= 0) {
        if (e < -10) return static_cast<std::uint16_t>(s);
        m |= 0x800000u;
        std::uint32_t shift = static_cast<std::uint32_t>(14 - e);
        std::uint32_t hm = m >> shift, rem = m & ((1u << shift) - 1), halfway = 1u << (shift - 1);
        if (rem > halfway || (rem == halfway && (hm & 1))) ++hm;
        return static_cast<std::uint16_t>(s | hm);
    }
    std::uint32_t hm = m >> 13, rem = m & 0x1FFF;
    std::uint32_t h = s | (static_cast<std::uint32_t>(e) << 10) | hm;
    if (rem > 0x1000 || (rem == 0x1000 && (hm & 1))) ++h;
    return static_cast<std::uint16_t>(h);
}

}  // namespace bewo::nn
