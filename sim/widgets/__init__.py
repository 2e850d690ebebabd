"""Interactive explorers for JupyterLab and Voila (ipywidgets 8 + plotly FigureWidget).

Each explorer is a class whose state can be read (``state``) and set
(``set_state``) from Python and which displays as one widget; every number it
shows comes from the core, :mod:`sim.debrief`, :mod:`sim.analysis` and the
figures from :mod:`sim.plots`. ``import sim`` never imports this package.

=======================  =================================================
:class:`WeightExplorer`  debrief weights, threshold, rule, anchoring, noise
:class:`WhatIfExplorer`  one candidate's levels and framing
:class:`DebriefRoom`     speaking order, anchoring, protocol, veto holder
:class:`PanelDesigner`   interviewers per round, noise, halo
:class:`ProcessEconomics` the 45-day window, rounds, offer: cost and value
=======================  =================================================

:func:`answer` folds an exercise's answer until someone opens it.
"""

from .answer import answer
from .debrief_room import DebriefRoom
from .economics import ProcessEconomics
from .panel import PanelDesigner
from .weights import WeightExplorer
from .what_if import WhatIfExplorer

__all__ = [
    "DebriefRoom",
    "PanelDesigner",
    "ProcessEconomics",
    "WeightExplorer",
    "WhatIfExplorer",
    "answer",
]
