"""What every explorer shares: controls as the state, one synchronous refresh, figure sync.

An explorer owns a set of named controls (ipywidgets). Their values *are* the
explorer's state, so a slider moved in a browser and ``set_state`` from Python
take the same path: the explorer recomputes everything from the core API and
copies the new numbers into its figures before the call returns.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from ..errors import SpecError, fail

__all__ = ["Explorer", "metric_html", "sync_figure"]


class Explorer:
    """Base class: named controls, ``state``/``set_state``, one widget to display.

    Subclasses register controls with :meth:`_add_control`, build their widget
    once the first computation is done (so the initial figures already hold
    their final data: Voila renders a figure's construction state), and
    implement :meth:`_refresh`, which recomputes from the current state.
    """

    def __init__(self) -> None:
        self._controls: dict[str, widgets.ValueWidget] = {}
        self._groups: dict[str, dict[str, str]] = {}
        self._quiet = False
        self._widget: widgets.Widget | None = None
        #: Message of the last state the UI could not apply (empty when fine).
        self.error = ""

    # ------------------------------------------------------------------ controls
    def _add_control(
        self, key: str, control: widgets.ValueWidget, group: str | None = None
    ) -> widgets.ValueWidget:
        """Register ``control`` under ``key`` (``group.name`` keys nest in the state)."""
        full = f"{group}.{key}" if group else key
        self._controls[full] = control
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
        3.0}, threshold=7.0)``. Every value is checked before any is applied.

        Raises
        ------
        SpecError
            For an unknown setting or a value the control cannot take; the
            state is left unchanged.
        """
        flat = self._flatten(changes)
        for key, value in flat.items():
            self._check_value(key, self._controls[key], value)
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
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise fail(key, "must be a number", value)
            if isinstance(control, widgets.IntSlider) and not float(value).is_integer():
                raise fail(key, "must be a whole number", value)
            if not (control.min <= value <= control.max) or math.isnan(value):
                raise fail(key, f"must be within [{control.min:g}, {control.max:g}]", value)
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
        try:
            self._refresh()
            self.error = ""
        except SpecError as exc:
            # A setting the spec rejects (e.g. every weight at zero): say so, keep the figures.
            self.error = str(exc)
            self._show_error(self.error)

    # ------------------------------------------------------------------ subclass hooks
    def _refresh(self) -> None:
        """Recompute from the controls and update read-outs and figures."""
        raise NotImplementedError

    def _show_error(self, message: str) -> None:
        """Show a message in the explorer (default: nothing)."""

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


def sync_figure(target: go.FigureWidget, source: go.Figure) -> None:
    """Make ``target`` show ``source``: trace data and layout, in one message.

    Traces are updated in place when the two figures have the same trace types
    (the usual case: the same plot builder on new numbers), replaced otherwise.
    """
    same = len(target.data) == len(source.data) and all(
        a.type == b.type for a, b in zip(target.data, source.data, strict=True)
    )
    layout = source.layout.to_plotly_json()
    layout.pop("template", None)  # identical across builds, and slow to diff
    current = target.layout.to_plotly_json()
    with target.batch_update():
        if same:
            for old, new in zip(target.data, source.data, strict=True):
                before = old.to_plotly_json()
                changed = {
                    key: value
                    for key, value in new.to_plotly_json().items()
                    if key != "uid" and not _equal(before.get(key), value)
                }
                if changed:
                    old.update(changed)
        else:
            target.data = ()
            target.add_traces(list(source.data))
        changed = {k: v for k, v in layout.items() if not _equal(current.get(k), v)}
        if changed:
            target.layout.update(changed)


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
