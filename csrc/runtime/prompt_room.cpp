// The room a prompt names (parser._room), and Python's repr of a text for error messages.
#include "prompt_internal.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../nn/tokenizer.h"

namespace bewo::rt::prompt_detail {

using namespace textmatch;

// ---- the room (parser._room) ---------------------------------------------------------------------
void resolve_room(const std::vector<RoomHit>& rooms, SceneSpec& out) {
    out.indoor = false;
    out.room_class.clear();
    if (rooms.empty()) return;
    const Patterns& P = patterns();
    bool outdoor = false, indoor = false, church = false, reverb = false, dry = false;
    std::string size;
    auto any_in = [](const std::vector<u32>& words, const std::set<u32>& set) {
        return std::any_of(words.begin(), words.end(), [&](const u32& w) { return set.count(w) > 0; });
    };
    for (const auto& r : rooms) {
        if (!r.place) {
            const u32 txt = lower(r.text);
            if (txt.find(U"indoor") != u32::npos || txt == U"inside") indoor = true;
            else outdoor = true;
            continue;
        }
        const u32 noun = collapse_space(r.noun);
        if (P.outdoor.count(noun)) { outdoor = true; continue; }
        std::vector<u32> adjs;
        const u32 al = lower(r.adjs);
        for (const auto& m : P.adj_words->find_all(al)) adjs.push_back(al.substr(m.start, m.end - m.start));
        indoor = true;
        if (any_in(adjs, P.small_adj)) size = "small";
        else if (any_in(adjs, P.large_adj)) size = "large";
        else if (any_in(adjs, P.moderate_adj)) { if (size.empty()) size = "moderate"; }
        else if (P.large.count(noun)) { if (size.empty()) size = "large"; }
        else if (P.small.count(noun)) { if (size.empty()) size = "small"; }
        church = church || P.church.count(noun) > 0;
        reverb = reverb || any_in(adjs, P.reverb_adj);
        dry = dry || any_in(adjs, P.dry_adj);
    }
    if (!indoor || (outdoor && size.empty() && !church)) {
        out.room_class = "outdoor";
        return;
    }
    const std::string cls = size.empty() ? "moderate" : size;
    struct Dims { double l, w, h, rt60; };
    static const std::map<std::string, Dims> kRooms = {{"small", {3.5, 3.0, 2.5, 0.3}}, {"moderate", {6.0, 5.0, 3.0, 0.5}},
                                                       {"large", {20.0, 15.0, 8.0, 1.2}}, {"church", {30.0, 18.0, 15.0, 2.5}}};
    const Dims& d = kRooms.at(church && cls == "large" ? "church" : cls);
    out.indoor = true;
    out.room_class = cls;
    out.room_size_m[0] = d.l, out.room_size_m[1] = d.w, out.room_size_m[2] = d.h;
    out.rt60_s = d.rt60;
    if (reverb) out.rt60_s = std::max(out.rt60_s, 1.2);
    if (dry) out.rt60_s = 0.25;
}

// repr() of a str, as the Python error message shows the prompt.
std::string py_repr(const u32& s) {
    const bool dq = s.find('\'') != u32::npos && s.find('"') == u32::npos;
    std::string o(1, dq ? '"' : '\'');
    for (char32_t c : s) {
        char buf[16];
        if (c == '\\') o += "\\\\";
        else if (c == (dq ? '"' : '\'')) o += dq ? "\\\"" : "\\'";
        else if (c == '\n') o += "\\n";
        else if (c == '\r') o += "\\r";
        else if (c == '\t') o += "\\t";
        else if (printable(c)) nn::utf8_append(o, c);
        else {
            std::snprintf(buf, sizeof buf, c < 0x100 ? "\\x%02x" : c < 0x10000 ? "\\u%04x" : "\\U%08x", unsigned(c));
            o += buf;
        }
    }
    o.push_back(dq ? '"' : '\'');
    return o;
}

}  // namespace bewo::rt::prompt_detail
