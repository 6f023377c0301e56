"""Streaming binaural renderer speed: moving sources, 256-sample blocks, one core.

    python benchmarks/bench_stream.py [--sources 16] [--seconds 10] [--block 256] [--runs 5]

N sources of noise at 48 kHz, each moving on its own path (azimuth sweeping 180 degrees, elevation
and distance changing), every source's position updated before every block, so every block of
every source is rendered through two HRIR pairs and crossfaded. Rows:

* stream, C++ loop: bewo_rt.stream.StreamRenderer.render_blocks (the engine's loop of
  set_source + process per block, run in C++: what an engine calling the C API pays);
* stream, Python loop: the same through the Python API, one process() call per block;
* peer: the offline renderer (bewo_rt.render_batch, CPU, same sources, paths and block size),
  which does the same arithmetic knowing the whole signal in advance.

x real time = audio seconds / wall seconds for the whole mix; sources in real time per core =
N x that. Median of --runs runs after a warm-up; the process is pinned to one core.
"""
from __future__ import annotations

import argparse
import os
import platform

import numpy as np

import bewo_rt
from bewo_rt.stream import StreamRenderer
from _timing import median_time  # benchmarks/ is the script folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--block", type=int, default=256)
    ap.add_argument("--sample-rate", type=int, default=48000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    a = ap.parse_args()
    if not a.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    sr, k, B = a.sample_rate, a.sources, a.block
    nb = int(a.seconds * sr) // B
    n = nb * B
    secs = n / sr
    rng = np.random.default_rng(0)
    x = (0.1 * rng.standard_normal((k, n))).astype(np.float32)
    hrtf = bewo_rt.HRTF.kemar(sr)

    # Keyframes per source; positions per block = the path at the block's end (as the offline renderer).
    kfs = [np.array([[0.0, -90.0 + 11.0 * i, -20.0 + 2.0 * i, 0.5 + 0.2 * i],
                     [secs, 90.0 + 11.0 * i, 30.0 - 2.0 * i, 4.0 - 0.1 * i]]) for i in range(k)]
    t_end = (np.arange(nb) + 1) * B / sr
    pos = np.empty((nb, k, 4))
    for i, kf in enumerate(kfs):
        for c in range(3):
            pos[:, i, c] = np.interp(t_end, kf[:, 0], kf[:, c + 1])
        pos[:, i, 3] = 1.0

    r = StreamRenderer(hrtf, sr, max_sources=k, max_block=max(B, 64))

    def stream_cpp():
        r.reset()
        return r.render_blocks(x, pos, B)

    def stream_py():
        r.reset()
        out = np.empty((2, n), np.float32)
        for j in range(nb):
            for i in range(k):
                az, el, d, g = pos[j, i]
                r.set_source(i, az, el, d, g)
            out[:, j * B:(j + 1) * B] = r.process(x[:, j * B:(j + 1) * B])
        return out

    clip = [(x[i], kfs[i], 1.0) for i in range(k)]

    def offline():
        return bewo_rt.render_batch([clip], sr, n, hrtf=hrtf, block_size=B, backend="cpu")[0]

    # The two must agree (same trajectory sampling and crossfade), or the comparison means nothing.
    err = float(np.abs(stream_cpp() - offline()).max() / np.abs(offline()).max())

    t_peer = median_time(offline, a.runs)
    t_cpp = median_time(stream_cpp, a.runs)
    t_py = median_time(stream_py, max(1, a.runs // 2))

    print(f"# bench_stream: {k} moving sources, {secs:g} s at {sr} Hz, {B}-sample blocks, KEMAR "
          f"({hrtf.ir_length} taps, partition {r.partition}), median of {a.runs} runs, one core")
    print(f"# machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}; "
          f"stream vs offline max rel. difference {err:.1e}")
    print("| case | time (ms) | x real time | sources in real time per core | per block per source (us) "
          "| vs offline |")
    print("|---|---|---|---|---|---|")
    for name, t in (("stream, C++ loop (C API path)", t_cpp), ("stream, Python loop", t_py),
                    ("offline renderer (peer)", t_peer)):
        print(f"| {name} | {t * 1e3:.1f} | {secs / t:,.1f} | {k * secs / t:,.0f} | {t / (nb * k) * 1e6:.2f} "
              f"| {t_peer / t:.2f}x |")


if __name__ == "__main__":
    main()
