"""`bewo-rt eval GEN_DIR ...`: spatial metrics of a folder of generated binaural clips.

bewo_rt/cli.py calls register_cli(subparsers); the handler returns an exit code and raises
ValueError/FileNotFoundError for bad arguments (cli.main reports them). Bad individual clips are
reported in the table and the JSON report, never fatal.
"""
from __future__ import annotations

import sys


def _fmt(v, spec=".1f"):
    return "-" if v is None else format(v, spec)


def _problem(c: dict) -> str | None:
    """What kept a clip from being scored: its audio, or its metadata / reference."""
    if c.get("error"):
        return f"error: {c['error']}"
    if c.get("intended_error"):
        return f"intended: {c['intended_error']}"
    return None


def _failed(c: dict) -> bool:
    # a multi-source scene has no single trajectory: a limit of the metric, not a failure
    return bool(c.get("error")) or (bool(c.get("intended_error")) and "several sources" not in c["intended_error"])


def print_table(report: dict) -> None:
    print(f"{'clip':24s} {'status':7s} {'start':>6s} {'end':>6s} {'median':>6s} {'intended':>8s} "
          f"{'err':>6s} {'ITD(smp)':>8s} {'motion':>14s} {'intended':>14s}")
    for c in report["clips"]:
        status = c.get("status", "?")
        print(f"{c['clip'][:24]:24s} {status:7s} {_fmt(c.get('start_azimuth_deg')):>6s} "
              f"{_fmt(c.get('end_azimuth_deg')):>6s} {_fmt(c.get('median_azimuth_deg')):>6s} "
              f"{_fmt(c.get('intended_median_azimuth_deg')):>8s} {_fmt(c.get('direction_error_deg')):>6s} "
              f"{_fmt(c.get('mean_itd_samples_16k'), '.2f'):>8s} {str(c.get('direction') or '-'):>14s} "
              f"{str(c.get('intended_direction') or '-'):>14s}" + (f"  {_problem(c)}" if _problem(c) else ""))
    s = report["set"]
    de = s["direction_error_deg"]
    print(f"clips {s['clips']}, no estimate {s['no_estimate']}; direction error mean {_fmt(de['mean'])} "
          f"median {_fmt(de['median'])} p90 {_fmt(de['p90'])} deg; L/C/R accuracy {_fmt(s['lcr']['accuracy'], '.3f')}"
          f"; motion accuracy {_fmt(s['motion']['accuracy'], '.3f')}")
    if "gcc_mse" in s:
        print(f"GCC MSE {_fmt(s['gcc_mse']['samples2'], '.4f')} samples^2 @16 kHz "
              f"({_fmt(s['gcc_mse']['ms2'], '.6f')} ms^2); Frechet spatial {_fmt(s.get('frechet_spatial'), '.4f')}")


def _cmd_eval(a) -> int:
    from .evaluate import evaluate_folder, write_json_atomic
    from .features import FeatureConfig

    from .._checks import output_file, writable_folder

    if (a.ref is None) == (a.metadata is None):
        raise ValueError("give exactly one of --ref REF_DIR or --metadata metadata.jsonl")
    if a.out:
        output_file(a.out, "--out", audio=False)
    if a.plots:
        writable_folder(a.plots, "--plots")
    cfg = FeatureConfig(gate_db=a.gate_db, gate_ref=a.gate_ref)
    report = evaluate_folder(a.gen_dir, ref_dir=a.ref, metadata=a.metadata, hrtf=a.hrtf, config=cfg,
                             plots_dir=a.plots)
    print_table(report)
    if a.gate_ref == "clip":
        print(f"gate: windows more than {-a.gate_db:g} dB below the clip's loudest window count as silent "
              f"(--gate-ref full_scale: BEWO's absolute {a.gate_db:g} dBFS gate)")
    else:
        print(f"gate: windows below {a.gate_db:g} dBFS count as silent (BEWO's gate; --gate-ref clip makes it "
              "relative to each clip's loudest window)")
    if a.out:
        write_json_atomic(a.out, report)
        print(f"report written to {a.out}")
    failed = [c["clip"] for c in report["clips"] if _failed(c)]
    if failed:
        print(f"bewo-rt eval: {len(failed)} clip(s) could not be scored (see the table's last column): "
              f"{', '.join(failed[:5])}{' ...' if len(failed) > 5 else ''}", file=sys.stderr)
        return 1
    return 0


def register_cli(subparsers) -> None:
    e = subparsers.add_parser("eval", help="spatial metrics of generated binaural clips (ITD, azimuth, motion)")
    e.add_argument("gen_dir", help="folder of generated clips (.wav/.flac, stereo: left, right)")
    g = e.add_mutually_exclusive_group(required=True)
    g.add_argument("--ref", default=None, help="folder of reference clips, matched by file name (stem)")
    g.add_argument("--metadata", default=None, help="metadata.jsonl whose rows' scenes give the intended azimuths")
    e.add_argument("--out", default=None, help="JSON report (written atomically)")
    e.add_argument("--plots", default=None, help="folder for one PNG per clip: estimated vs intended azimuth")
    e.add_argument("--hrtf", default="kemar", help="HRTF set the azimuth estimator is calibrated on: kemar | sphere | FILE.sofa")
    e.add_argument("--gate-db", type=float, default=-16.0, help="silent-window threshold in dB (default -16)")
    e.add_argument("--gate-ref", choices=("clip", "full_scale"), default="clip",
                   help="clip (default): the threshold is relative to each clip's loudest window, so a quiet or "
                        "peak-normalised clip is not called silent; full_scale: BEWO's absolute -16 dBFS gate")
    e.set_defaults(func=_cmd_eval)
