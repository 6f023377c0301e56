"""`bewo-rt` command line."""
from __future__ import annotations

import argparse
import json
import sys

import numpy as np


def _cmd_render(a) -> int:
    from ._checks import output_file
    from .audio_io import read_audio, write_audio
    from .render import render

    output_file(a.output)
    x, sr = read_audio(a.input)
    if x.shape[0] > 1:
        print(f"note: {a.input} has {x.shape[0]} channels; rendering their average", file=sys.stderr)
    mono = x.mean(axis=0)
    out = render(mono, sr, azimuth=a.azimuth, elevation=a.elevation, distance=a.distance, path=a.path,
                 hrtf=a.hrtf, block_size=a.block_size, n_threads=a.threads, tail=not a.cut)
    peak = float(np.max(np.abs(out)))
    float_out = a.output.lower().endswith((".wav", ".aiff", ".aif")) and a.subtype.upper() in ("FLOAT", "DOUBLE")
    if peak > 1.0 and (a.peak == "normalise" or not float_out):
        out = out * (0.891 / peak)  # -1 dBFS: integer and lossy formats would clip
        print(f"note: peak {peak:.2f} > 1; scaled to -1 dBFS for {a.output}", file=sys.stderr)
        peak = 0.891
    elif peak > 1.0 and a.peak == "refuse":
        raise ValueError(f"the output peaks at {peak:.2f} (> 1, full scale); nothing written. --peak normalise "
                         "scales it to -1 dBFS, a larger --distance lowers it")
    elif peak > 1.0:
        print(f"warning: the output peaks at {peak:.2f}, above full scale: a float file keeps it, but players and "
              "integer conversions clip at 1 (--peak normalise scales it to -1 dBFS, --peak refuse stops)",
              file=sys.stderr)
    write_audio(a.output, out, sr, subtype=a.subtype)
    print(f"wrote {a.output}: 2 x {out.shape[1]} samples at {sr} Hz, peak {peak:.3f}")
    return 0


def _cmd_demo(a) -> int:
    from ._checks import output_file
    from .audio_io import write_audio
    from .examples import bell_pattern
    from .render import render

    output_file(a.output)
    if not a.seconds > 0:
        raise ValueError(f"--seconds must be > 0, got {a.seconds}")
    if a.sample_rate < 8000:
        raise ValueError(f"--sample-rate must be at least 8000 Hz, got {a.sample_rate}")
    sr = a.sample_rate
    x = bell_pattern(a.seconds, sr)
    path = f"0:-90,{a.seconds:g}:90"
    out = render(x, sr, path=path, hrtf=a.hrtf)
    write_audio(a.output, out, sr)
    print(f"wrote {a.output}: a bell moving from hard left (-90) to hard right (+90) over {a.seconds:g} s "
          f"({a.hrtf} HRTF, {sr} Hz)")
    return 0


def _parse_shard(text: str) -> tuple[int, int]:
    try:
        k, n = (int(v) for v in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard must be I/N (e.g. 0/4), got {text!r}") from None
    return k, n


def _cmd_dataset_build(a) -> int:
    from ._checks import writable_folder
    from .corpus.builder import BuildConfig, build

    writable_folder(a.out, "--out")
    cfg = BuildConfig(out=a.out, clips=a.clips, subset=a.subset, seconds=a.seconds, sample_rate=a.sample_rate,
                      seed=a.seed, library=a.library, mode=a.mode, hrtf=a.hrtf,
                      allow_copyleft=a.allow_copyleft)
    res = build(cfg, workers=a.workers, shard=_parse_shard(a.shard), engine=a.engine, progress=not a.quiet)
    print(f"{a.out}: built {res['built']} clips this run; {res['present']} of {res['clips']} present; "
          f"metadata.jsonl and train/val/test.jsonl written")
    return 0


def _cmd_paths(a) -> int:
    import os

    from . import paths

    p = paths()
    if a.cflags:
        if p["library"] is None:
            raise RuntimeError("libbewo.so is not installed with this package")
        lib = os.path.dirname(p["library"])
        print(f"-I{p['include']} -L{lib} -Wl,-rpath,{lib} -lbewo")
        return 0
    if a.json:
        print(json.dumps(p, indent=2))
        return 0
    width = max(len(k) for k in p)
    for k, v in p.items():
        print(f"{k:{width}s}  {v if v is not None else '(not installed)'}")
    return 0


def _cmd_backends(a) -> int:
    from .render import backends

    print(json.dumps(backends(), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bewo-rt", description="Language-driven spatial audio runtime")
    p.add_argument("--debug", action="store_true",
                   help="show Python tracebacks for errors (also BEWO_DEBUG=1)")
    sub = p.add_subparsers(dest="cmd", required=True)

    r = sub.add_parser("render", help="place a mono sound in space (binaural WAV out)")
    r.add_argument("input", help="input sound file (mono; several channels are averaged)")
    r.add_argument("-o", "--output", required=True,
                   help="output file; its extension sets the format: .wav, .flac, .ogg (Vorbis), .mp3, .aiff")
    r.add_argument("--azimuth", type=float, default=0.0, help="degrees: 0 ahead, negative left, positive right")
    r.add_argument("--elevation", type=float, default=0.0, help="degrees, positive up")
    r.add_argument("--distance", type=float, default=1.0, help="metres (gain 1/r, clamped below 0.25 m)")
    r.add_argument("--path", default=None,
                   help="moving source: 'T:AZ[:EL[:DIST]],...' (seconds, degrees, degrees, metres); overrides --azimuth")
    r.add_argument("--hrtf", default="kemar", help="kemar | sphere | FILE.sofa")
    r.add_argument("--block-size", type=int, default=512, help="samples per HRTF update (power of two)")
    r.add_argument("--threads", type=int, default=1)
    r.add_argument("--subtype", default="FLOAT",
                   help="sample format: FLOAT (default; .wav/.aiff, else the format's own default), PCM_16, PCM_24")
    r.add_argument("--cut", action="store_true",
                   help="keep the input's length (default: the output is longer by the HRTF's length, so the "
                        "tail of the last sound is kept)")
    r.add_argument("--peak", default="warn", choices=["warn", "normalise", "refuse"],
                   help="a float output above full scale: warn (default), scale to -1 dBFS, or refuse")
    r.set_defaults(func=_cmd_render)

    d = sub.add_parser("demo", help="render a synthesised bell moving from left to right")
    d.add_argument("-o", "--output", default="demo.wav")
    d.add_argument("--seconds", type=float, default=6.0)
    d.add_argument("--sample-rate", type=int, default=48000)
    d.add_argument("--hrtf", default="kemar")
    d.set_defaults(func=_cmd_demo)

    pa = sub.add_parser("paths", help="where the installed model, HRTF sets, text encoder, C header, library, "
                                      "pkg-config and CMake files are")
    pa.add_argument("--json", action="store_true")
    pa.add_argument("--cflags", action="store_true",
                    help="print the compiler and linker flags for the C API (cc app.c $(bewo-rt paths --cflags))")
    pa.set_defaults(func=_cmd_paths)

    b = sub.add_parser("backends", help="show which backends are compiled and usable")
    b.set_defaults(func=_cmd_backends)

    ds = sub.add_parser("dataset", help="spatial corpus (BEWO-1M style)")
    dsub = ds.add_subparsers(dest="dataset_cmd", required=True)
    db = dsub.add_parser("build", help="build or resume a corpus of spatial clips with captions")
    db.add_argument("--out", required=True, help="output folder")
    db.add_argument("--clips", type=int, required=True, help="number of clips in the whole corpus")
    db.add_argument("--subset", default="all", choices=["all", "SS", "SD", "DS", "MIX"],
                    help="BEWO subset: single static/moving, double static, mixture; all: BEWO's shares")
    db.add_argument("--seconds", type=float, default=10.0)
    db.add_argument("--sample-rate", type=int, default=16000)
    db.add_argument("--seed", type=int, default=0)
    db.add_argument("--workers", type=int, default=1, help="local processes")
    db.add_argument("--shard", default="0/1", help="I/N: build clips i with i %% N == I")
    db.add_argument("--engine", default="local", choices=["local", "ray"])
    db.add_argument("--library", default=None, help="source library folder (default: procedural sounds)")
    db.add_argument("--mode", default="binaural", choices=["binaural", "two_mic"],
                    help="binaural (HRTF) or BEWO's two bare microphones")
    db.add_argument("--hrtf", default="kemar")
    db.add_argument("--allow-copyleft", action="store_true",
                    help="also use GPL and share-alike sounds (kept out by default: shipped weights may not learn from them)")
    db.add_argument("--quiet", action="store_true", help="no progress bar")
    db.set_defaults(func=_cmd_dataset_build)

    from .corpus.cli import register_cli as register_sources
    from .metrics.cli import register_cli as register_eval
    from .model.cli import register_cli as register_model
    from .text.cli import register_cli as register_parse

    register_sources(sub)
    register_parse(sub)
    register_eval(sub)
    register_model(sub)
    from .models.cli import register_cli as register_models

    register_models(sub)
    from .bench import register_cli as register_bench

    register_bench(sub)
    return p


def _user_error(e: BaseException) -> tuple[str, int]:
    """One line and an exit code for an exception: 2 for a user's mistake (a path, a
    permission, a format, a value), 1 for a failure of the work itself."""
    import errno

    name = getattr(e, "filename", None)
    if isinstance(e, IsADirectoryError):
        return f"{name} is a folder; give a file name", 2
    if isinstance(e, NotADirectoryError):
        return f"{name}: a part of this path is a file, not a folder", 2
    if isinstance(e, PermissionError):
        return f"cannot access {name}: permission denied; choose another path", 2
    if isinstance(e, FileNotFoundError):
        return (str(e) if name is None else f"{name} does not exist"), 2
    if isinstance(e, OSError) and not isinstance(e, (ValueError, RuntimeError)):
        if e.errno == errno.EROFS:
            return f"cannot write {name}: read-only file system; choose a writable folder", 2
        if e.errno == errno.ENOSPC:
            return f"no space left on the device writing {name}", 1
        return (f"{e.strerror}: {name}" if name and e.strerror else str(e)), 2
    if isinstance(e, (ValueError, TypeError, RuntimeError)):
        return str(e), 2
    return f"internal error: {type(e).__name__}: {e} (run `bewo-rt --debug ...` for the traceback)", 1


def main(argv=None) -> int:
    import os

    args = build_parser().parse_args(argv)
    debug = args.debug or os.environ.get("BEWO_DEBUG", "") not in ("", "0")
    try:
        return args.func(args)
    except KeyboardInterrupt as e:
        if debug:
            raise
        print(f"bewo-rt {args.cmd}: {str(e) or 'interrupted'}", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - every error becomes one line unless --debug asks for the traceback
        if debug:
            raise
        msg, code = _user_error(e)
        print(f"bewo-rt {args.cmd}: error: {msg}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
