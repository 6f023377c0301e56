// English as learners, dictation software and caps-lock write it, rewritten as the words the
// parser reads: punctuation said as words ("I want the ocean comma seagulls above comma ..."),
// a whole text in capitals, and phrasings carried over from other languages ("in face of me",
// "all around of me", "the rooster at 11 hour", "behind a little to the left", "slighty of center
// to the left").
#pragma once
#include <string>

namespace bewo::rt {

std::u32string with_dictated_punctuation(const std::u32string& text);
std::u32string with_shouting_lowered(const std::u32string& text);
std::u32string with_learner_phrases(const std::u32string& text);

}  // namespace bewo::rt
