"""What tools/gen_person_words.py and tools/gen_verb_words.py share: WordNet's licence text, the
.inc file they write (a C++ raw string of words and 'form:word' pairs), and their command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable


def wordnet_license(root: Path) -> list[str]:
    lines = []
    for line in (root / "data.noun").read_text(encoding="latin-1").splitlines():
        if not line.startswith("  "):
            break
        text = line[2:].split(" ", 1)[1].rstrip() if " " in line[2:] else ""
        lines.append(text)
    return lines


def render(root: Path, header: list[str], words: list[str], forms: list[tuple[str, str]]) -> str:
    """The .inc text: `header` comment lines, the licence, then the words and 'form:word' pairs."""
    out = [f"// {h}" for h in header] + ["//"]
    out += [("// " + line).rstrip() for line in wordnet_license(root)]
    out.append("R\"WORDS(")
    line = ""
    for w in words + [f"{f}:{v}" for f, v in forms]:
        if len(line) + len(w) + 1 > 110:
            out.append(line.rstrip())
            line = ""
        line += w + " "
    out.append(line.rstrip())
    out.append(")WORDS\"")
    return "\n".join(out) + "\n"


def run(doc: str, out: Path, needs: list[str], make: Callable[[Path], str]) -> int:
    """The generators' command line: [--wordnet DIR] [--check]. `needs`: WordNet files read."""
    name = Path(sys.argv[0]).stem
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--wordnet", default="/usr/share/wordnet", help=f"folder with WordNet 3.0's {', '.join(needs)}")
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed file differs from a fresh one")
    args = ap.parse_args()
    root = Path(args.wordnet)
    if not (root / needs[0]).is_file():
        print(f"{name}: no WordNet 3.0 in {root} (apt-get install wordnet-base, or --wordnet DIR)", file=sys.stderr)
        return 2
    text = make(root)
    if args.check:
        same = out.is_file() and out.read_text(encoding="utf-8") == text
        print(f"{out.name} is " + ("up to date" if same else f"out of date: run tools/{name}.py"))
        return 0 if same else 1
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(text)} bytes)")
    return 0
