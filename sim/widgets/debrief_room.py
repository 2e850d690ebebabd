"""Debrief room: who speaks first, how much the room anchors, and who can veto.

One candidate, one simulated debrief (:func:`sim.debrief.debrief_transcript`,
the same draw for every setting unless the seed changes): each interviewer's
written view next to what they say aloud, and the decision. The exact hire
probability under the same dynamics (:func:`sim.hire_probability`) says how
typical that one debrief was.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..closed_form import HireProbability, hire_probability
from ..errors import SpecError, fail
from ..plots import views_figure
from ..spec import PROTOCOLS, SPEAKING_ORDERS, Process, Profile
from ..transcript import debrief_transcript, transcript_text
from ._base import Explorer, dropdown, float_slider, heading, int_slider, number, percent
from .what_if import _profile_map

__all__ = ["DebriefRoom"]

_NOBODY = ""


class DebriefRoom(Explorer):
    """Speaking order, anchoring, written-first protocol and veto holder of one debrief.

    Parameters
    ----------
    process : Process
    profiles : mapping of name to Profile, or sequence of Profile, optional
        Candidates to choose from; default the process's shipped profiles.
    rng : int
        Seed of the simulated debrief (a control: "replay another debrief").

    Attributes
    ----------
    transcript : DataFrame
        :func:`sim.debrief.debrief_transcript` under the current settings.
    probability, written_first : HireProbability
        Exact outcome probabilities under the current settings, and with
        independent written feedback first (no anchoring).
    figure : FigureWidget
        :func:`sim.plots.views_figure`: each speaker's written and spoken view, in
        speaking order.

    Examples
    --------
    >>> import sim
    >>> from sim.widgets import DebriefRoom
    >>> room = DebriefRoom(sim.load_process("amex_ai_pm_2026"), rng=3)
    >>> room.set_state(anchoring=0.6, protocol="written_first")
    >>> [s["written_view"] == s["spoken_view"] for s in room.transcript.attrs["speakers"]]
    [True, True, True, True, True]
    """

    name = "debrief"

    def __init__(
        self,
        process: Process,
        profiles: Mapping[str, Profile] | Sequence[Profile] | None = None,
        rng: int = 0,
    ) -> None:
        super().__init__()
        if not isinstance(process, Process):
            raise fail("process", "must be a Process (see sim.load_process)", process)
        if isinstance(rng, bool) or not isinstance(rng, int | np.integer) or not 0 <= rng <= 999:
            raise fail("rng", "must be a seed in 0..999 (it is a control of the room)", rng)
        self.process = process
        self.profiles = _profile_map(process, profiles)
        self._transcript_box = widgets.HTML()
        self._build(self._make_controls(int(rng)), after=[self._transcript_box])
        self._update_views()

    # ------------------------------------------------------------------ controls
    def _make_controls(self, seed: int) -> list[Any]:
        d = self.process.debrief
        names = list(self.profiles)
        order = d.speaking_order if isinstance(d.speaking_order, str) else "listed"
        rated = {p for rnd in self.process.rounds for p in rnd.interviewers}
        holders = [("nobody", _NOBODY)] + [
            (f"{p.role} ({p.name})", p.name) for p in self.process.interviewers if p.name in rated
        ]
        veto = d.veto[0] if d.veto else _NOBODY
        self._add_control("profile", dropdown("Candidate", names, names[0]))
        self._add_control("speaking_order", dropdown("Speaking order", SPEAKING_ORDERS, order))
        self._add_control("anchoring", float_slider("Anchoring α", d.anchoring, 0.0, 1.0, 0.05))
        self._add_control(
            "senior_pull", float_slider("Senior pull", d.senior_pull, 0.0, 3.0, 0.1, ".1f")
        )
        self._add_control("protocol", dropdown("Protocol", PROTOCOLS, d.protocol))
        self._add_control("veto", dropdown("Veto holder", holders, veto))
        self._add_control("seed", int_slider("Debrief no. (seed)", seed, 0, 999))
        return [
            self._controls["profile"],
            heading("The room"),
            *(self._controls[k] for k in ("speaking_order", "anchoring", "senior_pull")),
            *(self._controls[k] for k in ("protocol", "veto", "seed")),
        ]

    # ------------------------------------------------------------------ model
    @property
    def current_process(self) -> Process:
        """The process with the room's settings (validated)."""
        state = self.state
        d = self.process.debrief
        order = state["speaking_order"]
        if order == "listed" and not isinstance(d.speaking_order, str):
            order = d.speaking_order  # the process's own explicit order
        debrief = replace(
            d,
            speaking_order=order,
            anchoring=state["anchoring"],
            senior_pull=state["senior_pull"],
            protocol=state["protocol"],
            veto=(state["veto"],) if state["veto"] else (),
        )
        return replace(self.process, debrief=debrief)

    @property
    def current_profile(self) -> Profile:
        """The chosen candidate."""
        return self.profiles[self.state["profile"]]

    def _compute(self) -> None:
        process, profile = self.current_process, self.current_profile
        seed = int(self._controls["seed"].value)
        self.transcript: pd.DataFrame = debrief_transcript(process, profile, rng=seed)
        try:
            # Anchoring on the scale has no exact law: a quick Monte Carlo, its error shown.
            self.probability: HireProbability | None = hire_probability(
                process, profile, draws=_DRAWS
            )
            written = replace(process, debrief=replace(process.debrief, protocol="written_first"))
            self.written_first: HireProbability | None = hire_probability(
                written, profile, draws=_DRAWS
            )
        except SpecError:  # a rule with no closed form: the transcript still speaks
            self.probability = self.written_first = None

    # ------------------------------------------------------------------ views
    def _figure_parts(self) -> list[go.Figure]:
        return [views_figure(self.transcript, titles=self.process)]

    def _readout(self) -> list[tuple[str, str, Any, Any]]:
        a = self.transcript.attrs
        nan = float("nan")
        p = self.probability.hire if self.probability is not None else nan
        w = self.written_first.hire if self.written_first is not None else nan
        return [
            ("decision", "This debrief decides", a["decision"], str),
            ("aggregate", "Aggregate (points)", a["aggregate"], number),
            ("hire_probability", "Hire probability, these dynamics", p, _shown(self.probability)),
            (
                "hire_probability_written_first",
                "…with written views first",
                w,
                _shown(self.written_first),
            ),
        ]

    def _update_views(self) -> None:
        a = self.transcript.attrs
        text = html.escape(transcript_text(self.transcript))
        self._transcript_box.value = (
            f'<div class="hcs-decision"><b>{html.escape(a["decision"])}</b>: '
            f"{html.escape(a['reason'])}</div>"
            f'<pre style="font-size:0.85em;line-height:1.3">{text}</pre>'
        )


#: Monte Carlo draws of the room's hire probabilities where no exact law exists.
_DRAWS = 20_000


def _shown(p: HireProbability | None) -> Any:
    """Percent, with the Monte Carlo standard error when the probability is estimated."""
    if p is None or p.method != "monte_carlo":
        return percent
    return lambda v: f"{percent(v)} ± {100 * p.error:.1f} % (Monte Carlo, {p.draws:,})"
