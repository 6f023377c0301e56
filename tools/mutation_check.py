"""Mutation check: run the test suite against each plausible bug in tools/mutants/bewo_mutants.py
and fail unless every mutant is caught by at least one test.

    python tools/mutation_check.py            # every mutant against the whole suite (pytest -x)
    python tools/mutation_check.py --quick    # every mutant against the test files listed for it
    python tools/mutation_check.py --only negated_azimuth,tiny_norm_eps

Run from anywhere, with bewo_rt installed (the tests import the installed package). Prints one
line per mutant with the first test that caught it, and a summary; exit code 1 when a mutant
survives (or its run errors without a failing test)."""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS_DIR = Path(__file__).resolve().parent / "mutants"
TESTS = ROOT / "python_tests"


def run_one(name: str, targets: list[str], timeout: int) -> tuple[str, str, float]:
    env = dict(os.environ, BEWO_MUTANT=name,
               PYTHONPATH=os.pathsep.join([str(MUTANTS_DIR), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    env.pop("BEWO_DEBUG", None)
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-rf", *targets]
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, cwd=TESTS, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", "", time.perf_counter() - t0
    dt = time.perf_counter() - t0
    out = r.stdout + r.stderr
    m = re.search(r"^FAILED (\S+)", out, re.M)
    if m:
        return "caught", m.group(1), dt
    m = re.search(r"^ERROR (\S+)", out, re.M)
    if m:
        return "error", m.group(1), dt
    if r.returncode == 0:
        return "survived", "", dt
    tail = out.strip().splitlines()[-1] if out.strip() else f"exit {r.returncode}"
    return "error", tail, dt


def main(argv=None) -> int:
    sys.path.insert(0, str(MUTANTS_DIR))
    from bewo_mutants import MUTANTS

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="only the test files listed for each mutant")
    ap.add_argument("--only", default="", help="comma-separated mutant names")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per mutant")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args(argv)
    names = [n for n in a.only.split(",") if n] or list(MUTANTS)
    unknown = [n for n in names if n not in MUTANTS]
    if unknown:
        print(f"unknown mutant(s): {', '.join(unknown)}; known: {', '.join(MUTANTS)}", file=sys.stderr)
        return 2
    if a.list:
        for n in names:
            print(f"{n:28s} {MUTANTS[n]['doc']}  [{', '.join(MUTANTS[n]['targets'])}]")
        return 0
    survived = 0
    print(f"{'mutant':28s} {'result':9s} {'s':>6s}  caught by")
    for n in names:
        targets = MUTANTS[n]["targets"] if a.quick else ["."]
        status, test, dt = run_one(n, targets, a.timeout)
        ok = status == "caught"
        survived += not ok
        print(f"{n:28s} {status:9s} {dt:6.1f}  {test or '-'}", flush=True)
    print(f"{len(names) - survived} of {len(names)} mutants caught" + (f"; {survived} NOT caught" if survived else ""))
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
