// The shared spatial vocabulary (see vocabulary.h).
#include "vocabulary.h"

#include <map>

namespace bewo::rt {

namespace {

std::string replace_all(std::string s, const std::string& a, const std::string& b) {
    for (std::size_t i = s.find(a); i != std::string::npos; i = s.find(a, i + b.size())) s.replace(i, a.size(), b);
    return s;
}

// Right-side wording is the left-side wording mirrored, so the two sides stay symmetric.
Keyed<Phrases> with_mirror(const Keyed<Phrases>& left) {
    Keyed<Phrases> out = left;
    for (const auto& [cls, phrases] : left) {
        Phrases right;
        for (const auto& p : phrases) right.push_back(replace_all(p, "left", "right"));
        out.emplace_back(replace_all(cls, "left", "right"), right);
    }
    return out;
}

SharedVocabulary build() {
    SharedVocabulary v;
    v.location_words = with_mirror({
        {"left", {"on the left", "to the left", "on your left", "to your left", "to the left-hand side",
                  "on the left-hand side"}},
        {"front-left", {"to the front-left", "ahead and to the left", "slightly to the left",
                        "in front, slightly to the left", "diagonally ahead on the left", "at the front left"}},
        {"behind-left", {"behind you on the left", "behind you to the left", "to the rear left", "over your left shoulder"}},
    });
    v.location_words.emplace_back("front", Phrases{"in front of you", "straight ahead", "directly ahead", "in the centre",
                                                   "dead ahead", "ahead of you", "front and centre"});
    v.location_words.emplace_back("behind", Phrases{"directly behind you", "behind you", "at your back"});
    v.endpoint_words = with_mirror({
        {"left", {"the left", "your left", "the left-hand side", "the left side"}},
        {"front-left", {"the front-left", "the front left"}},
        {"behind-left", {"behind you on the left", "the rear left"}},
    });
    v.endpoint_words.emplace_back("front", Phrases{"the front", "the centre", "straight ahead", "directly in front"});
    v.endpoint_words.emplace_back("behind", Phrases{"directly behind you", "behind you"});
    v.degree_location = {"{n} degrees to the {side}", "at an azimuth of {n} degrees to the {side}",
                         "{n} degrees to your {side}", "{n} degrees {side} of centre"};
    v.degree_endpoint = {"{n} degrees {side}", "{n} degrees {side} of centre"};
    v.clock_location = {"at {h} o'clock", "at the {h} o'clock position", "at your {h} o'clock"};
    v.clock_endpoint = {"{h} o'clock", "the {h} o'clock position"};

    v.near_phrases = {"close to you", "close by", "near you", "very close", "next to you", "up close"};
    v.far_phrases = {"far away", "in the distance", "far off", "a long way off", "far from you"};
    v.moderate_phrases = {"a few metres away", "at a moderate distance", "at a medium distance"};
    v.near_adjectives = {"nearby"};
    v.far_adjectives = {"distant", "faraway", "far-off"};
    v.distance_change = {
        {"near", "moderate", {"moving a little further away"}},
        {"near", "far", {"fading into the distance", "receding far away"}},
        {"moderate", "near", {"coming close to you", "ending up close to you"}},
        {"far", "near", {"coming close to you", "ending up next to you"}},
        {"moderate", "far", {"fading into the distance", "moving far away"}},
        {"far", "moderate", {"drawing nearer", "coming closer"}},
    };

    v.neutral_verbs = {{"moves", "move", "moving"}, {"travels", "travel", "travelling"}, {"passes", "pass", "passing"},
                       {"pans", "pan", "panning"}, {"goes", "go", "going"}, {"shifts", "shift", "shifting"},
                       {"sweeps", "sweep", "sweeping"}};
    v.speed_verbs = {
        {"slow", {{"drifts", "drift", "drifting"}, {"creeps", "creep", "creeping"}, {"crawls", "crawl", "crawling"},
                  {"glides", "glide", "gliding"}}},
        {"fast", {{"whizzes", "whizz", "whizzing"}, {"races", "race", "racing"}, {"zips", "zip", "zipping"},
                  {"darts", "dart", "darting"}, {"rushes", "rush", "rushing"}}},
        {"instant", {{"jumps", "jump", "jumping"}, {"leaps", "leap", "leaping"}}},
    };
    v.speed_adverbs = {{"slow", {"slowly", "gradually", "gently", "unhurriedly"}},
                       {"fast", {"quickly", "rapidly", "swiftly"}},
                       {"instant", {"suddenly", "abruptly", "instantly"}}};
    v.moderate_adverbs = {"steadily", "at a steady pace", "at a moderate pace"};
    v.approach_verbs = {{"approaches", "approach", "approaching"}, {"comes closer", "come closer", "coming closer"}};
    v.recede_verbs = {{"moves away", "move away", "moving away"}, {"recedes", "recede", "receding"}};
    v.passing = {{"behind", {"passing behind you", "going around behind you"}},
                 {"front", {"passing in front of you", "crossing in front of you"}}};

    v.outdoor_phrases = {"outdoors", "outside", "in an open field", "on a street", "in a park", "in the open air",
                         "out in the open"};
    v.room_size_adjectives = {{"small", {"small", "tiny", "little", "cramped"}},
                              {"moderate", {"medium-sized", "mid-sized", "moderately sized"}},
                              {"large", {"large", "big", "spacious"}}};
    v.room_nouns = {{"small", {"room", "office", "bedroom", "study"}},
                    {"moderate", {"room", "living room", "classroom", "kitchen"}},
                    {"large", {"hall", "room", "auditorium"}}};
    v.large_nouns = {"warehouse", "gymnasium", "concert hall"};
    v.church_nouns = {"church", "cathedral"};
    v.reverb_adjectives = {"reverberant", "echoing", "echoey"};
    v.dry_adjectives = {"carpeted", "acoustically dry", "well-damped"};
    v.room_sentences = {"the scene takes place {r}", "all of this happens {r}", "the recording was made {r}",
                        "everything is heard {r}"};
    v.list_intros = {"you can hear", "we hear", "the listener hears"};
    v.connectives = {"at the same time,", "meanwhile,", "also,", "in addition,"};
    return v;
}

}  // namespace

const SharedVocabulary& shared_vocabulary() {
    static const SharedVocabulary v = build();
    return v;
}

double direction_class_azimuth(const std::string& cls) {
    static const std::map<std::string, double> az = {{"left", -90.0},        {"front-left", -45.0}, {"behind-left", -135.0},
                                                     {"right", 90.0},        {"front-right", 45.0}, {"behind-right", 135.0},
                                                     {"front", 0.0},         {"behind", 180.0}};
    const auto it = az.find(cls);
    return it == az.end() ? 0.0 : it->second;
}

}  // namespace bewo::rt
