"""bewo_rt.text.parser: captions parsed back into scenes, hand-written paraphrases, bad input, CLI."""
import argparse
import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from bewo_rt.corpus.builder import BuildConfig, sample_scene
from bewo_rt.scene import Scene
from bewo_rt.text.captions import caption, direction_words_class, distance_class
from bewo_rt.text.cli import register_cli
from bewo_rt.text.parser import normalise_label, parse, parse_dict, scene_from_parsed_dict

LABELS = ["dog barking", "church bell", "footsteps", "rain", "a man speaking", "birds chirping", "car engine",
          "Violin", "people talking", "the train whistle", "owl hooting", "helicopter", "baby crying",
          "telephone ringing", "water dripping", "door closing", "thunder", "wind", "crowd cheering",
          "keyboard typing", "glass breaking", "cat meowing", "siren", "piano music", "clock ticking",
          "hammering", "frog croaking", "motorcycle", "TV", "vacuum cleaner", "fire crackling", "applause",
          "children playing", "horse galloping", "guitar", "kettle whistling", "ocean waves", "chainsaw",
          "sheep bleating", "geese honking", "umbrella opening", "running water", "street musician",
          "church bells ringing", "an old fan humming", "two women laughing", "lawn mower", "Cat purring"]
PARAPHRASES = Path(__file__).parent / "data" / "paraphrases.jsonl"


def _degrees_stated(text: str, az: float) -> bool:
    """Does the caption give this angle in degrees (number and side)? The generator writes round(|a|)."""
    a = (az + 180) % 360 - 180
    n, side = round(abs(a)), "left" if a < 0 else "right"
    return re.search(rf"(?<!\d){n} degrees (?:to (?:the |your ))?{side}", text) is not None


def _direction_ok(text: str, true_az: float, got_az: float) -> bool:
    """BEWO's five classes (captions.direction_words_class); when the caption gives this source's angle
    in degrees, the exact angle within 10 degrees instead."""
    if _degrees_stated(text, true_az):
        return abs((got_az - true_az + 180) % 360 - 180) <= 10
    return direction_words_class(got_az) == direction_words_class(true_az)


def _source_errors(text, want, got) -> list[str]:
    errs = []
    if not _direction_ok(text, want.azimuth_start_deg, got.azimuth_start_deg):
        errs.append(f"start {want.azimuth_start_deg} vs {got.azimuth_start_deg}")
    if want.moving != got.moving:
        errs.append(f"moving {want.moving} vs {got.moving}")
    elif want.moving and not _direction_ok(text, want.azimuth_end, got.azimuth_end):
        errs.append(f"end {want.azimuth_end} vs {got.azimuth_end}")
    want_speed = want.speed if want.moving else "still"
    if want_speed != got.speed:
        errs.append(f"speed {want_speed} vs {got.speed}")
    if distance_class(want.distance_m) != distance_class(got.distance_m):
        errs.append(f"distance {want.distance_m} vs {got.distance_m}")
    return errs


def caption_errors(text: str, want: Scene, got: Scene) -> list[str]:
    if len(want.sources) != len(got.sources):
        return [f"{len(want.sources)} sources vs {[s.label for s in got.sources]}"]
    pool = list(got.sources)
    errs = []
    for w in want.sources:  # matched by label (repeated labels in order)
        key = normalise_label(w.label)
        match = next((g for g in pool if normalise_label(g.label) == key), None)
        if match is None:
            errs.append(f"label {w.label!r} not in {[g.label for g in pool]}")
            continue
        pool.remove(match)
        errs += [f"{w.label}: {e}" for e in _source_errors(text, w, match)]
    return errs


def test_captions_round_trip(rng):
    cfg = BuildConfig(out="/nonexistent", clips=2000, seed=int(rng.integers(0, 2**31)))
    n, ok, failures = 2000, 0, []
    for i in range(n):
        labels = [str(x) for x in rng.choice(LABELS, size=6, replace=False)]
        entries = [SimpleNamespace(id=f"s{k}", label=lab) for k, lab in enumerate(labels)]
        scene, _, facts = sample_scene(cfg, i, entries)
        text = caption(scene, facts["caption_seed"])
        errs = caption_errors(text, scene, parse(text))
        if errs:
            failures.append((text, errs))
        else:
            ok += 1
    rate = ok / n
    print(f"round trip: {ok}/{n} = {rate:.1%}")
    for text, errs in failures[:15]:
        print("  ", text, "->", errs)
    assert rate >= 0.95, (rate, failures[:10])


def test_comparator_is_not_lenient():
    text = "A dog barking is heard on the left."
    want = parse(text)
    assert caption_errors(text, want, want) == []
    moved = parse("A dog barking is heard slightly to the left.")  # front-left, not left
    assert caption_errors(text, want, moved)
    assert caption_errors(text, want, parse("A dog barking is heard on the left, far away."))
    assert caption_errors(text, want, parse("A dog barking moves from the left to the right."))
    assert caption_errors(text, want, parse("A cat is heard on the left."))
    deg = "A dog barking is heard 30 degrees to the right."
    assert caption_errors(deg, parse(deg), parse("A dog barking is heard 50 degrees to the right."))


def _side(az: float) -> str:
    cls = direction_words_class(az)
    return "behind" if cls.startswith("behind") else cls.replace("front-", "")


def paraphrase_errors(case) -> list[str]:
    exp = case["expected"]
    try:
        d = parse_dict(case["text"])
    except ValueError as e:
        return [f"error {e}"]
    srcs = d["sources"]
    errs = []
    if len(srcs) != len(exp["sources"]):
        return [f"{len(exp['sources'])} sources vs {[s['label'] for s in srcs]}"]
    for e, s in zip(exp["sources"], srcs):
        if e["label_contains"].lower() not in s["label"].lower():
            errs.append(f"label {s['label']!r} lacks {e['label_contains']!r}")
        if _side(s["azimuth_start_deg"]) != e["side"]:
            errs.append(f"side {_side(s['azimuth_start_deg'])} vs {e['side']}")
        if s["moving"] != e["moving"]:
            errs.append(f"moving {s['moving']} vs {e['moving']}")
        if "end_side" in e and s["moving"] and _side(s["azimuth_end_deg"] if s["azimuth_end_deg"] is not None
                                                       else s["azimuth_start_deg"]) != e["end_side"]:
            errs.append(f"end side vs {e['end_side']}")
        if "speed" in e and s["speed"] != e["speed"]:
            errs.append(f"speed {s['speed']} vs {e['speed']}")
        if "distance" in e and s["distance"] != e["distance"]:
            errs.append(f"distance {s['distance']} vs {e['distance']}")
    if exp.get("outdoor") is not None and d["room"]["outdoor"] != exp["outdoor"]:
        errs.append(f"outdoor {d['room']['outdoor']} vs {exp['outdoor']}")
    return errs


def test_paraphrases():
    cases = [json.loads(line) for line in PARAPHRASES.read_text().splitlines() if line.strip()]
    assert len(cases) >= 60
    bad = [(c["text"], errs) for c in cases if (errs := paraphrase_errors(c))]
    score = 1 - len(bad) / len(cases)
    print(f"paraphrases: {len(cases) - len(bad)}/{len(cases)} = {score:.1%}")
    for text, errs in bad:
        print("  ", text, "->", errs)
    assert score >= 0.90, bad


@pytest.mark.parametrize("text, az0, az1, speed, dist", [
    ("a dog barks on the left while a car passes from right to left", -90, None, "still", "moderate"),
    ("A helicopter moves from the front towards the right.", 0, 90, "moderate", "moderate"),
    ("A bell rings at 2 o'clock", 60, None, "still", "moderate"),
    ("A bell rings at an azimuth of 75 degrees", 75, None, "still", "moderate"),
    ("A bell rings at -45 degrees", -45, None, "still", "moderate"),
    ("A bell rings 30 degrees to the right", 30, None, "still", "moderate"),
    ("A bird sings on the left, then suddenly jumps to the left-hand side", -90, None, "still", "moderate"),
    ("A bird sings straight ahead, then suddenly jumps to the left", 0, -90, "instant", "moderate"),
    ("a bird sings slightly left", -20, None, "still", "moderate"),
    ("a bird sings left of centre, in the distance", -20, None, "still", "far"),
    ("a bird sings behind you on the left", -135, None, "still", "moderate"),
    ("a bird sings", 0, None, "still", "moderate"),
    ("a bird sings next to me", 0, None, "still", "near"),
    ("A car passes by on the left", -135, -45, "moderate", "moderate"),  # along the left, behind to front
    ("A truck passes by", -90, 90, "moderate", "moderate"),
])
def test_first_source_fields(text, az0, az1, speed, dist):
    s = parse_dict(text)["sources"][0]
    assert s["azimuth_start_deg"] == az0 and s["azimuth_end_deg"] == az1, s
    assert s["speed"] == speed and s["distance"] == dist, s
    assert s["moving"] == (az1 is not None)


def test_json_form_and_scene():
    d = parse_dict("Birds chirp far away ahead. A man speaks close to me on my right, in a small room.")
    assert [s["label"] for s in d["sources"]] == ["birds chirp", "man speaks"]
    for s in d["sources"]:
        assert {"label", "azimuth_start_deg", "azimuth_end_deg", "moving", "speed", "distance"} <= set(s)
        assert s["speed"] in ("still", "slow", "moderate", "fast", "instant")
        assert s["distance"] in ("near", "moderate", "far")
    assert d["room_class"] == "small" and d["room"]["outdoor"] is False
    json.dumps(d)
    scene = parse("Birds chirp far away ahead. A man speaks close to me on my right, in a small room.")
    assert scene_from_parsed_dict(d) == scene
    assert Scene.from_json(scene.to_json()) == scene
    assert [s.distance_m for s in scene.sources] == [6.0, 1.0] and scene.sources[1].elevation_deg == 0
    assert parse("a dog barks outdoors").room.outdoor and parse_dict("a dog barks")["room_class"] is None
    church = parse("a choir sings in a church").room
    assert not church.outdoor and church.rt60_s >= 1.5


def test_robust_to_case_spaces_and_punctuation():
    a = parse_dict("a dog barks on the left while a car passes from right to left")
    b = parse_dict("  A DOG barks   on the LEFT,  while a car passes from right to left!!!  ")
    strip = lambda d: [(normalise_label(s["label"]), s["azimuth_start_deg"], s["azimuth_end_deg"], s["speed"])
                       for s in d["sources"]]
    assert strip(a) == strip(b)


@pytest.mark.parametrize("bad, exc, words", [
    ("", ValueError, "empty"), ("   \n\t ", ValueError, "empty"), ("x" * 10_001, ValueError, "too long"),
    (b"a dog barks", TypeError, "bytes"), (None, TypeError, "str"), (42, TypeError, "str"),
    ("on the left, slowly", ValueError, "no sound"), ("...", ValueError, "no sound"),
])
def test_bad_input(bad, exc, words):
    with pytest.raises(exc, match=words):
        parse(bad)
    with pytest.raises(exc):
        parse_dict(bad)


def test_long_but_allowed_text():
    text = ("a dog barks on the left. " * 400)[:10_000]
    assert len(parse(text).sources) >= 300


def _cli(argv):
    p = argparse.ArgumentParser(prog="bewo-rt")
    register_cli(p.add_subparsers(dest="cmd", required=True))
    a = p.parse_args(argv)
    return a.func(a)


def test_cli_json_and_table(capsys):
    assert _cli(["parse", "a dog barks on the left while a car passes from right to left", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [s["label"] for s in d["sources"]] == ["dog barks", "car"]
    assert _cli(["parse", "a dog barks on the left, in a large hall"]) == 0
    out = capsys.readouterr().out
    assert "dog barks" in out and "-90 (left)" in out and "large" in out


@pytest.mark.parametrize("text", ["", "   ", "on the left", "x" * 10_001])
def test_cli_bad_input_exit_2(capsys, text):
    assert _cli(["parse", text]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("bewo-rt parse: error:") and "\n" not in err


def test_a_move_named_behind_goes_round_the_back():
    from bewo_rt import motion, parse

    for text, sign in (("a car passes behind me from left to right", -1), ("a bus drives behind you from the right to the left", 1)):
        src = parse(text).sources[0]
        kf = motion.keyframes(src, 10.0)
        mid = 0.5 * (kf[0, 1] + kf[-1, 1])
        assert abs(mid) > 150 and np.sign(kf[0, 1]) == sign, (text, kf)
    front = parse("a car passes from left to right").sources[0]
    assert abs(0.5 * (front.azimuth_start_deg + front.azimuth_end_deg)) < 10


@pytest.mark.parametrize("text,labels", [
    ("a bird flies from right to left while chirping", ["bird"]),
    ("an owl hoots on the left, hooting", ["owl hoots"]),
    ("footsteps on the left and ringing on the right", ["footsteps", "ringing"]),
    ("an upward sweeping chirp on the left", ["upward sweeping chirp"]),
    ("someone walking, their steps on the left", ["someone walking"]),
    ("a dog on the right, its barks echoing", ["dog"]),
])
def test_lone_participles_describe_the_source_before(text, labels):
    assert [s.label for s in parse(text).sources] == labels


@pytest.mark.parametrize("name", ["phrasing_prompts.jsonl", "phrasing_prompts_heldout.jsonl",
                                  "phrasing_prompts_heldout2.jsonl", "phrasing_prompts_heldout3.jsonl",
                                  "phrasing_prompts_heldout4.jsonl", "phrasing_prompts_heldout5.jsonl",
                                  "phrasing_prompts_heldout6.jsonl", "phrasing_prompts_heldout7.jsonl",
                                  "phrasing_prompts_heldout8.jsonl"])
def test_phrasing_score(name):
    """phrasing_prompts: written for the phrasing classes before the rules were changed (first run:
    53 of 110). phrasing_prompts_heldout: 150 more, written afterwards by someone who never read
    the parser (first run: 133 of 150). phrasing_prompts_heldout2: 120 in the voices of game
    developers, sound designers, researchers, casual users and deliberately tricky phrasing, also
    by someone who never read the parser (first run: 70 of 120). phrasing_prompts_heldout3: 100 by
    music producers, VR developers, story tellers, places, commands and moves (first run: 67 of 100).
    phrasing_prompts_heldout4: 120 from new users, designers' notes, precise spatial wording, scenes,
    lists and conversational requests (first run: 81 of 120). phrasing_prompts_heldout5: 130 in the
    issue's phrasing classes again, written fresh (first run: 115 of 130). phrasing_prompts_heldout6:
    120 by twelve imagined users (podcast editor, game programmer, child, DJ, non-native speaker, ...;
    first run: 96 of 120). phrasing_prompts_heldout7: 60 dataset-style captions and 60 typed requests
    (first run: 107 of 120). phrasing_prompts_heldout8: 120 in the issue's classes, written after
    the other passes (first run: 110 of 120)."""
    import phrasing_score

    rate, rows = phrasing_score.score(parse, phrasing_score.load(phrasing_score.PROMPTS.parent / name))
    for case, ok, found in rows:
        if not ok:
            print(f"  [{case['class']}] {case['prompt']!r} -> {found}")
    assert rate >= 0.95, rate


# Sets written in sessions 8 to 11 by people who never read the parser, scored before its rules
# changed (first run: 77, 89, 90, 101, 99, 85, 69, 46, 86 of 120; sets 18 to 24 86, 95, 97, 100,
# 73, 104 and 82 of 120 on the parser as session 10's passes had left it; sets 25 to 27 102, 91
# and 90 at session 11's start; 28 and 29 101 and 96, never looked at for a pass; 36 to 38 85, 78
# and 69 at session 13's start, scored once at its end and not looked at for a pass; 39 to 41 100,
# 93 and 102 at session 14's start, scored once at its end, 104, 97 and 101, never looked at for a
# pass; 42 to 44 109, 102 and 97 at session 15's start, scored once at its end, 109, 102 and 99, never
# looked at for a pass; 45 to 47 101, 108 and 98 at session 16's start, scored once at its end, 104, 108
# and 98, never looked at for a pass; 48 to 56 written during session 16 and scored on arrival (48 to 50
# 95, 85, 95 at the session's start and 96, 87, 98 when they came; 51 to 53 108, 106, 99 both ways;
# 54 to 56 109, 102, 106 at the start, 110, 102, 107 when they came), then used as dev data; 57 to 59 98, 96
# and 110 at session 17's start, scored once at its end, 101, 97 and 110, never looked at for a pass; 60 to 68 written
# during session 17 and scored on arrival (60 to 62 113, 90, 113 and 63 to 65 105, 105, 97, the same on the
# session-start parser and on the parser then; 66 to 68 108, 107, 93 at the start, 109, 108, 94 when they came),
# then used as dev data); held to where the passes left them (they must not slip back while other phrasing
# is fixed). Labels that wrote left-round-the-back-to-right as -90 -> 270 (a full turn, against the spec's own
# convention) read -90 -> -270 since session 17: two in sets 42 and 45, and in sets 57 to 68 (one in 58, five
# in 61) by that rule alone, before any set was scored.
# Session 19 lowered two floors by one (sets 36, 52; sets 9 to 89 went from 8,858 to 8,945 in all): keeping an unplaced sound beside placed ones only when a noun that is no verb, a person, weather, or a
# word or two name it fixed more prompts than it broke ("chalk squeaking", "hull groaned" are left out, and
# the note names them). Sets 90 to 92
# were written at session 19's start and scored once (319 of 360), 93 to 95 on arrival (318 at the start,
# 321 then), 96 to 98 on arrival (314 at the start, 317 then), 99 to 101 on arrival (318 at the start, 317 then), 102 to 104 on arrival (297
# at the start, 300 then), 105 to 107 on arrival (316 at the start, 321 then).
# Session 20 raised none below its start (sets 9 to 107 went from 10,886 to 10,922). Sets 108 to 110 were
# written at session 20's start and scored once by its start parser (308 of 360); 111 to 113 on arrival (303
# at the start, 304 then), 114 to 116 on arrival (315 at the start, 314 then), 117 to 119 on arrival (326 at
# the start, 329 then).
# Session 21 raised none below its start (sets 9 to 119 went from 12,231 to 12,309). Sets 120 to 122 were
# written at session 21's start and scored once by its start parser (320 of 360); 123 to 125 on arrival (312
# at the start, 312 then: 104/103, 110/111, 98/98).
FLOORS = {9: 118, 10: 118, 11: 118, 12: 115, 13: 119, 14: 115, 15: 106, 16: 93, 17: 116, 18: 112, 19: 109, 20: 114,
          21: 117, 22: 104, 23: 119, 24: 110, 25: 120, 26: 114, 27: 118, 28: 115, 29: 113, 30: 110, 31: 108, 32: 112,
          33: 112, 34: 114, 35: 115, 36: 101, 37: 104, 38: 107, 39: 115, 40: 115, 41: 110, 42: 120, 43: 118, 44: 115,
          45: 116, 46: 114, 47: 110, 48: 105, 49: 102, 50: 113, 51: 118, 52: 111, 53: 113, 54: 118, 55: 111, 56: 112,
          57: 102, 58: 103, 59: 113, 60: 118, 61: 110, 62: 119, 63: 112, 64: 110, 65: 108, 66: 116, 67: 116, 68: 107,
          69: 108, 70: 114, 71: 105, 72: 116, 73: 110, 74: 111, 75: 116, 76: 113, 77: 115, 78: 112, 79: 106, 80: 112,
          81: 105, 82: 113, 83: 100, 84: 110, 85: 110, 86: 115, 87: 88, 88: 114, 89: 97, 90: 109, 91: 116, 92: 109,
          93: 107, 94: 108, 95: 114, 96: 107, 97: 106, 98: 113, 99: 110, 100: 108, 101: 113, 102: 103, 103: 99, 104: 110,
          105: 110, 106: 114, 107: 104, 108: 111, 109: 110, 110: 108, 111: 114, 112: 106, 113: 112, 114: 102, 115: 106, 116: 117,
          117: 113, 118: 110, 119: 114, 120: 111, 121: 116, 122: 119, 123: 109, 124: 115, 125: 98}


@pytest.mark.parametrize("name,floor", [(f"phrasing_prompts_heldout{k}.jsonl", v) for k, v in FLOORS.items()])
def test_phrasing_score_later_sets_do_not_slip(name, floor):
    import phrasing_score

    _, rows = phrasing_score.score(parse, phrasing_score.load(phrasing_score.PROMPTS.parent / name))
    passed = sum(ok for _, ok, _ in rows)
    assert passed >= floor, passed


def _one(text):
    (s,) = parse(text).sources
    return s


def _assert_sources(text, labels, az):
    """The parse of `text` has one source per label, in order, each naming its label and at its azimuth."""
    src = parse(text).sources
    assert len(src) == len(labels), [(s.label, s.azimuth_start_deg) for s in src]
    for s, label, a in zip(src, labels, az):
        assert label in s.label.lower() and round(s.azimuth_start_deg) == a, (s.label, s.azimuth_start_deg)


def _assert_sources_and_heights(text, labels, az, el):
    """As _assert_sources, each source's label holding its word (as written), and its height's sign
    (+1 up, -1 down, 0 level) as given."""
    src = parse(text).sources
    assert len(src) == len(labels), src
    for s, w, a, e in zip(src, labels, az, el):
        assert w in s.label and round(s.azimuth_start_deg) == a and (s.elevation_deg > 0) - (s.elevation_deg < 0) == e, s


@pytest.mark.parametrize("text,az", [
    ("wind L, crickets R", [-90, 90]), ("pls put the guitar hard L and drums hard R", [-90, 90]),
    ("fan humming on the R", [90]), ("traffic bed at 90R", [90]), ("typing slightly R", [20]),
    ("L: dripping tap. R: hair dryer. C: toothbrush buzz.", [-90, 90, 0]),
])
def test_capital_letter_sides(text, az):
    assert [round(s.azimuth_start_deg) for s in parse(text).sources] == az


@pytest.mark.parametrize("text", ["an R&B track plays", "the L.A. traffic hums", "a CD player spins"])
def test_capitals_in_words_place_nothing(text):
    assert all(s.azimuth_start_deg == 0 for s in parse(text).sources)


@pytest.mark.parametrize("text,az", [
    ("Camera left, a kettle starts to whistle.", -90), ("a train whistle far off to screen right", 90),
    ("a truck rumbles out of frame left", -90),
])
def test_camera_and_screen_sides(text, az):
    assert round(_one(text).azimuth_start_deg) == az


@pytest.mark.parametrize("text,azs", [
    ("Rain at front-left and front-right.", [-45, 45]), ("Frogs on both sides (left and right).", [-90, 90]),
    ("horses on both sides of the road", [-90, 90]), ("Two birds, one on each side.", [-90, 90]),
])
def test_one_sound_in_mirrored_places_is_one_source_per_place(text, azs):
    srcs = parse(text).sources
    assert sorted(round(s.azimuth_start_deg) for s in srcs) == azs
    assert len({s.label for s in srcs}) == 1 and not any(s.moving for s in srcs)


@pytest.mark.parametrize("text", ["a dog barks on the left, then on the right", "to the left and behind, a fan hums",
                                  "A frog chorus in the frontal region, centred at 0 degrees."])
def test_places_that_are_not_a_spread_stay_one_source(text):
    assert len(parse(text).sources) == 1


@pytest.mark.parametrize("text,a0,a1", [
    ("Right-to-left, a tram glides by.", 90, -90), ("A horse gallops from straight ahead off to the left.", 0, -90),
    ("a drone sweeps slowly from hard right across the front to hard left", 90, -90),
])
def test_more_ways_to_say_a_move(text, a0, a1):
    s = _one(text)
    assert s.moving and round(s.azimuth_start_deg) == a0 and round(s.azimuth_end) == a1


@pytest.mark.parametrize("text,label,az", [
    ("Behind and slightly to the left: a violin.", "violin", -160),
    ("kid laughing a lil to the left", "kid", -20), ("a coworker on the phone at -45.", "coworker", -45),
    ("a bicycle bell at about -60", "bell", -60), ("frogs croaking on the right bank", "frogs", 90),
])
def test_more_small_offsets_and_angles(text, label, az):
    s = _one(text)
    assert label in s.label and round(s.azimuth_start_deg) == az


@pytest.mark.parametrize("text,labels", [
    ("INT. KITCHEN - fridge hum dead center", ["fridge hum"]),
    ("Stealth level; a dog barking far off to the right", ["dog barking"]),
    ("wolf howl, hard right, once every 20 seconds", ["wolf howl"]),
    ("Guard NPC patrolling behind the player, whistling to himself.", ["guard NPC patrolling"]),
])
def test_more_pieces_that_are_not_sounds(text, labels):
    assert [s.label for s in parse(text).sources] == labels


@pytest.mark.parametrize("text,label,az", [
    ("The storm room. Rain beats on the windows to the right.", "rain", 90),
    ("Mining exhibit. Water drips somewhere behind.", "water", 180),
    ("Visitors standing at the marker should hear a steam engine on the far left.", "steam engine", -90),
    ("Pickaxes strike rock to the visitor's left.", "pickaxes", -90),
    ("Strings: violins at 10 o'clock, violas at 11.", "violas", -30),
])
def test_exhibit_headings_visitors_and_clock_hours(text, label, az):
    (s,) = [x for x in parse(text).sources if label in x.label]
    assert round(s.azimuth_start_deg) == az
    assert all(x.label.split()[0] not in ("visitors", "storm", "mining") for x in parse(text).sources)


def test_a_storm_in_a_room_is_still_a_sound():
    assert [s.label for s in parse("A thunder storm in the room on the left.").sources] == ["thunder storm"]


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("form", ["{S} side: a bell rings.", "On the {s}, a bell rings.", "Towards the {s}, a bell rings.",
                                  "{S}: a bell rings.", "To my {s}, a bell rings."])
def test_direction_before_the_sound_places_it(form, side):
    s = _one(form.format(s=side, S=side.capitalize()))
    assert "bell" in s.label and s.azimuth_start_deg == (-90 if side == "left" else 90) and not s.moving


@pytest.mark.parametrize("words", ["slightly", "a little", "a bit", "just"])
@pytest.mark.parametrize("side", [-1, 1])
def test_small_offsets_are_10_to_30_degrees(words, side):
    s = _one(f"a clock ticks {words} to the {'left' if side < 0 else 'right'} of me")
    assert 10 <= side * s.azimuth_start_deg <= 30 and words.split()[-1] not in s.label, s


def test_numbers_in_words_match_digits(rng):
    from bewo_rt.text.parser import parse as p

    ones = "zero one two three four five six seven eight nine".split()
    tens = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"}
    for n in rng.integers(20, 100, size=12):
        n = int(n)
        words = tens[n // 10 * 10] + ("-" + ones[n % 10] if n % 10 else "")
        for side, sign in (("left", -1), ("right", 1)):
            assert p(f"a horn {words} degrees to the {side}").sources[0].azimuth_start_deg == sign * n


@pytest.mark.parametrize("text,up", [("a helicopter hovers overhead", True), ("rain on the roof above", True),
                                     ("a fan hums from the ceiling", True), ("water gurgles in the pipes below", False),
                                     ("something rumbles beneath the floor on the left", False)])
def test_elevation_words(text, up):
    s = _one(text)
    assert (s.elevation_deg > 0) == up and s.elevation_deg != 0, s


def test_signed_angles_move_the_way_they_say(rng):
    for _ in range(10):
        a = int(rng.integers(-180, 180))
        b = a + int(rng.integers(-400, 400))
        if b == a:
            continue
        s = _one(f"a bee circles from {a} to {b} degrees")
        assert s.moving and abs((s.azimuth_end - s.azimuth_start_deg) - (b - a)) < 1e-9, (a, b, s)


@pytest.mark.parametrize("sep", ["\n", " / ", " | ", " + ", " -- ", "\n\u2022 "])
def test_separators_split_items(sep):
    d = parse(f"a bell rings on the right{sep}a baby cries on the left")
    assert [(s.label, s.azimuth_start_deg) for s in d.sources] == [("bell rings", 90), ("baby cries", -90)]


def test_emoji_name_or_separate_items():
    d = parse("\U0001F436 barking on the left \U0001F697 passing right to left")
    assert [(s.label, s.azimuth_start_deg, s.azimuth_end) for s in d.sources] == \
        [("dog barking", -90, -90), ("car", 90, -90)]
    assert [s.label for s in parse("a dog barks \U0001F436 on the left").sources] == ["dog barks"]  # decoration


@pytest.mark.parametrize("text,labels", [
    ("A duet: a flute on the left and a cello on the right.", ["flute", "cello"]),
    ("Three birds: one on the left, one ahead, one on the right.", ["bird", "bird", "bird"]),
    ("Two dogs: one barking on the left, the other growling on the right.", ["dog barking", "dog growling"]),
])
def test_list_after_a_colon(text, labels):
    assert [s.label for s in parse(text).sources] == labels


@pytest.mark.parametrize("text,label", [("Water running in a sink on the left.", "water running"),
                                        ("Someone walking on the left.", "someone walking"),
                                        ("Children running and shouting on the left.", "children running")])
def test_participles_that_describe_a_sound_stay_put(text, label):
    s = _one(text)
    assert s.label.startswith(label) and s.azimuth_start_deg == -90 and not s.moving


@pytest.mark.parametrize("text,kind", [("a dog barks", "direction"), ("un chien aboie \u00e0 gauche", "English"),
                                       ("ein Hund bellt links", "English")])
def test_note_when_nothing_says_where(text, kind):
    d = parse_dict(text)
    assert kind in d["note"] and all(s["azimuth_start_deg"] == 0 for s in d["sources"])
    from bewo_rt.scene import Scene

    assert Scene.from_dict(json.loads(json.dumps(d))).note == d["note"]  # every reader keeps it
    from bewo_rt import _core

    state = _core.scene_azimuth_state(json.dumps(d), 4.0, 32, 17)  # the C++ reader (C API, --scene)
    assert state.shape == (4 * 17, 32) and np.isfinite(state).all()
    assert "note" not in parse_dict("a dog barks on the left")


def test_cli_prints_the_note_as_a_warning(capsys):
    from bewo_rt.cli import main

    assert main(["parse", "a dog barks", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "warning: no direction words" in err and json.loads(out)["note"]


def test_one_vocabulary_for_captions_and_parser():
    """The caption generator's words are the parser's table (csrc/runtime/vocabulary.cpp), and the
    parser reads every one of them as the class the generator means."""
    from bewo_rt import _core
    from bewo_rt.text import captions

    v = _core.shared_vocabulary()
    assert captions.LOCATION_WORDS == v["location_words"] and captions.SPEED_VERBS == v["speed_verbs"]
    assert captions.NEAR_PHRASES == v["near_phrases"] and captions.DISTANCE_CHANGE == v["distance_change"]
    for cls, phrases in v["location_words"].items():
        for p in phrases:
            s = parse(f"a bell rings {p}").sources[0]
            assert direction_words_class(s.azimuth_start_deg) == cls and s.label == "bell rings", (p, s)
    for cls, phrases in v["endpoint_words"].items():
        for p in phrases:
            s = parse(f"a bell moves from {p} to 100 degrees right").sources[0]
            assert direction_words_class(s.azimuth_start_deg) == cls, (p, s)
    for speed, words in v["speed_adverbs"].items():
        for w in words:
            assert parse(f"a bell moves {w} from the left to the right").sources[0].speed == speed, w
    for speed, verbs in v["speed_verbs"].items():
        for singular, plural, ing in verbs:
            assert parse(f"a bell {singular} from the left to the right").sources[0].speed == speed, singular
            assert parse(f"bells {plural} from the left to the right").sources[0].speed == speed, plural
    for cls, words in (("near", v["near_phrases"]), ("far", v["far_phrases"]), ("moderate", v["moderate_phrases"])):
        for w in words:
            s = parse(f"a bell rings on the left {w}").sources[0]
            assert distance_class(s.distance_m) == cls, (w, s)


@pytest.mark.parametrize("text,label,az", [
    ("Not on the left but on the right: a phone rings.", "phone", 90),
    ("A blender is running, not behind me, in front of me.", "blender", 0),
    ("A GPS voice says 'turn left at the next junction' from the dashboard directly ahead.", "voice", 0),
    ("A horn (the brass instrument, not a car horn) plays on the left.", "horn", -90),
    ("Looking down the highway, a truck in the left lane honks straight ahead of me.", "truck", 0),
    ("generator hum 60 deg left, looped, static", "generator", -60),
    ("laser shot, az -30", "laser", -30),
    ("crowd murmur behind-left", "crowd", -135),
])
def test_words_that_do_not_place(text, label, az):
    """Negations, quoted speech, asides, listener poses, lane names and descriptors place nothing."""
    s = _one(text)
    assert label in s.label and s.azimuth_start_deg == az, s


def test_distances_in_metres_and_feet(rng):
    for _ in range(5):
        m = round(float(rng.uniform(0.5, 40)), 1)
        assert _one(f"a bell rings {m} m away on the left").distance_m == pytest.approx(m)
        assert _one(f"a bell rings about {m} metres to the right").distance_m == pytest.approx(m)
    assert _one("a bell rings ten feet behind me").distance_m == pytest.approx(3.048)


def test_the_same_source_named_twice_moves():
    s = _one("A bird sings to my right. The same bird then flies over to my left.")
    assert s.azimuth_start_deg == 90 and s.azimuth_end == -90


def test_silent_sources_are_not_placed():
    d = parse("A horn plays on the left; the parked car on the right is silent.")
    assert [x.label for x in d.sources] == ["horn plays"]


def test_game_audio_shorthand():
    s = _one("car pass-by L to R, fast")
    assert s.azimuth_start_deg == -90 and s.azimuth_end == 90 and s.speed == "fast"


@pytest.mark.parametrize("text,labels", [
    ("Kitchen at dinnertime. The kettle whistles to my left, the dishwasher hums behind me.",
     ["kettle whistles", "dishwasher hums"]),
    ("In the headset, a notification chime should come from slightly left of center.", ["notification chime"]),
    ("When the player enters the cave, water should drip from above.", ["water should drip"]),
    ("Imagine you are Goldilocks. A clock ticks behind you.", ["clock ticks"]),
    ("put the narrator voice straight ahead and ambient birdsong behind the user",
     ["narrator voice", "ambient birdsong"]),
])
def test_settings_places_and_instructions_are_not_sounds(text, labels):
    assert [s.label for s in parse(text).sources] == labels


def test_instructions_and_listener_words_still_place():
    d = parse("put the narrator voice straight ahead and ambient birdsong behind the user")
    assert [s.azimuth_start_deg for s in d.sources] == [0, 180]


def test_bare_places_after_a_counted_heading_are_its_items():
    d = parse("Three cars honking: left, right, and behind.")
    assert [(s.label, s.azimuth_start_deg) for s in d.sources] == [("cars honking", -90), ("cars honking", 90),
                                                                   ("cars honking", 180)]


@pytest.mark.parametrize("text,a0,a1", [
    ("A hawk spirals around the listener twice, clockwise, starting on the right.", 90, 810),
    ("A whisper makes one full lap around my head, starting from behind and going counter-clockwise.", 180, -180),
    ("A kid on a bike rides from my front-left, around through the right and behind, back to front-left.", -45, 315),
])
def test_full_turns(text, a0, a1):
    s = _one(text)
    assert (s.azimuth_start_deg, s.azimuth_end) == (a0, a1), s


@pytest.mark.parametrize("text,a0,a1", [
    ("Synth pad rotates around the listener's head clockwise, one full turn, starting at the front.", 0, 360),
    ("a fly buzzes around me counter-clockwise, one full turn, starting from straight ahead", 0, -360),
])
def test_a_full_turn_said_apart_is_the_same_sources_circle(text, a0, a1):
    s = _one(text)
    assert round(s.azimuth_start_deg) == a0 and round(s.azimuth_end) == a1


def test_a_turn_is_not_a_circle():
    s = _one("the car makes a turn to the left")
    assert abs(s.azimuth_end - s.azimuth_start_deg) < 360


def test_angles_in_words_after_at_when_the_prompt_speaks_degrees():
    got = [(s.label, round(s.azimuth_start_deg)) for s in
           parse("A violin plays at zero degrees, a cello at ninety, and a piano at one hundred eighty.").sources]
    assert got == [("violin plays", 0), ("cello", 90), ("piano", 180)]
    # without degrees anywhere, "at nine" is not an angle of 9
    assert round(_one("a bell rings at nine").azimuth_start_deg) != 9


# ---- session 9: held-out set 12 and what sets 9 and 11 still missed ----------------------------

@pytest.mark.parametrize("text,a0,a1", [
    ("A train approaches from the far right and rumbles off to the left.", 90, -90),
    ("A bus starts on the left and then speeds off to the right.", -90, 90),
    ("A cat meows behind me. Then the same cat jumps onto the shelf to my right and meows again.", 180, 90),
])
def test_a_verb_after_and_goes_on_with_the_sound_before_it(text, a0, a1):
    s = _one(text)
    assert (round(s.azimuth_start_deg), round(s.azimuth_end)) == (a0, a1)


@pytest.mark.parametrize("text,n", [
    ("footsteps on the left and knocks on the right", 2),  # a plural noun, not a verb
    ("a dog barks on the left and birds sing on the right", 2),  # a new subject
    ("someone shouting on the left and crashes on the right", 2),  # no finite verb before
])
def test_a_new_subject_after_and_is_a_new_sound(text, n):
    assert len(parse(text).sources) == n


def test_a_sound_named_again_with_the_is_where_it_was():
    door = parse("FX: Knock on the door, back right. Then the door creaks open.").sources
    assert [round(s.azimuth_start_deg) for s in door] == [135, 135]
    assert parse("A dog barks on the left. The dog whimpers.").sources[-1].azimuth_start_deg == -90
    # a sound not named before keeps its own (missing) place
    assert parse("A dog barks on the left. The wind howls.").sources[-1].azimuth_start_deg == 0


@pytest.mark.parametrize("text,where", [
    ("A baby cries on the right, then its mother hums a lullaby next to it.", [90, 90]),
    ("A horse neighs behind me and its rider laughs beside it.", [180, 180]),
])
def test_someone_of_its_own_next_to_it(text, where):
    assert [round(s.azimuth_start_deg) for s in parse(text).sources] == where


def test_a_move_from_there_starts_where_the_sound_before_it_is():
    door, steps = parse("First a door opens behind me, then footsteps walk from there toward the front.").sources
    assert door.azimuth_start_deg == 180 and (steps.azimuth_start_deg, steps.azimuth_end) == (180, 0)


@pytest.mark.parametrize("text,labels,az", [
    ("i want rain and thunder, thunder kinda behind me", ["rain", "thunder"], [0, 180]),
    ("Thunder. Just thunder.", ["thunder"], [0]),
    ("a bell on the left, a bell on the right", ["bell", "bell"], [-90, 90]),  # two places: two bells
])
def test_a_sound_named_twice_is_one_source_unless_placed_twice(text, labels, az):
    src = parse(text).sources
    assert [s.label.lower() for s in src] == labels and [round(s.azimuth_start_deg) for s in src] == az


@pytest.mark.parametrize("text,label,az", [
    ("All right, let's hear some ocean waves.", "ocean waves", 0),
    ("Right away, a phone starts ringing behind me.", "phone", 180),
    ("He left the room and the door slammed shut on my right.", "door", 90),
    ("The guy who left the party is now knocking on the window to my right.", "guy", 90),
    ("I left my window open and rain is falling on the left.", "rain", -90),
])
def test_left_and_right_that_are_not_sides(text, label, az):
    s = _one(text)
    assert label in s.label.lower() and round(s.azimuth_start_deg) == az


@pytest.mark.parametrize("text,az", [
    ("a violin pans right, then fades out", 90),  # "right, then": still a side
    ("the crowd cheers on the right", 90), ("she turns left at the door", -90), ("a car, then left", -90),
])
def test_sides_next_to_idiom_words_stay_sides(text, az):
    s = parse(text).sources[0]
    assert az in (round(s.azimuth_start_deg), round(s.azimuth_end))


@pytest.mark.parametrize("text,labels,az", [
    ("Frying pan sizzling in front of me, microwave beeping on the right.", ["frying pan", "microwave"], [0, 90]),
    ("Cloth rustle close to the left ear, breathing centered.", ["cloth", "breathing"], [-90, 0]),
    ("a dog on the right, typing to the left", ["dog", "typing"], [90, -90]),
    ("The user stands in a forest; a woodpecker is at their 10 o'clock.", ["woodpecker"], [-60]),
    ("The ice cream truck drives from the right side to the left side, playing its happy music.", ["truck"], [90]),
])
def test_nouns_participles_and_settings_from_set_12(text, labels, az):
    src = parse(text).sources
    assert len(src) == len(labels)
    for s, label, a in zip(src, labels, az):
        assert label in s.label.lower() and round(s.azimuth_start_deg) == a


def test_a_circle_starting_behind_without_from():
    s = _one("A solo violinist walks in a circle around me while playing, starting behind me.")
    assert s.azimuth_start_deg == 180 and abs(s.azimuth_end - s.azimuth_start_deg) == 360


@pytest.mark.parametrize("text,a0,turn", [
    ("The fire truck siren goes around you in one full circle. It starts on your right and goes to the back first.", 90, 360),
    ("The fire truck siren goes around you in one full circle. It starts on your right and goes to the front first.", 90, -360),
    ("Velodrome: the riders circle the track around us once, counterclockwise, starting behind us.", 180, -360),
    ("a propeller plane circling the visitor once counterclockwise, starting in front of them", 0, -360),
    ("The cheering travels around the whole stadium clockwise, one lap, starting in front of us.", 0, 360),
    ("A bird flies a full loop around me anticlockwise, starting and ending at my right.", 90, -360),
])
def test_full_turns_with_a_start_and_a_way_round(text, a0, turn):
    s = parse(text).sources[-1]
    assert (round(s.azimuth_start_deg), round(s.azimuth_end - s.azimuth_start_deg)) == (a0, turn)


def test_an_arc_round_the_listener_is_not_a_full_turn():
    s = _one("A helicopter circles around the listener from the left, across the back, to the right.")
    assert (s.azimuth_start_deg, s.azimuth_end) == (-90, -270)


@pytest.mark.parametrize("text,labels", [
    ("Mountain pass. An eagle screeches high overhead; wind whistles from the left.", ["eagle", "wind"]),
    ("Train platform. The announcement speaker is high up on my right.", ["announcement speaker"]),
    ("Left: nothing. Right: a vacuum cleaner running.", ["vacuum cleaner"]),
])
def test_place_headings_and_empty_places(text, labels):
    src = parse(text).sources
    assert len(src) == len(labels) and all(w in s.label.lower() for s, w in zip(src, labels))
    assert all(not s.moving for s in src)


@pytest.mark.parametrize("text,labels,az", [
    ("I'm lying in bed when I hear a mosquito buzzing right by my left ear.", ["mosquito"], [-90]),
    ("From the hospital bed I can hear the heart monitor beeping on my right", ["heart monitor"], [90]),
    ("Walking home, I heard footsteps behind me, then a bus rumbled past from right to left.", ["footsteps", "bus"], [180, 90]),
    ("We stood on the pier; gulls screamed above us and the waves broke somewhere to the right.", ["gulls", "waves"], [0, 90]),
    ("Add a generator hum, stationary, at the player's back left when they spawn.", ["generator hum"], [-135]),
    ("Sniper shot from the far right, echo comes back from the left", ["sniper shot", "echo"], [90, -90]),
    ("In the library, someone turns pages to my front-right.", ["someone"], [45]),
])
def test_listeners_hearing_time_clauses_and_echoes(text, labels, az):
    src = parse(text).sources
    assert len(src) == len(labels), [s.label for s in src]
    for s, label, a in zip(src, labels, az):
        assert label in s.label.lower() and round(s.azimuth_start_deg) == a and (label != "someone" or not s.moving)


@pytest.mark.parametrize("text,labels,az", [
    ("need: rain loop L/R, thunder far back", ["rain", "rain", "thunder"], [-90, 90, 180]),
    ("Applause from both the left and the right.", ["applause", "applause"], [-90, 90]),
    ("Car alarms blaring on my left and right, and a cat hissing at my feet.", ["car alarms", "car alarms", "cat"], [-90, 90, 0]),
    ("footsteps (left) door knock (right) clock ticking (center)", ["footsteps", "door knock", "clock"], [-90, 90, 0]),
    ("guitar strumming to the rigth -- drums up front", ["guitar", "drums"], [90, 0]),
    ("baby crys behnd me while tv plays on my left side", ["baby", "tv"], [180, -90]),
    ("At dawn, wolves howl in the distance ahead, answered by a lone coyote back right.", ["wolves", "coyote"], [0, 135]),
    ("Goal! The stadium horn blasts from high up behind us while the fans chant to the right.", ["horn", "fans"], [180, 90]),
    ("A singing bowl rings directly above your head as you breathe in.", ["singing bowl"], [0]),
    ("The conductor announces we're on the right track as the train rumbles ahead of me.", ["conductor", "train"], [0, 0]),
])
def test_set_13_classes(text, labels, az):
    _assert_sources(text, labels, az)


def test_heights_with_a_side_and_at_the_feet():
    gulls = _one("seagulls: upper left")
    assert gulls.azimuth_start_deg == -90 and gulls.elevation_deg > 0
    assert _one("the cat purrs down by your feet").elevation_deg < 0
    assert _one("a drum at the lower right").elevation_deg < 0


def test_arrivals_and_dropping_back():
    assert not _one("Subway train pulling in behind me").moving
    car = _one("Racing sim: opponent car pulls alongside on the right, then drops back behind us.")
    assert (car.azimuth_start_deg, car.azimuth_end) == (90, 180)


@pytest.mark.parametrize("text", ["a bull bellows on the left", "the choir overheard on the left"])
def test_real_words_are_not_taken_for_misspellings(text):
    assert parse(text).sources[0].azimuth_start_deg == -90


@pytest.mark.parametrize("text,labels,az", [
    ("a dog barks on the left and a cat answers from the opposite side", ["dog", "cat"], [-90, 90]),
    ("My roommate is snoring on the right; on the other side of me the radiator clanks.", ["roommate", "radiator"], [90, -90]),
    ("a bell rings straight ahead; from the opposite side a gong answers", ["bell", "gong"], [0, 180]),
    ("My neighbour's drill is going on the other side of the wall to my right.", ["drill"], [90]),
    ("the crickets aren't on my right, they're to my left", ["crickets"], [-90]),
    ("I don't want the rain in front of me, put it behind me instead.", ["rain"], [180]),
    ("the dog is barking up front, the gate creaks on the left, and the thunder? that's behind me",
     ["dog", "gate", "thunder"], [0, -90, 180]),
    ("Cicadas buzzing in the heat and a tractor chugging along, the cicadas to my left and the tractor ahead and to the right.",
     ["cicadas", "tractor"], [-90, 45]),
])
def test_opposites_negations_and_later_places(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels", [
    ("Welcome to the Hall of Birds. On your left, listen for the call of the common loon.", ["loon"]),
    ("Stop at marker seven. The blacksmith's hammer rings out to the right of you.", ["hammer"]),
    ("Close your eyes. Far away in front of you, a train goes choo-choo.", ["train"]),
    ("June 4, 6:10 am. Song sparrow singing from the hedge to my right.", ["sparrow"]),
    ("Sat by the pond. Bullfrogs croaking front-left.", ["bullfrogs"]),
    ("Biking to work, a car honked right behind me.", ["car"]),
    ("EXT. HIGHWAY - DAY. A truck roars past from left to right.", ["truck"]),
    ("For the AR demo, spawn a drone buzzing overhead.", ["drone"]),
    ("You're lying in bed and you hear footsteps walking across the ceiling above you.", ["footsteps"]),
    ("Close to me a dog barks.", ["dog"]),  # "close" as near is still a place word
])
def test_openers_that_are_not_sounds(text, labels):
    src = parse(text).sources
    assert len(src) == len(labels) and all(w in s.label.lower() for s, w in zip(src, labels)), [s.label for s in src]


def test_motion_goes_on_in_participles_and_turns_round_a_chair():
    bike = _one("You hear a motorbike approaching from your left, roaring past in front of you and fading off to your right.")
    assert (bike.azimuth_start_deg, bike.azimuth_end) == (-90, 90)
    kitten = _one("The kitten chases a jingle ball all the way around my chair, starting on my left.")
    assert kitten.azimuth_start_deg == -90 and abs(kitten.azimuth_end - kitten.azimuth_start_deg) == 360
    assert not _one("blender going in the kitchen to my left").moving
    dogs = parse("I hear two dogs, one on my left and one on my right, barking at each other.").sources
    assert [round(s.azimuth_start_deg) for s in dogs] == [-90, 90]


def test_ordinals_name_the_part():
    src = parse("A string quartet arranged around me: first violin front-left, second violin front-right, viola "
                "behind-right, cello behind-left.").sources
    assert [s.label for s in src] == ["first violin", "second violin", "viola", "cello"]
    assert [round(s.azimuth_start_deg) for s in src] == [-45, 45, 135, -135]
    assert _one("First a door opens behind me").label == "door opens"  # "First" there is when


@pytest.mark.parametrize("text,a0,a1", [
    ("a truck passes me on the left", -135, -45),          # along the left, from behind to the front
    ("a car overtakes us on the right", 135, 45),
    ("an oncoming bus passes on my left", -45, -135),      # coming towards the listener: front to back
    ("a car coming towards me passes on my right", 45, 135),
    ("Biking to work, a car honked right behind me and then passed me on the left.", -180, 0),  # on ahead
    ("a jogger catching up from behind and passing me on the right", 180, 0),
    ("a car passes from left to right", -90, 90),          # across, not along a side
])
def test_passing_along_a_side(text, a0, a1):
    s = _one(text)
    assert s.moving and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (a0, a1)


@pytest.mark.parametrize("text,labels,az", [
    # the story around placed sounds is not a sound of its own
    ("Dear diary - couldn't sleep again. The neighbour's TV blared through the wall to my right.", ["tv"], [90]),
    ("Mara stood at the edge of the platform and waited. Somewhere off to her left a dog was barking.", ["dog"], [-90]),
    ("Safari day two!! Lions roaring somewhere to our left, hippos grunting in the river in front. Unreal.",
     ["lions", "hippos"], [-90, 0]),
    # a place given with a silent landmark belongs to the sound beside it
    ("The bats squeaked on the roof of the cave to our left. Far ahead, where the tunnel opened out, a waterfall roared.",
     ["bats", "waterfall"], [-90, 0]),
    # an emoji after a sound's own word decorates it
    ("ocean 🌊 straight ahead, seagulls 🐦 above me on the right", ["ocean", "seagulls"], [0, 90]),
])
def test_story_framing_landmarks_and_decorating_emoji(text, labels, az):
    _assert_sources(text, labels, az)


def test_an_unplaced_sound_is_kept_beside_placed_ones():
    # a clause that names something heard stays (ahead, with a note), even with no place
    scene = parse("a dog barks on the left and a cat meows")
    assert [s.label for s in scene.sources] == ["dog barks", "cat meows"] and "cat meows" in scene.note
    # a bare name with no place beside placed sounds is left out, and the note says so
    scene = parse("a dog barks on the left and a theremin")
    assert [s.label for s in scene.sources] == ["dog barks"] and "left out 'theremin'" in scene.note


@pytest.mark.parametrize("text,labels,az", [
    ('{"sound": "church bell", "position": "front-right"}', ["church bell"], [45]),
    ('[{"sound": "dog", "az": -90}, {"sound": "cat", "az": 90}]', ["dog", "cat"], [-90, 90]),
    ("source=waterfall; azimuth=behind-left", ["waterfall"], [-135]),
    ("{wind: 10 o'clock, chimes: 2 o'clock}", ["wind", "chimes"], [-60, 60]),
    ("left: rooster, right: goat, behind: tractor", ["rooster", "goat", "tractor"], [-90, 90, 180]),
    ("front = typewriter | back = grandfather clock | right = radiator hiss", ["typewriter", "clock", "radiator"],
     [0, 180, 90]),
    ("az=-45: crackling campfire; az=90: owl hoots", ["campfire", "owl"], [-45, 90]),
    ("position: left, sound: dog barking, volume: 0.8", ["dog"], [-90]),   # a key that is neither what nor where
    ("Layer A: surf on the right. Layer B: gulls overhead, left.", ["surf", "gulls"], [90, -90]),
    # sound-library file names: the description says what is heard
    ("DOOR_Wood_Creak_Slow_01.wav - old wooden door creaking open, hard left", ["door"], [-90]),
    ("VEH_Car_Pass_LtoR_Fast.wav — car whooshes by left to right, in front", ["car"], [-90]),
    # mix notation: pan positions (100 is hard over), C for the centre beside L and R
    ("Vox C, gtr 1 hard L, gtr 2 hard R, keys pan 30L", ["vox", "gtr", "gtr", "keys"], [0, -90, 90, -30]),
    ("Organ pan 100L, clav 100R, and the bongos sit around 45R.", ["organ", "clav", "bongos"], [-90, 90, 45]),
    ("pan the tambourine 60R, leave the lead vocal dead C", ["tambourine", "vocal"], [60, 0]),
])
def test_fields_file_names_and_mix_notation(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text", ["Layer C: a piano on the left", "a piano in C on the left, strings R"])
def test_a_capital_c_that_names_is_not_the_centre(text):
    assert parse(text).sources[0].azimuth_start_deg == -90


def test_a_lone_file_name_is_read_as_its_words():
    s = _one("dog_bark_left.wav")
    assert s.label.startswith("dog bark") and s.azimuth_start_deg == -90


@pytest.mark.parametrize("text,label,az", [
    ("Put the harp at 3 o'clock — sorry, I meant 9 o'clock.", "harp", -90),
    ("Rain in front... actually no, make the rain come from behind.", "rain", 180),
    ("Drone: behind-left. No — behind-right, and up high.", "drone", 135),
    ("the whistle: not on the right - on the left, about thirty degrees", "whistle", -30),
])
def test_a_corrected_place_replaces_the_first(text, label, az):
    s = _one(text)
    assert label in s.label.lower() and round(s.azimuth_start_deg) == az


def test_a_correction_naming_a_new_sound_is_a_new_source():
    assert [round(s.azimuth_start_deg) for s in parse("a dog on the left, actually a cat on the right").sources] == [-90, 90]


@pytest.mark.parametrize("text,az", [
    ("can i get someone whistling at like 2 oclock and a bike bell at 10", [60, -60]),
    ("a dog at 3 o'clock and a cat at 10 metres on the left", [90, -90]),   # "at 10 metres" is a distance
    ("a fountain off to the left at roughly 45 degrees", [-45]),            # an unsigned angle on a named side
    ("a bell on the right at 30 degrees", [30]),
])
def test_bare_hours_beside_clock_positions_and_angles_on_a_side(text, az):
    assert [round(s.azimuth_start_deg) for s in parse(text).sources] == az


def test_list_bullets_heights_and_repeated_exclamations():
    s = _one("- source: helicopter\n- position: 45° right\n- elevation: above")
    assert s.label == "helicopter" and s.azimuth_start_deg == 45 and s.elevation_deg > 0
    assert _one("sound: owl | direction: behind-left | height: high").elevation_deg > 0
    train = _one("Choo choo! The toy train goes around you, starting on your left.")
    assert "train" in train.label and train.azimuth_start_deg == -90


@pytest.mark.parametrize("text,labels,az", [
    # "it" / "they" go on with the sound before: its place, or a move on from it
    ("Can you hear the ducks? They're on the pond in front of us.", ["ducks"], [0]),
    ("In the dream a crow landed on a branch to my right and cawed three times.", ["crow"], [90]),  # past tense goes on
    # a short first sentence with no place names the scene
    ("Starship bridge. A warp core throbs beneath the deck straight ahead; comms beep at 3 o'clock.", ["warp core", "comms"],
     [0, 90]),
    # the label is the sound, not the words before it
    ("For the true crime episode I want a clock ticking behind the listener the whole time.", ["clock"], [180]),
    ("The watch on my left wrist ticks while a kettle boils on my right.", ["watch", "kettle"], [-90, 90]),
    ("Someone jogging past me fast, from left to right, breathing hard.", ["someone"], [-90]),
    # "just outside it": where the landmark before it is (the window itself makes no sound); "the back
    # of the plane": behind
    ("Seat 23A, window on my left. The engine drones just outside it.", ["engine"], [-90]),
    ("The APU whines from the back of the plane.", ["apu"], [180]),
])
def test_pronouns_headings_labels_and_landmarks(text, labels, az):
    _assert_sources(text, labels, az)


def test_it_moves_on_from_where_the_sound_was():
    crow = _one("A crow lands on my right. Then it flies off behind me.")
    assert (crow.azimuth_start_deg, crow.azimuth_end) == (90, 180)
    assert len(parse("A dog barks on the left. It is answered by a cat on the right.").sources) == 2


def test_heights_said_with_high_and_hyphens():
    assert _one("song thrush singing high in the oak on my left").elevation_deg > 0
    alien = _one("Alien creature skittering in the vents above-left.")
    assert alien.azimuth_start_deg == -90 and alien.elevation_deg > 0


def test_exclamations_and_presented_sounds():
    src = parse("Shh. The baby owl is up in the tree on your left. Hoo! And that's Daddy snoring on the couch behind you.").sources
    assert [round(s.azimuth_start_deg) for s in src] == [-90, 180] and "daddy" in src[1].label.lower()
    assert src[0].elevation_deg > 0
    assert "toot" not in " ".join(s.label for s in parse("The train comes from the right. Toot toot!").sources).lower()
    # a sound word exclaimed later is still a sound (weather, as a thing heard)
    assert [s.label for s in parse("A dog barks on the left. Thunder!").sources] == ["dog barks", "thunder"]
    # an unplaced piece that tells rather than names is left out beside a placed sound, and the note
    # names it so it can be placed
    scene = parse("A dog barks on the left. I want to remember how it sounded.")
    assert [s.label for s in scene.sources] == ["dog barks"] and "remember how it sounded" in scene.note


@pytest.mark.parametrize("text,circles", [
    ("Waves breaking straight ahead, seagulls circling overhead.", [False, True]),
    ("Gulls wheeling overhead to your right, a diesel engine in front.", [False, False]),  # circling there
    ("Autumn leaves whisper in a slow ring around me.", [True]),
    ("Sound event annotation: sirens circle the recorder once; a baby cries behind it.", [True, False]),
    ("source=drone; path=circle; start=0°", [True]),
])
def test_circles_said_many_ways(text, circles):
    src = parse(text).sources
    assert [s.moving and abs(s.azimuth_end - s.azimuth_start_deg) == 360 for s in src] == circles
    assert not parse(text).note  # a circle is a place


def test_hours_in_a_row_and_sounds_off_to_a_side():
    src = parse("Drummer at 12, bassist at 1, rhythm guitar at 11, sax at 3.").sources
    assert [round(s.azimuth_start_deg) for s in src] == [0, 30, -30, 90]
    assert _one("The waves are off to my left.").azimuth_start_deg == -90  # away there, not switched off
    assert [s.label for s in parse("the radio is off and a dog barks on the left").sources] == ["dog barks"]


@pytest.mark.parametrize("text,az", [
    ("Cryo-pod hiss at -45, droid beeping +120, reactor alarm at 180.", [-45, 120, 180]),   # a signed angle alone
    ("a fan humming on the left, gain -6", [-90]),                                            # a gain is not an angle
    ("cricket at +60, wait, scratch that, -60", [-60]),
    ("Guitarist at 11, bassist at 1, drummer at 12 behind them.", [-30, 30, 0]),
    ("Truck horn at 9 o'clock, motorcycle overtaking from 8 to 1.", [-90, -120]),
    ("Airlock cycles on the port side; starboard thrusters fire a moment later.", [-90, 90]),
    ("The ship is quiet. Everyone's asleep. Only the hull creaks, somewhere to the right and behind.", [135]),
    ("we meet at 3rd street, a dog barks on the left", [-90]),
])
def test_angles_hours_ship_sides_and_quiet_scenes(text, az):
    assert [round(s.azimuth_start_deg) for s in parse(text).sources] == az


def test_clock_at_your_hour_full_360s_and_ensemble_headings():
    assert _one("enemy footsteps at your 7").azimuth_start_deg == -150
    spin = _one("spaceship sound spinning 360 degrees around the listener")
    assert spin.moving and abs(spin.azimuth_end - spin.azimuth_start_deg) == 360
    band = parse("bluegrass band, banjo at 2 o'clock, fiddle at 10 o'clock, mandolin dead center").sources
    assert [s.label for s in band] == ["banjo", "fiddle", "mandolin"]


@pytest.mark.parametrize("text,labels,az", [
    ("type: ambience | source: crickets | dir: 9 o'clock ; source: fire crackling | dir: 3 o'clock",
     ["crickets", "fire"], [-90, 90]),
    ("[{name: 'laser', from: 'left', to: 'right', path: 'front'}, {name: 'explosion', at: 'behind'}]",
     ["laser", "explosion"], [-90, 180]),
])
def test_fields_with_single_quotes_sorting_keys_and_paths(text, labels, az):
    src = parse(text).sources
    assert [s.label.split()[0] for s in src] == labels and [round(s.azimuth_start_deg) for s in src] == az
    if "laser" in text:
        assert src[0].moving and src[0].azimuth_end == 90


@pytest.mark.parametrize("text,labels,az", [
    ("Place the narrator at twelve, the harp at three and the wind chimes at nine.", ["narrator", "harp", "wind chimes"],
     [0, 90, -90]),
    ("The foreman shouts from somewhere behind me on the right, over a generator droning at 9.", ["foreman", "generator"],
     [135, -90]),
    ("pls mk a phone ringin @ 4 oclock & door knck @ 8", ["phone", "door"], [120, -120]),
    ("sources=[rain@-90, thunder@180, wind@45]", ["rain", "thunder", "wind"], [-90, 180, 45]),
    ("# Spaceship bridge\n1. Engine hum behind\n2. Computer beeps at 2 o'clock", ["engine", "computer"], [180, 60]),
    ("A skateboarder rolls by in front of me, right side to left side.", ["skateboarder"], [90]),
    ("thndr rumblin far awy on rt side", ["thndr"], [90]),
    ("Pink noise from the rear right speaker only.", ["pink noise"], [135]),
])
def test_hours_in_words_at_signs_markdown_and_typos(text, labels, az):
    _assert_sources(text, labels, az)


def test_approach_and_recede_in_place_circles_and_sides_after_the():
    assert _one("helicopter comming closer from the front left").distance_end_m < _one("helicopter comming closer from the front left").distance_m
    fade = _one("The voice on my left slowly fades into the distance.")
    assert fade.azimuth_start_deg == -90 and fade.distance_end_m > fade.distance_m
    orbit = _one("Make the helicopter orbit around the listener, starting from the front.")
    assert abs(orbit.azimuth_end - orbit.azimuth_start_deg) == 360
    siren = _one("an ambulance siren driving from the left to the right in front of the listener")
    assert (siren.azimuth_start_deg, siren.azimuth_end) == (-90, 90)
    assert _one("a monster growling under my bed on the left side").elevation_deg < 0


@pytest.mark.parametrize("text,labels,az", [
    ("dog l, cat r", ["dog", "cat"], [-90, 90]),
    ("bass on l side, piano on r side, vocals center", ["bass", "piano", "vocals"], [-90, 90, 0]),
    ("fan humming back l + fridge back r", ["fan", "fridge"], [-135, 135]),
    ("kids playing bhnd me, ice cream truck frm the right", ["kids", "ice cream truck"], [180, 90]),
    ("thunder frm behind w/ rain on the left", ["thunder", "rain"], [180, -90]),
    ("frogs - r / owl - l / crickets - front r", ["frogs", "owl", "crickets"], [90, -90, 45]),
])
def test_lower_case_side_letters_and_chat_shorthand(text, labels, az):
    _assert_sources(text, labels, az)


def test_r_for_are_and_letters_in_words_place_nothing():
    assert [round(s.azimuth_start_deg) for s in parse("birds r singing on the left").sources] == [-90]
    assert all(s.azimuth_start_deg == 0 for s in parse("a dog barks, r u sure").sources)
    car = _one("car going l to r pls")
    assert (car.azimuth_start_deg, car.azimuth_end) == (-90, 90)


@pytest.mark.parametrize("text,az,end", [
    ("put the cat on left no wait right", 90, None),
    ("owl at 3 oclock, i mean 9 oclock", -90, None),
    ("siren left to right - sorry, I mean right to left, in front", 90, -90),
    ("a fly from the left to the right, oops, from the right to the left", 90, -90),
])
def test_corrections_said_in_a_hurry(text, az, end):
    s = _one(text)
    assert round(s.azimuth_start_deg) == az and (end is None or round(s.azimuth_end) == end), (s.azimuth_start_deg, s.azimuth_end)


def test_a_height_can_be_the_correction():
    s = _one("put birds behind me, oops i meant above me in front")
    assert s.azimuth_start_deg == 0 and s.elevation_deg > 0


@pytest.mark.parametrize("text,start,end", [
    ("a horse gallops, starting on my left and ending up on my right.", -90, 90),
    ("Footsteps crunch on gravel, starting behind and walking past on the right until they fade out ahead.", 180, 0),
    ("a lone bagpiper started far off in front and marched past on our left, ending up behind the audience.", 0, -180),
])
def test_moves_told_with_a_start_and_an_end(text, start, end):
    s = _one(text)
    assert s.moving and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (start, end), (s.azimuth_start_deg, s.azimuth_end)


@pytest.mark.parametrize("text,labels,az", [
    ("Voice memo, 2am: a mouse scratching inside the wall to my left. Fridge humming behind me as usual.",
     ["mouse", "fridge"], [-90, 180]),
    ("Lullaby time. Mummy's voice sings from the left, and the cat purrs on the right.", ["voice", "cat"], [-90, 90]),
    ("Atmos: ship's cabin. Waves slap the hull on the left. A voice booms from behind.", ["waves", "voice"], [-90, 180]),
    ("Thunder rumbles far behind. Rain on the left, wind behind.", ["thunder", "rain", "wind"], [180, -90, 180]),
    ("Thunder rumbles. Rain on the left, wind behind.", ["thunder", "rain", "wind"], [0, -90, 180]),
    ("Kick and snare centered; hi-hat slightly right; ride cymbal at about 40 degrees left.",
     ["kick", "snare", "hi-hat", "ride cymbal"], [0, 0, 20, -40]),
])
def test_a_first_sentence_that_frames_the_scene_is_no_sound(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,start,end", [
    ("slime gurgling at 120°, bat squeaking at -120°. The bat then flutters over to +60, going through the front.", -120, 60),
    ("A wet breathing starts at 9 o'clock. The lights die. The breathing slides round to 6 o'clock.", -90, -180),
    ("The steam locomotive on your right lets out a whistle. Then it chugs slowly toward the back of the hall.", 90, 180),
])
def test_a_sound_named_again_moves_on_from_where_it_was(text, start, end):
    src = parse(text).sources
    s = src[-1] if len(src) == 2 else _one(text)
    assert s.moving and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (start, end), [(x.label, x.azimuth_start_deg, x.azimuth_end) for x in src]


@pytest.mark.parametrize("text,az", [
    ("Annotator comment: the dog barking is clearly coming from behind the recorder.", 180),
    ("Cattle lowing behind the rig.", 180), ("Engine rumble sits behind the seat.", 180),
])
def test_behind_the_recording_position_is_behind_the_listener(text, az):
    assert round(_one(text).azimuth_start_deg) == az


@pytest.mark.parametrize("text,start", [
    ("Please the fly must turn around my head one time, starting from left.", -90),
    ("helicopter do one full round around me, start from front", 0),
    ("A little toy train chugs all the way around his bed, once, starting in front of him.", 0),
    ("a whisper travels slowly once around the head, clockwise, starting at the front.", 0),
])
def test_circles_told_with_other_verbs(text, start):
    s = _one(text)
    assert s.azimuth_start_deg == start and abs(s.azimuth_end - s.azimuth_start_deg) == 360, (s.label, s.azimuth_end)
    assert s.label.split()[-1] in ("fly", "helicopter", "train", "whisper")


def test_hi_hat_is_an_instrument_and_hi_a_greeting():
    _assert_sources("put the snare at 10 o clock and the hi hat at 2", ["snare", "hi hat"], [-60, 60])
    _assert_sources("hi, can you put a dog on the left", ["dog"], [-90])
    _assert_sources("Hi-hats slightly right, rhythm guitar hard left.", ["hi-hats", "rhythm guitar"], [20, -90])


def test_up_in_trees_and_until_as_the_end_of_a_move():
    birds = parse("Church bell is ringing far on right side, and birds singing up in trees on left.").sources[1]
    assert birds.azimuth_start_deg == -90 and birds.elevation_deg > 0
    car = _one("The car is going from left until right in my front.")
    assert (car.azimuth_start_deg, car.azimuth_end) == (-90, 90)


@pytest.mark.parametrize("text,labels,az", [
    ("lmao the horse whinnied at -30 degrees", ["horse"], [-30]),
    ("bro the footsteps came from RIGHT behind me", ["footsteps"], [180]),
    ("For the ad break the doorbell ding sits behind the listener.", ["doorbell"], [180]),
    ("For the intro of my true crime podcast I want rain against a window on the left, a ticking clock on the right.",
     ["rain", "ticking clock"], [-90, 90]),
    ("For my meditation track please put gentle rain on the left.", ["gentle rain"], [-90]),
    ("For the cold open: footsteps from behind, then a door creaks on the left.", ["footsteps", "door"], [180, -90]),
    ("Why is there ALWAYS a pigeon cooing right in front of me?", ["pigeon"], [0]),
    ("hey quick q - if a torch crackles on the left and a waterfall is ahead, does that sound right to you?",
     ["torch", "waterfall"], [-90, 0]),
])
def test_openers_that_are_not_the_sound(text, labels, az):
    _assert_sources(text, labels, az)
    assert not any(w in parse(text).sources[0].label.lower().split() for w in ("for", "lmao", "bro", "if", "why"))


def test_two_places_joined_by_and_to_are_one_place():
    radio = _one("Music was being played through a radio located behind and to the left of the microphone.")
    assert round(radio.azimuth_start_deg) == -135 and not radio.moving and radio.label.lower() == "music"
    drill = _one("the neighbours' drill going below and to the left")
    assert drill.azimuth_start_deg == -90 and drill.elevation_deg < 0 and not drill.moving


def test_labels_end_before_is_ing_and_hours_after_about():
    assert _one("Church bell is ringing far on right side").label.lower() == "church bell"
    assert "keyboard" in _one("Behind me, somebody is typing on a keyboard.").label.lower()
    _assert_sources("The teacher's voice comes from 12 o'clock while a student coughs at about 2 and a girl whispers at 10.",
                    ["teacher", "student", "girl"], [0, 60, -60])


@pytest.mark.parametrize("text,start,end", [
    ("The little train chugged in from the right side, puffed past your nose, and disappeared off to the left.", 90, -90),
    ("A gurney rolls down the corridor, approaching from straight ahead and passing by on my right until it's gone behind me.",
     0, 180),
])
def test_one_move_told_in_several_verbs(text, start, end):
    s = _one(text)
    assert s.moving and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (start, end), (s.azimuth_start_deg, s.azimuth_end)


def test_calls_to_attention_and_the_listeners_seat_are_no_sound():
    train = _one("Look, the choo-choo! It's coming from way over on the right and it's going to go all the way across to the left.")
    assert train.label.lower() == "choo-choo" and (train.azimuth_start_deg, train.azimuth_end) == (90, -90)
    _assert_sources("From my seat in row F the violins were ahead and to my left, the cellos ahead and to my right.",
                    ["violins", "cellos"], [-45, 45])
    _assert_sources("Listen to the rain on the left", ["rain"], [-90])
    assert _one("the cavalry thundered along our left flank").azimuth_start_deg == -90


def test_dictated_run_ons_and_a_pilots_clock():
    _assert_sources("waves crashing straight ahead seagulls crying off to the left", ["waves", "seagulls"], [0, -90])
    _assert_sources("fan humming on the floor to my left radio playing in front of me", ["fan", "radio"], [-90, 0])
    jet = _one("jet engine roar at eight o'clock high")
    assert jet.azimuth_start_deg == -120 and jet.elevation_deg > 0
    assert _one("a drone at two o'clock low").elevation_deg < 0
    hat = parse("Pan the shaker to -45 deg; kick dead center.").sources[0]
    assert hat.azimuth_start_deg == -45 and not hat.moving


def test_degrees_to_someones_side_and_instructions_after_a_dash():
    _assert_sources("Notification ping plays at 45° to the user's left; confirm chime at 45° right.",
                    ["notification ping", "confirm chime"], [-45, 45])
    _assert_sources("Inventory open whoosh — spawn low on the player's left, around hip height.", ["whoosh"], [-90])
    _assert_sources("Reel 3 — pan the door slam hard right, keep dialogue center.", ["door slam", "dialogue"], [90, 0])


@pytest.mark.parametrize("text,labels,az", [
    # a person named once, as the point a place is measured from, stands where the listener is
    ("The kettle whistles right behind the nurse.", ["kettle"], [180]),
    ("A trumpet plays on the bride's left; an organ drones behind the worshippers.",
     ["trumpet", "organ"], [-90, 180]),
    ("Rain hammers down to the hiker's right while a stag bellows behind her.", ["rain", "stag"], [90, 180]),
    ("A sparrow chirps to the left of the gardener.", ["sparrow"], [-90]),
    ("Wolves howl behind them, far off.", ["wolves"], [180]),
])
def test_a_person_places_are_measured_from_is_the_listener(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_person_who_is_also_a_sound_or_a_compound_is_not_the_listener():
    # the drummer is in the scene: the cymbal is placed by its own words, not behind the listener
    src = parse("The drummer plays on the left and a cymbal crashes behind the drummer.").sources
    assert [round(s.azimuth_start_deg) for s in src][0] == -90
    assert not any(round(s.azimuth_start_deg) == 180 for s in src), [(s.label, s.azimuth_start_deg) for s in src]
    # "guard tower" is a thing, not the guard
    assert round(_one("A bell rings behind the guard tower on the right.").azimuth_start_deg) == 90


@pytest.mark.parametrize("text,label,az,up", [
    ("a squirrel chatters way up in an old oak to my left", "squirrel", -90, True),
    ("pigeons coo up on the gutter behind me", "pigeons", 180, True),
    ("a fan whirs up to my right", "fan", 90, True),
    ("a dog yaps down in the yard ahead", "dog", 0, False),
    ("a cricket chirps down by my left ankle", "cricket", -90, False),
    ("the choir sings high behind me", "choir", 180, True),
    ("a blackbird sings from a high branch on the right", "blackbird", 90, True),
    ("a balloon pops over the spectators' heads, straight ahead", "balloon", 0, True),
])
def test_heights_said_with_up_down_and_high(text, label, az, up):
    s = _one(text)
    assert label in s.label.lower() and round(s.azimuth_start_deg) == az, (s.label, s.azimuth_start_deg)
    assert (s.elevation_deg > 0) if up else (s.elevation_deg < 0), s.elevation_deg


@pytest.mark.parametrize("text,label,az", [
    # "up"/"down" that finish a verb say nothing about height
    ("a bus pulls up on my left", "bus", -90),
    ("the footsteps end up on my right", "footsteps", 90),
    ("a motorbike revs up on the left", "motorbike", -90),
    ("the music slows down on the right", "music", 90),
])
def test_up_and_down_after_a_verb_are_no_height(text, label, az):
    s = parse(text).sources[-1]
    assert label in s.label.lower() and round(s.azimuth_end) == az and s.elevation_deg == 0, (s.label, s.azimuth_end, s.elevation_deg)


def test_an_hour_after_from_that_ends_a_sentence_and_ears_beside_a_listener():
    _assert_sources("Artillery booms from 4. A whistle blows behind.", ["artillery", "whistle"], [120, 180])
    assert round(_one("A rifle cracks from 10 metres away on the right.").azimuth_start_deg) == 90
    assert round(_one("A mosquito whines right next to the listener's right ear.").azimuth_start_deg) == 90
    twig = _one("a twig snaps behind me")  # "snaps" is a sound here, not a jump to a place
    assert not twig.moving and twig.azimuth_start_deg == 180


def test_a_material_is_the_sound_when_nothing_else_is():
    marble = _one("a marble rolls slowly from my right to my left")
    assert marble.label.lower() == "marble" and (marble.azimuth_start_deg, marble.azimuth_end) == (90, -90)
    assert round(_one("gravel crunching behind me").azimuth_start_deg) == 180
    with pytest.raises(ValueError, match="no sound found"):
        parse("with heavy reverb")  # manner words alone are still no sound


@pytest.mark.parametrize("text,labels,az", [
    # a thing placed first, then a sound given no place "at" it: the sound is there, the thing goes
    ("The piano is on my right. Later, a metronome ticks on the piano.", ["metronome"], [90]),
    ("the garage is behind me and a drill whines inside the garage", ["drill"], [180]),
    ("my desk lamp is front left; a moth taps against that lamp", ["moth"], [-45]),
])
def test_a_sound_at_a_thing_placed_before_it_is_there(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("waiting for the bus, bored. a busker strums behind me", ["busker"], [180]),
    ("lazy saturday morning - a lawnmower drones on my left", ["lawnmower"], [-90]),
    ("Podcast episode 7 cue sheet. Door knock hard right.", ["door knock"], [90]),
    ("reading on the porch, a screen door bangs to my right", ["screen door"], [90]),
])
def test_a_clause_that_frames_the_scene_is_no_sound(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_sound_with_no_place_is_still_kept_beside_placed_ones():
    # the cat names a sound: it stays (ahead, with a note), only framing clauses go
    src = parse("a dog barks on the left and a cat meows").sources
    assert [s.label.split()[0] for s in src] == ["dog", "cat"]
    assert "marching band" in parse("the marching band plays across the field, the fans on our left").sources[0].label.lower()


@pytest.mark.parametrize("text,labels,az", [
    ("a goat and a donkey far on the right", ["goat", "donkey"], [90, 90]),
    ("the printer and the shredder are both behind me", ["printer", "shredder"], [180, 180]),
    ("owls & bats at 10 o'clock, crickets ahead", ["owls", "bats", "crickets"], [-60, -60, 0]),
])
def test_sounds_joined_by_and_share_the_place_said_after_them(text, labels, az):
    _assert_sources(text, labels, az)


def test_what_is_not_joined_keeps_its_own_place_or_none():
    # each with its own verb: the place is the cat's only
    dog, cat = parse("a dog barks and a cat meows on the left").sources
    assert (dog.azimuth_start_deg, cat.azimuth_start_deg) == (0, -90)
    # a sound said again: its second mention's place is not the pair's
    rain = parse("i want rain and wind, wind mostly behind me").sources[0]
    assert rain.label == "rain" and rain.azimuth_start_deg == 0


def test_the_speaker_telling_of_a_sound_is_not_the_sound():
    bell = _one("I dreamt a gong was booming far ahead of me, and then it began to circle me, once.")
    assert bell.label.lower() == "gong" and bell.moving and abs(bell.azimuth_end - bell.azimuth_start_deg) == 360
    assert _one("I remember a cuckoo calling on my left").label.lower().startswith("cuckoo")


@pytest.mark.parametrize("text,labels,starts,ends", [
    ("A breeze drifts in from the right and curls off behind me.", ["breeze"], [90], [180]),
    ("Have a leaf blower start on my left and slowly work its way round to the front.", ["leaf blower"], [-90], [0]),
])
def test_a_move_goes_on_in_a_verb_the_lists_lack(text, labels, starts, ends):
    s = _one(text)
    assert s.label.lower() == labels[0] and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (starts[0], ends[0])


def test_where_the_speaker_was_before_when_is_no_sound():
    _assert_sources("Waiting by the lift when a trolley rattles past behind me.", ["trolley"], [180])
    _assert_sources("We were on the pier when a gull screeched on our right.", ["gull"], [90])
    # the sound before "when" stays
    src = parse("I heard a dog bark on the left when the bus arrived ahead").sources
    assert src[0].label.lower().startswith("dog") and src[0].azimuth_start_deg == -90


def test_an_overtaking_move_said_again_with_its_start_is_one_move():
    s = _one("A van overtakes us on the right, coming up from behind and pulling ahead in front.")
    # from behind to ahead along the right side
    assert s.moving and round(s.azimuth_start_deg) % 360 == 180 and s.azimuth_end - s.azimuth_start_deg == -180


@pytest.mark.parametrize("text,az", [
    ("a kazoo buzzes 40 degrees to the right of the listener", 40),
    ("a clock ticks behind me, 4 o'clock", 120),
    ("a flute plays behind the guests' right shoulder", 135),
    ("a cello drones behind the congregation", 180),
    ("a harp plays behind the listener's left shoulder", -135),
])
def test_exact_places_beside_coarse_ones_and_people_as_the_listener(text, az):
    assert round(_one(text).azimuth_start_deg) == az


def test_a_sound_told_again_with_the_is_one_sound():
    _assert_sources("A goat is on your left. The goat bleats. Then a tractor starts ahead.", ["goat", "tractor"], [-90, 0])
    # a different thing named in the first label's place is still its own sound
    src = parse("FX: a knock on the gate, back left. Then the gate creaks open.").sources
    assert len(src) == 2, [s.label for s in src]


@pytest.mark.parametrize("text,label,start,end", [
    ("A tram rumbles past from left to right in front of me, bell clanging.", "tram", -90, 90),
    ("an ambulance drives by from right to left, siren on", "ambulance", 90, -90),
    ("A lorry crosses behind me from left to right, engine roaring the whole way.", "lorry", -90, -270),
])
def test_a_part_of_a_moving_thing_said_after_it_is_no_second_sound(text, label, start, end):
    s = _one(text)
    assert label in s.label.lower() and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (start, end)


def test_a_setting_said_first_without_a_comma_is_not_the_sound():
    _assert_sources("In a crowded pub glasses clink on my left and a darts board thuds ahead",
                    ["glasses", "darts board"], [-90, 0])
    _assert_sources("in the old barn i want an owl hooting behind me", ["owl"], [180])


@pytest.mark.parametrize("text,label,start,end", [
    ("A scooter buzzes in from the front-right, whips past my right side and disappears behind me.", "scooter", 45, 180),
    ("A drone rises from the left, hovers, then vanishes behind me.", "drone", -90, -180),
    ("The little train chugged in from the right side, puffed past your nose, and disappeared off to the left.",
     "train", 90, -90),
])
def test_a_sentence_goes_on_in_any_english_verb(text, label, start, end):
    # verbs beyond the hand lists come from WordNet (verb_words.inc), so "whips", "hovers",
    # "puffed" go on with the sound before them instead of naming a second sound
    s = _one(text)
    assert label in s.label.lower() and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (start, end)


def test_a_subject_before_its_verb_is_a_new_sound_not_a_continuation():
    _assert_sources("A dog barks on the left, and waves crash behind me.", ["dog", "waves"], [-90, 180])
    _assert_sources("birds sing on the left, and frogs croak on the right", ["birds", "frogs"], [-90, 90])


@pytest.mark.parametrize("text,labels,az,left_out", [
    ("A cow moos at 9 o'clock, a sheep at 3. Kids point to where they hear each one.", ["cow", "sheep"], [-90, 90],
     "kids"),
    ("Car horn on the right, wet asphalt. Stereo ORTF.", ["car horn"], [90], "ortf"),
    ("Gunfire at 2 o'clock, radio chatter at 7 o'clock. Verified on headphones.", ["gunfire", "radio"], [60, -150],
     "verified"),
])
def test_a_thing_with_no_place_beside_placed_sounds_is_left_out_with_a_note(text, labels, az, left_out):
    _assert_sources(text, labels, az)
    assert "left out" in parse(text).note and left_out in parse(text).note.lower()


@pytest.mark.parametrize("text,labels,az", [
    ("a kettle whistles on the left and a radio plays", ["kettle", "radio"], [-90, 0]),  # heard: kept ahead
    ("i want rain and wind, wind mostly behind me", ["rain", "wind"], [0, 180]),  # named together: kept
])
def test_a_sound_heard_or_named_with_another_is_kept_without_a_place(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("FADE IN: crickets (L), owl (R), distant train whistle (C).", ["crickets", "owl", "train whistle"], [-90, 90, 0]),
    ("kick + snare centered, hi-hat hard right", ["kick", "snare", "hi-hat"], [0, 0, 90]),
    ("a fan hums across from me, a clock ticks on my left", ["fan", "clock"], [0, -90]),
    ("the interviewer speaks from directly across the table, an air conditioner on my right",
     ["interviewer", "air conditioner"], [0, 90]),
    ("the brass band is straight across the field, the fans on our left", ["brass band", "fans"], [0, -90]),
])
def test_centre_in_brackets_plus_as_and_and_across_from_the_listener(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,label,az", [
    ("a printer going to my left", "printer", -90),
    ("pages turning to my right", "pages", 90),
    ("Thunder rolled behind me.", "thunder", 180),
    ("the music box tinkling on the shelf to her left", "music box", -90),
    ("a wood pigeon flutters in the branches up to my right", "wood pigeon", 90),
])
def test_a_verb_with_one_place_and_no_start_is_where_the_sound_is(text, label, az):
    s = _one(text)
    assert label in s.label.lower() and round(s.azimuth_start_deg) == az and not s.moving, s


def test_a_jump_to_one_place_is_still_a_move():
    s = _one("Someone whistles, then suddenly jumps to the left.")
    assert s.moving and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (0, -90) and s.speed == "instant"


@pytest.mark.parametrize("text,label,up", [
    ("the boiler groans downstairs on the right", "boiler", False),
    ("a cat purrs at my feet, slightly left", "cat", False),
    ("rats scurry under the boards to your right", "rats", False),
    ("arrows whistle down out of the sky on the left", "arrows", True),
])
def test_floors_below_feet_and_the_sky_are_heights(text, label, up):
    s = _one(text)
    assert label in s.label.lower() and (s.elevation_deg > 0 if up else s.elevation_deg < 0), s


@pytest.mark.parametrize("text,start,end", [
    ("a tram comes from my right and disappears off to my left", 90, -90),
    ("a goods train chugging from far on the left all the way over to the right", -90, 90),
])
def test_where_a_sound_comes_from_starts_its_move(text, start, end):
    s = _one(text)
    assert s.moving and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (start, end), s


def test_where_a_sound_comes_from_alone_is_its_place():
    s = _one("a dog barks and the sound comes from the left")
    assert not s.moving and round(s.azimuth_start_deg) == -90


def test_a_place_in_brackets_with_a_comma_is_read_and_an_aside_is_not():
    _assert_sources("Need these: gull (right), foghorn (ahead, far), buoy bell (behind-right).", ["gull", "foghorn", "buoy bell"],
                    [90, 0, 135])
    _assert_sources("a horn (the brass instrument, not a car horn) on the left", ["horn"], [-90])


def test_after_a_start_the_words_after_a_comma_are_the_end_not_a_diagonal():
    s = _one("A fly moves from my right ear, behind my head, to my left ear.")
    assert s.moving and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (90, 270), s
    assert round(_one("a dog barks behind you, to the left").azimuth_start_deg) == -135  # no start: one place


@pytest.mark.parametrize("text,labels,az", [
    ("a cyclist comes at me from straight ahead, whizzes by on the right, then gone behind", ["cyclist"], [0]),
    ("a jet roars in from 7 o'clock, vanishes at 5 o'clock", ["jet"], [-150]),
])
def test_words_that_are_all_verbs_go_on_with_the_sound_before(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("a bell at 3 o'clock, punches in front of me", ["bell", "punches"], [90, 0]),  # no verb before: plural nouns
    ("footsteps behind me, then a match is struck on the right", ["footsteps", "match"], [180, 90]),  # an article: a noun
    ("male voice at 0°, babble noise at 180°", ["voice", "babble"], [0, 180]),  # a sound's name beside it
    ("Put these in: cow on the left, sheep on the right", ["cow", "sheep"], [-90, 90]),  # a heading stays a heading
])
def test_words_that_may_be_verbs_still_name_sounds(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("hyenas whooping behind the vehicle, a lion roaring at 3 o'clock", ["hyenas", "lion"], [180, 90]),
    ("a clock ticking on the wall behind the sofa", ["clock"], [180]),
    ("the espresso machine hissing behind the counter in front of me", ["espresso machine"], [0]),  # placed otherwise
    ("A radio plays in front of me, and beyond the wall behind the radio a neighbour is drilling.", ["radio", "neighbour"],
     [0, 0]),  # behind a placed sound: there
])
def test_behind_a_thing_is_behind_the_listener_unless_placed_otherwise(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("rain 90, thunder -45", ["rain", "thunder"], [90, -45]),
    ("crowd 12, whistle 3", ["crowd", "whistle"], [0, 90]),  # hours beside hours: a clock
    ("dog barking 270", ["dog"], [-90]),
    ("the horse whinnied at -30 degrees and my teammate yelled from 150", ["horse", "teammate"], [-30, 150]),
    ("Cue 31. A door slams on the left.", ["door"], [-90]),  # a number after a name that is no sound
    ("the dog barks at -90.5 degrees; the cat purrs at +12.25 degrees", ["dog", "cat"], [-90, 12]),
])
def test_a_number_after_a_sound_in_a_terse_list_is_where_it_is(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_correction_takes_back_every_place_of_a_list():
    s = _one("crickets chirp left and right. No, correction: only on the right.")
    assert round(s.azimuth_start_deg) == 90, s


def test_a_start_at_a_hyphenated_diagonal_is_the_start():
    s = _one("a motorbike starts behind-left of me, overtakes on the left, and ends up straight ahead")
    assert s.moving and (round(s.azimuth_start_deg), round(s.azimuth_end)) == (-135, 0), s


@pytest.mark.parametrize("text,label", [
    ("She whispered my name from just behind my left shoulder.", "she whispered my name"),
    ("they laugh behind me", "they laugh"),
])
def test_a_label_that_opens_with_a_verb_keeps_its_pronoun(text, label):
    assert _one(text).label.lower() == label


def test_a_whole_prompt_in_brackets_is_read():
    _assert_sources("(An owl hoots behind MARY, rain on the left.)", ["owl", "rain"], [180, -90])


def test_a_request_with_a_typo_keeps_the_sound_it_asks_for():
    src = parse("i wnat a baby laughing on the left and a guitar on the right").sources
    assert [round(s.azimuth_start_deg) for s in src] == [-90, 90] and "baby" in src[0].label


@pytest.mark.parametrize("text,labels,az", [
    ("one player grunting on my left, her opponent shouting on my right", ["player", "opponent"], [-90, 90]),
    ("the kettle clicks off behind her and her phone buzzes on the table ahead", ["kettle", "phone"], [180, 0]),
    ("someone walking, their steps on the left", ["someone"], [-90]),  # the sound before, placed
])
def test_a_thing_of_theirs_with_a_place_of_its_own_is_a_sound_of_its_own(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,label", [
    ("A dog runs alongside me on my left, barking like crazy.", "dog"),
    ("the sheepdog ran circles around me, barking the whole time", "sheepdog"),
])
def test_a_participle_with_only_manner_words_describes_the_sound_before(text, label):
    assert _one(text).label.lower() == label


@pytest.mark.parametrize("text,labels,az", [
    ("After ten seconds a car pulls up in front.", ["car"], [0]),
    ("a tone pans from the far left to the far right over five seconds", ["tone"], [-90]),
    ("After a moment a bell rang on the left", ["bell"], [-90]),  # no "s" in the whole text
])
def test_a_time_phrase_names_no_sound(text, labels, az):
    _assert_sources(text, labels, az)
    assert not any(w in s.label.lower() for s in parse(text).sources for w in ("moment", "seconds", "bars"))


def test_circling_once_with_a_start_goes_round_the_listener():
    s = _one("crows circling above me once, beginning on the left")
    assert s.moving and abs(s.azimuth_end - s.azimuth_start_deg) == 360 and round(s.azimuth_start_deg) == -90, s


@pytest.mark.parametrize("text,label", [
    ("My grandmother grew up on a farm. A goat bleats in front.", "goat"),
    ("The band sets up on the right.", "band"),
])
def test_up_that_finishes_a_verb_is_no_height(text, label):
    src = parse(text).sources
    assert label in src[-1].label.lower() and all(s.elevation_deg == 0 for s in src), src


@pytest.mark.parametrize("text", [
    "PUT A\u0130 TYPEWRITER AT -120 DEGREES AND A TICKING\u017f METRONOME At +20",  # lower case is longer
    "\u0130\u0130 she laughs on the left, AFTER TEN SECONDS a bell at 150",
    "rain \u0663\u0660, thunder -45",  # Arabic-Indic digits are no angle here
])
def test_rewrites_keep_positions_when_lower_case_changes_length(text):
    scene = parse(text)  # a scene, never an IndexError from a rewrite reading the wrong positions
    assert scene.sources


@pytest.mark.parametrize("text,label,start", [
    ("the hawk circles the old mill once, screeching, starting on my right", "hawk", 90),
    ("a pony trots around me one time, beginning behind me", "pony", 180),
    ("the breeze blows round the whole courtyard once, starting at the front", "breeze", 0),
    ("a kite circles over us", "kite", None),
])
def test_going_round_something_a_counted_number_of_times_is_a_circle(text, label, start):
    s = _one(text)
    assert label in s.label.lower() and s.moving and abs(abs(s.azimuth_end - s.azimuth_start_deg) - 360) < 1e-6, s
    assert start is None or round(s.azimuth_start_deg) == start, s


def test_circling_a_thing_beside_a_place_stays_there():
    s = _one("a buzzard circling the hill far to my left")
    assert round(s.azimuth_start_deg) == -90 and not s.moving, s


@pytest.mark.parametrize("text,everywhere", [
    ("frogs everywhere, an owl hooting behind me and a truck on the left", "frogs"),
    ("light drizzle all around, a kettle whistling on my right", "drizzle"),
])
def test_a_sound_said_to_be_everywhere_is_kept_beside_placed_ones(text, everywhere):
    src = parse(text).sources
    assert any(everywhere in s.label.lower() for s in src), src
    assert not (parse(text).note or "").count("left out"), parse(text).note


@pytest.mark.parametrize("text,labels,az", [
    ("a lamb bleating on the left, answered by another one far right", ["lamb", "lamb"], [-90, 90]),
    ("a fan whirring 40 degrees to the left, another at 40 degrees right", ["fan", "fan"], [-40, 40]),
    ("the kettles on both sides: one whistling left, one hissing right", ["kettle", "kettle"], [-90, 90]),
    ("Wolves - one on the left, one behind me", ["wolf", "wolf"], [-90, 180]),
    ("4 crows: one at 9 o'clock, one at 11, one at 1, one at 3", ["crow"] * 4, [-90, -30, 30, 90]),
])
def test_one_and_another_are_more_of_the_sound_named_before(text, labels, az):
    _assert_sources(text, labels, az)


def test_another_with_no_place_is_the_same_sound_again():
    src = parse("A door slams on my right. Then another, louder.").sources
    assert len(src) == 1 and "door" in src[0].label.lower(), src


@pytest.mark.parametrize("text,label,start,end", [
    ("a waiter hurries from the kitchen behind me, past my right shoulder, over to the window in front", "waiter", 180, 0),
    ("A girl skips from the slide on the left, up to the fence ahead.", "girl", -90, 0),
])
def test_a_thing_on_the_way_of_a_move_is_where_it_goes_not_a_sound(text, label, start, end):
    s = _one(text)
    assert label in s.label.lower() and s.moving, s
    assert round(s.azimuth_start_deg) % 360 == start % 360 and round(s.azimuth_end) % 360 == end % 360, s


def test_a_circle_starting_at_a_thing_starts_where_that_thing_is():
    s = _one("a moth flutters around the whole room once, starting at the lamp on my left")
    assert "moth" in s.label.lower() and s.moving and round(s.azimuth_start_deg) == -90, s
    assert abs(abs(s.azimuth_end - s.azimuth_start_deg) - 360) < 1e-6, s


def test_from_a_thing_with_a_place_still_places_the_sound_after_it():
    _assert_sources("The kettle clicked on the counter to her left. Then, from the hallway on her right, a cough.",
                    ["kettle", "cough"], [-90, 90])


@pytest.mark.parametrize("text,az", [
    ("A chair scraped behind him, just to the right.", 160),
    ("the owl is behind you and a bit to your left", -160),
    ("a cough behind me, slightly left", -160),
])
def test_behind_with_a_small_side_is_a_little_off_behind(text, az):
    assert round(_one(text).azimuth_start_deg) == az


@pytest.mark.parametrize("text,label,az,el", [
    ("a fan hums in the ceiling, a little behind me", "fan", 180, True),
    ("a tap drips a bit in front of me", "tap", 0, False),
])
def test_a_small_amount_before_front_or_back_is_no_sound(text, label, az, el):
    s = _one(text)
    assert label in s.label.lower() and round(s.azimuth_start_deg) == az and (s.elevation_deg > 0) == el, s


@pytest.mark.parametrize("text,labels,lo,hi", [
    ("a kettle hissing off to the left a bit, and a cat purring far behind", ["kettle", "cat"], [-40, 180], [-5, 180]),
    ("a printer on my right slightly", ["printer"], [5], [40]),
])
def test_a_small_amount_after_the_side_is_a_small_offset(text, labels, lo, hi):
    src = parse(text).sources
    assert len(src) == len(labels), src
    for s, label, a, b in zip(src, labels, lo, hi):
        assert label in s.label.lower() and a <= s.azimuth_start_deg <= b, s


def test_a_small_thing_after_a_side_stays_a_sound():
    s = _one("on the right a little bird sings")
    assert "bird" in s.label.lower() and round(s.azimuth_start_deg) == 90, s


@pytest.mark.parametrize("text,label,az", [
    ("could u please synthesize a cat meowing on the right", "cat meowing", 90),
    ("Hiya! can ya render a fountain behind me", "fountain", 180),
    ("I need you to create some crickets on the left", "crickets", -90),
    ("pls generate a kettle whistling at 2 o'clock", "kettle whistling", 60),
    ("Make me a tram bell ahead", "tram bell", 0),
])
def test_a_request_however_put_is_not_part_of_the_sound(text, label, az):
    s = _one(text)
    words = s.label.lower().split()
    assert s.label.lower().endswith(label) and round(s.azimuth_start_deg) == az, s
    assert not set(words) & {"u", "ya", "you", "please", "pls", "need", "synthesize", "render", "create", "generate", "make", "me"}, s


@pytest.mark.parametrize("text,labels,az,el", [
    ("a van pulls away ahead, and my bike bell is ringing below me", ["van", "bell"], [0, 0], [0, -1]),
    ("a siren wailing on my right, brakes screeching on the floor below", ["siren", "brakes"], [90, 0], [0, -1]),
])
def test_a_part_with_a_height_of_its_own_is_a_sound_of_its_own(text, labels, az, el):
    src = parse(text).sources
    assert len(src) == len(labels), src
    for s, label, a, e in zip(src, labels, az, el):
        assert label in s.label.lower() and round(s.azimuth_start_deg) == a and (s.elevation_deg > 0) - (s.elevation_deg < 0) == e, s


@pytest.mark.parametrize("text,labels,start,end", [
    ("trigger('owl_hoot', az=135)", ["owl hoot"], [135], [None]),
    ("Sfx.Pan(truck, from=90, to=-90)", ["truck"], [90], [-90]),
    ("circle(\"mosquito\", start_az=-90, laps=1)", ["mosquito"], [-90], [270]),
    ("emit('rain_loop', pos='behind'); emit('kettle', az=-30)", ["rain loop", "kettle"], [180, -30], [None, None]),
])
def test_an_engine_call_is_read_as_its_fields(text, labels, start, end):
    src = parse(text).sources
    assert len(src) == len(labels), src
    for s, label, a0, a1 in zip(src, labels, start, end):
        assert s.label.lower() == label and round(s.azimuth_start_deg) % 360 == a0 % 360, s
        assert (a1 is None and not s.moving) or (s.moving and round(s.azimuth_end - s.azimuth_start_deg) == a1 - a0), s


def test_brackets_in_prose_are_no_call():
    s = _one("a goat (a noisy one) bleats on my right")
    assert "goat" in s.label.lower() and round(s.azimuth_start_deg) == 90, s


@pytest.mark.parametrize("text,az", [
    ("Maya forty-five right", 45), ("a goose thirty-five left", -35), ("a hen 30 left", -30),
])
def test_an_angle_in_words_before_a_side_is_that_angle(text, az):
    assert round(_one(text).azimuth_start_deg) == az


@pytest.mark.parametrize("text,start,end", [
    ("a whoosh sweeps from 6 o'clock through 9 to 12", 180, 360),
    ("a whoosh sweeps from 6 o'clock through 3 to 12", 180, 0),
])
def test_a_bare_hour_a_move_goes_through_says_the_way_round(text, start, end):
    s = _one(text)
    assert s.moving and round(s.azimuth_start_deg) == start and round(s.azimuth_end) == end, s


def test_behind_a_shoulder_starts_a_move_at_that_diagonal():
    s = _one("a buzz starts behind your right shoulder, then slides round the back of your head to your left ear")
    assert s.moving and round(s.azimuth_start_deg) == 135 and round(s.azimuth_end) == 270, s


@pytest.mark.parametrize("text,label,below", [
    ("dry leaves crackling underfoot, an owl hooting on the left", "leaves", True),
    ("snow squeaking under my boots, a sled bell ahead", "snow", True),
    ("under the listener the ice is creaking, a gull on the right", "ice", True),
    ("crows flying over us from left to right", "crows", False),
    ("a breeze blowing from up, and a stream on the left", "breeze", False),
])
def test_underfoot_is_below_and_over_us_is_above(text, label, below):
    s = next(s for s in parse(text).sources if label in s.label.lower())
    assert (s.elevation_deg < 0) if below else (s.elevation_deg > 0), s


def test_over_a_thing_is_no_height():
    s = _one("a dog barking over the fence on my left")
    assert s.elevation_deg == 0 and round(s.azimuth_start_deg) == -90, s


@pytest.mark.parametrize("text,labels", [
    ("Front row at the recital: a cellist at 11, a harpist at 1.", ["cellist", "harpist"]),
    ("me in the front row: a tuba on the left, a harp on the right", ["tuba", "harp"]),
])
def test_the_front_row_is_where_the_listener_sits(text, labels):
    src = parse(text).sources
    assert [l for l in labels] == [next(l for l in labels if l in s.label.lower()) for s in src], src


def test_a_sound_from_the_back_row_is_behind():
    assert abs(_one("a sneeze from the back row").azimuth_start_deg) == 180


def test_a_lone_verb_beside_placed_sounds_is_left_out():
    scene = parse("Listen closely. Recorded late. A fox yelps on the left.")
    assert [s.label.lower() for s in scene.sources] == ["fox yelps"], scene


@pytest.mark.parametrize("text,label,az", [
    ("the pot hisses and whistles on my left", "pot", -90),
    ("a goat bleats and snorts behind me", "goat", 180),
])
def test_two_verbs_of_one_sound_joined_by_and_are_one_sound(text, label, az):
    s = _one(text)
    assert label in s.label.lower() and round(abs(s.azimuth_start_deg)) == abs(az), s


def test_a_second_sound_after_and_stays_a_sound():
    _assert_sources("a dog barks and cats meow on the left", ["dog", "cats"], [0, -90])


@pytest.mark.parametrize("text,label,start,end", [
    ("Swoosh, right to left across the front.", "swoosh", 90, -90),
    ("title sting: whoosh on the left", "whoosh", -90, None),
])
def test_a_sound_that_is_also_a_verb_opening_its_clause_is_the_sound(text, label, start, end):
    s = _one(text)
    assert s.label.lower() == label and round(s.azimuth_start_deg) == start, s
    assert (end is None and not s.moving) or (s.moving and round(s.azimuth_end) == end), s


def test_a_verb_after_a_comma_is_what_the_sound_before_does():
    s = _one("Drone hum, pan hard left to hard right, slow")
    assert "drone" in s.label.lower() and s.moving, s


def test_a_thing_that_acts_names_the_sound_not_the_place_it_acts_in():
    s = _one("A jet ski raced us out on the lake, going from right to left.")
    assert "jet ski" in s.label.lower() and s.moving and round(s.azimuth_start_deg) == 90, s


def test_a_part_of_a_place_after_a_colon_says_where_the_sound_before_is():
    s = _one("Smoke alarm chirps: front left corner of the hall.")
    assert "alarm" in s.label.lower() and round(s.azimuth_start_deg) == -45, s


@pytest.mark.parametrize("text,label,az", [
    ("A bus hisses in the road below, out the window on my left.", "bus", -90),
    ("a drill whines, through the wall to my right", "drill", 90),
])
def test_a_thing_after_a_preposition_with_a_place_says_where_the_sound_is(text, label, az):
    s = _one(text)
    assert label in s.label.lower() and round(s.azimuth_start_deg) == az, s


def test_a_place_before_a_sound_with_none_is_that_sounds():
    _assert_sources("a cat purrs on the sofa ahead, in the kitchen on my left, a kettle", ["cat", "kettle"], [0, -90])


@pytest.mark.parametrize("text,label,start,end", [
    ("a spark coming from about 8 o'clock and vanishing at 10.", "spark", -120, -60),
    ("a tram enters from the left and exits right", "tram", -90, 90),
    ("A van: enters at 4 o'clock, exits at 8 o'clock, passing behind me.", "van", 120, 240),
])
def test_where_a_sound_enters_and_exits_is_its_move(text, label, start, end):
    s = _one(text)
    assert label in s.label.lower() and s.moving, s
    assert round(s.azimuth_start_deg) % 360 == start % 360 and round(s.azimuth_end - s.azimuth_start_deg) == end - start, s


@pytest.mark.parametrize("text,labels,az", [
    ("The troll stamps behind the goats, THUD, THUD, while a bird sings on the left.", ["troll", "bird"], [180, -90]),
    ("a truck reversing, beep beep beep, on my right", ["truck"], [90]),
])
def test_a_word_said_again_and_again_is_how_the_sound_goes(text, labels, az):
    _assert_sources(text, labels, az)


def test_the_same_sound_named_twice_with_places_is_two_sounds():
    _assert_sources("a bell on the left, a bell on the right", ["bell", "bell"], [-90, 90])


@pytest.mark.parametrize("text,labels,start,end", [
    ("a bike whizzes past camera right to left, then a scooter buzzes after it the same way", ["bike", "scooter"], [90, 90], [-90, -90]),
    ("a train rolls from left to right and a tram follows in the same direction", ["train", "tram"], [-90, -90], [90, 90]),
])
def test_a_sound_going_the_same_way_takes_the_way_before(text, labels, start, end):
    src = parse(text).sources
    assert len(src) == len(labels), src
    for s, label, a, b in zip(src, labels, start, end):
        assert label in s.label.lower() and s.moving and round(s.azimuth_start_deg) == a and round(s.azimuth_end) == b, s


def test_a_flute_from_zero_is_ahead_beside_angles_in_degrees():
    _assert_sources("A gong from 90 degrees, a flute from zero.", ["gong", "flute"], [90, 0])


@pytest.mark.parametrize("text,labels,az,el", [
    ("I am wanting the goat in left side, the horse in right side.", ["goat", "horse"], [-90, 90], [0, 0]),
    ("i want hear owl in up and the frog in down", ["owl", "frog"], [0, 0], [1, -1]),
    ("piano in front side, drum in back side", ["piano", "drum"], [0, 180], [0, 0]),
])
def test_a_learners_phrasing_of_places(text, labels, az, el):
    src = parse(text).sources
    assert len(src) == len(labels), src
    for s, label, a, e in zip(src, labels, az, el):
        assert s.label.lower() == label and round(abs(s.azimuth_start_deg)) == abs(a), s
        assert (s.elevation_deg > 0) - (s.elevation_deg < 0) == e, s


@pytest.mark.parametrize("text,labels,az", [
    ("crickets in front owls left traffic right", ["crickets", "owls", "traffic"], [0, -90, 90]),
    ("a knock at the front door straight ahead", ["knock"], [0]),
])
def test_dictated_sounds_with_their_own_places_are_items(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,label,az", [
    ("make gulls cry above me", "gulls cry", 0),
    ("Put the radio on my left", "radio", -90),
    ("Spawn a zombie behind me. Add a creak on the right.", "zombie", 180),
])
def test_a_request_opening_a_sentence_is_not_the_sound(text, label, az):
    s = parse(text).sources[0]
    assert s.label.lower() == label and round(s.azimuth_start_deg) == az, s


@pytest.mark.parametrize("text,bed", [
    ("Ambience: drizzle. A fox on the left.", "drizzle"),
    ("background: crowd chatter; foreground: a gull on the right", "crowd chatter"),
    ("market ambience, a juggler's bells at 2 o'clock", "market ambience"),
])
def test_a_bed_of_sound_is_kept_beside_placed_sounds(text, bed):
    scene = parse(text)
    assert any(bed in s.label.lower() for s in scene.sources), scene
    assert "left out" not in (scene.note or ""), scene.note


@pytest.mark.parametrize("text,start,end", [
    ("a tram passing behind me", -90, -270),
    ("a scooter passing in front of me", -90, 90),
])
def test_passing_behind_or_in_front_with_no_other_place_crosses_that_side(text, start, end):
    scene = parse(text)
    s = scene.sources[0]
    assert s.moving and round(s.azimuth_start_deg) == start and round(s.azimuth_end) == end, s
    assert not scene.note, scene.note  # the place was said


@pytest.mark.parametrize("text,az", [
    ("a goat trotting towards me from the right", 90),
    ("a cart rolls toward us from behind", 180),
])
def test_coming_towards_the_listener_from_a_place_comes_nearer_there(text, az):
    s = _one(text)
    assert s.moving and round(s.azimuth_start_deg) == az and round(s.azimuth_end) == az, s
    assert s.distance_end_m < s.distance_m, s


@pytest.mark.parametrize("text,az,assumed", [
    ("Facing south. An owl hoots to the north-west.", 135, False),   # NW seen facing S: behind, to the right
    ("Recorder facing east-ish. A wren sings due N.", -90, False),
    ("Far off to the west, coyotes yip.", -90, True),
])
def test_compass_directions_turn_with_the_way_the_listener_faces(text, az, assumed):
    scene = parse(text)
    assert len(scene.sources) == 1 and round(scene.sources[0].azimuth_start_deg) == az, scene
    assert ("north straight ahead" in (scene.note or "")) == assumed, scene.note


def test_a_compass_word_naming_a_thing_is_no_direction():
    s = _one("a bell rings in the east tower on my left")
    assert round(s.azimuth_start_deg) == -90, s


def test_a_bare_hour_after_a_colon_in_a_list_of_clock_positions_is_an_hour():
    src = parse("foley list —\nkettle boiling: 2 o'clock\ndoorbell: 6").sources
    assert [round(s.azimuth_start_deg) for s in src] == [60, 180], src


@pytest.mark.parametrize("text,english", [
    ("people clapping", True), ("crows cawing", True), ("perro ladrando izquierda", False),
])
def test_english_sound_words_alone_are_english(text, english):
    note = parse(text).note or ""
    assert ("no English words" in note) != english, note


@pytest.mark.parametrize("text,label,az", [
    ("A gong strikes. The sound comes from the left.", "gong", -90),
    ("a horn honks — this noise should sit behind me", "horn", 180),
])
def test_the_sound_named_again_is_the_sound_before(text, label, az):
    s = _one(text)
    assert label in s.label.lower() and round(s.azimuth_start_deg) == az, s


@pytest.mark.parametrize("text,az", [
    ("rhodes panned 40% left", -36), ("shaker panned right 100%", 90),
    ("a chime at the 4:00 position", 120), ("a horn at the 1:30 position", 45),
])
def test_a_mixers_pan_share_and_a_clock_written_as_a_time(text, az):
    assert round(_one(text).azimuth_start_deg) == az


def test_a_time_of_day_is_no_clock_position():
    assert round(_one("at 10:30 a dog barked on the left").azimuth_start_deg) == -90


@pytest.mark.parametrize("text,az,el", [
    ("a siren on the leftt", -90, 0), ("a bell to my rigt", 90, 0), ("thunder behnid me", 180, 0),
    ("a kite abvoe me", 0, 1), ("a horn straight aheaad", 0, 0),
])
def test_a_place_word_with_a_slip_of_the_keys_is_read(text, az, el):
    s = _one(text)
    assert round(abs(s.azimuth_start_deg)) == abs(az) and (s.elevation_deg > 0) - (s.elevation_deg < 0) == el, s


@pytest.mark.parametrize("text", ["a lamp on the light", "the drum overheads hiss"])
def test_a_real_word_one_letter_from_a_place_word_is_left_alone(text):
    scene = parse(text)
    assert all(s.azimuth_start_deg == 0 and s.elevation_deg == 0 for s in scene.sources), scene


@pytest.mark.parametrize("text,labels,az", [
    ("The tide comes in. North of the pier, a gull cries on the left.", ["gull"], [-90]),
    ("The kettle clicks off after a bit. Behind me, the fridge hums.", ["kettle", "fridge"], [0, 180]),
    ("Cars pass one after another on the left", ["cars"], [-135]),  # along the left side
    ("A small red bird chirps on the left, another on the right.", ["small red bird", "small red bird"], [-90, 90]),
])
def test_rewrites_stay_inside_their_phrase(text, labels, az):
    src = parse(text).sources
    assert len(src) == len(labels), src
    for s, label, a in zip(src, labels, az):
        assert s.label.lower().startswith(label) and round(s.azimuth_start_deg) == a, s
    assert "degrees" not in " ".join(s.label for s in src) and "one" not in " ".join(s.label for s in src).split()


@pytest.mark.parametrize("text,labels,az", [
    ("play_sound('dog_bark', 90)", ["dog bark"], [90]),
    ("Thunder(far left)", ["thunder"], [-90]),
    ("spawn('footsteps')", ["footsteps"], [0]),
])
def test_an_engine_calls_positional_arguments(text, labels, az):
    _assert_sources(text, labels, az)


def test_front_or_back_before_a_side_that_starts_a_move_stays_apart():
    s = _one("a car passes behind me left to right")
    assert s.moving and round(s.azimuth_start_deg) == -90, s


@pytest.mark.parametrize("text,labels,az", [
    ("Learning frog calls by ear 🐸\nspring peeper at 4 o'clock\nwood frog at 10 o'clock", ["peeper", "wood frog"], [120, -60]),
    ("Harbour sounds\ntrawler at 2 o'clock\nbuoy bell at 9 o'clock", ["trawler", "buoy bell"], [60, -90]),
])
def test_a_line_of_sounds_heads_a_list_of_placed_lines(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_wrapped_line_that_opens_with_a_verb_goes_on_with_its_sound():
    _assert_sources("a fox\nscreams on the right", ["fox"], [90])


@pytest.mark.parametrize("text,labels,az", [
    ("the crowd roars on my left 🔥", ["crowd"], [-90]),
    ("cat on the right 🐱 kettle on the left", ["cat", "kettle"], [90, -90]),
    ("to my left 🐱", ["cat"], [-90]),
])
def test_an_emoji_closing_a_placed_line_is_its_mood_and_one_after_a_place_ends_the_item(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("a kettle on the left. A radio on the right. Actually, put the kettle behind me", ["kettle", "radio"], [180, 90]),
    ("- hail on the roof at 1 o'clock\n- thunder behind\n- no wait, make the hail 11 o'clock instead",
     ["hail", "thunder"], [-30, 180]),
    ("two owls hooting, at 3 and 9 o'clock, a river in front - er, on the left I mean", ["owl", "owl", "river"], [90, -90, -90]),
])
def test_a_sound_named_again_in_a_correction_moves_there(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("a fan humming on the left... no the right", ["fan"], [90]),
    ("sirens far left, erm actually make the sirens behind", ["sirens"], [180]),
])
def test_a_place_taken_back_after_no_or_a_filler(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("a chime at 11, then a door closes right after (same spot)", ["chime", "door"], [-30, -30]),
    ("a buzzer at 12", ["buzzer"], [0]),
    ("a buzzer at 10 and a bell at 80", ["buzzer", "bell"], [10, 80]),  # angles given: 10 is degrees
])
def test_a_bare_hour_and_right_after_as_a_time(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_day_and_an_hour_is_a_time_not_a_place():
    scene = parse("The bake sale is Friday at 3, bring cupcakes.")
    assert all(s.azimuth_start_deg == 0 for s in scene.sources) and scene.note, scene


@pytest.mark.parametrize("text,az,el", [
    ("Fridge hum, centre, slightly low.", 0, -1), ("a cat purring in front, low", 0, -1),
    ("footsteps on the left, a bit down", -90, -1), ("the wind dies down on the left", -90, 0),
])
def test_a_height_said_after_the_place_as_its_own_item(text, az, el):
    s = _one(text)
    assert round(s.azimuth_start_deg) == az and (s.elevation_deg > 0) - (s.elevation_deg < 0) == el, s


@pytest.mark.parametrize("text,az", [
    ("a giggle behind the right shoulder", 135), ("someone coughing at minus 30 degrees", -30),
    ("a siren from negative 120 degrees", -120), ("drill - right 60", 60), ("a bell: left 20 degrees", -20),
])
def test_signs_in_words_side_then_angle_and_behind_a_shoulder(text, az):
    assert round(_one(text).azimuth_start_deg) == az


def test_a_side_before_a_numbered_line_is_no_angle():
    _assert_sources("1. a bus passing from left to right\n2. kids in front", ["bus", "kids"], [-90, 0])
    assert parse("1. a bus passing from left to right\n2. kids in front").sources[0].azimuth_end == 90


@pytest.mark.parametrize("text,labels,az", [
    ("target speech at 0 degrees, noise at 90 degrees", ["speech", "noise"], [0, 90]),
    ("noise from behind", ["noise"], [180]),
    ("babble on the left, noise from 135 - a standard masker setup", ["babble", "noise"], [-90, 135]),
])
def test_noise_said_alone_is_a_sound(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_with_item_with_a_height_of_its_own_is_a_sound():
    src = parse("a tram rattles past from right to left, with crows overhead").sources
    assert [s.label.split()[0] for s in src] == ["tram", "crows"] and src[1].elevation_deg > 0 and src[0].moving, src


@pytest.mark.parametrize("text", ["kites circling round overhead", "a buzzard circling around.",
                                  "a toy plane should go around everyone", "a bee circling round above us"])
def test_circling_round_is_a_circle(text):
    s = _one(text)
    assert s.moving and abs(abs(s.azimuth_end - s.azimuth_start_deg) - 360) < 1, s


@pytest.mark.parametrize("text,lo,hi", [
    ("someone whistles from the left, a little bit", -40, -5), ("a tap dripping to the right, a bit", 5, 40),
    ("a clock on my left, slightly, not fully", -40, -5),
])
def test_a_small_amount_after_the_side_and_a_comma(text, lo, hi):
    s = _one(text)
    assert lo <= s.azimuth_start_deg <= hi, s


def test_a_motion_word_after_an_owner_is_a_noun():
    scene = parse("I want to recreate the sounds from my afternoon walk by the river. A heron croaks to my left.")
    assert [s.label.split()[0] for s in scene.sources] == ["heron"] and not scene.sources[0].moving, scene


@pytest.mark.parametrize("text,labels,az", [
    ("need relaxing sounds after a long day. kettle on the left, cat purring on the right", ["kettle", "cat"], [-90, 90]),
    ("Practising frog calls by ear\npeeper @ 4 o'clock\nchorus frog @ 10 o'clock", ["peeper", "chorus frog"], [120, -60]),
])
def test_a_first_sentence_of_sounds_or_calls_heads_the_list(text, labels, az):
    _assert_sources(text, labels, az)


def test_nothing_at_a_place_places_nothing_and_pls_names_nothing():
    _assert_sources("- a kettle on the left\n- a clock in front\n(and nothing overhead pls)", ["kettle", "clock"], [-90, 0])


@pytest.mark.parametrize("text,labels,az", [
    ("Two frogs: one bullfrog on my left, one toad on my right, both croaking at night.", ["bullfrog", "toad"], [-90, 90]),
    ("Two dogs: a puppy on the left, a hound on the right, both panting.", ["puppy", "hound"], [-90, 90]),
])
def test_what_is_said_of_all_the_sounds_is_no_sound(text, labels, az):
    _assert_sources(text, labels, az)


def test_the_sound_named_again_where_its_move_ends_is_that_sound():
    src = parse("1) a jet passing overhead from left to right\n2) rain on the roof behind\nplease keep the jet quiet").sources
    assert [s.label.split()[0] for s in src] == ["jet", "rain"] and src[0].moving, src


def test_via_names_nothing():
    s = _one("a choir voice starts behind me and drifts round to the front via the left side")
    assert s.moving and round(s.azimuth_start_deg) in (180, -180) and "via" not in s.label, s


def test_a_lines_participle_with_its_own_place_after_a_comma_is_an_item():
    _assert_sources("first a goat bleats on the left\nthen whistling, center", ["goat", "whistling"], [-90, 0])


@pytest.mark.parametrize("text", [
    "a kettle on the left. Also some rain, no particular place.",
    "a kettle on the left\n- neighbours chatting through the wall, can't tell from where, whatever direction",
    "a kettle on the left. A radio too - play it wherever, I don't mind.",
])
def test_a_sound_said_to_be_anywhere_is_kept(text):
    scene = parse(text)
    assert len(scene.sources) == 2 and "left out" not in (scene.note or ""), scene


@pytest.mark.parametrize("text,label", [
    ("A puppy dashes from in front of me over to my left, collar jingling", "puppy"),
    ("A cat races from the left over to the right, bell jingling", "cat"),
])
def test_what_a_moving_sound_makes_as_it_goes_is_part_of_it(text, label):
    s = _one(text)
    assert s.moving and s.label.lower().startswith(label), s


def test_a_sound_in_its_own_sentence_after_a_move_stays():
    src = parse("A cat races from the left to the right. Birds singing.").sources
    assert len(src) == 2, src


@pytest.mark.parametrize("text,labels,az", [
    ("Facing forward: a ferry horn from behind, gulls on the left.", ["ferry horn", "gulls"], [180, -90]),
    ("a tractor passes from right to left in front of me. im facing forward", ["tractor"], [90]),
])
def test_which_way_the_listener_faces_is_no_sound(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,a0,a1", [
    ("a noise burst from 0 degrees to 180 through the right side", 0, 180),
    ("the same bee but from +90 to 270, round the back of the head", 90, 270),
    ("Present a chirp sweeping from -60 to +60 azimuth across the front", -60, 60),
    ("a whistle from -45 degrees to 45", -45, 45),
])
def test_a_move_between_two_angles_with_one_unit_or_none(text, a0, a1):
    s = _one(text)
    assert s.moving and round(s.azimuth_start_deg) == a0 and round(s.azimuth_end) == a1, s


@pytest.mark.parametrize("text", ["a car drives from 10 to 20 metres", "a bell from 8 to 1 o'clock"])
def test_distances_and_hours_are_no_angle_range(text):
    s = _one(text)
    assert not (s.moving and round(s.azimuth_end) == 20), s


@pytest.mark.parametrize("text,label,az,el", [
    ("vo_line npc_merchant pos=behind_right elev=0", "npc merchant", 135, 0),  # ids read as their words
    ("owl_hoot pos=front_left elev=30", "owl hoot", -45, 1),
    ("npc_guard pos=back_left", "npc guard", -135, 0),
])
def test_engine_fields_written_key_equals_value_apart_by_spaces(text, label, az, el):
    s = _one(text)
    assert label in s.label and round(s.azimuth_start_deg) == az and (s.elevation_deg > 0) == (el > 0), s


@pytest.mark.parametrize("text,labels,az", [
    ("Boss cues - troll king: roars at 45°. Bat swarm: flutters straight behind.", ["troll king roars", "bat swarm"], [45, 180]),
    ("Owl: low hoot, 7 o'clock. Robin: bright trill ahead.", ["owl low hoot", "robin bright trill"], [-150, 0]),
])
def test_an_item_after_a_colon_is_named_by_what_makes_it(text, labels, az):
    src = parse(text).sources
    assert len(src) == len(labels), src
    assert all(s.label.lower().startswith(w) for s, w in zip(src, labels)), src
    assert [round(s.azimuth_start_deg) for s in src] == az, src


@pytest.mark.parametrize("text,label,az", [
    ("the hatch opens with a hiss at your two o'clock", "hatch", 60),
    ("a locker slams with a bang behind me", "locker", 180),
])
def test_what_something_sounds_with_is_where_it_is(text, label, az):
    s = _one(text)
    assert s.label.lower().startswith(label) and round(s.azimuth_start_deg) == az, s


def test_a_warp_drive_is_one_thing():
    assert _one("the warp drive hums behind me").label.lower().startswith("warp drive")


@pytest.mark.parametrize("text", ["A  car  drives  from  the  left  around  behind  me  to  the  right.",
                                  "a\ttrain going by from left to right\tin front of me",
                                  "a car drives from the left around\u00a0behind me to the right"])
def test_runs_of_spaces_tabs_and_no_break_spaces_read_as_one_space(text):
    s = _one(text)
    assert s.moving and round(s.azimuth_start_deg) == -90 and round(s.azimuth_end) in (90, -270), s


@pytest.mark.parametrize("text,labels,az", [
    ("pan the shaker 50r and the bongos 30l", ["shaker", "bongos"], [50, -30]),
    ("keys hard l, organ hard r", ["keys", "organ"], [-90, 90]),
    ("a 2l bottle gurgles on the left", ["bottle"], [-90]),  # litres, not a side
])
def test_lower_case_mixer_shorthand_where_it_cannot_be_a_word(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,a0,a1", [
    ("a goat bleating right to my rear", 180, None),
    ("a scooter going from right to left to my rear", 90, 270),
    ("a tram moves from the left to the rear", -90, -180),  # "to the rear" still ends a move
])
def test_to_my_rear_is_a_place(text, a0, a1):
    s = _one(text)
    assert round(s.azimuth_start_deg) % 360 == a0 % 360, s
    assert (a1 is None and not s.moving) or (s.moving and round(s.azimuth_end) == a1), s


@pytest.mark.parametrize("text,a0,a1", [
    ("a scooter buzzes past from left to right ahead of me", -90, 90),
    ("a cart rolls from right to left ahead of us", 90, -90),
])
def test_a_side_ending_a_move_then_ahead_of_me_is_no_diagonal(text, a0, a1):
    s = _one(text)
    assert s.moving and round(s.azimuth_start_deg) == a0 and round(s.azimuth_end) == a1, s


def test_right_ahead_alone_is_still_front_right():
    assert round(_one("a robin sings right ahead").azimuth_start_deg) in (0, 45)


@pytest.mark.parametrize("text", ["a bell circles me, starting at my back", "a bell circles me, starting at his back"])
def test_a_circle_starting_at_my_back_starts_behind(text):
    s = _one(text)
    assert s.moving and round(s.azimuth_start_deg) % 360 == 180, s


@pytest.mark.parametrize("text,a0,a1,el", [
    ("a van drives from the left around behind you to the right", -90, -270, 0),
    ("a bell at three o clock and a gong at nine", 90, None, 0),
    ("a jet at 8 o clock high", -120, None, 1),
])
def test_behind_you_as_a_way_round_and_o_clock_written_apart(text, a0, a1, el):
    s = parse(text).sources[0]
    assert round(s.azimuth_start_deg) == a0 and (s.elevation_deg > 0) == (el > 0), s
    assert a1 is None or (s.moving and round(s.azimuth_end) == a1), s
    if "gong" in text:
        assert round(parse(text).sources[1].azimuth_start_deg) == -90


@pytest.mark.parametrize("text,labels,az", [
    ("the toaster behind me the radio at 2 o'clock", ["toaster", "radio"], [180, 60]),
    ("a harp slightly to the right a drum at 10 o'clock", ["harp", "drum"], [20, -60]),
    ("owls hooting above me church bells behind me on the right", ["owls", "church bells"], [0, 135]),
    ("a cello over my left shoulder rain on the left", ["cello", "rain"], [-135, -90]),
])
def test_dictated_items_without_commas(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("the espresso machine hissing behind the counter in front of me", ["espresso machine"], [0]),
    ("a chime sounds from the front door directly ahead", ["chime"], [0]),
    ("On the left a toddler giggles", ["toddler"], [-90]),
])
def test_a_place_with_its_object_or_a_place_first_is_not_split(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,az", [
    ("On the left I hear a goose", -90), ("behind me I can hear a tram", 180), ("to my right we hear a kettle", 90),
    ("somewhere above me I can hear a helicopter", 0),
])
def test_a_place_said_before_i_hear_stays(text, az):
    s = _one(text)
    assert round(s.azimuth_start_deg) % 360 == az % 360 and (s.elevation_deg > 0) == ("above" in text), s


@pytest.mark.parametrize("text,az,el", [
    ("A gong rings out low on the right.", 90, -1), ("The heater sits low to my left.", -90, -1),
    ("An owl is coming from above and behind me.", 180, 1), ("Water is heard coming from below me to the left.", -90, -1),
])
def test_heights_said_with_low_and_after_coming_from(text, az, el):
    s = _one(text)
    assert round(s.azimuth_start_deg) % 360 == az % 360 and (s.elevation_deg > 0) - (s.elevation_deg < 0) == el, s


@pytest.mark.parametrize("text", ["A tram goes from the left all the way round to the left again.",
                                  "a moth flies from behind me all the way around to behind me"])
def test_all_the_way_round_back_to_the_start_is_once_round(text):
    s = _one(text)
    assert s.moving and abs(abs(s.azimuth_end - s.azimuth_start_deg) - 360) < 1, s


@pytest.mark.parametrize("text,label,az", [
    ("Give me the clatter of pans to my right", "clatter of pans", 90),
    ("a frying pan sizzles on the left", "frying pan", -90),
    ("Picture the rattle of a tram at 2 o'clock", "rattle of a tram", 60),
    ("Design a soundscape with a curlew to my right", "curlew", 90),
    ("Can we get the kettle in front of me", "kettle", 0),
    ("In my dream there was a nightjar on the left", "nightjar", -90),
])
def test_requests_and_frames_put_other_ways_name_the_sound(text, label, az):
    s = _one(text)
    assert s.label.lower().startswith(label) and round(s.azimuth_start_deg) == az, s


def test_a_verb_pan_still_moves():
    s = _one("the guitar pans from left to right")
    assert s.moving and s.label.lower() == "guitar", s


@pytest.mark.parametrize("text,labels,az", [
    ("heron: back left, kettle: right, radio: slightly right", ["heron", "kettle", "radio"], [-135, 90, 20]),
    ("left: owl; slightly right: kettle; behind me to the right: rain", ["owl", "kettle", "rain"], [-90, 20, 135]),
    ("generator=back left cello=left owl=45 degrees left", ["generator", "cello", "owl"], [-135, -90, -45]),
    ("mix -\nclock chiming: 4 o'clock\nbaby crying: 8 o'clock\nknocking: 6", ["clock", "baby", "knocking"], [120, -120, 180]),
])
def test_sounds_keyed_by_their_places_and_places_keyed_by_their_sounds(text, labels, az):
    src = parse(text).sources
    assert [s.label.lower().split()[0] for s in src] == labels, src
    assert [round(s.azimuth_start_deg) % 360 for s in src] == [a % 360 for a in az], src


def test_a_distance_said_as_an_adjective_keeps_the_noun_phrase():
    s = _one("an old distant rumbling tram on the left")
    assert "tram" in s.label.lower() and round(s.azimuth_start_deg) == -90, s


@pytest.mark.parametrize("text", ["un perro ladra a la izquierda y un coche pasa por la derecha",
                                  "il cane abbaia a destra", "der Hund bellt rechts und die Katze links"])
def test_a_few_words_english_shares_do_not_make_a_text_english(text):
    assert "no English words" in (parse(text).note or "")


@pytest.mark.parametrize("text", ["people clapping", "a quokka squeaks", "what is the weather tomorrow"])
def test_short_english_is_still_english(text):
    assert "no English words" not in (parse(text).note or "")


@pytest.mark.parametrize("text,el", [
    ("a cricket chirping in the basement", -1), ("mice scurry in the attic", 1), ("a hum near the ceiling", 1),
    ("a ball bouncing at knee height on the left", -1), ("a toad croaking low to the ground", -1),
])
def test_heights_said_by_a_room_above_or_below_or_a_body_height(text, el):
    s = _one(text)
    assert (s.elevation_deg > 0) - (s.elevation_deg < 0) == el, s


def test_the_listeners_own_basement_places_nothing():
    assert parse("You're in the basement. The boiler groans behind you.").sources[0].elevation_deg == 0


@pytest.mark.parametrize("text,label,az", [
    ("Every few seconds a drip falls somewhere behind me.", "drip", 180),
    ("every now and then a jay screeches on the left", "jay", -90),
    ("From time to time, a gate creaks behind me", "gate", 180),
])
def test_how_often_names_no_sound(text, label, az):
    s = _one(text)
    assert s.label.lower().startswith(label) and round(s.azimuth_start_deg) == az, s


@pytest.mark.parametrize("text,els", [
    ("two kites - one left, one right - both high overhead, then a drum below us", [1, 1, -1]),
    ("a robin on the left and a wren on the right, both up high", [1, 1]),
    ("Three bells: one on the left, one ahead, one on the right, all up in the tower.", [1, 1, 1]),
])
def test_a_place_said_of_both_or_all_goes_to_the_sounds_before(text, els):
    src = parse(text).sources
    assert [(s.elevation_deg > 0) - (s.elevation_deg < 0) for s in src] == els, src


def test_a_jump_to_a_small_offset_is_a_place():
    s = _one("A trout jumps just off to my left")
    assert not s.moving and -40 <= s.azimuth_start_deg <= -5, s


@pytest.mark.parametrize("text,az", [("the front door bell rings on the left", -90), ("the back door slams on my right", 90)])
def test_a_thing_named_with_front_or_back_is_no_place(text, az):
    assert round(_one(text).azimuth_start_deg) == az


@pytest.mark.parametrize("text,labels,az", [
    ("a few flies buzzing on the left", ["flies"], [-90]),
    ("sizzling pan front and center", ["pan"], [0]),
    ("Foghorn forward, compressor aft.", ["foghorn", "compressor"], [0, 180]),
    ("a seal barks off the port beam", ["seal"], [-90]),
    ("a rattle before me", ["rattle"], [0]),
    ("owl hoot L90, cricket R45", ["owl", "cricket"], [-90, 45]),
    ("the fryer spits at about 45 to my left", ["fryer"], [-45]),
])
def test_insects_cookware_ship_words_before_me_letter_angles_and_an_angle_to_a_side(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_torpedo_from_port_to_starboard_crosses_left_to_right():
    s = _one("a torpedo running from port to starboard")
    assert s.moving and round(s.azimuth_start_deg) == -90 and round(s.azimuth_end) == 90, s


@pytest.mark.parametrize("text", ["a doorbell at 10 and a bell \u0663", "owl: 2 o'clock, frog: \u0661\u0662, bell: 9 o'clock",
                                  "\u0130" * 30 + " Orc brute: stomps at 120\u00b0", "\u0130zmir vendor: shouts on the left"])
def test_other_scripts_digits_and_letters_that_change_length_when_lowered_parse(text):
    scene = parse(text)  # once a stoi on non-ASCII digits and a position past the end
    assert scene.sources and all("\u0130" not in s.label or s.label.strip() for s in scene.sources), scene


@pytest.mark.parametrize("text,n", [
    ("A dog barks on the left. Actually, add a second dog behind me.", 2),
    ("church bells on the left. Sorry, one more thing: a church organ behind me", 2),
    ("a train passes from left to right, people talking", 2),
])
def test_sounds_added_after_a_correction_word_or_a_move_stay(text, n):
    assert len(parse(text).sources) == n, parse(text)


@pytest.mark.parametrize("text,az,el", [
    ("a piston on the right moving up and down.", 90, 0), ("a cello on the left, deep and low.", -90, 0),
    ("a Nissan R34 revs its engine on the left", -90, 0),
])
def test_pitch_motion_and_model_names_are_no_place(text, az, el):
    s = parse(text).sources[0]
    assert round(s.azimuth_start_deg) == az and (s.elevation_deg > 0) - (s.elevation_deg < 0) == el, s


@pytest.mark.parametrize("text,labels", [
    ("Behind me: drums. On the left: birds", ["drums", "birds"]),
    ("Upstairs: drums. On the left: bass", ["drums", "bass"]),
])
def test_a_place_key_does_not_name_the_sound(text, labels):
    assert [s.label.lower() for s in parse(text).sources] == labels


def test_about_a_count_on_a_side_is_no_angle():
    src = parse("a crowd: about 20 on the left, maybe 30 on the right").sources
    assert all(abs(s.azimuth_start_deg) in (90.0,) for s in src), src


@pytest.mark.parametrize("text,labels,az", [
    ("Exposure step 2: cat meowing at 90° left, low volume.", ["cat"], [-90]),
    ("a throbbing hum on the right side, in time with my pulse", ["hum"], [90]),
])
def test_how_loud_and_what_it_keeps_time_with_name_no_sound(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_sound_said_wide_is_kept():
    assert [s.label.split()[0] for s in parse("strings wide, kick center, snare hard L").sources] == ["strings", "kick", "snare"]


def test_circle_the_thing_once_is_a_circle():
    s = _one("bats circle the tower once")
    assert s.moving and abs(abs(s.azimuth_end - s.azimuth_start_deg) - 360) < 1, s


@pytest.mark.parametrize("text", [
    "a glider sweeps over the spectators from left to right", "a swift darts over the top of the head from front to back",
    "a moth flutters over my head from left to right",
])
def test_a_move_over_the_listeners_is_overhead(text):
    s = _one(text)
    assert s.moving and s.elevation_deg > 0, s


@pytest.mark.parametrize("text,end", [
    ("a tram rumbles from the right side to the left side behind me", 270),
    ("a wagon rolls from left side to right side, behind the spectator", -270),
])
def test_side_to_side_behind_goes_round_the_back(text, end):
    s = _one(text)
    assert abs(s.azimuth_start_deg) == 90 and round(s.azimuth_end) == end, s


@pytest.mark.parametrize("text,labels,az", [
    ("Drizzle + hail, hail on my right", ["drizzle", "hail"], [0, 90]),
    ("A siren wails on the left. Currently it just plays dry.", ["siren"], [-90]),
    ("The fan on the right. Text me if it rattles.", ["fan"], [90]),
    ("Geese on the left. Let us know when it's mixed.", ["geese"], [-90]),
    ("Quick take for the promo. A harp on the left. This one is due today.", ["harp"], [-90]),
])
def test_what_is_said_to_the_reader_or_of_it_names_no_sound(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("For our school play. Seagulls on the right; a foghorn behind me.", ["seagulls", "foghorn"], [90, 180]),
    ("Draft 3, notes below. A wasp on the left.", ["wasp"], [-90]),
    ("A gong ahead (as described above).", ["gong"], [0]),
])
def test_purpose_sentences_and_text_references_name_no_sound(text, labels, az):
    _assert_sources(text, labels, az)
    assert all(s.elevation_deg == 0 for s in parse(text).sources)


def test_bass_notes_below_is_a_height():
    s = parse("bass notes below, a flute above").sources
    assert s[0].elevation_deg < 0 < s[1].elevation_deg, s


@pytest.mark.parametrize("text,a0,a1", [
    ("Scooter: back-left to my right", -135, 90), ("a tram, 10 o'clock -> 2 o'clock", -60, 60),
    ("Buzzing fly: the right-hand side to front-left", 90, -45), ("kite - 30 degrees left to hard right", -30, 90),
])
def test_a_bare_place_to_place_is_a_move(text, a0, a1):
    s = _one(text)
    assert s.moving and round(s.azimuth_start_deg) == a0 and round(s.azimuth_end) == a1, s


@pytest.mark.parametrize("text,az", [("a dog barks behind me to the right", 135), ("a clock ticks in front of me to the left", -45)])
def test_a_front_or_back_before_a_side_is_one_place(text, az):
    s = _one(text)
    assert not s.moving and round(s.azimuth_start_deg) == az, s


@pytest.mark.parametrize("text,az,up", [
    ("A wren (on the right, raised)", 90, True), ("A wren (at 2 o'clock, up)", 60, True),
    ("a toad, on the left, a bit lower", -90, False), ("a lark on the left, higher up", -90, True),
    ("a kite front-right, up", 45, True), ("a gull to my left and a bit higher", -90, True),
    ("a buzzer on the right lower down", 90, False), ("a lark way up front-left", -45, True),
    ("a gong to my right below", 90, False), ("a bell to my left up", -90, True),
    ("a cuckoo at 30 degrees right overhead", 30, True), ("hail, behind me and up", 180, True),
])
def test_heights_said_after_the_place(text, az, up):
    s = _one(text)
    assert round(s.azimuth_start_deg) == az and ((s.elevation_deg > 0) if up else (s.elevation_deg < 0)), s


@pytest.mark.parametrize("text", ["A creek burbling on my left the whole way up.", "the van drives higher up the lane on the left"])
def test_way_up_and_higher_up_a_thing_are_no_height(text):
    s = parse(text).sources[0]
    assert s.elevation_deg == 0 and round(s.azimuth_start_deg) == -90, s


def test_a_bracketed_aside_with_a_comma_is_no_place():
    s = _one("a dog (on a leash, not barking) on the left")
    assert round(s.azimuth_start_deg) == -90, s


@pytest.mark.parametrize("text,labels,az", [
    ("A fox yelped to my left. I spun round but saw nothing.", ["fox"], [-90]),
    ("A gull cried behind me. We saw it land.", ["gull"], [180]),
    ("a saw whines on the left", ["saw"], [-90]),
])
def test_saw_the_verb_is_no_saw(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("behind me: sleet and on my right: a tuba", ["sleet", "tuba"], [180, 90]),
    ("Downstairs: a washer, on the left: a flute", ["washer", "flute"], [0, -90]),
    ("wind chimes from audience left; a piano house right", ["chimes", "piano"], [-90, 90]),
    ("Rear left speaker: crickets. Centre channel: narrator.", ["crickets", "narrator"], [-135, 0]),
    ("the left monitor plays a metronome and the right monitor plays claps", ["metronome", "claps"], [-90, 90]),
    ("Test 4 - speaker at forty-five degrees right plays the bell, the speaker at 90 left plays a drum.",
     ["bell", "drum"], [45, -90]),
])
def test_place_keys_mid_sentence_and_speakers_say_where(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_speaker_that_makes_a_sound_is_a_sound():
    _assert_sources("a speaker crackles on the left", ["speaker"], [-90])


@pytest.mark.parametrize("text,labels", [
    ("a tram goes from left to right, and then a bus does the same", ["tram", "bus"]),
    ("a scooter zips by left to right; a van right after it doing the same thing", ["scooter", "van"]),
])
def test_doing_the_same_follows_the_move_before(text, labels):
    src = parse(text).sources
    assert [s.label for s in src] == labels and all(s.moving and s.azimuth_start_deg == -90 and s.azimuth_end == 90 for s in src), src


@pytest.mark.parametrize("text,label,az", [
    ("BUG-31: gong is currently centred, needs to come from 3 o'clock.", "gong", 90),
    ("The chimes are currently on the left but they should be behind the player.", "chimes", 180),
    ("the siren should sit at 10 o'clock", "siren", -60), ("the heron needs to be at left 45 degrees", "heron", -45),
])
def test_where_a_sound_is_now_is_not_where_it_goes(text, label, az):
    s = _one(text)
    assert s.label == label and round(s.azimuth_start_deg) == az, s


def test_a_sound_said_all_around_takes_no_place_from_the_item_before():
    src = parse("thuds on the right, a slap to the left, and the audience clapping all around").sources
    assert [round(s.azimuth_start_deg) for s in src[:2]] == [90, -90] and "clapping" in src[2].label, src


@pytest.mark.parametrize("text,labels", [
    ("a foghorn ahead, a choir behind (just kidding, skip that one)", ["foghorn"]),
    ("a dog on the left, a goat behind me - actually skip the goat", ["dog"]),
    ("a dog on the left, a goat behind me. Leave the goat out.", ["dog"]),
    ("a dog on the left. Don't forget the goat behind me", ["dog", "goat"]),
])
def test_a_sound_taken_back_goes(text, labels):
    assert [s.label for s in parse(text).sources] == labels


@pytest.mark.parametrize("text,lo,hi", [
    ("a wren on the left but only slightly", -40, -5), ("a buzzer to my right, but just a little", 5, 40),
    ("a cough on the right but barely", 5, 40),
])
def test_but_only_slightly_is_a_small_offset(text, lo, hi):
    assert lo <= _one(text).azimuth_start_deg <= hi


@pytest.mark.parametrize("text,a0,a1", [
    ("a gong on the leeeeft", -90, None), ("a drum roll starts on my rite and goes allll the way round the back to my left", 90, 270),
])
def test_held_letters_and_rite(text, a0, a1):
    s = _one(text)
    assert round(s.azimuth_start_deg) == a0 and (a1 is None or round(s.azimuth_end) == a1), s


def test_a_held_sound_word_and_the_rite_of_spring_stay():
    assert _one("a bee buzzzzing on the right").label == "bee buzzzzing"
    assert round(_one("the rite of spring plays on the left").azimuth_start_deg) == -90


@pytest.mark.parametrize("text", [
    "voice one far left, voice two far right. all of them should feel like they're up high",
    "a piccolo on the left, a tuba on the right; all three should be overhead",
])
def test_a_height_said_of_all_the_sounds_is_each_ones(text):
    src = parse(text).sources
    assert len(src) == 2 and all(s.elevation_deg > 0 for s in src) and [round(s.azimuth_start_deg) for s in src] == [-90, 90], src


@pytest.mark.parametrize("text,labels", [
    ("Cabin 4B, porthole on my right. The generator throbs below it, and a gull cries behind me.", ["generator", "gull"]),
    ("Lying in bed with the wall at my back, I hear an owl ahead", ["owl"]),
    ("the moon at twelve, frogs at nine", ["frogs"]),
    ("From the cellar below me came a scrape, and a goat bleated on the left.", ["scrape", "goat"]),
    ("a lamp hums on the left and a goat bleats on the right", ["lamp", "goat"]),
])
def test_a_placed_thing_that_makes_no_sound_is_no_source(text, labels):
    src = parse(text).sources
    assert len(src) == len(labels) and all(w in s.label for s, w in zip(src, labels)), src


def test_a_silent_thing_alone_is_still_read():
    assert _one("a table on the left").label == "table"


@pytest.mark.parametrize("text,label,az", [
    ("take_07.wav - street organ from the left, approx -60°", "street organ", -60),
    ("07:40 - wren singing in the hedge, bearing approx. 40° right of my heading.", "wren singing in the hedge", 40),
    ("15:10 - cuckoo calling, approx. 2 o'clock, mid-distance.", "cuckoo calling", 60),
])
def test_approx_bearing_and_mid_distance_are_no_sounds(text, label, az):
    s = _one(text)
    assert s.label == label and round(s.azimuth_start_deg) == az, s


@pytest.mark.parametrize("text,label,el", [
    ("Put the 909 below and the pads floating above", "909", -1), ("a 747 on the left", "747", 0),
])
def test_a_number_after_an_article_names_the_sound(text, label, el):
    s = parse(text).sources[0]
    assert s.label == label and (s.elevation_deg > 0) - (s.elevation_deg < 0) == el, s


def test_a_number_with_a_unit_is_no_name():
    assert _one("a chime at the 30 degrees on the right").label == "chime"


@pytest.mark.parametrize("text,az", [("a kettle at forty-five to the left", -45), ("a fan at thirty to my right", 30)])
def test_an_angle_in_words_to_a_side(text, az):
    assert round(_one(text).azimuth_start_deg) == az


def test_a_sound_following_the_one_before_takes_its_move():
    src = parse("a go-kart whizzes past from right to left, a scooter following it a few seconds later").sources
    assert [s.label for s in src] == ["go-kart", "scooter"], src
    assert all(s.moving and s.azimuth_start_deg == 90 and s.azimuth_end == -90 for s in src), src


@pytest.mark.parametrize("text,labels,az", [
    ("sound\taz\tel\nshower hiss\t-70\t0\ntoaster pop\t150\t0", ["shower hiss", "toaster pop"], [-70, 150]),
    ("source,azimuth_deg\nblender,-35\nparrot,110", ["blender", "parrot"], [-35, 110]),
    ("| Cue | Az | El |\n|---|---|---|\n| foghorn | -120 | 0 |\n| bell buoy | 60 | 0 |", ["foghorn", "bell buoy"], [-120, 60]),
    ("Ambience sheet (pasted): | layer | direction | | creek | left | | cicadas | behind |", ["creek", "cicadas"], [-90, 180]),
])
def test_tables_pasted_as_text(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_table_of_moves():
    src = parse("Sound\tStart\tEnd\ntram\t-90\t90\nferry\t60\t-60").sources
    assert [(s.label, s.azimuth_start_deg, s.azimuth_end) for s in src] == [("tram", -90, 90), ("ferry", 60, -60)], src


def test_prose_with_commas_is_no_table():
    _assert_sources("Sound, then silence, then a dog on the left", ["dog"], [-90])


@pytest.mark.parametrize("text,labels,az", [
    ("[LOG] event=vase_shatter bearing=+45; event=cat_hiss bearing=-120", ["vase shatter", "cat hiss"], [45, -120]),
    ("- event: Play_Creek_Loop\n  pan: hard left\n- event: Play_Owl_Hoot\n  pan: right", ["creek loop", "owl hoot"], [-90, 90]),
    ("VEH_Truck_Pass_LtoR.wav - a truck rumbles by left to right", ["truck"], [-90]),
    ("What's the L_den limit here? A dog barks on the left.", ["dog"], [-90]),
])
def test_code_names_are_read_as_words(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_slight_pan_field():
    assert 5 <= _one("- event: Play_Wind_Gust\n  pan: right, slight").azimuth_start_deg <= 40


@pytest.mark.parametrize("text,labels,az,el", [
    ("we had a low groaning coming from beneath the floor, and a harp behind me", ["groaning", "harp"], [0, 180], [-1, 0]),
    ("a gong on the table in front of us and a bell ringing by itself far left", ["gong", "bell"], [0, -90], [0, 0]),
    ("the council is drilling out front at 7 every morning, and a goat bleats on the left", ["drilling", "goat"], [0, -90], [0, 0]),
    ("a kettle at my feet, no wait, under the bed, and an owl to the left", ["kettle", "owl"], [0, -90], [-1, 0]),
    ("rain on the roof, and underneath it all a cello on the left", ["rain", "cello"], [0, -90], [1, 0]),
])
def test_story_phrasings_from_set_48(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,moving", [
    ("a stream runs past on my right", False), ("the creek running by on the left", False),
    ("a canal boat passes on my left", True), ("a rooster far away behind everyone", False),
])
def test_water_going_by_stays_and_behind_everyone(text, moving):
    s = _one(text)
    assert s.moving == moving and abs(s.azimuth_start_deg) >= 90, s


@pytest.mark.parametrize("text,labels,az", [
    ("I want a harbour comma gulls on the left comma a foghorn behind me period thanks period", ["gulls", "foghorn"], [-90, 180]),
    ("HOW DO I MAKE THE WIND COME FROM BEHIND ME. I ALSO WANT A GOAT FAR OFF TO THE LEFT", ["wind", "goat"], [180, -90]),
    ("the voice of the guide in face of you", ["voice"], [0]),
    ("church bells at 2 hour and the rooster at 10 hour", ["bells", "rooster"], [60, -60]),
    ("Cat meow slighty of center to the left", ["cat"], [-20]),
    ("a kettle in front if me and the radio behind me to the write", ["kettle", "radio"], [0, 135]),
    ("a tram going from let to right", ["tram"], [-90]),
])
def test_learner_dictation_and_capitals(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,label", [("let me hear a dog on the left", "dog"), ("a comma butterfly on the left", "comma butterfly")])
def test_let_and_one_comma_stay_words(text, label):
    assert _one(text).label == label


def test_a_turn_all_around_of_me_is_a_circle():
    s = _one("a horse which makes a turn all around of me")
    assert s.moving and abs(abs(s.azimuth_end - s.azimuth_start_deg) - 360) < 1, s


def test_behind_a_little_to_the_left():
    assert -180 <= _one("a dog barking behind a little to the left").azimuth_start_deg <= -140


@pytest.mark.parametrize("text,labels,az", [
    ("a tone at 9 oclock, another tone at 3 oclock, and last one at 12", ["tone", "tone", "tone"], [-90, 90, 0]),
    ("ma'am can u do a karaoke on the right side", ["karaoke"], [90]),
    ("At 4 in morning the street is quiet, only a cat fighting somewhere in back", ["cat"], [180]),
    ("a freight train rumbling past in front, right to left, for a good minute or two, and a bell on the right",
     ["freight train", "bell"], [90, 90]),
])
def test_more_phrasings_from_sets_49_and_50(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,label,az,el", [
    ("[WARN] hiss localized slightly left, az ~ -15", "hiss", -15, 0), ("// owl hoot buffer: azi 45, elev up", "owl hoot", 45, 1),
    ("a drip, elevation: down", "drip", 0, -1), ("Seal bark heard astern, about 160 degrees relative", "seal bark", 160, 0),
])
def test_log_and_buffer_notes(text, label, az, el):
    s = _one(text)
    assert label in s.label and round(s.azimuth_start_deg) == az and (s.elevation_deg > 0) - (s.elevation_deg < 0) == el, s


@pytest.mark.parametrize("text,labels,az", [
    ("[crowd cheering ahead] [gull flies past, right to left] [engine idling behind camera]",
     ["crowd cheering", "gull", "engine idling"], [0, 90, 180]),
    ("[SFX: door slam, left] [SFX: goat bleat, right]", ["door slam", "goat bleat"], [-90, 90]),
    ("a bell at 2 o'clock [1-5] stays", ["bell"], [60]),
])
def test_bracketed_notes_are_items(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az,el", [
    ("hail on the church roof, violas at ~-30°", ["hail", "violas"], [0, -30], [1, 0]),
    ("Wanna hear: rain on the skylight, a kettle to the left", ["rain", "kettle"], [0, -90], [1, 0]),
    ("cat snoring under desk, fan above", ["cat", "fan"], [0, 0], [-1, 1]),
    ("a tuba drone that passes under the seating from left to right", ["tuba"], [-90], [-1]),
    ("an umpire whistle at minus forty-five degrees, a kettle at plus one hundred and thirty-five",
     ["umpire whistle", "kettle"], [-45, 135], [0, 0]),
    ("Exhibit 9: reconstruct the gunshot at approx. 60° right of the recorder, a van idling at 0°.", ["gunshot", "van"], [60, 0], [0, 0]),
    ("Lorry 9 idling a little to my left, indicator ticking on the same side", ["lorry", "indicator"], [-20, -20], [0, 0]),
])
def test_phrasings_from_sets_51_to_53(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels", [
    ("a shrew on the left and a bit of kora music somewhere", ["shrew", "kora music"]),
    ("crickets at nine, the moon at twelve, silence everywhere else", ["crickets"]),
])
def test_a_sound_said_to_be_somewhere_is_kept(text, labels):
    src = parse(text).sources
    assert len(src) == len(labels) and all(w in s.label for s, w in zip(src, labels)), src


@pytest.mark.parametrize("text,labels,az", [
    ("Boars rooting around behind me", ["boars"], [180]),
    ("i want teh sound of a cart creaking on my left", ["cart"], [-90]),
    ("hens 9 o'clock, radio 3 o'clock, wind 6", ["hens", "radio", "wind"], [-90, 90, 180]),
])
def test_idle_around_teh_and_a_bare_hour_among_hours(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_sound_noun_after_a_colon_with_a_participle():
    src = parse("Need: fly buzzing around my head once, creek at 6, crow at 12.").sources
    assert [s.label for s in src] == ["fly", "creek", "crow"], src
    assert src[0].moving and abs(src[0].azimuth_end - src[0].azimuth_start_deg) == 360, src


@pytest.mark.parametrize("text,labels,az", [
    ("One bell rang to my right and another straight ahead", ["bell", "bell"], [90, 0]),
    ("A kettle whistles on the left. Fifteen rooms left.", ["kettle"], [-90]),
    ("a cello on the right, nothing left", ["cello"], [90]),
])
def test_one_another_a_participle_going_on_and_what_is_left(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("a vendor calls out from behind, 7 o'clock", ["vendor"], [-150]),
    ("a fan whirring at minus 45", ["fan"], [-45]), ("the second talker at minus forty-five", ["second talker"], [-45]),
    ("a puppy whining in the back seat, a wiper squeaking on my left", ["puppy", "wiper"], [180, -90]),
    ("In the back seat: the radio is playing in front of me", ["radio"], [0]),
    ("broth boiling in front of me, litle bit to left", ["broth"], [-20]),
    ("a gong on my left, a harp on my right. Keep the harp soft.", ["gong", "harp"], [-90, 90]),
])
def test_phrasings_from_sets_54_to_56(text, labels, az):
    _assert_sources(text, labels, az)


def test_flapping_round_me_in_circles_and_kicking_in_somewhere():
    s = _one("a robin is flapping round me in circles")
    assert s.moving and abs(s.azimuth_end - s.azimuth_start_deg) == 360, s
    src = parse("Oil dripping above my head, a wrench on my right. Compressor kicks in somewhere too.").sources
    assert any("compressor" in s.label for s in src), src


@pytest.mark.parametrize("text", [
    "\u0130\u0130\u0130\u0130 at 9 and a bell at 10 o'clock", "\u0130\u0130\u0130 astern, a gull off the port beam",
    "a doorbell at 10 and a bell \u0663\nowl: 9 o'clock\n" + "\u0130" * 30 + " at 7",
])
def test_letters_that_lower_to_two_keep_hours_and_ship_sides_in_place(text):
    """A capital dotted I lowers to two characters; the hour and ship-side rewrites read positions
    of a same-length lowering (the fuzzer found an out-of-bounds read here)."""
    assert parse(text).sources


@pytest.mark.parametrize("text,labels,az", [
    # found by review: each rule held to where it is meant
    ("A notification chimes on my right from the app. A dog barks behind me.", ["notification chimes", "dog"], [90, 180]),
    ("Drums center, two guitars left.", ["drums", "guitars"], [0, -90]),
    ("A dog barks on the left, dont forget the kettle whistling behind me", ["dog", "kettle"], [-90, 180]),
    ("A dog barks on the left. I can't forget the train horn behind me.", ["dog", "train horn"], [-90, 180]),
    ("Kids skip the rope on the left while a dog barks behind me", ["kids", "dog"], [-90, 180]),
    ("From the back seat, I hear a dog barking on my left", ["dog"], [-90]),
    ("[DOG] on the left, [CAR] on the right", ["dog", "car"], [-90, 90]),
    ("A dog [barking loudly] on the left", ["dog"], [-90]),
    ("Hammering on the left, then saw cutting wood on the right.", ["hammering", "saw"], [-90, 90]),
    ("Rain on the left. Keep the thunder rumbling behind me.", ["rain", "thunder"], [-90, 180]),
])
def test_review_findings_stay_fixed(text, labels, az):
    _assert_sources(text, labels, az)


def test_scratching_around_us_keeps_its_way_round():
    assert _one("mice scratching around us in the dark").label.startswith("mice scratching")


def test_two_punctuation_words_mid_text_stay_words():
    assert [s.label for s in parse("a comma butterfly flutters right, a period piece plays behind").sources] == [
        "comma butterfly", "period piece plays"]
    assert [round(s.azimuth_start_deg) for s in parse("a dog on the left comma a cat behind period").sources] == [-90, 180]


@pytest.mark.parametrize("text,labels,az,el", [
    ("birds lft cars rt", ["birds", "cars"], [-90, 90], [0, 0]),
    ("hikers singing, coming up the path behing us", ["hikers"], [180], [0]),
    ("Kitten mewing under the exam table", ["kitten"], [0], [-1]),
])
def test_phrasings_from_sets_45_to_47(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_one_time_around_and_no_placement():
    s = _one("The breeze goes one time around my head.")
    assert s.moving and abs(s.azimuth_end - s.azimuth_start_deg) == 360, s
    assert [s.label for s in parse("sub bass - no placement, just everywhere").sources] == ["sub bass"]
    assert [s.label for s in parse("tape hiss over everything, no specific position").sources] == ["tape hiss"]


@pytest.mark.parametrize("text,start,end", [
    ("a jet passes over the top from behind to the front", 180, 0),
    ("big roller brush goes over the roof front to back", 0, 180),
    ("the helicopter should go over the top, left to right", -90, 90),
    ("a plane flew over the house front to back", 0, 180),
    ("geese fly over, left to right", -90, 90),
])
def test_a_move_over_the_top_or_a_roof_goes_above(text, start, end):
    s = _one(text)
    assert s.moving and s.elevation_deg > 0, s
    assert abs((s.azimuth_start_deg - start + 180) % 360 - 180) < 1 and abs(s.azimuth_end - s.azimuth_start_deg - (end - start)) < 1, s


def test_coming_over_is_coming_near_not_above():
    assert _one("the cat is coming over from the left").elevation_deg == 0


@pytest.mark.parametrize("text,labels", [
    # a part of the moving thing, after a comma or "with the", is heard as the thing
    ("a biplane flying over from behind me to the front, engine sputtering, then a radio crackling at my 3 o'clock",
     ["biplane", "radio"]),
    ("fire truck driving past from the right to the left with the siren going and a dog barking in front",
     ["fire truck", "dog"]),
    ("gurney wheeled past me from behind to the front, one wheel squeaking", ["gurney"]),
    ("Coast guard helicopter circled the vessel once at low altitude, rotor noise heavy.", ["helicopter"]),
    ("The attendant mopped from the back of the room toward me, bucket wheels rattling.", ["attendant"]),
    # sounds of their own stay: a new thing, a place of its own, a still source before it
    ("A train passes from left to right, a dog barking behind me", ["train", "dog"]),
    ("0615: gulls overhead, engine throb below deck", ["gulls", "engine"]),
    ("A big band playing ahead, shoes shuffling on the floor, and glasses clinking at the back right.",
     ["band", "shoes", "glasses"]),
    ("They rode in silence until a horn sounded from the hills behind them.", ["horn"]),
])
def test_the_parts_of_a_moving_thing_are_heard_as_it(text, labels):
    found = [s.label for s in parse(text).sources]
    assert len(found) == len(labels) and all(w in f for w, f in zip(labels, found)), found


@pytest.mark.parametrize("text,az", [
    ("Boss stage: gong at minus ninety degrees, choir swelling at plus one thirty-five", [-90, 135]),
    ("a drone at two seventy degrees", [-90]), ("a bell at one twenty degrees", [120]),
    ("a horn at minus one thirty five degrees", [-135]), ("choir at minus one twenty", [-120]),
    ("a bell at a hundred and twenty degrees", [120]), ("a bell at twenty one degrees", [21]),
])
def test_angles_said_as_spoken_hundreds(text, az):
    assert [round(s.azimuth_start_deg) for s in parse(text).sources] == az


@pytest.mark.parametrize("text,labels,az", [
    ("808 dead center, hats panned hard right", ["808", "hats"], [0, 90]),
    ("kick left, 909 on the right", ["kick", "909"], [-90, 90]),
    ("In 1998 on the left a dog barked", ["dog"], [-90]),
])
def test_a_number_opening_an_item_with_a_place_names_it(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,labels,az", [
    ("crowd murmur all across the back, a single cough just right of centre", ["crowd murmur", "cough"], [180, 20]),
    ("A choir spread from left to right across the front, with an organ behind.", ["choir", "organ"], [0, 180]),
    ("the strings spread across the front, a harp on the left", ["strings", "harp"], [0, -90]),
])
def test_a_sound_spread_across_one_side_stays_there(text, labels, az):
    _assert_sources(text, labels, az)
    assert not any(s.moving for s in parse(text).sources)


def test_walking_across_the_back_still_moves():
    assert _one("footsteps walk across the back from left to right").moving


@pytest.mark.parametrize("text", [
    "I need a bee that buzzes all the way around the kids.",
    "The pirate ghost should float around the player once, moaning.",
    "a spaceship engine hum that circles the table once",
])
def test_once_round_the_kids_the_player_or_the_table(text):
    s = parse(text).sources[0]
    assert s.moving and abs(s.azimuth_end - s.azimuth_start_deg) == 360, s


@pytest.mark.parametrize("text,labels,az", [
    ("two soft drums, one at 9 o'clock and one at 3 o'clock", ["drum", "drum"], [-90, 90]),
    ("One washing machine humming on the left, another on the right", ["washing machine", "washing machine"], [-90, 90]),
    ("One dog barking on the left, another on the right", ["dog", "dog"], [-90, 90]),
    ("heartbeat thudding underneath, breathing close on the right ear.", ["heartbeat", "breathing"], [0, 90]),
    ("A plane drones overhead, banking from right to left. Children laugh off to the right.", ["plane", "children"], [90, 90]),
    ("dice roll SFX on the right side, card flip sound slightly to the left", ["dice roll", "card flip"], [90, -20]),
    ("a drum roll behind me", ["drum roll"], [180]),
    ("a drum booms on the left, and last a rain stick shakes on the right.", ["drum", "rain stick"], [-90, 90]),
    ("last night a dog barked on the left", ["dog"], [-90]),
    ("Horse and cart pass behind the listener, right to left", ["horse and cart"], [90]),
    ("The wolf huffs and puffs behind you, the first pig squeals to your left", ["wolf", "pig"], [180, -90]),
    ("drum and bass on the left, a dog on the right", ["drum and bass", "dog"], [-90, 90]),
    ("a horse and a dog on the left", ["horse", "dog"], [-90, -90]),
])
def test_phrasings_from_sets_60_to_62(text, labels, az):
    _assert_sources(text, labels, az)


def test_one_and_counted_items_keep_their_names():
    assert [s.label for s in parse("Backing vocals: one singer far left, the other far right.").sources] == [
        "vocal singer", "vocal"]
    assert [s.label for s in parse("hens: one on the left, one ahead, and the last one on the right").sources] == ["hen"] * 3


@pytest.mark.parametrize("text,labels,el", [
    ("up on the third floor: traffic roaring far below, pigeons cooing on the ledge to my right", ["traffic", "pigeons"],
     [-1, 0]),
    ("Up in the attic: mice scratching on the left", ["mice"], [1]),
    ("The snow chains clatter under the car, the radio plays straight ahead", ["snow chains", "radio"], [-1, 0]),
    ("Miss sounds should come from under the platform.", ["miss sounds"], [-1]),
])
def test_heights_under_things_and_the_listeners_own_floor(text, labels, el):
    src = parse(text).sources
    assert [any(w in s.label for w in [lab]) for s, lab in zip(src, labels)] == [True] * len(labels) and len(src) == len(labels), src
    assert [(s.elevation_deg > 0) - (s.elevation_deg < 0) for s in src] == el, src


@pytest.mark.parametrize("text,labels,az", [
    ("The bagpiper stood a little to my left on the path, a car door slammed over in the car park to the back-right, "
     "and I could hear muffled sobbing from the front.", ["bagpiper", "car door", "sobbing"], [-20, 135, 0]),
    ("Oh and the dog barking somewhere behind, a cat on the left", ["dog", "cat"], [180, -90]),
    ("music on the left 🛹🔥 also my friend talking behind me", ["music", "friend"], [-90, 180]),
    ("🔥 crackling on the left, 🌊 on the right", ["fire", "waves"], [-90, 90]),
    ("3am, essay due at 9. Washing machine spinning at 4 o'clock, a fox screaming behind me",
     ["washing machine", "fox"], [120, 180]),
    ("I left at 6. A dog at 3 o'clock", ["dog"], [90]),
    ("When she left, a door slammed behind me", ["door"], [180]),
    ("someone on the left coughs", ["someone"], [-90]),
    ("Late at night we got lost in the back streets. Footsteps echoing in the alley ahead of us.", ["footsteps"], [0]),
])
def test_more_phrasings_from_sets_60_to_62(text, labels, az):
    _assert_sources(text, labels, az)
    assert not any(s.moving for s in parse(text).sources)


def test_fire_emoji_praise_names_no_fire():
    assert [s.label for s in parse("drone circling the player once 🔥").sources] == ["drone"]


@pytest.mark.parametrize("text,labels", [
    ("Physio said to practise walking toward a sound. A ticking clock a little to my left please.", ["ticking clock"]),
    ("My doctor suggested relaxing sounds. I would like a stream trickling on my right-hand side, a blackbird singing "
     "somewhere in front.", ["stream trickling", "blackbird singing"]),
    ("HOW DO I MAKE THE RAIN COME FROM BEHIND ME. MY GRANDDAUGHTER SAID THIS WOULD WORK.", ["rain"]),
    # what someone says is a sound
    ("A dog barks on the left. A man says hello.", ["dog barks", "man says"]),
    ("A radio host says 'Left, right, left!' while marching drums play behind me.", ["radio host says", "marching drums play"]),
])
def test_who_asked_for_the_scene_is_no_sound(text, labels):
    assert [s.label for s in parse(text).sources] == labels


@pytest.mark.parametrize("text,labels,az,el", [
    ("We're up on a three storey pitch. Traffic rumbling below on the left, a dog yapping to the right",
     ["traffic", "dog"], [-90, 90], [-1, 0]),
    ("the foreman shouting up at us from the ground behind", ["foreman"], [180], [-1]),
    ("45 floors up on the BMU. A siren wails down on the street behind.", ["siren"], [180], [-1]),
    ("I'm up on the roof, a dog barks on the left", ["dog"], [-90], [0]),
    ("a bird up in the tree", ["bird"], [0], [1]),
])
def test_the_listeners_own_height_places_no_sound(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_a_lone_verb_with_where_it_goes_goes_on_with_the_sound_before():
    s = _one("The beeping started behind me and swung round to my left as it parked")
    assert s.moving and round(s.azimuth_start_deg) in (180, -180) and round(s.azimuth_end) == -90, s
    assert [s.label for s in parse("Hammering on the left, then sawing to the right.").sources] == ["hammering", "sawing"]


def test_behind_the_fence_is_behind_a_thing_not_a_person():
    assert [(s.label, round(s.azimuth_start_deg)) for s in parse(
        "Neighbour's radio behind the fence on my left, the loft door creaking right behind me").sources] == [
        ("neighbour's radio", -90), ("loft door creaking", 180)]


def test_a_setting_named_before_is_not_the_sound_named_again():
    src = parse("Evening at the loft. Neighbour's radio on my left, the loft door creaking right behind me.").sources
    assert [s.label for s in src] == ["neighbour's radio", "loft door creaking"], src


@pytest.mark.parametrize("text,labels", [
    ("Alley behind the takeaways. Rats scurrying in the drain below, a radio blaring from a van ahead, and a kitchen "
     "extractor fan roaring over my right shoulder.", ["rats", "radio", "fan"]),
    ("Test ride out back: a customer rides a squeaky bike in a loop all the way round me, my apprentice hammers a headset "
     "in just right of straight ahead, and a bus pulls away behind me on the left.", ["bike", "apprentice", "bus"]),
    # a first sentence placed by a side of the listener, or naming a sound, stays
    ("Source A: female talker at azimuth twenty degrees right. Source B: child talker at twenty degrees left.",
     ["female talker", "child talker"]),
    ("Hammering behind the shed. A dog on the left, a cat on the right.", ["hammering", "dog", "cat"]),
])
def test_a_first_sentence_placed_by_a_landmark_and_naming_no_sound_frames_the_scene(text, labels):
    src = parse(text).sources
    assert len(src) == len(labels) and all(w in s.label for w, s in zip(labels, src)), src


@pytest.mark.parametrize("text,labels", [
    ("a toilet flushes somewhere downstairs, underneath the studio.", ["toilet flushes"]),
    ("Fuel hissing from underneath, below trainee level. Keep dispatch radio at 0.", ["fuel hissing", "dispatch radio"]),
    ("Next round, a low hum moving slowly from right to left across the front, with a steady metronome tick behind the "
     "client. No other sounds please, she startles easily.", ["low hum", "steady metronome tick"]),
    ("thunder far away in front, and a cat purring on the right side. Please no sudden loud cracks.", ["thunder", "cat purring"]),
])
def test_places_after_a_comma_and_sounds_asked_away_name_no_sound(text, labels):
    assert [s.label for s in parse(text).sources] == labels


@pytest.mark.parametrize("text,labels,az,el", [
    ("k make it spooky: creaky stairs to the left, fridge humming straight ahead, and a dog barking outside on the right",
     ["creaky stairs", "fridge", "dog"], [-90, 0, 90], [0, 0, 0]),
    ("Can you make the buffalo herd coming closer from behind, and one bird on top of the car?", ["buffalo", "bird"],
     [180, 0], [0, 1]),
    ("on top of that, a dog barks on the left", ["dog"], [-90], [0]),
])
def test_sounding_things_and_on_top(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_a_move_verb_after_a_modal_goes_on_with_the_sound_before():
    s = _one("the crosswalk beacon starts on the left curb and should pan to the right curb as the user crosses.")
    assert s.moving and round(s.azimuth_start_deg) == -90 and round(s.azimuth_end) == 90, s


@pytest.mark.parametrize("text,labels,az,el", [
    ("Church bell ~ -120 deg, traffic hum dead ahead.", ["church bell", "traffic hum"], [-120, 0], [0, 0]),
    ("blade scraping under the machine", ["blade"], [0], [-1]),
    ("rain tapping the roof, dialogue centred", ["rain", "dialogue"], [0, 0], [1, 0]),
    ("~ nice ~ a dog on the left", ["dog"], [-90], [0]),
])
def test_tildes_machines_and_roofs(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels,az", [
    ("dog bark: front-right (45°), cat meow: rear (180°)", ["dog bark", "cat meow"], [45, 180]),
    ("dog: left (-90°), cat: right (90°)", ["dog", "cat"], [-90, 90]),
    ("dog: back-left (-135°), cat: ahead (0°)", ["dog", "cat"], [-135, 0]),
    ("dog: left (30 degrees), cat: behind", ["dog", "cat"], [-30, 180]),
])
def test_an_angle_in_brackets_after_a_place(text, labels, az):
    _assert_sources(text, labels, az)


def test_a_numbered_list_after_a_side_is_no_angle():
    src = parse("(1) a motorcycle swerves from hard right round behind us to hard left\n(3) sirens approaching at 3 o'clock").sources
    assert [round(s.azimuth_start_deg) for s in src] == [90, 90] and src[0].moving, src


@pytest.mark.parametrize("text,labels,az,el", [
    ("kitsune whisper behind the right ear", ["kitsune whisper"], [135], [0]),
    ("whisper debuff voice over left shoulder", ["whisper"], [-135], [0]),
    ("HE'S BEHIND YOU — ghost moan directly behind", ["ghost moan"], [180], [0]),
    ("rain on the top speakers only", ["rain"], [0], [1]),
    ("Section I: granular rain, ceiling speakers only", ["granular rain"], [0], [1]),
])
def test_body_sides_without_my_pronouns_and_top_speakers(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_any_verb_once_round_the_listener_is_a_circle():
    s = _one("Hero moment: a hummingbird zips once around the listener's head.")
    assert s.moving and abs(s.azimuth_end - s.azimuth_start_deg) == 360, s


@pytest.mark.parametrize("text,labels,start,end", [
    ("motorbike came from behind me n went off ahead", ["motorbike"], [180], [0]),
    ("a motorbike came from behind me and sped off ahead of me", ["motorbike"], [180], [0]),
    ("a jet in the trailer flew from the left speaker all the way round behind us to the right one, sick", ["jet"], [-90], [-270]),
    ("Encore: a lone bagpiper started far off in front and marched past on our left, ending up behind the audience.",
     ["bagpiper"], [0], [-180]),
])
def test_moves_that_end_off_ahead_or_at_the_other_one(text, labels, start, end):
    src = parse(text).sources
    assert len(src) == len(labels), src
    for s, w, a, b in zip(src, labels, start, end):
        assert w in s.label and s.moving and round(s.azimuth_start_deg) % 360 == a % 360 and round(s.azimuth_end - s.azimuth_start_deg) == b - a, s


@pytest.mark.parametrize("text,labels,az", [
    ("two dogs: the left one barks, the right one howls", ["dog", "dog"], [-90, 90]),
    ("zip being pulled slightly to the right, fabric tearing far left", ["zip", "fabric"], [20, -90]),
])
def test_one_on_each_side_and_a_zip(text, labels, az):
    _assert_sources(text, labels, az)


def test_nobody_speaking_is_no_sound():
    src = parse("In the doctor's waiting room nobody spoke. A toddler babbled at my feet, the receptionist's phone trilled "
                "over to my left.").sources
    assert [s.label for s in src] == ["toddler babbled", "receptionist's phone trilled"], src


@pytest.mark.parametrize("text,labels,az", [
    ("bro can u make the seagull fly around the camera like in a circle lol 🐦 and waves crashing in front, plus my mate "
     "shouting from behind me", ["seagull", "waves", "mate"], [0, 0, 180]),
    ("🐶 barking on the left 🚗 passing right to left", ["dog", "car"], [-90, 90]),
    ("a choir fades in across the front soundstage, a bee on the left", ["choir", "bee"], [0, -90]),
    ("dialogue locked center, score wide", ["dialogue", "score"], [0, 0]),
])
def test_emoji_closing_a_clause_and_wide_sounds(text, labels, az):
    _assert_sources(text, labels, az)


@pytest.mark.parametrize("text,label,start,end", [
    ("a runner overtakes me from behind", "runner", 180, 0),
    ("runner overtakes me on the right from behind", "runner", 180, 0),
    ("Helicopter coming in from behind and landing in front of me", "helicopter", 180, 0),
    ("a helicopter comes from behind and lands in front of me", "helicopter", 180, 0),
    ("bagpiper walked in behind us and passed along our right side up to the front", "bagpiper", 180, 0),
])
def test_overtakes_landings_and_coming_in_behind(text, label, start, end):
    s = _one(text)
    assert label in s.label and s.moving and round(s.azimuth_start_deg) % 360 == start % 360, s
    assert round(s.azimuth_end - s.azimuth_start_deg) == end - start, s


def test_a_landing_named_with_its_own_sound_stays_a_sound():
    assert [s.label for s in parse("a dog barks on the left, a plane landing in front").sources] == ["dog barks", "plane landing"]


@pytest.mark.parametrize("text,label,start,end", [
    ("Recording for the apprentices: a tyre thump that starts at the back left and travels forward to the front left as "
     "the car speeds up.", "tyre thump", -135, -45),
    ("I'd like the train to chug in from the left and stop right in front of them, and a little bell ringing up above.",
     "train", -90, 0),
])
def test_forward_is_no_place_on_the_way_and_stopping_ends_a_move(text, label, start, end):
    s = next(x for x in parse(text).sources if label in x.label)
    assert s.moving and round(s.azimuth_start_deg) == start and round(s.azimuth_end) == end, s


def test_a_place_after_and_to_still_opens_the_next_item():
    assert [round(s.azimuth_start_deg) for s in parse("To my left, rain tapping on a window, and to my right, a cat purring.").sources] == [-90, 90]


@pytest.mark.parametrize("text,labels,az,el", [
    # found by review of session 17's rules: each rule held to where it is meant
    ("We're up on a hill with sheep on the left and wind on the right.", ["sheep", "wind"], [-90, 90], [0, 0]),
    ("The birds are up in the tree to my left.", ["birds"], [-90], [1]),
    ("Strings left (-45°), brass right (45°).", ["strings", "brass"], [-45, 45], [0, 0]),
    ("Drums back (180°).", ["drums"], [180], [0]),
    ("Traffic on the left, with the sirens far off to the right.", ["traffic", "sirens"], [-90, 90], [0, 0]),
    ("Down the street on the right, sirens wailing.", ["sirens"], [90], [0]),
    ("Someone left of me is coughing.", ["someone"], [-90], [0]),
    ("A TV on the left, cooking to the right.", ["TV", "cooking"], [-90, 90], [0, 0]),
    ("Roadworks behind the house. A dog barking on the left. Kids on the right.", ["roadworks", "dog", "kids"],
     [180, -90, 90], [0, 0, 0]),
    ("A snowy cabin with a 🔥 in front and wind howling outside on the right.", ["fire", "wind"], [0, 90], [0, 0]),
    ("A flute playing over the top of the strings on the right", ["flute"], [90], [0]),
    ("Birds chirping under the train station roof on the left", ["birds"], [-90], [0]),
    ("A horse & cart on the left.", ["horse and cart"], [-90], [0]),
    ("The announcer says this is the last call and a train whistles on the left.", ["announcer", "train"], [0, -90], [0, 0]),
    ("Seagulls on the left. No.9 bus idling.", ["seagulls", "bus"], [-90, 0], [0, 0]),
])
def test_review_findings_of_session_17_stay_fixed(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,moving", [
    ("A bird flies all across the front.", True), ("Thunder rolls in from the left.", True),
    ("A dog runs around the kids on the left", False), ("Fog drifts around the house behind me", False),
])
def test_review_findings_of_session_17_moves(text, moving):
    s = _one(text)
    assert s.moving == moving and abs(s.azimuth_end - s.azimuth_start_deg) != 360, s


@pytest.mark.parametrize("text,labels,az,el", [
    # "the same" + a noun is a place only after a preposition
    ("A dog barks on the left. Same story every night!", ["dog"], [-90], [0]),
    ("The tone ticks from the pole on my right. A voice says 'Walk'. It comes from that same pole.",
     ["tone", "voice"], [90, 90], [0, 0]),
    # a sentence after the scene reporting what someone said names no sound
    ("A dog keeps barking on the landing ahead, a squeal behind me. Customer says it's worse in the mornings.",
     ["dog", "squeal"], [0, 180], [0, 0]),
    ("Water feature at 20 degrees right, chatter at 10 o'clock. Client said the last version felt too empty.",
     ["water", "chatter"], [20, -60], [0, 0]),
    # what the scene is for, said in a first sentence whose head is no sound
    ("Domestic call reconstruction for trainees. A dog barking behind me, a man yelling on my right.",
     ["dog", "man"], [180, 90], [0, 0]),
    ("Postnatal visit notes for the sound team. A car door slams at 4 o'clock, a toddler is banging pans on my left.",
     ["door", "toddler"], [120, -90], [0, 0]),
])
def test_session_18_sentences_that_name_no_sound(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,kept", [
    ("Summer night: cicadas on every side, but the owl at 10 o'clock.", "cicadas"),
    ("Babies crying all round the room and a printer chugging behind me on the right.", "babies"),
    ("Monitor beeping on the left, the driver talking ahead of me. Road noise throughout.", "road noise"),
    ("A car alarm on my right, a woman crying behind me. Rain on the roof the whole time.", "rain"),
])
def test_session_18_a_sound_everywhere_or_all_along_is_kept_unplaced(text, kept):
    assert any(kept in s.label.lower() for s in parse(text).sources), parse(text).sources


def test_session_18_participants_wearing_headphones_throughout_is_no_sound():
    text = "HVAC hum from the ceiling vent, a coworker coughing at 5 o'clock. Participants wear the headphones throughout."
    assert [s.label for s in parse(text).sources if "headphones" in s.label] == []


@pytest.mark.parametrize("text,start,end", [
    ("The motorbike comes from behind and roars off ahead.", 180, 0),
    ("The ringtone should start behind the user and swing round the right side to the front.", 180, 0),
])
def test_session_18_a_move_goes_on_after_and(text, start, end):
    s = _one(text)
    assert s.moving and round(s.azimuth_start_deg) % 360 == start and round(s.azimuth_end) % 360 == end, s


@pytest.mark.parametrize("text,labels,az,el", [
    # a place said first and its sound after the verb ("From the kitchen came a crash")
    ("From the rocks to my left came the click of a rifle being cocked.", ["click"], [-90], [0]),
    ("From the kitchen behind me came a loud crash.", ["crash"], [180], [0]),
    ("Out of the darkness on the left came a low growl.", ["growl"], [-90], [0]),
    ("From the staircase on my right came a slow creak, and behind me the front door clicked shut.",
     ["creak", "door"], [90, 180], [0, 0]),
    # what the writer remembers hearing is the sound, not the memory
    ("The night of the fire I remember the roof groaning above us and a hose hissing on my right.",
     ["roof", "hose"], [0, 90], [1, 0]),
    # a base form before a sound's name names it ("and announce voice at back")
    ("train pass from left to right at front, and announce voice at back", ["train", "voice"], [-90, 180], [0, 0]),
])
def test_session_18_word_order(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_18_kept_word_orders_that_are_not_inverted():
    assert [round(s.azimuth_start_deg) for s in parse("A dog barks from the left and a cat answers from behind.").sources] == [-90, 180]
    assert _one("the kettle is boiling somewhere behind me to the right").azimuth_start_deg == 135


@pytest.mark.parametrize("text,label,start,end", [
    # a route from one side round the back to the other, not "behind me to my right" (back right)
    ("the storm passes from our left behind us to our right", "storm", -90, -270),
    ("a cart goes from my right behind me to my left", "cart", 90, 270),
    # a move told on past things: "passes behind my chair", "ends up on my left by the window"
    ("The trolley squeaks in from my right, passes behind my chair and ends up on my left by the window.", "trolley", 90, 270),
    # a passing before a sound with a height of its own is the move before's
    ("a tornado roar that starts hard left and slowly crosses in front to hard right, with debris rattling overhead",
     "tornado", -90, 90),
    # the way round said after a comma, and behind the one who listens by another name
    ("A gurney rattles past from my right to my left, behind me, heading for the lift.", "gurney", 90, 270),
    ("an ambulance siren passing from right to left behind the receiver position", "siren", 90, 270),
])
def test_session_18_routes(text, label, start, end):
    s = next(x for x in parse(text).sources if label in x.label)
    assert s.moving and round(s.azimuth_start_deg) == start and round(s.azimuth_end) == end, parse(text).sources


@pytest.mark.parametrize("text,labels,az,el", [
    # what someone does, said with "as", with no sound and no place, names no sound
    ("Applause ripples from my left to my right as the batsmen walk off, and the roller chugs ahead of me.",
     ["applause", "roller"], [-90, 0], [0, 0]),
    # texting: a verb's -ing without its g, place words without their vowels
    ("dog barkin on teh left cat meowin on rite", ["dog", "cat"], [-90, 90], [0, 0]),
    ("fire slght left owl bhnd", ["fire", "owl"], [-20, 180], [0, 0]),
    ("bell ringng 11 oclck", ["bell"], [-30], [0]),
    # a thing doing something, placed behind a landmark that is a sound elsewhere
    ("a shovel digging behind the car", ["shovel"], [180], [0]),
    # where the listener has been is no sound
    ("We've been on the roof since 3am. Now there's a dog barking behind us.", ["dog"], [180], [0]),
    # facing the listener
    ("Grandma's straight opposite me telling a story, the baby on my left is banging a spoon.",
     ["grandma", "baby"], [0, -90], [0, 0]),
    # a placed sounding thing of theirs is a sound of its own, after a sentence that frames the scene
    ("Night shift at home for me. His feeding pump alarm beeps at 4 o'clock, the oxygen concentrator puffs away "
     "at 8 o'clock and his breathing is right in front of me.", ["alarm", "concentrator", "breathing"], [120, -120, 0], [0, 0, 0]),
])
def test_session_18_more_phrasings(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,word", [
    ("a robin singing on the left", "robin"), ("a violin on the left", "violin"),
    ("rain on the cabin roof behind me", "cabin"),
])
def test_session_18_real_words_are_not_read_as_typos(text, word):
    assert word in parse(text).sources[0].label, parse(text).sources


def test_session_18_blow_is_not_below():
    _assert_sources_and_heights("wind starting to blow on my left", ["wind"], [-90], [0])


@pytest.mark.parametrize("text,labels,az,el", [
    # "have left" with nothing after it is gone, not a side
    ("Now the kids have left, the house is so quiet. I want toast popping up on my left and the radio news in front.",
     ["toast", "radio"], [-90, 0], [0, 0]),
    # a tilde between a name and its place
    ("rain ~ left, birds ~ right", ["rain", "birds"], [-90, 90], [0, 0]),
    ("bells offstage ~ back left, cannon fire front right", ["bells", "cannon"], [-135, 45], [0, 0]),
    ("a drone at ~ 30 degrees left", ["drone"], [-30], [0]),
])
def test_session_18_left_gone_and_tildes(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_18_the_sound_named_again_circles_from_where_it_was():
    s = _one("It starts with a dog barking far behind me and slowly the barking circles all the way around me.")
    assert s.moving and round(s.azimuth_start_deg) == 180 and abs(s.azimuth_end - s.azimuth_start_deg) == 360, s


@pytest.mark.parametrize("text,labels,az,el", [
    # file names and slugs, a side as a letter after degrees
    ("dog-bark-left", ["dog"], [-90], [0]),
    ("owl-10-oclock", ["owl"], [-60], [0]),
    ("forest-walk-stream-front-left-woodpecker-behind-v2", ["stream", "woodpecker"], [-45, 180], [0, 0]),
    ("kids_playground_slightly_left_pigeons_above_0519.wav", ["kids", "pigeons"], [-20, 0], [0, 1]),
    ("Typewriter | 30° L", ["typewriter"], [-30], [0]),
    ("a merry-go-round behind me and a hi-hat on the left", ["merry-go-round", "hi-hat"], [180, -90], [0, 0]),
    ("Fridge humming behind me, the shop door chime out front. Need it for a behind-the-scenes TikTok!",
     ["fridge", "chime"], [180, 0], [0, 0]),
    # command-line flags
    ("add owl --clock 10; add stream --clock 4; add wind --el up", ["owl", "stream", "wind"], [-60, 120, 0], [0, 0, 1]),
    ("place bees --az 60 && place 'lawn sprinkler' --az -90 && place radio --az 0 --el down",
     ["bees", "sprinkler", "radio"], [60, -90, 0], [0, 0, -1]),
    # telegrams and radio logs
    ("OWL ABOVE STOP WOLF BEHIND STOP", ["OWL", "WOLF"], [0, 180], [1, 0]),
    ("0630 genny running behind me, dog barking fwd, rooster crowing fm L", ["genny", "dog", "rooster"], [180, 0, -90], [0, 0, 0]),
    ("cow mooing bk rt", ["cow"], [135], [0]),
    ("the FM radio on the left", ["FM radio"], [-90], [0]),
    # a sound named by a pose word, and a piece saying there is no place
    ("jogging footsteps, on my left", ["jogging footsteps"], [-90], [0]),
    ("frog chorus all around, no particular direction, and an owl on the left", ["frog", "owl"], [0, -90], [0, 0]),
])
def test_session_18_terse_forms(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels,moves", [
    ("render --src 'motorbike' --from -90 --to 90 --path front", ["motorbike"], [(-90, 90)]),
    ("spatial-cli add 'church bells' --pos behind; spatial-cli move 'bus' --from right --to left --via rear",
     ["church bells", "bus"], [(180, 180), (90, 270)]),
    ("Two trains passing at once: one left to right in front of me, the other right to left behind me.",
     ["train", "train"], [(-90, 90), (90, 270)]),
    ("the cars brake hard on my right then accelerate away to my left", ["cars"], [(90, -90)]),
    ("jogging footsteps, left to right in front", ["footsteps"], [(-90, 90)]),
])
def test_session_18_terse_moves(text, labels, moves):
    src = parse(text).sources
    assert [(round(s.azimuth_start_deg), round(s.azimuth_end)) for s in src] == moves and \
        all(w in s.label for s, w in zip(src, labels)), src


@pytest.mark.parametrize("text,labels,az,el", [
    # the bow is ahead: "fine on the port bow" a little left; a violin's bow is still a bow
    ("Foghorn on the starboard beam, bell buoy fine on the port bow.", ["foghorn", "bell buoy"], [90, -20], [0, 0]),
    ("a violinist's bow scraping on the left", ["bow"], [-90], [0]),
    # a name with its capital after a comma is a name, not a verb ("bob")
    ("Alice on the left, Bob on the right", ["alice", "bob"], [-90, 90], [0, 0]),
])
def test_session_18_sailors_and_names(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,start,end", [
    ("foghorn of another vessel passing down our port side from bow to stern", 0, -180),
    ("a powerboat crossing our bow from starboard to port", 90, -90),
])
def test_session_18_moves_by_bow_and_stern(text, start, end):
    s = _one(text)
    assert s.moving and round(s.azimuth_start_deg) == start and round(s.azimuth_end) == end, s


@pytest.mark.parametrize("text,labels,az,el", [
    # found by review of session 18's rules: each rule held to where it is meant
    ("RAIN AT THE BUS STOP BEHIND ME, TRAFFIC ON THE RIGHT", ["rain", "traffic"], [180, 90], [0, 0]),
    ("A CAR COMES TO A STOP ON MY LEFT AND A DOG BARKS BEHIND ME", ["car", "dog"], [-90, 180], [0, 0]),
    ("A MAN YELLS STOP BEHIND ME AND A DOG BARKS ON THE LEFT", ["man", "dog"], [180, -90], [0, 0]),
    ("Two dogs bark from the right: one big, one small.", ["dogs"], [90], [0]),
    ("From the left a car approaches and a church bell sounds the hour.", ["car", "bell"], [-90, 0], [0, 0]),
    ("Birds begin to sing on the left.", ["birds"], [-90], [0]),
    ("A raisin box rattles on the right.", ["raisin"], [90], [0]),
    ("A kid behind me spells out L-O-U-D.", ["kid"], [180], [0]),
    ("Birds on the right. Someone says the train is late.", ["birds", "someone"], [90, 0], [0, 0]),
    ("A car radio plays Kiss FM the whole drive, on my left", ["Kiss FM"], [-90], [0]),
])
def test_review_findings_of_session_18_stay_fixed(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_review_findings_of_session_18_another_of_a_kind_circles_alone():
    first, other = parse("A bird sings on the right; the other bird circles around me.").sources
    assert not first.moving and round(first.azimuth_start_deg) == 90, first
    assert other.moving and abs(other.azimuth_end - other.azimuth_start_deg) == 360, other


@pytest.mark.parametrize("text,labels,az,el", [
    # what the scene is quiet apart from, starts or finishes with, is the sound
    ("Quiet apart from a ceiling fan overhead", ["fan"], [0], [1]),
    ("Silent except for a clock ticking on the left", ["clock"], [-90], [0]),
    # a sound said to have no place is kept, unplaced
    ("The duck quacks from straight ahead. Keep the music box tune quiet and unplaced.", ["duck", "music box"], [0, 0], [0, 0]),
    # "im" is the listener
    ("im at the back, the singer's straight ahead and the espresso machine is screaming on my left lol",
     ["singer", "espresso"], [0, -90], [0, 0]),
])
def test_session_18_quiet_apart_from_and_unplaced(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_18_finish_with_a_circling_bell():
    *_, bell = parse("The ghost whispers in your right ear. Finish with a bell that circles around you one time.").sources
    assert bell.label.startswith("bell") and bell.moving and abs(bell.azimuth_end - bell.azimuth_start_deg) == 360, bell


@pytest.mark.parametrize("text,labels,az,el", [
    # config files: a section named for its sound, or only a heading when its fields name it
    ('[owl]\npos = "back left"', ["owl"], [-135], [0]),
    ('[[source]]\nname = "crackling campfire"\nazimuth = 0\n\n[[source]]\nname = "owl"\nazimuth = -120',
     ["campfire", "owl"], [0, -120], [0, 0]),
    ('[scene.rain]\nposition = "overhead"\n\n[scene.frogs]\nposition = "in front, slightly right"', ["rain", "frogs"], [0, 20], [1, 0]),
    ('dog = "left"\ncat = "right"', ["dog", "cat"], [-90, 90], [0, 0]),
    # (a key written against its value stays a key of its own)
    ("az=-45: crackling campfire; az=90: owl hoots", ["campfire", "owl"], [-45, 90], [0, 0]),
])
def test_session_18_config_files(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels,az,el", [
    # dictated speech: a filler is a pause between items, dropped inside a phrase; "X no Y" takes X back
    ("fireplace crackling in front um birds behind", ["fireplace", "birds"], [0, 180], [0, 0]),
    ("pot boiling in front um kettle on the left", ["pot", "kettle"], [0, -90], [0, 0]),
    ("uh the waterfall is um thirty degrees left of the camera and the road noise is behind", ["waterfall", "road"], [-30, 180], [0, 0]),
    ("whistle at ten o'clock no two o'clock", ["whistle"], [60], [0]),
    ("board rider calling left no right side", ["rider"], [90], [0]),
    ("a dog on the left and no cats", ["dog"], [-90], [0]),
    ("Umbrella rain on the left", ["umbrella"], [-90], [0]),
    # a greeting and the names in it name no sound
    ("hey Siri play rain on the left", ["rain"], [-90], [0]),
    ("Hi Bob, a dog barks on the left", ["dog"], [-90], [0]),
])
def test_session_18_dictated_speech(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels,az,el", [
    # found by a second review of session 18's rules
    ("a warning from the stern old captain on the left", ["warning"], [-90], [0]),
    ("an arrow whistles off the bow on my left", ["arrow"], [-90], [0]),
    ("IM notifications ping on my left, email alerts on my right", ["IM", "email"], [-90, 90], [0, 0]),
    ('Length = 30 seconds\nA coach on the right yells "Go left!" as footsteps run behind me.', ["coach", "footsteps"], [90, 180], [0, 0]),
    ("an old radio plays Umm Kulthum on the left, a kettle whistles behind", ["Umm Kulthum", "kettle"], [-90, 180], [0, 0]),
])
def test_review_findings_of_session_18_second_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)
    assert not any(s.moving for s in parse(text).sources)


@pytest.mark.parametrize("text,labels,az,el", [
    # a sign said in words belongs to a terse item's number
    ("tap drips at minus 45", ["tap"], [-45], [0]),
    ("kick at minus 30, snare plus 20", ["kick", "snare"], [-30, 20], [0, 0]),
    # "slight" as "slightly"
    ("calendar reminder bell, slight left pls", ["bell"], [-20], [0]),
    # anyone's shoulder, and "behind me over my shoulder"
    ("a whispered voiceover over the audience's left shoulder", ["voiceover"], [-135], [0]),
    ("some dude kept laughing behind me over my right shoulder", ["dude"], [135], [0]),
    # a 360 format is no circle
    ("music on the left. Can someone make this into a 360 mix?", ["music"], [-90], [0]),
    # a forum's board name, "TL;DR", and a colon key that says what the text is
    ("r/ambientsounds request: pages turning on left, printer on right", ["pages", "printer"], [-90, 90], [0, 0]),
    ("TL;DR the upstairs neighbors are dancing above me", ["neighbors"], [0], [1]),
    # a plural noun and the sound it makes open an item of their own after "and"
    ("an owl hoots on the right, and leaves crunch underfoot", ["owl", "leaves"], [90, 0], [0, -1]),
])
def test_session_19_first_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_19_a_360_move_still_circles():
    assert parse("a bee flies 360 around me").sources[0].moving
    assert parse("the car brakes on the left and leaves").sources[0].label.startswith("car")


@pytest.mark.parametrize("text,labels,az,el", [
    # an unplaced piece beside placed sounds names a sound only with a noun that is no verb, or a person
    ("I did jury service last week and want to remember how it sounded. The witness spoke from the stand at "
     "about 2 o'clock, the air vent hissed overhead.", ["witness", "vent"], [60, 0], [0, 1]),
    ("Doing the big weekly shop and I want to capture it for my sound diary. Freezer doors thudding shut to my left, "
     "a bloke arguing on his phone ahead of me.", ["freezer", "bloke"], [-90, 0], [0, 0]),
    ("A dog barks on the left. A man says hello.", ["dog", "man"], [-90, 0], [0, 0]),
    ("a train passes from left to right, people talking", ["train", "people"], [-90, 0], [0, 0]),
    ("crickets chirp, a violin plays on the left", ["crickets", "violin"], [0, -90], [0, 0]),
    # "right" before "in front" after "from"; a side after "in front, and" that opens the next item
    ("the instructor's voice comes from right in front of you", ["voice"], [0], [0]),
    ("The hippos are grunting in front of us, and on the right side the birds are singing.", ["hippos", "birds"],
     [0, 90], [0, 0]),
    ("a dog barks in front and to the left, a cat behind", ["dog", "cat"], [-45, 180], [0, 0]),
    # a lone base form put at a place in a list is an item like the ones around it
    ("tenor at 10 o'clock, lead at 11, bari at 1, bass at 2.", ["tenor", "lead", "bari", "bass"],
     [-60, -30, 30, 60], [0, 0, 0, 0]),
])
def test_session_19_second_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_19_orders_and_move_ends_stay_moves():
    assert parse("a bell on the right, move it to the left").sources[0].moving
    s = parse("can u make the buzz start at my right ear and slide to straight in front of me").sources
    assert len(s) == 1 and s[0].moving and round(s[0].azimuth_end) == 0


@pytest.mark.parametrize("text,labels,az,el", [
    # found by review of session 19's rules: a sound named in a word or two, and weather, stay
    ("a guitar on the left, drums", ["guitar", "drums"], [-90, 0], [0, 0]),
    ("a door on the right, a knock", ["door", "knock"], [90, 0], [0, 0]),
    ("a dog barks on the left, thunder rumbles", ["dog", "thunder"], [-90, 0], [0, 0]),
    ("a river on the right, thunder in the distance", ["river", "thunder"], [90, 0], [0, 0]),
    ("rain on the river, thunder far off behind", ["rain", "thunder"], [0, 180], [0, 0]),
    # anyone's shoulder after "behind him"; a greeting and whom it greets; move words are no items
    ("the dog barks behind him over his left shoulder", ["dog"], [-135], [0]),
    ("hey r/asmr, tapping on the left and whispering on the right please", ["tapping", "whispering"], [-90, 90], [0, 0]),
    ("hi-hat -30, ride +30, snare 0", ["hi-hat", "ride", "snare"], [-30, 30, 0], [0, 0, 0]),
    # "back" ending a terse item; a signed angle before "and" and another item
    ("violin L, cello R, flute center, timpani back", ["violin", "cello", "flute", "timpani"], [-90, 90, 0, 180],
     [0, 0, 0, 0]),
    ("Pan the hi-hat to +45 and the shaker to -45", ["hi-hat", "shaker"], [45, -45], [0, 0]),
])
def test_review_findings_of_session_19(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_19_review_moves_and_words_that_stay():
    s = parse("a plane flies over, begin at 9, finish at 3").sources
    assert len(s) == 1 and s[0].moving and (round(s[0].azimuth_start_deg), round(s[0].azimuth_end)) == (-90, 90)
    assert [x.label for x in parse("a dog barks on the left, then comes back").sources] == ["dog barks"]
    assert round(parse("the dog barks back.").sources[0].azimuth_start_deg) == 0


@pytest.mark.parametrize("text,labels,az,el", [
    # a shop's till opening an item is no "until"; "to herself" is to whom, not where a move ends
    ("steam press hissing behind me, till in front", ["steam press", "till"], [180, 0], [0, 0]),
    ("paint shaker back left, till bleeping back right", ["paint shaker", "till"], [-135, 135], [0, 0]),
    ("a lid banging on the right and Ava humming to herself on the left", ["lid", "ava"], [90, -90], [0, 0]),
    # a speaker's "right so" is no side
    ("right so I'm in the staff room the fridge hums on my left the microwave pings in front", ["fridge", "microwave"],
     [-90, 0], [0, 0]),
    ("Right: a phone rings.", ["phone"], [90], [0]),
])
def test_session_19_third_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_19_till_as_until_still_ends_a_move():
    s = parse("a car moves left till in front").sources
    assert len(s) == 1 and s[0].moving and round(s[0].azimuth_end) == 0


@pytest.mark.parametrize("text,labels,az,el", [
    # a start said in words, then as a number: the number
    ("the engine starts behind me at about 150° and pulls forward to around 60°", ["engine"], [150], [0]),
    # a short unit of time is when, not a sound; "doesn't matter where" asks for no place
    ("gentle chimes start behind the user and sweep round to the front over 30s", ["chimes"], [180], [0]),
    ("church bells somewhere, doesn't matter where", ["church bells"], [0], [0]),
])
def test_session_19_fourth_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)
    assert len(parse(text).sources) == 1


def test_session_19_metres_stay_distances():
    s = parse("a car passes within 2m of me on the left").sources
    assert len(s) == 1 and s[0].label == "car"


@pytest.mark.parametrize("text,labels,az,el", [
    # a mix engineer's words: "front-center", "mid", height speakers, a bare hour in a list of hours
    ("woodwinds front-center, horns 10 o'clock", ["woodwinds", "horns"], [0, -60], [0, 0]),
    ("snaps left, claps right, hype man mid", ["snaps", "claps", "hype man"], [-90, 90, 0], [0, 0, 0]),
    ("Taiko hits in the rear surrounds, choir pad in the overheads", ["taiko", "choir"], [180, 0], [0, 1]),
    ("harp 11 o'clock, celesta 10", ["harp", "celesta"], [-30, -60], [0, 0]),
    ("Concertina across the table from me, banjo at my right elbow", ["concertina", "banjo"], [0, 90], [0, 0]),
    # a place said to be wrong, then where to move it
    ("Love it but the Rhodes feels too far right, bring it in to maybe 30° right.", ["rhodes"], [30], [0]),
    ("the guitar is too far left, move it to the centre", ["guitar"], [0], [0]),
])
def test_session_19_music_and_mix_notes(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)
    assert not any(s.moving for s in parse(text).sources)


def test_session_19_numbered_headings_name_no_hour():
    assert [s.label for s in parse("Cue 3, a dog at 9 o'clock").sources] == ["dog"]
    assert [s.label for s in parse("a mid-range hum on the left").sources] == ["mid-range hum"]


@pytest.mark.parametrize("text,start,end", [
    # found by a second review of session 19's rules: "till" after a move ends it; "right then left" is a move
    ("a car moves left, till in front", -90, 0),
    ("a car drives from the left, till in front of me", -90, 0),
    ("rain from left, till right", -90, 90),
    ("right then left, a car passes", 90, -90),
])
def test_review_findings_of_session_19_second_pass_moves(text, start, end):
    s = parse(text).sources
    assert len(s) == 1 and s[0].moving and (round(s[0].azimuth_start_deg), round(s[0].azimuth_end)) == (start, end)


@pytest.mark.parametrize("text,labels,az,el", [
    ("strings mid, horns mid-left", ["strings", "horns"], [0, -45], [0, 0]),
    ("Right: then a dog barks.", ["dog"], [90], [0]),
    # a place said wrong stays when where it goes is not said in words the parser reads
    ("the synth is too far right; move it to 40", ["synth"], [90], [0]),
])
def test_review_findings_of_session_19_second_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels,az,el", [
    # "Hello." then "Can you ...": no name greeted; "can someone make" asks for a sound
    ("Hello. Can you make the sound of Margaret humming on my right", ["margaret"], [90], [0]),
    ("can someone make the sound of a party bus going past from right to left lol", ["party bus"], [90], [0]),
    # the middle of a place is where the listener or a landmark is
    ("coach yelling from the middle of the arena on my left", ["coach"], [-90], [0]),
    ("I'm in the middle of the alto row. Basses right behind me, the conductor tapping straight ahead.",
     ["basses", "conductor"], [180, 0], [0, 0]),
])
def test_session_19_fifth_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_19_a_person_telling_is_no_sound():
    scene = parse("The midwife said babies settle better with familiar sounds. Can you make a calm lullaby playing "
                  "from above the cot, white noise off to the left side.")
    assert [s.label for s in scene.sources] == ["calm lullaby playing", "white noise"] and "midwife" in scene.note
    # a thing that says something is heard
    assert [s.label for s in parse("A dog on the left. The parrot says hello.").sources] == ["dog", "parrot says"]


@pytest.mark.parametrize("text,labels,az,el", [
    # a list's item numbers are no angles
    ("1) engine roar left 2) baby crying right 3) chime above", ["engine", "baby", "chime"], [-90, 90, 0], [0, 0, 1]),
    ("1. dog: left\n2. cat: right", ["dog", "cat"], [-90, 90], [0, 0]),
    ("worker calling - left 45", ["worker"], [-45], [0]),
    # how often is no sound of its own
    ("sirens everywhere, mostly coming from behind", ["sirens"], [180], [0]),
])
def test_session_19_sixth_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels,az,el", [
    # "o'c" for o'clock; a condition in brackets is when, not where; "wanna hear" asks
    ("consumer unit hum @ 3 o'c", ["consumer unit hum"], [90], [0]),
    ("item 5: garage door motor grinding, 45 deg L (only when door opens). item 6: neighbour's dog barking, far behind",
     ["garage door motor", "dog"], [-45, 180], [0, 0]),
    ("wanna hear the 'lightweight baby' guy circling me while i squat lol", ["guy"], [0], [0]),
])
def test_session_19_seventh_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels,az,el", [
    # found by a third review of session 19's rules: sounds in a word or two that end on what they do
    ("glasses clinking, laughter on the right", ["glasses", "laughter"], [0, 90], [0, 0]),
    ("hammering, a saw on the right", ["hammering", "saw"], [0, 90], [0, 0]),
    # the middle of a place: no label junk, and it yields to a place said beside it
    ("A fire crackling in the middle of the campsite, owls on the right", ["fire", "owls"], [0, 90], [0, 0]),
    ("A dog barking in the middle of the yard.", ["dog"], [0], [0]),
    # where the listener stands is no sound
    ("I wanna stand in the middle of the band — drummer behind me, bassist to my left", ["drummer", "bassist"],
     [180, -90], [0, 0]),
    # what is said aloud is heard
    ("A woman said goodbye softly, rain on the left.", ["woman", "rain"], [0, -90], [0, 0]),
    # numbered lines with a colon
    ("1: thunder behind\n2: rain above", ["thunder", "rain"], [180, 0], [0, 1]),
])
def test_review_findings_of_session_19_third_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)
    assert not any("middle" in s.label for s in parse(text).sources)


@pytest.mark.parametrize("text,labels,az,el", [
    # a quote holding the only place words is the scene itself; words said aloud stay words
    ('caption "a crowd cheers to the left while a whistle blows in front, and rain patters overhead" - v0.3 gets it wrong',
     ["crowd", "whistle", "rain"], [-90, 0, 0], [0, 0, 1]),
    ("curl localhost:9000/q -d 'phone ringing at 9 oclock'", ["phone"], [-90], [0]),
    ("A GPS voice says 'turn left at the lights'.", ["GPS voice"], [0], [0]),
    # "finishes" ends a move; height speakers ("thru the tops"); "no direction given" is no sound
    ("Car pass-by: starts hard right, swings round behind us and finishes hard left.", ["car"], [90], [0]),
    ("heli pass L→R thru the tops", ["heli"], [-90], [1]),
    ("Negative control: a single beep, no direction given.", ["beep"], [0], [0]),
])
def test_session_19_quotes_and_mix_words(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels,az,el", [
    # a circling verb and "once" go round the listener, with no centre named
    ("drone prop noise above me, circling once", ["drone"], [0], [1]),
    # two places joined by "and" with no start or end word are one place, whatever the verb
    ("tern diving ahead and slightly right", ["tern"], [20], [0]),
    ("a gull flying behind and to the right", ["gull"], [135], [0]),
    # places spelled as they are said
    ("i wont the rain on the roof abuv me n a cat meowin be hind me", ["rain", "cat"], [0, 180], [1, 0]),
    ("bird tweetin infront slitly to the left", ["bird"], [-20], [0]),
    ("can you do a camp fier krakling at about 45 degrees lef", ["fier"], [-45], [0]),
    ("i wud like the see waves in frunt and seegulls behine me", ["waves", "seegulls"], [0, 180], [0, 0]),
    ("Pump running LHS.", ["pump"], [-90], [0]),
    # "me" for "my" before a side; "an" for "and"; who a call like "hey man" is said to
    ("trowel scrapin dead in front, radio blarin slightly to me right", ["trowel", "radio"], [0, 20], [0, 0]),
    ("howay man can u do radio on me left n the mixer gannin behind us", ["radio", "mixer"], [-90, 180], [0, 0]),
    ("hey man can you do a radio on my left", ["radio"], [-90], [0]),
    ("an owl hoots on the left an a dog barks on the right", ["owl", "dog"], [-90, 90], [0, 0]),
    ("an hour of rain on the left", ["hour of rain"], [-90], [0]),
    # what a sound does not do describes it
    ("Fridge hum: behind me, constant, doesn't move.", ["fridge hum"], [180], [0]),
    ("Clock: left, never moves", ["clock"], [-90], [0]),
])
def test_session_20_first_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)
    assert not any(s.moving for s in parse(text).sources) or "once" in text


def test_session_20_circles_and_moves():
    s = parse("drone prop noise above me, circling once").sources[0]
    assert s.moving and abs(abs(s.azimuth_end - s.azimuth_start_deg) - 360) < 1
    s = parse("can u do a hellicopter circlin around me an sirens in frunt").sources
    assert [x.label for x in s] == ["hellicopter", "sirens"] and s[0].moving and not s[1].moving
    # more verbs of going carry a move on to its end
    s = parse("Deer crashing through the hedge 45 right, then bounding across the road in front of me to the left").sources
    assert len(s) == 1 and s[0].moving and round(s[0].azimuth_start_deg) == 45 and round(s[0].azimuth_end) == -90
    # a clock hour followed by a.m. is a time
    s = parse("a mesquite fire at 2 a.m., coyotes behind").sources
    assert all(round(x.azimuth_start_deg) != 60 for x in s) and round(s[-1].azimuth_start_deg) == 180


_MARKUP_SOUNDS = ["church bells", "dog", "rain", "kettle", "heron", "tram", "busker", "owl", "waterfall",
                  "motorbike", "crowd", "violin", "woodpecker", "foghorn"]


def _markup_case(rng):
    """A random scene of 1-3 sources: (name, attributes as prompt_markup reads them, what is expected)."""
    out = []
    for name in rng.sample(_MARKUP_SOUNDS, rng.randint(1, 3)):
        kind = rng.choice(["az", "move", "height"])
        if kind == "az":
            a = rng.randrange(-175, 176, 5)
            out.append((name, {rng.choice(["azimuth", "az", "azim", "pan"]): str(a)}, ("az", a)))
        elif kind == "move":
            a = rng.randrange(-170, 171, 10)
            b = a + rng.choice([-1, 1]) * rng.randrange(30, 181, 10)
            keys = rng.choice([("start_az", "end_az"), ("az_start", "az_end"), ("from", "to"), ("az", "to")])
            out.append((name, {keys[0]: str(a), keys[1]: str(b)}, ("move", a, b)))
        else:
            e = rng.choice(["above", "below", "up", "down", str(rng.randrange(10, 85, 5)), str(-rng.randrange(10, 85, 5))])
            up = e in ("above", "up") or (e[0].isdigit())
            out.append((name, {rng.choice(["elevation", "el", "ele"]): e}, ("el", 1 if up else -1)))
    return out


def _assert_markup_read(text, case):
    src = parse(text).sources
    assert len(src) == len(case), (text, src)
    for s, (name, _, want) in zip(src, case):
        assert name in s.label.lower(), (text, s)
        if want[0] == "az":
            assert not s.moving and abs((s.azimuth_start_deg - want[1] + 180) % 360 - 180) < 0.5, (text, s)
        elif want[0] == "move":
            assert s.moving and abs((s.azimuth_start_deg - want[1] + 180) % 360 - 180) < 0.5, (text, s)
            assert abs((s.azimuth_end - s.azimuth_start_deg) - (want[2] - want[1])) < 0.5, (text, s)
        else:
            assert (s.elevation_deg > 0) - (s.elevation_deg < 0) == want[1], (text, s)


def test_session_20_xml_markup_read_as_elementtree_writes_it():
    # scenes written by Python's own XML writer, in the forms engines use: an element per source
    # with its attributes, a path element inside it, a wrapper element, comments
    import random
    import xml.etree.ElementTree as ET

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for _ in range(60):
        case = _markup_case(rng)
        root = ET.Element(rng.choice(["scene", "soundscape", "mix"]))
        for name, attrs, want in case:
            el = ET.SubElement(root, rng.choice(["source", "obj", "track"]), {rng.choice(["name", "label", "sound"]): name})
            if want[0] == "move" and rng.random() < 0.5:  # '<source name="x"><path from="-90" to="90"/></source>'
                ET.SubElement(el, "path", {"from": str(want[1]), "to": str(want[2])})
            else:
                el.attrib.update(attrs)
        text = ET.tostring(root, encoding="unicode")
        if rng.random() < 0.5:  # the elements alone, as pasted from a larger file, with a comment
            text = "<!-- v3 -->" + "".join(ET.tostring(c, encoding="unicode") for c in root)
        _assert_markup_read(text, case)
    # prose with a tag in it stays prose
    assert "dog" in parse("I wrote <b>dog</b> on the left").sources[0].label


def test_session_20_osc_messages_read_as_addressed():
    import random

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    one_word = [n for n in _MARKUP_SOUNDS if " " not in n]
    for _ in range(60):
        case = [c for c in _markup_case(rng) if " " not in c[0]] or [("dog", {"azimuth": "30"}, ("az", 30))]
        form = rng.choice(["numbered", "named", "inline"])
        msgs = []
        for i, (name, attrs, want) in enumerate(case, start=1):
            if form == "numbered":  # "/src/1/name rain /src/1/azim -90"
                msgs.append(f"/src/{i}/{rng.choice(['name', 'label'])} {name}")
                msgs += [f"/src/{i}/{k} {v}" for k, v in attrs.items()]
                msgs.append(f"/src/{i}/gain {rng.random():.2f}")
            elif form == "named":  # "/spat/bird/azi 30"
                msgs += [f"/spat/{name}/{k} {v}" for k, v in attrs.items()]
            elif want[0] == "move":  # '/obj/3 "car" azim 120 -> 240 dur 6s'
                msgs.append(f'/obj/{i} "{name}" azim {want[1]} -> {want[2]} dur {rng.randint(1, 9)}s')
            else:
                msgs += [f'/obj/{i} "{name}"'] + [f"/obj/{i}/{k} {v}" for k, v in attrs.items()]
        _assert_markup_read(" ".join(msgs), case)
    assert one_word
    # paths in prose are no messages
    assert parse("Event /amb/cave_drips: drips slightly right of the listener").sources[0].azimuth_start_deg > 0
    assert "speech" in parse("[INFO] /audio/localize: speech source bearing -75 deg").sources[0].label


@pytest.mark.parametrize("text,labels,az,el", [
    # found by a review of session 20's rules: a restated place is the only place when none came before
    ("a dog barks, that's on the left", ["dog"], [-90], [0]),
    ("a horn honks, that's behind", ["horn"], [180], [0]),
    # "me right now" is no side; a circle named beside a side stays there
    ("come over to me right away, a dog barks behind", ["dog"], [180], [0]),
    ("a hawk circles once to the left", ["hawk"], [-90], [0]),
    # RHS and LHS only as a side at the end of an item; capitalised names stay names
    ("an RHS member talks on the left", ["member"], [-90], [0]),
    ("water trickling RHS, traffic overhead", ["water", "traffic"], [90, 0], [0, 1]),
    ("Tom Middel talks on the left", ["Middel"], [-90], [0]),
    ("Frunt Street traffic on the right", ["Street"], [90], [0]),
    # a vocative is dropped only before what is said to it
    ("yo man walking behind me", ["man"], [180], [0]),
    # an element's text is said of it; a time of day is no part of a label
    ('<source name="dog">barks on the left</source>', ["dog barks"], [-90], [0]),
    ("a bell rings at 3 p.m. on the right", ["bell rings"], [90], [0]),
    ("a bell at 3 p.m. sharp, on the left", ["bell"], [-90], [0]),
    # a unit said once after a list of numbers; a span of angles is its middle
    ("4 voices at 12, 3, 6 and 9 o'clock", ["voices"] * 4, [0, 90, 180, -90], [0] * 4),
    ("speakers at 30, 60 and 90 degrees", ["speakers"] * 3, [30, 60, 90], [0] * 3),
    ("a bell somewhere between 30 and 60 degrees right", ["bell"], [45], [0]),
    # a ship's log shorthand; a letter's closing
    ("Bell buoy abeam stbd.", ["bell buoy"], [90], [0]),
    ("Port: tug. Stbd: jet ski.", ["tug", "jet ski"], [-90, 90], [0, 0]),
    ("a dog barks on the left. Yours faithfully, Maj. (Retd) R. Fairclough", ["dog"], [-90], [0]),
    ("a dog barks on the left. Many thanks, Claire, Front of House.", ["dog"], [-90], [0]),
    ("Thanks, a crowd on the left cheers", ["crowd"], [-90], [0]),
])
def test_review_findings_of_session_20(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)
    assert not any(s.moving for s in parse(text).sources)


@pytest.mark.parametrize("text,labels,az,el", [
    # a second review of session 20's rules: what covers a sound is no floor below it
    ("a dog whimpers under the blanket on the sofa to my right", ["dog"], [90], [0]),
    ("brown noise from under the pillow", ["brown noise"], [0], [-1]),
    # "over head" is overhead only at the end of its item
    ("he pulls his hood over head on the left, fabric rustles", ["fabric"], [-90], [0]),
    ("announcement over head, train arriving from left", ["announcement", "train"], [0, -90], [1, 0]),
    # a closing followed by a place is a sound; a span and a list across zero
    ("A dog barks on the left. Thanks, Big Ben Chiming Overhead", ["dog", "Ben"], [-90, 0], [0, 1]),
    ("a bird between -30 and 30 degrees", ["bird"], [0], [0]),
    ("speakers at -30, 0 and 30 degrees", ["speakers"] * 3, [-30, 0, 30], [0] * 3),
    # the listener as a place is not the teller; the birds at dawn are heard
    ("crickets all around me in the grass, a dog on the left", ["crickets", "dog"], [0, -90], [0, 0]),
    ("we want a sound to wake up to: dawn chorus all round, woodpecker at 11 o clock", ["dawn chorus", "woodpecker"],
     [0, -30], [0, 0]),
    # a condition, the listener alone, a window said open, what is made
    ("For our nature podcast intro, let a woodpecker tap from the upper right, as if it's in a tree above us.",
     ["woodpecker"], [90], [1]),
    ("so im up on the top lift yeh, helicopter goin over head, a compressor thumping at like 45 degrees left",
     ["helicopter", "compressor"], [0, -45], [1, 0]),
    ("Paris apartment, window open at my front left. An accordion playing down in the street below it.",
     ["accordion"], [-45], [-1]),
])
def test_second_review_of_session_20(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels,az,el", [
    # "round" a side with no verb of going is where it is
    ("generator truck rumbling round the back", ["generator"], [180], [0]),
    ("the lad's boombox round the front, a dog on the left", ["boombox", "dog"], [0, -90], [0, 0]),
    # a participant's side is the listener's
    ("The reference talker is positioned ninety degrees to the participant's right; the masking noise is positioned "
     "ninety degrees to the participant's left.", ["talker", "noise"], [90, -90], [0, 0]),
    # what the scene is for names no sound
    ("mic check for earbuds: speech at 0°, pink noise at 180° so i can hear the difference", ["speech", "pink noise"],
     [0, 180], [0, 0]),
    ("a kettle boiling off to the right so people think of tea", ["kettle"], [90], [0]),
])
def test_session_20_third_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)
    assert not any(s.moving for s in parse(text).sources)
    assert not parse(text).note or "no direction words" not in parse(text).note


@pytest.mark.parametrize("text,labels,az,el", [
    # Scots: "fae", "tae", "ma" before a side, "heid"
    ("Trams clankin away on ma right side, a wee man sellin hot chestnuts shoutin fae the front, an a Salvation Army "
     "band playin at ma back.", ["trams", "man", "band"], [90, 0, 180], [0, 0, 0]),
    ("Neighbour upstairs beatin her rugs right above ma heid", ["eighbour"], [0], [1]),
])
def test_session_20_scots(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_20_scots_move():
    s = parse("the ice cream van chimes passin fae ma right tae ma left").sources
    assert len(s) == 1 and s[0].moving and round(s[0].azimuth_start_deg) == 90 and round(s[0].azimuth_end) == -90


@pytest.mark.parametrize("text,labels,az,el", [
    # Nigerian Pidgin "for" a side at the end of an item; Scots "aw roond"
    ("DJ speaker in front, generator dey hum for back", ["DJ", "generator"], [0, 180], [0, 0]),
    ("put generator noise small for far right, a drum in front", ["generator", "drum"], [90, 0], [0, 0]),
    ("Bells ringin oot fae the church in front, folk singin aw roond us, and a first-footer chappin the door behind us.",
     ["ells", "folk", "first-footer"], [0, 0, 180], [0, 0, 0]),
])
def test_session_20_pidgin_and_scots(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def _turn(s):
    return round(s.azimuth_end - s.azimuth_start_deg) if s.moving else 0


@pytest.mark.parametrize("text,label,turn", [
    # once round, said in more ways: "in circle", "circled him once", "run rings round", "a complete circuit",
    # an adverb before "round" ("going slowly round the ladies once")
    ("swallows fly all around the courtyard in circle", "swallows", 360),
    ("The crane-style fighter circled him once, sleeves whispering.", "sleeves", 360),
    ("the kids run rings around me shouting", "kids", 360),
    ("a car does one complete circuit around the listener", "car", 360),
    ("a dolphin clicking going slowly round the ladies once", "dolphin", 360),
    ("a fly buzzing in circles above me", "fly", 360),
    # a circle with a side and no start word stays on that side; "starting" on it goes round from there
    ("kids dancing in a circle on the left", "kids", 0),
    ("the dog chases its tail in circles on the left", "dog", 0),
    ("a bird flies in a circle, starting on my left", "bird", 360),
    ("people sitting in circles on the left chatting", "people", 0),
])
def test_session_21_circles(text, label, turn):
    s = parse(text).sources
    assert len(s) == 1 and label in s[0].label and abs(_turn(s[0])) == turn, s


@pytest.mark.parametrize("text,labels,az,el", [
    # a possessive piece after an earlier sentence that names nothing heard is a sound of its own, and
    # never takes the place of the sound after it
    ("Recreating my old gaffer's shop for a memorial video. His wireless crackling on my left, the pot-bellied "
     "stove ticking behind, and him whistling while he worked just in front.",
     ["wireless", "stove", "worked"], [-90, 180, 0], [0, 0, 0]),
    # asked for with "put", a possessive piece is a sound of its own
    ("My late husband snored terribly. I miss it. Please put his snoring to my left, as in bed, and the rain on "
     "the window behind my head. Also the wireless very quietly on the far right.",
     ["snoring", "rain", "wireless"], [-90, 180, 90], [0, 0, 0]),
    # ", and <place>, <sound>": the place is the next sound's, after a height too
    ("Water laps against the window on her left, a drone hums overhead, and far behind, the siren wails.",
     ["water", "drone", "siren"], [-90, 0, 180], [0, 1, 0]),
    ("a car hisses past outside from right to left, and somewhere above, a neon sign buzzes.",
     ["car", "neon"], [90, 0], [0, 1]),
    # a bracketed place after a comma keys what follows; "(back)" is behind
    ("(ahead) waves, (behind) my mum calling me in", ["waves", "mum"], [0, 180], [0, 0]),
    ("Can you recreate: bass (L), vocals (C), guitar (R), crowd (back)?", ["bass", "vocals", "guitar", "crowd"],
     [-90, 0, 90, 180], [0, 0, 0, 0]),
])
def test_session_21_first_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_21_possessive_says_more_of_the_sound_before():
    # "Its whistle" is the kettle's, heard on the left; the radio after it keeps its own place
    s = parse("A kettle on the stove. Its whistle shrieks on the left, the radio mumbling behind.").sources
    assert [round(x.azimuth_start_deg) for x in s] == [-90, 180] and "kettle" in s[0].label and "radio" in s[1].label


def test_session_21_joined_sentence_keeps_its_move():
    # ("Its drums started ... and moved across ...": the verb goes on, one sound)
    s = parse("Last Lunar New Year the lion dance came through. Its drums started way off on my left and moved "
              "across in front of the stall to the right, while firecrackers popped behind me.").sources
    assert len(s) == 2 and s[0].moving and round(s[0].azimuth_start_deg) == -90 and round(s[0].azimuth_end) == 90


@pytest.mark.parametrize("text,labels,az,el", [
    # a condition before what is asked for says when, and is no sound
    ("If the smoke alarm goes, play a loud beep above me.", ["beep"], [0], [1]),
    ("When the toaster pops I want a pop sound at 90 degrees left.", ["pop"], [-90], [0]),
    ("If the baby cries, play rain on the left.", ["rain"], [-90], [0]),
    # right as correct is no side
    ("is this the right way to ask? a dog barks on the left", ["dog"], [-90], [0]),
    # Scots o' and an', "a wee bit", "hed"; "a little bit in front" is the same small amount
    ("Can ye do the Land Rover idling behind us an' the dogs panting at my left side?", ["Rover", "dogs"], [180, -90], [0, 0]),
    ("the wind whistling right over the top o' us", ["wind"], [0], [1]),
    ("a dog a little bit behind me", ["dog"], [180], [0]),
    # which way it goes is no second place beside a side
    ("a tank grinding forward on the far left", ["tank"], [-90], [0]),
    ("soldiers marching forward on my right", ["soldiers"], [90], [0]),
    # a span of signed angles is its middle; a clock time said to be on the clock is a clock position
    ("Can you place a rain bed at ear level in front, somewhere between -45 and +45?", ["rain"], [0], [0]),
    ("voice sample at 7:30 on the clock", ["voice"], [-135], [0]),
    ("voice at 4:30 o'clock", ["voice"], [135], [0]),
    # what the text says is silent, an apology, a purpose before a request, a swipe's key
    ("Liver Building's on me left but that's not a sound obviously. Lads singing at the back of the boat, the "
     "tannoy announcer front right.", ["ads", "tannoy"], [180, 45], [0, 0]),
    ("sorry for my english, dog barking left and cat behind", ["dog", "cat"], [-90, 180], [0, 0]),
    ("Sorry typing fast. Fox screaming off to the left.", ["fox"], [-90], [0]),
    ("I run in the park at dawn. For intervals I want a whistle behind me.", ["whistle"], [180], [0]),
])
def test_session_21_second_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels", [
    ("Hello. Is this the right place? My grandson set this up for me.", None),
    ("a bell at 4:30", ["bell"]),  # a time, no place
])
def test_session_21_no_place_said(text, labels):
    scene = parse(text)
    assert scene.note and all(s.azimuth_start_deg == 0 and not s.moving for s in scene.sources)


@pytest.mark.parametrize("text,start,end", [
    ("a bike bell passing me from behind to the front on my left, to remind me to keep right", 180, 360),
    ("Virtual rival: footsteps at 4 o'clock catching up to 2 o'clock.", 120, 60),
    ("Footsteps loop starts at the left (-90) and walks behind me to the right (+90)", -90, -270),
    ("low battery beep: start in my left ear and swipe across to the right", -90, 90),
])
def test_session_21_moves(text, start, end):
    s = parse(text).sources
    assert len(s) == 1 and s[0].moving and round(s[0].azimuth_start_deg) == start and round(s[0].azimuth_end) == end, s


@pytest.mark.parametrize("text,start,end", [
    # a verb of going on, not a sound of its own
    ("Lunch sketch in the park - a jogger puffing up from behind me, passing on my left and carrying on ahead.", 180, 360),
    ("digger engine behind the fence on my left, trundling toward the front", -90, 0),
    # a participle with its own start goes on with the sound before; "end at" is where a move ends
    ("someone sweeping the floor in front of me, moving from the door on my right across to the sink on my left", 90, -90),
    ("The bishop's footsteps come up the aisle from behind me, pass on my right side and end at the altar straight ahead.",
     180, 0),
    ("heron flaps past from right to left, low over the water", 90, -90),
])
def test_session_21_moves_go_on(text, start, end):
    s = parse(text).sources
    assert len(s) == 1 and s[0].moving and round(s[0].azimuth_start_deg) == start and round(s[0].azimuth_end) == end, s


def test_session_21_climbing_away_goes_on():
    s = parse("Turbofan noise coming in from straight ahead, passing overhead, and climbing away behind the tower.").sources
    assert len(s) == 1 and "urbofan" in s[0].label


@pytest.mark.parametrize("text,labels,az,el", [
    # on the lap is below, in front; where the listener lived is no sound
    ("my cat was purring on my lap and the tv was on in front of me", ["cat", "tv"], [0, 0], [-1, 0]),
    ("When I was a girl we lived above the market. I should like to hear the costermongers calling from below my "
     "window on the right.", ["costermongers"], [90], [-1]),
])
def test_session_21_third_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_21_times_round_is_no_second_sound():
    s = parse("Helicopter above, going around me one time, and wind from the left.").sources
    assert len(s) == 2 and "elicopter" in s[0].label and abs(abs(_turn(s[0])) - 360) < 1 and s[0].elevation_deg > 0


@pytest.mark.parametrize("text,labels,az,el", [
    # dictated with no punctuation: after a place, a (determiner and) noun with a sounding -ing opens the next item
    ("bullfrogs booming on my left a whip-poor-will calling far to the right and my boots thudding on the planks "
     "underneath", ["bullfrogs", "whip-poor-will", "boots"], [-90, 90, 0], [0, 0, -1]),
    ("polisher droning in front of me dinner ladies clattering trays back right and a kid crying off to my left",
     ["polisher", "ladies", "kid"], [0, 135, -90], [0, 0, 0]),
    # (not a place by a thing)
    ("the guy behind the counter yelling my order in front, and the door chime going off behind me",
     ["guy", "chime"], [0, 180], [0, 0]),
])
def test_session_21_run_on_items(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,label", [
    # heard everywhere: a sound of its own, kept with no place
    ("Harmonica to the back right, clapping all around", "clapping"),
    ("applause coming from the whole room, a speaker dead ahead", "applause"),
])
def test_session_21_everywhere_is_a_sound_of_its_own(text, label):
    s = parse(text).sources
    assert len(s) == 2 and any(label in x.label and x.azimuth_start_deg == 0 and not x.moving for x in s), s


@pytest.mark.parametrize("text,label,az", [
    # how a sound is processed says nothing of its own; a quick sound's verb between a noun and "-ing" names it
    ("water drops: 30° left of centre, slowed to half speed", "water drops", -30),
    ("tent zip rasping just left of me", "zip", -20),
])
def test_session_21_labels(text, label, az):
    s = parse(text).sources
    assert len(s) == 1 and label in s[0].label and round(s[0].azimuth_start_deg) == az, s


def test_session_21_place_alone_after_a_colon_is_the_keys():
    s = parse("smoke alarm: directly behind, loud, then the all-clear voice from front-right").sources
    assert [(x.label.split()[0], round(x.azimuth_start_deg)) for x in s] == [("smoke", 180), ("all-clear", 45)]


@pytest.mark.parametrize("text,labels,az,el", [
    # "you'll hear": the sound starts after it; "right when" is a time; "from my five" after an o'clock
    ("and on your left folks you'll hear the bagpiper outside the castle", ["bagpiper"], [-90], [0]),
    ("so my question is right when I sit on the porch there's a rooster directly in front of me", ["rooster"], [0], [0]),
    ("Can the Q*bert swearing noise come from my eleven o'clock and the Neo Geo fan hum from my five?",
     ["Q*bert", "fan"], [-30, 150], [0, 0]),
    # a question asking how to get a sound: what is asked for is the sound
    ("Can someone tell me how to get the galahs screeching from the back left and a kettle whistling on the gas to "
     "the front?", ["galahs", "kettle"], [-135, 0], [0, 0]),
])
def test_session_21_fourth_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels", [
    # the scene being made, named by what it is, beside placed sounds, is no sound of its own
    ("Band room soundscape for our centenary video. A cornet on the left.", ["cornet"]),
    ("Sim scenario for EMT trainees. A cyclist bell ring behind right", ["bell"]),
    # (a bed heard everywhere stays)
    ("traffic ambience all around, a horn on the left", ["traffic", "horn"]),
])
def test_session_21_what_is_made(text, labels):
    s = parse(text).sources
    assert len(s) == len(labels) and all(w in x.label for w, x in zip(labels, s)), s


def test_session_21_speaker_named_for_what_it_plays():
    s = parse("Speaker 1 (0°) plays a click, speaker 7 (90°) plays a chirp, and speaker 13 (180°) plays white noise.").sources
    assert [(x.label, round(x.azimuth_start_deg)) for x in s] == [("click", 0), ("chirp", 90), ("white noise", 180)]
    # how far apart the speakers are is no place
    s = parse("A ring of loudspeakers at 15° spacing; speaker 7 (90°) plays a chirp.").sources
    assert all(round(x.azimuth_start_deg) != 15 for x in s)


@pytest.mark.parametrize("text,labels,az,el", [
    # who typed or asked for it is no sound; "little left" (no article) is a little to the left
    ("Teacher say write sounds. The kettle is in front. The washing machine is behind me.", ["kettle", "washing"],
     [0, 180], [0, 0]),
    ("my grandson is typing this for me. I want parrots chattering in the tree above and the flower seller calling "
     "out on my left", ["parrots", "flower"], [0, -90], [1, 0]),
    ("Therapist say type long. OK. Garden. Bees little left. Mower far away behind.", ["ees", "mower"], [-20, 180], [0, 0]),
    ("Please put the generator far back, the one making noise. Then rain on the zinc roof above.", ["generator", "rain"],
     [180, 0], [0, 1]),
])
def test_session_21_fifth_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,labels,az", [
    # the stereo pair named ("L/R test") is no place; "gos" is goes; heat in degrees is no angle
    ("L/R test: beep left then beep right", ["beep", "beep"], [-90, 90]),
    ("ambulanse sirin coming from behine then gos past on my rite and away in frunt", ["sirin"], [180]),
    ("Survey cancelled: temperature under 8 degrees, no point going out tonight. Owls on the left.", ["owls"], [-90]),
    ("a hot day, 30 degrees C, cicadas on the right", ["cicadas"], [90]),
    ("a dog 30 degrees left", ["dog"], [-30]),
])
def test_session_21_sixth_pass(text, labels, az):
    s = parse(text).sources
    assert [round(x.azimuth_start_deg) for x in s] == az and all(w in x.label for w, x in zip(labels, s)), s


@pytest.mark.parametrize("text,az,turn", [
    # what a review of session 21 found: ringing around is no circle; a circuit of a pool, a tree gone round
    # on one side, stay on that side
    ("Church bells ring around me", 0, 0),
    ("Applause rings around the stadium on my left", -90, 0),
    ("A kid does one complete circuit around the pool on my left", -90, 0),
    ("A boy on a scooter going slowly round the tree once, on my left", -90, 0),
])
def test_review_of_session_21_circles(text, az, turn):
    s = parse(text).sources
    assert len(s) == 1 and round(s[0].azimuth_start_deg) == az and _turn(s[0]) == turn, s


@pytest.mark.parametrize("text,labels,az", [
    # a bracketed place after "then" keys what follows
    ("A car horn (right), then (back) a dog barking", ["horn", "dog"], [90, 180]),
    # a time of day is no clock position
    ("At 7:30 on the clock, a bell rings on my right", ["bell"], [90]),
    ("The 7:30 o'clock train whistles on my left", ["train"], [-90]),
    # a condition holding the only sound and its place stays
    ("If the baby cries on my left, I want to hear it", ["baby"], [-90]),
    # "the right time" goes with its preposition; the purpose ends before "and"
    ("birds sing at the right time on the left", ["birds"], [-90]),
    ("A beep on the left, to remind me to keep right and a buzz on the right", ["beep", "buzz"], [-90, 90]),
    # "carrying on" alone is no verb of going
    ("The march carrying on behind me", ["march"], [180]),
])
def test_review_of_session_21(text, labels, az):
    s = parse(text).sources
    assert [round(x.azimuth_start_deg) for x in s] == az and all(w in x.label for w, x in zip(labels, s)), s
    assert all(w not in x.label for x in s for w in ("correct",))


def test_review_of_session_21_nothing_left_of_a_correct_place():
    with pytest.raises(ValueError):
        parse("Put it in the right place")


@pytest.mark.parametrize("text,labels,az,el", [
    # Caribbean "de", "meh" where "the", "my" go; Pidgin "for up"; "goes off right"; a milk float
    ("Kiskadee calling from de left, de cock crowing behind de house at meh back, an she frying bake in de kitchen "
     "on de right.", ["kiskadee", "cock", "frying"], [-90, 180, 90], [0, 0, 0]),
    ("Charles de Gaulle airport on the left, a plane", ["plane"], [-90], [0]),
    ("Also aeroplane for up passing.", ["aeroplane"], [-90], [1]),
])
def test_session_21_seventh_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


@pytest.mark.parametrize("text,label,start,end", [
    ("need the tractor to come up the lane from the left and go off right", "tractor", -90, 90),
    ("the milk float humming past from right to left in front of the house", "milk float", 90, -90),
    ("orbit test: helicopter loop doing 1 full rotation around listener", "helicopter", 0, 360),
])
def test_session_21_seventh_pass_moves(text, label, start, end):
    s = parse(text).sources
    assert len(s) == 1 and label in s[0].label and round(s[0].azimuth_start_deg) == start and round(s[0].azimuth_end) == end, s


@pytest.mark.parametrize("text,labels,az,el", [
    # "day and night" is when; what someone does meanwhile ("while holding ...") is no sound; "Everything 3D
    # except the thunder" is said of all the sounds; a place alone after a dash, then a height, is all its place
    ("Ambulance sirens going past behind the house, left to right, day and night, while the radio on the "
     "windowsill in front of me read out the numbers.", ["sirens", "radio"], [-90, 0], [0, 0]),
    ("my partner swearing behind me while holding the door panel", ["partner"], [180], [0]),
    ("the fireplace should crackle ahead of them and a clock tick on the wall behind. Everything 3D except the thunder.",
     ["fireplace", "clock"], [0, 180], [0, 0]),
    ("Fireworks at the end of the night - through the windows on the left, high up, with the crowd on the terrace "
     "oohing behind us.", ["ireworks", "crowd"], [-90, 180], [1, 0]),
])
def test_session_21_eighth_pass(text, labels, az, el):
    _assert_sources_and_heights(text, labels, az, el)


def test_session_21_what_is_sworn_to_is_heard():
    s = parse("a car alarm going off way behind us, and I swear something is snuffling around the outside of the "
              "tent, going all the way round us once.").sources
    assert len(s) == 2 and round(s[0].azimuth_start_deg) == 180 and not s[0].moving and abs(_turn(s[1])) == 360
