"""The explorers as a standalone web page (Voila): ``hiring-sim app``.

:func:`build_app` assembles the page's widget; ``explorers.ipynb`` (shipped in
this package) only calls it, and :mod:`sim.app.serve` serves that notebook.
Nothing here imports ipywidgets until :func:`build_app` runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = ["NOTEBOOK", "build_app", "settings_from_env"]

#: The Voila notebook that shows the explorers.
NOTEBOOK = Path(__file__).with_name("explorers.ipynb")

#: Environment variables the server sets for the page's kernel, and their defaults.
ENV_DEFAULTS = {
    "HIRING_SIM_PROCESS": "amex_ai_pm_2026",
    "HIRING_SIM_POOL": "20000",
    "HIRING_SIM_SEED": "0",
}


def settings_from_env(environ: os._Environ[str] | dict[str, str] | None = None) -> dict[str, Any]:
    """The page's settings (process name or path, pool size, seed) from the environment."""
    env = os.environ if environ is None else environ
    values = {key: env.get(key, default) for key, default in ENV_DEFAULTS.items()}
    return {
        "process": values["HIRING_SIM_PROCESS"],
        "n": int(values["HIRING_SIM_POOL"]),
        "seed": int(values["HIRING_SIM_SEED"]),
    }


def build_app(process: Any = "amex_ai_pm_2026", n: int = 20_000, seed: int = 0) -> Any:
    """The page: the weight explorer and the candidate what-if, one section each.

    Parameters
    ----------
    process : Process or str
        A process, or a preset name / YAML path for :func:`sim.load_process`.
    n : int
        Pool size of the weight explorer.
    seed : int
        Seed of every simulation on the page.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``explorers`` (``{"weights": ..., "what_if": ...}``).
    """
    import ipywidgets as widgets

    from ..io import load_process
    from ..spec import Process
    from ..widgets import WeightExplorer, WhatIfExplorer

    if not isinstance(process, Process):
        process = load_process(process)
    weights = WeightExplorer(process, n=n, rng=seed)
    what_if = WhatIfExplorer(process, rng=seed)
    title = process.title or process.name
    page = widgets.VBox(
        [
            widgets.HTML(f"<h2>Hiring committee simulator: {title}</h2>"),
            widgets.HTML(
                "<h3>1. Which signals sway the committee?</h3><p>Move a weight, the threshold "
                f"or the panel noise: the same {n:,} simulated applicants are re-decided, so "
                "every change you see is the effect of your setting.</p>"
            ),
            weights.widget,
            widgets.HTML(
                "<h3>2. Candidate what-if</h3><p>Pick a candidate, change a level or how "
                "they frame their work, and read the exact hire probability.</p>"
            ),
            what_if.widget,
        ],
        layout={"padding": "0 1em"},
    )
    page.explorers = {"weights": weights, "what_if": what_if}
    return page
