"""Many debriefs of one pool that differ only in their competency weights, decided at once.

A decision swing (:func:`sim.analysis.decision_swing`) re-decides the same
ratings under twenty weight variants. Run one by one, each variant pays for a
compiled model, a plan and a pass of small products over the pool; here every
variant's view weights and aggregate weights come from the same derivations
(:func:`sim.model.aggregate_weights`, :func:`sim.rules.plan.speaker_weights`)
with one row per variant, and the pool is read once for all of them. Speaking
and anchoring are :func:`sim.rules.speaking.anchor`, the rule's comparison is
the one of :func:`sim.rules.run_debrief`.

Only the decisions are computed, and only for the rules whose decision is the
aggregate against the hire line plus a veto (:func:`batchable`); the other
rules read their weights in ways (a weighted median, votes, the manager's own
view) that :func:`sim.rules.run_debrief` runs one variant at a time.
"""

from __future__ import annotations

import numpy as np

from ..model import NO_HIRE, aggregate_weights
from .decide import _ORDER, _on_score
from .plan import DebriefPlan, speaker_weights, veto_names
from .speaking import anchor, speaking_orders

__all__ = ["batchable", "weight_variant_decisions"]

#: Rules decided here: the aggregate against the hire line (and hold band), and a veto.
BATCHED_RULES = ("weighted_mean", "consensus", "veto")
#: Elements of the largest (rows, variants, S) array held at once (16 MB of floats).
_CHUNK_ELEMENTS = 1 << 16


def batchable(plan: DebriefPlan) -> bool:
    """Whether :func:`weight_variant_decisions` decides ``plan``'s debrief.

    True for the weighted mean, consensus and veto rules (and a trimmed mean
    that trims nothing) without peeking: peeking moves the written scorecards
    by their competency-weighted means, which depend on the weights.
    """
    plain = plan.rule in BATCHED_RULES or (plan.rule == "trimmed_mean" and plan.trim == 0)
    return plain and plan.written_map is None


def weight_variant_decisions(
    plan: DebriefPlan,
    written: np.ndarray,
    draws: np.ndarray | None,
    competency_weights: np.ndarray,
) -> np.ndarray:
    """Decisions of ``plan``'s debrief under each row of raw competency weights.

    Parameters
    ----------
    plan : DebriefPlan
        The debrief all variants share except for their competency weights
        (:func:`batchable`).
    written : ndarray, shape (n, S)
        ``plan.model.write(perceived)`` of the candidates who reached the debrief (z).
    draws : ndarray, shape (n, N_DRAWS), or None
        The debrief's standard normals; needed for a random speaking order.
    competency_weights : ndarray, shape (v, K)
        Raw competency weights (>= 0) of each variant; every row weighs some
        assessed competency.

    Returns
    -------
    ndarray of int8, shape (v, n)
        Each variant's decision codes, as :func:`sim.rules.run_debrief` gives them.
    """
    if not batchable(plan):
        raise ValueError(f"rule {plan.rule!r} is not decided in a batch (see batchable)")
    m = plan.model
    weights = np.atleast_2d(np.asarray(competency_weights, dtype=float))
    v, n, s = weights.shape[0], written.shape[0], written.shape[1]
    agg = aggregate_weights(m, weights, m.interviewer_weights)  # (v, S)
    view, counts = speaker_weights(m, weights, plan.slot_speaker, plan.n_speakers)
    holders = np.isin(np.array(plan.speakers), veto_names(plan.process, plan.speakers))
    holders = holders[None, :] & counts  # (v, Q): who holds a veto in each variant
    vetoes = bool(holders.any())
    views_at_once = view.transpose(1, 0, 2).reshape(s, -1)  # (S, v * Q)
    order = speaking_orders(plan, n, None if draws is None else draws[:, _ORDER])
    yes_cut = plan.yes_cut - m.tolerance
    out = np.empty((v, n), dtype=np.int8)
    step = max(1, _CHUNK_ELEMENTS // (v * s))
    for start in range(0, n, step):
        rows = slice(start, start + step)
        chunk = written[rows]
        if plan.alpha == 0:
            aggregate = m.counted(chunk) @ agg.T  # (c, v)
            if vetoes:
                spoken_views = m.write(chunk @ views_at_once).reshape(len(chunk), v, -1)
        else:
            views = m.write(chunk @ views_at_once).reshape(len(chunk), v, -1)
            shift, spoken_views = anchor(
                plan, views, plan.order if plan.order is not None else order[rows]
            )
            spoken = m.write(chunk[:, None, :] + shift[..., plan.slot_speaker])  # (c, v, S)
            aggregate = np.einsum("cvs,vs->cv", m.counted(spoken), agg)
        decision, _ = _on_score(plan, aggregate)
        if vetoes:
            said_no = ~(spoken_views >= yes_cut)
            decision[(said_no & holders).any(axis=-1) & (decision != NO_HIRE)] = NO_HIRE
        out[:, rows] = decision.T
    return out
