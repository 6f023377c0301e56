"""Frechet spatial distance between two sets of binaural feature vectors.

Each set of vectors is fitted with a Gaussian (mean, covariance) and
    d^2 = |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2))
(scipy.linalg.sqrtm, imaginary round-off dropped), as in FAD/FID. Feature vector per non-silent
window: [GCC-PHAT ITD in samples at 16 kHz, octave-band ILDs in dB] (WindowFeatures.vectors),
so both kinds of feature have a spread of roughly +-10..20 units.

This is NOT BEWO's FSAD: FSAD uses the embedding of a learned StereoCRW ITD model, whose weights
are not available here; numbers from the two are not comparable, only their behaviour (0 for
identical sets, growing as the spatial distributions drift apart).
"""
from __future__ import annotations

import numpy as np


def gaussian_fit(vectors) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(vectors, dtype=np.float64)
    if v.ndim != 2 or v.shape[0] < 2:
        raise ValueError(f"need at least 2 feature vectors (rows) to fit a Gaussian, got shape {v.shape}")
    v = v[np.all(np.isfinite(v), axis=1)]
    if v.shape[0] < 2:
        raise ValueError("fewer than 2 finite feature vectors")
    return v.mean(axis=0), np.atleast_2d(np.cov(v, rowvar=False))


def frechet_distance(mu1, s1, mu2, s2, eps: float = 1e-6) -> float:
    """Squared Frechet distance between N(mu1, s1) and N(mu2, s2)."""
    from scipy import linalg

    mu1, mu2 = np.atleast_1d(mu1), np.atleast_1d(mu2)
    s1, s2 = np.atleast_2d(s1), np.atleast_2d(s2)
    diff = mu1 - mu2
    covmean = linalg.sqrtm(s1 @ s2)
    if not np.all(np.isfinite(covmean)):
        off = np.eye(s1.shape[0]) * eps
        covmean = linalg.sqrtm((s1 + off) @ (s2 + off))
    covmean = np.real(covmean)
    d = float(diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(covmean))
    return max(d, 0.0)


def spatial_frechet(vectors_a, vectors_b) -> float:
    """Frechet distance between two stacks of per-window feature vectors (rows)."""
    m1, c1 = gaussian_fit(vectors_a)
    m2, c2 = gaussian_fit(vectors_b)
    return frechet_distance(m1, c1, m2, c2)
