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

// Words that open a sentence without belonging to its sound: "lmao the horse whinnied", "bro the
// footsteps", "why is there always a busker ...", "if a torch crackles ...", and a purpose before
// the request ("For the ad break the doorbell ding ...", "For the intro of my podcast I want rain ...").
// "fireplace crackling in front um birds behind": spoken fillers as the pauses they are.
std::u32string with_fillers_as_pauses(const std::u32string& text);
std::u32string with_openers_dropped(const std::u32string& text);

// "In a busy kitchen pans clatter on the left": a setting said first, set off with a comma.
std::u32string with_leading_setting_set_off(const std::u32string& text);

}  // namespace bewo::rt
