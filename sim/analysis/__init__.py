"""Which signals sway the committee, and does it decide well?

Every analysis returns a pandas DataFrame (or a small dataclass of them);
:mod:`sim.plots` turns each into a plotly Figure. This package does not import
plotly, and ``import sim`` does not import this package.

For one candidate (exact, from the closed form)
    :func:`sway` bundles :func:`contribution_waterfall`, :func:`tipping_points`,
    :func:`weight_stability` and :func:`framing_effect`.
For a pool (simulated)
    :func:`decision_swing`, :func:`global_sensitivity`, :func:`noise_audit`,
    :func:`decision_quality`, :func:`panel_icc`, :func:`panel_reliability`,
    :func:`selection_check`.
Closed forms (from :mod:`sim.theory`)
    :func:`taylor_russell`, :func:`naylor_shine`, :func:`bcg_utility`,
    :func:`spearman_brown`, :func:`icc`, :func:`bivariate_normal_cdf`.
"""

from ..theory import (
    bcg_utility,
    bivariate_normal_cdf,
    icc,
    naylor_shine,
    spearman_brown,
    taylor_russell,
)
from .noise import noise_audit
from .pool import decision_quality, decision_swing
from .profile import (
    NONE_WITHIN_SCALE,
    Sway,
    contribution_waterfall,
    framing_effect,
    sway,
    tipping_points,
    weight_stability,
)
from .reliability import panel_icc, panel_reliability, selection_check
from .sensitivity import global_sensitivity, sensitivity_sample

__all__ = [
    "NONE_WITHIN_SCALE",
    "Sway",
    "bcg_utility",
    "bivariate_normal_cdf",
    "contribution_waterfall",
    "decision_quality",
    "decision_swing",
    "framing_effect",
    "global_sensitivity",
    "icc",
    "naylor_shine",
    "noise_audit",
    "panel_icc",
    "panel_reliability",
    "selection_check",
    "sensitivity_sample",
    "spearman_brown",
    "sway",
    "taylor_russell",
    "tipping_points",
    "weight_stability",
]
