#include "prompt_shorthand.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "person_words.h"
#include "sound_words.h"
#include "text_match.h"
#include "text_words.h"
#include "verb_words.h"

namespace bewo::rt {

using namespace textmatch;

namespace {

// One slip of the keys away from `word`: a letter missed, added, doubled or two swapped (not a
// letter changed: "light", "night" are words).
bool one_slip_from(const u32& typed, const u32& word) {
    const std::size_t a = typed.size(), b = word.size();
    if (typed == word || a + 1 < b || b + 1 < a) return false;
    std::size_t i = 0;
    while (i < a && i < b && typed[i] == word[i]) ++i;  // the first place they differ
    if (a != b) {  // one letter more or less: the rest matches once it is skipped
        const u32& longer = a > b ? typed : word;
        const u32& shorter = a > b ? word : typed;
        return longer.compare(i + 1, u32::npos, shorter, i, u32::npos) == 0;
    }
    // two letters swapped
    return i + 1 < a && typed[i] == word[i + 1] && typed[i + 1] == word[i] &&
           typed.compare(i + 2, u32::npos, word, i + 2, u32::npos) == 0;
}

// "siren on the leftt", "a bell to my rigt", "thunder behnid me": a place word with a slip, after
// the words that come before a place.
u32 slipped_place_word(const u32& low_word, const u32& t, std::size_t before_begin, std::size_t before_end) {
    static const std::set<u32> leads = {U"the", U"my", U"your", U"our", U"his", U"her", U"their", U"on", U"to", U"from",
                                        U"at", U"in", U"far", U"hard", U"directly", U"slightly", U"straight", U"dead"};
    static const std::set<u32> words = {U"left", U"right", U"behind", U"front", U"ahead", U"above", U"below", U"overhead"};
    // real words one slip away from a place word
    static const std::set<u32> real = {U"let", U"lent", U"font", U"head", U"blow", U"bellow", U"rights", U"lefts",
                                       U"fronts", U"abode", U"lift", U"loft", U"elbow", U"bright", U"fright", U"righto",
                                       U"overheads", U"wright", U"aheads", U"behinds"};
    u32 found;
    for (const u32& w : words)
        if (one_slip_from(low_word, w)) found = w;
    if (found.empty() || real.count(low_word) || low_word.size() < 3) return u32();
    // the long ones have no word one slip away, wherever they are ("thunder behnid me")
    if (low_word.size() >= 5 && (found == U"behind" || found == U"ahead" || found == U"above" || found == U"below" ||
                                 found == U"overhead"))
        return found;
    return leads.count(lower(t.substr(before_begin, before_end - before_begin))) ? found : u32();
}

// "bhnd", "slght", "cntr", "oclck": a place word typed without some of its vowels (the first
// letter kept, at least one vowel left out, nothing else changed), as people text.
u32 place_word_without_vowels(const u32& low_word) {
    static const std::vector<std::pair<u32, u32>> words = {
        {U"behind", U"behind"}, {U"left", U"left"}, {U"right", U"right"}, {U"front", U"front"}, {U"ahead", U"ahead"},
        {U"above", U"above"}, {U"below", U"below"}, {U"overhead", U"overhead"}, {U"slightly", U"slightly"},
        {U"slight", U"slightly"}, {U"around", U"around"}, {U"center", U"center"}, {U"centre", U"centre"},
        {U"middle", U"middle"}, {U"across", U"across"}, {U"towards", U"towards"}, {U"between", U"between"},
        {U"oclock", U"o'clock"}, {U"clockwise", U"clockwise"}, {U"degrees", U"degrees"}};
    auto vowel = [](char32_t c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; };
    if (low_word.size() < 3) return u32();
    for (const auto& [w, said] : words) {
        if (low_word.size() >= w.size() || low_word[0] != w[0]) continue;
        std::size_t k = 0;
        bool only_vowels = true;
        for (char32_t c : w) {
            if (k < low_word.size() && low_word[k] == c) ++k;
            else if (!vowel(c)) only_vowels = false;
        }
        // (a word of its own is not a typo: "blow" is not "below"; looked up only on a match, as it costs)
        if (k == low_word.size() && only_vowels)
            return sound_verb(low_word) || sound_noun(low_word) || verb_word_form(low_word) != 0 ? u32() : said;
    }
    return u32();
}

// "barkin", "meowin", "runnin": a verb's -ing said without its g.
// [begin, end) of the letters of the word that ends before `at`, over spaces (empty when none)
std::pair<std::size_t, std::size_t> word_before(const u32& t, std::size_t at) {
    std::size_t k = at;
    while (k > 0 && t[k - 1] == ' ') --k;
    std::size_t b = k;
    while (b > 0 && is_letter(t[b - 1])) --b;
    return {b, k};
}

// [begin, end) of the letters of the word that starts at or after `at`, over spaces (empty when none)
std::pair<std::size_t, std::size_t> word_after(const u32& t, std::size_t at) {
    std::size_t n = at;
    while (n < t.size() && t[n] == ' ') ++n;
    std::size_t e = n;
    while (e < t.size() && is_letter(t[e])) ++e;
    return {n, e};
}

u32 lower_word(const u32& t, std::pair<std::size_t, std::size_t> span) {
    return lower(t.substr(span.first, span.second - span.first));
}

u32 with_its_g(const u32& low_word) {
    if (low_word.size() < 5 || !ends_with(low_word, U"in")) return u32();
    if (sound_noun(low_word) || names_a_person(low_word)) return u32();
    const u32 ing = low_word + U"g", stem = low_word.substr(0, low_word.size() - 2);
    static const std::set<u32> moving = {U"run", U"walk", U"come", U"go", U"fly", U"drive", U"ride", U"pass", U"move",
                                         U"roll", U"crawl", U"creep", U"zoom", U"race", U"head", U"sneak", U"stomp",
                                         U"circle", U"orbit", U"spin", U"swoop", U"dive", U"wheel", U"whizz", U"zip",
                                         U"rush", U"dash", U"gallop", U"march", U"trot", U"wander", U"drift", U"float",
                                         U"glide", U"sweep", U"swirl", U"cross", U"travel"};
    const u32 single = stem.size() > 2 && stem.back() == stem[stem.size() - 2] ? stem.substr(0, stem.size() - 1) : stem;
    // (only a sound's or a move's verb: "begin", "raisin" and "bobbin" stay)
    static const std::set<u32> words = {U"begin", U"within", U"cabin", U"raisin", U"bobbin", U"muffin", U"penguin",
                                        U"robin", U"violin", U"margin", U"basin", U"cousin", U"origin", U"coffin",
                                        U"napkin", U"pumpkin", U"dolphin", U"goblin", U"latin", U"vitamin", U"mandolin",
                                        U"javelin", U"griffin", U"puffin", U"bulletin", U"chaplain", U"captain"};
    if (words.count(low_word)) return u32();
    if (sound_verb(ing) || moving.count(stem) || moving.count(single) || moving.count(stem + U"e")) return ing;
    return u32();
}

}  // namespace

// Misspelt direction words people type in a hurry ("to the rigth", "behnd me", "infront"), as the
// words they mean; only whole words, so nothing else is touched.
// "allll the way round", "on the leeeeft", "sooo slowly": a place word said with a letter held; ""
// when the word is not one (a held "zzz" or "brrr" names a sound and stays as written).
static u32 without_stretched_letters(const u32& w) {
    bool held = false;
    for (std::size_t k = 2; k < w.size() && !held; ++k) held = w[k] == w[k - 1] && w[k] == w[k - 2];
    if (!held) return u32();
    static const std::set<u32> words = {U"left", U"right", U"all", U"way", U"behind", U"ahead", U"front", U"back",
                                        U"above", U"below", U"around", U"round", U"overhead", U"far", U"slowly", U"slow",
                                        U"so", U"too", U"really", U"very", U"little", U"bit", U"close", U"near", U"loud",
                                        U"quiet", U"soft", U"away", U"off", u32(U"up"), U"down", U"high", U"low", U"over"};
    for (const std::size_t keep : {1, 2}) {  // each held letter said once, or twice ("all", "too")
        u32 out;
        for (char32_t c : w) {
            std::size_t n = 0;
            for (std::size_t k = out.size(); k > 0 && out[k - 1] == c; --k) ++n;
            if (n < keep) out.push_back(c);
        }
        if (words.count(out)) return out;
    }
    return u32();
}

// Place words said in phrases ("o/hd", "back-L", "over head", Pidgin "for back", Scots "aw roond",
// "be hind"), as the words they mean.
static u32 with_spoken_place_phrases(const u32& text) {
    // "thunder rumble o/head", "aircraft pass o/hd": overhead, as radio logs write it
    static const Regex over_head("(?<![\\w/])o/h(?:ea)?d?(?![\\w/])", true);
    u32 t = text.find('/') == u32::npos ? text
                                        : with_matches_replaced(text, over_head, [](const Regex::Match&, const u32&) {
                                              return u32(U"overhead");
                                          });
    // "phones ringing back-L", "front-R": a rear or front corner with its side's letter
    static const Regex corner("(?<![\\w-])(?P<fb>back|rear|front|behind)-(?P<lr>[lr])(?![\\w'-])", true);
    const bool lettered_corner = [&] {
        for (std::size_t i = 0; i + 1 < t.size(); ++i)
            if (t[i] == '-' && (t[i + 1] == 'L' || t[i + 1] == 'R' || t[i + 1] == 'l' || t[i + 1] == 'r') &&
                (i + 2 == t.size() || !is_letter(t[i + 2])))
                return true;
        return false;
    }();
    if (lettered_corner)
        t = with_matches_replaced(t, corner, [](const Regex::Match& m, const u32& low) {
            return m.group(low, corner.group("fb")) + (m.group(low, corner.group("lr")) == U"l" ? U"-left" : U"-right");
        });
    // "announcement over head": overhead, in two words (not "over head and shoulders", "over my head")
    // (at the end of its item: "pulls his hood over head on the left" is an action)
    static const Regex over_head_apart("(?<![\\w-])over\\s+head(?=\\s*(?:[,.;:!?)\\n]|$|and\\b|then\\b|while\\b))", true);
    if (t.find(U"head") != u32::npos)
        t = with_matches_replaced(t, over_head_apart, [](const Regex::Match&, const u32&) { return u32(U"overhead"); });
    // Nigerian Pidgin "generator dey hum for back", "drum dey knock for her back", "player dey behind me for
    // right": "for" a side, ending its item, is where it is; Scots "aw roond us" is all round
    static const Regex pidgin_side("(?<![\\w-])for\\s+(?:(?:my|her|his|your|our|the)\\s+)?(?P<far>far\\s+)?"
                                   "(?P<side>back|front|left|right|up|top|down)(?=\\s*(?:[,.;!?)\\n]|$))", true);
    if (contains_ascii_ci(t, U"for "))
        t = with_matches_replaced(t, pidgin_side, [](const Regex::Match& m, const u32& low) {
            const u32 side = m.group(low, pidgin_side.group("side"));
            const u32 far = m.has(pidgin_side.group("far")) ? u32(U"far ") : u32();
            if (side == U"back") return u32(U"behind");
            if (side == U"up" || side == U"top") return u32(U"above");  // "aeroplane for up passing"
            if (side == U"down") return u32(U"below");
            if (side == U"front") return u32(U"in front");
            return U"on the " + far + side;
        });
    // ("aeroplane for up passing": above, wherever it stands; not "for up to ten minutes")
    static const Regex pidgin_up("(?<![\\w-])for\\s+(?:up|top)(?![\\w-])(?!\\s+to\\b)", true);
    if (contains_ascii_ci(t, U"for up") || contains_ascii_ci(t, U"for top"))
        t = with_matches_replaced(t, pidgin_up, [](const Regex::Match&, const u32&) { return u32(U"above"); });
    static const Regex aw_roond("(?<![\\w-])aw\\s+(?=roond|round|around|ower|over)", true);
    if (contains_ascii_ci(t, U"aw "))
        t = with_matches_replaced(t, aw_roond, [](const Regex::Match&, const u32&) { return u32(U"all "); });
    // "just to the right o' me, a wee bit in front": a little
    static const Regex wee_bit("(?<![\\w-])wee\\s+(?=bit(?![\\w-]))", true);
    if (contains_ascii_ci(t, U"wee "))
        t = with_matches_replaced(t, wee_bit, [](const Regex::Match&, const u32&) { return u32(U"little "); });
    // "Bees little left" (no article, as a learner says it): a little to that side
    static const Regex little_side("(?<![\\w-])(?<!a )(?<!the )(?<!very )little\\s+(?=(?:to\\s+the\\s+)?(?:left|right)(?![\\w-]))", true);
    if (contains_ascii_ci(t, U"little "))
        t = with_matches_replaced(t, little_side, [](const Regex::Match&, const u32&) { return u32(U"a little "); });
    // "a cat meowin be hind me": behind, split as it sounds
    static const Regex be_hind("(?<![\\w-])be\\s+hind(?![\\w-])", true);
    if (t.find(U"hind") != u32::npos)
        t = with_matches_replaced(t, be_hind, [](const Regex::Match&, const u32&) { return u32(U"behind"); });
    return t;
}

u32 with_common_misspellings_fixed(const u32& text) {
    const u32 t = with_spoken_place_phrases(text);
    static const std::map<u32, u32> fixes = {
        {U"rigth", U"right"}, {U"rihgt", U"right"}, {U"rght", U"right"}, {U"lfet", U"left"},
        {U"lef", U"left"}, {U"letf", U"left"}, {U"behnd", U"behind"}, {U"behidn", U"behind"}, {U"bhind", U"behind"},
        {U"bheind", U"behind"}, {U"behinde", U"behind"}, {U"overhed", U"overhead"}, {U"ovrhead", U"overhead"},
        {U"overheard", U"overhead"}, {U"infront", U"in front"}, {U"infornt", U"in front"}, {U"fornt", U"front"},
        {U"frnt", U"front"}, {U"ahed", U"ahead"}, {U"ahaed", U"ahead"}, {U"abov", U"above"}, {U"abvoe", U"above"},
        {U"belwo", U"below"}, {U"bellow", U"below"}, {U"clokwise", U"clockwise"}, {U"anticlokwise", U"anticlockwise"},
        {U"comming", U"coming"}, {U"awy", U"away"}, {U"rt", U"right"}, {U"lft", U"left"}, {U"frm", U"from"},
        {U"bhnd", U"behind"}, {U"bhd", U"behind"}, {U"slighlty", U"slightly"}, {U"sligthly", U"slightly"},
        {U"slighly", U"slightly"}, {U"slightley", U"slightly"}, {U"twds", U"towards"}, {U"abv", U"above"},
        {U"rite", U"right"}, {U"slighty", U"slightly"}, {U"slightely", U"slightly"}, {U"rigt", U"right"},
        {U"write", U"right"}, {U"let", U"left"}, {U"teh", U"the"}, {U"litle", U"little"}, {U"littel", U"little"},
        {U"behing", U"behind"}, {U"behid", U"behind"}, {U"o'clk", U"o'clock"}, {U"oclk", U"o'clock"}, {U"o'c", U"o'clock"},
        {U"fwd", U"forward"}, {U"fm", U"from"}, {U"bk", U"back"},
        // spelled as said ("seegulls behine me", "rain abuv", "in frunt", "slitly to the lef")
        {U"frunt", U"front"}, {U"frount", U"front"}, {U"infrunt", U"in front"}, {U"behine", U"behind"},
        {U"behined", U"behind"}, {U"bihind", U"behind"}, {U"behyne", U"behind"}, {U"abuv", U"above"},
        {U"abuve", U"above"}, {U"abouve", U"above"}, {U"abbove", U"above"}, {U"bilow", U"below"}, {U"arond", U"around"},
        {U"arround", U"around"}, {U"arund", U"around"}, {U"slitly", U"slightly"}, {U"slitely", U"slightly"},
        {U"sligtly", U"slightly"}, {U"lefft", U"left"}, {U"leftt", U"left"}, {U"ryte", U"right"}, {U"degres", U"degrees"},
        {U"degress", U"degrees"}, {U"degrese", U"degrees"}, {U"dgrees", U"degrees"}, {U"middel", U"middle"},
        {U"midle", U"middle"}, {U"senter", U"center"}, {U"ovahead", U"overhead"}, {U"overheed", U"overhead"},
        {U"lhs", U"left-hand side"}, {U"rhs", U"right-hand side"},
        // Scots ("the milk float whirrin past fae left tae right", "aw roond us", "above ma heid")
        {U"fae", U"from"}, {U"tae", U"to"}, {U"roond", U"round"}, {U"heid", U"head"}, {U"o'", U"of"}, {U"an'", U"and"},
        {U"hed", U"head"}, {U"gos", U"goes"}};
    u32 out;
    out.reserve(t.size() + 8);
    for (std::size_t i = 0; i < t.size();) {
        if (!is_letter(t[i])) {
            out.push_back(t[i++]);
            continue;
        }
        std::size_t j = i;
        while (j < t.size() && (is_letter(t[j]) || t[j] == '\'')) ++j;
        u32 word = t.substr(i, j - i);
        u32 low_word = lower(word);
        if (const u32 plain = without_stretched_letters(low_word); !plain.empty()) word = low_word = plain;
        auto it = fixes.find(low_word);
        if (it != fixes.end()) {
            const auto [n, ne] = word_after(t, j);
            const u32 next = lower_word(t, {n, ne});
            // "Frunt Street", "Tom Middel": a capitalised name beside another is a name
            const auto [pb, pk] = word_before(t, i);
            const bool prev_capital = pk < i && pk > pb && is_upper(t[pb]);
            const bool next_capital = ne > n && is_upper(t[n]);
            if (is_upper(t[i]) && (prev_capital || next_capital)) it = fixes.end();
            // "water trickling RHS", "on the LHS": a side only at the end of its item ("an RHS member" is not)
            static const std::set<u32> after_side = {U"side", U"of", U"and", U"then", U"while", U"with"};
            if (it != fixes.end() && (low_word == U"rhs" || low_word == U"lhs") && ne > n && !after_side.count(next))
                it = fixes.end();
        }
        // Caribbean "de" and "meh" ("from de left", "at meh back"): only where "the" and "my" would go
        if (it == fixes.end() && (low_word == U"de" || low_word == U"meh") && is_lower(t[i])) {
            const auto [n, ne] = word_after(t, j);
            const u32 next = lower_word(t, {n, ne});
            const auto [pb, pk] = word_before(t, i);
            const u32 prev = lower_word(t, {pb, pk});
            static const std::set<u32> before = {U"on", U"to", U"at", U"in", U"behind", U"from", U"by", U"across",
                                                 U"of", U"over", U"under", U"round", U"around", U"near", U"into",
                                                 U"past", U"beside", U"up", U"down"};
            static const std::set<u32> places = {U"left", U"right", U"back", U"front", U"side", U"middle", U"road",
                                                 U"house", U"head", U"ear", U"roof"};
            if (places.count(next) || (low_word == U"de" && before.count(prev))) {
                out += low_word == U"de" ? u32(U"the") : u32(U"my");
                i = j;
                continue;
            }
        }
        // "bellow" and "overheard" are words too: only next to the words that place a sound
        const bool guarded = it != fixes.end() && (it->first == U"bellow" || it->first == U"overheard" || it->first == U"lef" ||
                                                   it->first == U"rt" || it->first == U"rite" ||
                                                   it->first == U"write" || it->first == U"let");
        bool ok = it != fixes.end();
        // radio log shorthand, only before a place: "crowing fm L", "kids shouting bk left" ("FM radio" stays)
        if (ok && (it->first == U"fm" || it->first == U"bk")) {
            const auto [n, ne] = word_after(t, j);
            static const std::set<u32> places = {U"l", U"r", U"left", U"right", U"rt", U"lft", U"behind", U"front",
                                                 U"rear", U"ahead", U"above", U"below", U"back"};
            u32 next = lower_word(t, {n, ne});
            if (next == U"the" || next == U"my") next = lower_word(t, word_after(t, ne));  // "fm the left" (not "Kiss FM the whole drive")
            ok = places.count(next) > 0 || (n < t.size() && is_digit(t[n]));
        }
        if (guarded) {
            const u32 before = lower_word(t, word_before(t, i));
            ok = before == U"the" || before == U"my" || before == U"your" || before == U"to" || before == U"from" ||
                 before == U"on" || before == U"directly" || before == U"right" ||
                 // "45 degrees lef"
                 ((it->first == U"lef" || it->first == U"rite") && (before == U"degrees" || before == U"degree")) ||
                 // "cow mooing bk rt", "buzz fm rt side": after radio log shorthand too
                 ((it->first == U"rt" || it->first == U"lft") && (before == U"fm" || before == U"bk" || before == U"back"));
            // "birds lft cars rt": shorthand for a side right after a sound's name
            if (it->first == U"rt" && (sound_noun(before) || names_a_person(before))) ok = true;
            // "the rite of spring", "last rites": a rite, not a side
            if (it->first == U"rite" && lower(t.substr(j, 4)) == U" of ") ok = false;
            // "from let to right", "to the write": only where a side goes ("let me", "write the", "to write" stay)
            if (it->first == U"let" || it->first == U"write") {
                std::size_t n = j;
                while (n < t.size() && t[n] == ' ') ++n;
                const bool ends = n >= t.size() || !is_letter(t[n]) || lower(t.substr(n, 3)) == U"to " ||
                                  lower(t.substr(n, 5)) == U"side";
                ok = ok && before != U"to" && before != U"directly" && before != U"right" && ends;
            }
        }
        // "radio on me left", "slightly to me right": "me" for "my", as many say it, before a side
        if (low_word == U"me" || low_word == U"ma") {
            static const std::set<u32> before = {U"on", U"to", U"at", U"by", U"off", U"from", U"over", U"behind", U"above",
                                                 U"fae", U"tae", U"under", U"below"};
            static const std::set<u32> after = {U"left", U"right", U"lef", U"rite", U"shoulder", U"ear", U"back", U"heid",
                                                U"head", U"feet"};
            const auto [n, ne] = word_after(t, j);
            // (not "to me right now", "by me right through it": "right" as "straight")
            static const std::set<u32> straight = {U"now", U"away", U"after", U"through", U"then", U"there", U"here",
                                                   U"before", U"into", U"up", U"down", U"in", U"at", U"on", U"off",
                                                   U"as", U"when", U"this", U"that", U"out", U"over", U"next"};
            const bool as_straight = straight.count(lower_word(t, word_after(t, ne))) > 0;
            if (before.count(lower_word(t, word_before(t, i))) && after.count(lower_word(t, {n, ne})) && n > j && !as_straight) {
                out += U"my";
                i = j;
                continue;
            }
        }
        u32 slipped;
        if (!ok && it == fixes.end() && low_word.size() >= 3 && low_word.size() <= 9) {
            const auto [b, k] = word_before(t, i);
            slipped = slipped_place_word(low_word, t, b, k);
            if (slipped.empty()) slipped = place_word_without_vowels(low_word);
            if (slipped.empty()) slipped = with_its_g(low_word);
        }
        out += ok ? it->second : !slipped.empty() ? slipped : word;
        i = j;
    }
    return out;
}


u32 with_chat_shorthand(const u32& t) {
    u32 out;
    out.reserve(t.size() + 8);
    auto word_before_at = [&](std::size_t i) { return lower_word(t, word_before(t, i)); };  // (lower case)
    auto word_after_at = [&](std::size_t j) { return lower_word(t, word_after(t, j)); };
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
        // "a hellicopter circlin around me an sirens in frunt": "an" before a word that starts with a
        // sound no article "an" goes before is "and" ("an hour", "an x-ray", "an mri scanner" stay)
        if ((c == 'a' || c == 'A') && starts && i > 0 && i + 3 < t.size() && (t[i + 1] == 'n' || t[i + 1] == 'N') &&
            t[i + 2] == ' ' && is_letter(t[i + 3]) && !is_upper(t[i + 3])) {
            const u32 next = word_after_at(i + 2);
            static const std::u32string vowels = U"aeiouhx";
            static const std::set<u32> letters_said = {U"mri", U"mp", U"rpg", U"sfx", U"fx", U"nhs", U"lfe", U"led", U"lp",
                                                       U"suv", U"mc", U"rv", U"fm", U"sms", U"mot", U"ngo", U"lcd", U"nfl"};
            const bool has_vowel = next.find_first_of(U"aeiouy") != u32::npos;
            if (!next.empty() && (next == U"a" || (vowels.find(next[0]) == u32::npos && has_vowel && !letters_said.count(next))) &&
                is_letter(t[i > 1 ? i - 2 : 0])) {
                out += U"and";
                ++i;
                continue;
            }
        }
        // "sidechain the pad n pan the perc loop": "n" alone between two words is "and"
        if ((c == 'n' || c == 'N') && i > 0 && t[i - 1] == ' ' && i + 2 < t.size() && t[i + 1] == ' ' &&
            is_letter(t[i + 2]) && is_letter(t[i > 1 ? i - 2 : 0])) {
            out += U"and";
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
        const u32 next = word_after_at(i + 1), prev = word_before_at(i);
        const bool verb_next = next.size() > 4 && ends_with(next, U"ing");  // "birds r singing": are
        const bool side = !subjects.count(prev) && !verb_next &&
                          (ends || side_after.count(next) > 0 || side_before.count(prev) > 0);
        if (side) out += c == 'l' ? U"left" : U"right";  // words, so "back l" reads as "back left"
        else out.push_back(c);
    }
    return out;
}

// "fireplace crackling in front um birds behind": a spoken filler is a pause, as a comma is.
u32 with_fillers_as_pauses(const u32& t) {
    static const std::set<u32> fillers = {U"um", U"umm", U"ummm", U"uh", U"uhh", U"uhm", U"erm", U"ehm"};
    u32 out;
    for (std::size_t i = 0; i < t.size();) {
        if (!is_letter(t[i]) || (i > 0 && (is_letter(t[i - 1]) || t[i - 1] == '\''))) {
            out.push_back(t[i++]);
            continue;
        }
        std::size_t j = i;
        while (j < t.size() && is_letter(t[j])) ++j;
        // ("Umm Kulthum": a capital before a capitalised word is a name)
        std::size_t n = j;
        while (n < t.size() && t[n] == ' ') ++n;
        const bool name = is_upper(t[i]) && n > j && n < t.size() && is_upper(t[n]);
        const bool alone = !name && (j >= t.size() || (!is_letter(t[j]) && t[j] != '\'' && t[j] != '-'));
        const char32_t first = t[i] | 0x20;  // (only a short word of "u" or "e" is looked up)
        if (alone && j - i <= 4 && (first == 'u' || first == 'e') && fillers.count(lower(t.substr(i, j - i)))) {
            while (!out.empty() && out.back() == ' ') out.pop_back();
            // (inside a phrase it is only dropped: "the waterfall is um thirty degrees left")
            std::size_t b = out.size();
            while (b > 0 && is_letter(out[b - 1])) --b;
            static const std::set<u32> inside = {U"is", U"are", U"was", U"were", U"at", U"the", U"a", U"an", U"to",
                                                 U"on", U"in", U"of", U"my", U"and", U"about", U"like", U"with",
                                                 U"from", U"by", U"some", U"its", U"it's", U"be"};
            const bool mid_phrase = inside.count(lower(out.substr(b)));
            if (!out.empty() && !mid_phrase && out.back() != ',' && out.back() != '.' && out.back() != '\n') out += U",";
            out += U" ";
            while (j < t.size() && (t[j] == ' ' || t[j] == ',')) ++j;
        } else {
            out += t.substr(i, j - i);
        }
        i = j;
    }
    return out;
}

u32 with_openers_dropped(const u32& t) {
    struct Word { std::size_t start, end; u32 low; };
    std::vector<Word> words;  // letters and apostrophes; other characters split words
    for (std::size_t i = 0; i < t.size();) {
        if (!(is_letter(t[i]) || t[i] == '\'')) { ++i; continue; }
        std::size_t j = i;
        while (j < t.size() && (is_letter(t[j]) || t[j] == '\'')) ++j;
        words.push_back({i, j, lower(t.substr(i, j - i))});
        i = j;
    }
    auto sentence_start = [&](std::size_t at) {
        std::size_t k = at;
        while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t')) --k;
        return k == 0 || t[k - 1] == '.' || t[k - 1] == '!' || t[k - 1] == '?' || t[k - 1] == '\n' || t[k - 1] == ';' ||
               ((t[k - 1] == '-' || t[k - 1] == ':') && k < at);  // "hey quick q - if ...", "Note: ..."
    };
    auto only_punct_between = [&](std::size_t a, std::size_t b) {
        for (std::size_t k = a; k < b; ++k)
            if (is_letter(t[k]) || is_digit(t[k])) return false;
        return true;
    };
    static const std::set<u32> chatter = {U"lmao", U"lmfao", U"lol", U"rofl", U"bro", U"dude", U"yo", U"omg", U"ugh",
                                          U"welp", U"bruh", U"ngl", U"tbh", U"imo", U"btw", U"hey", U"helo", U"hallo",
                                          U"hullo", U"hiya", U"heya", U"ma'am", U"maam", U"madam", U"sir", U"howay", U"oi"};
    // "hey man, ...", "howay man can u do ...": who a call like that is said to
    static const std::set<u32> called = {U"man", U"mate", U"pal", U"bro", U"dude", U"guys", U"lads", U"folks", U"buddy",
                                         U"love", U"pet", U"hun", U"babe", U"y'all", U"yall", U"fam", U"bud", U"mister"};
    auto only_between = [&](std::size_t a, std::size_t b, const char32_t* allowed) {  // ("" gap: false)
        return b > a && std::all_of(t.begin() + static_cast<long>(a), t.begin() + static_cast<long>(b),
                                    [&](char32_t c) { return std::u32string_view(allowed).find(c) != std::u32string_view::npos; });
    };
    static const std::set<u32> dets = {U"the", U"a", U"an", U"my", U"our", U"this", U"that", U"your", U"some"};
    std::vector<std::pair<std::size_t, std::size_t>> cuts;
    for (std::size_t w = 0; w < words.size(); ++w) {
        // (a cut just made ends where a sentence starts: "hi Sam it's Jo, for act two I want ...")
        if (!sentence_start(words[w].start) && !(!cuts.empty() && cuts.back().second == words[w].start)) continue;
        // "hi Sam it's Jo um for act two ...", "hey Dave, ...": a greeting and the names in it
        static const std::set<u32> greetings = {U"hi", U"hey", U"hello", U"hiya", U"morning", U"evening", U"dear"};
        auto capitalised = [&](std::size_t k) {
            return k < words.size() && words[k].end - words[k].start > 1 && is_upper(t[words[k].start]) &&
                   is_lower(t[words[k].start + 1]);
        };
        // (not "Hello. Can you make ...": a name follows its greeting in the same sentence)
        const bool same_sentence = w + 1 < words.size() && only_between(words[w].end, words[w + 1].start, U" ,");
        if (greetings.count(words[w].low) && same_sentence && capitalised(w + 1) && !sound_noun(words[w + 1].low)) {
            std::size_t e = w + 2;
            if (e < words.size() && words[e].low == U"it's" && capitalised(e + 1)) e += 2;  // "it's Jo"
            if (e < words.size()) cuts.emplace_back(words[w].start, words[e].start);
            continue;
        }
        // "right so I'm in the staff room ...", "right then, ...": a speaker's "right" before a filler is no side
        static const std::set<u32> after_right = {U"so", U"then", U"ok", U"okay", U"well", U"um", U"erm", U"uh"};
        // (not "right then left, ...", "Right: then ...": a side, then more of the move or a colon key)
        static const std::set<u32> sides = {U"left", U"right", U"front", U"back", U"behind", U"ahead", U"centre", U"center"};
        if (words[w].low == U"right" && w + 1 < words.size() && after_right.count(words[w + 1].low) &&
            only_between(words[w].end, words[w + 1].start, U" ,") &&
            !(w + 2 < words.size() && sides.count(words[w + 2].low))) {
            cuts.emplace_back(words[w].start, words[w + 1].start);
            continue;
        }
        // "hey asmr, tapping on the left ...", "hi all, ...": a greeting and who it greets, before a comma
        if (greetings.count(words[w].low) && w + 2 < words.size() && only_between(words[w].end, words[w + 1].start, U" ") &&
            t.find(U',', words[w + 1].end) < words[w + 2].start) {
            cuts.emplace_back(words[w].start, words[w + 2].start);
            continue;
        }
        std::size_t v = w;
        while (v < words.size() && (v == w || only_punct_between(words[v - 1].end, words[v].start))) {
            // "Look, the choo-choo!", "Listen. A dog ...": a call to attention before a break
            static const std::set<u32> attention = {U"look", U"listen", U"hark", U"shh", U"psst", U"wow", U"oh", U"ooh"};
            std::size_t next = words[v].end;
            while (next < t.size() && t[next] == ' ') ++next;
            const bool broken = next < t.size() && (t[next] == ',' || t[next] == '!' || t[next] == '.' || t[next] == ':');
            if (chatter.count(words[v].low) || (attention.count(words[v].low) && broken)) ++v;
            else if (v > w && called.count(words[v].low) && chatter.count(words[v - 1].low) && [&] {
                         // (what is said to them follows: "hey man can you ...", "hey man, ..."; not "yo man walking")
                         static const std::set<u32> asking = {U"can", U"could", U"would", U"pls", U"please", U"plz",
                                                              U"do", U"make", U"put", U"give", U"i", U"we", U"you",
                                                              U"u", U"ya", U"listen", U"check", U"so", U"ok", U"okay"};
                         std::size_t e = words[v].end;
                         while (e < t.size() && t[e] == ' ') ++e;
                         return e >= t.size() || t[e] == ',' || t[e] == '!' || t[e] == '.' ||
                                (v + 1 < words.size() && asking.count(words[v + 1].low));
                     }())
                ++v;
            else if (words[v].low == U"quick" && v + 1 < words.size() && (words[v + 1].low == U"q" || words[v + 1].low == U"question"))
                v += 2;
            else break;
        }
        if (v > w && v < words.size()) {
            cuts.emplace_back(words[w].start, words[v].start);
            w = v - 1;
            continue;
        }
        auto is = [&](std::size_t k, const char32_t* s) { return k < words.size() && words[k].low == s; };
        // "why is there always a busker ..."
        if (is(w, U"why") && (is(w + 1, U"is") || is(w + 1, U"are")) && is(w + 2, U"there")) {
            std::size_t e = w + 3;
            if (is(e, U"always") || is(e, U"never") || is(e, U"still")) ++e;
            if (e < words.size() && dets.count(words[e].low)) cuts.emplace_back(words[w].start, words[e].start);
            continue;
        }
        // "Standing at the bus stop when a motorbike roars past ...", "I was on the platform when an
        // express thundered through ...": where the speaker was, then the sound
        static const std::set<u32> speakers = {U"i", U"i'm", U"we", U"we're", U"you", U"you're", U"she", U"he",
                                               U"they", U"i'd", U"we'd"};
        const bool gerund_opener = words[w].low.size() > 5 && words[w].low.compare(words[w].low.size() - 3, 3, U"ing") == 0;
        if (speakers.count(words[w].low) || gerund_opener) {
            std::size_t when = 0;  // "when" before the sentence ends, then a determiner
            for (std::size_t k = w + 1; k < words.size() && k <= w + 14 && when == 0; ++k) {
                if (!only_punct_between(words[k - 1].end, words[k].start) &&
                    t.substr(words[k - 1].end, words[k].start - words[k - 1].end).find_first_of(U".!?;:\n") != u32::npos)
                    break;  // the sentence ended first
                if (words[k].low == U"when" && k + 1 < words.size() && dets.count(words[k + 1].low)) when = k;
            }
            // "I heard a dog bark when ...": a sound before "when" is the sound
            bool sound_before = when > 0 && gerund_opener && sound_verb(words[w].low);
            for (std::size_t k = w + 1; k < when && !sound_before; ++k) sound_before = sound_verb(words[k].low);
            if (when > 0 && !sound_before) cuts.emplace_back(words[w].start, words[when + 1].start);
        }
        // "Finish with a bell that circles ...", "Open with rain": what the scene starts or ends with
        static const std::set<u32> edges = {U"finish", U"end", U"start", U"open", U"begin", U"close"};
        if (edges.count(words[w].low) && is(w + 1, U"with")) {
            cuts.emplace_back(words[w].start, words[w + 2 < words.size() ? w + 2 : w + 1].start);
            continue;
        }
        // "Quiet apart from a ceiling fan overhead", "Silent except for ...": the sound is what is left
        static const std::set<u32> quiet = {U"quiet", U"silent", U"silence", U"nothing", U"all", U"everything"};
        if (quiet.count(words[w].low) && w + 2 < words.size() &&
            ((is(w + 1, U"apart") && is(w + 2, U"from")) || (is(w + 1, U"except") && is(w + 2, U"for")) ||
             (is(w + 1, U"but") && w + 2 < words.size() && dets.count(words[w + 2].low)))) {
            const std::size_t from = is(w + 1, U"but") ? w + 2 : w + 3;
            if (from < words.size()) cuts.emplace_back(words[w].start, words[from].start);
            continue;
        }
        // "If the smoke alarm goes, play a loud beep above me", "When the toaster pops I want a pop ...",
        // "When I need to turn left at the aisle's end, give me a chirp ...": a condition before what is
        // asked for is when the sound plays, not a sound
        if (is(w, U"if") || is(w, U"when") || is(w, U"whenever") || is(w, U"once")) {
            static const std::set<u32> asked = {U"play", U"give", U"put", U"make", U"add", U"trigger", U"fire", U"use",
                                                U"please", U"pls", U"can", U"could", U"i'd", U"we'd", U"i", U"we"};
            std::size_t cut = 0;
            for (std::size_t k = w + 2; k < words.size() && k <= w + 14 && !cut; ++k) {
                const u32 gap = t.substr(words[k - 1].end, words[k].start - words[k - 1].end);
                if (gap.find_first_of(U".!?\n;:") != u32::npos) break;
                const bool after_comma = gap.find(U',') != u32::npos;
                const bool wants = (words[k].low == U"i" || words[k].low == U"we") && k + 1 < words.size() &&
                                   (words[k + 1].low == U"want" || words[k + 1].low == U"need" || words[k + 1].low == U"would");
                if ((after_comma && asked.count(words[k].low) && (words[k].low != U"i" && words[k].low != U"we" ? true : wants)) ||
                    (!after_comma && wants && k > w + 2))
                    cut = k;
            }
            // (not when the condition holds the only sound and its place: "If the baby cries on my left, I
            // want to hear it", "When the clock chimes behind me, I'd like it louder")
            static const std::set<u32> place_words = {U"left", U"right", U"behind", U"front", U"ahead", U"above",
                                                      U"below", U"overhead", U"o'clock", U"degrees", U"back"};
            static const std::set<u32> back_to_it = {U"it", U"them"};
            bool placed_inside = false, refers_back = false;
            for (std::size_t k = w + 1; cut && k < cut; ++k) placed_inside = placed_inside || place_words.count(words[k].low);
            for (std::size_t k = cut; cut && k < words.size() && k <= cut + 5; ++k) refers_back = refers_back || back_to_it.count(words[k].low);
            if (cut && !(placed_inside && refers_back)) {
                cuts.emplace_back(words[w].start, words[cut].start);
                continue;
            }
        }
        // "if a torch crackles ...": the condition is the scene
        if (is(w, U"if") && w + 1 < words.size() && dets.count(words[w + 1].low) && words[w + 1].low != U"that" &&
            words[w + 1].low != U"this") {
            cuts.emplace_back(words[w].start, words[w + 1].start);
            continue;
        }
        // "For the ad break the doorbell ding ...", "For the intro of my podcast I want rain ...", and where
        // the listener is: "From my seat in row F the violins ...", "From our spot, ..."
        static const std::set<u32> vantage = {U"seat", U"seats", U"position", U"spot", U"place", U"row", U"perch", U"bunk",
                                              U"bed", U"desk", U"chair", U"vantage"};
        const bool listener_at = is(w, U"from") && (is(w + 1, U"my") || is(w + 1, U"our")) && w + 2 < words.size() &&
                                 vantage.count(words[w + 2].low);
        if ((is(w, U"for") && w + 1 < words.size() && dets.count(words[w + 1].low)) || listener_at) {
            for (std::size_t k = w + 2; k < words.size() && k <= w + 9; ++k) {
                const u32 gap = t.substr(words[k - 1].end, words[k].start - words[k - 1].end);
                // "For the finale, ...", "For the cold open: ...", "For my grandson's video. Church bells ..."
                if (gap.find_first_of(U",:;-.!?\n") != u32::npos) {
                    cuts.emplace_back(words[w].start, words[k].start);
                    break;
                }
                static const std::set<u32> requests = {U"please", U"pls", U"put", U"give", U"make", U"add", U"can",
                                                       U"could", U"let's", U"lets", U"i'd", U"we'd", U"i'm", U"we're"};
                if (requests.count(words[k].low)) {  // "For my meditation track please put ..."
                    cuts.emplace_back(words[w].start, words[k].start);
                    break;
                }
                if ((words[k].low == U"i" || words[k].low == U"we") && k + 1 < words.size() &&
                    (listener_at || words[k + 1].low == U"want" || words[k + 1].low == U"need" || words[k + 1].low == U"would" ||
                     words[k + 1].low == U"i'd" || words[k + 1].low == U"we'd")) {
                    cuts.emplace_back(words[w].start, words[k].start);
                    break;
                }
                if (k >= w + 3 && (words[k].low == U"the" || words[k].low == U"a" || words[k].low == U"an")) {
                    cuts.emplace_back(words[w].start, words[k].start);
                    break;
                }
                if (!only_punct_between(words[k - 1].end, words[k].start)) break;  // a number or symbol: not a purpose
            }
        }
        // "For intervals I want a whistle ...", "for sleep i need rain": with no article, only before a
        // request of the teller's within a few words
        if (is(w, U"for") && w + 1 < words.size() && !dets.count(words[w + 1].low) && (cuts.empty() || cuts.back().first != words[w].start))
            for (std::size_t k = w + 2; k < words.size() && k <= w + 4; ++k) {
                if (!only_between(words[k - 1].end, words[k].start, U" ")) break;
                if ((words[k].low == U"i" || words[k].low == U"we") && k + 1 < words.size() &&
                    (words[k + 1].low == U"want" || words[k + 1].low == U"need" || words[k + 1].low == U"would")) {
                    cuts.emplace_back(words[w].start, words[k].start);
                    break;
                }
            }
    }
    if (cuts.empty()) return t;
    u32 out;
    std::size_t at = 0;
    for (const auto& [a, b] : cuts) {
        out += t.substr(at, a - at);
        at = b;
    }
    return out + t.substr(at);
}

// "In a busy kitchen pans clatter on the left", "in the spaceship cockpit i want an alarm ...": a
// setting said first without a comma; the comma goes in, so the setting is not read as the sound.
u32 with_leading_setting_set_off(const u32& t) {
    // a sentence that opens with "in", "inside", "at" or "aboard"; else no word list
    bool maybe = false;
    for (std::size_t i = 0; i + 2 < t.size() && !maybe; ++i) {
        std::size_t k = i;
        while (k > 0 && t[k - 1] == ' ') --k;
        const bool start = (i == 0 || !is_letter(t[i - 1])) &&
                           (k == 0 || t[k - 1] == '.' || t[k - 1] == '!' || t[k - 1] == '?' || t[k - 1] == '\n' || t[k - 1] == ';');
        maybe = start && (t[i] == 'i' || t[i] == 'I' || t[i] == 'a' || t[i] == 'A') && (t[i + 1] == 'n' || t[i + 1] == 'N' ||
                                                                                       t[i + 1] == 't' || t[i + 1] == 'T' ||
                                                                                       t[i + 1] == 'b' || t[i + 1] == 'B');
    }
    if (!maybe) return t;
    const std::vector<TextWord> words = words_of(t);
    static const std::set<u32> leads = {U"in", U"inside", U"at", U"aboard"};
    static const std::set<u32> dets = {U"a", U"an", U"the", U"my", U"our", U"this", U"his", U"her", U"their"};
    static const std::set<u32> opens = {U"a", U"an", U"the", U"my", U"some", U"i", U"we", U"you", U"there", U"two",
                                        U"three", U"someone", U"somebody"};
    std::vector<std::size_t> commas;
    for (std::size_t w = 0; w + 3 < words.size(); ++w) {
        std::size_t k = words[w].begin;  // a sentence's first word
        while (k > 0 && t[k - 1] == ' ') --k;
        if (!(k == 0 || t[k - 1] == '.' || t[k - 1] == '!' || t[k - 1] == '?' || t[k - 1] == '\n' || t[k - 1] == ';'))
            continue;
        if (!leads.count(words[w].low) || !dets.count(words[w + 1].low) || !joined(t, words[w], words[w + 1]))
            continue;
        for (std::size_t e = w + 3; e < words.size() && e <= w + 5; ++e) {
            if (!joined(t, words[e - 1], words[e])) break;  // a comma or stop is there already
            const bool sound_next = e + 1 < words.size() && sound_noun(words[e].low) && sound_verb(words[e + 1].low) &&
                                    !sound_verb(words[e].low);
            // "In my scene the narrator ...", "In this passage I voice ...": the text's own frame, read elsewhere
            static const std::set<u32> frames = {U"scene", U"passage", U"chapter", U"story", U"episode", U"video",
                                                 U"clip", U"mix", U"game", U"level", U"track", U"film", U"book",
                                                 U"dream", U"head", U"mind", U"version", U"draft", U"script", U"cue"};
            if (frames.count(words[e - 1].low) && words[e].low != U"there") break;  // "In my dream there was ..." 
            if (opens.count(words[e].low) || sound_next) {
                commas.push_back(words[e - 1].end);
                break;
            }
        }
    }
    if (commas.empty()) return t;
    u32 out;
    std::size_t at = 0;
    for (std::size_t c : commas) {
        out += t.substr(at, c - at) + U",";
        at = c;
    }
    return out + t.substr(at);
}

}  // namespace bewo::rt
