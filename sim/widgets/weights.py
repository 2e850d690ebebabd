"""Weight explorer: move the debrief's weights, threshold, rule and noise; watch decisions move.

Common random numbers: the pool is simulated once per seed and panel-noise
setting; a change of weights, threshold, rule or anchoring re-runs only the
debrief on the stored ratings (:func:`sim.debrief.redecide`). So what moves on
screen is the effect of the setting, not Monte Carlo noise, and every number
equals ``sim.simulate`` of the modified process with the same seed.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import plots
from ..analysis import decision_swing
from ..engine import RandomLike, as_seed_sequence, redecide, simulate
from ..errors import fail
from ..result import Result
from ..rules import with_rule
from ..spec import RULES, Process
from ..validation import check_int
from ._base import Explorer, dollars, dropdown, float_slider, heading, number, percent

__all__ = ["WeightExplorer"]


class WeightExplorer(Explorer):
    """Competency weights, threshold, rule, anchoring and panel noise against hire quality.

    Parameters
    ----------
    process : Process
        The process whose debrief is explored (its settings are the start state).
    n : int
        Pool size, simulated once per panel-noise setting (common random numbers).
    rng : int, SeedSequence or Generator
        Seed of the pool; a Generator is consumed once, at construction.
    bins : int
        Bins of the score distribution.

    Attributes
    ----------
    seed : SeedSequence
        The one seed of the pool: ``sim.simulate(explorer.current_process, n=explorer.n,
        rng=explorer.seed)`` reproduces every number shown.
    result : Result
        The pool under the current settings.
    metrics : dict
        ``result.summary()``: hire rate, precision, recall, dollars per hire, ...
    swing : DataFrame
        :func:`sim.analysis.decision_swing` of ``result``.
    note : str
        What switching the rule assumed (see :func:`sim.debrief.with_rule`).
    figure : FigureWidget
        :func:`sim.plots.score_distribution_figure` over
        :func:`sim.plots.decision_swing_figure`.

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

    name = "weights"

    def __init__(
        self, process: Process, n: int = 20_000, rng: RandomLike = 0, *, bins: int = 40
    ) -> None:
        super().__init__()
        if not isinstance(process, Process):
            raise fail("process", "must be a Process (see sim.load_process)", process)
        check_int("n", n, 100)
        check_int("bins", bins, 2)
        self.process = process
        self.n = int(n)
        self.bins = bins
        self.seed = as_seed_sequence(rng)
        self._pool: tuple[float, Result] | None = None  # (noise, pool) reused across settings
        self.note = ""
        self._build(self._make_controls())

    # ------------------------------------------------------------------ controls
    def _make_controls(self) -> list[Any]:
        process = self.process
        debrief = process.debrief
        assessed = {c for rnd in process.rounds for c in rnd.competencies}
        weighable = [c for c in process.competency_names if c in assessed]
        weights = debrief.competency_weights
        # Up to twice the largest weight (a half-point above it), on a 0.01 grid: presets'
        # weights (3.0, 0.5), truth weights (0.15, 0.02) and fitted shares (0.29) all fit.
        top = max(1.0, math.ceil(4 * max(weights.values())) / 2)
        for name in weighable:
            self._add_control(
                name,
                float_slider(
                    process.competency(name).title, weights.get(name, 0.0), 0.0, top, 0.01
                ),
                group="weights",
            )
        scale = process.scale
        self._add_control(
            "threshold",
            float_slider("Hire threshold (points)", debrief.threshold, scale.min, scale.max, 0.05),
        )
        self._add_control("rule", dropdown("Decision rule", list(RULES), debrief.rule))
        self._add_control(
            "anchoring", float_slider("Anchoring α", debrief.anchoring, 0.0, 1.0, 0.05)
        )
        self._add_control("noise", float_slider("Panel noise (× each SD)", 1.0, 0.0, 3.0, 0.05))
        return [
            heading("Debrief weights"),
            *(self._controls[f"weights.{name}"] for name in weighable),
            heading("Decision"),
            *(self._controls[k] for k in ("threshold", "rule", "anchoring", "noise")),
        ]

    # ------------------------------------------------------------------ model
    @property
    def current_process(self) -> Process:
        """The process under the current settings (validated)."""
        return self.process_for(self.state)

    def process_for(self, state: dict[str, Any]) -> Process:
        """The process a state describes: the base process with its settings applied.

        A rule other than the process's own is set with
        :func:`sim.debrief.with_rule` (e.g. ``veto`` goes to the hiring manager
        when the process names no veto holder).
        """
        base = self.process
        variant, self.note = base, ""
        if state["rule"] != base.debrief.rule:
            variant, self.note = with_rule(base, state["rule"])
            if variant is None:
                raise fail("rule", self.note, state["rule"])
        weights = {**variant.debrief.competency_weights, **state["weights"]}
        debrief = replace(
            variant.debrief,
            competency_weights=weights,
            threshold=state["threshold"],
            anchoring=state["anchoring"],
        )
        return replace(variant, debrief=debrief, interviewers=_noisier(base, state["noise"]))

    def _compute(self) -> None:
        process = self.current_process
        noise = float(self._controls["noise"].value)
        if self._pool is None or self._pool[0] != noise:
            self._pool = (noise, simulate(process, n=self.n, rng=self.seed, keep="all"))
        self.result = redecide(self._pool[1], process)
        self.metrics = self.result.summary()
        self.swing: pd.DataFrame = decision_swing(self.result)

    # ------------------------------------------------------------------ views
    def _figure_parts(self) -> list[go.Figure]:
        return [
            plots.score_distribution_figure(self.result, bins=self.bins),
            plots.decision_swing_figure(self.swing, titles=self.process),
        ]

    def _readout(self) -> list[tuple[str, str, float, Any]]:
        m = self.metrics
        return [
            ("hire_rate", "Hire rate", m["hire_rate"], percent),
            ("precision", "Precision (hires who succeed)", m["precision"], percent),
            ("recall", "Recall (successes hired)", m["recall"], percent),
            ("dollars_per_hire", "Value per hire / year", m["dollars_per_hire"], dollars),
            ("validity", "Validity r", m["validity"], number),
        ]

    def _update_views(self) -> None:
        if self.note:
            self._status.value = f'<div style="color:#555">Rule: {self.note}</div>'


def _noisier(process: Process, factor: float) -> tuple:
    """The interviewers with every occasion-noise SD multiplied by ``factor``."""
    if float(factor) == 1.0:
        return process.interviewers
    return tuple(replace(p, noise_sd=p.noise_sd * float(factor)) for p in process.interviewers)
