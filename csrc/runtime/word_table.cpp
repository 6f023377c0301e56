#include "word_table.h"

namespace bewo::rt {

WordTable read_word_table(const char* text) {
    WordTable out;
    std::u32string w;
    for (const char* c = text;; ++c) {
        if (*c == ' ' || *c == '\n' || *c == '\0') {
            if (!w.empty()) {
                const auto colon = w.find(U':');
                if (colon == std::u32string::npos) out.words.insert(w);
                else out.forms.emplace(w.substr(0, colon), w.substr(colon + 1));
            }
            w.clear();
            if (*c == '\0') break;
        } else {
            w.push_back(static_cast<char32_t>(static_cast<unsigned char>(*c)));
        }
    }
    return out;
}

}  // namespace bewo::rt
