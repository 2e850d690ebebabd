"""Hiring Committee Simulator: interviewers' scores to a committee's hire decision.

The core (this package without ``sim.widgets``) needs only numpy, scipy, pandas,
PyYAML and tqdm; it never imports ipywidgets or Jupyter. The layers above the
core (``sim.debrief``, ``sim.analysis``, ``sim.plots``, ``sim.widgets``, ...)
are imported the first time they are used, e.g. ``sim.analysis.sway``.
"""

import importlib

from .closed_form import HireProbability, contributions, hire_probability
from .engine import simulate
from .errors import Issue, SpecError
from .io import list_presets, load_process, load_profiles, validate_file
from .model import DECISIONS, HIRE, HOLD, NO_HIRE
from .result import Result
from .spec import (
    Competency,
    Debrief,
    Interviewer,
    Pool,
    Process,
    Profile,
    Round,
    Scale,
    Truth,
)

__version__ = "0.1.0"

#: Subpackages loaded on first attribute access (``import sim`` stays light).
_LAZY = ("analysis", "app", "cli", "debrief", "plots", "rules", "theory", "transcript", "widgets")


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DECISIONS",
    "HIRE",
    "HOLD",
    "NO_HIRE",
    "Competency",
    "Debrief",
    "HireProbability",
    "Interviewer",
    "Issue",
    "Pool",
    "Process",
    "Profile",
    "Result",
    "Round",
    "Scale",
    "SpecError",
    "Truth",
    "contributions",
    "hire_probability",
    "list_presets",
    "load_process",
    "load_profiles",
    "simulate",
    "validate_file",
]
