"""Plot builders: pure functions from an analysis result to a plotly Figure.

Each builder takes the DataFrame (or Result) an analysis returns and gives a
:class:`plotly.graph_objects.Figure`; nothing is drawn, stored or mutated.
Widgets, the app and notebooks call the same functions. ``import sim`` does
not import this module (plotly is an optional dependency: ``pip install
hiring-committee-sim[plots]``).

=============================  ===========================================
builder                        input
=============================  ===========================================
:func:`contributions_figure`   :func:`sim.analysis.contribution_waterfall`
:func:`tipping_points_figure`  :func:`sim.analysis.tipping_points`
:func:`weight_stability_figure` :func:`sim.analysis.weight_stability`
:func:`framing_figure`         :func:`sim.analysis.framing_effect`
:func:`decision_swing_figure`  :func:`sim.analysis.decision_swing`
:func:`sensitivity_figure`     :func:`sim.analysis.global_sensitivity`
:func:`noise_audit_figure`     :func:`sim.analysis.noise_audit`
:func:`quality_figure`         :func:`sim.analysis.decision_quality`
:func:`reliability_figure`     :func:`sim.analysis.panel_reliability`
:func:`icc_figure`             :func:`sim.analysis.panel_icc` / ``icc``
:func:`taylor_russell_figure`  :func:`sim.analysis.selection_check`
:func:`score_distribution_figure` a :class:`sim.Result`
:func:`views_figure`           :func:`sim.debrief.debrief_transcript`
:func:`validity_figure`        ``PanelDesigner.validity`` (validity by panel size)
=============================  ===========================================

Single-panel figures are written as plotly JSON and wrapped without plotly's
per-property validation, which costs far more than the numbers in an
explorer's update (tests/test_plots.py validates every builder's output
instead); the returned Figure validates later edits as usual.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from .errors import check_int, fail
from .result import Result

__all__ = [
    "contributions_figure",
    "decision_swing_figure",
    "framing_figure",
    "icc_figure",
    "noise_audit_figure",
    "quality_figure",
    "reliability_figure",
    "score_distribution_figure",
    "sensitivity_figure",
    "taylor_russell_figure",
    "tipping_points_figure",
    "validity_figure",
    "views_figure",
    "weight_stability_figure",
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
_GROUP_COLORS = {
    "competency": COLORS["neutral"],
    "framing": COLORS["accent"],
    "leniency": COLORS["purple"],
    "halo": COLORS["sky"],
    "occasion noise": COLORS["down"],
    "reference": COLORS["muted"],
}


def _require(frame: object, columns: Iterable[str], what: str) -> pd.DataFrame:
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


def _layout(fig: go.Figure, title: str, **kwargs: object) -> go.Figure:
    """Title, template and margins of a figure built with plotly's validating API."""
    fig.update_layout(
        title={"text": title, "x": _TITLE_X, "xanchor": "left"},
        template=TEMPLATE,
        margin=dict(_MARGIN),
        **kwargs,
    )
    return fig


def _figure(
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


def _axis(title: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Axis JSON: ``title`` as ``{"text": title}``, other properties as given."""
    return ({"title": {"text": title}} if title is not None else {}) | kwargs


def _vline(x: float, line: dict[str, Any]) -> dict[str, Any]:
    """A vertical line across the plot at data ``x`` (as ``Figure.add_vline`` draws it)."""
    return {
        "type": "line", "x0": x, "x1": x, "xref": "x",
        "y0": 0, "y1": 1, "yref": "y domain", "line": line,
    }  # fmt: skip


def _hline(y: float, line: dict[str, Any]) -> dict[str, Any]:
    """A horizontal line across the plot at data ``y`` (as ``Figure.add_hline`` draws it)."""
    return {
        "type": "line", "x0": 0, "x1": 1, "xref": "x domain",
        "y0": y, "y1": y, "yref": "y", "line": line,
    }  # fmt: skip


def _vline_label(x: float, text: str, *, bottom: bool = False) -> dict[str, Any]:
    """Label right of a :func:`_vline`, at the top (or bottom) of the plot."""
    return {
        "text": text, "showarrow": False, "x": x, "xref": "x", "xanchor": "left",
        "y": 0 if bottom else 1, "yref": "y domain", "yanchor": "bottom" if bottom else "top",
    }  # fmt: skip


def _hline_label(y: float, text: str) -> dict[str, Any]:
    """Label above the right end of an :func:`_hline`."""
    return {
        "text": text, "showarrow": False, "x": 1, "xref": "x domain", "xanchor": "right",
        "y": y, "yref": "y", "yanchor": "bottom",
    }  # fmt: skip


def _floats(values: Any) -> np.ndarray:
    """A column or sequence as a float array (what plotly would store)."""
    return np.asarray(values, dtype=float)


# --------------------------------------------------------------------------- one profile
def contributions_figure(contributions: pd.DataFrame, by: str = "competency") -> go.Figure:
    """Waterfall from the threshold to the expected aggregate.

    Parameters
    ----------
    contributions : DataFrame
        From :func:`sim.analysis.contribution_waterfall`.
    by : {"competency", "interviewer"}

    Returns
    -------
    plotly.graph_objects.Figure
        One Waterfall trace: the threshold, one step per competency (or
        interviewer), and the expected aggregate as the total (points).
    """
    table = _require(contributions, ["group", "name", "contribution"], "contributions")
    if by not in ("competency", "interviewer"):
        raise fail("by", "must be 'competency' or 'interviewer'", by)
    rows = table[table["group"] == by]
    threshold = float(table.attrs.get("threshold", 0.0))
    steps = rows["contribution"].to_numpy(dtype=float)
    waterfall = {
        "type": "waterfall",
        "orientation": "v",
        "x": ["threshold", *rows["name"].astype(str), "expected aggregate"],
        "y": [threshold, *steps.tolist(), 0.0],
        "measure": ["absolute", *(["relative"] * len(steps)), "total"],
        "text": [
            f"{threshold:.2f}",
            *(f"{v:+.3f}" for v in steps),
            f"{threshold + steps.sum():.2f}",
        ],
        "textposition": "outside",
        "increasing": {"marker": {"color": COLORS["up"]}},
        "decreasing": {"marker": {"color": COLORS["down"]}},
        "totals": {"marker": {"color": COLORS["neutral"]}},
        "connector": {"line": {"color": COLORS["muted"], "width": 1}},
    }
    path = threshold + np.concatenate([[0.0], np.cumsum(steps)])
    low, high = float(path.min()), float(path.max())
    pad = max(0.1, (high - low) * 0.25)
    return _figure(
        [waterfall],
        f"What moves the aggregate from the threshold, by {by}",
        yaxis=_axis("points", range=[low - pad, high + pad]),
        showlegend=False,
    )


def tipping_points_figure(tipping_points: pd.DataFrame) -> go.Figure:
    """Change in each competency's level (points) that brings hire probability to 50 %.

    Competencies with no tipping point on the scale are listed with a label and
    no bar.
    """
    table = _require(tipping_points, ["change", "status"], "tipping_points")
    names = [str(i) for i in table.index]
    change = table["change"].to_numpy(dtype=float)
    colors = [COLORS["up"] if c >= 0 else COLORS["down"] for c in np.nan_to_num(change)]
    bar = {
        "type": "bar",
        "y": names,
        "x": np.nan_to_num(change),
        "orientation": "h",
        "marker": {"color": colors},
        "text": [
            s if math.isnan(c) else f"{c:+.2f}"
            for s, c in zip(table["status"], change, strict=True)
        ],
        "textposition": "outside",
        "hovertext": [str(s) for s in table["status"]],
    }
    return _figure(
        [bar],
        "Tipping points",
        shapes=[_vline(0, {"color": COLORS["muted"], "width": 1})],
        xaxis=_axis("change of level to reach 50 % hire probability (points)"),
        yaxis=_axis(autorange="reversed"),
        showlegend=False,
    )


def weight_stability_figure(weight_stability: pd.DataFrame) -> go.Figure:
    """How far each debrief weight can be scaled before the decision flips.

    Log axis of the factor applied to the current weight (1 = now). Bars span
    the factors over which the decision stays the same; ranges open at either
    end run to the edge of the axis (0.01 stands for "down to zero", 100 for
    "no limit"). Weights that are zero now are left out.
    """
    table = _require(
        weight_stability,
        ["group", "name", "weight", "flips_below", "flips_above"],
        "weight_stability",
    )
    table = table[table["weight"] > 0]
    labels = [f"{g}: {n}" for g, n in zip(table["group"], table["name"], strict=True)]
    weight = table["weight"].to_numpy(dtype=float)
    below = table["flips_below"].to_numpy(dtype=float) / weight
    above = table["flips_above"].to_numpy(dtype=float) / weight
    edge_low, edge_high = 0.01, 100.0
    low = np.where(np.isnan(below), edge_low, np.clip(below, edge_low, 1.0))
    high = np.where(np.isnan(above), edge_high, np.clip(above, 1.0, edge_high))

    def describe(b: float, a: float) -> str:
        left = "down to 0" if math.isnan(b) else f"flips below x{b:.3g}"
        right = "no limit" if math.isnan(a) else f"flips above x{a:.3g}"
        return f"{left}; {right}"

    bar = {
        "type": "bar",
        "y": labels,
        "x": np.log10(high) - np.log10(low),
        "base": np.log10(low),
        "orientation": "h",
        "marker": {"color": COLORS["sky"]},
        "name": "decision unchanged",
        "hovertext": [describe(b, a) for b, a in zip(below, above, strict=True)],
        "text": ["" if math.isnan(a) else f"x{a:.3g}" for a in above],
        "textposition": "inside",
    }
    decision = str(table["decision"].iloc[0]) if "decision" in table and len(table) else ""
    ticks = [0.01, 0.1, 0.5, 1, 2, 10, 100]
    title = "Weight stability" + (f" (decision now: {decision})" if decision else "")
    return _figure(
        [bar],
        title,
        shapes=[_vline(0, {"color": COLORS["neutral"], "width": 2})],
        xaxis=_axis(
            "factor applied to the current weight (others renormalise)",
            tickvals=np.log10(ticks),
            ticktext=["0", "0.1", "0.5", "1 (now)", "2", "10", "no limit"],
            range=[-2.05, 2.05],
        ),
        yaxis=_axis(autorange="reversed"),
        showlegend=False,
    )


def framing_figure(framing: pd.DataFrame) -> go.Figure:
    """Hire probability and the committee's views with framing -1 vs +1.

    Left: hire probability per scenario. Right: expected view (points) of
    each competency told as model internals (-1) and as dollar impact (+1).
    """
    table = _require(framing, ["framing", "hire_probability", "aggregate_mean"], "framing")
    competencies = [
        c for c in table.columns if c not in ("framing", "hire_probability", "aggregate_mean")
    ]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.3, 0.7],
        subplot_titles=("hire probability", "committee's expected view (points)"),
    )
    fig.add_bar(
        x=[str(i) for i in table.index],
        y=table["hire_probability"],
        marker={"color": [COLORS["down"], COLORS["muted"], COLORS["up"]][: len(table)]},
        text=[f"{p:.1%}" for p in table["hire_probability"]],
        textposition="outside",
        showlegend=False,
        row=1,
        col=1,
    )
    for scenario, color in (("framing -1", COLORS["down"]), ("framing +1", COLORS["up"])):
        if scenario in table.index:
            fig.add_bar(
                x=competencies,
                y=table.loc[scenario, competencies].astype(float),
                name=scenario,
                marker={"color": color},
                row=1,
                col=2,
            )
    fig.update_yaxes(range=[0, 1.1], row=1, col=1)
    return _layout(fig, "Same facts, different framing", barmode="group")


# --------------------------------------------------------------------------- pools
def decision_swing_figure(decision_swing: pd.DataFrame) -> go.Figure:
    """Share of debrief decisions that change when a competency weight is zeroed or doubled."""
    table = _require(decision_swing, ["changed_zeroed", "changed_doubled"], "decision_swing")
    names = [str(i) for i in table.index]
    bars = [
        {
            "type": "bar",
            "y": names,
            "x": _floats(table[column]),
            "orientation": "h",
            "name": label,
            "marker": {"color": color},
        }
        for column, label, color in (
            ("changed_zeroed", "weight set to 0", COLORS["down"]),
            ("changed_doubled", "weight doubled", COLORS["up"]),
        )
    ]
    return _figure(
        bars,
        "Decision swing",
        xaxis=_axis("share of debrief decisions that change", tickformat=".0%"),
        yaxis=_axis(autorange="reversed"),
        barmode="group",
    )


def sensitivity_figure(
    sensitivity: pd.DataFrame, output: str = "hire", index: str = "S1"
) -> go.Figure:
    """Inputs ranked by a sensitivity index, coloured by group.

    Parameters
    ----------
    sensitivity : DataFrame
        From :func:`sim.analysis.global_sensitivity`.
    output : {"hire", "aggregate"}
    index : {"S1", "delta", "S1_exact", "shapley"}
        The dummy input's value is drawn as a dotted line (the estimator's floor).
    """
    table = _require(sensitivity, ["output", "input", "group", index], "sensitivity")
    if output not in set(table["output"]):
        raise fail("output", f"must be one of {sorted(set(table['output']))}", output)
    rows = table[table["output"] == output]
    dummy = rows[rows["group"] == "reference"]
    rows = rows[rows["group"] != "reference"].sort_values(index, ascending=True)
    bars = [
        {
            "type": "bar",
            "y": list(part["input"]),
            "x": _floats(part[index]),
            "orientation": "h",
            "name": str(group),
            "marker": {"color": _GROUP_COLORS.get(str(group), COLORS["muted"])},
        }
        for group, part in rows.groupby("group", sort=False)
    ]
    shapes, annotations = [], []
    floor = dummy[index].to_numpy(dtype=float)
    if floor.size and np.isfinite(floor[0]) and floor[0] > 0:
        x = float(floor[0])
        shapes.append(_vline(x, {"color": COLORS["muted"], "dash": "dot"}))
        annotations.append(_vline_label(x, "no-effect input", bottom=True))
    return _figure(
        bars,
        f"Global sensitivity of the {output} ({index})",
        shapes=shapes,
        annotations=annotations,
        xaxis=_axis(index),
        yaxis=_axis(categoryorder="array", categoryarray=list(rows["input"])),
        barmode="overlay",
        height=700,
    )


def noise_audit_figure(noise_audit: pd.DataFrame) -> go.Figure:
    """System noise per round stacked as level + stable pattern + occasion noise.

    Diamonds mark the system noise variance the spec implies.
    """
    table = _require(noise_audit, ["scope", "component", "variance", "expected"], "noise_audit")
    scopes = list(dict.fromkeys(table["scope"]))
    wide = table.pivot(index="scope", columns="component", values="variance").reindex(scopes)
    expected = table.pivot(index="scope", columns="component", values="expected").reindex(scopes)
    traces = [
        {
            "type": "bar",
            "x": scopes,
            "y": _floats(wide[component]),
            "name": label,
            "marker": {"color": color},
        }
        for component, label, color in (
            ("level", "level noise", COLORS["purple"]),
            ("stable_pattern", "stable pattern noise", COLORS["accent"]),
            ("occasion", "occasion noise", COLORS["sky"]),
        )
    ]
    traces.append(
        {
            "type": "scatter",
            "x": scopes,
            "y": _floats(expected["system"]),
            "mode": "markers",
            "marker": {"symbol": "diamond", "size": 10, "color": COLORS["neutral"]},
            "name": "system noise implied by the spec",
        }
    )
    return _figure(
        traces, "Noise audit", yaxis=_axis("variance (points squared)"), barmode="stack"
    )


_RATE_METRICS = ("hire_rate", "precision", "recall", "false_negative_rate", "validity")


def quality_figure(quality: pd.DataFrame) -> go.Figure:
    """The committee next to random selection at the same hire rate (and the closed forms)."""
    table = _require(quality, ["committee", "random"], "quality")
    rates = [m for m in _RATE_METRICS if m in table.index]
    fig = make_subplots(
        rows=1, cols=2, column_widths=[0.7, 0.3], subplot_titles=("rates", "dollars per hire")
    )
    columns = [
        ("committee", "committee", COLORS["neutral"]),
        ("random", "random selection", COLORS["muted"]),
        ("closed_form", "closed form", COLORS["accent"]),
    ]
    for column, label, color in columns:
        if column not in table:
            continue
        error = None
        if column == "committee" and "committee_se" in table:
            error = {"type": "data", "array": table.loc[rates, "committee_se"].fillna(0)}
        fig.add_bar(
            x=rates,
            y=table.loc[rates, column],
            name=label,
            marker={"color": color},
            error_y=error,
            legendgroup=column,
            row=1,
            col=1,
        )
        if "dollars_per_hire" in table.index:
            fig.add_bar(
                x=[label],
                y=[table.loc["dollars_per_hire", column]],
                marker={"color": color},
                showlegend=False,
                legendgroup=column,
                row=1,
                col=2,
            )
    fig.update_yaxes(tickformat="$,.0f", row=1, col=2)
    return _layout(fig, "Decision quality against the truth", barmode="group")


def reliability_figure(reliability: pd.DataFrame) -> go.Figure:
    """Simulated reliability of k-rater panels (with 2 SE bars) and Spearman-Brown curves."""
    table = _require(reliability, ["simulated", "se"], "reliability")
    k = [int(i) for i in table.index]
    traces = [
        {
            "type": "scatter",
            "x": k,
            "y": _floats(table["simulated"]),
            "mode": "markers",
            "name": "simulated",
            "marker": {"color": COLORS["neutral"], "size": 9},
            "error_y": {"type": "data", "array": 2 * _floats(table["se"])},
        }
    ]
    for column, label, dash in (
        ("spearman_brown", "Spearman-Brown from simulated ICC(1,1)", "dot"),
        ("spearman_brown_exact", "Spearman-Brown from the spec", "solid"),
    ):
        if column in table:
            traces.append(
                {
                    "type": "scatter",
                    "x": k,
                    "y": _floats(table[column]),
                    "mode": "lines",
                    "name": label,
                    "line": {"color": COLORS["accent"], "dash": dash},
                }
            )
    return _figure(
        traces,
        "Panel size and reliability",
        xaxis=_axis("raters per panel (k)", dtick=1),
        yaxis=_axis("reliability of the panel's mean"),
    )


def icc_figure(icc: pd.DataFrame) -> go.Figure:
    """The six Shrout & Fleiss intraclass correlations with their confidence intervals."""
    table = _require(icc, ["icc", "ci_low", "ci_high"], "icc")
    forms = [str(i) for i in table.index]
    icc_values = _floats(table["icc"])
    points = {
        "type": "scatter",
        "x": forms,
        "y": icc_values,
        "mode": "markers",
        "marker": {"color": COLORS["neutral"], "size": 10},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": _floats(table["ci_high"]) - icc_values,
            "arrayminus": icc_values - _floats(table["ci_low"]),
        },
    }
    return _figure(
        [points],
        "Intraclass correlations (Shrout & Fleiss)",
        yaxis=_axis("intraclass correlation", range=[0, 1]),
        showlegend=False,
    )


def taylor_russell_figure(selection: pd.DataFrame) -> go.Figure:
    """Success ratio vs selection ratio: Taylor-Russell lines, simulated points (2 SE)."""
    table = _require(
        selection,
        ["validity", "selection_ratio", "base_rate", "success_ratio"],
        "selection",
    )
    palette = [COLORS[c] for c in ("neutral", "down", "up", "purple", "accent", "sky")]
    traces = []
    for i, ((validity, base_rate), part) in enumerate(
        table.sort_values("selection_ratio").groupby(["validity", "base_rate"], sort=True)
    ):
        color = palette[i % len(palette)]
        label = f"validity {validity:.2f}, base rate {base_rate:.2f}"
        ratio = _floats(part["selection_ratio"])
        traces.append(
            {
                "type": "scatter",
                "x": ratio,
                "y": _floats(part["success_ratio"]),
                "mode": "lines",
                "name": label,
                "line": {"color": color},
                "legendgroup": label,
            }
        )
        if "success_ratio_sim" in part:
            traces.append(
                {
                    "type": "scatter",
                    "x": ratio,
                    "y": _floats(part["success_ratio_sim"]),
                    "mode": "markers",
                    "name": f"{label} (simulated)",
                    "marker": {"color": color},
                    "error_y": {"type": "data", "array": 2 * _floats(part["success_ratio_se"])},
                    "legendgroup": label,
                    "showlegend": False,
                }
            )
    return _figure(
        traces,
        "Taylor-Russell: success ratio",
        xaxis=_axis("selection ratio", tickformat=".0%"),
        yaxis=_axis("success ratio (share of hires who succeed)", tickformat=".0%"),
    )


# --------------------------------------------------------------------------- distributions
def score_distribution_figure(result: Result, bins: int = 40) -> go.Figure:
    """Debrief scores of hires and non-hires, coloured by the truth.

    Stacked histogram (counts, computed here, so the figure stays small for
    any pool) of the rule's score (the aggregate, or e.g. the median of the
    judgments) among candidates who reached the debrief, in
    four groups: hired and would succeed, hired and would not, rejected and
    would have succeeded, rejected and would not. The threshold is a dashed
    line.

    Parameters
    ----------
    result : Result
        Any pool simulation (``keep="decisions"`` is enough).
    bins : int, default 40
    """
    if not isinstance(result, Result):
        raise fail("result", "must be a Result (see sim.simulate)", type(result).__name__)
    check_int("bins", bins, 1)
    reached = result.reached
    # What the rule compared with the threshold: the aggregate, or e.g. the median.
    score = result.score[reached]
    hired = result.hired[reached]
    success = result.success[reached]
    threshold = result.process.debrief.threshold
    if score.size:
        low, high = float(score.min()), float(score.max())
    else:
        low, high = threshold - 1, threshold + 1
    # Equal-width bins with the threshold on an edge, so no bar mixes hires and rejections.
    width = (high - low) / bins if high > low else 1.0 / bins
    start = threshold - math.ceil((threshold - low) / width) * width
    stop = threshold + math.ceil((high - threshold) / width) * width
    edges = np.linspace(start, stop, round((stop - start) / width) + 1)
    centers = (edges[:-1] + edges[1:]) / 2
    groups = (
        ("hired, would succeed", hired & success, COLORS["up"], 1.0),
        ("hired, would not succeed", hired & ~success, COLORS["down"], 1.0),
        ("rejected, would have succeeded", ~hired & success, COLORS["up"], 0.35),
        ("rejected, would not succeed", ~hired & ~success, COLORS["down"], 0.35),
    )
    bars = [
        {
            "type": "bar",
            "x": centers,
            "y": np.histogram(score[mask], bins=edges)[0],
            "width": float(edges[1] - edges[0]),
            "name": label,
            "marker": {"color": color, "opacity": opacity},
        }
        for label, mask, color, opacity in groups
    ]
    return _figure(
        bars,
        "Who gets hired, and who would succeed",
        shapes=[_vline(threshold, {"color": "black", "dash": "dash"})],
        annotations=[_vline_label(threshold, "threshold")],
        xaxis=_axis("debrief score (points)"),
        yaxis=_axis("candidates"),
        barmode="stack",
        bargap=0,
    )


# --------------------------------------------------------------------------- explorers
def views_figure(transcript: pd.DataFrame) -> go.Figure:
    """Written vs spoken overall view of each speaker, in speaking order, and the threshold.

    Parameters
    ----------
    transcript : DataFrame
        From :func:`sim.debrief.debrief_transcript` (its ``attrs`` carry the speakers).

    Returns
    -------
    plotly.graph_objects.Figure
        Two grouped Bar traces (written, spoken; points), the threshold as a dashed line.
    """
    if not isinstance(transcript, pd.DataFrame) or "speakers" not in transcript.attrs:
        what = type(transcript).__name__
        raise fail("transcript", "must be a DataFrame from sim.debrief.debrief_transcript", what)
    a = transcript.attrs
    speakers = a["speakers"]
    labels = [f"{s['position']}. {s['speaker']}" for s in speakers]
    bars = [
        {
            "type": "bar",
            "x": labels,
            "y": [float(s[key]) for s in speakers],
            "name": label,
            "marker": {"color": color},
            "text": [f"{s[key]:.2f}" for s in speakers],
            "textposition": "outside",
        }
        for key, label, color in (
            ("written_view", "written (before the debrief)", COLORS["muted"]),
            ("spoken_view", "spoken (in the room)", COLORS["neutral"]),
        )
    ]
    threshold = float(a["threshold"])
    return _figure(
        bars,
        f"What each interviewer wrote and said: {a['decision']}",
        shapes=[_hline(threshold, {"color": "black", "dash": "dash"})],
        annotations=[_hline_label(threshold, "threshold")],
        yaxis=_axis("overall view (points)"),
        barmode="group",
        height=380,
    )


def validity_figure(validity: pd.DataFrame, current: int | None = None) -> go.Figure:
    """Validity (and precision) of the process against interviewers per round.

    Parameters
    ----------
    validity : DataFrame
        :attr:`sim.widgets.PanelDesigner.validity`: indexed by panel size ``k``,
        columns ``validity`` and ``precision``.
    current : int, optional
        Panel size to mark with a dashed line.
    """
    table = _require(validity, ["validity", "precision"], "validity")
    k = [int(i) for i in table.index]
    lines = [
        {
            "type": "scatter",
            "x": k,
            "y": _floats(table[column]),
            "mode": "lines+markers",
            "name": label,
            "line": line,
        }
        for column, label, line in (
            ("validity", "validity r", {"color": COLORS["neutral"]}),
            ("precision", "precision", {"color": COLORS["up"], "dash": "dot"}),
        )
    ]
    shapes = []
    if current is not None:
        shapes.append(_vline(current, {"color": COLORS["muted"], "dash": "dash"}))
    return _figure(
        lines,
        "Validity as panels grow (same candidates)",
        shapes=shapes,
        xaxis=_axis("interviewers per round", dtick=1),
        yaxis=_axis("correlation / share", range=[0, 1]),
        height=340,
    )
