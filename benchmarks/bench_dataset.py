"""Corpus building speed: clips per second on this machine and the projected time for a
BEWO-1M-scale corpus (1,000,000 clips of 10 s) on a 16-core machine.

    python benchmarks/bench_dataset.py [--clips 40] [--seconds 10] [--workers 1]

Builds clips with BEWO's default shares (moving and reverberant clips included, binaural, 16 kHz)
into a temporary folder from the procedural source library; times only the clip building (the
library is made before the clock starts). Projection: 1e6 / (clips/s per core x 16 cores).
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

from bewo_rt.corpus.builder import BuildConfig, build, ensure_library


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--mode", default="binaural", choices=["binaural", "two_mic"])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        cfg = BuildConfig(out=d, clips=a.clips, seconds=a.seconds, mode=a.mode)
        ensure_library(cfg)
        t = time.perf_counter()
        build(cfg, workers=a.workers, progress=False)
        dt = time.perf_counter() - t
        import json

        rows = [json.loads(line) for line in open(os.path.join(d, "metadata.jsonl"))]
    per_core = a.clips / dt / a.workers
    moving = sum(any(s != "still" for s in r["raw_speed"]) for r in rows)
    rooms = sum(r["room_size"] is not None for r in rows)
    print(f"# bench_dataset: {a.clips} clips x {a.seconds:g} s, 16 kHz, {a.mode}, {a.workers} worker(s); "
          f"{moving} with moving sources, {rooms} in rooms")
    print("| clips/s | clips/s per core | projected 1M x 10 s clips on 16 cores | goal |")
    print("|---|---|---|---|")
    hours = 1e6 / (per_core * 16) / 3600 * (10.0 / a.seconds)
    print(f"| {a.clips / dt:.2f} | {per_core:.2f} | {hours:.1f} h | <= 24 h (>= 0.75 clips/s per core) |")


if __name__ == "__main__":
    main()
