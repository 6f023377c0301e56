// Code names as words (prompt_identifiers.h).
#include "prompt_identifiers.h"

#include <algorithm>
#include <set>
#include <vector>

#include "text_match.h"

namespace bewo::rt {

using namespace textmatch;

u32 identifiers_as_words(const u32& text) {
    if (text.find('_') == u32::npos) return text;
    // what an event's name says it does, not what is heard
    static const std::set<u32> verbs = {U"play", U"stop", U"post", U"trigger", U"sfx", U"fx", U"amb", U"evt", U"snd",
                                        U"mus", U"ev", U"event", U"sound", U"audio", U"loop", U"oneshot"};
    auto word_char = [](char32_t c) { return is_letter(c) || is_digit(c) || c == '_'; };
    u32 out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!word_char(text[i]) || (i > 0 && word_char(text[i - 1]))) {
            out.push_back(text[i++]);
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && word_char(text[j])) ++j;
        const u32 word = text.substr(i, j - i);
        std::size_t k = j;
        while (k < text.size() && text[k] == ' ') ++k;
        const bool key = k < text.size() && (text[k] == '=' || text[k] == ':');  // "start_az=0", "azimuth_deg:"
        const bool file = j + 1 < text.size() && text[j] == '.' && is_letter(text[j + 1]);  // "VEH_Car_Pass.wav"
        std::vector<u32> parts(1);
        for (char32_t c : word) {
            if (c == '_') parts.emplace_back();
            else parts.back().push_back(c);
        }
        const bool snake = parts.size() >= 2 && std::all_of(parts.begin(), parts.end(), [](const u32& p) {
            return p.size() >= 2 && std::any_of(p.begin(), p.end(), is_letter);  // not "L_den"
        });
        // (an event's name keys its fields: "Play_Heli_Flyby: path front -> back")
        if ((key && !(snake && verbs.count(lower(parts[0])))) || file || !snake) {
            out += word;
            i = j;
            continue;
        }
        u32 spoken;
        std::size_t first = verbs.count(lower(parts[0])) ? 1 : 0;  // "Play_Heli_Flyby" -> "Heli Flyby"
        for (std::size_t p = first; p < parts.size(); ++p) spoken += (spoken.empty() ? U"" : U" ") + parts[p];
        out += spoken.empty() ? word : spoken;
        i = j;
    }
    return out;
}

}  // namespace bewo::rt
