#include "person_words.h"

#include "text_match.h"
#include "word_table.h"

namespace bewo::rt {
namespace {

using textmatch::ends_with;

const WordTable& person_words() {
    static const WordTable words = read_word_table(
#include "person_words.inc"
    );
    return words;
}

}  // namespace

bool is_person_noun(const std::u32string& w) {
    const WordTable& p = person_words();
    if (p.words.count(w) || p.forms.count(w)) return true;
    if (ends_with(w, U"ies") && p.words.count(w.substr(0, w.size() - 3) + U"y")) return true;  // ladies
    if (ends_with(w, U"es") && p.words.count(w.substr(0, w.size() - 2))) return true;            // witnesses
    return ends_with(w, U"s") && p.words.count(w.substr(0, w.size() - 1));                        // pilots
}

}  // namespace bewo::rt
