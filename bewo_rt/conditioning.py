"""BEWO's azimuth state matrix, built from a Scene.

Per source a (bins x frames) matrix: rows are azimuth bins 11.25 degrees apart across the frontal
half-plane (with 17 bins: row 0 = hard left, row 8 = front, row 16 = hard right, so BEWO's five
direction classes sit on rows 0/4/8/12/16), columns are time steps across the clip. A still
source sets one row over all columns; a moving one moves along the rows linearly during its
moving span (the same centred span per speed as the renderer: slow 90 %, moderate 60 %, fast 30 %
of the clip) and holds before and after; an instant move jumps at change_time. `coarse=True`
replaces the one-hot column by a Gaussian over the rows (sigma = 1 row), normalised to sum 1.
Up to 4 sources, stacked: (4 * bins, frames) float32, unused sources all zero.

Extensions beyond BEWO, documented here:
- Conversion at the boundary: our azimuth (0 ahead, negative left) -> row (az + 90) / 11.25.
- Rear directions (|az| > 90) fold onto the frontal half-plane by their lateral angle
  (az -> sign(az) * (180 - |az|)): the two directions share the interaural cues BEWO models.
- Elevation is not represented (BEWO's matrix has none).
- Columns before a source's start_time_s are zero (the source is silent there).
"""
from __future__ import annotations

import numpy as np

from . import _core, motion
from .scene import Scene

MAX_SOURCES = 4


def _fold(az: np.ndarray) -> np.ndarray:
    a = (np.asarray(az, dtype=np.float64) + 180.0) % 360.0 - 180.0
    return np.where(np.abs(a) > 90.0, np.sign(a) * (180.0 - np.abs(a)), a)


def azimuth_rows(azimuth_deg, bins: int = 17) -> np.ndarray:
    """Fractional row of each azimuth: 0 = hard left ... bins-1 = hard right."""
    return (_fold(azimuth_deg) + 90.0) / 180.0 * (bins - 1)


def azimuth_state(scene: Scene, frames: int = 768, bins: int = 17, coarse: bool = True,
                  duration_s: float | None = None) -> np.ndarray:
    """(4 * bins, frames) float32 azimuth state matrix of a scene (see the module docstring).

    The columns span scene.duration_s, or `duration_s` when the scene has none (a parsed prompt),
    or BEWO's 10 s clip when neither is given."""
    if not isinstance(scene, Scene):
        raise TypeError(f"scene must be a bewo_rt.Scene, got {type(scene).__name__}")
    if isinstance(frames, bool) or not isinstance(frames, (int, np.integer)) or frames < 1:
        raise ValueError(f"frames must be a positive integer, got {frames!r}")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
        raise ValueError(f"bins must be an integer >= 2, got {bins!r}")
    if len(scene.sources) > MAX_SOURCES:
        raise ValueError(f"the one-stage mode places at most {MAX_SOURCES} sources (the model's azimuth state), the scene "
                         f"has {len(scene.sources)}: use the cascaded mode (--mode cascaded), which places any number")
    duration = scene.duration_s or duration_s or 10.0
    t = (np.arange(frames) + 0.5) / frames * duration  # column centres
    out = np.zeros((MAX_SOURCES * bins, frames), np.float32)
    rows = np.arange(bins, dtype=np.float64)[:, None]
    for k, src in enumerate(scene.sources):
        kf = motion.keyframes(src, duration)
        az = _core.trajectory_at(kf, t)[:, 0]
        r = azimuth_rows(az, bins)
        if coarse:
            m = np.exp(-0.5 * (rows - r[None, :]) ** 2)
            m /= m.sum(axis=0, keepdims=True)
        else:
            m = (rows == np.clip(np.rint(r), 0, bins - 1)[None, :]).astype(np.float64)
        m[:, t < src.start_time_s] = 0.0
        out[k * bins:(k + 1) * bins] = m
    return out


def bewo_positions(scene: Scene, seconds: float | None = None) -> list[tuple[float, float, float, float]]:
    """BEWO's (start_dir, end_dir, speed, flag) per source of a scene, for BEWO_attri / BEWO_mix.

    Directions on BEWO's scale, 1 left .. 3 ahead .. 5 right (dir = 3 + az / 45, the rear folded
    onto the front as in the azimuth state, quarter steps so BEWO's truncating row index lands on
    the nearest of its 17 rows); still sources (d, d, 0, 1); slow / moderate / fast moves speed
    0.9 / 0.6 / 0.3 (BEWO's manual mode: the share of the clip the move spans, as motion.SPAN);
    instant moves -change_time (BEWO's jump); an explicit path its first and last positions over
    the share of the clip between them; flag 1 (Gaussian columns, as BEWO's scripts). Elevation,
    distance, start times and the room have no place in the tuples. At most 4 sources: more is
    an error that points to the cascaded mode. seconds: the clip, when the scene has no
    duration (paths only). One implementation, in C++ (csrc/runtime/bewo_positions.h)."""
    if not isinstance(scene, Scene):
        raise TypeError(f"scene must be a bewo_rt.Scene, got {type(scene).__name__}")
    return [tuple(p) for p in _core.bewo_positions(scene.to_json(), float(seconds or 0.0))]
