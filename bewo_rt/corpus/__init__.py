"""Mono source corpus for BEWO-style spatial simulation: a library of labelled, licence-tracked
sounds on disk, importers that fill it (folders, Debian packages) and a procedural set that needs
nothing but numpy."""
from .importers import (DEBIAN_IMPORTERS, ImportResult, MissingPackageError, import_debian, import_dir,
                        import_espeak, import_fluidsynth, import_freedesktop, import_sonic_pi, import_tuxpaint)
from .library import SourceEntry, SourceLibrary
from .procedural import build_procedural_library, generate, kinds
from .processing import RejectedSound, condition

__all__ = ["SourceLibrary", "SourceEntry", "RejectedSound", "condition", "import_dir", "import_debian",
           "import_sonic_pi", "import_tuxpaint", "import_fluidsynth", "import_espeak", "import_freedesktop",
           "DEBIAN_IMPORTERS", "MissingPackageError", "ImportResult", "generate", "kinds",
           "build_procedural_library", "register_cli"]


def register_cli(subparsers) -> None:
    """Add the `sources` command to bewo-rt's argparse subparsers."""
    from .cli import register_cli as _register

    _register(subparsers)
