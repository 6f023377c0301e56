// Prompts written as fields rather than sentences, before the parser reads them: key-value pairs
// and JSON-like records ('{"sound": "church bell", "position": "front-right"}', "source=waterfall;
// azimuth=behind-left", "left: rooster, right: goat"), and sound-library file names
// ("DOOR_Wood_Creak_01.wav - a door creaks, hard left"). Each record becomes one plain phrase
// ("church bell front-right; waterfall behind-left"); other text is returned unchanged.
#pragma once
#include <string>

namespace bewo::rt {

std::u32string fields_as_phrases(const std::u32string& text);
// XML elements and OSC messages (prompt_markup.h) as phrases; empty when the text is neither. Read
// before anything else touches the text, whose names ("azi_end") would be read as words.
std::u32string markup_as_phrases(const std::u32string& text);

}  // namespace bewo::rt
