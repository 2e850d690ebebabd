"""Sway on the scale without an exact law: Monte Carlo on common draws.

Anchoring, peeking and the other obstacles of :func:`sim.closed_form.exact_obstacle`
leave the committee's on-scale law without an exact form; tipping points, weight
stability and framing then use :class:`sim.analysis._sampled.SampledLaw` (4,000
common draws). The law is checked against the exact one where both exist, and
its tipping points against an independent Monte Carlo.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.analysis import framing_effect, tipping_points, weight_stability
from sim.analysis._sampled import DRAWS, SampledLaw
from sim.closed_form import exact_obstacle, written_laws
from sim.model import compile_model


@pytest.fixture(scope="module")
def amex():
    return sim.load_process("amex_ai_pm_2026")


@pytest.fixture(scope="module")
def profiles():
    return sim.load_profiles("amex_ai_pm_2026")


def test_sampled_law_agrees_with_the_exact_law(amex, profiles):
    """Where the exact law exists, the common draws estimate it within 4 SE (every profile)."""
    m = compile_model(amex)
    law = SampledLaw(amex)
    means = np.array([m.perceived_mean(p.theta(amex), p.framing) for p in profiles.values()])
    exact = written_laws(amex, means)["hire"]
    sampled = law.hire(means)
    se = np.sqrt(np.maximum(exact * (1 - exact), 1e-4) / DRAWS)
    assert np.all(np.abs(sampled - exact) <= 4 * se), (sampled, exact)


def test_sampled_law_is_deterministic(amex, profiles):
    m = compile_model(amex)
    mean = m.perceived_mean(profiles["impact_framer"].theta(amex), 0.0)
    assert SampledLaw(amex).hire(mean)[0] == SampledLaw(amex).hire(mean)[0]


@pytest.mark.parametrize(
    "change", [{"anchoring": 0.3}, {"peeking": 0.3}, {"rule": "median"}], ids=str
)
def test_tipping_points_without_an_exact_law(amex, profiles, change):
    process = replace(amex, debrief=replace(amex.debrief, **change))
    assert exact_obstacle(process) is not None
    for profile in profiles.values():  # the first profile with a tipping point on the scale
        tips = tipping_points(process, profile)
        assert tips.attrs["method"] == "monte carlo" and tips.attrs["draws"] == DRAWS
        found = tips.dropna(subset=["tipping_level"])
        if len(found):
            break
    assert len(found) >= 1
    for name, row in found.head(3).iterrows():
        moved = profile.with_levels(**{name: float(row["tipping_level"])})
        p = sim.hire_probability(process, moved, rng=5)
        assert p.method == "monte_carlo"
        # The crossing of the common-draw curve, seen by an independent 200,000-draw run.
        tolerance = 4 * math.hypot(0.5 / math.sqrt(DRAWS), p.error)
        assert abs(p.hire - 0.5) <= tolerance, (name, p.hire)


def test_weight_stability_and_framing_without_an_exact_law(amex, profiles):
    process = replace(amex, debrief=replace(amex.debrief, anchoring=0.3))
    profile = profiles["impact_framer"]
    table = framing_effect(process, profile)
    given = table.loc["as given", "hire_probability"]
    p = sim.hire_probability(process, profile, rng=5)
    assert abs(given - p.hire) <= 4 * math.hypot(0.5 / math.sqrt(DRAWS), p.error)
    stability = weight_stability(process, profile)
    hired_now = given >= 0.5
    for _, row in stability.dropna(subset=["flips_above"]).iterrows():
        key = "competency_weights" if row["group"] == "competency" else "interviewer_weights"
        weights = dict(getattr(process.debrief, key)) | {row["name"]: row["flips_above"] * 1.05}
        outside = replace(process, debrief=replace(process.debrief, **{key: weights}))
        law = SampledLaw(process)
        mean = compile_model(process).perceived_mean(profile.theta(process), profile.framing)
        assert (law.hire(mean, outside)[0] >= 0.5) != hired_now


def test_what_if_explorer_serves_a_committee_without_an_exact_law(amex):
    widgets = pytest.importorskip("sim.widgets")
    process = replace(amex, debrief=replace(amex.debrief, anchoring=0.3))
    explorer = widgets.WhatIfExplorer(process)
    assert explorer.error == ""
    assert explorer.probability.method == "monte_carlo"
    assert explorer.tipping.attrs["method"] == "monte carlo"
    explorer.controls["levels.dollar_impact"].value = 8.0
    assert explorer.error == ""


def test_a_lattice_too_large_to_search_uses_common_draws(amex, profiles, monkeypatch):
    """Over SWAY_LATTICE points (a calibrated committee's two-decimal weights) sway samples."""
    from sim.analysis import _candidate as module
    from sim.closed_form.lattice import lattice_points

    profile = profiles["impact_framer"]
    assert tipping_points(amex, profile).attrs["method"] == "exact"
    monkeypatch.setattr(module, "SWAY_LATTICE", lattice_points(amex) - 1)
    tips = tipping_points(amex, profile)
    assert tips.attrs["method"] == "monte carlo"
    # the exact probability is still what sim.hire_probability reports
    assert sim.hire_probability(amex, profile).method == "exact"
