import numpy as np
import pytest

from bewo_rt import _core


@pytest.mark.parametrize("n", [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 16384])
def test_rfft_matches_numpy_float64(n, rng):
    x = rng.standard_normal(n).astype(np.float32)
    re, im = _core.rfft(x)
    ref = np.fft.rfft(x.astype(np.float64))
    err = np.max(np.abs((re + 1j * im) - ref)) / np.max(np.abs(ref))
    assert err < 2e-6


@pytest.mark.parametrize("n", [4, 16, 128, 1024, 8192])
def test_irfft_inverts_and_matches_numpy(n, rng):
    spec = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    spec[0] = spec[0].real
    spec[-1] = spec[-1].real
    x = _core.irfft(spec.real.astype(np.float32), spec.imag.astype(np.float32)) / n
    ref = np.fft.irfft(spec, n)
    assert np.max(np.abs(x - ref)) / np.max(np.abs(ref)) < 2e-6


@pytest.mark.parametrize("n", [0, 2, 3, 1000])
def test_fft_rejects_bad_sizes(n):
    with pytest.raises(ValueError, match="power of two"):
        _core.rfft(np.ones(n, np.float32))
