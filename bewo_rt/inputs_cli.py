"""`bewo-rt generate` options for images and sound libraries (issue 6): `--image PHOTO --mark
...` turns marks on a photo into the scene; `--library LIB` renders the scene with the library's
best-matching clips instead of generating sounds (no diffusion, instant)."""
from __future__ import annotations

from pathlib import Path


def add_generate_arguments(g) -> None:
    g.add_argument("--image", help="photo whose --mark(s) place the sources (PNG, JPEG, BMP, GIF, TIFF, WebP)")
    g.add_argument("--mark", action="append", metavar="MARK",
                   help="with --image: 'X0,Y0,X1,Y1:label' (box, pixels) or 'X,Y:label' (click); repeat for up "
                        "to 4 sources; 'label@start' and 'label@end' on two marks make one moving source")
    g.add_argument("--fov", type=float, default=90.0, help="with --image: horizontal field of view in degrees")
    g.add_argument("--overlay", help="with --image: also write a PNG showing the marks and their azimuths")
    g.add_argument("--library", help="source library folder: render each source with its best-matching clip "
                                     "(text-embedding similarity) instead of generating it")


def scene_from_marks(a):
    """The Scene of --image and its --mark(s) (writing --overlay), or None without --image."""
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


def render_from_library(a, scene, write, sample_rate: int = 16000) -> int:
    """--library: render `scene` (a Scene, its dict form, or None to parse the prompt) with the
    library's best clips at sample_rate (the chosen model's: 16 kHz for the shipped model, 44.1 kHz
    for the SAO family); `write(path, audio, sample_rate)` writes the audio."""
    from .audio_io import peak_normalise
    from .model.text_encoder import check_prompt
    from .retrieval import render_with_library, write_choices
    from .scene import Scene

    if isinstance(scene, dict):
        scene = Scene.from_dict(scene)
    what = scene if scene is not None else (check_prompt(a.prompt) if a.prompt is not None else None)
    if what is None:
        raise ValueError("--library needs a PROMPT, --scene or --image with --mark")
    audio, choices = render_with_library(what, a.library, sample_rate=sample_rate, seed=a.seed, seconds=a.seconds)
    write(a.output, peak_normalise(audio), sample_rate)
    side = str(Path(a.output).with_suffix("")) + ".choices.json"
    write_choices(side, choices, a.library)
    for c in choices:
        print(f"  {c.get('query')!r} -> {c.get('clip_label')!r} ({c.get('clip_id')}, score {c.get('score', 0):.3f})")
    print(f"wrote {a.output} and {side}")
    return 0
