#include "prompt_word_order.h"

#include <algorithm>
#include <set>
#include <vector>

#include "sound_words.h"
#include "text_match.h"
#include "text_words.h"

namespace bewo::rt {

using namespace textmatch;

namespace {

using u32 = std::u32string;

bool ends_sentence(char32_t c) { return c == '.' || c == '!' || c == '?' || c == ';' || c == '\n'; }

// The word starting at `at` in `low` (letters, digits and apostrophes).
u32 word_at(const u32& low, std::size_t at) {
    std::size_t e = at;
    while (e < low.size() && (is_letter(low[e]) || is_digit(low[e]) || low[e] == '\'')) ++e;
    return low.substr(at, e - at);
}

// The verbs a sound comes by when its place is said first ("From the kitchen came a crash").
const std::set<u32>& inverting_verbs() {
    static const std::set<u32> verbs = {U"came", U"comes", U"come", U"rose", U"rises", U"drifted", U"drifts", U"floated",
                                        U"floats", U"echoed", U"echoes", U"rang", U"rings", U"sounded", U"sounds",
                                        U"emerged", U"emerges", U"crept", U"creeps", U"burst", U"bursts", U"boomed",
                                        U"booms", U"erupted", U"erupts"};
    return verbs;
}

// The sentence low[b, e) turned round, or empty if it is not "from <place> <verb> <sound>".
u32 turned(const u32& t, const u32& low, std::size_t b, std::size_t e) {
    static const std::vector<u32> leads = {U"and then ", U"then ", U"suddenly ", U"and ", U"but "};
    static const std::vector<u32> opens = {U"from ", U"out of ", U"up from ", U"down from ", U"across from "};
    static const std::set<u32> determiners = {U"the", U"a", U"an", U"some", U"another", U"two", U"three", U"four",
                                              U"several", U"his", U"her", U"their", U"its", U"my", U"our", U"more"};
    std::size_t p = b;
    for (const u32& lead : leads)
        if (low.compare(p, lead.size(), lead) == 0) {
            p += lead.size();
            break;
        }
    const std::size_t place = p;
    bool opened = false;
    for (const u32& open : opens)
        if (low.compare(p, open.size(), open) == 0) {
            opened = true;
            break;
        }
    if (!opened) return u32();
    // the first verb of the list that is followed by a determiner (words between: the place)
    std::size_t words = 0;
    for (std::size_t i = place; i < e; ++i) {
        if (low[i] != ' ') continue;
        // (a short place, before any other clause: "From the left a car approaches and a bell sounds the hour")
        if (++words > 9 || low.compare(i, 5, U" and ") == 0) return u32();
        const u32 verb = word_at(low, i + 1);
        if (!inverting_verbs().count(verb)) continue;
        // ("From the hill the church bell sounds the alarm": a sound before the verb is its subject)
        std::size_t pb = i;
        while (pb > place && low[pb - 1] != ' ') --pb;
        if (sound_noun(low.substr(pb, i - pb)) || names_a_person(low.substr(pb, i - pb))) return u32();
        std::size_t s = i + 1 + verb.size();
        if (verb == U"rang" || verb == U"rings") {  // "rang out"
            if (low.compare(s, 4, U" out") == 0) s += 4;
        }
        while (s < e && low[s] == ' ') ++s;
        if (s >= e || !determiners.count(word_at(low, s))) continue;
        // the sound runs to the end of its clause ("..., and behind me the door clicked shut" is another)
        std::size_t end = s;
        while (end < e && low[end] != ',' && low.compare(end, 3, U" - ") != 0 && low[end] != U'\u2014') ++end;
        while (end > s && low[end - 1] == ' ') --end;
        std::size_t place_end = i;
        while (place_end > place && (low[place_end - 1] == ',' || low[place_end - 1] == ' ')) --place_end;
        // (the verb is left out: "a slow creak from the staircase on my right" places it as said)
        // ("a low growl, out of the darkness on the left": "out of" after a comma, or it joins the label)
        const u32 join = low.compare(place, 7, U"out of ") == 0 ? U", " : U" ";
        return t.substr(b, place - b) + t.substr(s, end - s) + join + low.substr(place, place_end - place) +
               t.substr(end, e - end);
    }
    return u32();
}

}  // namespace

u32 with_routes_set_off(const u32& t) {
    // (the regex is only run on text that has all its words)
    if ((find_ascii_ci(t, U"behind") == u32::npos && find_ascii_ci(t, U"front") == u32::npos) ||
        find_ascii_ci(t, U"from ") == u32::npos || find_ascii_ci(t, U" to ") == u32::npos)
        return t;
    static const Regex route("(?P<from>from\\s+(?:(?:my|our|your|the|his|her|their)\\s+)?(?P<a>left|right)(?:[- ]hand)?(?:\\s+side)?)"
                             "\\s+(?P<via>(?:behind|in\\s+front\\s+of)\\s+(?:me|us|you|him|her|them|the\\s+listener))"
                             "\\s+(?P<to>to\\s+(?:my|our|your|the|his|her|their)\\s+(?P<b>left|right)\\b)", true);
    return with_matches_replaced(t, route, [&](const Regex::Match& m, const u32& low) {
        const u32 whole = t.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start));
        if (m.group(low, route.group("a")) == m.group(low, route.group("b"))) return whole;  // no way round
        return m.group(t, route.group("from")) + U", " + m.group(t, route.group("via")) + U", " + m.group(t, route.group("to"));
    });
}

u32 with_way_round_joined(const u32& t) {
    if (find_ascii_ci(t, U"behind") == u32::npos || find_ascii_ci(t, U"from ") == u32::npos || t.find(',') == u32::npos)
        return t;
    static const Regex across("(?P<move>from\\s+(?:(?:the|my|our|your)\\s+)?(?P<a>left|right)[^,.;:!?\\n]{0,40}?\\s+to\\s+"
                              "(?:(?:the|my|our|your)\\s+)?(?P<b>right|left)(?:\\s+side)?)\\s*,\\s*"
                              "(?P<via>behind\\s+(?:me|us|you|(?:my|our|your|the)\\s+[a-z]+))(?=\\s*(?:[,.;!?\\n]|$))", true);
    return with_matches_replaced(t, across, [&](const Regex::Match& m, const u32& low) {
        if (m.group(low, across.group("a")) == m.group(low, across.group("b")))
            return t.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start));
        return m.group(t, across.group("move")) + U" " + m.group(t, across.group("via"));
    });
}

u32 with_inverted_sentences_turned(const u32& t) {
    if (find_ascii_ci(t, U"from ") == u32::npos && find_ascii_ci(t, U"out of ") == u32::npos) return t;
    // (one of the verbs is needed, after a space: turned() reads each sentence that has one)
    static const std::vector<u32> spaced = [] {
        std::vector<u32> out;
        for (const u32& v : inverting_verbs()) out.push_back(U" " + v);
        return out;
    }();
    if (std::none_of(spaced.begin(), spaced.end(), [&](const u32& v) { return find_ascii_ci(t, v.c_str()) != u32::npos; }))
        return t;
    const u32 low = lower_same_length(t);
    u32 out;
    std::size_t b = 0;
    while (b < t.size()) {
        std::size_t start = b;
        while (start < t.size() && (t[start] == ' ' || t[start] == '\t')) ++start;
        std::size_t e = start;
        while (e < t.size() && !ends_sentence(t[e])) ++e;
        out += t.substr(b, start - b);
        const u32 again = turned(t, low, start, e);
        out += again.empty() ? t.substr(start, e - start) : again;
        if (e < t.size()) out += t[e];
        b = e + 1;
    }
    return out;
}

}  // namespace bewo::rt
