"""Hiring Committee Simulator: interviewers' scores to a committee's hire decision.

The core (this package without ``sim.widgets``) needs only numpy, scipy, pandas,
PyYAML and tqdm; it never imports ipywidgets or Jupyter.
"""

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
    "sweep",
    "validate_file",
]


def __getattr__(name: str) -> object:
    # sim.sweep (a callable module) is imported on first use: `import sim` stays light.
    if name == "sweep":
        import importlib

        return importlib.import_module(".sweep", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
