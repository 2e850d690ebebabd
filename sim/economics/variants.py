"""Variants of a process and its economics on common random numbers.

The draws of a block (arrivals, the committee's decisions, every wait's exponential,
acceptance uniforms) depend only on the parts of the process the engine reads and on
the arrivals; the schedule (round days, window), the withdrawal hazard, the offer
policy, acceptance, costs and value only enter :func:`~sim.economics.requisition.flow`.
So variants that differ only there see the very same applicants and luck, and their
difference is the change's effect, not Monte Carlo noise. Variants with another
engine structure (a dropped round, another interviewer) get the same arrivals and
outside draws from the same seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from ..engine import RandomLike, as_seed_sequence
from ..spec import Process
from .changes import with_window
from .requisition import Draws, flow, run_blocks
from .result import RequisitionResult
from .spec import Economics

__all__ = ["Variants", "draws_key", "window_curve"]


def draws_key(process: Process, economics: Economics) -> str:
    """What the draws depend on: the process without its days, the arrivals and deadline.

    A string (the specs' exact ``repr``): some spec fields are read-only mappings,
    which do not hash.
    """
    rounds = tuple(replace(r, day=0.0) for r in process.rounds)
    debrief = replace(process.debrief, day=None)
    return repr(
        (
            rounds,
            debrief,
            process.interviewers,
            process.competencies,
            process.pool,
            process.truth,
            process.scale,
            process.evidence_minutes,
            economics.arrivals,
            economics.arrivals.sourcing_days or economics.schedule.deadline_days,
        )
    )


class Variants:
    """Simulate many (process, economics) variants of ``n`` requisitions on one seed.

    Draws are cached by :func:`draws_key`, so a variant that changes only the
    schedule, the offer or the costs costs one flow, not a new simulation.

    Examples
    --------
    >>> import sim
    >>> from sim.economics import load_economics
    >>> from sim.economics.changes import with_window
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> econ = load_economics(amex)
    >>> crn = Variants(n=512, rng=3)
    >>> base, short = crn.run(amex, econ), crn.run(with_window(amex, 30), econ)
    >>> a, b = short.applicants().performance.values, base.applicants().performance.values
    >>> bool((a[:50] == b[:50]).all())
    True
    """

    def __init__(self, n: int = 1000, rng: RandomLike = None, *, workers: int = 1) -> None:
        self.n = n
        self.seed = as_seed_sequence(rng)
        self.workers = workers
        self._draws: dict[str, list[Draws]] = {}
        self._memo: dict[int, dict[str, Any]] = {}  # per block of draws: waits to the debrief

    def draws(self, process: Process, economics: Economics) -> list[Draws]:
        """The blocks of draws for this variant (cached)."""
        key = draws_key(process, economics)
        if key not in self._draws:
            if len(self._draws) >= 8:  # bounded: a slider session can visit many structures
                for block in self._draws.pop(next(iter(self._draws))):
                    self._memo.pop(id(block), None)
            self._draws[key] = run_blocks(
                process, economics, self.n, self.seed, workers=self.workers, step=lambda d: d
            )
        return self._draws[key]

    def run(self, process: Process, economics: Economics) -> RequisitionResult:
        """Requisitions of one variant (validated with :meth:`Economics.check`)."""
        economics.check(process)
        blocks = self.draws(process, economics)
        flows = tuple(
            flow(process, economics, d, self._memo.setdefault(id(d), {})) for d in blocks
        )
        return RequisitionResult(process=process, economics=economics, flows=flows)


def window_curve(
    process: Process,
    economics: Economics,
    windows: Sequence[float],
    *,
    n: int = 2000,
    rng: RandomLike = None,
    crn: Variants | None = None,
) -> pd.DataFrame:
    """Net value and its parts against the length of the process window, on common numbers.

    Each window rescales every round's day and the debrief's (:func:`with_window`).

    Returns
    -------
    DataFrame
        One row per window: ``window_days``, ``net_value_per_requisition`` and its SE
        (dollars over the horizon), ``withdrawal_rate``, ``offer_acceptance``,
        ``time_to_fill_days``, ``fill_rate``, ``performance_of_hire``, ``cost_per_hire``.
        ``attrs["window_days"]`` is the process's own window.
    """
    crn = crn or Variants(n=n, rng=rng)
    rows = []
    for days in windows:
        summary = crn.run(with_window(process, float(days)), economics).summary()
        rows.append({"window_days": float(days), **{k: summary[k] for k in _CURVE}})
    frame = pd.DataFrame(rows)
    frame.attrs["window_days"] = process.window_days
    return frame


_CURVE = (
    "net_value_per_requisition",
    "net_value_per_requisition_se",
    "withdrawal_rate",
    "offer_acceptance",
    "time_to_fill_days",
    "fill_rate",
    "performance_of_hire",
    "cost_per_hire",
)
