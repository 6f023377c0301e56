"""Model and training configurations. `tiny` trains on a 2-core CPU in about an hour; `base` is
the same recipe, wider and longer, for GPUs."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields


def _known(cls, d: dict, what: str) -> dict:
    if not isinstance(d, dict):
        raise ValueError(f"{what} must be a JSON object, got {type(d).__name__}")
    unknown = set(d) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"unknown {what} keys: {sorted(unknown)}")
    return d


@dataclass
class ModelConfig:
    vae_width: int = 192
    latent_channels: int = 16
    downsamples: int = 3
    dit_width: int = 192
    dit_depth: int = 4
    dit_heads: int = 4
    fusion: str = "aligned"       # 'aligned' (added per frame; measured better) or 'bewo' (text tokens query azimuth rows)
    azimuth_bins: int = 17
    azimuth_columns: int = 64     # columns of the azimuth state for the 'bewo' fusion
    max_text_tokens: int = 48
    seconds: float = 10.0

    @classmethod
    def from_dict(cls, d: dict) -> "ModelConfig":
        return cls(**_known(cls, d, "model config"))


@dataclass
class TrainConfig:
    name: str = "tiny"
    model: ModelConfig = field(default_factory=ModelConfig)
    vae_steps: int = 1200
    vae_batch: int = 8
    vae_crop_s: float = 2.0
    vae_lr: float = 5e-4
    dit_steps: int = 3000
    dit_batch: int = 24
    dit_lr: float = 4e-4
    warmup: int = 200
    cfg_dropout: float = 0.1
    ema: float = 0.999
    log_every: int = 25
    checkpoint_every: int = 250
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        d = dict(d)
        model = ModelConfig.from_dict(d.pop("model", {}))
        return cls(model=model, **_known(cls, d, "training config"))


PRESETS = {
    "tiny": TrainConfig(),
    "base": TrainConfig(name="base", model=ModelConfig(vae_width=384, latent_channels=32, dit_width=512, dit_depth=12,
                                                       dit_heads=8),
                        vae_steps=40000, vae_batch=32, dit_steps=200000, dit_batch=128, dit_lr=2e-4),
}


def load_config(name_or_path: str) -> TrainConfig:
    """A preset name ('tiny', 'base') or a JSON file with TrainConfig fields."""
    import json
    from pathlib import Path

    if name_or_path in PRESETS:
        return TrainConfig.from_dict(PRESETS[name_or_path].to_dict())
    p = Path(name_or_path)
    if not p.is_file():
        raise FileNotFoundError(f"config {name_or_path!r} is neither a preset ({', '.join(PRESETS)}) nor a file")
    try:
        return TrainConfig.from_dict(json.loads(p.read_text()))
    except (json.JSONDecodeError, TypeError) as e:
        raise ValueError(f"config file {p} is not a valid training config: {e}") from None
