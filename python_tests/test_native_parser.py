"""The native prompt parser (csrc/runtime/prompt_parser.cpp, what the C API reads a prompt with when
no scene JSON is given) against its specification, bewo_rt.text.parser: the same sources (labels,
azimuths, speeds, distances) and room on the prompts of test_parser.py / test_captions.py, on
captions from the project's generator, on hand-written prompts and on random text; bad input is a
ValueError naming the problem and nothing crashes."""
import ast
import json
import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from bewo_rt.corpus.builder import BuildConfig, sample_scene
from bewo_rt.scene import Scene
from bewo_rt.text.captions import caption
from bewo_rt.text.parser import parse_dict

_core = pytest.importorskip("bewo_rt._core")
HERE = Path(__file__).parent

if not hasattr(_core, "parse_prompt_native"):
    pytest.fail("bewo_rt._core was built without csrc/python/bind_prompt.cpp", pytrace=False)


def _view(d: dict) -> dict:
    """The fields both parsers fill, in one comparable form."""
    return {"sources": [{k: s[k] for k in ("label", "azimuth_start_deg", "azimuth_end_deg", "elevation_deg",
                                           "distance_m", "distance_end_m", "speed", "change_time")}
                        for s in d["sources"]],
            "room": {"outdoor": d["room"]["outdoor"],
                     "size_m": None if d["room"]["size_m"] is None else tuple(d["room"]["size_m"]),
                     "rt60_s": d["room"]["rt60_s"]},
            "room_class": d["room_class"]}


def python_scene(text):
    try:
        return _view(parse_dict(text))
    except ValueError as e:
        return ("ValueError", str(e))


def native_scene(text):
    try:
        return _view(_core.parse_prompt_native(text))
    except ValueError as e:
        return ("ValueError", str(e))


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return a == b


def mismatches(texts) -> list:
    bad = []
    for text in texts:
        want, got = python_scene(text), native_scene(text)
        if not _close(want, got):
            bad.append((text, want, got))
    return bad


def _report(name, texts, bad):
    print(f"{name}: {len(texts) - len(bad)}/{len(texts)} identical")
    for text, want, got in bad[:5]:
        print(f"  {text!r}\n    python: {want}\n    native: {got}")
    assert not bad, bad[:3]


# ---- (a) the prompts of the Python parser's own tests ----------------------------------------------
def _string_constants(path: Path) -> list[str]:
    """Every string literal of a test module (prompts, labels, even regex texts: any string must parse
    the same way), so the list follows those tests without being copied here."""
    tree = ast.parse(path.read_text())
    return sorted({n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                   and n.value.strip() and len(n.value) <= 10_000})


def test_prompts_of_the_parser_and_caption_tests():
    texts = _string_constants(HERE / "test_parser.py") + _string_constants(HERE / "test_captions.py")
    texts += [json.loads(line)["text"] for line in (HERE / "data" / "paraphrases.jsonl").read_text().splitlines()
              if line.strip()]
    texts += [("a dog barks on the left. " * 400)[:10_000], "x" * 10_001]  # test_long_but_allowed_text
    assert len(texts) > 200
    _report("test prompts", texts, mismatches(texts))


# ---- (b) captions from the project's generator ---------------------------------------------------
def test_generated_captions(rng):
    import test_captions
    import test_parser

    texts = []
    cfg = BuildConfig(out="/nonexistent", clips=200, seed=int(rng.integers(0, 2**31)))
    for i in range(200):  # as test_parser.test_captions_round_trip makes them
        labels = [str(x) for x in rng.choice(test_parser.LABELS, size=6, replace=False)]
        entries = [SimpleNamespace(id=f"s{k}", label=lab) for k, lab in enumerate(labels)]
        scene, _, facts = sample_scene(cfg, i, entries)
        texts.append(caption(scene, facts["caption_seed"]))
    for _ in range(200):  # as test_captions draws scenes: 1-4 sources, any room
        sources = [test_captions.random_source(rng) for _ in range(int(rng.integers(1, 5)))]
        scene = Scene(sources=sources, room=test_captions.random_room(rng))
        texts.append(caption(scene, int(rng.integers(0, 2**31))))
    _report("generated captions", texts, mismatches(texts))


# ---- (c) prompts of the kind users type -------------------------------------------------------------
USER_PROMPTS = [
    "a dog barks on the left while a car passes from right to left",
    "A DOG BARKS ON THE LEFT!!! meanwhile, a car passes from right to left...",
    "birds chirp far away ahead; a man speaks close to me on my right, in a small room",
    "a helicopter flies from 30 degrees left to 60 degrees right, quickly",
    "a bell rings at 2 o'clock and a phone rings at nine o'clock",
    "a clock ticks at the 12 o\u2019clock position, a kettle whistles at 4 oclock",
    "footsteps behind you, getting closer",
    "a train approaches from the left and then moves away to the right",
    "a car passes behind me from left to right",
    "a bus drives behind you from the right to the left",
    "rain falls outdoors while thunder rumbles in the distance",
    "someone is knocking on a door in a huge echoing cathedral",
    "a violin plays in a carpeted bedroom, a cello answers from the rear left",
    "a cat meows 45\u00b0 to the right and a dog growls at \u221230 degrees",
    "At an azimuth of 120 degrees, a motorbike revs; at 400 degrees a horn honks",
    "an owl hoots slightly to the left of centre, then suddenly jumps to the right-hand side",
    "To the left, a man speaks. Far away to the right, a woman laughs.",
    "fire crackles on the right and, far away to the left, a keyboard can be heard",
    "the sound of waves crashing in front of you, and seagulls circling overhead",
    "a drone whizzes past, very fast, from the front-left to the back right",
    "water drips slowly next to me in a tiny bathroom",
    "a lawn mower drones somewhere in a big garden",
    "you can hear a TV in the living room and kids playing outside",
    "Caf\u00e9 chatter in a caf\u00e9, espresso machine hissing on the left",
    "\U0001F415 barks on the left \U0001F697 passes by",
    "a d\u00f6g b\u00e4rks \u00e0 gauche, \u00e9l\u00e8ve \u00e7a va",
    "\u0130stanbul ferry horn on the right",
    "\u4e00\u53ea\u72d7\u5728\u5de6\u8fb9\u53eb a dog on the left",
    "on the left",
    "slowly, far away, behind you",
    "asdf qwer zxcv",
    "!!! ??? ...",
    "a bird sings \u2014 then a crow caws \u2013 on the right",
    "a ball bounces from left to right and back again",
    "a siren wails, moving from the front towards the left, fading into the distance",
    "a glass shatters suddenly behind you on the right",
    "an airplane drones overhead, going from behind to the front at a steady pace",
    "two women laughing in a cramped, reverberant stairwell",
    "a choir sings in a church while an organ plays behind",
    "a\tdog\nbarks\ron the   left",
    "the dog barks at -90.5 degrees; the cat purrs at +12.25 degrees",
    "a bee buzzes in your left ear",
]


def test_user_prompts():
    assert len(USER_PROMPTS) >= 30
    _report("user prompts", USER_PROMPTS, mismatches(USER_PROMPTS))


def test_random_text_from_the_vocabulary_parses_the_same(rng):
    """Shuffled vocabulary, punctuation and odd characters: the parsers' rules meet in unusual orders."""
    words = ("a the dog car bird man woman on to from left right front behind you your ahead slightly far "
             "near close away moves passes drifts jumps quickly slowly suddenly while and then , . ; degrees "
             "30 -45 2 o'clock at in small large room hall church outdoors park approaches recedes by past "
             "it's running water overhead the sound of you can hear next to me in the distance \u00e9 \u0130 "
             "\u00b0 \u2212 \u2014 \u2019 \U0001F415 \u4e00 \u00a0 \t x").split(" ")
    texts = [" ".join(str(w) for w in rng.choice(words, size=int(rng.integers(1, 16)))) for _ in range(1500)]
    _report("random vocabulary text", texts, mismatches(texts))


# ---- bad input and robustness ------------------------------------------------------------------------
@pytest.mark.parametrize("bad, words", [
    ("", "empty"), ("   \n\t ", "empty"), ("x" * 10_001, "too long"), ("on the left, slowly", "no sound"),
    ("...", "no sound"), (b"a dog \xff barks", "UTF-8"), (b"\xed\xa0\x80", "UTF-8"),
])
def test_bad_input_is_a_value_error_naming_the_problem(bad, words):
    with pytest.raises(ValueError, match=words):
        _core.parse_prompt_native(bad)


def test_random_bytes_and_unicode_never_crash(rng):
    n_ok = 0
    for i in range(3000):
        if i % 2:
            data = bytes(rng.integers(0, 256, int(rng.integers(0, 200)), dtype="uint8"))
        else:
            cps = rng.integers(1, 0x110000, int(rng.integers(0, 80)))
            data = "".join(chr(c) for c in cps if not 0xD800 <= c < 0xE000)
        try:
            d = _core.parse_prompt_native(data)
        except ValueError:
            continue
        n_ok += 1
        assert d["sources"] and all(isinstance(s["label"], str) and s["label"] for s in d["sources"])
        assert _core.scene_from_prompt_words_native(data)["sources"]
    print(f"fuzz: {n_ok} of 3000 random inputs named a sound")
    long = [("a dog " * 2000)[:10_000], "\u00e9" * 10_000, "9" * 10_000, "left " * 2000, "a, " * 3333]
    _report("long prompts", long, mismatches(long))


# ---- the C API's prompt-only path uses the parser -------------------------------------------------------
def test_c_api_prompt_only_scene_is_the_parsed_scene():
    text = "a dog barks on the left while a car passes from right to left"
    scene = _core.scene_from_prompt_words_native(text)
    assert [(s["label"], s["azimuth_start_deg"], s["azimuth_end_deg"], s["speed"]) for s in scene["sources"]] == \
        [("dog barks", -90.0, None, "still"), ("car", 90.0, -90.0, "moderate")]
    assert _close(_view(scene), python_scene(text))
    # refused by the parser: one source named by the whole prompt, placed by its direction word
    fallback = _core.scene_from_prompt_words_native("on the left")
    assert [(s["label"], s["azimuth_start_deg"]) for s in fallback["sources"]] == [("on the left", -90.0)]
    assert len(_core.scene_from_prompt_words_native(b"a dog \xff on the right")["sources"]) == 1
    # Python gives NaN for an azimuth it cannot represent; the C API puts that source in front
    huge = _core.scene_from_prompt_words_native("a dog at " + "9" * 400 + " degrees")["sources"][0]
    assert huge["azimuth_start_deg"] == 0.0
