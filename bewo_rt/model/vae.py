"""Convolutional VAE over the parametric binaural spectrogram (see features.py).

Encoder: 1028 feature channels at 125 frames/s -> `latent_channels` at 125 / 2**downsamples
frames/s (15.6 /s for the default 3 halvings). Decoder: the mirror image, ending in the four
feature groups (mid log level, ILD, IPD as cos/sin)."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from . import features as feat

# The mid log level spans about -9 (silence) to 0: standardised so that the first and last
# layers start in range (an L1 loss moves a bias by only ~lr per Adam step).
MID_MEAN, MID_SCALE = -3.0, 3.0


class ResBlock(nn.Module):
    def __init__(self, ch: int, dilation: int = 1):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, ch)
        self.conv1 = nn.Conv1d(ch, ch, 3, padding=dilation, dilation=dilation)
        self.norm2 = nn.GroupNorm(8, ch)
        self.conv2 = nn.Conv1d(ch, ch, 3, padding=1)

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        return x + self.conv2(F.silu(self.norm2(h)))


class Encoder(nn.Module):
    def __init__(self, width: int, latent_channels: int, downsamples: int):
        super().__init__()
        layers = [nn.Conv1d(feat.CHANNELS, width, 1), ResBlock(width)]
        for _ in range(downsamples):
            layers += [nn.Conv1d(width, width, 4, stride=2, padding=1), ResBlock(width)]
        layers += [ResBlock(width, 2), nn.GroupNorm(8, width), nn.SiLU(), nn.Conv1d(width, 2 * latent_channels, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        x = torch.cat([(x[:, :feat.BINS] - MID_MEAN) / MID_SCALE, x[:, feat.BINS:]], dim=1)
        return self.net(x).chunk(2, dim=1)  # mean, log variance


class Decoder(nn.Module):
    def __init__(self, width: int, latent_channels: int, downsamples: int):
        super().__init__()
        layers = [nn.Conv1d(latent_channels, width, 3, padding=1), ResBlock(width), ResBlock(width, 2)]
        for _ in range(downsamples):
            layers += [nn.ConvTranspose1d(width, width, 4, stride=2, padding=1), ResBlock(width)]
        layers += [nn.GroupNorm(8, width), nn.SiLU(), nn.Conv1d(width, feat.CHANNELS, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        y = self.net(z)
        mid, ild, c, s = feat.split(y)
        # IPD as a unit vector; the ILD bounded to the analysed range.
        norm = torch.sqrt(c * c + s * s + 1e-6)
        return torch.cat([mid * MID_SCALE + MID_MEAN, 2.0 * torch.tanh(ild), c / norm, s / norm], dim=1)


class VAE(nn.Module):
    def __init__(self, width: int = 192, latent_channels: int = 16, downsamples: int = 3):
        super().__init__()
        self.latent_channels, self.downsamples = latent_channels, downsamples
        self.encoder = Encoder(width, latent_channels, downsamples)
        self.decoder = Decoder(width, latent_channels, downsamples)

    @property
    def hop_samples(self) -> int:
        return feat.HOP * 2 ** self.downsamples

    def encode(self, feats):
        mean, logvar = self.encoder(feats)
        return mean, logvar.clamp(-20, 10)

    def forward(self, feats, sample: bool = True):
        mean, logvar = self.encode(feats)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar) if sample else mean
        return self.decoder(z), mean, logvar


def _mrstft(x, y, resolutions=((256, 64), (512, 128), (1024, 256), (2048, 512))):
    """Multi-resolution STFT loss: spectral convergence + log magnitude L1, per ear."""
    loss = 0.0
    x, y = x.reshape(-1, x.shape[-1]), y.reshape(-1, y.shape[-1])
    for n_fft, hop in resolutions:
        w = torch.hann_window(n_fft, device=x.device)
        X = torch.stft(x, n_fft, hop, window=w, return_complex=True).abs()
        Y = torch.stft(y, n_fft, hop, window=w, return_complex=True).abs()
        sc = torch.linalg.norm(Y - X) / (torch.linalg.norm(Y) + 1e-7)
        lm = F.l1_loss(torch.log(X + 1e-5), torch.log(Y + 1e-5))
        loss = loss + sc + lm
    return loss / len(resolutions)


def vae_loss(model: VAE, stereo: torch.Tensor, kl_weight: float = 1e-4) -> tuple[torch.Tensor, dict]:
    """Feature reconstruction (level, energy-weighted ILD and IPD), a multi-resolution STFT loss on
    the waveform rebuilt with the true mid phase, an interaural cross-spectrum term and the KL."""
    target, mid_phase = feat.analyse(stereo)
    recon, mean, logvar = model(target)
    tm, ti, tc, ts = feat.split(target)
    rm, ri, rc, rs = feat.split(recon)
    level = torch.exp(tm)
    w = (level / level.mean(dim=(1, 2), keepdim=True)).clamp(max=10.0).detach()  # loud bins carry the cues
    l_mid = F.l1_loss(rm, tm)
    l_ild = (w * (ri - ti).abs()).mean()
    l_ipd = (w * ((rc - tc) ** 2 + (rs - ts) ** 2)).mean()
    wave = feat.istft(feat.ears(recon, mid_phase), stereo.shape[-1])
    l_stft = _mrstft(wave, stereo)
    # Interaural cross-spectrum of the rebuilt ears against the original's, magnitude-normalised.
    Xr, Xt = feat.stft(wave), feat.stft(stereo)
    cr, ct = Xr[:, 0] * Xr[:, 1].conj(), Xt[:, 0] * Xt[:, 1].conj()
    scale = ct.abs().mean(dim=(1, 2), keepdim=True) + 1e-8
    l_cross = ((cr - ct).abs() / scale).mean()
    kl = 0.5 * torch.mean(mean.square() + logvar.exp() - 1.0 - logvar)
    total = l_mid + l_ild + l_ipd + l_stft + 0.5 * l_cross + kl_weight * kl
    return total, {"loss": total.item(), "mid": l_mid.item(), "ild": l_ild.item(), "ipd": l_ipd.item(),
                   "mrstft": l_stft.item(), "cross": l_cross.item(), "kl": kl.item()}
