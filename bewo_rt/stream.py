"""Real-time streaming binaural rendering for engines: push blocks, move sources, get the mix.

>>> r = StreamRenderer("kemar", sample_rate=48000, max_sources=4)
>>> r.set_source(0, azimuth=-60)                 # left front, 1 m
>>> out = r.process({0: block})                   # block: float32 (frames,), 64 <= frames <= 1024
>>> out.shape                                     # (2, frames): left, right

Each call's output is that call's input through the HRTFs (no latency beyond the block). A
position change is applied at the next call: its input goes through the old and the new HRIR
pair and the outputs are crossfaded across the call (raised cosine, as the offline renderer does
between blocks), so updating a source once per block with its position at the block's end gives
exactly bewo_rt.render(..., block_size=frames). Distance gain: 1/r, clamped below 0.25 m.

The C++ core (also behind the C API's bewo_stream_*) allocates everything up front: set_source,
remove_source and process never allocate, lock or call the OS.

export_hrtf() writes an HRTF set in the file form the C API's bewo_hrtf_load reads
(bewo_rt/data/kemar_48000.safetensors is made with it: `python -m bewo_rt.stream export`).
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Mapping

import numpy as np

from . import _checks, _core
from .hrtf import HRTF

MIN_BLOCK = 64
MAX_BLOCK = 1024
NEAR_FIELD_M = 0.25
HRTF_FORMAT = "bewo_rt.hrtf/1"
KEMAR_48K_FILE = Path(__file__).resolve().parent / "data" / "kemar_48000.safetensors"


def _int(v, name: str, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {v!r}")
    if not lo <= int(v) <= hi:
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {v!r}")
    return int(v)


class StreamRenderer:
    """Streaming binaural renderer: per-source state, blocks of 64..max_block samples.

    Calls are serialised by a lock (process runs without the GIL); use one renderer per audio stream.

    hrtf: 'kemar', 'sphere', a SOFA path or an HRTF; sample_rate: Hz; max_sources: source slots
    (ids 0..max_sources-1); max_block: the largest block process() will get (64..1024).
    """

    def __init__(self, hrtf="kemar", sample_rate: int = 48000, max_sources: int = 16, max_block: int = MAX_BLOCK):
        self.sample_rate = _checks.sample_rate(sample_rate)
        self.hrtf = HRTF.load(hrtf, self.sample_rate)
        self.max_sources = _int(max_sources, "max_sources", 1, 4096)
        self.max_block = _int(max_block, "max_block", MIN_BLOCK, MAX_BLOCK)
        self._r = _core.StreamRenderer(self.hrtf._core, self.max_sources, self.max_block, 0, NEAR_FIELD_M, 1.0)
        self._lock = threading.Lock()  # process() runs without the GIL: one call at a time

    def __repr__(self) -> str:
        return (f"StreamRenderer({self.hrtf.name!r}, sample_rate={self.sample_rate}, max_sources={self.max_sources}, "
                f"max_block={self.max_block}, active={self.active_sources})")

    @property
    def latency(self) -> int:
        """Frames of delay beyond the block itself: 0 (a call's output is that call's input, rendered)."""
        return 0

    @property
    def partition(self) -> int:
        """FFT partition of the convolution (blocks need not be multiples of it)."""
        return self._r.partition

    @property
    def active_sources(self) -> int:
        return self._r.active_sources

    def is_active(self, id: int) -> bool:
        return bool(self._r.is_active(_int(id, "id", 0, self.max_sources - 1)))

    def _id(self, id) -> int:
        return _int(id, "id", 0, self.max_sources - 1)

    def set_source(self, id: int, azimuth: float, elevation: float = 0.0, distance: float = 1.0,
                   gain: float = 1.0) -> None:
        """Adds source `id` or moves it (crossfaded over the next block). Degrees, metres, linear gain."""
        i = self._id(id)
        az = _checks.finite(azimuth, "azimuth")
        el = _checks.finite(elevation, "elevation")
        if not -90.0 <= el <= 90.0:
            raise ValueError(f"elevation must be in [-90, 90] degrees, got {elevation!r}")
        d = _checks.positive(distance, "distance")
        g = _checks.finite(gain, "gain")
        with self._lock:
            self._r.set_source(i, az, el, d, g)

    def remove_source(self, id: int) -> None:
        """Fades source `id` out over the next block and frees its slot."""
        i = self._id(id)
        with self._lock:
            if not self._r.is_active(i):
                raise ValueError(f"id {id!r} is not an active source")
            self._r.remove_source(i)

    def reset(self) -> None:
        """Drops every source and all history (no fade)."""
        with self._lock:
            self._r.reset()

    def process(self, inputs) -> np.ndarray:
        """Renders one block: returns float32 (2, frames), rows left and right.

        inputs: float32 (n, frames) with row i the input of source id i (rows of ids without a
        source are ignored; missing rows are silence), or a dict {id: float32 (frames,)} of
        active sources (an active source left out gets silence).
        """
        if isinstance(inputs, Mapping):
            if not inputs:
                raise ValueError("inputs is an empty dict: give at least one source's block")
            ids, rows = [], []
            for k, v in inputs.items():
                i = _int(k, "inputs id", 0, self.max_sources - 1)
                if not self._r.is_active(i):
                    raise ValueError(f"inputs: id {k!r} is not an active source (call set_source first)")
                a = self._array(v, f"inputs[{k!r}]", 1)
                ids.append(i)
                rows.append(a)
            frames = rows[0].shape[0]
            if any(r.shape[0] != frames for r in rows):
                raise ValueError(f"inputs: every block must have the same length, got {[r.shape[0] for r in rows]}")
            x = np.stack(rows) if len(rows) > 1 else rows[0][None, :]
            idx = np.asarray(ids, dtype=np.int64)
        else:
            x = self._array(inputs, "inputs", 2)
            if x.shape[0] > self.max_sources:
                raise ValueError(f"inputs has {x.shape[0]} rows but max_sources is {self.max_sources}")
            frames = x.shape[1]
            idx = np.arange(x.shape[0], dtype=np.int64)
        if not MIN_BLOCK <= frames <= self.max_block:
            raise ValueError(f"inputs: block size must be in [{MIN_BLOCK}, {self.max_block}] frames "
                             f"(max_block={self.max_block}), got {frames}")
        with self._lock:
            return self._r.process(x, idx)

    @staticmethod
    def _array(v, name: str, ndim: int) -> np.ndarray:
        if not isinstance(v, np.ndarray):
            raise ValueError(f"{name} must be a float32 numpy array, got {type(v).__name__}")
        if v.dtype != np.float32:
            raise ValueError(f"{name} must have dtype float32, got {v.dtype}")
        if v.ndim != ndim:
            want = "(frames,)" if ndim == 1 else "(n_sources, frames)"
            raise ValueError(f"{name} must have shape {want}, got {v.shape}")
        if not np.isfinite(v).all():
            raise ValueError(f"{name} contains NaN or Inf")
        return np.ascontiguousarray(v)

    def render_blocks(self, x: np.ndarray, positions: np.ndarray, block: int) -> np.ndarray:
        """Whole-signal helper (benchmarks, tests): sources 0..k-1 with inputs x (k, n) float32 and
        positions (n_blocks, k, 4) = azimuth, elevation, distance, gain set before each block;
        runs the blocks in C++ without the GIL. Returns (2, n_blocks * block)."""
        x = self._array(x, "x", 2)
        p = np.ascontiguousarray(positions, dtype=np.float64)
        if p.ndim != 3 or p.shape[1:] != (x.shape[0], 4):
            raise ValueError(f"positions must have shape (n_blocks, {x.shape[0]}, 4), got {p.shape}")
        if not np.isfinite(p).all():
            raise ValueError("positions contains NaN or Inf")
        b = _int(block, "block", MIN_BLOCK, self.max_block)
        if p.shape[0] * b > x.shape[1]:
            raise ValueError(f"x has {x.shape[1]} frames, fewer than n_blocks * block = {p.shape[0] * b}")
        with self._lock:
            return self._r.run_blocks(x, p, b)


def export_hrtf(hrtf, path, sample_rate: int = 48000) -> Path:
    """Writes an HRTF set as the safetensors file bewo_hrtf_load reads: az_deg, el_deg (n,),
    filters (n, 2, taps), delays (n, 2) float32 and metadata sample_rate, neighbours, name, format."""
    from safetensors.numpy import save_file

    h = HRTF.load(hrtf, sample_rate)
    d = h.data
    tensors = {
        "az_deg": np.ascontiguousarray(d.azimuth_deg, dtype=np.float32),
        "el_deg": np.ascontiguousarray(d.elevation_deg, dtype=np.float32),
        "filters": np.ascontiguousarray(d.filters, dtype=np.float32),
        "delays": np.ascontiguousarray(d.delays, dtype=np.float32),
    }
    meta = {"format": HRTF_FORMAT, "name": str(d.name), "sample_rate": str(int(d.sample_rate)), "neighbours": "4"}
    if str(d.name).lower() == "kemar":
        meta["source"] = ("MIT KEMAR, normal pinna: W. G. Gardner and K. D. Martin, MIT Media Lab, 1994 "
                          "(cite the authors; see KEMAR_NOTICE.md)")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    save_file(tensors, str(tmp), metadata=meta)
    os.chmod(tmp, 0o644)
    tmp.replace(p)
    return p


def load_hrtf_file(path) -> HRTF:
    """Reads a file written by export_hrtf back into an HRTF."""
    from safetensors import safe_open

    from .hrtf import HRTFData

    with safe_open(str(path), framework="numpy") as f:
        meta = f.metadata() or {}
        if "sample_rate" not in meta:
            raise ValueError(f"{path}: metadata 'sample_rate' is missing (not a bewo HRTF file)")
        t = {k: f.get_tensor(k) for k in ("az_deg", "el_deg", "filters", "delays")}
    return HRTF(HRTFData(int(meta["sample_rate"]), t["az_deg"], t["el_deg"], t["filters"], t["delays"],
                         meta.get("name", Path(path).stem)))


def _main(argv: list[str]) -> int:
    if argv[:1] != ["export"] or len(argv) > 3:
        print("usage: python -m bewo_rt.stream export [PATH [RATE]]  (writes a KEMAR HRTF file; default: the "
              "shipped 48 kHz one)")
        return 2
    rate = int(argv[2]) if len(argv) > 2 else 48000
    out = export_hrtf("kemar", argv[1] if len(argv) > 1 else KEMAR_48K_FILE, rate)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
