"""Azimuth from ITD/ILD, calibrated on the HRTF set in use (or Woodworth's formula as a fallback).

Calibration: one white-noise burst (1 s, fixed seed) is convolved with the set's HRIR pair
(HRTF.load(name, sr).hrir(az), exactly what bewo_rt.render convolves with) for every azimuth
in -90..90 (frontal half-plane, as BEWO) every `step_deg` degrees, at the clip's sample rate;
the result goes through the same feature pipeline as a clip (resampling to 16 kHz, windows,
GCC-PHAT, band ILDs) and the medians over windows form the table. Tables are cached per
(hrtf, sample rate, feature settings, step).

Matching: per window the cost of every table azimuth is
    ((itd - ITD(az)) / sigma_itd)^2 + ild_weight * mean_b ((ild_b - ILD_b(az)) / sigma_ild)^2
and the minimum is refined by a parabola through its neighbours. In free field ITD dominates;
the ILD term breaks the ties where ITD saturates near +-90 degrees. The ITD term is scaled by a
confidence from the GCC-PHAT peak height (itd_weight): beyond the critical distance of a room
the direct sound's PHAT peak sinks to ~0.1-0.2 (free field: 0.7-1.0); windows whose peak is
lower fall back on the ILDs, which keep the side but are compressed, so their azimuths are
biased towards the centre. Front/back confusions are folded to the front (lateral angle).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .features import FeatureConfig, WindowFeatures, window_features

SIGMA_ITD_MS = 0.04
SIGMA_ILD_DB = 3.0
ILD_WEIGHT = 0.25
PEAK_IGNORED = 0.08
LOW_BAND_WEIGHT = 0.25  # ILD bands below 1 kHz: small head shadow, easily upset by room modes
PEAK_TRUSTED = 0.25


@dataclass(frozen=True)
class CalibrationTable:
    hrtf: str
    sample_rate: int
    azimuth_deg: np.ndarray    # (A,)
    itd_ms: np.ndarray         # (A,)
    band_ild_db: np.ndarray    # (A, B)


def build_table(hrtf="kemar", sample_rate: int = 16000, config: FeatureConfig | None = None,
                step_deg: float = 2.0, seconds: float = 1.0) -> CalibrationTable:
    from scipy.signal import fftconvolve

    from ..hrtf import HRTF

    cfg = config or FeatureConfig()
    h = HRTF.load(hrtf, int(sample_rate))
    azs = np.arange(-90.0, 90.0 + 1e-9, float(step_deg))
    noise = np.random.default_rng(12345).standard_normal(int(seconds * sample_rate))
    noise *= 0.25 / np.std(noise)
    itd = np.empty(azs.size)
    bild = None
    # gate relative to the clip: calibration levels must not depend on the HRTF's gain
    cal_cfg = FeatureConfig(cfg.sample_rate, cfg.window_s, cfg.hop_s, cfg.max_itd_ms, -30.0, "clip", cfg.bands_hz)
    for i, az in enumerate(azs):
        ir = np.asarray(h.hrir(float(az)), dtype=np.float64)
        y = np.stack([fftconvolve(noise, ir[0])[: noise.size], fftconvolve(noise, ir[1])[: noise.size]])
        f = window_features(y, sample_rate, cal_cfg)
        itd[i] = np.nanmedian(f.itd_ms)
        b = np.nanmedian(f.band_ild_db, axis=0)
        if bild is None:
            bild = np.empty((azs.size, b.size))
        bild[i] = b
    return CalibrationTable(str(getattr(h, "name", hrtf)), int(sample_rate), azs, itd, bild)


@functools.lru_cache(maxsize=16)
def _cached(hrtf: str, sample_rate: int, key: tuple, step_deg: float) -> CalibrationTable:
    sr16, win, hop, max_itd, bands = key
    cfg = FeatureConfig(sr16, win, hop, max_itd, bands_hz=bands)
    return build_table(hrtf, sample_rate, cfg, step_deg)


def calibration_table(hrtf="kemar", sample_rate: int = 16000, config: FeatureConfig | None = None,
                      step_deg: float = 2.0) -> CalibrationTable:
    """Cached table for (hrtf name or SOFA path, sample rate, feature settings, step)."""
    cfg = config or FeatureConfig()
    return _cached(str(hrtf), int(sample_rate), cfg.key(), float(step_deg))


def itd_weight(gcc_peak) -> np.ndarray:
    """Trust in a window's ITD from its PHAT peak height: 1 at >= PEAK_TRUSTED (free field: 0.7-1.0),
    0 at <= PEAK_IGNORED (lateral sources in reverberant rooms read ~0.2, their 'ITD' is the
    zero-lag diffuse tail); smooth in between."""
    p = np.nan_to_num(np.asarray(gcc_peak, dtype=np.float64), nan=0.0)
    return np.clip((p - PEAK_IGNORED) / (PEAK_TRUSTED - PEAK_IGNORED), 0.0, 1.0) ** 2


def estimate_azimuth(feat: WindowFeatures, table: CalibrationTable, ild_weight: float = ILD_WEIGHT,
                     sigma_itd_ms: float = SIGMA_ITD_MS, sigma_ild_db: float = SIGMA_ILD_DB) -> np.ndarray:
    """Azimuth (degrees, -90..90, negative = left) per window; NaN for silent windows."""
    W = feat.itd_ms.size
    out = np.full(W, np.nan)
    on = np.nonzero(~feat.silent & np.isfinite(feat.itd_ms))[0]
    if on.size == 0:
        return out
    w_itd = itd_weight(feat.gcc_peak[on]) if feat.gcc_peak is not None else np.ones(on.size)
    cost = w_itd[:, None] * ((feat.itd_ms[on, None] - table.itd_ms[None, :]) / sigma_itd_ms) ** 2
    if ild_weight > 0 and feat.band_ild_db.shape[1] == table.band_ild_db.shape[1]:
        d = (feat.band_ild_db[on, None, :] - table.band_ild_db[None, :, :]) / sigma_ild_db
        bw = np.array([1.0 if fc >= 1000 else LOW_BAND_WEIGHT for fc in feat.bands_hz])[: d.shape[-1]]
        valid = np.isfinite(d)
        ild_cost = np.sum(np.where(valid, d, 0.0) ** 2 * bw, axis=-1) / np.maximum(np.sum(valid * bw, axis=-1), 1e-9)
        cost = cost + ild_weight * np.nan_to_num(ild_cost, nan=0.0)
    k = np.argmin(cost, axis=1)
    az = table.azimuth_deg[k].astype(np.float64)
    step = float(table.azimuth_deg[1] - table.azimuth_deg[0]) if table.azimuth_deg.size > 1 else 0.0
    inner = (k > 0) & (k < table.azimuth_deg.size - 1)
    r = np.nonzero(inner)[0]
    a, b, c = cost[r, k[r] - 1], cost[r, k[r]], cost[r, k[r] + 1]
    den = a - 2 * b + c
    off = np.where(den > 0, 0.5 * (a - c) / np.where(den > 0, den, 1.0), 0.0)
    az[r] += np.clip(off, -0.5, 0.5) * step
    out[on] = az
    return out


def woodworth_azimuth(itd_ms, head_radius: float = 0.0875) -> np.ndarray:
    """Invert Woodworth's ITD (frontal half-plane): azimuth in degrees, clamped to +-90; NaN stays NaN."""
    from ..hrtf import woodworth_itd

    grid = np.linspace(-90.0, 90.0, 1801)
    itd_grid = woodworth_itd(grid, head_radius) * 1000.0  # ms, increasing
    x = np.asarray(itd_ms, dtype=np.float64)
    out = np.interp(x, itd_grid, grid)
    return np.where(np.isfinite(x), out, np.nan)
