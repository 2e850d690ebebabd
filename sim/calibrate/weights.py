"""Revealed weights: how the committee's decisions depend on the competency ratings.

An ordinal probit of the decision (no hire < hold < hire; or hire vs not) on each
candidate's mean score per competency ``x`` (points):
``P(decision >= l) = Phi(x @ beta - tau[l])``. In the engine's terms the committee
hires when ``sum_k w_k x_k + N(0, noise**2) >= threshold (+ hold_band)``, so

``w = beta / sum(beta)`` (the revealed weights, shares summing to 1),
``noise = 1 / sum(beta)`` and ``threshold = mean(tau) / sum(beta)`` (points).

A Gaussian prior ``N(0, PRIOR_SD**2)`` on each coefficient (per point of the
scale) regularises the fit: it is negligible against the data when the weights
are identified and keeps the estimates finite when they are not. Complete or
quasi-complete separation (a decision that is a deterministic function of the
ratings, as under a weighted-mean rule on written scores) is detected by the
linear program of Konis (2007) and reported: the weights are then the direction
of the separating rule and their standard errors are not meaningful (NaN).
Standard errors otherwise come from the inverse Hessian, by the delta method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

__all__ = ["PRIOR_SD", "RevealedWeights", "fit_weights", "separated"]

#: Prior SD of each probit coefficient (per point of the input scale).
PRIOR_SD = 10.0


@dataclass(frozen=True, eq=False)
class RevealedWeights:
    """Revealed competency weights with standard errors (points of the input scale).

    Attributes
    ----------
    weights, se : ndarray, shape (K,)
        Shares of the decision's dependence on each competency (sum 1) and SEs.
    coef, coef_se : ndarray, shape (K,)
        Probit coefficients per point and SEs.
    threshold, threshold_se : float
        Aggregate (points) at which hire and no hire are equally likely.
    hold_band : float
        Half-width (points) of the hold zone; 0 without holds.
    noise_sd, noise_se : float
        SD (points) of the committee's reading of the aggregate.
    noise_low, noise_high : float
        Its 95 % interval (from the interval of ``sum(beta)``, inverted).
    n, n_hired : int
        Candidates used and how many were hired.
    separated : bool
        Whether the decisions separate (quasi-)completely on the ratings.
    """

    weights: np.ndarray
    se: np.ndarray
    coef: np.ndarray
    coef_se: np.ndarray
    threshold: float
    threshold_se: float
    hold_band: float
    noise_sd: float
    noise_se: float
    noise_low: float
    noise_high: float
    n: int
    n_hired: int
    separated: bool


def separated(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether binary outcomes ``y`` (n,) separate (quasi-)completely on ``x`` (n, K).

    Konis's linear program: maximise ``sum(s_i x_i' b)`` subject to
    ``s_i x_i' b >= 0`` with ``s = +-1`` and ``|b| <= 1`` (intercept included).

    Examples
    --------
    >>> x = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> separated(x, np.array([0, 0, 1, 1])), separated(x, np.array([0, 1, 0, 1]))
    (True, False)
    """
    sign = np.where(np.asarray(y) > 0, 1.0, -1.0)
    design = np.column_stack([np.ones(len(x)), x]) * sign[:, None]
    res = optimize.linprog(
        -design.sum(axis=0),
        A_ub=-design,
        b_ub=np.zeros(len(x)),
        bounds=[(-1.0, 1.0)] * design.shape[1],
        method="highs",
    )
    return bool(res.status == 0 and -res.fun > 1e-7 * len(x))


def _negloglik(params: np.ndarray, x: np.ndarray, y: np.ndarray, k: int):
    """Penalised negative log likelihood of the ordinal probit and its gradient."""
    beta, tau = params[:k], np.cumsum(np.concatenate([[params[k]], np.exp(params[k + 1 :])]))
    eta = x @ beta
    top = tau.size  # highest level
    has_up, has_lo = y < top, y > 0
    upper = np.where(has_up, tau[np.minimum(y, top - 1)] - eta, 0.0)
    lower = np.where(has_lo, tau[np.maximum(y - 1, 0)] - eta, 0.0)
    # log P and the densities' ratios phi/P, stable in both tails.
    log_p = np.where(
        has_up & has_lo,
        np.log(np.maximum(special.ndtr(upper) - special.ndtr(lower), 1e-300)),
        np.where(has_up, special.log_ndtr(upper), special.log_ndtr(-lower)),
    )
    log_phi = -0.5 * np.log(2 * np.pi)
    r_up = np.where(has_up, np.exp(log_phi - 0.5 * upper**2 - log_p), 0.0)
    r_lo = np.where(has_lo, np.exp(log_phi - 0.5 * lower**2 - log_p), 0.0)
    value = -log_p.sum() + 0.5 * (beta @ beta) / PRIOR_SD**2
    grad_beta = x.T @ (r_up - r_lo) + beta / PRIOR_SD**2
    grad_tau = np.zeros(top)
    np.add.at(grad_tau, np.minimum(y, top - 1)[has_up], -r_up[has_up])
    np.add.at(grad_tau, np.maximum(y - 1, 0)[has_lo], r_lo[has_lo])
    # tau = cumsum([t0, exp(g1), ...]): chain rule to the free parameters.
    tail = np.cumsum(grad_tau[::-1])[::-1]
    grad_free = tail.copy()
    grad_free[1:] *= np.exp(params[k + 1 :])
    return value, np.concatenate([grad_beta, grad_free])


def fit_weights(x: np.ndarray, decision: np.ndarray) -> RevealedWeights:
    """Fit the ordinal probit of ``decision`` (n,) on mean scores ``x`` (n, K).

    Parameters
    ----------
    x : ndarray, shape (n, K)
        Each candidate's (interviewer-weighted) mean score per competency, points.
    decision : ndarray of int, shape (n,)
        0 no hire, 1 hire, 2 hold.

    Returns
    -------
    RevealedWeights

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(5.5, 1.5, (4000, 2))
    >>> hire = (x @ [0.75, 0.25] + rng.normal(0, 0.5, 4000) >= 6.5).astype(int)
    >>> fit = fit_weights(x, hire)
    >>> np.round(fit.weights, 2).tolist(), round(fit.threshold, 1), round(fit.noise_sd, 1)
    ([0.74, 0.26], 6.5, 0.5)
    """
    x = np.asarray(x, dtype=float)
    code = np.asarray(decision, dtype=int)
    # Ordered levels: no hire (0) < hold < hire.
    y = np.select([code == 0, code == 2, code == 1], [0, 1, 2])
    present = np.unique(y)
    y = np.searchsorted(present, y)
    levels = present.size
    n, k = x.shape
    hired = int((code == 1).sum())
    if levels < 2:
        nan = np.full(k, np.nan)
        return RevealedWeights(
            nan,
            nan,
            nan,
            nan,
            np.nan,
            np.nan,
            0.0,
            np.nan,
            np.nan,
            np.nan,
            np.nan,
            n,
            hired,
            False,
        )
    split = [separated(x, y >= level) for level in range(1, levels)]
    # Fit on centred scores (better conditioned), then move the cuts back.
    centre = x.mean(axis=0)
    share = np.array([(y >= level).mean() for level in range(1, levels)])
    cuts = -special.ndtri(np.clip(share, 1e-6, 1 - 1e-6))
    start = np.concatenate([np.zeros(k), [cuts[0]], np.log(np.maximum(np.diff(cuts), 1e-3))])
    res = optimize.minimize(
        _negloglik,
        start,
        args=(x - centre, y, k),
        jac=True,
        method="BFGS",
        options={"gtol": 1e-7, "maxiter": 5000},
    )
    params = res.x.copy()
    params[k] += centre @ params[:k]
    hess = _hessian(params, x, y, k)
    cov = np.linalg.pinv(hess)
    return _summarise(params, cov, k, levels, n, hired, any(split))


def _hessian(params: np.ndarray, x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """Numerical Hessian from the analytic gradient (central differences)."""
    size = params.size
    hess = np.empty((size, size))
    for i in range(size):
        h = 1e-5 * max(1.0, abs(params[i]))
        up, down = params.copy(), params.copy()
        up[i] += h
        down[i] -= h
        hess[:, i] = (_negloglik(up, x, y, k)[1] - _negloglik(down, x, y, k)[1]) / (2 * h)
    return 0.5 * (hess + hess.T)


def _summarise(
    params: np.ndarray, cov: np.ndarray, k: int, levels: int, n: int, hired: int, split: bool
) -> RevealedWeights:
    """Weights, threshold and noise with delta-method SEs from the probit parameters."""
    beta = params[:k]
    total = beta.sum()
    # Map free parameters to (beta, tau) and their Jacobian.
    gaps = np.exp(params[k + 1 :])
    tau = np.cumsum(np.concatenate([[params[k]], gaps]))
    jac_tau = np.zeros((tau.size, params.size))
    jac_tau[:, k] = 1.0
    for j in range(1, tau.size):
        jac_tau[j:, k + j] = gaps[j - 1]
    mid = tau.mean()
    band = 0.5 * (tau[-1] - tau[0]) / total if tau.size > 1 else 0.0
    weights = beta / total
    jac_w = (np.eye(k) - weights[:, None]) / total  # d w / d beta
    full_w = np.zeros((k, params.size))
    full_w[:, :k] = jac_w
    grad_thr = np.zeros(params.size)
    grad_thr[:k] = -mid / total**2
    grad_thr += jac_tau.mean(axis=0) / total
    grad_noise = np.zeros(params.size)
    grad_noise[:k] = -1.0 / total**2
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    out_se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", full_w, cov, full_w), 0.0, None))
    thr_se = float(np.sqrt(max(grad_thr @ cov @ grad_thr, 0.0)))
    noise_se = float(np.sqrt(max(grad_noise @ cov @ grad_noise, 0.0)))
    total_se = float(np.sqrt(max(np.sum(cov[:k, :k]), 0.0)))
    noise_low = 1.0 / (total + 1.96 * total_se)
    noise_high = 1.0 / (total - 1.96 * total_se) if total > 1.96 * total_se else np.inf
    if split:  # the curvature says nothing about a direction that separates
        out_se, sd = np.full(k, np.nan), np.full(k, np.nan)
        thr_se = noise_se = noise_low = noise_high = np.nan
    return RevealedWeights(
        weights=weights,
        se=out_se,
        coef=beta,
        coef_se=sd[:k],
        threshold=float(mid / total),
        threshold_se=thr_se,
        hold_band=float(band),
        noise_sd=float(1.0 / total),
        noise_se=noise_se,
        noise_low=float(noise_low),
        noise_high=float(noise_high),
        n=n,
        n_hired=hired,
        separated=split,
    )
