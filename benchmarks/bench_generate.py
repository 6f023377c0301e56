"""Time to generate a 10 s clip with the PyTorch path (the shipped model), both modes, warm
(model and text encoder loaded), median of several runs; cold start reported separately.

    python benchmarks/bench_generate.py [--runs 5] [--steps 25] [--threads N]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    a = ap.parse_args()
    import torch

    if a.threads:
        torch.set_num_threads(a.threads)
    from bewo_rt.model.generate import generate

    prompt = "a dog barks on the left while a car passes from right to left"
    t0 = time.perf_counter()
    generate(prompt, seconds=a.seconds, steps=a.steps, seed=0)
    cold = time.perf_counter() - t0
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"cold start (loads bundle and text encoder) + one-stage: {cold:.2f} s")
    for mode in ("one-stage", "cascaded"):
        ts = []
        for i in range(a.runs):
            t = time.perf_counter()
            generate(prompt, seconds=a.seconds, steps=a.steps, seed=i, mode=mode)
            ts.append(time.perf_counter() - t)
        print(f"{mode:9s}: {a.seconds:g} s clip, {a.steps} steps: median {statistics.median(ts):.2f} s "
              f"(min {min(ts):.2f}, max {max(ts):.2f}), {a.seconds / statistics.median(ts):.1f}x real time")


if __name__ == "__main__":
    main()
