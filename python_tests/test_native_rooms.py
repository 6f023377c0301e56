"""The native room renderer (csrc/runtime/room_scene.cpp): the C++ port of bewo_rt.room.simulate_scene
used by the native pipeline's cascaded mode (C API) for scenes with an indoor room.

Checked against simulate_scene on random scenes (the same mono sounds), against the Python cascaded
pipeline (bewo_rt.generate, which renders with simulate_scene) end to end, by physical properties of
the result (Schroeder decay of a rendered impulse at the room's RT60; a diffuse field decorrelates
the ears), and for its errors (bad room values are refused, naming the field)."""
import json

import numpy as np
import pytest

from bewo_rt import _core
from bewo_rt.hrtf import HRTF
from bewo_rt.room import simulate_scene
from bewo_rt.scene import Scene, SceneError

SR = 16000


@pytest.fixture(scope="module")
def kemar():
    return HRTF.load("kemar", SR)


@pytest.fixture(scope="module")
def model():
    from bewo_rt.native import NativeModel

    return NativeModel(n_threads=2)


def _native(scene, sounds, hrtf, seed=0, n_threads=1):
    text = scene if isinstance(scene, str) else json.dumps(scene.to_dict() if isinstance(scene, Scene) else scene)
    return _core.native_room_scene(text, sounds, SR, hrtf._core, seed, n_threads)


def _random_source(rng, i):
    d = {"label": f"s{i}", "azimuth_start_deg": float(rng.uniform(-180, 180)), "distance_m": float(rng.uniform(0.3, 8)),
         "elevation_deg": float(rng.uniform(-40, 40)), "start_time_s": float(rng.uniform(0, 0.3)),
         "gain_db": float(rng.uniform(-6, 3))}
    kind = rng.integers(0, 3)
    if kind == 1:  # a move between two points (incl. distance), any speed
        d.update(speed=str(rng.choice(["slow", "moderate", "fast", "instant"])),
                 azimuth_end_deg=float(rng.uniform(-300, 300)), distance_end_m=float(rng.uniform(0.3, 8)),
                 change_time=float(rng.uniform(0.1, 0.9)))
    elif kind == 2:  # an explicit path, elevation and distance changing too
        t = np.sort(rng.uniform(0, 1.2, 3))
        d["path"] = [[float(t[k]), float(rng.uniform(-200, 200)), float(rng.uniform(-60, 60)), float(rng.uniform(0.3, 6))]
                     for k in range(3)]
    return d


def _random_room(rng, kind):
    size = [float(rng.uniform(2.0, 14.0)), float(rng.uniform(2.0, 10.0)), float(rng.uniform(2.0, 6.0))]
    if kind == "rt60":
        return {"outdoor": False, "size_m": size, "rt60_s": float(rng.uniform(0.15, 1.0))}, None
    if kind == "absorption":  # six walls, an explicit transition and a listener off centre
        room = {"outdoor": False, "size_m": size, "absorption": [float(v) for v in rng.uniform(0.05, 0.7, 6)],
                "transition_s": float(rng.uniform(0.0, 0.06))}
        return room, [float(rng.uniform(0, s)) for s in size]
    return {"outdoor": True, "ground_reflection": float(rng.uniform(0, 1))}, None


def test_parity_with_simulate_scene(rng, kemar):
    worst, n = 0.0, 0
    for kind in ["rt60"] * 6 + ["absorption"] * 4 + ["outdoor"] * 2:
        srcs = [_random_source(rng, i) for i in range(int(rng.integers(1, 4)))]
        room, lis = _random_room(rng, kind)
        d = {"duration_s": float(rng.uniform(0.6, 1.2)), "sources": srcs, "room": room}
        if lis is not None:
            d["listener"] = {"position_m": lis}
        if rng.random() < 0.3:
            del d["duration_s"]  # as long as the longest placed sound
        scene = Scene.from_dict(d)
        sounds = [(rng.standard_normal(int(rng.integers(2000, 20000))) * rng.uniform(0.05, 1)).astype(np.float32)
                  for _ in srcs]
        seed = int(rng.integers(0, 1000))
        ref = simulate_scene(scene, SR, {s["label"]: x for s, x in zip(srcs, sounds)}, seed=seed)
        got = _native(scene, sounds, kemar, seed, n_threads=2)
        assert got.shape == ref.shape and got.dtype == np.float32
        err = float(np.abs(got - ref).max() / np.abs(ref).max())
        assert err <= 1e-5, (kind, d, err)
        worst, n = max(worst, err), n + 1
    print(f"native room vs simulate_scene: max error {worst:.3g} of the peak over {n} scenes")


def test_static_source_uses_one_response_and_moving_source_updates(kemar):
    # static: exactly the convolution with one room response (as room_response gives it)
    from bewo_rt.room import listener_position, room_response, source_position

    d = {"duration_s": 0.5, "sources": [{"label": "a", "azimuth_start_deg": 30, "distance_m": 2.0}],
         "room": {"outdoor": False, "size_m": [5, 4, 3], "rt60_s": 0.3}}
    scene = Scene.from_dict(d)
    imp = np.zeros(1, np.float32)
    imp[0] = 1.0
    ir = _native(d, [imp], kemar, seed=3)
    lis = listener_position(scene)
    r = room_response(scene.room, source_position(lis, 30, 0, 2.0, scene.room), lis, SR, seed=3000,
                      length_s=0.03 + 1.1 * 0.3)
    n = min(r.shape[1], ir.shape[1])
    np.testing.assert_allclose(ir[:, :n], r[:, :n], atol=1e-6 * np.abs(r).max())


def _schroeder_rt60(ir):
    e = (ir.astype(np.float64) ** 2).sum(axis=0)
    edc = np.cumsum(e[::-1])[::-1]
    db = 10 * np.log10(edc / edc[0] + 1e-300)
    t = np.arange(e.size) / SR
    sel = (db <= -5) & (db >= -25)  # T20, extrapolated to 60 dB
    slope = np.polyfit(t[sel], db[sel], 1)[0]
    return -60.0 / slope


def _iacc(a, max_lag=16):
    """Peak of the normalised interaural cross-correlation within +-1 ms."""
    l, r = a[0].astype(np.float64), a[1].astype(np.float64)
    n = 2 * l.size
    cc = np.fft.irfft(np.fft.rfft(l, n) * np.conj(np.fft.rfft(r, n)), n)
    cc = np.concatenate([cc[-max_lag:], cc[:max_lag + 1]])
    return float(np.abs(cc).max() / np.sqrt((l * l).sum() * (r * r).sum()))


KITCHEN = "a dog barks on the left in a small kitchen"


def test_prompt_room_cascaded_works_and_is_reverberant(model, kemar):
    parsed = _core.parse_prompt_native(KITCHEN)
    room = parsed["room"]
    assert room["outdoor"] is False and room["rt60_s"] > 0  # the parser reads the kitchen as a small room
    a, timings = model.generate(KITCHEN, seconds=2, mode="cascaded", steps=4, seed=1)
    assert a.shape == (2, 32000) and np.isfinite(a).all()
    assert abs(np.abs(a).max() - 10 ** (-1 / 20)) < 1e-4
    # The same generated sound (one source: the model reads the whole prompt) in the free field.
    src = dict(parsed["sources"][0])
    src = {k: v for k, v in src.items() if v is not None}
    free, _ = model.generate(KITCHEN, scene={"sources": [src]}, seconds=2, mode="cascaded", steps=4, seed=1)
    # A diffuse field decorrelates the ears; the same source outdoors (free field and a ground
    # reflection, measured ~0.82) does not.
    assert _iacc(free) > 0.7 and _iacc(a) < _iacc(free) - 0.3, (_iacc(a), _iacc(free))
    # The room's decay: a click rendered in the parsed room decays at its RT60 (Schroeder).
    d = {"duration_s": 2 * room["rt60_s"] + 0.2, "sources": [src],
         "room": {"outdoor": False, "size_m": list(room["size_m"]), "rt60_s": room["rt60_s"]}}
    imp = np.zeros(1, np.float32)
    imp[0] = 1.0
    t60 = _schroeder_rt60(_native(d, [imp], kemar))
    print(f"RT60 of the small kitchen: {t60:.3f} s rendered, {room['rt60_s']} s asked")
    assert abs(t60 - room["rt60_s"]) <= 0.15 * room["rt60_s"]


@pytest.mark.parametrize("size, rt60", [((6.0, 5.0, 3.0), 0.5), ((20.0, 15.0, 8.0), 1.2)])
def test_rendered_decay_matches_rt60(kemar, size, rt60):
    d = {"duration_s": 1.6 * rt60 + 0.2, "sources": [{"label": "click", "azimuth_start_deg": 60, "distance_m": 2.0}],
         "room": {"outdoor": False, "size_m": list(size), "rt60_s": rt60}}
    imp = np.zeros(1, np.float32)
    imp[0] = 1.0
    t60 = _schroeder_rt60(_native(d, [imp], kemar))
    assert abs(t60 - rt60) <= 0.15 * rt60, t60


def test_cascaded_matches_the_python_pipeline(model):
    # bewo_rt.generate (native backend) renders its cascaded scene with simulate_scene in Python;
    # the C API path does the same natively.
    from bewo_rt.model.generate import generate

    for prompt in (KITCHEN, "a bell rings behind me in a large hall while a man talks on the right"):
        a, _ = model.generate(prompt, seconds=1.5, mode="cascaded", steps=3, seed=5)
        g = generate(prompt, seconds=1.5, steps=3, seed=5, mode="cascaded")
        assert not g.scene.room.outdoor
        err = np.abs(a - g.audio).max() / np.abs(g.audio).max()
        assert err <= 1e-5, (prompt, err)


def test_scene_json_room_through_the_c_api_path(model, rng):
    from bewo_rt.model.generate import generate

    # static (a moving source decorrelates the ears over a clip already; the parity test moves them)
    src = {"label": "a cat meows", "azimuth_start_deg": float(rng.uniform(-120, 120)), "distance_m": 1.5}
    rooms = [{"outdoor": False, "size_m": [4.0, 3.5, 2.7], "rt60_s": 0.45},
             {"outdoor": False, "size_m": [8.0, 6.0, 3.0], "absorption": 0.25, "transition_s": 0.03}]
    free, _ = model.generate(scene={"sources": [src]}, seconds=1.5, mode="cascaded", steps=3, seed=2)
    for k, room in enumerate(rooms):
        scene = {"sources": [src], "room": room}
        if k == 1:
            scene["listener"] = {"position_m": [2.0, 4.0, 1.5]}
        a, _ = model.generate(scene=json.dumps(scene), seconds=1.5, mode="cascaded", steps=3, seed=2)
        assert a.shape == (2, 24000) and np.isfinite(a).all()
        assert _iacc(a) < _iacc(free)  # reverberant
        g = generate(scene=scene, seconds=1.5, steps=3, seed=2, mode="cascaded")
        assert np.abs(a - g.audio).max() <= 1e-5 * np.abs(g.audio).max()
    # A Scene object (its dict form, with every room field) goes through too.
    sc = Scene.from_dict({"sources": [src], "room": rooms[0]})
    b, _ = model.generate(scene=sc, seconds=1.5, mode="cascaded", steps=3, seed=2)
    c, _ = model.generate(scene={"sources": [src], "room": rooms[0]}, seconds=1.5, mode="cascaded", steps=3, seed=2)
    np.testing.assert_array_equal(b, c)


BAD_ROOMS = [
    ({"room": {"outdoor": False, "size_m": [4, 3], "rt60_s": 0.4}}, "room.size_m"),
    ({"room": {"outdoor": False, "size_m": [4, -3, 3], "rt60_s": 0.4}}, "room.size_m"),
    ({"room": {"outdoor": False, "size_m": [4, "3", 3], "rt60_s": 0.4}}, "room.size_m"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "rt60_s": "long"}}, "room.rt60_s"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "rt60_s": -1}}, "room.rt60_s"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "rt60_s": 0.001}}, "room.rt60_s"),  # beyond Eyring
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "rt60_s": 0.4, "absorption": 0.3}}, "not both"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3]}}, "room.rt60_s or room.absorption"),
    ({"room": {"outdoor": False, "rt60_s": 0.4}}, "room.size_m"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "absorption": 1.5}}, "room.absorption"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "absorption": [0.2, 0.3]}}, "room.absorption"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "absorption": 0}}, "room.absorption"),
    ({"room": {"outdoor": "no", "size_m": [4, 3, 3], "rt60_s": 0.4}}, "room.outdoor"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "rt60_s": 0.4, "volume": 36}}, "volume"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "rt60_s": 0.4, "transition_s": 2}}, "room.transition_s"),
    ({"room": {"outdoor": True, "ground_reflection": -0.5}}, "room.ground_reflection"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "rt60_s": 0.4}, "listener": {"position_m": [5, 1, 1]}},
     "listener.position_m"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "rt60_s": 0.4}, "listener": {"position_m": [1, 1]}},
     "listener.position_m"),
    ({"room": {"outdoor": False, "size_m": [4, 3, 3], "rt60_s": 0.4}, "listener": {"height": 1.7}}, "height"),
    ({"room": [4, 3, 3]}, "scene.room"),
]


@pytest.mark.parametrize("extra, words", BAD_ROOMS)
def test_bad_room_values_are_clear_errors(model, kemar, extra, words):
    scene = {"sources": [{"label": "a dog barks", "azimuth_start_deg": -90}], **extra}
    with pytest.raises(ValueError, match=words.replace(".", r"\.")) as e:
        model.generate(scene=json.dumps(scene), seconds=1.0, mode="cascaded", steps=1)
    assert "scene_json" in str(e.value) or "room" in str(e.value) or "listener" in str(e.value)
    with pytest.raises(ValueError, match=words.replace(".", r"\.")):
        _native(json.dumps(scene), [np.zeros(100, np.float32)], kemar)


def test_native_limits_beyond_the_python_checks(model):
    # sizes and RT60s the native renderer would spend minutes or gigabytes on are refused up front
    for room, words in (({"outdoor": False, "size_m": [4, 3, 3], "rt60_s": 25}, "room.rt60_s"),
                        ({"outdoor": False, "size_m": [4, 3, 2000], "rt60_s": 0.5}, "room.size_m"),
                        ({"outdoor": False, "size_m": [4, 3, float("inf")], "rt60_s": 0.5}, "out of range")):
        with pytest.raises(ValueError, match=words.replace(".", r"\.")):
            model.generate(scene=json.dumps({"sources": [{"label": "x"}], "room": room}).replace("Infinity", "1e400"),
                           seconds=1.0, mode="cascaded", steps=1)


def test_hook_argument_errors(kemar):
    d = {"sources": [{"label": "a"}, {"label": "b"}], "room": {"outdoor": False, "size_m": [4, 3, 3], "rt60_s": 0.4}}
    with pytest.raises(ValueError, match="sounds"):
        _native(d, [np.zeros(10, np.float32)], kemar)
    with pytest.raises(ValueError, match="mono"):
        _native(d, [np.zeros((2, 10), np.float32)] * 2, kemar)
    with pytest.raises(ValueError, match="sample rate"):
        _core.native_room_scene(json.dumps(d), [np.zeros(10, np.float32)] * 2, 48000, kemar._core, 0, 1)
    with pytest.raises(ValueError, match="NaN"):
        _native(d, [np.full(10, np.nan, np.float32)] * 2, kemar)
    # the Python reference refuses the same scenes
    with pytest.raises(SceneError):
        Scene.from_dict({"sources": [], "room": {"outdoor": False, "size_m": [4, 3, 3]}})
