"""Plots of one candidate: contributions, tipping points, weight stability, framing."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..errors import fail
from ..spec import Process
from ._base import (
    COLORS,
    axis,
    figure,
    human,
    layout,
    require,
    vline,
)


# --------------------------------------------------------------------------- one profile
def contributions_figure(
    contributions: pd.DataFrame,
    by: str = "competency",
    titles: Mapping[str, str] | Process | None = None,
) -> go.Figure:
    """Waterfall from the threshold to the expected aggregate.

    Parameters
    ----------
    contributions : DataFrame
        From :func:`sim.analysis.contribution_waterfall`.
    by : {"competency", "interviewer"}
    titles : mapping, optional
        Titles of competencies and interviewers (or the Process); without
        it, names are shown without underscores.

    Returns
    -------
    plotly.graph_objects.Figure
        One Waterfall trace: the threshold, one step per competency (or
        interviewer), and the expected aggregate as the total (points).
    """
    table = require(contributions, ["group", "name", "contribution"], "contributions")
    if by not in ("competency", "interviewer"):
        raise fail("by", "must be 'competency' or 'interviewer'", by)
    rows = table[table["group"] == by]
    threshold = float(table.attrs.get("threshold", 0.0))
    steps = rows["contribution"].to_numpy(dtype=float)
    waterfall = {
        "type": "waterfall",
        "orientation": "v",
        "x": ["threshold", *(human(n, titles) for n in rows["name"]), "expected aggregate"],
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
    return figure(
        [waterfall],
        f"What moves the aggregate from the threshold, by {by}",
        yaxis=axis("points", range=[low - pad, high + pad]),
        showlegend=False,
    )


def tipping_points_figure(
    tipping_points: pd.DataFrame, titles: Mapping[str, str] | Process | None = None
) -> go.Figure:
    """Change in each competency's level (points) that brings hire probability to 50 %.

    Competencies with no tipping point on the scale are listed with a label and
    no bar. The axis leaves room beside every bar for its label.
    """
    table = require(tipping_points, ["change", "status"], "tipping_points")
    names = [human(i, titles) for i in table.index]
    change = table["change"].to_numpy(dtype=float)
    finite = change[np.isfinite(change)]
    low = min(0.0, float(finite.min())) if finite.size else 0.0
    high = max(0.0, float(finite.max())) if finite.size else 0.0
    span = max(high - low, 1.0)
    # About a third of the span beside the bars for "+2.82" or "none within the scale".
    pad_right = (
        0.45 * span if finite.size < change.size else 0.35 * span if high > 0 else 0.05 * span
    )
    pad_left = 0.35 * span if low < 0 else 0.05 * span
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
        "cliponaxis": False,
        "hovertext": [str(s) for s in table["status"]],
    }
    title = "Tipping points"
    if table.attrs.get("method") == "monte carlo":  # no exact law: say so, with its error
        title += (
            f" (Monte Carlo on {table.attrs['draws']:,} common draws, "
            f"probabilities ± {table.attrs['error']:.3f})"
        )
    return figure(
        [bar],
        title,
        shapes=[vline(0, {"color": COLORS["muted"], "width": 1})],
        xaxis=axis(
            "change of level to reach 50 % hire probability (points)",
            range=[low - pad_left, high + pad_right],
        ),
        yaxis=axis(autorange="reversed", automargin=True),
        showlegend=False,
    )


def weight_stability_figure(weight_stability: pd.DataFrame) -> go.Figure:
    """How far each debrief weight can be scaled before the decision flips.

    Log axis of the factor applied to the current weight (1 = now). Bars span
    the factors over which the decision stays the same; ranges open at either
    end run to the edge of the axis (0.01 stands for "down to zero", 100 for
    "no limit"). Weights that are zero now are left out.
    """
    table = require(
        weight_stability,
        ["group", "name", "weight", "flips_below", "flips_above"],
        "weight_stability",
    )
    table = table[table["weight"] > 0]
    labels = [human(f"{g}: {n}") for g, n in zip(table["group"], table["name"], strict=True)]
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
    return figure(
        [bar],
        title,
        shapes=[vline(0, {"color": COLORS["neutral"], "width": 2})],
        xaxis=axis(
            "factor applied to the current weight (others renormalise)",
            tickvals=np.log10(ticks),
            ticktext=["0", "0.1", "0.5", "1 (now)", "2", "10", "no limit"],
            range=[-2.05, 2.05],
        ),
        yaxis=axis(autorange="reversed"),
        showlegend=False,
    )


def framing_figure(framing: pd.DataFrame) -> go.Figure:
    """Hire probability and the committee's views with framing -1 vs +1.

    Left: hire probability per scenario. Right: expected view (points) of
    each competency told as model internals (-1) and as dollar impact (+1).
    """
    table = require(framing, ["framing", "hire_probability", "aggregate_mean"], "framing")
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
                x=[human(c) for c in competencies],
                y=table.loc[scenario, competencies].astype(float),
                name=scenario,
                marker={"color": color},
                row=1,
                col=2,
            )
    fig.update_yaxes(range=[0, 1.1], row=1, col=1)
    return layout(fig, "Same facts, different framing", barmode="group")
