"""What every ``hiring-sim`` command shares: the parser, one-line errors, JSON, tables.

These helpers are public so that every command module (and commands added by
other packages) uses the same ones; they live below the commands and import
none of them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from ..errors import SpecError
from ..io import load_profiles
from ..spec import Process, Profile
from ..validation import check_int

__all__ = [
    "EXIT_USAGE",
    "CommandError",
    "Parser",
    "fmt",
    "format_table",
    "int_arg",
    "parse_sets",
    "positive_int",
    "print_json",
    "progress_bar",
    "resolve_profile",
    "seed_arg",
]

EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors on a single line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


class CommandError(Exception):
    """A user error the CLI reports as one line."""


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
        try:
            return check_int("value", value, low, high)
        except SpecError:
            bounds = f"within {low}..{high}" if high is not None else f">= {low}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {value}") from None

    return parse


positive_int = int_arg(1)
seed_arg = int_arg(0)


def progress_bar(total: int) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    """A tqdm bar on an interactive terminal for long runs; nothing otherwise."""
    if total < 200_000 or not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="cand", unit_scale=True, file=sys.stderr, leave=False)
    return bar.update, bar.close


def resolve_profile(process: Process, name: str) -> Profile:
    """Find profile ``name`` among the presets written for ``process`` (or a ``FILE:NAME``)."""
    source, _, key = name.rpartition(":")
    profiles = load_profiles(source or process.name, process=process)
    if key not in profiles:
        known = ", ".join(sorted(profiles))
        raise CommandError(f"no profile {key!r} for process {process.name!r}; known: {known}")
    return profiles[key]


def parse_sets(process: Process, items: Sequence[str]) -> dict[str, float]:
    """``--set COMPETENCY=POINTS`` items as a mapping, with one-line errors."""
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


def format_table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows as an aligned plain-text table (first column left, the others right)."""
    cells = [[fmt(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    for row in cells:
        first, *rest = zip(row, widths, strict=True)
        lines.append("  ".join([first[0].ljust(first[1]), *(v.rjust(w) for v, w in rest)]))
    return "\n".join(lines)


def fmt(value: Any) -> str:
    """A cell of :func:`format_table`: four significant digits, NaN as ``nan``."""
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:,.4g}"
    return str(value)
