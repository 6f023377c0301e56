// The prompt parser (see prompt_parser.h): vocabulary phrases found by patterns (text_match.h's
// matcher, Python re semantics over code points), then clauses, pieces, sources and their places.
#include "prompt_parser.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../nn/tokenizer.h"
#include "prompt_fields.h"
#include "prompt_heights.h"
#include "prompt_identifiers.h"
#include "prompt_learner.h"
#include "prompt_internal.h"
#include "prompt_listener.h"
#include "prompt_word_order.h"
#include "prompt_shorthand.h"
#include "prompt_symbols.h"
#include "prompt_tables.h"
#include "prompt_terse_forms.h"
#include "scene_passes.h"
#include "sound_words.h"
#include "text_words.h"

namespace bewo::rt {
namespace prompt_detail {

using namespace textmatch;

// ---- honest output: what the scene could not take from the words --------------------------------
std::string placement_note(const std::vector<SceneSource>& sources, const std::vector<bool>& placed,
                           const std::vector<Tok>& tokens) {
    const std::size_t unplaced = static_cast<std::size_t>(std::count(placed.begin(), placed.end(), false));
    if (unplaced == 0) return "";
    // English at all? Vocabulary phrases or the small words every English sentence has.
    // ("people clapping" has no small word, but its words are English sound words)
    // A few short words English shares with other languages ("a", "me", "no" in "un perro ladra a la
    // izquierda") do not make a text English: a fifth of its words must be English ones.
    std::size_t words = 0, known = 0;
    bool phrase = false;
    for (const Tok& k : tokens) {
        if (k.kind == Kind::Word) {
            ++words;
            known += patterns().glue.count(strip_chars(k.low(), U"'-")) > 0 || sound_noun(k.low()) || sound_verb(k.low()) ||
                     names_a_person(k.low());
        } else if (k.kind != Kind::Hard && k.kind != Kind::Soft && k.kind != Kind::Space) {
            phrase = true;
        }
    }
    const bool english = phrase || (known > 0 && 5 * known > words);
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

// Written forms of "both sides" and of a place in brackets after each sound:
//   "rain loop L/R", "left/right"            -> the slash as a space (two places of one sound);
//   "footsteps (left) door knock (right)"    -> a line break after each bracketed place;
//   "waves, (behind) a dog barks"            -> the place as a key ("behind:") of what follows.
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
        // (not "L/R test:", "left/right balance": the stereo pair itself, named)
        std::size_t n = b;
        while (n < t.size() && t[n] == ' ') ++n;
        std::size_t m = n;
        while (m < t.size() && is_letter(t[m])) ++m;
        static const std::set<u32> of_the_pair = {U"test", U"tests", U"check", U"balance", U"swap", U"swapped",
                                                  U"channel", U"channels", U"imbalance", U"confusion"};
        if (of_the_pair.count(word_at(n, m))) {
            if (sides.count(x) && sides.count(y)) std::fill(t.begin() + static_cast<long>(a), t.begin() + static_cast<long>(b), U' ');
            continue;
        }
        if (sides.count(x) && sides.count(y) && x != y && (x.size() > 1) == (y.size() > 1)) t[i] = ' ';
    }
    static const std::set<u32> places = {U"left", U"right", U"center", U"centre", U"front", U"back", U"behind", U"ahead",
                                         U"above", U"below", U"overhead", U"rear", U"middle", U"l", U"r", U"c",
                                         U"far left", U"far right", U"hard left", U"hard right", U"front left",
                                         U"front right", U"back left", U"back right", U"rear left", U"rear right"};
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] != '(') continue;
        const std::size_t close = t.find(')', i);
        // "crowd (back)": in brackets, "back" alone is the place behind (said as "rear", same length)
        if (close != u32::npos && lower(t.substr(i + 1, close - i - 1)) == U"back") t.replace(i + 1, 4, U"rear");
        if (close == u32::npos || close + 2 >= t.size()) continue;
        if (!places.count(collapse_space(strip_space(lower(t.substr(i + 1, close - i - 1)))))) continue;
        std::size_t k = close + 1;
        while (k < t.size() && t[k] == ' ') ++k;
        if (!(k > close + 1 && k < t.size() && is_letter(t[k]))) continue;
        t[close + 1] = '\n';
        // "(ahead) waves, (behind) my mum calling": after a comma, a bracketed place keys what follows it
        // (and after "then", "and", a full stop or another bracket: "a car horn (right), then (back) a dog")
        std::size_t b = i;
        while (b > 0 && t[b - 1] == ' ') --b;
        auto word_ends_here = [&](const u32& w) {
            return b >= w.size() && lower(t.substr(b - w.size(), w.size())) == w && (b == w.size() || !is_letter(t[b - w.size() - 1]));
        };
        if (b > 0 && (t[b - 1] == ',' || t[b - 1] == ';' || t[b - 1] == '.' || t[b - 1] == '!' || t[b - 1] == '?' ||
                      t[b - 1] == ')' || word_ends_here(U"then") || word_ends_here(U"and")))
            t[i] = ' ', t[close] = ':';
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
        // "this one", "the other one": which sound is meant is not said by "one"
        if (toks[k]->low() != U"one" && toks[k]->low() != U"ones") nouns.insert(nouns.begin(), singular(toks[k]->low()));
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
            // ("Evening at the loft. ... the loft door creaking behind me": a setting named no sound)
            if (!names_a_sound(from_utf8(sources[i].label))) continue;
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
    static const std::set<u32> preps = {U"on", U"from", U"in", U"at", U"by", U"near", U"out", U"through", U"outside", U"behind",
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
    if (at == u32::npos) return;
    const std::size_t last = label.rfind(U' ');
    const u32 head = last == u32::npos ? label : label.substr(last + 1);
    static const std::set<u32> kinds = {U"sounds", U"noises", U"calls", U"sfx", U"soundscape", U"ambience"};
    const bool of_sounds = kinds.count(head) && last != u32::npos;  // "need sleep sounds after night shift."
    const bool first_sentence = std::none_of(low.begin(), low.begin() + static_cast<long>(at), [](char32_t c) {
        return c == '\n' || c == '.' || c == ':' || c == '!' || c == '?';
    });
    if (std::any_of(low.begin(), low.begin() + static_cast<long>(at), is_letter) && !(of_sounds && first_sentence)) return;
    std::size_t end = at + label.size();
    while (end < low.size() && low[end] == ' ') ++end;
    static const std::set<u32> ensembles = {U"band", U"orchestra", U"trio", U"quartet", U"quintet", U"ensemble", U"group",
                                            U"section", U"layout", U"setup", U"scene", U"mix", U"soundscape", U"ambience",
                                            U"ambiance", U"cue", U"sfx", U"fx", U"choir", U"lineup", U"line-up"};
    const bool ensemble = ensembles.count(head) > 0;
    // "Thunder rumbles.", "A bell rang.": a sound heard, not a heading
    const bool markdown = !low.empty() && low[0] == '#';  // "# Spaceship bridge\n1. ..."
    // "Apiary visit sounds\nhive at 10 o'clock\n...", "bird calls by direction\nchickadee @ 2": a
    // line of sounds or calls heading a list of placed lines
    if (of_sounds) {
        std::size_t nl = end;
        while (nl < low.size() && low[nl] != '\n' && !is_digit(low[nl]) && low[nl] != '.') ++nl;
        if (nl < low.size() && (low[nl] == '\n' || low[nl] == '.')) end = nl;
    }
    const bool line_heading = of_sounds && end < low.size() && low[end] == '\n';
    if (last != u32::npos && sound_verb(head) && (verb_form(head) == 1 || verb_form(head) == 3) && !of_sounds) return;
    if (end < low.size() && (low[end] == '.' || low[end] == ':' || low[end] == '!' || low[end] == '-' ||
                             (ensemble && low[end] == ',') || ((markdown || line_heading) && low[end] == '\n'))) {
        sources.erase(sources.begin());
        placed.erase(placed.begin());
    }
}

// "She whispered my name behind me", "they laugh on the left": a label that opens with a verb
// after a person's pronoun keeps the pronoun ("she whispered my name"), so it names who is heard.
u32 with_pronoun_subject(const u32& label, const u32& t) {
    const auto words = words_of(lower(label));
    if (words.empty() || (verb_form(words[0].low) == 0 && !sound_verb(words[0].low))) return label;
    const u32 low = lower_same_length(t);
    const std::size_t at = low.find(lower_same_length(label));
    if (at == u32::npos || at == 0) return label;
    std::size_t e = at;
    while (e > 0 && low[e - 1] == ' ') --e;
    std::size_t b = e;
    while (b > 0 && is_letter(low[b - 1])) --b;
    static const std::set<u32> pronouns = {U"he", U"she", U"they", U"we"};
    if (e == at || !pronouns.count(low.substr(b, e - b))) return label;
    return t.substr(b, at - b) + label;
}

}  // namespace prompt_detail

using namespace prompt_detail;
using namespace textmatch;

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
    u32 t;  // typographic quotes and dashes as ASCII; a run of spaces or tabs as one space
    const u32 marked = markup_as_phrases(original);
    for (char32_t c : !marked.empty() ? marked : identifiers_as_words(with_terse_forms_as_words(tables_as_fields(original)))) {
        const bool blank = c == ' ' || c == '\t' || c == 0xA0 || c == 0x2007 || c == 0x2009 || c == 0x202F || c == 0x3000;
        if (blank) {
            if (t.empty() || t.back() != ' ') t.push_back(' ');
            continue;
        }
        if (c == 0x2019 || c == 0x2018) t.push_back('\'');
        else if (c == 0x201c || c == 0x201d) t.push_back('"');
        else if (c == 0x2013) t.push_back('-');
        else if (c == 0x2014) t += U" - ";
        else t.push_back(c);
    }
    t = normalise_symbols(fields_as_phrases(with_bracketed_angles_after_places_dropped(t)));
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
    t = with_learner_phrases(with_shouting_lowered(with_dictated_punctuation(with_sign_off_dropped(t))));
    t = with_common_misspellings_fixed(t);
    t = with_leaving_left_as_quit(t);
    t = with_chat_shorthand(t);
    t = with_openers_dropped(with_fillers_as_pauses(t));
    t = with_leading_setting_set_off(t);
    t = with_inverted_sentences_turned(t);
    t = with_routes_set_off(t);
    t = with_way_round_joined(t);
    t = with_people_as_the_listener(t);
    t = with_heights_as_words(t);
    t = with_at_signs_as_at(t);
    t = with_tildes_joined(t);
    t = with_off_ahead_as_to_the_front(t);
    t = with_side_ones_as_sides(t);
    t = with_terse_back_as_behind(t);
    t = with_wrong_places_dropped(t);
    t = with_right_as_correct(t);
    t = with_said_silent_dropped(t);
    t = with_apologies_dropped(t);
    t = with_angle_spacings_dropped(t);
    t = with_temperatures_dropped(t);
    t = with_going_forward_beside_a_side_dropped(t);
    t = with_carrying_on_as_going(t);
    t = with_listener_amid(t);
    t = with_home_above_or_below_dropped(t);
    t = with_coming_in_behind_as_from_behind(t);
    t = with_time_phrases_dropped(t);
    t = with_purpose_clauses_dropped(t);
    t = with_text_references_dropped(t);
    t = with_saw_as_seeing(t);
    t = with_speakers_as_places(t);
    t = with_current_places_dropped(t);
    t = with_layering_dropped(t);
    t = with_idle_around_dropped(t);
    t = with_spread_across_as_still(t);
    t = with_fixed_pairs_joined(t);
    t = with_remaining_left_dropped(t);
    t = with_keep_instructions_dropped(t);
    t = with_angle_spans_as_middles(t);
    t = with_shared_units_spread(t);
    t = with_bare_angle_ranges(t);
    t = with_terse_angles(t);
    t = with_bare_clock_hours(t);
    t = with_another_as_another_one(t);
    t = with_small_amounts_before_front_back_dropped(t);
    t = with_small_amounts_after_sides_moved(t);
    t = with_nautical_sides(t);
    t = with_restated_places_dropped(t);
    bool north_assumed = false;
    t = with_compass_bearings(t, north_assumed);
    both_sides_and_bracketed_places(t);
    std::vector<RoomHit> rooms;
    std::vector<Tok> tokens = tokenize(t, rooms);
    if (const u32 fixed = with_corrections_applied(t, tokens); fixed != t) {
        t = fixed;
        rooms.clear();
        tokens = tokenize(t, rooms);
    }
    with_diagonals_joined(tokens, t);
    with_opening_sound_nouns(tokens);
    with_numbers_as_names(tokens);
    with_run_on_breaks(tokens);
    std::vector<bool> colon_after, colon_only;
    std::vector<Group> groups = group(tokens, colon_after, colon_only);
    std::vector<int> clause_of;
    std::vector<bool> placed;  // a direction or elevation was stated for the source
    std::vector<std::vector<u32>> mentions;  // the nouns a source was named by with "the"
    std::vector<std::vector<u32>> landmarks;  // the things a source is said to be at
    std::vector<u32> labels;
    std::vector<std::string> behind_things;  // the labels of sources placed only "behind the <thing>"
    for (auto& g : groups) {
        keep_descriptive_participles(g.toks);
        labels.push_back(with_pronoun_subject(label_of(g.toks, t), t));
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
            const bool moving = out.sources.back().speed != "still";  // "a train passing behind me" is placed
            const bool stated = std::any_of(place.begin(), place.end(),
                                            [moving](const Tok* k) {
                                                return k->kind == Kind::Dir || k->kind == Kind::Elev || k->kind == Kind::Circle ||
                                                       (k->kind == Kind::Passing &&
                                                        (moving || k->low().rfind(U"round ", 0) == 0 ||
                                                         k->low().rfind(U"around ", 0) == 0));
                                            });
            const bool here = placed_by_sounds_before(place, stated, out.sources) || stated;
            // only "behind the sofa": placed there unless a landmark of that name says where it is
            if (here && stated && std::all_of(place.begin(), place.end(), [](const Tok* k) {
                    return (k->kind != Kind::Dir || k->value == "weak") && k->kind != Kind::Elev && k->kind != Kind::Circle;
                }))
                behind_things.push_back(out.sources.back().label);
            clause_of.push_back(g.clause);
            placed.push_back(here);
            mentions.push_back(definite_nouns(place));
            landmarks.push_back(landmark_nouns(place));
        }
    }
    auto behind_a_thing_only = [&](const SceneSource& s) {
        return std::find(behind_things.begin(), behind_things.end(), s.label) != behind_things.end();
    };
    for (std::size_t k = 0; k < out.sources.size(); ++k)
        if (behind_a_thing_only(out.sources[k])) placed[k] = false;
    place_sounds_at_named_landmarks(out.sources, placed, clause_of, mentions, landmarks);
    for (std::size_t k = 0; k < out.sources.size(); ++k)
        if (!placed[k] && behind_a_thing_only(out.sources[k])) placed[k] = true;
    drop_what_is_said_of_all(out.sources, placed, clause_of, mentions, t);
    drop_list_headings(out.sources, clause_of, placed, mentions, colon_after, colon_only);
    drop_counting_ones(out.sources);
    name_ones_after_the_sound_before(out.sources, clause_of, placed, mentions);
    place_earlier_mentions(out.sources, placed, mentions);
    merge_definite_repeats(out.sources, placed, clause_of, mentions);
    merge_repeated_sounds(out.sources, placed);
    move_corrected_sounds(out.sources, placed, t);
    drop_skipped_sounds(out.sources, placed, t);
    follow_the_same_way(out.sources, placed, t);
    share_the_same_place(out.sources, placed, t);
    drop_sounds_made_on_the_move(out.sources, placed, t);
    give_landmark_places_to_sounds(out.sources, placed, t);
    share_places_of_joined_sounds(out.sources, placed, t);
    drop_placed_silent_things(out.sources, placed, t);
    drop_what_is_made(out.sources, placed, t);
    drop_unplaced_non_sounds(out.sources, placed, t);
    drop_unplaced_framing(out.sources, placed);
    drop_scene_heading(out.sources, placed, t);
    drop_framing_sentence(out.sources, placed, t);
    const std::vector<std::string> left_out = drop_unplaced_beside_placed(out.sources, placed, t);
    name_items_by_their_colon_key(out.sources, t);
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
    auto as_written = [](std::string label) {  // the fixed pairs joined to be read as one ("horse-and-cart")
        for (std::size_t at; (at = label.find("-and-")) != std::string::npos;) label.replace(at, 5, " and ");
        return label;
    };
    for (SceneSource& s : out.sources) s.label = as_written(s.label);
    resolve_room(rooms, out);
    out.note = placement_note(out.sources, placed, tokens);
    if (north_assumed)
        out.note += (out.note.empty() ? "" : "; ") +
                    std::string("compass directions are read with north straight ahead (say 'facing east' to turn them)");
    if (!left_out.empty()) {
        std::string names;
        for (const std::string& label : left_out) names += (names.empty() ? "'" : ", '") + as_written(label) + "'";
        out.note += (out.note.empty() ? "" : "; ") + std::string("left out ") + names +
                    ": given no place while other sounds have one (say where to keep it)";
    }
    return true;
}

}  // namespace bewo::rt
