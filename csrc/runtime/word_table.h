// The generated word lists (person_words.inc, verb_words.inc) as sets: "word word form:word ...".
#pragma once
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace bewo::rt {

struct WordTable {
    std::unordered_set<std::u32string> words;
    std::unordered_map<std::u32string, std::u32string> forms;  // an irregular form -> its word ("children" -> "child")
};

// `text`: ASCII words separated by spaces or line breaks; "a:b" lists form a of word b.
WordTable read_word_table(const char* text);

}  // namespace bewo::rt
