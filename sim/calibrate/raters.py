"""Halo, occasion noise and the candidates' level covariance from the ratings' moments.

All in squared points. ``d`` below is a rating minus its competency's intercept
and its interviewer's overall leniency.

Halo (the impression variance ``H_j = pps**2 * halo_j**2`` in the engine's terms)
    Within one seat (candidate x interviewer x round) two ratings of different
    competencies share the candidate's levels *and* the rater's impression;
    ratings of the same candidate and competency pair from two different seats
    share only the levels. So ``H_j = E[d_pk d_pl] - E[d_pk d_ql]`` (seat ``p`` of
    interviewer ``j``, another seat ``q`` of the same candidate, in the same round
    when rounds are given), less the leniency's prediction-error variance. The
    standard error is clustered by candidate. It needs seats rating two or more
    competencies and a second seat rating the same pair (a panel); elsewhere the
    halo is not identifiable and reported as NaN.
Occasion noise
    The per-competency fits' conditional residuals, pooled over an interviewer's
    ratings with a leverage correction, ``sum r**2 / sum (1 - h)``, estimate
    ``H_j + noise_j**2 + step**2 / 12`` (the last is the rounding of a written
    score, Sheppard's correction); ``noise_j**2`` is what remains.
Level covariance
    The mean product ``d_pk d_ql`` over different seats of one candidate estimates
    the covariance of the candidates' perceived levels of ``k`` and ``l``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["halo_moments", "level_covariance", "noise_moments"]


def _pairs(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """All ordered pairs of ratings sharing ``by``, with different competencies."""
    left = frame[[*by, "seat", "interviewer", "competency", "d"]]
    pairs = left.merge(left, on=by, suffixes=("_x", "_y"))
    return pairs[pairs["competency_x"] != pairs["competency_y"]]


def halo_moments(
    ratings: pd.DataFrame, leniency_pev: np.ndarray, n_interviewers: int, rounds: bool
) -> pd.DataFrame:
    """Impression variance per interviewer with a candidate-clustered SE.

    Parameters
    ----------
    ratings : DataFrame
        Columns ``candidate``, ``round``, ``seat``, ``interviewer``,
        ``competency`` (integer codes) and ``d`` (points).
    leniency_pev : ndarray, shape (J,)
        Prediction-error variance of each interviewer's overall leniency.
    n_interviewers : int
        J.
    rounds : bool
        Whether the baseline pairs must come from the same round.

    Returns
    -------
    DataFrame
        Index interviewer code; columns ``halo_var``, ``halo_var_se`` (points^2),
        ``n_pairs`` (within-seat pairs that had a baseline).
    """
    by = ["candidate", "round"] if rounds else ["candidate"]
    pairs = _pairs(ratings, by)
    pairs = pairs.assign(
        k=np.minimum(pairs["competency_x"], pairs["competency_y"]),
        l=np.maximum(pairs["competency_x"], pairs["competency_y"]),
        product=pairs["d_x"].to_numpy() * pairs["d_y"].to_numpy(),
    )
    same = pairs["seat_x"].to_numpy() == pairs["seat_y"].to_numpy()
    keys = [*by, "k", "l"]
    baseline = pairs[~same].groupby(keys, sort=False)["product"].mean().rename("baseline")
    within = pairs[same & (pairs["competency_x"] < pairs["competency_y"]).to_numpy()]
    within = within.join(baseline, on=keys, how="inner")
    out = pd.DataFrame(
        {"halo_var": np.nan, "halo_var_se": np.nan, "n_pairs": 0}, index=range(n_interviewers)
    )
    if within.empty:
        return out
    within = within.assign(excess=within["product"] - within["baseline"])
    per = within.groupby(["interviewer_x", "candidate"])["excess"].agg(["sum", "count"])
    per = per.reset_index()
    totals = per.groupby("interviewer_x")[["sum", "count"]].sum()
    estimate = totals["sum"] / totals["count"]
    per["dev"] = per["sum"] - estimate.reindex(per["interviewer_x"]).to_numpy() * per["count"]
    spread = per.groupby("interviewer_x").agg(
        ss=("dev", lambda v: float(v @ v)), m=("dev", "size")
    )
    m = spread["m"].to_numpy()
    var = spread["ss"].to_numpy() / totals["count"].to_numpy() ** 2 * m / np.maximum(m - 1, 1)
    idx = totals.index.to_numpy()
    out.loc[idx, "halo_var"] = estimate.to_numpy() - leniency_pev[idx]
    out.loc[idx, "halo_var_se"] = np.where(m > 1, np.sqrt(var), np.nan)
    out.loc[idx, "n_pairs"] = totals["count"].to_numpy()
    return out


def noise_moments(
    resid: np.ndarray, leverage: np.ndarray, interviewer: np.ndarray, n_interviewers: int
) -> pd.DataFrame:
    """Residual variance per interviewer from conditional residuals and leverages.

    Returns
    -------
    DataFrame
        Index interviewer code; columns ``residual_var``, ``residual_var_se``
        (points^2, chi-square approximation) and ``df``.
    """
    ss = np.bincount(interviewer, weights=resid**2, minlength=n_interviewers)
    df = np.bincount(interviewer, weights=1.0 - leverage, minlength=n_interviewers)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.where(df > 0.5, ss / df, np.nan)
        se = var * np.sqrt(2.0 / df)
    return pd.DataFrame({"residual_var": var, "residual_var_se": se, "df": df})


def level_covariance(ratings: pd.DataFrame, n_competencies: int) -> tuple[np.ndarray, np.ndarray]:
    """Cross-seat covariance of the perceived levels (K, K), and the pairs behind each entry.

    Diagonal entries are left NaN (the per-competency REML gives them).
    """
    pairs = _pairs(ratings, ["candidate"])
    pairs = pairs[pairs["seat_x"].to_numpy() != pairs["seat_y"].to_numpy()]
    first, second = pairs["competency_x"].to_numpy(), pairs["competency_y"].to_numpy()
    flat = first * n_competencies + second
    size = n_competencies**2
    total = np.bincount(
        flat, weights=pairs["d_x"].to_numpy() * pairs["d_y"].to_numpy(), minlength=size
    )
    count = np.bincount(flat, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (total / count).reshape(n_competencies, n_competencies)
    cov = 0.5 * (cov + cov.T)
    np.fill_diagonal(cov, np.nan)
    return cov, count.reshape(n_competencies, n_competencies)
