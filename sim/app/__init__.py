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
    """The page: the weight explorer and the candidate what-if, one tab each.

    The what-if explorer is built when its tab is first opened: every plotly
    FigureWidget loads the plotly.js bundle (~5 MB) in the browser, and one
    load at a time keeps the first render fast and within anywidget's
    two-second start-up limit.

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
        With attribute ``explorers``: a dict holding ``"weights"`` at once and
        ``"what_if"`` from the first time its tab is opened.
    """
    import ipywidgets as widgets

    from ..io import load_process
    from ..spec import Process
    from ..widgets import WeightExplorer, WhatIfExplorer

    if not isinstance(process, Process):
        process = load_process(process)
    explorers: dict[str, Any] = {"weights": WeightExplorer(process, n=n, rng=seed)}
    what_if_box = widgets.VBox([widgets.HTML("<p>Loading the candidate what-if…</p>")])
    intro_weights = widgets.HTML(
        f"<p>Move a weight, the threshold, the rule or the panel noise: the same {n:,} "
        "simulated applicants are re-decided, so every change you see is the effect of "
        "your setting, not chance.</p>"
    )
    intro_what_if = widgets.HTML(
        "<p>Pick a candidate, change a level or how they frame their work, and read the "
        "exact hire probability, what it is made of and where it tips.</p>"
    )
    tabs = widgets.Tab(
        children=[
            widgets.VBox([intro_weights, explorers["weights"].widget]),
            widgets.VBox([intro_what_if, what_if_box]),
        ],
        titles=("Which signals sway the committee", "Candidate what-if"),
    )
    tabs.add_class("hcs-tabs")

    def open_what_if(change: dict[str, Any]) -> None:
        if change["new"] == 1 and "what_if" not in explorers:
            explorers["what_if"] = WhatIfExplorer(process, rng=seed)
            what_if_box.children = [explorers["what_if"].widget]

    tabs.observe(open_what_if, names="selected_index")
    title = process.title or process.name
    page = widgets.VBox(
        [widgets.HTML(f"<h2>Hiring committee simulator: {title}</h2>"), tabs],
        layout={"padding": "0 1em"},
    )
    page.explorers = explorers
    page.tabs = tabs
    return page
