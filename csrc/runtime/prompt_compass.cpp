// Compass directions ("thunder to the north-east", "wolves howl from the west", "due E"), as angles
// from the way the listener faces ("facing north"); with no facing said, north is straight ahead.
#include "prompt_internal.h"

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "text_words.h"

namespace bewo::rt::prompt_detail {

using namespace textmatch;

namespace {

// The bearing of words[i] (and words[i + 1] for "north east"), and how many words it took; 0 if none.
std::size_t bearing_at(const std::vector<TextWord>& words, std::size_t i, bool short_forms, double& bearing) {
    static const std::map<u32, double> whole = {
        {U"north", 0}, {U"northeast", 45}, {U"east", 90}, {U"southeast", 135}, {U"south", 180}, {U"southwest", 225},
        {U"west", 270}, {U"northwest", 315}, {U"northward", 0}, {U"eastward", 90}, {U"southward", 180}, {U"westward", 270}};
    static const std::map<u32, double> letters = {{U"n", 0},   {U"ne", 45},  {U"e", 90},   {U"se", 135},
                                                  {U"s", 180}, {U"sw", 225}, {U"w", 270}, {U"nw", 315}};
    if (i >= words.size()) return 0;
    const u32& w = words[i].low;
    auto it = whole.find(w);
    if (it != whole.end()) {
        bearing = it->second;
        // "north-east", "south west": two words, one bearing
        if ((w == U"north" || w == U"south") && i + 1 < words.size() &&
            (words[i + 1].low == U"east" || words[i + 1].low == U"west") && words[i + 1].begin - words[i].end <= 1) {
            const double side = words[i + 1].low == U"east" ? 90.0 : 270.0;
            bearing = w == U"north" ? (side == 90.0 ? 45.0 : 315.0) : (side == 90.0 ? 135.0 : 225.0);
            return 2;
        }
        return 1;
    }
    auto lt = letters.find(w);
    if (short_forms && lt != letters.end()) {
        bearing = lt->second;
        return 1;
    }
    return 0;
}

}  // namespace

u32 with_compass_bearings(const u32& t, bool& north_assumed) {
    north_assumed = false;
    if (!contains_ascii_ci(t, U"north") && !contains_ascii_ci(t, U"south") && !contains_ascii_ci(t, U"east") &&
        !contains_ascii_ci(t, U"west") && !contains_ascii_ci(t, U"due "))
        return t;
    const u32 low = lower_same_length(t);
    const std::vector<TextWord> words = words_of(low);
    // the way the listener faces: "facing north", "mic facing north-ish", "we stood facing east"
    double facing = 0.0;
    bool faced = false;
    std::vector<std::pair<std::size_t, std::size_t>> cuts;  // [begin, end) of the facing's compass words
    for (std::size_t i = 0; i + 1 < words.size() && !faced; ++i) {
        if (words[i].low != U"facing" && words[i].low != U"faces" && words[i].low != U"face") continue;
        std::size_t j = i + 1;
        if (j < words.size() && (words[j].low == U"due" || words[j].low == U"the")) ++j;
        double b;
        const std::size_t n = bearing_at(words, j, true, b);
        if (n == 0) continue;
        facing = b, faced = true;
        std::size_t end = words[j + n - 1].end;
        if (end + 4 <= low.size() && low.compare(end, 4, U"-ish") == 0) end += 4;
        cuts.push_back({words[j].begin, end});
    }
    struct Edit { std::size_t begin, end; u32 with; };
    std::vector<Edit> edits;
    static const std::set<u32> at_words = {U"to", U"in", U"at", U"off"}, from_words = {U"from"},
                                to_words = {U"toward", U"towards", U"heading", U"into"};
    for (std::size_t i = 0; i < words.size(); ++i) {
        const u32& p = words[i].low;
        const bool due = p == U"due";
        if (!due && !at_words.count(p) && !from_words.count(p) && !to_words.count(p)) continue;
        std::size_t j = i + 1;
        if (!due && j < words.size() && words[j].low == U"the") ++j;
        double b;
        const std::size_t n = bearing_at(words, j, due, b);
        if (n == 0 || j + n - 1 >= words.size()) continue;
        // one phrase: only spaces between its words ("The tide comes in. North of the pier" is two)
        bool one_phrase = true;
        for (std::size_t k = i; k < j && one_phrase; ++k) one_phrase = joined(low, words[k], words[k + 1]);
        if (!one_phrase) continue;
        bool in_cut = false;
        for (const auto& [cb, ce] : cuts) in_cut = in_cut || (words[j].begin >= cb && words[j].begin < ce);
        if (in_cut) continue;
        // "the east tower", "the north door": a thing's name, not a direction
        const std::size_t after = j + n;
        if (after < words.size() && words[after].begin == words[j + n - 1].end + 1 && is_letter(low[words[after].begin]) &&
            words[after].low != U"of" && words[after].low != U"and" && words[after].low != U"then" &&
            words[after].low != U"that" && words[after].low != U"which" && words[after].low != U"while" &&
            words[after].low != U"is" && words[after].low != U"are" && words[after].low != U"as")
            continue;
        const double a = wrap_deg(b - facing);
        const u32 angle = textmatch::from_utf8(std::to_string(static_cast<int>(std::lround(a)))) + U" degrees";
        const u32 lead = from_words.count(p) ? U"from " : to_words.count(p) ? U"towards " : U"at ";
        edits.push_back({words[i].begin, words[j + n - 1].end, lead + angle});
        if (!faced) north_assumed = true;
    }
    if (edits.empty()) return t;
    u32 out;
    std::size_t copied = 0;
    for (const Edit& e : edits) {
        out += t.substr(copied, e.begin - copied) + e.with;
        copied = e.end;
    }
    return out + t.substr(copied);
}

}  // namespace bewo::rt::prompt_detail
