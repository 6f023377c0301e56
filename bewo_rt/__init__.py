"""bewo_rt: language-driven spatial audio runtime.

Conventions: azimuth in degrees, 0 ahead, negative left, positive right, +-180 behind;
elevation positive up; distance in metres; audio float32 (channels, samples).
"""
from . import motion
from .audio_io import read_audio, write_audio
from .conditioning import azimuth_state
from .hrtf import HRTF
from .render import backends, render, render_batch, render_scene
from .scene import Keyframe, Listener, Room, Scene, SceneError, Source
from .text.parser import parse


def generate(*args, **kwargs):
    """Text (or a Scene) to binaural audio with the shipped model: see bewo_rt.model.generate.generate.
    Needs the model extra (pip install 'bewo_rt[model]')."""
    from .model.generate import generate as _generate

    return _generate(*args, **kwargs)


def scene_from_image(*args, **kwargs):
    """Marks on a photo to a Scene: see bewo_rt.image.scene_from_image."""
    from .image import scene_from_image as _f

    return _f(*args, **kwargs)


__version__ = "0.1.0"
__all__ = ["HRTF", "Scene", "Source", "Room", "Listener", "Keyframe", "SceneError", "render", "render_scene",
           "render_batch", "backends", "read_audio", "write_audio", "motion", "azimuth_state", "parse", "generate",
           "scene_from_image", "__version__"]
