"""Evaluate any loaded model, in both generation modes, on prompts written by hand
(python_tests/data/unseen_prompts.jsonl: wording and labels never in training) and, with --data,
on held-out corpus captions: left/centre/right accuracy and mean azimuth error (static sources),
direction of motion (moving sources), content accuracy (a classifier trained on the corpus'
single-source clips; needs --data). Every model family: the shipped model (default), a Stable
Audio Open / BEWO folder (--model, --t5), or a random small BEWO_mix-shaped model (--random,
needs stable-audio-tools, as the tests use).

Which figures mean what: the cascaded mode's direction and motion figures measure where the
renderer put each generated sound and hold for any weights (random ones included); the
one-stage figures and every content figure measure what the model learned, so they need a real
checkpoint. The table says so under each run.

    python benchmarks/eval_model.py                                   # the shipped model
    python benchmarks/eval_model.py --model BEWO_mix/ --t5 t5-base/   # a real checkpoint
    python benchmarks/eval_model.py --random --seconds 4 --steps 2    # random weights (placement only)
    python benchmarks/eval_model.py --data /work/data/ss /work/data/sd  # + held-out captions, content
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bewo_rt.metrics import fold_lateral
from bewo_rt.model import data as D
from bewo_rt.model.evaluate import ContentClassifier, content_features, intended, score, spatial_summary
from bewo_rt.scene import Scene, Source


def train_classifier(dirs, per_label: int = 60) -> tuple[ContentClassifier, float]:
    rows = [(d, r) for d, r in D.read_rows(dirs, None) if len(r["sources"]) == 1]
    rng = np.random.default_rng(0)
    by = {}
    for d, r in rows:
        by.setdefault(r["sources"][0]["label"], []).append((d, r))
    train, test = [], []
    for lab, rs in by.items():
        rs = [rs[i] for i in rng.permutation(len(rs))]
        test += [x for x in rs if x[1]["split"] != "train"][:10]
        train += [x for x in rs if x[1]["split"] == "train"][:per_label]
    n = D.clip_samples(10.0, 1024)

    def feats(rs):
        a = D.load_audio(rs, n).astype(np.float32).mean(axis=1)
        return np.stack([content_features(x) for x in a]), [r["sources"][0]["label"] for _, r in rs]

    xf, yl = feats(train)
    clf = ContentClassifier().fit(xf, yl)
    tf, tl = feats(test)
    acc = float(np.mean([p == t for p, t in zip(clf.predict(tf), tl)]))
    return clf, acc


def cases(dirs, clips: int, prompts_file: Path):
    held = []
    for d in dirs:
        rows = [(dd, r) for dd, r in D.read_rows([d], None) if r["split"] == "test" and len(r["sources"]) == 1]
        held += rows[:clips]
    out = [{"set": "held-out", "prompt": r["caption"], "scene": Scene.from_dict(r["scene"]),
            "label": r["sources"][0]["label"], "row": (d, r)} for d, r in held]
    for line in prompts_file.read_text().splitlines():
        p = json.loads(line)
        if "azimuth" in p:
            sc = Scene([Source(label=p["label"], azimuth_start_deg=float(p["azimuth"]))])
        else:
            sc = Scene([Source(label=p["label"], azimuth_start_deg=float(p["from"]), azimuth_end_deg=float(p["to"]),
                               speed="moderate")])
        out.append({"set": "unseen", "prompt": p["prompt"], "scene": sc, "label": p["label"]})
    return out


def random_bewo_mix(workdir: Path):
    """A random small BEWO_mix-shaped model and T5 (the tests' harness); (model dir, t5 dir)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python_tests"))
    import sao_reference as R

    R.setup_imports()
    t5 = R.make_t5_folder(workdir / "t5")
    return R.make_bewo_mix(workdir / "BEWO_mix_random", t5, strides=(4, 8, 8)), t5


def at_16k(audio, sr):
    """The metrics' and the classifier's rate (the classifier's features are 16 kHz mels)."""
    if sr == 16000:
        return audio
    from fractions import Fraction

    from scipy.signal import resample_poly

    f = Fraction(16000, int(sr))
    return resample_poly(audio, f.numerator, f.denominator, axis=-1).astype(np.float32)


MEANING = {"cascaded": "direction and motion measure the renderer's placement (true for any weights, random ones "
                        "included); content measures the model (trained weights only)",
           "one-stage": "every figure measures what the model learned: meaningful for trained weights (the shipped "
                         "model, a released checkpoint), not for random ones"}


def main(argv=None) -> int:
    from bewo_rt import load_model

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None, help="any model load_model reads (default: the shipped one)")
    ap.add_argument("--bundle", default=None, help="(older name of --model for a tiny-model bundle)")
    ap.add_argument("--t5", default=None, help="with a Stable Audio Open / BEWO model: the t5-base folder")
    ap.add_argument("--random", action="store_true", help="a random small BEWO_mix-shaped model (placement only)")
    ap.add_argument("--data", nargs="*", default=[], help="corpus folders: held-out captions and the content classifier")
    ap.add_argument("--clips", type=int, default=30, help="held-out clips per corpus folder")
    ap.add_argument("--modes", default="one-stage,cascaded")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--steps", type=int, default=None, help="default: the model's published setting")
    ap.add_argument("--cfg", type=float, default=None, help="default: the model's")
    ap.add_argument("--limit", type=int, default=0, help="at most this many prompts per set (0: all)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--json", default=None, help="write the report here")
    ap.add_argument("--sets", default="held-out,unseen", help="which prompt sets to run")
    a = ap.parse_args(argv)
    path, t5 = a.model or a.bundle, a.t5
    if a.random:
        path, t5 = random_bewo_mix(Path(tempfile.mkdtemp(prefix="bewo_eval_")))
    m = load_model(path, t5=t5, n_threads=a.threads)
    name = "random BEWO_mix-shaped" if a.random else getattr(m, "name", str(path))
    print(f"model: {name} ({m.family}, {m.sample_rate} Hz)")
    clf = None
    if a.data:
        clf, clf_acc = train_classifier(a.data)
        print(f"content classifier: {len(clf.labels)} labels, accuracy on held-out corpus clips {clf_acc:.3f}")
    sets = [x for x in a.sets.split(",") if x != "held-out" or a.data]
    todo = cases(a.data, a.clips, Path(__file__).resolve().parent.parent / "python_tests/data/unseen_prompts.jsonl")
    todo = [c for c in todo if c["set"] in sets]
    if a.limit:
        todo = [c for k in sets for c in [x for x in todo if x["set"] == k][:a.limit]]
    report = {"model": name, "family": m.family, "sample_rate": m.sample_rate, "seconds": a.seconds,
              "steps": a.steps, "cfg": a.cfg, "results": {}, "meaning": MEANING}
    held = [c for c in todo if c["set"] == "held-out"]
    if held:
        # The ceiling the metrics allow on the held-out set: the corpus' own clips, measured the same way.
        ref_audio = D.load_audio([c["row"] for c in held], D.clip_samples(10.0, 1024)).astype(np.float32) / 32768.0
        ref = [{"intended": intended(c["scene"]), "measured": spatial_summary(x),
                "content_ok": clf.predict(content_features(x.mean(axis=0))[None])[0] == c["label"]}
               for c, x in zip(held, ref_audio)]
        report["results"]["reference (corpus clips)"] = {"held-out": score(ref)}
    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    for mode in a.modes.split(","):
        recs, times = {k: [] for k in sets}, []
        for i, c in enumerate(todo):
            t0 = time.perf_counter()
            g = m.generate(c["prompt"], seconds=a.seconds, steps=a.steps, cfg=a.cfg, seed=i, mode=mode)
            times.append(time.perf_counter() - t0)
            audio = at_16k(g.audio, g.sample_rate)
            if audio.shape[0] != 2:
                raise ValueError(f"{name} wrote {audio.shape[0]} channels; the metrics need two")
            pred = clf.predict(content_features(audio.mean(axis=0))[None])[0] if clf is not None else None
            recs[c["set"]].append({"intended": intended(c["scene"]), "measured": spatial_summary(audio),
                                   "content_ok": (pred == c["label"]) if clf is not None else None,
                                   "prompt": c["prompt"], "predicted": pred, "positions": g.info.get("positions")})
        report["results"][mode] = {k: score(v) for k, v in recs.items()}
        report["results"][mode]["median_time_s"] = float(np.median(times))
        report.setdefault("records", {})[mode] = recs
    print(f"\n| mode | set | static | LCR acc. | az. err (deg) | moving | motion acc. | content acc. | median s/clip |")
    print("|---|---|---|---|---|---|---|---|---|")
    for mode, res in report["results"].items():
        for k, s in res.items():
            if not isinstance(s, dict):
                continue
            t = res.get("median_time_s")
            print(f"| {mode} | {k} | {s['static_clips']} | {fmt(s['lcr_accuracy'])} | {fmt(s['mean_azimuth_error_deg'])} | "
                  f"{s['moving_clips']} | {fmt(s['motion_accuracy'])} | {fmt(s['content_accuracy'])} | "
                  f"{'-' if t is None else f'{t:.2f}'} |")
    print()
    for mode in a.modes.split(","):
        print(f"{mode}: {MEANING[mode]}")
    if clf is None:
        print("content: no --data, so no classifier (content accuracy '-')")
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
