"""Evaluating generated audio: where its sounds are (the metrics package) and what they are (a
small classifier trained on the source library's labels).

The content classifier is multinomial logistic regression on clip statistics of a 64-band
log-mel spectrogram (per band: mean, standard deviation, mean absolute frame-to-frame change),
standardised. It is trained on the mid signal of corpus clips with one source, so it has heard
those sounds in the same rooms and at the same distances as the model did."""
from __future__ import annotations

import numpy as np

from ..metrics import FeatureConfig, analyze, fold_lateral, lcr_class
from ..metrics.trajectory import direction_of

MELS = 64


def _mel_matrix(sr: int, n_fft: int, mels: int = MELS) -> np.ndarray:
    def hz2mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    pts = 700.0 * (10 ** (np.linspace(hz2mel(50.0), hz2mel(sr / 2), mels + 2) / 2595.0) - 1.0)
    f = np.fft.rfftfreq(n_fft, 1.0 / sr)
    m = np.zeros((mels, f.size))
    for i in range(mels):
        lo, c, hi = pts[i], pts[i + 1], pts[i + 2]
        m[i] = np.clip(np.minimum((f - lo) / (c - lo), (hi - f) / (hi - c)), 0, None)
    return m


def content_features(mono: np.ndarray, sr: int = 16000) -> np.ndarray:
    n_fft, hop = 1024, 256
    x = np.asarray(mono, dtype=np.float64)
    if x.size < n_fft:
        x = np.pad(x, (0, n_fft - x.size))
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop] * np.hanning(n_fft)
    spec = np.abs(np.fft.rfft(frames, axis=-1)) ** 2
    mel = np.log(spec @ _mel_matrix(sr, n_fft).T + 1e-8)
    mel = mel - mel.max()  # level-independent
    keep = mel.max(axis=1) > np.log(1e-6)  # ignore frames 60 dB below the loudest (mel is a natural log)
    mel = mel[keep] if keep.sum() >= 4 else mel
    return np.concatenate([mel.mean(0), mel.std(0), np.abs(np.diff(mel, axis=0)).mean(0)]).astype(np.float32)


class ContentClassifier:
    def __init__(self):
        self.labels: list[str] = []

    def fit(self, feats: np.ndarray, labels: list[str], epochs: int = 300, l2: float = 1e-3, seed: int = 0):
        import torch

        self.labels = sorted(set(labels))
        y = torch.tensor([self.labels.index(l) for l in labels])
        self.mu, self.sd = feats.mean(0), feats.std(0) + 1e-6
        x = torch.tensor((feats - self.mu) / self.sd)
        torch.manual_seed(seed)
        lin = torch.nn.Linear(x.shape[1], len(self.labels))
        opt = torch.optim.LBFGS(lin.parameters(), max_iter=epochs, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(lin(x), y) + l2 * lin.weight.square().sum()
            loss.backward()
            return loss

        opt.step(closure)
        self.w, self.b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
        return self

    def predict(self, feats: np.ndarray) -> list[str]:
        z = ((feats - self.mu) / self.sd) @ self.w.T + self.b
        return [self.labels[i] for i in np.argmax(z, axis=-1)]


def spatial_summary(audio: np.ndarray, sr: int = 16000) -> dict:
    """Median / start / end azimuth and direction of motion of a clip (gated relative to its
    loudest window: generated and corpus clips are peak-normalised, not mastered to BEWO's level)."""
    a = analyze(audio, sr, config=FeatureConfig(gate_ref="clip"))
    return {"median": a.median_azimuth_deg, "start": a.start_azimuth_deg, "end": a.end_azimuth_deg,
            "direction": a.direction}


def intended(scene) -> dict:
    s = scene.sources[0]
    a0, a1 = float(fold_lateral(s.azimuth_start_deg)), float(fold_lateral(s.azimuth_end))
    return {"moving": bool(s.moving), "start": a0, "end": a1,
            "direction": direction_of(a0, a1) if s.moving else "static", "label": s.label}


def score(records: list[dict]) -> dict:
    """records: {'intended': intended(...), 'measured': spatial_summary(...), 'content_ok': bool|None}."""
    static = [r for r in records if not r["intended"]["moving"]]
    moving = [r for r in records if r["intended"]["moving"]]
    lcr = [lcr_class(r["measured"]["median"]) == lcr_class(r["intended"]["start"])
           for r in static if r["measured"]["median"] is not None]
    err = [abs(r["measured"]["median"] - r["intended"]["start"]) for r in static if r["measured"]["median"] is not None]
    mot = [r["measured"]["direction"] == r["intended"]["direction"] for r in moving
           if r["measured"]["direction"] is not None]
    content = [r["content_ok"] for r in records if r.get("content_ok") is not None]
    f = lambda v: float(np.mean(v)) if v else None  # noqa: E731
    return {"static_clips": len(static), "lcr_accuracy": f(lcr), "mean_azimuth_error_deg": f(err),
            "static_no_estimate": len(static) - len(lcr), "moving_clips": len(moving), "motion_accuracy": f(mot),
            "moving_no_estimate": len(moving) - len(mot), "content_accuracy": f(content), "content_clips": len(content)}
