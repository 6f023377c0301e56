"""bewo_rt: language-driven spatial audio runtime.

Conventions: azimuth in degrees, 0 ahead, negative left, positive right, +-180 behind;
elevation positive up; distance in metres; audio float32 (channels, samples).
"""
import importlib.util as _util

if _util.find_spec(__name__ + "._core") is None:  # before any submodule imports it half-initialised
    import os as _os

    raise ImportError(
        f"bewo_rt's compiled core (_core) is not in {_os.path.dirname(__file__)}: this looks like the source tree, "
        "which has no built core. Install the package (`pip install .` in the repository) and import it from "
        "another folder (e.g. `cd python_tests`)")
del _util

from . import motion  # noqa: E402
from .audio_io import read_audio, write_audio
from .conditioning import azimuth_state, bewo_positions
from .hrtf import HRTF
from .render import backends, render, render_batch, render_scene
from .scene import Keyframe, Listener, Room, Scene, SceneError, Source
from .stream import StreamRenderer
from .text.parser import parse


def generate(*args, **kwargs):
    """Text (or a Scene) to binaural audio with the shipped model: see bewo_rt.model.generate.generate.
    Runs the native C++ runtime by default (backend="native"); backend="torch" needs PyTorch."""
    from .model.generate import generate as _generate

    return _generate(*args, **kwargs)


def load_model(path=None, config=None, t5=None, dtype=None, n_threads: int = 0, device: str = "cpu"):
    """A model of any hosted family (the shipped tiny model, Stable Audio Open 1.0 / Small, BEWO's
    checkpoints): see bewo_rt.models.load_model."""
    from .models import load_model as _load

    return _load(path, config=config, t5=t5, dtype=dtype, n_threads=n_threads, device=device)


def scene_from_image(*args, **kwargs):
    """Marks on a photo to a Scene: see bewo_rt.image.scene_from_image."""
    from .image import scene_from_image as _f

    return _f(*args, **kwargs)


def get_include() -> str:
    """Directory holding bewo/bewo.h, the C API for engines (cc -I$(...))."""
    from pathlib import Path

    return str(Path(__file__).resolve().parent / "include")


def get_library() -> str:
    """Path of libbewo.so, the shared library behind the C API."""
    from pathlib import Path

    return str(Path(__file__).resolve().parent / "lib" / "libbewo.so")


def get_cmake_dir() -> str:
    """Directory of bewoConfig.cmake: find_package(bewo CONFIG) with bewo_DIR set to it."""
    from pathlib import Path

    return str(Path(__file__).resolve().parent / "lib" / "cmake" / "bewo")


def get_pkgconfig_dir() -> str:
    """Directory of bewo.pc: PKG_CONFIG_PATH=$(...) pkg-config --cflags --libs bewo."""
    from pathlib import Path

    return str(Path(__file__).resolve().parent / "lib" / "pkgconfig")


def paths() -> dict:
    """Where the installed files are, for engines and scripts: the shipped model, the HRTF sets
    (KEMAR for the C API at 16, 44.1 and 48 kHz), the text encoder, the C header, library,
    pkg-config and CMake folders, and the data folder (`bewo-rt paths` prints them). A value is
    None when that file is not installed (e.g. the text encoder's package)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent
    data = root / "data"
    try:
        te = text_encoder_dir()
    except RuntimeError:
        te = None
    out = {"package": str(root), "data": str(data), "model": str(data / "bewo_tiny.safetensors"),
           "text_encoder": te}
    for rate in (16000, 44100, 48000):
        f = data / f"kemar_{rate}.safetensors"
        out[f"hrtf_kemar_{rate}"] = str(f) if f.is_file() else None
    out.update(include=get_include(), library=get_library(), pkgconfig=get_pkgconfig_dir(), cmake=get_cmake_dir())
    for k in ("model", "library"):
        if not Path(out[k]).is_file():
            out[k] = None
    return out


def text_encoder_dir() -> str:
    """Directory of the MiniLM text encoder's files (model.safetensors, vocab.txt), which the C
    API's bewo_params.text_encoder_path needs."""
    from .model.text_encoder import model_dir

    return str(model_dir())


__version__ = "0.1.0"
__all__ = ["StreamRenderer", "HRTF", "Scene", "Source", "Room", "Listener", "Keyframe", "SceneError", "render", "render_scene",
           "render_batch", "backends", "read_audio", "write_audio", "motion", "azimuth_state", "parse", "generate", "load_model",
           "scene_from_image", "get_include", "get_library", "get_cmake_dir", "get_pkgconfig_dir", "text_encoder_dir",
           "paths", "bewo_positions",
           "__version__"]
