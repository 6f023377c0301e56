// Clauses and pieces grouped into sources, and each source's label.
#include "prompt_internal.h"

#include <algorithm>
#include <set>
#include <vector>

#include "sound_words.h"
#include "verb_words.h"

namespace bewo::rt::prompt_detail {

using namespace textmatch;

// "enters at 7 o'clock, exits at 5", "climbs, and fades out ahead": words that are all verbs (and
// their adverbs) name no sound; they say what the sound before them does. A gerund ("clapping on
// the left") and a sound's own name ("a whistle") are sounds.
// "a match is struck", "the punches land": an article or owner before the first word makes it a noun
bool names_a_noun_phrase(const Toks& piece) {
    static const std::set<u32> determiners = {U"a", U"an", U"the", U"some", U"my", U"your", U"his", U"her", U"its",
                                              U"our", U"their", U"this", U"that", U"these", U"those"};
    const auto first = std::find_if(piece.begin(), piece.end(), [](const Tok* t) { return t->kind == Kind::Word; });
    return first != piece.end() && determiners.count((*first)->low()) > 0;
}

bool only_verbs(const Toks& piece, const Toks& content) {
    if (std::any_of(piece.begin(), piece.end(), [](const Tok* t) { return t->kind == Kind::Word && sound_noun(t->low()); }))
        return false;  // "babble noise at 180°"
    return std::all_of(content.begin(), content.end(), [](const Tok* t) {
        const u32& w = t->low();
        if (ends_with(w, U"ing") || sound_noun(w)) return false;
        // ("Alice on the left, Bob on the right": a name with its capital, after the piece before)
        if (t->text.size() > 1 && is_upper(t->text[0]) && is_lower(t->text[1])) return false;
        return verb_word_form(w) != 0 || (w.size() > 4 && ends_with(w, U"ly"));
    }) && std::any_of(content.begin(), content.end(), [](const Tok* t) { return verb_word_form(t->low()) != 0; });
}

// "BOOM, BOOM", "thump, thump", "beep beep beep": a word said again and again is how the sound
// around it goes, not one more sound.
bool sound_said_twice(const std::vector<Toks>& pieces, std::size_t k) {
    auto only_word = [](const Toks& p) -> u32 {  // the one word a placeless piece is made of
        u32 word;
        for (const Tok* t : p) {
            if (t->kind == Kind::Dir || t->kind == Kind::Elev || t->kind == Kind::Circle) return u32();
            if (!is_content(*t)) continue;
            if (t->kind != Kind::Word || (!word.empty() && t->low() != word)) return u32();
            word = t->low();
        }
        return count_or_number(word) || word == U"one" ? u32() : word;
    };
    const u32 w = only_word(pieces[k]);
    if (w.empty()) return false;
    // only beside a sound named otherwise ("car jumps car" has no other)
    const bool other = std::any_of(pieces.begin(), pieces.end(), [&](const Toks& p) {
        return std::any_of(p.begin(), p.end(), [&](const Tok* t) { return is_content(*t) && t->low() != w; });
    });
    const auto same = std::count_if(pieces[k].begin(), pieces[k].end(), [&](const Tok* t) { return t->low() == w; });
    return other && (same >= 2 || (k > 0 && only_word(pieces[k - 1]) == w) ||
                     (k + 1 < pieces.size() && only_word(pieces[k + 1]) == w));
}

// ", out the window on my right", ", through the wall to my left": a thing named after a preposition,
// with a place and nothing heard, says where a sound is.
bool where_it_is(const Toks& piece) {
    static const std::set<u32> prepositions = {U"out", U"through", U"outside", U"beyond", U"past", U"by", U"near",
                                               U"in", U"inside", U"at", U"on", U"behind", U"under", U"over", U"across"};
    static const std::set<u32> determiners = {U"the", U"a", U"an", U"my", U"your", U"our", U"his", U"her", U"their", U"its", U"of"};
    // (", underneath the studio", ", behind the crowd": a height or side said as a preposition opens it too)
    static const std::set<u32> placing = {U"behind", U"underneath", U"under", U"below", U"beneath", U"above", U"over"};
    const bool placing_first = !piece.empty() && (piece[0]->kind == Kind::Elev || piece[0]->kind == Kind::Dir) &&
                               placing.count(piece[0]->low()) > 0;
    if (piece.empty() || (!placing_first && (piece[0]->kind != Kind::Word || !prepositions.count(piece[0]->low()))))
        return false;
    bool place = placing_first, noun = false;
    for (std::size_t i = 1; i < piece.size(); ++i) {
        const Tok& k = *piece[i];
        if (k.kind == Kind::Dir) { place = true; continue; }
        if (k.kind == Kind::Elev || k.kind == Kind::Room || k.kind == Kind::Dist) continue;
        if (k.kind != Kind::Word) return false;
        const u32& w = k.low();
        if (determiners.count(w) || w == U"on" || w == U"to" || w == U"at" || w == U"in") continue;
        if (sound_noun(w) || sound_verb(w) || ends_with(w, U"ing") || verb_form(w) % 2 == 1) return false;
        noun = true;
    }
    return place && noun;
}

// "the wolf huffs and puffs behind you", "the kettle hisses and whistles": after "and", a second -s
// word with only places after it is a second verb of the same sound (not "and cats meow").
bool parallel_verb(const Toks& piece, const Toks& before) {
    const Tok* last = nullptr;
    for (const Tok* t : before)
        if (t->kind == Kind::Word) last = t;
    if (!last || before.empty() || before.back() != last) return false;
    const u32& w0 = last->low();
    if (!ends_with(w0, U"s") || !(sound_verb(w0) || verb_form(w0) == 1)) return false;
    std::size_t i = 0;
    while (i < piece.size() && (piece[i]->low() == U"and" || piece[i]->low() == U"then")) ++i;
    if (i >= piece.size() || piece[i]->kind != Kind::Word || !ends_with(piece[i]->low(), U"s")) return false;
    const u32& w1 = piece[i]->low();  // a verb, or no sound's name ("and birds" names one)
    if (!(sound_verb(w1) || verb_form(w1) == 1 || verb_word_form(w1) == 1 || !sound_noun(singular(w1)))) return false;
    for (++i; i < piece.size(); ++i)
        if (piece[i]->kind == Kind::Word && !patterns().glue.count(piece[i]->low())) return false;
    return true;
}

// A labelled piece before piece k in its clause, and for a verb in -s ("whizzes by on the right") a
// verb in it to go on from: after "a bell at 3 o'clock", "punches" are a sound, not what the bell does.
bool verb_goes_on(const std::vector<Toks>& pieces, const std::vector<bool>& has_label, std::size_t k) {
    std::size_t j = k;
    while (j-- > 0 && !has_label[j]) {}
    if (j >= k) return false;  // no labelled piece before
    const bool third_person = std::any_of(pieces[k].begin(), pieces[k].end(), [](const Tok* t) {
        return t->kind == Kind::Word && verb_word_form(t->low()) == 1;
    });
    if (!third_person) return true;
    return std::any_of(pieces[j].begin(), pieces[j].end(), [](const Tok* t) {
        return is_move(t->kind) || t->kind == Kind::Approach || t->kind == Kind::Recede ||
               (t->kind == Kind::Word && verb_form(t->low()) != 0 && !ends_with(t->low(), U"ing"));
    });
}

// "tenor at 10 o'clock, lead at 11": after a comma, a lone base form put straight at a place, with no
// object, is an item named like the ones around it (an order has an object: "move it to the left";
// "to" a place is where a move ends: "and slide to the front")
static bool lone_word_at_a_place(const Toks& p) {
    static const std::set<u32> preps = {U"at", U"on", U"in"};
    // (not a verb of sound or motion: "begin at 9, finish at 3" is where a move goes)
    return p.size() >= 2 && p[0]->kind == Kind::Word && verb_word_form(p[0]->low()) == 2 && !sound_verbs().count(p[0]->low()) &&
           (p[1]->kind == Kind::Dir || (p.size() >= 3 && preps.count(p[1]->low()) && p[2]->kind == Kind::Dir)) &&
           std::none_of(p.begin() + 1, p.end(), [](const Tok* t) { return is_content(*t); });
}

// "both high overhead", "all up in the trees": a place said of the sounds before it
static bool said_of_those_before(const Toks& p) {
    if (p.empty() || p[0]->kind != Kind::Word) return false;
    const u32& w = p[0]->low();
    if (w != U"both" && w != U"all") return false;
    static const std::set<u32> heights = {U"high", U"low", U"up", U"down", U"way", U"very", U"quite", U"three", U"four"};
    return std::none_of(p.begin() + 1, p.end(), [](const Tok* t) { return is_content(*t) && !heights.count(t->low()); }) &&
           std::any_of(p.begin(), p.end(), [](const Tok* t) { return t->kind == Kind::Elev || t->kind == Kind::Dir; });
}

// "with a hiss", "with a loud bang": a sound's own noun after an article, what something sounds with
static bool sound_made_with(const Toks& piece) {
    static const std::set<u32> made = {U"hiss", U"bang", U"clang", U"clunk", U"thud", U"thump", U"whoosh", U"crash",
                                       U"creak", U"squeak", U"screech", U"beep", U"click", U"clatter", U"rattle", U"roar",
                                       U"rumble", U"hum", U"buzz", U"whine", U"whirr", U"whir", U"pop", U"snap", U"crack",
                                       U"splash", U"thunk", U"clack", U"ding", U"chime", U"jingle", U"groan", U"wheeze",
                                       U"sigh", U"shriek", U"squeal", U"boom", U"blast", U"swoosh", U"hissing", U"clank"};
    bool article = false;
    for (const Tok* t : piece) {
        if (t->kind != Kind::Word) continue;
        const u32& w = t->low();
        if (w == U"a" || w == U"an" || w == U"the" || w == U"its" || w == U"their") article = true;
        else if (made.count(w)) return article;
    }
    return false;
}

// "..., and leaves crunch underfoot", "and boots squeak behind": a plural noun and the sound it makes,
// in the base form, open a sentence of their own ("and leaves" alone goes on with the one before).
static bool plural_noun_then_its_sound(const Toks& p) {
    if (p.size() < 2 || p[0]->kind != Kind::Word || p[1]->kind != Kind::Word) return false;
    const u32& noun = p[0]->low();
    const u32& verb = p[1]->low();  // (the base form: "crunch", not "crunches", "crunched", "crunching")
    return noun.size() > 4 && ends_with(noun, U"s") && !ends_with(noun, U"ss") && sound_verb(verb) &&
           !ends_with(verb, U"s") && !ends_with(verb, U"ed") && !ends_with(verb, U"ing");
}

namespace {
// Places and the little words around them only ("directly behind", "on the left"; with amounts, "about 40°")
bool a_place_alone(const Toks& q, bool with_amounts) {
    return std::all_of(q.begin(), q.end(), [&](const Tok* t) {
        static const std::set<u32> glue = {U"on", U"at", U"in", U"to", U"the", U"my", U"your"};
        return t->kind == Kind::Dir || t->kind == Kind::Elev ||
               (t->kind == Kind::Word && (glue.count(t->low()) || (with_amounts && (t->low() == U"about" || t->low() == U"around"))));
    });
}

bool opens_with_a_verb(const Toks& piece) {
    for (const Tok* t : piece) {
        if (t->kind == Kind::Word && (t->low() == U"and" || t->low() == U"then")) continue;
        // ("Its recorded screech, which I play for clients, comes from ...": the verb after the aside)
        if (t->low() == U"which" || t->low() == U"who" || t->low() == U"that") return true;
        if (is_move(t->kind) || t->kind == Kind::Passing || t->kind == Kind::Approach || t->kind == Kind::Recede)
            return true;
        return t->kind == Kind::Word && (ends_with(t->low(), U"ed") || verb_form(t->low()) % 2 == 1);
    }
    return false;
}
}  // namespace

std::vector<Group> group(std::vector<Tok>& tokens, std::vector<bool>& colon_after, std::vector<bool>& colon_only) {
    mark_wrapped_lines(tokens);
    adjust_tokens(tokens);
    // "on the left: rain, on the right: birds", "Upstairs: drums and on the left: bass": a place keying
    // the next item after a comma or "and" opens a clause of its own (as after a full stop)
    for (std::size_t i = 1; i < tokens.size(); ++i) {
        if (tokens[i].kind != Kind::Hard || tokens[i].text.find(U':') == u32::npos || tokens[i].text.find(U'\n') != u32::npos)
            continue;
        std::size_t j = i;
        while (j > 0 && tokens[j - 1].kind == Kind::Space) --j;
        if (j == 0 || (tokens[j - 1].kind != Kind::Dir && tokens[j - 1].kind != Kind::Elev)) continue;
        std::size_t k = j - 1;
        static const std::set<u32> leads = {U"on", U"at", U"to", U"in", U"from", U"towards", U"toward", U"and"};
        while (k > 0 && (tokens[k - 1].kind == Kind::Space || (tokens[k - 1].kind == Kind::Word && leads.count(tokens[k - 1].low()))))
            --k;
        if (k > 0 && tokens[k - 1].kind == Kind::Soft &&
            (tokens[k - 1].low() == U"," || tokens[k - 1].low() == U"and" || tokens[k - 1].low() == U"&" ||
             tokens[k - 1].low() == U"then"))
            tokens[k - 1].kind = Kind::Hard;
    }
    std::vector<Toks> clauses(1);
    std::vector<bool> bang_after(1, false);  // the clause ended with "!"
    std::vector<bool> after_while(1, false);  // the clause follows "while" / "whilst"
    std::vector<bool> line_before(1, false);  // the clause opens a line
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
            after_while.push_back(tok.low() == U"while" || tok.low() == U"whilst");
            colon_after.push_back(false);
            colon_only.push_back(false);
            bang_after.push_back(false);
            line_before.push_back(tok.text.find(U'\n') != u32::npos);
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
        // "my partner swearing behind me while holding the door panel": what the sound before does meanwhile
        if (after_while[c] && !clause.empty() && clause[0]->kind == Kind::Word && ends_with(clause[0]->low(), U"ing") &&
            !sound_verb(clause[0]->low()) && !sources.empty() &&
            std::none_of(clause.begin(), clause.end(), [](const Tok* t) {
                return t->kind == Kind::Dir || t->kind == Kind::Elev || is_move(t->kind) || t->kind == Kind::From ||
                       t->kind == Kind::To || t->kind == Kind::Circle;
            }))
            continue;
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
            static const std::set<u32> who = {U"i", U"i'm", U"we", U"we're", U"you", U"you're", U"im", U"you'll",
                                              U"we'll", U"i'll", U"you'd", U"we'd", U"i'd", U"u"};
            auto first_word = [](const u32& w) { return w.substr(0, w.find(U' ')); };
            auto subject = std::find_if(piece.begin(), piece.end(), [&](const Tok* t) { return who.count(first_word(t->low())) > 0; });
            if (subject == piece.end()) continue;
            // "hear" alone or ending a phrase read as one token ("I can hear", "we hear")
            auto hear = std::find_if(subject, piece.end(), [](const Tok* t) {
                const u32& w = t->low();
                // ("I remember the roof groaning above us": the sound starts after what recalls it too)
                // ("I swear something is snuffling around the tent": what is sworn to is heard)
                return ends_with(w, U"hear") || ends_with(w, U"hears") || ends_with(w, U"heard") ||
                       ends_with(w, U"hearing") || w == U"listen" || ends_with(w, U"remember") ||
                       ends_with(w, U"remembered") || w == U"recall" || w == U"swear" || w == U"reckon";
            });
            // (a place said before it stays: "On the left I hear a dog")
            // ("I want to remember it:" names nothing after it)
            const bool recalled = hear != piece.end() && !ends_with((*hear)->low(), U"hear") &&
                                  !ends_with((*hear)->low(), U"hears") && !ends_with((*hear)->low(), U"heard") &&
                                  !ends_with((*hear)->low(), U"hearing") && (*hear)->low() != U"listen" &&
                                  (*hear)->low() != U"swear" && (*hear)->low() != U"reckon";
            static const std::set<u32> determiners = {U"the", U"a", U"an", U"my", U"our", U"his", U"her", U"their", U"some"};
            if (recalled && (hear + 1 == piece.end() || !determiners.count((*(hear + 1))->low()))) continue;
            if (hear != piece.end() && hear + 1 != piece.end())
                piece.erase(std::remove_if(piece.begin(), hear + 1,
                                           [](const Tok* t) { return t->kind != Kind::Dir && t->kind != Kind::Elev; }),
                            hear + 1);
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
                    // ("right when I sit on the porch there's a rooster in front": the sound after "there's")
                    auto there = std::find_if(piece.begin() + static_cast<long>(i), piece.end(), [](const Tok* t) {
                        return t->low() == U"there's" || t->low() == U"theres" || t->low() == U"there";
                    });
                    piece.erase(piece.begin() + static_cast<long>(i), there);
                    break;
                }
            }
        // "... as you breathe in", "while we wait": what the listener does meanwhile
        for (std::size_t k = 1; k < pieces.size(); ++k) {
            if (opener[k] != U"as" && opener[k] != U"while" && opener[k] != U"when" && opener[k] != U"whenever") continue;
            const auto w = std::find_if(pieces[k].begin(), pieces[k].end(), [](const Tok* t) { return t->kind == Kind::Word; });
            if (w != pieces[k].end() && ((*w)->low() == U"you" || (*w)->low() == U"we" || (*w)->low() == U"i"))
                pieces[k].clear();
            // "... to my right as the batsmen walk off": when, told by what someone does, with no place
            // and no word of a sound ("as the crowd cheers" is one)
            else if (std::none_of(pieces[k].begin(), pieces[k].end(), [](const Tok* t) {
                         return (t->kind != Kind::Word && !is_move(t->kind)) || sound_noun(t->low()) ||
                                sound_verb(t->low());
                     }))
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
                                    })) ||
                                   // "We've been on the roof since 3am.": where the listener is, up or down
                                   (listener_acts(pieces[0]) && std::any_of(pieces[0].begin(), pieces[0].end(), [](const Tok* t) {
                                        return t->low() == U"been";
                                    }) && std::none_of(pieces[0].begin(), pieces[0].end(), [](const Tok* t) {
                                        return t->kind == Kind::Dir || sound_noun(t->low()) || sound_verb(t->low());
                                    }))))
            pieces[0].clear();
        std::vector<bool> has_label(pieces.size());
        for (std::size_t k = 0; k < pieces.size(); ++k) {
            Toks content;
            for (Tok* t : pieces[k])
                if (is_content(*t)) content.push_back(t);
            // a descriptor heard from a place of its own may be a sound (describes_previous decides)
            // "...: back right corner of the cabin", "far end": parts of a place say where, name nothing
            static const std::set<u32> place_parts = {U"corner", U"corners", U"end", U"edge", U"side", U"part", U"area",
                                                      U"section", U"half", U"spot", U"region", U"quadrant", U"zone"};
            const bool parts_only = std::all_of(content.begin(), content.end(), [](const Tok* x) {
                return place_parts.count(x->low()) > 0;
            }) && std::any_of(pieces[k].begin(), pieces[k].end(), [](const Tok* x) { return x->kind == Kind::Dir; });
            // "..., no particular direction", "any position": says the sound before has no place
            static const std::set<u32> no_place = {U"no", U"any", U"particular", U"specific", U"fixed", U"set",
                                                   U"exact", U"direction", U"place", U"position", U"spot", U"location"};
            const bool placeless = std::all_of(content.begin(), content.end(), [](const Tok* x) {
                return no_place.count(x->low()) > 0;
            });
            // ("Helicopter above, going around me one time, ...": how many times round, no sound of its own)
            static const std::set<u32> counted = {U"one", U"two", U"time", U"times", U"full", U"complete", U"whole"};
            const bool times_round = std::any_of(pieces[k].begin(), pieces[k].end(), [](const Tok* x) { return x->kind == Kind::Circle; }) &&
                                     std::all_of(content.begin(), content.end(), [](const Tok* x) { return counted.count(x->low()) > 0; });
            has_label[k] = !content.empty() && !descriptor_only(content) && !parts_only && !placeless && !times_round &&
                           !sound_said_twice(pieces, k) &&
                           // a heading before a colon ("Put these in:", "FADE IN:") stays a heading
                           !(only_verbs(pieces[k], content) && !colon_after[c] && !names_a_noun_phrase(pieces[k]) &&
                             !plural_noun_then_its_sound(pieces[k]) &&
                             !(opener[k] == U"," && lone_word_at_a_place(pieces[k])) &&
                             verb_goes_on(pieces, has_label, k));
            if (!has_label[k] && !content.empty()) {
                const auto own = locations(pieces[k]);
                has_label[k] = std::any_of(own.begin(), own.end(), [](const Role& r) { return r.role == Kind::From; });
            }
            // "a truck reverses with a warning beep, moving ...": what it sounds with, not another sound
            // ("..., with seagulls overhead": a height of its own makes it a sound of its own)
            if (has_label[k] && k > 0 && opener[k] == U"with" && locations(pieces[k]).empty() &&
                std::none_of(pieces[k].begin(), pieces[k].end(),
                             [](const Tok* t) { return is_move(t->kind) || t->kind == Kind::Elev; }) &&
                std::find(has_label.begin(), has_label.begin() + k, true) != has_label.begin() + k)
                has_label[k] = false;
            // "the airlock cycles with a hiss at your nine o'clock": the sound it makes, where the thing
            // before it (placed nowhere else) is
            auto placed_piece = [](const Toks& q) {
                return !locations(q).empty() ||
                       std::any_of(q.begin(), q.end(), [](const Tok* t) { return is_move(t->kind) || t->kind == Kind::Elev; });
            };
            if (has_label[k] && k > 0 && opener[k] == U"with" && has_label[k - 1] && !placed_piece(pieces[k - 1]) &&
                sound_made_with(pieces[k]))
                has_label[k] = false;
        }
        const std::size_t first_in_clause = sources.size();
        // a piece that says more of the last sound of an earlier sentence ("A kettle. Its whistle ...")
        std::vector<bool> joins_last(pieces.size(), false);
        for (std::size_t k = 0; k < pieces.size(); ++k) {
            const bool label_before = std::find(has_label.begin(), has_label.begin() + k, true) != has_label.begin() + k;
            if (!has_label[k] || (sources.empty() && !label_before)) continue;
            // the source a describing piece would join: the labelled piece before it, else the last source
            const Toks* prev = nullptr;
            Toks told;  // the labelled piece before and the label-less ones after it ("..., starting behind and")
            for (std::size_t j = k; j-- > 0;)
                if (has_label[j] || joins_last[j]) {
                    prev = &pieces[j];
                    for (std::size_t i = j; i < k; ++i) told.insert(told.end(), pieces[i].begin(), pieces[i].end());
                    break;
                }
            // a list after a colon starts afresh: "Pool: splashing in front, ..." is an item, not the pool's
            const bool after_colon = c > 0 && colon_only[c - 1];
            if (!prev && !sources.empty() && !after_colon) prev = &sources.back().toks;
            if (!prev && after_colon) continue;
            // "...\nthen clapping, center": a line's participle with its own place after a comma is an item
            const bool line_item = line_before[c] && k + 1 < pieces.size() &&
                                   std::all_of(pieces.begin(), pieces.begin() + static_cast<long>(k), [](const Toks& q) { return q.empty(); }) &&
                                   std::none_of(pieces[k + 1].begin(), pieces[k + 1].end(), [](const Tok* t) { return is_content(*t); }) &&
                                   std::any_of(pieces[k + 1].begin(), pieces[k + 1].end(),
                                               [](const Tok* t) { return t->kind == Kind::Dir || t->kind == Kind::Elev; });
            // ("heartbeat thudding underneath, breathing close on the right ear": a height is a place too,
            // but "a plane drones overhead, banking from right to left" goes on with the plane's move)
            const bool moves_on = std::any_of(pieces[k].begin(), pieces[k].end(), [](const Tok* t) {
                return t->kind == Kind::From || t->kind == Kind::To || t->kind == Kind::Passing || is_move(t->kind);
            });
            const bool prev_located = prev && (!locations(*prev).empty() ||
                                               (!moves_on && std::any_of(prev->begin(), prev->end(),
                                                                         [](const Tok* t) { return t->kind == Kind::Elev; })));
            if (plural_noun_then_its_sound(pieces[k])) continue;
            // ("Recreating my old gaffer's shop for a video. His wireless crackling on my left, ...": the
            // sentence before names nothing heard, so there is nothing to say more of)
            const bool nothing_heard_before =
                !label_before && prev && !pieces[k].empty() &&
                (pieces[k][0]->low() == U"his" || pieces[k][0]->low() == U"her" || pieces[k][0]->low() == U"their") &&
                std::none_of(prev->begin(), prev->end(), [](const Tok* t) {
                    return t->kind == Kind::Word && (sound_noun(t->low()) || sound_verb(t->low()));
                });
            if (!line_item && !nothing_heard_before && describes_previous(pieces[k], prev_located)) {
                has_label[k] = false;
                // (not when the next piece goes on with its verb: "Its drums started on my left and moved
                // across to the right" stays one sound)
                joins_last[k] = !label_before && !(k + 1 < pieces.size() && opens_with_a_verb(pieces[k + 1]));
            }
            else if (prev && route_landmark(pieces[k], told.empty() ? *prev : told)) has_label[k] = false;
            else if (prev && opener[k].find(U"and") != u32::npos && parallel_verb(pieces[k], told.empty() ? *prev : told))
                has_label[k] = false;
            else if (prev && opener[k] == U"," && where_it_is(pieces[k])) has_label[k] = false;
            else if (prev && (opener[k].find(U"and") != u32::npos || opener[k].find(U"then") != u32::npos ||
                              (opener[k] == U"," && !pieces[k].empty() &&
                               (ends_with(pieces[k][0]->low(), U"ed") || verb_form(pieces[k][0]->low()) % 2 == 1 ||
                                pieces[k][0]->kind == Kind::Passing)) ||
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
            // "two jets - one left, one right - both high overhead": said of the sounds before, not the next
            if (said_of_those_before(p) && sources.size() >= 2) {
                const std::size_t n = p[0]->low() == U"both" ? 2 : sources.size();
                for (std::size_t j = sources.size() - n; j < sources.size(); ++j)
                    for (Tok* t : p)
                        if ((t->kind == Kind::Elev || t->kind == Kind::Dir) &&
                            std::none_of(sources[j].toks.begin(), sources[j].toks.end(),
                                         [&](const Tok* x) { return x->kind == t->kind; }))
                            sources[j].toks.push_back(t);
                continue;
            }
            // "rain - behind, thunder - left": after a dash, a place alone belongs to the sound before it
            // ("smoke alarm: directly behind, loud, then the voice from front-right": after a colon too,
            // when the sound before is all the clause before it)
            const bool after_dash =
                c > 0 && colon_after[c - 1] &&
                (!colon_only[c - 1] ||
                 (!sources.empty() && sources.back().clause == static_cast<int>(c) - 1 && first_in_clause == sources.size() &&
                  std::count_if(pieces.begin(), pieces.end(), [](const Toks& q) { return !q.empty() && a_place_alone(q, true); }) == 1 &&
                  a_place_alone(p, false)));
            if (k == 0 && after_dash && current < 0 && !sources.empty() && !locations(p).empty() &&
                locations(sources.back().toks).empty() && pieces.size() > 1) {
                sources.back().toks.insert(sources.back().toks.end(), p.begin(), p.end());
                // ("Fireworks - through the windows on the left, high up, with the crowd ...": more of its place)
                current = static_cast<int>(sources.size()) - 1;
                continue;
            }
            if (joins_last[k] && current < 0 && pending.empty() && !sources.empty()) {
                sources.back().toks.insert(sources.back().toks.end(), p.begin(), p.end());
                current = static_cast<int>(sources.size()) - 1;
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
            // (and "..., and stop right in front of them": where the move before ends)
            // ("and slowly crosses in front to hard right, with debris ...": a passing too)
            const bool told = std::any_of(p.begin(), p.end(), [](const Tok* t) {
                return is_move(t->kind) || t->kind == Kind::Passing || (t->kind == Kind::Word && verb_form(t->low()) == 1);
            }) || (!p.empty() && p[0]->kind == Kind::To && p[0]->low() != U"to" && p[0]->low() != U"towards" &&
                   p[0]->low() != U"toward" && p[0]->low() != U"into" && p[0]->low() != U"onto");
            // (a height is a place too: "a drone hums overhead, and far behind, the siren wails", "...,
            // and somewhere above, a neon sign buzzes")
            auto placed_at = [](const Toks& q) {
                return !locations(q).empty() || std::any_of(q.begin(), q.end(), [](const Tok* t) { return t->kind == Kind::Elev; });
            };
            const bool somewhere_high = std::any_of(p.begin(), p.end(), [](const Tok* t) { return t->low() == U"somewhere"; }) &&
                                        placed_at(p);
            // (but "from up and to the left, like ..." finishes the height's place: after a height alone,
            // only ", and <place>," opens a place of the next sound)
            const bool after_comma_and = k >= 2 && pieces[k - 1].empty() && opener[k - 1] == U"," &&
                                         opener[k].find(U"and") != u32::npos;
            const bool current_placed = !locations(sources[current].toks).empty() ||
                                        (after_comma_and && placed_at(sources[current].toks));
            if (nxt < pieces.size() && (!locations(p).empty() || somewhere_high) && current_placed &&
                !placed_at(pieces[nxt]) &&
                !mirrors_last_place(p, sources[current].toks) && !told)
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
        // "A jet flyby: enters at 7 o'clock, exits at 5 o'clock": where one sound goes, not items
        const bool one_move = std::any_of(pieces.begin(), pieces.end(), [](const Toks& p) {
            return std::any_of(p.begin(), p.end(), [](const Tok* t) {
                return t->kind == Kind::From || t->kind == Kind::To || t->kind == Kind::Passing || t->kind == Kind::By ||
                       is_move(t->kind);
            });
        });
        if (all_places && !one_move && c > 0 && colon_only[c - 1] && !sources.empty() && first_in_clause == sources.size() &&
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

// "For the true crime episode I want a clock ticking behind the listener": where the first run
// of words names nothing heard and a later one names a sound, the sound is the label.
// "a motorboat passed us": the first words name a thing that does something (a verb follows them).
bool subject_acts(const Toks& toks, const u32& first) {
    if (first.empty()) return false;
    const u32 last = lower(first.substr(first.rfind(U' ') == u32::npos ? 0 : first.rfind(U' ') + 1));
    for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
        if (toks[i]->kind != Kind::Word || toks[i]->low() != last) continue;
        const Tok& next = *toks[i + 1];
        return is_move(next.kind) || next.kind == Kind::SpeedVerb || next.kind == Kind::Approach ||
               next.kind == Kind::Recede ||
               (next.kind == Kind::Word && (verb_form(next.low()) % 2 == 1 || verb_word_form(next.low()) % 2 == 1));
    }
    return false;
}

// "... out on the water", "in the street": the first noun of these tokens is where, after a preposition.
bool after_a_preposition(const Toks& rest) {
    static const std::set<u32> prepositions = {U"on", U"in", U"at", U"over", U"across", U"through", U"by", U"near",
                                               U"under", U"into", U"onto", U"along", U"behind", U"past", U"beside",
                                               U"inside", U"outside", U"around", U"round", U"beyond", U"toward",
                                               U"towards", U"off", U"above", U"below", U"beneath"};
    static const std::set<u32> determiners = {U"the", U"a", U"an", U"my", U"your", U"our", U"his", U"her", U"their", U"its"};
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (!is_content(*rest[i])) continue;
        std::size_t j = i;
        while (j > 0 && determiners.count(rest[j - 1]->low())) --j;
        return j > 0 && prepositions.count(rest[j - 1]->low()) > 0;
    }
    return false;
}

// "shovel digging", "old man whittling": a noun and what it is doing.
static bool noun_then_participle(const u32& label) {
    const std::size_t sp = label.rfind(U' ');
    if (sp == u32::npos) return false;
    const u32 head = lower(label.substr(0, label.find(U' ')));
    return ends_with(lower(label.substr(sp + 1)), U"ing") && label.size() - sp > 5 && !ends_with(head, U"ing");
}

// "Speaker 7 (90°) plays a chirp", "the left speaker plays rain": a loudspeaker named for what it
// plays; the label is what it plays
static u32 what_a_speaker_plays(const Toks& toks, const u32& t) {
    static const std::set<u32> speakers = {U"speaker", U"speakers", U"loudspeaker", U"loudspeakers", U"channel",
                                           U"monitor", U"sub", U"woofer"};
    bool speaker = false;
    for (std::size_t k = 0; k < toks.size(); ++k) {
        const u32& w = toks[k]->low();
        if (toks[k]->kind == Kind::Word && speakers.count(w)) speaker = true;
        if (!speaker || !(w == U"plays" || w == U"playing" || w == U"emits" || w == U"emitting" || w == U"outputs")) continue;
        return first_label(Toks(toks.begin() + static_cast<long>(k) + 1, toks.end()), t);
    }
    return u32();
}

u32 label_of(const Toks& toks, const u32& t) {
    const u32 played = what_a_speaker_plays(toks, t);
    const u32 first = played.empty() ? first_label(toks, t) : played;
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
        // (not after a distance said as an adjective: "a tiny distant tinkling bell" is one noun phrase)
        if (!later.empty() && later != first && has_sound_noun(later) &&
            (!ends_with(opener, U"ing") || toks[k - 1]->kind == Kind::Dist) &&
            // ("a shovel digging behind the car": a thing doing something, the car only where)
            !((subject_acts(toks, first) || noun_then_participle(first)) &&
              after_a_preposition(Toks(toks.begin() + static_cast<long>(k) - 1, toks.end()))) &&
            // ("a biplane flying over ..., engine sputtering": the biplane's engine is heard as the biplane)
            !(!first.empty() && t.substr(toks[k - 1]->end, toks[k]->start - toks[k - 1]->end).find(U',') != u32::npos &&
              names_a_part_of_a_thing(later) &&
              // (only of a thing on the move: "Down the street on the right, sirens wailing" names the sirens)
              std::any_of(toks.begin(), toks.begin() + static_cast<long>(k), [](const Tok* x) {
                  return is_move(x->kind) || x->kind == Kind::From || x->kind == Kind::To || x->kind == Kind::Passing;
              }) &&
              !names_a_part_of_a_thing(first)))
            return later;
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
        // ("a fire truck right after it": "right" says when, as "just" and "straight" do)
        while (b > a && (!is_content(*run[b - 1]) ||
                         (b - 1 > a && (run[b - 1]->low() == U"right" || run[b - 1]->low() == U"just" ||
                                        run[b - 1]->low() == U"straight"))))
            --b;
        if (a == b) continue;
        // "the hum should sit at 2 o'clock", "the owl needs to be at left 60": a modal ends the name
        for (std::size_t i = a + 1; i < b; ++i) {
            static const std::set<u32> modals = {U"should", U"must", U"needs", U"shall", U"might", U"currently",
                                                 U"shouldn't", U"mustn't", U"ought"};
            if (!modals.count(run[i]->low())) continue;
            // ("the scene needs punches landing": what it needs is the sound)
            if (run[i]->low() == U"needs" && i + 1 < run.size() && run[i + 1]->low() != U"to") continue;
            // ("water should drip": the sound it makes stays in its name)
            std::size_t v = i + 1;
            if (v < run.size() && (run[v]->low() == U"to" || run[v]->low() == U"be" || run[v]->low() == U"also")) ++v;
            if (v < run.size() && sound_verb(run[v]->low())) break;
            b = i;
            while (b > a && !is_content(*run[b - 1])) --b;
            break;
        }
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

}  // namespace bewo::rt::prompt_detail
