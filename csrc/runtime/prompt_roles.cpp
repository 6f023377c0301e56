// What a piece's words do: content words, verb forms, a sentence going on, and each direction's role
// (where a move starts, where it goes, where a sound is).
#include "prompt_internal.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "sound_words.h"
#include "verb_words.h"

namespace bewo::rt::prompt_detail {

using namespace textmatch;

// ---- sources: grouping, directions, labels -------------------------------------------------------

bool is_content(const Tok& tok) {
    if (tok.kind != Kind::Word) return false;
    if (tok.value == "name") return true;  // "the 808"
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
bool stops_a_move(const u32& w) {
    static const std::set<u32> stopping = {U"landing", U"lands", U"landed", U"land", U"stopping", U"stops", U"stopped",
                                           U"stop", U"halts", U"halted", U"halt", U"settles", U"settled", U"settle",
                                           U"parks", U"parked", U"parking", U"park"};
    return stopping.count(w) > 0;
}

bool continues_sentence(const Toks& piece, const Toks& before) {
    std::size_t i = 0;
    while (i < piece.size() && piece[i]->kind == Kind::Word &&
           (piece[i]->low() == U"and" || piece[i]->low() == U"then" || piece[i]->low() == U"also"))
        ++i;
    // "the beacon starts on the left curb and should pan to the right curb": a move verb after a modal,
    // with where it goes, goes on with the sound before
    {
        static const std::set<u32> modals = {U"should", U"will", U"would", U"must", U"can", U"could", U"slowly", U"then"};
        std::size_t m = i;
        while (m < piece.size() && piece[m]->kind == Kind::Word && modals.count(piece[m]->low())) ++m;
        if (m > i && m < piece.size() && is_move(piece[m]->kind) &&
            std::any_of(piece.begin() + static_cast<long>(m), piece.end(), [](const Tok* t) { return t->kind == Kind::To; }))
            return true;
    }
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
                                        U"racing", U"speeding", U"roaring", U"rumbling", U"creeping", U"gliding",
                                        U"climbing", U"disappearing", U"vanishing"};
    if (i < piece.size() &&
        (is_move(piece[i]->kind) || piece[i]->kind == Kind::Approach || going.count(piece[i]->low())) &&
        ends_with(piece[i]->low(), U"ing") &&
        // ("someone sweeping the floor in front of me, moving from the door on my right across to the sink":
        // the move starts in the participle itself)
        (has(before, [](const Tok* t) { return t->kind == Kind::From; }) ||
         has(piece, [](const Tok* t) { return t->kind == Kind::From; })))
        return true;
    // "and slowly work its way round", "and swirls off behind me": a verb the word lists lack, told by
    // the particle after it (not "and cats on the right": a noun before its own place)
    while (i < piece.size() && (piece[i]->kind == Kind::Speed ||
                                (piece[i]->kind == Kind::Word && piece[i]->low().size() > 4 && ends_with(piece[i]->low(), U"ly"))))
        ++i;
    // ("comes from behind and roars off ahead": a sound's verb too, once a move has begun)
    // ("comes from behind" is one filler token: where the sound is, until a move goes on from it)
    const bool started = moving_before || has(before, [](const Tok* t) {
        return t->kind == Kind::From || (t->kind == Kind::Filler && ends_with(t->low(), U" from"));
    });
    // "..., passes behind my chair and ends up on my left by the window": the move goes on past
    // things, not a sound named by them
    if (started && i < piece.size() &&
        (piece[i]->kind == Kind::Passing ||
         (piece[i]->kind == Kind::To && piece[i]->low() != U"to" && piece[i]->low() != U"towards" &&
          piece[i]->low() != U"toward" && piece[i]->low() != U"into" && piece[i]->low() != U"onto")))
        return true;
    if (i + 1 < piece.size() && is_content(*piece[i]) && piece[i + 1]->kind == Kind::Word &&
        (!sound_noun(piece[i]->low()) || (started && sound_verb(piece[i]->low())))) {
        static const std::set<u32> particles = {U"off", U"away", U"out", U"back", U"round", U"around", U"past", U"along",
                                                U"across"};
        static const std::set<u32> owners = {U"its", U"their", U"his", U"her"};
        const u32& verb = piece[i]->low();
        const u32& next = piece[i + 1]->low();
        // "should start behind the user and swing round ...": a base form after a modal's verb before
        const bool after_modal = has(before, [](const Tok* t) {
            static const std::set<u32> modals = {U"should", U"will", U"would", U"must", U"can", U"could"};
            return modals.count(t->low()) > 0;
        });
        // ("the cars brake hard on my right then accelerate away to my left": plural verbs, both base forms)
        const bool base = verb_form(verb) == 2 || verb_word_form(verb) == 2;
        const bool plural_before = has(before, [](const Tok* t) {
            return t->kind == Kind::Word && !ends_with(t->low(), U"ing") && (verb_form(t->low()) == 2 || verb_word_form(t->low()) == 2);
        });
        const bool finite = verb.size() > 3 && (((ends_with(verb, U"s") || ends_with(verb, U"ed")) && !ends_with(verb, U"ss")) ||
                                                (after_modal && started && base) || (plural_before && base));
        if ((finite && particles.count(next)) ||
            (owners.count(next) && i + 2 < piece.size() && piece[i + 2]->low() == U"way"))
            return true;
    }
    if (i >= piece.size() || !is_content(*piece[i])) return false;
    const int form = verb_form(piece[i]->low());
    // "chugged in from the right side, puffed past your nose": any verb in the past goes on
    const u32& opener = piece[i]->low();
    // ("and I could hear muffled sobbing": an "-ed" before a sound names it, as an adjective)
    const bool adjective = i + 1 < piece.size() && piece[i + 1]->kind == Kind::Word &&
                           (sound_noun(piece[i + 1]->low()) ||
                            (ends_with(piece[i + 1]->low(), U"ing") && sound_verb(piece[i + 1]->low())));
    if ((form == 0 || form == 3) && opener.size() > 4 && ends_with(opener, U"ed") && !sound_noun(opener) && !adjective) {
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
    // "and announce voice at back": a base form before a sound's name (no article) names that sound
    if (form == 2 && i + 1 < piece.size() && piece[i + 1]->kind == Kind::Word && sound_noun(piece[i + 1]->low()))
        return false;
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

// "from the kitchen behind me", "over to the window in front", "up to the fence ahead": a start or
// an end said by a thing at that place. j: the word before the place; returns the From/To token's
// index, or -1.
int past_a_landmark(const Toks& toks, int j) {
    if (j >= 0 && toks[j]->kind == Kind::Word &&
        (toks[j]->low() == U"on" || toks[j]->low() == U"in" || toks[j]->low() == U"at" || toks[j]->low() == U"by"))
        --j;
    int nouns = 0;
    auto article = [&](int k) {
        return k >= 0 && (toks[k]->low() == U"the" || toks[k]->low() == U"a" || toks[k]->low() == U"my");
    };
    // "from the slide on the left": a noun that could be a move, after its article
    while (j >= 0 && (toks[j]->kind == Kind::Word || (is_move(toks[j]->kind) && article(j - 1))) && nouns < 3) {
        const u32& w = toks[j]->low();
        if (w == U"the" || w == U"my" || w == U"your" || w == U"our" || w == U"his" || w == U"her" || w == U"their") {
            --j;
            break;
        }
        if (toks[j]->kind == Kind::Word && (ends_with(w, U"ing") || verb_form(w) % 2 == 1 || !is_letter(w[0]))) return -1;
        ++nouns, --j;
    }
    if (nouns == 0 || j < 0 || (toks[j]->kind != Kind::From && toks[j]->kind != Kind::To)) return -1;
    return j;
}

// "front-left", "my right", "the right-hand side", "2 o'clock", "45 degrees left": a place said by
// its side or hour alone, that can start a bare "X to Y" move
static bool side_or_hour(const u32& said) {
    if (said.find(U"clock") != u32::npos || said.find(U"deg") != u32::npos || said.find(U'\u00b0') != u32::npos) return true;
    static const std::set<u32> side_words = {U"left", U"right", U"front", U"back", U"rear", U"side", U"hand", U"far",
                                             U"hard", U"extreme", U"full", U"centre", U"center", U"dead"};
    static const std::set<u32> owners = {U"the", U"my", U"your", U"our"};
    std::size_t n = 0;
    u32 w;
    for (char32_t c : said + U" ") {
        if (c != ' ' && c != '-') {
            w.push_back(c);
            continue;
        }
        if (w.empty()) continue;
        if (!(side_words.count(w) || (n == 0 && owners.count(w)))) return false;
        ++n;
        w.clear();
    }
    return n > 0;
}

std::vector<Role> roles(const Toks& toks) {
    std::vector<Role> out;
    for (int i = 0; i < static_cast<int>(toks.size()); ++i) {
        if (toks[i]->kind != Kind::Dir) continue;
        Kind role = Kind::Word;
        int j = i - 1;
        // "starting far off in front": a distance between a start and its direction
        while (j >= 0 && (toks[j]->kind == Kind::Word || (toks[j]->kind == Kind::Dist && j > 0 && toks[j - 1]->kind == Kind::From))) {
            const u32 w = toks[j]->low();
            // "from about 7 o'clock", "to roughly the front": a hedge between the preposition and its place
            static const std::set<u32> skip = {U"the", U"my", U"your", U"over", U"about", U"around", U"roughly",
                                               U"approximately", U"approx", U"maybe", U"like", U"exactly", U"precisely",
                                               U"almost", U"nearly", U"somewhere", U"directly"};
            if (toks[j]->kind == Kind::Word && !skip.count(w)) break;
            --j;
        }
        // "stops at their right shoulder", "ends up on the left": a target after its preposition
        if (j > 0 && toks[j]->kind == Kind::Word && toks[j - 1]->kind == Kind::To &&
            (toks[j]->low() == U"at" || toks[j]->low() == U"on" || toks[j]->low() == U"in" || toks[j]->low() == U"by"))
            --j;
        if (j >= 0 && (toks[j]->kind == Kind::From || toks[j]->kind == Kind::To)) role = toks[j]->kind;
        else if (const int f = past_a_landmark(toks, j); f >= 0) role = toks[f]->kind, j = f;
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
                                       U"right side", U"left side", U"the right side", U"the left side", U"camera left",
                                       U"camera right", U"screen left", U"screen right", U"stage left", U"stage right",
                                       U"hard left", U"hard right", U"far left", U"far right", U"the far left",
                                       U"the far right"};
    for (std::size_t k = 0; k + 1 < out.size(); ++k) {
        if (out[k].role == Kind::From || out[k].role == Kind::To || out[k + 1].role != Kind::To) continue;
        const Tok& first = *toks[out[k].idx];
        // ("in front of me to the left", "behind me to the right": one place)
        if (!bare.count(collapse_space(first.low())) && std::isnan(first.raw) && !side_or_hour(first.low())) continue;
        int j = out[k].idx + 1;
        while (j < out[k + 1].idx && toks[j]->kind == Kind::Word && toks[j]->low() == U"the") ++j;
        if (j < out[k + 1].idx && toks[j]->kind == Kind::To) {
            ++j;
            while (j < out[k + 1].idx && toks[j]->kind == Kind::Word && toks[j]->low() == U"the") ++j;
            if (j == out[k + 1].idx) out[k].role = Kind::From;
        }
    }
    // "starts behind me at about 150°", "from the left, ~100°": a start said in words and then as a
    // number is one start, at the number (the more exact)
    auto numeric = [&](const Role& r) {
        const u32& w = toks[r.idx]->low();
        return std::any_of(w.begin(), w.end(), is_digit) || w.find(U"o'clock") != u32::npos || w.find(U"oclock") != u32::npos;
    };
    for (std::size_t k = 0; k + 1 < out.size(); ++k) {
        if (out[k].role != Kind::From || out[k + 1].role != Kind::At || numeric(out[k]) || !numeric(out[k + 1])) continue;
        bool near = true;  // only hedges, "at", "like" and commas or brackets between them
        for (int j = out[k].idx + 1; j < out[k + 1].idx && near; ++j) {
            static const std::set<u32> between = {U"at", U"about", U"around", U"roughly", U"approximately", U"approx",
                                                  U"like", U"me", U"say", U"exactly", U"maybe", U"~", U"(", U","};
            near = between.count(toks[j]->low()) > 0 || toks[j]->kind == Kind::Soft || toks[j]->kind == Kind::Filler;
        }
        if (!near || std::fabs(wrap_deg(out[k + 1].az - out[k].az)) > 60.0) continue;  // (a second place far off: two places)
        out[k].az = out[k + 1].az;
        out[k].raw = out[k + 1].raw;
        out.erase(out.begin() + static_cast<long>(k) + 1);
    }
    // "behind the counter in front of me": behind a thing is no place beside a place said
    auto weak = [&](const Role& r) { return toks[r.idx]->value == "weak"; };
    if (std::any_of(out.begin(), out.end(), weak) && !std::all_of(out.begin(), out.end(), weak))
        out.erase(std::remove_if(out.begin(), out.end(), weak), out.end());
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

}  // namespace bewo::rt::prompt_detail
