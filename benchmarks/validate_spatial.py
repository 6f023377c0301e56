"""Round-trip validation of bewo_rt.metrics: render sounds at known azimuths (free field through
KEMAR and the spherical head, rooms of RT60 0.3 / 0.6 s through KEMAR), estimate the azimuth
with the estimator calibrated on the same HRTF set, print a markdown table.

Per condition: |error| of the clip's median azimuth (median and 90th percentile, degrees),
correct-side rate (sign of the estimate = sign of the truth, for |az| >= 15), and motion
accuracy (direction of -60 -> 60 and 60 -> -60 moves, 3 s clips). Every clip is normalised to a
peak of 0.9; gating at -16 dB relative to the clip's loudest window (gate_ref='clip'):
BEWO's absolute -16 dBFS gate marks most of a peak-normalised speech or music clip silent.

    python benchmarks/validate_spatial.py [--step 15] [--seconds 2]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time

import numpy as np

from bewo_rt import render
from bewo_rt.metrics import FeatureConfig, analyze
from bewo_rt.room import simulate_scene
from bewo_rt.scene import Room, Scene, Source

SR = 16000
CFG = FeatureConfig(gate_db=-16.0, gate_ref="clip")


def speech(rng, seconds):
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if exe:
        from bewo_rt.audio_io import read_audio, resample_audio

        with tempfile.NamedTemporaryFile(suffix=".wav") as f:
            text = "the quick brown fox jumps over the lazy dog while the birds sing in the morning light"
            subprocess.run([exe, "-w", f.name, "-s", "170", text], check=True, capture_output=True)
            x, sr = read_audio(f.name)
            x = resample_audio(x.mean(axis=0), sr, SR)
        n = int(seconds * SR)
        x = np.tile(x, int(np.ceil(n / x.size)) + 1)
        off = int(rng.integers(0, x.size - n))
        return x[off:off + n], "speech (espeak-ng)"
    from bewo_rt.corpus.procedural import generate

    return generate("dog", seconds, SR, int(rng.integers(1 << 30))), "speech-like (procedural dog)"


def music(rng, seconds):
    t = np.arange(int(seconds * SR)) / SR
    x = np.zeros_like(t)
    notes = 220 * 2 ** (rng.integers(0, 12, 8) / 12)
    seg = t.size // len(notes)
    for i, f0 in enumerate(notes):
        tt = t[i * seg:(i + 1) * seg] - t[i * seg]
        env = np.exp(-tt * 2.0) * np.minimum(1, tt / 0.01)
        x[i * seg:(i + 1) * seg] = env * sum(np.sin(2 * np.pi * f0 * h * tt) / h for h in range(1, 9))
    return x, "music (harmonic tones)"


def noise(rng, seconds):
    return rng.standard_normal(int(seconds * SR)), "white noise"


def place(x, sr, cond, rng, az=None, path=None):
    x = (0.3 * x / (np.std(x) + 1e-12)).astype(np.float32)
    if cond[0] == "free":
        y = render(x, sr, azimuth=az or 0.0, path=path, hrtf=cond[1])
    else:
        src = Source(label="s", azimuth_start_deg=az if path is None else path[0][1],
                     azimuth_end_deg=None if path is None else path[1][1],
                     speed="still" if path is None else "slow", distance_m=1.5)
        room = Room(outdoor=False, size_m=(6.0, 5.0, 3.0), rt60_s=cond[2])
        y = simulate_scene(Scene([src], duration_s=x.size / sr, room=room), sr, {"s": x}, hrtf=cond[1],
                           seed=int(rng.integers(1000)))
    return 0.9 * y / np.abs(y).max()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--step", type=float, default=15.0)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    rng = np.random.default_rng(a.seed)
    conds = [("free", "kemar", None), ("free", "sphere", None), ("room", "kemar", 0.3), ("room", "kemar", 0.6)]
    azs = np.arange(-90, 90 + 1e-9, a.step)
    print("| condition | sound | clips | median abs err (deg) | p90 abs err (deg) | correct side | motion acc | no estimate |")
    print("|---|---|---|---|---|---|---|---|")
    t0 = time.time()
    for cond in conds:
        cname = f"free field, {cond[1]}" if cond[0] == "free" else f"room RT60 {cond[2]} s, {cond[1]}"
        for gen in (noise, speech, music):
            errs, side, none = [], [], 0
            for az in azs:
                x, sname = gen(rng, a.seconds)
                r = analyze(place(x, SR, cond, rng, az=float(az)), SR, hrtf=cond[1], config=CFG)
                if r.median_azimuth_deg is None:
                    none += 1
                    continue
                errs.append(abs(r.median_azimuth_deg - az))
                if abs(az) >= 15:
                    side.append(np.sign(r.median_azimuth_deg) == np.sign(az))
            mot = []
            for a0, a1, want in ((-60, 60, "left_to_right"), (60, -60, "right_to_left"), (-60, -60, "static"),
                                 (-30, 30, "left_to_right")):
                x, _ = gen(rng, 3.0)
                path = [(0.3, float(a0)), (2.7, float(a1))]
                r = analyze(place(x, SR, cond, rng, path=path), SR, hrtf=cond[1], config=CFG)
                mot.append(r.direction == want)
            e = np.array(errs) if errs else np.array([np.nan])
            print(f"| {cname} | {sname} | {len(azs)} | {np.median(e):.1f} | {np.percentile(e, 90):.1f} | "
                  f"{np.mean(side):.2f} | {np.mean(mot):.2f} ({len(mot)}) | {none} |")
    print(f"\n({time.time() - t0:.0f} s; azimuths {azs[0]:g}..{azs[-1]:g} every {a.step:g} deg, {a.seconds:g} s clips, "
          "distance 1.5 m in a 6 x 5 x 3 m room)")


if __name__ == "__main__":
    main()
