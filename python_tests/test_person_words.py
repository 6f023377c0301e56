"""csrc/runtime/person_words.inc: generated from WordNet 3.0 by tools/gen_person_words.py."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INC = ROOT / "csrc" / "runtime" / "person_words.inc"
WORDNET = Path("/usr/share/wordnet")


def _words():
    text = INC.read_text(encoding="utf-8")
    body = text[text.index('R"WORDS(') + 8:text.index(')WORDS"')]
    return body.split()


def test_the_list_names_people_and_not_sounds_or_sides():
    words = set(_words())
    for person in ("pilot", "customer", "nurse", "hiker", "student", "reader", "climber", "children:child"):
        assert person in words, person
    # people in WordNet, but in a text about sound a side, a sound or an animal
    for other in ("left", "right", "bass", "drum", "whistle", "speaker", "baby", "dog", "ghost"):
        assert other not in words, other
    assert len(words) > 5000  # WordNet's people, not a hand list


def test_the_list_carries_the_wordnet_licence():
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in INC.read_text(encoding="utf-8")


@pytest.mark.skipif(not (WORDNET / "data.noun").is_file(), reason="WordNet 3.0 not installed (apt-get install wordnet-base)")
def test_the_committed_list_is_what_the_generator_writes():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_person_words.py"), "--check", "--wordnet", str(WORDNET)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
