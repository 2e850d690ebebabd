"""The debrief compiled to small matrices, once per process (z units).

The plan says who speaks (``Q`` speakers: interviewers who rated something, in
the process's order), what each speaker's overall view is (the
competency-weighted mean of their judgments), where they turn from "no" to
"yes", whose "no" blocks, the fixed speaking order (if any), and how peeking
moves written scorecards. Everything a decision rule needs and nothing it has to
re-validate: the spec has checked it all.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from ..model import LinearModel, compile_model, view_weights
from ..spec import Process
from ..validation import check_type

__all__ = ["DebriefPlan", "debrief_plan", "speaker_weights", "veto_names"]


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
    model: LinearModel
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
    check_type("process", process, Process, "see sim.load_process")
    plan = _PLANS.get(process)
    if plan is None:
        plan = _build_plan(compile_model(process))
        _PLANS[process] = plan
    return plan


def _build_plan(m: LinearModel) -> DebriefPlan:
    process = m.process
    d = process.debrief
    scale = process.scale
    rated = set(m.seat_interviewer)
    speakers = tuple(name for name in process.interviewer_names if name in rated)
    index = {name: q for q, name in enumerate(speakers)}
    seat_speaker = np.array([index[name] for name in m.seat_interviewer], dtype=np.intp)
    slot_speaker = seat_speaker[m.slot_seat]
    q_count = len(speakers)

    # A recommendation is the competency-weighted mean of a speaker's judgments. Someone
    # whose competencies all weigh 0 has none that counts: they speak (their plain mean
    # is what they say and what anchors others) but neither vote nor veto.
    speaker_view, counts = speaker_weights(m, m.competency_weights, slot_speaker, q_count)
    first_seat = np.array([np.flatnonzero(seat_speaker == q)[0] for q in range(q_count)])
    speaker_cuts = m.recommendation_cuts[first_seat]
    yes = len(scale.recommendations) // 2 - 1

    people = [process.interviewer(name) for name in speakers]
    seniority = np.array([p.seniority for p in people])
    person_index = {name: i for i, name in enumerate(process.interviewer_names)}
    vote_weight = m.interviewer_weights[[person_index[name] for name in speakers]]
    vote_weight = np.where(counts, vote_weight, 0.0)
    if vote_weight.sum() <= 0:
        vote_weight = counts.astype(float)

    veto = np.array(
        [index[n] for n in veto_names(process, speakers) if counts[index[n]]], dtype=np.intp
    )
    manager = index.get(d.hiring_manager) if d.hiring_manager is not None else None
    return DebriefPlan(
        process=process,
        model=m,
        rule=d.rule,
        speakers=speakers,
        slot_speaker=slot_speaker,
        speaker_view=speaker_view,
        speaker_cuts=speaker_cuts,
        yes_cut=speaker_cuts[:, yes],
        vote_weight=vote_weight,
        pull=1.0 + d.senior_pull * seniority,
        seniority=seniority,
        order=_fixed_order(d.speaking_order, seniority, index),
        alpha=0.0 if d.protocol == "written_first" else d.anchoring,
        written_map=_peeking_map(m, d.peeking),
        aggregate_weights=m.aggregate_weights,
        threshold=m.threshold,
        hold_band=m.hold_band,
        veto=veto,
        manager=manager,
        manager_noise=float(scale.to_z(d.manager_noise, relative=True)),
        manager_bias=float(scale.to_z(d.manager_bias, relative=True)),
        manager_self_weight=d.manager_self_weight if manager is not None else 0.0,
        trim=d.trim,
        tie_rule=d.tie_rule,
        public=d.rule == "public_vote" and d.protocol == "spoken",
    )


def speaker_weights(
    m: LinearModel, competency_weights: np.ndarray, slot_speaker: np.ndarray, q_count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each speaker's view weights and whether any of their judgments weighs in the debrief.

    Parameters
    ----------
    m : LinearModel
    competency_weights : ndarray, shape (K,) or (v, K)
        Raw competency weights (>= 0), one row per variant of the debrief.
    slot_speaker : ndarray of int, shape (S,)
    q_count : int
        Number of speakers (Q).

    Returns
    -------
    speaker_view : ndarray, shape (S, Q) or (v, S, Q)
        A speaker's overall view is ``scores @ speaker_view`` (competency-weighted mean;
        their plain mean when none of their competencies weighs).
    counts : ndarray of bool, shape (Q,) or (v, Q)
        Whether some competency the speaker rated weighs more than 0: only then do
        they vote and hold a veto.
    """
    weights = np.asarray(competency_weights, dtype=float)
    speaker_view = view_weights(m, weights, slot_speaker, q_count)
    onehot = np.arange(q_count) == slot_speaker[:, None]  # (S, Q)
    counts = ((weights[..., m.slot_competency] > 0)[..., None] & onehot).any(axis=-2)
    return speaker_view, counts


def veto_names(process: Process, speakers: tuple[str, ...]) -> tuple[str, ...]:
    """Who may block: every speaker under ``consensus``, else the debrief's veto holders.

    Only those among them whose judgments weigh in the debrief hold the veto
    (:func:`speaker_weights`).
    """
    return speakers if process.debrief.rule == "consensus" else process.debrief.veto


def _fixed_order(
    spec: str | tuple[str, ...], seniority: np.ndarray, index: dict[str, int]
) -> np.ndarray | None:
    """Speaker indices in speaking order; ``None`` for a random order."""
    if spec == "random":
        return None
    if spec == "listed":
        return np.arange(seniority.size)
    if spec in ("seniority", "reverse_seniority"):
        order = np.argsort(-seniority, kind="stable")
        return order[::-1].copy() if spec == "reverse_seniority" else order
    return np.array([index[name] for name in spec], dtype=np.intp)


def _peeking_map(m: LinearModel, beta: float) -> np.ndarray | None:
    """(S, S) map from perceived to written scores when scorecards peek at earlier ones."""
    if beta == 0:
        return None
    process = m.process
    # A scorecard is read at its competency-weighted mean (plain mean if none weighs).
    scorecards = view_weights(m, m.competency_weights, m.slot_seat, m.n_seats)
    written = np.eye(m.n_slots)
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
