// all-MiniLM-L6-v2 forward pass for one prompt (see text_encoder.h); mirrors
// bewo_rt/model/text_encoder.py's TextEncoder._forward for a batch of one (no padding, so the
// key padding mask is all ones).
#include "text_encoder.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "attention.h"
#include "safetensors.h"

namespace bewo::nn {

namespace {

// The tensor `name`, or "bert." + name (the checkpoint of a BertModel inside a larger model).
bool get(const SafeTensors& st, const std::string& name, const std::vector<std::int64_t>& shape,
         std::vector<float>& out, std::string& err) {
    const std::string key = st.find(name) == nullptr && st.find("bert." + name) != nullptr ? "bert." + name : name;
    return st.get_f32(key, shape, out, err);
}

const TensorView* find_either(const SafeTensors& st, const std::string& name) {
    const TensorView* t = st.find(name);
    return t ? t : st.find("bert." + name);
}

}  // namespace

bool MiniLM::load(const std::string& dir, std::string& err) {
    loaded_ = false;
    std::string base = dir;
    if (!base.empty() && base.back() != '/') base += '/';
    WordPieceTokenizer tok;
    if (!tok.load(base + "vocab.txt", err)) return false;

    SafeTensors st;
    const std::string path = base + "model.safetensors";
    if (!st.open_file(path, err)) {
        err = path + ": " + err;
        return false;
    }
    auto fail = [&](const std::string& e) {
        err = path + ": " + e;
        return false;
    };
    const TensorView* we = find_either(st, "embeddings.word_embeddings.weight");
    if (we == nullptr || find_either(st, "encoder.layer.5.output.dense.weight") == nullptr)
        return fail("not a MiniLM-L6 checkpoint (no embeddings.word_embeddings.weight or "
                    "encoder.layer.5.output.dense.weight)");
    if (we->shape.size() != 2 || we->shape[1] != kHidden || we->shape[0] < 1 || we->shape[0] > (1 << 24))
        return fail("embeddings.word_embeddings.weight is not (vocab, 384)");
    const int vocab_rows = static_cast<int>(we->shape[0]);
    if (tok.vocab_size() > vocab_rows)
        return fail("vocab.txt has " + std::to_string(tok.vocab_size()) + " tokens but the embedding only " +
                    std::to_string(vocab_rows) + " rows");
    const TensorView* te = find_either(st, "embeddings.token_type_embeddings.weight");
    if (te == nullptr || te->shape.size() != 2 || te->shape[0] < 1 || te->shape[1] != kHidden)
        return fail("embeddings.token_type_embeddings.weight is missing or not (types, 384)");

    std::vector<float> word, pos, type, eg, eb;
    std::string e;
    if (!get(st, "embeddings.word_embeddings.weight", {vocab_rows, kHidden}, word, e) ||
        !get(st, "embeddings.position_embeddings.weight", {kMaxPositions, kHidden}, pos, e) ||
        !get(st, "embeddings.token_type_embeddings.weight", {te->shape[0], kHidden}, type, e) ||
        !get(st, "embeddings.LayerNorm.weight", {kHidden}, eg, e) ||
        !get(st, "embeddings.LayerNorm.bias", {kHidden}, eb, e))
        return fail(e);
    type.resize(kHidden);  // row 0: token type 0 everywhere

    std::vector<Layer> layers(kLayers);
    std::vector<float> w, wq, wk, wv, bq, bk, bv;
    for (int i = 0; i < kLayers; ++i) {
        const std::string p = "encoder.layer." + std::to_string(i) + ".";
        Layer& L = layers[i];
        if (!get(st, p + "attention.self.query.weight", {kHidden, kHidden}, wq, e) ||
            !get(st, p + "attention.self.key.weight", {kHidden, kHidden}, wk, e) ||
            !get(st, p + "attention.self.value.weight", {kHidden, kHidden}, wv, e) ||
            !get(st, p + "attention.self.query.bias", {kHidden}, bq, e) ||
            !get(st, p + "attention.self.key.bias", {kHidden}, bk, e) ||
            !get(st, p + "attention.self.value.bias", {kHidden}, bv, e))
            return fail(e);
        w = wq;
        w.insert(w.end(), wk.begin(), wk.end());
        w.insert(w.end(), wv.begin(), wv.end());
        pack_weights(w.data(), kHidden, 3 * kHidden, L.w_qkv);
        L.b_qkv = bq;
        L.b_qkv.insert(L.b_qkv.end(), bk.begin(), bk.end());
        L.b_qkv.insert(L.b_qkv.end(), bv.begin(), bv.end());

        if (!get(st, p + "attention.output.dense.weight", {kHidden, kHidden}, w, e)) return fail(e);
        pack_weights(w.data(), kHidden, kHidden, L.w_o);
        if (!get(st, p + "intermediate.dense.weight", {kFF, kHidden}, w, e)) return fail(e);
        pack_weights(w.data(), kHidden, kFF, L.w_i);
        if (!get(st, p + "output.dense.weight", {kHidden, kFF}, w, e)) return fail(e);
        pack_weights(w.data(), kFF, kHidden, L.w_out);
        if (!get(st, p + "attention.output.dense.bias", {kHidden}, L.b_o, e) ||
            !get(st, p + "attention.output.LayerNorm.weight", {kHidden}, L.ln1_g, e) ||
            !get(st, p + "attention.output.LayerNorm.bias", {kHidden}, L.ln1_b, e) ||
            !get(st, p + "intermediate.dense.bias", {kFF}, L.b_i, e) ||
            !get(st, p + "output.dense.bias", {kHidden}, L.b_out, e) ||
            !get(st, p + "output.LayerNorm.weight", {kHidden}, L.ln2_g, e) ||
            !get(st, p + "output.LayerNorm.bias", {kHidden}, L.ln2_b, e))
            return fail(e);
    }

    tok_ = std::move(tok);
    word_emb_ = std::move(word);
    pos_emb_ = std::move(pos);
    type_emb0_ = std::move(type);
    emb_ln_g_ = std::move(eg);
    emb_ln_b_ = std::move(eb);
    layers_ = std::move(layers);
    vocab_rows_ = vocab_rows;
    loaded_ = true;
    return true;
}

bool MiniLM::tokenize(const std::string& prompt, int max_tokens, std::vector<int>& ids, std::string& err) const {
    ids.clear();
    if (!loaded_) {
        err = "the text encoder is not loaded";
        return false;
    }
    if (max_tokens < 2 || max_tokens > kMaxPositions) {
        err = "max_tokens must be in [2, 512] (MiniLM's positions), got " + std::to_string(max_tokens);
        return false;
    }
    std::vector<char32_t> cps;
    std::string e;
    if (!utf8_decode(prompt, cps, e)) {
        err = "prompt is not valid UTF-8: " + e;
        return false;
    }
    if (std::all_of(cps.begin(), cps.end(), unicode_is_space)) {
        err = "prompt is empty";
        return false;
    }
    if (cps.size() > static_cast<std::size_t>(kMaxPromptChars)) {
        err = "prompt is " + std::to_string(cps.size()) + " characters long; at most " +
              std::to_string(kMaxPromptChars) + " are accepted";
        return false;
    }
    return tok_.encode(cps, max_tokens, ids, err);
}

bool MiniLM::encode_ids(const std::vector<int>& ids, std::vector<float>& hidden, std::string& err,
                        ThreadPool* pool) const {
    if (!loaded_) {
        err = "the text encoder is not loaded";
        return false;
    }
    const int n = static_cast<int>(ids.size());
    if (n < 1 || n > kMaxPositions) {
        err = "the token count must be in [1, 512], got " + std::to_string(ids.size());
        return false;
    }
    for (int id : ids)
        if (id < 0 || id >= vocab_rows_) {
            err = "token id " + std::to_string(id) + " is outside the vocabulary";
            return false;
        }
    constexpr int H = kHidden;
    const std::size_t nh = static_cast<std::size_t>(n) * H;
    // Per-call scratch: concurrent calls on one MiniLM share nothing mutable.
    std::vector<float> x(nh), t(nh), a(nh), qkv(nh * 3), ff(static_cast<std::size_t>(n) * kFF);

    // Embeddings: word + position + token type 0, then LayerNorm.
    for (int r = 0; r < n; ++r) {
        const float* we = &word_emb_[static_cast<std::size_t>(ids[r]) * H];
        const float* pe = &pos_emb_[static_cast<std::size_t>(r) * H];
        float* tr = &t[static_cast<std::size_t>(r) * H];
        for (int c = 0; c < H; ++c) tr[c] = we[c] + pe[c] + type_emb0_[c];
    }
    layer_norm(t.data(), emb_ln_g_.data(), emb_ln_b_.data(), x.data(), n, H, kEps);

    AttentionShape shape{};
    shape.nq = n;
    shape.nk = n;
    shape.heads = kHeads;
    shape.head_dim = kHeadDim;
    shape.q_stride = shape.k_stride = shape.v_stride = 3 * H;
    shape.out_stride = H;
    for (const Layer& L : layers_) {
        linear_packed(x.data(), L.w_qkv, L.b_qkv.data(), qkv.data(), n, pool);
        // One prompt, no padding: every key is valid (the key mask is all ones).
        attention(qkv.data(), qkv.data() + H, qkv.data() + 2 * H, a.data(), shape, nullptr, 0.0f, pool);
        linear_packed(a.data(), L.w_o, L.b_o.data(), t.data(), n, pool);
        for (std::size_t i = 0; i < nh; ++i) t[i] += x[i];
        layer_norm(t.data(), L.ln1_g.data(), L.ln1_b.data(), x.data(), n, H, kEps);
        linear_packed(x.data(), L.w_i, L.b_i.data(), ff.data(), n, pool);
        gelu_erf(ff.data(), ff.size());
        linear_packed(ff.data(), L.w_out, L.b_out.data(), t.data(), n, pool);
        for (std::size_t i = 0; i < nh; ++i) t[i] += x[i];
        layer_norm(t.data(), L.ln2_g.data(), L.ln2_b.data(), x.data(), n, H, kEps);
    }
    hidden = std::move(x);
    return true;
}

bool MiniLM::encode(const std::string& prompt, int max_tokens, std::vector<float>& hidden, int& n_tokens,
                    std::string& err, ThreadPool* pool) const {
    std::vector<int> ids;
    n_tokens = 0;
    if (!tokenize(prompt, max_tokens, ids, err)) return false;
    if (!encode_ids(ids, hidden, err, pool)) return false;
    n_tokens = static_cast<int>(ids.size());
    return true;
}

bool MiniLM::sentence_embedding(const std::string& prompt, std::vector<float>& out, std::string& err,
                                ThreadPool* pool) const {
    std::vector<float> h;
    int n = 0;
    if (!encode(prompt, kSentenceMaxTokens, h, n, err, pool)) return false;
    std::vector<double> acc(kHidden, 0.0);
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < kHidden; ++c) acc[c] += h[static_cast<std::size_t>(r) * kHidden + c];
    double norm = 0.0;
    for (double& v : acc) {
        v /= n;
        norm += v * v;
    }
    norm = std::max(std::sqrt(norm), 1e-12);
    out.resize(kHidden);
    for (int c = 0; c < kHidden; ++c) out[c] = static_cast<float>(acc[c] / norm);
    return true;
}

}  // namespace bewo::nn
