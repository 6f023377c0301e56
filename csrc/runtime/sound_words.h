// Words that name something heard: what tells a sound ("the owl called", "a fridge") from the
// rest of a story ("Dear diary", "Mara stood at the edge of the platform") when a clause gives
// no place. English only, lower case.
#pragma once
#include <set>
#include <vector>

#include "text_match.h"

namespace bewo::rt {

using textmatch::u32;

// The words of a space-separated list (ASCII or UTF-8), as a set.
std::set<u32> word_set(const char* words);

// A noun for a thing or creature that makes sound, or for a sound itself ("dog", "violins",
// "fridge", "beeps", "rain"), or any animal WordNet knows ("guinea fowl"). Plurals are read.
bool sound_noun(const u32& word);

// sound_noun, or one of WordNet's many more things that sound ("chickadee", "harmonium"): read only
// where a rare word must not be taken for a landmark (a whole sentence that may frame the scene);
// elsewhere the short list keeps a landmark ("next to the pram on my right") a landmark.
bool sound_source_noun(const u32& word);

// A verb of making sound in any regular or common irregular form ("barks", "barked", "barking",
// "rang", "sang").
bool sound_verb(const u32& word);

// The base forms a regular past tense can come from: "slammed" -> slam, "faded" -> fade,
// "cried" -> cry (empty when `word` is no "-ed" form).
std::vector<u32> past_stems(const u32& word);

// True when the words of `text` (a source's label) name a sound: a sound noun, or a sound verb.
bool names_a_sound(const u32& text);

// True when one of the words of `text` is a sound noun that is not also a sound verb ("clock",
// not "ticks").
bool has_sound_noun(const u32& text);

// True when the first or second word of `text` is a part of a thing that sounds with it ("engine
// sputtering", "one wheel squeaking", "its siren going"): heard as the thing, not on its own.
bool names_a_part_of_a_thing(const u32& text);

// True when one of the words of `text` names a person or people ("someone", "the crowd"): a
// source heard by what they do.
bool names_a_person(const u32& text);

}  // namespace bewo::rt
