"""Batched rendering on the GPU vs the CPU renderer on all cores, same clips, same run.

    python benchmarks/bench_render_gpu.py [--clips 32] [--sources 2] [--seconds 10] [--runs 3]

Each clip holds moving sources (random start/end azimuths, elevations, distances) at 48 kHz
through KEMAR. CUDA: one launch for every source of every clip, host-side HRIR planning and
transfers included. CPU: bewo_rt.render_batch(backend="cpu") with one thread per core. Prints
times (median), x real time (audio seconds rendered per wall second, all clips together), the
ratio, and the largest error of the GPU result relative to the CPU one.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import bewo_rt


def median_time(fn, runs):
    out = fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", type=int, default=32)
    ap.add_argument("--sources", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--sample-rate", type=int, default=48000)
    ap.add_argument("--block", type=int, default=512)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    sr, n = a.sample_rate, int(a.seconds * a.sample_rate)
    rng = np.random.default_rng(0)
    clips = []
    for _ in range(a.clips):
        srcs = []
        for _ in range(a.sources):
            x = (0.1 * rng.standard_normal(n)).astype(np.float32)
            kf = np.array([[0.0, rng.uniform(-180, 180), rng.uniform(-30, 30), rng.uniform(0.5, 3)],
                           [a.seconds, rng.uniform(-180, 180), rng.uniform(-30, 30), rng.uniform(0.5, 3)]])
            srcs.append((x, kf, 1.0))
        clips.append(srcs)
    info = bewo_rt.backends()["cuda"]
    print(f"# bench_render_gpu: {a.clips} clips x {a.sources} moving sources x {a.seconds:g} s at {sr} Hz, KEMAR, "
          f"block {a.block}; cuda: {info['detail']}")
    threads = os.cpu_count() or 1
    t_cpu, cpu = median_time(lambda: bewo_rt.render_batch(clips, sr, n, block_size=a.block, backend="cpu",
                                                          n_threads=threads), a.runs)
    audio = a.clips * a.seconds
    print("| backend | time (ms) | x real time (clips) | vs CPU | max rel. error vs CPU |")
    print("|---|---|---|---|---|")
    print(f"| CPU, {threads} threads | {t_cpu * 1e3:.1f} | {audio / t_cpu:,.0f} | 1.00x | - |")
    if not info["usable"]:
        print(f"| CUDA | not usable: {info['detail']} | | | |")
        return
    t_gpu, gpu = median_time(lambda: bewo_rt.render_batch(clips, sr, n, block_size=a.block, backend="cuda"), a.runs)
    err = max(float(np.max(np.abs(gpu[c] - cpu[c])) / np.max(np.abs(cpu[c]))) for c in range(a.clips))
    print(f"| CUDA (one launch) | {t_gpu * 1e3:.1f} | {audio / t_gpu:,.0f} | {t_cpu / t_gpu:.2f}x | {err:.2e} |")


if __name__ == "__main__":
    main()
