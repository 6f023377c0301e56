"""Text (or a Scene) to binaural audio with the shipped model.

one-stage: the DiT denoises a stereo latent guided by the text and the azimuth state of the
parsed scene; the decoder and `features.synthesise` turn it into audio.
cascaded: each source's sound is generated on its own (from the whole prompt for a one-source
scene, else from its label; held straight ahead; the two ears averaged to mono), then the renderer places it along the parsed trajectory
in the scene's room: the placement is exact, the model only supplies the content."""
from __future__ import annotations

import math
import time
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from ..audio_io import peak_normalise
from .text_encoder import check_prompt

# features.py's constants, repeated so that the native path never imports PyTorch.
SAMPLE_RATE, HOP = 16000, 128

MODES = ("one-stage", "cascaded")
MAX_SECONDS = 30.0


class Generated(NamedTuple):
    audio: np.ndarray     # float32 (2, samples)
    sample_rate: int
    scene: object         # the bewo_rt.Scene that was generated
    info: dict            # mode, steps, cfg, seed, timings


@lru_cache(maxsize=4)
def _bundle(path):
    from .bundle import load

    return load(path)


def _check(seconds, steps, cfg, seed, mode, sampler):
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) \
            or not 0.5 <= seconds <= MAX_SECONDS:
        raise ValueError(f"seconds must be a number in [0.5, {MAX_SECONDS}], got {seconds!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= 1000:
        raise ValueError(f"steps must be an integer in [1, 1000], got {steps!r}")
    if isinstance(cfg, bool) or not isinstance(cfg, (int, float)) or not math.isfinite(cfg) or not 0 <= cfg <= 50:
        raise ValueError(f"cfg must be a number in [0, 50], got {cfg!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if sampler not in ("dpmpp-2m", "euler"):
        raise ValueError(f"sampler must be 'dpmpp-2m' or 'euler', got {sampler!r}")


def sample_latents(bundle, prompts: list[str], states, frames: int, steps: int, cfg: float, seed: int,
                   sampler: str = "dpmpp-2m", noise=None):
    """Denoised latents (B, C, frames) for prompts and their azimuth inputs, seeded per batch
    (or starting from `noise`, (B, C, frames), e.g. to compare with the native runtime)."""
    import torch

    from .diffusion import sample
    from .text_encoder import default_text_encoder

    m = bundle.config
    text, mask = default_text_encoder().token_embeddings(prompts, m.max_text_tokens)
    st = torch.as_tensor(np.stack(states))
    b = len(prompts)
    g = torch.Generator().manual_seed(int(seed))
    if noise is None:
        noise = torch.randn((b, m.latent_channels, frames), generator=g)
    else:
        noise = torch.as_tensor(np.asarray(noise, dtype=np.float32))
    cond = torch.cat([torch.ones(b, dtype=torch.bool), torch.zeros(b, dtype=torch.bool)])
    text2, mask2, st2 = torch.cat([text, text]), torch.cat([mask, mask]), torch.cat([st, st])

    def denoise(x, t):
        tt = torch.full((2 * b,), float(t))
        v = bundle.dit(torch.cat([x, x]), tt, text2, mask2, st2, cond)
        v = v[b:] + cfg * (v[:b] - v[b:])
        a, s = math.cos(0.5 * math.pi * t), math.sin(0.5 * math.pi * t)
        return a * x - s * v

    with torch.no_grad():
        return sample(denoise, noise, steps, sampler) / bundle.latent_scale


def decode(bundle, latents, samples: int, seed: int, iterations: int = 32) -> np.ndarray:
    import torch

    from . import features as feat

    with torch.no_grad():
        f = bundle.decoder(latents)
        return feat.synthesise(f, samples, iterations, seed).numpy().astype(np.float32)


BACKENDS = ("native", "torch")


class _TorchBackend:
    """The PyTorch reference (bewo_rt.model.*): needs torch."""

    name = "torch"

    def __init__(self, bundle_path):
        try:
            import torch  # noqa: F401
        except ImportError:
            raise RuntimeError("backend='torch' needs PyTorch: pip install 'bewo_rt[model]' "
                               "(or use the default backend='native')") from None
        self.bundle = _bundle(bundle_path)
        self.config, self.path = self.bundle.config, self.bundle.path

    def sample(self, prompts, states, frames, steps, cfg, seed, sampler):
        return sample_latents(self.bundle, prompts, states, frames, steps, cfg, seed, sampler).numpy()

    def decode(self, latents, samples, seed):
        import torch

        return decode(self.bundle, torch.as_tensor(latents), samples, seed)


class _NativeBackend:
    """The C++ runtime (bewo_rt.native): no PyTorch at run time."""

    name = "native"

    def __init__(self, bundle_path):
        from .. import native

        # The CPU: the GPU loop (use_gpu=True) has not yet passed benchmarks/gpu_check.sh on a GPU,
        # so it is not the default (bewo_rt.native.load(use_gpu=True) tries it and falls back).
        self.model = native.load(bundle_path, use_gpu=False)
        self.config, self.path = self.model.config, self.model.path

    def sample(self, prompts, states, frames, steps, cfg, seed, sampler):
        return self.model.sample_latents(prompts, states, frames, steps, cfg, seed, sampler)

    def decode(self, latents, samples, seed):
        return np.stack([self.model.decode(z, samples, seed) for z in latents])


def generate(prompt: str | None = None, seconds: float = 10.0, steps: int = 25, cfg: float = 3.0, seed: int = 0,
             mode: str = "one-stage", scene=None, sampler: str = "dpmpp-2m", bundle_path=None,
             hrtf="kemar", backend: str = "native") -> Generated:
    """Generate binaural audio (float32, (2, n), 16 kHz, peak -1 dBFS) from a prompt, a Scene, or
    both (the scene then sets positions and motion, the prompt the wording the model reads).

    backend='native' (default) runs the C++ runtime; backend='torch' the PyTorch reference.
    The two start from different noise for the same seed (each backend is deterministic)."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")

    from ..conditioning import azimuth_state
    from ..models.spatial import parsed, resolve
    from ..scene import Scene, Source

    t0 = time.perf_counter()
    _check(seconds, steps, cfg, seed, mode, sampler)
    prompt, scene = resolve(prompt, scene, seconds)
    scene = parsed(prompt, scene, seconds)
    scene.duration_s = float(seconds)
    path = str(bundle_path) if bundle_path is not None else None
    b = _TorchBackend(path) if backend == "torch" else _NativeBackend(path)
    hop = HOP * 2 ** b.config.downsamples
    samples = int(round(seconds * SAMPLE_RATE))
    frames = -(-samples // hop)
    cols = b.config.azimuth_columns if b.config.fusion == "bewo" else frames
    if mode == "one-stage":
        state = azimuth_state(scene, frames=cols, bins=b.config.azimuth_bins)
        lat = b.sample([prompt], [state], frames, steps, cfg, seed, sampler)
        audio = b.decode(lat, frames * hop, seed)[0, :, :samples]
    else:
        srcs = [s for s in scene.sources]
        if not srcs:
            raise ValueError(f"no sound source found in the prompt {prompt!r}; cascaded mode needs at least one")
        prompts, states = [], []
        for s in srcs:
            # One source: the whole prompt says most about its sound (the ears are averaged to mono,
            # so its spatial words do no harm); several: each source's own label.
            prompts.append(prompt if len(srcs) == 1 else (s.label or prompt))
            ahead = Scene([Source(label=s.label or "sound", azimuth_start_deg=0.0)], duration_s=float(seconds))
            states.append(azimuth_state(ahead, frames=cols, bins=b.config.azimuth_bins))
        lat = b.sample(prompts, states, frames, steps, cfg, seed, sampler)
        mono = b.decode(lat, frames * hop, seed).mean(axis=1)[:, :samples]
        sounds = {}
        for k, s in enumerate(srcs):
            s.sound = f"generated-{k}"
            sounds[s.sound] = peak_normalise(mono[k]) * 0.5
        from ..room import simulate_scene

        audio = simulate_scene(scene, SAMPLE_RATE, sounds, hrtf=hrtf, seed=seed)[:, :samples]
    audio = peak_normalise(audio)
    info = {"mode": mode, "backend": backend, "steps": steps, "cfg": cfg, "seed": seed, "sampler": sampler, "prompt": prompt,
            "seconds": seconds, "bundle": str(b.path), "time_s": round(time.perf_counter() - t0, 3)}
    return Generated(audio, SAMPLE_RATE, scene, info)
