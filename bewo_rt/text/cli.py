"""`bewo-rt parse "TEXT" [--json]`: text prompt -> scene, from the command line.

bewo_rt/cli.py calls register_cli(subparsers). The handler returns an exit code; bad input (empty,
too long, no recognisable sound) prints one line `bewo-rt parse: error: ...` to stderr and returns 2.
"""
from __future__ import annotations

import json
import sys


def _table(d: dict) -> str:
    rows = [("label", "start", "end", "moving", "speed", "distance")]
    for s in d["sources"]:
        end = "-" if s["azimuth_end_deg"] is None else f"{s['azimuth_end_deg']:g} ({s['direction_end']})"
        dist = s["distance"] if s["distance_end"] == s["distance"] else f"{s['distance']} -> {s['distance_end']}"
        rows.append((s["label"], f"{s['azimuth_start_deg']:g} ({s['direction']})", end,
                     "yes" if s["moving"] else "no", s["speed"], dist))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    room = d["room"]
    if d["room_class"] is None:
        place = "room: not stated (outdoors, free field)"
    elif room["outdoor"]:
        place = "room: outdoor"
    else:
        size = " x ".join(f"{v:g}" for v in room["size_m"])
        place = f"room: {d['room_class']} ({size} m, RT60 {room['rt60_s']:g} s)"
    return "\n".join(lines + [place])


def _cmd_parse(a) -> int:
    from .parser import parse_dict

    try:
        d = parse_dict(a.text)
    except (ValueError, TypeError) as e:
        print(f"bewo-rt parse: error: {e}", file=sys.stderr)
        return 2
    if d.get("note"):
        print(f"bewo-rt parse: warning: {d['note']}", file=sys.stderr)
    print(json.dumps(d, indent=2) if a.json else _table(d))
    return 0


def register_cli(subparsers) -> None:
    p = subparsers.add_parser("parse", help="turn a text prompt into a scene (local rules, no network)")
    p.add_argument("text", help='the prompt, e.g. "a dog barks on the left while a car passes from right to left"')
    p.add_argument("--json", action="store_true", help="print the scene as JSON instead of a table")
    p.set_defaults(func=_cmd_parse)
