"""``hiring-sim calibrate``: score sheets in, your committee's parameters (and a process) out.

The calibration package is imported when the command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..io import load_process
from .common import CommandError, print_json

__all__ = ["cmd_calibrate", "register"]


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Calibrate from a score sheet; print the estimates; optionally write the fitted YAML."""
    from ..calibrate.fit import calibrate

    base = load_process(args.process) if args.process else None
    scale = None
    if args.scale is not None:
        low, high = args.scale
        if not high > low:
            raise CommandError(f"--scale: MAX must be greater than MIN (got {low:g} {high:g})")
        scale = (low, high)
    if args.out is not None:
        out = Path(args.out)
        if out.suffix not in (".yaml", ".yml"):
            raise CommandError(f"--out: must be a .yaml file (got {args.out!r})")
        if not out.parent.is_dir() and str(out.parent) != "":
            raise CommandError(f"--out: folder {str(out.parent)!r} does not exist")
    result = calibrate(args.scores, format=args.format, scale=scale, process=base)
    if args.out is not None:
        result.write(args.out)  # validated before anything is written, then atomic
    if args.json:
        doc = result.to_dict()
        if args.out is not None:
            doc["fitted_process"] = str(args.out)
        print_json(doc)
        return 0
    for line in result.summary_lines():
        print(line)
    if args.out is not None:
        print(f"\nwrote {args.out} (hiring-sim validate {args.out})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``calibrate`` to ``hiring-sim``."""
    p = subparsers.add_parser(
        "calibrate", help="estimate your interviewers and committee from score sheets"
    )
    p.add_argument("scores", help="score sheet: long CSV / Parquet, or Greenhouse JSON")
    p.add_argument(
        "--format",
        choices=("csv", "parquet", "greenhouse"),
        help="input format (default: from the file's suffix)",
    )
    p.add_argument(
        "--scale",
        nargs=2,
        type=float,
        metavar=("MIN", "MAX"),
        help="rating scale (default: the process's, else the observed range)",
    )
    p.add_argument(
        "--process",
        metavar="BASE",
        help="base process: stated weights, label names, truth model and dollars",
    )
    p.add_argument("--out", metavar="FITTED.yaml", help="write the fitted process (atomically)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_calibrate)
