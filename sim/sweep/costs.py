"""What a cell's interviewers cost in dollars: the process's economics priced by stage.

A sweep counts every cell's interviewer time (:func:`sim.sweep.stats.hours_by_stage`);
with economics data (:mod:`sim.economics`: an hourly cost per interviewer, the
preparation minutes per interview) it also prices that time the way the
requisition simulation does, so ``interviewer_cost_per_applicant`` and
``interviewer_cost_per_hire`` (dollars) sit next to ``dollars_per_hire`` (the
value of a hire) in every cell. The vector of dollars by stage is computed
here, on the client, and travels with the cell; workers never load economics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..economics import Economics, load_economics
from ..economics.io import economics_dir
from ..economics.requisition import round_costs
from ..errors import fail
from ..spec import Process
from .cells import Cell

__all__ = ["cell_costs", "cost_by_stage", "resolve_economics"]


def cost_by_stage(process: Process, economics: Economics) -> np.ndarray:
    """Interviewer dollars spent on a candidate who left at each stage, shape (R + 1,).

    The stages of :func:`sim.sweep.stats.hours_by_stage`, priced as
    :func:`sim.economics.requisition.round_costs` prices them: a round costs the
    sum of its interviewers' hourly costs (``economics.costs.hourly_usd``) times
    its minutes plus ``extra_minutes_per_interview`` (preparation and write-up);
    the debrief costs its minutes times the hourly costs of everyone on the loop.
    NaN where an interviewer has no hourly cost (and there is no ``default``).

    Examples
    --------
    >>> import sim
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> dollars = cost_by_stage(amex, load_economics(amex))
    >>> bool((dollars[1:] >= dollars[:-1]).all()), dollars.shape
    (True, (6,))
    """
    per_round, debrief = round_costs(process, economics)
    return np.r_[np.cumsum(per_round), per_round.sum() + debrief]


def resolve_economics(process: Process, economics: Any) -> Economics | None:
    """The economics a sweep prices with: ``None`` means the process's preset if it has
    one (``data/economics/<name>.yaml``), else none; ``False``: none; or an
    :class:`~sim.economics.Economics`."""
    if economics is False:
        return None
    if economics is None:
        if not (economics_dir() / f"{process.name}.yaml").is_file():
            return None
        return load_economics(process)
    if not isinstance(economics, Economics):
        raise fail(
            "economics",
            "must be None (the process's preset), False (no dollars) or an Economics",
            type(economics).__name__,
        )
    return economics


def cell_costs(cells: Sequence[Cell], economics: Economics | None) -> list[np.ndarray | None]:
    """Each cell's :func:`cost_by_stage` (``None`` for all without economics).

    Raises a one-line error naming the cells whose interviewers have no hourly cost.
    """
    if economics is None:
        return [None] * len(cells)
    costs = [cost_by_stage(cell.process, economics) for cell in cells]
    missing = [cell for cell, cost in zip(cells, costs, strict=True) if np.isnan(cost).any()]
    if missing:
        names = sorted(
            {p for c in missing for r in c.process.rounds for p in r.interviewers}
            - set(economics.costs.hourly_usd)
        )
        where = ", ".join(str(c.index) for c in missing[:10])
        raise fail(
            "economics.costs.hourly_usd",
            f"gives no hourly cost (nor a default) for {', '.join(names)} in cells {where}",
            sorted(economics.costs.hourly_usd),
        )
    return costs
