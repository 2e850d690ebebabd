"""Reliability of simulated panels and selection utility next to their closed forms.

- :func:`panel_icc`: the six Shrout & Fleiss (1979) intraclass correlations,
  with confidence intervals, of a simulated panel in which every interviewer
  of the process rates the same competency of the same candidates.
- :func:`panel_reliability`: reliability of the mean of ``k`` interchangeable
  raters (k = 1..8), simulated as the correlation of two independent
  ``k``-rater panels, next to the Spearman-Brown prediction from the
  single-rater reliability.
- :func:`selection_check`: the Taylor-Russell success ratio and the
  Naylor-Shine mean criterion of those selected, next to a simulated
  top-down selection on a bivariate normal predictor and criterion.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from ..closed_form import clipped_normal_moments
from ..engine import RandomLike, as_seed_sequence
from ..errors import fail
from ..model import compile_model, draw_pool
from ..spec import Process
from ..theory import icc, naylor_shine, spearman_brown, taylor_russell
from ..validation import check_int

__all__ = ["panel_icc", "panel_reliability", "selection_check"]


def _setting(process: Process, competency: str | None) -> tuple[str, int]:
    """The competency (default: the debrief's heaviest) and the first round assessing it."""
    if not isinstance(process, Process):
        raise fail("process", "must be a Process (see sim.load_process)", type(process).__name__)
    assessed = [
        c for c in process.competency_names if any(c in r.competencies for r in process.rounds)
    ]
    if competency is None:
        competency = max(assessed, key=process.debrief.competency_weight)
    elif competency not in assessed:
        known = ", ".join(assessed)
        raise fail("competency", f"must be a competency some round assesses ({known})", competency)
    r = next(i for i, rnd in enumerate(process.rounds) if competency in rnd.competencies)
    return competency, r


def _sigma(process: Process, r: int, noise_sd: np.ndarray) -> np.ndarray:
    rnd = process.rounds[r]
    minutes_each = rnd.minutes / len(rnd.competencies)
    return noise_sd * math.sqrt(process.evidence_minutes / minutes_each)


def _ratings(
    process: Process,
    competency: str,
    r: int,
    n: int,
    leniency: np.ndarray,
    halo: np.ndarray,
    sensitivity: np.ndarray,
    noise_sd: np.ndarray,
    gen: np.random.Generator,
) -> np.ndarray:
    """Scores (points) of ``n`` pool candidates on ``competency`` in round ``r``'s setting.

    Rater parameters broadcast to shape (n, raters) or (raters,).
    """
    m = compile_model(process)
    k = process.competency_names.index(competency)
    index = [process.competency_names.index(c) for c in process.rounds[r].competencies]
    theta, phi = draw_pool(m, process.pool, gen, n)
    raters = np.broadcast_shapes(np.shape(leniency), np.shape(halo), np.shape(noise_sd))[-1]
    impression = gen.standard_normal((n, raters))
    error = gen.standard_normal((n, raters))
    effect = process.competencies[k].framing_effect
    z = (
        theta[:, [k]]
        + leniency
        + halo * (theta[:, index].mean(axis=1, keepdims=True) + impression)
        + phi[:, None] * effect * sensitivity
        + _sigma(process, r, noise_sd) * error
    )
    return process.scale.to_points(z)


def panel_icc(
    process: Process,
    competency: str | None = None,
    *,
    n: int = 300,
    confidence: float = 0.95,
    rng: RandomLike = None,
) -> pd.DataFrame:
    """Intraclass correlations of a simulated panel of the process's interviewers.

    Every interviewer rates ``competency`` of the same ``n`` pool candidates
    once, in the setting (minutes per competency) of the first round that
    assesses it, with their own leniency, halo, framing sensitivity and
    occasion noise. The candidates x interviewers table of scores (points,
    continuous) goes to :func:`sim.theory.icc`.

    Parameters
    ----------
    process : Process
        Needs at least two interviewers.
    competency : str, optional
        Default: the competency with the largest debrief weight.
    n : int, default 300
        Candidates (>= 3).
    confidence : float, default 0.95
    rng : int, SeedSequence, Generator or None

    Returns
    -------
    DataFrame
        As :func:`sim.theory.icc`: six forms with ``icc``, F tests and
        ``ci_low`` / ``ci_high``. ``attrs`` holds ``competency``, ``round``,
        ``raters`` and ``n``.

    Examples
    --------
    >>> import sim
    >>> table = panel_icc(sim.load_process("amex_ai_pm_2026"), n=200, rng=1)
    >>> list(table.index)
    ['ICC(1,1)', 'ICC(2,1)', 'ICC(3,1)', 'ICC(1,k)', 'ICC(2,k)', 'ICC(3,k)']
    """
    competency, r = _setting(process, competency)
    check_int("n", n, 3)
    people = process.interviewers
    if len(people) < 2:
        raise fail("process.interviewers", "a panel needs at least two interviewers")
    gen = np.random.default_rng(as_seed_sequence(rng))
    table = _ratings(
        process,
        competency,
        r,
        n,
        leniency=np.array([p.leniency for p in people]),
        halo=np.array([p.halo for p in people]),
        sensitivity=np.array([p.framing_sensitivity for p in people]),
        noise_sd=np.array([p.noise_sd for p in people]),
        gen=gen,
    )
    result = icc(table, confidence=confidence)
    result.attrs.update(
        competency=competency,
        round=process.rounds[r].name,
        raters=[p.name for p in people],
        n=n,
    )
    return result


def _single_rater_reliability(
    process: Process,
    competency: str,
    r: int,
    halo: float,
    sensitivity: float,
    noise_sd: float,
    leniency_sd: float,
) -> float:
    """Exact reliability of one random rater: true-score variance over total variance."""
    k = process.competency_names.index(competency)
    index = [process.competency_names.index(c) for c in process.rounds[r].competencies]
    loading = np.zeros(len(process.competency_names))
    loading[k] = 1.0
    loading[index] += halo / len(index)
    phi_var = clipped_normal_moments(process.pool.framing_mean, process.pool.framing_sd)[1]
    effect = process.competencies[k].framing_effect
    true_var = loading @ process.pool.covariance @ loading + (effect * sensitivity) ** 2 * phi_var
    error_var = leniency_sd**2 + halo**2 + float(_sigma(process, r, np.array(noise_sd))) ** 2
    return float(true_var / (true_var + error_var))


def panel_reliability(
    process: Process,
    competency: str | None = None,
    *,
    n: int = 2000,
    max_raters: int = 8,
    leniency_sd: float | None = None,
    rng: RandomLike = None,
) -> pd.DataFrame:
    """Simulated reliability of k-rater panels next to the Spearman-Brown prediction.

    Raters are interchangeable copies of the interviewer who first assesses
    ``competency`` (same halo, framing sensitivity and occasion noise), each
    with a leniency drawn from ``N(leniency, leniency_sd**2)`` per candidate:
    the condition under which Spearman-Brown holds. The reliability of a
    ``k``-rater mean is simulated as the correlation, over candidates, of the
    means of two independent ``k``-rater panels.

    Parameters
    ----------
    process : Process
    competency : str, optional
        Default: the competency with the largest debrief weight.
    n : int, default 2000
        Candidates (>= 10).
    max_raters : int, default 8
        Panels of 1..``max_raters`` raters.
    leniency_sd : float, optional
        Default: the SD of the process's leniencies across interviewers.
    rng : int, SeedSequence, Generator or None

    Returns
    -------
    DataFrame
        Indexed by ``k``: ``simulated`` (correlation of two k-panels' means),
        ``se`` (its standard error, ``(1 - r**2) / sqrt(n - 1)``),
        ``spearman_brown`` (prediction from the simulated single-rater
        ICC(1,1) of one panel) and ``spearman_brown_exact`` (prediction from
        the single-rater reliability the spec implies). ``attrs`` holds
        ``competency``, ``round``, ``interviewer``, ``icc_single`` (simulated
        ICC(1,1)), ``reliability_single`` (exact) and ``n``.

    Examples
    --------
    >>> import sim
    >>> table = panel_reliability(sim.load_process("amex_ai_pm_2026"), n=4000, rng=2)
    >>> bool(table["simulated"].is_monotonic_increasing)
    True
    """
    competency, r = _setting(process, competency)
    check_int("n", n, 10)
    check_int("max_raters", max_raters, 1)
    leniency_sd = _leniency_sd(process, leniency_sd)
    person = process.interviewer(process.rounds[r].interviewers[0])
    gen = np.random.default_rng(as_seed_sequence(rng))
    scores = _copies(process, competency, r, n, person, leniency_sd, 2 * max_raters, gen)
    simulated, icc_single = _two_panels(scores, max_raters)
    exact = _single_rater_reliability(
        process, competency, r, person.halo, person.framing_sensitivity, person.noise_sd,
        leniency_sd,
    )  # fmt: skip
    table = _reliability_table(simulated, icc_single, exact, n)
    table.attrs.update(
        competency=competency,
        round=process.rounds[r].name,
        interviewer=person.name,
        icc_single=icc_single,
        reliability_single=exact,
        n=n,
    )
    return table


def _copies(
    process: Process,
    competency: str,
    r: int,
    n: int,
    person: Any,
    leniency_sd: float,
    raters: int,
    gen: np.random.Generator,
) -> np.ndarray:
    """Scores (n, raters) of interchangeable copies of ``person``, leniency drawn per candidate."""
    return _ratings(
        process,
        competency,
        r,
        n,
        leniency=person.leniency + leniency_sd * gen.standard_normal((n, raters)),
        halo=np.full(raters, person.halo),
        sensitivity=np.full(raters, person.framing_sensitivity),
        noise_sd=np.full(raters, person.noise_sd),
        gen=gen,
    )


def _reliability_table(
    simulated: np.ndarray, icc_single: float, exact: float, n: int
) -> pd.DataFrame:
    """Simulated k-panel reliabilities next to both Spearman-Brown predictions."""
    ks = np.arange(1, simulated.size + 1)
    return pd.DataFrame(
        {
            "simulated": simulated,
            "se": (1 - simulated**2) / math.sqrt(n - 1),
            "spearman_brown": (  # NaN when the scores do not vary (no reliability to speak of)
                spearman_brown(np.clip(icc_single, 1e-12, 1.0), ks)
                if np.isfinite(icc_single)
                else np.full(ks.size, np.nan)
            ),
            "spearman_brown_exact": spearman_brown(exact, ks),
        },
        index=pd.Index(ks, name="k"),
    )


def _leniency_sd(process: Process, leniency_sd: float | None) -> float:
    """The given spread of leniencies across panels, or the process's own."""
    if leniency_sd is None:
        return float(np.std([p.leniency for p in process.interviewers]))
    if (
        isinstance(leniency_sd, bool)
        or not isinstance(leniency_sd, int | float)
        or not (0 <= leniency_sd < math.inf)
    ):
        raise fail("leniency_sd", "must be a finite number >= 0", leniency_sd)
    return leniency_sd


def _two_panels(scores: np.ndarray, max_raters: int) -> tuple[np.ndarray, float]:
    """Correlation of two independent k-rater panels' means (k = 1..max) and ICC(1,1)."""
    first, second = scores[:, :max_raters], scores[:, max_raters:]
    ks = np.arange(1, max_raters + 1)
    mean_first = np.cumsum(first, axis=1) / ks
    mean_second = np.cumsum(second, axis=1) / ks
    with np.errstate(invalid="ignore", divide="ignore"):  # constant scores: NaN, no warning
        simulated = np.array(
            [np.corrcoef(mean_first[:, i], mean_second[:, i])[0, 1] for i in range(max_raters)]
        )
        if max_raters >= 2:
            return simulated, float(icc(first).loc["ICC(1,1)", "icc"])
        return simulated, float(np.corrcoef(first[:, 0], second[:, 0])[0, 1])


def selection_check(
    validity: ArrayLike,
    selection_ratio: ArrayLike,
    base_rate: ArrayLike,
    *,
    n: int = 200_000,
    rng: RandomLike = None,
) -> pd.DataFrame:
    """Taylor-Russell and Naylor-Shine next to a simulated top-down selection.

    For every combination of the arguments (validity slowest, base rate
    fastest), ``n`` applicants get a
    standard bivariate normal predictor ``X`` and criterion ``Y`` with
    correlation ``validity``; those with ``X`` above ``Phi^-1(1 - SR)`` are
    selected, and a selected applicant succeeds when ``Y`` is above
    ``Phi^-1(1 - BR)``.

    Parameters
    ----------
    validity : float or array_like
        In [-1, 1].
    selection_ratio : float or array_like
        In (0, 1).
    base_rate : float or array_like
        In (0, 1).
    n : int, default 200000
        Applicants per combination (>= 100).
    rng : int, SeedSequence, Generator or None

    Returns
    -------
    DataFrame
        One row per combination: ``validity``, ``selection_ratio``,
        ``base_rate``, ``success_ratio`` (Taylor-Russell), ``success_ratio_sim``,
        ``success_ratio_se``, ``mean_criterion`` (Naylor-Shine, SDs),
        ``mean_criterion_sim``, ``mean_criterion_se`` and ``selected``.

    Examples
    --------
    >>> table = selection_check(0.42, [0.1, 0.5], 0.3, n=50_000, rng=1)
    >>> bool((abs(table.success_ratio_sim - table.success_ratio)
    ...       < 5 * table.success_ratio_se).all())
    True
    """
    v, sr, br = (
        grid.ravel()
        for grid in np.meshgrid(
            np.atleast_1d(np.asarray(validity, dtype=float)),
            np.atleast_1d(np.asarray(selection_ratio, dtype=float)),
            np.atleast_1d(np.asarray(base_rate, dtype=float)),
            indexing="ij",
        )
    )
    for name, values, low, high in (
        ("validity", v, -1.0, 1.0),
        ("selection_ratio", sr, 0.0, 1.0),
        ("base_rate", br, 0.0, 1.0),
    ):
        closed = name == "validity"
        bad = np.isnan(values) | (values < low if closed else values <= low)
        bad |= values > high if closed else values >= high
        if bad.any():
            interval = "[-1, 1]" if closed else "(0, 1)"
            raise fail(name, f"must be in {interval}", float(values[bad][0]))
    check_int("n", n, 100)
    success = taylor_russell(v, sr, br)
    mean = naylor_shine(v, sr)
    gen = np.random.default_rng(as_seed_sequence(rng))
    rows = []
    for i in range(v.size):
        x = gen.standard_normal(n)
        y = v[i] * x + math.sqrt(1 - v[i] ** 2) * gen.standard_normal(n)
        chosen = x > special.ndtri(1 - sr[i])
        picked = y[chosen]
        count = picked.size
        hits = float((picked > special.ndtri(1 - br[i])).mean()) if count else math.nan
        rows.append(
            {
                "success_ratio_sim": hits,
                "success_ratio_se": math.sqrt(hits * (1 - hits) / count) if count else math.nan,
                "mean_criterion_sim": float(picked.mean()) if count else math.nan,
                "mean_criterion_se": float(picked.std(ddof=1) / math.sqrt(count))
                if count > 1
                else math.nan,
                "selected": count,
            }
        )
    simulated = pd.DataFrame(rows)
    table = pd.DataFrame(
        {
            "validity": v,
            "selection_ratio": sr,
            "base_rate": br,
            "success_ratio": np.atleast_1d(success),
            "mean_criterion": np.atleast_1d(mean),
        }
    )
    columns = [
        "validity",
        "selection_ratio",
        "base_rate",
        "success_ratio",
        "success_ratio_sim",
        "success_ratio_se",
        "mean_criterion",
        "mean_criterion_sim",
        "mean_criterion_se",
        "selected",
    ]
    return pd.concat([table, simulated], axis=1)[columns]
