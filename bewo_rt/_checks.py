"""Input validation shared by the API and the CLI: every message names the argument."""
from __future__ import annotations

import math

import numpy as np


def mono_signal(x, name: str = "mono") -> np.ndarray:
    """A finite, non-empty 1-D float32 signal. (1, n) is accepted as mono."""
    try:
        a = np.asarray(x)
    except Exception as e:  # pragma: no cover - numpy's own message is kept
        raise TypeError(f"{name} must be an array of samples: {e}") from None
    if a.dtype == object or not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}")
    if a.ndim == 2 and a.shape[0] == 1:
        a = a[0]
    if a.ndim != 1:
        raise ValueError(f"{name} must be mono with shape (samples,) or (1, samples), got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} is empty")
    a = np.ascontiguousarray(a, dtype=np.float32)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or Inf")
    return a


def sample_rate(sr, name: str = "sample_rate") -> int:
    if isinstance(sr, bool) or not isinstance(sr, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number of samples per second, got {sr!r}")
    if not math.isfinite(float(sr)) or sr <= 0 or float(sr) != int(sr):
        raise ValueError(f"{name} must be a positive whole number of Hz, got {sr!r}")
    return int(sr)


def finite(v, name: str) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {v!r}") from None
    if not math.isfinite(f):
        raise ValueError(f"{name} must be finite, got {v!r}")
    return f


def positive(v, name: str) -> float:
    f = finite(v, name)
    if f <= 0:
        raise ValueError(f"{name} must be > 0, got {v!r}")
    return f


def block_size(b) -> int:
    if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or b < 16 or b > 65536 or (b & (b - 1)):
        raise ValueError(f"block_size must be a power of two between 16 and 65536, got {b!r}")
    return int(b)


def threads(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n_threads must be an integer >= 1, got {n!r}")
    return int(n)


AUDIO_EXTENSIONS = ("wav", "flac", "ogg", "mp3", "aiff", "aif")


def output_file(path, arg: str = "-o/--output", audio: bool = True) -> "Path":
    """A path the CLI can write a file to, checked before any long work: not a folder, its
    folder creatable and writable, and (audio) an extension soundfile writes."""
    import os
    from pathlib import Path

    p = Path(path)
    if str(path).endswith(os.sep) or p.is_dir():
        raise ValueError(f"{arg} {path} is a folder; give a file name (e.g. {p / ('out.wav' if audio else 'out')})")
    if audio:
        ext = p.suffix.lower().lstrip(".")
        if ext not in AUDIO_EXTENSIONS:
            raise ValueError(f"{arg} {path}: the extension must be one of "
                             f"{', '.join('.' + e for e in AUDIO_EXTENSIONS)} (it sets the file format)")
    writable_folder(p.parent if str(p.parent) else Path("."), arg, for_file=path)
    return p


def writable_folder(path, arg: str, for_file=None) -> "Path":
    """A folder that exists or can be made, and can be written to."""
    import os
    from pathlib import Path

    p = Path(path)
    probe = p
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    what = for_file if for_file is not None else path
    if probe.exists() and not probe.is_dir():
        raise ValueError(f"{arg} {what}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ValueError(f"{arg} {what}: cannot write in {probe} (permission denied or a read-only file system); "
                         "choose another folder")
    return p
