"""Exact hire probabilities: with continuous scores every gate, veto and aggregate
is Gaussian, so a decision is an orthant probability of a multivariate normal.

These are the fast path for widgets and the answers the Monte Carlo engine is
tested against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .debrief import effective_aggregate_weights, expected_score_weights, gaussian_decisions
from .errors import SpecError, fail
from .model import LinearModel
from .spec import Pool, Process, Profile
from .theory import bivariate_normal_cdf

__all__ = ["HireProbability", "contributions", "hire_probability"]


@dataclass(frozen=True)
class HireProbability:
    """Exact outcome probabilities of one candidate (or of a Gaussian pool).

    Attributes
    ----------
    hire, hold, no_hire : float
        Probabilities of the three outcomes (they sum to 1).
    reach_debrief : float
        Probability of passing every gate.
    aggregate_mean, aggregate_sd : float
        Mean and SD (points) of the score the rule compares with the threshold,
        gates ignored: the committee's aggregate, or under ``discretion`` the
        hiring manager's reading of it.
    """

    hire: float
    hold: float
    no_hire: float
    reach_debrief: float
    aggregate_mean: float
    aggregate_sd: float


def _moments(process: Process, candidate: Profile | Pool) -> tuple[np.ndarray, np.ndarray]:
    """Mean (S,) and covariance (S, S) of the perceived scores."""
    m = process.model
    noise = m.noise_loading
    cov = noise.T @ noise
    if isinstance(candidate, Profile):
        mean = m.perceived_mean(candidate.theta(process), candidate.framing)
        return mean, cov
    if isinstance(candidate, Pool):
        if candidate.competencies != process.competency_names:
            raise fail("candidate", "pool competencies differ from the process's")
        if candidate.framing_sd > 0:
            raise fail(
                "candidate.framing_sd",
                "must be 0 for a closed form (framing is clipped to [-1, 1], not Gaussian)",
                candidate.framing_sd,
            )
        mean = m.perceived_mean(np.asarray(candidate.mean), candidate.framing_mean)
        return mean, cov + m.A.T @ candidate.covariance @ m.A
    raise fail("candidate", "must be a Profile or a Pool", type(candidate).__name__)


def orthant_probability(
    mean: np.ndarray, cov: np.ndarray, lower: np.ndarray, *, rng: int = 0
) -> float:
    """``P(X_i >= lower_i for all i)`` for ``X ~ N(mean, cov)``.

    Exact for up to two dimensions (Owen's T); beyond, scipy's Genz algorithm
    with a fixed seed (deterministic, accurate to about 1e-4).
    """
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    certain = sd == 0
    if np.any(certain & (mean < lower)):
        return 0.0
    keep = ~certain
    if not keep.any():
        return 1.0
    mean, lower, sd, cov = mean[keep], lower[keep], sd[keep], cov[np.ix_(keep, keep)]
    z = (mean - lower) / sd
    if z.size == 1:
        return float(stats.norm.cdf(z[0]))
    corr = cov / np.outer(sd, sd)
    if z.size == 2:
        return float(bivariate_normal_cdf(z[0], z[1], np.clip(corr[0, 1], -1.0, 1.0)))
    # Genz's quasi-Monte Carlo with a capped budget: about 1e-4 absolute accuracy in
    # milliseconds. scipy's default budget took seconds on the near-singular correlations
    # that many interviewers seeing the same candidate produce.
    dist = stats.multivariate_normal(
        mean=np.zeros(z.size),
        cov=corr,
        allow_singular=True,
        maxpts=10_000 * z.size,
        abseps=1e-5,
        releps=1e-5,
    )
    return float(dist.cdf(z, rng=rng))


def hire_probability(process: Process, candidate: Profile | Pool) -> HireProbability:
    """Exact probability that ``candidate`` is hired, held or rejected.

    Parameters
    ----------
    process : Process
        A debrief whose decision is Gaussian: rules ``weighted_mean``, ``veto``,
        ``consensus``, ``discretion`` (and ``trimmed_mean`` with ``trim: 0``),
        with any peeking and anchoring; a random speaking order with anchoring
        is averaged over every order (up to six speakers). Other rules raise a
        SpecError naming ``debrief.rule`` (see :func:`sim.debrief.gaussian_decisions`).
    candidate : Profile or Pool
        A profile (fixed levels and framing) or a pool with ``framing_sd == 0``
        (then the answer is the pool's expected hire rate).

    Returns
    -------
    HireProbability

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> profiles = sim.load_profiles("amex_ai_pm_2026")
    >>> p = sim.hire_probability(process, profiles["impact_framer"])
    >>> round(p.hire + p.hold + p.no_hire, 12)
    1.0
    """
    if not isinstance(process, Process):
        raise fail("process", "must be a Process", type(process).__name__)
    m: LinearModel = process.model
    mean_s, cov_s = _moments(process, candidate)
    # One Gaussian component per speaking order (one unless the order is random).
    hire = hold = first = second = 0.0
    for share, part in gaussian_decisions(process):
        mean = mean_s @ part.weights + part.shift
        cov = part.weights.T @ cov_s @ part.weights + np.diag(part.noise_sd**2)
        p_hire = orthant_probability(mean, cov, part.lower)
        hire += share * p_hire
        if m.hold_band > 0:
            lower_hold = part.lower.copy()
            lower_hold[-1] = m.threshold - m.hold_band
            hold += share * (orthant_probability(mean, cov, lower_hold) - p_hire)
        first += share * mean[-1]
        second += share * (cov[-1, -1] + mean[-1] ** 2)
    n_gates = m.gate_cuts.size
    reach = orthant_probability(mean[:n_gates], cov[:n_gates, :n_gates], m.gate_cuts)
    scale = process.scale
    return HireProbability(
        hire=hire,
        hold=max(hold, 0.0),
        no_hire=max(1.0 - hire - max(hold, 0.0), 0.0),
        reach_debrief=reach,
        aggregate_mean=scale.to_points(first),
        aggregate_sd=float(np.sqrt(max(second - first**2, 0.0)) * scale.points_per_sd),
    )


def contributions(process: Process, profile: Profile) -> pd.DataFrame:
    """Each competency's share of the expected score, relative to the threshold.

    Parameters
    ----------
    process : Process
    profile : Profile

    Returns
    -------
    DataFrame
        Indexed by competency (those the score weighs), columns ``weight``
        (effective share of the score; sums to 1), ``level`` (the profile's
        true level, points), ``expected_view`` (the committee's expected view,
        points, with leniency, halo and framing), ``contribution`` (points;
        ``weight * (expected_view - threshold)``). Under ``discretion`` with a
        non-zero ``manager_bias`` a last row ``manager_bias`` (weight 0, level
        and view NaN) holds the bias. Contributions sum exactly to the rule's
        expected score minus the threshold, where the score is what the rule
        compares with the threshold (the spoken aggregate; the hiring manager's
        reading under ``discretion``, own view included): the ``aggregate_mean``
        of :func:`hire_probability`. Rules without a linear score (median,
        trimmed mean, majority, public vote) report the spoken aggregate's
        contributions instead.
    """
    m = process.model
    scale = process.scale
    theta = profile.theta(process)
    mean_s = m.perceived_mean(theta, profile.framing)
    # Peeking and anchoring move weight between slots (early speakers gain influence).
    try:
        weights, shift = expected_score_weights(process)
    except SpecError:  # no linear score (median, votes...): the committee's aggregate
        weights, shift = effective_aggregate_weights(process), 0.0
    rows = []
    for k, name in enumerate(process.competency_names):
        mine = m.slot_competency == k
        share = float(weights[mine].sum())
        if share == 0:
            continue
        view_z = float(weights[mine] @ mean_s[mine]) / share
        rows.append(
            {
                "competency": name,
                "weight": share,
                "level": scale.to_points(theta[k]),
                "expected_view": scale.to_points(view_z),
                "contribution": share * (view_z - m.threshold) * scale.points_per_sd,
            }
        )
    if shift != 0:
        rows.append(
            {
                "competency": "manager_bias",
                "weight": 0.0,
                "level": math.nan,
                "expected_view": math.nan,
                "contribution": shift * scale.points_per_sd,
            }
        )
    return pd.DataFrame(rows).set_index("competency")
