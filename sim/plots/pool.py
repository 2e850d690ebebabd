"""Plots of a pool and of a panel: swing, sensitivity, noise, quality, reliability, selection."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..errors import fail
from ..spec import Process
from ._base import (
    COLORS,
    GROUP_COLORS,
    axis,
    figure,
    floats,
    human,
    layout,
    require,
    vline,
    vline_label,
)


# --------------------------------------------------------------------------- pools
def decision_swing_figure(
    decision_swing: pd.DataFrame, titles: Mapping[str, str] | Process | None = None
) -> go.Figure:
    """Share of debrief decisions that change when a competency weight is zeroed or doubled.

    ``titles`` (the Process, or a mapping of name to title) names the competencies;
    without it, names are shown without underscores.
    """
    table = require(decision_swing, ["changed_zeroed", "changed_doubled"], "decision_swing")
    names = [human(i, titles) for i in table.index]
    bars = [
        {
            "type": "bar",
            "y": names,
            "x": floats(table[column]),
            "orientation": "h",
            "name": label,
            "marker": {"color": color},
        }
        for column, label, color in (
            ("changed_zeroed", "weight set to 0", COLORS["down"]),
            ("changed_doubled", "weight doubled", COLORS["up"]),
        )
    ]
    # Grouped horizontal bars on a reversed axis draw the first trace on top of each
    # pair; the legend lists it first too. "normal" is explicit because plotly reverses
    # a legend by default when the figure stacks bars (the app stacks this chart under
    # a stacked histogram).
    return figure(
        bars,
        "Decision swing",
        xaxis=axis("share of debrief decisions that change", tickformat=".1~%"),
        yaxis=axis(autorange="reversed"),
        barmode="group",
        legend={"traceorder": "normal"},
    )


def sensitivity_figure(
    sensitivity: pd.DataFrame,
    output: str = "hire",
    index: str = "S1",
    titles: Mapping[str, str] | Process | None = None,
) -> go.Figure:
    """Inputs ranked by a sensitivity index, coloured by group.

    Parameters
    ----------
    sensitivity : DataFrame
        From :func:`sim.analysis.global_sensitivity`.
    output : {"hire", "aggregate"}
    index : {"S1", "delta", "S1_exact", "shapley"}
        The dummy input's value is drawn as a dotted line (the estimator's floor).
    titles : mapping, optional
        Titles of competencies and interviewers (or the Process).
    """
    table = require(sensitivity, ["output", "input", "group", index], "sensitivity")
    if output not in set(table["output"]):
        raise fail("output", f"must be one of {sorted(set(table['output']))}", output)
    rows = table[table["output"] == output]
    dummy = rows[rows["group"] == "reference"]
    rows = rows[rows["group"] != "reference"].sort_values(index, ascending=True)
    # The largest bar is drawn on top (categories run bottom to top); the legend lists
    # the groups in the order they first appear from the top.
    top_down = rows.iloc[::-1]
    bars = [
        {
            "type": "bar",
            "y": [human(i, titles) for i in part["input"]],
            "x": floats(part[index]),
            "orientation": "h",
            "name": str(group),
            "marker": {"color": GROUP_COLORS.get(str(group), COLORS["muted"])},
        }
        for group, part in top_down.groupby("group", sort=False)
    ]
    shapes, annotations = [], []
    floor = dummy[index].to_numpy(dtype=float)
    if floor.size and np.isfinite(floor[0]) and floor[0] > 0:
        x = float(floor[0])
        shapes.append(vline(x, {"color": COLORS["muted"], "dash": "dot"}))
        annotations.append(vline_label(x, "no-effect input", above=True))
    return figure(
        bars,
        f"Global sensitivity of the {output} ({index})",
        shapes=shapes,
        annotations=annotations,
        xaxis=axis(index),
        yaxis=axis(categoryorder="array", categoryarray=[human(i, titles) for i in rows["input"]]),
        barmode="overlay",
        legend={"traceorder": "normal"},
        height=700,
    )


def noise_audit_figure(noise_audit: pd.DataFrame) -> go.Figure:
    """System noise per round stacked as level + stable pattern + occasion noise.

    Diamonds mark the system noise variance the spec implies.
    """
    table = require(noise_audit, ["scope", "component", "variance", "expected"], "noise_audit")
    scopes = list(dict.fromkeys(table["scope"]))
    wide = table.pivot(index="scope", columns="component", values="variance").reindex(scopes)
    expected = table.pivot(index="scope", columns="component", values="expected").reindex(scopes)
    traces = [
        {
            "type": "bar",
            "x": [human(s) for s in scopes],
            "y": floats(wide[component]),
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
            "x": [human(s) for s in scopes],
            "y": floats(expected["system"]),
            "mode": "markers",
            "marker": {"symbol": "diamond", "size": 10, "color": COLORS["neutral"]},
            "name": "system noise implied by the spec",
        }
    )
    return figure(traces, "Noise audit", yaxis=axis("variance (points squared)"), barmode="stack")


_RATE_METRICS = ("hire_rate", "precision", "recall", "false_negative_rate", "validity")


def quality_figure(quality: pd.DataFrame) -> go.Figure:
    """The committee next to random selection at the same hire rate (and the closed forms)."""
    table = require(quality, ["committee", "random"], "quality")
    rates = [m for m in _RATE_METRICS if m in table.index]
    # Axis titles, not subplot titles: those sit where a stacked figure puts its own title.
    fig = make_subplots(rows=1, cols=2, column_widths=[0.7, 0.3], horizontal_spacing=0.2)
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
            x=[human(r) for r in rates],
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
    shown = [c for c, _, _ in columns if c in table]
    high = table.loc[rates, shown].to_numpy(dtype=float)
    if "committee_se" in table:
        high = np.append(high, (table.loc[rates, "committee"] + table.loc[rates, "committee_se"]))
    top = float(np.nanmax(high)) if np.isfinite(high).any() else 1.0
    fig.update_yaxes(title_text="share", range=[0, max(top, 0.0) * 1.12 or 1.0], row=1, col=1)
    dollars = (
        table.loc["dollars_per_hire", shown].to_numpy(dtype=float)
        if "dollars_per_hire" in table.index
        else np.array([1.0])
    )
    low_d = min(0.0, float(np.nanmin(dollars)) * 1.12) if np.isfinite(dollars).any() else 0.0
    high_d = max(0.0, float(np.nanmax(dollars)) * 1.12) if np.isfinite(dollars).any() else 1.0
    fig.update_yaxes(
        title_text="value per hire a year",
        tickformat="$,.0f",
        range=[low_d, high_d or 1.0],  # headroom: no bar touches the top
        row=1,
        col=2,
    )
    return layout(fig, "Decision quality against the truth", barmode="group")


def reliability_figure(reliability: pd.DataFrame) -> go.Figure:
    """Simulated reliability of k-rater panels (with 2 SE bars) and Spearman-Brown curves."""
    table = require(reliability, ["simulated", "se"], "reliability")
    k = [int(i) for i in table.index]
    traces = [
        {
            "type": "scatter",
            "x": k,
            "y": floats(table["simulated"]),
            "mode": "markers",
            "name": "simulated",
            "marker": {"color": COLORS["neutral"], "size": 9},
            "error_y": {"type": "data", "array": 2 * floats(table["se"])},
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
                    "y": floats(table[column]),
                    "mode": "lines",
                    "name": label,
                    "line": {"color": COLORS["accent"], "dash": dash},
                }
            )
    return figure(
        traces,
        "Panel size and reliability",
        xaxis=axis("raters per panel (k)", dtick=1),
        yaxis=axis("reliability of the panel's mean"),
    )


def icc_figure(icc: pd.DataFrame) -> go.Figure:
    """The six Shrout & Fleiss intraclass correlations with their confidence intervals."""
    table = require(icc, ["icc", "ci_low", "ci_high"], "icc")
    forms = [str(i) for i in table.index]
    icc_values = floats(table["icc"])
    points = {
        "type": "scatter",
        "x": forms,
        "y": icc_values,
        "mode": "markers",
        "marker": {"color": COLORS["neutral"], "size": 10},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": floats(table["ci_high"]) - icc_values,
            "arrayminus": icc_values - floats(table["ci_low"]),
        },
    }
    return figure(
        [points],
        "Intraclass correlations (Shrout & Fleiss)",
        yaxis=axis("intraclass correlation", range=[0, 1]),
        showlegend=False,
    )


def taylor_russell_figure(selection: pd.DataFrame) -> go.Figure:
    """Success ratio vs selection ratio: Taylor-Russell lines, simulated points (2 SE)."""
    table = require(
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
        ratio = floats(part["selection_ratio"])
        traces.append(
            {
                "type": "scatter",
                "x": ratio,
                "y": floats(part["success_ratio"]),
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
                    "y": floats(part["success_ratio_sim"]),
                    "mode": "markers",
                    "name": f"{label} (simulated)",
                    "marker": {"color": color},
                    "error_y": {"type": "data", "array": 2 * floats(part["success_ratio_se"])},
                    "legendgroup": label,
                    "showlegend": False,
                }
            )
    return figure(
        traces,
        "Taylor-Russell: success ratio",
        xaxis=axis("selection ratio", tickformat=".0%"),
        yaxis=axis("success ratio (share of hires who succeed)", tickformat=".0%"),
    )
