"""Explorers driven from Python: every number and every plotted value equals the API's.

Each explorer is built, moved through several states (through ``set_state``
and through its controls, the path a browser takes), and after each move its
read-outs and its figure's data are compared with what the core, analysis and
plot-builder functions give for the same state.
"""

from __future__ import annotations

import html
import math
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

import sim
from sim import plots
from sim.analysis import (
    contribution_waterfall,
    decision_quality,
    decision_swing,
    panel_reliability,
    tipping_points,
)
from sim.debrief import debrief_transcript, transcript_text, with_rule
from sim.spec import RULES
from sim.widgets import DebriefRoom, PanelDesigner, WeightExplorer, WhatIfExplorer
from sim.widgets import _base as explorer_base
from sim.widgets.panel import with_panels

N = 3000
SEED = 11


def same_metrics(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        (math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a
    )


def plotted(figure, start: int, stop: int, attr: str) -> list[np.ndarray]:
    """One attribute of traces ``start:stop`` of an explorer's FigureWidget."""
    return [np.asarray(getattr(t, attr), dtype=float) for t in figure.data[start:stop]]


def builder_values(figure, attr: str) -> list[np.ndarray]:
    return [np.asarray(getattr(t, attr), dtype=float) for t in figure.data]


def assert_arrays_equal(got: list[np.ndarray], want: list[np.ndarray]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=0, atol=1e-12, equal_nan=True)


# --------------------------------------------------------------------------- weight explorer
@pytest.fixture(scope="module")
def weights(amex: sim.Process) -> WeightExplorer:
    return WeightExplorer(amex, n=N, rng=SEED)


def check_weights(explorer: WeightExplorer) -> None:
    """Read-outs and figure of ``explorer`` equal a fresh simulation of its process."""
    api = sim.simulate(explorer.current_process, n=explorer.n, rng=explorer.seed)
    assert same_metrics(explorer.metrics, api.summary())
    assert np.array_equal(explorer.result.decision, api.decision)
    distribution = plots.score_distribution_figure(api, bins=explorer.bins)
    k = len(distribution.data)
    assert_arrays_equal(plotted(explorer.figure, 0, k, "y"), builder_values(distribution, "y"))
    assert_arrays_equal(plotted(explorer.figure, 0, k, "x"), builder_values(distribution, "x"))
    swing = plots.decision_swing_figure(decision_swing(api), titles=explorer.process)
    got = plotted(explorer.figure, k, k + len(swing.data), "x")
    assert_arrays_equal(got, builder_values(swing, "x"))
    threshold = explorer.current_process.debrief.threshold
    lines = [s for s in explorer.figure.layout.shapes if s.type == "line"]
    assert any(s.x0 == threshold for s in lines)
    assert f'data-value="{api.summary()["hire_rate"]!r}"' in explorer._readout_box.value


def test_weight_explorer_starts_at_the_process(weights, amex):
    assert weights.state["threshold"] == amex.debrief.threshold
    assert weights.state["weights"] == dict(amex.debrief.competency_weights)
    assert weights.state["rule"] == amex.debrief.rule
    check_weights(weights)


@pytest.mark.parametrize(
    "changes",
    [
        {"threshold": 6.8},
        {"weights": {"technical_depth": 4.0, "dollar_impact": 0.5}},
        {"anchoring": 0.4},
        {"noise": 1.6},
        {"rule": "majority"},
        {"rule": "veto", "threshold": 7.0},
        {"noise": 0.5, "weights": {"leadership": 6.0}},
    ],
    ids=lambda c: "-".join(c),
)
def test_weight_explorer_follows_the_api(weights, changes):
    weights.set_state(**changes)
    for key, value in changes.items():
        if key == "weights":
            assert {k: weights.state["weights"][k] for k in value} == value
        else:
            assert weights.state[key] == value
    check_weights(weights)


def test_every_rule_matches_a_fresh_simulation(amex):
    explorer = WeightExplorer(amex, n=1000, rng=3)
    for rule in RULES:
        explorer.set_state(rule=rule)
        variant, _ = with_rule(amex, rule)
        assert explorer.current_process.debrief.rule == variant.debrief.rule
        api = sim.simulate(explorer.current_process, n=1000, rng=explorer.seed)
        assert same_metrics(explorer.metrics, api.summary()), rule


def test_moving_a_slider_is_the_same_as_set_state(amex):
    by_control = WeightExplorer(amex, n=N, rng=SEED)
    by_state = WeightExplorer(amex, n=N, rng=SEED)
    by_control.controls["threshold"].value = 6.9
    by_control.controls["weights.risk_awareness"].value = 0.3
    by_state.set_state(threshold=6.9, weights={"risk_awareness": 0.3})
    assert by_control.state == by_state.state
    assert same_metrics(by_control.metrics, by_state.metrics)
    check_weights(by_control)


def test_common_random_numbers_make_a_weight_change_pure_sensitivity(amex):
    explorer = WeightExplorer(amex, n=N, rng=SEED)
    before = explorer.result
    explorer.set_state(weights={"motivation": 0.6})
    after = explorer.result
    # Same candidates and ratings: performance and ratings are identical, only decisions move.
    assert np.array_equal(before.performance, after.performance)
    assert np.array_equal(before.perceived, after.perceived, equal_nan=True)


def test_bad_settings_raise_and_leave_the_state(amex):
    explorer = WeightExplorer(amex, n=500, rng=1)
    state = explorer.state
    for changes, path in (
        ({"threshold": 11.0}, "threshold"),
        ({"weights": {"no_such": 1.0}}, "weights.no_such"),
        ({"rule": "dice"}, "rule"),
        ({"speed": 2}, "speed"),
        ({"weights": {name: 0.0 for name in state["weights"]}}, "competency_weights"),
    ):
        with pytest.raises(sim.SpecError, match=path):
            explorer.set_state(**changes)
        assert explorer.state == state
    with pytest.raises(sim.SpecError, match="n"):
        WeightExplorer(amex, n=10)


def test_a_setting_the_spec_rejects_shows_an_error_in_the_page(amex):
    explorer = WeightExplorer(amex, n=500, rng=1)
    data = [np.asarray(t.y).copy() for t in explorer.figure.data]
    names = list(explorer.state["weights"])
    with explorer._quietly():
        for name in names[1:]:
            explorer.controls[f"weights.{name}"].value = 0.0
    explorer.controls[f"weights.{names[0]}"].value = 0.0  # every weight zero: invalid
    assert "weights" in explorer.error
    assert "weights" in explorer._status.value
    assert all(np.array_equal(a, t.y) for a, t in zip(data, explorer.figure.data, strict=True))
    explorer.controls[f"weights.{names[0]}"].value = 1.0
    assert explorer.error == ""
    check_weights(explorer)


def test_the_explorer_displays_as_one_widget(weights):
    import ipywidgets

    assert isinstance(weights.widget, ipywidgets.Box)
    bundle = weights._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


# --------------------------------------------------------------------------- what-if explorer
@pytest.fixture(scope="module")
def what_if(amex: sim.Process) -> WhatIfExplorer:
    return WhatIfExplorer(amex, mc_n=800, rng=SEED)


def check_what_if(explorer: WhatIfExplorer, process: sim.Process, profile: sim.Profile) -> None:
    """Read-outs, figure and transcript equal the API for ``profile`` (built independently)."""
    exact = sim.hire_probability(process, profile)
    assert explorer.probability == exact
    run = sim.simulate(process, profile, n=explorer.mc_n, rng=explorer.seed, keep="decisions")
    assert explorer.monte_carlo["hire_rate"] == run.hired.mean()
    assert explorer.monte_carlo["low"] <= explorer.monte_carlo["hire_rate"]
    waterfall = plots.contributions_figure(
        contribution_waterfall(process, profile), titles=process
    )
    tips = plots.tipping_points_figure(tipping_points(process, profile), titles=process)
    assert_arrays_equal(plotted(explorer.figure, 0, 1, "y"), builder_values(waterfall, "y"))
    assert_arrays_equal(plotted(explorer.figure, 1, 2, "x"), builder_values(tips, "x"))
    assert list(explorer.figure.data[1].y) == list(tips.data[0].y)
    text = transcript_text(debrief_transcript(process, profile, rng=explorer.seed))
    assert transcript_text(explorer.transcript) == text
    explorer._transcript_panel.selected_index = 0  # open the transcript, as a reader does
    assert html.escape(text) in explorer._transcript_box.value
    assert f'data-value="{exact.hire!r}"' in explorer._readout_box.value


def test_what_if_starts_at_the_first_profile(what_if, amex, amex_profiles):
    first = next(iter(amex_profiles.values()))
    assert what_if.state["profile"] == first.name
    check_what_if(what_if, amex, first)


@pytest.mark.parametrize("name", ["internals_framer", "risk_blind", "balanced_strong"])
def test_what_if_follows_each_profile(what_if, amex, amex_profiles, name):
    what_if.set_state(profile=name)
    profile = amex_profiles[name]
    assert what_if.state["framing"] == profile.framing
    check_what_if(what_if, amex, profile)


def test_what_if_levels_and_framing(what_if, amex, amex_profiles):
    what_if.set_state(profile="risk_blind", levels={"risk_awareness": 7.0}, framing=0.5)
    profile = replace(amex_profiles["risk_blind"].with_levels(risk_awareness=7.0), framing=0.5)
    check_what_if(what_if, amex, profile)
    what_if.controls["levels.technical_depth"].value = 3.0  # the browser's path
    check_what_if(what_if, amex, profile.with_levels(technical_depth=3.0))


def test_what_if_sends_its_figure_before_the_monte_carlo_band(amex, amex_profiles, monkeypatch):
    """The band is a read-out: computed after the figure's data leave, then shown."""
    explorer = WhatIfExplorer(amex, mc_n=500, rng=SEED)
    order: list[str] = []
    sync, band = explorer_base.sync_figure, explorer._monte_carlo

    def timed_sync(*args, **kwargs):
        order.append("figure")
        return sync(*args, **kwargs)

    def timed_band(profile):
        order.append("band")
        return band(profile)

    monkeypatch.setattr(explorer_base, "sync_figure", timed_sync)
    monkeypatch.setattr(explorer, "_monte_carlo", timed_band)
    explorer.controls["levels.dollar_impact"].value = 3.0
    assert order == ["figure", "band"]
    first = next(iter(amex_profiles.values()))
    check_what_if(explorer, amex, first.with_levels(dollar_impact=3.0))
    rate = explorer.monte_carlo["hire_rate"]
    assert f'data-value="{rate!r}"' in explorer._readout_box.value


def test_choosing_a_profile_in_the_dropdown_loads_its_levels(amex, amex_profiles):
    explorer = WhatIfExplorer(amex, mc_n=0)
    explorer.controls["profile"].value = "balanced_strong"
    expected = explorer.profile_state("balanced_strong")
    assert explorer.state == expected
    assert explorer.probability == sim.hire_probability(amex, amex_profiles["balanced_strong"])


def test_same_facts_different_framing(amex, amex_profiles):
    """The article's two candidates: with the same framing, the same hire probability."""
    explorer = WhatIfExplorer(amex, mc_n=0)
    explorer.set_state(profile="internals_framer")
    low = explorer.probability.hire
    explorer.set_state(framing=amex_profiles["impact_framer"].framing)
    assert (
        explorer.probability.hire
        == sim.hire_probability(amex, amex_profiles["impact_framer"]).hire
    )
    assert explorer.probability.hire > low


def test_what_if_rejects_bad_settings(amex):
    explorer = WhatIfExplorer(amex, mc_n=0)
    state = explorer.state
    for changes, path in (
        ({"profile": "nobody"}, "profile"),
        ({"levels": {"risk_awareness": 12}}, "levels.risk_awareness"),
        ({"framing": 2.0}, "framing"),
    ):
        with pytest.raises(sim.SpecError, match=path):
            explorer.set_state(**changes)
        assert explorer.state == state


# --------------------------------------------------------------------------- debrief room
def room_process(base: sim.Process, **debrief) -> sim.Process:
    return replace(base, debrief=replace(base.debrief, **debrief))


def check_room(room: DebriefRoom, process: sim.Process, profile: sim.Profile, seed: int) -> None:
    """Transcript, probabilities and figure equal the API for an independently built process."""
    frame = debrief_transcript(process, profile, rng=seed)
    assert transcript_text(room.transcript) == transcript_text(frame)
    # The room asks the API with its own Monte Carlo budget where no exact law exists.
    draws = sim.widgets.debrief_room._DRAWS
    assert room.probability == sim.hire_probability(process, profile, draws=draws)
    written = room_process(process, protocol="written_first")
    assert room.written_first == sim.hire_probability(written, profile, draws=draws)
    want = plots.views_figure(frame, titles=process)
    assert_arrays_equal(plotted(room.figure, 0, 3, "y"), builder_values(want, "y"))
    assert html.escape(frame.attrs["reason"]) in room._transcript_box.value
    assert f'data-value="{frame.attrs["decision"]!r}"' in room._readout_box.value


def test_debrief_room_follows_the_api(amex, amex_profiles):
    room = DebriefRoom(amex, rng=3)
    profile = amex_profiles[room.state["profile"]]
    check_room(room, amex, profile, 3)
    room.set_state(anchoring=0.6, speaking_order="reverse_seniority")
    process = room_process(amex, anchoring=0.6, speaking_order="reverse_seniority")
    check_room(room, process, profile, 3)
    room.set_state(veto="risk_partner", senior_pull=1.0)
    process = room_process(process, veto=("risk_partner",), senior_pull=1.0)
    check_room(room, process, profile, 3)
    room.controls["seed"].value = 7  # another debrief of the same candidate
    check_room(room, process, profile, 7)
    room.set_state(profile="risk_blind", protocol="written_first")
    process = room_process(process, protocol="written_first")
    check_room(room, process, amex_profiles["risk_blind"], 7)


def test_anchoring_moves_spoken_views_and_written_first_removes_it(amex):
    room = DebriefRoom(amex, rng=5)
    room.set_state(anchoring=0.8)
    speakers = room.transcript.attrs["speakers"]
    assert speakers[0]["spoken_view"] == speakers[0]["written_view"]  # the first is unaffected
    assert any(s["spoken_view"] != s["written_view"] for s in speakers[1:])
    room.set_state(protocol="written_first")
    assert all(s["spoken_view"] == s["written_view"] for s in room.transcript.attrs["speakers"])


# --------------------------------------------------------------------------- panel designer
def test_with_panels_adds_interchangeable_raters(amex):
    panel = with_panels(amex, 3, noise=0.5, halo=2.0)
    assert panel.rounds[0].interviewers == ("recruiter", "recruiter_2", "recruiter_3")
    copy, original = panel.interviewer("senior_pm_3"), amex.interviewer("senior_pm")
    assert copy.noise_sd == original.noise_sd * 0.5 and copy.halo == original.halo * 2.0
    assert copy.leniency == original.leniency
    assert (
        panel.debrief.interviewer_weights["senior_pm_3"]
        == (amex.debrief.interviewer_weights["senior_pm"])
    )
    assert with_panels(amex, 1).rounds == amex.rounds
    with pytest.raises(sim.SpecError, match="raters"):
        with_panels(amex, 0)


def test_panel_designer_follows_the_api(amex):
    designer = PanelDesigner(amex, n=1500, rng=4, max_raters=3)
    for changes in ({}, {"raters": 2}, {"noise": 0.4, "halo": 0.0}, {"competency": "leadership"}):
        designer.set_state(**changes)
        s = designer.state
        for k in range(1, 4):
            api = sim.simulate(with_panels(amex, k, s["noise"], s["halo"]), n=1500, rng=4)
            summary = api.summary()
            assert designer.validity.loc[k, "validity"] == summary["validity"]
            assert designer.validity.loc[k, "precision"] == summary["precision"]
            if k == s["raters"]:
                assert same_metrics(designer.result.summary(), summary)
        reliability = panel_reliability(
            with_panels(amex, 1, s["noise"], s["halo"]),
            s["competency"],
            n=2000,
            max_raters=3,
            rng=designer.seed,
        )
        assert designer.reliability.equals(reliability)
        parts = [
            plots.reliability_figure(reliability),
            plots.validity_figure(designer.validity, s["raters"]),
            plots.taylor_russell_figure(designer.selection),
            plots.quality_figure(decision_quality(designer.result)),
        ]
        want = [t for part in parts for t in part.data]
        assert len(designer.figure.data) == len(want)
        for got, expect in zip(designer.figure.data, want, strict=True):
            np.testing.assert_allclose(
                np.asarray(got.y, dtype=float), np.asarray(expect.y, dtype=float), equal_nan=True
            )
        assert designer.metrics["validity"] == designer.validity.loc[s["raters"], "validity"]


# --------------------------------------------------------------------------- packaging and app
def test_import_sim_does_not_import_the_widgets():
    code = (
        "import sys, sim\n"
        "assert not [m for m in sys.modules if m.startswith(('sim.widgets', 'sim.app'))]\n"
        "import sim.cli; sim.cli.build_parser()  # registers `hiring-sim app` lazily\n"
        "bad = [m for m in sys.modules if m.startswith(('sim.widgets', 'ipywidgets',"
        " 'plotly', 'voila'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# The app's own tests (its page, its command, its server) are tests/test_app*.py.
