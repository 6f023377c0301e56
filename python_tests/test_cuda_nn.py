"""CUDA model kernels (csrc/cuda/nn_cuda.cu) against float64 references on fresh random inputs:
fused attention vs torch's scaled_dot_product_attention (CPU, float64; numpy when torch is
absent) and the fused sampler step vs numpy float64. Tolerances, as max |error| / max |reference|:
fp32 attention 1e-4, fp16 / bf16 attention 1e-2, sampler step 1e-5. The bindings poison the
device output (NaN) before each launch, so an element the kernel does not write fails.

Without a usable GPU these skip; with BEWO_REQUIRE_CUDA=1 (gpu_check.sh) they fail instead."""
import os

import numpy as np
import pytest

import bewo_rt
from bewo_rt import _core

try:
    import torch
except ImportError:  # the numpy reference is used instead
    torch = None

CUDA = bewo_rt.backends()["cuda"]
REQUIRE = os.environ.get("BEWO_REQUIRE_CUDA") == "1"
needs_cuda = pytest.mark.skipif(not CUDA["usable"] and not REQUIRE, reason=f"CUDA not usable: {CUDA['detail']}")

TOL = {"fp32": 1e-4, "fp16": 1e-2, "bf16": 1e-2}


def test_gpu_required_when_asked():
    """gpu_check.sh sets BEWO_REQUIRE_CUDA=1 so the CUDA comparisons cannot pass by skipping."""
    if REQUIRE:
        assert CUDA["usable"], CUDA["detail"]


def test_without_gpu_calls_raise():
    if CUDA["usable"]:
        pytest.skip("a GPU is usable")
    q = np.zeros((4, 8), np.float32)
    with pytest.raises(RuntimeError):
        _core.attention_cuda(q, q, q, 1)
    with pytest.raises(RuntimeError):
        _core.sampler_step_cuda(q, q, q, None, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, False)
    with pytest.raises(RuntimeError):
        _core.time_sampler_cuda(1024, 2, 1)


def test_bad_dtype_is_value_error():
    q = np.zeros((4, 8), np.float32)
    with pytest.raises(ValueError):
        _core.attention_cuda(q, q, q, 1, dtype="fp8")


def rounded(x, dtype):
    """Inputs as the kernel sees them (rounded to fp16 / bf16 on the device), in float64."""
    if dtype == "fp32":
        return x.astype(np.float64)
    if dtype == "fp16":
        return x.astype(np.float16).astype(np.float64)
    if torch is not None:
        return torch.from_numpy(x).to(torch.bfloat16).to(torch.float64).numpy()
    # bf16 round-to-nearest-even by bit manipulation (finite inputs)
    u = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    u = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16
    return u.astype(np.uint32).view(np.float32).astype(np.float64)


def reference_attention(q, k, v, heads, mask, scale):
    """float64 (B, nq, H*D); rows with no key to attend to are zeros."""
    b, nq, w = q.shape
    nk = k.shape[1]
    d = w // heads
    qh = q.reshape(b, nq, heads, d).transpose(0, 2, 1, 3)
    kh = k.reshape(b, nk, heads, d).transpose(0, 2, 1, 3)
    vh = v.reshape(b, nk, heads, d).transpose(0, 2, 1, 3)
    if torch is not None:
        am = None if mask is None else torch.from_numpy(mask.astype(bool))[:, None, None, :]
        out = torch.nn.functional.scaled_dot_product_attention(
            torch.from_numpy(qh), torch.from_numpy(kh), torch.from_numpy(vh), attn_mask=am, scale=scale).numpy()
    else:
        s = np.einsum("bhqd,bhkd->bhqk", qh, kh) * scale
        if mask is not None:
            s = np.where(mask.astype(bool)[:, None, None, :], s, -np.inf)
        mx = np.max(s, axis=-1, keepdims=True)
        p = np.exp(s - np.where(np.isfinite(mx), mx, 0))
        out = np.einsum("bhqk,bhkd->bhqd", p, vh) / np.sum(p, axis=-1, keepdims=True)
    out = out.transpose(0, 2, 1, 3).reshape(b, nq, w)
    if mask is not None:
        out[~mask.astype(bool).any(axis=1)] = 0.0  # SDPA gives NaN there; the kernels define zeros
    return out


def rel_err(out, ref):
    return float(np.max(np.abs(out.astype(np.float64) - ref)) / max(np.max(np.abs(ref)), 1e-30))


def random_mask(rng, b, nk, fully_masked_item):
    mask = (rng.uniform(size=(b, nk)) < 0.7).astype(np.uint8)
    mask[:, 0] = 1
    if fully_masked_item:
        mask[-1] = 0
    return mask


@needs_cuda
@pytest.mark.parametrize("dtype", ["fp32", "fp16", "bf16"])
@pytest.mark.parametrize("head_dim", [48, 64])
@pytest.mark.parametrize("nq,nk", [(158, 158), (158, 49), (1, 1), (65, 130), (470, 470)])
@pytest.mark.parametrize("masked", [False, True])
def test_attention_matches_sdpa(dtype, head_dim, nq, nk, masked, rng):
    b, heads = 2, 4 if head_dim == 48 else 8
    w = heads * head_dim
    q = rng.standard_normal((b, nq, w)).astype(np.float32)
    k = rng.standard_normal((b, nk, w)).astype(np.float32)
    v = rng.standard_normal((b, nk, w)).astype(np.float32)
    mask = random_mask(rng, b, nk, fully_masked_item=nk > 1) if masked else None
    out = _core.attention_cuda(q, k, v, heads, key_mask=mask, dtype=dtype)
    assert out.dtype == np.float32 and out.shape == q.shape
    assert np.all(np.isfinite(out)), "unwritten (poisoned) or non-finite outputs"
    ref = reference_attention(rounded(q, dtype), rounded(k, dtype), rounded(v, dtype), heads, mask,
                              1.0 / np.sqrt(head_dim))
    if mask is not None and nk > 1:
        assert np.all(out[-1] == 0), "a fully masked row must give zeros"
    err = rel_err(out, ref)
    assert err <= TOL[dtype], f"{dtype} D={head_dim} nq={nq} nk={nk} masked={masked}: rel err {err:.3g}"


@needs_cuda
@pytest.mark.parametrize("dtype", ["fp16", "bf16"])
@pytest.mark.parametrize("kernel", [0, 1, 2, 3])
@pytest.mark.parametrize("head_dim,nq,nk", [(48, 158, 49), (64, 65, 130), (48, 470, 470), (128, 33, 200)])
def test_attention_kernel_variants(dtype, kernel, head_dim, nq, nk, rng):
    """Each tensor-core variant (0 auto; 1 simple; 2, 3: pipelined with 4, 8 warps), masked, one item fully masked."""
    b, heads = 2, 2
    w = heads * head_dim
    q, k, v = (rng.standard_normal((b, n, w)).astype(np.float32) for n in (nq, nk, nk))
    mask = random_mask(rng, b, nk, fully_masked_item=True)
    out = _core.attention_cuda(q, k, v, heads, key_mask=mask, dtype=dtype, kernel=kernel)
    assert np.all(np.isfinite(out)) and np.all(out[-1] == 0)
    ref = reference_attention(rounded(q, dtype), rounded(k, dtype), rounded(v, dtype), heads, mask,
                              1.0 / np.sqrt(head_dim))
    assert rel_err(out, ref) <= TOL[dtype]


@needs_cuda
@pytest.mark.parametrize("dtype", ["fp32", "fp16", "bf16"])
@pytest.mark.parametrize("head_dim", [32, 128])
def test_attention_other_head_dims(dtype, head_dim, rng):
    b, heads, nq, nk = 1, 2, 77, 200
    w = heads * head_dim
    q, k, v = (rng.standard_normal((b, n, w)).astype(np.float32) for n in (nq, nk, nk))
    out = _core.attention_cuda(q, k, v, heads, dtype=dtype)
    ref = reference_attention(rounded(q, dtype), rounded(k, dtype), rounded(v, dtype), heads, None,
                              1.0 / np.sqrt(head_dim))
    assert np.all(np.isfinite(out))
    assert rel_err(out, ref) <= TOL[dtype]


@needs_cuda
@pytest.mark.parametrize("dtype", ["fp32", "fp16", "bf16"])
def test_attention_packed_kv_scale_and_2d(dtype, rng):
    """k and v as strided views into one kv buffer; an explicit scale; (tokens, width) inputs."""
    heads, d, nq, nk = 4, 48, 158, 49
    w = heads * d
    q = (2.0 * rng.standard_normal((nq, w))).astype(np.float32)
    kv = rng.standard_normal((nk, 2 * w)).astype(np.float32)
    mask = random_mask(rng, 1, nk, False)
    out = _core.attention_cuda_kv(q, kv, heads, key_mask=mask, scale=0.3, dtype=dtype)
    assert out.shape == (nq, w) and np.all(np.isfinite(out))
    ref = reference_attention(rounded(q, dtype)[None], rounded(kv[:, :w], dtype)[None], rounded(kv[:, w:], dtype)[None],
                              heads, mask, 0.3)[0]
    assert rel_err(out, ref) <= TOL[dtype]
    direct = _core.attention_cuda(q, np.ascontiguousarray(kv[:, :w]), np.ascontiguousarray(kv[:, w:]), heads,
                                  key_mask=mask[0], scale=0.3, dtype=dtype)
    np.testing.assert_array_equal(out, direct)


@needs_cuda
def test_attention_large_scores_stay_finite(rng):
    """Scores of hundreds (a sharp softmax) must not overflow: the running max is subtracted."""
    heads, d, n = 4, 64, 300
    q = (8.0 * rng.standard_normal((2, n, heads * d))).astype(np.float32)
    k = (8.0 * rng.standard_normal((2, n, heads * d))).astype(np.float32)
    v = rng.standard_normal((2, n, heads * d)).astype(np.float32)
    for dtype in ("fp32", "fp16", "bf16"):
        out = _core.attention_cuda(q, k, v, heads, dtype=dtype)
        ref = reference_attention(rounded(q, dtype), rounded(k, dtype), rounded(v, dtype), heads, None, 1 / 8)
        assert np.all(np.isfinite(out))
        # a near-one-hot softmax amplifies the rounding of the scores (|s| ~ 500) for 16-bit inputs
        assert rel_err(out, ref) <= (1e-4 if dtype == "fp32" else 5e-2)


@needs_cuda
def test_attention_unsupported_head_dim_for_tensor_cores():
    q = np.zeros((1, 8, 2 * 40), np.float32)
    with pytest.raises(RuntimeError, match="head_dim"):
        _core.attention_cuda(q, q, q, 2, dtype="fp16")
    out = _core.attention_cuda(q, q, q, 2, dtype="fp32")  # the FMA kernel takes any head_dim <= 128
    assert np.all(out == 0)


def reference_step(x, vc, vu, prev_d, a, s, cfg, cx, cd, cp, last):
    x, vc, vu = (t.astype(np.float64) for t in (x, vc, vu))
    d = a * x - s * (vu + cfg * (vc - vu))
    if last:
        return d, d
    xn = cx * x + cd * d
    if cp != 0:
        xn = xn + cp * prev_d.astype(np.float64)
    return xn, d


@needs_cuda
@pytest.mark.parametrize("n", [1, 3, 4, 1027, 2 * 64 * 157, 1 << 20])
@pytest.mark.parametrize("last", [False, True])
@pytest.mark.parametrize("have_prev", [False, True])
def test_sampler_step_matches_float64(n, last, have_prev, rng):
    x, vc, vu, pd = (rng.standard_normal(n).astype(np.float32) for _ in range(4))
    a, s, cfg = float(rng.uniform(0.1, 1)), float(rng.uniform(0.1, 1)), float(rng.uniform(1, 6))
    cx, cd = float(rng.uniform(0, 1)), float(rng.uniform(0, 1))
    cp = float(rng.uniform(-0.5, 0.5)) if have_prev else 0.0
    xn, d = _core.sampler_step_cuda(x, vc, vu, pd if have_prev else None, a, s, cfg, cx, cd, cp, last)
    assert xn.shape == x.shape and d.shape == x.shape
    assert np.all(np.isfinite(xn)) and np.all(np.isfinite(d)), "unwritten (poisoned) outputs"
    rx, rd = reference_step(x, vc, vu, pd, a, s, cfg, cx, cd, cp, last)
    assert rel_err(d, rd) <= 1e-5
    assert rel_err(xn, rx) <= 1e-5


@needs_cuda
def test_sampler_step_shape_2d(rng):
    x, vc, vu, pd = (rng.standard_normal((2, 64, 157)).astype(np.float32) for _ in range(4))
    xn, d = _core.sampler_step_cuda(x, vc, vu, pd, 0.8, 0.6, 3.0, 0.7, 0.2, 0.1, False)
    assert xn.shape == x.shape
    rx, rd = reference_step(x, vc, vu, pd, 0.8, 0.6, 3.0, 0.7, 0.2, 0.1, False)
    assert rel_err(xn, rx) <= 1e-5 and rel_err(d, rd) <= 1e-5


@needs_cuda
def test_timing_entry_points():
    for dt in ("fp32", "fp16", "bf16"):
        ms = _core.time_attention_cuda(2, 158, 49, 4, 48, dt, reps=3, inner=2, mask=True)
        assert len(ms) == 3 and all(t > 0 for t in ms)
    ms = _core.time_sampler_cuda(1 << 16, reps=3, inner=2)
    assert len(ms) == 3 and all(t > 0 for t in ms)
    ms = _core.time_copy_cuda(1 << 20, reps=3)
    assert len(ms) == 3 and all(t > 0 for t in ms)
    info = _core.cuda_device_info()
    assert info["sm_count"] > 0 and info["peak_bandwidth_gbs"] > 0


@needs_cuda
@pytest.mark.parametrize("dtype,tol_forward,tol_sample", [("fp16", 2e-2, 3e-2), ("bf16", 8e-2, 1e-1)])
@pytest.mark.parametrize("width,heads,batch,frames", [(192, 4, 1, 157), (256, 4, 2, 61), (512, 8, 1, 157)])
def test_dit_cuda_matches_cpu(dtype, tol_forward, tol_sample, width, heads, batch, frames, rng):
    """DitCuda (tensor-core GEMMs, LayerNorm, RoPE, attention, the sampler loop as one CUDA graph) vs
    the CPU dit_forward + sampler_step on random weights rounded to the dtype. The GPU rounds
    activations to the dtype at every GEMM / attention input, hence the looser tolerances."""
    r = _core.dit_cuda_selftest(width=width, heads=heads, depth=2, frames=frames, batch=batch, n_ctx=13, steps=4,
                                dtype=dtype, seed=int(rng.integers(1 << 31)))
    print(r)
    assert r["forward_rel_err"] <= tol_forward, r
    assert r["sample_rel_err"] <= tol_sample, r


# ---- the model GEMM (gemm_cuda.cuh) against a float64 reference on the same rounded inputs ----
# Only fp32 accumulation separates them: 1e-4 relative (sums of K <= 800 terms of unit size); rows
# and padding the GEMM must not write keep their poison (else the error is infinite).
@needs_cuda
@pytest.mark.parametrize("dtype", ["fp16", "bf16", "fp32"])
@pytest.mark.parametrize("kernel", [1, 2])
@pytest.mark.parametrize("mode", [0, 1, 2, 3, 4, 5, 6])
def test_model_gemm_matches_float64(rng, dtype, kernel, mode):
    # (the float64 reference runs on the host: sizes kept to ~1e7 multiply-adds per case)
    for M, N, K in ((1, 64, 64), (70, 130, 96), (int(rng.integers(65, 200)), 2 * int(rng.integers(33, 80)), 8 * int(rng.integers(5, 100)))):
        r = _core.gemm_cuda_check(M, N, K, dtype=dtype, kernel=kernel, mode=mode, seed=int(rng.integers(1 << 30)))
        assert r["rel_err"] <= 1e-4, (M, N, K, r)
        if dtype != "fp32":
            assert r["kernel"] == ("pipelined" if kernel == 2 else "simple")


@needs_cuda
def test_model_gemm_falls_back_when_the_pipeline_does_not_fit():
    r = _core.gemm_cuda_check(33, 64, 100, dtype="fp16", kernel=2, mode=0, seed=3)  # K % 8 != 0
    assert r["kernel"] == "simple" and r["rel_err"] <= 1e-4


def test_model_gemm_without_gpu_raises():
    if CUDA["usable"]:
        pytest.skip("a GPU is usable")
    with pytest.raises(Exception, match="CUDA"):
        _core.gemm_cuda_check(8, 8, 8)
