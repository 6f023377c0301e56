#include "prompt_listener.h"

#include <set>
#include <vector>

#include "person_words.h"
#include "text_words.h"

namespace bewo::rt {

using namespace textmatch;

namespace {

// Prepositions that measure a place from someone.
const std::vector<std::vector<u32>>& relations() {
    static const std::vector<std::vector<u32>> r = {
        {U"behind"}, {U"in", U"front", U"of"}, {U"ahead", U"of"}, {U"to", U"the", U"left", U"of"},
        {U"to", U"the", U"right", U"of"}, {U"left", U"of"}, {U"right", U"of"}, {U"beside"}, {U"next", U"to"},
        {U"around"}, {U"round"}, {U"circling"}, {U"circles"}, {U"circle"}, {U"circled"}, {U"above"},
        {U"below"}, {U"beneath"}, {U"under"}, {U"over"}, {U"overhead", U"of"}};
    return r;
}

// A group the listener is one of ("behind the congregation", "in front of the class"): WordNet files
// these under groups, with words that are no listener ("band", "grove").
bool person_or_listeners(const u32& w) {
    static const std::set<u32> groups = {U"congregation", U"class", U"team", U"family", U"group", U"crew", U"squad",
                                         U"troop", U"platoon", U"party", U"audience", U"household", U"tour"};
    return is_person_noun(w) || groups.count(w) > 0;
}

bool determiner(const u32& w) {
    static const std::set<u32> s = {U"the", U"his", U"her", U"their", U"our", U"your", U"these", U"those"};
    return s.count(w) > 0;
}

// Parts and sides of a person a place is named by ("the climber's right", "the reader's left ear").
bool side_or_body(const u32& w) {
    static const std::set<u32> s = {U"left", U"right", U"head", U"ear", U"ears", U"shoulder", U"shoulders", U"back",
                                    U"side", U"front", U"nose", U"face", U"feet", U"foot", U"knee", U"knees", U"seat"};
    return s.count(w) > 0;
}

}  // namespace

u32 with_people_as_the_listener(const u32& t) {
    // a possessive, or a preposition before "the"/"his"/"him"/...: else nothing to rewrite, and no word list
    const u32 low = lower_same_length(t);
    bool maybe = low.find(U"'s ") != u32::npos;
    for (const u32 word : {U"behind ", U"of ", U"beside ", U"next to ", U"round ", U"circl", U"above ", U"below ",
                           U"beneath ", U"under ", U"over "}) {
        for (std::size_t at = low.find(word); at != u32::npos && !maybe; at = low.find(word, at + 1)) {
            std::size_t k = at + word.size();
            if (word.back() != ' ')
                while (k < low.size() && is_letter(low[k])) ++k;  // "circles", "circling"
            while (k < low.size() && low[k] == ' ') ++k;
            for (const u32 det : {U"the ", U"his ", U"her", U"their ", U"our ", U"your ", U"these ", U"those ", U"him", U"them",
                                  U"everyone", U"everybody"})
                maybe = maybe || low.compare(k, det.size(), det) == 0;
        }
        if (maybe) break;
    }
    if (!maybe) return t;
    const std::vector<TextWord> ws = words_of(t);
    auto count = [&](const u32& w) {
        std::size_t n = 0;
        for (const TextWord& x : ws) n += x.low == w || x.low == w + U"'s";
        return n;
    };
    std::vector<TextEdit> edits;
    for (std::size_t i = 0; i < ws.size(); ++i) {
        // "to the customer's left": a person's side or body part
        const u32& w = ws[i].low;
        if (w.size() > 2 && w.compare(w.size() - 2, 2, U"'s") == 0 && i > 0 && ws[i - 1].low == U"the" &&
            joined(t, ws[i - 1], ws[i]) && i + 1 < ws.size() && joined(t, ws[i], ws[i + 1]) && side_or_body(ws[i + 1].low)) {
            const u32 person = w.substr(0, w.size() - 2);
            // (every time the person is named, as a side: "to the participant's right; ... to the participant's left")
            std::size_t as_side = 0;
            for (std::size_t j = 1; j + 1 < ws.size(); ++j)
                as_side += ws[j].low == w && ws[j - 1].low == U"the" && side_or_body(ws[j + 1].low);
            if (is_person_noun(person) && count(person) == as_side) edits.push_back({ws[i - 1].begin, ws[i].end, U"the listener's"});
            continue;
        }
        // "behind the pilot", "high above the children", "behind him", "behind her the bell tolled"
        for (const auto& rel : relations()) {
            if (i + rel.size() >= ws.size()) continue;
            bool match = true;
            for (std::size_t k = 0; k < rel.size() && match; ++k)
                match = ws[i + k].low == rel[k] && (k == 0 || joined(t, ws[i + k - 1], ws[i + k]));
            if (!match) continue;
            const std::size_t p = i + rel.size();  // the word after the preposition
            if (!joined(t, ws[p - 1], ws[p])) break;
            auto free_after = [&](std::size_t k) {  // nothing joins the word at k into a compound
                if (ws[k].end < t.size() && (t[ws[k].end] == '\'' || t[ws[k].end] == 0x2019)) return false;  // "the spectators' heads"
                return k + 1 >= ws.size() || !joined(t, ws[k], ws[k + 1]) || ends_a_noun_phrase(ws[k + 1].low);
            };
            // ("far away behind everyone": the audience the listener is one of)
            if ((ws[p].low == U"him" || ws[p].low == U"them" || ws[p].low == U"everyone" || ws[p].low == U"everybody") &&
                free_after(p)) {
                edits.push_back({ws[p].begin, ws[p].end, U"me"});
                break;
            }
            if (ws[p].low == U"her" && free_after(p) &&
                (p + 1 >= ws.size() || !side_or_body(ws[p + 1].low))) {  // not "above her left shoulder"
                edits.push_back({ws[p].begin, ws[p].end, U"me"});
                break;
            }
            if (!determiner(ws[p].low)) break;
            for (std::size_t q = p + 1; q <= p + 2 && q < ws.size(); ++q) {  // one describing word may come first
                if (!joined(t, ws[q - 1], ws[q])) break;
                // "over the fence": over a thing more often than a person, so only the people who listen
                static const std::set<u32> over_whom = {
                    U"visitor", U"visitors", U"spectator", U"spectators", U"viewer", U"viewers", U"children", U"kids",
                    U"people", U"guests", U"players", U"listeners", U"patrons", U"passengers", U"students", U"class",
                    U"audience", U"crowd", U"group", U"party", U"congregation", U"participants", U"users", U"tourists",
                    U"fans", U"campers", U"hikers", U"diners", U"attendees", U"family", U"team", U"client", U"patient"};
                if (rel[0] == U"over" && !over_whom.count(ws[q].low)) {
                    if (ends_a_noun_phrase(ws[q].low)) break;
                    continue;
                }
                if (person_or_listeners(ws[q].low) && count(ws[q].low) == 1 && free_after(q)) {
                    edits.push_back({ws[p].begin, ws[q].end, U"the listener"});
                    break;
                }
                if (ends_a_noun_phrase(ws[q].low)) break;
            }
            break;
        }
    }
    return with_edits(t, edits);
}

}  // namespace bewo::rt
