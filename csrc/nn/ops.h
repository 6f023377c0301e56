// Dense layers of the model, fp32, row-major, PyTorch's weight layouts. Each is tested against
// PyTorch on random inputs (python_tests/test_native_kernels.py).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "threadpool.h"

namespace bewo::nn {

// W (out = n, in = k) repacked once into panels of kPanel output columns, k-major inside a
// panel, so the micro-kernel streams one contiguous panel per column block.
// 32 columns (two zmm) with AVX-512, 16 (two ymm) otherwise. Only the kernels' own files
// (compiled with the same flags) use the value; everything else treats PackedW as opaque.
#if defined(__AVX512F__)
constexpr int kPanel = 32;
#else
constexpr int kPanel = 16;
#endif
struct PackedW {
    std::vector<float> p;
    int k = 0, n = 0;
    int panel = 0;  // columns per panel (kPanel of the packing unit), for unpack_weights
};
void pack_weights(const float* W, int k, int n, PackedW& out);
// The (n, k) row-major matrix back from its panels (uploads to another device). Inline and
// layout-agnostic (it reads the panel width the packing stored), so other units can use it.
inline void unpack_weights(const PackedW& P, std::vector<float>& W) {
    W.assign(static_cast<std::size_t>(P.n) * P.k, 0.0f);
    if (P.panel <= 0) return;
    for (int col = 0; col < P.n; ++col) {
        const float* src = P.p.data() + static_cast<std::size_t>(col / P.panel) * P.k * P.panel + col % P.panel;
        float* dst = W.data() + static_cast<std::size_t>(col) * P.k;
        for (int kk = 0; kk < P.k; ++kk) dst[kk] = src[static_cast<std::size_t>(kk) * P.panel];
    }
}
// y[m][n] = sum_k x[m][k] W[n][k] + b[n]   (nn.Linear; W is (out, in); b may be null).
// Own AVX2/AVX-512 FMA micro-kernel over packed panels, split over the pool by column panels.
void linear_packed(const float* x, const PackedW& W, const float* b, float* y, int m, ThreadPool* pool);
// The register-blocked tile under linear_packed, for other kernels (attention): y[rows][cols]
// = x[rows][0:k] . panel + bias, rows <= kTileRows, cols <= kPanel; x rows ldx apart.
int tile_rows();
void gemm_tile(const float* x, int ldx, const float* panel, int k, const float* bias, float* y, int ldy, int rows,
               int cols);
// y[rows][cols] += x . panel (no bias).
void gemm_tile_acc(const float* x, int ldx, const float* panel, int k, float* y, int ldy, int rows, int cols);
// y[m][n] += x . W + b (a residual connection fused into the layer; the sum is rounded as
// y + (x . W + b), the order of the separate add).
void linear_packed_acc(const float* x, const PackedW& W, const float* b, float* y, int m, ThreadPool* pool);
// y[m][n] (+)= x . W^T + b with W (n, k) row-major as stored (PyTorch's layout, e.g. a memory-
// mapped fp32 tensor used in place): each k-slice of a group of output columns is packed into a
// per-thread buffer as it is used, so loading needs no repacked copy of the weights.
void linear_rowmajor(const float* x, const float* W, const float* b, float* y, int m, int k, int n, bool accumulate,
                     ThreadPool* pool);
// The same, packing W on the fly (for one-off calls and tests).
void linear(const float* x, const float* W, const float* b, float* y, int m, int k, int n, ThreadPool* pool);
// The same on a plain triple loop in double: the reference the micro-kernel is checked against.
void linear_reference(const float* x, const float* W, const float* b, float* y, int m, int k, int n);

// Row-wise LayerNorm over `dim` (g, b may be null: no affine).
void layer_norm(const float* x, const float* g, const float* b, float* y, int rows, int dim, float eps);
void layer_norm(const float* x, const float* g, const float* b, float* y, int rows, int dim, float eps,
                ThreadPool* pool);  // rows split over the pool
// GroupNorm over (channels, frames) for one item: x is (channels, frames).
void group_norm(const float* x, const float* g, const float* b, float* y, int channels, int frames, int groups,
                float eps);
// GroupNorm then SiLU, the groups split over the pool.
void group_norm_silu(const float* x, const float* g, const float* b, float* y, int channels, int frames, int groups,
                     float eps, ThreadPool* pool);

void gelu_tanh(float* x, std::size_t n);  // GELU(approximate='tanh') in place
void gelu_tanh(float* x, std::size_t n, ThreadPool* pool);  // the same split over the pool
void gelu_erf(float* x, std::size_t n);   // exact GELU in place
void silu(float* x, std::size_t n);       // x * sigmoid(x) in place
void tanh_inplace(float* x, std::size_t n);
// exp on n floats (vectorised; relative error ~1e-7): y may alias x.
void exp_vec(const float* x, float* y, std::size_t n);
// x[i] = exp(x[i] - shift) in place (-inf gives 0 up to 1e-38); returns the sum.
float exp_shift_sum(float* x, std::size_t n, float shift);

// Conv1d, one item: x (cin, t) -> y (cout, t_out), W (cout, cin, kernel), zero padding.
void conv1d(const float* x, const float* W, const float* b, float* y, int cin, int cout, int t, int kernel,
            int stride, int padding, int dilation, ThreadPool* pool);
// The same with W packed once: pack_weights(W, cin * kernel, cout) (W's (cout, cin, kernel) layout
// is already (out, in) for the im2col GEMM).
void conv1d_packed(const float* x, const PackedW& W, const float* b, float* y, int cin, int cout, int t, int kernel,
                   int stride, int padding, int dilation, ThreadPool* pool);
int conv1d_out_frames(int t, int kernel, int stride, int padding, int dilation);
// ConvTranspose1d, one item: x (cin, t) -> y (cout, (t - 1) * stride - 2 padding + kernel), W (cin, cout, kernel).
void conv_transpose1d(const float* x, const float* W, const float* b, float* y, int cin, int cout, int t,
                      int kernel, int stride, int padding, ThreadPool* pool);
// W packed once by pack_conv_transpose(W, cin, cout, kernel, out).
void pack_conv_transpose(const float* W, int cin, int cout, int kernel, PackedW& out);
void conv_transpose1d_packed(const float* x, const PackedW& W, const float* b, float* y, int cin, int cout, int t,
                             int kernel, int stride, int padding, ThreadPool* pool);

// RoPE on rows of (n, heads * head_dim) at stride `stride`: pairs (2i, 2i+1) of each head rotated
// by position * 10000^(-2i/head_dim); position p of row r is r + first_position.
void rope(float* x, int n, int heads, int head_dim, int stride, int first_position);
// The same in two parts, so that a model computes the angles once per length instead of once per
// call: rope_table fills cs with n * head_dim floats (cos, sin of every row's pair i, computed as
// rope() computes them, so the results are bit-identical); rope_apply rotates with it.
void rope_table(int n, int head_dim, int first_position, std::vector<float>& cs);
void rope_apply(float* x, int n, int heads, int head_dim, int stride, const float* cs);

// IEEE half -> float (the bundle's weights).
void half_to_float(const std::uint16_t* h, float* f, std::size_t n);
std::uint16_t float_to_half(float f);

}  // namespace bewo::nn
