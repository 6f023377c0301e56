"""Binaural rendering API: one source, a whole scene, or a batch of clips (CPU or CUDA)."""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from . import _checks, _core, motion
from .hrtf import HRTF
from .scene import Scene, SceneError

DEFAULT_BLOCK = 512
NEAR_FIELD_M = 0.25


def backends() -> dict:
    """What is compiled and usable: {'cpu': {...}, 'cuda': {...}}."""
    compiled, devices, detail = _core.cuda_status()
    return {
        "cpu": {"compiled": True, "usable": True, "detail": "C++ partitioned FFT convolution"},
        "cuda": {"compiled": bool(compiled), "usable": bool(compiled and devices > 0), "devices": int(devices),
                 "detail": detail},
    }


def render(mono, sample_rate: int, azimuth: float = 0.0, elevation: float = 0.0, distance: float = 1.0,
           path=None, hrtf="kemar", block_size: int = DEFAULT_BLOCK, n_threads: int = 1, gain: float = 1.0,
           near_field_m: float = NEAR_FIELD_M, tail: bool = False) -> np.ndarray:
    """Place one mono sound: returns float32 (2, len(mono)), rows left and right; with tail=True
    (2, len(mono) + HRIR length - 1), so the last sound's tail through the HRTF is kept.

    path: keyframes (time_s, azimuth_deg[, elevation_deg[, distance_m]]) or a 'T:AZ,T:AZ' string;
    it overrides azimuth/elevation/distance. Between keyframes the position moves linearly.
    """
    x = _checks.mono_signal(mono)
    sr = _checks.sample_rate(sample_rate)
    if path is None:
        kf = np.array([[0.0, _checks.finite(azimuth, "azimuth"), _checks.finite(elevation, "elevation"),
                        _checks.positive(distance, "distance")]])
        if abs(kf[0, 2]) > 90:
            raise ValueError(f"elevation must be in [-90, 90] degrees, got {elevation!r}")
    elif isinstance(path, str):
        kf = motion.parse_path(path)
    else:
        kf = motion.as_keyframes(path)
    if kf.shape[0] > 1 and x.size < 2 * _checks.block_size(block_size):
        warnings.warn(f"the signal is shorter than two blocks of {block_size} samples: the path is sampled "
                      f"once per block, so this source will barely move; use a smaller block_size", stacklevel=2)
    h = HRTF.load(hrtf, sr)
    n_out = x.size + (h.ir_length - 1 if tail else 0)
    return _render(h, [(x, kf, _checks.finite(gain, "gain"))], n_out, block_size, n_threads, near_field_m)


def _render(h: HRTF, sources, n_out: int, block_size: int, n_threads: int, near_field_m: float) -> np.ndarray:
    return _core.render_scene(h._core, list(sources), int(n_out), _checks.block_size(block_size),
                              _checks.positive(near_field_m, "near_field_m"), 1.0, _checks.threads(n_threads))


def load_sound(ref: str, sample_rate: int) -> np.ndarray:
    """Read a sound file as mono float32 at sample_rate (channels averaged, resampled if needed)."""
    from .audio_io import read_audio, resample_audio

    p = Path(ref)
    if not p.is_file():
        raise FileNotFoundError(f"sound file not found: {ref!r}")
    x, sr = read_audio(p)
    x = x.mean(axis=0)
    return resample_audio(x, sr, sample_rate)


def prepare_scene(scene: Scene, sample_rate: int, sounds: Mapping[str, np.ndarray] | None = None):
    """Resolve each source's samples and keyframes: (list of (samples, keyframes, gain), n_out)."""
    if not isinstance(scene, Scene):
        raise TypeError(f"scene must be a bewo_rt.Scene, got {type(scene).__name__}")
    if not scene.sources:
        raise SceneError("scene.sources is empty: nothing to render")
    scene = Scene.from_dict(scene.to_dict())  # the same validation as JSON scenes: errors name the field
    sounds = dict(sounds or {})
    placed = []
    for i, s in enumerate(scene.sources):
        key = next((k for k in (s.sound, s.label) if k is not None and k in sounds), None)
        if key is not None:
            x = _checks.mono_signal(sounds[key], f"sounds[{key!r}]")
        elif s.sound is not None:
            x = load_sound(s.sound, sample_rate)
        else:
            raise SceneError(f"sources[{i}] ({s.label!r}) has no sound: pass sounds={{label: samples}} or set 'sound'")
        offset = int(round(s.start_time_s * sample_rate))
        placed.append((np.concatenate([np.zeros(offset, np.float32), x]) if offset else x, s))
    n_out = (int(round(scene.duration_s * sample_rate)) if scene.duration_s is not None
             else max(x.size for x, _ in placed))
    duration = n_out / sample_rate
    prepared = []
    for x, s in placed:
        kf = motion.keyframes(s, duration)
        prepared.append((np.ascontiguousarray(x[:n_out]), kf, 10.0 ** (s.gain_db / 20.0)))
    return prepared, n_out


def render_scene(scene: Scene, sample_rate: int, sounds: Mapping[str, np.ndarray] | None = None, hrtf="kemar",
                 block_size: int = DEFAULT_BLOCK, n_threads: int = 1, near_field_m: float = NEAR_FIELD_M) -> np.ndarray:
    """Render every source of a Scene (free field) into one float32 (2, n) mix.

    sounds maps a source's `sound` or `label` to mono samples at sample_rate; otherwise `sound`
    is read as a file path. The mix lasts scene.duration_s, or as long as the longest sound.
    """
    sr = _checks.sample_rate(sample_rate)
    prepared, n_out = prepare_scene(scene, sr, sounds)
    return _render(HRTF.load(hrtf, sr), prepared, n_out, block_size, n_threads, near_field_m)


def render_batch(clips: Sequence[Sequence[tuple]], sample_rate: int, n_samples: int, hrtf="kemar",
                 block_size: int = DEFAULT_BLOCK, backend: str = "auto", n_threads: int = 1,
                 near_field_m: float = NEAR_FIELD_M) -> np.ndarray:
    """Render many clips at once: clips[c] is a list of (mono, keyframes, gain) sources.

    Returns float32 (n_clips, 2, n_samples). backend 'cuda' runs every source of every clip in
    one kernel launch; 'auto' uses CUDA when a GPU is usable, else the CPU renderer.
    """
    sr = _checks.sample_rate(sample_rate)
    if backend not in ("auto", "cpu", "cuda"):
        raise ValueError(f"backend must be 'auto', 'cpu' or 'cuda', got {backend!r}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples <= 0:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    h = HRTF.load(hrtf, sr)
    bs = _checks.block_size(block_size)
    checked = []
    for c, clip in enumerate(clips):
        srcs = []
        for k, src in enumerate(clip):
            if len(src) != 3:
                raise ValueError(f"clips[{c}][{k}] must be (mono, keyframes, gain)")
            x, kf, g = src
            srcs.append((_checks.mono_signal(x, f"clips[{c}][{k}] samples"),
                         motion.as_keyframes(kf, f"clips[{c}][{k}] keyframes"), _checks.finite(g, "gain")))
        checked.append(srcs)
    cuda = backends()["cuda"] if backend != "cpu" else None
    use_cuda = backend == "cuda" or (backend == "auto" and cuda["usable"])
    if use_cuda:
        if not cuda["usable"]:
            raise RuntimeError(f"CUDA backend not usable: {cuda['detail']}")
        return _core.render_batch_cuda(h._core, checked, int(n_samples), bs,
                                       _checks.positive(near_field_m, "near_field_m"), 1.0)
    out = np.zeros((len(checked), 2, int(n_samples)), np.float32)
    for c, srcs in enumerate(checked):
        if srcs:
            out[c] = _render(h, srcs, n_samples, bs, n_threads, near_field_m)
    return out
