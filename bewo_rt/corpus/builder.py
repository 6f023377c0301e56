"""BEWO-1M-style spatial corpus: scenes sampled with BEWO's shares, rendered through HRTFs in
rooms (or onto BEWO's two bare microphones), captioned, written as FLAC + metadata.

Clip i depends only on (seed, i): the same clip comes out whatever the worker count, the
sharding or the engine, and a rerun skips clips already written (each clip's metadata sidecar is
written last, atomically, so a clip is either complete or absent).

Layout of DIR:
    audio/0000042.flac      stereo clip
    meta/0000042.json       its metadata row (written after the audio)
    metadata.jsonl          all rows in clip order (rebuilt at the end of every run)
    train.jsonl val.jsonl test.jsonl
    sources/                the procedural source library, when no --library is given
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .._atomic import write_text
from ..motion import SPAN
from ..scene import Room, Scene, Source

SUBSET_SHARES = {"SS": 0.32, "SD": 0.20, "DS": 0.20, "MIX": 0.28}  # BEWO-1M, real recordings left out
SIZE_SHARES = {"outdoor": 0.33, "moderate": 0.33, "large": 0.30, "small": 0.04}
SPEED_SHARES = {"moderate": 0.43, "slow": 0.28, "fast": 0.20, "instant": 0.09}
DISTANCE_M = {"near": (0.5, 1.5), "moderate": (1.5, 4.0), "far": (4.0, 10.0)}
SPLITS = (("train", 0.96), ("val", 0.02), ("test", 0.02))


@dataclass
class BuildConfig:
    out: str
    clips: int
    subset: str = "all"
    seconds: float = 10.0
    sample_rate: int = 16000
    seed: int = 0
    library: str | None = None  # folder of a SourceLibrary; None: procedural sounds in OUT/sources
    mode: str = "binaural"      # or "two_mic" (BEWO's simulation)
    hrtf: str = "kemar"
    allow_copyleft: bool = False  # GPL and share-alike sounds are left out unless asked for

    def validate(self) -> None:
        if self.subset not in ("all", *SUBSET_SHARES):
            raise ValueError(f"subset must be one of all, {', '.join(SUBSET_SHARES)}; got {self.subset!r}")
        if not isinstance(self.clips, int) or self.clips < 1:
            raise ValueError(f"clips must be a positive integer, got {self.clips!r}")
        if not (self.seconds > 0 and math.isfinite(self.seconds)):
            raise ValueError(f"seconds must be > 0, got {self.seconds!r}")
        if self.sample_rate <= 0:
            raise ValueError(f"sample_rate must be > 0, got {self.sample_rate!r}")
        if self.mode not in ("binaural", "two_mic"):
            raise ValueError(f"mode must be binaural or two_mic, got {self.mode!r}")


def _pick(rng, shares: dict) -> str:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _room(rng, size_class: str) -> Room:
    if size_class == "outdoor":
        return Room(outdoor=True, ground_reflection=float(rng.uniform(0.3, 0.8)))
    lo, hi, rt = {"small": ((2.5, 2.5, 2.3), (4.0, 3.5, 2.7), (0.2, 0.4)),
                  "moderate": ((4.0, 3.5, 2.6), (9.0, 7.0, 3.5), (0.3, 0.8)),
                  "large": ((10.0, 8.0, 4.0), (25.0, 18.0, 10.0), (0.8, 1.8))}[size_class]
    size = tuple(round(float(rng.uniform(a, b)), 2) for a, b in zip(lo, hi))
    return Room(outdoor=False, size_m=size, rt60_s=round(float(rng.uniform(*rt)), 3))


def sample_scene(cfg: BuildConfig, i: int, entries: list) -> tuple[Scene, list, dict]:
    """Scene, chosen library entries and extra facts for clip i (deterministic in seed, i)."""
    rng = np.random.default_rng([cfg.seed, i])
    subset = cfg.subset if cfg.subset != "all" else _pick(rng, SUBSET_SHARES)
    n_src = {"SS": 1, "SD": 1, "DS": 2}.get(subset) or int(rng.choice([2, 3, 4], p=[0.5, 0.3, 0.2]))
    size_class = _pick(rng, SIZE_SHARES)
    room = _room(rng, size_class)
    chosen = [entries[int(k)] for k in rng.choice(len(entries), n_src, replace=len(entries) < n_src)]
    sources, azimuths = [], []
    for k in range(n_src):
        moving = subset == "SD" or (subset == "MIX" and rng.random() < 0.5)
        az = float(rng.uniform(-90, 90))
        if subset == "DS" and azimuths:  # two still sources in clearly different places
            while abs(az - azimuths[0]) < 40:
                az = float(rng.uniform(-90, 90))
        azimuths.append(az)
        dist_class = _pick(rng, {"near": 0.3, "moderate": 0.4, "far": 0.3})
        dist = float(rng.uniform(*DISTANCE_M[dist_class]))
        src = Source(label=chosen[k].label, sound=chosen[k].id, azimuth_start_deg=round(az, 1),
                     elevation_deg=0.0, distance_m=round(dist, 2),
                     gain_db=round(float(rng.uniform(-6, 0)), 1) if n_src > 1 else 0.0)
        if moving:
            end = float(rng.uniform(-90, 90))
            while abs(end - az) < 45:
                end = float(rng.uniform(-90, 90))
            src.azimuth_end_deg = round(end, 1)
            src.speed = _pick(rng, SPEED_SHARES)
            src.change_time = round(float(rng.uniform(0.3, 0.7)), 3)
        sources.append(src)
    split_draw = rng.random()
    acc, split = 0.0, "train"
    for name, share in SPLITS:
        acc += share
        if split_draw < acc:
            split = name
            break
    facts = {"subset": subset, "scene_size": size_class, "split": split,
             "caption_seed": int(rng.integers(1 << 31)), "render_seed": int(rng.integers(1 << 31))}
    return Scene(sources, duration_s=cfg.seconds, room=room), chosen, facts


def _fit(x: np.ndarray, n: int, rng) -> np.ndarray:
    """A sound filling n samples: repeated with short gaps when shorter, a random excerpt when longer."""
    if x.size >= n:
        start = int(rng.integers(0, x.size - n + 1))
        return x[start:start + n]
    gap = np.zeros(int(0.1 * x.size), np.float32)
    reps = int(math.ceil(n / (x.size + gap.size)))
    return np.tile(np.concatenate([x, gap]), reps)[:n]


def bewo_fields(scene: Scene, room_listener, facts: dict) -> dict:
    """Fields in BEWO-1M's metadata convention (angles: 0 = right, 90 = front, 180 = left;
    direction classes 1 left .. 5 right with decimals)."""
    def angle(az):
        return round(90.0 - az, 2)

    def cls(az):
        return round(min(5.0, max(1.0, 3.0 + az / 45.0)), 2)

    from ..room import listener_position, source_position

    lis = listener_position(scene)
    d = {"room_size": None if scene.room.outdoor else list(scene.room.size_m),
         "micro_pos": [round(float(v), 3) for v in lis], "RT60": 0.0 if scene.room.outdoor else scene.room.rt60_s,
         "start_angle": [], "end_angle": [], "raw_start": [], "raw_end": [], "raw_speed": [], "speed_ratio": [],
         "move_start_time": [], "change_step": [], "start": [], "end": []}
    for s in scene.sources:
        a0, a1 = s.azimuth_start_deg, s.azimuth_end
        d["start_angle"].append(angle(a0))
        d["end_angle"].append(angle(a1))
        d["raw_start"].append(cls(a0))
        d["raw_end"].append(cls(a1))
        speed = s.speed if s.moving else "still"
        d["raw_speed"].append(speed)
        d["speed_ratio"].append(SPAN.get(speed, 0.0))
        dur = scene.duration_s
        d["move_start_time"].append(round(0.5 * (1 - SPAN[speed]) * dur, 3) if speed in SPAN else
                                    (round(s.change_time * dur, 3) if speed == "instant" else None))
        d["change_step"].append(s.change_time if speed == "instant" else None)
        ratio = round(10 ** (s.gain_db / 20), 3)
        p0 = source_position(lis, a0, s.elevation_deg, s.distance_m, scene.room)
        p1 = source_position(lis, a1, s.elevation_deg, s.distance_end_m or s.distance_m, scene.room)
        d["start"].append([round(float(v), 3) for v in p0] + [ratio])
        d["end"].append([round(float(v), 3) for v in p1] + [ratio])
    return d


def _atomic_write_text(path: Path, text: str) -> None:
    write_text(path, text)


class ClipMaker:
    """Everything a worker needs, loaded once per process."""

    def __init__(self, cfg: BuildConfig):
        from .library import SourceLibrary

        self.cfg = cfg
        self.out = Path(cfg.out)
        self.lib = SourceLibrary(library_path(cfg))
        self.entries = [e for e in self.lib.entries if cfg.allow_copyleft or not is_copyleft(e.licence)]
        if not self.entries:
            raise ValueError(f"source library {library_path(cfg)} holds no usable sounds")

    def make(self, i: int) -> dict:
        from ..audio_io import write_audio
        from ..room import simulate_scene
        from ..text.captions import caption

        cfg = self.cfg
        scene, chosen, facts = sample_scene(cfg, i, self.entries)
        n = int(round(cfg.seconds * cfg.sample_rate))
        rng = np.random.default_rng([cfg.seed, i, 1])
        sounds = {e.id: _fit(self.lib.load(e.id, cfg.sample_rate), n, rng) for e in chosen}
        audio = simulate_scene(scene, cfg.sample_rate, sounds, hrtf=cfg.hrtf, mode=cfg.mode,
                               seed=facts["render_seed"])
        peak = float(np.max(np.abs(audio)))
        gain = 10 ** (-1 / 20) / peak if peak > 0 else 1.0  # -1 dBFS peak
        name = f"audio/{i:07d}.flac"
        write_audio(self.out / name, audio * gain, cfg.sample_rate, subtype="PCM_16")
        row = {"id": i, "audio_name": name, "split": facts["split"], "subset": facts["subset"],
               "scene_size": facts["scene_size"], "caption": caption(scene, facts["caption_seed"]),
               "sample_rate": cfg.sample_rate, "seconds": cfg.seconds, "mode": cfg.mode, "hrtf": cfg.hrtf,
               "gain": round(gain, 6), "meta": [e.id for e in chosen],
               "sources": [{"id": e.id, "label": e.label, "licence": e.licence, "origin": e.origin} for e in chosen],
               "raw_audio_path": [e.path for e in chosen], "scene": scene.to_dict()}
        row.update(bewo_fields(scene, None, facts))
        _atomic_write_text(self.out / "meta" / f"{i:07d}.json", json.dumps(row))
        return row


def is_copyleft(licence: str) -> bool:
    """GPL-family and share-alike licences: material a model we ship may not be trained on."""
    u = licence.upper()
    return "GPL" in u or "-SA" in u or "SHARE" in u


def library_path(cfg: BuildConfig) -> Path:
    return Path(cfg.library) if cfg.library else Path(cfg.out) / "sources"


def ensure_library(cfg: BuildConfig) -> None:
    """The default library: procedural sounds (CC0), built once, deterministically."""
    if cfg.library:
        if not (Path(cfg.library) / "index.jsonl").is_file():
            raise FileNotFoundError(f"no source library at {cfg.library} (expected index.jsonl; see `bewo-rt sources`)")
        return
    import fcntl

    from .library import SourceLibrary
    from .procedural import build_procedural_library

    root = library_path(cfg)
    root.mkdir(parents=True, exist_ok=True)
    # Shards started together would otherwise build the library at the same time, and one could
    # start sampling from a half-built one. The build itself skips sounds already present, so an
    # interrupted build is completed here too.
    with open(root / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        build_procedural_library(SourceLibrary(root), per_kind=3, seconds=4.0, sample_rate=cfg.sample_rate,
                                 seed=cfg.seed)


SETTINGS_FILE = "build.json"


def check_settings(cfg: BuildConfig) -> None:
    """The first run records its settings; later runs into the same folder must match them
    (only the number of clips may grow), so a corpus never mixes clips made differently."""
    path = Path(cfg.out) / SETTINGS_FILE
    mine = {k: v for k, v in asdict(cfg).items() if k not in ("out", "clips")}
    has_clips = any((Path(cfg.out) / "meta").glob("*.json"))
    if path.is_file() and has_clips:  # settings bind only a folder that holds clips made with them
        old = json.loads(path.read_text())
        diff = sorted(k for k in set(mine) | set(old) if mine.get(k) != old.get(k))
        if diff:
            raise ValueError(f"{cfg.out} was built with other settings ({', '.join(f'{k}={old.get(k)!r}' for k in diff)}); "
                             f"use a new --out folder or the same settings")
    else:
        write_text(path, json.dumps(mine, indent=2))


def pending(cfg: BuildConfig, shard: tuple[int, int]) -> list[int]:
    k, n = shard
    meta = Path(cfg.out) / "meta"
    return [i for i in range(k, cfg.clips, n) if not (meta / f"{i:07d}.json").is_file()]


_MAKER = None


def _worker_init(cfg_dict):
    global _MAKER
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _MAKER = ClipMaker(BuildConfig(**cfg_dict))


def _worker_make(i):
    return _MAKER.make(i)["id"]


def build(cfg: BuildConfig, workers: int = 1, shard: tuple[int, int] = (0, 1), engine: str = "local",
          progress: bool = True) -> dict:
    """Build (or resume) the clips of one shard, then rebuild metadata.jsonl and the split files
    from every clip present. Returns counts."""
    cfg.validate()
    k, n = shard
    if not (isinstance(n, int) and n >= 1 and isinstance(k, int) and 0 <= k < n):
        raise ValueError(f"shard must be I/N with 0 <= I < N, got {k}/{n}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if engine not in ("local", "ray"):
        raise ValueError(f"engine must be local or ray, got {engine!r}")
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    check_settings(cfg)
    ensure_library(cfg)
    todo = pending(cfg, shard)
    bar = _progress(len(todo), progress)
    try:
        _make_all(cfg, todo, bar, workers, engine)
    except KeyboardInterrupt:
        bar.close()
        rows = assemble(cfg)  # every finished clip is kept and listed
        raise KeyboardInterrupt(f"interrupted: {len(rows)} of {cfg.clips} clips are in {cfg.out}; run the same "
                                "command again to build the rest") from None
    bar.close()
    rows = assemble(cfg)
    return {"built": len(todo), "present": len(rows), "clips": cfg.clips}


def _make_all(cfg: BuildConfig, todo: list[int], bar, workers: int, engine: str) -> None:
    if engine == "ray":
        from .ray_engine import run_ray

        run_ray(cfg, todo, bar)
    elif workers == 1 or len(todo) <= 1:
        maker = ClipMaker(cfg)
        for i in todo:
            maker.make(i)
            bar.update(1)
    else:
        import multiprocessing as mp

        ctx = mp.get_context("spawn")  # no inherited threads or locks from the parent
        with ctx.Pool(workers, initializer=_worker_init, initargs=(asdict(cfg),)) as pool:
            for _ in pool.imap_unordered(_worker_make, todo, chunksize=1):
                bar.update(1)


def assemble(cfg: BuildConfig) -> list[dict]:
    out = Path(cfg.out)
    rows = []
    for i in range(cfg.clips):
        p = out / "meta" / f"{i:07d}.json"
        if p.is_file():
            rows.append(json.loads(p.read_text()))
    _atomic_write_text(out / "metadata.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    for name, _ in SPLITS:
        _atomic_write_text(out / f"{name}.jsonl", "".join(json.dumps(r) + "\n" for r in rows if r["split"] == name))
    return rows


class _NoBar:
    def update(self, k):
        pass

    def close(self):
        pass


def _progress(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:  # progress is a nicety, not a dependency of correctness
        return _NoBar()
    return tqdm(total=total, unit="clip", desc="building")
