"""Simulation results: arrays, with tidy DataFrames and a summary on demand.

A :class:`Result` is a plain value: it holds what the engine computed and never
re-runs the rounds or the debrief (that is :func:`sim.engine.redecide`'s job).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import special

from .model import DECISIONS, HIRE, HOLD, compile_model
from .rules import debrief_plan, has_own_score
from .spec import Process, Profile, category_index
from .validation import check_number

__all__ = ["Result", "SummaryAccumulator", "wilson_interval"]


@dataclass(frozen=True, eq=False)
class Result:
    """Outcome of :func:`sim.simulate` for ``n`` candidates.

    Attributes
    ----------
    stage : ndarray of int8, shape (n,)
        Round index at whose gate the candidate left; ``len(process.rounds)``
        for those who reached the debrief.
    aggregate_z : ndarray, shape (n,)
        The committee's aggregate (z): the weighted mean of the spoken
        judgments, whatever the rule; NaN when the debrief was not reached.
    decision : ndarray of int8, shape (n,)
        0 No Hire, 1 Hire, 2 Hold.
    performance : ndarray, shape (n,)
        True job performance ``Y`` (SDs of the applicant pool).
    framing : ndarray, shape (n,)
        Framing ``phi`` in [-1, 1].
    theta : ndarray, shape (n, K), or None
        True levels (z); ``None`` when simulated with ``keep="decisions"``.
    perceived : ndarray, shape (n, S), or None
        Perceived score of every slot (z); NaN for rounds after the candidate left.
    profiles : tuple of Profile, or None
        The profiles simulated (candidate ``i`` is profile ``i // n_each``).
    first_candidate : int
        Number of the first candidate held (non-zero for a chunk from
        :func:`sim.engine.iter_chunks`); candidate numbers in tables start here.
    n_each : int, optional
        Replicates per profile (defaults to ``n // len(profiles)``).
    debrief_draws : ndarray, shape (n, 3), or None
        The debrief's standard normals (speaking order, vote coins, the hiring
        manager's noise) so :func:`sim.debrief.redecide` can re-run the debrief.
    score_z : ndarray, shape (n,), or None
        The rule's score (z) where it is not the aggregate (weighted median,
        trimmed mean, the hiring manager's reading under ``discretion``); NaN
        when the debrief was not reached. ``None`` when the rule decides on the
        aggregate (see :attr:`score`).
    order : ndarray of int, shape (n, Q), or None
        Speaking order of each debrief (speaker indices of the debrief plan).
    written_view, spoken_view : ndarray, shape (n, Q), or None
        Each speaker's overall view (z) before and after anchoring; NaN where
        the debrief was not reached. ``order`` and the views are kept with
        ``keep="all"``.
    """

    process: Process
    stage: np.ndarray
    aggregate_z: np.ndarray
    decision: np.ndarray
    performance: np.ndarray
    framing: np.ndarray
    theta: np.ndarray | None = None
    perceived: np.ndarray | None = None
    profiles: tuple[Profile, ...] | None = None
    debrief_draws: np.ndarray | None = None
    first_candidate: int = 0
    n_each: int | None = None
    score_z: np.ndarray | None = None
    order: np.ndarray | None = None
    written_view: np.ndarray | None = None
    spoken_view: np.ndarray | None = None

    # ------------------------------------------------------------------ arrays
    @property
    def n(self) -> int:
        """Number of simulated candidates."""
        return int(self.decision.size)

    @property
    def aggregate(self) -> np.ndarray:
        """The committee's aggregate in points of the process scale, shape (n,)."""
        return self.process.scale.to_points(self.aggregate_z)

    @property
    def score(self) -> np.ndarray:
        """What the rule compared with the threshold, in points, shape (n,).

        The aggregate, except for the weighted median, the trimmed mean and the
        hiring manager's reading (``discretion``), which the engine stores.

        Raises
        ------
        ValueError
            When the rule's score is not the aggregate and the result holds none.
        """
        if self.score_z is not None:
            return self.process.scale.to_points(self.score_z)
        if has_own_score(self.process):
            raise ValueError(
                f"Result.score_z is missing: rule {self.process.debrief.rule!r} "
                "decides on its own score"
            )
        return self.aggregate

    @property
    def reached(self) -> np.ndarray:
        """Whether each candidate reached the debrief, shape (n,)."""
        return self.stage == len(self.process.rounds)

    @property
    def hired(self) -> np.ndarray:
        """Whether each candidate was hired, shape (n,)."""
        return self.decision == HIRE

    @property
    def success(self) -> np.ndarray:
        """Whether each candidate would perform above the bar, shape (n,)."""
        return self.performance > self.process.truth.performance_bar

    @property
    def dollars(self) -> np.ndarray:
        """Yearly dollar value of each candidate as a hire, vs an average applicant."""
        return self.process.truth.sd_y_dollars * self.performance

    @cached_property
    def profile_index(self) -> np.ndarray | None:
        """Profile index of each candidate, shape (n,), or None for a pool."""
        if self.profiles is None:
            return None
        each = self.n_each or self.n // len(self.profiles)
        return (self.first_candidate + np.arange(self.n)) // each

    # ------------------------------------------------------------------ summary
    def summary(self) -> dict[str, float | int]:
        """Run-level metrics.

        Returns
        -------
        dict
            ``n``; ``hire_rate`` and ``hold_rate`` (shares of all candidates);
            ``reached_debrief``; ``base_rate`` (share above the performance bar);
            ``precision`` (share of hires above the bar); ``recall`` (share of
            those above the bar who were hired); ``validity`` (correlation of the
            aggregate with performance among those debriefed);
            ``mean_performance_of_hires`` (SDs); ``dollars_per_hire`` (yearly,
            vs an average applicant). NaN where undefined (e.g. no hires).
        """
        return SummaryAccumulator(self.process).add(self).summary()

    def hire_rate_interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """Wilson score interval of the hire rate.

        Honest also when nobody (or everybody) was hired, where the plain
        binomial interval collapses to a point.

        Examples
        --------
        >>> import sim
        >>> process = sim.load_process("amex_ai_pm_2026")
        >>> low, high = sim.simulate(process, n=2000, rng=1).hire_rate_interval()
        >>> 0 < low < high < 1
        True
        """
        level = check_number(
            "confidence", confidence, low=0, high=1, low_open=True, high_open=True
        )
        z = float(special.ndtri(0.5 + level / 2))
        return wilson_interval(int(self.hired.sum()), self.n, z)

    def hire_rate_se(self) -> float:
        """Standard error of the hire rate: half the Wilson interval at one SD (z = 1).

        Close to the binomial ``sqrt(p (1 - p) / n)`` away from 0 and 1, and
        never 0: with no hires it is ``1 / (2 (n + 1))``.
        """
        low, high = wilson_interval(int(self.hired.sum()), self.n, 1.0)
        return (high - low) / 2

    # ------------------------------------------------------------------ tables
    def decisions(self) -> pd.DataFrame:
        """One row per candidate.

        Columns: ``candidate``, ``profile`` (profiles only), ``stage_reached``
        (round name or ``"debrief"``), ``aggregate`` (points; the committee's
        weighted aggregate), ``score`` (points; only for rules whose score is
        not the aggregate, see :attr:`score`, and when it is stored or the
        ratings were kept), ``decision``, ``performance`` (SDs), ``success``,
        ``dollars``, ``framing``.
        """
        names = [*(r.name for r in self.process.rounds), "debrief"]
        frame = {"candidate": self.first_candidate + np.arange(self.n)}
        if self.profiles is not None:
            labels = np.array([p.name for p in self.profiles], dtype=object)
            frame["profile"] = pd.Categorical(labels[self.profile_index], categories=labels)
        frame |= {
            "stage_reached": pd.Categorical.from_codes(self.stage.astype(int), names),
            "aggregate": self.aggregate,
        }
        if self.score_z is not None and has_own_score(self.process):
            frame["score"] = self.score
        frame |= {
            "decision": pd.Categorical.from_codes(self.decision.astype(int), DECISIONS),
            "performance": self.performance,
            "success": self.success,
            "dollars": self.dollars,
            "framing": self.framing,
        }
        return pd.DataFrame(frame)

    def scores(self) -> pd.DataFrame:
        """One row per rating actually given (tidy).

        Columns: ``candidate``, ``round``, ``interviewer``, ``competency``,
        ``perceived`` (z), ``points`` (continuous), ``score`` (the written
        score: on the scale's step within its bounds, :meth:`sim.spec.Scale.written`;
        integers on a whole-point scale), ``label`` (the rater's verbal judgment,
        from their own cut points applied to the written score; to the perceived
        score under ``aggregate: latent``).

        Raises
        ------
        ValueError
            When the run kept only decisions.
        """
        perceived = self._require("perceived")
        m = compile_model(self.process)
        scale = self.process.scale
        cand, slot = np.nonzero(~np.isnan(perceived))
        z = perceived[cand, slot]
        points = scale.to_points(z)
        written = scale.written(points)
        # The label comes from the rater's own cut points applied to what they wrote.
        label_idx = category_index(m.write(z), m.label_cuts[slot])
        whole = scale.step == 1 and float(scale.min).is_integer()
        rounds = [r.name for r in self.process.rounds]
        comps = list(self.process.competency_names)
        people = sorted(set(m.seat_interviewer))
        seat_person = np.array([people.index(p) for p in m.seat_interviewer])
        return pd.DataFrame(
            {
                "candidate": self.first_candidate + cand,
                "round": pd.Categorical.from_codes(m.slot_round[slot], rounds),
                "interviewer": pd.Categorical.from_codes(seat_person[m.slot_seat[slot]], people),
                "competency": pd.Categorical.from_codes(m.slot_competency[slot], comps),
                "perceived": z,
                "points": points,
                "score": written.astype(int) if whole else written,
                "label": pd.Categorical.from_codes(label_idx, list(scale.labels)),
            }
        )

    def recommendations(self) -> pd.DataFrame:
        """One row per (debriefed candidate, speaker), in speaking order.

        The views and recommendations the decision used (the debrief plan of
        :mod:`sim.rules`): a speaker's view is the competency-weighted mean of
        all their judgments (every round they sat in), written before the
        debrief and spoken after any anchoring.

        Columns: ``candidate``, ``position`` (speaking turn, from 1),
        ``interviewer``, ``written_points`` and ``written_recommendation``,
        ``points`` and ``recommendation`` (spoken: what votes and vetoes use),
        ``veto`` (whether this speaker's "no" blocks a hire). Candidates who
        left at a gate have no rows.

        Raises
        ------
        ValueError
            When the run kept only decisions.
        """
        order = self._require("order")
        written_view, spoken_view = self._require("written_view"), self._require("spoken_view")
        plan = debrief_plan(self.process)
        scale = self.process.scale
        reached = np.flatnonzero(self.reached)
        q_count = plan.n_speakers
        row = np.repeat(reached, q_count)
        speaker = order[reached].ravel()
        written, spoken = written_view[row, speaker], spoken_view[row, speaker]
        cuts = plan.speaker_cuts[speaker]
        labels = list(scale.recommendations)

        def recommendation(view: np.ndarray) -> pd.Categorical:
            return pd.Categorical.from_codes(category_index(view, cuts), labels)

        return pd.DataFrame(
            {
                "candidate": self.first_candidate + row,
                "position": np.tile(np.arange(1, q_count + 1), reached.size),
                "interviewer": pd.Categorical.from_codes(speaker, list(plan.speakers)),
                "written_points": scale.to_points(written),
                "written_recommendation": recommendation(written),
                "points": scale.to_points(spoken),
                "recommendation": recommendation(spoken),
                "veto": np.isin(speaker, plan.veto),
            }
        )

    def _require(self, name: str) -> np.ndarray:
        value = getattr(self, name)
        if value is None:
            raise ValueError(f"Result.{name} was not kept: simulate with keep='all'")
        return value


class SummaryAccumulator:
    """Run-level metrics built up chunk by chunk (memory O(1) in the number of candidates).

    ``SummaryAccumulator(process).add(result).summary()`` equals
    ``result.summary()``; adding the chunks of :func:`sim.engine.iter_chunks` gives
    the summary of the whole run.
    """

    _FIELDS = (
        "n", "hired", "held", "reached", "success", "hired_success", "hired_performance",
        "sx", "sy", "sxx", "syy", "sxy",
    )  # fmt: skip

    def __init__(self, process: Process) -> None:
        self.process = process
        self.totals = dict.fromkeys(self._FIELDS, 0.0)

    def add(self, result: Result) -> SummaryAccumulator:
        """Add the candidates of ``result`` (a whole run or one chunk); returns self."""
        t = self.totals
        hired, success, reached = result.hired, result.success, result.reached
        x, y = result.aggregate_z[reached], result.performance[reached]
        t["n"] += result.n
        t["hired"] += hired.sum()
        t["held"] += (result.decision == HOLD).sum()
        t["reached"] += reached.sum()
        t["success"] += success.sum()
        t["hired_success"] += (hired & success).sum()
        t["hired_performance"] += result.performance[hired].sum()
        # Pairwise sums, not BLAS dot products: bitwise the same whatever BLAS's thread count.
        t["sx"] += x.sum()
        t["sy"] += y.sum()
        t["sxx"] += (x * x).sum()
        t["syy"] += (y * y).sum()
        t["sxy"] += (x * y).sum()
        return self

    def summary(self) -> dict[str, float | int]:
        """Metrics as :meth:`Result.summary` describes them."""
        t = self.totals
        n, hired, m = int(t["n"]), t["hired"], t["reached"]
        mean_perf = _ratio(t["hired_performance"], hired)
        return {
            "n": n,
            "hire_rate": float(hired) / n,
            "hold_rate": float(t["held"]) / n,
            "reached_debrief": float(m) / n,
            "base_rate": float(t["success"]) / n,
            "precision": _ratio(t["hired_success"], hired),
            "recall": _ratio(t["hired_success"], t["success"]),
            "validity": _corr_from_sums(m, t["sx"], t["sy"], t["sxx"], t["syy"], t["sxy"]),
            "mean_performance_of_hires": mean_perf,
            "dollars_per_hire": self.process.truth.sd_y_dollars * mean_perf,
        }


def wilson_interval(successes: int, n: int, z: float) -> tuple[float, float]:
    """Wilson (1927) score interval of a binomial proportion at ``z`` standard deviations.

    Examples
    --------
    >>> low, high = wilson_interval(0, 100, 1.959964)
    >>> low, round(high, 4)
    (0.0, 0.037)
    """
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # The bounds at no successes (or no failures) are exactly 0 (or 1), not a rounding away.
    low = 0.0 if successes == 0 else max(centre - half, 0.0)
    high = 1.0 if successes == n else min(centre + half, 1.0)
    return low, high


def _corr_from_sums(n: float, sx: float, sy: float, sxx: float, syy: float, sxy: float) -> float:
    if n < 3:
        return math.nan
    vx, vy = sxx - sx * sx / n, syy - sy * sy / n
    if vx <= 0 or vy <= 0:
        return math.nan
    return float((sxy - sx * sy / n) / math.sqrt(vx * vy))


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else math.nan
