// The CPU kernels' other instruction-set paths (AVX2+FMA, plain C++) against their float64
// references: the package is built for the building CPU (-march=native), so these paths are
// compiled and checked separately by python_tests/test_kernel_isas.py. Prints three errors.
#include <cmath>
#include <cstdio>
#include <random>
#include <atomic>
#include <vector>
#include "nn/threadpool.h"
#include "nn/attention.h"
#include "nn/ops.h"
using namespace bewo::nn;
int main() {
    std::mt19937 g(3); std::normal_distribution<float> N;
    int m = 37, k = 77, n = 53;
    std::vector<float> x(m * k), W(n * k), b(n), y(m * n), r(m * n);
    for (auto* a : {&x, &W, &b}) for (auto& v : *a) v = N(g);
    linear(x.data(), W.data(), b.data(), y.data(), m, k, n, nullptr);
    linear_reference(x.data(), W.data(), b.data(), r.data(), m, k, n);
    double e = 0, mx = 0; for (int i = 0; i < m * n; ++i) { e = std::fmax(e, std::fabs(y[i] - r[i])); mx = std::fmax(mx, std::fabs(r[i])); }
    printf("linear rel %.2e\n", e / mx);
    int nq = 29, nk = 150, H = 3, d = 48, w = H * d;
    std::vector<float> q(nq * w), kk(nk * w), v(nk * w), o(nq * w), o2(nq * w);
    std::vector<unsigned char> mask(nk);
    for (auto* a : {&q, &kk, &v}) for (auto& t : *a) t = N(g);
    for (auto& t : mask) t = (g() % 3) != 0;
    AttentionShape s{nq, nk, H, d, w, w, w, w};
    attention(q.data(), kk.data(), v.data(), o.data(), s, mask.data(), 0, nullptr);
    attention_reference(q.data(), kk.data(), v.data(), o2.data(), s, mask.data(), 0);
    e = 0; mx = 0; for (int i = 0; i < nq * w; ++i) { e = std::fmax(e, std::fabs(o[i] - o2[i])); mx = std::fmax(mx, std::fabs(o2[i])); }
    printf("attention rel %.2e\n", e / mx);
    {  // two items in one call, each with its own mask and strides of a padded layout
        const int B = 2;
        const std::size_t qb = static_cast<std::size_t>(nq) * w + 5, kb = static_cast<std::size_t>(nk) * w + 3;
        std::vector<float> bq(B * qb), bk(B * kb), bv(B * kb), bo(B * qb, 0.f), bo2(B * qb, 0.f);
        std::vector<unsigned char> bm(B * (nk + 1));
        for (auto* a : {&bq, &bk, &bv}) for (auto& t : *a) t = N(g);
        for (auto& t : bm) t = (g() % 3) != 0;
        AttentionShape sb{nq, nk, H, d, w, w, w, w};
        sb.batch = B;
        sb.q_batch = sb.out_batch = qb;
        sb.k_batch = sb.v_batch = kb;
        sb.mask_batch = nk + 1;
        ThreadPool pool(2);
        attention(bq.data(), bk.data(), bv.data(), bo.data(), sb, bm.data(), 0, &pool);
        attention_reference(bq.data(), bk.data(), bv.data(), bo2.data(), sb, bm.data(), 0);
        e = 0; mx = 0; for (std::size_t i = 0; i < bo.size(); ++i) { e = std::fmax(e, std::fabs(bo[i] - bo2[i])); mx = std::fmax(mx, std::fabs(bo2[i])); }
        printf("batched attention rel %.2e\n", e / mx);
    }
    {  // y += x W^T + b against y0 + the reference
        PackedW p;
        pack_weights(W.data(), k, n, p);
        std::vector<float> y0(m * n);
        for (auto& t : y0) t = N(g);
        std::vector<float> ya = y0;
        linear_packed_acc(x.data(), p, b.data(), ya.data(), m, nullptr);
        e = 0; mx = 0; for (int i = 0; i < m * n; ++i) { e = std::fmax(e, std::fabs(ya[i] - (y0[i] + r[i]))); mx = std::fmax(mx, std::fabs(y0[i] + r[i])); }
        printf("linear acc rel %.2e\n", e / mx);
    }
    std::vector<float> z(1000); for (auto& t : z) t = N(g) * 5;
    std::vector<float> z2 = z; float sum = exp_shift_sum(z2.data(), z2.size(), 1.0f); double s2 = 0; for (float t : z) s2 += std::exp(double(t) - 1.0);
    printf("exp sum rel %.2e\n", std::fabs(sum - s2) / s2);
    // The thread pool: regions published right after construction (before the workers run)
    // and many short regions back to back must each cover [0, n) exactly once.
    long bad = 0;
    for (int p = 0; p < 200; ++p) {
        ThreadPool pool(1 + p % 4);
        for (int r = 0; r < 50; ++r) {
            const std::size_t n = 1 + (p * 7 + r * 13) % 97;
            std::vector<std::atomic<int>> hits(n);
            pool.parallel_for(n, [&](std::size_t b, std::size_t e) { for (std::size_t i = b; i < e; ++i) hits[i]++; });
            for (auto& h : hits) bad += h.load() != 1;
        }
    }
    printf("pool misses %ld\n", bad);
}
