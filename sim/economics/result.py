"""Requisition results: arrays, tidy tables per requisition and per applicant, a summary."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..spec import Process
from .requisition import (
    CLOSED,
    HIRED,
    OUTCOMES,
    WITHDREW,
    Flow,
    _range,
    applicant_dollars,
    equity_value,
)
from .spec import Economics

__all__ = ["RequisitionResult", "reference_offer"]


def reference_offer(process: Process, economics: Economics) -> dict[str, float]:
    """The middle of every compensation range: the offer whose cost counts as zero.

    Returns ``yearly`` (base, bonus, equity value spread over the vesting years,
    stipend) and ``sign_on`` (dollars). Pay above it is a cost of the hire.
    """
    policy = economics.offer_policy

    def mid(key: str, part: object) -> float:
        low, high = _range(process, key, part.bounds)  # type: ignore[attr-defined]
        return (low + high) / 2.0

    base = mid("base_salary_usd", policy.base_salary_usd)
    bonus = base * mid("bonus_pct_of_base", policy.bonus_pct_of_base) / 100.0
    equity = float(equity_value(process, economics, mid("equity_pct", policy.equity_pct)))
    yearly = base + bonus + equity / policy.equity_vesting_years
    yearly += policy.development_stipend_usd_per_year
    return {"yearly": yearly, "sign_on": mid("sign_on_usd", policy.sign_on_usd)}


def _cat(codes: np.ndarray, names: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(int), list(names))


@dataclass(frozen=True, eq=False)
class RequisitionResult:
    """Outcome of :func:`sim.requisitions` for ``n`` requisitions.

    Attributes hold one array per applicant (shape (A,), every applicant who entered
    a requisition before it closed, in requisition then arrival order) and one per
    requisition (shape (n,)). Times are days since the requisition opened; money is
    US dollars. Build tables with :meth:`requisitions` and :meth:`applicants`.
    """

    process: Process
    economics: Economics
    flows: tuple[Flow, ...]

    # ------------------------------------------------------------------ arrays
    @cached_property
    def _a(self) -> _Columns:
        """Per-applicant arrays of every block, concatenated (kept applicants only)."""
        return _Columns(self.flows)

    @cached_property
    def _r(self) -> dict[str, np.ndarray]:
        """Per-requisition arrays (n,)."""
        a = self._a
        n = self.n
        req = a["requisition"]
        filled = np.concatenate([f.filled for f in self.flows])
        close = np.concatenate([f.close for f in self.flows])
        hire_perf = np.full(n, np.nan)
        hired = a["outcome"] == HIRED
        hire_perf[req[hired]] = a["performance"][hired]
        yearly = np.full(n, np.nan)
        yearly[req[hired]] = a["offer_yearly_value"][hired]
        sign_on = np.full(n, np.nan)
        sign_on[req[hired]] = a["offer_sign_on"][hired]
        count = np.bincount(req, minlength=n)
        cost = np.bincount(req, weights=a["interview_cost"], minlength=n)
        econ, truth = self.economics, self.process.truth
        horizon = econ.value.horizon_years
        ref = reference_offer(self.process, econ)
        value = np.where(filled, truth.sd_y_dollars * np.nan_to_num(hire_perf) * horizon, 0.0)
        premium = np.where(
            filled,
            (np.nan_to_num(yearly) - ref["yearly"]) * horizon
            + np.nan_to_num(sign_on)
            - ref["sign_on"],
            0.0,
        )
        vacancy = econ.costs.vacancy_usd_per_day * close
        return {
            "filled": filled,
            "time_to_fill_days": np.where(filled, close, np.nan),
            "days_open": close,
            "applicants": count,
            "withdrew": np.bincount(req, weights=a["outcome"] == WITHDREW, minlength=n),
            "debriefed": np.bincount(req, weights=a["debriefed"], minlength=n),
            "offers": np.bincount(req, weights=a["offered"], minlength=n),
            "performance_of_hire": hire_perf,
            "interview_cost": cost,
            "vacancy_cost": vacancy,
            "pay_premium": premium,
            "value_of_hire": value,
            "net_value": value - premium - cost - vacancy,
        }

    @property
    def n(self) -> int:
        """Number of requisitions."""
        return int(sum(f.draws.n_req for f in self.flows))

    @property
    def net_value(self) -> np.ndarray:
        """Net value of each requisition over the horizon (dollars), shape (n,)."""
        return self._r["net_value"]

    @property
    def filled(self) -> np.ndarray:
        """Whether each requisition was filled, shape (n,)."""
        return self._r["filled"]

    # ------------------------------------------------------------------ tables
    def requisitions(self) -> pd.DataFrame:
        """One row per requisition.

        Columns: ``requisition``, ``filled``, ``time_to_fill_days`` (NaN if not),
        ``days_open``, ``applicants``, ``withdrew``, ``debriefed``, ``offers``,
        ``performance_of_hire`` (SDs), ``interview_cost``, ``vacancy_cost``,
        ``pay_premium`` (pay above the middle of the ranges over the horizon),
        ``value_of_hire`` (``SDy * Y * horizon``), ``net_value`` (dollars).
        """
        r = self._r
        frame = {"requisition": np.arange(self.n), **r}
        for key in ("withdrew", "debriefed", "offers"):
            frame[key] = r[key].astype(int)
        return pd.DataFrame(frame)

    def applicants(self) -> pd.DataFrame:
        """One row per applicant who entered a requisition before it closed.

        Columns: ``requisition``, ``arrival_day``, ``days_in_process``,
        ``stage_reached`` (``applied``, a round, ``debrief`` or ``offer``),
        ``outcome`` (one of :data:`OUTCOMES`; ``closed``: still in when the
        requisition closed), ``withdrew``, ``withdraw_day`` (days since applying),
        ``approved``, ``offered``, ``offer_day``, the offer parts (``base_salary``,
        ``bonus``, ``equity_pct``, ``equity_value``, ``sign_on``, ``stipend``,
        ``yearly_value``; NaN without an offer), ``accept_probability``,
        ``accepted``, ``performance`` (SDs), ``prior_salary``,
        ``projected_impact``, ``outside_option``, ``interview_cost``.
        """
        a = self._a
        dollars = [
            np.concatenate(parts)
            for parts in zip(
                *(
                    [x[f.kept] for x in applicant_dollars(self.economics, f.draws)]
                    for f in self.flows
                ),
                strict=True,
            )
        ]
        names = ["applied", *(r.name for r in self.process.rounds), "debrief", "offer"]
        stage = np.where(
            a["offered"],
            len(names) - 1,
            np.where(a["debriefed"], len(names) - 2, a["rounds_held"]),
        )
        frame = {
            "requisition": a["requisition"],
            "arrival_day": a["arrival"],
            "days_in_process": a["exit"] - a["arrival"],
            "stage_reached": _cat(stage, names),
            "outcome": _cat(a["outcome"], OUTCOMES),
            "withdrew": a["outcome"] == WITHDREW,
            "withdraw_day": a["withdraw_day"],
            "approved": a["approved"],
            "offered": a["offered"],
            "offer_day": a["offer_day"],
            **{
                k: a[f"offer_{k}"]
                for k in (
                    "base_salary",
                    "bonus",
                    "equity_pct",
                    "equity_value",
                    "sign_on",
                    "stipend",
                    "yearly_value",
                )
            },
            "accept_probability": a["accept_p"],
            "accepted": a["accepted"],
            "performance": a["performance"],
            "prior_salary": dollars[0],
            "projected_impact": dollars[1],
            "outside_option": dollars[2],
            "interview_cost": a["interview_cost"],
        }
        return pd.DataFrame(frame)

    def funnel(self, days: Sequence[float] | None = None) -> pd.DataFrame:
        """Where applicants are, by days since they applied: still in, or how they left.

        Returns one row per day with the share of applicants ``in process`` and the
        share gone by each outcome (``withdrew``, ``rejected``, ``declined``,
        ``hired``, ``closed``); rows sum to 1. ``attrs["rounds"]`` holds the round
        days and ``attrs["debrief_day"]`` the debrief's.
        """
        a = self._a
        span = a["exit"] - a["arrival"]
        if days is None:
            top = float(np.nanmax(span)) if span.size else 1.0
            days = np.arange(0.0, math.ceil(top) + 1.0)
        grid = np.asarray(days, dtype=float)
        total = max(span.size, 1)
        frame: dict[str, np.ndarray] = {"day": grid}
        order = np.sort(span)
        frame["in process"] = 1.0 - np.searchsorted(order, grid, side="right") / total
        for code, name in enumerate(OUTCOMES):
            gone = np.sort(span[a["outcome"] == code])
            frame[name] = np.searchsorted(gone, grid, side="right") / total
        out = pd.DataFrame(frame)
        out.attrs["rounds"] = {r.name: r.day for r in self.process.rounds}
        out.attrs["debrief_day"] = self.process.debrief.day
        return out

    # ------------------------------------------------------------------ summary
    def summary(self) -> dict[str, float]:
        """Run-level figures (NaN where undefined).

        ``requisitions``; ``fill_rate``; ``time_to_fill_days`` (median over filled
        requisitions); ``applicants_per_requisition``; ``withdrawal_rate`` (share of
        applicants who withdrew); ``mean_withdrawal_day`` (days since applying);
        ``offer_acceptance`` (share of offers accepted); ``offers_per_hire``;
        ``cost_per_hire`` (interviewer time, dollars); ``performance_of_hire`` (mean
        SDs) with ``performance_of_hire_se``; ``value_of_hire``; ``pay_premium``;
        ``net_value_per_requisition`` with its SE; ``net_value_per_hire`` (all net
        value over the number of hires).
        """
        a, r = self._a, self._r
        hires = int(r["filled"].sum())
        offers = int(a["offered"].sum())
        withdrew = a["outcome"] == WITHDREW
        perf = r["performance_of_hire"][r["filled"]]
        net = r["net_value"]
        return {
            "requisitions": self.n,
            "fill_rate": hires / self.n,
            "time_to_fill_days": _median(r["time_to_fill_days"][r["filled"]]),
            "applicants_per_requisition": float(r["applicants"].mean()),
            "withdrawal_rate": _ratio(withdrew.sum(), a["outcome"].size),
            "mean_withdrawal_day": _mean(a["withdraw_day"][withdrew]),
            "closed_in_process_rate": _ratio((a["outcome"] == CLOSED).sum(), a["outcome"].size),
            "offer_acceptance": _ratio(a["accepted"].sum(), offers),
            "offers_per_hire": _ratio(offers, hires),
            "cost_per_hire": _ratio(r["interview_cost"].sum(), hires),
            "performance_of_hire": _mean(perf),
            "performance_of_hire_se": _se(perf),
            "value_of_hire": _mean(r["value_of_hire"][r["filled"]]),
            "pay_premium": _mean(r["pay_premium"][r["filled"]]),
            "net_value_per_requisition": float(net.mean()),
            "net_value_per_requisition_se": _se(net),
            "net_value_per_hire": _ratio(net.sum(), hires),
        }


_COLUMNS = {
    "requisition": lambda f: f.draws.first + f.draws.req,
    "arrival": lambda f: f.draws.arrival,
    "exit": lambda f: f.exit,
    "outcome": lambda f: f.outcome,
    "rounds_held": lambda f: f.rounds_held,
    "debriefed": lambda f: f.debriefed,
    "approved": lambda f: f.draws.approved & f.debriefed,
    "offered": lambda f: f.offered,
    "offer_day": lambda f: f.offer_day,
    "accepted": lambda f: f.accepted,
    "accept_p": lambda f: f.accept_p,
    "withdraw_day": lambda f: f.withdraw_day,
    "performance": lambda f: f.draws.performance,
    "interview_cost": lambda f: f.interview_cost,
}


class _Columns:
    """Per-applicant columns, concatenated over blocks on first use (a summary needs few)."""

    def __init__(self, flows: tuple[Flow, ...]) -> None:
        self._flows = flows
        self._done: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._done:
            if key in _COLUMNS:
                get = _COLUMNS[key]
            else:  # an offer part: offer_base_salary, ...
                get = lambda f: f.offer[key.removeprefix("offer_")]  # noqa: E731
            self._done[key] = np.concatenate([get(f)[f.kept] for f in self._flows])
        return self._done[key]


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else math.nan


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if x.size else math.nan


def _median(x: np.ndarray) -> float:
    return float(np.median(x)) if x.size else math.nan


def _se(x: np.ndarray) -> float:
    return float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan
