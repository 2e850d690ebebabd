"""Panel designer: more interviewers per round, less noise, less halo; what does it buy?

Reliability of a k-rater panel (:func:`sim.analysis.panel_reliability`, with
the Spearman-Brown prediction), the process's validity as panels grow
(simulated with the same seed for every k, so the curve is smooth), the
Taylor-Russell success ratio at that validity (:func:`sim.analysis.selection_check`)
and the dollars per hire (:func:`sim.analysis.decision_quality`, with the
Brogden-Cronbach-Gleser closed form next to the simulation).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import plots
from ..analysis import decision_quality, panel_reliability, selection_check
from ..engine import RandomLike, as_seed_sequence, simulate
from ..errors import fail
from ..result import Result
from ..spec import Interviewer, Process
from ..validation import check_int
from ._base import Explorer, dollars, dropdown, float_slider, heading, int_slider, number, percent

__all__ = ["PanelDesigner", "with_panels"]

#: Selection ratios of the Taylor-Russell curves.
SELECTION_RATIOS = np.round(np.linspace(0.05, 0.95, 19), 2)


def with_panels(process: Process, raters: int, noise: float = 1.0, halo: float = 1.0) -> Process:
    """``process`` with ``raters`` interviewers per round and scaled noise and halo.

    Each round's interviewers get ``raters - 1`` interchangeable copies each
    (same habits, named ``<name>_2``, ``<name>_3``...; the same debrief weight;
    no veto), sitting in the same interview: a panel. ``noise`` and ``halo``
    multiply every interviewer's occasion-noise SD and halo weight.

    Examples
    --------
    >>> import sim
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> with_panels(amex, 2).rounds[1].interviewers
    ('senior_pm', 'senior_pm_2')
    """
    check_int("raters", raters, 1)
    people: dict[str, Interviewer] = {
        p.name: replace(p, noise_sd=p.noise_sd * noise, halo=p.halo * halo)
        for p in process.interviewers
    }
    d = process.debrief
    weights = dict(d.interviewer_weights)
    rounds = []
    for rnd in process.rounds:
        names = list(rnd.interviewers)
        for name in rnd.interviewers:
            for i in range(2, int(raters) + 1):
                copy = f"{name}_{i}"
                if copy not in people:
                    people[copy] = replace(
                        people[name], name=copy, role=f"{people[name].role} #{i}"
                    )
                    if name in d.interviewer_weights:
                        weights[copy] = d.interviewer_weights[name]
                names.append(copy)
        rounds.append(replace(rnd, interviewers=tuple(names)))
    order = d.speaking_order
    if not isinstance(order, str):
        order = tuple(n for name in order for n in [name, *_copies(name, people)])
    debrief = replace(d, interviewer_weights=weights, speaking_order=order)
    return replace(
        process, interviewers=tuple(people.values()), rounds=tuple(rounds), debrief=debrief
    )


def _copies(name: str, people: dict[str, Interviewer]) -> list[str]:
    return [n for n in people if n.startswith(f"{name}_") and n[len(name) + 1 :].isdigit()]


class PanelDesigner(Explorer):
    """Interviewers per round, noise and halo against reliability, validity and dollars.

    Parameters
    ----------
    process : Process
    n : int
        Candidates per simulated pool (one pool per panel size, same seed).
    rng : int, SeedSequence or Generator
    max_raters : int
        Largest panel on the curves.

    Attributes
    ----------
    seed : SeedSequence
        Seed of every simulation (the same for every panel size).
    reliability : DataFrame
        :func:`sim.analysis.panel_reliability` of the chosen competency.
    validity : DataFrame
        Indexed by panel size ``k``: ``validity``, ``hire_rate``, ``precision``,
        ``dollars_per_hire`` of the simulated process with ``k`` raters per round.
    result : Result
        The pool under the current panel.
    quality : DataFrame
        :func:`sim.analysis.decision_quality` of ``result``.
    selection : DataFrame
        :func:`sim.analysis.selection_check` at the current and the one-rater validity.

    Examples
    --------
    >>> import sim
    >>> from sim.widgets import PanelDesigner
    >>> designer = PanelDesigner(sim.load_process("amex_ai_pm_2026"), n=2000, rng=1)
    >>> designer.set_state(raters=3)
    >>> bool(designer.validity.loc[3, "validity"] > designer.validity.loc[1, "validity"])
    True
    """

    name = "panel"

    def __init__(
        self, process: Process, n: int = 20_000, rng: RandomLike = 0, *, max_raters: int = 5
    ) -> None:
        super().__init__()
        if not isinstance(process, Process):
            raise fail("process", "must be a Process (see sim.load_process)", process)
        check_int("n", n, 100)
        check_int("max_raters", max_raters, 2)
        self.process = process
        self.n = int(n)
        self.max_raters = max_raters
        self.seed = as_seed_sequence(rng)
        self._build(self._make_controls())

    def _make_controls(self) -> list[Any]:
        weights = self.process.debrief.competency_weights
        assessed = [
            c
            for c in self.process.competency_names
            if any(c in r.competencies for r in self.process.rounds)
        ]
        top = max(assessed, key=lambda c: weights.get(c, 0.0))
        titles = [(self.process.competency(c).title, c) for c in assessed]
        self._add_control("raters", int_slider("Interviewers per round", 1, 1, self.max_raters))
        self._add_control("noise", float_slider("Occasion noise (× SD)", 1.0, 0.0, 3.0, 0.05))
        self._add_control("halo", float_slider("Halo (× weight)", 1.0, 0.0, 3.0, 0.05))
        self._add_control("competency", dropdown("Reliability of", titles, top))
        return [heading("Panel design"), *self._controls.values()]

    # ------------------------------------------------------------------ model
    @property
    def current_process(self) -> Process:
        """The process with the current panel (validated)."""
        s = self.state
        return with_panels(self.process, s["raters"], s["noise"], s["halo"])

    def _compute(self) -> None:
        s = self.state
        rows, results = [], {}
        for k in range(1, self.max_raters + 1):
            process = with_panels(self.process, k, s["noise"], s["halo"])
            result = simulate(process, n=self.n, rng=self.seed, keep="decisions")
            summary = result.summary()
            results[k] = result
            rows.append(
                {
                    "k": k,
                    "validity": summary["validity"],
                    "hire_rate": summary["hire_rate"],
                    "precision": summary["precision"],
                    "dollars_per_hire": summary["dollars_per_hire"],
                }
            )
        self.validity = pd.DataFrame(rows).set_index("k")
        self.result: Result = results[s["raters"]]
        self.quality = decision_quality(self.result)
        self.reliability = panel_reliability(
            with_panels(self.process, 1, s["noise"], s["halo"]),
            s["competency"],
            n=2000,
            max_raters=self.max_raters,
            rng=self.seed,
        )
        current = float(self.validity.loc[s["raters"], "validity"])
        single = float(self.validity.loc[1, "validity"])
        base_rate = float(self.quality.attrs["base_rate"])
        self.selection = selection_check(
            sorted({round(single, 4), round(current, 4)}),
            SELECTION_RATIOS,
            base_rate,
            n=20_000,
            rng=self.seed,
        )
        self.metrics = {
            "validity": current,
            "reliability": float(self.reliability.loc[s["raters"], "simulated"]),
            "precision": float(self.quality.loc["precision", "committee"]),
            "dollars_per_hire": float(self.quality.loc["dollars_per_hire", "committee"]),
            "dollars_per_hire_bcg": float(self.quality.loc["dollars_per_hire", "closed_form"]),
        }

    # ------------------------------------------------------------------ views
    def _figure_parts(self) -> list[go.Figure]:
        return [
            plots.reliability_figure(self.reliability),
            plots.validity_figure(self.validity, int(self.state["raters"])),
            plots.taylor_russell_figure(self.selection),
            plots.quality_figure(self.quality),
        ]

    def _readout(self) -> list[tuple[str, str, float, Any]]:
        m = self.metrics
        return [
            ("reliability", "Panel reliability (one competency)", m["reliability"], number),
            ("validity", "Validity of the decision score", m["validity"], number),
            ("precision", "Precision (hires who succeed)", m["precision"], percent),
            ("dollars_per_hire", "Value per hire / year", m["dollars_per_hire"], dollars),
            (
                "dollars_per_hire_bcg",
                "…Brogden-Cronbach-Gleser",
                m["dollars_per_hire_bcg"],
                dollars,
            ),
        ]
