"""The tiny model's synthesis on the GPU (csrc/cuda/synthesis_cuda.cu): the STFT against numpy's
FFT of the same reflect-padded Hann frames, the inverse STFT and the whole Griffin-Lim synthesis
against the CPU runtime (which test_native_model.py checks against the PyTorch reference). Skips
without a usable GPU; gpu_check.sh sets BEWO_REQUIRE_CUDA=1 so that it cannot pass by skipping."""
import os

import numpy as np
import pytest

import bewo_rt
from bewo_rt import _core

CUDA = bewo_rt.backends()["cuda"]
needs_cuda = pytest.mark.skipif(not CUDA["usable"], reason=f"CUDA not usable: {CUDA['detail']}")
HOP, NFFT = 128, 512


def rel(a, b):
    return float(np.abs(np.asarray(a) - np.asarray(b)).max() / np.abs(np.asarray(b)).max())


def random_feats(rng, frames):
    mid = rng.uniform(-8, 0, (257, frames))
    mid[:, rng.integers(frames)] = -12.0  # a near-silent frame: exp(-12) is below the 1e-4 floor
    ild, itd = rng.uniform(-1.5, 1.5, (16, frames)), rng.uniform(-0.8, 0.8, (4, frames))
    return np.concatenate([mid, ild, itd]).astype(np.float32)


def test_gpu_required_when_asked():
    if os.environ.get("BEWO_REQUIRE_CUDA") == "1":
        assert CUDA["usable"], CUDA["detail"]


def test_without_a_gpu_the_calls_say_so():
    if CUDA["usable"]:
        pytest.skip("a GPU is usable here")
    x = np.random.default_rng().standard_normal(2048).astype(np.float32)
    with pytest.raises(RuntimeError, match="CUDA"):
        _core.cuda_stft(x)
    with pytest.raises(RuntimeError, match="CUDA"):
        _core.cuda_synthesise(np.zeros((277, 8), np.float32), 8 * HOP)


@needs_cuda
@pytest.mark.parametrize("samples", [HOP * 50, HOP * 37 + 91, NFFT])
def test_stft_matches_numpy(samples):
    rng = np.random.default_rng()
    x = rng.standard_normal(samples).astype(np.float32)
    re, im = _core.cuda_stft(x)
    frames = samples // HOP
    xp = np.pad(x.astype(np.float64), NFFT // 2, mode="reflect")
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(NFFT) / NFFT)
    ref = np.stack([np.fft.rfft(xp[f * HOP:f * HOP + NFFT] * win) for f in range(frames)], axis=1)
    assert re.shape == (257, frames)
    assert rel(re + 1j * im, ref) <= 1e-5  # fp32 radix-2 FFT of 512 points against float64


@needs_cuda
def test_istft_matches_the_cpu_and_inverts_the_stft():
    rng = np.random.default_rng()
    frames = 61
    re = rng.standard_normal((257, frames)).astype(np.float32)
    im = rng.standard_normal((257, frames)).astype(np.float32)
    samples = frames * HOP
    got = _core.cuda_istft(re, im, samples)
    assert rel(got, _core.nn_istft(re, im, samples)) <= 1e-5
    x = rng.standard_normal(samples).astype(np.float32)
    y = _core.cuda_istft(*_core.cuda_stft(x), samples)
    # The last frame is dropped, as the CPU drops it: the tail's envelope is short of it.
    inner = slice(0, samples - NFFT)
    assert rel(y[inner], x[inner]) <= 1e-5


@needs_cuda
def test_synthesis_matches_the_cpu():
    rng = np.random.default_rng()
    frames = 48
    feats = random_feats(rng, frames)
    samples = frames * HOP
    seed = int(rng.integers(1 << 40))
    # No iteration: the start phase drawn on the device must be the CPU generator's, draw for draw.
    got, _ = _core.cuda_synthesise(feats, samples, 0, seed)
    assert rel(got, _core.nn_synthesise(feats, samples, 0, seed)) <= 1e-5
    phase = rng.uniform(0, 2 * np.pi, (257, frames)).astype(np.float32)
    for iterations in (1, 4, 32):
        got, ms = _core.cuda_synthesise(feats, samples, iterations, 0, phase)
        want = _core.nn_synthesise(feats, samples, iterations, 0, phase)
        err = rel(got, want)
        print(f"{iterations} Griffin-Lim iterations: GPU vs CPU relative error {err:.2e}, {ms:.3f} ms")
        # As test_native_model's CPU-vs-torch bound: X / |X| amplifies fp32 rounding that differs
        # between the two FFTs at near-silent bins; a wrong step is O(1).
        assert err <= 1e-3
        again, _ = _core.cuda_synthesise(feats, samples, iterations, 0, phase)
        assert np.array_equal(got, again)  # no atomics: the same bits every call


@needs_cuda
def test_synthesis_rejects_bad_shapes():
    with pytest.raises(ValueError, match="feats"):
        _core.cuda_synthesise(np.zeros((200, 8), np.float32), 8 * HOP)
    with pytest.raises(ValueError, match="samples"):
        _core.cuda_synthesise(np.zeros((277, 8), np.float32), 100)
    with pytest.raises(RuntimeError, match="iterations"):
        _core.cuda_synthesise(np.zeros((277, 8), np.float32), 8 * HOP, 5000)
