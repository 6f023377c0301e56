import json

import numpy as np
import pytest

from bewo_rt import Scene, SceneError, Source, motion


def test_json_round_trip_keeps_every_field(rng):
    s = Scene(sources=[Source(label="dog", sound="dog.wav", azimuth_start_deg=float(rng.uniform(-90, 90)),
                              azimuth_end_deg=45.0, distance_m=2.0, speed="fast", start_time_s=0.5, gain_db=-3.0),
                       Source(label="car", path=[motion_kf(0, -90), motion_kf(2, 90)])],
              duration_s=4.0)
    back = Scene.from_json(s.to_json())
    assert back == s
    assert json.loads(back.to_json()) == json.loads(s.to_json())


def motion_kf(t, az):
    from bewo_rt import Keyframe
    return Keyframe(float(t), float(az), 0.0, 1.0)


@pytest.mark.parametrize("bad, field", [
    ({"sources": [{"speed": "warp"}]}, "sources[0].speed"),
    ({"sources": [{"distance_m": -1}]}, "sources[0].distance_m"),
    ({"sources": [{}, {"azimuth_start_deg": "left"}]}, "sources[1].azimuth_start_deg"),
    ({"sources": [{"elevation_deg": 120}]}, "sources[0].elevation_deg"),
    ({"sources": [{"path": [[1, 0], [0, 10]]}]}, "sources[0].path"),
    ({"sources": [{"colour": "red"}]}, "sources[0]"),
    ({"duration_s": 0}, "scene.duration_s"),
    ({"room": {"size_m": [3, 4]}}, "room.size_m"),
])
def test_validation_names_the_field(bad, field):
    with pytest.raises(SceneError) as e:
        Scene.from_dict(bad)
    assert field in str(e.value)


def test_invalid_json_is_reported():
    with pytest.raises(SceneError, match="not valid JSON"):
        Scene.from_json("{sources: ")


@pytest.mark.parametrize("speed, span", [("slow", 0.9), ("moderate", 0.6), ("fast", 0.3)])
def test_moving_span_is_centred_and_scaled_by_speed(speed, span, rng):
    d = float(rng.uniform(2, 20))
    kf = motion.keyframes(Source(azimuth_start_deg=-60, azimuth_end_deg=30, speed=speed), d)
    assert kf.shape == (2, 4)
    assert kf[1, 0] - kf[0, 0] == pytest.approx(span * d)
    assert kf[0, 0] == pytest.approx(d - kf[1, 0])  # centred
    assert (kf[0, 1], kf[1, 1]) == (-60, 30)


def test_instant_jump_and_still():
    kf = motion.keyframes(Source(azimuth_start_deg=60, azimuth_end_deg=-60, speed="instant", change_time=0.25), 8.0)
    assert kf[0, 0] == kf[1, 0] == 2.0 and kf[0, 1] == 60 and kf[1, 1] == -60
    assert motion.keyframes(Source(azimuth_start_deg=20, azimuth_end_deg=80, speed="still"), 5).shape == (1, 4)
    assert not Source(azimuth_start_deg=20, speed="fast").moving


def test_path_string_parsing():
    kf = motion.parse_path("0:-90, 1.5:0:10, 3:90:0:2")
    np.testing.assert_allclose(kf, [[0, -90, 0, 1], [1.5, 0, 10, 1], [3, 90, 0, 2]])
    for bad in ["", "0", "0:x", "1:0,0:10", "0:0:100"]:
        with pytest.raises(ValueError, match="path"):
            motion.parse_path(bad)


def test_null_means_default_and_keyframes_need_time_and_azimuth():
    s = Scene.from_dict({"sources": [{"label": "a", "gain_db": None, "start_time_s": None, "distance_m": None}]})
    assert s.sources[0].gain_db == 0.0 and s.sources[0].start_time_s == 0.0 and s.sources[0].distance_m == 1.0
    with pytest.raises(SceneError, match=r"sources\[0\]\.path\[1\]"):
        Scene.from_dict({"sources": [{"path": [[0, 30], {"azimuth_deg": 5}]}]})


@pytest.mark.parametrize("room, match", [
    ({"outdoor": False, "size_m": [6, 5, 3]}, "rt60_s or room.absorption"),
    ({"outdoor": False, "size_m": [6, 5, 3], "rt60_s": 0.5, "absorption": 0.3}, "not both"),
    ({"outdoor": False, "size_m": [6, 5, 3], "absorption": 0}, "absorption"),
])
def test_indoor_rooms_need_one_decay_description(room, match):
    with pytest.raises(SceneError, match=match):
        Scene.from_dict({"sources": [{"label": "a"}], "room": room})


def test_scenes_built_in_python_are_validated_like_json(rng):
    import bewo_rt

    x = rng.standard_normal(1600).astype(np.float32)
    with pytest.raises(SceneError, match=r"sources\[0\]\.gain_db"):
        bewo_rt.render_scene(Scene([Source(label="a", gain_db=float("nan"))], duration_s=0.1), 16000, sounds={"a": x})
    with pytest.raises(SceneError, match=r"sources\[1\]\.start_time_s"):
        bewo_rt.render_scene(Scene([Source(label="a"), Source(label="a", start_time_s=-1)], duration_s=0.1), 16000,
                             sounds={"a": x})
