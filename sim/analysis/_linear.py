"""Shared linear-Gaussian machinery of the analyses (internal).

The debrief's decision scores are linear maps of the perceived scores, so a
candidate's hire probability is an orthant probability of a small Gaussian
vector (gates, veto holders' views, aggregate). The analyses evaluate it for
many modified weights or levels at once; these helpers do that vectorised,
without rebuilding the process for every modification.

:func:`debrief_weights` builds, for a batch of competency and interviewer
weights, the one Gaussian decision of a plain debrief from the model's own
weight derivations (:func:`sim.model.aggregate_weights`,
:func:`sim.model.view_weights`), so it equals what
:func:`sim.closed_form.gaussian_decisions` builds from the debrief plan.
"""

from __future__ import annotations

import numpy as np

from ..closed_form import LinearDecision, orthant_batch
from ..model import LinearModel, aggregate_weights, view_weights
from ..rules import debrief_plan

__all__ = [
    "debrief_lower",
    "debrief_weights",
    "hire_probability_batch",
    "mixture_hire_probability",
]


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
        Columns as in :func:`sim.closed_form.gaussian_decisions`: gate scores, the
        veto holders' views (each the competency-weighted mean of all the
        holder's judgments; NaN where every competency the holder rates weighs
        0, which makes the process invalid), aggregate.
    """
    comp_w = np.atleast_2d(np.asarray(competency_weights, dtype=float))
    person_w = np.atleast_2d(np.asarray(interviewer_weights, dtype=float))
    m = max(comp_w.shape[0], person_w.shape[0])
    comp_w = np.broadcast_to(comp_w, (m, comp_w.shape[1]))
    person_w = np.broadcast_to(person_w, (m, person_w.shape[1]))
    aggregate = aggregate_weights(model, comp_w, person_w)
    plan = debrief_plan(model.process)
    views = view_weights(model, comp_w, plan.slot_speaker, plan.n_speakers, empty=np.nan)
    gates = np.broadcast_to(model.gate_weights, (m, *model.gate_weights.shape))
    return np.concatenate([gates, views[:, :, plan.veto], aggregate[:, :, None]], axis=2)


def debrief_lower(model: LinearModel) -> np.ndarray:
    """Lower bounds (G + V + 1,) of the columns of :func:`debrief_weights` (z)."""
    plan = debrief_plan(model.process)
    return np.r_[model.gate_cuts, plan.yes_cut[plan.veto], model.threshold + model.hold_band]


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
        perceived_cov = model.noise_cov
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
    components: list[tuple[float, LinearDecision]],
    perceived_mean: np.ndarray,
    perceived_cov: np.ndarray,
) -> np.ndarray:
    """Hire probability under the core's Gaussian debrief mixture, for a batch of means.

    Parameters
    ----------
    components : list of (float, LinearDecision)
        From :func:`sim.closed_form.gaussian_decisions`.
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
