"""Plots of a simulated run and of the explorers: score distribution, views, validity."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..errors import fail
from ..result import Result
from ..scale import LATTICE_TOLERANCE
from ..validation import check_int
from ._base import (
    COLORS,
    axis,
    figure,
    floats,
    hline,
    human,
    require,
    rgba,
    vline,
    vline_label,
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
    if result.process.debrief.aggregate != "latent":
        # Scores on the lattice sit exactly on bin edges (the threshold is one): count them
        # on the side the decision puts them (it compares with the same tolerance), whatever
        # their last bit.
        score = score + LATTICE_TOLERANCE
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
            "marker": {"color": rgba(color, opacity)},  # the legend swatch shows the alpha
        }
        for label, mask, color, opacity in groups
    ]
    return figure(
        bars,
        "Who gets hired, and who would succeed",
        shapes=[vline(threshold, {"color": "black", "dash": "dash"})],
        annotations=[vline_label(threshold, "threshold")],
        xaxis=axis("debrief score (points)"),
        yaxis=axis("candidates"),
        barmode="stack",
        bargap=0,
    )


# --------------------------------------------------------------------------- explorers
def views_figure(transcript: pd.DataFrame, titles: Mapping[str, str] | Any = None) -> go.Figure:
    """Written vs spoken overall view of each speaker, in speaking order, and the threshold.

    Parameters
    ----------
    transcript : DataFrame
        From :func:`sim.debrief.debrief_transcript` (its ``attrs`` carry the speakers).
    titles : Process or mapping, optional
        Names the speakers by role; without it, names are shown without underscores.

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
    labels = [f"{s['position']}. {human(s['speaker'], titles)}" for s in speakers]
    bars = [
        {
            "type": "bar",
            "x": labels,
            "y": [float(s[key]) for s in speakers],
            "name": label,
            "marker": {"color": color},
            "text": [f"{s[key]:.2f}" for s in speakers],
            # At the foot of the bar: the threshold line never runs through a value.
            "textposition": "inside",
            "insidetextanchor": "start",
        }
        for key, label, color in (
            ("written_view", "written (before the debrief)", COLORS["muted"]),
            ("spoken_view", "spoken (in the room)", COLORS["neutral"]),
        )
    ]
    threshold = float(a["threshold"])
    line = {"color": "black", "dash": "dash"}
    # The threshold is named in the legend, not over the bars (a label there hid a value).
    key = {"type": "scatter", "x": [None], "y": [None], "mode": "lines", "line": line}
    key["name"] = f"threshold {threshold:g}"
    views = [float(s[k]) for s in speakers for k in ("written_view", "spoken_view")]
    top = max([threshold, *views])
    return figure(
        [*bars, key],
        f"What each interviewer wrote and said: {a['decision']}",
        shapes=[hline(threshold, line)],
        yaxis=axis("overall view (points)", range=[0, top * 1.15]),  # room for the values
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
    table = require(validity, ["validity", "precision"], "validity")
    k = [int(i) for i in table.index]
    lines = [
        {
            "type": "scatter",
            "x": k,
            "y": floats(table[column]),
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
        shapes.append(vline(current, {"color": COLORS["muted"], "dash": "dash"}))
    return figure(
        lines,
        "Validity as panels grow (same candidates)",
        shapes=shapes,
        xaxis=axis("interviewers per round", dtick=1),
        yaxis=axis("correlation / share", range=[0, 1]),
        height=340,
    )
