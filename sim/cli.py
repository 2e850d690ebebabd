"""Command-line interface: ``hiring-sim``.

Every error is one line on stderr (``hiring-sim: error: ...``) and a non-zero
exit status; output files are written atomically.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from . import __version__
from .closed_form import HireProbability, contributions, hire_probability
from .engine import iter_chunks, simulate
from .errors import SpecError
from .io import (
    Terminated,
    atomic_write,
    check_output,
    exit_on_signals,
    list_presets,
    load_process,
    load_profiles,
    validate_file,
)
from .result import SummaryAccumulator
from .spec import Process, Profile

__all__ = ["main"]

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on a single line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


class CommandError(Exception):
    """A user error the CLI reports as one line."""


# --------------------------------------------------------------------------- helpers
def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _clean(value: Any) -> Any:
    """NaN and infinities become None so the JSON is standard."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float | np.floating) and not math.isfinite(value):
        return None
    return value


def print_json(data: Any) -> None:
    """Print ``data`` as standard JSON (NaN as null)."""
    print(json.dumps(_clean(data), indent=2, default=_json_default))


def int_arg(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type`` accepting whole numbers in ``[low, high]``, with a clear error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"within {low}..{high}" if high is not None else f">= {low}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {value}")
        return value

    return parse


_positive_int = int_arg(1)
_seed = int_arg(0)


def _progress(total: int) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    """A tqdm bar on an interactive terminal for long runs; nothing otherwise."""
    if total < 200_000 or not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="cand", unit_scale=True, file=sys.stderr, leave=False)
    return bar.update, bar.close


def resolve_profile(process: Process, name: str) -> Profile:
    """Find profile ``name`` among the presets written for ``process`` (or a file:NAME)."""
    source, _, key = name.rpartition(":")
    profiles = load_profiles(source or process.name, process=process)
    if key not in profiles:
        known = ", ".join(sorted(profiles))
        raise CommandError(f"no profile {key!r} for process {process.name!r}; known: {known}")
    return profiles[key]


def _parse_sets(process: Process, items: Sequence[str]) -> dict[str, float]:
    levels: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep:
            raise CommandError(f"--set expects competency=value, got {item!r}")
        if name not in process.competency_names:
            known = ", ".join(process.competency_names)
            raise CommandError(f"--set: unknown competency {name!r}; known: {known}")
        try:
            levels[name] = float(text)
        except ValueError:
            raise CommandError(f"--set {name}: expected a number, got {text!r}") from None
    return levels


def _format_table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    cells = [[_fmt(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    for row in cells:
        first, *rest = zip(row, widths, strict=True)
        lines.append("  ".join([first[0].ljust(first[1]), *(v.rjust(w) for v, w in rest)]))
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:,.4g}"
    return str(value)


# --------------------------------------------------------------------------- commands
def cmd_presets(args: argparse.Namespace) -> int:
    presets = list_presets()
    if args.json:
        print_json(presets)
        return 0
    print("Processes:")
    for item in presets["processes"]:
        print(f"  {item['name']:<28} {item['title']}")
    print("Profiles (use with --profile):")
    for item in presets["profiles"]:
        print(f"  {item['name']:<28} [{item['process']}] {item['description'][:60]}")
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
    update, close = _progress(args.n)

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
                print(f"  {key:<26} {_fmt(value)}")
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
    changes = _parse_sets(process, args.set or [])
    if changes:
        profile = profile.with_levels(**changes)
    if args.framing is not None:
        from dataclasses import replace

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
        print(f"  hire probability (closed form)  {exact.hire:.4g}")
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
    print(_format_table(rows, ["competency", "weight", "level", "expected_view", "contribution"]))
    print(f"  sum of contributions: {table['contribution'].sum():+.4f}")
    return 0


# --------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    """The ``hiring-sim`` argument parser (other modules add their subcommands here)."""
    parser = _Parser(
        prog="hiring-sim",
        description="Simulate a hiring committee: interviewers' scores to a hire decision.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("presets", help="list shipped processes and profiles")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_presets)

    p = sub.add_parser("validate", help="check a process or profile file; list every error")
    p.add_argument("file", help="YAML file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("simulate", help="simulate a pool of candidates")
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--n", type=_positive_int, default=100_000, help="candidates (default 100000)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--workers", type=_positive_int, default=1, help="threads (same result)")
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
    p.add_argument("--n", type=_positive_int, default=20_000, help="Monte Carlo replicates")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_what_if)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


#: Functions ``register(subparsers)`` that add more subcommands.
_EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hiring-sim``; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with exit_on_signals():  # SIGTERM, SIGHUP unwind like Ctrl-C: temp files removed
            code = int(args.func(args))
            sys.stdout.flush()  # inside the try, so a closed pipe is handled here
        return code
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except SpecError as exc:
        for line in str(exc).splitlines():
            print(f"hiring-sim: error: {line}", file=sys.stderr)
        return 1
    except (CommandError, ValueError, OSError) as exc:
        print(f"hiring-sim: error: {exc}", file=sys.stderr)
        return 1
    except MemoryError:
        print("hiring-sim: error: out of memory; lower --n", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hiring-sim: interrupted", file=sys.stderr)
        return 130
    except Terminated as exc:
        print(f"hiring-sim: {exc}", file=sys.stderr)
        return exc.exit_status


_EXTRA_COMMANDS.append(lambda sub: __import__("sim.app.serve", fromlist=["_"]).register(sub))
_EXTRA_COMMANDS.append(lambda sub: __import__("sim.debrief", fromlist=["_"]).register(sub))
_EXTRA_COMMANDS.append(lambda sub: __import__("sim.analysis.cli", fromlist=["_"]).register(sub))

if __name__ == "__main__":
    # Run the imported module's main, so `python -m sim.cli` and subcommands registered by
    # other modules share one copy of this module (and of CommandError).
    from sim.cli import main as _main

    sys.exit(_main())
