#include "t5.h"

#include <algorithm>
#include <cmath>

#include "../../nn/json.h"
#include "../../nn/read_file.h"

namespace bewo::sa {

namespace {

void rms_norm(const float* x, const float* w, float* y, int rows, int dim, float eps) {
    for (int r = 0; r < rows; ++r) {
        const float* xr = x + static_cast<std::size_t>(r) * dim;
        float* yr = y + static_cast<std::size_t>(r) * dim;
        double ss = 0;
        for (int i = 0; i < dim; ++i) ss += double(xr[i]) * xr[i];
        const float inv = 1.0f / std::sqrt(static_cast<float>(ss / dim) + eps);
        for (int i = 0; i < dim; ++i) yr[i] = w[i] * (xr[i] * inv);
    }
}

float gelu_new(float x) {
    return 0.5f * x * (1.0f + std::tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
}

}  // namespace

int t5_relative_bucket(int rel, int buckets, int max_distance) {
    // Bidirectional: half the buckets for keys after the query. Exact buckets below max_exact,
    // then logarithmic up to max_distance; the log in float32 and truncated, as torch does.
    const int half = buckets / 2;
    int ret = rel > 0 ? half : 0;
    const int n = std::abs(rel);
    const int max_exact = half / 2;
    if (n < max_exact) return ret + n;
    const float v = std::log(static_cast<float>(n) / static_cast<float>(max_exact)) /
                    static_cast<float>(std::log(static_cast<double>(max_distance) / max_exact)) *
                    static_cast<float>(half - max_exact);
    int large = max_exact + static_cast<int>(v);
    return ret + std::min(large, half - 1);
}

bool T5Encoder::load(const std::string& dir, const std::string& weights, std::string& err) {
    std::string text;
    if (!nn::read_text_file(dir + "/config.json", text)) { err = "T5 folder " + dir + " has no readable config.json"; return false; }
    json::Value root;
    if (!json::parse(text.data(), text.size(), root, err) || root.kind != json::Value::Object) {
        err = dir + "/config.json is not a JSON object: " + err;
        return false;
    }
    auto geti = [&](const char* k, int def) {
        const json::Value* v = root.get(k);
        return v && v->is_int() ? static_cast<int>(v->num) : def;
    };
    cfg_.vocab_size = geti("vocab_size", 32128);
    cfg_.d_model = geti("d_model", 768);
    cfg_.d_kv = geti("d_kv", 64);
    cfg_.d_ff = geti("d_ff", 3072);
    cfg_.num_layers = geti("num_layers", 12);
    cfg_.num_heads = geti("num_heads", 12);
    cfg_.buckets = geti("relative_attention_num_buckets", 32);
    cfg_.max_distance = geti("relative_attention_max_distance", 128);
    if (const json::Value* e = root.get("layer_norm_epsilon"); e && e->kind == json::Value::Number)
        cfg_.eps = static_cast<float>(e->num);
    std::string ff = "relu";
    if (const json::Value* f = root.get("feed_forward_proj"); f && f->kind == json::Value::String) ff = f->str;
    if (ff == "gated-gelu") cfg_.gated_gelu = true;
    else if (ff != "relu") { err = dir + "/config.json: feed_forward_proj \"" + ff + "\" is not supported (relu, gated-gelu)"; return false; }
    if (cfg_.d_model <= 0 || cfg_.num_heads <= 0 || cfg_.d_kv <= 0 || cfg_.num_layers <= 0 || cfg_.buckets < 4) {
        err = dir + "/config.json: bad T5 sizes";
        return false;
    }
    const std::string file = weights.empty() ? dir + "/model.safetensors" : weights;
    nn::SafeTensors st;
    if (!st.open_file(file, err)) { err = file + ": " + err; return false; }
    nn::WeightReader w(st, file);
    const int d = cfg_.d_model, inner = cfg_.inner();
    const std::string emb = w.has("encoder.embed_tokens.weight") ? "encoder.embed_tokens.weight" : "shared.weight";
    if (!w.f32(emb, {cfg_.vocab_size, d}, embed_, err)) return false;
    const std::string p0 = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
    if (!w.f32(p0, {cfg_.buckets, cfg_.num_heads}, rel_bias_, err)) return false;
    layers_.resize(cfg_.num_layers);
    for (int i = 0; i < cfg_.num_layers; ++i) {
        const std::string p = "encoder.block." + std::to_string(i) + ".layer.";
        Layer& L = layers_[i];
        std::vector<float> q, k, v, qkv;
        if (!w.f32(p + "0.layer_norm.weight", {d}, L.ln1, err) || !w.f32(p + "0.SelfAttention.q.weight", {inner, d}, q, err) ||
            !w.f32(p + "0.SelfAttention.k.weight", {inner, d}, k, err) ||
            !w.f32(p + "0.SelfAttention.v.weight", {inner, d}, v, err) ||
            !w.linear(p + "0.SelfAttention.o", inner, d, false, L.o, err) || !w.f32(p + "1.layer_norm.weight", {d}, L.ln2, err))
            return false;
        qkv.reserve(q.size() * 3);
        qkv.insert(qkv.end(), q.begin(), q.end());
        qkv.insert(qkv.end(), k.begin(), k.end());
        qkv.insert(qkv.end(), v.begin(), v.end());
        nn::pack_weights(qkv.data(), d, 3 * inner, L.qkv.w);
        L.qkv.in = d;
        L.qkv.out = 3 * inner;
        if (cfg_.gated_gelu) {
            if (!w.linear(p + "1.DenseReluDense.wi_0", d, cfg_.d_ff, false, L.wi, err) ||
                !w.linear(p + "1.DenseReluDense.wi_1", d, cfg_.d_ff, false, L.wi1, err))
                return false;
        } else if (!w.linear(p + "1.DenseReluDense.wi", d, cfg_.d_ff, false, L.wi, err)) {
            return false;
        }
        if (!w.linear(p + "1.DenseReluDense.wo", cfg_.d_ff, d, false, L.wo, err)) return false;
    }
    if (!w.f32("encoder.final_layer_norm.weight", {d}, final_ln_, err)) return false;
    return true;
}

std::vector<float> T5Encoder::position_bias(int n) const {
    const int H = cfg_.num_heads;
    std::vector<float> bias(static_cast<std::size_t>(H) * n * n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const int b = t5_relative_bucket(j - i, cfg_.buckets, cfg_.max_distance);
            for (int h = 0; h < H; ++h) bias[(static_cast<std::size_t>(h) * n + i) * n + j] = rel_bias_[b * H + h];
        }
    return bias;
}

bool T5Encoder::check_ids(const std::int32_t* ids, std::size_t count, std::string& err) const {
    for (std::size_t i = 0; i < count; ++i)
        if (ids[i] < 0 || ids[i] >= cfg_.vocab_size) {
            err = "token id " + std::to_string(ids[i]) + " is outside T5's vocabulary";
            return false;
        }
    return true;
}

bool T5Encoder::encode(const std::int32_t* ids, const std::uint8_t* mask, int batch, int n, std::vector<float>& out,
                       std::string& err, nn::ThreadPool* pool) const {
    if (layers_.empty()) { err = "T5 encoder not loaded"; return false; }
    const int d = cfg_.d_model, H = cfg_.num_heads, dk = cfg_.d_kv, inner = cfg_.inner();
    out.assign(static_cast<std::size_t>(batch) * n * d, 0.0f);
    // Relative position bias (heads, n, n), shared by every layer; masked keys added per item.
    const std::vector<float> bias = position_bias(n);
    std::vector<float> h(static_cast<std::size_t>(n) * d), x(h.size()), qkv(static_cast<std::size_t>(n) * 3 * inner),
        att(static_cast<std::size_t>(n) * inner), ff(static_cast<std::size_t>(n) * cfg_.d_ff), ff1;
    if (cfg_.gated_gelu) ff1.resize(ff.size());
    for (int bi = 0; bi < batch; ++bi) {
        const std::int32_t* id = ids + static_cast<std::size_t>(bi) * n;
        const std::uint8_t* m = mask + static_cast<std::size_t>(bi) * n;
        for (int t = 0; t < n; ++t) {
            if (id[t] < 0 || id[t] >= cfg_.vocab_size) { err = "token id " + std::to_string(id[t]) + " is outside T5's vocabulary"; return false; }
            std::copy_n(embed_.data() + static_cast<std::size_t>(id[t]) * d, d, h.data() + static_cast<std::size_t>(t) * d);
        }
        for (const Layer& L : layers_) {
            rms_norm(h.data(), L.ln1.data(), x.data(), n, d, cfg_.eps);
            L.qkv.apply(x.data(), qkv.data(), n, pool);
            // Attention without 1/sqrt(d) scaling (T5 folds it into the weights); masked keys
            // get -inf-like logits (finfo.min in the reference: exactly zero weight).
            nn::parallel(pool, static_cast<std::size_t>(H), [&](std::size_t h0, std::size_t h1) {
                std::vector<float> s(n);
                for (std::size_t hh = h0; hh < h1; ++hh) {
                    const int hd = static_cast<int>(hh);
                    for (int i = 0; i < n; ++i) {
                        const float* q = qkv.data() + static_cast<std::size_t>(i) * 3 * inner + hd * dk;
                        const float* brow = bias.data() + (static_cast<std::size_t>(hd) * n + i) * n;
                        float mx = -INFINITY;
                        for (int j = 0; j < n; ++j) {
                            if (!m[j]) { s[j] = -INFINITY; continue; }
                            const float* k = qkv.data() + static_cast<std::size_t>(j) * 3 * inner + inner + hd * dk;
                            float acc = 0;
                            for (int c = 0; c < dk; ++c) acc += q[c] * k[c];
                            s[j] = acc + brow[j];
                            mx = std::max(mx, s[j]);
                        }
                        float* o = att.data() + static_cast<std::size_t>(i) * inner + hd * dk;
                        std::fill(o, o + dk, 0.0f);
                        if (mx == -INFINITY) continue;
                        double sum = 0;
                        for (int j = 0; j < n; ++j) {
                            s[j] = m[j] ? std::exp(s[j] - mx) : 0.0f;
                            sum += s[j];
                        }
                        const float inv = static_cast<float>(1.0 / sum);
                        for (int j = 0; j < n; ++j) {
                            if (s[j] == 0.0f) continue;
                            const float p = s[j] * inv;
                            const float* v = qkv.data() + static_cast<std::size_t>(j) * 3 * inner + 2 * inner + hd * dk;
                            for (int c = 0; c < dk; ++c) o[c] += p * v[c];
                        }
                    }
                }
            });
            L.o.apply_acc(att.data(), h.data(), n, pool);
            rms_norm(h.data(), L.ln2.data(), x.data(), n, d, cfg_.eps);
            L.wi.apply(x.data(), ff.data(), n, pool);
            if (cfg_.gated_gelu) {
                L.wi1.apply(x.data(), ff1.data(), n, pool);
                for (std::size_t i = 0; i < ff.size(); ++i) ff[i] = gelu_new(ff[i]) * ff1[i];
            } else {
                for (float& v : ff) v = v > 0.0f ? v : 0.0f;
            }
            L.wo.apply_acc(ff.data(), h.data(), n, pool);
        }
        float* o = out.data() + static_cast<std::size_t>(bi) * n * d;
        rms_norm(h.data(), final_ln_.data(), o, n, d, cfg_.eps);
        for (int t = 0; t < n; ++t)
            if (!m[t]) std::fill(o + static_cast<std::size_t>(t) * d, o + static_cast<std::size_t>(t + 1) * d, 0.0f);
    }
    return true;
}

}  // namespace bewo::sa
