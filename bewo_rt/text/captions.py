"""Natural-language captions for a Scene, in the style of BEWO-1M's rewritten captions.

caption(scene, seed) is deterministic for a given (scene, seed) and varied across seeds. Every caption
states, for each source, what a parser needs to recover the scene: the label (verbatim, as a noun
phrase), the start direction, for a moving source the end direction and the speed class, the
distance class when it is near or far, and (once per caption) the room class.

Class boundaries (a = azimuth wrapped to [-180, 180); negative = left, positive = right):
    |a| <= 10              front
    10 < |a| <= 60         front-left / front-right
    60 < |a| <= 100        left / right
    100 < |a| < 170        behind-left / behind-right
    |a| >= 170             behind
    distance_m < 1.5       near      distance_m > 4.0   far      otherwise moderate (usually unstated)
    room: outdoor flag -> outdoor; else volume L*W*H < 60 m^3 small, > 500 m^3 large, otherwise (or
          size unknown) moderate. rt60 >= 1.0 s may add reverberant words; a large room with
          rt60 >= 1.5 s may be called a church or cathedral; rt60 < 0.3 s may add dry words.

How a direction is worded (a parser should match the longest phrase first):
    words    LOCATION_WORDS ("on the left") / ENDPOINT_WORDS ("from the left"), one list per class;
             "slightly to the left" is front-left.
    degrees  "30 degrees to the right", "at an azimuth of 75 degrees to the left", "from 40 degrees
             left to 60 degrees right": the number is round(|a|); it is exact and overrides the word
             class (a front source at -8 degrees may be "8 degrees to the left").
    clock    "at 2 o'clock": hour h means azimuth 30*h (12 front, 3 right, 9 left); used only when the
             hour's class equals the source's class, so it never crosses a class boundary.
Speed: a moving source always carries a marker of its class, a SPEED_ADVERBS word or a class-specific
SPEED_VERBS verb; moderate uses only NEUTRAL_VERBS (optionally a MODERATE_ADVERBS phrase). A move
that goes round the back (or, between two rear points, round the front) adds a PASSING phrase.
Elevation, start time and gain are not described.
"""
from __future__ import annotations

import math
import random

from .. import _core
from ..scene import Room, Scene, Source

# ---- class boundaries ------------------------------------------------------------------------
FRONT_MAX_DEG = 10.0
FRONT_SIDE_MAX_DEG = 60.0
SIDE_MAX_DEG = 100.0
BEHIND_MIN_DEG = 170.0
NEAR_MAX_M = 1.5
FAR_MIN_M = 4.0
SMALL_MAX_M3 = 60.0
LARGE_MIN_M3 = 500.0
REVERB_MIN_S = 1.0
CHURCH_MIN_S = 1.5
DRY_MAX_S = 0.3

DIRECTION_CLASSES = ("left", "front-left", "front", "front-right", "right",
                     "behind-left", "behind-right", "behind")

# ---- vocabulary: the table the prompt parser reads too (csrc/runtime/vocabulary.cpp) ----------
# One table, so every caption's wording is wording the parser knows; the parser adds everyday
# synonyms of its own. Right-side wording is the left-side wording mirrored there.
_V = _core.shared_vocabulary()
LOCATION_WORDS: dict[str, list[str]] = _V["location_words"]
ENDPOINT_WORDS: dict[str, list[str]] = _V["endpoint_words"]  # noun-like forms after "from", "to", "towards"
DEGREE_LOCATION = _V["degree_location"]
DEGREE_ENDPOINT = _V["degree_endpoint"]
CLOCK_LOCATION = _V["clock_location"]
CLOCK_ENDPOINT = _V["clock_endpoint"]

NEAR_PHRASES = _V["near_phrases"]
FAR_PHRASES = _V["far_phrases"]
ENDING_NEAR = [p for p in NEAR_PHRASES if p != "up close"]  # not "ending up up close"
MODERATE_PHRASES = _V["moderate_phrases"]
NEAR_ADJECTIVES = _V["near_adjectives"]
FAR_ADJECTIVES = _V["far_adjectives"]
# (start class, end class) -> phrase appended to a move whose distance class changes
DISTANCE_CHANGE: dict[tuple[str, str], list[str]] = _V["distance_change"]

# Verbs as (3rd person singular, plural, -ing) so they agree with plural labels and fit lists.
NEUTRAL_VERBS: list[tuple[str, str, str]] = _V["neutral_verbs"]
SPEED_VERBS: dict[str, list[tuple[str, str, str]]] = _V["speed_verbs"]
SPEED_ADVERBS: dict[str, list[str]] = _V["speed_adverbs"]
MODERATE_ADVERBS = _V["moderate_adverbs"]
APPROACH_VERBS = _V["approach_verbs"]
RECEDE_VERBS = _V["recede_verbs"]
PASSING: dict[str, list[str]] = _V["passing"]

OUTDOOR_PHRASES = _V["outdoor_phrases"]
ROOM_SIZE_ADJECTIVES: dict[str, list[str]] = _V["room_size_adjectives"]
ROOM_NOUNS: dict[str, list[str]] = _V["room_nouns"]
LARGE_NOUNS = _V["large_nouns"]  # large without a size adjective
CHURCH_NOUNS = _V["church_nouns"]
REVERB_ADJECTIVES = _V["reverb_adjectives"]
DRY_ADJECTIVES = _V["dry_adjectives"]
ROOM_SENTENCES = _V["room_sentences"]
LIST_INTROS = _V["list_intros"]
CONNECTIVES = _V["connectives"]

# Label heuristics for articles and number.
_DETERMINERS = {"a", "an", "the", "some", "two", "three", "four", "several", "many", "another", "one"}
MASS_NOUNS = {"rain", "wind", "water", "music", "thunder", "traffic", "applause", "laughter", "speech",
              "static", "noise", "rainfall", "fire", "steam", "gunfire", "machinery", "glass", "hail",
              "chatter", "silence", "white noise", "birdsong", "gravel", "wood", "paper", "snoring"}
IRREGULAR_PLURALS = {"people", "children", "men", "women", "geese", "mice", "feet", "teeth", "sheep", "cattle"}


# ---- classes ---------------------------------------------------------------------------------
def wrap_deg(azimuth_deg: float) -> float:
    """Azimuth wrapped to [-180, 180)."""
    return (float(azimuth_deg) + 180.0) % 360.0 - 180.0


def direction_words_class(azimuth_deg: float) -> str:
    """One of DIRECTION_CLASSES for an azimuth (boundaries at the top of this module)."""
    a = wrap_deg(azimuth_deg)
    m, side = abs(a), ("left" if a < 0 else "right")
    if m <= FRONT_MAX_DEG:
        return "front"
    if m <= FRONT_SIDE_MAX_DEG:
        return "front-" + side
    if m <= SIDE_MAX_DEG:
        return side
    if m < BEHIND_MIN_DEG:
        return "behind-" + side
    return "behind"


def distance_class(distance_m: float) -> str:
    """'near', 'moderate' or 'far'."""
    if distance_m < NEAR_MAX_M:
        return "near"
    return "far" if distance_m > FAR_MIN_M else "moderate"


def room_class(room: Room) -> str:
    """'outdoor', 'small', 'moderate' or 'large' (BEWO's four scene sizes)."""
    if room.outdoor:
        return "outdoor"
    if room.size_m is None:
        return "moderate"
    volume = math.prod(room.size_m)
    if volume < SMALL_MAX_M3:
        return "small"
    return "large" if volume > LARGE_MIN_M3 else "moderate"


def clock_hour(azimuth_deg: float) -> int:
    """Nearest clock hour, 1..12 (12 ahead, 3 right, 9 left)."""
    h = int(math.floor(wrap_deg(azimuth_deg) / 30.0 + 0.5)) % 12
    return h or 12


def _clock_ok(azimuth_deg: float) -> bool:
    # A clock hour is only used when it lands in the source's own class, so "2 o'clock" never
    # describes a source that the word classes would call "right".
    return direction_words_class(30.0 * clock_hour(azimuth_deg)) == direction_words_class(azimuth_deg)


# ---- noun phrases ----------------------------------------------------------------------------
def _indefinite_article(word: str) -> str:
    w = word.lower()
    if w.startswith(("uni", "use", "usu", "eu", "one", "ue")):
        return "a"
    if w.startswith(("hour", "honest", "honou", "heir")) or w[:1] in "aeiou8":
        return "an"
    return "a"


def _head_noun(words: list[str]) -> str:
    # The head is the last word before the first participle: "church bells ringing" -> "bells".
    for i, w in enumerate(words[1:], 1):
        if w.endswith("ing"):
            return words[i - 1]
    return words[-1]


def _is_plural(label: str) -> bool:
    words = label.lower().split()
    head = _head_noun(words)
    if head in IRREGULAR_PLURALS:
        return True
    return head.endswith("s") and not head.endswith(("ss", "us", "is", "ous"))


def noun_phrase(label: str, rng: random.Random, adjective: str | None = None,
                again: bool = False) -> tuple[str, bool, bool]:
    """(noun phrase containing the label verbatim, grammatically plural?, adjective used?)."""
    lab = label.strip() or "sound"
    if lab[0].isupper() and lab[1:2].islower():  # "Dog barking" -> "dog barking"; keep "TV", "BBC"
        lab = lab[0].lower() + lab[1:]
    words = lab.lower().split()
    plural = _is_plural(lab)
    mass = lab.lower() in MASS_NOUNS or _head_noun(words) in MASS_NOUNS
    if words[0] in _DETERMINERS:  # the label brings its own article: leave it alone
        return lab, plural, False
    countable = not (plural or mass)  # only a singular count noun takes "a"/"an"/"another"
    if again and countable:  # the second "dog barking" of a scene
        return f"another {adjective + ' ' if adjective else ''}{lab}", False, adjective is not None
    core = f"{_indefinite_article(lab)} {lab}" if countable else lab
    if adjective in FAR_ADJECTIVES and rng.random() < 0.3:
        return f"the {adjective} sound of {core}", False, True
    if adjective:
        with_adj = f"{adjective} {lab}"
        return (f"{_indefinite_article(adjective)} {with_adj}" if countable else with_adj), plural, True
    if not again and rng.random() < 0.2:
        return f"the sound of {core}", False, False
    return core, plural, False


# ---- directions ------------------------------------------------------------------------------
def _signed_key(az: float) -> int:
    k = round(wrap_deg(az))
    return -180 if k == 180 else k


def _location(az: float, mode: str, rng: random.Random) -> str:
    a = wrap_deg(az)
    n = round(abs(a))
    if mode == "degrees" and 0 < n < 180:
        # "of centre" reads as a frontal offset, so rear angles do without it
        forms = DEGREE_LOCATION if n <= 90 else [t for t in DEGREE_LOCATION if "centre" not in t]
        return rng.choice(forms).format(n=n, side="left" if a < 0 else "right")
    if mode == "clock":
        return rng.choice(CLOCK_LOCATION).format(h=clock_hour(az))
    return rng.choice(LOCATION_WORDS[direction_words_class(az)])


def _endpoint(az: float, mode: str, rng: random.Random) -> str:
    a = wrap_deg(az)
    n = round(abs(a))
    if mode == "degrees" and 0 < n < 180:
        # "of centre" reads as a frontal offset, so rear angles do without it
        forms = DEGREE_ENDPOINT if n <= 90 else [t for t in DEGREE_ENDPOINT if "centre" not in t]
        return rng.choice(forms).format(n=n, side="left" if a < 0 else "right")
    if mode == "clock":
        return rng.choice(CLOCK_ENDPOINT).format(h=clock_hour(az))
    return rng.choice(ENDPOINT_WORDS[direction_words_class(az)])


def _pick_mode(rng: random.Random, azimuths: list[float]) -> str:
    r = rng.random()
    if r < 0.22:
        return "degrees"
    if r < 0.36 and all(_clock_ok(a) for a in azimuths):
        return "clock"
    return "words"


def _passing(a0: float, a1: float) -> str | None:
    """'behind' when a move sweeps through the back between two non-rear points, 'front' when it
    sweeps through the front between two rear points (azimuth is interpolated on the raw values)."""
    lo, hi = min(a0, a1), max(a0, a1)
    crosses = lambda centre: math.floor((hi - centre) / 360.0) >= math.ceil((lo - centre) / 360.0) and \
        not any(abs(wrap_deg(x - centre)) < 1e-9 for x in (lo, hi))
    rear = lambda a: direction_words_class(a).startswith("behind")
    if crosses(180.0) and not rear(a0) and not rear(a1):
        return "behind"
    if crosses(0.0) and rear(a0) and rear(a1):
        return "front"
    return None


# ---- one source ------------------------------------------------------------------------------
def _as_random(rng) -> random.Random:
    if isinstance(rng, random.Random):
        return rng
    if hasattr(rng, "integers"):  # numpy Generator
        return random.Random(int(rng.integers(0, 2**63 - 1)))
    return random.Random(rng)


def _motion(src: Source) -> tuple[float, float, float, float, str]:
    """(start az, end az, start distance, end distance, speed); explicit paths use their first and
    last keyframes and count as 'instant' when they contain a jump, else keep the source's speed."""
    if src.path:
        k0, k1 = src.path[0], src.path[-1]
        a0, a1, d0, d1 = k0.azimuth_deg, k1.azimuth_deg, k0.distance_m, k1.distance_m
        jump = any(p.time_s == q.time_s and p.azimuth_deg != q.azimuth_deg for p, q in zip(src.path, src.path[1:]))
        speed = "instant" if jump else (src.speed if src.speed != "still" else "moderate")
    else:
        a0, a1, d0 = src.azimuth_start_deg, src.azimuth_end, src.distance_m
        d1 = d0 if src.distance_end_m is None else src.distance_end_m
        speed = src.speed
    if not src.moving:
        return a0, a0, d0, d0, "still"
    return a0, a1, d0, d1, speed


def _verb_phrase(speed: str, rng: random.Random, verbs=None) -> tuple[str, tuple[str, str, str], str]:
    """(adverb before, verb forms, adverb after) carrying the speed class."""
    neutral = verbs or NEUTRAL_VERBS
    if speed == "moderate":
        post = " " + rng.choice(MODERATE_ADVERBS) if rng.random() < 0.3 else ""
        return "", rng.choice(neutral), post
    adv = rng.choice(SPEED_ADVERBS[speed])
    r = rng.random()
    if verbs is None and r < 0.5:  # a verb of the speed class itself, with or without an adverb
        return (adv + " " if r < 0.3 else ""), rng.choice(SPEED_VERBS[speed]), ""
    if r < 0.8:
        return adv + " ", rng.choice(neutral), ""
    return "", rng.choice(neutral), " " + adv


def _describe(src: Source, rng: random.Random, again: bool = False) -> tuple[str, str]:
    """(clause, noun-phrase form for lists such as "you can hear X, Y and Z")."""
    a0, a1, d0, d1, speed = _motion(src)
    dc0, dc1 = distance_class(d0), distance_class(d1)
    az_moves = speed != "still" and _signed_key(a0) != _signed_key(a1)

    # Distance: an adjective in the noun phrase ("a distant dog") or a phrase by the location.
    adjective = dist = None
    if dc0 != "moderate":
        if rng.random() < 0.35:
            adjective = rng.choice(NEAR_ADJECTIVES if dc0 == "near" else FAR_ADJECTIVES)
        else:
            dist = rng.choice(NEAR_PHRASES if dc0 == "near" else FAR_PHRASES)
    elif rng.random() < 0.15:
        dist = rng.choice(MODERATE_PHRASES)
    np_, plural, used = noun_phrase(src.label, rng, adjective, again)
    if adjective and not used:
        dist = rng.choice(NEAR_PHRASES if dc0 == "near" else FAR_PHRASES)
    be = "are" if plural else "is"
    f = 1 if plural else 0  # index into the (singular, plural, -ing) verb forms

    same_class = direction_words_class(a0) == direction_words_class(a1)
    # Within one class the words would say "from the left to the left": give exact degrees instead.
    mode = "degrees" if az_moves and same_class else _pick_mode(rng, [a0, a1] if az_moves else [a0])
    loc = _location(a0, mode, rng)
    loc_d = loc if not dist else (f"{dist} {loc}" if rng.random() < 0.5 else f"{loc}, {dist}")

    if speed == "still" or not az_moves:
        tail = ""
        if speed == "still":
            vp = vp_ing = None
        else:  # distance-only move: approach or recede where it stands
            pre, v, post = _verb_phrase(speed, rng, APPROACH_VERBS if d1 < d0 else RECEDE_VERBS)
            vp, vp_ing = f"{pre}{v[f]}{post}", f"{pre}{v[2]}{post}"
            if dc1 != "moderate" and dc1 != dc0:
                tail = ", ending up " + rng.choice(ENDING_NEAR if dc1 == "near" else FAR_PHRASES)
        if vp is None:
            ep = _endpoint(a0, mode, rng)
            clause = rng.choice([
                f"{np_} {be} heard {loc_d}",
                f"{np_} can be heard {loc_d}",
                f"{loc_d}, {np_} can be heard",
                f"there {be} {np_} {loc_d}",
                f"{np_} {'come' if plural else 'comes'} from {ep}" + (f", {dist}" if dist else ""),
                f"{np_} {'stay' if plural else 'stays'} {loc_d}",
            ])
            return clause, f"{np_} {loc_d}"
        clause = rng.choice([f"{loc_d}, {np_} {vp}{tail}", f"{np_} {be} heard {loc_d}, then {vp}{tail}",
                             f"{np_} {be} heard {loc_d} and {vp}{tail}"])
        return clause, f"{np_} {loc_d}, {vp_ing}{tail}"

    pre, v, post = _verb_phrase(speed, rng)
    vp, vp_ing = f"{pre}{v[f]}{post}", f"{pre}{v[2]}{post}"
    a_ep, b_ep = _endpoint(a0, mode, rng), _endpoint(a1, mode, rng)
    from_to = f"from {a_ep} to {b_ep}"
    if mode == "words" and {direction_words_class(a0), direction_words_class(a1)} == {"left", "right"} \
            and rng.random() < 0.3:  # the classic "from left to right"
        from_to = f"from {direction_words_class(a0)} to {direction_words_class(a1)}"
    tail = ""
    passing = _passing(a0, a1)
    if passing:
        tail += ", " + rng.choice(PASSING[passing])
    if dc1 != dc0:
        tail += ", " + rng.choice(DISTANCE_CHANGE[(dc0, dc1)])
    np_d = f"{np_}, {dist}," if dist else np_
    starts = "start" if plural else "starts"
    clause = rng.choice([
        f"{np_d} {vp} {from_to}{tail}",
        f"{np_d} {vp} from {a_ep} towards {b_ep}{tail}",
        f"{np_} {starts} {loc_d} and {vp} to {b_ep}{tail}",
        f"{np_} {be} heard {loc_d}, then {vp} to {b_ep}{tail}",
        f"starting {loc_d}, {np_} {vp} over to {b_ep}{tail}",
    ])
    return clause, f"{np_d} {vp_ing} {from_to}{tail}"


def describe_source(source: Source, rng) -> str:
    """One clause (lower-case start, no final full stop) describing a source. rng: random.Random,
    numpy Generator or int seed."""
    return _describe(source, _as_random(rng))[0]


# ---- room ------------------------------------------------------------------------------------
def room_phrase(room: Room, rng) -> str:
    """A place phrase for the room: "outdoors", "in a small room", "in a church", ..."""
    rng = _as_random(rng)
    cls = room_class(room)
    if cls == "outdoor":
        return rng.choice(OUTDOOR_PHRASES)
    rt60 = room.rt60_s
    if cls == "moderate" and rt60 is None and rng.random() < 0.15:
        return "indoors"
    if cls == "large" and rt60 is not None and rt60 >= CHURCH_MIN_S and rng.random() < 0.5:
        noun, size = rng.choice(CHURCH_NOUNS), ""
    elif cls == "large" and rng.random() < 0.3:
        noun, size = rng.choice(LARGE_NOUNS), ""
    else:
        noun = rng.choice(ROOM_NOUNS[cls])
        # small and large need their size word; moderate may leave it out ("in a living room")
        size = rng.choice(ROOM_SIZE_ADJECTIVES[cls]) if cls != "moderate" or rng.random() < 0.5 else ""
    acoustic = ""
    if rt60 is not None and rt60 >= REVERB_MIN_S and rng.random() < 0.6:
        acoustic = rng.choice(REVERB_ADJECTIVES)
    elif rt60 is not None and rt60 < DRY_MAX_S and rng.random() < 0.4:
        acoustic = rng.choice(DRY_ADJECTIVES)
    adjs = ", ".join(x for x in (size, acoustic) if x)
    words = f"{adjs} {noun}" if adjs else noun
    return f"in {_indefinite_article(words)} {words}"


# ---- whole caption ---------------------------------------------------------------------------
def _list(items: list[str], rng: random.Random) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + (", and " if rng.random() < 0.4 else " and ") + items[-1]


def _sentences(parts: list[tuple[str, str]], rng: random.Random) -> list[str]:
    clauses, phrases = [c for c, _ in parts], [p for _, p in parts]
    intro = rng.choice(LIST_INTROS)
    if len(parts) == 1:
        return [clauses[0]] if rng.random() < 0.7 else [f"{intro} {phrases[0]}"]
    connectives = rng.sample(CONNECTIVES, len(CONNECTIVES))  # no "Also, ... Also, ..."
    rest = [f"{connectives.pop()} {c}" if rng.random() < 0.5 else c for c in clauses[2:]]
    first_two = rng.choice([
        [f"{clauses[0]}, while {clauses[1]}"],
        [f"{clauses[0]} and {clauses[1]}"],
        [f"{clauses[0]}; meanwhile, {clauses[1]}"],
        [clauses[0], clauses[1]],
        [clauses[0], f"{connectives.pop()} {clauses[1]}"],
        [f"{intro} {phrases[0]}, while {clauses[1]}"],
    ])
    options = [first_two + rest]
    # Comma lists only when no item has a comma of its own, so the items stay separable.
    if not any("," in p for p in phrases):
        options.append([f"{intro} {_list(phrases, rng)}"])
    if len(parts) > 2 and not any("," in c for c in clauses):
        options.append([_list(clauses, rng)])
    return rng.choice(options)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def caption(scene: Scene, seed: int) -> str:
    """A natural English caption for the scene; the same (scene, seed) always gives the same text."""
    rng = random.Random(seed)
    seen: set[str] = set()
    parts = []
    for src in scene.sources:
        parts.append(_describe(src, rng, again=src.label.strip().lower() in seen))
        seen.add(src.label.strip().lower())
    sentences = _sentences(parts, rng) if parts else ["nothing can be heard"]
    room = room_phrase(scene.room, rng)
    r = rng.random()
    if r < 0.3:  # "In a small room, ..."
        sentences[0] = f"{room}, {sentences[0]}"
    elif r < 0.65:  # "... on the left, outdoors."
        sentences[-1] += (", " if rng.random() < 0.4 else " ") + room
    else:  # a sentence of its own, before or after
        s = rng.choice(ROOM_SENTENCES).format(r=room)
        sentences = [s] + sentences if rng.random() < 0.3 else sentences + [s]
    return " ".join(_cap(s) + "." for s in sentences)
