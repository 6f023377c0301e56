// The spatial vocabulary the caption generator (bewo_rt.text.captions, which reads it through
// _core.shared_vocabulary()) and the prompt parser (prompt_parser.cpp, which adds everyday
// synonyms to it) share: one table, so a caption's wording is always wording the parser reads.
// Order matters: the caption generator draws from these lists with a seeded random generator.
#pragma once
#include <array>
#include <string>
#include <utility>
#include <vector>

namespace bewo::rt {

using Phrases = std::vector<std::string>;
using VerbForms = std::array<std::string, 3>;  // third person singular, plural, -ing
template <class T>
using Keyed = std::vector<std::pair<std::string, T>>;  // ordered: key -> value

struct DistanceChange {
    std::string from, to;  // distance classes at the start and the end
    Phrases phrases;
};

struct SharedVocabulary {
    // Direction classes (captions.DIRECTION_CLASSES): where a source is ("on the left") and the
    // noun-like forms that follow "from" / "to" ("the left"). Right is left mirrored.
    Keyed<Phrases> location_words, endpoint_words;
    Phrases degree_location, degree_endpoint, clock_location, clock_endpoint;  // "{n} degrees to the {side}"
    Phrases near_phrases, far_phrases, moderate_phrases, near_adjectives, far_adjectives;
    std::vector<DistanceChange> distance_change;
    std::vector<VerbForms> neutral_verbs, approach_verbs, recede_verbs;
    Keyed<std::vector<VerbForms>> speed_verbs;  // slow / fast / instant
    Keyed<Phrases> speed_adverbs;               // slow / fast / instant
    Phrases moderate_adverbs;
    Keyed<Phrases> passing;  // behind / front: a move's way round
    Phrases outdoor_phrases;
    Keyed<Phrases> room_size_adjectives, room_nouns;  // small / moderate / large
    Phrases large_nouns, church_nouns, reverb_adjectives, dry_adjectives;
    Phrases room_sentences, list_intros, connectives;
};

const SharedVocabulary& shared_vocabulary();

// The representative azimuth of a direction class (BEWO's: left -90, front-left -45, ...).
double direction_class_azimuth(const std::string& cls);

}  // namespace bewo::rt
