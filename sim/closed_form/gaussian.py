"""Gaussian probabilities the closed forms need: orthants of small normal vectors.

A debrief's decision is a handful of Gaussian linear scores (gates, veto
holders' views, the rule's score), so a hire probability is an orthant
probability ``P(X >= lower)`` of a 1- to ~4-dimensional normal vector.

Accuracy (measured in ``tests/test_gaussian.py`` against the exact orthant at
the origin and against adaptive quadrature):

- one and two dimensions: exact to rounding (the normal CDF, Owen's T);
- three dimensions: :func:`trivariate_normal_cdf`, one-dimensional quadrature
  of the exact bivariate CDF, within 1e-10 for every correlation up to
  ``1 - 1e-7``, including near-singular ones;
- four or more: scipy's Genz algorithm (quasi-Monte Carlo with a capped budget,
  deterministic seed), about 1e-4.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from ..theory import bivariate_normal_cdf

__all__ = [
    "clipped_normal_moments",
    "orthant_batch",
    "orthant_probability",
    "trivariate_normal_cdf",
]

_LOW, _HIGH = -8.5, 8.5  # the normal mass outside is < 1e-16
_GL64 = np.polynomial.legendre.leggauss(64)
_GL10 = np.polynomial.legendre.leggauss(10)
_EASY = 0.9  # correlations up to here: one 64-node rule is accurate to ~1e-11
_DEGENERATE = 1e-7  # sqrt(1 - r^2) below this: treat the pair as one variable (Genz)
_STEPS = np.array([-16.0, -4.0, -1.0, 0.0, 1.0, 4.0, 16.0])  # panel edges around a kink


def orthant_probability(
    mean: np.ndarray, cov: np.ndarray, lower: np.ndarray, *, rng: int = 0
) -> float:
    """``P(X_i >= lower_i for all i)`` for ``X ~ N(mean, cov)``.

    Exact for up to two dimensions (Owen's T), accurate to about 1e-10 in three
    (:func:`trivariate_normal_cdf`); beyond, scipy's Genz algorithm with a fixed
    seed (deterministic, accurate to about 1e-4).
    """
    mean, cov, lower = (np.asarray(x, dtype=float) for x in (mean, cov, lower))
    return _orthant_general(mean, cov, lower, rng)


def orthant_batch(
    mean: np.ndarray, cov: np.ndarray, lower: np.ndarray, *, rng: int = 0
) -> np.ndarray:
    """``P(X >= lower)`` for a batch of Gaussians ``X ~ N(mean[i], cov[i])``.

    Parameters
    ----------
    mean : ndarray, shape (m, D)
    cov : ndarray, shape (m, D, D)
    lower : ndarray, shape (D,)

    Returns
    -------
    ndarray, shape (m,)
        Exact (Owen's T) for D <= 2 and :func:`trivariate_normal_cdf` for D = 3;
        otherwise, and for degenerate rows, scipy's Genz algorithm row by row.
        A coordinate with zero variance is a certainty (it passes or it fails).
    """
    mean = np.asarray(mean, dtype=float)
    cov = np.asarray(cov, dtype=float)
    lower = np.asarray(lower, dtype=float)
    m, d = mean.shape
    sd = np.sqrt(np.clip(np.einsum("mii->mi", cov), 0.0, None))
    out = np.full(m, np.nan)
    regular = np.all(sd > 0, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (mean - lower) / sd
        corr = cov / (sd[:, :, None] * sd[:, None, :])
    if d == 1:
        out[regular] = special.ndtr(z[regular, 0])
    elif d == 2:
        rho = np.clip(corr[regular, 0, 1], -1.0, 1.0)
        out[regular] = bivariate_normal_cdf(z[regular, 0], z[regular, 1], rho)
    elif d == 3 and regular.any():
        rows = np.flatnonzero(regular)
        got = trivariate_normal_cdf(z[rows], corr[rows])
        out[rows] = got
        regular[rows[np.isnan(got)]] = False
    else:
        regular[:] = False
    for i in np.flatnonzero(~regular):
        out[i] = _orthant_general(mean[i], cov[i], lower, rng)
    return np.clip(out, 0.0, 1.0)


def _orthant_general(mean: np.ndarray, cov: np.ndarray, lower: np.ndarray, rng: int) -> float:
    """Any dimension: certain coordinates removed, then exact (D <= 3) or Genz."""
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    certain = sd == 0
    if np.any(certain & (mean < lower)):
        return 0.0
    keep = ~certain
    if not keep.any():
        return 1.0
    mean, lower, sd, cov = mean[keep], lower[keep], sd[keep], cov[np.ix_(keep, keep)]
    z = (mean - lower) / sd
    corr = cov / np.outer(sd, sd)
    if z.size == 1:
        return float(special.ndtr(z[0]))
    if z.size == 2:
        return float(bivariate_normal_cdf(z[0], z[1], np.clip(corr[0, 1], -1.0, 1.0)))
    if z.size == 3:
        exact = float(trivariate_normal_cdf(z[None], corr[None])[0])
        if not math.isnan(exact):
            return exact
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


# --------------------------------------------------------------------------- three dimensions
def trivariate_normal_cdf(z: np.ndarray, corr: np.ndarray) -> np.ndarray:
    """``P(Y1 < z1, Y2 < z2, Y3 < z3)`` for standard normals with correlation ``corr``.

    Conditions on the variable least correlated with the other two, ``Y1 = y``,
    and integrates ``phi(y)`` times the exact bivariate CDF of the other two
    over ``y`` in ``(-8.5, z1)``. Where the conditional CDF has a sharp step
    (a correlation near +-1 makes ``(z2 - r12 y) / sqrt(1 - r12^2)`` steep, a
    partial correlation near +-1 makes a kink where the two limits meet), the
    integral is split into panels scaled to the step, so the result stays
    accurate to about 1e-10 for correlations up to ``1 - 1e-7``.

    Parameters
    ----------
    z : ndarray, shape (m, 3)
        Upper limits (finite or +-inf).
    corr : ndarray, shape (m, 3, 3)
        Correlation matrices.

    Returns
    -------
    ndarray, shape (m,)
        NaN for a row with a correlation within 1e-7 of +-1 on the conditioning
        variable (a singular pair; the caller reduces the dimension).

    Examples
    --------
    >>> r = np.full((1, 3, 3), 0.999); r[0][np.diag_indices(3)] = 1.0
    >>> exact = 1 / 8 + 3 * np.arcsin(0.999) / (4 * np.pi)  # the orthant at the origin
    >>> bool(abs(trivariate_normal_cdf(np.zeros((1, 3)), r)[0] - exact) < 1e-10)
    True
    """
    z = np.asarray(z, dtype=float)
    corr = np.asarray(corr, dtype=float)
    z, corr = _least_correlated_first(z, corr)
    r12, r13, r23 = corr[:, 0, 1], corr[:, 0, 2], corr[:, 1, 2]
    s2 = np.sqrt(np.clip((1 - r12) * (1 + r12), 0.0, None))
    s3 = np.sqrt(np.clip((1 - r13) * (1 + r13), 0.0, None))
    out = np.full(z.shape[0], np.nan)
    ok = (s2 > _DEGENERATE) & (s3 > _DEGENERATE)
    if not ok.any():
        return out
    z, r12, r13, r23, s2, s3 = z[ok], r12[ok], r13[ok], r23[ok], s2[ok], s3[ok]
    partial = np.clip((r23 - r12 * r13) / (s2 * s3), -1.0, 1.0)
    low = np.full(z.shape[0], _LOW)
    high = np.clip(z[:, 0], _LOW, _HIGH)
    easy = (np.maximum(abs(r12), abs(r13)) <= _EASY) & (abs(partial) <= _EASY)
    result = np.zeros(z.shape[0])
    args = (z, r12, r13, s2, s3, partial)
    if easy.any():
        edges = np.column_stack([low, high])[easy]
        result[easy] = _integrate(edges, _GL64, *(a[easy] for a in args))
    hard = ~easy
    if hard.any():
        edges = _panel_edges(low[hard], high[hard], *(a[hard] for a in args))
        result[hard] = _integrate(edges, _GL10, *(a[hard] for a in args))
    out[ok] = result
    return out


def _least_correlated_first(z: np.ndarray, corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reorder each row so variable 1 has the smallest largest |correlation| to the others."""
    off = np.abs(corr) - np.eye(3)[None] * np.abs(corr)
    first = np.argmin(off.max(axis=2), axis=1)  # (m,)
    order = np.array([[0, 1, 2], [1, 0, 2], [2, 0, 1]])[first]
    rows = np.arange(z.shape[0])[:, None]
    return z[rows, order], corr[rows[:, :, None], order[:, :, None], order[:, None, :]]


def _conditional(
    y: np.ndarray,
    z: np.ndarray,
    r12: np.ndarray,
    r13: np.ndarray,
    s2: np.ndarray,
    s3: np.ndarray,
    partial: np.ndarray,
) -> np.ndarray:
    """``phi(y) * P(Y2 < z2, Y3 < z3 | Y1 = y)`` at nodes ``y`` (m, q)."""
    a = (z[:, 1, None] - r12[:, None] * y) / s2[:, None]
    b = (z[:, 2, None] - r13[:, None] * y) / s3[:, None]
    inner = np.asarray(bivariate_normal_cdf(a, b, np.broadcast_to(partial[:, None], a.shape)))
    return np.exp(-(y**2) / 2.0) / math.sqrt(2.0 * math.pi) * inner


def _integrate(edges: np.ndarray, rule: tuple[np.ndarray, np.ndarray], *args: np.ndarray):
    """Composite Gauss-Legendre over the panels between consecutive ``edges`` (m, E)."""
    nodes, weights = rule
    left, right = edges[:, :-1], edges[:, 1:]  # (m, E - 1)
    half = (right - left) / 2.0
    y = (left + half)[:, :, None] + half[:, :, None] * nodes  # (m, E - 1, q)
    m, panels, q = y.shape
    values = _conditional(y.reshape(m, panels * q), *args).reshape(m, panels, q)
    return (half * (values @ weights)).sum(axis=1)


def _panel_edges(
    low: np.ndarray,
    high: np.ndarray,
    z: np.ndarray,
    r12: np.ndarray,
    r13: np.ndarray,
    s2: np.ndarray,
    s3: np.ndarray,
    partial: np.ndarray,
) -> np.ndarray:
    """Panel edges (m, E): unit steps, refined around every sharp step of the integrand."""
    with np.errstate(divide="ignore", invalid="ignore"):
        slope_a, slope_b = -r12 / s2, -r13 / s3  # d a / d y, d b / d y
        kinks = [
            (z[:, 1] / r12, 1.0 / np.abs(slope_a)),  # a = 0
            (z[:, 2] / r13, 1.0 / np.abs(slope_b)),  # b = 0
            (  # a = b, sharp when the partial correlation is near +1
                (z[:, 1] / s2 - z[:, 2] / s3) / (slope_b - slope_a),
                np.sqrt(2 * (1 - partial)) / np.abs(slope_a - slope_b),
            ),
            (  # a = -b, sharp when it is near -1
                -(z[:, 1] / s2 + z[:, 2] / s3) / (slope_a + slope_b),
                np.sqrt(2 * (1 + partial)) / np.abs(slope_a + slope_b),
            ),
        ]
    columns = [low, high, *(low + (high - low) * t for t in np.linspace(0, 1, 18)[1:-1])]
    for centre, width in kinks:
        sharp = np.isfinite(centre) & np.isfinite(width) & (width < 0.5)
        width = np.where(sharp, np.maximum(width, 1e-12), 0.0)
        centre = np.where(sharp, centre, low)
        columns += [centre + step * width for step in _STEPS]
    edges = np.clip(np.column_stack(columns), low[:, None], high[:, None])
    return np.sort(edges, axis=1)


# --------------------------------------------------------------------------- framing
def clipped_normal_moments(
    mean: float, sd: float, low: float = -1.0, high: float = 1.0
) -> tuple[float, float]:
    """Mean and variance of ``clip(N(mean, sd**2), low, high)``.

    Examples
    --------
    >>> m, v = clipped_normal_moments(0.0, 0.5)
    >>> round(m, 12), round(v, 4)
    (0.0, 0.2301)
    >>> clipped_normal_moments(0.3, 1e-200)  # a vanishing SD is a point mass
    (0.3, 0.0)
    """
    if sd <= 1e-12 * (high - low):  # a point mass, to within 1e-24 in the variance
        x = float(np.clip(mean, low, high))
        return x, 0.0
    a, b = (low - mean) / sd, (high - mean) / sd
    pa, pb = special.ndtr(a), special.ndtr(b)
    fa, fb = np.exp(-(a**2) / 2) / np.sqrt(2 * np.pi), np.exp(-(b**2) / 2) / np.sqrt(2 * np.pi)
    mass = pb - pa
    # Inside: truncated normal moments, weighted by the mass inside; outside: point masses.
    first_in = mean * mass + sd * (fa - fb)
    second_in = (mean**2 + sd**2) * mass + 2 * mean * sd * (fa - fb) + sd**2 * (a * fa - b * fb)
    first = first_in + low * pa + high * (1 - pb)
    second = second_in + low**2 * pa + high**2 * (1 - pb)
    return float(first), float(max(second - first**2, 0.0))
