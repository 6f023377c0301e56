"""Convert Debian libmysofa1's MIT KEMAR SOFA file into the compact form shipped in the package.

    apt-get install libmysofa1 && pip install . && python tools/convert_kemar.py

Stores onset delays and aligned, energy-trimmed filters (float32, compressed npz) at the
original 44.1 kHz; bewo_rt resamples at load time.
"""
import sys
from pathlib import Path

import numpy as np

from bewo_rt.hrtf import load_sofa_data  # the installed package (pip install . first)

KEMAR_FILE = Path(__file__).resolve().parents[1] / "bewo_rt" / "data" / "mit_kemar_normal_pinna.npz"

SRC = "/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa"

if __name__ == "__main__":
    src = sys.argv[1] if len(sys.argv) > 1 else SRC
    d = load_sofa_data(src, "kemar")
    np.savez_compressed(KEMAR_FILE, sample_rate=np.int32(d.sample_rate), azimuth_deg=d.azimuth_deg,
                        elevation_deg=d.elevation_deg, filters=d.filters, delays=d.delays)
    print(f"{KEMAR_FILE}: {d.filters.shape} filters, delays {d.delays.min():.1f}..{d.delays.max():.1f} samples, "
          f"{KEMAR_FILE.stat().st_size / 1e6:.2f} MB")
