"""T5 files for the Stable Audio Open conditioner: find a `t5-base` folder offline, give the
runtime a safetensors file for its weights, and tokenise prompts exactly as
`transformers.AutoTokenizer.from_pretrained(folder)` (a T5 tokenizer) does, using only the
`sentencepiece` library.

What the transformers T5 tokenizer does that plain `SentencePieceProcessor.encode` does not (and
what `SpieceTokenizer` therefore reproduces):

1. Special tokens written in the text (`</s>`, `<pad>`, `<unk>`, `<extra_id_N>`, any other added
   token) are cut out of the raw text first, leftmost-longest, and become their ids.
   SentencePiece would spell them out as ordinary characters.
2. Each remaining piece of text gets only the model's character map (NFKC-like), not
   SentencePiece's whitespace handling.
3. It is then split at every Unicode whitespace character (Rust's `char::is_whitespace`: also
   U+0085, U+1680, U+2028, U+2029 ..., which the character map leaves alone and SentencePiece
   treats as ordinary characters).
4. Every word gets a leading U+2581 unless it already starts with one, and is split again before
   each U+2581 it contains. Each of these parts is segmented on its own by the unigram model.
5. `</s>` is appended. Truncation keeps `max_length - 1` tokens then `</s>`; padding uses the pad
   id with mask 0.

Nothing here downloads anything.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path

import numpy as np

from ..._atomic import atomic_path

REQUIRED_FILES = ("config.json", "spiece.model")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
SPIECE_UNDERLINE = "\u2581"

# Rust's char::is_whitespace (Unicode White_Space), which the tokenizers' WhitespaceSplit uses.
# Python's str.isspace differs (it adds U+001C..U+001F), so the set is spelled out.
_WHITESPACE = frozenset(
    [chr(c) for c in range(0x09, 0x0E)] + [" ", "\u0085", "\u00a0", "\u1680"]
    + [chr(c) for c in range(0x2000, 0x200B)] + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"])
_WS_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_WHITESPACE)) + "]+")


# ---------------------------------------------------------------------------------------------
# locating the folder


def hf_hub_cache() -> Path:
    """The Hugging Face hub cache folder, chosen as huggingface_hub chooses it."""
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        v = os.environ.get(var)
        if v:
            return Path(v).expanduser()
    home = os.environ.get("HF_HOME")
    if home:
        return Path(home).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path("~/.cache").expanduser()
    return base / "huggingface" / "hub"


def _repo_ids(name: str) -> list[str]:
    ids = [name]
    if "/" not in name and name.startswith("t5-"):
        ids.append(f"google-t5/{name}")          # the hub moved t5-base to google-t5/t5-base
    elif name.startswith("google-t5/"):
        ids.append(name.split("/", 1)[1])
    return ids


def missing_t5_files(folder) -> list[str]:
    """Names of the files a T5 folder lacks (empty when it is complete). Broken links count as
    missing, as a partial Hugging Face download can leave them."""
    folder = Path(folder)
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
    if not any((folder / f).is_file() for f in WEIGHT_FILES):
        missing.append(" or ".join(WEIGHT_FILES))
    return missing


def _snapshots(repo_dir: Path) -> list[Path]:
    """Snapshot folders of one cached repository: the one refs/main names first, then the others
    (newest first)."""
    snaps = repo_dir / "snapshots"
    out = []
    ref = repo_dir / "refs" / "main"
    if ref.is_file():
        try:
            commit = ref.read_text().strip()
        except OSError:
            commit = ""
        if commit and (snaps / commit).is_dir():
            out.append(snaps / commit)
    if snaps.is_dir():
        rest = [p for p in snaps.iterdir() if p.is_dir() and p not in out]
        rest.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        out += rest
    return out


def find_t5(explicit=None, name: str = "t5-base") -> Path:
    """The folder holding T5's config.json, weights and spiece.model.

    `explicit` (the CLI's `--t5 DIR`) must be such a folder. Otherwise the Hugging Face cache is
    searched (HF_HUB_CACHE, else HF_HOME/hub, else XDG_CACHE_HOME/huggingface/hub, else
    ~/.cache/huggingface/hub) for `models--t5-base` or `models--google-t5--t5-base`, preferring
    the snapshot refs/main names. Nothing is downloaded."""
    if explicit is not None:
        folder = Path(explicit).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(f"T5 folder {folder} does not exist (or is not a folder)")
        missing = missing_t5_files(folder)
        if missing:
            raise FileNotFoundError(f"T5 folder {folder} lacks {', '.join(missing)}: it needs "
                                    f"config.json, model.safetensors or pytorch_model.bin, and spiece.model")
        return folder
    cache = hf_hub_cache()
    looked = []
    for repo_id in _repo_ids(name):
        repo_dir = cache / ("models--" + repo_id.replace("/", "--"))
        looked.append(str(repo_dir))
        if not repo_dir.is_dir():
            continue
        for snap in _snapshots(repo_dir):
            if not missing_t5_files(snap):
                return snap
    raise FileNotFoundError(
        f"no complete {name} folder (config.json, model.safetensors or pytorch_model.bin, spiece.model) "
        f"was found in the Hugging Face cache; looked in: {'; '.join(looked)}. Nothing is downloaded: "
        f"give the folder with --t5 DIR, or fetch it once elsewhere (e.g. `huggingface-cli download "
        f"google-t5/t5-base config.json model.safetensors spiece.model tokenizer.json --local-dir DIR`)")


# ---------------------------------------------------------------------------------------------
# weights as safetensors


def bewo_cache_dir() -> Path:
    """Per-user cache of bewo_rt (BEWO_RT_CACHE, else XDG_CACHE_HOME/bewo_rt, else ~/.cache/bewo_rt)."""
    v = os.environ.get("BEWO_RT_CACHE")
    if v:
        return Path(v).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path("~/.cache").expanduser()) / "bewo_rt"


def t5_safetensors_path(folder, cache_dir=None, log=None) -> Path:
    """A safetensors file with the T5 weights of `folder`. model.safetensors is returned as is;
    a folder with only pytorch_model.bin has it converted once (torch.load with
    weights_only=True) to <cache>/t5/<hash>.safetensors, written atomically, and reused after."""
    folder = Path(folder)
    st = folder / "model.safetensors"
    if st.is_file():
        return st
    bin_path = folder / "pytorch_model.bin"
    if not bin_path.is_file():
        raise FileNotFoundError(f"T5 folder {folder} holds neither model.safetensors nor pytorch_model.bin")
    real = bin_path.resolve()
    s = real.stat()
    key = hashlib.sha256(f"{real}\0{s.st_size}\0{s.st_mtime_ns}".encode()).hexdigest()[:32]
    out = Path(cache_dir).expanduser() if cache_dir is not None else bewo_cache_dir() / "t5"
    out = out / f"{key}.safetensors"
    if out.is_file():
        return out
    import torch  # only this one-off conversion needs PyTorch
    from safetensors.torch import save_file
    if log:
        log(f"converting {bin_path} to {out} (once)")
    try:
        sd = torch.load(str(bin_path), map_location="cpu", weights_only=True)
    except Exception as e:
        raise ValueError(f"{bin_path} could not be read as a PyTorch weights file "
                         f"(weights_only=True): {e}") from None
    if isinstance(sd, dict) and isinstance(sd.get("state_dict"), dict):
        sd = sd["state_dict"]
    if not isinstance(sd, dict):
        raise ValueError(f"{bin_path} does not hold a dict of tensors")
    tensors, seen = {}, set()
    for k, v in sd.items():
        if not isinstance(v, torch.Tensor):
            continue
        v = v.contiguous()
        ptr = v.untyped_storage().data_ptr()
        if ptr in seen or v.untyped_storage().nbytes() != v.nbytes:
            v = v.clone()  # tied weights (shared/embed_tokens/lm_head) must be separate for safetensors
        seen.add(ptr)
        tensors[str(k)] = v
    if not tensors:
        raise ValueError(f"{bin_path} holds no tensors")
    with atomic_path(out) as tmp:
        save_file(tensors, tmp, metadata={"format": "pt", "source": str(bin_path)})
    return out


# ---------------------------------------------------------------------------------------------
# minimal protobuf reading (the sentencepiece package ships no schema without `protobuf`)


def _varint(b: bytes, i: int):
    r = shift = 0
    while True:
        if i >= len(b):
            raise ValueError("truncated varint")
        c = b[i]
        i += 1
        r |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return r, i


def _proto_fields(b: bytes):
    """(field number, wire type, value, raw bytes of the whole field) for each top-level field."""
    i, out = 0, []
    while i < len(b):
        start = i
        key, i = _varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 2:
            n, i = _varint(b, i)
            v, i = b[i:i + n], i + n
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wt}")
        if i > len(b):
            raise ValueError("truncated protobuf field")
        out.append((num, wt, v, b[start:i]))
    return out


def _enc_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        c = n & 0x7F
        n >>= 7
        if n:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


# ModelProto.normalizer_spec is field 3. NormalizerSpec: name=1, precompiled_charsmap=2,
# add_dummy_prefix=3, remove_extra_whitespaces=4, escape_whitespaces=5.
_IDENTITY_SPEC = (b"\x0a\x08identity" + b"\x18\x00" + b"\x20\x00" + b"\x28\x00")


def _identity_model_proto(model: bytes) -> bytes:
    """The same SentencePiece model with a no-op normalizer, so that encode() runs the unigram
    model alone on text that was already normalised and pre-split."""
    parts, seen = [], False
    for num, wt, _v, raw in _proto_fields(model):
        if num == 3 and wt == 2:
            raw = b"\x1a" + _enc_varint(len(_IDENTITY_SPEC)) + _IDENTITY_SPEC
            seen = True
        parts.append(raw)
    if not seen:
        parts.append(b"\x1a" + _enc_varint(len(_IDENTITY_SPEC)) + _IDENTITY_SPEC)
    return b"".join(parts)


# ---------------------------------------------------------------------------------------------
# the character map (SentencePiece's precompiled_charsmap) applied the way tokenizers applies it


class _Charsmap:
    """A SentencePiece precompiled character map: a little-endian uint32 byte size, a
    darts-clone double-array trie of that size, then NUL-terminated replacement strings.

    Applied as the tokenizers library's `Precompiled` normalizer applies it, which differs from
    SentencePiece's own normaliser: text goes grapheme cluster by grapheme cluster; a cluster of
    under 6 UTF-8 bytes whose leading characters form a key is replaced whole by the value of the
    SHORTEST such key (so `NBSP + U+0308` becomes a single space and the mark is gone);
    otherwise each character is looked up alone."""

    def __init__(self, blob: bytes):
        self.units: list[int] = []
        self.strings = b""
        if len(blob) >= 4:
            n = int.from_bytes(blob[:4], "little")
            if n % 4 or 4 + n > len(blob):
                raise ValueError("malformed precompiled_charsmap")
            self.units = list(np.frombuffer(blob[4:4 + n], dtype="<u4").tolist())
            self.strings = blob[4 + n:]
        self._cache: dict[str, str | None] = {}

    def _first_match(self, key: bytes):
        """Value index of the shortest trie key that is a prefix of `key`, or None."""
        units = self.units
        if not units:
            return None
        unit = units[0]
        pos = (unit >> 10) << ((unit & (1 << 9)) >> 6)
        for c in key:
            if c == 0:
                return None
            pos ^= c
            if pos >= len(units):
                return None
            unit = units[pos]
            if (unit & ((1 << 31) | 0xFF)) != c:
                return None
            pos ^= (unit >> 10) << ((unit & (1 << 9)) >> 6)
            if (unit >> 8) & 1:
                if pos >= len(units):
                    return None
                return units[pos] & ((1 << 31) - 1)
        return None

    def _lookup(self, s: str):
        if s in self._cache:
            return self._cache[s]
        idx = self._first_match(s.encode("utf-8"))
        out = None
        if idx is not None and idx < len(self.strings):
            end = self.strings.find(b"\0", idx)
            out = self.strings[idx:end if end >= 0 else len(self.strings)].decode("utf-8", "replace")
        if len(self._cache) < 65536:
            self._cache[s] = out
        return out

    def normalize(self, text: str) -> str:
        if not self.units:
            return text
        out = []
        for g in _graphemes(text):
            if len(g.encode("utf-8")) < 6:
                r = self._lookup(g)
                if r is not None:
                    out.append(r)
                    continue
            for ch in g:
                r = self._lookup(ch)
                out.append(ch if r is None else r)
        return "".join(out)


_EXTEND_EXTRA = {0x200C, 0x200D, 0xFF9E, 0xFF9F}


def _attaches(ch: str) -> bool:
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Mn", "Me", "Mc") or cp in _EXTEND_EXTRA
            or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F)


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cf") and ord(ch) not in (0x200C, 0x200D)


def _graphemes_approx(text: str) -> list[str]:
    """Extended grapheme clusters, approximately (used when `regex` is missing): a base plus the
    marks, joiners and emoji modifiers after it; CR LF together; controls alone. Hangul,
    regional-indicator and emoji sequences need no exact treatment: they are 6 bytes or more,
    which the character map handles character by character anyway."""
    out: list[str] = []
    for ch in text:
        if out:
            prev = out[-1]
            if prev == "\r" and ch == "\n":
                out[-1] += ch
                continue
            if _attaches(ch) and not _is_control(prev[-1]) and prev[-1] not in "\r\n":
                out[-1] += ch
                continue
        out.append(ch)
    return out


try:  # `regex` (a dependency of transformers) knows Unicode's extended grapheme clusters
    import regex as _regex

    _GRAPHEME_RE = _regex.compile(r"\X", _regex.DOTALL)

    def _graphemes(text: str) -> list[str]:
        return _GRAPHEME_RE.findall(text)
except ImportError:  # pragma: no cover
    _graphemes = _graphemes_approx


# ---------------------------------------------------------------------------------------------
# tokenizer


def _spm_charsmap(model: bytes) -> bytes:
    """precompiled_charsmap of a serialized SentencePiece ModelProto (b"" when there is none)."""
    for num, wt, v, _raw in _proto_fields(model):
        if num == 3 and wt == 2:
            for n2, w2, v2, _r in _proto_fields(v):
                if n2 == 2 and w2 == 2:
                    return bytes(v2)
    return b""


def _tokenizer_json_charsmap(tj: dict) -> bytes:
    import base64

    norm = tj.get("normalizer")
    if not norm:
        return b""
    items = norm.get("normalizers", []) if norm.get("type") == "Sequence" else [norm]
    for n in items:
        if isinstance(n, dict) and n.get("type") == "Precompiled" and n.get("precompiled_charsmap"):
            return base64.b64decode(n["precompiled_charsmap"])
    return b""


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise ValueError(f"{path} is not valid JSON: {e}") from None


def _token_text(v):
    if isinstance(v, dict):
        return v.get("content")
    return v


class SpieceTokenizer:
    """T5 tokenizer on the `sentencepiece` library: `encode` gives what
    `AutoTokenizer.from_pretrained(folder)(prompts, truncation=True, max_length=max_length,
    padding="max_length", return_tensors="np")` gives (input_ids, attention_mask)."""

    def __init__(self, folder, max_length: int = 128):
        import sentencepiece as spm

        self.folder = Path(folder)
        model_file = self.folder / "spiece.model"
        if not model_file.is_file():
            raise FileNotFoundError(f"T5 tokenizer folder {self.folder} lacks spiece.model")
        if int(max_length) < 1:
            raise ValueError(f"max_length must be at least 1, got {max_length}")
        self.max_length = int(max_length)
        model = model_file.read_bytes()
        try:
            self._sp = spm.SentencePieceProcessor()
            self._sp.LoadFromSerializedProto(_identity_model_proto(model))
            spm_charsmap = _spm_charsmap(model)
        except (RuntimeError, ValueError, OSError, IndexError) as e:
            raise ValueError(f"{model_file} is not a SentencePiece model: {e}") from None

        cfg = _read_json(self.folder / "tokenizer_config.json") or {}
        smap = _read_json(self.folder / "special_tokens_map.json") or {}
        tj_path = self.folder / "tokenizer.json"
        tj = _read_json(tj_path)
        # transformers takes the character map from tokenizer.json when there is one (none there:
        # no normalisation), else from spiece.model
        if tj is not None:
            self._check_vocab(tj, tj_path)
            charsmap = _tokenizer_json_charsmap(tj)
        else:
            tj = {}
            charsmap = spm_charsmap
        try:
            self._norm = _Charsmap(charsmap)
        except ValueError as e:
            raise ValueError(f"{tj_path if tj else model_file}: {e}") from None

        def tok_name(key, default):
            return _token_text(cfg.get(key)) or _token_text(smap.get(key)) or default

        eos_t, pad_t, unk_t = tok_name("eos_token", "</s>"), tok_name("pad_token", "<pad>"), tok_name("unk_token", "<unk>")

        # Added (special) tokens, with their ids: tokenizer.json, else tokenizer_config.json's
        # added_tokens_decoder, else the T5 convention (sentinels after the pieces, in reverse).
        added: dict[str, int] = {}
        for t in tj.get("added_tokens") or []:
            added[t["content"]] = int(t["id"])
        if not added:
            for i, t in (cfg.get("added_tokens_decoder") or {}).items():
                if _token_text(t):
                    added[_token_text(t)] = int(i)
        n = self._sp.get_piece_size()
        if not added:
            for t in (eos_t, pad_t, unk_t):
                i = self._sp.piece_to_id(t)
                if self._sp.id_to_piece(i) == t:
                    added[t] = i
            extra = int(cfg.get("extra_ids", 100) or 0)
            for i in range(extra):
                tok = f"<extra_id_{i}>"
                pid = self._sp.piece_to_id(tok)
                added[tok] = pid if self._sp.id_to_piece(pid) == tok else n + extra - 1 - i
        for t in list(cfg.get("additional_special_tokens") or []) + list(cfg.get("extra_special_tokens") or []):
            t = _token_text(t)
            if t and t not in added:
                pid = self._sp.piece_to_id(t)
                if self._sp.id_to_piece(pid) == t:
                    added[t] = pid

        def special_id(tok, sp_id):
            if tok in added:
                return added[tok]
            if sp_id >= 0:
                return sp_id
            raise ValueError(f"{self.folder}: the tokenizer has no id for {tok!r}")

        self.eos_id = special_id(eos_t, self._sp.eos_id())
        self.pad_id = special_id(pad_t, self._sp.pad_id())
        self.unk_id = special_id(unk_t, self._sp.unk_id())
        self.added_tokens = added
        self.vocab_size = max([n - 1] + list(added.values())) + 1
        toks = sorted((t for t in added if t), key=len, reverse=True)
        # leftmost-longest matching of added tokens in the raw text
        self._added_re = re.compile("|".join(re.escape(t) for t in toks)) if toks else None

    def _check_vocab(self, tj: dict, path: Path) -> None:
        vocab = (tj.get("model") or {}).get("vocab")
        if not isinstance(vocab, list):
            return
        n = self._sp.get_piece_size()
        for i in range(min(n, len(vocab))):
            piece = vocab[i][0] if isinstance(vocab[i], (list, tuple)) else vocab[i]
            if piece != self._sp.id_to_piece(i):
                raise ValueError(f"{path} and spiece.model in the same folder disagree (piece {i}: "
                                 f"{piece!r} vs {self._sp.id_to_piece(i)!r}); they come from different tokenizers")

    # -----------------------------------------------------------------------------------------
    def _words(self, segment: str) -> list[str]:
        """Normalise a segment (character map only) and pre-split it the T5 way."""
        text = self._norm.normalize(segment)
        parts = []
        for w in _WS_RE.split(text):
            if not w:
                continue
            if not w.startswith(SPIECE_UNDERLINE):
                w = SPIECE_UNDERLINE + w
            # split before every U+2581 (Metaspace split=True, merged with the next piece)
            starts = [i for i, c in enumerate(w) if c == SPIECE_UNDERLINE] + [len(w)]
            parts += [w[a:b] for a, b in zip(starts[:-1], starts[1:])]
        return parts

    def tokenize(self, text: str) -> list[int]:
        """Token ids of one prompt without `</s>`, truncation or padding."""
        if not isinstance(text, str):
            raise TypeError(f"prompt must be a string, got {type(text).__name__}")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError(f"prompt is not valid Unicode ({e.reason} at position {e.start})") from None
        ids: list[int] = []
        pos = 0
        matches = self._added_re.finditer(text) if self._added_re is not None else ()
        for m in matches:
            if m.start() > pos:
                ids += self._encode_plain(text[pos:m.start()])
            ids.append(self.added_tokens[m.group(0)])
            pos = m.end()
        if pos < len(text):
            ids += self._encode_plain(text[pos:])
        return ids

    def _encode_plain(self, segment: str) -> list[int]:
        words = self._words(segment)
        if not words:
            return []
        out: list[int] = []
        for piece_ids in self._sp.encode(words):
            out += piece_ids
        return out

    def encode(self, prompts):
        """(ids int64 [B, max_length], mask uint8 [B, max_length]) for a prompt or a list of them."""
        if isinstance(prompts, str):
            prompts = [prompts]
        prompts = list(prompts)
        L = self.max_length
        ids = np.full((len(prompts), L), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(prompts), L), dtype=np.uint8)
        for b, p in enumerate(prompts):
            t = self.tokenize(p)[:L - 1] + [self.eos_id]
            ids[b, :len(t)] = t
            mask[b, :len(t)] = 1
        return ids, mask

    __call__ = encode
