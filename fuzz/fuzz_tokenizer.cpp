// Fuzz target: strict UTF-8 decoding and the WordPiece tokenizer (clean, lower-case, NFD,
// punctuation split, word pieces), and the vocabulary loader. Input byte 0 picks the mode:
// 'V': the rest is a vocab.txt; otherwise byte 0 sets max_length and the rest is the text.
// The vocabulary is $BEWO_TEXT_ENCODER/vocab.txt when set (MiniLM's), else a small built-in one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "nn/tokenizer.h"

namespace {
const bewo::nn::WordPieceTokenizer& tokenizer() {
    static bewo::nn::WordPieceTokenizer tok = [] {
        bewo::nn::WordPieceTokenizer t;
        std::string err;
        const char* dir = std::getenv("BEWO_TEXT_ENCODER");
        if (!(dir && *dir && t.load(std::string(dir) + "/vocab.txt", err))) {
            const char* small =
                "[PAD]\n[UNK]\n[CLS]\n[SEP]\na\ndog\nbark\n##s\non\nthe\nleft\nright\n,\n!\n.\ncar\n##e\nca\n##f\n"
                "\xc3\xa9\n\xe4\xb8\xad\nun\n##aff\n##able\nrun\n##ning\ni\n\xcc\x87\n\xcf\x83\n\xcf\x82\nx\n##x\n";
            if (!t.load_from_text(small, err)) std::abort();
        }
        return t;
    }();
    return tok;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] == 'V') {
        bewo::nn::WordPieceTokenizer t;
        std::string err;
        if (t.load_from_text(rest, err)) {
            std::vector<int> ids;
            t.encode(std::string("a dog ") + rest.substr(0, 64), 16, ids, err);
        }
        return 0;
    }
    const auto& tok = tokenizer();
    const int max_length = 1 + data[0] % 80;
    std::vector<int> ids;
    std::string err;
    std::vector<char32_t> cps;
    const bool valid = bewo::nn::utf8_decode(rest, cps, err);
    if (tok.encode(rest, max_length, ids, err) != valid) __builtin_trap();
    if (valid) {
        if (ids.empty() || static_cast<int>(ids.size()) > max_length) __builtin_trap();
        for (int id : ids)
            if (id < 0 || id > (1 << 24)) __builtin_trap();  // ids are line numbers
        // Round trip: re-encoding the decoded code points gives the same bytes.
        std::string back;
        for (char32_t cp : cps) bewo::nn::utf8_append(back, cp);
        if (back != rest) __builtin_trap();
        (void)tok.basic_split(cps);
    }
    return 0;
}
