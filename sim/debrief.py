"""The debrief room: decision rules and the dynamics of a committee's discussion.

The interviewers' *written* scores (after any peeking at earlier scorecards)
become *spoken* judgments in a speaking order, and a decision rule turns those
into Hire / No Hire / Hold. Everything here is vectorised over candidates:
arrays are ``(n, S)`` for slots (one rating each) and ``(n, Q)`` for the ``Q``
speakers (interviewers who rated something, in the order of
``process.interviewers``). Loops run over speakers or rounds, never candidates.

Dynamics
--------
peeking ``beta``
    Before submitting, each scorecard moves a share ``beta`` toward the mean of
    the scorecards of earlier rounds (each scorecard counted once, at its
    competency-weighted mean). Gates use the interviewers' own scores.
speaking order
    ``"seniority"`` (most senior first; ties in listed order),
    ``"reverse_seniority"`` (its exact reverse: juniors first), ``"listed"``,
    ``"random"`` (a fresh uniformly random order per candidate), or a list.
anchoring ``alpha``
    Each speaker's judgments move a share ``alpha`` toward the anchor: the mean
    of the views already spoken (a view is a speaker's competency-weighted mean
    judgment), each earlier speaker counted ``1 + senior_pull * seniority``
    times. The first speaker is unaffected. ``alpha = 0`` or the protocol
    ``"written_first"`` (independent written feedback first) removes it.

Rules
-----
``weighted_mean``
    Aggregate = weighted mean of the spoken judgments (the debrief weights).
``median`` / ``trimmed_mean``
    Weighted median / weighted mean after cutting a share ``trim`` of the
    judgments' weight from each tail.
``majority``
    Hire when a weighted majority (``interviewer_weights``) of the stated
    overall recommendations is "yes".
``consensus``
    Weighted mean, and any "no" blocks a hire or a hold.
``veto``
    Weighted mean, and a "no" from a veto holder (``debrief.veto``) blocks.
``discretion``
    The hiring manager reads the aggregate as
    ``(1 - w) * aggregate + w * own_view + manager_bias + manager_noise * z``
    and decides on that.
``public_vote``
    Each member votes Hire / No Hire aloud in speaking order. Their private
    signal is their own written recommendation; they follow the votes so far
    as in Bikhchandani, Hirshleifer & Welch (1992): once the revealed signals
    lead by two, everyone follows (a cascade); at a lead of one against their
    signal they are indifferent (``tie_rule``). The majority of votes decides.
    Under ``"written_first"`` the votes are independent written votes.

Score rules (weighted mean, median, trimmed mean, consensus, veto, discretion)
give Hold when the score is within ``hold_band`` of the threshold. A veto holder's
"no" blocks under every rule. A speaker whose competencies all weigh 0 in the
debrief has no recommendation that counts: they speak (and anchor) but neither
vote nor veto, and naming them as a veto holder is an error. Randomness
(random order, vote coins, the manager's noise) comes from three standard
normals per candidate that the engine draws in each block's own stream
(:data:`N_DRAWS`), so :func:`redecide` can re-run any debrief on the same
candidates.
"""

from __future__ import annotations

import itertools
import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import special

from .errors import fail
from .model import DECISIONS, HIRE, HOLD, NO_HIRE, LinearModel
from .result import Result
from .spec import RULES, Process, Profile

if TYPE_CHECKING:
    import argparse

__all__ = [
    "N_DRAWS",
    "REASONS",
    "DebriefOutcome",
    "DebriefPlan",
    "LinearDecision",
    "RuleComparison",
    "Votes",
    "compare_rules",
    "debrief_plan",
    "debrief_transcript",
    "decide",
    "effective_aggregate_weights",
    "expected_score_weights",
    "gaussian_decisions",
    "has_own_score",
    "random_orders",
    "redecide",
    "register",
    "run_debrief",
    "sequential_votes",
    "transcript_dict",
    "transcript_text",
    "weighted_median",
    "weighted_trimmed_mean",
    "with_rule",
]

#: Standard normal draws per candidate for the debrief: speaking order, vote coins, manager.
N_DRAWS = 3
_ORDER, _COIN, _MANAGER = range(N_DRAWS)

#: Why a decision came out as it did (codes in :attr:`DebriefOutcome.reason`).
REASONS: tuple[str, ...] = (
    "left at a gate",
    "score at or above the hire line",
    "score below the hire line",
    "score inside the hold band",
    "blocked by a veto",
    "blocked: not unanimous",
    "majority recommended hire",
    "no majority for hire",
    "public vote for hire",
    "public vote against hire",
)
(
    GATE,
    ABOVE,
    BELOW,
    IN_BAND,
    VETOED,
    NOT_UNANIMOUS,
    MAJORITY_YES,
    MAJORITY_NO,
    VOTE_YES,
    VOTE_NO,
) = range(len(REASONS))

_SCORE_RULES = ("weighted_mean", "median", "trimmed_mean", "consensus", "veto", "discretion")
_RANDOM_ORDER_LIMIT = 18  # log2(18!) < 52: one double holds a uniform random order
_MIXTURE_LIMIT = 6  # exact closed form averages over Q! orders: at most 720


# --------------------------------------------------------------------------- plan
@dataclass(frozen=True, eq=False)
class DebriefPlan:
    """A process's debrief compiled to small matrices (z units). Build with :func:`debrief_plan`.

    Attributes
    ----------
    speakers : tuple of str
        The ``Q`` interviewers who rated something, in the process's order.
    slot_speaker : ndarray of int, shape (S,)
    speaker_view : ndarray, shape (S, Q)
        A speaker's overall view is ``scores @ speaker_view`` (competency-weighted mean).
    speaker_cuts : ndarray, shape (Q, R - 1)
        Each speaker's recommendation cut points (z).
    yes_cut : ndarray, shape (Q,)
        View (z) at or above which a speaker recommends "yes".
    vote_weight, pull, seniority : ndarray, shape (Q,)
        Weight in votes (0 for a speaker whose competencies all weigh 0), weight
        as an anchor, seniority.
    order : ndarray of int, shape (Q,), or None
        Fixed speaking order (speaker indices); ``None`` when random.
    alpha : float
        Effective anchoring (0 under ``written_first``).
    written_map : ndarray, shape (S, S), or None
        ``written = perceived @ written_map`` (peeking); ``None`` means identity.
    veto : ndarray of int, shape (V,)
        Speakers whose "no" blocks (under ``consensus`` every speaker with a
        weighed competency).
    manager : int or None
        Speaker index of the hiring manager.
    """

    process: Process
    rule: str
    speakers: tuple[str, ...]
    slot_speaker: np.ndarray
    speaker_view: np.ndarray
    speaker_cuts: np.ndarray
    yes_cut: np.ndarray
    vote_weight: np.ndarray
    pull: np.ndarray
    seniority: np.ndarray
    order: np.ndarray | None
    alpha: float
    written_map: np.ndarray | None
    aggregate_weights: np.ndarray
    threshold: float
    hold_band: float
    veto: np.ndarray
    manager: int | None
    manager_noise: float
    manager_bias: float
    manager_self_weight: float
    trim: float
    tie_rule: str
    public: bool

    @property
    def n_speakers(self) -> int:
        """Number of speakers (Q)."""
        return len(self.speakers)


_PLANS: weakref.WeakKeyDictionary[Process, DebriefPlan] = weakref.WeakKeyDictionary()


def debrief_plan(process: Process) -> DebriefPlan:
    """Compile (and cache) the debrief of ``process``."""
    plan = _PLANS.get(process)
    if plan is None:
        plan = _build_plan(process)
        _PLANS[process] = plan
    return plan


def _build_plan(process: Process) -> DebriefPlan:
    m: LinearModel = process.model
    d = process.debrief
    scale = process.scale
    rated = set(m.seat_interviewer)
    speakers = tuple(name for name in process.interviewer_names if name in rated)
    index = {name: q for q, name in enumerate(speakers)}
    seat_speaker = np.array([index[name] for name in m.seat_interviewer], dtype=np.intp)
    slot_speaker = seat_speaker[m.slot_seat]
    n_slots, q_count = m.n_slots, len(speakers)

    comp_w = np.array([d.competency_weights.get(c, 0.0) for c in process.competency_names])
    speaker_view = np.zeros((n_slots, q_count))
    # A recommendation is the competency-weighted mean of a speaker's judgments. Someone
    # whose competencies all weigh 0 has none that counts: they speak (their plain mean
    # is what they say and what anchors others) but neither vote nor veto.
    counts = np.zeros(q_count, dtype=bool)
    for q in range(q_count):
        mine = slot_speaker == q
        w = comp_w[m.slot_competency[mine]]
        counts[q] = w.sum() > 0
        speaker_view[mine, q] = w / w.sum() if counts[q] else 1.0 / mine.sum()
    first_seat = np.array([np.flatnonzero(seat_speaker == q)[0] for q in range(q_count)])
    speaker_cuts = m.recommendation_cuts[first_seat]
    yes = len(scale.recommendations) // 2 - 1

    people = [process.interviewer(name) for name in speakers]
    seniority = np.array([p.seniority for p in people])
    vote_weight = np.array([d.interviewer_weights.get(name, 1.0) for name in speakers])
    vote_weight = np.where(counts, vote_weight, 0.0)
    if vote_weight.sum() <= 0:
        vote_weight = counts.astype(float)

    order_spec = d.speaking_order
    order: np.ndarray | None
    if order_spec == "random":
        if q_count > _RANDOM_ORDER_LIMIT:
            raise fail(
                "debrief.speaking_order",
                f"'random' supports at most {_RANDOM_ORDER_LIMIT} speakers, got {q_count}",
                order_spec,
            )
        order = None
    elif order_spec == "listed":
        order = np.arange(q_count)
    elif order_spec in ("seniority", "reverse_seniority"):
        order = np.argsort(-seniority, kind="stable")
        if order_spec == "reverse_seniority":
            order = order[::-1].copy()
    else:
        order = np.array([index[name] for name in order_spec], dtype=np.intp)

    for name in d.veto:
        if name not in index:
            raise fail(f"debrief.veto.{name}", "rated nothing, so cannot veto", name)
        if not counts[index[name]]:
            raise fail(
                f"debrief.veto.{name}",
                "rates only competencies the debrief weighs 0, so has no recommendation "
                "to veto with",
                name,
            )
    veto_names = speakers if d.rule == "consensus" else d.veto
    veto = np.array([index[n] for n in veto_names if counts[index[n]]], dtype=np.intp)
    manager = index.get(d.hiring_manager) if d.hiring_manager is not None else None
    return DebriefPlan(
        process=process,
        rule=d.rule,
        speakers=speakers,
        slot_speaker=slot_speaker,
        speaker_view=speaker_view,
        speaker_cuts=speaker_cuts,
        yes_cut=speaker_cuts[:, yes],
        vote_weight=vote_weight,
        pull=1.0 + d.senior_pull * seniority,
        seniority=seniority,
        order=order,
        alpha=0.0 if d.protocol == "written_first" else d.anchoring,
        written_map=_peeking_map(m, process, d.peeking),
        aggregate_weights=m.aggregate_weights,
        threshold=m.threshold,
        hold_band=m.hold_band,
        veto=veto,
        manager=manager,
        manager_noise=d.manager_noise / scale.points_per_sd,
        manager_bias=d.manager_bias / scale.points_per_sd,
        manager_self_weight=d.manager_self_weight if manager is not None else 0.0,
        trim=d.trim,
        tie_rule=d.tie_rule,
        public=d.rule == "public_vote" and d.protocol == "spoken",
    )


def _peeking_map(m: LinearModel, process: Process, beta: float) -> np.ndarray | None:
    """(S, S) map from perceived to written scores when scorecards peek at earlier ones."""
    if beta == 0:
        return None
    n_slots = m.n_slots
    comp_w = np.array(
        [process.debrief.competency_weights.get(c, 0.0) for c in process.competency_names]
    )
    # A scorecard is read at its competency-weighted mean (plain mean if none weighs).
    scorecards = np.zeros((n_slots, m.n_seats))
    for p in range(m.n_seats):
        mine = m.slot_seat == p
        w = comp_w[m.slot_competency[mine]]
        scorecards[mine, p] = w / w.sum() if w.sum() > 0 else 1.0 / mine.sum()
    written = np.eye(n_slots)
    seat_vectors: dict[int, np.ndarray] = {}
    rounds = sorted(range(len(process.rounds)), key=lambda r: (process.rounds[r].day, r))
    for r in rounds:
        earlier = list(seat_vectors.values())
        slots = np.flatnonzero(m.slot_round == r)
        if earlier:
            anchor = np.mean(earlier, axis=0)
            written[:, slots] = (1 - beta) * written[:, slots] + beta * anchor[:, None]
        for p in np.flatnonzero(m.seat_round == r):
            seat_vectors[int(p)] = written @ scorecards[:, p]
    return written


# --------------------------------------------------------------------------- helpers
def random_orders(normals: np.ndarray, n_speakers: int) -> np.ndarray:
    """Uniformly random speaking orders from one standard normal per candidate.

    The normal becomes a uniform ``u``, whose digits in the factorial number
    system pick the speakers one by one (exact while ``n_speakers! < 2**52``).

    Parameters
    ----------
    normals : ndarray, shape (n,)
    n_speakers : int

    Returns
    -------
    ndarray of int, shape (n, n_speakers)
        Row ``i`` is a permutation of ``range(n_speakers)``.

    Examples
    --------
    >>> orders = random_orders(np.random.default_rng(0).standard_normal(6000), 3)
    >>> np.sort(orders, axis=1)[0].tolist(), len(np.unique(orders, axis=0))
    ([0, 1, 2], 6)
    """
    u = special.ndtr(np.asarray(normals, dtype=float))
    n = u.size
    left = np.tile(np.arange(n_speakers), (n, 1))
    out = np.empty((n, n_speakers), dtype=np.intp)
    rows = np.arange(n)
    for i in range(n_speakers):
        k = n_speakers - i
        pick = np.minimum((u * k).astype(np.intp), k - 1)
        u = u * k - pick
        out[:, i] = left[rows, pick]
        if k > 1:
            # Drop the chosen speaker: shift the ones after it left by one.
            keep = np.arange(k - 1)[None, :] < pick[:, None]
            left = np.where(keep, left[:, : k - 1], left[:, 1:k])
    return out


def _coins(normals: np.ndarray, n_speakers: int) -> np.ndarray:
    """(n, Q) fair coins (the binary digits of one uniform per candidate)."""
    u = special.ndtr(np.asarray(normals, dtype=float))
    out = np.empty((u.size, n_speakers), dtype=bool)
    for t in range(n_speakers):
        u = 2 * u
        out[:, t] = u >= 1
        u -= out[:, t]
    return out


def weighted_median(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted median of each row.

    Parameters
    ----------
    values : ndarray, shape (n, S)
    weights : ndarray, shape (S,)
        Non-negative, not all zero. When the cumulative weight hits exactly one
        half between two values, the median is their midpoint.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> weighted_median(np.array([[1.0, 2.0, 10.0], [4.0, 1.0, 3.0]]), np.ones(3)).tolist()
    [2.0, 3.0]
    >>> weighted_median(np.array([[1.0, 2.0, 3.0, 4.0]]), np.ones(4)).tolist()
    [2.5]
    """
    x, w = _sorted_weights(values, weights)
    upper = np.cumsum(w, axis=1)
    rows = np.arange(x.shape[0])
    first = np.argmax(upper >= 0.5 - 1e-9, axis=1)
    median = x[rows, first]
    at_half = np.abs(upper[rows, first] - 0.5) <= 1e-9
    after = np.minimum(first + 1, x.shape[1] - 1)
    return np.where(at_half, (median + x[rows, after]) / 2, median)


def weighted_trimmed_mean(values: np.ndarray, weights: np.ndarray, trim: float) -> np.ndarray:
    """Weighted mean of each row after cutting a share ``trim`` of the weight from each tail.

    ``trim = 0`` is the weighted mean; ``trim -> 0.5`` tends to the weighted median.

    Parameters
    ----------
    values : ndarray, shape (n, S)
    weights : ndarray, shape (S,)
    trim : float
        In [0, 0.5).

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> weighted_trimmed_mean(np.array([[1.0, 2.0, 3.0, 10.0]]), np.ones(4), 0.25).tolist()
    [2.5]
    """
    if not 0 <= trim < 0.5:
        raise fail("trim", "must be in [0, 0.5)", trim)
    x, w = _sorted_weights(values, weights)
    upper = np.cumsum(w, axis=1)
    kept = np.clip(np.minimum(upper, 1 - trim) - np.maximum(upper - w, trim), 0.0, None)
    return (kept * x).sum(axis=1) / kept.sum(axis=1)


def _sorted_weights(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    weights = np.asarray(weights, dtype=float)
    used = weights > 0
    values = np.asarray(values, dtype=float)[:, used]
    order = np.argsort(values, axis=1)
    w = weights[used] / weights[used].sum()
    return np.take_along_axis(values, order, axis=1), w[order]


@dataclass(frozen=True)
class Votes:
    """Outcome of sequential public votes (arrays in speaking order).

    Attributes
    ----------
    votes : ndarray of bool, shape (n, Q)
        Vote ``t`` of each sequence (True = Hire).
    cascade_after : ndarray of int, shape (n,)
        Number of votes after which a cascade began (everyone later ignores
        their own signal); -1 when none did.
    cascade_hire : ndarray of bool, shape (n,)
        Direction of the cascade (meaningless where ``cascade_after == -1``).
    """

    votes: np.ndarray
    cascade_after: np.ndarray
    cascade_hire: np.ndarray


def sequential_votes(
    signals: np.ndarray, coins: np.ndarray | None = None, tie_rule: str = "coin"
) -> Votes:
    """Public votes in turn, each voter seeing the earlier votes (BHW 1992).

    Every voter's private signal is equally informative. The votes reveal
    signals until one side leads by two; from then on everyone follows the
    lead (an informational cascade). A voter whose signal is one behind the
    lead is indifferent and tosses a coin (``"coin"``, BHW's convention) or
    follows their own signal (``"own_signal"``).

    Parameters
    ----------
    signals : ndarray of bool, shape (n, Q)
        Private signals in speaking order (True = Hire).
    coins : ndarray of bool, shape (n, Q), optional
        Fair coins, needed for ``tie_rule="coin"``.
    tie_rule : {"coin", "own_signal"}

    Returns
    -------
    Votes

    Examples
    --------
    >>> v = sequential_votes(np.array([[True, True, False, False]]), tie_rule="own_signal")
    >>> v.votes.tolist(), v.cascade_after.tolist()
    ([[True, True, True, True]], [2])
    """
    signals = np.asarray(signals, dtype=bool)
    if tie_rule not in ("coin", "own_signal"):
        raise fail("tie_rule", "must be 'coin' or 'own_signal'", tie_rule)
    if tie_rule == "coin" and coins is None:
        raise fail("coins", "are needed with tie_rule='coin'")
    n, q_count = signals.shape
    lead = np.zeros(n, dtype=np.int64)  # revealed Hire signals minus No Hire signals
    votes = np.empty((n, q_count), dtype=bool)
    cascade_after = np.full(n, -1, dtype=np.int64)
    for t in range(q_count):
        signal = signals[:, t]
        cascading = np.abs(lead) >= 2
        against = (lead == 1) & ~signal | (lead == -1) & signal
        tie_vote = coins[:, t] if tie_rule == "coin" and coins is not None else signal
        vote = np.where(cascading, lead > 0, np.where(against, tie_vote, signal))
        votes[:, t] = vote
        lead = np.where(cascading, lead, lead + np.where(vote, 1, -1))
        cascade_after[~cascading & (np.abs(lead) >= 2)] = t + 1
    return Votes(votes=votes, cascade_after=cascade_after, cascade_hire=lead > 0)


# --------------------------------------------------------------------------- the debrief
@dataclass(frozen=True)
class DebriefOutcome:
    """Everything said and decided in ``n`` debriefs (z units unless stated).

    Attributes
    ----------
    order : ndarray of int, shape (n, Q)
        Speaker index at each speaking position.
    written, spoken : ndarray, shape (n, S)
        Scores as submitted and as stated aloud.
    written_view, spoken_view : ndarray, shape (n, Q)
        Each speaker's overall view (competency-weighted mean).
    written_yes, spoken_yes : ndarray of bool, shape (n, Q)
        Whether each speaker's overall recommendation is a "yes".
    votes : ndarray of bool, shape (n, Q), or None
        Each speaker's vote (``public_vote`` only).
    cascade_after : ndarray of int, shape (n,), or None
        Votes after which a cascade began (-1: none); ``public_vote`` only.
    aggregate : ndarray, shape (n,)
        Weighted mean of the spoken judgments.
    score : ndarray, shape (n,)
        What the rule compares with the threshold (the aggregate for vote rules).
    decision, reason : ndarray of int8, shape (n,)
        Decision code (``DECISIONS``) and reason code (:data:`REASONS`).
    blocker : ndarray of int, shape (n,)
        Speaker whose "no" blocked the outcome (-1: none).
    """

    order: np.ndarray
    written: np.ndarray
    spoken: np.ndarray
    written_view: np.ndarray
    spoken_view: np.ndarray
    written_yes: np.ndarray
    spoken_yes: np.ndarray
    votes: np.ndarray | None
    cascade_after: np.ndarray | None
    aggregate: np.ndarray
    score: np.ndarray
    decision: np.ndarray
    reason: np.ndarray
    blocker: np.ndarray


def _speak(
    plan: DebriefPlan, written: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spoken judgments (n, S), written views (n, Q), spoken views (n, Q)."""
    views = written @ plan.speaker_view
    if plan.alpha == 0:
        return written, views, views
    n, q_count = views.shape
    shift = np.zeros((n, q_count))
    spoken_views = views.copy()
    total = np.zeros(n)
    weight: np.ndarray | float = 0.0
    rows = np.arange(n)
    fixed = order.ndim == 1
    for t in range(q_count):
        q = order[t] if fixed else order[:, t]
        view = views[:, q] if fixed else views[rows, q]
        if t > 0:
            move = plan.alpha * (total / weight - view)
            view = view + move
            if fixed:
                shift[:, q] = move
            else:
                shift[rows, q] = move
        if fixed:
            spoken_views[:, q] = view
        else:
            spoken_views[rows, q] = view
        total = total + plan.pull[q] * view
        weight = weight + plan.pull[q]
    return written + shift[:, plan.slot_speaker], views, spoken_views


def run_debrief(
    process: Process | DebriefPlan, perceived: np.ndarray, draws: np.ndarray | None = None
) -> DebriefOutcome:
    """Run the debrief of ``process`` for candidates who reached it.

    Parameters
    ----------
    process : Process or DebriefPlan
    perceived : ndarray, shape (n, S)
        Perceived scores (z) of every slot (finite).
    draws : ndarray, shape (n, N_DRAWS), optional
        Standard normals for the debrief's randomness; needed only for a random
        speaking order, public votes with coin tosses, or ``discretion``.

    Returns
    -------
    DebriefOutcome
    """
    plan = process if isinstance(process, DebriefPlan) else debrief_plan(process)
    n = perceived.shape[0]
    q_count = plan.n_speakers
    needs = plan.order is None or plan.rule == "discretion"
    needs = needs or (plan.public and plan.tie_rule == "coin")
    if needs and draws is None:
        raise fail("draws", "are needed for this debrief (random order, coins or discretion)")
    written = perceived if plan.written_map is None else perceived @ plan.written_map
    if plan.order is None and draws is not None:
        order = random_orders(draws[:, _ORDER], q_count)
    else:
        order = plan.order if plan.order is not None else np.arange(q_count)
    spoken, written_view, spoken_view = _speak(plan, written, order)
    order2d = order if order.ndim == 2 else np.broadcast_to(order, (n, q_count))
    written_yes = written_view >= plan.yes_cut
    spoken_yes = written_yes if spoken_view is written_view else spoken_view >= plan.yes_cut
    aggregate = spoken @ plan.aggregate_weights

    decision = np.full(n, NO_HIRE, dtype=np.int8)
    reason = np.full(n, BELOW, dtype=np.int8)
    votes = cascade_after = None
    if plan.rule in _SCORE_RULES:
        score = _score(plan, spoken, spoken_view, aggregate, draws)
        margin = score - plan.threshold
        hire = margin >= plan.hold_band
        decision[hire] = HIRE
        reason[hire] = ABOVE
        if plan.hold_band > 0:
            held = np.abs(margin) < plan.hold_band
            decision[held] = HOLD
            reason[held] = IN_BAND
    else:
        score = aggregate
        if plan.rule == "majority":
            share = spoken_yes @ plan.vote_weight / plan.vote_weight.sum()
            hire, yes_code, no_code = share > 0.5, MAJORITY_YES, MAJORITY_NO
        else:
            signals = np.take_along_axis(written_yes, order2d, axis=1)
            if plan.public:
                coins = _coins(draws[:, _COIN], q_count) if draws is not None else None
                cast = sequential_votes(signals, coins, plan.tie_rule)
                in_order, cascade_after = cast.votes, cast.cascade_after
            else:
                in_order = signals
            votes = np.empty_like(in_order)
            np.put_along_axis(votes, order2d, in_order, axis=1)
            share = votes @ plan.vote_weight / plan.vote_weight.sum()
            hire, yes_code, no_code = share > 0.5, VOTE_YES, VOTE_NO
        decision[hire] = HIRE
        reason[:] = np.where(hire, yes_code, no_code)

    blocker = np.full(n, -1, dtype=np.intp)
    if plan.veto.size:
        said_no = ~spoken_yes[:, plan.veto]
        # The first holder to speak who said "no" is named as the blocker.
        position = np.argsort(order2d, axis=1)[:, plan.veto]
        first = np.argmin(np.where(said_no, position, q_count), axis=1)
        blocked = said_no.any(axis=1) & (decision != NO_HIRE)
        blocker[blocked] = plan.veto[first[blocked]]
        decision[blocked] = NO_HIRE
        reason[blocked] = NOT_UNANIMOUS if plan.rule == "consensus" else VETOED
    return DebriefOutcome(
        order=order2d,
        written=written,
        spoken=spoken,
        written_view=written_view,
        spoken_view=spoken_view,
        written_yes=written_yes,
        spoken_yes=spoken_yes,
        votes=votes,
        cascade_after=cascade_after,
        aggregate=aggregate,
        score=score,
        decision=decision,
        reason=reason,
        blocker=blocker,
    )


def _score(
    plan: DebriefPlan,
    spoken: np.ndarray,
    spoken_view: np.ndarray,
    aggregate: np.ndarray,
    draws: np.ndarray | None,
) -> np.ndarray:
    if plan.rule == "median":
        return weighted_median(spoken, plan.aggregate_weights)
    if plan.rule == "trimmed_mean" and plan.trim > 0:
        return weighted_trimmed_mean(spoken, plan.aggregate_weights, plan.trim)
    if plan.rule == "discretion" and draws is not None:
        own = spoken_view[:, plan.manager] if plan.manager is not None else aggregate
        w = plan.manager_self_weight
        read = (1 - w) * aggregate + w * own + plan.manager_bias
        return read + plan.manager_noise * draws[:, _MANAGER]
    return aggregate


def has_own_score(process: Process) -> bool:
    """Whether the rule compares something other than the aggregate with the threshold.

    True for the weighted median, the trimmed mean (``trim > 0``) and the hiring
    manager's reading under ``discretion``.
    """
    d = process.debrief
    return d.rule in ("median", "discretion") or (d.rule == "trimmed_mean" and d.trim > 0)


def decide(
    model: LinearModel,
    perceived: np.ndarray,
    draws: np.ndarray | None = None,
    *,
    with_score: bool = False,
) -> tuple[np.ndarray, ...]:
    """Funnel and debrief for perceived scores.

    Parameters
    ----------
    model : LinearModel
    perceived : ndarray, shape (n, S)
        Perceived scores (z) of every slot.
    draws : ndarray, shape (n, N_DRAWS), optional
        The debrief's standard normals (see :func:`run_debrief`).
    with_score : bool, default False
        Also return the rule's score.

    Returns
    -------
    stage : ndarray of int8, shape (n,)
        Index of the round at whose gate the candidate left, or the number of
        rounds for those who reached the debrief.
    aggregate : ndarray, shape (n,)
        The committee's aggregate (z; weighted mean of the spoken judgments);
        NaN for those who did not reach the debrief.
    decision : ndarray of int8, shape (n,)
        ``NO_HIRE``, ``HIRE`` or ``HOLD``.
    score : ndarray, shape (n,)
        Only with ``with_score``: what the rule compared with the threshold (z;
        the aggregate unless :func:`has_own_score`); NaN where not debriefed.
    """
    n_rounds = len(model.process.rounds)
    stage = np.full(perceived.shape[0], n_rounds, dtype=np.int8)
    if model.gate_cuts.size:
        gates = perceived @ model.gate_weights
        for g in range(model.gate_cuts.size):
            leaves = (stage == n_rounds) & (gates[:, g] < model.gate_cuts[g])
            stage[leaves] = model.gate_rounds[g]
    # Everyone is debriefed and the gated are masked afterwards: debriefing only those who
    # reached it copies their rows, which costs as much as it saves and moves the aggregate
    # by an ulp (BLAS sums rows at another alignment).
    outcome = run_debrief(model.process, perceived, draws)
    reached = stage == n_rounds
    aggregate = np.where(reached, outcome.aggregate, np.nan)
    decision = np.where(reached, outcome.decision, NO_HIRE).astype(np.int8)
    if with_score:
        return stage, aggregate, decision, np.where(reached, outcome.score, np.nan)
    return stage, aggregate, decision


# --------------------------------------------------------------------------- re-deciding
_RATING_FIELDS = ("leniency", "noise_sd", "halo", "framing_sensitivity")


def _check_same_ratings(old: Process, new: Process) -> None:
    """``new`` must produce ratings the same way as ``old`` (only the debrief may differ)."""
    issues = []
    if [(c.name, c.framing_effect) for c in old.competencies] != [
        (c.name, c.framing_effect) for c in new.competencies
    ]:
        issues.append("competencies")
    if old.rounds != new.rounds:
        issues.append("rounds")
    if old.interviewer_names != new.interviewer_names or any(
        getattr(a, f) != getattr(b, f)
        for a, b in zip(old.interviewers, new.interviewers, strict=True)
        for f in _RATING_FIELDS
    ):
        issues.append("interviewers")
    if (old.scale.center, old.scale.points_per_sd) != (new.scale.center, new.scale.points_per_sd):
        issues.append("scale")
    for name in ("evidence_minutes", "pool", "truth"):
        if getattr(old, name) != getattr(new, name):
            issues.append(name)
    if issues:
        raise fail(
            f"process.{issues[0]}",
            "differs from the simulated process; redecide re-uses its ratings, so only the "
            "debrief, cut points and seniority may change",
        )


def redecide(result: Result, process: Process) -> Result:
    """Re-run the debrief of ``process`` on the ratings stored in ``result``.

    No new random numbers are drawn: the same candidates, ratings and debrief
    draws meet a different debrief (weights, threshold, rule, anchoring,
    speaking order, protocol...), so differences are real sensitivity, not
    Monte Carlo noise (common random numbers).

    Parameters
    ----------
    result : Result
        Simulated with ``keep="all"``.
    process : Process
        Same competencies, rounds (and gates), interviewers' rating habits,
        scale centre and spread, pool and truth as ``result.process``.

    Returns
    -------
    Result

    Examples
    --------
    >>> import sim
    >>> from dataclasses import replace
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> base = sim.simulate(amex, n=2000, rng=1)
    >>> again = redecide(base, amex)
    >>> bool((again.decision == base.decision).all())
    True
    >>> stricter = replace(amex, debrief=replace(amex.debrief, threshold=8.0))
    >>> bool(redecide(base, stricter).hired.sum() <= base.hired.sum())
    True
    """
    if not isinstance(result, Result):
        raise fail("result", "must be a Result", type(result).__name__)
    if not isinstance(process, Process):
        raise fail("process", "must be a Process", type(process).__name__)
    perceived = result._require("perceived")
    draws = result.debrief_draws
    if draws is None:
        raise fail("result.debrief_draws", "missing: simulate with keep='all'")
    _check_same_ratings(result.process, process)
    reached = result.reached
    outcome = run_debrief(process, np.nan_to_num(perceived[reached]), draws[reached])
    aggregate = np.full(result.n, np.nan)
    aggregate[reached] = outcome.aggregate
    score = None
    if has_own_score(process):
        score = np.full(result.n, np.nan)
        score[reached] = outcome.score
    decision = np.full(result.n, NO_HIRE, dtype=np.int8)
    decision[reached] = outcome.decision
    return replace(
        result, process=process, aggregate_z=aggregate, score_z=score, decision=decision
    )


# --------------------------------------------------------------------------- closed form
@dataclass(frozen=True)
class LinearDecision:
    """A debrief whose decision is a set of Gaussian linear scores of the perceived scores.

    Columns: gates (G), then veto holders' spoken views (V), then the rule's
    score. The candidate passes every column ``i`` when
    ``perceived @ weights[:, i] + shift[i] + noise_sd[i] * z_i >= lower[i]``.

    Attributes
    ----------
    weights : ndarray, shape (S, G + V + 1)
    shift, noise_sd, lower : ndarray, shape (G + V + 1,)
    """

    weights: np.ndarray
    shift: np.ndarray
    noise_sd: np.ndarray
    lower: np.ndarray


def _spoken_map(plan: DebriefPlan, order: np.ndarray) -> np.ndarray:
    """(S, S) map with ``spoken = perceived @ map`` for one fixed speaking order."""
    eye = np.eye(plan.aggregate_weights.size)
    written = eye if plan.written_map is None else plan.written_map
    return written @ _speak(plan, eye, order)[0]


def _orders(plan: DebriefPlan) -> list[np.ndarray]:
    if plan.order is not None or plan.alpha == 0:
        return [plan.order if plan.order is not None else np.arange(plan.n_speakers)]
    # Checked before enumerating: 12 speakers would be 479 million orders.
    if math.factorial(plan.n_speakers) > math.factorial(_MIXTURE_LIMIT):
        raise fail(
            "debrief.speaking_order",
            f"random with anchoring among {plan.n_speakers} speakers: the closed form averages "
            f"over every order and supports at most {_MIXTURE_LIMIT} speakers; estimate it "
            "with sim.simulate",
            plan.process.debrief.speaking_order,
        )
    return [np.array(p) for p in itertools.permutations(range(plan.n_speakers))]


def _expected_view_map(plan: DebriefPlan) -> np.ndarray:
    """(Q, Q) map ``M``: expected spoken views ``= written views @ M`` over uniform random orders.

    Exact without enumerating the ``Q!`` orders. Given the set ``A`` of speakers
    before speaker ``q``, the order inside ``A`` is uniform, so
    ``T(A) = E[sum over A of pull * spoken view]`` follows from ``T(A - {l})``
    for the last speaker ``l`` of ``A`` (uniform over ``A``): a recursion over the
    ``2**Q`` subsets, layer by layer of size.
    """
    q_count, alpha, pull = plan.n_speakers, plan.alpha, plan.pull
    masks = np.arange(1 << q_count)
    bits = ((masks[:, None] >> np.arange(q_count)) & 1).astype(bool)  # (2**Q, Q)
    size = bits.sum(axis=1)
    mass = bits @ pull  # total pull of each subset
    eye = np.eye(q_count)
    total = np.zeros((masks.size, q_count))  # T(A) as coefficients on the written views
    for k in range(1, q_count + 1):
        layer = masks[size == k]
        acc = np.zeros((layer.size, q_count))
        for last in range(q_count):
            has = bits[layer, last]
            before = layer[has] ^ (1 << last)
            if k == 1:  # the first speaker is unaffected
                view = eye[last][None, :]
            else:
                view = (1 - alpha) * eye[last] + alpha * total[before] / mass[before, None]
            acc[has] += total[before] + pull[last] * view
        total[layer] = acc / k
    fact = [math.factorial(i) for i in range(q_count + 1)]
    # P(the speakers before q are exactly A) = |A|! (Q - 1 - |A|)! / Q!
    chance = np.array([fact[i] * fact[q_count - 1 - i] / fact[q_count] for i in range(q_count)])
    out = np.zeros((q_count, q_count))
    for q in range(q_count):
        sel = ~bits[:, q] & (size > 0)
        p = chance[size[sel]]
        out[:, q] = alpha * (p[:, None] * total[sel] / mass[sel, None]).sum(axis=0)
        out[q, q] += (1 - alpha) * p.sum() + chance[0]
    return out


def _expected_spoken_map(plan: DebriefPlan) -> np.ndarray:
    """(S, S) map with expected spoken judgments ``= perceived @ map`` (random order averaged)."""
    n_slots = plan.aggregate_weights.size
    if plan.alpha == 0 or plan.order is not None:
        order = plan.order if plan.order is not None else np.arange(plan.n_speakers)
        return _spoken_map(plan, order)
    onehot = np.zeros((plan.n_speakers, n_slots))
    onehot[plan.slot_speaker, np.arange(n_slots)] = 1.0
    shift = plan.speaker_view @ (_expected_view_map(plan) - np.eye(plan.n_speakers)) @ onehot
    spoken = np.eye(n_slots) + shift
    return spoken if plan.written_map is None else plan.written_map @ spoken


def _check_linear_score(plan: DebriefPlan) -> None:
    """SpecError naming ``debrief.rule`` unless the rule's score is linear in the judgments."""
    if (
        plan.rule not in _SCORE_RULES
        or plan.rule == "median"
        or (plan.rule == "trimmed_mean" and plan.trim > 0)
    ):
        raise fail(
            "debrief.rule",
            "has no Gaussian closed form (a nonlinear step); estimate it with sim.simulate",
            plan.rule,
        )


def gaussian_decisions(process: Process) -> list[tuple[float, LinearDecision]]:
    """The debrief as a mixture of Gaussian linear decisions, for exact probabilities.

    A fixed speaking order gives one component; a random order with anchoring
    gives one per order, each with probability ``1 / Q!``.

    Raises
    ------
    SpecError
        Naming ``debrief.rule`` for rules with no Gaussian closed form (median,
        trimmed mean, majority, public votes), or ``debrief.speaking_order`` for
        a random order among more than six speakers.
    """
    plan = debrief_plan(process)
    _check_linear_score(plan)
    orders = _orders(plan)
    m = process.model
    g = m.gate_cuts.size
    parts = []
    for order in orders:
        spoken = _spoken_map(plan, order)
        views = spoken @ plan.speaker_view
        score = spoken @ plan.aggregate_weights
        shift, noise = 0.0, 0.0
        if plan.rule == "discretion":
            w = plan.manager_self_weight
            own = views[:, plan.manager] if plan.manager is not None else score
            score = (1 - w) * score + w * own
            shift, noise = plan.manager_bias, plan.manager_noise
        weights = np.column_stack([m.gate_weights, views[:, plan.veto], score])
        columns = g + plan.veto.size
        parts.append(
            (
                1.0 / len(orders),
                LinearDecision(
                    weights=weights,
                    shift=np.r_[np.zeros(columns), shift],
                    noise_sd=np.r_[np.zeros(columns), noise],
                    lower=np.r_[
                        m.gate_cuts, plan.yes_cut[plan.veto], plan.threshold + plan.hold_band
                    ],
                ),
            )
        )
    return parts


def effective_aggregate_weights(process: Process) -> np.ndarray:
    """Weights (S,) with expected spoken aggregate ``= E[perceived] @ weights``.

    Peeking and anchoring move weight between slots (early speakers gain
    influence); the weights still sum to 1. With a random order this is the
    exact average over every order, computed without enumerating them (up to
    the 18 speakers a random order allows).
    """
    plan = debrief_plan(process)
    if plan.alpha == 0 and plan.written_map is None:
        return plan.aggregate_weights
    return _expected_spoken_map(plan) @ plan.aggregate_weights


def expected_score_weights(process: Process) -> tuple[np.ndarray, float]:
    """Weights (S,) and shift (z) with the rule's expected score ``= E[perceived] @ w + shift``.

    The score is what the rule compares with the threshold: the spoken aggregate
    (weighted mean, consensus, veto), or under ``discretion`` the hiring
    manager's reading ``(1 - w) * aggregate + w * own view + bias`` (the shift is
    the bias). Peeking and anchoring are included; a random order is averaged
    exactly (see :func:`effective_aggregate_weights`). The weights sum to 1.

    Raises
    ------
    SpecError
        Naming ``debrief.rule`` for rules whose score is not linear (median,
        trimmed mean, majority, public votes).
    """
    plan = debrief_plan(process)
    _check_linear_score(plan)
    spoken = _expected_spoken_map(plan)
    weights = spoken @ plan.aggregate_weights
    if plan.rule != "discretion":
        return weights, 0.0
    if plan.manager is not None:
        w = plan.manager_self_weight
        weights = (1 - w) * weights + w * (spoken @ plan.speaker_view[:, plan.manager])
    return weights, plan.manager_bias


# --------------------------------------------------------------------------- rule variants
def _default_manager(process: Process) -> str | None:
    """The hiring manager: named in the debrief, else an interviewer called or titled so."""
    if process.debrief.hiring_manager is not None:
        return process.debrief.hiring_manager
    for person in process.interviewers:
        if person.name == "hiring_manager" or "hiring manager" in person.role.lower():
            return person.name
    return None


def with_rule(process: Process, rule: str) -> tuple[Process | None, str]:
    """``process`` with its debrief switched to ``rule`` alone, and a note on what was assumed.

    Other rules drop the process's veto holders, so each rule is seen on its
    own. Rule ``veto`` keeps the process's holders, or gives the veto to the
    hiring manager when the process names none (``None`` when there is no one
    to hold it).

    Examples
    --------
    >>> import sim
    >>> variant, note = with_rule(sim.load_process("amex_ai_pm_2026"), "veto")
    >>> variant.debrief.veto, note
    (('hiring_manager',), 'veto held by hiring_manager (the process names no veto holder)')
    """
    if rule not in RULES:
        raise fail("rule", f"must be one of {', '.join(RULES)}", rule)
    d = process.debrief
    notes = []
    veto: tuple[str, ...] = ()
    if rule == "veto":
        veto = d.veto
        if not veto:
            manager = _default_manager(process)
            if manager is None:
                return None, "no veto holder and no hiring manager in the process"
            veto = (manager,)
            notes.append(f"veto held by {manager} (the process names no veto holder)")
    elif d.veto and rule != "consensus":
        notes.append(f"veto of {', '.join(d.veto)} not applied")
    if rule == "discretion":
        notes.append(
            f"manager reads the aggregate with noise SD {d.manager_noise:g} and bias "
            f"{d.manager_bias:+g} points"
            + (f", own view weighted {d.manager_self_weight:g}" if d.manager_self_weight else "")
        )
    if rule == "trimmed_mean":
        notes.append(f"{d.trim:.0%} of the weight trimmed from each tail")
    if rule == "public_vote":
        if d.protocol == "written_first":
            notes.append("written votes first: independent, no cascade")
        else:
            notes.append(f"votes aloud in speaking order ({d.tie_rule} on ties)")
    variant = replace(process, debrief=replace(d, rule=rule, veto=veto))
    return variant, "; ".join(notes)


# --------------------------------------------------------------------------- transcript
def _points(process: Process, z: Any) -> Any:
    return process.scale.to_points(z)


def _role_phrase(role: str) -> str:
    head = role.split(" (")[0]
    return head[:1].lower() + head[1:] if head[1:2].islower() else head


def _recommendation(process: Process, plan: DebriefPlan, q: int, view: float) -> str:
    index = int((view >= plan.speaker_cuts[q]).sum())
    return process.scale.recommendations[index]


def _reason_text(process: Process, plan: DebriefPlan, out: DebriefOutcome, stage: int) -> str:
    scale = process.scale
    d = process.debrief
    code = int(out.reason[0])
    score = _points(process, out.score[0])
    name = {
        "median": "median judgment",
        "trimmed_mean": "trimmed mean",
        "discretion": "hiring manager's reading of the aggregate",
    }.get(plan.rule, "aggregate")
    if code == GATE:
        rnd = process.rounds[stage]
        return f"left at the {rnd.title.lower()} gate (needs a mean of {rnd.gate:g})"
    if code == ABOVE:
        return f"{name} {score:.2f} is at or above the hire line {d.threshold + d.hold_band:g}"
    if code == BELOW:
        line = d.threshold - d.hold_band
        word = "at or below" if d.hold_band > 0 else "below"
        return f"{name} {score:.2f} is {word} the line {line:g}"
    if code == IN_BAND:
        return (
            f"{name} {score:.2f} is within {d.hold_band:g} of the threshold {d.threshold:g}: "
            "more information needed"
        )
    if code in (VETOED, NOT_UNANIMOUS):
        q = int(out.blocker[0])
        person = process.interviewer(plan.speakers[q])
        said = _recommendation(process, plan, q, float(out.spoken_view[0, q]))
        if code == VETOED:
            return f"blocked by the {_role_phrase(person.role)}'s veto ({person.name}: {said})"
        return f"blocked: no consensus ({person.name} said {said})"
    if code in (MAJORITY_YES, MAJORITY_NO):
        yes = int(out.spoken_yes[0].sum())
        verb = "a majority" if code == MAJORITY_YES else "no majority"
        return f"{verb} for hire: {yes} of {plan.n_speakers} recommended hire"
    assert out.votes is not None
    yes = int(out.votes[0].sum())
    text = f"vote {yes}-{plan.n_speakers - yes} {'for' if code == VOTE_YES else 'against'} hire"
    if out.cascade_after is not None and out.cascade_after[0] >= 0:
        k = int(out.cascade_after[0])
        direction = "Hire" if out.votes[0, out.order[0, k - 1]] else "No Hire"
        text += f"; a cascade for {direction} began after vote {k}"
    del scale
    return text


def debrief_transcript(
    process: Process,
    profile: Profile,
    rng: int | np.random.SeedSequence | np.random.Generator | None = None,
    rule: str | None = None,
) -> pd.DataFrame:
    """What was said in one simulated debrief of ``profile``, in speaking order.

    Parameters
    ----------
    process : Process
    profile : Profile
    rng : int, SeedSequence, Generator or None
        Seed of the one simulated candidate.
    rule : str, optional
        Decide under this rule instead of the process's (see :func:`with_rule`).

    Returns
    -------
    DataFrame
        One row per stated judgment: ``position`` (speaking turn, from 1),
        ``speaker``, ``role``, ``round``, ``competency`` (title), ``weight``
        (share of the aggregate), ``written`` and ``spoken`` (points),
        ``score`` (whole points of the spoken judgment), ``label`` (the
        speaker's verbal judgment) and ``sentence`` ("Strategic alignment:
        strong"). Empty when the candidate left at a gate. ``frame.attrs``
        holds the rest: ``speakers`` (per speaker: written and spoken views and
        recommendations, vote), ``aggregate``, ``score``, ``threshold``,
        ``decision``, ``reason`` and the settings. Render with
        :func:`transcript_text` or :func:`transcript_dict`.

    Examples
    --------
    >>> import sim
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    >>> frame = debrief_transcript(amex, profile, rng=3)
    >>> frame["sentence"].iloc[0], frame.attrs["decision"]
    ('Motivation: strong', 'Hire')
    """
    from .engine import as_seed_sequence, simulate

    if not isinstance(profile, Profile):
        raise fail("profile", "must be a Profile", type(profile).__name__)
    note = ""
    if rule is not None and rule != process.debrief.rule:
        variant, note = with_rule(process, rule)
        if variant is None:
            raise fail("rule", note, rule)
        process = variant
    seed = rng if isinstance(rng, int) else None
    root = as_seed_sequence(rng)
    result = simulate(process, profile, n=1, rng=root, keep="all")
    plan = debrief_plan(process)
    m = process.model
    stage = int(result.stage[0])
    assert result.perceived is not None and result.debrief_draws is not None
    out = run_debrief(plan, np.nan_to_num(result.perceived), result.debrief_draws)
    reached = stage == len(process.rounds)
    if not reached:
        out = replace(
            out,
            decision=np.array([NO_HIRE], dtype=np.int8),
            reason=np.array([GATE], dtype=np.int8),
        )
    scale = process.scale
    rows, speakers = [], []
    for position, q in enumerate(out.order[0] if reached else ()):
        person = process.interviewer(plan.speakers[q])
        for j in np.flatnonzero(plan.slot_speaker == q):
            spoken = float(_points(process, out.spoken[0, j]))
            label = scale.labels[int((out.spoken[0, j] >= m.label_cuts[j]).sum())]
            title = process.competencies[m.slot_competency[j]].title
            rows.append(
                {
                    "position": position + 1,
                    "speaker": person.name,
                    "role": person.role,
                    "round": process.rounds[m.slot_round[j]].title,
                    "competency": title,
                    "weight": float(plan.aggregate_weights[j]),
                    "written": float(_points(process, out.written[0, j])),
                    "spoken": spoken,
                    "score": int(scale.score(spoken)),
                    "label": label,
                    "sentence": f"{title}: {label}",
                }
            )
        written_view, spoken_view = float(out.written_view[0, q]), float(out.spoken_view[0, q])
        speakers.append(
            {
                "position": position + 1,
                "speaker": person.name,
                "role": person.role,
                "seniority": person.seniority,
                "written_view": float(_points(process, written_view)),
                "spoken_view": float(_points(process, spoken_view)),
                "written_recommendation": _recommendation(process, plan, q, written_view),
                "spoken_recommendation": _recommendation(process, plan, q, spoken_view),
                "vote": None if out.votes is None else ("Hire" if out.votes[0, q] else "No Hire"),
            }
        )
    columns = [
        "position", "speaker", "role", "round", "competency", "weight",
        "written", "spoken", "score", "label", "sentence",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    d = process.debrief
    frame.attrs = {
        "process": process.name,
        "title": process.title,
        "profile": profile.name,
        "seed": seed,
        "rule": d.rule,
        "note": note,
        "protocol": d.protocol,
        "speaking_order": d.speaking_order
        if isinstance(d.speaking_order, str)
        else list(d.speaking_order),
        "anchoring": d.anchoring,
        "senior_pull": d.senior_pull,
        "peeking": d.peeking,
        "threshold": d.threshold,
        "hold_band": d.hold_band,
        "stage": "debrief" if reached else process.rounds[stage].name,
        "speakers": speakers,
        "aggregate": float(_points(process, out.aggregate[0])) if reached else math.nan,
        "score": float(_points(process, out.score[0])) if reached else math.nan,
        "decision": DECISIONS[int(out.decision[0])],
        "reason": _reason_text(process, plan, out, stage),
        "cascade_after": None
        if out.cascade_after is None or not reached or out.cascade_after[0] < 0
        else int(out.cascade_after[0]),
    }
    return frame


def transcript_dict(frame: pd.DataFrame) -> dict[str, Any]:
    """A transcript as plain data (JSON-ready): settings, ``sentences`` and ``speakers``."""
    data = dict(frame.attrs)
    data["sentences"] = frame.to_dict("records")
    return data


def transcript_text(frame: pd.DataFrame) -> str:
    """Render a transcript from :func:`debrief_transcript` as plain text."""
    a = frame.attrs
    seed = "" if a["seed"] is None else f", seed {a['seed']}"
    lines = [f"Debrief: {a['title']}", f"Candidate: {a['profile']}{seed}"]
    order = a["speaking_order"]
    order = order if isinstance(order, str) else " > ".join(order)
    rule = a["rule"] + (f" - {a['note']}" if a["note"] else "")
    lines.append(f"Rule: {rule}; threshold {a['threshold']:g}, hold band {a['hold_band']:g}")
    lines.append(
        f"Protocol: {a['protocol']}; speaking order: {order}; anchoring {a['anchoring']:g}; "
        f"senior pull {a['senior_pull']:g}; peeking {a['peeking']:g}"
    )
    if a["stage"] != "debrief":
        lines.append("")
        lines.append(f"No debrief: the candidate left at {a['stage']}.")
        lines.append(f"Decision: {a['decision']} - {a['reason']}")
        return "\n".join(lines)
    width = max(len(s) for s in frame["sentence"]) if len(frame) else 0
    for speaker in a["speakers"]:
        lines.append("")
        lines.append(f"{speaker['position']}. {speaker['role']} [{speaker['speaker']}]")
        mine = frame[frame["speaker"] == speaker["speaker"]]
        for row in mine.itertuples():
            lines.append(
                f"   {row.sentence:<{width}}  written {row.written:5.2f}  spoken {row.spoken:5.2f}"
            )
        overall = (
            f"   Overall: {speaker['spoken_recommendation']} "
            f"(written {speaker['written_view']:.2f} {speaker['written_recommendation']}, "
            f"spoken {speaker['spoken_view']:.2f} {speaker['spoken_recommendation']})"
        )
        if speaker["vote"] is not None:
            overall += f"; votes {speaker['vote']}"
        lines.append(overall)
    lines.append("")
    lines.append(f"Aggregate: {a['aggregate']:.2f} points (threshold {a['threshold']:g})")
    if a["rule"] in ("median", "trimmed_mean", "discretion"):
        lines.append(f"Rule's score: {a['score']:.2f} points")
    lines.append(f"Decision: {a['decision']} - {a['reason']}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- comparing rules
@dataclass(frozen=True)
class RuleComparison:
    """Every rule on the same simulated candidates and ratings.

    Attributes
    ----------
    metrics : DataFrame
        Indexed by rule: ``hire_rate``, ``hold_rate``, ``precision``, ``recall``,
        ``validity`` (corr of the rule's score, :attr:`Result.score`, with
        performance among those debriefed; for the weighted mean, consensus
        and veto the aggregate's, as in ``Result.summary``; NaN for the vote
        rules, which decide on no score),
        ``decision_validity`` (corr of the hire decision with
        performance, all candidates), ``dollars_per_hire``, ``note``.
    disagreement : DataFrame
        Rule x rule: share of candidates whose decisions differ.
    n, seed : int
    """

    metrics: pd.DataFrame
    disagreement: pd.DataFrame
    n: int
    seed: int | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (NaN kept as float NaN)."""
        return {
            "n": self.n,
            "seed": self.seed,
            "rules": [
                {"rule": rule, **row} for rule, row in self.metrics.to_dict("index").items()
            ],
            "disagreement": self.disagreement.to_dict("index"),
        }


def compare_rules(
    process: Process,
    n: int = 20_000,
    rng: int | np.random.SeedSequence | np.random.Generator | None = None,
    rules: Sequence[str] | None = None,
) -> RuleComparison:
    """Compare decision rules on the same candidates (common random numbers).

    One pool is simulated once; every rule (see :func:`with_rule`) re-decides
    the same ratings with :func:`redecide`, keeping the process's dynamics
    (anchoring, order, protocol, peeking).

    Parameters
    ----------
    process : Process
    n : int
        Candidates.
    rng : int, SeedSequence, Generator or None
    rules : sequence of str, optional
        Default: every rule in :data:`sim.spec.RULES`.

    Returns
    -------
    RuleComparison

    Examples
    --------
    >>> import sim
    >>> table = compare_rules(sim.load_process("amex_ai_pm_2026"), n=5000, rng=1)
    >>> float(table.disagreement.loc["weighted_mean", "weighted_mean"])
    0.0
    """
    from .engine import simulate

    rules = tuple(RULES if rules is None else rules)
    for rule in rules:
        if rule not in RULES:
            raise fail("rules", f"unknown rule; expected some of {', '.join(RULES)}", rule)
    base = simulate(process, n=n, rng=rng, keep="all")
    rows, decisions = {}, {}
    y = base.performance
    for rule in rules:
        variant, note = with_rule(process, rule)
        if variant is None:
            rows[rule] = {"note": note}
            continue
        result = redecide(base, variant)
        s = result.summary()
        hired = result.hired.astype(float)
        reached = result.reached
        rows[rule] = {
            "hire_rate": s["hire_rate"],
            "hold_rate": s["hold_rate"],
            "precision": s["precision"],
            "recall": s["recall"],
            # Vote rules do not decide on a score: their validity is the decision's.
            "validity": _correlation(result.score[reached], y[reached])
            if rule in _SCORE_RULES
            else math.nan,
            "decision_validity": float(np.corrcoef(hired, y)[0, 1]) if hired.std() else math.nan,
            "dollars_per_hire": s["dollars_per_hire"],
            "note": note,
        }
        decisions[rule] = result.decision
    columns = [
        "hire_rate", "hold_rate", "precision", "recall", "validity",
        "decision_validity", "dollars_per_hire", "note",
    ]  # fmt: skip
    metrics = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)
    metrics["note"] = metrics["note"].fillna("")
    metrics.index.name = "rule"
    names = list(decisions)
    disagreement = pd.DataFrame(
        [[float((decisions[a] != decisions[b]).mean()) for b in names] for a in names],
        index=pd.Index(names, name="rule"),
        columns=names,
    )
    return RuleComparison(
        metrics=metrics,
        disagreement=disagreement,
        n=n,
        seed=rng if isinstance(rng, int) else None,
    )


# --------------------------------------------------------------------------- CLI
def _cmd_debrief(args: argparse.Namespace) -> int:
    from .cli import print_json
    from .io import load_process, load_profiles

    process = load_process(args.process)
    # Looked up here, raising SpecError: under `python -m sim.cli` the CLI module's own
    # exception classes are not the ones `main` catches.
    source, _, key = args.profile.rpartition(":")
    profiles = load_profiles(source or process.name, process=process)
    if key not in profiles:
        known = ", ".join(sorted(profiles))
        raise fail("--profile", f"no profile for process {process.name!r}; known: {known}", key)
    profile = profiles[key]
    frame = debrief_transcript(process, profile, rng=args.seed, rule=args.rule)
    if args.json:
        print_json(transcript_dict(frame))
    else:
        print(transcript_text(frame))
    return 0


def _cmd_compare_rules(args: argparse.Namespace) -> int:
    from .cli import _fmt, _format_table, print_json
    from .io import load_process

    process = load_process(args.process)
    table = compare_rules(process, n=args.n, rng=args.seed)
    if args.json:
        print_json({"process": process.name, **table.to_dict()})
        return 0
    print(
        f"{process.title}: {args.n:,} candidates, seed {args.seed} "
        "(the same candidates and ratings under every rule)"
    )
    metrics = table.metrics.drop(columns="note")
    rows = [{"rule": rule, **row} for rule, row in metrics.to_dict("index").items()]
    print(_format_table(rows, ["rule", *metrics.columns]))
    notes = table.metrics["note"]
    for rule, note in notes[notes != ""].items():
        print(f"  {rule}: {note}")
    print("\nShare of candidates on whom two rules disagree:")
    short = {rule: _SHORT.get(rule, rule) for rule in table.disagreement.columns}
    rows = [
        {"rule": a, **{short[b]: _fmt(round(v, 4)) for b, v in row.items()}}
        for a, row in table.disagreement.to_dict("index").items()
    ]
    print(_format_table(rows, ["rule", *short.values()]))
    return 0


def _correlation(x: np.ndarray, y: np.ndarray) -> float:
    if x.size < 3 or np.std(x) == 0 or np.std(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


_SHORT = {"weighted_mean": "w_mean", "trimmed_mean": "trimmed", "public_vote": "pub_vote"}


def register(subparsers: Any) -> None:
    """Add the ``debrief`` and ``compare-rules`` subcommands to ``hiring-sim``."""
    from .cli import _positive_int, _seed

    p = subparsers.add_parser("debrief", help="transcript of one simulated debrief")
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--profile", required=True, help="profile name (or FILE.yaml:NAME)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--rule", choices=RULES, help="decide under this rule instead")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_debrief)

    p = subparsers.add_parser("compare-rules", help="every decision rule on the same candidates")
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--n", type=_positive_int, default=100_000, help="candidates (default 100000)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_compare_rules)
