// Sources said together: one sound named again, lists after a colon ("A duet: a flute on the left
// and a cello on the right"), one sound in several places ("frogs on both sides").
#include "prompt_internal.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "scene_passes.h"
#include "sound_words.h"
#include "text_words.h"

namespace bewo::rt::prompt_detail {

using namespace textmatch;

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

// Whether the word at i follows a preposition, past "the", "that" or "this" ("out of the same ...").
static bool word_after_a_preposition(const Toks& toks, std::size_t i) {
    static const std::set<u32> preps = {U"of", U"from", U"in", U"at", U"on", U"by", U"near", U"to", U"through",
                                        U"behind", U"beside", U"inside", U"outside", U"under", U"over", U"above",
                                        U"below", U"into", U"onto", U"past", U"round", U"around", U"along", U"across"};
    while (i > 0 && (toks[i - 1]->low() == U"the" || toks[i - 1]->low() == U"that" || toks[i - 1]->low() == U"this")) --i;
    if (i == 0) return false;
    const u32 before = collapse_space(toks[i - 1]->low());  // "comes from" is one token
    const std::size_t sp = before.rfind(U' ');
    return preps.count(sp == u32::npos ? before : before.substr(sp + 1)) > 0;
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
        // "out of the same speaker"; a place only after a preposition: "Same story!" places nothing
        if (w == U"same" && (nouns.count(next) || (is_content(*toks[i + 1]) && word_after_a_preposition(toks, i))))
            return true;
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
        if (h + 1 >= sources.size()) continue;
        // ("Two trains passing at once: one left to right ..., the other ...": a counted heading's
        // verb of motion is its items')
        const bool counted_heading = colon_after[c] && starts_with_one(sources[h + 1].label) && [&] {
            const u32 low = lower(from_utf8(sources[h].label));
            const u32 first = low.substr(0, low.find(U' '));
            return count_words().count(first) > 0 && first != U"some";
        }();
        if (placed[h] || (sources[h].speed != "still" && !counted_heading)) continue;
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
                const bool digits = n == 1 && phrase.size() <= 2 && std::all_of(phrase.begin(), phrase.end(), [](char32_t c) {
                    return c >= '0' && c <= '9';
                });  // "3 slimes: one at ..."
                if (!count_words().count(phrase) && !digits) continue;
                // ("two soft drums": the noun after the count's adjectives)
                std::size_t j = i + n;
                for (std::size_t m = j; m < words.size() && m < j + 3; ++m)
                    if (singular(words[m]) != words[m] || sound_noun(words[m])) {
                        j = m;
                        break;
                    }
                noun = singular(words[j]);
                break;
            }
        }
        // "Goblins - one on your left, one on your right": a plural alone names the items
        if (noun.empty() && starts_with_one(sources[h + 1].label) && !words.empty() && words.size() <= 3 &&
            singular(words.back()) != words.back() && (!sound_verb(words.back()) || sound_noun(singular(words.back()))))
            noun = singular(words.back());
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

// "One washing machine humming on the left, another on the right": a "one" that only counts the
// sound named after it is no word of its name (after the lists that "one" opens are read).
void drop_counting_ones(std::vector<SceneSource>& sources) {
    static const std::set<u32> keep = {U"of", U"more", U"other", U"another", U"by", U"after", U"at", U"on", U"in",
                                       U"to", U"is", U"was", U"time", U"day", U"night", U"morning", U"evening"};
    for (SceneSource& s : sources) {
        const u32 lab = from_utf8(s.label), low = lower(lab);
        if (low.rfind(U"one ", 0) != 0) continue;
        const std::size_t end = low.find(U' ', 4);
        const u32 next = low.substr(4, end == u32::npos ? u32::npos : end - 4);
        // ("one whistling left": what the one does, the one still to be named after the sound before)
        // ("one washing machine humming": a noun after it makes it a name)
        const std::size_t end2 = end == u32::npos ? u32::npos : low.find(U' ', end + 1);
        const u32 then = end == u32::npos ? u32() : low.substr(end + 1, end2 == u32::npos ? u32::npos : end2 - end - 1);
        const bool doing = (ends_with(next, U"ing") || ends_with(next, U"ed")) && !sound_noun(then);
        if (!next.empty() && is_letter(next[0]) && !keep.count(next) && !doing) s.label = to_utf8(lab.substr(4));
    }
}

// "elk bugling on the left, answered by another one on the right", "a drone at 30 degrees left,
// another at 30 right", "hens: one clucking left, a third by the coop": an item named only by "one",
// "another", "a third" is one more of the sound before it. A plural named just before two or more
// such items ("the birds on the right: one at 45, one at 90") is their heading, not a sound.
void name_ones_after_the_sound_before(std::vector<SceneSource>& sources, std::vector<int>& clause_of,
                                      std::vector<bool>& placed, std::vector<std::vector<u32>>& mentions) {
    static const u32 leads[] = {U"the other one", U"the other", U"another one", U"another", U"other one", U"a second one",
                                U"a third one", U"a fourth one", U"a second", U"a third", U"a fourth", U"the second",
                                U"the third", U"the fourth", U"the last one", U"last one", U"the final one", U"a final one",
                                U"one more", U"one"};
    auto lead_of = [](const u32& low) -> std::size_t {
        for (const u32& lead : leads)
            if (low == lead || (low.size() > lead.size() && low.compare(0, lead.size(), lead) == 0 && low[lead.size()] == ' '))
                return lead.size();
        return 0;
    };
    // the rest of the label says how it sounds, never what it is: "one clucking", "another"
    auto only_verbs_after = [](const u32& low, std::size_t lead) {
        for (const TextWord& w : words_of(low.substr(lead)))
            if (!(ends_with(w.low, U"ing") || verb_form(w.low) != 0 || sound_verb(w.low))) return false;
        return true;
    };
    // "security drone hovering" -> "security drone", "heart monitors" -> "heart monitor"
    auto head_noun = [](const u32& low) {
        std::vector<u32> words;
        for (const TextWord& w : words_of(low)) {
            // (not at "-ed": "a small red bird")
            if (!words.empty() && (ends_with(w.low, U"ing") || (sound_verb(w.low) && !sound_noun(w.low)))) break;
            if (words.empty() && (w.low == U"a" || w.low == U"an" || w.low == U"the" || count_words().count(w.low))) continue;
            words.push_back(w.low);
        }
        u32 out;
        for (std::size_t i = 0; i < words.size(); ++i)
            out += (i ? U" " : U"") + (i + 1 == words.size() ? singular(words[i]) : words[i]);
        return out;
    };
    std::vector<int> named_by(sources.size(), -1);
    for (std::size_t k = 1; k < sources.size(); ++k) {
        const u32 low = lower(from_utf8(sources[k].label));
        const std::size_t lead = lead_of(low);
        if (!lead || !only_verbs_after(low, lead)) continue;
        int j = static_cast<int>(k) - 1;
        while (j >= 0 && named_by[j] >= 0) j = named_by[j];
        if (j < 0) continue;
        const u32 prev = lower(from_utf8(sources[j].label));
        // (the one before named by "one" alone is no name; "One clock ticked to my right" is)
        if (lead_of(prev) && only_verbs_after(prev, lead_of(prev))) continue;
        const u32 noun = head_noun(prev);
        if (noun.empty()) continue;
        if (!placed[k] && lead == low.size()) {  // "A floorboard creaks behind you. Then another.": the same sound again
            sources.erase(sources.begin() + static_cast<long>(k));
            clause_of.erase(clause_of.begin() + static_cast<long>(k));
            placed.erase(placed.begin() + static_cast<long>(k));
            mentions.erase(mentions.begin() + static_cast<long>(k));
            named_by.erase(named_by.begin() + static_cast<long>(k));
            --k;
            continue;
        }
        sources[k].label = to_utf8(noun + from_utf8(sources[k].label).substr(lead));
        named_by[k] = j;
    }
    for (std::size_t j = 0; j < sources.size(); ++j) {
        std::size_t n = 0;
        while (j + 1 + n < sources.size() && named_by[j + 1 + n] == static_cast<int>(j) && placed[j + 1 + n]) ++n;
        if (n < 2) continue;
        const u32 prev = lower(from_utf8(sources[j].label));
        const std::vector<TextWord> words = words_of(prev);
        std::size_t h = 0;  // the head noun's last word
        while (h + 1 < words.size() &&
               !(ends_with(words[h + 1].low, U"ing") || (sound_verb(words[h + 1].low) && !sound_noun(words[h + 1].low))))
            ++h;
        if (words.empty() || singular(words[h].low) == words[h].low) continue;  // "a dog barks left, one right": three
        std::size_t first = j;  // with the copies "on both sides" made of it
        while (first > 0 && sources[first - 1].label == sources[j].label && clause_of[first - 1] == clause_of[j]) --first;
        sources.erase(sources.begin() + static_cast<long>(first), sources.begin() + static_cast<long>(j + 1));
        clause_of.erase(clause_of.begin() + static_cast<long>(first), clause_of.begin() + static_cast<long>(j + 1));
        placed.erase(placed.begin() + static_cast<long>(first), placed.begin() + static_cast<long>(j + 1));
        mentions.erase(mentions.begin() + static_cast<long>(first), mentions.begin() + static_cast<long>(j + 1));
        named_by.erase(named_by.begin() + static_cast<long>(first), named_by.begin() + static_cast<long>(j + 1));
        for (int& b : named_by) b = b >= static_cast<int>(j + 1) ? b - static_cast<int>(j + 1 - first) : (b >= static_cast<int>(first) ? -1 : b);
        j = first;
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

}  // namespace bewo::rt::prompt_detail
