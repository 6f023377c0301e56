// One source's motion, distance and speed from its tokens (parser._resolve).
#include "prompt_internal.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sound_words.h"

namespace bewo::rt::prompt_detail {

using namespace textmatch;

// ---- one source's motion, distance and speed (parser._resolve) -----------------------------------
const std::map<std::string, double> kDistanceM = {{"near", 1.0}, {"moderate", 2.5}, {"far", 6.0}};

// a1 moved by whole turns so that the move from a0 passes `via` (the shorter such move).
double route_through(double a0, double a1, double via) {
    auto passes = [&](double b) {
        const double lo = std::min(a0, b), hi = std::max(a0, b);
        return via + 360.0 * std::ceil((lo - via) / 360.0) <= hi;
    };
    if (passes(a1)) return a1;
    double best = a1;
    for (const double b : {a1 - 360.0, a1 + 360.0, a1 - 720.0, a1 + 720.0})
        if (passes(b) && (best == a1 || std::fabs(b - a0) < std::fabs(best - a0))) best = b;
    return best;
}

// Passing along one side ("overtakes us on the right"): from behind to the front on that side
// (rear diagonal to front diagonal), or the other way for traffic coming towards the listener.
void along_side(double side, bool coming_towards, double& a0, double& a1) {
    const double rear = side < 0 ? -135.0 : 135.0, front = side < 0 ? -45.0 : 45.0;
    a0 = coming_towards ? front : rear;
    a1 = coming_towards ? rear : front;
}

bool oncoming(const Toks& toks) {
    for (std::size_t i = 0; i < toks.size(); ++i) {
        const u32& w = toks[i]->low();
        if (w == U"oncoming" || w == U"head-on") return true;
        if ((w == U"towards" || w == U"toward") && i + 1 < toks.size() &&
            (toks[i + 1]->low() == U"me" || toks[i + 1]->low() == U"us" || toks[i + 1]->low() == U"you"))
            return true;
    }
    return false;
}

// "one time", "one full time": once, in words
bool one_time(const Toks& toks) {
    for (std::size_t i = 0; i + 1 < toks.size(); ++i)
        if (toks[i]->low() == U"one" && (toks[i + 1]->low() == U"time" ||
                                         (toks[i + 1]->low() == U"full" && i + 2 < toks.size() && toks[i + 2]->low() == U"time")))
            return true;
    return false;
}

SceneSource resolve(const Toks& toks, const u32& label) {
    const auto dirs = roles(toks);
    std::vector<int> move_idx;
    bool approach = false, recede = false, passing_by = false;
    for (int i = 0; i < static_cast<int>(toks.size()); ++i) {
        const Kind k = toks[i]->kind;
        if (is_move(k)) move_idx.push_back(i);
        approach = approach || k == Kind::Approach;
        recede = recede || k == Kind::Recede;
        if (k == Kind::By && i > 0 && is_move(toks[i - 1]->kind)) passing_by = true;
        if (k == Kind::Move && (toks[i]->low().compare(0, 4, U"pass") == 0 || toks[i]->low().compare(0, 7, U"overtak") == 0 ||
                                toks[i]->low().compare(0, 8, U"overtook") == 0 ||
                                ends_with(toks[i]->low(), U"-by") || ends_with(toks[i]->low(), U"flyby")))
            passing_by = true;
    }
    // "a stream runs past on my right", "the river flowing by on the left": water going by stays where it is
    if (passing_by) {
        static const std::set<u32> water = {U"stream", U"streams", U"river", U"creek", U"brook", U"canal", U"water",
                                            U"rapids", U"current", U"tide", U"burn", U"beck", U"rill", U"channel", U"ditch"};
        std::vector<u32> words(1);
        for (char32_t c : lower(label)) {
            if (is_letter(c)) words.back().push_back(c);
            else if (!words.back().empty()) words.emplace_back();
        }
        if (words.back().empty()) words.pop_back();
        // the water is what is named, not a word before it ("a canal boat passes on my left")
        for (std::size_t i = 0; i < words.size(); ++i)
            if (water.count(words[i]) && (i + 1 == words.size() || sound_verb(words[i + 1]) || ends_with(words[i + 1], U"ing")))
                passing_by = false;
    }
    // "a dog running towards me from the left": it comes nearer where it is (not when it passes by or
    // goes on to a place: "toward me from the left and then away off to the right")
    if (!approach && !passing_by && oncoming(toks) &&
        std::none_of(toks.begin(), toks.end(), [](const Tok* t) {
            return (t->kind == Kind::To && t->low() != U"towards" && t->low() != U"toward") || t->kind == Kind::Recede;
        }))
        approach = true;
    double via_phrase = std::nan(""), circle = 0.0;  // Passing: the azimuth passed; Circle: +-360
    // "gulls circling overhead" go round the listener; "gulls wheeling overhead to your right" circle there
    // ("seagulls circling above me once, beginning in front": once round the listener)
    const bool once = one_time(toks) || std::any_of(toks.begin(), toks.end(), [](const Tok* k) {
        return k->low() == U"once" || k->low() == U"twice" || k->low().find(U"full") != u32::npos;
    });
    for (const Tok* t : toks) {
        if (t->kind == Kind::Passing && std::isnan(via_phrase))
            via_phrase = t->low().find(U"front") != u32::npos ? 0.0 : 180.0;
        // ("a hawk circles once to the left": there; "circling above me once, beginning in front": round)
        // ("kids dancing in a circle on the left", "chasing its tail in circles on the left": there too)
        // (but "in a fast circle, starting behind me" goes round from there)
        // ("going slowly round the tree once, on my left": what it goes round is after the token, not me)
        const bool names_no_centre =
            t->low().find(U' ') == u32::npos ||
            ((t->low().rfind(U"in ", 0) == 0 || ends_with(t->low(), U"round")) &&
             (t->low().find(U"round") == u32::npos || ends_with(t->low(), U"round")) &&
             std::none_of(toks.begin(), toks.end(), [](const Tok* k) {
                 return k->kind == Kind::From || k->low().rfind(U"start", 0) == 0 || k->low().rfind(U"begin", 0) == 0;
             }));
        const bool in_place = names_no_centre && !dirs.empty() &&
                              (!once || std::none_of(toks.begin(), toks.end(), [](const Tok* k) {
                                   return k->kind == Kind::From;
                               }));
        if (t->kind == Kind::Circle && circle == 0.0 && !in_place) circle = t->az;
    }
    if (circle != 0.0) {  // "..., going counter-clockwise", "twice"
        for (const Tok* t : toks) {
            const u32& w = t->low();
            if (t->kind != Kind::Word) continue;
            if (w == U"counterclockwise" || w == U"counter-clockwise" || w == U"anticlockwise" || w == U"anti-clockwise")
                circle = -std::fabs(circle);
            if (w == U"twice") circle *= 2.0;
            if (w == U"thrice") circle *= 3.0;
        }
    }
    const bool has_from = std::any_of(dirs.begin(), dirs.end(), [](const Role& d) { return d.role == Kind::From; });
    const bool has_to = std::any_of(dirs.begin(), dirs.end(), [](const Role& d) { return d.role == Kind::To; });
    // "a train passing behind me": a sound that passes there with no other place (not "constant
    // elevation, passing in front", which names none)
    // "generator truck rumbling round the back", "the lad's boombox round the front": with no verb of
    // going, "round" a side of the listener is where it is, not a way past
    const bool round_a_side = !std::isnan(via_phrase) && dirs.empty() && move_idx.empty() && !approach && !recede &&
                              std::any_of(toks.begin(), toks.end(), [](const Tok* t) {
                                  return t->kind == Kind::Passing &&
                                         (t->low().rfind(U"round ", 0) == 0 || t->low().rfind(U"around ", 0) == 0);
                              });
    const bool passes_alone = !round_a_side && !std::isnan(via_phrase) && dirs.empty() && (names_a_sound(label) || names_a_person(label));
    // "comes from behind and lands in front of me": a verb of stopping between two places ends a move at the second
    bool ends_there = false;
    if (dirs.size() >= 2) {
        for (int i = dirs.front().idx + 1; i < dirs.back().idx && !ends_there; ++i) ends_there = stops_a_move(toks[i]->low());
    }
    // "a tern diving ahead and slightly right", "a gull flying behind and to the right": two places
    // joined by "and" with no start or end word are one place, whatever the verb
    bool one_place = false;
    if (dirs.size() == 2 && std::none_of(dirs.begin(), dirs.end(), [](const Role& d) {
            return d.role == Kind::From || d.role == Kind::To;
        }) && !approach && !recede && circle == 0.0 &&
        std::isnan(via_phrase)) {
        const double f = wrap_deg(dirs[0].az), g = wrap_deg(dirs[1].az);
        const bool front_or_back = f == 0.0 || std::fabs(f) == 180.0;
        one_place = front_or_back && std::fabs(g) > 0.0 && std::fabs(g) <= 90.0 && dirs[1].idx > dirs[0].idx;
        for (int i = dirs[0].idx + 1; i < dirs[1].idx && one_place; ++i)
            one_place = toks[i]->low() == U"and" || toks[i]->low() == U",";
    }
    const bool has_motion = (!move_idx.empty() && !one_place) || (has_from && has_to) || approach || recede || circle != 0.0 ||
                            passes_alone || ends_there;

    std::string d0, d1;  // distance classes; "" is Python's None
    for (int i = 0; i < static_cast<int>(toks.size()); ++i) {
        const Tok& tok = *toks[i];
        if (tok.kind == Kind::Dist || tok.kind == Kind::DistOf) {
            if (d0.empty()) {
                d0 = tok.value;
                continue;
            }
            bool ending_up = i > 0 && (toks[i - 1]->low() == U"ending up" || toks[i - 1]->low() == U"up");
            u32 before;
            for (int j = std::max(0, i - 2); j < i; ++j) before += (j > std::max(0, i - 2) ? U" " : U"") + toks[j]->low();
            if (ending_up || before.find(U"ending up") != u32::npos) d1 = tok.value;
        } else if (tok.kind == Kind::DistChange) {
            const auto& ends = patterns().dist_change_end;
            const auto it = ends.find(collapse_space(tok.low()));
            d1 = it == ends.end() ? "moderate" : it->second;
        }
    }
    if (d0.empty()) d0 = "moderate";

    double a0 = dirs.empty() ? (round_a_side ? via_phrase : 0.0) : dirs[0].az;
    bool has_a1 = false, unwrapped = false;
    std::optional<double> loop_via;  // a direction named between a move's start and an end equal to it
    int first_content = static_cast<int>(toks.size());
    for (int i = 0; i < static_cast<int>(toks.size()) && first_content == static_cast<int>(toks.size()); ++i)
        if (is_content(*toks[i])) first_content = i;
    double a1 = 0.0;
    auto side_not_front_back = [](double a) { return std::fabs(wrap_deg(a)) > 10 && std::fabs(wrap_deg(a)) < 170; };
    if (has_motion) {
        int start = -1;  // index into dirs
        for (std::size_t k = 0; k < dirs.size() && start < 0; ++k)
            if (dirs[k].role == Kind::From) start = static_cast<int>(k);
        if (start < 0 && !dirs.empty()) start = 0;
        std::vector<int> after;
        for (std::size_t k = 0; k < dirs.size(); ++k)
            if (start < 0 || dirs[k].idx > dirs[start].idx) after.push_back(static_cast<int>(k));
        if (start >= 0 && !after.empty()) {
            int end = after.back();
            for (int k : after)
                if (dirs[k].role == Kind::To) end = k;
            a0 = dirs[start].az;
            a1 = dirs[end].az;
            has_a1 = true;
            // "from -90 to 270 degrees", "from 170 to 190 degrees": signed angles go the way they say
            if (!std::isnan(dirs[start].raw) && !std::isnan(dirs[end].raw)) {
                a1 = a0 + (dirs[end].raw - dirs[start].raw);
                unwrapped = true;
            }
            // The way round: "passing behind you", "through the front", or a direction named along
            // the way ("from the left around behind me to the right": -90 -> -270; "from behind to
            // the front on the left side": 180 -> 360). A move that does not pass it goes the other way.
            double via = std::nan("");
            if (!std::isnan(via_phrase)) via = via_phrase;
            const bool on_axis = !side_not_front_back(a0) && !side_not_front_back(a1);
            for (int k = 0; k < static_cast<int>(dirs.size()) && std::isnan(via) && !unwrapped; ++k) {
                if (k == start || k == end) continue;
                // ("travels forward to the front left": which way it faces as it goes, not a place on the way)
                const u32& said = toks[dirs[k].idx]->low();
                if (said == U"forward" || said == U"forwards" || said == U"backward" || said == U"backwards") continue;
                const bool between = dirs[k].idx > dirs[start].idx && dirs[k].idx < dirs[end].idx;
                const bool rear = std::fabs(wrap_deg(dirs[k].az)) >= 170 && std::fabs(wrap_deg(a0)) < 170 &&
                                  std::fabs(wrap_deg(a1)) < 170;  // "passes behind me from left to right"
                if (between || rear || (on_axis && side_not_front_back(dirs[k].az))) via = dirs[k].az;
            }
            // a move from or to straight behind goes the short way round unless told otherwise
            if (!unwrapped && std::isnan(via) && std::fabs(a0) == 180.0 && a1 != 0.0) a0 = a1 < 0 ? -180.0 : 180.0;
            if (!unwrapped && std::isnan(via) && std::fabs(a1) == 180.0 && a0 != 0.0) a1 = a0 < 0 ? -180.0 : 180.0;
            // between two rear points a move goes round the back unless told otherwise ("from the left
            // rear to the right rear": -135 -> -225), as the caption generator words it
            if (!unwrapped && std::isnan(via) && std::fabs(wrap_deg(a0)) > 100.0 && std::fabs(wrap_deg(a1)) > 100.0 &&
                a0 * a1 < 0 && std::fabs(a0) < 180.0 && std::fabs(a1) < 180.0)
                a1 = a0 < 0 ? a1 - 360.0 : a1 + 360.0;
            // "from right side to left side behind me": across the back to the other side, not to the back-left
            if (!unwrapped && std::isnan(via) && std::fabs(std::fabs(a0) - 90.0) < 1.0 &&
                std::fabs(std::fabs(wrap_deg(a1)) - 135.0) < 1.0 && a0 * wrap_deg(a1) < 0) {
                const u32& said = toks[dirs[end].idx]->low();
                if (said.find(U"side") != u32::npos && said.find(U"behind") != u32::npos && said.find(U"side") < said.find(U"behind")) {
                    a1 = wrap_deg(a1) < 0 ? -90.0 : 90.0;
                    via = 180.0;
                }
            }
            if (!std::isnan(via)) a1 = route_through(a0, a1, via);
            // "from the left all the way round to the left again": back where it started, once round
            if (!unwrapped && std::isnan(via) && wrap_deg(a1) == wrap_deg(a0)) {
                for (int k = dirs[end].idx - 1; k >= 0 && k > dirs[start].idx; --k)
                    if (toks[k]->kind == Kind::To) {
                        if (toks[k]->low().find(U"round") != u32::npos) a1 = a0 + 360.0, unwrapped = true;
                        break;
                    }
            }
            // "honked right behind me and then passed me on the left": on past the listener, not to the side
            if (passing_by && !approach && !recede && circle == 0.0 && !unwrapped && dirs[end].role == Kind::At &&
                side_not_front_back(a1) && !side_not_front_back(a0)) {
                const double stated = a0, side = a1;
                along_side(a1, std::fabs(wrap_deg(stated)) < 90.0, a0, a1);
                // "right behind me", as said, and on past the listener to straight ahead (as most who
                // write it mean: 26 of 30 labelled overtakes end ahead)
                if (std::fabs(stated) == 180.0) {
                    a0 = side < 0 ? -180.0 : 180.0;
                    a1 = 0.0;
                }
            }
            for (int k = 0; k < static_cast<int>(dirs.size()) && !loop_via.has_value(); ++k)
                if (k != start && k != end && dirs[k].idx > dirs[start].idx && dirs[k].idx < dirs[end].idx &&
                    wrap_deg(dirs[k].az) != wrap_deg(a0))
                    loop_via = dirs[k].az;
        } else if (start >= 0) {
            const Role& only = dirs[start];
            const int first_move = move_idx.empty() ? static_cast<int>(toks.size()) : move_idx[0];
            // a direction before the sound is named is where it is ("Towards the right, a stream runs")
            const bool fronted = only.idx < first_content && only.idx < first_move;
            // "a river running behind", "a bird flying overhead to the left": a participle right after
            // the sound's noun with a bare direction says where it is; "a car moving left" moves
            bool participle_place = false;
            if (first_move < static_cast<int>(toks.size()) && first_move > 0 && is_content(*toks[first_move - 1])) {
                static const std::set<u32> translational = {U"moving", U"panning", U"shifting", U"sweeping", U"travelling",
                                                            U"traveling", U"heading", U"drifting", U"gliding", U"jumping",
                                                            U"leaping", U"passing", U"crossing", U"circling"};
                const u32 v = toks[first_move]->low();
                participle_place = ends_with(v, U"ing") && !translational.count(v);
            }
            {  // "the tap runs behind me", "the shower runs": running, not moving
                // and an arrival at one place: "a train pulling in behind me", "the bus arriving on your right"
                // "keys pan 30L", "panned hard left": a mix position
                static const std::set<u32> idle = {U"pan", U"panned", U"runs", U"run", U"ran", U"running", U"spins", U"spinning", U"turns",
                                                   U"turning", U"swings", U"swinging", U"pulls in", U"pulling in",
                                                   U"pulled in", U"arrives", U"arriving", U"arrived"};
                if (first_move < static_cast<int>(toks.size()) && idle.count(toks[first_move]->low())) participle_place = true;
            }
            // "Pan the hi-hat to +45", "panned to the left": a mix position, not a move
            const bool pan_to = only.role == Kind::To && std::any_of(toks.begin(), toks.begin() + only.idx, [](const Tok* t) {
                return t->low() == U"pan" || t->low() == U"panned";
            });
            if (!fronted && !pan_to && (only.role == Kind::To ||
                             (only.role == Kind::Word && only.idx > first_move && !approach && !recede && !passing_by &&
                              !participle_place))) {
                // "a printer going to my left", "thunder rolled behind me", "pages turning to my right":
                // with no start said, a verb and one place tell where the sound is (in 4,330 labelled
                // prompts, not one meant a move from straight ahead); a jump is a move by its meaning
                // ("someone whistles, then suddenly jumps to the left"), a jumping fish is not
                const bool jumps = first_move < static_cast<int>(toks.size()) && toks[first_move]->kind == Kind::SpeedVerb &&
                                   toks[first_move]->value == "instant" && !ends_with(toks[first_move]->low(), U"ing") &&
                                   std::fabs(only.az) > 30.0;  // "a fish jumps just off to my right": there
                if (jumps) a0 = 0.0, a1 = only.az, has_a1 = true;
                else a0 = only.az;
            } else if (passing_by && !approach && !recede && circle == 0.0 && only.role == Kind::At &&
                       side_not_front_back(only.az)) {
                along_side(only.az, oncoming(toks), a0, a1);  // "a truck passes me on the left"
                has_a1 = true;
            } else {
                a0 = only.az;
                if (!approach && !recede && circle == 0.0 && (passing_by || only.role == Kind::From) && side_not_front_back(a0))
                    a1 = -a0, has_a1 = true;
                // "a runner overtakes me from behind": on past the listener to straight ahead
                const bool overtakes = std::any_of(toks.begin(), toks.end(), [](const Tok* t) {
                    return t->low().compare(0, 7, U"overtak") == 0 || t->low() == U"overtook";
                });
                if (!approach && !recede && circle == 0.0 && overtakes && std::fabs(wrap_deg(a0)) == 180.0)
                    a0 = 180.0, a1 = 0.0, has_a1 = true;
            }
        } else if (!std::isnan(via_phrase) && dirs.empty() && !approach && !recede && circle == 0.0 && passes_alone) {
            // "a train passing behind me", "a car passing in front of me": across that side, left to right
            a0 = -90.0, a1 = route_through(-90.0, 90.0, via_phrase), has_a1 = true;
        } else if (passing_by && !approach && !recede) {
            a0 = -90.0, a1 = 90.0, has_a1 = true;
        }
        // "in one full circle", "one lap", "once": all the way round even when a place on the way is
        // named ("it starts on your right and goes to the back first"); a plain "circles around the
        // listener from the left to the right" is the arc between them
        const bool full_turn = std::any_of(toks.begin(), toks.end(), [](const Tok* t) {
            const u32& w = t->low();
            return w.find(U"full") != u32::npos || w.find(U"complete") != u32::npos || w.find(U"whole") != u32::npos ||
                   w.find(U"lap") != u32::npos || w.find(U"loop") != u32::npos || w.find(U"revolution") != u32::npos ||
                   w == U"once" || w == U"twice" || w == U"thrice" || w.find(U"round and") != u32::npos;
        }) || one_time(toks);
        if (circle != 0.0 && (!has_a1 || full_turn)) {  // "circles around me": once round from its start
            int from = -1, to = -1;
            for (std::size_t k = 0; k < dirs.size(); ++k) {
                if (dirs[k].role == Kind::From && from < 0) from = static_cast<int>(k);
                if (dirs[k].role == Kind::To && to < 0 && (from < 0 || dirs[k].idx > dirs[from].idx)) to = static_cast<int>(k);
            }
            // "starting and ending at my right": the end named is the start too
            bool start_is_end = false;
            for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
                if (toks[i]->low() != U"starting" && toks[i]->low() != U"starts") continue;
                const std::size_t j = toks[i + 1]->low() == U"and" ? i + 2 : i + 1;  // "and" may be a break
                if (j < toks.size() && toks[j]->kind == Kind::To && toks[j]->low().compare(0, 3, U"end") == 0)
                    start_is_end = true;
            }
            if (from >= 0) a0 = dirs[from].az;
            else if (to >= 0 && start_is_end) a0 = dirs[to].az;
            else if (!dirs.empty() && dirs[0].role != Kind::To) a0 = dirs[0].az;
            else a0 = 0.0;
            // "It starts on your right and goes to the back first": the way round, unless a word says it
            const bool way_said = std::any_of(toks.begin(), toks.end(), [](const Tok* t) {
                return t->low().find(U"clockwise") != u32::npos;  // also counter-, anti-
            });
            if (!way_said && to >= 0 && from >= 0 && wrap_deg(dirs[to].az - a0) != 0.0)
                circle = wrap_deg(dirs[to].az - a0) > 0 ? std::fabs(circle) : -std::fabs(circle);
            a1 = a0 + circle, has_a1 = true, unwrapped = true;
        }
        if (approach && d1.empty()) {
            if (d0 == "moderate" && std::none_of(toks.begin(), toks.end(), [](const Tok* k) { return k->kind == Kind::Dist; }))
                d0 = "far";
            d1 = "near";
        }
        if (recede && d1.empty()) d1 = "far";
    }
    if (has_a1 && !unwrapped && wrap_deg(a1) == wrap_deg(a0) && loop_via.has_value()) {
        a1 = a0 + (wrap_deg(*loop_via - a0) > 0 ? 360.0 : -360.0);  // "... around through the right, back to X"
        unwrapped = true;
    }
    if (has_a1 && (unwrapped ? a1 == a0 : wrap_deg(a1) == wrap_deg(a0))) has_a1 = false;
    const bool moving = has_a1 || (has_motion && !d1.empty() && d1 != d0);
    SceneSource s;
    s.label = to_utf8(label);
    s.speed = "still";
    if (moving) {
        s.speed = "moderate";
        for (const Tok* tok : toks)
            if (tok->kind == Kind::Speed || tok->kind == Kind::SpeedVerb) { s.speed = tok->value; break; }
    }
    // "ahead, slightly to the right", "in front and a bit left": the side refines the front;
    // "to my right, kind of behind me", "in front of me to the left": a side and front or back
    // named together are the diagonal between them
    if (!moving && dirs.size() >= 2 && dirs[1].idx <= dirs[0].idx + 4 && a0 == dirs[0].az) {
        const double f = dirs[0].az, g = dirs[1].az;
        auto axis = [](double a) { return a == 0.0 ? 1 : std::fabs(a) == 180.0 ? -1 : 0; };
        // an angle, or a clock hour ("behind me, 5 o'clock": the hour says which part of behind)
        const bool exact = !std::isnan(dirs[1].raw) || toks[dirs[1].idx]->low().find(U"deg") != u32::npos ||
                           toks[dirs[1].idx]->low().find(U"o'clock") != u32::npos ||
                           toks[dirs[1].idx]->low().find(U"o clock") != u32::npos;
        const u32& said = toks[dirs[1].idx]->low();
        const bool unsigned_angle = exact && std::fabs(f) == 90.0 && !said.empty() && said[0] != '-' && said[0] != '+' &&
                                    g > 0.0 && g < 90.0 && said.find(U"right") == u32::npos;
        if (unsigned_angle) a0 = f < 0 ? -g : g;  // "off to the left at roughly 45 degrees": 45 degrees of the left
        // "on the left at -60"; "from behind, 7 o'clock" (behind has no sign: any hour in the back half)
        else if (exact && (f == 0.0 || g == 0.0 || (f < 0) == (g < 0) || (std::fabs(f) == 180.0 && std::fabs(g) > 90.0))) a0 = g;
        else if (f == 0.0 && std::fabs(g) <= 60.0 && g != 0.0) a0 = g;
        // "behind her, just to the left", "behind you and a bit to your left": a little way off behind
        else if (axis(f) < 0 && !exact && std::fabs(g) <= 30.0 && g != 0.0) a0 = g < 0 ? -180.0 - g : 180.0 - g;
        else if (axis(f) && std::fabs(g) == 90.0) a0 = axis(f) > 0 ? g / 2 : g * 1.5;
        else if (axis(g) && std::fabs(f) == 90.0) a0 = axis(g) > 0 ? f / 2 : f * 1.5;
    }
    s.azimuth_start_deg = a0;
    s.azimuth_end_deg = moving && has_a1 ? a1 : a0;
    s.elevation_deg = 0.0;
    for (const Tok* tok : toks)
        if (tok->kind == Kind::Elev) { s.elevation_deg = tok->az; break; }
    s.distance_m = kDistanceM.at(d0);
    s.distance_end_m = moving && !d1.empty() && d1 != d0 ? kDistanceM.at(d1) : s.distance_m;
    for (const Tok* tok : toks)  // "about fifteen metres away": the distance itself
        if (tok->kind == Kind::DistM) {
            const double ratio = s.distance_end_m / s.distance_m;
            s.distance_m = tok->az;
            s.distance_end_m = tok->az * ratio;
            break;
        }
    s.change_time = 0.5;
    return s;
}

// A participle right after the sound's noun that moves it nowhere describes the sound ("water
// running in a sink on the left", "someone walking on the left"): it stays in the label and the
// source stays still. "passing" always moves.
void keep_descriptive_participles(Toks& toks) {
    if (resolve(toks, u32()).speed != "still") return;
    for (std::size_t i = 1; i < toks.size(); ++i) {
        if (!is_move(toks[i]->kind) || !is_content(*toks[i - 1])) continue;
        const u32 w = toks[i]->low();
        if (ends_with(w, U"ing") && w.compare(0, 4, U"pass") != 0) toks[i]->kind = Kind::Word;
    }
}

u32 without_count(const u32& label) {
    const u32 low = lower(label);
    std::size_t best = 0;
    for (const auto& [phrase, n] : count_words())
        if (low.size() > phrase.size() && low.compare(0, phrase.size(), phrase) == 0 && low[phrase.size()] == ' ')
            best = std::max(best, phrase.size() + 1);
    return label.substr(best);
}

// "A bird sings to my right. The same bird then flies to my left.": one source that moves.
// "Can you hear the ducks? They're on the pond in front of us.", "A foghorn called from off our
// right side; ... it had drifted round behind us.": a clause whose subject is "it" or "they" goes
// on with the sound before it when it places that sound (which had no place) or moves it on.
bool pronoun_goes_on(const Toks& toks, const Toks& before) {
    static const std::set<u32> pronouns = {U"it", U"they", U"it's", U"they're", U"its", U"it'd", U"they'd"};
    // the subject within the first words ("the next time it called, it had drifted round behind us"),
    // with no sound named before it
    std::size_t i = 0;
    while (i < toks.size() && i < 6 && toks[i]->kind == Kind::Word && !pronouns.count(toks[i]->low()) &&
           !sound_noun(toks[i]->low()))
        ++i;
    if (i >= toks.size() || !pronouns.count(toks[i]->low())) return false;
    auto has = [](const Toks& ts, auto pred) { return std::any_of(ts.begin(), ts.end(), pred); };
    auto dir = [](const Tok* k) { return k->kind == Kind::Dir; };
    auto moves = [](const Tok* k) { return is_move(k->kind) || k->kind == Kind::Approach || k->kind == Kind::Recede; };
    if (!has(toks, dir)) return false;
    return !has(before, dir) || has(toks, moves);
}

}  // namespace bewo::rt::prompt_detail
