"""Votes in turn: sequential public votes and their informational cascades."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ..errors import fail

__all__ = ["Votes", "coins", "sequential_votes"]


def coins(normals: np.ndarray, n_speakers: int) -> np.ndarray:
    """(n, Q) fair coins (the binary digits of one uniform per candidate)."""
    u = special.ndtr(np.asarray(normals, dtype=float))
    out = np.empty((u.size, n_speakers), dtype=bool)
    for t in range(n_speakers):
        u = 2 * u
        out[:, t] = u >= 1
        u -= out[:, t]
    return out


@dataclass(frozen=True)
class Votes:
    """Outcome of sequential public votes (arrays in speaking order).

    Attributes
    ----------
    votes : ndarray of bool, shape (n, Q)
        Vote ``t`` of each sequence (True = Hire).
    cascade_after : ndarray of int, shape (n,)
        Number of votes after which a cascade began (everyone later ignores
        their own signal); -1 when none did.
    cascade_hire : ndarray of bool, shape (n,)
        Direction of the cascade (meaningless where ``cascade_after == -1``).
    """

    votes: np.ndarray
    cascade_after: np.ndarray
    cascade_hire: np.ndarray


def sequential_votes(
    signals: np.ndarray, coins: np.ndarray | None = None, tie_rule: str = "coin"
) -> Votes:
    """Public votes in turn, each voter seeing the earlier votes (BHW 1992).

    Every voter's private signal is equally informative. The votes reveal
    signals until one side leads by two; from then on everyone follows the
    lead (an informational cascade). A voter whose signal is one behind the
    lead is indifferent and tosses a coin (``"coin"``, BHW's convention) or
    follows their own signal (``"own_signal"``).

    Parameters
    ----------
    signals : ndarray of bool, shape (n, Q)
        Private signals in speaking order (True = Hire).
    coins : ndarray of bool, shape (n, Q), optional
        Fair coins, needed for ``tie_rule="coin"``.
    tie_rule : {"coin", "own_signal"}

    Returns
    -------
    Votes

    Examples
    --------
    >>> v = sequential_votes(np.array([[True, True, False, False]]), tie_rule="own_signal")
    >>> v.votes.tolist(), v.cascade_after.tolist()
    ([[True, True, True, True]], [2])
    """
    signals = np.asarray(signals, dtype=bool)
    if tie_rule not in ("coin", "own_signal"):
        raise fail("tie_rule", "must be 'coin' or 'own_signal'", tie_rule)
    if tie_rule == "coin" and coins is None:
        raise fail("coins", "are needed with tie_rule='coin'")
    n, q_count = signals.shape
    lead = np.zeros(n, dtype=np.int64)  # revealed Hire signals minus No Hire signals
    votes = np.empty((n, q_count), dtype=bool)
    cascade_after = np.full(n, -1, dtype=np.int64)
    for t in range(q_count):
        signal = signals[:, t]
        cascading = np.abs(lead) >= 2
        against = (lead == 1) & ~signal | (lead == -1) & signal
        tie_vote = coins[:, t] if tie_rule == "coin" and coins is not None else signal
        vote = np.where(cascading, lead > 0, np.where(against, tie_vote, signal))
        votes[:, t] = vote
        lead = np.where(cascading, lead, lead + np.where(vote, 1, -1))
        cascade_after[~cascading & (np.abs(lead) >= 2)] = t + 1
    return Votes(votes=votes, cascade_after=cascade_after, cascade_hire=lead > 0)
