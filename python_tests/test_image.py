"""Images as input (bewo_rt.image): pinhole geometry, marks -> Scene -> audio on the marked side,
moving sources from two marks, the overlay PNG and clear errors for bad images and marks."""
import math
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

import bewo_rt
from bewo_rt.image import (CLICK_DISTANCE_M, MAX_DISTANCE_M, MAX_PIXELS, MIN_DISTANCE_M, Mark, direction_pixel,
                           load_image, overlay_png, parse_marks, pixel_direction, scene_from_image,
                           vertical_fov_deg)
from bewo_rt.metrics import analyze

SR = 16000


def random_image(rng, w=None, h=None):
    w = int(w or rng.integers(64, 400))
    h = int(h or rng.integers(64, 400))
    return Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8))


def analyse_side(audio):
    """Calibrated azimuth analysis at -10 dBFS RMS: the analysis gates windows below -16 dBFS."""
    return analyze(audio * (0.316 / np.sqrt(np.mean(audio.astype(np.float64) ** 2))), SR)


# --- geometry ------------------------------------------------------------------------------------
def test_pinhole_geometry(rng):
    for _ in range(20):
        w, h = int(rng.integers(16, 5000)), int(rng.integers(16, 5000))
        fov = float(rng.uniform(5, 175))
        assert pixel_direction(w / 2, h / 2, w, h, fov) == pytest.approx((0.0, 0.0), abs=1e-9)
        assert pixel_direction(w, h / 2, w, h, fov) == pytest.approx((fov / 2, 0.0))
        assert pixel_direction(0, h / 2, w, h, fov) == pytest.approx((-fov / 2, 0.0))
        # the vertical field of view follows from the aspect ratio with the same focal length
        vfov = vertical_fov_deg(w, h, fov)
        assert math.tan(math.radians(vfov / 2)) == pytest.approx(h / w * math.tan(math.radians(fov / 2)))
        assert pixel_direction(w / 2, 0, w, h, fov)[1] == pytest.approx(vfov / 2)
        assert pixel_direction(w / 2, h, w, h, fov)[1] == pytest.approx(-vfov / 2)
        x, y = float(rng.uniform(0, w)), float(rng.uniform(0, h))
        az, el = pixel_direction(x, y, w, h, fov)
        # symmetric about the centre lines
        assert pixel_direction(w - x, y, w, h, fov) == pytest.approx((-az, el), abs=1e-9)
        assert pixel_direction(x, h - y, w, h, fov) == pytest.approx((az, -el), abs=1e-9)
        # right of centre is positive azimuth, above the centre is positive elevation
        assert np.sign(az) == np.sign(x - w / 2) and np.sign(el) == np.sign(h / 2 - y)
        assert abs(az) <= fov / 2 + 1e-9
        # the ray's angle above the horizon: tan(el) = up / |(right, ahead)|
        f = (w / 2) / math.tan(math.radians(fov / 2))
        assert math.tan(math.radians(el)) == pytest.approx((h / 2 - y) / math.hypot(f, x - w / 2))
        assert direction_pixel(az, el, w, h, fov) == pytest.approx((x, y))
    assert direction_pixel(95.0, 0.0, 100, 100, 90) is None  # behind the camera


def test_mark_forms_and_distance_rule(rng):
    w, h = 400, 300
    x0, y0 = float(rng.uniform(0, 200)), float(rng.uniform(0, 150))
    x1, y1 = x0 + float(rng.uniform(1, 200)), y0 + float(rng.uniform(1, 150))
    forms = [f"{x0},{y0},{x1},{y1}:a dog", f" {x1} , {y1} ,{x0},{y0} :  a dog ", (x0, y0, x1, y1, "a dog"),
             {"box": [x0, y0, x1, y1], "label": "a dog"}, Mark("a dog", box=(x0, y0, x1, y1))]
    marks = parse_marks(forms, w, h)
    assert all(m == marks[0] for m in marks) and marks[0].label == "a dog"
    assert marks[0].centre == pytest.approx(((x0 + x1) / 2, (y0 + y1) / 2))
    img = random_image(rng, w, h)
    fov = 90.0  # f = w / 2
    scene = scene_from_image(img, [f"{x0},{y0},{x1},{y1}:a dog"], fov_deg=fov, seconds=3)
    s = scene.sources[0]
    assert (s.azimuth_start_deg, s.elevation_deg) == pytest.approx(
        pixel_direction((x0 + x1) / 2, (y0 + y1) / 2, w, h, fov), abs=1e-3)
    # typical object of 0.5 m along the box's larger side: d = 0.5 * f / side, clamped to [0.5, 20]
    want = min(MAX_DISTANCE_M, max(MIN_DISTANCE_M, 0.5 * (w / 2) / max(x1 - x0, y1 - y0)))
    assert s.distance_m == pytest.approx(want, abs=1e-3)
    sc = scene_from_image(img, ["0,0,400,300:near", "190,140,210,150:far", "200,150:click",
                                {"point": [10, 10], "label": "given", "distance_m": 7.5}, ], fov_deg=fov)
    d = [s.distance_m for s in sc.sources]
    assert d == pytest.approx([MIN_DISTANCE_M, 5.0, CLICK_DISTANCE_M, 7.5])
    assert scene_from_image(img, ["200,150,201,151:tiny"]).sources[0].distance_m == MAX_DISTANCE_M
    assert sc.duration_s == 10.0 and sc.room.outdoor


# --- marks -> scene -> audio ----------------------------------------------------------------------
def test_marked_side_is_heard(rng):
    # landscape-ish and near the horizon: high elevations would shrink the interaural cues
    w = int(rng.integers(200, 400))
    img = random_image(rng, w, int(w * rng.uniform(0.5, 1.0)))
    w, h = img.size
    fov = float(rng.uniform(60, 120))
    noise = (0.3 * rng.standard_normal(2 * SR)).astype(np.float32)
    for side in (-1, 1):
        # a box in the outer third of one side
        cx = w / 2 + side * float(rng.uniform(0.3, 0.45)) * w
        cy = float(rng.uniform(0.4, 0.6)) * h
        bw = float(rng.uniform(4, 0.04 * w + 5))
        box = (cx - bw / 2, cy - bw / 2, cx + bw / 2, cy + bw / 2)
        scene = scene_from_image(img, [(*box, "noise")], fov_deg=fov, seconds=2)
        az = scene.sources[0].azimuth_start_deg
        assert np.sign(az) == side and abs(az) > 0.2 * fov
        y = bewo_rt.render_scene(scene, SR, sounds={"noise": noise})
        assert y.shape == (2, 2 * SR) and y.dtype == np.float32
        a = analyse_side(y)
        assert a.status == "ok"
        assert np.sign(a.median_azimuth_deg) == side, (az, a.median_azimuth_deg)
        assert abs(a.median_azimuth_deg - az) < 12, (az, a.median_azimuth_deg)
        # the louder ear is on the marked side
        ild = 10 * np.log10(np.mean(y[1].astype(np.float64) ** 2) / np.mean(y[0].astype(np.float64) ** 2))
        assert np.sign(ild) == side


def test_moving_source_from_two_marks(rng):
    img = random_image(rng)
    w, h = img.size
    y_row = h / 2  # the horizon: elevation 0 across the whole row
    x_start, x_end = float(rng.uniform(0.9, 1.0)) * w, float(rng.uniform(0.0, 0.1)) * w
    marks = [f"{x_start},{y_row}:a passing car@start", "10,10:a bird", f"{x_end},{y_row}:a passing car @END"]
    scene = scene_from_image(img, marks, fov_deg=120, seconds=3, speed="slow")
    assert [s.label for s in scene.sources] == ["a passing car", "a bird"]
    car = scene.sources[0]
    assert car.speed == "slow" and car.moving and car.path is None and car.elevation_deg == 0
    assert car.azimuth_start_deg > 40 and car.azimuth_end_deg < -40
    noise = (0.3 * rng.standard_normal(3 * SR)).astype(np.float32)
    solo = bewo_rt.Scene([car], duration_s=3)
    a = analyse_side(bewo_rt.render_scene(solo, SR, sounds={"a passing car": noise}))
    assert a.direction == "right_to_left", a.summary()
    assert a.start_azimuth_deg > 20 and a.end_azimuth_deg < -20
    # a move that also climbs keeps both elevations in explicit keyframes, timed like the speed word
    sc = scene_from_image(img, [f"{x_start},{h - 1}:kite@start", f"{x_end},1:kite@end"], seconds=4)
    p = sc.sources[0].path
    assert len(p) == 2 and p[0].elevation_deg < 0 < p[1].elevation_deg
    assert (p[0].time_s, p[1].time_s) == pytest.approx((0.8, 3.2))  # moderate: the centred 60 %
    assert p[0].azimuth_deg == sc.sources[0].azimuth_start_deg and p[1].azimuth_deg == sc.sources[0].azimuth_end_deg


def test_overlay_png(rng, tmp_path):
    img = random_image(rng, 320, 240)
    src = tmp_path / "in.jpg"
    img.save(src)
    out = tmp_path / "sub" / "marks.png"
    marks = ["200,60,300,140:a car@start", "20,60,90,120:a car@end", "160,200:a dog"]
    overlay_png(src, marks, out, fov_deg=80)
    with Image.open(out) as o:
        assert o.format == "PNG" and o.size == (320, 240)
        drawn = np.asarray(o.convert("RGB"), dtype=np.int16)
    before = np.asarray(Image.open(src).convert("RGB"), dtype=np.int16)
    assert np.abs(drawn - before).sum(axis=2)[60, 200:300].mean() > 30  # the top edge of the box
    out2 = tmp_path / "scene.png"
    overlay_png(img, scene_from_image(img, marks, fov_deg=80), out2, fov_deg=80)
    assert Image.open(out2).size == (320, 240)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["in.jpg", "marks.png", "scene.png"]
    with pytest.raises(ValueError, match="out_path"):
        overlay_png(img, marks, tmp_path / "x.jpg")
    with pytest.raises(ValueError, match=r"marks\[0\]"):
        overlay_png(img, ["999,1:x"], tmp_path / "y.png")
    assert not (tmp_path / "y.png").exists()


# --- errors --------------------------------------------------------------------------------------
def png_header_only(w, h):
    """A PNG whose header claims w x h pixels, with no pixel data: size checks must use the header."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IEND", b""))


def test_bad_images(rng, tmp_path):
    marks = ["1,1:x"]
    p = tmp_path / "noise.png"
    p.write_bytes(rng.integers(0, 256, int(rng.integers(10, 5000)), dtype=np.uint8).tobytes())
    with pytest.raises(ValueError, match="image .*noise.png.* not an image in a supported format"):
        scene_from_image(p, marks)
    p = tmp_path / "notes.png"
    p.write_text("this is not a picture\n")
    with pytest.raises(ValueError, match="not an image"):
        scene_from_image(p, marks)
    # a real PNG cut short: the header reads, the pixels do not
    good = tmp_path / "good.png"
    random_image(rng, 200, 150).save(good)
    cut = tmp_path / "cut.png"
    data = good.read_bytes()
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(ValueError, match="corrupt or truncated"):
        scene_from_image(cut, marks)
    # over the limit: refused from the header (which is all there is), before decoding
    side = int(math.isqrt(MAX_PIXELS)) + 1 + int(rng.integers(0, 100))
    big = tmp_path / "big.png"
    big.write_bytes(png_header_only(side, side))
    with pytest.raises(ValueError, match="megapixels"):
        scene_from_image(big, marks)
    bomb = tmp_path / "bomb.png"  # over Pillow's own decompression-bomb limit
    bomb.write_bytes(png_header_only(30000, 30000))
    with pytest.raises(ValueError, match="megapixels"):
        scene_from_image(bomb, marks)
    ppm = tmp_path / "pic.ppm"  # Pillow reads PPM, but it is not a supported photo format
    ppm.write_bytes(b"P6\n2 2\n255\n" + bytes(12))
    with pytest.raises(ValueError, match="supported format"):
        scene_from_image(ppm, marks)
    with pytest.raises(FileNotFoundError, match="image not found"):
        scene_from_image(tmp_path / "missing.png", marks)
    with pytest.raises(TypeError, match="image must be"):
        scene_from_image(b"\x89PNG", marks)
    assert load_image(good).size == (200, 150)


def test_exif_orientation_is_applied(rng, tmp_path):
    """Coordinates refer to the photo as viewers show it: a JPEG stored 200 x 100 with EXIF
    orientation 6 (turn 90 degrees clockwise to view) is 100 wide and 200 high."""
    img = random_image(rng, 200, 100)
    exif = Image.Exif()
    exif[0x0112] = 6
    p = tmp_path / "phone.jpg"
    img.save(p, exif=exif)
    assert load_image(p).size == (100, 200)
    sc = scene_from_image(p, ["100,100:right edge"], fov_deg=60)
    assert sc.sources[0].azimuth_start_deg == pytest.approx(30.0, abs=1e-3)
    with pytest.raises(ValueError, match="outside the 100 x 200 image"):
        scene_from_image(p, ["150,50:x"])


@pytest.mark.parametrize("marks, match", [
    (["abc"], r"marks\[0\].*no ':'"),
    (["1,2"], r"no ':'"),
    (["1,2,3:x"], r"marks\[0\].*2 numbers .* or 4"),
    (["1,a:x"], r"marks\[0\].*coordinate 1 must be a number"),
    (["1,nan:x"], r"must be finite"),
    ([":x"], r"marks\[0\]"),
    (["1,2:  "], r"marks\[0\].*has no label"),
    (["5,5:ok", "1,2,1,9:x"], r"marks\[1\].*zero width"),
    (["101,5:x"], r"marks\[0\].*outside the 100 x 80 image"),
    (["5,-1:x"], r"outside"),
    (["0,0,100,81:x"], r"outside"),
    ([{"box": [1, 2], "label": "x"}], r"marks\[0\].*'box' must be"),
    ([{"point": [1, 2], "box": [1, 2, 3, 4], "label": "x"}], r"exactly one of"),
    ([{"point": [1, 2], "label": "x", "colour": 1}], r"unknown key"),
    ([{"point": [1, 2], "label": "x", "distance_m": 0}], r"distance_m must be > 0"),
    ([(1, 2)], r"marks\[0\] must be"),
    ([], r"marks is empty"),
    (["1,1:a", "2,2:b", "3,3:c", "4,4:d", "5,5:e"], r"5 sources; at most 4"),
    (["1,1:car@start"], r"'car'@start has no matching 'car'@end"),
    (["1,1:car@end"], r"no matching 'car'@start"),
    (["1,1:car@start", "2,2:car@start", "3,3:car@end"], r"marks\[1\].*given twice"),
])
def test_bad_marks(marks, match):
    img = Image.new("RGB", (100, 80))
    with pytest.raises(ValueError, match=match):
        scene_from_image(img, marks)


def test_bad_arguments(rng):
    img = random_image(rng)
    for fov in (0, 180, -10, 200, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="fov_deg"):
            scene_from_image(img, ["1,1:x"], fov_deg=fov)
    for fov in ("90", True, None):
        with pytest.raises(TypeError, match="fov_deg"):
            scene_from_image(img, ["1,1:x"], fov_deg=fov)
    for seconds in (0, -1, float("nan"), "10"):
        with pytest.raises(ValueError, match="seconds"):
            scene_from_image(img, ["1,1:x"], seconds=seconds)
    with pytest.raises(ValueError, match="speed"):
        scene_from_image(img, ["1,1:x"], speed="instant")
    with pytest.raises(TypeError, match="marks must be a list"):
        scene_from_image(img, 42)
    # four sources are fine, a start/end pair counts once
    sc = scene_from_image(img, ["1,1:a", "2,2:b", "3,3:c", "4,4:d@start", "5,5:d@end"])
    assert len(sc.sources) == 4 and sc.sources[3].moving
