"""The fused sampler step (CFG combine, v -> denoised estimate, DPM-Solver++(2M) update, one pass)
vs the same arithmetic as separate torch ops, in effective GB/s: 24 bytes per latent value
(reads x, v_cond, v_uncond, prev_d; writes x, d), same run.

    python benchmarks/bench_sampler.py --device cuda [--runs 20]
    python benchmarks/bench_sampler.py --device cpu  [--runs 20]

CUDA: _core.time_sampler_cuda (device-resident, in place, cudaEvent timing) vs torch eager on
CUDA tensors (CUDA events); the reference bandwidth is a device-to-device cudaMemcpy measured in
the same run (bytes read + written), and the theoretical peak from the device attributes is
printed too. CPU: _core.nn_sampler_step vs torch eager on the CPU (wall time).
Median of --runs timings, each the mean of --inner steps.
"""
from __future__ import annotations

import argparse
import statistics
import sys

import numpy as np

import bewo_rt
from _timing import median_per_call  # benchmarks/ is the script folder
from bewo_rt import _core

BYTES_PER = 24
# (name, n): the shipped model's 10 s latent with CFG (2 x 16 channels x 157 frames), a 64-channel
# latent of the same length (4x the shipped one: the size of a larger model's), 8 such 30 s
# sources, and a bandwidth-sized one.
SIZES = [("shipped model 10 s, CFG (2x16x157)", 2 * 16 * 157), ("64-channel latent 10 s, CFG (2x64x157)", 2 * 64 * 157),
         ("8 sources x 30 s, 64 ch, CFG", 16 * 64 * 470), ("64 Mi values", 1 << 26)]
COEF = dict(a=0.9, s=0.3, cfg=3.0, cx=0.5, cd=0.3, cp=0.1)


def torch_step(x, vc, vu, pd, a, s, cfg, cx, cd, cp):
    d = a * x - s * (vu + cfg * (vc - vu))
    xn = cx * x + cd * d + cp * pd
    return xn, d


def run_cuda(args):
    cuda = bewo_rt.backends()["cuda"]
    if not cuda["usable"]:
        print(f"no CUDA device: {cuda['detail']}")
        return 0
    try:
        import torch
    except ImportError:
        torch = None
    have_torch = torch is not None and torch.cuda.is_available()
    info = _core.cuda_device_info()
    copy_bytes = 1 << 28
    copy_ms = statistics.median(_core.time_copy_cuda(copy_bytes, reps=args.runs))
    copy_gbs = 2 * copy_bytes / (copy_ms * 1e-3) / 1e9
    peak = info["peak_bandwidth_gbs"]
    print(f"# bench_sampler --device cuda: {info['name']}; D2D cudaMemcpy {copy_gbs:.0f} GB/s (read + write, "
          f"measured), theoretical peak {peak:.0f} GB/s; median of {args.runs} x {args.inner} steps")
    print("| size | n | native (us) | native GB/s | % of copy | % of peak | torch eager (us) | torch GB/s | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, n in SIZES:
        ms = statistics.median(_core.time_sampler_cuda(n, reps=args.runs, inner=args.inner))
        gbs = BYTES_PER * n / (ms * 1e-3) / 1e9
        tms = None
        if have_torch:
            g = torch.Generator(device="cuda").manual_seed(0)
            x, vc, vu, pd = (torch.rand(n, device="cuda", generator=g) for _ in range(4))
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            for _ in range(3):
                torch_step(x, vc, vu, pd, **COEF)
            torch.cuda.synchronize()
            ts = []
            for _ in range(args.runs):
                start.record()
                for _ in range(args.inner):
                    x2, d2 = torch_step(x, vc, vu, pd, **COEF)
                end.record()
                end.synchronize()
                ts.append(start.elapsed_time(end) / args.inner)
            tms = statistics.median(ts)
            del x, vc, vu, pd
        tg = "-" if tms is None else f"{BYTES_PER * n / (tms * 1e-3) / 1e9:.0f}"
        print(f"| {name} | {n} | {ms * 1e3:.1f} | {gbs:.0f} | {100 * gbs / copy_gbs:.0f} % | {100 * gbs / peak:.0f} % "
              f"| {'-' if tms is None else f'{tms * 1e3:.1f}'} | {tg} | {'-' if tms is None else f'{tms / ms:.1f}x'} |")
    if args.dit_steps > 0 and hasattr(_core, "dit_cuda_selftest"):
        # The whole loop: DitCuda (fp16 weights, one CUDA graph for every step) vs the CPU
        # dit_forward + sampler_step (all cores), random weights, same inputs.
        print()
        print(f"# DiT sampling loop, {args.dit_steps} DPM-Solver++(2M) steps with CFG (batch x 2), random fp16 weights, "
              "48 context tokens; CPU: dit_forward on all cores; CUDA: one graph launch (device time)")
        print("| model | width / heads / depth | frames | batch | CPU loop (ms) | CUDA graph (ms) | speed-up "
              "| max rel. diff |")
        print("|---|---|---|---|---|---|---|---|")
        for name, w, h, dep, ch, fr, b in (("small 10 s", 192, 4, 4, 16, 157, 1),
                                           ("small 30 s x 4 sources", 192, 4, 4, 16, 470, 4),
                                           ("base 10 s", 512, 8, 12, 32, 157, 1)):
            r = _core.dit_cuda_selftest(width=w, heads=h, depth=dep, channels=ch, frames=fr, batch=b, n_ctx=49,
                                        steps=args.dit_steps, dtype="fp16", seed=0)
            print(f"| {name} | {w} / {h} / {dep} | {fr} | {b} | {r['cpu_sample_ms']:.1f} | "
                  f"{r['gpu_sample_graph_ms']:.2f} | {r['cpu_sample_ms'] / r['gpu_sample_graph_ms']:.0f}x | "
                  f"{r['sample_rel_err']:.2g} |")
    return 0


def run_cpu(args):
    have_native = hasattr(_core, "nn_sampler_step")
    try:
        import torch
    except ImportError:
        torch = None
    print(f"# bench_sampler --device cpu: median of {args.runs} x {args.inner} steps; torch "
          f"{torch.__version__ if torch else 'absent'}")
    if not have_native:
        print("# _core.nn_sampler_step is not built: native column empty")
    print("| size | n | native (us) | native GB/s | torch eager (us) | torch GB/s | speed-up |")
    print("|---|---|---|---|---|---|---|")
    rng = np.random.default_rng(0)

    def med(fn):
        return median_per_call(fn, args.runs, args.inner)

    for name, n in SIZES[:2] + [("4 Mi values", 1 << 22)]:
        x, vc, vu, pd = (rng.standard_normal(n).astype(np.float32) for _ in range(4))
        tn = tt = None
        if have_native:
            c = COEF
            tn = med(lambda: _core.nn_sampler_step(x, vc, vu, pd, c["a"], c["s"], c["cfg"], c["cx"], c["cd"], c["cp"],
                                                   False))
        if torch is not None:
            tx, tc, tu, tp = (torch.from_numpy(t) for t in (x, vc, vu, pd))
            with torch.inference_mode():
                tt = med(lambda: torch_step(tx, tc, tu, tp, **COEF))
        us = lambda t: "-" if t is None else f"{t * 1e6:.1f}"  # noqa: E731
        gb = lambda t: "-" if t is None else f"{BYTES_PER * n / t / 1e9:.1f}"  # noqa: E731
        sp = "-" if tn is None or tt is None else f"{tt / tn:.1f}x"
        print(f"| {name} | {n} | {us(tn)} | {gb(tn)} | {us(tt)} | {gb(tt)} | {sp} |")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--inner", type=int, default=10)
    ap.add_argument("--dit-steps", type=int, default=25, help="CUDA: steps of the DiT sampling-loop comparison (0: skip)")
    a = ap.parse_args()
    return run_cuda(a) if a.device == "cuda" else run_cpu(a)


if __name__ == "__main__":
    sys.exit(main())
