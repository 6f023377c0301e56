"""The Stable Audio Open family from the command line, as a user runs it: `bewo-rt convert` of a
pickle checkpoint (Lightning's and BEWO's layouts) to safetensors that load to the same network,
`bewo-rt generate --model` writing a 44.1 kHz stereo file, `bewo-rt models`, and the mistakes a
user makes (a .ckpt given to --model, no T5 folder, a sampler the model cannot use) as one-line
errors with exit code 2."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

import bewo_rt
import sao_reference as R

torch = pytest.importorskip("torch")


def _cli(*args, env=None, timeout=300):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "bewo_rt.cli", *map(str, args)], capture_output=True, text=True,
                          env=e, timeout=timeout)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    R.setup_imports()
    d = tmp_path_factory.mktemp("sao_cli")
    t5 = R.make_t5_folder(d / "t5")
    model = R.make_sat_model(d / "small", "small", t5, seed=21)
    return d, t5, model


def _dit_out(m, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, 64, 24)).astype(np.float32)
    cross = rng.standard_normal((1, 65, 768)).astype(np.float32)
    glob = rng.standard_normal((1, 768)).astype(np.float32)
    return m.dit(x, [0.4], cross, glob), (x, cross, glob)


@pytest.mark.parametrize("layout", ["lightning", "bewo"])
def test_convert_round_trip_loads_the_same_network(small, tmp_path, layout):
    d, t5, model = small
    sd = {k: v.detach().clone() for k, v in model.state_dict().items()}
    if layout == "lightning":
        ckpt = {"state_dict": sd, "epoch": 3, "optimizer_states": []}
    else:  # BEWO: a flat dict whose keys carry "diffusion." (removed by the converter)
        ckpt = {"diffusion." + k: v for k, v in sd.items()}
    p = tmp_path / "model.ckpt"
    torch.save(ckpt, p)
    out = tmp_path / "converted.safetensors"
    r = _cli("convert", p, "--config", d / "small" / "model_config.json", "-o", out)
    assert r.returncode == 0, r.stderr
    a = bewo_rt.load_model(out, t5=t5)          # config from the file's metadata
    b = bewo_rt.load_model(d / "small", t5=t5)
    seed = int(np.random.default_rng().integers(0, 2**31))
    va, _ = _dit_out(a, seed)
    vb, _ = _dit_out(b, seed)
    np.testing.assert_array_equal(va, vb)
    # bf16 storage: the same network within bf16's rounding of the weights (8 bits of mantissa).
    out16 = tmp_path / "converted_bf16.safetensors"
    r = _cli("convert", p, "--config", d / "small" / "model_config.json", "-o", out16, "--dtype", "bf16")
    assert r.returncode == 0, r.stderr
    assert out16.stat().st_size < 0.6 * out.stat().st_size
    v16, _ = _dit_out(bewo_rt.load_model(out16, t5=t5), seed)
    err = np.abs(v16 - vb).max() / np.abs(vb).max()
    assert 0 < err < 5e-2, err


def test_generate_writes_44k_stereo(small, tmp_path):
    d, t5, _ = small
    out = tmp_path / "x.wav"
    r = _cli("generate", "a bell rings on the left", "--model", d / "small", "--t5", t5, "--seconds", "0.5",
             "--steps", "2", "--quiet", "-o", out)
    assert r.returncode == 0, r.stderr
    a, sr = sf.read(out, always_2d=True)
    assert sr == 44100 and a.shape == (22050, 2)
    assert np.abs(a).max() > 0.01 and np.isfinite(a).all()
    assert "pingpong" in r.stdout and "44100 Hz" in r.stdout


def test_models_lists_the_folder(small):
    d, _, _ = small
    r = _cli("models", d)
    assert r.returncode == 0, r.stderr
    assert "stable_audio" in r.stdout and str(d / "small") in r.stdout and "tiny" in r.stdout


def test_user_mistakes_are_one_line_errors(small, tmp_path):
    d, t5, model = small
    empty_cache = {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_CACHE": str(tmp_path / "hf" / "hub")}
    r = _cli("generate", "rain", "--model", d / "small", "-o", tmp_path / "o.wav", env=empty_cache)
    assert r.returncode == 2 and "--t5" in r.stderr and "Traceback" not in r.stderr
    ck = tmp_path / "model.ckpt"
    torch.save({"state_dict": {k: v for k, v in list(model.state_dict().items())[:3]}}, ck)
    r = _cli("generate", "rain", "--model", ck, "--t5", t5, "-o", tmp_path / "o.wav")
    assert r.returncode == 2 and "bewo-rt convert" in r.stderr and "Traceback" not in r.stderr
    r = _cli("generate", "rain", "--model", d / "small", "--t5", t5, "--sampler", "dpmpp-3m-sde",
             "-o", tmp_path / "o.wav")
    assert r.returncode == 2 and "pingpong" in r.stderr
    assert not (tmp_path / "o.wav").exists()
