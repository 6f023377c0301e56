"""`bewo-rt convert`, `bewo-rt models` and the `--model` route of `bewo-rt generate` (the Stable
Audio Open family: SAO 1.0, SAO Small, BEWO's checkpoints)."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def generate_with_model(a, scene, write) -> int:
    """`bewo-rt generate [PROMPT] --model PATH [--mode cascaded] [--scene FILE | --image ...]`:
    audio at the model's own rate. BEWO's attribute models are told the scene's positions (the
    prompt read by the local parser, or the scene given); the cascaded mode places each source."""
    from . import load_model

    m = load_model(a.model, config=a.config, t5=a.t5, dtype=a.dtype, n_threads=a.threads, device=a.device)
    kw = dict(seconds=a.seconds, steps=a.steps, cfg=a.cfg, seed=a.seed, sampler=a.sampler, mode=a.mode, scene=scene)
    if getattr(m, "family", "") == "stable_audio":
        kw["progress"] = not a.quiet
    g = m.generate(a.prompt, **kw)
    audio = g.audio
    import numpy as np

    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 1.0:
        audio = audio * (0.891 / peak)  # -1 dBFS: the decoder's output is not normalised
        print(f"note: peak {peak:.2f} > 1; scaled to -1 dBFS", file=sys.stderr)
    write(a.output, audio, g.sample_rate)
    i = g.info
    if i.get("note"):
        print(f"warning: {i['note']}", file=sys.stderr)
    if i.get("positions"):
        told = ", ".join("(" + ", ".join(f"{v:g}" for v in p) + ")" for p in i["positions"])
        print(f"BEWO positions (start_dir, end_dir, speed, flag; 1 left .. 5 right): {told}")
    if i.get("placement"):
        print(f"placed: {i['placement']}")
    print(f"wrote {a.output}: {g.audio.shape[1] / g.sample_rate:.2f} s at {g.sample_rate} Hz, {g.audio.shape[0]} channels; "
          f"{i.get('model')}, {i.get('mode', 'one-stage')}, {i.get('steps')} steps, cfg {i.get('cfg')}, {i.get('sampler')}, "
          f"seed {i.get('seed')}, {i.get('time_s', 0):.2f} s")
    return 0


def _cmd_convert(a) -> int:
    from .._checks import output_file
    from .stable_audio.convert import convert_checkpoint

    output_file(a.output, audio=False)
    s = convert_checkpoint(a.checkpoint, a.config, a.output, dtype=a.dtype, use_ema=not a.no_ema,
                           drop_encoder=a.drop_encoder, log=lambda *x: print(*x, file=sys.stderr))
    print(f"wrote {s['out']}: {s['tensors']} tensors, {s['parameters'] / 1e6:.1f}M parameters, {s['dtype']}, "
          f"{s['bytes'] / 1e9:.2f} GB" + ("; EMA weights" if s.get("ema") else ""))
    return 0


def _search_roots(extra):
    roots = [Path(p) for p in extra]
    env = os.environ.get("BEWO_MODELS")
    if env:
        roots += [Path(p) for p in env.split(os.pathsep) if p]
    roots.append(Path.cwd())
    from .stable_audio.t5_files import hf_hub_cache

    roots.append(hf_hub_cache())
    return roots


def find_models(extra=()):
    """(kind, path, note) for every model the runtime can see: the shipped one, Stable Audio Open
    / BEWO folders and converted files under the given folders, $BEWO_MODELS, the current folder
    and the Hugging Face cache (two levels deep; nothing is downloaded)."""
    from ..model.bundle import DEFAULT_BUNDLE
    from .stable_audio.model import _safetensors_metadata

    out = [("tiny", DEFAULT_BUNDLE, "shipped, 16 kHz binaural")]
    seen = set()
    for root in _search_roots(extra):
        if not root.is_dir():
            continue
        for cfg in list(root.glob("model_config*.json")) + list(root.glob("*/model_config*.json")) + \
                list(root.glob("models--*/snapshots/*/model_config.json")):
            d = cfg.parent.resolve()
            if d in seen:
                continue
            seen.add(d)
            if (d / "model.safetensors").is_file():
                out.append(("stable_audio", d, "ready"))
            else:
                ck = sorted(d.glob("*.ckpt"))
                if ck:
                    out.append(("stable_audio", ck[0], f"needs `bewo-rt convert {ck[0]} --config {cfg}`"))
        for st in list(root.glob("*.safetensors")) + list(root.glob("*/*.safetensors")):
            r = st.resolve()
            if r.parent in seen or r in seen:
                continue
            if _safetensors_metadata(st).get("model_config"):
                seen.add(r)
                out.append(("stable_audio", st, "converted"))
    return out


def _cmd_models(a) -> int:
    from .stable_audio.t5_files import find_t5

    for kind, path, note in find_models(a.dirs):
        print(f"{kind:13s} {path}  ({note})")
    try:
        print(f"{'t5':13s} {find_t5(None)}  (text encoder for the Stable Audio Open family)")
    except FileNotFoundError:
        print(f"{'t5':13s} not found in the Hugging Face cache (give --t5 DIR to generate with SAO / BEWO models)")
    return 0


def register_cli(sub) -> None:
    c = sub.add_parser("convert", help="turn a .ckpt (SAO Small, BEWO_*.ckpt) into safetensors, once (needs PyTorch)")
    c.add_argument("checkpoint", help="the .ckpt file")
    c.add_argument("--config", required=True, help="its model_config*.json")
    c.add_argument("-o", "--output", required=True, help="output .safetensors")
    c.add_argument("--dtype", default="fp32", choices=["fp32", "fp16", "bf16"], help="storage type")
    c.add_argument("--no-ema", action="store_true", help="keep the online weights even when EMA weights are present")
    c.add_argument("--drop-encoder", action="store_true", help="leave out the autoencoder's encoder (unused at run time)")
    c.set_defaults(func=_cmd_convert)

    m = sub.add_parser("models", help="list the models the runtime can find (nothing is downloaded)")
    m.add_argument("dirs", nargs="*", help="folders to search besides $BEWO_MODELS, . and the Hugging Face cache")
    m.set_defaults(func=_cmd_models)


def add_generate_model_arguments(g) -> None:
    g.add_argument("--model", help="a Stable Audio Open / BEWO folder or converted .safetensors (default: the shipped model)")
    g.add_argument("--config", help="with --model: its model_config.json (when not beside the weights)")
    g.add_argument("--t5", help="with --model: a Hugging Face t5-base folder (default: the Hugging Face cache)")
    g.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"],
                   help="with --model: where T5, the sampling loop and the decoder run (auto: the GPU when usable)")
    g.add_argument("--dtype", default=None, choices=["fp32", "fp16", "bf16"],
                   help="with --model: weight type on the GPU (default bf16); the CPU computes in fp32")
    g.add_argument("--threads", type=int, default=0, help="with --model: CPU threads (0: all cores)")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
