"""One derivation of every quantity: every contributions answer is the same answer.

``sim.contributions``, ``sim.analysis.contribution_waterfall`` (both groups) and
``sim.analysis.sway`` all split the rule's expected score minus the threshold, so
each must sum to ``hire_probability(...).aggregate_mean - threshold`` for every
debrief the closed form solves exactly: weighted mean, trimmed mean without
trim, veto, consensus and discretion (self weight and bias), with anchoring,
senior pull, peeking and a random speaking order.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from helpers import latent

import sim
from sim import analysis
from sim.closed_form import MIXTURE_LIMIT, expected_score_weights, gaussian_decisions
from sim.model import aggregate_weights, compile_model, view_weights
from sim.rules import debrief_plan, default_manager

# This module is about the latent Gaussian model (issue 10: presets aggregate what is written).
pytestmark = pytest.mark.usefixtures("latent_presets")


@pytest.fixture(scope="session")
def amex() -> sim.Process:
    return latent(sim.io.load_process("amex_ai_pm_2026"))


@pytest.fixture(scope="session")
def amazon() -> sim.Process:
    return latent(sim.io.load_process("amazon_style_loop"))


PRESETS = ("amex_ai_pm_2026", "amazon_style_loop", "google_style_committee")
RULES = ("weighted_mean", "trimmed_mean", "veto", "consensus", "discretion")
DYNAMICS = {
    "plain": {},
    "anchoring": {"anchoring": 0.4, "senior_pull": 0.5},
    "peeking": {"peeking": 0.3},
    "random order": {"anchoring": 0.3, "speaking_order": "random"},
    "written first": {"anchoring": 0.6, "protocol": "written_first", "hold_band": 0.2},
}


def variant(name: str, rule: str, dynamics: dict) -> sim.Process | None:
    process = latent(sim.load_process(name))
    d = process.debrief
    changes: dict = {"rule": rule, **dynamics}
    manager = default_manager(process)
    if rule == "trimmed_mean":
        changes["trim"] = 0.0
    if rule == "veto" and not d.veto:
        if manager is None:
            return None
        changes["veto"] = (manager,)
    if rule == "discretion":
        if manager is None:
            return None
        changes.update(hiring_manager=manager, manager_self_weight=0.5, manager_bias=0.3)
    return replace(process, debrief=replace(d, **changes))


def cases() -> list[tuple[str, str, str]]:
    return [(p, r, k) for p in PRESETS for r in RULES for k in DYNAMICS]


@pytest.mark.parametrize(("preset", "rule", "dynamics"), cases())
def test_every_contributions_answer_is_the_exact_expected_score(
    preset: str, rule: str, dynamics: str
) -> None:
    process = variant(preset, rule, DYNAMICS[dynamics])
    if process is None:
        pytest.skip(f"{preset} has no hiring manager for rule {rule}")
    plan = debrief_plan(process)
    if dynamics == "random order" and plan.n_speakers > MIXTURE_LIMIT:
        pytest.skip("the exact mixture averages over at most 6! speaking orders")
    threshold = process.debrief.threshold
    columns = max(part.weights.shape[1] for _, part in gaussian_decisions(process))
    profiles = list(sim.load_profiles(preset).items())
    if dynamics == "random order":
        if columns > 3:
            pytest.skip("Genz over Q! orders of many veto columns takes minutes")
        profiles = profiles[:2]  # each exact answer averages Q! Gaussian components
    for i, (name, profile) in enumerate(profiles):
        exact = sim.hire_probability(process, profile)
        gap = exact.aggregate_mean - threshold
        table = sim.contributions(process, profile)
        assert table["contribution"].sum() == pytest.approx(gap, abs=1e-10), name
        waterfall = analysis.contribution_waterfall(process, profile)
        assert waterfall.attrs["aggregate_mean"] == pytest.approx(exact.aggregate_mean, abs=1e-10)
        sums = waterfall.groupby("group")["contribution"].sum()
        assert np.allclose(sums, gap, rtol=0, atol=1e-10), (name, sums.to_dict(), gap)
        # The waterfall's competency rows are the contributions table, row for row.
        rows = waterfall[waterfall["group"] == "competency"].set_index("name")
        assert np.allclose(rows["contribution"], table.loc[rows.index, "contribution"], atol=1e-12)
        # sway's closed form handles up to three decision columns; over a random order it
        # averages 120 orders per point of its grids (slow), so it is checked on fixed orders.
        if i == 0 and columns <= 3 and process.debrief.speaking_order != "random":
            result = analysis.sway(process, profile)
            assert result.probability.aggregate_mean == pytest.approx(exact.aggregate_mean)
            given = result.framing.loc["as given", "aggregate_mean"]
            assert given == pytest.approx(exact.aggregate_mean, abs=1e-10)


def test_discretion_with_self_weight_and_bias_regression(amex: sim.Process) -> None:
    """The case where two public answers disagreed: 0.541 points, both of them."""
    d = amex.debrief
    process = replace(
        amex,
        debrief=replace(
            d,
            rule="discretion",
            hiring_manager="hiring_manager",
            manager_self_weight=0.5,
            manager_bias=0.3,
        ),
    )
    profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    exact = sim.hire_probability(process, profile)
    assert exact.aggregate_mean == pytest.approx(7.741, abs=5e-4)
    assert sim.contributions(process, profile)["contribution"].sum() == pytest.approx(
        0.541, abs=5e-4
    )
    waterfall = analysis.contribution_waterfall(process, profile)
    for group, total in waterfall.groupby("group")["contribution"].sum().items():
        assert total == pytest.approx(0.541, abs=5e-4), group
    bias = waterfall[waterfall["name"] == "manager_bias"]
    assert list(bias["group"]) == ["competency", "interviewer"]
    assert np.allclose(bias["contribution"], 0.3)


@pytest.mark.parametrize("preset", PRESETS)
def test_weights_have_one_derivation(preset: str) -> None:
    """The model, the debrief plan and the analyses' batch path derive weights alike."""
    process = latent(sim.load_process(preset))
    m = compile_model(process)
    plan = debrief_plan(process)
    # Raw defaults come from the spec: 0 for an unlisted competency, 1 for an interviewer.
    d = process.debrief
    assert m.competency_weights.tolist() == [
        d.competency_weights.get(c, 0.0) for c in process.competency_names
    ]
    assert m.interviewer_weights.tolist() == [
        d.interviewer_weights.get(p, 1.0) for p in process.interviewer_names
    ]
    assert np.array_equal(
        m.aggregate_weights, aggregate_weights(m, m.competency_weights, m.interviewer_weights)
    )
    assert np.array_equal(
        plan.speaker_view,
        view_weights(m, m.competency_weights, plan.slot_speaker, plan.n_speakers),
    )
    # A batch of modified weights gives, row by row, what one process at a time gives.
    rng = np.random.default_rng(7)
    comp = m.competency_weights * rng.uniform(0.5, 2.0, (5, m.n_competencies))
    batch = aggregate_weights(m, comp, m.interviewer_weights)
    for row, weights in zip(batch, comp, strict=True):
        table = dict(zip(process.competency_names, weights.tolist(), strict=True))
        changed = replace(process, debrief=replace(d, competency_weights=table))
        assert np.allclose(row, compile_model(changed).aggregate_weights, rtol=0, atol=1e-15)
    # Plain debrief: the expected score is the aggregate.
    weights, shift = expected_score_weights(process)
    if not d.anchoring and not d.peeking and d.rule != "discretion":
        assert np.array_equal(weights, m.aggregate_weights) and shift == 0.0
