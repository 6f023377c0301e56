// The words of a text with where they are: what the text rewrites (prompt_listener.cpp,
// prompt_heights.cpp) scan, so an edit can replace a word in place.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "text_match.h"

namespace bewo::rt {

struct TextWord {
    std::size_t begin, end;  // [begin, end) in the text
    std::u32string low;      // lower case
};

// Letters, with an apostrophe inside a word kept ("customer's", "it's").
inline std::vector<TextWord> words_of(const std::u32string& t) {
    std::vector<TextWord> out;
    for (std::size_t i = 0; i < t.size();) {
        if (!textmatch::is_letter(t[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < t.size() && (textmatch::is_letter(t[j]) || (t[j] == '\'' && j + 1 < t.size() && textmatch::is_letter(t[j + 1]))))
            ++j;
        out.push_back({i, j, textmatch::lower(t.substr(i, j - i))});
        i = j;
    }
    return out;
}

// Only spaces between two words (no comma, full stop or line break).
inline bool joined(const std::u32string& t, const TextWord& a, const TextWord& b) {
    for (std::size_t i = a.end; i < b.begin; ++i)
        if (t[i] != ' ') return false;
    return true;
}

// Words that end a noun phrase before them: "behind the pilot, ...", "behind the class while ...",
// "up in the pines to my right" (not "behind the guard tower", where "tower" goes on with it).
inline bool ends_a_noun_phrase(const std::u32string& w) {
    static const std::set<std::u32string> s = {
        U"and", U"or", U"but", U"nor", U"while", U"as", U"so", U"then", U"when", U"where", U"who", U"whom",
        U"whose", U"which", U"that", U"with", U"without", U"on", U"in", U"at", U"to", U"from", U"of", U"for",
        U"by", U"into", U"onto", U"near", U"is", U"are", U"was", U"were", U"be", U"been", U"has", U"have", U"had",
        U"will", U"would", U"can", U"could", U"should", U"may", U"might", U"must", U"do", U"does", U"did", U"not",
        U"also", U"again", U"slightly", U"just", U"a", U"an", U"the", U"this", U"these", U"those", U"his", U"her",
        U"their", U"its", U"our", U"your", U"my", U"it", U"there", U"here", U"now", U"all", U"throughout",
        U"during", U"until", U"till", U"whenever", U"every", U"each", U"before", U"after", U"left", U"right",
        U"ahead", U"behind", U"above", U"below", U"up", U"down", U"slowly", U"quietly", U"softly", U"loudly"};
    return s.count(w) > 0;
}

// Where `needle` (lower-case ASCII) is in t from `from`, ignoring ASCII case; npos if nowhere. For
// the cheap checks before a rewrite builds its word list.
inline std::size_t find_ascii_ci(const std::u32string& t, const char32_t* needle, std::size_t from = 0) {
    const std::u32string_view n(needle);
    if (n.empty() || t.size() < n.size()) return std::u32string::npos;
    for (std::size_t i = from; i + n.size() <= t.size(); ++i) {
        std::size_t k = 0;
        while (k < n.size()) {
            char32_t c = t[i + k];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != n[k]) break;
            ++k;
        }
        if (k == n.size()) return i;
    }
    return std::u32string::npos;
}

struct TextEdit {
    std::size_t begin, end;  // the span replaced
    std::u32string text;
};

// The text with the edits made (in order; an edit overlapping an earlier one is skipped).
inline std::u32string with_edits(const std::u32string& t, const std::vector<TextEdit>& edits) {
    if (edits.empty()) return t;
    std::u32string out;
    std::size_t at = 0;
    for (const TextEdit& e : edits) {
        if (e.begin < at) continue;
        out += t.substr(at, e.begin - at);
        out += e.text;
        at = e.end;
    }
    out += t.substr(at);
    return out;
}

}  // namespace bewo::rt
