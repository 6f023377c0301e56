#include "dit.h"

#include <cmath>
#include <cstring>

#include "attention.h"

namespace bewo::nn {

namespace {

using Shape = std::vector<std::int64_t>;

bool get_linear(const SafeTensors& st, const std::string& name, int in, int out, LinearW& l, std::string& err) {
    l.in = in;
    l.out = out;
    if (!st.get_f32(name + ".weight", Shape{out, in}, l.w, err) || !st.get_f32(name + ".bias", Shape{out}, l.b, err))
        return false;
    pack_weights(l.w.data(), in, out, l.packed);
    return true;
}

bool get_norm(const SafeTensors& st, const std::string& name, int dim, NormW& n, std::string& err) {
    return st.get_f32(name + ".weight", Shape{dim}, n.g, err) && st.get_f32(name + ".bias", Shape{dim}, n.b, err);
}

bool get_attn(const SafeTensors& st, const std::string& name, int dim, AttnW& a, std::string& err) {
    return get_linear(st, name + ".q", dim, dim, a.q, err) && get_linear(st, name + ".kv", dim, 2 * dim, a.kv, err) &&
           get_linear(st, name + ".out", dim, dim, a.out, err);
}

inline void apply(const LinearW& l, const float* x, float* y, int rows, ThreadPool* pool) {
    linear_packed(x, l.packed, l.b.data(), y, rows, pool);
}

// y += x . W + b: the residual connection fused into the layer.
inline void apply_add(const LinearW& l, const float* x, float* y, int rows, ThreadPool* pool) {
    linear_packed_acc(x, l.packed, l.b.data(), y, rows, pool);
}

inline void norm(const NormW& n, const float* x, float* y, int rows, int dim, ThreadPool* pool = nullptr) {
    layer_norm(x, n.g.data(), n.b.data(), y, rows, dim, 1e-5f, pool);
}

}  // namespace

bool load_dit(const SafeTensors& st, const DitConfig& cfg, DitWeights& w, std::string& err) {
    w = DitWeights();
    w.cfg = cfg;
    const int d = cfg.width, C = cfg.latent_channels;
    if (d <= 0 || cfg.heads <= 0 || d % cfg.heads || (d / cfg.heads) % 2 || d / cfg.heads > 256) {
        err = "dit_width must be a multiple of dit_heads with an even head size <= 256";
        return false;
    }
    if (!get_linear(st, "dit.x_in", C, d, w.x_in, err) || !get_linear(st, "dit.t_mlp.0", d, d, w.t_mlp0, err) ||
        !get_linear(st, "dit.t_mlp.2", d, d, w.t_mlp2, err) || !get_norm(st, "dit.text_proj.0", cfg.text_dim, w.text_norm, err) ||
        !get_linear(st, "dit.text_proj.1", cfg.text_dim, d, w.text_proj, err) ||
        !st.get_f32("dit.null_ctx", Shape{1, d}, w.null_ctx, err) || !get_norm(st, "dit.norm_out", d, w.norm_out, err) ||
        !get_linear(st, "dit.x_out", d, C, w.x_out, err))
        return false;
    if (cfg.fusion_bewo) {
        if (!get_linear(st, "fusion.row_proj", cfg.azimuth_columns, d, w.row_proj, err) ||
            !st.get_f32("fusion.row_embed", Shape{cfg.rows, d}, w.row_embed, err) ||
            !get_norm(st, "fusion.norm_q", d, w.norm_q, err) || !get_norm(st, "fusion.norm_kv", d, w.norm_kv, err) ||
            !get_attn(st, "fusion.attn", d, w.fusion_attn, err))
            return false;
    } else if (!get_linear(st, "fusion", cfg.rows, d, w.fusion_aligned, err)) {
        return false;
    }
    w.blocks.resize(cfg.depth);
    for (int i = 0; i < cfg.depth; ++i) {
        const std::string p = "dit.blocks." + std::to_string(i) + ".";
        BlockW& b = w.blocks[i];
        if (!get_norm(st, p + "n1", d, b.n1, err) || !get_norm(st, p + "n2", d, b.n2, err) ||
            !get_norm(st, p + "n3", d, b.n3, err) || !get_attn(st, p + "self_attn", d, b.self_attn, err) ||
            !get_attn(st, p + "cross_attn", d, b.cross_attn, err) || !get_linear(st, p + "mlp.0", d, 4 * d, b.mlp0, err) ||
            !get_linear(st, p + "mlp.2", 4 * d, d, b.mlp2, err))
            return false;
    }
    return true;
}

void dit_context(const DitWeights& w, const float* text, int n_text, const float* state, bool cond,
                 std::vector<float>& ctx, std::vector<std::uint8_t>& mask, ThreadPool* pool) {
    const int d = w.cfg.width;
    const bool bewo = w.cfg.fusion_bewo;
    const int n_ctx = 1 + n_text * (bewo ? 2 : 1);
    ctx.assign(static_cast<std::size_t>(n_ctx) * d, 0.0f);
    mask.assign(n_ctx, cond ? 1 : 0);
    mask[0] = 1;
    std::memcpy(ctx.data(), w.null_ctx.data(), sizeof(float) * d);
    std::vector<float> tn(static_cast<std::size_t>(n_text) * w.cfg.text_dim);
    norm(w.text_norm, text, tn.data(), n_text, w.cfg.text_dim);
    float* tok = ctx.data() + d;
    apply(w.text_proj, tn.data(), tok, n_text, pool);
    if (bewo) {
        const int rows = w.cfg.rows;
        std::vector<float> r(static_cast<std::size_t>(rows) * d), rn(r.size()), qn(static_cast<std::size_t>(n_text) * d);
        apply(w.row_proj, state, r.data(), rows, pool);
        for (std::size_t i = 0; i < r.size(); ++i) r[i] += w.row_embed[i];
        norm(w.norm_kv, r.data(), rn.data(), rows, d);
        norm(w.norm_q, tok, qn.data(), n_text, d);
        std::vector<float> q(qn.size()), kv(static_cast<std::size_t>(rows) * 2 * d), att(qn.size());
        apply(w.fusion_attn.q, qn.data(), q.data(), n_text, pool);
        apply(w.fusion_attn.kv, rn.data(), kv.data(), rows, pool);
        AttentionShape s{n_text, rows, w.cfg.heads, d / w.cfg.heads, d, 2 * d, 2 * d, d};
        attention(q.data(), kv.data(), kv.data() + d, att.data(), s, nullptr, 0.0f, pool);
        apply(w.fusion_attn.out, att.data(), tok + static_cast<std::size_t>(n_text) * d, n_text, pool);
    }
}

void dit_cross_kv(const DitWeights& w, const float* ctx, int batch, int n_ctx, std::vector<float>& kv, ThreadPool* pool) {
    const int d = w.cfg.width, depth = w.cfg.depth;
    kv.assign(static_cast<std::size_t>(batch) * depth * n_ctx * 2 * d, 0.0f);
    for (int b = 0; b < batch; ++b)
        for (int l = 0; l < depth; ++l)
            apply(w.blocks[l].cross_attn.kv, ctx + static_cast<std::size_t>(b) * n_ctx * d,
                  kv.data() + (static_cast<std::size_t>(b) * depth + l) * n_ctx * 2 * d, n_ctx, pool);
}

void dit_forward(const DitWeights& w, const float* x, int batch, int frames, float t, const float* cross_kv,
                 int n_ctx, const std::uint8_t* ctx_mask, const float* state, const std::uint8_t* cond, float* v,
                 DitScratch& sc, ThreadPool* pool) {
    const DitConfig& cfg = w.cfg;
    const int d = cfg.width, C = cfg.latent_channels, n = frames + 1, hd = d / cfg.heads;
    const std::size_t rows = static_cast<std::size_t>(batch) * n;
    sc.h.resize(rows * d);
    sc.hn.resize(rows * d);
    sc.q.resize(rows * d);
    sc.kv.resize(rows * 2 * d);
    sc.att.resize(rows * d);
    sc.mlp.resize(rows * 4 * d);
    sc.tmp.resize(std::max<std::size_t>(static_cast<std::size_t>(frames) * std::max(C, cfg.rows), 2 * static_cast<std::size_t>(d)) +
                  static_cast<std::size_t>(frames) * d);

    // Timestep token, as timestep_embedding + t_mlp compute it (float32 throughout).
    std::vector<float> temb(d), t1(d), t2(d);
    const int half = d / 2;
    for (int i = 0; i < half; ++i) {
        float freq = std::exp(static_cast<float>(-std::log(10000.0)) * static_cast<float>(i) / static_cast<float>(half));
        float a = (1000.0f * t) * freq;
        temb[i] = std::cos(a);
        temb[half + i] = std::sin(a);
    }
    apply(w.t_mlp0, temb.data(), t1.data(), 1, nullptr);
    silu(t1.data(), d);
    apply(w.t_mlp2, t1.data(), t2.data(), 1, nullptr);

    float* xt = sc.tmp.data();
    float* proj = sc.tmp.data() + static_cast<std::size_t>(frames) * std::max(C, cfg.rows);
    for (int b = 0; b < batch; ++b) {
        float* hb = sc.h.data() + static_cast<std::size_t>(b) * n * d;
        std::memcpy(hb, t2.data(), sizeof(float) * d);
        const float* xb = x + static_cast<std::size_t>(b) * C * frames;
        for (int c = 0; c < C; ++c)
            for (int f = 0; f < frames; ++f) xt[static_cast<std::size_t>(f) * C + c] = xb[static_cast<std::size_t>(c) * frames + f];
        apply(w.x_in, xt, hb + d, frames, pool);
        if (!cfg.fusion_bewo && cond[b]) {
            const float* sb = state + static_cast<std::size_t>(b) * cfg.rows * frames;
            for (int r = 0; r < cfg.rows; ++r)
                for (int f = 0; f < frames; ++f) xt[static_cast<std::size_t>(f) * cfg.rows + r] = sb[static_cast<std::size_t>(r) * frames + f];
            apply(w.fusion_aligned, xt, proj, frames, pool);
            for (std::size_t i = 0; i < static_cast<std::size_t>(frames) * d; ++i) hb[d + i] += proj[i];
        }
    }

    if (sc.rope_n != n) {  // the angles depend only on the length: computed once per clip length
        rope_table(n, hd, 0, sc.rope_cs);
        sc.rope_n = n;
    }
    for (int l = 0; l < cfg.depth; ++l) {
        const BlockW& bw = w.blocks[l];
        // Self-attention with RoPE over the timestep token and the frames.
        norm(bw.n1, sc.h.data(), sc.hn.data(), static_cast<int>(rows), d, pool);
        apply(bw.self_attn.q, sc.hn.data(), sc.q.data(), static_cast<int>(rows), pool);
        apply(bw.self_attn.kv, sc.hn.data(), sc.kv.data(), static_cast<int>(rows), pool);
        for (int b = 0; b < batch; ++b) {
            rope_apply(sc.q.data() + static_cast<std::size_t>(b) * n * d, n, cfg.heads, hd, d, sc.rope_cs.data());
            rope_apply(sc.kv.data() + static_cast<std::size_t>(b) * n * 2 * d, n, cfg.heads, hd, 2 * d, sc.rope_cs.data());
        }
        {
            AttentionShape s{n, n, cfg.heads, hd, d, 2 * d, 2 * d, d};
            s.batch = batch;
            s.q_batch = s.out_batch = static_cast<std::size_t>(n) * d;
            s.k_batch = s.v_batch = static_cast<std::size_t>(n) * 2 * d;
            attention(sc.q.data(), sc.kv.data(), sc.kv.data() + d, sc.att.data(), s, nullptr, 0.0f, pool);
        }
        apply_add(bw.self_attn.out, sc.att.data(), sc.h.data(), static_cast<int>(rows), pool);
        // Cross-attention to the (cached) context keys/values.
        norm(bw.n2, sc.h.data(), sc.hn.data(), static_cast<int>(rows), d, pool);
        apply(bw.cross_attn.q, sc.hn.data(), sc.q.data(), static_cast<int>(rows), pool);
        {
            const float* kvl = cross_kv + static_cast<std::size_t>(l) * n_ctx * 2 * d;
            AttentionShape s{n, n_ctx, cfg.heads, hd, d, 2 * d, 2 * d, d};
            s.batch = batch;
            s.q_batch = s.out_batch = static_cast<std::size_t>(n) * d;
            s.k_batch = s.v_batch = static_cast<std::size_t>(cfg.depth) * n_ctx * 2 * d;
            s.mask_batch = static_cast<std::size_t>(n_ctx);
            attention(sc.q.data(), kvl, kvl + d, sc.att.data(), s, ctx_mask, 0.0f, pool);
        }
        apply_add(bw.cross_attn.out, sc.att.data(), sc.h.data(), static_cast<int>(rows), pool);
        // MLP.
        norm(bw.n3, sc.h.data(), sc.hn.data(), static_cast<int>(rows), d, pool);
        apply(bw.mlp0, sc.hn.data(), sc.mlp.data(), static_cast<int>(rows), pool);
        gelu_tanh(sc.mlp.data(), rows * 4 * d, pool);
        apply_add(bw.mlp2, sc.mlp.data(), sc.h.data(), static_cast<int>(rows), pool);
    }

    for (int b = 0; b < batch; ++b) {
        const float* hb = sc.h.data() + (static_cast<std::size_t>(b) * n + 1) * d;  // frames only
        norm(w.norm_out, hb, sc.hn.data(), frames, d);
        apply(w.x_out, sc.hn.data(), xt, frames, pool);
        float* vb = v + static_cast<std::size_t>(b) * C * frames;
        for (int c = 0; c < C; ++c)
            for (int f = 0; f < frames; ++f) vb[static_cast<std::size_t>(c) * frames + f] = xt[static_cast<std::size_t>(f) * C + c];
    }
}

}  // namespace bewo::nn
