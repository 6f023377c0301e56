#include "sa_dit.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "../../nn/attention.h"
#include "../../nn/ops.h"

namespace bewo::sa {

namespace {

using Shape = std::vector<std::int64_t>;

bool read_ln(nn::WeightReader& w, const std::string& key, int dim, std::vector<float>& g, std::vector<float>& b,
             std::string& err) {
    // stable-audio-tools' LayerNorm: gamma parameter and a stored (zero) beta buffer.
    if (!w.f32(key + ".gamma", {dim}, g, err)) return false;
    if (w.has(key + ".beta")) return w.f32(key + ".beta", {dim}, b, err);
    b.assign(dim, 0.0f);
    return true;
}

bool read_qk_norm(nn::WeightReader& w, const std::string& key, int dh, std::vector<float>& g, std::vector<float>& b,
                  std::string& err) {
    return w.f32(key + ".weight", {dh}, g, err) && w.f32(key + ".bias", {dh}, b, err);
}

void silu_inplace(float* x, std::size_t n) { nn::silu(x, n); }

// Per-head LayerNorm over head_dim for rows of (n, heads * dh) at stride `stride`.
void head_norm(float* x, int n, int heads, int dh, int stride, const float* g, const float* b, nn::ThreadPool* pool) {
    nn::parallel(pool, static_cast<std::size_t>(n), [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r)
            for (int h = 0; h < heads; ++h) {
                float* v = x + r * stride + h * dh;
                nn::layer_norm(v, g, b, v, 1, dh, 1e-6f);
            }
    });
}

// Non-interleaved partial RoPE: dims [0, rot) of each head, pairs (i, i + rot/2).
void rope_rotate(float* x, int n, int heads, int dh, int stride, const float* cs, int rot) {
    const int half = rot / 2;
    for (int r = 0; r < n; ++r) {
        const float* c = cs + static_cast<std::size_t>(r) * rot;  // cos[half] | sin[half]
        for (int h = 0; h < heads; ++h) {
            float* v = x + static_cast<std::size_t>(r) * stride + h * dh;
            for (int i = 0; i < half; ++i) {
                const float a = v[i], b = v[i + half];
                v[i] = a * c[i] - b * c[half + i];
                v[i + half] = b * c[i] + a * c[half + i];
            }
        }
    }
}

}  // namespace

bool load_sa_dit(nn::WeightReader& w, const DitSpec& spec, bool has_cross, bool has_global, DitWeightsSA& o,
                 std::string& err) {
    o = DitWeightsSA();
    o.spec = spec;
    o.has_cross = has_cross;
    o.has_global = has_global && spec.global_cond_dim > 0;
    const int E = spec.embed_dim, C = spec.io_channels, dh = spec.head_dim(), Ce = spec.cond_embed_dim();
    const std::string p = "model.model.";
    if (!w.f32(p + "timestep_features.weight", {128, 1}, o.fourier, err) ||
        !w.linear(p + "to_timestep_embed.0", 256, E, true, o.t_embed0, err) ||
        !w.linear(p + "to_timestep_embed.2", E, E, true, o.t_embed2, err))
        return false;
    if (has_cross && (!w.linear(p + "to_cond_embed.0", spec.cond_token_dim, Ce, false, o.cond0, err) ||
                      !w.linear(p + "to_cond_embed.2", Ce, Ce, false, o.cond2, err)))
        return false;
    if (o.has_global) {
        const int Ge = spec.project_global_cond ? E : spec.global_cond_dim;
        if (!w.linear(p + "to_global_embed.0", spec.global_cond_dim, Ge, false, o.glob0, err) ||
            !w.linear(p + "to_global_embed.2", Ge, Ge, false, o.glob2, err))
            return false;
    }
    std::vector<float> conv;
    if (!w.f32(p + "preprocess_conv.weight", {C, C, 1}, conv, err)) return false;
    nn::pack_weights(conv.data(), C, C, o.pre_conv.w);
    if (!w.f32(p + "postprocess_conv.weight", {C, C, 1}, conv, err)) return false;
    nn::pack_weights(conv.data(), C, C, o.post_conv.w);
    const std::string t = p + "transformer.";
    if (!w.linear(t + "project_in", C, E, false, o.project_in, err) ||
        !w.linear(t + "project_out", E, C, false, o.project_out, err))
        return false;
    const int rot = std::max(dh / 2, 32);
    if (rot > dh) { err = "head size " + std::to_string(dh) + " is below the rotary width 32"; return false; }
    if (!w.f32(t + "rotary_pos_emb.inv_freq", {rot / 2}, o.inv_freq, err)) return false;
    o.layers.resize(spec.depth);
    const bool qk = spec.qk_norm == "ln";
    for (int i = 0; i < spec.depth; ++i) {
        const std::string l = t + "layers." + std::to_string(i) + ".";
        DitLayer& L = o.layers[i];
        if (!read_ln(w, l + "pre_norm", E, L.ln1_g, L.ln1_b, err) ||
            !w.linear(l + "self_attn.to_qkv", E, 3 * E, false, L.qkv, err) ||
            !w.linear(l + "self_attn.to_out", E, E, false, L.self_out, err) ||
            !read_ln(w, l + "ff_norm", E, L.ln3_g, L.ln3_b, err) ||
            !w.linear(l + "ff.ff.0.proj", E, 8 * E, true, L.ff_in, err) ||
            !w.linear(l + "ff.ff.2", 4 * E, E, true, L.ff_out, err))
            return false;
        if (qk && (!read_qk_norm(w, l + "self_attn.q_norm", dh, L.sq_g, L.sq_b, err) ||
                   !read_qk_norm(w, l + "self_attn.k_norm", dh, L.sk_g, L.sk_b, err)))
            return false;
        if (has_cross) {
            if (!read_ln(w, l + "cross_attend_norm", E, L.ln2_g, L.ln2_b, err) ||
                !w.linear(l + "cross_attn.to_q", E, E, false, L.cross_q, err) ||
                !w.linear(l + "cross_attn.to_kv", Ce, 2 * Ce, false, L.cross_kv, err) ||
                !w.linear(l + "cross_attn.to_out", E, E, false, L.cross_out, err))
                return false;
            if (qk && (!read_qk_norm(w, l + "cross_attn.q_norm", dh, L.cq_g, L.cq_b, err) ||
                       !read_qk_norm(w, l + "cross_attn.k_norm", dh, L.ck_g, L.ck_b, err)))
                return false;
        }
    }
    return true;
}

void sa_cross_kv(const DitWeightsSA& w, const float* ctx, int batch, int n_ctx, std::vector<float>& kv,
                 nn::ThreadPool* pool) {
    const DitSpec& s = w.spec;
    const int E = s.embed_dim, Ce = s.cond_embed_dim(), dh = s.head_dim(), H = s.num_heads, KH = s.kv_heads();
    const int depth = static_cast<int>(w.layers.size());
    const int ratio = H / KH;
    kv.assign(static_cast<std::size_t>(batch) * depth * n_ctx * 2 * E, 0.0f);
    const std::size_t rows = static_cast<std::size_t>(batch) * n_ctx;
    std::vector<float> c(rows * Ce), c2(rows * Ce), kvr(rows * 2 * Ce);
    w.cond0.apply(ctx, c.data(), static_cast<int>(rows), pool);
    silu_inplace(c.data(), c.size());
    w.cond2.apply(c.data(), c2.data(), static_cast<int>(rows), pool);
    for (int l = 0; l < depth; ++l) {
        const DitLayer& L = w.layers[l];
        L.cross_kv.apply(c2.data(), kvr.data(), static_cast<int>(rows), pool);
        if (!L.ck_g.empty()) head_norm(kvr.data(), static_cast<int>(rows), KH, dh, 2 * Ce, L.ck_g.data(), L.ck_b.data(), pool);
        for (int b = 0; b < batch; ++b)
            for (int j = 0; j < n_ctx; ++j) {
                const float* src = kvr.data() + (static_cast<std::size_t>(b) * n_ctx + j) * 2 * Ce;
                float* dst = kv.data() + ((static_cast<std::size_t>(b) * depth + l) * n_ctx + j) * 2 * E;
                // Query head h reads key/value head h / ratio (repeat_interleave in the reference).
                for (int h = 0; h < H; ++h) {
                    std::memcpy(dst + h * dh, src + (h / ratio) * dh, dh * sizeof(float));
                    std::memcpy(dst + E + h * dh, src + Ce + (h / ratio) * dh, dh * sizeof(float));
                }
            }
    }
}

void sa_dit_forward(const DitWeightsSA& w, const float* x, int batch, int T, const float* t, const float* cross_kv,
                    int n_ctx, const float* global, float* v, DitScratchSA& s, nn::ThreadPool* pool) {
    const DitSpec& sp = w.spec;
    const int E = sp.embed_dim, C = sp.io_channels, H = sp.num_heads, dh = sp.head_dim();
    const int N = T + 1, depth = static_cast<int>(w.layers.size());
    const int rot = 2 * static_cast<int>(w.inv_freq.size());
    const std::size_t rows = static_cast<std::size_t>(batch) * N;
    s.h.resize(rows * E);
    s.hn.resize(rows * E);
    s.qkv.resize(rows * 3 * E);
    s.att.resize(rows * E);
    s.ff.resize(rows * 8 * E);
    s.gated.resize(rows * 4 * E);
    s.tmp.resize(std::max<std::size_t>(static_cast<std::size_t>(batch) * T * C * 2, static_cast<std::size_t>(batch) * 2 * E));
    if (s.rope_n != N) {
        // As the reference: positions as float32, angles pos * inv_freq in float32, cos/sin of those.
        s.rope_cs.resize(static_cast<std::size_t>(N) * rot);
        const int half = rot / 2;
        for (int r = 0; r < N; ++r)
            for (int i = 0; i < half; ++i) {
                const float ang = static_cast<float>(r) * w.inv_freq[i];
                s.rope_cs[static_cast<std::size_t>(r) * rot + i] = std::cos(ang);
                s.rope_cs[static_cast<std::size_t>(r) * rot + half + i] = std::sin(ang);
            }
        s.rope_n = N;
    }
    // The prepended token: to_global_embed(global) + to_timestep_embed(fourier(t)).
    std::vector<float> feat(static_cast<std::size_t>(batch) * 256), te(static_cast<std::size_t>(batch) * E),
        tok(static_cast<std::size_t>(batch) * E);
    for (int b = 0; b < batch; ++b)
        for (int i = 0; i < 128; ++i) {
            const float f = 2.0f * static_cast<float>(M_PI) * t[b] * w.fourier[i];
            feat[b * 256 + i] = std::cos(f);
            feat[b * 256 + 128 + i] = std::sin(f);
        }
    w.t_embed0.apply(feat.data(), te.data(), batch, pool);
    silu_inplace(te.data(), te.size());
    w.t_embed2.apply(te.data(), tok.data(), batch, pool);
    if (w.has_global && global) {
        const int Ge = w.glob0.out;
        std::vector<float> g(static_cast<std::size_t>(batch) * Ge);
        w.glob0.apply(global, g.data(), batch, pool);
        silu_inplace(g.data(), g.size());
        w.glob2.apply_acc(g.data(), tok.data(), batch, pool);
    }
    // x (C, T) -> tokens: preprocess_conv(x) + x, then project_in; token 0 is the prepended one.
    float* xt = s.tmp.data();  // (batch * T, C)
    for (int b = 0; b < batch; ++b)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < T; ++i)
                xt[(static_cast<std::size_t>(b) * T + i) * C + c] = x[(static_cast<std::size_t>(b) * C + c) * T + i];
    std::vector<float> xt2(xt, xt + static_cast<std::size_t>(batch) * T * C);
    w.pre_conv.apply_acc(xt, xt2.data(), batch * T, pool);
    for (int b = 0; b < batch; ++b) {
        float* hb = s.h.data() + static_cast<std::size_t>(b) * N * E;
        std::memcpy(hb, tok.data() + static_cast<std::size_t>(b) * E, E * sizeof(float));
        w.project_in.apply(xt2.data() + static_cast<std::size_t>(b) * T * C, hb + E, T, pool);
    }
    nn::AttentionShape self{N, N, H, dh, 3 * E, 3 * E, 3 * E, E};
    self.batch = batch;
    self.q_batch = self.k_batch = self.v_batch = static_cast<std::size_t>(N) * 3 * E;
    self.out_batch = static_cast<std::size_t>(N) * E;
    nn::AttentionShape cross{N, n_ctx, H, dh, E, 2 * E, 2 * E, E};
    cross.batch = batch;
    cross.q_batch = cross.out_batch = static_cast<std::size_t>(N) * E;
    cross.k_batch = cross.v_batch = static_cast<std::size_t>(depth) * n_ctx * 2 * E;
    const int R = static_cast<int>(rows);
    for (int l = 0; l < depth; ++l) {
        const DitLayer& L = w.layers[l];
        // Self-attention.
        nn::layer_norm(s.h.data(), L.ln1_g.data(), L.ln1_b.data(), s.hn.data(), R, E, 1e-5f, pool);
        L.qkv.apply(s.hn.data(), s.qkv.data(), R, pool);
        if (!L.sq_g.empty()) {
            head_norm(s.qkv.data(), R, H, dh, 3 * E, L.sq_g.data(), L.sq_b.data(), pool);
            head_norm(s.qkv.data() + E, R, H, dh, 3 * E, L.sk_g.data(), L.sk_b.data(), pool);
        }
        for (int b = 0; b < batch; ++b) {
            float* base = s.qkv.data() + static_cast<std::size_t>(b) * N * 3 * E;
            rope_rotate(base, N, H, dh, 3 * E, s.rope_cs.data(), rot);
            rope_rotate(base + E, N, H, dh, 3 * E, s.rope_cs.data(), rot);
        }
        nn::attention(s.qkv.data(), s.qkv.data() + E, s.qkv.data() + 2 * E, s.att.data(), self, nullptr, 0.0f, pool);
        L.self_out.apply_acc(s.att.data(), s.h.data(), R, pool);
        // Cross-attention (keys and values precomputed).
        if (w.has_cross && cross_kv && n_ctx > 0) {
            nn::layer_norm(s.h.data(), L.ln2_g.data(), L.ln2_b.data(), s.hn.data(), R, E, 1e-5f, pool);
            L.cross_q.apply(s.hn.data(), s.qkv.data(), R, pool);
            if (!L.cq_g.empty()) head_norm(s.qkv.data(), R, H, dh, E, L.cq_g.data(), L.cq_b.data(), pool);
            const float* kvl = cross_kv + static_cast<std::size_t>(l) * n_ctx * 2 * E;
            nn::attention(s.qkv.data(), kvl, kvl + E, s.att.data(), cross, nullptr, 0.0f, pool);
            L.cross_out.apply_acc(s.att.data(), s.h.data(), R, pool);
        }
        // SwiGLU feed-forward.
        nn::layer_norm(s.h.data(), L.ln3_g.data(), L.ln3_b.data(), s.hn.data(), R, E, 1e-5f, pool);
        L.ff_in.apply(s.hn.data(), s.ff.data(), R, pool);
        const int F = 4 * E;
        // value * SiLU(gate), written contiguously as the output projection's input.
        nn::parallel(pool, rows, [&](std::size_t r0, std::size_t r1) {
            for (std::size_t r = r0; r < r1; ++r) {
                const float* a = s.ff.data() + r * 2 * F;
                float* g = s.ff.data() + r * 2 * F + F;
                nn::silu(g, F);
                float* o = s.gated.data() + r * F;
                for (int i = 0; i < F; ++i) o[i] = a[i] * g[i];
            }
        });
        L.ff_out.apply_acc(s.gated.data(), s.h.data(), R, pool);
    }
    // project_out, drop the prepended token, (T, C) -> (C, T), postprocess_conv(out) + out.
    std::vector<float> o(static_cast<std::size_t>(batch) * T * C), o2;
    for (int b = 0; b < batch; ++b)
        w.project_out.apply(s.h.data() + (static_cast<std::size_t>(b) * N + 1) * E, o.data() + static_cast<std::size_t>(b) * T * C, T, pool);
    o2 = o;
    w.post_conv.apply_acc(o.data(), o2.data(), batch * T, pool);
    for (int b = 0; b < batch; ++b)
        for (int i = 0; i < T; ++i)
            for (int c = 0; c < C; ++c)
                v[(static_cast<std::size_t>(b) * C + c) * T + i] = o2[(static_cast<std::size_t>(b) * T + i) * C + c];
}

}  // namespace bewo::sa
