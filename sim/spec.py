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

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from .errors import SpecError
from .scale import LATTICE_TOLERANCE, Scale, category_index
from .validation import Z_LIMIT, Checker, check_type, process_issues

__all__ = [
    "AGGREGATES",
    "LATTICE_TOLERANCE",
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
    "category_index",
]

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
#: What the committee aggregates: the written scores (on the scale), each verbal label's
#: value on the scale, or the latent perceived scores (the Gaussian teaching model).
AGGREGATES: tuple[str, ...] = ("written", "labels", "latent")
#: What a public voter does when their signal exactly offsets the votes so far.
TIE_RULES: tuple[str, ...] = ("coin", "own_signal")


def _set(obj: Any, **values: Any) -> None:
    for key, value in values.items():
        object.__setattr__(obj, key, value)


def _frozen_map(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


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
        c = Checker()
        c.name("name", self.name)
        c.text("title", self.title)
        c.text("description", self.description)
        effect = c.number("framing_effect", self.framing_effect, limit=Z_LIMIT)
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
        c = Checker()
        c.name("name", self.name)
        c.text("role", self.role)
        values = {
            "leniency": c.number("leniency", self.leniency, limit=Z_LIMIT),
            "noise_sd": c.number("noise_sd", self.noise_sd, low=0.0, limit=Z_LIMIT),
            "halo": c.number("halo", self.halo, low=0.0, limit=Z_LIMIT),
            "framing_sensitivity": c.number(
                "framing_sensitivity", self.framing_sensitivity, limit=Z_LIMIT
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
        c = Checker()
        c.name("name", self.name)
        c.text("title", self.title)
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
    aggregate : str
        One of :data:`AGGREGATES`: what the committee counts. ``"written"`` (the
        default): the scores as written on the scale (on its step, within its
        bounds); views, recommendations, gates, anchoring and peeking all act on
        on-scale values. ``"labels"``: each judgment counts at its label's value
        (:attr:`Scale.label_value_table`). ``"latent"``: the continuous perceived
        scores (the Gaussian teaching model, with exact closed forms).
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
    aggregate: str = "written"

    def __post_init__(self) -> None:
        c = Checker()
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
        for key, allowed in (
            ("protocol", PROTOCOLS),
            ("tie_rule", TIE_RULES),
            ("aggregate", AGGREGATES),
        ):
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

    def competency_weight(self, name: str) -> float:
        """Raw debrief weight of competency ``name``; 0 for a competency not listed."""
        return float(self.competency_weights.get(name, 0.0))

    def interviewer_weight(self, name: str) -> float:
        """Raw weight of interviewer ``name``'s judgments; 1 for an interviewer not listed."""
        return float(self.interviewer_weights.get(name, 1.0))


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
        c = Checker()
        names = c.names("competencies", self.competencies)
        k = len(names)
        mean = c.vector("mean", self.mean, k, low=None)
        sd = c.vector("sd", self.sd, k, low=0.0)
        corr = c.correlation("correlation", self.correlation, names)
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
        c = Checker()
        values = {
            "weights": _frozen_map(c.weights("weights", self.weights)),
            "noise_sd": c.number("noise_sd", self.noise_sd, low=0.0, limit=Z_LIMIT),
            "performance_bar": c.number("performance_bar", self.performance_bar, limit=Z_LIMIT),
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
        c = Checker()
        c.name("name", self.name)
        c.text("title", self.title)
        c.text("source", self.source)
        c.parts(
            self,
            {"debrief": Debrief, "pool": Pool, "truth": Truth, "scale": Scale},
            {"competencies": Competency, "interviewers": Interviewer, "rounds": Round},
        )
        if not isinstance(self.compensation, Mapping | None):
            c.add("compensation", "must be a mapping", type(self.compensation).__name__)
        c.raise_if_any()
        window = c.number("window_days", self.window_days, low=0.0, low_open=True)
        evidence = c.number("evidence_minutes", self.evidence_minutes, low=0.0, low_open=True)
        c.issues.extend(
            process_issues(
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
        c = Checker()
        c.name("name", self.name)
        c.text("description", self.description)
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
        return replace(self, levels={**self.levels, **levels})

    def theta(self, process: Process) -> np.ndarray:
        """True levels on the latent z-scale, shape (K,), in the process's order.

        Raises
        ------
        SpecError
            For a competency the process does not know, a level outside the
            scale, or a missing level without ``default_level``.
        """
        check_type("process", process, Process, "see sim.load_process")
        c = Checker()
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
