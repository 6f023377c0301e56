"""Source library, conditioning, importers and the procedural set (bewo_rt.corpus)."""
import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from bewo_rt.corpus import (MissingPackageError, RejectedSound, SourceLibrary, build_procedural_library, condition,
                            generate, import_dir, kinds, register_cli)
from bewo_rt.corpus import importers, procedural

SR = 16000


def db(v):
    return 20 * np.log10(v)


def rms(x):
    return float(np.sqrt(np.mean(np.asarray(x, np.float64) ** 2)))


# --- procedural set ------------------------------------------------------------------------------
def test_procedural_is_deterministic_sized_and_audible(rng):
    assert len(kinds()) >= 12
    seconds = float(rng.uniform(0.5, 2.0))
    sr = int(rng.choice([8000, 16000, 22050, 48000]))
    seed = int(rng.integers(0, 2**31))
    for k in kinds():
        x = generate(k, seconds, sr, seed)
        assert x.dtype == np.float32 and x.shape == (int(round(seconds * sr)),), k
        assert np.all(np.isfinite(x)), k
        assert rms(x) > 1e-3 and np.max(np.abs(x)) == pytest.approx(0.5, rel=1e-4), k
        assert np.array_equal(x, generate(k, seconds, sr, seed)), f"{k}: not deterministic"
        assert not np.allclose(x, generate(k, seconds, sr, seed + 1)), f"{k}: seed has no effect"
    # the natural label names the same kind
    assert np.array_equal(generate("a siren", 0.5, SR, 3), generate("siren", 0.5, SR, 3))
    with pytest.raises(ValueError, match="unknown procedural kind"):
        generate("a unicorn", 1.0, SR, 0)


def _frames(x, n=512, hop=256):
    k = (x.size - n) // hop + 1
    idx = np.arange(n)[None, :] + hop * np.arange(k)[:, None]
    return np.abs(np.fft.rfft(x[idx].astype(np.float64) * np.hanning(n), axis=1)) ** 2, np.fft.rfftfreq(n, 1 / SR)


def _stats(x):
    S, f = _frames(x)
    m = S.mean(axis=0)
    e = S.sum(axis=1)
    return {"centroid": float((m * f).sum() / m.sum()),
            "flatness": float(np.exp(np.mean(np.log(m[1:] + 1e-20))) / np.mean(m[1:])),
            "quiet": float(np.mean(e < 1e-3 * e.max())),
            "peaks": f[np.argmax(S, axis=1)]}


def test_procedural_kinds_have_their_spectral_signatures(rng):
    seed = int(rng.integers(0, 2**31))
    x = {k: generate(k, 4.0, SR, seed) for k in kinds()}
    st = {k: _stats(v) for k, v in x.items()}

    # a sine tone: one spectral line holds nearly all the energy (Hann window against leakage)
    X = np.abs(np.fft.rfft(x["sine"].astype(np.float64) * np.hanning(x["sine"].size))) ** 2
    p = int(np.argmax(X))
    assert X[p - 3:p + 4].sum() > 0.95 * X.sum()
    assert 300 <= p * SR / x["sine"].size <= 1500

    # a rising chirp: the frame-wise peak frequency rises through the clip
    pk = st["chirp"]["peaks"]
    assert np.mean(np.diff(pk) >= 0) > 0.9
    assert np.median(pk[-10:]) > 4 * np.median(pk[:10])

    # a siren: the pitch sweeps up and down (unlike the chirp) over a few hundred Hz
    d = np.diff(st["siren"]["peaks"])
    assert np.percentile(st["siren"]["peaks"], 95) - np.percentile(st["siren"]["peaks"], 5) > 200
    assert d[d > 0].sum() > 150 and -d[d < 0].sum() > 150  # it both rises and falls by 150 Hz or more

    # a telephone: two tones 40 Hz apart, rung with pauses
    X = np.abs(np.fft.rfft(x["telephone"].astype(np.float64)))
    f = np.fft.rfftfreq(x["telephone"].size, 1 / SR)
    top = f[np.argsort(X)[::-1]]
    second = next(v for v in top[1:] if abs(v - top[0]) > 10)
    assert abs(abs(second - top[0]) - 40) < 3
    assert st["telephone"]["quiet"] > 0.2

    assert st["noise_bursts"]["flatness"] > 0.9 and st["noise_bursts"]["quiet"] > 0.2  # white, gated
    assert st["rain"]["flatness"] > 0.3 and st["rain"]["quiet"] == 0  # broadband and continuous
    assert st["wind"]["quiet"] == 0 and st["wind"]["centroid"] < 1000  # continuous, dark
    assert st["engine"]["centroid"] < 300  # rumble
    assert st["bird"]["centroid"] > 3000  # high chirps
    assert st["clock"]["quiet"] > 0.7 and st["clock"]["centroid"] > 1500  # sparse bright ticks
    assert st["clapping"]["centroid"] > st["footsteps"]["centroid"]  # claps are brighter than steps


def test_build_procedural_library_is_rerunnable(tmp_path):
    lib = SourceLibrary(tmp_path / "lib")
    n = build_procedural_library(lib, per_kind=1, seconds=1.0)
    assert n == len(kinds()) == len(lib)
    assert build_procedural_library(lib, per_kind=1, seconds=1.0) == 0
    assert build_procedural_library(lib, per_kind=2, seconds=1.0) == len(kinds())
    assert {e.licence for e in lib} == {"CC0-1.0"} and {e.origin for e in lib} == {"bewo_rt procedural"}
    assert set(lib.labels()) == {procedural.label(k) for k in kinds()}


# --- conditioning ----------------------------------------------------------------------------------
def test_condition_limits_peaky_sounds_and_rejects_bad_input(rng):
    x = 1e-4 * rng.standard_normal(SR)
    x[SR // 2] = 0.9  # a click: reaching -20 dBFS RMS would need a peak far above full scale
    y = condition(x, SR)
    assert db(np.max(np.abs(y))) == pytest.approx(-1.0, abs=0.01)
    assert db(rms(y)) < -20
    for bad, match in ((np.zeros(0), "empty"), (np.zeros(SR), "silent"), (np.full(SR, np.nan), "NaN")):
        with pytest.raises(RejectedSound, match=match):
            condition(bad, SR)
    long = rng.standard_normal(13 * SR)
    assert condition(long, SR, max_seconds=10).size == 10 * SR
    assert condition(long, SR, max_seconds=2.5).size == int(2.5 * SR)


# --- import_dir ------------------------------------------------------------------------------------
def _burst(rng, lead, active, tail, sr, stereo=True, kind="sine"):
    n_lead, n_act, n_tail = (int(round(v * sr)) for v in (lead, active, tail))
    amp = rng.uniform(0.05, 0.5)
    t = np.arange(n_act) / sr
    sig = (amp * np.sin(2 * np.pi * rng.uniform(200, 2000) * t) if kind == "sine"
           else amp * 0.3 * rng.standard_normal(n_act))
    x = np.concatenate([np.zeros(n_lead), sig, np.zeros(n_tail)])
    x += amp * 1e-5 * rng.standard_normal(x.size)  # a noise floor 100 dB down is still "silence"
    return np.stack([x, 0.8 * x], axis=1) if stereo else x


def test_import_dir_trims_normalises_records_and_skips(tmp_path, rng):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    spans = {}
    for name, sr, kind in (("dog_bark_02.wav", 16000, "sine"), ("sub/Rain-Heavy.flac", 22050, "noise")):
        lead, active, tail = rng.uniform(0.1, 0.8), rng.uniform(0.5, 1.5), rng.uniform(0.1, 0.8)
        sf.write(src / name, _burst(rng, lead, active, tail, sr, kind=kind), sr)
        spans[name] = active
    sf.write(src / "bad_nan.wav", np.full((800, 2), np.nan, np.float32), SR, subtype="FLOAT")
    sf.write(src / "empty.wav", np.zeros((0, 1), np.float32), SR)
    sf.write(src / "quiet.wav", np.zeros(SR, np.float32), SR)
    (src / "notes.txt").write_text("not audio")

    lib = SourceLibrary(tmp_path / "lib")
    with pytest.warns(UserWarning, match="skipped 3 file"):
        r = import_dir(lib, src, licence="CC-BY-4.0", origin="my field recordings")
    assert r == 2 and len(r.skipped) == 3 and len(lib) == 2
    reasons = " ".join(why for _, why in r.skipped)
    assert "NaN" in reasons and "silent" in reasons and ("no samples" in reasons or "empty" in reasons)

    by_label = {e.label: e for e in lib.entries}
    assert set(by_label) == {"dog bark", "rain heavy"}
    for label, name, sr in (("dog bark", "dog_bark_02.wav", 16000), ("rain heavy", "sub/Rain-Heavy.flac", 22050)):
        e = by_label[label]
        assert e.licence == "CC-BY-4.0" and e.origin == "my field recordings" and e.sample_rate == sr
        assert (lib.root / e.path).suffix == ".flac" and sf.info(str(lib.root / e.path)).channels == 1
        # trimmed to the active span: 10 ms activity frames plus the 5 ms kept for the fades
        # may add at most 15 ms per end
        assert spans[name] - 0.002 <= e.duration_s <= spans[name] + 0.031
        y = lib.load(e.id, sr)
        assert y.ndim == 1 and y.size == int(round(e.duration_s * sr))
        assert db(rms(y)) == pytest.approx(-20.0, abs=0.5)
        assert db(np.max(np.abs(y))) <= -1.0 + 0.01

    with pytest.warns(UserWarning):  # the bad files are reported again; the good ones are already in
        assert import_dir(lib, src, licence="CC-BY-4.0", origin="my field recordings") == 0
    assert len(SourceLibrary(tmp_path / "lib")) == 2
    assert len((tmp_path / "lib" / "index.jsonl").read_text().splitlines()) == 2


def test_import_dir_sidecar_labels_and_licence_file(tmp_path, rng):
    src = tmp_path / "pack"
    src.mkdir()
    sf.write(src / "take_07.wav", _burst(rng, 0.1, 0.5, 0.1, SR), SR)
    (src / "take_07.txt").write_text("A dog barks twice.\nrecorded in 2020\n")
    sf.write(src / "door_slam.wav", _burst(rng, 0.1, 0.5, 0.1, SR, stereo=False, kind="noise"), SR)
    (src / "door_slam.licence").write_text("CC0-1.0\n")
    (src / "LICENSE").write_text("CC-BY-4.0\n\nAttribution required...\n")
    lib = SourceLibrary(tmp_path / "lib")
    assert import_dir(lib, src, label_from="sidecar") == 2
    e = {x.label: x for x in lib.entries}
    assert e["A dog barks twice"].licence == "CC-BY-4.0"  # from the folder's LICENSE
    assert e["door slam"].licence == "CC0-1.0"  # per-file licence wins; no sidecar: file name
    assert e["door slam"].origin == "pack"  # default origin: the folder name
    with pytest.raises(FileNotFoundError):
        import_dir(lib, tmp_path / "nowhere", licence="CC0-1.0")


def test_import_dir_without_licence_skips(tmp_path, rng):
    src = tmp_path / "x"
    src.mkdir()
    sf.write(src / "hum.wav", _burst(rng, 0.1, 0.5, 0.1, SR), SR)
    with pytest.warns(UserWarning, match="no licence"):
        r = import_dir(SourceLibrary(tmp_path / "lib"), src)
    assert r == 0 and len(r.skipped) == 1


# --- the library itself ----------------------------------------------------------------------------
def test_library_index_round_trips(tmp_path, rng):
    lib = SourceLibrary(tmp_path / "lib")
    sounds = [(0.3 * rng.standard_normal(int(rng.integers(2000, 9000)))).astype(np.float32) for _ in range(3)]
    a = lib.add(sounds[0], SR, "a dog barking", "CC0-1.0", "test", attribution="me")
    b = lib.add(sounds[1], SR, "a dog barking", "CC0-1.0", "test")
    c = lib.add(sounds[2], 8000, "rain", "CC-BY-4.0", "other", id="Rain Take 1")
    assert a.id != b.id and a.id.startswith("test-a-dog-barking-") and c.id == "rain-take-1"
    assert lib.add(sounds[0], SR, "different", "MIT", "x", id="rain-take-1") is None  # never replaced
    assert len(lib) == 3 and lib.get("rain-take-1").label == "rain"

    lines = [json.loads(ln) for ln in (tmp_path / "lib" / "index.jsonl").read_text().splitlines()]
    assert len(lines) == 3 and lines[0]["attribution"] == "me" and "attribution" not in lines[1]
    assert set(lines[2]) >= {"id", "label", "path", "duration_s", "sample_rate", "licence", "origin"}

    again = SourceLibrary(tmp_path / "lib")
    assert again.entries == lib.entries
    assert again.labels() == ["a dog barking", "rain"]
    assert [e.id for e in again.by_label("DOG")] == [a.id, b.id]
    y = again.load(c.id, 8000)
    assert y.dtype == np.float32 and y.size == round(c.duration_s * 8000)
    assert again.load(c.id, 8000) is y  # cached
    assert again.load(c.id, 16000).size == 2 * y.size
    with pytest.raises(ValueError):
        y[0] = 1.0  # cached arrays are shared, so they are read-only
    with pytest.raises(KeyError, match="no sound"):
        again.get("nope")

    # a line cut short by a crash is ignored, and does not swallow the next one
    with open(tmp_path / "lib" / "index.jsonl", "a") as f:
        f.write('{"id": "half", "lab')
    with pytest.warns(UserWarning, match="unreadable index line"):
        lib3 = SourceLibrary(tmp_path / "lib")
    assert len(lib3) == 3
    lib3.add(sounds[1], SR, "wind", "CC0-1.0", "test", id="wind-1")
    with pytest.warns(UserWarning):
        assert "wind-1" in SourceLibrary(tmp_path / "lib")


# --- Debian importers ------------------------------------------------------------------------------
MISSING = [
    ("sonic-pi-samples", lambda lib, d: importers.import_sonic_pi(lib, root=d)),
    ("tuxpaint-stamps-default", lambda lib, d: importers.import_tuxpaint(lib, root=d)),
    ("sound-theme-freedesktop", lambda lib, d: importers.import_freedesktop(lib, root=d)),
    ("espeak-ng", lambda lib, d: importers.import_espeak(lib, program=str(d / "espeak-ng"))),
    ("fluid-soundfont-gm", lambda lib, d: importers.import_fluidsynth(lib, soundfont=d / "FluidR3_GM.sf2")),
    ("fluidsynth", lambda lib, d: importers.import_fluidsynth(lib, soundfont=__file__, program=str(d / "fluidsynth"))),
]


@pytest.mark.parametrize("package, run", MISSING, ids=[m[0] for m in MISSING])
def test_missing_package_names_what_to_install(tmp_path, package, run):
    with pytest.raises(MissingPackageError, match=f"apt-get install {package}`"):
        run(SourceLibrary(tmp_path / "lib"), tmp_path / "missing")


def _installed(path):
    return Path(path).exists()


REAL = [
    ("sonic-pi-samples", _installed(importers.SONIC_PI_ROOT), {"CC0-1.0"}),
    ("tuxpaint-stamps-default", _installed(importers.TUXPAINT_ROOT), {"GPL-2.0"}),
    ("sound-theme-freedesktop", _installed(importers.FREEDESKTOP_ROOT), None),
    ("espeak-ng", shutil.which("espeak-ng") is not None, {"GPL-3.0-or-later"}),
    ("fluid-soundfont-gm", _installed(importers.SOUNDFONT) and shutil.which("fluidsynth") is not None, {"MIT"}),
]


@pytest.mark.parametrize("package, present, licences", REAL, ids=[r[0] for r in REAL])
def test_debian_importer_really_imports(tmp_path, package, present, licences):
    if not present:
        pytest.skip(f"{package} is not installed here")
    lib = SourceLibrary(tmp_path / "lib")
    n = importers.import_debian(lib, package, limit=3, sample_rate=SR)
    assert n == 3 == len(lib)
    for e in lib:
        assert e.sample_rate == SR and 0 < e.duration_s <= 10 and e.label and e.origin == package
        assert licences is None or e.licence in licences
        assert np.isfinite(lib.load(e.id, SR)).all()
    assert all(e.licence != "" for e in lib)
    assert importers.import_debian(lib, package, limit=3, sample_rate=SR) == 0


def test_label_cleaning():
    assert importers.label_from_filename("dog_bark_02.wav") == "dog bark"
    assert importers.label_from_filename("DogBark-3.flac") == "dog bark"
    assert importers.label_from_filename("loop_3d_printer.flac") == "loop 3d printer"
    assert importers.caption_label("\u201cNo U-Turn\u201d.\nmore") == "No U-Turn"


# --- command line ----------------------------------------------------------------------------------
def _cli(argv):
    p = argparse.ArgumentParser(prog="bewo-rt")
    register_cli(p.add_subparsers(dest="cmd", required=True))
    a = p.parse_args(argv)
    return a.func(a)


def test_cli_sources_commands(tmp_path, rng, capsys):
    lib = str(tmp_path / "lib")
    assert _cli(["sources", "procedural", "--lib", lib, "--per-kind", "1", "--seconds", "0.5"]) == 0
    src = tmp_path / "in"
    src.mkdir()
    sf.write(src / "car_horn.wav", _burst(rng, 0.1, 0.4, 0.1, SR), SR)
    assert _cli(["sources", "import", str(src), "--lib", lib, "--licence", "CC0-1.0", "--origin", "mine"]) == 0
    assert _cli(["sources", "list", "--lib", lib]) == 0
    out = capsys.readouterr().out
    assert f"{len(kinds()) + 1} sounds" in out and "CC0-1.0" in out and "mine" in out
    assert _cli(["sources", "list", "--lib", lib, "--entries"]) == 0
    assert "car horn" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        _cli(["sources", "debian", "no-such-package", "--lib", lib])
