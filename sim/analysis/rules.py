"""Every decision rule on the same candidates and ratings (common random numbers).

Sample, evaluate, analyse as separate verbs: one pool is simulated once
(:func:`sim.simulate`), every rule re-decides the same ratings
(:func:`sim.engine.redecide`), and the comparison summarises the results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..engine import RandomLike, redecide, simulate
from ..errors import fail
from ..result import Result
from ..rules import SCORE_RULES, with_rule
from ..spec import RULES, Process

__all__ = ["RuleComparison", "compare_rules"]


@dataclass(frozen=True)
class RuleComparison:
    """Every rule on the same simulated candidates and ratings.

    Attributes
    ----------
    metrics : DataFrame
        Indexed by rule: ``hire_rate``, ``hold_rate``, ``precision``, ``recall``,
        ``validity`` (corr of the rule's score, :attr:`Result.score`, with
        performance among those debriefed; for the weighted mean, consensus
        and veto the aggregate's, as in ``Result.summary``; NaN for the vote
        rules, which decide on no score),
        ``decision_validity`` (corr of the hire decision with
        performance, all candidates), ``dollars_per_hire``, ``note``.
    disagreement : DataFrame
        Rule x rule: share of candidates whose decisions differ.
    n, seed : int
    """

    metrics: pd.DataFrame
    disagreement: pd.DataFrame
    n: int
    seed: int | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (NaN kept as float NaN)."""
        return {
            "n": self.n,
            "seed": self.seed,
            "rules": [
                {"rule": rule, **row} for rule, row in self.metrics.to_dict("index").items()
            ],
            "disagreement": self.disagreement.to_dict("index"),
        }


def compare_rules(
    process: Process,
    n: int = 20_000,
    rng: RandomLike = None,
    rules: Sequence[str] | None = None,
) -> RuleComparison:
    """Compare decision rules on the same candidates (common random numbers).

    One pool is simulated once; every rule (see :func:`sim.rules.with_rule`)
    re-decides the same ratings with :func:`sim.engine.redecide`, keeping the process's dynamics
    (anchoring, order, protocol, peeking).

    Parameters
    ----------
    process : Process
    n : int
        Candidates.
    rng : int, SeedSequence, Generator or None
    rules : sequence of str, optional
        Default: every rule in :data:`sim.spec.RULES`.

    Returns
    -------
    RuleComparison

    Examples
    --------
    >>> import sim
    >>> table = compare_rules(sim.load_process("amex_ai_pm_2026"), n=5000, rng=1)
    >>> float(table.disagreement.loc["weighted_mean", "weighted_mean"])
    0.0
    """
    rules = tuple(RULES if rules is None else rules)
    for rule in rules:
        if rule not in RULES:
            raise fail("rules", f"unknown rule; expected some of {', '.join(RULES)}", rule)
    base = simulate(process, n=n, rng=rng, keep="all")
    rows, decisions = {}, {}
    for rule in rules:
        variant, note = with_rule(process, rule)
        if variant is None:
            rows[rule] = {"note": note}
            continue
        result = redecide(base, variant)
        rows[rule] = {**_quality(result, rule in SCORE_RULES), "note": note}
        decisions[rule] = result.decision
    columns = [
        "hire_rate", "hold_rate", "precision", "recall", "validity",
        "decision_validity", "dollars_per_hire", "note",
    ]  # fmt: skip
    metrics = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)
    metrics["note"] = metrics["note"].fillna("")
    metrics.index.name = "rule"
    names = list(decisions)
    disagreement = pd.DataFrame(
        [[float((decisions[a] != decisions[b]).mean()) for b in names] for a in names],
        index=pd.Index(names, name="rule"),
        columns=names,
    )
    return RuleComparison(
        metrics=metrics,
        disagreement=disagreement,
        n=n,
        seed=rng if isinstance(rng, int) else None,
    )


def _quality(result: Result, on_score: bool) -> dict[str, float]:
    """Quality of one rule's decisions on the shared candidates."""
    s = result.summary()
    y, hired, reached = result.performance, result.hired.astype(float), result.reached
    return {
        "hire_rate": s["hire_rate"],
        "hold_rate": s["hold_rate"],
        "precision": s["precision"],
        "recall": s["recall"],
        # Vote rules do not decide on a score: their validity is the decision's.
        "validity": _correlation(result.score[reached], y[reached]) if on_score else math.nan,
        "decision_validity": float(np.corrcoef(hired, y)[0, 1]) if hired.std() else math.nan,
        "dollars_per_hire": s["dollars_per_hire"],
    }


def _correlation(x: np.ndarray, y: np.ndarray) -> float:
    if x.size < 3 or np.std(x) == 0 or np.std(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])
