import os

import numpy as np
import pytest


@pytest.fixture
def rng(request):
    """Fresh random inputs every run; the seed is printed so a failure can be replayed
    (BEWO_TEST_SEED=... pytest ...)."""
    seed = int(os.environ.get("BEWO_TEST_SEED", int.from_bytes(os.urandom(4), "little")))
    print(f"{request.node.nodeid}: BEWO_TEST_SEED={seed}")
    return np.random.default_rng(seed)


def gcc_phat_lag(left: np.ndarray, right: np.ndarray, max_lag: int) -> float:
    """Lag (samples, fractional) by which the left ear lags the right; negative = left leads."""
    n = 1 << int(np.ceil(np.log2(left.size + right.size)))
    L = np.fft.rfft(left.astype(np.float64), n)
    R = np.fft.rfft(right.astype(np.float64), n)
    cross = L * np.conj(R)
    cc = np.fft.irfft(cross / np.maximum(np.abs(cross), 1e-12), n)
    cc = np.concatenate([cc[-max_lag:], cc[:max_lag + 1]])
    k = int(np.argmax(cc))
    if 0 < k < cc.size - 1:  # parabolic refinement of the peak
        a, b, c = cc[k - 1], cc[k], cc[k + 1]
        k = k + 0.5 * (a - c) / (a - 2 * b + c)
    return k - max_lag
