"""Process economics explorer: the window, the rounds and the offer against time, loss and value.

Common random numbers: the applicants of every requisition (arrivals, the
committee's decisions, the luck of every wait and every offer) are drawn once per
set of rounds (:class:`sim.economics.variants.Variants`); moving the window, the
offer or telling candidates the decision date re-runs only the requisition flow on
the same draws. Every number equals ``Variants(n, seed).run(explorer.current_process,
explorer.current_economics)`` for the same state.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from ..economics import BLOCK, Economics, load_economics
from ..economics.changes import with_window, without_round
from ..economics.spec import check_count
from ..economics.variants import Variants, window_curve
from ..engine import RandomLike, as_seed_sequence
from ..errors import fail
from ..plots import economics as plots
from ..spec import Process
from ._base import Explorer, dollars, float_slider, heading, int_slider, number, percent

__all__ = ["ProcessEconomics"]

#: Windows (days) on the net-value curve.
CURVE_WINDOWS = (20, 30, 45, 60)
_TOPS = ("base_salary_usd", "bonus_pct_of_base", "equity_pct", "sign_on_usd")


class ProcessEconomics(Explorer):
    """Window length, rounds and offer policy against time to fill, withdrawals and net value.

    Parameters
    ----------
    process : Process
    economics : Economics, optional
        Default: the process's preset (:func:`sim.economics.load_economics`).
    n : int
        Requisitions, simulated once per set of rounds (common random numbers).
    rng : int, SeedSequence or Generator
        Seed; a Generator is consumed once, at construction.

    Attributes
    ----------
    result : RequisitionResult
        The requisitions under the current settings.
    metrics : dict
        ``result.summary()``.
    curve : DataFrame
        :func:`sim.economics.variants.window_curve` for the current rounds and offer,
        on the first ``min(n, BLOCK)`` of the same requisitions.
    figure : FigureWidget
        The funnel over days, time to fill and net value by window, stacked.

    Examples
    --------
    >>> import sim
    >>> from sim.economics.variants import Variants
    >>> from sim.widgets.economics import ProcessEconomics
    >>> explorer = ProcessEconomics(sim.load_process("amex_ai_pm_2026"), n=512, rng=0)
    >>> explorer.set_state(window_days=30, offer_level=0.5)
    >>> crn = Variants(512, explorer.seed)
    >>> again = crn.run(explorer.current_process, explorer.current_economics)
    >>> explorer.metrics == again.summary()
    True
    """

    name = "economics"

    def __init__(
        self,
        process: Process,
        economics: Economics | None = None,
        n: int = 1024,
        rng: RandomLike = 0,
    ) -> None:
        super().__init__()
        if not isinstance(process, Process):
            raise fail("process", "must be a Process (see sim.load_process)", process)
        check_count("n", n, 1)
        self.process = process
        self.economics = load_economics(process) if economics is None else economics
        self.economics.check(process)
        self.n = int(n)
        self.seed = as_seed_sequence(rng)
        self._crn = Variants(n=self.n, rng=self.seed)
        # The curve uses the first block of the same requisitions: a trend, cheaply.
        self._curve_crn = Variants(n=min(self.n, BLOCK), rng=self.seed)
        self._curve_key: str | None = None
        self._build(self._make_controls())

    # ------------------------------------------------------------------ controls
    def _make_controls(self) -> list[Any]:
        p = self.process
        self._add_control(
            "window_days",
            int_slider("Process window (days)", round(p.window_days), 10, 90),
        )
        for rnd in p.rounds:
            box = widgets.Checkbox(value=True, description=rnd.title, indent=False)
            self._add_control(rnd.name, box, group="rounds")
        self._add_control(
            "offer_level", float_slider("Offer: way to the top of range", 0.0, 0.0, 1.0, 0.05)
        )
        told = widgets.Checkbox(
            value=self.economics.schedule.decision_date_told,
            description="Tell finalists the decision date",
            indent=False,
        )
        self._add_control("decision_date_told", told)
        return [
            heading("Schedule"),
            self._controls["window_days"],
            self._controls["decision_date_told"],
            heading("Rounds held"),
            *(self._controls[f"rounds.{r.name}"] for r in p.rounds),
            heading("Offer"),
            self._controls["offer_level"],
        ]

    # ------------------------------------------------------------------ model
    @property
    def current_process(self) -> Process:
        """The process under the current settings: rounds dropped, then the window rescaled."""
        process = self.process
        for name, kept in self.state["rounds"].items():
            if not kept:
                process = without_round(process, name)
        return with_window(process, float(self.state["window_days"]))

    @property
    def current_economics(self) -> Economics:
        """The economics under the current settings (offer level, decision date told)."""
        e = self.economics
        level = float(self.state["offer_level"])
        policy = e.offer_policy
        if level:
            ranges = self.process.compensation or {}
            parts = {}
            for key in _TOPS:
                part = getattr(policy, key)
                top = ranges.get(key, part.bounds)[1]
                parts[key] = part.shifted(level, float(top))
            policy = replace(policy, **parts)
        schedule = replace(e.schedule, decision_date_told=bool(self.state["decision_date_told"]))
        return replace(e, offer_policy=policy, schedule=schedule)

    def _compute(self) -> None:
        process, econ = self.current_process, self.current_economics
        self.result = self._crn.run(process, econ)
        self.metrics = self.result.summary()
        key = repr((self.state["rounds"], self.state["offer_level"], econ.schedule))
        if key != self._curve_key:
            self.curve = window_curve(process, econ, CURVE_WINDOWS, crn=self._curve_crn)
            self._curve_key = key
        self.curve.attrs["window_days"] = process.window_days

    # ------------------------------------------------------------------ views
    def _figure_parts(self) -> list[go.Figure]:
        return [
            plots.funnel_figure(self.result.funnel()),
            plots.time_to_fill_figure(self.result.requisitions()),
            plots.window_value_figure(self.curve, current=self.current_process.window_days),
        ]

    def _readout(self) -> list[tuple[str, str, float, Any]]:
        m = self.metrics
        return [
            ("time_to_fill_days", "Time to fill (median days)", m["time_to_fill_days"], number),
            ("withdrawal_rate", "Applicants who withdraw", m["withdrawal_rate"], percent),
            ("offer_acceptance", "Offers accepted", m["offer_acceptance"], percent),
            ("performance_of_hire", "Performance of hire (SD)", m["performance_of_hire"], number),
            ("cost_per_hire", "Interview cost per hire", m["cost_per_hire"], dollars),
            (
                "net_value_per_requisition",
                "Net value / requisition",
                m["net_value_per_requisition"],
                dollars,
            ),
        ]
