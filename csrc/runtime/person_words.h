// Whether an English word names a person ("pilot", "customers", "children"): the nouns WordNet
// lists as people, generated into person_words.inc by tools/gen_person_words.py.
#pragma once
#include <string>

namespace bewo::rt {

// `word` in lower case; plurals are read back to their singular ("pilots", "ladies", "children").
bool is_person_noun(const std::u32string& word);

}  // namespace bewo::rt
