"""One clip end to end: features -> azimuth per window -> trajectory summary.

Summary: start/end azimuth are the medians of the first/last 20 % of the non-silent windows
(at least one window each); the direction of motion is 'left_to_right' when end - start >
motion_threshold_deg (default 20), 'right_to_left' when < -threshold, else 'static'. mean ITD is
the mean over non-silent windows (ms, and samples at 16 kHz): BEWO's per-clip GCC-PHAT feature.
A clip without any non-silent window gets status 'silent' and None for every estimate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .calibration import calibration_table, estimate_azimuth, woodworth_azimuth
from .features import FeatureConfig, WindowFeatures, window_features

EDGE_FRACTION = 0.2
MOTION_THRESHOLD_DEG = 20.0
DIRECTIONS = ("left_to_right", "right_to_left", "static")


@dataclass
class ClipAnalysis:
    features: WindowFeatures
    azimuth_deg: np.ndarray  # (W,), NaN where silent
    status: str              # 'ok' or 'silent'
    start_azimuth_deg: float | None
    end_azimuth_deg: float | None
    median_azimuth_deg: float | None
    direction: str | None
    mean_itd_ms: float | None
    mean_itd_samples: float | None
    mean_ild_db: float | None

    @property
    def times_s(self) -> np.ndarray:
        return self.features.times_s

    def summary(self) -> dict:
        return {"status": self.status, "start_azimuth_deg": self.start_azimuth_deg,
                "end_azimuth_deg": self.end_azimuth_deg, "median_azimuth_deg": self.median_azimuth_deg,
                "direction": self.direction, "mean_itd_ms": self.mean_itd_ms,
                "mean_itd_samples_16k": self.mean_itd_samples, "mean_ild_db": self.mean_ild_db,
                "windows": int(self.azimuth_deg.size), "voiced_windows": int(np.sum(~self.features.silent))}


def direction_of(start: float | None, end: float | None, threshold_deg: float = MOTION_THRESHOLD_DEG) -> str | None:
    if start is None or end is None:
        return None
    d = end - start
    return "left_to_right" if d > threshold_deg else "right_to_left" if d < -threshold_deg else "static"


def edge_medians(values: np.ndarray, fraction: float = EDGE_FRACTION) -> tuple[float | None, float | None]:
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None, None
    k = max(1, int(math.ceil(fraction * v.size)))
    return float(np.median(v[:k])), float(np.median(v[-k:]))


def summarise(feat: WindowFeatures, az: np.ndarray, threshold_deg: float = MOTION_THRESHOLD_DEG) -> ClipAnalysis:
    ok = np.isfinite(az)
    if not ok.any():
        return ClipAnalysis(feat, az, "silent", None, None, None, None, None, None, None)
    s, e = edge_medians(az)
    itd = feat.itd_ms[ok]
    return ClipAnalysis(feat, az, "ok", s, e, float(np.median(az[ok])), direction_of(s, e, threshold_deg),
                        float(np.mean(itd)), float(np.mean(itd) * feat.sample_rate / 1000.0),
                        float(np.nanmean(feat.ild_db[ok])))


def analyze(audio, sample_rate: int, hrtf="kemar", estimator: str = "table",
            config: FeatureConfig | None = None, motion_threshold_deg: float = MOTION_THRESHOLD_DEG,
            step_deg: float = 2.0) -> ClipAnalysis:
    """Analyse one binaural clip (2, n). estimator 'table' (calibrated on `hrtf` at the clip's
    rate) or 'woodworth' (ITD only, spherical-head formula). Raises ValueError on mono, empty or
    non-finite input; a silent clip comes back with status 'silent'."""
    cfg = config or FeatureConfig()
    feat = window_features(audio, sample_rate, cfg)
    if estimator == "table":
        az = estimate_azimuth(feat, calibration_table(hrtf, sample_rate, cfg, step_deg))
    elif estimator == "woodworth":
        az = woodworth_azimuth(np.where(feat.silent, np.nan, feat.itd_ms))
    else:
        raise ValueError(f"estimator must be 'table' or 'woodworth', got {estimator!r}")
    return summarise(feat, az, motion_threshold_deg)
