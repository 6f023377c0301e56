// Emoji, arrows and symbols in a prompt, before the parser reads it: an emoji that names a sound
// starts an item with its name ("\U0001F436 barking on the left" -> "dog barking on the left"),
// others are breaks between items, and arrows between directions read as "to".
#pragma once
#include <string>

namespace bewo::rt {

std::u32string normalise_symbols(const std::u32string& text);

}  // namespace bewo::rt
