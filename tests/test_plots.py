"""Plot builders: pure functions from analysis results to plotly Figures."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import sim
from sim import analysis

go = pytest.importorskip("plotly.graph_objects")
plots = pytest.importorskip("sim.plots")


@pytest.fixture(scope="module")
def profile_sway(amex, amex_profiles):
    return analysis.sway(amex, amex_profiles["impact_framer"])


@pytest.fixture(scope="module")
def pool_result(amex):
    return sim.simulate(amex, n=4000, rng=2)


def trace_types(fig) -> list[str]:
    return [trace.type for trace in fig.data]


@pytest.mark.parametrize("by", ["competency", "interviewer"])
def test_waterfall_steps_sum_to_the_aggregate(profile_sway, by):
    table = profile_sway.contributions
    fig = plots.contributions_figure(table, by=by)
    assert isinstance(fig, go.Figure)
    (trace,) = fig.data
    assert trace.type == "waterfall"
    assert trace.measure[0] == "absolute" and trace.measure[-1] == "total"
    threshold, *steps, _ = trace.y
    assert threshold == table.attrs["threshold"]
    assert threshold + sum(steps) == pytest.approx(table.attrs["aggregate_mean"], abs=1e-12)
    assert list(trace.x[1:-1]) == list(table[table.group == by]["name"])


def test_builders_do_not_mutate_their_input(profile_sway):
    table = profile_sway.contributions
    before = table.copy()
    plots.contributions_figure(table)
    pd.testing.assert_frame_equal(table, before)


def test_profile_figures(profile_sway):
    tips = plots.tipping_points_figure(profile_sway.tipping_points)
    assert trace_types(tips) == ["bar"]
    assert len(tips.data[0].y) == len(profile_sway.tipping_points)
    assert "none within the scale" in tips.data[0].text
    stability = plots.weight_stability_figure(profile_sway.weight_stability)
    assert trace_types(stability) == ["bar"]
    assert "Hire" in stability.layout.title.text
    framing = plots.framing_figure(profile_sway.framing)
    assert trace_types(framing) == ["bar", "bar", "bar"]
    np.testing.assert_allclose(
        framing.data[0].y, profile_sway.framing["hire_probability"].to_numpy()
    )


def test_pool_figures(amex, pool_result):
    swing = plots.decision_swing_figure(analysis.decision_swing(pool_result))
    assert trace_types(swing) == ["bar", "bar"]
    quality_table = analysis.decision_quality(pool_result)
    quality = plots.quality_figure(quality_table)
    assert {t.name for t in quality.data if t.showlegend is not False} == {
        "committee",
        "random selection",
        "closed form",
    }
    noise = plots.noise_audit_figure(analysis.noise_audit(amex, n=200, rng=1))
    assert trace_types(noise) == ["bar", "bar", "bar", "scatter"]
    assert list(noise.data[0].x) == [r.name for r in amex.rounds] + ["overall"]


@pytest.mark.parametrize("output", ["hire", "aggregate"])
@pytest.mark.parametrize("index", ["S1", "delta"])
def test_sensitivity_figure(amex, output, index):
    table = analysis.global_sensitivity(amex, n=2000, rng=1)
    fig = plots.sensitivity_figure(table, output=output, index=index)
    shown = sum(len(trace.y) for trace in fig.data)
    assert shown == len(table[(table.output == output) & (table.group != "reference")])
    with pytest.raises(sim.SpecError, match="output"):
        plots.sensitivity_figure(table, output="salary")


def test_reliability_figures(amex):
    reliability = plots.reliability_figure(analysis.panel_reliability(amex, n=300, rng=1))
    assert trace_types(reliability) == ["scatter", "scatter", "scatter"]
    assert list(reliability.data[0].x) == list(range(1, 9))
    icc = plots.icc_figure(analysis.panel_icc(amex, n=100, rng=1))
    assert len(icc.data[0].x) == 6
    selection = analysis.selection_check([0.19, 0.42], [0.1, 0.3, 0.5], 0.3, n=2000, rng=1)
    tr = plots.taylor_russell_figure(selection)
    assert len(tr.data) == 4  # a line and simulated points per validity


def test_score_distribution_counts_every_debriefed_candidate(pool_result):
    fig = plots.score_distribution_figure(pool_result, bins=30)
    assert trace_types(fig) == ["bar"] * 4
    total = sum(int(np.sum(trace.y)) for trace in fig.data)
    assert total == int(pool_result.reached.sum())
    hired = sum(int(np.sum(t.y)) for t in fig.data if t.name.startswith("hired"))
    assert hired == int(pool_result.hired.sum())
    # The threshold sits on a bin edge: no bar to its left holds a hire.
    threshold = pool_result.process.debrief.threshold
    for trace in fig.data:
        if trace.name.startswith("hired"):
            assert all(c == 0 for x, c in zip(trace.x, trace.y, strict=True) if x < threshold)


def test_builders_check_their_input(profile_sway):
    with pytest.raises(sim.SpecError, match="contributions"):
        plots.contributions_figure(pd.DataFrame({"x": [1]}))
    with pytest.raises(sim.SpecError, match="by"):
        plots.contributions_figure(profile_sway.contributions, by="round")
    with pytest.raises(sim.SpecError, match="result"):
        plots.score_distribution_figure(profile_sway.contributions)
    with pytest.raises(sim.SpecError, match="must be a pandas DataFrame"):
        plots.tipping_points_figure([1, 2])


def test_core_import_stays_light():
    """``import sim`` pulls in neither plotly nor the analysis layer."""
    code = (
        "import sys, sim; "
        "bad = [m for m in ('plotly', 'sim.plots', 'sim.analysis', 'SALib') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    code = "import sys, sim.analysis; print('plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
