// gemm_check (nn_cuda.h): the model GEMM against a float64 host reference.
#include <cmath>
#include <random>
#include <vector>

#include "gemm_cuda.cuh"

namespace bewo::cuda_nn {

namespace {

float round_to(float v, DType d) {
    if (d == DType::F16) return __half2float(__float2half_rn(v));
    if (d == DType::BF16) return __bfloat162float(__float2bfloat16_rn(v));
    return v;
}

double epilogue(int mode, double v, double prev) {
    switch (mode) {
        case kAdd: return v + prev;
        case kGelu: return 0.5 * v * (1.0 + std::tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
        case kSilu: return v / (1.0 + std::exp(-v));
        case kRelu: return v > 0 ? v : 0.0;
        default: return v;
    }
}

}  // namespace

std::string gemm_check(int M, int N, int K, DType dt, int kernel, int mode, unsigned seed, GemmCheck* out) {
    if (M <= 0 || N <= 0 || K <= 0 || mode < 0 || mode > 6 || ((mode == kSwiglu || mode == kGeglu) && N % 2))
        return "gemm_check: M, N, K must be positive, mode 0..6, N even for the pair modes";
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.f, 1.f);
    // x rows live in a buffer with one unused row after every `group` rows (as the DiT's token
    // map skips the prepended token), and a padded row stride.
    const int group = 7, ldx = K + 8, rows_mem = M + M / group + 1;
    std::vector<float> x((std::size_t)rows_mem * ldx), w((std::size_t)N * K), b(N), y0((std::size_t)M * N);
    for (auto& v : x) v = round_to(nd(rng), dt);
    for (auto& v : w) v = round_to(nd(rng) / std::sqrt((float)K), dt);
    for (auto& v : b) v = 0.1f * nd(rng);
    for (auto& v : y0) v = nd(rng);
    RowMap in_map;
    in_map.group = group;
    in_map.stride = group + 1;
    in_map.offset = 0;
    const int N_out = (mode == kSwiglu || mode == kGeglu) ? N / 2 : N;
    // y rows are written through a row map (one spare row after every 5, as the DiT writes tokens
    // after the prepended one) with a padded stride: the spare rows and the padding must keep
    // their poison (no stray writes).
    const int ogroup = 5, ldy = N_out + 3, yrows = M + M / ogroup + 1;
    RowMap out_map;
    out_map.group = ogroup;
    out_map.stride = ogroup + 1;
    out_map.offset = 1;
    std::vector<float> y((std::size_t)yrows * ldy);
    DevBuf dx, dw32, dw, db, dy;
    NN_CUDA_TRY(dx.alloc(x.size() * sizeof(float)));
    NN_CUDA_TRY(dw32.alloc(w.size() * sizeof(float)));
    NN_CUDA_TRY(dw.alloc(w.size() * 4));
    NN_CUDA_TRY(db.alloc(b.size() * sizeof(float)));
    NN_CUDA_TRY(dy.alloc(y.size() * sizeof(float)));
    NN_CUDA_TRY(cudaMemcpy(dx.p, x.data(), x.size() * sizeof(float), cudaMemcpyHostToDevice));
    NN_CUDA_TRY(cudaMemcpy(dw32.p, w.data(), w.size() * sizeof(float), cudaMemcpyHostToDevice));
    NN_CUDA_TRY(cudaMemcpy(db.p, b.data(), b.size() * sizeof(float), cudaMemcpyHostToDevice));
    NN_CUDA_TRY(cudaMemset(dy.p, 0xFF, y.size() * sizeof(float)));  // poison: NaN
    if (mode == kAdd)
        for (int r = 0; r < M; ++r)
            NN_CUDA_TRY(cudaMemcpy(dy.as<float>() + (std::size_t)out_map(r) * ldy, y0.data() + (std::size_t)r * N,
                                   N * sizeof(float), cudaMemcpyHostToDevice));
    const long long nw = (long long)w.size();
    if (dt == DType::F32) NN_CUDA_TRY(cudaMemcpy(dw.p, w.data(), w.size() * sizeof(float), cudaMemcpyHostToDevice));
    else if (dt == DType::F16) convert_kernel<__half><<<grid_for(nw, 256), 256>>>(dw32.as<float>(), dw.as<__half>(), nw);
    else convert_kernel<__nv_bfloat16><<<grid_for(nw, 256), 256>>>(dw32.as<float>(), dw.as<__nv_bfloat16>(), nw);
    NN_CUDA_TRY(cudaGetLastError());
    GemmArgs g{dx.as<float>(), dw.p, db.as<float>(), dy.as<float>(), M, N, K, ldx, ldy, in_map, out_map, mode,
               nullptr, 1};
    const int saved = gemm_kernel_choice();
    gemm_kernel_choice() = kernel;
    cudaError_t e = gemm_launch(g, dt, nullptr);
    gemm_kernel_choice() = saved;
    NN_CUDA_TRY(e);
    NN_CUDA_TRY(cudaDeviceSynchronize());
    NN_CUDA_TRY(cudaMemcpy(y.data(), dy.p, y.size() * sizeof(float), cudaMemcpyDeviceToHost));
    out->kernel_used = dt == DType::F32 ? "fp32" : (kernel != 1 && gemm_pipe_fits(g)) ? "pipelined" : "simple";
    double worst = 0.0, peak = 0.0;
    std::vector<double> acc(N);
    for (int r = 0; r < M; ++r) {
        const float* xr = x.data() + (std::size_t)in_map(r) * ldx;
        for (int c = 0; c < N; ++c) {
            double s = b[c];
            const float* wr = w.data() + (std::size_t)c * K;
            for (int k = 0; k < K; ++k) s += (double)xr[k] * wr[k];
            acc[c] = s;
        }
        for (int c = 0; c < N_out; ++c) {
            double ref;
            if (mode == kSwiglu) ref = acc[2 * c] * (acc[2 * c + 1] / (1.0 + std::exp(-acc[2 * c + 1])));
            else if (mode == kGeglu) ref = epilogue(kGelu, acc[2 * c], 0) * acc[2 * c + 1];
            else ref = epilogue(mode, acc[c], y0[(std::size_t)r * N + c]);
            const double got = y[(std::size_t)out_map(r) * ldy + c];
            worst = std::max(worst, std::isfinite(got) ? std::fabs(got - ref) : INFINITY);
            peak = std::max(peak, std::fabs(ref));
        }
    }
    // Everything the GEMM was not meant to write still holds the poison.
    std::vector<char> written(y.size(), 0);
    for (int r = 0; r < M; ++r)
        for (int c = 0; c < N_out; ++c) written[(std::size_t)out_map(r) * ldy + c] = 1;
    for (std::size_t i = 0; i < y.size(); ++i)
        if (!written[i] && !std::isnan(y[i])) worst = INFINITY;
    out->rel_err = worst / std::max(peak, 1e-30);
    return "";
}

}  // namespace bewo::cuda_nn
