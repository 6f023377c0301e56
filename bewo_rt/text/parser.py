"""Local text-to-scene parser: English prompt -> Scene, with no network and no language model.

One implementation: the rules run in C++ (csrc/runtime/prompt_parser.cpp and the prompt_*.cpp
beside it), the same code the C API reads a prompt with; this module calls it through the binding
and adds the derived fields of the JSON form. The rules below are what that code does.

    parse("a dog barks on the left while a car passes from right to left") -> Scene
    parse_dict(text) -> the JSON form (Scene.to_dict() plus derived class fields, below)

How it works (rules, not learning): every phrase the vocabulary knows (directions, degrees, clock
positions, elevation words, distances, speeds, motion verbs, room/place phrases, fillers such as
"you can hear") is found first, longest match first, so a phrase that contains a comma ("in front,
slightly to the left") or "and" ("ahead and to the left") stays whole. The rest of the text is cut
at sentence ends, ";", ":", "while", "meanwhile", line breaks between items, bullets, "1)", and
" / ", " | ", " + ", " - " between items (hard breaks), and at commas, "and", "then" (soft breaks).
Emoji are breaks too; one that names a sound starts an item with its name ("🐶 barking on the
left 🚗 passing right to left": "dog barking", "car"), unless its clause already names it. A piece
that still holds words the vocabulary does not know names a sound and starts a source; a piece
without such words (", far away", "then suddenly jumps to the left") belongs to the source before
it in the same clause, or to the next one when it comes first ("To the left, a man speaks"). A
clause of direction words before a colon or a dash places the next sound ("Right side: a phone
rings", "Front right - a saxophone"). A heading before a colon (or a dash and a list) is not a
sound: "A duet: a flute on the left and a cello on the right" gives two sources, and a count names
the items ("Three birds: one on the left, one ahead, one on the right": three "bird"s; "A pair of
frogs, one ... and one ..." too). The vocabulary the caption generator uses is the parser's own
table (csrc/runtime/vocabulary.cpp, read by bewo_rt.text.captions), extended with everyday synonyms.

What places nothing: a scene's setting ("Kitchen at dinnertime.", "In the headset, ...", "When the
player enters the cave, ...", "In a moderately sized, acoustically dry classroom, ..."), the
listener ("Looking down the highway, ...", "Imagine you are Goldilocks."), instructions ("put the
narrator voice straight ahead": the voice), a negated direction ("not on the left but on the
right"), quoted speech ("a voice says 'turn left'") and asides with a comma or "not" in
parentheses, "left lane", "right-handed", "left alone", "right" as an intensifier ("right next to
my left ear"), "behind the counter"; a source said to be silent or broken is left out. How a
sound is ("looped, static", "with long reverb", "on cobbles") describes the sound before it. "The
same bird" continues that source (a move from where it was to where it goes). The listener may be
"me", "you", "us", "the listener", "the player", "the user", "the audience" or "the camera".

Per source:
    direction  the first direction stated is the start. A source moves when it has a motion verb
               ("moves", "passes", "drifts", "jumps", ...) with a target ("to/towards X", or a bare
               direction after the verb: "pans left"), a "from X to Y" or "X to Y" pair, or a full
               circle ("circles around me", "in one full clockwise circle": +360, anticlockwise
               -360); with only a target the start is the front. A direction stated before the sound
               ("Towards the right, a stream runs") or with "on/at/in" ("walking on the left") is
               where it is, not a target. A participle right after the sound's noun that takes it
               nowhere describes it and stays in the label ("water running in a sink on the left",
               "someone walking on the left": still); "a running engine", "a rolling drum", "a
               sizzling pan", "a fly" are nouns. "passes (by) from X" with no target ends mirrored
               on the other side; "approaches / comes closer" keeps the azimuth and goes from far
               to near; "moves away / recedes" goes to far. The way round: "passing behind you",
               "round the back", "through the front", a direction named along the way ("from the
               left around behind me to the right": -90 -> -270) or a side named on a front-back
               move ("from behind to the front on the left side") route the move through it.
               Signed angles go the way they are written ("from -90 to 270 degrees": a full turn;
               "from 170 to 190 degrees": 20 degrees through the back).
               Words give BEWO's representative azimuths: left -90, front-left -45, front 0,
               front-right 45, right 90, behind-left -135, behind 180, behind-right 135 (every value
               lies inside the class of captions.direction_words_class); small offsets ("slightly",
               "a little", "a bit", "just", "a touch", "left of centre") 20; "far/hard/extreme left"
               -90. Degrees are exact, in digits or words ("30 degrees to the right" 30, "forty-five
               degrees to the left" -45, "an azimuth of 75 degrees" 75, "-45 degrees" -45); "at 2
               o'clock" is 30 * hour; "az -30", "azimuth: 45"; "L to R" in capitals. "far to the left"
               and "off to the right" are places even after a motion verb. Unstated: front (0),
               still, and the scene's note says so.
    elevation  "overhead", "directly above" 60; "above", "up high", "from the ceiling", "on the
               roof", "upstairs", "high in the canopy", "flying over" 40; "below", "beneath the
               floor", "downstairs" -40; "directly below" -60; "elevation +30 degrees" as said; "at
               ear level" 0. Unstated: 0.
    speed      a speed word or speed verb of the source (captions.SPEED_ADVERBS / SPEED_VERBS plus
               synonyms); a moving source without one is "moderate"; a still source is "still"
               even when it has a speed word ("glass shatters suddenly").
    distance   near / moderate / far from distance words ("next to", "close", "nearby", "far away",
               "distant", "in the distance", ...); unstated: moderate. Metres: near 1.0, moderate 2.5,
               far 6.0; a changing distance sets distance_end_m. A distance in metres or feet ("about
               fifteen metres away", "2 m", "ten feet behind me") is used as it is.
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

Honest output: when the words say nowhere for a sound, or the text is not English, the scene's
note says so (Scene.note; "note" in the JSON form; `bewo-rt parse` and `generate` print it as a
warning; the C API's bewo_last_note returns it): "no direction words found, so the sound is placed
ahead (0 degrees); ...", "no direction for 'rain': placed ahead ...", "no English words found: the
parser reads English only ...".

Bad input: non-str (bytes included) -> TypeError; empty or whitespace-only, or over 10,000
characters -> ValueError. Text with no recognisable sound (nothing but spatial/filler words, e.g.
"on the left") -> ValueError("no sound found ..."); text with words we cannot place is never
rejected: unknown words become a label.

JSON form (parse_dict): Scene.to_dict() where each source also has "moving" (bool), "distance"
(near/moderate/far at the start), "distance_end" (class at the end), "direction" and
"direction_end" (captions.DIRECTION_CLASSES), and the top level has "room_class" (outdoor / small /
moderate / large, or null when the text names no place) and "note" when there is one. These derived
keys are accepted by every scene reader (Scene.from_dict ignores them and keeps the note).
"""
from __future__ import annotations

import re

from .. import _core
from ..scene import Room, Scene, Source
from .captions import direction_words_class, distance_class

MAX_CHARS = 10_000
LEADING_ARTICLES = ("a", "an", "the", "another")
_ARTICLE_RX = re.compile(r"^(?:%s)\s+" % "|".join(LEADING_ARTICLES), re.I)


def normalise_label(label: str) -> str:
    """The comparison form of a label: lower case, spaces collapsed, one leading a/an/the/another
    removed (the rule the parser applies to the labels it returns)."""
    s = re.sub(r"\s+", " ", str(label)).strip().lower()
    return _ARTICLE_RX.sub("", s, count=1)


def _native(text) -> dict:
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("parse() needs a str, got bytes; decode it first (e.g. text.decode('utf-8'))")
    if not isinstance(text, str):
        raise TypeError(f"parse() needs a str, got {type(text).__name__}")
    try:
        return _core.parse_prompt_native(text)
    except UnicodeEncodeError:
        raise ValueError("text is not valid UTF-8 (it holds lone surrogates)") from None


def _scene(d: dict) -> Scene:
    r = d["room"]
    room = Room(outdoor=r["outdoor"], size_m=tuple(r["size_m"]) if r["size_m"] is not None else None,
                rt60_s=r["rt60_s"])
    return Scene([Source(**s) for s in d["sources"]], room=room, note=d.get("note"))


def parse(text: str) -> Scene:
    """Parse an English prompt into a Scene (see the module docstring for the rules)."""
    return _scene(_native(text))


def parse_dict(text: str) -> dict:
    """The JSON form: Scene.to_dict() plus derived fields (moving, distance, distance_end, direction,
    direction_end per source; room_class at the top)."""
    raw = _native(text)
    scene = _scene(raw)
    d = scene.to_dict()
    for s, src in zip(d["sources"], scene.sources):
        s["moving"] = src.moving
        s["distance"] = distance_class(src.distance_m)
        s["distance_end"] = distance_class(src.distance_end_m if src.distance_end_m is not None else src.distance_m)
        s["direction"] = direction_words_class(src.azimuth_start_deg)
        s["direction_end"] = direction_words_class(src.azimuth_end)
    d["room_class"] = raw["room_class"]
    return d


def scene_from_parsed_dict(d: dict) -> Scene:
    """Scene.from_dict on a parse_dict() result (the derived keys are ignored)."""
    return Scene.from_dict(d)
