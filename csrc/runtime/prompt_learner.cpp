// Learner, dictation and caps-lock English (prompt_learner.h).
#include "prompt_learner.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "text_match.h"
#include "text_words.h"

namespace bewo::rt {

using namespace textmatch;

u32 with_dictated_punctuation(const u32& t) {
    if (find_ascii_ci(t, U"comma") == u32::npos && find_ascii_ci(t, U"period") == u32::npos &&
        find_ascii_ci(t, U"full stop") == u32::npos && find_ascii_ci(t, U"new line") == u32::npos)
        return t;
    static const Regex said("(?<![\\w-])(?:comma|period|full\\s+stop|new\\s+line|question\\s+mark|exclamation\\s+(?:mark|point)|"
                            "semicolon|colon)(?![\\w-])", true);
    // one or two may be words ("a comma butterfly ..., a period piece"): dictation says three or more, or
    // ends with its full stop
    const u32 low = lower_same_length(t);
    const std::size_t n = said.find_all(low).size();
    u32 end = strip_space(low);
    const bool stop_at_end = ends_with(end, U" period") || ends_with(end, U" full stop");
    if (n < 2 || (n < 3 && !stop_at_end)) return t;
    return with_matches_replaced(t, said, [](const Regex::Match& m, const u32& low) -> u32 {
        const u32 w = low.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start));
        if (w == U"comma") return U",";
        if (w == U"semicolon") return U";";
        if (w == U"colon") return U":";
        if (w.compare(0, 3, U"new") == 0) return U"\n";
        if (w.compare(0, 8, U"question") == 0) return U"?";
        if (w.compare(0, 11, U"exclamation") == 0) return U"!";
        return U".";
    });
}

u32 with_shouting_lowered(const u32& t) {
    std::size_t letters = 0, upper = 0;
    for (char32_t c : t) {
        if (!is_letter(c)) continue;
        ++letters;
        upper += is_upper(c) ? 1 : 0;
    }
    // "HOW DO I MAKE THE RAIN COME FROM BEHIND ME": capitals all through say nothing of names
    if (letters < 20 || upper * 100 < letters * 90) return t;
    return lower(t);
}

u32 with_learner_phrases(const u32& t) {
    // most texts have none of the words these phrasings need: no pattern to run
    const bool has_face = find_ascii_ci(t, U" face of") != u32::npos || find_ascii_ci(t, U"front if") != u32::npos;
    const bool has_around = find_ascii_ci(t, U"round of") != u32::npos;
    const bool has_hour = find_ascii_ci(t, U" h") != u32::npos && std::any_of(t.begin(), t.end(), is_digit);
    const bool has_behind = find_ascii_ci(t, U"behind") != u32::npos;
    const bool has_centre = find_ascii_ci(t, U"cent") != u32::npos;
    const bool has_body = find_ascii_ci(t, U"shoulder") != u32::npos || find_ascii_ci(t, U" ear") != u32::npos;
    if (!has_face && !has_around && !has_hour && !has_behind && !has_centre && !has_body) return t;
    u32 out = t;
    // "voice over left shoulder", "whisper behind the right ear": the listener's own, said without "my"
    static const Regex body("(?<![\\w-])(?P<prep>over|behind|at|by|in|near|beside|into)\\s+(?:the\\s+)?(?P<side>left|right)\\s+"
                            "(?P<part>shoulder|ear)(?![\\w-])", true);
    if (has_body)
        out = with_matches_replaced(out, body, [](const Regex::Match& m, const u32& low) -> u32 {
            return m.group(low, body.group("prep")) + U" my " + m.group(low, body.group("side")) + U" " +
                   m.group(low, body.group("part"));
        });
    // "in face of you", "in front if me"
    static const Regex face("(?<![\\w-])in\\s+(?:face|front)\\s+(?:of|if)\\s+(?=me|us|you|him|her|them|the)\\b", true);
    if (has_face) out = with_matches_replaced(out, face, [](const Regex::Match&, const u32&) -> u32 { return U"in front of "; });
    // "all around of me"
    static const Regex around("(?<![\\w-])(?P<way>around|round)\\s+of\\s+(?=me|us|you|him|her|them)\\b", true);
    if (has_around)
        out = with_matches_replaced(out, around, [](const Regex::Match& m, const u32& low) -> u32 { return m.group(low, around.group("way")) + U" "; });
    // "the rooster at 11 hour", "bells at 1 hour (like the clock)": an hour of the clock face
    static const Regex hour("(?<![\\w-])at\\s+(?P<h>1[0-2]|[1-9])\\s+(?:hour|hours|h)(?![\\w-])", true);
    if (has_hour)
        out = with_matches_replaced(out, hour, [](const Regex::Match& m, const u32& low) -> u32 { return U"at " + m.group(low, hour.group("h")) + U" o'clock"; });
    // "barking behind a little to the left": behind, a little to one side
    static const Regex behind_side("(?<![\\w-])behind(?:\\s+(?:me|us))?\\s+(?=(?:a\\s+little|a\\s+bit|slightly|just)\\s+to\\s+the\\s+(?:left|right))", true);
    if (has_behind)
        out = with_matches_replaced(out, behind_side, [](const Regex::Match& m, const u32& low) -> u32 {
        return strip_space(low.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start))) + U", ";
    });
    // "slighty of center to the left", "a bit off centre to the right"
    static const Regex off_centre("(?<![\\w-])(?:slightly|slighty|a\\s+little|a\\s+bit|just)\\s+(?:off|of)\\s+(?:the\\s+)?cent(?:er|re)\\s+"
                                  "(?:to\\s+the\\s+|to\\s+)?(?P<side>left|right)(?![\\w-])", true);
    if (has_centre)
        out = with_matches_replaced(out, off_centre, [](const Regex::Match& m, const u32& low) -> u32 {
        return U"slightly to the " + m.group(low, off_centre.group("side"));
    });
    return out;
}

}  // namespace bewo::rt
