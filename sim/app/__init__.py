"""The explorers as one web page for a room of participants: ``hiring-sim app``.

:func:`build_app` assembles one participant's page (four tabs, one explorer
each); :mod:`sim.app.page` is the Solara entry that gives every browser page
its own :func:`build_app` inside one server process, up to a number of seats
(:class:`sim.app.admission.Room`); :mod:`sim.app.serve` starts that server.
Nothing here imports ipywidgets until :func:`build_app` runs.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["ENV_DEFAULTS", "TABS", "WORKSHOP_SEED", "build_app", "settings_from_env"]

#: The workshop notebooks' seed: with it the app shows the numbers the guide quotes.
WORKSHOP_SEED = 2026
#: Notebook 04 opens its debrief room on debrief no. 4; the app does the same.
DEBRIEF_SEED = 4

#: Environment variables the server passes to the page, and their defaults.
ENV_DEFAULTS = {
    "HIRING_SIM_PROCESS": "amex_ai_pm_2026",
    "HIRING_SIM_POOL": "20000",
    "HIRING_SIM_SEED": str(WORKSHOP_SEED),
    "HIRING_SIM_MAX_PARTICIPANTS": "30",
}

#: (key, tab title, what to do, what the numbers mean) of each tab, in order.
TABS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "weights",
        "Weights & threshold",
        "Move a debrief weight, the hire threshold, the decision rule or the panel noise: the "
        "same {n:,} simulated applicants are decided again, so every change you see is the "
        "effect of your setting, not chance.",
        (
            ("Hire rate", "share of all applicants who get an offer."),
            ("Precision", "share of the hires who would succeed in the role."),
            ("Recall", "share of the applicants who would succeed that get an offer."),
            ("Value per hire / year", "how much more a hire is worth than an average applicant."),
            ("Validity r", "correlation of the debrief score with later job performance (0-1)."),
            (
                "Decision rule",
                "how the committee turns the interviewers' scores into a decision "
                "(weighted mean, median, majority of yes votes, consensus, a veto, ...).",
            ),
            (
                "Anchoring α",
                "how far each speaker moves toward what was said before them "
                "(0 = not at all, 1 = repeats the room).",
            ),
            (
                "Panel noise",
                "how noisy every interviewer's score is, as a multiple of the "
                "process's own noise (1 = as written down, 0 = perfectly consistent).",
            ),
            (
                "Decision swing",
                "share of debrief decisions that change when a competency's "
                "weight is set to 0 or doubled.",
            ),
        ),
    ),
    (
        "what_if",
        "One candidate",
        "Pick a candidate, change their true levels or how they frame their work, and read "
        "the exact hire probability, what it is made of and where it tips.",
        (
            (
                "Hire probability (exact)",
                "chance this candidate is hired, from the model's "
                "closed form (no simulation noise).",
            ),
            ("Reaches the debrief", "chance the candidate passes the screening rounds."),
            (
                "Expected aggregate",
                "the committee's average view of the candidate, in points, "
                "next to the hire threshold.",
            ),
            (
                "Framing",
                "-1: talks about model internals; +1: talks about dollar impact and "
                "KPIs. Same facts either way.",
            ),
            (
                "Tipping points",
                "how many points one true level must move, the others held, "
                "for the hire probability to reach 50 %.",
            ),
        ),
    ),
    (
        "debrief",
        "Debrief room",
        "Replay one debrief of a candidate: change who speaks first, how much the room "
        "anchors on earlier speakers, whether views are written first, and who holds a veto.",
        (
            ("This debrief decides", "the decision of this one simulated debrief."),
            ("Aggregate", "the committee's combined score in this debrief, in points."),
            (
                "Hire probability, these dynamics",
                "chance of a hire over all debriefs of this "
                "candidate with these settings (exact).",
            ),
            (
                "…with written views first",
                "the same, when everyone writes their view before anyone speaks (no anchoring).",
            ),
            ("Senior pull", "how much more weight the room gives to senior speakers."),
            ("Debrief no.", "which simulated debrief to replay (a seed)."),
        ),
    ),
    (
        "panel",
        "Panel design",
        "Put more interviewers in each round, make them less noisy or less swayed by one "
        "impression (halo), and see what it buys in reliability, validity and dollars.",
        (
            (
                "Panel reliability",
                "correlation of two independent panels like this one on "
                "the same candidates, for one competency (0-1).",
            ),
            ("Validity", "correlation of the debrief score with later job performance (0-1)."),
            ("Precision", "share of the hires who would succeed in the role."),
            (
                "Value per hire / year",
                "simulated, and from the Brogden-Cronbach-Gleser "
                "formula that economists use for the value of selection.",
            ),
            (
                "Halo",
                "how much one overall impression colours every score an interviewer "
                "gives, as a multiple of the process's own.",
            ),
            (
                "Taylor-Russell",
                "share of hires who succeed, for a given validity and selection ratio.",
            ),
        ),
    ),
)


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The page's settings (process name or path, pool size, seed) from the environment."""
    env = os.environ if environ is None else environ
    values = {key: env.get(key, default) for key, default in ENV_DEFAULTS.items()}
    return {
        "process": values["HIRING_SIM_PROCESS"],
        "n": int(values["HIRING_SIM_POOL"]),
        "seed": int(values["HIRING_SIM_SEED"]),
    }


def build_app(
    process: Any = "amex_ai_pm_2026",
    n: int = 20_000,
    seed: int = WORKSHOP_SEED,
    profiles: Mapping[str, Any] | None = None,
) -> Any:
    """One participant's page: the four explorers, one tab each.

    Only the first tab's explorer is built at once; each other one is built
    the first time its tab is opened, so a page's first render computes one
    explorer, not four (the panel designer alone simulates five pools).

    Parameters
    ----------
    process : Process or str
        A process, or a preset name / YAML path for :func:`sim.load_process`.
    n : int
        Applicants simulated by the weight explorer and the panel designer.
    seed : int
        Seed of the simulations (the debrief room starts on debrief no. 4, as
        notebook 04 does).
    profiles : mapping of name to Profile, optional
        The candidates; default the process's shipped profiles. A server that
        builds many pages loads them (and the process) once and passes them in:
        parsing the YAML is a third of a page's build time.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``explorers`` (a dict by tab key: ``"weights"`` at once,
        ``"what_if"``, ``"debrief"``, ``"panel"`` once opened) and ``tabs``.

    Examples
    --------
    >>> page = build_app(n=500, seed=1)
    >>> list(page.explorers), page.tabs.titles[0]
    (['weights'], 'Weights & threshold')
    >>> page.tabs.selected_index = 3
    >>> list(page.explorers)
    ['weights', 'panel']
    """
    import ipywidgets as widgets

    from ..io import load_process, load_profiles
    from ..spec import Process

    if not isinstance(process, Process):
        process = load_process(process)
    if profiles is None:
        profiles = load_profiles(process.name, process=process)
    profiles = {_title(name): profile for name, profile in profiles.items()}
    makers = _explorer_makers(process, profiles, n, seed)
    explorers: dict[str, Any] = {}
    holders, panes = _panes(n)
    tabs = widgets.Tab(children=panes, titles=tuple(t[1] for t in TABS))
    tabs.add_class("hcs-tabs")

    def open_tab(index: int) -> None:
        key = TABS[index][0]
        if key in explorers:
            return
        explorers[key] = makers[key]()
        holders[index].children = [explorers[key].widget]
        if key in ("what_if", "debrief"):
            _describe_candidates(explorers[key], panes[index].children[1], profiles)

    tabs.observe(lambda change: open_tab(change["new"]), names="selected_index")
    open_tab(0)
    page = widgets.VBox([_header(process, n, seed), tabs], layout={"padding": "0 1em"})
    page.add_class("hcs-app")
    page.explorers = explorers
    page.tabs = tabs
    return page


def _panes(n: int) -> tuple[list[Any], list[Any]]:
    """Each tab's pane (intro, candidate line, glossary, explorer) and its explorer holder."""
    import ipywidgets as widgets

    holders, panes = [], []
    for key, tab_title, intro, glossary in TABS:
        holder = widgets.VBox([widgets.HTML(f"<p>Loading {html.escape(tab_title)}…</p>")])
        holders.append(holder)
        parts = [widgets.HTML(f'<p class="hcs-intro">{html.escape(intro.format(n=n))}</p>')]
        if key in ("what_if", "debrief"):
            parts.append(widgets.HTML("", layout={"margin": "0 0 0.6em 0"}))
            parts[-1].add_class("hcs-candidate")
        panes.append(widgets.VBox([*parts, _glossary(glossary), holder]))
    return holders, panes


def _explorer_makers(
    process: Any, profiles: dict[str, Any], n: int, seed: int
) -> dict[str, Callable[[], Any]]:
    from ..widgets import DebriefRoom, PanelDesigner, WhatIfExplorer
    from .shared import SharedStartExplorer

    def weights() -> Any:
        explorer = SharedStartExplorer(process, n=n, rng=seed)
        _threshold_box(explorer)
        return explorer

    return {
        "weights": weights,
        "what_if": lambda: WhatIfExplorer(process, profiles, rng=seed),
        "debrief": lambda: DebriefRoom(process, profiles, rng=DEBRIEF_SEED),
        "panel": lambda: PanelDesigner(process, n=n, rng=seed),
    }


def _threshold_box(explorer: Any) -> Any:
    """A number box beside the threshold slider, for values such as 7.25 typed exactly.

    The box and the slider show one value: a number typed in the box (sent on
    Enter or when the box loses focus) goes to the slider, which snaps it to its
    0.05 grid and recomputes the explorer; a slider move shows in the box.
    """
    import ipywidgets as widgets

    slider = explorer.controls["threshold"]
    box = widgets.BoundedFloatText(
        value=slider.value,
        min=slider.min,
        max=slider.max,
        step=slider.step,
        layout={"width": "6.5em"},
        tooltip="Type a threshold, then Enter",
    )
    box.add_class("hcs-threshold-box")
    slider.layout.width = "29em"
    slider.readout = False  # the box shows the value

    busy = [False]  # one change at a time: the slider's snap must not bounce back

    def to_slider(change: Any) -> None:
        if busy[0]:
            return
        busy[0] = True
        try:
            slider.value = change["new"]
        finally:
            busy[0] = False
        box.value = slider.value  # the grid value the slider kept

    def to_box(change: Any) -> None:
        if not busy[0]:
            box.value = change["new"]

    box.observe(to_slider, names="value")
    slider.observe(to_box, names="value")
    row = widgets.HBox([slider, box], layout={"align_items": "center"})
    left = explorer.widget.children[0]
    left.children = tuple(row if child is slider else child for child in left.children)
    return box


def _title(name: str) -> str:
    """``"impact_framer"`` -> ``"Impact framer"`` (profiles have a name, not a title)."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _header(process: Any, n: int, seed: int) -> Any:
    import ipywidgets as widgets

    rounds = " → ".join(html.escape(r.title) for r in process.rounds)
    return widgets.HTML(
        f'<h2 style="margin-bottom:0.2em">Hiring committee simulator: '
        f"{html.escape(process.title)}</h2>"
        f'<p style="margin-top:0;color:#555">Rounds: {rounds}. '
        f"{n:,} simulated applicants, seed {seed}"
        + (" (the workshop notebooks' seed)" if seed == WORKSHOP_SEED else "")
        + ".</p>"
    )


def _glossary(items: tuple[tuple[str, str], ...]) -> Any:
    import ipywidgets as widgets

    rows = "".join(
        f"<li><b>{html.escape(term)}</b>: {html.escape(text)}</li>" for term, text in items
    )
    box = widgets.HTML(
        '<details open><summary style="cursor:pointer;font-weight:600">'
        "What the numbers mean</summary>"
        '<ul style="margin:0.3em 0;columns:2 28em;column-gap:2.5em;font-size:0.9em">'
        f"{rows}</ul></details>"
    )
    box.add_class("hcs-glossary")
    return box


def _describe_candidates(explorer: Any, box: Any, profiles: dict[str, Any]) -> None:
    """Show the chosen candidate's description from the preset above the explorer."""
    control = explorer.controls["profile"]

    def show(_: Any = None) -> None:
        profile = profiles.get(control.value)
        text = profile.description if profile is not None else ""
        box.value = (
            f"<p><b>{html.escape(str(control.value))}</b>: {html.escape(text)}</p>" if text else ""
        )

    control.observe(show, names="value")
    show()
