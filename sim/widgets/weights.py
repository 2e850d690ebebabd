"""Weight explorer: move the debrief's weights and threshold, watch the decisions move.

Common random numbers: the pool is simulated once per seed and panel-noise
setting; a change of weights, threshold or rule re-applies the debrief to the
stored ratings. So what moves on screen is the effect of the setting, not
Monte Carlo noise, and every number equals ``sim.simulate`` of the modified
process with the same seed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..engine import RandomLike, as_seed_sequence, decide, simulate
from ..errors import fail
from ..model import HIRE
from ..result import Result
from ..spec import RULES, Process
from ._base import Explorer, dollars, figure_widget, metric_html, number, percent, sync_figure

__all__ = ["WeightExplorer"]

_SLIDER = {
    "continuous_update": True,
    "readout_format": ".2f",
    "style": {"description_width": "13em"},
}
_SLIDER_LAYOUT = {"width": "32em"}


class WeightExplorer(Explorer):
    """Competency weights, threshold, rule and panel noise against hire quality.

    Parameters
    ----------
    process : Process
        The process whose debrief is explored (its settings are the start state).
    n : int
        Pool size simulated once (common random numbers for every setting).
    rng : int, SeedSequence or Generator
        Seed of the pool; a Generator is consumed once, at construction.
    bins : int
        Bins of the score distributions over the rating scale.

    Attributes
    ----------
    result : Result
        The pool under the current settings.
    metrics : dict
        ``result.summary()``: hire rate, precision, recall, dollars per hire, ...
    swing : DataFrame
        Decision swing per weighed competency (see :meth:`decision_swing`).
    figures : dict of str to FigureWidget
        ``"distribution"`` and ``"swing"``.

    Examples
    --------
    >>> import sim
    >>> from sim.widgets import WeightExplorer
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> explorer = WeightExplorer(process, n=2_000, rng=0)
    >>> explorer.set_state(threshold=6.5, weights={"technical_depth": 3.0})
    >>> again = sim.simulate(explorer.current_process, n=2_000, rng=0).summary()
    >>> explorer.metrics["hire_rate"] == again["hire_rate"]
    True
    """

    def __init__(
        self, process: Process, n: int = 20_000, rng: RandomLike = 0, *, bins: int = 45
    ) -> None:
        super().__init__()
        if not isinstance(process, Process):
            raise fail("process", "must be a Process (see sim.load_process)", process)
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 100:
            raise fail("n", "must be an integer >= 100", n)
        if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
            raise fail("bins", "must be an integer >= 2", bins)
        self.process = process
        self.n = int(n)
        self.bins = bins
        self._seed = as_seed_sequence(rng)
        # (noise, pool result, its ratings with NaN as 0) kept for reuse: common random numbers
        self._pool: tuple[float, Result, np.ndarray] | None = None
        self._build_controls()
        self._compute()
        self.figures = {
            "distribution": figure_widget(self._distribution_figure(), "distribution"),
            "swing": figure_widget(self._swing_figure(), "swing"),
        }
        self._readout = widgets.HTML(self._readout_html())
        self._status = widgets.HTML("")
        controls = widgets.VBox(
            [widgets.HTML("<b>Debrief weights</b>")]
            + [self._controls[f"weights.{k}"] for k in self._weighable]
            + [widgets.HTML("<b>Decision</b>")]
            + [self._controls[k] for k in ("threshold", "rule", "noise")],
            layout={"min_width": "33em"},
        )
        plots = widgets.VBox(
            [self._readout, self._status, self.figures["distribution"], self.figures["swing"]],
            layout={"flex": "1 1 auto", "min_width": "30em"},
        )
        self._widget = widgets.HBox([controls, plots], layout={"flex_flow": "row wrap"})
        self._widget.add_class("hcs-explorer-weights")

    # ------------------------------------------------------------------ controls
    def _build_controls(self) -> None:
        process = self.process
        assessed = {c for rnd in process.rounds for c in rnd.competencies}
        self._weighable = [c for c in process.competency_names if c in assessed]
        weights = process.debrief.competency_weights
        top = max(5.0, 2 * max(weights.values()))
        for name in self._weighable:
            slider = widgets.FloatSlider(
                value=weights.get(name, 0.0),
                min=0.0,
                max=top,
                step=0.1,
                description=process.competency(name).title,
                layout=_SLIDER_LAYOUT,
                **_SLIDER,
            )
            self._add_control(name, slider, group="weights")
        scale = process.scale
        self._add_control(
            "threshold",
            widgets.FloatSlider(
                value=process.debrief.threshold,
                min=scale.min,
                max=scale.max,
                step=0.05,
                description="Hire threshold (points)",
                layout=_SLIDER_LAYOUT,
                **_SLIDER,
            ),
        )
        self._add_control(
            "rule",
            widgets.Dropdown(
                options=list(RULES),
                value=process.debrief.rule,
                description="Decision rule",
                style=_SLIDER["style"],
                layout=_SLIDER_LAYOUT,
            ),
        )
        self._add_control(
            "noise",
            widgets.FloatSlider(
                value=1.0,
                min=0.0,
                max=3.0,
                step=0.05,
                description="Panel noise (× each SD)",
                layout=_SLIDER_LAYOUT,
                **_SLIDER,
            ),
        )

    # ------------------------------------------------------------------ model
    @property
    def current_process(self) -> Process:
        """The process under the current settings (validated)."""
        return self.process_for(self.state)

    def process_for(self, state: dict[str, Any]) -> Process:
        """The process a state describes: the base process with its settings applied."""
        base = self.process
        weights = dict(base.debrief.competency_weights)
        weights.update(state["weights"])
        debrief = replace(
            base.debrief,
            competency_weights=weights,
            threshold=state["threshold"],
            rule=state["rule"],
        )
        noise = float(state["noise"])
        people = base.interviewers
        if noise != 1.0:
            people = tuple(replace(p, noise_sd=p.noise_sd * noise) for p in people)
        return replace(base, debrief=debrief, interviewers=people)

    def _compute(self) -> None:
        process = self.current_process
        noise = float(self._controls["noise"].value)
        if self._pool is None or self._pool[0] != noise:
            pool = simulate(process, n=self.n, rng=self._seed, keep="all")
            self._pool = (noise, pool, np.nan_to_num(pool.perceived))
        self.result = _redecide(self._pool[1], process, self._pool[2])
        self.metrics = self.result.summary()
        self.swing = self.decision_swing()

    def decision_swing(self) -> pd.DataFrame:
        """Share of debriefed candidates whose decision flips without each competency.

        For every competency with a weight, the debrief is re-applied to the same
        ratings with that weight set to zero.

        Returns
        -------
        DataFrame
            Indexed by competency: ``weight`` (current), ``flipped`` (share of
            debriefed candidates whose decision changes), ``hires_lost`` and
            ``hires_gained`` (shares of debriefed candidates).
        """
        result = self.result
        process = result.process
        reached = result.reached
        n_reached = max(int(reached.sum()), 1)
        rows = []
        weights = process.debrief.competency_weights
        for name in self._weighable:
            weight = weights.get(name, 0.0)
            others = {k: (0.0 if k == name else w) for k, w in weights.items()}
            if weight == 0 or not any(others.values()):
                rows.append((name, weight, 0.0, 0.0, 0.0))
                continue
            without = replace(process, debrief=replace(process.debrief, competency_weights=others))
            _, _, decision = decide(without.model, self._pool[2])
            hired, hired_without = result.decision == HIRE, decision == HIRE
            rows.append(
                (
                    name,
                    weight,
                    float((decision != result.decision)[reached].sum() / n_reached),
                    float((hired & ~hired_without)[reached].sum() / n_reached),
                    float((~hired & hired_without)[reached].sum() / n_reached),
                )
            )
        frame = pd.DataFrame(
            rows, columns=["competency", "weight", "flipped", "hires_lost", "hires_gained"]
        )
        return frame.set_index("competency")

    # ------------------------------------------------------------------ views
    def _refresh(self) -> None:
        self._compute()
        self._readout.value = self._readout_html()
        self._status.value = ""
        sync_figure(self.figures["distribution"], self._distribution_figure())
        sync_figure(self.figures["swing"], self._swing_figure())

    def _show_error(self, message: str) -> None:
        self._status.value = f'<div style="color:#b00020">{message}</div>'

    def _readout_html(self) -> str:
        m = self.metrics
        return metric_html(
            [
                ("hire_rate", "Hire rate", m["hire_rate"], percent),
                ("precision", "Precision (hires who succeed)", m["precision"], percent),
                ("recall", "Recall (successes hired)", m["recall"], percent),
                ("dollars_per_hire", "Value per hire / year", m["dollars_per_hire"], dollars),
                ("validity", "Validity r", m["validity"], number),
            ],
            self.state,
        )

    def bin_edges(self) -> np.ndarray:
        """Edges (points) of the score-distribution bins, shape (bins + 1,)."""
        scale = self.process.scale
        return np.linspace(scale.min, scale.max, self.bins + 1)

    def distribution_counts(self) -> dict[tuple[str, str], np.ndarray]:
        """Histogram counts of the debrief aggregate, by decision and truth.

        Keys ``(decision, truth)`` with decision ``"Hire"``/``"No hire"`` and truth
        ``"succeeds"``/``"fails"``; values have shape (bins,). Aggregates outside
        the scale are counted in the end bins.
        """
        return _distribution_counts(self.result, self.bin_edges())

    def _distribution_figure(self) -> go.Figure:
        edges = self.bin_edges()
        centres = (edges[:-1] + edges[1:]) / 2
        width = float(edges[1] - edges[0])
        counts = self.distribution_counts()
        fig = make_subplots(
            rows=2,
            cols=1,
            shared_xaxes=True,
            vertical_spacing=0.08,
            subplot_titles=("Hired", "Not hired (debriefed)"),
        )
        colours = {"succeeds": "#1b9e77", "fails": "#d95f02"}
        for row, decision in enumerate(("Hire", "No hire"), start=1):
            for truth in ("succeeds", "fails"):
                fig.add_trace(
                    go.Bar(
                        x=centres,
                        y=counts[decision, truth],
                        width=width,
                        name=f"would {'succeed' if truth == 'succeeds' else 'fail'}",
                        marker_color=colours[truth],
                        legendgroup=truth,
                        showlegend=row == 1,
                        hovertemplate="%{y} candidates at %{x:.2f}<extra>%{fullData.name}</extra>",
                    ),
                    row=row,
                    col=1,
                )
        threshold = float(self._controls["threshold"].value)
        fig.add_vline(x=threshold, line_dash="dash", line_color="#333")
        fig.update_layout(
            barmode="stack",
            height=380,
            margin={"l": 50, "r": 20, "t": 40, "b": 40},
            title={"text": "Debrief aggregate, coloured by true performance", "x": 0},
            legend={"orientation": "h", "y": -0.15},
        )
        fig.update_xaxes(title_text="aggregate (points)", row=2, col=1)
        return fig

    def _swing_figure(self) -> go.Figure:
        frame = self.swing.sort_values("flipped")
        titles = [self.process.competency(c).title for c in frame.index]
        fig = go.Figure(
            go.Bar(
                x=frame["flipped"].to_numpy(),
                y=titles,
                orientation="h",
                marker_color="#7570b3",
                hovertemplate="%{x:.1%} of decisions flip<extra>%{y}</extra>",
            )
        )
        fig.update_layout(
            height=320,
            margin={"l": 180, "r": 20, "t": 40, "b": 40},
            title={"text": "Decision swing: decisions that flip without this signal", "x": 0},
            xaxis={"tickformat": ".1%", "title": "share of debriefed candidates"},
        )
        return fig


def _distribution_counts(result: Result, edges: np.ndarray) -> dict[tuple[str, str], np.ndarray]:
    reached = result.reached
    points = np.clip(result.aggregate[reached], edges[0], edges[-1])
    hired = result.hired[reached]
    success = result.success[reached]
    out = {}
    for decision, mask in (("Hire", hired), ("No hire", ~hired)):
        for truth, good in (("succeeds", success), ("fails", ~success)):
            out[decision, truth] = np.histogram(points[mask & good], bins=edges)[0]
    return out


def _redecide(result: Result, process: Process, ratings: np.ndarray) -> Result:
    """The debrief of ``process`` applied to the ratings stored in ``result``."""
    stage, aggregate, decision = decide(process.model, ratings)
    return replace(result, process=process, stage=stage, aggregate_z=aggregate, decision=decision)
