"""The outcome of :func:`sim.calibrate.calibrate`: tidy tables, JSON and a fitted process."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..spec import Process

__all__ = ["CalibrationResult"]


def _num(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True, eq=False)
class CalibrationResult:
    """Estimates from one score sheet (points of the input scale; variances squared).

    Attributes
    ----------
    source : str
        The score sheet's file name.
    scale : (float, float, float)
        ``(min, max, step)`` of the input scale (step 0: continuous).
    n_ratings, n_missing, n_candidates : int
        Ratings used, ratings given as missing, candidates.
    competencies : DataFrame
        One row per competency: ``candidate_var``, ``interviewer_var``,
        ``residual_var`` (REML) and their ``_se``, ``intercept``, counts.
    interviewers : DataFrame
        One row per interviewer: ``leniency`` (conditional mode) and
        ``leniency_se``; ``halo`` (SD of their impression) and ``halo_se``;
        ``noise_sd`` (occasion noise, without the halo and the rounding) and
        ``noise_sd_se``; the variances behind them; counts.
    leniency_by_competency : DataFrame
        Tidy: interviewer, competency, leniency, leniency_se, n_ratings.
    level_covariance : DataFrame
        (K, K) covariance of the candidates' perceived levels (points^2); NaN for
        pairs no two seats of one candidate rated.
    level_pairs : DataFrame
        (K, K) number of cross-seat rating pairs behind each covariance.
    overall_components : dict
        Variance components of the seat-mean model behind the overall leniencies.
    label_cuts, recommendation_cuts : DataFrame or None
        Tidy: interviewer, cut, between, cut_point, sd, low, high, n, pooled, spread.
    revealed : dict or None
        ``"table"`` (competency: stated, revealed, se, low, high) and ``"fit"``
        (:class:`sim.calibrate.weights.RevealedWeights`).
    labels, recommendations : tuple of str or None
        Ordered names found in the sheet.
    rounds : list of dict
        Rounds as the data show them (name, competencies, interviewers).
    base : Process or None
        The ``--process BASE`` the calibration was run against.
    warnings : tuple of str
        Thin data, unidentifiable quantities, assumptions.
    """

    source: str
    scale: tuple[float, float, float]
    n_ratings: int
    n_missing: int
    n_candidates: int
    competencies: pd.DataFrame
    interviewers: pd.DataFrame
    leniency_by_competency: pd.DataFrame
    level_covariance: pd.DataFrame
    level_pairs: pd.DataFrame
    overall_components: dict[str, float]
    label_cuts: pd.DataFrame | None
    recommendation_cuts: pd.DataFrame | None
    revealed: dict[str, Any] | None
    labels: tuple[str, ...] | None
    recommendations: tuple[str, ...] | None
    rounds: list[dict[str, Any]]
    base: Process | None
    warnings: tuple[str, ...]

    @property
    def n_interviewers(self) -> int:
        """Number of interviewers."""
        return len(self.interviewers)

    @property
    def revealed_weights(self) -> pd.DataFrame | None:
        """Stated vs revealed weights per competency (shares), or None without decisions."""
        return None if self.revealed is None else self.revealed["table"]

    def cut_points(self, kind: str = "label") -> pd.DataFrame | None:
        """Tidy cut points of ``"label"`` or ``"recommendation"``."""
        return self.label_cuts if kind == "label" else self.recommendation_cuts

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON types (the ``hiring-sim calibrate --json`` document).

        Keys: ``n_ratings``, ``n_candidates``, ``n_interviewers``, ``n_missing``,
        ``source``, ``scale``, ``competencies`` (name: variances and SEs),
        ``interviewers`` (name: leniency, leniency_se, noise_sd, noise_sd_se,
        halo, halo_se, n_ratings, own cut points), ``revealed_weights``,
        ``warnings``. Variances are in squared points of the input scale.
        """
        comps = {}
        for name, row in self.competencies.iterrows():
            comps[str(name)] = {
                key: (_num(row[key]) if key in row and pd.notna(row[key]) else None)
                for key in (
                    "candidate_var",
                    "candidate_var_se",
                    "interviewer_var",
                    "interviewer_var_se",
                    "residual_var",
                    "residual_var_se",
                    "intercept",
                    "intercept_se",
                )
            } | {"n_ratings": int(row["n_ratings"]), "identifiable": bool(row["identifiable"])}
        people = {}
        for name, row in self.interviewers.iterrows():
            entry = {
                key: _num(row[key])
                for key in (
                    "leniency",
                    "leniency_se",
                    "noise_sd",
                    "noise_sd_se",
                    "halo",
                    "halo_se",
                )
            }
            entry["n_ratings"] = int(row["n_ratings"])
            entry["n_candidates"] = int(row["n_candidates"])
            for kind, table in (
                ("label_cuts", self.label_cuts),
                ("recommendation_cuts", self.recommendation_cuts),
            ):
                if table is not None:
                    mine = table[table["interviewer"] == name]
                    entry[kind] = [_num(v) for v in mine["cut_point"]]
                    entry[f"{kind}_se"] = [_num(v) for v in mine["sd"]]
            people[str(name)] = entry
        return {
            "source": self.source,
            "scale": {"min": self.scale[0], "max": self.scale[1], "step": self.scale[2]},
            "n_ratings": self.n_ratings,
            "n_missing": self.n_missing,
            "n_candidates": self.n_candidates,
            "n_interviewers": self.n_interviewers,
            "competencies": comps,
            "interviewers": people,
            "revealed_weights": self._weights_dict(),
            "warnings": list(self.warnings),
        }

    def _weights_dict(self) -> dict[str, Any] | None:
        if self.revealed is None:
            return None
        fit = self.revealed["fit"]
        table = self.revealed["table"]
        return {
            "weights": {
                str(name): {
                    "stated": _num(row["stated"]),
                    "revealed": _num(row["revealed"]),
                    "se": _num(row["se"]),
                }
                for name, row in table.iterrows()
            },
            "threshold": _num(fit.threshold),
            "threshold_se": _num(fit.threshold_se),
            "hold_band": _num(fit.hold_band),
            "noise_sd": _num(fit.noise_sd),
            "noise_sd_se": _num(fit.noise_se),
            "n_candidates": fit.n,
            "n_hired": fit.n_hired,
            "separated": fit.separated,
        }

    # ------------------------------------------------------------------ process
    def to_yaml(self, name: str | None = None) -> str:
        """The fitted process as YAML text, every fitted number with its source comment."""
        from .fitted_yaml import fitted_yaml

        return fitted_yaml(self, name=name)

    def to_process(self, name: str | None = None) -> Process:
        """The fitted process, validated as :func:`sim.load_process` would."""
        import yaml

        from ..io import process_from_dict

        return process_from_dict(yaml.safe_load(self.to_yaml(name)), source="<fitted>")

    def write(self, path: str | os.PathLike[str], name: str | None = None) -> Process:
        """Write :meth:`to_yaml` atomically to ``path``; return the validated process."""
        from ..io import atomic_write

        text = self.to_yaml(name)
        process = self.to_process(name)  # validate before anything is written
        atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        return process

    def goodness_of_fit(
        self, ratings: pd.DataFrame, n: int = 20_000, rng: Any = 0
    ) -> pd.DataFrame:
        """Each interviewer's score distribution: input vs the fitted process simulated.

        Parameters
        ----------
        ratings : DataFrame
            The input's ratings (``interviewer``, ``score``), e.g. a ScoreSheet's.
        n : int
            Candidates to simulate.
        rng : int, SeedSequence or Generator

        Returns
        -------
        DataFrame
            Per interviewer: observed and simulated mean and SD, the total
            variation distance between the two score distributions, and its
            sampling floor (the distance expected from the input's size alone).
        """
        from .fitted_yaml import goodness_of_fit

        return goodness_of_fit(self, ratings, n=n, rng=rng)

    def summary_lines(self) -> list[str]:
        """A short human-readable report (the CLI's text output)."""
        lines = [
            f"{self.source}: {self.n_ratings} ratings of {self.n_candidates} candidates by "
            f"{self.n_interviewers} interviewers ({self.n_missing} missing ratings dropped)"
        ]
        lines.append("\nVariance components per competency (squared points):")
        cols = ["candidate_var", "interviewer_var", "residual_var", "n_ratings"]
        lines.append(_text_table(self.competencies.reindex(columns=cols)))
        lines.append("\nInterviewers (points): leniency, halo and occasion noise, +- SE:")
        cols = [
            "n_ratings",
            "leniency",
            "leniency_se",
            "halo",
            "halo_se",
            "noise_sd",
            "noise_sd_se",
        ]
        lines.append(_text_table(self.interviewers[cols]))
        if self.revealed is not None:
            fit = self.revealed["fit"]
            lines.append("\nStated vs revealed weights (shares of the decision):")
            lines.append(_text_table(self.revealed["table"]))
            sep = " (decisions separate: no SEs)" if fit.separated else ""
            lines.append(
                f"  threshold {fit.threshold:.2f} +- {fit.threshold_se:.2f} points, "
                f"reading noise {fit.noise_sd:.2f} points{sep}"
            )
        for warning in self.warnings:
            lines.append(f"warning: {warning}")
        return lines


def _text_table(frame: pd.DataFrame) -> str:
    def fmt(value: Any) -> str:
        if isinstance(value, float | np.floating):
            return "-" if not np.isfinite(value) else f"{value:.3f}"
        return str(value)

    text = frame.to_string(formatters=dict.fromkeys(frame.columns, fmt), na_rep="-")
    return "\n".join("  " + line for line in text.splitlines())
