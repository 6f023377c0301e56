// Tables as field records (prompt_tables.h).
#include "prompt_tables.h"

#include <algorithm>
#include <map>
#include <vector>

#include "text_match.h"

namespace bewo::rt {

using namespace textmatch;

namespace {

// A header cell as the field key the records use ("" for a column that says nothing of where).
u32 column_key(const u32& cell) {
    u32 c;
    for (char32_t ch : lower(strip_space(cell)))
        if (is_letter(ch) || is_digit(ch)) c.push_back(ch);  // "azimuth_deg", "Az (deg)" -> "azimuthdeg", "azdeg"
    static const std::map<u32, u32> keys = {
        {U"sound", U"sound"}, {U"source", U"sound"}, {U"name", U"sound"}, {U"cue", U"sound"}, {U"event", U"sound"},
        {U"sfx", U"sound"}, {U"fx", U"sound"}, {U"clip", U"sound"}, {U"label", U"sound"}, {U"asset", U"sound"},
        {U"layer", U"sound"}, {U"object", U"sound"}, {U"emitter", U"sound"}, {U"track", U"sound"}, {U"what", U"sound"},
        {U"description", U"sound"}, {U"sample", U"sound"},
        {U"az", U"az"}, {U"azi", U"az"}, {U"azimuth", U"az"}, {U"azdeg", U"az"}, {U"azimuthdeg", U"az"}, {U"angle", U"az"},
        {U"bearing", U"az"}, {U"deg", U"az"}, {U"degrees", U"az"}, {U"pan", U"pos"}, {U"direction", U"pos"},
        {U"dir", U"pos"}, {U"position", U"pos"}, {U"pos", U"pos"}, {U"where", U"pos"}, {U"side", U"pos"},
        {U"location", U"pos"}, {U"place", U"pos"},
        {U"el", U"el"}, {U"elev", U"el"}, {U"elevation", U"el"}, {U"eldeg", U"el"}, {U"elevationdeg", U"el"},
        {U"height", U"el"},
        {U"start", U"from"}, {U"startaz", U"from"}, {U"from", U"from"}, {U"begin", U"from"}, {U"end", U"to"},
        {U"endaz", U"to"}, {U"to", U"to"}, {U"distance", U"distance"}, {U"dist", U"distance"}, {U"range", U"distance"},
        {U"path", U"path"}, {U"motion", U"path"}, {U"movement", U"path"}, {U"route", U"path"}};
    const auto it = keys.find(c);
    return it == keys.end() ? u32() : it->second;
}

std::vector<u32> cells_of(const u32& line, char32_t sep) {
    u32 l = strip_space(line);
    if (sep == '|') {  // "| a | b |": the outer bars open and close the row
        if (!l.empty() && l.front() == '|') l.erase(l.begin());
        if (!l.empty() && l.back() == '|') l.pop_back();
    }
    std::vector<u32> cells(1);
    for (char32_t c : l) {
        if (c == sep) cells.emplace_back();
        else cells.back().push_back(c);
    }
    for (u32& c : cells) c = strip_space(c);
    return cells;
}

bool rule_row(const std::vector<u32>& cells) {  // "|---|:-:|"
    return std::all_of(cells.begin(), cells.end(), [](const u32& c) {
        return std::all_of(c.begin(), c.end(), [](char32_t x) { return x == '-' || x == ':' || x == ' ' || x == '='; });
    });
}

}  // namespace

u32 tables_as_fields(const u32& text) {
    if (text.find('\t') == u32::npos && text.find('|') == u32::npos && text.find(',') == u32::npos) return text;
    std::vector<u32> lines(1);
    for (char32_t c : text) {
        if (c == '\n' || c == '\r') lines.emplace_back();
        else lines.back().push_back(c);
    }
    // a markdown table pasted onto one line: "| sound | az | | traffic | -100 |" (rows meet at "| |")
    if (lines.size() == 1 && text.find(U"| |") != u32::npos) {
        lines.clear();
        u32 row;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text.compare(i, 3, U"| |") == 0) {
                lines.push_back(row + U"|");
                row = U"|";
                i += 2;
                continue;
            }
            row.push_back(text[i]);
        }
        lines.push_back(row);
    }
    for (const char32_t sep : {U'\t', U'|', U','}) {
        // the header: the first line with a sound column and a place column
        for (std::size_t h = 0; h < lines.size(); ++h) {
            const std::size_t bar = lines[h].find(sep);
            if (bar == u32::npos) continue;
            u32 lead;  // "Level 2 ambience spec: | sound | az |": words before the table's first bar
            u32 header_line = lines[h];
            if (sep == '|' && bar > 0 && strip_space(lines[h].substr(0, bar)).size() > 0) {
                lead = strip_space(lines[h].substr(0, bar));
                header_line = lines[h].substr(bar);
            }
            const std::vector<u32> header = cells_of(header_line, sep);
            if (header.size() < 2) continue;
            std::vector<u32> keys;
            for (const u32& c : header) keys.push_back(column_key(c));
            const bool named = std::count(keys.begin(), keys.end(), U"sound") == 1;
            const bool placed = std::any_of(keys.begin(), keys.end(), [](const u32& k) { return !k.empty() && k != U"sound"; });
            if (!named || !placed) continue;
            u32 records;
            std::size_t rows = 0, r = h + 1;
            for (; r < lines.size(); ++r) {
                if (strip_space(lines[r]).empty()) break;
                const std::vector<u32> cells = cells_of(lines[r], sep);
                if (rule_row(cells)) continue;
                if (cells.size() != header.size()) break;
                u32 record;
                for (std::size_t k = 0; k < cells.size(); ++k) {
                    if (keys[k].empty() || cells[k].empty() || cells[k] == U"-" || lower(cells[k]) == U"n/a") continue;
                    record += (record.empty() ? U"" : U", ") + keys[k] + U"=" + cells[k];
                }
                if (record.empty()) continue;
                records += (records.empty() ? U"" : U"; ") + record;
                ++rows;
            }
            if (rows == 0) continue;
            u32 out;
            for (std::size_t k = 0; k < h; ++k) out += lines[k] + U"\n";
            if (!lead.empty()) out += lead + U"\n";
            out += records;
            for (std::size_t k = r; k < lines.size(); ++k) out += U"\n" + lines[k];
            return out;
        }
    }
    return text;
}

}  // namespace bewo::rt
