"""Evaluate a folder of generated binaural clips against metadata scenes or reference clips."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .._atomic import write_text
from .features import FeatureConfig
from .intended import azimuth_at, keyframes_of
from .setmetrics import direction_error_deg, evaluate_set
from .trajectory import MOTION_THRESHOLD_DEG, analyze, direction_of, edge_medians

AUDIO_EXT = (".wav", ".flac")


def list_audio(folder) -> dict[str, Path]:
    d = Path(folder)
    if not d.is_dir():
        raise FileNotFoundError(f"not a folder: {str(folder)!r}")
    return {p.stem: p for p in sorted(d.rglob("*")) if p.is_file() and p.suffix.lower() in AUDIO_EXT}


def read_metadata(path) -> dict[str, dict]:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"metadata file not found: {str(path)!r}")
    rows = {}
    for i, line in enumerate(p.read_text().splitlines()):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{p}:{i + 1}: not valid JSON: {e}") from None
        name = row.get("audio_name")
        if not isinstance(name, str):
            raise ValueError(f"{p}:{i + 1}: row has no 'audio_name'")
        rows[Path(name).stem] = row
    return rows


def _load(path: Path):
    from ..audio_io import read_audio

    x, sr = read_audio(path)
    return x, sr


def _analyze_file(path: Path, hrtf, cfg):
    x, sr = _load(path)
    return analyze(x, sr, hrtf=hrtf, config=cfg), x.shape[1] / sr


def _f(v):
    return None if v is None or not np.isfinite(v) else float(v)


def evaluate_folder(gen_dir, ref_dir=None, metadata=None, hrtf="kemar", config: FeatureConfig | None = None,
                    plots_dir=None, motion_threshold_deg: float = MOTION_THRESHOLD_DEG) -> dict:
    """Per-clip records and set metrics. Clips that cannot be read, are mono, silent, etc. get an
    'error' or status 'silent' record; nothing raises for one bad clip."""
    if (ref_dir is None) == (metadata is None):
        raise ValueError("give exactly one of ref_dir or metadata")
    cfg = config or FeatureConfig()
    gen = list_audio(gen_dir)
    if not gen:
        raise ValueError(f"no .wav/.flac files in {str(gen_dir)!r}")
    refs = list_audio(ref_dir) if ref_dir is not None else None
    rows = read_metadata(metadata) if metadata is not None else None
    clips, gen_vec, ref_vec = [], [], []
    for stem, path in gen.items():
        rec = {"clip": stem, "file": str(path)}
        clips.append(rec)
        try:
            a, seconds = _analyze_file(path, hrtf, cfg)
        except Exception as e:  # one bad clip never stops the evaluation
            rec.update(status="error", error=f"{type(e).__name__}: {e}")
            continue
        rec.update(a.summary())
        est = a.azimuth_deg
        intended = None
        if a.status == "ok":
            gen_vec.append(a.features.vectors())
        if rows is not None:
            row = rows.get(stem)
            if row is None:
                rec["intended_error"] = "no metadata row for this clip"
            else:
                try:
                    kf = keyframes_of(row, seconds)
                except Exception as e:
                    kf = None
                    rec["intended_error"] = f"{type(e).__name__}: {e}"
                if kf is None and "intended_error" not in rec:
                    rec["intended_error"] = "scene has several sources: no single intended trajectory"
                if kf is not None:
                    intended = azimuth_at(kf, a.times_s)
        else:
            rp = refs.get(stem)
            if rp is None:
                rec["intended_error"] = "no reference clip with this name"
            else:
                try:
                    r, _ = _analyze_file(rp, hrtf, cfg)
                    rec["ref_status"] = r.status
                    rec["ref_mean_itd_samples_16k"] = r.mean_itd_samples
                    if r.status == "ok":
                        ref_vec.append(r.features.vectors())
                        n = min(r.azimuth_deg.size, est.size)
                        intended = np.full(est.size, np.nan)
                        intended[:n] = r.azimuth_deg[:n]
                except Exception as e:
                    rec["intended_error"] = f"reference: {type(e).__name__}: {e}"
        if intended is not None:
            ok = np.isfinite(est) & np.isfinite(intended)
            rec["direction_error_deg"] = direction_error_deg(est, intended)
            if ok.any():
                rec["intended_median_azimuth_deg"] = float(np.median(intended[ok]))
                s, e = edge_medians(np.where(ok, intended, np.nan))
                rec["intended_direction"] = direction_of(s, e, motion_threshold_deg)
        if plots_dir is not None:
            try:
                from .plots import plot_clip

                rec["plot"] = str(plot_clip(Path(plots_dir) / f"{stem}.png", a.times_s, est, intended,
                                            f"{stem} ({hrtf})", a.features.silent))
            except Exception as e:
                rec["plot_error"] = f"{type(e).__name__}: {e}"
    gv = np.concatenate(gen_vec) if gen_vec else None
    rv = np.concatenate(ref_vec) if ref_vec else None
    report = {"settings": {"hrtf": str(hrtf), "analysis_sample_rate": cfg.sample_rate, "window_s": cfg.window_s,
                           "hop_s": cfg.hop_s, "max_itd_ms": cfg.max_itd_ms, "gate_db": cfg.gate_db,
                           "gate_ref": cfg.gate_ref, "itd_sign": "t_left - t_right (positive: source right)",
                           "gcc_mse_units": "samples^2 at 16 kHz (ms^2 = samples^2 / 256)",
                           "frechet": "Gaussian Frechet over per-window [ITD samples, band ILD dB]; not BEWO's StereoCRW FSAD"},
              "set": evaluate_set(clips, gv, rv if refs is not None else None),
              "clips": clips}
    return json.loads(json.dumps(report, default=_jsonable))


def _jsonable(o):
    if isinstance(o, (np.floating, np.integer)):
        return _f(float(o))
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def write_json_atomic(path, obj) -> None:
    write_text(path, json.dumps(obj, indent=2, allow_nan=False))
