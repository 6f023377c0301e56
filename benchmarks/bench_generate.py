"""Time to generate a clip: the native C++ runtime against the PyTorch reference on the same
weights, in the same run, warm (bundle and text encoder loaded), median of several runs, with the
native stage breakdown (text encoder, sampler, decoder, Griffin-Lim). Cold start separately.

    python benchmarks/bench_generate.py [--runs 5] [--steps 25] [--seconds 10] [--threads N]

Goal (issue 7): a 10 s clip in <= 1 s end to end on a 2-core CPU and >= 3x faster than PyTorch.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time


def _median(fn, runs):
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), min(ts), max(ts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--threads", type=int, default=0, help="threads for both (0: all cores)")
    ap.add_argument("--no-torch", action="store_true", help="skip the PyTorch peer")
    a = ap.parse_args()
    threads = a.threads or os.cpu_count()

    from bewo_rt import native
    from bewo_rt.bench import machine
    from bewo_rt.model.generate import generate

    prompt = "a dog barks on the left while a car passes from right to left"
    t0 = time.perf_counter()
    model = native.NativeModel(n_threads=threads)
    model.generate(prompt, seconds=a.seconds, steps=a.steps)
    cold = time.perf_counter() - t0
    m = machine()
    print(f"machine: {m['cpu']}, {m['cores']} cores, {threads} threads, torch {m['torch']}")
    print(f"native cold start (load bundle + text encoder, check hashes, one clip): {cold:.2f} s\n")
    rows = []
    stages = []
    for mode in ("one-stage", "cascaded"):
        def nat():
            _, t = model.generate(prompt, seconds=a.seconds, steps=a.steps, mode=mode)
            stages.append(t)

        rows.append((mode, "native (C++)", *_median(nat, a.runs)))
    torch_rows = {}
    if not a.no_torch:
        import torch

        torch.set_num_threads(threads)
        generate(prompt, seconds=a.seconds, steps=a.steps, backend="torch")  # warm: loads the bundle
        for mode in ("one-stage", "cascaded"):
            r = _median(lambda: generate(prompt, seconds=a.seconds, steps=a.steps, mode=mode, backend="torch"),
                        a.runs)  # as many runs as the native side: medians of equal counts
            torch_rows[mode] = r[0]
            rows.append((mode, "PyTorch eager", *r))
    print(f"| mode | backend | {a.seconds:g} s clip, {a.steps} steps: median (s) | min | max | x real time | "
          "PyTorch / native |")
    print("|---|---|---|---|---|---|---|")
    for mode, be, med, lo, hi in rows:
        ratio = f"{torch_rows[mode] / med:.1f}x" if be.startswith("native") and mode in torch_rows else ""
        print(f"| {mode} | {be} | {med:.3f} | {lo:.3f} | {hi:.3f} | {a.seconds / med:.1f} | {ratio} |")
    one = stages[: a.runs]
    print("\nnative one-stage breakdown (median s): " + ", ".join(
        f"{k[:-2]} {statistics.median(t[k] for t in one):.3f}" for k in ("text_s", "sample_s", "decode_s", "synth_s")))


if __name__ == "__main__":
    main()
