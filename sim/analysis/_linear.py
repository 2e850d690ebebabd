"""Shared linear-Gaussian machinery of the analyses (internal).

The debrief's decision scores are linear maps of the perceived scores, so a
candidate's hire probability is an orthant probability of a small Gaussian
vector (gates, veto holders' views, aggregate). The analyses evaluate it for
many modified weights or levels at once; these helpers do that vectorised,
without rebuilding the process for every modification.

:func:`debrief_weights` reproduces, for a batch of competency and interviewer
weights, the one Gaussian decision of a plain debrief as
:func:`sim.debrief.gaussian_decisions` builds it from the debrief plan (the
tests hold it to that).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..closed_form import orthant_probability
from ..debrief import debrief_plan
from ..model import LinearModel
from ..theory import bivariate_normal_cdf

__all__ = [
    "clipped_normal_moments",
    "debrief_lower",
    "debrief_weights",
    "hire_probability_batch",
    "mixture_hire_probability",
    "orthant_batch",
    "slot_person",
]

# Gauss-Legendre nodes for the one-dimensional integral of the 3-D orthant.
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(64)


def slot_person(model: LinearModel) -> np.ndarray:
    """Index (into ``process.interviewers``) of the rater of each slot, shape (S,)."""
    names = model.process.interviewer_names
    seat_person = np.array([names.index(p) for p in model.seat_interviewer], dtype=np.intp)
    return seat_person[model.slot_seat]


def debrief_weights(
    model: LinearModel, competency_weights: np.ndarray, interviewer_weights: np.ndarray
) -> np.ndarray:
    """Decision-score weights of a plain debrief for a batch of raw debrief weights.

    A plain debrief has no peeking, no anchoring and decides on the spoken
    aggregate (weighted mean, trimmed mean without trim, veto).

    Parameters
    ----------
    model : LinearModel
    competency_weights : ndarray, shape (m, K)
        Raw competency weights (the debrief's ``competency_weights``, >= 0).
    interviewer_weights : ndarray, shape (m, I)
        Raw interviewer weights in ``process.interviewers`` order (>= 0).

    Returns
    -------
    ndarray, shape (m, S, G + V + 1)
        Columns as in :func:`sim.debrief.gaussian_decisions`: gate scores, the
        veto holders' views (each the competency-weighted mean of all the
        holder's judgments; NaN where every competency the holder rates weighs
        0, which makes the process invalid), aggregate.
    """
    comp_w = np.atleast_2d(np.asarray(competency_weights, dtype=float))
    person_w = np.atleast_2d(np.asarray(interviewer_weights, dtype=float))
    m = max(comp_w.shape[0], person_w.shape[0])
    comp_w = np.broadcast_to(comp_w, (m, comp_w.shape[1]))
    person_w = np.broadcast_to(person_w, (m, person_w.shape[1]))
    k_of = model.slot_competency
    n_slots, k = model.n_slots, model.n_competencies
    onehot = np.zeros((n_slots, k))
    onehot[np.arange(n_slots), k_of] = 1.0
    count = onehot.sum(axis=0)
    assessed = count > 0

    pw = person_w[:, slot_person(model)]  # (m, S)
    per_comp = (pw @ onehot)[:, k_of]  # (m, S) sum of interviewer weights of the competency
    with np.errstate(invalid="ignore", divide="ignore"):
        share_within = np.where(per_comp > 0, pw / per_comp, 1.0 / count[k_of])
    total = comp_w[:, assessed].sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        aggregate = comp_w[:, k_of] / total * share_within

    plan = debrief_plan(model.process)
    veto_cols = np.zeros((m, n_slots, plan.veto.size))
    for v, speaker in enumerate(plan.veto):
        mine = plan.slot_speaker == speaker
        w = comp_w[:, k_of[mine]]
        s = w.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            veto_cols[:, mine, v] = np.where(s > 0, w / s, np.nan)
    gates = np.broadcast_to(model.gate_weights, (m, *model.gate_weights.shape))
    return np.concatenate([gates, veto_cols, aggregate[:, :, None]], axis=2)


def debrief_lower(model: LinearModel) -> np.ndarray:
    """Lower bounds (G + V + 1,) of the columns of :func:`debrief_weights` (z)."""
    plan = debrief_plan(model.process)
    return np.r_[model.gate_cuts, plan.yes_cut[plan.veto], model.threshold + model.hold_band]


def orthant_batch(mean: np.ndarray, cov: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """``P(X >= lower)`` for a batch of Gaussians ``X ~ N(mean[i], cov[i])``.

    Parameters
    ----------
    mean : ndarray, shape (m, D)
    cov : ndarray, shape (m, D, D)
    lower : ndarray, shape (D,)

    Returns
    -------
    ndarray, shape (m,)
        Exact (Owen's T) for D <= 2; for D = 3 a 64-node Gauss-Legendre integral of
        the exact bivariate CDF (error below 1e-9 in the tests); otherwise, and for
        degenerate rows, scipy's Genz algorithm row by row.
    """
    mean = np.asarray(mean, dtype=float)
    cov = np.asarray(cov, dtype=float)
    m, d = mean.shape
    sd = np.sqrt(np.clip(np.einsum("mii->mi", cov), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (mean - lower) / sd
        corr = cov / (sd[:, :, None] * sd[:, None, :])
    out = np.full(m, np.nan)
    regular = np.all(sd > 0, axis=1)
    if d == 1:
        out[regular] = special.ndtr(z[regular, 0])
    elif d == 2:
        rho = np.clip(corr[regular, 0, 1], -1.0, 1.0)
        out[regular] = bivariate_normal_cdf(z[regular, 0], z[regular, 1], rho)
    elif d == 3:
        r12, r13 = corr[:, 0, 1], corr[:, 0, 2]
        ok = regular & (np.abs(r12) < 1 - 1e-9) & (np.abs(r13) < 1 - 1e-9)
        out[ok] = _orthant3(z[ok], corr[ok])
        regular = ok
    else:
        regular = np.zeros(m, dtype=bool)
    for i in np.flatnonzero(~regular):
        out[i] = orthant_probability(mean[i], cov[i], lower)
    return np.clip(out, 0.0, 1.0)


def _orthant3(z: np.ndarray, corr: np.ndarray) -> np.ndarray:
    """``P(Y1 < z1, Y2 < z2, Y3 < z3)`` for standard normals with correlation ``corr``.

    Conditions on ``Y1 = y`` and integrates ``phi(y)`` times the exact bivariate
    CDF of the other two over ``y in (-8.5, z1)`` (the mass below -8.5 is < 1e-16).
    """
    r12, r13, r23 = corr[:, 0, 1], corr[:, 0, 2], corr[:, 1, 2]
    s2, s3 = np.sqrt(1 - r12**2), np.sqrt(1 - r13**2)
    partial = np.clip((r23 - r12 * r13) / (s2 * s3), -1.0, 1.0)
    low = -8.5
    high = np.clip(z[:, 0], low, 8.5)  # (m,)
    half = (high - low) / 2.0
    y = low + half[:, None] * (_GL_NODES[None, :] + 1.0)  # (m, q)
    a = (z[:, 1, None] - r12[:, None] * y) / s2[:, None]
    b = (z[:, 2, None] - r13[:, None] * y) / s3[:, None]
    inner = bivariate_normal_cdf(a, b, np.broadcast_to(partial[:, None], a.shape))
    density = np.exp(-(y**2) / 2.0) / np.sqrt(2.0 * np.pi)
    return half * ((density * np.asarray(inner)) @ _GL_WEIGHTS)


def hire_probability_batch(
    model: LinearModel,
    perceived_mean: np.ndarray,
    weights: np.ndarray,
    perceived_cov: np.ndarray | None = None,
) -> np.ndarray:
    """Hire probability for a batch of perceived-score means and decision weights.

    Parameters
    ----------
    model : LinearModel
        Supplies cuts, threshold and hold band.
    perceived_mean : ndarray, shape (S,) or (m, S)
        Expected perceived scores (z).
    weights : ndarray, shape (S, D) or (m, S, D)
        Decision-score weights (see :func:`debrief_weights`).
    perceived_cov : ndarray, shape (S, S), optional
        Covariance of the perceived scores; default the noise of one candidate.

    Returns
    -------
    ndarray, shape (m,)
        NaN where the weights are not finite (an invalid debrief).
    """
    if perceived_cov is None:
        loading = model.noise_loading
        perceived_cov = loading.T @ loading
    mean_s = np.atleast_2d(perceived_mean)
    if weights.ndim == 2:  # shared weights: one covariance for the whole batch
        mean = mean_s @ weights
        shared = weights.T @ perceived_cov @ weights
        cov = np.broadcast_to(shared, (mean.shape[0], *shared.shape))
    else:
        mean = (mean_s[:, None, :] @ weights)[:, 0, :]
        cov = np.swapaxes(weights, 1, 2) @ perceived_cov @ weights
    valid = np.isfinite(cov).all(axis=(1, 2))
    out = np.full(mean.shape[0], np.nan)
    out[valid] = orthant_batch(mean[valid], cov[valid], debrief_lower(model))
    return out


def mixture_hire_probability(
    components: list, perceived_mean: np.ndarray, perceived_cov: np.ndarray
) -> np.ndarray:
    """Hire probability under the core's Gaussian debrief mixture, for a batch of means.

    Parameters
    ----------
    components : list of (float, LinearDecision)
        From :func:`sim.debrief.gaussian_decisions`.
    perceived_mean : ndarray, shape (S,) or (m, S)
    perceived_cov : ndarray, shape (S, S)

    Returns
    -------
    ndarray, shape (m,)
    """
    mean_s = np.atleast_2d(perceived_mean)
    total = np.zeros(mean_s.shape[0])
    for share, part in components:
        mean = mean_s @ part.weights + part.shift
        cov = part.weights.T @ perceived_cov @ part.weights + np.diag(part.noise_sd**2)
        total += share * orthant_batch(
            mean, np.broadcast_to(cov, (mean.shape[0], *cov.shape)), part.lower
        )
    return total


def clipped_normal_moments(mean: float, sd: float, low: float = -1.0, high: float = 1.0):
    """Mean and variance of ``clip(N(mean, sd**2), low, high)``.

    Examples
    --------
    >>> m, v = clipped_normal_moments(0.0, 0.5)
    >>> round(m, 12), round(v, 4)
    (0.0, 0.2301)
    """
    if sd == 0:
        x = float(np.clip(mean, low, high))
        return x, 0.0
    a, b = (low - mean) / sd, (high - mean) / sd
    pa, pb = special.ndtr(a), special.ndtr(b)
    fa, fb = np.exp(-(a**2) / 2) / np.sqrt(2 * np.pi), np.exp(-(b**2) / 2) / np.sqrt(2 * np.pi)
    mass = pb - pa
    # Inside: truncated normal moments, weighted by the mass inside; outside: point masses.
    first_in = mean * mass + sd * (fa - fb)
    second_in = (mean**2 + sd**2) * mass + 2 * mean * sd * (fa - fb) + sd**2 * (a * fa - b * fb)
    first = first_in + low * pa + high * (1 - pb)
    second = second_in + low**2 * pa + high**2 * (1 - pb)
    return float(first), float(max(second - first**2, 0.0))
