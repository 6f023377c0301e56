"""The thread pool, and the GEMM, attention and exp kernels exist in AVX-512, AVX2+FMA and plain C++ versions; the
installed package runs only the one for this CPU. Compile the kernels for the other paths and
check each against the float64 references (tests/kernels/isa_check.cpp)."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CXX = shutil.which("g++") or shutil.which("c++")


@pytest.mark.skipif(CXX is None or not (ROOT / "csrc").is_dir(), reason="needs a C++ compiler and the sources")
@pytest.mark.parametrize("flags", [["-mavx2", "-mfma"], []], ids=["avx2", "generic"])
def test_kernel_paths_match_the_reference(tmp_path, flags):
    exe = tmp_path / "isa_check"
    src = [ROOT / "tests/kernels/isa_check.cpp"] + [ROOT / f"csrc/nn/{f}.cpp" for f in ("ops", "attention", "threadpool")]
    r = subprocess.run([CXX, "-std=c++17", "-O2", *flags, f"-I{ROOT / 'csrc'}", *map(str, src), "-lpthread", "-o", str(exe)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60).stdout
    errs = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in out.strip().splitlines()}
    assert errs["linear rel"] <= 1e-5 and errs["attention rel"] <= 1e-4 and errs["exp sum rel"] <= 1e-5, errs
    assert errs["batched attention rel"] <= 1e-4 and errs["linear acc rel"] <= 1e-5, errs
    assert errs["pool misses"] == 0
