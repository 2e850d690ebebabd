"""The REML fit against a reference library (mixedlm: lme4's algorithm) and closed forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.calibrate.variance import fit_crossed

mixedlm = pytest.importorskip("mixedlm")


def _design(kind: str, seed: int) -> pd.DataFrame:
    """Crossed designs: a panel, a sparse unbalanced one, and more raters than candidates."""
    rng = np.random.default_rng([3, seed])
    if kind == "panel":
        cand, rater = np.repeat(np.arange(300), 6), np.tile(np.arange(6), 300)
    elif kind == "sparse":
        popularity = rng.lognormal(0, 1.0, 80)
        cand = rng.integers(0, 500, 2500)
        rater = rng.choice(80, 2500, p=popularity / popularity.sum())
    else:  # more interviewers than candidates: the other factor is eliminated
        cand, rater = rng.integers(0, 60, 1500), rng.integers(0, 400, 1500)
    frame = pd.DataFrame({"candidate": cand, "interviewer": rater}).drop_duplicates()
    c = rng.normal(0, 1.2, frame["candidate"].max() + 1)
    b = rng.normal(0, 0.4, frame["interviewer"].max() + 1)
    y = 5.5 + c[frame["candidate"]] + b[frame["interviewer"]] + rng.normal(0, 0.8, len(frame))
    frame["score"] = np.clip(np.rint(y), 1, 10)  # written scores: integers on the scale
    return frame.reset_index(drop=True)


@pytest.mark.parametrize("kind", ["panel", "sparse", "wide"])
def test_variance_components_match_lme4_reml(kind: str) -> None:
    frame = _design(kind, 1)
    cand = pd.factorize(frame["candidate"])[0]
    rater = pd.factorize(frame["interviewer"])[0]
    ours = fit_crossed(frame["score"].to_numpy(float), cand, rater)
    ref = mixedlm.lmer(
        "score ~ 1 + (1|candidate) + (1|interviewer)",
        frame.astype({"candidate": str, "interviewer": str}),
        REML=True,
    )
    vc = ref.VarCorr()
    table = {name: float(group.variance["(Intercept)"]) for name, group in vc.groups.items()}
    assert ours.candidate_var == pytest.approx(table["candidate"], rel=1e-3)
    assert ours.interviewer_var == pytest.approx(table["interviewer"], rel=1e-3)
    assert ours.residual_var == pytest.approx(float(ref.sigma) ** 2, rel=1e-3)
    # The conditional modes agree too (same variances, same equations); lme4 orders the
    # levels as sorted text.
    ref_modes = np.asarray(mixedlm.ranef(ref)["interviewer"]["(Intercept)"])
    levels = sorted(frame["interviewer"].astype(str).unique())
    mine = pd.Series(ours.interviewer_effect, index=pd.unique(frame["interviewer"].astype(str)))
    scale = frame["score"].std()
    assert np.allclose(mine.reindex(levels).to_numpy(), ref_modes, atol=2e-3 * scale)


def test_leverages_and_pevs_match_the_dense_equations() -> None:
    rng = np.random.default_rng(4)
    n = 500
    cand, rater = rng.integers(0, 40, n), rng.integers(0, 15, n)
    y = rng.normal(size=n) + rng.normal(size=40)[cand] + 0.5 * rng.normal(size=15)[rater]
    fit = fit_crossed(y, cand, rater, 40, 15)
    w = np.column_stack([np.ones(n), np.eye(40)[cand], np.eye(15)[rater]])
    penalty = np.r_[
        0.0,
        np.full(40, fit.residual_var / fit.candidate_var),
        np.full(15, fit.residual_var / fit.interviewer_var),
    ]
    inverse = np.linalg.inv(w.T @ w + np.diag(penalty))
    assert np.allclose(fit.leverage, np.einsum("ij,jk,ik->i", w, inverse, w), atol=1e-10)
    assert np.allclose(fit.candidate_pev, fit.residual_var * np.diag(inverse)[1:41])
    assert np.allclose(fit.interviewer_pev, fit.residual_var * np.diag(inverse)[41:])
    contrast = np.eye(15) - 1 / 15
    block = fit.residual_var * inverse[41:, 41:]
    assert np.allclose(fit.interviewer_contrast_pev, np.diag(contrast @ block @ contrast.T))


def test_reml_recovers_known_components_over_seeds() -> None:
    """Mean estimates over 30 seeds match the truth within 4 of their standard errors."""
    est = []
    for seed in range(30):
        rng = np.random.default_rng([9, seed])
        cand, rater = np.repeat(np.arange(200), 5), rng.integers(0, 50, 1000)
        y = (
            rng.normal(0, 1.0, 200)[cand]
            + rng.normal(0, 0.5, 50)[rater]
            + rng.normal(0, 0.7, 1000)
        )
        fit = fit_crossed(y, cand, rater, 200, 50)
        est.append([fit.candidate_var, fit.interviewer_var, fit.residual_var, *fit.se])
    est = np.array(est)
    truth = np.array([1.0, 0.25, 0.49])
    mean, se_of_mean = est[:, :3].mean(0), est[:, 3:].mean(0) / np.sqrt(len(est))
    assert np.all(np.abs(mean - truth) <= 4 * se_of_mean), (mean, se_of_mean)
    # The reported SEs are the spread of the estimates (within 35 %, 30 seeds).
    assert np.allclose(est[:, :3].std(0, ddof=1), est[:, 3:].mean(0), rtol=0.35)
