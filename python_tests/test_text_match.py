"""The prompt parser's regex matcher (csrc/runtime/text_match.h) against Python's re, the engine
its patterns were written for: random patterns in the subset the parser uses (word lists long
enough to take the matcher's first-character dispatch, nested ones, captures, greedy and lazy
repeats, look-arounds, word boundaries, classes) on random texts (mixed case, punctuation,
accented and non-Latin letters), with and without IGNORECASE. Every match span and every
group span must equal re.finditer's, exactly. Fresh patterns on every run; a failure prints the
seed, the pattern and the text."""
from __future__ import annotations

import random
import re

import pytest

core = pytest.importorskip("bewo_rt._core")

WORDS = ["left", "right", "the", "a", "an", "to", "from", "far", "hard", "behind", "ahead", "dog", "dogs", "barks",
         "car", "passes", "rain", "on", "of", "off", "over", "overhead", "above", "o'clock", "ten", "deg", "45",
         "9", "x", "lift", "rig", "lefty"]
FILLER = [" ", "  ", ", ", ". ", "-", "'", "\n", "; ", ": ", "é", "ü", "Ä", "ß", "\u212a", "\u017f", "日本", "😀", "(", ")"]
CLASSES = [r"\w", r"\s", r"\d", r"[a-f]", r"[^\W\d_]", r"[.,;:!?]", r"[\w'-]", r"[^a-z\s]", r"[-+]", r"\W", r"[A-Z]"]


class Gen:
    """A random pattern in the matcher's subset, built with its nullability known: repeated
    bodies and top-level alternatives never match empty text (the parser's never do; the matcher
    steps past an empty match the way Python before 3.7 did)."""

    def __init__(self, rng: random.Random):
        self.r = rng

    def word(self) -> str:
        return re.escape(self.r.choice(WORDS))

    def words(self, lo: int, hi: int) -> str:
        ws = self.r.sample(WORDS, self.r.randint(lo, hi))
        if self.r.random() < 0.5:
            ws.sort(key=len, reverse=True)  # how the parser orders its phrase lists
        return "(?:" + "|".join(re.escape(w) for w in ws) + ")"

    def atom(self, depth: int, solid: bool) -> tuple[str, bool]:
        """(pattern, can match empty text); solid: one that cannot."""
        k = self.r.random()
        if depth > 1 or k < 0.25:
            return self.word(), False
        if k < 0.4:
            return self.r.choice(CLASSES), False
        if solid or k < 0.6:
            return self.words(2, 14), False  # 6 or more alternatives take the dispatch
        body, empty = (self.seq(depth + 1), None) if k < 0.7 else self.alt(depth + 1)
        if empty is None:
            body, empty = body
        if k < 0.7:
            return f"(?P<g{self.r.randrange(10**6)}>{body})", empty
        return (f"({body})" if k < 0.8 else f"(?:{body})"), empty

    def quantified(self, depth: int, solid: bool) -> tuple[str, bool]:
        a, empty = self.atom(depth, solid)
        if empty or self.r.random() < 0.55:
            return a, empty
        q = self.r.choice(["+", "{1,3}", "{2}"] if solid else ["?", "*", "+", "{1,3}", "{2}", "{0,2}"])
        return a + q + ("?" if self.r.random() < 0.3 else ""), q in ("?", "*", "{0,2}")

    def look(self) -> str:
        k = self.r.random()
        if k < 0.3:
            return self.r.choice([r"\b", r"\B", "^", "$"])
        if k < 0.55:
            return self.r.choice(["(?=", "(?!"]) + self.r.choice([self.word(), r"\s", r"\W|$", r"\s+" + self.word()]) + ")"
        n = self.r.choice([1, 2, 3, 4])
        same = [re.escape(w) for w in WORDS if len(w) == n]
        body = self.r.choice([r"[\w-]", r"\w", "|".join(same) or "x", re.escape(self.r.choice(WORDS)) + " "])
        return self.r.choice(["(?<!", "(?<="]) + body + ")"

    def seq(self, depth: int) -> tuple[str, bool]:
        parts, empty = [], True
        for i in range(self.r.randint(1, 3)):
            if self.r.random() < 0.3:
                parts.append(self.look())
            q, e = self.quantified(depth, solid=depth == 0 and i == 0)
            parts.append(q)
            empty = empty and e
            if self.r.random() < 0.4:
                sp = self.r.choice([r"\s+", r"\s*", " ", r"\s?"])
                parts.append(sp)
                empty = empty and sp in (r"\s*", r"\s?")
        return "".join(parts), empty

    def alt(self, depth: int) -> tuple[str, bool]:
        seqs = [self.seq(depth) for _ in range(self.r.randint(1, 7 if depth == 0 else 3))]
        return "|".join(p for p, _ in seqs), any(e for _, e in seqs)

    def pattern(self) -> str:
        while True:
            p, _ = self.alt(0)
            if re.compile(p).groups < 60:
                return p


def text(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 14)):
        w = rng.choice(WORDS)
        w = rng.choice([w, w.upper(), w.capitalize(), w])
        out.append(w)
        out.append(rng.choice(FILLER) if rng.random() < 0.4 else " ")
    return "".join(out).strip() if rng.random() < 0.8 else "".join(out)


def reference(pattern: str, s: str, icase: bool):
    out = []
    for m in re.finditer(pattern, s, re.IGNORECASE if icase else 0):
        assert m.end() > m.start(), (pattern, s)  # Gen builds none that can match empty text
        caps = []
        for g in range(1, (m.re.groups or 0) + 1):
            caps += list(m.span(g))
        out.append((m.start(), m.end(), caps))
    return out


@pytest.mark.parametrize("icase", [True, False])
def test_matcher_agrees_with_python_re_on_random_patterns_and_texts(icase):
    seed = random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    gen = Gen(rng)
    checked = 0
    for _ in range(300):
        p = gen.pattern()
        for _ in range(12):
            s = text(rng)
            want = reference(p, s, icase)
            got = [(a, b, list(c)) for a, b, c in core.regex_find_all_native(p, s, icase)]
            assert got == want, f"seed {seed}\npattern {p!r}\ntext {s!r}"
            checked += len(want)
    assert checked > 500  # the texts were drawn to match often enough to mean something


def test_matcher_keeps_ordered_alternation_through_the_dispatch():
    """Python's alternation takes the first alternative that leads to a match, not the longest:
    with 8 alternatives (dispatched on the first character) the written order still decides."""
    words = ["to", "top", "tops", "t", "o", "p", "s", "x"]
    got = core.regex_find_all_native("(?:" + "|".join(words) + ")", "tops", False)
    assert [(a, b) for a, b, _ in got] == [m.span() for m in re.finditer("|".join(words), "tops")] == [(0, 2), (2, 3), (3, 4)]
    nested = r"(?:a|b|c|d|e|(?:to|the|tea|ten|tin|tan|x)\s+(?P<n>\d+))"
    s = "a ten 45 the 9 b"
    assert [(a, b, list(c)) for a, b, c in core.regex_find_all_native(nested, s, True)] == reference(nested, s, True)


def test_matcher_refuses_a_pattern_outside_its_subset():
    with pytest.raises(ValueError, match="pattern"):
        core.regex_find_all_native("(?<=a+)b", "aab", False)
