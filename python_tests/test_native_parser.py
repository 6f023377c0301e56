"""The one prompt parser (csrc/runtime/prompt_parser.cpp: bewo_rt.text.parse calls it, and so does
the C API when no scene JSON is given) against a golden file of expected scenes,
data/parser_golden.jsonl: the prompts of test_parser.py / test_captions.py and their paraphrases,
hand-written user prompts, 400 captions from the project's generator and 500 random vocabulary
texts, each with the scene the two former implementations (Python and its C++ port) agreed on
when they were merged (1,219 prompts, none differing). Bad input is a ValueError naming the
problem, and nothing crashes."""
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


GOLDEN = HERE / "data" / "parser_golden.jsonl"


def scene_of(text):
    try:
        return _view(parse_dict(text))
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


def test_golden_scenes():
    rows = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) > 1000
    bad = [(r["text"], r["scene"], got) for r in rows if not _close(r["scene"], got := scene_of(r["text"]))]
    for text, want, got in bad[:5]:
        print(f"  {text!r}\n    golden: {want}\n    parsed: {got}")
    assert not bad, f"{len(bad)} of {len(rows)} prompts parse differently from the golden file"


def _round_trips(texts):
    """Every scene the parser returns is one every reader accepts as it is (derived fields included)."""
    for text in texts:
        try:
            d = parse_dict(text)
        except ValueError:
            continue
        Scene.from_dict(json.loads(json.dumps(d)))
        assert d["sources"] and all(s["label"] for s in d["sources"])


def test_generated_captions_parse_and_round_trip(rng):
    import test_captions
    import test_parser

    texts = []
    cfg = BuildConfig(out="/nonexistent", clips=200, seed=int(rng.integers(0, 2**31)))
    for i in range(100):
        labels = [str(x) for x in rng.choice(test_parser.LABELS, size=6, replace=False)]
        entries = [SimpleNamespace(id=f"s{k}", label=lab) for k, lab in enumerate(labels)]
        scene, _, facts = sample_scene(cfg, i, entries)
        texts.append(caption(scene, facts["caption_seed"]))
    for _ in range(100):
        sources = [test_captions.random_source(rng) for _ in range(int(rng.integers(1, 5)))]
        texts.append(caption(Scene(sources=sources, room=test_captions.random_room(rng)), int(rng.integers(0, 2**31))))
    _round_trips(texts)


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
    _round_trips([("a dog " * 2000)[:10_000], "\u00e9" * 10_000, "9" * 10_000, "left " * 2000, "a, " * 3333])


# ---- the C API's prompt-only path uses the parser -------------------------------------------------------
def test_c_api_prompt_only_scene_is_the_parsed_scene():
    text = "a dog barks on the left while a car passes from right to left"
    scene = _core.scene_from_prompt_words_native(text)
    assert [(s["label"], s["azimuth_start_deg"], s["azimuth_end_deg"], s["speed"]) for s in scene["sources"]] == \
        [("dog barks", -90.0, None, "still"), ("car", 90.0, -90.0, "moderate")]
    assert _close(_view(scene), scene_of(text))
    # refused by the parser: one source named by the whole prompt, placed by its direction word
    fallback = _core.scene_from_prompt_words_native("on the left")
    assert [(s["label"], s["azimuth_start_deg"]) for s in fallback["sources"]] == [("on the left", -90.0)]
    assert len(_core.scene_from_prompt_words_native(b"a dog \xff on the right")["sources"]) == 1
    # Python gives NaN for an azimuth it cannot represent; the C API puts that source in front
    huge = _core.scene_from_prompt_words_native("a dog at " + "9" * 400 + " degrees")["sources"][0]
    assert huge["azimuth_start_deg"] == 0.0
