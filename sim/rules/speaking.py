"""Who speaks when, and how each stated view moves toward the ones already spoken.

Speaking orders are ``(n, Q)`` arrays of speaker indices (one row per
candidate); a fixed order is the plan's ``(Q,)`` order broadcast to every
candidate. Anchoring: each speaker's judgments move a share ``alpha`` toward the
anchor, the mean of the views already spoken, each earlier speaker counted
``1 + senior_pull * seniority`` times; the first speaker is unaffected.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .plan import DebriefPlan

__all__ = ["anchor", "random_orders", "speak", "speaking_orders"]


def speaking_orders(plan: DebriefPlan, n: int, normals: np.ndarray | None = None) -> np.ndarray:
    """Speaking order of each of ``n`` debriefs: speaker indices, shape (n, Q).

    Parameters
    ----------
    plan : DebriefPlan
    n : int
    normals : ndarray, shape (n,), optional
        One standard normal per candidate; needed for a random order.

    Returns
    -------
    ndarray of int, shape (n, Q)
        A read-only broadcast of the plan's fixed order, or a random order per row.
    """
    if plan.order is None:
        if normals is None:
            raise ValueError("a random speaking order needs one normal draw per candidate")
        return random_orders(normals, plan.n_speakers)
    return np.broadcast_to(plan.order, (n, plan.n_speakers))


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


def speak(
    plan: DebriefPlan, written: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spoken judgments after anchoring, in speaking ``order``.

    Parameters
    ----------
    plan : DebriefPlan
    written : ndarray, shape (n, S)
        Written scores (z). Views and anchored judgments are written on the
        scale (:meth:`sim.model.LinearModel.write`) unless the committee counts
        latent scores; an anchored judgment moves by its speaker's (continuous)
        move toward the anchor, the mean of the views already spoken as said.
    order : ndarray of int, shape (Q,) or (n, Q)
        One order for every row, or one per row.

    Returns
    -------
    spoken : ndarray, shape (n, S)
    written_view, spoken_view : ndarray, shape (n, Q)
        Each speaker's overall view before and after anchoring (the same array
        when nothing anchors).
    """
    write = plan.model.write  # views and anchored judgments are said on the scale too
    views = write(written @ plan.speaker_view)
    if plan.alpha == 0:
        return written, views, views
    shift, spoken_views = anchor(plan, views, order)
    return write(written + shift[:, plan.slot_speaker]), views, spoken_views


def anchor(
    plan: DebriefPlan, views: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each speaker's move toward the anchor and their view as said, in speaking ``order``.

    Parameters
    ----------
    plan : DebriefPlan
    views : ndarray, shape (n, Q) or (n, v, Q)
        Written overall views (z), for one debrief or ``v`` variants of its weights.
    order : ndarray of int, shape (Q,) or (n, Q)

    Returns
    -------
    shift : ndarray, shape of ``views``
        How far each speaker's judgments move (continuous, z; 0 for the first speaker).
    spoken_views : ndarray, shape of ``views``
        Each speaker's overall view after anchoring, on the scale.
    """
    write = plan.model.write
    n, q_count = views.shape[0], views.shape[-1]
    shift = np.zeros(views.shape)
    spoken_views = views.copy()
    total = np.zeros(views.shape[:-1])
    weight: np.ndarray | float = 0.0
    rows = np.arange(n)
    fixed = order.ndim == 1
    variants = (1,) * (views.ndim - 2)  # a per-row pull broadcast over the variants
    for t in range(q_count):
        q = order[t] if fixed else order[:, t]
        at = (Ellipsis, q) if fixed else (rows, Ellipsis, q)
        view = views[at]
        if t > 0:
            move = plan.alpha * (total / weight - view)
            view = write(view + move)
            shift[at] = move
        spoken_views[at] = view
        pull = plan.pull[q] if fixed else plan.pull[q].reshape(n, *variants)
        total = total + pull * view
        weight = weight + pull
    return shift, spoken_views
