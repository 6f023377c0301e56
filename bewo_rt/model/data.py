"""Training data: clips of corpora built by `bewo-rt dataset build`, held in memory as int16."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import features as feat


def clip_samples(seconds: float, hop_samples: int) -> int:
    """Samples of a clip padded up to a whole number of latent frames."""
    n = int(round(seconds * feat.SAMPLE_RATE))
    return -(-n // hop_samples) * hop_samples


def read_rows(dirs, split: str | None = "train") -> list[tuple[Path, dict]]:
    rows = []
    for d in dirs:
        d = Path(d)
        meta = d / "metadata.jsonl"
        if not meta.is_file():
            raise FileNotFoundError(f"--data {d}: no metadata.jsonl (build one with `bewo-rt dataset build`)")
        for line in meta.read_text().splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            if r.get("sample_rate") != feat.SAMPLE_RATE:
                raise ValueError(f"--data {d}: clips are at {r.get('sample_rate')} Hz, the model needs {feat.SAMPLE_RATE}")
            if split is None or r.get("split") == split:
                rows.append((d, r))
    if not rows:
        raise ValueError(f"--data {', '.join(map(str, dirs))}: no {split or ''} clips found")
    return rows


def load_audio(rows, samples: int) -> np.ndarray:
    """(clips, 2, samples) int16, zero-padded or cut to `samples`."""
    import soundfile as sf

    out = np.zeros((len(rows), 2, samples), np.int16)
    for i, (d, r) in enumerate(rows):
        x, sr = sf.read(str(d / r["audio_name"]), dtype="int16", always_2d=True)
        if sr != feat.SAMPLE_RATE or x.shape[1] != 2:
            raise ValueError(f"{d / r['audio_name']}: expected stereo at {feat.SAMPLE_RATE} Hz")
        n = min(samples, x.shape[0])
        out[i, :, :n] = x[:n].T
    return out


def to_float(a: np.ndarray):
    import torch

    return torch.from_numpy(a.astype(np.float32) / 32768.0)
