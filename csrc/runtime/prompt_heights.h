// Heights said with "up", "down" and "high" as the words the elevation patterns read: "tapping way
// up in a tree", "shouting up on the scaffolding", "a radio up to my left", "a dog barks down in
// the courtyard", "sings high behind the congregation", "answers from a high branch".
#pragma once
#include <string>

namespace bewo::rt {

// "up"/"down" before a place become "up high"/"down low" (the place goes: it is where the sound
// is, not a sound), except where they finish a verb ("pulls up
// in front", "ends up on my left", "slows down by the gate", "sits down on the right").
std::u32string with_heights_as_words(const std::u32string& text);

}  // namespace bewo::rt
