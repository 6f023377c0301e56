// Sentences said in an order the reader does not expect, turned round before the text is read.
#pragma once

#include <string>

namespace bewo::rt {

// "From the rocks to his left came the click of a rifle." -> "the click of a rifle came from the
// rocks to his left.": a place said first, its sound after the verb, read as sound, verb, place.
std::u32string with_inverted_sentences_turned(const std::u32string& text);

// "from my left behind me to my right" -> "from my left, behind me, to my right": a route from one
// side round the back (or the front) to the other, not a start and an end "behind me to my right".
std::u32string with_routes_set_off(const std::u32string& text);

// "from my right to my left, behind me," -> "from my right to my left behind me,": the way a move
// across goes, said after a comma.
std::u32string with_way_round_joined(const std::u32string& text);

}  // namespace bewo::rt
