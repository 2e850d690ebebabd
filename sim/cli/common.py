"""What every ``hiring-sim`` command shares: the parser, one-line errors, JSON, tables.

These helpers are public so that every command module (and commands added by
other packages) uses the same ones; they live below the commands and import
none of them.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from ..io import load_profiles
from ..spec import Process, Profile
from ..validation import int_type

__all__ = [
    "EXIT_USAGE",
    "SUMMARY_MEANINGS",
    "CommandError",
    "Parser",
    "fmt",
    "format_table",
    "int_arg",
    "kind_of",
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


#: An argparse ``type`` accepting whole numbers in ``[low, high]``, with a clear error.
int_arg = int_type


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


def format_table(
    rows: list[dict[str, Any]], columns: Sequence[str], kinds: dict[str, str] | None = None
) -> str:
    """Rows as an aligned plain-text table (first column left, the others right).

    Each cell is formatted by :func:`fmt` for its column (``kinds`` overrides the kind
    guessed from the column's name).
    """
    kinds = kinds or {}
    cells = [[fmt(row[c], kinds.get(c, c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    # Text columns (every value a string) read left-aligned, numbers right-aligned.
    left = [
        i == 0 or all(isinstance(row[c], str) and not _NUMBER.match(row[c]) for row in rows)
        for i, c in enumerate(columns)
    ]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    for row in cells:
        parts = [
            v.ljust(w) if is_left else v.rjust(w)
            for v, w, is_left in zip(row, widths, left, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


#: What each metric of :meth:`sim.Result.summary` means, in one line (CLI read-outs).
SUMMARY_MEANINGS: dict[str, str] = {
    "n": "candidates simulated",
    "hire_rate": "of all candidates hired",
    "hold_rate": "of all candidates put on hold",
    "reached_debrief": "passed every gate and reached the debrief",
    "base_rate": "would succeed (true performance above the bar)",
    "precision": "of the hires would succeed",
    "recall": "of those who would succeed were hired",
    "validity": "correlation of the committee's aggregate with true performance (debriefed)",
    "mean_performance_of_hires": "SDs above an average applicant",
    "dollars_per_hire": "a year, over an average applicant (SDy x performance)",
}

_PERCENT_NAMES = {"precision", "recall", "reached_debrief", "offer_acceptance", "percent", "share"}
_DOLLAR_WORDS = ("dollars", "cost", "value_of", "net_value", "pay_", "salary", "usd")


_NUMBER = re.compile(r"^(?:[-+]?\$?[\d,]*\.?\d+(?:e[-+]?\d+)?%?|-|n/a)$")
_KINDS = ("percent", "dollars", "number", "points", "score")


def kind_of(column: str) -> str:
    """How a quantity named ``column`` reads best: ``percent``, ``dollars`` or ``number``.

    >>> kind_of("hire_rate"), kind_of("dollars_per_hire"), kind_of("validity")
    ('percent', 'dollars', 'number')
    """
    name = column.lower()
    if name in _PERCENT_NAMES or name.endswith(("_rate", "_share")) or name.startswith("share"):
        return "percent"
    if any(word in name for word in _DOLLAR_WORDS):
        return "dollars"
    return "number"


def fmt(value: Any, column: str = "") -> str:
    """One number as people read it: rates in per cent, dollars in whole dollars.

    ``column`` names the quantity (see :func:`kind_of`); a NaN is ``n/a`` (the command
    prints the reason beside the table); whole numbers get thousands separators; other
    numbers three decimals (or four significant digits when large). ``column`` may
    also name a kind: ``percent``, ``dollars``, ``number``, ``points`` (signed, two
    decimals: a change or a term of a sum) or ``score`` (two decimals).

    >>> fmt(0.0981, "hire_rate"), fmt(60821.4, "dollars_per_hire"), fmt(0.41171, "validity")
    ('9.8%', '$60,821', '0.412')
    >>> fmt(20000), fmt(float("nan"), "validity"), fmt(-3.5e-05, "x")
    ('20,000', 'n/a', '-3.5e-05')
    """
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return str(value)
    if isinstance(value, int | np.integer):
        return f"{value:,}"
    value = float(value)
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    kind = column if column in _KINDS else kind_of(column)
    if kind == "points":  # a change or a part of a sum, in scale points: always signed
        return f"{round(value, 2) + 0.0:+.2f}"  # + 0.0: no "-0.00"
    if kind == "score":  # a place on the scale
        return f"{value:.2f}"
    if kind == "percent":
        return f"{value:.1%}"
    if kind == "dollars":
        return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
        return f"{value:.4g}"
    return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.0f}"
