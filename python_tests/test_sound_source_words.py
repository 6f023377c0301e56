"""csrc/runtime/sound_source_words.inc: generated from WordNet 3.0 by tools/gen_sound_source_words.py."""
import subprocess
import sys
from pathlib import Path

import pytest
from bewo_rt.text import parse

ROOT = Path(__file__).resolve().parent.parent
INC = ROOT / "csrc" / "runtime" / "sound_source_words.inc"
WORDNET = Path("/usr/share/wordnet")


def _entries():
    text = INC.read_text(encoding="utf-8")
    body = text[text.index('R"WORDS(') + 8:text.index(')WORDS"')]
    return body.split()


def test_the_list_names_animals_and_things_that_sound_and_not_places_or_other_words():
    entries = _entries()
    animals = {e for e in entries if ":" not in e}
    things = {e.split(":")[0] for e in entries if e.endswith(":thing")}
    for animal in ("chickadee", "spaniel", "hornet", "kookaburra"):
        assert animal in animals, animal
    for thing in ("harmonium", "sousaphone", "rickshaw", "moped", "clatter", "fridge", "foghorn"):
        assert thing in things, thing
    # nouns under those kinds in WordNet, but read first as another word, a genus, a place, or an
    # animal sense of a word of many ("feeder")
    for other in ("down", "spawn", "forty-five", "vespa", "boss", "galley", "left", "back", "table", "window", "feeder"):
        assert other not in animals and other not in things, other
    assert len(animals) > 1000 and len(things) > 500  # WordNet's, not a hand list


def test_the_list_carries_the_wordnet_licence():
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in INC.read_text(encoding="utf-8")


def test_a_thing_named_as_a_landmark_before_a_sound_stays_a_landmark():
    # things of the long list are sounds only where a whole sentence might frame the scene
    assert [(s.label, round(s.azimuth_start_deg)) for s in parse("Next to the pram on my right, a baby crying.").sources] == [
        ("baby crying", 90)]
    assert [s.label for s in parse("Near the feeder on the left, sparrows chirping").sources] == ["sparrows chirping"]


@pytest.mark.parametrize("text,labels", [
    # a first sentence placed by a landmark frames the scene unless it names a sound: these name
    # sounds the hand list lacks
    ("Kookaburra behind the house. Rain on the left, a car on the right.", ["kookaburra", "rain", "car"]),
    ("A spaniel behind the shed. A dog on the left, a cat on the right.", ["spaniel", "dog", "cat"]),
    ("Alley behind the takeaways. Rain on the left, a car on the right.", ["rain", "car"]),
])
def test_sounds_wordnet_knows_are_heard(text, labels):
    src = parse(text).sources
    assert len(src) == len(labels) and all(w in s.label for w, s in zip(labels, src)), src


@pytest.mark.skipif(not (WORDNET / "data.noun").is_file(), reason="WordNet 3.0 not installed (apt-get install wordnet-base)")
def test_the_committed_list_is_what_the_generator_writes():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_sound_source_words.py"), "--check", "--wordnet",
                        str(WORDNET)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
