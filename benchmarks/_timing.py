"""Timing shared by the benchmark scripts: median wall time after one warm-up run."""
from __future__ import annotations

import statistics
import time


def median_time(fn, runs: int) -> float:
    fn()  # warm-up: plans, HRTF loading, page faults
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def median_per_call(fn, runs: int, inner: int) -> float:
    """Median over `runs` of the mean time of `inner` back-to-back calls, after two warm-ups:
    for kernels too short to time one call at a time."""
    for _ in range(2):
        fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        ts.append((time.perf_counter() - t) / inner)
    return statistics.median(ts)
