"""Prompt parsing speed through the Python API (bewo_rt.text.parse, the C++ parser behind the
binding), on the phrasing prompts and the golden-file prompts of python_tests/data: median of
several runs over all prompts, per prompt, with the C API's prompt-only path
(scene_from_prompt_words, no Python objects built) in the same run as the peer.

    python benchmarks/bench_parser.py [--runs 7]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bewo_rt import _core
from bewo_rt.text.parser import parse

DATA = Path(__file__).resolve().parent.parent / "python_tests" / "data"


def prompts() -> list[str]:
    out = [json.loads(l)["prompt"] for l in (DATA / "phrasing_prompts.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    out += [json.loads(l)["text"] for l in (DATA / "parser_golden.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    return out


def per_prompt(fn, texts, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for t in texts:
            try:
                fn(t)
            except ValueError:
                pass
        times.append((time.perf_counter() - t0) / len(texts) * 1e3)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    texts = prompts()
    per_prompt(parse, texts[:50], 1)  # warm
    ours = per_prompt(parse, texts, a.runs)
    peer = per_prompt(_core.scene_from_prompt_words_native, texts, a.runs)
    print(f"{len(texts)} prompts, median of {a.runs} runs (ms per prompt)")
    print("| path | median | min | max |")
    print("|---|---|---|---|")
    print(f"| bewo_rt.text.parse (Python API) | {ours[0]:.3f} | {ours[1]:.3f} | {ours[2]:.3f} |")
    print(f"| C API path (scene_from_prompt_words) | {peer[0]:.3f} | {peer[1]:.3f} | {peer[2]:.3f} |")
    print(f"Python API / C API path: {ours[0] / peer[0]:.2f}x")


if __name__ == "__main__":
    main()
