"""The Scene: one description of sources, their motion, the room and the listener, shared by the
renderer, the corpus builder, the text parser and the model's conditioning.

JSON form (documented in docs/scene.md):

    {"duration_s": 10.0,
     "sources": [{"label": "dog barking", "sound": "dog.wav",
                  "azimuth_start_deg": -90, "azimuth_end_deg": 90, "elevation_deg": 0,
                  "distance_m": 2.0, "distance_end_m": 2.0,
                  "speed": "moderate", "change_time": 0.5,
                  "start_time_s": 0.0, "gain_db": 0.0, "path": null}],
     "room": {"outdoor": true, "size_m": null, "rt60_s": null},
     "listener": {"position_m": [0, 0, 0]},
     "note": "..."}   (optional: what the text parser could not place, for people to read)

Azimuth: 0 ahead, negative left, positive right, +-180 behind (degrees). Elevation: positive up.
Distances in metres. Times in seconds.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

SPEEDS = ("still", "slow", "moderate", "fast", "instant")
# Fields `bewo-rt parse --json` adds for people to read (text.parser.parse_dict); every reader
# accepts and ignores them, as they follow from the numbers.
DERIVED_SOURCE_FIELDS = frozenset({"moving", "distance", "distance_end", "direction", "direction_end"})
DERIVED_SCENE_FIELDS = frozenset({"room_class"})


class SceneError(ValueError):
    """A scene field is missing or wrong; the message names the field."""


def _num(d: dict, key: str, where: str, default=None, lo=None, hi=None, positive=False):
    v = d.get(key)
    if v is None:  # absent or JSON null: the default
        return default
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise SceneError(f"{where}.{key} must be a number, got {v!r}")
    v = float(v)
    if not math.isfinite(v):
        raise SceneError(f"{where}.{key} must be finite, got {v!r}")
    if positive and v <= 0:
        raise SceneError(f"{where}.{key} must be > 0, got {v!r}")
    if lo is not None and v < lo or hi is not None and v > hi:
        raise SceneError(f"{where}.{key} must be in [{lo}, {hi}], got {v!r}")
    return v


@dataclass
class Keyframe:
    time_s: float
    azimuth_deg: float
    elevation_deg: float = 0.0
    distance_m: float = 1.0


@dataclass
class Source:
    label: str = ""
    sound: str | None = None  # file path or source-library id
    azimuth_start_deg: float = 0.0
    azimuth_end_deg: float | None = None  # None: same as the start
    elevation_deg: float = 0.0
    distance_m: float = 1.0
    distance_end_m: float | None = None
    speed: str = "still"  # still | slow | moderate | fast | instant
    change_time: float = 0.5  # instant moves: jump at this fraction of the clip
    start_time_s: float = 0.0  # when the sound starts in the scene
    gain_db: float = 0.0
    path: list[Keyframe] | None = None  # explicit keyframes; override start/end/speed

    @property
    def moving(self) -> bool:
        if self.path is not None:
            return len({(k.azimuth_deg, k.elevation_deg, k.distance_m) for k in self.path}) > 1
        end = self.azimuth_start_deg if self.azimuth_end_deg is None else self.azimuth_end_deg
        dend = self.distance_m if self.distance_end_m is None else self.distance_end_m
        return self.speed != "still" and (end != self.azimuth_start_deg or dend != self.distance_m)

    @property
    def azimuth_end(self) -> float:
        return self.azimuth_start_deg if self.azimuth_end_deg is None else self.azimuth_end_deg


@dataclass
class Room:
    """A shoebox room, or outdoors (free field plus a ground reflection).

    Room frame: x along the length (the listener faces +x), y along the width (+y on the
    listener's left), z up; the room spans [0, size] on each axis. Walls are reflective per
    `absorption` (one value for all six surfaces, or six: x=0, x=L, y=0, y=W, floor, ceiling);
    when absent it is derived from `rt60_s` with Eyring's formula.
    """

    outdoor: bool = True
    size_m: tuple[float, float, float] | None = None
    rt60_s: float | None = None
    absorption: float | tuple[float, ...] | None = None
    transition_s: float | None = None  # image sources until here, diffuse tail after; None: auto
    ground_reflection: float = 0.7  # outdoors: amplitude reflection coefficient of the ground


@dataclass
class Listener:
    # Room frame, metres; None: the middle of the room at ear height (1.6 m, or half the height in
    # a low room); outdoors 1.6 m above the ground.
    position_m: tuple[float, float, float] | None = None


@dataclass
class Scene:
    sources: list[Source] = field(default_factory=list)
    duration_s: float | None = None  # None: as long as the longest placed sound
    room: Room = field(default_factory=Room)
    listener: Listener = field(default_factory=Listener)
    # What the text parser could not take from the words ("no direction words found, so the sound
    # is placed ahead ..."): for people to read; in the JSON form only when set.
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["note"] is None:
            del d["note"]
        for s in d["sources"]:
            if s["path"] is None:
                continue
            s["path"] = [[k["time_s"], k["azimuth_deg"], k["elevation_deg"], k["distance_m"]] for k in s["path"]]
        return d

    def to_json(self, **kw) -> str:
        return json.dumps(self.to_dict(), **kw)

    @staticmethod
    def from_json(text: str) -> "Scene":
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise SceneError(f"scene is not valid JSON: {e}") from None
        return Scene.from_dict(d)

    @staticmethod
    def from_dict(d: dict) -> "Scene":
        if not isinstance(d, dict):
            raise SceneError("scene must be a JSON object")
        unknown = set(d) - {"sources", "duration_s", "room", "listener", "note"} - DERIVED_SCENE_FIELDS
        if unknown:
            raise SceneError(f"scene has unknown field(s) {sorted(unknown)}")
        srcs = d.get("sources", [])
        if not isinstance(srcs, list):
            raise SceneError("scene.sources must be a list")
        sources = [_source_from_dict(s, f"sources[{i}]") for i, s in enumerate(srcs)]
        room_d = d.get("room") or {}
        if not isinstance(room_d, dict):
            raise SceneError("scene.room must be an object")
        size = room_d.get("size_m")
        if size is not None:
            if not (isinstance(size, (list, tuple)) and len(size) == 3):
                raise SceneError("room.size_m must be [length, width, height] in metres")
            size = tuple(_num({"v": v}, "v", "room.size_m", positive=True) for v in size)
        unknown = set(room_d) - set(Room.__dataclass_fields__)
        if unknown:
            raise SceneError(f"room has unknown field(s) {sorted(unknown)}")
        absorption = room_d.get("absorption")
        if absorption is not None:
            vals = absorption if isinstance(absorption, (list, tuple)) else [absorption]
            if len(vals) not in (1, 6):
                raise SceneError("room.absorption must be one number or six (x0, xL, y0, yW, floor, ceiling)")
            vals = tuple(_num({"v": v}, "v", "room.absorption", lo=0.0, hi=1.0) for v in vals)
            absorption = vals[0] if len(vals) == 1 and not isinstance(absorption, (list, tuple)) else vals
        outdoor = room_d.get("outdoor", size is None)
        if not isinstance(outdoor, bool):
            raise SceneError("room.outdoor must be true or false")
        if not outdoor and size is None:
            raise SceneError("room.size_m is required for an indoor room")
        if not outdoor and room_d.get("rt60_s") is None and absorption is None:
            raise SceneError("an indoor room needs room.rt60_s or room.absorption")
        if room_d.get("rt60_s") is not None and absorption is not None:
            raise SceneError("give room.rt60_s or room.absorption, not both (one follows from the other)")
        if absorption is not None and min(absorption if isinstance(absorption, tuple) else (absorption,)) <= 0:
            raise SceneError("room.absorption must be > 0 (a room that absorbs nothing never decays)")
        room = Room(outdoor=outdoor, size_m=size, rt60_s=_num(room_d, "rt60_s", "room", positive=True),
                    absorption=absorption,
                    transition_s=_num(room_d, "transition_s", "room", None, lo=0.0, hi=1.0),
                    ground_reflection=_num(room_d, "ground_reflection", "room", 0.7, lo=0.0, hi=1.0))
        lis_d = d.get("listener") or {}
        pos = lis_d.get("position_m")
        if pos is not None:
            if not (isinstance(pos, (list, tuple)) and len(pos) == 3):
                raise SceneError("listener.position_m must be [x, y, z] in metres")
            pos = tuple(_num({"v": v}, "v", "listener.position_m") for v in pos)
        listener = Listener(pos)
        note = d.get("note")
        if note is not None and not isinstance(note, str):
            raise SceneError(f"scene.note must be a string, got {note!r}")
        return Scene(sources, _num(d, "duration_s", "scene", positive=True), room, listener, note)


def _source_from_dict(s: Any, where: str) -> Source:
    if not isinstance(s, dict):
        raise SceneError(f"{where} must be an object")
    known = set(Source.__dataclass_fields__) | DERIVED_SOURCE_FIELDS
    unknown = set(s) - known
    if unknown:
        raise SceneError(f"{where} has unknown field(s) {sorted(unknown)}")
    speed = s.get("speed", "still")
    if speed not in SPEEDS:
        raise SceneError(f"{where}.speed must be one of {', '.join(SPEEDS)}, got {speed!r}")
    label = s.get("label", "")
    if not isinstance(label, str):
        raise SceneError(f"{where}.label must be a string")
    sound = s.get("sound")
    if sound is not None and not isinstance(sound, str):
        raise SceneError(f"{where}.sound must be a string (file path or library id)")
    path = s.get("path")
    if path is not None:
        if not isinstance(path, list) or not path:
            raise SceneError(f"{where}.path must be a non-empty list of [time_s, azimuth_deg, elevation_deg?, distance_m?]")
        kfs = []
        for j, k in enumerate(path):
            if isinstance(k, dict):
                missing = [f for f in ("time_s", "azimuth_deg") if k.get(f) is None]
                if missing:
                    raise SceneError(f"{where}.path[{j}] needs {' and '.join(missing)}")
                k = [k["time_s"], k["azimuth_deg"], k.get("elevation_deg", 0.0), k.get("distance_m", 1.0)]
            if not isinstance(k, (list, tuple)) or not 2 <= len(k) <= 4:
                raise SceneError(f"{where}.path[{j}] must be [time_s, azimuth_deg, elevation_deg?, distance_m?]")
            k = list(k) + [0.0, 1.0][len(k) - 2:]
            kd = dict(zip(("time_s", "azimuth_deg", "elevation_deg", "distance_m"), k))
            w = f"{where}.path[{j}]"
            if kd["time_s"] is None or kd["azimuth_deg"] is None:
                raise SceneError(f"{w} needs time_s and azimuth_deg")
            kfs.append(Keyframe(_num(kd, "time_s", w, lo=0.0), _num(kd, "azimuth_deg", w),
                                _num(kd, "elevation_deg", w, lo=-90, hi=90), _num(kd, "distance_m", w, positive=True)))
        for j in range(1, len(kfs)):
            if kfs[j].time_s < kfs[j - 1].time_s:
                raise SceneError(f"{where}.path times must not decrease (path[{j}])")
        path = kfs
    return Source(
        label=label, sound=sound,
        azimuth_start_deg=_num(s, "azimuth_start_deg", where, 0.0),
        azimuth_end_deg=_num(s, "azimuth_end_deg", where),
        elevation_deg=_num(s, "elevation_deg", where, 0.0, lo=-90, hi=90),
        distance_m=_num(s, "distance_m", where, 1.0, positive=True),
        distance_end_m=_num(s, "distance_end_m", where, positive=True),
        speed=speed,
        change_time=_num(s, "change_time", where, 0.5, lo=0.0, hi=1.0),
        start_time_s=_num(s, "start_time_s", where, 0.0, lo=0.0),
        gain_db=_num(s, "gain_db", where, 0.0),
        path=path,
    )
