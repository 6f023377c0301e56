#include "prompt_terse_forms.h"

#include <algorithm>
#include <set>
#include <vector>

#include "text_match.h"
#include "text_words.h"

namespace bewo::rt {

using namespace textmatch;

namespace {

using u32 = std::u32string;

bool slug_char(char32_t c) { return is_letter(c) || is_digit(c); }

// A part of a slug that says where: "left", "l", "behind", "10oclock".
bool place_part(const u32& p) {
    static const std::set<u32> places = {U"left", U"right", U"l", U"r", U"behind", U"ahead", U"front", U"rear",
                                         U"back", U"above", U"below", U"overhead", U"oclock", U"center", U"centre",
                                         U"underneath", U"beneath", U"circling", U"circle", U"orbit", U"flyby"};
    return places.count(p) > 0;
}

// "dog-bark-left", "owl-10-oclock", "kids_playground_slightly_left_0519.wav": three or more parts
// joined by "-" or "_", one of them a place, written as words ("L" and "R" as sides, a take number,
// a version and the file's extension left out).
u32 with_slugs_as_words(const u32& t) {
    if (t.find('-') == u32::npos && t.find('_') == u32::npos) return t;
    static const std::set<u32> extensions = {U"wav", U"mp3", U"flac", U"ogg", U"aif", U"aiff", U"m4a", U"wave"};
    u32 out;
    std::size_t i = 0;
    while (i < t.size()) {
        if (!slug_char(t[i]) || (i > 0 && (slug_char(t[i - 1]) || t[i - 1] == '-' || t[i - 1] == '_' || t[i - 1] == '\''))) {
            out.push_back(t[i++]);
            continue;
        }
        std::size_t j = i;
        std::vector<u32> parts(1);
        while (j < t.size() && (slug_char(t[j]) || ((t[j] == '-' || t[j] == '_') && j + 1 < t.size() && slug_char(t[j + 1])))) {
            if (t[j] == '-' || t[j] == '_') parts.emplace_back();
            else parts.back().push_back(t[j]);
            ++j;
        }
        std::size_t end = j;  // past the file's extension, if it has one
        if (j + 1 < t.size() && t[j] == '.') {
            std::size_t e = j + 1;
            while (e < t.size() && is_letter(t[e])) ++e;
            if (extensions.count(lower(t.substr(j + 1, e - j - 1)))) end = e;
        }
        std::vector<u32> low;
        for (const u32& p : parts) low.push_back(lower(p));
        const bool placed = std::any_of(low.begin(), low.end(), place_part);
        // ("behind-the-scenes", "right-hand-side", "front-of-house": English compounds that open with the
        // place; "L-O-U-D": a word spelled out)
        const bool compound = (parts.size() <= 3 && place_part(low[0])) ||
                              std::none_of(low.begin(), low.end(), [](const u32& p) { return p.size() >= 3 && !place_part(p); });
        if (parts.size() < 3 || !placed || compound) {
            out += t.substr(i, end - i);
            i = end;
            continue;
        }
        u32 spoken;
        for (std::size_t k = 0; k < parts.size(); ++k) {
            const u32& p = low[k];
            // a take or date number, a version: not heard ("0519", "v2", "01"); an angle after a side stays
            const bool digits = std::all_of(p.begin(), p.end(), is_digit);
            const bool version = p.size() >= 2 && p[0] == 'v' && std::all_of(p.begin() + 1, p.end(), is_digit);
            const bool angle_or_hour = digits && k + 1 < parts.size() &&
                                       (low[k + 1] == U"oclock" || low[k + 1] == U"deg" || low[k + 1] == U"degrees");
            if (version || (digits && !angle_or_hour && !(k > 0 && (low[k - 1] == U"l" || low[k - 1] == U"r"))))
                continue;
            u32 word = p == U"l" ? u32(U"left") : p == U"r" ? u32(U"right") : p == U"oclock" ? u32(U"o'clock") : parts[k];
            spoken += (spoken.empty() ? U"" : U" ") + word;
        }
        out += spoken.empty() ? t.substr(i, end - i) : spoken;
        i = end;
    }
    return out;
}

// "spatial-cli add 'pigeons' ...; render ...": each command's program and verb name no sound, and
// each command is a sentence of its own.
u32 without_commands(const u32& t) {
    static const std::set<u32> verbs = {U"add", U"place", U"put", U"render", U"move", U"orbit", U"spatialize",
                                        U"spatialise", U"spawn", U"play", U"mix", U"new", U"set", U"run"};
    u32 out;
    std::size_t i = 0;
    while (i < t.size()) {
        std::size_t e = i;
        while (e < t.size() && t[e] != ';' && t[e] != '\n' && t.compare(e, 2, U"&&") != 0 && t[e] != '|') ++e;
        std::size_t from = i;
        for (std::size_t w = i; w < e;) {  // the words split at spaces: "spatial-cli" is one
            while (w < e && is_space(t[w])) ++w;
            std::size_t we = w;
            while (we < e && !is_space(t[we])) ++we;
            const u32 raw = lower(t.substr(w, we - w));
            const bool program = raw.find('-') != u32::npos || raw.find('.') != u32::npos || ends_with(raw, U"cli");
            if (w == we || (!verbs.count(raw) && !program)) break;
            from = w = we;
        }
        // ("add 'church bells'": a name in quotes is the sound's, not words someone says)
        for (char32_t c : t.substr(from, e - from))
            if (c != '\'' && c != '"') out.push_back(c);
        if (e < t.size()) out += U". ";
        i = e < t.size() ? e + (t.compare(e, 2, U"&&") == 0 ? 2 : 1) : e;
    }
    return out;
}

// "--az 60", "--el up", "--clock 10", "--from right --to left --via rear", "--pos behind": a
// command's flags as the words they stand for.
u32 with_flags_as_words(const u32& t) {
    if (t.find(U"--") == u32::npos) return t;
    static const std::vector<std::pair<u32, u32>> flags = {
        {U"--az", U"at"}, {U"--azimuth", U"at"}, {U"--clock", U"at"}, {U"--pos", U""}, {U"--position", U""},
        {U"--from", U"from"}, {U"--to", U"to"}, {U"--via", U"via"}, {U"--src", U""}, {U"--source", U""},
        {U"--around", U"around"}, {U"--path", U"passing"}, {U"--el", U""}, {U"--elevation", U""}, {U"--laps", U"laps"}};
    const u32 low = lower_same_length(t);
    u32 out;
    std::size_t i = 0;
    bool any = false;
    while (i < t.size()) {
        if (low.compare(i, 2, U"--") != 0 || (i > 0 && !is_space(t[i - 1]))) {
            out.push_back(t[i++]);
            continue;
        }
        std::size_t e = i + 2;
        while (e < t.size() && (is_letter(t[e]) || t[e] == '-')) ++e;
        const u32 flag = low.substr(i, e - i);
        const auto it = std::find_if(flags.begin(), flags.end(), [&](const auto& f) { return f.first == flag; });
        if (it == flags.end()) {
            out.push_back(t[i++]);
            continue;
        }
        std::size_t v = e;
        while (v < t.size() && is_space(t[v])) ++v;
        std::size_t ve = v;
        if (v < t.size() && (t[v] == '\'' || t[v] == '"')) {  // --src 'buzzing fly'
            ve = t.find(t[v], v + 1);
            ve = ve == u32::npos ? t.size() : ve + 1;
        } else {
            while (ve < t.size() && !is_space(t[ve]) && t[ve] != ';' && t[ve] != '&') ++ve;
        }
        u32 value = strip_chars(t.substr(v, ve - v), U"'\"");
        const u32 lv = lower(value);
        for (char32_t& c : value)
            if (c == '-' && &c != &value[0]) c = ' ';  // "slightly-right"
        u32 said;
        if (flag == U"--el" || flag == U"--elevation") {
            said = lv == U"up" || lv == U"above" || lv == U"high" ? U"above"
                 : lv == U"down" || lv == U"below" || lv == U"low" ? U"below"
                 : U"at elevation " + value;
        } else if (flag == U"--clock") {
            said = U"at " + value + U" o'clock";
        } else if (flag == U"--az" || flag == U"--azimuth") {
            said = U"at " + value + U" degrees";
        } else if (flag == U"--via") {
            said = lv == U"rear" || lv == U"back" || lv == U"behind" ? U"passing behind" : U"passing " + value;
        } else if (flag == U"--laps") {
            said = lv == U"1" || lv == U"one" ? U"once" : value + U" times";
        } else if (flag == U"--around") {
            said = U"around the " + value;
        } else {
            said = it->second.empty() ? value : it->second + U" " + value;
        }
        out += said;
        any = true;
        i = ve;
    }
    return any ? without_commands(out) : t;
}

// "OWL ABOVE STOP WOLF BEHIND STOP": a telegram's STOP ends a sentence.
u32 with_telegram_stops(const u32& t) {
    if (t.find(U"STOP") == u32::npos) return t;
    const auto letters = std::count_if(t.begin(), t.end(), is_letter);
    const auto upper = std::count_if(t.begin(), t.end(), is_upper);
    if (letters == 0 || upper * 10 < letters * 9) return t;  // shouted throughout, as telegrams are
    // (the word itself said: "AT THE BUS STOP", "COMES TO A STOP", "YELLS STOP"; a telegram has two or more)
    static const std::set<u32> said_before = {U"a", U"the", U"bus", U"full", U"pit", U"says", U"yells", U"shouts",
                                              U"screams", U"cries", U"no", U"non", U"last", U"next", U"first"};
    auto stop_at = [&](std::size_t i) {
        if (t.compare(i, 4, U"STOP") != 0 || (i > 0 && is_letter(t[i - 1])) || (i + 4 < t.size() && is_letter(t[i + 4])))
            return false;
        std::size_t e = i;
        while (e > 0 && t[e - 1] == ' ') --e;
        std::size_t b = e;
        while (b > 0 && is_letter(t[b - 1])) --b;
        return b < e && !said_before.count(lower(t.substr(b, e - b)));
    };
    std::size_t stops = 0;
    for (std::size_t i = 0; i < t.size(); ++i) stops += stop_at(i);
    if (stops < 2) return t;
    u32 out;
    for (std::size_t i = 0; i < t.size();) {
        const bool word = stop_at(i);
        if (word && i > 0) {
            while (!out.empty() && out.back() == ' ') out.pop_back();
            out += U".";
            i += 4;
            continue;
        }
        out.push_back(t[i++]);
    }
    return out;
}

// "r/ambientsounds request:", "thanks u/sam_o": a forum's name for a board or a person is a name (its
// "r" is no right side, its "/" no break between items).
u32 with_forum_handles_as_names(const u32& t) {
    u32 out;
    out.reserve(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char32_t c = t[i] | 0x20;
        const bool opens = (c == 'r' || c == 'u') && i + 2 < t.size() && t[i + 1] == '/' && is_letter(t[i + 2]) &&
                           (i == 0 || (!slug_char(t[i - 1]) && t[i - 1] != '/'));
        if (opens) {
            ++i;  // the "r" and its "/"
            continue;
        }
        out.push_back(t[i]);
    }
    return out;
}

}  // namespace

u32 with_terse_forms_as_words(const u32& text) {
    return with_telegram_stops(with_flags_as_words(with_slugs_as_words(with_forum_handles_as_names(text))));
}

}  // namespace bewo::rt
