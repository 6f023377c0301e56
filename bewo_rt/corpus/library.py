"""A folder of labelled mono sounds: `index.jsonl` (one JSON object per sound) plus FLAC files.

The index is append-only so that imports can be interrupted and rerun: a sound whose id is already
indexed is skipped, never replaced. Audio is written atomically before its index line, so a crash
can leave at most an unindexed file (overwritten by the rerun), never an index line without audio.
"""
from __future__ import annotations

import json
import re
import warnings
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..audio_io import read_audio, resample_audio, write_audio
from .processing import check_usable, condition, to_mono

INDEX = "index.jsonl"
AUDIO_DIR = "audio"
_FIELDS = ("id", "label", "path", "duration_s", "sample_rate", "licence", "origin", "attribution")


def slug(text: str, max_len: int = 60) -> str:
    """Lower-case ASCII words joined by '-': safe in file names and stable across platforms."""
    s = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return s[:max_len].strip("-") or "x"


@dataclass(frozen=True)
class SourceEntry:
    id: str
    label: str
    path: str            # relative to the library folder
    duration_s: float
    sample_rate: int
    licence: str
    origin: str
    attribution: str | None = None
    extra: dict = field(default_factory=dict, compare=False)  # unknown keys, kept on rewrite

    def to_json(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k != "extra" and not (k == "attribution" and v is None)}
        return {**self.extra, **d}

    @classmethod
    def from_json(cls, d: dict) -> "SourceEntry":
        missing = [k for k in _FIELDS[:-1] if k not in d]
        if missing:
            raise ValueError(f"index entry lacks {', '.join(missing)}: {d}")
        known = {k: d[k] for k in _FIELDS if k in d}
        known["duration_s"], known["sample_rate"] = float(known["duration_s"]), int(known["sample_rate"])
        return cls(**known, extra={k: v for k, v in d.items() if k not in _FIELDS})


class SourceLibrary:
    """Labelled mono sounds on disk. `SourceLibrary(root)` creates the folder if needed and reads
    the index if there is one."""

    def __init__(self, root, cache_items: int = 256):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._entries: dict[str, SourceEntry] = {}
        self._cache: OrderedDict = OrderedDict()
        self._cache_items = cache_items
        self._read_index()

    def _read_index(self) -> None:
        p = self.root / INDEX
        if not p.is_file():
            return
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                e = SourceEntry.from_json(json.loads(line))
            except ValueError as err:  # e.g. a line cut short by a crash: keep the rest usable
                warnings.warn(f"{p}:{n}: ignoring unreadable index line ({err})")
                continue
            self._entries.setdefault(e.id, e)  # first wins, as add() never replaces

    # --- queries ---------------------------------------------------------------------------
    @property
    def entries(self) -> list[SourceEntry]:
        return list(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, id: str) -> bool:
        return id in self._entries

    def __iter__(self):
        return iter(self.entries)

    def get(self, id: str) -> SourceEntry:
        try:
            return self._entries[id]
        except KeyError:
            raise KeyError(f"no sound with id {id!r} in {self.root}") from None

    def by_label(self, substring: str) -> list[SourceEntry]:
        s = substring.lower()
        return [e for e in self._entries.values() if s in e.label.lower()]

    def labels(self) -> list[str]:
        return sorted({e.label for e in self._entries.values()})

    def load(self, id: str, sample_rate: int) -> np.ndarray:
        """float32 mono (samples,) at sample_rate. Cached; the array is read-only because the
        cache shares it between callers (copy it before modifying)."""
        key = (id, int(sample_rate))
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        e = self.get(id)
        x, sr = read_audio(self.root / e.path)
        y = resample_audio(x.mean(axis=0), sr, int(sample_rate))
        y.setflags(write=False)
        self._cache[key] = y
        if len(self._cache) > self._cache_items:
            self._cache.popitem(last=False)
        return y

    # --- adding ----------------------------------------------------------------------------
    def _next_id(self, origin: str, label: str) -> str:
        base = f"{slug(origin, 30)}-{slug(label, 40)}"
        k = 1
        while f"{base}-{k:03d}" in self._entries:
            k += 1
        return f"{base}-{k:03d}"

    def add(self, samples: np.ndarray, sample_rate: int, label: str, licence: str, origin: str,
            attribution: str | None = None, id: str | None = None, max_seconds: float | None = 10.0,
            process: bool = True) -> SourceEntry | None:
        """Condition (trim, cut to max_seconds, normalise; see processing.condition) and store a
        sound. Returns its entry, or None when `id` is already in the library (nothing is
        replaced, so reruns of an import are cheap and harmless). Without an id, one is made from
        origin, label and a counter. Raises RejectedSound for empty/silent/NaN input."""
        if id is not None:
            id = slug(id, 120)
            if id in self._entries:
                return None
        label, licence, origin = (str(v).strip() for v in (label, licence, origin))
        for name, v in (("label", label), ("licence", licence), ("origin", origin)):
            if not v:
                raise ValueError(f"{name} must not be empty")
        sample_rate = int(sample_rate)
        what = f"sound {id or label!r}"
        if process:
            y = condition(samples, sample_rate, max_seconds=max_seconds, what=what)
        else:
            y = to_mono(samples)
            check_usable(y, what)
            y = y.astype(np.float32)
        if id is None:
            id = self._next_id(origin, label)
        rel = f"{AUDIO_DIR}/{id}.flac"
        write_audio(self.root / rel, y[None, :], sample_rate)
        e = SourceEntry(id=id, label=label, path=rel, duration_s=round(y.size / sample_rate, 6),
                        sample_rate=sample_rate, licence=licence, origin=origin, attribution=attribution)
        self._append_index_line(json.dumps(e.to_json(), ensure_ascii=False))
        self._entries[id] = e
        return e

    def _append_index_line(self, line: str) -> None:
        p = self.root / INDEX
        # a line cut short by an earlier crash must not swallow the new one
        sep = ""
        if p.is_file() and p.stat().st_size:
            with open(p, "rb") as f:
                f.seek(-1, 2)
                sep = "" if f.read(1) == b"\n" else "\n"
        with open(p, "a", encoding="utf-8") as f:
            f.write(sep + line + "\n")

    def __repr__(self) -> str:
        return f"SourceLibrary({str(self.root)!r}, {len(self)} sounds, {len(self.labels())} labels)"


def register_cli(subparsers) -> None:
    """Adds the `sources` command to the bewo-rt parser (kept in cli.py with its handlers)."""
    from .cli import register_cli as _register

    _register(subparsers)
