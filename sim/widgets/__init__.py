"""Interactive explorers for JupyterLab and Voila (ipywidgets 8 + plotly FigureWidget).

Each explorer is a class whose state can be read (``state``) and set
(``set_state``) from Python and which displays as one widget. Every number it
shows comes from the core API. ``import sim`` never imports this package.
"""

from .weights import WeightExplorer
from .what_if import WhatIfExplorer

__all__ = ["WeightExplorer", "WhatIfExplorer"]
