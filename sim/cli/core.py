"""The core commands: ``presets``, ``validate``, ``simulate`` and ``what-if``."""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..closed_form import HireProbability, contributions, hire_probability
from ..engine import iter_chunks, simulate
from ..errors import SpecError
from ..io import atomic_write, check_output, list_presets, load_process, validate_file
from ..result import SummaryAccumulator
from .common import (
    SUMMARY_MEANINGS,
    CommandError,
    fmt,
    format_table,
    parse_sets,
    positive_int,
    print_json,
    progress_bar,
    resolve_profile,
    seed_arg,
)

__all__ = ["cmd_presets", "cmd_simulate", "cmd_validate", "cmd_what_if", "register"]


def cmd_presets(args: argparse.Namespace) -> int:
    presets = list_presets()
    if args.json:
        print_json(presets)
        return 0
    print("Processes:")
    for item in presets["processes"]:
        print(f"  {item['name']:<28} {item['title']}")
    print("\nProfiles (use with --process P --profile NAME):")
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120) - 6)
    process = None
    for item in presets["profiles"]:
        if item["process"] != process:
            process = item["process"]
            print(f"  {process}:")
        print(f"    {item['name']}")
        text = " ".join(item["description"].split())
        print(textwrap.fill(text, width, initial_indent=" " * 6, subsequent_indent=" " * 6))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        spec = validate_file(args.file)
    except SpecError as exc:
        count = len(exc.issues)
        print(f"{args.file}: {count} error{'s' * (count != 1)}", file=sys.stderr)
        for issue in exc.issues:
            print(f"{args.file}: {issue}", file=sys.stderr)
        return 1
    what = f"{len(spec)} profiles" if isinstance(spec, dict) else f"process {spec.name!r}"
    print(f"{args.file}: OK ({what})")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    process = load_process(args.process)
    out = check_output(args.out, (".csv", ".parquet")) if args.out is not None else None
    if out is not None and out.suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise CommandError("--out *.parquet needs pyarrow (pip install pyarrow)") from None
    # Stream chunk by chunk: memory stays O(chunk) for any --n.
    totals = SummaryAccumulator(process)
    chunks = iter_chunks(process, n=args.n, rng=args.seed, workers=args.workers)
    update, close = progress_bar(args.n)

    def tables() -> Iterator[pd.DataFrame]:
        for chunk in chunks:
            totals.add(chunk)
            if update is not None:
                update(chunk.n)
            yield chunk.decisions() if out is not None else None

    try:
        if out is None:
            for _ in tables():
                pass
        elif out.suffix == ".csv":
            atomic_write(out, lambda tmp: _write_csv(tmp, tables()))
        else:
            atomic_write(out, lambda tmp: _write_parquet(tmp, tables()))
    finally:
        close()
    summary = {"process": process.name, "seed": args.seed, **totals.summary()}
    if out is not None:
        summary["out"] = str(out)
    if args.json:
        print_json(summary)
    else:
        print(f"{process.title}: {args.n:,} candidates, seed {args.seed}")
        for key, value in summary.items():
            if key not in ("process", "seed"):
                meaning = SUMMARY_MEANINGS.get(key, "")
                print(f"  {key:<26} {fmt(value, key):>9}  {meaning}".rstrip())
    return 0


def _write_csv(path: Path, tables: Iterable[pd.DataFrame]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        for i, table in enumerate(tables):
            table.to_csv(handle, header=i == 0, index=False)


def _write_parquet(path: Path, tables: Iterable[pd.DataFrame]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    try:
        for table in tables:
            batch = pa.Table.from_pandas(table, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, batch.schema)
            writer.write_table(batch)
    finally:
        if writer is not None:
            writer.close()


def cmd_what_if(args: argparse.Namespace) -> int:
    process = load_process(args.process)
    profile = resolve_profile(process, args.profile)
    changes = parse_sets(process, args.set or [])
    if changes:
        profile = profile.with_levels(**changes)
    if args.framing is not None:
        profile = replace(profile, framing=args.framing)
    try:
        exact: HireProbability | None = hire_probability(process, profile)
        no_closed_form = ""
    except SpecError as exc:
        # Rules such as median or majority have no Gaussian closed form: Monte Carlo only.
        if not any(issue.path.startswith("debrief.") for issue in exc.issues):
            raise
        exact, no_closed_form = None, "; ".join(str(issue) for issue in exc.issues)
    result = simulate(process, profile, n=args.n, rng=args.seed, keep="decisions")
    mc, se = float(result.hired.mean()), result.hire_rate_se()
    table = contributions(process, profile)
    data = {
        "process": process.name,
        "profile": profile.name,
        "changes": changes,
        "framing": profile.framing,
        "threshold": process.debrief.threshold,
        "hire_probability": exact.hire if exact else None,
        "hold_probability": exact.hold if exact else None,
        "reach_debrief": exact.reach_debrief if exact else None,
        "aggregate_mean": exact.aggregate_mean if exact else None,
        "aggregate_sd": exact.aggregate_sd if exact else None,
        "method": exact.method if exact else None,
        "error": exact.error if exact else None,
        "aggregate_of": process.debrief.aggregate,
        "closed_form_note": no_closed_form or None,
        "monte_carlo": {"n": args.n, "seed": args.seed, "hire_rate": mc, "se": se},
        "contributions": [
            {"competency": name, **{k: float(v) for k, v in row.items()}}
            for name, row in table.iterrows()
        ],
    }
    if args.json:
        print_json(data)
        return 0
    print(f"{process.title} - profile {profile.name} (framing {profile.framing:+.2f})")
    if changes:
        print("  changed: " + ", ".join(f"{k}={v:g}" for k, v in changes.items()))
    if exact is not None:
        print(
            f"  hire probability  {exact.describe()}"
            f"  [committee counts: {process.debrief.aggregate}]"
        )
    else:
        print(f"  hire probability (closed form)  n/a: {no_closed_form}")
    print(f"  hire rate (Monte Carlo, n={args.n:,})  {mc:.4g} +/- {se:.2g} (SE)")
    if exact is not None:
        print(
            f"  expected debrief score {exact.aggregate_mean:.2f} points "
            f"(SD {exact.aggregate_sd:.2f}) vs threshold {process.debrief.threshold:g}"
        )
    print("\nContribution of each competency to expected score - threshold (points):")
    rows = [{"competency": n, **r} for n, r in table.round(4).to_dict("index").items()]
    print(format_table(rows, ["competency", "weight", "level", "expected_view", "contribution"]))
    print(f"  sum of contributions: {table['contribution'].sum():+.4f}")
    return 0


def register(sub: Any) -> None:
    """Add ``presets``, ``validate``, ``simulate`` and ``what-if``."""
    p = sub.add_parser("presets", help="list shipped processes and profiles")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_presets)

    p = sub.add_parser("validate", help="check a process or profile file; list every error")
    p.add_argument("file", help="YAML file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("simulate", help="simulate a pool of candidates")
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--n", type=positive_int, default=100_000, help="candidates (default 100000)")
    p.add_argument("--seed", type=seed_arg, default=0, help="random seed (default 0)")
    p.add_argument("--workers", type=positive_int, default=1, help="threads (same result)")
    p.add_argument("--out", help="write one row per candidate to FILE.csv or FILE.parquet")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("what-if", help="hire probability of a profile, and what sways it")
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--profile", required=True, help="profile name (or FILE.yaml:NAME)")
    p.add_argument(
        "--set",
        action="append",
        metavar="COMPETENCY=POINTS",
        help="change a level (points of the scale); repeatable",
    )
    p.add_argument("--framing", type=float, help="override framing, in [-1, 1]")
    p.add_argument("--n", type=positive_int, default=20_000, help="Monte Carlo replicates")
    p.add_argument("--seed", type=seed_arg, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_what_if)
