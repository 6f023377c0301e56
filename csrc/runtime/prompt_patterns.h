// The prompt parser's vocabulary and patterns (the texts of the Python parser's regexes, kept as
// written), built once: which phrases are directions, heights, circles, distances, rooms, moves and
// breaks between items. prompt_parser.cpp reads text with them.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "text_match.h"

namespace bewo::rt::prompt_detail {

using textmatch::Regex;
using textmatch::u32;

enum class Kind { Dir, Room, Speed, SpeedVerb, Approach, Recede, Passing, Move, DistOf, DistChange, Dist, Filler,
                  From, To, By, Hard, Soft, Word, Elev, Circle, DistM,
                  At,      // a role only ("on the left", "at 3 o'clock"), never a token
                  Space }; // a line break inside a sentence ("a dog\nbarks"): no break at all
enum class DirValue { Table, Degrees, Clock, Slight, FrontSide, BehindSide, Side, Front, Behind, Range, Letter, HalfClock,
                      Shorthand, Percent };
constexpr double kSlightDeg = 20.0;
constexpr double kOverheadDeg = 60.0, kAboveDeg = 40.0;  // "overhead" / "above" (negated: below)  // "slightly / a little / a bit / just" left or right: 10-30 degrees

extern const char kOutdoorNouns[];
extern const char kIndoorNouns[];  // beyond the shared room, large and church nouns
std::vector<std::string> split(const std::string& s, char sep = '|');

struct Patterns {
    std::vector<std::pair<Regex, DirValue>> dirs;
    std::vector<std::pair<Regex, double>> elevs;  // elevation phrases and their elevation in degrees
    std::unique_ptr<Regex> circle;                // a full turn round the listener
    std::unique_ptr<Regex> metres;                // a distance in metres or feet
    std::map<u32, double> dir_lookup;
    std::unique_ptr<Regex> room_place, room_plain, hard, soft, word, article, adj_words;
    struct WordPattern { Regex rx; Kind kind; std::string value; };
    std::vector<WordPattern> words;
    std::map<u32, std::string> dist_change_end;
    std::set<u32> outdoor, large, small, church, small_adj, large_adj, moderate_adj, reverb_adj, dry_adj, glue;
    bool ok = true;

    Patterns();
};

const Patterns& patterns();

}  // namespace bewo::rt::prompt_detail
