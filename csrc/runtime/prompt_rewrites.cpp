// Rewrites of the text before it is read: "@" as "at", bare clock hours, nautical sides, and
// corrections ("at 3 o'clock - sorry, I meant 9 o'clock").
#include "prompt_internal.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "sound_words.h"
#include "verb_words.h"
#include "text_words.h"

namespace bewo::rt::prompt_detail {

using namespace textmatch;

// "door knck @ 8", "rain@-90": an at sign before a number is "at".
u32 with_at_signs_as_at(const u32& t) {
    if (t.find('@') == u32::npos) return t;
    u32 out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        std::size_t j = i + 1;
        while (j < t.size() && t[j] == ' ') ++j;
        const bool number = t[i] == '@' && j < t.size() && ((t[j] >= '0' && t[j] <= '9') || t[j] == '-' || t[j] == '+');
        out += number ? u32(U" at ") : u32(1, t[i]);
        if (number) i = j - 1;
    }
    return out;
}

// "Church bell ~ -120 deg": a tilde before a number is "about" it, whatever the spaces
u32 with_tildes_joined(const u32& t) {
    if (t.find('~') == u32::npos) return t;
    u32 out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        out.push_back(t[i]);
        if (t[i] != '~') continue;
        std::size_t j = i + 1;
        while (j < t.size() && t[j] == ' ') ++j;
        if (j > i + 1 && j < t.size() && ((t[j] >= '0' && t[j] <= '9') || t[j] == '-' || t[j] == '+' || t[j] == 0x2212)) {
            i = j - 1;
            continue;
        }
        // "rain ~ left, birds ~ right": between a name and its place, a dash
        std::size_t b = i;
        while (b > 0 && t[b - 1] == ' ') --b;
        if (j > i + 1 && b < i && b > 0 && is_letter(t[b - 1]) && j < t.size() && is_letter(t[j])) out.back() = '-';
    }
    return out;
}

// "dog bark: front-right (45°), cat meow: rear (180°)": an angle in brackets after a place that it
// agrees with says that place exactly; after "left" or "right" it says how far ("left (30°)")
u32 with_bracketed_angles_after_places_dropped(const u32& t) {
    if (t.find('(') == u32::npos) return t;
    static const Regex angle("(?P<side>(?:front|back|rear)[- ]?(?:right|left)|left|right|front|rear|back|behind|ahead|centre|center)"
                             "[ \\t]*\\([ \\t]*(?P<num>[+\\-\\u2212]?\\d{1,3})[ \\t]*(?:\\u00b0|deg|degs|degrees)[ \\t]*\\)", true);
    return with_matches_replaced(t, angle, [&](const Regex::Match& m, const u32& low) {
        const int gs = angle.group("side"), gn = angle.group("num");
        const u32 side = m.group(low, gs);
        const bool front = side.find(U"front") != u32::npos, rear = side.find(U"back") != u32::npos ||
                           side.find(U"rear") != u32::npos || side.find(U"behind") != u32::npos;
        const double lateral = side.find(U"left") != u32::npos ? -90.0 : side.find(U"right") != u32::npos ? 90.0 : 0.0;
        const double az = lateral == 0.0 ? (rear ? 180.0 : 0.0) : front ? lateral / 2.0 : rear ? lateral * 1.5 : lateral;
        const double said = number(m.group(low, gn));
        const double apart = std::fabs(std::fmod(std::fabs(said - az) + 180.0, 360.0) - 180.0);
        const u32 whole = t.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start));
        // (the angle is the more exact: "Strings left (-45°)" is at -45)
        if (apart <= 50.0) return U"at " + m.group(low, gn) + U" degrees";
        // ("dog: left (30°)": how far to that side)
        if ((side == U"left" || side == U"right") && std::fabs(said) <= 180.0)
            return from_utf8(std::to_string(static_cast<int>(std::fabs(said)))) + U" degrees " + side;
        return whole;
    });
}

// "came from behind me and went off ahead", "sped off in front": where the move ends, as "off to the front" is
u32 with_off_ahead_as_to_the_front(const u32& t) {
    if (find_ascii_ci(t, U"off ") == u32::npos) return t;
    static const Regex off("(?<![\\w-])(?<!far )(?<!way )(?<!further )(?<!farther )off\\s+(?:straight\\s+)?(?:ahead(?:\\s+of\\s+(?:me|us|you|them))?|forwards?|in\\s+front(?:\\s+of\\s+(?:me|us|you|them))?)"
                           "(?![\\w-])", true);
    const u32 u = with_matches_replaced(t, off, [](const Regex::Match&, const u32&) { return u32(U"off to the front"); });
    // "goes off right", "heads off left": off to that side
    if (find_ascii_ci(u, U"off left") == u32::npos && find_ascii_ci(u, U"off right") == u32::npos) return u;
    static const Regex off_side("(?:(?<=s off )|(?<=go off )|(?<=ing off )|(?<=ed off )|(?<=went off ))(?=(?:left|right)(?![\\w-])(?!\\s+now\\b))", true);
    return with_matches_replaced(u, off_side, [](const Regex::Match&, const u32&) { return u32(U"to the "); });
}

// "the bagpiper walked in behind us and passed along our right side": came in from behind
u32 with_coming_in_behind_as_from_behind(const u32& t) {
    if (find_ascii_ci(t, U"in behind") == u32::npos) return t;
    static const Regex in("(?<![\\w-])(?P<verb>walked|walks|walking|came|comes|coming|marched|marches|marching|stepped|steps|"
                          "drove|drives|driving|rode|rides|riding|crept|creeps|creeping|wandered|wanders|strolled|strolls|"
                          "ran|runs|running|rolled|rolls|rolling)\\s+in\\s+behind(?=\\s+(?:me|us|you|them|the\\s+listener)\\b)", true);
    return with_matches_replaced(t, in, [&](const Regex::Match& m, const u32& low) {
        return m.group(low, in.group("verb")) + U" in from behind";
    });
}

// "the jet flew from the left speaker round to the right one": the speaker on that side; "the left
// one barks, the right one howls": one sound on each side
u32 with_side_ones_as_sides(const u32& t) {
    if (find_ascii_ci(t, U" one") == u32::npos) return t;
    static const Regex one("(?:(?<=to )|(?<=from )|(?<=on )|(?<=at )|(?<=in )|(?<=into ))(?P<side>(?:the|that)\\s+"
                           "(?:left|right|front|back|rear))\\s+one(?![\\w-])", true);
    const u32 out = with_matches_replaced(t, one, [&](const Regex::Match& m, const u32& low) { return m.group(low, one.group("side")); });
    // "two dogs: the left one barks, the right one howls": one of each side, as "the one on the left"
    if (find_ascii_ci(out, U"left one") == u32::npos || find_ascii_ci(out, U"right one") == u32::npos) return out;
    static const Regex pair("(?<![\\w-])the\\s+(?P<side>left|right)\\s+one(?![\\w-])", true);
    return with_matches_replaced(out, pair, [&](const Regex::Match& m, const u32& low) {
        return U"the one on the " + m.group(low, pair.group("side"));
    });
}

// "violin L, cello R, timpani back", "drums back, bass front": in a terse item, "back" right after the
// name of a sounding thing that opens the item is where it is ("comes back", "the dog barks back" are not).
u32 with_terse_back_as_behind(const u32& t) {
    if (find_ascii_ci(t, U"back") == u32::npos) return t;
    const std::vector<TextWord> words = words_of(t);
    static const std::set<u32> articles = {U"the", U"a", U"an", U"some", U"my", U"our"};
    auto opens_item = [&](std::size_t i) {  // words[i] opens its item: first, after a break, or after an article
        if (i == 0) return true;
        for (std::size_t c = words[i - 1].end; c < words[i].begin; ++c)
            if (t[c] == ',' || t[c] == ';' || t[c] == ':' || t[c] == '\n' || t[c] == '/' || t[c] == '(') return true;
        return articles.count(words[i - 1].low) > 0;
    };
    u32 out = t;
    for (std::size_t i = words.size(); i-- > 1;) {
        if (words[i].low != U"back" || !sound_source_noun(words[i - 1].low) || !opens_item(i - 1)) continue;
        std::size_t after = words[i].end;
        while (after < t.size() && t[after] == ' ') ++after;
        if (after < t.size() && t[after] != ',' && t[after] != ';' && t[after] != '.' && t[after] != ')' && t[after] != '\n')
            continue;
        out.replace(words[i].begin, 4, U"behind");
    }
    return out;
}

// "the Rhodes feels too far right, bring it in to 30° right": a place said to be wrong, before the
// place it is moved to, is not where it is.
u32 with_wrong_places_dropped(const u32& t) {
    if (find_ascii_ci(t, U"too ") == u32::npos) return t;
    static const Regex wrong("(?<![\\w-])(?:feels|is|sits|sounds|seems|was|it's|its)?\\s*too\\s+(?:far\\s+|much\\s+|hard\\s+)?"
                             "(?:to\\s+the\\s+|on\\s+the\\s+)?(?:left|right)(?![\\w-])"
                             // (and only when where it goes is said in words the parser reads: "to 30° right", "to the centre")
                             "(?=[^.!?]*?\\b(?:bring|move|pull|push|put|pan|nudge|shift|swing)\\s+(?:it|that|them|this|those)\\b"
                             "[^.!?;]*?(?:\\b(?:left|right|centre|center|middle|front|behind|back|degrees?|o'clock)\\b|\\u00b0|[+\\-\\u2212]\\d))", true);
    return with_matches_replaced(t, wrong, [](const Regex::Match&, const u32&) { return u32(); });
}

// "Liver Building's on me left but that's not a sound obviously": a thing the text itself says is
// silent, with the clause that placed it
u32 with_said_silent_dropped(const u32& t) {
    if (find_ascii_ci(t, U" a sound") == u32::npos || (find_ascii_ci(t, U"not") == u32::npos && find_ascii_ci(t, U"n't") == u32::npos))
        return t;
    static const Regex silent("(?:^|(?<=[.!?;\\n]))[^.!?;\\n]*?(?:,\\s*|\\s+)(?:but\\s+|though\\s+|and\\s+)?"
                              "(?:that's|thats|that\\s+is|it's|its|it\\s+is|they're|they\\s+are|which\\s+is)\\s+"
                              "(?:not|n't|obviously\\s+not)\\s+a\\s+sound(?:\\s+(?:obviously|of\\s+course|though|really))?"
                              "(?=\\s*(?:[.!?;\\n]|$))", true);
    return with_matches_replaced(t, silent, [](const Regex::Match&, const u32&) { return u32(); });
}

// "a ring of 24 loudspeakers at 15° spacing", "speakers 30 degrees apart", "in 10-degree steps": how far
// apart things are, no place
u32 with_angle_spacings_dropped(const u32& t) {
    if ((t.find(U'\u00b0') == u32::npos && find_ascii_ci(t, U"degree") == u32::npos) ||
        (find_ascii_ci(t, U"spacing") == u32::npos && find_ascii_ci(t, U"apart") == u32::npos &&
         find_ascii_ci(t, U"step") == u32::npos && find_ascii_ci(t, U"interval") == u32::npos &&
         find_ascii_ci(t, U"increment") == u32::npos))
        return t;
    static const Regex spacing("(?<![\\w-])(?:(?:at|with|in|every)\\s+)?\\d{1,3}(?:\\.\\d+)?\\s*(?:\\u00b0|-?\\s*degrees?|-?\\s*degs?)\\s*"
                               "(?:spacing|apart|steps|intervals|increments|step|interval|increment)(?![\\w-])", true);
    return with_matches_replaced(t, spacing, [](const Regex::Match&, const u32&) { return u32(); });
}

// "temperature under 8 degrees", "a scorcher, 30 degrees C": heat, no place
u32 with_temperatures_dropped(const u32& t) {
    // (one look for a unit or "temp" first: most texts have neither)
    if (t.find(U'\u00b0') == u32::npos && find_ascii_ci(t, U"degree") == u32::npos && find_ascii_ci(t, U"temp") == u32::npos)
        return t;
    if (find_ascii_ci(t, U"temperature") == u32::npos && find_ascii_ci(t, U"temp ") == u32::npos &&
        find_ascii_ci(t, U"temps ") == u32::npos && find_ascii_ci(t, U"celsius") == u32::npos &&
        find_ascii_ci(t, U"fahrenheit") == u32::npos && find_ascii_ci(t, U"degrees c") == u32::npos &&
        find_ascii_ci(t, U"degrees f") == u32::npos && find_ascii_ci(t, U"\u00b0c") == u32::npos &&
        find_ascii_ci(t, U"\u00b0f") == u32::npos)
        return t;
    static const Regex heat("(?<![\\w-])(?:(?:temperature|temperatures|temp|temps)\\s+(?:(?:was|is|of|at|under|over|below|above|"
                            "around|about|hit|reached|near|nearly|almost|just)\\s+){0,2}[+\\-\\u2212]?\\d{1,3}(?:\\.\\d)?\\s*"
                            "(?:\\u00b0|degrees?|degs?)?(?:\\s*(?:c|f|celsius|fahrenheit|centigrade)(?![\\w]))?|"
                            "[+\\-\\u2212]?\\d{1,3}(?:\\.\\d)?\\s*(?:\\u00b0|degrees?)\\s*(?:c|f|celsius|fahrenheit|centigrade)(?![\\w]))", true);
    return with_matches_replaced(t, heat, [](const Regex::Match&, const u32&) { return u32(); });
}

// "Sorry typing fast.", "sorry for the long message": an apology opening a sentence, to its end
u32 with_apologies_dropped(const u32& t) {
    if (find_ascii_ci(t, U"sorry") == u32::npos) return t;
    static const Regex apology("(?:^|(?<=[.!?\\n])|(?<=[.!?\\n] ))\\s*sorry,?\\s+(?:for|about|if|typing|in\\s+advance|i'm\\s+typing|"
                               "im\\s+typing|on\\s+(?:my|the)\\s+phone|my\\s+english|bad\\s+english|english)(?![\\w'-])[^.!?\\n,]*[.!?,]*", true);
    return with_matches_replaced(t, apology, [](const Regex::Match&, const u32&) { return u32(); });
}

// "passing on my left and carrying on ahead": going on, the way the move goes (not "the march carrying on")
u32 with_carrying_on_as_going(const u32& t) {
    if (find_ascii_ci(t, U"carr") == u32::npos) return t;
    static const Regex carry("(?:(?<=and )|(?<=, )|(?<=then ))carr(?:y|ies|ied|ying)\\s+on(?=\\s+(?:ahead|past|to|towards|toward|down|up|straight|"
                             "along|round|around|behind|in\\s+front|into|off|forward|over|across)\\b)", true);
    return with_matches_replaced(t, carry, [](const Regex::Match&, const u32&) { return u32(U"going"); });
}

// "a tank grinding forward on the far left", "soldiers marching forward on my right": which way it
// goes, not a second place beside the side
u32 with_going_forward_beside_a_side_dropped(const u32& t) {
    if (find_ascii_ci(t, U"forward") == u32::npos) return t;
    static const Regex forward("(?:(?<=ing )|(?<=[a-z]s )|(?<=ed ))forwards?\\s+(?=on\\s+(?:the|my|your|our|his|her|their)\\s+"
                               "(?:far\\s+|hard\\s+)?(?:left|right)(?![\\w-]))", true);
    return with_matches_replaced(t, forward, [](const Regex::Match&, const u32&) { return u32(); });
}

// "Is this the right place?", "the right way to ask", "at the right time": right as correct, no side
u32 with_right_as_correct(const u32& t) {
    static const std::set<u32> correct_nouns = {U"place", U"thing", U"things", U"time", U"answer", U"answers", U"word",
                                                U"words", U"size", U"choice", U"format", U"amount", U"idea", U"decision",
                                                U"person", U"order", U"setting", U"settings", U"file", U"button", U"app",
                                                U"tool", U"way"};
    bool any = false;  // (the regex only where "right" comes before one of its nouns)
    for (std::size_t at = find_ascii_ci(t, U"right "); at != u32::npos && !any; at = find_ascii_ci(t, U"right ", at + 6)) {
        std::size_t e = at + 6;
        while (e < t.size() && is_letter(t[e])) ++e;
        any = correct_nouns.count(lower(t.substr(at + 6, e - at - 6))) > 0;
    }
    if (!any) return t;
    // (the phrase goes, with its preposition: "birds sing at the right time" is "birds sing")
    static const Regex correct("(?<![\\w-])(?:(?:at|in|on|to|by|into)\\s+)?(?:the|this|that|a)\\s+right\\s+(?:place|thing|things|time|"
                               "answer|answers|word|words|size|choice|format|amount|idea|decision|person|order|settings?|"
                               "file|button|app|tool|way(?=\\s+(?:to|of)\\b)|way(?=\\s*[?.!]|\\s*$))(?![\\w-])", true);
    return with_matches_replaced(t, correct, [](const Regex::Match&, const u32&) { return u32(); });
}

// "When I was a girl we lived above the market.": where the listener lived, above or below a place
u32 with_home_above_or_below_dropped(const u32& t) {
    // (one pass for a word opening "liv", "stay", "slep" or "sleep" after a space)
    bool any = false;
    for (std::size_t i = 1; i + 4 < t.size() && !any; ++i) {
        if (t[i - 1] != ' ') continue;
        const char32_t a = t[i] | 0x20, b = t[i + 1] | 0x20, c = t[i + 2] | 0x20;
        any = (a == 'l' && b == 'i' && c == 'v') || (a == 's' && b == 't' && c == 'a') || (a == 's' && b == 'l' && c == 'e');
    }
    if (!any) return t;
    static const Regex lived("(?<![\\w'-])(?:i|we)\\s+(?:lived|live|living|stayed|stay|slept|sleep)\\s+(?:right\\s+|just\\s+)?"
                             "(?:above|over|below|under|beneath|underneath)\\s+(?:the|a|an|my|our)(?:\\s+[\\w'-]+){1,2}?"
                             "(?=\\s*(?:[,.;:!?\\n]|$))", true);
    return with_matches_replaced(t, lived, [](const Regex::Match&, const u32&) { return u32(); });
}

// "I'm in the middle of the band", "I wanna stand in the centre of the circle": where the listener is,
// not a place round the listener.
u32 with_listener_amid(const u32& t) {
    if (find_ascii_ci(t, U"middle of") == u32::npos && find_ascii_ci(t, U"centre of") == u32::npos &&
        find_ascii_ci(t, U"center of") == u32::npos)
        return t;
    // (the place and its name, up to two words, go: "the alto row", "a thunderstorm", "the school")
    static const Regex amid("(?<![\\w'-])(?:i'm|im|i\\s+am|we're|we\\s+are|me|stand|standing|sit|sitting|sat|stood|be|lie|lying)"
                            "\\s+(?:right\\s+)?(?:in\\s+)?the\\s+(?:very\\s+)?(?:middle|centre|center)\\s+of"
                            "(?:\\s+(?:the|a|an|my|our|this))?(?:\\s+(?!(?:and|with|while|as|when|where|but|so)\\b)[\\w'-]+){1,2}"
                            "(?=\\s*(?:[,.;:!?\\n\\u2014\\u2013-]|$))", true);
    return with_matches_replaced(t, amid, [](const Regex::Match&, const u32&) { return u32(); });
}

// "3 p.m.", "10pm", "7:30 am": a digit, then "am" or "pm" as a word of its own
static bool says_a_clock_time(const u32& t) {
    for (std::size_t i = 0; i + 2 < t.size(); ++i) {
        if (!is_digit(t[i])) continue;
        std::size_t k = i + 1;
        while (k < t.size() && t[k] == ' ') ++k;
        if (k + 1 < t.size() && (t[k] | 0x20) != 'a' && (t[k] | 0x20) != 'p') continue;
        if (k + 1 < t.size() && ((t[k + 1] | 0x20) == 'm' || (t[k + 1] == '.' && k + 2 < t.size() && (t[k + 2] | 0x20) == 'm')))
            return true;
    }
    return false;
}

// "After ten seconds a car pulls up", "over five seconds", "for a few moments": when, not what;
// the time phrase is taken out so it names no sound.
u32 with_time_phrases_dropped(const u32& t) {
    if (find_ascii_ci(t, U"sec") == u32::npos &&
        find_ascii_ci(t, U"min") == u32::npos && find_ascii_ci(t, U"moment") == u32::npos &&
        find_ascii_ci(t, U"beat") == u32::npos && find_ascii_ci(t, U"bar") == u32::npos &&
        find_ascii_ci(t, U"every") == u32::npos && find_ascii_ci(t, U"now and") == u32::npos &&
        find_ascii_ci(t, U"time to time") == u32::npos && find_ascii_ci(t, U"once in") == u32::npos &&
        find_ascii_ci(t, U"volume") == u32::npos && find_ascii_ci(t, U"in time with") == u32::npos &&
        find_ascii_ci(t, U"in sync") == u32::npos && find_ascii_ci(t, U"self") == u32::npos &&
        find_ascii_ci(t, U"selves") == u32::npos && find_ascii_ci(t, U" own") == u32::npos &&
        find_ascii_ci(t, U"for a") == u32::npos && find_ascii_ci(t, U"last ") == u32::npos && !says_a_clock_time(t) &&
        find_ascii_ci(t, U"night") == u32::npos && find_ascii_ci(t, U"all day") == u32::npos)
        return t;
    // ("every few seconds", "every now and then", "from time to time", "once in a while", "every so often")
    static const Regex time("(?<![\\w-])(?:(?:after|over|for|within|in|every)\\s+(?:about\\s+|around\\s+|roughly\\s+)?"
                            "(?:\\d+(?:\\.\\d+)?|a|an|a\\s+few|few|several|one|two|three|four|five|six|seven|eight|nine|ten|"
                            "twenty|thirty|sixty|couple\\s+of|a\\s+couple\\s+of)\\s+(?:seconds?|secs?|minutes?|mins?|moments?|beats?|bars?)|"
                            // "over 30s", "in 2 min", "every 90 s": the unit in short
                            "(?:after|over|for|within|in|every)\\s+(?:about\\s+|around\\s+|roughly\\s+|~)?\\d+(?:\\.\\d+)?\\s*(?:s|min|sec|ms)(?![\\w'-])(?!\\s*(?:away|off|from|distant|behind|ahead|left|right))|"
                            // "for a good minute or two", "for a while"
                            "for\\s+(?:a\\s+)?(?:good\\s+)?(?:minute|second|moment)\\s+or\\s+two|for\\s+a\\s+(?:while|bit|little\\s+while)|"
                            // "a few seconds later", "a moment later"
                            "(?:a\\s+few|several|a\\s+couple\\s+of|a|one|two|three|five|ten|\\d+)\\s+(?:seconds?|secs?|minutes?|mins?|moments?|beats?|bars?)\\s+later|"
                            "every\\s+(?:now\\s+and\\s+(?:then|again)|so\\s+often|second|minute)|(?:(?<=^)|(?<=[,.;:!?] ))now\\s+and\\s+(?:then|again)|"
                            "from\\s+time\\s+to\\s+time|once\\s+in\\s+a\\s+while|"
                            // "..., day and night", "all night long"
                            "day\\s+and\\s+night|night\\s+and\\s+day|all\\s+(?:day|night)(?:\\s+long)?|"
                            // "a bell rings at 3 p.m. on the right", "at 10pm sharp": a time of day
                            "(?:(?:at|around|about|by|until|till|from)\\s+)?\\d{1,2}(?:[:.]\\d{2})?\\s*(?:a\\.\\s*m\\.?|p\\.\\s*m\\.?|am|pm)"
                            "(?:\\s+sharp)?(?![\\w])|"
                            // "last night a dog barked": when, not what
                            "last\\s+(?:night|week|weekend|month|year|summer|winter|spring|autumn|fall|time|christmas|sunday|"
                            "monday|tuesday|wednesday|thursday|friday|saturday)|"
                            // how loud, and what it keeps time with: "low volume", "in time with my heartbeat"
                            "(?:low|high|full|half|medium|max|maximum|min|minimum|quiet|soft|loud|lower|higher|reduced)\\s+volume|"
                            "volume\\s+(?:low|high|down|up)|(?:in\\s+time|in\\s+sync)\\s+with\\s+(?:my|the|your|his|her|their|its)\\s+[\\w'-]+|"
                            // and that it is alone: "a bell ringing by itself far left", "a piano playing on its own"
                            "(?:all\\s+)?by\\s+(?:itself|themselves|himself|herself)|(?:all\\s+)?on\\s+(?:its|their|his|her)\\s+own)"
                            "(?![\\w-])", true);
    return with_matches_replaced(t, time, [](const Regex::Match&, const u32&) { return u32(); });
}

// "Version 2 of the mix, notes below.", "as above", "see below": where in the text, not a height.
u32 with_text_references_dropped(const u32& t) {
    if (find_ascii_ci(t, U"above") == u32::npos && find_ascii_ci(t, U"below") == u32::npos) return t;
    // ("bass notes below" is a height: notes and the like only as a sentence or clause of their own)
    static const Regex ref("(?:(?<![\\w-])(?:see|as|listed|described|mentioned|shown|explained|given)|"
                           "(?:^|(?<=[,.;:!?\\n])|(?<=[,.;:!?\\n] )|(?<=the )|(?<=my ))(?:notes?|details|info|list|specs?|changes|cues))"
                           "\\s+(?:above|below)(?=\\s*(?:[,.;:!?\\n()]|$))", true);
    return with_matches_replaced(t, ref, [](const Regex::Match&, const u32&) { return u32(); });
}

static const char32_t* const kClosingWords[] = {U"thank", U"regards", U"best", U"yours", U"sincerely", U"love"};

// "Many thanks, Claire, Front of House.", "Yours faithfully, Maj. (Retd) R. Fairclough": a letter's
// closing and the names after it, at the end of the text, are no sound and no place.
u32 with_sign_off_dropped(const u32& t) {
    static const Regex closing("(?:^|(?<=[.!?\\n])\\s*)(?:many\\s+thanks|thanks\\s+(?:so\\s+much|a\\s+lot|again|in\\s+advance)|thanks|"
                               "thank\\s+you(?:\\s+(?:so\\s+much|again|in\\s+advance))?|with\\s+thanks|(?:kind|best|warm|warmest)\\s+"
                               "regards|regards|best\\s+wishes|all\\s+the\\s+best|best|yours\\s+(?:faithfully|sincerely|truly)|"
                               "sincerely|love)\\s*[,!.\\n-]", true);
    if (t.size() < 12) return t;
    const std::size_t from = t.size() > 160 ? t.size() - 160 : 0;
    const u32 tail = t.substr(from);
    // (most texts close with none of these: the pattern is only tried where one is)
    const u32 low_tail = lower_same_length(tail);
    if (std::none_of(std::begin(kClosingWords), std::end(kClosingWords),
                     [&](const char32_t* w) { return low_tail.find(w) != u32::npos; }))
        return t;
    std::size_t cut = u32::npos;
    for (const Regex::Match& m : closing.find_all(tail)) {
        // (only names and titles after it: "Claire, Front of House", "Nan xx")
        const u32 rest = tail.substr(static_cast<std::size_t>(m.end));
        std::size_t words = 0;
        bool names_only = true;
        for (const TextWord& w : words_of(rest)) {
            ++words;
            static const std::set<u32> small = {U"of", U"the", U"and", U"for", U"x", U"xx", U"xxx", U"&"};
            names_only = names_only && (is_upper(rest[w.begin]) || small.count(w.low));
        }
        // ("Thanks, Big Ben Chiming Overhead": a sound in capitals still says where it is)
        for (const char32_t* w : {U"left", U"right", U"behind", U"ahead", U"overhead", U"above", U"below"})
            names_only = names_only && lower(rest).find(w) == u32::npos;
        if (names_only && words >= 1 && words <= 8) {
            cut = from + static_cast<std::size_t>(m.start);
            break;
        }
    }
    return cut == u32::npos ? t : t.substr(0, cut);
}

// "4 voices at 12, 3, 6 and 9 o'clock", "speakers at 30, 60 and 90 degrees": a unit said once after a
// list of numbers is each number's ("between 30 and 60 degrees" is a range, left as it is).
u32 with_shared_units_spread(const u32& t) {
    if (t.find(U"and") == u32::npos && t.find('&') == u32::npos) return t;
    if (!contains_ascii_ci(t, U"clock") && !contains_ascii_ci(t, U"deg") && t.find(U'\u00b0') == u32::npos) return t;
    static const Regex list("(?<![\\w.,+-])(?P<nums>[+\\-]?\\d{1,3}(?:\\s*,\\s*[+\\-]?\\d{1,3})*\\s*,?\\s*(?:and|&)\\s*[+\\-]?\\d{1,3})\\s*"
                            "(?P<unit>o'clock|oclock|o\\s+clock|degrees|degree|degs|deg|\\u00b0)(?![\\w])", true);
    const int nums = list.group("nums"), unit = list.group("unit");
    const u32 low = lower_same_length(t);
    return with_matches_replaced(t, list, [&](const Regex::Match& m, const u32& text) {
        const u32 said = m.group(text, nums), u = m.group(text, unit);
        const u32 whole = text.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start));
        const std::size_t at = static_cast<std::size_t>(m.start);
        const bool listed = said.find(',') != u32::npos || (at >= 3 && low.compare(at - 3, 3, U"at ") == 0);
        if (!listed || (at >= 8 && low.compare(at - 8, 8, U"between ") == 0)) return whole;
        u32 out;
        for (std::size_t i = 0; i < said.size();) {
            if (!is_digit(said[i])) {
                out.push_back(said[i++]);
                continue;
            }
            std::size_t e = i;
            while (e < said.size() && is_digit(said[e])) ++e;
            out += said.substr(i, e - i) + (u == U"\u00b0" ? u : U" " + u);
            i = e;
        }
        return out;
    });
}

// "pink noise at 180° so i can hear the difference", "a kettle on the right so people think of tea",
// "..., to remind me to keep right": what the scene is for, to the end of its clause, names no sound.
u32 with_purpose_clauses_dropped(const u32& t) {
    // ", to remind me to keep right", ", to warn the driver": what it is for, after a comma
    static const Regex reminder("(?<=,)\\s*(?:just\\s+)?(?:to|so\\s+as\\s+to)\\s+(?:remind|warn|alert|tell|help|wake|calm|prompt|cue|signal)\\s+"
                                "(?:me|us|you|them|him|her|people|everyone|the\\s+[a-z]+)(?![\\w'-])(?:(?!\\s+and\\s)[^,.;!?\\n])*", true);
    const u32 u = t.find(',') != u32::npos &&
                          (contains_ascii_ci(t, U", to ") || contains_ascii_ci(t, U", just to") || contains_ascii_ci(t, U", so as to")) &&
                          (contains_ascii_ci(t, U"remind") || contains_ascii_ci(t, U"warn") || contains_ascii_ci(t, U"alert") ||
                           contains_ascii_ci(t, U"tell") || contains_ascii_ci(t, U"help") || contains_ascii_ci(t, U"wake") ||
                           contains_ascii_ci(t, U"calm") || contains_ascii_ci(t, U"prompt") || contains_ascii_ci(t, U"cue") ||
                           contains_ascii_ci(t, U"signal"))
                      ? with_matches_replaced(t, reminder, [](const Regex::Match&, const u32&) { return u32(); })
                      : t;
    if (!contains_ascii_ci(u, U"so ")) return u;
    static const Regex purpose("(?<![\\w'-])so\\s+(?:that\\s+)?(?:i|we|you|u|they|people|he|she|everyone|everybody|the\\s+[a-z]+)"
                               "\\s+(?:can|could|will|would|'ll|can't|cannot|know|knows|think|thinks|feel|feels|notice|"
                               "notices|don't|dont|won't|wont|learn|learns|understand|understands)(?![\\w'-])"
                               "[^,.;!?\\n]*", true);
    return with_matches_replaced(u, purpose, [](const Regex::Match&, const u32&) { return u32(); });
}

// "A whale blowing off the starboard bow, that's front right, and ...": a place said again in other
// words, after a comma, is no item of its own.
u32 with_restated_places_dropped(const u32& t) {
    if (t.find(',') == u32::npos || !contains_ascii_ci(t, U"that")) return t;
    static const Regex again("(?<=,)\\s*(?:that's|thats|that\\s+is)\\s+"
                             "(?:(?:my|your|our|the|to\\s+the|on\\s+the|at)\\s+)?(?:front|back|rear|behind|ahead|hard|far|straight|"
                             "directly|dead|slightly|left|right|\\d)[^,.;!?\\n]*(?=[,.;!?\\n]|$)", true);
    // (only after a place it says again: "a dog barks, that's on the left" places the dog)
    return with_matches_replaced(t, again, [](const Regex::Match& m, const u32& low) {
        const std::size_t at = static_cast<std::size_t>(m.start);
        const std::size_t from = low.find_last_of(U".!?;\n", at == 0 ? 0 : at - 1);
        const u32 before = low.substr(from == u32::npos || at == 0 ? 0 : from + 1, at - (from == u32::npos || at == 0 ? 0 : from + 1));
        for (const char32_t* w : {U"left", U"right", U"front", U"behind", U"ahead", U"degrees", U"o'clock", U"overhead",
                                  U"above", U"below", U"back"})
            if (before.find(w) != u32::npos) return u32();
        return low.substr(at, static_cast<std::size_t>(m.end) - at);
    });
}

// "I turned around but saw nothing", "We saw it run": the verb, not the tool (a saw is a sound).
u32 with_saw_as_seeing(const u32& t) {
    if (find_ascii_ci(t, U"saw") == u32::npos) return t;
    // (its object after it: "then saw cutting wood on the right" is the tool)
    static const Regex seen("(?:(?<=\\bi )|(?<=\\bwe )|(?<=\\byou )|(?<=\\bhe )|(?<=\\bshe )|(?<=\\bthey )|(?<=\\bbut )|"
                            "(?<=\\bthen )|(?<=\\bnever )|(?<=\\balso )|(?<=\\bjust )|(?<=\\bonly )|(?<=\\bfinally )|(?<=\\band ))"
                            "saw(?=\\s+(?:nothing|no|nobody|anything|anyone|something|someone|it|him|her|them|that|this|what|a|an|"
                            "the|my|his|their|two|three|some|lights?)\\b)", true);
    return with_matches_replaced(t, seen, [](const Regex::Match&, const u32&) { return u32(U"spotted"); });
}

// "Left speaker: wind chimes", "the right speaker plays birds", "a speaker at ninety degrees left
// plays the rattle": a loudspeaker says where the sound it plays is, and is no sound itself.
u32 with_speakers_as_places(const u32& t) {
    if (find_ascii_ci(t, U"speaker") == u32::npos && find_ascii_ci(t, U"channel") == u32::npos &&
        find_ascii_ci(t, U"cluster") == u32::npos && find_ascii_ci(t, U"monitor") == u32::npos)
        return t;
    const std::string device = "(?:loud)?speakers?|channels?|monitors?|clusters?|speaker\\s+clusters?|speaker\\s+arrays?";
    const std::string plays = "(?:plays|playing|will\\s+play|should\\s+play|gets|carries|has)";
    static const Regex keyed("(?<![\\w-])(?:the\\s+)?(?P<side>(?:(?:front|rear|back)[- ]?)?(?:left|right)|centre|center|rear|back|front)"
                             "\\s+(?:" + device + ")(?:\\s*(?P<colon>:)|\\s+(?P<verb>" + plays + ")\\s)", true);
    static const Regex placed("(?<![\\w-])(?:(?:a|the|one)\\s+)?(?:loud)?speaker\\s+(?P<place>(?:at|on|to)\\s+[^,.;:\\n]{1,40}?)\\s+" +
                              plays + "\\s", true);
    const u32 low = lower_same_length(t);
    std::vector<std::pair<std::pair<int, int>, u32>> edits;
    for (const auto& m : keyed.find_all(low)) {
        const u32 side = m.group(low, keyed.group("side"));
        edits.push_back({{m.start, m.end}, m.has(keyed.group("colon")) ? side + U":" : U"on the " + side + U": "});
    }
    for (const auto& m : placed.find_all(low)) {
        if (std::any_of(edits.begin(), edits.end(), [&](const auto& e) { return m.start < e.first.second && e.first.first < m.end; }))
            continue;
        edits.push_back({{m.start, m.end}, m.group(low, placed.group("place")) + U": "});
    }
    if (edits.empty()) return t;
    std::sort(edits.begin(), edits.end());
    u32 out;
    std::size_t at = 0;
    for (const auto& [span, text] : edits) {
        if (static_cast<std::size_t>(span.first) < at) continue;
        out += t.substr(at, static_cast<std::size_t>(span.first) - at) + text;
        at = static_cast<std::size_t>(span.second);
    }
    return out + t.substr(at);
}

// "door slam is currently centred, needs to come from 9 o'clock", "the footsteps are on the right
// right now but should be behind the player": where a sound is now, in a request to move it, is not
// where it goes.
u32 with_current_places_dropped(const u32& t) {
    if (find_ascii_ci(t, U"currently") == u32::npos && find_ascii_ci(t, U"right now") == u32::npos &&
        find_ascii_ci(t, U"at the moment") == u32::npos && find_ascii_ci(t, U"at present") == u32::npos)
        return t;
    static const Regex now("(?<![\\w-])(?:is|are|sits|sit|plays|play)\\s+(?:currently|right\\s+now|at\\s+the\\s+moment|at\\s+present)"
                           "\\s+[^,.;:!?\\n]{1,40}?(?:,\\s*|\\s+)(?:and\\s+|but\\s+)?(?:it\\s+|they\\s+)?"
                           "(?=(?:needs?|should|has\\s+to|have\\s+to|must|ought)\\b)", true);
    return with_matches_replaced(t, now, [](const Regex::Match&, const u32&) { return u32(); });
}

// "And under all that, the fountain trickling behind", "underneath it all a cello on the left": the
// sound is layered beneath the others, not placed below the listener.
u32 with_layering_dropped(const u32& t) {
    if (find_ascii_ci(t, U"under") == u32::npos && find_ascii_ci(t, U"beneath") == u32::npos &&
        find_ascii_ci(t, U"everything") == u32::npos && find_ascii_ci(t, U"no ") == u32::npos &&
        find_ascii_ci(t, U"mono") == u32::npos && find_ascii_ci(t, U"everywhere") == u32::npos)
        return t;
    static const Regex layer("(?<![\\w-])(?:and\\s+)?(?:under|underneath|beneath)\\s+(?:all\\s+(?:that|this|of\\s+(?:that|this|it|them))|"
                             "it\\s+all|everything(?:\\s+else)?|them\\s+all|all\\s+the\\s+rest)(?![\\w-]),?|"
                             // and what says it has no place: "vinyl crackle over everything, no specific position"
                             "(?<![\\w-])(?:over\\s+everything|no\\s+(?:specific\\s+|particular\\s+|fixed\\s+)?(?:placement|position|location)|"
                             "no\\s+idea\\s+where(?:\\s+(?:from|it\\s+is))?|no\\s+panning|plain\\s+mono|just\\s+everywhere)(?![\\w-]),?", true);
    return with_matches_replaced(t, layer, [](const Regex::Match&, const u32&) { return u32(U", "); });
}

// "pigs rooting around behind me", "someone rummaging about on the left": about the place, not
// round the listener
u32 with_idle_around_dropped(const u32& t) {
    if (find_ascii_ci(t, U"around") == u32::npos && find_ascii_ci(t, U"about") == u32::npos) return t;
    static const Regex idle("(?<![\\w-])(?P<verb>rooting|rummaging|poking|pottering|puttering|messing|fooling|snuffling|sniffing|"
                            "nosing|foraging|faffing|mucking|scrabbling|scratching|digging|rustling|shuffling)\\s+(?:around|about)(?![\\w-])"
                            "(?!\\s+(?:me|us|you|him|her|them|the\\s+listener)\\b)",
                            true);
    // the verb as written, without its "around"
    return with_matches_replaced(t, idle, [&](const Regex::Match& m, const u32&) {
        const int g = idle.group("verb");
        return t.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.caps[2 * g + 1] - m.start));
    });
}

// "crowd murmur all across the back", "a choir spread from left to right across the front": a wide
// sound laid along one side of the listener, not a sound that moves along it
u32 with_spread_across_as_still(const u32& t) {
    if (find_ascii_ci(t, U"across") == u32::npos) return t;
    static const Regex spread("(?<![\\w-])(?:spread(?:\\s+out)?|stretched(?:\\s+out)?|strung\\s+out|all|fades\\s+in|fading\\s+in)\\s+"
                              "(?:from\\s+(?:the\\s+)?(?:left|right)\\s+to\\s+(?:the\\s+)?(?:left|right)\\s+)?"
                              "across\\s+the\\s+(?P<side>front|back|rear)(?:\\s+(?:soundstage|stage|speakers))?(?![\\w-])", true);
    return with_matches_replaced(t, spread, [&](const Regex::Match& m, const u32& low) {
        // ("A bird flies all across the front": a move; "crowd murmur all across the back": spread)
        if (low.compare(static_cast<std::size_t>(m.start), 3, U"all") == 0) {
            std::size_t e = static_cast<std::size_t>(m.start);
            while (e > 0 && low[e - 1] == ' ') --e;
            std::size_t b = e;
            while (b > 0 && is_letter(low[b - 1])) --b;
            const u32 before = low.substr(b, e - b);
            static const std::set<u32> moving = {U"fly", U"flie", U"flew", U"pan", U"zoom", U"sweep", U"swept", U"roll", U"move",
                                                 U"travel", U"run", U"ran", U"drive", U"drove", U"race", U"rush", U"pass",
                                                 U"cross", U"go", U"goe", U"went", U"walk", U"march", U"glide", U"drift",
                                                 U"swoop", U"zip", U"speed", U"sped", U"ride", U"rode", U"sail", U"slide",
                                                 U"slid", U"swing", U"swung", U"whizz", U"whiz", U"dart", U"scurry", U"scurrie",
                                                 U"gallop", U"trot", U"shift", U"rumble", U"thunder", U"chase", U"stream"};
            u32 stem = before;
            for (const u32 suffix : {U"ing", U"ed", U"es", U"s", U"d"})
                if (stem.size() > suffix.size() + 1 && ends_with(stem, suffix)) {
                    stem = stem.substr(0, stem.size() - suffix.size());
                    break;
                }
            const bool doubled = stem.size() > 2 && stem.back() == stem[stem.size() - 2];  // "panning"
            if (moving.count(stem) || moving.count(before) || (doubled && moving.count(stem.substr(0, stem.size() - 1))) ||
                moving.count(stem + U"e"))
                return t.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start));
        }
        const int g = spread.group("side");
        const u32 side = lower(t.substr(static_cast<std::size_t>(m.caps[2 * g]), 5));
        return u32(side.rfind(U"front", 0) == 0 ? U"in front" : U"behind");
    });
}

// "a horse and cart crossing left to right", "the wolf huffs and puffs", "drum and bass on the
// left": a fixed pair is one thing heard, so it is written as one word
u32 with_fixed_pairs_joined(const u32& t) {
    if (find_ascii_ci(t, U" and ") == u32::npos && find_ascii_ci(t, U" & ") == u32::npos &&
        find_ascii_ci(t, U" n ") == u32::npos)
        return t;
    static const Regex pair("(?<![\\w-])(?:horse|horses|pony|donkey|mule|ox|oxen)\\s+(?:and|&|n)\\s+"
                            "(?:cart|carts|carriage|carriages|buggy|wagon|wagons|trap|cab|plough|plow|cart's)(?![\\w-])|"
                            "(?<![\\w-])(?:huffs|huffed|huffing|huff)\\s+and\\s+(?:puffs|puffed|puffing|puff)(?![\\w-])|"
                            "(?<![\\w-])(?:drum|drums)\\s+(?:and|&|n)\\s+bass(?![\\w-])|"
                            "(?<![\\w-])rock\\s+(?:and|&|n)\\s+roll(?![\\w-])|(?<![\\w-])rhythm\\s+(?:and|&)\\s+blues(?![\\w-])|"
                            "(?<![\\w-])(?:pots|pot)\\s+and\\s+pans(?![\\w-])|(?<![\\w-])(?:knives|knife)\\s+and\\s+forks(?![\\w-])|"
                            "(?<![\\w-])(?:bucket|buckets)\\s+and\\s+(?:spade|spades|mop)(?![\\w-])", true);
    return with_matches_replaced(t, pair, [&](const Regex::Match& m, const u32&) {
        // the words joined by hyphens, "&" and "n" read as "and" ("horse & cart" -> "horse-and-cart")
        u32 joined, word;
        const u32 whole = t.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start)) + U" ";
        for (char32_t c : whole) {
            if (!is_space(c)) {
                word.push_back(c);
                continue;
            }
            if (word.empty()) continue;
            if (word == U"&" || word == U"n" || word == U"N") word = U"and";
            joined += (joined.empty() ? U"" : U"-") + word;
            word.clear();
        }
        return joined;
    });
}

// "Fifteen rooms left.", "nothing left", "two minutes left to go": what remains, not a side
u32 with_remaining_left_dropped(const u32& t) {
    // (a number, "nothing", "none", "few" or "only" before it)
    if (find_ascii_ci(t, U"left") == u32::npos ||
        (std::none_of(t.begin(), t.end(), is_digit) && find_ascii_ci(t, U"nothing") == u32::npos &&
         find_ascii_ci(t, U"none") == u32::npos && find_ascii_ci(t, U"few") == u32::npos && find_ascii_ci(t, U"only") == u32::npos &&
         find_ascii_ci(t, U"teen ") == u32::npos && find_ascii_ci(t, U"ty ") == u32::npos && find_ascii_ci(t, U"one") == u32::npos &&
         find_ascii_ci(t, U"two") == u32::npos && find_ascii_ci(t, U"three") == u32::npos && find_ascii_ci(t, U"some") == u32::npos &&
         find_ascii_ci(t, U"no ") == u32::npos))
        return t;
    static const Regex remaining("(?<![\\w-])(?P<what>nothing|none|(?:\\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                                 "twelve|fifteen|twenty|thirty|a\\s+few|few|no|some|not\\s+many|only\\s+\\w+)\\s+(?:more\\s+)?"
                                 // (not "30 degrees left", "two steps left": a way to the side)
                                 "(?!(?:degrees?|degs?|deg|feet|foot|ft|m|metres?|meters?|yards?|paces?|steps?|inches|cm|o'clock|"
                                 "clicks?|notches?|points?|percent|bit|little|tad|touch|way)\\b)[a-z]+s?)"
                                 "\\s+left(?=\\s*(?:[.!?;]|$|to\\s+go|over\\b))", true);
    return with_matches_replaced(t, remaining, [&](const Regex::Match& m, const u32& low) {
        const int g = remaining.group("what");
        const u32 what = m.group(low, g);
        const std::size_t sp = what.rfind(U' ');
        const u32 noun = sp == u32::npos ? what : what.substr(sp + 1);
        // ("two guitars left", "only one bird left": sounds placed on the left)
        if (sound_noun(noun) || sound_verb(noun) || names_a_person(noun))
            return t.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start));
        return t.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.caps[2 * g + 1] - m.start)) + U" remaining";
    });
}

// "When she left, a door slammed", "I left at 6": someone leaving, not the left side (read as
// "quit": a word that neither places nor moves a sound)
u32 with_leaving_left_as_quit(const u32& t) {
    if (find_ascii_ci(t, U"left") == u32::npos) return t;
    static const Regex leaving("(?<![\\w'-])(?:i|we|she|he|they|who|everyone|everybody|someone|somebody)\\s+"
                               "(?:(?:just|had|have|has|finally|already|then|never)\\s+)?(?P<left>left)(?![\\w'-])"
                               // (leaving, said alone: not "someone left of me", "I left the radio on")
                               "(?=\\s*(?:[,.;!?]|$|at\\b|early\\b|late\\b|for\\b|before\\b|after\\b|when\\b|and\\b|then\\b|"
                               "home\\b|work\\b|school\\b|town\\b|the\\s+(?:room|house|building|party|office|flat|station|pub)\\b))", true);
    return with_matches_replaced(t, leaving, [&](const Regex::Match& m, const u32&) {
        const int g = leaving.group("left");
        return t.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.caps[2 * g] - m.start)) + U"quit";
    });
}

// "Keep the chatter soft.", "Keep the alarms off for this one.": how to mix a sound, said in a
// sentence of its own that places nothing
u32 with_keep_instructions_dropped(const u32& t) {
    if (find_ascii_ci(t, U"keep ") == u32::npos) return t;
    const u32 low = lower_same_length(t);
    u32 out;
    std::size_t b = 0;
    while (b < t.size()) {
        std::size_t e = b;
        while (e < t.size() && t[e] != '.' && t[e] != '!' && t[e] != '?' && t[e] != '\n') ++e;
        if (e < t.size()) ++e;
        std::size_t s = b;
        while (s < e && is_space(t[s])) ++s;
        const u32 sentence = low.substr(s, e - s);
        bool drop = sentence.compare(0, 5, U"keep ") == 0 && b > 0;
        // (how loud: "Keep the chatter soft.", "Keep the alarms off for this one."; not "Keep the thunder rumbling.")
        u32 bare = sentence;
        while (!bare.empty() && (bare.back() == '.' || bare.back() == '!' || bare.back() == '?' || bare.back() == '\n' ||
                                 is_space(bare.back())))
            bare.pop_back();
        for (const u32 tail : {U" for this one", U" please", U" for now", U" this time"})
            if (ends_with(bare, tail)) bare.resize(bare.size() - tail.size());
        bool level = false;
        for (const u32 w : {U" soft", U" softer", U" quiet", U" quieter", U" low", U" lower", U" subtle", U" distant", U" off",
                            U" down", U" muted", U" faint", U" gentle", U" light", U" loud", U" louder", U" in the background",
                            U" very quiet", U" under control", U" to a minimum", U" dry", U" clean"})
            level = level || ends_with(bare, w);
        drop = drop && level;
        for (const u32 w : {U"left", U"right", U"behind", U"ahead", U"front", U"back", U"above", U"below", U"overhead",
                            U"o'clock", U"degree", U"centre", U"center", U"side"})
            drop = drop && sentence.find(w) == u32::npos;
        if (!drop) out += t.substr(b, e - b);
        b = e;
    }
    return out;
}

// "+45", "-45", "150" as a pattern matched them (ASCII digits): the size and whether a sign was written.
// A sign said in words ("minus 45", "plus 30") counts as written; the size is kept positive as with "-".
std::pair<int, bool> written_angle(const u32& num) {
    const std::size_t digits = num.find_first_of(U"0123456789");
    const bool sign = digits > 0;
    return {std::stoi(to_utf8(num.substr(digits))), sign};
}

// Terse lists of sounds and numbers ("rain 90, thunder -45", "crowd 12, whistle 3", "dog barking
// 270") and a bare angle after from/at ("my teammate yelled from 150"): a number after a sound's
// name that ends its item is where it is. Hours (1 to 12, two or more items) are clock positions;
// a sign, 0 or 13 to 360 are degrees.
u32 with_terse_angles(const u32& t) {
    if (std::none_of(t.begin(), t.end(), [](char32_t c) { return c >= '0' && c <= '9'; })) return t;
    // ("tap drips at minus 45": a sign said in words belongs to the number, not to the name)
    static const Regex item("(?:^|(?<=[,;:\\n]))(?P<name>\\s*[a-z][a-z'-]*(?:\\s+[a-z][a-z'-]*){0,3})(?<!minus)(?<!plus)(?<!negative)\\s+"
                            "(?P<num>(?:(?:minus|plus|negative)\\s+)?[+\\-\\u2212]?[0-9]{1,3})(?=\\s*(?:[,;\\n]|\\.(?!\\d)|$))", true);
    static const Regex after("(?<![\\w-])(?P<lead>from|at|towards|toward)\\s+(?P<num>[+\\-\\u2212]?[0-9]{2,3})"
                             "(?=\\s*(?:[,;!\\n]|\\.(?!\\d)|and\\b|then\\b|$|-\\s))", true);
    const u32 low = lower_same_length(t);  // positions in low are positions in t
    struct Hit { int start, end; int value; bool signed_; };
    std::vector<Hit> hits;
    auto says_hours = [](const u32& text) { return text.find(U"o'clock") != u32::npos || text.find(U"oclock") != u32::npos; };
    const bool hours_said = says_hours(low);
    for (const auto& m : item.find_all(low)) {
        const int g = item.group("num");
        const auto [value, sign] = written_angle(m.group(low, g));
        // "Cue 31.", "Scene 14." name no sound; beside hours said as hours, a bare hour places any short
        // name ("harp 11 o'clock, celesta 10")
        const u32 name = m.group(low, item.group("name"));
        // (only after an item placed at an hour: "Cue 3, ...", "Trench 3, ..." open a text)
        auto after_an_hour = [&]() {
            const std::size_t at = static_cast<std::size_t>(m.start);
            if (at == 0 || (low[at - 1] != ',' && low[at - 1] != ';')) return false;
            const std::size_t sep = at - 1;  // the break that opens this item; the item before ends there
            const std::size_t prev = sep == 0 ? u32::npos : low.find_last_of(U",;\n", sep - 1);
            const std::size_t from = prev == u32::npos ? 0 : prev + 1;
            return says_hours(low.substr(from, sep - from));
        };
        if (!names_a_sound(name) &&
            !(hours_said && !sign && value >= 1 && value <= 12 && words_of(name).size() <= 2 && after_an_hour()))
            continue;
        hits.push_back({m.caps[2 * g], m.caps[2 * g + 1], value, sign});
    }
    const std::size_t hours = static_cast<std::size_t>(std::count_if(hits.begin(), hits.end(), [](const Hit& h) {
        return !h.signed_ && h.value >= 1 && h.value <= 12;
    }));
    // ("goats 9 o'clock, radio 3 o'clock, wind 6": a bare hour among hours said as hours)
    const bool clock = (hours >= 2 || hours_said) && hours == hits.size();
    std::vector<std::pair<int, u32>> edits;  // (position, text to insert) from the end
    for (const Hit& h : hits) {
        if (h.value > 360 || (!clock && !h.signed_ && h.value >= 1 && h.value <= 12)) continue;
        const bool at_said = h.start >= 3 && low.compare(static_cast<std::size_t>(h.start) - 3, 3, U"at ") == 0;
        if (!at_said) edits.push_back({h.start, U"at "});
        edits.push_back({h.end, clock ? U" o'clock" : U" degrees"});
    }
    for (const auto& m : after.find_all(low)) {
        const int g = after.group("num");
        const int value = written_angle(m.group(low, g)).first;
        if (value <= 12 || value > 360) continue;
        if (std::any_of(hits.begin(), hits.end(), [&](const Hit& h) { return h.start == m.caps[2 * g]; })) continue;
        edits.push_back({m.caps[2 * g + 1], U" degrees"});
    }
    if (edits.empty()) return t;
    std::stable_sort(edits.begin(), edits.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    u32 out = t;
    for (const auto& [at, text] : edits) out.insert(static_cast<std::size_t>(at), text);
    return out;
}

// "a little behind her", "a bit in front": a small amount before front or back says no side; left
// in, "little" would read as a sound of its own.
u32 with_small_amounts_before_front_back_dropped(const u32& t) {
    if (!contains_ascii_ci(t, U"a little") && !contains_ascii_ci(t, U"a bit") && !contains_ascii_ci(t, U"a tad")) return t;
    const u32 low = lower_same_length(t);
    static const std::set<u32> front_back = {U"behind", U"ahead", U"above", U"below", U"overhead", U"in", U"further",
                                             U"farther", U"more", U"closer", U"nearer", U"higher", U"lower", U"up", U"down"};
    const std::vector<TextWord> words = words_of(low);
    u32 out;
    std::size_t copied = 0;
    for (std::size_t i = 0; i + 2 < words.size(); ++i) {
        if (words[i].low != U"a" || (words[i + 1].low != U"little" && words[i + 1].low != U"bit" && words[i + 1].low != U"tad"))
            continue;
        if (!joined(low, words[i], words[i + 1]) || !joined(low, words[i + 1], words[i + 2]))
            continue;  // not "after a bit. Behind me"
        // ("a little bit in front": the same amount)
        const std::size_t at = words[i + 1].low == U"little" && words[i + 2].low == U"bit" && i + 3 < words.size() &&
                                       joined(low, words[i + 2], words[i + 3])
                                   ? i + 3
                                   : i + 2;
        const u32& next = words[at].low;
        if (!front_back.count(next)) continue;
        // "in front" / "in the back", not "a little in the garden"
        if (next == U"in" && !(at + 1 < words.size() && (words[at + 1].low == U"front" || words[at + 1].low == U"back")))
            continue;
        if (next == U"more" || next == U"further" || next == U"farther" || next == U"closer" || next == U"nearer" ||
            next == U"higher" || next == U"lower" || next == U"up" || next == U"down")
            continue;  // "a bit more to the left", "a little further back": left as they are
        out += t.substr(copied, words[i].begin - copied);
        copied = words[at].begin;
        i = at - 1;
    }
    return copied ? out + t.substr(copied) : t;
}

// "a blender off to the right a bit", "on my left slightly": the amount after the side is the same
// small offset as before it ("slightly to the right").
u32 with_small_amounts_after_sides_moved(const u32& t) {
    if (!contains_ascii_ci(t, U"a little") && !contains_ascii_ci(t, U"a bit") && !contains_ascii_ci(t, U"slightly") &&
        !contains_ascii_ci(t, U"a tad") && !contains_ascii_ci(t, U"barely"))
        return t;
    const u32 low = lower_same_length(t);
    static const std::set<u32> owners = {U"the", U"my", U"your", U"his", U"her", U"their", U"our"};
    static const std::set<u32> go_on = {U"and", U"then", U"while", U"with", U"but", U"so", U"as"};
    const std::vector<TextWord> words = words_of(low);
    u32 out;
    std::size_t copied = 0;
    for (std::size_t i = 2; i + 1 < words.size(); ++i) {
        const u32& side = words[i].low;
        const u32& prep = words[i - 2].low;
        if ((side != U"left" && side != U"right") || !owners.count(words[i - 1].low) ||
            (prep != U"to" && prep != U"on" && prep != U"from"))
            continue;
        std::size_t last;  // the amount's last word
        std::size_t a = i + 1;  // where it starts: "on the left but only slightly", "to the right, but just a bit"
        if (a + 1 < words.size() && words[a].low == U"but") ++a;
        if (a > i + 1 && a + 1 < words.size() && (words[a].low == U"only" || words[a].low == U"just")) ++a;
        if (words[a].low == U"slightly" || (a > i + 1 && words[a].low == U"barely")) last = a;
        else if (a + 2 < words.size() && words[a].low == U"a" && words[a + 1].low == U"little" && words[a + 2].low == U"bit")
            last = a + 2;  // "from the right, a little bit"
        else if (a + 1 < words.size() && words[a].low == U"a" &&
                 (words[a + 1].low == U"bit" || words[a + 1].low == U"little" || words[a + 1].low == U"tad"))
            last = a + 1;
        else continue;
        // the amount ends the phrase ("a little bird" after the side is a sound)
        std::size_t e = words[last].end;
        while (e < low.size() && is_space(low[e])) ++e;
        const bool ends = e >= low.size() || !is_letter(low[e]) || (last + 1 < words.size() && go_on.count(words[last + 1].low));
        bool one_phrase = true;  // "to the right a bit", "to the right, a bit", not "to the right. A bit later"
        for (std::size_t k = i - 2; k < last && one_phrase; ++k)
            one_phrase = joined(low, words[k], words[k + 1]) ||
                         (k == i && low.substr(words[k].end, words[k + 1].begin - words[k].end) == U", ");
        if (!ends || !one_phrase) continue;
        std::size_t b = words[i - 2].begin;
        if (i >= 3 && (words[i - 3].low == U"off" || words[i - 3].low == U"over")) b = words[i - 3].begin;
        out += t.substr(copied, b - copied) + (prep == U"from" ? U"from slightly to the " : U"slightly to the ") + side;
        copied = words[last].end;
        i = last;
    }
    return copied ? out + t.substr(copied) : t;
}

// "a drone at 30 degrees left, another at 30 right": "another" with a place and no noun is one more
// of the sound before ("another one"), where "another" alone would be a word of the label.
u32 with_another_as_another_one(const u32& t) {
    if (!contains_ascii_ci(t, U"another")) return t;
    const u32 low = lower_same_length(t);
    static const std::set<u32> place_openers = {U"at", U"on", U"in", U"to", U"off", U"far", U"slightly", U"a", U"just",
                                                U"behind", U"ahead", U"directly", U"straight", U"left", U"right", U"up",
                                                U"over", U"above", U"below", U"from", U"somewhere", U"further", U"farther",
                                                U"way", U"dead", U"hard", U"out", U"down", U"near", U"close", U"by",
                                                U"front", U"back", U"rear", U"centre", U"center", U"middle", U"overhead"};
    const std::vector<TextWord> words = words_of(low);
    u32 out;
    std::size_t copied = 0;
    for (std::size_t i = 1; i < words.size(); ++i) {
        // not "one after another", "call to one another"
        if (words[i].low != U"another" || words[i - 1].low == U"after" || words[i - 1].low == U"one") continue;
        std::size_t e = words[i].end;
        while (e < low.size() && is_space(low[e])) ++e;
        const bool at_end = e >= low.size() || low[e] == ',' || low[e] == '.' || low[e] == ';' || low[e] == '!';
        // ("another far-off baby" names a sound; "another front-right" is a place)
        auto hyphen_place = [&](std::size_t k) {
            if (!(words[k].end < low.size() && low[words[k].end] == '-')) return true;
            static const std::set<u32> sides = {U"left", U"right", U"front", U"back", U"rear"};
            return k + 1 < words.size() && words[k + 1].begin == words[k].end + 1 && sides.count(words[k + 1].low) > 0;
        };
        const bool placed = i + 1 < words.size() && words[i + 1].begin == e && place_openers.count(words[i + 1].low) &&
                            hyphen_place(i + 1);
        const bool number = e < low.size() && (is_digit(low[e]) || low[e] == '+' || low[e] == '-');
        if (!at_end && !placed && !number) continue;
        out += t.substr(copied, words[i].end - copied) + U" one";
        copied = words[i].end;
    }
    return copied ? out + t.substr(copied) : t;
}

// "someone whistling at like 2 oclock and a bike bell at 10": beside a clock position, a bare
// hour after "at" is one too.
// No number above 12 and no degrees: any bare number in the text is more likely an hour.
static bool no_angles_given(const u32& low) {
    if (low.find(U"degree") != u32::npos || low.find(U"deg") != u32::npos || low.find(U'\u00b0') != u32::npos) return false;
    auto ascii = [](char32_t c) { return c >= '0' && c <= '9'; };  // what stoi reads (is_digit takes any script's)
    for (std::size_t i = 0; i < low.size(); ++i) {
        if (!is_digit(low[i]) || (i > 0 && is_digit(low[i - 1]))) continue;
        std::size_t e = i;
        while (e < low.size() && is_digit(low[e])) ++e;
        if (e - i > 2 || !std::all_of(low.begin() + static_cast<long>(i), low.begin() + static_cast<long>(e), ascii) ||
            std::stoi(to_utf8(low.substr(i, e - i))) > 12)
            return false;
    }
    return true;
}

static bool after_a_day(const u32& low, std::size_t i) {
    if (low.compare(i, 3, U"at ") != 0) return false;
    std::size_t e = i;
    while (e > 0 && low[e - 1] == ' ') --e;
    std::size_t b = e;
    while (b > 0 && is_letter(low[b - 1])) --b;
    static const std::set<u32> days = {U"monday", U"tuesday", U"wednesday", U"thursday", U"friday", U"saturday", U"sunday",
                                       U"today", U"tonight", U"tomorrow", U"yesterday", U"mondays", U"tuesdays",
                                       U"wednesdays", U"thursdays", U"fridays", U"saturdays", U"sundays", U"weekdays",
                                       // "essay due at 9", "I left at 6", "back home at 10": what happens when
                                       U"due", U"left", U"quit", U"leave", U"home", U"bed", U"woke", U"wake", U"opens", U"closes",
                                       U"shift", U"meet", U"met", U"dinner", U"lunch", U"breakfast", U"curfew"};
    return b < e && days.count(low.substr(b, e - b));
}

u32 with_bare_clock_hours(const u32& t) {
    if (std::none_of(t.begin(), t.end(), [](char32_t c) { return c >= '0' && c <= '9'; }) && t.find(U"at ") == u32::npos)
        return t;
    const u32 low = lower_same_length(t);  // positions in low are positions in t
    const bool clock = low.find(U"o'clock") != u32::npos || low.find(U"oclock") != u32::npos || low.find(U" o clock") != u32::npos;
    u32 out;
    int hours = 0, owned_hours = 0;  // bare "at N" hours; two or more read as clock positions without "o'clock" too
    std::size_t i = 0;
    while (i < t.size()) {
        std::size_t lead = 0;  // "at 3", and in a clock context "from 8 to 1"
        static const u32 leads[] = {U"at ", U"from ", U"to ", U"at your ", U"at my ", U"at their ", U"at his ", U"at her ",
                                    U"at about ", U"at around ", U"at roughly ", U"at like ", U"at approximately ", U": "};
        // "Machine gun rattles from 10.": an hour that ends its sentence after "from" is a clock position
        auto hour_ends_sentence = [&](std::size_t d) {
            std::size_t e = d;
            while (e < t.size() && e < d + 2 && is_digit(t[e])) ++e;
            const bool end = e == t.size() || t[e] == ';' || t[e] == '!' || t[e] == '\n' ||
                             (t[e] == '.' && (e + 1 == t.size() || !is_digit(t[e + 1])));
            return e > d && end;
        };
        bool ends_sentence = false;
        if (after_a_day(low, i)) {  // "Thursday at 7", "due at 9": a time
            out.push_back(t[i]);
            ++i;
            continue;
        }
        if (i == 0 || !is_letter(low[i - 1]) || low[i] == ':')
            for (const u32& w : leads)
                // "knocking at the door: 6" in a list of o'clock positions
                if (low.compare(i, w.size(), w) == 0 &&
                    (w == U": " ? clock && hour_ends_sentence(i + w.size())
                                : (w[0] == 'a' || clock || (w == U"from " && hour_ends_sentence(i + w.size()))))) {
                    lead = w.size();
                    ends_sentence = w == U"from " && hour_ends_sentence(i + w.size());
                }
        if (lead == 0) {
            out.push_back(t[i]);
            ++i;
            continue;
        }
        // "at your 7": a clock position on its own ("at about 7" is one only beside others)
        bool owned = false;
        for (const u32 w : {U"at your ", U"at my ", U"at their ", U"at his ", U"at her "})
            owned = owned || (lead == w.size() && low.compare(i, w.size(), w) == 0);
        std::size_t d = i + lead, e = d;
        while (e < t.size() && e < d + 2 && t[e] >= '0' && t[e] <= '9') ++e;  // ASCII: read with stoi
        std::size_t after = e;
        while (after < t.size() && t[after] == ' ') ++after;
        std::size_t unit_end = after;
        while (unit_end < t.size() && is_letter(t[unit_end])) ++unit_end;
        static const std::set<u32> units = {U"am", U"pm", U"m", U"metres", U"meters", U"metre", U"meter", U"feet", U"ft", U"foot",
                                            U"degrees", U"degree", U"deg", U"percent", U"db", U"hz", U"km", U"miles", U"mile",
                                            U"yards", U"seconds", U"second", U"s", U"sec", U"secs", U"minutes", U"minute", U"min",
                                            U"mins", U"o", U"oclock", U"bars", U"bar", U"beats", U"times", U"people", U"of",
                                            U"hours", U"hour", U"h", U"ms", U"x", U"st", U"nd", U"rd", U"th", U"kph", U"mph"};
        bool unit = unit_end > after && units.count(low.substr(after, unit_end - after));
        // "digging up the road at 7 every morning": a time of day
        for (const u32 w : {U"every ", U"each ", U"tonight", U"sharp", U"daily", U"tomorrow", U"today", U"nightly",
                            U"in the morning", U"in the evening", U"in the afternoon", U"at night", U"this morning",
                            U"in morning", U"in evening", U"in afternoon", U"in the night", U"at dawn", U"at dusk",
                            U"this evening", U"on the dot", U"till ", U"until ", U"a.m", U"p.m", U"a. m", U"p. m"})
            unit = unit || low.compare(after, w.size(), w) == 0;
        const bool bare = e > d && !unit && (after == t.size() || !(is_digit(t[after]) ||
                                                                 t[after] == ':' || t[after] == '%' || t[after] == '\'' ||
                                                                 (t[after] == '.' && after + 1 < t.size() && is_digit(t[after + 1])) ||
                                                                 t[after] == 0xB0));
        int hour = bare ? std::stoi(to_utf8(t.substr(d, e - d))) : 0;
        if (e == d) {  // "the harp at three and the wind chimes at nine": hours in words
            static const std::map<u32, int> words = {{U"one", 1}, {U"two", 2}, {U"three", 3}, {U"four", 4}, {U"five", 5},
                                                     {U"six", 6}, {U"seven", 7}, {U"eight", 8}, {U"nine", 9}, {U"ten", 10},
                                                     {U"eleven", 11}, {U"twelve", 12}};
            while (e < t.size() && is_letter(t[e])) ++e;
            const auto it = words.find(low.substr(d, e - d));
            std::size_t next = e;
            while (next < t.size() && t[next] == ' ') ++next;
            std::size_t next_end = next;
            while (next_end < t.size() && is_letter(t[next_end])) ++next_end;
            static const std::set<u32> not_hours = {U"point", U"time", U"times", U"end", U"side", U"moment", U"stage",
                                                    U"another", U"of", U"o", U"oclock", U"degrees", U"degree", U"metres",
                                                    U"meters", U"feet", U"once", U"am", U"pm", U"in", U"at", U"last"};
            const bool said = it != words.end() && !not_hours.count(low.substr(next, next_end - next)) &&
                              !(next < t.size() && (t[next] == '\'' || t[next] == '-'));
            hour = said ? it->second : 0;
            if (!said) e = d;
        }
        if (hour >= 1 && hour <= 12) {
            out += t.substr(i, e - i) + U" o'clock";
            ++hours;
            // "a generator droning at 9": a single digit after "at" is no angle; an hour
            // and "a doorbell at 12" in a text that gives no angles ("at 12 and at 45 degrees" does)
            owned_hours += owned || ends_sentence || (e - d == 1 && t[d] >= '1' && t[d] <= '9') ||
                                   (e - d == 2 && no_angles_given(low)) ? 1 : 0;
            i = e;
        } else {
            out.push_back(t[i]);
            ++i;
        }
    }
    // "Drummer at 12, bassist at 1, rhythm guitar at 11": hours said in a row, without "o'clock"
    return clock || hours >= 2 || owned_hours > 0 ? out : t;
}

// "Airlock cycles on the port side; starboard thrusters fire": a ship's sides, facing the bow, as
// the listener's.
u32 with_nautical_sides(const u32& t) {
    auto has = [&](const char32_t* w) {  // case-blind, without lowering the whole text
        const u32 word = w;
        return std::search(t.begin(), t.end(), word.begin(), word.end(), [](char32_t a, char32_t b) {
                   return (a >= 'A' && a <= 'Z' ? a + 32 : a) == b;
               }) != t.end();
    };
    if (!has(U"port") && !has(U"astern") && !has(U" aft") && !has(U"starboard") && !has(U"bow") && !has(U"stern") &&
        !has(U"stbd"))
        return t;
    static const std::pair<const char32_t*, const char32_t*> said[] = {
        // a log's shorthand, and "abeam": at the side ("Bell buoy abeam stbd.", "Port: tug. Stbd: jet ski.")
        {U"stbd", U"starboard"}, {U"abeam to starboard", U"on the right"}, {U"abeam starboard", U"on the right"},
        {U"starboard abeam", U"on the right"}, {U"abeam to port", U"on the left"}, {U"abeam port", U"on the left"},
        {U"port abeam", U"on the left"}, {U"port:", U"left:"}, {U"starboard:", U"right:"},
        // "~30° right of bow": the bow is straight ahead
        {U"right of the bow", U"right of centre"}, {U"left of the bow", U"left of centre"},
        {U"right of bow", U"right of centre"}, {U"left of bow", U"left of centre"},
        // the bow is ahead, the stern behind ("passing down our port side from bow to stern")
        {U"from bow to stern", U"from the front to the back"}, {U"from stern to bow", U"from the back to the front"},
        {U"from the bow to the stern", U"from the front to the back"},
        {U"from the stern to the bow", U"from the back to the front"},
        {U"crossing our bow", U"crossing in front of us"}, {U"across our bow", U"across in front of us"},
        {U"across the bow", U"across in front of us"}, {U"crossing the bow", U"crossing in front of us"},
        {U"fine on the port bow", U"slightly to the left"}, {U"fine on the starboard bow", U"slightly to the right"},
        {U"on the port bow", U"front-left"}, {U"on the starboard bow", U"front-right"}, {U"port bow", U"front-left"},
        {U"starboard bow", U"front-right"}, {U"on the port quarter", U"behind on the left"},
        {U"on the starboard quarter", U"behind on the right"}, {U"dead astern", U"directly behind"},

        {U"from port to starboard", U"from the left to the right"}, {U"from starboard to port", U"from the right to the left"},
        {U"port to starboard", U"from the left to the right"}, {U"starboard to port", U"from the right to the left"},
        {U"off the port beam", U"on the left"}, {U"off the starboard beam", U"on the right"},
        {U"off the port quarter", U"behind on the left"}, {U"off the starboard quarter", U"behind on the right"},
        {U"port beam", U"left"}, {U"starboard beam", U"right"}, {U"aft", U"behind"},
        {U"on the port side", U"on the left side"}, {U"on port side", U"on the left side"}, {U"port side", U"left side"},
        {U"portside", U"left side"}, {U"to port", U"to the left"}, {U"off the port bow", U"front-left"},
        {U"off the starboard bow", U"front-right"}, {U"on the starboard side", U"on the right side"},
        {U"starboard side", U"right side"}, {U"to starboard", U"to the right"}, {U"starboard", U"on the right"},
        {U"astern", U"behind"}};
    u32 out = t, low = lower_same_length(t);  // edited in step: the same positions
    for (const auto& [from, to] : said) {
        const u32 f = from, r = to;
        for (std::size_t at = low.find(f); at != u32::npos;) {
            const std::size_t end = at + f.size();
            if ((at > 0 && is_letter(low[at - 1])) || (end < low.size() && is_letter(low[end]))) {  // "support side"
                at = low.find(f, at + 1);
                continue;
            }
            out = out.substr(0, at) + r + out.substr(end);
            low = low.substr(0, at) + r + low.substr(end);
            at = low.find(f, at + r.size());
        }
    }
    return out;
}

// ---- corrections ("at 3 o'clock - sorry, I meant 9 o'clock") -------------------------------------
// Where a place is taken back and another given ("Rain in front... actually no, make the rain come
// from behind", "cricket at +60, wait, scratch that, -60", "Drone: behind-left. No - behind-right"),
// the text from the first place to the second is cut: "Rain behind". A correction that brings in
// a sound not named before the first place names a new sound, and is left alone.
bool signed_angle(const Tok& k, const u32& t) {  // "-60", "+45" said alone
    const u32& w = k.text;
    return k.kind == Kind::Word && !w.empty() && w.size() <= 3 && std::all_of(w.begin(), w.end(), is_digit) &&
           k.start > 0 && (t[k.start - 1] == '-' || t[k.start - 1] == '+');
}

u32 with_corrections_applied(const u32& t, const std::vector<Tok>& tokens) {
    auto is_break = [](const Tok& k) { return k.kind == Kind::Hard || k.kind == Kind::Soft; };
    auto is_place = [](const Tok& k) { return k.kind == Kind::Dir; };
    for (std::size_t m = 1; m < tokens.size(); ++m) {
        const u32& w = tokens[m].low();
        std::size_t after = static_cast<std::size_t>(tokens[m].end);  // "No -", "wait,"
        while (after < t.size() && t[after] == ' ') ++after;
        const bool next_breaks = after < t.size() && (t[after] == ',' || t[after] == '-' || t[after] == '.' ||
                                                      t[after] == '!' || t[after] == ';' || t[after] == ':');
        auto word_at = [&](std::size_t k) { return k < tokens.size() && tokens[k].kind == Kind::Word ? tokens[k].low() : u32(); };
        auto after_a_break = [&](std::size_t k) {
            while (k > 0 && tokens[k - 1].kind == Kind::Space) --k;
            return k > 0 && is_break(tokens[k - 1]);
        };
        auto place_follows = [&](std::size_t k) {  // "no the left", "no, on the left", "no to my left"
            for (std::size_t j = k + 1, words = 0; j < tokens.size() && words <= 2; ++j) {
                if (is_place(tokens[j])) return true;
                if (tokens[j].kind == Kind::Space) continue;
                static const std::set<u32> glue = {U"the", U"on", U"to", U"at", U"my", U"in", U"more"};
                if (tokens[j].kind != Kind::Word || !glue.count(tokens[j].low())) return false;
                ++words;
            }
            return false;
        };
        const bool marker = tokens[m].kind == Kind::Word &&
                            (w == U"sorry" || w == U"actually" || w == U"meant" || w == U"oops" || w == U"correction" ||
                             (w == U"scratch" && word_at(m + 1) == U"that") || (w == U"mean" && word_at(m - 1) == U"i") ||
                             (w == U"rather" && word_at(m - 1) == U"or") ||  // "at 2 o'clock, or rather behind me"
                             (w == U"no" && word_at(m + 1) == U"wait") ||  // "on left no wait right"
                             ((w == U"no" || w == U"wait") && next_breaks) ||
                             (w == U"no" && after_a_break(m) && place_follows(m)) ||  // "on the right... no the left"
                             // dictated: "cello at minus thirty no plus thirty", "calling left no right side"
                             (w == U"no" && m > 0 && [&] {
                                 std::size_t k = m;
                                 while (k > 0 && tokens[k - 1].kind == Kind::Space) --k;
                                 return k > 0 && is_place(tokens[k - 1]);
                             }() && place_follows(m)) ||
                             ((w == U"er" || w == U"erm" || w == U"uh" || w == U"um") && after_a_break(m) && next_breaks));
        if (!marker) continue;
        std::size_t p = m, q = m;
        // (the place taken back may be a height too: "ticking at my feet, no wait, under the bed")
        while (p > 0 && !is_place(tokens[p - 1]) && tokens[p - 1].kind != Kind::Elev) --p;
        // the new place may be a height ("oops i meant above me")
        while (q < tokens.size() && !is_place(tokens[q]) && tokens[q].kind != Kind::Elev && !signed_angle(tokens[q], t)) ++q;
        if (p == 0 || q == tokens.size()) continue;
        --p;
        // the first place ends the sentence or clause it is in: nothing but breaks between it and the marker
        bool adjacent = true;
        for (std::size_t k = p + 1; k < m; ++k)
            adjacent = adjacent && (is_break(tokens[k]) || tokens[k].kind == Kind::Filler || tokens[k].kind == Kind::Space ||
                                    tokens[k].low() == U"no" || tokens[k].low() == U"wait" || tokens[k].low() == U"oh" ||
                                    tokens[k].low() == U"i" || tokens[k].low() == U"um" || tokens[k].low() == U"uh" ||
                                    tokens[k].low() == U"er" || tokens[k].low() == U"erm" || tokens[k].low() == U"hmm" ||
                                    tokens[k].low() == U"ah" || tokens[k].low() == U"or");
        if (!adjacent) continue;
        // "left to right - sorry, I mean right to left": the whole move is taken back
        for (std::size_t k = p; k > 0;) {
            std::size_t j = k - 1;
            while (j > 0 && (tokens[j].kind == Kind::Space || word_at(j) == U"the")) --j;
            if (tokens[j].kind != Kind::To) break;
            while (j > 0 && (tokens[j - 1].kind == Kind::Space || word_at(j - 1) == U"the")) --j;
            if (j == 0 || !is_place(tokens[j - 1])) break;
            k = p = j - 1;
            if (p > 0 && tokens[p - 1].kind == Kind::From) p = k = p - 1;
            else if (p > 1 && tokens[p - 1].kind == Kind::Space && tokens[p - 2].kind == Kind::From) p = k = p - 2;
        }
        // "left and right. No, correction: just on the right": every place of the list is taken back
        for (std::size_t j = p; j >= 2;) {
            std::size_t k = j - 1;
            while (k > 0 && tokens[k].kind == Kind::Space) --k;
            if (!(tokens[k].kind == Kind::Soft && (tokens[k].low() == U"and" || tokens[k].low() == U",")) || k == 0) break;
            --k;
            while (k > 0 && tokens[k].kind == Kind::Space) --k;
            if (!is_place(tokens[k])) break;
            j = p = k;
        }
        const u32 before = lower(t.substr(0, static_cast<std::size_t>(tokens[p].start)));
        std::size_t c = p;  // the clause the place taken back is in
        while (c > 0 && !is_break(tokens[c - 1])) --c;
        const u32 clause = lower(t.substr(static_cast<std::size_t>(tokens[c].start),
                                          static_cast<std::size_t>(tokens[p].start - tokens[c].start)));
        bool new_sound = false;
        for (std::size_t k = m + 1; k < q; ++k)
            // "A cat on the right. Actually, put the dog behind me": another sound named before moves,
            // not the cat (move_corrected_sounds)
            if (tokens[k].kind == Kind::Word && tokens[k].low() != U"scratch" && sound_noun(tokens[k].low()) &&
                clause.find(tokens[k].low()) == u32::npos)
                new_sound = true;
        // "Actually, add a second dog behind me": a sound added, not a place taken back
        static const std::set<u32> adding = {U"add", U"another", U"second", U"also", U"more", U"too", U"plus", U"extra"};
        for (std::size_t k = m + 1; k < q && !new_sound; ++k)
            new_sound = tokens[k].kind == Kind::Word && adding.count(tokens[k].low()) > 0;
        if (new_sound) continue;
        const u32 head = t.substr(0, static_cast<std::size_t>(tokens[p].start));
        if (signed_angle(tokens[q], t))  // "at +60, wait, scratch that, -60"
            return head + t.substr(static_cast<std::size_t>(tokens[q].start) - 1, tokens[q].text.size() + 1) + U" degrees" +
                   t.substr(static_cast<std::size_t>(tokens[q].end));
        return head + t.substr(static_cast<std::size_t>(tokens[q].start));
    }
    return t;
}

}  // namespace bewo::rt::prompt_detail
