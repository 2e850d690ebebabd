"""Each interviewer's own cut points: an ordinal probit with partially pooled thresholds.

A rating's verbal label (or a seat's recommendation) is ``l`` when the rater's
latent view ``v`` lies between their cut points ``c[l]`` and ``c[l+1]`` (points of
the scale). Interviewer ``j``'s cut ``c[j, l] ~ N(pooled[l], spread[l]**2)``: the
thresholds are partially pooled, estimated by empirical Bayes (EM over the
interviewers). Each cut's posterior is evaluated exactly on a grid, so its
interval is right even where the likelihood has a kink (a cut that falls on a
rounding boundary).

Two kernels link ``v`` to what is observed:

``"cell"`` (labels of rounded scores)
    The written score ``s`` is ``v`` rounded to the scale's step, so ``v`` lies
    in ``s``'s rounding cell, with the density of the rater's points there
    (normal with the fitted mean and latent SD of that rater and competency).
    ``P(label >= l | s) = P(v >= c[l] | v in cell)``, exactly.
``"probit"`` (recommendations on a seat's mean score, or labels on a
continuous scale)
    ``v = x + N(0, noise**2)`` with a common ``noise`` (the rounding of the
    scores the mean is made of, and whatever else), estimated by marginal
    likelihood.

The likelihood of cut ``l`` uses the indicator ``label >= l``; with cut points
more than a rounding cell apart this is the exact likelihood for the ``"cell"``
kernel and a composite likelihood for ``"probit"``. A label that contradicts
its score beyond the cell counts as a slip with probability :data:`SLIP`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

__all__ = ["SLIP", "CutFit", "fit_cuts"]

#: Probability that a recorded label contradicts the latent view (a slip of the pen).
SLIP = 0.005
_GRID, _LOCAL = 301, 161  # grid points: over the cut range, and around each posterior
_CHUNK = 20_000


@dataclass(frozen=True, eq=False)
class CutFit:
    """Posterior cut points per interviewer (points of the input scale).

    Attributes
    ----------
    cuts, sd : ndarray, shape (J, L-1)
        Posterior mean and SD of each interviewer's cut points.
    low, high : ndarray, shape (J, L-1)
        95 % posterior intervals.
    pooled, spread : ndarray, shape (L-1,)
        The committee's typical cut points and their spread across interviewers.
    n : ndarray of int, shape (J,)
        Labelled ratings (or seats) per interviewer.
    noise : float or None
        The ``"probit"`` kernel's latent noise SD (points); None for ``"cell"``.
    """

    cuts: np.ndarray
    sd: np.ndarray
    low: np.ndarray
    high: np.ndarray
    pooled: np.ndarray
    spread: np.ndarray
    n: np.ndarray
    noise: float | None


def _ndtr(z: np.ndarray) -> np.ndarray:
    return special.ndtr(z)


def _log_binary(
    up: np.ndarray, grid: np.ndarray, kernel: str, data: dict[str, np.ndarray], noise: float
) -> np.ndarray:
    """log P(indicator | cut = grid) for each rating (n,) and grid point (n, G)."""
    if kernel == "cell":
        mean, sd = data["mean"][:, None], data["sd"][:, None]
        f_lo = _ndtr((data["lo"][:, None] - mean) / sd)
        f_hi = _ndtr((data["hi"][:, None] - mean) / sd)
        f_g = _ndtr((np.clip(grid, data["lo"][:, None], data["hi"][:, None]) - mean) / sd)
        z = np.maximum(f_hi - f_lo, 1e-300)
        p_up = (f_hi - f_g) / z
    else:
        p_up = _ndtr((data["x"][:, None] - grid) / (noise * data["factor"][:, None]))
    p = np.where(up[:, None], p_up, 1.0 - p_up)
    return np.log((1.0 - SLIP) * np.clip(p, 0.0, 1.0) + SLIP / 2)


def _grid_loglik(
    level: np.ndarray,
    rater: np.ndarray,
    count: np.ndarray,
    n_raters: int,
    cut: int,
    grid: np.ndarray,
    kernel: str,
    data: dict[str, np.ndarray],
    noise: float,
) -> np.ndarray:
    """Log likelihood of cut ``cut`` of every rater on a grid: (J, G).

    ``grid`` is (G,) shared by all raters or (J, G), one row per rater; rows of
    the data are distinct (rater, level, data) groups of ``count`` ratings each.
    """
    width = grid.shape[-1]
    out = np.zeros((n_raters, width))
    for start in range(0, level.size, _CHUNK):  # rows are sorted by rater (see _group)
        idx = np.arange(start, min(start + _CHUNK, level.size))
        part = {k: v[idx] for k, v in data.items()}
        points = grid[None, :] if grid.ndim == 1 else grid[rater[idx]]
        ll = _log_binary(level[idx] > cut, points, kernel, part, noise) * count[idx, None]
        who, first = np.unique(rater[idx], return_index=True)
        out[who] += np.add.reduceat(ll, first, axis=0)
    return out


def _group(level: np.ndarray, rater: np.ndarray, data: dict[str, np.ndarray], kernel: str):
    """Collapse identical (rater, level, data) rows: their likelihoods are the same."""
    keys = [rater.astype(float), level.astype(float)]
    if kernel == "probit":
        keys += [np.round(data["x"], 2), np.round(data["factor"], 3)]  # << the noise SD
    else:
        keys += [data["lo"], data["hi"], data["mean"], data["sd"]]
    stacked = np.column_stack(keys)
    # np.unique sorts rows lexicographically: rater first, so groups come sorted by rater.
    unique, first, count = np.unique(stacked, axis=0, return_index=True, return_counts=True)
    grouped = {k: v[first] for k, v in data.items()}
    if kernel == "probit":
        grouped["x"], grouped["factor"] = unique[:, 2], unique[:, 3]
    return level[first], rater[first], count.astype(float), grouped


def _posterior(loglik: np.ndarray, grid: np.ndarray, prior_mean: float, prior_sd: float):
    """Grid posterior moments and 95 % interval per rater, and log marginal likelihood.

    ``grid`` is (G,) shared or (J, G) per rater.
    """
    grid = np.broadcast_to(grid, loglik.shape)
    logp = loglik - 0.5 * ((grid - prior_mean) / prior_sd) ** 2
    top = logp.max(axis=1, keepdims=True)
    w = np.exp(logp - top) * np.gradient(grid, axis=1)
    total = w.sum(axis=1, keepdims=True)
    w /= total
    mean = (w * grid).sum(axis=1)
    var = np.maximum((w * grid**2).sum(axis=1) - mean**2, 0.0)
    cdf = np.cumsum(w, axis=1)
    last = grid.shape[1] - 1
    rows = np.arange(grid.shape[0])
    low = grid[rows, np.minimum((cdf < 0.025).sum(axis=1), last)]
    high = grid[rows, np.minimum((cdf < 0.975).sum(axis=1), last)]
    log_marginal = top[:, 0] + np.log(total[:, 0]) - np.log(prior_sd * np.sqrt(2 * np.pi))
    return mean, var, low, high, log_marginal


def _moments(loglik: np.ndarray, grid: np.ndarray, prior_mean: float, prior_sd: float):
    """Posterior mean and variance per rater on a shared grid (the EM step's needs)."""
    logp = loglik - 0.5 * ((grid - prior_mean) / prior_sd) ** 2
    w = np.exp(logp - logp.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    mean = w @ grid
    return mean, np.maximum(w @ grid**2 - mean**2, 0.0)


def fit_cuts(
    level: np.ndarray,
    rater: np.ndarray,
    n_raters: int,
    n_levels: int,
    *,
    kernel: str,
    bounds: tuple[float, float],
    data: dict[str, np.ndarray],
) -> CutFit:
    """Partially pooled cut points of every rater.

    Parameters
    ----------
    level : ndarray of int, shape (n,)
        Observed level (0 .. n_levels-1) of each labelled rating or seat.
    rater : ndarray of int, shape (n,)
        Rater code of each.
    n_raters, n_levels : int
        J and L.
    kernel : {"cell", "probit"}
        How the latent view relates to the data (see the module docstring).
    bounds : (float, float)
        Range (points) the cuts may take: the scale's, a little widened.
    data : dict
        ``"cell"``: ``lo``, ``hi`` (rounding cell of each score), ``mean``, ``sd``
        (the rater's latent points density); ``"probit"``: ``x`` (the observed
        mean score).

    Returns
    -------
    CutFit

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(5.5, 2, 3000)
    >>> rater = rng.integers(0, 3, 3000)
    >>> own = np.array([[4.0, 7.0], [4.5, 7.5], [5.0, 8.0]])[rater]
    >>> level = (x[:, None] + rng.normal(0, 0.3, 3000)[:, None] >= own).sum(1)
    >>> fit = fit_cuts(level, rater, 3, 3, kernel="probit", bounds=(0, 11), data={"x": x})
    >>> np.round(fit.cuts, 1).tolist()
    [[4.0, 6.9], [4.5, 7.5], [5.0, 8.0]]
    """
    level = np.asarray(level, dtype=np.intp)
    rater = np.asarray(rater, dtype=np.intp)
    counts = np.bincount(rater, minlength=n_raters)
    grid = np.linspace(bounds[0], bounds[1], _GRID)
    noise = None
    if kernel == "probit":
        data = {"x": np.asarray(data["x"], float), "factor": np.ones(level.size)}
        args = (*_group(level, rater, data, kernel)[:3], n_raters, n_levels, kernel)
        width = (bounds[1] - bounds[0]) / 10
        grouped = _group(level, rater, data, kernel)[3]

        coarse = np.linspace(bounds[0], bounds[1], _GRID // 2)

        def neg(log_noise: float) -> float:
            noise = float(np.exp(log_noise))
            return -_fit_given_noise(*args, grouped, noise, coarse, refine=False)[1]

        found = optimize.minimize_scalar(
            neg,
            bounds=(np.log(0.01 * width), np.log(2.0 * width)),
            method="bounded",
            options={"xatol": 0.05},
        )
        noise = float(np.exp(found.x))
        data = _shrink(data["x"], rater, n_raters, noise)
    g_level, g_rater, g_count, g_data = _group(level, rater, data, kernel)
    args = (g_level, g_rater, g_count, n_raters, n_levels, kernel, g_data)
    fit = _fit_given_noise(*args, noise, grid)[0]
    return CutFit(fit.cuts, fit.sd, fit.low, fit.high, fit.pooled, fit.spread, counts, noise)


def _shrink(x: np.ndarray, rater: np.ndarray, n_raters: int, noise: float) -> dict:
    """The view given the observed ``x = view + N(0, noise^2)``: normal-normal posterior.

    Within each rater, ``view | x ~ N(m + (1 - r)(x - m), (1 - r) noise^2)`` with
    ``r = noise^2 / var(x)``; without it a cut far from the rater's mean is biased
    outward by about ``r`` times its distance.
    """
    count = np.maximum(np.bincount(rater, minlength=n_raters), 1)
    mean = np.bincount(rater, weights=x, minlength=n_raters) / count
    var = np.bincount(rater, weights=(x - mean[rater]) ** 2, minlength=n_raters) / count
    r = np.clip(noise**2 / np.maximum(var, 1e-12), 0.0, 0.9)[rater]
    return {"x": mean[rater] + (1 - r) * (x - mean[rater]), "factor": np.sqrt(1 - r)}


def _fit_given_noise(
    level: np.ndarray,
    rater: np.ndarray,
    count: np.ndarray,
    n_raters: int,
    n_levels: int,
    kernel: str,
    data: dict[str, np.ndarray],
    noise: float | None,
    grid: np.ndarray,
    n_iter: int = 500,
    refine: bool = True,
) -> tuple[CutFit, float]:
    """EM for (pooled, spread) per cut on ``grid``, then each rater's posterior on a local
    grid around it; returns the fit and the log marginal likelihood."""
    k = n_levels - 1
    shape = (n_raters, k)
    cuts, sd, low, high = (np.empty(shape) for _ in range(4))
    pooled, spread = np.empty(k), np.empty(k)
    spacing = grid[1] - grid[0]
    tol = 1e-6 if refine else 1e-4  # the noise search needs less precision
    total = 0.0
    base = (level, rater, count, n_raters)
    for cut in range(k):
        ll = _grid_loglik(*base, cut, grid, kernel, data, noise or 1.0)
        m0, *_ = _posterior(ll.sum(0, keepdims=True), grid, 0.0, 1e6)
        mean_c, sd_c = float(m0[0]), (grid[-1] - grid[0]) / 8
        for _ in range(n_iter):
            post_m, post_v = _moments(ll, grid, mean_c, sd_c)
            new_mean = float(post_m.mean())
            new_sd = max(float(np.sqrt(np.mean(post_v + (post_m - new_mean) ** 2))), spacing)
            done = abs(new_mean - mean_c) < tol and abs(new_sd - sd_c) < tol
            mean_c, sd_c = new_mean, new_sd
            if done:
                break
        post_m, post_v, lo_q, hi_q, log_marginal = _posterior(ll, grid, mean_c, sd_c)
        pooled[cut], spread[cut] = mean_c, sd_c
        total += float(log_marginal.sum())
        if not refine:  # the noise search needs only the marginal likelihood
            cuts[:, cut], sd[:, cut], low[:, cut], high[:, cut] = (
                post_m,
                np.sqrt(post_v),
                lo_q,
                hi_q,
            )
            continue
        half = np.maximum(8 * np.sqrt(post_v), 3 * spacing)
        local = post_m[:, None] + np.linspace(-1, 1, _LOCAL)[None, :] * half[:, None]
        local_ll = _grid_loglik(*base, cut, local, kernel, data, noise or 1.0)
        m, v, lo_q, hi_q, _ = _posterior(local_ll, local, mean_c, sd_c)
        cuts[:, cut], sd[:, cut], low[:, cut], high[:, cut] = m, np.sqrt(v), lo_q, hi_q
    cuts = np.maximum.accumulate(cuts, axis=1)  # keep each rater's cuts in order
    counts = np.bincount(rater, weights=count, minlength=n_raters).astype(int)
    return CutFit(cuts, sd, low, high, pooled, spread, counts, noise), total
