"""Parametric binaural spectrogram: what the autoencoder compresses and the decoder predicts.

Per STFT frame (16 kHz, 512-point Hann window, hop 128) and bin the features are
- the mid level: log of the RMS of the two ears' magnitudes,
- the interaural level difference in dB (positive: left louder), clipped to +-ILD_MAX_DB,
- the interaural phase difference as a unit vector (cos, sin) of angle(L * conj(R)).
Together they carry everything the metrics read (ITD through the IPD slope, ILD per band) plus
the spectral envelope of the content. The mid phase is not carried: `synthesise` rebuilds it by
Griffin-Lim from the mid magnitude, then gives each ear its level and half the IPD, so the
interaural cues are placed exactly as decoded.
"""
from __future__ import annotations

import torch

SAMPLE_RATE = 16000
N_FFT = 512
HOP = 128
BINS = N_FFT // 2 + 1
ILD_MAX_DB = 24.0
LOG_FLOOR = 1e-4
CHANNELS = 4 * BINS  # mid, ild, cos ipd, sin ipd


def _window(device):
    return torch.hann_window(N_FFT, device=device)


def stft(x: torch.Tensor) -> torch.Tensor:
    """(..., samples) -> (..., BINS, samples // HOP) complex; the trailing centred frame dropped."""
    shape = x.shape
    X = torch.stft(x.reshape(-1, shape[-1]), N_FFT, HOP, window=_window(x.device), center=True,
                   return_complex=True)[..., : shape[-1] // HOP]
    return X.reshape(*shape[:-1], BINS, X.shape[-1])


def istft(X: torch.Tensor, samples: int) -> torch.Tensor:
    shape = X.shape
    X = X.reshape(-1, BINS, shape[-1])
    X = torch.cat([X, torch.zeros_like(X[..., :1])], dim=-1)  # the frame stft() dropped
    y = torch.istft(X, N_FFT, HOP, window=_window(X.device), center=True, length=samples)
    return y.reshape(*shape[:-2], samples)


def analyse(stereo: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(batch, 2, samples) -> features (batch, CHANNELS, frames) and the mid phase (batch, BINS, frames)."""
    X = stft(stereo)
    L, R = X[:, 0], X[:, 1]
    pl, pr = L.abs().square(), R.abs().square()
    mid = torch.log(torch.sqrt(0.5 * (pl + pr)) + LOG_FLOOR)
    ild = (10.0 * torch.log10((pl + 1e-10) / (pr + 1e-10))).clamp(-ILD_MAX_DB, ILD_MAX_DB)
    cross = L * R.conj()
    ipd = torch.angle(cross)
    feats = torch.cat([mid, ild / (ILD_MAX_DB / 2), torch.cos(ipd), torch.sin(ipd)], dim=1)
    mid_phase = torch.angle(L) - 0.5 * ipd
    return feats, mid_phase


def split(feats: torch.Tensor):
    return feats[:, :BINS], feats[:, BINS:2 * BINS], feats[:, 2 * BINS:3 * BINS], feats[:, 3 * BINS:]


def ears(feats: torch.Tensor, mid_phase: torch.Tensor) -> torch.Tensor:
    """Complex (batch, 2, BINS, frames) spectra of the two ears from features and a mid phase."""
    mid, ild, c, s = split(feats)
    mag = (torch.exp(mid) - LOG_FLOOR).clamp_min(0.0)
    r = torch.pow(10.0, ild.clamp(-2, 2) * (ILD_MAX_DB / 2) / 10.0)
    gl, gr = torch.sqrt(2.0 * r / (1.0 + r)), torch.sqrt(2.0 / (1.0 + r))
    half = 0.5 * torch.atan2(s, c)
    L = torch.polar(mag * gl, mid_phase + half)
    R = torch.polar(mag * gr, mid_phase - half)
    return torch.stack([L, R], dim=1)


def griffin_lim(mag: torch.Tensor, samples: int, iterations: int = 32, seed: int = 0) -> torch.Tensor:
    """Phase (batch, BINS, frames) for a magnitude by fast Griffin-Lim (momentum 0.99), seeded."""
    g = torch.Generator().manual_seed(int(seed))
    phase = (torch.rand(mag.shape, generator=g) * (2 * torch.pi)).to(mag.device)
    prev = None
    X = torch.polar(mag, phase)
    for _ in range(iterations):
        y = istft(X, samples)
        Y = stft(y)
        if prev is not None:
            Y_acc = Y + 0.99 * (Y - prev)
        else:
            Y_acc = Y
        prev = Y
        X = mag * torch.exp(1j * torch.angle(Y_acc))
    return torch.angle(X)


def synthesise(feats: torch.Tensor, samples: int, iterations: int = 32, seed: int = 0) -> torch.Tensor:
    """(batch, CHANNELS, frames) features -> (batch, 2, samples) float32 binaural audio."""
    mid = split(feats)[0]
    mag = (torch.exp(mid) - LOG_FLOOR).clamp_min(0.0)
    phase = griffin_lim(mag, samples, iterations, seed)
    return istft(ears(feats, phase), samples)
