"""Labelled sounds synthesised with numpy alone: a small, licence-free, deterministic corpus so
that the corpus and training pipeline can be exercised without any downloaded or packaged audio.

Each kind is a few lines of synthesis that captures what makes the sound recognisable (its
spectrum and its rhythm), not a realistic recording. Same (kind, seconds, rate, seed) -> same
samples on every machine.
"""
from __future__ import annotations

import zlib

import numpy as np

LICENCE = "CC0-1.0"
ORIGIN = "bewo_rt procedural"


# --- building blocks ----------------------------------------------------------------------
def _cap(f, sr):
    """Keep synthesised partials below Nyquist whatever the sample rate."""
    return np.minimum(f, 0.45 * sr)


def _band(x, sr, lo=None, hi=None, order=2):
    """Butterworth-shaped band-pass applied in the frequency domain (zero phase; numpy only)."""
    X = np.fft.rfft(x)
    f = np.maximum(np.fft.rfftfreq(x.size, 1 / sr), 1e-3)
    g = np.ones_like(f)
    if lo:
        g /= np.sqrt(1 + (lo / f) ** (2 * order))
    if hi:
        g /= np.sqrt(1 + (f / _cap(hi, sr)) ** (2 * order))
    return np.fft.irfft(X * g, x.size)


def _noise(rng, n, sr, lo=None, hi=None):
    return _band(rng.standard_normal(n), sr, lo, hi)


def _env(n, sr, attack, tau):
    """Linear attack then exponential decay: the envelope of any struck or plucked event."""
    t = np.arange(n) / sr
    a = np.minimum(1.0, t / attack) if attack > 0 else np.ones(n)
    return a * np.exp(-np.maximum(t - attack, 0) / tau)


def _place(out, ev, start):
    """Mix event ev into out at sample start, cropping at the end of out."""
    start = int(start)
    if 0 <= start < out.size:
        m = min(ev.size, out.size - start)
        out[start:start + m] += ev[:m]


def _times(rng, seconds, first, period, jitter=0.0):
    """Event onsets from `first` every `period` seconds (+- jitter fraction), within the clip."""
    t, ts = first, []
    while t < seconds:
        ts.append(t)
        t += period * (1 + jitter * rng.uniform(-1, 1))
    return ts


def _gate(n, sr, on_off, first=0.02, ramp=0.005):
    """0/1 cadence (on, off, on, off, ... seconds, repeated) with short ramps against clicks."""
    g = np.zeros(n)
    t, i = first, 0
    while t * sr < n:
        d = on_off[i % len(on_off)]
        if i % 2 == 0:
            a, b = int(t * sr), min(n, int((t + d) * sr))
            g[a:b] = 1
        t, i = t + d, i + 1
    k = max(1, int(ramp * sr))
    return np.convolve(g, np.ones(k) / k, mode="same")


# --- the kinds -------------------------------------------------------------------------------
def _bell(rng, n, sr):
    t = np.arange(n) / sr
    f0 = rng.uniform(400, 900)
    out = np.zeros(n)
    # minor-third "tierce" and fifth partials make a church-bell-like, slightly inharmonic strike
    partials = [(0.5, 0.6, 3.0), (1.0, 1.0, 2.0), (1.19, 0.5, 1.5), (1.5, 0.4, 1.2), (2.0, 0.5, 1.0), (2.6, 0.3, 0.6)]
    for onset in _times(rng, n / sr, rng.uniform(0.01, 0.1), rng.uniform(0.9, 1.5), 0.05):
        m = n - int(onset * sr)
        tt = t[:m]
        ev = sum(a * np.sin(2 * np.pi * _cap(f0 * r, sr) * tt) * np.exp(-tt / d) for r, a, d in partials)
        _place(out, ev * np.minimum(1, tt / 0.002), onset * sr)
    return out


def _sine(rng, n, sr):
    f = _cap(rng.uniform(300, 1500), sr * 0.8)
    return np.sin(2 * np.pi * f * np.arange(n) / sr + rng.uniform(0, 2 * np.pi))


def _chirp(rng, n, sr):
    T = n / sr
    f0, f1 = rng.uniform(150, 400), _cap(rng.uniform(2500, 5000), sr * 0.9)
    k = f1 / f0  # exponential sweep: equal time per octave, as a rising whistle sounds
    t = np.arange(n) / sr
    return np.sin(2 * np.pi * f0 * T / np.log(k) * (k ** (t / T) - 1))


def _noise_bursts(rng, n, sr):
    pattern = []
    while sum(pattern) < n / sr + 1:
        pattern += [rng.uniform(0.1, 0.35), rng.uniform(0.1, 0.3)]
    return rng.standard_normal(n) * _gate(n, sr, pattern, first=rng.uniform(0, 0.05))


def _engine(rng, n, sr):
    t = np.arange(n) / sr
    fire = rng.uniform(700, 950) / 60 * 2  # four-cylinder four-stroke: two firings per revolution
    wobble = 1 + 0.01 * np.sin(2 * np.pi * rng.uniform(0.2, 0.6) * t + rng.uniform(0, 6))
    phase = 2 * np.pi * np.cumsum(fire * wobble) / sr
    rumble = sum(k ** -0.8 * np.sin(k * phase + rng.uniform(0, 2 * np.pi)) for k in range(1, 25) if k * fire < 0.45 * sr)
    chug = 1 + 0.6 * np.sin(phase / 2)  # uneven firing gives the idle its lope
    return rumble * chug + 0.4 * _noise(rng, n, sr, 30, 300) * chug


def _footsteps(rng, n, sr):
    out = np.zeros(n)
    for onset in _times(rng, n / sr, rng.uniform(0.02, 0.15), 1 / rng.uniform(1.7, 2.2), 0.08):
        a = rng.uniform(0.6, 1.0)
        m = int(0.25 * sr)
        heel = _noise(rng, m, sr, 80, 1500) * _env(m, sr, 0.002, 0.025)
        toe = _noise(rng, m, sr, 150, 2500) * _env(m, sr, 0.002, 0.02)
        _place(out, a * heel, onset * sr)
        _place(out, 0.5 * a * toe, (onset + rng.uniform(0.06, 0.09)) * sr)
    return out


def _formants(x, sr, centres, widths):
    """Vocal-tract-like resonances: a sum of Gaussian bumps applied as a spectral gain."""
    X = np.fft.rfft(x)
    f = np.fft.rfftfreq(x.size, 1 / sr)
    g = sum(np.exp(-0.5 * ((f - c) / w) ** 2) for c, w in zip(centres, widths))
    return np.fft.irfft(X * (g + 0.02), x.size)


def _dog(rng, n, sr):
    out = np.zeros(n)
    t = rng.uniform(0.02, 0.15)
    centres = np.array([700, 1400, 2600]) * rng.uniform(0.9, 1.1)
    while t < n / sr:
        for _ in range(rng.integers(1, 4)):  # barks come in short groups
            d = rng.uniform(0.12, 0.2)
            m = int(d * sr)
            tt = np.arange(m) / sr
            f = rng.uniform(450, 650) * (1 - 0.3 * tt / d)  # pitch falls through a bark
            ph = 2 * np.pi * np.cumsum(f) / sr
            src = sum(np.sin(k * ph) / k for k in range(1, 20) if k * f[0] < 0.45 * sr)
            src += 0.3 * rng.standard_normal(m)  # throat roughness
            ev = _formants(src, sr, centres, [150, 250, 400])
            ev *= np.minimum(1, tt / 0.01) * np.exp(-tt / (0.5 * d))
            _place(out, ev, t * sr)
            t += d + rng.uniform(0.08, 0.2)
        t += rng.uniform(0.5, 1.0)
    return out


def _clock(rng, n, sr):
    out = np.zeros(n)
    m = int(0.03 * sr)
    tt = np.arange(m) / sr
    f_tick, f_tock = _cap(rng.uniform(2800, 3400), sr), _cap(rng.uniform(1900, 2400), sr)
    for i, onset in enumerate(_times(rng, n / sr, rng.uniform(0.02, 0.1), 0.5)):
        f = f_tick if i % 2 == 0 else f_tock  # the escapement alternates tick and tock
        ev = np.sin(2 * np.pi * f * tt) * np.exp(-tt / 0.004) + 0.3 * rng.standard_normal(m) * np.exp(-tt / 0.001)
        _place(out, ev, onset * sr)
    return out


def _rain(rng, n, sr):
    drops = np.zeros(n)
    k = rng.poisson(rng.uniform(800, 2000) * n / sr)
    np.add.at(drops, rng.integers(0, n, k), rng.lognormal(0, 0.8, k) * rng.choice([-1, 1], k))
    ring = np.exp(-np.arange(int(0.003 * sr)) / (0.0008 * sr))  # each drop a ~1 ms tick
    drops = np.convolve(drops, ring)[:n]
    return _band(drops, sr, 800, 9000) + 0.3 * _noise(rng, n, sr, 300, 6000)


def _telephone(rng, n, sr):
    t = np.arange(n) / sr
    f1 = rng.uniform(420, 460)
    tone = np.sin(2 * np.pi * f1 * t) + np.sin(2 * np.pi * (f1 + 40) * t)  # two-tone ring, 40 Hz beat
    trill = 0.75 + 0.25 * np.sign(np.sin(2 * np.pi * 20 * t))  # 20 Hz ringer warble
    on = rng.uniform(0.8, 1.2)
    return tone * trill * _gate(n, sr, [on, rng.uniform(0.8, 1.5)], first=rng.uniform(0.01, 0.1))


def _siren(rng, n, sr):
    t = np.arange(n) / sr
    fc, dev = rng.uniform(600, 900), rng.uniform(250, 450)
    rate = rng.uniform(0.2, 0.4) if rng.uniform() < 0.5 else rng.uniform(2.5, 3.5)  # wail or yelp
    f = fc + dev * np.sin(2 * np.pi * rate * t + rng.uniform(0, 2 * np.pi))
    ph = 2 * np.pi * np.cumsum(f) / sr
    return sum(np.sin(k * ph) / k for k in (1, 3, 5) if k * (fc + dev) < 0.45 * sr)


def _slow(rng, n, sr, lo=0.05, hi=0.5, parts=4):
    """Smooth random modulation in [0, 1]: a few slow sinusoids."""
    t = np.arange(n) / sr
    m = sum(np.sin(2 * np.pi * rng.uniform(lo, hi) * t + rng.uniform(0, 2 * np.pi)) for _ in range(parts))
    return 0.5 + 0.5 * m / parts


def _wind(rng, n, sr):
    low = _noise(rng, n, sr, 60, 400) * (0.3 + _slow(rng, n, sr))
    high = _noise(rng, n, sr, 300, 1500) * (0.1 + _slow(rng, n, sr)) ** 2  # gusts brighten the sound
    return low + 0.6 * high


def _clapping(rng, n, sr):
    out = np.zeros(n)
    m = int(0.06 * sr)
    for onset in _times(rng, n / sr, rng.uniform(0.01, 0.08), 1 / rng.uniform(3, 5), 0.1):
        ev = _noise(rng, m, sr, 800, 3500) * _env(m, sr, 0.001, rng.uniform(0.008, 0.015))
        _place(out, rng.uniform(0.7, 1.0) * ev, onset * sr)
    return out


def _drums(rng, n, sr):
    out = np.zeros(n)
    beat = 60 / rng.uniform(90, 130)
    m = int(0.4 * sr)
    tt = np.arange(m) / sr
    f = 50 + 100 * np.exp(-tt / 0.03)  # kick: a pitch drop from ~150 to 50 Hz
    kick = np.sin(2 * np.pi * np.cumsum(f) / sr) * np.exp(-tt / 0.15)
    snare = _noise(rng, m, sr, 1000, 6000) * np.exp(-tt / 0.08) + 0.5 * np.sin(2 * np.pi * 190 * tt) * np.exp(-tt / 0.05)
    hat = _noise(rng, m, sr, 6000) * np.exp(-tt / 0.02)
    first = rng.uniform(0.01, 0.05)
    for i, onset in enumerate(_times(rng, n / sr, first, beat / 2)):
        _place(out, 0.3 * hat, onset * sr)
        if i % 4 == 0:
            _place(out, kick, onset * sr)
        elif i % 4 == 2:
            _place(out, 0.7 * snare, onset * sr)
    return out


def _bird(rng, n, sr):
    out = np.zeros(n)
    t = rng.uniform(0.02, 0.1)
    while t < n / sr:
        d = rng.uniform(0.05, 0.12)
        m = int(d * sr)
        tt = np.arange(m) / sr
        f = _cap(rng.uniform(4500, 6500) - rng.uniform(1500, 2500) * tt / d + 300 * np.sin(2 * np.pi * 60 * tt), sr)
        ev = np.sin(2 * np.pi * np.cumsum(f) / sr) * np.sin(np.pi * tt / d) ** 2
        _place(out, ev, t * sr)
        t += d + (rng.uniform(0.03, 0.08) if rng.uniform() < 0.7 else rng.uniform(0.3, 0.7))
    return out


_KINDS = {
    "bell": ("a bell ringing", _bell),
    "sine": ("a sine tone", _sine),
    "chirp": ("a rising chirp", _chirp),
    "noise_bursts": ("white noise bursts", _noise_bursts),
    "engine": ("a car engine idling", _engine),
    "footsteps": ("footsteps", _footsteps),
    "dog": ("a dog barking", _dog),
    "clock": ("a clock ticking", _clock),
    "rain": ("rain", _rain),
    "telephone": ("a telephone ringing", _telephone),
    "siren": ("a siren", _siren),
    "wind": ("wind", _wind),
    "clapping": ("hand clapping", _clapping),
    "drums": ("a drum beat", _drums),
    "bird": ("a bird chirping", _bird),
}


# --- public API ------------------------------------------------------------------------------
def kinds() -> list[str]:
    """Short names of the procedural kinds, e.g. 'siren'; see label(kind) for the caption."""
    return list(_KINDS)


def label(kind: str) -> str:
    return _KINDS[_resolve(kind)][0]


def _resolve(name: str) -> str:
    if name in _KINDS:
        return name
    key = str(name).strip().lower()
    for k, (lab, _) in _KINDS.items():
        if key in (k, lab):
            return k
    raise ValueError(f"unknown procedural kind {name!r}; known: "
                     + ", ".join(f"{k} ({lab!r})" for k, (lab, _) in _KINDS.items()))


def generate(label_or_kind: str, seconds: float, sample_rate: int = 16000, seed: int = 0) -> np.ndarray:
    """float32 mono, exactly round(seconds * sample_rate) samples, peak 0.5. Deterministic per
    (kind, seconds, sample_rate, seed); different kinds with the same seed are independent."""
    kind = _resolve(label_or_kind)
    n = int(round(float(seconds) * int(sample_rate)))
    if n <= 0:
        raise ValueError(f"seconds * sample_rate must give at least one sample (got {seconds} s at {sample_rate} Hz)")
    if int(seed) < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    rng = np.random.default_rng([int(seed), zlib.crc32(kind.encode())])
    x = np.asarray(_KINDS[kind][1](rng, n, int(sample_rate)), dtype=np.float64)[:n]
    peak = np.max(np.abs(x))
    return (0.5 * x / peak if peak > 0 else x).astype(np.float32)


def build_procedural_library(library, per_kind: int = 3, seconds: float = 4.0, sample_rate: int = 16000,
                             seed: int = 0) -> int:
    """Add per_kind sounds of every kind to a SourceLibrary; returns how many were added (ids are
    'procedural-KIND-sSEED-I', so a rerun, or one with a larger per_kind, adds only what is new)."""
    added = 0
    for kind in _KINDS:
        for i in range(per_kind):
            id = f"procedural-{kind}-s{seed}-{i}"
            if id in library:
                continue
            sub_seed = int(np.random.SeedSequence([int(seed), i]).generate_state(1)[0])
            x = generate(kind, seconds, sample_rate, sub_seed)
            if library.add(x, sample_rate, label(kind), LICENCE, ORIGIN, id=id,
                           attribution=f"synthesised by bewo_rt.corpus.procedural ({kind}, seed {sub_seed})") is not None:
                added += 1
    return added
