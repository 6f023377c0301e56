"""Binaural rendering speed vs scipy.signal.oaconvolve, on one core.

    python benchmarks/bench_render.py [--seconds 10] [--sample-rate 48000] [--runs 7]

Static: 10 s of noise through the (interpolated) KEMAR pair at 30 degrees; the peer convolves the
same signal with the same HRIR pair (both ears) with scipy.signal.oaconvolve. Moving: the same
signal swept from -90 to +90 degrees, the HRTF updated and crossfaded every block. Each figure is
the median of several runs; x-real-time = audio seconds / wall seconds. The process is pinned to
one core.
"""
from __future__ import annotations

import argparse
import os
import platform

import numpy as np
from scipy import signal

import bewo_rt
from _timing import median_time  # benchmarks/ is the script folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--sample-rate", type=int, default=48000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    a = ap.parse_args()
    if not a.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    sr, secs = a.sample_rate, a.seconds
    n = int(secs * sr)
    x = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    hrtf = bewo_rt.HRTF.kemar(sr)
    pair = hrtf.hrir(30.0)

    rows = []
    t_peer = median_time(lambda: [signal.oaconvolve(x, pair[e]) for e in range(2)], a.runs)
    rows.append(("scipy.signal.oaconvolve, static, 2 ears", None, t_peer))
    for block in (256, 512, 1024, 2048):
        t = median_time(lambda: bewo_rt.render(x, sr, azimuth=30.0, hrtf=hrtf, block_size=block), a.runs)
        rows.append(("bewo_rt static", block, t))
    for block in (256, 512):
        t = median_time(lambda: bewo_rt.render(x, sr, path=[(0, -90), (secs, 90)], hrtf=hrtf, block_size=block),
                        a.runs)
        rows.append(("bewo_rt moving (-90 -> 90)", block, t))

    # Moving sources rendered in real time on one core, 256-sample blocks: render a scene of
    # several moving sources and divide.
    k = 8
    srcs = [(x, np.array([[0, -90 + 20 * i, 0, 1], [secs, 90 - 20 * i, 0, 1]], float), 1.0) for i in range(k)]
    t8 = median_time(lambda: bewo_rt.render_batch([srcs], sr, n, hrtf=hrtf, block_size=256, backend="cpu"),
                     max(3, a.runs // 2))

    print(f"# bench_render: {secs:g} s at {sr} Hz, KEMAR ({hrtf.ir_length} taps), median of {a.runs} runs, one core")
    print(f"# machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}")
    print("| case | block | time (ms) | x real time | vs oaconvolve |")
    print("|---|---|---|---|---|")
    for name, block, t in rows:
        print(f"| {name} | {block or '-'} | {t * 1e3:.2f} | {secs / t:,.0f} | {t_peer / t:.2f}x |")
    per_source = t8 / k
    print(f"| {k} moving sources in one scene | 256 | {t8 * 1e3:.2f} | {secs / t8:,.0f} | - |")
    print(f"\nmoving sources one core renders in real time (256-sample blocks): {secs / per_source:,.0f}")


if __name__ == "__main__":
    main()
