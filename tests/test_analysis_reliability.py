"""Closed forms of sim.analysis against published values, integrals and Monte Carlo."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

import sim
from sim.analysis import (
    bcg_utility,
    icc,
    naylor_shine,
    panel_icc,
    panel_reliability,
    selection_check,
    spearman_brown,
    taylor_russell,
)

SEEDS = range(30)


# --------------------------------------------------------------------------- published values
def test_shrout_fleiss_example_reproduces_the_published_iccs():
    """Shrout & Fleiss (1979), Table 2: 6 targets, 4 judges; Table 4 values."""
    ratings = pd.DataFrame(
        [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
        columns=["judge1", "judge2", "judge3", "judge4"],
    )
    table = icc(ratings)
    published = {
        "ICC(1,1)": 0.17,
        "ICC(2,1)": 0.29,
        "ICC(3,1)": 0.71,
        "ICC(1,k)": 0.44,
        "ICC(2,k)": 0.62,
        "ICC(3,k)": 0.91,
    }
    for form, value in published.items():
        assert table.loc[form, "icc"] == pytest.approx(value, abs=0.005), form
        assert table.loc[form, "ci_low"] <= table.loc[form, "icc"] <= table.loc[form, "ci_high"]


def test_taylor_russell_table_value():
    # Taylor & Russell (1939): validity .50, selection ratio .10, base rate .50 -> .84.
    assert taylor_russell(0.50, 0.10, 0.50) == pytest.approx(0.84, abs=0.005)


@pytest.mark.parametrize("validity", [-0.3, 0.0, 0.19, 0.42, 0.74, 0.95])
@pytest.mark.parametrize("selection_ratio", [0.02, 0.1, 0.35, 0.8])
@pytest.mark.parametrize("base_rate", [0.1, 0.5, 0.9])
def test_taylor_russell_against_an_independent_integral(validity, selection_ratio, base_rate):
    """P(Y > y_c | X > x_c) by one-dimensional quadrature over the predictor."""
    x_c, y_c = stats.norm.isf(selection_ratio), stats.norm.isf(base_rate)
    spread = math.sqrt(1 - validity**2)

    def integrand(x: float) -> float:
        return stats.norm.pdf(x) * stats.norm.sf((y_c - validity * x) / spread)

    joint, _ = integrate.quad(integrand, x_c, np.inf, epsabs=1e-13, epsrel=1e-12)
    assert taylor_russell(validity, selection_ratio, base_rate) == pytest.approx(
        joint / selection_ratio, abs=1e-9
    )


@pytest.mark.parametrize("validity", [0.0, 0.25, 0.6])
@pytest.mark.parametrize("selection_ratio", [0.05, 0.3, 0.9])
def test_naylor_shine_against_an_independent_integral(validity, selection_ratio):
    x_c = stats.norm.isf(selection_ratio)
    mean_x, _ = integrate.quad(lambda x: x * stats.norm.pdf(x), x_c, np.inf)
    want = validity * mean_x / selection_ratio
    assert naylor_shine(validity, selection_ratio) == pytest.approx(want, abs=1e-10)


# --------------------------------------------------------------------------- Monte Carlo
@pytest.mark.parametrize("seed", SEEDS)
def test_taylor_russell_and_naylor_shine_match_simulated_selection(seed):
    table = selection_check([0.19, 0.42, 0.7], [0.05, 0.3, 0.7], [0.2, 0.6], n=20_000, rng=seed)
    for closed, simulated, se in (
        ("success_ratio", "success_ratio_sim", "success_ratio_se"),
        ("mean_criterion", "mean_criterion_sim", "mean_criterion_se"),
    ):
        gap = (table[closed] - table[simulated]).abs()
        assert (gap < 5 * table[se]).all(), table[[closed, simulated, se]]


@pytest.mark.parametrize("seed", range(10))
def test_bcg_utility_matches_simulated_gain(seed):
    """Gain of N top-down hires over N random hires, for T years, SDy dollars per SD."""
    validity, ratio, n_selected, years, sd_y = 0.42, 0.1, 25, 3, 76_000
    table = selection_check(validity, ratio, 0.5, n=200_000, rng=seed).iloc[0]
    simulated = n_selected * years * sd_y * table["mean_criterion_sim"]
    se = n_selected * years * sd_y * table["mean_criterion_se"]
    want = bcg_utility(n_selected, years, validity, sd_y, ratio)
    assert abs(simulated - want) < 5 * se


@pytest.mark.parametrize("seed", SEEDS)
def test_spearman_brown_matches_simulated_panels(seed, amex):
    table = panel_reliability(amex, n=1500, rng=seed)
    assert list(table.index) == list(range(1, 9))
    gap = (table["simulated"] - table["spearman_brown_exact"]).abs()
    assert (gap < 5 * table["se"]).all(), table
    assert table.loc[1, "spearman_brown_exact"] == pytest.approx(table.attrs["reliability_single"])
    np.testing.assert_allclose(
        table["spearman_brown"], spearman_brown(table.attrs["icc_single"], table.index)
    )


def test_panel_reliability_other_competency_and_no_leniency_spread(amex):
    table = panel_reliability(amex, "risk_awareness", n=500, leniency_sd=0.0, rng=1)
    assert table.attrs["competency"] == "risk_awareness"
    assert table.attrs["round"] == "cross_functional"
    assert table.attrs["interviewer"] == "risk_partner"
    more = panel_reliability(amex, "risk_awareness", n=500, leniency_sd=1.0, rng=1)
    assert more.attrs["reliability_single"] < table.attrs["reliability_single"]


@pytest.mark.parametrize("seed", range(20))
def test_panel_icc_of_parallel_raters_covers_the_exact_reliability(seed, amex):
    """Identical raters without halo or framing: ICC(1,1) = var(theta) / (var + noise)."""
    plain = tuple(
        replace(p, leniency=0.0, halo=0.0, framing_sensitivity=0.0, noise_sd=0.7)
        for p in amex.interviewers
    )
    process = replace(amex, interviewers=plain)
    table = panel_icc(process, "risk_awareness", n=400, confidence=0.9999, rng=seed)
    rnd = next(r for r in process.rounds if r.name == table.attrs["round"])
    sigma = 0.7 * math.sqrt(process.evidence_minutes / (rnd.minutes / len(rnd.competencies)))
    exact = 1 / (1 + sigma**2)
    for form in ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)"):
        assert table.loc[form, "ci_low"] <= exact <= table.loc[form, "ci_high"], form
    k = len(plain)
    stepped = spearman_brown(exact, k)
    assert table.loc["ICC(1,k)", "ci_low"] <= stepped <= table.loc["ICC(1,k)", "ci_high"]


def test_panel_icc_layout(amex):
    table = panel_icc(amex, n=100, rng=1)
    assert list(table.index) == [
        "ICC(1,1)",
        "ICC(2,1)",
        "ICC(3,1)",
        "ICC(1,k)",
        "ICC(2,k)",
        "ICC(3,k)",
    ]
    assert table.attrs["raters"] == list(amex.interviewer_names)
    assert table.attrs["competency"] == "dollar_impact"  # the debrief's heaviest weight
    assert (table["ci_low"] <= table["icc"]).all() and (table["icc"] <= table["ci_high"]).all()


# --------------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("validity", [-1.01, 1.5, float("nan")])
def test_validity_outside_minus_one_one_is_refused(validity):
    with pytest.raises(ValueError, match="validity"):
        taylor_russell(validity, 0.1, 0.5)
    with pytest.raises(ValueError, match="validity"):
        naylor_shine(validity, 0.1)
    with pytest.raises(ValueError, match="validity"):
        bcg_utility(10, 1, validity, 50_000, 0.1)
    with pytest.raises(ValueError, match="validity"):
        selection_check(validity, 0.1, 0.5, n=1000)


@pytest.mark.parametrize("ratio", [0.0, -0.2, 1.5])
def test_selection_ratio_outside_zero_one_is_refused(ratio):
    with pytest.raises(ValueError, match="selection_ratio"):
        taylor_russell(0.4, ratio, 0.5)
    with pytest.raises(ValueError, match="selection_ratio"):
        naylor_shine(0.4, ratio)
    with pytest.raises(ValueError, match="selection_ratio"):
        bcg_utility(10, 1, 0.4, 50_000, ratio)
    with pytest.raises(ValueError, match="selection_ratio"):
        selection_check(0.4, ratio, 0.5, n=1000)


def test_selection_check_wants_an_open_interval():
    with pytest.raises(sim.SpecError, match=r"selection_ratio: must be in \(0, 1\)"):
        selection_check(0.4, 1.0, 0.5, n=1000)
    with pytest.raises(sim.SpecError, match="base_rate"):
        selection_check(0.4, 0.2, 0.0, n=1000)


def test_icc_needs_two_raters_and_two_targets():
    with pytest.raises(ValueError, match="2 raters"):
        icc([[1.0], [2.0], [3.0]])
    with pytest.raises(ValueError, match="2 targets"):
        icc([[1.0, 2.0]])


def test_panel_arguments(amex):
    with pytest.raises(sim.SpecError, match="competency"):
        panel_icc(amex, "charisma")
    with pytest.raises(sim.SpecError, match="n"):
        panel_reliability(amex, n=2)
    with pytest.raises(sim.SpecError, match="max_raters"):
        panel_reliability(amex, max_raters=0)
    with pytest.raises(sim.SpecError, match="leniency_sd"):
        panel_reliability(amex, leniency_sd=-1.0)
