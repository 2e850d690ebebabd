"""Pool-level analyses: what a weight change does to decisions, and how good they are.

:func:`decision_swing` re-decides stored ratings under modified weights
(common random numbers: the same candidates and ratings meet a different
debrief), so the share of changed decisions is pure sensitivity, not Monte
Carlo noise. :func:`decision_quality` compares the committee with random
selection at the same hire rate and with the closed forms of Taylor & Russell
(1939), Naylor & Shine (1965) and Brogden-Cronbach-Gleser utility.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from ..engine import redecisions
from ..errors import SpecError, fail
from ..model import HIRE
from ..result import Result
from ..spec import Process
from ..theory import bcg_utility, naylor_shine, taylor_russell

__all__ = ["decision_quality", "decision_swing"]

#: Weight multipliers of :func:`decision_swing`, by column suffix.
SWING_FACTORS: dict[str, float] = {"zeroed": 0.0, "doubled": 2.0}


def _require_ratings(result: Result) -> None:
    if not isinstance(result, Result):
        raise fail("result", "must be a Result (see sim.simulate)", type(result).__name__)
    if result.perceived is None:
        raise fail("result", "has no stored ratings: simulate with keep='all'")


def decision_swing(result: Result) -> pd.DataFrame:
    """Share of the committee's decisions that change when one competency weight changes.

    For each competency the debrief weighs, its weight is set to zero, then
    doubled (the other weights unchanged, so shares renormalise), and the
    stored ratings are re-decided with :func:`sim.engine.redecide` (any rule,
    anchoring or speaking order; the same debrief draws).

    Parameters
    ----------
    result : Result
        Simulated with ``keep="all"``.

    Returns
    -------
    DataFrame
        Indexed by competency. Columns ``weight`` (raw weight now), then for
        each of ``zeroed`` and ``doubled``: ``changed_<x>`` (share of candidates
        who reached the debrief whose decision changes), ``hire_rate_<x>``
        (share of all candidates hired) and ``precision_<x>`` (share of hires
        above the performance bar). ``attrs`` holds the baseline ``hire_rate``,
        ``precision`` and ``debriefed`` (candidates who reached the debrief).

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> swing = decision_swing(sim.simulate(process, n=4000, rng=3))
    >>> bool(swing["changed_zeroed"].idxmax() in process.competency_names)
    True
    """
    _require_ratings(result)
    process = result.process
    reached = result.reached
    debriefed = int(reached.sum())
    base = result.decision
    success = result.success
    # Every variant first (an invalid one is None), then one pass over the stored ratings.
    variants = _swing_variants(process)
    valid = [key for key, variant in variants.items() if variant is not None]
    decisions = dict(zip(valid, redecisions(result, [variants[k] for k in valid]), strict=True))
    rows = []
    for name in dict.fromkeys(name for name, _ in variants):
        row: dict[str, float] = {
            "competency": name,
            "weight": process.debrief.competency_weight(name),
        }
        for suffix in SWING_FACTORS:
            decision = decisions.get((name, suffix))
            if decision is None:
                row |= {f"changed_{suffix}": math.nan, f"hire_rate_{suffix}": math.nan}
                row[f"precision_{suffix}"] = math.nan
                continue
            hired = decision == HIRE
            row[f"changed_{suffix}"] = (
                float((decision != base)[reached].mean()) if debriefed else math.nan
            )
            row[f"hire_rate_{suffix}"] = float(hired.mean())
            row[f"precision_{suffix}"] = _ratio((hired & success).sum(), hired.sum())
        rows.append(row)
    columns = ["weight"] + [
        f"{what}_{suffix}"
        for suffix in SWING_FACTORS
        for what in ("changed", "hire_rate", "precision")
    ]
    table = pd.DataFrame(rows, columns=["competency", *columns]).set_index("competency")
    hired = result.hired
    table.attrs.update(
        hire_rate=float(hired.mean()),
        precision=_ratio((hired & success).sum(), hired.sum()),
        debriefed=debriefed,
    )
    return table


def _swing_variants(process: Process) -> dict[tuple[str, str], Process | None]:
    """Each weighed competency's weight zeroed and doubled (None where that is invalid)."""
    weights = process.debrief.competency_weights
    variants: dict[tuple[str, str], Process | None] = {}
    for name in process.competency_names:
        weight = process.debrief.competency_weight(name)
        for suffix, factor in SWING_FACTORS.items() if weight else ():
            new_weights = {**weights, name: weight * factor}
            try:
                variants[name, suffix] = replace(
                    process, debrief=replace(process.debrief, competency_weights=new_weights)
                )
            except SpecError:  # e.g. zeroing the only weighted competency
                variants[name, suffix] = None
    return variants


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else math.nan


def _proportion_se(p: float, n: int) -> float:
    return math.sqrt(p * (1 - p) / n) if n and not math.isnan(p) else math.nan


def decision_quality(
    result: Result, *, n_hires: float = 1.0, cost_per_applicant: float = 0.0
) -> pd.DataFrame:
    """The committee's decisions against the truth, next to random selection.

    Parameters
    ----------
    result : Result
        Any simulation of a pool (``keep="decisions"`` is enough).
    n_hires : float, default 1
        Hires per year, for the yearly dollar rows.
    cost_per_applicant : float, default 0
        Dollars spent assessing one applicant (Brogden-Cronbach-Gleser cost).

    Returns
    -------
    DataFrame
        Indexed by metric: ``hire_rate``, ``precision`` (success ratio: share
        of hires above the performance bar), ``recall`` (share of those above
        the bar who were hired), ``false_negative_rate`` (share of those above
        the bar who were rejected), ``validity`` (correlation of aggregate and
        performance among those debriefed), ``mean_performance_of_hires``
        (SDs of the pool), ``dollars_per_hire`` (yearly, vs an average
        applicant) and ``dollars_per_year`` (``n_hires`` hires, net of the
        assessment cost ``n_hires / hire_rate * cost_per_applicant``).
        Columns: ``committee`` (simulated), ``committee_se`` (its standard
        error), ``random`` (random selection at the same hire rate: precision
        = base rate, recall = hire rate, validity 0, no dollar gain) and
        ``closed_form`` (Taylor-Russell precision, recall and false-negative
        rate, Naylor-Shine mean performance and Brogden-Cronbach-Gleser
        dollars from the committee's validity and hire rate; these assume one
        top-down selection on a normal score, so a gap shows what gates and
        range restriction do). ``attrs`` holds ``base_rate`` and ``n``.

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> table = decision_quality(sim.simulate(process, n=20_000, rng=1, keep="decisions"))
    >>> bool(table.loc["precision", "committee"] > table.loc["precision", "random"])
    True
    """
    if not isinstance(result, Result):
        raise fail("result", "must be a Result (see sim.simulate)", type(result).__name__)
    for name, value in (("n_hires", n_hires), ("cost_per_applicant", cost_per_applicant)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise fail(name, "must be a number >= 0", value)
    summary = result.summary()
    rate, base, validity = summary["hire_rate"], summary["base_rate"], summary["validity"]
    cost = n_hires / rate * cost_per_applicant if rate > 0 else math.nan
    committee = _committee_quality(result, summary, n_hires, cost)
    random = {
        "hire_rate": rate,
        "precision": base,
        "recall": rate,
        "false_negative_rate": 1 - rate,
        "validity": 0.0,
        "mean_performance_of_hires": 0.0,
        "dollars_per_hire": 0.0,
        "dollars_per_year": -cost if cost_per_applicant else 0.0,
    }
    closed = dict.fromkeys(committee, math.nan)
    if 0 < rate < 1 and not math.isnan(validity):
        closed |= _closed_form_quality(
            rate, base, validity, result.process.truth.sd_y_dollars, n_hires, cost_per_applicant
        )
    table = pd.DataFrame(
        {
            "committee": [v[0] for v in committee.values()],
            "committee_se": [v[1] for v in committee.values()],
            "random": list(random.values()),
            "closed_form": list(closed.values()),
        },
        index=pd.Index(list(committee), name="metric"),
    )
    table.attrs.update(base_rate=base, n=result.n)
    return table


def _committee_quality(
    result: Result, summary: dict[str, float | int], n_hires: float, cost: float
) -> dict[str, tuple[float, float]]:
    """Each metric of the simulated committee with its standard error."""
    n, hired = result.n, result.hired
    n_hired, n_success = int(hired.sum()), int(result.success.sum())
    precision, recall = summary["precision"], summary["recall"]
    sd_y = result.process.truth.sd_y_dollars
    perf_se = _mean_se(result.performance[hired])
    dollars, validity = summary["dollars_per_hire"], summary["validity"]
    validity_se = _corr_se(validity, int(result.reached.sum()))
    return {
        "hire_rate": (summary["hire_rate"], _proportion_se(summary["hire_rate"], n)),
        "precision": (precision, _proportion_se(precision, n_hired)),
        "recall": (recall, _proportion_se(recall, n_success)),
        "false_negative_rate": (1 - recall, _proportion_se(recall, n_success)),
        "validity": (validity, validity_se),
        "mean_performance_of_hires": (summary["mean_performance_of_hires"], perf_se),
        "dollars_per_hire": (dollars, sd_y * perf_se),
        "dollars_per_year": (n_hires * dollars - cost, n_hires * sd_y * perf_se),
    }


def _closed_form_quality(
    rate: float, base: float, validity: float, sd_y: float, n_hires: float, cost: float
) -> dict[str, float]:
    """Taylor-Russell, Naylor-Shine and Brogden-Cronbach-Gleser at the committee's numbers."""
    tr = float(taylor_russell(validity, rate, base))
    recall = tr * rate / base if base > 0 else math.nan
    return {
        "hire_rate": rate,
        "precision": tr,
        "recall": recall,
        "false_negative_rate": 1 - recall,
        "validity": validity,
        "mean_performance_of_hires": float(naylor_shine(validity, rate)),
        "dollars_per_hire": bcg_utility(1, 1, validity, sd_y, rate),
        "dollars_per_year": bcg_utility(n_hires, 1, validity, sd_y, rate, cost_per_applicant=cost),
    }


def _mean_se(values: np.ndarray) -> float:
    return float(values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else math.nan


def _corr_se(r: float, n: int) -> float:
    return (1 - r**2) / math.sqrt(n - 1) if n > 1 and not math.isnan(r) else math.nan
