"""Room responses vs pyroomacoustics, same room, same run.

    python benchmarks/bench_room.py [--runs 5]

ShoeBox 6 x 5 x 3 m at 16 kHz, RT60 0.3 and 0.6 s (absorption from Eyring for us, from
pyroomacoustics' own inverse Sabine for it), one source and the listener at fixed positions.
Peer: pyroomacoustics' two-microphone response (ISM to the order its inverse Sabine asks for,
plus its ray-tracing-free default). Ours: the binaural response (image sources through KEMAR up
to the transition time, then the diffuse tail) and the two-microphone one. Median of several
runs, process pinned to one core.
"""
from __future__ import annotations

import argparse
import os

import numpy as np

import bewo_rt
from _timing import median_time  # benchmarks/ is the script folder
from bewo_rt import Room
from bewo_rt.room import room_response


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import pyroomacoustics as pra

    fs, size = 16000, [6.0, 5.0, 3.0]
    src, lis = [4.2, 3.1, 1.4], [2.0, 2.5, 1.6]
    bewo_rt.HRTF.kemar(fs)  # load outside the timing
    print(f"# bench_room: ShoeBox {size} m, {fs} Hz, one core, median of {a.runs} runs; pyroomacoustics {pra.__version__}")
    print("| RT60 | pyroomacoustics 2-mic (ms) | images | bewo_rt binaural (ms) | speed-up | bewo_rt 2-mic (ms) | speed-up |")
    print("|---|---|---|---|---|---|---|")
    for rt60 in (0.3, 0.6):
        e_abs, max_order = pra.inverse_sabine(rt60, size)

        def peer():
            room = pra.ShoeBox(size, fs=fs, materials=pra.Material(e_abs), max_order=max_order)
            room.add_source(src)
            room.add_microphone_array(np.array([[lis[0], lis[0]], [lis[1] + 0.085, lis[1] - 0.085], [lis[2]] * 2]))
            room.compute_rir()
            return room

        t_peer = median_time(peer, a.runs)
        n_images = peer().sources[0].images.shape[1]
        room = Room(outdoor=False, size_m=tuple(size), rt60_s=rt60)
        t_bin = median_time(lambda: room_response(room, src, lis, fs, "kemar", "binaural"), a.runs)
        t_two = median_time(lambda: room_response(room, src, lis, fs, mode="two_mic"), a.runs)
        print(f"| {rt60} | {t_peer * 1e3:.1f} | {n_images} | {t_bin * 1e3:.2f} | {t_peer / t_bin:.0f}x | "
              f"{t_two * 1e3:.2f} | {t_peer / t_two:.0f}x |")


if __name__ == "__main__":
    main()
