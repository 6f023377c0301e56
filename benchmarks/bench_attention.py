"""Fused attention at the DiT's shapes: the native kernel vs torch's scaled_dot_product_attention,
same inputs' shapes, same run.

    python benchmarks/bench_attention.py --device cuda [--runs 20]
    python benchmarks/bench_attention.py --device cpu  [--runs 20] [--threads 0]

CUDA: _core.time_attention_cuda (device-resident fp16 inputs, k and v views into one kv buffer,
fp16 output, cudaEvent timing, no copies) vs torch SDPA on fp16 CUDA tensors (flash backend
where it applies; the masked cross-attention goes to torch's default choice), timed with CUDA
events both eagerly and replayed from a CUDA graph; the faster torch number is the reference.
CPU: _core.nn_attention (float32, one batch item per call) vs torch SDPA float32 on the CPU.
Each number is the median of --runs timings after warm-up; each timing is the mean of --inner
back-to-back calls. 'ratio' = torch time / native time (>= 1: native is faster).
"""
from __future__ import annotations

import argparse
import statistics
import sys

import numpy as np

import bewo_rt
from _timing import median_per_call  # benchmarks/ is the script folder
from bewo_rt import _core

# (name, batch, heads, head_dim, nq, nk, key mask)
SHAPES = [
    ("small self 10 s", 2, 4, 48, 158, 158, False),
    ("small cross", 2, 4, 48, 158, 49, True),
    ("small self 30 s", 2, 4, 48, 470, 470, False),
    ("base self 10 s", 2, 8, 64, 158, 158, False),
    ("base cross", 2, 8, 64, 158, 49, True),
    ("base self 1024", 2, 8, 64, 1024, 1024, False),
    ("small self 1024", 2, 4, 48, 1024, 1024, False),
]


def flops(b, h, d, nq, nk):
    return 4.0 * b * h * nq * nk * d


def torch_cuda_times(torch, b, h, d, nq, nk, masked, runs, inner):
    """(eager ms, graph ms or None) per call, medians."""
    import torch.nn.functional as F

    dev = "cuda"
    q = torch.randn(b, nq, h * d, device=dev, dtype=torch.float16)
    kv = torch.randn(b, nk, 2 * h * d, device=dev, dtype=torch.float16)
    qh = q.view(b, nq, h, d).transpose(1, 2)
    kh = kv[..., : h * d].reshape(b, nk, h, d).transpose(1, 2)
    vh = kv[..., h * d:].reshape(b, nk, h, d).transpose(1, 2)
    mask = None
    if masked:
        m = torch.ones(b, nk, dtype=torch.bool, device=dev)
        m[:, nk - nk // 4:] = False
        mask = m[:, None, None, :]

    ctx = None
    if mask is None:
        try:
            from torch.nn.attention import SDPBackend, sdpa_kernel

            ctx = lambda: sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION])  # noqa: E731
        except ImportError:
            ctx = None

    def call():
        return F.scaled_dot_product_attention(qh, kh, vh, attn_mask=mask)

    def run_with_ctx(fn):
        if ctx is None:
            return fn()
        with ctx():
            return fn()

    def timed(fn):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
        ts = []
        for _ in range(runs):
            start.record()
            fn()
            end.record()
            end.synchronize()
            ts.append(start.elapsed_time(end) / inner)
        return statistics.median(ts)

    def eager():
        for _ in range(inner):
            call()

    eager_ms = run_with_ctx(lambda: timed(eager))
    graph_ms = None
    try:
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            run_with_ctx(eager)  # warm-up on the side stream before capture
        torch.cuda.current_stream().wait_stream(s)
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            run_with_ctx(eager)
        graph_ms = timed(g.replay)
    except Exception as e:  # noqa: BLE001 - a capture failure only loses the graph column
        print(f"# torch graph capture failed: {e}", file=sys.stderr)
    return eager_ms, graph_ms


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
    print(f"# bench_attention --device cuda: {info['name']}, {info['sm_count']} SMs; fp16 in/out; "
          f"median of {args.runs} runs x {args.inner} calls; torch {torch.__version__ if torch else 'absent'}")
    print("| shape | B | H | D | nq | nk | mask | native (us) | native TFLOP/s | torch eager (us) | torch graph (us) "
          "| ratio (torch best / native) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, b, h, d, nq, nk, masked in SHAPES:
        ms = statistics.median(_core.time_attention_cuda(b, nq, nk, h, d, "fp16", reps=args.runs, inner=args.inner,
                                                         mask=masked))
        tf = flops(b, h, d, nq, nk) / (ms * 1e-3) / 1e12
        te = tg = None
        if have_torch:
            te, tg = torch_cuda_times(torch, b, h, d, nq, nk, masked, args.runs, args.inner)
        best = min(t for t in (te, tg) if t is not None) if te is not None else None
        fmt = lambda t: "-" if t is None else f"{t * 1e3:.1f}"  # noqa: E731
        ratio = "-" if best is None else f"{best / ms:.2f}"
        print(f"| {name} | {b} | {h} | {d} | {nq} | {nk} | {'yes' if masked else 'no'} | {ms * 1e3:.1f} | {tf:.2f} "
              f"| {fmt(te)} | {fmt(tg)} | {ratio} |")
    return 0


def run_cpu(args):
    have_native = hasattr(_core, "nn_attention")
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        torch = None
    if torch is not None and args.threads > 0:
        torch.set_num_threads(args.threads)  # the same thread count for both
    print(f"# bench_attention --device cpu: float32, median of {args.runs} runs; native threads={args.threads} "
          f"(0 = all); torch {torch.__version__ if torch else 'absent'} ({torch.get_num_threads() if torch else 0} "
          "threads)")
    if not have_native:
        print("# _core.nn_attention is not built: native column empty")
    print("| shape | B | H | D | nq | nk | mask | native (ms) | native GFLOP/s | torch SDPA (ms) | ratio (torch / native) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    rng = np.random.default_rng(0)

    def med(fn):
        return median_per_call(fn, args.runs, args.inner)

    for name, b, h, d, nq, nk, masked in SHAPES:
        q = rng.standard_normal((b, nq, h * d)).astype(np.float32)
        k = rng.standard_normal((b, nk, h * d)).astype(np.float32)
        v = rng.standard_normal((b, nk, h * d)).astype(np.float32)
        mask = None
        if masked:
            mask = np.ones((b, nk), np.uint8)
            mask[:, nk - nk // 4:] = 0
        tn = None
        if have_native:
            def native():  # one call over the batch, as torch's
                _core.nn_attention(q, k, v, h, key_mask=mask, scale=0.0, n_threads=args.threads)
            tn = med(native)
        tt = None
        if torch is not None:
            qh = torch.from_numpy(q).view(b, nq, h, d).transpose(1, 2)
            kh = torch.from_numpy(k).view(b, nk, h, d).transpose(1, 2)
            vh = torch.from_numpy(v).view(b, nk, h, d).transpose(1, 2)
            am = None if mask is None else torch.from_numpy(mask.astype(bool))[:, None, None, :]
            with torch.inference_mode():
                tt = med(lambda: F.scaled_dot_product_attention(qh, kh, vh, attn_mask=am))
        fmt = lambda t: "-" if t is None else f"{t * 1e3:.3f}"  # noqa: E731
        gf = "-" if tn is None else f"{flops(b, h, d, nq, nk) / tn / 1e9:.1f}"
        ratio = "-" if tn is None or tt is None else f"{tt / tn:.2f}"
        print(f"| {name} | {b} | {h} | {d} | {nq} | {nk} | {'yes' if masked else 'no'} | {fmt(tn)} | {gf} | {fmt(tt)} "
              f"| {ratio} |")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--inner", type=int, default=0, help="calls per timing (default: 20 on CUDA, 3 on CPU)")
    ap.add_argument("--threads", type=int, default=0, help="CPU: native threads (0 = all)")
    a = ap.parse_args()
    if a.inner <= 0:
        a.inner = 20 if a.device == "cuda" else 3
    return run_cuda(a) if a.device == "cuda" else run_cpu(a)


if __name__ == "__main__":
    sys.exit(main())
