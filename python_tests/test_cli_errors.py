"""Every subcommand against the mistakes a new user makes (issue: no tracebacks, dead ends or
silent surprises): an output that is a folder, an output folder that cannot be written, a missing
input, an empty input, and Ctrl-C during a long build. Each must end with one line on stderr
naming the argument, exit code 2 (130 for an interrupt), no "Traceback", and no partial file."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

bewo_rt = pytest.importorskip("bewo_rt")

ENV = {k: v for k, v in os.environ.items() if k != "BEWO_DEBUG"}


def run(*args, timeout=300, cwd=None):
    return subprocess.run([sys.executable, "-m", "bewo_rt.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=ENV, cwd=cwd)


def assert_user_error(r, *words, code=2):
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert r.returncode == code, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and len(lines) == 1, r.stderr
    for w in words:
        assert w.lower() in lines[0].lower(), (w, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    import soundfile as sf

    d = tmp_path_factory.mktemp("cli_inputs")
    rng = np.random.default_rng()
    sf.write(d / "in.wav", (0.1 * rng.standard_normal(8000)).astype(np.float32), 16000)
    sf.write(d / "empty.wav", np.zeros((0,), np.float32), 16000)
    (d / "clips").mkdir()
    sf.write(d / "clips" / "a.wav", (0.1 * rng.standard_normal((16000, 2))).astype(np.float32), 16000)
    (d / "meta.jsonl").write_text('{"audio_name": "a.wav", "scene": {"sources": [{"azimuth_start_deg": 30}]}}\n')
    (d / "empty.json").write_text("")
    (d / "empty_dir").mkdir()
    (d / "a_file").write_text("x")
    return d


def unwritable_folder(tmp_path) -> Path:
    """A folder this process cannot write in: a read-only one, or for root a /proc folder."""
    if os.geteuid() != 0:
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(0o500)
        return d
    if not os.access("/proc/1", os.W_OK) and os.path.isdir("/proc/1"):
        return Path("/proc/1")
    pytest.skip("no unwritable folder available to root here")


# subcommand -> argv with OUT for an output file
FILE_OUTPUTS = {
    "render": lambda d, out: ["render", d / "in.wav", "-o", out],
    "demo": lambda d, out: ["demo", "-o", out, "--seconds", "0.5"],
    "generate": lambda d, out: ["generate", "a dog barks on the left", "-o", out, "--seconds", "1", "--steps", "2"],
    "eval": lambda d, out: ["eval", d / "clips", "--metadata", d / "meta.jsonl", "--out", out],
    "export": lambda d, out: ["export", "--run", d / "empty_dir", "-o", out],
}
FOLDER_OUTPUTS = {
    "dataset build": lambda d, out: ["dataset", "build", "--out", out, "--clips", "2", "--seconds", "1", "--quiet"],
    "sources procedural": lambda d, out: ["sources", "procedural", "--lib", out, "--per-kind", "1", "--seconds", "0.5"],
    "train": lambda d, out: ["train", "--data", d / "empty_dir", "--out", out],
}


@pytest.mark.parametrize("cmd", sorted(FILE_OUTPUTS))
def test_output_that_is_a_folder(cmd, inputs, tmp_path):
    folder = tmp_path / "outdir"
    folder.mkdir()
    assert_user_error(run(*FILE_OUTPUTS[cmd](inputs, folder)), "folder")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("cmd", sorted(FILE_OUTPUTS) + sorted(FOLDER_OUTPUTS))
def test_output_in_an_unwritable_folder(cmd, inputs, tmp_path):
    ro = unwritable_folder(tmp_path)
    target = ro / "bewo_out" / ("x.wav" if cmd in ("render", "demo", "generate") else "x.json")
    make = FILE_OUTPUTS.get(cmd) or FOLDER_OUTPUTS[cmd]
    if cmd in FOLDER_OUTPUTS:
        target = ro / "bewo_out"
    assert_user_error(run(*make(inputs, target)), "cannot write")
    assert not (ro / "bewo_out").exists()


@pytest.mark.parametrize("argv, words", [
    (["render", "{d}/missing.wav", "-o", "{t}/o.wav"], ["missing.wav"]),
    (["eval", "{d}/missing_dir", "--metadata", "{d}/meta.jsonl"], ["missing_dir"]),
    (["eval", "{d}/clips", "--metadata", "{d}/missing.jsonl"], ["missing.jsonl"]),
    (["generate", "--scene", "{d}/missing.json", "-o", "{t}/o.wav"], ["missing.json"]),
    (["train", "--data", "{d}/missing_dir", "--out", "{t}/run"], ["missing_dir"]),
    (["export", "--run", "{d}/missing_run", "-o", "{t}/m.safetensors"], ["missing_run"]),
    (["convert", "{d}/missing.ckpt", "--config", "{d}/missing.json", "-o", "{t}/m.safetensors"], ["missing"]),
    (["sources", "import", "{d}/missing_dir", "--lib", "{t}/lib", "--licence", "CC0-1.0"], ["missing_dir"]),
    (["sources", "list", "{d}/missing_lib"], ["missing_lib"]),
    (["render", "{d}/in.wav", "-o", "{d}/a_file/o.wav"], ["a_file"]),
])
def test_missing_inputs(argv, words, inputs, tmp_path):
    args = [a.format(d=inputs, t=tmp_path) for a in argv]
    assert_user_error(run(*args), *words)
    assert not (tmp_path / "o.wav").exists() and not (tmp_path / "m.safetensors").exists()


@pytest.mark.parametrize("argv, words", [
    (["render", "{d}/empty.wav", "-o", "{t}/o.wav"], ["empty"]),
    (["eval", "{d}/empty_dir", "--metadata", "{d}/meta.jsonl"], ["no .wav"]),
    (["generate", "--scene", "{d}/empty.json", "-o", "{t}/o.wav"], ["scene"]),
    (["generate", "", "-o", "{t}/o.wav"], ["empty"]),
    (["parse", ""], ["empty"]),
    (["render", "{d}/in.wav", "-o", "{t}/o.xyz"], [".wav"]),
    (["render", "{d}/in.wav", "-o", "{t}/o.flac", "--subtype", "FLOAT"], []),
])
def test_empty_and_malformed_inputs(argv, words, inputs, tmp_path):
    args = [a.format(d=inputs, t=tmp_path) for a in argv]
    r = run(*args)
    if not words:  # FLOAT into a FLAC: the format's own default, no error
        assert r.returncode == 0, r.stderr
        return
    assert_user_error(r, *words)
    assert not (tmp_path / "o.wav").exists()


def test_render_honours_the_subtype_keeps_the_tail_and_warns_above_full_scale(inputs, tmp_path):
    import soundfile as sf

    r = run("render", inputs / "in.wav", "-o", tmp_path / "a.flac", "--subtype", "PCM_24", "--azimuth", "60")
    assert r.returncode == 0, r.stderr
    assert sf.info(str(tmp_path / "a.flac")).subtype == "PCM_24"
    n_in = sf.info(str(inputs / "in.wav")).frames
    h = bewo_rt.HRTF.load("kemar", 16000)
    assert sf.info(str(tmp_path / "a.flac")).frames == n_in + h.ir_length - 1
    r = run("render", inputs / "in.wav", "-o", tmp_path / "b.wav", "--cut")
    assert r.returncode == 0 and sf.info(str(tmp_path / "b.wav")).frames == n_in
    # A ten-sample click keeps both ears' responses instead of one silent ear.
    sf.write(tmp_path / "click.wav", np.r_[np.ones(1), np.zeros(9)].astype(np.float32), 16000)
    r = run("render", tmp_path / "click.wav", "-o", tmp_path / "c.wav", "--azimuth", "90")
    c, _ = sf.read(str(tmp_path / "c.wav"), always_2d=True)
    assert r.returncode == 0 and np.abs(c[:, 0]).max() > 0 and np.abs(c[:, 1]).max() > 0
    # A near source above full scale: a warning by default, refused or normalised on request.
    loud = tmp_path / "loud.wav"
    sf.write(loud, (0.9 * np.sin(np.arange(8000) * 0.3)).astype(np.float32), 16000)
    r = run("render", loud, "-o", tmp_path / "d.wav", "--distance", "0.3", "--azimuth", "90")
    assert r.returncode == 0 and "above full scale" in r.stderr
    r = run("render", loud, "-o", tmp_path / "e.wav", "--distance", "0.3", "--azimuth", "90", "--peak", "refuse")
    assert_user_error(r, "full scale")
    assert not (tmp_path / "e.wav").exists()
    r = run("render", loud, "-o", tmp_path / "f.wav", "--distance", "0.3", "--azimuth", "90", "--peak", "normalise")
    f, _ = sf.read(str(tmp_path / "f.wav"))
    assert r.returncode == 0 and np.abs(f).max() == pytest.approx(0.891, abs=1e-3)


def test_debug_shows_the_traceback(inputs, tmp_path):
    r = subprocess.run([sys.executable, "-m", "bewo_rt.cli", "--debug", "render", str(inputs / "missing.wav"), "-o",
                        str(tmp_path / "o.wav")], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_import_from_the_source_tree_says_what_to_do():
    root = Path(__file__).resolve().parent.parent
    if list((root / "bewo_rt").glob("_core*.so")):
        pytest.skip("the source tree holds a built core")
    r = subprocess.run([sys.executable, "-c", "import bewo_rt"], cwd=root, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "compiled core" in r.stderr and "pip install" in r.stderr and "circular" not in r.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_during_a_build_stops_cleanly_and_resumes(tmp_path, workers):
    out = tmp_path / "corpus"
    cmd = [sys.executable, "-m", "bewo_rt.cli", "dataset", "build", "--out", str(out), "--clips", "400", "--seconds",
           "1", "--quiet", "--workers", str(workers)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    t0 = time.time()
    while time.time() - t0 < 240 and len(list((out / "meta").glob("*.json"))) < 2 and p.poll() is None:
        time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err and "again" in err, err
    built = len(list((out / "meta").glob("*.json")))
    assert 1 <= built < 400
    assert len((out / "metadata.jsonl").read_text().splitlines()) == built  # what finished is listed
    r = run("dataset", "build", "--out", out, "--clips", built + 1, "--seconds", "1", "--quiet")
    assert r.returncode == 0, r.stderr  # resumes with the same settings


def test_a_failed_build_does_not_block_the_next(tmp_path, inputs):
    out = tmp_path / "corpus"
    r = run("dataset", "build", "--out", out, "--clips", "2", "--seconds", "1", "--quiet", "--library", inputs / "a_file")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = run("dataset", "build", "--out", out, "--clips", "2", "--seconds", "1", "--quiet")
    assert r.returncode == 0, r.stderr


def test_eval_defaults_on_a_generated_clip_and_unreadable_metadata(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    g = bewo_rt.generate("a bell rings on the right", seconds=2.0, steps=4, mode="cascaded")
    bewo_rt.write_audio(clips / "bell.wav", g.audio, g.sample_rate)
    meta = tmp_path / "meta.jsonl"
    meta.write_text('{"audio_name": "bell.wav", "scene": {"sources": [{"label": "bell", "azimuth_start_deg": 90}]}}\n')
    r = run("eval", clips, "--metadata", meta)
    assert r.returncode == 0, r.stderr
    row = next(l for l in r.stdout.splitlines() if l.startswith("bell"))
    assert "silent" not in row and " ok " in row
    assert "gate:" in r.stdout
    meta.write_text('{"audio_name": "bell.wav", "scene": {"sources": [{"label": "bell", "speed": "warp"}]}}\n')
    r = run("eval", clips, "--metadata", meta)
    assert r.returncode == 1 and "could not be scored" in r.stderr
    row = next(l for l in r.stdout.splitlines() if l.startswith("bell"))
    assert "intended:" in row and "speed" in row


def test_paths_lists_the_installed_files(tmp_path):
    r = run("paths", "--json")
    assert r.returncode == 0, r.stderr
    import json

    p = json.loads(r.stdout)
    for k in ("model", "hrtf_kemar_16000", "hrtf_kemar_44100", "include", "library"):
        assert p[k] and Path(p[k]).exists(), k
    assert Path(p["cmake"], "bewoConfigVersion.cmake").is_file()
    assert p == {k: (str(v) if v is not None else None) for k, v in bewo_rt.paths().items()}


def test_unclear_messages_are_clear(tmp_path):
    import h5py

    # A SOFA file with zero measurements.
    p = tmp_path / "empty.sofa"
    with h5py.File(p, "w") as f:
        f.attrs["SOFAConventions"] = b"SimpleFreeFieldHRIR"
        f["Data.IR"] = np.zeros((0, 2, 16))
        f["Data.SamplingRate"] = np.array([48000.0])
        f["SourcePosition"] = np.zeros((0, 3))
    with pytest.raises(ValueError, match="no measurements"):
        bewo_rt.HRTF.load(str(p), 48000)
    # The streaming renderer checks its rate as rendering does.
    for bad in (7, 0, -48000, 1e7):
        with pytest.raises((ValueError, TypeError), match="sample_rate"):
            bewo_rt.StreamRenderer(sample_rate=bad)
    with pytest.raises(ValueError, match="sample_rate"):
        bewo_rt.render(np.ones(100, np.float32), 7, azimuth=30)


def test_sources_list_takes_the_folder_and_import_names_the_option(tmp_path):
    import soundfile as sf

    lib = tmp_path / "lib"
    r = run("sources", "procedural", "--lib", lib, "--per-kind", "1", "--seconds", "0.5")
    assert r.returncode == 0, r.stderr
    r = run("sources", "list", lib)
    assert r.returncode == 0 and "sounds" in r.stdout, r.stderr
    src = tmp_path / "raw"
    src.mkdir()
    sf.write(src / "dog bark.wav", (0.1 * np.random.default_rng().standard_normal(8000)).astype(np.float32), 16000)
    r = run("sources", "import", src, "--lib", lib)
    assert r.returncode == 0 and "--licence" in r.stderr, r.stderr


def test_a_damaged_bundle_config_names_the_file(tmp_path):
    pytest.importorskip("torch")
    import json

    from safetensors.numpy import load_file, save_file

    from bewo_rt.model.bundle import DEFAULT_BUNDLE, load

    with open(DEFAULT_BUNDLE, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        meta = json.loads(f.read(n))["__metadata__"]
    cfg = json.loads(meta["config"])
    cfg["dit_heads"] = 0
    meta["config"] = json.dumps(cfg)
    bad = tmp_path / "damaged.safetensors"
    save_file(load_file(str(DEFAULT_BUNDLE)), str(bad), metadata=meta)
    with pytest.raises(ValueError, match="damaged.safetensors"):
        load(bad, check_text_encoder=False)
