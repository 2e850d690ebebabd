"""Selection utility: Taylor-Russell, Naylor-Shine and Brogden-Cronbach-Gleser."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from ._checks import (
    FloatOrArray,
    check_interval,
    check_scalar,
    scalar_or_array,
)
from .normal import bivariate_normal_cdf

__all__ = ["bcg_utility", "naylor_shine", "taylor_russell"]


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
    rho = check_interval("validity", validity, -1.0, 1.0)
    sr = check_interval("selection_ratio", selection_ratio, 0.0, 1.0, low_open=True)
    br = check_interval("base_rate", base_rate, 0.0, 1.0)
    # -x_c = Phi^-1(SR) exactly; ndtri avoids the cancellation in 1 - SR for small SR.
    joint = bivariate_normal_cdf(special.ndtri(sr), special.ndtri(br), rho)
    return scalar_or_array(np.clip(np.asarray(joint) / sr, 0.0, 1.0))


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
    rho = check_interval("validity", validity, -1.0, 1.0)
    sr = check_interval("selection_ratio", selection_ratio, 0.0, 1.0, low_open=True)
    x_c = special.ndtri(1.0 - sr)
    mean_selected_predictor = stats.norm.pdf(x_c) / sr  # E[X | X > x_c]
    return scalar_or_array(rho * mean_selected_predictor)


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
    n = check_scalar("n_selected", n_selected)
    t = check_scalar("years", years)
    r = check_scalar("validity", validity)
    sdy = check_scalar("sd_y", sd_y)
    sr = check_scalar("selection_ratio", selection_ratio)
    cost = check_scalar("cost_per_applicant", cost_per_applicant)
    check_interval("n_selected", n, 0.0, math.inf, high_open=True)
    check_interval("years", t, 0.0, math.inf, high_open=True)
    check_interval("sd_y", sdy, 0.0, math.inf, high_open=True)
    check_interval("cost_per_applicant", cost, 0.0, math.inf, high_open=True)
    mean_gain_z = naylor_shine(r, sr)  # validates validity and selection_ratio
    return float(n * t * sdy * mean_gain_z - (n / sr) * cost)
