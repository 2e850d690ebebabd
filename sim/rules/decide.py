"""The decision: funnel gates, then the debrief's rule (z units throughout).

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
    as in Bikhchandani, Hirshleifer & Welch (1992) (see :mod:`sim.rules.votes`).
    Under ``"written_first"`` the votes are independent written votes.

Score rules (weighted mean, median, trimmed mean, consensus, veto, discretion)
give Hold when the score is within ``hold_band`` of the threshold. A veto holder's
"no" blocks under every rule. A speaker whose competencies all weigh 0 in the
debrief has no recommendation that counts: they speak (and anchor) but neither
vote nor veto. Randomness (random order, vote coins, the manager's noise) comes
from :data:`N_DRAWS` standard normals per candidate that the engine draws in
each block's own stream, so :func:`sim.engine.redecide` can re-run any debrief
on the same candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import fail
from ..model import HIRE, HOLD, NO_HIRE, LinearModel
from ..spec import Process
from ..validation import check_type
from .plan import DebriefPlan, debrief_plan
from .scores import weighted_median, weighted_trimmed_mean
from .speaking import speak, speaking_orders
from .votes import coins, sequential_votes

__all__ = [
    "N_DRAWS",
    "REASONS",
    "SCORE_RULES",
    "DebriefOutcome",
    "decide",
    "funnel",
    "has_own_score",
    "run_debrief",
]

#: Standard normal draws per candidate for the debrief: speaking order, vote coins, manager.
N_DRAWS = 3
_ORDER, _COIN, _MANAGER = range(N_DRAWS)

#: Rules that compare a score with the threshold (the others count votes).
SCORE_RULES = ("weighted_mean", "median", "trimmed_mean", "consensus", "veto", "discretion")

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


@dataclass(frozen=True)
class DebriefOutcome:
    """Everything said and decided in ``n`` debriefs (z units unless stated).

    Attributes
    ----------
    order : ndarray of int, shape (n, Q)
        Speaker index at each speaking position.
    written, spoken : ndarray, shape (n, S)
        Scores as submitted and as stated aloud (on the scale unless the
        committee counts latent scores: :meth:`sim.model.LinearModel.write`).
    counted : ndarray, shape (n, S)
        What the committee counts of each judgment: the spoken score, or its
        label's value under ``aggregate: labels`` (the same array otherwise).
    written_view, spoken_view : ndarray, shape (n, Q)
        Each speaker's overall view (competency-weighted mean).
    written_yes, spoken_yes : ndarray of bool, shape (n, Q)
        Whether each speaker's overall recommendation is a "yes".
    votes : ndarray of bool, shape (n, Q), or None
        Each speaker's vote (``public_vote`` only).
    cascade_after : ndarray of int, shape (n,), or None
        Votes after which a cascade began (-1: none); ``public_vote`` only.
    aggregate : ndarray, shape (n,)
        Weighted mean of the counted judgments.
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
    counted: np.ndarray
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


def has_own_score(process: Process) -> bool:
    """Whether the rule compares something other than the aggregate with the threshold.

    True for the weighted median, the trimmed mean (``trim > 0``) and the hiring
    manager's reading under ``discretion``.
    """
    d = process.debrief
    return d.rule in ("median", "discretion") or (d.rule == "trimmed_mean" and d.trim > 0)


def run_debrief(
    process: Process | DebriefPlan,
    perceived: np.ndarray,
    draws: np.ndarray | None = None,
    *,
    written: np.ndarray | None = None,
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
    written : ndarray, shape (n, S), optional
        ``model.write(perceived)`` when the caller already has it (many debriefs
        of one pool on one scale); computed here otherwise.

    Returns
    -------
    DebriefOutcome
    """
    plan = process if isinstance(process, DebriefPlan) else debrief_plan(process)
    perceived = _scores_array("perceived", perceived, plan.aggregate_weights.size)
    if draws is not None:
        draws = _scores_array("draws", draws, N_DRAWS, rows=perceived.shape[0])
    n = perceived.shape[0]
    needs = plan.order is None or plan.rule == "discretion"
    needs = needs or (plan.public and plan.tie_rule == "coin")
    if needs and draws is None:
        raise fail("draws", "are needed for this debrief (random order, coins or discretion)")
    m = plan.model
    written = m.write(perceived) if written is None else written
    if plan.written_map is not None:
        written = m.write(written @ plan.written_map)
    order = speaking_orders(plan, n, None if draws is None else draws[:, _ORDER])
    # A fixed order is spoken column by column (the fast path of `speak`).
    spoken, written_view, spoken_view = speak(
        plan, written, plan.order if plan.order is not None else order
    )
    yes_cut = plan.yes_cut - m.tolerance
    written_yes = written_view >= yes_cut
    spoken_yes = written_yes if spoken_view is written_view else spoken_view >= yes_cut
    counted = m.counted(spoken)
    if m.on_scale:
        # On-scale aggregates sit on a lattice (and on histogram edges): a row-wise pairwise
        # sum gives the same bits for a row whatever the batch around it, unlike BLAS.
        aggregate = (counted * plan.aggregate_weights).sum(axis=1)
    else:
        aggregate = counted @ plan.aggregate_weights
    votes = cascade_after = None
    if plan.rule in SCORE_RULES:
        score = _score(plan, counted, spoken_view, aggregate, draws)
        decision, reason = _on_score(plan, score)
    else:
        score = aggregate
        decision, reason, votes, cascade_after = _on_votes(
            plan, order, written_yes, spoken_yes, draws
        )
    blocker = _apply_veto(plan, order, spoken_yes, decision, reason)
    return DebriefOutcome(
        order=order,
        written=written,
        spoken=spoken,
        counted=counted,
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


def _scores_array(name: str, value: object, width: int, rows: int | None = None) -> np.ndarray:
    """``value`` as a float array of shape (rows, width), else a SpecError naming it."""
    check_type(name, value, np.ndarray, "a numpy array")
    shape = (rows if rows is not None else "n", width)
    if value.ndim != 2 or value.shape[1] != width or (rows is not None and len(value) != rows):
        raise fail(name, f"must have shape {shape}", value.shape)
    return value.astype(float, copy=False)


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


def _on_score(plan: DebriefPlan, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Decision and reason codes of a score rule: hire line, hold band."""
    margin = score - plan.threshold
    # On-scale aggregates lie on a lattice: a sum equal to the line counts as at the line.
    slack = plan.model.tolerance
    hire = margin >= plan.hold_band - slack
    decision = np.where(hire, HIRE, NO_HIRE).astype(np.int8)
    reason = np.where(hire, ABOVE, BELOW).astype(np.int8)
    if plan.hold_band > 0:
        held = ~hire & (margin > slack - plan.hold_band)
        decision[held] = HOLD
        reason[held] = IN_BAND
    return decision, reason


def _on_votes(
    plan: DebriefPlan,
    order: np.ndarray,
    written_yes: np.ndarray,
    spoken_yes: np.ndarray,
    draws: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Decision, reason, votes and cascade start of the vote rules."""
    votes = cascade_after = None
    if plan.rule == "majority":
        share = spoken_yes @ plan.vote_weight / plan.vote_weight.sum()
        hire, yes_code, no_code = share > 0.5, MAJORITY_YES, MAJORITY_NO
    else:
        signals = np.take_along_axis(written_yes, order, axis=1)
        if plan.public:
            tosses = coins(draws[:, _COIN], plan.n_speakers) if draws is not None else None
            cast = sequential_votes(signals, tosses, plan.tie_rule)
            in_order, cascade_after = cast.votes, cast.cascade_after
        else:
            in_order = signals
        votes = np.empty_like(in_order)
        np.put_along_axis(votes, order, in_order, axis=1)
        share = votes @ plan.vote_weight / plan.vote_weight.sum()
        hire, yes_code, no_code = share > 0.5, VOTE_YES, VOTE_NO
    decision = np.where(hire, HIRE, NO_HIRE).astype(np.int8)
    reason = np.where(hire, yes_code, no_code).astype(np.int8)
    return decision, reason, votes, cascade_after


def _apply_veto(
    plan: DebriefPlan,
    order: np.ndarray,
    spoken_yes: np.ndarray,
    decision: np.ndarray,
    reason: np.ndarray,
) -> np.ndarray:
    """Block with a veto holder's "no" (in place); return the blocker of each debrief."""
    blocker = np.full(decision.size, -1, dtype=np.intp)
    if plan.veto.size:
        said_no = ~spoken_yes[:, plan.veto]
        # The first holder to speak who said "no" is named as the blocker.
        position = np.argsort(order, axis=1)[:, plan.veto]
        first = np.argmin(np.where(said_no, position, plan.n_speakers), axis=1)
        blocked = said_no.any(axis=1) & (decision != NO_HIRE)
        blocker[blocked] = plan.veto[first[blocked]]
        decision[blocked] = NO_HIRE
        reason[blocked] = NOT_UNANIMOUS if plan.rule == "consensus" else VETOED
    return blocker


def funnel(
    model: LinearModel, perceived: np.ndarray, *, written: np.ndarray | None = None
) -> np.ndarray:
    """Stage each candidate reached: the round at whose gate they left, else the debrief.

    Parameters
    ----------
    model : LinearModel
    perceived : ndarray, shape (n, S)
        Perceived scores (z); gates act on what is written of them
        (:meth:`sim.model.LinearModel.write`).
    written : ndarray, shape (n, S), optional
        ``model.write(perceived)`` when the caller already has it (the engine writes
        a block once for its gates and its debrief); computed here otherwise.

    Returns
    -------
    ndarray of int8, shape (n,)
        Round index, or ``len(process.rounds)`` for those who reached the debrief.
    """
    n_rounds = len(model.process.rounds)
    stage = np.full(perceived.shape[0], n_rounds, dtype=np.int8)
    if model.gate_cuts.size:
        gates = (model.write(perceived) if written is None else written) @ model.gate_weights
        cuts = model.gate_cuts - model.tolerance
        for g in range(model.gate_cuts.size):
            leaves = (stage == n_rounds) & (gates[:, g] < cuts[g])
            stage[leaves] = model.gate_rounds[g]
    return stage


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
    stage = funnel(model, perceived)
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
