"""The debrief room's public names, gathered from the layers that define them.

The debrief itself lives in :mod:`sim.rules` (plan, speaking order and
anchoring, votes, the decision), its exact algebra in :mod:`sim.closed_form`,
re-deciding stored ratings in :mod:`sim.engine`, the transcript in
:mod:`sim.transcript` and the comparison of rules in :mod:`sim.analysis.rules`.
This module only re-exports them, so ``sim.debrief.redecide`` and friends keep
working.
"""

from .analysis.rules import RuleComparison, compare_rules
from .closed_form import (
    LinearDecision,
    effective_aggregate_weights,
    expected_score_weights,
    gaussian_decisions,
)
from .engine import redecide
from .rules import (
    N_DRAWS,
    REASONS,
    DebriefOutcome,
    DebriefPlan,
    Votes,
    debrief_plan,
    decide,
    has_own_score,
    random_orders,
    run_debrief,
    sequential_votes,
    weighted_median,
    weighted_trimmed_mean,
    with_rule,
)
from .transcript import debrief_transcript, transcript_dict, transcript_text

__all__ = [
    "N_DRAWS",
    "REASONS",
    "DebriefOutcome",
    "DebriefPlan",
    "LinearDecision",
    "RuleComparison",
    "Votes",
    "compare_rules",
    "debrief_plan",
    "debrief_transcript",
    "decide",
    "effective_aggregate_weights",
    "expected_score_weights",
    "gaussian_decisions",
    "has_own_score",
    "random_orders",
    "redecide",
    "run_debrief",
    "sequential_votes",
    "transcript_dict",
    "transcript_text",
    "weighted_median",
    "weighted_trimmed_mean",
    "with_rule",
]
