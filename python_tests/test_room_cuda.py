"""Batched room responses: the CPU batch is room_response one after the other; the CUDA batch
must match it within 1e-4 relative (max abs difference over max abs of the CPU response) in
both modes, like test_backends.py does for the renderer."""
import os

import numpy as np
import pytest

import bewo_rt
from bewo_rt import Room
from bewo_rt.room import room_response, room_responses

CUDA = bewo_rt.backends()["cuda"]
needs_cuda = pytest.mark.skipif(not CUDA["usable"], reason=f"CUDA not usable: {CUDA['detail']}")


def random_scenes(rng, n, outdoor_every=0):
    scenes = []
    for i in range(n):
        if outdoor_every and i % outdoor_every == outdoor_every - 1:
            room = Room(outdoor=True, ground_reflection=float(rng.uniform(0.3, 0.9)))
            scenes.append((room, (float(rng.uniform(-5, 5)), float(rng.uniform(-5, 5)), float(rng.uniform(0.1, 3))),
                           (0.0, 0.0, 1.6)))
            continue
        size = (float(rng.uniform(3, 10)), float(rng.uniform(3, 8)), float(rng.uniform(2.5, 4.5)))
        if rng.uniform() < 0.5:
            room = Room(outdoor=False, size_m=size, rt60_s=float(rng.uniform(0.15, 0.9)))
        else:
            room = Room(outdoor=False, size_m=size, absorption=[float(v) for v in rng.uniform(0.05, 0.6, 6)],
                        transition_s=float(rng.uniform(0.01, 0.06)))
        lis = tuple(float(rng.uniform(0.5, s - 0.5)) for s in size)
        src = tuple(float(rng.uniform(0.2, s - 0.2)) for s in size)
        scenes.append((room, src, lis))
    return scenes


def test_gpu_required_when_asked():
    """gpu_check.sh sets BEWO_REQUIRE_CUDA=1 so the CUDA comparisons cannot pass by skipping."""
    if os.environ.get("BEWO_REQUIRE_CUDA") == "1":
        assert CUDA["usable"], CUDA["detail"]


@pytest.mark.parametrize("mode", ["binaural", "two_mic"])
def test_cpu_batch_equals_individual_responses(mode, rng):
    sr = 16000
    scenes = random_scenes(rng, 5, outdoor_every=4)
    seeds = [int(s) for s in rng.integers(0, 1 << 40, len(scenes))]
    out = room_responses(scenes, sr, mode=mode, seeds=seeds, backend="cpu")
    refs = [room_response(r, s, l, sr, mode=mode, seed=seed) for (r, s, l), seed in zip(scenes, seeds)]
    assert out.dtype == np.float32 and out.shape == (len(scenes), 2, max(r.shape[1] for r in refs))
    for o, r in zip(out, refs):
        np.testing.assert_array_equal(o[:, : r.shape[1]], r)
        assert np.all(o[:, r.shape[1]:] == 0)


def test_default_seeds_and_empty_batch():
    room = Room(outdoor=False, size_m=(5.0, 4.0, 3.0), rt60_s=0.4)
    scenes = [(room, (1.0, 1.0, 1.5), (3.0, 2.0, 1.6))] * 2
    out = room_responses(scenes, 16000, backend="cpu")
    np.testing.assert_array_equal(out[1], room_response(room, *scenes[1][1:], 16000, seed=1))
    assert not np.array_equal(out[0], out[1])  # distinct tails
    assert room_responses([], 16000, backend="cpu").shape == (0, 2, 0)
    with pytest.raises(ValueError, match="seeds"):
        room_responses(scenes, 16000, seeds=[1], backend="cpu")
    with pytest.raises(ValueError, match="backend"):
        room_responses(scenes, 16000, backend="metal")


def test_auto_falls_back_to_cpu_and_cuda_raises_without_gpu(rng):
    if CUDA["usable"]:
        pytest.skip("a GPU is present")
    scenes = random_scenes(rng, 2)
    np.testing.assert_array_equal(room_responses(scenes, 16000, backend="auto"),
                                  room_responses(scenes, 16000, backend="cpu"))
    with pytest.raises(RuntimeError, match="CUDA"):
        room_responses(scenes, 16000, backend="cuda")


@needs_cuda
@pytest.mark.parametrize("sr", [16000, 48000])
@pytest.mark.parametrize("mode", ["binaural", "two_mic"])
def test_cuda_matches_cpu(mode, sr, rng):
    scenes = random_scenes(rng, 12, outdoor_every=6)
    seeds = [int(s) for s in rng.integers(0, 1 << 62, len(scenes))]
    cpu = room_responses(scenes, sr, mode=mode, seeds=seeds, backend="cpu")
    gpu = room_responses(scenes, sr, mode=mode, seeds=seeds, backend="cuda")
    assert gpu.shape == cpu.shape and gpu.dtype == np.float32
    for i in range(len(scenes)):
        err = np.max(np.abs(gpu[i].astype(np.float64) - cpu[i])) / np.max(np.abs(cpu[i]))
        assert err <= 1e-4, (i, mode, sr, err)


@needs_cuda
def test_cuda_fixed_length_and_other_hrtf(rng):
    """length_s shorter than the tail (the tail is cut), the spherical-head HRTF set."""
    scenes = random_scenes(rng, 4)
    for hrtf, length in (("sphere", None), ("kemar", 0.05)):
        cpu = room_responses(scenes, 48000, hrtf=hrtf, length_s=length, backend="cpu")
        gpu = room_responses(scenes, 48000, hrtf=hrtf, length_s=length, backend="cuda")
        assert gpu.shape == cpu.shape
        for i in range(len(scenes)):
            assert np.max(np.abs(gpu[i] - cpu[i])) <= 1e-4 * np.max(np.abs(cpu[i]))


@needs_cuda
def test_cuda_errors_name_the_problem():
    room = Room(outdoor=False, size_m=(5.0, 4.0, 3.0), rt60_s=0.4)
    with pytest.raises(ValueError, match="inside the room"):
        room_responses([(room, (1.0, 1.0, 1.0), (3.0, 2.0, 1.6)), (room, (9.0, 1.0, 1.0), (3.0, 2.0, 1.6))],
                       16000, backend="cuda")
