"""Per-window binaural features: GCC-PHAT ITD, silence gating, broadband and per-band ILD.

Sign conventions (used by every function of bewo_rt.metrics):

    ITD = t_left - t_right   (milliseconds unless the name says samples)
          > 0: the left ear lags, the source is on the RIGHT (positive azimuth)
          < 0: the left ear leads, the source is on the LEFT (negative azimuth)
    ILD = level_right - level_left  (dB), > 0 for a source on the right.

So ITD, ILD and azimuth all have the same sign. This matches bewo_rt.hrtf.woodworth_itd
(positive when the left ear lags) and conftest.gcc_phat_lag.

Analysis follows BEWO's GCC-PHAT set-up: everything is analysed at 16 kHz (other rates are
resampled with scipy.signal.resample_poly first), rectangular windows of 0.24 s (3840 samples)
every 0.1 s (1600 samples), lags limited to +-1.5 ms (+-24 samples). The peak of the PHAT
cross-correlation is found on the integer grid, refined with a parabola through the three
samples around it, then polished by Newton steps on the band-limited (DFT-interpolated)
correlation, which removes the parabola's bias (sub-sample error < 0.01 samples for a pure delay).

Silence gating: a window is silent when its RMS (both ears' power averaged, 1.0 = full scale,
so a full-scale sine reads -3 dB) is below gate_db (BEWO: -16 dBFS). gate_ref='full_scale' uses
that absolute level; gate_ref='clip' makes it relative to the loudest window of the clip (for
material mastered quietly). Silent windows carry NaN for every feature.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

ANALYSIS_SR = 16000
WINDOW_S = 0.24
HOP_S = 0.10
MAX_ITD_MS = 1.5
GATE_DB = -16.0
# Octave bands (centre Hz); at 16 kHz the 8 kHz band is cut at Nyquist (5.66-8 kHz).
BAND_CENTRES_HZ = (250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0)


@dataclass
class FeatureConfig:
    sample_rate: int = ANALYSIS_SR
    window_s: float = WINDOW_S
    hop_s: float = HOP_S
    max_itd_ms: float = MAX_ITD_MS
    gate_db: float = GATE_DB
    gate_ref: str = "full_scale"  # or "clip"
    bands_hz: tuple = BAND_CENTRES_HZ

    def validate(self) -> "FeatureConfig":
        if self.gate_ref not in ("full_scale", "clip"):
            raise ValueError(f"gate_ref must be 'full_scale' or 'clip', got {self.gate_ref!r}")
        for name in ("window_s", "hop_s", "max_itd_ms"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be a positive number, got {v!r}")
        if not math.isfinite(self.gate_db):
            raise ValueError(f"gate_db must be finite, got {self.gate_db!r}")
        return self

    def key(self) -> tuple:
        return (self.sample_rate, self.window_s, self.hop_s, self.max_itd_ms, tuple(self.bands_hz))


@dataclass
class WindowFeatures:
    """Per-window features of one clip at the analysis rate; NaN where silent."""

    times_s: np.ndarray        # (W,) window centres
    rms_db: np.ndarray         # (W,) window level, dB re full scale
    silent: np.ndarray         # (W,) bool
    itd_ms: np.ndarray         # (W,) t_left - t_right
    ild_db: np.ndarray         # (W,) broadband, right - left
    band_ild_db: np.ndarray    # (W, B)
    bands_hz: tuple = field(default=BAND_CENTRES_HZ)
    sample_rate: int = ANALYSIS_SR
    gcc_peak: np.ndarray | None = None  # (W,) PHAT peak height, 1 = pure delay (ITD confidence)

    @property
    def itd_samples(self) -> np.ndarray:
        return self.itd_ms * self.sample_rate / 1000.0

    def vectors(self) -> np.ndarray:
        """(n_voiced, 1 + B) rows [ITD in samples at 16 kHz, band ILDs in dB] of non-silent windows."""
        v = np.column_stack([self.itd_samples, self.band_ild_db])[~self.silent]
        return v[np.all(np.isfinite(v), axis=1)]


def as_stereo(audio, name: str = "audio") -> np.ndarray:
    """Validate a (2, n) binaural signal (also accepts (n, 2)); float64 out. Mono, empty, NaN/Inf
    and more than two channels are refused with a ValueError naming the problem."""
    a = np.asarray(audio)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}")
    if a.ndim == 1 or (a.ndim == 2 and 1 in a.shape and a.size > 2):
        raise ValueError(f"{name} is mono (shape {a.shape}): interaural cues need two channels (left, right)")
    if a.ndim != 2:
        raise ValueError(f"{name} must have shape (2, samples), got {a.shape}")
    if a.shape[0] != 2 and a.shape[1] == 2:
        a = a.T
    if a.shape[0] != 2:
        raise ValueError(f"{name} must have exactly 2 channels (left, right), got shape {a.shape}")
    if a.shape[1] == 0:
        raise ValueError(f"{name} is empty")
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or Inf samples")
    return a


def to_analysis_rate(audio: np.ndarray, sample_rate: int, target: int = ANALYSIS_SR) -> np.ndarray:
    """Polyphase resampling (scipy.signal.resample_poly) to the analysis rate."""
    sr = int(sample_rate)
    if sr <= 0 or sr != sample_rate:
        raise ValueError(f"sample_rate must be a positive whole number of Hz, got {sample_rate!r}")
    if sr == target:
        return audio
    from scipy.signal import resample_poly

    r = Fraction(target, sr).limit_denominator(10000)
    return resample_poly(audio, r.numerator, r.denominator, axis=-1)


def frames(x: np.ndarray, win: int, hop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(C, W, win) zero-padded frames, (W,) start indices, (W,) valid lengths. A signal shorter
    than one window gives one (padded) frame."""
    n = x.shape[-1]
    n_w = 1 if n <= win else 1 + int(math.ceil((n - win) / hop - 1e-9))
    starts = np.arange(n_w) * hop
    pad = max(0, int(starts[-1]) + win - n)
    xp = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, pad)])
    idx = starts[:, None] + np.arange(win)[None, :]
    valid = np.minimum(win, n - starts)
    return xp[..., idx], starts, valid


def gcc_phat(left: np.ndarray, right: np.ndarray, max_lag: float, newton_steps: int = 3, return_peak: bool = False):
    """ITD in samples (t_left - t_right, fractional) of each row of left/right (W, N) frames.

    return_peak: also return the height of the PHAT correlation peak (1.0 for a pure delay,
    small when the ears' signals are incoherent, e.g. reverberant), used as a confidence."""
    L2 = np.atleast_2d(left)
    R2 = np.atleast_2d(right)
    n = L2.shape[-1]
    nfft = 1 << int(math.ceil(math.log2(2 * n)))
    cross = np.fft.rfft(L2, nfft) * np.conj(np.fft.rfft(R2, nfft))
    mag = np.abs(cross)
    P = np.where(mag > 1e-20, cross / np.maximum(mag, 1e-30), 0.0)
    cc = np.fft.irfft(P, nfft)
    m = int(math.floor(max_lag))
    # cc[k] peaks at k = delay of left relative to right (left lags right -> positive)
    seg = np.concatenate([cc[:, -m:], cc[:, : m + 1]], axis=1) if m > 0 else cc[:, :1]
    k = np.argmax(seg, axis=1)
    est = k.astype(np.float64) - m
    inner = (k > 0) & (k < seg.shape[1] - 1)
    rows = np.nonzero(inner)[0]
    a, b, c = seg[rows, k[rows] - 1], seg[rows, k[rows]], seg[rows, k[rows] + 1]
    den = a - 2 * b + c
    est[rows] += np.where(den < 0, 0.5 * (a - c) / np.where(den < 0, den, -1.0), 0.0)
    # Newton on the band-limited correlation cc(t) = (1/N) sum_k w_k Re(P_k e^{j w_k t})
    w = 2 * np.pi * np.arange(P.shape[1]) / nfft
    wk = np.full(P.shape[1], 2.0)
    wk[0] = 1.0
    if nfft % 2 == 0:
        wk[-1] = 1.0
    Pw = P * wk
    start = est.copy()
    for _ in range(newton_steps):
        e = np.exp(1j * np.outer(est, w))
        z = Pw * e
        d1 = -np.sum((z * w).imag, axis=1)
        d2 = -np.sum((z * w * w).real, axis=1)
        step = np.where(d2 < 0, -d1 / np.where(d2 < 0, d2, -1.0), 0.0)
        est = est + np.clip(step, -0.5, 0.5)
    bad = ~np.isfinite(est) | (np.abs(est - start) > 1.0)
    est[bad] = start[bad]
    est = np.clip(est, -max_lag, max_lag)
    if return_peak:
        return est, seg.max(axis=1)
    return est


def band_edges(centres_hz, sample_rate: int) -> list[tuple[float, float]]:
    nyq = sample_rate / 2.0
    out = []
    for fc in centres_hz:
        lo, hi = fc / math.sqrt(2), min(fc * math.sqrt(2), nyq)
        if lo < nyq:
            out.append((lo, hi))
    return out


def level_db(p):
    return 10.0 * np.log10(np.maximum(p, 1e-20))


def window_features(audio, sample_rate: int, config: FeatureConfig | None = None) -> WindowFeatures:
    """GCC-PHAT ITD, broadband and octave-band ILD of every window of a binaural clip."""
    cfg = (config or FeatureConfig()).validate()
    x = to_analysis_rate(as_stereo(audio), sample_rate, cfg.sample_rate)
    sr = cfg.sample_rate
    win = int(round(cfg.window_s * sr))
    hop = int(round(cfg.hop_s * sr))
    fr, starts, valid = frames(x, win, hop)  # (2, W, win)
    power = np.sum(fr**2, axis=-1) / valid[None, :]  # (2, W)
    rms_db = level_db(power.mean(axis=0))
    thr = cfg.gate_db + (float(np.max(rms_db)) if cfg.gate_ref == "clip" else 0.0)
    silent = (rms_db < thr) | (np.min(power, axis=0) <= 1e-20)
    W = fr.shape[1]
    itd = np.full(W, np.nan)
    ild = np.full(W, np.nan)
    peak = np.full(W, np.nan)
    edges = band_edges(cfg.bands_hz, sr)
    bild = np.full((W, len(edges)), np.nan)
    on = np.nonzero(~silent)[0]
    if on.size:
        max_lag = cfg.max_itd_ms * sr / 1000.0
        lag, peak[on] = gcc_phat(fr[0, on], fr[1, on], max_lag, return_peak=True)
        itd[on] = lag * 1000.0 / sr
        ild[on] = level_db(power[1, on]) - level_db(power[0, on])
        spec = np.abs(np.fft.rfft(fr[:, on], axis=-1)) ** 2
        f = np.fft.rfftfreq(win, 1.0 / sr)
        for b, (lo, hi) in enumerate(edges):
            sel = (f >= lo) & (f < hi) if hi < sr / 2 else (f >= lo) & (f <= hi)
            pl, pr = spec[0][:, sel].sum(-1), spec[1][:, sel].sum(-1)
            ok = (pl > 1e-20) & (pr > 1e-20)
            bild[on[ok], b] = level_db(pr[ok]) - level_db(pl[ok])
    times = (starts + np.minimum(valid, win) / 2.0) / sr
    return WindowFeatures(times, rms_db, silent, itd, ild, bild, tuple(c for c in cfg.bands_hz[: len(edges)]), sr, peak)
