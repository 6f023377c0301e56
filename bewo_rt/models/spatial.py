"""Where the sounds go, for any model family: the scene a generation call places (from the
prompt by the local parser, or given), and the cascaded mode's second stage.

one-stage: the model places the sounds itself. BEWO's attribute models (BEWO_attri, BEWO_mix) are
told where by the scene's BEWO tuples (bewo_rt.conditioning.bewo_positions, no LLM); the shipped
model by its azimuth state; SAO 1.0 / Small and BEWO_nl read the prompt alone, as their authors
run them.
cascaded: each source's sound is generated in mono from its own label (the whole prompt for a
one-source scene), then rendered exactly along its trajectory in its room at the model's rate
(bewo_rt.room.simulate_scene: the HRTF set, the room and the renderer at 44.1 kHz for the SAO
family)."""
from __future__ import annotations

import numpy as np

from ..audio_io import peak_normalise
from ..scene import Scene

MODES = ("one-stage", "cascaded")
MAX_CASCADED_SOURCES = 16


def resolve(prompt, scene, seconds: float):
    """(prompt, Scene or None) for a call: a validated copy of a given scene (its dict form too)
    with the clip's duration; a prompt from its labels when none is given. The scene is None
    when only a prompt is given (parse it when a placement is needed)."""
    from ..model.text_encoder import check_prompt

    if prompt is None and scene is None:
        raise ValueError("give a prompt, a scene, or both")
    if prompt is not None:
        prompt = check_prompt(prompt)
    if scene is not None:
        if isinstance(scene, dict):
            scene = Scene.from_dict(scene)
        if not isinstance(scene, Scene):
            raise TypeError(f"scene must be a bewo_rt.Scene or its dict form, got {type(scene).__name__}")
        scene = Scene.from_dict(scene.to_dict())
        scene.duration_s = float(seconds)
        if prompt is None:
            labels = [s.label for s in scene.sources if s.label]
            if not labels:
                raise ValueError("scene has no labelled source and no prompt was given")
            prompt = " and ".join(labels)
    return prompt, scene


def parsed(prompt: str, scene, seconds: float) -> Scene:
    """The scene to place: the given one, else the prompt read by the local parser."""
    if scene is not None:
        return scene
    from ..text.parser import parse

    s = parse(prompt)
    s.duration_s = float(seconds)
    return s


def source_prompts(prompt: str, scene: Scene) -> list[str]:
    """What each source's sound is generated from in the cascaded mode: the whole prompt for one
    source (its spatial words do no harm once the ears are averaged), else each source's label."""
    if not scene.sources:
        raise ValueError(f"no sound source found in {prompt!r}; the cascaded mode needs at least one")
    if len(scene.sources) > MAX_CASCADED_SOURCES:
        raise ValueError(f"the cascaded mode takes at most {MAX_CASCADED_SOURCES} sources, the scene has "
                         f"{len(scene.sources)}")
    if len(scene.sources) == 1:
        return [prompt]
    return [s.label or prompt for s in scene.sources]


def place(scene: Scene, monos, sample_rate: int, n: int, hrtf="kemar", seed: int = 0) -> np.ndarray:
    """The cascaded mode's second stage: each mono sound (peak -1 dBFS, then -6 dB, as the shipped
    model's cascaded mode) rendered along its source's trajectory in the scene's room at
    sample_rate; (2, n) float32 peak-normalised to -1 dBFS."""
    from ..room import simulate_scene

    scene = Scene.from_dict(scene.to_dict())
    sounds = {}
    for k, (s, m) in enumerate(zip(scene.sources, monos)):
        s.sound = f"generated-{k}"
        sounds[s.sound] = peak_normalise(np.asarray(m, np.float32)[:n]) * 0.5
    audio = simulate_scene(scene, sample_rate, sounds, hrtf=hrtf, seed=seed)[:, :n]
    if audio.shape[1] < n:
        audio = np.pad(audio, ((0, 0), (0, n - audio.shape[1])))
    return peak_normalise(audio)


def describe(scene: Scene) -> str:
    """One line per source: label, where, and how it moves (what the CLI prints)."""
    parts = []
    for s in scene.sources:
        t = f"{s.label or 'sound'} at {s.azimuth_start_deg:+.0f} deg"
        if s.moving:
            t += f" -> {s.azimuth_end:+.0f} deg ({s.speed})"
        parts.append(t)
    return "; ".join(parts)
