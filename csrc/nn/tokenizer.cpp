// BERT WordPiece tokenizer, written from the algorithm (see tokenizer.h and
// bewo_rt/model/tokenizer.py, which it mirrors step by step).
#include "tokenizer.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bewo::nn {

namespace {

#include "unicode_tables.inc"

enum CharClass : std::uint32_t {
    kOther = 0,
    kDrop = 1,      // removed by _clean
    kSpace = 2,     // \t \n \r, Zs: becomes ' '
    kPunct = 3,     // split out as its own word
    kMn0 = 4,       // non-spacing mark, ccc 0 (dropped after NFD)
    kMnX = 5,       // non-spacing mark, ccc != 0 (dropped after NFD)
    kSeparator = 6  // U+2028, U+2029: kept by _clean, but str.split() splits on them
};

template <std::size_t N, class T>
std::size_t range_index(const T (&table)[N][2], char32_t cp) {
    // Last entry whose start <= cp (the first entry starts at 0).
    std::size_t lo = 0, hi = N;
    while (hi - lo > 1) {
        const std::size_t mid = (lo + hi) / 2;
        if (static_cast<char32_t>(table[mid][0]) <= cp) lo = mid;
        else hi = mid;
    }
    return lo;
}

std::uint32_t char_class(char32_t cp) { return kClassRanges[range_index(kClassRanges, cp)][1]; }
std::uint32_t case_flags(char32_t cp) { return kCaseRanges[range_index(kCaseRanges, cp)][1]; }
bool is_cased(char32_t cp) { return case_flags(cp) == 1; }
bool is_case_ignorable(char32_t cp) { return case_flags(cp) == 2; }

bool is_cjk(char32_t cp) {
    return (0x4E00 <= cp && cp <= 0x9FFF) || (0x3400 <= cp && cp <= 0x4DBF) || (0x20000 <= cp && cp <= 0x2A6DF) ||
           (0x2A700 <= cp && cp <= 0x2B73F) || (0x2B740 <= cp && cp <= 0x2B81F) ||
           (0x2B820 <= cp && cp <= 0x2CEAF) || (0xF900 <= cp && cp <= 0xFAFF) || (0x2F800 <= cp && cp <= 0x2FA1F);
}

// Simple (one code point) lower-case mapping.
char32_t lower_simple(char32_t cp) {
    constexpr std::size_t n = sizeof(kLowerRanges) / sizeof(kLowerRanges[0]);
    std::size_t lo = 0, hi = n;
    while (lo < hi) {  // first range with first > cp
        const std::size_t mid = (lo + hi) / 2;
        if (static_cast<char32_t>(kLowerRanges[mid][0]) <= cp) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return cp;
    const auto& r = kLowerRanges[lo - 1];
    const char32_t first = static_cast<char32_t>(r[0]), last = static_cast<char32_t>(r[1]);
    if (cp > last || (cp - first) % static_cast<char32_t>(r[2]) != 0) return cp;
    return static_cast<char32_t>(static_cast<std::int64_t>(cp) + r[3]);
}

// CPython's Final_Sigma test for the capital sigma at s[i] (unicodeobject.c, handle_capital_sigma).
bool final_sigma(const std::vector<char32_t>& s, std::size_t i) {
    std::size_t j = i;
    char32_t c = 0;
    bool found = false;
    while (j > 0) {
        c = s[--j];
        if (!is_case_ignorable(c)) {
            found = true;
            break;
        }
    }
    if (!found || !is_cased(c)) return false;
    for (j = i + 1; j < s.size(); ++j)
        if (!is_case_ignorable(s[j])) return !is_cased(s[j]);
    return true;
}

// Full canonical decomposition of one code point appended to out.
void decompose(char32_t cp, std::u32string& out) {
    if (0xAC00 <= cp && cp <= 0xD7A3) {  // Hangul syllables, algorithmically (Unicode 3.12)
        const char32_t s = cp - 0xAC00;
        out.push_back(0x1100 + s / 588);
        out.push_back(0x1161 + (s % 588) / 28);
        if (s % 28 != 0) out.push_back(0x11A7 + s % 28);
        return;
    }
    constexpr std::size_t n = sizeof(kDecomp) / sizeof(kDecomp[0]);
    std::size_t lo = 0, hi = n;
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (kDecomp[mid][0] < cp) lo = mid + 1;
        else hi = mid;
    }
    if (lo < n && kDecomp[lo][0] == cp) {
        const std::uint32_t* p = kDecompPool + kDecomp[lo][1];
        out.append(p, p + kDecomp[lo][2]);
    } else {
        out.push_back(cp);
    }
}

// Combining class of the few non-Mn code points that have one (0 for all others).
unsigned ccc_non_mn(char32_t cp) {
    for (const auto& e : kCccNonMn)
        if (e[0] == cp) return e[1];
    return 0;
}

// NFD of a word, then the Mn code points removed. Canonical reordering (stable sort by ccc
// within runs of non-starters) can only change the relative order of the surviving marks,
// the non-Mn code points with ccc != 0, so only those are sorted.
void nfd_strip_marks(const std::u32string& word, std::u32string& out) {
    std::u32string d;
    for (char32_t cp : word) decompose(cp, d);
    // Reorder.
    std::size_t i = 0;
    std::vector<std::size_t> slots;
    std::vector<std::pair<unsigned, char32_t>> keep;
    while (i < d.size()) {
        std::size_t j = i;
        slots.clear();
        keep.clear();
        for (; j < d.size(); ++j) {
            const unsigned c = ccc_non_mn(d[j]);
            if (c != 0) {
                slots.push_back(j);
                keep.emplace_back(c, d[j]);
            } else if (char_class(d[j]) != kMnX) {
                break;  // a starter (ccc 0) ends the run
            }
        }
        if (keep.size() > 1) {
            std::stable_sort(keep.begin(), keep.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
            for (std::size_t k = 0; k < slots.size(); ++k) d[slots[k]] = keep[k].second;
        }
        i = std::max(j, i + 1);
    }
    out.clear();
    for (char32_t cp : d) {
        const auto c = char_class(cp);
        if (c != kMn0 && c != kMnX) out.push_back(cp);
    }
}

// The words of BERT's basic tokenizer, in order; fn(word) returns false to stop.
template <class Fn>
void split_words(const std::vector<char32_t>& cps, Fn&& fn) {
    // _clean
    std::vector<char32_t> clean;
    clean.reserve(cps.size() + 8);
    for (char32_t cp : cps) {
        const auto c = char_class(cp);
        if (c == kDrop) continue;
        if (c == kSpace) {
            clean.push_back(U' ');
        } else if (is_cjk(cp)) {
            clean.push_back(U' ');
            clean.push_back(cp);
            clean.push_back(U' ');
        } else {
            clean.push_back(cp);
        }
    }
    // .lower()
    std::u32string lower;
    lower.reserve(clean.size() + 4);
    for (std::size_t i = 0; i < clean.size(); ++i) {
        const char32_t cp = clean[i];
        if (cp == 0x3A3) {
            lower.push_back(final_sigma(clean, i) ? 0x3C2 : 0x3C3);
        } else if (cp == 0x130) {
            lower.push_back(U'i');
            lower.push_back(0x307);
        } else {
            lower.push_back(lower_simple(cp));
        }
    }
    // .split(), then per word NFD, drop Mn, split on punctuation.
    std::u32string word, stripped, cur;
    std::size_t i = 0;
    while (i < lower.size()) {
        while (i < lower.size() && (lower[i] == U' ' || char_class(lower[i]) == kSeparator)) ++i;
        if (i == lower.size()) break;
        word.clear();
        while (i < lower.size() && lower[i] != U' ' && char_class(lower[i]) != kSeparator) word.push_back(lower[i++]);
        nfd_strip_marks(word, stripped);
        cur.clear();
        for (char32_t cp : stripped) {
            if (char_class(cp) == kPunct) {
                if (!cur.empty()) {
                    if (!fn(cur)) return;
                    cur.clear();
                }
                if (!fn(std::u32string(1, cp))) return;
            } else {
                cur.push_back(cp);
            }
        }
        if (!cur.empty() && !fn(cur)) return;
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

void utf8_append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool utf8_decode(const std::string& s, std::vector<char32_t>& out, std::string& err) {
    out.clear();
    out.reserve(s.size());
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    auto fail = [&](const char* what) {
        err = std::string("invalid UTF-8 (") + what + " at byte " + std::to_string(i) + ")";
        out.clear();
        return false;
    };
    while (i < n) {
        const unsigned b0 = p[i];
        if (b0 < 0x80) {
            out.push_back(b0);
            ++i;
            continue;
        }
        int len;
        char32_t cp;
        unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            len = 2;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            len = 3;
            cp = b0 & 0x0F;
            if (b0 == 0xE0) lo = 0xA0;       // overlong
            else if (b0 == 0xED) hi = 0x9F;  // surrogates
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            len = 4;
            cp = b0 & 0x07;
            if (b0 == 0xF0) lo = 0x90;       // overlong
            else if (b0 == 0xF4) hi = 0x8F;  // > U+10FFFF
        } else {
            return fail(b0 >= 0x80 && b0 <= 0xBF ? "unexpected continuation byte" : "invalid start byte");
        }
        for (int k = 1; k < len; ++k) {
            if (i + k >= n) return fail("truncated sequence");
            const unsigned b = p[i + k];
            if (b < (k == 1 ? lo : 0x80u) || b > (k == 1 ? hi : 0xBFu)) return fail("invalid continuation byte");
            cp = (cp << 6) | (b & 0x3F);
        }
        out.push_back(cp);
        i += len;
    }
    return true;
}

bool unicode_is_space(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

// ---------------------------------------------------------------------------------------------

bool WordPieceTokenizer::load(const std::string& vocab_path, std::string& err) {
    std::ifstream f(vocab_path, std::ios::binary);
    if (!f) {
        err = "cannot open vocab file " + vocab_path;
        return false;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    if (f.bad()) {
        err = "cannot read vocab file " + vocab_path;
        return false;
    }
    if (!load_from_text(ss.str(), err)) {
        err = vocab_path + ": " + err;
        return false;
    }
    return true;
}

bool WordPieceTokenizer::load_from_text(const std::string& text, std::string& err) {
    std::vector<char32_t> check;
    if (!utf8_decode(text, check, err)) return false;
    vocab_.clear();
    // Universal newlines (Path.read_text): \r\n and \r are line ends too.
    std::vector<std::string> lines(1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            lines.emplace_back();
        } else {
            lines.back().push_back(c);
        }
    }
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    for (std::size_t i = 0; i < lines.size(); ++i) vocab_[lines[i]] = static_cast<int>(i);
    for (const char* special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]"}) {
        if (vocab_.find(special) == vocab_.end()) {
            vocab_.clear();
            err = std::string("the vocabulary lacks the special token ") + special;
            return false;
        }
    }
    unk_ = vocab_["[UNK]"];
    cls_ = vocab_["[CLS]"];
    sep_ = vocab_["[SEP]"];
    pad_ = vocab_["[PAD]"];
    return true;
}

int WordPieceTokenizer::token_id(const std::string& token) const {
    const auto it = vocab_.find(token);
    return it == vocab_.end() ? -1 : it->second;
}

void WordPieceTokenizer::word_pieces(const std::u32string& word, std::vector<int>& ids, std::string& scratch,
                                     std::vector<std::size_t>& offsets) const {
    if (word.size() > static_cast<std::size_t>(kMaxWordChars)) {
        ids.push_back(unk_);
        return;
    }
    std::string utf8;
    offsets.clear();
    for (char32_t cp : word) {
        offsets.push_back(utf8.size());
        utf8_append(utf8, cp);
    }
    offsets.push_back(utf8.size());
    const std::size_t first = ids.size();
    const std::size_t n = word.size();
    std::size_t start = 0;
    while (start < n) {
        std::size_t end = n;
        int found = -1;
        while (start < end) {
            scratch.clear();
            if (start > 0) scratch += "##";
            scratch.append(utf8, offsets[start], offsets[end] - offsets[start]);
            const auto it = vocab_.find(scratch);
            if (it != vocab_.end()) {
                found = it->second;
                break;
            }
            --end;
        }
        if (found < 0) {
            ids.resize(first);
            ids.push_back(unk_);
            return;
        }
        ids.push_back(found);
        start = end;
    }
}

bool WordPieceTokenizer::encode(const std::vector<char32_t>& cps, int max_length, std::vector<int>& ids,
                                std::string& err) const {
    ids.clear();
    if (!loaded()) {
        err = "the tokenizer has no vocabulary loaded";
        return false;
    }
    if (max_length < 1) {
        err = "max_length must be >= 1, got " + std::to_string(max_length);
        return false;
    }
    const std::size_t limit = static_cast<std::size_t>(max_length) - 1;  // ids before [SEP]
    ids.push_back(cls_);
    std::string scratch;
    std::vector<std::size_t> offsets;
    split_words(cps, [&](const std::u32string& w) {
        word_pieces(w, ids, scratch, offsets);
        return ids.size() < limit;  // later words cannot survive the truncation
    });
    if (ids.size() > limit) ids.resize(limit);
    ids.push_back(sep_);
    return true;
}

bool WordPieceTokenizer::encode(const std::string& utf8, int max_length, std::vector<int>& ids,
                                std::string& err) const {
    std::vector<char32_t> cps;
    if (!utf8_decode(utf8, cps, err)) {
        ids.clear();
        return false;
    }
    return encode(cps, max_length, ids, err);
}

std::vector<int> WordPieceTokenizer::encode(const std::string& utf8, int max_length) const {
    std::vector<int> ids;
    std::string err;
    if (!encode(utf8, max_length, ids, err)) throw std::invalid_argument(err);
    return ids;
}

std::vector<std::string> WordPieceTokenizer::basic_split(const std::vector<char32_t>& cps) const {
    std::vector<std::string> words;
    split_words(cps, [&](const std::u32string& w) {
        std::string s;
        for (char32_t cp : w) utf8_append(s, cp);
        words.push_back(std::move(s));
        return true;
    });
    return words;
}

}  // namespace bewo::nn
