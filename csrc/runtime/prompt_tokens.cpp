// The prompt's tokens: vocabulary phrases found by the patterns (longest first), numbers in words,
// quoted speech and asides set aside; what is left are words.
#include "prompt_internal.h"
#include "text_words.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sound_words.h"

namespace bewo::rt::prompt_detail {

using namespace textmatch;

// Python's float % (the result takes the divisor's sign) and captions.wrap_deg.
double py_mod(double x, double m) {
    double r = std::fmod(x, m);
    if (r != 0.0) {
        if ((m < 0) != (r < 0)) r += m;
    } else {
        r = std::copysign(0.0, m);
    }
    return r;
}
double wrap_deg(double a) { return py_mod(a + 180.0, 360.0) - 180.0; }
// ---- tokens --------------------------------------------------------------------------------------

// "forty-five", "minus thirty", "a hundred and twenty": the value of a number in words.
double word_number(const u32& s) {
    static const std::map<u32, int> kValues = {
        {U"zero", 0}, {U"one", 1}, {U"a", 1}, {U"two", 2}, {U"three", 3}, {U"four", 4}, {U"five", 5}, {U"six", 6},
        {U"seven", 7}, {U"eight", 8}, {U"nine", 9}, {U"ten", 10}, {U"eleven", 11}, {U"twelve", 12},
        {U"thirteen", 13}, {U"fourteen", 14}, {U"fifteen", 15}, {U"sixteen", 16}, {U"seventeen", 17},
        {U"eighteen", 18}, {U"nineteen", 19}, {U"twenty", 20}, {U"thirty", 30}, {U"forty", 40}, {U"fourty", 40},
        {U"fifty", 50}, {U"sixty", 60}, {U"seventy", 70}, {U"eighty", 80}, {U"ninety", 90}};
    double v = 0.0, sign = 1.0;
    bool hundreds = false;
    u32 w;
    auto flush = [&]() {
        if (w.empty()) return;
        if (w == U"minus" || w == U"negative") sign = -1.0;
        else if (w == U"hundred") {
            v = (v == 0.0 ? 1.0 : v) * 100.0;
            hundreds = true;
        }
        // "one thirty-five": a lone digit before a number of ten or more is the hundreds
        else if (kValues.count(w) && kValues.at(w) >= 10 && v >= 1.0 && v <= 3.0 && !hundreds &&
                 v * 100.0 + kValues.at(w) <= 360.0)
            v = v * 100.0 + kValues.at(w);
        else if (kValues.count(w)) v += kValues.at(w);
        w.clear();
    };
    for (char32_t c : lower(s)) {
        if (is_space(c) || c == '-') flush();
        else w.push_back(c);
    }
    flush();
    return sign * v;
}

double number(const u32& s) {  // float() of [+-\u2212]?\d+(\.\d+)? (any Unicode decimal digits), or words
    if (std::any_of(s.begin(), s.end(), is_letter)) {
        // "minus 60": a sign in words before digits
        const u32 low = lower(s);
        for (const u32 w : {U"minus ", U"negative "})
            if (low.compare(0, w.size(), w) == 0 && low.size() > w.size() && is_digit(low.back()))
                return -number(strip_space(low.substr(w.size())));
        for (const u32 w : {U"plus ", U"positive "})  // "plus 135"
            if (low.compare(0, w.size(), w) == 0 && low.size() > w.size() && is_digit(low.back()))
                return number(strip_space(low.substr(w.size())));
        return word_number(s);
    }
    std::string a;
    for (char32_t c : s) {
        if (c == 0x2212) a.push_back('-');
        else if (c == '+' || c == '-' || c == '.') a.push_back(static_cast<char>(c));
        else if (c >= '0' && c <= '9') a.push_back(static_cast<char>(c));
        else {  // Unicode keeps each decimal digit set contiguous, 0 to 9: count from the run's start
            char32_t z = c;
            while (z > 0 && is_digit(z - 1) && c - z < 100) --z;
            a.push_back(static_cast<char>('0' + (c - z) % 10));
        }
    }
    std::istringstream in(a);
    in.imbue(std::locale::classic());
    double v = 0.0;
    in >> v;
    if (in.fail()) {  // out of range: Python gives +-inf for such a literal
        const bool neg = !a.empty() && a[0] == '-';
        return neg ? -HUGE_VAL : HUGE_VAL;
    }
    return v;
}

// raw: set to the number as written for a signed angle without a side ("270 degrees"), else NaN.
double dir_value(DirValue kind, const Regex& rx, const Regex::Match& m, const u32& low, double* raw) {
    *raw = std::nan("");
    auto side_of = [&](const char* g) -> int {  // -1 left, 1 right, 0 absent
        const int i = rx.group(g);
        if (!m.has(i)) return 0;
        const u32 side = lower(m.group(low, i));
        return side == U"left" || side == U"l" ? -1 : 1;  // "30 deg L"
    };
    switch (kind) {
    case DirValue::Table: {
        const auto& lk = patterns().dir_lookup;
        u32 key = collapse_space(lower(low.substr(m.start, m.end - m.start)));
        auto it = lk.find(key);
        if (it == lk.end()) {  // "İn front, ..." (matched case-insensitively): Python raises KeyError here
            for (auto& c : key) c = fold(c);
            key.erase(std::remove(key.begin(), key.end(), U'\u0307'), key.end());
            it = lk.find(key);
        }
        if (it == lk.end()) return 0.0;
        // the table's "slightly to the left" is a small offset, as the Slight phrases
        if (key.find(U"slightly") != u32::npos) return it->second < 0 ? -kSlightDeg : kSlightDeg;
        return it->second;
    }
    case DirValue::Degrees: case DirValue::Range: {
        const double n = number(m.group(low, rx.group("num")));
        const int side = kind == DirValue::Degrees ? side_of("side") : 0;
        if (side) return side < 0 ? -std::fabs(n) : std::fabs(n);
        *raw = n;  // a signed number alone: kept as written, so a move can go the way it says
        return std::fabs(n) > 180 ? wrap_deg(n) : n;
    }
    case DirValue::Percent: {  // "panned 70% left": that share of the way to the side
        const double n = std::min(100.0, std::fabs(number(m.group(low, rx.group("num")))));
        return side_of("side") < 0 ? -0.9 * n : 0.9 * n;
    }
    case DirValue::Clock: case DirValue::HalfClock: {
        static const char* const names[] = {"zero", "one", "two", "three", "four", "five", "six",
                                            "seven", "eight", "nine", "ten", "eleven", "twelve"};
        const int h2 = rx.group("h2");  // (a second way of saying it in the same pattern)
        const u32 h = lower(m.has(h2) ? m.group(low, h2) : m.group(low, rx.group("h")));
        int hour = 0;
        if (h.size() <= 2 && h[0] >= '0' && h[0] <= '9') {
            for (char32_t c : h) hour = hour * 10 + static_cast<int>(c - '0');
        } else {
            for (int i = 0; i < 13; ++i)
                if (h == from_utf8(names[i])) hour = i;
        }
        const double a = wrap_deg(30.0 * (hour % 12) + (kind == DirValue::HalfClock ? 15.0 : 0.0));
        return a == -180.0 ? 180.0 : a;
    }
    case DirValue::Slight: return kSlightDeg * (side_of("side") ? side_of("side") : side_of("side2"));
    case DirValue::FrontSide: case DirValue::BehindSide: {
        int s = 0;
        const u32 text = low.substr(m.start, m.end - m.start);
        const bool slight = text.find(U"slightly") != u32::npos || text.find(U"a little") != u32::npos ||
                            text.find(U"a bit") != u32::npos;
        for (const char* g : {"side", "s3", "s4", "s5", "s6", "s7", "s8", "s9"})  // (FrontSide's s6: "in front of me on the right")
            if (!s && rx.group(g) >= 0) s = side_of(g);
        // "behind and slightly to the left": 20 degrees off the back
        const double off = kind == DirValue::FrontSide ? (slight ? kSlightDeg : 45.0) : (slight ? 180.0 - kSlightDeg : 135.0);
        return off * (s ? s : 1);
    }
    case DirValue::Side: {
        for (const char* g : {"side", "side2"})
            if (rx.group(g) >= 0 && m.has(rx.group(g))) return 90.0 * side_of(g);
        return 0.0;
    }
    case DirValue::Letter: {
        const int g = m.has(rx.group("lr")) ? rx.group("lr") : rx.group("lr2");
        return lower(m.group(low, g)) == U"l" ? -90.0 : 90.0;
    }
    case DirValue::Shorthand: {
        if (m.has(rx.group("lrc")) || m.has(rx.group("lrc2")) || m.has(rx.group("lrc3"))) return 0.0;
        const u32 lr = m.group(low, rx.group("lr"));
        const double sgn = lr == U"l" ? -1.0 : 1.0;
        // "pan 30L": a pan position, where 100 is hard over
        if (m.has(rx.group("num"))) return sgn * std::min(90.0, number(m.group(low, rx.group("num"))));
        return sgn * (m.has(rx.group("slight")) ? kSlightDeg : 90.0);
    }
    case DirValue::Front: return 0.0;
    case DirValue::Behind: return 180.0;
    }
    return 0.0;
}

// "(ahead, far)", "(up, az 180)", "(behind right, close)": a place told in brackets, not an aside
bool opens_with_a_place(const u32& inside) {
    std::size_t at = 0;
    while (at < inside.size() && is_space(inside[at])) ++at;
    const Patterns& P = patterns();
    Regex::Match m;
    // "(on the left, raised)", "(at 10 o'clock, up)": a preposition may come first
    std::vector<std::size_t> starts = {at};
    for (const u32 lead : {U"on ", U"at ", U"to ", U"in ", U"from ", U"towards ", U"toward "})
        if (lower(inside.substr(at, lead.size())) == lead) starts.push_back(at + lead.size());
    for (const std::size_t from : starts) {
        for (const auto& d : P.dirs)
            if (d.first.match_at(inside, static_cast<int>(from), m) && m.end > m.start) return true;
        for (const auto& e : P.elevs)
            if (e.first.match_at(inside, static_cast<int>(from), m) && m.end > m.start) return true;
    }
    for (const u32 lead : {U"az ", U"az:", U"az=", U"azimuth", U"el ", U"el:", U"elevation"})
        if (inside.compare(at, lead.size(), lead) == 0) return true;
    return false;
}

std::vector<std::pair<int, int>> quoted_spans(const u32& t) {
    std::vector<std::pair<int, int>> spans;
    const int n = static_cast<int>(t.size());
    for (int i = 0; i < n; ++i) {
        const char32_t c = t[i];
        if (c == '"' || (c == '\'' && (i == 0 || is_space(t[i - 1]) || t[i - 1] == '(' || t[i - 1] == ':'))) {
            int j = i + 1;
            while (j < n && t[j] != c && t[j] != '\n') ++j;
            const bool closes = j < n && t[j] == c && (c == '"' || j + 1 >= n || !is_word(t[j + 1]));
            if (closes && j - i > 2) {
                spans.emplace_back(i, j + 1);
                i = j;
            }
        } else if (c == '(') {
            int j = i + 1;
            while (j < n && t[j] != ')' && t[j] != '(') ++j;
            if (j < n && t[j] == ')') {
                const u32 inside = t.substr(i + 1, j - i - 1);
                // ("(only when door opens)", "(if it rains)": when, not where)
                static const Regex condition("^\\s*(?:only\\s+)?(?:when|whenever|if|unless|except|while|during|until)\\b", true);
                const bool when = condition.search(inside);
                const bool aside = (inside.find(U',') != u32::npos || inside.find(U"not ") != u32::npos ||
                                    inside.find(U"i.e.") != u32::npos || inside.find(U"e.g.") != u32::npos || when) &&
                                   !opens_with_a_place(inside) &&
                                   // "(A clock chimes behind JACK. Knocking, front right.)": the whole text
                                   !(strip_space(t.substr(0, i)).empty() && strip_space(t.substr(j + 1)).empty());

                if (aside) spans.emplace_back(i, j + 1);
                i = j;
            }
        }
    }
    return spans;
}

// parser._tokens: every vocabulary phrase, longest first (ties: the family listed first), claims
// its characters; then sentence/clause separators; what is left are words.
// A capital C after a word ("Vox C", "Timpani C.") is the centre only in a text that pans other
// sounds with L and R, and never after a word that names by letter ("Layer C", "in C").
template <class Cand>
void drop_unpaired_centre_letters(std::vector<Cand>& cands, const u32& low) {
    auto centre3 = [](const Cand& c) { return c.m.has(c.rx->group("lrc3")); };
    auto shorthand = [](const Cand& c) { return c.rx->group("lr") >= 0 && c.m.has(c.rx->group("lr")); };
    const bool panned = std::any_of(cands.begin(), cands.end(), shorthand);
    static const std::set<u32> naming = {U"layer", U"plan", U"section", U"part", U"act", U"scene", U"track", U"room",
                                         U"zone", U"level", U"deck", U"row", U"block", U"building", U"gate", U"platform",
                                         U"vitamin", U"grade", U"type", U"class", U"option", U"step", U"take", U"version",
                                         U"rev", U"in", U"of", U"key", U"camera", U"cam", U"mic", U"channel", U"group",
                                         U"stage", U"hall", U"wing", U"floor", U"sector", U"team", U"bay", U"seat", U"line"};
    cands.erase(std::remove_if(cands.begin(), cands.end(), [&](const Cand& c) {
        if (c.rx->group("lrc3") < 0 || !centre3(c)) return false;
        std::size_t e = static_cast<std::size_t>(c.s);
        while (e > 0 && is_space(low[e - 1])) --e;
        std::size_t b = e;
        while (b > 0 && is_letter(low[b - 1])) --b;
        return !panned || naming.count(low.substr(b, e - b)) > 0;
    }), cands.end());
}

// "behind the sofa", "behind a tree" (not "behind the listener", "behind the player's head").
bool behind_a_thing(const u32& low, int s, int e) {
    if (e - s != 6 || low.compare(s, 6, U"behind") != 0) return false;
    std::size_t w = e;
    while (w < low.size() && low[w] == ' ') ++w;
    std::size_t x = w;
    while (x < low.size() && is_letter(low[x])) ++x;
    static const std::set<u32> determiners = {U"the", U"a", U"an", U"some", U"his", U"her", U"their", U"its", U"this", U"that"};
    if (x == w || !determiners.count(low.substr(w, x - w))) return false;
    while (x < low.size() && low[x] == ' ') ++x;
    std::size_t y = x;
    while (y < low.size() && (is_letter(low[y]) || low[y] == '-')) ++y;
    const u32 next = low.substr(x, y - x);
    static const std::set<u32> not_a_noun = {U"listener", U"head", U"back", U"and", U"or", U"but", U"as", U"while", U"then",
                                             U"with", U"to", U"on", U"in", U"at", U"from", U"is", U"was"};
    return !next.empty() && !not_a_noun.count(next) &&
           !(y < low.size() && low[y] == '\'');
}

// "behind you, to the left" is one place, back-left; but after a start ("from my right ear, behind
// my head, to my left ear") the words after the comma are where the move ends, not half a diagonal.
bool target_inside_a_move(const u32& low, int s, int e) {
    const u32 place = low.substr(s, e - s);
    // ("starts at the left and walks behind me to the right": behind on the way, then to the right)
    const bool behind_then_to = place.rfind(U"behind ", 0) == 0 && place.find(U" to ") != u32::npos && s >= 6 &&
                                [&] {
                                    std::size_t b = static_cast<std::size_t>(s) - 1;
                                    while (b > 0 && low[b - 1] != ' ') --b;
                                    const u32 verb = low.substr(b, static_cast<std::size_t>(s) - 1 - b);
                                    static const std::set<u32> going = {U"walks", U"walking", U"goes", U"going", U"moves",
                                                                        U"moving", U"runs", U"running", U"swings",
                                                                        U"swinging", U"travels", U"travelling", U"pans",
                                                                        U"panning", U"sweeps", U"sweeping", U"passes",
                                                                        U"passing", U"flies", U"flying", U"drives", U"driving"};
                                    return going.count(verb) > 0;
                                }();
    if (!behind_then_to) {
        if (std::find(low.begin() + s, low.begin() + e, U',') == low.begin() + e) return false;  // most places
        if (place.find(U", to ") == u32::npos && place.find(U", and to ") == u32::npos) return false;
    }
    int b = s;
    while (b > 0 && low[b - 1] != '.' && low[b - 1] != ';' && low[b - 1] != ':' && low[b - 1] != '!' &&
           low[b - 1] != '?' && low[b - 1] != '\n')
        --b;
    const u32 before = U" " + low.substr(b, s - b);
    for (const u32 start : {U" from ", U" starting ", U" starts "})
        if (before.find(start) != u32::npos) return true;
    return false;
}

// The quotes and asides quoted_spans finds, less those that hold the only place words: then the quote
// is the scene itself ('caption "a crowd cheers to the left ..."'), unless its words are said aloud
// ("A GPS voice says 'turn left at the lights'").
static std::vector<std::pair<int, int>> spans_set_aside(const u32& low) {
    std::vector<std::pair<int, int>> quoted = quoted_spans(low);
    if (quoted.empty()) return quoted;
    auto says_where = [](const u32& text) {
        for (const char32_t* w : {U"left", U"right", U"behind", U"front", U"ahead", U"above", U"overhead", U"below",
                                  U"o'clock", U"degree", U"\u00b0"})
            if (text.find(w) != u32::npos) return true;
        return false;
    };
    auto spoken = [&](int s) {  // a verb of speech among the three words before
        const int from = std::max(0, s - 24);
        const std::vector<TextWord> before = words_of(low.substr(from, s - from));
        static const std::set<u32> speech = {U"says", U"said", U"say", U"saying", U"shouts", U"shouted", U"shouting",
                                             U"yells", U"yelled", U"yelling", U"calls", U"called", U"calling",
                                             U"whispers", U"whispered", U"whispering", U"announces", U"announced",
                                             U"goes", U"went", U"screams", U"screamed", U"asks", U"asked", U"sings",
                                             U"sang", U"singing", U"cries", U"cried", U"mutters", U"muttered"};
        for (std::size_t k = before.size(), n = 0; k-- > 0 && n < 3; ++n)
            if (speech.count(before[k].low)) return true;
        return false;
    };
    if (std::any_of(quoted.begin(), quoted.end(), [&](const auto& q) { return spoken(q.first); })) return quoted;
    u32 outside = low;
    for (const auto& [s, e] : quoted) std::fill(outside.begin() + s, outside.begin() + e, U' ');
    // (asides in brackets too: "(hard left, not centre)" holding the only place words is read)
    if (!says_where(outside)) quoted.clear();
    return quoted;
}

// The middle of a place ("the middle of the arena"), not of what faces the listener ("the center of the dash").
static bool middle_of_a_thing(const u32& low, int s, int e) {
    const u32 w = low.substr(s, e - s);
    if (w.find(U"middle") == u32::npos && w.find(U"centre") == u32::npos && w.find(U"center") == u32::npos) return false;
    static const Regex of_a_place("\\s+of\\s+(?:the|a|an|this|that|our|my)\\s+(?!(?:dash|dashboard|screen|stage|windscreen|"
                                  "windshield|tv|front)\\b)", true);
    Regex::Match m;
    return of_a_place.match_at(low, e, m);
}

std::vector<Tok> tokenize(const u32& t, std::vector<RoomHit>& rooms) {
    const Patterns& P = patterns();
    const u32 low = lower_same_length(t);
    std::vector<char> taken(low.size(), 0);
    auto claim = [&](int s, int e) {
        if (s == e) return false;
        for (int i = s; i < e; ++i)
            if (taken[i]) return false;
        std::fill(taken.begin() + s, taken.begin() + e, 1);
        return true;
    };
    // Quoted speech ("a voice says 'turn left'") and asides with a comma or "not" ("(the brass
    // instrument, not a car horn)") say nothing about where sounds are: set aside, unread.
    std::vector<Tok> found;
    for (const auto& [s, e] : spans_set_aside(low)) {
        std::fill(taken.begin() + s, taken.begin() + e, 1);
        found.push_back({s, e, Kind::Filler, 0.0, "", t.substr(s, e - s)});
    }
    struct Cand { int s, e, family; Kind kind; const Regex* rx; Regex::Match m; int which; };
    std::vector<Cand> cands;
    for (std::size_t k = 0; k < P.dirs.size(); ++k)  // "L to R" is read in capitals, on the text as written
        for (auto& m : P.dirs[k].first.find_all(P.dirs[k].second == DirValue::Letter || P.dirs[k].second == DirValue::Shorthand ? t : low))
            cands.push_back({m.start, m.end, 0, Kind::Dir, &P.dirs[k].first, m, int(k)});
    drop_unpaired_centre_letters(cands, low);
    for (auto& m : P.room_place->find_all(low)) cands.push_back({m.start, m.end, 1, Kind::Room, P.room_place.get(), m, 0});
    for (auto& m : P.circle->find_all(low)) cands.push_back({m.start, m.end, 1, Kind::Circle, P.circle.get(), m, 0});
    for (auto& m : P.metres->find_all(low)) cands.push_back({m.start, m.end, 1, Kind::DistM, P.metres.get(), m, 0});
    for (std::size_t k = 0; k < P.elevs.size(); ++k)
        for (auto& m : P.elevs[k].first.find_all(low)) cands.push_back({m.start, m.end, 1, Kind::Elev, &P.elevs[k].first, m, int(k)});
    for (auto& m : P.room_plain->find_all(low)) cands.push_back({m.start, m.end, 1, Kind::Room, P.room_plain.get(), m, 1});
    for (std::size_t k = 0; k < P.words.size(); ++k)
        for (auto& m : P.words[k].rx.find_all(low))
            cands.push_back({m.start, m.end, 2 + int(k), P.words[k].kind, &P.words[k].rx, m, int(k)});
    std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
        if (a.e - a.s != b.e - b.s) return a.e - a.s > b.e - b.s;
        if (a.family != b.family) return a.family < b.family;
        return a.s < b.s;
    });
    for (const auto& c : cands) {
        if (c.kind == Kind::Dir && target_inside_a_move(low, c.s, c.e)) continue;
        if (strip_space(low.substr(c.s, c.e - c.s)).empty() || !claim(c.s, c.e)) continue;
        Tok tok{c.s, c.e, c.kind, 0.0, "", {}};
        tok.text = t.substr(c.s, c.e - c.s);
        if (c.kind == Kind::Dir) {
            tok.az = dir_value(P.dirs[c.which].second, *c.rx, c.m, low, &tok.raw);
            if (behind_a_thing(low, c.s, c.e)) tok.value = "weak";  // "behind the sofa": see prompt_patterns.cpp
            // "from the middle of the arena on my left": the middle of a place yields to a place said beside it
            if (middle_of_a_thing(low, c.s, c.e)) tok.value = "weak";
        } else if (c.kind == Kind::Room) {
            RoomHit r{c.which == 0, low.substr(c.s, c.e - c.s), {}, {}};
            if (r.place) {
                r.adjs = c.m.group(low, c.rx->group("adjs"));
                r.noun = c.m.group(low, c.rx->group("noun"));
            }
            rooms.push_back(r);
        } else if (c.kind == Kind::Circle) {
            const u32 w = low.substr(c.s, c.e - c.s);
            tok.az = w.find(U"counter") != u32::npos || w.find(U"anti") != u32::npos ? -360.0 : 360.0;
        } else if (c.kind == Kind::DistM) {
            const double n = number(c.m.group(low, c.rx->group("num")));
            tok.az = c.m.has(c.rx->group("ft")) ? n * 0.3048 : n;
            if (!(tok.az > 0.0)) continue;  // "0 m": not a distance the renderer can use
            tok.az = std::min(tok.az, 1000.0);
        } else if (c.kind == Kind::Elev) {
            tok.az = P.elevs[c.which].second;
            if (std::isnan(tok.az)) tok.az = std::max(-90.0, std::min(90.0, number(c.m.group(low, c.rx->group("num")))));
        } else if (c.kind == Kind::DistOf) {
            tok.value = c.m.group(low, c.rx->group("adj")) == U"nearby" ? "near" : "far";
        } else {
            tok.value = P.words[c.which].value;
        }
        found.push_back(std::move(tok));
    }
    for (const auto& [rx, kind] : {std::pair<const Regex*, Kind>{P.hard.get(), Kind::Hard}, {P.soft.get(), Kind::Soft}})
        for (const auto& m : rx->find_all(low))
            if (claim(m.start, m.end)) found.push_back({m.start, m.end, kind, 0.0, "", t.substr(m.start, m.end - m.start)});
    for (const auto& m : P.word->find_all(low)) {
        if (std::any_of(taken.begin() + m.start, taken.begin() + m.end, [](char c) { return c != 0; })) continue;
        found.push_back({m.start, m.end, Kind::Word, 0.0, "", t.substr(m.start, m.end - m.start)});
    }
    std::stable_sort(found.begin(), found.end(), [](const Tok& a, const Tok& b) { return a.start < b.start; });
    return found;
}

// "Whoosh, left to right", "whoosh on the left": a sound's name that is also a verb of speed or
// motion, opening its clause with no noun before it, names the sound.
// "the 808 below", "a 737 taking off", "my 303 on the left": a number after an article, with no unit
// after it, is a name (a drum machine, a plane), and names the sound.
void with_numbers_as_names(std::vector<Tok>& tokens) {
    static const std::set<u32> articles = {U"a", U"an", U"the", U"my", U"our", U"your", U"his", U"her", U"their",
                                           U"that", U"this"};
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        Tok& k = tokens[i];
        if (k.kind != Kind::Word || k.text.size() < 3 || k.text.size() > 4 ||
            !std::all_of(k.text.begin(), k.text.end(), [](char32_t c) { return c >= '0' && c <= '9'; }))
            continue;
        std::size_t b = i;
        while (b > 0 && tokens[b - 1].kind == Kind::Space) --b;
        std::size_t n = i + 1;
        while (n < tokens.size() && tokens[n].kind == Kind::Space) ++n;
        // ("808 dead center, hats hard right": opening an item, a place right after it)
        std::size_t d = n;  // ("909 on the right": past a preposition)
        static const std::set<u32> preps = {U"on", U"at", U"to", U"in", U"from"};
        if (d < tokens.size() && tokens[d].kind == Kind::Word && preps.count(tokens[d].low()))
            for (++d; d < tokens.size() && tokens[d].kind == Kind::Space;) ++d;
        const bool opens_placed = (b == 0 || tokens[b - 1].kind == Kind::Hard || tokens[b - 1].kind == Kind::Soft) &&
                                  d < tokens.size() && tokens[d].kind == Kind::Dir;
        if (!opens_placed && (b == 0 || tokens[b - 1].kind != Kind::Word || !articles.count(tokens[b - 1].low()))) continue;
        static const std::set<u32> units = {U"degrees", U"degree", U"deg", U"degs", U"m", U"metres", U"meters", U"feet",
                                            U"ft", U"percent", U"seconds", U"secs", U"minutes", U"mins", U"times", U"hz",
                                            U"khz", U"db", U"bpm", U"km", U"miles", U"yards", U"o'clock", U"oclock"};
        if (n < tokens.size() && tokens[n].kind == Kind::Word && units.count(tokens[n].low())) continue;
        k.value = "name";
    }
}

void with_opening_sound_nouns(std::vector<Tok>& tokens) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        Tok& k = tokens[i];
        // "dice roll SFX on the right", "a drum roll behind me": a roll of a thing that sounds is its sound
        if (is_move(k.kind) && (k.low() == U"roll" || k.low() == U"rolls") && i > 0) {
            std::size_t b = i;
            while (b > 0 && tokens[b - 1].kind == Kind::Space) --b;
            static const std::set<u32> rolled = {U"dice", U"die", U"drum", U"snare", U"timpani", U"cymbal", U"thunder",
                                                 U"tom", U"toms", U"marimba", U"tabla", U"bongo", U"bongos"};
            // (not "thunder rolls in from the left": a roll going somewhere moves)
            std::size_t n = i + 1;
            while (n < tokens.size() && tokens[n].kind == Kind::Space) ++n;
            static const std::set<u32> going = {U"in", U"over", U"across", U"from", U"to", U"along", U"past", U"around",
                                                U"round", U"away", U"off", U"by", U"through", U"towards", U"toward"};
            const bool goes = n < tokens.size() && (tokens[n].kind != Kind::Word || going.count(tokens[n].low())) &&
                              tokens[n].kind != Kind::Soft && tokens[n].kind != Kind::Hard;
            if (!goes && b > 0 && tokens[b - 1].kind == Kind::Word && rolled.count(tokens[b - 1].low()) &&
                tokens[b - 1].end == k.start - 1) {
                k.kind = Kind::Word;
                k.value.clear();
                continue;
            }
        }
        if (!(k.kind == Kind::SpeedVerb || is_move(k.kind)) || k.low().find(U' ') != u32::npos || !sound_noun(k.low())) continue;
        std::size_t b = i;  // ("Need: fly buzzing around my head once": after the colon and its space)
        while (b > 0 && tokens[b - 1].kind == Kind::Space) --b;
        const bool opens = b == 0 || tokens[b - 1].kind == Kind::Hard;  // not ", pan hard left": what the sound before does
        if (!opens) continue;
        std::size_t n = i + 1;
        while (n < tokens.size() && tokens[n].kind == Kind::Space) ++n;
        // ("fly buzzing around my head", "bee circling overhead": a participle or a circle after it)
        const bool then_place = n == tokens.size() || tokens[n].kind == Kind::Dir || tokens[n].kind == Kind::From ||
                                tokens[n].kind == Kind::Soft || tokens[n].kind == Kind::Hard || tokens[n].kind == Kind::Circle ||
                                (tokens[n].kind == Kind::Word && (tokens[n].low() == U"on" || tokens[n].low() == U"at" ||
                                                                  tokens[n].low() == U"in" ||
                                                                  (ends_with(tokens[n].low(), U"ing") && tokens[n].low().size() > 4)));
        if (then_place) k.kind = Kind::Word, k.value.clear();
    }
}

// "behind your left shoulder", "in front, to my right" said as two places side by side: one place,
// the diagonal between them (a move's start, end and the places it passes stay apart).
void with_diagonals_joined(std::vector<Tok>& tokens, const u32& t) {
    auto plain = [](const Tok& k) {
        return std::none_of(k.low().begin(), k.low().end(), is_digit) && k.low().find(U"clock") == u32::npos &&
               k.low().find(U"deg") == u32::npos;
    };
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        Tok& a = tokens[i];
        const Tok& b = tokens[i + 1];
        if (a.kind != Kind::Dir || b.kind != Kind::Dir || !a.value.empty() || !(a.az == 0.0 || std::fabs(a.az) == 180.0) ||
            std::fabs(b.az) != 90.0 || !plain(a) || !plain(b) || b.low().compare(0, 3, U"to ") == 0)
            continue;
        if (!std::all_of(t.begin() + a.end, t.begin() + b.start, [](char32_t c) { return c == ' '; })) continue;
        if (i + 2 < tokens.size() && tokens[i + 2].kind == Kind::To) continue;  // "behind me left to right": a start
        a.az = a.az == 0.0 ? b.az / 2 : b.az * 1.5;
        a.end = b.end;
        a.text = t.substr(a.start, b.end - a.start);
        a.has_low = false;
        tokens.erase(tokens.begin() + static_cast<long>(i + 1));
    }
}

// "the front door", "the back seat": a thing named with front or back, not a place and a sound
static bool named_with_front_or_back(const Tok& place, const Tok& noun) {
    static const std::set<u32> compounds = {U"door", U"doors", U"gate", U"porch", U"yard", U"garden", U"seat",
                                            U"seats", U"window", U"windows", U"wheel", U"wheels", U"room", U"desk",
                                            U"steps", U"entrance", U"bumper", U"row", U"office", U"lawn", U"deck"};
    const u32& d = place.low();
    return compounds.count(noun.low()) && (ends_with(d, U"front") || ends_with(d, U"back") || ends_with(d, U"rear"));
}

// After a place that ends an item which named its sound first ("the kettle behind me"), a noun
// phrase with an article and its own place or motion ("the washing machine at 2 o'clock") is the next
// item. (Not "On the left a toddler giggles": there the place comes first and is the toddler's.)
static bool placed_item_follows(const std::vector<Tok>& tokens, std::size_t i, const std::vector<std::size_t>& breaks) {
    static const std::set<u32> articles = {U"a", U"an", U"the", U"some", U"my", U"our", U"his", U"her", U"their",
                                           U"someone", U"somebody"};
    if (tokens[i].kind != Kind::Word) return false;
    // or a bare noun phrase ending in a sound's noun: "... above me church bells behind me"
    const bool bare = !articles.count(tokens[i].low()) && is_content(tokens[i]) &&
                      !named_with_front_or_back(tokens[i - 1], tokens[i]);
    if (!articles.count(tokens[i].low()) && !bare) return false;
    // "behind the counter in front of me", "above the door ahead": a preposition and its object
    static const std::set<u32> prepositions = {U"behind", U"above", U"below", U"beneath", U"under", U"underneath",
                                               U"over", U"up", U"down", U"near", U"beside", U"past", U"across"};
    const u32& said = tokens[i - 1].low();
    const std::size_t space = said.rfind(U' ');
    if (tokens[i - 1].value == "weak" || prepositions.count(space == u32::npos ? said : said.substr(space + 1))) return false;
    std::size_t j = bare ? i : i + 1, nouns = 0;
    // its noun phrase: content words, a distance said as an adjective ("a tiny distant bell"), and an
    // "of" phrase ("the clatter of pans")
    auto in_phrase = [&](std::size_t k) {
        if (tokens[k].kind == Kind::Word && is_content(tokens[k])) return true;
        if (tokens[k].kind == Kind::Dist && nouns > 0 && k + 1 < tokens.size() && is_content(tokens[k + 1])) return true;
        static const std::set<u32> of = {U"of", U"the", U"a", U"an"};
        return !bare && nouns > 0 && tokens[k].kind == Kind::Word && of.count(tokens[k].low()) && k + 1 < tokens.size() &&
               (is_content(tokens[k + 1]) || is_move(tokens[k + 1].kind) || of.count(tokens[k + 1].low()));
    };
    while (j < tokens.size() && nouns < 6 && in_phrase(j)) {
        if (tokens[j].kind == Kind::Word && is_content(tokens[j])) ++nouns;
        ++j;
    }
    // "pans" after "of" is still a motion word here (adjust_tokens reads it later)
    if (!bare && j < tokens.size() && j > 0 && tokens[j - 1].low() == U"of" && is_move(tokens[j].kind)) ++j, ++nouns;
    if (bare && (nouns > 3 || !sound_noun(tokens[j - 1].low()))) return false;
    // (not "from the floor speakers": a surface that names the thing after it)
    static const std::set<u32> place_ends = {U"me", U"you", U"us", U"left", U"right", U"front", U"back", U"ahead",
                                             U"overhead", U"behind", U"o'clock", U"oclock", U"clock", U"degrees", U"centre",
                                             U"center", U"side", U"shoulder", U"head", U"ear", U"listener", U"above", U"below",
                                             U"rear", U"feet", U"ears", U"high", U"low", U"up", U"down"};
    const std::u32string last_said = said.substr(space == u32::npos ? 0 : space + 1);
    if (bare && !place_ends.count(last_said) && !is_digit(last_said.back())) return false;
    const bool person = tokens[i].low() == U"someone" || tokens[i].low() == U"somebody";
    if ((nouns == 0 && !person) || j >= tokens.size()) return false;
    static const std::set<u32> glue = {U"at", U"on", U"in", U"to", U"from", U"is", U"are", U"over", U"up", U"far", U"way"};
    for (int k = 0; k < 3 && j + 1 < tokens.size() &&
                    ((tokens[j].kind == Kind::Word && glue.count(tokens[j].low())) || tokens[j].kind == Kind::To);
         ++k)
        ++j;
    const Tok& next = tokens[j];
    const bool own_place = next.kind == Kind::Dir || next.kind == Kind::Elev || next.kind == Kind::Circle ||
                           (is_move(next.kind) && !bare);
    if (!own_place) return false;
    // the item before named its sound before its place
    // (its place may be said in parts: "up high on the left")
    static const std::set<u32> between = {U"on", U"to", U"at", U"in", U"and"};
    auto part_of_place = [&](const Tok& k) {
        return k.kind == Kind::Dir || k.kind == Kind::Elev || (k.kind == Kind::Word && between.count(k.low()));
    };
    std::size_t b = i - 1;
    while (b > 0 && part_of_place(tokens[b - 1])) --b;
    const std::size_t last_break = breaks.empty() ? 0 : breaks.back();
    std::size_t a = b;
    while (a > last_break && tokens[a - 1].kind != Kind::Hard && tokens[a - 1].kind != Kind::Soft) --a;
    for (std::size_t k = a; k < b; ++k)
        if (tokens[k].kind == Kind::Dir || tokens[k].kind == Kind::Elev) return false;  // a place before it too
    return std::any_of(tokens.begin() + static_cast<long>(a), tokens.begin() + static_cast<long>(b),
                       [](const Tok& k) { return is_content(k); });
}

static bool weather_word(const u32& w) {
    static const std::set<u32> weather = {U"thunder", U"rain", U"wind", U"hail", U"lightning", U"drizzle", U"sleet"};
    return weather.count(w) > 0;
}

// After a place, a determiner (or none), one or two words and a sounding "-ing" ("... on my left a
// whip-poor-will calling", "... in front of me dinner ladies clattering trays"): the next item.
static bool sounding_item_follows(const std::vector<Tok>& tokens, std::size_t i) {
    static const std::set<u32> dets = {U"a", U"an", U"the", U"some", U"my", U"his", U"her", U"our", U"their", U"two", U"three"};
    std::size_t j = i;
    if (j < tokens.size() && tokens[j].kind == Kind::Word && dets.count(tokens[j].low())) ++j;
    std::size_t words = 0;
    while (j < tokens.size() && words < 2 && tokens[j].kind == Kind::Word && is_content(tokens[j]) &&
           !ends_with(tokens[j].low(), U"ing") && !dets.count(tokens[j].low()) && tokens[j].low() != U"and" &&
           tokens[j].low() != U"of" && tokens[j].low() != U"me" && tokens[j].low() != U"us" && tokens[j].low() != U"you")
        ++j, ++words;
    if (words == 0 || j >= tokens.size()) return false;
    const Tok& verb = tokens[j];
    return (verb.kind == Kind::Word && ends_with(verb.low(), U"ing") && sound_verb(verb.low())) ||
           (is_move(verb.kind) && ends_with(verb.low(), U"ing"));
}

// "waves crashing straight ahead seagulls crying off to the left" (dictated, no punctuation): after a
// place, a sound's noun and its verb, or its own place, start the next item.
void with_run_on_breaks(std::vector<Tok>& tokens) {
    std::vector<std::size_t> breaks;  // a break goes before each of these tokens
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        // (after a height only a word of weather: "rain above me thunder far away on the left", not "the
        // ceiling speaker directly above")
        if (i > 0 && i + 1 < tokens.size() &&
            (tokens[i - 1].kind == Kind::Dir || (tokens[i - 1].kind == Kind::Elev && weather_word(tokens[i].low()))) &&
            tokens[i].kind == Kind::Word && sound_noun(tokens[i].low())) {
            const Tok& next = tokens[i + 1];
            const bool verb = is_move(next.kind) || (next.kind == Kind::Word && sound_verb(next.low()) &&
                                                     (ends_with(next.low(), U"ing") || ends_with(next.low(), U"s")));
            // "waves in front seagulls left wind right": a sound's noun and its own place
            // (not "the front door directly ahead": a thing named with front or back)
            // ("rain above me thunder far away on the left": a noun that is a verb too, placed)
            const bool compound = named_with_front_or_back(tokens[i - 1], tokens[i]);
            const bool placed = (next.kind == Kind::Dir || next.kind == Kind::Elev ||
                                 (next.kind == Kind::DistOf && i + 2 < tokens.size() && tokens[i + 2].kind == Kind::Word &&
                                  (tokens[i + 2].low() == U"on" || tokens[i + 2].low() == U"to"))) &&
                                !compound;
            const bool noun_only = !sound_verb(tokens[i].low()) && tokens[i - 1].kind == Kind::Dir;
            if ((verb && noun_only) || (placed && (noun_only || !ends_with(tokens[i].low(), U"s")))) {
                breaks.push_back(i);
                continue;
            }
        }
        if (i > 0 && (tokens[i - 1].kind == Kind::Dir || tokens[i - 1].kind == Kind::Elev) && placed_item_follows(tokens, i, breaks)) {
            breaks.push_back(i);  // "the kettle behind me the washing machine at 2 o'clock"
            continue;
        }
        // (not a place by a thing: "the guy behind the counter yelling")
        if (i > 0 && (tokens[i - 1].kind == Kind::Dir || tokens[i - 1].kind == Kind::Elev) && tokens[i - 1].value != "weak" &&
            sounding_item_follows(tokens, i))
            breaks.push_back(i);  // "bullfrogs booming on my left a whip-poor-will calling far to the right"
    }
    for (std::size_t k = breaks.size(); k-- > 0;) {
        Tok brk;
        brk.start = brk.end = tokens[breaks[k]].start;
        brk.kind = Kind::Soft;
        brk.text = U",";
        tokens.insert(tokens.begin() + static_cast<long>(breaks[k]), brk);
    }
}

}  // namespace bewo::rt::prompt_detail
