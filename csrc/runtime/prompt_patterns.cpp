#include "prompt_patterns.h"

#include <algorithm>
#include <cmath>

#include "vocabulary.h"

namespace bewo::rt::prompt_detail {

using namespace textmatch;

// ---- vocabulary: parser.py's tables after its module-level code has run --------------------------
// (captions.py's lists with parser.py's synonyms appended, in the same order; '|' separates.)
std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) { out.push_back(cur); cur.clear(); }
        else cur.push_back(c);
    }
    out.push_back(cur);
    return out;
}
std::vector<std::string> cat(std::initializer_list<std::vector<std::string>> lists) {
    std::vector<std::string> out;
    for (const auto& l : lists) out.insert(out.end(), l.begin(), l.end());
    return out;
}

// The parser's words are the shared vocabulary (vocabulary.h: what the caption generator writes)
// plus the everyday synonyms below, so a fix to the shared wording reaches both.
std::vector<std::string> verb_forms(const std::vector<VerbForms>& verbs) {
    std::vector<std::string> out;
    for (const auto& v : verbs) out.insert(out.end(), v.begin(), v.end());
    return out;
}
const Phrases& keyed(const Keyed<Phrases>& table, const std::string& key) {
    static const Phrases none;
    for (const auto& [k, v] : table)
        if (k == key) return v;
    return none;
}

// Direction phrases with their azimuths: the shared location and endpoint words without a
// leading to/on/at (the roles come from the words around them).
std::vector<std::pair<double, std::string>> direction_table() {
    std::vector<std::pair<double, std::string>> out;
    const SharedVocabulary& v = shared_vocabulary();
    for (const auto* table : {&v.location_words, &v.endpoint_words})
        for (const auto& [cls, phrases] : *table)
            for (std::string p : phrases) {
                for (const char* lead : {"to ", "on ", "at "})
                    if (p.compare(0, std::char_traits<char>::length(lead), lead) == 0) p = p.substr(std::char_traits<char>::length(lead));
                out.emplace_back(direction_class_azimuth(cls), p);
            }
    return out;
}

const char* const kSpeedSynonyms[][2] = {  // speed class -> adverbs beyond the shared ones
    {"slow", "slow|leisurely|lazily|at a slow pace|little by little|steadily but slowly|very slowly|bit by bit"},
    {"fast", "fast|very fast|speedily|hurriedly|at high speed|at full speed|briskly|in a hurry|very quickly"},
    {"instant", "all of a sudden|in an instant|immediately|all at once|in a flash"},
    {"moderate", "at a normal pace|at a regular pace|at a steady speed|at a moderate speed"},
};
const char* const kSpeedVerbSynonyms[][2] = {  // speed class -> verbs beyond the shared ones
    {"slow", "drifted|crept|crawled|glided|meanders|meandering|ambles|ambling|strolls|strolling|wanders|wandering"},
    {"fast", "zooms|zoom|zooming|zoomed|speeds|speed|speeding|whooshes|whoosh|whooshing|raced|rushed|darted|zipped|"
             "whizzed|shoots|shooting|hurtles|hurtling|flashes|flashing|accelerates|accelerate|accelerating|accelerated"},
    {"instant", "jumped|leapt|leaped|teleports|teleporting|teleported|hops|hopping|hopped|switches|"
                "switching"},
};
const char kMoveSynonyms[] =
    "moved|travelled|traveled|traveling|passed|went|shifted|swept|arrives|arriving|arrived|overtakes|overtaking|"
    "overtook|overtake|pass-by|passby|fly-by|flyby|drive-by|flypast|fly-past|reverses|reversing|floats|float|"
    "floating|floated|wafts|wafted|wafting|flutters|fluttered|fluttering|pulls in|pulling in|pulls away|pulling away|"
    "pulls out|pulling out|pulled in|pulled away|drops back|dropping back|dropped back|falls back|falling back|"
    "fell back|pulls alongside|pulling alongside|pulls ahead|pulling ahead|"
    "walks|walk|walking|walked|drives|drive|driving|drove|flies|fly|flying|flew|runs|run|running|ran|rolls|roll|"
    "rolling|rolled|crosses|cross|crossing|crossed|heads|head|heading|headed|circles|circling|swings|swinging|"
    "slides|sliding|rides|riding|swoops|swooping|turns|turning|continues|continuing|proceeds|rotates|rotating|"
    "glides|transitions|bounds|bounding|bounded|dives|diving|dived|swing|swung|sprints|sprinting|sprinted|"
    "scurries|scurrying|scurried|zips|zipping|strides|striding|strode|catching up|catches up|caught up|catch up|"
    "swipes|swiping|swiped|swipe|trundling|trundles|trundled";
const char kApproachSynonyms[] =
    "approached|draws near|draw near|drawing near|draws nearer|drawing nearer|gets closer|getting closer|"
    "moves closer|moving closer|move closer|comes near|coming near|nears|coming closer|comes closer|come closer|"
    "came closer|closer and closer|gets louder|getting louder|growing louder|grows louder";
const char kRecedeSynonyms[] =
    "receded|moved away|goes away|going away|fades away|fading away|drives away|driving away|walks away|"
    "walking away|flies away|flying away|drives off|driving off|heads away|gets further away|getting further away|"
    "moves off|moving off|fades into the distance|fading into the distance|faded into the distance|"
    "further and further away|gets quieter|getting quieter|dies away|dying away|died away";
const char kPassingFront[] =  // the way round a move goes, beyond the shared phrases
    "passes in front of me|passes in front of you|passes in front|crosses in front of me|crosses in front|"
    "through the front|via the front|across the front|round the front|around the front|passing in front|"
    "crossing in front|passing in front of me|crossing in front of me|passing in front of the listener";
const char kPassingBehind[] =
    "passing behind me|passing behind us|passing behind the head|passing behind your head|passing behind the listener|"
    "round behind|around behind|round the back|around the back|via the back|"
    "through the back|across the back|passes behind me|passes behind you|passes behind";

// Regex groups for the listener and a possessive, inside the direction patterns.
const std::string kMe = "(?:me|you|us|myself|yourself|(?:the\\s+)?(?:listeners|players|visitors|guests|viewers|listener|player|camera|character|avatar|viewer|mic|microphone|"
                        "user|audience|stage|visitors?|recorder|recordist|rig|dummy[\\s-]head|seat|receiver(?:\\s+position)?|"
                        "listening\\s+(?:position|spot))|"
                        "(?:my|your|the\\s+listener's)\\s+(?:face|nose|head|seat))";
const std::string kPoss = "(?:(?:the\\s+)?(?:listener|player|camera|user|viewer|character|avatar|visitor)'s|(?:the\\s+)?visitors'|the|your|my|our|his|her|their)";

// "next to me", "beside you", "in my ear": each listener word spelled out.
std::vector<std::string> for_listener(const std::vector<std::string>& heads, const char* words) {
    std::vector<std::string> out;
    for (const auto& h : heads)
        for (const auto& w : split(words)) out.push_back(h + w);
    return out;
}
const char kMeWords[] = "me|you|us|the listener|myself|yourself";
std::vector<std::string> near_words() {
    const SharedVocabulary& v = shared_vocabulary();
    return cat({v.near_phrases, v.near_adjectives,
                split("close|closer|nearer|near|very near|right by|close up|at arm's length|next to|beside|really close|quite close|"
                      "a short distance away|a metre away|a meter away|right here"),
                for_listener({"next to ", "right next to ", "beside ", "right beside ", "close to ", "near to ", "near ",
                              "just next to ", "just by ", "by "}, kMeWords),
                for_listener({"in "}, "the ear|your ear|my ear|our ear|his ear|her ear|their ear")});
}
std::vector<std::string> far_words() {
    const SharedVocabulary& v = shared_vocabulary();
    return cat({v.far_phrases, v.far_adjectives,
                split("far|further away|farther away|further off|far off|a long way away|way off|from afar|a great distance away|far in the distance|"
                      "off in the distance|very far|very far away|remote|way in the distance|a long distance away|"
                      "far from here|in the far distance"),
                for_listener({"far away from "}, kMeWords)});
}
const char kModerateSynonyms[] =
    "a few meters away|not too far|not far|not too far away|not far away|a little way off|some distance away|"
    "at some distance|a short way off|a few steps away";
const char* const kDistChangeSynonyms[][2] = {  // phrase, distance class at the end
    {"ending up far away", "far"}, {"ending up in the distance", "far"}, {"getting louder", "near"},
    {"growing louder", "near"}, {"fading out", "far"}, {"getting quieter", "far"}};
extern const char kOutdoorNouns[] =
    "street|road|park|field|forest|woods|wood|garden|beach|city|square|meadow|countryside|jungle|desert|mountains|"
    "mountain|lake|river|shore|courtyard|parking lot|car park|yard|backyard|farm|campsite|harbour|harbor|port|"
    "market|playground|highway|town|village|open field|open air|open|seaside|coast|countryside|savanna|valley|alley";
extern const char kIndoorNouns[] =  // beyond the shared room, large and church nouns
    "airport|apartment|arena|attic|bar|basement|bathroom|bunker|cabin|cafe|café|cave|"
    "cellar|chapel|cinema|closet|corridor|dining room|factory|flat|garage|gym|"
    "hallway|hangar|house|lecture hall|library|lobby|lounge|mall|mosque|museum|"
    "restaurant|shed|shop|stairwell|station|store|studio|temple|theater|theatre|tunnel";
const char kLargeNouns[] =  // beyond the shared large and church nouns
    "airport|arena|auditorium|cave|chapel|cinema|factory|gym|hall|hangar|"
    "lecture hall|mall|mosque|museum|station|temple|theater|theatre|tunnel";
const char kSmallNouns[] = "bathroom|booth|bunker|cabin|car|cellar|closet|shed|stairwell";
const char kChurchSynonyms[] = "chapel|mosque|temple";
const char kSmallAdjSynonyms[] = "compact|cosy|cozy|narrow|tight";
const char kLargeAdjSynonyms[] = "empty|enormous|giant|grand|huge|massive|vast";
const char kModerateAdjSynonyms[] = "average|medium|normal|ordinary";
const char kReverbAdjSynonyms[] = "echoy|live|resonant|reverberating";
const char kDrySynonyms[] = "damped|dead|dry|padded|soundproof|soundproofed";
const char kFillerSynonyms[] =
    "can be heard|could be heard|is heard|are heard|is audible|are audible|can be made out|"
    "the sound of|a sound of|the sounds of|sounds of|sound of|the noise of|noise of|i can hear|i hear|"
    "we can hear|you hear|listen to|there is|there are|there's|there was|there were|it sounds like|somewhere|"
    "all of this|the whole scene|you'll hear|from my perspective|from where i am|as i listen|in the scene|"
    "the scene is|is located|are located|is positioned|is placed|is coming from|are coming from|comes from|"
    "come from|coming from|going off|goes off|go off|went off|once upon a time|one day|suddenly you hear|"
    "i'd like to hear|i would like to hear|i'd like|i would like|i want to hear|i want|i need|i'd love|i'd love to hear|"
    "i am wanting|i'm wanting|i am want|i wish to hear|i wish|i am needing|i'm needing|"
    "give me|can you put|could you put|can you add|could you add|can you make|could you make|can i have|can i get|"
    "is it possible to have|would it be possible to have|would it be possible to|is it possible to|how about|"
    "what about|let's have|let me hear|i wanna hear|there should be|does that work|does this work|nothing else|"
    "that's it|that's all|just to check|kind of|sort of|sounds like|i'm in|we're in|i am in|we are in|"
    "coming through|comes through|coming in through|heard through|through the window|through a window|"
    "coming through the window|coming in through the window|coming through the wall|comes through the wall|"
    "through the wall|through a wall|through the door|through the windows|the player hears|the player should hear|"
    "the player will hear|the listener should hear|the user hears|the user should hear|they hear|they should hear|"
    "should hear|will hear|you should hear|you will hear|two sources|three sources|four sources|two sounds|three sounds|"
    "four sounds|two layers|three layers|two things|three things|two elements|three elements|"
    // the speaker telling of a sound, not the sound: "I dreamt a bell was ringing", "I remember a woodpecker"
    "i dreamt that|i dreamed that|i dreamt|i dreamed|i dream of|i remember that|i remember|i recall|i still remember|"
    "i could hear|i heard|we heard|we could hear|imagine that|imagine|"
    // a forum's "too long; didn't read": what follows is the short form
    "tl;dr|tldr|tl dr|tl,dr|"
    // "humming to herself on the left": to whom, not where a move ends
    "to himself|to herself|to themselves|to itself|to myself|to yourself|to ourselves|"
    // "church bells somewhere, doesn't matter where": no place asked for, and no sound
    "doesn't matter where|does not matter where|doesnt matter where|doesn't matter|doesnt matter|no matter where|"
    "wherever you like|wherever you want|anywhere you like|anywhere is fine|any direction is fine|"
    "wanna hear|wanna|"
    // "Can someone tell me how to get the galahs screeching from the back left": what is asked for follows
    "tell me how to get|tell me how to make|tell me how to do|tell me how to put|show me how to get|show me how to make|"
    "how do i get|how do i make|how do i put|how would i get|how can i get|how can i make|"
    "can someone|could someone|can anyone|could anyone|can somebody|could somebody|"
    // "a single beep, no direction given": says there is no place, names no sound
    "no direction given|no position given|no direction specified|no position specified|no direction set";
// The shared room sentences without their place ("the scene takes place {r}") and list intros.
std::vector<std::string> fillers() {
    const SharedVocabulary& v = shared_vocabulary();
    std::vector<std::string> out = v.list_intros;
    for (const auto& sentence : v.room_sentences) {
        const auto brace = sentence.find(" {");
        out.push_back(sentence.substr(0, brace));
    }
    return cat({out, split(kFillerSynonyms)});
}
// Words that stay inside a label but never name a sound on their own (parser._GLUE).
const char kGlue[] =
    "a an the another of on at in to from towards toward into onto across along through is are was were be been being can could will "
    "would it its it's this that these those which who whose where when there here then while and or but also "
    "meanwhile too as with by for up down over out off so just very really quite slightly somewhat starts start "
    "started starting stays stay stayed staying remains remain remaining sits sitting stands standing ends end "
    "ending me my you your us our i we he she they them him her their listener listener's side sides position "
    "direction around about overhead above below away back past behind ahead front again still now sound sounds "
    "heard hear hears audible located placed positioned somewhere place spot area ear ears head "
    "shoulder position point way loudly softly quietly clearly faintly continuously repeatedly constantly fully "
    "completely totally entirely pls plz via rather "
    "occasionally briefly first later finally eventually both all each time same comes come came round "
    "mostly mainly largely usually often always sometimes mostly generally "
    "panned like only not through centred centered kinda maybe roughly approximately exactly precisely really "
    "please should must shall do does did may might ok okay so basically um uh hmm well actually honestly hey hello yeah yes thanks oh omg "
    "he's she's they're you're "
    "thx cheers lol i'm i'd we're along sources sounds layers want need clockwise counterclockwise counter-clockwise "
    "anticlockwise anti-clockwise twice thrice once getting directly exactly second third fourth fifth lastly last "
    "keeps keep kept hard heavily deeply began begins begin approx circa bearing loudest quietest mid-distance path route trajectory relative";

// ---- patterns (the texts of parser.py's regexes) -------------------------------------------------
std::string re_escape(const std::string& p) {  // re.escape
    static const std::string special = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
    std::string o;
    for (char c : p) {
        if (special.find(c) != std::string::npos) o.push_back('\\');
        o.push_back(c);
    }
    return o;
}

// _alt: escaped phrases, spaces as \s+, longest pattern first (equal lengths cannot match the
// same text, so their order, which Python leaves to set order, does not matter).
std::string alt(const std::vector<std::string>& phrases) {
    std::set<std::string> uniq;
    for (const auto& p : phrases) {
        std::string e = re_escape(p), o;
        for (std::size_t i = 0; i < e.size(); ++i) {
            if (e[i] == '\\' && i + 1 < e.size() && e[i + 1] == ' ') { o += "\\s+"; ++i; }
            else if (e[i] == '\\' && i + 1 < e.size()) { o += e.substr(i, 2); ++i; }
            else o.push_back(e[i]);
        }
        uniq.insert(o);
    }
    std::vector<std::string> v(uniq.begin(), uniq.end());
    std::stable_sort(v.begin(), v.end(),
                     [](const std::string& a, const std::string& b) { return from_utf8(a).size() > from_utf8(b).size(); });
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : "|") + s;
    return out;
}
std::string words_rx(const std::vector<std::string>& words) { return "(?<![\\w-])(?:" + alt(words) + ")(?![\\w-])"; }

std::string with_side(const char* name) { return std::string("(?P<") + name + ">left|right)"; }


Patterns::Patterns() {
    const SharedVocabulary& V = shared_vocabulary();
    std::vector<std::string> table;
    for (const auto& [az, p] : direction_table()) {
        table.push_back(p);
        dir_lookup[collapse_space(lower(from_utf8(p)))] = az;
    }
    const std::string me = kMe, poss = kPoss, side = with_side("side");
    // not a place: "the left lane", "a right turn", "left-handed", "left alone", "left over"
    const std::string not_a_place = "(?!\\s*-?\\s*(?:lanes?|turns?|handed|wing|clicks?)\\b)"
                                    "(?!(?<=right)\\s+(?:answers?|thing|choice|decision|idea|moment|time|track|path|words?|person|people|one|amount|size|call|way\\s+round)\\b)"
                                    "(?!(?<=left)\\s+(?:alone|unattended|untouched|idle|running|standing|lying)\\b)"
                                    // "front row, centre", "me in the front row": where the listener sits (a sound "from the back row" is behind)
                                    "(?!(?<=front)\\s+rows?\\b)"
                                    // "lost in the back streets", "a story on the back burner"
                                    "(?!(?<=back)\\s+(?:streets?|alleys?|alleyways?|lanes?|roads|country|burner|pages|issues|"
                                    "catalogue|story|stories|pain|bone)\\b)";
    auto dir = [&](const std::string& p, DirValue v) {
        dirs.emplace_back(Regex("(?<![\\w-])(?:" + p + ")(?![\\w-])" + not_a_place, true), v);
    };
    // a number in digits or in words ("forty-five", "minus thirty", "a hundred and twenty")
    const std::string units = "one|two|three|four|five|six|seven|eight|nine";
    const std::string teens = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen";
    const std::string tens = "twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety";
    const std::string below100 = "(?:(?:" + tens + ")(?:[\\s-]+(?:" + units + "))?|" + teens + "|" + units + ")";
    // "one thirty-five", "two seventy": a hundreds digit said before the rest, as angles are spoken
    const std::string spoken = "(?:one|two|three)[\\s-]+(?:(?:" + tens + ")(?:[\\s-]+(?:" + units + "))?|" + teens + ")";
    const std::string num = "(?:(?:minus|negative|plus|positive)\\s+)?[+\\-\\u2212]?\\d+(?:\\.\\d+)?|(?:(?:minus|negative|plus|positive)\\s+)?(?:(?:(?:a|one|two|three)[\\s-]+hundred"
                            "(?:[\\s-]+(?:and[\\s-]+)?" + below100 + ")?)|" + spoken + "|" + below100 + "|zero)(?![\\w-])";
    const std::string unit = "\\s*(?:degrees?|degs?|\\u00b0)";
    // the first number of "from -90 to 270 degrees", which shares the second one's unit
    dir("(?P<num>" + num + ")(?=\\s+(?:to|through|towards|toward|round\\s+to|around\\s+to)\\s+(?:" + num + ")" + unit + ")",
        DirValue::Range);
    dirs.back().first.needs_any({U"deg", U"\u00b0"});
    // not "around behind you to the right" (a way round), nor "the front door" (a thing named with front)
    dir("(?<!round )(?:" + alt(table) + ")(?!\\s+(?:door|doors|doorbell|gate|porch|yard|garden|seat|seats|window|windows|"
        "wheel|wheels|desk|steps|entrance|bumper|office|lawn|deck|teeth|page|cover|counter|stairs|tyres?|tires?)\\b)",
        DirValue::Table);
    dir("(?:(?:an?\\s+)?(?:azimuth|angle|bearing|direction)(?:\\s+angle)?\\s+(?:of\\s+)?)?"
        "(?P<num>" + num + ")\\s*(?:degrees?|degs?|\\u00b0)"
        "(?:\\s+(?:(?:off\\s+)?(?:to|towards|toward|on|off)\\s+(?:the\\s+|your\\s+|my\\s+|" + poss + "\\s+)?)?"
        "(?P<side>left|right|[lr](?![\\w'-]))(?:(?:[- ]hand)?\\s+side)?"
        "(?:\\s+of\\s+(?:centre|center|straight\\s+ahead|the\\s+front|front|" + me + "))?)?",
        DirValue::Degrees);
    dirs.back().first.needs_any({U"deg", U"\u00b0"});
    dir("(?:(?:an?\\s+)?(?:azimuth|azi|az|angle|bearing|pan)\\s*(?:of\\s+|at\\s+|=\\s*|:\\s*|~\\s*|\\u2248\\s*|is\\s+)?)(?P<num>" + num + ")(?:\\s*(?:degrees?|degs?|\\u00b0))?(?![\\w-])",
        DirValue::Degrees);
    dirs.back().first.needs_any({U"az", U"angle", U"bearing", U"pan"});
    dir("(?:" + poss + "\\s+)?(?P<h>1[0-2]|[1-9]|zero|one|two|three|four|five|six|seven|eight|nine|ten|"
        "eleven|twelve)(?:\\s*o['\\u2019]?\\s*clock|\\s+o\\s+clock)(?:\\s+(?:position|direction))?",
        DirValue::Clock);
    dirs.back().first.needs_any({U"clock"});
    // "at the ten-thirty position", "at one-thirty": half hours on the clock face
    dir("(?:(?:the|your|my)\\s+)?(?P<h>1[0-2]|[1-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
        "[- ](?:thirty|30)(?:\\s+(?:o'clock\\s+)?(?:position|direction))?", DirValue::HalfClock);
    dirs.back().first.needs_any({U"thirty", U"30"});
    // "a seagull at three o'clock and a ship's horn at nine", "violas at 11" after an o'clock: before
    // the unitless angle below, which would read "11" as degrees
    // (not a time: "essay due at 9", "home at 10", "I left at 6")
    dir("(?:(?<=at )(?<!due at )(?<!left at )(?<!quit at )(?<!leave at )(?<!home at )(?<!bed at )(?<!woke at )(?<!wake at )"
        "(?<!opens at )(?<!closes at )(?<!shift at )(?<!meet at )(?<!met at )(?<!dinner at )(?<!lunch at )"
        "(?<!breakfast at )(?<!curfew at )|(?<=through )|(?<=via )|(?<=past )|(?<=from my )|(?<=at my )|(?<=to my ))"
        "(?P<h>1[0-2]|[1-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
        "(?!\\s*(?:degrees?|degs?|\\u00b0|m|metres?|meters?|feet|ft|o'clock|o\\s+clock|am|pm|a\\.\\s*m|p\\.\\s*m|times|percent|%|:))"
        "(?=\\s*(?:[,.;!?)]|$|\\s+and\\b|\\s+(?:to|then|before)\\s+(?:1[0-2]|[1-9]|one|two|three|four|five|six|seven|eight|nine|"
        "ten|eleven|twelve|its|my|your|the)\\b))",
        DirValue::Clock);
    dirs.back().first.needs_any({U"o'clock", U"o\u2019clock"});
    // "horn at +90", "the narrator at 0", "hi-hats panned 30 right": an angle without its unit
    dir("(?<=at )(?P<num>[+\\-\\u2212]\\d{1,3}(?:\\.\\d+)?|0|\\d{2,3})(?!\\d|\\.\\d|\\s*(?:m\\b|metres?|meters?|feet|ft|o'clock|o\\s+clock|%|"
        "percent|am\\b|pm\\b|hz|khz|db|bpm|times|x\\b|:|seconds?|s\\b|ms\\b|minutes?|mph|km|miles?|years?|people|"
        "degrees?|degs?|\\u00b0))",
        DirValue::Degrees);
    // "guitar panned 70% left", "pan: right 30%": a mixer's pan, as that share of the way to the side
    dir("(?P<num>\\d{1,3})\\s*(?:%|percent)\\s+(?:to\\s+the\\s+)?(?P<side>left|right)", DirValue::Percent);
    dirs.back().first.needs_any({U"%", U"percent"});
    dir("(?:(?<=panned )|(?<=pan )|(?<=pan: ))(?P<side>left|right)\\s+(?P<num>\\d{1,3})\\s*(?:%|percent)", DirValue::Percent);
    dirs.back().first.needs_any({U"%", U"percent"});
    // "a bell at the 2:00 position", "at 10:30 position": clock positions written as times
    // ("voice sample at 7:30 on the clock", "at 4:30 o'clock": the same)
    // ("voice sample at 7:30 on the clock", "... at 4:30 o'clock": the same, said after a sound; not a time
    // of day: "At 7:30 o'clock the birds start", "the 7:30 o'clock train", "at 7:30 on the clock tower")
    const std::string said_after = "(?:(?<=[a-z] at )|(?<=[a-z] from )|(?<=[a-z] to ))(?<!wake at )(?<!woke at )(?<!meet at )"
                                   "(?<!meeting at )(?<!breakfast at )(?<!dinner at )(?<!lunch at )(?<!starts at )(?<!leave at )";
    const std::string clock_said = "(?:o'clock|on\\s+the\\s+clock(?:\\s*face)?)(?=\\s*(?:[,.;:!?)\\n]|$|and\\b))";
    dir("(?:(?:the|my|your)\\s+)?(?P<h>1[0-2]|[1-9]):00(?=\\s+(?:position|direction)\\b)\\s+(?:position|direction)|" + said_after +
        "(?P<h2>1[0-2]|[1-9]):00\\s+" + clock_said, DirValue::Clock);
    dirs.back().first.needs_any({U":00"});
    dir("(?:(?:the|my|your)\\s+)?(?P<h>1[0-2]|[1-9]):30(?=\\s+(?:position|direction)\\b)\\s+(?:position|direction)|" + said_after +
        "(?P<h2>1[0-2]|[1-9]):30\\s+" + clock_said, DirValue::HalfClock);
    dirs.back().first.needs_any({U":30"});
    // "worker calling - left 45", "bell: right 30 degrees": the side, then the angle, ending the item
    // (not "dog left 2) cat right", "dog: left\n2. cat": a single digit and "." or ")" number the next item)
    dir("(?P<side>left|right)[ \\t]+(?P<num>\\d{2,3}|\\d(?![.)]\\s))(?:\\s*(?:degrees?|degs?|\\u00b0))?(?=\\s*(?:[,.;!?)\\n]|$|and\\b))",
        DirValue::Degrees);
    // "hisses at about 45 to my left": an angle, then the side it is on
    dir("(?:(?<=at )|(?<=about )|(?<=around )|(?<=roughly )|(?<=maybe ))(?P<num>1[5-9]|[2-9]\\d|1[0-7]\\d|180|"
        "(?:" + tens + ")(?:[\\s-]+(?:" + units + "))?)"
        "\\s+to\\s+(?:the|my|your|our)\\s+(?P<side>left|right)(?![\\w-])", DirValue::Degrees);  // (and "at forty-five to the left")  // not "about 20 on the left"
    // "a bicycle bell before me": in front
    dir("before\\s+(?:me|us)(?![\\w-])", DirValue::Front);
    dirs.back().first.needs_any({U"before"});
    // "forty-five right" as "45 right"
    dir("(?<![\\w-])(?P<num>\\d{2,3}|(?:" + tens + ")(?:[\\s-]+(?:" + units + "))?)\\s+(?P<side>left|right)(?![\\w-])",
        DirValue::Degrees);
    // "a violin at zero degrees, a cello at ninety", "a flute from zero": an angle in words after "at" or "from", when the prompt
    // gives angles in degrees elsewhere
    dir("(?:(?<=at )|(?<=from ))(?P<num>(?:(?:minus|negative|plus|positive)\\s+)?(?:(?:a|one|two|three)[\\s-]+hundred(?:[\\s-]+(?:and[\\s-]+)?" + below100 +
        ")?|" + below100 + "|zero))(?![\\w-])(?!\\s*(?:m\\b|metres?|meters?|feet|ft|o'clock|o\\s+clock|percent|%|times|people|"
        "seconds?|minutes?|hours?|years?|bpm|points?|of\\b|another|time|end|side|moment|stage|degrees?|degs?|\\u00b0))",
        DirValue::Degrees);
    dirs.back().first.needs_any({U"degree", U"\u00b0"});
    // "a phone buzzing at minus 45", "the target talker at minus forty-five": a sign said in words makes
    // the number an angle
    dir("(?<=at )(?P<num>(?:minus|negative|plus|positive)\\s+(?:\\d{1,3}|(?:(?:a|one)[\\s-]+hundred(?:[\\s-]+(?:and[\\s-]+)?" + below100 +
        ")?|" + spoken + "|" + below100 + ")))(?![\\w-])(?!\\s*(?:m\\b|metres?|meters?|feet|ft|percent|%|db|hz|seconds?|minutes?))", DirValue::Degrees);
    dirs.back().first.needs_any({U"minus", U"plus", U"negative", U"positive"});
    // "a bicycle bell at about -60": a signed angle after an approximation word
    dir("(?:about|around|roughly|approximately|approx\\.?|maybe|~)\\s*(?P<num>[+\\-\\u2212]\\d{1,3})(?!\\d|\\.\\d|\\s*(?:m\\b|"
        "metres?|meters?|feet|ft|%|percent|db|hz|khz|seconds?|s\\b|ms\\b|minutes?))", DirValue::Degrees);
    dirs.back().first.needs_any({U"-", U"+", U"\u2212"});
    // "droid beeping +120", "wait, -60": a signed angle said alone after a word (not a gain or a pitch)
    dir("(?P<num>[+\\-\\u2212](?<=[A-Za-z,] .)(?<!gain .)(?<!pitch .)(?<!volume .)(?<!level .)(?<!by .)(?<!vol .)(?<!db .)\\d{1,3})"
        "(?!\\d|\\.\\d|\\s*(?:m\\b|metres?|meters?|feet|ft|%|percent|db|hz|khz|seconds?|s\\b|ms\\b|minutes?|st\\b|"
        "semitones?|cents?|bpm|lufs|x\\b|:|to\\b|and\\s+[+\\-\\u2212]?\\d))", DirValue::Degrees);  // (not "-30 and +30": a range)
    dirs.back().first.needs_any({U"-", U"+", U"\u2212"});
    // film and game language: "camera left", "screen right", "frame left" are the listener's sides
    dir("(?:(?:" + poss + ")\\s+)?(?:camera|screen|frame)[- ](?P<side>left|right)", DirValue::Side);
    dirs.back().first.needs_any({U"camera", U"screen", U"frame"});
    // theatre language from the seats: "audience right", "house left" are the listener's sides
    dir("(?:(?:" + poss + ")\\s+)?(?:audience|house)[- ](?P<side>left|right)", DirValue::Side);
    dirs.back().first.needs_any({U"audience", U"house"});
    // small offsets ("slightly", "a little", "a bit", "just" left/right, "left of centre")
    const std::string of_centre = "(?:\\s+of\\s+(?:centre|center|the\\s+centre|the\\s+center|straight\\s+ahead|the\\s+middle|"
                                  "the\\s+front|" + me + "))?";
    dir("(?:(?:just|slightly|slight|a\\s+little|a\\s+bit|a\\s+little\\s+bit|little\\s+bit|a\\s+tiny\\s+bit|somewhat|a\\s+touch|partly|a\\s+tad|a\\s+hair|"
        "a\\s+lil|lil|a\\s+lil'|(?<=\\w\\s)bit|"
        "a\\s+smidge|marginally|fractionally|a\\s+shade|mildly)\\s+(?:off\\s+)?"
        "(?:to\\s+|towards\\s+|toward\\s+|on\\s+)?(?:" + poss + "\\s+)?" + side + of_centre + ")"
        "|(?:(?:just\\s+|slightly\\s+|a\\s+little\\s+|a\\s+bit\\s+|a\\s+hair\\s+|a\\s+touch\\s+|a\\s+tad\\s+)?(?:to\\s+(?:the\\s+)?)?" + with_side("side2") +
        "\\s+of\\s+(?:the\\s+)?(?:centre|center|middle))",
        DirValue::Slight);
    dir("(?:" + poss + "\\s+)?(?:front|forward|ahead)[- ]?" + side + "(?:\\s+side)?(?:\\s+of\\s+" + me + ")?|"
        // (not "from left to right ahead of me": a move's end, then where it passes)
        "(?:" + poss + "\\s+|(?<!to )(?<!from ))" + with_side("s3") + "(?:-(?:front|ahead)|\\s+front|\\s+ahead(?!\\s+of\\b))|"
        "(?:ahead|in\\s+front)(?:\\s+of\\s+" + me + ")?\\s+on\\s+(?:" + poss + "\\s+)?" + with_side("s6") + "(?:[- ]hand)?(?:\\s+side)?|"
        // (not "in front of us, and on the right side the birds sing": there the side opens the next item)
        "(?:ahead|in\\s+front|up\\s+front)(?:\\s+of\\s+" + me + ")?(?:,?\\s+and\\s+|,\\s+|\\s*[+&]\\s*)(?:slightly\\s+)?(?:to|on)\\s+(?:" + poss + "\\s+)?" + with_side("s4") +
        "(?!(?:[- ]hand)?(?:\\s+side)?,?\\s+(?:the|a|an|some|my|our|his|her|their|there|two|three|four)\\s)|"
        "diagonally\\s+(?:ahead|in\\s+front|forward)?\\s*(?:and\\s+)?(?:to|on)?\\s*(?:" + poss + "\\s+)?" + with_side("s5") + "|"
        // a mix's "mid-left", "mid right": half way to the side
        "mid[- ]?" + with_side("s9") + "(?![\\w-])",
        DirValue::FrontSide);
    dir("(?:" + poss + "\\s+)?(?:back|rear)[- ]?" + side + "(?:\\s+side)?(?:\\s+of\\s+" + me + ")?|behind[- ]" + with_side("s7") + "(?:\\s+of\\s+" + me + ")?(?!\\s+(?:of|next|by)\\b)|"
        "(?:" + poss + "\\s+)?" + with_side("s3") + "(?:[- ](?:rear|back)|-behind)|"
        "(?<!round )behind(?:\\s+" + me + ")?(?:,?\\s+(?:and\\s+)?|\\s*[+&]\\s*)(?:slightly\\s+)?on\\s+(?:" + poss + "\\s+)?" + with_side("s8") + "(?:[- ]hand)?(?:\\s+side)?|"
        "(?<!round )(?<!from )(?<!from directly )(?<!from straight )behind(?:\\s+" + me + ")?(?:,?\\s+(?:and\\s+)?|\\s*[+&]\\s*)(?:slightly\\s+)?(?:to|towards|toward)\\s+(?:" + poss + "\\s+)?" + with_side("s4") + "(?:[- ]hand)?(?:\\s+side)?|"
        // ("behind me over my right shoulder", "over the audience's left shoulder": anyone's shoulder)
        "(?:behind(?:\\s+(?:him|her|them|" + me + "))?,?\\s+(?:and\\s+)?)?(?:over|behind)\\s+(?:" + poss + "|(?:the\\s+)?[a-z]+(?:'s|s'))\\s+" +
        with_side("s5") + "\\s+shoulder|"
        "(?:" + poss + "\\s+)?" + with_side("s6") + "(?:[- ]hand)?\\s+side,?\\s+behind(?:\\s+" + me + ")?",
        DirValue::BehindSide);
    // not a place: "the left lane", "left alone", a bare "right" as in "right next to", "right above"
    const std::string not_intensifier = "(?!(?<=right)(?<!to right)(?<!from right)(?<!until right)(?<!till right)(?<!and right)(?<!or right)(?<!hard right)(?<!far right)(?<!extreme right)(?<!full right)\\s+(?:next|beside|by|behind|above|below|under|here|there|now|away|at|"
                                        "on|over|near|up|down|into|through|across|in|where|when|after|before|outside|inside|"
                                        "against|along|around|round|beneath|underneath|overhead|close|nearby)\\b)";
    dir("(?:(?:" + poss + "\\s+)(?:far\\s+|hard\\s+|extreme\\s+|full\\s+|very\\s+)?" + side +
        "|(?:far\\s+|hard\\s+|extreme\\s+|full\\s+|very\\s+)?" + with_side("side2") + not_intensifier + ")"
        "(?:[- ]hand)?(?:\\s+side)?(?:\\s+of\\s+(?:" + me + "|the\\s+stage|the\\s+scene))?"
        "(?:\\s+(?:ear|shoulder|cheek|temple|flank|side\\s+of\\s+(?:my|your|the)\\s+head))?",
        DirValue::Side);
    // game-audio shorthand: "L to R", "R->L" (capitals only, next to "to")
    dirs.emplace_back(Regex("(?<![\\w-])(?P<lr>[LR])(?=\\s+to\\s+[LR](?![\\w-]))|(?<=\\bto\\s)(?P<lr2>[LR])(?![\\w-])", false),
                      DirValue::Letter);
    dirs.back().first.needs_any({U"L", U"R"});
    // capitals standing for a side: "wind L, crickets R", "hard L", "on the R", "90R",
    // "slightly R", "pan it L"; and "C:" for the centre ("L: dripping tap. C: toothbrush")
    dirs.emplace_back(Regex("(?<![\\w'&./-])(?:(?P<slight>[Ss]lightly|a\\s+bit|a\\s+little|a\\s+touch|a\\s+lil|[Jj]ust)\\s+"
                            "(?:to\\s+(?:the\\s+)?)?|(?:[Hh]ard|[Ff]ar|[Ee]xtreme)\\s+|(?:(?:on|to|at|from)\\s+)?(?:the|my|your)\\s+|"
                            "(?P<num>\\d{1,3})\\s*)?(?P<lr>[LR])(?![\\w'&-]|\\.\\w)|(?<![\\w'&./-])(?<!\\w\\s)(?P<lrc>C)(?=\\s*:)|"
                            // "dead C", "pan C"; and "bass C" where the text pans others with L and R
                            "(?:(?<=dead\\s)|(?<=pan\\s)|(?<=panned\\s)|(?<=\\())(?P<lrc2>C)(?![\\w'&#-]|\\.\\w)|"
                            "(?<=\\w\\s)(?P<lrc3>C)(?![\\w'&#-]|\\.\\w)(?!\\s+(?:major|minor|sharp|flat))", false),
                      DirValue::Shorthand);
    dirs.back().first.needs_any({U"L", U"R", U"C"});
    // "fire crackle L90, clock tick R45": the side's letter, then its angle
    dirs.emplace_back(Regex("(?<![\\w'&./-])(?<=[a-z] )(?P<lr>[LR])(?P<num>\\d{2,3})(?=\\s*(?:[,;)\\n]|\\.(?!\\w)|$|and\\b))",
                            false), DirValue::Shorthand);  // (not "a Nissan R34 revs", "the R50 bus")
    dirs.back().first.needs_any({U"L", U"R"});
    // the same in lower case where it cannot be a word: "pan the tambourine 60r", "gtr 1 hard l"
    dirs.emplace_back(Regex("(?<![\\w'&./-])(?:(?P<num>\\d{1,3})|(?:hard|far|extreme)\\s+)(?P<lr>[lr])"
                            "(?=\\s*(?:[,.;:)\\n&]|$|and\\b))(?!\\.\\w)|(?:(?<=dead\\s)|(?<=pan\\s)|(?<=panned\\s))(?P<lrc>c)"
                            "(?=\\s*(?:[,.;:)\\n&]|$|and\\b))(?!\\.\\w)", false),
                      DirValue::Shorthand);
    // ("comes from right in front of you": "right" before "in front" says how near the front, after "from" too)
    dir("(?:straight|directly|dead|(?<!to )(?<!from )(?<!and )(?<!the )(?<!my )(?<!your )right|(?<=from )right(?=\\s+in\\s+front)|just|a\\s+little|a\\s+bit|slightly)?\\s*(?:ahead|in\\s+front)(?:\\s+of\\s+" + me + ")?|"
        "(?:the\\s+)?frontal\\s+(?:region|area|zone|field|direction|plane)|"
        "(?:" + poss + "\\s+)?(?:front|forward)(?:(?:\\s+|-|\\s*-\\s*)(?:and\\s+)?(?:centre|center|mid))?"
        // not "the front door bell rings on the left": a thing named with front
        "(?!\\s+(?:door|doors|doorbell|gate|porch|yard|garden|seat|seats|window|windows|wheel|wheels|desk|steps|"
        "entrance|bumper|office|lawn|deck|teeth|page|cover|counter|hall|room|stairs|tyre|tire|tires|tyres)\\b)|"
        "(?:the\\s+)?(?:dead\\s+)?(?:centre|center|middle)(?:\\s+stage)?|straight\\s+on|cent(?:er|r)ed|"
        // "hype man mid", "vox mid,": a mix engineer's middle, ending an item
        "(?<=[a-z] )mid(?=\\s*(?:[,.;)\\n]|$))|"
        // "directly across the table", "across from me": facing the listener
        "(?:straight|directly|dead)\\s+across(?:\\s+from\\s+" + me + "|\\s+the\\s+(?:room|table|aisle|hall|street|road|field|pitch|court|stage|lake|river|water|yard|square|way))?|"
        "across\\s+from\\s+" + me + "|"
        // "across the table from me": facing the listener
        "across\\s+the\\s+(?:room|table|aisle|hall|street|road|desk|counter|fire|campfire|circle)\\s+from\\s+" + me + "|"
        // "straight opposite me", "directly opposite us": facing the listener
        "(?:(?:straight|directly|dead|right)\\s+)?opposite\\s+" + me + "\\b",
        DirValue::Front);
    // "from the opposite side", "on the other side of me": where the sound before it is not (the
    // place is worked out from that sound in parse_prompt; 0 stands in for it here)
    dir("(?:on|from|to|at)\\s+the\\s+(?:other|opposite)\\s+side(?:\\s+of\\s+(?:me|you|us|the\\s+(?:listener|room)))?"
        "(?!\\s+of\\b)",
        DirValue::Front);
    dirs.back().first.needs_any({U"side"});
    // "behind the counter" places a sound behind something, not behind the listener
    // (a person's part says whose behind it is: "behind the audience's left shoulder", "the player's head")
    const std::string not_object = "(?!\\s+(?:the|a|an|some|his|her|their|its|this|that)\\s+(?!listener|head|back\\b|[\\w-]+'s\\b))";
    dir("(?:straight|directly|(?<!to )(?<!and )(?<!the )(?<!my )(?<!your )right|just)?\\s*behind(?:\\s+" + me + "(?!')|" + not_object + ")|(?<=at )(?:his|her|their)\\s+back(?![\\w-])(?!\\s+(?:of|door|doors|yard|garden|seat|seats|wall|room|porch)\\b)|"
        // "to my rear": where it is, as "to my left" is ("to the rear" may end a move)
        "(?:(?:directly|straight|right)\\s+)?to\\s+(?:your|my|our|his|her|their)\\s+rear(?![\\w-])(?!\\s+(?:left|right|window|door|wheel|seat|end)\\b)|"
        "(?:the\\s+)?(?:rear|back)\\s+of\\s+(?:the\\s+)?(?:room|hall|church|stage|space|house|bus|car|train|plane|"
        "aircraft|cabin|carriage|coach|tram|boat|ship|van|truck|cave|tunnel|classroom|class|theatre|theater|auditorium|"
        "bar|cafe|café|restaurant|shop|store|queue|line|crowd|building|garden|yard|court|arena|stadium|venue|gym|"
        "library|ward|tent|barn|shed|lift|elevator|" + me + ")|"
        "the\\s+rear|rear(?!\\s+(?:window|door|wheel|seat|end|view|light|lights|bumper|mirror|entrance|garden|of)\\b)|"
        "back(?=\\s*[:(])|(?<=far )back(?![\\w-])(?!\\s+(?:to|from|into|in|up|down|and|then|of))|(?<=at )back(?![\\w-])|(?<=to )back(?![\\w-])|(?<=from )back(?![\\w-])|(?:the|my|your|our)\\s+back(?!\\s+(?:of|door|doors|yard|garden|seat|seats|wall|room|porch|"
        "stairs|kitchen|office|alley|lane|street|pocket|end|burner|foot|legs?|teeth|stage)\\b)",
        DirValue::Behind);

    // "rain in back side", "from the backside": behind, as a learner may say it
    dir("(?:(?<=in )|(?<=at )|(?<=on )|(?<=from ))(?:the\\s+|my\\s+)?back\\s*side", DirValue::Behind);
    dirs.back().first.needs_any({U"back side", U"backside"});
    // "a dog whining in the back seat", "popcorn rustling on the back seats": behind, in a car
    // (not where the listener sits: "In the back seat: the radio ...", "I'm sitting in the back seat")
    dir("(?:(?<=in )|(?<=on )|(?<=from ))(?<!i'm in )(?<!sitting in )(?<!sat in )(?<!we're in )(?<!riding in )(?<!seated in )"
        "(?<!sit in )(?<!sits in )(?<!i am in )(?<!we are in )(?<!ride in )"
        "(?:the\\s+)?(?:back|rear)\\s+seats?(?!\\s*:)(?!\\s*,\\s*(?:i|we|you)\\b)", DirValue::Behind);
    dirs.back().first.needs_any({U"back seat", U"rear seat"});
    // "a cat fighting somewhere in back": behind, as American English says it
    dir("(?<=in )back(?=\\s*(?:[,.;!?)\\n]|$|and\\b|then\\b|while\\b))", DirValue::Behind);
    dirs.back().first.needs_any({U"in back"});
    // "behind the sofa", "behind the vehicle": behind something near the listener, so behind the
    // listener, unless the text places the sound otherwise ("behind the counter in front of me");
    // the tokenizer marks it weak (Tok::value "weak") and roles() drops it beside another place
    dir("behind(?=\\s+(?:the|a|an|some|his|her|their|its|this|that)\\s+(?!listener|head|back\\b|[\\w-]+'s\\b))",
        DirValue::Behind);
    dirs.back().first.needs_any({U"behind"});

    // elevation: "overhead", "above me", "from the ceiling", "high up"; "below", "beneath the floor"
    const std::string head = "(?:\\s+(?:me|you|us|the\\s+listener|(?:my|your|our|the\\s+listener's)\\s+heads?))?";
    const std::string under = "(?:\\s+(?:me|you|us|the\\s+listener|(?:the|my|your|our)\\s+(?:floor|floorboards|ground|feet|boards|deck|street|stage)))?";
    auto elev = [&](const std::string& p, double el) {
        elevs.emplace_back(Regex("(?<![\\w-])(?:" + p + ")(?![\\w-])", true), el);
    };
    // ("to my right above head height": a side, then a height)
    elev("(?:directly|(?<!my )(?<!your )(?<!our )(?<!the )(?<!to )(?<!degrees )(?<!degree )(?<!deg )right|straight|just)\\s+(?:overhead|above)" + head + "|overhead" + head +
         "|over\\s+(?:my|your|our|their|everyone's|everybody's|people's|(?:the\\s+)?[\\w-]+(?:'s|s'))\\s+heads?", kOverheadDeg);
    elev("(?:high\\s+|way\\s+|up\\s+)?above" + head + "|from\\s+above|"
         // a mix's height speakers: "choir pad in the overheads", "in the height channels", "top speakers"
         "(?:in|into|through|thru|across)\\s+the\\s+(?:overheads|heights|tops|height\\s+(?:channels|speakers|layer)|top\\s+(?:speakers|layer|channels)|ceiling\\s+speakers)|high\\s+up(?:\\s+in\\s+the\\s+(?:air|sky))?|up\\s+high|"
         "(?:up\\s+|high\\s+)?in\\s+the\\s+(?:sky|air|rafters|treetops)|(?:across|through|over)\\s+the\\s+sky|"
         // ("rain on the church roof", "rain on the skylight", "drumming on the tin roof")
         "(?:up\\s+)?(?:on|from|in|across)\\s+(?:(?:the|our|my)\\s+)?(?:(?:tin|church|car|cab|van|tent|shed|barn|glass|metal|"
         "iron|slate|flat|conservatory|greenhouse|caravan|studio|kitchen)\\s+)?(?:ceiling|roof|rooftops?|skylights?|awning|canopy)(?:\\s+above)?|"
         "(?:on|from)\\s+the\\s+(?:floor|storey|story|level|flat|apartment)\\s+above|upstairs|"
         "up(?=\\s+and\\s+(?:to|on|slightly|a\\s+bit|ahead|in\\s+front|behind|left|right|forward)\\b)|elevated|raised\\s+up|raised|up\\s+top|"
         "up(?=\\s+(?:in|at|on)\\s+(?:(?:the|a)\\s+(?:front|back|left|right|sky|air|trees?|corner|branch|branches|oak|pine|attic|loft|rafters|ledge|roof|tower)|trees|branches|the\\s+treetops)\\b)|(?<=at )up|"
         "(?<=in )up(?=\\s*(?:[,.;!?]|$|and\\b))|"
         "(?:mounted\\s+)?high\\s+(?:up\\s+)?on\\s+the\\s+(?:\\w+\\s+)?(?:wall|ceiling|pole|mast)", kAboveDeg);
    elev("(?<=at )down|(?<=in )down(?=\\s*(?:[,.;!?]|$|and\\b))|low(?=\\s*(?:and|in|,|&)\\s*(?:in\\s+)?(?:front|forward|behind|ahead|to|on|left|right|centre|center)\\b)|"
         // "rings out low on the right", "sits low to my left": a height before the side
         "(?<![\\w-])(?:down\\s+)?low(?=\\s+(?:on|to|at)\\s+(?:the|my|your|our)\\s+(?:left|right|front|back)\\b|\\s+(?:behind|ahead)\\b)",
         -kAboveDeg);
    // "ticking, center, slightly low.", "scratching in front, low", "centre and low": a height said
    // after the place, as its own item
    // (not "moving up and down", "deep and low": "and" only after a place)
    elev("(?:(?<=, )|(?<=,)|(?<=centre and )|(?<=center and )|(?<=front and )|(?<=left and )|(?<=right and )|"
         "(?<=ahead and )|(?<=behind and )|(?<=me and )|(?<=clock and )|(?<=degrees and ))"
         "(?:(?:slightly|a\\s+little|a\\s+bit|just|very|quite|fairly)\\s+)?(?:low|down)"
         "(?=\\s*(?:[,.;!?)\\n]|$))", -kAboveDeg);
    // "chirping front-left, up", "on my right and a bit higher", "on the left, higher up", "lower down"
    elev("(?:(?<=, )|(?<=,)|(?<=centre and )|(?<=center and )|(?<=front and )|(?<=left and )|(?<=right and )|"
         "(?<=ahead and )|(?<=behind and )|(?<=me and )|(?<=clock and )|(?<=degrees and ))"
         "(?:(?:slightly|a\\s+little|a\\s+bit|just|very|quite|fairly|way|much)\\s+)?(?:up|high|higher|up\\s+high|high\\s+up|higher\\s+up)(?=\\s*(?:[,.;!?)\\n]|$))|"
         "(?:a\\s+(?:little|bit)|slightly|somewhat)\\s+higher(?!\\s+than)|higher\\s+up(?!\\s+(?:the|a|an|than)\\b)|"
         "(?<!whole )(?<!the )(?<!that )(?<!this )(?<!my )(?<!our )(?<!their )way\\s+up(?=\\s*(?:[,.;!?)\\n]|$|(?:front|back|left|right|behind|ahead|to|on|in|at|over)\\b))", kAboveDeg);
    elevs.back().first.needs_any({U"up", U"high"});
    // "an owl on the right up", "a cricket to my left low": a bare height right after a side, ending the item
    elev("(?:(?<=left )|(?<=right )|(?<=front )|(?<=behind )|(?<=ahead )|(?<=o'clock ))(?:up|high)(?=\\s*(?:[,.;!?)\\n]|$))", kAboveDeg);
    elevs.back().first.needs_any({U"up", U"high"});
    elev("(?:(?<=left )|(?<=right )|(?<=front )|(?<=behind )|(?<=ahead ))(?:low|down)(?=\\s*(?:[,.;!?)\\n]|$))", -kAboveDeg);
    elevs.back().first.needs_any({U"low", U"down"});
    elev("(?:(?<=, )|(?<=,)|(?<=centre and )|(?<=center and )|(?<=front and )|(?<=left and )|(?<=right and )|"
         "(?<=ahead and )|(?<=behind and ))(?:(?:slightly|a\\s+little|a\\s+bit|just|very|quite|fairly|much)\\s+)?"
         "lower(?=\\s*(?:[,.;!?)\\n]|$))|"
         "(?:a\\s+(?:little|bit)|slightly|somewhat)\\s+lower(?!\\s+than)|lower\\s+down(?!\\s+(?:the|a|an|than)\\b)",
         -kAboveDeg);
    elevs.back().first.needs_any({U"lower"});
    // "near the ceiling", "at knee height", "low to the ground"
    elev("(?:near|by|close\\s+to|just\\s+below|under|up\\s+by|up\\s+near)\\s+the\\s+ceiling", kAboveDeg);
    elevs.back().first.needs_any({U"ceiling"});
    elev("(?:at\\s+)?(?:knee|waist|hip|ankle|shin)[- ](?:height|level)|low\\s+to\\s+the\\s+(?:ground|floor)|"
         "(?:close|near)\\s+to\\s+the\\s+(?:ground|floor)", -kAboveDeg);
    elevs.back().first.needs_any({U"height", U"level", U"ground", U"floor"});
    // "my cat purring on my lap": below the ears, in front
    elev("(?:on|in)\\s+(?:my|your|our|his|her|their|the\\s+listener's)\\s+laps?(?![\\w-])", -kAboveDeg);
    elevs.back().first.needs_any({U"lap"});
    elev("down\\s+low|low\\s+down|(?:near|on|at|from)\\s+(?:the\\s+)?(?:floor|ground)(?:\\s+level)?|(?:floor|ground)\\s+level", -kAboveDeg);
    // a floor down or a place under the listener: "downstairs", "in the cellar", "at my feet", "under the bed"
    elev("downstairs|(?:in|from|down\\s+in)\\s+the\\s+(?:basement|cellar|crawl\\s*space)|"
         "(?:at|by|near|around|round)\\s+(?:my|your|our|his|her|their|the\\s+listener's|the\\s+player's)\\s+feet|"
         "(?:under|underneath|beneath)\\s+(?:the|my|your|our)\\s+(?:floor|floorboards|boards|bed|ground|deck|table|desk|chair|seat)",
         -kAboveDeg);
    elevs.back().first.needs_any({U"downstairs", U"basement", U"cellar", U"crawl", U"feet", U"under", U"beneath"});
    // "sand trickling underfoot", "gravel crunching under my tyres", "under the player the bridge cracks"
    elev("underfoot|under\\s+foot|(?:under|beneath|underneath)\\s+(?:my|your|our|their|his|her|the)\\s+"
         "(?:tyres|tires|wheels|boots|shoes|skates|skis|paws|hooves)|(?:under|beneath|underneath)\\s+the\\s+"
         "(?:player|listener|user|camera|audience)(?!'s)", -kAboveDeg);
    elevs.back().first.needs_any({U"under", U"beneath"});
    // "geese flying over me", "the dragon swoops over the party", "wind blowing from up"
    // "passes over the top of the head", "over my head"
    elev("(?<=over )(?:(?:the\\s+top\\s+of\\s+)?(?:me|us|you)|(?:the\\s+)?(?:listener|player|party|audience|crowd|camera|group|heads)|"
         "(?:the\\s+top\\s+of\\s+)?(?:my|your|our|the|the\\s+listener's|the\\s+player's)\\s+heads?)(?![\\w'-])|"
         "from\\s+up(?=\\s*(?:[,.;!?]|$|and\\b))", kAboveDeg);
    elevs.back().first.needs_any({U"over ", U"from up"});
    // "passes over the top from behind", "goes over the roof front to back", "flew over the lookout": what
    // passes over a thing the listener is under or beside goes above; "flying over from behind me"
    elev("(?<=over )(?:the\\s+)?(?:top|roof|rooftops?|house|houses|building|lookout|tent|cab|hall|tower|treetops)"
         // (not "over the top of the strings", "an over the top laugh", "over the house fence")
         "(?=\\s*(?:[,.;!?]|$)|\\s+(?:from|to|and|then|front|back|left|right|toward|towards|at|in|on|into|away|behind|ahead)\\b)|"
         "(?:(?<=flying )|(?<=flies )|(?<=flew )|(?<=fly )|(?<=passes )|(?<=passing )|(?<=goes ))over"
         "(?=\\s+(?:from|and|then)\\b|\\s*[,.;!?]|\\s*$)", kAboveDeg);
    elevs.back().first.needs_any({U"over"});
    // "rain on the top speakers only", "granular rain, ceiling speakers only": the speakers above
    elev("(?:ceiling|top|height|overhead|upper)\\s+(?:speakers?|channels?|layer|array)(?![\\w-])", kAboveDeg);
    elevs.back().first.needs_any({U"speaker", U"channel", U"layer", U"array"});
    // "rain tapping the roof", "hail drumming the skylight": what beats on a roof overhead
    elev("(?:(?<=tapping )|(?<=drumming )|(?<=pattering )|(?<=hammering )|(?<=pounding )|(?<=lashing )|(?<=beating )|"
         "(?<=battering )|(?<=pelting ))the\\s+(?:roof|skylight|ceiling|awning|tarp|tent|canopy)(?![\\w-])", kAboveDeg);
    elevs.back().first.needs_any({U"roof", U"skylight", U"ceiling", U"awning", U"tarp", U"tent", U"canopy"});
    // "one bird on top of the car", "the rain starting on top": above the listener's place
    elev("on\\s+top(?:\\s+of\\s+(?:the|my|our|your|a|an)\\s+(?:car|van|bus|truck|roof|house|tent|cabin|hut|shed|caravan|"
         "building|tower|wardrobe|cupboard|fridge|shelf|bookcase|head|jeep|boat))?(?!\\s+of\\b)(?![\\w-])", kAboveDeg);
    elevs.back().first.needs_any({U"on top"});
    // "arrows whistle down out of the sky", "thunder from the sky", "mice in the attic"
    elev("(?:out\\s+of|from|down\\s+from)\\s+the\\s+(?:sky|clouds|heavens)|(?:in|from)\\s+the\\s+(?:attic|loft)", kAboveDeg);
    elevs.back().first.needs_any({U"sky", U"clouds", U"heavens", U"attic", U"loft"});
    elev("(?:directly|(?<!my )(?<!your )(?<!our )(?<!the )(?<!to )(?<!degrees )(?<!degree )(?<!deg )right|straight|just)\\s+(?:below|beneath|underneath|under)" + under, -kOverheadDeg);
    elev("(?:at\\s+)?(?:(?:" + poss + ")\\s+)?(?:ear|head)\\s+(?:level|height)", 0.0);
    elev("(?:high|up)\\s+(?:up\\s+)?(?:in|on|among|above)\\s+the\\s+(?:canopy|trees|treetops|branches|rafters|gallery|balcony|"
         "loft|attic|clouds|hills)|(?:in|from)\\s+the\\s+(?:canopy|gallery|balcony|rafters|loft)|"
         // "singing high in the oak", "hovering high on the right side"
         "high(?=\\s+(?:up\\s+)?(?:in|on|among|above|atop)\\s+(?:the|a|an|its|their|his|her)\\b)", kAboveDeg);
    // "elevation +40 degrees", "at an elevation of -30", "el 20": the number itself (NaN: read it)
    elev("(?:at\\s+)?(?:an?\\s+)?(?:elevation|elev|el|height\\s+angle)\\s*(?:of\\s+|=\\s*|:\\s*)?(?P<num>" + num + ")"
         "(?:\\s*(?:degrees?|degs?|\\u00b0))?", std::nan(""));
    elevs.back().first.needs_any({U"elev", U"el ", U"height"});
    elev("(?:down\\s+)?(?:below|beneath|underneath)" + under + "|under\\s+(?:(?:the|my|your|our|their|his|her)\\s+)?(?:(?:exam|kitchen|dining|coffee|work|old|wooden|big|little)\\s+)?(?:floor|floorboards|ground|feet|seat|seats|chair|bed|desk|table|bench|couch|sofa|stage|seating|bleachers|boardwalk|"
         // "snow chains clatter under the car", "ice clinking in the cooler under my stall"
         "(?:car|van|truck|lorry|bus|train|carriage|platform|pier|dock|jetty|boat|hull|stall|counter|cart|trolley|caravan|"
         "sink|workbench|decking|porch|machine|machines|conveyor|press|engine|lift|elevator|floorboard|"
         // "brown noise from under the pillow", "mice under the cab", "a phone under the mattress" (not what
        // covers a sound: "under the blanket")
         "pillow|pillows|mattress|cab|cockpit|saddle|sledge|sled|hammock|bunk|cot|crib|pram|stroller|"
         "buggy|wheelchair|sun\\s*lounger|deckchair)"
         // (the thing itself, not "under the train station roof", "under the engine noise")
         "(?=\\s*(?:[,.;!?]|$)|\\s+(?:and|with|to|on|in|at|behind|beside|near|while|as|from|then|left|right|ahead|"
         "front|somewhere|i|we|the|a|is|are|was|were)\\b))(?![\\w-])|"
         // "a cello drone that passes under the seating", "rolls underneath the audience"
         "(?<=passes )under|(?<=passing )under|(?<=passed )under|(?<=goes )under|(?<=rolls )under|(?<=rolling )under|"
         "under\\s+(?:me|you|us|the\\s+listener)|"
         "from\\s+below|downstairs|underground|(?:on|from)\\s+the\\s+(?:floor|storey|story|level|flat|apartment)\\s+below|"
         "(?:down\\s+)?(?:at|by|near|around|beside)\\s+(?:my|your|our|their|his|her)\\s+feet", -kAboveDeg);
    // "elev up", "elevation: up", "el = down", "height: low": a height field said in words
    elev("(?:elev|elevation|el|height)\\s*(?:[:=]\\s*|of\\s+|is\\s+)?(?:up|high|above|raised|overhead)", kAboveDeg);
    elevs.back().first.needs_any({U"el", U"height"});
    elev("(?:elev|elevation|el|height)\\s*(?:[:=]\\s*|of\\s+|is\\s+)?(?:down|low|below|lowered)", -kAboveDeg);
    elevs.back().first.needs_any({U"el", U"height"});
    elev("(?:elev|elevation)\\s*(?:[:=]\\s*|of\\s+|is\\s+)?(?:zero|level|flat|ear\\s+level)", 0.0);
    elevs.back().first.needs_any({U"elev"});
    // "upper left", "the lower right corner": a side and a height
    // "at eight o'clock high", "bandit, two o'clock low": a pilot's clock, a height after the hour
    elev("(?<=o'clock )high(?![\\w-])|(?<=oclock )high(?![\\w-])|(?<=o clock )high(?![\\w-])", kAboveDeg);
    elevs.back().first.needs_any({U"clock high"});
    elev("(?<=o'clock )low(?![\\w-])|(?<=oclock )low(?![\\w-])|(?<=o clock )low(?![\\w-])", -kAboveDeg);
    elevs.back().first.needs_any({U"clock low"});
    elev("upper(?=\\s+(?:left|right|front|back|rear)\\b)", kAboveDeg);
    elevs.back().first.needs_any({U"upper"});
    elev("lower(?=\\s+(?:left|right|front|back|rear)\\b)", -kAboveDeg);
    elevs.back().first.needs_any({U"lower"});

    metres = std::make_unique<Regex>(
        "(?<![\\w-])(?:(?:at\\s+)?(?:a\\s+)?distance\\s*(?:of\\s+|=\\s*|:\\s*)?|(?:about|around|roughly|maybe|some|approximately|"
        "approx\\.?|only|just|~)\\s*)?(?P<num>" + num + ")\\s*(?:(?P<m>m|metres?|meters?|mtrs?)|(?P<ft>feet|foot|ft))(?![\\w-])"
        "(?:\\s+(?:away|off|out|distant|from\\s+" + me + "))?", true);
    metres->needs_any({U"0", U"1", U"2", U"3", U"4", U"5", U"6", U"7", U"8", U"9", U"metre", U"meter", U"feet", U"foot",
                       U"ft", U"mtr"});
    // a full circle: "in one full clockwise circle", "circles around me", "flies all the way round you"
    const std::string turn = "(?:clockwise|counter-?clockwise|anti-?clockwise)";
    const std::string centre = "(?:me|you|us|them|everyone|everybody|all\\s+of\\s+us|(?:the\\s+)?(?:listener|players?|user|camera|audience|visitors?|guests?|viewers?)|"
                               "(?:my|your|our|the\\s+listener's|the\\s+player's|the)\\s+(?:whole\\s+|entire\\s+)?heads?|the\\s+whole\\s+thing|"
                               "the\\s+(?:whole\\s+|entire\\s+)?(?:room|dance\\s*floor|stage|car|house|space|arena|hall|field|"
                               "track|stadium|ring|pitch|court|circuit|velodrome)|(?:my|your|our|the|his|her|their)\\s+(?:chair|seat|bed|desk|table|couch|sofa|bench|"
                               "recorder|mic|microphone|dummy\\s+head|tent|camp|campsite|campfire|fire|team|group|boat|raft))";
    const std::string round_me = "(?:(?:a)?round\\s+and\\s+)?(?:a)?round\\s+" + centre;
    circle = std::make_unique<Regex>(
        "(?<![\\w-])(?:(?:in\\s+)?(?:a|one|1)\\s+(?:(?:full|complete|whole|wide|slow|fast|big|single)\\s+)*(?:" + turn + "\\s+)?"
        "(?:circle|revolution|orbit|lap|loop)(?:\\s+" + round_me + ")?|"
        // "doing 1 full rotation around listener"
        "(?:a|one|1)\\s+(?:full\\s+|complete\\s+|whole\\s+)?rotation\\s+(?:a)?round\\s+(?:the\\s+)?(?:listener|me|us|you|player|user|head)(?![\\w-])|"
        "(?:circles?|circling|circled|go|goes|going|went|flies|flying|flew|moves|moving|travels|travelling|spins|spinning|"
        "orbit|spin|revolve|fly|move|travel|whirl|swirl|loop|rotate|sweep|spiral|swept|"
        "spirals|spiralling|spiraling|spiraled|spiralled|revolves|revolving|"
        "orbits|orbiting|buzzes|buzzing|whirls|whirling|swirls|swirling|loops|looping|rotates|rotating|rotated|"
        "sweeps|sweeping|pans|panning|turn|turns|turning|runs|running|walks|walking|chugs|chugging|drives|driving|"
        "rides|riding|marches|marching|races|racing|flapping|fluttering|darting|swooping|zooming|whizzing|dancing|hopping|"
        "scurrying|skittering|galloping|flits|flitting)\\s+(?:" + turn + "\\s+)?"
        "(?:(?:all\\s+the\\s+way|all|right|once|one\\s+time|slowly|quickly|gently|lazily)\\s+)*" + round_me + "(?:\\s+" + turn + ")?|"
        "(?:(?:a|one)\\s+)?(?:full|complete|whole)\\s+(?:" + turn + "\\s+)?(?:circle|revolution|turn|round|loop|lap|orbit)s?"
        "(?:\\s+" + round_me + ")?|"
        "(?:(?:a|one)\\s+)?(?:full\\s+|complete\\s+|whole\\s+)?circuits?\\s+" + round_me + "|"
        // "the kids run rings around me", "a fly buzzing in circles above me" (not "bells ring around me")
        "(?:(?<=run )|(?<=runs )|(?<=running )|(?<=ran ))rings\\s+" + round_me + "|"
        "(?<![\\w-])(?<!sitting )(?<!sit )(?<!sat )(?<!sits )(?<!standing )(?<!stand )(?<!stood )(?<!seated )(?<!arranged )"
        "(?<!gathered )(?<!placed )(?<!set )(?<!laid )(?<!lined )in\\s+circles?(?![\\w-])|"
        // "a hummingbird zips once around the listener's head": any verb, once round
        "(?<=[a-z]s |[a-z]d |ng |pt |nt )(?:once|one\\s+time)\\s+" + round_me + "|"
        // "a seagull circles once above us", "circling once": a circling verb and how many times is a circle
        // with no centre named
        "(?:circles|circle|circling|circled|wheels|wheeling|wheeled|orbits|orbiting|orbited)(?=\\s+(?:once|one\\s+time)(?![\\w-]))|"
        "all\\s+the\\s+way\\s+" + round_me + "|"
        // "a bee that buzzes all the way around the kids", "circles the table once": a group or a table the
        // listener is at, when the text says it goes all the way round or how many times
        "all\\s+the\\s+way\\s+(?:a)?round\\s+the\\s+(?:kids|children|students|pupils|class|family|group|table)(?![\\w-])|"
        "(?:a)?round\\s+the\\s+(?:kids|children|students|pupils|class|family|group|table)(?=\\s+(?:once|one\\s+time)\\b)|"
        "(?:circles|circling|circled)\\s+the\\s+(?:kids|children|students|class|table)(?=\\s+(?:once|one\\s+time)\\b)|"
        "(?:circles|circle|circling|circled|orbits|orbit|orbiting|orbited)\\s+" + centre + "|(?:a)?round\\s+and\\s+(?:a)?round|"
        // "spinning 360 degrees around the listener", "a full 360"
        // (not the format: "a 360 mix", "360-degree audio", "360 video")
        "(?:(?:a\\s+)?(?:full\\s+)?360(?:\\s*(?:degrees?|degs?|\\u00b0))?(?![\\s-]*(?:mix|mixes|audio|video|videos|sound|soundscape|"
        "format|experience|view|camera|recording|render|version|spatial|immersive|binaural|ambisonic|vr|panorama|photo)\\b)(?:\\s+" + round_me + ")?)|"
        // "in a slow ring around me"; "gulls circling overhead" (the height stays a word of its own)
        "(?:in\\s+)?a\\s+(?:\\w+\\s+)?ring\\s+" + round_me + "|"
        "(?:circles|circle|circling|circled|wheeling|wheel|wheels)(?=\\s+(?:slowly\\s+|lazily\\s+)?(?:overhead|above|up\\s+above|"
        "high\\s+above|high\\s+overhead|in\\s+the\\s+sky)(?![\\w-]))|"
        // "gulls circling round overhead", "a hawk circling around."
        "(?:circles|circle|circling|circled|wheeling|wheels)\\s+(?:a)?round(?=\\s+(?:slowly\\s+|lazily\\s+)?(?:overhead|above|"
        "up\\s+above|high|in\\s+the\\s+sky)(?![\\w-])|\\s*[,.;!?\\n]|\\s*$)|"
        // "the dragon circles the tower", "circles over me", "orbit a beacon": a circling verb with what
        // it goes round (a circle named beside a place stays there: see resolve's in_place)
        "(?:circles|(?<!a )(?<!the )(?<!one )circle|circling|circled|orbits|orbiting|orbited|orbit)(?=\\s+(?:(?:over|above)\\s+)?(?:the|a|an|his|her|their|our|"
        "my|your|me|us|you|him|them)(?![\\w'-]))|"
        // "a horse runs around me one time", "the wind goes round the whole hall once": any way of going
        // round, when the text says how many times
        "(?:go|goes|going|went|run|runs|running|ran|fly|flies|flying|flew|blow|blows|blowing|blew|move|moves|moving|"
        "moved|travels|travel|travelled|traveled|travelling|traveling|walk|walks|walking|walked|drive|drives|driving|"
        "drove|gallops|gallop|galloping|galloped|race|races|racing|raced|swoops|swooping|swooped|buzz|buzzes|buzzing|"
        "buzzed|spin|spins|spinning|dance|dances|dancing|danced|wanders|wander|wandering|wandered|scrapes|scraping|"
        "drifts|drift|drifting|drifted|marches|marching|rolls|rolling|stomps|stomping|circles|circling|circled|float|"
        "[a-z]+(?:s|ing|ed))"
        "\\s+(?:(?:its|his|her|their)\\s+way\\s+)?(?:all\\s+the\\s+way\\s+|(?:all|slowly|quickly|gently|lazily|right)\\s+)?(?:a)?round"
        "(?=(?:\\s+[\\w'-]+){0,5}?\\s*,?\\s+(?:once|one\\s+(?:full\\s+)?time|in\\s+(?:a\\s+)?(?:full\\s+)?circle)(?![\\w-])))"
        "(?![\\w-])", true);
    circle->needs_any({U"circl", U"round", U"revolution", U"orbit", U"turn", U"wheel", U"360"});
    const std::vector<std::string> indoor_nouns =
        cat({split(kIndoorNouns), keyed(V.room_nouns, "small"), keyed(V.room_nouns, "moderate"),
             keyed(V.room_nouns, "large"), V.large_nouns, V.church_nouns});
    const std::string nouns = alt(cat({split(kOutdoorNouns), indoor_nouns}));
    const std::string after =
        "(?=\\s*(?:[,.;:!?)]|$|\\s(?:and|while|with|where|as|to|on|at|in|from|the|a|an|there|you|we|i|someone|"
        "somebody|people|far|near|close|nearby|behind|ahead|left|right|so|which|full|filled|is|are)\\b))";
    room_place = std::make_unique<Regex>(
        "(?<![\\w-])(?:in|inside|within|on|at|across|through|out\\s+in|outside\\s+in|of|into|around)\\s+"
        "(?:(?:a|an|the|this|that|my|our|some|one|their|his|her)\\s+)?"
        "(?P<adjs>(?:(?!(?:in|on|at|of|a|an|the|to|from|left|right|front|centre|center|middle|ahead|behind)\\b)[\\w-]+,?\\s+){0,3}?)"
        "(?P<noun>" + nouns + ")" + after, true);
    room_plain = std::make_unique<Regex>(
        "(?<![\\w-])(?:outdoors|outside|outdoor|in\\s+the\\s+open(?:\\s+air)?|out\\s+in\\s+the\\s+open|open\\s+air|"
        "in\\s+nature|out\\s+of\\s+doors|indoors|inside|indoor)(?![\\w-])", true);

    for (const auto& sw : kSpeedSynonyms) {
        const Phrases& shared = std::string(sw[0]) == "moderate" ? V.moderate_adverbs : keyed(V.speed_adverbs, sw[0]);
        words.push_back({Regex(words_rx(cat({shared, split(sw[1])})), true), Kind::Speed, sw[0]});
    }
    for (const auto& sv : kSpeedVerbSynonyms) {
        std::vector<VerbForms> shared;
        for (const auto& [cls, verbs] : V.speed_verbs)
            if (cls == sv[0]) shared = verbs;
        words.push_back({Regex(words_rx(cat({verb_forms(shared), split(sv[1])})), true), Kind::SpeedVerb, sv[0]});
    }
    std::vector<std::string> change;
    for (const auto& dc : V.distance_change)
        for (const auto& p : dc.phrases) {
            change.push_back(p);
            dist_change_end[from_utf8(p)] = dc.to;
        }
    for (const auto& dc : kDistChangeSynonyms) {
        change.push_back(dc[0]);
        dist_change_end[from_utf8(dc[0])] = dc[1];
    }
    words.push_back({Regex(words_rx(cat({verb_forms(V.approach_verbs), split(kApproachSynonyms)})), true), Kind::Approach, ""});
    words.push_back({Regex(words_rx(cat({verb_forms(V.recede_verbs), split(kRecedeSynonyms)})), true), Kind::Recede, ""});
    words.push_back({Regex(words_rx(cat({keyed(V.passing, "behind"), keyed(V.passing, "front"), split(kPassingBehind),
                                         split(kPassingFront)})), true), Kind::Passing, ""});
    words.push_back({Regex(words_rx(cat({verb_forms(V.neutral_verbs), split(kMoveSynonyms)})), true), Kind::Move, ""});
    words.push_back({Regex("(?<![\\w-])(?:(?:the|a)\\s+)?(?P<adj>distant|faraway|far-off|nearby)\\s+sounds?\\s+of(?![\\w-])", true),
                     Kind::DistOf, ""});
    words.push_back({Regex(words_rx(change), true), Kind::DistChange, ""});
    // "next to the listener's left ear" names a side: not "next to the listener" and a stray "'s"
    words.push_back({Regex(words_rx(near_words()) + "(?!')", true), Kind::Dist, "near"});
    words.push_back({Regex(words_rx(far_words()), true), Kind::Dist, "far"});
    words.push_back({Regex(words_rx(cat({V.moderate_phrases, split(kModerateSynonyms)})), true), Kind::Dist, "moderate"});
    // "starting behind me", "starts hard left": a start named with no preposition (before the
    // fillers, which hold "starting" too)
    words.push_back({Regex("(?<![\\w-])(?:starting|starts|started|start)(?=\\s+(?:(?:behind|back|rear|front)-(?:left|right)|behind|ahead|left|right|straight|directly|dead|hard|"
                           "far|just|slightly|(?:at\\s+)?(?:my|your|our|their|his|her)\\s+(?:left|right|back))(?![\\w-]))", true),
                     Kind::From, ""});
    words.back().rx.needs_any({U"start"});
    // a request, however it is put: "can u make", "could you please render", "I need you to create",
    // "pls generate", "make me": what follows is the sound
    words.push_back({Regex("(?<![\\w-])(?:(?:(?:(?:please|pls|plz)\\s+)?(?:can|could|would|will|cn|cud|cld|wud|can't|could't)\\s+"
                           "(?:you|u|ya|ye|someone|somebody|anyone|anybody)\\s+(?:(?:please|pls|plz|maybe|just|quickly)\\s+)?|"
                           "(?:i\\s+(?:need|want|would\\s+like)|i'd\\s+like|i\\s+wanna|i\\s+wan)\\s+(?:you|u|ya)\\s+to\\s+(?:please\\s+)?|"
                           "(?:please|pls|plz)\\s+(?=(?:make|do|generate|create|render|produce|play|synthesi[sz]e|simulate|build|"
                           "mix|design|gen|generat|mak)\\b))"
                           "(?:make|do|generate|create|render|produce|play|synthesi[sz]e|simulate|build|mix|design|give|put|add|get|"
                           "gen|generat|mak)(?:\\s+(?:me|us))?|"
                           "(?:make|create|render|produce|generate|synthesi[sz]e|simulate)\\s+(?:me|us))(?![\\w-])", true),
                     Kind::Filler, ""});
    words.back().rx.needs_any({U"you", U"u ", U"ya", U"ye", U"please", U"pls", U"plz", U" me", U" us", U"someone", U"somebody",
                               U"anyone", U"anybody"});
    // "make birds sing above me", "Put the TV in front of me", "add a door creaking": a request that
    // opens the text or a sentence
    words.push_back({Regex("(?:^|(?<=\\. )|(?<=\\n)|(?<=! ))\\s*(?:(?:please|pls|plz)\\s+)?(?:make|create|generate|render|produce|"
                           "add|put|play|place|spawn|simulate|synthesi[sz]e|present|trigger|insert)(?![\\w-])(?!\\s+(?:it|them|sure|this|that)\\b)|"
                           // "Picture a dog ...", "Design a soundscape with ...", "Can we get ...": asked another way
                           "(?:^|(?<=\\. )|(?<=\\n)|(?<=! ))\\s*(?:picture|design|compose|try)(?=\\s+(?:a|an|the|some|two|three|me|someone|somebody)\\b)|"
                           "(?<![\\w-])(?:can|could|may)\\s+(?:we|i)\\s+(?:please\\s+)?(?:get|have|hear)(?![\\w-])|"
                           // "how do I make the rain come from behind me", "how can we get a bell on the left"
                           "(?<![\\w-])how\\s+(?:do|can|could|would|should)\\s+(?:i|we|you|u)\\s+(?:make|get|put|have|add|create|place)(?![\\w-])|"
                           // "don't forget the kettle behind me"
                           "(?:^|(?<=\\. )|(?<=\\n)|(?<=! )|(?<=, ))\\s*(?:and\\s+)?(?:don't|dont|do\\s+not)\\s+forget(?:\\s+(?:to\\s+add|about))?(?![\\w-])", true),
                     Kind::Filler, ""});
    words.back().rx.needs_any({U"make", U"creat", U"generat", U"render", U"produc", U"add", U"put", U"play", U"place",
                               U"spawn", U"simulat", U"synthe", U"present", U"trigger", U"insert", U"picture", U"design",
                               U"compose", U"try", U"we ", U"i ", U"forget", U"how "});
    words.push_back({Regex(words_rx(fillers()), true), Kind::Filler, ""});
    words.push_back({Regex("(?<![\\w-])(?:from|starting\\s+(?:at|from|on|in)|starts\\s+(?:at|from|on|in)|started\\s+(?:at|from|on|in)|start\\s+(?:at|from|on|in)|"
                           "(?:onset|beginning|begins|starting\\s+point|initial\\s+position)\\s*(?:at|from|:)?|"
                           // "enters at 3 o'clock, exits at 9": where it comes in starts the move
                           "(?:enters|enter|entering|entered)\\s+(?:at|on|from))(?![\\w-])", true),
                     Kind::From, ""});
    // a target: "to", and verbs that end a move somewhere ("stops in front", "ends up on the left")
    words.push_back({Regex("(?<![\\w-])(?:(?:all\\s+the\\s+way\\s+)?(?:over|across|round|around)\\s+to|all\\s+the\\s+way\\s+to|round\\s+to|around\\s+to|to|towards|toward|"
                           "into|onto|until|till|up\\s+to|(?:offset|ending|ends|end\\s+point|final\\s+position)\\s*(?:at|:)|"
                           "ends\\s+up|ending\\s+up|ended\\s+up|end\\s+up|(?:end|ended)\\s+at|ending|ends|stop|stops|stopping|stopped|halts|halting|disappears|disappearing|disappeared|vanishes|"
                           "vanishing|vanished|comes\\s+to\\s+(?:a\\s+)?(?:stop|halt|rest)|"
                           "pulls\\s+up|pulling\\s+up|settles|settling|exits|exit|exiting|exited|finishes|finishing|finished)(?![\\w-])", true),
                     Kind::To, ""});
    words.push_back({Regex("(?<![\\w-])(?<!followed )(?<!accompanied )(?<!answered )(?<!joined )(?<!echoed )"
                           "(?<!interrupted )(?:by|past)(?![\\w-])", true), Kind::By, ""});
    hard = std::make_unique<Regex>(
        // sentence ends, line breaks, list bullets and numbers ("1)"), and " / ", " | ", " + ", " - "
        // between two items (emoji became line breaks in normalise_symbols)
        "(?<!approx)[.!?;:]+(?=\\s|$)|[\\n\\r]+|(?<=\\s)(?:[/|+*~=#>\\u2022\\u00b7\\u25aa\\u2023\\u25e6]+|-{1,3})(?=\\s)|"
        "^\\s*[-*\\u2022\\u00b7\\u25aa\\u2023\\u25e6](?=\\s)|(?<![\\w.])\\(?(?:\\d{1,2}|[a-h])\\)(?=\\s)|(?<![\\w-])(?:while|whilst|meanwhile|whereas|at\\s+the\\s+same\\s+time|in\\s+addition|"
        "simultaneously|additionally|also|as\\s+well\\s+as|plus|at\\s+once)(?![\\w-])", true);
    soft = std::make_unique<Regex>(
        ",|&|(?<![\\w-])(?:and|n|then|but|followed\\s+by|accompanied\\s+by|answered\\s+by|joined\\s+by|echoed\\s+by|"
        "interrupted\\s+by|after\\s+that|afterwards|as|before|after|with)(?![\\w-])", true);
    word = std::make_unique<Regex>("[\\w'\\-\\u00c0-\\uffff]+|[^\\w\\s]", false);
    article = std::make_unique<Regex>("^(?:a|an|the|another)\\s+", true);
    adj_words = std::make_unique<Regex>("[\\w-]+", false);

    auto to_set = [](const std::vector<std::string>& v) {
        std::set<u32> s;
        for (const auto& w : v) s.insert(from_utf8(w));
        return s;
    };
    outdoor = to_set(split(kOutdoorNouns));
    large = to_set(cat({split(kLargeNouns), V.large_nouns, V.church_nouns}));
    small = to_set(split(kSmallNouns));
    church = to_set(cat({V.church_nouns, split(kChurchSynonyms)}));
    small_adj = to_set(cat({keyed(V.room_size_adjectives, "small"), split(kSmallAdjSynonyms)}));
    large_adj = to_set(cat({keyed(V.room_size_adjectives, "large"), split(kLargeAdjSynonyms)}));
    moderate_adj = to_set(cat({keyed(V.room_size_adjectives, "moderate"), split(kModerateAdjSynonyms)}));
    reverb_adj = to_set(cat({V.reverb_adjectives, split(kReverbAdjSynonyms)}));
    dry_adj = to_set(cat({V.dry_adjectives, split(kDrySynonyms)}));
    glue = to_set(split(kGlue, ' '));

    for (const auto& d : dirs) ok = ok && d.first.ok();
    for (const auto& e : elevs) ok = ok && e.first.ok();
    ok = ok && circle->ok() && metres->ok();
    for (const auto& w : words) ok = ok && w.rx.ok();
    ok = ok && room_place->ok() && room_plain->ok() && hard->ok() && soft->ok() && word->ok() && article->ok();
}

const Patterns& patterns() {
    static const Patterns p;  // built once (C++11 magic statics are thread-safe)
    return p;
}


}  // namespace bewo::rt::prompt_detail
