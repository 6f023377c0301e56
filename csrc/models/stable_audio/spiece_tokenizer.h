// The T5 tokenizer of the Stable Audio Open conditioner in C++: the twin of
// bewo_rt/models/stable_audio/t5_files.py's SpieceTokenizer, giving the ids that
// transformers' AutoTokenizer.from_pretrained(folder)(prompts, truncation=True,
// max_length=L, padding="max_length") gives, with no Python and no third-party library.
//
// Files read from the folder (as the Python reads them):
//   spiece.model            the SentencePiece ModelProto, parsed here (pieces with score and
//                           type, trainer_spec's model_type, byte_fallback and unk/bos/eos/pad
//                           piece names, normalizer_spec's precompiled_charsmap). Only unigram
//                           models are accepted (T5's kind).
//   tokenizer.json          optional: its added_tokens, its Precompiled character map (used
//                           instead of spiece.model's; none there means no normalisation) and a
//                           check that its vocab agrees with spiece.model.
//   tokenizer_config.json,  optional: eos/pad/unk token names, added_tokens_decoder, extra_ids,
//   special_tokens_map.json additional_special_tokens / extra_special_tokens.
//
// Pipeline for one prompt (strict UTF-8; invalid input is an error):
//   1. added tokens (</s>, <pad>, <unk>, <extra_id_N>, ...) written in the text are cut out
//      leftmost-longest and become their ids;
//   2. each remaining segment gets the precompiled character map, applied per extended grapheme
//      cluster (UAX #29) the way tokenizers' Precompiled normalizer does: a cluster of under 6
//      UTF-8 bytes whose leading bytes start with a map key is replaced whole by the value of the
//      shortest such key; otherwise each code point is looked up alone;
//   3. the result is split at runs of Unicode White_Space (Rust's char::is_whitespace);
//   4. each word gets a leading U+2581 unless it has one and is split before every U+2581;
//   5. each part is segmented by sentencepiece's unigram Viterbi as sentencepiece 0.2.3 runs it
//      (EncodeOptimized: float scores and sums, the first of equal candidates kept, user-defined
//      pieces at 0.1*(bytes-1), unused pieces skipped, an unknown character at min_score-10,
//      scores rebased beyond +-1e5) and consecutive unknowns within a part merge into one <unk>
//      (with byte_fallback each unknown piece becomes its <0xNN> byte pieces instead);
//   6. max_length-1 ids are kept, </s> appended, the rest is pad with mask 0.
//
// Grapheme clusters use csrc/models/stable_audio/grapheme_tables.inc, generated from the
// `regex` module (tools/gen_grapheme_tables.py), so they follow that module's Unicode version
// (17.0 for regex 2026.5.9), all rules of UAX #29 included (GB9c Indic conjuncts, GB11 emoji
// ZWJ sequences, GB12/13 regional indicator pairs). transformers' fast tokenizer uses Rust's
// unicode-segmentation, whose Unicode version may lag: code points assigned in between can
// cluster differently there (as they do for the Python twin).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bewo::sa {

class SpieceTokenizer {
public:
    // Reads the folder (see above). False + err when spiece.model is missing or malformed, a
    // JSON file is invalid, tokenizer.json disagrees with spiece.model, a special token has no
    // id, or max_length < 1. The tokenizer is unchanged on failure.
    bool load(const std::string& folder, int max_length, std::string& err);
    bool loaded() const { return !pieces_.empty(); }

    // [B, max_length] row-major ids and mask (1 for tokens incl. </s>, 0 for padding).
    // False + err (naming the prompt) on invalid UTF-8. Thread-safe (const, no shared scratch).
    bool encode(const std::vector<std::string>& prompts, std::vector<std::int32_t>& ids,
                std::vector<std::uint8_t>& mask, std::string& err) const;
    // The ids of one prompt without </s>, truncation or padding.
    bool tokenize(const std::string& prompt, std::vector<std::int32_t>& ids, std::string& err) const;

    int max_length() const { return max_length_; }
    int eos_id() const { return eos_id_; }
    int pad_id() const { return pad_id_; }
    int unk_id() const { return unk_token_id_; }
    int vocab_size() const { return vocab_size_; }
    int piece_count() const { return static_cast<int>(pieces_.size()); }
    const std::vector<std::pair<std::string, int>>& added_tokens() const { return added_; }

    enum PieceType : std::uint8_t { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };
    struct Piece {
        std::string text;
        float score = 0.0f;
        PieceType type = kNormal;
        bool skipped = false;  // a raw NUL piece sentencepiece leaves out
    };

private:
    struct Charsmap {
        std::vector<std::uint32_t> units;
        std::string strings;
        // Value of the shortest key that is a prefix of key[0, n), or false.
        bool first_match(const char* key, std::size_t n, std::string& value) const;
    };

    bool parse_model(const std::string& bytes, std::string& charsmap, std::string& err);
    void build_trie();
    int piece_to_id(const std::string& piece) const;  // sentencepiece's PieceToId (unk id when absent)
    void normalize(const std::u32string& text, std::u32string& out) const;
    void encode_part(const std::string& part, std::vector<std::int32_t>& ids) const;
    void encode_plain(const char* text, std::size_t n, std::vector<std::int32_t>& ids) const;
    // tokenize() on a loaded tokenizer; false (with the byte offset) only for invalid UTF-8
    bool tokenize_valid(const std::string& prompt, std::vector<std::int32_t>& ids, std::size_t& bad) const;

    int max_length_ = 0;
    std::vector<Piece> pieces_;
    // sentencepiece's two maps: control/unknown/byte pieces, and the others (the trie's)
    std::unordered_map<std::string, int> reserved_ids_, normal_ids_;
    float min_score_ = 0.0f;
    int model_unk_id_ = -1;  // the UNKNOWN piece (none possible with byte_fallback)
    bool byte_fallback_ = false;
    int byte_ids_[256] = {};
    std::string unk_piece_, bos_piece_, eos_piece_, pad_piece_;
    // piece trie (normal, user-defined, unused pieces), flattened: node k's children are
    // labels_/targets_[child_begin_[k], child_begin_[k + 1]) sorted by label
    std::vector<std::uint32_t> child_begin_;
    std::vector<std::uint8_t> labels_;
    std::vector<std::int32_t> targets_, node_value_;
    Charsmap charsmap_;
    std::vector<std::pair<std::string, int>> added_;   // longest first (the Python's order)
    std::vector<std::vector<int>> added_by_byte_;      // first byte -> indices into added_
    int eos_id_ = -1, pad_id_ = -1, unk_token_id_ = -1, vocab_size_ = 0;
};

namespace spiece_detail {
// Strict UTF-8 decoding (Python's bytes.decode("utf-8")); false + the byte offset of the error.
bool utf8_decode(const char* s, std::size_t n, std::u32string& out, std::size_t& bad_offset);
void utf8_append(std::string& out, char32_t cp);
// Start offsets of the extended grapheme clusters of text (UAX #29, as the regex module's \X).
void grapheme_starts(const std::u32string& text, std::vector<std::size_t>& starts);
// Rust's char::is_whitespace (Unicode White_Space).
bool is_white_space(char32_t cp);
}  // namespace spiece_detail

}  // namespace bewo::sa
