"""Conditioning applied to every sound entering a source library.

BEWO's mono sources are activity-detected and cut to 10 s before simulation; we do the same,
and also normalise loudness so that later mixing gains mean the same thing for every source.
"""
from __future__ import annotations

import numpy as np

FRAME_S = 0.010          # RMS frame length for activity detection (10 ms resolves onsets well enough)
TRIM_DB = -50.0          # frames this far below the sample peak count as silence
TARGET_RMS_DB = -20.0    # loudness target: RMS over active frames, dBFS
PEAK_DB = -1.0           # never exceed this sample peak, even if the RMS target is then missed
FADE_S = 0.005           # short fades at the cut points, so trimming never creates clicks
SILENT_PEAK = 1e-5       # about -100 dBFS: nothing there to trim or normalise


class RejectedSound(ValueError):
    """A sound that cannot enter the library (empty, silent, NaN/Inf). A ValueError so that
    the command line reports it like any other bad input."""


def to_mono(x: np.ndarray) -> np.ndarray:
    """(channels, samples) or (samples,) -> float64 (samples,); channels are averaged."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 2:
        a = a.mean(axis=0)
    if a.ndim != 1:
        raise RejectedSound(f"expected mono (samples,) or (channels, samples) audio, got shape {np.shape(x)}")
    return a


def check_usable(x: np.ndarray, what: str = "sound") -> None:
    if x.size == 0:
        raise RejectedSound(f"{what} is empty (no samples)")
    if not np.all(np.isfinite(x)):
        raise RejectedSound(f"{what} contains NaN or Inf samples")
    if np.max(np.abs(x)) < SILENT_PEAK:
        raise RejectedSound(f"{what} is silent (peak below -100 dBFS)")


def frame_rms(x: np.ndarray, frame: int) -> np.ndarray:
    """RMS of consecutive non-overlapping frames; the last partial frame is zero-padded."""
    n = -(-x.size // frame)
    padded = np.zeros(n * frame)
    padded[: x.size] = x
    return np.sqrt(np.mean(padded.reshape(n, frame) ** 2, axis=1))


def active_span(x: np.ndarray, sample_rate: int, trim_db: float = TRIM_DB) -> tuple[int, int]:
    """[start, end) samples from the first to the last frame whose RMS is within trim_db of the
    sample peak. Gaps inside the sound are kept: only the ends are silence we can drop."""
    frame = max(1, int(round(FRAME_S * sample_rate)))
    rms = frame_rms(x, frame)
    active = np.nonzero(rms >= np.max(np.abs(x)) * 10 ** (trim_db / 20))[0]
    if active.size == 0:  # cannot happen for a non-silent sound (the peak frame qualifies), but be safe
        return 0, x.size
    return int(active[0] * frame), int(min(x.size, (active[-1] + 1) * frame))


def active_rms_db(x: np.ndarray, sample_rate: int, trim_db: float = TRIM_DB) -> float:
    """Loudness as RMS over active frames only, so pauses inside a sound do not lower it."""
    frame = max(1, int(round(FRAME_S * sample_rate)))
    rms = frame_rms(x, frame)
    keep = rms >= np.max(np.abs(x)) * 10 ** (trim_db / 20)
    return float(10 * np.log10(np.mean(rms[keep] ** 2) + 1e-30))


def _fade_ends(x: np.ndarray, sample_rate: int) -> np.ndarray:
    n = min(int(round(FADE_S * sample_rate)), x.size // 4)
    if n > 0:
        ramp = 0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


def condition(x: np.ndarray, sample_rate: int, max_seconds: float | None = 10.0,
              trim_db: float = TRIM_DB, target_rms_db: float = TARGET_RMS_DB,
              peak_db: float = PEAK_DB, what: str = "sound") -> np.ndarray:
    """Mono mix, trim leading/trailing silence (keeping FADE_S either side), keep at most max_seconds from the start of the
    activity, fade the ends, then scale so the active RMS is target_rms_db, lowered if needed so
    the peak stays at or below peak_db (a plain gain, not a limiter: no distortion is added).
    Returns float32 (samples,). Raises RejectedSound for empty, silent or NaN/Inf input."""
    m = to_mono(x)
    check_usable(m, what)
    start, end = active_span(m, sample_rate, trim_db)
    pad = int(round(FADE_S * sample_rate))  # the fade-in then falls on silence, not on the attack
    m = m[max(0, start - pad):end + pad].copy()
    if max_seconds is not None:
        if max_seconds <= 0:
            raise ValueError(f"max_seconds must be positive, got {max_seconds}")
        m = m[: int(round(max_seconds * sample_rate))]
    m = _fade_ends(m, sample_rate)
    check_usable(m, what)
    gain = 10 ** ((target_rms_db - active_rms_db(m, sample_rate, trim_db)) / 20)
    gain = min(gain, 10 ** (peak_db / 20) / np.max(np.abs(m)))
    return (m * gain).astype(np.float32)
