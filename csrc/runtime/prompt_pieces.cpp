// Kinds of pieces: those describing the sound before them, materials and descriptors, headings,
// settings, the listener's own acts and pose, imperatives and idioms.
#include "prompt_internal.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "person_words.h"
#include "sound_words.h"
#include "verb_words.h"
#include "vocabulary.h"

namespace bewo::rt::prompt_detail {

using namespace textmatch;

// "..., up to the bar ahead", "..., starting at the door on their right" after a sound that moves:
// where its way goes, past a thing named only to say where that is.
bool route_landmark(const Toks& p, const Toks& before) {
    const bool moving = std::any_of(before.begin(), before.end(), [](const Tok* t) {
        return is_move(t->kind) || t->kind == Kind::Circle || t->kind == Kind::From || t->kind == Kind::To ||
               t->kind == Kind::By || t->kind == Kind::Passing || t->kind == Kind::Approach || t->kind == Kind::Recede;
    });
    if (!moving) return false;
    std::size_t i = 0;
    while (i < p.size() && (p[i]->low() == U"and" || p[i]->low() == U"then" || p[i]->kind == Kind::Speed)) ++i;
    if (i >= p.size()) return false;
    static const std::set<u32> route_words = {U"to", U"into", U"onto", U"toward", U"towards", U"at", U"until"};
    // a plain "from the closet on his left, a knock" places what comes next; "starting at" goes on
    const bool start = p[i]->kind == Kind::From && (p[i]->low().compare(0, 5, U"start") == 0 || p[i]->low().compare(0, 5, U"begin") == 0);
    if (!(p[i]->kind == Kind::To || start || (p[i]->kind == Kind::Word && route_words.count(p[i]->low())))) return false;
    std::size_t words = 0;
    bool place = false;
    for (++i; i < p.size(); ++i) {
        if (p[i]->kind == Kind::Dir || p[i]->kind == Kind::Elev) { place = true; continue; }
        if (p[i]->kind != Kind::Word) return false;
        const u32& w = p[i]->low();
        if (w == U"the" || w == U"a" || w == U"an" || w == U"my" || w == U"your" || w == U"our" || w == U"their" ||
            w == U"his" || w == U"her" || w == U"its" || w == U"on" || w == U"of" || w == U"in" || w == U"at")
            continue;
        if (place || ends_with(w, U"ing") || verb_form(w) % 2 == 1 || ++words > 3) return false;
    }
    return place && words > 0;
}

bool describes_previous(const Toks& p, bool previous_located) {
    Toks content;
    for (Tok* t : p)
        if (is_content(*t)) content.push_back(t);
    // "Harmonica to the back right, clapping all around": heard everywhere, so not where the one before is
    for (std::size_t i = 0; i < p.size(); ++i)
        if (p[i]->low() == U"everywhere" ||
            (p[i]->low() == U"all" && i + 1 < p.size() && (p[i + 1]->low() == U"around" || p[i + 1]->low() == U"round")))
            return false;
    // "..., siren on", "..., horn blaring the whole way", "..., bell dinging": a part of the moving
    // thing before, or what it does all along, with no place of its own
    const bool own_height = std::any_of(p.begin(), p.end(), [](const Tok* t) { return t->kind == Kind::Elev; });
    // ("..., indicator ticking on the same side": placed by the one before, so a sound of its own)
    const bool same_place = std::any_of(p.begin(), p.end(), [](const Tok* t) { return t->low() == U"same"; });
    if (previous_located && locations(p).empty() && !own_height && !content.empty() && content.size() <= 4 && !same_place) {
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
        // "the generator far back, the one making noise, behind on the right": which one, said again
        if (w == U"the" && locations(p).empty()) {
            const auto at = std::find(p.begin(), p.end(), t);
            if (at + 1 != p.end() && (*(at + 1))->low() == U"one") return true;
        }
        // "— the sound should swing across the front", "this noise comes from the left": the one before
        if (w == U"the" || w == U"this") {
            const auto at = std::find(p.begin(), p.end(), t);
            if (at + 1 != p.end() && ((*(at + 1))->low() == U"sound" || (*(at + 1))->low() == U"noise") &&
                !(at + 2 != p.end() && (*(at + 2))->low() == U"of"))
                return true;
        }
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
        // ("Please put his snoring to my left": asked for, a sound of its own)
        if ((w == U"their" || w == U"its" || w == U"his" || w == U"her") && p[0]->kind == Kind::Filler &&
            (p[0]->low().find(U"put") != u32::npos || p[0]->low().find(U"place") != u32::npos ||
             p[0]->low().find(U"add") != u32::npos))
            return false;
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
            // "her opponent shouting on my right", "her phone buzzes on the table ahead": someone or
            // something of theirs heard from a place of its own
            static const std::set<u32> body = {U"head", U"ear", U"ears", U"shoulder", U"shoulders", U"face", U"nose",
                                               U"back", U"feet", U"foot", U"hand", U"hands", U"side", U"knee", U"neck",
                                               U"chest", U"arm", U"arms", U"leg", U"legs", U"eyes", U"body"};
            if (previous_located && !locations(p).empty() && next != p.end() && !body.count((*next)->low())) return false;
            // "Night shift at home. His feeding pump alarm beeps at 4 o'clock": a sounding thing of
            // theirs, placed, is a sound of its own
            // (what their body makes is still theirs: "someone walking, their steps on the left")
            static const std::set<u32> theirs = {U"steps", U"footsteps", U"footfalls", U"feet", U"voice", U"voices",
                                                 U"breath", U"breathing", U"laugh", U"laughter", U"heels", U"shoes",
                                                 U"boots", U"paws", U"claws", U"hooves", U"wings", U"tail", U"song",
                                                 U"call", U"calls", U"cry", U"cries", U"bark", U"purr", U"snoring"};
            if (!locations(p).empty() && next != p.end() && !theirs.count((*next)->low()) &&
                std::any_of(content.begin(), content.end(), [](const Tok* x) {
                    return sound_noun(x->low()) && !sound_verb(x->low()) && !theirs.count(x->low());
                }))
                return false;
            return !(next != p.end() && (others.count((*next)->low()) || is_person_noun((*next)->low())));
        }
        // "..., on cobbles", "..., in a loop": a short place or manner phrase of the sound before
        static const std::set<u32> preps = {U"on", U"in", U"over", U"across", U"along", U"against", U"under", U"inside",
                                            U"among", U"amid", U"upon", U"within", U"like"};
        if (preps.count(w) && locations(p).empty() && content.size() <= 2) return true;
        // ("..., low over the water", "high above the trees": how the sound before goes)
        if ((w == U"low" || w == U"high") && locations(p).empty() && content.size() <= 3) {
            const auto at = std::find(p.begin(), p.end(), t);
            if (at + 1 != p.end() && preps.count((*(at + 1))->low())) return true;
        }
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
        U"thursday", U"friday", U"saturday", U"sunday", U"today", U"tonight", U"yesterday", U"welcome",
        // "Fridge hum: behind me, constant, doesn't move", "Clock: left, never moves"
        U"doesn't", U"doesnt", U"does", U"not", U"never", U"move", U"moves", U"moving", U"stays", U"put", U"still",
        // "water drops: 30° left of centre, slowed to half speed": how the sound is processed
        U"slowed", U"sped", U"pitched", U"reversed", U"delayed", U"detuned", U"stretched", U"compressed", U"distorted",
        U"boosted", U"lowered", U"raised", U"half", U"normal", U"up", U"down"};
    for (std::size_t i = 0; i < content.size(); ++i) {
        const u32 w = strip_chars(content[i]->low(), U"'-");
        // "barking at each other": "other" after "each" ("the other on my right" is an item)
        if (!descriptors.count(w) && !(w == U"other" && i > 0 && content[i - 1]->low() == U"each")) return false;
    }
    return !content.empty();
}

bool lone_participle_describes(const Toks& p, bool previous_located) {
    // ("barking at each other", "barking like crazy", "beeping the whole time": the participle alone)
    static const std::set<u32> manner = {U"each", U"other", U"like", U"crazy", U"mad", U"whole", U"time", U"way",
                                         U"nonstop", U"non-stop", U"constantly", U"continuously", U"loudly", U"softly",
                                         U"quietly", U"happily", U"excitedly", U"furiously", U"frantically", U"again",
                                         U"all", U"night", U"day", U"long"};  // "moaning all night"
    Toks content;
    for (Tok* t : p)
        if (is_content(*t) && !manner.count(t->low())) content.push_back(t);
    const u32& w = content.size() == 1 ? content[0]->low() : u32();
    // "..., trundling toward the front", "and swung round to my left", "and thunders past to the right":
    // a verb alone, with where the move goes, goes on with the sound before (a sound's own verb only
    // when it passes: "sawing to the right" is a sound of its own)
    const int form = content.size() == 1 ? verb_word_form(w) : 0;
    const bool any_verb = content.size() == 1 && w.size() > 3 && !sound_noun(w) &&
                          (form == 1 || form == 3 || verb_form(w) % 2 == 1 || ends_with(w, U"ing") || ends_with(w, U"ed"));
    // "coming in from behind and landing in front of me": where the move ends
    // (and, said after a place of its own, arriving or finishing there)
    static const std::set<u32> arriving = {U"halting", U"settling", U"arriving", U"arrives", U"arrived", U"finishing",
                                           U"finishes", U"finished"};
    if (previous_located && content.size() == 1 && (stops_a_move(w) || arriving.count(w)) &&
        std::any_of(p.begin(), p.end(), [](const Tok* t) { return t->kind == Kind::Dir; }))
        return true;
    // (a verb in -ing with "to the right" is an activity heard there: "cooking to the right"; and an
    // answer is a sound of its own: "answered to the right")
    static const std::set<u32> answers = {U"answered", U"answers", U"replied", U"replies", U"responded", U"responds",
                                          U"echoed", U"echoes", U"called", U"calls"};
    const bool finite = !ends_with(w, U"ing") && !answers.count(w);
    if (previous_located && any_verb && std::any_of(p.begin(), p.end(), [&](const Tok* t) {
            return t->kind == Kind::By || t->kind == Kind::Passing || t->kind == Kind::Recede ||
                   (!sound_verb(w) && finite && t->kind == Kind::To);
        }))
        return true;
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
// "bird calls by direction\nchickadee at 2 o'clock": a line that opens with a noun and places it
// is a list item under a heading, not the rest of a wrapped sentence ("a dog\nbarks on the left").
static bool placed_line_opens(const std::vector<Tok>& tokens, std::size_t i) {
    if (verb_form(tokens[i].low()) != 0 || sound_verbs().count(tokens[i].low())) return false;
    for (std::size_t k = i; k < tokens.size(); ++k) {
        if (tokens[k].kind == Kind::Dir || tokens[k].kind == Kind::Elev) return true;
        if (tokens[k].kind == Kind::Hard) return false;
    }
    return false;
}

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
            if (!opens && !placed_line_opens(tokens, i + 1)) tok.kind = Kind::Space;
        }
        placed = false;
    }
}

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
    if ((w == U"float" || w == U"floats") && i > 0 &&
        (p[i - 1]->low() == U"milk" || p[i - 1]->low() == U"parade" || p[i - 1]->low() == U"carnival"))
        return true;  // "the milk float humming past"
    static const std::set<u32> drive_kinds = {U"warp", U"hard", U"disk", U"disc", U"jump", U"hyper", U"tape", U"flash"};
    if ((w == U"drive" || w == U"drives") && i > 0 && drive_kinds.count(p[i - 1]->low())) return true;  // "Warp drive spools up"
    // "tent zip rasping": a quick sound's verb in its base form, between a noun and a sounding "-ing",
    // names that sound
    const bool quick_sound = p[i]->kind == Kind::SpeedVerb && i > 0 && p[i - 1]->kind == Kind::Word && i + 1 < p.size() &&
                             p[i + 1]->kind == Kind::Word && ends_with(p[i + 1]->low(), U"ing") && p[i + 1]->low().size() > 5;
    if (i == 0 || (i + 1 != p.size() && !quick_sound) || !is_content(*p[i - 1])) return false;
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
                 "headset|scene|soundscape|atmosphere|setting|level|stage|chorus|verse|intro|outro|bridge|tour|game|menu|cutscene|trailer|"
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
    // ("babies crying all round the room": a sound heard about the room, not its name)
    if (std::any_of(words.begin(), words.end(), [](const Tok* t) {
            return ends_with(t->low(), U"ing") && sound_verb(t->low());
        }))
        return false;
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
    for (std::size_t i = 0; i < content.size(); ++i) {
        // "dawn chorus all round": the birds at dawn, not a song's chorus
        if (content[i]->low() == U"chorus" && i > 0 && content[i - 1]->low() == U"dawn") return false;
        if (!place_words().count(content[i]->low()) && !(i + 1 < content.size() && sound_places.count(content[i]->low())) &&
            !(i > 0 && count_or_number(content[i]->low())))
            return false;
    }
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
            return w == U"want" || w == U"wants" || w == U"wanting" || w == U"wanted" || w == U"need" || w == U"needs" ||
                   w == U"needing" || w == U"like" || w == U"would" || w == U"wish" || w == U"wanna" || w == U"prefer" ||
                   w == U"hope";  // "I am wanting the rooster in right side"
        }))
        return false;
    // "i wnat a baby laughing on the left": a sound brought in with "a" and given a place
    // ("we had a low moaning coming from beneath the floor": a describing word may come first, a height places it)
    for (std::size_t i = 0; i + 1 < p.size(); ++i) {
        if (p[i]->low() != U"a" && p[i]->low() != U"an" && p[i]->low() != U"the") continue;
        for (std::size_t j = i + 1; j < p.size() && j <= i + 2 && p[j]->kind == Kind::Word; ++j)
            if ((sound_noun(p[j]->low()) || names_a_person(p[j]->low()) || (j > i + 1 && sound_verb(p[j]->low()))) &&
                std::any_of(p.begin() + static_cast<long>(i), p.end(),
                            [](const Tok* t) { return t->kind == Kind::Dir || t->kind == Kind::Elev; }))
                return false;
    }
    for (const Tok* t : p) {
        if (t->kind != Kind::Word) continue;
        const u32& w = t->low();
        return w == U"i" || w == U"we" || w == U"i'm" || w == U"we're" || w == U"you're" || w == U"i've" ||
               w == U"we've" || w == U"you've" ||
               t->text == U"im";  // "We've been on the roof since 3am.", "im at the back" (not "IM alerts")
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
    for (auto it = p.begin(); it != p.end(); ++it) {  // the first word ("Walking" may have been read as a move)
        const Tok* t = *it;
        if (t->kind != Kind::Word && !is_move(t->kind)) continue;
        if (!poses.count(t->low())) return false;
        // ("jogging footsteps, left to right": a sound named by the pose, not the listener's pose)
        const auto next = std::find_if(it + 1, p.end(), [](const Tok* x) { return x->kind == Kind::Word; });
        return next == p.end() || !(sound_noun((*next)->low()) && !sound_verb((*next)->low()));
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
        static const std::set<u32> adverb = {U"away", U"now", U"here", U"there", U"afterwards", U"after", U"afterward"};
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
    // "Now the kids have left, the house is quiet": gone, with nothing after it
    static const std::set<u32> perfect = {U"have", U"has", U"had", U"'ve", U"'d"};
    if (perfect.count(before) && (after.empty() || after == U"," || after == U"." || after == U"!" || after == U"and"))
        return true;
    return subject.count(before) && object.count(after) && tokens[i].text.size() == 4;
}

static bool motion_noun(const std::vector<Tok>& tokens, std::size_t i) {
    static const std::set<u32> nouns = {U"walk", U"drive", U"ride", U"run", U"stroll", U"hike", U"commute", U"jog", U"trip",
                                        U"flight", U"journey", U"swim", U"cycle"};
    // "the clatter of pans", "a sizzling pan", "a few flies buzzing": cookware and insects, where a
    // determiner, a count, "of" or an adjective in -ing comes before them
    const u32& w = tokens[i].low();
    if (w == U"pans" || w == U"pan" || w == U"flies" || w == U"fly") {
        std::size_t k = i;
        while (k > 0 && tokens[k - 1].kind == Kind::Space) --k;
        static const std::set<u32> before = {U"of", U"the", U"a", U"some", U"and", U"with", U"my", U"our", U"your",
                                             U"his", U"her", U"their", U"frying", U"sauce", U"two", U"three", U"few",
                                             U"many", U"several", U"those", U"these", U"fruit", U"house", U"black"};
        if (k == 0 || tokens[k - 1].kind != Kind::Word) return false;
        const u32& b = tokens[k - 1].low();
        static const std::set<u32> cooking = {U"sizzling", U"frying", U"boiling", U"smoking", U"roasting", U"baking",
                                              U"steaming", U"bubbling", U"clattering", U"clanging", U"hot", U"greasy"};
        return before.count(b) > 0 || (cooking.count(b) && w != U"fly" && w != U"flies");
    }
    if (!nouns.count(tokens[i].low())) return false;
    auto word_before = [&](std::size_t k, std::size_t& at) {
        while (k > 0 && tokens[k - 1].kind == Kind::Space) --k;
        at = k > 0 ? k - 1 : 0;
        return k > 0 && tokens[k - 1].kind == Kind::Word ? tokens[k - 1].low() : u32();
    };
    static const std::set<u32> owners = {U"my", U"our", U"your", U"his", U"her", U"their"};
    static const std::set<u32> times = {U"morning", U"afternoon", U"evening", U"night", U"daily", U"weekly", U"long",
                                        U"short", U"little", U"late", U"early", U"usual", U"first", U"last", U"dog"};
    std::size_t at = 0;
    const u32 prev = word_before(i, at);
    if (owners.count(prev)) return true;
    std::size_t at2 = 0;
    return times.count(prev) && at > 0 && owners.count(word_before(at, at2));
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
        // "steam press hissing behind me, till in front", "tills bleeping back right": a shop's till opening
        // an item, not "until"
        if (tok.kind == Kind::To && (tok.low() == U"till" || tok.low() == U"tills")) {
            std::size_t b = i, n = i + 1;
            while (b > 0 && tokens[b - 1].kind == Kind::Space) --b;
            while (n < tokens.size() && tokens[n].kind == Kind::Space) ++n;
            auto item_starts_at = [&](std::size_t at) {  // a break (or nothing) before position at
                while (at > 0 && tokens[at - 1].kind == Kind::Space) --at;
                return at == 0 || tokens[at - 1].kind == Kind::Hard || tokens[at - 1].kind == Kind::Soft;
            };
            const bool opens = item_starts_at(b) ||
                               (b > 0 && tokens[b - 1].kind == Kind::Word && (tokens[b - 1].low() == U"the" || tokens[b - 1].low() == U"a") &&
                                item_starts_at(b - 1));
            // (not after a move: "a car moves left, till in front" ends it there; and a till is placed or
            // heard: "till in front", "till bleeping", not "till the chorus")
            bool after_a_move = false;
            for (std::size_t k = b; k-- > 0 && tokens[k].kind != Kind::Hard;)
                after_a_move = after_a_move || is_move(tokens[k].kind) || tokens[k].kind == Kind::From ||
                               tokens[k].kind == Kind::Passing || tokens[k].kind == Kind::Approach ||
                               tokens[k].kind == Kind::Recede || tokens[k].kind == Kind::SpeedVerb;
            const bool placed_or_heard = n < tokens.size() && (tokens[n].kind == Kind::Dir ||
                                         (tokens[n].kind == Kind::Word && ends_with(tokens[n].low(), U"ing")));
            if (opens && !after_a_move && placed_or_heard) {
                tok.kind = Kind::Word;
                continue;
            }
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
        // "the sounds from my morning walk", "on our drive": a motion word after an owner is a noun
        if (is_move(tok.kind) && motion_noun(tokens, i)) {
            tok.kind = Kind::Word;
            continue;
        }
        // "a cricket chirping in the basement", "mice in the attic": below or above the listener, when
        // said of a sound ("In the basement, a dog barks" is where the listener is)
        if (tok.kind == Kind::Room) {
            const u32& w = tok.low();
            const int height = w.find(U"basement") != u32::npos || w.find(U"cellar") != u32::npos ? -1
                               : w.find(U"attic") != u32::npos || w.find(U"loft") != u32::npos ? 1 : 0;
            bool after_a_sound = false;
            for (std::size_t k = i; k-- > 0 && tokens[k].kind != Kind::Hard && tokens[k].kind != Kind::Soft;)
                after_a_sound = after_a_sound || (tokens[k].kind == Kind::Word &&
                                                  (sound_noun(tokens[k].low()) || sound_verb(tokens[k].low())) &&
                                                  !names_a_person(tokens[k].low()));
            if (height != 0 && after_a_sound) tok.kind = Kind::Elev, tok.az = height * kAboveDeg;
        }
        // "is coming from above and behind me": the height a filler's "from" hid
        if (tok.kind == Kind::Word && i > 0 && tokens[i - 1].kind == Kind::Filler && ends_with(tokens[i - 1].low(), U"from")) {
            const u32& w = tok.low();
            if (w == U"above" || w == U"overhead") tok.kind = Kind::Elev, tok.az = kAboveDeg;
            else if (w == U"below" || w == U"beneath" || w == U"underneath") tok.kind = Kind::Elev, tok.az = -kAboveDeg;
        }
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
        const bool negation = w == U"not" || w == U"never" || w == U"nothing" || w == U"isn't" || w == U"aren't" || w == U"wasn't" ||
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
    bool named = false, after_name = false;  // "To my right, a dog, and on the left, a ...": a fronted place mirrors nothing
    for (const Tok* t : source) {
        named = named || is_content(*t);
        if (t->kind == Kind::Dir) last = t, after_name = named;
    }
    return dir && last && after_name && std::fabs(last->az) > 10.0 && std::fabs(last->az) < 170.0 &&
           std::fabs(dir->az + last->az) < 1e-9;
}

}  // namespace bewo::rt::prompt_detail
