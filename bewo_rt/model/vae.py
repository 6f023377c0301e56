"""Convolutional VAE over the parametric binaural spectrogram (see features.py).

Encoder: 277 feature channels at 125 frames/s -> `latent_channels` at 125 / 2**downsamples
frames/s (15.6 /s for the default 3 halvings): the last SPATIAL_LATENTS channels hold the
interaural cues, the others the spectrum. Decoder: the mirror image, ending in the three feature
groups (mid log level, band ILD, band ITD)."""
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


SPATIAL_LATENTS = 4   # latent channels reserved for the interaural cues
SPATIAL_WIDTH = 64


class _Down(nn.Module):
    def __init__(self, in_ch: int, width: int, out_ch: int, downsamples: int):
        super().__init__()
        layers = [nn.Conv1d(in_ch, width, 1), ResBlock(width)]
        for _ in range(downsamples):
            layers += [nn.Conv1d(width, width, 4, stride=2, padding=1), ResBlock(width)]
        layers += [ResBlock(width, 2), nn.GroupNorm(8, width), nn.SiLU(), nn.Conv1d(width, out_ch, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class _Up(nn.Module):
    def __init__(self, in_ch: int, width: int, out_ch: int, downsamples: int):
        super().__init__()
        layers = [nn.Conv1d(in_ch, width, 3, padding=1), ResBlock(width), ResBlock(width, 2)]
        for _ in range(downsamples):
            layers += [nn.ConvTranspose1d(width, width, 4, stride=2, padding=1), ResBlock(width)]
        layers += [nn.GroupNorm(8, width), nn.SiLU(), nn.Conv1d(width, out_ch, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z)


class Encoder(nn.Module):
    """Two branches: the mid spectrum -> content latents; the band ILD/ITD -> SPATIAL_LATENTS
    latents. Kept apart so that the few, smooth interaural channels are not drowned by the 257
    spectral ones (trained jointly they were learned far more slowly than the spectrum)."""

    def __init__(self, width: int, latent_channels: int, downsamples: int):
        super().__init__()
        self.content = _Down(feat.BINS, width, 2 * (latent_channels - SPATIAL_LATENTS), downsamples)
        self.spatial = _Down(feat.ILD_BANDS + feat.ITD_BANDS, SPATIAL_WIDTH, 2 * SPATIAL_LATENTS, downsamples)

    def forward(self, x):
        mid = (x[:, :feat.BINS] - MID_MEAN) / MID_SCALE
        mc, lc = self.content(mid).chunk(2, dim=1)
        ms, ls = self.spatial(x[:, feat.BINS:]).chunk(2, dim=1)
        return torch.cat([mc, ms], 1), torch.cat([lc, ls], 1)  # mean, log variance


class Decoder(nn.Module):
    def __init__(self, width: int, latent_channels: int, downsamples: int):
        super().__init__()
        self.content = _Up(latent_channels - SPATIAL_LATENTS, width, feat.BINS, downsamples)
        self.spatial = _Up(SPATIAL_LATENTS, SPATIAL_WIDTH, feat.ILD_BANDS + feat.ITD_BANDS, downsamples)

    def forward(self, z):
        mid = self.content(z[:, :-SPATIAL_LATENTS])
        sp = self.spatial(z[:, -SPATIAL_LATENTS:])
        ild, itd = sp[:, :feat.ILD_BANDS], sp[:, feat.ILD_BANDS:]
        # Interaural cues bounded to the analysed ranges (ILD +-24 dB as +-2, ITD +-1 ms as +-1).
        return torch.cat([mid * MID_SCALE + MID_MEAN, 2.0 * torch.tanh(ild), torch.tanh(itd)], dim=1)


class VAE(nn.Module):
    def __init__(self, width: int = 192, latent_channels: int = 16, downsamples: int = 3):
        super().__init__()
        if latent_channels <= SPATIAL_LATENTS:
            raise ValueError(f"latent_channels must exceed {SPATIAL_LATENTS} (the spatial latents)")
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
    """Feature reconstruction (mid level; band ILD and ITD weighted by band energy), a
    multi-resolution STFT loss on the waveform rebuilt with the true mid phase, an interaural
    cross-spectrum term on that waveform, and the KL."""
    target, mid_phase = feat.analyse(stereo)
    recon, mean, logvar = model(target)
    tm, ti, tt = feat.split(target)
    rm, ri, rt = feat.split(recon)
    e_ild, e_itd = feat.band_energy(target)
    w_ild = (e_ild / e_ild.mean(dim=(1, 2), keepdim=True)).clamp(max=10.0).detach()  # loud bands carry the cues
    w_itd = (e_itd / e_itd.mean(dim=(1, 2), keepdim=True)).clamp(max=10.0).detach()
    l_mid = F.l1_loss(rm, tm)
    l_ild = (w_ild * (ri - ti).abs()).mean()
    l_itd = (w_itd * (rt - tt).abs()).mean()
    wave = feat.istft(feat.ears(recon, mid_phase), stereo.shape[-1])
    l_stft = _mrstft(wave, stereo)
    Xr, Xt = feat.stft(wave), feat.stft(stereo)
    cr, ct = Xr[:, 0] * Xr[:, 1].conj(), Xt[:, 0] * Xt[:, 1].conj()
    scale = ct.abs().mean(dim=(1, 2), keepdim=True) + 1e-8
    l_cross = ((cr - ct).abs() / scale).mean()
    kl = 0.5 * torch.mean(mean.square() + logvar.exp() - 1.0 - logvar)
    total = l_mid + 2.0 * l_ild + 4.0 * l_itd + l_stft + 0.5 * l_cross + kl_weight * kl
    return total, {"loss": total.item(), "mid": l_mid.item(), "ild": l_ild.item(), "itd": l_itd.item(),
                   "mrstft": l_stft.item(), "cross": l_cross.item(), "kl": kl.item()}
