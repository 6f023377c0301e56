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
