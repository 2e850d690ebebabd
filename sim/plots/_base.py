"""What every plot builder shares: colours, the template, a validated frame, raw JSON figures."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    "human",
    "layout",
    "plain_figures",
    "require",
    "rgba",
    "titles_of",
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


_PLAIN = threading.local()


@contextlib.contextmanager
def plain_figures() -> Iterator[None]:
    """Within this block (this thread), :func:`figure` returns a :class:`PlainFigure`.

    For an explorer that stacks its builders' figures into its own FigureWidget
    on every move: the builders' plotly JSON is read as built, without a
    Figure's deep copies or the template (the widget has its own), which is
    most of the cost of a builder in Python (~3 ms a figure).
    """
    before = getattr(_PLAIN, "on", False)
    _PLAIN.on = True
    try:
        yield
    finally:
        _PLAIN.on = before


class _Attributes:
    """Attribute reads of a plotly JSON dict (``None`` when unset), like a Figure's."""

    __slots__ = ("_props",)

    def __init__(self, props: dict[str, Any]) -> None:
        self._props = props

    def __getattr__(self, name: str) -> Any:
        return self._props.get(name)


class PlainFigure:
    """A builder's figure as plotly JSON, not copied: read ``data``/``layout`` attributes only.

    Made by :func:`figure` inside :func:`plain_figures`; :func:`sim.widgets._compose.
    stacked_json` reads it as it reads a Figure. ``to_dict()`` gives the JSON.
    """

    def __init__(self, data: list[dict[str, Any]], layout: dict[str, Any]) -> None:
        self._data, self._layout = data, layout

    @property
    def data(self) -> tuple[_Attributes, ...]:
        return tuple(_Attributes(trace) for trace in self._data)

    @property
    def layout(self) -> _Attributes:
        return _Attributes(self._layout)

    def to_dict(self) -> dict[str, Any]:
        return {"data": self._data, "layout": self._layout}


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
        "margin": dict(_MARGIN),
        **layout,
    }
    if shapes:
        full["shapes"] = list(shapes)
    if annotations:
        full["annotations"] = list(annotations)
    if getattr(_PLAIN, "on", False):
        return PlainFigure(list(traces), full)  # type: ignore[return-value]
    full["template"] = pio.templates[TEMPLATE].to_plotly_json()  # a copy, as registered now
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


def vline_label(
    x: float, text: str, *, bottom: bool = False, above: bool = False
) -> dict[str, Any]:
    """Label right of a :func:`vline`, at the top (or bottom) of the plot.

    ``above`` puts it just above the plot area instead, clear of any bar (for a
    line drawn across horizontal bars, whose top and bottom rows are bars too).
    """
    if above:
        return {
            "text": text, "showarrow": False, "x": x, "xref": "x", "xanchor": "left",
            "y": 1, "yref": "y domain", "yanchor": "bottom", "yshift": 2,
        }  # fmt: skip
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


def human(name: object, titles: Mapping[str, str] | Any = None) -> str:
    """A name as people read it: its title in ``titles``, else without underscores.

    ``titles`` is a mapping of name to title or a :class:`sim.spec.Process` (its
    competency titles and interviewer roles, :func:`titles_of`). ``"group: name"``
    (a sensitivity input) keeps its group and humanises the name.

    Examples
    --------
    >>> human("dollar_impact"), human("dollar_impact", {"dollar_impact": "Dollar impact"})
    ('dollar impact', 'Dollar impact')
    >>> human("leniency: senior_pm", {"senior_pm": "Senior PM"})
    'leniency: Senior PM'
    """
    text = str(name)
    if titles is not None and hasattr(titles, "competencies"):
        titles = titles_of(titles)
    group, sep, rest = text.partition(": ")
    if sep:
        return f"{human(group)}: {human(rest, titles)}"
    if titles and text in titles:
        return str(titles[text])
    return text.replace("_", " ")


def titles_of(process: Any) -> dict[str, str]:
    """Competency titles and interviewer roles of a :class:`sim.spec.Process`, by name."""
    out = {p.name: str(p.role or p.name).replace("_", " ") for p in process.interviewers}
    return out | {c.name: c.title for c in process.competencies}


def rgba(color: str, alpha: float) -> str:
    """``"#009E73"`` at opacity ``alpha`` as ``"rgba(0,158,115,0.35)"``.

    A bar's fill colour carries its transparency, so its legend swatch shows it too
    (``marker.opacity`` is not drawn in the legend).
    """
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha:g})"


def floats(values: Any) -> np.ndarray:
    """A column or sequence as a float array (what plotly would store)."""
    return np.asarray(values, dtype=float)
