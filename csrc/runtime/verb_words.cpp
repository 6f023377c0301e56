#include "verb_words.h"

#include "sound_words.h"
#include "text_match.h"
#include "word_table.h"

namespace bewo::rt {
namespace {

using textmatch::ends_with;

const WordTable& verb_words() {
    static const WordTable words = read_word_table(
#include "verb_words.inc"
    );
    return words;
}

}  // namespace

int verb_word_form(const std::u32string& w) {
    const WordTable& v = verb_words();
    if (v.words.count(w)) return 2;
    if (v.forms.count(w)) return 3;
    for (const std::u32string& stem : past_stems(w))
        if (v.words.count(stem)) return 3;
    if (w.size() > 4 && ends_with(w, U"ies") && v.words.count(w.substr(0, w.size() - 3) + U"y")) return 1;
    if (w.size() > 3 && ends_with(w, U"es") && v.words.count(w.substr(0, w.size() - 2))) return 1;
    if (w.size() > 2 && ends_with(w, U"s") && !ends_with(w, U"ss") && v.words.count(w.substr(0, w.size() - 1))) return 1;
    return 0;
}

}  // namespace bewo::rt
