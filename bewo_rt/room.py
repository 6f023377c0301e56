"""Scene simulation in rooms: binaural room impulse responses (image sources through the HRTF of
each arrival direction, then a diffuse tail) and sources moving through them.

Moving sources: a response is computed at the block where the source has turned by more than
`update_deg` (2 degrees) or changed its distance by more than 5 % since the last one (at most one
per render block, 256 samples by default); the renderer crossfades between consecutive responses
over one block, like the HRTF updates of the free-field renderer. All responses of one source
share the same tail noise, so a crossfade never modulates the reverberation.
"""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from . import _checks, _core
from .hrtf import HRTF
from .scene import Room, Scene, SceneError

EAR_HEIGHT_M = 1.6
WALL_MARGIN_M = 0.1


def wall_reflection(room: Room) -> list[float]:
    """Amplitude reflection coefficients of the six surfaces, sqrt(1 - absorption)."""
    if room.outdoor:
        return [0.0, 0.0, 0.0, 0.0, room.ground_reflection, 0.0]
    if room.absorption is not None:
        a = room.absorption if isinstance(room.absorption, (list, tuple)) else [room.absorption] * 6
        a = list(a) * 6 if len(a) == 1 else list(a)
    else:
        if room.rt60_s is None:
            raise SceneError("room needs rt60_s or absorption")
        a = [_core.eyring_absorption(tuple(room.size_m), room.rt60_s)] * 6
    return [math.sqrt(max(0.0, 1.0 - float(v))) for v in a]


def tail_rt60(room: Room) -> float:
    """RT60 of the diffuse tail: the room's, or Eyring's estimate from its absorption."""
    if room.rt60_s is not None:
        return room.rt60_s
    L, W, H = room.size_m
    V, S = L * W * H, 2 * (L * W + L * H + W * H)
    if room.absorption is None:
        raise SceneError("an indoor room needs room.rt60_s or room.absorption")
    a = room.absorption if isinstance(room.absorption, (list, tuple)) else [room.absorption]
    mean = min(1.0 - 1e-6, max(1e-6, float(np.mean(a))))
    return 24 * math.log(10) * V / (343.0 * S * -math.log(max(1e-6, 1 - mean)))


def transition_time(room: Room) -> float:
    """Where image sources end and the diffuse tail begins: the room's value, or a tenth of the
    RT60 clamped to 20-80 ms, so the tail (decaying exactly at the RT60) carries the decay
    measurement while the early reflections stay geometric."""
    if room.transition_s is not None:
        return float(room.transition_s)
    return min(0.08, max(0.02, 0.1 * tail_rt60(room)))


def listener_position(scene: Scene) -> np.ndarray:
    room = scene.room
    if scene.listener.position_m is not None:
        return np.array(scene.listener.position_m, dtype=np.float64)
    if room.outdoor:
        return np.array([0.0, 0.0, EAR_HEIGHT_M])
    L, W, H = room.size_m
    return np.array([L / 2, W / 2, min(EAR_HEIGHT_M, 0.75 * H)])


def source_position(listener: np.ndarray, azimuth: float, elevation: float, distance: float, room: Room) -> np.ndarray:
    """Room-frame position at the given direction (project convention) and distance from the
    listener; pulled in along the same direction if it would leave the room (or go underground)."""
    a, e = math.radians(azimuth), math.radians(elevation)
    u = np.array([math.cos(e) * math.cos(a), -math.cos(e) * math.sin(a), math.sin(e)])  # +y is left
    d = distance
    lo = np.array([WALL_MARGIN_M] * 3)
    hi = (np.array(room.size_m) - WALL_MARGIN_M) if not room.outdoor else np.array([np.inf, np.inf, np.inf])
    if room.outdoor:
        lo = np.array([-np.inf, -np.inf, 0.05])
    for i in range(3):
        if u[i] > 1e-12:
            d = min(d, (hi[i] - listener[i]) / u[i])
        elif u[i] < -1e-12:
            d = min(d, (lo[i] - listener[i]) / u[i])
    p = listener + max(d, 0.05) * u
    # a listener closer to a wall than the margin: keep the source inside all the same
    if room.outdoor:
        p[2] = max(p[2], 0.0)
        return p
    return np.clip(p, 0.0, np.array(room.size_m, dtype=np.float64))


def _room_job(room: Room, source_m, listener_m, seed: int) -> tuple:
    """The arguments room_response passes to the C++ core for one response (shared by the CPU
    and CUDA paths, so both see the same room)."""
    if not room.outdoor and room.size_m is None:
        raise SceneError("room.size_m is required for an indoor room")
    return (tuple(map(float, room.size_m)) if room.size_m else (1.0, 1.0, 1.0), tuple(wall_reflection(room)),
            bool(room.outdoor), 0.0 if room.outdoor else float(tail_rt60(room)),
            0.0 if room.outdoor else float(transition_time(room)), 60, tuple(map(float, source_m)),
            tuple(map(float, listener_m)), int(seed))


def _check_mode(mode: str) -> None:
    if mode not in ("binaural", "two_mic"):
        raise ValueError(f"mode must be 'binaural' or 'two_mic', got {mode!r}")


def room_response(room: Room, source_m, listener_m, sample_rate: int, hrtf="kemar", mode: str = "binaural",
                  seed: int = 0, length_s: float | None = None) -> np.ndarray:
    """(2, n) float32 response from source to listener (room-frame metres); mode 'binaural' or
    'two_mic' (BEWO's two bare microphones 0.17 m apart). The direct path at 1 m has gain 1."""
    sr = _checks.sample_rate(sample_rate)
    _check_mode(mode)
    job = _room_job(room, source_m, listener_m, seed)
    h = HRTF.load(hrtf, sr) if mode == "binaural" else None
    r, _ = _core.room_response(*job[:8], h._core if h else None, float(sr), float(length_s or 0.0),
                               mode == "two_mic", 0.17, job[8])
    return r


def room_responses(scenes, sample_rate: int, hrtf="kemar", mode: str = "binaural", seeds=None,
                   length_s: float | None = None, backend: str = "auto") -> np.ndarray:
    """Many responses at once: scenes is a sequence of (room, source_m, listener_m); returns float32
    (len(scenes), 2, n), response i equal to room_response(room_i, source_i, listener_i, ...,
    seed=seeds[i]) followed by zeros up to the longest one. seeds default to 0, 1, 2, ...

    backend: 'cpu' (one room_response after the other), 'cuda' (the whole batch on the GPU, within
    1e-4 of the CPU relative to each response's peak; RuntimeError naming the reason when CUDA is
    not usable), or 'auto' (CUDA when bewo_rt.backends() says it is usable, else the CPU)."""
    from .render import backends

    sr = _checks.sample_rate(sample_rate)
    _check_mode(mode)
    if backend not in ("auto", "cpu", "cuda"):
        raise ValueError(f"backend must be 'auto', 'cpu' or 'cuda', got {backend!r}")
    scenes = list(scenes)
    seeds = list(range(len(scenes))) if seeds is None else [int(s) for s in seeds]
    if len(seeds) != len(scenes):
        raise ValueError(f"seeds must hold one seed per response ({len(scenes)}), got {len(seeds)}")
    jobs = [_room_job(room, src, lis, seed) for (room, src, lis), seed in zip(scenes, seeds)]
    if not jobs:
        return np.zeros((0, 2, 0), np.float32)
    use_cuda = backend == "cuda"
    if backend in ("auto", "cuda"):
        cuda = backends()["cuda"]
        if backend == "cuda" and not cuda["usable"]:
            raise RuntimeError(f"CUDA backend not usable: {cuda['detail']}")
        use_cuda = cuda["usable"]
    h = HRTF.load(hrtf, sr) if mode == "binaural" else None
    if use_cuda:
        out, lengths = _core.room_responses_cuda(jobs, h._core if h else None, float(sr), float(length_s or 0.0),
                                                 mode == "two_mic", 0.17)
        return out[:, :, : max(lengths)]
    rs = [_core.room_response(*job[:8], h._core if h else None, float(sr), float(length_s or 0.0),
                              mode == "two_mic", 0.17, job[8])[0] for job in jobs]
    out = np.zeros((len(rs), 2, max(r.shape[1] for r in rs)), np.float32)
    for i, r in enumerate(rs):
        out[i, :, : r.shape[1]] = r
    return out


def simulate_scene(scene: Scene, sample_rate: int, sounds: Mapping[str, np.ndarray] | None = None, hrtf="kemar",
                   mode: str = "binaural", block_size: int = 256, n_threads: int = 1, seed: int = 0,
                   update_deg: float = 2.0) -> np.ndarray:
    """Render a Scene in its room (or outdoors with a ground reflection): float32 (2, n)."""
    from .render import prepare_scene

    sr = _checks.sample_rate(sample_rate)
    bs = _checks.block_size(block_size)
    prepared, n_out = prepare_scene(scene, sr, sounds)
    room = scene.room
    if not room.outdoor and room.size_m is None:
        raise SceneError("room.size_m is required for an indoor room")
    lis = listener_position(scene)
    if not room.outdoor and (np.any(lis < 0) or np.any(lis > np.array(room.size_m))):
        raise SceneError("listener.position_m lies outside the room")
    if room.outdoor and lis[2] < 0:
        raise SceneError("listener.position_m must be above the ground (z >= 0) outdoors")
    nb = (n_out + bs - 1) // bs
    times = (np.arange(nb) + 1) * bs / sr  # a block's state is the trajectory at its end
    length = None if room.outdoor else transition_time(room) + 1.1 * tail_rt60(room)
    sources = []
    for i, (x, kf, gain) in enumerate(prepared):
        traj = _core.trajectory_at(kf, times)
        filters, schedule, last = [], np.zeros(nb, np.int32), None
        for j in range(nb):
            az, el, dist = traj[j]
            if last is not None and _close(last, (az, el, dist), update_deg):
                schedule[j] = len(filters) - 1
                continue
            pos = source_position(lis, az, el, dist, room)
            filters.append(room_response(room, pos, lis, sr, hrtf, mode, seed=seed * 1000 + i, length_s=length))
            schedule[j] = len(filters) - 1
            last = (az, el, dist)
        n_taps = max(f.shape[1] for f in filters)
        stack = np.zeros((len(filters), 2, n_taps), np.float32)
        for k, f in enumerate(filters):
            stack[k, :, : f.shape[1]] = f
        sources.append((x, stack, schedule, float(gain)))
    return _core.render_scheduled(sources, int(n_out), bs, _checks.threads(n_threads))


def _close(a, b, update_deg: float) -> bool:
    """Within update_deg of arc and 5 % of distance."""
    ua = _unit(a[0], a[1])
    ub = _unit(b[0], b[1])
    ang = math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(ua, ub))))))
    return ang <= update_deg and abs(math.log(b[2] / a[2])) <= math.log(1.05)


def _unit(az, el):
    a, e = math.radians(az), math.radians(el)
    return np.array([math.cos(e) * math.cos(a), math.cos(e) * math.sin(a), math.sin(e)])
