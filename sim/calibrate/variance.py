"""REML for a crossed candidate x interviewer design: ``y = mu + c[cand] + b[int] + e``.

``c ~ N(0, candidate_var)``, ``b ~ N(0, interviewer_var)`` (leniency) and
``e ~ N(0, residual_var)``, all in squared points of the input scale.

Algorithm
---------
Henderson's mixed-model equations ``C [mu, u] = W'y`` with ``W = [1, Z_A, Z_B]``
have a diagonal block for each factor. The larger factor (``A``) is eliminated
exactly, which leaves a dense Schur complement over the intercept and the
smaller factor (``B``); its Cholesky factor gives ``log|C|``, the solution and
``C^-1``. The profiled REML criterion (lme4's) is minimised over the two log
variance ratios by L-BFGS with its exact gradient. Standard errors of the three
variances come from the inverse average-information matrix (Gilmour, Thompson &
Cullis 1995); those of the conditional modes from the diagonal of ``C^-1``
(prediction-error variances, which include the uncertainty of ``mu``). Cost per
iteration: ``sum over A-levels of (ratings)^2`` for the Schur complement plus a
dense ``(m_B + 1)^3`` factorisation, so it suits designs where one factor has up
to a few thousand levels (interviewers, usually).

Choice of library, by measurement (``benchmarks/bench_calibrate.py``: 72,954 ratings,
2,966 interviewers x 1,100 candidates, one competency, unbalanced; 2 cores shared with
other jobs, load average ~30, so CPU seconds are the comparable figure; the variance
components agree with mixedlm's to 3e-8 relative):

==========================================  =======  ======  ===================
fit                                          wall s   CPU s   criterion
==========================================  =======  ======  ===================
statsmodels 0.15 ``MixedLM`` (one group,     ~17 s for 1,200  REML
variance components; issue 11's trial)       ratings
mixedlm 1.3.0 ``lmer`` (lme4 PLS, sparse     26.8     7.2     REML (the reference)
Cholesky in Rust)
gpboost 1.8.0 ``GPModel`` (grouped REs)      12.1     3.9     ML only (no REML)
this module (``fit_crossed``)                 8.4     2.1     REML
``sim.calibrate``, everything it reports      9.1     2.8
==========================================  =======  ======  ===================

It is hand-written because it beats both libraries on this shape and gives what they
do not: standard errors of the variance components, prediction-error variances that
include ``mu``'s uncertainty (and of leniency contrasts), and the leverages the
per-interviewer noise estimate needs, all from one factorisation. The tests compare
it with mixedlm's REML (``tests/test_calibrate_reference.py``, 1e-3 relative) and
with the dense mixed-model equations. scikit-sparse (CHOLMOD) does not build here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from scipy import linalg
from scipy.linalg import lapack

__all__ = ["CrossedFit", "fit_crossed"]


@dataclass(frozen=True, eq=False)
class CrossedFit:
    """REML fit of one crossed design (squared points unless said otherwise).

    Attributes
    ----------
    intercept, intercept_se : float
        ``mu`` (points) and its standard error.
    candidate_var, interviewer_var, residual_var : float
        The variance components.
    cov : ndarray, shape (3, 3)
        Asymptotic covariance of ``(candidate_var, interviewer_var, residual_var)``.
    candidate_effect, candidate_pev : ndarray, shape (n_candidates,)
        Conditional modes (points) and their prediction-error variances.
    interviewer_effect, interviewer_pev : ndarray, shape (n_interviewers,)
        Leniencies (conditional modes, points) and prediction-error variances.
    interviewer_contrast_pev : ndarray, shape (n_interviewers,)
        Prediction-error variance of each leniency relative to the interviewers'
        mean, ``b_j - mean(b)``: what the data pin down even with few interviewers.
    fitted, leverage : ndarray, shape (n,)
        ``mu + c + b`` per rating and the diagonal of the hat matrix ``W C^-1 W'``.
    deviance : float
        Minimised REML criterion (-2 log restricted likelihood).
    converged : bool
        Whether the optimiser reported success.
    """

    intercept: float
    intercept_se: float
    candidate_var: float
    interviewer_var: float
    residual_var: float
    cov: np.ndarray
    candidate_effect: np.ndarray
    candidate_pev: np.ndarray
    interviewer_effect: np.ndarray
    interviewer_pev: np.ndarray
    interviewer_contrast_pev: np.ndarray
    fitted: np.ndarray
    leverage: np.ndarray
    deviance: float
    converged: bool

    @property
    def se(self) -> np.ndarray:
        """Standard errors of the three variances, shape (3,)."""
        return np.sqrt(np.clip(np.diag(self.cov), 0.0, None))


class _Design:
    """Counts and cross-products of one design; factor A (larger) is eliminated."""

    def __init__(self, y: np.ndarray, a: np.ndarray, b: np.ndarray, ma: int, mb: int) -> None:
        self.y, self.a, self.b, self.ma, self.mb = y, a, b, int(ma), int(mb)
        self.n = y.size
        ones = np.ones(self.n)
        self.za = sp.csr_matrix((ones, (np.arange(self.n), a)), shape=(self.n, ma))
        self.na = np.bincount(a, minlength=ma).astype(float)
        self.nb = np.bincount(b, minlength=mb).astype(float)
        self.g = sp.csr_matrix((ones, (a, b)), shape=(ma, mb))  # duplicates summed
        self.ya = np.bincount(a, weights=y, minlength=ma)
        self.yb = np.bincount(b, weights=y, minlength=mb)
        self.yy = float(y @ y)
        # M = Z_A' [1, Z_B]: the coupling of A with the dense block.
        self.m = sp.hstack([sp.csr_matrix(self.na[:, None]), self.g], format="csr")
        self.m.sort_indices()

        self._pairs = self._pair_structure()

    def _pair_structure(self) -> tuple[np.ndarray, ...] | None:
        """Every pair of entries in a row of M, so S is one bincount per iterate.

        Returns ``(flat, first, second, row)``: the flat index into the dense
        block, the two entries' positions in ``M.data`` and the row (A-level).
        """
        m = self.m
        k = np.diff(m.indptr)
        total = int((k.astype(np.int64) ** 2).sum())
        if total > 30_000_000:  # memory cap: fall back to sparse products
            return None
        row_of_entry = np.repeat(np.arange(self.ma, dtype=np.int32), k)
        reps = k[row_of_entry]
        first = np.repeat(np.arange(m.nnz, dtype=np.int32), reps)
        block_start = np.repeat(np.cumsum(reps) - reps, reps)
        second = (m.indptr[row_of_entry[first]] + (np.arange(total) - block_start)).astype(
            np.int32
        )
        flat = m.indices[first].astype(np.int64) * (self.mb + 1) + m.indices[second]
        return flat, first, second, row_of_entry[first]

    def dense_block(self, inv_ga: float, inv_gb: float) -> tuple[np.ndarray, np.ndarray]:
        """Schur complement S over [mu, B] after eliminating A, and 1 / diag(A block)."""
        d = 1.0 / (self.na + inv_ga)
        size = self.mb + 1
        if self._pairs is not None:
            flat, first, second, row = self._pairs
            weight = self.m.data[first] * self.m.data[second] * d[row]
            s = -np.bincount(flat, weights=weight, minlength=size * size)
            s = s.reshape(size, size)
        else:
            s = -(self.m.T @ self.m.multiply(d[:, None]).tocsr()).toarray()
        s[0, 0] += self.n
        s[0, 1:] += self.nb
        s[1:, 0] += self.nb
        s[np.arange(1, size), np.arange(1, size)] += self.nb + inv_gb
        return s, d

    def solve(self, chol: tuple, d: np.ndarray, rhs_a: np.ndarray, rhs_d: np.ndarray):
        """Solve the full MME for right-hand sides split into A and dense parts."""
        reduced = rhs_d - self.m.T @ (d[:, None] * rhs_a if rhs_a.ndim == 2 else d * rhs_a)
        dense = linalg.cho_solve(chol, reduced)
        ua = (
            d[:, None] * (rhs_a - self.m @ dense)
            if rhs_a.ndim == 2
            else d * (rhs_a - self.m @ dense)
        )
        return ua, dense


@dataclass
class _State:
    """The mixed-model equations solved at one value of the three variances."""

    theta: np.ndarray  # (var_A, var_B, var_e)
    chol: tuple
    d: np.ndarray
    ua: np.ndarray
    dense: np.ndarray  # [mu, u_B]
    deviance: float

    @property
    def ub(self) -> np.ndarray:
        return self.dense[1:]

    @cached_property
    def t(self) -> np.ndarray:
        """Inverse of the Schur complement: the [mu, B] block of C^-1."""
        inverse, info = lapack.dpotri(self.chol[0], lower=1)
        if info != 0:
            raise np.linalg.LinAlgError("mixed-model equations are singular")
        return np.tril(inverse) + np.tril(inverse, -1).T


def _solve_at(design: _Design, theta: np.ndarray) -> _State:
    """Factorise the MME at ``theta`` and evaluate the REML criterion (-2 log L_R)."""
    va, vb, ve = theta
    s, d = design.dense_block(ve / va, ve / vb)
    chol = linalg.cho_factor(s, lower=True, check_finite=False)
    rhs_d = np.concatenate([[design.y.sum()], design.yb])
    ua, dense = design.solve(chol, d, design.ya, rhs_d)
    ypy = design.yy - float(ua @ design.ya) - float(dense @ rhs_d)
    logdet_c = 2.0 * np.log(np.diag(chol[0])).sum() - np.log(d).sum()
    n_free = design.n - 1
    deviance = (
        n_free * math.log(2 * math.pi * ve)
        + ypy / ve
        + logdet_c
        + design.ma * math.log(va / ve)
        + design.mb * math.log(vb / ve)
    )
    return _State(np.asarray(theta, float), chol, d, ua, dense, float(deviance))


def _score_and_ai(design: _Design, st: _State) -> tuple[np.ndarray, np.ndarray]:
    """REML score and average-information matrix in (var_A, var_B, var_e)."""
    va, vb, ve = st.theta
    tr_b = float(np.trace(st.t[1:, 1:]))
    quad, _ = _inverse_parts(design, st.t, st.d, leverage=False)
    tr_a = float(st.d.sum() + (st.d * st.d * quad).sum())
    resid = design.y - st.dense[0] - st.ua[design.a] - st.ub[design.b]
    ga, gb = va / ve, vb / ve
    tr_p = (design.n - 1 - design.ma - design.mb + tr_a / ga + tr_b / gb) / ve
    score = -0.5 * np.array(
        [
            (design.ma - tr_a / ga) / va - float(st.ua @ st.ua) / va**2,
            (design.mb - tr_b / gb) / vb - float(st.ub @ st.ub) / vb**2,
            tr_p - float(resid @ resid) / ve**2,
        ]
    )
    q = np.column_stack([st.ua[design.a] / va, st.ub[design.b] / vb, resid / ve])
    rhs_a = design.za.T @ q
    rhs_b = np.vstack(
        [
            q.sum(axis=0),
            np.column_stack([np.bincount(design.b, q[:, j], design.mb) for j in range(3)]),
        ]
    )
    sol_a, sol_d = design.solve(st.chol, st.d, rhs_a, rhs_b)
    fit_q = sol_d[0][None, :] + sol_a[design.a] + sol_d[1:][design.b]
    ai = 0.5 * q.T @ ((q - fit_q) / ve)
    return score, ai


def _ai_reml(
    design: _Design, theta: np.ndarray, max_iter: int = 50
) -> tuple[_State, np.ndarray, bool]:
    """Average-information REML in log variances, with step halving.

    Returns the final state, the AI matrix (variance scale) and whether it converged.
    """
    floor = 1e-9 * max(float(np.var(design.y)), 1e-12)
    st = _solve_at(design, theta)
    score, ai = _score_and_ai(design, st)
    for _ in range(max_iter):
        # Newton step for log(theta): score and information rescaled by theta.
        th = st.theta
        free = ~((th <= floor * 1.0001) & (score <= 0))  # at 0 and pushing down: stays
        step = np.zeros(3)
        info = ai * np.outer(th, th)
        step[free] = np.linalg.solve(info[np.ix_(free, free)], (th * score)[free])
        step = np.clip(step, -3.0, 3.0)
        for _halving in range(40):
            trial = _solve_at(design, np.maximum(th * np.exp(step), floor))
            if trial.deviance <= st.deviance + 1e-10 * abs(st.deviance):
                break
            step *= 0.5
        else:
            return st, ai, False
        change = st.deviance - trial.deviance
        st = trial
        score, ai = _score_and_ai(design, st)
        if np.abs(step).max() < 1e-6 or change < 1e-12 * abs(st.deviance):
            return st, ai, True
    return st, ai, False


def _start(design: _Design) -> np.ndarray:
    """Moment starting values (var_A, var_B, var_e): factor means corrected for noise."""
    total = max(float(np.var(design.y)), 1e-12)
    out = []
    for sums, counts in ((design.ya, design.na), (design.yb, design.nb)):
        seen = counts > 0
        means = sums[seen] / counts[seen]
        harmonic = 1.0 / float(np.mean(1.0 / counts[seen]))
        share = (float(np.var(means)) - total / harmonic) / max(1.0 - 1.0 / harmonic, 1e-3)
        out.append(min(max(share, 0.05 * total), 0.9 * total))
    return np.array([*out, max(total - sum(out), 0.05 * total)])


def fit_crossed(
    y: np.ndarray,
    candidate: np.ndarray,
    interviewer: np.ndarray,
    n_candidates: int | None = None,
    n_interviewers: int | None = None,
) -> CrossedFit:
    """REML fit of ``y = mu + c[candidate] + b[interviewer] + e``.

    Parameters
    ----------
    y : ndarray, shape (n,)
        Ratings (points).
    candidate, interviewer : ndarray of int, shape (n,)
        Level codes ``0..n_candidates-1`` and ``0..n_interviewers-1``.
    n_candidates, n_interviewers : int, optional
        Number of levels (default: ``max(code) + 1``).

    Returns
    -------
    CrossedFit

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> cand, rater = np.repeat(np.arange(300), 4), np.tile(np.arange(40), 30)
    >>> y = 5 + rng.normal(0, 1, 300)[cand] + rng.normal(0, 0.5, 40)[rater]
    >>> fit = fit_crossed(y + rng.normal(0, 0.7, y.size), cand, rater)
    >>> [round(v, 2) for v in (fit.candidate_var, fit.interviewer_var, fit.residual_var)]
    [1.06, 0.26, 0.46]
    """
    y = np.asarray(y, dtype=float)
    cand = np.asarray(candidate, dtype=np.intp)
    rater = np.asarray(interviewer, dtype=np.intp)
    mc = int(n_candidates if n_candidates is not None else cand.max() + 1)
    mi = int(n_interviewers if n_interviewers is not None else rater.max() + 1)
    swap = mi > mc  # eliminate the larger factor
    a, b, ma, mb = (rater, cand, mi, mc) if swap else (cand, rater, mc, mi)
    design = _Design(y, a, b, ma, mb)
    state, ai, converged = _ai_reml(design, _start(design))
    return _finish(design, state, ai, converged, swap)


def _finish(
    design: _Design, st: _State, ai: np.ndarray, converged: bool, swap: bool
) -> CrossedFit:
    """Everything reported at the optimum: modes, PEVs, leverages, AI covariance."""
    floor = 1e-9 * max(float(np.var(design.y)), 1e-12) * 1.0001
    va, vb, ve = st.theta
    quad, lev = _inverse_parts(design, st.t, st.d)
    pev = {"a": ve * (st.d + st.d * st.d * quad), "b": ve * np.diag(st.t)[1:]}
    effect = {"a": st.ua, "b": st.ub}
    var = {"a": 0.0 if va <= floor else va, "b": 0.0 if vb <= floor else vb}
    free = np.array([var["a"] > 0, var["b"] > 0, True])
    cov = np.zeros((3, 3))
    cov[np.ix_(free, free)] = np.linalg.pinv(ai[np.ix_(free, free)])
    c, i = ("b", "a") if swap else ("a", "b")
    if swap:
        cov = cov[[1, 0, 2]][:, [1, 0, 2]]
    mu = float(st.dense[0])
    # C^-1 1_I (I = the interviewer block) from one solve gives the contrasts' variances.
    ones_a = np.ones(design.ma) if i == "a" else np.zeros(design.ma)
    ones_d = np.concatenate([[0.0], np.ones(design.mb) if i == "b" else np.zeros(design.mb)])
    sol_a, sol_d = design.solve(st.chol, st.d, ones_a, ones_d)
    row_sum = sol_a if i == "a" else sol_d[1:]
    m_i = row_sum.size
    contrast = pev[i] + ve * (-2.0 * row_sum / m_i + row_sum.sum() / m_i**2)
    return CrossedFit(
        intercept=mu,
        intercept_se=float(np.sqrt(ve * st.t[0, 0])),
        candidate_var=float(var[c]),
        interviewer_var=float(var[i]),
        residual_var=float(ve),
        cov=cov,
        candidate_effect=effect[c],
        candidate_pev=pev[c],
        interviewer_effect=effect[i],
        interviewer_pev=pev[i],
        interviewer_contrast_pev=np.maximum(contrast, 0.0),
        fitted=mu + st.ua[design.a] + st.ub[design.b],
        leverage=lev,
        deviance=st.deviance,
        converged=converged,
    )


def _inverse_parts(
    design: _Design, t: np.ndarray, d: np.ndarray, leverage: bool = True
) -> tuple[np.ndarray, np.ndarray | None]:
    """``diag(M T M')`` per A-level and the leverage ``diag(W C^-1 W')`` per rating.

    ``T`` is the inverse Schur complement. Only the entries of ``M T`` where ``M``
    is non-zero are needed, which the pair structure gives in one pass.
    """
    m = design.m
    if design._pairs is not None:
        flat, first, second, row = design._pairs
        t_pair = t.ravel()[flat] * m.data[first]
        quad = np.bincount(row, weights=t_pair * m.data[second], minlength=design.ma)
        mt_entry = np.bincount(second, weights=t_pair, minlength=m.nnz)  # (M T) on M's nnz
    else:
        quad = np.empty(design.ma)
        mt_entry = np.empty(m.nnz)
        for start in range(0, design.ma, 2000):
            rows = m[start : start + 2000]
            mt = rows @ t
            quad[start : start + 2000] = np.asarray(rows.multiply(mt).sum(axis=1)).ravel()
            lo, hi = m.indptr[start], m.indptr[min(start + 2000, design.ma)]
            local_rows = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
            mt_entry[lo:hi] = mt[local_rows, rows.indices]
    if not leverage:
        return quad, None
    a, b = design.a, design.b + 1
    keys = np.repeat(np.arange(design.ma, dtype=np.int64), np.diff(m.indptr)) * (design.mb + 1)
    keys += m.indices
    at_b = np.searchsorted(keys, a.astype(np.int64) * (design.mb + 1) + b)
    at_mu = m.indptr[a]  # column 0 (the counts) is the first entry of every row
    dense_part = t[0, 0] + 2 * t[0, b] + t[b, b]
    cross = -d[a] * (mt_entry[at_mu] + mt_entry[at_b])
    own = d[a] + d[a] ** 2 * quad[a]
    return quad, dense_part + 2 * cross + own
