"""Pool analyses: decision swing on common random numbers, decision quality vs random."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.analysis import (
    bcg_utility,
    decision_quality,
    decision_swing,
    naylor_shine,
    taylor_russell,
)

SEEDS = range(25)


def linear_process(validity_noise: float = 1.0) -> sim.Process:
    """One Gaussian rating, no gate, no framing: selection is top-down on a normal score."""
    return sim.Process(
        name="linear",
        competencies=(sim.Competency("skill"), sim.Competency("drive")),
        interviewers=(sim.Interviewer("rater", noise_sd=0.8),),
        rounds=(
            sim.Round(
                "only",
                minutes=30,
                day=1,
                competencies=("skill", "drive"),
                interviewers=("rater",),
            ),
        ),
        debrief=sim.Debrief(threshold=7.0, competency_weights={"skill": 2.0, "drive": 1.0}),
        pool=sim.Pool(
            ("skill", "drive"), (0.0, 0.0), (1.0, 1.0), ((1.0, 0.3), (0.3, 1.0)), framing_sd=0.0
        ),
        truth=sim.Truth(
            weights={"skill": 1.0, "drive": 0.5},
            noise_sd=validity_noise,
            performance_bar=0.3,
            sd_y_dollars=50_000,
        ),
    )


# --------------------------------------------------------------------------- decision swing
@pytest.mark.parametrize("seed", range(5))
def test_swing_equals_resimulating_with_the_same_seed(amex, seed):
    """Common random numbers: re-deciding stored ratings = simulating the changed process."""
    result = sim.simulate(amex, n=3000, rng=seed)
    table = decision_swing(result)
    reached = result.reached
    for name in ("dollar_impact", "technical_depth"):
        weight = amex.debrief.competency_weights[name]
        for suffix, factor in (("zeroed", 0.0), ("doubled", 2.0)):
            debrief = replace(
                amex.debrief,
                competency_weights={**amex.debrief.competency_weights, name: weight * factor},
            )
            again = sim.simulate(replace(amex, debrief=debrief), n=3000, rng=seed)
            changed = (again.decision != result.decision)[reached].mean()
            assert table.loc[name, f"changed_{suffix}"] == pytest.approx(changed, abs=1e-12)
            assert table.loc[name, f"hire_rate_{suffix}"] == pytest.approx(again.hired.mean())


def test_swing_table_and_edge_cases(amex):
    """One row per weighed competency; doubling the only weight changes nothing."""
    result = sim.simulate(amex, n=2000, rng=7)
    table = decision_swing(result)
    assert set(table.index) == {c for c, w in amex.debrief.competency_weights.items() if w > 0}
    assert (table["changed_zeroed"] >= 0).all() and (table["changed_zeroed"] <= 1).all()
    assert table.attrs["hire_rate"] == pytest.approx(result.hired.mean())
    only = replace(amex, debrief=replace(amex.debrief, competency_weights={"dollar_impact": 1.0}))
    single = decision_swing(sim.simulate(only, n=500, rng=1))
    assert list(single.index) == ["dollar_impact"]
    assert math.isnan(single.loc["dollar_impact", "changed_zeroed"])  # cannot zero the only one
    assert single.loc["dollar_impact", "changed_doubled"] == 0.0


def test_swing_needs_stored_ratings(amex):
    with pytest.raises(sim.SpecError, match="keep='all'"):
        decision_swing(sim.simulate(amex, n=200, rng=1, keep="decisions"))
    with pytest.raises(sim.SpecError, match="result"):
        decision_swing("not a result")


# --------------------------------------------------------------------------- decision quality
def test_quality_committee_matches_summary_and_random_baseline(amex):
    result = sim.simulate(amex, n=5000, rng=3, keep="decisions")
    table = decision_quality(result, n_hires=12)
    summary = result.summary()
    for metric in ("hire_rate", "precision", "recall", "validity", "dollars_per_hire"):
        assert table.loc[metric, "committee"] == pytest.approx(summary[metric])
    assert table.loc["false_negative_rate", "committee"] == pytest.approx(1 - summary["recall"])
    assert table.loc["dollars_per_year", "committee"] == pytest.approx(
        12 * summary["dollars_per_hire"]
    )
    random = table["random"]
    assert random["precision"] == pytest.approx(summary["base_rate"])
    assert random["recall"] == pytest.approx(summary["hire_rate"])
    assert random["false_negative_rate"] == pytest.approx(1 - summary["hire_rate"])
    assert random["validity"] == 0 and random["dollars_per_hire"] == 0
    assert table.attrs["base_rate"] == pytest.approx(summary["base_rate"])


def test_quality_closed_form_column_uses_the_published_formulas(amex):
    result = sim.simulate(amex, n=5000, rng=4, keep="decisions")
    table = decision_quality(result, n_hires=3, cost_per_applicant=100.0)
    r, sr = table.loc["validity", "committee"], table.loc["hire_rate", "committee"]
    br = table.attrs["base_rate"]
    closed = table["closed_form"]
    assert closed["precision"] == pytest.approx(taylor_russell(r, sr, br))
    assert closed["recall"] == pytest.approx(taylor_russell(r, sr, br) * sr / br)
    assert closed["mean_performance_of_hires"] == pytest.approx(naylor_shine(r, sr))
    sd_y = amex.truth.sd_y_dollars
    assert closed["dollars_per_year"] == pytest.approx(
        bcg_utility(3, 1, r, sd_y, sr, cost_per_applicant=100.0)
    )
    assert table.loc["dollars_per_year", "random"] == pytest.approx(-3 / sr * 100.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_quality_agrees_with_taylor_russell_for_top_down_selection(seed):
    """Without gates the committee selects top-down on a normal score: the closed forms hold."""
    process = linear_process()
    result = sim.simulate(process, n=20_000, rng=seed, keep="decisions")
    table = decision_quality(result)
    r = table.loc["validity", "committee"]
    sr = table.loc["hire_rate", "committee"]
    br = table.attrs["base_rate"]
    se_r, se_sr = table.loc["validity", "committee_se"], table.loc["hire_rate", "committee_se"]
    for metric, closed in (
        ("precision", lambda a, b: taylor_russell(a, b, br)),
        ("mean_performance_of_hires", naylor_shine),
    ):
        observed = table.loc[metric, "committee"]
        # The closed form is evaluated at estimated r and SR: propagate their error too.
        slope_r = (closed(r + 1e-4, sr) - closed(r - 1e-4, sr)) / 2e-4
        slope_sr = (closed(r, sr + 1e-4) - closed(r, sr - 1e-4)) / 2e-4
        se = math.hypot(
            table.loc[metric, "committee_se"], math.hypot(slope_r * se_r, slope_sr * se_sr)
        )
        assert abs(observed - table.loc[metric, "closed_form"]) < 5 * se, metric


def test_quality_rejects_bad_arguments(amex):
    result = sim.simulate(amex, n=200, rng=1, keep="decisions")
    with pytest.raises(sim.SpecError, match="n_hires"):
        decision_quality(result, n_hires=-1)
    with pytest.raises(sim.SpecError, match="cost_per_applicant"):
        decision_quality(result, cost_per_applicant=float("nan"))
    with pytest.raises(sim.SpecError, match="result"):
        decision_quality(np.zeros(3))


@pytest.mark.parametrize("rule", ["median", "majority", "discretion"])
def test_swing_under_other_rules_equals_resimulating(amex, rule):
    process = replace(amex, debrief=replace(amex.debrief, rule=rule))
    result = sim.simulate(process, n=2000, rng=11)
    table = decision_swing(result)
    weights = process.debrief.competency_weights
    debrief = replace(process.debrief, competency_weights={**weights, "leadership": 0.0})
    again = sim.simulate(replace(process, debrief=debrief), n=2000, rng=11)
    changed = (again.decision != result.decision)[result.reached].mean()
    assert table.loc["leadership", "changed_zeroed"] == pytest.approx(changed, abs=1e-12)
