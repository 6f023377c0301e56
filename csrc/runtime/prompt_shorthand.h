// How people type in a hurry, rewritten as the words the parser reads: misspelt direction words
// ("rigth", "behnd", "infront"), chat shorthand ("frm", "bhnd", "w/") and side letters in lower
// case ("dog l, cat r", "car going l to r").
#pragma once
#include <string>

namespace bewo::rt {

std::u32string with_common_misspellings_fixed(const std::u32string& text);

// "w/" as "with", and a lone "l" or "r" that stands where a side goes as the capital the side
// patterns read ("on the r", "l to r", "traffic noise l,"); not "r" for "are" ("birds r singing").
std::u32string with_chat_shorthand(const std::u32string& text);

}  // namespace bewo::rt
