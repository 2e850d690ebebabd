"""Sweeps over committee designs: many cells, common random numbers, any executor.

``sim.sweep(process, spec, n=..., rng=..., executor=None)`` runs every cell of
a sweep spec and returns a :class:`SweepResult`. This module is itself callable
(``sim.sweep(...)`` is :func:`run_sweep`), so the verb and its package share
the name; ``import sim`` imports neither it nor dask or pyarrow.

========================  ====================================================
module                    what lives there
========================  ====================================================
:mod:`sim.sweep.paths`    field paths: ``rounds[2].interviewers``, get and set
:mod:`sim.sweep.cells`    the spec (grid, zip, variants) and its validated cells
:mod:`sim.sweep.stats`    group sums, metrics, jackknife and paired SEs
:mod:`sim.sweep.costs`    interviewer dollars by stage, from the process's economics
:mod:`sim.sweep.tasks`    batches of cells, what travels, the worker function
:mod:`sim.sweep.executors` serial, local processes, Dask
:mod:`sim.sweep.memory`   a worker's allocator while it computes; ``local_cluster``
:mod:`sim.sweep.storage`  the Parquet dataset a sweep appends to and resumes from
:mod:`sim.sweep.run`      the driver and :class:`SweepResult`
:mod:`sim.sweep.cli`      ``hiring-sim sweep``
========================  ====================================================
"""

from __future__ import annotations

import sys
import types
from typing import Any

from .cells import Cell, SweepSpec, load_spec, parse_spec
from .executors import DaskExecutor, LocalProcesses, Serial
from .memory import local_cluster
from .run import SweepResult, run_sweep
from .stats import METRICS

__all__ = [
    "METRICS",
    "Cell",
    "DaskExecutor",
    "LocalProcesses",
    "Serial",
    "SweepResult",
    "SweepSpec",
    "load_spec",
    "local_cluster",
    "parse_spec",
    "run_sweep",
]


class _CallableModule(types.ModuleType):
    """This package, callable as :func:`run_sweep` (so ``sim.sweep(...)`` runs a sweep)."""

    def __call__(self, *args: Any, **kwargs: Any) -> SweepResult:
        return run_sweep(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
