"""Which side a binaural clip puts its sound, measured without the renderer's HRIRs or the
metrics' calibration table (so a test using them can catch a renderer, a model or a metric that
is wrong in the same way): GCC-PHAT's lag from numpy's FFT, the broadband level difference, and
the spherical-head (Woodworth) azimuth of that lag. All positive for a source on the right."""
from __future__ import annotations

import numpy as np


def phat_lag(left, right, max_lag: int) -> int:
    """Integer lag (samples) by which the left ear trails the right (GCC-PHAT)."""
    left = np.asarray(left, np.float64)
    right = np.asarray(right, np.float64)
    n = 1 << int(np.ceil(np.log2(2 * len(left))))
    c = np.fft.rfft(left, n) * np.conj(np.fft.rfft(right, n))
    r = np.fft.irfft(c / np.maximum(np.abs(c), 1e-30), n)
    lags = np.r_[np.arange(0, max_lag + 1), np.arange(-max_lag, 0)]
    return int(lags[np.argmax(np.r_[r[:max_lag + 1], r[-max_lag:]])])


def ild_db(audio) -> float:
    """Broadband level difference, right minus left, in dB."""
    a = np.asarray(audio, np.float64)
    return float(10 * np.log10((np.sum(a[1] ** 2) + 1e-30) / (np.sum(a[0] ** 2) + 1e-30)))


def woodworth_deg(lag_samples: float, sample_rate: int, head_radius: float = 0.0875, c: float = 343.0) -> float:
    """Azimuth whose spherical-head ITD, (r / c)(theta + sin theta), is the lag."""
    itd = lag_samples / sample_rate
    th = np.linspace(-np.pi / 2, np.pi / 2, 1801)
    return float(np.degrees(th[np.argmin(np.abs(head_radius / c * (th + np.sin(th)) - itd))]))


def side_of(audio, sample_rate: int) -> tuple[int, float, float]:
    """(GCC-PHAT lag in samples, ILD dB, Woodworth azimuth) of a (2, n) clip."""
    lag = phat_lag(audio[0], audio[1], int(0.001 * sample_rate))
    return lag, ild_db(audio), woodworth_deg(lag, sample_rate)


def lateral_sign(audio, sample_rate: int, min_ild_db: float = 3.0, min_lag_ms: float = 0.1) -> int:
    """+1 right, -1 left, 0 undecided. A cue counts when it is clear (|ILD| >= min_ild_db, |lag|
    >= min_lag_ms); one clear cue decides, two must agree (a pure tone's GCC-PHAT lag is
    ambiguous, a low sound's level difference small)."""
    lag, ild, _ = side_of(audio, sample_rate)
    cues = []
    if abs(ild) >= min_ild_db:
        cues.append(int(np.sign(ild)))
    if abs(lag) >= min_lag_ms * 1e-3 * sample_rate:
        cues.append(int(np.sign(lag)))
    if not cues or len(set(cues)) > 1:
        return 0
    return cues[0]
