"""Room acoustics against physics (Schroeder RT60, image-source arrival times) and against
pyroomacoustics (two-microphone mode, same room and reflection order)."""

import numpy as np
import pytest
from scipy import signal

from bewo_rt import Room, Scene, SceneError, Source, _core
from bewo_rt.room import room_response, simulate_scene, source_position
from test_render import max_level_jump

FS = 16000
C = 343.0


def schroeder_rt60(h, fs, band=(500, 2000)):
    """RT60 from the backward-integrated energy decay, fitted from -5 to -35 dB, in one band."""
    sos = signal.butter(4, band, "bandpass", fs=fs, output="sos")
    x = signal.sosfilt(sos, h.astype(np.float64))
    edc = np.cumsum(x[::-1] ** 2)[::-1]
    edc_db = 10 * np.log10(edc / edc[0] + 1e-300)
    t = np.arange(x.size) / fs
    i0, i1 = np.argmax(edc_db <= -5), np.argmax(edc_db <= -35)
    slope = np.polyfit(t[i0:i1], edc_db[i0:i1], 1)[0]
    return -60.0 / slope


def random_room(rng):
    size = tuple(float(v) for v in (rng.uniform(4, 12), rng.uniform(3, 9), rng.uniform(2.5, 5)))
    lis = np.array([rng.uniform(1, size[0] - 1), rng.uniform(1, size[1] - 1), rng.uniform(1, size[2] - 1)])
    src = np.array([rng.uniform(0.5, size[0] - 0.5), rng.uniform(0.5, size[1] - 0.5), rng.uniform(0.5, size[2] - 0.5)])
    return size, src, lis


@pytest.mark.parametrize("mode", ["binaural", "two_mic"])
def test_rt60_by_schroeder_integration_within_ten_percent(mode, rng):
    for target in (0.3, 0.5, 0.7, 1.0):
        size, src, lis = random_room(rng)
        room = Room(outdoor=False, size_m=size, rt60_s=target)
        h = room_response(room, src, lis, FS, "kemar", mode, seed=int(rng.integers(1 << 30)))
        for ear in range(2):
            assert schroeder_rt60(h[ear], FS) == pytest.approx(target, rel=0.10), (size, target, ear)


def upsampled_peak(x, around, half=12):
    """Arrival time (fractional samples) and gain of the band-limited impulse near `around`: the
    ideal sinc g * sinc(n - tau) that best fits x there (least squares over a 0.002-sample grid)."""
    n = np.arange(around - half, around + half + 1)
    seg = x[n].astype(np.float64)
    best = (np.inf, 0.0, 0.0)
    for tau in np.arange(around - 1.0, around + 1.0, 0.002):
        b = np.sinc(n - tau)
        g = np.dot(seg, b) / np.dot(b, b)
        res = np.sum((seg - g * b) ** 2)
        if res < best[0]:
            best = (res, tau, g)
    return best[1], best[2]


def test_direct_and_first_reflection_arrive_exactly(rng):
    # Source and listener low over the floor of a big room: the floor reflection comes well
    # before any other.
    size = (20.0, 16.0, 10.0)
    lis = np.array([8.0, 8.0, rng.uniform(0.9, 1.1)])
    src = lis + np.array([rng.uniform(1.5, 2.5), rng.uniform(-1.0, 1.0), 0.0])
    src[2] = rng.uniform(0.9, 1.1)
    beta = 0.8
    r, _ = _core.room_response(size, (beta,) * 6, False, 0.5, 0.2, 50, tuple(src), tuple(lis), None, float(FS),
                               0.25, True, 0.17, 0)
    mic = lis + np.array([0.0, 0.085, 0.0])  # microphone 0: the listener's left (+y)
    direct = np.linalg.norm(src - mic)
    floor_img = src * np.array([1, 1, -1])
    refl = np.linalg.norm(floor_img - mic)
    assert (refl - direct) / C * FS > 20  # the two arrivals do not overlap
    for dist, gain in ((direct, 1 / direct), (refl, beta / refl)):
        c = int(round(dist / C * FS))
        t, _ = upsampled_peak(r[0], c)
        assert t == pytest.approx(dist / C * FS, abs=0.05)
        assert np.sum(r[0][c - 9: c + 10]) == pytest.approx(gain, rel=0.02)  # DC gain of the arrival


def test_two_microphone_mode_agrees_with_pyroomacoustics(rng):
    pra = pytest.importorskip("pyroomacoustics")
    size, src, lis = random_room(rng)
    beta = float(rng.uniform(0.6, 0.9))
    order = 3
    room = pra.ShoeBox(list(size), fs=FS, materials=pra.Material(1 - beta**2), max_order=order, air_absorption=False)
    room.add_source(list(src))
    mics = np.array([[lis[0], lis[0]], [lis[1] + 0.085, lis[1] - 0.085], [lis[2], lis[2]]])
    room.add_microphone_array(mics)
    room.compute_rir()
    ours, _ = _core.room_response(size, (beta,) * 6, False, 0.5, 1.0, order, tuple(src), tuple(lis), None,
                                  float(FS), 1.0, True, 0.17, 0)
    offset = pra.constants.get("frac_delay_length") // 2  # pyroomacoustics centres its delay filters
    # The window holding every image up to the order (none of the tail: it starts after 1 s).
    far = max(np.linalg.norm(np.array(im) - lis) for im in room.sources[0].images.T)
    n = int(far / C * FS) + 10
    # Both use windowed-sinc fractional delays, of different lengths (theirs 81 taps, ours 16):
    # arrivals and gains agree sample for sample; waveforms agree below ~4 kHz.
    sos = signal.butter(6, 4000, fs=FS, output="sos")
    for m in range(2):
        theirs = room.rir[m][0][offset: offset + n]
        mine = ours[m][: theirs.size].astype(np.float64)
        scale = np.dot(theirs, mine) / np.dot(mine, mine)  # level conventions may differ
        # their strongest samples: ours has the same sign and level there (arrivals that
        # overlap meet filters of different shapes, hence the margin)
        top = np.argsort(-np.abs(theirs))[:5]
        np.testing.assert_allclose(scale * mine[top], theirs[top], rtol=0.25)
        lt, lm = signal.sosfiltfilt(sos, theirs), signal.sosfiltfilt(sos, mine)
        g = np.dot(lt, lm) / np.dot(lm, lm)
        err = np.sum((g * lm - lt) ** 2) / np.sum(lt**2)
        assert err < 0.12, err  # -9 dB


def test_outdoor_is_direct_plus_ground_reflection(rng):
    room = Room(outdoor=True, ground_reflection=0.6)
    lis = np.array([0.0, 0.0, 1.6])
    src = source_position(lis, float(rng.uniform(-90, 90)), 0.0, float(rng.uniform(2, 8)), room)
    r = room_response(room, src, lis, FS, mode="two_mic")
    mic = lis + np.array([0, 0.085, 0])
    d1, d2 = np.linalg.norm(src - mic), np.linalg.norm(src * [1, 1, -1] - mic)
    t1, _ = upsampled_peak(r[0], int(round(d1 / C * FS)))
    t2, _ = upsampled_peak(r[0], int(round(d2 / C * FS)))
    assert t1 == pytest.approx(d1 / C * FS, abs=0.05) and t2 == pytest.approx(d2 / C * FS, abs=0.05)
    c1, c2 = int(round(d1 / C * FS)), int(round(d2 / C * FS))
    p1, p2 = np.sum(r[0][c1 - 9: c1 + 10]), np.sum(r[0][c2 - 9: c2 + 10])
    assert p1 == pytest.approx(1 / d1, rel=0.02) and p2 == pytest.approx(0.6 / d2, rel=0.02)
    quiet = np.abs(r[0]).copy()
    for d in (d1, d2):
        c = int(round(d / C * FS))
        quiet[max(0, c - 12): c + 12] = 0
    assert np.max(quiet) < 0.02 * p1  # nothing else


def test_binaural_room_keeps_the_side(rng):
    x = rng.standard_normal(FS).astype(np.float32)
    for az in (-70, -30, 30, 70):
        scene = Scene([Source(label="n", azimuth_start_deg=az, distance_m=1.5)], duration_s=1.0,
                      room=Room(outdoor=False, size_m=(7, 6, 3), rt60_s=0.5))
        y = simulate_scene(scene, FS, {"n": x})
        early = y[:, : FS // 2].astype(np.float64)
        louder_left = np.sum(early[0] ** 2) > np.sum(early[1] ** 2)
        assert louder_left == (az < 0), az


def test_moving_source_in_room_is_smooth_and_moves(rng):
    t = np.arange(3 * FS) / FS
    tones = sum(np.sin(2 * np.pi * 100 * k * t + rng.uniform(0, 6.3)) for k in range(1, 60)) / 10
    scene = Scene([Source(label="t", azimuth_start_deg=-80, azimuth_end_deg=80, speed="slow", distance_m=2)],
                  duration_s=3.0, room=Room(outdoor=False, size_m=(8, 6, 3), rt60_s=0.4))
    y = simulate_scene(scene, FS, {"t": tones.astype(np.float32)}, block_size=256)
    assert max_level_jump(y[:, FS // 10:], int(0.01 * FS)) < 6.0  # after the onset of the sound
    first, last = y[:, : FS // 2].astype(np.float64), y[:, -FS // 2:].astype(np.float64)
    assert np.sum(first[0] ** 2) > np.sum(first[1] ** 2) and np.sum(last[1] ** 2) > np.sum(last[0] ** 2)


def test_room_errors_name_the_problem():
    room = Room(outdoor=False, size_m=(5, 4, 3), rt60_s=0.5)
    with pytest.raises(ValueError, match="source"):
        room_response(room, (6, 1, 1), (2, 2, 1.5), FS)
    with pytest.raises(ValueError, match="rt60"):
        room_response(Room(outdoor=False, size_m=(3, 3, 3), rt60_s=0.0), (1, 1, 1), (2, 2, 1.5), FS)
    with pytest.raises(SceneError, match="size_m"):
        Scene.from_dict({"room": {"outdoor": False, "rt60_s": 0.4}})
    with pytest.raises(SceneError, match="absorption"):
        Scene.from_dict({"room": {"outdoor": False, "size_m": [4, 4, 3], "absorption": [0.1, 0.2]}})
    with pytest.raises(ValueError, match="mode"):
        room_response(room, (1, 1, 1), (2, 2, 1.5), FS, mode="ambisonic")


@pytest.mark.parametrize("mode", ["binaural", "two_mic"])
def test_diffuse_tail_is_coherent_at_zero_lag_below_500_hz(mode, rng):
    """A diffuse field reaches both ears at the same time on average: the tail's shared low part
    must have no interaural delay (a one-sided mix of it once delayed one ear by the low-pass's
    group delay, ~1 ms, and pulled every reverberant clip's ITD to the left), be strongly coherent
    at low frequencies and nearly incoherent above 2 kHz. Cross-spectra averaged over 1024-sample
    Hann segments of 24 tails; delay from the phase slope, tau = -phase / (2 pi f)."""
    size, src, lis = random_room(rng)
    room = Room(outdoor=False, size_m=size, rt60_s=float(rng.uniform(0.8, 1.2)), transition_s=0.03)
    nseg, win = 1024, np.hanning(1024)
    f = np.fft.rfftfreq(nseg, 1.0 / FS)
    cross, pl, pr = 0.0, 0.0, 0.0
    for _ in range(24):
        h = room_response(room, src, lis, FS, "kemar", mode, seed=int(rng.integers(1 << 30))).astype(np.float64)
        tail = h[:, int(0.06 * FS): int(0.06 * FS) + int(0.4 * FS)]  # images end at 30 ms (+ HRIR)
        tail = tail / np.exp(-6.9078 * np.arange(tail.shape[1]) / FS / room.rt60_s)  # undo the decay
        for s0 in range(0, tail.shape[1] - nseg + 1, nseg // 2):
            L = np.fft.rfft(win * tail[0, s0: s0 + nseg])
            R = np.fft.rfft(win * tail[1, s0: s0 + nseg])
            cross, pl, pr = cross + L * np.conj(R), pl + np.abs(L) ** 2, pr + np.abs(R) ** 2
    coh = np.abs(cross) / np.sqrt(pl * pr)
    low = (f >= 40) & (f <= 300)
    w = np.abs(cross[low])
    tau_ms = -np.sum(w * np.angle(cross[low]) / (2 * np.pi * f[low])) / np.sum(w) * 1000
    assert abs(tau_ms) < 0.3, tau_ms  # the one-sided mix gave ~0.9 ms; 24 tails: sd ~0.03 ms
    assert np.mean(coh[(f >= 40) & (f <= 150)]) > 0.5, coh[(f >= 40) & (f <= 150)]  # ~0.64 (sd ~0.02)
    assert np.mean(coh[(f >= 2000) & (f <= 6000)]) < 0.2


def test_diffuse_tail_is_equally_loud_at_both_ears(rng):
    """A diffuse field reaches both ears with the same energy whatever the source's direction: the
    tail continues the two ears' mean level (matching each ear to its own last window of
    reflections once left the tail up to ~5 dB louder at one ear, often the far one)."""
    for _ in range(6):
        size, src, lis = random_room(rng)
        room = Room(outdoor=False, size_m=size, rt60_s=float(rng.uniform(0.4, 1.0)), transition_s=0.03)
        h = room_response(room, src, lis, FS, "kemar", seed=int(rng.integers(1 << 30))).astype(np.float64)
        late = h[:, int(0.06 * FS):]
        ild_db = 10 * np.log10(np.sum(late[0] ** 2) / np.sum(late[1] ** 2))
        assert abs(ild_db) < 1.0, ild_db
