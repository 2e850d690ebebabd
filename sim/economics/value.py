"""Checks and calibration: waits and Kaplan-Meier, BCG with Murphy's correction, acceptance.

- :func:`waits` and :func:`kaplan_meier`: every wait an applicant sat through, and the
  survival curve estimated from them (to compare with the configured hazard).
- :func:`selection_utility`: Brogden-Cronbach-Gleser value per hire from the pool's
  selection ratio and validity, and Murphy's (1986) correction for rejected offers
  (offers made top-down, rejections unrelated to quality: the effective selection
  ratio becomes ``SR / p``).
- :func:`murphy_top_down`: the same correction for one opening filled from a pool of
  ``N`` applicants ranked at once (expected normal order statistics).
- :func:`calibrate_intercept`: the acceptance intercept that gives a target share.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import optimize

from ..engine import RandomLike, simulate
from ..errors import fail
from ..spec import Process
from ..theory import naylor_shine
from .requisition import WITHDREW, expected_normal_order_stats
from .result import RequisitionResult
from .spec import Economics, check_count

__all__ = [
    "calibrate_intercept",
    "kaplan_meier",
    "murphy_top_down",
    "selection_utility",
    "waits",
]


def waits(result: RequisitionResult) -> pd.DataFrame:
    """One row per wait an applicant sat through (days since the last contact).

    Wait ``j < R`` precedes round ``j``; wait ``R`` follows the last round until the
    decision, the offer, a withdrawal or the requisition's close. Waits of zero
    planned length (rounds on the same day) are left out.

    Columns: ``requisition``, ``applicant`` (row of :meth:`RequisitionResult.applicants`),
    ``wait``, ``kind`` (``silent`` or ``booked``), ``waited`` (days observed),
    ``withdrew`` (the wait ended in a withdrawal), ``censored_at`` (days after which it
    would have ended anyway; NaN for the open-ended last wait), ``performance``.
    """
    a = result._a
    process, econ = result.process, result.economics
    days = np.array([r.day for r in process.rounds], dtype=float)
    n_rounds = days.size
    starts = np.concatenate([[0.0], days])
    planned = np.concatenate([np.diff(days, prepend=0.0), [np.inf]])
    span = a["exit"] - a["arrival"]
    end_last = np.where(a["offered"], a["offer_day"] - a["arrival"], span)
    gone = a["outcome"] == WITHDREW
    close = result._r["days_open"][a["requisition"]] - a["arrival"]
    rows = []
    for j in range(n_rounds + 1):
        if planned[j] == 0:
            continue
        end = span if j < n_rounds else end_last
        entered = end > starts[j]
        stop = np.minimum(end, starts[j] + planned[j]) - starts[j]
        ended_here = gone & (span <= starts[j] + planned[j]) if j < n_rounds else gone
        booked = 0 < j < n_rounds or (j == n_rounds and econ.schedule.decision_date_told)
        cap = np.minimum(planned[j], close - starts[j]) if j < n_rounds else np.nan + close
        idx = np.flatnonzero(entered)
        rows.append(
            pd.DataFrame(
                {
                    "requisition": a["requisition"][idx],
                    "applicant": idx,
                    "wait": j,
                    "kind": "booked" if booked else "silent",
                    "waited": stop[idx],
                    "withdrew": ended_here[idx],
                    "censored_at": cap[idx],
                    "performance": a["performance"][idx],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def kaplan_meier(durations: np.ndarray, events: np.ndarray) -> pd.DataFrame:
    """Kaplan-Meier survival curve with Greenwood standard errors.

    Parameters
    ----------
    durations : array, shape (m,)
        Time observed (days), >= 0.
    events : array of bool, shape (m,)
        True where the observation ended in the event (withdrawal), False if censored.

    Returns
    -------
    DataFrame
        One row per distinct event time: ``time``, ``at_risk``, ``events``,
        ``survival`` (just after ``time``), ``se``.

    Examples
    --------
    >>> km = kaplan_meier(np.array([1.0, 2.0, 2.0, 3.0]), np.array([True, True, False, True]))
    >>> km.survival.round(3).tolist()
    [0.75, 0.5, 0.0]
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    if t.shape != e.shape or t.ndim != 1:
        raise fail("events", "must have the shape of durations", e.shape)
    times = np.unique(t[e])
    order = np.sort(t)
    at_risk = t.size - np.searchsorted(order, times, side="left")
    deaths = np.bincount(np.searchsorted(times, t[e]), minlength=times.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - deaths / at_risk)
        green = np.cumsum(deaths / (at_risk * (at_risk - deaths)))
        se = survival * np.sqrt(green)  # NaN once survival reaches 0
    return pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk,
            "events": deaths,
            "survival": survival,
            "se": se,
        }
    )


def selection_utility(
    process: Process,
    economics: Economics,
    acceptance: float,
    *,
    n: int = 200_000,
    rng: RandomLike = None,
) -> dict[str, float]:
    """Brogden-Cronbach-Gleser value per hire, with Murphy's (1986) offer-rejection correction.

    From a pool simulation: among applicants the committee debriefs, the selection
    ratio ``SR`` (share approved), the validity ``r`` of the aggregate and the mean
    and SD of performance. BCG (Naylor-Shine) expects the approved to perform
    ``mu + sd * r * phi(z_c) / SR``; with offers made top-down and each accepted with
    probability ``acceptance`` regardless of quality, hires come from the top
    ``SR / acceptance`` instead (Murphy). Values are dollars over the horizon.
    """
    if not 0 < acceptance <= 1:
        raise fail("acceptance", "must be in (0, 1]", acceptance)
    pool = simulate(process, n=n, rng=rng, keep="decisions")
    debriefed = pool.reached
    x, y = pool.aggregate_z[debriefed], pool.performance[debriefed]
    sr = float(pool.hired.sum() / debriefed.sum())
    r = float(np.corrcoef(x, y)[0, 1])
    mu, sd = float(y.mean()), float(y.std())
    bcg = mu + sd * naylor_shine(r, sr)
    murphy = mu + sd * naylor_shine(r, min(1.0, sr / acceptance))
    dollars = process.truth.sd_y_dollars * economics.value.horizon_years
    return {
        "selection_ratio": sr,
        "validity": r,
        "acceptance": float(acceptance),
        "performance_of_approved": float(pool.performance[pool.hired].mean()),
        "performance_bcg": float(bcg),
        "performance_murphy": float(murphy),
        "value_per_hire_bcg": float(bcg * dollars),
        "value_per_hire_murphy": float(murphy * dollars),
        "offer_rejection_loss": float((bcg - murphy) * dollars),
    }


def murphy_top_down(validity: float, n_applicants: int, acceptance: float) -> float:
    """Expected performance (SDs) of the hire when one opening is offered top-down.

    ``N`` applicants are ranked at once on a predictor with validity ``r``; offers
    go best first and each is accepted with probability ``p`` independently of
    quality. Given that someone accepts, the hire is the ``g``-th best with
    probability ``p (1 - p)^(g - 1) / (1 - (1 - p)^N)``, so the expectation is
    ``r * sum_g P(g) E[Z_(g:N)]``.

    Examples
    --------
    >>> round(murphy_top_down(0.5, 10, 1.0), 4)  # 0.5 * E[max of 10 normals]
    0.7694
    >>> murphy_top_down(0.5, 10, 0.5) < murphy_top_down(0.5, 10, 1.0)
    True
    """
    check_count("n_applicants", n_applicants, 1)
    if not 0 < acceptance <= 1:
        raise fail("acceptance", "must be in (0, 1]", acceptance)
    g = np.arange(n_applicants)
    weights = acceptance * (1.0 - acceptance) ** g
    weights /= weights.sum()
    return float(validity * weights @ expected_normal_order_stats(n_applicants))


def calibrate_intercept(
    process: Process,
    economics: Economics,
    target: float = 0.84,
    *,
    n: int = 20_000,
    rng: RandomLike = 0,
) -> float:
    """The acceptance intercept at which ``target`` of offers are accepted.

    Solved on common random numbers (one set of draws, re-flowed per intercept).

    Examples
    --------
    >>> import sim
    >>> from sim.economics import load_economics
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> b = calibrate_intercept(amex, load_economics(amex), 0.84, n=1024, rng=0)
    >>> -5 < b < 5
    True
    """
    from .variants import Variants

    if not 0 < target < 1:
        raise fail("target", "must be in (0, 1)", target)
    crn = Variants(n=n, rng=rng)

    def gap(intercept: float) -> float:
        econ = replace(economics, acceptance=replace(economics.acceptance, intercept=intercept))
        share = crn.run(process, econ).summary()["offer_acceptance"]
        return share - target if not math.isnan(share) else -target

    return float(optimize.brentq(gap, -20.0, 20.0, xtol=1e-3))
