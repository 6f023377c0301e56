"""Parametric binaural spectrogram: what the autoencoder compresses and the decoder predicts.

Per STFT frame (16 kHz, 512-point Hann window, hop 128 = 8 ms):
- the mid level per bin (257): log of the RMS of the two ears' magnitudes;
- the interaural level difference in 16 bands (dB / 12, positive: left louder, clipped to +-24 dB);
- the interaural time difference in 4 bands (ms, positive: the left ear leads, i.e. a source on
  the left), the peak of a band-limited, partly whitened cross-correlation within +-1 ms.
Interaural cues are averaged over 5 frames (40 ms) before they are measured, as an ear would.
Carrying cues per band, not per bin, keeps them few and smooth, so the autoencoder keeps them
and the diffusion model can learn them; a source's ITD is the same across its bands, which
the per-bin phase only shows through its slope.

`synthesise` rebuilds the mid phase by Griffin-Lim from the mid magnitude, then gives each ear
its level (ILD interpolated between band centres) and half the interaural phase 2 pi f ITD(f)
(ITD interpolated between band centres), so the cues are placed exactly as decoded.
"""
from __future__ import annotations

import math

import torch

SAMPLE_RATE = 16000
N_FFT = 512
HOP = 128
BINS = N_FFT // 2 + 1
ILD_MAX_DB = 24.0
ITD_MAX_MS = 1.0
LOG_FLOOR = 1e-4
SMOOTH_FRAMES = 5
ILD_EDGES_HZ = (0, 150, 300, 450, 630, 840, 1100, 1400, 1800, 2300, 2900, 3600, 4400, 5300, 6300, 7200, 8001)
ITD_EDGES_HZ = (50, 700, 1500, 3000, 8001)
ILD_BANDS = len(ILD_EDGES_HZ) - 1
ITD_BANDS = len(ITD_EDGES_HZ) - 1
CHANNELS = BINS + ILD_BANDS + ITD_BANDS
LAGS = 33  # ITD search grid: -1..1 ms in 1/16 ms steps, refined by a parabola


def _freqs(device=None):
    return torch.arange(BINS, device=device, dtype=torch.float32) * (SAMPLE_RATE / N_FFT)


def _band_matrix(edges, device=None) -> torch.Tensor:
    f = _freqs(device)
    return torch.stack([((f >= lo) & (f < hi)).float() for lo, hi in zip(edges[:-1], edges[1:])])  # (bands, bins)


def _centres(edges):
    return [0.5 * (lo + hi) for lo, hi in zip(edges[:-1], edges[1:])]


def _interp_matrix(edges, device=None) -> torch.Tensor:
    """(bins, bands): piecewise-linear interpolation between band centres, flat beyond them."""
    f = _freqs(device)
    c = torch.tensor(_centres(edges), device=device, dtype=torch.float32)
    m = torch.zeros(BINS, len(c), device=device)
    for k in range(BINS):
        if f[k] <= c[0]:
            m[k, 0] = 1.0
        elif f[k] >= c[-1]:
            m[k, -1] = 1.0
        else:
            j = int(torch.searchsorted(c, f[k]).item())
            w = float((f[k] - c[j - 1]) / (c[j] - c[j - 1]))
            m[k, j - 1], m[k, j] = 1.0 - w, w
    return m


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


def _smooth(x: torch.Tensor) -> torch.Tensor:
    """Moving average over SMOOTH_FRAMES frames along the last axis (same length)."""
    shape = x.shape
    k = torch.ones(1, 1, SMOOTH_FRAMES, device=x.device, dtype=x.dtype) / SMOOTH_FRAMES
    y = torch.nn.functional.conv1d(x.reshape(-1, 1, shape[-1]), k, padding=SMOOTH_FRAMES // 2)
    return y.reshape(shape)


def band_itd(cross: torch.Tensor) -> torch.Tensor:
    """(batch, BINS, frames) complex cross-spectrum L conj(R) -> (batch, ITD_BANDS, frames) ms."""
    dev = cross.device
    cs = torch.complex(_smooth(cross.real), _smooth(cross.imag))
    white = cs / (cs.abs() + 1e-12) ** 0.75  # mostly whitened: every bin counts, loud ones a little more
    tau = torch.linspace(-ITD_MAX_MS, ITD_MAX_MS, LAGS, device=dev) / 1000.0
    steer = torch.exp(-2j * math.pi * _freqs(dev)[:, None] * tau[None, :])  # (bins, lags)
    bands = _band_matrix(ITD_EDGES_HZ, dev)  # (bands, bins)
    # r[b, band, frame, lag] = Re sum_bins band * white * steer
    r = torch.einsum("kf,bft,fl->bktl", bands.to(torch.complex64), white, steer).real
    i = r.argmax(dim=-1)
    lo, hi = (i - 1).clamp(0, LAGS - 1), (i + 1).clamp(0, LAGS - 1)
    y0, y1, y2 = r.gather(-1, lo[..., None])[..., 0], r.gather(-1, i[..., None])[..., 0], r.gather(-1, hi[..., None])[..., 0]
    den = y0 - 2 * y1 + y2
    off = torch.where((den < 0) & (lo != i) & (hi != i), 0.5 * (y0 - y2) / den.clamp(max=-1e-12), torch.zeros_like(den))
    step = 2 * ITD_MAX_MS / (LAGS - 1)
    return (-ITD_MAX_MS + (i.float() + off.clamp(-0.5, 0.5)) * step).clamp(-ITD_MAX_MS, ITD_MAX_MS)


def analyse(stereo: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(batch, 2, samples) -> features (batch, CHANNELS, frames) and the mid phase (batch, BINS, frames)."""
    X = stft(stereo)
    L, R = X[:, 0], X[:, 1]
    pl, pr = L.abs().square(), R.abs().square()
    mid = torch.log(torch.sqrt(0.5 * (pl + pr)) + LOG_FLOOR)
    bands = _band_matrix(ILD_EDGES_HZ, stereo.device)
    bl, br = _smooth(torch.einsum("kf,bft->bkt", bands, pl)), _smooth(torch.einsum("kf,bft->bkt", bands, pr))
    ild = (10.0 * torch.log10((bl + 1e-10) / (br + 1e-10))).clamp(-ILD_MAX_DB, ILD_MAX_DB)
    cross = L * R.conj()
    itd = band_itd(cross)
    feats = torch.cat([mid, ild / (ILD_MAX_DB / 2), itd / ITD_MAX_MS], dim=1)
    # The mid phase that ears() needs to give back both ears from these very features: the two
    # ears moved by half the (band-interpolated) ITD each way, then summed. (Half the wrapped
    # per-bin IPD would put both ears off by pi wherever the band ITD and the IPD wrap differ.)
    half = math.pi * _freqs(stereo.device)[None, :, None] * \
        torch.einsum("fk,bkt->bft", _interp_matrix(ITD_EDGES_HZ, stereo.device), itd) / 1000.0
    mid_phase = torch.angle(L * torch.exp(-1j * half) + R * torch.exp(1j * half))
    return feats, mid_phase


def split(feats: torch.Tensor):
    return feats[:, :BINS], feats[:, BINS:BINS + ILD_BANDS], feats[:, BINS + ILD_BANDS:]


def band_energy(feats: torch.Tensor):
    """Per-band power of the mid (ILD bands, ITD bands): what weights the interaural losses."""
    p = torch.exp(2 * split(feats)[0])
    return (torch.einsum("kf,bft->bkt", _band_matrix(ILD_EDGES_HZ, feats.device), p),
            torch.einsum("kf,bft->bkt", _band_matrix(ITD_EDGES_HZ, feats.device), p))


def ears(feats: torch.Tensor, mid_phase: torch.Tensor) -> torch.Tensor:
    """Complex (batch, 2, BINS, frames) spectra of the two ears from features and a mid phase."""
    mid, ild, itd = split(feats)
    dev = feats.device
    mag = (torch.exp(mid) - LOG_FLOOR).clamp_min(0.0)
    ild_bin = torch.einsum("fk,bkt->bft", _interp_matrix(ILD_EDGES_HZ, dev), ild.clamp(-2, 2) * (ILD_MAX_DB / 2))
    itd_bin = torch.einsum("fk,bkt->bft", _interp_matrix(ITD_EDGES_HZ, dev), itd.clamp(-1, 1) * ITD_MAX_MS)
    r = torch.pow(10.0, ild_bin / 10.0)
    gl, gr = torch.sqrt(2.0 * r / (1.0 + r)), torch.sqrt(2.0 / (1.0 + r))
    half = math.pi * _freqs(dev)[None, :, None] * itd_bin / 1000.0
    L = torch.polar(mag * gl, mid_phase + half)
    R = torch.polar(mag * gr, mid_phase - half)
    return torch.stack([L, R], dim=1)


def griffin_lim(mag: torch.Tensor, samples: int, iterations: int = 32, seed: int = 0) -> torch.Tensor:
    """Phase (batch, BINS, frames) for a magnitude by fast Griffin-Lim (momentum 0.99), seeded."""
    g = torch.Generator().manual_seed(int(seed))
    phase = (torch.rand(mag.shape, generator=g) * (2 * torch.pi)).to(mag.device)
    X = torch.polar(mag, phase)
    prev = None
    for _ in range(iterations):
        Y = stft(istft(X, samples))
        acc = Y if prev is None else Y + 0.99 * (Y - prev)
        prev = Y
        X = mag * torch.exp(1j * torch.angle(acc))
    return torch.angle(X)


def synthesise(feats: torch.Tensor, samples: int, iterations: int = 32, seed: int = 0) -> torch.Tensor:
    """(batch, CHANNELS, frames) features -> (batch, 2, samples) float32 binaural audio."""
    mag = (torch.exp(split(feats)[0]) - LOG_FLOOR).clamp_min(0.0)
    phase = griffin_lim(mag, samples, iterations, seed)
    return istft(ears(feats, phase), samples)
