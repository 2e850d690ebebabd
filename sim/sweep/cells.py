"""The sweep spec (``grid``, ``zip``, ``variants``) and its cells, validated before any work.

A sweep spec maps field paths (see :mod:`sim.sweep.paths`) to lists of values::

    grid:                        # the product of the lists: 3 x 2 = 6 cells
      debrief.threshold: [6.8, 7.2, 7.6]
      debrief.competency_weights.technical_depth: [0.5, 2.0]
    zip:                         # the lists side by side (all the same length)
      debrief.hold_band: [0.0, 0.3]
      debrief.rule: [weighted_mean, median]
    variants:                    # named sets of changes
      - {name: article, set: {}}
      - {name: panel, set: {rounds[2].interviewers: [ml_engineering_lead, senior_pm]}}
    baseline: article            # a cell index, a variant name or {path: value, ...}

Any of the three may be given; together they multiply, variants slowest and the
last ``grid`` key fastest. The first cell is the baseline unless ``baseline``
says otherwise.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Issue, SpecError, fail
from ..io import read_yaml
from ..spec import Process
from .paths import FieldPath, PathError, apply_assignments, canonical, get_value, parse_path

__all__ = ["Cell", "SweepSpec", "load_spec", "parse_spec"]

#: More cells than this is a typo (a grid of long lists), not a sweep.
MAX_CELLS = 1_000_000
_KEYS = ("grid", "zip", "variants", "baseline", "name", "description")


@dataclass(frozen=True)
class SweepSpec:
    """A parsed sweep spec (structure only; :meth:`cells` checks it against a process).

    Attributes
    ----------
    grid, zip : tuple of (str, tuple)
        Field path and its values, in the file's order.
    variants : tuple of (str, tuple of (str, object))
        Variant name and its ``(path, value)`` changes.
    baseline : int, str, mapping or None
        The cell differences are taken against (default: the first).
    source : str, optional
        The file the spec came from (named in errors).
    """

    grid: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    zip: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    variants: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    baseline: Any = None
    source: str | None = None

    @property
    def size(self) -> int:
        """Number of cells."""
        rows = len(self.zip[0][1]) if self.zip else 1
        grid = math.prod(len(values) for _, values in self.grid)
        return max(len(self.variants), 1) * rows * grid

    @property
    def paths(self) -> tuple[str, ...]:
        """Every swept path as written, in order of first appearance."""
        seen: dict[str, None] = {}
        for _, changes in self.variants:
            seen.update((path, None) for path, _ in changes)
        seen.update((path, None) for path, _ in self.zip)
        seen.update((path, None) for path, _ in self.grid)
        return tuple(seen)

    def to_data(self) -> dict[str, Any]:
        """The spec as plain data (lists and mappings), as a YAML file would hold it."""
        data: dict[str, Any] = {}
        if self.grid:
            data["grid"] = {path: list(values) for path, values in self.grid}
        if self.zip:
            data["zip"] = {path: list(values) for path, values in self.zip}
        if self.variants:
            data["variants"] = [{"name": name, "set": dict(ch)} for name, ch in self.variants]
        if self.baseline is not None:
            data["baseline"] = self.baseline
        return data

    def cells(self, process: Process) -> tuple[Cell, ...]:
        """Build and validate every cell against ``process``.

        Raises
        ------
        SpecError
            Naming every bad path once and every bad value with the cells it
            breaks, all at once; nothing has run yet.
        """
        if not isinstance(process, Process):
            raise fail("process", "must be a Process (see sim.load_process)", type(process))
        issues: list[Issue] = []
        located = _check_paths(self, process, issues)
        cells: list[Cell] = []
        problems: dict[tuple[str, str, str], tuple[Issue, list[int], set[Any] | None]] = {}
        for index, (variant, entries) in enumerate(_enumerate(self)):
            # Past a bad path, the other paths' values are still checked: one report.
            entries = [(loc, value) for loc, value in entries if loc in located]
            assignments = [(*located[loc], value) for loc, value in entries]
            try:
                cell_process = apply_assignments(process, [(p, v) for p, _, v in assignments])
            except SpecError as exc:
                _attribute(exc, (index, variant), entries, assignments, problems)
                continue
            params = tuple((p.text, v) for p, _, v in assignments)
            exact = tuple((c, v) for _, c, v in assignments)
            cells.append(Cell(index, variant, params, exact, cell_process))
        for issue, where, common in problems.values():
            issues.append(_with_cells(issue, where, self.size, common))
        if issues:
            raise SpecError(issues, source=self.source)
        return tuple(cells)

    def baseline_index(self, cells: Sequence[Cell]) -> int:
        """Index of the baseline cell among ``cells`` (validated ones, in order)."""
        wanted = self.baseline
        if wanted is None:
            return 0
        if isinstance(wanted, int) and not isinstance(wanted, bool):
            if 0 <= wanted < len(cells):
                return wanted
            raise self._error("baseline", f"must be a cell index below {len(cells)}", wanted)
        if isinstance(wanted, str):
            for cell in cells:
                if cell.variant == wanted:
                    return cell.index
            names = ", ".join(name for name, _ in self.variants) or "none"
            raise self._error("baseline", f"is not a variant name; variants: {names}", wanted)
        if isinstance(wanted, Mapping):
            for cell in cells:
                params = dict(cell.params)
                if all(key in params and _same(params[key], v) for key, v in wanted.items()):
                    return cell.index
            raise self._error("baseline", "matches no cell's parameters", dict(wanted))
        raise self._error("baseline", "must be a cell index, a variant name or a mapping", wanted)

    def _error(self, path: str, message: str, value: Any) -> SpecError:
        return SpecError([Issue(path, message, value)], source=self.source)


@dataclass(frozen=True, eq=False)
class Cell:
    """One cell of a sweep: its parameters and the validated Process they make.

    Attributes
    ----------
    index : int
        Position in the spec's order.
    variant : str or None
        Name of its variant, if the spec has variants.
    params : tuple of (str, object)
        Swept path (as written) and value.
    assignments : tuple of (str, object)
        The same with canonical paths (``rounds[2]``, not ``rounds[technical_depth]``).
    process : Process
    """

    index: int
    variant: str | None
    params: tuple[tuple[str, Any], ...]
    assignments: tuple[tuple[str, Any], ...]
    process: Process


# --------------------------------------------------------------------------- parsing
def load_spec(path: str | os.PathLike[str]) -> SweepSpec:
    """Read and parse a sweep spec YAML file (errors name the file)."""
    source = os.fspath(path)
    return parse_spec(read_yaml(path), source=source)


def parse_spec(doc: Any, source: str | None = None) -> SweepSpec:
    """Parse a sweep spec from plain data, reporting every structural problem at once.

    Examples
    --------
    >>> spec = parse_spec({"grid": {"debrief.threshold": [6.8, 7.2], "debrief.rule": ["median"]}})
    >>> spec.size, spec.paths
    (2, ('debrief.threshold', 'debrief.rule'))
    >>> parse_spec({"grid": {"debrief.threshold": []}})
    Traceback (most recent call last):
    ...
    sim.errors.SpecError: grid.debrief.threshold: must be a non-empty list of values (got [])
    """
    if isinstance(doc, SweepSpec):
        return doc
    issues: list[Issue] = []
    if not isinstance(doc, Mapping):
        raise SpecError([Issue("", "a sweep spec must be a mapping", doc)], source=source)
    for key in doc:
        if key not in _KEYS:
            issues.append(Issue(str(key), f"unknown field; expected one of {', '.join(_KEYS)}"))
    if not any(key in doc for key in ("grid", "zip", "variants")):
        issues.append(Issue("", "needs at least one of grid, zip or variants"))
    grid = _lists(doc.get("grid"), "grid", issues)
    zipped = _lists(doc.get("zip"), "zip", issues)
    lengths = {len(values) for _, values in zipped}
    if len(lengths) > 1:
        sizes = ", ".join(f"{path}: {len(values)}" for path, values in zipped)
        issues.append(Issue("zip", f"lists must have the same length ({sizes})"))
    variants = _variants(doc.get("variants"), issues)
    for path in {p for p, _ in grid} & {p for p, _ in zipped}:
        issues.append(Issue(f"zip.{path}", "is also in grid; sweep a path in one place"))
    baseline = doc.get("baseline")
    if isinstance(baseline, str) and baseline not in [name for name, _ in variants]:
        names = ", ".join(name for name, _ in variants) or "none"
        issues.append(Issue("baseline", f"is not a variant name; variants: {names}", baseline))
    if issues:
        raise SpecError(issues, source=source)
    spec = SweepSpec(grid, zipped, variants, baseline, source)
    if spec.size > MAX_CELLS:
        raise SpecError([Issue("", f"has {spec.size:,} cells; at most {MAX_CELLS:,}")], source)
    return spec


def _lists(raw: Any, where: str, issues: list[Issue]) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping) or not raw:
        issues.append(
            Issue(where, "must be a non-empty mapping of field path: list of values", raw)
        )
        return ()
    out = []
    for path, values in raw.items():
        here = f"{where}.{path}"
        if not _path_ok(path, here, issues):
            continue
        if isinstance(values, str | Mapping) or not isinstance(values, Sequence):
            issues.append(Issue(here, "must be a list of values", values))
        elif not values:
            issues.append(Issue(here, "must be a non-empty list of values", list(values)))
        else:
            out.append((str(path), tuple(values)))
    return tuple(out)


def _variants(
    raw: Any, issues: list[Issue]
) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    if raw is None:
        return ()
    if isinstance(raw, str | Mapping) or not isinstance(raw, Sequence) or not raw:
        issues.append(Issue("variants", "must be a non-empty list of {name, set}", raw))
        return ()
    out, names = [], set()
    for i, entry in enumerate(raw):
        here = f"variants[{i}]"
        if not isinstance(entry, Mapping) or set(entry) - {"name", "set"}:
            issues.append(Issue(here, "must be a mapping with 'name' and 'set' (changes)", entry))
            continue
        name, changes = entry.get("name"), entry.get("set", {}) or {}
        if not isinstance(name, str) or not name:
            issues.append(Issue(f"{here}.name", "must be a non-empty string", name))
            continue
        if name in names:
            issues.append(Issue(f"{here}.name", "is used twice", name))
        names.add(name)
        if not isinstance(changes, Mapping):
            issues.append(Issue(f"{here}.set", "must be a mapping of field path: value", changes))
            continue
        good = [(str(p), v) for p, v in changes.items() if _path_ok(p, f"{here}.set.{p}", issues)]
        out.append((name, tuple(good)))
    return tuple(out)


def _path_ok(path: Any, here: str, issues: list[Issue]) -> bool:
    try:
        parse_path(path)
    except PathError as exc:
        issues.append(Issue(here, str(exc)))
        return False
    return True


# --------------------------------------------------------------------------- cells
def _locations(spec: SweepSpec) -> Iterator[tuple[str, str]]:
    """(location in the spec, path) of every swept path."""
    for i, (_, changes) in enumerate(spec.variants):
        for path, _ in changes:
            yield f"variants[{i}].set.{path}", path
    for path, _ in spec.zip:
        yield f"zip.{path}", path
    for path, _ in spec.grid:
        yield f"grid.{path}", path


def _check_paths(
    spec: SweepSpec, process: Process, issues: list[Issue]
) -> dict[str, tuple[FieldPath, str]]:
    """Each location's parsed and canonical path; bad or clashing paths become issues."""
    located: dict[str, tuple[FieldPath, str]] = {}
    for where, text in _locations(spec):
        path = parse_path(text)
        try:
            located[where] = (path, canonical(process, path))
        except PathError as exc:
            issues.append(Issue(where, str(exc)))
    shared = [(w, c) for w, (_, c) in located.items() if not w.startswith("variants")]
    clashing = _clashes(shared, issues)
    for i in range(len(spec.variants)):
        own = [(w, c) for w, (_, c) in located.items() if w.startswith(f"variants[{i}].")]
        clashing |= _clashes(own + shared, issues, first_shared=len(own))
    return {where: both for where, both in located.items() if where not in clashing}


def _clashes(
    paths: list[tuple[str, str]], issues: list[Issue], first_shared: int | None = None
) -> set[str]:
    """Locations that set a field an earlier one sets (or one inside it): issues, and their set.

    With ``first_shared``, pairs of two shared paths (from that index on) are skipped:
    they were checked once on their own.
    """
    bad: set[str] = set()
    for j, (where, exact) in enumerate(paths):
        for i, (earlier, other) in enumerate(paths[:j]):
            if first_shared is not None and i >= first_shared:
                break
            if exact == other or _inside(exact, other) or _inside(other, exact):
                issues.append(Issue(where, f"sets the same field as {earlier}"))
                bad.add(where)
                break
    return bad


def _inside(path: str, prefix: str) -> bool:
    """Whether canonical ``path`` lies strictly inside ``prefix``."""
    return len(path) > len(prefix) and path.startswith(prefix) and path[len(prefix)] in ".["


def _enumerate(spec: SweepSpec) -> Iterator[tuple[str | None, list[tuple[str, Any]]]]:
    """(variant name, [(location, value), ...]) of every cell, in spec order."""
    variants = spec.variants or ((None, ()),)
    rows = len(spec.zip[0][1]) if spec.zip else 1
    for v, (name, changes) in enumerate(variants):
        fixed = [(f"variants[{v}].set.{path}", value) for path, value in changes]
        for r in range(rows):
            zipped = [(f"zip.{path}", values[r]) for path, values in spec.zip]
            keys = [f"grid.{path}" for path, _ in spec.grid]
            for combo in itertools.product(*(values for _, values in spec.grid)):
                yield name, [*fixed, *zipped, *zip(keys, combo, strict=True)]


def _attribute(
    exc: SpecError,
    cell: tuple[int, str | None],
    entries: list[tuple[str, Any]],
    assignments: list[tuple[FieldPath, str, Any]],
    problems: dict[tuple[str, str, str], tuple[Issue, list[int], set[Any] | None]],
) -> None:
    """File each issue of a failed cell under the swept path it concerns.

    Issues on a field nobody swept (a cross-field rule) are filed under their
    own path, with the parameters every cell that has them shares.
    """
    index, variant = cell
    params = {(p.text, repr(v)) for p, _, v in assignments}
    if variant is not None:
        params.add(("variant", repr(variant)))
    for issue in exc.issues:
        best = None
        for (where, _), (_, exact, _) in zip(entries, assignments, strict=True):
            inside = issue.path == exact or _inside(issue.path, exact)
            if inside and (best is None or len(exact) > len(best[1])):
                best = (where, exact)
        if best is None:
            key = (issue.path, issue.message, repr(issue.value))
            _, cells, common = problems.setdefault(key, (issue, [], set(params)))
            cells.append(index)
            common &= params
            continue
        where, exact = best
        located = Issue(where + issue.path[len(exact) :], issue.message, issue.value)
        key = (located.path, located.message, repr(located.value))
        problems.setdefault(key, (located, [], None))[1].append(index)


def _with_cells(issue: Issue, where: list[int], total: int, common: set[Any] | None) -> Issue:
    """The issue with the cells it occurs in (and what they share, for cross-field issues)."""
    if len(where) == total:
        text = f"in all {total} cells" if total > 1 else "in the only cell"
    elif len(where) == 1:
        text = f"in cell {where[0]}"
    else:
        shown = ", ".join(str(i) for i in where[:8])
        more = f" and {len(where) - 8} more" if len(where) > 8 else ""
        text = f"in cells {shown}{more}"
    if common:
        text += " with " + ", ".join(f"{path}={value}" for path, value in sorted(common))
    return Issue(issue.path, f"{issue.message} {text}", issue.value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return list(a) == list(b)
    return bool(a == b)


def effective_params(cell: Cell, paths: Sequence[str]) -> dict[str, Any]:
    """Value of every path in ``paths`` in the cell's process (swept or not)."""
    given = dict(cell.params)
    return {p: given[p] if p in given else get_value(cell.process, parse_path(p)) for p in paths}
