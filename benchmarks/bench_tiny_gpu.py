"""The tiny shipped model end to end on the GPU (DiT graph, decoder and Griffin-Lim there), against
the same runtime on this machine's CPU cores in the same run, and its synthesis stage against the
PyTorch reference's (bewo_rt.model.features.synthesise) on the same GPU and the same features.
Median of several warm runs; device times from CUDA events.

    python benchmarks/bench_tiny_gpu.py [--runs 10] [--seconds 10] [--steps 25]

Goal (issue 15): a 10 s clip in <= 30 ms end to end on an H100.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys

import numpy as np
from _timing import median_time  # benchmarks/_timing.py (this script's folder is on the path)


def _median_ms(fn, runs):
    return 1e3 * median_time(fn, runs)  # after one warm-up run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--iterations", type=int, default=32, help="Griffin-Lim iterations")
    a = ap.parse_args()

    import bewo_rt
    from bewo_rt import _core, native

    cuda = bewo_rt.backends()["cuda"]
    if not cuda["usable"]:
        print(cuda["detail"])
        return 2
    check_te = not os.environ.get("BEWO_TEXT_ENCODER")  # the device machine's reduced encoder
    gpu = native.NativeModel(use_gpu=True, check_text_encoder=check_te)
    cpu = native.NativeModel(use_gpu=False, check_text_encoder=check_te)
    print(f"device: {_core.cuda_device_info()['name']}; GPU status: {gpu.gpu_status}; {os.cpu_count()} CPU threads")
    prompt = "a dog barks on the left while a car passes from right to left"
    kw = dict(seconds=a.seconds, steps=a.steps, iterations=a.iterations)
    stages = []

    def on_gpu():
        stages.append(gpu.generate(prompt, **kw)[1])

    g_ms = _median_ms(on_gpu, a.runs)
    c_ms = _median_ms(lambda: cpu.generate(prompt, **kw), max(1, min(3, a.runs)))
    st = {k: statistics.median(t[k] for t in stages[1:]) for k in stages[0]}

    # The synthesis stage alone, on the features the decoder gives for a random latent.
    frames = int(np.ceil(a.seconds * 16000 / gpu.hop))
    latent = np.random.default_rng(0).standard_normal((16, frames)).astype(np.float32)
    feats = cpu.decode_features(latent)
    samples = frames * gpu.hop
    dev = []

    def native_synth():
        dev.append(_core.cuda_synthesise(feats, samples, a.iterations, 0)[1])

    n_wall = _median_ms(native_synth, a.runs)
    n_dev = statistics.median(dev[1:])
    t_ms = None
    try:
        import torch

        from bewo_rt.model import features

        x = torch.tensor(feats[None], device="cuda")

        def torch_synth():
            features.synthesise(x, samples, a.iterations, 0)
            torch.cuda.synchronize()

        t_ms = _median_ms(torch_synth, a.runs)
    except Exception as e:  # noqa: BLE001 - the peer is optional on the device machine
        print(f"(PyTorch CUDA peer not run: {e})")

    print(f"\n| what ({a.seconds:g} s, {a.steps} steps, {a.iterations} Griffin-Lim iterations) | median ms | "
          "ratio | note |")
    print("|---|---|---|---|")
    print(f"| tiny end to end, GPU | {g_ms:.1f} | CPU / GPU {c_ms / g_ms:.1f}x | goal <= 30 ms: "
          f"{'met' if g_ms <= 30 else 'NOT met'} |")
    print(f"| tiny end to end, CPU ({os.cpu_count()} threads) | {c_ms:.1f} | | |")
    print(f"| GPU stages | text {1e3 * st['text_s']:.1f}, sampler {1e3 * st['sample_s']:.1f} (graph "
          f"{st['gpu_ms']:.2f}), decoder queued {1e3 * st['decode_s']:.2f}, synthesis {1e3 * st['synth_s']:.1f} "
          f"(device {st['synth_gpu_ms']:.2f}) | | |")
    ratio = f"torch / native {t_ms / n_wall:.1f}x" if t_ms else ""
    print(f"| synthesis stage, native GPU (wall / device) | {n_wall:.2f} / {n_dev:.2f} | {ratio} | |")
    if t_ms:
        print(f"| synthesis stage, PyTorch on the GPU | {t_ms:.2f} | | same features |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
