// The prompt parser (see prompt_parser.h): vocabulary phrases found by patterns (text_match.h's
// matcher, Python re semantics over code points), then clauses, pieces, sources and their places.
#include "prompt_parser.h"

#include <algorithm>
#include <deque>
#include <bitset>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <locale>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../nn/tokenizer.h"
#include "prompt_fields.h"
#include "prompt_patterns.h"
#include "prompt_heights.h"
#include "prompt_listener.h"
#include "prompt_shorthand.h"
#include "scene_passes.h"
#include "prompt_symbols.h"
#include "sound_words.h"
#include "verb_words.h"
#include "text_match.h"
#include "vocabulary.h"

namespace bewo::rt {

namespace {

using namespace textmatch;
using namespace prompt_detail;

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
struct Tok {
    int start, end;
    Kind kind;
    double az = 0.0;      // Dir (elevation for Elev)
    std::string value;    // Speed / SpeedVerb class, Dist / DistOf class
    u32 text;             // the original text (t[start:end])
    double raw = std::nan("");  // Dir: a signed angle as written ("270 degrees"); NaN otherwise
    const u32& low() const {  // lower case, computed once (the rules ask for it many times)
        if (!has_low) low_text = lower(text), has_low = true;
        return low_text;
    }
    mutable u32 low_text;
    mutable bool has_low = false;
};

struct RoomHit {
    bool place;  // _ROOM_PLACE (adjectives + noun) or _ROOM_PLAIN ("outdoors", "inside"...)
    u32 text, adjs, noun;
};

// "forty-five", "minus thirty", "a hundred and twenty": the value of a number in words.
double word_number(const u32& s) {
    static const std::map<u32, int> kValues = {
        {U"zero", 0}, {U"one", 1}, {U"a", 1}, {U"two", 2}, {U"three", 3}, {U"four", 4}, {U"five", 5}, {U"six", 6},
        {U"seven", 7}, {U"eight", 8}, {U"nine", 9}, {U"ten", 10}, {U"eleven", 11}, {U"twelve", 12},
        {U"thirteen", 13}, {U"fourteen", 14}, {U"fifteen", 15}, {U"sixteen", 16}, {U"seventeen", 17},
        {U"eighteen", 18}, {U"nineteen", 19}, {U"twenty", 20}, {U"thirty", 30}, {U"forty", 40}, {U"fourty", 40},
        {U"fifty", 50}, {U"sixty", 60}, {U"seventy", 70}, {U"eighty", 80}, {U"ninety", 90}};
    double v = 0.0, sign = 1.0;
    u32 w;
    auto flush = [&]() {
        if (w.empty()) return;
        if (w == U"minus" || w == U"negative") sign = -1.0;
        else if (w == U"hundred") v = (v == 0.0 ? 1.0 : v) * 100.0;
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
    if (std::any_of(s.begin(), s.end(), is_letter)) return word_number(s);
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
        return lower(m.group(low, i)) == U"left" ? -1 : 1;
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
    case DirValue::Clock: case DirValue::HalfClock: {
        static const char* const names[] = {"zero", "one", "two", "three", "four", "five", "six",
                                            "seven", "eight", "nine", "ten", "eleven", "twelve"};
        const u32 h = lower(m.group(low, rx.group("h")));
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
        for (const char* g : {"side", "s3", "s4", "s5", "s6", "s7", "s8"})  // (FrontSide's s6: "in front of me on the right")
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
    for (const auto& d : P.dirs)
        if (d.first.match_at(inside, static_cast<int>(at), m) && m.end > m.start) return true;
    for (const auto& e : P.elevs)
        if (e.first.match_at(inside, static_cast<int>(at), m) && m.end > m.start) return true;
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
                const bool aside = (inside.find(U',') != u32::npos || inside.find(U"not ") != u32::npos ||
                                    inside.find(U"i.e.") != u32::npos || inside.find(U"e.g.") != u32::npos) &&
                                   !opens_with_a_place(inside);

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
    for (const auto& [s, e] : quoted_spans(low)) {
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
        if (strip_space(low.substr(c.s, c.e - c.s)).empty() || !claim(c.s, c.e)) continue;
        Tok tok{c.s, c.e, c.kind, 0.0, "", {}};
        tok.text = t.substr(c.s, c.e - c.s);
        if (c.kind == Kind::Dir) {
            tok.az = dir_value(P.dirs[c.which].second, *c.rx, c.m, low, &tok.raw);
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

// ---- sources: grouping, directions, labels -------------------------------------------------------
using Toks = std::vector<Tok*>;  // tokens are shared: _group re-kinds some in place

bool is_content(const Tok& tok) {
    if (tok.kind != Kind::Word) return false;
    const u32 w = strip_chars(tok.low(), U"'-");
    return !w.empty() && !patterns().glue.count(w) && std::any_of(w.begin(), w.end(), is_letter);
}

bool is_move(Kind k) { return k == Kind::Move || k == Kind::SpeedVerb; }

// Verbs a sound or what makes it does, by stem: what lets "... and rumbles off to the left" go on
// with the sound before it instead of naming a new one. Nouns that are as often verbs ("whistles",
// "calls", "knocks", "rings") are left out, so "footsteps on the left and knocks on the right"
// stays two sounds.
const std::set<u32>& sound_verbs() {
    static const std::set<u32> v = {
        U"bark", U"rumble", U"roar", U"honk", U"beep", U"chirp", U"sing", U"hum", U"buzz", U"growl", U"meow",
        U"mew", U"purr", U"hiss", U"crackle", U"clank", U"clatter", U"rattle", U"tick", U"drip", U"splash", U"whir",
        U"whirr", U"creak", U"squeak", U"squeal", U"screech", U"shriek", U"scream", U"yell", U"shout", U"laugh",
        U"giggle", U"talk", U"speak", U"greet", U"play", U"blast", U"blare", U"wail", U"howl", U"hoot", U"caw",
        U"coo", U"quack", U"neigh", U"moo", U"bleat", U"oink", U"squawk", U"tweet", U"warble", U"trill", U"drone",
        U"whine", U"sputter", U"rev", U"idle", U"toot", U"clang", U"jingle", U"rustle", U"patter", U"gush", U"trickle",
        U"bubble", U"gurgle", U"slam", U"thud", U"thump", U"stomp", U"shuffle", U"whisper", U"mutter", U"mumble",
        U"sneeze", U"cough", U"snore", U"sigh", U"breathe", U"chatter", U"clap", U"sizzle", U"fizz", U"pop",
        U"bounce", U"spin", U"head", U"speed", U"zoom", U"fade", U"disappear", U"continue", U"turn", U"return",
        U"drive", U"fly", U"walk", U"run", U"roll", U"rise", U"fall", U"climb", U"descend", U"swoop", U"dive",
        U"hover", U"wander", U"stroll", U"march", U"gallop", U"trot", U"launch", U"accelerate", U"brake", U"skid",
        U"screech", U"echo", U"boom", U"crash", U"explode", U"erupt", U"flap", U"flutter", U"land", U"take",
        U"settle", U"arrive", U"leave", U"depart", U"vanish", U"circle", U"orbit", U"pass", U"move", U"go",
        U"travel", U"pan", U"shift", U"sweep", U"drift", U"creep", U"crawl", U"glide", U"whizz", U"race", U"zip",
        U"dart", U"rush", U"jump", U"leap", U"approach", U"recede", U"come", U"keep", U"stop", U"start", U"end",
        U"finish", U"answer", U"reply", U"respond", U"carry", U"sound", U"ring", U"exit", U"enter", U"cross"};
    return v;
}

// 1: a third-person form of one of sound_verbs() ("rumbles", "buzzes", "carries"); 2: its base form;
// 3: its past ("cawed", "faded", "dropped").
int verb_form(const u32& w) {
    const auto& v = sound_verbs();
    for (const u32& stem : past_stems(w))
        if (v.count(stem)) return 3;
    if (w.size() > 3 && ends_with(w, U"ies") && v.count(w.substr(0, w.size() - 3) + U"y")) return 1;
    if (w.size() > 2 && ends_with(w, U"es") && v.count(w.substr(0, w.size() - 2))) return 1;
    if (w.size() > 1 && ends_with(w, U"s") && !ends_with(w, U"ss") && v.count(w.substr(0, w.size() - 1))) return 1;
    if (v.count(w)) return 2;
    // beyond the verbs of sound and motion: any word English uses far more as a verb ("whips",
    // "climbs", "vanished"), unless it names a sound ("whistles", "knocks")
    return sound_noun(w) ? 0 : verb_word_form(w);
}

// "A train approaches from the right and rumbles off to the left", "... and meows again": a piece
// that opens with a verb in the form of the sentence's verb before it goes on with that sentence's
// sound (the verb agrees: -s after -s, base form after base form).
bool continues_sentence(const Toks& piece, const Toks& before) {
    std::size_t i = 0;
    while (i < piece.size() && piece[i]->kind == Kind::Word &&
           (piece[i]->low() == U"and" || piece[i]->low() == U"then" || piece[i]->low() == U"also"))
        ++i;
    // "starting behind and walking past on the right", "approaching from straight ahead and passing by
    // on my right": one move told in participles
    auto has = [](const Toks& ts, auto pred) { return std::any_of(ts.begin(), ts.end(), pred); };
    const bool moving_before = has(before, [](const Tok* t) {
        static const std::set<u32> passing = {U"overtook", U"overtakes", U"overtake", U"overtaking", U"passes",
                                              U"passed", U"passing"};  // read as words beside a side
        return is_move(t->kind) || t->kind == Kind::Passing || t->kind == Kind::Approach || t->kind == Kind::Recede ||
               passing.count(t->low()) > 0;
    });
    // "A rival car overtakes on the left, coming up from behind and pulling ahead": the move said
    // again in participles, with its start
    static const std::set<u32> going = {U"coming", U"going", U"heading", U"moving", U"travelling", U"traveling",
                                        U"racing", U"speeding", U"roaring", U"rumbling", U"creeping", U"gliding"};
    if (i < piece.size() &&
        (is_move(piece[i]->kind) || piece[i]->kind == Kind::Approach || going.count(piece[i]->low())) &&
        ends_with(piece[i]->low(), U"ing") &&
        (has(before, [](const Tok* t) { return t->kind == Kind::From; }) ||
         (moving_before && has(piece, [](const Tok* t) { return t->kind == Kind::From; }))))
        return true;
    // "and slowly work its way round", "and swirls off behind me": a verb the word lists lack, told by
    // the particle after it (not "and cats on the right": a noun before its own place)
    while (i < piece.size() && (piece[i]->kind == Kind::Speed ||
                                (piece[i]->kind == Kind::Word && piece[i]->low().size() > 4 && ends_with(piece[i]->low(), U"ly"))))
        ++i;
    if (i + 1 < piece.size() && is_content(*piece[i]) && piece[i + 1]->kind == Kind::Word && !sound_noun(piece[i]->low())) {
        static const std::set<u32> particles = {U"off", U"away", U"out", U"back", U"round", U"around", U"past", U"along"};
        static const std::set<u32> owners = {U"its", U"their", U"his", U"her"};
        const u32& verb = piece[i]->low();
        const u32& next = piece[i + 1]->low();
        const bool finite = verb.size() > 3 && (ends_with(verb, U"s") || ends_with(verb, U"ed")) && !ends_with(verb, U"ss");
        if ((finite && particles.count(next)) ||
            (owners.count(next) && i + 2 < piece.size() && piece[i + 2]->low() == U"way"))
            return true;
    }
    if (i >= piece.size() || !is_content(*piece[i])) return false;
    const int form = verb_form(piece[i]->low());
    // "chugged in from the right side, puffed past your nose": any verb in the past goes on
    const u32& opener = piece[i]->low();
    if ((form == 0 || form == 3) && opener.size() > 4 && ends_with(opener, U"ed") && !sound_noun(opener)) {
        std::size_t subject = 0;
        while (subject < before.size() && !is_content(*before[subject])) ++subject;
        for (std::size_t j = subject + 1; j < before.size(); ++j)
            if (before[j]->low().size() > 3 && ends_with(before[j]->low(), U"ed")) return true;
        if (form == 0) return false;
    }
    if (form == 0) return false;
    if (form == 2 && ends_with(piece[i]->low(), U"ing")) return false;
    // "and waves crash on the left": a verb after it makes the opener a subject
    if (i + 1 < piece.size() && piece[i + 1]->kind == Kind::Word && verb_form(piece[i + 1]->low()) % 2 == 1) return false;
    // the sentence before: a finite verb after its subject's first word
    std::size_t subject = 0;
    while (subject < before.size() && !is_content(*before[subject])) ++subject;
    for (std::size_t j = subject + 1; j < before.size(); ++j) {
        const u32 w = before[j]->low();
        if (ends_with(w, U"ing")) continue;
        const int f = verb_form(w);
        const bool verb = is_move(before[j]->kind) || before[j]->kind == Kind::Approach || before[j]->kind == Kind::Recede;
        if (f == 0 && !verb) continue;
        if (f == 0 && ends_with(w, U"ed")) {  // a past move ("landed"): a past sound verb goes on with it
            if (form == 3) return true;
            continue;
        }
        const int have = f != 0 ? f : (ends_with(w, U"s") ? 1 : 2);
        if (have == form) return true;
    }
    return false;
}

struct Role { int idx; double az; Kind role; double raw; };  // role: From, To, At or Word (bare)

std::vector<Role> roles(const Toks& toks) {
    std::vector<Role> out;
    for (int i = 0; i < static_cast<int>(toks.size()); ++i) {
        if (toks[i]->kind != Kind::Dir) continue;
        Kind role = Kind::Word;
        int j = i - 1;
        // "starting far off in front": a distance between a start and its direction
        while (j >= 0 && (toks[j]->kind == Kind::Word || (toks[j]->kind == Kind::Dist && j > 0 && toks[j - 1]->kind == Kind::From))) {
            const u32 w = toks[j]->low();
            if (toks[j]->kind == Kind::Word && w != U"the" && w != U"my" && w != U"your" && w != U"over") break;
            --j;
        }
        // "stops at their right shoulder", "ends up on the left": a target after its preposition
        if (j > 0 && toks[j]->kind == Kind::Word && toks[j - 1]->kind == Kind::To &&
            (toks[j]->low() == U"at" || toks[j]->low() == U"on" || toks[j]->low() == U"in" || toks[j]->low() == U"by"))
            --j;
        if (j >= 0 && (toks[j]->kind == Kind::From || toks[j]->kind == Kind::To)) role = toks[j]->kind;
        // "comes from my right and disappears off to my left": where a sound comes from, with a
        // place after it, is where a move starts (alone, "it comes from the left" is just its place)
        if (j >= 0 && toks[j]->kind == Kind::Filler && ends_with(toks[j]->low(), U"from") &&
            std::any_of(toks.begin() + i + 1, toks.end(), [](const Tok* t) { return t->kind == Kind::To; }) &&
            std::any_of(toks.begin() + i + 1, toks.end(), [](const Tok* t) { return t->kind == Kind::Dir; }))
            role = Kind::From;
        // "behind and to the left of the microphone", "below and to the left": one place, not a target
        // (the groups drop the "and" between them: it is the token between the two in the text's tokens)
        if (role == Kind::To && j >= 1 && toks[j]->low() == U"to" &&
            (toks[j - 1]->kind == Kind::Dir || toks[j - 1]->kind == Kind::Elev) && toks[j] - 2 == toks[j - 1] &&
            (toks[j] - 1)->kind == Kind::Soft && (toks[j] - 1)->low() == U"and")
            role = Kind::At;
        // "until they fade out ahead", "till it stops on the right": the end of the move
        if (role == Kind::Word && std::none_of(out.begin(), out.end(), [](const Role& r) { return r.role == Kind::To; }))
            for (int k = j; k >= 0 && k >= j - 4 && toks[k]->kind == Kind::Word; --k)
                if (k > 0 && toks[k - 1]->kind == Kind::To && (toks[k - 1]->low() == U"until" || toks[k - 1]->low() == U"till"))
                    role = Kind::To;
        // "thunder rolls far to the left", "somewhere off to my right": a place, not a target (after
        // a start, "from straight ahead off to the left", still the target)
        const bool after_start = std::any_of(out.begin(), out.end(), [](const Role& r) { return r.role == Kind::From; });
        if (role == Kind::To && j > 0 && !after_start) {
            const Tok& before = *toks[j - 1];
            const u32 w = before.low();
            if ((before.kind == Kind::Dist && before.value == "far") || w == U"off" || w == U"way" || w == U"well" ||
                w == U"far")
                role = Kind::At;
        }
        if (role == Kind::At) {
        } else if (j >= 0 && toks[j]->kind == Kind::Word) {
            const u32 w = toks[j]->low();
            if (w == U"on" || w == U"at" || w == U"in" || w == U"off" || w == U"upon" || w == U"around" || w == U"round")
                role = Kind::At;
        }
        out.push_back({i, toks[i]->az, role, toks[i]->raw});
    }
    // "left to right", "passing right to left": a direction just before "to <direction>" is the start
    static const std::set<u32> bare = {U"left", U"right", U"front", U"back", U"behind", U"the left", U"the right",
                                       U"the front", U"the back", U"rear", U"the rear", U"centre", U"center", U"l", U"r",
                                       U"right side", U"left side", U"the right side", U"the left side"};
    for (std::size_t k = 0; k + 1 < out.size(); ++k) {
        if (out[k].role == Kind::From || out[k].role == Kind::To || out[k + 1].role != Kind::To) continue;
        const Tok& first = *toks[out[k].idx];
        if (!bare.count(collapse_space(first.low())) && std::isnan(first.raw)) continue;  // "in front of me to the left": a place
        int j = out[k].idx + 1;
        while (j < out[k + 1].idx && toks[j]->kind == Kind::Word && toks[j]->low() == U"the") ++j;
        if (j < out[k + 1].idx && toks[j]->kind == Kind::To) {
            ++j;
            while (j < out[k + 1].idx && toks[j]->kind == Kind::Word && toks[j]->low() == U"the") ++j;
            if (j == out[k + 1].idx) out[k].role = Kind::From;
        }
    }
    return out;
}

// Directions that place a source (with a motion verb, "to X" is a target, not a place).
std::vector<Role> locations(const Toks& toks) {
    const bool moves = std::any_of(toks.begin(), toks.end(), [](const Tok* k) {
        return is_move(k->kind) || k->kind == Kind::Approach || k->kind == Kind::Recede;
    });
    std::vector<Role> out;
    for (const auto& r : roles(toks))
        if (!moves || r.role != Kind::To) out.push_back(r);
    return out;
}

// A lone participle ("... while chirping") or a piece opening with a possessive goes on
// describing the source before it.
// A located one ("children running and shouting on the left") does so when the source before has
// no location of its own.
bool descriptor_only(const Toks& content);
bool lone_participle_describes(const Toks& p, bool previous_located);

bool describes_previous(const Toks& p, bool previous_located) {
    Toks content;
    for (Tok* t : p)
        if (is_content(*t)) content.push_back(t);
    // "..., siren on", "..., horn blaring the whole way", "..., bell dinging": a part of the moving
    // thing before, or what it does all along, with no place of its own
    if (previous_located && locations(p).empty() && !content.empty() && content.size() <= 4) {
        static const std::set<u32> parts = {U"horn", U"horns", U"siren", U"sirens", U"bell", U"bells", U"engine", U"engines",
                                            U"brakes", U"wheels", U"tyres", U"tires", U"wings", U"hooves", U"chain",
                                            U"exhaust", U"motor", U"alarm", U"indicator", U"blinker", U"wipers", U"lights"};
        const u32& first = content[0]->low();
        const Tok* last_word = nullptr;
        for (const Tok* t : p)
            if (t->kind == Kind::Word) last_word = t;
        // bare ("bell dinging"): "an engine idling" with its article is a sound of its own
        const auto at = std::find(p.begin(), p.end(), content[0]);
        const bool bare = at == p.begin() || !((*(at - 1))->low() == U"a" || (*(at - 1))->low() == U"an" ||
                                               (*(at - 1))->low() == U"the" || (*(at - 1))->low() == U"some");
        const bool part = bare && parts.count(first) > 0 &&
                          ((content.size() == 1 && last_word && last_word->low() == U"on") ||  // "siren on"
                           (content.size() >= 2 && ends_with(content[1]->low(), U"ing") && sound_verb(content[1]->low())));
        bool all_along = false;
        for (std::size_t i = 0; i + 1 < p.size(); ++i)
            if (p[i]->low() == U"whole" && (p[i + 1]->low() == U"way" || p[i + 1]->low() == U"time")) all_along = true;
        const bool doing = ends_with(first, U"ing") && sound_verb(first);
        if (part || (all_along && bare && (doing || parts.count(first)))) return true;
    }
    // "..., whistling to himself", "as it flies across": the same source, still talking about itself
    for (const Tok* t : p)
        if (t->kind == Kind::Word && (t->low() == U"himself" || t->low() == U"herself" || t->low() == U"itself" ||
                                      t->low() == U"themselves"))
            return true;
    bool lead = true;
    for (const Tok* t : p) {
        if (t->kind != Kind::Word) continue;
        const u32 w = t->low();
        if (lead && (w == U"as" || w == U"while" || w == U"then" || w == U"and" || w == U"until" || w == U"till" ||
                     w == U"before" || w == U"so")) continue;
        lead = false;
        if (w == U"that's") {  // "that's Daddy snoring on the couch": someone new, presented
            const auto next = std::find_if(std::find(p.begin(), p.end(), t) + 1, p.end(),
                                           [](const Tok* x) { return x->kind == Kind::Word; });
            if (next != p.end()) {
                const u32 n = strip_chars((*next)->low(), U"'s");
                const bool named = is_upper((*next)->text[0]) && (*next)->low() != U"it";
                if (named || names_a_person(n) || sound_noun(n)) return false;
            }
        }
        if (w == U"it" || w == U"they" || w == U"it's" || w == U"that's" || w == U"they're" || w == U"that" ||
            w == U"those" || w == U"these")
            return true;
        // "whoosh - spawn low on the player's left": an instruction for the sound before, naming no other
        static const std::set<u32> instructions = {U"spawn", U"spawns", U"play", U"plays", U"trigger", U"loop", U"fade"};
        if (instructions.count(w) && std::none_of(content.begin(), content.end(), [](const Tok* x) {
                return sound_noun(x->low()) && !sound_verb(x->low());
            }))
            return true;
        // "..., opposite the rooster", "across from the fountain": where it is, said by another sound
        if ((w == U"opposite" || w == U"across") && std::none_of(p.begin(), p.end(), [](const Tok* x) {
                return x->kind == Kind::Dir;
            }))
            return true;
        // "..., curled up in the armchair", "perched on the fence": how the sound before it is placed
        static const std::set<u32> poses = {U"curled", U"tucked", U"perched", U"hidden", U"nestled", U"seated", U"tied",
                                            U"parked", U"stuck", U"mounted", U"hung", U"hanging", U"buried", U"wrapped",
                                            U"trapped", U"locked", U"chained", U"caged", U"kept", U"sleeping",
                                            U"snuggled", U"huddled", U"crouched", U"crouching", U"balanced"};
        if (poses.count(w)) return true;
        if (w == U"their" || w == U"its" || w == U"his" || w == U"her") {
            // "then its mother hums": someone of its own, a sound of their own
            static const std::set<u32> others = {
                U"mother", U"mom", U"mum", U"father", U"dad", U"owner", U"owners", U"master", U"rider", U"riders",
                U"driver", U"pilot", U"handler", U"trainer", U"keeper", U"friend", U"friends", U"child", U"children",
                U"kid", U"kids", U"baby", U"babies", U"puppy", U"puppies", U"pups", U"cubs", U"kittens", U"chicks",
                U"mate", U"partner", U"parents", U"brother", U"sister", U"wife", U"husband", U"companion", U"neighbour",
                U"neighbor", U"neighbours", U"neighbors", U"dog", U"cat", U"passengers", U"crew"};
            const auto at = std::find(p.begin(), p.end(), t);
            const auto next = std::find_if(at + 1, p.end(), [](const Tok* x) { return x->kind == Kind::Word; });
            return !(next != p.end() && others.count((*next)->low()));
        }
        // "..., on cobbles", "..., in a loop": a short place or manner phrase of the sound before
        static const std::set<u32> preps = {U"on", U"in", U"over", U"across", U"along", U"against", U"under", U"inside",
                                            U"among", U"amid", U"upon", U"within", U"like"};
        if (preps.count(w) && locations(p).empty() && content.size() <= 2) return true;
        // "..., playing its happy music", "wagging its tail": what the sound before it is doing
        if (ends_with(w, U"ing") && w.size() > 5) {
            const auto at = std::find(p.begin(), p.end(), t);
            const auto next = std::find_if(at + 1, p.end(), [](const Tok* x) { return x->kind == Kind::Word; });
            if (next != p.end() && ((*next)->low() == U"its" || (*next)->low() == U"their" || (*next)->low() == U"his" ||
                                    (*next)->low() == U"her"))
                return true;
        }
        break;
    }
    if (descriptor_only(content)) {
        // "..., echo comes back from the left": heard from a place of its own, so a sound of its own
        const auto places = locations(p);
        return !(previous_located &&
                 std::any_of(places.begin(), places.end(), [](const Role& r) { return r.role == Kind::From; }));
    }
    return lone_participle_describes(p, previous_located);
}

// "..., looped, static", "..., constant velocity", "with long reverb": how it sounds, not a sound.
// Set while a text that gave no sound is read again: a material alone ("a marble rolls behind me",
// "stone grinding on the left") is then the thing heard, there being no other.
thread_local bool descriptors_are_sounds = false;

bool is_material(const u32& w) {
    static const std::set<u32> materials = {U"marble", U"marbles", U"stone", U"stones", U"metal", U"wood",
                                            U"concrete", U"gravel", U"grass", U"tile", U"tiles", U"carpet", U"snow",
                                            U"sand", U"dirt", U"mud", U"cobbles"};
    return materials.count(w) > 0;
}

// Whether reading the text again with materials as sounds could find one (most texts with no
// sound have no material word: they are not read twice).
bool names_a_material(const u32& text) {
    u32 w;
    for (char32_t c : lower(text) + U" ") {
        if (is_letter(c)) w.push_back(c);
        else if (!w.empty()) {
            if (is_material(w)) return true;
            w.clear();
        }
    }
    return false;
}

bool descriptor_only(const Toks& content) {
    if (descriptors_are_sounds &&
        std::any_of(content.begin(), content.end(), [](const Tok* t) { return is_material(t->low()); }))
        return false;
    static const std::set<u32> descriptors = {
        U"looped", U"looping", U"loop", U"static", U"stationary", U"constant", U"continuous", U"steady", U"intermittent",
        U"intermittently", U"repeating", U"repeated", U"periodic", U"rhythmic", U"occasional", U"sporadic", U"loud",
        U"quiet", U"soft", U"faint", U"muffled", U"dry", U"wet", U"reverb", U"reverberant", U"reverberation", U"echo",
        U"echoey", U"long", U"short", U"heavy", U"light", U"tail", U"decay", U"natural", U"lots", U"plenty", U"velocity",
        U"speed", U"pace", U"tempo", U"mono", U"stereo", U"one-shot", U"oneshot", U"sustained", U"louder", U"quieter",
        U"fixed", U"unmoving", U"motionless", U"spatialised", U"spatialized", U"3d", U"positional", U"distant", U"close",
        U"doppler", U"low", U"high", U"concrete", U"gravel", U"grass", U"wood", U"wooden", U"metal", U"metallic", U"tile",
        U"tiles", U"carpet", U"snow", U"sand", U"marble", U"stone", U"dirt", U"mud", U"cobbles", U"wall", U"walls",
        U"off-screen", U"offscreen", U"on-screen", U"wide", U"narrow", U"tight", U"boomy", U"tinny", U"filtered",
        U"lowpass", U"low-pass", U"highpass", U"high-pass", U"eq", U"eq'd", U"subtle", U"big", U"small", U"room",
        U"hall", U"bathroom", U"warehouse", U"platform", U"cathedral", U"church", U"like", U"faster", U"slower",
        U"brighter", U"darker", U"higher", U"lower", U"only", U"alone", U"solo", U"every", U"second", U"seconds",
        U"minute", U"minutes", U"once", U"twice", U"again", U"always", U"panning", U"pan", U"movement", U"ish", U"holding",
        U"position", U"alongside", U"no", U"nothing", U"silence", U"none", U"wouldn't", U"won't", U"stop", U"info",
        U"needed", U"necessary", U"required", U"automation", U"listen", U"ugh", U"left", U"right", U"fancy",
        U"special", U"else", U"more", U"extra", U"much", U"bit", U"touch", U"tad", U"quadrant", U"sector", U"region",
        U"maybe", U"begin", U"beginning", U"opening", U"finally", U"first", U"lastly", U"each", U"forth",
        U"instead", U"am", U"pm", U"a.m", U"p.m", U"january", U"february", U"march", U"april", U"june", U"july",
        U"august", U"september", U"october", U"november", U"december", U"monday", U"tuesday", U"wednesday",
        U"thursday", U"friday", U"saturday", U"sunday", U"today", U"tonight", U"yesterday", U"welcome"};
    for (std::size_t i = 0; i < content.size(); ++i) {
        const u32 w = strip_chars(content[i]->low(), U"'-");
        // "barking at each other": "other" after "each" ("the other on my right" is an item)
        if (!descriptors.count(w) && !(w == U"other" && i > 0 && content[i - 1]->low() == U"each")) return false;
    }
    return !content.empty();
}

bool lone_participle_describes(const Toks& p, bool previous_located) {
    Toks content;  // ("barking at each other": the participle alone)
    for (Tok* t : p)
        if (is_content(*t) && t->low() != U"each" && t->low() != U"other") content.push_back(t);
    const u32& w = content.size() == 1 ? content[0]->low() : u32();
    if (content.size() != 1 || !(ends_with(w, U"ing") || ends_with(w, U"ed")) || content[0]->text.size() <= 5) return false;
    // a place named only as where it ends ("and beeped when it stopped in front of you") is the same source's
    // "..., roaring past in front of you and fading off to your right": how the move before goes on
    if (previous_located && std::any_of(p.begin(), p.end(), [](const Tok* t) {
            return t->kind == Kind::By || t->kind == Kind::Recede || t->kind == Kind::Approach ||
                   (t->kind == Kind::Word && (t->low() == U"off" || t->low() == U"away"));
        }))
        return true;
    const auto places = locations(p);
    // a plain "to the left" after a participle that does not move ("typing to the left") is a place
    const bool plain_to = std::all_of(p.begin(), p.end(), [](const Tok* t) {
        return t->kind != Kind::To || t->low() == U"to" || t->low() == U"towards" || t->low() == U"toward";
    });
    const bool placed = std::any_of(places.begin(), places.end(), [&](const Role& r) { return r.role != Kind::To || plain_to; });
    if (placed && previous_located) return false;
    const auto at = std::find(p.begin(), p.end(), content[0]);  // "a running dog" is a new sound
    return !std::any_of(p.begin(), at, [](const Tok* t) {
        if (t->kind != Kind::Word) return false;
        const u32 w = t->low();
        return w == U"a" || w == U"an" || w == U"the" || w == U"some";
    });
}

const std::map<u32, int>& count_words() {
    static const std::map<u32, int> words = {{U"two", 2}, {U"three", 3}, {U"four", 4}, {U"five", 5}, {U"six", 6},
                                             {U"seven", 7}, {U"eight", 8}, {U"nine", 9}, {U"ten", 10},
                                             {U"several", 0}, {U"some", 0}, {U"many", 0}, {U"a few", 0},
                                             {U"a couple of", 2}, {U"a pair of", 2}, {U"a group of", 0},
                                             {U"couple of", 2}, {U"pair of", 2}, {U"group of", 0}, {U"few", 0},
                                             {U"both", 2}};
    return words;
}

// A line break separates items ("a dog barks on the left\na car passes ...") when the line before it
// placed something or the next line opens a new item (an article, a number, a capital, a
// vocabulary phrase); otherwise it is a line wrapped inside a sentence ("a dog\nbarks on the left").
void mark_wrapped_lines(std::vector<Tok>& tokens) {
    bool placed = false;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        Tok& tok = tokens[i];
        if (tok.kind == Kind::Dir || tok.kind == Kind::Elev) placed = true;
        if (tok.kind != Kind::Hard) continue;
        const bool line_break = std::all_of(tok.text.begin(), tok.text.end(), [](char32_t c) { return c == '\n' || c == '\r'; });
        if (line_break && !placed && i + 1 < tokens.size() && tokens[i + 1].kind == Kind::Word) {
            const Tok& next = tokens[i + 1];
            const u32 w = next.low();
            const bool opens = is_upper(next.text[0]) || is_digit(next.text[0]) || !is_word(next.text[0]) || w == U"a" ||
                               w == U"an" || w == U"the" || w == U"some" || w == U"another" || count_words().count(w) > 0;
            if (!opens) tok.kind = Kind::Space;
        }
        placed = false;
    }
}

// One source's tokens and the clause (text between hard breaks) it was found in.
struct Group {
    Toks toks;
    int clause = 0;
    int heading = -1;   // the list heading this item takes its label from ("Three cars honking: left, right")
    bool drop = false;  // a heading whose items are the sources
};

// "three cars honking" -> "cars honking": a heading's label without its count.
u32 without_count(const u32& label);

// A colon or a dash after a clause introduces what follows ("Right side: a phone", "Front right -
// a saxophone", "Three sounds - a gong ...").
bool is_lead_in(const Tok& tok) {
    if (tok.kind != Kind::Hard) return false;
    if (tok.text.find(U':') != u32::npos) return true;
    const u32 t = strip_space(tok.text);
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char32_t c) { return c == '-'; });
}

// "mountain pass", "drum roll": a base-form motion word that ends its piece after a singular noun.
bool compound_noun(const Toks& p, std::size_t i) {
    const u32 w = p[i]->low();
    static const std::set<u32> pan_kinds = {U"frying", U"sauce", U"dust", U"bed", U"cake", U"pie", U"roasting",
                                            U"baking", U"sheet", U"pots", U"oven", U"brain", U"salt", U"gold"};
    if ((w == U"pan" || w == U"pans") && i > 0 && pan_kinds.count(p[i - 1]->low())) return true;  // "frying pan sizzling"
    if ((w == U"pass" || w == U"passes") && i > 0 && (p[i - 1]->low() == U"mountain" || p[i - 1]->low() == U"mountains"))
        return true;  // "Mountain pass."
    if (i == 0 || i + 1 != p.size() || !is_content(*p[i - 1])) return false;
    if ((ends_with(w, U"s") && !ends_with(w, U"ss")) || ends_with(w, U"ing") || ends_with(w, U"ed")) return false;
    const u32 prev = p[i - 1]->low();
    static const std::set<u32> plural = {U"people", U"children", U"men", U"women", U"geese", U"mice", U"feet", U"sheep",
                                         U"cattle", U"police", U"deer", U"fish"};
    return !ends_with(prev, U"s") && !plural.count(prev);
}

const std::set<u32>& place_words() {
    static const std::set<u32> words = [] {
        std::set<u32> w;
        for (const auto& s : split(std::string(kIndoorNouns) + "|" + kOutdoorNouns)) w.insert(from_utf8(s));
        const SharedVocabulary& v = shared_vocabulary();
        for (const auto& [cls, nouns] : v.room_nouns)
            for (const auto& n : nouns) w.insert(from_utf8(n));
        for (const auto* list : {&v.large_nouns, &v.church_nouns, &v.reverb_adjectives, &v.dry_adjectives})
            for (const auto& n : *list)
                for (const auto& word : split(n, ' ')) w.insert(from_utf8(word));
        for (const auto& [cls, adjs] : v.room_size_adjectives)
            for (const auto& n : adjs)
                for (const auto& word : split(n, ' ')) w.insert(from_utf8(word));
        for (const auto& s : split(
                 "corner|corridor|hospital|circus|sea|ocean|stadium|platform|subway|tavern|pub|barn|pond|island|deck|"
                 "headset|scene|setting|level|stage|chorus|verse|intro|outro|bridge|tour|game|menu|cutscene|trailer|"
                 "dinnertime|night|morning|evening|dusk|dawn|midnight|noon|afternoon|daytime|nighttime|sunset|sunrise|"
                 "winter|summer|autumn|weekend|time|quiet|rainy|busy|empty|crowded|old|small|large|big|magic|magical|"
                 "dark|sunny|foggy|windy|snowy|stormy|cold|warm|late|early|deep|little|tiny|huge|abandoned|haunted|"
                 "medieval|modern|ancient|city|country|local|public|underground|peaceful|calm|noisy|lively|empty|"
                 "ar|vr|virtual|dining|waiting|living|farmyard|gate|pool|swimming|terminal|schoolyard|dock|pier|marina|"
                 "supermarket|bakery|diner|arcade|casino|zoo|aquarium|gallery|workshop|nursery|rooftop|balcony|porch|"
                 "patio|tent|crossroads|intersection|junction|plaza|vineyard|orchard|swamp|marsh|tundra|glacier|"
                 "int|ext|interior|exterior|stealth|racing|sim|simulator|mountain|mountains|hillside|trail|library|"
                 "golf|bowling|velodrome|curb|kerb|marker|exhibit|installation|zone|display|pass|valley|canyon|ridge|summit"))
            w.insert(from_utf8(s));
        // places that are also sounds stay sounds ("a river, and a dog on the left", "an ocean in front")
        for (const char32_t* sound : {U"river", U"lake", U"sea", U"ocean", U"shore", U"coast", U"seaside", U"stream",
                                      U"fountain", U"waterfall", U"train", U"bus", U"beach", U"pond"})
            w.erase(sound);
        return w;
    }();
    return words;
}

// "seven", "12", "iv": a number naming a place ("marker seven", "gate 12")
bool count_or_number(const u32& w) {
    static const std::set<u32> words = {U"one", U"two", U"three", U"four", U"five", U"six", U"seven", U"eight",
                                        U"nine", U"ten", U"eleven", U"twelve", U"i", U"ii", U"iii", U"iv", U"v"};
    return words.count(w) > 0 || (!w.empty() && std::all_of(w.begin(), w.end(), is_digit));
}

// "The storm room.", "Mining exhibit.", "Whale song installation -": a short name ending in
// what it names (a room, an exhibit, a zone), with no article "a" and no preposition: a heading.
bool heading_name(const Toks& p) {
    static const std::set<u32> heads = {U"room", U"exhibit", U"exhibition", U"installation", U"wing", U"zone",
                                        U"gallery", U"display", U"section", U"notes", U"night", U"level", U"scene"};
    static const std::set<u32> stop = {U"a", U"an", U"in", U"on", U"at", U"from", U"to", U"of", U"with", U"by",
                                       U"and", U"near", U"behind", U"under", U"over", U"into"};
    Toks words;
    for (Tok* t : p) {
        if (t->kind != Kind::Word) return false;
        if (stop.count(t->low())) return false;
        if (is_content(*t)) words.push_back(t);
    }
    return !words.empty() && words.size() <= 3 && heads.count(words.back()->low()) > 0;
}

// "Kitchen at dinnertime.", "A quiet church;", "City street corner.": a place, not a sound.
bool place_only(const Toks& p) {
    if (heading_name(p)) return true;
    // places that are also sounds may name the place they are in ("Train platform.", "Beach bar")
    static const std::set<u32> sound_places = {U"river", U"lake", U"sea", U"ocean", U"shore", U"coast", U"seaside",
                                               U"stream", U"fountain", U"waterfall", U"train", U"bus", U"beach", U"pond"};
    Toks content;
    for (Tok* t : p) {
        if (t->kind == Kind::Dir || t->kind == Kind::Elev || is_move(t->kind) || t->kind == Kind::Circle) return false;
        if (is_content(*t)) content.push_back(t);
    }
    for (std::size_t i = 0; i < content.size(); ++i)
        if (!place_words().count(content[i]->low()) && !(i + 1 < content.size() && sound_places.count(content[i]->low())) &&
            !(i > 0 && count_or_number(content[i]->low())))
            return false;
    return !content.empty();
}

// "In the headset, ...", "When the player enters the cave, ...", "Deep under the sea, ...": where
// or when the scene is, before its sounds; places nothing.
bool scene_setting(const Toks& p) {
    static const std::set<u32> lead = {U"in", U"inside", U"at", U"during", U"on", U"under", U"within", U"throughout", U"halfway", U"for",
                                       U"when", U"whenever", U"once", U"if", U"as", U"after", U"before", U"while"};
    static const std::set<u32> adverbs = {U"deep", U"far", U"high", U"somewhere", U"out", U"down", U"up", U"back",
                                          U"right", U"just", U"later", U"then", U"now"};
    for (const Tok* t : p)
        if (t->kind == Kind::Dir || t->kind == Kind::Elev || t->kind == Kind::Circle) return false;
    if (place_only(p)) return true;
    for (const Tok* t : p) {
        if (t->kind != Kind::Word) return false;
        if (adverbs.count(t->low())) continue;
        return lead.count(t->low()) > 0;
    }
    return false;
}

// A piece whose subject is the listener ("as I go up the trail", "I'm at the front of the
// classroom facing the students"); "I hear ..." is a filler and never gets here.
bool listener_acts(const Toks& p) {
    // "I don't want the rain in front of me", "we need a bell on the left": a request about a sound
    if (std::any_of(p.begin(), p.end(), [](const Tok* t) {
            const u32& w = t->low();
            return w == U"want" || w == U"wants" || w == U"need" || w == U"needs" || w == U"like" || w == U"would";
        }))
        return false;
    for (const Tok* t : p) {
        if (t->kind != Kind::Word) continue;
        const u32& w = t->low();
        return w == U"i" || w == U"we" || w == U"i'm" || w == U"we're" || w == U"you're";
    }
    return false;
}

// "Visitors standing at the marker should hear ...", "as visitors enter": the audience, not a sound.
bool audience_acts(const Toks& p) {
    static const std::set<u32> who = {U"visitor", U"visitors", U"listener", U"listeners", U"user", U"users", U"player",
                                      U"players", U"audience", U"guests", U"viewers"};
    static const std::set<u32> acts = {U"should", U"will", U"can", U"hear", U"hears", U"standing", U"sitting", U"enter",
                                       U"enters", U"entering", U"walk", U"walks", U"walking", U"arrive", U"arrives",
                                       U"stand", U"stands", U"sit", U"sits", U"must", U"may"};
    std::vector<u32> words;
    for (const Tok* t : p)
        if (t->kind == Kind::Word && words.size() < 3) words.push_back(t->low());
    std::size_t i = 0;
    if (i < words.size() && (words[i] == U"as" || words[i] == U"when" || words[i] == U"the" || words[i] == U"once")) ++i;
    return i + 1 < words.size() && who.count(words[i]) && acts.count(words[i + 1]);
}

// "You are the little prince.", "Imagine you are Goldilocks.": who the listener is.
bool listener_role(const Toks& p) {
    for (const Tok* t : p)
        if (t->kind == Kind::Dir || t->kind == Kind::Elev) return false;
    std::vector<u32> words;
    for (const Tok* t : p)
        if (t->kind == Kind::Word && words.size() < 2) words.push_back(t->low());
    if (words.empty()) return false;
    if (words[0] == U"imagine" || words[0] == U"picture" || words[0] == U"pretend" || words[0] == U"i'm" ||
        words[0] == U"you're" || words[0] == U"we're")
        return true;
    return words.size() == 2 && (words[0] == U"you" || words[0] == U"i" || words[0] == U"we") &&
           (words[1] == U"are" || words[1] == U"am");
}

// A clause-opening participle of where the listener is ("Looking down the highway", "Sitting in
// the back row", "Standing on a bridge"): not a sound.
bool listener_pose(const Toks& p) {
    static const std::set<u32> poses = {U"looking", U"standing", U"sitting", U"facing", U"lying", U"listening", U"waiting", U"walking",
                                        U"stood", U"sat", U"biking", U"cycling", U"driving", U"riding", U"jogging", U"commuting",
                                        U"hiking", U"strolling", U"wandering", U"travelling", U"traveling", U"stuck", U"heading",
                                        U"staring", U"watching", U"seated", U"relaxing", U"resting", U"perched"};
    for (const Tok* t : p) {  // the first word ("Walking" may have been read as a move)
        if (t->kind != Kind::Word && !is_move(t->kind)) continue;
        return poses.count(t->low()) > 0;
    }
    return false;
}

// "Close your eyes.", "Turn to face the mural.", "Stop at marker seven.", "Welcome to the Hall of
// Birds.", "Sat by the pond.": the guide talking to the listener (or the listener's pose), no
// place of a sound in it.
bool addressed_to_listener(const Toks& p) {
    static const std::set<u32> verbs = {U"close", U"open", U"relax", U"breathe", U"imagine", U"picture", U"stop",
                                        U"turn", U"face", U"look", U"sit", U"stand", U"walk", U"come", U"enter",
                                        U"follow", U"step", U"take", U"welcome", U"get", U"settle", U"lie"};
    if (std::any_of(p.begin(), p.end(), [](const Tok* t) { return t->kind == Kind::Dir || t->kind == Kind::Elev; }))
        return false;
    const auto first = std::find_if(p.begin(), p.end(), [](const Tok* t) { return t->kind != Kind::Space; });
    if (first == p.end()) return false;
    // "Close your eyes": "close" reads as near unless a possessive follows
    if ((*first)->low() == U"close")
        return first + 1 != p.end() && ((*(first + 1))->low() == U"your" || (*(first + 1))->low() == U"my");
    return ((*first)->kind == Kind::Word && verbs.count((*first)->low()) > 0) || listener_pose(p);
}

// A base-form motion word after "a"/"an" and its adjectives is a noun: "a sizzling pan", "a long
// drive" ("a dog pans" would need the -s).
bool noun_after_article(const Toks& p, std::size_t i) {
    const u32 w = p[i]->low();
    static const std::set<u32> past = {U"flew", U"ran", U"drove", U"went", U"swept", U"crept", U"rode", U"swung",
                                       U"slid", U"leapt", U"shot", U"sped", U"rose", U"fell"};
    if ((ends_with(w, U"s") && !ends_with(w, U"ss")) || ends_with(w, U"ing") || ends_with(w, U"ed") || past.count(w)) return false;
    std::size_t j = i, adjectives = 0;
    while (j > 0 && adjectives <= 2 && is_content(*p[j - 1])) --j, ++adjectives;
    if (j == 0 || p[j - 1]->kind != Kind::Word) return false;
    const u32 a = p[j - 1]->low();
    return a == U"a" || a == U"an" || a == U"another" || a == U"each" || a == U"every";
}

// Clauses (cut at hard breaks) -> pieces (cut at soft breaks) -> sources. colon_after[c] says
// clause c ended with a colon or a dash ("Left: a bell", "A duet: a flute ... and a cello ...");
// colon_only[c] with a colon.
// "put the narrator voice straight ahead", "Mix the crowd behind the audience": an instruction verb
// that opens a piece and is followed by a determiner.
bool imperative(const std::vector<Tok>& tokens, std::size_t i) {
    static const std::set<u32> verbs = {U"put", U"place", U"mix", U"keep", U"spread", U"position", U"set", U"add",
                                        U"have", U"make", U"let", U"bring", U"leave", U"hold", U"send", U"route",
                                        U"render", U"pan", U"give", U"start", U"fade", U"drop", U"layer", U"insert",
                                        U"spawn", U"play", U"trigger", U"create", U"generate", U"include", U"use"};
    if (tokens[i].kind != Kind::Word && !is_move(tokens[i].kind)) return false;
    if (!verbs.count(tokens[i].low())) return false;
    const bool opens = i == 0 || tokens[i - 1].kind == Kind::Hard || tokens[i - 1].kind == Kind::Soft ||
                       (tokens[i - 1].kind == Kind::Word && (tokens[i - 1].low() == U"and" || tokens[i - 1].low() == U"then"));
    if (!opens || i + 1 >= tokens.size()) return false;
    if (tokens[i + 1].kind == Kind::Filler) return true;  // "put sound of sea behind me"
    const u32 next = tokens[i + 1].low();
    return next == U"the" || next == U"a" || next == U"an" || next == U"some" || next == U"my" || next == U"our" ||
           next == U"it" || next == U"them" || next == U"one" ||
           next == U"his" || next == U"her" || next == U"their" || next == U"its" || next == U"this" || next == U"that";
}

// A bare "left" / "right" that is not a side: "all right", "right away", "right now"; "left" as the
// verb after its subject and before its object ("He left the room", "the guy who left the party").
bool idiom_side(const std::vector<Tok>& tokens, std::size_t i) {
    const u32 w = tokens[i].low();
    if (w != U"left" && w != U"right") return false;
    auto word = [&](std::size_t j) { return j < tokens.size() && tokens[j].kind != Kind::Space ? tokens[j].low() : u32(); };
    std::size_t prev = i, next = i + 1;
    while (prev > 0 && tokens[prev - 1].kind == Kind::Space) --prev;
    while (next < tokens.size() && tokens[next].kind == Kind::Space) ++next;
    const u32 before = prev > 0 ? word(prev - 1) : u32(), after = word(next);
    if (w == U"right") {
        // not "right before" / "right as" / "right then": "pans right before fading" is a side
        static const std::set<u32> adverb = {U"away", U"now", U"here", U"there", U"afterwards"};
        // "does that sound right to you?", "it looks right": correct, not a side
        static const std::set<u32> seems = {U"sound", U"sounds", U"look", U"looks", U"feel", U"feels", U"seem", U"seems",
                                            U"get", U"got"};
        const bool correct = seems.count(before) > 0 && (after.empty() || after == U"to" || after == U"?" || after == U"now" ||
                                                         after == U"for");
        return before == U"all" || adverb.count(after) > 0 || correct;
    }
    static const std::set<u32> subject = {U"i", U"he", U"she", U"they", U"we", U"you", U"who", U"had", U"has",
                                          U"have", U"already", U"never", U"someone", U"somebody", U"everyone",
                                          U"everybody"};
    static const std::set<u32> object = {U"the", U"a", U"an", U"his", U"her", U"their", U"my", U"our", U"your",
                                         U"its", U"this", U"that", U"for", U"home", U"early", U"without", U"town",
                                         U"work", U"school"};
    return subject.count(before) && object.count(after) && tokens[i].text.size() == 4;
}

// "not on the left but on the right": a negated direction places nothing. "flying over from
// behind": "over" after a motion verb is overhead.
void adjust_tokens(std::vector<Tok>& tokens) {
    static const std::set<u32> skip = {U"on", U"at", U"to", U"in", U"the", U"my", U"your", U"from", U"towards", U"coming"};
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        Tok& tok = tokens[i];
        if (imperative(tokens, i)) {
            tok.kind = Kind::Filler;  // "put the narrator voice straight ahead": the voice, not "put"
            continue;
        }
        // "the drill is going on the other side of the wall": running, not moving
        if (is_move(tok.kind) && (tok.low() == U"going" || tok.low() == U"goes" || tok.low() == U"go") &&
            i + 1 < tokens.size() &&
            ((tokens[i + 1].kind == Kind::Word &&
              (tokens[i + 1].low() == U"on" || tokens[i + 1].low() == U"in" || tokens[i + 1].low() == U"at")) ||
             tokens[i + 1].kind == Kind::Room))
            tok.kind = Kind::Word;
        // "pans are sizzling", "drives were humming": a noun before its verb
        if (is_move(tok.kind) && i + 1 < tokens.size() && tokens[i + 1].kind == Kind::Word &&
            (tokens[i + 1].low() == U"are" || tokens[i + 1].low() == U"were" || tokens[i + 1].low() == U"have"))
            tok.kind = Kind::Word;
        // "Tick-tock goes the clock behind you": an inverted verb, not a move
        if (is_move(tok.kind) && i > 0 && is_content(tokens[i - 1]) && i + 1 < tokens.size() &&
            tokens[i + 1].kind == Kind::Word && (tokens[i + 1].low() == U"the" || tokens[i + 1].low() == U"a") &&
            tok.low().compare(0, 4, U"pass") != 0)
            tok.kind = Kind::Word;
        if (tok.kind == Kind::Dir && idiom_side(tokens, i)) {
            tok.kind = Kind::Filler;
            continue;
        }
        // "let's hear some ocean waves": the request, not part of the sound's name
        if (tok.kind == Kind::Word && (tok.low() == U"let's" || tok.low() == U"lets") && i + 1 < tokens.size()) {
            static const std::set<u32> asks = {U"hear", U"have", U"get", U"add", U"put", U"make", U"start", U"listen"};
            if (asks.count(tokens[i + 1].low())) {
                tok.kind = tokens[i + 1].kind = Kind::Filler;
                continue;
            }
        }
        if (tok.kind != Kind::Word) continue;
        const u32 w = tok.low();
        const bool negation = w == U"not" || w == U"never" || w == U"isn't" || w == U"aren't" || w == U"wasn't" ||
                              w == U"weren't" || w == U"ain't" ||
                              (w == U"than" && i > 0 && tokens[i - 1].low() == U"rather") ||
                              (w == U"of" && i > 0 && tokens[i - 1].low() == U"instead");
        if ((w == U"don't" || w == U"dont" || w == U"doesn't") && i + 1 < tokens.size() &&
            (tokens[i + 1].low() == U"want" || tokens[i + 1].low() == U"need" || tokens[i + 1].low() == U"like")) {
            for (std::size_t j = i + 2; j < tokens.size() && j < i + 9 && tokens[j].kind != Kind::Hard && tokens[j].kind != Kind::Soft; ++j)
                if (tokens[j].kind == Kind::Dir || tokens[j].kind == Kind::Elev) {
                    tokens[j].kind = Kind::Space;
                    break;
                }
            continue;
        }
        if (negation) {
            std::size_t j = i + 1;
            while (j < tokens.size() && tokens[j].kind == Kind::Word && skip.count(tokens[j].low())) ++j;
            if (j < tokens.size() && (tokens[j].kind == Kind::Dir || tokens[j].kind == Kind::Elev)) tokens[j].kind = Kind::Space;
            else if (j < tokens.size() && is_move(tokens[j].kind)) tokens[j].kind = Kind::Word;  // "not moving": still
        } else if (w == U"over" && i > 0 && is_move(tokens[i - 1].kind) &&
                   (i + 1 >= tokens.size() || tokens[i + 1].kind != Kind::Word)) {
            tok.kind = Kind::Elev;  // "a plane flying over from behind me"
            tok.az = kAboveDeg;
        }
    }
}

// "car alarms on my left and right, and a cat ...": a side alone that mirrors the side the source
// before it ends on is that source's second place, not where the next sound is.
bool mirrors_last_place(const Toks& p, const Toks& source) {
    const Tok* dir = nullptr;
    for (const Tok* t : p) {  // the side and glue words only ("and right", "and the right")
        if (t->kind == Kind::Dir && !dir) dir = t;
        else if (t->kind != Kind::Word || is_content(*t)) return false;
    }
    const Tok* last = nullptr;
    for (const Tok* t : source)
        if (t->kind == Kind::Dir) last = t;
    return dir && last && std::fabs(last->az) > 10.0 && std::fabs(last->az) < 170.0 && std::fabs(dir->az + last->az) < 1e-9;
}

std::vector<Group> group(std::vector<Tok>& tokens, std::vector<bool>& colon_after, std::vector<bool>& colon_only) {
    mark_wrapped_lines(tokens);
    adjust_tokens(tokens);
    std::vector<Toks> clauses(1);
    std::vector<bool> bang_after(1, false);  // the clause ended with "!"
    colon_after.assign(1, false);
    colon_only.assign(1, false);
    for (auto& tok : tokens) {
        if (tok.kind == Kind::Space) continue;
        if (tok.kind == Kind::Hard) {
            // breaks in a row ("Layers:\n1) traffic") make one break; a colon among them counts
            if (clauses.back().empty() && clauses.size() > 1) {
                colon_after[clauses.size() - 2] = colon_after[clauses.size() - 2] || tok.text.find(U':') != u32::npos;
                colon_only[clauses.size() - 2] = colon_only[clauses.size() - 2] || tok.text.find(U':') != u32::npos;
                continue;
            }
            colon_after.back() = is_lead_in(tok);
            colon_only.back() = tok.text.find(U':') != u32::npos;
            bang_after.back() = tok.text.find(U'!') != u32::npos;
            clauses.emplace_back();
            colon_after.push_back(false);
            colon_only.push_back(false);
            bang_after.push_back(false);
        } else {
            clauses.back().push_back(&tok);
        }
    }
    std::vector<Group> sources;
    Toks carry;  // a label-less clause before a colon ("Right side:") places the next clause's sound
    // a screenplay slug line ("EXT. HIGHWAY - DAY."): its capitals clauses name the scene
    std::size_t slug_end = 0;
    if (!clauses.empty() && !clauses[0].empty() && (clauses[0][0]->text == U"EXT" || clauses[0][0]->text == U"INT" ||
                                                     clauses[0][0]->text == U"INT/EXT"))
        while (slug_end < clauses.size() && !clauses[slug_end].empty() &&
               std::all_of(clauses[slug_end].begin(), clauses[slug_end].end(), [](const Tok* t) {
                   return t->kind != Kind::Dir && std::none_of(t->text.begin(), t->text.end(), is_lower);
               }))
            ++slug_end;
    const std::size_t n_clauses = static_cast<std::size_t>(
        std::count_if(clauses.begin(), clauses.end(), [](const Toks& c) { return !c.empty(); }));
    for (std::size_t c = 0; c < clauses.size(); ++c) {
        const Toks& clause = clauses[c];
        // "Goal! The stadium horn blasts ...", "Splash! A frog jumped ...", "... Hoo! ...", "Toot toot!": an
        // exclamation in a scene told in sentences, not a sound of its own
        const bool one_word = !clause.empty() && is_content(*clause[0]) && clause.size() <= 2 &&
                              std::all_of(clause.begin(), clause.end(), [&](const Tok* t) { return t->low() == clause[0]->low(); });
        if (n_clauses > 1 && bang_after[c] && one_word && (c == 0 || clause.size() == 2 || !sound_noun(clause[0]->low())))
            continue;  // "Thunder!" later on is a sound
        if (c < slug_end) continue;
        std::vector<Toks> pieces(1);
        std::vector<u32> opener(1);  // the soft break before each piece ("with", "and", ",")
        for (Tok* tok : clause) {
            if (tok->kind == Kind::Soft) {
                pieces.emplace_back();
                opener.push_back(tok->low());
            } else {
                pieces.back().push_back(tok);
            }
        }
        for (auto& p : pieces) {
            // a motion-verb word right before a content word is an adjective ("running water"), and so
            // is one right after an article ("a fly circles")
            for (std::size_t i = 0; i < p.size(); ++i) {
                if (!is_move(p[i]->kind)) continue;
                const bool after_article = i > 0 && p[i - 1]->kind == Kind::Word &&
                                           (p[i - 1]->low() == U"a" || p[i - 1]->low() == U"an" || p[i - 1]->low() == U"the");
                if ((after_article && (i + 1 >= p.size() || !is_content(*p[i + 1]))) || noun_after_article(p, i) ||
                    compound_noun(p, i)) {
                    p[i]->kind = Kind::Word;
                    continue;
                }
                if (i + 1 >= p.size() || !is_content(*p[i + 1])) continue;
                // "someone turns pages": a verb with its object, not a turn
                const u32& mv = p[i]->low();
                if (mv == U"turns" || mv == U"turn" || mv == U"turned" || mv == U"turning" || mv == U"flips" ||
                    mv == U"flipping") {
                    p[i]->kind = Kind::Word;
                    continue;
                }
                if (std::any_of(p.begin(), p.begin() + i, [](const Tok* k) { return is_move(k->kind); })) continue;
                if (i == 0 || !is_content(*p[i - 1]) || ends_with(p[i]->low(), U"ing")) p[i]->kind = Kind::Word;
            }
        }
        // "I'm lying in bed when I hear a mosquito ...", "From the hospital bed I can hear the monitor
        // ...", "I heard footsteps behind me": the sound starts after the listener hears it
        for (auto& piece : pieces) {
            static const std::set<u32> who = {U"i", U"i'm", U"we", U"we're", U"you", U"you're", U"im"};
            auto first_word = [](const u32& w) { return w.substr(0, w.find(U' ')); };
            auto subject = std::find_if(piece.begin(), piece.end(), [&](const Tok* t) { return who.count(first_word(t->low())) > 0; });
            if (subject == piece.end()) continue;
            // "hear" alone or ending a phrase read as one token ("I can hear", "we hear")
            auto hear = std::find_if(subject, piece.end(), [](const Tok* t) {
                const u32& w = t->low();
                return ends_with(w, U"hear") || ends_with(w, U"hears") || ends_with(w, U"heard") ||
                       ends_with(w, U"hearing") || w == U"listen";
            });
            if (hear != piece.end() && hear + 1 != piece.end()) piece.erase(piece.begin(), hear + 1);
        }
        // "... when they spawn", "once the player enters": when, for the audience, not a sound
        for (auto& piece : pieces)
            for (std::size_t i = 0; i + 1 < piece.size(); ++i) {
                const u32& w = piece[i]->low();
                if (w != U"when" && w != U"whenever" && w != U"once" && w != U"until" && w != U"after" && w != U"before" &&
                    w != U"as" && w != U"while")
                    continue;
                const u32& who = piece[i + 1]->low();
                const bool audience = who == U"they" || who == U"you" || who == U"we" || who == U"i" ||
                                      (who == U"the" && i + 2 < piece.size() &&
                                       (piece[i + 2]->low() == U"player" || piece[i + 2]->low() == U"user" ||
                                        piece[i + 2]->low() == U"listener" || piece[i + 2]->low() == U"players"));
                // "... until they fade out ahead": "they" with a place of their own are the sounds
                const bool placed_after = (who == U"they" || who == U"they're") && std::any_of(piece.begin() + static_cast<long>(i), piece.end(),
                                                                         [](const Tok* t) { return t->kind == Kind::Dir; });
                if (audience && i > 0 && !placed_after) {
                    piece.erase(piece.begin() + static_cast<long>(i), piece.end());
                    break;
                }
            }
        // "... as you breathe in", "while we wait": what the listener does meanwhile
        for (std::size_t k = 1; k < pieces.size(); ++k) {
            if (opener[k] != U"as" && opener[k] != U"while" && opener[k] != U"when" && opener[k] != U"whenever") continue;
            const auto w = std::find_if(pieces[k].begin(), pieces[k].end(), [](const Tok* t) { return t->kind == Kind::Word; });
            if (w != pieces[k].end() && ((*w)->low() == U"you" || (*w)->low() == U"we" || (*w)->low() == U"i"))
                pieces[k].clear();
        }
        // "Looking down the highway, ...", "Sitting in the back row, ...": where the listener is, no sound
        // (and what is with them there: "Sitting on the porch with the house at my back, ...")
        if (pieces.size() > 1 && (listener_pose(pieces[0]) || scene_setting(pieces[0]))) {
            pieces[0].clear();
            if (listener_pose(pieces[0]))
                for (std::size_t k = 1; k + 1 < pieces.size() && opener[k] == U"with"; ++k) pieces[k].clear();
        }
        if (pieces.size() > 1)  // "... as I go up the trail": the listener, not a sound
            for (auto& piece : pieces)
                if (listener_acts(piece)) piece.clear();
        // "Visitors standing at the marker should hear the engine ...": the sound starts after "hear"
        for (auto& piece : pieces)
            if (audience_acts(piece)) {
                auto hear = std::find_if(piece.begin(), piece.end(), [](const Tok* t) {
                    const u32& w = t->low();
                    return ends_with(w, U"hear") || ends_with(w, U"hears");
                });
                if (hear != piece.end()) piece.erase(piece.begin(), hear + 1);
                else if (pieces.size() > 1 || std::none_of(piece.begin(), piece.end(), [](const Tok* t) {
                             return t->kind == Kind::Dir || t->kind == Kind::Elev;
                         }))
                    piece.clear();  // "The user stands in a forest; ...": where the audience is
            }
        if (pieces.size() > 1)  // "In a moderately sized, acoustically dry classroom, an owl ...": the room
            for (auto& piece : pieces)
                if (place_only(piece)) piece.clear();
        if (pieces.size() == 1 && (place_only(pieces[0]) || listener_role(pieces[0]) || addressed_to_listener(pieces[0]) ||
                                   (listener_acts(pieces[0]) && std::any_of(pieces[0].begin(), pieces[0].end(), [](const Tok* t) {
                                        return t->low() == U"facing" || t->low() == U"sitting" || t->low() == U"standing";
                                    })) ||
                                   // "We stood on the pier;": with no place of a sound in it
                                   (listener_acts(pieces[0]) && std::any_of(pieces[0].begin(), pieces[0].end(), [](const Tok* t) {
                                        static const std::set<u32> poses = {
                                            U"stood", U"sat", U"lay", U"lying", U"waiting", U"waited", U"resting", U"stand",
                                            U"sit", U"lie", U"are", U"am", U"was", U"were", U"walked", U"arrive",
                                            U"arrived", U"entered", U"enter"};
                                        return poses.count(t->low()) > 0;
                                    }) && std::none_of(pieces[0].begin(), pieces[0].end(), [](const Tok* t) {
                                        return t->kind == Kind::Dir || t->kind == Kind::Elev;
                                    }))))
            pieces[0].clear();
        std::vector<bool> has_label(pieces.size());
        for (std::size_t k = 0; k < pieces.size(); ++k) {
            Toks content;
            for (Tok* t : pieces[k])
                if (is_content(*t)) content.push_back(t);
            // a descriptor heard from a place of its own may be a sound (describes_previous decides)
            has_label[k] = !content.empty() && !descriptor_only(content);
            if (!has_label[k] && !content.empty()) {
                const auto own = locations(pieces[k]);
                has_label[k] = std::any_of(own.begin(), own.end(), [](const Role& r) { return r.role == Kind::From; });
            }
            // "a truck reverses with a warning beep, moving ...": what it sounds with, not another sound
            if (has_label[k] && k > 0 && opener[k] == U"with" && locations(pieces[k]).empty() &&
                std::none_of(pieces[k].begin(), pieces[k].end(), [](const Tok* t) { return is_move(t->kind); }) &&
                std::find(has_label.begin(), has_label.begin() + k, true) != has_label.begin() + k)
                has_label[k] = false;
        }
        const std::size_t first_in_clause = sources.size();
        for (std::size_t k = 0; k < pieces.size(); ++k) {
            const bool label_before = std::find(has_label.begin(), has_label.begin() + k, true) != has_label.begin() + k;
            if (!has_label[k] || (sources.empty() && !label_before)) continue;
            // the source a describing piece would join: the labelled piece before it, else the last source
            const Toks* prev = nullptr;
            Toks told;  // the labelled piece before and the label-less ones after it ("..., starting behind and")
            for (std::size_t j = k; j-- > 0;)
                if (has_label[j]) {
                    prev = &pieces[j];
                    for (std::size_t i = j; i < k; ++i) told.insert(told.end(), pieces[i].begin(), pieces[i].end());
                    break;
                }
            // a list after a colon starts afresh: "Pool: splashing in front, ..." is an item, not the pool's
            const bool after_colon = c > 0 && colon_only[c - 1];
            if (!prev && !sources.empty() && !after_colon) prev = &sources.back().toks;
            if (!prev && after_colon) continue;
            if (describes_previous(pieces[k], prev && !locations(*prev).empty())) has_label[k] = false;
            else if (prev && (opener[k].find(U"and") != u32::npos || opener[k].find(U"then") != u32::npos ||
                              (opener[k] == U"," && !pieces[k].empty() &&
                               (ends_with(pieces[k][0]->low(), U"ed") || verb_form(pieces[k][0]->low()) % 2 == 1)) ||
                              // ", coming up from behind and pulling ahead": a participle with a start
                              (opener[k] == U"," && !pieces[k].empty() && ends_with(pieces[k][0]->low(), U"ing") &&
                               std::any_of(pieces[k].begin(), pieces[k].end(),
                                           [](const Tok* t) { return t->kind == Kind::From; }))) &&
                     continues_sentence(pieces[k], told.empty() ? *prev : told))
                has_label[k] = false;
        }
        Toks pending = carry;  // label-less pieces waiting for the source after them
        carry.clear();
        // "Left: nothing. Right: a vacuum cleaner": nothing is there, so the place is used up
        if (!pending.empty() && std::none_of(has_label.begin(), has_label.end(), [](bool b) { return b; }) &&
            std::any_of(clause.begin(), clause.end(), [](const Tok* t) {
                const u32& w = t->low();
                return w == U"nothing" || w == U"silence" || w == U"none" || w == U"empty" || w == U"silent";
            }))
            pending.clear();
        int current = -1;      // the source this clause is describing
        for (std::size_t k = 0; k < pieces.size(); ++k) {
            const Toks& p = pieces[k];
            if (has_label[k]) {
                Toks src = pending;
                src.insert(src.end(), p.begin(), p.end());
                pending.clear();
                sources.push_back({src, static_cast<int>(c)});
                current = static_cast<int>(sources.size()) - 1;
                continue;
            }
            // "rain - behind, thunder - left": after a dash, a place alone belongs to the sound before it
            const bool after_dash = c > 0 && colon_after[c - 1] && !colon_only[c - 1];
            if (k == 0 && after_dash && current < 0 && !sources.empty() && !locations(p).empty() &&
                locations(sources.back().toks).empty() && pieces.size() > 1) {
                sources.back().toks.insert(sources.back().toks.end(), p.begin(), p.end());
                continue;
            }
            if (current < 0 || !pending.empty()) {
                pending.insert(pending.end(), p.begin(), p.end());
                continue;
            }
            // A located label-less piece between a located source and an unlocated one is a fronted
            // location of the next: "fire crackles on the right and, far away to the left, a keyboard".
            std::size_t nxt = k + 1;
            while (nxt < pieces.size() && !has_label[nxt]) ++nxt;
            // ("..., passes me on the left and rides off ahead, bell dinging": a verb goes on with the sound before)
            const bool told = std::any_of(p.begin(), p.end(), [](const Tok* t) {
                return is_move(t->kind) || (t->kind == Kind::Word && verb_form(t->low()) == 1);
            });
            if (nxt < pieces.size() && !locations(p).empty() && !locations(sources[current].toks).empty() &&
                locations(pieces[nxt]).empty() && !mirrors_last_place(p, sources[current].toks) && !told)
                pending.insert(pending.end(), p.begin(), p.end());
            else
                sources[current].toks.insert(sources[current].toks.end(), p.begin(), p.end());
        }
        if (pending.empty()) continue;
        // "Three cars honking: left, right, and behind": places alone after a counted heading are its items
        const auto n_places = std::count_if(pieces.begin(), pieces.end(), [](const Toks& p) { return !p.empty(); });
        const bool all_places = n_places >= 2 && std::all_of(pieces.begin(), pieces.end(), [](const Toks& p) {
            return p.empty() || (!locations(p).empty() &&
                                 std::none_of(p.begin(), p.end(), [](const Tok* t) { return is_content(*t); }));
        });
        if (all_places && c > 0 && colon_only[c - 1] && !sources.empty() && first_in_clause == sources.size() &&
            sources.back().clause == static_cast<int>(c) - 1) {
            sources.back().drop = true;
            const int heading = static_cast<int>(sources.size()) - 1;
            for (auto& p : pieces)
                if (!p.empty()) sources.push_back({p, static_cast<int>(c), heading, false});
            continue;
        }
        // "Behind me: footsteps", "Front right - a saxophone", and a place stated before any sound
        if ((colon_after[c] && sources.size() == first_in_clause) || sources.empty()) carry = pending;
        else if (!sources.empty()) sources.back().toks.insert(sources.back().toks.end(), pending.begin(), pending.end());
    }
    return sources;
}

// The text of run[a, b) as a label: the original spelling, a leading capital and article dropped.
u32 run_label(const Toks& run, std::size_t a, std::size_t b, const u32& t) {
    u32 lab = strip_chars(collapse_space(t.substr(run[a]->start, run[b - 1]->end - run[a]->start)), U" ,'\"-");
    if (!lab.empty() && is_upper(lab[0]) && (lab.size() == 1 || is_lower(lab[1]) || lab[1] == ' '))
        lab = lower(lab.substr(0, 1)) + lab.substr(1);
    Regex::Match m;
    if (patterns().article->match_at(lab, 0, m)) lab = lab.substr(m.end);
    return lab;
}

u32 first_label(const Toks& toks, const u32& t);

// "For the true crime episode I want a clock ticking behind the listener": where the first run
// of words names nothing heard and a later one names a sound, the sound is the label.
u32 label_of(const Toks& toks, const u32& t) {
    const u32 first = first_label(toks, t);
    // "make sound of the river": "sound of" says nothing of what is heard ("pink noise" does)
    u32 specific = lower(first);
    for (const u32 generic : {U"sounds of", U"sound of", U"noises of", U"noise of"})
        for (std::size_t at = specific.find(generic); at != u32::npos; at = specific.find(generic, at + 1))
            std::fill(specific.begin() + static_cast<long>(at), specific.begin() + static_cast<long>(at + generic.size()), U' ');
    if (ends_with(specific, U" sound") || specific == U"sound") specific.resize(specific.size() - 5);  // "make sound
    if (first.empty() || names_a_sound(specific) || names_a_person(first)) return first;
    for (std::size_t k = 1; k < toks.size(); ++k) {
        if (toks[k - 1]->kind == Kind::Word || toks[k]->kind != Kind::Word) continue;  // each later run once
        const Toks rest(toks.begin() + static_cast<long>(k), toks.end());
        const u32 later = first_label(rest, t);
        // "a crewmate floats past ..., humming a tune": a participle describes the one named first
        const u32 opener = later.substr(0, later.find(U' '));
        if (!later.empty() && later != first && has_sound_noun(later) && !ends_with(opener, U"ing")) return later;
    }
    return first;
}

u32 first_label(const Toks& toks, const u32& t) {
    std::vector<Toks> runs(1);
    for (Tok* tok : toks) {
        // a run ends at any other token, and where the source's tokens skip a separator
        bool adjacent = !runs.back().empty();
        for (const Tok* k = adjacent ? runs.back().back() + 1 : tok; k < tok; ++k) adjacent = adjacent && k->kind == Kind::Space;
        if (tok->kind == Kind::Word && adjacent) runs.back().push_back(tok);
        else if (tok->kind == Kind::Word) runs.push_back({tok});
        else runs.emplace_back();
    }
    for (const auto& run : runs) {
        std::size_t a = 0, b = run.size();
        while (a < b && !is_content(*run[a])) ++a;
        while (b > a && !is_content(*run[b - 1])) --b;
        if (a == b) continue;
        // "church bell is ringing", "music was being played through a radio": the subject names it
        // (a sound before a verb in -ing: "someone is typing on a keyboard" keeps its keyboard)
        for (std::size_t i = a + 1; i + 1 < b; ++i) {
            const u32& w = run[i]->low();
            if (w != U"is" && w != U"are" && w != U"was" && w != U"were") continue;
            u32 subject;
            for (std::size_t k = a; k < i; ++k) subject += run[k]->low() + U" ";
            if (ends_with(run[i + 1]->low(), U"ing") && names_a_sound(subject) && !names_a_person(subject)) {
                b = i;
                while (b > a && !is_content(*run[b - 1])) --b;
            }
            break;
        }
        if (b < run.size()) {  // "pink noise", "engine sound": the noun after an adjective stays
            const u32& w = run[b]->low();
            if (w == U"noise" || w == U"noises" || w == U"sound" || w == U"sounds") ++b;
        }
        Toks content;
        for (std::size_t i = a; i < b; ++i)
            if (is_content(*run[i])) content.push_back(run[i]);
        if (descriptor_only(content)) continue;  // "with long reverb, an organ plays": the organ
        // "first violin front-left, second violin front-right": the ordinal names the part
        if (a > 0 && (run[a - 1]->low() == U"first" || run[a - 1]->low() == U"second" || run[a - 1]->low() == U"third") &&
            (a == 1 || run[a - 2]->low() == U"the"))
            --a;
        return run_label(run, a, b, t);
    }
    // only descriptor words: a source kept for a place of its own ("echo comes back from the left")
    for (const auto& run : runs) {
        std::size_t a = 0, b = run.size();
        while (a < b && !is_content(*run[a])) ++a;
        while (b > a && !is_content(*run[b - 1])) --b;
        if (a < b) return run_label(run, a, b, t);
    }
    return u32();
}

// ---- one source's motion, distance and speed (parser._resolve) -----------------------------------
const std::map<std::string, double> kDistanceM = {{"near", 1.0}, {"moderate", 2.5}, {"far", 6.0}};

// a1 moved by whole turns so that the move from a0 passes `via` (the shorter such move).
double route_through(double a0, double a1, double via) {
    auto passes = [&](double b) {
        const double lo = std::min(a0, b), hi = std::max(a0, b);
        return via + 360.0 * std::ceil((lo - via) / 360.0) <= hi;
    };
    if (passes(a1)) return a1;
    double best = a1;
    for (const double b : {a1 - 360.0, a1 + 360.0, a1 - 720.0, a1 + 720.0})
        if (passes(b) && (best == a1 || std::fabs(b - a0) < std::fabs(best - a0))) best = b;
    return best;
}

// Passing along one side ("overtakes us on the right"): from behind to the front on that side
// (rear diagonal to front diagonal), or the other way for traffic coming towards the listener.
void along_side(double side, bool coming_towards, double& a0, double& a1) {
    const double rear = side < 0 ? -135.0 : 135.0, front = side < 0 ? -45.0 : 45.0;
    a0 = coming_towards ? front : rear;
    a1 = coming_towards ? rear : front;
}

bool oncoming(const Toks& toks) {
    for (std::size_t i = 0; i < toks.size(); ++i) {
        const u32& w = toks[i]->low();
        if (w == U"oncoming" || w == U"head-on") return true;
        if ((w == U"towards" || w == U"toward") && i + 1 < toks.size() &&
            (toks[i + 1]->low() == U"me" || toks[i + 1]->low() == U"us" || toks[i + 1]->low() == U"you"))
            return true;
    }
    return false;
}

SceneSource resolve(const Toks& toks, const u32& label) {
    const auto dirs = roles(toks);
    std::vector<int> move_idx;
    bool approach = false, recede = false, passing_by = false;
    for (int i = 0; i < static_cast<int>(toks.size()); ++i) {
        const Kind k = toks[i]->kind;
        if (is_move(k)) move_idx.push_back(i);
        approach = approach || k == Kind::Approach;
        recede = recede || k == Kind::Recede;
        if (k == Kind::By && i > 0 && is_move(toks[i - 1]->kind)) passing_by = true;
        if (k == Kind::Move && (toks[i]->low().compare(0, 4, U"pass") == 0 || toks[i]->low().compare(0, 7, U"overtak") == 0 ||
                                ends_with(toks[i]->low(), U"-by") || ends_with(toks[i]->low(), U"flyby")))
            passing_by = true;
    }
    double via_phrase = std::nan(""), circle = 0.0;  // Passing: the azimuth passed; Circle: +-360
    for (const Tok* t : toks) {
        if (t->kind == Kind::Passing && std::isnan(via_phrase))
            via_phrase = t->low().find(U"front") != u32::npos ? 0.0 : 180.0;
        // "gulls circling overhead" go round the listener; "gulls wheeling overhead to your right" circle there
        const bool in_place = t->low().find(U' ') == u32::npos && !dirs.empty();
        if (t->kind == Kind::Circle && circle == 0.0 && !in_place) circle = t->az;
    }
    if (circle != 0.0) {  // "..., going counter-clockwise", "twice"
        for (const Tok* t : toks) {
            const u32& w = t->low();
            if (t->kind != Kind::Word) continue;
            if (w == U"counterclockwise" || w == U"counter-clockwise" || w == U"anticlockwise" || w == U"anti-clockwise")
                circle = -std::fabs(circle);
            if (w == U"twice") circle *= 2.0;
            if (w == U"thrice") circle *= 3.0;
        }
    }
    const bool has_from = std::any_of(dirs.begin(), dirs.end(), [](const Role& d) { return d.role == Kind::From; });
    const bool has_to = std::any_of(dirs.begin(), dirs.end(), [](const Role& d) { return d.role == Kind::To; });
    const bool has_motion = !move_idx.empty() || (has_from && has_to) || approach || recede || circle != 0.0;

    std::string d0, d1;  // distance classes; "" is Python's None
    for (int i = 0; i < static_cast<int>(toks.size()); ++i) {
        const Tok& tok = *toks[i];
        if (tok.kind == Kind::Dist || tok.kind == Kind::DistOf) {
            if (d0.empty()) {
                d0 = tok.value;
                continue;
            }
            bool ending_up = i > 0 && (toks[i - 1]->low() == U"ending up" || toks[i - 1]->low() == U"up");
            u32 before;
            for (int j = std::max(0, i - 2); j < i; ++j) before += (j > std::max(0, i - 2) ? U" " : U"") + toks[j]->low();
            if (ending_up || before.find(U"ending up") != u32::npos) d1 = tok.value;
        } else if (tok.kind == Kind::DistChange) {
            const auto& ends = patterns().dist_change_end;
            const auto it = ends.find(collapse_space(tok.low()));
            d1 = it == ends.end() ? "moderate" : it->second;
        }
    }
    if (d0.empty()) d0 = "moderate";

    double a0 = dirs.empty() ? 0.0 : dirs[0].az;
    bool has_a1 = false, unwrapped = false;
    std::optional<double> loop_via;  // a direction named between a move's start and an end equal to it
    int first_content = static_cast<int>(toks.size());
    for (int i = 0; i < static_cast<int>(toks.size()) && first_content == static_cast<int>(toks.size()); ++i)
        if (is_content(*toks[i])) first_content = i;
    double a1 = 0.0;
    auto side_not_front_back = [](double a) { return std::fabs(wrap_deg(a)) > 10 && std::fabs(wrap_deg(a)) < 170; };
    if (has_motion) {
        int start = -1;  // index into dirs
        for (std::size_t k = 0; k < dirs.size() && start < 0; ++k)
            if (dirs[k].role == Kind::From) start = static_cast<int>(k);
        if (start < 0 && !dirs.empty()) start = 0;
        std::vector<int> after;
        for (std::size_t k = 0; k < dirs.size(); ++k)
            if (start < 0 || dirs[k].idx > dirs[start].idx) after.push_back(static_cast<int>(k));
        if (start >= 0 && !after.empty()) {
            int end = after.back();
            for (int k : after)
                if (dirs[k].role == Kind::To) end = k;
            a0 = dirs[start].az;
            a1 = dirs[end].az;
            has_a1 = true;
            // "from -90 to 270 degrees", "from 170 to 190 degrees": signed angles go the way they say
            if (!std::isnan(dirs[start].raw) && !std::isnan(dirs[end].raw)) {
                a1 = a0 + (dirs[end].raw - dirs[start].raw);
                unwrapped = true;
            }
            // The way round: "passing behind you", "through the front", or a direction named along
            // the way ("from the left around behind me to the right": -90 -> -270; "from behind to
            // the front on the left side": 180 -> 360). A move that does not pass it goes the other way.
            double via = std::nan("");
            if (!std::isnan(via_phrase)) via = via_phrase;
            const bool on_axis = !side_not_front_back(a0) && !side_not_front_back(a1);
            for (int k = 0; k < static_cast<int>(dirs.size()) && std::isnan(via) && !unwrapped; ++k) {
                if (k == start || k == end) continue;
                const bool between = dirs[k].idx > dirs[start].idx && dirs[k].idx < dirs[end].idx;
                const bool rear = std::fabs(wrap_deg(dirs[k].az)) >= 170 && std::fabs(wrap_deg(a0)) < 170 &&
                                  std::fabs(wrap_deg(a1)) < 170;  // "passes behind me from left to right"
                if (between || rear || (on_axis && side_not_front_back(dirs[k].az))) via = dirs[k].az;
            }
            // a move from or to straight behind goes the short way round unless told otherwise
            if (!unwrapped && std::isnan(via) && std::fabs(a0) == 180.0 && a1 != 0.0) a0 = a1 < 0 ? -180.0 : 180.0;
            if (!unwrapped && std::isnan(via) && std::fabs(a1) == 180.0 && a0 != 0.0) a1 = a0 < 0 ? -180.0 : 180.0;
            // between two rear points a move goes round the back unless told otherwise ("from the left
            // rear to the right rear": -135 -> -225), as the caption generator words it
            if (!unwrapped && std::isnan(via) && std::fabs(wrap_deg(a0)) > 100.0 && std::fabs(wrap_deg(a1)) > 100.0 &&
                a0 * a1 < 0 && std::fabs(a0) < 180.0 && std::fabs(a1) < 180.0)
                a1 = a0 < 0 ? a1 - 360.0 : a1 + 360.0;
            if (!std::isnan(via)) a1 = route_through(a0, a1, via);
            // "honked right behind me and then passed me on the left": on past the listener, not to the side
            if (passing_by && !approach && !recede && circle == 0.0 && !unwrapped && dirs[end].role == Kind::At &&
                side_not_front_back(a1) && dirs[start].role != Kind::From && !side_not_front_back(a0)) {
                const double stated = a0;
                along_side(a1, std::fabs(wrap_deg(stated)) < 90.0, a0, a1);
                if (std::fabs(stated) == 180.0) a0 = a1 < 0 ? -180.0 : 180.0;  // "right behind me", as said
            }
            for (int k = 0; k < static_cast<int>(dirs.size()) && !loop_via.has_value(); ++k)
                if (k != start && k != end && dirs[k].idx > dirs[start].idx && dirs[k].idx < dirs[end].idx &&
                    wrap_deg(dirs[k].az) != wrap_deg(a0))
                    loop_via = dirs[k].az;
        } else if (start >= 0) {
            const Role& only = dirs[start];
            const int first_move = move_idx.empty() ? static_cast<int>(toks.size()) : move_idx[0];
            // a direction before the sound is named is where it is ("Towards the right, a stream runs")
            const bool fronted = only.idx < first_content && only.idx < first_move;
            // "a river running behind", "a bird flying overhead to the left": a participle right after
            // the sound's noun with a bare direction says where it is; "a car moving left" moves
            bool participle_place = false;
            if (first_move < static_cast<int>(toks.size()) && first_move > 0 && is_content(*toks[first_move - 1])) {
                static const std::set<u32> translational = {U"moving", U"panning", U"shifting", U"sweeping", U"travelling",
                                                            U"traveling", U"heading", U"drifting", U"gliding", U"jumping",
                                                            U"leaping", U"passing", U"crossing", U"circling"};
                const u32 v = toks[first_move]->low();
                participle_place = ends_with(v, U"ing") && !translational.count(v);
            }
            {  // "the tap runs behind me", "the shower runs": running, not moving
                // and an arrival at one place: "a train pulling in behind me", "the bus arriving on your right"
                // "keys pan 30L", "panned hard left": a mix position
                static const std::set<u32> idle = {U"pan", U"panned", U"runs", U"run", U"ran", U"running", U"spins", U"spinning", U"turns",
                                                   U"turning", U"swings", U"swinging", U"pulls in", U"pulling in",
                                                   U"pulled in", U"arrives", U"arriving", U"arrived"};
                if (first_move < static_cast<int>(toks.size()) && idle.count(toks[first_move]->low())) participle_place = true;
            }
            // "Pan the hi-hat to +45", "panned to the left": a mix position, not a move
            const bool pan_to = only.role == Kind::To && std::any_of(toks.begin(), toks.begin() + only.idx, [](const Tok* t) {
                return t->low() == U"pan" || t->low() == U"panned";
            });
            if (!fronted && !pan_to && (only.role == Kind::To ||
                             (only.role == Kind::Word && only.idx > first_move && !approach && !recede && !passing_by &&
                              !participle_place))) {
                // "a printer going to my left", "thunder rolled behind me", "pages turning to my right":
                // with no start said, a verb and one place tell where the sound is (in 4,330 labelled
                // prompts, not one meant a move from straight ahead); a jump is a move by its meaning
                // ("someone whistles, then suddenly jumps to the left"), a jumping fish is not
                const bool jumps = first_move < static_cast<int>(toks.size()) && toks[first_move]->kind == Kind::SpeedVerb &&
                                   toks[first_move]->value == "instant" && !ends_with(toks[first_move]->low(), U"ing");
                if (jumps) a0 = 0.0, a1 = only.az, has_a1 = true;
                else a0 = only.az;
            } else if (passing_by && !approach && !recede && circle == 0.0 && only.role == Kind::At &&
                       side_not_front_back(only.az)) {
                along_side(only.az, oncoming(toks), a0, a1);  // "a truck passes me on the left"
                has_a1 = true;
            } else {
                a0 = only.az;
                if (!approach && !recede && circle == 0.0 && (passing_by || only.role == Kind::From) && side_not_front_back(a0))
                    a1 = -a0, has_a1 = true;
            }
        } else if (passing_by && !approach && !recede) {
            a0 = -90.0, a1 = 90.0, has_a1 = true;
        }
        // "in one full circle", "one lap", "once": all the way round even when a place on the way is
        // named ("it starts on your right and goes to the back first"); a plain "circles around the
        // listener from the left to the right" is the arc between them
        const bool full_turn = std::any_of(toks.begin(), toks.end(), [](const Tok* t) {
            const u32& w = t->low();
            return w.find(U"full") != u32::npos || w.find(U"complete") != u32::npos || w.find(U"whole") != u32::npos ||
                   w.find(U"lap") != u32::npos || w.find(U"loop") != u32::npos || w.find(U"revolution") != u32::npos ||
                   w == U"once" || w == U"twice" || w == U"thrice" || w.find(U"round and") != u32::npos;
        });
        if (circle != 0.0 && (!has_a1 || full_turn)) {  // "circles around me": once round from its start
            int from = -1, to = -1;
            for (std::size_t k = 0; k < dirs.size(); ++k) {
                if (dirs[k].role == Kind::From && from < 0) from = static_cast<int>(k);
                if (dirs[k].role == Kind::To && to < 0 && (from < 0 || dirs[k].idx > dirs[from].idx)) to = static_cast<int>(k);
            }
            // "starting and ending at my right": the end named is the start too
            bool start_is_end = false;
            for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
                if (toks[i]->low() != U"starting" && toks[i]->low() != U"starts") continue;
                const std::size_t j = toks[i + 1]->low() == U"and" ? i + 2 : i + 1;  // "and" may be a break
                if (j < toks.size() && toks[j]->kind == Kind::To && toks[j]->low().compare(0, 3, U"end") == 0)
                    start_is_end = true;
            }
            if (from >= 0) a0 = dirs[from].az;
            else if (to >= 0 && start_is_end) a0 = dirs[to].az;
            else if (!dirs.empty() && dirs[0].role != Kind::To) a0 = dirs[0].az;
            else a0 = 0.0;
            // "It starts on your right and goes to the back first": the way round, unless a word says it
            const bool way_said = std::any_of(toks.begin(), toks.end(), [](const Tok* t) {
                return t->low().find(U"clockwise") != u32::npos;  // also counter-, anti-
            });
            if (!way_said && to >= 0 && from >= 0 && wrap_deg(dirs[to].az - a0) != 0.0)
                circle = wrap_deg(dirs[to].az - a0) > 0 ? std::fabs(circle) : -std::fabs(circle);
            a1 = a0 + circle, has_a1 = true, unwrapped = true;
        }
        if (approach && d1.empty()) {
            if (d0 == "moderate" && std::none_of(toks.begin(), toks.end(), [](const Tok* k) { return k->kind == Kind::Dist; }))
                d0 = "far";
            d1 = "near";
        }
        if (recede && d1.empty()) d1 = "far";
    }
    if (has_a1 && !unwrapped && wrap_deg(a1) == wrap_deg(a0) && loop_via.has_value()) {
        a1 = a0 + (wrap_deg(*loop_via - a0) > 0 ? 360.0 : -360.0);  // "... around through the right, back to X"
        unwrapped = true;
    }
    if (has_a1 && (unwrapped ? a1 == a0 : wrap_deg(a1) == wrap_deg(a0))) has_a1 = false;
    const bool moving = has_a1 || (has_motion && !d1.empty() && d1 != d0);
    SceneSource s;
    s.label = to_utf8(label);
    s.speed = "still";
    if (moving) {
        s.speed = "moderate";
        for (const Tok* tok : toks)
            if (tok->kind == Kind::Speed || tok->kind == Kind::SpeedVerb) { s.speed = tok->value; break; }
    }
    // "ahead, slightly to the right", "in front and a bit left": the side refines the front;
    // "to my right, kind of behind me", "in front of me to the left": a side and front or back
    // named together are the diagonal between them
    if (!moving && dirs.size() >= 2 && dirs[1].idx <= dirs[0].idx + 4 && a0 == dirs[0].az) {
        const double f = dirs[0].az, g = dirs[1].az;
        auto axis = [](double a) { return a == 0.0 ? 1 : std::fabs(a) == 180.0 ? -1 : 0; };
        // an angle, or a clock hour ("behind me, 5 o'clock": the hour says which part of behind)
        const bool exact = !std::isnan(dirs[1].raw) || toks[dirs[1].idx]->low().find(U"deg") != u32::npos ||
                           toks[dirs[1].idx]->low().find(U"o'clock") != u32::npos ||
                           toks[dirs[1].idx]->low().find(U"o clock") != u32::npos;
        const u32& said = toks[dirs[1].idx]->low();
        const bool unsigned_angle = exact && std::fabs(f) == 90.0 && !said.empty() && said[0] != '-' && said[0] != '+' &&
                                    g > 0.0 && g < 90.0 && said.find(U"right") == u32::npos;
        if (unsigned_angle) a0 = f < 0 ? -g : g;  // "off to the left at roughly 45 degrees": 45 degrees of the left
        else if (exact && (f == 0.0 || g == 0.0 || (f < 0) == (g < 0))) a0 = g;  // "on the left at -60"
        else if (f == 0.0 && std::fabs(g) <= 60.0 && g != 0.0) a0 = g;
        else if (axis(f) && std::fabs(g) == 90.0) a0 = axis(f) > 0 ? g / 2 : g * 1.5;
        else if (axis(g) && std::fabs(f) == 90.0) a0 = axis(g) > 0 ? f / 2 : f * 1.5;
    }
    s.azimuth_start_deg = a0;
    s.azimuth_end_deg = moving && has_a1 ? a1 : a0;
    s.elevation_deg = 0.0;
    for (const Tok* tok : toks)
        if (tok->kind == Kind::Elev) { s.elevation_deg = tok->az; break; }
    s.distance_m = kDistanceM.at(d0);
    s.distance_end_m = moving && !d1.empty() && d1 != d0 ? kDistanceM.at(d1) : s.distance_m;
    for (const Tok* tok : toks)  // "about fifteen metres away": the distance itself
        if (tok->kind == Kind::DistM) {
            const double ratio = s.distance_end_m / s.distance_m;
            s.distance_m = tok->az;
            s.distance_end_m = tok->az * ratio;
            break;
        }
    s.change_time = 0.5;
    return s;
}

// A participle right after the sound's noun that moves it nowhere describes the sound ("water
// running in a sink on the left", "someone walking on the left"): it stays in the label and the
// source stays still. "passing" always moves.
void keep_descriptive_participles(Toks& toks) {
    if (resolve(toks, u32()).speed != "still") return;
    for (std::size_t i = 1; i < toks.size(); ++i) {
        if (!is_move(toks[i]->kind) || !is_content(*toks[i - 1])) continue;
        const u32 w = toks[i]->low();
        if (ends_with(w, U"ing") && w.compare(0, 4, U"pass") != 0) toks[i]->kind = Kind::Word;
    }
}

u32 singular(const u32& w);

u32 without_count(const u32& label) {
    const u32 low = lower(label);
    std::size_t best = 0;
    for (const auto& [phrase, n] : count_words())
        if (low.size() > phrase.size() && low.compare(0, phrase.size(), phrase) == 0 && low[phrase.size()] == ' ')
            best = std::max(best, phrase.size() + 1);
    return label.substr(best);
}

// "A bird sings to my right. The same bird then flies to my left.": one source that moves.
// "Can you hear the ducks? They're on the pond in front of us.", "A foghorn called from off our
// right side; ... it had drifted round behind us.": a clause whose subject is "it" or "they" goes
// on with the sound before it when it places that sound (which had no place) or moves it on.
bool pronoun_goes_on(const Toks& toks, const Toks& before) {
    static const std::set<u32> pronouns = {U"it", U"they", U"it's", U"they're", U"its", U"it'd", U"they'd"};
    // the subject within the first words ("the next time it called, it had drifted round behind us"),
    // with no sound named before it
    std::size_t i = 0;
    while (i < toks.size() && i < 6 && toks[i]->kind == Kind::Word && !pronouns.count(toks[i]->low()) &&
           !sound_noun(toks[i]->low()))
        ++i;
    if (i >= toks.size() || !pronouns.count(toks[i]->low())) return false;
    auto has = [](const Toks& ts, auto pred) { return std::any_of(ts.begin(), ts.end(), pred); };
    auto dir = [](const Tok* k) { return k->kind == Kind::Dir; };
    auto moves = [](const Tok* k) { return is_move(k->kind) || k->kind == Kind::Approach || k->kind == Kind::Recede; };
    if (!has(toks, dir)) return false;
    return !has(before, dir) || has(toks, moves);
}

}  // namespace
std::vector<u32> definite_nouns(const Toks& toks);
namespace {

// A piece that only says where a sound goes ("toward the back of the hall", "round to 6 o'clock").
bool only_a_target(const Toks& toks) {
    const auto rs = roles(toks);
    return !rs.empty() && std::all_of(rs.begin(), rs.end(), [](const Role& r) { return r.role == Kind::To; });
}

// "... on your right lets out a whistle. Then it chugs slowly toward the back of the hall": a sound
// that goes on (it, they) only towards somewhere moves there, whatever the verb
void verb_moves(Toks& toks) {
    if (std::any_of(toks.begin(), toks.end(), [](const Tok* t) { return is_move(t->kind); })) return;
    static const std::set<u32> pronouns = {U"it", U"they", U"he", U"she"};
    for (std::size_t i = 0; i + 1 < toks.size(); ++i)
        if (toks[i]->kind == Kind::Word && pronouns.count(toks[i]->low()) && toks[i + 1]->kind == Kind::Word) {
            if (only_a_target(Toks(toks.begin() + static_cast<long>(i), toks.end()))) toks[i + 1]->kind = Kind::Move;
            return;
        }
}

void merge_same_sources(std::vector<Group>& groups, std::vector<u32>& labels) {
    for (std::size_t k = 0; k < groups.size(); ++k) {
        Toks& toks = groups[k].toks;
        for (std::size_t j = k; j-- > 0;) {  // the nearest sound before
            if (labels[j].empty()) continue;
            if (pronoun_goes_on(toks, groups[j].toks)) {
                groups[j].toks.insert(groups[j].toks.end(), toks.begin(), toks.end());
                labels[k].clear();
            }
            break;
        }
        if (labels[k].empty()) continue;
        // "bat squeaking at -120. The bat then flutters over to +60": the same sound moving on from
        // where it was
        const bool moves = std::any_of(toks.begin(), toks.end(), [](const Tok* t) { return is_move(t->kind); });
        if (moves && only_a_target(toks)) {
            const std::vector<u32> nouns = definite_nouns(toks);
            bool merged = false;
            for (std::size_t j = k; j-- > 0 && !merged;) {
                if (labels[j].empty() || !std::any_of(nouns.begin(), nouns.end(), [&](const u32& n) {
                        return label_has_word(to_utf8(labels[j]), n);
                    }))
                    continue;
                const Toks& there = groups[j].toks;
                const bool placed = std::any_of(there.begin(), there.end(), [](const Tok* t) { return t->kind == Kind::Dir; });
                const bool moving = std::any_of(there.begin(), there.end(), [](const Tok* t) { return is_move(t->kind); });
                if (placed && !moving) {
                    groups[j].toks.insert(groups[j].toks.end(), toks.begin(), toks.end());
                    labels[k].clear();
                }
                merged = true;  // the nearest sound of that name decides
            }
            if (labels[k].empty()) continue;
        }
        std::size_t first = 0;
        while (first < toks.size() && !is_content(*toks[first])) ++first;
        if (first == 0 || first >= toks.size() || toks[first - 1]->low() != U"same") continue;
        const u32 noun = singular(toks[first]->low());
        for (std::size_t j = k; j-- > 0;) {
            if (labels[j].empty() || lower(labels[j]).find(noun) == u32::npos) continue;
            groups[j].toks.insert(groups[j].toks.end(), groups[k].toks.begin(), groups[k].toks.end());
            labels[k].clear();
            break;
        }
    }
}

// "from the same spot", "in the same place": where the sound before it is (and no place of its own).
bool same_place(const Toks& toks) {
    static const std::set<u32> nouns = {U"spot", U"place", U"position", U"direction", U"side", U"location", U"point",
                                        U"area", U"corner"};
    if (std::any_of(toks.begin(), toks.end(), [](const Tok* t) { return t->kind == Kind::Dir; })) return false;
    // "hums a lullaby next to it", "a second voice beside him": at the sound before it
    // "the engine drones just outside it", "organ pipes high up above it": there too
    static const std::set<u32> near = {U"beside", U"near", U"by", U"with", U"next to", U"close to", U"right next to",
                                       U"right beside", U"outside", U"inside", U"above", U"below", U"under", U"over",
                                       U"beneath", U"underneath", U"around", U"round", U"on top of", U"in"},
                               pron = {U"it", U"him", U"her", U"them"};
    for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
        const u32 w = collapse_space(toks[i]->low()), next = toks[i + 1]->low();
        if (w == U"same" && (nouns.count(next) || is_content(*toks[i + 1]))) return true;  // "out of the same speaker"
        if (near.count(w) && pron.count(next)) return true;
        if ((w == U"next" || w == U"close") && i + 2 < toks.size() && next == U"to" && pron.count(toks[i + 2]->low()))
            return true;
    }
    return false;
}

// "footsteps walk from there toward the front": the move starts where the sound before it is.
bool from_there(const Toks& toks) {
    for (std::size_t i = 0; i + 1 < toks.size(); ++i)
        if (toks[i]->kind == Kind::From && (toks[i + 1]->low() == U"there" || toks[i + 1]->low() == U"it" ||
                                            toks[i + 1]->low() == U"that"))
            return true;
    return false;
}

// "the parked car on the right is silent", "the right speaker is broken": named, but not heard.
bool is_silent(const Toks& toks) {
    static const std::set<u32> be = {U"is", U"are", U"was", U"were", U"stays", U"remains", U"stay", U"remain"};
    static const std::set<u32> mute = {U"silent", U"broken", U"muted", U"mute", U"off", U"soundless", U"noiseless"};
    for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
        if (toks[i]->kind != Kind::Word || toks[i + 1]->kind != Kind::Word || !be.count(toks[i]->low())) continue;
        const u32 next = toks[i + 1]->low();
        // "the waves are off to my left", "is off in the distance": away there, not switched off
        const bool away = next == U"off" && i + 2 < toks.size() && toks[i + 2]->kind != Kind::Hard &&
                          toks[i + 2]->kind != Kind::Soft;
        if (mute.count(next) && !away) return true;
        // "The ship is quiet.", "Everyone's asleep": nothing heard, unless a place says where it is quiet
        static const std::set<u32> hush = {U"quiet", U"asleep", U"empty", U"deserted", U"still", U"calm", U"dead"};
        if (hush.count(next) && (i + 2 == toks.size() || toks[i + 2]->kind == Kind::Hard || toks[i + 2]->kind == Kind::Soft) &&
            std::none_of(toks.begin(), toks.end(), [](const Tok* k) { return k->kind == Kind::Dir; }))
            return true;
        if ((next == U"turned" || next == U"switched") && i + 2 < toks.size() && toks[i + 2]->low() == U"off") return true;
    }
    return false;
}

// ---- lists after a colon ("A duet: a flute on the left and a cello on the right") ---------------

// "birds" -> "bird", "geese" -> "goose": the noun one item of a counted list stands for.
u32 singular(const u32& w) {
    static const std::map<u32, u32> irregular = {{U"people", U"person"}, {U"children", U"child"}, {U"men", U"man"},
                                                 {U"women", U"woman"}, {U"geese", U"goose"}, {U"mice", U"mouse"},
                                                 {U"feet", U"foot"}, {U"teeth", U"tooth"}, {U"sheep", U"sheep"},
                                                 {U"wolves", U"wolf"}, {U"calves", U"calf"}, {U"knives", U"knife"}};
    const auto it = irregular.find(w);
    if (it != irregular.end()) return it->second;
    if (ends_with(w, U"ies") && w.size() > 4) return w.substr(0, w.size() - 3) + U"y";
    if ((ends_with(w, U"ches") || ends_with(w, U"shes") || ends_with(w, U"sses") || ends_with(w, U"xes") ||
         ends_with(w, U"zzes")) && w.size() > 4)
        return w.substr(0, w.size() - 2);
    if (ends_with(w, U"s") && !ends_with(w, U"ss") && !ends_with(w, U"us") && !ends_with(w, U"is") && w.size() > 3)
        return w.substr(0, w.size() - 1);
    return w;
}

// A clause ending in a colon that names one unplaced, still sound and is followed by sources is a
// heading, not a sound: it is dropped, and a count in it names the items ("Three birds: one on the
// left, one ahead" -> "bird", "bird").
void drop_list_headings(std::vector<SceneSource>& sources, std::vector<int>& clause_of, std::vector<bool>& placed,
                        std::vector<std::vector<u32>>& mentions, const std::vector<bool>& colon_after,
                        const std::vector<bool>& colon_only) {
    auto starts_with_one = [](const std::string& label) {
        const u32 low = lower(from_utf8(label));
        for (const u32 lead : {U"one", U"another", U"the other", U"other"})
            if (low == lead || (low.size() > lead.size() && low.compare(0, lead.size(), lead) == 0 && low[lead.size()] == ' '))
                return true;
        return false;
    };
    for (std::size_t h = 0; h < sources.size(); ++h) {
        const int c = clause_of[h];
        if (placed[h] || sources[h].speed != "still" || h + 1 >= sources.size()) continue;
        // "A duet: a flute ... and a cello ...", "Three sounds - a gong ..., a rattle ...", or "A pair
        // of frogs, one ... and one ..." (after a dash, a list of two or more: "a bird sings - then a crow")
        const bool after_dash = h + 2 < sources.size() && clause_of[h + 2] == c + 1;
        const bool colon_list = colon_after[c] && !(h > 0 && clause_of[h - 1] == c) && clause_of[h + 1] == c + 1 &&
                                (colon_only[c] || after_dash);
        const bool counted_list = starts_with_one(sources[h + 1].label) && clause_of[h + 1] <= c + 1;
        if (!colon_list && !counted_list) continue;
        const int items = clause_of[h + 1];
        // the count and the noun after it
        u32 noun;
        std::vector<u32> words;
        {
            u32 w;
            for (char32_t ch : lower(from_utf8(sources[h].label)) + U" ") {
                if (is_space(ch)) { if (!w.empty()) words.push_back(w); w.clear(); }
                else w.push_back(ch);
            }
        }
        for (std::size_t i = 0; i + 1 < words.size() && noun.empty(); ++i) {
            for (std::size_t n = 1; n <= 3 && i + n < words.size(); ++n) {
                u32 phrase;
                for (std::size_t k = i; k < i + n; ++k) phrase += (k > i ? U" " : U"") + words[k];
                if (count_words().count(phrase)) { noun = singular(words[i + n]); break; }
            }
        }
        if (counted_list && !colon_list && noun.empty()) continue;
        for (std::size_t k = h + 1; k < sources.size() && clause_of[k] == items && !noun.empty(); ++k) {
            u32 lab = from_utf8(sources[k].label);
            for (const u32 lead : {U"the other one", U"the other", U"another one", U"another", U"other one", U"other",
                                   U"one"}) {
                const u32 low = lower(lab);
                if (low == lead || (low.size() > lead.size() && low.compare(0, lead.size(), lead) == 0 && low[lead.size()] == ' ')) {
                    lab = noun + lab.substr(lead.size());
                    break;
                }
            }
            // "the other growling": the article and "other" are not label words, the participle is
            const u32 first = lower(lab.substr(0, lab.find(U' ')));
            if (ends_with(first, U"ing") && lower(lab).find(noun) == u32::npos) lab = noun + U" " + lab;
            sources[k].label = to_utf8(lab);
        }
        sources.erase(sources.begin() + static_cast<long>(h));
        clause_of.erase(clause_of.begin() + static_cast<long>(h));
        placed.erase(placed.begin() + static_cast<long>(h));
        mentions.erase(mentions.begin() + static_cast<long>(h));
        --h;
    }
}

// ---- one sound in several places ("rain at front-left and front-right", "frogs on both sides",
// "bells: left, centre, right"): one source per place ----------------------------------------------
// The group's token lists, one per place (the group itself when it names one place or moves).
// Two places must mirror each other (left and right, front-left and front-right): "to the left and
// behind" is one place between them. synth holds the sides made for "on each side".
std::vector<Toks> spread_places(const Toks& toks, const u32& text, std::deque<Tok>& synth) {
    std::vector<int> dirs;
    // "from" with no move ("applause from both the left and the right") is where, not a start
    for (int i = 0; i < static_cast<int>(toks.size()); ++i) {
        const Kind k = toks[i]->kind;
        if (is_move(k) || k == Kind::To || k == Kind::Circle || k == Kind::Passing || k == Kind::Approach ||
            k == Kind::Recede)
            return {toks};
        if (k == Kind::Dir) dirs.push_back(i);
    }
    if (std::count_if(toks.begin(), toks.end(), [](const Tok* t) { return t->kind == Kind::From; }) > 1) return {toks};
    auto each_side = [&]() -> int {  // index of "each|both|either" in "on each side", "on both sides"
        for (int i = 0; i + 1 < static_cast<int>(toks.size()); ++i) {
            const u32& w = toks[i]->low();
            const u32& n = toks[i + 1]->low();
            if ((w == U"each" || w == U"both" || w == U"either") && (n == U"side" || n == U"sides")) return i;
        }
        return -1;
    };
    if (dirs.empty()) {
        const int i = each_side();
        if (i < 0) return {toks};
        std::vector<Toks> out;
        for (double az : {-90.0, 90.0}) {
            synth.push_back(*toks[i]);
            synth.back().kind = Kind::Dir;
            synth.back().az = az;
            Toks v = toks;
            v[i] = &synth.back();
            v.erase(v.begin() + i + 1);
            out.push_back(v);
        }
        return out;
    }
    if (dirs.size() < 2) return {toks};
    static const std::set<u32> joins = {U"and", U"or", U"&", U"plus", U"the", U"on", U"at", U"to", U"in", U"my", U"your",
                                        U"from", U"both"};
    for (std::size_t k = 0; k + 1 < dirs.size(); ++k)
        for (int j = dirs[k] + 1; j < dirs[k + 1]; ++j)
            if (toks[j]->kind != Kind::Word || !joins.count(toks[j]->low())) return {toks};
    // "on the left, then on the right": one sound in turn, not two places at once
    const u32 between = lower(text.substr(toks[dirs.front()]->end, toks[dirs.back()]->start - toks[dirs.front()]->end));
    for (const char32_t* w : {U"then", U"later", U"after", U"before", U"until", U"till", U"next"})
        if (between.find(w) != u32::npos) return {toks};
    for (std::size_t a = 0; a < dirs.size(); ++a)  // the same place said twice ("the front, centred at 0") is one
        for (std::size_t b = a + 1; b < dirs.size(); ++b)
            if (std::fabs(toks[dirs[a]]->az - toks[dirs[b]]->az) < 1e-9) return {toks};
    if (dirs.size() == 2) {
        const double a = toks[dirs[0]]->az, b = toks[dirs[1]]->az;
        // (the grouping may keep "and" out of the piece: the mirror is the test)
        if (a == 0.0 || std::fabs(a) == 180.0 || std::fabs(a + b) > 1e-9) return {toks};
    }
    std::vector<Toks> out;
    for (std::size_t k = 0; k < dirs.size(); ++k) {
        Toks v;
        for (int i = 0; i < static_cast<int>(toks.size()); ++i)
            if (toks[i]->kind != Kind::Dir || i == dirs[k]) v.push_back(toks[i]);
        out.push_back(v);
    }
    return out;
}

// "waves crashing straight ahead seagulls crying off to the left" (dictated, no punctuation): after a
// place, a sound's noun and its verb start the next item.
std::vector<Tok> with_run_on_breaks(const std::vector<Tok>& tokens) {
    std::vector<Tok> out;
    out.reserve(tokens.size() + 4);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i > 0 && i + 1 < tokens.size() && tokens[i - 1].kind == Kind::Dir && tokens[i].kind == Kind::Word &&
            sound_noun(tokens[i].low()) && !sound_verb(tokens[i].low())) {
            const Tok& next = tokens[i + 1];
            const bool verb = is_move(next.kind) || (next.kind == Kind::Word && sound_verb(next.low()) &&
                                                     (ends_with(next.low(), U"ing") || ends_with(next.low(), U"s")));
            if (verb) {
                Tok brk;
                brk.start = brk.end = tokens[i].start;
                brk.kind = Kind::Soft;
                brk.text = U",";
                out.push_back(brk);
            }
        }
        out.push_back(tokens[i]);
    }
    return out;
}

// ---- honest output: what the scene could not take from the words --------------------------------
std::string placement_note(const std::vector<SceneSource>& sources, const std::vector<bool>& placed,
                           const std::vector<Tok>& tokens) {
    const std::size_t unplaced = static_cast<std::size_t>(std::count(placed.begin(), placed.end(), false));
    if (unplaced == 0) return "";
    // English at all? Vocabulary phrases or the small words every English sentence has.
    const bool english = std::any_of(tokens.begin(), tokens.end(), [](const Tok& k) {
        return (k.kind != Kind::Word && k.kind != Kind::Hard && k.kind != Kind::Soft) ||
               (k.kind == Kind::Word && patterns().glue.count(strip_chars(k.low(), U"'-")) > 0);
    });
    if (!english)
        return "no English words found: the parser reads English only, so the text is one sound placed ahead "
               "(0 degrees); describe it in English (e.g. 'a dog barks on the left')";
    if (unplaced == sources.size())
        return std::string("no direction words found, so ") + (sources.size() == 1 ? "the sound is" : "every sound is") +
               " placed ahead (0 degrees); say where it is, e.g. 'on the left', 'behind', '30 degrees to the right'";
    std::string names;
    for (std::size_t k = 0; k < sources.size(); ++k)
        if (!placed[k]) names += (names.empty() ? "'" : ", '") + sources[k].label + "'";
    return "no direction for " + names + ": placed ahead (0 degrees)";
}

// "door knck @ 8", "rain@-90": an at sign before a number is "at".
u32 with_at_signs_as_at(const u32& t) {
    if (t.find('@') == u32::npos) return t;
    u32 out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        std::size_t j = i + 1;
        while (j < t.size() && t[j] == ' ') ++j;
        const bool number = t[i] == '@' && j < t.size() && ((t[j] >= '0' && t[j] <= '9') || t[j] == '-' || t[j] == '+');
        out += number ? u32(U" at ") : u32(1, t[i]);
        if (number) i = j - 1;
    }
    return out;
}

// "someone whistling at like 2 oclock and a bike bell at 10": beside a clock position, a bare
// hour after "at" is one too.
u32 with_bare_clock_hours(const u32& t) {
    if (std::none_of(t.begin(), t.end(), [](char32_t c) { return c >= '0' && c <= '9'; }) && t.find(U"at ") == u32::npos)
        return t;
    const u32 low = lower(t);
    const bool clock = low.find(U"o'clock") != u32::npos || low.find(U"oclock") != u32::npos;
    u32 out;
    int hours = 0, owned_hours = 0;  // bare "at N" hours; two or more read as clock positions without "o'clock" too
    std::size_t i = 0;
    while (i < t.size()) {
        std::size_t lead = 0;  // "at 3", and in a clock context "from 8 to 1"
        static const u32 leads[] = {U"at ", U"from ", U"to ", U"at your ", U"at my ", U"at their ", U"at his ", U"at her ",
                                    U"at about ", U"at around ", U"at roughly ", U"at like ", U"at approximately "};
        // "Machine gun rattles from 10.": an hour that ends its sentence after "from" is a clock position
        auto hour_ends_sentence = [&](std::size_t d) {
            std::size_t e = d;
            while (e < t.size() && e < d + 2 && is_digit(t[e])) ++e;
            const bool end = e == t.size() || t[e] == ';' || t[e] == '!' || t[e] == '\n' ||
                             (t[e] == '.' && (e + 1 == t.size() || !is_digit(t[e + 1])));
            return e > d && end;
        };
        bool ends_sentence = false;
        if (i == 0 || !is_letter(low[i - 1]))
            for (const u32& w : leads)
                if (low.compare(i, w.size(), w) == 0 &&
                    (w[0] == 'a' || clock || (w == U"from " && hour_ends_sentence(i + w.size())))) {
                    lead = w.size();
                    ends_sentence = w == U"from " && hour_ends_sentence(i + w.size());
                }
        if (lead == 0) {
            out.push_back(t[i]);
            ++i;
            continue;
        }
        // "at your 7": a clock position on its own ("at about 7" is one only beside others)
        bool owned = false;
        for (const u32 w : {U"at your ", U"at my ", U"at their ", U"at his ", U"at her "})
            owned = owned || (lead == w.size() && low.compare(i, w.size(), w) == 0);
        std::size_t d = i + lead, e = d;
        while (e < t.size() && e < d + 2 && t[e] >= '0' && t[e] <= '9') ++e;  // ASCII: read with stoi
        std::size_t after = e;
        while (after < t.size() && t[after] == ' ') ++after;
        std::size_t unit_end = after;
        while (unit_end < t.size() && is_letter(t[unit_end])) ++unit_end;
        static const std::set<u32> units = {U"am", U"pm", U"m", U"metres", U"meters", U"metre", U"meter", U"feet", U"ft", U"foot",
                                            U"degrees", U"degree", U"deg", U"percent", U"db", U"hz", U"km", U"miles", U"mile",
                                            U"yards", U"seconds", U"second", U"s", U"sec", U"secs", U"minutes", U"minute", U"min",
                                            U"mins", U"o", U"oclock", U"bars", U"bar", U"beats", U"times", U"people", U"of",
                                            U"hours", U"hour", U"h", U"ms", U"x", U"st", U"nd", U"rd", U"th", U"kph", U"mph"};
        const bool unit = unit_end > after && units.count(low.substr(after, unit_end - after));
        const bool bare = e > d && !unit && (after == t.size() || !(is_digit(t[after]) ||
                                                                 t[after] == ':' || t[after] == '%' || t[after] == '\'' ||
                                                                 (t[after] == '.' && after + 1 < t.size() && is_digit(t[after + 1])) ||
                                                                 t[after] == 0xB0));
        int hour = bare ? std::stoi(to_utf8(t.substr(d, e - d))) : 0;
        if (e == d) {  // "the harp at three and the wind chimes at nine": hours in words
            static const std::map<u32, int> words = {{U"one", 1}, {U"two", 2}, {U"three", 3}, {U"four", 4}, {U"five", 5},
                                                     {U"six", 6}, {U"seven", 7}, {U"eight", 8}, {U"nine", 9}, {U"ten", 10},
                                                     {U"eleven", 11}, {U"twelve", 12}};
            while (e < t.size() && is_letter(t[e])) ++e;
            const auto it = words.find(low.substr(d, e - d));
            std::size_t next = e;
            while (next < t.size() && t[next] == ' ') ++next;
            std::size_t next_end = next;
            while (next_end < t.size() && is_letter(t[next_end])) ++next_end;
            static const std::set<u32> not_hours = {U"point", U"time", U"times", U"end", U"side", U"moment", U"stage",
                                                    U"another", U"of", U"o", U"oclock", U"degrees", U"degree", U"metres",
                                                    U"meters", U"feet", U"once", U"am", U"pm", U"in", U"at", U"last"};
            const bool said = it != words.end() && !not_hours.count(low.substr(next, next_end - next)) &&
                              !(next < t.size() && (t[next] == '\'' || t[next] == '-'));
            hour = said ? it->second : 0;
            if (!said) e = d;
        }
        if (hour >= 1 && hour <= 12) {
            out += t.substr(i, e - i) + U" o'clock";
            ++hours;
            // "a generator droning at 9": a single digit after "at" is no angle; an hour
            owned_hours += owned || ends_sentence || (e - d == 1 && t[d] >= '1' && t[d] <= '9') ? 1 : 0;
            i = e;
        } else {
            out.push_back(t[i]);
            ++i;
        }
    }
    // "Drummer at 12, bassist at 1, rhythm guitar at 11": hours said in a row, without "o'clock"
    return clock || hours >= 2 || owned_hours > 0 ? out : t;
}

// "Airlock cycles on the port side; starboard thrusters fire": a ship's sides, facing the bow, as
// the listener's.
u32 with_nautical_sides(const u32& t) {
    auto has = [&](const char32_t* w) {  // case-blind, without lowering the whole text
        const u32 word = w;
        return std::search(t.begin(), t.end(), word.begin(), word.end(), [](char32_t a, char32_t b) {
                   return (a >= 'A' && a <= 'Z' ? a + 32 : a) == b;
               }) != t.end();
    };
    if (!has(U"port") && !has(U"astern")) return t;
    static const std::pair<const char32_t*, const char32_t*> said[] = {
        {U"on the port side", U"on the left side"}, {U"on port side", U"on the left side"}, {U"port side", U"left side"},
        {U"portside", U"left side"}, {U"to port", U"to the left"}, {U"off the port bow", U"front-left"},
        {U"off the starboard bow", U"front-right"}, {U"on the starboard side", U"on the right side"},
        {U"starboard side", U"right side"}, {U"to starboard", U"to the right"}, {U"starboard", U"on the right"},
        {U"astern", U"behind"}};
    u32 out = t, low = lower(t);
    for (const auto& [from, to] : said) {
        const u32 f = from, r = to;
        for (std::size_t at = low.find(f); at != u32::npos;) {
            const std::size_t end = at + f.size();
            if ((at > 0 && is_letter(low[at - 1])) || (end < low.size() && is_letter(low[end]))) {  // "support side"
                at = low.find(f, at + 1);
                continue;
            }
            out = out.substr(0, at) + r + out.substr(end);
            low = low.substr(0, at) + r + low.substr(end);
            at = low.find(f, at + r.size());
        }
    }
    return out;
}

// ---- corrections ("at 3 o'clock - sorry, I meant 9 o'clock") -------------------------------------
// Where a place is taken back and another given ("Rain in front... actually no, make the rain come
// from behind", "cricket at +60, wait, scratch that, -60", "Drone: behind-left. No - behind-right"),
// the text from the first place to the second is cut: "Rain behind". A correction that brings in
// a sound not named before the first place names a new sound, and is left alone.
bool signed_angle(const Tok& k, const u32& t) {  // "-60", "+45" said alone
    const u32& w = k.text;
    return k.kind == Kind::Word && !w.empty() && w.size() <= 3 && std::all_of(w.begin(), w.end(), is_digit) &&
           k.start > 0 && (t[k.start - 1] == '-' || t[k.start - 1] == '+');
}

u32 with_corrections_applied(const u32& t, const std::vector<Tok>& tokens) {
    auto is_break = [](const Tok& k) { return k.kind == Kind::Hard || k.kind == Kind::Soft; };
    auto is_place = [](const Tok& k) { return k.kind == Kind::Dir; };
    for (std::size_t m = 1; m < tokens.size(); ++m) {
        const u32& w = tokens[m].low();
        std::size_t after = static_cast<std::size_t>(tokens[m].end);  // "No -", "wait,"
        while (after < t.size() && t[after] == ' ') ++after;
        const bool next_breaks = after < t.size() && (t[after] == ',' || t[after] == '-' || t[after] == '.' ||
                                                      t[after] == '!' || t[after] == ';' || t[after] == ':');
        auto word_at = [&](std::size_t k) { return k < tokens.size() && tokens[k].kind == Kind::Word ? tokens[k].low() : u32(); };
        const bool marker = tokens[m].kind == Kind::Word &&
                            (w == U"sorry" || w == U"actually" || w == U"meant" || w == U"oops" || w == U"correction" ||
                             (w == U"scratch" && word_at(m + 1) == U"that") || (w == U"mean" && word_at(m - 1) == U"i") ||
                             (w == U"no" && word_at(m + 1) == U"wait") ||  // "on left no wait right"
                             ((w == U"no" || w == U"wait") && next_breaks));
        if (!marker) continue;
        std::size_t p = m, q = m;
        while (p > 0 && !is_place(tokens[p - 1])) --p;
        // the new place may be a height ("oops i meant above me")
        while (q < tokens.size() && !is_place(tokens[q]) && tokens[q].kind != Kind::Elev && !signed_angle(tokens[q], t)) ++q;
        if (p == 0 || q == tokens.size()) continue;
        --p;
        // the first place ends the sentence or clause it is in: nothing but breaks between it and the marker
        bool adjacent = true;
        for (std::size_t k = p + 1; k < m; ++k)
            adjacent = adjacent && (is_break(tokens[k]) || tokens[k].kind == Kind::Filler || tokens[k].kind == Kind::Space ||
                                    tokens[k].low() == U"no" || tokens[k].low() == U"wait" || tokens[k].low() == U"oh" ||
                                    tokens[k].low() == U"i" || tokens[k].low() == U"um" || tokens[k].low() == U"uh");
        if (!adjacent) continue;
        // "left to right - sorry, I mean right to left": the whole move is taken back
        for (std::size_t k = p; k > 0;) {
            std::size_t j = k - 1;
            while (j > 0 && (tokens[j].kind == Kind::Space || word_at(j) == U"the")) --j;
            if (tokens[j].kind != Kind::To) break;
            while (j > 0 && (tokens[j - 1].kind == Kind::Space || word_at(j - 1) == U"the")) --j;
            if (j == 0 || !is_place(tokens[j - 1])) break;
            k = p = j - 1;
            if (p > 0 && tokens[p - 1].kind == Kind::From) p = k = p - 1;
            else if (p > 1 && tokens[p - 1].kind == Kind::Space && tokens[p - 2].kind == Kind::From) p = k = p - 2;
        }
        const u32 before = lower(t.substr(0, static_cast<std::size_t>(tokens[p].start)));
        bool new_sound = false;
        for (std::size_t k = m + 1; k < q; ++k)
            if (tokens[k].kind == Kind::Word && tokens[k].low() != U"scratch" && sound_noun(tokens[k].low()) &&
                before.find(tokens[k].low()) == u32::npos)
                new_sound = true;
        if (new_sound) continue;
        const u32 head = t.substr(0, static_cast<std::size_t>(tokens[p].start));
        if (signed_angle(tokens[q], t))  // "at +60, wait, scratch that, -60"
            return head + t.substr(static_cast<std::size_t>(tokens[q].start) - 1, tokens[q].text.size() + 1) + U" degrees" +
                   t.substr(static_cast<std::size_t>(tokens[q].end));
        return head + t.substr(static_cast<std::size_t>(tokens[q].start));
    }
    return t;
}

// ---- the room (parser._room) ---------------------------------------------------------------------
void resolve_room(const std::vector<RoomHit>& rooms, SceneSpec& out) {
    out.indoor = false;
    out.room_class.clear();
    if (rooms.empty()) return;
    const Patterns& P = patterns();
    bool outdoor = false, indoor = false, church = false, reverb = false, dry = false;
    std::string size;
    auto any_in = [](const std::vector<u32>& words, const std::set<u32>& set) {
        return std::any_of(words.begin(), words.end(), [&](const u32& w) { return set.count(w) > 0; });
    };
    for (const auto& r : rooms) {
        if (!r.place) {
            const u32 txt = lower(r.text);
            if (txt.find(U"indoor") != u32::npos || txt == U"inside") indoor = true;
            else outdoor = true;
            continue;
        }
        const u32 noun = collapse_space(r.noun);
        if (P.outdoor.count(noun)) { outdoor = true; continue; }
        std::vector<u32> adjs;
        const u32 al = lower(r.adjs);
        for (const auto& m : P.adj_words->find_all(al)) adjs.push_back(al.substr(m.start, m.end - m.start));
        indoor = true;
        if (any_in(adjs, P.small_adj)) size = "small";
        else if (any_in(adjs, P.large_adj)) size = "large";
        else if (any_in(adjs, P.moderate_adj)) { if (size.empty()) size = "moderate"; }
        else if (P.large.count(noun)) { if (size.empty()) size = "large"; }
        else if (P.small.count(noun)) { if (size.empty()) size = "small"; }
        church = church || P.church.count(noun) > 0;
        reverb = reverb || any_in(adjs, P.reverb_adj);
        dry = dry || any_in(adjs, P.dry_adj);
    }
    if (!indoor || (outdoor && size.empty() && !church)) {
        out.room_class = "outdoor";
        return;
    }
    const std::string cls = size.empty() ? "moderate" : size;
    struct Dims { double l, w, h, rt60; };
    static const std::map<std::string, Dims> kRooms = {{"small", {3.5, 3.0, 2.5, 0.3}}, {"moderate", {6.0, 5.0, 3.0, 0.5}},
                                                       {"large", {20.0, 15.0, 8.0, 1.2}}, {"church", {30.0, 18.0, 15.0, 2.5}}};
    const Dims& d = kRooms.at(church && cls == "large" ? "church" : cls);
    out.indoor = true;
    out.room_class = cls;
    out.room_size_m[0] = d.l, out.room_size_m[1] = d.w, out.room_size_m[2] = d.h;
    out.rt60_s = d.rt60;
    if (reverb) out.rt60_s = std::max(out.rt60_s, 1.2);
    if (dry) out.rt60_s = 0.25;
}



// repr() of a str, as the Python error message shows the prompt.
std::string py_repr(const u32& s) {
    const bool dq = s.find('\'') != u32::npos && s.find('"') == u32::npos;
    std::string o(1, dq ? '"' : '\'');
    for (char32_t c : s) {
        char buf[16];
        if (c == '\\') o += "\\\\";
        else if (c == (dq ? '"' : '\'')) o += dq ? "\\\"" : "\\'";
        else if (c == '\n') o += "\\n";
        else if (c == '\r') o += "\\r";
        else if (c == '\t') o += "\\t";
        else if (printable(c)) nn::utf8_append(o, c);
        else {
            std::snprintf(buf, sizeof buf, c < 0x100 ? "\\x%02x" : c < 0x10000 ? "\\u%04x" : "\\U%08x", unsigned(c));
            o += buf;
        }
    }
    o.push_back(dq ? '"' : '\'');
    return o;
}

}  // namespace

// Written forms of "both sides" and of a place in brackets after each sound:
//   "rain loop L/R", "left/right"            -> the slash as a space (two places of one sound);
//   "footsteps (left) door knock (right)"    -> a line break after each bracketed place.
// In place, same length.
void both_sides_and_bracketed_places(u32& t) {
    auto word_at = [&](std::size_t a, std::size_t b) { return lower(t.substr(a, b - a)); };
    static const std::set<u32> sides = {U"l", U"r", U"left", U"right"};
    for (std::size_t i = 1; i + 1 < t.size(); ++i) {
        if (t[i] != '/') continue;
        std::size_t a = i, b = i + 1;
        while (a > 0 && is_letter(t[a - 1])) --a;
        while (b < t.size() && is_letter(t[b])) ++b;
        const u32 x = word_at(a, i), y = word_at(i + 1, b);
        if (sides.count(x) && sides.count(y) && x != y && (x.size() > 1) == (y.size() > 1)) t[i] = ' ';
    }
    static const std::set<u32> places = {U"left", U"right", U"center", U"centre", U"front", U"back", U"behind", U"ahead",
                                         U"above", U"below", U"overhead", U"rear", U"middle", U"l", U"r", U"c",
                                         U"far left", U"far right", U"hard left", U"hard right", U"front left",
                                         U"front right", U"back left", U"back right", U"rear left", U"rear right"};
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] != '(') continue;
        const std::size_t close = t.find(')', i);
        if (close == u32::npos || close + 2 >= t.size()) continue;
        if (!places.count(collapse_space(strip_space(lower(t.substr(i + 1, close - i - 1)))))) continue;
        std::size_t k = close + 1;
        while (k < t.size() && t[k] == ' ') ++k;
        if (k > close + 1 && k < t.size() && is_letter(t[k])) t[close + 1] = '\n';
    }
}

// The nouns a piece names a sound by when it opens with "the" / "that" / "this" ("the old door
// creaks" -> door, old), last first; none otherwise.
std::vector<u32> definite_nouns(const Toks& toks) {
    std::size_t first = 0;
    while (first < toks.size() && !is_content(*toks[first])) ++first;
    if (first == 0 || first >= toks.size()) return {};
    const u32 det = toks[first - 1]->low();
    if (det != U"the" && det != U"that" && det != U"this") return {};
    std::vector<u32> nouns;
    for (std::size_t k = first; k < toks.size() && k < first + 3 && is_content(*toks[k]); ++k)
        nouns.insert(nouns.begin(), singular(toks[k]->low()));
    return nouns;
}

// A sound named with "the" / "that" / "this" whose noun an earlier sound's label has: the same
// thing again (its last place). out's last source is the one being placed.
const SceneSource* earlier_mention(const Toks& toks, const std::vector<SceneSource>& sources) {
    for (const u32& noun : definite_nouns(toks))
        for (std::size_t j = sources.size() - 1; j-- > 0;)
            if (label_has_word(sources[j].label, noun)) return &sources[j];
    return nullptr;
}

// "Cicadas buzzing in the heat and a tractor chugging along, the cicadas to my left and the
// tractor ahead": a sound placed later by "the X" is the unplaced X named before.
void place_earlier_mentions(std::vector<SceneSource>& sources, std::vector<bool>& placed,
                            std::vector<std::vector<u32>>& mentions) {
    for (std::size_t j = 1; j < sources.size(); ++j) {
        if (!placed[j] || mentions[j].empty()) continue;
        for (std::size_t i = 0; i < j; ++i) {
            if (placed[i] || std::none_of(mentions[j].begin(), mentions[j].end(),
                                          [&](const u32& n) { return label_has_word(sources[i].label, n); }))
                continue;
            take_place(sources, placed, j, i);
            mentions.erase(mentions.begin() + static_cast<long>(j));
            --j;
            break;
        }
    }
}

// The last of `sources` placed by the sounds before it: across from the one before ("from the
// opposite side"), at it ("from the same spot", "next to it"), moving from it ("from there"), or
// where the sound it names again was ("Then the door creaks open"; only when no place is
// stated). True when one of these placed it.
bool placed_by_sounds_before(const Toks& place, bool stated, std::vector<SceneSource>& sources) {
    if (sources.size() < 2) return false;
    SceneSource& s = sources.back();
    const SceneSource* before = &sources[sources.size() - 2];
    const bool relative = std::any_of(place.begin(), place.end(), [](const Tok* k) {
        return k->kind == Kind::Dir &&
               (k->low().find(U"opposite side") != u32::npos || k->low().find(U"other side") != u32::npos);
    });
    if (relative) {  // a side mirrored, else the front or back turned round
        const double b = wrap_deg(before->azimuth_end_deg);
        const double az = std::fabs(b) > 10.0 && std::fabs(b) < 170.0 ? -b : wrap_deg(b + 180.0);
        s.azimuth_start_deg = s.azimuth_end_deg = az == -180.0 ? 180.0 : az;  // behind is +180
        s.speed = "still";
        return true;
    }
    if (same_place(place)) {
        s.azimuth_start_deg = s.azimuth_end_deg = before->azimuth_end_deg;
        if (s.elevation_deg == 0.0) s.elevation_deg = before->elevation_deg;  // "above it" keeps its own height
        return true;
    }
    if (from_there(place)) {
        s.azimuth_start_deg = before->azimuth_end_deg;
        if (std::none_of(place.begin(), place.end(), [](const Tok* k) { return k->kind == Kind::Dir; }))
            s.azimuth_end_deg = s.azimuth_start_deg;
        if (s.azimuth_end_deg != s.azimuth_start_deg && s.speed == "still") s.speed = "moderate";
        return true;
    }
    if (stated) return false;
    const SceneSource* named = earlier_mention(place, sources);
    if (!named) return false;
    s.azimuth_start_deg = s.azimuth_end_deg = named->azimuth_end_deg;
    s.elevation_deg = named->elevation_deg;
    return true;
}

// The things a piece says its sound is at, with "the", "that" or a possessive: "rain on the
// window" -> window, "crackling from the fireplace" -> fireplace, "frogs croaking out that window".
std::vector<u32> landmark_nouns(const Toks& toks) {
    static const std::set<u32> preps = {U"on", U"from", U"in", U"at", U"by", U"near", U"out", U"through", U"outside",
                                        U"inside", U"under", U"over", U"beside", U"against", U"of"};
    static const std::set<u32> dets = {U"the", U"that", U"this", U"my", U"our", U"your", U"his", U"her", U"their"};
    std::vector<u32> out;
    auto last_word = [](const u32& text) {
        const std::size_t sp = text.find_last_of(U' ');
        return sp == u32::npos ? text : text.substr(sp + 1);
    };
    for (std::size_t k = 0; k + 1 < toks.size(); ++k) {
        if (toks[k]->kind == Kind::Room) {  // "in the kitchen", read as a room
            out.push_back(singular(last_word(toks[k]->low())));
            continue;
        }
        if (!preps.count(toks[k]->low()) || !dets.count(toks[k + 1]->low())) continue;
        std::size_t e = k + 2;
        while (e < toks.size() && e < k + 5 && is_content(*toks[e])) ++e;
        if (e > k + 2) out.push_back(singular(toks[e - 1]->low()));
    }
    return out;
}

// "Starship bridge. A warp core throbs ahead; comms beep at 3 o'clock.", "UI pass - ...": a
// short first sentence with no place, before two or more placed sounds, names the scene.
void drop_scene_heading(std::vector<SceneSource>& sources, std::vector<bool>& placed, const u32& t) {
    if (sources.size() < 3 || placed[0] || sources[0].speed != "still" ||
        std::count(placed.begin() + 1, placed.end(), true) < 2)
        return;
    const u32 label = lower(from_utf8(sources[0].label));
    if (std::count(label.begin(), label.end(), U' ') > 2) return;
    const u32 low = lower(t);
    std::size_t at = low.find(label);
    if (at == u32::npos || std::any_of(low.begin(), low.begin() + static_cast<long>(at), is_letter)) return;
    std::size_t end = at + label.size();
    while (end < low.size() && low[end] == ' ') ++end;
    static const std::set<u32> ensembles = {U"band", U"orchestra", U"trio", U"quartet", U"quintet", U"ensemble", U"group",
                                            U"section", U"layout", U"setup", U"scene", U"mix", U"soundscape", U"ambience",
                                            U"ambiance", U"cue", U"sfx", U"fx", U"choir", U"lineup", U"line-up"};
    const std::size_t last = label.rfind(U' ');
    const u32 head = last == u32::npos ? label : label.substr(last + 1);
    const bool ensemble = ensembles.count(head) > 0;
    // "Thunder rumbles.", "A bell rang.": a sound heard, not a heading
    if (last != u32::npos && sound_verb(head) && (verb_form(head) == 1 || verb_form(head) == 3)) return;
    const bool markdown = !low.empty() && low[0] == '#';  // "# Spaceship bridge\n1. ..."
    if (end < low.size() && (low[end] == '.' || low[end] == ':' || low[end] == '!' || low[end] == '-' ||
                             (ensemble && low[end] == ',') || (markdown && low[end] == '\n'))) {
        sources.erase(sources.begin());
        placed.erase(placed.begin());
    }
}

bool parse_prompt(const std::string& text, SceneSpec& out, std::string& err) {
    out = SceneSpec();
    std::vector<char32_t> cps;
    std::string uerr;
    if (!nn::utf8_decode(text, cps, uerr)) {
        err = "text is not valid UTF-8 (" + uerr + ")";
        return false;
    }
    if (cps.size() > kPromptMaxChars) {
        err = "text is too long: " + std::to_string(cps.size()) + " characters (at most " +
              std::to_string(kPromptMaxChars) + ")";
        return false;
    }
    const u32 original(cps.begin(), cps.end());
    if (strip_space(original).empty()) {
        err = "text is empty: describe at least one sound (e.g. 'a dog barks on the left')";
        return false;
    }
    if (!patterns().ok) {
        err = "internal error: a built-in prompt pattern did not compile";
        return false;
    }
    u32 t;  // typographic quotes and dashes as ASCII
    for (char32_t c : original) {
        if (c == 0x2019 || c == 0x2018) t.push_back('\'');
        else if (c == 0x201c || c == 0x201d) t.push_back('"');
        else if (c == 0x2013) t.push_back('-');
        else if (c == 0x2014) t += U" - ";
        else t.push_back(c);
    }
    t = normalise_symbols(fields_as_phrases(t));
    // "right-to-left", "left-to-right": the hyphens as spaces (same length), so the move reads as words
    for (std::size_t i = 0; i + 4 <= t.size(); ++i) {
        if (!(t[i] == '-' && (t[i + 1] == 't' || t[i + 1] == 'T') && (t[i + 2] == 'o' || t[i + 2] == 'O') && t[i + 3] == '-'))
            continue;
        auto word_at = [&](std::size_t a, std::size_t b) { return lower(t.substr(a, b - a)); };
        std::size_t a = i;
        while (a > 0 && is_letter(t[a - 1])) --a;
        std::size_t b = i + 4;
        while (b < t.size() && is_letter(t[b])) ++b;
        static const std::set<u32> sides = {U"left", U"right", U"front", U"back"};
        if (sides.count(word_at(a, i)) && sides.count(word_at(i + 4, b))) t[i] = t[i + 3] = ' ';
    }
    // "in the vents above-left": a height and a side, read apart
    for (std::size_t i = 1; i + 1 < t.size(); ++i) {
        if (t[i] != '-' || !is_letter(t[i - 1]) || !is_letter(t[i + 1])) continue;
        std::size_t a = i, b = i + 1;
        while (a > 0 && is_letter(t[a - 1])) --a;
        while (b < t.size() && is_letter(t[b])) ++b;
        static const std::set<u32> heights = {U"above", U"below", U"overhead"}, sides = {U"left", U"right"};
        if (heights.count(lower(t.substr(a, i - a))) && sides.count(lower(t.substr(i + 1, b - i - 1)))) t[i] = ' ';
    }
    t = with_common_misspellings_fixed(t);
    t = with_chat_shorthand(t);
    t = with_openers_dropped(t);
    t = with_leading_setting_set_off(t);
    t = with_people_as_the_listener(t);
    t = with_heights_as_words(t);
    t = with_at_signs_as_at(t);
    t = with_bare_clock_hours(t);
    t = with_nautical_sides(t);
    both_sides_and_bracketed_places(t);
    std::vector<RoomHit> rooms;
    std::vector<Tok> tokens = tokenize(t, rooms);
    if (const u32 fixed = with_corrections_applied(t, tokens); fixed != t) {
        t = fixed;
        rooms.clear();
        tokens = tokenize(t, rooms);
    }
    tokens = with_run_on_breaks(tokens);
    std::vector<bool> colon_after, colon_only;
    std::vector<Group> groups = group(tokens, colon_after, colon_only);
    std::vector<int> clause_of;
    std::vector<bool> placed;  // a direction or elevation was stated for the source
    std::vector<std::vector<u32>> mentions;  // the nouns a source was named by with "the"
    std::vector<std::vector<u32>> landmarks;  // the things a source is said to be at
    std::vector<u32> labels;
    for (auto& g : groups) {
        keep_descriptive_participles(g.toks);
        labels.push_back(label_of(g.toks, t));
    }
    for (std::size_t k = 0; k < groups.size(); ++k)
        if (groups[k].heading >= 0) labels[k] = without_count(labels[groups[k].heading]);
    for (std::size_t k = 0; k < groups.size(); ++k)
        if (groups[k].drop) labels[k].clear();
    merge_same_sources(groups, labels);
    for (auto& g : groups) verb_moves(g.toks);
    std::deque<Tok> synth;  // tokens made for "on each side" (stable addresses)
    for (std::size_t k = 0; k < groups.size(); ++k) {
        Group& g = groups[k];
        const u32& label = labels[k];
        if (label.empty() || is_silent(g.toks)) continue;
        for (const Toks& place : spread_places(g.toks, t, synth)) {
            out.sources.push_back(resolve(place, label));
            const bool stated = std::any_of(place.begin(), place.end(),
                                            [](const Tok* k) {
                                                return k->kind == Kind::Dir || k->kind == Kind::Elev || k->kind == Kind::Circle;
                                            });
            const bool here = placed_by_sounds_before(place, stated, out.sources) || stated;
            clause_of.push_back(g.clause);
            placed.push_back(here);
            mentions.push_back(definite_nouns(place));
            landmarks.push_back(landmark_nouns(place));
        }
    }
    place_sounds_at_named_landmarks(out.sources, placed, clause_of, mentions, landmarks);
    drop_list_headings(out.sources, clause_of, placed, mentions, colon_after, colon_only);
    place_earlier_mentions(out.sources, placed, mentions);
    merge_definite_repeats(out.sources, placed, clause_of, mentions);
    merge_repeated_sounds(out.sources, placed);
    give_landmark_places_to_sounds(out.sources, placed);
    share_places_of_joined_sounds(out.sources, placed, t);
    drop_unplaced_non_sounds(out.sources, placed);
    drop_unplaced_framing(out.sources, placed);
    drop_scene_heading(out.sources, placed, t);
    drop_framing_sentence(out.sources, placed, t);
    const std::vector<std::string> left_out = drop_unplaced_beside_placed(out.sources, placed, t);
    if (out.sources.empty() && !descriptors_are_sounds && names_a_material(t)) {
        struct Again {
            Again() { descriptors_are_sounds = true; }
            ~Again() { descriptors_are_sounds = false; }
        } again;
        SceneSpec scene;
        std::string why;
        // only a placed one: "with heavy reverb" alone names no sound
        if (parse_prompt(text, scene, why) && scene.note.empty()) {
            out = std::move(scene);
            return true;
        }
    }
    if (out.sources.empty()) {
        err = "no sound found in " + py_repr(strip_space(original).substr(0, 80)) +
              ": name what is heard (e.g. 'a dog barks on the left')";
        return false;
    }
    resolve_room(rooms, out);
    out.note = placement_note(out.sources, placed, tokens);
    if (!left_out.empty()) {
        std::string names;
        for (const std::string& label : left_out) names += (names.empty() ? "'" : ", '") + label + "'";
        out.note += (out.note.empty() ? "" : "; ") + std::string("left out ") + names +
                    ": given no place while other sounds have one (say where to keep it)";
    }
    return true;
}

}  // namespace bewo::rt
