#include "prompt_shorthand.h"

#include <map>
#include <set>

#include "text_match.h"

namespace bewo::rt {

using namespace textmatch;

// Misspelt direction words people type in a hurry ("to the rigth", "behnd me", "infront"), as the
// words they mean; only whole words, so nothing else is touched.
u32 with_common_misspellings_fixed(const u32& t) {
    static const std::map<u32, u32> fixes = {
        {U"rigth", U"right"}, {U"rihgt", U"right"}, {U"rght", U"right"}, {U"lfet", U"left"},
        {U"lef", U"left"}, {U"letf", U"left"}, {U"behnd", U"behind"}, {U"behidn", U"behind"}, {U"bhind", U"behind"},
        {U"bheind", U"behind"}, {U"behinde", U"behind"}, {U"overhed", U"overhead"}, {U"ovrhead", U"overhead"},
        {U"overheard", U"overhead"}, {U"infront", U"in front"}, {U"infornt", U"in front"}, {U"fornt", U"front"},
        {U"frnt", U"front"}, {U"ahed", U"ahead"}, {U"ahaed", U"ahead"}, {U"abov", U"above"}, {U"abvoe", U"above"},
        {U"belwo", U"below"}, {U"bellow", U"below"}, {U"clokwise", U"clockwise"}, {U"anticlokwise", U"anticlockwise"},
        {U"comming", U"coming"}, {U"awy", U"away"}, {U"rt", U"right"}, {U"lft", U"left"}, {U"frm", U"from"},
        {U"bhnd", U"behind"}, {U"bhd", U"behind"}, {U"slighlty", U"slightly"}, {U"sligthly", U"slightly"},
        {U"slighly", U"slightly"}, {U"slightley", U"slightly"}, {U"twds", U"towards"}, {U"abv", U"above"}};
    u32 out;
    out.reserve(t.size() + 8);
    for (std::size_t i = 0; i < t.size();) {
        if (!is_letter(t[i])) {
            out.push_back(t[i++]);
            continue;
        }
        std::size_t j = i;
        while (j < t.size() && (is_letter(t[j]) || t[j] == '\'')) ++j;
        const u32 word = t.substr(i, j - i);
        const auto it = fixes.find(lower(word));
        // "bellow" and "overheard" are words too: only next to the words that place a sound
        const bool guarded = it != fixes.end() && (it->first == U"bellow" || it->first == U"overheard" || it->first == U"lef" ||
                                                   it->first == U"rt" || it->first == U"lft");
        bool ok = it != fixes.end();
        if (guarded) {
            std::size_t k = i;
            while (k > 0 && t[k - 1] == ' ') --k;
            std::size_t b = k;
            while (b > 0 && is_letter(t[b - 1])) --b;
            const u32 before = lower(t.substr(b, k - b));
            ok = before == U"the" || before == U"my" || before == U"your" || before == U"to" || before == U"from" ||
                 before == U"on" || before == U"directly" || before == U"right";
        }
        out += ok ? it->second : word;
        i = j;
    }
    return out;
}


u32 with_chat_shorthand(const u32& t) {
    u32 out;
    out.reserve(t.size() + 8);
    auto word_before = [&](std::size_t i) {  // the word ending before position i (lower case)
        std::size_t k = i;
        while (k > 0 && t[k - 1] == ' ') --k;
        std::size_t b = k;
        while (b > 0 && is_letter(t[b - 1])) --b;
        return lower(t.substr(b, k - b));
    };
    auto word_after = [&](std::size_t j) {
        std::size_t k = j;
        while (k < t.size() && t[k] == ' ') ++k;
        std::size_t e = k;
        while (e < t.size() && is_letter(t[e])) ++e;
        return lower(t.substr(k, e - k));
    };
    static const std::set<u32> side_after = {U"to", U"side", U"and", U"then", U"pls", U"plz", U"please", U"n", U"w",
                                             U"with", U"while", U"ear", U"channel", U"speaker"};
    static const std::set<u32> side_before = {U"on", U"to", U"the", U"from", U"far", U"hard", U"back", U"front", U"rear",
                                              U"slightly", U"off", U"at", U"my", U"your", U"towards", U"toward", U"bit",
                                              U"little", U"just", U"pan", U"panned", U"extreme", U"starting", U"start",
                                              U"starts", U"into", U"in"};
    static const std::set<u32> subjects = {U"u", U"you", U"we", U"they", U"i", U"ppl", U"people", U"there", U"what", U"who"};
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char32_t c = t[i];
        const bool starts = i == 0 || !(is_word(t[i - 1]) || t[i - 1] == '\'' || t[i - 1] == '.');
        // "hi, can you put ...": a greeting opening the text is no sound ("hi" stays a word: "hi hat")
        if (i == 0 && t.size() >= 2 && lower(t.substr(0, 2)) == U"hi" && (t.size() == 2 || (!is_word(t[2]) && t[2] != '-')) &&
            lower(t.substr(0, 6)) != U"hi hat") {
            out += U"  ";
            ++i;
            continue;
        }
        // "w/ rain": with
        const bool without = i + 2 < t.size() && (t[i + 2] == 'o' || t[i + 2] == 'O') && (i + 3 >= t.size() || !is_word(t[i + 3]));
        if ((c == 'w' || c == 'W') && starts && i + 1 < t.size() && t[i + 1] == '/' && !without) {
            out += U"with ";
            ++i;
            continue;
        }
        const bool letter = (c == 'l' || c == 'r') && starts &&
                            (i + 1 >= t.size() || !(is_word(t[i + 1]) || t[i + 1] == '\'' || t[i + 1] == '&' ||
                                                    (t[i + 1] == '.' && i + 2 < t.size() && is_word(t[i + 2]))));
        if (!letter) {
            out.push_back(c);
            continue;
        }
        std::size_t j = i + 1;
        while (j < t.size() && t[j] == ' ') ++j;
        const bool ends = j >= t.size() || t[j] == ',' || t[j] == '.' || t[j] == ';' || t[j] == '!' || t[j] == '?' ||
                          t[j] == ')' || t[j] == '/' || t[j] == '+' || t[j] == '&' || t[j] == '-' || t[j] == '\n' ||
                          t[j] == ':';
        const u32 next = word_after(i + 1), prev = word_before(i);
        const bool verb_next = next.size() > 4 && ends_with(next, U"ing");  // "birds r singing": are
        const bool side = !subjects.count(prev) && !verb_next &&
                          (ends || side_after.count(next) > 0 || side_before.count(prev) > 0);
        if (side) out += c == 'l' ? U"left" : U"right";  // words, so "back l" reads as "back left"
        else out.push_back(c);
    }
    return out;
}

}  // namespace bewo::rt
