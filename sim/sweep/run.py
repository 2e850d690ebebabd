"""``sim.sweep``: run every cell of a sweep spec on an executor; the result as a tidy table."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..engine import RandomLike, as_seed_sequence
from ..errors import fail
from ..spec import Process
from ..validation import check_int
from ..version import __version__
from .cells import Cell, SweepSpec, effective_params, load_spec, parse_spec
from .costs import cell_costs, resolve_economics
from .executors import as_backend
from .portable import to_data
from .stats import FIELDS, n_groups, paired, summarise
from .storage import Store
from .tasks import draw_width, plan_tasks, ratings_keys

__all__ = ["SweepResult", "run_sweep"]

#: Most cells one task carries (progress stays fine-grained; a lost task costs little).
MAX_CELLS_PER_TASK = 64


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Every cell of a sweep: parameters, summary metrics, SEs, paired differences.

    Attributes
    ----------
    process : Process
        The process the cells change.
    cells : tuple of Cell
        In the spec's order.
    totals : ndarray, shape (cells, G, F)
        Each cell's sums per group of candidates (see :mod:`sim.sweep.stats`);
        everything else is computed from them.
    baseline : int
        The cell that ``*_diff`` columns compare against.
    n : int
        Candidates per cell.
    draw_widths : tuple of int
        Normals drawn per applicant in each cell: cells with equal widths share
        applicants and rating noise (common random numbers).
    """

    process: Process
    cells: tuple[Cell, ...]
    totals: np.ndarray
    baseline: int
    n: int
    draw_widths: tuple[int, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        """Every swept path (as written), in order of first appearance."""
        seen: dict[str, None] = {}
        for cell in self.cells:
            seen.update((path, None) for path, _ in cell.params)
        return tuple(seen)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """One row per cell, in spec order.

        Columns: ``cell``; ``variant`` (specs with variants); one column per
        swept path (its value in the cell, lists as tuples); ``n``; every metric
        of :meth:`sim.Result.summary` (``hire_rate``, ``precision``, ``recall``,
        ``validity``, ``dollars_per_hire``, ...), its standard error
        ``<metric>_se``, its difference from the baseline cell ``<metric>_diff``
        and the paired SE of that difference ``<metric>_diff_se``;
        ``common_draws`` (whether the cell shares the baseline's applicants and
        rating noise).
        """
        rows = []
        base = self.cells[self.baseline]
        for cell, groups in zip(self.cells, self.totals, strict=True):
            row: dict[str, Any] = {"cell": cell.index}
            if any(c.variant is not None for c in self.cells):
                row["variant"] = cell.variant
            params = effective_params(cell, self.paths)
            row.update({path: _hashable(value) for path, value in params.items()})
            row.update(summarise(groups, _sd_y(cell)))
            row.update(paired(groups, _sd_y(cell), self.totals[base.index], _sd_y(base)))
            row["common_draws"] = self.draw_widths[cell.index] == self.draw_widths[base.index]
            rows.append(row)
        return pd.DataFrame(rows)

    def with_baseline(self, baseline: int) -> SweepResult:
        """The same cells with differences taken against cell ``baseline``."""
        check_int("baseline", baseline, 0)
        if baseline >= len(self.cells):
            raise fail("baseline", f"must be a cell index below {len(self.cells)}", baseline)
        return replace(self, baseline=baseline)

    def to_dict(self) -> dict[str, Any]:
        """The sweep as ``{"n", "baseline", "paths", "cells": [{"params": {...}, ...}, ...]}``.

        Cells are in the spec's order; ``params`` holds the values the cell
        sets (lists as lists); NaN stays NaN (the CLI prints it as null).
        """
        frame = self.frame
        drop = {"cell", "variant", *self.paths}
        out = []
        for cell, record in zip(self.cells, frame.to_dict("records"), strict=True):
            entry: dict[str, Any] = {"cell": cell.index}
            if cell.variant is not None:
                entry["variant"] = cell.variant
            entry["params"] = {path: _plain(value) for path, value in cell.params}
            entry.update({k: _plain(v) for k, v in record.items() if k not in drop})
            out.append(entry)
        return {"n": self.n, "baseline": self.baseline, "paths": list(self.paths), "cells": out}


def _sd_y(cell: Cell) -> float:
    return cell.process.truth.sd_y_dollars


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- running
def as_spec(spec: Any) -> SweepSpec:
    """A :class:`SweepSpec` from a spec, plain data (a mapping) or a YAML file path."""
    if isinstance(spec, SweepSpec):
        return spec
    if isinstance(spec, str | os.PathLike):
        return load_spec(spec)
    return parse_spec(spec)


def default_cells_per_task(cells: int, workers: int) -> int:
    """About four tasks per worker slot, at most :data:`MAX_CELLS_PER_TASK` cells each."""
    return max(1, min(MAX_CELLS_PER_TASK, math.ceil(cells / (4 * workers))))


def default_group_piece(
    keys: Sequence[str], pending: set[int], per_task: int, workers: int
) -> int:
    """Cells of one ratings group per task: a simulation costs several debriefs, so a
    group is cut into no more pieces than there are workers (up to the cap)."""
    sizes: dict[str, int] = {}
    for index, key in enumerate(keys):
        if index in pending:
            sizes[key] = sizes.get(key, 0) + 1
    largest = max(sizes.values(), default=1)
    return max(per_task, min(MAX_CELLS_PER_TASK, math.ceil(largest / workers)))


def run_sweep(
    process: Process,
    spec: SweepSpec | Mapping[str, Any] | str | os.PathLike[str],
    *,
    n: int = 10_000,
    rng: RandomLike = None,
    executor: Any = None,
    out: str | os.PathLike[str] | None = None,
    cells_per_task: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    economics: Any = None,
) -> SweepResult:
    """Simulate ``n`` applicants through every cell of a sweep spec.

    Every cell is validated before anything runs or is written. Cells see the
    same applicants and rating noise wherever their draws have the same shape
    (common random numbers), so differences between cells are the settings',
    not luck; cells that change only the debrief re-use one simulation's ratings
    (:func:`sim.debrief.redecide`).

    Parameters
    ----------
    process : Process
        The process every cell changes.
    spec : SweepSpec, mapping or path
        ``grid`` / ``zip`` / ``variants`` of field paths (see :mod:`sim.sweep.cells`).
    n : int
        Applicants per cell.
    rng : int, SeedSequence, Generator or None
        The one source of randomness (shared by every cell).
    executor : None, int, Client, str or backend
        ``None``: this process; ``K``: ``K`` local processes; a
        ``dask.distributed.Client`` or a scheduler address; or a backend of
        :mod:`sim.sweep.executors`. Results are bitwise identical whichever.
    out : path, optional
        Folder for the Parquet dataset; finished cells are appended as they
        finish and a rerun with the same arguments resumes where it stopped.
    cells_per_task : int, optional
        Cells per task (default: about four tasks per worker). Does not change
        the result.
    progress : callable, optional
        Called as ``progress(finished, total)`` (cells) at the start and after each task.
    economics : Economics, None or False
        Prices the interviewers' time (``interviewer_cost_per_applicant`` and
        ``_per_hire``, dollars): ``None``, the process's economics preset if it
        has one (:func:`sim.economics.load_economics`), else no dollar figures
        (NaN); ``False``, none; or an :class:`sim.economics.Economics`.

    Returns
    -------
    SweepResult

    Examples
    --------
    >>> import math
    >>> import sim
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> spec = {"grid": {"debrief.threshold": [6.8, 7.6]}}
    >>> result = sim.sweep(amex, spec, n=20_000, rng=1)
    >>> frame = result.frame
    >>> bool(frame.loc[1, "hire_rate"] < frame.loc[0, "hire_rate"])
    True
    >>> unpaired = math.hypot(frame.loc[0, "hire_rate_se"], frame.loc[1, "hire_rate_se"])
    >>> bool(frame.loc[1, "hire_rate_diff_se"] < unpaired)  # same applicants in both cells
    True
    """
    if not isinstance(process, Process):
        raise fail("process", "must be a Process (see sim.load_process)", type(process).__name__)
    check_int("n", n, 1)
    if cells_per_task is not None:
        check_int("cells_per_task", cells_per_task, 1)
    spec = as_spec(spec)
    cells = spec.cells(process)
    baseline = spec.baseline_index(cells)
    pricing = resolve_economics(process, economics)
    costs = cell_costs(cells, pricing)
    root = as_seed_sequence(rng)
    groups = n_groups(n)
    manifest = _manifest(process, spec, n, root, groups, len(cells), pricing)
    totals, store = _resume(out, manifest, groups, len(cells))
    pending = {i for i in range(len(cells)) if np.isnan(totals[i, 0, 0])}
    backend, owned = as_backend(executor)
    per_task = cells_per_task or default_cells_per_task(len(pending), backend.workers)
    keys = ratings_keys([cell.process for cell in cells])
    piece = cells_per_task or default_group_piece(keys, pending, per_task, backend.workers)
    finished = len(cells) - len(pending)
    if progress is not None:
        progress(finished, len(cells))
    tasks = plan_tasks(cells, pending, process, n, root, per_task, piece, keys, costs)
    _collect(backend, tasks, cells, totals, store, finished, progress)
    if owned:
        backend.close()
    widths = tuple(draw_width(cell.process) for cell in cells)
    totals.setflags(write=False)
    return SweepResult(process, cells, totals, baseline, n, widths)


def _row(cell: Cell, sums: np.ndarray) -> dict[str, Any]:
    return {
        "cell": cell.index,
        "params": dict(cell.params),
        **summarise(sums, _sd_y(cell)),
        "totals": sums,
    }


def _resume(
    out: Any, manifest: dict[str, Any], groups: int, n_cells: int
) -> tuple[np.ndarray, Any]:
    """Per-cell sums so far (NaN: not computed) and the store, read back from ``out``."""
    totals = np.full((n_cells, groups, len(FIELDS)), np.nan)
    if out is None:
        return totals, None
    store = Store.open(out, manifest)
    for index, sums in store.finished().items():
        if index < n_cells:
            totals[index] = sums
    return totals, store


def _collect(
    backend: Any,
    tasks: Any,
    cells: Any,
    totals: np.ndarray,
    store: Any,
    finished: int,
    progress: Any,
) -> None:
    """Run the tasks, writing each finished cell's sums into ``totals`` and the store."""
    try:
        for _, output in backend.run(tasks):
            rows = []
            for index, sums in zip(output["cells"], output["totals"], strict=True):
                totals[index] = sums
                rows.append(_row(cells[index], sums))
            if store is not None:
                store.append(rows)
            finished += len(rows)
            if progress is not None:
                progress(finished, len(cells))
    except BaseException:
        backend.close(cancel=True)
        raise


def _manifest(
    process: Process,
    spec: SweepSpec,
    n: int,
    root: np.random.SeedSequence,
    groups: int,
    cells: int,
    economics: Any,
) -> dict[str, Any]:
    seed = {"entropy": root.entropy, "spawn_key": list(root.spawn_key), "pool": root.pool_size}
    costs = None
    if economics is not None:
        c = economics.costs
        costs = {"hourly_usd": dict(c.hourly_usd), "extra_minutes": c.extra_minutes_per_interview}
    return {
        "fields": list(FIELDS),
        "costs": costs,
        "sim_version": __version__,
        "n": n,
        "seed": seed,
        "groups": groups,
        "cells": cells,
        "spec": spec.to_data(),
        "process": to_data(process),
    }
