"""Filling a SourceLibrary from folders of sound files and from Debian packages.

Every importer returns an ImportResult: an int (how many sounds it added) that also carries the
files it skipped and why. Ids come from the source file's path (or the synthesis parameters), so
rerunning an importer adds nothing twice. Licences are recorded per sound, as SPDX-like strings,
exactly as the package's copyright file states them, so the training side can filter on them.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path


from ..audio_io import read_audio, resample_audio
from .library import slug
from .processing import RejectedSound

AUDIO_EXTS = (".wav", ".flac", ".ogg", ".oga", ".mp3")
LICENCE_FILES = ("LICENSE", "LICENCE", "LICENSE.txt", "LICENCE.txt", "COPYING")
# Debian copyright short names -> SPDX identifiers
SPDX = {"CC0": "CC0-1.0", "GPL-2": "GPL-2.0-only", "GPL-2+": "GPL-2.0-or-later", "GPL-3": "GPL-3.0-only",
        "GPL-3+": "GPL-3.0-or-later", "CC-BY-3.0": "CC-BY-3.0", "CC-BY-SA-3.0": "CC-BY-SA-3.0"}


class MissingPackageError(RuntimeError):
    """A Debian package (or its program) that an importer needs is not installed."""

    def __init__(self, package: str, missing: str):
        super().__init__(f"{package} is not installed ({missing} not found): run `apt-get install {package}`")
        self.package = package


class ImportResult(int):
    """How many sounds were added (an int), with .skipped = [(file, reason), ...]."""

    def __new__(cls, added: int, skipped=()):
        r = super().__new__(cls, added)
        r.skipped = list(skipped)
        return r

    def __repr__(self) -> str:
        return f"ImportResult(added={int(self)}, skipped={len(self.skipped)})"


# --- shared helpers ------------------------------------------------------------------------------
def label_from_filename(name: str) -> str:
    """'dog_bark_02.wav' -> 'dog bark': separators to spaces, digits dropped, lower case."""
    stem = re.sub(r"([a-z])([A-Z])", r"\1 \2", Path(name).stem)  # camelCase -> camel Case
    words = re.split(r"[\s_\-.]+", stem)
    # numbers and take counters ("02", "blip2") go; leading digits are words ("3d printer")
    words = [re.sub(r"(?<=[^\d])\d+$", "", w) for w in words if not w.isdigit()]
    return " ".join(w for w in words if w).lower()


def caption_label(text: str) -> str:
    """First non-empty line of a caption, without the trailing full stop."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line.strip("\"'\u201c\u201d\u2018\u2019").rstrip(".!").strip("\"'\u201c\u201d\u2018\u2019 ")


def _first_line(path: Path) -> str | None:
    try:
        return caption_label(path.read_text(encoding="utf-8", errors="replace")) or None
    except OSError:
        return None


def _file_id(origin: str, rel: str) -> str:
    """Readable and stable: origin + path slug, plus a short hash of the exact path because
    different paths can share a slug ('a_b.wav' and 'a-b.wav')."""
    h = hashlib.sha1(rel.encode("utf-8")).hexdigest()[:6]
    return f"{slug(origin, 30)}-{slug(Path(rel).with_suffix('').as_posix(), 70)}-{h}"


def _add_file(library, path: Path, id: str, label: str, licence: str, origin: str, attribution, skipped,
              max_seconds: float, sample_rate: int | None) -> bool:
    """Read, optionally resample, condition and add one file; failures are recorded, not raised,
    because one bad file must not stop a bulk import."""
    try:
        x, sr = read_audio(path)
        if sample_rate and sr != sample_rate:
            x, sr = resample_audio(x, sr, sample_rate), sample_rate
        return library.add(x, sr, label, licence, origin, attribution=attribution, id=id,
                           max_seconds=max_seconds) is not None
    except (RejectedSound, ValueError, OSError) as e:
        skipped.append((str(path), str(e)))
        return False


def _finish(what: str, added: int, skipped) -> ImportResult:
    if skipped:
        warnings.warn(f"{what}: skipped {len(skipped)} file(s), e.g. {skipped[0][0]}: {skipped[0][1]}", stacklevel=3)
    return ImportResult(added, skipped)


def _limited(items, limit):
    return items if limit is None else items[:limit]


def read_dep5(path) -> dict[str, tuple[str, str]]:
    """Machine-readable Debian copyright file -> {file pattern: (licence short name, attribution)}."""
    out = {}
    for stanza in Path(path).read_text(encoding="utf-8", errors="replace").split("\n\n"):
        fields, key = {}, None
        for line in stanza.splitlines():
            m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
            if m:
                key = m.group(1)
                fields[key] = m.group(2)
            elif key and line.startswith((" ", "\t")):
                fields[key] += " " + line.strip()
        if "Files" in fields and "License" in fields:
            attribution = "; ".join(f"{k}: {fields[k]}" for k in ("Copyright", "Source") if fields.get(k))
            for pattern in fields["Files"].split():
                out[pattern] = (fields["License"].split()[0], attribution)
    return out


def _need_dir(path, package: str) -> Path:
    p = Path(path)
    if not p.is_dir():
        raise MissingPackageError(package, str(p))
    return p


def _need_program(cmd: str, package: str) -> str:
    exe = shutil.which(cmd)
    if exe is None:
        raise MissingPackageError(package, f"program {cmd!r}")
    return exe


# --- any folder -----------------------------------------------------------------------------------
def _folder_licence(path: Path, root: Path) -> str | None:
    """Per-file '<stem>.licence'/'.license', else a LICENSE-like file in its folder or above
    (up to the import root): first non-empty line."""
    for ext in (".licence", ".license"):
        lic = _first_line(path.with_suffix(ext))
        if lic:
            return lic
    d = path.parent
    while True:
        for name in LICENCE_FILES:
            lic = _first_line(d / name)
            if lic:
                return lic
        if d == root or root not in d.parents:
            return None
        d = d.parent


def import_dir(library, folder, licence: str | None = None, origin: str | None = None,
               label_from: str = "filename", max_seconds: float = 10.0, sample_rate: int | None = None,
               limit: int | None = None) -> ImportResult:
    """Every audio file under folder (wav/flac/ogg/oga/mp3, recursively, sorted). Label from the
    file name or from a same-stem .txt caption (label_from='sidecar'; falls back to the file name).
    Licence: a per-file .licence/.license, else `licence`, else a LICENSE file in the folder."""
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"folder not found: {str(folder)!r}")
    if label_from not in ("filename", "sidecar"):
        raise ValueError(f"label_from must be 'filename' or 'sidecar', got {label_from!r}")
    origin = origin or root.resolve().name
    files = _limited(sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_EXTS), limit)
    added, skipped = 0, []
    for p in files:
        rel = p.relative_to(root).as_posix()
        id = _file_id(origin, rel)
        if id in library:
            continue
        lab = (_first_line(p.with_suffix(".txt")) if label_from == "sidecar" else None) or label_from_filename(p.name)
        lic = _folder_licence(p, root) if licence is None else licence
        if not lab:
            skipped.append((str(p), "no label (file name has no words)"))
        elif not lic:
            skipped.append((str(p), "no licence: give --licence (Python: licence=...) or put a LICENSE file in the folder"))
        else:
            added += _add_file(library, p, id, lab, lic, origin, None, skipped, max_seconds, sample_rate)
    return _finish(f"import_dir({str(folder)!r})", added, skipped)


# --- Debian packages --------------------------------------------------------------------------------
SONIC_PI_ROOT = "/usr/share/sonic-pi/samples"
SONIC_PI_COPYRIGHT = "/usr/share/doc/sonic-pi-samples/copyright"
# sample name prefixes -> words a caption would use
_SONIC_PI_PREFIX = {"ambi": "ambient", "bd": "bass drum", "sn": "snare drum", "elec": "electronic",
                    "perc": "percussion", "guit": "guitar", "misc": "", "mehackit": "", "loop": "loop",
                    "glitch": "glitch", "vinyl": "vinyl", "tabla": "tabla", "bass": "bass", "drum": "drum"}


def import_sonic_pi(library, root=SONIC_PI_ROOT, copyright=SONIC_PI_COPYRIGHT, limit=None,
                    max_seconds=10.0, sample_rate=None) -> ImportResult:
    """sonic-pi-samples: ~165 FLAC from freesound.org. Licences per file from the copyright file
    (all CC0 there); files it does not list are CC0 by the samples folder's README."""
    root = _need_dir(root, "sonic-pi-samples")
    per_file = read_dep5(copyright) if Path(copyright).is_file() else {}
    added, skipped = 0, []
    for p in _limited(sorted(root.glob("*.flac")), limit):
        id = f"sonic-pi-{slug(p.stem)}"
        if id in library:
            continue
        prefix, _, rest = p.stem.partition("_")
        words = f"{_SONIC_PI_PREFIX.get(prefix, prefix)} {rest}" if prefix in _SONIC_PI_PREFIX else p.stem
        lic, attr = per_file.get(f"etc/samples/{p.name}", ("CC0", "freesound.org, CC0 per samples/README.md"))
        added += _add_file(library, p, id, label_from_filename(words), SPDX.get(lic, lic), "sonic-pi-samples",
                           attr, skipped, max_seconds, sample_rate)
    return _finish("sonic-pi-samples", added, skipped)


TUXPAINT_ROOT = "/usr/share/tuxpaint/stamps"


def import_tuxpaint(library, root=TUXPAINT_ROOT, limit=None, max_seconds=10.0, sample_rate=None) -> ImportResult:
    """tuxpaint-stamps-default: a sound effect per stamp (STAMP.ogg/.wav) captioned by the first
    line of STAMP.txt. Spoken descriptions (*_desc*), per-language variants (no .txt) and the
    symbols/ tree (spoken letters, numbers, moods) are left out. Licence GPL-2.0 (the package's
    copyright file: GPL version 2 or later), so the model-training side can exclude them."""
    root = _need_dir(root, "tuxpaint-stamps-default")
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".ogg", ".wav") and "_desc" not in p.stem
                   and p.relative_to(root).parts[0] != "symbols" and p.with_suffix(".txt").is_file())
    added, skipped = 0, []
    for p in _limited(files, limit):
        rel = p.relative_to(root).with_suffix("").as_posix()
        id = f"tuxpaint-{slug(rel, 100)}"
        if id in library:
            continue
        caption = _first_line(p.with_suffix(".txt")) or ""
        # long captions are sentences ("Remember to flush..."), not descriptions of the sound
        lab = caption[0].lower() + caption[1:] if 0 < len(caption.split()) <= 6 else label_from_filename(p.name)
        added += _add_file(library, p, id, lab, "GPL-2.0", "tuxpaint-stamps-default",
                           f"Tux Paint stamps, Bill Kendrick et al.; caption: {caption}", skipped, max_seconds, sample_rate)
    return _finish("tuxpaint-stamps-default", added, skipped)


FREEDESKTOP_ROOT = "/usr/share/sounds/freedesktop/stereo"
FREEDESKTOP_COPYRIGHT = "/usr/share/doc/sound-theme-freedesktop/copyright"


def import_freedesktop(library, root=FREEDESKTOP_ROOT, copyright=FREEDESKTOP_COPYRIGHT, limit=None,
                       max_seconds=10.0, sample_rate=None) -> ImportResult:
    """sound-theme-freedesktop: desktop event sounds, licence per file from the copyright file
    (CC-BY-3.0, CC-BY-SA-3.0, GPL-2...). Files it does not list are skipped (no licence known);
    audio-channel-* are left out: they are spoken channel names ("front left"), which would teach a
    spatial model the wrong thing."""
    root = _need_dir(root, "sound-theme-freedesktop")
    per_file = read_dep5(copyright) if Path(copyright).is_file() else {}
    added, skipped = 0, []
    for p in _limited(sorted(p for p in root.glob("*.oga") if not p.name.startswith("audio-channel-")), limit):
        id = f"freedesktop-{slug(p.stem)}"
        if id in library:
            continue
        if f"stereo/{p.name}" not in per_file:
            skipped.append((str(p), "not listed in the package's copyright file"))
            continue
        lic, attr = per_file[f"stereo/{p.name}"]
        added += _add_file(library, p, id, label_from_filename(p.name), SPDX.get(lic, lic),
                           "sound-theme-freedesktop", attr, skipped, max_seconds, sample_rate)
    return _finish("sound-theme-freedesktop", added, skipped)


def _run(cmd: list[str], what: str) -> None:
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {r.returncode}): {r.stderr.strip()[-500:]}")


ESPEAK_PHRASES = ("The weather will be sunny this afternoon.", "Could you please close the door?",
                  "I will meet you at the station at nine.", "This is a short announcement.",
                  "Thank you very much for coming today.")
ESPEAK_VOICES = {"a man speaking": ("en+m1", "en+m3", "en-us+m2", "en+m7"),
                 "a woman speaking": ("en+f1", "en+f3", "en-us+f2", "en+f4")}


def import_espeak(library, program="espeak-ng", phrases=ESPEAK_PHRASES, voices=None, limit=None,
                  max_seconds=10.0, sample_rate=None) -> ImportResult:
    """espeak-ng: each phrase in several male and female voice variants. Licence GPL-3.0-or-later:
    what /usr/share/doc/espeak-ng-data/copyright states for the voice data that shapes the speech."""
    exe = _need_program(program, "espeak-ng")
    jobs = [(lab, v, i, text) for lab, vs in (voices or ESPEAK_VOICES).items() for v in vs for i, text in enumerate(phrases)]
    added, skipped = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for lab, voice, i, text in _limited(jobs, limit):
            id = f"espeak-ng-{slug(voice)}-{i}-{hashlib.sha1(text.encode()).hexdigest()[:6]}"
            if id in library:
                continue
            wav = Path(tmp) / "speech.wav"
            _run([exe, "-v", voice, "-w", str(wav), text], f"espeak-ng voice {voice}")
            added += _add_file(library, wav, id, lab, "GPL-3.0-or-later", "espeak-ng",
                               f"espeak-ng voice {voice}: {text!r}", skipped, max_seconds, sample_rate)
    return _finish("espeak-ng", added, skipped)


SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"


def read_sf2_presets(path) -> dict[int, str]:
    """Program number -> preset name for bank 0 of a SoundFont 2 file (its pdta/phdr chunk), so
    labels come from the font itself rather than a hard-coded General MIDI list. Walks the RIFF
    chunk headers, so the ~140 MB of sample data is skipped, not read or searched."""
    with open(path, "rb") as f:
        if f.read(4) != b"RIFF" or (f.read(4), f.read(4))[1] != b"sfbk":
            raise ValueError(f"{path}: not a SoundFont 2 file")
        while True:
            head = f.read(8)
            if len(head) < 8:
                raise ValueError(f"{path}: no preset headers (pdta/phdr chunk)")
            cid, size = head[:4], int.from_bytes(head[4:], "little")
            if cid == b"LIST" and f.read(4) == b"pdta":
                end = f.tell() + size - 4
                while f.tell() < end:
                    sid, ssize = f.read(4), int.from_bytes(f.read(4), "little")
                    if sid == b"phdr":
                        data = f.read(ssize)
                        break
                    f.seek(ssize + (ssize & 1), 1)
                else:
                    raise ValueError(f"{path}: pdta list without phdr chunk")
                break
            f.seek(size + (size & 1) - (4 if cid == b"LIST" else 0), 1)
    out = {}
    for k in range(0, len(data) - 38, 38):  # 38-byte records; the last one is the terminal 'EOP'
        name = data[k:k + 20].split(b"\0")[0].decode("latin-1").strip()
        preset, bank = int.from_bytes(data[k + 20:k + 22], "little"), int.from_bytes(data[k + 22:k + 24], "little")
        if bank == 0 and preset < 128:
            out.setdefault(preset, name)
    return out


_LOW_PROGRAMS = set(range(32, 40)) | {43, 58}  # GM basses, contrabass, tuba


def _midi_file(programs, slot_s: float, note_s: float) -> bytes:
    """Format-0 MIDI: for each program in turn, a major arpeggio (C4, or C3 for basses) lasting note_s in its own
    slot of slot_s seconds, ended by 'all sound off' so that no release tail rings into the next."""
    tpq = 480  # at the default 120 bpm: 960 ticks per second

    def var(n):  # MIDI variable-length quantity
        b = [n & 0x7F]
        while n > 0x7F:
            n >>= 7
            b.insert(0, (n & 0x7F) | 0x80)
        return bytes(b)

    step = int(round(note_s / 3 * 2 * tpq))
    tail = int(round(slot_s * 2 * tpq)) - 3 * step  # exact slot length in ticks: no drift over 128 slots
    ev = bytearray()
    for prog in programs:
        ev += var(0) + bytes([0xC0, prog])
        base = 48 if prog in _LOW_PROGRAMS else 60  # some bass presets have no samples at C4
        for note in (base, base + 4, base + 7):
            ev += var(0) + bytes([0x90, note, 100]) + var(step) + bytes([0x80, note, 0])
        ev += var(tail) + bytes([0xB0, 120, 0])
    ev += var(0) + b"\xff\x2f\x00"
    header = b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big") + tpq.to_bytes(2, "big")
    return header + b"MTrk" + len(ev).to_bytes(4, "big") + bytes(ev)


def import_fluidsynth(library, soundfont=SOUNDFONT, program="fluidsynth", programs=range(128), limit=None,
                      note_s=2.0, slot_s=3.5, render_rate=44100, max_seconds=10.0, sample_rate=None) -> ImportResult:
    """fluid-soundfont-gm + fluidsynth: a short arpeggio per General MIDI instrument, all rendered
    in one fluidsynth run (loading the 140 MB font once) and cut into slots. Label = preset name
    in lower case; licence MIT (the font's copyright file)."""
    if not Path(soundfont).is_file():
        raise MissingPackageError("fluid-soundfont-gm", str(soundfont))
    exe = _need_program(program, "fluidsynth")
    names = read_sf2_presets(soundfont)
    progs = [p for p in _limited([p for p in programs if p in names], limit)
             if f"fluidr3-gm-{p:03d}-{slug(names[p])}" not in library]
    if not progs:
        return ImportResult(0)
    added, skipped = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        mid, wav = Path(tmp) / "gm.mid", Path(tmp) / "gm.wav"
        mid.write_bytes(_midi_file(progs, slot_s, note_s))
        # no reverb/chorus: effects tails would spill between slots and are added later by simulation
        _run([exe, "-n", "-i", "-q", "-R", "0", "-C", "0", "-g", "0.5", "-r", str(render_rate), "-T", "wav",
              "-F", str(wav), str(soundfont), str(mid)], "fluidsynth")
        x, sr = read_audio(wav)
        slot = int(round(slot_s * sr))
        for j, prog in enumerate(progs):
            seg = x[:, j * slot:(j + 1) * slot]
            if sample_rate and sr != sample_rate:
                seg = resample_audio(seg, sr, sample_rate)
            try:
                e = library.add(seg, sample_rate or sr, names[prog].lower(), "MIT", "fluid-soundfont-gm",
                                attribution=f"FluidR3_GM (Frank Wen), GM program {prog}, rendered with fluidsynth",
                                id=f"fluidr3-gm-{prog:03d}-{slug(names[prog])}", max_seconds=max_seconds)
                added += e is not None
            except RejectedSound as err:
                skipped.append((f"{soundfont}#program{prog}", str(err)))
    return _finish("fluid-soundfont-gm", added, skipped)


DEBIAN_IMPORTERS = {
    "sonic-pi-samples": import_sonic_pi,
    "tuxpaint-stamps-default": import_tuxpaint,
    "fluid-soundfont-gm": import_fluidsynth,
    "espeak-ng": import_espeak,
    "sound-theme-freedesktop": import_freedesktop,
}


def import_debian(library, name: str, **kwargs) -> ImportResult:
    """Run the importer for a Debian package by its package name (see DEBIAN_IMPORTERS)."""
    if name not in DEBIAN_IMPORTERS:
        raise ValueError(f"no importer for {name!r}; known: {', '.join(DEBIAN_IMPORTERS)}")
    return DEBIAN_IMPORTERS[name](library, **kwargs)
