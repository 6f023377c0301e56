#include "spiece_tokenizer.h"

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "../../nn/json.h"

namespace bewo::sa {

namespace {

#include "grapheme_tables.inc"

constexpr char32_t kUnderline = 0x2581;  // SentencePiece's word boundary mark
constexpr float kUnkPenalty = 10.0f;

// ---------------------------------------------------------------------------------------------
// files

enum class ReadResult { Ok, Missing, Error };

ReadResult read_file(const std::string& path, std::string& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        std::ifstream probe(path);
        return probe.good() ? ReadResult::Error : ReadResult::Missing;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    if (f.bad()) return ReadResult::Error;
    out = ss.str();
    return ReadResult::Ok;
}

std::string join_path(const std::string& folder, const char* name) {
    if (folder.empty()) return name;
    if (folder.back() == '/' || folder.back() == '\\') return folder + name;
    return folder + "/" + name;
}

// A JSON file of the folder: false + err when it exists but cannot be read or parsed; `present`
// tells whether it exists.
bool read_json(const std::string& path, json::Value& out, bool& present, std::string& err) {
    std::string text;
    present = false;
    switch (read_file(path, text)) {
        case ReadResult::Missing: return true;
        case ReadResult::Error: err = path + " could not be read"; return false;
        case ReadResult::Ok: break;
    }
    std::u32string scratch;
    std::size_t bad = 0;
    if (!spiece_detail::utf8_decode(text.data(), text.size(), scratch, bad)) {
        err = path + " is not valid JSON: invalid UTF-8 at byte " + std::to_string(bad);
        return false;
    }
    std::string jerr;
    if (!json::parse(text.data(), text.size(), out, jerr)) {
        err = path + " is not valid JSON: " + jerr;
        return false;
    }
    present = true;
    return true;
}

// The Python's _token_text(v) when it is a non-empty string (a string, or an object's
// "content"); empty otherwise.
std::string token_text(const json::Value* v) {
    if (!v) return {};
    if (v->kind == json::Value::String) return v->str;
    if (v->kind == json::Value::Object) {
        const json::Value* c = v->get("content");
        if (c && c->kind == json::Value::String) return c->str;
    }
    return {};
}

bool json_int(const json::Value& v, long long& out) {
    if (!v.is_int()) return false;
    out = static_cast<long long>(v.num);
    return true;
}

// Python's int(str) for a plain decimal (optional sign, surrounding whitespace).
bool parse_int(const std::string& s, long long& out) {
    std::size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    if (a == b) return false;
    bool neg = false;
    if (s[a] == '+' || s[a] == '-') neg = s[a++] == '-';
    if (a == b || b - a > 18) return false;
    long long v = 0;
    for (std::size_t i = a; i < b; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = neg ? -v : v;
    return true;
}

// base64 as Python's base64.b64decode (validate=False): characters outside the alphabet are
// skipped; the padding must be right.
bool base64_decode(const std::string& in, std::string& out) {
    auto val = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    out.clear();
    std::uint32_t acc = 0;
    int nbits = 0, nchars = 0, pads = 0;
    for (char c : in) {
        if (c == '=') {
            ++pads;
            continue;
        }
        int v = val(c);
        if (v < 0) continue;
        if (pads) return false;  // data after padding
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        nbits += 6;
        ++nchars;
        if (nbits >= 8) {
            nbits -= 8;
            out += static_cast<char>((acc >> nbits) & 0xFF);
        }
    }
    const int rem = nchars % 4;
    if (rem == 1) return false;
    if (rem && pads < 4 - rem) return false;
    return true;
}

// ---------------------------------------------------------------------------------------------
// protobuf wire format

struct Field {
    std::uint32_t num = 0;
    int wire = 0;
    std::uint64_t varint = 0;  // wire 0; wire 1/5: the raw little-endian value
    const char* data = nullptr;  // wire 2
    std::size_t size = 0;
};

struct ProtoReader {
    const unsigned char* p;
    const unsigned char* end;
    std::string err;

    ProtoReader(const char* b, std::size_t n)
        : p(reinterpret_cast<const unsigned char*>(b)), end(reinterpret_cast<const unsigned char*>(b) + n) {}

    bool varint(std::uint64_t& v) {
        v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (p >= end) { err = "truncated varint"; return false; }
            const unsigned char c = *p++;
            if (shift < 64) v |= static_cast<std::uint64_t>(c & 0x7F) << shift;
            if (c < 0x80) return true;
        }
        err = "varint too long";
        return false;
    }
    // false at the end (err empty) or on an error (err set)
    bool next(Field& f) {
        if (p >= end) return false;
        std::uint64_t key;
        if (!varint(key)) return false;
        f.num = static_cast<std::uint32_t>(key >> 3);
        f.wire = static_cast<int>(key & 7);
        if (f.num == 0) { err = "field number 0"; return false; }
        switch (f.wire) {
            case 0: return varint(f.varint);
            case 1:
            case 5: {
                const std::size_t n = f.wire == 1 ? 8 : 4;
                if (static_cast<std::size_t>(end - p) < n) { err = "truncated fixed field"; return false; }
                f.varint = 0;
                for (std::size_t i = 0; i < n; ++i) f.varint |= static_cast<std::uint64_t>(p[i]) << (8 * i);
                p += n;
                return true;
            }
            case 2: {
                std::uint64_t n;
                if (!varint(n)) return false;
                if (n > static_cast<std::uint64_t>(end - p)) { err = "truncated length-delimited field"; return false; }
                f.data = reinterpret_cast<const char*>(p);
                f.size = static_cast<std::size_t>(n);
                p += n;
                return true;
            }
            default: err = "unsupported protobuf wire type " + std::to_string(f.wire); return false;
        }
    }
};

// ---------------------------------------------------------------------------------------------
// UTF-8

int utf8_len_from_lead(unsigned char c) {
    // sentencepiece's OneCharLen (the input here is always valid UTF-8)
    static const int kLen[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kLen[c >> 4];
}

// Python's bytes.decode("utf-8", "replace"): each maximal invalid subpart becomes one U+FFFD.
void utf8_decode_replace(const char* s, std::size_t n, std::u32string& out) {
    const auto* b = reinterpret_cast<const unsigned char*>(s);
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = b[i];
        if (c < 0x80) { out += static_cast<char32_t>(c); ++i; continue; }
        int need;
        char32_t cp;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) {
            need = 2; cp = c & 0x0F;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3; cp = c & 0x07;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else { out += char32_t(0xFFFD); ++i; continue; }
        std::size_t j = i + 1;
        int got = 0;
        for (; got < need; ++got, ++j) {
            if (j >= n) break;
            const unsigned char d = b[j];
            const unsigned char l = got == 0 ? lo : 0x80, h = got == 0 ? hi : 0xBF;
            if (d < l || d > h) break;
            cp = (cp << 6) | (d & 0x3F);
        }
        if (got == need) out += cp;
        else out += char32_t(0xFFFD);
        i = j;
    }
}

// ---------------------------------------------------------------------------------------------
// grapheme clusters

enum Gcb : std::uint32_t {
    kOther = 0, kCR, kLF, kControl, kExtend, kZWJ, kRI, kPrepend, kSpacingMark, kL, kV, kT, kLV, kLVT
};
enum InCB : std::uint32_t { kInCBNone = 0, kInCBConsonant = 1, kInCBExtend = 2, kInCBLinker = 3 };

std::uint32_t grapheme_props(char32_t cp) {
    constexpr std::size_t n = sizeof(kGraphemeRanges) / sizeof(kGraphemeRanges[0]);
    std::size_t lo = 0, hi = n;  // last range whose start <= cp
    while (hi - lo > 1) {
        const std::size_t mid = (lo + hi) / 2;
        if (kGraphemeRanges[mid][0] <= cp) lo = mid;
        else hi = mid;
    }
    return kGraphemeRanges[lo][1];
}

}  // namespace

// ---------------------------------------------------------------------------------------------

namespace spiece_detail {

bool utf8_decode(const char* s, std::size_t n, std::u32string& out, std::size_t& bad_offset) {
    const auto* b = reinterpret_cast<const unsigned char*>(s);
    out.clear();
    out.reserve(n);
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = b[i];
        if (c < 0x80) { out += static_cast<char32_t>(c); ++i; continue; }
        int need;
        char32_t cp;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) {
            need = 2; cp = c & 0x0F;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;  // no surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3; cp = c & 0x07;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
        } else { bad_offset = i; return false; }
        if (n - i <= static_cast<std::size_t>(need)) { bad_offset = i; return false; }
        for (int k = 1; k <= need; ++k) {
            const unsigned char d = b[i + k];
            if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) { bad_offset = i; return false; }
            cp = (cp << 6) | (d & 0x3F);
        }
        out += cp;
        i += need + 1;
    }
    return true;
}

void utf8_append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_white_space(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

void grapheme_starts(const std::u32string& text, std::vector<std::size_t>& starts) {
    starts.clear();
    if (text.empty()) return;
    starts.push_back(0);
    std::uint32_t prev = grapheme_props(text[0]);
    // State after text[0, i): the run of regional indicators just before i; whether the text
    // before i ends with ExtPict Extend* (GB11's left side so far) / with ExtPict Extend* ZWJ;
    // GB9c's state: 0 none, 1 after Consonant [Extend Linker]*, 2 the same with a Linker in it.
    int ri_run = 0;
    bool ep_ext = false, ep_zwj = false;
    int incb_state = 0;
    auto update = [&](std::uint32_t p) {
        const std::uint32_t g = p & 15u, incb = (p >> 5) & 3u;
        const bool ext_pict = (p >> 4) & 1u;
        ri_run = g == kRI ? ri_run + 1 : 0;
        const bool was_ep_ext = ep_ext;
        ep_ext = ext_pict || (g == kExtend && was_ep_ext);
        ep_zwj = g == kZWJ && was_ep_ext;
        if (incb == kInCBConsonant) incb_state = 1;
        else if (incb == kInCBLinker && incb_state >= 1) incb_state = 2;
        else if (incb == kInCBExtend && incb_state >= 1) { /* unchanged */ }
        else incb_state = 0;
    };
    update(prev);
    for (std::size_t i = 1; i < text.size(); ++i) {
        const std::uint32_t cur = grapheme_props(text[i]);
        const std::uint32_t a = prev & 15u, b = cur & 15u;
        bool brk;
        if (a == kCR && b == kLF) brk = false;                                             // GB3
        else if (a == kControl || a == kCR || a == kLF) brk = true;                        // GB4
        else if (b == kControl || b == kCR || b == kLF) brk = true;                        // GB5
        else if (a == kL && (b == kL || b == kV || b == kLV || b == kLVT)) brk = false;    // GB6
        else if ((a == kLV || a == kV) && (b == kV || b == kT)) brk = false;               // GB7
        else if ((a == kLVT || a == kT) && b == kT) brk = false;                           // GB8
        else if (b == kExtend || b == kZWJ) brk = false;                                   // GB9
        else if (b == kSpacingMark) brk = false;                                           // GB9a
        else if (a == kPrepend) brk = false;                                               // GB9b
        else if (incb_state == 2 && ((cur >> 5) & 3u) == kInCBConsonant) brk = false;     // GB9c
        else if (ep_zwj && ((cur >> 4) & 1u)) brk = false;                                 // GB11
        else if (a == kRI && b == kRI && (ri_run % 2) == 1) brk = false;                   // GB12/13
        else brk = true;                                                                   // GB999
        if (brk) starts.push_back(i);
        update(cur);
        prev = cur;
    }
}

}  // namespace spiece_detail

using spiece_detail::utf8_append;

// ---------------------------------------------------------------------------------------------
// character map: a little-endian uint32 byte size, a darts-clone double array of that size,
// then NUL-terminated replacement strings

bool SpieceTokenizer::Charsmap::first_match(const char* key, std::size_t n, std::string& value) const {
    if (units.empty()) return false;
    const std::size_t size = units.size();
    auto offset = [](std::uint32_t u) -> std::size_t {
        return static_cast<std::size_t>(u >> 10) << ((u & (1u << 9)) >> 6);
    };
    std::uint32_t unit = units[0];
    std::size_t pos = offset(unit);
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char c = static_cast<unsigned char>(key[i]);
        if (c == 0) return false;
        pos ^= c;
        if (pos >= size) return false;
        unit = units[pos];
        if ((unit & ((1u << 31) | 0xFFu)) != c) return false;
        pos ^= offset(unit);
        if ((unit >> 8) & 1u) {
            if (pos >= size) return false;
            const std::size_t idx = units[pos] & 0x7FFFFFFFu;
            if (idx >= strings.size()) return false;
            const std::size_t end = strings.find('\0', idx);
            value.assign(strings, idx, end == std::string::npos ? std::string::npos : end - idx);
            return true;
        }
    }
    return false;
}

void SpieceTokenizer::normalize(const std::u32string& text, std::u32string& out) const {
    out.clear();
    if (charsmap_.units.empty()) {
        out = text;
        return;
    }
    std::vector<std::size_t> starts;
    spiece_detail::grapheme_starts(text, starts);
    std::string bytes, value;
    for (std::size_t g = 0; g < starts.size(); ++g) {
        const std::size_t a = starts[g], b = g + 1 < starts.size() ? starts[g + 1] : text.size();
        bytes.clear();
        for (std::size_t i = a; i < b; ++i) utf8_append(bytes, text[i]);
        if (bytes.size() < 6 && charsmap_.first_match(bytes.data(), bytes.size(), value)) {
            utf8_decode_replace(value.data(), value.size(), out);
            continue;
        }
        for (std::size_t i = a; i < b; ++i) {
            bytes.clear();
            utf8_append(bytes, text[i]);
            if (charsmap_.first_match(bytes.data(), bytes.size(), value)) utf8_decode_replace(value.data(), value.size(), out);
            else out += text[i];
        }
    }
}

// ---------------------------------------------------------------------------------------------
// the model

bool SpieceTokenizer::parse_model(const std::string& bytes, std::string& charsmap, std::string& err) {
    pieces_.clear();
    bool have_charsmap = false;
    int model_type = 1;  // UNIGRAM
    byte_fallback_ = false;
    unk_piece_ = "<unk>";
    bos_piece_ = "<s>";
    eos_piece_ = "</s>";
    pad_piece_ = "<pad>";
    ProtoReader top(bytes.data(), bytes.size());
    Field f;
    while (top.next(f)) {
        if (f.num == 1 && f.wire == 2) {  // SentencePiece pieces
            Piece piece;
            ProtoReader r(f.data, f.size);
            Field g;
            while (r.next(g)) {
                if (g.num == 1 && g.wire == 2) piece.text.assign(g.data, g.size);
                else if (g.num == 2 && g.wire == 5) {
                    const std::uint32_t u = static_cast<std::uint32_t>(g.varint);
                    std::memcpy(&piece.score, &u, 4);
                } else if (g.num == 3 && g.wire == 0) {
                    // an enum value this reader does not know stays an unknown field (NORMAL)
                    if (g.varint >= 1 && g.varint <= 6) piece.type = static_cast<PieceType>(g.varint);
                }
            }
            if (!r.err.empty()) { err = "piece " + std::to_string(pieces_.size()) + ": " + r.err; return false; }
            pieces_.push_back(std::move(piece));
        } else if (f.num == 2 && f.wire == 2) {  // TrainerSpec
            ProtoReader r(f.data, f.size);
            Field g;
            while (r.next(g)) {
                if (g.wire == 0 && g.num == 3) model_type = static_cast<int>(g.varint);
                else if (g.wire == 0 && g.num == 35) byte_fallback_ = g.varint != 0;
                else if (g.wire == 2 && g.num == 45) unk_piece_.assign(g.data, g.size);
                else if (g.wire == 2 && g.num == 46) bos_piece_.assign(g.data, g.size);
                else if (g.wire == 2 && g.num == 47) eos_piece_.assign(g.data, g.size);
                else if (g.wire == 2 && g.num == 48) pad_piece_.assign(g.data, g.size);
            }
            if (!r.err.empty()) { err = "trainer_spec: " + r.err; return false; }
        } else if (f.num == 3 && f.wire == 2) {  // NormalizerSpec
            ProtoReader r(f.data, f.size);
            Field g;
            while (r.next(g)) {
                if (g.num == 2 && g.wire == 2 && !have_charsmap) {  // the first one, as the Python
                    charsmap.assign(g.data, g.size);
                    have_charsmap = true;
                }
            }
            if (!r.err.empty()) { err = "normalizer_spec: " + r.err; return false; }
        }
    }
    if (!top.err.empty()) { err = top.err; return false; }
    if (model_type != 1) {
        err = "only unigram SentencePiece models (T5's) are supported, this one has model_type " + std::to_string(model_type);
        return false;
    }
    if (pieces_.empty()) { err = "no pieces"; return false; }
    if (pieces_.size() > 0x7FFFFFFF) { err = "too many pieces"; return false; }
    // sentencepiece 0.2.3's checks (SentencePieceProcessor::Load, InitializePieces, Model)
    static const char* kHex = "0123456789ABCDEF";
    auto byte_name = [](int b) { return std::string("<0x") + kHex[b >> 4] + kHex[b & 15] + ">"; };
    for (const Piece& p : pieces_) {
        if (p.text.size() >= 8000) { err = "piece is too long"; return false; }
    }
    reserved_ids_.clear();
    normal_ids_.clear();
    model_unk_id_ = -1;
    bool byte_found[256] = {};
    min_score_ = FLT_MAX;
    for (std::size_t i = 0; i < pieces_.size(); ++i) {
        Piece& p = pieces_[i];
        const std::string at = "piece " + std::to_string(i);
        if (p.text.empty()) { err = at + " is empty"; return false; }
        if (p.text.size() == 1 && p.text[0] == '\0') {
            // a raw NUL piece: UNUSED with byte_fallback, and an UNUSED one is left out entirely
            if (byte_fallback_) p.type = kUnused;
            if (p.type == kUnused) { p.skipped = true; continue; }
        }
        if (p.text.find('\0') != std::string::npos) { err = at + " includes a NUL character"; return false; }
        if (!std::isfinite(p.score)) { err = at + ": score is NaN or Inf"; return false; }
        const bool normal = p.type == kNormal || p.type == kUserDefined || p.type == kUnused;
        if (!(normal ? normal_ids_ : reserved_ids_).emplace(p.text, static_cast<int>(i)).second) {
            err = at + " (" + p.text + ") is already defined";
            return false;
        }
        if (p.type == kUnknown) {
            if (model_unk_id_ >= 0) { err = "unk is already defined"; return false; }
            model_unk_id_ = static_cast<int>(i);
        }
        if (p.type == kByte) {
            if (!byte_fallback_) { err = "byte piece " + p.text + " is found although byte_fallback is false"; return false; }
            int b = 0;
            while (b < 256 && byte_name(b) != p.text) ++b;
            if (b == 256) { err = "byte piece " + p.text + " is invalid"; return false; }
            byte_found[b] = true;
        }
        if (p.type == kNormal) min_score_ = std::min(min_score_, p.score);
    }
    if (model_unk_id_ < 0 && !byte_fallback_) { err = "unk is not defined"; return false; }
    for (int b = 0; b < 256; ++b) {
        if (byte_fallback_ && !byte_found[b]) { err = "there are not 256 byte pieces although byte_fallback is true"; return false; }
        byte_ids_[b] = piece_to_id(byte_name(b));
    }
    build_trie();
    if (node_value_.size() <= 1) { err = "no entry is found in the trie"; return false; }
    return true;
}

int SpieceTokenizer::piece_to_id(const std::string& piece) const {
    auto it = reserved_ids_.find(piece);
    if (it != reserved_ids_.end()) return it->second;
    it = normal_ids_.find(piece);
    return it == normal_ids_.end() ? model_unk_id_ : it->second;
}

void SpieceTokenizer::build_trie() {
    struct Tmp {
        std::int32_t value = -1;
        std::vector<std::pair<std::uint8_t, std::int32_t>> kids;
    };
    std::vector<Tmp> tmp(1);
    for (std::size_t i = 0; i < pieces_.size(); ++i) {
        const PieceType t = pieces_[i].type;
        if (pieces_[i].skipped || (t != kNormal && t != kUserDefined && t != kUnused)) continue;
        std::int32_t node = 0;
        for (unsigned char c : pieces_[i].text) {
            std::int32_t next = -1;
            for (const auto& kv : tmp[node].kids)
                if (kv.first == c) { next = kv.second; break; }
            if (next < 0) {
                next = static_cast<std::int32_t>(tmp.size());
                tmp[node].kids.emplace_back(c, next);
                tmp.emplace_back();
            }
            node = next;
        }
        tmp[node].value = static_cast<std::int32_t>(i);
    }
    child_begin_.assign(tmp.size() + 1, 0);
    labels_.clear();
    targets_.clear();
    node_value_.resize(tmp.size());
    for (std::size_t k = 0; k < tmp.size(); ++k) {
        auto& kids = tmp[k].kids;
        std::sort(kids.begin(), kids.end());
        child_begin_[k] = static_cast<std::uint32_t>(labels_.size());
        for (const auto& kv : kids) {
            labels_.push_back(kv.first);
            targets_.push_back(kv.second);
        }
        node_value_[k] = tmp[k].value;
    }
    child_begin_[tmp.size()] = static_cast<std::uint32_t>(labels_.size());
}

// sentencepiece's optimised unigram Viterbi (Model::EncodeOptimized of sentencepiece 0.2.3, in
// float as there) on one part, then its processor's treatment of unknown pieces (a run of them
// merged into one, or each one's UTF-8 bytes as <0xNN> pieces with byte_fallback).
void SpieceTokenizer::encode_part(const std::string& s, std::vector<std::int32_t>& ids) const {
    const std::size_t n = s.size();
    if (n == 0) return;
    struct Best {
        int id = -1;
        float score = 0.0f;
        long start = -1;
    };
    std::vector<Best> best(n + 1);
    const float unk_score = min_score_ - kUnkPenalty;
    constexpr float kScoreResetThreshold = 100000.0f;
    std::size_t pos = 0, max_frontier = 0;
    while (pos < n) {
        float till = best[pos].score;
        if (till < -kScoreResetThreshold || till > kScoreResetThreshold) {
            // sentencepiece rebases the scores of the open frontier to keep float precision
            const float offset = till;
            for (std::size_t i = pos; i <= max_frontier; ++i)
                if (i == pos || best[i].start != -1) best[i].score -= offset;
            till = 0.0f;
        }
        bool has_single = false;
        const std::size_t mblen = std::min<std::size_t>(utf8_len_from_lead(static_cast<unsigned char>(s[pos])), n - pos);
        std::uint32_t node = 0;
        for (std::size_t k = pos; k < n;) {
            const std::uint8_t c = static_cast<std::uint8_t>(s[k]);
            const std::uint8_t* lb = labels_.data() + child_begin_[node];
            const std::uint8_t* le = labels_.data() + child_begin_[node + 1];
            const std::uint8_t* it = std::lower_bound(lb, le, c);
            if (it == le || *it != c) break;
            node = static_cast<std::uint32_t>(targets_[static_cast<std::size_t>(it - labels_.data())]);
            ++k;
            const int v = node_value_[node];
            if (v < 0) continue;
            const PieceType t = pieces_[static_cast<std::size_t>(v)].type;
            if (t == kUnused) continue;
            max_frontier = std::max(max_frontier, k);
            const std::size_t length = k - pos;
            // a user-defined piece scores 0.1 * (bytes - 1), computed in double, kept as float
            const float score = t == kUserDefined ? static_cast<float>(0.1 * (static_cast<int>(length) - 1))
                                                  : pieces_[static_cast<std::size_t>(v)].score;
            const float cand = score + till;
            Best& target = best[k];
            if (target.start == -1 || cand > target.score) {
                target.score = cand;
                target.start = static_cast<long>(pos);
                target.id = v;
            }
            if (!has_single && length == mblen) has_single = true;
        }
        if (!has_single) {
            max_frontier = std::max(max_frontier, pos + mblen);
            Best& target = best[pos + mblen];
            const float cand = unk_score + till;
            if (target.start == -1 || cand > target.score) {
                target.score = cand;
                target.start = static_cast<long>(pos);
                target.id = model_unk_id_;
            }
        }
        pos += mblen;
    }
    std::vector<std::pair<std::size_t, int>> path;  // (start, id), backwards
    for (std::size_t end = n; end > 0;) {
        const Best& b = best[end];
        path.emplace_back(static_cast<std::size_t>(b.start), b.id);
        end = static_cast<std::size_t>(b.start);
    }
    std::reverse(path.begin(), path.end());
    bool prev_unk = false;
    for (std::size_t i = 0; i < path.size(); ++i) {
        const int id = path[i].second;
        const bool is_unk = id == model_unk_id_ || (id >= 0 && pieces_[static_cast<std::size_t>(id)].type == kUnknown);
        if (is_unk && byte_fallback_) {
            const std::size_t a = path[i].first, b = i + 1 < path.size() ? path[i + 1].first : n;
            for (std::size_t j = a; j < b; ++j) ids.push_back(byte_ids_[static_cast<unsigned char>(s[j])]);
        } else if (!(is_unk && prev_unk)) {
            ids.push_back(id);
        }
        prev_unk = is_unk;
    }
}

void SpieceTokenizer::encode_plain(const char* text, std::size_t n, std::vector<std::int32_t>& ids) const {
    std::u32string cps, norm;
    std::size_t bad = 0;
    spiece_detail::utf8_decode(text, n, cps, bad);  // validated by the caller
    normalize(cps, norm);
    std::string part;
    std::size_t i = 0;
    const std::size_t m = norm.size();
    while (i < m) {
        while (i < m && spiece_detail::is_white_space(norm[i])) ++i;
        if (i >= m) break;
        std::size_t j = i;
        while (j < m && !spiece_detail::is_white_space(norm[j])) ++j;
        // the word norm[i, j): a leading U+2581, then split before every U+2581
        part.clear();
        if (norm[i] != kUnderline) utf8_append(part, kUnderline);
        for (std::size_t k = i; k < j; ++k) {
            if (norm[k] == kUnderline && k > i) {
                encode_part(part, ids);
                part.clear();
            }
            utf8_append(part, norm[k]);
        }
        encode_part(part, ids);
        i = j;
    }
}

// ---------------------------------------------------------------------------------------------

bool SpieceTokenizer::load(const std::string& folder, int max_length, std::string& err) {
    SpieceTokenizer t;
    const std::string model_path = join_path(folder, "spiece.model");
    if (max_length < 1) {
        err = "max_length must be at least 1, got " + std::to_string(max_length);
        return false;
    }
    t.max_length_ = max_length;
    std::string model;
    switch (read_file(model_path, model)) {
        case ReadResult::Missing: err = "T5 tokenizer folder " + folder + " lacks spiece.model"; return false;
        case ReadResult::Error: err = model_path + " could not be read"; return false;
        case ReadResult::Ok: break;
    }
    std::string spm_charsmap, why;
    if (!t.parse_model(model, spm_charsmap, why)) {
        err = model_path + " is not a SentencePiece model: " + why;
        return false;
    }

    json::Value cfg, smap, tj;
    bool has_cfg = false, has_smap = false, has_tj = false;
    const std::string tj_path = join_path(folder, "tokenizer.json");
    if (!read_json(join_path(folder, "tokenizer_config.json"), cfg, has_cfg, err)) return false;
    if (!read_json(join_path(folder, "special_tokens_map.json"), smap, has_smap, err)) return false;
    if (!read_json(tj_path, tj, has_tj, err)) return false;
    if (has_tj && tj.kind == json::Value::Null) has_tj = false;  // the Python reads `null` as no file
    if (has_cfg && cfg.kind != json::Value::Object) has_cfg = false;
    if (has_smap && smap.kind != json::Value::Object) has_smap = false;
    if (has_tj && tj.kind != json::Value::Object) {
        err = tj_path + " is not a JSON object";
        return false;
    }
    const int n = static_cast<int>(t.pieces_.size());

    // character map: tokenizer.json's when there is one (none there: no normalisation), else
    // spiece.model's
    std::string charsmap;
    std::string charsmap_src = model_path;
    if (has_tj) {
        charsmap_src = tj_path;
        const json::Value* model_v = tj.get("model");
        const json::Value* vocab = model_v ? model_v->get("vocab") : nullptr;
        if (vocab && vocab->kind == json::Value::Array) {
            const std::size_t m = std::min(static_cast<std::size_t>(n), vocab->arr.size());
            for (std::size_t i = 0; i < m; ++i) {
                const json::Value& e = vocab->arr[i];
                const json::Value* pv = e.kind == json::Value::Array ? (e.arr.empty() ? nullptr : &e.arr[0]) : &e;
                if (!pv || pv->kind != json::Value::String || pv->str != t.pieces_[i].text) {
                    err = tj_path + " and spiece.model in the same folder disagree (piece " + std::to_string(i) + ": " +
                          (pv && pv->kind == json::Value::String ? "'" + pv->str + "'" : std::string("a non-string")) +
                          " vs '" + t.pieces_[i].text + "'); they come from different tokenizers";
                    return false;
                }
            }
        }
        const json::Value* norm = tj.get("normalizer");
        if (norm && norm->kind == json::Value::Object && !norm->obj.empty()) {
            std::vector<const json::Value*> items;
            const json::Value* type = norm->get("type");
            if (type && type->kind == json::Value::String && type->str == "Sequence") {
                const json::Value* list = norm->get("normalizers");
                if (list && list->kind == json::Value::Array)
                    for (const auto& x : list->arr) items.push_back(&x);
            } else {
                items.push_back(norm);
            }
            for (const json::Value* x : items) {
                if (x->kind != json::Value::Object) continue;
                const json::Value* xt = x->get("type");
                const json::Value* pc = x->get("precompiled_charsmap");
                if (xt && xt->kind == json::Value::String && xt->str == "Precompiled" && pc &&
                    pc->kind == json::Value::String && !pc->str.empty()) {
                    if (!base64_decode(pc->str, charsmap)) {
                        err = tj_path + ": precompiled_charsmap is not valid base64";
                        return false;
                    }
                    break;
                }
            }
        }
    } else {
        charsmap = spm_charsmap;
    }
    if (charsmap.size() >= 4) {
        std::uint32_t bytes = 0;
        for (int i = 0; i < 4; ++i) bytes |= static_cast<std::uint32_t>(static_cast<unsigned char>(charsmap[i])) << (8 * i);
        if (bytes % 4 || 4 + static_cast<std::size_t>(bytes) > charsmap.size()) {
            err = charsmap_src + ": malformed precompiled_charsmap";
            return false;
        }
        t.charsmap_.units.resize(bytes / 4);
        for (std::size_t i = 0; i < t.charsmap_.units.size(); ++i) {
            const auto* p = reinterpret_cast<const unsigned char*>(charsmap.data()) + 4 + 4 * i;
            t.charsmap_.units[i] = static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
                                   (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
        }
        t.charsmap_.strings = charsmap.substr(4 + bytes);
    }

    auto cfg_get = [&](const char* key) -> const json::Value* { return has_cfg ? cfg.get(key) : nullptr; };
    auto tok_name = [&](const char* key, const char* dflt) -> std::string {
        std::string s = token_text(cfg_get(key));
        if (s.empty() && has_smap) s = token_text(smap.get(key));
        return s.empty() ? std::string(dflt) : s;
    };
    const std::string eos_t = tok_name("eos_token", "</s>"), pad_t = tok_name("pad_token", "<pad>"),
                      unk_t = tok_name("unk_token", "<unk>");

    // added tokens, in insertion order (a later one with the same text replaces the id)
    std::vector<std::pair<std::string, int>> added;
    auto add = [&](const std::string& text, long long id) {
        for (auto& kv : added)
            if (kv.first == text) { kv.second = static_cast<int>(id); return; }
        added.emplace_back(text, static_cast<int>(id));
    };
    auto find_added = [&](const std::string& text) -> const std::pair<std::string, int>* {
        for (const auto& kv : added)
            if (kv.first == text) return &kv;
        return nullptr;
    };
    auto id_ok = [](long long id) { return id >= 0 && id <= 0x7FFFFFFF; };
    if (has_tj) {
        const json::Value* at = tj.get("added_tokens");
        if (at && at->kind == json::Value::Array) {
            for (const auto& e : at->arr) {
                const json::Value* c = e.get("content");
                const json::Value* i = e.get("id");
                long long id = 0;
                if (!c || c->kind != json::Value::String || !i || !json_int(*i, id) || !id_ok(id)) {
                    err = tj_path + ": malformed added_tokens entry";
                    return false;
                }
                add(c->str, id);
            }
        }
    }
    if (added.empty()) {
        const json::Value* dec = cfg_get("added_tokens_decoder");
        if (dec && dec->kind == json::Value::Object) {
            for (const auto& kv : dec->obj) {
                const std::string text = token_text(&kv.second);
                if (text.empty()) continue;
                long long id = 0;
                if (!parse_int(kv.first, id) || !id_ok(id)) {
                    err = join_path(folder, "tokenizer_config.json") + ": added_tokens_decoder key '" + kv.first +
                          "' is not a token id";
                    return false;
                }
                add(text, id);
            }
        }
    }
    auto is_piece = [&](const std::string& text, int& id) {
        id = t.piece_to_id(text);
        return id >= 0 && id < n && !t.pieces_[static_cast<std::size_t>(id)].skipped &&
               t.pieces_[static_cast<std::size_t>(id)].text == text;
    };
    if (added.empty()) {
        for (const std::string* tok : {&eos_t, &pad_t, &unk_t}) {
            int id;
            if (is_piece(*tok, id)) add(*tok, id);
        }
        long long extra = 100;
        if (const json::Value* e = cfg_get("extra_ids")) {
            if (e->kind == json::Value::Null || (e->kind == json::Value::Bool && !e->b)) extra = 0;
            else if (e->kind == json::Value::Bool) extra = 1;
            else if (!json_int(*e, extra) || extra < 0 || extra > 100000) {
                err = join_path(folder, "tokenizer_config.json") + ": extra_ids is not a small integer";
                return false;
            }
        }
        for (long long i = 0; i < extra; ++i) {
            const std::string tok = "<extra_id_" + std::to_string(i) + ">";
            int id;
            add(tok, is_piece(tok, id) ? id : n + extra - 1 - i);
        }
    }
    for (const char* key : {"additional_special_tokens", "extra_special_tokens"}) {
        const json::Value* list = cfg_get(key);
        if (!list) continue;
        std::vector<std::string> toks;
        if (list->kind == json::Value::Array)
            for (const auto& x : list->arr) toks.push_back(token_text(&x));
        else if (list->kind == json::Value::Object)  // list(dict): its keys
            for (const auto& kv : list->obj) toks.push_back(kv.first);
        for (const auto& tok : toks) {
            int id;
            if (!tok.empty() && !find_added(tok) && is_piece(tok, id)) add(tok, id);
        }
    }

    // sentencepiece's eos_id()/pad_id() (a CONTROL piece named in trainer_spec) and unk_id()
    auto sp_id = [&](const std::string& piece, PieceType want) {
        const int id = t.piece_to_id(piece);
        return id >= 0 && t.pieces_[static_cast<std::size_t>(id)].type == want ? id : -1;
    };
    auto special_id = [&](const std::string& tok, int sp, int& out) {
        if (const auto* a = find_added(tok)) { out = a->second; return true; }
        if (sp >= 0) { out = sp; return true; }
        err = folder + ": the tokenizer has no id for '" + tok + "'";
        return false;
    };
    if (!special_id(eos_t, sp_id(t.eos_piece_, kControl), t.eos_id_) ||
        !special_id(pad_t, sp_id(t.pad_piece_, kControl), t.pad_id_) ||
        !special_id(unk_t, sp_id(t.unk_piece_, kUnknown), t.unk_token_id_))
        return false;
    int maxid = n - 1;
    for (const auto& kv : added) maxid = std::max(maxid, kv.second);
    t.vocab_size_ = maxid + 1;

    // longest first, stable (the Python sorts by length, reverse=True); empty ones dropped
    added.erase(std::remove_if(added.begin(), added.end(), [](const auto& kv) { return kv.first.empty(); }), added.end());
    std::stable_sort(added.begin(), added.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    t.added_ = std::move(added);
    t.added_by_byte_.assign(256, {});
    for (std::size_t i = 0; i < t.added_.size(); ++i)
        t.added_by_byte_[static_cast<unsigned char>(t.added_[i].first[0])].push_back(static_cast<int>(i));
    *this = std::move(t);
    return true;
}

bool SpieceTokenizer::tokenize(const std::string& prompt, std::vector<std::int32_t>& ids, std::string& err) const {
    if (!loaded()) {
        err = "the T5 tokenizer is not loaded";
        return false;
    }
    std::size_t bad = 0;
    if (!tokenize_valid(prompt, ids, bad)) {
        err = "prompt is not valid UTF-8 (byte offset " + std::to_string(bad) + ")";
        return false;
    }
    return true;
}

bool SpieceTokenizer::tokenize_valid(const std::string& prompt, std::vector<std::int32_t>& ids, std::size_t& bad) const {
    ids.clear();
    std::u32string scratch;
    if (!spiece_detail::utf8_decode(prompt.data(), prompt.size(), scratch, bad)) return false;
    // added tokens: leftmost, then the longest at that position (the alternation of the Python's
    // regex, longest first); a token is valid UTF-8, so a match starts on a character boundary
    const std::size_t n = prompt.size();
    std::size_t seg = 0, i = 0;
    while (i < n) {
        int hit = -1;
        for (int k : added_by_byte_[static_cast<unsigned char>(prompt[i])]) {
            const std::string& tok = added_[static_cast<std::size_t>(k)].first;
            if (tok.size() <= n - i && std::memcmp(prompt.data() + i, tok.data(), tok.size()) == 0) {
                hit = k;
                break;
            }
        }
        if (hit < 0) {
            ++i;
            continue;
        }
        if (i > seg) encode_plain(prompt.data() + seg, i - seg, ids);
        ids.push_back(added_[static_cast<std::size_t>(hit)].second);
        i += added_[static_cast<std::size_t>(hit)].first.size();
        seg = i;
    }
    if (seg < n) encode_plain(prompt.data() + seg, n - seg, ids);
    return true;
}

bool SpieceTokenizer::encode(const std::vector<std::string>& prompts, std::vector<std::int32_t>& ids,
                             std::vector<std::uint8_t>& mask, std::string& err) const {
    if (!loaded()) {
        err = "the T5 tokenizer is not loaded";
        return false;
    }
    const std::size_t L = static_cast<std::size_t>(max_length_);
    std::vector<std::int32_t> out_ids(prompts.size() * L, pad_id_);
    std::vector<std::uint8_t> out_mask(prompts.size() * L, 0);
    std::vector<std::int32_t> t;
    for (std::size_t b = 0; b < prompts.size(); ++b) {
        std::size_t bad = 0;
        if (!tokenize_valid(prompts[b], t, bad)) {
            err = "prompt " + std::to_string(b) + " is not valid UTF-8 (byte offset " + std::to_string(bad) + ")";
            return false;
        }
        if (t.size() > L - 1) t.resize(L - 1);
        t.push_back(eos_id_);
        std::copy(t.begin(), t.end(), out_ids.begin() + static_cast<std::ptrdiff_t>(b * L));
        std::fill_n(out_mask.begin() + static_cast<std::ptrdiff_t>(b * L), t.size(), std::uint8_t{1});
    }
    ids = std::move(out_ids);
    mask = std::move(out_mask);
    return true;
}

}  // namespace bewo::sa
