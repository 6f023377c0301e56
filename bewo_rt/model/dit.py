"""DiT denoiser over VAE latents.

Tokens: one timestep token, then one token per latent frame. Each block: RoPE self-attention,
cross-attention to the context, GELU MLP, all pre-norm. The context is the MiniLM text tokens
projected to the model width; with fusion='bewo' (BEWO's scheme) the text tokens also query the
azimuth state's rows (one key/value per row, built from that row's values over time) and those
outputs are appended to the context; with fusion='aligned' the azimuth state, resampled to the
latent frames, is projected and added to the frame tokens. The output is the v-prediction."""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from .config import ModelConfig

TEXT_DIM = 384
MAX_SOURCES = 4


def rope_tables(n: int, dim: int, device, base: float = 10000.0):
    inv = 1.0 / base ** (torch.arange(0, dim, 2, device=device, dtype=torch.float32) / dim)
    ang = torch.arange(n, device=device, dtype=torch.float32)[:, None] * inv[None]
    return torch.cos(ang), torch.sin(ang)


def apply_rope(x, cos, sin):
    """x (..., n, dim): rotate pairs (x[2i], x[2i+1]) by position * frequency i."""
    x1, x2 = x[..., 0::2], x[..., 1::2]
    out = torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
    return out.flatten(-2)


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int, kv_dim: int | None = None):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(kv_dim or dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, ctx=None, mask=None, rope=None):
        b, n, d = x.shape
        ctx = x if ctx is None else ctx
        h = self.heads
        q = self.q(x).view(b, n, h, d // h).transpose(1, 2)
        k, v = self.kv(ctx).view(b, ctx.shape[1], 2, h, d // h).permute(2, 0, 3, 1, 4)
        if rope is not None:
            q, k = apply_rope(q, *rope), apply_rope(k, *rope)
        attn_mask = None if mask is None else mask[:, None, None, :]
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
        return self.out(y.transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.n1, self.n2, self.n3 = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.self_attn = Attention(dim, heads)
        self.cross_attn = Attention(dim, heads)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(approximate="tanh"), nn.Linear(4 * dim, dim))

    def forward(self, x, ctx, ctx_mask, rope):
        x = x + self.self_attn(self.n1(x), rope=rope)
        x = x + self.cross_attn(self.n2(x), ctx, ctx_mask)
        return x + self.mlp(self.n3(x))


def timestep_embedding(t, dim: int):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    a = 1000.0 * t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=-1)


class AzimuthFusion(nn.Module):
    """BEWO's fusion: text tokens (queries) attend to the azimuth state's rows (keys/values)."""

    def __init__(self, dim: int, rows: int, columns: int, heads: int):
        super().__init__()
        self.row_proj = nn.Linear(columns, dim)
        self.row_embed = nn.Parameter(torch.randn(rows, dim) * 0.02)
        self.norm_q, self.norm_kv = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)

    def forward(self, text, state):
        rows = self.norm_kv(self.row_proj(state) + self.row_embed)
        return self.attn(self.norm_q(text), rows)


class DiT(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.dit_width
        if d % cfg.dit_heads or (d // cfg.dit_heads) % 2:
            raise ValueError(f"dit_width ({d}) must be a multiple of dit_heads ({cfg.dit_heads}) with an even head size (RoPE)")
        self.rows = MAX_SOURCES * cfg.azimuth_bins
        self.x_in = nn.Linear(cfg.latent_channels, d)
        self.t_mlp = nn.Sequential(nn.Linear(d, d), nn.SiLU(), nn.Linear(d, d))
        self.text_proj = nn.Sequential(nn.LayerNorm(TEXT_DIM), nn.Linear(TEXT_DIM, d))
        self.null_ctx = nn.Parameter(torch.randn(1, d) * 0.02)  # what CFG's unconditional branch sees
        if cfg.fusion == "bewo":
            self.fusion = AzimuthFusion(d, self.rows, cfg.azimuth_columns, cfg.dit_heads)
        elif cfg.fusion == "aligned":
            self.fusion = nn.Linear(self.rows, d)
            nn.init.zeros_(self.fusion.weight)
        else:
            raise ValueError(f"fusion must be 'bewo' or 'aligned', got {cfg.fusion!r}")
        self.blocks = nn.ModuleList([Block(d, cfg.dit_heads) for _ in range(cfg.dit_depth)])
        self.norm_out = nn.LayerNorm(d)
        self.x_out = nn.Linear(d, cfg.latent_channels)
        nn.init.zeros_(self.x_out.weight)
        nn.init.zeros_(self.x_out.bias)

    def context(self, text, text_mask, state, cond):
        """Cross-attention context and mask; rows with cond False get only the null token."""
        b = text.shape[0]
        tok = self.text_proj(text)
        mask = text_mask.clone()
        if self.cfg.fusion == "bewo":
            fused = self.fusion(tok, state)
            tok, mask = torch.cat([tok, fused], 1), torch.cat([mask, text_mask], 1)
        null = self.null_ctx.expand(b, 1, -1)
        tok = torch.cat([null, tok], 1)
        mask = torch.cat([torch.ones(b, 1, dtype=torch.bool, device=mask.device), mask & cond[:, None]], 1)
        return tok, mask

    def forward(self, x, t, text, text_mask, state, cond=None):
        """x (B, C, T) noisy latent, t (B,) in [0, 1], text (B, N, 384), text_mask (B, N) bool,
        state: (B, rows, columns) for 'bewo' or (B, rows, T) for 'aligned'; cond (B,) bool,
        False drops text and azimuth (classifier-free guidance)."""
        b, _, n = x.shape
        want = (self.rows, self.cfg.azimuth_columns if self.cfg.fusion == "bewo" else n)
        if tuple(state.shape[1:]) != want:
            raise ValueError(f"azimuth state must be (batch, {want[0]}, {want[1]}) for the {self.cfg.fusion!r} fusion, "
                             f"got {tuple(state.shape)}")
        if cond is None:
            cond = torch.ones(b, dtype=torch.bool, device=x.device)
        h = self.x_in(x.transpose(1, 2))
        if self.cfg.fusion == "aligned":
            h = h + self.fusion(state.transpose(1, 2)) * cond[:, None, None].to(h.dtype)
        tt = self.t_mlp(timestep_embedding(t, h.shape[-1]))[:, None]
        h = torch.cat([tt, h], 1)
        ctx, mask = self.context(text, text_mask, state, cond)
        rope = rope_tables(n + 1, h.shape[-1] // self.cfg.dit_heads, x.device)
        for blk in self.blocks:
            h = blk(h, ctx, mask, rope)
        return self.x_out(self.norm_out(h[:, 1:])).transpose(1, 2)
