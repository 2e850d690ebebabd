"""Noise audit: level, stable pattern and occasion noise against the spec's variances."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.analysis import noise_audit
from sim.analysis.noise import COMPONENTS

# The SE comes from 50 batches (a t distribution with 49 degrees of freedom):
# P(|t| > 6) is about 2e-7 per comparison, so 600 comparisons stay far below 1e-3.
TOLERANCE_SE = 6


@pytest.mark.parametrize("seed", range(20))
def test_audit_recovers_the_spec_variances(seed, amex):
    table = noise_audit(amex, n=600, occasions=2, rng=seed)
    gap = (table["variance"] - table["expected"]).abs()
    bad = table[gap > TOLERANCE_SE * table["se"]]
    assert bad.empty, bad


@pytest.mark.parametrize("seed", range(5))
def test_audit_identities_hold_exactly(seed, amazon):
    table = noise_audit(amazon, n=300, occasions=3, rng=seed)
    wide = table.pivot(index="scope", columns="component", values="variance")
    np.testing.assert_allclose(wide["system"], wide["level"] + wide["pattern"], rtol=1e-12)
    np.testing.assert_allclose(
        wide["pattern"], wide["stable_pattern"] + wide["occasion"], rtol=1e-12
    )
    rounds = [r.name for r in amazon.rounds]
    np.testing.assert_allclose(wide.loc["overall"], wide.loc[rounds].mean(), rtol=1e-12)
    expected = table.pivot(index="scope", columns="component", values="expected")
    np.testing.assert_allclose(
        expected["system"], expected["level"] + expected["stable_pattern"] + expected["occasion"]
    )
    shares = table[table.component == "system"]["share"]
    assert (shares == 1).all()


def test_table_layout(amex):
    table = noise_audit(amex, n=200, rng=1)
    scopes = [r.name for r in amex.rounds] + ["overall"]
    assert list(table["scope"].unique()) == scopes
    assert list(table["component"].unique()) == list(COMPONENTS)
    assert np.allclose(table["sd"] ** 2, table["variance"].clip(lower=0))
    assert table.attrs == {"n": 200, "occasions": 2, "judges": len(amex.interviewers)}


@pytest.mark.parametrize("seed", range(10))
def test_identical_judges_have_no_level_or_stable_pattern_noise(seed, amex):
    """Same leniency, halo and framing sensitivity: only occasion noise is left."""
    alike = tuple(
        replace(p, leniency=0.2, halo=0.3, framing_sensitivity=1.0) for p in amex.interviewers
    )
    table = noise_audit(replace(amex, interviewers=alike), n=600, rng=seed)
    table = table.set_index(["scope", "component"])
    for scope in ("product_sense", "overall"):
        for component in ("level", "stable_pattern"):
            row = table.loc[(scope, component)]
            assert row["expected"] == pytest.approx(0.0, abs=1e-15)
            assert abs(row["variance"]) < TOLERANCE_SE * row["se"]


def test_level_noise_is_the_spread_of_leniency(amex):
    """With a pool average at 0 and no framing, level noise is the variance of leniency."""
    table = noise_audit(replace(amex, pool=replace(amex.pool, framing_mean=0.0)), n=200, rng=1)
    level = table[(table.component == "level")]["expected"]
    leniency = np.var([p.leniency for p in amex.interviewers])
    np.testing.assert_allclose(level, leniency * amex.scale.points_per_sd**2)


def test_one_occasion_cannot_separate_occasion_noise(amex):
    table = noise_audit(amex, n=200, occasions=1, rng=1)
    split = table[table.component.isin(["stable_pattern", "occasion"])]
    assert split["variance"].isna().all()
    assert table[table.component == "system"]["variance"].notna().all()


def test_bad_arguments(amex):
    with pytest.raises(sim.SpecError, match="n"):
        noise_audit(amex, n=10)
    with pytest.raises(sim.SpecError, match="occasions"):
        noise_audit(amex, occasions=0)
    with pytest.raises(sim.SpecError, match="process"):
        noise_audit("amex")
    solo = replace(
        amex,
        interviewers=(amex.interviewers[0],),
        rounds=tuple(replace(r, interviewers=(amex.interviewers[0].name,)) for r in amex.rounds),
        debrief=replace(amex.debrief, interviewer_weights={}),
    )
    with pytest.raises(sim.SpecError, match="two interviewers"):
        noise_audit(solo)
