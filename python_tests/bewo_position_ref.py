"""Float64 NumPy reference for BEWO's `position` conditioner (BEWO_attri / BEWO_mix).

Written from /work/shared/SAO_SPEC.md section 5 and a reading of BEWO's
models/stable_audio_tools/models/{conditioners.py,cross_transformer.py}; no code is copied.

Pipeline, per batch item:
  1. every (start_dir, end_dir, speed, flag) tuple -> a 17x768 0/1 "trajectory" matrix
     (row = int((dir-1)*4), column = time); flag != 0 turns every column into a
     normalised Gaussian (sigma=1 row) centred on that column's 1;
  2. up to 4 such matrices are stacked and zero-padded to S [68,768];
  3. `cross_a2t`: 4 post-LN cross-attention blocks, queries from the (masked) T5 output
     [128,768] + PE, keys/values from S + PE, then a Linear -> [128,768].

Everything here is float64 except the sinusoidal position encodings, which BEWO computes in
float32 (plain tensor attributes, not buffers, so they stay float32 even in a .double()
model); `pe_mode="torch32"` (default) reproduces those float32 values, `"float64"` gives
the exact sinusoid.

The public names (`position_matrix`, `position_conditioner`, `random_position_state_dict`,
`state_dict_shapes`, `check_native_matrix`, `check_native_conditioner`) are what the tests
and a later native comparison import.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable, Iterable, Sequence

import numpy as np

ROWS = 17            # direction rows per source: 1..5 in quarter steps
COLS = 768           # time columns == model width
MAX_SOURCES = 4
SRC_ROWS = ROWS * MAX_SOURCES   # 68
T5_LEN = 128
EMBED = 768
HEADS = 4
HEAD_DIM = EMBED // HEADS       # 192
FF_DIM = 4 * EMBED              # 3072
N_BLOCKS = 4
LN_EPS = 1e-5

PREFIX = "conditioner.conditioners.position.cross_a2t."


# ----------------------------------------------------------------------------------------
# 1. the per-source trajectory matrix
# ----------------------------------------------------------------------------------------

def direction_row(direction: float) -> int:
    """Row of a direction: Python int() (truncation toward zero) of (d-1)*4.

    1 -> 0 (left), 2 -> 4, 2.7 -> 6, 3 -> 8 (front), 5 -> 16 (right)."""
    return int((direction - 1) * 4)


def _wrap_row(row: int) -> int:
    # BEWO indexes a torch tensor with this row: -17..-1 wrap, anything else raises.
    if not -ROWS <= row < ROWS:
        raise ValueError(f"direction row {row} outside the 17-row matrix")
    return row % ROWS


def _exact_fma(a: float, b: float, c: float) -> float:
    """a*b + c rounded once to double (exact rational arithmetic)."""
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def torch_int_linspace(start: int, end: int, steps: int, fma: bool = True) -> list[int]:
    """torch.linspace(start, end, steps, dtype=torch.int64) on the CPU.

    ATen: step = (end-start)/(steps-1) in double; index i < steps//2 gives start + step*i,
    the rest end - step*(steps-1-i); the double is truncated toward zero to int64.
    steps == 1 gives [start], steps == 0 nothing. PyTorch's AVX2/AVX512 kernels are built
    with FMA contraction, so each value is one fused multiply-add (fma=True: what BEWO gets
    on any current x86 machine); an ATEN_CPU_CAPABILITY=default kernel rounds twice
    (fma=False). They differ only where the exact value is an integer, e.g.
    linspace(0, 16, 745)[372] is 7 with FMA and 8 without (120 of the 222,241 (row, row, n)
    combinations BEWO can produce differ in one element).
    """
    if steps <= 0:
        return []
    if steps == 1:
        return [int(start)]
    s, e = float(start), float(end)
    step = (e - s) / (steps - 1)
    half = steps // 2
    i = np.arange(steps, dtype=np.float64)
    a = np.where(i < half, step, -step)
    b = np.where(i < half, i, steps - 1 - i)
    c = np.where(i < half, s, e)
    v = a * b + c                        # two roundings
    if fma:
        # only near an integer can one rounding instead of two change the truncation
        for j in np.nonzero(np.abs(v - np.round(v)) < 1e-9)[0]:
            v[j] = _exact_fma(float(a[j]), float(b[j]), float(c[j]))
    return [int(x) for x in np.trunc(v)]


def gaussian_columns(m: np.ndarray, sigma: float = 1.0, float32: bool = False) -> np.ndarray:
    """Each column -> exp(-(y-c)^2/(2 sigma^2)) over rows y=0..16, normalised to sum 1,
    c = that column's argmax (first maximum)."""
    rows, cols = m.shape
    centers = np.argmax(m, axis=0)
    dt = np.float32 if float32 else np.float64
    y = np.arange(rows, dtype=dt)[:, None]
    c = centers.astype(dt)[None, :]
    g = np.exp(-((y - c) ** 2) / dt(2 * sigma ** 2))
    g = g / g.sum(axis=0, keepdims=True, dtype=dt)
    return g.astype(np.float64)


def source_matrix(start_dir: float, end_dir: float, speed: float, flag: float,
                  linspace_fma: bool = True, gaussian_float32: bool = False) -> np.ndarray:
    """The 17x768 matrix of one source (float64)."""
    start_dir, end_dir, speed = float(start_dir), float(end_dir), float(speed)
    rb = _wrap_row(direction_row(start_dir))
    re_ = _wrap_row(direction_row(end_dir))
    m = np.zeros((ROWS, COLS), dtype=np.float64)
    if start_dir == end_dir or speed == 0:
        # still source (compares the raw directions, not the rows)
        m[rb, :] = 1.0
    elif speed < 0:
        # jump: begin row for the first int(768|s|) columns, end row for the rest
        k = int(COLS * abs(speed))
        m[rb, :k] = 1.0
        m[re_, k:] = 1.0
    else:
        n = int(COLS * speed)
        if n > COLS:
            raise ValueError(f"speed {speed} > 1: BEWO indexes past column 767")
        f = (COLS - n) // 2
        raw_b, raw_e = direction_row(start_dir), direction_row(end_dir)
        rows = torch_int_linspace(raw_b, raw_e, n, fma=linspace_fma)
        for j, r in enumerate(rows):
            m[_wrap_row(r), f + j] = 1.0
        m[rb, :f] = 1.0
        m[re_, f + n:] = 1.0
    if flag != 0:
        m = gaussian_columns(m, float32=gaussian_float32)
    return m


def position_matrix(tuples: Sequence[Sequence[float]], linspace_fma: bool = True,
                    gaussian_float32: bool = False) -> np.ndarray:
    """S for one batch item: the sources' 17x768 matrices stacked in order, zero-padded
    to (68, 768) float64. At most 4 sources (ValueError otherwise). An empty list gives
    all zeros (BEWO only survives that when an earlier batch item had a source)."""
    tuples = list(tuples)
    if len(tuples) > MAX_SOURCES:
        raise ValueError(f"at most {MAX_SOURCES} position sources, got {len(tuples)}")
    out = np.zeros((SRC_ROWS, COLS), dtype=np.float64)
    for k, t in enumerate(tuples):
        if len(t) != 4:
            raise ValueError(f"position tuple needs 4 values (start, end, speed, flag): {t!r}")
        out[k * ROWS:(k + 1) * ROWS] = source_matrix(*t, linspace_fma=linspace_fma,
                                                     gaussian_float32=gaussian_float32)
    return out


# ----------------------------------------------------------------------------------------
# 2. weights
# ----------------------------------------------------------------------------------------

def state_dict_shapes(prefix: str = PREFIX) -> list[tuple[str, tuple[int, ...]]]:
    """Every key of the position conditioner in BEWO's state dict, in module order
    (68 tensors, 29,532,672 values)."""
    E, F = EMBED, FF_DIM
    keys: list[tuple[str, tuple[int, ...]]] = [
        ("embedding.weight", (E, E)), ("embedding.bias", (E,)),  # stored, never used
    ]
    for b in range(N_BLOCKS):
        p = f"transformer_blocks.{b}."
        for lin in ("query_embedding", "key_embedding", "value_embedding", "out_projection"):
            keys += [(p + f"t2a.{lin}.weight", (E, E)), (p + f"t2a.{lin}.bias", (E,))]
        for ln in ("layer_norm1", "layer_norm2"):
            keys += [(p + f"{ln}.weight", (E,)), (p + f"{ln}.bias", (E,))]
        keys += [(p + "feed_forward.0.weight", (F, E)), (p + "feed_forward.0.bias", (F,)),
                 (p + "feed_forward.2.weight", (E, F)), (p + "feed_forward.2.bias", (E,))]
    keys += [("output_layer.weight", (E, E)), ("output_layer.bias", (E,))]
    return [(prefix + k, s) for k, s in keys]


def random_position_state_dict(seed: int = 0, prefix: str = PREFIX) -> dict[str, np.ndarray]:
    """Random float32 weights for every key. Linear weights ~ U(+-1/sqrt(fan_in)) like
    torch's default init, biases likewise, LayerNorm weight 1+0.1*N(0,1), bias 0.1*N(0,1),
    so every parameter (biases and LN ones included) influences the output."""
    rng = np.random.default_rng(seed)
    sd = {}
    for key, shape in state_dict_shapes(prefix):
        if ".layer_norm" in key:
            v = rng.standard_normal(shape) * 0.1 + (1.0 if key.endswith("weight") else 0.0)
        else:
            fan_in = shape[1] if len(shape) == 2 else (FF_DIM if "feed_forward.2" in key else EMBED)
            bound = 1.0 / math.sqrt(fan_in)
            v = rng.uniform(-bound, bound, size=shape)
        sd[key] = v.astype(np.float32)
    return sd


# ----------------------------------------------------------------------------------------
# 3. cross_a2t
# ----------------------------------------------------------------------------------------

def positional_encoding(length: int, dim: int = EMBED, mode: str = "torch32") -> np.ndarray:
    """PE[p, 2i] = sin(p * w_i), PE[p, 2i+1] = cos(p * w_i), w_i = exp(2i * -ln(10000)/dim).

    mode "torch32": every step in float32 as BEWO's torch code does (the float32 scalar
    -ln(10000)/dim times float32 2i, float32 exp, float32 product p*w_i, float32 sin/cos),
    with exp/sin/cos correctly rounded. torch's own float32 exp/sin/cos are off by up to an
    ulp in places (5 of the 384 w_i), so this is not bit-exact: it is within 3.9e-6 of
    torch's table for 128 rows (1.9e-6 for 68); "float64" (the exact sinusoid) is within
    7.9e-6. Returned as float64 either way."""
    if mode == "float64":
        pos = np.arange(length, dtype=np.float64)[:, None]
        w = np.exp(np.arange(0, dim, 2, dtype=np.float64) * (-math.log(10000.0) / dim))
        arg = pos * w
        pe = np.zeros((length, dim))
        pe[:, 0::2] = np.sin(arg)
        pe[:, 1::2] = np.cos(arg)
        return pe
    if mode != "torch32":
        raise ValueError(mode)
    f32 = np.float32
    c = f32(-math.log(10000.0) / dim)
    two_i = np.arange(0, dim, 2, dtype=f32)
    w = np.exp((two_i * c).astype(np.float64)).astype(f32)
    pos = np.arange(length, dtype=f32)[:, None]
    arg = (pos * w[None, :]).astype(f32)
    pe = np.zeros((length, dim), dtype=f32)
    pe[:, 0::2] = np.sin(arg.astype(np.float64)).astype(f32)
    pe[:, 1::2] = np.cos(arg.astype(np.float64)).astype(f32)
    return pe.astype(np.float64)


def _lin(sd, key, x):
    w = np.asarray(sd[key + ".weight"], dtype=np.float64)
    b = np.asarray(sd[key + ".bias"], dtype=np.float64)
    return x @ w.T + b


def _layer_norm(sd, key, x, eps=LN_EPS):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)          # biased, as nn.LayerNorm
    w = np.asarray(sd[key + ".weight"], dtype=np.float64)
    b = np.asarray(sd[key + ".bias"], dtype=np.float64)
    return (x - mu) / np.sqrt(var + eps) * w + b


def _softmax(x, axis=-1):
    x = x - x.max(axis=axis, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def cross_attention(sd, key, target, source):
    """t2a: q = target Wq^T + bq, k = source Wk^T + bk, v = source Wv^T + bv (three
    separate Linears), 4 heads of 192 (head h = features h*192:(h+1)*192), softmax(q k^T /
    sqrt(192)) over the 68 source rows, no mask, heads concatenated, then out_projection."""
    B, Lq, E = target.shape
    Lk = source.shape[1]
    q = _lin(sd, key + ".query_embedding", target).reshape(B, Lq, HEADS, HEAD_DIM).transpose(0, 2, 1, 3)
    k = _lin(sd, key + ".key_embedding", source).reshape(B, Lk, HEADS, HEAD_DIM).transpose(0, 2, 1, 3)
    v = _lin(sd, key + ".value_embedding", source).reshape(B, Lk, HEADS, HEAD_DIM).transpose(0, 2, 1, 3)
    a = _softmax((q @ k.transpose(0, 1, 3, 2)) * HEAD_DIM ** -0.5)
    o = (a @ v).transpose(0, 2, 1, 3).reshape(B, Lq, E)
    return _lin(sd, key + ".out_projection", o)


def cross_a2t(sd, target, source, prefix: str = PREFIX, pe_mode: str = "torch32"):
    """target [B,128,768] (T5 side), source [B,68,768] (position matrices) -> [B,128,768]."""
    target = np.asarray(target, dtype=np.float64)
    source = np.asarray(source, dtype=np.float64)
    t = target + positional_encoding(target.shape[1], EMBED, pe_mode)
    s = source + positional_encoding(source.shape[1], EMBED, pe_mode)
    for b in range(N_BLOCKS):
        p = f"{prefix}transformer_blocks.{b}."
        h = _layer_norm(sd, p + "layer_norm1", t + cross_attention(sd, p + "t2a", t, s))
        ff = _lin(sd, p + "feed_forward.2", np.maximum(_lin(sd, p + "feed_forward.0", h), 0.0))
        t = _layer_norm(sd, p + "layer_norm2", h + ff)
    return _lin(sd, prefix + "output_layer", t)


def position_conditioner(sd, t5_hidden, t5_mask, tuples_per_item, prefix: str = PREFIX,
                         pe_mode: str = "torch32", linspace_fma: bool = True,
                         gaussian_float32: bool = False) -> np.ndarray:
    """Output of the `position` conditioner, [B,128,768] float64.

    t5_hidden [B,128,768]: the T5 conditioner's output; t5_mask [B,128] (bool/0-1). BEWO
    receives the already masked T5 output (T5Conditioner multiplies by the mask) and uses
    the mask for nothing else, so hidden*mask here is a no-op on real inputs.
    tuples_per_item: B lists of (start_dir, end_dir, speed, flag), at most 4 each (the
    metadata value under key "position")."""
    t5_hidden = np.asarray(t5_hidden, dtype=np.float64)
    if t5_hidden.ndim != 3 or t5_hidden.shape[1:] != (T5_LEN, EMBED):
        raise ValueError(f"t5_hidden must be [B,{T5_LEN},{EMBED}], got {t5_hidden.shape}")
    mask = np.asarray(t5_mask).astype(np.float64)
    if len(tuples_per_item) != t5_hidden.shape[0]:
        raise ValueError("one tuple list per batch item")
    target = t5_hidden * mask[..., None]
    source = np.stack([position_matrix(t, linspace_fma=linspace_fma,
                                       gaussian_float32=gaussian_float32)
                       for t in tuples_per_item])
    return cross_a2t(sd, target, source, prefix=prefix, pe_mode=pe_mode)


# ----------------------------------------------------------------------------------------
# 4. hooks for a native comparison
# ----------------------------------------------------------------------------------------

MATRIX_CASES: list[list[tuple]] = [
    [(1, 1, 0, 0)],
    [(5, 5, 0, 1)],
    [(3, 5, 0.9, 0)],
    [(3, 5, 0.9, 1)],
    [(5, 1, 0.3, 1)],
    [(2.7, 4.2, 0.6, 0)],
    [(1, 5, -0.3, 0)],
    [(4.5, 1.5, -0.75, 1)],
    [(5, 5, 0, 0), (1, 1, 0, 0)],
    [(1, 5, 0.3, 1), (5, 1, 0.6, 0), (3, 3, 0.9, 1), (2, 4, -0.5, 0)],
    [(1, 5, 745.5 / 768, 0)],          # n = 745: the FMA-sensitive linspace midpoint
    [(1, 3, 1.0, 0)],
    [(2, 4, 1 / 768, 0)],               # n = 1
    [(2, 4, 0.001, 1)],                 # n = 0
]


def check_native_matrix(native_fn: Callable[[list], np.ndarray], cases: Iterable = None,
                        atol: float = 1e-6) -> float:
    """native_fn(tuples) -> (68,768); asserts agreement with position_matrix on the standard
    cases and returns the largest absolute difference."""
    worst = 0.0
    for tuples in (MATRIX_CASES if cases is None else cases):
        ref = position_matrix(tuples)
        got = np.asarray(native_fn(list(tuples)), dtype=np.float64)
        assert got.shape == ref.shape, (tuples, got.shape)
        d = float(np.max(np.abs(got - ref)))
        assert d <= atol, (tuples, d)
        worst = max(worst, d)
    return worst


def check_native_conditioner(native_fn: Callable, seed: int = 0, batch: int = 2,
                             rtol: float = 1e-4, atol: float = 1e-4) -> float:
    """native_fn(state_dict, t5_hidden, t5_mask, tuples_per_item) -> [B,128,768].
    Random weights and T5 states (padding rows zeroed); returns the max abs difference."""
    rng = np.random.default_rng(seed)
    sd = random_position_state_dict(seed)
    hidden = rng.standard_normal((batch, T5_LEN, EMBED)).astype(np.float32) * 0.3
    mask = np.zeros((batch, T5_LEN), dtype=bool)
    for b in range(batch):
        mask[b, :rng.integers(1, T5_LEN + 1)] = True
    hidden = hidden * mask[..., None]
    tuples = [MATRIX_CASES[(3 * b + seed) % len(MATRIX_CASES)] for b in range(batch)]
    ref = position_conditioner(sd, hidden, mask, tuples)
    got = np.asarray(native_fn(sd, hidden, mask, tuples), dtype=np.float64)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol)
    return float(np.max(np.abs(got - ref)))
