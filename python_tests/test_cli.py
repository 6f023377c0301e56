import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from bewo_rt import cli
from conftest import gcc_phat_lag


def run_cli(args, cwd):
    return subprocess.run([sys.executable, "-m", "bewo_rt.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_render_command_places_the_sound(tmp_path, rng):
    x = (0.1 * rng.standard_normal(24000)).astype(np.float32)
    sf.write(tmp_path / "in.wav", x, 24000, subtype="FLOAT")
    r = run_cli(["render", "in.wav", "-o", "left.wav", "--azimuth", "-60"], tmp_path)
    assert r.returncode == 0, r.stderr
    y, sr = sf.read(tmp_path / "left.wav", dtype="float32", always_2d=True)
    taps = __import__("bewo_rt").HRTF.load("kemar", 24000).ir_length
    assert sr == 24000 and y.shape == (24000 + taps - 1, 2)  # the HRTF tail is kept (--cut drops it)
    assert gcc_phat_lag(y[:, 0], y[:, 1], 30) < -3  # left ear leads
    assert np.sum(y[:, 0] ** 2) > 3 * np.sum(y[:, 1] ** 2)


def test_render_command_path_overrides_azimuth(tmp_path, rng):
    x = (0.1 * rng.standard_normal(48000)).astype(np.float32)
    sf.write(tmp_path / "in.wav", x, 16000)
    r = run_cli(["render", "in.wav", "-o", "moving.flac", "--azimuth", "-90", "--path", "0:90,3:-90",
                 "--hrtf", "sphere"], tmp_path)
    assert r.returncode == 0, r.stderr
    y, _ = sf.read(tmp_path / "moving.flac", always_2d=True)
    first, last = y[:8000], y[-8000:]
    assert np.sum(first[:, 1] ** 2) > 3 * np.sum(first[:, 0] ** 2)  # starts right
    assert np.sum(last[:, 0] ** 2) > 3 * np.sum(last[:, 1] ** 2)  # ends left


@pytest.mark.parametrize("args, match", [
    (["render", "missing.wav", "-o", "o.wav"], "not found"),
    (["render", "in.wav", "-o", "o.wav", "--hrtf", "nothere.sofa"], "nothere.sofa"),
    (["render", "in.wav", "-o", "o.wav", "--path", "0:1:2:3:4"], "path"),
    (["render", "in.wav", "-o", "o.wav", "--distance", "-2"], "distance"),
])
def test_render_command_errors_are_clear_and_write_nothing(tmp_path, args, match):
    sf.write(tmp_path / "in.wav", np.zeros(1000, np.float32) + 0.1, 16000)
    r = run_cli(args, tmp_path)
    assert r.returncode == 2
    assert match in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o.wav").exists()


def test_output_is_written_atomically(tmp_path, monkeypatch, rng):
    import soundfile

    sf.write(tmp_path / "in.wav", rng.standard_normal(4000).astype(np.float32), 16000)
    (tmp_path / "out.wav").write_bytes(b"previous result")
    real_write = soundfile.write

    def failing_write(file, data, *a, **k):
        real_write(file, data[: len(data) // 2], *a, **k)  # half the file, then the disk "fails"
        raise OSError("disk full")

    monkeypatch.setattr(soundfile, "write", failing_write)
    # one line and a nonzero exit code, not a traceback; the previous file untouched, no partial file
    assert cli.main(["render", str(tmp_path / "in.wav"), "-o", str(tmp_path / "out.wav")]) in (1, 2)
    assert (tmp_path / "out.wav").read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.wav", "out.wav"]


def test_demo_and_backends_commands(tmp_path):
    r = run_cli(["demo", "-o", "demo.wav", "--seconds", "2"], tmp_path)
    assert r.returncode == 0, r.stderr
    y, sr = sf.read(tmp_path / "demo.wav", always_2d=True)
    assert y.shape == (2 * sr, 2) and np.all(np.isfinite(y))
    b = run_cli(["backends"], tmp_path)
    assert b.returncode == 0 and '"cpu"' in b.stdout and '"cuda"' in b.stdout


def test_integer_formats_never_clip_silently(tmp_path):
    from bewo_rt import write_audio

    loud = np.full((2, 100), 1.5, np.float32)
    with pytest.raises(ValueError, match="clip"):
        write_audio(tmp_path / "loud.flac", loud, 16000)
    assert not (tmp_path / "loud.flac").exists()
    write_audio(tmp_path / "loud.wav", loud, 16000)  # float WAV keeps it
    sf.write(tmp_path / "in.wav", np.full(4000, 0.99, np.float32), 16000)
    r = run_cli(["render", "in.wav", "-o", "out.flac", "--azimuth", "-90", "--distance", "0.25"], tmp_path)
    assert r.returncode == 0 and "scaled" in r.stderr
    y, _ = sf.read(tmp_path / "out.flac")
    assert np.max(np.abs(y)) < 1.0
