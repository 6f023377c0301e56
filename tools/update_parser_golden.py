"""Shows how the parser's answers differ from python_tests/data/parser_golden.jsonl and, with
--write, records the new answers once they have been read and judged right.

    python tools/update_parser_golden.py                 # the differences, one prompt per block
    python tools/update_parser_golden.py --write --why "small offsets are 20 degrees (issue 16)"

Each changed row keeps the reason in "reviewed" (the test reads only "text" and "scene"). Run it
from outside the repository root with the package installed."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python_tests"))

from test_native_parser import GOLDEN, _close, scene_of  # noqa: E402


def summary(scene) -> str:
    if isinstance(scene, (list, tuple)):
        return f"{scene[0]}: {scene[1]}"
    parts = []
    for s in scene["sources"]:
        x = f"{s['label']!r} {s['azimuth_start_deg']:g}"
        x += f"->{s['azimuth_end_deg']:g}" if s["azimuth_end_deg"] is not None else ""
        x += f" el {s['elevation_deg']:g}" if s["elevation_deg"] else ""
        x += f" {s['speed']} {s['distance_m']:g} m" + (f"->{s['distance_end_m']:g}" if s["distance_end_m"] else "")
        parts.append(x)
    return "; ".join(parts) + f" | room {scene['room_class']}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="record the new answers")
    ap.add_argument("--why", default="", help="the reason stored with each changed row (needed with --write)")
    a = ap.parse_args()
    if a.write and not a.why:
        ap.error("--write needs --why: say what changed and why the new answers are right")
    rows = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    changed = 0
    for r in rows:
        got = json.loads(json.dumps(scene_of(r["text"])))
        if _close(r["scene"], got):
            continue
        changed += 1
        print(f"## {r['text'][:160]!r}\n   was {summary(r['scene'])}\n   now {summary(got)}")
        if a.write:
            r["scene"], r["reviewed"] = got, a.why
    print(f"{changed} of {len(rows)} prompts differ", file=sys.stderr)
    if a.write and changed:
        tmp = GOLDEN.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        tmp.replace(GOLDEN)
    return 0


if __name__ == "__main__":
    sys.exit(main())
