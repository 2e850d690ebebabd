"""Noise audit: how much interviewers disagree about the same candidate, and why.

Kahneman, Sibony & Sunstein (2021, *Noise*) split the variability of judgments
of the same case by different judges (*system noise*) into

- **level noise**: some judges are harsher than others on every case
  (here: leniency, and halo or framing sensitivity acting on the pool's
  average candidate);
- **pattern noise**: judges rank the same cases differently, itself made of
  **stable pattern noise** (a judge's lasting reaction to this candidate:
  different halo weights and framing sensitivities) and **occasion noise**
  (what changes from one interview to the next: the rater's occasion error
  and their overall impression of the day).

``system² = level² + pattern²`` and ``pattern² = stable pattern² + occasion²``.

The audit design makes every interviewer of the process interview every
candidate in every round, on ``occasions`` separate occasions; a judgment is
the interviewer's mean score (points, continuous) over the round's
competencies. With judges as a fixed panel, noise is measured across judges
with divisor ``J`` (the book's convention); the estimates are corrected for
the finite number of candidates so that each is unbiased for the variance the
spec implies, which the table lists next to it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..closed_form import clipped_normal_moments
from ..engine import RandomLike, as_seed_sequence
from ..errors import fail
from ..model import compile_model, draw_pool
from ..spec import Process
from ..validation import check_int

__all__ = ["COMPONENTS", "noise_audit"]

#: Components of the audit, in table order.
COMPONENTS: tuple[str, ...] = ("system", "level", "pattern", "stable_pattern", "occasion")
_BATCHES = 50


def _components(ratings: np.ndarray) -> np.ndarray:
    """Unbiased components (5,) of one table of ratings, shape (n, J, R)."""
    n, judges, occasions = ratings.shape
    dev = ratings - ratings.mean(axis=1, keepdims=True)  # judge minus the case's mean judgment
    system = float((dev**2).mean())
    level = float((dev.mean(axis=0) ** 2).mean())
    pattern = (system - level) * n / (n - 1)
    level = system - pattern
    if occasions > 1:
        within = float(ratings.var(axis=2, ddof=1).mean())
        occasion = within * (judges - 1) / judges
        stable = pattern - occasion
    else:
        occasion = stable = math.nan
    return np.array([system, level, pattern, stable, occasion])


def _round_ratings(
    process: Process,
    r: int,
    theta: np.ndarray,
    phi: np.ndarray,
    occasions: int,
    gen: np.random.Generator,
) -> np.ndarray:
    """Every interviewer's judgment (z) of every candidate in round ``r``: (n, J, R)."""
    rnd = process.rounds[r]
    index = [process.competency_names.index(c) for c in rnd.competencies]
    size = len(index)
    people = process.interviewers
    leniency = np.array([p.leniency for p in people])
    halo = np.array([p.halo for p in people])
    sensitivity = np.array([p.framing_sensitivity for p in people])
    sigma = _occasion_sd(process, r)
    effect = np.mean([process.competencies[k].framing_effect for k in index])
    level = theta[:, index].mean(axis=1)  # mean true level in the round, (n,)
    n, judges = theta.shape[0], len(people)
    impression = gen.standard_normal((n, judges, occasions))
    error = gen.standard_normal((n, judges, occasions)) / math.sqrt(size)
    stable = level[:, None] * (1 + halo) + leniency + phi[:, None] * sensitivity * effect
    return stable[:, :, None] + halo[None, :, None] * impression + sigma[None, :, None] * error


def _occasion_sd(process: Process, r: int) -> np.ndarray:
    """Occasion-noise SD (z) of one rating by each interviewer in round ``r``'s setting."""
    rnd = process.rounds[r]
    minutes_each = rnd.minutes / len(rnd.competencies)
    noise = np.array([p.noise_sd for p in process.interviewers])
    return noise * math.sqrt(process.evidence_minutes / minutes_each)


def _expected(process: Process, r: int) -> np.ndarray:
    """Components (5,) the spec implies for round ``r`` (z squared)."""
    rnd = process.rounds[r]
    index = [process.competency_names.index(c) for c in rnd.competencies]
    size = len(index)
    people = process.interviewers
    judges = len(people)
    leniency = np.array([p.leniency for p in people])
    halo = np.array([p.halo for p in people])
    sensitivity = np.array([p.framing_sensitivity for p in people])
    effect = float(np.mean([process.competencies[k].framing_effect for k in index]))
    pool = process.pool
    phi_mean, phi_var = clipped_normal_moments(pool.framing_mean, pool.framing_sd)
    level_mean = float(np.mean(np.asarray(pool.mean)[index]))
    level_var = float(pool.covariance[np.ix_(index, index)].sum()) / size**2
    level = float(np.var(leniency + halo * level_mean + sensitivity * effect * phi_mean))
    stable = float(np.var(halo)) * level_var + effect**2 * float(np.var(sensitivity)) * phi_var
    sigma = _occasion_sd(process, r)
    occasion = (judges - 1) / judges * float(np.mean(halo**2 + sigma**2 / size))
    pattern = stable + occasion
    return np.array([level + pattern, level, pattern, stable, occasion])


def noise_audit(
    process: Process,
    *,
    n: int = 1000,
    occasions: int = 2,
    rng: RandomLike = None,
) -> pd.DataFrame:
    """Simulated noise audit of a process's interviewers, per round and overall.

    Parameters
    ----------
    process : Process
        Needs at least two interviewers.
    n : int, default 1000
        Candidates in the audit (>= 100), drawn from the process's pool.
    occasions : int, default 2
        Times every interviewer interviews every candidate in every round
        (>= 2 separates occasion noise from stable pattern noise; with 1 those
        two rows are NaN).
    rng : int, SeedSequence, Generator or None

    Returns
    -------
    DataFrame
        One row per (``scope``, ``component``): scope is a round name or
        ``"overall"`` (the mean over rounds), component one of
        :data:`COMPONENTS`. Columns ``variance`` (points squared), ``sd``
        (points), ``share`` (of system noise variance), ``expected`` (the
        variance the spec implies, points squared) and ``se`` (standard error
        of ``variance``, from 50 batches of candidates).

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> audit = noise_audit(process, n=500, rng=1).set_index(["scope", "component"])
    >>> row = audit.loc[("overall", "system")]
    >>> bool(abs(row.variance - row.expected) < 5 * row.se)
    True
    """
    if not isinstance(process, Process):
        raise fail("process", "must be a Process (see sim.load_process)", type(process).__name__)
    if len(process.interviewers) < 2:
        raise fail("process.interviewers", "a noise audit needs at least two interviewers")
    check_int("n", n, 100)
    check_int("occasions", occasions, 1)
    gen = np.random.default_rng(as_seed_sequence(rng))
    theta, phi = draw_pool(compile_model(process), process.pool, gen, n)
    scale2 = process.scale.points_per_sd**2
    batch = np.arange(n) * _BATCHES // n
    estimates, errors, expected = [], [], []
    for r in range(len(process.rounds)):
        ratings = _round_ratings(process, r, theta, phi, occasions, gen)
        estimates.append(_components(ratings) * scale2)
        per_batch = np.array([_components(ratings[batch == b]) * scale2 for b in range(_BATCHES)])
        errors.append(per_batch)
        expected.append(_expected(process, r) * scale2)
    scopes = [rnd.name for rnd in process.rounds]
    estimates.append(np.mean(estimates, axis=0))
    errors.append(np.mean(errors, axis=0))
    expected.append(np.mean(expected, axis=0))
    rows = [
        _component_row(scope, component, i, value, per_batch, exact)
        for scope, value, per_batch, exact in zip(
            [*scopes, "overall"], estimates, errors, expected, strict=True
        )
        for i, component in enumerate(COMPONENTS)
    ]
    table = pd.DataFrame(rows)
    table.attrs.update(n=n, occasions=occasions, judges=len(process.interviewers))
    return table


def _component_row(
    scope: str,
    component: str,
    i: int,
    value: np.ndarray,
    per_batch: np.ndarray,
    exact: np.ndarray,
) -> dict[str, float | str]:
    """One row of the audit: component ``i`` of one scope, with its batch standard error."""
    se = per_batch.std(axis=0, ddof=1) / math.sqrt(_BATCHES)
    return {
        "scope": scope,
        "component": component,
        "variance": value[i],
        "sd": math.sqrt(max(value[i], 0.0)) if not math.isnan(value[i]) else math.nan,
        "share": value[i] / value[0] if value[0] > 0 else math.nan,
        "expected": exact[i],
        "se": se[i],
    }
