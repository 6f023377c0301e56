"""Scene -> BEWO's (start_dir, end_dir, speed, flag) tuples (bewo_rt.conditioning.bewo_positions,
csrc/runtime/bewo_positions.h) against SAO_SPEC.md section 5 and BEWO's scripts (gpt_induction.py:
1 left .. 3 ahead .. 5 right; manual mode slow -> 0.9, moderate -> 0.6, fast -> 0.3; a jump is a
negative speed), hand-worked examples, and one property checked through BEWO's own matrix
(the float64 model of section 5, bewo_position_ref): the row each column of that matrix peaks on
is where the scene puts the source at that time, to half a row (5.625 degrees)."""
from __future__ import annotations

import numpy as np
import pytest

import bewo_position_ref as P

bewo_rt = pytest.importorskip("bewo_rt")
from bewo_rt import _core, motion  # noqa: E402
from bewo_rt.conditioning import bewo_positions  # noqa: E402
from bewo_rt.scene import Keyframe, Scene, Source  # noqa: E402
from bewo_rt.text.parser import parse  # noqa: E402


def _one(**kw):
    return bewo_positions(Scene([Source(label="x", **kw)], duration_s=10.0))[0]


@pytest.mark.parametrize("az, d", [(-90, 1.0), (-45, 2.0), (0, 3.0), (45, 4.0), (90, 5.0),
                                   (-78.75, 1.25), (11.25, 3.25), (-30, 2.25), (10, 3.25), (-5, 3.0),
                                   # the rear folds by lateral angle: 135 -> 45, -150 -> -30, 180 -> 0
                                   (135, 4.0), (-150, 2.25), (180, 3.0), (-180, 3.0), (270, 1.0), (-270, 5.0)])
def test_directions_on_bewos_scale(az, d):
    assert _core.bewo_direction(az) == d
    assert _one(azimuth_start_deg=az) == (d, d, 0.0, 1.0)


def test_speeds_are_bewos_manual_mode_and_match_the_renderers_spans():
    for speed, s in (("slow", 0.9), ("moderate", 0.6), ("fast", 0.3)):
        assert _one(azimuth_start_deg=-90, azimuth_end_deg=90, speed=speed) == (1.0, 5.0, s, 1.0)
        assert motion.SPAN[speed] == s  # the span BEWO's matrix moves over is the renderer's
    assert _one(azimuth_start_deg=45, azimuth_end_deg=-45, speed="moderate") == (4.0, 2.0, 0.6, 1.0)


def test_jumps_still_sources_and_edge_cases():
    assert _one(azimuth_start_deg=0, azimuth_end_deg=90, speed="instant", change_time=0.25) == (3.0, 5.0, -0.25, 1.0)
    # A jump at the very start is the end held throughout; at the very end the start held.
    assert _one(azimuth_start_deg=0, azimuth_end_deg=90, speed="instant", change_time=0.0) == (5.0, 5.0, 0.0, 1.0)
    assert _one(azimuth_start_deg=0, azimuth_end_deg=90, speed="instant", change_time=1.0) == (3.0, 3.0, 0.0, 1.0)
    # "still" with an end azimuth, a distance-only move, and a move within one row: still for BEWO.
    assert _one(azimuth_start_deg=-90, azimuth_end_deg=90, speed="still") == (1.0, 1.0, 0.0, 1.0)
    assert _one(azimuth_start_deg=45, distance_m=5, distance_end_m=1, speed="fast") == (4.0, 4.0, 0.0, 1.0)
    assert _one(azimuth_start_deg=0, azimuth_end_deg=4, speed="slow") == (3.0, 3.0, 0.0, 1.0)
    # An explicit path: first and last positions over the share of the clip between them.
    path = [Keyframe(2.0, -90.0), Keyframe(4.0, 0.0), Keyframe(7.0, 45.0)]
    assert _one(path=path) == (1.0, 4.0, pytest.approx(0.5), 1.0)


def test_prompts_parsed_locally_give_the_tuples_an_llm_would_be_asked_for():
    # gpt_induction.py's own example: "The bus engine idles on the left and a woman walks from
    # right to front slowly" -> Bus (1, 1, still), Woman (5 -> 3, slow: 0.9 in the manual mode).
    assert bewo_positions(parse("The bus engine idles on the left and a woman walks from right to front slowly.")) == \
        [(1.0, 1.0, 0.0, 1.0), (5.0, 3.0, 0.9, 1.0)]
    assert bewo_positions(parse("a car passes quickly from the left to the right")) == [(1.0, 5.0, 0.3, 1.0)]
    assert bewo_positions(parse("a dog barks at the front right")) == [(4.0, 4.0, 0.0, 1.0)]


def test_more_than_four_sources_points_to_the_cascaded_mode():
    s = Scene([Source(label=f"s{i}", azimuth_start_deg=10.0 * i) for i in range(5)], duration_s=10.0)
    with pytest.raises(ValueError, match="at most 4 sources.*cascaded"):
        bewo_positions(s)
    with pytest.raises(TypeError):
        bewo_positions({"sources": []})


def test_bewos_matrix_of_the_tuples_follows_the_scene():
    """Random scenes: BEWO's matrix (float64 model of SAO_SPEC section 5) of our tuples peaks,
    column by column, within half a row of the azimuth our own motion model gives at that time
    (folded to the front); only the columns next to a jump or the ends of a ramp may be one
    column early or late. Moves are drawn within the frontal half-plane: a move through the side
    (front-left to rear-left) folds back on itself, which BEWO's one linear ramp cannot follow."""
    rng = np.random.default_rng()
    for _ in range(60):
        kind = rng.choice(["still", "slow", "moderate", "fast", "instant"])
        lim = 180 if kind in ("still", "instant") else 90
        a0, a1 = (float(v) for v in rng.uniform(-lim, lim, 2))
        src = Source(label="x", azimuth_start_deg=a0, azimuth_end_deg=a1, speed=str(kind),
                     change_time=float(rng.uniform(0.05, 0.95)))
        scene = Scene([src], duration_s=10.0)
        (t,) = bewo_positions(scene)
        m = P.position_matrix([t])[:17]
        got = m.argmax(axis=0)                                   # BEWO's row per column
        times = (np.arange(768) + 0.5) / 768 * 10.0
        az = _core.trajectory_at(motion.keyframes(src, 10.0), times)[:, 0]
        want = bewo_rt.conditioning.azimuth_rows(az, 17)         # our fractional row per column
        err = np.abs(got - want)
        # the quantised end points are within half a row; ramps truncate (torch linspace to int)
        # so one more row is allowed inside a move, and two edge columns per change
        bad = np.flatnonzero(err > (0.5 if kind in ("still", "instant") else 1.5) + 1e-9)
        assert bad.size <= 2, (kind, a0, a1, t, bad[:5], err.max())
