"""`bewo-rt train`, `bewo-rt export` and `bewo-rt generate`."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def _cmd_train(a) -> int:
    from .._checks import writable_folder
    from .config import load_config
    from .train import train

    writable_folder(a.out, "--out")
    cfg = load_config(a.config)
    if a.fusion:
        cfg.model.fusion = a.fusion
    for name in ("vae_steps", "dit_steps"):
        v = getattr(a, name)
        if v is not None:
            if v < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be >= 1, got {v}")
            setattr(cfg, name, v)
    train(cfg, a.data, a.out, stage=a.stage, progress=not a.quiet)
    if os.environ.get("RANK", "0") == "0":
        print(f"training run in {a.out} (losses.png, vae_log.jsonl, dit_log.jsonl)")
    return 0


def _cmd_export(a) -> int:
    from .._checks import output_file
    from .bundle import export

    output_file(a.output, audio=False)
    out = export(a.run, a.output)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


def _write(path, audio, sample_rate) -> None:
    from ..audio_io import write_audio

    write_audio(path, audio, sample_rate, subtype="PCM_16" if str(path).lower().endswith(".wav") else "FLOAT")


def _cmd_generate(a) -> int:
    from ..inputs_cli import render_from_library, scene_from_marks
    from .generate import generate

    from .._checks import output_file

    if a.prompt is None and a.scene is None and not a.image:
        raise ValueError("give a PROMPT, --scene FILE or --image with --mark")
    output_file(a.output)
    if a.seconds is None:
        a.seconds = 10.0
    scene = None
    if a.scene:
        p = Path(a.scene)
        if not p.is_file():
            raise FileNotFoundError(f"--scene {p} does not exist")
        try:
            scene = json.loads(p.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"--scene {p} is not valid JSON: {e}") from None
    marked = scene_from_marks(a)  # --image marks take the place of --scene
    if marked is not None:
        scene = marked
    if a.library:
        rate = 16000
        if a.model:
            from ..models import model_sample_rate

            rate = model_sample_rate(a.model, a.config)
        return render_from_library(a, scene, _write, sample_rate=rate)
    if a.model:
        from ..models.cli import generate_with_model

        return generate_with_model(a, scene, _write)
    if a.steps is None:
        a.steps = 25
    if a.cfg is None:
        a.cfg = 3.0
    if a.sampler is None:
        a.sampler = "dpmpp-2m"
    if a.sampler not in ("dpmpp-2m", "euler"):
        raise ValueError(f"--sampler {a.sampler} needs --model (the shipped model runs dpmpp-2m or euler)")
    g = generate(a.prompt, seconds=a.seconds, steps=a.steps, cfg=a.cfg, seed=a.seed, mode=a.mode, scene=scene,
                 backend=a.backend,
                 sampler=a.sampler, bundle_path=a.bundle)
    _write(a.output, g.audio, g.sample_rate)
    s = g.scene
    where = "; ".join(f"{src.label or 'sound'} at {src.azimuth_start_deg:+.0f} deg"
                      + (f" -> {src.azimuth_end:+.0f} deg ({src.speed})" if src.moving else "") for src in s.sources)
    print(f"wrote {a.output}: {a.seconds:g} s, {a.mode}, {a.steps} steps, seed {a.seed}, {g.info['time_s']:.2f} s"
          + (f"; {where}" if where else ""))
    return 0


def register_cli(sub) -> None:
    t = sub.add_parser("train", help="train the autoencoder and the DiT on corpora from `bewo-rt dataset build`")
    t.add_argument("--config", default="tiny", help="preset (tiny, base) or a JSON file of TrainConfig fields")
    t.add_argument("--data", nargs="+", required=True, help="corpus folder(s) with metadata.jsonl")
    t.add_argument("--out", required=True, help="run folder: checkpoints, logs, plots (training resumes there)")
    t.add_argument("--stage", default="all", choices=["all", "vae", "dit"])
    t.add_argument("--fusion", choices=["bewo", "aligned"], help="override the config's azimuth fusion")
    t.add_argument("--vae-steps", type=int)
    t.add_argument("--dit-steps", type=int)
    t.add_argument("--quiet", action="store_true")
    t.set_defaults(func=_cmd_train)

    e = sub.add_parser("export", help="write a training run as one safetensors bundle")
    e.add_argument("--run", required=True, help="run folder of `bewo-rt train`")
    e.add_argument("-o", "--output", required=True)
    e.set_defaults(func=_cmd_export)

    g = sub.add_parser("generate", help="text (or a scene) to spatial audio: the shipped model, or --model "
                                        "Stable Audio Open / BEWO")
    g.add_argument("prompt", nargs="?", help='e.g. "a dog barks on the left while a car passes from right to left"')
    g.add_argument("-o", "--output", required=True,
                   help="output file; its extension sets the format: .wav (16-bit), .flac, .ogg, .mp3, .aiff")
    g.add_argument("--seconds", type=float, default=None, help="clip length (default 10)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--steps", type=int, default=None,
                   help="sampler steps (default: the model's published setting; 25 for the shipped model)")
    g.add_argument("--cfg", type=float, default=None, help="classifier-free guidance scale (default: the model's)")
    g.add_argument("--mode", default="one-stage", choices=["one-stage", "cascaded"])
    g.add_argument("--sampler", default=None,
                   choices=["dpmpp-2m", "euler", "dpmpp-3m-sde", "dpmpp-2m-sde", "pingpong"],
                   help="default: the model's (dpmpp-2m for the shipped model)")
    g.add_argument("--scene", help="scene JSON (docs/scene.md): explicit positions and motion")
    g.add_argument("--bundle", help="model bundle (default: the shipped one)")
    g.add_argument("--backend", default="native", choices=["native", "torch"],
                   help="native: the C++ runtime (default, no PyTorch needed); torch: the PyTorch reference")
    from ..inputs_cli import add_generate_arguments

    add_generate_arguments(g)
    from ..models.cli import add_generate_model_arguments

    add_generate_model_arguments(g)
    g.set_defaults(func=_cmd_generate)
