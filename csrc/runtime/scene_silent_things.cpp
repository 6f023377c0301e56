// "Seat 23A, window on my left. The engine drones just outside it", "with the house at my back, I
// hear a dog", "the moon at twelve": a thing that makes no sound of its own, placed beside sounds,
// says where the listener is or what the sounds are near; it is no source.
#include <algorithm>
#include <set>

#include "scene_passes.h"
#include "sound_words.h"
#include "text_match.h"
#include "text_words.h"

namespace bewo::rt {

using namespace textmatch;

namespace {

// Things heard of only as where something is (a window rattles, but "window" alone is where).
bool silent_thing(const u32& w) {
    static const std::set<u32> things = {
        U"house", U"houses", U"barn", U"barns", U"window", U"windows", U"seat", U"seats", U"row", U"rows", U"bench",
        U"benches", U"bed", U"beds", U"couch", U"sofa", U"curb", U"kerb", U"lift", U"moon", U"sun", U"stars", U"ceiling",
        U"wall", U"walls", U"floor", U"table", U"desk", U"shelf", U"building", U"buildings", U"tower", U"hill", U"hills",
        U"mountain", U"mountains", U"field", U"garden", U"yard", U"corner", U"hallway", U"hall", U"room", U"counter",
        U"aisle", U"screen", U"frame", U"pillar", U"column", U"statue", U"painting", U"sign", U"lamp", U"streetlight",
        U"lamppost", U"fence", U"hedge", U"porch", U"balcony", U"roof", U"attic", U"basement", U"cellar", U"stairs",
        U"stairwell", U"platform", U"porthole", U"skylight", U"archway", U"doorway", U"alcove", U"bookcase",
        U"bookshelf", U"cupboard", U"wardrobe", U"closet", U"mirror", U"poster", U"armchair", U"recliner", U"exit", U"entrance", U"marker", U"spot", U"side"};
    return things.count(w) > 0;
}

bool only_a_silent_thing(const std::string& label_utf8) {
    static const std::set<u32> determiners = {U"a", U"an", U"the", U"my", U"our", U"your", U"his", U"her", U"their",
                                              U"its", U"this", U"that", U"big", U"old", U"small", U"little", U"tall",
                                              U"open", U"closed", U"front", U"back", U"side", U"far", U"near"};
    std::vector<u32> words;
    for (const TextWord& w : words_of(lower(from_utf8(label_utf8)))) {
        u32 x = w.low;
        if (ends_with(x, U"'s")) x = x.substr(0, x.size() - 2);
        words.push_back(x);
    }
    // "as if it's lying on the bench", "since she's about to turn left", "every time I turn": a
    // condition or a reason, said of the sounds, not one of them
    static const std::set<u32> subordinate = {U"if", U"since", U"because", U"whenever", U"unless", U"although",
                                              U"though", U"cos", U"coz", U"cause"};
    if (!words.empty() && (subordinate.count(words[0]) ||
                           (words.size() >= 2 && (words[0] == U"every" || words[0] == U"each") && words[1] == U"time") ||
                           (words.size() >= 2 && words[0] == U"as" && words[1] == U"if")))
        return true;
    // "Binaural radio play, act two.", "a binaural mock-up": what is made, not what is heard in it
    static const std::set<u32> formats = {U"binaural", U"ambisonic", U"ambisonics", U"immersive", U"spatial"};
    if (!words.empty() && formats.count(words[0])) return true;
    // "so im up on the top lift": the listener, said where they are
    static const std::set<u32> listener = {U"i", U"im", U"i'm", U"me", U"we", U"we're", U"us", U"myself", U"so", U"and",
                                           U"then", U"now"};
    if (!words.empty() && std::all_of(words.begin(), words.end(), [](const u32& x) { return listener.count(x) > 0; }))
        return true;
    while (!words.empty() && determiners.count(words.front()) && words.size() > 1) words.erase(words.begin());
    // "window open at my front left", "window cracked on my right side": where the sound comes in
    static const std::set<u32> states = {U"open", U"opened", U"cracked", U"ajar", U"shut", U"closed", U"down", U"up"};
    if (words.size() == 2 && silent_thing(words[0]) && states.count(words[1])) return true;
    if (words.empty() || words.size() > 2 || !silent_thing(words.back())) return false;
    // "creaky stairs", "a squeaky bench": said to sound
    static const std::set<u32> sounding = {U"creaky", U"creaking", U"squeaky", U"noisy", U"rattly", U"rattling", U"clanky",
                                           U"banging", U"buzzing", U"humming", U"ticking", U"dripping", U"loud"};
    return std::none_of(words.begin(), words.end(), [](const u32& x) {
        return sound_verb(x) || (sound_noun(x) && !silent_thing(x)) || sounding.count(x);
    });
}

}  // namespace

// "From the staircase on my right came a slow creak": its sentence names a sound no other source has,
// which this one stands for.
static bool sentence_has_its_own_sound(const std::vector<SceneSource>& sources, std::size_t k, const u32& low) {
    const u32 label = lower(from_utf8(sources[k].label));
    const std::size_t at = label.empty() ? u32::npos : low.find(label);
    if (at == u32::npos) return true;  // not found as written: keep it
    auto end = [](char32_t c) { return c == '.' || c == '!' || c == '?' || c == ';' || c == '\n'; };
    std::size_t b = at, e = at + label.size();
    while (b > 0 && !end(low[b - 1])) --b;
    while (e < low.size() && !end(low[e])) ++e;
    std::set<u32> others;
    for (std::size_t j = 0; j < sources.size(); ++j)
        if (j != k)
            for (const TextWord& w : words_of(lower(from_utf8(sources[j].label)))) others.insert(w.low);
    for (const TextWord& w : words_of(low.substr(b, e - b)))
        if (!others.count(w.low) && !silent_thing(w.low) && (sound_verb(w.low) || sound_noun(w.low))) return true;
    return false;
}

void drop_placed_silent_things(std::vector<SceneSource>& sources, std::vector<bool>& placed, const u32& t) {
    const u32 low = lower(t);
    const auto sounds = std::count_if(sources.begin(), sources.end(), [](const SceneSource& s) {
        return !only_a_silent_thing(s.label) && names_a_sound(from_utf8(s.label));
    });
    if (sounds == 0) return;
    for (std::size_t k = sources.size(); k-- > 0;) {
        if (!only_a_silent_thing(sources[k].label) || sources[k].speed != "still" || sentence_has_its_own_sound(sources, k, low))
            continue;
        sources.erase(sources.begin() + static_cast<long>(k));
        placed.erase(placed.begin() + static_cast<long>(k));
    }
}

}  // namespace bewo::rt
