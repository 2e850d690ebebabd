"""Round trip: simulate known raters -> Result.scores()/decisions() -> CSV -> calibrate.

Every parameter must fall inside its reported 95 % interval at the nominal rate over
20 seeds, for a balanced design (every panel member rates every candidate) and an
unbalanced one (each interviewer keeps their seats with their own probability, 0.12
to 1, so they see between ~60 and 500 candidates). The revealed weights are checked
on the balanced design only: there the committee decided on exactly the ratings the
sheet holds; dropping seats from the sheet (unbalanced) hides ratings the decision
used. The decisions come from ``rule: discretion`` with a noisy reading, where the
weights are identified (a deterministic rule separates, see test_calibrate_io.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from calibration_designs import (
    COMPETENCIES,
    LENIENCY_SD,
    MANAGER_NOISE,
    ROUND_HALO,
    THRESHOLD,
    WEIGHTS,
    candidate_var,
    make_process,
    simulate_sheet,
    unbalance,
)
from helpers import assert_binomial

import sim

SEEDS = range(20)
N_CANDIDATES = 500
DESIGNS = ("balanced", "unbalanced")


@pytest.fixture(scope="module")
def fits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    folder = tmp_path_factory.mktemp("sheets")
    out: dict[str, list] = {d: [] for d in DESIGNS}
    for seed in SEEDS:
        truth = make_process(seed)
        sheet = simulate_sheet(truth, N_CANDIDATES, seed)
        for design, data in (("balanced", sheet), ("unbalanced", unbalance(sheet, seed))):
            path = folder / f"{design}_{seed}.csv"
            data.to_csv(path, index=False)
            out[design].append((truth, data, sim.calibrate(path, process=truth.process)))
    return out


def _round_of(competency: str) -> str:
    return next(r for r, comps in COMPETENCIES.items() if competency in comps)


@pytest.mark.parametrize("design", DESIGNS)
def test_leniency_within_intervals(fits: dict, design: str) -> None:
    # Leniency is identified relative to the committee's mean rater (the pool mean takes
    # the rest), so the truth is each drawn leniency less the drawn ones' mean.
    hits = total = 0
    for truth, _, fit in fits[design]:
        people = fit.interviewers
        true = np.array([truth.leniency[p] for p in people.index])
        true -= true.mean()
        z = (people["leniency"].to_numpy() - true) / people["leniency_se"].to_numpy()
        hits += int((np.abs(z) <= 1.96).sum())
        total += z.size
    assert_binomial(hits, total, 0.95)


@pytest.mark.parametrize("design", DESIGNS)
def test_noise_and_halo_within_intervals(fits: dict, design: str) -> None:
    noise_hits = halo_hits = total = 0
    for truth, _, fit in fits[design]:
        people = fit.interviewers
        noise = np.array([truth.noise_sd[p] for p in people.index])
        halo_var = np.array([truth.halo[p] ** 2 for p in people.index])
        z_noise = (people["noise_sd"] - noise) / people["noise_sd_se"]
        z_halo = (people["halo_var"] - halo_var) / people["halo_var_se"]
        noise_hits += int((np.abs(z_noise) <= 1.96).sum())
        halo_hits += int((np.abs(z_halo) <= 1.96).sum())
        total += len(people)
    assert_binomial(noise_hits, total, 0.95)
    assert_binomial(halo_hits, total, 0.95)


@pytest.mark.parametrize("design", DESIGNS)
def test_variance_components_within_intervals(fits: dict, design: str) -> None:
    """Candidate, leniency and residual variance per competency (points^2, pps = 1)."""
    hits = {"candidate": 0, "interviewer": 0, "residual": 0}
    total = 0
    for truth, data, fit in fits[design]:
        for comp, row in fit.competencies.iterrows():
            rnd = _round_of(comp)
            counts = data.loc[data["competency"] == comp, "interviewer"].value_counts()
            # Residual: halo impression + occasion noise + rounding (Sheppard), as the
            # rating-weighted mean over the competency's raters.
            noise = sum(counts[p] * truth.noise_sd[p] ** 2 for p in counts.index) / counts.sum()
            want = {
                "candidate": candidate_var(rnd),
                "interviewer": LENIENCY_SD**2,
                "residual": ROUND_HALO[rnd] ** 2 + noise + 1 / 12,
            }
            for key, value in want.items():
                hits[key] += int(row[f"{key}_var_low"] <= value <= row[f"{key}_var_high"])
            total += 1
    for key, count in hits.items():
        assert_binomial(count, total, 0.95), key


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("kind", ["label", "recommendation"])
def test_own_cut_points_within_intervals(fits: dict, design: str, kind: str) -> None:
    hits = total = 0
    for truth, _, fit in fits[design]:
        own = truth.label_cuts if kind == "label" else truth.recommendation_cuts
        table = fit.cut_points(kind)
        true = np.array(
            [own[p][c] for p, c in zip(table["interviewer"], table["cut"], strict=True)]
        )
        hits += int(((table["low"] <= true) & (true <= table["high"])).sum())
        total += len(table)
    assert_binomial(hits, total, 0.95)


def test_revealed_weights_within_intervals(fits: dict) -> None:
    stated = np.array([WEIGHTS[c] for c in fits["balanced"][0][2].competencies.index])
    stated = stated / stated.sum()
    w_hits = w_total = thr_hits = noise_hits = 0
    for _, _, fit in fits["balanced"]:
        res = fit.revealed["fit"]
        assert not res.separated
        w_hits += int((np.abs(res.weights - stated) <= 1.96 * res.se).sum())
        w_total += stated.size
        thr_hits += int(abs(res.threshold - THRESHOLD) <= 1.96 * res.threshold_se)
        noise_hits += int(res.noise_low <= MANAGER_NOISE <= res.noise_high)
    assert_binomial(w_hits, w_total, 0.95)
    assert_binomial(thr_hits, len(SEEDS), 0.95)
    assert_binomial(noise_hits, len(SEEDS), 0.95)


def test_revealed_weights_table_sets_stated_beside_revealed(fits: dict) -> None:
    table = fits["balanced"][0][2].revealed_weights
    assert list(table.columns) == ["stated", "revealed", "se", "low", "high"]
    assert table["stated"].sum() == pytest.approx(1.0)
    assert table["revealed"].sum() == pytest.approx(1.0)
