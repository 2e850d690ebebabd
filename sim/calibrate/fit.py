"""``calibrate``: every estimate of a score sheet, in one pass.

1. Per competency, a crossed REML (:mod:`.variance`): candidate, interviewer
   (leniency) and residual variance; conditional residuals and leverages.
2. Each interviewer's overall leniency: the same REML on seat means (a seat's
   ratings less their competencies' intercepts), candidates x interviewers.
3. Halo and occasion noise per interviewer, and the candidates' level
   covariance, from the ratings' moments (:mod:`.raters`).
4. Own cut points of labels and recommendations (:mod:`.cutpoints`).
5. Revealed weights from the decisions (:mod:`.weights`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..spec import Process
from .cutpoints import fit_cuts
from .io import ScoreSheet, read_scores, score_sheet
from .raters import halo_moments, level_covariance, noise_moments
from .result import CalibrationResult
from .variance import fit_crossed
from .weights import fit_weights

__all__ = ["calibrate"]

#: Fewer ratings than this behind an estimate earn a thin-data warning.
THIN = 20


@dataclass(frozen=True)
class _Codes:
    """Integer codes of the ratings' factors."""

    candidate: np.ndarray
    interviewer: np.ndarray
    competency: np.ndarray
    seat: np.ndarray
    round: np.ndarray
    candidates: tuple[str, ...]
    interviewers: tuple[str, ...]
    competencies: tuple[str, ...]


def _codes(ratings: pd.DataFrame, process: Process | None) -> _Codes:
    def code(column: str, order: tuple[str, ...] | None = None) -> tuple[np.ndarray, tuple]:
        values = ratings[column].to_numpy(dtype=object)
        seen = list(dict.fromkeys(values))
        if order is not None:
            seen = [v for v in order if v in set(seen)] + [v for v in seen if v not in order]
        index = {v: i for i, v in enumerate(seen)}
        return np.array([index[v] for v in values], dtype=np.intp), tuple(seen)

    comp_order = process.competency_names if process is not None else None
    people_order = process.interviewer_names if process is not None else None
    cand, cands = code("candidate")
    rater, raters = code("interviewer", people_order)
    comp, comps = code("competency", comp_order)
    rnd, _ = code("round")
    seat_key = pd.MultiIndex.from_arrays([cand, rater, rnd])
    seat = pd.factorize(seat_key)[0].astype(np.intp)
    return _Codes(cand, rater, comp, seat, rnd, cands, raters, comps)


def calibrate(
    scores: str | os.PathLike[str] | pd.DataFrame | ScoreSheet,
    *,
    format: str | None = None,
    scale: tuple[float, float] | None = None,
    process: Process | None = None,
) -> CalibrationResult:
    """Estimate how each interviewer rates and how the committee weighs the ratings.

    Parameters
    ----------
    scores : path, DataFrame or ScoreSheet
        A long-format CSV / Parquet file, a Greenhouse scorecards JSON file, a
        long-format DataFrame (see :mod:`sim.calibrate.io`) or a read sheet.
    format : {"csv", "parquet", "greenhouse"}, optional
        File format (default: from the suffix).
    scale : (float, float), optional
        ``(min, max)`` of the rating scale (default: the process's, else observed).
    process : Process, optional
        The base process: stated weights, label names, and everything the data
        cannot give (truth model, dollars) for :meth:`CalibrationResult.to_process`.

    Returns
    -------
    CalibrationResult

    Examples
    --------
    >>> import sim
    >>> from sim.calibrate import long_format
    >>> base = sim.load_process("amex_ai_pm_2026")
    >>> sheet = long_format(sim.simulate(base, n=400, rng=1))
    >>> fit = calibrate(sheet, process=base)
    >>> fit.n_ratings == len(sheet)
    True
    >>> sorted(fit.interviewers.index) == sorted(base.interviewer_names)
    True
    """
    from threadpoolctl import threadpool_limits

    # One BLAS thread: the dense steps are small, and on a shared machine extra BLAS
    # threads cost more than they give (measured: 4.5 s vs 16-30 s for the REML of
    # benchmarks/bench_calibrate.py under load).
    with threadpool_limits(1):
        return _calibrate(scores, format=format, scale=scale, process=process)


def _calibrate(
    scores: str | os.PathLike[str] | pd.DataFrame | ScoreSheet,
    *,
    format: str | None,
    scale: tuple[float, float] | None,
    process: Process | None,
) -> CalibrationResult:
    if isinstance(scores, ScoreSheet):
        sheet = scores
    elif isinstance(scores, pd.DataFrame):
        sheet = score_sheet(scores, scale=scale, process=process)
    else:
        sheet = read_scores(scores, format=format, scale=scale, process=process)
    ratings = sheet.ratings
    codes = _codes(ratings, process)
    warnings = list(sheet.warnings)
    y = ratings["score"].to_numpy(dtype=float)
    per_comp, parts = _per_competency(y, codes, warnings)
    # One competency: every seat is one rating, so the seat-mean model is the same fit.
    overall = parts["fits"][0] if len(codes.competencies) == 1 and parts["fits"] else None
    overall = overall or _overall_leniency(y, codes)
    step = sheet.scale[2]
    # Leniency is relative to the average rater; each competency's intercept holds the mean
    # leniency of its own raters, which ``rater_leniency`` records.
    lenient = (overall.interviewer_effect - overall.interviewer_effect.mean())[codes.interviewer]
    k_count = np.bincount(codes.competency, minlength=len(codes.competencies))
    rater_leniency = np.bincount(
        codes.competency, weights=lenient, minlength=len(codes.competencies)
    ) / np.maximum(k_count, 1)
    per_comp["rater_leniency"] = rater_leniency
    d = y - parts["intercept"] - lenient + rater_leniency[codes.competency]
    frame = pd.DataFrame(
        {
            "candidate": codes.candidate,
            "round": codes.round,
            "seat": codes.seat,
            "interviewer": codes.interviewer,
            "competency": codes.competency,
            "d": d,
        }
    )
    has_rounds = bool((ratings["round"] != "").any())
    halo = halo_moments(
        frame, overall.interviewer_contrast_pev, len(codes.interviewers), has_rounds
    )
    noise = noise_moments(
        parts["resid"], parts["leverage"], codes.interviewer, len(codes.interviewers)
    )
    people = _interviewer_table(codes, overall, halo, noise, step, warnings)
    _single_rater_levels(per_comp, y, codes, noise)
    cov, pairs = level_covariance(frame, len(codes.competencies))
    np.fill_diagonal(cov, per_comp["candidate_var"].to_numpy())
    labels = _label_cuts(sheet, codes, warnings)
    recs = _recommendation_cuts(sheet, codes, process, warnings)
    weights = _revealed(sheet, codes, process, warnings)
    return CalibrationResult(
        source=os.path.basename(sheet.source) or sheet.source,
        scale=sheet.scale,
        n_ratings=sheet.n_ratings,
        n_missing=sheet.n_missing,
        n_candidates=len(codes.candidates),
        competencies=per_comp,
        interviewers=people,
        leniency_by_competency=parts["by_competency"],
        level_covariance=pd.DataFrame(cov, index=codes.competencies, columns=codes.competencies),
        level_pairs=pd.DataFrame(pairs, index=codes.competencies, columns=codes.competencies),
        overall_components=_components(overall),
        label_cuts=labels,
        recommendation_cuts=recs,
        revealed=weights,
        labels=sheet.labels,
        recommendations=sheet.recommendations,
        rounds=_rounds(ratings, codes),
        base=process,
        warnings=tuple(warnings),
    )


def _interval(estimate: float, se: float) -> tuple[float, float]:
    """95 % interval of a variance: chi-square with Satterthwaite's df = 2 (est / se)^2."""
    if not (np.isfinite(se) and se > 0 and estimate > 0):
        return (0.0, np.nan) if estimate == 0 else (np.nan, np.nan)
    df = 2.0 * (estimate / se) ** 2
    lower_q, upper_q = stats.chi2.ppf([0.975, 0.025], df)
    low = df * estimate / lower_q if lower_q > 0 else 0.0
    high = df * estimate / upper_q if upper_q > 0 else np.inf
    return (float(low), float(high))


def _components(fit: Any) -> dict[str, float]:
    se = fit.se
    bounds = {}
    for j, key in enumerate(("candidate_var", "interviewer_var", "residual_var")):
        low, high = _interval(getattr(fit, key), float(se[j]))
        bounds |= {f"{key}_low": low, f"{key}_high": high}
    return bounds | {
        "candidate_var": fit.candidate_var,
        "candidate_var_se": float(se[0]),
        "interviewer_var": fit.interviewer_var,
        "interviewer_var_se": float(se[1]),
        "residual_var": fit.residual_var,
        "residual_var_se": float(se[2]),
        "intercept": fit.intercept,
        "intercept_se": fit.intercept_se,
    }


def _per_competency(
    y: np.ndarray, codes: _Codes, warnings: list[str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One crossed REML per competency; per-rating intercepts, residuals, leverages."""
    n = y.size
    intercept, resid, lev = np.zeros(n), np.zeros(n), np.zeros(n)
    rows, by_comp, fits = [], [], []
    for k, name in enumerate(codes.competencies):
        mine = np.flatnonzero(codes.competency == k)
        cand, c_idx = np.unique(codes.candidate[mine], return_inverse=True)
        rater, r_idx = np.unique(codes.interviewer[mine], return_inverse=True)
        shared = np.bincount(c_idx, minlength=cand.size)
        row = {
            "competency": name,
            "n_ratings": mine.size,
            "n_candidates": cand.size,
            "n_interviewers": rater.size,
        }
        if rater.size < 2 or (shared <= 1).all():
            warnings.append(
                f"competency {name!r}: every candidate has one rating (or one "
                "interviewer rates it): its leniency variance is not identifiable"
            )
            mu = float(y[mine].mean())
            intercept[mine], resid[mine], lev[mine] = mu, 0.0, 1.0
            rows.append({**row, "intercept": mu, "identifiable": False})
            continue
        fit = fit_crossed(y[mine], c_idx, r_idx, cand.size, rater.size)
        if cand.size == len(codes.candidates) and rater.size == len(codes.interviewers):
            fits.append(fit)  # covers every candidate and interviewer: reusable
        intercept[mine] = fit.intercept
        resid[mine] = y[mine] - fit.fitted
        lev[mine] = fit.leverage
        rows.append({**row, **_components(fit), "identifiable": True})
        counts = np.bincount(r_idx, minlength=rater.size)
        by_comp.append(
            pd.DataFrame(
                {
                    "interviewer": [codes.interviewers[j] for j in rater],
                    "competency": name,
                    "leniency": fit.interviewer_effect,
                    "leniency_se": np.sqrt(fit.interviewer_pev),
                    "n_ratings": counts,
                }
            )
        )
        if mine.size < THIN:
            warnings.append(f"competency {name!r}: only {mine.size} ratings")
    table = pd.DataFrame(rows).set_index("competency")
    by = (
        pd.concat(by_comp, ignore_index=True)
        if by_comp
        else pd.DataFrame(
            columns=["interviewer", "competency", "leniency", "leniency_se", "n_ratings"]
        )
    )
    return table, {
        "intercept": intercept,
        "resid": resid,
        "leverage": lev,
        "by_competency": by,
        "fits": fits,
    }


def _single_rater_levels(
    per_comp: pd.DataFrame, y: np.ndarray, codes: _Codes, noise: pd.DataFrame
) -> None:
    """Candidate variance of a competency only one interviewer rates: its score variance
    less that interviewer's residual variance (estimated on their other competencies)."""
    for k, name in enumerate(codes.competencies):
        if per_comp.loc[name, "identifiable"]:
            continue
        mine = codes.competency == k
        raters = np.unique(codes.interviewer[mine])
        resid = noise["residual_var"].to_numpy()[raters]
        if raters.size != 1 or not np.isfinite(resid[0]):
            continue
        total = float(np.var(y[mine], ddof=1))
        n = int(mine.sum())
        per_comp.loc[name, "candidate_var"] = max(total - resid[0], 0.0)
        per_comp.loc[name, "candidate_var_se"] = float(
            np.sqrt(2 * total**2 / (n - 1) + noise["residual_var_se"].to_numpy()[raters][0] ** 2)
        )
        per_comp.loc[name, "residual_var"] = resid[0]
        per_comp.loc[name, "residual_var_se"] = noise["residual_var_se"].to_numpy()[raters][0]


def _overall_leniency(y: np.ndarray, codes: _Codes) -> Any:
    """REML on seat means, candidates x interviewers: each interviewer's single leniency."""
    n_seats = int(codes.seat.max()) + 1
    count = np.bincount(codes.seat, minlength=n_seats)
    mean = np.bincount(codes.seat, weights=y, minlength=n_seats) / count
    first = np.unique(codes.seat, return_index=True)[1]
    return fit_crossed(
        mean,
        codes.candidate[first],
        codes.interviewer[first],
        len(codes.candidates),
        len(codes.interviewers),
    )


def _interviewer_table(
    codes: _Codes,
    overall: Any,
    halo: pd.DataFrame,
    noise: pd.DataFrame,
    step: float,
    warnings: list[str],
) -> pd.DataFrame:
    """Leniency, halo and noise per interviewer (points), with SEs and counts."""
    j = len(codes.interviewers)
    n = np.bincount(codes.interviewer, minlength=j)
    n_cand = (
        pd.Series(codes.candidate)
        .groupby(codes.interviewer)
        .nunique()
        .reindex(range(j), fill_value=0)
        .to_numpy()
    )
    halo_var = halo["halo_var"].to_numpy()
    known = np.isfinite(halo_var)
    noise_var = noise["residual_var"].to_numpy() - np.where(known, halo_var, 0.0)
    noise_var = noise_var - step**2 / 12
    noise_var_se = np.sqrt(
        noise["residual_var_se"].to_numpy() ** 2
        + np.where(known, halo["halo_var_se"].to_numpy(), 0.0) ** 2
    )
    noise_sd = np.sqrt(np.maximum(noise_var, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        noise_sd_se = np.where(noise_sd > 0, noise_var_se / (2 * noise_sd), np.nan)
        halo_sd = np.sqrt(np.maximum(halo_var, 0.0))
        halo_sd_se = np.where(halo_sd > 0, halo["halo_var_se"].to_numpy() / (2 * halo_sd), np.nan)
    table = pd.DataFrame(
        {
            "n_ratings": n,
            "n_candidates": n_cand,
            "leniency": overall.interviewer_effect - overall.interviewer_effect.mean(),
            "leniency_se": np.sqrt(overall.interviewer_contrast_pev),
            "residual_var": noise["residual_var"].to_numpy(),
            "residual_var_se": noise["residual_var_se"].to_numpy(),
            "halo_var": halo_var,
            "halo_var_se": halo["halo_var_se"].to_numpy(),
            "halo": halo_sd,
            "halo_se": halo_sd_se,
            "halo_pairs": halo["n_pairs"].to_numpy(),
            "noise_var": noise_var,
            "noise_var_se": noise_var_se,
            "noise_sd": noise_sd,
            "noise_sd_se": noise_sd_se,
        },
        index=pd.Index(codes.interviewers, name="interviewer"),
    )
    thin = int((n < THIN).sum())
    if thin:
        warnings.append(
            f"{thin} interviewer(s) with fewer than {THIN} ratings: their "
            "leniency is shrunk toward 0 and their noise is uncertain"
        )
    if not known.any():
        warnings.append(
            "halo not identifiable: no seat rates two competencies that another "
            "seat of the same candidate also rates; noise SDs include the halo"
        )
    return table


def _cut_table(fit: Any, names: tuple[str, ...], codes: _Codes) -> pd.DataFrame:
    rows = []
    for j, who in enumerate(codes.interviewers):
        for c in range(len(names) - 1):
            rows.append(
                {
                    "interviewer": who,
                    "cut": c,
                    "between": f"{names[c]} | {names[c + 1]}",
                    "cut_point": fit.cuts[j, c],
                    "sd": fit.sd[j, c],
                    "low": fit.low[j, c],
                    "high": fit.high[j, c],
                    "n": int(fit.n[j]),
                    "pooled": fit.pooled[c],
                    "spread": fit.spread[c],
                }
            )
    table = pd.DataFrame(rows)
    table.attrs["noise"] = fit.noise
    return table


def _label_cuts(sheet: ScoreSheet, codes: _Codes, warnings: list[str]) -> pd.DataFrame | None:
    """Labels: the 'cell' kernel (a written score's rounding cell) or probit if continuous."""
    if sheet.labels is None:
        return None
    ratings = sheet.ratings
    given = ratings["label"].notna().to_numpy()
    level = np.array([sheet.labels.index(v) for v in ratings["label"][given]])
    low, high, step = sheet.scale
    y_all = ratings["score"].to_numpy(dtype=float)
    # The rater's latent points on this competency: their scores' mean and SD (less rounding).
    cell = codes.interviewer * len(codes.competencies) + codes.competency
    grouped = pd.Series(y_all).groupby(cell)
    mean = grouped.transform("mean").to_numpy()[given]
    var = grouped.transform("var").fillna(0.0).to_numpy()[given] - step**2 / 12
    sd = np.sqrt(np.maximum(var, (0.25 * max(step, 0.1)) ** 2))
    y = y_all[given]
    width = (high - low) * 0.1
    if step > 0:
        lo = np.where(y <= low, mean - 10 * sd, y - step / 2)
        hi = np.where(y >= high, mean + 10 * sd, y + step / 2)
        data = {"lo": lo, "hi": hi, "mean": mean, "sd": sd}
        fit = fit_cuts(
            level,
            codes.interviewer[given],
            len(codes.interviewers),
            len(sheet.labels),
            kernel="cell",
            bounds=(low - width, high + width),
            data=data,
        )
    else:
        fit = fit_cuts(
            level,
            codes.interviewer[given],
            len(codes.interviewers),
            len(sheet.labels),
            kernel="probit",
            bounds=(low - width, high + width),
            data={"x": y},
        )
    if given.sum() < THIN * len(sheet.labels):
        warnings.append(f"label cut points rest on {int(given.sum())} labelled ratings only")
    return _cut_table(fit, sheet.labels, codes)


def _seat_view(sheet: ScoreSheet, codes: _Codes, process: Process | None) -> pd.DataFrame:
    """Each (candidate, interviewer)'s stated-weight mean score and recommendation."""
    ratings = sheet.ratings
    weights = process.debrief.competency_weights if process is not None else {}
    w = np.array([weights.get(c, 1.0 if not weights else 0.0) for c in codes.competencies])
    if not (w > 0).any():
        w = np.ones(len(codes.competencies))
    frame = pd.DataFrame(
        {
            "candidate": codes.candidate,
            "interviewer": codes.interviewer,
            "w": w[codes.competency],
            "score": ratings["score"].to_numpy(float),
            "recommendation": ratings["recommendation"].to_numpy(),
        }
    )
    frame["ws"] = frame["w"] * frame["score"]
    grouped = frame.groupby(["candidate", "interviewer"])
    out = grouped[["ws", "w"]].sum()
    out["x"] = out["ws"] / out["w"]
    out["recommendation"] = grouped["recommendation"].first()
    return out[(out["w"] > 0) & out["recommendation"].notna()].reset_index()


def _recommendation_cuts(
    sheet: ScoreSheet, codes: _Codes, process: Process | None, warnings: list[str]
) -> pd.DataFrame | None:
    """Recommendations: probit on the interviewer's stated-weight mean score."""
    if sheet.recommendations is None:
        return None
    seats = _seat_view(sheet, codes, process)
    if seats.empty:
        return None
    level = np.array([sheet.recommendations.index(v) for v in seats["recommendation"]])
    low, high, _ = sheet.scale
    width = (high - low) * 0.1
    fit = fit_cuts(
        level,
        seats["interviewer"].to_numpy(),
        len(codes.interviewers),
        len(sheet.recommendations),
        kernel="probit",
        bounds=(low - width, high + width),
        data={"x": seats["x"].to_numpy(float)},
    )
    if len(seats) < THIN * len(sheet.recommendations):
        warnings.append(f"recommendation cut points rest on {len(seats)} recommendations only")
    return _cut_table(fit, sheet.recommendations, codes)


def _revealed(
    sheet: ScoreSheet, codes: _Codes, process: Process | None, warnings: list[str]
) -> dict[str, Any] | None:
    """Revealed weights from candidates with a decision and every competency rated."""
    if sheet.decisions.empty:
        return None
    weights = process.debrief.interviewer_weights if process is not None else {}
    pw = np.array([weights.get(p, 1.0) for p in codes.interviewers])[codes.interviewer]
    score = sheet.ratings["score"].to_numpy(float)
    k, n_cand = len(codes.competencies), len(codes.candidates)
    flat = codes.candidate * k + codes.competency
    num = np.bincount(flat, weights=pw * score, minlength=n_cand * k).reshape(n_cand, k)
    den = np.bincount(flat, weights=pw, minlength=n_cand * k).reshape(n_cand, k)
    decided = np.array([c in sheet.decisions.index for c in codes.candidates])
    complete = (den > 0).all(axis=1) & decided
    dropped = int(decided.sum() - complete.sum())
    if dropped:
        warnings.append(
            f"revealed weights: {dropped} decided candidate(s) without a rating of "
            "every competency left out (e.g. stopped at a gate)"
        )
    if complete.sum() < THIN:
        warnings.append(
            f"revealed weights: only {int(complete.sum())} complete candidates; not estimated"
        )
        return None
    x = num[complete] / den[complete]
    decision = sheet.decisions.reindex(np.array(codes.candidates, dtype=object)[complete])
    fit = fit_weights(x, decision.to_numpy(dtype=int))
    if fit.separated:
        warnings.append(
            "revealed weights: the decisions separate perfectly on the ratings (a "
            "deterministic rule); weights are the separating direction, without SEs"
        )
    stated = process.debrief.competency_weights if process is not None else {}
    total = sum(stated.get(c, 0.0) for c in codes.competencies)
    table = pd.DataFrame(
        {
            "stated": [
                stated.get(c, 0.0) / total if total else np.nan for c in codes.competencies
            ],
            "revealed": fit.weights,
            "se": fit.se,
            "low": fit.weights - 1.96 * fit.se,
            "high": fit.weights + 1.96 * fit.se,
        },
        index=pd.Index(codes.competencies, name="competency"),
    )
    return {"table": table, "fit": fit}


def _rounds(ratings: pd.DataFrame, codes: _Codes) -> list[dict[str, Any]]:
    """Rounds as the data show them: name, competencies and interviewers, in order seen."""
    order = {name: i for i, name in enumerate(codes.competencies)}
    people = {name: i for i, name in enumerate(codes.interviewers)}
    out = []
    for name, group in ratings.groupby("round", sort=False):
        comps = sorted(group["competency"].unique(), key=order.__getitem__)
        who = sorted(group["interviewer"].unique(), key=people.__getitem__)
        out.append({"name": str(name), "competencies": comps, "interviewers": who})
    return out
