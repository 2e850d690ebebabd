"""Plot builders for sweeps: the Pareto frontier of two metrics, a heat map over two fields.

Pure functions from a :class:`sim.sweep.SweepResult` (or its ``frame``) to a
:class:`plotly.graph_objects.Figure`, in the style of :mod:`sim.plots`.

===========================  =============================================
builder                      shows
===========================  =============================================
:func:`frontier_figure`      every cell, precision against hire rate (±1 SE),
                             the non-dominated cells joined as the frontier
:func:`heatmap_figure`       a metric over two swept fields (others fixed)
===========================  =============================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import fail
from ._base import COLORS, TEMPLATE

__all__ = ["frontier_figure", "heatmap_figure", "pareto_front"]

_NOT_PARAMS = {"cell", "variant", "n", "common_draws"}


def _frame(result: Any) -> tuple[pd.DataFrame, list[str], int | None]:
    """(table, swept columns, baseline cell) of a SweepResult or of its frame."""
    if isinstance(result, pd.DataFrame):
        from ..sweep.stats import METRICS

        metric_like = {m + tail for m in METRICS for tail in ("", "_se", "_diff", "_diff_se")}
        params = [c for c in result.columns if c not in metric_like | _NOT_PARAMS]
        return result, params, None
    frame = getattr(result, "frame", None)
    if not isinstance(frame, pd.DataFrame):
        raise fail("result", "must be a SweepResult or its frame", type(result).__name__)
    return frame, list(result.paths), result.baseline


def _label(row: Mapping[str, Any], params: list[str]) -> str:
    parts = [f"cell {row['cell']}"] if "cell" in row else []
    if row.get("variant") is not None and "variant" in row:
        parts.append(f"variant {row['variant']}")
    parts += [f"{p} = {_text(row[p])}" for p in params]
    return "<br>".join(parts)


def _text(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


#: Metrics of which less is better (a cost): the frontier minimises them.
LOWER_IS_BETTER = frozenset(
    {
        "interviewer_hours_per_hire",
        "interviewer_hours_per_applicant",
        "interviewer_cost_per_hire",
        "interviewer_cost_per_applicant",
    }
)


def pareto_front(x: Any, y: Any, lower_x: bool = False, lower_y: bool = False) -> np.ndarray:
    """Which points no other point beats on both ``x`` and ``y``, shape (n,).

    Higher is better unless ``lower_x`` / ``lower_y`` say that less of it is.

    Examples
    --------
    >>> pareto_front([0.1, 0.2, 0.15, 0.2], [0.7, 0.6, 0.6, 0.5]).tolist()
    [True, True, False, False]
    >>> pareto_front([10.0, 12.0, 9.0], [5e4, 6e4, 4e4], lower_x=True).tolist()
    [True, True, True]
    >>> pareto_front([10.0, 12.0, 11.0], [5e4, 6e4, 4e4], lower_x=True).tolist()
    [True, True, False]
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    xs, ys = (-xs if lower_x else xs), (-ys if lower_y else ys)
    ok = np.isfinite(xs) & np.isfinite(ys)
    at_least = (xs[None, :] >= xs[:, None]) & (ys[None, :] >= ys[:, None])
    better = (xs[None, :] > xs[:, None]) | (ys[None, :] > ys[:, None])
    dominated = (at_least & better & ok[None, :]).any(axis=1)
    return ok & ~dominated


def frontier_figure(result: Any, x: str = "hire_rate", y: str = "precision") -> go.Figure:
    """Every cell as a point (``x`` against ``y``, ±1 SE bars) and the Pareto frontier.

    The frontier joins the cells that no other cell beats on both metrics
    (more of each is better, less of a cost in :data:`LOWER_IS_BETTER` such as
    ``interviewer_cost_per_hire``): moving along it trades one for the other,
    and every cell off it is dominated. The baseline cell is ringed. For the
    value of a hire against what its interviews cost, both in dollars:
    ``frontier_figure(result, "interviewer_cost_per_hire", "dollars_per_hire")``
    (or ``"interviewer_hours_per_hire"`` for the time).

    Parameters
    ----------
    result : SweepResult or DataFrame
        Its ``frame`` (columns ``x``, ``y`` and, when present, their ``_se``).
    x, y : str
        Metric columns.
    """
    frame, params, baseline = _frame(result)
    for column in (x, y):
        if column not in frame:
            raise fail(column, "is not a column of the sweep", list(frame.columns))
    labels = [_label(row, params) for row in frame.to_dict("records")]
    front = pareto_front(frame[x], frame[y], x in LOWER_IS_BETTER, y in LOWER_IS_BETTER)
    order = np.argsort(frame[x].to_numpy()[front], kind="stable")

    def bars(column: str) -> dict[str, Any]:
        se = f"{column}_se"
        if se not in frame:
            return {"visible": False}
        return {"type": "data", "array": frame[se].tolist(), "thickness": 1, "width": 0}

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=frame[x],
            y=frame[y],
            mode="markers",
            name="cells",
            marker={"color": COLORS["muted"], "size": 7},
            error_x=bars(x),
            error_y=bars(y),
            text=labels,
            hovertemplate="%{text}<br>" + f"{x} %{{x:.4f}}<br>{y} %{{y:.4f}}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame[x].to_numpy()[front][order],
            y=frame[y].to_numpy()[front][order],
            mode="lines+markers",
            name="frontier",
            line={"color": COLORS["neutral"], "width": 2},
            marker={"color": COLORS["neutral"], "size": 9},
            text=[labels[i] for i in np.flatnonzero(front)[order]],
            hovertemplate="%{text}<extra>frontier</extra>",
        )
    )
    if baseline is not None:
        fig.add_trace(_ring(frame[x].iloc[baseline], frame[y].iloc[baseline]))
    fig.update_layout(
        title={
            "text": f"{_title(y).capitalize()} against {_title(x)}: the sweep's frontier",
            "x": 0.01,
        },
        template=TEMPLATE,
        xaxis={"title": _title(x)},
        yaxis={"title": _title(y)},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return fig


def _ring(x: float, y: float) -> go.Scatter:
    """The baseline cell's ring."""
    return go.Scatter(
        x=[x],
        y=[y],
        mode="markers",
        name="baseline",
        marker={
            "color": "rgba(0,0,0,0)",
            "size": 16,
            "line": {"color": COLORS["accent"], "width": 2},
        },
        hoverinfo="skip",
    )


def _title(column: str) -> str:
    text = column.replace("_", " ")
    return f"{text} ($)" if "cost" in column or "dollars" in column else text


def heatmap_figure(
    result: Any,
    x: str,
    y: str,
    z: str = "precision",
    where: Mapping[str, Any] | None = None,
) -> go.Figure:
    """``z`` over two swept fields ``x`` and ``y``, one tile per cell (value ± SE as text).

    Parameters
    ----------
    result : SweepResult or DataFrame
    x, y : str
        Swept paths (columns of the frame).
    z : str
        Metric to colour by.
    where : mapping, optional
        Values of the other swept fields; required when they vary.

    Raises
    ------
    SpecError
        For unknown columns, for other fields that vary without ``where``, and
        when two cells fall on one tile.
    """
    frame, params, _ = _frame(result)
    for column in (x, y, z):
        if column not in frame:
            raise fail(column, "is not a column of the sweep", list(frame.columns))
    rows = frame
    for key, value in (where or {}).items():
        if key not in frame:
            raise fail(f"where.{key}", "is not a column of the sweep", list(frame.columns))
        rows = rows[[_same(v, value) for v in rows[key]]]
    varying = [p for p in params if p not in (x, y) and rows[p].map(_key).nunique() > 1]
    if "variant" in rows and rows["variant"].nunique() > 1 and "variant" not in (x, y):
        varying.append("variant")
    if varying:
        values = {p: sorted({_text(v) for v in rows[p]}) for p in varying}
        raise fail("where", f"other swept fields vary; fix them with where={{...}}: {values}")
    if rows.empty:
        raise fail("where", "matches no cell", dict(where or {}))
    xs = list(dict.fromkeys(rows[x].map(_key)))
    ys = list(dict.fromkeys(rows[y].map(_key)))
    values = np.full((len(ys), len(xs)), np.nan)
    text = [["" for _ in xs] for _ in ys]
    se = f"{z}_se"
    for row in rows.to_dict("records"):
        i, j = ys.index(_key(row[y])), xs.index(_key(row[x]))
        if not np.isnan(values[i, j]):
            raise fail(z, f"two cells fall on one tile ({x}={_text(row[x])}, {y}={_text(row[y])})")
        values[i, j] = row[z]
        text[i][j] = f"{row[z]:.3g}" + (f" ± {row[se]:.2g}" if se in row else "")
    fig = go.Figure(
        go.Heatmap(
            x=[_text(v) for v in xs],
            y=[_text(v) for v in ys],
            z=values,
            text=text,
            texttemplate="%{text}",
            colorscale="Viridis",
            colorbar={"title": {"text": _title(z)}},
            hovertemplate=f"{x} %{{x}}<br>{y} %{{y}}<br>{z} %{{z:.4f}}<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": f"{_title(z).capitalize()} by {x} and {y}", "x": 0.01},
        template=TEMPLATE,
        xaxis={"title": x, "type": "category"},
        yaxis={"title": y, "type": "category"},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return fig


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _same(a: Any, b: Any) -> bool:
    return _key(a) == _key(tuple(b) if isinstance(b, list) else b)
