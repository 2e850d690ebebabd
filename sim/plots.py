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
=============================  ===========================================
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .errors import fail
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


def _layout(fig: go.Figure, title: str, **kwargs: object) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        **kwargs,
    )
    return fig


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
    fig = go.Figure(
        go.Waterfall(
            orientation="v",
            x=["threshold", *rows["name"].astype(str), "expected aggregate"],
            y=[threshold, *steps, 0.0],
            measure=["absolute", *(["relative"] * len(steps)), "total"],
            text=[
                f"{threshold:.2f}",
                *(f"{v:+.3f}" for v in steps),
                f"{threshold + steps.sum():.2f}",
            ],
            textposition="outside",
            increasing={"marker": {"color": COLORS["up"]}},
            decreasing={"marker": {"color": COLORS["down"]}},
            totals={"marker": {"color": COLORS["neutral"]}},
            connector={"line": {"color": COLORS["muted"], "width": 1}},
        )
    )
    path = threshold + np.concatenate([[0.0], np.cumsum(steps)])
    low, high = float(path.min()), float(path.max())
    pad = max(0.1, (high - low) * 0.25)
    fig.update_yaxes(title_text="points", range=[low - pad, high + pad])
    return _layout(fig, f"What moves the aggregate from the threshold, by {by}", showlegend=False)


def tipping_points_figure(tipping_points: pd.DataFrame) -> go.Figure:
    """Change in each competency's level (points) that brings hire probability to 50 %.

    Competencies with no tipping point on the scale are listed with a label and
    no bar.
    """
    table = _require(tipping_points, ["change", "status"], "tipping_points")
    names = [str(i) for i in table.index]
    change = table["change"].to_numpy(dtype=float)
    colors = [COLORS["up"] if c >= 0 else COLORS["down"] for c in np.nan_to_num(change)]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=np.nan_to_num(change),
            orientation="h",
            marker={"color": colors},
            text=[
                s if math.isnan(c) else f"{c:+.2f}"
                for s, c in zip(table["status"], change, strict=True)
            ],
            textposition="outside",
            hovertext=list(table["status"]),
        )
    )
    fig.add_vline(x=0, line={"color": COLORS["muted"], "width": 1})
    fig.update_xaxes(title_text="change of level to reach 50 % hire probability (points)")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, "Tipping points", showlegend=False)


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

    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=np.log10(high) - np.log10(low),
        base=np.log10(low),
        orientation="h",
        marker={"color": COLORS["sky"]},
        name="decision unchanged",
        hovertext=[describe(b, a) for b, a in zip(below, above, strict=True)],
        text=["" if math.isnan(a) else f"x{a:.3g}" for a in above],
        textposition="inside",
    )
    fig.add_vline(x=0, line={"color": COLORS["neutral"], "width": 2})
    decision = str(table["decision"].iloc[0]) if "decision" in table and len(table) else ""
    ticks = [0.01, 0.1, 0.5, 1, 2, 10, 100]
    fig.update_xaxes(
        title_text="factor applied to the current weight (others renormalise)",
        tickvals=np.log10(ticks),
        ticktext=["0", "0.1", "0.5", "1 (now)", "2", "10", "no limit"],
        range=[-2.05, 2.05],
    )
    fig.update_yaxes(autorange="reversed")
    title = "Weight stability" + (f" (decision now: {decision})" if decision else "")
    return _layout(fig, title, showlegend=False)


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
    fig = go.Figure()
    for column, label, color in (
        ("changed_zeroed", "weight set to 0", COLORS["down"]),
        ("changed_doubled", "weight doubled", COLORS["up"]),
    ):
        fig.add_bar(y=names, x=table[column], orientation="h", name=label, marker={"color": color})
    fig.update_xaxes(title_text="share of debrief decisions that change", tickformat=".0%")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, "Decision swing", barmode="group")


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
    fig = go.Figure()
    for group, part in rows.groupby("group", sort=False):
        fig.add_bar(
            y=part["input"],
            x=part[index],
            orientation="h",
            name=str(group),
            marker={"color": _GROUP_COLORS.get(str(group), COLORS["muted"])},
        )
    floor = dummy[index].to_numpy(dtype=float)
    if floor.size and np.isfinite(floor[0]) and floor[0] > 0:
        fig.add_vline(
            x=float(floor[0]),
            line={"color": COLORS["muted"], "dash": "dot"},
            annotation_text="no-effect input",
            annotation_position="bottom right",
        )
    fig.update_yaxes(categoryorder="array", categoryarray=list(rows["input"]))
    fig.update_xaxes(title_text=index)
    return _layout(
        fig, f"Global sensitivity of the {output} ({index})", barmode="overlay", height=700
    )


def noise_audit_figure(noise_audit: pd.DataFrame) -> go.Figure:
    """System noise per round stacked as level + stable pattern + occasion noise.

    Diamonds mark the system noise variance the spec implies.
    """
    table = _require(noise_audit, ["scope", "component", "variance", "expected"], "noise_audit")
    scopes = list(dict.fromkeys(table["scope"]))
    wide = table.pivot(index="scope", columns="component", values="variance").reindex(scopes)
    expected = table.pivot(index="scope", columns="component", values="expected").reindex(scopes)
    fig = go.Figure()
    for component, label, color in (
        ("level", "level noise", COLORS["purple"]),
        ("stable_pattern", "stable pattern noise", COLORS["accent"]),
        ("occasion", "occasion noise", COLORS["sky"]),
    ):
        fig.add_bar(x=scopes, y=wide[component], name=label, marker={"color": color})
    fig.add_scatter(
        x=scopes,
        y=expected["system"],
        mode="markers",
        marker={"symbol": "diamond", "size": 10, "color": COLORS["neutral"]},
        name="system noise implied by the spec",
    )
    fig.update_yaxes(title_text="variance (points squared)")
    return _layout(fig, "Noise audit", barmode="stack")


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
    fig = go.Figure()
    fig.add_scatter(
        x=k,
        y=table["simulated"],
        mode="markers",
        name="simulated",
        marker={"color": COLORS["neutral"], "size": 9},
        error_y={"type": "data", "array": 2 * table["se"]},
    )
    for column, label, dash in (
        ("spearman_brown", "Spearman-Brown from simulated ICC(1,1)", "dot"),
        ("spearman_brown_exact", "Spearman-Brown from the spec", "solid"),
    ):
        if column in table:
            fig.add_scatter(
                x=k,
                y=table[column],
                mode="lines",
                name=label,
                line={"color": COLORS["accent"], "dash": dash},
            )
    fig.update_xaxes(title_text="raters per panel (k)", dtick=1)
    fig.update_yaxes(title_text="reliability of the panel's mean")
    return _layout(fig, "Panel size and reliability")


def icc_figure(icc: pd.DataFrame) -> go.Figure:
    """The six Shrout & Fleiss intraclass correlations with their confidence intervals."""
    table = _require(icc, ["icc", "ci_low", "ci_high"], "icc")
    forms = [str(i) for i in table.index]
    fig = go.Figure(
        go.Scatter(
            x=forms,
            y=table["icc"],
            mode="markers",
            marker={"color": COLORS["neutral"], "size": 10},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": table["ci_high"] - table["icc"],
                "arrayminus": table["icc"] - table["ci_low"],
            },
        )
    )
    fig.update_yaxes(title_text="intraclass correlation", range=[0, 1])
    return _layout(fig, "Intraclass correlations (Shrout & Fleiss)", showlegend=False)


def taylor_russell_figure(selection: pd.DataFrame) -> go.Figure:
    """Success ratio vs selection ratio: Taylor-Russell lines, simulated points (2 SE)."""
    table = _require(
        selection,
        ["validity", "selection_ratio", "base_rate", "success_ratio"],
        "selection",
    )
    palette = [COLORS[c] for c in ("neutral", "down", "up", "purple", "accent", "sky")]
    fig = go.Figure()
    for i, ((validity, base_rate), part) in enumerate(
        table.sort_values("selection_ratio").groupby(["validity", "base_rate"], sort=True)
    ):
        color = palette[i % len(palette)]
        label = f"validity {validity:.2f}, base rate {base_rate:.2f}"
        fig.add_scatter(
            x=part["selection_ratio"],
            y=part["success_ratio"],
            mode="lines",
            name=label,
            line={"color": color},
            legendgroup=label,
        )
        if "success_ratio_sim" in part:
            fig.add_scatter(
                x=part["selection_ratio"],
                y=part["success_ratio_sim"],
                mode="markers",
                name=f"{label} (simulated)",
                marker={"color": color},
                error_y={"type": "data", "array": 2 * part["success_ratio_se"]},
                legendgroup=label,
                showlegend=False,
            )
    fig.update_xaxes(title_text="selection ratio", tickformat=".0%")
    fig.update_yaxes(title_text="success ratio (share of hires who succeed)", tickformat=".0%")
    return _layout(fig, "Taylor-Russell: success ratio")


# --------------------------------------------------------------------------- distributions
def score_distribution_figure(result: Result, bins: int = 40) -> go.Figure:
    """Debrief aggregates of hires and non-hires, coloured by the truth.

    Stacked histogram (counts, computed here, so the figure stays small for
    any pool) of the aggregate among candidates who reached the debrief, in
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
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise fail("bins", "must be an integer >= 1", bins)
    reached = result.reached
    score = result.aggregate[reached]
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
    fig = go.Figure()
    for label, mask, color, opacity in groups:
        counts = np.histogram(score[mask], bins=edges)[0]
        fig.add_bar(
            x=centers,
            y=counts,
            width=float(edges[1] - edges[0]),
            name=label,
            marker={"color": color, "opacity": opacity},
        )
    fig.add_vline(
        x=threshold, line={"color": "black", "dash": "dash"}, annotation_text="threshold"
    )
    fig.update_xaxes(title_text="debrief aggregate (points)")
    fig.update_yaxes(title_text="candidates")
    return _layout(fig, "Who gets hired, and who would succeed", barmode="stack", bargap=0)
