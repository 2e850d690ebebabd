"""Several plot-builder figures stacked into one figure (one FigureWidget per explorer).

Why one figure: every plotly FigureWidget carries the whole plotly.js bundle
(~5 MB) in its widget state, and anywidget gives each model two seconds to
load it before it stops delivering updates to that model. One figure per
explorer keeps a page to a single load per explorer, and the explorers keep
using the pure builders of :mod:`sim.plots` unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

__all__ = ["stack_figures", "stacked_json"]

_AXIS_KEY = re.compile(r"^([xy])axis(\d*)$")
_AXIS_REF = re.compile(r"^([xy])(\d*)( domain)?$")
_GLOBAL_SKIP = {
    "title", "height", "width", "margin", "shapes", "annotations", "template",
    "barmode", "bargap", "bargroupgap", "showlegend",
}  # fmt: skip
_BAR_TYPES = {"bar", "waterfall", "funnel"}
_DEFAULT_HEIGHT = 420
_TITLE_PX = 34


def stack_figures(
    figures: Sequence[go.Figure],
    *,
    heights: Sequence[float | None] | None = None,
    gap: float = 70,
    template: str = "plotly_white",
) -> go.Figure:
    """One figure with ``figures`` stacked top to bottom, each in its own band.

    See :func:`stacked_json` (the same, as plotly JSON without validation).
    """
    figure = stacked_json(figures, heights=heights, gap=gap)
    figure["layout"]["template"] = template
    return go.Figure(figure)


def stacked_json(
    figures: Sequence[go.Figure],
    *,
    heights: Sequence[float | None] | None = None,
    gap: float = 70,
) -> dict[str, Any]:
    """Plotly JSON (``{"data": [...], "layout": {...}}``) of ``figures`` stacked.

    Axes, trace axis references, shapes and annotations of every part are
    renumbered and its vertical domains squeezed into the part's band; a
    part's title becomes an annotation over its band and its legend gets a
    legend of its own beside the band. Bars keep their part's ``barmode``
    (grouped or stacked) through ``offsetgroup``.

    Parameters
    ----------
    figures : sequence of Figure
        Built by :mod:`sim.plots` (or any cartesian figure).
    heights : sequence of float, optional
        Pixel height of each band; default each figure's ``layout.height`` or 420.
    gap : float
        Pixels between bands (room for the x-axis title and the next title).
    """
    sizes = [
        float(h if h is not None else (f.layout.height or _DEFAULT_HEIGHT))
        for f, h in zip(figures, heights or [None] * len(figures), strict=True)
    ]
    total = sum(sizes) + gap * (len(figures) - 1)
    layout: dict[str, Any] = {}
    traces: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    counters = {"x": 0, "y": 0}
    top = total
    left = right = 0
    for part, (fig, size) in enumerate(zip(figures, sizes, strict=True)):
        source = {k: v for k, v in _layout_props(fig).items() if k != "template"}
        band_top, band_bottom = top / total, (top - size) / total
        top -= size + gap
        title = _title_text(source.get("title"))
        plot_top = band_top - (_TITLE_PX / total if title else 0.0)
        rename = _axis_names(fig, source, counters)
        squeeze = _squeezer(band_bottom, plot_top)
        _merge_axes(layout, source, rename, squeeze)
        legend = "legend" if part == 0 else f"legend{part + 1}"
        layout[legend] = {
            **{k: v for k, v in source.get("legend", {}).items() if k not in ("x", "y")},
            "x": 1.02,
            "xanchor": "left",
            "y": plot_top,
            "yanchor": "top",
        }
        traces += _part_traces(fig, source, rename, legend, part)
        for shape in source.get("shapes", ()):
            shapes.append(_move_ref(dict(shape), rename, squeeze))
        for note in source.get("annotations", ()):
            annotations.append(_move_ref(dict(note), rename, squeeze))
        if title:
            annotations.append(_band_title(title, band_top))
        margin = source.get("margin", {})
        left, right = max(left, margin.get("l", 0)), max(right, margin.get("r", 0))
    layout["barmode"] = "stack" if any(_bar_stacks(f) for f in figures) else "group"
    layout.update(
        height=int(total + 40 + 60),
        margin={"l": max(left, 10), "r": max(right, 10), "t": 40, "b": 60},
        shapes=shapes,
        annotations=annotations,
        showlegend=True,
    )
    return {"data": traces, "layout": layout}


def _merge_axes(
    layout: dict[str, Any], source: dict[str, Any], rename: dict[str, str], squeeze: Any
) -> None:
    """Copy one part's axes (renamed, y domains squeezed into its band) and other settings."""
    for key, value in source.items():
        match = _AXIS_KEY.match(key)
        if match:
            axis = dict(value)
            old = match.group(1) + match.group(2)
            if match.group(1) == "y":
                axis["domain"] = squeeze(axis.get("domain", [0.0, 1.0]))
            for ref in ("anchor", "overlaying", "matches", "scaleanchor"):
                if isinstance(axis.get(ref), str) and axis[ref] in rename:
                    axis[ref] = rename[axis[ref]]
            layout[_layout_key(rename[old])] = axis
        elif key not in _GLOBAL_SKIP and key not in layout and not key.startswith("legend"):
            layout[key] = value
    for name in rename.values():  # axes a part uses but never configured
        key = _layout_key(name)
        if name[0] == "y" and key not in layout:
            layout[key] = {"domain": squeeze([0.0, 1.0])}
        layout.setdefault(key, {})
        anchor = name.replace("x", "y") if name[0] == "x" else name.replace("y", "x")
        if anchor in rename.values():
            layout[key].setdefault("anchor", anchor)


def _part_traces(
    fig: go.Figure, source: dict[str, Any], rename: dict[str, str], legend: str, part: int
) -> list[dict[str, Any]]:
    """One part's traces on its renamed axes and legend; bars keep the part's barmode."""
    show_legend = source.get("showlegend", True) is not False
    barmode = source.get("barmode", "group")
    traces = []
    for i, props in enumerate(_trace_props(fig)):
        data = {k: v for k, v in props.items() if k != "uid"}
        data["xaxis"] = rename[data.get("xaxis", "x")]
        data["yaxis"] = rename[data.get("yaxis", "y")]
        data["legend"] = legend
        if not show_legend:
            data["showlegend"] = False
        if data.get("type") in _BAR_TYPES and "offsetgroup" not in data:
            stacked = barmode in ("stack", "relative", "overlay")
            data["offsetgroup"] = f"p{part}" if stacked else f"p{part}t{i}"
        traces.append(data)
    return traces


def _layout_props(fig: go.Figure) -> dict[str, Any]:
    """The figure's layout as plotly JSON, not copied: read only (``to_plotly_json`` copies
    every nested dict and list, most of the cost of stacking a fresh figure)."""
    props = getattr(fig, "_layout", None)
    return props if isinstance(props, dict) else fig.layout.to_plotly_json()


def _trace_props(fig: go.Figure) -> list[dict[str, Any]]:
    """The figure's traces as plotly JSON, not copied: read only (see :func:`_layout_props`)."""
    props = getattr(fig, "_data", None)
    if isinstance(props, list) and all(isinstance(p, dict) for p in props):
        return props
    return [trace.to_plotly_json() for trace in fig.data]


def _band_title(title: str, band_top: float) -> dict[str, Any]:
    """A part's title as an annotation over its band."""
    return {
        "text": f"<b>{title}</b>",
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": band_top,
        "yref": "paper",
        "yanchor": "top",
        "showarrow": False,
        "font": {"size": 15},
    }


def _title_text(title: Any) -> str:
    if isinstance(title, dict):
        return str(title.get("text") or "")
    return str(title or "")


def _layout_key(name: str) -> str:
    """``"x"`` -> ``"xaxis"``, ``"y3"`` -> ``"yaxis3"``."""
    return f"{name[0]}axis{name[1:]}"


def _axis_names(
    fig: go.Figure, source: dict[str, Any], counters: dict[str, int]
) -> dict[str, str]:
    """New names for every axis a part configures or its traces use."""
    used = {"x", "y"}
    for key in source:
        match = _AXIS_KEY.match(key)
        if match:
            used.add(match.group(1) + (match.group(2) if match.group(2) != "1" else ""))
    for trace in fig.data:
        for attr in ("xaxis", "yaxis"):
            value = getattr(trace, attr, None)
            if value:
                used.add(value)
    rename = {}
    for name in sorted(used, key=lambda n: (n[0], int(n[1:] or 1))):
        letter = name[0]
        counters[letter] += 1
        rename[name] = letter + (str(counters[letter]) if counters[letter] > 1 else "")
    return rename


def _squeezer(low: float, high: float):
    def squeeze(domain: Sequence[float]) -> list[float]:
        return [low + float(d) * (high - low) for d in domain]

    return squeeze


def _move_ref(item: dict[str, Any], rename: dict[str, str], squeeze) -> dict[str, Any]:
    """Renumber a shape's or annotation's axis references; squeeze paper-y positions."""
    for key in ("xref", "yref"):
        ref = item.get(key)
        match = _AXIS_REF.match(ref) if isinstance(ref, str) else None
        if match:
            base = match.group(1) + (match.group(2) if match.group(2) != "1" else "")
            item[key] = rename.get(base, base) + (match.group(3) or "")
    if item.get("yref") == "paper":  # axis-domain references move with their axis
        for key in ("y", "y0", "y1"):
            if isinstance(item.get(key), int | float):
                item[key] = squeeze([item[key]])[0]
    return item


def _bar_stacks(fig: go.Figure) -> bool:
    return fig.layout.barmode in ("stack", "relative") and any(
        t.type in _BAR_TYPES for t in fig.data
    )
