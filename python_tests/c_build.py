"""Compiles a C program against the installed C API (header and libbewo.so, with an rpath so it
runs from any folder), for the tests that drive bewo_generate as an engine would."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def compile_c(src: Path, out: Path, flags=("-std=c99", "-O1")) -> Path:
    """Build src into out, or skip the test when there is no C compiler or libbewo.so."""
    import bewo_rt

    cc = shutil.which("cc") or shutil.which("gcc")
    lib = Path(bewo_rt.get_library())
    if cc is None or not lib.is_file():
        pytest.skip("needs a C compiler and the built libbewo.so")
    r = subprocess.run([cc, *flags, str(src), f"-I{bewo_rt.get_include()}", f"-L{lib.parent}",
                        f"-Wl,-rpath,{lib.parent}", "-lbewo", "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out
