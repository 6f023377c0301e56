"""The Stable Audio Open family's DiT, sampling loop and Oobleck decoder on the GPU
(csrc/models/stable_audio/sa_dit_cuda.cu, oobleck_cuda.cu) against the CPU runtime on the same random weights of the real architecture
(models built by stable-audio-tools' own factory, sao_reference.py; the CPU runtime is itself
checked against stable-audio-tools in test_sao_parity.py). Tolerances, max|gpu - cpu| / max|cpu|:
* fp32, one forward: 1e-4 (both sides fp32; only the summation order differs, ~1e-6).
* fp16 / bf16, one forward: 1e-2 / 5e-2. Weights and every GEMM / attention input are rounded
  (unit roundoff 4.9e-4 / 3.9e-3) with fp32 accumulation; over a few layers that is a few units
  of roundoff relative to the output (the tiny model's DiT measured 9e-4 / 7e-3 on an H100),
  while a wrong formula (a missed norm, RoPE on the wrong half, a swapped value/gate) is O(1).
* T5 (relu feed-forward, as t5-base, and the gated-GELU one of T5 v1.1): fp32 1e-4; fp16 / bf16
  1e-2 / 5e-2.
* decoder: fp32 1e-4; fp16 / bf16 1e-2 / 5e-2 (the same rounding argument; SnakeBeta is
  applied in fp32 before the input is rounded).
* fp32, 8 sampler steps with CFG 7: 1e-3, as test_sao_parity.py's sampler tolerance (CFG
  amplifies the per-step differences by the guidance scale; a wrong coefficient is O(1)).
Without a usable GPU these skip; with BEWO_REQUIRE_CUDA=1 (benchmarks/gpu_check.sh) they fail."""
import os
import subprocess
import sys

import numpy as np
import pytest

import bewo_rt
import sao_reference as R

CUDA = bewo_rt.backends()["cuda"]
REQUIRE = os.environ.get("BEWO_REQUIRE_CUDA") == "1"
needs_cuda = pytest.mark.skipif(not CUDA["usable"] and not REQUIRE, reason=f"CUDA not usable: {CUDA['detail']}")
KINDS = ("sao1", "small", "sao1_block", "small_block")
STEPS = 8
FOLDERS = {}


def _rel(got, ref):
    return R.rel_err(np.asarray(got), np.asarray(ref))


@pytest.fixture(scope="module")
def t5_dir(tmp_path_factory):
    return R.make_t5_folder(tmp_path_factory.mktemp("t5"))


@pytest.fixture(scope="module")
def built(tmp_path_factory, t5_dir):
    """kind -> native model (CPU), built once from random stable-audio-tools weights."""
    cache = {}

    def get(kind):
        if kind not in cache:
            folder = tmp_path_factory.mktemp(kind)
            R.make_sat_model(folder, kind, t5_dir, seed=4321 + len(cache))
            cache[kind] = bewo_rt.load_model(folder, t5=t5_dir)
            FOLDERS[kind] = (folder, t5_dir)
        return cache[kind]

    return get


def _global_dim(m):
    return int(m.config["global_cond_dim"])


@pytest.mark.parametrize("sampler", ["dpmpp-3m-sde", "dpmpp-2m-sde", "dpmpp-2m"])
def test_k_step_table_matches_k_diffusion(rng, sampler):
    """The per-step coefficients the GPU loop applies (x' = cx x + cd D + cd1 D1 + cd2 D2 + ce eps)
    reproduce k-diffusion's own samplers (the authors' code) on a nonlinear denoiser with given
    noise, in float64: 1e-9 relative. Runs without a GPU."""
    import torch

    R.setup_imports()
    import k_diffusion.sampling as K

    steps = int(rng.integers(3, 12))
    sig = np.asarray(bewo_rt._core.sa_sigmas(steps, 0.3, float(rng.uniform(20, 500))))
    x0 = rng.standard_normal(37) * sig[0]
    eps = rng.standard_normal((steps, 37))
    a, b = rng.uniform(0.3, 0.9), rng.uniform(-0.5, 0.5)

    def denoise(x, s):
        return a * x / (1 + s) + b * np.sin(x)

    table = bewo_rt._core.sa_k_step_table(sampler, list(sig))
    assert len(table) == steps
    x, hist = x0.copy(), []
    for i, (cx, cd, cd1, cd2, ce) in enumerate(table):
        D = denoise(x, sig[i])
        nx = cx * x + cd * D + ce * eps[i]
        if cd1:
            nx += cd1 * hist[-1]
        if cd2:
            nx += cd2 * hist[-2]
        hist.append(D)
        x = nx

    calls = []

    def model(xt, s):
        return torch.from_numpy(denoise(xt.numpy(), float(s.reshape(-1)[0])))

    def noise_sampler(s, sn):
        calls.append(len(calls))
        return torch.from_numpy(eps[len(calls) - 1])

    fn = {"dpmpp-3m-sde": K.sample_dpmpp_3m_sde, "dpmpp-2m-sde": K.sample_dpmpp_2m_sde, "dpmpp-2m": K.sample_dpmpp_2m}
    kw = {} if sampler == "dpmpp-2m" else {"noise_sampler": noise_sampler}
    ref = fn[sampler](model, torch.from_numpy(x0), torch.from_numpy(sig), disable=True, **kw).numpy()
    assert np.max(np.abs(x - ref)) <= 1e-9 * max(1.0, np.max(np.abs(ref)))


def test_gpu_required_when_asked():
    """gpu_check.sh sets BEWO_REQUIRE_CUDA=1 so these comparisons cannot pass by skipping."""
    if REQUIRE:
        assert CUDA["usable"], f"BEWO_REQUIRE_CUDA=1 but CUDA is not usable: {CUDA['detail']}"


def test_use_gpu_without_gpu_is_a_clear_error(built):
    if CUDA["usable"]:
        pytest.skip("a GPU is usable")
    m = built("sao1")
    with pytest.raises(ValueError, match="GPU|CUDA"):
        m.use_gpu("bf16")
    assert m.gpu_dtype is None
    with pytest.raises(ValueError, match="dtype"):
        m.use_gpu("int8")
    with pytest.raises(ValueError, match="not enabled"):
        x, cross, glob = _inputs(m, np.random.default_rng(0), 1, 4)
        m.dit_gpu(x, [0.5], cross, glob)
    # The model still runs on the CPU.
    x, cross, glob = _inputs(m, np.random.default_rng(1), 1, 6)
    assert np.isfinite(np.asarray(m.dit(x, [0.3], cross, glob))).all()


def test_device_argument(built):
    """load_model's device: 'cpu', 'cuda' (an error without a usable GPU), 'auto' (the GPU only
    when usable); a GPU dtype on the CPU and unknown values are clear errors."""
    built("small")
    folder, t5 = FOLDERS["small"]
    with pytest.raises(ValueError, match="device"):
        bewo_rt.load_model(folder, t5=t5, device="gpu")
    with pytest.raises(ValueError, match="GPU"):
        bewo_rt.load_model(folder, t5=t5, dtype="bf16")
    m = bewo_rt.load_model(folder, t5=t5, device="auto")
    assert m.gpu_dtype == ("bf16" if CUDA["usable"] else None)
    if not CUDA["usable"]:
        with pytest.raises(ValueError, match="GPU"):
            bewo_rt.load_model(folder, t5=t5, device="cuda")
        # The CLI says so in one line, without a traceback.
        r = subprocess.run([sys.executable, "-m", "bewo_rt.cli", "generate", "a dog barks on the left", "--model",
                            str(folder), "--t5", str(t5), "--device", "cuda", "--seconds", "1", "--steps", "2",
                            "-o", str(folder / "x.wav")], capture_output=True, text=True, timeout=300)
        assert r.returncode != 0
        assert "GPU" in r.stderr and "Traceback" not in r.stderr
        assert not (folder / "x.wav").exists()


def _inputs(m, rng, B, T):
    cross = rng.standard_normal((B, int(rng.integers(3, 20)), m.config["cond_dim"])).astype(np.float32)
    G = _global_dim(m)
    glob = rng.standard_normal((B, G)).astype(np.float32) if G else None
    x = rng.standard_normal((B, 64, T)).astype(np.float32)
    return x, cross, glob


@needs_cuda
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype,tol", [("fp32", 1e-4), ("fp16", 1e-2), ("bf16", 5e-2)])
def test_dit_forward_matches_cpu(built, rng, kind, dtype, tol):
    m = built(kind)
    B, T = 2, int(rng.integers(8, 40))
    x, cross, glob = _inputs(m, rng, B, T)
    t = rng.uniform(0.01, 0.99, B).astype(np.float32)
    v_cpu = np.asarray(m.dit(x, t, cross, glob))
    m.use_gpu(dtype)
    try:
        assert m.gpu_dtype == dtype
        v_gpu = np.asarray(m.dit_gpu(x, t, cross, glob))
    finally:
        m.use_cpu()
    assert np.isfinite(v_gpu).all()
    assert _rel(v_gpu, v_cpu) <= tol


@needs_cuda
@pytest.mark.parametrize("kind,sampler,cfg,phi", [
    ("sao1", "dpmpp-3m-sde", 7.0, 0.0),
    ("sao1", "dpmpp-2m-sde", 7.0, 0.5),
    ("sao1", "dpmpp-2m", 1.0, 0.0),
    ("small", "pingpong", 1.0, 0.0),
    ("small", "pingpong", 4.0, 0.0),
])
def test_sample_matches_cpu(built, rng, kind, sampler, cfg, phi):
    m = built(kind)
    B, T = 2, int(rng.integers(8, 24))
    noise, cross, glob = _inputs(m, rng, B, T)
    step_noise = rng.standard_normal((STEPS, B, 64, T)).astype(np.float32)
    kw = dict(steps=STEPS, cfg=cfg, sampler=sampler, step_noise=step_noise, scale_phi=phi)
    if kind == "sao1":
        kw.update(sigma_min=0.3, sigma_max=80.0)
    ref = np.asarray(m.sample(noise, cross, glob, **kw))
    m.use_gpu("fp32")
    try:
        got = np.asarray(m.sample(noise, cross, glob, **kw))
        again = np.asarray(m.sample(noise, cross, glob, **kw))  # the kept graph, replayed
        reused = m._m.last_gpu_graph_reused
    finally:
        m.use_cpu()
    assert reused
    assert np.isfinite(got).all()
    assert _rel(got, ref) <= 1e-3
    np.testing.assert_array_equal(again, got)  # same inputs, same kernels: bit-identical


@needs_cuda
def test_seeded_noise_is_the_cpu_noise(built, rng):
    """Without step_noise both paths draw the SDE noise from one generator in one order."""
    m = built("sao1")
    B, T = 1, 12
    noise, cross, glob = _inputs(m, rng, B, T)
    kw = dict(steps=6, cfg=7.0, sampler="dpmpp-3m-sde", seed=int(rng.integers(1 << 30)), sigma_min=0.3, sigma_max=50.0)
    ref = np.asarray(m.sample(noise, cross, glob, **kw))
    m.use_gpu("fp32")
    try:
        got = np.asarray(m.sample(noise, cross, glob, **kw))
    finally:
        m.use_cpu()
    assert _rel(got, ref) <= 1e-3


@needs_cuda
def test_half_precision_sampling_stays_close(built, rng):
    """bf16 weights over 8 steps with CFG: near the fp32 trajectory (guards a dtype-only bug)."""
    m = built("small")
    B, T = 1, 16
    noise, cross, glob = _inputs(m, rng, B, T)
    step_noise = rng.standard_normal((STEPS, B, 64, T)).astype(np.float32)
    kw = dict(steps=STEPS, cfg=1.0, sampler="pingpong", step_noise=step_noise)
    ref = np.asarray(m.sample(noise, cross, glob, **kw))
    for dtype, tol in (("fp16", 2e-2), ("bf16", 1e-1)):
        m.use_gpu(dtype)
        try:
            got = np.asarray(m.sample(noise, cross, glob, **kw))
        finally:
            m.use_cpu()
        assert _rel(got, ref) <= tol, dtype


@needs_cuda
@pytest.mark.parametrize("kind", ("sao1", "small"))
@pytest.mark.parametrize("dtype,tol", [("fp32", 1e-4), ("fp16", 1e-2), ("bf16", 5e-2)])
def test_decoder_matches_cpu(built, rng, kind, dtype, tol):
    m = built(kind)
    T = int(rng.integers(3, 30))
    lat = rng.standard_normal((2, 64, T)).astype(np.float32)
    ref = np.asarray(m.decode(lat))
    m.use_gpu(dtype)
    try:
        got = np.asarray(m.decode(lat))
    finally:
        m.use_cpu()
    assert got.shape == ref.shape == (2, m.audio_channels, T * m.downsampling_ratio)
    assert np.isfinite(got).all()
    assert _rel(got, ref) <= tol


def _t5_gpu_matches_cpu(m, rng, dtype, tol):
    words = "dog barks left car passes right slowly rain on a metal roof far behind the listener".split()
    prompts = [" ".join(rng.choice(words, int(rng.integers(1, 15)))) for _ in range(3)] + [""]
    ref, mask = m.encode_text(prompts)
    m.use_gpu(dtype)
    try:
        got, mask2 = m.encode_text(prompts)
    finally:
        m.use_cpu()
    np.testing.assert_array_equal(mask, mask2)
    assert np.isfinite(got).all()
    assert not got[mask == 0].any()  # padded rows zero, as the conditioner leaves them
    assert _rel(got, ref) <= tol


@needs_cuda
@pytest.mark.parametrize("dtype,tol", [("fp32", 1e-4), ("fp16", 1e-2), ("bf16", 5e-2)])
def test_t5_matches_cpu(built, rng, dtype, tol):
    _t5_gpu_matches_cpu(built("sao1"), rng, dtype, tol)


@needs_cuda
@pytest.mark.parametrize("dtype,tol", [("fp32", 1e-4), ("fp16", 1e-2), ("bf16", 5e-2)])
def test_t5_gated_gelu_matches_cpu(tmp_path, rng, dtype, tol):
    """T5 v1.1 / FLAN-T5's GELU-gated feed-forward: the GPU's interleaved (value, gate) GEMM
    epilogue against the CPU port (test_sao_parity.py checks that against transformers)."""
    t5 = R.make_t5_folder(tmp_path / "t5", feed_forward_proj="gated-gelu", seed=int(rng.integers(1000)))
    R.make_sat_model(tmp_path / "m", "small", t5, seed=int(rng.integers(1000)))
    _t5_gpu_matches_cpu(bewo_rt.load_model(tmp_path / "m", t5=t5), rng, dtype, tol)
