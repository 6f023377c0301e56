"""Per-clip PNG: estimated azimuth per window (dots) against the intended trajectory (line)."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def plot_clip(path, times_s, est_az, intended_az=None, title: str = "", silent=None) -> Path:
    """Write a PNG (matplotlib, Agg backend, imported here so the package does not need it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=100)
    try:
        t = np.asarray(times_s, dtype=float)
        e = np.asarray(est_az, dtype=float)
        ax.plot(t, e, "o", ms=3, label="estimated")
        if intended_az is not None:
            ax.plot(t, np.asarray(intended_az, dtype=float), "-", lw=1.5, label="intended")
        if silent is not None and np.any(silent):
            ax.plot(t[np.asarray(silent)], np.zeros(int(np.sum(silent))), "x", color="grey", ms=3, label="silent")
        ax.set_ylim(-100, 100)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("azimuth (deg, - left / + right)")
        ax.axhline(0, color="k", lw=0.5)
        ax.set_title(title, fontsize=9)
        ax.legend(loc="upper right", fontsize=7)
        fig.tight_layout()
        tmp = p.with_name(f".{p.name}.part")
        fig.savefig(tmp, format="png")
        tmp.replace(p)
    finally:
        plt.close(fig)
    return p
