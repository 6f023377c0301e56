// Key-value prompts as phrases (prompt_fields.h).
#include "prompt_fields.h"

#include <algorithm>
#include <set>
#include <vector>

#include "prompt_markup.h"
#include "sound_words.h"
#include "text_match.h"

namespace bewo::rt {

using namespace textmatch;

namespace {

const std::set<u32>& sound_keys() {
    static const std::set<u32> k = {U"sound", U"source", U"label", U"name", U"sfx", U"fx", U"what", U"object",
                                    U"event", U"audio", U"clip", U"sample", U"description", U"desc", U"caption",
                                    U"emitter", U"asset", U"id"};
    return k;
}
// keys whose value says where; the value is read as it is, after a word that makes it a place
const std::set<u32>& place_keys() {
    static const std::set<u32> k = {U"position", U"pos", U"direction", U"dir", U"location", U"loc", U"where",
                                    U"place", U"side", U"azimuth", U"az", U"azi", U"angle", U"bearing", U"pan", U"elevation", U"el", U"elev", U"alt",
                                    U"height", U"distance", U"dist", U"range", U"path", U"route", U"trajectory",
                                    U"motion", U"movement", U"move", U"from", U"start", U"to", U"end", U"speed", U"at",
                                    U"via", U"through"};
    return k;
}
// words a direction key is made of ("left:", "front-right =", "behind left:")
const std::set<u32>& direction_words() {
    static const std::set<u32> k = {U"left", U"right", U"front", U"back", U"behind", U"ahead", U"rear", U"centre",
                                    U"center", U"middle", U"above", U"below", U"overhead", U"up", U"down", U"hard",
                                    U"far", U"slightly", U"top", U"bottom", U"l", U"r", U"c", U"o'clock", U"oclock",
                                    U"degrees", U"deg", U"at", U"on", U"the", U"in", U"to", U"of", U"az", U"azimuth",
                                    U"me", U"my", U"you", U"your"};
    return k;
}
// direction words that say no side on their own
const std::set<u32>& direction_glue() {
    static const std::set<u32> k = {U"at", U"on", U"the", U"in", U"to", U"of", U"az", U"azimuth", U"hard", U"far",
                                    U"slightly", U"degrees", U"deg", U"me", U"my", U"you", U"your"};
    return k;
}

std::vector<u32> words_of(const u32& s) {
    std::vector<u32> out;
    u32 w;
    for (char32_t c : lower(s) + U" ") {
        if (is_space(c) || c == '-' || c == '_' || c == '/') {
            if (!w.empty()) out.push_back(w);
            w.clear();
        } else {
            w.push_back(c);
        }
    }
    return out;
}

bool signed_number(const u32& s) {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    bool digit = false;
    for (; i < s.size(); ++i) {
        if (is_digit(s[i])) digit = true;
        else if (s[i] != '.') return false;
    }
    return digit;
}

// A key made only of direction words or a clock position / angle ("left", "front-right", "10 o'clock", "-45").
bool direction_key(const u32& key) {
    const auto words = words_of(key);
    if (words.empty()) return false;
    bool any_side = false;
    for (const u32& w : words) {
        const u32 bare = strip_chars(w, U"°+");
        if (signed_number(w) || signed_number(bare) || (direction_words().count(bare) && !direction_glue().count(bare)))
            any_side = true;
        else if (!direction_glue().count(bare))
            return false;
    }
    return any_side;
}

// The phrase a direction key or a place value is said with: bare "back" and "up" are ambiguous
// in prose ("comes back"), so they are said as places.
u32 as_place(const u32& value) {
    u32 v = collapse_space(strip_space(value));
    // "behind_left", "front_right": an engine's name for a place
    for (std::size_t i = 1; i + 1 < v.size(); ++i)
        if (v[i] == '_' && is_letter(v[i - 1]) && is_letter(v[i + 1])) v[i] = '-';
    for (const u32 key : {U"azimuth", U"az"})  // "az=-45", "az 30"
        if (lower(v).compare(0, key.size(), key) == 0 && v.size() > key.size() && !is_letter(v[key.size()])) {
            v = strip_chars(v.substr(key.size()), U" =:");
            break;
        }
    const u32 low = lower(v);
    if (low == U"back" || low == U"rear") return U"behind";
    if (low == U"front") return U"in front";
    if (low == U"up" || low == U"top" || low == U"high") return U"above";
    if (low == U"down" || low == U"bottom" || low == U"low") return U"below";
    if (low == U"left" || low == U"l") return U"on the left";
    if (low == U"right" || low == U"r") return U"on the right";
    if (low == U"c" || low == U"centre" || low == U"center" || low == U"middle") return U"ahead";
    if (signed_number(strip_chars(low, U"°"))) return U"at " + strip_chars(v, U"°") + U" degrees";
    return v;
}

u32 place_value(const u32& key, const u32& value) {
    const u32 v = collapse_space(strip_space(value));
    if (key == U"elevation" || key == U"el" || key == U"height" || key == U"elev" || key == U"alt") {
        if (signed_number(strip_chars(v, U"°")))
            return strip_chars(v, U"°")[0] == '-' ? U"below" : strip_chars(v, U"°") == U"0" ? U"" : U"above";
        return as_place(v);
    }
    if (key == U"distance" || key == U"dist" || key == U"range") return signed_number(v) ? v + U" metres away" : v + U" away";
    if (key == U"path" || key == U"route" || key == U"trajectory" || key == U"motion" || key == U"movement" || key == U"move") {
        const u32 low = lower(v);
        if (low == U"circle" || low == U"orbit" || low == U"loop" || low == U"around")
            return U"circling around the listener";  // "path=circle"
        if (direction_key(v)) return U"passing " + as_place(v);  // "path: front"
        return U"moving " + v;
    }
    if (key == U"from" || key == U"start" || key == U"to" || key == U"end") {
        // an end point said as a place: "from the left", "to the front", "from 0 degrees"
        u32 place = as_place(v);
        if (place.compare(0, 3, U"on ") == 0 || place.compare(0, 3, U"at ") == 0) place = place.substr(3);
        if (place == U"in front" || place == U"ahead") place = U"the front";
        return (key == U"from" || key == U"start" ? U"from " : U"to ") + place;
    }
    if (key == U"speed") return v;
    if (key == U"via" || key == U"through") return U"passing " + as_place(v);
    return as_place(v);
}

// "a.wav", "DOOR_Wood_Creak_01.wav": a sound file's name
bool file_name(const u32& word) {
    const u32 low = lower(strip_chars(word, U"()[],;:\"'"));
    for (const u32 ext : {U".wav", U".mp3", U".ogg", U".flac", U".aif", U".aiff", U".m4a", U".opus"})
        if (low.size() > ext.size() && ends_with(low, ext)) return true;
    return false;
}

// File names out where other words say what is heard; a lone name read as its words.
u32 without_file_names(const u32& t) {
    u32 out, word, others;
    std::vector<u32> names;
    for (char32_t c : t + U" ") {
        if (!is_space(c)) {
            word.push_back(c);
            continue;
        }
        if (file_name(word)) {
            names.push_back(word);
            out += U" ; ";
        } else {
            out += word;
            others += word;
        }
        out.push_back(c);
        word.clear();
    }
    out.pop_back();
    if (names.empty()) return t;
    if (std::any_of(others.begin(), others.end(), is_letter)) return out;
    u32 spoken;
    for (const u32& n : names) {
        u32 stem = n.substr(0, n.rfind('.'));
        for (char32_t& c : stem)
            if (c == '_' || c == '-') c = ' ';
        spoken += (spoken.empty() ? U"" : U"; ") + stem;
    }
    return spoken;
}

struct Item { u32 key, value; bool keyed; };

// The items of a record list: split at ",", ";", "|", line breaks and sentence ends, each read as
// "key: value" or "key = value" where it has one.
std::vector<Item> items_of(const u32& t) {
    std::vector<u32> parts(1);
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char32_t c = t[i];
        const bool sentence_end = c == '.' && (i + 1 == t.size() || is_space(t[i + 1]));
        if (c == ',' || c == ';' || c == '|' || c == '\n' || sentence_end) parts.emplace_back();
        else parts.back().push_back(c);
    }
    // "voice_line npc_guard pos=behind_left elev=0": fields written key=value, apart only by spaces
    std::vector<u32> split_parts;
    for (const u32& p : parts) {
        std::vector<u32> words(1);
        for (char32_t c : strip_space(p)) {
            if (is_space(c)) {
                if (!words.back().empty()) words.emplace_back();
            } else {
                words.back().push_back(c);
            }
        }
        auto kv = [](const u32& w) {
            const std::size_t eq = w.find('=');
            return eq != u32::npos && eq > 0 && eq + 1 < w.size() && w.find(':') == u32::npos;
        };
        if (p.find(':') != u32::npos || std::count_if(words.begin(), words.end(), kv) < 1 || words.size() < 2 ||
            std::any_of(words.begin(), words.end(), [](const u32& w) { return w == U"="; })) {
            split_parts.push_back(p);
            continue;
        }
        u32 lead;  // the words before the first field: the sound
        std::vector<u32> fields;
        for (const u32& w : words) {
            if (kv(w)) fields.push_back(w);
            else if (fields.empty()) lead += (lead.empty() ? U"" : U" ") + w;
            else fields.back() += U" " + w;
        }
        if (!lead.empty()) split_parts.push_back(lead);
        split_parts.insert(split_parts.end(), fields.begin(), fields.end());
    }
    std::vector<Item> out;
    for (const u32& p : split_parts) {
        const u32 s = strip_space(p);
        if (s.empty()) continue;
        // "key: value", "key = value"; "az=-45: campfire" is keyed by "az=-45"
        std::size_t sep = u32::npos, colon = u32::npos;
        for (std::size_t i = 0; i < s.size(); ++i) {
            const bool clock = i > 0 && is_digit(s[i - 1]) && i + 1 < s.size() && is_digit(s[i + 1]);  // 00:02:31
            if (s[i] == ':' && !clock && colon == u32::npos) colon = i;
            if ((s[i] == '=' || (s[i] == ':' && !clock)) && sep == u32::npos) sep = i;
        }
        if (colon != u32::npos) sep = colon;
        if (sep == u32::npos) out.push_back({u32(), s, false});
        else out.push_back({lower(strip_chars(s.substr(0, sep), U" \t-*\u2022>#")), strip_space(s.substr(sep + 1)), true});
    }
    return out;
}

// Key names engines use for a move's ends and turns ("start_az=0", "revolutions=1"), as the keys above.
u32 engine_key(const u32& key) {
    static const std::set<u32> starts = {U"start_az", U"az_start", U"start_azimuth", U"azimuth_start", U"from_az",
                                         U"start_angle", U"start_deg", U"az0", U"start_pos", U"start_position"};
    static const std::set<u32> ends = {U"end_az", U"az_end", U"end_azimuth", U"azimuth_end", U"to_az", U"end_angle",
                                       U"end_deg", U"az1", U"end_pos", U"end_position", U"target"};
    static const std::set<u32> turns = {U"revolutions", U"revs", U"laps", U"loops", U"orbits", U"turns", U"circles"};
    if (starts.count(key)) return U"from";
    if (ends.count(key)) return U"to";
    if (turns.count(key)) return U"path";
    return key;
}

// 'play_sound("heli_loop", az=180, el=+30)', "sfx.move(car, from=-90, to=90)", "orbit('bee',
// start_az=0, revolutions=1)": calls an engine developer writes, as fields ("sound=heli loop, az=180,
// el=+30"); their positional argument is the sound, a call named for circling circles. Text that is
// not calls alone is returned as it is.
u32 calls_as_fields(const u32& t) {
    u32 out;
    std::size_t i = 0, calls = 0;
    while (i < t.size()) {
        while (i < t.size() && (is_space(t[i]) || t[i] == ';')) ++i;
        if (i >= t.size()) break;
        std::size_t n = i;
        while (n < t.size() && (is_letter(t[n]) || is_digit(t[n]) || t[n] == '_' || t[n] == '.')) ++n;
        if (n == i || n >= t.size() || t[n] != '(') return t;
        const std::size_t close = t.find(')', n);
        if (close == u32::npos) return t;
        const u32 name = lower(t.substr(i, n - i));
        u32 record;
        bool sound_given = false;
        for (u32 arg : [&] {
                 std::vector<u32> args(1);
                 for (std::size_t k = n + 1; k < close; ++k) {
                     if (t[k] == ',') args.emplace_back();
                     else args.back().push_back(t[k]);
                 }
                 return args;
             }()) {
            arg = strip_chars(strip_space(arg), U"\"'");
            if (arg.empty()) continue;
            const std::size_t eq = arg.find('=');
            // a positional argument: the sound, once; an angle or a place after it ("play('dog', 90)")
            u32 key = eq != u32::npos          ? engine_key(lower(strip_space(arg.substr(0, eq))))
                      : signed_number(arg)     ? u32(U"az")
                      : direction_key(arg)     ? u32(U"pos")
                      : sound_given            ? u32()
                                               : u32(U"sound");
            if (key.empty()) continue;
            sound_given = sound_given || key == U"sound" || sound_keys().count(key) > 0;
            u32 value = eq == u32::npos ? arg : strip_chars(strip_space(arg.substr(eq + 1)), U"\"'");
            if (key == U"path" && eq != u32::npos && signed_number(value)) {
                if (value == U"0") continue;
                value = U"circle";
            }
            for (char32_t& c : value)
                if (c == '_') c = ' ';
            record += (record.empty() ? U"" : U", ") + key + U"=" + value;
        }
        if (name.find(U"orbit") != u32::npos || name.find(U"circle") != u32::npos) record += U", path=circle";
        if (!sound_given) {  // "Thunder(far left)": a call named for its sound
            static const std::set<u32> generic = {U"play", U"sound", U"sfx", U"fx", U"audio", U"spawn", U"emit", U"trigger",
                                                  U"move", U"pan", U"orbit", U"circle", U"post", U"event", U"start", U"fire",
                                                  U"cue", U"oneshot", U"one", U"shot", U"source", U"snd", U"at", U"add", U"set"};
            u32 spoken, dotted = name;
            for (char32_t& c : dotted)
                if (c == '.') c = ' ';  // "audio.play"
            for (const u32& w : words_of(dotted))
                if (!generic.count(w)) spoken += (spoken.empty() ? U"" : U" ") + w;
            if (!spoken.empty()) record = U"sound=" + spoken + (record.empty() ? U"" : U", ") + record;
        }
        out += (out.empty() ? U"" : U"; ") + record;
        ++calls;
        i = close + 1;
    }
    return calls ? out : t;
}

}  // namespace

namespace {

// "[owl]\npos = \"back left\"", "[[source]]\nname = \"owl\"": a config file's sections. A section named
// for its sound gives the sound ("[scene.rain]" is rain); one whose fields name it ("name = ...") is
// only a heading. Returns the text with each header line so read; `found` says whether there was one.
u32 with_sections_named(const u32& t, bool& found) {
    found = false;
    if (t.find('[') == u32::npos || t.find('\n') == u32::npos) return t;
    std::vector<u32> lines(1);
    for (char32_t c : t) {
        if (c == '\n') lines.emplace_back();
        else lines.back().push_back(c);
    }
    auto header = [](const u32& line) -> u32 {  // the section's name, or empty
        const u32 s = strip_space(line);
        if (s.size() < 3 || s.front() != '[' || s.back() != ']') return u32();
        u32 name = strip_chars(s, U"[] ");
        if (name.empty() || std::any_of(name.begin(), name.end(), [](char32_t c) { return c == ' ' || c == ','; })) return u32();
        const std::size_t dot = name.rfind('.');
        if (dot != u32::npos) name = name.substr(dot + 1);
        for (char32_t& c : name)
            if (c == '_' || c == '-') c = ' ';
        return name;
    };
    auto names_its_sound = [](const u32& line) {
        const u32 s = lower(strip_space(line));
        std::size_t e = 0;
        while (e < s.size() && (is_letter(s[e]) || s[e] == '_')) ++e;
        std::size_t k = e;
        while (k < s.size() && s[k] == ' ') ++k;
        return e > 0 && k < s.size() && (s[k] == '=' || s[k] == ':') && sound_keys().count(s.substr(0, e)) > 0;
    };
    u32 out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const u32 name = header(lines[i]);
        if (name.empty()) {
            out += lines[i] + (i + 1 < lines.size() ? U"\n" : U"");
            continue;
        }
        found = true;
        bool named = false;
        for (std::size_t j = i + 1; j < lines.size() && header(lines[j]).empty(); ++j) named = named || names_its_sound(lines[j]);
        if (!named) out += U"name = " + name;
        out += i + 1 < lines.size() ? U"\n" : U"";
    }
    return out;
}

// 'dog = "left"', 'azimuth = -120': a line that assigns a value, as config files write them.
bool assigns_values(const u32& t) {
    std::size_t lines = 0;
    for (std::size_t i = 0; i < t.size();) {
        std::size_t e = t.find('\n', i);
        if (e == u32::npos) e = t.size();
        const u32 s = strip_space(t.substr(i, e - i));
        std::size_t k = 0;
        while (k < s.size() && (is_letter(s[k]) || is_digit(s[k]) || s[k] == '_' || s[k] == '.')) ++k;
        std::size_t v = k;
        while (v < s.size() && s[v] == ' ') ++v;
        if (k > 0 && v + 1 < s.size() && s[v] == '=') {
            std::size_t w = v + 1;
            while (w < s.size() && s[w] == ' ') ++w;
            // (a quoted value, or a number with spaces round "=": "az=-45: campfire" is a key of its own)
            const bool spaced = v > k && w > v + 1;
            if (w < s.size() && (s[w] == '"' || (spaced && (is_digit(s[w]) || s[w] == '-' || s[w] == '+')))) ++lines;
        }
        i = e + 1;
    }
    return lines >= 2;  // ("Length = 30 seconds" above prose is one line, not a config file)
}

// calls: the text is engine calls read as fields, so even one field is a record.
u32 fields_text_as_phrases(const u32& text, bool calls) {
    // most prompts are prose: no field separator and no file name, nothing to do
    const bool fields = std::any_of(text.begin(), text.end(), [](char32_t c) { return c == ':' || c == '=' || c == '{'; });
    const bool files = std::any_of(text.begin(), text.end(), [](char32_t c) { return c == '.'; }) &&
                       [&] {
                           const u32 low = lower(text);
                           for (const u32 ext : {U".wav", U".mp3", U".ogg", U".flac", U".aif", U".m4a", U".opus"})
                               if (low.find(ext) != u32::npos) return true;
                           return false;
                       }();
    if (!fields && !files) return text;
    u32 t = files ? without_file_names(text) : text;
    bool sections = false;
    t = with_sections_named(t, sections);
    // braces, or a config file's sections and assignments: quotes and brackets only wrap values
    const bool braces = (t.find('{') != u32::npos && t.find('}') != u32::npos) || sections || assigns_values(t);
    if (braces)
        for (std::size_t i = 0; i < t.size(); ++i) {
            const char32_t c = t[i];
            // quotes around a value, not the one in "o'clock"
            const bool quote = c == '\'' && !(i > 0 && is_letter(t[i - 1]) && i + 1 < t.size() && is_letter(t[i + 1]));
            if (c == '{' || c == '}' || c == '[' || c == ']' || c == '"' || quote) t[i] = ' ';
        }
    // ("1. dog: left\n2. cat: right": a line's number is no value of the line before)
    static const Regex numbered("(?:^|(?<=\\n))[ \\t]*\\d{1,2}(?:[.)]|\\.\\)|:)(?=[ \\t]+\\S)", false);
    t = with_matches_replaced(t, numbered, [](const Regex::Match&, const u32&) { return u32(); });
    const std::vector<Item> items = items_of(t);
    // fields, not prose: braces, or two or more items keyed by a known key or a direction
    int keyed = 0;  // ("chickadee: back left, cello: right": a sound keyed with its place counts too)
    for (const Item& it : items)
        if (it.keyed && !it.value.empty() &&
            (sound_keys().count(it.key) || place_keys().count(it.key) || direction_key(it.key) ||
             (direction_key(it.value) && std::any_of(it.value.begin(), it.value.end(), is_letter) && names_a_sound(it.key))))
            ++keyed;
    // "npc_guard pos=back_right": one place field after the sound's name, as engines write it
    const bool engine_field = keyed == 1 && items.size() == 2 && !items[0].keyed && items[1].keyed &&
                              place_keys().count(items[1].key) && t.find('=') != u32::npos && t.find(':') == u32::npos;
    if (!braces && keyed < 2 && !calls && !engine_field) return t;

    // "knocking at the door: 6" among "... : 11 o'clock" values: an hour
    bool clock_list = false;
    for (const Item& it : items) clock_list = clock_list || lower(it.value).find(U"clock") != u32::npos;
    std::vector<Item> hours_said = items;
    for (Item& it : hours_said) {
        const u32 v = strip_space(it.value);
        if (clock_list && it.keyed && !v.empty() && v.size() <= 2 &&
            std::all_of(v.begin(), v.end(), [](char32_t c) { return c >= '0' && c <= '9'; }) &&
            std::stoi(to_utf8(v)) >= 1 && std::stoi(to_utf8(v)) <= 12)
            it.value = v + U" o'clock";
    }
    std::vector<u32> records;
    bool has_sound = false;  // the last record has its sound
    for (const Item& it : hours_said) {
        if (it.value.empty()) continue;
        if (it.keyed && sound_keys().count(it.key)) {
            if (records.empty() || has_sound) records.push_back(it.value);
            else records.back() = it.value + U" " + records.back();  // "position: left, sound: dog"
            has_sound = true;
        } else if (it.keyed && place_keys().count(it.key)) {
            if (records.empty()) records.emplace_back(), has_sound = false;
            records.back() += (records.back().empty() ? U"" : U", ") + place_value(it.key, it.value);
        } else if (it.keyed && direction_key(it.key)) {
            records.push_back(as_place(it.key) + U": " + it.value);  // "left: rooster", "front = typewriter"
            has_sound = true;
        } else if (it.keyed && (it.key == U"type" || it.key == U"category" || it.key == U"kind" || it.key == U"layer" ||
                                it.key == U"bus" || it.key == U"group" || it.key == U"tag" || it.key == U"tags")) {
            continue;  // "type: ambience": what sort of sound, said again by its source
        } else if (it.keyed && direction_key(it.value) &&
                   (std::any_of(it.value.begin(), it.value.end(), is_letter) || names_a_sound(it.key))) {  // not "volume: 0.8"
            records.push_back(it.key + U" " + as_place(it.value));  // "{wind: 10 o'clock}"
            has_sound = true;
        } else if (it.keyed) {  // "Layer A: surf on the right": the value; "volume: 0.8", "loop = true": nothing heard
            static const std::set<u32> flags = {U"true", U"false", U"yes", U"no", U"on", U"off", U"none", U"null"};
            if (std::none_of(it.value.begin(), it.value.end(), is_letter) || flags.count(lower(it.value))) continue;
            records.push_back(names_a_sound(it.key) ? it.key + U" " + it.value : it.value);  // "car: moving L->R"
            has_sound = true;
        } else if (!records.empty() && (lower(it.value) == U"slight" || lower(it.value) == U"slightly" ||
                                        lower(it.value) == U"a bit" || lower(it.value) == U"a little" ||
                                        lower(it.value) == U"a touch")) {
            // "pan: right, slight": a small way to that side
            u32& r = records.back();
            for (const u32 side : {U"on the left", U"on the right"})
                if (ends_with(r, side)) r = r.substr(0, r.size() - side.size()) + U"slightly to the " + side.substr(7);
        } else if (direction_key(it.value) && !records.empty()) {
            records.back() += U", " + as_place(it.value);  // "church bell, front-right"
        } else {
            records.push_back(it.value);
            has_sound = true;
        }
    }
    u32 out;
    for (const u32& r : records) out += (out.empty() ? U"" : U"; ") + collapse_space(strip_space(r));
    return out;
}

}  // namespace

u32 markup_as_phrases(const u32& text) {
    const u32 marked = markup_as_fields(text);
    return marked != text ? fields_text_as_phrases(marked, true) : u32();
}

u32 fields_as_phrases(const u32& text) {
    const u32 called = text.find('(') != u32::npos ? calls_as_fields(text) : text;
    return called != text ? fields_text_as_phrases(called, true) : fields_text_as_phrases(text, false);
}

}  // namespace bewo::rt
