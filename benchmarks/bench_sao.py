"""The Stable Audio Open family on the native runtime against stable-audio-tools 0.0.19 (PyTorch)
on the same random full-size weights, in the same run, medians of several runs:

  dit-sao1   one SAO 1.0 / BEWO DiT step with CFG (batch 2, 10 s: 216 tokens), native fp32 vs
             PyTorch fp32 and bf16 autocast
  dit-small  one SAO Small DiT step (cfg 1: batch 1)
  decoder    the Oobleck decoder for 10 s
  small-e2e  SAO Small end to end (T5, 8 pingpong steps, decoder) for 10 s
  load       loading the SAO 1.0-size file (time and resident memory)

    python benchmarks/bench_sao.py [--what dit-sao1,dit-small,decoder,small-e2e,load] [--runs 3]
                                   [--threads N] [--seconds 10] [--workdir DIR] [--bf16]

Random weights: speed only, no audio quality. The T5 used is t5-base's shape with a small
vocabulary (vocabulary size changes nothing in the encoder's compute)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "python_tests"))
sys.path.insert(0, str(HERE))
from _timing import median_time as _median  # noqa: E402  (one warm-up, then the median)


def _oobleck(enc=True):
    dec = {"type": "oobleck", "config": {"out_channels": 2, "channels": 128, "c_mults": [1, 2, 4, 8, 16],
                                         "strides": [2, 4, 4, 8, 8], "latent_dim": 64, "use_snake": True,
                                         "final_tanh": False}}
    cfg = {"type": "autoencoder", "iterate_batch": True, "config": {
        "decoder": dec, "bottleneck": {"type": "vae"}, "latent_dim": 64, "downsampling_ratio": 2048, "io_channels": 2}}
    cfg["config"]["encoder"] = {"type": "oobleck", "requires_grad": False, "config": {
        "in_channels": 2, "channels": 128 if enc else 8, "c_mults": [1, 2, 4, 8, 16] if enc else [1],
        "strides": [2, 4, 4, 8, 8] if enc else [2048], "latent_dim": 128, "use_snake": True}}
    return cfg


def sao1_config():
    """SAO 1.0's model_config.json (model section as published; BEWO_nl has the same)."""
    return {"model_type": "diffusion_cond", "sample_size": 2097152, "sample_rate": 44100, "audio_channels": 2,
            "model": {"pretransform": _oobleck(),
                      "conditioning": {"configs": [
                          {"id": "prompt", "type": "t5", "config": {"t5_model_name": "t5-base", "max_length": 128}},
                          {"id": "seconds_start", "type": "number", "config": {"min_val": 0, "max_val": 512}},
                          {"id": "seconds_total", "type": "number", "config": {"min_val": 0, "max_val": 512}}],
                          "cond_dim": 768},
                      "diffusion": {"cross_attention_cond_ids": ["prompt", "seconds_start", "seconds_total"],
                                    "global_cond_ids": ["seconds_start", "seconds_total"], "type": "dit",
                                    "config": {"io_channels": 64, "embed_dim": 1536, "depth": 24, "num_heads": 24,
                                               "cond_token_dim": 768, "global_cond_dim": 1536,
                                               "project_cond_tokens": False,
                                               "transformer_type": "continuous_transformer"}},
                      "io_channels": 64}}


def small_config():
    """SAO Small's model_config.json (SAO_SPEC.md appendix)."""
    return {"model_type": "diffusion_cond", "sample_size": 524288, "sample_rate": 44100, "audio_channels": 2,
            "model": {"pretransform": _oobleck(),
                      "conditioning": {"configs": [
                          {"id": "prompt", "type": "t5", "config": {"t5_model_name": "t5-base", "max_length": 64}},
                          {"id": "seconds_total", "type": "number", "config": {"min_val": 0, "max_val": 256}}],
                          "cond_dim": 768},
                      "diffusion": {"cross_attention_cond_ids": ["prompt", "seconds_total"],
                                    "global_cond_ids": ["seconds_total"], "diffusion_objective": "rf_denoiser",
                                    "type": "dit",
                                    "config": {"io_channels": 64, "embed_dim": 1024, "depth": 16, "num_heads": 8,
                                               "cond_token_dim": 768, "global_cond_dim": 768,
                                               "transformer_type": "continuous_transformer",
                                               "attn_kwargs": {"qk_norm": "ln"}}},
                      "io_channels": 64}}


def build(workdir: Path, name: str, config: dict, t5_dir: Path):
    import sao_reference as R
    import torch

    d = workdir / name
    model = R.build_model(config, t5_dir)
    R.randomize_(model, seed=1)
    if not (d / "model.safetensors").is_file():
        R.save_model(model, config, d)
    return model, d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--what", default="dit-small,decoder,small-e2e,dit-sao1,load")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workdir", default="/tmp/bewo_bench_sao")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--bf16", action="store_true",
                    help="also PyTorch under bf16 autocast (very slow on CPUs without bf16 instructions)")
    a = ap.parse_args()
    threads = a.threads or os.cpu_count()
    what = set(a.what.split(","))
    work = Path(a.workdir)
    work.mkdir(parents=True, exist_ok=True)

    import sao_reference as R

    R.setup_imports()
    import torch

    torch.set_num_threads(threads)
    import bewo_rt
    from bewo_rt.bench import machine

    print(f"# bench_sao: {machine()}, {threads} threads, torch {torch.__version__}, {a.runs} runs (median)")
    t5_dir = work / "t5"
    if not (t5_dir / "model.safetensors").is_file():
        R.make_t5_folder(t5_dir, d_model=768, layers=12, heads=12, d_kv=64, d_ff=3072, vocab_size=512)
    T = int(np.ceil(a.seconds * 44100 / 2048))
    rng = np.random.default_rng(0)
    rows = []

    def row(name, native_s, peers):
        txt = f"{name:34s} native {native_s:8.3f} s"
        for pn, ps in peers:
            txt += f" | {pn} {ps:8.3f} s ({ps / native_s:.2f}x)"
        print(txt, flush=True)
        rows.append(dict(name=name, native_s=native_s, peers={k: v for k, v in peers}))

    def torch_peers(fn):
        if a.no_torch:
            return []
        out = [("torch fp32", _median(fn, a.runs))]
        if a.bf16:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                out.append(("torch bf16", _median(fn, a.runs)))
        return out

    if what & {"dit-small", "decoder", "small-e2e"}:
        tm, d = build(work, "small", small_config(), t5_dir)
        m = bewo_rt.load_model(d, t5=t5_dir, n_threads=threads)
        prompts = ["a dog barks on the left while a car passes from right to left"]
        rc, rg = R.ref_conditioning(tm, prompts, 0.0, a.seconds)
        x = rng.standard_normal((1, 64, T)).astype(np.float32)
        t = np.array([0.7], np.float32)
        if "dit-small" in what:
            nat = _median(lambda: m.dit(x, t, rc, rg), a.runs)
            row(f"SAO Small DiT step ({T + 1} tokens)", nat, torch_peers(lambda: R.ref_dit(tm, x, t, rc, rg)))
        if "decoder" in what:
            nat = _median(lambda: m.decode(x), a.runs)
            row(f"Oobleck decoder ({a.seconds:g} s)", nat, torch_peers(lambda: R.ref_decode(tm, x)))
        if "small-e2e" in what:
            def native_e2e():
                m.generate(prompts[0], seconds=a.seconds, steps=8, cfg=1.0, sampler="pingpong")

            def torch_e2e():
                c, g = R.ref_conditioning(tm, prompts, 0.0, a.seconds)
                lat = R.ref_sample(tm, x, c, g, 8, 1.0, "pingpong")
                R.ref_decode(tm, lat)

            nat = _median(native_e2e, a.runs)
            row(f"SAO Small end to end ({a.seconds:g} s, 8 steps)", nat, torch_peers(torch_e2e))
        del tm, m

    if "dit-sao1" in what or "load" in what:
        tm, d = build(work, "sao1", sao1_config(), t5_dir)
        if "dit-sao1" in what:
            m = bewo_rt.load_model(d, t5=t5_dir, n_threads=threads)
            prompts = ["a dog barks on the left while a car passes from right to left"]
            rc, rg = R.ref_conditioning(tm, prompts, 0.0, a.seconds)
            x = rng.standard_normal((1, 64, T)).astype(np.float32)
            sn = rng.standard_normal((2, 1, 64, T)).astype(np.float32)
            # Sampler steps with CFG (batch [cond; uncond]): a `sample` call of 2 steps, halved
            # (k-diffusion's 3M SDE cannot run a single step).
            nat = _median(lambda: m.sample(x, rc, rg, steps=2, cfg=7.0, sampler="dpmpp-3m-sde", step_noise=sn), a.runs)
            peers = torch_peers(lambda: R.ref_sample(tm, x, rc, rg, 2, 7.0, "dpmpp-3m-sde", 0.3, 500, step_noise=sn))
            row(f"SAO 1.0 DiT step, CFG ({T + 1} tokens)", nat / 2, [(n, t / 2) for n, t in peers])
            del m
        del tm
        if "load" in what:
            # A fresh process: the resident size is the model's alone (no PyTorch in it).
            import subprocess

            code = (
                "import time, bewo_rt\n"
                "from bewo_rt import _core\n"
                "def rss(key='VmRSS'):\n"
                "    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(key)) / 1e6\n"
                f"d, t5 = {str(d)!r}, {str(t5_dir)!r}\n"
                "import sys\n"
                "b = rss(); t = time.perf_counter()\n"
                "if sys.argv[1] == 'file':\n"
                "    m = _core.StableAudioModel(d + '/model.safetensors', open(d + '/model_config.json').read(), '', '', 0, -1)\n"
                "    print('model file: %.2f s, resident +%.2f GB' % (time.perf_counter() - t, rss() - b))\n"
                "import sys\n"
                "if sys.argv[1] == 'file': raise SystemExit\n"
                "t = time.perf_counter()\n"
                "m = bewo_rt.load_model(d, t5=t5)\n"
                "print('load_model with T5 and tokenizer: %.2f s' % (time.perf_counter() - t))\n"
                "import numpy as np\n"
                "c, g = m.conditioning(['a dog barks'], 0, 10)\n"
                "m.sample(np.random.default_rng(0).standard_normal((1, 64, 216)).astype(np.float32), c, g, steps=2,"
                " cfg=7.0, sampler='dpmpp-2m')\n"
                # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent.
                "print('after 2 CFG steps (10 s): resident %.2f GB, peak %.2f GB' % (rss(), rss('VmHWM')))\n")
            size = (d / "model.safetensors").stat().st_size / 1e9
            # One process per measure: the model file alone, then load_model + sampling (its peak).
            out = []
            for which in ("file", "model"):
                r = subprocess.run([sys.executable, "-c", code, which], capture_output=True, text=True)
                out.append(r.stdout.strip().replace("\n", "; ") + (r.stderr[-500:] if r.returncode else ""))
            print(f"load SAO 1.0-size file ({size:.2f} GB fp32): " + "; ".join(out), flush=True)
            rows.append(dict(name="load", file_gb=size, output=out))
    (work / "results.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
