"""The bivariate normal CDF through Owen's T (Owen 1956)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ._checks import (
    FloatOrArray,
    check_interval,
    invalid,
    real_array,
    scalar_or_array,
)

__all__ = ["bivariate_normal_cdf"]


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
    h_arr = real_array("h", h)
    k_arr = real_array("k", k)
    for name, array in (("h", h_arr), ("k", k_arr)):
        if np.any(np.isnan(array)):
            raise invalid(f"{name} must be a real number in [-inf, inf]; got nan")
    rho_arr = check_interval("rho", rho, -1.0, 1.0)
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
    return scalar_or_array(np.clip(result, 0.0, 1.0))
