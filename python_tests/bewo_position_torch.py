"""A torch.nn re-creation of BEWO's `position` conditioner, for cross-checking the NumPy
reference (bewo_position_ref.py). Written independently; module names are chosen so that
`state_dict()` has BEWO's keys (prefix `conditioner.conditioners.position.` + `cross_a2t.`...).

Deliberate differences in *how* things are computed, so the cross-check means something:
  * attention goes through torch.nn.functional.multi_head_attention_forward (torch's
    nn.MultiheadAttention semantics, separate q/k/v projection weights, sequence-first),
    while BEWO and the NumPy model do the head split by hand;
  * the trajectory matrices use the real torch.linspace(..., dtype=torch.int64) kernel and
    torch ops, while the NumPy model emulates linspace in Python.

Run `python python_tests/bewo_position_torch.py` for the quick agreement check.
"""
from __future__ import annotations

import math
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

EMBED, HEADS, N_BLOCKS, ROWS, COLS, MAX_SOURCES = 768, 4, 4, 17, 768, 4
COND_PREFIX = "conditioner.conditioners.position."


def bewo_style_pe(length: int, dim: int = EMBED) -> torch.Tensor:
    """The sinusoid table computed the way BEWO does it: float32 torch ops throughout."""
    pos = torch.arange(length, dtype=torch.float32)[:, None]
    w = torch.exp(torch.arange(0, dim, 2).float() * (-math.log(10000.0) / dim))
    pe = torch.zeros(length, dim)
    pe[:, 0::2] = torch.sin(pos * w)
    pe[:, 1::2] = torch.cos(pos * w)
    return pe


class T2A(nn.Module):
    def __init__(self, dim: int = EMBED, heads: int = HEADS):
        super().__init__()
        self.heads = heads
        self.query_embedding = nn.Linear(dim, dim)
        self.key_embedding = nn.Linear(dim, dim)
        self.value_embedding = nn.Linear(dim, dim)
        self.out_projection = nn.Linear(dim, dim)

    def forward(self, target: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
        # torch's MHA is sequence-first: (L, B, E)
        q, kv = target.transpose(0, 1), source.transpose(0, 1)
        in_bias = torch.cat([self.query_embedding.bias, self.key_embedding.bias,
                             self.value_embedding.bias])
        out, _ = F.multi_head_attention_forward(
            q, kv, kv, q.shape[-1], self.heads,
            in_proj_weight=None, in_proj_bias=in_bias, bias_k=None, bias_v=None,
            add_zero_attn=False, dropout_p=0.0,
            out_proj_weight=self.out_projection.weight, out_proj_bias=self.out_projection.bias,
            training=False, need_weights=False, use_separate_proj_weight=True,
            q_proj_weight=self.query_embedding.weight, k_proj_weight=self.key_embedding.weight,
            v_proj_weight=self.value_embedding.weight)
        return out.transpose(0, 1)


class Block(nn.Module):
    def __init__(self, dim: int = EMBED, heads: int = HEADS):
        super().__init__()
        self.t2a = T2A(dim, heads)
        self.layer_norm1 = nn.LayerNorm(dim)
        self.layer_norm2 = nn.LayerNorm(dim)
        self.feed_forward = nn.Sequential(nn.Linear(dim, 4 * dim), nn.ReLU(), nn.Linear(4 * dim, dim))

    def forward(self, t, s):
        h = self.layer_norm1(t + self.t2a(t, s))
        return self.layer_norm2(h + self.feed_forward(h))


class CrossA2T(nn.Module):
    def __init__(self, dim: int = EMBED, heads: int = HEADS, blocks: int = N_BLOCKS,
                 target_len: int = 128, source_len: int = ROWS * MAX_SOURCES):
        super().__init__()
        self.embedding = nn.Linear(dim, dim)            # stored in the checkpoint, unused
        self.transformer_blocks = nn.ModuleList([Block(dim, heads) for _ in range(blocks)])
        self.output_layer = nn.Linear(dim, dim)
        # plain attributes (not buffers), as in BEWO: not in state_dict, and they keep their
        # own dtype when the module is converted
        self.pe_target = bewo_style_pe(target_len, dim)
        self.pe_source = bewo_style_pe(source_len, dim)

    def forward(self, target, source):
        t = target + self.pe_target.to(target.device)
        s = source + self.pe_source.to(source.device)
        for blk in self.transformer_blocks:
            t = blk(t, s)
        return self.output_layer(t)


def trajectory(begin, end, speed, flag, dtype=torch.float32) -> torch.Tensor:
    """17x768 matrix of one source, with torch primitives (torch.linspace int64 kernel)."""
    rb, re_ = int((begin - 1) * 4), int((end - 1) * 4)
    m = torch.zeros(ROWS, COLS, dtype=dtype)
    if begin == end or speed == 0:
        m[rb] = 1
    elif speed < 0:
        k = int(COLS * abs(speed))
        m[rb, :k] = 1
        m[re_, k:] = 1
    else:
        n = int(COLS * speed)
        f = (COLS - n) // 2
        rows = torch.linspace(rb, re_, n, dtype=torch.int64)
        m[rows, torch.arange(f, f + n)] = 1
        m[rb, :f] = 1
        m[re_, f + n:] = 1
    if flag != 0:
        c = m.argmax(dim=0).to(dtype)                       # [768]
        y = torch.arange(ROWS, dtype=dtype)[:, None]
        g = torch.exp(-((y - c[None, :]) ** 2) / 2)
        m = g / g.sum(dim=0, keepdim=True)
    return m


def source_stack(tuples, dtype=torch.float32) -> torch.Tensor:
    tuples = list(tuples)
    if len(tuples) > MAX_SOURCES:
        raise ValueError("at most 4 sources")
    mats = [trajectory(*t, dtype=dtype) for t in tuples]
    mats += [torch.zeros(ROWS, COLS, dtype=dtype)] * (MAX_SOURCES - len(mats))
    return torch.cat(mats, dim=0)


class PositionConditionerTorch(nn.Module):
    """forward(t5_hidden [B,128,768], t5_mask [B,128], tuples_per_item) -> [B,128,768]."""

    def __init__(self, dim: int = EMBED, matrix_dtype=torch.float32):
        super().__init__()
        self.cross_a2t = CrossA2T(dim)
        self.matrix_dtype = matrix_dtype

    def forward(self, t5_hidden, t5_mask, tuples_per_item):
        w = self.cross_a2t.output_layer.weight
        target = t5_hidden.to(w.dtype) * t5_mask.to(w.dtype)[..., None]
        source = torch.stack([source_stack(t, self.matrix_dtype) for t in tuples_per_item])
        return self.cross_a2t(target, source.to(device=w.device, dtype=w.dtype))

    def load_bewo_numpy(self, sd: dict, prefix: str = COND_PREFIX):
        own = {k[len(prefix):]: torch.from_numpy(np.asarray(v)) for k, v in sd.items()
               if k.startswith(prefix)}
        self.load_state_dict(own, strict=True)
        return self

    def bewo_keys(self, prefix: str = COND_PREFIX):
        return [(prefix + k, tuple(v.shape)) for k, v in self.state_dict().items()]


def quick_check(seed: int = 0, verbose: bool = True) -> dict:
    """NumPy float64 model vs this torch module in float64; returns the max differences."""
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import bewo_position_ref as R

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    res = {}
    m = PositionConditionerTorch(matrix_dtype=torch.float64)
    res["keys_match"] = m.bewo_keys() == R.state_dict_shapes()
    sd = R.random_position_state_dict(seed)
    m.load_bewo_numpy(sd).double().eval()

    B = 3
    hidden = rng.standard_normal((B, 128, 768)) * 0.5
    mask = np.zeros((B, 128), dtype=bool)
    for b, L in enumerate((5, 77, 128)):
        mask[b, :L] = True
    tuples = [[(1, 5, 0.3, 1)], [(5, 1, 0.6, 0), (2.7, 2.7, 0, 1), (1, 4, -0.4, 0)],
              [(3, 5, 0.9, 1), (4.5, 1.5, 745.5 / 768, 0), (2, 2, 0, 0), (1, 3, 1.0, 1)]]

    # matrices: real torch.linspace vs the Python emulation
    res["matrix_max_diff"] = max(
        float(np.abs(source_stack(t, torch.float64).numpy() - R.position_matrix(t)).max())
        for t in tuples)

    # exact-sinusoid PE on both sides -> the two should agree to float64 rounding
    m.cross_a2t.pe_target = torch.from_numpy(R.positional_encoding(128, mode="float64"))
    m.cross_a2t.pe_source = torch.from_numpy(R.positional_encoding(68, mode="float64"))
    with torch.no_grad():
        out_t = m(torch.from_numpy(hidden), torch.from_numpy(mask), tuples).numpy()
    out_n = R.position_conditioner(sd, hidden, mask, tuples, pe_mode="float64")
    res["out_max_abs"] = float(np.abs(out_n).max())
    res["out_max_diff_float64"] = float(np.abs(out_t - out_n).max())

    # BEWO's own float32 PE (torch) vs the NumPy "torch32" emulation
    m.cross_a2t.pe_target = bewo_style_pe(128)
    m.cross_a2t.pe_source = bewo_style_pe(68)
    with torch.no_grad():
        out_t32 = m(torch.from_numpy(hidden), torch.from_numpy(mask), tuples).numpy()
    out_n32 = R.position_conditioner(sd, hidden, mask, tuples, pe_mode="torch32")
    res["out_max_diff_bewo_pe"] = float(np.abs(out_t32 - out_n32).max())
    if verbose:
        for k, v in res.items():
            print(f"{k}: {v}")
    return res


if __name__ == "__main__":
    r = quick_check()
    ok = r["keys_match"] and r["matrix_max_diff"] == 0 and r["out_max_diff_float64"] < 1e-10
    print("OK" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)
