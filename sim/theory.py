"""Closed-form results from the selection, reliability and group-decision literature.

Every function here is a pure function of numbers or arrays. The simulation engine is
tested against these exact answers, and widgets use them as a fast path.

Functions
---------
spearman_brown
    Reliability of the mean of ``k`` parallel raters (Spearman 1910; Brown 1910).
bivariate_normal_cdf
    Standard bivariate normal CDF via Owen's T function (Owen 1956).
taylor_russell
    Success ratio of a selection procedure (Taylor & Russell 1939).
naylor_shine
    Mean standardised criterion score of those selected (Naylor & Shine 1965).
bcg_utility
    Brogden-Cronbach-Gleser dollar utility of a selection procedure.
icc
    The six Shrout & Fleiss (1979) intraclass correlations with F tests and intervals.
condorcet_majority
    Accuracy of a simple majority of independent voters (Condorcet jury theorem).
cascade_probabilities
    Informational cascades in sequential public votes (Bikhchandani, Hirshleifer &
    Welch 1992).

References
----------
Bikhchandani, S., Hirshleifer, D., & Welch, I. (1992). A theory of fads, fashion,
custom, and cultural change as informational cascades. Journal of Political Economy,
100(5), 992-1026.

Cronbach, L. J., & Gleser, G. C. (1965). Psychological tests and personnel decisions
(2nd ed.). University of Illinois Press.

McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass
correlation coefficients. Psychological Methods, 1(1), 30-46.

Naylor, J. C., & Shine, L. C. (1965). A table for determining the increase in mean
criterion score obtained by using a selection device. Journal of Industrial
Psychology, 3, 33-42.

Owen, D. B. (1956). Tables for computing bivariate normal probabilities. Annals of
Mathematical Statistics, 27(4), 1075-1090.

Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
rater reliability. Psychological Bulletin, 86(2), 420-428.

Taylor, H. C., & Russell, J. T. (1939). The relationship of validity coefficients to
the practical effectiveness of tests in selection. Journal of Applied Psychology,
23(5), 565-578.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

__all__ = [
    "CascadeProbabilities",
    "bcg_utility",
    "bivariate_normal_cdf",
    "cascade_probabilities",
    "condorcet_majority",
    "icc",
    "naylor_shine",
    "spearman_brown",
    "taylor_russell",
]

FloatOrArray = float | NDArray[np.float64]

ICC_FORMS = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")


# --------------------------------------------------------------------------- validation


def _real_array(name: str, value: ArrayLike) -> NDArray[np.float64]:
    """Return ``value`` as a new float array, or raise a ValueError naming ``name``."""
    try:
        array = np.array(value, dtype=float)  # np.array copies, so callers' data is safe
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number or array of them; got {value!r}") from None
    return array


def _check_interval(
    name: str,
    value: ArrayLike,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> NDArray[np.float64]:
    """Return ``value`` as a float array after checking every element lies in the interval.

    The error message names the parameter, the interval and the first bad value.
    """
    array = _real_array(name, value)
    too_low = array <= low if low_open else array < low
    too_high = array >= high if high_open else array > high
    bad = np.isnan(array) | too_low | too_high
    if np.any(bad):
        interval = (
            f"{'(' if low_open else '['}{_fmt(low)}, {_fmt(high)}{')' if high_open else ']'}"
        )
        raise ValueError(f"{name} must be in {interval}; got {_fmt(array[bad].flat[0])}")
    return array


def _fmt(number: float) -> str:
    """Format a bound or a bad value the way a reader would write it (1, 0.5, inf)."""
    number = float(number)
    return str(int(number)) if number.is_integer() else repr(number)


def _check_scalar(name: str, value: object) -> float:
    """Return ``value`` as a Python float, or raise if it is not a single real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a single real number; got {value!r}")
    return float(value)


def _check_integers(name: str, value: ArrayLike, *, minimum: int) -> NDArray[np.int64]:
    """Return ``value`` as an integer array after checking each element is an int >= minimum."""
    array = np.asarray(value)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if np.any(array < minimum):
        raise ValueError(
            f"{name} must be an integer >= {minimum}; got {array[array < minimum].flat[0]}"
        )
    return array.astype(np.int64)


def _scalar_or_array(array: NDArray[np.float64]) -> FloatOrArray:
    """Return a Python float for 0-d results (clean doctests), the array otherwise."""
    return float(array) if array.ndim == 0 else array


# --------------------------------------------------------------------------- reliability


def spearman_brown(r: ArrayLike, k: ArrayLike) -> FloatOrArray:
    """Reliability of the mean of ``k`` parallel raters (Spearman-Brown prophecy formula).

    ``rho_k = k * r / (1 + (k - 1) * r)``.

    Parameters
    ----------
    r : float or array_like
        Reliability of a single rater (dimensionless correlation), in [-1, 1].
    k : float or array_like
        Number of parallel raters, or more generally the lengthening factor; > 0. Need not
        be an integer (``k = 0.5`` halves the panel). Broadcast against ``r``.

    Returns
    -------
    float or numpy.ndarray
        Reliability of the ``k``-rater mean (dimensionless). A float when both inputs are
        scalars, else an array of the broadcast shape.

    Raises
    ------
    ValueError
        If ``r`` is outside [-1, 1] or NaN, if ``k`` is not > 0, or where
        ``1 + (k - 1) * r == 0`` (the formula is undefined there; only possible for r < 0).

    Examples
    --------
    Panel interviews: one interviewer with reliability .44, four of them averaged.

    >>> round(spearman_brown(0.44, 4), 4)
    0.7586
    >>> spearman_brown([0.2, 0.5], 2)
    array([0.33333333, 0.66666667])
    """
    r_arr = _check_interval("r", r, -1.0, 1.0)
    k_arr = _check_interval("k", k, 0.0, math.inf, low_open=True, high_open=True)
    r_arr, k_arr = np.broadcast_arrays(r_arr, k_arr)
    denominator = 1.0 + (k_arr - 1.0) * r_arr
    if np.any(denominator == 0.0):
        where = np.flatnonzero(denominator == 0.0)[0]
        raise ValueError(
            "spearman_brown is undefined where 1 + (k - 1) * r == 0; "
            f"got r={_fmt(r_arr.flat[where])}, k={_fmt(k_arr.flat[where])}"
        )
    reliability = k_arr * r_arr / denominator
    # Exact algebra keeps r in [0, 1] inside [0, 1]; rounding can step just past 1.
    reliability = np.where(r_arr >= 0.0, np.minimum(reliability, 1.0), reliability)
    return _scalar_or_array(reliability)


# --------------------------------------------------------------------------- bivariate normal


def bivariate_normal_cdf(h: ArrayLike, k: ArrayLike, rho: ArrayLike) -> FloatOrArray:
    """``P(X <= h, Y <= k)`` for a standard bivariate normal pair with correlation ``rho``.

    Exact up to floating point through Owen's (1956) identity

    ``Phi2(h, k; rho) = (Phi(h) + Phi(k)) / 2 - T(h, a_h) - T(k, a_k) - beta``,

    with ``a_h = (k - rho h) / (h sqrt(1 - rho^2))``, ``a_k = (h - rho k) / (k sqrt(1 -
    rho^2))``, ``T`` Owen's T function and ``beta = 1/2`` when ``h k < 0`` (or ``h k = 0``
    and ``h + k < 0``), else 0. The cases ``h = 0``, ``k = 0``, infinite limits and
    ``|rho| = 1`` are handled by their limits.

    Parameters
    ----------
    h, k : float or array_like
        Upper limits for X and Y (z-scores, standard-deviation units); +/-inf allowed,
        NaN not. Broadcast against each other and ``rho``.
    rho : float or array_like
        Correlation of X and Y, in [-1, 1].

    Returns
    -------
    float or numpy.ndarray
        The probability, in [0, 1]. A float when all inputs are scalars.

    Raises
    ------
    ValueError
        If ``rho`` is outside [-1, 1], or any input is NaN.

    Examples
    --------
    >>> round(bivariate_normal_cdf(0.0, 0.0, 0.5), 12)  # 1/4 + arcsin(rho) / (2 pi)
    0.333333333333
    >>> round(bivariate_normal_cdf(1.0, -0.5, -0.3), 6)
    0.232036
    """
    h_arr = _real_array("h", h)
    k_arr = _real_array("k", k)
    for name, array in (("h", h_arr), ("k", k_arr)):
        if np.any(np.isnan(array)):
            raise ValueError(f"{name} must be a real number in [-inf, inf]; got nan")
    rho_arr = _check_interval("rho", rho, -1.0, 1.0)
    h_arr, k_arr, rho_arr = np.broadcast_arrays(h_arr, k_arr, rho_arr)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s = np.sqrt((1.0 - rho_arr) * (1.0 + rho_arr))  # sqrt(1 - rho^2), accurate near |1|
        phi_h = special.ndtr(h_arr)
        phi_k = special.ndtr(k_arr)
        # General case: h != 0 and k != 0, finite, |rho| < 1.
        a_h = (k_arr - rho_arr * h_arr) / (h_arr * s)
        a_k = (h_arr - rho_arr * k_arr) / (k_arr * s)
        # Signs, not the product h * k, which underflows to 0 for tiny limits.
        beta = np.where(np.sign(h_arr) * np.sign(k_arr) < 0.0, 0.5, 0.0)
        result = 0.5 * (phi_h + phi_k) - special.owens_t(h_arr, a_h) - special.owens_t(k_arr, a_k)
        result = result - beta
        # One limit at zero: the h -> 0 terms cancel against beta, leaving one T term.
        t_k = 0.5 * phi_k + special.owens_t(k_arr, rho_arr / s)
        t_h = 0.5 * phi_h + special.owens_t(h_arr, rho_arr / s)
        result = np.where((h_arr == 0.0) & (k_arr != 0.0), t_k, result)
        result = np.where((k_arr == 0.0) & (h_arr != 0.0), t_h, result)
        both_zero = 0.25 + np.arcsin(rho_arr) / (2.0 * np.pi)
        result = np.where((h_arr == 0.0) & (k_arr == 0.0), both_zero, result)
    # Infinite limits collapse to a univariate probability.
    result = np.where(h_arr == np.inf, phi_k, result)
    result = np.where(k_arr == np.inf, phi_h, result)
    result = np.where((h_arr == -np.inf) | (k_arr == -np.inf), 0.0, result)
    # Degenerate correlations: Y = X or Y = -X (these also cover infinite limits).
    result = np.where(rho_arr == 1.0, np.minimum(phi_h, phi_k), result)
    result = np.where(rho_arr == -1.0, np.maximum(phi_h + phi_k - 1.0, 0.0), result)
    return _scalar_or_array(np.clip(result, 0.0, 1.0))


# --------------------------------------------------------------------------- selection utility


def taylor_russell(
    validity: ArrayLike, selection_ratio: ArrayLike, base_rate: ArrayLike
) -> FloatOrArray:
    """Success ratio of a selection procedure (Taylor & Russell 1939).

    Predictor X and criterion Y are standard bivariate normal with correlation
    ``validity``. The top ``selection_ratio`` of applicants on X are hired
    (``X > x_c``, ``x_c = Phi^-1(1 - SR)``) and a hire is a success when ``Y > y_c``,
    ``y_c = Phi^-1(1 - BR)``. The success ratio is

    ``P(Y > y_c | X > x_c) = Phi2(-x_c, -y_c; validity) / SR``.

    Parameters
    ----------
    validity : float or array_like
        Correlation between predictor and criterion (dimensionless), in [-1, 1].
    selection_ratio : float or array_like
        Share of applicants hired, in (0, 1].
    base_rate : float or array_like
        Share of applicants who would succeed if hired at random, in [0, 1].

    Returns
    -------
    float or numpy.ndarray
        Share of hires who succeed, in [0, 1]. Equals ``base_rate`` when validity is 0 or
        the selection ratio is 1. A float when all inputs are scalars.

    Raises
    ------
    ValueError
        If any argument is outside its range or NaN.

    Examples
    --------
    The Taylor-Russell table value for validity .50, selection ratio .10, base rate .50
    is .84:

    >>> round(taylor_russell(0.50, 0.10, 0.50), 3)
    0.838
    >>> round(taylor_russell(0.0, 0.2, 0.3), 12)  # a useless predictor leaves the base rate
    0.3
    """
    rho = _check_interval("validity", validity, -1.0, 1.0)
    sr = _check_interval("selection_ratio", selection_ratio, 0.0, 1.0, low_open=True)
    br = _check_interval("base_rate", base_rate, 0.0, 1.0)
    # -x_c = Phi^-1(SR) exactly; ndtri avoids the cancellation in 1 - SR for small SR.
    joint = bivariate_normal_cdf(special.ndtri(sr), special.ndtri(br), rho)
    return _scalar_or_array(np.clip(np.asarray(joint) / sr, 0.0, 1.0))


def naylor_shine(validity: ArrayLike, selection_ratio: ArrayLike) -> FloatOrArray:
    """Mean standardised criterion score of those selected (Naylor & Shine 1965).

    With the top ``selection_ratio`` selected on a normal predictor (``X > x_c``,
    ``x_c = Phi^-1(1 - SR)``), ``E[Y | X > x_c] = validity * phi(x_c) / SR``.

    Parameters
    ----------
    validity : float or array_like
        Correlation between predictor and criterion (dimensionless), in [-1, 1].
    selection_ratio : float or array_like
        Share of applicants hired, in (0, 1].

    Returns
    -------
    float or numpy.ndarray
        Mean criterion score of hires, in criterion standard deviations (z units);
        0 at a selection ratio of 1. A float when both inputs are scalars.

    Raises
    ------
    ValueError
        If an argument is outside its range or NaN.

    Examples
    --------
    >>> round(naylor_shine(0.5, 0.5), 4)  # 0.5 * phi(0) / 0.5
    0.3989
    >>> round(naylor_shine(0.42, 0.1), 4)
    0.7371
    """
    rho = _check_interval("validity", validity, -1.0, 1.0)
    sr = _check_interval("selection_ratio", selection_ratio, 0.0, 1.0, low_open=True)
    x_c = special.ndtri(1.0 - sr)
    mean_selected_predictor = stats.norm.pdf(x_c) / sr  # E[X | X > x_c]
    return _scalar_or_array(rho * mean_selected_predictor)


def bcg_utility(
    n_selected: float,
    years: float,
    validity: float,
    sd_y: float,
    selection_ratio: float,
    cost_per_applicant: float = 0.0,
) -> float:
    """Brogden-Cronbach-Gleser gain in dollars from selecting with a valid predictor.

    ``Delta U = N * T * r * SDy * phi(z_c) / SR - (N / SR) * cost_per_applicant``,

    where ``z_c = Phi^-1(1 - SR)`` and ``N / SR`` is the number of applicants assessed.
    The gain is relative to hiring the same number of people at random.

    Parameters
    ----------
    n_selected : float
        Number of people hired, N (persons), >= 0.
    years : float
        Average tenure of a hire, T (years), >= 0.
    validity : float
        Correlation between predictor and job performance, r, in [-1, 1].
    sd_y : float
        Standard deviation of job performance in dollars per person-year, SDy, >= 0
        (about 40 % of salary by the usual rule of thumb).
    selection_ratio : float
        Share of applicants hired, SR, in (0, 1].
    cost_per_applicant : float, default 0.0
        Cost of assessing one applicant (dollars), >= 0.

    Returns
    -------
    float
        Utility gain in dollars over the whole tenure (negative if costs exceed gains).

    Raises
    ------
    ValueError
        If an argument is not a single real number or is outside its range.

    Examples
    --------
    Ten hires staying 3 years, validity .42, SDy $76,000, one hire in ten applicants,
    $500 to assess each of the 100 applicants:

    >>> round(bcg_utility(10, 3, 0.42, 76_000, 0.1, cost_per_applicant=500))
    1630572
    """
    n = _check_scalar("n_selected", n_selected)
    t = _check_scalar("years", years)
    r = _check_scalar("validity", validity)
    sdy = _check_scalar("sd_y", sd_y)
    sr = _check_scalar("selection_ratio", selection_ratio)
    cost = _check_scalar("cost_per_applicant", cost_per_applicant)
    _check_interval("n_selected", n, 0.0, math.inf, high_open=True)
    _check_interval("years", t, 0.0, math.inf, high_open=True)
    _check_interval("sd_y", sdy, 0.0, math.inf, high_open=True)
    _check_interval("cost_per_applicant", cost, 0.0, math.inf, high_open=True)
    mean_gain_z = naylor_shine(r, sr)  # validates validity and selection_ratio
    return float(n * t * sdy * mean_gain_z - (n / sr) * cost)


# --------------------------------------------------------------------------- intraclass corr


def icc(table: ArrayLike | pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Shrout & Fleiss (1979) intraclass correlations of a candidates-by-raters table.

    Two-way ANOVA mean squares of the ``n x k`` table give
    ``BMS`` (between targets), ``JMS`` (between raters/judges), ``EMS`` (residual) and
    ``WMS`` (within targets). Then

    - ICC(1,1) = (BMS - WMS) / (BMS + (k - 1) WMS)            one-way random
    - ICC(2,1) = (BMS - EMS) / (BMS + (k - 1) EMS + k (JMS - EMS) / n)   two-way random
    - ICC(3,1) = (BMS - EMS) / (BMS + (k - 1) EMS)            two-way mixed
    - ICC(1,k) = (BMS - WMS) / BMS
    - ICC(2,k) = (BMS - EMS) / (BMS + (JMS - EMS) / n)
    - ICC(3,k) = (BMS - EMS) / BMS

    The F tests of ICC = 0 are ``F = BMS / WMS`` on ``(n - 1, n (k - 1))`` degrees of
    freedom for the one-way forms and ``F = BMS / EMS`` on ``(n - 1, (n - 1)(k - 1))``
    for the others. Intervals are the exact F intervals of Shrout & Fleiss for forms 1
    and 3 and the McGraw & Wong (1996) approximate interval (Satterthwaite degrees of
    freedom) for form 2, the same formulas as ``psych::ICC`` and ``pingouin``.

    Parameters
    ----------
    table : array_like or pandas.DataFrame, shape (n_targets, n_raters)
        Ratings: one row per target (candidate), one column per rater, any numeric
        scale. No missing values. Not modified.
    confidence : float, default 0.95
        Coverage of the two-sided intervals, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Six rows indexed by ``form`` ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)",
        "ICC(2,k)", "ICC(3,k)") with columns ``icc`` (dimensionless), ``f``, ``df1``,
        ``df2``, ``p_value`` (one-sided, H0: ICC = 0), ``ci_low`` and ``ci_high``.
        Degenerate tables give the limiting values: no residual variation gives
        ``f = inf`` (and NaN ICC(2) limits); no variation at all gives NaN.

    Raises
    ------
    ValueError
        If ``table`` is not 2-D and numeric, has fewer than 2 targets or 2 raters,
        contains NaN or infinite values, or ``confidence`` is outside (0, 1).

    Examples
    --------
    The Shrout & Fleiss (1979) Table 2 example, 6 targets rated by 4 judges:

    >>> ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...            [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> icc(ratings)["icc"].round(2).tolist()
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    ratings = _ratings_matrix(table)
    level = _check_scalar("confidence", confidence)
    _check_interval("confidence", level, 0.0, 1.0, low_open=True, high_open=True)
    n, k = ratings.shape

    grand_mean = ratings.mean()
    ss_total = np.sum((ratings - grand_mean) ** 2)
    ss_targets = k * np.sum((ratings.mean(axis=1) - grand_mean) ** 2)
    ss_raters = n * np.sum((ratings.mean(axis=0) - grand_mean) ** 2)
    df_targets, df_within, df_error = n - 1, n * (k - 1), (n - 1) * (k - 1)
    bms = ss_targets / df_targets
    wms = (ss_total - ss_targets) / df_within
    jms = ss_raters / (k - 1)
    ems = max(ss_total - ss_targets - ss_raters, 0.0) / df_error  # clip rounding below 0

    with np.errstate(divide="ignore", invalid="ignore"):
        icc1 = (bms - wms) / (bms + (k - 1) * wms)
        icc2 = (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n)
        icc3 = (bms - ems) / (bms + (k - 1) * ems)
        icc1k = (bms - wms) / bms
        icc2k = (bms - ems) / (bms + (jms - ems) / n)
        icc3k = (bms - ems) / bms
        f_oneway = np.float64(bms) / wms
        f_twoway = np.float64(bms) / ems
        low1, high1 = _f_interval(f_oneway, df_targets, df_within, level)
        low3, high3 = _f_interval(f_twoway, df_targets, df_error, level)
        low2, high2 = _mcgraw_wong_interval(bms, jms, ems, icc2, n, k, level)

    def single(ci_f: float) -> float:
        return 1.0 - k / (ci_f + k - 1.0)  # = (F - 1) / (F + k - 1), and 1 at F = inf

    def average(ci_f: float) -> float:
        return 1.0 - 1.0 / ci_f

    def stepped_up(single_icc: float) -> float:
        return k * single_icc / (1.0 + (k - 1) * single_icc)

    p_oneway = stats.f.sf(f_oneway, df_targets, df_within)
    p_twoway = stats.f.sf(f_twoway, df_targets, df_error)
    with np.errstate(divide="ignore", invalid="ignore"):
        rows = [
            (icc1, f_oneway, df_within, p_oneway, single(low1), single(high1)),
            (icc2, f_twoway, df_error, p_twoway, low2, high2),
            (icc3, f_twoway, df_error, p_twoway, single(low3), single(high3)),
            (icc1k, f_oneway, df_within, p_oneway, average(low1), average(high1)),
            (icc2k, f_twoway, df_error, p_twoway, stepped_up(low2), stepped_up(high2)),
            (icc3k, f_twoway, df_error, p_twoway, average(low3), average(high3)),
        ]
    result = pd.DataFrame(
        {
            "icc": [float(row[0]) for row in rows],
            "f": [float(row[1]) for row in rows],
            "df1": [df_targets] * len(rows),
            "df2": [row[2] for row in rows],
            "p_value": [float(row[3]) for row in rows],
            "ci_low": [float(row[4]) for row in rows],
            "ci_high": [float(row[5]) for row in rows],
        },
        index=pd.Index(ICC_FORMS, name="form"),
    )
    return result


def _ratings_matrix(table: ArrayLike | pd.DataFrame) -> NDArray[np.float64]:
    """Validate a targets-by-raters table and return a float copy of it."""
    values = table.to_numpy() if isinstance(table, pd.DataFrame) else table
    try:
        ratings = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("table must hold numeric ratings only; got non-numeric values") from None
    if ratings.ndim != 2:
        raise ValueError(
            f"table must be 2-D (targets x raters); got an array with shape {ratings.shape}"
        )
    n, k = ratings.shape
    if n < 2:
        raise ValueError(f"table must have at least 2 targets (rows); got {n}")
    if k < 2:
        raise ValueError(f"table must have at least 2 raters (columns); got {k}")
    if not np.all(np.isfinite(ratings)):
        row, col = np.argwhere(~np.isfinite(ratings))[0]
        raise ValueError(
            f"table must have no missing or infinite ratings; got {ratings[row, col]} "
            f"at row {row}, column {col}"
        )
    return ratings


def _f_interval(
    f_observed: float, df_num: int, df_den: int, confidence: float
) -> tuple[float, float]:
    """Lower and upper limits for the population F ratio (Shrout & Fleiss 1979, eqs. 6-7)."""
    tail = (1.0 - confidence) / 2.0
    lower = f_observed / stats.f.isf(tail, df_num, df_den)
    upper = f_observed * stats.f.isf(tail, df_den, df_num)
    return lower, upper


def _mcgraw_wong_interval(
    bms: float, jms: float, ems: float, icc2: float, n: int, k: int, confidence: float
) -> tuple[float, float]:
    """Approximate interval for ICC(2,1), Satterthwaite df (McGraw & Wong 1996, Table 7)."""
    tail = (1.0 - confidence) / 2.0
    f_raters = jms / ems
    spread = n * (1.0 + (k - 1) * icc2) - k * icc2
    df_v = ((n - 1) * (k - 1) * (k * icc2 * f_raters + spread) ** 2) / (
        (n - 1) * (k * icc2 * f_raters) ** 2 + spread**2
    )
    f_upper_q = stats.f.isf(tail, n - 1, df_v)
    f_lower_q = stats.f.isf(tail, df_v, n - 1)
    cross = k * jms + (k * n - k - n) * ems
    low = n * (bms - f_upper_q * ems) / (f_upper_q * cross + n * bms)
    high = n * (f_lower_q * bms - ems) / (cross + n * f_lower_q * bms)
    return float(low), float(high)


# --------------------------------------------------------------------------- group decisions


def condorcet_majority(p: ArrayLike, n: ArrayLike) -> FloatOrArray:
    """Probability that a simple majority of ``n`` independent voters is correct.

    Each voter is independently correct with probability ``p``; with ``n`` odd the
    majority is correct when at least ``(n + 1) / 2`` are, so the answer is the binomial
    tail ``P(Binomial(n, p) > n // 2)`` (Condorcet jury theorem).

    Parameters
    ----------
    p : float or array_like
        Probability that one voter is correct (dimensionless), in [0, 1].
    n : int or array_like of int
        Number of voters; odd and positive. Broadcast against ``p``.

    Returns
    -------
    float or numpy.ndarray
        Probability that the majority is correct, in [0, 1]. A float when both inputs
        are scalars.

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1] or NaN, or ``n`` is not an odd positive integer.

    Examples
    --------
    >>> round(condorcet_majority(0.6, 3), 6)  # p^3 + 3 p^2 (1 - p)
    0.648
    >>> round(condorcet_majority(0.6, 11), 4)
    0.7535
    """
    p_arr = _check_interval("p", p, 0.0, 1.0)
    n_arr = _check_integers("n", n, minimum=1)
    if np.any(n_arr % 2 == 0):
        raise ValueError(f"n must be an odd positive integer; got {n_arr[n_arr % 2 == 0].flat[0]}")
    return _scalar_or_array(np.asarray(stats.binom.sf(n_arr // 2, n_arr, p_arr), dtype=float))


@dataclass(frozen=True)
class CascadeProbabilities:
    """State of a sequence of public votes after a given number of voters.

    Attributes
    ----------
    correct_cascade : float or numpy.ndarray
        Probability that a cascade on the correct action has started.
    incorrect_cascade : float or numpy.ndarray
        Probability that a cascade on the wrong action has started.
    no_cascade : float or numpy.ndarray
        Probability that no cascade has started yet. The three sum to 1.
    """

    correct_cascade: FloatOrArray
    incorrect_cascade: FloatOrArray
    no_cascade: FloatOrArray


def cascade_probabilities(
    p: ArrayLike,
    n_voters: ArrayLike,
    *,
    tie_rule: Literal["coin", "own_signal"] = "coin",
) -> CascadeProbabilities:
    """Cascade probabilities in the Bikhchandani-Hirshleifer-Welch (1992) basic model.

    Two states are equally likely a priori. Voters act in sequence; each sees a private
    binary signal that matches the state with probability ``p`` and every earlier
    vote, and votes for the state that is more likely given both. A cascade has started
    once the public votes outweigh any single signal, so every later voter ignores their
    own signal. From a balanced history a cascade starts exactly when two consecutive
    votes agree; otherwise the history is balanced again. So a cascade can only start
    after an even-numbered vote, and with ``m = n_voters // 2`` completed pairs:

    ``tie_rule="coin"`` (BHW 1992, eq. 1: an indifferent voter tosses a fair coin), with
    ``q = 1 - p``:

    - correct   = p (p + 1) (1 - (p - p^2)^m) / (2 (1 - p + p^2))
    - incorrect = (p - 1)(p - 2) (1 - (p - p^2)^m) / (2 (1 - p + p^2))
    - none      = (p - p^2)^m

    ``tie_rule="own_signal"`` (an indifferent voter follows their own signal):

    - correct   = p^2 (1 - (2 p q)^m) / (p^2 + q^2)
    - incorrect = q^2 (1 - (2 p q)^m) / (p^2 + q^2)
    - none      = (2 p q)^m

    Parameters
    ----------
    p : float or array_like
        Accuracy of each private signal (dimensionless probability), in (0.5, 1).
    n_voters : int or array_like of int
        Number of votes cast so far, >= 0. Broadcast against ``p``.
    tie_rule : {"coin", "own_signal"}, default "coin"
        What a voter does when their signal exactly offsets the public history. "coin"
        is the convention of BHW (1992) and reproduces their published formula.

    Returns
    -------
    CascadeProbabilities
        ``correct_cascade``, ``incorrect_cascade`` and ``no_cascade`` after
        ``n_voters`` votes (floats when inputs are scalars, else arrays).

    Raises
    ------
    ValueError
        If ``p`` is outside (0.5, 1), ``n_voters`` is not an integer >= 0, or
        ``tie_rule`` is not one of the two rules.

    Examples
    --------
    >>> after_two = cascade_probabilities(0.7, 2)  # one pair of votes
    >>> round(after_two.correct_cascade, 4), round(after_two.no_cascade, 4)
    (0.595, 0.21)
    >>> round(cascade_probabilities(0.7, 10).incorrect_cascade, 4)
    0.2467
    """
    p_arr = _check_interval("p", p, 0.5, 1.0, low_open=True, high_open=True)
    n_arr = _check_integers("n_voters", n_voters, minimum=0)
    pairs = n_arr // 2
    q_arr = 1.0 - p_arr
    if tie_rule == "coin":
        stay_balanced = p_arr * q_arr
        to_correct = p_arr * (p_arr + 1.0) / 2.0
        to_incorrect = q_arr * (q_arr + 1.0) / 2.0
    elif tie_rule == "own_signal":
        stay_balanced = 2.0 * p_arr * q_arr
        to_correct = p_arr**2
        to_incorrect = q_arr**2
    else:
        raise ValueError(f"tie_rule must be one of 'coin', 'own_signal'; got {tie_rule!r}")
    none = stay_balanced**pairs
    # Each pair from a balanced state ends in one of the three outcomes, so the share of
    # started cascades splits in proportion to the per-pair probabilities.
    started = 1.0 - none
    share_correct = to_correct / (to_correct + to_incorrect)
    return CascadeProbabilities(
        correct_cascade=_scalar_or_array(started * share_correct),
        incorrect_cascade=_scalar_or_array(started * (1.0 - share_correct)),
        no_cascade=_scalar_or_array(np.asarray(none, dtype=float)),
    )
