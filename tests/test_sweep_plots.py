"""Sweep plots: the frontier is exactly the non-dominated cells; the heat map is the table."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

import sim
from sim.plots.sweep import frontier_figure, heatmap_figure, pareto_front

SPEC = {
    "grid": {
        "debrief.threshold": [6.8, 7.2, 7.6],
        "debrief.competency_weights.technical_depth": [0.5, 2.0],
        "debrief.rule": ["weighted_mean", "median"],
    }
}


@pytest.fixture(scope="module")
def result(amex: sim.Process) -> sim.sweep.SweepResult:
    return sim.sweep(amex, SPEC, n=8_000, rng=1)


@pytest.mark.parametrize("seed", range(20))
def test_pareto_front_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, y = rng.integers(0, 6, 30).astype(float), rng.integers(0, 6, 30).astype(float)
    expected = [
        not any(x[j] >= x[i] and y[j] >= y[i] and (x[j] > x[i] or y[j] > y[i]) for j in range(30))
        for i in range(30)
    ]
    assert pareto_front(x, y).tolist() == expected


def test_frontier_figure(result) -> None:
    fig = frontier_figure(result)
    go.Figure(fig.to_dict())  # validates every property
    frame = result.frame
    cells, frontier, baseline = fig.data
    assert list(cells.x) == frame["hire_rate"].tolist()
    assert list(cells.error_y.array) == frame["precision_se"].tolist()
    front = pareto_front(frame["hire_rate"], frame["precision"])
    assert sorted(frontier.x) == sorted(frame.loc[front, "hire_rate"])
    assert list(frontier.x) == sorted(frontier.x)
    for hx, hy in zip(frame["hire_rate"], frame["precision"], strict=True):
        # no cell lies beyond the frontier on both axes
        assert not any(fx < hx and fy < hy for fx, fy in zip(frontier.x, frontier.y, strict=True))
    assert baseline.x[0] == frame.loc[result.baseline, "hire_rate"]
    assert "debrief.rule = median" in " ".join(cells.text)


def test_frontier_of_value_against_interviewer_dollars(result) -> None:
    """Dollars per hire against interviewer dollars per hire: the frontier minimises the cost."""
    x, y = "interviewer_cost_per_hire", "dollars_per_hire"
    fig = frontier_figure(result, x, y)
    frame = result.frame
    cells, frontier, _ = fig.data
    assert (
        list(cells.x) == frame[x].tolist()
        and list(cells.error_x.array) == frame[f"{x}_se"].tolist()
    )
    front = pareto_front(frame[x], frame[y], lower_x=True)
    assert sorted(frontier.x) == sorted(frame.loc[front, x])
    cheapest = frame[x].idxmin()
    assert frame.loc[cheapest, x] in list(frontier.x)  # nothing costs less
    assert fig.layout.xaxis.title.text == "interviewer cost per hire ($)"


def test_frontier_of_a_frame_and_bad_columns(result) -> None:
    fig = frontier_figure(result.frame, x="recall", y="validity")
    assert list(fig.data[0].x) == result.frame["recall"].tolist()
    with pytest.raises(sim.SpecError, match="nope: is not a column"):
        frontier_figure(result, x="nope")


def test_heatmap_is_the_table(result) -> None:
    x, y = "debrief.threshold", "debrief.competency_weights.technical_depth"
    fig = heatmap_figure(result, x, y, z="precision", where={"debrief.rule": "median"})
    go.Figure(fig.to_dict())
    tile = fig.data[0]
    frame = result.frame[result.frame["debrief.rule"] == "median"]
    assert list(tile.x) == ["6.8", "7.2", "7.6"] and list(tile.y) == ["0.5", "2"]
    for row in frame.to_dict("records"):
        i, j = [0.5, 2.0].index(row[y]), [6.8, 7.2, 7.6].index(row[x])
        assert tile.z[i][j] == row["precision"]


def test_heatmap_needs_the_other_fields_fixed(result) -> None:
    with pytest.raises(sim.SpecError, match=r"other swept fields vary.*debrief.rule"):
        heatmap_figure(result, "debrief.threshold", "debrief.competency_weights.technical_depth")
    with pytest.raises(sim.SpecError, match="matches no cell"):
        heatmap_figure(
            result, "debrief.threshold", "debrief.rule", where={"debrief.threshold": 9.9}
        )
