#include "person_words.h"

#include "word_table.h"

namespace bewo::rt {
namespace {

const WordTable& person_words() {
    static const WordTable words = read_word_table(
#include "person_words.inc"
    );
    return words;
}

bool ends_with(const std::u32string& w, const std::u32string& tail) {
    return w.size() > tail.size() && w.compare(w.size() - tail.size(), tail.size(), tail) == 0;
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
