"""Tests for sim.theory: published values, independent computations and Monte Carlo checks.

Monte Carlo tests run over many seeds and compare with tolerances of a few standard
errors computed from the sample size, so no test depends on one lucky seed.
"""

from __future__ import annotations

import doctest
import math
import re
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from sim import theory
from sim.theory import (
    CascadeProbabilities,
    bcg_utility,
    bivariate_normal_cdf,
    cascade_probabilities,
    condorcet_majority,
    icc,
    naylor_shine,
    spearman_brown,
    taylor_russell,
)

SEEDS = range(20)
Z_TOLERANCE = 5.0  # standard errors allowed in Monte Carlo comparisons

# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
SHROUT_FLEISS_RATINGS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]

correlations = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False)
open_unit = st.floats(min_value=1e-6, max_value=1.0 - 1e-6, allow_nan=False)


def test_docstring_examples_run() -> None:
    # sim.theory is a package: its examples live in the topic modules.
    from sim.theory import groups, normal, reliability, selection

    attempted = failed = 0
    for module in (theory, groups, normal, reliability, selection):
        results = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        attempted, failed = attempted + results.attempted, failed + results.failed
    results = doctest.TestResults(failed, attempted)
    assert results.attempted > 0
    assert results.failed == 0


# --------------------------------------------------------------------------- spearman_brown


def test_spearman_brown_published_panel_values() -> None:
    # Doubling a test with reliability .5 gives 2/3; one rater is the identity.
    assert spearman_brown(0.5, 2) == pytest.approx(2 / 3)
    assert spearman_brown(0.37, 1) == pytest.approx(0.37)
    assert spearman_brown(0.44, 4) == pytest.approx(4 * 0.44 / (1 + 3 * 0.44))
    assert spearman_brown(1.0, 7) == pytest.approx(1.0)
    assert spearman_brown(0.0, 7) == 0.0


def test_spearman_brown_broadcasts_and_returns_float_for_scalars() -> None:
    result = spearman_brown(np.array([[0.2], [0.5]]), np.array([1, 2, 4]))
    assert isinstance(result, np.ndarray)
    assert result.shape == (2, 3)
    expected = np.array([[0.2, 1 / 3, 0.5], [0.5, 2 / 3, 0.8]])
    np.testing.assert_allclose(result, expected)
    assert isinstance(spearman_brown(0.3, 2), float)


def test_spearman_brown_does_not_mutate_inputs() -> None:
    r = np.array([0.1, 0.4])
    k = np.array([2.0, 3.0])
    spearman_brown(r, k)
    np.testing.assert_array_equal(r, [0.1, 0.4])
    np.testing.assert_array_equal(k, [2.0, 3.0])


@given(r=st.floats(min_value=0.01, max_value=0.99), k=st.floats(min_value=0.1, max_value=50))
def test_spearman_brown_increases_with_raters_for_positive_r(r: float, k: float) -> None:
    assert spearman_brown(r, k + 1.0) > spearman_brown(r, k)


@given(r=st.floats(min_value=0.0, max_value=1.0), k=st.floats(min_value=0.1, max_value=50))
def test_spearman_brown_inverse_prophecy_recovers_r(r: float, k: float) -> None:
    # Shortening a k-rater composite by 1/k returns the single-rater reliability.
    assert spearman_brown(spearman_brown(r, k), 1.0 / k) == pytest.approx(r, abs=1e-9)


# --------------------------------------------------------------------------- bivariate normal


def _bvn_by_quadrature(h: float, k: float, rho: float) -> float:
    """P(X <= h, Y <= k) = integral over x <= h of phi(x) Phi((k - rho x) / sqrt(1 - rho^2))."""
    s = math.sqrt(1.0 - rho * rho)
    value, _ = integrate.quad(
        lambda x: stats.norm.pdf(x) * stats.norm.cdf((k - rho * x) / s),
        -np.inf,
        h,
        epsabs=1e-13,
        epsrel=1e-12,
    )
    return value


GRID = [-2.5, -1.0, -0.3, 0.0, 0.4, 1.7]
RHOS = [-0.999, -0.8, -0.25, 0.0, 0.3, 0.75, 0.999]


@pytest.mark.parametrize("rho", RHOS)
def test_bivariate_normal_cdf_matches_scipy_multivariate_normal(rho: float) -> None:
    hs, ks = np.meshgrid(GRID, GRID, indexing="ij")
    ours = bivariate_normal_cdf(hs, ks, rho)
    points = np.stack([hs.ravel(), ks.ravel()], axis=1)
    scipy_cdf = stats.multivariate_normal.cdf(
        points, mean=[0.0, 0.0], cov=[[1.0, rho], [rho, 1.0]], abseps=1e-10, releps=1e-10
    )
    np.testing.assert_allclose(ours.ravel(), scipy_cdf, atol=1e-8)


@pytest.mark.parametrize("rho", RHOS)
@pytest.mark.parametrize("h", GRID)
def test_bivariate_normal_cdf_matches_quadrature(h: float, rho: float) -> None:
    for k in GRID:
        assert bivariate_normal_cdf(h, k, rho) == pytest.approx(
            _bvn_by_quadrature(h, k, rho), abs=1e-10
        )


@pytest.mark.parametrize("rho", [-0.9, -0.5, 0.0, 0.5, 0.9])
def test_bivariate_normal_cdf_at_the_origin_is_sheppards_formula(rho: float) -> None:
    expected = 0.25 + math.asin(rho) / (2 * math.pi)
    assert bivariate_normal_cdf(0.0, 0.0, rho) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("k", [-3.0, -0.7, 0.6, 2.2])
@pytest.mark.parametrize("rho", [-0.95, -0.4, 0.0, 0.4, 0.95])
def test_bivariate_normal_cdf_with_one_limit_at_zero(k: float, rho: float) -> None:
    expected = _bvn_by_quadrature(0.0, k, rho)
    assert bivariate_normal_cdf(0.0, k, rho) == pytest.approx(expected, abs=1e-10)
    assert bivariate_normal_cdf(k, 0.0, rho) == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("h, k", [(-1.0, 0.5), (0.0, 0.0), (1.2, 1.2), (2.0, -3.0)])
def test_bivariate_normal_cdf_perfect_correlation(h: float, k: float) -> None:
    phi_h, phi_k = stats.norm.cdf(h), stats.norm.cdf(k)
    assert bivariate_normal_cdf(h, k, 1.0) == pytest.approx(min(phi_h, phi_k))
    assert bivariate_normal_cdf(h, k, -1.0) == pytest.approx(max(phi_h + phi_k - 1.0, 0.0))


@pytest.mark.parametrize("rho", [-1.0, -0.5, 0.0, 0.5, 1.0])
def test_bivariate_normal_cdf_infinite_limits(rho: float) -> None:
    assert bivariate_normal_cdf(np.inf, 0.3, rho) == pytest.approx(stats.norm.cdf(0.3))
    assert bivariate_normal_cdf(-0.8, np.inf, rho) == pytest.approx(stats.norm.cdf(-0.8))
    assert bivariate_normal_cdf(-np.inf, 0.3, rho) == 0.0
    assert bivariate_normal_cdf(0.3, -np.inf, rho) == 0.0
    assert bivariate_normal_cdf(np.inf, np.inf, rho) == 1.0


def test_bivariate_normal_cdf_broadcasts_rho() -> None:
    result = bivariate_normal_cdf(0.5, [0.0, 1.0], [[-0.5], [0.5]])
    assert result.shape == (2, 2)
    for i, rho in enumerate([-0.5, 0.5]):
        for j, k in enumerate([0.0, 1.0]):
            assert result[i, j] == pytest.approx(_bvn_by_quadrature(0.5, k, rho), abs=1e-10)


@given(
    h=st.floats(min_value=-6, max_value=6),
    k=st.floats(min_value=-6, max_value=6),
    rho=correlations,
)
def test_bivariate_normal_cdf_is_symmetric_and_within_frechet_bounds(
    h: float, k: float, rho: float
) -> None:
    value = bivariate_normal_cdf(h, k, rho)
    assert value == pytest.approx(bivariate_normal_cdf(k, h, rho), abs=1e-12)
    phi_h, phi_k = stats.norm.cdf(h), stats.norm.cdf(k)
    assert max(phi_h + phi_k - 1.0, 0.0) - 1e-12 <= value <= min(phi_h, phi_k) + 1e-12


@given(
    h=st.floats(min_value=-4, max_value=4),
    k=st.floats(min_value=-4, max_value=4),
    rho=st.floats(min_value=-0.99, max_value=0.98),
)
def test_bivariate_normal_cdf_increases_with_rho(h: float, k: float, rho: float) -> None:
    # Slepian's inequality: the orthant probability is non-decreasing in rho.
    assert bivariate_normal_cdf(h, k, rho + 0.01) >= bivariate_normal_cdf(h, k, rho) - 1e-12


# --------------------------------------------------------------------------- taylor_russell


def _success_ratio_by_quadrature(validity: float, selection_ratio: float, base_rate: float):
    """P(Y > y_c | X > x_c) as an integral over the selected predictor scores."""
    x_c = stats.norm.isf(selection_ratio)
    y_c = stats.norm.isf(base_rate)
    s = math.sqrt(1.0 - validity**2)
    joint, _ = integrate.quad(
        lambda x: stats.norm.pdf(x) * stats.norm.cdf((validity * x - y_c) / s),
        x_c,
        np.inf,
        epsabs=1e-13,
        epsrel=1e-12,
    )
    return joint / selection_ratio


@pytest.mark.parametrize("validity", [-0.6, -0.1, 0.0, 0.2, 0.42, 0.7, 0.95])
@pytest.mark.parametrize("selection_ratio", [0.02, 0.1, 0.33, 0.5, 0.8])
@pytest.mark.parametrize("base_rate", [0.05, 0.3, 0.5, 0.9])
def test_taylor_russell_matches_numerical_integration(
    validity: float, selection_ratio: float, base_rate: float
) -> None:
    expected = _success_ratio_by_quadrature(validity, selection_ratio, base_rate)
    assert taylor_russell(validity, selection_ratio, base_rate) == pytest.approx(
        expected, abs=1e-9
    )


# Published success ratios, Taylor & Russell (1939). The base-rate .05 rows are as reprinted
# in Cascio & Boudreau, "Investing in People", Appendix A (the cells that reprint shows);
# the .84 cell (validity .50, SR .10, base rate .50) is the one most textbooks quote.
SELECTION_RATIOS = [0.05, 0.10, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90, 0.95]
TABLE_BASE_RATE_05 = {
    0.00: [0.05] * 11,
    0.05: [0.06, 0.06, 0.06, 0.06, 0.06, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05],
    0.10: [0.07, 0.07, 0.07, 0.06, 0.06, 0.06, 0.06, 0.05, 0.05, 0.05, 0.05],
    0.15: [0.09, 0.08, 0.07, 0.07],
}
TAYLOR_RUSSELL_TABLE = [(0.50, 0.10, 0.50, 0.84)] + [
    (validity, sr, 0.05, published)
    for validity, row in TABLE_BASE_RATE_05.items()
    for sr, published in zip(SELECTION_RATIOS, row, strict=False)
]


@pytest.mark.parametrize("validity, selection_ratio, base_rate, published", TAYLOR_RUSSELL_TABLE)
def test_taylor_russell_reproduces_published_table(
    validity: float, selection_ratio: float, base_rate: float, published: float
) -> None:
    # Within half a unit of the table's last printed digit (a few cells sit right on a
    # rounding boundary, so allow 1e-4 for the 1939 hand computation).
    value = taylor_russell(validity, selection_ratio, base_rate)
    assert abs(value - published) <= 0.005 + 1e-4


@pytest.mark.parametrize("validity", [-0.7, -0.2, 0.0, 0.3, 0.5, 0.9])
def test_taylor_russell_at_median_cuts_is_the_arcsine_law(validity: float) -> None:
    # P(Y > 0 | X > 0) = 1/2 + arcsin(r) / pi (Sheppard 1899).
    expected = 0.5 + math.asin(validity) / math.pi
    assert taylor_russell(validity, 0.5, 0.5) == pytest.approx(expected, abs=1e-12)


def test_taylor_russell_edge_cases() -> None:
    assert taylor_russell(0.6, 1.0, 0.37) == pytest.approx(0.37)  # hire everyone
    assert taylor_russell(0.6, 0.2, 1.0) == pytest.approx(1.0)
    assert taylor_russell(0.6, 0.2, 0.0) == pytest.approx(0.0)
    # Perfect validity: all hires succeed when fewer are hired than could succeed.
    assert taylor_russell(1.0, 0.2, 0.5) == pytest.approx(1.0)
    assert taylor_russell(1.0, 0.5, 0.2) == pytest.approx(0.4)


def test_taylor_russell_broadcasts() -> None:
    result = taylor_russell([0.0, 0.5], 0.1, [[0.5], [0.3]])
    assert result.shape == (2, 2)
    assert result[0, 0] == pytest.approx(0.5)
    assert result[1, 1] == pytest.approx(taylor_russell(0.5, 0.1, 0.3))


@given(validity=st.floats(min_value=0.0, max_value=1.0), sr=open_unit, br=open_unit)
def test_taylor_russell_never_below_base_rate_for_nonnegative_validity(
    validity: float, sr: float, br: float
) -> None:
    assert taylor_russell(validity, sr, br) >= br - 1e-9


@given(sr=open_unit, br=st.floats(min_value=0.0, max_value=1.0))
def test_taylor_russell_equals_base_rate_at_zero_validity(sr: float, br: float) -> None:
    assert taylor_russell(0.0, sr, br) == pytest.approx(br, abs=1e-9)


@settings(max_examples=50)
@given(validity=st.floats(min_value=0.05, max_value=0.95), br=open_unit)
def test_taylor_russell_is_higher_when_more_selective(validity: float, br: float) -> None:
    assume(0.01 < br < 0.99)
    assert taylor_russell(validity, 0.1, br) >= taylor_russell(validity, 0.4, br) - 1e-12


# --------------------------------------------------------------------------- naylor_shine


@pytest.mark.parametrize("validity", [-0.3, 0.0, 0.19, 0.42, 1.0])
@pytest.mark.parametrize("selection_ratio", [0.01, 0.1, 0.25, 0.5, 0.9, 1.0])
def test_naylor_shine_matches_numerical_integration(
    validity: float, selection_ratio: float
) -> None:
    # E[Y | X > x_c] = r * E[X | X > x_c] = r * integral of x phi(x) over x > x_c / SR.
    x_c = stats.norm.isf(selection_ratio)
    mean_x, _ = integrate.quad(lambda x: x * stats.norm.pdf(x), x_c, np.inf, epsabs=1e-13)
    expected = validity * mean_x / selection_ratio
    assert naylor_shine(validity, selection_ratio) == pytest.approx(expected, abs=1e-10)


def test_naylor_shine_known_value_and_broadcasting() -> None:
    # Selecting the top half: E[X | X > 0] = sqrt(2 / pi).
    assert naylor_shine(1.0, 0.5) == pytest.approx(math.sqrt(2 / math.pi))
    result = naylor_shine(np.array([0.2, 0.4]), 0.5)
    np.testing.assert_allclose(result, np.array([0.2, 0.4]) * math.sqrt(2 / math.pi))


@pytest.mark.parametrize("seed", SEEDS)
def test_selection_formulas_match_monte_carlo(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_applicants = 200_000
    for validity, selection_ratio, base_rate in [(0.42, 0.1, 0.5), (0.19, 0.3, 0.2)]:
        predictor = rng.standard_normal(n_applicants)
        noise = rng.standard_normal(n_applicants)
        criterion = validity * predictor + math.sqrt(1 - validity**2) * noise
        hired = predictor > stats.norm.isf(selection_ratio)
        n_hired = hired.sum()

        success = criterion[hired] > stats.norm.isf(base_rate)
        expected_success = taylor_russell(validity, selection_ratio, base_rate)
        se_success = math.sqrt(expected_success * (1 - expected_success) / n_hired)
        assert abs(success.mean() - expected_success) < Z_TOLERANCE * se_success

        expected_mean = naylor_shine(validity, selection_ratio)
        se_mean = criterion[hired].std(ddof=1) / math.sqrt(n_hired)
        assert abs(criterion[hired].mean() - expected_mean) < Z_TOLERANCE * se_mean


# --------------------------------------------------------------------------- bcg_utility


def test_bcg_utility_hand_computed_example() -> None:
    # 10 hires for 3 years, r = .42, SDy = $76,000, SR = .1 (100 applicants at $500).
    z_c = stats.norm.isf(0.1)
    gain = 10 * 3 * 0.42 * 76_000 * stats.norm.pdf(z_c) / 0.1
    expected = gain - 100 * 500
    result = bcg_utility(10, 3, 0.42, 76_000, 0.1, cost_per_applicant=500)
    assert isinstance(result, float)
    assert result == pytest.approx(expected, rel=1e-12)
    assert result == pytest.approx(1_630_572.03, abs=0.01)


def test_bcg_utility_is_naylor_shine_in_dollars() -> None:
    result = bcg_utility(25, 2.5, 0.3, 40_000, 0.25)
    assert result == pytest.approx(25 * 2.5 * 40_000 * naylor_shine(0.3, 0.25))


def test_bcg_utility_with_useless_predictor_is_the_assessment_cost() -> None:
    assert bcg_utility(4, 2, 0.0, 50_000, 0.2, cost_per_applicant=300) == pytest.approx(-6_000)


def test_bcg_utility_hiring_everyone_gains_nothing() -> None:
    assert bcg_utility(8, 3, 0.5, 60_000, 1.0) == pytest.approx(0.0, abs=1e-9)


# --------------------------------------------------------------------------- icc


def test_icc_reproduces_shrout_fleiss_table_2() -> None:
    result = icc(SHROUT_FLEISS_RATINGS)
    published = {
        "ICC(1,1)": 0.17,
        "ICC(2,1)": 0.29,
        "ICC(3,1)": 0.71,
        "ICC(1,k)": 0.44,
        "ICC(2,k)": 0.62,
        "ICC(3,k)": 0.91,
    }
    assert list(result.index) == list(published)
    assert result.index.name == "form"
    for form, value in published.items():
        assert round(result.loc[form, "icc"], 2) == value


def test_icc_matches_psych_icc_on_shrout_fleiss_example() -> None:
    # psych::ICC output for the same table (3 printed decimals for lower bounds,
    # 2 for upper bounds), as shown in D. Wollschlaeger's R examples (interRaterICC).
    psych = pd.DataFrame(
        {
            "f": [1.8, 11.0, 11.0, 1.8, 11.0, 11.0],
            "df2": [18, 15, 15, 18, 15, 15],
            "p_value": [0.16477, 0.00013, 0.00013, 0.16477, 0.00013, 0.00013],
            "ci_low": [-0.133, 0.019, 0.342, -0.884, 0.071, 0.676],
            "ci_high": [0.72, 0.76, 0.95, 0.91, 0.93, 0.99],
        },
        index=theory.ICC_FORMS,
    )
    result = icc(SHROUT_FLEISS_RATINGS)
    assert (result["df1"] == 5).all()
    np.testing.assert_array_equal(result["df2"], psych["df2"])
    np.testing.assert_allclose(result["f"], psych["f"], atol=0.05)
    np.testing.assert_allclose(result["p_value"], psych["p_value"], atol=5e-6)
    np.testing.assert_allclose(result["ci_low"], psych["ci_low"], atol=5e-4)
    np.testing.assert_allclose(result["ci_high"], psych["ci_high"], atol=5e-3)
    # DescTools::ICC prints more digits of the same ANOVA.
    np.testing.assert_allclose(result["f"], [1.79, 11.03, 11.03, 1.79, 11.03, 11.03], atol=5e-3)


def test_icc_returns_documented_columns_and_dtypes() -> None:
    result = icc(SHROUT_FLEISS_RATINGS)
    assert list(result.columns) == ["icc", "f", "df1", "df2", "p_value", "ci_low", "ci_high"]
    assert result["df1"].dtype.kind == "i"
    assert result["df2"].dtype.kind == "i"
    assert (result["ci_low"] <= result["icc"]).all()
    assert (result["icc"] <= result["ci_high"]).all()


def test_icc_accepts_dataframe_and_leaves_it_unchanged() -> None:
    frame = pd.DataFrame(SHROUT_FLEISS_RATINGS, columns=["a", "b", "c", "d"])
    before = frame.copy()
    pd.testing.assert_frame_equal(icc(frame), icc(SHROUT_FLEISS_RATINGS))
    pd.testing.assert_frame_equal(frame, before)
    array = np.array(SHROUT_FLEISS_RATINGS, dtype=float)
    icc(array)
    np.testing.assert_array_equal(array, SHROUT_FLEISS_RATINGS)


def test_icc_average_forms_are_spearman_brown_of_single_forms() -> None:
    result = icc(SHROUT_FLEISS_RATINGS)["icc"]
    for single, average in [("ICC(1,1)", "ICC(1,k)"), ("ICC(2,1)", "ICC(2,k)")]:
        assert result[average] == pytest.approx(spearman_brown(result[single], 4))
    assert result["ICC(3,k)"] == pytest.approx(spearman_brown(result["ICC(3,1)"], 4))


def test_icc_wider_interval_at_higher_confidence() -> None:
    narrow = icc(SHROUT_FLEISS_RATINGS, confidence=0.8)
    wide = icc(SHROUT_FLEISS_RATINGS, confidence=0.99)
    assert (wide["ci_low"] < narrow["ci_low"]).all()
    assert (wide["ci_high"] > narrow["ci_high"]).all()
    pd.testing.assert_series_equal(wide["icc"], narrow["icc"])


def test_icc_rater_leniency_lowers_agreement_but_not_consistency() -> None:
    ratings = np.array(SHROUT_FLEISS_RATINGS, dtype=float)
    lenient = ratings + np.array([0.0, 3.0, -2.0, 5.0])  # per-rater offsets
    base, shifted = icc(ratings)["icc"], icc(lenient)["icc"]
    assert shifted["ICC(3,1)"] == pytest.approx(base["ICC(3,1)"])
    assert shifted["ICC(2,1)"] < base["ICC(2,1)"]
    assert shifted["ICC(1,1)"] < base["ICC(1,1)"]


@settings(max_examples=40, deadline=None)
@given(
    scale=st.floats(min_value=0.1, max_value=100),
    shift=st.floats(min_value=-100, max_value=100),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_icc_is_invariant_to_rescaling_and_reordering(scale: float, shift: float, seed: int):
    rng = np.random.default_rng(seed)
    ratings = np.array(SHROUT_FLEISS_RATINGS, dtype=float)
    transformed = scale * ratings + shift
    transformed = transformed[rng.permutation(6)][:, rng.permutation(4)]
    columns = ["icc", "f", "p_value", "ci_low", "ci_high"]
    np.testing.assert_allclose(
        icc(transformed)[columns].to_numpy(), icc(ratings)[columns].to_numpy(), rtol=1e-7
    )


def _interval_covers(table: np.ndarray, form: str, truth: float) -> bool:
    row = icc(table).loc[form]
    return bool(row["ci_low"] <= truth <= row["ci_high"])


@pytest.mark.parametrize("seed", range(10))
def test_icc_exact_intervals_have_nominal_coverage(seed: int) -> None:
    # Forms 1 and 3 have exact F intervals under their models, so coverage is 95 %.
    rng = np.random.default_rng(seed)
    n_tables, n_targets, n_raters = 500, 12, 3
    truth = 0.6  # target variance 0.6, error variance 0.4
    leniency = np.array([0.0, 1.0, -0.5])  # fixed rater offsets: model 3 only
    hits_one_way = hits_mixed = 0
    for _ in range(n_tables):
        targets = rng.normal(0.0, math.sqrt(truth), size=(n_targets, 1))
        errors = rng.normal(0.0, math.sqrt(1.0 - truth), size=(n_targets, n_raters))
        hits_one_way += _interval_covers(targets + errors, "ICC(1,1)", truth)
        hits_mixed += _interval_covers(targets + leniency + errors, "ICC(3,1)", truth)
    se = math.sqrt(0.95 * 0.05 / n_tables)
    assert abs(hits_one_way / n_tables - 0.95) < Z_TOLERANCE * se
    assert abs(hits_mixed / n_tables - 0.95) < Z_TOLERANCE * se


@pytest.mark.parametrize("seed", range(5))
def test_icc_estimates_converge_to_variance_ratios(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_targets, n_raters = 4_000, 5
    target_var, error_var = 1.0, 0.5
    ratings = rng.normal(0.0, 1.0, size=(n_targets, 1)) + rng.normal(
        0.0, math.sqrt(error_var), size=(n_targets, n_raters)
    )
    truth = target_var / (target_var + error_var)
    result = icc(ratings)
    # Large-sample SE of ICC(1,1) (Fisher 1925): sqrt(2 (1-r)^2 (1+(k-1)r)^2 / (k(k-1)(n-1))).
    k = n_raters
    se = math.sqrt(
        2 * (1 - truth) ** 2 * (1 + (k - 1) * truth) ** 2 / (k * (k - 1) * (n_targets - 1))
    )
    for form in ["ICC(1,1)", "ICC(2,1)", "ICC(3,1)"]:
        assert abs(result.loc[form, "icc"] - truth) < Z_TOLERANCE * se


# --------------------------------------------------------------------------- condorcet


def _majority_by_enumeration(p: float, n: int) -> float:
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(n // 2 + 1, n + 1))


@pytest.mark.parametrize("n", [1, 3, 5, 9, 21, 101])
@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 0.55, 0.7, 1.0])
def test_condorcet_majority_matches_binomial_enumeration(p: float, n: int) -> None:
    assert condorcet_majority(p, n) == pytest.approx(_majority_by_enumeration(p, n), abs=1e-12)


def test_condorcet_majority_known_values() -> None:
    assert condorcet_majority(0.6, 3) == pytest.approx(0.648)
    assert condorcet_majority(0.6, 1) == pytest.approx(0.6)
    assert condorcet_majority(0.5, 7) == pytest.approx(0.5)


def test_condorcet_majority_broadcasts() -> None:
    result = condorcet_majority(np.array([0.6, 0.8]), np.array([[1], [3], [5]]))
    assert result.shape == (3, 2)
    assert result[1, 0] == pytest.approx(0.648)
    assert isinstance(condorcet_majority(0.6, np.int64(3)), float)


@given(p=st.floats(min_value=0.501, max_value=0.999), m=st.integers(min_value=0, max_value=60))
def test_condorcet_majority_grows_with_jury_size_when_voters_beat_chance(p: float, m: int):
    n = 2 * m + 1
    assert condorcet_majority(p, n + 2) >= condorcet_majority(p, n) - 1e-12


@given(p=st.floats(min_value=0.0, max_value=1.0), m=st.integers(min_value=0, max_value=60))
def test_condorcet_majority_is_antisymmetric_about_one_half(p: float, m: int) -> None:
    n = 2 * m + 1
    assert condorcet_majority(p, n) + condorcet_majority(1 - p, n) == pytest.approx(1.0)


# --------------------------------------------------------------------------- cascades


def _action_probabilities(public_ratio: Fraction, p: Fraction, tie_rule: str):
    """P(adopt) for a voter with a high and with a low signal, given the public odds.

    The voter adopts when the posterior odds of the high state exceed 1, rejects when they
    fall below 1, and applies the tie rule at exactly 1.
    """
    signal_odds = p / (1 - p)
    adopt = []
    for is_high, odds in ((True, public_ratio * signal_odds), (False, public_ratio / signal_odds)):
        if odds > 1:
            adopt.append(Fraction(1))
        elif odds < 1:
            adopt.append(Fraction(0))
        elif tie_rule == "coin":
            adopt.append(Fraction(1, 2))
        else:
            adopt.append(Fraction(1) if is_high else Fraction(0))
    return adopt[0], adopt[1]


def _cascades_by_enumeration(p: Fraction, n_voters: int, tie_rule: str):
    """Exact (rational) cascade probabilities by following every public history.

    Histories with the same public likelihood ratio behave identically from then on, so
    they are merged. A cascade has started when the next voter's action no longer depends
    on their signal.
    """
    q = 1 - p
    totals = {"correct": Fraction(0), "incorrect": Fraction(0), "none": Fraction(0)}
    for high_state_is_true in (True, False):
        # Public odds P(history | high) / P(history | low) -> probability of the history.
        histories = {Fraction(1): Fraction(1, 2)}  # prior: both states equally likely
        for _ in range(n_voters):
            following: dict[Fraction, Fraction] = {}
            for ratio, mass in histories.items():
                adopt_high, adopt_low = _action_probabilities(ratio, p, tie_rule)
                adopt_if_high_state = p * adopt_high + q * adopt_low
                adopt_if_low_state = q * adopt_high + p * adopt_low
                for took_adopt in (True, False):
                    given_high = adopt_if_high_state if took_adopt else 1 - adopt_if_high_state
                    given_low = adopt_if_low_state if took_adopt else 1 - adopt_if_low_state
                    chance = given_high if high_state_is_true else given_low
                    if chance == 0:
                        continue
                    new_ratio = ratio * given_high / given_low
                    following[new_ratio] = following.get(new_ratio, 0) + mass * chance
            histories = following
        for ratio, mass in histories.items():
            adopt_high, adopt_low = _action_probabilities(ratio, p, tie_rule)
            if adopt_high == adopt_low and adopt_high in (0, 1):
                correct = (adopt_high == 1) == high_state_is_true
                totals["correct" if correct else "incorrect"] += mass
            else:
                totals["none"] += mass
    return totals


@pytest.mark.parametrize("tie_rule", ["coin", "own_signal"])
@pytest.mark.parametrize(
    "p", [Fraction(51, 100), Fraction(3, 5), Fraction(7, 10), Fraction(9, 10)]
)
@pytest.mark.parametrize("n_voters", [0, 1, 2, 3, 4, 5, 6, 7, 8, 10])
def test_cascade_probabilities_match_exact_enumeration(
    tie_rule: str, p: Fraction, n_voters: int
) -> None:
    exact = _cascades_by_enumeration(p, n_voters, tie_rule)
    assert sum(exact.values()) == 1
    result = cascade_probabilities(float(p), n_voters, tie_rule=tie_rule)
    assert result.correct_cascade == pytest.approx(float(exact["correct"]), abs=1e-14)
    assert result.incorrect_cascade == pytest.approx(float(exact["incorrect"]), abs=1e-14)
    assert result.no_cascade == pytest.approx(float(exact["none"]), abs=1e-14)


def test_cascade_probabilities_bhw_published_form() -> None:
    # BHW (1992), eq. 1, after n = 2m individuals, written out literally.
    for p in (0.55, 0.7, 0.95):
        for m in (1, 2, 5):
            stay = (p - p**2) ** m
            up = p * (p + 1) * (1 - stay) / (2 * (1 - p + p**2))
            down = (p - 2) * (p - 1) * (1 - stay) / (2 * (1 - p + p**2))
            result = cascade_probabilities(p, 2 * m)
            assert result.correct_cascade == pytest.approx(up)
            assert result.incorrect_cascade == pytest.approx(down)
            assert result.no_cascade == pytest.approx(stay)


def test_cascade_probabilities_shape_and_limits() -> None:
    result = cascade_probabilities(np.array([0.6, 0.9]), np.array([[0], [3], [200]]))
    assert isinstance(result, CascadeProbabilities)
    assert result.no_cascade.shape == (3, 2)
    total = result.correct_cascade + result.incorrect_cascade + result.no_cascade
    np.testing.assert_allclose(total, 1.0)
    np.testing.assert_allclose(result.no_cascade[0], 1.0)  # nobody has voted
    np.testing.assert_allclose(result.no_cascade[2], 0.0, atol=1e-50)
    # An odd voter can never start a cascade: n = 3 equals n = 2.
    assert cascade_probabilities(0.6, 3) == cascade_probabilities(0.6, 2)


@given(p=st.floats(min_value=0.501, max_value=0.999), n=st.integers(min_value=0, max_value=80))
def test_cascades_favour_the_correct_action(p: float, n: int) -> None:
    for rule in ("coin", "own_signal"):
        result = cascade_probabilities(p, n, tie_rule=rule)
        assert result.correct_cascade >= result.incorrect_cascade
        total = result.correct_cascade + result.incorrect_cascade + result.no_cascade
        assert total == pytest.approx(1.0)


def _simulate_cascades(
    p: float, n_voters: int, n_trials: int, tie_rule: str, rng: np.random.Generator
) -> dict[int, tuple[float, float, float]]:
    """Monte Carlo of the BHW voting game with Bayesian voters, vectorised over trials.

    Each voter combines the public log-likelihood ratio of the votes so far with their own
    signal; the public ratio is then updated with the likelihood of the vote actually cast.
    Returns, after each number of votes, the shares in a correct, an incorrect and no
    cascade.
    """
    tie = 1e-9
    signal_llr = math.log(p / (1 - p))
    high_state = rng.random(n_trials) < 0.5
    public_llr = np.zeros(n_trials)

    def adopt_probabilities(llr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        result = []
        for sign, tie_value in ((1.0, 1.0), (-1.0, 0.0)):
            posterior = llr + sign * signal_llr
            at_tie = 0.5 if tie_rule == "coin" else tie_value
            result.append(np.where(posterior > tie, 1.0, np.where(posterior < -tie, 0.0, at_tie)))
        return result[0], result[1]

    def shares(llr: np.ndarray) -> tuple[float, float, float]:
        adopt_high, adopt_low = adopt_probabilities(llr)
        locked = (adopt_high == adopt_low) & ((adopt_high == 0.0) | (adopt_high == 1.0))
        right = locked & ((adopt_high == 1.0) == high_state)
        return right.mean(), (locked & ~right).mean(), (~locked).mean()

    history = {0: shares(public_llr)}
    for voter in range(1, n_voters + 1):
        adopt_high, adopt_low = adopt_probabilities(public_llr)
        signal_high = rng.random(n_trials) < np.where(high_state, p, 1 - p)
        adopts = rng.random(n_trials) < np.where(signal_high, adopt_high, adopt_low)
        adopt_if_high = p * adopt_high + (1 - p) * adopt_low
        adopt_if_low = (1 - p) * adopt_high + p * adopt_low
        with np.errstate(divide="ignore", invalid="ignore"):
            update = np.where(
                adopts, adopt_if_high / adopt_if_low, (1 - adopt_if_high) / (1 - adopt_if_low)
            )
        public_llr = public_llr + np.log(update)
        history[voter] = shares(public_llr)
    return history


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("tie_rule", ["coin", "own_signal"])
def test_cascade_probabilities_match_monte_carlo(seed: int, tie_rule: str) -> None:
    rng = np.random.default_rng(seed)
    n_trials = 20_000
    for p in (0.6, 0.8):
        simulated = _simulate_cascades(p, 8, n_trials, tie_rule, rng)
        for n_voters in (1, 2, 3, 5, 8):
            expected = cascade_probabilities(p, n_voters, tie_rule=tie_rule)
            observed = simulated[n_voters]
            for share, prob in zip(
                observed,
                (expected.correct_cascade, expected.incorrect_cascade, expected.no_cascade),
                strict=True,
            ):
                se = math.sqrt(prob * (1 - prob) / n_trials)
                assert abs(share - prob) < Z_TOLERANCE * se + 1e-12


# --------------------------------------------------------------------------- bad arguments


BAD_ARGUMENTS = [
    (spearman_brown, (1.3, 2), {}, "r must be in [0, 1]; got 1.3"),
    (spearman_brown, (-1.5, 2), {}, "r must be in [0, 1]; got -1.5"),
    (spearman_brown, (float("nan"), 2), {}, "r must be in [0, 1]; got nan"),
    (spearman_brown, (0.5, 0), {}, "k must be in (0, inf); got 0"),
    (spearman_brown, (0.5, [2, -1]), {}, "k must be in (0, inf); got -1"),
    (spearman_brown, ("high", 2), {}, "r must be a real number or array of them; got 'high'"),
    # A negative reliability is refused, not stepped up (it once returned 1.76 for k = 10).
    (spearman_brown, (-0.3, 10), {}, "r must be in [0, 1]; got -0.3"),
    (bivariate_normal_cdf, (0.0, 0.0, 1.2), {}, "rho must be in [-1, 1]; got 1.2"),
    (bivariate_normal_cdf, (float("nan"), 0.0, 0.5), {}, "h must be a real number"),
    (bivariate_normal_cdf, (0.0, [0.0, float("nan")], 0.5), {}, "k must be a real number"),
    (taylor_russell, (1.3, 0.1, 0.5), {}, "validity must be in [-1, 1]; got 1.3"),
    (taylor_russell, (0.3, 0.0, 0.5), {}, "selection_ratio must be in (0, 1]; got 0"),
    (taylor_russell, (0.3, 1.5, 0.5), {}, "selection_ratio must be in (0, 1]; got 1.5"),
    (taylor_russell, (0.3, 0.1, -0.2), {}, "base_rate must be in [0, 1]; got -0.2"),
    (naylor_shine, (-1.01, 0.1), {}, "validity must be in [-1, 1]; got -1.01"),
    (naylor_shine, (0.3, 0.0), {}, "selection_ratio must be in (0, 1]; got 0"),
    (bcg_utility, (-1, 3, 0.4, 5e4, 0.1), {}, "n_selected must be in [0, inf); got -1"),
    (bcg_utility, (10, -2, 0.4, 5e4, 0.1), {}, "years must be in [0, inf); got -2"),
    (bcg_utility, (10, 3, 1.3, 5e4, 0.1), {}, "validity must be in [-1, 1]; got 1.3"),
    (bcg_utility, (10, 3, 0.4, -5.0, 0.1), {}, "sd_y must be in [0, inf); got -5"),
    (bcg_utility, (10, 3, 0.4, 5e4, 0.0), {}, "selection_ratio must be in (0, 1]; got 0"),
    (
        bcg_utility,
        (10, 3, 0.4, 5e4, 0.1),
        {"cost_per_applicant": -1.0},
        "cost_per_applicant must be in [0, inf); got -1",
    ),
    (bcg_utility, ([10, 20], 3, 0.4, 5e4, 0.1), {}, "n_selected must be a single real number"),
    (icc, ([[1, 2, 3]],), {}, "table must have at least 2 targets (rows); got 1"),
    (icc, ([[1], [2], [3]],), {}, "table must have at least 2 raters (columns); got 1"),
    (icc, ([1, 2, 3],), {}, "table must be 2-D (targets x raters)"),
    (icc, ([[1, 2], [3, float("nan")]],), {}, "table must have no missing or infinite ratings"),
    (icc, ([["a", "b"], ["c", "d"]],), {}, "table must hold numeric ratings only"),
    (icc, (SHROUT_FLEISS_RATINGS,), {"confidence": 1.0}, "confidence must be in (0, 1); got 1"),
    (icc, (SHROUT_FLEISS_RATINGS,), {"confidence": 95}, "confidence must be in (0, 1); got 95"),
    (condorcet_majority, (1.2, 3), {}, "p must be in [0, 1]; got 1.2"),
    (condorcet_majority, (0.6, 4), {}, "n must be an odd positive integer; got 4"),
    (condorcet_majority, (0.6, 0), {}, "n must be an integer >= 1; got 0"),
    (condorcet_majority, (0.6, 3.0), {}, "n must be an integer >= 1; got 3.0"),
    (condorcet_majority, (0.6, True), {}, "n must be an integer >= 1; got True"),
    (cascade_probabilities, (0.5, 4), {}, "p must be in (0.5, 1); got 0.5"),
    (cascade_probabilities, (1.0, 4), {}, "p must be in (0.5, 1); got 1"),
    (cascade_probabilities, (0.7, -1), {}, "n_voters must be an integer >= 0; got -1"),
    (cascade_probabilities, (0.7, 2.5), {}, "n_voters must be an integer >= 0; got 2.5"),
    (
        cascade_probabilities,
        (0.7, 4),
        {"tie_rule": "majority"},
        "tie_rule must be one of 'coin', 'own_signal'; got 'majority'",
    ),
]


@pytest.mark.parametrize(
    "function, args, kwargs, message",
    BAD_ARGUMENTS,
    ids=[f"{case[0].__name__}-{i}" for i, case in enumerate(BAD_ARGUMENTS)],
)
def test_bad_arguments_raise_value_error_naming_the_parameter(
    function, args: tuple, kwargs: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        function(*args, **kwargs)
