"""csrc/runtime/verb_words.inc: generated from WordNet 3.0 by tools/gen_verb_words.py."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INC = ROOT / "csrc" / "runtime" / "verb_words.inc"
WORDNET = Path("/usr/share/wordnet")


def _words():
    text = INC.read_text(encoding="utf-8")
    body = text[text.index('R"WORDS(') + 8:text.index(')WORDS"')]
    return body.split()


def test_the_list_holds_verbs_and_leaves_out_words_more_often_nouns():
    words = set(_words())
    for verb in ("climb", "whip", "vanish", "enter", "hover", "took:take", "flew:fly"):
        assert verb in words, verb
    # as often (or more often) nouns in WordNet's tagged corpus: a label, not a verb going on
    for noun in ("line", "shot", "row", "bird", "bell", "bus", "orchestra", "drum"):
        assert noun not in words, noun
    assert len(words) > 1500  # WordNet's verbs, not a hand list


def test_the_list_carries_the_wordnet_licence():
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in INC.read_text(encoding="utf-8")


@pytest.mark.skipif(not (WORDNET / "cntlist.rev").is_file(), reason="WordNet 3.0 not installed (apt-get install wordnet-base)")
def test_the_committed_list_is_what_the_generator_writes():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_verb_words.py"), "--check", "--wordnet", str(WORDNET)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
