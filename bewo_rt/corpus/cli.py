"""`bewo-rt sources ...`: build and inspect a source library from the command line.

bewo_rt/cli.py calls register_cli(subparsers); every handler takes the parsed args and returns an
exit code. Errors are raised as ValueError/RuntimeError/FileNotFoundError, which cli.main reports.
"""
from __future__ import annotations

import sys
import warnings


def _report(what: str, result) -> int:
    skipped = getattr(result, "skipped", [])
    print(f"{what}: added {int(result)} sound(s), skipped {len(skipped)}")
    for path, why in skipped[:20]:
        print(f"  skipped {path}: {why}", file=sys.stderr)
    if len(skipped) > 20:
        print(f"  ... and {len(skipped) - 20} more", file=sys.stderr)
    return 0


def _cmd_import(a) -> int:
    from .._checks import writable_folder
    from .importers import import_dir
    from .library import SourceLibrary

    writable_folder(a.lib, "--lib")
    with warnings.catch_warnings():  # _report lists the skipped files itself
        warnings.simplefilter("ignore")
        r = import_dir(SourceLibrary(a.lib), a.dir, licence=a.licence, origin=a.origin, label_from=a.label_from,
                       max_seconds=a.max_seconds, sample_rate=a.sample_rate)
    return _report(a.dir, r)


def _cmd_procedural(a) -> int:
    from .._checks import writable_folder
    from .library import SourceLibrary
    from .procedural import build_procedural_library

    writable_folder(a.lib, "--lib")
    n = build_procedural_library(SourceLibrary(a.lib), per_kind=a.per_kind, seconds=a.seconds,
                                 sample_rate=a.sample_rate, seed=a.seed)
    print(f"procedural: added {n} sound(s) to {a.lib}")
    return 0


def _cmd_debian(a) -> int:
    from .._checks import writable_folder
    from .importers import import_debian
    from .library import SourceLibrary

    writable_folder(a.lib, "--lib")
    lib = SourceLibrary(a.lib)
    for name in a.names:
        kw = {"limit": a.limit, "sample_rate": a.sample_rate, "max_seconds": a.max_seconds}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = import_debian(lib, name, **kw)
        _report(name, r)
    return 0


def _cmd_list(a) -> int:
    from collections import Counter

    from .library import SourceLibrary

    if (a.dir is None) == (a.lib is None):
        raise ValueError("give the library folder, as DIR or --lib DIR")
    path = a.dir or a.lib
    from pathlib import Path

    if not Path(path).is_dir():
        raise FileNotFoundError(f"library folder {path} does not exist")
    lib = SourceLibrary(path)
    if a.entries:
        for e in lib.entries:
            print(f"{e.id}\t{e.label}\t{e.duration_s:.2f}s\t{e.sample_rate}Hz\t{e.licence}\t{e.origin}")
        return 0
    hours = sum(e.duration_s for e in lib.entries) / 3600
    print(f"{lib.root}: {len(lib)} sounds, {len(lib.labels())} labels, {hours:.2f} h")
    for title, key in (("licences", "licence"), ("origins", "origin")):
        print(f"{title}:")
        for v, n in Counter(getattr(e, key) for e in lib.entries).most_common():
            print(f"  {n:6d}  {v}")
    return 0


def register_cli(subparsers) -> None:
    from .importers import DEBIAN_IMPORTERS

    s = subparsers.add_parser("sources", help="build a library of labelled mono source sounds")
    sub = s.add_subparsers(dest="sources_cmd", required=True)

    def common(p, rate_default=None):
        p.add_argument("--lib", required=True, help="library folder (created if missing)")
        p.add_argument("--max-seconds", type=float, default=10.0, help="keep at most this much of each sound")
        p.add_argument("--sample-rate", type=int, default=rate_default, help="resample to this rate on import")

    i = sub.add_parser("import", help="import every audio file under a folder")
    i.add_argument("dir")
    common(i)
    i.add_argument("--licence", default=None, help="licence of every file (default: a LICENSE file in DIR)")
    i.add_argument("--origin", default=None, help="where the sounds come from (default: DIR's name)")
    i.add_argument("--label-from", choices=("filename", "sidecar"), default="filename",
                   help="label from the file name or from a same-stem .txt caption")
    i.set_defaults(func=_cmd_import)

    p = sub.add_parser("procedural", help="add the numpy-synthesised labelled set")
    p.add_argument("--lib", required=True)
    p.add_argument("--per-kind", type=int, default=3)
    p.add_argument("--seconds", type=float, default=4.0)
    p.add_argument("--sample-rate", type=int, default=16000)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_cmd_procedural)

    d = sub.add_parser("debian", help="import sounds from installed Debian packages")
    d.add_argument("names", nargs="+", choices=sorted(DEBIAN_IMPORTERS), metavar="NAME",
                   help="one or more of: " + ", ".join(sorted(DEBIAN_IMPORTERS)))
    common(d)
    d.add_argument("--limit", type=int, default=None, help="at most this many sounds per package")
    d.set_defaults(func=_cmd_debian)

    ls = sub.add_parser("list", help="summarise a library (or --entries: one line per sound)")
    ls.add_argument("dir", nargs="?", help="the library folder (or --lib)")
    ls.add_argument("--lib", default=None)
    ls.add_argument("--entries", action="store_true")
    ls.set_defaults(func=_cmd_list)
