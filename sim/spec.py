"""Frozen process specifications, validated once at construction.

Units: everything a person says about a candidate (profile levels, gate cuts,
the debrief threshold, hold band, label and recommendation cut points) is in
*points* of the process's rating scale (1-10 by default). Parameters of the
noise model (leniency, occasion-noise SD, halo, framing effects, pool means and
SDs, truth weights) are on the latent *z*-scale, in SDs of the applicant pool.

Change a spec by making a modified copy with :func:`dataclasses.replace`; the
copy is validated again.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import Issue, SpecError

if TYPE_CHECKING:
    from .model import LinearModel

__all__ = [
    "PROTOCOLS",
    "RULES",
    "SPEAKING_ORDERS",
    "TIE_RULES",
    "Competency",
    "Debrief",
    "Interviewer",
    "Pool",
    "Process",
    "Profile",
    "Round",
    "Scale",
    "Truth",
]

#: Bound on parameters in SDs of the pool: beyond it nothing is meaningful (and sums overflow).
_Z_LIMIT = 10.0

#: Decision rules the debrief understands (see :mod:`sim.debrief` for each one).
RULES: tuple[str, ...] = (
    "weighted_mean",
    "median",
    "trimmed_mean",
    "majority",
    "consensus",
    "veto",
    "discretion",
    "public_vote",
)
#: Speaking orders by name; an explicit list of interviewer names is also accepted.
SPEAKING_ORDERS: tuple[str, ...] = ("seniority", "reverse_seniority", "listed", "random")
#: Debrief protocols: views stated aloud in turn, or independent written views first.
PROTOCOLS: tuple[str, ...] = ("spoken", "written_first")
#: What a public voter does when their signal exactly offsets the votes so far.
TIE_RULES: tuple[str, ...] = ("coin", "own_signal")


# --------------------------------------------------------------------------- checks
class _Checker:
    """Collects every issue of one object instead of stopping at the first."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, path: str, message: str, value: Any = None, *, show: bool = True) -> None:
        self.issues.append(Issue(path, message, value) if show else Issue(path, message))

    def number(
        self,
        path: str,
        value: Any,
        *,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
        integer: bool = False,
        limit: float = 1e6,
    ) -> float | None:
        """Return ``value`` as a float if it is a finite number within bounds, else record."""
        if isinstance(value, bool) or not isinstance(
            value, int | float | np.integer | np.floating
        ):
            self.add(path, "must be a number", value)
            return None
        try:
            number = float(value)
        except OverflowError:
            self.add(path, "must be a finite number", value)
            return None
        if math.isnan(number) or math.isinf(number):
            self.add(path, "must be a finite number", value)
            return None
        if abs(number) > limit:
            self.add(path, f"must be within [-{limit:g}, {limit:g}]", value)
            return None
        if integer and not number.is_integer():
            self.add(path, "must be a whole number", value)
            return None
        if low is not None and (number <= low if low_open else number < low):
            self.add(path, f"must be {'>' if low_open else '>='} {low:g}", value)
            return None
        if high is not None and number > high:
            self.add(path, f"must be <= {high:g}", value)
            return None
        return number

    def name(self, path: str, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, "must be a non-empty string", value)
            return None
        return value

    def names(self, path: str, value: Any, *, allow_empty: bool = False) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.add(path, "must be a list of names", value)
            return ()
        if not value and not allow_empty:
            self.add(path, "must not be empty", list(value))
        out: list[str] = []
        for i, item in enumerate(value):
            name = self.name(f"{path}[{i}]", item)
            if name is None:
                continue
            if name in out:
                self.add(f"{path}.{name}", "is listed twice", name)
            out.append(name)
        return tuple(out)

    def increasing(self, path: str, value: Any, length: int | None = None) -> tuple[float, ...]:
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.add(path, "must be a list of numbers", value)
            return ()
        numbers = [self.number(f"{path}[{i}]", v) for i, v in enumerate(value)]
        if any(n is None for n in numbers):
            return ()
        cuts = tuple(float(n) for n in numbers if n is not None)
        if length is not None and len(cuts) != length:
            self.add(path, f"must hold {length} cut point{'s' * (length != 1)}", list(value))
        elif any(b <= a for a, b in itertools.pairwise(cuts)):
            self.add(path, "cut points must be strictly increasing", list(value))
        return cuts

    def weights(self, path: str, value: Any, *, require_positive: bool = True) -> dict[str, float]:
        if not isinstance(value, Mapping):
            self.add(path, "must be a mapping of name: weight", value)
            return {}
        out: dict[str, float] = {}
        for key, weight in value.items():
            number = self.number(f"{path}.{key}", weight, low=0.0)
            if number is not None:
                out[str(key)] = number
        if require_positive and value and out and not any(w > 0 for w in out.values()):
            self.add(path, "weights must not all be zero", dict(value))
        return out

    def raise_if_any(self) -> None:
        if self.issues:
            raise SpecError(self.issues)


def _set(obj: Any, **values: Any) -> None:
    for key, value in values.items():
        object.__setattr__(obj, key, value)


def _frozen_map(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


# --------------------------------------------------------------------------- scale
@dataclass(frozen=True)
class Scale:
    """The rating scale: latent z-scores become points, verbal labels and recommendations.

    ``points = center + points_per_sd * z``; a score is ``points`` rounded and
    clipped to ``[min, max]``. Label and recommendation cut points are in points:
    a value at or above ``label_cuts[i]`` earns ``labels[i + 1]``.

    Examples
    --------
    >>> scale = Scale()
    >>> scale.to_points(1.0), scale.to_z(8.5)
    (7.0, 2.0)
    >>> scale.label(7.2), scale.recommendation(5.0)
    ('strong', 'No')
    """

    min: float = 1.0
    max: float = 10.0
    center: float = 5.5
    points_per_sd: float = 1.5
    labels: tuple[str, ...] = ("weak", "mixed", "strong", "exceptional")
    label_cuts: tuple[float, ...] = (4.5, 6.5, 8.5)
    recommendations: tuple[str, ...] = ("Strong No", "No", "Yes", "Strong Yes")
    recommendation_cuts: tuple[float, ...] = (4.0, 5.5, 7.0)

    def __post_init__(self) -> None:
        c = _Checker()
        low = c.number("min", self.min)
        high = c.number("max", self.max)
        center = c.number("center", self.center)
        per_sd = c.number("points_per_sd", self.points_per_sd, low=0.0, low_open=True)
        if low is not None and high is not None and high <= low:
            c.add("max", f"must be greater than min ({low:g})", self.max)
        elif None not in (center, low, high) and not low < center < high:
            bounds = f"({low:g}, {high:g})"
            c.add("center", f"must lie strictly between min and max {bounds}", center)
        before = len(c.issues)
        labels = c.names("labels", self.labels)
        labels_ok = len(c.issues) == before
        recs = c.names("recommendations", self.recommendations)
        recs_ok = len(c.issues) == before
        if labels_ok and len(labels) < 2:
            c.add("labels", "needs at least two labels", self.labels)
        if recs_ok and (len(recs) < 2 or len(recs) % 2):
            c.add("recommendations", "needs an even number (>= 2): half no, half yes", list(recs))
        # Cut counts follow the names; when a name is bad, only check the cuts' order.
        label_cuts = c.increasing(
            "label_cuts", self.label_cuts, len(labels) - 1 if labels_ok else None
        )
        rec_cuts = c.increasing(
            "recommendation_cuts", self.recommendation_cuts, len(recs) - 1 if recs_ok else None
        )
        c.raise_if_any()
        _set(
            self,
            min=low,
            max=high,
            center=center,
            points_per_sd=per_sd,
            labels=labels,
            recommendations=recs,
            label_cuts=label_cuts,
            recommendation_cuts=rec_cuts,
        )

    def to_z(self, points: Any) -> Any:
        """Convert points of this scale to the latent z-scale."""
        z = (np.asarray(points, dtype=float) - self.center) / self.points_per_sd
        return float(z) if np.ndim(z) == 0 else z

    def to_points(self, z: Any) -> Any:
        """Convert latent z-scores to (continuous, unclipped) points."""
        points = self.center + self.points_per_sd * np.asarray(z, dtype=float)
        return float(points) if np.ndim(points) == 0 else points

    def score(self, points: Any) -> Any:
        """Round points to whole scores clipped to ``[min, max]``."""
        return np.clip(np.rint(points), self.min, self.max)

    def label(self, points: float) -> str:
        """Verbal judgment for a score in points, with the scale's default cut points."""
        return self.labels[int(np.searchsorted(self.label_cuts, points, side="right"))]

    def recommendation(self, points: float) -> str:
        """Overall recommendation for a score in points, with the default cut points."""
        idx = int(np.searchsorted(self.recommendation_cuts, points, side="right"))
        return self.recommendations[idx]

    @property
    def yes_cut(self) -> float:
        """Points at which a recommendation turns from a "no" to a "yes"."""
        return self.recommendation_cuts[len(self.recommendations) // 2 - 1]


# --------------------------------------------------------------------------- parts
@dataclass(frozen=True)
class Competency:
    """A competency the process assesses.

    Parameters
    ----------
    name : str
        Identifier used in rounds, weights and profiles.
    title : str
        Human-readable title, e.g. ``"Strategic alignment"``.
    framing_effect : float
        Shift of the perceived score (z) per unit of candidate framing ``phi``
        in [-1, 1]: positive when dollar-impact framing raises this score.
    """

    name: str
    title: str = ""
    framing_effect: float = 0.0
    description: str = ""

    def __post_init__(self) -> None:
        c = _Checker()
        c.name("name", self.name)
        effect = c.number("framing_effect", self.framing_effect, limit=_Z_LIMIT)
        c.raise_if_any()
        _set(self, framing_effect=effect, title=self.title or self.name.replace("_", " ").title())


@dataclass(frozen=True)
class Interviewer:
    """An interviewer and their rating habits.

    Parameters
    ----------
    leniency : float
        Additive offset (z) on every score they give: level noise.
    noise_sd : float
        Occasion-noise SD (z) of one rating after ``Process.evidence_minutes`` of
        evidence on a competency; it shrinks with the square root of the time.
    halo : float
        Weight of their overall impression of the candidate in every score.
    framing_sensitivity : float
        Multiplier on each competency's framing effect.
    label_cuts, recommendation_cuts : tuple of float, optional
        Their own cut points (points); ``None`` means the scale's.
    seniority : float
        Seniority level (>= 0, e.g. years or grade): orders who speaks first at
        the debrief and, with ``Debrief.senior_pull``, how much others follow them.
    """

    name: str
    role: str = ""
    leniency: float = 0.0
    noise_sd: float = 0.7
    halo: float = 0.0
    framing_sensitivity: float = 1.0
    label_cuts: tuple[float, ...] | None = None
    recommendation_cuts: tuple[float, ...] | None = None
    seniority: float = 0.0

    def __post_init__(self) -> None:
        c = _Checker()
        c.name("name", self.name)
        values = {
            "leniency": c.number("leniency", self.leniency, limit=_Z_LIMIT),
            "noise_sd": c.number("noise_sd", self.noise_sd, low=0.0, limit=_Z_LIMIT),
            "halo": c.number("halo", self.halo, low=0.0, limit=_Z_LIMIT),
            "framing_sensitivity": c.number(
                "framing_sensitivity", self.framing_sensitivity, limit=_Z_LIMIT
            ),
            "seniority": c.number("seniority", self.seniority, low=0.0),
        }
        for key in ("label_cuts", "recommendation_cuts"):
            if getattr(self, key) is not None:
                values[key] = c.increasing(key, getattr(self, key))
        c.raise_if_any()
        _set(self, role=self.role or self.name.replace("_", " ").title(), **values)


@dataclass(frozen=True)
class Round:
    """One interview round.

    Parameters
    ----------
    minutes : float
        Duration; evidence per competency is ``minutes / len(competencies)``.
    day : float
        Day within the process window on which the round happens.
    gate : float, optional
        Cut (points) on the mean of the round's scores: candidates below it
        leave the funnel after this round.
    """

    name: str
    minutes: float
    day: float
    competencies: tuple[str, ...]
    interviewers: tuple[str, ...]
    title: str = ""
    gate: float | None = None

    def __post_init__(self) -> None:
        c = _Checker()
        c.name("name", self.name)
        values = {
            "minutes": c.number("minutes", self.minutes, low=0.0, low_open=True),
            "day": c.number("day", self.day, low=0.0),
            "competencies": c.names("competencies", self.competencies),
            "interviewers": c.names("interviewers", self.interviewers),
        }
        if self.gate is not None:
            values["gate"] = c.number("gate", self.gate)
        c.raise_if_any()
        _set(self, title=self.title or self.name.replace("_", " ").title(), **values)


@dataclass(frozen=True)
class Debrief:
    """How the committee turns ratings into a decision.

    The committee's view of a competency is the interviewer-weighted mean of the
    scores it received; the aggregate is the competency-weighted mean of those
    views (points). Hire when ``aggregate >= threshold + hold_band``, No Hire when
    ``aggregate <= threshold - hold_band``, Hold in between; a "no" recommendation
    from a veto holder turns any outcome into No Hire. Other rules and the
    dynamics of the spoken debrief are described in :mod:`sim.debrief`.

    Parameters
    ----------
    rule : str
        One of :data:`RULES`.
    trim : float
        ``trimmed_mean``: share of the judgments' weight cut from each tail, [0, 0.5).
    hiring_manager : str, optional
        ``discretion``: the interviewer whose own view the manager mixes in.
    manager_noise, manager_bias : float
        ``discretion``: SD and shift (points) of the manager's reading of the aggregate.
    manager_self_weight : float
        ``discretion``: weight in [0, 1] of the manager's own stated view (needs
        ``hiring_manager``).
    speaking_order : str or tuple of str
        One of :data:`SPEAKING_ORDERS` (``"seniority"``: most senior first) or
        every speaking interviewer's name in order.
    anchoring : float
        ``alpha`` in [0, 1]: each stated judgment moves this share of the way
        toward the judgments already spoken.
    senior_pull : float
        >= 0: an earlier speaker's view counts ``1 + senior_pull * seniority`` times
        in the anchor.
    protocol : str
        ``"spoken"`` or ``"written_first"`` (independent written views first:
        no anchoring, and public votes become independent written votes).
    peeking : float
        Share in [0, 1] by which each scorecard moves toward the scorecards of
        earlier rounds before it is submitted.
    tie_rule : str
        ``public_vote``: one of :data:`TIE_RULES`.
    """

    threshold: float
    competency_weights: Mapping[str, float]
    interviewer_weights: Mapping[str, float] = field(default_factory=dict)
    rule: str = "weighted_mean"
    hold_band: float = 0.0
    veto: tuple[str, ...] = ()
    minutes: float = 90.0
    day: float | None = None
    trim: float = 0.2
    hiring_manager: str | None = None
    manager_noise: float = 0.5
    manager_bias: float = 0.0
    manager_self_weight: float = 0.0
    speaking_order: str | tuple[str, ...] = "seniority"
    anchoring: float = 0.0
    senior_pull: float = 0.0
    protocol: str = "spoken"
    peeking: float = 0.0
    tie_rule: str = "coin"

    def __post_init__(self) -> None:
        c = _Checker()
        values: dict[str, Any] = {
            "threshold": c.number("threshold", self.threshold),
            "hold_band": c.number("hold_band", self.hold_band, low=0.0),
            "minutes": c.number("minutes", self.minutes, low=0.0, low_open=True),
            "trim": c.number("trim", self.trim, low=0.0),
            "manager_noise": c.number("manager_noise", self.manager_noise, low=0.0),
            "manager_bias": c.number("manager_bias", self.manager_bias),
            "manager_self_weight": c.number(
                "manager_self_weight", self.manager_self_weight, low=0.0, high=1.0
            ),
            "anchoring": c.number("anchoring", self.anchoring, low=0.0, high=1.0),
            "senior_pull": c.number("senior_pull", self.senior_pull, low=0.0),
            "peeking": c.number("peeking", self.peeking, low=0.0, high=1.0),
            "competency_weights": _frozen_map(
                c.weights("competency_weights", self.competency_weights)
            ),
            "interviewer_weights": _frozen_map(
                c.weights("interviewer_weights", self.interviewer_weights)
            ),
            "veto": c.names("veto", self.veto, allow_empty=True),
        }
        if not self.competency_weights and isinstance(self.competency_weights, Mapping):
            c.add("competency_weights", "must give at least one weight", {})
        if self.rule not in RULES:
            c.add("rule", f"must be one of {', '.join(RULES)}", self.rule)
        if values["trim"] is not None and values["trim"] >= 0.5:
            c.add("trim", "must be < 0.5 (the share cut from each tail)", self.trim)
        if self.hiring_manager is not None:
            c.name("hiring_manager", self.hiring_manager)
        if isinstance(self.speaking_order, str):
            if self.speaking_order not in SPEAKING_ORDERS:
                names = ", ".join(SPEAKING_ORDERS)
                c.add(
                    "speaking_order",
                    f"must be one of {names} or a list of names",
                    self.speaking_order,
                )
        else:
            values["speaking_order"] = c.names("speaking_order", self.speaking_order)
        for key, allowed in (("protocol", PROTOCOLS), ("tie_rule", TIE_RULES)):
            if getattr(self, key) not in allowed:
                c.add(key, f"must be one of {', '.join(allowed)}", getattr(self, key))
        if self.rule == "veto" and not self.veto:
            c.add("veto", "rule 'veto' needs at least one veto holder", [])
        if self.manager_self_weight and self.hiring_manager is None:
            c.add(
                "manager_self_weight",
                "needs hiring_manager (whose own view is mixed in)",
                self.manager_self_weight,
            )
        if self.day is not None:
            values["day"] = c.number("day", self.day, low=0.0)
        c.raise_if_any()
        _set(self, **values)


@dataclass(frozen=True)
class Pool:
    """Applicant pool: ``theta ~ N(mean, diag(sd) R diag(sd))`` and framing.

    Framing ``phi`` is drawn from ``N(framing_mean, framing_sd**2)`` clipped to
    [-1, 1]. Arrays follow the order of ``competencies``.
    """

    competencies: tuple[str, ...]
    mean: tuple[float, ...]
    sd: tuple[float, ...]
    correlation: tuple[tuple[float, ...], ...]
    framing_mean: float = 0.0
    framing_sd: float = 0.5

    def __post_init__(self) -> None:
        c = _Checker()
        names = c.names("competencies", self.competencies)
        k = len(names)
        mean = self._vector(c, "mean", self.mean, k, low=None)
        sd = self._vector(c, "sd", self.sd, k, low=0.0)
        corr = self._correlation(c, names)
        fmean = c.number("framing_mean", self.framing_mean, low=-1.0, high=1.0)
        fsd = c.number("framing_sd", self.framing_sd, low=0.0)
        c.raise_if_any()
        _set(
            self,
            competencies=names,
            mean=mean,
            sd=sd,
            correlation=corr,
            framing_mean=fmean,
            framing_sd=fsd,
        )

    @staticmethod
    def _vector(c: _Checker, path: str, value: Any, k: int, low: float | None) -> tuple:
        if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != k:
            c.add(path, f"must be a list of {k} numbers (one per competency)", value)
            return ()
        numbers = [
            c.number(f"{path}[{i}]", v, low=low, limit=_Z_LIMIT) for i, v in enumerate(value)
        ]
        return tuple(float(n) for n in numbers if n is not None)

    def _correlation(self, c: _Checker, names: tuple[str, ...]) -> tuple:
        k = len(names)
        try:
            matrix = np.array(self.correlation, dtype=float)
        except (TypeError, ValueError):
            c.add("correlation", "must be a square matrix of numbers", self.correlation)
            return ()
        if matrix.shape != (k, k):
            c.add("correlation", f"must be a {k}x{k} matrix", f"shape {matrix.shape}")
            return ()
        bad = ~np.isfinite(matrix)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            c.add(f"correlation.{names[i]}.{names[j]}", "must be a finite number", matrix[i, j])
            return ()
        for i, j in np.argwhere((np.abs(matrix) > 1) | (matrix != matrix.T)):
            if i <= j:
                c.add(
                    f"correlation.{names[i]}.{names[j]}",
                    "must be in [-1, 1] and symmetric",
                    float(matrix[i, j]),
                )
        for i in np.flatnonzero(np.diag(matrix) != 1.0):
            c.add(f"correlation.{names[i]}.{names[i]}", "diagonal must be 1", matrix[i, i])
        if not c.issues:
            smallest = float(np.linalg.eigvalsh(matrix).min())
            if smallest < -1e-10:
                c.add(
                    "correlation",
                    "is not positive semi-definite "
                    f"(smallest eigenvalue {smallest:.4g}); lower some correlations",
                    show=False,
                )
        return tuple(tuple(float(x) for x in row) for row in matrix)

    @cached_property
    def covariance(self) -> np.ndarray:
        """Covariance matrix of the competencies, shape (K, K), z units squared."""
        sd = np.asarray(self.sd)
        return np.asarray(self.correlation) * np.outer(sd, sd)


@dataclass(frozen=True)
class Truth:
    """The truth model: ``Y`` is job performance, standardised in the applicant pool.

    ``Y = (v . (theta - pool_mean) + eps) / sqrt(v' Sigma v + noise_sd**2)`` with
    ``eps ~ N(0, noise_sd**2)``; a hire succeeds when ``Y > performance_bar``; a
    hire is worth ``sd_y_dollars * Y`` dollars a year relative to an average hire.
    """

    weights: Mapping[str, float]
    noise_sd: float
    performance_bar: float = 0.0
    sd_y_dollars: float = 0.0

    def __post_init__(self) -> None:
        c = _Checker()
        values = {
            "weights": _frozen_map(c.weights("weights", self.weights)),
            "noise_sd": c.number("noise_sd", self.noise_sd, low=0.0, limit=_Z_LIMIT),
            "performance_bar": c.number("performance_bar", self.performance_bar, limit=_Z_LIMIT),
            "sd_y_dollars": c.number("sd_y_dollars", self.sd_y_dollars, low=0.0, limit=1e12),
        }
        if isinstance(self.weights, Mapping) and not self.weights:
            c.add("weights", "must give at least one weight", {})
        c.raise_if_any()
        _set(self, **values)


# --------------------------------------------------------------------------- process
@dataclass(frozen=True, eq=False)
class Process:
    """A complete hiring process: the frozen spec the engine simulates.

    Build one with :func:`sim.load_process` from YAML, or directly; either way
    every field and every cross-reference is validated here, once.
    """

    name: str
    competencies: tuple[Competency, ...]
    interviewers: tuple[Interviewer, ...]
    rounds: tuple[Round, ...]
    debrief: Debrief
    pool: Pool
    truth: Truth
    title: str = ""
    window_days: float = 45.0
    scale: Scale = field(default_factory=Scale)
    evidence_minutes: float = 15.0
    compensation: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        c = _Checker()
        c.name("name", self.name)
        _check_parts(c, self)
        c.raise_if_any()
        window = c.number("window_days", self.window_days, low=0.0, low_open=True)
        evidence = c.number("evidence_minutes", self.evidence_minutes, low=0.0, low_open=True)
        c.issues.extend(
            cross_check(
                competencies=self.competencies,
                interviewers=self.interviewers,
                rounds=self.rounds,
                debrief=self.debrief,
                pool=self.pool,
                truth=self.truth,
                window_days=window,
                scale=self.scale,
            )
        )
        c.raise_if_any()
        _set(
            self,
            competencies=tuple(self.competencies),
            interviewers=tuple(self.interviewers),
            rounds=tuple(self.rounds),
            window_days=window,
            evidence_minutes=evidence,
            compensation=_frozen_map(self.compensation or {}),
            title=self.title or self.name,
        )

    @property
    def competency_names(self) -> tuple[str, ...]:
        """Competency names in model order (K,)."""
        return tuple(comp.name for comp in self.competencies)

    @property
    def interviewer_names(self) -> tuple[str, ...]:
        """Interviewer names in spec order."""
        return tuple(person.name for person in self.interviewers)

    def competency(self, name: str) -> Competency:
        """Look a competency up by name."""
        return self.competencies[self.competency_names.index(name)]

    def interviewer(self, name: str) -> Interviewer:
        """Look an interviewer up by name."""
        return self.interviewers[self.interviewer_names.index(name)]

    @cached_property
    def model(self) -> LinearModel:
        """The compiled linear model (matrices) the engine and closed forms use."""
        from .model import LinearModel

        return LinearModel.build(self)


def cross_check(
    *,
    competencies: Iterable[Competency] | None,
    interviewers: Iterable[Interviewer] | None,
    rounds: Sequence[Round | None] | None,
    debrief: Debrief | None,
    pool: Pool | None,
    truth: Truth | None,
    window_days: float | None,
    scale: Scale | None = None,
) -> list[Issue]:
    """Cross-reference checks of a process; parts given as ``None`` are skipped.

    The YAML loader calls this with the parts that were valid on their own, so
    one run reports every error in a file.
    """
    c = _Checker()
    comp_names = _unique_names(c, "competencies", competencies)
    people = _unique_names(c, "interviewers", interviewers)
    assessed: set[str] = set()
    if rounds is not None:
        if not rounds:
            c.add("rounds", "must hold at least one round", [])
        for i, rnd in enumerate(rounds):
            if rnd is None:
                continue
            if comp_names is not None:
                for name in rnd.competencies:
                    if name not in comp_names:
                        c.add(f"rounds[{i}].competencies.{name}", "unknown competency", name)
            if people is not None:
                for name in rnd.interviewers:
                    if name not in people:
                        c.add(f"rounds[{i}].interviewers.{name}", "unknown interviewer", name)
            if window_days is not None and rnd.day > window_days:
                c.add(
                    f"rounds[{i}].day",
                    f"is outside the {window_days:g}-day process window",
                    rnd.day,
                )
            assessed.update(rnd.competencies)
        names = [r.name for r in rounds if r is not None]
        for dup in sorted({n for n in names if names.count(n) > 1}):
            c.add(f"rounds.{dup}", "round name is used twice", dup)
    if debrief is not None:
        if comp_names is not None:
            for name, weight in debrief.competency_weights.items():
                if name not in comp_names:
                    c.add(f"debrief.competency_weights.{name}", "unknown competency", name)
                elif rounds is not None and weight > 0 and name not in assessed:
                    c.add(
                        f"debrief.competency_weights.{name}",
                        "has weight but no round assesses it",
                        weight,
                    )
        if people is not None:
            for name in debrief.interviewer_weights:
                if name not in people:
                    c.add(f"debrief.interviewer_weights.{name}", "unknown interviewer", name)
            rated = {n for rnd in rounds or () if rnd is not None for n in rnd.interviewers}
            complete = rounds is not None and all(r is not None for r in rounds)
            for name in debrief.veto:
                if name not in people:
                    c.add(f"debrief.veto.{name}", "unknown interviewer", name)
                elif complete and name not in rated:
                    c.add(f"debrief.veto.{name}", "rated nothing, so cannot veto", name)
                elif complete and not any(
                    debrief.competency_weights.get(comp, 0.0) > 0
                    for rnd in rounds or ()
                    if rnd is not None and name in rnd.interviewers
                    for comp in rnd.competencies
                ):
                    c.add(
                        f"debrief.veto.{name}",
                        "rates only competencies the debrief weighs 0, "
                        "so has no recommendation to veto with",
                        name,
                    )
            _check_speakers(c, debrief, people, rounds)
        if window_days is not None and debrief.day is not None and debrief.day > window_days:
            c.add("debrief.day", f"is outside the {window_days:g}-day process window", debrief.day)
        if rounds is not None and all(r is not None for r in rounds):
            debriefed = {
                comp
                for rnd in rounds
                if rnd is not None
                for comp in rnd.competencies
                if debrief.competency_weights.get(comp, 0.0) > 0
            }
            if not debriefed and debrief.competency_weights:
                c.add("debrief.competency_weights", "no weighted competency is assessed")
    if pool is not None and comp_names is not None and pool.competencies != tuple(comp_names):
        c.add(
            "pool.competencies", "must list the process competencies in order", pool.competencies
        )
    if truth is not None and comp_names is not None:
        for name in truth.weights:
            if name not in comp_names:
                c.add(f"truth.weights.{name}", "unknown competency", name)
    _check_timeline(c, rounds, debrief)
    if scale is not None:
        _check_on_scale(c, scale, interviewers, rounds, debrief)
    return c.issues


def _check_timeline(c: _Checker, rounds: Sequence[Round | None] | None, debrief: Any) -> None:
    """Rounds happen in funnel order (gates apply in list order); the debrief comes last."""
    days = [(i, r.day) for i, r in enumerate(rounds or ()) if r is not None]
    for (_, before), (i, day) in itertools.pairwise(days):
        if day < before:
            c.add(f"rounds[{i}].day", f"is before the previous round's day ({before:g})", day)
    if days and debrief is not None and debrief.day is not None and debrief.day < days[-1][1]:
        c.add("debrief.day", f"is before the last round (day {days[-1][1]:g})", debrief.day)


def _check_on_scale(
    c: _Checker,
    scale: Scale,
    interviewers: Iterable[Any] | None,
    rounds: Sequence[Round | None] | None,
    debrief: Any,
) -> None:
    """Everything said in points lies on the scale; own cut points match its labels."""
    low, high = scale.min, scale.max
    where = f"within the scale [{low:g}, {high:g}]"
    for i, person in enumerate(interviewers or ()):
        for key, names in (
            ("label_cuts", scale.labels),
            ("recommendation_cuts", scale.recommendations),
        ):
            cuts = getattr(person, key, None)
            if cuts is None:
                continue
            if len(cuts) != len(names) - 1:
                c.add(
                    f"interviewers[{i}].{key}",
                    f"must hold {len(names) - 1} cut points, one between each of {list(names)}",
                    list(cuts),
                )
            elif not all(low <= cut <= high for cut in cuts):
                c.add(f"interviewers[{i}].{key}", f"cut points must lie {where}", list(cuts))
    for i, rnd in enumerate(rounds or ()):
        if rnd is not None and rnd.gate is not None and not low <= rnd.gate <= high:
            c.add(f"rounds[{i}].gate", f"must lie {where}", rnd.gate)
    if debrief is not None:
        if not low <= debrief.threshold <= high:
            c.add("debrief.threshold", f"must lie {where}", debrief.threshold)
        if debrief.hold_band >= (high - low) / 2:
            c.add(
                "debrief.hold_band",
                f"must be less than half the scale's range ({(high - low) / 2:g} points)",
                debrief.hold_band,
            )


def _check_speakers(
    c: _Checker, debrief: Debrief, people: list[str], rounds: Sequence[Round | None] | None
) -> None:
    """The hiring manager and an explicit speaking order name interviewers who rated."""
    complete = rounds is not None and all(r is not None for r in rounds)
    rated = {name for rnd in rounds or () if rnd is not None for name in rnd.interviewers}
    manager = debrief.hiring_manager
    if manager is not None:
        if manager not in people:
            c.add("debrief.hiring_manager", "unknown interviewer", manager)
        elif complete and debrief.manager_self_weight > 0 and manager not in rated:
            c.add(
                "debrief.hiring_manager",
                "rated nothing, so has no own view to mix in (set manager_self_weight: 0)",
                manager,
            )
    if isinstance(debrief.speaking_order, str):
        return
    for name in debrief.speaking_order:
        if name not in people:
            c.add(f"debrief.speaking_order.{name}", "unknown interviewer", name)
        elif complete and name not in rated:
            c.add(f"debrief.speaking_order.{name}", "rated nothing, so does not speak", name)
    if complete:
        missing = [name for name in people if name in rated]
        missing = [name for name in missing if name not in debrief.speaking_order]
        if missing:
            c.add(
                "debrief.speaking_order",
                f"must list every interviewer who rated; missing: {', '.join(missing)}",
                show=False,
            )


def _check_parts(c: _Checker, process: Process) -> None:
    """Each part of a Process has its spec type (programmatic construction can mix them up)."""
    for key, kind in (
        ("debrief", Debrief),
        ("pool", Pool),
        ("truth", Truth),
        ("scale", Scale),
    ):
        if not isinstance(getattr(process, key), kind):
            c.add(key, f"must be a {kind.__name__}", type(getattr(process, key)).__name__)
    for key, kind in (
        ("competencies", Competency),
        ("interviewers", Interviewer),
        ("rounds", Round),
    ):
        items = getattr(process, key)
        if isinstance(items, str | Mapping) or not isinstance(items, Iterable):
            c.add(key, f"must be a sequence of {kind.__name__}", type(items).__name__)
            continue
        for i, item in enumerate(items):
            if not isinstance(item, kind):
                c.add(f"{key}[{i}]", f"must be a {kind.__name__}", type(item).__name__)
    if not isinstance(process.compensation, Mapping | None):
        c.add("compensation", "must be a mapping", type(process.compensation).__name__)


def _unique_names(c: _Checker, path: str, items: Iterable[Any] | None) -> list[str] | None:
    if items is None:
        return None
    names = [item.name for item in items if item is not None]
    if not names:
        c.add(path, "must not be empty", [])
    for dup in sorted({n for n in names if names.count(n) > 1}):
        c.add(f"{path}.{dup}", "name is used twice", dup)
    return names


# --------------------------------------------------------------------------- profiles
@dataclass(frozen=True)
class Profile:
    """A fixed candidate for what-if analysis.

    Parameters
    ----------
    name : str
        Identifier, e.g. ``"impact_framer"``.
    levels : mapping of str to float
        True level per competency in points of the process scale (what people
        think in: "a 7 on risk awareness").
    framing : float
        Presentation in [-1, 1]: +1 frames work as dollar impact and KPIs,
        -1 as technical detail and model internals.
    default_level : float, optional
        Level (points) of every competency not listed in ``levels``.
    """

    name: str
    levels: Mapping[str, float] = field(default_factory=dict)
    framing: float = 0.0
    description: str = ""
    default_level: float | None = None

    def __post_init__(self) -> None:
        c = _Checker()
        c.name("name", self.name)
        levels: dict[str, float] = {}
        if not isinstance(self.levels, Mapping):
            c.add("levels", "must be a mapping of competency: level", self.levels)
        else:
            for key, value in self.levels.items():
                number = c.number(f"levels.{key}", value)
                if number is not None:
                    levels[str(key)] = number
        framing = c.number("framing", self.framing, low=-1.0, high=1.0)
        default = None
        if self.default_level is not None:
            default = c.number("default_level", self.default_level)
        c.raise_if_any()
        _set(self, levels=_frozen_map(levels), framing=framing, default_level=default)

    def with_levels(self, **levels: float) -> Profile:
        """Copy with some levels (points) changed; use for what-if questions."""
        from dataclasses import replace

        return replace(self, levels={**self.levels, **levels})

    def theta(self, process: Process) -> np.ndarray:
        """True levels on the latent z-scale, shape (K,), in the process's order.

        Raises
        ------
        SpecError
            For a competency the process does not know, a level outside the
            scale, or a missing level without ``default_level``.
        """
        c = _Checker()
        scale = process.scale
        for name in self.levels:
            if name not in process.competency_names:
                c.add(f"levels.{name}", f"unknown competency of process {process.name!r}", name)
        points = []
        for name in process.competency_names:
            value = self.levels.get(name, self.default_level)
            if value is None:
                c.add(f"levels.{name}", "is missing (give it or a default_level)")
                continue
            if not scale.min <= value <= scale.max:
                c.add(f"levels.{name}", f"must be within [{scale.min:g}, {scale.max:g}]", value)
            points.append(value)
        if c.issues:
            raise SpecError([i.prefixed(f"profiles.{self.name}") for i in c.issues])
        return np.asarray(scale.to_z(points), dtype=float)


def field_names(cls: type) -> tuple[str, ...]:
    """Names of a spec dataclass's fields (the keys its YAML mapping may hold)."""
    return tuple(f.name for f in fields(cls))
