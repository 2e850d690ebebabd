"""Exact hire probabilities: with continuous scores every gate, veto and aggregate
is Gaussian, so a decision is an orthant probability of a multivariate normal.

These are the fast path for widgets and the answers the Monte Carlo engine is
tested against. :mod:`sim.closed_form.decisions` turns a debrief into Gaussian
linear decisions; :mod:`sim.closed_form.gaussian` evaluates their orthants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine import simulate
from ..errors import fail
from ..model import LinearModel, compile_model
from ..spec import Pool, Process, Profile
from ..validation import check_int, check_type
from .decisions import (
    MIXTURE_LIMIT,
    LinearDecision,
    effective_aggregate_weights,
    expected_score_weights,
    expected_spoken_map,
    gaussian_decisions,
    has_linear_score,
)
from .gaussian import (
    clipped_normal_moments,
    orthant_batch,
    orthant_probability,
    trivariate_normal_cdf,
)
from .lattice import exact_obstacle, written_law, written_laws

__all__ = [
    "MIXTURE_LIMIT",
    "HireProbability",
    "LinearDecision",
    "clipped_normal_moments",
    "contributions",
    "effective_aggregate_weights",
    "exact_obstacle",
    "expected_said",
    "expected_score_weights",
    "expected_spoken_map",
    "gaussian_decisions",
    "has_linear_score",
    "hire_probability",
    "monte_carlo_probability",
    "orthant_batch",
    "orthant_probability",
    "perceived_moments",
    "score_weights",
    "trivariate_normal_cdf",
    "written_law",
    "written_laws",
]

#: Monte Carlo draws of :func:`hire_probability` where no exact answer exists.
MC_DRAWS = 200_000


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
        hiring manager's reading of it (Monte Carlo: among those debriefed).
    method : str
        ``"gaussian"`` (the latent closed form), ``"exact"`` (on-scale scores,
        quadrature and an exact lattice) or ``"monte_carlo"``.
    error : float
        Standard error of ``hire`` (0 for the exact methods).
    draws : int
        Monte Carlo draws (0 for the exact methods).
    """

    hire: float
    hold: float
    no_hire: float
    reach_debrief: float
    aggregate_mean: float
    aggregate_sd: float
    method: str = "gaussian"
    error: float = 0.0
    draws: int = 0

    def describe(self) -> str:
        """Hire probability and method, e.g. ``"0.412 ± 0.002 (Monte Carlo, 200,000 draws)"``."""
        if self.method == "monte_carlo":
            return f"{self.hire:.3f} ± {self.error:.3f} (Monte Carlo, {self.draws:,} draws)"
        kind = "Gaussian closed form" if self.method == "gaussian" else "exact on the scale"
        return f"{self.hire:.3f} ({kind})"


def perceived_moments(
    process: Process, candidate: Profile | Pool
) -> tuple[np.ndarray, np.ndarray]:
    """Mean (S,) and covariance (S, S) of the perceived scores (z) of a profile or a pool.

    A pool needs ``framing_sd == 0`` (clipped framing is not Gaussian).
    """
    m = compile_model(process)
    cov = m.noise_cov
    if isinstance(candidate, Profile):
        return m.perceived_mean(candidate.theta(process), candidate.framing), cov
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


def hire_probability(
    process: Process,
    candidate: Profile | Pool,
    *,
    draws: int = MC_DRAWS,
    rng: int = 0,
) -> HireProbability:
    """Probability that ``candidate`` is hired, held or rejected: exact, or says it is not.

    Which method, by what the committee counts (``debrief.aggregate``):

    ``latent``
        The Gaussian closed form (``method="gaussian"``): rules
        ``weighted_mean``, ``veto``, ``consensus``, ``discretion`` (and
        ``trimmed_mean`` with ``trim: 0``), with any peeking and anchoring; a
        random speaking order with anchoring is averaged over every order (up to
        six speakers). Other rules raise a SpecError naming ``debrief.rule``.
    ``written`` / ``labels``, a profile
        Exact (``method="exact"``, :func:`sim.closed_form.written_law`): seats
        are independent given their impressions, each seat's written scores are
        a discrete law by Gauss-Hermite quadrature, and seats are convolved on an
        exact rational lattice of the aggregate. Measured on the 10 shipped
        profiles, 10^6 draws each: max |exact - MC| / SE = 1.75 (written) and
        2.26 (labels), max |exact - MC| = 5.5e-4, all within Monte Carlo noise;
        24 vs 96 quadrature nodes differ by < 1e-15 (``tests/test_written_scores.py``
        checks every profile over seeds). Where the structure does not allow it
        (:func:`sim.closed_form.exact_obstacle`: anchoring, peeking, a manager's
        self-weight, an interviewer in several seats, a gated round with several
        interviewers, a rule other than a weighted sum, a continuous scale, a
        lattice over :data:`~sim.closed_form.lattice.MAX_LATTICE` points) and for
        pools: Monte Carlo (``method="monte_carlo"``) with ``draws`` candidates
        from seed ``rng``; ``error`` is the hire rate's standard error.

    Parameters
    ----------
    process : Process
    candidate : Profile or Pool
        A profile (fixed levels and framing) or a pool (latent: with
        ``framing_sd == 0``; the answer is the pool's expected hire rate).
    draws : int
        Monte Carlo draws, where it is needed.
    rng : int
        Monte Carlo seed (a fixed default: the same question, the same answer).

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
    check_type("process", process, Process, "see sim.load_process")
    m: LinearModel = compile_model(process)
    if m.on_scale:
        return _on_scale_probability(process, candidate, draws, rng)
    return _gaussian_probability(process, m, candidate)


def _gaussian_probability(
    process: Process, m: LinearModel, candidate: Profile | Pool
) -> HireProbability:
    """The latent closed form: orthant probabilities of the Gaussian decision scores."""
    mean_s, cov_s = perceived_moments(process, candidate)
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
        aggregate_sd=float(scale.to_points(np.sqrt(max(second - first**2, 0.0)), relative=True)),
    )


def _on_scale_probability(
    process: Process, candidate: Profile | Pool, draws: int, rng: int
) -> HireProbability:
    """Exact for a profile where the structure allows, else Monte Carlo."""
    if isinstance(candidate, Profile) and exact_obstacle(process) is None:
        m = compile_model(process)
        law = written_law(process, m.perceived_mean(candidate.theta(process), candidate.framing))
        hold = max(law.hold, 0.0)
        return HireProbability(
            hire=law.hire,
            hold=hold,
            no_hire=max(1.0 - law.hire - hold, 0.0),
            reach_debrief=law.reach_debrief,
            aggregate_mean=law.aggregate_mean,
            aggregate_sd=law.aggregate_sd,
            method="exact",
        )
    if not isinstance(candidate, Profile | Pool):
        raise fail("candidate", "must be a Profile or a Pool", type(candidate).__name__)
    return monte_carlo_probability(process, candidate, draws, rng)


def monte_carlo_probability(
    process: Process, candidate: Profile | Pool, draws: int = MC_DRAWS, rng: int = 0
) -> HireProbability:
    """Outcome probabilities of ``candidate`` estimated from ``draws`` simulated debriefs."""
    check_int("draws", draws, 100)
    result = simulate(process, candidate, n=draws, rng=rng, keep="decisions")
    hire = float(result.hired.mean())
    hold = float((result.decision == 2).mean())
    score = result.score[result.reached]
    return HireProbability(
        hire=hire,
        hold=hold,
        no_hire=1.0 - hire - hold,
        reach_debrief=float(result.reached.mean()),
        aggregate_mean=float(score.mean()) if score.size else math.nan,
        aggregate_sd=float(score.std()) if score.size > 1 else math.nan,
        method="monte_carlo",
        error=math.sqrt(max(hire * (1 - hire), 1.0 / draws) / draws),
        draws=draws,
    )


def expected_said(process: Process, perceived_mean: np.ndarray) -> np.ndarray:
    """Expected value (S,) of what the committee counts of each judgment, z units.

    The expected perceived scores themselves when the committee counts latent
    scores; the expected counted values on the scale (written scores, or label
    values) from :func:`written_law` where it is exact; otherwise ``None``.
    """
    mean = np.asarray(perceived_mean, dtype=float)
    if not compile_model(process).on_scale:
        return mean
    if exact_obstacle(process) is not None:
        return None
    return process.scale.to_z(written_law(process, mean).expected_counted)


def score_weights(process: Process) -> tuple[np.ndarray, float]:
    """Weights (S,) and shift (z) of the expected score every contribution table splits.

    The rule's own expected score (:func:`expected_score_weights`: the spoken
    aggregate, or the hiring manager's reading under ``discretion``) where the
    rule's score is linear; for the median, a trimmed mean and the vote rules,
    the committee's expected spoken aggregate (:func:`effective_aggregate_weights`)
    and no shift.
    """
    if has_linear_score(process):
        return expected_score_weights(process)
    return effective_aggregate_weights(process), 0.0


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
        ``weight * (expected_view - threshold)``); on the scale (``aggregate:
        written`` or ``labels``) the expected view is of what the committee
        counts (expected written scores or label values, exact), so the table
        sums to the ``aggregate_mean`` of :func:`hire_probability`; where that is
        not exact (anchoring, peeking, ...) the latent expectation is used
        instead. Under ``discretion`` with a
        non-zero ``manager_bias`` a last row ``manager_bias`` (weight 0, level
        and view NaN) holds the bias. Contributions sum exactly to the rule's
        expected score minus the threshold, where the score is what the rule
        compares with the threshold (the spoken aggregate; the hiring manager's
        reading under ``discretion``, own view included): the ``aggregate_mean``
        of :func:`hire_probability`. Rules without a linear score (median,
        trimmed mean, majority, public vote) report the spoken aggregate's
        contributions instead (see :func:`score_weights`).

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    >>> table = sim.contributions(process, profile)
    >>> gap = sim.hire_probability(process, profile).aggregate_mean - 7.2
    >>> bool(abs(table["contribution"].sum() - gap) < 1e-12)
    True
    """
    check_type("process", process, Process, "see sim.load_process")
    check_type("profile", profile, Profile, "see sim.load_profiles")
    m = compile_model(process)
    scale = process.scale
    theta = profile.theta(process)
    mean_s = m.perceived_mean(theta, profile.framing)
    said = expected_said(process, mean_s)
    # On the scale without an exact law (anchoring, peeking...): the latent expectation.
    mean_s = mean_s if said is None else said
    # Peeking and anchoring move weight between slots (early speakers gain influence).
    weights, shift = score_weights(process)
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
                "contribution": scale.to_points(share * (view_z - m.threshold), relative=True),
            }
        )
    if shift != 0:
        rows.append(
            {
                "competency": "manager_bias",
                "weight": 0.0,
                "level": math.nan,
                "expected_view": math.nan,
                "contribution": scale.to_points(shift, relative=True),
            }
        )
    return pd.DataFrame(rows).set_index("competency")
