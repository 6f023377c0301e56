"""The native T5 tokenizer (csrc/models/stable_audio/spiece_tokenizer.cpp, reached through
`bewo_rt._core.sa_tokenize(folder, prompts, max_length) -> (ids int32 [B, L], mask uint8 [B, L])`)
against transformers' AutoTokenizer, and against the Python SpieceTokenizer (sentencepiece) on
models that exercise the rest of sentencepiece's unigram encoder: user-defined and control
pieces, unused pieces, byte fallback, tied scores.

Every fixture is built here (SentencePiece models trained on generated text, saved as Hugging
Face T5 folders by the helpers of test_sao_files.py)."""
import io
import random
import struct

import numpy as np
import pytest

from bewo_rt import _core
from bewo_rt.models.stable_audio import t5_files
from bewo_rt.models.stable_audio.t5_files import SpieceTokenizer
from test_sao_files import EDGE_PROMPTS, SYLLABLES, UNICODE_WORDS, WORDS, _random_prompts, _reference, _save_t5_tokenizer, _train_spm

pytestmark = pytest.mark.skipif(not hasattr(_core, "sa_tokenize"), reason="bewo_rt._core has no sa_tokenize binding")

# Prompts where grapheme clusters, the character map, whitespace and the ▁ handling matter.
GRAPHEME_PROMPTS = [
    "\u0915\u094d\u0937 \u0915\u094d\u200d\u0937 \u0928\u094d\u0939\u0940",           # Indic conjuncts (GB9c)
    "\U0001F468\u200d\U0001F469\u200d\U0001F467 \U0001F3F3\ufe0f\u200d\U0001F308",      # emoji ZWJ sequences (GB11)
    "\U0001F1EF\U0001F1F5\U0001F1FA\U0001F1F8\U0001F1EB flags",                        # regional indicators (GB12/13)
    "\u1100\u1161\u11a8 \uac00\u11a8 \ud55c\uad6d\uc5b4",                              # Hangul jamo and syllables (GB6-8)
    "\u0e01\u0e33 \u0e40\u0e01 \u0600\u0661 prepend",                                  # SpacingMark, Prepend
    "\r\n\r\r\n\n\u0308 x\r\u0308",                                                    # CR LF, controls and marks
    "\xa0\u0308\u0301 \u2003\u0308 \u3000\u0301 \u00a0a",                              # spaces with marks (the 6-byte rule)
    "\ufb01\u0308 \u2460\u0301 \uff52\u0308 \u00bd\u0301 \u2126\u0308",                # compatibility characters + marks
    "e\u0301\u0301\u0301\u0301 a\u0308\u0308",                                         # long clusters (>= 6 bytes)
    "\u2581 \u2581\u2581 a\u2581b \u2581\u2581rain\u2581 \u2581</s>\u2581",             # U+2581 in the text
    "\u1680\u2028\u2029\x85\x1c\x1d\x1e\x1f\u200b\ufeff\u2060 separators",             # White_Space vs not
    "\U0001F44D\U0001F3FD\U0001F44D\U0001F3FB\u200d \u263a\ufe0f \u0031\ufe0f\u20e3",   # modifiers, keycaps
    "<extra_id_0><extra_id_1>x<extra_id_10></s><pad><unk>",                           # adjacent added tokens
    "</s</s>> <<pad>> <extra_id_1000> <extra_id_99",                                   # near misses
]


def _more_prompts(seed: int, n: int) -> list[str]:
    """Words, syllables, marks and separators glued together, most without spaces (so the
    unigram model has long pieces to segment)."""
    rng = random.Random(seed)
    parts = WORDS + UNICODE_WORDS + SYLLABLES + ["\u0301", "\u200d", "\u2581", "\xa0", "\u3000", "\t", "😀", "①"]
    return ["".join(rng.choice(parts) + rng.choice(["", "", " ", "\u2581"]) for _ in range(rng.randint(1, 30)))
            for _ in range(n)]


def _native(folder, prompts, max_length):
    ids, mask = _core.sa_tokenize(str(folder), list(prompts), max_length)
    assert ids.dtype == np.int32 and mask.dtype == np.uint8
    assert ids.shape == mask.shape == (len(prompts), max_length)
    return ids, mask


def _assert_same(prompts, ids, mask, ref_ids, ref_mask):
    bad = [p for p, a, b in zip(prompts, ids, ref_ids) if not np.array_equal(a, b)]
    assert not bad, f"{len(bad)} of {len(prompts)} prompts differ, e.g. {bad[:3]!r}"
    np.testing.assert_array_equal(mask, ref_mask)


@pytest.fixture(scope="module")
def spm_model():
    return _train_spm()


@pytest.fixture(scope="module", params=["plain", "hub_style"])
def t5_dir(request, tmp_path_factory, spm_model):
    return _save_t5_tokenizer(tmp_path_factory.mktemp(request.param), spm_model, request.param == "hub_style")


# ----------------------------------------------------------------------------------------------
# against transformers


@pytest.mark.parametrize("max_length", [128, 64, 7, 1])
def test_native_matches_transformers(t5_dir, rng, max_length):
    prompts = EDGE_PROMPTS + GRAPHEME_PROMPTS + _random_prompts(rng, 160) + _more_prompts(int(rng.integers(1 << 30)), 60)
    assert len(prompts) >= 300
    ref_ids, ref_mask = _reference(t5_dir, prompts, max_length)
    ids, mask = _native(t5_dir, prompts, max_length)
    _assert_same(prompts, ids, mask, ref_ids, ref_mask)


def test_native_matches_python_without_tokenizer_json(tmp_path, spm_model, rng):
    """spiece.model alone: character map from the model, sentinels numbered as in t5-base."""
    (tmp_path / "spiece.model").write_bytes(spm_model)
    prompts = EDGE_PROMPTS + GRAPHEME_PROMPTS + _random_prompts(rng, 100)
    ref_ids, ref_mask = SpieceTokenizer(tmp_path, 48).encode(prompts)
    ids, mask = _native(tmp_path, prompts, 48)
    _assert_same(prompts, ids, mask, ref_ids, ref_mask)
    assert _native(tmp_path, ["<extra_id_0>", "<extra_id_99>"], 2)[0][:, 0].tolist() == [400 + 99, 400]


# ----------------------------------------------------------------------------------------------
# the rest of sentencepiece's unigram encoder, against sentencepiece itself


def _train(**kw) -> bytes:
    spm = pytest.importorskip("sentencepiece")
    rng = random.Random(3)
    words = WORDS * 6 + UNICODE_WORDS + ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(300)]
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 14))) for _ in range(3000)]
    lines.append("".join(chr(c) for c in range(0x21, 0x7F)))
    opts = dict(vocab_size=400, model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
                character_coverage=1.0, minloglevel=2, num_threads=1)
    opts.update(kw)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=buf, **opts)
    return buf.getvalue()


def _rewrite_pieces(model: bytes, fn) -> bytes:
    """The model with each piece's (text, score, type) replaced by fn(index, text, score, type)."""
    out, idx = [], 0
    for num, wt, v, raw in t5_files._proto_fields(model):
        if num == 1 and wt == 2:
            text, score, typ = "", 0.0, 1
            for n2, _w2, v2, _r2 in t5_files._proto_fields(v):
                if n2 == 1:
                    text = bytes(v2).decode()
                elif n2 == 2:
                    score = struct.unpack("<f", v2)[0]
                elif n2 == 3:
                    typ = v2
            text, score, typ = fn(idx, text, score, typ)
            idx += 1
            tb = text.encode()
            body = (b"\x0a" + t5_files._enc_varint(len(tb)) + tb + b"\x15" + struct.pack("<f", score)
                    + b"\x18" + t5_files._enc_varint(typ))
            raw = b"\x0a" + t5_files._enc_varint(len(body)) + body
        out.append(raw)
    return b"".join(out)


def _variant(name: str) -> bytes:
    if name == "user_defined":
        return _train(user_defined_symbols=["dog", "\u2581rain", "ab", "<sep>", "😀"], control_symbols=["<ctl>"])
    if name == "byte_fallback":
        return _train(byte_fallback=True, character_coverage=0.98,
                      user_defined_symbols=["\u2581\u2581", "x"])
    base = _train()
    if name == "tied_scores":   # many equal path scores: the tie-breaking must be sentencepiece's
        return _rewrite_pieces(base, lambda i, t, s, ty: (t, float(-(len(t) % 3) - 1) if ty == 1 else s, ty))
    if name == "unused":        # a quarter of the pieces UNUSED (in the trie, never chosen)
        r = random.Random(7)
        return _rewrite_pieces(base, lambda i, t, s, ty: (t, s, 5 if ty == 1 and r.random() < 0.25 else ty))
    raise ValueError(name)


@pytest.mark.parametrize("variant", ["user_defined", "byte_fallback", "tied_scores", "unused"])
def test_native_matches_sentencepiece_variants(tmp_path, rng, variant):
    (tmp_path / "spiece.model").write_bytes(_variant(variant))
    extra = ["dog", "rain", "ab", "<sep>", "<ctl>", "x", "xx", "\u2581\u2581", "😀", "😀😀", "abab", "\u2581dog", "dogdog"]
    prompts = EDGE_PROMPTS + GRAPHEME_PROMPTS + _random_prompts(rng, 120)
    prompts += ["".join(extra[int(j)] + ["", " ", "\u2581"][int(rng.integers(0, 3))]
                        for j in rng.integers(0, len(extra), int(rng.integers(1, 12)))) for _ in range(100)]
    ref_ids, ref_mask = SpieceTokenizer(tmp_path, 96).encode(prompts)
    ids, mask = _native(tmp_path, prompts, 96)
    _assert_same(prompts, ids, mask, ref_ids, ref_mask)


# ----------------------------------------------------------------------------------------------
# errors


def test_native_errors(tmp_path, t5_dir):
    with pytest.raises(ValueError, match="UTF-8"):
        _core.sa_tokenize(str(t5_dir), [b"fine", b"abc\xff"], 8)
    for bad in (b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xe2\x82"):   # surrogate, overlong, > U+10FFFF, cut
        with pytest.raises(ValueError, match="prompt 0 is not valid UTF-8"):
            _core.sa_tokenize(str(t5_dir), [bad], 8)
    with pytest.raises(ValueError, match="max_length"):
        _core.sa_tokenize(str(t5_dir), ["a"], 0)
    (tmp_path / "none").mkdir()
    with pytest.raises(ValueError, match="spiece.model"):
        _core.sa_tokenize(str(tmp_path / "none"), ["a"], 8)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "spiece.model").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="SentencePiece"):
        _core.sa_tokenize(str(tmp_path / "junk"), ["a"], 8)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for f in t5_dir.iterdir():
        (mixed / f.name).write_bytes(f.read_bytes())
    (mixed / "spiece.model").write_bytes(_train_spm(seed=5, vocab_size=300))
    with pytest.raises(ValueError, match="disagree"):
        _core.sa_tokenize(str(mixed), ["a"], 8)
    ids, mask = _native(t5_dir, [], 8)
    assert ids.shape == (0, 8)
