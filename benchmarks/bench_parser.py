"""Prompt parsing speed through the Python API (bewo_rt.text.parse, the C++ parser behind the
binding), on the phrasing prompts and the golden-file prompts of python_tests/data: median of
several runs over all prompts, per prompt, with the C API's prompt-only path
(scene_from_prompt_words, no Python objects built) in the same run as the peer.

--against REV also builds the parser of an earlier commit and of the working tree into the same
small C++ timing driver (g++ -O3, the same prompts) and prints both, so a change to the rules is
measured against the parser it replaces in one run (needs git and g++; about a minute to build).

    python benchmarks/bench_parser.py [--runs 7] [--against 2e21767]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bewo_rt import _core
from bewo_rt.text.parser import parse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "python_tests" / "data"
# What the parser needs to link (as python_tests/test_robustness.py's scene targets).
PARSER_SOURCES = ["runtime/prompt_parser.cpp", "runtime/prompt_tokens.cpp", "runtime/prompt_roles.cpp",
                  "runtime/prompt_pieces.cpp", "runtime/prompt_grouping.cpp", "runtime/prompt_motion.cpp",
                  "runtime/prompt_source_lists.cpp", "runtime/prompt_rewrites.cpp", "runtime/prompt_compass.cpp", "runtime/prompt_ranges.cpp",
                  "runtime/prompt_room.cpp",
                  "runtime/scene_json.cpp", "nn/tokenizer.cpp", "nn/json.cpp", "dsp/trajectory.cpp",
                  "runtime/vocabulary.cpp", "runtime/text_match.cpp", "runtime/prompt_symbols.cpp",
                  "runtime/sound_words.cpp", "runtime/prompt_fields.cpp", "runtime/prompt_markup.cpp", "runtime/prompt_shorthand.cpp",
                  "runtime/prompt_patterns.cpp", "runtime/prompt_listener.cpp", "runtime/prompt_heights.cpp",
                  "runtime/scene_passes.cpp", "runtime/scene_skipped.cpp", "runtime/prompt_tables.cpp", "runtime/prompt_identifiers.cpp", "runtime/prompt_learner.cpp", "runtime/prompt_word_order.cpp", "runtime/prompt_terse_forms.cpp", "runtime/scene_silent_things.cpp", "runtime/person_words.cpp", "runtime/verb_words.cpp",
                  "runtime/word_table.cpp"]
DRIVER = r"""
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include "runtime/prompt_parser.h"
int main(int argc, char** argv) {
    std::ifstream f(argv[1], std::ios::binary);
    std::vector<std::string> texts;
    std::size_t n;
    while (f >> n) { f.get(); std::string t(n, '\0'); f.read(&t[0], n); texts.push_back(t); }
    const int runs = std::atoi(argv[2]);
    std::vector<double> ms;
    for (int r = 0; r <= runs; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        for (const auto& t : texts) { bewo::rt::SceneSpec s; std::string e; bewo::rt::parse_prompt(t, s, e); }
        const double dt = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (r > 0) ms.push_back(dt / texts.size());  // run 0 warms up
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%.4f %.4f %.4f\n", ms[ms.size() / 2], ms.front(), ms.back());
}
"""


def driver_times(rev: str | None, texts: list[str], runs: int, work: Path) -> tuple[float, float, float]:
    """(median, min, max) ms per prompt of the parser at git revision rev (None: the working tree)."""
    src = work / (rev or "tree")
    if rev is None:
        shutil.copytree(ROOT / "csrc", src / "csrc")
    else:
        src.mkdir()
        arch = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "csrc"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=arch, check=True)
    (src / "driver.cpp").write_text(DRIVER)
    files = [str(src / "csrc" / f) for f in PARSER_SOURCES if (src / "csrc" / f).is_file()]
    exe = src / "bench"
    cxx = os.environ.get("CXX", "g++")
    subprocess.run([cxx, "-O3", "-std=c++17", "-I", str(src / "csrc"), str(src / "driver.cpp"), *files, "-o", str(exe)],
                   check=True)
    data = work / "prompts.bin"
    with open(data, "wb") as f:
        for t in texts:
            b = t.encode("utf-8")
            f.write(f"{len(b)}\n".encode() + b)
    out = subprocess.run([str(exe), str(data), str(runs)], check=True, capture_output=True, text=True).stdout
    return tuple(float(x) for x in out.split())


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
    ap.add_argument("--against", metavar="REV", help="also time this commit's parser and the working tree's, "
                                                     "built the same way (C++ driver, g++ -O3)")
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
    if a.against:
        with tempfile.TemporaryDirectory() as tmp:
            old = driver_times(a.against, texts, a.runs, Path(tmp))
            new = driver_times(None, texts, a.runs, Path(tmp))
        print(f"\nC++ parser alone (driver, g++ -O3), same prompts, median of {a.runs} runs (ms per prompt)")
        print("| parser | median | min | max |")
        print("|---|---|---|---|")
        print(f"| {a.against} | {old[0]:.3f} | {old[1]:.3f} | {old[2]:.3f} |")
        print(f"| working tree | {new[0]:.3f} | {new[1]:.3f} | {new[2]:.3f} |")
        print(f"working tree / {a.against}: {new[0] / old[0]:.2f}x (below 1: faster)")


if __name__ == "__main__":
    main()
