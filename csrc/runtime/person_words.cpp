#include "person_words.h"

#include <unordered_map>
#include <unordered_set>

namespace bewo::rt {
namespace {

struct PersonWords {
    std::unordered_set<std::u32string> singular;
    std::unordered_map<std::u32string, std::u32string> irregular_plural;  // "children" -> "child"
};

const PersonWords& person_words() {
    static const PersonWords words = [] {
        static const char text[] =
#include "person_words.inc"
            ;
        PersonWords out;
        std::u32string w;
        for (const char* c = text;; ++c) {
            if (*c == ' ' || *c == '\n' || *c == '\0') {
                if (!w.empty()) {
                    const auto colon = w.find(U':');
                    if (colon == std::u32string::npos) out.singular.insert(w);
                    else out.irregular_plural.emplace(w.substr(0, colon), w.substr(colon + 1));
                }
                w.clear();
                if (*c == '\0') break;
            } else {
                w.push_back(static_cast<char32_t>(static_cast<unsigned char>(*c)));
            }
        }
        return out;
    }();
    return words;
}

bool ends_with(const std::u32string& w, const std::u32string& tail) {
    return w.size() > tail.size() && w.compare(w.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

bool is_person_noun(const std::u32string& w) {
    const PersonWords& p = person_words();
    if (p.singular.count(w) || p.irregular_plural.count(w)) return true;
    if (ends_with(w, U"ies") && p.singular.count(w.substr(0, w.size() - 3) + U"y")) return true;  // ladies
    if (ends_with(w, U"es") && p.singular.count(w.substr(0, w.size() - 2))) return true;            // witnesses
    return ends_with(w, U"s") && p.singular.count(w.substr(0, w.size() - 1));                        // pilots
}

}  // namespace bewo::rt
