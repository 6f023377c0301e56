"""Metrics over a set of clips.

gcc_mse: BEWO's "GCC MSE": for each matched pair (generated, reference) the per-clip mean
    GCC-PHAT ITD over non-silent windows (16 kHz, 0.24 s / 0.1 s windows, +-1.5 ms), squared
    difference, averaged over pairs. Reported in samples^2 at 16 kHz (BEWO's gcc_phat returns the
    lag in samples at its 16 kHz analysis rate; 1 sample = 62.5 us), with the same value in ms^2
    alongside (ms^2 = samples^2 / 256).
direction_error_deg: per clip, the mean over non-silent windows of |estimated - intended| azimuth
    (intended: the scene's trajectory, or the reference clip's own estimate per window); the set
    value is the mean (and median) over clips.
lcr_class / lcr_accuracy: 'left' az < -15, 'right' az > 15, 'centre' |az| <= 15 degrees
    (CENTRE_DEG; half the distance between BEWO's 0 and 45 degree classes is 22.5, 15 keeps a
    margin for listener judgements). A clip's class is that of its median azimuth over non-silent
    windows; the intended class that of the median intended azimuth over the same windows.
motion_accuracy: share of clips whose estimated direction of motion (left_to_right,
    right_to_left, static; threshold 20 degrees between start and end) equals the intended one.
Clips with no estimate (silent, unreadable) are counted in 'no_estimate' and left out of means.
"""
from __future__ import annotations

import numpy as np

from .frechet import spatial_frechet

CENTRE_DEG = 15.0


def lcr_class(az_deg, centre_deg: float = CENTRE_DEG) -> str | None:
    if az_deg is None or not np.isfinite(az_deg):
        return None
    return "left" if az_deg < -centre_deg else "right" if az_deg > centre_deg else "centre"


def _pairs(a, b):
    a = np.array([np.nan if v is None else v for v in a], dtype=np.float64)
    b = np.array([np.nan if v is None else v for v in b], dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"need as many generated as reference values, got {a.size} and {b.size}")
    ok = np.isfinite(a) & np.isfinite(b)
    return a[ok], b[ok], int(np.sum(~ok))


def gcc_mse(gen_mean_itd_samples, ref_mean_itd_samples) -> dict:
    """{'samples2': ..., 'ms2': ..., 'pairs': n, 'no_estimate': k} (None when no pair)."""
    a, b, missing = _pairs(gen_mean_itd_samples, ref_mean_itd_samples)
    if a.size == 0:
        return {"samples2": None, "ms2": None, "pairs": 0, "no_estimate": missing}
    v = float(np.mean((a - b) ** 2))
    return {"samples2": v, "ms2": v / 256.0, "pairs": int(a.size), "no_estimate": missing}


def direction_error_deg(est_az, intended_az) -> float | None:
    """Mean |est - intended| over windows where both are finite (one clip)."""
    a, b, _ = _pairs(est_az, intended_az)
    return float(np.mean(np.abs(a - b))) if a.size else None


def lcr_accuracy(est_median_az, intended_median_az, centre_deg: float = CENTRE_DEG) -> dict:
    a, b, missing = _pairs(est_median_az, intended_median_az)
    if a.size == 0:
        return {"accuracy": None, "clips": 0, "no_estimate": missing}
    hits = [lcr_class(x, centre_deg) == lcr_class(y, centre_deg) for x, y in zip(a, b)]
    return {"accuracy": float(np.mean(hits)), "clips": int(a.size), "no_estimate": missing}


def motion_accuracy(est_dirs, intended_dirs) -> dict:
    pairs = [(e, i) for e, i in zip(est_dirs, intended_dirs) if i is not None]
    scored = [(e, i) for e, i in pairs if e is not None]
    if not scored:
        return {"accuracy": None, "clips": 0, "no_estimate": len(pairs)}
    return {"accuracy": float(np.mean([e == i for e, i in scored])), "clips": len(scored),
            "no_estimate": len(pairs) - len(scored)}


def _stats(v):
    v = np.array([x for x in v if x is not None and np.isfinite(x)], dtype=np.float64)
    if v.size == 0:
        return {"mean": None, "median": None, "p90": None, "clips": 0}
    return {"mean": float(np.mean(v)), "median": float(np.median(v)), "p90": float(np.percentile(v, 90)),
            "clips": int(v.size)}


def evaluate_set(clips: list[dict], gen_vectors=None, ref_vectors=None, centre_deg: float = CENTRE_DEG) -> dict:
    """Set metrics from per-clip records. Each record may hold: 'mean_itd_samples_16k',
    'ref_mean_itd_samples_16k', 'direction_error_deg', 'median_azimuth_deg',
    'intended_median_azimuth_deg', 'direction', 'intended_direction'. gen_vectors/ref_vectors:
    stacks of per-window feature vectors for the Frechet distance (both needed)."""
    out = {}
    if any("ref_mean_itd_samples_16k" in c for c in clips):
        out["gcc_mse"] = gcc_mse([c.get("mean_itd_samples_16k") for c in clips],
                                 [c.get("ref_mean_itd_samples_16k") for c in clips])
    out["direction_error_deg"] = _stats([c.get("direction_error_deg") for c in clips])
    out["lcr"] = lcr_accuracy([c.get("median_azimuth_deg") for c in clips],
                              [c.get("intended_median_azimuth_deg") for c in clips], centre_deg)
    out["lcr"]["centre_deg"] = centre_deg
    out["motion"] = motion_accuracy([c.get("direction") for c in clips], [c.get("intended_direction") for c in clips])
    out["no_estimate"] = int(sum(1 for c in clips if c.get("status") != "ok"))
    out["clips"] = len(clips)
    if gen_vectors is not None and ref_vectors is not None:
        try:
            out["frechet_spatial"] = spatial_frechet(gen_vectors, ref_vectors)
        except ValueError as e:
            out["frechet_spatial"] = None
            out["frechet_spatial_error"] = str(e)
    return out
