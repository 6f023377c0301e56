"""Audio files: reading as float32 (channels, samples) and writing atomically."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from ._atomic import atomic_path


def read_audio(path) -> tuple[np.ndarray, int]:
    import soundfile as sf

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"audio file not found: {str(path)!r}")
    try:
        data, sr = sf.read(str(p), dtype="float32", always_2d=True)
    except Exception as e:
        raise ValueError(f"cannot read audio file {str(path)!r}: {e}") from None
    if data.shape[0] == 0:
        raise ValueError(f"audio file {str(path)!r} has no samples")
    if not np.all(np.isfinite(data)):
        raise ValueError(f"audio file {str(path)!r} contains NaN or Inf samples")
    return np.ascontiguousarray(data.T), int(sr)


def resample_audio(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    if sr_in == sr_out:
        return np.ascontiguousarray(x, dtype=np.float32)
    from scipy.signal import resample_poly

    r = Fraction(sr_out, sr_in).limit_denominator(10000)
    return resample_poly(x, r.numerator, r.denominator, axis=-1).astype(np.float32)


def peak_normalise(audio: np.ndarray, dbfs: float = -1.0) -> np.ndarray:
    """float32 copy scaled so that its peak is at `dbfs` (silence is left as it is)."""
    a = np.asarray(audio, dtype=np.float32)
    peak = float(np.max(np.abs(a))) if a.size else 0.0
    return (a * np.float32(10 ** (dbfs / 20) / peak)).astype(np.float32) if peak > 0 else a.copy()


def write_audio(path, audio: np.ndarray, sample_rate: int, subtype: str = "FLOAT") -> None:
    """Write (channels, samples) to path through a temporary file in the same folder and an
    atomic rename, so a crash or error never leaves a partial file behind."""
    import soundfile as sf

    a = np.asarray(audio, dtype=np.float32)
    if a.ndim != 2:
        raise ValueError(f"audio must have shape (channels, samples), got {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("audio to write contains NaN or Inf")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    ext = p.suffix.lower().lstrip(".") or "wav"
    fmt = {"aif": "AIFF", "mp3": "MP3"}.get(ext, ext.upper())
    if fmt not in sf.available_formats():
        raise ValueError(f"{p.name}: cannot write .{ext} files; use .wav, .flac, .ogg, .mp3 or .aiff")
    subtype = str(subtype).upper()
    # FLOAT is the default for a WAV; other formats keep their own default unless told otherwise.
    if subtype == "FLOAT" and not sf.check_format(fmt, "FLOAT"):
        subtype = sf.default_subtype(fmt)
    if not sf.check_format(fmt, subtype):
        raise ValueError(f"subtype {subtype} cannot be written to a .{ext} file; it takes "
                         f"{', '.join(sorted(sf.available_subtypes(fmt)))}")
    chosen = subtype
    peak = float(np.max(np.abs(a))) if a.size else 0.0
    if chosen and not chosen.startswith(("FLOAT", "DOUBLE", "VORBIS", "OPUS")) and peak > 1.0:
        raise ValueError(f"audio peaks at {peak:.3f} (> 1.0) and would clip as {chosen} in {p.name}: "
                         f"lower the level or write a float WAV")
    with atomic_path(p) as tmp:
        sf.write(tmp, a.T, int(sample_rate), subtype=subtype, format=fmt)
