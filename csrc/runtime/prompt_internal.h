// The prompt parser's shared pieces (prompt_parser.h is the API): tokens, pieces, groups and the
// functions the prompt_*.cpp files that read a prompt call across one another.
#pragma once
#include <cmath>
#include <cstddef>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "prompt_patterns.h"
#include "scene_json.h"
#include "text_match.h"

namespace bewo::rt::prompt_detail {

using textmatch::u32;
using textmatch::Regex;
using textmatch::lower;

struct Tok {
    int start, end;
    Kind kind;
    double az = 0.0;      // Dir (elevation for Elev)
    std::string value;    // Speed / SpeedVerb class, Dist / DistOf class
    u32 text;             // the original text (t[start:end])
    double raw = std::nan("");  // Dir: a signed angle as written ("270 degrees"); NaN otherwise
    const u32& low() const {  // lower case, computed once (the rules ask for it many times)
        if (!has_low) low_text = lower(text), has_low = true;
        return low_text;
    }
    mutable u32 low_text;
    mutable bool has_low = false;
};

struct RoomHit {
    bool place;  // _ROOM_PLACE (adjectives + noun) or _ROOM_PLAIN ("outdoors", "inside"...)
    u32 text, adjs, noun;
};

using Toks = std::vector<Tok*>;  // tokens are shared: _group re-kinds some in place

struct Role { int idx; double az; Kind role; double raw; };  // role: From, To, At or Word (bare)

// One source's tokens and the clause (text between hard breaks) it was found in.
struct Group {
    Toks toks;
    int clause = 0;
    int heading = -1;   // the list heading this item takes its label from ("Three cars honking: left, right")
    bool drop = false;  // a heading whose items are the sources
};

double py_mod(double x, double m);
double wrap_deg(double a);
double word_number(const u32& s);
double number(const u32& s);
double dir_value(DirValue kind, const Regex& rx, const Regex::Match& m, const u32& low, double* raw);
bool opens_with_a_place(const u32& inside);
std::vector<std::pair<int, int>> quoted_spans(const u32& t);
bool behind_a_thing(const u32& low, int s, int e);
bool target_inside_a_move(const u32& low, int s, int e);
std::vector<Tok> tokenize(const u32& t, std::vector<RoomHit>& rooms);
bool is_content(const Tok& tok);
bool is_move(Kind k);
const std::set<u32>& sound_verbs();
int verb_form(const u32& w);
// A verb of coming to a stop ("lands", "stopped", "park"): said between two places, the move ends at the second.
bool stops_a_move(const u32& w);
bool continues_sentence(const Toks& piece, const Toks& before);
std::vector<Role> roles(const Toks& toks);
std::vector<Role> locations(const Toks& toks);
bool describes_previous(const Toks& p, bool previous_located);
bool route_landmark(const Toks& p, const Toks& before);
extern thread_local bool descriptors_are_sounds;
bool is_material(const u32& w);
bool names_a_material(const u32& text);
bool descriptor_only(const Toks& content);
bool lone_participle_describes(const Toks& p, bool previous_located);
const std::map<u32, int>& count_words();
void mark_wrapped_lines(std::vector<Tok>& tokens);
bool is_lead_in(const Tok& tok);
bool compound_noun(const Toks& p, std::size_t i);
const std::set<u32>& place_words();
bool count_or_number(const u32& w);
bool heading_name(const Toks& p);
bool place_only(const Toks& p);
bool scene_setting(const Toks& p);
bool listener_acts(const Toks& p);
bool audience_acts(const Toks& p);
bool listener_role(const Toks& p);
bool listener_pose(const Toks& p);
bool addressed_to_listener(const Toks& p);
bool noun_after_article(const Toks& p, std::size_t i);
bool imperative(const std::vector<Tok>& tokens, std::size_t i);
bool idiom_side(const std::vector<Tok>& tokens, std::size_t i);
void adjust_tokens(std::vector<Tok>& tokens);
bool mirrors_last_place(const Toks& p, const Toks& source);
bool names_a_noun_phrase(const Toks& piece);
bool only_verbs(const Toks& piece, const Toks& content);
bool verb_goes_on(const std::vector<Toks>& pieces, const std::vector<bool>& has_label, std::size_t k);
std::vector<Group> group(std::vector<Tok>& tokens, std::vector<bool>& colon_after, std::vector<bool>& colon_only);
u32 run_label(const Toks& run, std::size_t a, std::size_t b, const u32& t);
u32 label_of(const Toks& toks, const u32& t);
u32 first_label(const Toks& toks, const u32& t);
double route_through(double a0, double a1, double via);
void along_side(double side, bool coming_towards, double& a0, double& a1);
bool oncoming(const Toks& toks);
SceneSource resolve(const Toks& toks, const u32& label);
void keep_descriptive_participles(Toks& toks);
u32 without_count(const u32& label);
bool pronoun_goes_on(const Toks& toks, const Toks& before);
bool only_a_target(const Toks& toks);
void verb_moves(Toks& toks);
void merge_same_sources(std::vector<Group>& groups, std::vector<u32>& labels);
bool same_place(const Toks& toks);
bool from_there(const Toks& toks);
bool is_silent(const Toks& toks);
u32 singular(const u32& w);
void drop_counting_ones(std::vector<SceneSource>& sources);
void name_ones_after_the_sound_before(std::vector<SceneSource>& sources, std::vector<int>& clause_of, std::vector<bool>& placed, std::vector<std::vector<u32>>& mentions);
void drop_list_headings(std::vector<SceneSource>& sources, std::vector<int>& clause_of, std::vector<bool>& placed, std::vector<std::vector<u32>>& mentions, const std::vector<bool>& colon_after, const std::vector<bool>& colon_only);
std::vector<Toks> spread_places(const Toks& toks, const u32& text, std::deque<Tok>& synth);
void with_run_on_breaks(std::vector<Tok>& tokens);
void with_diagonals_joined(std::vector<Tok>& tokens, const u32& t);
void with_opening_sound_nouns(std::vector<Tok>& tokens);
void with_numbers_as_names(std::vector<Tok>& tokens);
std::string placement_note(const std::vector<SceneSource>& sources, const std::vector<bool>& placed, const std::vector<Tok>& tokens);
u32 with_at_signs_as_at(const u32& t);
u32 with_time_phrases_dropped(const u32& t);
u32 with_text_references_dropped(const u32& t);
u32 with_restated_places_dropped(const u32& t);
u32 with_sign_off_dropped(const u32& t);
u32 with_shared_units_spread(const u32& t);
u32 with_purpose_clauses_dropped(const u32& t);
u32 with_saw_as_seeing(const u32& t);
u32 with_speakers_as_places(const u32& t);
u32 with_current_places_dropped(const u32& t);
u32 with_layering_dropped(const u32& t);
u32 with_idle_around_dropped(const u32& t);
u32 with_spread_across_as_still(const u32& t);
u32 with_tildes_joined(const u32& t);
u32 with_off_ahead_as_to_the_front(const u32& t);
u32 with_side_ones_as_sides(const u32& t);
u32 with_terse_back_as_behind(const u32& t);
u32 with_wrong_places_dropped(const u32& t);
u32 with_right_as_correct(const u32& t);
u32 with_said_silent_dropped(const u32& t);
u32 with_apologies_dropped(const u32& t);
u32 with_angle_spacings_dropped(const u32& t);
u32 with_temperatures_dropped(const u32& t);
u32 with_going_forward_beside_a_side_dropped(const u32& t);
u32 with_carrying_on_as_going(const u32& t);
u32 with_listener_amid(const u32& t);
u32 with_home_above_or_below_dropped(const u32& t);
u32 with_coming_in_behind_as_from_behind(const u32& t);
u32 with_bracketed_angles_after_places_dropped(const u32& t);
u32 with_fixed_pairs_joined(const u32& t);
u32 with_remaining_left_dropped(const u32& t);
u32 with_leaving_left_as_quit(const u32& t);
u32 with_keep_instructions_dropped(const u32& t);
std::pair<int, bool> written_angle(const u32& num);
u32 with_terse_angles(const u32& t);
u32 with_bare_angle_ranges(const u32& t);
u32 with_angle_spans_as_middles(const u32& t);
u32 with_bare_clock_hours(const u32& t);
u32 with_another_as_another_one(const u32& t);
u32 with_small_amounts_after_sides_moved(const u32& t);
u32 with_small_amounts_before_front_back_dropped(const u32& t);
u32 with_nautical_sides(const u32& t);
u32 with_compass_bearings(const u32& t, bool& north_assumed);
bool signed_angle(const Tok& k, const u32& t);
u32 with_corrections_applied(const u32& t, const std::vector<Tok>& tokens);
void resolve_room(const std::vector<RoomHit>& rooms, SceneSpec& out);
std::string py_repr(const u32& s);
void both_sides_and_bracketed_places(u32& t);
std::vector<u32> definite_nouns(const Toks& toks);
const SceneSource* earlier_mention(const Toks& toks, const std::vector<SceneSource>& sources);
void place_earlier_mentions(std::vector<SceneSource>& sources, std::vector<bool>& placed, std::vector<std::vector<u32>>& mentions);
bool placed_by_sounds_before(const Toks& place, bool stated, std::vector<SceneSource>& sources);
std::vector<u32> landmark_nouns(const Toks& toks);
u32 with_pronoun_subject(const u32& label, const u32& t);
void drop_scene_heading(std::vector<SceneSource>& sources, std::vector<bool>& placed, const u32& t);

}  // namespace bewo::rt::prompt_detail
