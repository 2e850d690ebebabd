"""The economics of a requisition as data: arrivals, withdrawal, the offer, costs and value.

Every part is a frozen dataclass validated at construction; a bad value raises
:class:`sim.SpecError` whose issues carry the field path (``schedule.deadline_days``,
``offer_policy.base_salary_usd.to[1]``). What depends on a process (an hourly cost
for each interviewer, offer parts inside the process's compensation ranges, a
deadline that leaves room for the schedule) is checked by :meth:`Economics.check`.

Units: days, US dollars, dollars per year; quality is true job performance in SDs
of the applicant pool (``sim.Result.performance``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import numpy as np

from ..errors import Issue, SpecError
from ..spec import Process
from ..validation import Checker, check_int

__all__ = [
    "SOURCES",
    "Acceptance",
    "Applicants",
    "Arrivals",
    "Costs",
    "Economics",
    "OfferPart",
    "OfferPolicy",
    "Schedule",
    "Value",
    "Withdrawal",
    "check_count",
]

#: What an offer part can follow (per-applicant dollars).
SOURCES: tuple[str, ...] = ("prior_salary", "projected_impact")


# --------------------------------------------------------------------------- checks
class _Check(Checker):
    """The project's Checker with economics' conventions: NaN for a bad number, ±1e12 bounds."""

    def number(  # type: ignore[override]
        self, path: str, value: Any, low: float | None = None, high: float | None = None,
        *, low_open: bool = False,
    ) -> float:  # fmt: skip
        number = super().number(path, value, low=low, high=high, low_open=low_open, limit=1e12)
        return math.nan if number is None else number

    def pair(self, path: str, value: Any, low: float | None = None) -> tuple[float, float]:
        """Two numbers ``[a, b]`` with ``a <= b``."""
        if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
            self.add(path, "must be a pair [low, high]", value)
            return (math.nan, math.nan)
        a, b = (self.number(f"{path}[{i}]", v, low) for i, v in enumerate(value))
        if a > b:
            self.add(path, "low must not exceed high", list(value))
        return (a, b)

    def flag(self, path: str, value: Any) -> bool:
        if not isinstance(value, bool):
            self.add(path, "must be true or false", value)
        return bool(value)

    def done(self) -> None:
        self.raise_if_any()


#: Whole-number arguments: the project's one integer check.
check_count = check_int


def _set(obj: Any, **values: Any) -> None:
    for key, value in values.items():
        object.__setattr__(obj, key, value)


# --------------------------------------------------------------------------- parts
@dataclass(frozen=True)
class Arrivals:
    """Applicants enter the process as a Poisson stream.

    Parameters
    ----------
    rate_per_day : float
        Applicants entering the first round per day (> 0).
    sourcing_days : float, optional
        Days the posting takes applicants; default: until the deadline.
    """

    rate_per_day: float = 0.4
    sourcing_days: float | None = None

    def __post_init__(self) -> None:
        c = _Check()
        rate = c.number("rate_per_day", self.rate_per_day, 0.0, 1e4, low_open=True)
        days = None
        if self.sourcing_days is not None:
            days = c.number("sourcing_days", self.sourcing_days, 0.0, 1e5, low_open=True)
        c.done()
        _set(self, rate_per_day=rate, sourcing_days=days)


@dataclass(frozen=True)
class Schedule:
    """What happens after the committee's debrief, and when the requisition gives up.

    Parameters
    ----------
    offer_delay_days : float
        Days from an approval (or the previous offer's answer) to the offer.
    response_days : float
        Days a candidate takes to answer an offer.
    deadline_days : float
        Days after opening at which an unfilled requisition closes.
    decision_date_told : bool
        Whether candidates are told when the decision comes after their last round
        (then that wait counts as a booked wait, see :class:`Withdrawal`).
    """

    offer_delay_days: float = 3.0
    response_days: float = 5.0
    deadline_days: float = 120.0
    decision_date_told: bool = False

    def __post_init__(self) -> None:
        c = _Check()
        values = {
            "offer_delay_days": c.number("offer_delay_days", self.offer_delay_days, 0.0, 1e4),
            "response_days": c.number("response_days", self.response_days, 0.0, 1e4),
            "deadline_days": c.number(
                "deadline_days", self.deadline_days, 0.0, 1e5, low_open=True
            ),
            "decision_date_told": c.flag("decision_date_told", self.decision_date_told),
        }
        c.done()
        _set(self, **values)


@dataclass(frozen=True)
class Withdrawal:
    """Withdrawal hazard during a wait: Weibull in the days waited, proportional in quality.

    A candidate who has waited ``w`` days since the last contact withdraws at the rate
    ``h(w) = factor * (shape / scale) * (w / scale) ** (shape - 1) * exp(quality * Y)``,
    so one wait of ``L`` days is survived with probability
    ``exp(-factor * (L / scale) ** shape * exp(quality * Y))``. The factor is
    ``silent_factor`` for a wait without word (before the first round, and after
    the last one until the decision or the offer) and ``booked_factor`` for a wait
    whose next step is booked (between rounds).
    """

    shape: float = 2.16
    scale_days: float = 13.0
    silent_factor: float = 1.0
    booked_factor: float = 0.2
    quality: float = 0.4

    def __post_init__(self) -> None:
        c = _Check()
        values = {
            "shape": c.number("shape", self.shape, 0.05, 20.0),
            "scale_days": c.number("scale_days", self.scale_days, 0.0, 1e5, low_open=True),
            "silent_factor": c.number("silent_factor", self.silent_factor, 0.0, 1e3),
            "booked_factor": c.number("booked_factor", self.booked_factor, 0.0, 1e3),
            "quality": c.number("quality", self.quality, -5.0, 5.0),
        }
        c.done()
        _set(self, **values)

    def survival(self, days: Any, factor: float = 1.0, quality: Any = 0.0) -> Any:
        """Probability of still being in after ``days`` of one wait (array-friendly).

        Examples
        --------
        >>> w = Withdrawal(shape=2.16, scale_days=13.0)
        >>> round(float(w.survival(7.0)), 3), round(float(w.survival(14.0)), 3)
        (0.769, 0.309)
        """

        days = np.asarray(days, dtype=float)
        hazard = factor * (days / self.scale_days) ** self.shape
        return np.exp(-hazard * np.exp(self.quality * np.asarray(quality, dtype=float)))


@dataclass(frozen=True)
class Applicants:
    """What applicants bring besides their interview performance.

    Prior base salary is uniform on ``prior_salary_usd``; demonstrated dollar impact
    is lognormal (median ``impact_median_usd``, log-SD ``impact_log_sd``); the
    outside option (a competing offer's yearly value) is
    ``prior * outside_multiple * exp(outside_quality * Y + outside_log_sd * e)``.
    Each is tied to true performance ``Y`` through a Gaussian copula with the
    given correlation.
    """

    prior_salary_usd: tuple[float, float] = (130_000.0, 170_000.0)
    prior_salary_quality_corr: float = 0.3
    impact_median_usd: float = 2_000_000.0
    impact_log_sd: float = 0.7
    impact_quality_corr: float = 0.5
    outside_multiple: float = 1.45
    outside_quality: float = 0.08
    outside_log_sd: float = 0.10

    def __post_init__(self) -> None:
        c = _Check()
        values = {
            "prior_salary_usd": c.pair("prior_salary_usd", self.prior_salary_usd, 0.0),
            "prior_salary_quality_corr": c.number(
                "prior_salary_quality_corr", self.prior_salary_quality_corr, -1.0, 1.0
            ),
            "impact_median_usd": c.number(
                "impact_median_usd", self.impact_median_usd, 0.0, low_open=True
            ),
            "impact_log_sd": c.number("impact_log_sd", self.impact_log_sd, 0.0, 5.0),
            "impact_quality_corr": c.number(
                "impact_quality_corr", self.impact_quality_corr, -1.0, 1.0
            ),
            "outside_multiple": c.number(
                "outside_multiple", self.outside_multiple, 0.0, 100.0, low_open=True
            ),
            "outside_quality": c.number("outside_quality", self.outside_quality, -2.0, 2.0),
            "outside_log_sd": c.number("outside_log_sd", self.outside_log_sd, 0.0, 5.0),
        }
        c.done()
        _set(self, **values)


@dataclass(frozen=True)
class Acceptance:
    """Offer acceptance: ``logit P = intercept + value_slope * ln(offer/outside) - day_slope * d``.

    ``offer`` and ``outside`` are yearly values (dollars); ``d`` is the days from the
    candidate's application to the offer.
    """

    intercept: float = 1.0
    value_slope: float = 4.0
    day_slope: float = 0.02

    def __post_init__(self) -> None:
        c = _Check()
        values = {
            "intercept": c.number("intercept", self.intercept, -50.0, 50.0),
            "value_slope": c.number("value_slope", self.value_slope, 0.0, 100.0),
            "day_slope": c.number("day_slope", self.day_slope, -10.0, 10.0),
        }
        c.done()
        _set(self, **values)


@dataclass(frozen=True)
class OfferPart:
    """One part of the offer: a constant, or a clipped ramp following an applicant's dollars.

    With ``follows`` set, the part is ``to[0]`` at or below ``from_[0]`` dollars of
    the source, ``to[1]`` at or above ``from_[1]``, linear in between.

    Examples
    --------
    >>> part = OfferPart(follows="projected_impact", from_=(0, 5e6), to=(0.04, 0.07))
    >>> [round(float(v), 3) for v in part.evaluate({"projected_impact": [1e6, 9e6]})]
    [0.046, 0.07]
    """

    value: float | None = None
    follows: str | None = None
    from_: tuple[float, float] | None = None
    to: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        c = _Check()
        values: dict[str, Any] = {}
        if self.follows is None:
            if self.value is None:
                c.add("value", "give a number, or follows/from/to")
            else:
                values["value"] = c.number("value", self.value, 0.0)
            for key in ("from_", "to"):
                if getattr(self, key) is not None:
                    c.add(key.rstrip("_"), "needs follows (what the part ramps with)")
        else:
            if self.follows not in SOURCES:
                c.add("follows", f"must be one of {', '.join(SOURCES)}", self.follows)
            if self.value is not None:
                c.add("value", "give either value or follows, not both", self.value)
            for key in ("from_", "to"):
                if getattr(self, key) is None:
                    c.add(key.rstrip("_"), "is required with follows")
                else:
                    values[key] = c.pair(key.rstrip("_"), getattr(self, key), 0.0)
            if "from_" in values and values["from_"][0] >= values["from_"][1]:
                c.add("from", "must be strictly increasing", list(self.from_ or ()))
        c.done()
        _set(self, **values)

    @property
    def bounds(self) -> tuple[float, float]:
        """Lowest and highest value the part can take."""
        if self.follows is None:
            return (float(self.value), float(self.value))  # type: ignore[arg-type]
        return self.to  # type: ignore[return-value]

    def evaluate(self, sources: Mapping[str, Any]) -> Any:
        """The part for each applicant, shape of the source arrays."""

        if self.follows is None:
            return np.full(np.shape(next(iter(sources.values()))), float(self.value))
        x = np.asarray(sources[self.follows], dtype=float)
        (x0, x1), (y0, y1) = self.from_, self.to  # type: ignore[misc]
        return y0 + (y1 - y0) * np.clip((x - x0) / (x1 - x0), 0.0, 1.0)

    def shifted(self, level: float, cap: float) -> OfferPart:
        """This part moved ``level`` (0..1) of the way from itself to ``cap`` (the top)."""
        if self.follows is None:
            return OfferPart(value=self.value + level * (cap - self.value))  # type: ignore[operator]
        lo, hi = self.to  # type: ignore[misc]
        return OfferPart(
            follows=self.follows,
            from_=self.from_,
            to=(lo + level * (cap - lo), hi + level * (cap - hi)),
        )


#: Offer parts, by the key of the process's ``compensation`` range each must respect.
OFFER_PARTS: tuple[str, ...] = (
    "base_salary_usd",
    "bonus_pct_of_base",
    "equity_pct",
    "sign_on_usd",
)


@dataclass(frozen=True)
class OfferPolicy:
    """How each part of the offer follows an applicant's prior salary and projected impact.

    ``equity_grant_value_usd`` is what the user believes the whole grant is worth
    (dollars over the vesting years) at the bottom and top of the process's equity
    range; the value is linear in the equity share in between.
    """

    base_salary_usd: OfferPart
    bonus_pct_of_base: OfferPart
    equity_pct: OfferPart
    sign_on_usd: OfferPart
    development_stipend_usd_per_year: float = 5000.0
    equity_grant_value_usd: tuple[float, float] = (100_000.0, 200_000.0)
    equity_vesting_years: float = 4.0

    def __post_init__(self) -> None:
        c = _Check()
        for key in OFFER_PARTS:
            if not isinstance(getattr(self, key), OfferPart):
                c.add(key, "must be an OfferPart", type(getattr(self, key)).__name__)
        values = {
            "development_stipend_usd_per_year": c.number(
                "development_stipend_usd_per_year", self.development_stipend_usd_per_year, 0.0
            ),
            "equity_grant_value_usd": c.pair(
                "equity_grant_value_usd", self.equity_grant_value_usd, 0.0
            ),
            "equity_vesting_years": c.number(
                "equity_vesting_years", self.equity_vesting_years, 0.0, 100.0, low_open=True
            ),
        }
        c.done()
        _set(self, **values)


@dataclass(frozen=True)
class Costs:
    """What running the process costs.

    Parameters
    ----------
    hourly_usd : mapping of str to float
        Loaded hourly cost per interviewer name; ``default`` covers the others.
    extra_minutes_per_interview : float
        Preparation and write-up per interviewer and round.
    vacancy_usd_per_day : float
        What each day without the hire costs (until filled, or the deadline).
    """

    hourly_usd: Mapping[str, float] = field(default_factory=lambda: {"default": 100.0})
    extra_minutes_per_interview: float = 15.0
    vacancy_usd_per_day: float = 0.0

    def __post_init__(self) -> None:
        c = _Check()
        hourly: dict[str, float] = {}
        if not isinstance(self.hourly_usd, Mapping) or not self.hourly_usd:
            c.add(
                "hourly_usd", "must be a mapping of interviewer: dollars per hour", self.hourly_usd
            )
        else:
            for name, cost in self.hourly_usd.items():
                hourly[str(name)] = c.number(f"hourly_usd.{name}", cost, 0.0)
        extra = c.number("extra_minutes_per_interview", self.extra_minutes_per_interview, 0.0)
        vacancy = c.number("vacancy_usd_per_day", self.vacancy_usd_per_day, 0.0)
        c.done()
        _set(
            self,
            hourly_usd=MappingProxyType(hourly),
            extra_minutes_per_interview=extra,
            vacancy_usd_per_day=vacancy,
        )

    def hourly(self, name: str) -> float:
        """Hourly cost of interviewer ``name`` (dollars)."""
        return float(self.hourly_usd.get(name, self.hourly_usd.get("default", math.nan)))


@dataclass(frozen=True)
class Value:
    """What a hire is worth: ``SDy * Y`` dollars a year (the process's truth) over a horizon."""

    horizon_years: float = 3.0
    requisitions_per_year: float = 10.0

    def __post_init__(self) -> None:
        c = _Check()
        horizon = c.number("horizon_years", self.horizon_years, 0.0, 100.0)
        per_year = c.number("requisitions_per_year", self.requisitions_per_year, 0.0, 1e6)
        c.done()
        _set(self, horizon_years=horizon, requisitions_per_year=per_year)


_PARTS: dict[str, type] = {
    "arrivals": Arrivals,
    "schedule": Schedule,
    "withdrawal": Withdrawal,
    "applicants": Applicants,
    "acceptance": Acceptance,
    "offer_policy": OfferPolicy,
    "costs": Costs,
    "value": Value,
}


@dataclass(frozen=True)
class Economics:
    """Everything a requisition simulation needs beyond the process itself."""

    offer_policy: OfferPolicy
    arrivals: Arrivals = field(default_factory=Arrivals)
    schedule: Schedule = field(default_factory=Schedule)
    withdrawal: Withdrawal = field(default_factory=Withdrawal)
    applicants: Applicants = field(default_factory=Applicants)
    acceptance: Acceptance = field(default_factory=Acceptance)
    costs: Costs = field(default_factory=Costs)
    value: Value = field(default_factory=Value)
    process: str = ""

    def __post_init__(self) -> None:
        c = _Check()
        for key, kind in _PARTS.items():
            if not isinstance(getattr(self, key), kind):
                c.add(key, f"must be a {kind.__name__}", type(getattr(self, key)).__name__)
        c.done()

    def check(self, process: Process) -> None:
        """Raise :class:`SpecError` unless this economics fits ``process``.

        Checks that every interviewer has an hourly cost, that every offer part
        stays inside the process's ``compensation`` range, and that the deadline
        leaves room for the schedule (last round or debrief, offer, answer).
        """
        issues = [i.prefixed("costs") for i in _cost_issues(self.costs, process)]
        issues += [i.prefixed("offer_policy") for i in _offer_issues(self.offer_policy, process)]
        s = self.schedule
        last = max([r.day for r in process.rounds] + [process.debrief.day or 0.0])
        need = last + s.offer_delay_days + s.response_days
        if s.deadline_days < need:
            issues.append(
                Issue(
                    "schedule.deadline_days",
                    f"leaves no time to fill: the schedule needs {need:g} days "
                    f"(day {last:g} of process {process.name!r}, offer, answer)",
                    s.deadline_days,
                )
            )
        if issues:
            raise SpecError([i.prefixed("economics") for i in issues])


def _cost_issues(costs: Costs, process: Process) -> list[Issue]:
    issues = []
    for name in costs.hourly_usd:
        if name != "default" and name not in process.interviewer_names:
            issues.append(Issue(f"hourly_usd.{name}", "unknown interviewer", name))
    if "default" not in costs.hourly_usd:
        missing = [n for n in process.interviewer_names if n not in costs.hourly_usd]
        if missing:
            issues.append(
                Issue("hourly_usd", f"gives no cost for {', '.join(missing)} (or a default)")
            )
    return issues


def _offer_issues(policy: OfferPolicy, process: Process) -> list[Issue]:
    """Offer parts inside the process's compensation ranges (points named by path)."""
    issues = []
    ranges = process.compensation or {}
    for key in OFFER_PARTS:
        part: OfferPart = getattr(policy, key)
        allowed = ranges.get(key)
        if not (isinstance(allowed, Sequence) and len(allowed) == 2):
            continue
        low, high = float(allowed[0]), float(allowed[1])
        points = [("value", part.value)] if part.follows is None else list(
            zip(("to[0]", "to[1]"), part.to or (), strict=False)
        )  # fmt: skip
        for where, value in points:
            if not low <= float(value) <= high:
                issues.append(
                    Issue(
                        f"{key}.{where}",
                        f"is outside the {key} range [{low:g}, {high:g}] of process "
                        f"{process.name!r}",
                        value,
                    )
                )
    stipend = ranges.get("development_stipend_usd_per_year")
    if isinstance(stipend, int | float) and policy.development_stipend_usd_per_year > stipend:
        issues.append(
            Issue(
                "development_stipend_usd_per_year",
                f"exceeds the process's stipend ({stipend:g})",
                policy.development_stipend_usd_per_year,
            )
        )
    return issues


def field_names(cls: type) -> tuple[str, ...]:
    """Names of a spec dataclass's fields (the keys its YAML mapping may hold)."""
    return tuple(f.name for f in fields(cls))
