"""Per-cell sums over groups of candidates, the summary metrics, and their standard errors.

A cell's candidates are split into ``G`` contiguous groups (group of candidate
``i`` is ``i * G // n``). Within a cell candidates are independent and
identically distributed, so the groups are too. Every metric of
:meth:`sim.Result.summary` is a smooth function ``f`` of the candidates' mean
sums ``T`` (counts of hires and successes, sums of the aggregate and of
performance and of their squares and products), so its standard error is the
delete-a-group jackknife (Quenouille-Tukey; Kott 2001 for groups)::

    theta_(g) = f(T - T_g),    SE^2 = (G - 1) / G * sum_g (theta_(g) - mean_h theta_(h))^2

For a linear metric (the hire rate) this is exactly the batch-means estimate
with ``G - 1`` degrees of freedom; for ratios (precision, dollars per hire) and
the correlation (validity) it is the delta method with the variance estimated
from the groups. A *paired* difference against a baseline cell applies the same
formula to ``theta_A(g) - theta_B(g)``: when the two cells share their
applicants and rating noise (common random numbers) group ``g`` holds the same
candidates in both, and the jackknife sees their covariance; when they do not
(different draw streams) the groups are independent and it gives
``sqrt(SE_A^2 + SE_B^2)``.

Sums use :func:`numpy.add.reduceat` (no BLAS), so they are bitwise the
same in every process whatever its BLAS threads.
"""

from __future__ import annotations

import math

import numpy as np

from ..model import HOLD
from ..result import Result
from ..spec import Process

__all__ = [
    "FIELDS",
    "GROUPS",
    "METRICS",
    "group_ids",
    "group_totals",
    "hours_by_stage",
    "jackknife_se",
    "metrics",
]

#: Groups per cell for the jackknife (63 degrees of freedom; fewer when n < 64).
GROUPS = 64
#: The sums kept per group, in order (the sufficient statistics of every metric).
FIELDS = (
    "n", "hired", "held", "reached", "success", "hired_success", "hired_performance",
    "sx", "sy", "sxx", "syy", "sxy", "interviewer_hours", "interviewer_cost",
)  # fmt: skip
#: Metrics of every cell: the keys of :meth:`sim.Result.summary` but ``n``, and the
#: interviewer time a design costs (see :func:`hours_by_stage`) and its dollars
#: (see :func:`sim.sweep.costs.cost_by_stage`; NaN without economics data).
METRICS = (
    "hire_rate",
    "hold_rate",
    "reached_debrief",
    "base_rate",
    "precision",
    "recall",
    "validity",
    "mean_performance_of_hires",
    "dollars_per_hire",
    "interviewer_hours_per_applicant",
    "interviewer_hours_per_hire",
    "interviewer_cost_per_applicant",
    "interviewer_cost_per_hire",
)


def n_groups(n: int) -> int:
    """Groups for a cell of ``n`` candidates: :data:`GROUPS`, or ``n`` when fewer."""
    return min(GROUPS, n)


def group_ids(first: int, count: int, n: int) -> np.ndarray:
    """Group of candidates ``first .. first + count - 1`` of ``n``, shape (count,)."""
    return (np.arange(first, first + count, dtype=np.int64) * n_groups(n)) // n


def hours_by_stage(process: Process) -> np.ndarray:
    """Interviewer hours spent on a candidate who left at each stage, shape (R + 1,).

    A candidate whose ``Result.stage`` is ``s < R`` sat rounds ``0 .. s`` (each round
    costs its minutes times its interviewers); one who reached the debrief (``s = R``)
    sat every round and was discussed for the debrief's minutes by everyone on the
    loop. Time in the room only; :func:`sim.sweep.costs.cost_by_stage` prices it in dollars.

    Examples
    --------
    >>> import sim
    >>> hours = hours_by_stage(sim.load_process("amex_ai_pm_2026"))
    >>> bool((hours[1:] >= hours[:-1]).all()), hours.shape
    (True, (6,))
    """
    per_round = np.array([r.minutes * len(r.interviewers) / 60.0 for r in process.rounds])
    people = {name for r in process.rounds for name in r.interviewers}
    debrief = process.debrief.minutes * len(people) / 60.0
    return np.r_[np.cumsum(per_round), per_round.sum() + debrief]


def group_totals(result: Result, n: int, cost: np.ndarray | None = None) -> np.ndarray:
    """Sums of :data:`FIELDS` per group for the candidates of ``result`` (a chunk), (G, F).

    ``result.first_candidate`` places the chunk among the cell's ``n`` candidates;
    ``cost`` is the cell's :func:`sim.sweep.costs.cost_by_stage` (``None``: the dollar
    sums are NaN).
    """
    ids = group_ids(result.first_candidate, result.n, n)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    hired, reached, performance = result.hired, result.reached, result.performance
    columns = np.empty((len(FIELDS), result.n))  # one contiguous row per field
    columns[0] = 1.0
    columns[1] = hired
    columns[2] = result.decision == HOLD
    columns[3] = reached
    columns[4] = result.success
    columns[5] = hired & result.success
    np.multiply(performance, hired, out=columns[6])
    x, y = columns[7], columns[8]
    np.copyto(x, result.aggregate_z)
    x[~reached] = 0.0  # the aggregate is NaN where the debrief was not reached
    np.multiply(performance, reached, out=y)
    np.multiply(x, x, out=columns[9])
    np.multiply(y, y, out=columns[10])
    np.multiply(x, y, out=columns[11])
    np.take(hours_by_stage(result.process), result.stage, out=columns[12])
    if cost is None:
        columns[13] = np.nan
    else:
        np.take(cost, result.stage, out=columns[13])
    out = np.zeros((n_groups(n), len(FIELDS)))
    out[ids[starts]] = np.add.reduceat(columns, starts, axis=1).T
    return out


def metrics(totals: np.ndarray, sd_y_dollars: float) -> dict[str, np.ndarray]:
    """The summary metrics from sums ``totals`` of shape (..., F), each of shape (...).

    The same definitions as :meth:`sim.Result.summary` (NaN where undefined).
    """
    t = {name: totals[..., j] for j, name in enumerate(FIELDS)}
    n, hired, m = t["n"], t["hired"], t["reached"]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_perf = _ratio(t["hired_performance"], hired)
        vx = t["sxx"] - t["sx"] * t["sx"] / m
        vy = t["syy"] - t["sy"] * t["sy"] / m
        cov = t["sxy"] - t["sx"] * t["sy"] / m
        ok = (m >= 3) & (vx > 0) & (vy > 0)
        validity = np.where(ok, cov / np.sqrt(np.where(ok, vx * vy, 1.0)), np.nan)
        return {
            "hire_rate": hired / n,
            "hold_rate": t["held"] / n,
            "reached_debrief": m / n,
            "base_rate": t["success"] / n,
            "precision": _ratio(t["hired_success"], hired),
            "recall": _ratio(t["hired_success"], t["success"]),
            "validity": validity,
            "mean_performance_of_hires": mean_perf,
            "dollars_per_hire": sd_y_dollars * mean_perf,
            "interviewer_hours_per_applicant": t["interviewer_hours"] / n,
            "interviewer_hours_per_hire": _ratio(t["interviewer_hours"], hired),
            "interviewer_cost_per_applicant": t["interviewer_cost"] / n,
            "interviewer_cost_per_hire": _ratio(t["interviewer_cost"], hired),
        }


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def leave_one_out(groups: np.ndarray, sd_y_dollars: float) -> dict[str, np.ndarray]:
    """Each metric with one group left out, shape (G,) per metric, from group sums (G, F)."""
    return metrics(groups.sum(axis=0) - groups, sd_y_dollars)


def jackknife_se(replicates: np.ndarray) -> float:
    """Delete-a-group jackknife SE from the leave-one-out values ``replicates`` (G,).

    NaN when a replicate is NaN (the metric is undefined without some group) or G < 2.

    Examples
    --------
    >>> float(jackknife_se(np.array([1.0, 1.0, 1.0])))
    0.0
    """
    g = replicates.size
    if g < 2 or not np.isfinite(replicates).all():
        return math.nan
    spread = replicates - replicates.mean()
    return float(math.sqrt((g - 1) / g * float((spread * spread).sum())))


def summarise(groups: np.ndarray, sd_y_dollars: float) -> dict[str, float]:
    """Metrics of one cell and their SEs (``<metric>_se``) from its group sums (G, F)."""
    whole = metrics(groups.sum(axis=0), sd_y_dollars)
    out: dict[str, float] = {"n": round(float(groups[:, 0].sum()))}
    out.update({name: float(whole[name]) for name in METRICS})
    loo = leave_one_out(groups, sd_y_dollars)
    out.update({f"{name}_se": jackknife_se(loo[name]) for name in METRICS})
    return out


def paired(
    groups: np.ndarray, sd_y: float, base_groups: np.ndarray, base_sd_y: float
) -> dict[str, float]:
    """Differences cell - baseline (``<metric>_diff``) and their paired SEs (``_diff_se``)."""
    whole = metrics(groups.sum(axis=0), sd_y)
    base = metrics(base_groups.sum(axis=0), base_sd_y)
    loo, base_loo = leave_one_out(groups, sd_y), leave_one_out(base_groups, base_sd_y)
    out: dict[str, float] = {}
    for name in METRICS:
        out[f"{name}_diff"] = float(whole[name] - base[name])
        out[f"{name}_diff_se"] = jackknife_se(loo[name] - base_loo[name])
    return out
