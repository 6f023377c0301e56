"""Model families the runtime hosts, behind one interface.

Each family loads from its authors' files, encodes prompts, samples latents and decodes to audio
at its own rate; `bewo_rt.load_model` picks the family from what the path holds:

- "tiny": the shipped 2.5M-parameter model (16 kHz binaural; bewo_rt.native), the default;
- "stable_audio": Stable Audio Open 1.0 / Small and BEWO's checkpoints (44.1 kHz stereo;
  bewo_rt.models.stable_audio), from model_config.json + safetensors.
"""
from __future__ import annotations

import json
from pathlib import Path


def _is_tiny_bundle(p: Path) -> bool:
    from .stable_audio.model import _safetensors_metadata

    meta = _safetensors_metadata(p)
    return bool(meta) and "model_config" not in meta and any(k in meta for k in ("config", "bewo_rt", "format"))


def family_of(path) -> str:
    """"tiny" or "stable_audio" for a model path (None: the shipped tiny model)."""
    if path is None:
        return "tiny"
    p = Path(path)
    if p.is_dir():
        return "stable_audio"
    if p.suffix == ".safetensors" and _is_tiny_bundle(p):
        return "tiny"
    return "stable_audio"


class TinyModel:
    """The shipped model under the family interface (generate at its own 16 kHz)."""

    family = "tiny"

    def __init__(self, path=None, n_threads: int = 0):
        from ..native import NativeModel

        self._m = NativeModel(path, n_threads)
        self.path = path
        self.sample_rate = 16000
        self.audio_channels = 2
        self.name = "bewo_tiny" if path is None else Path(path).stem

    def generate(self, prompt=None, seconds: float = 10.0, steps=None, cfg=None, seed: int = 0, sampler=None,
                 mode: str = "one-stage", scene=None, hrtf="kemar", **kw):
        """The native pipeline (binaural, 16 kHz, peak -1 dBFS): the scene (given, or the prompt
        as the local parser reads it) placed by the model's azimuth state, or cascaded."""
        from .spatial import describe, parsed, resolve
        from .stable_audio.model import GenerateResult

        seconds = 10.0 if seconds is None else seconds
        prompt, given = resolve(prompt, scene, seconds)
        placed = parsed(prompt, given, seconds)
        steps = 25 if steps is None else steps
        cfg = 3.0 if cfg is None else cfg
        sampler = sampler or "dpmpp-2m"
        audio, timings = self._m.generate(prompt, scene=placed, seconds=seconds, steps=steps, cfg=cfg, seed=seed,
                                          sampler=sampler, mode=mode, hrtf=hrtf)
        info = dict(model=self.name, family="tiny", mode=mode, prompt=prompt, steps=steps, cfg=cfg, sampler=sampler,
                    seed=int(seed), seconds=float(seconds), positions=None, scene=placed.to_dict(),
                    placement=describe(placed), note=placed.note, **timings)
        return GenerateResult(audio=audio, sample_rate=self.sample_rate, info=info)


def model_sample_rate(path, config=None) -> int:
    """The output rate of a model, read from its config without loading the weights."""
    if family_of(path) == "tiny":
        return 16000
    from .stable_audio.model import locate

    _, text = locate(path, config)
    try:
        return int(json.loads(text)["sample_rate"])
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"the model config of {path} has no valid sample_rate") from None


def load_model(path=None, config=None, t5=None, dtype=None, n_threads: int = 0, device: str = "cpu"):
    """A model of any hosted family. path: a Stable Audio Open / BEWO folder (model_config.json +
    model.safetensors), a converted .safetensors (config from --config, its metadata or a
    model_config.json beside it), or None / a tiny bundle for the shipped model. t5: a Hugging
    Face T5 folder (default: found in the Hugging Face cache; nothing is downloaded).
    device (Stable Audio family): "cpu"; "cuda" (T5, the sampling loop and the decoder on the
    GPU, weights in dtype "bf16" (default), "fp16" or "fp32"; an error without a usable GPU);
    "auto" (the GPU when one is usable, else the CPU)."""
    if device not in ("cpu", "cuda", "auto"):
        raise ValueError(f"device must be 'cpu', 'cuda' or 'auto', got {device!r}")
    fam = family_of(path)
    if fam == "tiny":
        if device == "cuda":
            raise ValueError("device='cuda' is for the Stable Audio family; the shipped model's GPU path is "
                             "bewo_rt.native's use_gpu")
        return TinyModel(path, n_threads)
    from .stable_audio.model import load

    return load(path, config=config, t5=t5, dtype=dtype, n_threads=n_threads, device=device)


__all__ = ["load_model", "family_of", "model_sample_rate", "TinyModel"]
