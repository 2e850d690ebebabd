"""Plot builders for a calibration: pure functions from its tables to a plotly Figure.

=============================  ==============================================
builder                        input (a :class:`sim.calibrate.CalibrationResult`'s)
=============================  ==============================================
:func:`leniency_figure`        ``.interviewers`` (caterpillar of leniencies)
:func:`weights_figure`         ``.revealed_weights`` (stated vs revealed)
:func:`cut_points_figure`      ``.label_cuts`` or ``.recommendation_cuts``
=============================  ==============================================

``import sim`` does not import this module (plotly is optional).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import fail
from ._base import COLORS, TEMPLATE

__all__ = ["cut_points_figure", "leniency_figure", "weights_figure"]

_Z95 = 1.959964


def _require(frame: object, columns: tuple[str, ...], what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise fail(what, "must be a pandas DataFrame", type(frame).__name__)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise fail(what, f"lacks column(s) {', '.join(missing)}", list(frame.columns))
    return frame


_LEGEND = {"orientation": "h", "y": -0.22, "yanchor": "top", "x": 0}


def _layout(fig: go.Figure, title: str, **kwargs: object) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        template=TEMPLATE,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        **kwargs,
    )
    return fig


def leniency_figure(interviewers: pd.DataFrame) -> go.Figure:
    """Each interviewer's leniency with its 95 % interval, sorted (a caterpillar plot).

    Parameters
    ----------
    interviewers : DataFrame
        Index interviewer; columns ``leniency``, ``leniency_se`` (points) and
        ``n_ratings`` (``CalibrationResult.interviewers``).

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal error bars; 0 is the committee's average rater.

    Examples
    --------
    >>> table = pd.DataFrame({"leniency": [0.4, -0.2], "leniency_se": [0.1, 0.2],
    ...                       "n_ratings": [50, 9]}, index=["ann", "bob"])
    >>> list(leniency_figure(table).data[0].y)
    ['bob (9)', 'ann (50)']
    """
    table = _require(interviewers, ("leniency", "leniency_se", "n_ratings"), "interviewers")
    table = table.sort_values("leniency")
    labels = [f"{who} ({int(n)})" for who, n in zip(table.index, table["n_ratings"], strict=True)]
    colors = np.where(table["leniency"] >= 0, COLORS["up"], COLORS["down"])
    fig = go.Figure(
        go.Scatter(
            x=table["leniency"],
            y=labels,
            mode="markers",
            marker={"color": list(colors), "size": 9},
            error_x={
                "type": "data",
                "array": _Z95 * table["leniency_se"],
                "visible": True,
                "color": COLORS["muted"],
            },
            hovertemplate="%{y}: %{x:+.2f} points<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": COLORS["muted"], "dash": "dash"})
    return _layout(
        fig,
        "Leniency per interviewer (points vs the average rater, 95 % interval)",
        xaxis_title="leniency (points of the scale)",
        yaxis_title="interviewer (ratings)",
        height=max(300, 28 * len(table) + 120),
        showlegend=False,
    )


def weights_figure(weights: pd.DataFrame) -> go.Figure:
    """Stated debrief weights beside the weights the decisions reveal (shares, 95 % intervals).

    Parameters
    ----------
    weights : DataFrame
        Index competency; columns ``stated``, ``revealed``, ``se``
        (``CalibrationResult.revealed_weights``).

    Examples
    --------
    >>> table = pd.DataFrame({"stated": [0.6, 0.4], "revealed": [0.3, 0.7], "se": [0.05, 0.05]},
    ...                      index=["depth", "impact"])
    >>> [trace.name for trace in weights_figure(table).data]
    ['stated', 'revealed by decisions']
    """
    table = _require(weights, ("stated", "revealed", "se"), "weights")
    names = [str(c).replace("_", " ") for c in table.index]
    se = np.nan_to_num(table["se"].to_numpy(float), nan=0.0)
    fig = go.Figure(
        [
            go.Bar(
                y=names,
                x=table["stated"],
                orientation="h",
                name="stated",
                marker_color=COLORS["muted"],
                hovertemplate="%{y}: stated %{x:.0%}<extra></extra>",
            ),
            go.Bar(
                y=names,
                x=table["revealed"],
                orientation="h",
                name="revealed by decisions",
                marker_color=COLORS["neutral"],
                error_x={"type": "data", "array": _Z95 * se, "visible": True},
                hovertemplate="%{y}: revealed %{x:.0%}<extra></extra>",
            ),
        ]
    )
    return _layout(
        fig,
        "What the committee says it weighs vs what its decisions show",
        barmode="group",
        xaxis_title="share of the decision",
        xaxis_tickformat=".0%",
        height=max(320, 40 * len(table) + 160),
        legend=_LEGEND,
    )


def cut_points_figure(cuts: pd.DataFrame, scale: tuple[float, float]) -> go.Figure:
    """Each interviewer's own cut points on the scale, with 95 % intervals and the pooled ones.

    Parameters
    ----------
    cuts : DataFrame
        Tidy: ``interviewer``, ``between`` (e.g. ``"mixed | strong"``),
        ``cut_point``, ``low``, ``high``, ``pooled`` (points).
    scale : (float, float)
        The scale's min and max (x range).

    Examples
    --------
    >>> cuts = pd.DataFrame({"interviewer": ["ann", "ann"], "between": ["no | yes", "yes | wow"],
    ...                      "cut_point": [4.0, 7.0], "low": [3.8, 6.7], "high": [4.2, 7.2],
    ...                      "pooled": [4.2, 7.1]})
    >>> len(cut_points_figure(cuts, (1, 10)).data)
    2
    """
    table = _require(
        cuts, ("interviewer", "between", "cut_point", "low", "high", "pooled"), "cuts"
    )
    palette = [COLORS[k] for k in ("down", "accent", "up", "neutral", "purple", "sky")]
    fig = go.Figure()
    for i, (between, group) in enumerate(table.groupby("between", sort=False)):
        color = palette[i % len(palette)]
        fig.add_trace(
            go.Scatter(
                x=group["cut_point"],
                y=group["interviewer"],
                mode="markers",
                name=str(between),
                marker={"color": color, "size": 9, "symbol": "line-ns-open", "line": {"width": 3}},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "visible": True,
                    "array": group["high"] - group["cut_point"],
                    "arrayminus": group["cut_point"] - group["low"],
                    "color": color,
                },
                hovertemplate="%{y}: " + str(between) + " at %{x:.2f}<extra></extra>",
            )
        )
        fig.add_vline(x=float(group["pooled"].iloc[0]), line={"color": color, "dash": "dot"})
    return _layout(
        fig,
        "Where each interviewer's words change (cut points, 95 % interval)",
        xaxis={"title": "points of the scale", "range": [scale[0] - 0.5, scale[1] + 0.5]},
        height=max(320, 30 * table["interviewer"].nunique() + 180),
        legend=_LEGEND,
    )
