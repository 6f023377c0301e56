"""v-prediction diffusion with the cosine schedule (alpha = cos(pi t / 2), sigma = sin(pi t / 2)),
and two deterministic samplers over the probability-flow ODE: Euler (DDIM) and DPM-Solver++(2M)
(Lu et al., 2022), both in terms of the denoised estimate x0 = alpha x - sigma v."""
from __future__ import annotations

import math

import torch

T_MAX = 0.9995  # sigma/alpha stays finite at the start


def alpha_sigma(t):
    return torch.cos(0.5 * math.pi * t), torch.sin(0.5 * math.pi * t)


def add_noise(x0, noise, t):
    a, s = alpha_sigma(t)
    a, s = a[:, None, None], s[:, None, None]
    return a * x0 + s * noise, a * noise - s * x0  # x_t and the v target


def timesteps(steps: int) -> list[float]:
    """steps + 1 times from T_MAX to 0, uniform in log-SNR between the ends' log-SNR (ending at 0)."""
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    lam_max, lam_min = 5.0, math.log(math.cos(0.5 * math.pi * T_MAX) / math.sin(0.5 * math.pi * T_MAX))
    out = []
    for i in range(steps):
        lam = lam_min + (lam_max - lam_min) * i / max(1, steps - 1) if steps > 1 else lam_min
        out.append(2.0 / math.pi * math.atan(math.exp(-lam)))
    out[0] = T_MAX
    return out + [0.0]


def sample(denoise, noise: torch.Tensor, steps: int, sampler: str = "dpmpp-2m") -> torch.Tensor:
    """Integrate from pure noise (t = T_MAX) to t = 0. `denoise(x, t_scalar) -> x0`."""
    if sampler not in ("dpmpp-2m", "euler"):
        raise ValueError(f"sampler must be 'dpmpp-2m' or 'euler', got {sampler!r}")
    ts = timesteps(steps)
    a0, s0 = (math.cos(0.5 * math.pi * ts[0]), math.sin(0.5 * math.pi * ts[0]))
    x = noise * s0  # at T_MAX the marginal is ~ N(0, sigma^2) with alpha ~ 0
    prev_d, prev_h = None, None
    for i in range(steps):
        t, t_next = ts[i], ts[i + 1]
        a, s = math.cos(0.5 * math.pi * t), math.sin(0.5 * math.pi * t)
        an, sn = math.cos(0.5 * math.pi * t_next), math.sin(0.5 * math.pi * t_next)
        d = denoise(x, t)
        if t_next == 0.0:
            x = d
            break
        if sampler == "euler":
            eps = (x - a * d) / s
            x = an * d + sn * eps
            continue
        h = math.log(an / sn) - math.log(a / s)
        if prev_d is None:
            dd = d
        else:
            r = prev_h / h
            dd = (1 + 1 / (2 * r)) * d - (1 / (2 * r)) * prev_d
        x = (sn / s) * x - an * math.expm1(-h) * dd
        prev_d, prev_h = d, h
    return x
