"""BEWO's motion semantics turned into renderer keyframes.

A moving source travels from its start to its end position during a span centred in the clip
and holds its position before and after. The span's share of the clip is set by the speed:

    slow 0.9, moderate 0.6, fast 0.3 of the clip; instant: a jump at change_time * duration;
    still: no motion.

Azimuth is interpolated on the values as given: -90 -> 90 passes in front; to pass behind give
-90 -> -270 (or 90 -> 270), or an explicit path.
"""
from __future__ import annotations

import numpy as np

from .scene import SceneError, Source

SPAN = {"slow": 0.9, "moderate": 0.6, "fast": 0.3}


def keyframes(src: Source, duration_s: float) -> np.ndarray:
    """(K, 4) float64 rows of time_s, azimuth_deg, elevation_deg, distance_m."""
    if src.path is not None:
        return np.array([[k.time_s, k.azimuth_deg, k.elevation_deg, k.distance_m] for k in src.path], dtype=np.float64)
    el = src.elevation_deg
    a0, a1 = src.azimuth_start_deg, src.azimuth_end
    d0 = src.distance_m
    d1 = d0 if src.distance_end_m is None else src.distance_end_m
    if not src.moving:
        return np.array([[0.0, a0, el, d0]])
    if src.speed == "instant":
        t = src.change_time * duration_s
        return np.array([[t, a0, el, d0], [t, a1, el, d1]])
    if src.speed not in SPAN:
        raise SceneError(f"speed must be one of still, slow, moderate, fast, instant; got {src.speed!r}")
    span = SPAN[src.speed] * duration_s
    t0 = 0.5 * (duration_s - span)
    return np.array([[t0, a0, el, d0], [t0 + span, a1, el, d1]])


def parse_path(text: str) -> np.ndarray:
    """'T:AZ[:EL[:DIST]],...' (seconds, degrees, degrees, metres) -> (K, 4) keyframes."""
    rows = []
    for i, part in enumerate(p for p in str(text).split(",") if p.strip()):
        fields = part.strip().split(":")
        if not 2 <= len(fields) <= 4:
            raise ValueError(f"path entry {i} ({part.strip()!r}) must be T:AZ, T:AZ:EL or T:AZ:EL:DIST")
        try:
            vals = [float(f) for f in fields]
        except ValueError:
            raise ValueError(f"path entry {i} ({part.strip()!r}) holds a value that is not a number") from None
        rows.append(vals + [0.0, 1.0][len(vals) - 2:])
    if not rows:
        raise ValueError("path is empty: expected 'T:AZ,T:AZ,...'")
    return as_keyframes(rows, "path")


def as_keyframes(path, name: str = "path") -> np.ndarray:
    a = np.asarray(path, dtype=np.float64)
    if a.ndim != 2 or not 2 <= a.shape[1] <= 4 or a.shape[0] == 0:
        raise ValueError(f"{name} must be a list of (time_s, azimuth_deg[, elevation_deg[, distance_m]]) rows, got shape {a.shape}")
    if a.shape[1] < 4:
        pad = np.tile(np.array([0.0, 1.0])[a.shape[1] - 2:], (a.shape[0], 1))
        a = np.concatenate([a, pad], axis=1)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or Inf")
    if np.any(a[:, 0] < 0) or np.any(np.diff(a[:, 0]) < 0):
        raise ValueError(f"{name} times must be >= 0 and not decrease")
    if np.any(np.abs(a[:, 2]) > 90):
        raise ValueError(f"{name} elevations must be in [-90, 90] degrees")
    if np.any(a[:, 3] <= 0):
        raise ValueError(f"{name} distances must be > 0 m")
    return a
