"""Candidate what-if: one candidate's levels and framing against the committee's decision.

Every number is exact (the closed form of :func:`sim.hire_probability` and the
sway analyses of :mod:`sim.analysis`); a small seeded Monte Carlo run of the
same candidate gives the band the engine would show, and one simulated
debrief (:func:`sim.debrief.debrief_transcript`) shows what was said.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .. import plots
from ..analysis import contribution_waterfall, tipping_points
from ..closed_form import HireProbability, hire_probability
from ..engine import RandomLike, as_seed_sequence, simulate
from ..errors import fail
from ..io import load_profiles
from ..spec import Process, Profile
from ..transcript import debrief_transcript, transcript_text
from ..validation import check_int
from ._base import Explorer, dropdown, float_slider, heading, number, percent, snap

__all__ = ["WhatIfExplorer"]

#: z for a two-sided 95 % band.
_Z95 = 1.959963984540054


class WhatIfExplorer(Explorer):
    """Levels, framing and profile of one candidate against the committee's decision.

    Parameters
    ----------
    process : Process
        A debrief with a Gaussian closed form (see :func:`sim.hire_probability`).
    profiles : mapping of name to Profile, or sequence of Profile, optional
        Candidates to start from; default the process's shipped profiles.
    mc_n : int
        Replicates of the Monte Carlo check (0 turns it off).
    rng : int, SeedSequence or Generator
        Seed of the Monte Carlo check and of the debrief transcript (the same
        seed for every setting).

    Attributes
    ----------
    seed : SeedSequence
        Seed of the Monte Carlo check and of the transcript.
    probability : HireProbability
        Exact outcome probabilities under the current settings.
    monte_carlo : dict
        ``hire_rate``, ``low``, ``high`` (95 % band) and ``n`` of the check run.
    waterfall : DataFrame
        :func:`sim.analysis.contribution_waterfall` of the current candidate.
    tipping : DataFrame
        :func:`sim.analysis.tipping_points` of the current candidate.
    transcript : DataFrame
        :func:`sim.debrief.debrief_transcript` of one simulated debrief.
    figure : FigureWidget
        :func:`sim.plots.contributions_figure` over
        :func:`sim.plots.tipping_points_figure`.

    Examples
    --------
    >>> import sim
    >>> from sim.widgets import WhatIfExplorer
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> explorer = WhatIfExplorer(process, mc_n=0)
    >>> explorer.set_state(profile="internals_framer", framing=1.0)
    >>> same = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    >>> explorer.probability.hire == sim.hire_probability(process, same).hire
    True
    """

    name = "what-if"

    def __init__(
        self,
        process: Process,
        profiles: Mapping[str, Profile] | Sequence[Profile] | None = None,
        *,
        mc_n: int = 2_000,
        rng: RandomLike = 0,
    ) -> None:
        super().__init__()
        if not isinstance(process, Process):
            raise fail("process", "must be a Process (see sim.load_process)", process)
        check_int("mc_n", mc_n, 0)
        self.process = process
        self.profiles = _profile_map(process, profiles)
        self.mc_n = int(mc_n)
        self.seed = as_seed_sequence(rng)
        controls = self._make_controls()
        self._load_profile(next(iter(self.profiles)))
        self._transcript_cache: tuple[str, pd.DataFrame] | None = None
        self._transcript_box = widgets.HTML()
        # Closed by default: the transcript is rendered only while someone reads it.
        self._transcript_panel = widgets.Accordion(
            children=[self._transcript_box],
            titles=("Debrief transcript: one simulated debrief of this candidate",),
            selected_index=None,
        )
        self._transcript_panel.add_class("hcs-transcript")
        self._transcript_panel.observe(lambda _: self._update_views(), names="selected_index")
        self._build(controls, views=[self._transcript_panel])

    # ------------------------------------------------------------------ controls
    def _make_controls(self) -> list[Any]:
        process, scale = self.process, self.process.scale
        names = list(self.profiles)
        self._add_control("profile", dropdown("Candidate", names, names[0]))
        self._add_control(
            "framing", float_slider("Framing (−1 tech, +1 $)", 0.0, -1.0, 1.0, 0.1, ".1f")
        )
        for comp in process.competencies:
            self._add_control(
                comp.name,
                float_slider(comp.title, scale.center, scale.min, scale.max, 0.1, ".1f"),
                group="levels",
            )
        return [
            self._controls["profile"],
            self._controls["framing"],
            heading("True levels (points)"),
            *(self._controls[f"levels.{name}"] for name in process.competency_names),
        ]

    def profile_state(self, name: str) -> dict[str, Any]:
        """The settings that describe profile ``name`` (its levels and framing)."""
        if name not in self.profiles:
            raise fail("profile", f"unknown profile; known: {', '.join(self.profiles)}", name)
        profile = self.profiles[name]
        points = self.process.scale.to_points(profile.theta(self.process))
        levels = {c: float(v) for c, v in zip(self.process.competency_names, points, strict=True)}
        return {"profile": name, "framing": profile.framing, "levels": levels}

    def _load_profile(self, name: str) -> None:
        state = self.profile_state(name)
        with self._quietly():
            self._controls["profile"].value = name
            self._set_control("framing", state["framing"])
            for comp, level in state["levels"].items():
                self._set_control(f"levels.{comp}", level)

    def _set_control(self, key: str, value: float) -> None:
        self._controls[key].value = snap(self._controls[key], value)

    def set_state(self, **changes: Any) -> None:
        """Change settings; a new ``profile`` loads its levels first, then the others apply.

        Examples: ``set_state(profile="risk_blind")``,
        ``set_state(levels={"risk_awareness": 7}, framing=0.5)``.
        """
        if "profile" in changes:
            base = self.profile_state(changes["profile"])
            levels = {**base["levels"], **dict(changes.get("levels", {}))}
            changes = {**base, **changes, "levels": levels}
        super().set_state(**changes)

    def _on_control(self, change: Mapping[str, Any]) -> None:
        if change.get("owner") is self._controls["profile"] and not self._quiet:
            self._load_profile(change["new"])
        super()._on_control(change)

    # ------------------------------------------------------------------ model
    @property
    def current_profile(self) -> Profile:
        """The candidate the settings describe (a modified copy of the chosen profile)."""
        state = self.state
        base = self.profiles[state["profile"]]
        return replace(
            base, levels=dict(state["levels"]), framing=float(state["framing"]), default_level=None
        )

    def _compute(self) -> None:
        self._profile = profile = self.current_profile
        self.probability: HireProbability = hire_probability(self.process, profile)
        self.waterfall: pd.DataFrame = contribution_waterfall(self.process, profile)
        self.tipping: pd.DataFrame = tipping_points(self.process, profile)

    def _compute_readout(self) -> None:
        # The read-out's Monte Carlo band, computed after the figure is sent.
        self.monte_carlo = self._monte_carlo(self._profile)

    @property
    def transcript(self) -> pd.DataFrame:
        """:func:`sim.debrief.debrief_transcript` of the current candidate (same seed always)."""
        key = repr(sorted(self.state.items()))
        if self._transcript_cache is None or self._transcript_cache[0] != key:
            frame = debrief_transcript(self.process, self.current_profile, rng=self.seed)
            self._transcript_cache = (key, frame)
        return self._transcript_cache[1]

    def _monte_carlo(self, profile: Profile) -> dict[str, float]:
        if self.mc_n == 0:
            return {"hire_rate": math.nan, "low": math.nan, "high": math.nan, "n": 0}
        run = simulate(self.process, profile, n=self.mc_n, rng=self.seed, keep="decisions")
        rate = float(run.hired.mean())
        half = _Z95 * run.hire_rate_se()
        return {
            "hire_rate": rate,
            "low": max(rate - half, 0.0),
            "high": min(rate + half, 1.0),
            "n": self.mc_n,
        }

    # ------------------------------------------------------------------ views
    def _figure_parts(self) -> list[go.Figure]:
        return [
            plots.contributions_figure(self.waterfall, titles=self.process),
            plots.tipping_points_figure(self.tipping, titles=self.process),
        ]

    def _readout(self) -> list[tuple[str, str, float, Any]]:
        p, mc = self.probability, self.monte_carlo
        items = [
            ("hire_probability", _method_label(p), p.hire, _with_error(p)),
            ("reach_debrief", "Reaches the debrief", p.reach_debrief, percent),
            ("aggregate_mean", "Expected aggregate (points)", p.aggregate_mean, number),
            ("threshold", "Threshold (points)", self.process.debrief.threshold, number),
        ]
        if self.mc_n:
            items.append(
                (
                    "mc_hire_rate",
                    f"Monte Carlo, {self.mc_n:,} runs (95 % band)",
                    mc["hire_rate"],
                    lambda v: f"{percent(v)} [{100 * mc['low']:.1f}–{100 * mc['high']:.1f}]",
                )
            )
        return items

    def _update_views(self) -> None:
        if self._transcript_panel.selected_index is None:
            return  # closed: render when opened
        text = html.escape(transcript_text(self.transcript))
        self._transcript_box.value = (
            '<p style="color:#555">The same seed for every setting, so a change you see is '
            f'your setting\'s.</p><pre style="font-size:0.85em;line-height:1.3">{text}</pre>'
        )


def _method_label(p: HireProbability) -> str:
    """The readout's label: how the hire probability was computed."""
    if p.method == "monte_carlo":
        return f"Hire probability (Monte Carlo, {p.draws:,} draws)"
    return "Hire probability (exact)"


def _with_error(p: HireProbability) -> Any:
    """Format a hire probability with its standard error when it has one."""
    if p.method != "monte_carlo":
        return percent
    return lambda v: f"{percent(v)} ± {100 * p.error:.1f} %"


def _profile_map(
    process: Process, profiles: Mapping[str, Profile] | Sequence[Profile] | None
) -> dict[str, Profile]:
    if profiles is None:
        out = load_profiles(process.name, process=process)
    elif isinstance(profiles, Mapping):
        out = dict(profiles)
    else:
        out = {p.name: p for p in profiles}
    if not out or not all(isinstance(p, Profile) for p in out.values()):
        raise fail("profiles", "must hold at least one Profile", profiles)
    for profile in out.values():
        profile.theta(process)  # every level known and on the scale, or a SpecError
    return out
