"""Evaluate a model bundle in both generation modes on held-out corpus captions and on prompts
written by hand (python_tests/data/unseen_prompts.jsonl, wording and labels not in training):
left/centre/right accuracy and mean azimuth error (static), direction of motion (moving),
content accuracy (a classifier trained on the corpus' single-source clips).

    python benchmarks/eval_model.py --data /work/data/ss /work/data/sd [--bundle B] [--clips 30]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from bewo_rt.metrics import fold_lateral
from bewo_rt.model import data as D
from bewo_rt.model.evaluate import ContentClassifier, content_features, intended, score, spatial_summary
from bewo_rt.model.generate import generate
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", nargs="+", required=True, help="corpus folders (their test split is held out)")
    ap.add_argument("--bundle", default=None)
    ap.add_argument("--clips", type=int, default=30, help="held-out clips per corpus folder")
    ap.add_argument("--modes", default="one-stage,cascaded")
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--cfg", type=float, default=3.0)
    ap.add_argument("--json", default=None, help="write the report here")
    ap.add_argument("--sets", default="held-out,unseen", help="which prompt sets to run")
    a = ap.parse_args(argv)
    clf, clf_acc = train_classifier(a.data)
    print(f"content classifier: {len(clf.labels)} labels, accuracy on held-out corpus clips {clf_acc:.3f}")
    todo = cases(a.data, a.clips, Path(__file__).resolve().parent.parent / "python_tests/data/unseen_prompts.jsonl")
    todo = [c for c in todo if c["set"] in a.sets.split(",")]
    report = {"classifier_accuracy": clf_acc, "bundle": a.bundle or "shipped", "steps": a.steps, "cfg": a.cfg,
              "results": {}}
    # The ceiling the metrics allow on the held-out set: the corpus' own clips, measured the same way.
    held = [c for c in todo if c["set"] == "held-out"]
    if held:
        ref_audio = D.load_audio([c["row"] for c in held], D.clip_samples(10.0, 1024)).astype(np.float32) / 32768.0
        ref = [{"intended": intended(c["scene"]), "measured": spatial_summary(x),
                "content_ok": clf.predict(content_features(x.mean(axis=0))[None])[0] == c["label"]}
               for c, x in zip(held, ref_audio)]
        report["results"]["reference (corpus clips)"] = {"held-out": score(ref)}
        s_ = report["results"]["reference (corpus clips)"]["held-out"]
        print(f"reference held-out: LCR {s_['lcr_accuracy']:.3f} az err {s_['mean_azimuth_error_deg']:.1f} "
              f"motion {s_['motion_accuracy']:.3f} content {s_['content_accuracy']:.3f}", flush=True)
    for mode in a.modes.split(","):
        recs, times = {k: [] for k in a.sets.split(",")}, []
        for i, c in enumerate(todo):
            t0 = time.perf_counter()
            g = generate(c["prompt"], seconds=10.0, steps=a.steps, cfg=a.cfg, seed=i, mode=mode, bundle_path=a.bundle)
            times.append(time.perf_counter() - t0)
            mono = g.audio.mean(axis=0)
            pred = clf.predict(content_features(mono)[None])[0]
            recs[c["set"]].append({"intended": intended(c["scene"]), "measured": spatial_summary(g.audio),
                                   "content_ok": pred == c["label"], "prompt": c["prompt"], "predicted": pred})
        report["results"][mode] = {k: score(v) for k, v in recs.items()}
        report["results"][mode]["median_time_s"] = float(np.median(times))
        report.setdefault("records", {})[mode] = recs
        for k in recs:
            s = report["results"][mode][k]
            fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
            print(f"{mode:9s} {k:8s} static {s['static_clips']:3d} LCR {fmt(s['lcr_accuracy'])} "
                  f"az err {fmt(s['mean_azimuth_error_deg'])} | moving {s['moving_clips']:3d} motion "
                  f"{fmt(s['motion_accuracy'])} | content {fmt(s['content_accuracy'])}", flush=True)
        print(f"{mode}: median {np.median(times):.2f} s per 10 s clip")
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
