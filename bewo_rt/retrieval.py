"""Sound libraries as input: fill a Scene's sources with the library clips whose labels best match
the sources' labels, then render the scene along its trajectories.

    matches = retrieve(bewo_rt.parse("a puppy yaps on the left"), "LIB")   # per source, best first
    audio, choices = render_with_library(scene, "LIB", sample_rate=16000, seed=0)
    write_choices("out.choices.json", choices)

Matching: every source label and every distinct library label is embedded with the project's text
encoder (all-MiniLM-L6-v2, mean-pooled and L2-normalised, bewo_rt.model.text_encoder), and a
clip's score is the cosine similarity between its label and the source's label, so paraphrases
match ("puppy yapping" -> "a dog barking", "automobile motor" -> "a car engine idling").
Clips with the same label score the same; retrieve() lists them by id, render_with_library()
picks one of the best at random from `seed`.

Cache: the library's label embeddings are kept in LIBRARY/label_embeddings.npz, keyed by a hash
of the encoder's name and the sorted distinct labels, so they are recomputed only when the
labels change. The file is written atomically; when the folder is read-only (or the file is
damaged) the embeddings are simply computed each time.

Rendering: each chosen clip is fitted to the part of the scene after the source's start time
(fit_length: a random excerpt of a longer clip, or the clip repeated with short pauses) and the
scene is rendered with bewo_rt.room.simulate_scene (the scene's room, or outdoors: free field
plus a ground reflection, like the spatial corpus). A source's `sound` field is not used: every
source gets a library clip.
"""
from __future__ import annotations

import hashlib
import json
import math
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .corpus.library import INDEX, SourceLibrary
from .scene import Scene

CACHE_FILE = "label_embeddings.npz"
DEFAULT_ENCODER = "all-MiniLM-L6-v2 mean-pooled"
_BATCH = 256  # labels per encoder call: bounds memory for large libraries
_TIE = 1e-6   # scores this close are the same label, or as good as the same


@dataclass(frozen=True)
class Match:
    source: int    # index in scene.sources
    query: str     # that source's label
    clip_id: str
    label: str     # the clip's label in the library
    path: str      # absolute path of the clip's audio file
    score: float   # cosine similarity of the two labels, in [-1, 1]

    def to_json(self) -> dict:
        return asdict(self)


# --- library and embeddings ---------------------------------------------------------------------
def open_library(library) -> SourceLibrary:
    """A SourceLibrary with at least one sound; a folder without index.jsonl or sounds is an error
    (the folder is never created here)."""
    if isinstance(library, SourceLibrary):
        lib = library
    elif isinstance(library, (str, Path)):
        root = Path(library)
        if not root.is_dir():
            raise FileNotFoundError(f"library_dir not found: {str(root)!r}")
        if not (root / INDEX).is_file():
            raise FileNotFoundError(f"library_dir {str(root)!r} has no {INDEX}: make a library with "
                                    f"`bewo-rt sources import|procedural|debian ... --lib {root}`")
        lib = SourceLibrary(root)
    else:
        raise TypeError(f"library_dir must be a folder path or a SourceLibrary, got {type(library).__name__}")
    if len(lib) == 0:
        raise ValueError(f"library_dir {str(lib.root)!r} holds no sounds ({INDEX} has no readable entries)")
    return lib


def _encoder_name(encoder) -> str:
    return DEFAULT_ENCODER if encoder is None else str(getattr(encoder, "name", type(encoder).__qualname__))


def _embed(encoder, texts: list[str]) -> np.ndarray:
    if encoder is None:
        from .model.text_encoder import default_text_encoder

        encoder = default_text_encoder()
    parts = [np.asarray(encoder.sentence_embeddings(texts[i:i + _BATCH]), dtype=np.float32)
             for i in range(0, len(texts), _BATCH)]
    e = np.concatenate(parts)
    # normalise again so that any encoder gives cosine similarities
    return e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)


def label_embeddings(library, encoder=None) -> tuple[list[str], np.ndarray]:
    """(sorted distinct labels, (n, d) float32 unit vectors), from the cache when it is current."""
    lib = open_library(library)
    labels = lib.labels()
    key = hashlib.sha256(json.dumps([_encoder_name(encoder), labels]).encode()).hexdigest()
    cache = lib.root / CACHE_FILE
    try:
        with np.load(cache, allow_pickle=False) as z:
            if str(z["key"]) == key and z["embeddings"].shape[0] == len(labels):
                return labels, z["embeddings"].astype(np.float32)
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        pass  # absent, stale format or damaged: recompute
    emb = _embed(encoder, labels)
    try:
        from ._atomic import atomic_path

        with atomic_path(cache) as tmp, open(tmp, "wb") as f:
            np.savez(f, key=np.array(key), labels=np.array(labels), embeddings=emb)
    except OSError:
        pass  # a read-only library still works, only without the cache
    return labels, emb


def _scene(scene) -> Scene:
    if isinstance(scene, str):
        from .text.parser import parse

        return parse(scene)
    if not isinstance(scene, Scene):
        raise TypeError(f"scene must be a bewo_rt.Scene or a prompt string, got {type(scene).__name__}")
    if not scene.sources:
        raise ValueError("scene.sources is empty: nothing to match")
    return Scene.from_dict(scene.to_dict())  # validated copy: errors name the field


def _scores(scene: Scene, lib: SourceLibrary, encoder) -> tuple[list, np.ndarray]:
    """(entries, (n_sources, n_entries) scores)."""
    for i, s in enumerate(scene.sources):
        if not s.label.strip():
            raise ValueError(f"scene.sources[{i}].label is empty: nothing to match in the library")
    labels, lab_emb = label_embeddings(lib, encoder)
    q = _embed(encoder, [s.label.strip() for s in scene.sources])
    sim = q @ lab_emb.T  # (n_sources, n_labels)
    entries = sorted(lib.entries, key=lambda e: e.id)
    col = {lab: j for j, lab in enumerate(labels)}
    return entries, sim[:, [col[e.label] for e in entries]]


def _check_top_k(top_k) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ValueError(f"top_k must be a whole number >= 1, got {top_k!r}")
    return int(top_k)


def _top(sc: Scene, lib: SourceLibrary, entries, scores, top_k: int) -> list[list[Match]]:
    out = []
    for i, s in enumerate(sc.sources):
        order = np.argsort(-scores[i], kind="stable")[:top_k]  # stable: ties stay in id order
        out.append([Match(i, s.label, entries[j].id, entries[j].label, str((lib.root / entries[j].path).resolve()),
                          round(float(scores[i, j]), 6)) for j in order])
    return out


def retrieve(scene, library_dir, top_k: int = 3, encoder=None) -> list[list[Match]]:
    """For each source of `scene` (a Scene or a prompt), the top_k library clips, best first
    (equal scores by clip id). `library_dir`: a library folder or a SourceLibrary. `encoder`:
    anything with sentence_embeddings(list[str]) -> (n, d); None: the project's MiniLM encoder."""
    top_k = _check_top_k(top_k)
    sc = _scene(scene)
    lib = open_library(library_dir)
    entries, scores = _scores(sc, lib, encoder)
    return _top(sc, lib, entries, scores, top_k)


# --- rendering ----------------------------------------------------------------------------------
def fit_length(x: np.ndarray, n: int, rng, fade: int = 160) -> np.ndarray:
    """float32 (n,): a random excerpt of x when it is longer, else x repeated with pauses of 10 % of
    its length (as the corpus builder does); short raised-cosine fades where a cut could click."""
    x = np.asarray(x, dtype=np.float32)
    if n <= 0 or x.size == 0:
        raise ValueError(f"fit_length needs a non-empty sound and n > 0 (got {x.size} samples, n={n})")
    if x.size >= n:
        start = int(rng.integers(0, x.size - n + 1))
        y = x[start:start + n].copy()
    else:
        start = 0
        period = np.concatenate([x, np.zeros(int(0.1 * x.size), np.float32)])
        y = np.tile(period, int(math.ceil(n / period.size)))[:n]
    k = min(int(fade), n // 2)
    if k > 0:
        ramp = (0.5 - 0.5 * np.cos(np.pi * (np.arange(k) + 0.5) / k)).astype(np.float32)
        if start > 0:  # the excerpt begins inside the sound
            y[:k] *= ramp
        y[-k:] *= ramp[::-1]  # the scene's end may cut the sound
    return y


def render_with_library(scene, library_dir, sample_rate: int = 16000, seed: int = 0, seconds: float = 10.0,
                        hrtf="kemar", top_k: int = 3, encoder=None) -> tuple[np.ndarray, list[dict]]:
    """Render `scene` (a Scene or a prompt) with library clips: returns float32 (2, n) binaural audio
    and one choice per source (the chosen clip, its score, licence and the top_k alternatives).

    A scene without duration_s lasts `seconds`. `seed` picks among equally good clips and the
    excerpts; the same inputs and seed give the same audio. The audio is not normalised (peaks may
    exceed 1 when sources are near or many)."""
    from . import _checks
    from .room import simulate_scene

    sr = _checks.sample_rate(sample_rate)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    top_k = _check_top_k(top_k)
    sc = _scene(scene)
    if sc.duration_s is None:
        sc.duration_s = _checks.positive(seconds, "seconds")
    lib = open_library(library_dir)
    entries, scores = _scores(sc, lib, encoder)
    alternatives = _top(sc, lib, entries, scores, top_k)
    rng = np.random.default_rng(int(seed))
    n_out = int(round(sc.duration_s * sr))
    sounds, choices = {}, []
    for i, s in enumerate(sc.sources):
        best = np.flatnonzero(scores[i] >= scores[i].max() - _TIE)
        e = entries[int(best[rng.integers(0, best.size)])]
        n = max(1, n_out - int(round(s.start_time_s * sr)))
        key = f"{i}:{e.id}"  # one key per source: two sources may share a label but not a fitted clip
        sounds[key] = fit_length(lib.load(e.id, sr), n, rng, fade=int(0.01 * sr))
        s.sound = key
        choices.append({"source": i, "query": s.label, "clip_id": e.id, "clip_label": e.label,
                        "path": str((lib.root / e.path).resolve()), "score": round(float(scores[i].max()), 6),
                        "licence": e.licence, "origin": e.origin, "attribution": e.attribution,
                        "alternatives": [m.to_json() for m in alternatives[i]]})
    audio = simulate_scene(sc, sr, sounds, hrtf=hrtf, seed=int(seed))
    return audio, choices


def write_choices(path, choices: list[dict], library_dir=None) -> None:
    """Store the chosen clips and scores as JSON (atomically), e.g. beside the rendered audio."""
    from ._atomic import write_text

    if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
        raise TypeError("choices must be the list of dicts returned by render_with_library")
    doc = {"choices": choices}
    if library_dir is not None:
        root = library_dir.root if isinstance(library_dir, SourceLibrary) else Path(library_dir)
        doc["library"] = str(root.resolve())
    write_text(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
