"""Plot builders for the requisition: the funnel over days, time to fill, value by window.

Pure functions from the tables of :mod:`sim.economics` to a plotly Figure, in the
style of :mod:`sim.plots` (its template and colours). ``import sim`` does not
import this module.

=================================  ==============================================
builder                            input
=================================  ==============================================
:func:`funnel_figure`              :meth:`sim.economics.RequisitionResult.funnel`
:func:`time_to_fill_figure`        :meth:`sim.economics.RequisitionResult.requisitions`
:func:`window_value_figure`        :func:`sim.economics.variants.window_curve`
=================================  ==============================================
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ..errors import fail
from ._base import COLORS, TEMPLATE

__all__ = ["funnel_figure", "time_to_fill_figure", "window_value_figure"]

_STATUS = (
    ("in process", COLORS["sky"]),
    ("hired", COLORS["up"]),
    ("declined", COLORS["accent"]),
    ("withdrew", COLORS["down"]),
    ("rejected", COLORS["muted"]),
    ("closed", COLORS["purple"]),
)
_MARGIN = {"l": 10, "r": 10, "t": 60, "b": 10}


def _frame(value: Any, columns: tuple[str, ...], what: str) -> pd.DataFrame:
    if not isinstance(value, pd.DataFrame):
        raise fail(what, "must be a pandas DataFrame", type(value).__name__)
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise fail(what, f"lacks column(s) {', '.join(missing)}", list(value.columns))
    return value


def _figure(traces: list[dict[str, Any]], title: str, **layout: Any) -> go.Figure:
    """A Figure from plotly JSON, built as :mod:`sim.plots` builds its own.

    Without plotly's per-property validation while the builder's own JSON goes in
    (it costs far more than the numbers in an explorer's update; the tests validate
    every builder's output); later edits are validated as usual.
    """
    full = {
        "title": {"text": title, "x": 0.01, "xanchor": "left"},
        "template": pio.templates[TEMPLATE].to_plotly_json(),
        "margin": dict(_MARGIN),
        **layout,
    }
    fig = go.Figure(data=traces, layout=full, _validate=False)
    fig._validate = fig.layout._validate = True
    for trace in fig.data:
        trace._validate = True
    return fig


def _vline(x: float, dash: str = "dot", color: str = "black") -> dict[str, Any]:
    return {
        "type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
        "line": {"color": color, "dash": dash, "width": 1},
    }  # fmt: skip


def funnel_figure(funnel: pd.DataFrame) -> go.Figure:
    """Where applicants are, day by day since they applied (stacked shares).

    The bands are the share still in process and the shares gone by each outcome;
    dotted lines mark the rounds and the debrief. A widening red band between two
    lines is candidates lost while they wait.

    Parameters
    ----------
    funnel : DataFrame
        :meth:`RequisitionResult.funnel`: ``day`` and one column per status.
    """
    frame = _frame(funnel, ("day", *(s for s, _ in _STATUS)), "funnel")
    traces = [
        {
            "type": "scatter",
            "x": frame["day"].to_numpy(dtype=float),
            "y": frame[name].to_numpy(dtype=float),
            "name": name,
            "mode": "lines",
            "stackgroup": "status",
            "line": {"width": 0.5, "color": color},
            "fillcolor": color,
        }
        for name, color in _STATUS
    ]
    marks = dict(frame.attrs.get("rounds", {}))
    if frame.attrs.get("debrief_day") is not None:
        marks["debrief"] = frame.attrs["debrief_day"]
    shapes = [_vline(float(day)) for day in marks.values()]
    return _figure(
        traces,
        "Applicants over their days in the process",
        shapes=shapes,
        xaxis={"title": {"text": "days since applying (dotted: rounds, debrief)"}},
        yaxis={"title": {"text": "share of applicants"}, "range": [0, 1]},
        legend={"traceorder": "normal"},
    )


def time_to_fill_figure(requisitions: pd.DataFrame, bins: int = 30) -> go.Figure:
    """Days from opening to an accepted offer, over the requisitions that were filled.

    Counts are computed here (the figure stays small); the dashed line is the median;
    the title gives the share of requisitions left unfilled at their deadline.
    """
    frame = _frame(requisitions, ("filled", "time_to_fill_days", "days_open"), "requisitions")
    days = frame["time_to_fill_days"].to_numpy(dtype=float)
    days = days[np.isfinite(days)]
    unfilled = 1.0 - float(frame["filled"].mean()) if len(frame) else math.nan
    top = float(frame["days_open"].max()) if len(frame) else 1.0
    edges = np.linspace(0.0, max(top, 1.0), bins + 1)
    counts = np.histogram(days, bins=edges)[0]
    shapes = []
    if days.size:
        shapes.append(_vline(float(np.median(days)), "dash"))
    title = f"Time to fill (median {np.median(days):.0f} days; " if days.size else "Time to fill ("
    return _figure(
        [
            {
                "type": "bar",
                "x": (edges[:-1] + edges[1:]) / 2,
                "y": counts,
                "width": float(edges[1] - edges[0]),
                "name": "filled requisitions",
                "marker": {"color": COLORS["neutral"]},
            }
        ],
        title + f"{100 * unfilled:.1f} % unfilled at the deadline)",
        shapes=shapes,
        xaxis={"title": {"text": "days from opening to an accepted offer"}},
        yaxis={"title": {"text": "requisitions"}},
        bargap=0,
        showlegend=False,
    )


def window_value_figure(curve: pd.DataFrame, current: float | None = None) -> go.Figure:
    """Net value per requisition against the length of the process window (± 2 SE).

    Parameters
    ----------
    curve : DataFrame
        :func:`sim.economics.variants.window_curve`.
    current : float, optional
        Window to mark (default ``curve.attrs["window_days"]``).
    """
    frame = _frame(
        curve,
        ("window_days", "net_value_per_requisition", "net_value_per_requisition_se"),
        "curve",
    )
    x = frame["window_days"].to_numpy(dtype=float)
    y = frame["net_value_per_requisition"].to_numpy(dtype=float)
    se = np.nan_to_num(frame["net_value_per_requisition_se"].to_numpy(dtype=float))
    band = {
        "type": "scatter",
        "x": np.concatenate([x, x[::-1]]),
        "y": np.concatenate([y + 2 * se, (y - 2 * se)[::-1]]),
        "fill": "toself",
        "fillcolor": "rgba(0, 114, 178, 0.15)",
        "line": {"width": 0},
        "name": "± 2 SE",
        "hoverinfo": "skip",
    }
    line = {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines+markers",
        "name": "net value per requisition",
        "line": {"color": COLORS["neutral"]},
    }
    mark = current if current is not None else frame.attrs.get("window_days")
    shapes = [_vline(float(mark), "dash", COLORS["accent"])] if mark is not None else []
    return _figure(
        [band, line],
        "Net value per requisition by process window",
        shapes=shapes,
        xaxis={"title": {"text": "process window (days; every round rescaled)"}},
        yaxis={"title": {"text": "dollars over the horizon"}},
        showlegend=False,
    )
