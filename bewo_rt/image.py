"""Images as input: marks on a photo -> a Scene whose sources sit where the marks are.

    scene = scene_from_image("street.jpg", ["820,400,1180,620:a car engine idling",
                                            "100,300:a dog barking"], fov_deg=90)
    overlay_png("street.jpg", marks, "marks.png")       # check what was understood

Marks (pixel coordinates, x to the right, y down, origin at the top-left corner of the image;
coordinates may be fractional and may lie on the border, 0 <= x <= width, 0 <= y <= height):

    "X0,Y0,X1,Y1:label"    a box (two opposite corners, any order); the source is at its centre
    "X,Y:label"            a click; the source is at that point
    (x0, y0, x1, y1, label) or (x, y, label)                      the same as tuples
    {"box": [x0, y0, x1, y1], "label": ...} or {"point": [x, y], "label": ...}
                           dicts may add "distance_m" to override the distance rule below
    Mark(...)              this module's own type

Motion: end a label with "@start" on one mark and the same label with "@end" on another
("900,420:a car@start", "150,430:a car@end"); the pair gives one source moving from the first
position to the second at `speed` ("slow", "moderate" or "fast": BEWO's motion words, moving
during the centred 90 / 60 / 30 % of the clip; default "moderate"). A label without
either suffix is a still source. At most MAX_SOURCES sources per image (a start/end pair counts
once).

Camera: a pinhole camera at the listener's head, level and looking straight ahead, with
horizontal field of view fov_deg (0 < fov < 180) and square pixels, so the focal length is
f = (W/2) / tan(fov/2) pixels and the vertical field of view 2 atan((H/2)/f) follows from the
aspect ratio. A pixel (x, y) sees along the ray (x - W/2, H/2 - y, f) (right, up, ahead), so

    azimuth   = atan((x - W/2) / f)                        centre 0, right edge +fov/2
    elevation = atan2(H/2 - y, hypot(f, x - W/2))          positive up

The elevation is the ray's angle above the horizontal plane (the renderer's convention). On the
vertical centre line it equals atan((H/2 - y)/f); towards the left/right edges the same image row
is a little lower above the horizon, as it really is for a pinhole camera.

Distance: a box is taken to frame an object of typical size OBJECT_SIZE_M (0.5 m) along its
larger side; an object of size s seen under the angle a is at s / (2 tan(a/2)) metres, and
with a = 2 atan(side_px / (2 f)) this is distance = OBJECT_SIZE_M * f / side_px, clamped to
[MIN_DISTANCE_M, MAX_DISTANCE_M] = [0.5, 20] m. A click has no size and gets CLICK_DISTANCE_M (2 m).
So a box that spans the whole width of a 90-degree image is 0.5 * (W/2) / W = 0.25 -> 0.5 m away,
and one 1/20 of the width is 5 m away.

Images: a file path (PNG, JPEG, BMP, GIF, TIFF or WebP, read with Pillow) or a PIL.Image. Pixel
coordinates refer to the image as viewers show it: a photo's EXIF orientation is applied first.
Images over MAX_PIXELS (50 megapixels) are refused from the header, before any pixel is decoded;
corrupt, truncated, empty or non-image files raise ValueError naming the file.
"""
from __future__ import annotations

import math
import numbers
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from .motion import SPAN
from .scene import Keyframe, Scene, Source

MAX_PIXELS = 50_000_000
MAX_SOURCES = 4
OBJECT_SIZE_M = 0.5
MIN_DISTANCE_M, MAX_DISTANCE_M = 0.5, 20.0
CLICK_DISTANCE_M = 2.0
FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")
_ROLE = re.compile(r"\s*@\s*(start|end)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Mark:
    """One mark in pixels: a box (x0, y0, x1, y1) with x0 < x1, y0 < y1, or a point (x, y).

    role is None (a still source), "start" or "end" (the two ends of a move)."""
    label: str
    box: tuple[float, float, float, float] | None = None
    point: tuple[float, float] | None = None
    role: str | None = None
    distance_m: float | None = None  # None: the documented rule

    @property
    def centre(self) -> tuple[float, float]:
        if self.box is not None:
            x0, y0, x1, y1 = self.box
            return 0.5 * (x0 + x1), 0.5 * (y0 + y1)
        return self.point


# --- images -------------------------------------------------------------------------------------
def load_image(image, name: str = "image"):
    """A decoded PIL.Image, upright (EXIF orientation applied), from a path or a PIL.Image; the
    size is checked from the file's header before any pixel is decoded."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(image, Image.Image):
        _check_size(image.size, name)
        return _upright(image)
    if not isinstance(image, (str, Path)):
        raise TypeError(f"{name} must be a file path or a PIL.Image, got {type(image).__name__}")
    p = Path(image)
    if not p.is_file():
        raise FileNotFoundError(f"{name} not found: {str(p)!r}")
    what = f"{name} {str(p)!r}"
    with warnings.catch_warnings():
        # our own limit (checked from the header below) is lower than Pillow's warning level
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            im = Image.open(p, formats=FORMATS)  # reads the header only
        except Image.DecompressionBombError:
            raise ValueError(f"{what} is too large (over Pillow's decompression-bomb limit; at most "
                             f"{MAX_PIXELS // 1_000_000} megapixels are accepted)") from None
        except UnidentifiedImageError:
            raise ValueError(f"{what} is not an image in a supported format ({', '.join(FORMATS)})") from None
        except OSError as e:
            raise ValueError(f"{what} cannot be read ({e})") from None
        try:
            _check_size(im.size, what)
        except ValueError:
            im.close()
            raise
        try:
            im.load()  # decodes every pixel: a truncated or corrupt file fails here
        except (OSError, SyntaxError, EOFError, ValueError, Image.DecompressionBombError) as e:
            im.close()
            raise ValueError(f"{what} is corrupt or truncated ({e})") from None
    return _upright(im)


def _upright(im):
    """The image as viewers show it: a photo whose EXIF orientation says "rotated" is turned, so
    that mark coordinates read off any viewer mean the same pixels here."""
    from PIL import ImageOps

    try:
        if im.getexif().get(0x0112, 1) in (None, 1):  # 0x0112: the EXIF Orientation tag
            return im
    except (OSError, ValueError, SyntaxError, TypeError):
        return im  # unreadable EXIF: take the pixels as stored
    return ImageOps.exif_transpose(im)


def _check_size(size, name: str) -> None:
    w, h = size
    if w < 1 or h < 1:
        raise ValueError(f"{name} is empty ({w} x {h} pixels)")
    if w * h > MAX_PIXELS:
        raise ValueError(f"{name} is {w} x {h} = {w * h / 1e6:.1f} megapixels; at most "
                         f"{MAX_PIXELS // 1_000_000} megapixels are accepted (scale it down first)")


# --- camera -------------------------------------------------------------------------------------
def check_fov(fov_deg) -> float:
    if isinstance(fov_deg, bool) or not isinstance(fov_deg, numbers.Real):
        raise TypeError(f"fov_deg must be a number of degrees, got {fov_deg!r}")
    f = float(fov_deg)
    if not (math.isfinite(f) and 0.0 < f < 180.0):
        raise ValueError(f"fov_deg must be in (0, 180) degrees (the horizontal field of view), got {fov_deg!r}")
    return f


def focal_px(width: int, fov_deg: float) -> float:
    """Focal length in pixels of a pinhole camera whose image `width` spans fov_deg."""
    return (width / 2.0) / math.tan(math.radians(check_fov(fov_deg)) / 2.0)


def vertical_fov_deg(width: int, height: int, fov_deg: float) -> float:
    return math.degrees(2.0 * math.atan((height / 2.0) / focal_px(width, fov_deg)))


def pixel_direction(x: float, y: float, width: int, height: int, fov_deg: float = 90.0) -> tuple[float, float]:
    """(azimuth_deg, elevation_deg) of pixel (x, y); see the module docstring."""
    f = focal_px(width, fov_deg)
    dx, dy = x - width / 2.0, height / 2.0 - y
    return math.degrees(math.atan(dx / f)), math.degrees(math.atan2(dy, math.hypot(f, dx)))


def direction_pixel(azimuth_deg: float, elevation_deg: float, width: int, height: int,
                    fov_deg: float = 90.0) -> tuple[float, float] | None:
    """The inverse of pixel_direction; None for a direction behind the camera (|azimuth| >= 90)."""
    if abs(azimuth_deg) >= 90.0:
        return None
    f = focal_px(width, fov_deg)
    dx = f * math.tan(math.radians(azimuth_deg))
    dy = math.hypot(f, dx) * math.tan(math.radians(elevation_deg))
    return width / 2.0 + dx, height / 2.0 - dy


def mark_distance(mark: Mark, width: int, fov_deg: float) -> float:
    if mark.distance_m is not None:
        return mark.distance_m
    if mark.box is None:
        return CLICK_DISTANCE_M
    x0, y0, x1, y1 = mark.box
    side = max(x1 - x0, y1 - y0)
    d = OBJECT_SIZE_M * focal_px(width, fov_deg) / side
    return min(MAX_DISTANCE_M, max(MIN_DISTANCE_M, d))


# --- marks --------------------------------------------------------------------------------------
def _number(v, where: str) -> float:
    if isinstance(v, bool):
        raise ValueError(f"{where} must be a number, got {v!r}")
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{where} must be a number, got {v!r}") from None
    if not math.isfinite(f):
        raise ValueError(f"{where} must be finite, got {v!r}")
    return f


def _make(coords, label, where: str, distance_m=None) -> Mark:
    if not isinstance(label, str):
        raise ValueError(f"{where}: the label must be a string, got {label!r}")
    role = None
    m = _ROLE.search(label)
    if m:
        role, label = m.group(1).lower(), label[:m.start()]
    label = label.strip()
    if not label:
        raise ValueError(f"{where} has no label (expected 'X,Y:label' or 'X0,Y0,X1,Y1:label')")
    c = [_number(v, f"{where} coordinate {i}") for i, v in enumerate(coords)]
    if distance_m is not None:
        distance_m = _number(distance_m, f"{where} distance_m")
        if distance_m <= 0:
            raise ValueError(f"{where} distance_m must be > 0, got {distance_m!r}")
    if len(c) == 2:
        return Mark(label, point=(c[0], c[1]), role=role, distance_m=distance_m)
    if len(c) == 4:
        x0, x1, y0, y1 = min(c[0], c[2]), max(c[0], c[2]), min(c[1], c[3]), max(c[1], c[3])
        if x1 == x0 or y1 == y0:
            raise ValueError(f"{where} is a box of zero width or height: {c}")
        return Mark(label, box=(x0, y0, x1, y1), role=role, distance_m=distance_m)
    raise ValueError(f"{where} needs 2 numbers (a click X,Y) or 4 (a box X0,Y0,X1,Y1), got {len(c)}")


def parse_mark(mark, where: str = "mark") -> Mark:
    """One mark in any accepted form (see the module docstring) -> Mark, not yet checked against an image."""
    if isinstance(mark, Mark):
        return _make(mark.box or mark.point, mark.label + (f"@{mark.role}" if mark.role else ""), where,
                     mark.distance_m)
    if isinstance(mark, str):
        coords, sep, label = mark.partition(":")
        if not sep:
            raise ValueError(f"{where} {mark!r} must be 'X,Y:label' or 'X0,Y0,X1,Y1:label' (no ':' found)")
        return _make([v.strip() for v in coords.split(",")], label, f"{where} {mark!r}")
    if isinstance(mark, dict):
        unknown = set(mark) - {"box", "point", "label", "distance_m"}
        if unknown:
            raise ValueError(f"{where} has unknown key(s) {sorted(unknown)}")
        if ("box" in mark) == ("point" in mark):
            raise ValueError(f"{where} needs exactly one of 'box' [x0, y0, x1, y1] or 'point' [x, y]")
        coords = mark.get("box", mark.get("point"))
        if not isinstance(coords, (list, tuple)) or len(coords) != (4 if "box" in mark else 2):
            raise ValueError(f"{where}: 'box' must be [x0, y0, x1, y1] and 'point' [x, y], got {coords!r}")
        return _make(coords, mark.get("label"), where, mark.get("distance_m"))
    if isinstance(mark, (list, tuple)) and len(mark) in (3, 5):
        return _make(mark[:-1], mark[-1], where)
    raise ValueError(f"{where} must be 'X,Y:label', 'X0,Y0,X1,Y1:label', a tuple (x, y, label) / "
                     f"(x0, y0, x1, y1, label) or a dict with 'box' or 'point'; got {mark!r}")


def parse_marks(marks, width: int, height: int) -> list[Mark]:
    """Every mark parsed and checked to lie inside a width x height image."""
    if isinstance(marks, (str, dict, Mark)):
        marks = [marks]  # one mark on its own is fine
    if not isinstance(marks, (list, tuple)):
        raise TypeError(f"marks must be a list of marks, got {type(marks).__name__}")
    if not marks:
        raise ValueError("marks is empty: mark at least one sound on the image")
    out = []
    for i, m in enumerate(marks):
        mk = parse_mark(m, f"marks[{i}]")
        pts = [mk.box[:2], mk.box[2:]] if mk.box is not None else [mk.point]
        for x, y in pts:
            if not (0 <= x <= width and 0 <= y <= height):
                raise ValueError(f"marks[{i}] ({mk.label!r}) point ({x:g}, {y:g}) lies outside the "
                                 f"{width} x {height} image")
        out.append(mk)
    return out


def _group(marks: list[Mark]) -> list[tuple[Mark, Mark | None]]:
    """Still marks alone, start/end marks paired by label; in the order of first appearance."""
    groups: list[list] = []
    moving: dict[str, list] = {}
    for i, m in enumerate(marks):
        if m.role is None:
            groups.append([m, None])
            continue
        key = m.label.lower()
        g = moving.get(key)
        if g is None:
            g = moving[key] = [None, None]
            groups.append(g)
        slot = 0 if m.role == "start" else 1
        if g[slot] is not None:
            raise ValueError(f"marks[{i}]: {m.label!r}@{m.role} is given twice")
        g[slot] = m
    for key, (s, e) in moving.items():
        if s is None or e is None:
            have, need = ("end", "start") if s is None else ("start", "end")
            raise ValueError(f"marks: {key!r}@{have} has no matching {key!r}@{need} mark")
    return [(g[0], g[1]) for g in groups]


def scene_from_image(image, marks, fov_deg: float = 90.0, seconds: float = 10.0,
                     speed: str = "moderate") -> Scene:
    """A Scene with one source per mark (or start/end pair) of `image`, seen by a pinhole camera
    with horizontal field of view fov_deg; the scene lasts `seconds`, outdoors (free field).

    Labels become the sources' labels (retrieval and captions work on them); `sound` is left unset.
    """
    fov = check_fov(fov_deg)
    if (isinstance(seconds, bool) or not isinstance(seconds, numbers.Real)
            or not (math.isfinite(seconds) and seconds > 0)):
        raise ValueError(f"seconds must be a number > 0, got {seconds!r}")
    if speed not in SPAN:
        raise ValueError(f"speed must be one of {', '.join(SPAN)} (how fast a start/end pair moves), got {speed!r}")
    w, h = load_image(image).size
    groups = _group(parse_marks(marks, w, h))
    if len(groups) > MAX_SOURCES:
        raise ValueError(f"marks give {len(groups)} sources; at most {MAX_SOURCES} are supported")
    sources = []
    for a, b in groups:
        az, el = pixel_direction(*a.centre, w, h, fov)
        dist = mark_distance(a, w, fov)
        src = Source(label=a.label, azimuth_start_deg=round(az, 3), elevation_deg=round(el, 3),
                     distance_m=round(dist, 3))
        if b is not None:
            az1, el1 = pixel_direction(*b.centre, w, h, fov)
            dist1 = mark_distance(b, w, fov)
            src.azimuth_end_deg, src.distance_end_m, src.speed = round(az1, 3), round(dist1, 3), speed
            if round(el1, 3) != src.elevation_deg:
                # Source has one elevation; a move that also rises or falls needs explicit keyframes,
                # timed as the speed word would time it (motion.SPAN)
                span = SPAN[speed] * float(seconds)
                t0 = 0.5 * (float(seconds) - span)
                src.path = [Keyframe(t0, src.azimuth_start_deg, src.elevation_deg, src.distance_m),
                            Keyframe(t0 + span, src.azimuth_end_deg, round(el1, 3), src.distance_end_m)]
        sources.append(src)
    # from_dict validates every field exactly as a JSON scene would be
    return Scene.from_dict(Scene(sources, duration_s=float(seconds)).to_dict())


# --- overlay ------------------------------------------------------------------------------------
_COLOURS = [(255, 64, 64), (64, 160, 255), (255, 200, 0), (80, 220, 80), (230, 90, 255), (0, 230, 230)]


def overlay_png(image, marks, out_path, fov_deg: float = 90.0) -> None:
    """Write a PNG of `image` with every mark drawn (boxes, crosses for clicks, an arrow from a
    start to its end) and labelled with its label, azimuth and elevation, to check what the marks
    mean. `marks` is a list of marks (as for scene_from_image) or a Scene (its sources' directions
    are projected back into the image; those outside the field of view are listed in a corner).
    Written atomically."""
    from PIL import ImageDraw, ImageFont

    from ._atomic import atomic_path

    fov = check_fov(fov_deg)
    out = Path(out_path)
    if out.suffix.lower() != ".png":
        raise ValueError(f"out_path must end in .png, got {str(out_path)!r}")
    im = load_image(image).convert("RGB")
    w, h = im.size
    draw = ImageDraw.Draw(im)
    size = max(12, min(w, h) // 40)
    try:
        font = ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has only the small bitmap font
        font = ImageFont.load_default()
    lw = max(2, min(w, h) // 300)
    r = 3 * lw + 4  # half the size of a click's cross

    def text(xy, s, colour):
        x0, y0, x1, y1 = draw.textbbox((0, 0), s, font=font)
        x = min(max(0, xy[0]), max(0, w - (x1 - x0) - 2))  # keep the text inside the picture
        y = min(max(0, xy[1]), max(0, h - (y1 - y0) - 2))
        bb = draw.textbbox((x, y), s, font=font)
        draw.rectangle(bb, fill=(0, 0, 0))  # dark backing keeps the text readable on any photo
        draw.text((x, y), s, fill=colour, font=font)

    if isinstance(marks, Scene):
        outside = []
        for i, s in enumerate(marks.sources):
            c = _COLOURS[i % len(_COLOURS)]
            ends = [(s.azimuth_start_deg, s.elevation_deg)]
            if s.path:
                ends = [(k.azimuth_deg, k.elevation_deg) for k in (s.path[0], s.path[-1])]
            elif s.moving:
                ends.append((s.azimuth_end, s.elevation_deg))
            px = [direction_pixel(az, el, w, h, fov) for az, el in ends]
            for p in px:
                if p is not None:
                    draw.line([(p[0] - r, p[1] - r), (p[0] + r, p[1] + r)], fill=c, width=lw)
                    draw.line([(p[0] - r, p[1] + r), (p[0] + r, p[1] - r)], fill=c, width=lw)
            if len(px) == 2 and None not in px:
                _arrow(draw, px[0], px[1], c, lw, r)
            desc = (f"{s.label}: az {ends[0][0]:+.1f}" + (f" -> {ends[-1][0]:+.1f}" if len(ends) == 2 else "")
                    + f", el {ends[0][1]:+.1f}, {s.distance_m:.1f} m")
            if px[0] is None:
                outside.append((desc, c))
            else:
                text((px[0][0] + r + 2, px[0][1] + r), desc, c)
        for j, (desc, c) in enumerate(outside):
            text((4, 4 + j * (size + 6)), desc + " (outside the view)", c)
    else:
        ms = parse_marks(marks, w, h)
        groups = _group(ms)
        for i, (a, b) in enumerate(groups):
            c = _COLOURS[i % len(_COLOURS)]
            for m in (a, b):
                if m is None:
                    continue
                if m.box is not None:
                    draw.rectangle(m.box, outline=c, width=lw)
                x, y = m.centre
                draw.line([(x - r, y), (x + r, y)], fill=c, width=lw)
                draw.line([(x, y - r), (x, y + r)], fill=c, width=lw)
                az, el = pixel_direction(x, y, w, h, fov)
                tag = f"{m.label}" + (f" ({m.role})" if m.role else "")
                desc = f"{tag}: az {az:+.1f}, el {el:+.1f}, {mark_distance(m, w, fov):.1f} m"
                top = m.box[1] - size - 4 if m.box is not None else y + r + 2
                text(((m.box[0] if m.box is not None else x + r + 2), top if top >= 0 else y + r + 2), desc, c)
            if b is not None:
                _arrow(draw, a.centre, b.centre, c, lw, r)
    with atomic_path(out) as tmp:
        im.save(tmp, format="PNG")


def _arrow(draw, p0, p1, colour, lw, head):
    draw.line([p0, p1], fill=colour, width=lw)
    ang = math.atan2(p1[1] - p0[1], p1[0] - p0[0])
    for da in (2.6, -2.6):  # two barbs about 150 degrees off the shaft
        draw.line([p1, (p1[0] + 2 * head * math.cos(ang + da), p1[1] + 2 * head * math.sin(ang + da))],
                  fill=colour, width=lw)
