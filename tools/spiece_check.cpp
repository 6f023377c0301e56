// Standalone driver of the native T5 tokenizer (csrc/models/stable_audio/spiece_tokenizer.cpp),
// not part of the CMake build: it lets Python compare the C++ ids with transformers'.
//
//   g++ -O1 -std=c++17 -Icsrc tools/spiece_check.cpp csrc/models/stable_audio/spiece_tokenizer.cpp
//       csrc/nn/json.cpp -o /tmp/spiece_check
//   /tmp/spiece_check FOLDER MAX_LENGTH < prompts      one output line per prompt line
//   /tmp/spiece_check --graphemes < texts              cluster start offsets (code points)
//
// Each input line is one prompt: a JSON string when it starts with '"' (so it may hold newlines
// and any character), `hex:` followed by hex bytes (to feed invalid UTF-8), else the raw line.
// Output per prompt: the max_length ids, space-separated, then " | " and the mask sum; or
// "ERROR <message>". Load errors go to stderr with exit status 2.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "models/stable_audio/spiece_tokenizer.h"
#include "nn/json.h"

namespace {

bool decode_line(const std::string& line, std::string& out, std::string& err) {
    if (!line.empty() && line[0] == '"') {
        bewo::json::Value v;
        if (!bewo::json::parse(line.data(), line.size(), v, err) || v.kind != bewo::json::Value::String) {
            if (err.empty()) err = "not a JSON string";
            return false;
        }
        out = v.str;
        return true;
    }
    if (line.compare(0, 4, "hex:") == 0) {
        out.clear();
        auto hv = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        for (std::size_t i = 4; i + 1 < line.size(); i += 2) {
            const int a = hv(line[i]), b = hv(line[i + 1]);
            if (a < 0 || b < 0) { err = "bad hex"; return false; }
            out += static_cast<char>(a * 16 + b);
        }
        return true;
    }
    out = line;
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    std::string line, text, err;
    if (argc == 2 && std::string(argv[1]) == "--graphemes") {
        std::vector<std::size_t> starts;
        while (std::getline(std::cin, line)) {
            err.clear();
            std::u32string cps;
            std::size_t bad = 0;
            if (!decode_line(line, text, err) || !bewo::sa::spiece_detail::utf8_decode(text.data(), text.size(), cps, bad)) {
                std::cout << "ERROR " << (err.empty() ? "invalid UTF-8" : err) << "\n";
                continue;
            }
            bewo::sa::spiece_detail::grapheme_starts(cps, starts);
            for (std::size_t i = 0; i < starts.size(); ++i) std::cout << (i ? " " : "") << starts[i];
            std::cout << "\n";
        }
        return 0;
    }
    if (argc != 3) {
        std::cerr << "usage: spiece_check FOLDER MAX_LENGTH < prompts | spiece_check --graphemes < texts\n";
        return 2;
    }
    bewo::sa::SpieceTokenizer tok;
    if (!tok.load(argv[1], std::atoi(argv[2]), err)) {
        std::cerr << err << "\n";
        return 2;
    }
    std::vector<std::int32_t> ids;
    std::vector<std::uint8_t> mask;
    while (std::getline(std::cin, line)) {
        err.clear();
        if (!decode_line(line, text, err) || !tok.encode({text}, ids, mask, err)) {
            std::cout << "ERROR " << err << "\n";
            continue;
        }
        int m = 0;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            std::cout << (i ? " " : "") << ids[i];
            m += mask[i];
        }
        std::cout << " | " << m << "\n";
    }
    return 0;
}
