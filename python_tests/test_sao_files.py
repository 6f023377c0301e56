"""Stable Audio Open file handling in pure Python: checkpoint conversion to safetensors, finding
T5 offline, and the T5 tokenizer on sentencepiece (checked against transformers).

Every fixture is built here: a SentencePiece model trained on generated text and saved as a T5
tokenizer folder, fake checkpoints from torch.save, fake Hugging Face cache folders."""
import io
import json
import os
import random
from pathlib import Path

import numpy as np
import pytest

from bewo_rt.models.stable_audio import t5_files
from bewo_rt.models.stable_audio.t5_files import SpieceTokenizer, find_t5, t5_safetensors_path

# ----------------------------------------------------------------------------------------------
# T5 tokenizer fixtures

WORDS = ("rain thunder dog barks car engine left right moving slowly quickly birds chirp piano music "
         "footsteps wind door creaks ocean waves drum beat bass guitar violin crowd cheers train horn "
         "water drips fire crackles clock ticks phone rings baby cries man speaks woman laughs "
         "from the to and a an of in on at with behind far near loud soft 120 BPM stereo mono").split()
UNICODE_WORDS = ["café", "naïve", "Straße", "東京", "音楽", "😀", "👍🏽", "ñandú", "über", "façade", "résumé",
                 "Ωmega", "①", "ﬁne", "ｒａｉｎ", "½", "e\u0301", "x\u0308", "Å", "İstanbul", "ǅ", "ß"]
SYLLABLES = ["ka", "ro", "mi", "tes", "lan", "qu", "ph", "st", "er", "ing", "ou", "ea", "th", "sh"]


def _train_spm(seed=0, vocab_size=400) -> bytes:
    spm = pytest.importorskip("sentencepiece")
    rng = random.Random(seed)
    words = WORDS * 6 + UNICODE_WORDS + ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))
                                         for _ in range(300)]
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 14))) for _ in range(3000)]
    lines.append("".join(chr(c) for c in range(0x21, 0x7F)))      # every printable ASCII character
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buf, vocab_size=vocab_size, model_type="unigram",
        pad_id=0, eos_id=1, unk_id=2, bos_id=-1, character_coverage=1.0, minloglevel=2, num_threads=1)
    return buf.getvalue()


def _save_t5_tokenizer(folder: Path, model: bytes, hub_style: bool) -> Path:
    """A T5 tokenizer folder as transformers writes it. hub_style: the sentinel tokens are part of
    the vocabulary in reverse order (<extra_id_0> last), as in the published t5-base."""
    import sentencepiece as spm
    transformers = pytest.importorskip("transformers")
    sp = spm.SentencePieceProcessor(model_proto=model)
    vocab = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
    if hub_style:
        vocab += [(f"<extra_id_{i}>", 0.0) for i in range(99, -1, -1)]
    tok = transformers.T5Tokenizer(vocab=vocab, _spm_precompiled_charsmap=t5_files._spm_charsmap(model),
                                   extra_ids=100)
    folder.mkdir(parents=True, exist_ok=True)
    tok.save_pretrained(str(folder))
    (folder / "spiece.model").write_bytes(model)
    (folder / "config.json").write_text(json.dumps({"model_type": "t5", "d_model": 8}))
    return folder


@pytest.fixture(scope="module")
def spm_model():
    return _train_spm()


@pytest.fixture(scope="module", params=["plain", "hub_style"])
def t5_dir(request, tmp_path_factory, spm_model):
    return _save_t5_tokenizer(tmp_path_factory.mktemp(request.param), spm_model, request.param == "hub_style")


EDGE_PROMPTS = [
    "", " ", "   ", "\n", "\t\n\r ", "a dog barks on the left", "  a   dog  barks  ", " leading", "trailing ",
    "line one\nline two\r\nline three", "tab\tseparated\tvalues", "</s>", "a </s> b", "a</s>b", "</s></s>",
    "<pad> <unk> </s>", "<extra_id_0> fill <extra_id_99>", "<extra_id_100>", "</s", "<s>", "</S>",
    "café naïve Straße", "cafe\u0301 (combining)", "東京の音楽", "😀👍🏽🇯🇵", "ｒａｉｎ ① ½ ﬁne Ω",
    "\u00a0nbsp\u00a0here\u00a0", "ideographic\u3000space", "ogham\u1680space", "line\u2028sep\u2029para",
    "nel\x85char", "ctrl\x1c\x1f\x00\x7fchars", "zero\u200bwidth\ufeffbom", "\u2581rain a\u2581\u2581b",
    "\xa0\u0308 nbsp+mark", "ﬁ\u0308 ①\u0308 x\u0308", "İstanbul ǅ ß Å Å", "120 BPM stereo, 44.1kHz!",
    "quotes \"double\" 'single' `back`", "x" * 400, " ".join(["rain"] * 300),
]


def _random_prompts(rng, n):
    pieces = WORDS + UNICODE_WORDS + ["</s>", "<pad>", "<extra_id_5>", "  ", "\n", "\t", "\u00a0", ",", ".", "!",
                                      "\u0301", "\u0308", "\ufe0f", "\u200d", "\u2581", "ﾞ", "\r\n", "\x00"]
    out = []
    for i in range(n):
        k = int(rng.integers(0, 25 if i % 10 else 120))   # every tenth one is over-long
        parts = [pieces[int(j)] for j in rng.integers(0, len(pieces), k)]
        seps = [" ", "", "  ", "\n"]
        out.append("".join(p + seps[int(rng.integers(0, 4))] for p in parts))
    for _ in range(n // 4):                                # arbitrary code points (no surrogates)
        cps = [int(c) for c in rng.integers(0x20, 0x2FFFF, int(rng.integers(1, 20)))]
        out.append("".join(chr(c if not 0xD800 <= c <= 0xDFFF else 0x41) for c in cps))
    return out


def _reference(folder, prompts, max_length):
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(folder))
    r = tok(prompts, truncation=True, max_length=max_length, padding="max_length", return_tensors="np")
    return r["input_ids"], r["attention_mask"]


# ----------------------------------------------------------------------------------------------
# tokenizer parity


@pytest.mark.parametrize("max_length", [128, 64, 7])
def test_tokenizer_matches_transformers(t5_dir, rng, max_length):
    prompts = EDGE_PROMPTS + _random_prompts(rng, 160)
    ref_ids, ref_mask = _reference(t5_dir, prompts, max_length)
    ids, mask = SpieceTokenizer(t5_dir, max_length).encode(prompts)
    assert ids.dtype == np.int64 and mask.dtype == np.uint8
    assert ids.shape == mask.shape == (len(prompts), max_length)
    bad = [p for p, a, b in zip(prompts, ids, ref_ids) if not np.array_equal(a, b)]
    assert not bad, f"{len(bad)} prompts differ, e.g. {bad[:3]!r}"
    np.testing.assert_array_equal(mask, ref_mask)


def test_tokenizer_without_regex_module(t5_dir, rng, monkeypatch):
    """The unicodedata fallback for grapheme clusters gives the same ids on these prompts."""
    monkeypatch.setattr(t5_files, "_graphemes", t5_files._graphemes_approx)
    prompts = EDGE_PROMPTS + _random_prompts(rng, 60)
    ref_ids, _ = _reference(t5_dir, prompts, 64)
    ids, _ = SpieceTokenizer(t5_dir, 64).encode(prompts)
    np.testing.assert_array_equal(ids, ref_ids)


def test_tokenizer_behaviour(t5_dir):
    tok = SpieceTokenizer(t5_dir, 16)
    assert tok.eos_id == 1 and tok.pad_id == 0 and tok.unk_id == 2
    ids, mask = tok.encode("a dog")                  # a single string is a batch of one
    assert ids.shape == (1, 16)
    n = int(mask.sum())
    assert ids[0, n - 1] == 1 and (ids[0, n:] == 0).all() and (mask[0, :n] == 1).all()
    # whitespace of any kind and amount only separates words
    assert tok.tokenize("  a \n\n dog\t") == tok.tokenize("a dog")
    # a special token written in the text is that token, not its characters
    assert tok.tokenize("a </s> dog") == tok.tokenize("a") + [1] + tok.tokenize("dog")
    # truncation keeps max_length - 1 tokens, then </s>
    long_ids, long_mask = tok.encode(["rain " * 100])
    assert long_mask.all() and long_ids[0, -1] == 1
    assert list(long_ids[0, :-1]) == tok.tokenize("rain " * 100)[:15]
    one, m1 = SpieceTokenizer(t5_dir, 1).encode(["rain dog", ""])
    assert one.tolist() == [[1], [1]] and m1.tolist() == [[1], [1]]
    with pytest.raises(TypeError):
        tok.encode([None])
    with pytest.raises(ValueError, match="Unicode"):
        tok.encode(["bad \ud800 surrogate"])
    with pytest.raises(ValueError):
        SpieceTokenizer(t5_dir, 0)


def test_tokenizer_differs_from_raw_sentencepiece(t5_dir):
    """What plain SentencePiece would do differently, and the tokenizer must not."""
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=str(t5_dir / "spiece.model"))
    tok = SpieceTokenizer(t5_dir, 64)
    assert 1 not in sp.encode("a </s> b") and 1 in tok.tokenize("a </s> b")
    # NBSP followed by a combining mark: transformers' normaliser drops the mark
    ref, _ = _reference(t5_dir, ["dog\xa0\u0308rain"], 64)
    ids, _ = tok.encode(["dog\xa0\u0308rain"])
    np.testing.assert_array_equal(ids, ref)


def test_tokenizer_from_spiece_model_only(tmp_path, t5_dir, spm_model):
    """No tokenizer.json: character map from spiece.model, sentinels numbered as in t5-base."""
    (tmp_path / "spiece.model").write_bytes(spm_model)
    tok = SpieceTokenizer(tmp_path, 32)
    full = SpieceTokenizer(t5_dir, 32)
    prompts = [p for p in EDGE_PROMPTS if "extra_id" not in p]
    np.testing.assert_array_equal(tok.encode(prompts)[0], full.encode(prompts)[0])
    assert tok.tokenize("<extra_id_0>") == [400 + 99] and tok.tokenize("<extra_id_99>") == [400]


def test_tokenizer_files_that_disagree(tmp_path, t5_dir):
    other = _train_spm(seed=5, vocab_size=300)
    folder = tmp_path / "mixed"
    folder.mkdir()
    for f in t5_dir.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "spiece.model").write_bytes(other)
    with pytest.raises(ValueError, match="disagree"):
        SpieceTokenizer(folder, 16)
    (tmp_path / "none").mkdir()
    with pytest.raises(FileNotFoundError, match="spiece.model"):
        SpieceTokenizer(tmp_path / "none", 16)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "spiece.model").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="SentencePiece"):
        SpieceTokenizer(tmp_path / "junk", 16)


# ----------------------------------------------------------------------------------------------
# finding T5


def _fake_t5(folder: Path, weights="model.safetensors") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in ("config.json", "spiece.model", weights):
        (folder / f).write_bytes(b"{}")
    return folder


def _hf_repo(cache: Path, repo="models--t5-base", commits=("abc123",), main="abc123", complete=(True,)):
    for c, ok in zip(commits, complete):
        snap = cache / repo / "snapshots" / c
        _fake_t5(snap)
        if not ok:
            (snap / "spiece.model").unlink()
    if main:
        (cache / repo / "refs").mkdir(parents=True, exist_ok=True)
        (cache / repo / "refs" / "main").write_text(main + "\n")
    return cache / repo


@pytest.fixture
def hf_env(monkeypatch, tmp_path):
    for v in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(v, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return monkeypatch


def test_find_t5_explicit(tmp_path):
    d = _fake_t5(tmp_path / "t5")
    assert find_t5(d) == d
    assert find_t5(str(d)) == d
    _fake_t5(tmp_path / "bin", weights="pytorch_model.bin")
    assert find_t5(tmp_path / "bin") == tmp_path / "bin"
    (d / "spiece.model").unlink()
    (d / "model.safetensors").unlink()
    with pytest.raises(FileNotFoundError) as e:
        find_t5(d)
    assert "spiece.model" in str(e.value) and "model.safetensors or pytorch_model.bin" in str(e.value)
    assert "config.json" not in str(e.value).split("lacks")[1].split(":")[0]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        find_t5(tmp_path / "nowhere")


def test_find_t5_in_hf_cache_locations(hf_env, tmp_path):
    home_cache = tmp_path / "home" / ".cache" / "huggingface" / "hub"
    _hf_repo(home_cache)
    assert find_t5() == home_cache / "models--t5-base" / "snapshots" / "abc123"
    hf_env.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    _hf_repo(tmp_path / "xdg" / "huggingface" / "hub", commits=("x1",), main="x1")
    assert find_t5().name == "x1"
    hf_env.setenv("HF_HOME", str(tmp_path / "hfhome"))
    _hf_repo(tmp_path / "hfhome" / "hub", repo="models--google-t5--t5-base", commits=("g1",), main="g1")
    assert find_t5() == tmp_path / "hfhome" / "hub" / "models--google-t5--t5-base" / "snapshots" / "g1"
    hf_env.setenv("HF_HUB_CACHE", str(tmp_path / "hubcache"))
    _hf_repo(tmp_path / "hubcache", commits=("h1",), main="h1")
    assert find_t5() == tmp_path / "hubcache" / "models--t5-base" / "snapshots" / "h1"
    assert t5_files.hf_hub_cache() == tmp_path / "hubcache"


def test_find_t5_snapshot_choice(hf_env, tmp_path):
    hf_env.setenv("HF_HUB_CACHE", str(tmp_path / "c"))
    # refs/main names an incomplete snapshot: another complete one is used
    _hf_repo(tmp_path / "c", commits=("new", "old"), main="new", complete=(False, True))
    assert find_t5().name == "old"
    # no refs/main at all
    _hf_repo(tmp_path / "d", commits=("only",), main=None)
    hf_env.setenv("HF_HUB_CACHE", str(tmp_path / "d"))
    assert find_t5().name == "only"
    # a broken symlink (interrupted download) counts as missing
    snap = tmp_path / "d" / "models--t5-base" / "snapshots" / "only"
    (snap / "spiece.model").unlink()
    (snap / "spiece.model").symlink_to(tmp_path / "d" / "blobs" / "missing")
    with pytest.raises(FileNotFoundError):
        find_t5()


def test_find_t5_not_found_message(hf_env, tmp_path):
    hf_env.setenv("HF_HOME", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError) as e:
        find_t5()
    msg = str(e.value)
    assert str(tmp_path / "empty" / "hub" / "models--t5-base") in msg
    assert "models--google-t5--t5-base" in msg and "--t5 DIR" in msg


# ----------------------------------------------------------------------------------------------
# T5 weights as safetensors


def test_t5_safetensors_path(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file
    d = _fake_t5(tmp_path / "st")
    assert t5_safetensors_path(d) == d / "model.safetensors"

    b = tmp_path / "bin"
    b.mkdir()
    shared = torch.randn(10, 4)
    sd = {"shared.weight": shared, "encoder.embed_tokens.weight": shared,   # tied, as in T5
          "encoder.block.0.layer.0.SelfAttention.q.weight": torch.randn(4, 4)}
    torch.save(sd, b / "pytorch_model.bin")
    monkeypatch.setenv("BEWO_RT_CACHE", str(tmp_path / "cache"))
    out = t5_safetensors_path(b)
    assert out.parent == tmp_path / "cache" / "t5" and out.suffix == ".safetensors"
    got = load_file(str(out))
    assert set(got) == set(sd)
    for k in sd:
        torch.testing.assert_close(got[k], sd[k])
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".part")]

    def no_load(*a, **k):
        raise AssertionError("converted twice")
    monkeypatch.setattr(torch, "load", no_load)
    assert t5_safetensors_path(b) == out            # cached
    with pytest.raises(FileNotFoundError):
        t5_safetensors_path(tmp_path)


# ----------------------------------------------------------------------------------------------
# checkpoint conversion

CONFIG = {"model_type": "diffusion_cond", "sample_rate": 44100, "sample_size": 441000, "audio_channels": 2,
          "model": {"diffusion": {"type": "dit", "config": {"embed_dim": 8, "depth": 1}}}}


class NotATensor:  # pickled into a checkpoint, it must be refused, never unpickled
    pass


@pytest.fixture
def config_file(tmp_path):
    p = tmp_path / "model_config.json"
    p.write_text(json.dumps(CONFIG, indent=1))
    return p


def _model_sd(torch, seed=0):
    g = torch.Generator().manual_seed(seed)
    return {
        "model.model.transformer.layers.0.self_attn.to_qkv.weight": torch.randn(24, 8, generator=g),
        "model.model.transformer.layers.0.pre_norm.gamma": torch.randn(8, generator=g),
        "model.model.transformer.layers.0.pre_norm.beta": torch.zeros(8),
        "model.model.transformer.rotary_pos_emb.inv_freq": torch.rand(4, generator=g),
        "model.model.timestep_features.weight": torch.randn(4, 1, generator=g),
        "conditioner.conditioners.seconds_total.embedder.embedding.1.weight": torch.randn(8, 9, generator=g),
        "pretransform.model.decoder.layers.0.weight_g": torch.rand(8, 1, 1, generator=g),
        "pretransform.model.encoder.layers.0.weight_v": torch.randn(4, 2, 7, generator=g),
        "model.model.index_buffer": torch.arange(5),   # a non-float buffer stays as it is
    }


def _logger():
    lines = []
    return lines, lambda *a: lines.append(" ".join(map(str, a)))


def _read(path):
    from safetensors import safe_open
    from safetensors.torch import load_file
    with safe_open(str(path), "pt") as f:
        meta = f.metadata()
    return load_file(str(path)), meta


def test_convert_lightning_state_dict(tmp_path, config_file):
    torch = pytest.importorskip("torch")
    sd = _model_sd(torch)
    ckpt = tmp_path / "model.ckpt"
    torch.save({"state_dict": sd, "epoch": 3, "global_step": 1000,
                "optimizer_states": [{"state": {0: {"exp_avg": torch.ones(2)}}}]}, ckpt)
    from bewo_rt.models.stable_audio.convert import convert_checkpoint
    lines, log = _logger()
    s = convert_checkpoint(ckpt, config_file, tmp_path / "out" / "model.safetensors", log=log)
    got, meta = _read(tmp_path / "out" / "model.safetensors")
    assert set(got) == set(sd)
    for k, v in sd.items():
        assert got[k].dtype == v.dtype
        torch.testing.assert_close(got[k], v)
    assert meta["model_config"] == config_file.read_text() and json.loads(meta["model_config"]) == CONFIG
    assert meta["source"] == "model.ckpt" and meta["dtype"] == "fp32" and meta["ema"] == "false"
    assert s["ema"] is False and s["tensors"] == len(sd) and s["dropped"] == 3 and s["renamed"] == 0
    assert "optimizer_states" in s["dropped_keys"]
    assert any("dropped 3" in ln for ln in lines) and any("no EMA" in ln for ln in lines)


def _bewo_ckpt(torch, path, ema=True, legacy=False):
    online = _model_sd(torch, 0)
    ema_sd = {k: v + 1.0 if v.is_floating_point() else v for k, v in online.items() if k.startswith("model.")}
    flat = {"diffusion." + k: v for k, v in online.items()}
    if ema:
        flat.update({"diffusion_ema.ema_model." + k[len("model."):]: v for k, v in ema_sd.items()})
        flat["diffusion_ema.initted"] = torch.tensor(True)
        flat["diffusion_ema.step"] = torch.tensor(1234)
        flat["diffusion_ema.online_model.model.timestep_features.weight"] = torch.randn(4, 1)
    if legacy:
        torch.save(flat, path, _use_new_zipfile_serialization=False)
    else:
        torch.save(flat, path)
    return online, ema_sd


@pytest.mark.parametrize("legacy", [False, True])
def test_convert_bewo_flat_with_ema(tmp_path, config_file, legacy):
    torch = pytest.importorskip("torch")
    from bewo_rt.models.stable_audio.convert import convert_checkpoint
    ckpt = tmp_path / "BEWO_mix.ckpt"
    online, ema_sd = _bewo_ckpt(torch, ckpt, legacy=legacy)
    lines, log = _logger()
    s = convert_checkpoint(ckpt, config_file, tmp_path / "bewo.safetensors", log=log)
    got, meta = _read(tmp_path / "bewo.safetensors")
    assert set(got) == set(online)                          # "diffusion." removed everywhere
    for k, v in online.items():
        torch.testing.assert_close(got[k], ema_sd.get(k, v))  # EMA where it exists
    assert meta["ema"] == "true" and s["ema"] and s["ema_replaced"] == len(ema_sd)
    assert any("using EMA weights" in ln for ln in lines)
    assert s["dropped"] == 3 and s["renamed"] == len(online)
    assert {"diffusion_ema.initted", "diffusion_ema.step"} <= set(s["dropped_keys"])

    s2 = convert_checkpoint(ckpt, config_file, tmp_path / "online.safetensors", log=None, use_ema=False,
                            drop_encoder=True)
    got2, meta2 = _read(tmp_path / "online.safetensors")
    assert meta2["ema"] == "false" and not s2["ema"] and s2["encoder_dropped"] == 1
    assert set(got2) == {k for k in online if not k.startswith("pretransform.model.encoder.")}
    for k in got2:
        torch.testing.assert_close(got2[k], online[k])


@pytest.mark.parametrize("dtype,tdt", [("bf16", "bfloat16"), ("fp16", "float16"), ("fp32", "float32")])
def test_convert_dtype(tmp_path, config_file, dtype, tdt):
    torch = pytest.importorskip("torch")
    from bewo_rt.models.stable_audio.convert import convert_checkpoint
    ckpt = tmp_path / "m.ckpt"
    online, _ = _bewo_ckpt(torch, ckpt, ema=False)
    s = convert_checkpoint(ckpt, config_file, tmp_path / "m.safetensors", dtype=dtype, log=None)
    got, meta = _read(tmp_path / "m.safetensors")
    assert meta["dtype"] == dtype and s["dtype"] == dtype
    for k, v in online.items():
        if v.is_floating_point():
            assert got[k].dtype == getattr(torch, tdt)
            assert torch.equal(got[k], v.to(getattr(torch, tdt)))   # exact round trip of the cast
        else:
            assert got[k].dtype == v.dtype and torch.equal(got[k], v)
    with pytest.raises(ValueError, match="dtype"):
        convert_checkpoint(ckpt, config_file, tmp_path / "x.safetensors", dtype="int8", log=None)


def test_convert_tied_and_sliced_tensors(tmp_path, config_file):
    torch = pytest.importorskip("torch")
    from bewo_rt.models.stable_audio.convert import convert_checkpoint
    snake = torch.randn(1, 8, 1)
    big = torch.randn(10, 8)
    sd = {"pretransform.model.decoder.layers.1.layers.2.layers.0.alpha": snake,   # one shared SnakeBeta
          "pretransform.model.decoder.layers.1.layers.2.layers.2.alpha": snake,
          "model.model.a.weight": big[:3], "model.model.b.weight": big[5:]}
    torch.save(sd, tmp_path / "t.ckpt")
    convert_checkpoint(tmp_path / "t.ckpt", config_file, tmp_path / "t.safetensors", log=None)
    got, _ = _read(tmp_path / "t.safetensors")
    for k, v in sd.items():
        torch.testing.assert_close(got[k], v)


def test_convert_is_atomic(tmp_path, config_file, monkeypatch):
    torch = pytest.importorskip("torch")
    import safetensors.torch as st
    from bewo_rt.models.stable_audio.convert import convert_checkpoint
    ckpt = tmp_path / "m.ckpt"
    _bewo_ckpt(torch, ckpt)
    out_dir = tmp_path / "out"
    out = out_dir / "m.safetensors"

    def failing_save(tensors, filename, metadata=None):
        Path(filename).write_bytes(b"partial header")
        raise OSError("disk full (simulated)")
    monkeypatch.setattr(st, "save_file", failing_save)
    with pytest.raises(OSError, match="simulated"):
        convert_checkpoint(ckpt, config_file, out, log=None)
    assert list(out_dir.iterdir()) == []                  # neither the output nor a temp file
    out.write_bytes(b"previous")
    with pytest.raises(OSError):
        convert_checkpoint(ckpt, config_file, out, log=None)
    assert out.read_bytes() == b"previous" and list(out_dir.iterdir()) == [out]


def test_convert_errors(tmp_path, config_file):
    torch = pytest.importorskip("torch")
    from bewo_rt.models.stable_audio.convert import convert_checkpoint

    def conv(ckpt, cfg=config_file):
        return convert_checkpoint(ckpt, cfg, tmp_path / "out.safetensors", log=None)

    with pytest.raises(FileNotFoundError, match="missing.ckpt"):
        conv(tmp_path / "missing.ckpt")
    good = tmp_path / "good.ckpt"
    torch.save({"model.model.w": torch.ones(2)}, good)
    with pytest.raises(FileNotFoundError, match="nope.json"):
        conv(good, tmp_path / "nope.json")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json")
    with pytest.raises(ValueError, match="bad.json.*JSON"):
        conv(good, bad_json)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"model_type": "autoencoder"}))
    with pytest.raises(ValueError, match="diffusion_cond"):
        conv(good, other)

    junk = tmp_path / "junk.ckpt"
    junk.write_bytes(os.urandom(256).replace(b"\x80", b"\x00").replace(b"PK", b"pk"))
    with pytest.raises(ValueError, match="junk.ckpt is not a PyTorch checkpoint"):
        conv(junk)
    empty = tmp_path / "empty.ckpt"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        conv(empty)
    data = good.read_bytes()
    cut = tmp_path / "cut.ckpt"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="cut.ckpt is truncated"):
        conv(cut)
    legacy = tmp_path / "legacy.ckpt"
    torch.save({"model.model.w": torch.ones(1000)}, legacy, _use_new_zipfile_serialization=False)
    ldata = legacy.read_bytes()
    for n in (20, len(ldata) - 10):
        legacy.write_bytes(ldata[:n])
        with pytest.raises(ValueError, match="legacy.ckpt is truncated"):
            conv(legacy)
    notensors = tmp_path / "notensors.ckpt"
    torch.save({"epoch": 3, "state_dict": {}}, notensors)
    with pytest.raises(ValueError, match="no model tensors"):
        conv(notensors)
    alist = tmp_path / "list.ckpt"
    torch.save([torch.ones(1)], alist)
    with pytest.raises(ValueError, match="not a dict"):
        conv(alist)
    evil = tmp_path / "evil.ckpt"
    torch.save({"state_dict": {"model.model.w": torch.ones(1)}, "hparams": NotATensor()}, evil)
    with pytest.raises(ValueError, match="NotATensor") as e:
        conv(evil)
    assert "not unpickled" in str(e.value)
    with pytest.raises(ValueError, match="overwrite"):
        convert_checkpoint(good, config_file, good, log=None)
    assert not (tmp_path / "out.safetensors").exists()


def test_convert_safetensors_input(tmp_path, config_file):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file
    from bewo_rt.models.stable_audio.convert import convert_checkpoint, is_pickle_checkpoint
    sd = _model_sd(torch)
    save_file(sd, str(tmp_path / "model.safetensors"))
    assert not is_pickle_checkpoint(tmp_path / "model.safetensors")
    s = convert_checkpoint(tmp_path / "model.safetensors", config_file, tmp_path / "bf16.safetensors",
                           dtype="bf16", log=None)
    got, meta = _read(tmp_path / "bf16.safetensors")
    assert s["tensors"] == len(sd) and meta["dtype"] == "bf16"
    assert got["model.model.timestep_features.weight"].dtype == torch.bfloat16


def test_is_pickle_checkpoint(tmp_path):
    torch = pytest.importorskip("torch")
    from bewo_rt.models.stable_audio.convert import is_pickle_checkpoint
    torch.save({"a": torch.ones(1)}, tmp_path / "zip.ckpt")
    torch.save({"a": torch.ones(1)}, tmp_path / "legacy.ckpt", _use_new_zipfile_serialization=False)
    assert is_pickle_checkpoint(tmp_path / "zip.ckpt") and is_pickle_checkpoint(tmp_path / "legacy.ckpt")
    (tmp_path / "text.txt").write_text("hello")
    assert not is_pickle_checkpoint(tmp_path / "text.txt")
    assert not is_pickle_checkpoint(tmp_path / "absent.ckpt")
    import zipfile
    with zipfile.ZipFile(tmp_path / "plain.zip", "w") as z:
        z.writestr("readme.txt", "x")
    assert not is_pickle_checkpoint(tmp_path / "plain.zip")
