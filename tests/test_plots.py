"""Plot builders: pure functions from analysis results to plotly Figures."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import sim
from sim import analysis
from sim.plots._base import human

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
    names = table[table.group == by]["name"]
    assert list(trace.x[1:-1]) == [n.replace("_", " ") for n in names]


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
    assert list(noise.data[0].x) == [r.name.replace("_", " ") for r in amex.rounds] + ["overall"]


@pytest.mark.parametrize("output", ["hire", "aggregate"])
@pytest.mark.parametrize("index", ["S1", "delta"])
def test_sensitivity_figure(amex, output, index):
    table = analysis.global_sensitivity(amex, n=2000, rng=1)
    fig = plots.sensitivity_figure(table, output=output, index=index)
    shown = sum(len(trace.y) for trace in fig.data)
    assert shown == len(table[(table.output == output) & (table.group != "reference")])
    with pytest.raises(sim.SpecError, match="output"):
        plots.sensitivity_figure(table, output="salary")


def test_decision_swing_legend_lists_the_bars_top_down(pool_result):
    """Each competency's pair of bars reads like the legend: "weight set to 0" first.

    Grouped horizontal bars on a reversed axis draw the first trace on top of each
    pair; plotly reverses a legend by default when a figure stacks bars (the app
    stacks this chart under the stacked histogram), so the order must be explicit.
    """
    fig = plots.decision_swing_figure(analysis.decision_swing(pool_result))
    assert fig.layout.barmode == "group" and fig.layout.yaxis.autorange == "reversed"
    assert [t.name for t in fig.data] == ["weight set to 0", "weight doubled"]
    assert fig.layout.legend.traceorder == "normal"


def test_sensitivity_legend_and_floor_label(amex):
    """Legend groups in the order their bars first appear from the top; the no-effect
    label above the plot, clear of every bar (it sat on the bottom row)."""
    table = analysis.global_sensitivity(amex, n=2000, rng=1)
    fig = plots.sensitivity_figure(table, output="hire", index="S1")
    rows = table[(table.output == "hire") & (table.group != "reference")]
    rows = rows.sort_values("S1", ascending=False)  # top of the chart first
    assert list(fig.layout.yaxis.categoryarray) == [human(i) for i in rows["input"][::-1]]
    assert [t.name for t in fig.data] == list(dict.fromkeys(rows["group"]))
    assert fig.layout.legend.traceorder == "normal"
    (label,) = [a for a in fig.layout.annotations if a.text == "no-effect input"]
    assert (label.yref, label.y, label.yanchor) == ("y domain", 1, "bottom")


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


# --------------------------------------------------------------------------- every builder
@pytest.fixture(scope="module")
def every_figure(amex, amex_profiles, profile_sway, pool_result):
    """One figure of every builder, by name (built the way their users build them)."""
    from sim.debrief import debrief_transcript

    validity = pd.DataFrame(
        {"k": [1, 2, 3], "validity": [0.31, 0.4, 0.44], "precision": [0.52, 0.6, 0.63]}
    ).set_index("k")
    selection = analysis.selection_check([0.19, 0.42], [0.1, 0.3, 0.5], 0.3, n=500, rng=1)
    return {
        "contributions": plots.contributions_figure(profile_sway.contributions),
        "tipping_points": plots.tipping_points_figure(profile_sway.tipping_points),
        "weight_stability": plots.weight_stability_figure(profile_sway.weight_stability),
        "framing": plots.framing_figure(profile_sway.framing),
        "decision_swing": plots.decision_swing_figure(analysis.decision_swing(pool_result)),
        "sensitivity": plots.sensitivity_figure(analysis.global_sensitivity(amex, n=500, rng=1)),
        "noise_audit": plots.noise_audit_figure(analysis.noise_audit(amex, n=200, rng=1)),
        "quality": plots.quality_figure(analysis.decision_quality(pool_result)),
        "reliability": plots.reliability_figure(analysis.panel_reliability(amex, n=300, rng=1)),
        "icc": plots.icc_figure(analysis.panel_icc(amex, n=100, rng=1)),
        "taylor_russell": plots.taylor_russell_figure(selection),
        "score_distribution": plots.score_distribution_figure(pool_result),
        "views": plots.views_figure(
            debrief_transcript(amex, amex_profiles["impact_framer"], rng=3)
        ),
        "validity": plots.validity_figure(validity, current=2),
    }


def test_every_public_builder_is_covered(every_figure):
    assert {f"{name}_figure" for name in every_figure} == set(plots.__all__)


@pytest.mark.parametrize("name", sorted(n.removesuffix("_figure") for n in plots.__all__))
def test_every_figure_passes_plotly_validation(every_figure, name):
    """Builders skip plotly's validation for speed, so their JSON is validated here."""
    fig = every_figure[name]
    checked = go.Figure(fig.to_plotly_json())  # validating: ValueError on a bad property
    assert json.loads(checked.to_json()) == json.loads(fig.to_json())  # nothing coerced
    assert len(fig.data) > 0
    assert fig.layout.template.layout.plot_bgcolor == "white"  # plotly_white
    assert fig.layout.title.text


@pytest.mark.parametrize("name", ["tipping_points", "score_distribution", "views", "validity"])
def test_figures_validate_later_edits(every_figure, name):
    """Validation is skipped for the builder's own JSON only: bad edits still raise."""
    fig = every_figure[name]  # a rejected edit changes nothing
    for edit in (
        lambda: fig.update_layout(height="tall"),
        lambda: setattr(fig.layout, "bargap", 7),
        lambda: fig.update_layout(title_font_size="large"),
        lambda: fig.update_traces(opacity="half"),
        lambda: setattr(fig.data[0], "visible", "maybe"),
        lambda: fig.update_layout(no_such_property=1),
        lambda: fig.add_bar(x=[1], opacity="half"),
    ):
        with pytest.raises(ValueError):
            edit()


def test_figures_share_nothing_with_their_input_or_each_other(profile_sway, pool_result):
    swing = analysis.decision_swing(pool_result)
    before = swing.copy()
    first = plots.decision_swing_figure(swing)
    first.data[0].x = np.zeros(len(swing))
    first.layout.template.layout.plot_bgcolor = "red"
    pd.testing.assert_frame_equal(swing, before)
    second = plots.decision_swing_figure(swing)
    assert second.layout.template.layout.plot_bgcolor == "white"
    np.testing.assert_array_equal(second.data[0].x, swing["changed_zeroed"].to_numpy())
    table = profile_sway.tipping_points
    tips = plots.tipping_points_figure(table)
    assert not np.shares_memory(np.asarray(tips.data[0].x), table["change"].to_numpy())


def test_lines_and_labels_sit_where_plotly_puts_them(every_figure, pool_result):
    """The builders write add_vline / add_hline shapes by hand; they must match plotly's own."""
    threshold = pool_result.process.debrief.threshold
    reference = go.Figure()
    reference.add_vline(
        x=threshold, line={"color": "black", "dash": "dash"}, annotation_text="threshold"
    )
    got = every_figure["score_distribution"].layout
    assert got.shapes[0].to_plotly_json() == reference.layout.shapes[0].to_plotly_json()
    assert got.annotations[0].to_plotly_json() == reference.layout.annotations[0].to_plotly_json()
    views = every_figure["views"]
    level = views.layout.shapes[0].y0
    reference = go.Figure()
    reference.add_hline(
        y=level, line={"color": "black", "dash": "dash"}, annotation_text="threshold"
    )
    assert views.layout.shapes[0].to_plotly_json() == reference.layout.shapes[0].to_plotly_json()
    # The threshold is named in the legend, not over the bars (a label there hid a value).
    assert not views.layout.annotations
    assert views.data[-1].name == f"threshold {level:g}"
    assert views.data[-1].line.dash == "dash"


def test_views_figure_shows_each_speaker_in_order(amex, amex_profiles):
    from sim.debrief import debrief_transcript

    transcript = debrief_transcript(amex, amex_profiles["risk_blind"], rng=5)
    speakers = transcript.attrs["speakers"]
    fig = plots.views_figure(transcript)
    assert trace_types(fig) == ["bar", "bar", "scatter"]  # the scatter is the threshold's key
    assert list(fig.data[0].x) == [
        f"{s['position']}. {s['speaker'].replace('_', ' ')}" for s in speakers
    ]
    assert list(fig.data[0].y) == [s["written_view"] for s in speakers]
    assert list(fig.data[1].y) == [s["spoken_view"] for s in speakers]
    assert fig.layout.shapes[0].y0 == transcript.attrs["threshold"]
    assert transcript.attrs["decision"] in fig.layout.title.text
    with pytest.raises(sim.SpecError, match="transcript"):
        plots.views_figure(pd.DataFrame({"speaker": ["a"]}))


def test_validity_figure_marks_the_current_panel():
    validity = pd.DataFrame(
        {"k": [1, 2, 3], "validity": [0.3, 0.4, 0.45], "precision": [0.5, 0.6, 0.62]}
    ).set_index("k")
    fig = plots.validity_figure(validity, current=3)
    assert list(fig.data[0].x) == [1, 2, 3]
    np.testing.assert_array_equal(fig.data[0].y, validity["validity"].to_numpy())
    np.testing.assert_array_equal(fig.data[1].y, validity["precision"].to_numpy())
    assert fig.layout.shapes[0].x0 == 3
    assert not plots.validity_figure(validity).layout.shapes
    with pytest.raises(sim.SpecError, match="validity"):
        plots.validity_figure(validity.drop(columns="precision"))


# --------------------------------------------------------------------------- what people see
def _axes(fig) -> list:
    layout = fig.layout
    return [layout[k] for k in layout if k.startswith(("xaxis", "yaxis")) and layout[k]]


@pytest.mark.parametrize("name", sorted(n.removesuffix("_figure") for n in plots.__all__))
def test_no_snake_case_in_titles_labels_or_legends(every_figure, name):
    """People read titles, axis titles, category labels and legend entries, not identifiers."""
    fig = every_figure[name]
    texts = [fig.layout.title.text or ""]
    texts += [ax.title.text or "" for ax in _axes(fig)]
    texts += [a.text or "" for a in fig.layout.annotations]
    texts += [t.name or "" for t in fig.data if t.showlegend is not False]
    for trace in fig.data:
        for attr in ("x", "y"):
            values = getattr(trace, attr, None)
            if values is not None and len(values) and isinstance(values[0], str):
                texts += list(values)
    snake = [t for t in texts if "_" in t]
    assert not snake, f"{name}: {snake}"


@pytest.mark.parametrize("name", sorted(n.removesuffix("_figure") for n in plots.__all__))
def test_legend_entries_look_different(every_figure, name):
    """Two legend entries with different names never share one swatch (colour and dash)."""
    fig = every_figure[name]
    seen: dict[tuple, str] = {}
    for trace in fig.data:
        if trace.showlegend is False or not trace.name:
            continue
        marker = getattr(trace, "marker", None)
        line = getattr(trace, "line", None)
        color = marker.color if marker is not None and marker.color is not None else None
        if color is None and line is not None:
            color = line.color
        if not isinstance(color, str):
            continue  # per-point colours: no single swatch
        style = (trace.type, color, getattr(line, "dash", None) if line is not None else None)
        assert style not in seen or seen[style] == trace.name, (
            f"{name}: {trace.name!r} and {seen[style]!r} share a legend swatch {style}"
        )
        seen[style] = trace.name


def test_score_distribution_swatches_show_hired_and_rejected_apart(pool_result):
    fig = plots.score_distribution_figure(pool_result)
    colors = [t.marker.color for t in fig.data]
    assert len(set(colors)) == len(colors) == 4
    assert all(t.marker.opacity is None for t in fig.data)  # alpha in the colour: in the legend


@pytest.mark.parametrize("profile", ["high_impact_negotiator", "balanced_strong", "risk_blind"])
def test_tipping_point_labels_fit_inside_the_axis(amex, amex_profiles, profile):
    """Room beside every bar for its label: a third of the span past the longest bar."""
    table = analysis.tipping_points(amex, amex_profiles[profile])
    fig = plots.tipping_points_figure(table, titles=amex)
    low, high = fig.layout.xaxis.range
    change = table["change"].to_numpy(dtype=float)
    finite = change[np.isfinite(change)]
    span = max(finite.max(initial=0.0) - finite.min(initial=0.0), 1.0)
    if (finite > 0).any():
        assert high - finite.max() >= 0.3 * span
    if (finite < 0).any():
        assert finite.min() - low >= 0.3 * span
    if np.isnan(change).any():  # "none within the scale" starts at 0
        assert high >= 0.4 * span
    assert fig.data[0].cliponaxis is False
    assert list(fig.data[0].y) == [amex.competency(c).title for c in table.index]


def test_quality_figure_has_headroom_and_no_subplot_titles(pool_result):
    quality = analysis.decision_quality(pool_result)
    fig = plots.quality_figure(quality)
    assert not fig.layout.annotations  # subplot titles collided with a stacked figure's title
    rates = [t for t in fig.data if t.xaxis in (None, "x")]
    tops = [
        max(np.asarray(t.y, dtype=float) + np.nan_to_num(np.asarray(t.error_y.array, dtype=float)))
        if t.error_y.array is not None
        else max(np.asarray(t.y, dtype=float))
        for t in rates
    ]
    assert max(tops) < fig.layout.yaxis.range[1] / 1.1
    dollars = [max(np.asarray(t.y, dtype=float)) for t in fig.data if t.xaxis == "x2"]
    assert max(dollars) < fig.layout.yaxis2.range[1] / 1.1
    assert fig.layout.yaxis.title.text and fig.layout.yaxis2.title.text


def test_views_figure_leaves_room_for_the_values(amex, amex_profiles):
    from sim.debrief import debrief_transcript

    fig = plots.views_figure(debrief_transcript(amex, amex_profiles["balanced_strong"], rng=1))
    top = max(max(t.y) for t in fig.data[:2])
    assert fig.layout.yaxis.range[1] >= 1.1 * top
