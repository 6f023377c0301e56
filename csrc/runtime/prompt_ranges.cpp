// Moves given as two angles where only one says "degrees", or neither does ("from 0 degrees to 180",
// "from +90 to 270", "sweeping from -90 to +90 azimuth"): both numbers are angles, so the move reads
// as one from the first to the second.
#include "prompt_internal.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace bewo::rt::prompt_detail {

using namespace textmatch;

u32 with_bare_angle_ranges(const u32& t) {
    if (std::none_of(t.begin(), t.end(), [](char32_t c) { return c >= '0' && c <= '9'; })) return t;  // two numbers
    if (t.find(U"from") == u32::npos && t.find(U"From") == u32::npos && t.find(U"FROM") == u32::npos) return t;
    static const Regex range(
        "(?<![\\w-])from\\s+(?P<a>[+\\-\\u2212]?\\d{1,3})(?P<ua>\\s*(?:degrees?|degs?|\\u00b0))?"
        "\\s+(?:to|through|towards|toward|round\\s+to|around\\s+to)\\s+(?P<b>[+\\-\\u2212]?\\d{1,3})"
        "(?P<ub>\\s*(?:degrees?|degs?|\\u00b0|azimuth))?"
        "(?![\\d:%]|\\.\\d|\\s*(?:m\\b|metres?|meters?|feet|ft|o'clock|oclock|o\\s+clock|percent|seconds?|secs?|s\\b|ms\\b|"
        "minutes?|mins?|hours?|hz|khz|db|bpm|bars?|beats?|am\\b|pm\\b|km|miles?|mph))",
        true);
    const u32 low = lower_same_length(t);  // positions in low are positions in t
    const bool clock = low.find(U"o'clock") != u32::npos || low.find(U"oclock") != u32::npos || low.find(U" o clock") != u32::npos;
    std::vector<std::pair<int, u32>> edits;  // (position, text to insert)
    for (const auto& m : range.find_all(low)) {
        const int a = range.group("a"), b = range.group("b"), ua = range.group("ua"), ub = range.group("ub");
        const bool a_unit = m.caps[2 * ua] >= 0, b_unit = m.caps[2 * ub] >= 0;
        const bool b_azimuth = b_unit && m.group(low, ub).find(U"azimuth") != u32::npos;
        if (a_unit && b_unit && !b_azimuth) continue;  // both said in degrees: the patterns read them
        const auto [va, sa] = written_angle(m.group(low, a));
        const auto [vb, sb] = written_angle(m.group(low, b));
        if (va > 360 || vb > 360) continue;
        // hours on a clock face ("from 8 to 1") are read by with_bare_clock_hours
        const bool angles = a_unit || b_unit || sa || sb || va > 12 || vb > 12;
        if (!angles || (clock && !a_unit && !b_unit && va <= 12 && vb <= 12)) continue;
        if (!a_unit) edits.push_back({m.caps[2 * a + 1], U" degrees"});
        if (b_azimuth) edits.push_back({m.caps[2 * ub], U" degrees"});  // "to +90 azimuth"
        else if (!b_unit) edits.push_back({m.caps[2 * b + 1], U" degrees"});
    }
    if (edits.empty()) return t;
    u32 out = t;
    for (auto it = edits.rbegin(); it != edits.rend(); ++it) out.insert(static_cast<std::size_t>(it->first), it->second);
    return out;
}

// "a bell somewhere between 30 and 60 degrees right", "between -45 and +45": a still sound said to be
// within a span of angles is at its middle ("from 30 to 60 degrees" is a move: with_bare_angle_ranges).
u32 with_angle_spans_as_middles(const u32& t) {
    if (!contains_ascii_ci(t, U"between")) return t;
    static const Regex span("(?<![\\w-])(?:somewhere\\s+)?between\\s+(?P<a>[+\\-\\u2212]?\\d{1,3})(?:\\s*(?:degrees?|degs?|\\u00b0))?"
                            "\\s+(?:and|&)\\s+(?P<b>[+\\-\\u2212]?\\d{1,3})(?P<unit>\\s*(?:degrees?|degs?|\\u00b0))?(?![\\w])", true);
    const int a = span.group("a"), b = span.group("b"), unit = span.group("unit");
    return with_matches_replaced(t, span, [&](const Regex::Match& m, const u32& low) {
        // with no unit, only signed angles say angles ("between -45 and +45"; not "between 2 and 3")
        auto sign = [&](int g) { const u32 w = m.group(low, g); return w[0] == '+' || w[0] == '-' || w[0] == 0x2212; };
        if (!m.has(unit) && !(sign(a) && sign(b)))
            return low.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start));
        auto value = [&](int g) {
            const auto [size, sign] = written_angle(m.group(low, g));
            const u32 said = m.group(low, g);
            return sign && (said[0] == '-' || said[0] == 0x2212) ? -size : size;
        };
        const int va = value(a), vb = value(b);
        const u32 whole = low.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start));
        if (std::abs(va) > 360 || std::abs(vb) > 360 || std::abs(va - vb) > 90) return whole;
        const int middle = (va + vb) / 2;
        return u32(U"at ") + (middle > 0 && (m.group(low, a)[0] == '+') ? U"+" : U"") + from_utf8(std::to_string(middle)) +
               U" degrees";
    });
}

}  // namespace bewo::rt::prompt_detail
