#include "position_conditioner.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "../../nn/attention.h"
#include "../../nn/ops.h"

namespace bewo::sa {

namespace {

int dir_row(double d) { return static_cast<int>((d - 1.0) * 4.0); }

// Sinusoidal positional encoding: sin on even dims, cos on odd, 10000^(-2i/D).
void add_pe(float* x, int n, int D) {
    for (int p = 0; p < n; ++p)
        for (int i = 0; i < D; i += 2) {
            const double div = std::exp(-(std::log(10000.0) * i) / D);
            x[static_cast<std::size_t>(p) * D + i] += static_cast<float>(std::sin(p * div));
            if (i + 1 < D) x[static_cast<std::size_t>(p) * D + i + 1] += static_cast<float>(std::cos(p * div));
        }
}

}  // namespace

bool position_matrix(double start_dir, double end_dir, double speed, double flag, std::vector<double>& m,
                     std::string& err) {
    if (!(start_dir >= 1.0 && start_dir <= 5.0) || !(end_dir >= 1.0 && end_dir <= 5.0)) {
        err = "BEWO directions must be within 1 (left) .. 5 (right)";
        return false;
    }
    if (!std::isfinite(speed) || std::fabs(speed) > 1.0) {
        err = "BEWO speed must be within -1 .. 1";
        return false;
    }
    m.assign(static_cast<std::size_t>(kPosRows) * kPosCols, 0.0);
    const int rb = dir_row(start_dir), re = dir_row(end_dir);
    auto set = [&](int col, int row) { m[static_cast<std::size_t>(row) * kPosCols + col] = 1.0; };
    if (start_dir == end_dir || speed == 0.0) {
        for (int c = 0; c < kPosCols; ++c) set(c, rb);
    } else if (speed < 0) {
        const int cut = static_cast<int>(std::floor(kPosCols * std::fabs(speed)));
        for (int c = 0; c < kPosCols; ++c) set(c, c < cut ? rb : re);
    } else {
        const int n = static_cast<int>(kPosCols * speed), f = (kPosCols - n) / 2;
        for (int c = 0; c < f; ++c) set(c, rb);
        // torch.linspace(rb, re, n, dtype=int64): double steps from both ends, each value one
        // fused multiply-add (as torch's vectorised CPU kernels compute it), truncated.
        const double step = n > 1 ? double(re - rb) / (n - 1) : 0.0;
        for (int i = 0; i < n; ++i) {
            const double v = n == 1 ? double(rb) : i < n / 2 ? std::fma(step, double(i), double(rb)) : std::fma(-step, double(n - 1 - i), double(re));
            set(f + i, static_cast<int>(v));
        }
        for (int c = f + n; c < kPosCols; ++c) set(c, re);
    }
    if (flag != 0.0) {
        for (int c = 0; c < kPosCols; ++c) {
            int am = 0;
            for (int r = 1; r < kPosRows; ++r)
                if (m[static_cast<std::size_t>(r) * kPosCols + c] > m[static_cast<std::size_t>(am) * kPosCols + c]) am = r;
            double g[kPosRows], sum = 0;
            for (int r = 0; r < kPosRows; ++r) {
                g[r] = std::exp(-0.5 * (r - am) * (r - am));
                sum += g[r];
            }
            for (int r = 0; r < kPosRows; ++r) m[static_cast<std::size_t>(r) * kPosCols + c] = g[r] / sum;
        }
    }
    return true;
}

bool PositionConditioner::load(nn::WeightReader& w, const ConditionerSpec& spec, int text_tokens, std::string& err) {
    dim_ = spec.output_dim;
    text_tokens_ = text_tokens;
    const std::string p = "conditioner.conditioners." + spec.id + ".cross_a2t.";
    const int D = dim_;
    blocks_.clear();
    for (int i = 0;; ++i) {
        const std::string b = p + "transformer_blocks." + std::to_string(i) + ".";
        if (!w.has(b + "t2a.query_embedding.weight")) break;
        Block B;
        if (!w.linear(b + "t2a.query_embedding", D, D, true, B.q, err) ||
            !w.linear(b + "t2a.key_embedding", D, D, true, B.k, err) ||
            !w.linear(b + "t2a.value_embedding", D, D, true, B.v, err) ||
            !w.linear(b + "t2a.out_projection", D, D, true, B.out, err) || !w.f32(b + "layer_norm1.weight", {D}, B.ln1_g, err) ||
            !w.f32(b + "layer_norm1.bias", {D}, B.ln1_b, err) || !w.f32(b + "layer_norm2.weight", {D}, B.ln2_g, err) ||
            !w.f32(b + "layer_norm2.bias", {D}, B.ln2_b, err))
            return false;
        const auto* fs = w.shape(b + "feed_forward.0.weight");
        if (!fs || fs->size() != 2 || (*fs)[1] != D) { err = w.file() + ": tensor \"" + b + "feed_forward.0.weight\" is missing or misshapen"; return false; }
        const int F = static_cast<int>((*fs)[0]);
        if (!w.linear(b + "feed_forward.0", D, F, true, B.ff0, err) || !w.linear(b + "feed_forward.2", F, D, true, B.ff2, err))
            return false;
        blocks_.push_back(std::move(B));
    }
    if (blocks_.empty()) { err = w.file() + ": tensor \"" + p + "transformer_blocks.0.t2a.query_embedding.weight\" is missing"; return false; }
    if (D % heads_) { err = "the position conditioner's width must be a multiple of 4 heads"; return false; }
    w.ignore_prefix(p + "embedding.");  // built by BEWO's module, never used in its forward
    return w.linear(p + "output_layer", D, D, true, output_, err);
}

bool PositionConditioner::forward(const float* t5, const std::uint8_t* /*mask*/, int batch, int n,
                                  const float* positions, const int* n_positions, std::vector<float>& out, int& tokens,
                                  std::string& err, nn::ThreadPool* pool) const {
    const int D = dim_, S = kPosRows * kPosSources, dh = D / heads_;
    tokens = n;
    out.assign(static_cast<std::size_t>(batch) * n * D, 0.0f);
    std::vector<float> src(static_cast<std::size_t>(S) * D), tgt(static_cast<std::size_t>(n) * D), q(tgt.size()),
        k(src.size()), v(src.size()), att(tgt.size()), h(tgt.size()), ff;
    std::vector<double> m;
    for (int b = 0; b < batch; ++b) {
        std::fill(src.begin(), src.end(), 0.0f);
        const int ns = n_positions ? n_positions[b] : 0;
        if (ns < 0 || ns > kPosSources) { err = "BEWO's position conditioner takes at most 4 sources"; return false; }
        for (int s = 0; s < ns; ++s) {
            const float* t = positions + (static_cast<std::size_t>(b) * kPosSources + s) * 4;
            if (!position_matrix(t[0], t[1], t[2], t[3], m, err)) return false;
            for (std::size_t i = 0; i < m.size(); ++i) src[static_cast<std::size_t>(s) * kPosRows * D + i] = static_cast<float>(m[i]);
        }
        add_pe(src.data(), S, D);
        std::memcpy(tgt.data(), t5 + static_cast<std::size_t>(b) * n * D, tgt.size() * sizeof(float));
        add_pe(tgt.data(), n, D);
        for (const Block& B : blocks_) {
            B.q.apply(tgt.data(), q.data(), n, pool);
            B.k.apply(src.data(), k.data(), S, pool);
            B.v.apply(src.data(), v.data(), S, pool);
            nn::AttentionShape sh{n, S, heads_, dh, D, D, D, D};
            nn::attention(q.data(), k.data(), v.data(), att.data(), sh, nullptr, 0.0f, pool);
            std::memcpy(h.data(), tgt.data(), h.size() * sizeof(float));
            B.out.apply_acc(att.data(), h.data(), n, pool);
            nn::layer_norm(h.data(), B.ln1_g.data(), B.ln1_b.data(), h.data(), n, D, 1e-5f, pool);
            ff.resize(static_cast<std::size_t>(n) * B.ff0.out);
            B.ff0.apply(h.data(), ff.data(), n, pool);
            for (float& x : ff) x = x > 0.0f ? x : 0.0f;
            B.ff2.apply_acc(ff.data(), h.data(), n, pool);
            nn::layer_norm(h.data(), B.ln2_g.data(), B.ln2_b.data(), tgt.data(), n, D, 1e-5f, pool);
        }
        output_.apply(tgt.data(), out.data() + static_cast<std::size_t>(b) * n * D, n, pool);
    }
    return true;
}

}  // namespace bewo::sa
