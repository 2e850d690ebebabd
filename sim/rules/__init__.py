"""The debrief room's rules: the plan, speaking and anchoring, votes, and the decision.

Everything here is vectorised over candidates: arrays are ``(n, S)`` for slots
(one rating each) and ``(n, Q)`` for the ``Q`` speakers (interviewers who rated
something, in the order of ``process.interviewers``). Loops run over speakers or
rounds, never candidates.

Dynamics
--------
peeking ``beta``
    Before submitting, each scorecard moves a share ``beta`` toward the mean of
    the scorecards of earlier rounds (each scorecard counted once, at its
    competency-weighted mean). Gates use the interviewers' own scores.
speaking order
    ``"seniority"`` (most senior first; ties in listed order),
    ``"reverse_seniority"`` (its exact reverse: juniors first), ``"listed"``,
    ``"random"`` (a fresh uniformly random order per candidate), or a list.
anchoring ``alpha``
    Each speaker's judgments move a share ``alpha`` toward the anchor: the mean
    of the views already spoken (a view is a speaker's competency-weighted mean
    judgment), each earlier speaker counted ``1 + senior_pull * seniority``
    times. ``alpha = 0`` or the protocol ``"written_first"`` (independent
    written feedback first) removes it.

The rules themselves are described in :mod:`sim.rules.decide`.
"""

from .decide import (
    N_DRAWS,
    REASONS,
    SCORE_RULES,
    DebriefOutcome,
    decide,
    funnel,
    has_own_score,
    run_debrief,
)
from .plan import DebriefPlan, debrief_plan
from .scores import weighted_median, weighted_trimmed_mean
from .speaking import random_orders, speak, speaking_orders
from .variants import default_manager, with_rule
from .votes import Votes, coins, sequential_votes

__all__ = [
    "N_DRAWS",
    "REASONS",
    "SCORE_RULES",
    "DebriefOutcome",
    "DebriefPlan",
    "Votes",
    "coins",
    "debrief_plan",
    "decide",
    "default_manager",
    "funnel",
    "has_own_score",
    "random_orders",
    "run_debrief",
    "sequential_votes",
    "speak",
    "speaking_orders",
    "weighted_median",
    "weighted_trimmed_mean",
    "with_rule",
]
