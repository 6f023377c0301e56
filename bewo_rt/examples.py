"""Small synthesised sounds for the demo and for tests: no data files needed."""
from __future__ import annotations

import numpy as np


def bell_pattern(seconds: float, sample_rate: int, seed: int = 0) -> np.ndarray:
    """Broadband clicks and decaying bell partials every 0.25 s: easy to localise."""
    rng = np.random.default_rng(seed)
    n = int(round(seconds * sample_rate))
    t = np.arange(n) / sample_rate
    out = np.zeros(n)
    period = int(0.25 * sample_rate)
    env_len = min(period, n)
    te = np.arange(env_len) / sample_rate
    strike = np.zeros(env_len)
    for f, a in ((523.25, 1.0), (1046.5, 0.5), (1567.98, 0.35), (2637.0, 0.25)):
        strike += a * np.sin(2 * np.pi * f * te) * np.exp(-te * 12)
    strike += 0.6 * rng.standard_normal(env_len) * np.exp(-te * 60)
    for start in range(0, n, period):
        m = min(env_len, n - start)
        out[start:start + m] += strike[:m]
    out += 0.02 * rng.standard_normal(n) * (1 + 0.5 * np.sin(2 * np.pi * 0.5 * t))
    return (0.3 * out / np.max(np.abs(out))).astype(np.float32)
