"""Stable Audio Open family on the GPU (issue 15): the native runtime's GPU sampling loop against
stable-audio-tools (the peer, PyTorch on the same GPU with fp16 autocast) on the same random
weights of the real sizes, 10 s of 44.1 kHz stereo.

    python benchmarks/bench_sao_gpu.py [--models sao1,small] [--runs 3] [--dtype fp16]

Per model it prints: T5 (GPU) + the conditioners, the sampling loop (wall time of the call and
device time of the graph replays), the decoder (GPU), the native total, the peer's sampling and
decode, and the ratio peer / native for the sampling loop and for the whole call. Medians of
--runs runs after one warm-up (the first call captures the graph; later calls replay it).
Needs a GPU, PyTorch with CUDA and stable-audio-tools (python_tests/sao_reference.py makes it
importable offline); without the peer it still prints the native figures.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "python_tests"))

# The released sizes (SAO_SPEC.md): SAO 1.0 / BEWO: 1536 wide, 24 layers, 24 heads of 64,
# unprojected 768-wide T5 tokens (12 key/value heads), 100 steps dpmpp-3m-sde, CFG 7.
# SAO Small: 1024 wide, 16 layers, 8 heads of 128, qk LayerNorm, 8 pingpong steps, no CFG.
MODELS = {
    "sao1": dict(kind="sao1", dit=dict(embed_dim=1536, depth=24, num_heads=24), steps=100, cfg=7.0,
                 sampler="dpmpp-3m-sde", sigma_min=0.3, sigma_max=500.0),
    "small": dict(kind="small", dit=dict(embed_dim=1024, depth=16, num_heads=8), steps=8, cfg=1.0,
                  sampler="pingpong", sigma_min=None, sigma_max=None),
}
SECONDS = 10.0
RATE = 44100


def build(name, root, t5_dir):
    import sao_reference as R

    spec = MODELS[name]
    base = R._KINDS[spec["kind"]]
    R._KINDS[name + "_full"] = dict(base, dit=dict(base["dit"], **spec["dit"]))
    config = R.model_config(name + "_full", latent_frames=216, strides=(2, 4, 4, 8, 8))
    # The real Oobleck decoder: 128 channels, multipliers 1, 2, 4, 8, 16, strides 2, 4, 4, 8, 8.
    config["model"]["pretransform"] = R._oobleck_pretransform(channels=128, c_mults=(1, 2, 4, 8, 16),
                                                              strides=(2, 4, 4, 8, 8))
    model = R.build_model(config, t5_dir)
    R.randomize_(model, 7)
    folder = Path(root) / name
    R.save_model(model, config, folder)
    return folder, model


def timed(fn, runs):
    fn()  # warm-up (graph capture, allocations, cuDNN / cuBLAS heuristics)
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = fn()
        out.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(out), r


def print_header(dtype):
    print(f"| model | steps | latent frames | T5 + cond (ms) | sampling, GPU {dtype} (ms, wall / device) "
          f"| decode (ms) | native total (ms) | SAT fp16 sampling (ms) | SAT decode (ms) "
          f"| SAT / native, sampling | SAT / native, sampling + decode |")
    print("|---|---|---|---|---|---|---|---|---|---|---|", flush=True)


def print_row(r):
    ps, pd = r["peer_samp"], r["peer_dec"]
    ratio_s = f"{ps / r['samp']:.2f}x" if ps else "-"
    ratio_t = f"{(ps + pd) / (r['samp'] + r['dec']):.2f}x" if ps and pd else "-"
    print(f"| {r['model']} | {r['steps']} | {r['frames']} | {r['cond']:.1f} | {r['samp']:.1f} / {r['dev']:.1f} "
          f"| {r['dec']:.1f} | {r['total']:.1f} | {ps and f'{ps:.1f}' or '-'} | {pd and f'{pd:.1f}' or '-'} "
          f"| {ratio_s} | {ratio_t} |", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="sao1,small")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dtype", default="fp16", choices=("fp16", "bf16", "fp32"))
    ap.add_argument("--no-peer", action="store_true")
    a = ap.parse_args()

    import bewo_rt
    import sao_reference as R

    cuda = bewo_rt.backends()["cuda"]
    if not cuda["usable"]:
        print(f"no usable GPU ({cuda['detail']}): nothing to measure")
        return 1
    rows = []
    print_header(a.dtype)
    with tempfile.TemporaryDirectory() as tmp:
        t5_dir = R.make_t5_folder(Path(tmp) / "t5", layers=12, d_ff=3072, vocab_size=32128)
        for name in a.models.split(","):
            spec = MODELS[name]
            t0 = time.perf_counter()
            folder, ref = build(name, tmp, t5_dir)
            m = bewo_rt.load_model(folder, t5=t5_dir)
            m.use_gpu(a.dtype)
            build_s = time.perf_counter() - t0
            T = m.frames_for(SECONDS)
            rng = np.random.default_rng(0)
            noise = rng.standard_normal((1, 64, T)).astype(np.float32)
            prompt = ["A dog barks on the left while a car passes from right to left."]
            kw = dict(steps=spec["steps"], cfg=spec["cfg"], sampler=spec["sampler"], seed=1)
            if spec["sigma_min"] is not None:
                kw.update(sigma_min=spec["sigma_min"], sigma_max=spec["sigma_max"])
            cond_ms, (cross, glob) = timed(lambda: m.conditioning(prompt, 0.0, SECONDS), a.runs)
            samp_ms, lat = timed(lambda: m.sample(noise, cross, glob, **kw), a.runs)
            dev_ms = m._m.last_gpu_sample_ms
            dec_ms, audio = timed(lambda: m.decode(lat), max(1, a.runs // 3))
            total = cond_ms + samp_ms + dec_ms
            row = dict(model=name, steps=spec["steps"], frames=T, build_s=build_s, cond=cond_ms, samp=samp_ms,
                       dev=dev_ms, dec=dec_ms, total=total, peer_samp=None, peer_dec=None)
            if not a.no_peer:
                try:
                    row.update(peer(ref, noise, cross, glob, spec, a.runs))
                except Exception as e:  # the peer is optional on the device machine
                    print(f"{name}: peer unavailable: {type(e).__name__}: {e}", flush=True)
            rows.append(row)
            print_row(row)  # as each model finishes: a cut-off run still reports what it measured
            del m, ref

    print("\nGoals (H100): SAO 1.0 100 steps <= 1000 ms end to end and >= 2x SAT fp16; Small 8 steps <= 50 ms.")
    return 0


def peer(ref, noise, cross, glob, spec, runs):
    """stable-audio-tools' own sampling (sample_k / sample_rf, as generate_diffusion_cond calls
    them) and decoder on the GPU under fp16 autocast, same weights and inputs."""
    import torch
    import sao_reference as R
    from stable_audio_tools.inference import sampling as S

    R.setup_imports()
    model = ref.to("cuda")
    dev = torch.device("cuda")
    x = torch.from_numpy(noise).to(dev)
    extra = dict(cross_attn_cond=torch.from_numpy(cross).to(dev), cross_attn_mask=None,
                 global_cond=torch.from_numpy(glob).to(dev), input_concat_cond=None, prepend_cond=None,
                 prepend_cond_mask=None, cfg_scale=float(spec["cfg"]), batch_cfg=True, rescale_cfg=True)

    def sample():
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.float16):
            if spec["sampler"] == "pingpong":
                out = S.sample_rf(model.model, x, init_data=None, steps=spec["steps"], sampler_type="pingpong",
                                  device="cuda", dist_shift=model.dist_shift, **extra)
            else:
                out = S.sample_k(model.model, x, None, spec["steps"], sampler_type=spec["sampler"], rho=1.0,
                                 device="cuda", sigma_min=spec["sigma_min"], sigma_max=spec["sigma_max"], **extra)
        torch.cuda.synchronize()
        return out

    ps, lat = timed(sample, runs)

    def decode():
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.float16):
            a = model.pretransform.decode(lat)
        torch.cuda.synchronize()
        return a

    pd, _ = timed(decode, runs)
    model.to("cpu")
    torch.cuda.empty_cache()
    return dict(peer_samp=ps, peer_dec=pd)


if __name__ == "__main__":
    sys.exit(main())
