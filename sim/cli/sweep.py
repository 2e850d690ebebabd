"""``hiring-sim sweep SPEC.yaml --process P --n N --seed S``: a sweep from the command line.

:func:`register` adds the subcommand; ``sim.cli`` calls it lazily. Cells run in
this process, on ``--workers K`` local processes, or on the Dask cluster at
``--scheduler ADDRESS``; with ``--out DIR`` finished cells are saved as they
finish and the same command resumes an interrupted sweep.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..io import load_process
from ..sweep.cells import load_spec
from ..sweep.run import SweepResult, run_sweep
from .common import CommandError, int_arg, print_json

__all__ = ["cmd_sweep", "register"]


def _progress_bar(enabled: bool) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A tqdm bar of cells on an interactive terminal; a silent counter otherwise."""
    state: dict[str, Any] = {"bar": None}

    def update(finished: int, total: int) -> None:
        state["finished"], state["total"] = finished, total
        if not enabled:
            return
        if state["bar"] is None:
            from tqdm import tqdm

            state["bar"] = tqdm(
                total=total, initial=finished, unit="cell", file=sys.stderr, leave=False
            )
        bar = state["bar"]
        bar.update(finished - bar.n)

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].close()

    update.state = state  # type: ignore[attr-defined]
    return update, close


def _executor(args: argparse.Namespace) -> Any:
    if args.scheduler is not None:
        try:
            from ..sweep.executors import DaskExecutor

            return DaskExecutor(args.scheduler)
        except ImportError:
            raise CommandError(
                "--scheduler needs dask.distributed: pip install 'hiring-committee-sim[dask]'"
            ) from None
        except (OSError, TimeoutError, ValueError) as exc:
            text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise CommandError(
                f"cannot reach the Dask scheduler {args.scheduler}: {text}"
            ) from None
    return args.workers


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep spec; a table (or ``--json``) of every cell, in the spec's order."""
    process = load_process(args.process)
    spec = load_spec(args.spec)
    update, close = _progress_bar(sys.stderr.isatty() and not args.quiet)
    state = update.state  # type: ignore[attr-defined]
    executor = None
    try:
        spec.cells(process)  # every cell checked before a worker or a file is touched
        executor = _executor(args)
        result = run_sweep(
            process,
            spec,
            n=args.n,
            rng=args.seed,
            executor=executor,
            out=args.out,
            cells_per_task=args.cells_per_task,
            progress=update,
        )
    except RuntimeError as exc:  # workers that keep dying, or that cannot import sim
        raise CommandError(str(exc)) from None
    except KeyboardInterrupt:
        close()
        done, total = state.get("finished", 0), state.get("total", "?")
        where = f"{done} of {total} cells saved in {args.out}" if args.out else "no --out"
        tail = "; run the same command to resume" if args.out else ": nothing saved"
        print(f"hiring-sim: interrupted ({where}){tail}", file=sys.stderr)
        return 130
    finally:
        close()
        if executor is not None and not isinstance(executor, int):
            executor.close()
    if args.json:
        print_json({"process": process.name, "seed": args.seed, **result.to_dict()})
        return 0
    print(_text(process.title, result, args.seed))
    return 0


def _text(title: str, result: SweepResult, seed: int) -> str:
    """The sweep as a table: parameters, metrics with SEs, differences with paired SEs."""
    frame = result.frame
    lines = [
        f"{title}: {len(frame)} cells x {result.n:,} applicants, seed {seed}; "
        f"differences against cell {result.baseline} (paired SEs; * = other applicants)",
    ]
    table: dict[str, list[str]] = {"cell": [str(c) for c in frame["cell"]]}
    if "variant" in frame:
        table["variant"] = [str(v) for v in frame["variant"]]
    for path in result.paths:
        table[path] = [_value(v) for v in frame[path]]
    for name, digits in (
        ("hire_rate", 4),
        ("precision", 3),
        ("recall", 3),
        ("validity", 3),
        ("dollars_per_hire", 0),
        ("interviewer_hours_per_hire", 1),
        ("interviewer_cost_per_hire", 0),
    ):
        if frame[name].isna().all():
            continue
        pairs = zip(frame[name], frame[f"{name}_se"], strict=True)
        table[name] = [_pm(v, se, digits) for v, se in pairs]
    diffs = zip(frame["precision_diff"], frame["precision_diff_se"], strict=True)
    table["d_precision"] = [
        _pm(v, se, 3, sign=True) + ("" if same else "*")
        for (v, se), same in zip(diffs, frame["common_draws"], strict=True)
    ]
    text = pd.DataFrame(table).to_string(index=False)
    lines.extend("  " + line for line in text.splitlines())
    return "\n".join(lines)


def _value(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _pm(value: float, se: float, digits: int, *, sign: bool = False) -> str:
    if not math.isfinite(value):
        return "-"
    head = f"{value:+,.{digits}f}" if sign else f"{value:,.{digits}f}"
    return head if not math.isfinite(se) else f"{head} ± {se:,.{digits}f}"


def register(subparsers: Any) -> None:
    """Add ``sweep`` to the ``hiring-sim`` subcommands."""
    p = subparsers.add_parser(
        "sweep",
        help="simulate every cell of a sweep spec (grid / zip / variants of field paths)",
        description="Simulate every cell of a sweep spec with common random numbers; "
        "every cell is validated first. With --out, finished cells are saved as they "
        "finish and the same command resumes an interrupted sweep.",
    )
    p.add_argument("spec", metavar="SPEC.yaml", help="sweep spec file")
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--n", type=int_arg(1), default=10_000, help="applicants per cell")
    p.add_argument("--seed", type=int_arg(0), default=0, help="random seed (default 0)")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=int_arg(1), default=1, help="local worker processes (default 1)"
    )
    where.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://h:8786")
    p.add_argument("--out", metavar="DIR", help="Parquet dataset folder (saved as cells finish)")
    p.add_argument("--cells-per-task", type=int_arg(1), help="cells per task (default: auto)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_sweep)
