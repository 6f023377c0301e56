"""Scores a parser on python_tests/data/phrasing_prompts.jsonl: prompts written for the phrasing
classes of the parser issue (direction phrases before the sound or after a colon, small offsets,
far/hard, participles that describe a sound, counted lists and lists after a colon, emoji and
symbols and line breaks as separators, numbers in words, elevation words, moves that wrap around,
honest output for text with no sound or no English direction words, free phrasing).

A prompt passes when the parser finds exactly the expected sources (matched by a word of their
label (or one of several words), in any order) and each is where the prompt says: its start azimuth within 15 degrees (or
inside a stated range), its end within 15 degrees of the unwrapped target for a move, still when
the prompt says so, once round (either way) for a circle, elevation up or down when stated; a prompt marked "note" must make the
parser say it found no sound or no direction (a note on the scene, or a ValueError naming it)."""
from __future__ import annotations

import json
from pathlib import Path

PROMPTS = Path(__file__).resolve().parent / "data" / "phrasing_prompts.jsonl"
TOL = 15.0


def load(path=PROMPTS):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _source_ok(want: dict, s) -> bool:
    label = (s.label or "").lower()
    words = want["label"] if isinstance(want["label"], list) else [want["label"]]  # any of them
    if not any(w.lower() in label for w in words) or ("label_not" in want and want["label_not"] in label):
        return False
    if "az_range" in want:
        lo, hi = want["az_range"]
        if not lo <= s.azimuth_start_deg <= hi:
            return False
    elif "az" in want and abs(((s.azimuth_start_deg - want["az"]) + 180) % 360 - 180) > TOL:
        return False
    if "to" in want:
        if not s.moving:
            return False
        # unwrapped: the way round matters ("from -90 to 270" is a full circle)
        turn = want["to"] - want.get("az", s.azimuth_start_deg)
        if abs(want.get("az", 0)) == 180 and 180 < abs(turn) < 360 - TOL:
            # behind is both 180 and -180: "from 180 to -90" is the quarter turn from behind to the left
            # (a whole turn, "from 180 to 540", stays one)
            turn = (turn + 180) % 360 - 180
        if abs((s.azimuth_end - s.azimuth_start_deg) - turn) > TOL:
            return False
    if want.get("moving") is False and s.moving:
        return False
    if want.get("circle") and not (s.moving and abs(abs(s.azimuth_end - s.azimuth_start_deg) - 360.0) <= TOL):
        return False  # once round, either way
    if want.get("el") == "up" and not s.elevation_deg > 0:
        return False
    if want.get("el") == "down" and not s.elevation_deg < 0:
        return False
    return True


def check(case: dict, parse) -> tuple[bool, str]:
    """(passed, what was found) for one prompt."""
    try:
        scene = parse(case["prompt"])
    except ValueError as e:
        return bool(case.get("note")) and not case.get("sources"), f"ValueError: {e}"
    note = getattr(scene, "note", None)
    found = "; ".join(f"{s.label!r} {s.azimuth_start_deg:+.0f}" + (f"->{s.azimuth_end:+.0f}" if s.moving else "")
                      + (f" el {s.elevation_deg:+.0f}" if s.elevation_deg else "") for s in scene.sources)
    found += f" | note: {note}" if note else ""
    if case.get("note") and not note:
        return False, found
    want = case.get("sources", [])
    if not want:
        return bool(case.get("note")), found
    if len(scene.sources) != len(want):
        return False, found
    left = list(scene.sources)
    for w in want:
        hit = next((s for s in left if _source_ok(w, s)), None)
        if hit is None:
            return False, found
        left.remove(hit)
    return True, found


def score(parse, cases=None) -> tuple[float, list[tuple[dict, bool, str]]]:
    cases = cases if cases is not None else load()
    rows = [(c, *check(c, parse)) for c in cases]
    return sum(ok for _, ok, _ in rows) / len(rows), rows


def main(argv=None) -> int:
    """python python_tests/phrasing_score.py [FILE.jsonl ...]: per-class scores of bewo_rt.text.parse
    and the prompts it places wrongly (default: both phrasing files)."""
    import sys
    from collections import Counter

    from bewo_rt.text.parser import parse

    files = (argv if argv is not None else sys.argv[1:]) or [
        str(PROMPTS.with_name(n)) for n in ("phrasing_prompts.jsonl", "phrasing_prompts_heldout.jsonl",
                                            "phrasing_prompts_heldout2.jsonl", "phrasing_prompts_heldout3.jsonl",
                                            "phrasing_prompts_heldout4.jsonl", "phrasing_prompts_heldout5.jsonl",
                                            "phrasing_prompts_heldout6.jsonl", "phrasing_prompts_heldout7.jsonl",
                                            "phrasing_prompts_heldout8.jsonl")]
    for f in files:
        rate, rows = score(parse, load(f))
        n, ok = Counter(), Counter()
        for case, good, _ in rows:
            n[case["class"]] += 1
            ok[case["class"]] += good
        print(f"{Path(f).name}: {sum(ok.values())}/{len(rows)} = {rate:.1%}")
        print("| class | placed right |\n|---|---|")
        for c in n:
            print(f"| {c} | {ok[c]}/{n[c]} |")
        for case, good, found in rows:
            if not good:
                print(f"  wrong [{case['class']}] {case['prompt']!r} -> {found}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
