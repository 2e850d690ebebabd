"""Global sensitivity of the hire decision and of the aggregate to every input.

Method, and why
---------------
The inputs are *dependent*: true competencies are correlated in the pool.
Variance-based indices from a Saltelli/Sobol' design assume independent inputs
(the design resamples one input while holding the others, which breaks the
correlation), so they are not used. Instead every index here is a *given-data*
estimate from one ordinary sample of the model, valid for any dependence
(Plischke, Borgonovo & Smith 2013):

``S1`` (first-order, variance-based)
    ``Var(E[Y | X_i]) / Var(Y)``: the share of the output's variance explained
    by input ``i`` alone, *including* what it explains through inputs
    correlated with it. Estimated by an equal-frequency partition of ``X_i``
    into ``M`` classes with ``M`` chosen as in Plischke et al. (2013) and
    SALib's ``delta`` module; the estimator is SALib's ``sobol_first``
    (the tests hold this vectorised version to SALib's, number for number).
``delta`` (Borgonovo's moment-independent index)
    ``1/2 E_{X_i} || f_Y - f_{Y|X_i} ||_1``: how far knowing ``X_i`` moves the
    whole output distribution, in [0, 1]. For the binary hire decision the
    distance is exact (``|P(hire | class) - P(hire)|``); for the aggregate the
    densities are Gaussian kernel estimates with Silverman bandwidths per class
    (Plischke et al.'s estimator, as in SALib's ``delta.calc_delta``),
    evaluated on a fine grid with an FFT so that 100,000 candidates and ~30
    inputs take seconds rather than minutes; the tests compare it with SALib's
    ``calc_delta``. SALib's ``delta.analyze`` itself is not called: its
    bootstrap is too slow at this size and it reseeds NumPy's global generator.

Both estimators carry a small upward bias from sampling noise within the
classes; the row ``"(no effect)"`` is an independent dummy input that shows the
bias floor of each column.

The aggregate is the committee's weighted mean of the scores with the
debrief's effective weights (:func:`sim.closed_form.effective_aggregate_weights`:
peeking and anchoring included, averaged over speaking orders when the order is
random), gates ignored. The hire decision is the process's real debrief (any
rule); its own randomness (a random speaking order, vote coins, the manager's
noise) is drawn but not attributed as an input. For the aggregate the exact
answer is known: it is linear in jointly Gaussian competencies plus independent
terms, so ``S1_exact`` has a closed form and so do the **Shapley effects**
(Owen 2014; Song, Nelson & Staum 2016), which share the variance fairly among
correlated inputs and sum to 1 (here by enumerating the ``2^K`` subsets of
competencies; independent inputs get their own variance share). They check
the estimators and give the fair attribution the first-order index cannot.

Inputs
------
``competency`` (true level of each), ``framing``, ``leniency`` of each
interviewer (drawn per candidate from ``N(leniency, leniency_sd**2)``: which
panel a candidate meets is random), ``halo`` (each seat's overall impression
beyond the candidate's true levels, times the rater's halo weight),
``occasion noise`` of each interviewer (their occasion errors, summarised by
their contribution to the aggregate; for the hire decision this conditions on
that one projection, so it is a lower bound for the whole group).

References
----------
Borgonovo, E. (2007). A new uncertainty importance measure. Reliability
Engineering & System Safety, 92(6), 771-784.

Owen, A. B. (2014). Sobol' indices and Shapley value. SIAM/ASA Journal on
Uncertainty Quantification, 2(1), 245-251.

Plischke, E., Borgonovo, E., & Smith, C. L. (2013). Global sensitivity
measures from given data. European Journal of Operational Research, 226(3),
536-550.

Song, E., Nelson, B. L., & Staum, J. (2016). Shapley effects for global
sensitivity analysis: theory and computation. SIAM/ASA Journal on Uncertainty
Quantification, 4(1), 1060-1083.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..closed_form import clipped_normal_moments, effective_aggregate_weights
from ..engine import RandomLike, as_seed_sequence
from ..errors import fail
from ..model import HIRE, compile_model, draw_pool
from ..rules import N_DRAWS, decide
from ..spec import Process
from ..validation import check_int

__all__ = [
    "DUMMY",
    "SensitivitySample",
    "classes",
    "delta_binary",
    "delta_continuous",
    "exact_aggregate_indices",
    "first_order",
    "global_sensitivity",
    "n_classes",
    "ranking",
    "sensitivity_sample",
]

#: Name of the dummy input that shows the estimators' bias floor.
DUMMY = "(no effect)"
#: Largest number of correlated competencies for the exact Shapley enumeration.
SHAPLEY_MAX_COMPETENCIES = 16
_GRID = 1024  # grid points of the kernel density estimates


# --------------------------------------------------------------------------- estimators
def n_classes(n: int) -> int:
    """Equal-frequency classes for ``n`` points (Plischke et al. 2013; SALib's rule)."""
    exponent = 2.0 / (7.0 + math.tanh((1500.0 - n) / 500.0))
    return min(math.ceil(n**exponent), 48)


def classes(x: np.ndarray, m: int | None = None) -> tuple[np.ndarray, int]:
    """Equal-frequency class of every point of each column, as SALib partitions.

    Parameters
    ----------
    x : ndarray, shape (n,) or (n, d)
    m : int, optional
        Number of classes; default :func:`n_classes`.

    Returns
    -------
    labels : ndarray of int, shape (n, d)
        Class index in ``[0, m)`` (ordinal ranks; ties by order of appearance).
    m : int
    """
    x = np.asarray(x, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    n = x.shape[0]
    m = n_classes(n) if m is None else m
    order = np.argsort(x, axis=0, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n + 1)[:, None], axis=0)
    edges = np.linspace(0, n, m + 1)
    labels = np.searchsorted(edges, ranks, side="left") - 1
    return labels, m


def _class_sums(labels: np.ndarray, m: int, values: np.ndarray) -> np.ndarray:
    """Sums of ``values`` (n,) per (column, class): shape (d, m)."""
    n, d = labels.shape
    flat = labels + m * np.arange(d)[None, :]
    weights = np.broadcast_to(values[:, None], (n, d)).ravel()
    return np.bincount(flat.ravel(), weights=weights, minlength=d * m).reshape(d, m)


def first_order(x: np.ndarray, y: np.ndarray, m: int | None = None) -> np.ndarray:
    """Given-data first-order index ``Var(E[y | x_i]) / Var(y)`` of each column of ``x``.

    Parameters
    ----------
    x : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    m : int, optional
        Number of equal-frequency classes; default :func:`n_classes`.

    Returns
    -------
    ndarray, shape (d,)
        0 for a constant output.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((50_000, 2))
    >>> y = x[:, 0] + 0.5 * rng.standard_normal(50_000)
    >>> first_order(x, y).round(2).tolist()  # exact 0.8 and 0; the classes lose a little
    [0.79, 0.0]
    """
    y = np.asarray(y, dtype=float)
    labels, m = classes(x, m)
    var = y.var()
    if var == 0:
        return np.zeros(labels.shape[1])
    counts = _class_sums(labels, m, np.ones_like(y))
    means = _class_sums(labels, m, y) / np.where(counts > 0, counts, 1)
    between = (counts / y.size * (means - y.mean()) ** 2).sum(axis=1)
    return between / var


def delta_binary(x: np.ndarray, y: np.ndarray, m: int | None = None) -> np.ndarray:
    """Borgonovo's delta of a 0/1 output: ``sum_j n_j/n |P(y=1 | class j) - P(y=1)|``.

    Parameters
    ----------
    x : ndarray, shape (n, d)
    y : ndarray of bool or 0/1, shape (n,)

    Returns
    -------
    ndarray, shape (d,)
    """
    y = np.asarray(y, dtype=float)
    labels, m = classes(x, m)
    counts = _class_sums(labels, m, np.ones_like(y))
    share = _class_sums(labels, m, y) / np.where(counts > 0, counts, 1)
    return (counts / y.size * np.abs(share - y.mean())).sum(axis=1)


def _silverman(n: np.ndarray, sd: np.ndarray) -> np.ndarray:
    # scipy's gaussian_kde(bw_method="silverman") in one dimension.
    return sd * (n * 3.0 / 4.0) ** (-1.0 / 5.0)


def _smoothed(hist: np.ndarray, bandwidth: np.ndarray, dx: float) -> np.ndarray:
    """Gaussian kernel smoothing of linear-binned counts (rows), by FFT with zero padding."""
    size = 2 * hist.shape[-1]
    freq = np.fft.rfftfreq(size, d=dx)
    transfer = np.exp(-0.5 * (2 * np.pi * freq[None, :] * bandwidth[:, None]) ** 2)
    out = np.fft.irfft(np.fft.rfft(hist, n=size, axis=-1) * transfer, n=size, axis=-1)
    return np.clip(out[:, : hist.shape[-1]], 0.0, None)


def delta_continuous(x: np.ndarray, y: np.ndarray, m: int | None = None) -> np.ndarray:
    """Borgonovo's delta of a continuous output (Plischke et al. 2013 given-data estimator).

    ``sum_j n_j / (2 n) * integral |f_Y - f_{Y|j}|`` with Gaussian kernel
    density estimates (Silverman bandwidth per class) on a 1024-point grid.

    Parameters
    ----------
    x : ndarray, shape (n, d)
    y : ndarray, shape (n,)

    Returns
    -------
    ndarray, shape (d,)
    """
    y = np.asarray(y, dtype=float)
    labels, m = classes(x, m)
    d = labels.shape[1]
    counts = _class_sums(labels, m, np.ones_like(y)).ravel()
    sums = _class_sums(labels, m, y).ravel()
    squares = _class_sums(labels, m, y * y).ravel()
    safe = np.where(counts > 1, counts, 2)
    sd = np.sqrt(np.clip((squares - sums**2 / safe) / (safe - 1), 0.0, None))
    bandwidth = np.where(counts > 1, _silverman(safe, sd), 0.0)
    h_all = float(_silverman(np.array(y.size), np.array(y.std(ddof=1))))
    if h_all == 0:
        return np.zeros(d)
    pad = 4.0 * max(h_all, float(bandwidth.max()))
    low, high = float(y.min()) - pad, float(y.max()) + pad
    dx = (high - low) / (_GRID - 1)
    position = (y - low) / dx
    left = np.minimum(position.astype(np.intp), _GRID - 2)
    frac = position - left

    def binned(rows: np.ndarray, n_rows: int) -> np.ndarray:
        hist = np.bincount(
            np.concatenate(
                [
                    (rows * _GRID + left[:, None]).ravel(),
                    (rows * _GRID + left[:, None] + 1).ravel(),
                ]
            ),
            weights=np.concatenate(
                [
                    np.broadcast_to(1 - frac[:, None], rows.shape).ravel(),
                    np.broadcast_to(frac[:, None], rows.shape).ravel(),
                ]
            ),
            minlength=n_rows * _GRID,
        )
        return hist.reshape(n_rows, _GRID)

    rows = labels + m * np.arange(d)[None, :]
    f_class = _smoothed(binned(rows, d * m), np.maximum(bandwidth, 1e-300), dx)
    f_class /= np.where(counts > 0, counts, 1)[:, None] * dx
    f_all = _smoothed(binned(np.zeros((y.size, 1), dtype=np.intp), 1), np.array([h_all]), dx)
    f_all /= y.size * dx
    distance = np.abs(f_class - f_all).sum(axis=1) * dx
    distance[counts < 2] = 0.0  # a class of one point has no density (SALib skips it too)
    return (counts / (2 * y.size) * distance).reshape(d, m).sum(axis=1)


# --------------------------------------------------------------------------- the sample
@dataclass(frozen=True)
class SensitivitySample:
    """Inputs and outputs of one sensitivity run.

    Attributes
    ----------
    names, groups : tuple of str, length d
        Input names and their group (``competency``, ``framing``, ``leniency``,
        ``halo``, ``occasion noise``, ``reference``).
    inputs : ndarray, shape (n, d)
        Input values (z units; framing in [-1, 1]).
    hire : ndarray of bool, shape (n,)
    aggregate : ndarray, shape (n,)
        Debrief aggregate (points), gates ignored.
    """

    names: tuple[str, ...]
    groups: tuple[str, ...]
    inputs: np.ndarray
    hire: np.ndarray
    aggregate: np.ndarray


def _default_leniency_sd(process: Process) -> float:
    return float(np.std([person.leniency for person in process.interviewers]))


def _check(n: int, leniency_sd: float | None, process: Process) -> float:
    if not isinstance(process, Process):
        raise fail("process", "must be a Process (see sim.load_process)", type(process).__name__)
    check_int("n", n, 100)
    if leniency_sd is None:
        return _default_leniency_sd(process)
    if isinstance(leniency_sd, bool) or not isinstance(leniency_sd, int | float):
        raise fail("leniency_sd", "must be a number >= 0", leniency_sd)
    if not leniency_sd >= 0 or math.isinf(leniency_sd):
        raise fail("leniency_sd", "must be a finite number >= 0", leniency_sd)
    return float(leniency_sd)


def _seat_labels(process: Process) -> list[str]:
    m = compile_model(process)
    seats = list(m.seat_interviewer)
    rounds = [process.rounds[r].name for r in m.seat_round]
    return [
        name if seats.count(name) == 1 else f"{name} @ {rnd}"
        for name, rnd in zip(seats, rounds, strict=True)
    ]


def sensitivity_sample(
    process: Process,
    *,
    n: int = 100_000,
    leniency_sd: float | None = None,
    rng: RandomLike = None,
) -> SensitivitySample:
    """Draw ``n`` candidates with every input recorded, and their outputs.

    Parameters
    ----------
    process : Process
    n : int, default 100000
    leniency_sd : float, optional
        SD (z) of each interviewer's leniency across simulated panels; default
        the SD of the process's leniencies across interviewers (its level noise).
    rng : int, SeedSequence, Generator or None

    Returns
    -------
    SensitivitySample
    """
    sd_l = _check(n, leniency_sd, process)
    gen = np.random.default_rng(as_seed_sequence(rng))
    m = compile_model(process)
    k, n_slots, n_seats = m.n_competencies, m.n_slots, m.n_seats
    people = process.interviewers
    person = m.slot_person
    theta, phi = draw_pool(m, process.pool, gen, n)
    base = np.array([p.leniency for p in people])
    leniency = base + sd_l * gen.standard_normal((n, len(people)))
    impression = gen.standard_normal((n, n_seats))
    occasion = gen.standard_normal((n, n_slots)) * m.sigma
    dummy = gen.standard_normal(n)

    perceived = theta @ m.A + phi[:, None] * m.framing + leniency[:, person]
    perceived += impression @ m.H + occasion
    debrief_draws = gen.standard_normal((n, N_DRAWS))  # random order, coins, manager noise
    decision = decide(m, perceived, debrief_draws)[2]
    w = effective_aggregate_weights(process)
    aggregate = process.scale.to_points(perceived @ w)
    # Each interviewer's occasion errors, as their contribution to the aggregate (z).
    onehot = np.zeros((n_slots, len(people)))
    onehot[np.arange(n_slots), person] = w
    noise_by_person = occasion @ onehot

    rated = sorted(set(person.tolist()))
    names = [f"competency: {c}" for c in process.competency_names] + ["framing"]
    names += [f"leniency: {people[i].name}" for i in rated]
    names += [f"halo: {label}" for label in _seat_labels(process)]
    names += [f"occasion noise: {people[i].name}" for i in rated]
    names.append(DUMMY)
    groups = ["competency"] * k + ["framing"] + ["leniency"] * len(rated)
    groups += ["halo"] * n_seats + ["occasion noise"] * len(rated) + ["reference"]
    halo_weight = m.H.max(axis=1)  # each seat's halo weight
    inputs = np.column_stack(
        [
            theta,
            phi,
            leniency[:, rated],
            impression * halo_weight,
            noise_by_person[:, rated],
            dummy,
        ]
    )
    return SensitivitySample(
        names=tuple(names),
        groups=tuple(groups),
        inputs=inputs,
        hire=decision == HIRE,
        aggregate=aggregate,
    )


# --------------------------------------------------------------------------- exact indices
def _shapley_linear_gaussian(cov: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Shapley effects (unnormalised) of ``Y = b'X`` for ``X ~ N(., cov)``; ``c = cov @ b``.

    The value of a set J is ``Var(E[Y | X_J]) = c_J' cov_JJ^+ c_J``.
    """
    k = c.size
    masks = np.arange(1 << k)
    value = np.zeros(masks.size)
    for mask in range(1, 1 << k):
        members = [i for i in range(k) if mask >> i & 1]
        sub = cov[np.ix_(members, members)]
        value[mask] = c[members] @ np.linalg.pinv(sub, hermitian=True) @ c[members]
    size = np.array([bin(x).count("1") for x in masks])
    weight = np.array(
        [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)]
    )
    effects = np.zeros(k)
    for i in range(k):
        without = masks[(masks >> i & 1) == 0]
        effects[i] = np.sum(weight[size[without]] * (value[without | (1 << i)] - value[without]))
    return effects


def exact_aggregate_indices(
    process: Process, leniency_sd: float | None = None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Exact first-order indices and Shapley effects of the aggregate.

    Parameters
    ----------
    process : Process
    leniency_sd : float, optional
        As in :func:`sensitivity_sample`.

    Returns
    -------
    s1, shapley : ndarray, shape (d,)
        In the input order of :func:`sensitivity_sample` (dummy last, 0).
        Shapley effects are NaN for the competencies when there are more than
        :data:`SHAPLEY_MAX_COMPETENCIES` of them.
    variance : float
        Variance of the aggregate (points squared).
    """
    sd_l = _check(100, leniency_sd, process)
    m = compile_model(process)
    w = effective_aggregate_weights(process)
    person = m.slot_person
    rated = sorted(set(person.tolist()))
    cov = process.pool.covariance
    b_theta = m.A @ w
    c = cov @ b_theta
    theta_var = float(b_theta @ c)
    pool = process.pool
    phi_var = clipped_normal_moments(pool.framing_mean, pool.framing_sd)[1]
    framing_part = float(m.framing @ w) ** 2 * phi_var
    leniency_part = np.array([w[person == i].sum() ** 2 * sd_l**2 for i in rated])
    halo_part = (m.H @ w) ** 2
    noise_part = np.array([np.sum((w * m.sigma)[person == i] ** 2) for i in rated])
    independent = np.concatenate([[framing_part], leniency_part, halo_part, noise_part])
    total = theta_var + independent.sum()
    diag = np.diag(cov)
    with np.errstate(invalid="ignore", divide="ignore"):
        s1_theta = np.where(diag > 0, c**2 / diag, 0.0) / total
    if c.size <= SHAPLEY_MAX_COMPETENCIES:
        shapley_theta = _shapley_linear_gaussian(cov, c) / total
    else:
        shapley_theta = np.full(c.size, np.nan)
    scale2 = process.scale.points_per_sd**2
    s1 = np.concatenate([s1_theta, independent / total, [0.0]])
    shapley = np.concatenate([shapley_theta, independent / total, [0.0]])
    return s1, shapley, total * scale2


# --------------------------------------------------------------------------- public
def global_sensitivity(
    process: Process,
    *,
    n: int = 100_000,
    leniency_sd: float | None = None,
    rng: RandomLike = None,
) -> pd.DataFrame:
    """Global sensitivity of the hire decision and of the aggregate to every input.

    See the module docstring for the method and why it stays valid with
    correlated competencies.

    Parameters
    ----------
    process : Process
    n : int, default 100000
        Candidates simulated (>= 100).
    leniency_sd : float, optional
        SD (z) of each interviewer's leniency across simulated panels; default
        the SD of the process's leniencies across interviewers.
    rng : int, SeedSequence, Generator or None

    Returns
    -------
    DataFrame
        One row per (output, input): ``output`` (``"hire"`` or
        ``"aggregate"``), ``input``, ``group``, ``S1`` and ``delta`` (given-data
        estimates), ``S1_exact`` and ``shapley`` (exact; aggregate only, NaN
        for the hire decision). The ``"(no effect)"`` input shows the bias
        floor of the estimates. ``attrs`` holds ``n``, ``hire_rate``,
        ``aggregate_variance`` (exact, points squared) and ``leniency_sd``.

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> table = global_sensitivity(process, n=20_000, rng=1)
    >>> aggregate = table[table.output == "aggregate"]
    >>> round(float(aggregate["shapley"].sum()), 12)
    1.0
    """
    sd_l = _check(n, leniency_sd, process)
    sample = sensitivity_sample(process, n=n, leniency_sd=sd_l, rng=rng)
    x = sample.inputs
    constant = np.ptp(x, axis=0) == 0
    s1_exact, shapley, variance = exact_aggregate_indices(process, sd_l)
    frames = []
    for output, y, delta in (
        ("hire", sample.hire.astype(float), delta_binary),
        ("aggregate", sample.aggregate, delta_continuous),
    ):
        s1 = first_order(x, y)
        d = delta(x, y)
        s1[constant], d[constant] = 0.0, 0.0
        exact = output == "aggregate"
        frames.append(
            pd.DataFrame(
                {
                    "output": output,
                    "input": sample.names,
                    "group": sample.groups,
                    "S1": s1,
                    "delta": d,
                    "S1_exact": s1_exact if exact else np.nan,
                    "shapley": shapley if exact else np.nan,
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table.attrs.update(
        n=n,
        hire_rate=float(sample.hire.mean()),
        aggregate_variance=variance,
        leniency_sd=sd_l,
    )
    return table


def ranking(table: pd.DataFrame, output: str, by: str = "S1") -> list[str]:
    """Inputs of ``output`` ordered from most to least influential by column ``by``."""
    rows = table[(table["output"] == output) & (table["input"] != DUMMY)]
    return rows.sort_values(by, ascending=False)["input"].tolist()
