"""The same rendering checked on every backend, like ggml's test-backend-ops: the CPU renderer
is the reference; CUDA must match it within 1e-4 relative when a GPU is present."""
import os

import numpy as np
import pytest

import bewo_rt
from bewo_rt import render_batch

SR = 48000
CUDA = bewo_rt.backends()["cuda"]


def make_clips(rng, n_clips, n):
    clips = []
    for _ in range(n_clips):
        srcs = []
        for _ in range(int(rng.integers(1, 4))):
            x = rng.standard_normal(int(rng.integers(n // 2, n + 1))).astype(np.float32)
            a0, a1 = rng.uniform(-180, 180, 2)
            kf = [[0.0, a0, rng.uniform(-30, 30), rng.uniform(0.5, 3)],
                  [n / SR * rng.uniform(0.3, 1), a1, rng.uniform(-30, 30), rng.uniform(0.5, 3)]]
            srcs.append((x, kf, float(rng.uniform(0.5, 1.5))))
        clips.append(srcs)
    return clips


def test_gpu_required_when_asked():
    """gpu_check.sh sets BEWO_REQUIRE_CUDA=1 so a GPU run cannot pass by skipping."""
    if os.environ.get("BEWO_REQUIRE_CUDA") == "1":
        assert CUDA["usable"], CUDA["detail"]


def test_backends_report_without_error():
    b = bewo_rt.backends()
    assert b["cpu"]["usable"] is True
    assert set(b["cuda"]) >= {"compiled", "usable", "detail"}
    if not b["cuda"]["usable"]:
        assert b["cuda"]["detail"]


def test_cpu_batch_equals_individual_scene_renders(rng):
    n = SR // 2
    clips = make_clips(rng, 3, n)
    out = render_batch(clips, SR, n, backend="cpu")
    for c, srcs in enumerate(clips):
        ref = np.zeros((2, n))
        for x, kf, g in srcs:
            ref += bewo_rt.render(x, SR, path=kf, gain=g)[:, :n] if x.size == n else \
                bewo_rt.render(np.concatenate([x, np.zeros(n - x.size, np.float32)]), SR, path=kf, gain=g)
        np.testing.assert_allclose(out[c], ref, atol=1e-5)


def test_auto_falls_back_to_cpu_without_gpu(rng):
    if CUDA["usable"]:
        pytest.skip("a GPU is present")
    clips = make_clips(rng, 2, SR // 4)
    np.testing.assert_array_equal(render_batch(clips, SR, SR // 4, backend="auto"),
                                  render_batch(clips, SR, SR // 4, backend="cpu"))
    with pytest.raises(RuntimeError, match="CUDA"):
        render_batch(clips, SR, SR // 4, backend="cuda")


@pytest.mark.skipif(not CUDA["usable"], reason=f"CUDA not usable: {CUDA['detail']}")
@pytest.mark.parametrize("n, block", [(100, 16), (700, 32), (SR // 3 + 17, 256), (SR // 2, 2048)])
def test_cuda_edge_cases_match_cpu(n, block, rng):
    """n shorter than the HRIR and than a tile, partial blocks, sources longer than the clip,
    a clip without sources and a source that never moves (the CPU's static path)."""
    long_x = rng.standard_normal(n + 5000).astype(np.float32)
    still = (rng.standard_normal(n).astype(np.float32), [[0.0, 40.0]], 0.7)
    clips = [[(long_x, [[0, -120], [n / SR, 60]], 1.0)], [], [still], make_clips(rng, 1, n)[0]]
    cpu = render_batch(clips, SR, n, block_size=block, backend="cpu")
    gpu = render_batch(clips, SR, n, block_size=block, backend="cuda")
    assert np.all(gpu[1] == 0)
    for c in (0, 2, 3):
        assert np.max(np.abs(gpu[c] - cpu[c])) <= 1e-4 * np.max(np.abs(cpu[c]))


@pytest.mark.skipif(not CUDA["usable"], reason=f"CUDA not usable: {CUDA['detail']}")
@pytest.mark.parametrize("hrtf", ["kemar", "sphere"])
@pytest.mark.parametrize("block", [128, 512])
def test_cuda_batch_matches_cpu(hrtf, block, rng):
    n = SR
    clips = make_clips(rng, 6, n)
    cpu = render_batch(clips, SR, n, hrtf=hrtf, block_size=block, backend="cpu")
    gpu = render_batch(clips, SR, n, hrtf=hrtf, block_size=block, backend="cuda")
    for c in range(len(clips)):
        assert np.max(np.abs(gpu[c] - cpu[c])) <= 1e-4 * np.max(np.abs(cpu[c]))
