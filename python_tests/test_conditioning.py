import numpy as np
import pytest

from bewo_rt import Scene, Source, azimuth_state


@pytest.mark.parametrize("az, row", [(-90, 0), (-45, 4), (0, 8), (45, 12), (90, 16)])
def test_bewo_classes_sit_on_rows_0_4_8_12_16(az, row):
    m = azimuth_state(Scene([Source(azimuth_start_deg=az)], duration_s=10), frames=64, coarse=False)
    assert m.shape == (68, 64) and m.dtype == np.float32
    assert np.all(m[row] == 1) and m[:17].sum() == 64 and np.all(m[17:] == 0)


def test_moving_source_moves_linearly_in_its_span_and_holds_outside(rng):
    a0, a1 = float(rng.uniform(-90, -30)), float(rng.uniform(30, 90))
    frames, dur = 400, 10.0
    m = azimuth_state(Scene([Source(azimuth_start_deg=a0, azimuth_end_deg=a1, speed="moderate")], duration_s=dur),
                      frames=frames, coarse=True)[:17]
    t = (np.arange(frames) + 0.5) / frames * dur
    centre = (np.arange(17)[:, None] * m).sum(axis=0)  # mean row of each column
    r0, r1 = (a0 + 90) / 11.25, (a1 + 90) / 11.25
    before, after = t < 2.0, t > 8.0  # moderate: the centred 60 % of the clip
    inside = (t > 2.2) & (t < 7.8)
    # Gaussian mean is exact away from the matrix edges
    interior = lambda r: 3.5 < r < 12.5  # noqa: E731  (3.5 sigma from the edge rows)
    if interior(r0):
        assert np.allclose(centre[before], r0, atol=0.01)
    if interior(r1):
        assert np.allclose(centre[after], r1, atol=0.01)
    expected = r0 + (t[inside] - 2.0) / 6.0 * (r1 - r0)
    ok = (expected > 3.5) & (expected < 12.5)
    assert np.allclose(centre[inside][ok], expected[ok], atol=0.02)
    np.testing.assert_allclose(m.sum(axis=0), 1.0, rtol=1e-5)
    # sigma of one row: neighbours of an on-row maximum fall to exp(-1/2)
    col = m[:, 0]
    k = int(np.argmax(col))
    if (a0 + 90) % 11.25 == 0 and 0 < k < 16:
        assert col[k - 1] / col[k] == pytest.approx(np.exp(-0.5), rel=1e-4)


def test_instant_jump_and_start_time():
    src = Source(azimuth_start_deg=-90, azimuth_end_deg=90, speed="instant", change_time=0.25, start_time_s=1.0)
    m = azimuth_state(Scene([src], duration_s=8.0), frames=80, coarse=False)[:17]
    t = (np.arange(80) + 0.5) / 80 * 8.0
    assert np.all(m[:, t < 1.0] == 0)
    assert np.all(m[0, (t > 1.0) & (t < 2.0)] == 1) and np.all(m[16, t > 2.0] == 1)


def test_several_sources_stack_and_limits(rng):
    azs = rng.uniform(-90, 90, 4)
    m = azimuth_state(Scene([Source(azimuth_start_deg=float(a)) for a in azs], duration_s=5), frames=10)
    for k, a in enumerate(azs):
        block = m[17 * k: 17 * (k + 1)]
        assert abs(int(np.argmax(block[:, 0])) - (a + 90) / 11.25) <= 0.5 + 1e-9
    with pytest.raises(ValueError, match="at most 4"):
        azimuth_state(Scene([Source()] * 5, duration_s=5))
    with pytest.raises(ValueError, match="frames"):
        azimuth_state(Scene([Source()], duration_s=5), frames=0)


def test_rear_directions_fold_onto_their_lateral_angle():
    back = azimuth_state(Scene([Source(azimuth_start_deg=-150)], duration_s=5), frames=4, coarse=False)
    front = azimuth_state(Scene([Source(azimuth_start_deg=-30)], duration_s=5), frames=4, coarse=False)
    np.testing.assert_array_equal(back, front)
