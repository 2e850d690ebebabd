"""The process compiled to matrices, once: every score is linear in Gaussian draws.

A *slot* is one rating: (round, interviewer, competency); a *seat* is one
interviewer in one round. For a candidate with true levels ``theta`` (K,) and
framing ``phi`` the perceived scores (S,) are::

    s = offset + theta @ A + phi * framing + u @ H + sigma * e

with ``u ~ N(0, I_P)`` (each seat's overall impression beyond the candidate's
true levels, which feeds the halo) and ``e ~ N(0, I_S)`` (occasion noise).
Gate scores and the debrief aggregate are further linear maps of ``s``.

This module also holds the one derivation of every debrief weight
(:func:`group_shares`, :func:`aggregate_weights`, :func:`view_weights`) and the
one pool draw (:func:`draw_pool`); the debrief rules, the closed forms and the
analyses call them. :func:`compile_model` builds a process's model once and
caches it.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from .spec import LATTICE_TOLERANCE, Pool, Process, category_index
from .validation import check_type

__all__ = [
    "DECISIONS",
    "HIRE",
    "HOLD",
    "NO_HIRE",
    "LinearModel",
    "aggregate_weights",
    "competency_weight_vector",
    "compile_model",
    "draw_pool",
    "group_shares",
    "view_weights",
]

NO_HIRE, HIRE, HOLD = 0, 1, 2
#: Decision labels by code.
DECISIONS: tuple[str, ...] = ("No Hire", "Hire", "Hold")


@dataclass(frozen=True, eq=False)
class LinearModel:
    """Matrices of one process (all z units). Build with :func:`compile_model`."""

    process: Process
    slot_round: np.ndarray  # (S,) round index of each slot
    slot_seat: np.ndarray  # (S,) seat index of each slot
    slot_competency: np.ndarray  # (S,) competency index of each slot
    slot_person: np.ndarray  # (S,) index into process.interviewers of each slot's rater
    seat_round: np.ndarray  # (P,) round index of each seat
    seat_interviewer: tuple[str, ...]  # (P,) interviewer name of each seat
    A: np.ndarray  # (K, S) loading of true levels (identity + halo)
    framing: np.ndarray  # (S,) shift per unit of framing
    H: np.ndarray  # (P, S) halo loading of seat impressions
    sigma: np.ndarray  # (S,) occasion-noise SD
    offset: np.ndarray  # (S,) leniency
    competency_weights: np.ndarray  # (K,) raw debrief weights
    interviewer_weights: np.ndarray  # (I,) raw interviewer weights, process order
    aggregate_weights: np.ndarray  # (S,) aggregate z = s @ aggregate_weights
    label_cuts: np.ndarray  # (S, L-1) z cut points of each slot's rater
    recommendation_cuts: np.ndarray  # (P, R-1) z cut points of each seat's rater
    gate_rounds: np.ndarray  # (G,) round index of each gate, in round order
    gate_weights: np.ndarray  # (S, G) gate z = s @ gate_weights
    gate_cuts: np.ndarray  # (G,) z
    threshold: float  # z
    hold_band: float  # z
    pool_mean: np.ndarray  # (K,)
    pool_chol: np.ndarray  # (K, K) lower Cholesky factor of the pool covariance
    truth_weights: np.ndarray  # (K,) scaled so that Y has unit variance in the pool
    truth_noise: float  # SD of the scaled performance noise
    aggregate: str = "latent"  # what the committee counts: "written", "labels" or "latent"
    tolerance: float = 0.0  # z: slack of comparisons of on-scale values with a line
    label_values: np.ndarray | None = None  # (L,) z value of each label ("labels" only)

    @property
    def on_scale(self) -> bool:
        """Whether judgments are written on the scale (``aggregate`` is not ``"latent"``)."""
        return self.aggregate != "latent"

    def write(self, z: np.ndarray) -> np.ndarray:
        """What is written for perceived (or anchored, or peeked) scores ``z`` (z units).

        The one derivation of a written score in z: :meth:`sim.spec.Scale.written`
        (on the step, within the bounds) unless the committee counts latent
        scores, where the perceived score is what counts.
        """
        return self.process.scale.written_z(z) if self.on_scale else z

    def counted(self, spoken: np.ndarray) -> np.ndarray:
        """What the committee counts (n, S) for spoken judgments (n, S), z units.

        Each label's value under ``aggregate: labels`` (the label from the
        rater's own cut points applied to the spoken, written score); the spoken
        judgment itself otherwise.
        """
        if self.label_values is None:
            return spoken
        return self.label_values[category_index(spoken, self.label_cuts)]

    @property
    def n_slots(self) -> int:
        """Number of ratings per candidate who completes every round (S)."""
        return int(self.slot_round.size)

    @property
    def n_seats(self) -> int:
        """Number of (round, interviewer) seats (P)."""
        return int(self.seat_round.size)

    @property
    def n_competencies(self) -> int:
        """Number of competencies (K)."""
        return int(self.A.shape[0])

    def perceived_mean(self, theta: np.ndarray, phi: np.ndarray) -> np.ndarray:
        """Expected perceived scores given levels (n, K) and framing (n,): (n, S)."""
        return self.offset + theta @ self.A + np.asarray(phi)[..., None] * self.framing

    @cached_property
    def noise_loading(self) -> np.ndarray:
        """(P + S, S): perceived-score noise as a map of standard normal draws."""
        return np.vstack([self.H, np.diag(self.sigma)])

    @cached_property
    def noise_cov(self) -> np.ndarray:
        """(S, S): covariance of one candidate's perceived scores given true levels."""
        loading = self.noise_loading
        return loading.T @ loading


_MODELS: weakref.WeakKeyDictionary[Process, LinearModel] = weakref.WeakKeyDictionary()


def compile_model(process: Process) -> LinearModel:
    """The compiled model of ``process``, built on first use and cached with the process.

    Examples
    --------
    >>> import sim
    >>> m = compile_model(sim.load_process("amex_ai_pm_2026"))
    >>> m.n_slots, m.n_seats, round(float(m.aggregate_weights.sum()), 12)
    (14, 5, 1.0)
    """
    check_type("process", process, Process, "see sim.load_process")
    model = _MODELS.get(process)
    if model is None:
        key = _rating_key(process)
        known = _BY_RATINGS.get(key)
        # A debrief variant (weights, threshold, rule...) of a compiled process shares
        # its rating-side arrays: only the debrief's fields are derived again.
        model = _build(process) if known is None else _with_debrief(known, process)
        _MODELS[process] = model
        with _LOCK:
            _BY_RATINGS.pop(key, None)
            _BY_RATINGS[key] = model
            while len(_BY_RATINGS) > _RATING_MODELS:
                del _BY_RATINGS[next(iter(_BY_RATINGS))]
    return model


#: Compiled rating sides kept for debrief variants (a small, most-recent-last cache).
_RATING_MODELS = 16
_BY_RATINGS: dict[tuple, LinearModel] = {}
_LOCK = threading.Lock()


def _rating_key(process: Process) -> tuple:
    """The identities of everything :func:`_build` reads of a process except its debrief.

    A debrief variant made with ``dataclasses.replace(process, debrief=...)`` shares
    these (immutable) objects; the cached model holds them, so no id is reused
    while its entry lives. Equal but distinct objects merely miss the cache.
    """
    parts = (
        process.competencies,
        process.interviewers,
        process.rounds,
        process.pool,
        process.truth,
        process.scale,
        process.evidence_minutes,
    )
    return tuple(id(part) for part in parts)


def _with_debrief(model: LinearModel, process: Process) -> LinearModel:
    """``model`` (same ratings) with the debrief fields of ``process``."""
    return _debrief_part(replace(model, process=process), process)


def _debrief_part(model: LinearModel, process: Process) -> LinearModel:
    """Fill the fields of ``model`` that come from ``process.debrief`` (a new model)."""
    scale, debrief = process.scale, process.debrief
    model = replace(
        model,
        competency_weights=competency_weight_vector(process),
        interviewer_weights=np.array(
            [debrief.interviewer_weight(p) for p in process.interviewer_names]
        ),
        aggregate_weights=np.zeros(model.slot_round.size),
        threshold=float(scale.to_z(debrief.threshold)),
        hold_band=float(scale.to_z(debrief.hold_band, relative=True)),
        aggregate=debrief.aggregate,
        tolerance=0.0
        if debrief.aggregate == "latent"
        else float(scale.to_z(LATTICE_TOLERANCE, relative=True)),
        label_values=np.asarray(scale.to_z(np.array(scale.label_value_table)))
        if debrief.aggregate == "labels"
        else None,
    )
    weights = aggregate_weights(model, model.competency_weights, model.interviewer_weights)
    model.aggregate_weights[:] = weights
    return model


# --------------------------------------------------------------------------- weights
def competency_weight_vector(process: Process) -> np.ndarray:
    """The debrief's raw competency weights (K,), in ``process.competency_names`` order."""
    debrief = process.debrief
    return np.array([debrief.competency_weight(c) for c in process.competency_names])


def group_shares(
    values: np.ndarray, groups: np.ndarray, n_groups: int, empty: float | None = None
):
    """Each value's share of its group's total: ``values / (sum of the group's values)``.

    Parameters
    ----------
    values : ndarray, shape (S,) or (m, S)
        Non-negative weights (one row per variant).
    groups : ndarray of int, shape (S,)
        Group of each column, in ``[0, n_groups)``.
    n_groups : int
    empty : float, optional
        Share given where a group's total is 0: ``None`` for equal shares
        (``1 / group size``), or a value such as NaN.

    Returns
    -------
    ndarray, shape of ``values``
        Shares summing to 1 within every group whose total is positive.
    """
    values = np.asarray(values, dtype=float)
    rows = np.atleast_2d(values)
    size = np.bincount(groups, minlength=n_groups)
    if rows.shape[0] == 1 and size.max(initial=0) < 8:
        # One row of small groups (every debrief variant): totals by bincount add each
        # group's values in column order, as numpy's sum does below 8 terms (same bits).
        total = np.bincount(groups, weights=rows[0], minlength=n_groups)[groups]
        fallback = 1.0 / size[groups] if empty is None else empty
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, values / total, fallback)
    out = np.zeros_like(rows)
    for g in range(n_groups):
        mine = groups == g
        if not mine.any():
            continue
        part = rows[:, mine]
        total = part.sum(axis=1, keepdims=True)
        fallback = 1.0 / mine.sum() if empty is None else empty
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, mine] = np.where(total > 0, part / total, fallback)
    return out.reshape(values.shape)


def aggregate_weights(
    model: LinearModel, competency_weights: np.ndarray, interviewer_weights: np.ndarray
) -> np.ndarray:
    """Weights of every slot in the committee's aggregate, for raw debrief weights.

    A competency's share is its weight over the total weight of the assessed
    competencies; within a competency, each rating's share is its rater's
    interviewer weight over those of the competency's raters (equal shares if
    they are all 0).

    Parameters
    ----------
    model : LinearModel
    competency_weights : ndarray, shape (K,) or (m, K)
        Raw competency weights (>= 0).
    interviewer_weights : ndarray, shape (I,) or (m, I)
        Raw interviewer weights (>= 0), in ``process.interviewers`` order.

    Returns
    -------
    ndarray, shape (S,) or (m, S)
        Summing to 1 (NaN where no assessed competency has weight).
    """
    comp_w = np.asarray(competency_weights, dtype=float)
    person_w = np.asarray(interviewer_weights, dtype=float)
    k_of = model.slot_competency
    assessed = np.unique(k_of)
    within = group_shares(person_w[..., model.slot_person], k_of, model.n_competencies)
    total = comp_w[..., assessed].sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return comp_w[..., k_of] / total * within


def view_weights(
    model: LinearModel,
    competency_weights: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    empty: float | None = None,
) -> np.ndarray:
    """Weights of a competency-weighted mean of each group's slots (a speaker's view, a scorecard).

    Parameters
    ----------
    model : LinearModel
    competency_weights : ndarray, shape (K,) or (m, K)
    groups : ndarray of int, shape (S,)
        Group of each slot (a speaker, a seat).
    n_groups : int
    empty : float, optional
        As in :func:`group_shares`: where all of a group's competencies weigh 0,
        ``None`` gives the group's plain mean.

    Returns
    -------
    ndarray, shape (S, n_groups) or (m, S, n_groups)
        Column ``g`` holds group ``g``'s weights (zero outside the group).
    """
    comp_w = np.asarray(competency_weights, dtype=float)
    shares = group_shares(comp_w[..., model.slot_competency], groups, n_groups, empty)
    onehot = np.arange(n_groups) == np.asarray(groups)[:, None]  # (S, G)
    return np.where(onehot, shares[..., None], 0.0)


# --------------------------------------------------------------------------- the pool
def draw_pool(
    model: LinearModel, pool: Pool, gen: np.random.Generator, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` applicants from ``pool``: true levels (n, K) and framing (n,).

    Levels first, then framing, from ``gen`` (the analyses' one draw of a pool;
    the engine folds the same map into one matrix product per block).
    """
    theta = model.pool_mean + gen.standard_normal((n, model.n_competencies)) @ model.pool_chol.T
    phi = np.clip(pool.framing_mean + pool.framing_sd * gen.standard_normal(n), -1.0, 1.0)
    return theta, phi


# --------------------------------------------------------------------------- building
def _build(process: Process) -> LinearModel:
    scale = process.scale
    slots = _slots(process)
    slot_round, slot_seat, slot_comp, seat_round, seat_person = slots
    raters = [process.interviewer(seat_person[p]) for p in slot_seat]
    a, h, sigma, framing = _loadings(process, slots, raters)
    person_index = {name: i for i, name in enumerate(process.interviewer_names)}
    gate_rounds, gate_weights, gate_cuts = _gates(process, slot_round)
    truth_weights, truth_noise = _truth(process)
    model = LinearModel(
        process=process,
        slot_round=slot_round,
        slot_seat=slot_seat,
        slot_competency=slot_comp,
        slot_person=np.array([person_index[p.name] for p in raters], dtype=np.intp),
        seat_round=seat_round,
        seat_interviewer=seat_person,
        A=a,
        framing=framing,
        H=h,
        sigma=sigma,
        offset=np.array([person.leniency for person in raters]),
        competency_weights=np.zeros(0),  # the debrief's fields: _debrief_part
        interviewer_weights=np.zeros(0),
        aggregate_weights=np.zeros(0),
        label_cuts=_z_cuts(scale, [p.label_cuts for p in raters], "label_cuts"),
        recommendation_cuts=_z_cuts(
            scale,
            [process.interviewer(name).recommendation_cuts for name in seat_person],
            "recommendation_cuts",
        ),
        gate_rounds=gate_rounds,
        gate_weights=gate_weights,
        gate_cuts=gate_cuts,
        threshold=math.nan,
        hold_band=math.nan,
        pool_mean=np.array(process.pool.mean),
        pool_chol=_cholesky_psd(process.pool.covariance),
        truth_weights=truth_weights,
        truth_noise=truth_noise,
    )
    return _debrief_part(model, process)


def _slots(process: Process) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple]:
    """Round, seat and competency of every slot; round and interviewer of every seat."""
    comp_index = {name: k for k, name in enumerate(process.competency_names)}
    slot_round, slot_seat, slot_comp, seat_round, seat_person = [], [], [], [], []
    for r, rnd in enumerate(process.rounds):
        for name in rnd.interviewers:
            seat_round.append(r)
            seat_person.append(name)
            for comp in rnd.competencies:
                slot_round.append(r)
                slot_seat.append(len(seat_person) - 1)
                slot_comp.append(comp_index[comp])
    return (
        np.array(slot_round, dtype=np.intp),
        np.array(slot_seat, dtype=np.intp),
        np.array(slot_comp, dtype=np.intp),
        np.array(seat_round, dtype=np.intp),
        tuple(seat_person),
    )


def _loadings(process: Process, slots: tuple, raters: list) -> tuple[np.ndarray, ...]:
    """A (K, S), H (P, S), occasion-noise SDs (S,) and framing shifts (S,)."""
    slot_round, slot_seat, slot_comp, seat_round, _ = slots
    comp_index = {name: k for k, name in enumerate(process.competency_names)}
    n_slots, k = slot_round.size, len(comp_index)
    a = np.zeros((k, n_slots))
    a[slot_comp, np.arange(n_slots)] = 1.0
    h = np.zeros((seat_round.size, n_slots))
    sigma = np.empty(n_slots)
    for j, (r, person) in enumerate(zip(slot_round.tolist(), raters, strict=True)):
        rnd = process.rounds[r]
        round_comps = [comp_index[c] for c in rnd.competencies]
        # The overall impression is the mean of the round's true levels plus u.
        a[round_comps, j] += person.halo / len(round_comps)
        h[slot_seat[j], j] = person.halo
        minutes_each = rnd.minutes / len(round_comps)
        sigma[j] = person.noise_sd * np.sqrt(process.evidence_minutes / minutes_each)
    framing = np.array(
        [
            process.competencies[slot_comp[j]].framing_effect * raters[j].framing_sensitivity
            for j in range(n_slots)
        ]
    )
    return a, h, sigma, framing


def _z_cuts(scale: Any, own: list, default: str) -> np.ndarray:
    """Each rater's cut points (theirs or the scale's), in z, one row per slot or seat."""
    cuts = [scale.to_z(np.array(c if c is not None else getattr(scale, default))) for c in own]
    return np.array(cuts).reshape(len(own), -1)


def _gates(process: Process, slot_round: np.ndarray) -> tuple[np.ndarray, ...]:
    """Gate rounds (G,), gate scores as slot weights (S, G) and cuts (G,) in z."""
    gate_rounds = [r for r, rnd in enumerate(process.rounds) if rnd.gate is not None]
    gate_weights = np.zeros((slot_round.size, len(gate_rounds)))
    for g, r in enumerate(gate_rounds):
        mine = slot_round == r
        gate_weights[mine, g] = 1.0 / mine.sum()
    cuts = process.scale.to_z(np.array([process.rounds[r].gate for r in gate_rounds], float))
    return np.array(gate_rounds, dtype=np.intp), gate_weights, np.atleast_1d(cuts)


def _truth(process: Process) -> tuple[np.ndarray, float]:
    """Truth weights scaled so that performance has unit variance in the pool, and its noise."""
    v = np.array([process.truth.weights.get(name, 0.0) for name in process.competency_names])
    norm = float(np.sqrt(v @ process.pool.covariance @ v + process.truth.noise_sd**2))
    if norm == 0.0:
        norm = 1.0
    return v / norm, process.truth.noise_sd / norm


def _cholesky_psd(cov: np.ndarray) -> np.ndarray:
    """Lower factor L with L L' = cov, also for singular (PSD) matrices."""
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(cov)
        return vectors * np.sqrt(np.clip(values, 0.0, None))
