// "crowd of schoolkids behind (joke, skip that one)", "a cat behind me - actually skip the cat":
// a sound the writer takes back goes, and so does the taking back.
#include <algorithm>
#include <set>

#include "scene_passes.h"
#include "text_match.h"
#include "text_words.h"

namespace bewo::rt {

using namespace textmatch;

void drop_skipped_sounds(std::vector<SceneSource>& sources, std::vector<bool>& placed, const u32& t) {
    if (sources.empty()) return;
    const u32 low = lower_same_length(t);
    if (low.find(U"skip") == u32::npos && low.find(U"ignore") == u32::npos && low.find(U"remove") == u32::npos &&
        low.find(U"forget") == u32::npos && low.find(U"scratch") == u32::npos && low.find(U"delete") == u32::npos &&
        low.find(U"leave") == u32::npos && low.find(U"rid of") == u32::npos && low.find(U"never mind") == u32::npos)
        return;
    // (not "don't forget the kettle", "never skip the intro")
    static const Regex taken_back(
        "(?<![\\w'-])(?<!don't )(?<!do not )(?<!never )(?:skip|ignore|remove|forget|scratch|delete|leave\\s+out|get\\s+rid\\s+of|"
        "never\\s+mind)\\s+(?:(?P<that>that(?:\\s+one)?|this(?:\\s+one)?|it)|the\\s+(?P<noun>[a-z][a-z'-]*))(?![\\w'-])|"
        "(?<![\\w'-])leave\\s+(?:(?P<that2>that|it|this)|the\\s+(?P<noun2>[a-z][a-z'-]*))\\s+out(?![\\w'-])",
        true);
    const auto found = taken_back.find_all(low);
    if (found.empty()) return;
    // where each label is said (the first time), to find the sound said last before the words
    auto said_at = [&](std::size_t k) { return low.find(lower_same_length(from_utf8(sources[k].label))); };
    // said as a taking back: first in its clause, after at most a word that opens one ("actually", "no",
    // "joke,"), not "Kids skip the rope", "I can't forget the train horn", "a man shouts forget it"
    auto takes_back = [&](const Regex::Match& m) {
        std::size_t b = static_cast<std::size_t>(m.start);
        while (b > 0 && low[b - 1] != '.' && low[b - 1] != ',' && low[b - 1] != ';' && low[b - 1] != ':' && low[b - 1] != '!' &&
               low[b - 1] != '?' && low[b - 1] != '\n' && low[b - 1] != '(' && low[b - 1] != '-')
            --b;
        static const std::set<u32> openers = {U"actually", U"wait", U"sorry", U"oh", U"no", U"and", U"just", U"please",
                                              U"but", U"ok", U"okay", U"so", U"hmm", U"joke", U"kidding", U"also", U"then",
                                              U"nah", U"oops", U"um", U"er", U"i", U"mean", U"on", U"second", U"thought"};
        for (const TextWord& w : words_of(low.substr(b, static_cast<std::size_t>(m.start) - b)))
            if (!openers.count(w.low)) return false;
        return true;
    };
    std::vector<bool> gone(sources.size(), false);
    for (const auto& m : found) {
        if (!takes_back(m)) continue;
        const u32 phrase = low.substr(static_cast<std::size_t>(m.start), static_cast<std::size_t>(m.end - m.start));
        // the taking back read as a sound of its own ("skip the cat")
        for (std::size_t k = 0; k < sources.size(); ++k)
            if (lower_same_length(from_utf8(sources[k].label)).find(phrase) != u32::npos) gone[k] = true;
        u32 noun = m.has(taken_back.group("noun")) ? m.group(low, taken_back.group("noun")) : u32();
        if (noun.empty() && m.has(taken_back.group("noun2"))) noun = m.group(low, taken_back.group("noun2"));
        std::size_t pick = sources.size();
        for (std::size_t k = 0; k < sources.size(); ++k) {
            if (gone[k]) continue;
            const std::size_t at = said_at(k);
            if (!noun.empty()) {
                if (label_has_word(sources[k].label, noun)) pick = k;
            } else if (at != u32::npos && at < static_cast<std::size_t>(m.start) &&
                       (pick == sources.size() || at > said_at(pick))) {
                pick = k;
            }
        }
        if (pick < sources.size()) gone[pick] = true;
    }
    if (std::all_of(gone.begin(), gone.end(), [](bool g) { return g; })) return;  // never take back every sound
    for (std::size_t k = sources.size(); k-- > 0;) {
        if (!gone[k]) continue;
        sources.erase(sources.begin() + static_cast<long>(k));
        placed.erase(placed.begin() + static_cast<long>(k));
    }
}

}  // namespace bewo::rt
