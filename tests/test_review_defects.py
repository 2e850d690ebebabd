"""Defects an independent review found in the first release (issue 9, point 5).

Each test failed on the release it was written against and passes now.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest
from helpers import latent
from scipy import stats

import sim
from sim import analysis
from sim.analysis.reliability import _single_rater_reliability
from sim.closed_form import orthant_batch, trivariate_normal_cdf
from sim.io import data_dir
from sim.theory import spearman_brown

# This module is about the latent Gaussian model (issue 10: presets aggregate what is written).
pytestmark = pytest.mark.usefixtures("latent_presets")


@pytest.fixture(scope="session")
def amex() -> sim.Process:
    return latent(sim.io.load_process("amex_ai_pm_2026"))


@pytest.fixture(scope="session")
def amazon() -> sim.Process:
    return latent(sim.io.load_process("amazon_style_loop"))


# --------------------------------------------------------------------------- trivariate orthant
def origin_orthant(r12: float, r13: float, r23: float) -> float:
    """P(Y1 < 0, Y2 < 0, Y3 < 0): exact for any correlations (Sheppard / Childs)."""
    return 1 / 8 + (math.asin(r12) + math.asin(r13) + math.asin(r23)) / (4 * math.pi)


@pytest.mark.parametrize("gap", [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6])
@pytest.mark.parametrize("seed", range(5))
def test_trivariate_orthant_is_exact_near_singular_correlations(gap: float, seed: int) -> None:
    """Correlations within ``gap`` of +-1: the old 64-node rule was 9e-3 off at .999."""
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], 3)
    signs[2] = signs[0] * signs[1]  # a positive definite sign pattern
    r = signs * (1 - gap * rng.uniform(0.5, 1.5, 3))
    corr = np.eye(3)
    corr[0, 1] = corr[1, 0] = r[0]
    corr[0, 2] = corr[2, 0] = r[1]
    corr[1, 2] = corr[2, 1] = r[2]
    if np.linalg.eigvalsh(corr).min() <= 1e-12:
        pytest.skip("not positive definite")
    got = trivariate_normal_cdf(np.zeros((1, 3)), corr[None])[0]
    assert got == pytest.approx(origin_orthant(*r), abs=1e-9)


def test_orthant_batch_agrees_with_a_fine_quadrature_away_from_the_origin() -> None:
    """Shifted limits and strong correlations: compared with an independent 1-D integral."""
    from scipy import integrate

    from sim.theory import bivariate_normal_cdf

    rng = np.random.default_rng(11)
    for _ in range(40):
        r12, r13 = rng.uniform(0.99, 0.9999, 2) * rng.choice([-1, 1], 2)
        r23 = r12 * r13 + rng.uniform(-0.5, 0.5) * math.sqrt((1 - r12**2) * (1 - r13**2))
        corr = np.array([[1, r12, r13], [r12, 1, r23], [r13, r23, 1.0]])
        z = rng.normal(0, 1.5, 3)
        # Condition on Y2 (another choice than the implementation's) and integrate adaptively.
        a12, a23 = corr[1, 0], corr[1, 2]
        s1, s3 = math.sqrt(1 - a12**2), math.sqrt(1 - a23**2)
        partial = (corr[0, 2] - a12 * a23) / (s1 * s3)

        def f(y: float, z=z, a12=a12, a23=a23, s1=s1, s3=s3, partial=partial) -> float:
            inner = bivariate_normal_cdf((z[0] - a12 * y) / s1, (z[2] - a23 * y) / s3, partial)
            return math.exp(-y * y / 2) / math.sqrt(2 * math.pi) * float(inner)

        points = [p for p in (z[0] / a12, z[2] / a23) if -10 < p < min(z[1], 10)]
        want = integrate.quad(
            f, -10, min(z[1], 10), points=points or None, epsabs=1e-13, limit=500
        )[0]
        # P(X >= 0) for X ~ N(z, corr) is P(Y < z) for the standard Y with that correlation.
        got = orthant_batch(z[None], corr[None], np.zeros(3))[0]
        assert got == pytest.approx(want, abs=1e-9)


def test_framing_effect_with_a_near_duplicate_veto_column() -> None:
    """The recruiter as veto holder with near-equal screen weights (gate ~ veto view).

    ``framing_effect`` (the fast batch path) must give the closed form's answer: the
    old 64-node rule gave .69674 against .69624.
    """
    amex = latent(sim.load_process("amex_ai_pm_2026"))
    weights = dict(amex.debrief.competency_weights)
    weights.update(motivation=1.0, culture_fit=1.01, dollar_impact=0.99)
    process = replace(
        amex,
        debrief=replace(
            amex.debrief, rule="veto", veto=("recruiter",), competency_weights=weights
        ),
    )
    profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    fast = analysis.framing_effect(process, profile).loc["as given", "hire_probability"]
    exact = sim.hire_probability(process, profile).hire
    assert fast == pytest.approx(exact, abs=1e-9)
    # And an independent answer: scipy's Genz algorithm with a large budget.
    from sim.closed_form import gaussian_decisions, perceived_moments

    ((_, part),) = gaussian_decisions(process)
    mean_s, cov_s = perceived_moments(process, profile)
    mean, cov = mean_s @ part.weights, part.weights.T @ cov_s @ part.weights
    sd = np.sqrt(np.diag(cov))
    genz = stats.multivariate_normal(
        mean=np.zeros(3), cov=cov / np.outer(sd, sd), maxpts=2_000_000, abseps=1e-9, releps=1e-9
    ).cdf((mean - part.lower) / sd, rng=0)
    assert exact == pytest.approx(genz, abs=1e-6)


# --------------------------------------------------------------------------- hire rate interval
def nobody_hired(amex: sim.Process) -> sim.Process:
    return replace(amex, debrief=replace(amex.debrief, threshold=10.0))


def test_hire_rate_se_is_not_zero_when_nobody_is_hired(amex: sim.Process) -> None:
    result = sim.simulate(nobody_hired(amex), n=2000, rng=1, keep="decisions")
    assert result.hired.sum() == 0
    assert result.hire_rate_se() == pytest.approx(1 / (2 * (2000 + 1)))
    low, high = result.hire_rate_interval(0.95)
    assert low == 0.0
    assert high == pytest.approx(stats.norm.ppf(0.975) ** 2 / (2000 + stats.norm.ppf(0.975) ** 2))


@pytest.mark.parametrize("confidence", [0.68, 0.9, 0.95, 0.99])
def test_hire_rate_interval_is_wilsons(amex: sim.Process, confidence: float) -> None:
    result = sim.simulate(amex, n=3000, rng=4, keep="decisions")
    k = int(result.hired.sum())
    want = stats.binomtest(k, result.n).proportion_ci(confidence, method="wilson")
    assert result.hire_rate_interval(confidence) == pytest.approx((want.low, want.high))
    with pytest.raises(sim.SpecError, match="confidence"):
        result.hire_rate_interval(1.5)


# --------------------------------------------------------------------------- Spearman-Brown
@pytest.mark.parametrize("r", [-0.3, -1e-9, 1.0000001, 2.0])
def test_spearman_brown_rejects_a_reliability_outside_zero_one(r: float) -> None:
    with pytest.raises(sim.SpecError, match=r"r must be in \[0, 1\]"):
        spearman_brown(r, 10)


# --------------------------------------------------------------------------- preset comments
_STATED = re.compile(r"single-rater reliabilities (?:of )?\.(\d+)-\.(\d+)")


@pytest.mark.parametrize(
    "preset", ["amex_ai_pm_2026", "google_style_committee", "amazon_style_loop"]
)
def test_preset_comment_states_the_reliabilities_its_numbers_give(preset: str) -> None:
    """The range a preset's comment states is the range ``panel_reliability``'s exact
    single-rater reliability gives for every rating slot of the preset."""
    text = (data_dir() / "processes" / f"{preset}.yaml").read_text(encoding="utf-8")
    match = _STATED.search(text)
    assert match, f"{preset}: no 'single-rater reliabilities .xx-.yy' comment"
    low, high = (float(f"0.{g}") for g in match.groups())
    process = latent(sim.load_process(preset))
    spread = float(np.std([p.leniency for p in process.interviewers]))
    values = [
        _single_rater_reliability(
            process, comp, r, who.halo, who.framing_sensitivity, who.noise_sd, spread
        )
        for r, rnd in enumerate(process.rounds)
        for comp in rnd.competencies
        for who in map(process.interviewer, rnd.interviewers)
    ]
    assert round(min(values), 2) == low and round(max(values), 2) == high, (
        min(values),
        max(values),
    )
