"""Candidate what-if: one candidate's levels and framing against their hire probability.

Every number is exact (the closed form of :func:`sim.hire_probability`); a
small seeded Monte Carlo run of the same candidate gives the band that the
engine would show, as a check anyone in the room can see.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..closed_form import HireProbability, contributions, hire_probability
from ..engine import RandomLike, as_seed_sequence, simulate
from ..errors import fail
from ..io import load_profiles
from ..spec import Process, Profile
from ._base import Explorer, figure_widget, metric_html, number, percent, sync_figure

__all__ = ["WhatIfExplorer"]

_STYLE = {"description_width": "13em"}
_LAYOUT = {"width": "32em"}
#: z for a two-sided 95 % band.
_Z95 = 1.959963984540054


class WhatIfExplorer(Explorer):
    """Levels, framing and profile of one candidate against the committee's decision.

    Parameters
    ----------
    process : Process
    profiles : mapping of name to Profile, or sequence of Profile, optional
        Candidates to start from; default the process's shipped profiles.
    mc_n : int
        Replicates of the Monte Carlo check (0 turns it off).
    rng : int, SeedSequence or Generator
        Seed of the Monte Carlo check (the same seed for every setting).

    Attributes
    ----------
    probability : HireProbability
        Exact outcome probabilities under the current settings.
    monte_carlo : dict
        ``hire_rate``, ``low``, ``high`` (95 % band) and ``n`` of the check run.
    contributions : DataFrame
        :func:`sim.contributions` of the current candidate.
    figures : dict of str to FigureWidget
        ``"waterfall"``.

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
        if isinstance(mc_n, bool) or not isinstance(mc_n, int | np.integer) or mc_n < 0:
            raise fail("mc_n", "must be an integer >= 0", mc_n)
        self.process = process
        self.profiles = _profile_map(process, profiles)
        self.mc_n = int(mc_n)
        self._seed = as_seed_sequence(rng)
        self._build_controls()
        self._load_profile(next(iter(self.profiles)))
        self._compute()
        self.figures = {"waterfall": figure_widget(self._waterfall_figure(), "waterfall")}
        self._readout = widgets.HTML(self._readout_html())
        self._status = widgets.HTML("")
        controls = widgets.VBox(
            [
                self._controls["profile"],
                self._controls["framing"],
                widgets.HTML("<b>True levels</b>"),
            ]
            + [self._controls[f"levels.{name}"] for name in process.competency_names],
            layout={"min_width": "33em"},
        )
        right = widgets.VBox(
            [self._readout, self._status, self.figures["waterfall"]],
            layout={"flex": "1 1 auto", "min_width": "30em"},
        )
        self._widget = widgets.HBox([controls, right], layout={"flex_flow": "row wrap"})
        self._widget.add_class("hcs-explorer-what-if")

    # ------------------------------------------------------------------ controls
    def _build_controls(self) -> None:
        process, scale = self.process, self.process.scale
        names = list(self.profiles)
        self._add_control(
            "profile",
            widgets.Dropdown(
                options=names,
                value=names[0],
                description="Candidate",
                style=_STYLE,
                layout=_LAYOUT,
            ),
        )
        self._add_control(
            "framing",
            widgets.FloatSlider(
                value=0.0,
                min=-1.0,
                max=1.0,
                step=0.1,
                description="Framing (−1 tech, +1 $)",
                readout_format=".1f",
                style=_STYLE,
                layout=_LAYOUT,
            ),
        )
        for comp in process.competencies:
            self._add_control(
                comp.name,
                widgets.FloatSlider(
                    value=scale.center,
                    min=scale.min,
                    max=scale.max,
                    step=0.5,
                    description=comp.title,
                    readout_format=".1f",
                    style=_STYLE,
                    layout=_LAYOUT,
                ),
                group="levels",
            )

    def profile_state(self, name: str) -> dict[str, Any]:
        """The settings that describe profile ``name`` (its levels and framing)."""
        if name not in self.profiles:
            raise fail("profile", f"unknown profile; known: {', '.join(self.profiles)}", name)
        profile = self.profiles[name]
        theta = profile.theta(self.process)
        points = self.process.scale.to_points(theta)
        levels = {c: float(v) for c, v in zip(self.process.competency_names, points, strict=True)}
        return {"profile": name, "framing": profile.framing, "levels": levels}

    def _load_profile(self, name: str) -> None:
        state = self.profile_state(name)
        with self._quietly():
            self._controls["profile"].value = name
            self._controls["framing"].value = state["framing"]
            for comp, level in state["levels"].items():
                self._controls[f"levels.{comp}"].value = level

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
        profile = self.current_profile
        self.probability: HireProbability = hire_probability(self.process, profile)
        self.contributions: pd.DataFrame = contributions(self.process, profile)
        self.monte_carlo = self._monte_carlo(profile)

    def _monte_carlo(self, profile: Profile) -> dict[str, float]:
        if self.mc_n == 0:
            return {"hire_rate": math.nan, "low": math.nan, "high": math.nan, "n": 0}
        run = simulate(self.process, profile, n=self.mc_n, rng=self._seed, keep="decisions")
        rate = float(run.hired.mean())
        half = _Z95 * run.hire_rate_se()
        return {
            "hire_rate": rate,
            "low": max(rate - half, 0.0),
            "high": min(rate + half, 1.0),
            "n": self.mc_n,
        }

    # ------------------------------------------------------------------ views
    def _refresh(self) -> None:
        self._compute()
        self._readout.value = self._readout_html()
        self._status.value = ""
        sync_figure(self.figures["waterfall"], self._waterfall_figure())

    def _show_error(self, message: str) -> None:
        self._status.value = f'<div style="color:#b00020">{message}</div>'

    def _readout_html(self) -> str:
        p, mc = self.probability, self.monte_carlo
        items = [
            ("hire_probability", "Hire probability (exact)", p.hire, percent),
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
        return metric_html(items, self.state)

    def _waterfall_figure(self) -> go.Figure:
        frame = self.contributions
        threshold = self.process.debrief.threshold
        titles = [self.process.competency(c).title for c in frame.index]
        values = frame["contribution"].to_numpy()
        fig = go.Figure(
            go.Waterfall(
                x=["threshold", *titles, "expected aggregate"],
                y=[threshold, *values, 0.0],
                measure=["absolute", *(["relative"] * len(values)), "total"],
                base=0,
                increasing={"marker": {"color": "#1b9e77"}},
                decreasing={"marker": {"color": "#d95f02"}},
                totals={"marker": {"color": "#7570b3"}},
                hovertemplate="%{x}: %{y:+.2f} points<extra></extra>",
            )
        )
        low = min(threshold + np.minimum.accumulate(np.r_[0, np.cumsum(values)]).min(), threshold)
        high = max(threshold + np.cumsum(values).max(initial=0.0), threshold)
        fig.update_layout(
            height=380,
            margin={"l": 50, "r": 20, "t": 40, "b": 120},
            title={"text": "What the committee's aggregate is made of (expected, points)", "x": 0},
            yaxis={"range": [low - 0.5, high + 0.5], "title": "points"},
            showlegend=False,
        )
        return fig


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
