"""`bewo-rt generate` options for images and sound libraries (issue 6): `--image PHOTO --mark
...` turns marks on a photo into the scene; `--library LIB` renders the scene with the library's
best-matching clips instead of generating sounds (no diffusion, instant)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def add_generate_arguments(g) -> None:
    g.add_argument("--image", help="photo whose --mark(s) place the sources (PNG, JPEG, BMP, GIF, TIFF, WebP)")
    g.add_argument("--mark", action="append", metavar="MARK",
                   help="with --image: 'X0,Y0,X1,Y1:label' (box, pixels) or 'X,Y:label' (click); repeat for up "
                        "to 4 sources; 'label@start' and 'label@end' on two marks make one moving source")
    g.add_argument("--fov", type=float, default=90.0, help="with --image: horizontal field of view in degrees")
    g.add_argument("--overlay", help="with --image: also write a PNG showing the marks and their azimuths")
    g.add_argument("--library", help="source library folder: render each source with its best-matching clip "
                                     "(text-embedding similarity) instead of generating it")


def _scene_from_args(a):
    from .image import overlay_png, scene_from_image

    if a.mark and not a.image:
        raise ValueError("--mark needs --image")
    if not a.image:
        return None
    if not a.mark:
        raise ValueError("--image needs at least one --mark")
    scene = scene_from_image(a.image, a.mark, fov_deg=a.fov, seconds=a.seconds)
    if a.overlay:
        overlay_png(a.image, a.mark, a.overlay, fov_deg=a.fov)
        print(f"wrote {a.overlay}")
    return scene


def run_generate_inputs(a):
    """Handle --image / --library; None when neither is given (plain generation goes on)."""
    from .audio_io import write_audio
    from .model.generate import generate
    from .scene import Scene

    if not (a.image or a.mark or a.library):
        return None
    scene = _scene_from_args(a)
    if scene is None and a.scene:
        scene = Scene.from_dict(json.loads(Path(a.scene).read_text(encoding="utf-8")))
    where = lambda s: "; ".join(f"{x.label} at {x.azimuth_start_deg:+.0f} deg"  # noqa: E731
                                + (f" -> {x.azimuth_end:+.0f} deg" if x.moving else "") for x in s.sources)
    if a.library:
        from .model.text_encoder import check_prompt
        from .retrieval import render_with_library, write_choices

        what = scene if scene is not None else (check_prompt(a.prompt) if a.prompt is not None else None)
        if what is None:
            raise ValueError("--library needs a PROMPT, --scene or --image with --mark")
        audio, choices = render_with_library(what, a.library, sample_rate=16000, seed=a.seed, seconds=a.seconds)
        peak = float(np.max(np.abs(audio))) if audio.size else 0.0
        if peak > 0:
            audio = audio * (10 ** (-1 / 20) / peak)
        write_audio(a.output, audio, 16000, subtype="PCM_16" if a.output.lower().endswith(".wav") else "FLOAT")
        side = str(Path(a.output).with_suffix("")) + ".choices.json"
        write_choices(side, choices, a.library)
        for c in choices:
            print(f"  {c.get('query')!r} -> {c.get('clip_label')!r} ({c.get('clip_id')}, score {c.get('score', 0):.3f})")
        print(f"wrote {a.output} and {side}")
        return 0
    g = generate(a.prompt, seconds=a.seconds, steps=a.steps, cfg=a.cfg, seed=a.seed, mode=a.mode, scene=scene,
                 sampler=a.sampler, bundle_path=a.bundle)
    write_audio(a.output, g.audio, g.sample_rate, subtype="PCM_16" if a.output.lower().endswith(".wav") else "FLOAT")
    print(f"wrote {a.output}: {a.mode}, {g.info['time_s']:.2f} s; {where(g.scene)}")
    return 0
