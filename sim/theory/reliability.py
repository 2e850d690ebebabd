"""Reliability of raters: Spearman-Brown and the Shrout & Fleiss (1979) intraclass correlations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ._checks import (
    FloatOrArray,
    check_interval,
    check_scalar,
    invalid,
    scalar_or_array,
)

__all__ = ["ICC_FORMS", "icc", "spearman_brown"]


ICC_FORMS = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")


# --------------------------------------------------------------------------- reliability


def spearman_brown(r: ArrayLike, k: ArrayLike) -> FloatOrArray:
    """Reliability of the mean of ``k`` parallel raters (Spearman-Brown prophecy formula).

    ``rho_k = k * r / (1 + (k - 1) * r)``.

    Parameters
    ----------
    r : float or array_like
        Reliability of a single rater (dimensionless), in [0, 1]: a reliability
        is a share of variance, so a negative one is an estimation artefact, not an
        input to step up.
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
    SpecError
        (a ValueError) If ``r`` is outside [0, 1] or NaN, or if ``k`` is not > 0.

    Examples
    --------
    Panel interviews: one interviewer with reliability .44, four of them averaged.

    >>> round(spearman_brown(0.44, 4), 4)
    0.7586
    >>> spearman_brown([0.2, 0.5], 2)
    array([0.33333333, 0.66666667])
    """
    r_arr = check_interval("r", r, 0.0, 1.0)
    k_arr = check_interval("k", k, 0.0, math.inf, low_open=True, high_open=True)
    r_arr, k_arr = np.broadcast_arrays(r_arr, k_arr)
    # 1 + (k - 1) r >= 1 - r + k r > 0 for r in [0, 1] and k > 0: always defined.
    reliability = k_arr * r_arr / (1.0 + (k_arr - 1.0) * r_arr)
    # Exact algebra keeps the result in [0, 1]; rounding can step just past 1.
    reliability = np.minimum(reliability, 1.0)
    return scalar_or_array(reliability)


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
    level = check_scalar("confidence", confidence)
    check_interval("confidence", level, 0.0, 1.0, low_open=True, high_open=True)
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
        raise invalid("table must hold numeric ratings only; got non-numeric values") from None
    if ratings.ndim != 2:
        raise invalid(
            f"table must be 2-D (targets x raters); got an array with shape {ratings.shape}"
        )
    n, k = ratings.shape
    if n < 2:
        raise invalid(f"table must have at least 2 targets (rows); got {n}")
    if k < 2:
        raise invalid(f"table must have at least 2 raters (columns); got {k}")
    if not np.all(np.isfinite(ratings)):
        row, col = np.argwhere(~np.isfinite(ratings))[0]
        raise invalid(
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
