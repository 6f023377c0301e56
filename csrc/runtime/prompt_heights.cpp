#include "prompt_heights.h"

#include <set>
#include <vector>

#include "sound_words.h"
#include "text_words.h"

namespace bewo::rt {

using namespace textmatch;

namespace {

std::set<u32> forms_of(const char* stems_text, const char* irregular) {
    std::set<u32> out = word_set(irregular);
    for (const u32& s : word_set(stems_text)) {
        const bool e = s.back() == 'e';
        const u32 base = e ? s.substr(0, s.size() - 1) : s;
        for (const u32& f : {s, s + U"s", s + U"es", base + U"ed", base + U"ing", s + s.back() + U"ed", s + s.back() + U"ing"})
            out.insert(f);
        if (s.back() == 'y') out.insert(s.substr(0, s.size() - 1) + U"ies");
    }
    return out;
}

// Verbs that "up" finishes: "pulls up in front", "ends up on my left", "revs up on the right".
const std::set<u32>& up_verbs() {
    static const std::set<u32> s = forms_of(
        "sound pull end come start fire pick speed warm wake open show light set wind walk drive run roll creep sneak move "
        "catch turn line crank build give heat power spin rev boot pop hang back shut clean fill go get look stand sit "
        "pipe speak sing cheer ramp fade bring dial swell well flare stir kick pump gear queue team pair make take keep "
        "pile add wrap hurry sum break blow tear follow lock brighten liven mess mix sign step grow pack load rise fly "
        "sweep drift glide float head swing zoom shoot race rush jump spring leap bounce ride cycle pedal jog hop "
        "limp march stride stroll trot",
        "came went gone got stood sat spoke sang brought made took kept broke blew tore rose flew swept shot rode "
        "sprang leapt leaped lit built gave spun hung woke woken grew grown caught drove ran crept snuck");
    return s;
}

// Verbs that "down" finishes: "slows down by the gate", "sits down on the right", "rain pours down on the roof".
const std::set<u32>& down_verbs() {
    static const std::set<u32> s = forms_of(
        "slow calm sit lie lay put set quiet wind die break settle turn shut cool count touch go come fall knock "
        "throw drop bring fade tone wear hunker crack lock write note track narrow water hose wash step stand back "
        "bear shout look run walk climb tear pull burn cut let close power ramp scale boil simmer hold pin chase hunt "
        "mow gun slam crash rain pour beat thunder bounce roll slide tumble float drift glide fly swoop dive plunge "
        "sink settle splash trickle drip rattle clatter thud crash cascade tumble spiral hurtle",
        "sat lay lain put went gone came fell threw thrown brought wore stood bore shouted ran tore burnt burned cut let "
        "held flew dove sank broke broken shut laid");
    return s;
}

// What "up" and "down" must be followed by to name a height: a preposition of place.
bool place_preposition(const u32& w, bool up) {
    static const std::set<u32> ups = {U"in", U"on", U"at", U"into", U"onto", U"among", U"atop", U"inside"};
    static const std::set<u32> downs = {U"in", U"on", U"at", U"by", U"among", U"under", U"below", U"beneath",
                                        U"near", U"inside", U"underneath"};
    return up ? ups.count(w) > 0 : downs.count(w) > 0;
}

bool possessive_or_article(const u32& w) {
    static const std::set<u32> s = {U"my", U"your", U"our", U"his", U"her", U"their", U"the", U"a", U"an", U"some"};
    return s.count(w) > 0;
}

bool direction_word(const u32& w) {
    static const std::set<u32> s = {U"left", U"right", U"front", U"back", U"rear", U"behind", U"ahead", U"centre",
                                    U"center", U"middle", U"far", U"side", U"o'clock", U"overhead", U"above", U"below"};
    return s.count(w) > 0;
}

// Places that are high: "a high branch", "the high chair", "a high shelf".
bool high_place(const u32& w) {
    static const std::set<u32> s = {
        U"branch", U"branches", U"shelf", U"shelves", U"ledge", U"perch", U"chair", U"balcony", U"gallery", U"window",
        U"windows", U"tier", U"platform", U"beam", U"beams", U"tower", U"rafters", U"ceiling", U"wall", U"walls",
        U"bough", U"boughs", U"roost", U"cliff", U"cliffs", U"ridge", U"rock", U"rocks", U"pole", U"mast",
        U"stand", U"stands", U"seats", U"loft", U"catwalk", U"gantry", U"scaffold", U"scaffolding", U"treetops"};
    return s.count(w) > 0;
}

}  // namespace

u32 with_heights_as_words(const u32& t) {
    // most texts say none of the three words: no word list for them
    if (find_ascii_ci(t, U"up") == u32::npos && find_ascii_ci(t, U"down") == u32::npos &&
        find_ascii_ci(t, U"high") == u32::npos)
        return t;
    const std::vector<TextWord> ws = words_of(t);
    std::vector<TextEdit> edits;
    for (std::size_t i = 0; i + 1 < ws.size(); ++i) {
        const u32& w = ws[i].low;
        if (w != U"up" && w != U"down" && w != U"high") continue;
        if (!joined(t, ws[i], ws[i + 1])) continue;
        // "the foreman shouting up at us": toward the listener from below, not a height of its own
        static const std::set<u32> listener = {U"me", U"us", U"you", U"him", U"her", U"them"};
        if (w == U"up" && ws[i + 1].low == U"at" && i + 2 < ws.size() && listener.count(ws[i + 2].low)) {
            edits.push_back({ws[i].begin, ws[i + 1].begin, U""});
            continue;
        }
        // "We're up on a three storey pitch", "I'm up on the roof", "45 floors up": where the listener is
        // (the place said with it goes too, up to the next clause: "We're up on a hill with sheep on the left")
        static const std::set<u32> being = {U"we're", U"i'm", U"floors", U"storeys", U"stories"};
        const bool first_person = i > 1 && (ws[i - 1].low == U"am" || ws[i - 1].low == U"are" || ws[i - 1].low == U"was" ||
                                            ws[i - 1].low == U"were") &&
                                  (ws[i - 2].low == U"i" || ws[i - 2].low == U"we");
        if (w == U"up" && i > 0 && (being.count(ws[i - 1].low) || first_person)) {
            std::size_t k = i + 1, last = i;
            static const std::set<u32> stops = {U"and", U"with", U"while", U"where", U"as", U"listening", U"but", U"so"};
            static const std::set<u32> preps = {U"on", U"in", U"at", U"atop"};
            if (k < ws.size() && preps.count(ws[k].low) && joined(t, ws[k - 1], ws[k])) {
                for (last = k; last + 1 < ws.size() && last < k + 5 && joined(t, ws[last], ws[last + 1]) &&
                               !stops.count(ws[last + 1].low);)
                    ++last;
            }
            edits.push_back({ws[i].begin, ws[last].end, U""});
            continue;
        }
        const bool after_verb = i > 0 && joined(t, ws[i - 1], ws[i]) &&
                                (w == U"up" ? up_verbs() : down_verbs()).count(ws[i - 1].low) > 0;
        const u32& next = ws[i + 1].low;
        if (w == U"high") {
            // "sings high behind the congregation", "high in the pines"; "a high branch"
            static const std::set<u32> places = {U"behind", U"ahead", U"in", U"on", U"over", U"to", U"off", U"atop", U"among"};
            const bool adjective = i > 0 && (ws[i - 1].low == U"a" || ws[i - 1].low == U"the") && high_place(next);
            if ((places.count(next) && !(i > 0 && joined(t, ws[i - 1], ws[i]) && ws[i - 1].low == U"on")) || adjective)
                edits.push_back({ws[i].begin, ws[i].end, U"above"});
            continue;
        }
        if (after_verb) {
            // "revs up on the left": a verb that neither moves nor rises; without its "up" the side
            // is not read as "up on the left" (a height)
            static const std::set<u32> still = {U"rev", U"revs", U"revved", U"revving", U"fire", U"fires", U"fired",
                                                U"firing", U"start", U"starts", U"started", U"starting", U"warm",
                                                U"warms", U"warmed", U"warming", U"power", U"powers", U"powered",
                                                U"powering", U"spin", U"spins", U"spun", U"spinning", U"boot", U"boots",
                                                U"booted", U"booting", U"crank", U"cranks", U"cranked", U"cranking",
                                                U"speak", U"speaks", U"spoke", U"speaking", U"pipe", U"pipes", U"piped",
                                                U"piping", U"ramp", U"ramps", U"ramped", U"ramping", U"fade", U"fades",
                                                U"faded", U"fading", U"swell", U"swells", U"swelled", U"swelling",
                                                // "grew up on a farm", "woke up on the left side of the bed"
                                                U"grow", U"grows", U"grew", U"grown", U"growing", U"wake", U"wakes",
                                                U"woke", U"woken", U"waking", U"pick", U"picks", U"picked", U"picking",
                                                U"set", U"sets", U"setting", U"show", U"shows", U"showed", U"showing",
                                                U"sign", U"signs", U"signed", U"signing", U"fill", U"fills", U"filled",
                                                U"filling", U"line", U"lines", U"lined", U"lining"};
            if (w == U"up" && still.count(ws[i - 1].low) && (next == U"on" || next == U"in" || next == U"at"))
                edits.push_back({ws[i - 1].end, ws[i].end, U""});
            continue;
        }
        const bool up = w == U"up";
        // "a radio up to my left", "down to my right"
        const bool to_a_side = next == U"to" && i + 2 < ws.size() && possessive_or_article(ws[i + 2].low) &&
                               ws[i + 2].low != U"a" && ws[i + 2].low != U"an" && ws[i + 2].low != U"some" &&
                               // not "walks up to the bar": a side follows
                               i + 3 < ws.size() && direction_word(ws[i + 3].low);
        // "up in front of me" is nearer more often than higher ("right up in front", "up at the front")
        const bool front = i + 2 < ws.size() && (ws[i + 2].low == U"front" ||
                                                 (i + 3 < ws.size() && ws[i + 2].low == U"the" && ws[i + 3].low == U"front"));
        if (front) continue;
        // "down by my knee", not "down by the river" (near it)
        if (next == U"by" && !(i + 2 < ws.size() && possessive_or_article(ws[i + 2].low) && ws[i + 2].low != U"the")) continue;
        if (!place_preposition(next, up) && !to_a_side) continue;
        // the place said with it goes too ("up in the pines" -> "above"): it is where the sound
        // is, not what it is, and left alone its noun would read as one more sound
        std::size_t end = i;
        if (!to_a_side) {
            std::size_t k = i + 2, nouns = 0;
            const bool article = k < ws.size() && joined(t, ws[k - 1], ws[k]) && possessive_or_article(ws[k].low);
            if (article) ++k;
            while (k < ws.size() && nouns < 3 && joined(t, ws[k - 1], ws[k]) && !ends_a_noun_phrase(ws[k].low) &&
                   !direction_word(ws[k].low))
                ++k, ++nouns;
            if (nouns > 0) end = k - 1;
        }
        // "up on the third floor: traffic far below": a heading that says where the listener is
        std::size_t before = ws[i].begin, after = ws[end].end;
        while (before > 0 && is_space(t[before - 1])) --before;
        while (after < t.size() && is_space(t[after])) ++after;
        const bool opens = before == 0 || t[before - 1] == '.' || t[before - 1] == '!' || t[before - 1] == '\n';
        static const std::set<u32> standing = {U"floor", U"storey", U"story", U"level", U"roof", U"rooftop", U"deck",
                                               U"balcony", U"terrace", U"ladder", U"scaffold", U"scaffolding", U"tower",
                                               U"hill", U"ridge", U"summit", U"mountain", U"platform", U"stage"};
        if (opens && after < t.size() && t[after] == ':' && standing.count(ws[end].low)) {
            edits.push_back({ws[i].begin, ws[end].end, U""});
            continue;
        }
        // "up high" and "down low", not "above"/"below": "left to right down in the street" must not
        // read as "right below"
        edits.push_back({ws[i].begin, ws[end].end, up ? U"up high" : U"down low"});
    }
    return with_edits(t, edits);
}

}  // namespace bewo::rt
