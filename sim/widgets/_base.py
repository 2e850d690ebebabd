"""What every explorer shares: controls as the state, one synchronous refresh, figure sync.

An explorer owns a set of named controls (ipywidgets). Their values *are* the
explorer's state, so a slider moved in a browser and ``set_state`` from Python
take the same path: the explorer recomputes everything from the core API and
copies the new numbers into its figures before the call returns.

Every value a control holds is one it can show: a slider's value is snapped to
its ``step`` grid and range (:func:`snap`) before it reaches the control, whether
it comes from the constructor, ``set_state`` or the browser. Float sliders send
only settled moves (``continuous_update=False``): a browser slider then never
echoes a value the kernel set, and a change that differs from the current value
only by float noise (``2.5`` against ``2.5000000000000004``) recomputes nothing.
So the state after a notebook's Run All in JupyterLab is the state nbclient
reaches without a browser (``tests/test_notebooks_browser.py``).
"""

from __future__ import annotations

import html
import itertools
import json
import math
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from ..errors import SpecError, fail
from ..plots import TEMPLATE  # every explorer figure keeps the builders' template
from ..plots._base import human, plain_figures
from ..validation import check_number

__all__ = ["Explorer", "live_explorers", "metric_html", "snap", "sync_figure"]

#: Every explorer built in this process, by creation number (weak: a dropped one leaves).
_LIVE: weakref.WeakValueDictionary[int, Explorer] = weakref.WeakValueDictionary()
_COUNTER = itertools.count()


def live_explorers() -> list[Explorer]:
    """The explorers alive in this kernel, oldest first.

    A browser test asks a kernel for ``[(type(e).__name__, e.state) for e in
    live_explorers()]`` and compares it with the same notebook run without a browser.
    """
    return [_LIVE[key] for key in sorted(_LIVE.keys())]


def snap(control: widgets.ValueWidget, value: Any) -> Any:
    """``value`` as ``control`` can show it: on its step grid, inside its range.

    Only sliders snap; other values are returned unchanged. The result is rounded
    to 10 decimals, so repeated sums (``7.2 + 0.1 + 0.1``) land on the same float
    as the literal (``7.4``).

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> slider = widgets.FloatSlider(min=0.0, max=5.0, step=0.1)
    >>> snap(slider, 0.15000000000000002), snap(slider, 7.0), snap(slider, 7.2 + 0.1 + 0.1 - 7)
    (0.2, 5.0, 0.4)
    """
    if not isinstance(control, widgets.FloatSlider | widgets.IntSlider):
        return value
    low, high, step = control.min, control.max, control.step
    steps = round((float(value) - low) / step)
    snapped = min(max(low + steps * step, low), high)
    if isinstance(control, widgets.IntSlider):
        return round(snapped)
    return round(float(snapped), 10)


class Explorer:
    """Base class: named controls, ``state``/``set_state``, one widget to display.

    A subclass registers its controls with :meth:`_add_control`, then calls
    :meth:`_build` once, which computes the first state and only then creates
    the figure (Voila renders a FigureWidget's construction state, so it must
    already hold its final data). The subclass implements:

    ``_compute()``
        Recompute every number from the controls (core and analysis API only).
    ``_compute_readout()``
        Optional: numbers only the read-out shows, computed after the figure is
        sent (so they do not delay it; e.g. a Monte Carlo band).
    ``_figure_parts()``
        The :mod:`sim.plots` figures to show, stacked into one FigureWidget.
    ``_readout()``
        ``(key, label, value, formatter)`` items of the read-out line.
    ``_update_views()``
        Optional: refresh extra widgets (e.g. a transcript).

    Attributes
    ----------
    figure : plotly.graph_objects.FigureWidget
        The explorer's one figure (see :func:`sim.widgets._compose.stack_figures`).
    error : str
        Message of the last setting the UI could not apply (empty when fine).
    """

    #: CSS name of the explorer (``hcs-explorer-<name>``).
    name = "explorer"

    def __init__(self) -> None:
        self._controls: dict[str, widgets.ValueWidget] = {}
        self._groups: dict[str, dict[str, str]] = {}
        self._quiet = False
        self._widget: widgets.Widget | None = None
        self.error = ""
        _LIVE[next(_COUNTER)] = self

    def _build(
        self,
        controls: list[widgets.Widget],
        views: Sequence[widgets.Widget] = (),
        after: Sequence[widgets.Widget] = (),
    ) -> None:
        """Compute the first state, then create the figure and the widget around it.

        ``views`` go between the read-out and the figure, ``after`` below the figure.
        """
        self._compute()
        self._compute_readout()
        self._shown = self._stacked()
        self.figure = figure_widget(
            go.Figure({**self._shown, "layout": {**self._shown["layout"], "template": TEMPLATE}}),
            self.name,
        )
        self._readout_box = widgets.HTML(self._readout_html())
        self._status = widgets.HTML("")
        left = widgets.VBox(controls, layout={"min_width": "37em"})
        right = widgets.VBox(
            [self._readout_box, self._status, *views, self.figure, *after],
            layout={"flex": "1 1 auto", "min_width": "30em"},
        )
        self._widget = widgets.HBox([left, right], layout={"flex_flow": "row wrap"})
        self._widget.add_class(f"hcs-explorer-{self.name}")

    def _stacked(self) -> dict[str, Any]:
        from ._compose import stacked_json

        with plain_figures():  # the builders' JSON as built: no Figure copies
            parts = self._figure_parts()
        return stacked_json(parts)

    def _readout_html(self) -> str:
        return metric_html(self._readout(), self.state)

    def _refresh(self) -> None:
        """Recompute from the controls and update the figure, then read-outs and views."""
        self._compute()
        new = self._stacked()
        sync_figure(self.figure, new, self._shown)
        self._shown = new
        self._compute_readout()
        self._readout_box.value = self._readout_html()
        self._status.value = ""
        self._update_views()

    def _show_error(self, message: str) -> None:
        self._status.value = f'<div style="color:#b00020">{html.escape(message)}</div>'

    def _compute(self) -> None:
        raise NotImplementedError

    def _compute_readout(self) -> None:
        """Numbers only the read-out shows (after the figure is sent); none by default."""

    def _figure_parts(self) -> list[go.Figure]:
        raise NotImplementedError

    def _readout(self) -> list[tuple[str, str, float, Callable[[float], str]]]:
        raise NotImplementedError

    def _update_views(self) -> None:
        """Refresh extra widgets (default: none)."""

    # ------------------------------------------------------------------ controls
    def _add_control(
        self, key: str, control: widgets.ValueWidget, group: str | None = None
    ) -> widgets.ValueWidget:
        """Register ``control`` under ``key`` (``group.name`` keys nest in the state)."""
        full = f"{group}.{key}" if group else key
        self._controls[full] = control
        control.value = snap(control, control.value)  # a start value it can show
        control.add_class("hcs-control-" + full.replace(".", "-").replace("_", "-"))
        if group:
            self._groups.setdefault(group, {})[key] = full
        control.observe(self._on_control, names="value")
        return control

    @property
    def controls(self) -> Mapping[str, widgets.ValueWidget]:
        """The controls by state key (``"weights.dollar_impact"`` for grouped ones)."""
        return dict(self._controls)

    @property
    def state(self) -> dict[str, Any]:
        """Current settings; grouped controls appear as one nested dict."""
        out: dict[str, Any] = {}
        for key, control in self._controls.items():
            group, _, name = key.rpartition(".")
            if group:
                out.setdefault(group, {})[name] = control.value
            else:
                out[key] = control.value
        return out

    def set_state(self, **changes: Any) -> None:
        """Change several settings at once, then recompute once.

        Grouped settings take a mapping, e.g. ``set_state(weights={"leadership":
        3.0}, threshold=7.0)``. Every value is checked before any is applied, and
        a slider's value is snapped to its step grid (:func:`snap`): the state
        holds what the control shows.

        Raises
        ------
        SpecError
            For an unknown setting or a value the control cannot take; the
            state is left unchanged.
        """
        flat = self._flatten(changes)
        for key, value in flat.items():
            self._check_value(key, self._controls[key], value)
        flat = {key: snap(self._controls[key], value) for key, value in flat.items()}
        old = {key: self._controls[key].value for key in flat}
        with self._quietly():
            for key, value in flat.items():
                self._controls[key].value = value
        try:
            self._refresh()
        except SpecError:
            with self._quietly():
                for key, value in old.items():
                    self._controls[key].value = value
            self._refresh()
            raise
        self.error = ""

    def _flatten(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        flat: dict[str, Any] = {}
        for key, value in changes.items():
            if key in self._groups:
                if not isinstance(value, Mapping):
                    raise fail(key, "must be a mapping of name: value", value)
                for name, item in value.items():
                    if name not in self._groups[key]:
                        known = ", ".join(self._groups[key])
                        raise fail(f"{key}.{name}", f"unknown setting; known: {known}", item)
                    flat[self._groups[key][name]] = item
            elif key in self._controls:
                flat[key] = value
            else:
                known = ", ".join(sorted({k.split(".")[0] for k in self._controls}))
                raise fail(key, f"unknown setting of {type(self).__name__}; known: {known}")
        return flat

    @staticmethod
    def _check_value(key: str, control: widgets.ValueWidget, value: Any) -> None:
        if isinstance(control, widgets.FloatSlider | widgets.IntSlider):
            integer = isinstance(control, widgets.IntSlider)
            check_number(key, value, low=control.min, high=control.max, integer=integer)
        elif isinstance(control, widgets.Dropdown | widgets.ToggleButtons):
            allowed = (
                [v for _, v in control.options]
                if _pairs(control.options)
                else list(control.options)
            )
            if value not in allowed:
                raise fail(key, f"must be one of {', '.join(map(str, allowed))}", value)
        elif isinstance(control, widgets.Checkbox) and not isinstance(value, bool):
            raise fail(key, "must be True or False", value)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        previous, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = previous

    def _on_control(self, change: Mapping[str, Any]) -> None:
        if self._quiet:
            return
        control = change["owner"]
        new = snap(control, change["new"])
        if new != change["new"]:  # typed into the read-out, or float noise: show the grid value
            with self._quietly():
                control.value = new
        if new == snap(control, change["old"]):
            return  # nothing the control can show has changed
        try:
            self._refresh()
            self.error = ""
        except SpecError as exc:
            # A setting the spec rejects (e.g. every weight at zero): say so, keep the figures.
            self.error = str(exc)
            self._show_error(self.error)

    # ------------------------------------------------------------------ display
    @property
    def widget(self) -> widgets.Widget:
        """The explorer as one ipywidgets container."""
        if self._widget is None:
            raise RuntimeError(f"{type(self).__name__} built no widget")
        return self._widget

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _pairs(options: Any) -> bool:
    return bool(options) and all(isinstance(o, tuple) and len(o) == 2 for o in options)


def sync_figure(
    target: go.FigureWidget, source: dict[str, Any], shown: dict[str, Any] | None = None
) -> None:
    """Make ``target`` show the plotly JSON ``source``, sending only what changed.

    ``shown`` is the JSON ``target`` shows now (what the last call sent); when
    given, changes are found by comparing plain dicts, which is much faster
    than reading the widget back. Traces are updated in place when both hold
    the same trace types (the same builders on new numbers), replaced otherwise.
    """
    if shown is None:
        shown = {
            "data": [t.to_plotly_json() for t in target.data],
            "layout": target.layout.to_plotly_json(),
        }
    old_data, new_data = shown["data"], source["data"]
    same = len(old_data) == len(new_data) and all(
        a.get("type") == b.get("type") for a, b in zip(old_data, new_data, strict=True)
    )
    layout = {k: v for k, v in source["layout"].items() if k != "template"}
    old_layout = {k: v for k, v in shown["layout"].items() if k != "template"}
    relayout = {k: v for k, v in layout.items() if not _equal(old_layout.get(k), v)}
    relayout |= {k: None for k in old_layout if k not in layout}
    if not same:
        with target.batch_update():
            target.data = ()
            target.add_traces(new_data)
        if relayout:
            target.plotly_relayout(relayout)
        return
    # Traces whose changed properties are the same go in one plotly_update: one message
    # and one redraw in the browser for the usual case (the same builders on new numbers).
    # restyle/relayout skip plotly's per-property validation (the builders' figures are
    # valid already), which is most of the cost of an update in Python.
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, (before, after) in enumerate(zip(old_data, new_data, strict=True)):
        keys = tuple(
            sorted(
                key
                for key in before.keys() | after.keys()
                if key != "uid" and not _equal(before.get(key), after.get(key))
            )
        )
        if keys:
            groups.setdefault(keys, []).append(index)
    for keys, indexes in groups.items():
        restyle = {key: [new_data[i].get(key) for i in indexes] for key in keys}
        target.plotly_update(restyle_data=restyle, relayout_data=relayout, trace_indexes=indexes)
        relayout = {}
    if relayout:
        target.plotly_relayout(relayout)


def _equal(a: Any, b: Any) -> bool:
    """Deep equality of plotly JSON values (arrays compared element-wise)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return bool(np.array_equal(np.asarray(a), np.asarray(b)))
        except (TypeError, ValueError):
            return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def figure_widget(source: go.Figure, name: str) -> go.FigureWidget:
    """A FigureWidget holding ``source`` from construction on (what Voila renders).

    It carries the CSS class ``hcs-figure-<name>`` for browser tests.
    """
    fig = go.FigureWidget(source)
    fig.add_class(f"hcs-figure-{name}")
    return fig


def metric_html(
    items: list[tuple[str, str, float, Callable[[float], str]]], state: Mapping[str, Any]
) -> str:
    """Read-out HTML: one labelled number per item, machine-readable in ``data-value``.

    ``items`` holds ``(key, label, value, formatter)``; NaN shows as an en dash.
    ``state`` (the explorer's settings these numbers belong to) goes into the
    container's ``data-state`` as JSON, so a browser test can tell which
    setting a read-out shows.
    """
    cells = []
    for key, label, value, formatter in items:
        text = (
            "–"
            if value is None or (isinstance(value, float) and math.isnan(value))
            else (formatter(value))
        )
        cells.append(
            f'<div class="hcs-metric" style="display:inline-block;margin:0 1.2em 0.4em 0">'
            f'<div style="font-size:0.8em;color:#555">{html.escape(label)}</div>'
            f'<div style="font-size:1.4em;font-weight:600" data-metric="{key}" '
            f'data-value="{value!r}">{html.escape(text)}</div></div>'
        )
    data = html.escape(json.dumps(state, sort_keys=True), quote=True)
    return f'<div class="hcs-readout" data-state="{data}">' + "".join(cells) + "</div>"


def percent(value: float) -> str:
    """``0.1234`` -> ``"12.3 %"``."""
    return f"{100 * value:.1f} %"


def dollars(value: float) -> str:
    """``12345.6`` -> ``"$12,346"``."""
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"


def number(value: float) -> str:
    """Two decimals."""
    return f"{value:.2f}"


_STYLE = {"description_width": "16em"}  # "Cross-functional influence" in full
_LAYOUT = {"width": "36em"}


def float_slider(
    description: str, value: float, low: float, high: float, step: float, fmt: str = ".2f"
) -> widgets.FloatSlider:
    """A labelled slider that reports settled moves: a key press, or the end of a drag.

    Not ``continuous_update``: with it, the browser answers every value the kernel
    sets with its own rounding of it, which arrives after the kernel has moved on.
    """
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=fmt,
        continuous_update=False,
        style=_STYLE,
        layout=_LAYOUT,
    )


def int_slider(description: str, value: int, low: int, high: int) -> widgets.IntSlider:
    """A labelled integer slider."""
    return widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        step=1,
        description=description,
        continuous_update=True,
        style=_STYLE,
        layout=_LAYOUT,
    )


def dropdown(description: str, options: Any, value: Any) -> widgets.Dropdown:
    """A labelled drop-down; a bare name is shown as people read it (``"weighted mean"``).

    The explorer's state keeps the name (``"weighted_mean"``): options become
    ``(label, name)`` pairs when a label differs from its name.
    """
    options = list(options)
    if any(not isinstance(o, tuple) and human(o) != str(o) for o in options):
        options = [o if isinstance(o, tuple) else (human(o), o) for o in options]
    return widgets.Dropdown(
        options=options, value=value, description=description, style=_STYLE, layout=_LAYOUT
    )


def heading(text: str) -> widgets.HTML:
    """A bold label over a group of controls."""
    return widgets.HTML(f"<b>{html.escape(text)}</b>")
