"""Parity of the native Stable Audio Open family (bewo_rt.load_model on a model_config.json +
model.safetensors folder) with the PyTorch reference, stable-audio-tools 0.0.19 itself
(sao_reference.py builds small random models through its factory and runs its code).

Tolerances are max|native - ref| / max|ref|:
* 1e-4 for T5 (against transformers in fp32), conditioning, one DiT forward and the decoder:
  both sides compute in fp32; the reference's own fp32-vs-fp64 error on these models is
  ~6e-7 (DiT) and ~1.5e-5 (decoder).
* 1e-3 for 8 sampler steps: the reference's fp32-vs-fp64 error after 8 steps is below 6e-6
  for every sampler here (with and without CFG), so 1e-3 leaves room for a different summation
  order without hiding a wrong formula (a wrong step changes the result by O(1)).
* T5 against the conditioner itself: 0.0.19 runs T5 in fp16 (conditioners.py:334), which is
  d16 = rel(fp16 reference, fp32 reference) ~ 1e-3 away from exact; a port computing in fp32
  must land within d16 of it, plus the fp32 tolerance: 2·d16 + 2e-4.
"""
import json
import re
import shutil
import warnings

import numpy as np
import pytest

import bewo_rt
import sao_reference as R

KINDS = ("sao1", "small")
STEPS = 8


def _rel(got, ref):
    return R.rel_err(np.asarray(got), np.asarray(ref))


WORDS = ("dog cat bird violin piano drum rain wind thunder crowd siren engine bell helicopter "
         "footsteps water fire guitar slowly quickly left right front behind above below far "
         "near loud soft distant muffled moves passes from to the a and then").split()


def _prompts(rng, n):
    out = []
    for _ in range(n):
        k = int(rng.integers(1, 14))
        words = [WORDS[i] for i in rng.integers(0, len(WORDS), k)]
        s = " ".join(words)
        out.append(s[0].upper() + s[1:] + rng.choice([".", "", "!", ","]))
    return out


# Edge cases of tokenisation: empty prompt, punctuation, digits and letters outside the
# vocabulary (-> <unk>), repeated and odd whitespace, full-width characters (NFKC), case.
EDGE_PROMPTS = [
    "",
    "A dog barks from the left, then runs to the right!",
    "Rain  on a   metal roof\tat night",
    "  leading and trailing spaces  ",
    "ＦＵＬＬ width and UPPER case; 42 zebras @ 3pm (quiet)",
    "violin",
]


# ---------------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def t5_dir(tmp_path_factory):
    return R.make_t5_folder(tmp_path_factory.mktemp("t5"))


@pytest.fixture(scope="module")
def built(tmp_path_factory, t5_dir):
    """kind -> (folder, reference torch model, native model); each built once, on first use."""
    cache = {}

    def get(kind):
        if kind not in cache:
            folder = tmp_path_factory.mktemp(kind)
            ref = R.make_sat_model(folder, kind, t5_dir, seed=1234 + len(cache))
            cache[kind] = (folder, ref, bewo_rt.load_model(folder, t5=t5_dir))
        return cache[kind]

    return get


def _ref_cond(ref, rng, B):
    prompts = _prompts(rng, B)
    ss = rng.uniform(0, 30, B).round(2).tolist()
    st = rng.uniform(1, 60, B).round(2).tolist()
    return R.ref_conditioning(ref, prompts, ss, st)


# ---------------------------------------------------------------------------------- loading

@pytest.mark.parametrize("kind", KINDS)
def test_load_strict(built, t5_dir, kind):
    folder, ref, _ = built(kind)
    from safetensors import safe_open
    with safe_open(str(folder / "model.safetensors"), "np") as f:
        assert sorted(f.keys()) == sorted(ref.state_dict().keys())
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        m = bewo_rt.load_model(folder, t5=t5_dir)
    complaints = [str(w.message) for w in rec if issubclass(w.category, (UserWarning, RuntimeWarning))]
    assert not complaints, complaints
    assert m.family == "stable_audio"
    assert isinstance(m.sample_rate, int) and m.sample_rate == 44100
    assert m.latent_channels == 64
    assert m.downsampling_ratio == ref.pretransform.downsampling_ratio == 16


# ---------------------------------------------------------------------------------- T5

@pytest.mark.parametrize("kind", KINDS)
def test_t5_matches_transformers_fp32(built, t5_dir, rng, kind):
    _, ref, m = built(kind)
    L = R.t5_conditioner(ref).max_length
    prompts = EDGE_PROMPTS + _prompts(rng, 3)
    h, mask = m.encode_text(prompts)
    h, mask = np.asarray(h), np.asarray(mask)
    h32, mask32 = R.ref_t5_fp32(t5_dir, prompts, max_length=L)
    assert h.dtype == np.float32 and h.shape == (len(prompts), L, 768)
    assert mask.dtype == np.uint8
    np.testing.assert_array_equal(mask, mask32)
    assert np.all(h[mask == 0] == 0), "padded positions must be zero (output * mask)"
    assert _rel(h, h32) <= 1e-5  # measured 2e-7 .. 9e-7: ~10x


def test_t5_gated_gelu_matches_transformers_fp32(tmp_path, rng):
    """T5 v1.1 / FLAN-T5 encoders (a GELU-gated feed-forward, wi_0 and wi_1) as a user's
    fine-tune may condition on: the same 1e-5 bound as t5-base."""
    t5 = R.make_t5_folder(tmp_path / "t5", feed_forward_proj="gated-gelu", seed=int(rng.integers(1000)))
    from safetensors.numpy import load_file

    assert any("wi_1" in k for k in load_file(t5 / "model.safetensors")), "not a gated feed-forward"
    ref = R.make_sat_model(tmp_path / "m", "small", t5, seed=int(rng.integers(1000)))
    m = bewo_rt.load_model(tmp_path / "m", t5=t5)
    L = R.t5_conditioner(ref).max_length
    prompts = EDGE_PROMPTS + _prompts(rng, 3)
    h, mask = m.encode_text(prompts)
    h32, mask32 = R.ref_t5_fp32(t5, prompts, max_length=L)
    np.testing.assert_array_equal(np.asarray(mask), mask32)
    assert _rel(np.asarray(h), h32) <= 1e-5


@pytest.mark.parametrize("kind", KINDS)
def test_t5_matches_fp16_conditioner(built, t5_dir, rng, kind):
    """Against the conditioner as 0.0.19 runs it (T5 in fp16, then * mask in fp32)."""
    _, ref, m = built(kind)
    L = R.t5_conditioner(ref).max_length
    prompts = EDGE_PROMPTS[1:3] + _prompts(rng, 3)
    h16, mask16 = R.ref_encode_text(ref, prompts)
    h32, _ = R.ref_t5_fp32(t5_dir, prompts, max_length=L)
    d16 = _rel(h16, h32)
    assert d16 < 1e-2, f"the fp16 reference is unexpectedly far from fp32: {d16}"
    h, mask = m.encode_text(prompts)
    np.testing.assert_array_equal(np.asarray(mask), mask16)
    assert _rel(h, h16) <= 2 * d16 + 2e-4, (_rel(h, h16), d16)


@pytest.mark.parametrize("kind", KINDS)
def test_long_prompt_truncated_like_reference(built, t5_dir, rng, kind):
    """Longer than max_length tokens: transformers keeps the first max_length-1 tokens and the
    closing </s> (truncation=True, max_length, padding="max_length")."""
    _, ref, m = built(kind)
    L = R.t5_conditioner(ref).max_length
    long = " ".join(_prompts(rng, 40))
    prompts = [long, "a short one"]
    ids_ref, mask_ref = R.ref_tokens(t5_dir, prompts, L)
    assert mask_ref[0].all() and ids_ref[0, -1] == 1, "reference: truncated to L, </s> kept last"
    ids, mask = m.tokenize(prompts)
    np.testing.assert_array_equal(np.asarray(ids), ids_ref)
    np.testing.assert_array_equal(np.asarray(mask), mask_ref)
    h, mask = m.encode_text(prompts)
    h32, _ = R.ref_t5_fp32(t5_dir, prompts, max_length=L)
    np.testing.assert_array_equal(np.asarray(mask), mask_ref)
    assert _rel(h, h32) <= 1e-5  # measured 2e-7 .. 9e-7: ~10x


# ---------------------------------------------------------------------------------- conditioning

@pytest.mark.parametrize("kind", KINDS)
def test_conditioning(built, t5_dir, rng, kind):
    _, ref, m = built(kind)
    L = R.t5_conditioner(ref).max_length
    prompts = _prompts(rng, 3)
    # per-item seconds, including values the number conditioners clamp (below 0, above max)
    ss = [-3.5, float(rng.uniform(0, 100)), 700.0]
    st = [float(rng.uniform(0, 50)), 1e4, -1.0]
    cross_ref, glob_ref = R.ref_conditioning(ref, prompts, ss, st)
    cross, glob = m.conditioning(prompts, ss, st)
    cross, glob = np.asarray(cross), np.asarray(glob)
    assert cross.shape == cross_ref.shape and glob.shape == glob_ref.shape
    # The T5 part: the reference's conditioner runs T5 in fp16, the port in fp32 -> compare it
    # with transformers in fp32; the number tokens and the global vector are exact fp32 math.
    h32, _ = R.ref_t5_fp32(t5_dir, prompts, max_length=L)
    assert _rel(cross[:, :L], h32) <= 1e-5  # measured 2e-7 .. 9e-7: ~10x
    assert _rel(cross[:, L:], cross_ref[:, L:]) <= 1e-5  # measured 2e-7 .. 9e-7: ~10x
    assert _rel(glob, glob_ref) <= 1e-5  # measured 2e-7 .. 9e-7: ~10x
    # scalars broadcast to every prompt
    a = float(rng.uniform(0, 20))
    b = float(rng.uniform(20, 60))
    c1, g1 = m.conditioning(prompts, a, b)
    c2, g2 = m.conditioning(prompts, [a] * 3, [b] * 3)
    np.testing.assert_array_equal(np.asarray(c1), np.asarray(c2))
    np.testing.assert_array_equal(np.asarray(g1), np.asarray(g2))


# ---------------------------------------------------------------------------------- DiT

@pytest.mark.parametrize("kind", KINDS)
def test_dit_forward(built, rng, kind):
    _, ref, m = built(kind)
    B, T = 2, int(rng.integers(8, 24))
    cross, glob = _ref_cond(ref, rng, B)
    x = rng.standard_normal((B, 64, T)).astype(np.float32)
    t = rng.uniform(0.01, 0.99, B).astype(np.float32)
    v_ref = R.ref_dit(ref, x, t, cross, glob)
    v = np.asarray(m.dit(x, t, cross, glob))
    assert v.shape == (B, 64, T)
    assert _rel(v, v_ref) <= 1e-5  # measured 2e-7 .. 9e-7: ~10x


@pytest.fixture(scope="module", params=["sao1_block", "small_block"])
def block_model(request, built):
    return built(request.param)


def test_dit_block_at_real_shapes(block_model, rng):
    """One full-width layer: SAO 1.0's (1536 wide, 24 heads, cross-attention on the 768-wide
    tokens with 12 kv heads) and SAO Small's (1024 wide, 8 heads of 128, qk LayerNorm)."""
    _, ref, m = block_model
    B, T = 2, 16
    cross, glob = _ref_cond(ref, rng, B)
    x = rng.standard_normal((B, 64, T)).astype(np.float32)
    t = rng.uniform(0.01, 0.99, B).astype(np.float32)
    v = np.asarray(m.dit(x, t, cross, glob))
    assert _rel(v, R.ref_dit(ref, x, t, cross, glob)) <= 1e-5  # measured 2e-7 .. 9e-7: ~10x


# ---------------------------------------------------------------------------------- decoder

@pytest.mark.parametrize("kind", KINDS)
def test_decode(built, rng, kind):
    _, ref, m = built(kind)
    B, T = 2, int(rng.integers(4, 20))
    z = rng.standard_normal((B, 64, T)).astype(np.float32)
    a_ref = R.ref_decode(ref, z)
    a = np.asarray(m.decode(z))
    assert a.shape == (B, 2, T * m.downsampling_ratio) == a_ref.shape
    assert _rel(a, a_ref) <= 2.5e-4  # measured 1.4e-5 .. 2.4e-5: ~10x


# ---------------------------------------------------------------------------------- samplers

SAMPLER_CASES = [
    # kind, sampler, cfg, sigma_min, sigma_max (SAO 1.0's card: 0.3..500; BEWO: 0.03..1000)
    ("sao1", "dpmpp-3m-sde", 7.0, 0.3, 500.0),
    ("sao1", "dpmpp-2m-sde", 7.5, 0.03, 1000.0),
    ("sao1", "dpmpp-2m", 1.0, 0.3, 500.0),
    ("sao1", "dpmpp-2m", 4.0, 0.3, 500.0),
    ("small", "pingpong", 1.0, None, None),
    ("small", "pingpong", 3.0, None, None),
]


@pytest.mark.parametrize("kind,sampler,cfg,sigma_min,sigma_max", SAMPLER_CASES)
def test_sampler(built, rng, kind, sampler, cfg, sigma_min, sigma_max):
    _, ref, m = built(kind)
    B, T = 2, int(rng.integers(8, 17))
    cross, glob = _ref_cond(ref, rng, B)
    noise = rng.standard_normal((B, 64, T)).astype(np.float32)
    step_noise = None
    if sampler != "dpmpp-2m":
        step_noise = rng.standard_normal((STEPS, B, 64, T)).astype(np.float32)
    lat_ref = R.ref_sample(ref, noise, cross, glob, STEPS, cfg, sampler, sigma_min=sigma_min,
                           sigma_max=sigma_max, step_noise=step_noise)
    lat = np.asarray(m.sample(noise, cross, glob, STEPS, cfg, sampler, seed=0, sigma_min=sigma_min,
                              sigma_max=sigma_max, step_noise=step_noise))
    assert lat.shape == (B, 64, T)
    assert _rel(lat, lat_ref) <= 1e-4  # measured 5e-7 .. 1.1e-5: ~10x


# ---------------------------------------------------------------------------------- bad inputs

@pytest.fixture(scope="module")
def small_folder(built):
    return built("small")[0]


def _copy(src, dst):
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("model_config.json", "model.safetensors"):
        shutil.copy(src / name, dst / name)
    return dst


def _header_len(path):
    with open(path, "rb") as f:
        return int.from_bytes(f.read(8), "little")


@pytest.mark.parametrize("where", ["header", "data"])
def test_truncated_safetensors(small_folder, t5_dir, tmp_path, where):
    d = _copy(small_folder, tmp_path / "m")
    data = (d / "model.safetensors").read_bytes()
    cut = 8 + _header_len(d / "model.safetensors") // 2 if where == "header" else len(data) - 1000
    (d / "model.safetensors").write_bytes(data[:cut])
    with pytest.raises((ValueError, FileNotFoundError), match=r"model\.safetensors"):
        bewo_rt.load_model(d, t5=t5_dir)


def test_config_disagrees_with_tensors(small_folder, t5_dir, tmp_path):
    d = _copy(small_folder, tmp_path / "m")
    cfg = json.loads((d / "model_config.json").read_text())
    cfg["model"]["diffusion"]["config"]["embed_dim"] = 512  # the tensors are 256 wide
    (d / "model_config.json").write_text(json.dumps(cfg))
    with pytest.raises((ValueError, FileNotFoundError), match=r"model\.model\.[\w.]+"):
        bewo_rt.load_model(d, t5=t5_dir)


def _rewrite(path, edit):
    from safetensors.numpy import load_file, save_file
    sd = load_file(str(path))
    edit(sd)
    save_file(sd, str(path))


def test_missing_tensor(small_folder, t5_dir, tmp_path):
    d = _copy(small_folder, tmp_path / "m")
    key = "model.model.transformer.layers.1.cross_attn.to_kv.weight"
    _rewrite(d / "model.safetensors", lambda sd: sd.pop(key))
    with pytest.raises((ValueError, FileNotFoundError), match=re.escape(key)) as e:
        bewo_rt.load_model(d, t5=t5_dir)
    assert "model.safetensors" in str(e.value)


def test_unknown_tensor_reported(small_folder, t5_dir, tmp_path, capfd):
    d = _copy(small_folder, tmp_path / "m")
    key = "model.model.transformer.layers.0.bogus_extra.weight"
    _rewrite(d / "model.safetensors", lambda sd: sd.__setitem__(key, np.ones((3, 4), np.float32)))
    raised = None
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        try:
            bewo_rt.load_model(d, t5=t5_dir)
        except (ValueError, FileNotFoundError) as e:
            raised = e
    reports = [str(w.message) for w in rec] + ([str(raised)] if raised else []) + [capfd.readouterr().err]
    assert any(key in r for r in reports), reports


@pytest.mark.parametrize("as_folder", [False, True])
def test_ckpt_needs_convert(small_folder, t5_dir, tmp_path, as_folder):
    d = tmp_path / "ckpt"
    d.mkdir()
    shutil.copy(small_folder / "model_config.json", d / "model_config.json")
    # a pickle-like payload: the runtime must not try to read it
    (d / "model.ckpt").write_bytes(b"\x80\x02}q\x00X\n\x00\x00\x00state_dictq\x01}q\x02s.")
    with pytest.raises((ValueError, FileNotFoundError), match=r"bewo-rt convert"):
        bewo_rt.load_model(d if as_folder else d / "model.ckpt", t5=t5_dir)


def test_t5_folder_missing(small_folder, tmp_path):
    with pytest.raises((ValueError, FileNotFoundError), match=r"no_such_t5"):
        m = bewo_rt.load_model(small_folder, t5=tmp_path / "no_such_t5")
        m.encode_text(["a dog barks"])  # a lazy loader must fail here at the latest

