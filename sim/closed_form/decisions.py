"""The debrief as Gaussian linear decisions: what makes hire probabilities exact.

With continuous scores and a rule whose score is linear in the judgments
(weighted mean, consensus, veto, discretion, the trimmed mean without trim),
every decision score (gates, veto holders' spoken views, the rule's score) is a
linear map of the perceived scores, whatever the peeking and anchoring. A fixed
speaking order gives one Gaussian decision; a random order with anchoring a
mixture over the orders.

The expected score's weights (:func:`expected_score_weights`) and the expected
aggregate's (:func:`effective_aggregate_weights`) are derived here, once, from
the same expected spoken map; contributions, waterfalls and sway all use them.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from ..errors import fail
from ..model import compile_model
from ..rules import SCORE_RULES, DebriefPlan, debrief_plan, speak
from ..spec import Process

__all__ = [
    "MIXTURE_LIMIT",
    "LinearDecision",
    "effective_aggregate_weights",
    "expected_score_weights",
    "expected_spoken_map",
    "gaussian_decisions",
    "has_linear_score",
]

#: The exact closed form of a random order with anchoring averages over Q! orders: at most 720.
MIXTURE_LIMIT = 6


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
    return written @ speak(plan, eye, order)[0]


def _orders(plan: DebriefPlan) -> list[np.ndarray]:
    if plan.order is not None or plan.alpha == 0:
        return [plan.order if plan.order is not None else np.arange(plan.n_speakers)]
    # Checked before enumerating: 12 speakers would be 479 million orders.
    if math.factorial(plan.n_speakers) > math.factorial(MIXTURE_LIMIT):
        raise fail(
            "debrief.speaking_order",
            f"random with anchoring among {plan.n_speakers} speakers: the closed form averages "
            f"over every order and supports at most {MIXTURE_LIMIT} speakers; estimate it "
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


def expected_spoken_map(plan: DebriefPlan) -> np.ndarray:
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


def has_linear_score(process: Process) -> bool:
    """Whether the rule's score is linear in the judgments (so Gaussian, with a closed form).

    True for the weighted mean, consensus, veto, discretion and the trimmed mean
    with ``trim: 0``; False for the median, a trimmed mean and the vote rules.
    """
    d = process.debrief
    return (
        d.rule in SCORE_RULES
        and d.rule != "median"
        and not (d.rule == "trimmed_mean" and d.trim > 0)
    )


def _check_linear_score(plan: DebriefPlan) -> None:
    """SpecError naming ``debrief.rule`` unless the rule's score is linear in the judgments."""
    if not has_linear_score(plan.process):
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
    m = compile_model(process)
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
    return expected_spoken_map(plan) @ plan.aggregate_weights


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
    spoken = expected_spoken_map(plan)
    weights = spoken @ plan.aggregate_weights
    if plan.rule != "discretion":
        return weights, 0.0
    if plan.manager is not None:
        w = plan.manager_self_weight
        weights = (1 - w) * weights + w * (spoken @ plan.speaker_view[:, plan.manager])
    return weights, plan.manager_bias
