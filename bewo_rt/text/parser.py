"""Local text-to-scene parser: English prompt -> Scene, with no network and no language model.

    parse("a dog barks on the left while a car passes from right to left") -> Scene
    parse_dict(text) -> the JSON form (Scene.to_dict() plus derived class fields, below)

How it works (rules, not learning): every phrase the vocabulary knows (directions, degrees, clock
positions, distances, speeds, motion verbs, room/place phrases, fillers such as "you can hear") is
found first, longest match first, so a phrase that contains a comma ("in front, slightly to the
left") or "and" ("ahead and to the left") stays whole. The rest of the text is cut at sentence ends,
";", "while", "meanwhile", ... (hard breaks) and at commas, "and", "then" (soft breaks). A piece that
still holds words the vocabulary does not know names a sound and starts a source; a piece without
such words (", far away", "then suddenly jumps to the left") belongs to the source before it in the
same clause, or to the next one when it comes first ("To the left, a man speaks"). The vocabulary
is shared with bewo_rt.text.captions (its tables are imported, not copied) and extended with
everyday synonyms.

Per source:
    direction  the first direction stated is the start. A source moves when it has a motion verb
               ("moves", "passes", "drifts", "jumps", ...) or a "from X to Y" pair, and a second
               direction (or a "to/towards X" target; with only a target the start is the front).
               "passes (by) from X" with no target ends mirrored on the other side; "approaches /
               comes closer" keeps the azimuth and goes from far to near; "moves away / recedes"
               goes to far. Words give BEWO's representative azimuths: left -90, front-left -45
               ("slightly left", "left of centre": -30), front 0, front-right 45, right 90,
               behind-left -135, behind 180, behind-right 135 (every value lies inside the class of
               captions.direction_words_class). Degrees are exact ("30 degrees to the right" 30,
               "an azimuth of 75 degrees" 75, "-45 degrees" -45); "at 2 o'clock" is 30 * hour.
               Unstated: front (0), still.
    speed      a speed word or speed verb of the source (captions.SPEED_ADVERBS / SPEED_VERBS plus
               synonyms); a moving source without one is "moderate"; a still source is "still"
               even when it has a speed word ("glass shatters suddenly").
    distance   near / moderate / far from distance words ("next to", "close", "nearby", "far away",
               "distant", "in the distance", ...); unstated: moderate. Metres: near 1.0, moderate 2.5,
               far 6.0; a changing distance sets distance_end_m.
    label      the noun phrase of the source without the spatial, motion, distance and filler words,
               as written (a sentence-initial capital is lowered, "TV" stays). Exactly one leading
               article is stripped: "a", "an", "the" or "another" (see normalise_label); other
               determiners ("two", "some") stay. "the sound of", "you can hear", "there is" are
               fillers and never part of a label.
    room       "outdoors", "outside", "in a park/street/field/forest/...": outdoor. Indoor nouns
               ("room", "kitchen", "hall", "church", ...) with size adjectives give small (3.5 x 3 x
               2.5 m, RT60 0.3 s), moderate (6 x 5 x 3 m, 0.5 s) or large (20 x 15 x 8 m, 1.2 s);
               church/cathedral 30 x 18 x 15 m, 2.5 s; "reverberant/echoing" raise RT60 to >= 1.2 s,
               "carpeted/dry" lower it to 0.25 s. Unstated: the Scene default (outdoors, free field),
               and room_class is null in the JSON form.

Bad input: non-str (bytes included) -> TypeError; empty or whitespace-only, or over 10,000
characters -> ValueError. Text with no recognisable sound (nothing but spatial/filler words, e.g.
"on the left") -> ValueError("no sound found ..."); text with words we cannot place is never
rejected: unknown words become a label.

JSON form (parse_dict): Scene.to_dict() where each source also has "moving" (bool), "distance"
(near/moderate/far at the start), "distance_end" (class at the end), "direction" and
"direction_end" (captions.DIRECTION_CLASSES), and the top level has "room_class" (outdoor / small /
moderate / large, or null when the text names no place). Scene.from_dict does not accept these
extra keys; use parse() for a Scene, or scene_from_parsed_dict() to drop them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..scene import Room, Scene, Source
from .captions import (APPROACH_VERBS, CHURCH_NOUNS, DISTANCE_CHANGE, DRY_ADJECTIVES, ENDPOINT_WORDS,
                       FAR_ADJECTIVES, FAR_PHRASES, LARGE_NOUNS, LIST_INTROS, LOCATION_WORDS, MODERATE_ADVERBS,
                       MODERATE_PHRASES, NEAR_ADJECTIVES, NEAR_PHRASES, NEUTRAL_VERBS, PASSING,
                       RECEDE_VERBS, REVERB_ADJECTIVES, ROOM_NOUNS, ROOM_SENTENCES, ROOM_SIZE_ADJECTIVES,
                       SPEED_ADVERBS, SPEED_VERBS, direction_words_class, distance_class, wrap_deg)

MAX_CHARS = 10_000
DISTANCE_M = {"near": 1.0, "moderate": 2.5, "far": 6.0}
CLASS_AZIMUTH = {"left": -90.0, "front-left": -45.0, "front": 0.0, "front-right": 45.0, "right": 90.0,
                 "behind-left": -135.0, "behind-right": 135.0, "behind": 180.0}
SLIGHT_DEG = 30.0
ROOMS = {  # class -> (size_m, rt60_s)
    "small": ((3.5, 3.0, 2.5), 0.3), "moderate": ((6.0, 5.0, 3.0), 0.5), "large": ((20.0, 15.0, 8.0), 1.2),
    "church": ((30.0, 18.0, 15.0), 2.5)}
LEADING_ARTICLES = ("a", "an", "the", "another")

# ---- vocabulary ------------------------------------------------------------------------------
_NUM_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_ME = r"(?:me|you|us|the listener|myself|yourself)"
_POSS = r"(?:the|your|my|our|his|her|their)"
_SIDE = r"(?P<side>left|right)"


def _alt(phrases) -> str:
    return "|".join(sorted({re.escape(p).replace(r"\ ", r"\s+") for p in phrases}, key=len, reverse=True))


def _strip_prep(p: str) -> str:
    # "on the left" -> "the left": the preposition is read separately (from = start, to = target)
    return re.sub(r"^(?:to|on|at)\s+", "", p)


def _forms(verbs) -> list[str]:
    return [f for v in verbs for f in v]


# (regex, kind, value-maker) ; value-maker receives the match
_DIR_TABLE: list[tuple[str, float]] = []
for _cls, _ps in list(LOCATION_WORDS.items()) + list(ENDPOINT_WORDS.items()):
    for _p in _ps:
        _DIR_TABLE.append((_strip_prep(_p), CLASS_AZIMUTH[_cls]))

_SPEED_WORDS = {cls: list(SPEED_ADVERBS[cls]) for cls in SPEED_ADVERBS}
_SPEED_WORDS["slow"] += ["slow", "leisurely", "lazily", "at a slow pace", "little by little", "steadily but slowly",
                         "very slowly", "bit by bit"]
_SPEED_WORDS["fast"] += ["fast", "very fast", "speedily", "hurriedly", "at high speed", "at full speed", "briskly",
                         "in a hurry", "very quickly"]
_SPEED_WORDS["instant"] += ["all of a sudden", "in an instant", "immediately", "all at once", "in a flash"]
_SPEED_WORDS["moderate"] = list(MODERATE_ADVERBS) + ["at a normal pace", "at a regular pace", "at a steady speed",
                                                     "at a moderate speed"]
_SPEED_VERB_FORMS = {cls: _forms(v) for cls, v in SPEED_VERBS.items()}
_SPEED_VERB_FORMS["fast"] += ["zooms", "zoom", "zooming", "zoomed", "speeds", "speed", "speeding", "whooshes",
                              "whoosh", "whooshing", "races", "raced", "rushed", "darted", "zipped", "whizzed",
                              "shoots", "shooting", "hurtles", "hurtling", "flashes", "flashing"]
_SPEED_VERB_FORMS["slow"] += ["drifted", "crept", "crawled", "glided", "meanders", "meandering", "ambles",
                              "ambling", "strolls", "strolling", "wanders", "wandering"]
_SPEED_VERB_FORMS["instant"] += ["jumped", "leapt", "leaped", "teleports", "teleporting", "teleported",
                                 "snaps", "snapping", "hops", "hopping", "hopped", "switches", "switching"]
_MOVE_VERBS = _forms(NEUTRAL_VERBS) + [
    "moved", "travelled", "traveled", "traveling", "travels", "passed", "panned", "went", "shifted", "swept",
    "walks", "walk", "walking", "walked", "drives", "drive", "driving", "drove", "flies", "fly", "flying", "flew",
    "runs", "run", "running", "ran", "rolls", "roll", "rolling", "rolled", "crosses", "cross", "crossing",
    "crossed", "heads", "head", "heading", "headed", "circles", "circling", "swings", "swinging", "slides",
    "sliding", "rides", "riding", "swoops", "swooping", "turns", "turning", "continues", "continuing", "proceeds", "rotates", "rotating", "glides", "transitions"]
_APPROACH = _forms(APPROACH_VERBS) + ["approached", "draws near", "draw near", "drawing near", "draws nearer",
                                      "drawing nearer", "gets closer", "getting closer", "moves closer",
                                      "moving closer", "move closer", "comes near", "coming near", "nears"]
_RECEDE = _forms(RECEDE_VERBS) + ["receded", "moved away", "goes away", "going away", "fades away", "fading away",
                                  "drives away", "driving away", "walks away", "walking away", "flies away",
                                  "flying away", "drives off", "driving off", "heads away", "gets further away",
                                  "getting further away", "moves off", "moving off"]

_NEAR = list(NEAR_PHRASES) + list(NEAR_ADJECTIVES) + [
    "close", "near", "very near", "next to " + _ME, "right next to " + _ME, "beside " + _ME, "right beside " + _ME,
    "right by", "close to " + _ME, "near to " + _ME, "near " + _ME, "close up", "at arm's length",
    "just next to " + _ME, "next to", "beside", "in " + _POSS + " ear", "really close", "quite close",
    "a short distance away", "a metre away", "a meter away", "right here", "just by " + _ME, "by " + _ME]
_FAR = list(FAR_PHRASES) + list(FAR_ADJECTIVES) + [
    "far", "far off", "far away from " + _ME, "a long way away", "way off", "from afar", "a great distance away",
    "far in the distance", "off in the distance", "very far", "very far away", "remote", "way in the distance",
    "a long distance away", "far from here", "in the far distance"]
_MODERATE = list(MODERATE_PHRASES) + ["a few meters away", "not too far", "not far", "not too far away",
                                      "not far away", "a little way off", "some distance away",
                                      "at some distance", "a short way off", "a few steps away"]
_DIST_CHANGE = [(p, e) for (s, e), ps in DISTANCE_CHANGE.items() for p in ps] + [
    ("ending up far away", "far"), ("ending up in the distance", "far"), ("getting louder", "near"),
    ("growing louder", "near"), ("fading out", "far"), ("getting quieter", "far")]

_OUTDOOR_NOUNS = ["street", "road", "park", "field", "forest", "woods", "wood", "garden", "beach", "city", "square",
                  "meadow", "countryside", "jungle", "desert", "mountains", "mountain", "lake", "river", "shore",
                  "courtyard", "parking lot", "car park", "yard", "backyard", "farm", "campsite", "harbour",
                  "harbor", "port", "market", "playground", "highway", "town", "village", "open field",
                  "open air", "open", "seaside", "coast", "countryside", "savanna", "valley", "alley"]
_INDOOR_NOUNS = sorted({n for ns in ROOM_NOUNS.values() for n in ns} | set(LARGE_NOUNS) | set(CHURCH_NOUNS) | {
    "bathroom", "studio", "corridor", "hallway", "library", "restaurant", "cafe", "café", "bar", "basement",
    "garage", "theatre", "theater", "cave", "tunnel", "house", "apartment", "flat", "lobby", "chapel",
    "gym", "stairwell", "closet", "cellar", "attic", "lecture hall", "cinema", "museum", "arena", "temple",
    "mosque", "shed", "cabin", "hall", "dining room", "lounge", "bedroom", "office", "bunker", "hangar",
    "station", "airport", "mall", "shop", "store", "factory", "concert hall"})
_LARGE_NOUNS = set(LARGE_NOUNS) | {"hall", "auditorium", "theatre", "theater", "cave", "tunnel", "lecture hall",
                                   "cinema", "arena", "hangar", "station", "airport", "mall", "factory",
                                   "museum", "gym"} | set(CHURCH_NOUNS) | {"chapel", "temple", "mosque"}
_SMALL_NOUNS = {"closet", "bathroom", "cabin", "shed", "stairwell", "booth", "car", "bunker", "cellar"}
_CHURCH = set(CHURCH_NOUNS) | {"chapel", "temple", "mosque"}
_SMALL_ADJ = set(ROOM_SIZE_ADJECTIVES["small"]) | {"narrow", "compact", "tight", "cosy", "cozy"}
_LARGE_ADJ = set(ROOM_SIZE_ADJECTIVES["large"]) | {"huge", "enormous", "vast", "massive", "giant", "grand", "empty"}
_MODERATE_ADJ = set(ROOM_SIZE_ADJECTIVES["moderate"]) | {"medium", "normal", "ordinary", "average"}
_REVERB_ADJ = set(REVERB_ADJECTIVES) | {"echoing", "echoey", "echoy", "resonant", "reverberating", "live"}
_DRY_ADJ = set(DRY_ADJECTIVES) | {"dry", "dead", "damped", "padded", "soundproofed", "soundproof"}

_FILLER_PHRASES = (
    [s.format(r="").strip() for s in ROOM_SENTENCES] + list(LIST_INTROS) +
    ["can be heard", "could be heard", "is heard", "are heard", "is audible", "are audible", "can be made out",
     "the sound of", "a sound of", "the sounds of", "sounds of", "sound of", "the noise of", "noise of",
     "i can hear", "i hear", "we can hear", "you hear", "listen to", "there is", "there are", "there's",
     "there was", "there were", "it sounds like", "somewhere", "all of this", "the whole scene", "you'll hear",
     "from my perspective", "from where i am", "as i listen", "in the scene", "the scene is", "is located",
     "are located", "is positioned", "is placed", "is coming from", "are coming from", "comes from",
     "come from", "coming from"])

# Glue words: kept inside a label ("someone is knocking on a door") but trimmed at its ends, and not
# enough on their own to name a sound.
_GLUE = set("""a an the another of on at in to from towards toward into onto is are was were be been being can
could will would it its it's this that these those which who whose where when there here then while and or
but also meanwhile too as with by for up down over out off so just very really quite slightly somewhat
starts start started starting stays stay stayed staying remains remain remaining sits sitting stands standing
ends end ending me my you your us our i we he she they them him her their listener listener's side sides
position direction around about overhead above below away back past behind ahead front again still now
sound sounds noise noises heard hear hears audible located placed positioned somewhere place spot area
ear ears head shoulder position point way loudly softly quietly clearly faintly continuously repeatedly
constantly occasionally briefly first later finally eventually both all other each time same
""".split())
_ARTICLE_RX = re.compile(r"^(?:%s)\s+" % "|".join(LEADING_ARTICLES), re.I)


def _dir_patterns() -> list[tuple[re.Pattern, callable]]:
    pats: list[tuple[str, callable]] = []

    def side_sign(m):
        return -1.0 if m.group("side").lower() == "left" else 1.0

    table = _alt([p for p, _ in _DIR_TABLE])
    lookup = {re.sub(r"\s+", " ", p.lower()): az for p, az in _DIR_TABLE}
    pats.append((rf"(?:{table})", lambda m: lookup[re.sub(r"\s+", " ", m.group(0).lower())]))
    # exact degrees
    pats.append((r"(?:(?:an?\s+)?(?:azimuth|angle|bearing|direction)(?:\s+angle)?\s+(?:of\s+)?)?"
                 r"(?P<num>[+\-\u2212]?\d+(?:\.\d+)?)\s*(?:degrees?|degs?|\u00b0)"
                 r"(?:\s+(?:(?:off\s+)?(?:to|towards|toward|on|off)\s+(?:the\s+|your\s+|my\s+)?)?"
                 r"(?P<side>left|right)(?:(?:[- ]hand)?\s+side)?"
                 r"(?:\s+of\s+(?:centre|center|straight\s+ahead|the\s+front|front|me|you))?)?",
                 _deg_value))
    pats.append((r"(?:(?:an?\s+)?(?:azimuth|angle|bearing)\s+(?:of\s+)?)(?P<num>[+\-\u2212]?\d+(?:\.\d+)?)\b",
                 _deg_value))
    # clock
    pats.append((r"(?:(?:the|your|my)\s+)?(?P<h>1[0-2]|[1-9]|" + "|".join(_NUM_WORDS) +
                 r")(?:\s*o['\u2019]?\s*clock|\s+o\s+clock)(?:\s+(?:position|direction))?", _clock_value))
    # slightly left / left of centre / just left of center
    pats.append((rf"(?:(?:just|slightly|a\s+little|a\s+bit|somewhat|a\s+touch|partly)\s+(?:to\s+|towards\s+|toward\s+|on\s+)?"
                 rf"(?:{_POSS}\s+)?{_SIDE}(?:\s+of\s+(?:centre|center|the\s+centre|the\s+center|straight\s+ahead|the\s+middle))?)"
                 rf"|(?:(?:just\s+|slightly\s+)?{_SIDE.replace('side>', 'side2>')}\s+of\s+(?:the\s+)?(?:centre|center|middle))",
                 lambda m: SLIGHT_DEG * (-1.0 if (m.group("side") or m.group("side2")).lower() == "left" else 1.0)))
    # front-left / ahead to the left / diagonally
    pats.append((rf"(?:{_POSS}\s+)?(?:front|forward)[- ]?{_SIDE}(?:\s+side)?|"
                 rf"(?:{_POSS}\s+)?{_SIDE.replace('side>', 's3>')}[- ]front|"
                 rf"(?:ahead|in\s+front)(?:\s+of\s+{_ME})?(?:,?\s+and|,)\s+(?:slightly\s+)?(?:to|on)\s+(?:{_POSS}\s+)?{_SIDE.replace('side>', 's4>')}|"
                 rf"diagonally\s+(?:ahead|in\s+front|forward)?\s*(?:and\s+)?(?:to|on)?\s*(?:{_POSS}\s+)?{_SIDE.replace('side>', 's5>')}",
                 lambda m: 45.0 * _any_side(m)))
    # behind-left
    pats.append((rf"(?:{_POSS}\s+)?(?:back|rear)[- ]?{_SIDE}(?:\s+side)?|"
                 rf"(?:{_POSS}\s+)?{_SIDE.replace('side>', 's3>')}[- ](?:rear|back)|"
                 rf"behind(?:\s+{_ME})?,?\s+(?:and\s+)?(?:slightly\s+)?(?:on|to|towards|toward)\s+(?:{_POSS}\s+)?{_SIDE.replace('side>', 's4>')}(?:[- ]hand)?(?:\s+side)?|"
                 rf"over\s+(?:your|my|the)\s+{_SIDE.replace('side>', 's5>')}\s+shoulder|"
                 rf"(?:{_POSS}\s+)?{_SIDE.replace('side>', 's6>')}(?:[- ]hand)?\s+side,?\s+behind(?:\s+{_ME})?",
                 lambda m: 135.0 * _any_side(m)))
    # plain sides
    pats.append((rf"(?:{_POSS}\s+)?(?:far\s+|hard\s+|extreme\s+|full\s+|very\s+)?{_SIDE}(?:[- ]hand)?(?:\s+side)?"
                 rf"(?:\s+of\s+(?:{_ME}|the\s+stage|the\s+scene))?",
                 lambda m: 90.0 * side_sign(m)))
    pats.append((rf"(?:straight|directly|dead|right|just)?\s*(?:ahead|in\s+front)(?:\s+of\s+{_ME})?|"
                 rf"(?:{_POSS}\s+)?(?:front|forward)(?:\s+(?:and\s+)?(?:centre|center))?|"
                 rf"(?:the\s+)?(?:dead\s+)?(?:centre|center|middle)|straight\s+on", lambda m: 0.0))
    pats.append((rf"(?:straight|directly|right|just)?\s*behind(?:\s+{_ME})?|at\s+(?:your|my)\s+back|"
                 rf"(?:the\s+)?(?:rear|back)\s+of\s+(?:the\s+)?(?:room|{_ME})|the\s+rear|from\s+behind", lambda m: 180.0))
    return [(re.compile(r"(?<![\w-])(?:" + p + r")(?![\w-])", re.I), f) for p, f in pats]


def _any_side(m) -> float:
    for g in ("side", "s3", "s4", "s5", "s6"):
        v = m.groupdict().get(g)
        if v:
            return -1.0 if v.lower() == "left" else 1.0
    return 1.0


def _deg_value(m) -> float:
    n = float(m.group("num").replace("\u2212", "-"))
    side = m.groupdict().get("side")
    if side:
        return -abs(n) if side.lower() == "left" else abs(n)
    return wrap_deg(n) if abs(n) > 180 else n


def _clock_value(m) -> float:
    h = m.group("h").lower()
    h = _NUM_WORDS.get(h, None) if not h.isdigit() else int(h)
    a = wrap_deg(30.0 * (h % 12))
    return 180.0 if a == -180.0 else a


def _words_rx(words) -> str:
    return r"(?<![\w-])(?:" + _alt(words) + r")(?![\w-])"


def _room_patterns():
    nouns = _alt(_OUTDOOR_NOUNS + _INDOOR_NOUNS)
    after = r"(?=\s*(?:[,.;:!?)]|$|\s(?:and|while|with|where|as|to|on|at|in|from|the|a|an|there|you|we|i|someone|" \
            r"somebody|people|far|near|close|nearby|behind|ahead|left|right|so|which|full|filled|is|are)\b))"
    place = (r"(?<![\w-])(?:in|inside|within|on|at|across|through|out\s+in|outside\s+in|of|into|around)\s+"
             r"(?:(?:a|an|the|this|that|my|our|some|one|their|his|her)\s+)?"
             r"(?P<adjs>(?:(?!(?:in|on|at|of|a|an|the|to|from|left|right|front|centre|center|middle|ahead|behind)\b)[\w-]+,?\s+){0,3}?)(?P<noun>" + nouns + r")" + after)
    plain = r"(?<![\w-])(?:outdoors|outside|outdoor|in\s+the\s+open(?:\s+air)?|out\s+in\s+the\s+open|open\s+air|" \
            r"in\s+nature|out\s+of\s+doors|indoors|inside|indoor)(?![\w-])"
    return re.compile(place, re.I), re.compile(plain, re.I)


_DIR_PATTERNS = _dir_patterns()
_ROOM_PLACE, _ROOM_PLAIN = _room_patterns()
_WORD_PATTERNS: list[tuple[re.Pattern, str, object]] = []
for _cls, _ws in _SPEED_WORDS.items():
    _WORD_PATTERNS.append((re.compile(_words_rx(_ws), re.I), "speed", _cls))
for _cls, _ws in _SPEED_VERB_FORMS.items():
    _WORD_PATTERNS.append((re.compile(_words_rx(_ws), re.I), "speedverb", _cls))
_WORD_PATTERNS += [
    (re.compile(_words_rx(_APPROACH), re.I), "approach", None),
    (re.compile(_words_rx(_RECEDE), re.I), "recede", None),
    (re.compile(_words_rx([p for ps in PASSING.values() for p in ps]), re.I), "passing", None),
    (re.compile(_words_rx(_MOVE_VERBS), re.I), "move", None),
    (re.compile(r"(?<![\w-])(?:(?:the|a)\s+)?(?P<adj>distant|faraway|far-off|nearby)\s+sounds?\s+of(?![\w-])", re.I),
     "dist_of", None),
    (re.compile(_words_rx([p for p, _ in _DIST_CHANGE]), re.I), "distchange", None),
    (re.compile(_words_rx(_NEAR), re.I), "dist", "near"),
    (re.compile(_words_rx(_FAR), re.I), "dist", "far"),
    (re.compile(_words_rx(_MODERATE), re.I), "dist", "moderate"),
    (re.compile(_words_rx(_FILLER_PHRASES), re.I), "filler", None),
    (re.compile(r"(?<![\w-])(?:from|starting\s+(?:at|from|on|in)|starts\s+(?:at|from|on|in)|start\s+(?:at|from|on|in))(?![\w-])", re.I), "from", None),
    (re.compile(r"(?<![\w-])(?:over\s+to|across\s+to|all\s+the\s+way\s+to|round\s+to|around\s+to|to|towards|toward|into|onto|until|till|up\s+to)(?![\w-])", re.I), "to", None),
    (re.compile(r"(?<![\w-])(?:by|past)(?![\w-])", re.I), "by", None),
]
_DIST_CHANGE_END = {p: e for p, e in _DIST_CHANGE}
_HARD_RX = re.compile(r"[.!?;:]+(?=\s|$)|(?<![\w-])(?:while|whilst|meanwhile|whereas|at\s+the\s+same\s+time|in\s+addition|"
                      r"simultaneously|additionally|also|as\s+well\s+as|plus|at\s+once)(?![\w-])", re.I)
_SOFT_RX = re.compile(r",|(?<![\w-])(?:and|then|but|followed\s+by|after\s+that|afterwards|as|before|after|with)(?![\w-])", re.I)


@dataclass
class _Tok:
    start: int
    end: int
    kind: str  # dir | speed | speedverb | move | approach | recede | passing | dist | distchange | dist_of |
    #            filler | from | to | by | room | hard | soft | word
    value: object = None
    text: str = ""


@dataclass
class _Src:
    toks: list = field(default_factory=list)
    label: str = ""


# ---- public API ------------------------------------------------------------------------------
def normalise_label(label: str) -> str:
    """The comparison form of a label: lower case, spaces collapsed, one leading a/an/the/another
    removed (the same rule the parser applies to the labels it returns)."""
    s = re.sub(r"\s+", " ", str(label)).strip().lower()
    return _ARTICLE_RX.sub("", s, count=1)


def parse(text: str) -> Scene:
    """Parse an English prompt into a Scene (see the module docstring for the rules)."""
    return _parse(text)[0]


def parse_dict(text: str) -> dict:
    """The JSON form: Scene.to_dict() plus derived fields (moving, distance, distance_end, direction,
    direction_end per source; room_class at the top)."""
    scene, room_cls = _parse(text)
    d = scene.to_dict()
    for s, src in zip(d["sources"], scene.sources):
        s["moving"] = src.moving
        s["distance"] = distance_class(src.distance_m)
        s["distance_end"] = distance_class(src.distance_end_m if src.distance_end_m is not None else src.distance_m)
        s["direction"] = direction_words_class(src.azimuth_start_deg)
        s["direction_end"] = direction_words_class(src.azimuth_end)
    d["room_class"] = room_cls
    return d


def scene_from_parsed_dict(d: dict) -> Scene:
    """Scene.from_dict on a parse_dict() result, dropping the derived keys."""
    d = dict(d)
    d.pop("room_class", None)
    extra = {"moving", "distance", "distance_end", "direction", "direction_end"}
    d["sources"] = [{k: v for k, v in s.items() if k not in extra} for s in d.get("sources", [])]
    return Scene.from_dict(d)


# ---- implementation --------------------------------------------------------------------------
def _check(text) -> str:
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("parse() needs a str, got bytes; decode it first (e.g. text.decode('utf-8'))")
    if not isinstance(text, str):
        raise TypeError(f"parse() needs a str, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ValueError(f"text is too long: {len(text)} characters (at most {MAX_CHARS})")
    if not text.strip():
        raise ValueError("text is empty: describe at least one sound (e.g. 'a dog barks on the left')")
    t = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    t = t.replace("\u2013", "-").replace("\u2014", " - ")
    return t


def _lower_same_length(t: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in t)


def _tokens(t: str) -> tuple[list[_Tok], list[tuple]]:
    low = _lower_same_length(t)
    taken = [False] * len(low)
    found: list[_Tok] = []
    rooms: list[tuple] = []

    def claim(s, e):
        if s == e or any(taken[s:e]):
            return False
        for i in range(s, e):
            taken[i] = True
        return True

    # Candidates from every family, longest first; ties go to the family listed first.
    cands = []
    for order, (rx, f) in enumerate(_DIR_PATTERNS):
        for m in rx.finditer(low):
            cands.append((m.start(), m.end(), 0, "dir", m, f))
    for m in _ROOM_PLACE.finditer(low):
        cands.append((m.start(), m.end(), 1, "room", m, None))
    for m in _ROOM_PLAIN.finditer(low):
        cands.append((m.start(), m.end(), 1, "room", m, None))
    for order, (rx, kind, val) in enumerate(_WORD_PATTERNS):
        for m in rx.finditer(low):
            cands.append((m.start(), m.end(), 2 + order, kind, m, val))
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    for s, e, _, kind, m, val in cands:
        if low[s:e].strip() == "" or not claim(s, e):
            continue
        if kind == "dir":
            found.append(_Tok(s, e, "dir", float(val(m)), t[s:e]))
        elif kind == "room":
            rooms.append((s, m))
            found.append(_Tok(s, e, "room", m, t[s:e]))
        else:
            found.append(_Tok(s, e, kind, val if kind != "dist_of" else
                              ("near" if m.group("adj") == "nearby" else "far"), t[s:e]))
    # separators and remaining words
    for rx, kind in ((_HARD_RX, "hard"), (_SOFT_RX, "soft")):
        for m in rx.finditer(low):
            if claim(m.start(), m.end()):
                found.append(_Tok(m.start(), m.end(), kind, None, t[m.start():m.end()]))
    for m in re.finditer(r"[\w'\-\u00c0-\uffff]+|[^\w\s]", low):
        if not any(taken[m.start():m.end()]):
            found.append(_Tok(m.start(), m.end(), "word", None, t[m.start():m.end()]))
    found.sort(key=lambda k: k.start)
    return found, rooms


def _is_content(tok: _Tok) -> bool:
    if tok.kind != "word":
        return False
    w = tok.text.lower().strip("'-")
    return bool(w) and w not in _GLUE and re.search(r"[^\W\d_]", w) is not None


def _describes_previous(p: list[_Tok]) -> bool:
    """A piece that goes on describing the source before it rather than naming a new one: a lone
    participle ("a bird flies from right to left while chirping", "a dog growls and barking"), or
    a piece opening with a possessive ("someone walking, their steps on the left")."""
    first = next((t for t in p if t.kind == "word"), None)
    if first is not None and first.text.lower() in ("their", "its", "his", "her"):
        return True
    content = [t for t in p if _is_content(t)]
    return len(content) == 1 and content[0].text.lower().endswith("ing") and len(content[0].text) > 5 \
        and not _locations(p) and not any(t.kind == "word" and t.text.lower() in ("a", "an", "the", "some") for t in p)


def _group(tokens: list[_Tok]) -> list[_Src]:
    """Cut at hard breaks into clauses, at soft breaks into pieces; pieces with content start sources."""
    clauses, cur = [], []
    for tok in tokens:
        if tok.kind == "hard":
            clauses.append(cur)
            cur = []
        else:
            cur.append(tok)
    clauses.append(cur)
    sources: list[_Src] = []
    for clause in clauses:
        pieces, piece = [], []
        for tok in clause:
            if tok.kind == "soft":
                pieces.append(piece)
                piece = []
            else:
                piece.append(tok)
        pieces.append(piece)
        for p in pieces:
            # a motion-verb word followed directly by a content word is an adjective ("running water")
            for i, tok in enumerate(p):
                if tok.kind in ("move", "speedverb") and i + 1 < len(p) and _is_content(p[i + 1]) \
                        and not any(k.kind in ("move", "speedverb") for k in p[:i]) \
                        and (i == 0 or not _is_content(p[i - 1]) or tok.text.lower().endswith("ing")):
                    tok.kind = "word"
        has_label = [any(_is_content(k) for k in p) for p in pieces]
        for k, p in enumerate(pieces):
            if has_label[k] and (sources or any(has_label[:k])) and _describes_previous(p):
                has_label[k] = False
        pending: list = []  # label-less pieces waiting for the source after them
        current = None  # the source this clause is describing
        for k, p in enumerate(pieces):
            if has_label[k]:
                current = _Src(toks=pending + p)
                pending = []
                sources.append(current)
                continue
            if current is None or pending:
                pending += p
                continue
            # A label-less piece with a location of its own, after a source that has one already,
            # and before a source without one, is a fronted location of that next source:
            # "fire crackles on the right and, far away to the left, a keyboard can be heard".
            nxt = next((j for j in range(k + 1, len(pieces)) if has_label[j]), None)
            if nxt is not None and _locations(p) and _locations(current.toks) and not _locations(pieces[nxt]):
                pending += p
            else:
                current.toks += p
        if pending and sources:
            sources[-1].toks += pending
    return sources


def _roles(toks: list[_Tok]) -> list[tuple[int, float, str | None]]:
    """(index, azimuth, role) of each direction: role 'from' (a start), 'to' (a target) or None."""
    out = []
    for i, tok in enumerate(toks):
        if tok.kind == "dir":
            role = None
            j = i - 1
            while j >= 0 and toks[j].kind == "word" and toks[j].text.lower() in ("the", "my", "your", "over"):
                j -= 1
            if j >= 0 and toks[j].kind in ("from", "to"):
                role = toks[j].kind
            out.append((i, tok.value, role))
    return out


def _locations(toks: list[_Tok]) -> list:
    """Directions that place a source (with a motion verb, a 'to X' is a target, not a place)."""
    moves = any(k.kind in ("move", "speedverb", "approach", "recede") for k in toks)
    return [d for d in _roles(toks) if not moves or d[2] != "to"]


def _label(src: _Src, t: str) -> str:
    runs, run = [], []
    for tok in src.toks:
        if tok.kind == "word":
            run.append(tok)
        else:
            runs.append(run)
            run = []
    runs.append(run)
    for run in runs:
        while run and not _is_content(run[0]):
            run = run[1:]
        while run and not _is_content(run[-1]):
            run = run[:-1]
        if run:
            lab = t[run[0].start:run[-1].end]
            lab = re.sub(r"\s+", " ", lab).strip(" ,'\"-")
            if lab[:1].isupper() and (lab[1:2].islower() or len(lab) == 1 or lab[1:2] == " "):
                lab = lab[0].lower() + lab[1:]
            return _ARTICLE_RX.sub("", lab, count=1)
    return ""


def _mirror(az: float) -> float:
    return -az


def _resolve(src: _Src) -> Source:
    toks = src.toks
    dirs = _roles(toks)
    kinds = [k.kind for k in toks]
    move_idx = [i for i, k in enumerate(kinds) if k in ("move", "speedverb")]
    approach = "approach" in kinds
    recede = "recede" in kinds
    passing_by = any(k.kind == "by" and i > 0 and toks[i - 1].kind in ("move", "speedverb") for i, k in enumerate(toks)) \
        or any(k.kind == "move" and k.text.lower().startswith("pass") for k in toks)
    has_from_to = any(r == "from" for _, _, r in dirs) and any(r == "to" for _, _, r in dirs)
    has_motion = bool(move_idx) or has_from_to or approach or recede

    # distances
    d0 = d1 = None
    for i, tok in enumerate(toks):
        if tok.kind in ("dist", "dist_of"):
            if d0 is None:
                d0 = tok.value
            elif i > 0 and toks[i - 1].text.lower() in ("ending up", "up") or "ending up" in " ".join(
                    k.text.lower() for k in toks[max(0, i - 2):i]):
                d1 = tok.value
        elif tok.kind == "distchange":
            d1 = _DIST_CHANGE_END.get(re.sub(r"\s+", " ", tok.text.lower()), "moderate")
    d0 = d0 or "moderate"

    a0, a1 = 0.0, None
    if dirs:
        a0 = dirs[0][1]
    if has_motion:
        froms = [d for d in dirs if d[2] == "from"]
        start = froms[0] if froms else (dirs[0] if dirs else None)
        after = [d for d in dirs if start is None or d[0] > start[0]]
        targets = [d for d in after if d[2] == "to"]
        if start is not None and after:
            a0 = start[1]
            end = targets[-1] if targets else after[-1]
            a1 = end[1]
            # "passes behind me from left to right": a rear direction named along the way routes
            # the move round the back (-90 -> -270), not through the front as -90 -> 90 would
            via_back = any(d is not start and d is not end and abs(wrap_deg(d[1])) >= 170 for d in dirs)
            if via_back and abs(wrap_deg(a0)) <= 100 and abs(wrap_deg(a1)) <= 100 and a0 * a1 < 0:
                a1 = a1 - 360.0 if a0 < 0 else a1 + 360.0
        elif start is not None:
            only = start
            first_move = move_idx[0] if move_idx else len(toks)
            if only[2] == "to" or (only[2] is None and only[0] > first_move and not approach and not recede
                                        and not passing_by):
                a0, a1 = 0.0, only[1]
            else:
                a0 = only[1]
                if not approach and not recede and passing_by and abs(wrap_deg(a0)) > 10 and abs(wrap_deg(a0)) < 170:
                    a1 = _mirror(a0)
                elif not approach and not recede and only[2] == "from" and abs(wrap_deg(a0)) > 10 and abs(wrap_deg(a0)) < 170:
                    a1 = _mirror(a0)
        elif passing_by and not approach and not recede:
            a0, a1 = -90.0, 90.0
        if approach and d1 is None:
            if d0 == "moderate" and not any(k.kind == "dist" for k in toks):
                d0 = "far"
            d1 = "near"
        if recede and d1 is None:
            d1 = "far"
    if a1 is not None and wrap_deg(a1) == wrap_deg(a0):
        a1 = None
    moving = a1 is not None or (has_motion and d1 is not None and d1 != d0)
    speed = "still"
    if moving:
        speed = "moderate"
        for tok in toks:
            if tok.kind in ("speed", "speedverb"):
                speed = tok.value
                break
    src_obj = Source(label=src.label, azimuth_start_deg=float(a0),
                     azimuth_end_deg=float(a1) if (moving and a1 is not None) else None,
                     elevation_deg=0.0, distance_m=DISTANCE_M[d0],
                     distance_end_m=DISTANCE_M[d1] if (moving and d1 is not None and d1 != d0) else None,
                     speed=speed, change_time=0.5)
    if moving and a1 is None:  # a distance-only move: azimuth stays
        src_obj.azimuth_end_deg = None
    return src_obj


def _room(rooms: list[tuple]) -> tuple[Room, str | None]:
    if not rooms:
        return Room(), None
    outdoor = indoor = False
    size = None
    church = reverb = dry = False
    for _, m in rooms:
        txt = m.group(0).lower()
        gd = m.groupdict() if m.re is _ROOM_PLACE else {}
        noun = re.sub(r"\s+", " ", gd.get("noun") or "")
        adjs = set(re.findall(r"[\w-]+", (gd.get("adjs") or "").lower()))
        if m.re is _ROOM_PLAIN:
            if re.search(r"indoor|^inside$", txt):
                indoor = True
            else:
                outdoor = True
            continue
        if noun in _OUTDOOR_NOUNS:
            outdoor = True
            continue
        indoor = True
        if adjs & _SMALL_ADJ:
            size = "small"
        elif adjs & _LARGE_ADJ:
            size = "large"
        elif adjs & _MODERATE_ADJ:
            size = size or "moderate"
        elif noun in _LARGE_NOUNS:
            size = size or "large"
        elif noun in _SMALL_NOUNS:
            size = size or "small"
        church = church or noun in _CHURCH
        reverb = reverb or bool(adjs & _REVERB_ADJ)
        dry = dry or bool(adjs & _DRY_ADJ)
    if not indoor or outdoor and not size and not church:
        return Room(outdoor=True), "outdoor"
    cls = size or "moderate"
    dims, rt = ROOMS["church" if church and cls == "large" else cls]
    if reverb:
        rt = max(rt, 1.2)
    if dry:
        rt = 0.25
    return Room(outdoor=False, size_m=dims, rt60_s=rt), cls


def _parse(text) -> tuple[Scene, str | None]:
    t = _check(text)
    tokens, rooms = _tokens(t)
    groups = _group(tokens)
    sources = []
    for g in groups:
        g.label = _label(g, t)
        if g.label:
            sources.append(_resolve(g))
    if not sources:
        raise ValueError(f"no sound found in {text.strip()[:80]!r}: name what is heard "
                         "(e.g. 'a dog barks on the left')")
    room, cls = _room(rooms)
    return Scene(sources=sources, room=room), cls
