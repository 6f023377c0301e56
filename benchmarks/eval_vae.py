"""Spatial error of the autoencoder, measured with bewo_rt.metrics: held-out corpus clips vs
(a) the parametric features alone (analysis + Griffin-Lim synthesis, no network) and
(b) the VAE reconstruction (encode, decode, synthesise). Median azimuth per clip, gated relative
to the clip; clips the metrics cannot place (tonal or far in a reverberant room) are counted.

    python benchmarks/eval_vae.py --run runs/tiny --data /work/data/ss --clips 40
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from bewo_rt.metrics import lcr_class
from bewo_rt.model import data as D, features as F
from bewo_rt.model.config import ModelConfig
from bewo_rt.model.evaluate import spatial_summary
from bewo_rt.model.vae import VAE


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--data", nargs="+", required=True)
    ap.add_argument("--clips", type=int, default=40)
    a = ap.parse_args()
    ck = torch.load(Path(a.run) / "vae.pt", map_location="cpu")
    m = ModelConfig.from_dict(ck["config"]["model"])
    vae = VAE(m.vae_width, m.latent_channels, m.downsamples).eval()
    vae.load_state_dict(ck["model"])
    rows = [(d, r) for d, r in D.read_rows(a.data, None) if r["split"] != "train" and len(r["sources"]) == 1
            and r["sources"][0] and r["scene"]["sources"][0].get("azimuth_end_deg") is None][: a.clips]
    n = D.clip_samples(m.seconds, vae.hop_samples)
    res = {"original": [], "features": [], "vae": []}
    for k in range(0, len(rows), 8):
        chunk = rows[k:k + 8]
        x = D.to_float(D.load_audio(chunk, n))
        with torch.no_grad():
            f, _ = F.analyse(x)
            y_feat = F.synthesise(f, n)
            y_vae = F.synthesise(vae.decoder(vae.encode(f)[0]), n)
        for i in range(len(chunk)):
            res["original"].append(spatial_summary(x[i].numpy())["median"])
            res["features"].append(spatial_summary(y_feat[i].numpy())["median"])
            res["vae"].append(spatial_summary(y_vae[i].numpy())["median"])
    ref = res["original"]
    print(f"{len(rows)} held-out static single-source clips; azimuths by bewo_rt.metrics (gate relative to clip)")
    print("| vs the original clip's measured azimuth | mean abs difference (deg) | same L/C/R | no estimate |")
    print("|---|---|---|---|")
    for key in ("features", "vae"):
        pairs = [(a_, b_) for a_, b_ in zip(ref, res[key]) if a_ is not None and b_ is not None]
        d = np.mean([abs(a_ - b_) for a_, b_ in pairs]) if pairs else float("nan")
        same = np.mean([lcr_class(a_) == lcr_class(b_) for a_, b_ in pairs]) if pairs else float("nan")
        print(f"| {key} | {d:.1f} | {same:.2f} | {sum(v is None for v in res[key])} |")
    scene_az = [float(r["scene"]["sources"][0]["azimuth_start_deg"]) for _, r in rows]
    print("| vs the scene's azimuth | mean abs error (deg) | L/C/R accuracy | no estimate |")
    print("|---|---|---|---|")
    for key in ("original", "features", "vae"):
        pairs = [(a_, b_) for a_, b_ in zip(scene_az, res[key]) if b_ is not None]
        err = np.mean([abs(a_ - b_) for a_, b_ in pairs]) if pairs else float("nan")
        acc = np.mean([lcr_class(a_) == lcr_class(b_) for a_, b_ in pairs]) if pairs else float("nan")
        print(f"| {key} | {err:.1f} | {acc:.2f} | {len(rows) - len(pairs)} |")


if __name__ == "__main__":
    main()
