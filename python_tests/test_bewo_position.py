"""BEWO `position` conditioner: the NumPy reference (bewo_position_ref.py) against numbers
worked by hand from SAO_SPEC.md section 5, plus (when torch is installed) a cross-check
against an independent torch.nn re-creation (bewo_position_torch.py).

The native runtime is compared later through bewo_position_ref.check_native_matrix /
check_native_conditioner."""
import math

import numpy as np
import pytest

import bewo_position_ref as R


def rows_of(m):
    """Row index of the 1 in every column of a 0/1 matrix (asserts one 1 per column)."""
    assert set(np.unique(m)) <= {0.0, 1.0}
    assert np.all(m.sum(axis=0) == 1)
    return m.argmax(axis=0)


# ---------------------------------------------------------------- rows of a direction

@pytest.mark.parametrize("d,row", [(1, 0), (2, 4), (3, 8), (4, 12), (5, 16), (2.7, 6),
                                   (2.8, 7), (4.2, 12), (1.25, 1), (1.3, 1), (2.75, 7),
                                   (4.99, 15)])
def test_direction_row(d, row):
    assert R.direction_row(d) == row


# ---------------------------------------------------------------- still sources

@pytest.mark.parametrize("t,row", [((1, 1, 0, 0), 0), ((5, 5, 0, 0), 16), ((3, 3, 0.9, 0), 8),
                                   ((2, 4, 0, 0), 4), ((2.7, 2.7, 0, 0), 6),
                                   ((4, 2, -0.0, 0), 12)])
def test_still_source_is_one_row_of_ones(t, row):
    m = R.source_matrix(*t)
    assert m.shape == (17, 768) and m.dtype == np.float64
    assert np.all(m[row] == 1)
    assert m.sum() == 768


# ---------------------------------------------------------------- jumps (speed < 0)

@pytest.mark.parametrize("t,k,rb,re_", [((1, 5, -0.3, 0), 230, 0, 16),    # int(230.39999)
                                        ((2, 4, -0.5, 0), 384, 4, 12),
                                        ((5, 2.7, -0.9, 0), 691, 16, 6),  # int(691.2)
                                        ((1, 5, -1.5, 0), 768, 0, 16)])
def test_negative_speed_jump(t, k, rb, re_):
    r = rows_of(R.source_matrix(*t))
    assert np.all(r[:k] == rb) and np.all(r[k:] == re_)


# ---------------------------------------------------------------- moving (speed > 0)

def test_linspace_left_to_right_half_speed():
    # speed 0.5: n = 384 columns of linspace(0, 16, 384), starting at f = 192
    r = rows_of(R.source_matrix(1, 5, 0.5, 0))
    assert np.all(r[:192] == 0)            # begin row before the ramp
    assert np.all(r[576:] == 16)           # end row after it
    ramp = r[192:576]
    step = 16 / 383
    expect = [int(step * i) if i < 192 else int(16 - step * (383 - i)) for i in range(384)]
    assert ramp.tolist() == expect
    # ascending: the end row appears once inside the ramp (its last column)...
    assert np.sum(ramp == 16) == 1 and ramp[-1] == 16 and ramp[-2] == 15
    # ...the begin row for every value in [0, 1): i*16/383 < 1 <=> i <= 23
    assert np.sum(ramp == 0) == 24
    assert np.all(np.diff(ramp) >= 0) and set(ramp.tolist()) == set(range(17))


def test_linspace_right_to_left_truncation_favours_lower_rows():
    # descending: the *begin* row appears once in the ramp, the end row (0) 24 times,
    # because the values are truncated toward zero
    r = rows_of(R.source_matrix(5, 1, 0.5, 0))
    ramp = r[192:576]
    assert np.all(r[:192] == 16) and np.all(r[576:] == 0)
    assert ramp[0] == 16 and ramp[1] == 15 and np.sum(ramp == 16) == 1
    assert np.sum(ramp == 0) == 24
    assert np.all(np.diff(ramp) <= 0)


@pytest.mark.parametrize("speed,n,f", [(0.3, 230, 269), (0.6, 460, 154), (0.9, 691, 38),
                                       (1.0, 768, 0), (0.25, 192, 288)])
def test_ramp_length_and_offset(speed, n, f):
    # n = int(768 s) (0.6*768 = 460.79999 -> 460), f = (768 - n) // 2
    r = rows_of(R.source_matrix(1, 5, speed, 0))
    ramp = np.asarray(R.torch_int_linspace(0, 16, n))
    assert np.all(r[:f] == 0) and np.all(r[f:f + n] == ramp) and np.all(r[f + n:] == 16)


def test_ramp_of_one_and_zero_columns():
    r = rows_of(R.source_matrix(2, 4, 1 / 768, 0))          # n = 1 -> [start], f = 383
    assert np.all(r[:384] == 4) and np.all(r[384:] == 12)
    r = rows_of(R.source_matrix(2, 4, 0.001, 0))            # n = 0, f = 384
    assert np.all(r[:384] == 4) and np.all(r[384:] == 12)


def test_ramp_between_decimal_directions():
    # 2.7 -> row 6, 4.2 -> row 12; n = int(0.6*768) = 460, f = 154
    r = rows_of(R.source_matrix(2.7, 4.2, 0.6, 0))
    assert np.all(r[:154] == 6) and np.all(r[614:] == 12)
    assert r[154:614].tolist() == R.torch_int_linspace(6, 12, 460)


def test_linspace_fma_midpoint():
    # PyTorch's x86 AVX2/AVX512 kernels fuse start + step*i; BEWO runs those
    assert R.torch_int_linspace(0, 16, 745)[372] == 7
    assert R.torch_int_linspace(0, 16, 745, fma=False)[372] == 8
    assert R.torch_int_linspace(0, 2, 199)[99] == 0
    r = rows_of(R.source_matrix(1, 5, 745.5 / 768, 0))      # n = 745, f = 11
    assert r[11 + 372] == 7


def test_speed_above_one_rejected():
    with pytest.raises(ValueError):
        R.source_matrix(1, 5, 1.5, 0)


# ---------------------------------------------------------------- Gaussian flag

def gauss_col(c):
    g = [math.exp(-((y - c) ** 2) / 2) for y in range(17)]
    z = sum(g)
    return np.array([x / z for x in g])


def test_gaussian_flag_columns():
    m = R.source_matrix(1, 1, 0, 1)
    assert np.allclose(m, gauss_col(0)[:, None], rtol=0, atol=1e-15)
    assert abs(m[0, 0] - 1 / (1 + sum(math.exp(-d * d / 2) for d in range(1, 17)))) < 1e-15
    assert abs(m[0, 0] - 0.570348) < 1e-6   # 1/(1+.60653+.13534+.01111+.00034+...)
    m = R.source_matrix(3, 3, 0, 1)                  # centre row 8: Z ~ sqrt(2 pi)
    assert abs(m[8, 5] - 0.398942) < 1e-6 and abs(m[7, 5] - m[9, 5]) < 1e-16
    m = R.source_matrix(5, 1, 0.3, 5)                # any non-zero flag
    hard = R.source_matrix(5, 1, 0.3, 0)
    for col in (0, 268, 269, 300, 498, 499, 767):
        assert np.allclose(m[:, col], gauss_col(int(hard[:, col].argmax())), atol=1e-15)
    assert np.allclose(m.sum(axis=0), 1.0, atol=1e-14)


# ---------------------------------------------------------------- stacking

def test_padding_and_stacking():
    t = [(1, 1, 0, 0), (5, 1, 0.3, 1)]
    S = R.position_matrix(t)
    assert S.shape == (68, 768) and S.dtype == np.float64
    assert np.array_equal(S[:17], R.source_matrix(*t[0]))
    assert np.array_equal(S[17:34], R.source_matrix(*t[1]))
    assert np.all(S[34:] == 0)
    assert np.all(R.position_matrix([]) == 0)
    four = [(1, 1, 0, 0), (2, 2, 0, 1), (3, 5, 0.9, 0), (5, 1, -0.5, 1)]
    S4 = R.position_matrix(four)
    for k, tk in enumerate(four):
        assert np.array_equal(S4[17 * k:17 * k + 17], R.source_matrix(*tk))
    assert np.allclose(S4.sum(axis=0), 4.0)


def test_more_than_four_sources_rejected():
    with pytest.raises(ValueError):
        R.position_matrix([(1, 1, 0, 0)] * 5)


def test_lists_accepted_like_tuples():
    # BEWO's config demos pass [[3,5,0.9,1]]
    assert np.array_equal(R.position_matrix([[3, 5, 0.9, 1]]), R.position_matrix([(3, 5, 0.9, 1)]))


# ---------------------------------------------------------------- weights and cross_a2t

def test_state_dict_keys():
    keys = R.state_dict_shapes()
    assert len(keys) == 68
    assert sum(int(np.prod(s)) for _, s in keys) == 29_532_672
    names = [k for k, _ in keys]
    assert all(k.startswith("conditioner.conditioners.position.cross_a2t.") for k in names)
    assert "conditioner.conditioners.position.cross_a2t.embedding.weight" in names
    assert ("conditioner.conditioners.position.cross_a2t.transformer_blocks.3.t2a."
            "query_embedding.weight", (768, 768)) in keys
    assert ("conditioner.conditioners.position.cross_a2t.transformer_blocks.0.feed_forward."
            "2.weight", (768, 3072)) in keys
    sd = R.random_position_state_dict(1)
    assert [(k, v.shape) for k, v in sd.items()] == keys
    assert all(v.dtype == np.float32 for v in sd.values())
    assert not np.array_equal(sd[names[-1]], 0)  # output bias random


def test_positional_encoding():
    pe = R.positional_encoding(128, mode="float64")
    assert np.allclose(pe[0, 0::2], 0) and np.allclose(pe[0, 1::2], 1)
    assert abs(pe[5, 0] - math.sin(5)) < 1e-15 and abs(pe[5, 1] - math.cos(5)) < 1e-15
    w = math.exp(100 * -math.log(10000.0) / 768)            # pair i = 50
    assert abs(pe[77, 100] - math.sin(77 * w)) < 1e-14 and abs(pe[77, 101] - math.cos(77 * w)) < 1e-14
    assert np.array_equal(R.positional_encoding(68), R.positional_encoding(128)[:68])
    assert np.abs(R.positional_encoding(128) - pe).max() < 1e-5


@pytest.fixture(scope="module")
def small_case():
    rng = np.random.default_rng(7)
    sd = R.random_position_state_dict(3)
    h = rng.standard_normal((2, 128, 768)) * 0.5
    mask = np.zeros((2, 128), dtype=bool)
    mask[0, :9] = True
    mask[1, :40] = True
    tuples = [[(1, 5, 0.3, 1)], [(5, 5, 0, 0), (2, 4, -0.5, 1)]]
    return sd, h, mask, tuples


def test_conditioner_shape_mask_and_batch_independence(small_case):
    sd, h, mask, tuples = small_case
    out = R.position_conditioner(sd, h, mask, tuples)
    assert out.shape == (2, 128, 768) and np.isfinite(out).all()
    # the mask is only applied to the T5 states: unmasked input gives the same result
    # as pre-masked input
    out2 = R.position_conditioner(sd, h * mask[..., None], np.ones((2, 128)), tuples)
    assert np.array_equal(out, out2)
    # items are independent
    one = R.position_conditioner(sd, h[1:], mask[1:], tuples[1:])
    assert np.allclose(one[0], out[1], rtol=0, atol=1e-12)


def test_attention_is_over_source_rows(small_case):
    # with zero key weights/biases every query attends uniformly to the 68 source rows,
    # so the attention output is out_projection(mean_j v_j) for every query
    sd, h, mask, tuples = small_case
    sd = dict(sd)
    p = R.PREFIX + "transformer_blocks.0.t2a."
    sd[p + "key_embedding.weight"] = np.zeros_like(sd[p + "key_embedding.weight"])
    sd[p + "key_embedding.bias"] = np.zeros_like(sd[p + "key_embedding.bias"])
    rng = np.random.default_rng(0)
    t = rng.standard_normal((1, 128, 768))
    s = rng.standard_normal((1, 68, 768))
    a = R.cross_attention(sd, p[:-1], t, s)
    v = s @ sd[p + "value_embedding.weight"].astype(np.float64).T + sd[p + "value_embedding.bias"]
    want = v.mean(axis=1) @ sd[p + "out_projection.weight"].astype(np.float64).T + sd[p + "out_projection.bias"]
    assert np.allclose(a, np.broadcast_to(want[:, None], a.shape), atol=1e-12)


def test_native_hooks_accept_the_reference_itself():
    assert R.check_native_matrix(R.position_matrix) == 0.0
    assert R.check_native_conditioner(lambda *a: R.position_conditioner(*a), batch=1) == 0.0


# ---------------------------------------------------------------- torch cross-checks

def test_torch_linspace_emulation():
    torch = pytest.importorskip("torch")
    cap = torch.backends.cpu.get_cpu_capability()
    if cap not in ("AVX2", "AVX512"):
        pytest.skip(f"FMA contraction of torch's linspace kernel only checked on x86 AVX2/AVX512, not {cap}")
    ns = [0, 1, 2, 3, 4, 17, 100, 192, 199, 230, 384, 423, 460, 493, 647, 691, 745, 767, 768]
    for s in range(17):
        for e in range(17):
            for n in ns:
                got = torch.linspace(s, e, n, dtype=torch.int64).tolist()
                assert got == R.torch_int_linspace(s, e, n), (s, e, n)


def test_torch_module_matches_numpy():
    pytest.importorskip("torch")
    import bewo_position_torch as T
    r = T.quick_check(seed=1, verbose=False)
    assert r["keys_match"]
    assert r["matrix_max_diff"] == 0.0
    assert r["out_max_diff_float64"] < 1e-10
    assert r["out_max_diff_bewo_pe"] < 1e-4
