"""The intended azimuth trajectory of a clip, from its metadata row's Scene.

Only single-source scenes have one (the source's keyframes from bewo_rt.motion.keyframes: held
before the first and after the last keyframe, linear in between, a step for 'instant'); for
several sources None is returned and the clip is left out of the direction metrics. Azimuths
are folded to the frontal lateral angle asin(sin(az)) (the estimator cannot tell front from
back), so a path through the back (e.g. -90 -> -270) compares with its frontal mirror.
"""
from __future__ import annotations

import numpy as np

from .. import motion
from ..scene import Scene


def fold_lateral(az_deg) -> np.ndarray:
    return np.degrees(np.arcsin(np.clip(np.sin(np.radians(np.asarray(az_deg, dtype=np.float64))), -1, 1)))


def scene_of(row: dict) -> Scene:
    sc = row.get("scene")
    if isinstance(sc, Scene):
        return sc
    if isinstance(sc, str):
        return Scene.from_json(sc)
    if isinstance(sc, dict):
        return Scene.from_dict(sc)
    raise ValueError("metadata row has no 'scene' object")


def keyframes_of(row: dict, clip_seconds: float | None = None) -> np.ndarray | None:
    """(K, 4) keyframes of the single source, or None when the scene has several sources."""
    scene = scene_of(row)
    if len(scene.sources) != 1:
        return None
    dur = scene.duration_s or row.get("seconds") or clip_seconds
    if dur is None:
        raise ValueError("cannot tell the clip duration: scene.duration_s, row 'seconds' and the audio are missing")
    return motion.keyframes(scene.sources[0], float(dur))


def azimuth_at(kf: np.ndarray, times_s) -> np.ndarray:
    """Intended lateral azimuth (degrees) at the given times."""
    t = np.asarray(times_s, dtype=np.float64)
    kt, ka = kf[:, 0], kf[:, 1]
    out = np.empty_like(t)
    for i, ti in enumerate(t):
        if ti <= kt[0]:
            out[i] = ka[0]
        elif ti >= kt[-1]:
            out[i] = ka[-1]
        else:
            j = int(np.searchsorted(kt, ti, side="right")) - 1
            dt = kt[j + 1] - kt[j]
            out[i] = ka[j + 1] if dt <= 0 else ka[j] + (ka[j + 1] - ka[j]) * (ti - kt[j]) / dt
    return fold_lateral(out)
