"""Batched room responses on the GPU vs the CPU, same rooms, same run.

    python benchmarks/bench_room_gpu.py [--responses 256] [--runs 3]

Random shoebox rooms (4-12 x 3-9 x 2.5-5 m, RT60 0.3-1.0 s), random source and listener
positions, 16 kHz; binaural (KEMAR) and two-microphone modes. CPU: room_responses(backend="cpu")
(one response after the other, one core); CUDA: one batch. Prints times (median), responses per
second, the ratio, and the largest difference relative to each CPU response's peak.
"""
from __future__ import annotations

import argparse

import numpy as np
from _timing import median_time  # benchmarks/ is the script folder

import bewo_rt
from bewo_rt import Room
from bewo_rt.room import room_responses


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--responses", type=int, default=256)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    scenes = []
    for _ in range(a.responses):
        size = (rng.uniform(4, 12), rng.uniform(3, 9), rng.uniform(2.5, 5))
        room = Room(outdoor=False, size_m=tuple(float(v) for v in size), rt60_s=float(rng.uniform(0.3, 1.0)))
        pos = lambda: np.array([rng.uniform(0.5, s - 0.5) for s in size])  # noqa: E731
        scenes.append((room, pos(), pos()))
    cuda = bewo_rt.backends()["cuda"]
    print(f"# bench_room_gpu: {a.responses} random rooms, 16 kHz; cuda: {cuda['detail']}")
    print("| mode | CPU (ms) | CUDA (ms) | responses/s CPU | responses/s CUDA | speed-up | max rel. diff |")
    print("|---|---|---|---|---|---|---|")
    for mode in ("binaural", "two_mic"):
        t_cpu = median_time(lambda: room_responses(scenes, 16000, mode=mode, backend="cpu"), a.runs)
        if not cuda["usable"]:
            print(f"| {mode} | {t_cpu * 1e3:.0f} | not usable | {a.responses / t_cpu:.0f} | - | - | - |")
            continue
        t_gpu = median_time(lambda: room_responses(scenes, 16000, mode=mode, backend="cuda"), a.runs)
        cpu = room_responses(scenes, 16000, mode=mode, backend="cpu")
        gpu = room_responses(scenes, 16000, mode=mode, backend="cuda")
        diff = max(float(np.max(np.abs(g - c)) / np.max(np.abs(c))) for g, c in zip(gpu, cpu))
        print(f"| {mode} | {t_cpu * 1e3:.0f} | {t_gpu * 1e3:.1f} | {a.responses / t_cpu:.0f} | "
              f"{a.responses / t_gpu:.0f} | {t_cpu / t_gpu:.1f}x | {diff:.1e} |")


if __name__ == "__main__":
    main()
