"""BEWO's attribute models (BEWO_attri / BEWO_mix) on the native runtime: the `position`
conditioner's matrix and its cross_a2t transformer against the float64 numpy model of
SAO_SPEC.md section 5 (bewo_position_ref, written from BEWO's repository), inside a whole
conditioning pass of a random-weight model whose config lists `position` after `prompt`.
The DiT and decoder of these checkpoints are SAO 1.0's, checked in test_sao_parity.py."""
from __future__ import annotations

import json

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

import bewo_position_ref as P
import sao_reference as R

bewo_rt = pytest.importorskip("bewo_rt")
from bewo_rt import _core  # noqa: E402


@pytest.fixture(scope="module")
def bewo_mix(tmp_path_factory):
    """A small SAO-1.0-layout model plus BEWO's position conditioner (random weights)."""
    R.setup_imports()
    root = tmp_path_factory.mktemp("bewo")
    t5 = R.make_t5_folder(root / "t5")
    d = R.make_bewo_mix(root / "bewo_mix", t5, seed=5, position_seed=7)
    pos = P.random_position_state_dict(seed=7)
    m = bewo_rt.load_model(d, t5=t5)
    return m, pos


def test_matrix_matches_the_float64_model_on_hand_worked_and_random_tuples():
    # The reference module's own cases (statics, decimals such as 2.7 -> row 6, jumps with
    # negative speed, right-to-left ramps, Gaussian columns) plus fresh random tuples.
    worst = P.check_native_matrix(lambda t: _core.sa_position_matrix([list(x) for x in t]))
    assert worst < 1e-6
    rng = np.random.default_rng()
    cases = []
    for _ in range(40):
        k = int(rng.integers(1, 5))
        cases.append([(float(rng.uniform(1, 5)), float(rng.uniform(1, 5)), float(rng.choice([0, 0.3, 0.6, 0.9, -rng.uniform(0, 1), rng.uniform(0, 1)])),
                       float(rng.integers(0, 2))) for _ in range(k)])
    assert P.check_native_matrix(lambda t: _core.sa_position_matrix([list(x) for x in t]), cases=cases) < 1e-6


def test_matrix_rejects_more_than_four_sources_and_bad_directions():
    with pytest.raises(ValueError, match="at most 4"):
        _core.sa_position_matrix([[3, 3, 0, 1]] * 5)
    with pytest.raises(ValueError, match="1 \\(left\\) .. 5 \\(right\\)"):
        _core.sa_position_matrix([[0.2, 3, 0, 1]])
    with pytest.raises(ValueError, match="speed"):
        _core.sa_position_matrix([[1, 5, 1.5, 1]])


def test_position_tokens_match_the_reference_transformer(bewo_mix):
    m, pos = bewo_mix
    prompts = ["a dog barks on the left while a car passes from right to left", "footsteps walking by"]
    rng = np.random.default_rng()
    tuples = [[(1.0, 1.0, 0.0, 1.0), (5.0, 1.0, 0.6, 1.0)],
              [(float(rng.uniform(1, 5)), float(rng.uniform(1, 5)), float(rng.uniform(0.1, 0.9)), 1.0)]]
    cross, glob = m.conditioning(prompts, 0.0, 10.0, positions=tuples)
    # Context order follows cross_attention_cond_ids: T5 (128), seconds_start, seconds_total, position (128).
    assert cross.shape == (2, 128 + 1 + 1 + 128, 768)
    h, mask = m.encode_text(prompts)
    np.testing.assert_array_equal(cross[:, :128], h)
    ref = P.position_conditioner({k: v.astype(np.float64) for k, v in pos.items()}, h.astype(np.float64), mask, tuples)
    got = cross[:, 130:]
    err = np.abs(got - ref).max() / np.abs(ref).max()
    # fp32 against float64 through 4 attention blocks and 8 LayerNorms: measured ~1e-6; ~10x.
    assert err < 1e-5, err


def test_positions_are_checked(bewo_mix):
    m, _ = bewo_mix
    with pytest.raises(ValueError, match="at most 4"):
        m.conditioning(["a"], 0.0, 10.0, positions=[[(3, 3, 0, 1)] * 5])
    with pytest.raises(ValueError, match="one list"):
        m.conditioning(["a", "b"], 0.0, 10.0, positions=[[(3, 3, 0, 1)]])
