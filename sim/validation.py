"""The one contract for checking values: field checks, argument checks, cross-references.

Everything a user can get wrong is rejected here, once, with a :class:`~sim.errors.SpecError`
whose issues name the field path and the bad value. The spec's value objects call
:class:`Checker` in their constructors and :func:`process_issues` when a process is built;
public functions call :func:`check_int`, :func:`check_number` and :func:`check_type` on
their arguments. Nothing below the spec re-validates.

This module sits below :mod:`sim.spec` (which imports it) and knows the spec's parts only
by their attributes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .errors import Issue, SpecError, fail

__all__ = [
    "RANDOM_ORDER_LIMIT",
    "Z_LIMIT",
    "Checker",
    "check_int",
    "check_number",
    "check_type",
    "process_issues",
]

#: Bound on parameters in SDs of the pool: beyond it nothing is meaningful (and sums overflow).
Z_LIMIT = 10.0
#: Most speakers a uniformly random speaking order supports: log2(18!) < 52, so one double
#: holds the order (see :func:`sim.rules.random_orders`).
RANDOM_ORDER_LIMIT = 18


# --------------------------------------------------------------------------- field checks
class Checker:
    """Collects every issue of one object instead of stopping at the first."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, path: str, message: str, value: Any = None, *, show: bool = True) -> None:
        self.issues.append(Issue(path, message, value) if show else Issue(path, message))

    def number(
        self,
        path: str,
        value: Any,
        *,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
        high_open: bool = False,
        integer: bool = False,
        limit: float = 1e6,
    ) -> float | None:
        """Return ``value`` as a float if it is a finite number within bounds, else record."""
        if isinstance(value, bool) or not isinstance(
            value, int | float | np.integer | np.floating
        ):
            self.add(path, "must be a number", value)
            return None
        try:
            number = float(value)
        except OverflowError:
            self.add(path, "must be a finite number", value)
            return None
        if math.isnan(number) or math.isinf(number):
            self.add(path, "must be a finite number", value)
            return None
        if abs(number) > limit:
            self.add(path, f"must be within [-{limit:g}, {limit:g}]", value)
            return None
        if integer and not number.is_integer():
            self.add(path, "must be a whole number", value)
            return None
        if low is not None and (number <= low if low_open else number < low):
            self.add(path, f"must be {'>' if low_open else '>='} {low:g}", value)
            return None
        if high is not None and (number >= high if high_open else number > high):
            self.add(path, f"must be {'<' if high_open else '<='} {high:g}", value)
            return None
        return number

    def text(self, path: str, value: Any) -> str | None:
        """Return ``value`` if it is a string (titles, roles, descriptions), else record."""
        if not isinstance(value, str):
            self.add(path, "must be text", value)
            return None
        return value

    def choice(self, path: str, value: Any, allowed: Sequence[str]) -> str | None:
        """Return ``value`` if it is one of ``allowed``, else record."""
        if not isinstance(value, str) or value not in allowed:
            self.add(path, f"must be one of {', '.join(allowed)}", value)
            return None
        return value

    def name(self, path: str, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, "must be a non-empty string", value)
            return None
        return value

    def names(self, path: str, value: Any, *, allow_empty: bool = False) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.add(path, "must be a list of names", value)
            return ()
        if not value and not allow_empty:
            self.add(path, "must not be empty", list(value))
        out: list[str] = []
        for i, item in enumerate(value):
            name = self.name(f"{path}[{i}]", item)
            if name is None:
                continue
            if name in out:
                self.add(f"{path}.{name}", "is listed twice", name)
            out.append(name)
        return tuple(out)

    def increasing(self, path: str, value: Any, length: int | None = None) -> tuple[float, ...]:
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.add(path, "must be a list of numbers", value)
            return ()
        numbers = [self.number(f"{path}[{i}]", v) for i, v in enumerate(value)]
        if any(n is None for n in numbers):
            return ()
        cuts = tuple(float(n) for n in numbers if n is not None)
        if length is not None and len(cuts) != length:
            self.add(path, f"must hold {length} cut point{'s' * (length != 1)}", list(value))
        elif any(b <= a for a, b in itertools.pairwise(cuts)):
            self.add(path, "cut points must be strictly increasing", list(value))
        return cuts

    def weights(self, path: str, value: Any, *, require_positive: bool = True) -> dict[str, float]:
        if not isinstance(value, Mapping):
            self.add(path, "must be a mapping of name: weight", value)
            return {}
        out: dict[str, float] = {}
        for key, weight in value.items():
            number = self.number(f"{path}.{key}", weight, low=0.0)
            if number is not None:
                out[str(key)] = number
        if require_positive and value and out and not any(w > 0 for w in out.values()):
            self.add(path, "weights must not all be zero", dict(value))
        return out

    def vector(self, path: str, value: Any, k: int, low: float | None) -> tuple[float, ...]:
        """``k`` numbers (z units, within :data:`Z_LIMIT`), one per competency."""
        if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != k:
            self.add(path, f"must be a list of {k} numbers (one per competency)", value)
            return ()
        numbers = [
            self.number(f"{path}[{i}]", v, low=low, limit=Z_LIMIT) for i, v in enumerate(value)
        ]
        return tuple(float(n) for n in numbers if n is not None)

    def correlation(self, path: str, value: Any, names: Sequence[str]) -> tuple:
        """A symmetric, positive semi-definite correlation matrix over ``names``."""
        k = len(names)
        try:
            matrix = np.array(value, dtype=float)
        except (TypeError, ValueError):
            self.add(path, "must be a square matrix of numbers", value)
            return ()
        if matrix.shape != (k, k):
            self.add(path, f"must be a {k}x{k} matrix", f"shape {matrix.shape}")
            return ()
        bad = ~np.isfinite(matrix)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            self.add(f"{path}.{names[i]}.{names[j]}", "must be a finite number", matrix[i, j])
            return ()
        for i, j in np.argwhere((np.abs(matrix) > 1) | (matrix != matrix.T)):
            if i <= j:
                self.add(
                    f"{path}.{names[i]}.{names[j]}",
                    "must be in [-1, 1] and symmetric",
                    float(matrix[i, j]),
                )
        for i in np.flatnonzero(np.diag(matrix) != 1.0):
            self.add(f"{path}.{names[i]}.{names[i]}", "diagonal must be 1", matrix[i, i])
        if not self.issues:  # only a clean matrix (and a clean object so far) is factored
            smallest = float(np.linalg.eigvalsh(matrix).min())
            if smallest < -1e-10:
                self.add(
                    path,
                    "is not positive semi-definite "
                    f"(smallest eigenvalue {smallest:.4g}); lower some correlations",
                    show=False,
                )
        return tuple(tuple(float(x) for x in row) for row in matrix)

    def parts(self, obj: Any, single: Mapping[str, type], sequences: Mapping[str, type]) -> None:
        """Each part of ``obj`` has its spec type (programmatic construction can mix them up)."""
        for key, kind in single.items():
            if not isinstance(getattr(obj, key), kind):
                self.add(key, f"must be a {kind.__name__}", type(getattr(obj, key)).__name__)
        for key, kind in sequences.items():
            items = getattr(obj, key)
            if isinstance(items, str | Mapping) or not isinstance(items, Iterable):
                self.add(key, f"must be a sequence of {kind.__name__}", type(items).__name__)
                continue
            for i, item in enumerate(items):
                if not isinstance(item, kind):
                    self.add(f"{key}[{i}]", f"must be a {kind.__name__}", type(item).__name__)

    def raise_if_any(self) -> None:
        if self.issues:
            raise SpecError(self.issues)


def _unique_names(c: Checker, path: str, items: Iterable[Any] | None) -> list[str] | None:
    if items is None:
        return None
    names = [item.name for item in items if item is not None]
    if not names:
        c.add(path, "must not be empty", [])
    for dup in sorted({n for n in names if names.count(n) > 1}):
        c.add(f"{path}.{dup}", "name is used twice", dup)
    return names


# --------------------------------------------------------------------------- cross-references
def process_issues(
    *,
    competencies: Iterable[Any] | None,
    interviewers: Iterable[Any] | None,
    rounds: Sequence[Any] | None,
    debrief: Any | None,
    pool: Any | None,
    truth: Any | None,
    window_days: float | None,
    scale: Any | None = None,
) -> list[Issue]:
    """Every cross-reference issue of a process; parts given as ``None`` are skipped.

    The YAML loader calls this with the parts that were valid on their own, so
    one run reports every error in a file.
    """
    c = Checker()
    comp_names = _unique_names(c, "competencies", competencies)
    people = _unique_names(c, "interviewers", interviewers)
    assessed = _check_rounds(c, rounds, comp_names, people, window_days)
    if debrief is not None:
        _check_debrief(c, debrief, rounds, comp_names, people, assessed, window_days)
    if pool is not None and comp_names is not None and pool.competencies != tuple(comp_names):
        c.add(
            "pool.competencies", "must list the process competencies in order", pool.competencies
        )
    if truth is not None and comp_names is not None:
        for name in truth.weights:
            if name not in comp_names:
                c.add(f"truth.weights.{name}", "unknown competency", name)
    _check_timeline(c, rounds, debrief)
    if scale is not None:
        _check_on_scale(c, scale, interviewers, rounds, debrief)
    return c.issues


def _check_rounds(
    c: Checker,
    rounds: Sequence[Any] | None,
    comp_names: list[str] | None,
    people: list[str] | None,
    window_days: float | None,
) -> set[str]:
    """Rounds name known competencies and interviewers, inside the window; the assessed set."""
    assessed: set[str] = set()
    if rounds is None:
        return assessed
    if not rounds:
        c.add("rounds", "must hold at least one round", [])
    for i, rnd in enumerate(rounds):
        if rnd is None:
            continue
        for name in rnd.competencies if comp_names is not None else ():
            if name not in comp_names:
                c.add(f"rounds[{i}].competencies.{name}", "unknown competency", name)
        for name in rnd.interviewers if people is not None else ():
            if name not in people:
                c.add(f"rounds[{i}].interviewers.{name}", "unknown interviewer", name)
        if window_days is not None and rnd.day > window_days:
            c.add(
                f"rounds[{i}].day", f"is outside the {window_days:g}-day process window", rnd.day
            )
        assessed.update(rnd.competencies)
    names = [r.name for r in rounds if r is not None]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        c.add(f"rounds.{dup}", "round name is used twice", dup)
    return assessed


def _check_debrief(
    c: Checker,
    debrief: Any,
    rounds: Sequence[Any] | None,
    comp_names: list[str] | None,
    people: list[str] | None,
    assessed: set[str],
    window_days: float | None,
) -> None:
    """Debrief weights, veto holders and speakers refer to what the rounds assess and rate."""
    for name, weight in debrief.competency_weights.items() if comp_names is not None else ():
        if name not in comp_names:
            c.add(f"debrief.competency_weights.{name}", "unknown competency", name)
        elif rounds is not None and weight > 0 and name not in assessed:
            c.add(
                f"debrief.competency_weights.{name}", "has weight but no round assesses it", weight
            )
    complete = rounds is not None and all(r is not None for r in rounds)
    if people is not None:
        for name in debrief.interviewer_weights:
            if name not in people:
                c.add(f"debrief.interviewer_weights.{name}", "unknown interviewer", name)
        _check_veto(c, debrief, people, rounds if complete else None)
        _check_speakers(c, debrief, people, rounds)
    if window_days is not None and debrief.day is not None and debrief.day > window_days:
        c.add("debrief.day", f"is outside the {window_days:g}-day process window", debrief.day)
    if complete:
        debriefed = {
            comp
            for rnd in rounds
            for comp in rnd.competencies
            if debrief.competency_weight(comp) > 0
        }
        if not debriefed and debrief.competency_weights:
            c.add("debrief.competency_weights", "no weighted competency is assessed")


def _check_veto(c: Checker, debrief: Any, people: list[str], rounds: Sequence[Any] | None) -> None:
    """Veto holders are interviewers who rated something the debrief weighs."""
    rated = {n for rnd in rounds or () for n in rnd.interviewers}
    for name in debrief.veto:
        if name not in people:
            c.add(f"debrief.veto.{name}", "unknown interviewer", name)
        elif rounds is not None and name not in rated:
            c.add(f"debrief.veto.{name}", "rated nothing, so cannot veto", name)
        elif rounds is not None and not any(
            debrief.competency_weight(comp) > 0
            for rnd in rounds
            if name in rnd.interviewers
            for comp in rnd.competencies
        ):
            c.add(
                f"debrief.veto.{name}",
                "rates only competencies the debrief weighs 0, "
                "so has no recommendation to veto with",
                name,
            )


def _check_timeline(c: Checker, rounds: Sequence[Any] | None, debrief: Any) -> None:
    """Rounds happen in funnel order (gates apply in list order); the debrief comes last."""
    days = [(i, r.day) for i, r in enumerate(rounds or ()) if r is not None]
    for (_, before), (i, day) in itertools.pairwise(days):
        if day < before:
            c.add(f"rounds[{i}].day", f"is before the previous round's day ({before:g})", day)
    if days and debrief is not None and debrief.day is not None and debrief.day < days[-1][1]:
        c.add("debrief.day", f"is before the last round (day {days[-1][1]:g})", debrief.day)


def _check_on_scale(
    c: Checker,
    scale: Any,
    interviewers: Iterable[Any] | None,
    rounds: Sequence[Any] | None,
    debrief: Any,
) -> None:
    """Everything said in points lies on the scale; own cut points match its labels."""
    low, high = scale.min, scale.max
    where = f"within the scale [{low:g}, {high:g}]"
    for i, person in enumerate(interviewers or ()):
        for key, names in (
            ("label_cuts", scale.labels),
            ("recommendation_cuts", scale.recommendations),
        ):
            cuts = getattr(person, key, None)
            if cuts is None:
                continue
            if len(cuts) != len(names) - 1:
                c.add(
                    f"interviewers[{i}].{key}",
                    f"must hold {len(names) - 1} cut points, one between each of {list(names)}",
                    list(cuts),
                )
            elif not all(low <= cut <= high for cut in cuts):
                c.add(f"interviewers[{i}].{key}", f"cut points must lie {where}", list(cuts))
    for i, rnd in enumerate(rounds or ()):
        if rnd is not None and rnd.gate is not None and not low <= rnd.gate <= high:
            c.add(f"rounds[{i}].gate", f"must lie {where}", rnd.gate)
    if debrief is not None:
        if not low <= debrief.threshold <= high:
            c.add("debrief.threshold", f"must lie {where}", debrief.threshold)
        if debrief.hold_band >= (high - low) / 2:
            c.add(
                "debrief.hold_band",
                f"must be less than half the scale's range ({(high - low) / 2:g} points)",
                debrief.hold_band,
            )


def _check_speakers(
    c: Checker, debrief: Any, people: list[str], rounds: Sequence[Any] | None
) -> None:
    """The hiring manager and an explicit speaking order name interviewers who rated."""
    complete = rounds is not None and all(r is not None for r in rounds)
    rated = {name for rnd in rounds or () if rnd is not None for name in rnd.interviewers}
    manager = debrief.hiring_manager
    if manager is not None:
        if manager not in people:
            c.add("debrief.hiring_manager", "unknown interviewer", manager)
        elif complete and debrief.manager_self_weight > 0 and manager not in rated:
            c.add(
                "debrief.hiring_manager",
                "rated nothing, so has no own view to mix in (set manager_self_weight: 0)",
                manager,
            )
    if isinstance(debrief.speaking_order, str):
        speakers = [name for name in people if name in rated]
        if debrief.speaking_order == "random" and complete and len(speakers) > RANDOM_ORDER_LIMIT:
            c.add(
                "debrief.speaking_order",
                f"'random' supports at most {RANDOM_ORDER_LIMIT} speakers, got {len(speakers)}",
                debrief.speaking_order,
            )
        return
    for name in debrief.speaking_order:
        if name not in people:
            c.add(f"debrief.speaking_order.{name}", "unknown interviewer", name)
        elif complete and name not in rated:
            c.add(f"debrief.speaking_order.{name}", "rated nothing, so does not speak", name)
    if complete:
        missing = [name for name in people if name in rated]
        missing = [name for name in missing if name not in debrief.speaking_order]
        if missing:
            c.add(
                "debrief.speaking_order",
                f"must list every interviewer who rated; missing: {', '.join(missing)}",
                show=False,
            )


# --------------------------------------------------------------------------- arguments
def check_type(name: str, value: Any, kind: type | tuple[type, ...], hint: str = "") -> Any:
    """Return ``value`` if it is an instance of ``kind``, else raise a one-issue SpecError.

    Examples
    --------
    >>> check_type("n", "5", int)
    Traceback (most recent call last):
    ...
    sim.errors.SpecError: n: must be a int (got 'str')
    """
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        names = " or ".join(k.__name__ for k in kinds)
        raise fail(name, f"must be a {names}{f' ({hint})' if hint else ''}", type(value).__name__)
    return value


def check_int(name: str, value: Any, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int if it is a whole number in ``[low, high]`` (not a bool).

    Examples
    --------
    >>> check_int("n", 5, 1)
    5
    >>> check_int("n", 0, 1)
    Traceback (most recent call last):
    ...
    sim.errors.SpecError: n: must be an integer >= 1 (got 0)
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise fail(name, f"must be an integer >= {low}", value)
    if high is not None and value > high:
        raise fail(name, f"must be an integer within {low}..{high}", value)
    return int(value)


def check_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
) -> float:
    """Return ``value`` as a finite float within the bounds, else raise a one-issue SpecError.

    Examples
    --------
    >>> check_number("target", 0.5, low=0, high=1, low_open=True, high_open=True)
    0.5
    >>> check_number("target", 1.0, low=0, high=1, low_open=True, high_open=True)
    Traceback (most recent call last):
    ...
    sim.errors.SpecError: target: must be < 1 (got 1.0)
    """
    c = Checker()
    number = c.number(
        name,
        value,
        low=low,
        high=high,
        low_open=low_open,
        high_open=high_open,
        integer=integer,
        limit=math.inf,
    )
    c.raise_if_any()
    assert number is not None
    return number
