"""`bewo-rt bench`: every hot path against its peer, in one run, on this machine.

    bewo-rt bench [--kernels attention,sampler,hrtf,room,generate] [--backend cpu|cuda]
                  [--format md|csv|json] [--reps 10]

Each case: warm-up, `reps` timed repetitions, the median and the spread (min-max) for ours and
for the peer in the same process, and the ratio peer/ours (> 1: we are faster). Peers: torch
SDPA (attention), the same arithmetic as separate torch/numpy ops (sampler step),
scipy.signal.oaconvolve (HRTF convolution), pyroomacoustics (room response), the PyTorch model
(generate). A peer that is not installed is reported as such. The machine comes first.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import time

import numpy as np

from . import _core

KERNELS = ("gemm", "attention", "sampler", "hrtf", "room", "generate")


def _times(fn, reps: int, sync=None) -> list[float]:
    fn()
    if sync:
        sync()
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        if sync:
            sync()
        out.append((time.perf_counter() - t) * 1e3)
    return out


def _row(kernel, case, backend, ours, peer_name, peer, unit_note=""):
    r = {"kernel": kernel, "case": case, "backend": backend, "ours_ms": statistics.median(ours),
         "ours_min_ms": min(ours), "ours_max_ms": max(ours), "peer": peer_name}
    if peer:
        r.update(peer_ms=statistics.median(peer), peer_min_ms=min(peer), peer_max_ms=max(peer),
                 ratio=statistics.median(peer) / statistics.median(ours))
    if unit_note:
        r["note"] = unit_note
    return r


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    except OSError:
        pass
    m = {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}
    m["cuda"] = _cuda_device()
    try:
        import torch

        m["torch"] = torch.__version__
    except ImportError:
        m["torch"] = None
    return m


def _cuda_device():
    compiled, devices, detail = _core.cuda_status()
    if not (compiled and devices > 0):
        return None
    try:
        return str(_core.cuda_device_info())
    except Exception:  # noqa: BLE001 - the device name is informative only
        return detail or "CUDA device"


def _torch():
    try:
        import torch

        return torch
    except ImportError:
        return None


def bench_gemm(backend: str, reps: int) -> list[dict]:
    """Our GEMM micro-kernel as the runtime calls it (weights packed once at load; timed in C++
    per call) vs numpy's BLAS (OpenBLAS in the numpy wheels) on the DiT's and MiniLM's shapes."""
    if backend != "cpu":
        return []
    rng = np.random.default_rng(0)
    threads = os.cpu_count() or 1
    rows = []
    for name, m, k, n in (("DiT qkv/out, 10 s CFG batch", 316, 192, 192), ("DiT MLP up", 316, 192, 768),
                          ("DiT MLP down", 316, 768, 192), ("MiniLM FFN, 21 tokens", 21, 384, 1536)):
        x = rng.standard_normal((m, k)).astype(np.float32)
        w = rng.standard_normal((n, k)).astype(np.float32)
        wt = np.ascontiguousarray(w.T)
        ours = _core.nn_linear_timed(x, w, threads, reps)
        peer = _times(lambda: x @ wt, reps)
        gflop = 2 * m * k * n / 1e6
        rows.append(_row("gemm", f"{name}: {m}x{k}x{n}", f"cpu fp32, {threads} threads", ours, "numpy matmul (BLAS)",
                         peer, f"{gflop / statistics.median(ours):.0f} GFLOP/s ours"))
    return rows


def bench_attention(backend: str, reps: int) -> list[dict]:
    torch = _torch()
    rows = []
    shapes = [("self 10 s (tiny)", 2, 158, 158, 4, 48), ("cross (tiny)", 2, 158, 49, 4, 48),
              ("self 10 s (base)", 2, 158, 158, 8, 64), ("self 30 s (tiny)", 2, 470, 470, 4, 48)]
    rng = np.random.default_rng(0)
    threads = os.cpu_count() or 1
    for name, b, nq, nk, h, d in shapes:
        if backend == "cpu":
            q, k, v = (rng.standard_normal((b, n, h * d)).astype(np.float32) for n in (nq, nk, nk))
            ours = _times(lambda: _core.nn_attention(q, k, v, h, None, 0.0, threads), reps)  # one batched call
            peer = None
            if torch is not None:
                torch.set_num_threads(threads)
                tq, tk, tv = (torch.tensor(a).view(b, -1, h, d).transpose(1, 2) for a in (q, k, v))
                peer = _times(lambda: torch.nn.functional.scaled_dot_product_attention(tq, tk, tv), reps)
            rows.append(_row("attention", f"{name}: B{b} H{h} D{d} {nq}x{nk}", "cpu fp32", ours, "torch SDPA fp32", peer))
        else:
            ours = [statistics.median(_core.time_attention_cuda(b, nq, nk, h, d, "fp16", reps, 20))] * 1
            peer = None
            if torch is not None and torch.cuda.is_available():
                tq, tk, tv = (torch.randn(b, h, n, d, device="cuda", dtype=torch.float16) for n in (nq, nk, nk))
                ev0, ev1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                peer = []
                for _ in range(reps):
                    ev0.record()
                    for _ in range(20):
                        torch.nn.functional.scaled_dot_product_attention(tq, tk, tv)
                    ev1.record()
                    torch.cuda.synchronize()
                    peer.append(ev0.elapsed_time(ev1) / 20)
            rows.append(_row("attention", f"{name}: B{b} H{h} D{d} {nq}x{nk}", "cuda fp16", ours, "torch SDPA fp16", peer))
    return rows


def bench_sampler(backend: str, reps: int) -> list[dict]:
    torch = _torch()
    rows = []
    for n in (2 * 16 * 157, 1 << 22):
        note = f"{24 * n / 1e6:.2f} MB moved per step"
        if backend == "cpu":
            rng = np.random.default_rng(0)
            x, vc, vu, pd = (rng.standard_normal(n).astype(np.float32) for _ in range(4))
            c = _core.sampler_coefficients(0, 0.6, 0.5, 0.1, True, 3.0)
            args = (c["a"], c["s"], 3.0, c["cx"], c["cd"], c["cp"], False)
            ours = _times(lambda: _core.nn_sampler_step(x, vc, vu, pd, *args), reps)

            def eager():  # the same arithmetic as separate passes, as PyTorch eager code runs it
                v = vu + np.float32(3.0) * (vc - vu)
                d = np.float32(c["a"]) * x - np.float32(c["s"]) * v
                return np.float32(c["cx"]) * x + np.float32(c["cd"]) * d + np.float32(c["cp"]) * pd, d

            peer = _times(eager, reps)
            rows.append(_row("sampler", f"fused step, {n} latents", "cpu", ours, "numpy separate ops", peer,
                             f"{note}; {24 * n / statistics.median(ours) / 1e6:.1f} GB/s"))
        else:
            ms = _core.time_sampler_cuda(n, reps, 20)
            copy = _core.time_copy_cuda(24 * n // 2, reps)
            gbs = 24 * n / statistics.median(ms) / 1e6
            copy_gbs = 2 * (24 * n // 2) / statistics.median(copy) / 1e6
            peer = None
            if torch is not None and torch.cuda.is_available():
                x, vc, vu, pd = (torch.randn(n, device="cuda") for _ in range(4))

                def eager():
                    v = vu + 3.0 * (vc - vu)
                    d = 0.5 * x - 0.8 * v
                    return 0.9 * x + 0.1 * d - 0.05 * pd, d

                peer = _times(eager, reps, torch.cuda.synchronize)
            rows.append(_row("sampler", f"fused step, {n} latents", "cuda", ms, "torch eager ops", peer,
                             f"{note}; {gbs:.0f} GB/s = {100 * gbs / copy_gbs:.0f} % of device copy bandwidth ({copy_gbs:.0f} GB/s)"))
    return rows


def bench_hrtf(backend: str, reps: int) -> list[dict]:
    from scipy.signal import oaconvolve

    from .hrtf import HRTF
    from .render import render, render_batch

    sr, n = 48000, 48000 * 10
    x = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    h = HRTF.load("kemar", sr)
    ir = h.hrir(30.0, 0.0)
    peer = _times(lambda: oaconvolve(np.stack([x, x]), ir, axes=1), reps)
    if backend == "cpu":
        ours = _times(lambda: render(x, sr, 30.0, hrtf=h), reps)
        return [_row("hrtf", "10 s at 48 kHz, one static source", "cpu", ours, "scipy oaconvolve", peer)]
    clips = [[(x, [[0.0, -90.0], [10.0, 90.0]], 1.0)] for _ in range(32)]
    runs = max(3, reps // 3)  # the same count on both sides: medians of equal runs
    ours = _times(lambda: render_batch(clips, sr, n, backend="cuda"), runs)
    cpu = _times(lambda: render_batch(clips, sr, n, backend="cpu"), runs)
    return [_row("hrtf", "32 moving clips x 10 s at 48 kHz", "cuda", ours, "our CPU renderer", cpu)]


def bench_room(backend: str, reps: int) -> list[dict]:
    """Our room response against pyroomacoustics. The computations differ, and the rows say so:
    ours traces image sources up to the transition time (a tenth of the RT60, 20-80 ms) and adds
    a statistical diffuse tail; pyroomacoustics' image-source method traces image sources to the
    order inverse Sabine gives for the whole decay; its hybrid mode (low-order image sources plus
    ray tracing for the tail) is the like-for-like peer."""
    from .room import room_responses
    from .scene import Room

    room = Room(outdoor=False, size_m=(6.0, 5.0, 3.0), rt60_s=0.3)
    jobs = [(room, (1.5, 1.5, 1.5), (4.0, 3.0, 1.6))]
    count = 64 if backend == "cuda" else 1
    runs = max(3, reps // 3)
    ours = _times(lambda: room_responses(jobs * count, 16000, mode="two_mic", backend=backend), runs)
    what = (f"{'64 responses' if backend == 'cuda' else 'one response'}, 6x5x3 m RT60 0.3 s; ours: image sources "
            "to the transition time + diffuse tail")
    try:
        import pyroomacoustics as pra
    except ImportError:
        return [_row("room", what, backend, ours, "pyroomacoustics (not installed)", None)]

    def pra_rir(hybrid: bool):
        e, order = pra.inverse_sabine(0.3, [6.0, 5.0, 3.0])
        r = pra.ShoeBox([6.0, 5.0, 3.0], fs=16000, materials=pra.Material(e), max_order=3 if hybrid else order,
                        ray_tracing=hybrid, air_absorption=False)
        if hybrid:
            r.set_ray_tracing(receiver_radius=0.5, n_rays=10000, energy_thres=1e-5)
        r.add_source([1.5, 1.5, 1.5])
        r.add_microphone_array(np.array([[4.0, 3.0, 1.6], [4.0, 3.17, 1.6]]).T)
        r.compute_rir()
        return r.rir

    rows = []
    for hybrid, label in ((False, "pyroomacoustics image sources to full order (not like for like)"),
                          (True, "pyroomacoustics hybrid: image sources order 3 + ray tracing (like for like)")):
        try:
            peer = [p * count for p in _times(lambda: pra_rir(hybrid), runs)]
        except Exception as e:  # noqa: BLE001 - a peer that fails is reported, not fatal
            label, peer = f"{label}: failed ({type(e).__name__})", None
        rows.append(_row("room", what, backend, ours, label, peer))
    return rows


def bench_generate(backend: str, reps: int) -> list[dict]:
    if backend != "cpu":
        return []
    from .model.generate import generate

    prompt = "a dog barks on the left while a car passes from right to left"
    ours = _times(lambda: generate(prompt, seconds=10.0, backend="native"), max(3, reps // 3))
    peer = None
    if _torch() is not None:
        peer = _times(lambda: generate(prompt, seconds=10.0, backend="torch"), reps)
    return [_row("generate", "10 s clip, one-stage, 25 steps", "cpu native", ours, "PyTorch eager (same weights)", peer)]


def run(kernels=KERNELS, backend: str = "cpu", reps: int = 10) -> dict:
    unknown = set(kernels) - set(KERNELS)
    if unknown:
        raise ValueError(f"--kernels: unknown {sorted(unknown)}; choose from {', '.join(KERNELS)}")
    if backend not in ("cpu", "cuda"):
        raise ValueError(f"--backend must be cpu or cuda, got {backend!r}")
    if backend == "cuda" and _cuda_device() is None:
        raise RuntimeError("--backend cuda: no usable CUDA device (see `bewo-rt backends`)")
    rows = []
    for k in KERNELS:
        if k in kernels:
            rows += globals()[f"bench_{k}"](backend, reps)
    return {"machine": machine(), "date": time.strftime("%Y-%m-%d"), "reps": reps, "results": rows}


def format_results(res: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(res, indent=2)
    cols = ["kernel", "case", "backend", "ours_ms", "ours_min_ms", "ours_max_ms", "peer", "peer_ms", "ratio", "note"]
    if fmt == "csv":
        lines = [",".join(cols)]
        for r in res["results"]:
            lines.append(",".join(f'"{r.get(c, "")}"' if isinstance(r.get(c), str) else
                                  (f"{r[c]:.4g}" if c in r else "") for c in cols))
        return "\n".join(lines)
    m = res["machine"]
    out = [f"machine: {m['cpu']}, {m['cores']} cores, CUDA: {m['cuda'] or 'none'}, torch {m['torch'] or 'not installed'}; "
           f"{res['date']}; median of {res['reps']} after warm-up", "",
           "| kernel | case | backend | ours (ms) | spread | peer | peer (ms) | peer / ours | note |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in res["results"]:
        peer = f"{r['peer_ms']:.3f}" if "peer_ms" in r else "-"
        ratio = f"{r['ratio']:.2f}x" if "ratio" in r else "-"
        out.append(f"| {r['kernel']} | {r['case']} | {r['backend']} | {r['ours_ms']:.3f} | "
                   f"{r['ours_min_ms']:.3f}-{r['ours_max_ms']:.3f} | {r['peer']} | {peer} | {ratio} | {r.get('note', '')} |")
    return "\n".join(out)


def _cmd(a) -> int:
    kernels = tuple(k.strip() for k in a.kernels.split(",") if k.strip())
    if a.reps < 1:
        raise ValueError("--reps must be >= 1")
    print(format_results(run(kernels, a.backend, a.reps), a.format))
    return 0


def register_cli(sub) -> None:
    b = sub.add_parser("bench", help="benchmark the kernels against their peers on this machine")
    b.add_argument("--kernels", default=",".join(KERNELS), help=f"comma-separated: {','.join(KERNELS)}")
    b.add_argument("--backend", default="cpu", choices=["cpu", "cuda"])
    b.add_argument("--format", default="md", choices=["md", "csv", "json"])
    b.add_argument("--reps", type=int, default=10)
    b.set_defaults(func=_cmd)
