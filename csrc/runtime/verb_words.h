// Whether an English word is a verb, and in which form: the words WordNet's tagged corpus saw far
// more often as verbs than as nouns, generated into verb_words.inc by tools/gen_verb_words.py.
#pragma once
#include <string>

namespace bewo::rt {

// `word` in lower case. 0: not one of those verbs; 1: its third person ("climbs", "carries");
// 2: its base form ("climb"); 3: its past ("climbed", "took", "flown").
int verb_word_form(const std::u32string& word);

}  // namespace bewo::rt
