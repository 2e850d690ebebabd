"""Group decisions: the Condorcet jury theorem and informational cascades (BHW 1992)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from ._checks import (
    FloatOrArray,
    check_integers,
    check_interval,
    invalid,
    scalar_or_array,
)

__all__ = ["CascadeProbabilities", "cascade_probabilities", "condorcet_majority"]


# --------------------------------------------------------------------------- group decisions


def condorcet_majority(p: ArrayLike, n: ArrayLike) -> FloatOrArray:
    """Probability that a simple majority of ``n`` independent voters is correct.

    Each voter is independently correct with probability ``p``; with ``n`` odd the
    majority is correct when at least ``(n + 1) / 2`` are, so the answer is the binomial
    tail ``P(Binomial(n, p) > n // 2)`` (Condorcet jury theorem).

    Parameters
    ----------
    p : float or array_like
        Probability that one voter is correct (dimensionless), in [0, 1].
    n : int or array_like of int
        Number of voters; odd and positive. Broadcast against ``p``.

    Returns
    -------
    float or numpy.ndarray
        Probability that the majority is correct, in [0, 1]. A float when both inputs
        are scalars.

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1] or NaN, or ``n`` is not an odd positive integer.

    Examples
    --------
    >>> round(condorcet_majority(0.6, 3), 6)  # p^3 + 3 p^2 (1 - p)
    0.648
    >>> round(condorcet_majority(0.6, 11), 4)
    0.7535
    """
    p_arr = check_interval("p", p, 0.0, 1.0)
    n_arr = check_integers("n", n, minimum=1)
    if np.any(n_arr % 2 == 0):
        raise invalid(f"n must be an odd positive integer; got {n_arr[n_arr % 2 == 0].flat[0]}")
    return scalar_or_array(np.asarray(stats.binom.sf(n_arr // 2, n_arr, p_arr), dtype=float))


@dataclass(frozen=True)
class CascadeProbabilities:
    """State of a sequence of public votes after a given number of voters.

    Attributes
    ----------
    correct_cascade : float or numpy.ndarray
        Probability that a cascade on the correct action has started.
    incorrect_cascade : float or numpy.ndarray
        Probability that a cascade on the wrong action has started.
    no_cascade : float or numpy.ndarray
        Probability that no cascade has started yet. The three sum to 1.
    """

    correct_cascade: FloatOrArray
    incorrect_cascade: FloatOrArray
    no_cascade: FloatOrArray


def cascade_probabilities(
    p: ArrayLike,
    n_voters: ArrayLike,
    *,
    tie_rule: Literal["coin", "own_signal"] = "coin",
) -> CascadeProbabilities:
    """Cascade probabilities in the Bikhchandani-Hirshleifer-Welch (1992) basic model.

    Two states are equally likely a priori. Voters act in sequence; each sees a private
    binary signal that matches the state with probability ``p`` and every earlier
    vote, and votes for the state that is more likely given both. A cascade has started
    once the public votes outweigh any single signal, so every later voter ignores their
    own signal. From a balanced history a cascade starts exactly when two consecutive
    votes agree; otherwise the history is balanced again. So a cascade can only start
    after an even-numbered vote, and with ``m = n_voters // 2`` completed pairs:

    ``tie_rule="coin"`` (BHW 1992, eq. 1: an indifferent voter tosses a fair coin), with
    ``q = 1 - p``:

    - correct   = p (p + 1) (1 - (p - p^2)^m) / (2 (1 - p + p^2))
    - incorrect = (p - 1)(p - 2) (1 - (p - p^2)^m) / (2 (1 - p + p^2))
    - none      = (p - p^2)^m

    ``tie_rule="own_signal"`` (an indifferent voter follows their own signal):

    - correct   = p^2 (1 - (2 p q)^m) / (p^2 + q^2)
    - incorrect = q^2 (1 - (2 p q)^m) / (p^2 + q^2)
    - none      = (2 p q)^m

    Parameters
    ----------
    p : float or array_like
        Accuracy of each private signal (dimensionless probability), in (0.5, 1).
    n_voters : int or array_like of int
        Number of votes cast so far, >= 0. Broadcast against ``p``.
    tie_rule : {"coin", "own_signal"}, default "coin"
        What a voter does when their signal exactly offsets the public history. "coin"
        is the convention of BHW (1992) and reproduces their published formula.

    Returns
    -------
    CascadeProbabilities
        ``correct_cascade``, ``incorrect_cascade`` and ``no_cascade`` after
        ``n_voters`` votes (floats when inputs are scalars, else arrays).

    Raises
    ------
    ValueError
        If ``p`` is outside (0.5, 1), ``n_voters`` is not an integer >= 0, or
        ``tie_rule`` is not one of the two rules.

    Examples
    --------
    >>> after_two = cascade_probabilities(0.7, 2)  # one pair of votes
    >>> round(after_two.correct_cascade, 4), round(after_two.no_cascade, 4)
    (0.595, 0.21)
    >>> round(cascade_probabilities(0.7, 10).incorrect_cascade, 4)
    0.2467
    """
    p_arr = check_interval("p", p, 0.5, 1.0, low_open=True, high_open=True)
    n_arr = check_integers("n_voters", n_voters, minimum=0)
    pairs = n_arr // 2
    q_arr = 1.0 - p_arr
    if tie_rule == "coin":
        stay_balanced = p_arr * q_arr
        to_correct = p_arr * (p_arr + 1.0) / 2.0
        to_incorrect = q_arr * (q_arr + 1.0) / 2.0
    elif tie_rule == "own_signal":
        stay_balanced = 2.0 * p_arr * q_arr
        to_correct = p_arr**2
        to_incorrect = q_arr**2
    else:
        raise invalid(f"tie_rule must be one of 'coin', 'own_signal'; got {tie_rule!r}")
    none = stay_balanced**pairs
    # Each pair from a balanced state ends in one of the three outcomes, so the share of
    # started cascades splits in proportion to the per-pair probabilities.
    started = 1.0 - none
    share_correct = to_correct / (to_correct + to_incorrect)
    return CascadeProbabilities(
        correct_cascade=scalar_or_array(started * share_correct),
        incorrect_cascade=scalar_or_array(started * (1.0 - share_correct)),
        no_cascade=scalar_or_array(np.asarray(none, dtype=float)),
    )
