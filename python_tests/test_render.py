import threading

import numpy as np
import pytest

import bewo_rt
from bewo_rt import HRTF, Scene, Source, _core, render
from bewo_rt.hrtf import woodworth_itd
from conftest import gcc_phat_lag

SR = 48000


def direct(x, h):
    """float64 direct convolution, cut to the input length."""
    return np.stack([np.convolve(x.astype(np.float64), h[e].astype(np.float64))[: x.size] for e in range(2)])


def relerr(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


@pytest.mark.parametrize("hrtf", ["kemar", "sphere"])
@pytest.mark.parametrize("block", [64, 256, 512, 2048])
def test_static_equals_direct_convolution(hrtf, block, rng):
    n = int(rng.integers(SR // 4, SR))
    x = rng.standard_normal(n).astype(np.float32)
    az, el = float(rng.uniform(-180, 180)), float(rng.uniform(-40, 80))
    y = render(x, SR, azimuth=az, elevation=el, hrtf=hrtf, block_size=block)
    assert y.dtype == np.float32 and y.shape == (2, n)
    h = HRTF.load(hrtf, SR).hrir(az, el)
    assert relerr(y, direct(x, h)) <= 1e-5


def reference_moving(h, x, kf, block, gain=1.0, near=0.25):
    """Independent float64 model of the renderer's contract: block j uses the HRIR of the
    trajectory at the block's end, crossfaded (raised cosine) from block j-1's HRIR and gain."""
    n = x.size
    plan = _core.plan_blocks(kf, n, float(h.sample_rate), block, near, 1.0, gain)
    L = h.ir_length
    xp = np.concatenate([np.zeros(L - 1), x.astype(np.float64), np.zeros(block)])
    w = 0.5 - 0.5 * np.cos(np.pi * (np.arange(block) + 0.5) / block)
    out = np.zeros((2, plan.shape[0] * block))
    hr = [h.hrir(a, e).astype(np.float64) for a, e, _ in plan]
    for j in range(plan.shape[0]):
        seg = xp[j * block: j * block + block + L - 1]
        jp = max(j - 1, 0)
        for e in range(2):
            y_new = np.convolve(seg, hr[j][e], "valid")
            y_old = np.convolve(seg, hr[jp][e], "valid")
            out[e, j * block:(j + 1) * block] = (1 - w) * plan[jp, 2] * y_old + w * plan[j, 2] * y_new
    return out[:, :n], plan


@pytest.mark.parametrize("hrtf", ["kemar", "sphere"])
def test_moving_source_matches_block_crossfade_reference(hrtf, rng):
    n = SR // 2
    x = rng.standard_normal(n).astype(np.float32)
    kf = np.array([[0.05, -100.0, 0.0, 0.5], [0.4, 70.0, 20.0, 3.0]])
    h = HRTF.load(hrtf, SR)
    y = render(x, SR, path=kf, hrtf=hrtf, block_size=256)
    ref, plan = reference_moving(h, x, kf, 256)
    assert len(np.unique(plan[:, 0])) > 40  # really moving, block by block
    assert relerr(y, ref) <= 1e-5


def test_instant_jump_switches_sides_within_one_block(rng):
    x = rng.standard_normal(SR).astype(np.float32)
    src = Source(azimuth_start_deg=-90, azimuth_end_deg=90, speed="instant", change_time=0.5)
    y = bewo_rt.render_scene(Scene([src], duration_s=1.0), SR, sounds={"": x}, block_size=512)
    left_first = np.sum(y[0, : SR // 2 - 1024] ** 2) / np.sum(y[1, : SR // 2 - 1024] ** 2)
    right_after = np.sum(y[1, SR // 2 + 1024:] ** 2) / np.sum(y[0, SR // 2 + 1024:] ** 2)
    assert left_first > 5 and right_after > 5


@pytest.mark.parametrize("hrtf", ["kemar", "sphere"])
def test_lateral_sources_lead_and_are_louder_on_their_side(hrtf, rng):
    x = rng.standard_normal(SR // 2).astype(np.float32)
    for az in range(-90, 91, 15):
        y = render(x, SR, azimuth=az, hrtf=hrtf)
        lag = gcc_phat_lag(y[0], y[1], 48)  # > 0: left lags
        ild = 10 * np.log10(np.sum(y[0].astype(np.float64) ** 2) / np.sum(y[1].astype(np.float64) ** 2))
        if az < 0:
            assert lag < -1 and ild > 1, (az, lag, ild)
        elif az > 0:
            assert lag > 1 and ild < -1, (az, lag, ild)
        else:
            assert abs(lag) < 0.5 and abs(ild) < 0.5, (az, lag, ild)


@pytest.mark.parametrize("radius", [0.0875, 0.07, 0.1])
def test_sphere_itd_follows_woodworth(radius, rng):
    x = rng.standard_normal(SR // 2).astype(np.float32)
    h = HRTF.sphere(SR, head_radius=radius)
    for az in [-90, -75, -60, -45, -30, -15, 15, 30, 45, 60, 75, 90]:
        y = render(x, SR, azimuth=az, hrtf=h)
        itd = gcc_phat_lag(y[0], y[1], 60) / SR
        expected = woodworth_itd(az, radius)
        assert abs(itd - expected) <= 0.15 * abs(expected), (az, itd, expected)


@pytest.mark.parametrize("hrtf", ["kemar", "sphere"])
def test_left_right_mirror_symmetry(hrtf, rng):
    x = rng.standard_normal(SR // 4).astype(np.float32)
    for az in rng.uniform(0, 180, 4):
        el = float(rng.uniform(-30, 60))
        a = render(x, SR, azimuth=az, elevation=el, hrtf=hrtf)
        b = render(x, SR, azimuth=-az, elevation=el, hrtf=hrtf)
        assert relerr(a[::-1], b) < 1e-4, az


def envelope_db(y, win):
    frames = y[: y.size // win * win].reshape(-1, win).astype(np.float64)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20)


def max_level_jump(y, win):
    """Largest change of the 10 ms level between neighbouring windows, for windows aligned
    with block edges and for windows straddling them."""
    return max(np.max(np.abs(np.diff(envelope_db(y[ear, off:], win)))) for ear in range(2) for off in (0, win // 2))


@pytest.mark.parametrize("hrtf", ["kemar", "sphere"])
@pytest.mark.parametrize("block", [128, 512])
def test_moving_source_has_no_clicks(hrtf, block, rng):
    n = int(3.2 * SR)
    t = np.arange(n) / SR
    win = int(0.010 * SR)
    # Periodic signals whose period divides the 10 ms window: their windowed level is constant
    # while the source stands still, so a jump can only come from the rendering of the motion.
    tones = sum(np.sin(2 * np.pi * 100 * k * t + rng.uniform(0, 2 * np.pi)) for k in range(1, 81)) / 10
    path = [[0.2, -90], [2.2, 90], [3.0, 45]]  # 90 deg/s, then back at 56 deg/s
    for x in (tones.astype(np.float32), np.sin(2 * np.pi * 1000 * t).astype(np.float32)):
        y = render(x, SR, path=path, hrtf=hrtf, block_size=block)
        jump = max_level_jump(y, win)
        # 80 tones of random phase: the largest jump is 5.4 +- 0.2 dB at 128-sample blocks (60
        # seeds), so 6.5 dB is 5 sd away; a click would add far more, and the line below holds
        # the block updates to what near-continuous motion gives.
        assert jump < 6.5
        # and block updates add almost nothing to what near-continuous motion (16-sample
        # blocks) does by itself
        assert jump < max_level_jump(render(x, SR, path=path, hrtf=hrtf, block_size=16), win) + 1.5


@pytest.mark.parametrize("hrtf", ["kemar", "sphere"])
@pytest.mark.parametrize("block", [128, 512])
def test_moving_source_is_continuous_sample_by_sample(hrtf, block, rng):
    """A sample-level discontinuity detector (the 10 ms levels above would average a one-sample
    click away): a pure tone through a moving HRTF stays a tone with a slowly changing amplitude
    and phase, so y[n] - 2 cos(w) y[n-1] + y[n-2], which is exactly zero for any sinusoid of
    frequency w, stays tiny. Measured at 48 kHz: at most 2.8e-5 of the peak while moving; a
    sample repeated at every block edge gives at least 0.097 (at 16 kHz: 1.4e-4 and 0.16)."""
    f = float(rng.uniform(150, 400))
    w = 2 * np.pi * f / SR
    t = np.arange(int(3.2 * SR)) / SR
    x = np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi)).astype(np.float32)
    y = render(x, SR, path=[[0.2, -90], [2.2, 90], [3.0, 45]], hrtf=hrtf, block_size=block).astype(np.float64)
    y = y[:, 2 * bewo_rt.HRTF.load(hrtf, SR).ir_length:]  # past the tone's own onset through the filters
    r = y[:, 2:] - 2 * np.cos(w) * y[:, 1:-1] + y[:, :-2]
    assert np.abs(r).max() <= 1e-3 * np.abs(y).max(), np.abs(r).max() / np.abs(y).max()


def test_distance_gain_is_inverse_distance_clamped_in_near_field(rng):
    x = rng.standard_normal(SR // 4).astype(np.float32)
    ref = render(x, SR, azimuth=30, distance=1.0)
    np.testing.assert_allclose(render(x, SR, azimuth=30, distance=2.0), ref / 2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(render(x, SR, azimuth=30, distance=0.1), ref * 4, rtol=1e-5, atol=1e-5)


def test_scene_mix_is_the_sum_of_its_sources(rng):
    a, b = (rng.standard_normal(SR // 2).astype(np.float32) for _ in range(2))
    scene = Scene([Source(label="a", azimuth_start_deg=-40, azimuth_end_deg=40, speed="fast"),
                   Source(label="b", azimuth_start_deg=120, distance_m=2.0, start_time_s=0.1, gain_db=-6)],
                  duration_s=0.6)
    mix = bewo_rt.render_scene(scene, SR, sounds={"a": a, "b": b})
    assert mix.shape == (2, int(0.6 * SR))
    solo_a = bewo_rt.render_scene(Scene([scene.sources[0]], duration_s=0.6), SR, sounds={"a": a})
    solo_b = bewo_rt.render_scene(Scene([scene.sources[1]], duration_s=0.6), SR, sounds={"b": b})
    np.testing.assert_allclose(mix, solo_a + solo_b, atol=1e-6)
    # b starts 0.1 s late: nothing of it before then
    assert np.max(np.abs(solo_b[:, : int(0.1 * SR)])) < 1e-5 * np.max(np.abs(solo_b))


def test_results_do_not_depend_on_thread_count(rng):
    x = rng.standard_normal(3 * SR).astype(np.float32)
    path = [[0, -90], [3, 90]]
    serial = render(x, SR, path=path, n_threads=1)
    for k in (2, 3, 8):
        np.testing.assert_array_equal(render(x, SR, path=path, n_threads=k), serial)


def test_eight_threads_at_once_match_serial(rng):
    inputs = [rng.standard_normal(SR).astype(np.float32) for _ in range(8)]
    paths = [[[0, float(rng.uniform(-180, 180))], [1, float(rng.uniform(-180, 180))]] for _ in range(8)]
    serial = [render(x, SR, path=p, hrtf="kemar") for x, p in zip(inputs, paths)]
    results = [None] * 8
    barrier = threading.Barrier(8)

    def work(i):
        barrier.wait()
        for _ in range(3):
            results[i] = render(inputs[i], SR, path=paths[i], hrtf="kemar")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r, s in zip(results, serial):
        np.testing.assert_array_equal(r, s)


def test_render_releases_the_gil(rng):
    """While one thread renders a long signal, another Python thread keeps running."""
    x = rng.standard_normal(30 * SR).astype(np.float32)
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(1)
            done.wait(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    render(x, SR, path=[[0, -90], [30, 90]], block_size=128)
    done.set()
    t.join()
    assert len(ticks) > 5


@pytest.mark.parametrize("kwargs, match", [
    (dict(mono=np.array([0.0, np.nan, 1.0])), "NaN"),
    (dict(mono=np.zeros((2, 100))), "mono"),
    (dict(mono=np.zeros(0)), "empty"),
    (dict(sample_rate=0), "sample_rate"),
    (dict(sample_rate=-44100), "sample_rate"),
    (dict(azimuth=float("inf")), "azimuth"),
    (dict(distance=0), "distance"),
    (dict(elevation=100), "elevation"),
    (dict(block_size=100), "block_size"),
    (dict(path=[[1, 0], [0, 90]]), "path"),
    (dict(path="0:abc"), "path"),
    (dict(n_threads=0), "n_threads"),
])
def test_bad_input_raises_clear_errors(kwargs, match):
    args = dict(mono=np.ones(1000, np.float32), sample_rate=SR)
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        render(args.pop("mono"), args.pop("sample_rate"), **args)


def test_unknown_hrtf_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.sofa"):
        render(np.ones(100, np.float32), SR, hrtf=str(tmp_path / "nope.sofa"))


def test_scene_without_sound_is_rejected():
    with pytest.raises(bewo_rt.SceneError, match=r"sources\[0\]"):
        bewo_rt.render_scene(Scene([Source(label="ghost")]), SR)
