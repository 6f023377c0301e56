// Markup and control messages as field records (prompt_markup.h).
#include "prompt_markup.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "text_match.h"

namespace bewo::rt {

using namespace textmatch;

namespace {

using Fields = std::vector<std::pair<u32, u32>>;  // key (as prompt_fields reads it), value

// An attribute's or a message's key as prompt_fields reads it; empty for what says nothing of the
// place or the sound (ids, gains, durations, file paths).
u32 field_key(const u32& raw) {
    u32 key = lower(raw);
    for (char32_t& c : key)
        if (c == '-') c = '_';
    static const std::set<u32> sounds = {U"name", U"label", U"sound", U"sfx", U"description", U"desc", U"caption",
                                         U"source", U"clip", U"sample", U"event", U"what"};
    static const std::set<u32> angles = {U"az", U"azi", U"azim", U"azimuth", U"angle", U"bearing", U"pan"};
    static const std::set<u32> heights = {U"el", U"ele", U"elev", U"elevation", U"height", U"alt", U"altitude"};
    static const std::set<u32> places = {U"pos", U"position", U"direction", U"dir", U"location", U"loc", U"where",
                                         U"side", U"place"};
    static const std::set<u32> starts = {U"from", U"start", U"start_az", U"az_start", U"start_azimuth", U"azimuth_start",
                                         U"azi_start", U"start_azi", U"azim_start", U"from_az"};
    static const std::set<u32> ends = {U"to", U"end", U"end_az", U"az_end", U"end_azimuth", U"azimuth_end", U"azi_end",
                                       U"end_azi", U"azim_end", U"to_az", U"target"};
    static const std::set<u32> turns = {U"orbit", U"circle", U"revolutions", U"revs", U"laps", U"loops", U"orbits"};
    static const std::set<u32> ways = {U"path", U"route", U"trajectory", U"motion", U"movement"};
    if (sounds.count(key)) return U"sound";
    if (angles.count(key)) return U"az";
    if (heights.count(key)) return U"el";
    if (places.count(key)) return U"pos";
    if (starts.count(key)) return U"from";
    if (ends.count(key)) return U"to";
    if (turns.count(key)) return U"turns";
    if (ways.count(key)) return U"path";
    if (key == U"dist" || key == U"distance" || key == U"range") return U"distance";
    return u32();
}

// The record of one source's fields: "sound=heron, from=45, to=-45, el=above". A start given as
// the angle ("az" beside an end) is the start; "orbit=full" goes once round.
u32 record_of(const Fields& fields) {
    const bool has_end = std::any_of(fields.begin(), fields.end(), [](const auto& f) { return f.first == U"to"; });
    u32 out;
    for (const auto& [key, raw] : fields) {
        const u32 value = collapse_space(strip_space(raw));
        if (value.empty()) continue;
        u32 said_key = key, said = value;
        if (key == U"az" && has_end) said_key = U"from";
        if (key == U"turns") {
            static const std::set<u32> none = {U"0", U"false", U"no", U"none", U"off"};
            if (none.count(lower(value))) continue;
            said_key = U"path", said = U"circle";
        }
        out += (out.empty() ? U"" : U", ") + said_key + U"=" + said;
    }
    return out;
}

u32 joined(const std::vector<Fields>& records) {
    u32 out;
    for (const Fields& r : records) {
        const bool sound = std::any_of(r.begin(), r.end(), [](const auto& f) { return f.first == U"sound"; });
        const bool place = std::any_of(r.begin(), r.end(), [](const auto& f) { return f.first != U"sound"; });
        if (!sound && !place) continue;
        const u32 rec = record_of(r);
        if (!rec.empty()) out += (out.empty() ? U"" : U"; ") + rec;
    }
    return out;
}

bool name_char(char32_t c) { return is_letter(c) || is_digit(c) || c == '_' || c == '-' || c == ':' || c == '.'; }

// '<source name="church bells" azimuth="-30"/>': each element with attributes is a source; an
// element with no sound of its own inside one that is open adds to it ('<source name="motorbike">
// <path from="-90" to="90"/></source>'), and text inside an element with no name names it.
u32 xml_as_fields(const u32& t) {
    if (t.find('<') == u32::npos || t.find('=') == u32::npos) return u32();
    u32 s;  // without comments ("<!-- behind the listener -->" says again what the attributes say)
    for (std::size_t i = 0; i < t.size();) {
        if (t.compare(i, 4, U"<!--") == 0) {
            const std::size_t e = t.find(U"-->", i + 4);
            i = e == u32::npos ? t.size() : e + 3;
            s.push_back(' ');
            continue;
        }
        s.push_back(t[i++]);
    }
    std::vector<Fields> records;
    std::vector<long> open;  // for each open element: its record's index, or -1
    bool any_attribute = false;
    u32 text_between;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] != '<') {
            text_between.push_back(s[i++]);
            continue;
        }
        const std::size_t close = s.find('>', i);
        if (close == u32::npos) return u32();
        const u32 inside = s.substr(i + 1, close - i - 1);
        // text inside an element that has no sound: '<source az="90">dog</source>'
        const u32 words = collapse_space(strip_space(text_between));
        if (!words.empty() && !open.empty() && open.back() >= 0) {
            Fields& r = records[static_cast<std::size_t>(open.back())];
            if (std::any_of(words.begin(), words.end(), is_letter)) {
                // ('<source name="dog">barks on the left</source>': what it does and where, said of it)
                if (std::none_of(r.begin(), r.end(), [](const auto& f) { return f.first == U"sound"; }))
                    r.insert(r.begin(), {U"sound", words});
                else
                    for (auto& f : r)
                        if (f.first == U"sound") f.second += U" " + words;
            }
        } else if (std::any_of(words.begin(), words.end(), is_letter)) {
            return u32();  // prose around the tags: not a markup document
        }
        text_between.clear();
        i = close + 1;
        if (inside.empty() || inside[0] == '?' || inside[0] == '!') continue;
        if (inside[0] == '/') {
            if (!open.empty()) open.pop_back();
            continue;
        }
        std::size_t k = 0;
        while (k < inside.size() && name_char(inside[k])) ++k;
        if (k == 0) return u32();
        Fields fields;
        while (k < inside.size()) {
            while (k < inside.size() && is_space(inside[k])) ++k;
            const std::size_t a = k;
            while (k < inside.size() && name_char(inside[k])) ++k;
            if (k == a) break;
            const u32 name = inside.substr(a, k - a);
            while (k < inside.size() && is_space(inside[k])) ++k;
            if (k >= inside.size() || inside[k] != '=') break;
            ++k;
            while (k < inside.size() && is_space(inside[k])) ++k;
            if (k >= inside.size() || (inside[k] != '"' && inside[k] != '\'')) return u32();
            const char32_t q = inside[k];
            const std::size_t e = inside.find(q, k + 1);
            if (e == u32::npos) return u32();
            any_attribute = true;
            const u32 key = field_key(name);
            if (!key.empty()) fields.emplace_back(key, inside.substr(k + 1, e - k - 1));
            k = e + 1;
        }
        const bool self_closing = !inside.empty() && inside.back() == '/';
        const bool names_sound = std::any_of(fields.begin(), fields.end(), [](const auto& f) { return f.first == U"sound"; });
        long into = -1;
        for (auto it = open.rbegin(); it != open.rend() && into < 0; ++it) into = *it;
        if (!names_sound && into >= 0) {
            Fields& r = records[static_cast<std::size_t>(into)];
            r.insert(r.end(), fields.begin(), fields.end());
            if (!self_closing) open.push_back(-1);
            continue;
        }
        long mine = -1;
        if (!fields.empty() || !self_closing) {
            records.push_back(fields);
            mine = static_cast<long>(records.size()) - 1;
        }
        if (!self_closing) open.push_back(mine);
    }
    if (!any_attribute) return u32();
    if (std::any_of(text_between.begin(), text_between.end(), is_letter)) return u32();
    return joined(records);
}

// "/src/1/name rain /src/1/azim -90", "/obj/3 \"car\" azim 120 -> 240 dur 6s": OSC messages. The
// address names the source (its words, or a number that groups its messages) and ends with what is
// set; a message to a source's own address carries the fields as words.
u32 osc_as_fields(const u32& t) {
    std::vector<u32> toks;
    {
        u32 w;
        bool quoted = false;
        for (char32_t c : t + U" ") {
            if (c == '"') quoted = !quoted;
            if (is_space(c) && !quoted) {
                if (!w.empty()) toks.push_back(w);
                w.clear();
            } else {
                w.push_back(c);
            }
        }
    }
    auto address = [](const u32& w) {
        if (w.size() < 3 || w[0] != '/' || !is_letter(w[1]) || w.back() == '/' || w.find(U"//") != u32::npos) return false;
        return std::all_of(w.begin(), w.end(), [](char32_t c) { return name_char(c) || c == '/'; });
    };
    std::size_t first = 0;
    while (first < toks.size() && !address(toks[first])) ++first;
    // (what comes before the first address is a cue's name: "cue 12 -> /src/...")
    if (first == toks.size() || first > 3) return u32();
    std::size_t nested = 0;
    for (std::size_t i = first; i < toks.size(); ++i) nested += address(toks[i]) && toks[i].find('/', 1) != u32::npos;
    if (nested == 0) return u32();
    // messages only: each argument a number, a quoted name, an arrow, a setting's name before its
    // value, or the one word a name is set to ("/src/1/name rain"); prose around paths is not
    for (std::size_t i = first; i < toks.size(); ++i) {
        const u32& w = toks[i];
        if (address(w) || w == U"->" || w == U"\u2192" || is_digit(w[0]) || ((w[0] == '-' || w[0] == '+') && w.size() > 1) ||
            (w.size() >= 2 && w.front() == '"' && w.back() == '"'))
            continue;
        const bool named = address(toks[i - 1]) && field_key(toks[i - 1].substr(toks[i - 1].rfind('/') + 1)) == U"sound";
        const bool setting = i + 1 < toks.size() && (is_digit(toks[i + 1][0]) || toks[i + 1][0] == '-' || toks[i + 1][0] == '+');
        const bool value = address(toks[i - 1]) && toks[i - 1].find('/', 1) != u32::npos &&
                           std::all_of(w.begin(), w.end(), [](char32_t c) { return is_letter(c) || c == '_'; }) &&
                           (i + 1 == toks.size() || address(toks[i + 1]));  // "/src/owl/elev above"
        if (!named && !setting && !value) return u32();
    }
    static const std::set<u32> generic = {U"src", U"source", U"sources", U"obj", U"object", U"objects", U"ch", U"chan",
                                          U"channel", U"spat", U"track", U"voice", U"layer", U"bus", U"scene", U"cue",
                                          U"snd", U"sound", U"emitter", U"speaker", U"input", U"in", U"out", U"set",
                                          U"spatial", U"pos", U"position", U"player", U"3d", U"audio"};
    std::vector<u32> idents;
    std::vector<Fields> records;
    auto record_for = [&](const u32& ident) -> Fields& {
        const auto at = std::find(idents.begin(), idents.end(), ident);
        if (at != idents.end()) return records[static_cast<std::size_t>(at - idents.begin())];
        idents.push_back(ident);
        records.emplace_back();
        return records.back();
    };
    for (std::size_t i = first; i < toks.size();) {
        const u32 addr = toks[i++];
        std::vector<u32> args;
        while (i < toks.size() && !address(toks[i])) args.push_back(toks[i++]);
        std::vector<u32> parts;
        {
            u32 p;
            for (char32_t c : addr + U"/") {
                if (c == '/') {
                    if (!p.empty()) parts.push_back(p);
                    p.clear();
                } else {
                    p.push_back(c);
                }
            }
        }
        if (parts.empty()) continue;
        const u32 key = field_key(parts.back());
        // ("/src/wind/gain 0.6", "/spat/train/move 1": a setting that says nothing of where)
        const bool other_setting = key.empty() && parts.size() >= 3;
        u32 ident;
        const std::size_t ends = parts.size() - (key.empty() && !other_setting ? 0 : 1);
        for (std::size_t k = 0; k < ends; ++k) ident += U"/" + parts[k];
        if (ident.empty()) continue;
        Fields& r = record_for(ident);
        if (r.empty() || std::none_of(r.begin(), r.end(), [](const auto& f) { return f.first == U"sound"; })) {
            for (std::size_t k = ends; k-- > 0;) {  // "/spat/bird/azi": the bird
                const u32 w = lower(parts[k]);
                if (generic.count(w) || !std::all_of(w.begin(), w.end(), [](char32_t c) { return is_letter(c) || c == '_'; }))
                    continue;
                u32 spoken = parts[k];
                for (char32_t& c : spoken)
                    if (c == '_') c = ' ';
                r.insert(r.begin(), {U"sound", spoken});
                break;
            }
        }
        if (other_setting) continue;
        if (!key.empty()) {  // "/src/1/azim -90"
            u32 value;
            for (const u32& a : args) value += (value.empty() ? U"" : U" ") + strip_chars(a, U"\"'");
            if (key == U"sound") {
                const auto had = std::find_if(r.begin(), r.end(), [](const auto& f) { return f.first == U"sound"; });
                if (had != r.end()) r.erase(had);
                r.insert(r.begin(), {U"sound", value});
            } else {
                r.emplace_back(key, value);
            }
            continue;
        }
        // '/obj/3 "car" azim 120 -> 240 dur 6s': the fields said as words after the address
        for (std::size_t k = 0; k < args.size(); ++k) {
            const u32& a = args[k];
            if (a.size() >= 2 && a.front() == '"' && a.back() == '"') {
                r.insert(r.begin(), {U"sound", a.substr(1, a.size() - 2)});
                continue;
            }
            const u32 field = field_key(a);
            if (field.empty() || k + 1 >= args.size()) continue;
            r.emplace_back(field, args[k + 1]);
            if (k + 3 < args.size() && (args[k + 2] == U"->" || args[k + 2] == U"\u2192" || lower(args[k + 2]) == U"to"))
                r.emplace_back(U"to", args[k + 3]), k += 2;
            ++k;
        }
    }
    return joined(records);
}

}  // namespace

u32 markup_as_fields(const u32& text) {
    if (text.find('<') != u32::npos) {
        const u32 xml = xml_as_fields(text);
        if (!xml.empty()) return xml;
    }
    if (text.find('/') != u32::npos) {
        const u32 osc = osc_as_fields(text);
        if (!osc.empty()) return osc;
    }
    return text;
}

}  // namespace bewo::rt
