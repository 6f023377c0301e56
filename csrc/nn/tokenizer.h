// BERT WordPiece tokenizer (uncased), the C++ twin of bewo_rt/model/tokenizer.py: it gives the
// same ids for every valid UTF-8 input (tested against the Python on thousands of random
// strings, python_tests/test_native_text.py). Pipeline, as in the Python:
//   UTF-8 decode (strict: invalid input is an error) -> clean (drop U+0000, U+FFFD and C*
//   except \t \n \r; \t \n \r and Zs -> space; CJK ideographs padded with spaces) -> str.lower()
//   (full mapping incl. U+0130 -> "i\u0307" and the Final_Sigma rule) -> split on whitespace ->
//   NFD (canonical decomposition + canonical reordering) and drop Mn -> split on punctuation
//   (ASCII punct ranges + P*) -> greedy longest-match-first word pieces ("##" continuation),
//   words over 100 code points -> [UNK] -> [CLS] ids... [SEP] truncated to max_length.
// The Unicode data comes from csrc/nn/unicode_tables.inc, generated from Python's unicodedata
// by tools/gen_unicode_tables.py over the whole code space. Known difference: the C++ follows
// the Unicode version of the Python that generated the tables (14.0.0, Python 3.11); a Python
// with another unicodedata version may classify newly assigned code points differently.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace bewo::nn {

// Strict UTF-8 -> code points, like Python's bytes.decode("utf-8"): rejects truncated
// sequences, stray continuation bytes, overlong forms, surrogates and values above U+10FFFF.
bool utf8_decode(const std::string& s, std::vector<char32_t>& out, std::string& err);
void utf8_append(std::string& out, char32_t cp);
// Python's str.isspace() for one code point.
bool unicode_is_space(char32_t cp);

class WordPieceTokenizer {
public:
    static constexpr int kMaxWordChars = 100;

    // vocab.txt: one token a line (UTF-8); the id of a token is its line number (the last line
    // wins for a duplicate), like the Python. Needs [PAD] [UNK] [CLS] [SEP]. False + err.
    bool load(const std::string& vocab_path, std::string& err);
    bool load_from_text(const std::string& vocab_text, std::string& err);
    bool loaded() const { return !vocab_.empty(); }

    // [CLS] pieces... [SEP], at most max_length ids (max_length >= 1). False + err on invalid
    // UTF-8. Thread-safe (const, no shared scratch).
    bool encode(const std::string& utf8, int max_length, std::vector<int>& ids, std::string& err) const;
    // The same on code points already decoded (must be valid scalar values).
    bool encode(const std::vector<char32_t>& cps, int max_length, std::vector<int>& ids, std::string& err) const;
    // Convenience: throws std::invalid_argument on invalid UTF-8 or max_length < 1.
    std::vector<int> encode(const std::string& utf8, int max_length) const;

    // The words of the basic split (before word pieces), as UTF-8: for tests and debugging.
    std::vector<std::string> basic_split(const std::vector<char32_t>& cps) const;

    int vocab_size() const { return static_cast<int>(vocab_.size()); }
    int unk_id() const { return unk_; }
    int cls_id() const { return cls_; }
    int sep_id() const { return sep_; }
    int pad_id() const { return pad_; }
    // -1 when absent.
    int token_id(const std::string& token) const;

private:
    // Appends the ids of one word (code points after the basic split).
    void word_pieces(const std::u32string& word, std::vector<int>& ids, std::string& scratch,
                     std::vector<std::size_t>& offsets) const;

    std::unordered_map<std::string, int> vocab_;
    int unk_ = -1, cls_ = -1, sep_ = -1, pad_ = -1;
};

}  // namespace bewo::nn
