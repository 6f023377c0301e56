"""The native runtime (C++, no PyTorch) from Python: the same model, sampler and decoder as
bewo_rt.model, run by the kernels in csrc/nn, csrc/sampling and csrc/runtime.

    >>> m = bewo_rt.native.load()                      # the shipped bundle
    >>> audio, timings = m.generate("a dog barks on the left", seconds=5)

`bewo_rt.generate` uses it by default (backend="native"); the C API (bewo_rt.get_include())
exposes the same pipeline to engines.
"""
from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import _core

SAMPLERS = {"dpmpp-2m": 0, "euler": 1}
_lock = threading.Lock()


def _sampler_index(sampler: str) -> int:
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {', '.join(SAMPLERS)}, got {sampler!r}")
    return SAMPLERS[sampler]


class NativeModel:
    """A loaded bundle plus the MiniLM text encoder, with its own thread pool. One call at a
    time per object (calls are serialised); load one per thread for parallel generation."""

    def __init__(self, bundle_path=None, n_threads: int = 0, check_text_encoder: bool = True, use_gpu: bool = False):
        from .model.bundle import DEFAULT_BUNDLE
        from .model.config import ModelConfig
        from .model.text_encoder import model_dir

        p = Path(bundle_path) if bundle_path is not None else DEFAULT_BUNDLE
        if not p.is_file():
            raise FileNotFoundError(f"model bundle {p} does not exist")
        if isinstance(n_threads, bool) or not isinstance(n_threads, int) or n_threads < 0:
            raise ValueError(f"n_threads must be a non-negative integer (0: all cores), got {n_threads!r}")
        self.path = p
        self._m = _core.NativeModel(str(p), str(model_dir()), n_threads, check_text_encoder, bool(use_gpu))
        # "cuda" when the denoising loop runs on the GPU (use_gpu and a usable device), else "cpu".
        self.backend = self._m.backend
        self.gpu_status = self._m.gpu_status
        self.config = ModelConfig.from_dict(self._m.config)
        self.hop = self._m.hop
        self._lock = threading.Lock()

    def sample_latents(self, prompts, states, frames: int, steps: int = 25, cfg: float = 3.0, seed: int = 0,
                       sampler: str = "dpmpp-2m", noise=None) -> np.ndarray:
        """(B, C, frames) float32 latents, divided by the latent scale (as the PyTorch reference)."""
        states = [np.ascontiguousarray(s, dtype=np.float32) for s in states]
        if len(states) != len(prompts) or not prompts:
            raise ValueError("give one azimuth state per prompt (and at least one prompt)")
        with self._lock:
            return self._m.sample_latents(list(prompts), states, int(frames), int(steps), float(cfg), int(seed),
                                          _sampler_index(sampler), noise)

    def decode(self, latent, samples: int, seed: int = 0, iterations: int = 32, start_phase=None) -> np.ndarray:
        """One latent (C, frames) -> (2, samples) float32 audio (samples = frames * hop)."""
        with self._lock:
            return self._m.decode(np.ascontiguousarray(latent, dtype=np.float32), int(samples), int(seed),
                                  int(iterations), start_phase)

    def decode_features(self, latent) -> np.ndarray:
        with self._lock:
            return self._m.decode_features(np.ascontiguousarray(latent, dtype=np.float32))

    def encode_text(self, prompt: str) -> np.ndarray:
        with self._lock:
            return self._m.encode_text(prompt)

    def generate(self, prompt: str = "", scene=None, seconds: float = 10.0, steps: int = 25, cfg: float = 3.0,
                 seed: int = 0, sampler: str = "dpmpp-2m", mode: str = "one-stage", iterations: int = 32,
                 hrtf=None, progress=None):
        """The whole pipeline in C++, as the C API runs it: (audio (2, n) float32, timings dict).
        scene: a bewo_rt.Scene, its dict or JSON text; without one, the prompt is parsed by the
        runtime's C++ port of bewo_rt.text.parse (the same scene). Cascaded mode renders the
        scene's room (or outdoors) as bewo_rt.room.simulate_scene does."""
        if scene is not None and not isinstance(scene, str):
            scene = json.dumps(scene if isinstance(scene, dict) else scene.to_dict())
        if mode not in ("one-stage", "cascaded"):
            raise ValueError(f"mode must be 'one-stage' or 'cascaded', got {mode!r}")
        hset = None
        if mode == "cascaded":
            from .hrtf import HRTF

            h = hrtf if isinstance(hrtf, HRTF) else HRTF.load(hrtf or "kemar", 16000)
            hset = h._core
        with self._lock:
            return self._m.generate(prompt or "", scene, float(seconds), int(steps), float(cfg), int(seed),
                                    _sampler_index(sampler), mode == "cascaded", int(iterations), hset, progress)


@lru_cache(maxsize=4)
def _cached(path: str | None, n_threads: int, use_gpu: bool) -> NativeModel:
    return NativeModel(path, n_threads, use_gpu=use_gpu)


def load(bundle_path=None, n_threads: int = 0, use_gpu: bool = False) -> NativeModel:
    """A NativeModel for the bundle (default: the shipped one), cached per path, thread count and
    device choice. use_gpu=True tries the denoising loop on CUDA and falls back to the CPU when no
    GPU is usable (`backend` says which ran). Experimental: that path has compiled but not yet run
    on a GPU (benchmarks/gpu_check.sh has not passed on one), so it is off by default."""
    with _lock:
        return _cached(str(bundle_path) if bundle_path is not None else None, int(n_threads), bool(use_gpu))


def noise(seed: int, n: int) -> np.ndarray:
    """The native generator's standard normals (SplitMix64 + Box-Muller) for a seed."""
    return _core.native_noise(int(seed), int(n))
