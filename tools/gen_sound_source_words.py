"""Writes csrc/runtime/sound_source_words.inc from WordNet 3.0: English nouns for animals (listed as
words), and for things that make sound or sounds themselves (listed as 'word:thing'): a musical
instrument, a vehicle or other conveyance, an engine or machine, a home appliance, a power tool, a
timepiece, a gun, a bell, a whistle, an alarm or other signalling or acoustic device, a noisemaker, a
sound or a noise ("chickadee", "sousaphone", "rickshaw", "clangour"); and the animals' irregular
plurals. A word counts by its first sense (of two senses, by either); words of more senses are left out.

The parser's hand list of sound nouns names the sounds its test prompts happened to use; users bring
others ("a chickadee at my feet", "the harmonium on the left"). WordNet knows the rest.

Run on a machine with WordNet 3.0 installed (Debian/Ubuntu: apt-get install wordnet-base), only
when the list should change; the generated file is committed, so builds need no WordNet.
    python tools/gen_sound_source_words.py [--wordnet /usr/share/wordnet] [--check]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wordnet_inc  # noqa: E402  (the .inc writer and command line the generators share)

OUT = Path(__file__).resolve().parent.parent / "csrc" / "runtime" / "sound_source_words.inc"
ANIMAL = "00015388"  # animal, animate being, beast, brute, creature, fauna
# synsets (WordNet 3.0 noun offsets) whose hyponyms make sound or are sounds
ROOTS = {
    "03800933": "musical_instrument", "04524313": "vehicle", "03100490": "conveyance", "03287733": "engine",
    "03699975": "machine",
    "03528263": "home_appliance", "03997484": "power_tool", "04437953": "timepiece", "03467984": "gun",
    "02824448": "bell", "04579432": "whistle", "02694426": "alarm", "04217718": "signaling_device",
    "02676261": "acoustic_device", "03827536": "noisemaker",
    "07387509": "noise", "07371293": "sound (an audible event)", "04981139": "sound (an auditory effect)",
}
# first senses under those roots that in a text about sound name a place, a person or a plain thing
NOT_A_SOURCE = {"left", "right", "front", "back", "head", "side", "top", "bottom", "centre", "center", "middle",
                "way", "time", "man", "woman", "person", "people", "game", "kid", "buck", "doe", "pet", "stock",
                "model", "tool", "device", "system", "unit", "set", "kit", "gear", "equipment", "apparatus",
                "mechanism", "thing", "object", "item", "piece", "part", "work", "plant", "station", "range",
                "cell", "drive", "file", "press", "power", "force", "heat", "light", "lights", "note", "key", "pitch",
                "tone", "voice", "rest", "measure", "bar", "register", "mode", "scale", "change", "break", "point",
                "place", "spot", "mark", "sign", "signal", "report", "word", "words", "name", "title", "tag",
                "label", "chip", "module", "board", "card", "deck", "carrier", "transport", "craft", "shell",
                "shot", "round", "mount", "stand", "base", "frame", "case", "box", "cover", "shield", "guard",
                "cart", "float", "hack", "jack", "tender", "limber", "bed", "cradle", "chair", "seat", "bench",
                "step", "steps", "walk", "run", "ride", "drive", "flight", "lift", "fall", "rise", "turn"}


def senses(root: Path, pos: str) -> dict[str, int]:
    """How many senses each lemma has as this part of speech."""
    out = {}
    for line in (root / f"index.{pos}").read_text(encoding="latin-1").splitlines():
        if not line.startswith("  "):
            f = line.split()
            out[f[0]] = int(f[2])
    return out


def sound_source_words(root: Path) -> tuple[list[str], list[tuple[str, str]]]:
    glosses: dict[str, str] = {}
    parents: dict[str, list[str]] = {}
    for line in (root / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        head, _, gloss = line.partition(" | ")
        f = head.split()
        offset, count = f[0], int(f[3], 16)
        glosses[offset] = gloss
        p = 4 + 2 * count
        pointers = [f[p + 1 + 4 * i:p + 5 + 4 * i] for i in range(int(f[p]))]
        parents[offset] = [o for sym, o, pos, _ in pointers if sym in ("@", "@i") and pos == "n"]

    def under(roots: set[str]):
        memo: dict[str, bool] = {}

        def test(offset: str, seen: frozenset = frozenset()) -> bool:
            if offset in roots:
                return True
            if offset not in memo:
                memo[offset] = any(test(o, seen | {offset}) for o in parents.get(offset, []) if o not in seen)
            return memo[offset]
        return test

    sounds, animal = under(set(ROOTS)), under({ANIMAL})
    # a word also an adjective or adverb ("down", "forty-five"), or more often a verb ("spawn", "boss"),
    # is read as that first
    adjectives, adverbs, verbs = senses(root, "adj"), senses(root, "adv"), senses(root, "verb")

    words, things = [], []
    for line in (root / "index.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        f = line.split()
        lemma, count, pointers = f[0], int(f[2]), int(f[3])
        offsets = f[4 + pointers + 2:][:count]
        first = offsets[0]
        if not lemma.replace("-", "").isalpha() or len(lemma) < 3 or lemma in NOT_A_SOURCE:
            continue
        if lemma in adjectives or lemma in adverbs or verbs.get(lemma, 0) > count:
            continue
        # not a genus or family ("vespa", "canidae"); a word of more than two senses is something
        # else as often ("galley" is a ship and a kitchen, "feeder" an animal and a bird table); of
        # two senses, either ("foghorn": a signal, and the horn that sounds it)
        if glosses[first].lstrip().startswith(("genus", "type genus", "family", "order", "class", "suborder",
                                                "subfamily", "phylum", "superfamily", "subclass", "subphylum")):
            continue
        if animal(first) and count <= 2:
            words.append(lemma)
        elif count <= 2 and any(sounds(o) for o in offsets):
            things.append(lemma)
    known = set(words) | set(things)
    plurals = []
    for line in (root / "noun.exc").read_text(encoding="latin-1").splitlines():
        plural, singular = line.split()[:2]
        if singular in known and plural.replace("-", "").isalpha():
            plurals.append((plural, singular))
    # a thing is listed as 'word:thing', so the runtime can tell the animals (which are heard wherever
    # they are named) from the things (which may be landmarks: "next to the pram on my right")
    return sorted(words), sorted(plurals) + sorted((t, "thing") for t in things)


def render(root: Path) -> str:
    words, plurals = sound_source_words(root)
    return wordnet_inc.render(root, ["Generated by tools/gen_sound_source_words.py from WordNet 3.0: do not edit by hand.",
                                     "English nouns for things that sound and for sounds, and their irregular plurals "
                                     "(as 'plural:singular')."],
                              words, plurals)


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    sys.exit(wordnet_inc.run(__doc__, OUT, ["data.noun", "index.noun", "noun.exc"], render))
