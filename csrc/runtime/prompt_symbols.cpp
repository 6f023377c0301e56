// Emoji and symbols of a prompt (prompt_symbols.h).
#include "prompt_symbols.h"

#include <map>
#include <set>

#include "sound_words.h"
#include "text_match.h"

namespace bewo::rt {

using namespace textmatch;

namespace {

// ---- emoji, arrows and symbols -------------------------------------------------------------------
bool is_pictograph(char32_t c) {
    return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF) ||
           (c >= 0x2300 && c <= 0x23FF) || c == 0x2122 || c == 0x2139 || c == 0x3030 || c == 0x303D;
}
bool is_emoji_modifier(char32_t c) { return c == 0xFE0F || c == 0xFE0E || c == 0x200D || c == 0x20E3; }

// The sound an emoji stands for, where it names one.
const std::map<char32_t, const char32_t*>& emoji_names() {
    static const std::map<char32_t, const char32_t*> names = {
        {0x1F436, U"dog"}, {0x1F415, U"dog"}, {0x1F429, U"dog"}, {0x1F431, U"cat"}, {0x1F408, U"cat"},
        {0x1F697, U"car"}, {0x1F699, U"car"}, {0x1F695, U"taxi"}, {0x1F68C, U"bus"}, {0x1F68D, U"bus"},
        {0x1F693, U"police car"}, {0x1F691, U"ambulance"}, {0x1F692, U"fire engine"}, {0x1F69A, U"truck"},
        {0x1F69B, U"truck"}, {0x1F3CD, U"motorbike"}, {0x1F6F5, U"scooter"}, {0x1F6B2, U"bicycle"},
        {0x1F682, U"train"}, {0x1F686, U"train"}, {0x1F684, U"train"}, {0x1F685, U"train"}, {0x1F687, U"train"},
        {0x1F68B, U"tram"}, {0x1F68A, U"tram"}, {0x2708, U"plane"}, {0x1F6E9, U"plane"}, {0x1F681, U"helicopter"},
        {0x1F680, U"rocket"}, {0x26F5, U"sailing boat"}, {0x1F6A4, U"speedboat"}, {0x1F6A2, U"ship"},
        {0x1F426, U"bird"}, {0x1F424, U"chick"}, {0x1F425, U"chick"}, {0x1F986, U"duck"}, {0x1F989, U"owl"},
        {0x1F413, U"rooster"}, {0x1F414, U"chicken"}, {0x1F404, U"cow"}, {0x1F42E, U"cow"}, {0x1F411, U"sheep"},
        {0x1F410, U"goat"}, {0x1F416, U"pig"}, {0x1F437, U"pig"}, {0x1F434, U"horse"}, {0x1F40E, U"horse"},
        {0x1F438, U"frog"}, {0x1F41D, U"bee"}, {0x1F99F, U"mosquito"}, {0x1FAB0, U"fly"}, {0x1F997, U"cricket"},
        {0x1F43A, U"wolf"}, {0x1F981, U"lion"}, {0x1F418, U"elephant"}, {0x1F412, U"monkey"}, {0x1F435, U"monkey"},
        {0x1F40B, U"whale"}, {0x1F433, U"whale"}, {0x1F99C, U"parrot"}, {0x1F54A, U"dove"}, {0x1F427, U"penguin"},
        {0x1F985, U"eagle"}, {0x1F40D, U"snake"}, {0x1F327, U"rain"}, {0x2614, U"rain"}, {0x26C8, U"thunderstorm"},
        {0x1F329, U"thunder"}, {0x26A1, U"thunder"}, {0x1F30A, U"waves"}, {0x1F32C, U"wind"},
        {0x1F525, U"fire"}, {0x1F514, U"bell"}, {0x1F6CE, U"bell"}, {0x23F0, U"alarm clock"}, {0x1F570, U"clock"},
        {0x1F4DE, U"phone"}, {0x260E, U"phone"}, {0x1F4F1, U"phone"}, {0x1F3B8, U"guitar"}, {0x1F3B9, U"piano"},
        {0x1F3BB, U"violin"}, {0x1F941, U"drum"}, {0x1F3BA, U"trumpet"}, {0x1F3B7, U"saxophone"}, {0x1FA95, U"banjo"},
        {0x1FA97, U"accordion"}, {0x1F3A4, U"singer"}, {0x1F476, U"baby"}, {0x1F9D2, U"child"}, {0x1F468, U"man"},
        {0x1F469, U"woman"}, {0x1F5E3, U"voice"}, {0x1F44F, U"applause"}, {0x1F4A5, U"explosion"}, {0x1F6AA, U"door"},
        {0x1F6BF, U"shower"}, {0x1F6BD, U"toilet"}, {0x1F528, U"hammer"}, {0x1FA9A, U"saw"}, {0x26BD, U"ball"},
        {0x1F3C0, U"ball"}, {0x1F386, U"fireworks"}, {0x1F387, U"fireworks"}, {0x1F4E2, U"loudspeaker"},
        {0x1F4E3, U"megaphone"}, {0x1F6A8, U"siren"}, {0x26F2, U"fountain"}, {0x1F3B5, U"music"}, {0x1F3B6, U"music"},
        {0x1F4FB, U"radio"}, {0x1F4FA, U"TV"}, {0x2328, U"keyboard"}, {0x1F5A8, U"printer"}, {0x1FAD6, U"kettle"},
        {0x1F30B, U"volcano"}, {0x1F3CA, U"swimmer"}, {0x1F40C, U"snail"}, {0x1F987, U"bat"}, {0x1F41F, U"fish"},
        {0x1F4BB, U"keyboard"}, {0x1F6CF, U"bed"}, {0x1F3C3, U"runner"}, {0x1F6B6, U"footsteps"},
        {0x1F463, U"footsteps"}, {0x1F5EF, U"voice"}, {0x1F4AC, U"voices"}, {0x1F3A7, U"music"}, {0x1F37E, U"cork"},
        {0x1F942, U"glasses clinking"}, {0x1F4A7, U"water dripping"}, {0x1F4A6, U"splashing"},
        {0x2744, U"snow"}, {0x1F32A, U"tornado"}, {0x1F30C, U"wind"}};
    return names;
}

}  // namespace

// Emoji and symbols as separators: "dog on the left, car on the right" from emoji-led items. A
// pictograph that names a sound starts an item with that name ("🚗 passing" -> "car passing"),
// unless its clause already names it ("a dog barks 🐶 on the left": decoration); others are breaks.
// Arrows between directions read as "to".
static bool has_word(const u32& text, const u32& w) {
    for (std::size_t at = text.find(w); at != u32::npos; at = text.find(w, at + 1))
        if ((at == 0 || !is_word(text[at - 1])) && (at + w.size() == text.size() || !is_word(text[at + w.size()])))
            return true;
    return false;
}

// "[crowd cheering ahead] [bird flutters past, right to left]", "[SFX: door slam, left]": each
// bracketed note is an item of its own; "[INFO]", "[WARN]" tags say nothing heard.
static u32 with_bracketed_items_apart(const u32& in) {
    if (in.find('[') == u32::npos) return in;
    // notes in a row ("[a] [b]", "[a][b]") or a note that opens the text or a line; not one bracket in a
    // sentence ("A dog [barking loudly] on the left")
    bool notes = in.find(U"] [") != u32::npos || in.find(U"][") != u32::npos;
    for (std::size_t i = 0; i < in.size() && !notes; ++i) {
        if (in[i] != '[') continue;
        std::size_t b = i;
        while (b > 0 && (in[b - 1] == ' ' || in[b - 1] == '\t')) --b;
        notes = b == 0 || in[b - 1] == '\n';
    }
    if (!notes) return in;
    u32 out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '[') {
            out.push_back(in[i]);
            continue;
        }
        const std::size_t close = in.find(']', i);
        if (close == u32::npos) {
            out.push_back(in[i]);
            continue;
        }
        const u32 inside = in.substr(i + 1, close - i - 1);
        // ("[1-5]", "[x]": no words inside, no item)
        if (std::count_if(inside.begin(), inside.end(), is_letter) < 2) {
            out.push_back(in[i]);
            continue;
        }
        // a log's level ("[INFO]", "[WARN]"), not a sound in capitals ("[DOG] on the left")
        static const std::set<u32> levels = {U"info", U"warn", U"warning", U"debug", U"error", U"err", U"log", U"note",
                                             U"todo", U"fixme", U"trace", U"fatal", U"ok", U"message", U"msg"};
        const bool tag = levels.count(lower(strip_space(inside))) > 0;
        // a note that opens with its kind ("SFX:", "Note:") is read from its value; a place key stays ("[left: rain]")
        std::size_t from = 0;
        const std::size_t colon = inside.find(':');
        static const std::set<u32> kinds = {U"sfx", U"fx", U"vo", U"amb", U"ambience", U"sound", U"note", U"cue", U"music",
                                            U"foley", U"bg", U"atmos"};
        if (colon != u32::npos && kinds.count(lower(strip_space(inside.substr(0, colon))))) from = colon + 1;
        out += tag ? U"\n" : U"\n" + inside.substr(from) + U"\n";
        i = close;
    }
    return out;
}

u32 normalise_symbols(const u32& text) {
    const u32 in = with_bracketed_items_apart(text);
    u32 out, clause;
    auto is_break = [](char32_t c) { return c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == '\n'; };
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char32_t c = in[i];
        if (c == 0x2192 || c == 0x27A1 || c == 0x21D2 || c == 0x27F6) {  // right arrows
            out += U" to ";
            clause += U" to ";
            continue;
        }
        if (c == '-') {  // "->", "-->"
            std::size_t j = i;
            while (j < in.size() && in[j] == '-') ++j;
            if (j < in.size() && in[j] == '>') {
                out += U" to ";
                clause += U" to ";
                i = j;
                continue;
            }
        }
        if (is_emoji_modifier(c) || (c >= 0x1F3FB && c <= 0x1F3FF)) continue;
        if (!is_pictograph(c)) {
            out.push_back(c);
            clause.push_back(is_break(c) ? '\n' : lower_simple(c));
            if (is_break(c)) clause.clear();
            continue;
        }
        const auto& names = emoji_names();
        const auto it = names.find(c);
        if (it == names.end()) {
            out += U" ; ";
            clause.clear();
            continue;
        }
        const u32 name = it->second;
        const u32 head = name.substr(name.rfind(U' ') == u32::npos ? 0 : name.rfind(U' ') + 1);
        // "harp 🎵 left": an emoji right after a sound's word decorates it; after a place it starts an item
        std::size_t e = out.size();
        while (e > 0 && is_space(out[e - 1])) --e;
        std::size_t b = e;
        while (b > 0 && is_word(out[b - 1])) --b;
        static const std::set<u32> places = {U"left", U"right", U"front", U"back", U"behind", U"ahead", U"above", U"below",
                                             U"overhead", U"centre", U"center", U"middle", U"side", U"me", U"you", U"rear"};
        // a generic sound symbol (music notes, a speaker, headphones) right after a word decorates it
        const bool generic = c == 0x1F3B5 || c == 0x1F3B6 || c == 0x1F3A7 || c == 0x1F4E2 || c == 0x1F4E3 || c == 0x1F50A ||
                             c == 0x1F509 || c == 0x1F508 || c == 0x1F4A5;
        // and so does any right after a word for a sound ("ocean 🌊 straight ahead", "seagulls 🐦 above me")
        const u32 before = lower(out.substr(b, e - b));
        const bool after_word = (generic || sound_noun(before)) && b < e && !places.count(before);
        // "... and a flare hissing up above me 🔥": one closing a placed line is its mood, not an item
        std::size_t rest = i + 1;
        while (rest < in.size() && (is_space(in[rest]) || is_pictograph(in[rest]) || is_emoji_modifier(in[rest]) ||
                                    (in[rest] >= 0x1F3FB && in[rest] <= 0x1F3FF)) && in[rest] != '\n')
            ++rest;
        bool clause_placed = false;
        for (const u32& w : places) clause_placed = clause_placed || has_word(clause, w);
        // (after "a", "the", "by the", "and": a noun, the thing itself)
        static const std::set<u32> naming = {U"a", U"the", U"and", U"with", U"by", U"of", U"some", U"our", U"my", U"near"};
        // ("make the seagull fly around the camera like in a circle lol 🐦 and waves crashing"): one after a
        // clause that names its sound, before "and" or "plus", closes that clause too
        u32 then;
        for (std::size_t k = rest; k < in.size() && k < rest + 6 && (is_word(in[k]) || in[k] == ','); ++k) then.push_back(lower_simple(in[k]));
        u32 specific = U" " + clause + U" ";  // (a sound named by more than "sound" or "noise")
        for (const u32 generic : {U" sounds ", U" sound ", U" noises ", U" noise "})
            for (std::size_t at; (at = specific.find(generic)) != u32::npos;) specific.replace(at, generic.size(), U" ");
        const bool closes_clause = names_a_sound(specific) && !naming.count(before) && before != U"or" &&
                                   (then.rfind(U"and", 0) == 0 || then.rfind(U"plus", 0) == 0 || then.rfind(U",", 0) == 0);
        const bool closes_placed_line =
            ((rest == in.size() || in[rest] == '\n') && clause_placed && names_a_sound(clause)) || closes_clause;
        // "the skatepark vid 🛹🔥 also my friend", "drone circling the player once 🔥": the fire is
        // praise unless a fire's sound or a place follows it ("🔥 crackling on the left")
        u32 next_word;
        for (std::size_t k = rest; k < in.size() && (is_word(in[k]) || in[k] == '\''); ++k) next_word.push_back(lower_simple(in[k]));
        const bool named_as_noun = naming.count(before) > 0;
        const bool praise = c == 0x1F525 && !named_as_noun && !places.count(next_word) && !sound_verb(next_word) &&
                            next_word != U"on" && next_word != U"at" && next_word != U"to" && next_word != U"in" &&
                            next_word != U"from";
        if (clause.find(lower(head)) != u32::npos || after_word || closes_placed_line || praise) {
            // "dog on the left 🐶 car on the right": after a place it still ends the item
            if (places.count(before) && rest < in.size() && in[rest] != '\n') {
                out += U" ; ";
                clause.clear();
            } else {
                out.push_back(' ');
            }
            continue;
        }
        out += U" ; " + name + U" ";
        clause = lower(name) + U" ";
    }
    return out;
}

}  // namespace bewo::rt
