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

from ._base import COLORS, TEMPLATE  # noqa: F401  (the palette and template, for callers)
from .explorers import score_distribution_figure, validity_figure, views_figure
from .pool import (
    decision_swing_figure,
    icc_figure,
    noise_audit_figure,
    quality_figure,
    reliability_figure,
    sensitivity_figure,
    taylor_russell_figure,
)
from .profile import (
    contributions_figure,
    framing_figure,
    tipping_points_figure,
    weight_stability_figure,
)

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
