"""Sway of one profile: exact waterfall, tipping points, weight stability, framing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from helpers import latent
from scipy import stats

import sim
from sim.analysis import (
    NONE_WITHIN_SCALE,
    contribution_waterfall,
    framing_effect,
    sway,
    tipping_points,
    weight_stability,
)
from sim.analysis._linear import debrief_weights
from sim.closed_form import orthant_batch
from sim.debrief import gaussian_decisions
from sim.model import compile_model

# This module is about the latent Gaussian model (issue 10: presets aggregate what is written).
pytestmark = pytest.mark.usefixtures("latent_presets")


@pytest.fixture(scope="session")
def amex() -> sim.Process:
    return latent(sim.io.load_process("amex_ai_pm_2026"))


@pytest.fixture(scope="session")
def amazon() -> sim.Process:
    return latent(sim.io.load_process("amazon_style_loop"))


PRESETS = ("amex_ai_pm_2026", "amazon_style_loop")


def all_profiles():
    for preset in PRESETS:
        process = latent(sim.load_process(preset))
        for name, profile in sim.load_profiles(preset, process=process).items():
            yield pytest.param(process, profile, id=f"{preset}:{name}")


def tolerance(process: sim.Process) -> float:
    """Owen's T is exact; with a veto (3 scores) sim.hire_probability uses Genz (~1e-6)."""
    return 1e-9 if gaussian_decisions(process)[0][1].weights.shape[1] <= 2 else 1e-5


def with_weights(process: sim.Process, competency=None, interviewer=None) -> sim.Process:
    debrief = process.debrief
    return replace(
        process,
        debrief=replace(
            debrief,
            competency_weights={**debrief.competency_weights, **(competency or {})},
            interviewer_weights={**debrief.interviewer_weights, **(interviewer or {})},
        ),
    )


# --------------------------------------------------------------------------- waterfall
@pytest.mark.parametrize(("process", "profile"), list(all_profiles()))
def test_waterfall_sums_exactly_to_aggregate_minus_threshold(process, profile):
    table = contribution_waterfall(process, profile)
    exact = sim.hire_probability(process, profile)
    gap = exact.aggregate_mean - process.debrief.threshold
    assert table.attrs["threshold"] == process.debrief.threshold
    assert table.attrs["aggregate_mean"] == pytest.approx(exact.aggregate_mean, abs=1e-12)
    for group in ("competency", "interviewer"):
        rows = table[table["group"] == group]
        assert rows["contribution"].sum() == pytest.approx(gap, abs=1e-12)
        assert rows["weight"].sum() == pytest.approx(1.0, abs=1e-12)
        parts = rows[["level", "leniency", "halo", "framing"]].sum(axis=1)
        np.testing.assert_allclose(parts, rows["contribution"], atol=1e-12)


@pytest.mark.parametrize(("process", "profile"), list(all_profiles()))
def test_competency_waterfall_matches_core_contributions(process, profile):
    ours = contribution_waterfall(process, profile)
    ours = ours[ours["group"] == "competency"].set_index("name")
    core = sim.contributions(process, profile)
    np.testing.assert_allclose(ours.loc[core.index, "contribution"], core["contribution"])
    np.testing.assert_allclose(ours.loc[core.index, "expected_view"], core["expected_view"])


def test_waterfall_parts_name_their_source(amex, amex_profiles):
    """Framing part vanishes at framing 0; leniency part vanishes with lenient-free raters."""
    profile = replace(amex_profiles["impact_framer"], framing=0.0)
    table = contribution_waterfall(amex, profile)
    assert np.abs(table["framing"]).max() == 0.0
    fair = replace(amex, interviewers=tuple(replace(p, leniency=0.0) for p in amex.interviewers))
    assert np.abs(contribution_waterfall(fair, profile)["leniency"]).max() == 0.0


# --------------------------------------------------------------------------- internals
@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("preset", PRESETS)
def test_debrief_weights_match_the_core_decision(preset, seed):
    process = latent(sim.load_process(preset))
    rng = np.random.default_rng(seed)
    names, people_names = process.competency_names, process.interviewer_names
    comp = dict(zip(names, rng.uniform(0, 3, len(names)).tolist(), strict=True))
    comp[process.competency_names[seed % len(comp)]] = 0.0  # a zero weight too
    people = dict(zip(people_names, rng.uniform(0, 2, len(people_names)).tolist(), strict=True))
    changed = with_weights(process, comp, people)
    got = debrief_weights(
        compile_model(process),
        np.array([comp[c] for c in process.competency_names]),
        np.array([people[p] for p in process.interviewer_names]),
    )[0]
    np.testing.assert_allclose(got, gaussian_decisions(changed)[0][1].weights, atol=1e-14)


@pytest.mark.parametrize("seed", range(20))
def test_three_dimensional_orthant_matches_genz(seed):
    rng = np.random.default_rng(seed)
    loading = rng.normal(size=(3, 5))
    cov = loading @ loading.T + 0.1 * np.eye(3)
    mean = rng.normal(size=3)
    lower = rng.normal(size=3)
    got = orthant_batch(mean[None], cov[None], lower)[0]
    sd = np.sqrt(np.diag(cov))
    want = stats.multivariate_normal(np.zeros(3), cov / np.outer(sd, sd)).cdf(
        (mean - lower) / sd, rng=0
    )
    assert got == pytest.approx(want, abs=1e-5)  # Genz's own error is ~1e-6


# --------------------------------------------------------------------------- tipping points
@pytest.mark.parametrize(("process", "profile"), list(all_profiles()))
def test_tipping_levels_give_fifty_percent(process, profile):
    table = tipping_points(process, profile)
    scale = process.scale
    for name, row in table.iterrows():
        if row["status"] in (NONE_WITHIN_SCALE, "no effect"):
            assert np.isnan(row["tipping_level"])
            continue
        moved = profile.with_levels(**{name: row["tipping_level"]})
        assert sim.hire_probability(process, moved).hire == pytest.approx(
            0.5, abs=tolerance(process)
        )
        assert scale.min <= row["tipping_level"] <= scale.max
        assert row["change"] == pytest.approx(row["tipping_level"] - row["level"])


@pytest.mark.parametrize(("process", "profile"), list(all_profiles()))
def test_none_within_scale_means_no_crossing(process, profile):
    table = tipping_points(process, profile)
    scale = process.scale
    for name in table.index[table["status"] == NONE_WITHIN_SCALE]:
        grid = np.linspace(scale.min, scale.max, 15)
        probs = [
            sim.hire_probability(process, profile.with_levels(**{name: x})).hire for x in grid
        ]
        assert all(p < 0.5 for p in probs) or all(p >= 0.5 for p in probs), name


def test_tipping_point_target_is_validated(amex, amex_profiles):
    with pytest.raises(sim.SpecError, match="target"):
        tipping_points(amex, amex_profiles["impact_framer"], target=1.5)


# --------------------------------------------------------------------------- weight stability
@pytest.mark.parametrize(("process", "profile"), list(all_profiles()))
def test_decision_flips_exactly_at_reported_weights(process, profile):
    table = weight_stability(process, profile)
    hired_now = sim.hire_probability(process, profile).hire >= 0.5
    assert set(table["decision"]) == {"Hire" if hired_now else "No Hire"}
    for _, row in table.iterrows():
        key = "competency" if row["group"] == "competency" else "interviewer"
        for column, step in (("flips_below", -1), ("flips_above", +1)):
            flip = row[column]
            if np.isnan(flip):
                continue
            eps = 1e-4 * max(flip, 1e-3)
            inside = with_weights(process, **{key: {row["name"]: flip - step * eps}})
            outside = with_weights(process, **{key: {row["name"]: flip + step * eps}})
            assert (sim.hire_probability(inside, profile).hire >= 0.5) == hired_now
            assert (sim.hire_probability(outside, profile).hire >= 0.5) != hired_now


def test_never_flipping_weight_is_stable_over_its_range(amex, amex_profiles):
    profile = amex_profiles["impact_framer"]
    table = weight_stability(amex, profile).set_index("name")
    row = table.loc["dollar_impact"]
    assert np.isnan(row["flips_below"]) and np.isnan(row["flips_above"])
    for weight in (0.0, 0.3, 30.0, 3000.0):
        changed = with_weights(amex, {"dollar_impact": weight})
        assert sim.hire_probability(changed, profile).hire >= 0.5


# --------------------------------------------------------------------------- framing
@pytest.mark.parametrize(("process", "profile"), list(all_profiles()))
def test_framing_rows_match_the_closed_form(process, profile):
    table = framing_effect(process, profile)
    for scenario, phi in (("framing -1", -1.0), ("framing +1", 1.0)):
        reframed = replace(profile, framing=phi)
        want = sim.hire_probability(process, reframed)
        got = table.loc[scenario, "hire_probability"]
        assert got == pytest.approx(want.hire, abs=tolerance(process))
        assert table.loc[scenario, "aggregate_mean"] == pytest.approx(want.aggregate_mean)
        views = sim.contributions(process, reframed)["expected_view"]
        np.testing.assert_allclose(table.loc[scenario, views.index].astype(float), views)


def test_article_story_eight_versus_four(amex, amex_profiles):
    """Same facts: strategic alignment reads about 8/10 framed as impact, 4/10 as internals."""
    table = framing_effect(amex, amex_profiles["impact_framer"])
    assert table.loc["framing +1", "strategic_alignment"] == pytest.approx(8.0, abs=0.5)
    assert table.loc["framing -1", "strategic_alignment"] == pytest.approx(4.0, abs=0.5)
    assert (
        table.loc["framing +1", "hire_probability"] > table.loc["framing -1", "hire_probability"]
    )


# --------------------------------------------------------------------------- bundle and errors
def test_sway_bundles_everything(amex, amex_profiles):
    result = sway(amex, amex_profiles["balanced_strong"])
    data = result.to_dict()
    assert data["profile"] == "balanced_strong"
    assert data["hire_probability"] == result.probability.hire
    assert len(data["contributions"]) == len(result.contributions)
    assert {"tipping_points", "weight_stability", "framing"} <= set(data)


def test_bad_arguments_name_the_argument(amex, amex_profiles):
    with pytest.raises(sim.SpecError, match="profile"):
        sway(amex, "impact_framer")
    with pytest.raises(sim.SpecError, match="process"):
        sway("amex", amex_profiles["impact_framer"])
    unknown = amex_profiles["impact_framer"].with_levels(charisma=5.0)
    with pytest.raises(sim.SpecError, match="charisma"):
        sway(amex, unknown)


# --------------------------------------------------------------------------- other debriefs
def debrief_variants(amex):
    yield "anchoring", replace(amex.debrief, anchoring=0.4, speaking_order="seniority")
    yield "peeking", replace(amex.debrief, peeking=0.3)
    yield "discretion", replace(amex.debrief, rule="discretion")


@pytest.mark.parametrize("variant", ["anchoring", "peeking", "discretion"])
def test_sway_follows_the_core_closed_form_for_other_debriefs(amex, amex_profiles, variant):
    debrief = dict(debrief_variants(amex))[variant]
    process = replace(amex, debrief=debrief)
    profile = amex_profiles["high_impact_negotiator"]
    result = sway(process, profile)
    exact = sim.hire_probability(process, profile)
    given = result.framing.loc["as given", "hire_probability"]
    assert given == pytest.approx(exact.hire, abs=tolerance(process))
    core = sim.contributions(process, profile)["contribution"]
    ours = result.contributions.set_index("name")
    np.testing.assert_allclose(ours.loc[core.index, "contribution"], core, atol=1e-12)
    for name, row in result.tipping_points.iterrows():
        if not np.isnan(row["tipping_level"]):
            moved = profile.with_levels(**{name: row["tipping_level"]})
            assert sim.hire_probability(process, moved).hire == pytest.approx(0.5, abs=1e-7)
    hired_now = exact.hire >= 0.5
    for _, row in result.weight_stability.iterrows():
        key = "competency" if row["group"] == "competency" else "interviewer"
        flip = row["flips_above"]
        if np.isnan(flip):
            continue
        outside = with_weights(process, **{key: {row["name"]: flip * 1.001}})
        assert (sim.hire_probability(outside, profile).hire >= 0.5) != hired_now


def test_random_speaking_order_is_a_mixture_of_orders(amex, amex_profiles):
    """Anchoring with a random order: the closed form averages over all 120 orders."""
    process = replace(amex, debrief=replace(amex.debrief, anchoring=0.3, speaking_order="random"))
    profile = amex_profiles["high_impact_negotiator"]
    table = framing_effect(process, profile)
    exact = sim.hire_probability(process, profile).hire
    assert table.loc["as given", "hire_probability"] == pytest.approx(exact, abs=1e-9)
    tips = tipping_points(process, profile)
    level = tips.loc["dollar_impact", "tipping_level"]
    moved = profile.with_levels(dollar_impact=level)
    assert sim.hire_probability(process, moved).hire == pytest.approx(0.5, abs=1e-7)


def test_debriefs_without_a_fast_closed_form_are_refused(amex, amex_profiles):
    profile = amex_profiles["impact_framer"]
    median = replace(amex, debrief=replace(amex.debrief, rule="median"))
    with pytest.raises(sim.SpecError, match=r"debrief\.rule"):
        sway(median, profile)
    consensus = replace(amex, debrief=replace(amex.debrief, rule="consensus"))
    with pytest.raises(sim.SpecError, match="decision scores"):
        tipping_points(consensus, profile)


# --------------------------------------------------------------------------- review fixes
def bar_raiser_seated_twice(amazon: sim.Process) -> sim.Process:
    """The bar raiser (veto holder) also sits in the peer technical round."""
    rounds = tuple(
        replace(r, interviewers=(*r.interviewers, "bar_raiser"))
        if r.name == "peer_technical"
        else r
        for r in amazon.rounds
    )
    return replace(amazon, rounds=rounds)


def test_fast_path_has_one_veto_view_per_holder_not_per_seat(amazon):
    process = bar_raiser_seated_twice(amazon)
    core = gaussian_decisions(process)
    assert len(core) == 1 and core[0][1].weights.shape[1] == 3  # gate, bar raiser, aggregate
    comp = np.array(
        [process.debrief.competency_weights.get(c, 0.0) for c in process.competency_names]
    )
    people = np.array(
        [process.debrief.interviewer_weights.get(p, 1.0) for p in process.interviewer_names]
    )
    fast = debrief_weights(compile_model(process), comp, people)[0]
    np.testing.assert_allclose(fast, core[0][1].weights, rtol=0, atol=1e-14)
    profile = sim.load_profiles("amazon_style_loop", process=amazon)["loved_by_team"]
    table = weight_stability(process, profile)
    hired_now = sim.hire_probability(process, profile).hire >= 0.5
    for _, row in table.iterrows():
        key = "competency" if row["group"] == "competency" else "interviewer"
        flip = row["flips_above"]
        if not np.isnan(flip):
            outside = with_weights(process, **{key: {row["name"]: flip * 1.001}})
            assert (sim.hire_probability(outside, profile).hire >= 0.5) != hired_now
