"""HRTF sets: the built-in MIT KEMAR, the Brown & Duda spherical head, and user SOFA files.

Every set is stored the same way: for each measured direction and ear, an onset-aligned filter
and the delay (in samples, fractional) that was removed from it. Interpolating between
directions then averages filters that are aligned in time (no comb filtering) and interpolates
the delays separately; the C++ core re-inserts the delay with a Kaiser-windowed sinc (16 taps),
so integer delays are exact. Neighbours and weights: the k = 4 nearest measured directions by
angle, with modified-Shepard weights ((R - d) / (R d))^2, R = angle of the 5th nearest, which
keeps the response continuous as the neighbour set changes (see csrc/dsp/hrtf_set.h).

Sample rates: filters are resampled with a polyphase filter (scipy.signal.resample_poly) and
scaled by fs_old / fs_new so the frequency response keeps its level; delays scale by
fs_new / fs_old.

Level: every set is normalised so that a source straight ahead has unit mean energy over the two
ears' responses, so switching sets does not change loudness much.
"""
from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy import signal

from . import _checks, _core

DATA_DIR = Path(__file__).resolve().parent / "data"
KEMAR_FILE = DATA_DIR / "mit_kemar_normal_pinna.npz"
SPEED_OF_SOUND = 343.0
_ONSET_THRESHOLD = 0.2  # fraction of the ear's peak magnitude that marks the onset
_PRE_ONSET = 6.0  # samples kept before the onset so the slow rise of far-ear responses is not cut
_MIN_DELAY = 8.0  # the fractional-delay kernel reaches 7 samples back
MIN_RATE, MAX_RATE = 8000, 384000


@dataclass(frozen=True)
class HRTFData:
    """Aligned filters (n, 2, taps), delays (n, 2) in samples, directions in degrees."""

    sample_rate: int
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    filters: np.ndarray
    delays: np.ndarray
    name: str


class HRTF:
    """An HRTF set at one sample rate, ready for the renderer.

    >>> h = HRTF.load("kemar", 48000)       # or "sphere", or a path to a .sofa file
    >>> pair = h.hrir(azimuth=-30)          # (2, taps): exactly what the renderer convolves with
    """

    def __init__(self, data: HRTFData):
        self.data = data
        self.name = data.name
        self.sample_rate = data.sample_rate
        self._core = _core.HrtfSet(
            float(data.sample_rate),
            data.azimuth_deg.astype(np.float32),
            data.elevation_deg.astype(np.float32),
            np.ascontiguousarray(data.filters, dtype=np.float32),
            np.ascontiguousarray(data.delays, dtype=np.float32),
            4,
        )

    def __repr__(self) -> str:
        return (f"HRTF({self.name!r}, sample_rate={self.sample_rate}, directions={self.n_directions}, "
                f"ir_length={self.ir_length})")

    @property
    def n_directions(self) -> int:
        return self._core.n_directions

    @property
    def ir_length(self) -> int:
        return self._core.ir_length

    def hrir(self, azimuth: float = 0.0, elevation: float = 0.0) -> np.ndarray:
        """Interpolated HRIR pair (2, ir_length) float32, rows left and right ear."""
        az = _checks.finite(azimuth, "azimuth")
        el = _checks.finite(elevation, "elevation")
        if not -90.0 <= el <= 90.0:
            raise ValueError(f"elevation must be in [-90, 90] degrees, got {elevation!r}")
        return self._core.hrir(az, el)

    def neighbours(self, azimuth: float, elevation: float = 0.0):
        """(indices, weights) of the measured directions blended for this direction."""
        idx, w = self._core.weights(float(azimuth), float(elevation))
        return np.array(idx), np.array(w)

    # -- constructors ---------------------------------------------------------------------
    @staticmethod
    def load(spec="kemar", sample_rate: int = 48000) -> "HRTF":
        """'kemar', 'sphere' or a path to a SimpleFreeFieldHRIR SOFA file; HRTF objects pass through."""
        if isinstance(spec, HRTF):
            if spec.sample_rate != sample_rate:
                raise ValueError(f"hrtf is at {spec.sample_rate} Hz but sample_rate is {sample_rate} Hz")
            return spec
        sample_rate = _checks.sample_rate(sample_rate)
        if not MIN_RATE <= sample_rate <= MAX_RATE:
            # Resampled far below the measurements' band, the filters are meaningless (7 Hz gave
            # peaks of 4 from a unit input).
            raise ValueError(f"sample_rate must be in [{MIN_RATE}, {MAX_RATE}] Hz for HRTF rendering, got {sample_rate}")
        if not isinstance(spec, (str, os.PathLike)):
            raise TypeError(f"hrtf must be 'kemar', 'sphere', a SOFA file path or an HRTF, got {spec!r}")
        s = str(spec)
        if s.lower() == "kemar":
            return HRTF.kemar(sample_rate)
        if s.lower() in ("sphere", "spherical", "brown-duda"):
            return HRTF.sphere(sample_rate)
        return HRTF.from_sofa(s, sample_rate)

    @staticmethod
    def kemar(sample_rate: int = 48000) -> "HRTF":
        """MIT KEMAR, normal pinna (Gardner & Martin, MIT Media Lab, 1994). 710 directions."""
        return _kemar_cached(_checks.sample_rate(sample_rate))

    @staticmethod
    def sphere(sample_rate: int = 48000, head_radius: float = 0.0875) -> "HRTF":
        """Brown & Duda spherical head: Woodworth ITD and a one-pole/one-zero head shadow."""
        return _sphere_cached(_checks.sample_rate(sample_rate), _checks.positive(head_radius, "head_radius"))

    @staticmethod
    def from_sofa(path, sample_rate: int = 48000) -> "HRTF":
        """Any SimpleFreeFieldHRIR SOFA file (read with h5py)."""
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"HRTF file not found: {str(path)!r} (expected 'kemar', 'sphere' or a .sofa file)")
        st = p.stat()
        return _sofa_cached(str(p.resolve()), st.st_mtime_ns, st.st_size, _checks.sample_rate(sample_rate))


# -- measured sets: decomposition into delays + aligned filters --------------------------------

def decompose(irs: np.ndarray, extra_delay=None) -> tuple[np.ndarray, np.ndarray, int]:
    """Split HRIRs (n, 2, taps) into onset delays (n, 2) and aligned filters (n, 2, F).

    The onset is where |h| first reaches 20 % of that ear's peak, refined to a fraction of a
    sample by linear interpolation of the crossing; _PRE_ONSET samples before it stay in the
    filter. Filters are advanced by the fractional delay in the frequency domain (zero-padded so
    nothing wraps) and cut where 99.99 % of the energy of every response is kept.
    """
    irs = np.asarray(irs, dtype=np.float64)
    n, _, taps = irs.shape
    mag = np.abs(irs)
    peak = mag.max(axis=-1, keepdims=True)
    if np.any(peak <= 0):
        raise ValueError("HRIR data contains an all-zero response")
    above = mag >= _ONSET_THRESHOLD * peak
    first = np.argmax(above, axis=-1)
    prev = np.clip(first - 1, 0, None)
    m1 = np.take_along_axis(mag, prev[..., None], -1)[..., 0]
    m2 = np.take_along_axis(mag, first[..., None], -1)[..., 0]
    thr = _ONSET_THRESHOLD * peak[..., 0]
    frac = np.where((first > 0) & (m2 > m1), (thr - m1) / np.maximum(m2 - m1, 1e-30), 1.0)
    onset = first - 1 + np.clip(frac, 0.0, 1.0)
    delays = np.maximum(onset - _PRE_ONSET, 0.0)
    nfft = 1 << int(math.ceil(math.log2(2 * taps)))
    spec = np.fft.rfft(irs, nfft, axis=-1)
    k = np.arange(nfft // 2 + 1)
    aligned = np.fft.irfft(spec * np.exp(2j * np.pi * k * delays[..., None] / nfft), nfft, axis=-1)[..., :taps]
    energy = np.cumsum(aligned**2, axis=-1)
    keep = int(np.max(np.argmax(energy >= 0.9999 * energy[..., -1:], axis=-1))) + 1
    filters = aligned[..., :keep]
    if extra_delay is not None:
        delays = delays + extra_delay
    shift = max(0.0, _MIN_DELAY - float(delays.min()))
    return filters, delays + shift, keep


def resample(data: HRTFData, sample_rate: int) -> HRTFData:
    if sample_rate == data.sample_rate:
        return data
    ratio = Fraction(sample_rate, data.sample_rate).limit_denominator(10000)
    filters = signal.resample_poly(data.filters, ratio.numerator, ratio.denominator, axis=-1)
    filters *= data.sample_rate / sample_rate  # an impulse response's taps scale with 1/fs
    delays = data.delays * (sample_rate / data.sample_rate)
    shift = max(0.0, _MIN_DELAY - float(delays.min()))
    return HRTFData(sample_rate, data.azimuth_deg, data.elevation_deg, filters.astype(np.float32),
                    (delays + shift).astype(np.float32), data.name)


def with_poles(data: HRTFData) -> HRTFData:
    """Add a direction straight below (above) when the set stops short of the pole (KEMAR ends at
    -40 degrees): the mean of its lowest (highest) ring, filters and delays. Without it every
    direction of that ring ties near the pole and the chosen neighbours, hence the response,
    would depend on an azimuth that means nothing there."""
    el = data.elevation_deg.astype(np.float64)
    add_f, add_d, add_el = [], [], []
    for pole, edge in ((-90.0, el.min()), (90.0, el.max())):
        if abs(pole - edge) <= 10.0:
            continue
        ring = np.abs(el - edge) < 1e-3
        add_f.append(data.filters[ring].mean(axis=0))
        add_d.append(data.delays[ring].mean(axis=0))
        add_el.append(pole)
    if not add_el:
        return data
    return HRTFData(data.sample_rate, np.concatenate([data.azimuth_deg, np.zeros(len(add_el), np.float32)]),
                    np.concatenate([data.elevation_deg, np.array(add_el, np.float32)]),
                    np.concatenate([data.filters, np.stack(add_f)]).astype(np.float32),
                    np.concatenate([data.delays, np.stack(add_d)]).astype(np.float32), data.name)


def _normalise(data: HRTFData) -> HRTFData:
    ref = HRTF(data).hrir(0.0, 0.0).astype(np.float64)
    e = float(np.mean(np.sum(ref**2, axis=-1)))
    return HRTFData(data.sample_rate, data.azimuth_deg, data.elevation_deg,
                    (data.filters / math.sqrt(e)).astype(np.float32), data.delays, data.name)


def read_sofa(path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, np.ndarray]:
    """(irs (n, 2, taps), azimuth_deg (project convention), elevation_deg, sample_rate, delays)."""
    import h5py

    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ValueError(f"HRTF file {path!r} is not a readable SOFA (HDF5/netCDF-4) file: {e}") from None
    with f:
        conv = f.attrs.get("SOFAConventions")
        conv = conv.decode() if isinstance(conv, bytes) else str(conv) if conv is not None else None
        if conv is None:
            raise ValueError(f"HRTF file {path!r} has no SOFAConventions attribute: not a SOFA file")
        if conv != "SimpleFreeFieldHRIR":
            raise ValueError(f"HRTF file {path!r} uses SOFA convention {conv!r}; only SimpleFreeFieldHRIR is supported")
        try:
            irs = np.asarray(f["Data.IR"][...], dtype=np.float64)
            sr = float(np.asarray(f["Data.SamplingRate"][...]).ravel()[0])
            pos = np.asarray(f["SourcePosition"][...], dtype=np.float64)
            ptype = f["SourcePosition"].attrs.get("Type", b"spherical")
            delay = np.asarray(f["Data.Delay"][...], dtype=np.float64) if "Data.Delay" in f else np.zeros((1, 2))
        except KeyError as e:
            raise ValueError(f"HRTF file {path!r} lacks the SOFA variable {e}") from None
    ptype = ptype.decode() if isinstance(ptype, bytes) else str(ptype)
    if irs.ndim == 3 and irs.shape[0] == 0:
        raise ValueError(f"HRTF file {path!r} holds no measurements (Data.IR has M = 0 directions)")
    if irs.ndim != 3 or irs.shape[1] != 2 or irs.shape[2] < 2:
        raise ValueError(f"HRTF file {path!r}: Data.IR must have shape (M, 2, N), got {irs.shape}")
    if pos.shape != (irs.shape[0], 3):
        raise ValueError(f"HRTF file {path!r}: SourcePosition must have shape ({irs.shape[0]}, 3), got {pos.shape}")
    if not np.all(np.isfinite(irs)) or not np.all(np.isfinite(pos)) or not (sr > 0):
        raise ValueError(f"HRTF file {path!r} holds NaN/Inf values or a bad sampling rate")
    if ptype.lower().startswith("cartesian"):
        x, y, z = pos.T
        sofa_az = np.degrees(np.arctan2(y, x))
        el = np.degrees(np.arctan2(z, np.hypot(x, y)))
    else:
        sofa_az, el = pos[:, 0], pos[:, 1]
    # SOFA: azimuth counter-clockwise from the front (90 = left). Ours: negative = left.
    az = -((sofa_az + 180.0) % 360.0 - 180.0)
    az = np.where(az <= -180.0, az + 360.0, az)
    delay = np.broadcast_to(delay, (irs.shape[0], 2)).astype(np.float64)
    return irs, az, el, int(round(sr)), delay


def load_sofa_data(path: str, name: str | None = None) -> HRTFData:
    irs, az, el, sr, delay = read_sofa(path)
    filters, delays, _ = decompose(irs, extra_delay=delay)
    return HRTFData(sr, az.astype(np.float32), el.astype(np.float32), filters.astype(np.float32),
                    delays.astype(np.float32), name or Path(path).name)


@functools.lru_cache(maxsize=8)
def _sofa_cached(path: str, _mtime: int, _size: int, sample_rate: int) -> HRTF:
    return HRTF(_normalise(resample(with_poles(load_sofa_data(path)), sample_rate)))


@functools.lru_cache(maxsize=8)
def _kemar_cached(sample_rate: int) -> HRTF:
    if not KEMAR_FILE.is_file():
        raise FileNotFoundError(f"built-in KEMAR data missing: {KEMAR_FILE} (package not installed correctly?)")
    z = np.load(KEMAR_FILE)
    data = HRTFData(int(z["sample_rate"]), z["azimuth_deg"], z["elevation_deg"], z["filters"], z["delays"],
                    "kemar")
    return HRTF(_normalise(resample(with_poles(data), sample_rate)))


# -- the analytic spherical head -----------------------------------------------------------------

def woodworth_itd(azimuth_deg, head_radius: float = 0.0875, c: float = SPEED_OF_SOUND):
    """Woodworth's ITD in seconds, positive when the left ear lags (source on the right)."""
    th = np.radians(np.asarray(azimuth_deg, dtype=np.float64))
    lat = np.arcsin(np.clip(np.sin(th), -1, 1))  # lateral angle; front/back folded
    return head_radius / c * (lat + np.sin(lat))


def brown_duda_ear(theta: np.ndarray, sample_rate: int, head_radius: float, taps: int) -> tuple[np.ndarray, np.ndarray]:
    """Head shadow impulse responses and ear delays (seconds) for angles theta (radians) between
    the source direction and the ear's axis (Brown & Duda 1998)."""
    a_c = head_radius / SPEED_OF_SOUND
    alpha_min, theta_min = 0.1, math.radians(150.0)
    alpha = (1 + alpha_min / 2) + (1 - alpha_min / 2) * np.cos(theta / theta_min * math.pi)
    tau = a_c / 2.0  # 1 / (2 w0), w0 = c / a
    K = 2.0 * sample_rate  # bilinear transform
    b0, b1 = 1 + alpha * tau * K, 1 - alpha * tau * K
    a0, a1 = 1 + tau * K, 1 - tau * K
    imp = np.zeros(taps)
    imp[0] = 1.0
    h = np.empty((theta.size, taps))
    for i in range(theta.size):
        h[i] = signal.lfilter([b0[i] / a0, b1[i] / a0], [1.0, a1 / a0], imp)
    delay = np.where(theta < math.pi / 2, -a_c * np.cos(theta), a_c * (theta - math.pi / 2))
    return h, delay


@functools.lru_cache(maxsize=8)
def _sphere_cached(sample_rate: int, head_radius: float) -> HRTF:
    az_grid = np.arange(-180.0, 180.0, 2.0)
    el_grid = np.arange(-80.0, 81.0, 10.0)
    az = np.concatenate([np.tile(az_grid, el_grid.size), [0.0, 0.0]])
    el = np.concatenate([np.repeat(el_grid, az_grid.size), [90.0, -90.0]])
    a, e = np.radians(az), np.radians(el)
    y = np.cos(e) * np.sin(a)  # component towards the right ear
    taps = max(32, int(round(128 * sample_rate / 48000)))
    filters = np.empty((az.size, 2, taps))
    delays = np.empty((az.size, 2))
    for ear, side in ((0, -1.0), (1, 1.0)):
        theta = np.arccos(np.clip(side * y, -1.0, 1.0))
        h, d = brown_duda_ear(theta, sample_rate, head_radius, taps)
        filters[:, ear] = h
        delays[:, ear] = (d + head_radius / SPEED_OF_SOUND) * sample_rate + _MIN_DELAY
    data = HRTFData(sample_rate, az.astype(np.float32), el.astype(np.float32), filters.astype(np.float32),
                    delays.astype(np.float32), f"sphere(a={head_radius:g} m)")
    return HRTF(_normalise(data))
