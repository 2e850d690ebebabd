"""What every plot builder shares: colours, the template, a validated frame, raw JSON figures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ..errors import fail

__all__ = [
    "COLORS",
    "GROUP_COLORS",
    "TEMPLATE",
    "axis",
    "figure",
    "floats",
    "hline",
    "hline_label",
    "layout",
    "require",
    "vline",
    "vline_label",
]

#: Colours used throughout (colour-blind safe: Okabe & Ito).
COLORS = {
    "up": "#009E73",
    "down": "#D55E00",
    "neutral": "#0072B2",
    "muted": "#999999",
    "accent": "#E69F00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
}
GROUP_COLORS = {
    "competency": COLORS["neutral"],
    "framing": COLORS["accent"],
    "leniency": COLORS["purple"],
    "halo": COLORS["sky"],
    "occasion noise": COLORS["down"],
    "reference": COLORS["muted"],
}


def require(frame: object, columns: Iterable[str], what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise fail(what, "must be a pandas DataFrame", type(frame).__name__)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise fail(what, f"lacks column(s) {', '.join(missing)}", list(frame.columns))
    return frame


#: Template of every figure.
TEMPLATE = "plotly_white"
_TITLE_X = 0.01
_MARGIN = {"l": 10, "r": 10, "t": 60, "b": 10}


def layout(fig: go.Figure, title: str, **kwargs: object) -> go.Figure:
    """Title, template and margins of a figure built with plotly's validating API."""
    fig.update_layout(
        title={"text": title, "x": _TITLE_X, "xanchor": "left"},
        template=TEMPLATE,
        margin=dict(_MARGIN),
        **kwargs,
    )
    return fig


def figure(
    traces: Sequence[dict[str, Any]],
    title: str,
    *,
    shapes: Sequence[dict[str, Any]] = (),
    annotations: Sequence[dict[str, Any]] = (),
    **layout: Any,
) -> go.Figure:
    """A Figure from plotly JSON traces and layout (with title, template and margins).

    Built without plotly's per-property validation (tests validate every
    builder's output); the Figure validates the caller's later edits. Like any
    plotly Figure it holds deep copies of what it is given, so it shares nothing
    with its inputs or other figures.
    """
    full = {
        "title": {"text": title, "x": _TITLE_X, "xanchor": "left"},
        "template": pio.templates[TEMPLATE].to_plotly_json(),  # a copy, as registered now
        "margin": dict(_MARGIN),
        **layout,
    }
    if shapes:
        full["shapes"] = list(shapes)
    if annotations:
        full["annotations"] = list(annotations)
    fig = go.Figure(data=list(traces), layout=full, _validate=False)
    # Validation stays off only while the builder's own JSON goes in.
    fig._validate = fig.layout._validate = True
    for trace in fig.data:
        trace._validate = True
    return fig


def axis(title: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Axis JSON: ``title`` as ``{"text": title}``, other properties as given."""
    return ({"title": {"text": title}} if title is not None else {}) | kwargs


def vline(x: float, line: dict[str, Any]) -> dict[str, Any]:
    """A vertical line across the plot at data ``x`` (as ``Figure.add_vline`` draws it)."""
    return {
        "type": "line", "x0": x, "x1": x, "xref": "x",
        "y0": 0, "y1": 1, "yref": "y domain", "line": line,
    }  # fmt: skip


def hline(y: float, line: dict[str, Any]) -> dict[str, Any]:
    """A horizontal line across the plot at data ``y`` (as ``Figure.add_hline`` draws it)."""
    return {
        "type": "line", "x0": 0, "x1": 1, "xref": "x domain",
        "y0": y, "y1": y, "yref": "y", "line": line,
    }  # fmt: skip


def vline_label(x: float, text: str, *, bottom: bool = False) -> dict[str, Any]:
    """Label right of a :func:`vline`, at the top (or bottom) of the plot."""
    return {
        "text": text, "showarrow": False, "x": x, "xref": "x", "xanchor": "left",
        "y": 0 if bottom else 1, "yref": "y domain", "yanchor": "bottom" if bottom else "top",
    }  # fmt: skip


def hline_label(y: float, text: str) -> dict[str, Any]:
    """Label above the right end of an :func:`hline`."""
    return {
        "text": text, "showarrow": False, "x": 1, "xref": "x domain", "xanchor": "right",
        "y": y, "yref": "y", "yanchor": "bottom",
    }  # fmt: skip


def floats(values: Any) -> np.ndarray:
    """A column or sequence as a float array (what plotly would store)."""
    return np.asarray(values, dtype=float)
