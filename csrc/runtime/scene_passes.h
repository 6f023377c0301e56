// What the parser does with the sources it has read, before it returns the scene: sounds named
// twice become one, places pass between sounds and the things they are at, and what only frames
// the scene (a heading, the speaker's activity, a setting) goes. Each pass works on the sources
// and whether each was given a place (`placed`), kept in step.
#pragma once
#include <string>
#include <vector>

#include "scene_json.h"

namespace bewo::rt {

// Whether the label has `noun` (lower case) as a word, or its plural.
bool label_has_word(const std::string& label_utf8, const std::u32string& noun);
// A label up to its first preposition: what it names, not where ("knock on the door" -> "knock").
std::string subject_of(const std::string& label_utf8);
// sources[to] takes the place of sources[from], keeping its own label; sources[from] goes.
void take_place(std::vector<SceneSource>& sources, std::vector<bool>& placed, std::size_t from, std::size_t to);
// A sound word said twice as an exclamation ("Choo choo!", "Thump, thump -").
bool onomatopoeia(const std::string& label_utf8);
// An unplaced clause that tells the speaker's activity, the time or the text's purpose.
bool frames_the_scene(const std::string& label_utf8);

void merge_repeated_sounds(std::vector<SceneSource>& sources, std::vector<bool>& placed);
// `clause_of` and `mentions` (the nouns each source was named by with "the") are kept in step.
void merge_definite_repeats(std::vector<SceneSource>& sources, std::vector<bool>& placed, std::vector<int>& clause_of,
                            std::vector<std::vector<std::u32string>>& mentions);
// `landmarks`: the things each source is said to be at ("rain on the window" -> window).
void place_sounds_at_named_landmarks(std::vector<SceneSource>& sources, std::vector<bool>& placed,
                                     std::vector<int>& clause_of, std::vector<std::vector<std::u32string>>& mentions,
                                     const std::vector<std::vector<std::u32string>>& landmarks);
void give_landmark_places_to_sounds(std::vector<SceneSource>& sources, std::vector<bool>& placed, const std::u32string& t);
// "... then a cart rattles after it the same way": the way of the sound before, for one with no place.
void follow_the_same_way(std::vector<SceneSource>& sources, std::vector<bool>& placed, const std::u32string& text);
// "indicator ticking on the same side", "from the same spot": where the sound before is.
void share_the_same_place(std::vector<SceneSource>& sources, std::vector<bool>& placed, const std::u32string& text);
// `text`: the prompt as the parser read it (the labels are found in it).
void share_places_of_joined_sounds(std::vector<SceneSource>& sources, std::vector<bool>& placed,
                                   const std::u32string& text);
// A sound named again in a correction ("no wait, put the squeaks at 10 o'clock instead") moves there.
void move_corrected_sounds(std::vector<SceneSource>& sources, std::vector<bool>& placed, const std::u32string& t);
// "..., both singing at dawn", "..., all three up high": said of the sounds before, no sound itself.
void drop_what_is_said_of_all(std::vector<SceneSource>& sources, std::vector<bool>& placed, std::vector<int>& clause_of,
                              std::vector<std::vector<std::u32string>>& mentions, const std::u32string& t);
// "Dog zooming ... over to my right, tags jingling": what a moving sound makes as it goes is part of it.
void drop_sounds_made_on_the_move(std::vector<SceneSource>& sources, std::vector<bool>& placed, const std::u32string& t);
// "Orc brute: stomps at 120°": an item that opens with what it does is named by the key before its colon.
void name_items_by_their_colon_key(std::vector<SceneSource>& sources, const std::u32string& t);
// "(joke, skip that one)", "actually skip the cat": a sound taken back goes (scene_skipped.cpp).
void drop_skipped_sounds(std::vector<SceneSource>& sources, std::vector<bool>& placed, const std::u32string& text);
// "window on my left", "the house at my back": a thing that makes no sound, beside sounds, goes
// (scene_silent_things.cpp).
void drop_placed_silent_things(std::vector<SceneSource>& sources, std::vector<bool>& placed, const std::u32string& text);
void drop_framing_sentence(std::vector<SceneSource>& sources, std::vector<bool>& placed, const std::u32string& text);
// "Band room soundscape for our centenary video.": the scene being made, named by what it is.
void drop_what_is_made(std::vector<SceneSource>& sources, std::vector<bool>& placed, const std::u32string& text);
void drop_unplaced_non_sounds(std::vector<SceneSource>& sources, std::vector<bool>& placed, const std::u32string& text);
// Returns the labels it left out, for the scene's note.
std::vector<std::string> drop_unplaced_beside_placed(std::vector<SceneSource>& sources, std::vector<bool>& placed,
                                                     const std::u32string& text);
void drop_unplaced_framing(std::vector<SceneSource>& sources, std::vector<bool>& placed);

}  // namespace bewo::rt
