"""The calibration plot builders: valid plotly figures that show the calibration's numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import sim
from sim.errors import SpecError
from sim.plots.calibration import cut_points_figure, leniency_figure, weights_figure


@pytest.fixture(scope="module")
def fit():
    base = sim.load_process("amex_ai_pm_2026")
    return sim.calibrate(sim.calibrate.long_format(sim.simulate(base, n=600, rng=4)), process=base)


def _valid(fig: go.Figure) -> go.Figure:
    go.Figure(fig.to_dict())  # plotly's full validation of what the builder made
    return fig


def test_leniency_caterpillar_is_sorted_with_intervals(fit) -> None:
    fig = _valid(leniency_figure(fit.interviewers))
    trace = fig.data[0]
    assert np.all(np.diff(np.asarray(trace.x)) >= 0)
    expected = 1.959964 * fit.interviewers.sort_values("leniency")["leniency_se"].to_numpy()
    assert np.allclose(trace.error_x.array, expected)


def test_weights_figure_shows_stated_and_revealed(fit) -> None:
    fig = _valid(weights_figure(fit.revealed_weights))
    stated, revealed = fig.data
    assert np.allclose(stated.x, fit.revealed_weights["stated"])
    assert np.allclose(revealed.x, fit.revealed_weights["revealed"])


def test_cut_points_figure_has_one_trace_per_boundary(fit) -> None:
    fig = _valid(cut_points_figure(fit.label_cuts, fit.scale[:2]))
    assert len(fig.data) == len(fit.labels) - 1
    assert len(fig.layout.shapes) == len(fit.labels) - 1  # the pooled cut points


def test_builders_refuse_other_input() -> None:
    with pytest.raises(SpecError, match="interviewers: lacks column"):
        leniency_figure(pd.DataFrame({"x": [1]}))


def test_import_sim_does_not_load_the_calibration() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sim\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sim.calibrate', 'mixedlm',"
        " 'statsmodels', 'gpboost'))))\n"
        "print(callable(sim.calibrate), 'sim.calibrate.fit' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "True True"  # first use loads it, and the package is callable
