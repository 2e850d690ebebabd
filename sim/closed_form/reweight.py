"""Exact hire probability of one candidate under other debrief weights (the same ratings).

The fast path of weight analyses on the scale: a seat's joint written outcomes
and their probabilities (:func:`seat_masses`) do not depend on the debrief
weights; only their positions on the aggregate's lattice and the veto holders'
views do (:func:`reweighted_hire`). The lattice, rules and decision are those of
:mod:`sim.closed_form.lattice`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction
from functools import lru_cache

import numpy as np
from scipy import fft

from ..model import aggregate_weights, compile_model, view_weights
from ..rules import debrief_plan
from ..spec import LATTICE_TOLERANCE, Process
from .lattice import (
    _DENOMINATOR,
    MAX_LATTICE,
    _decide,
    _fraction,
    _level_probabilities,
    _require,
    _scaled_from,
    _seat_mass,
    _Structure,
)

__all__ = ["reweighted_hire", "seat_masses"]


def seat_masses(process: Process, perceived_mean: np.ndarray) -> list[np.ndarray]:
    """Probability (C,) of every joint written outcome of each seat: what weights do not change."""
    built = _require(process)
    probs = _level_probabilities(built, compile_model(process), np.atleast_2d(perceived_mean))
    weights = built.weights
    return [_seat_mass(seat, probs, weights)[0] for seat in built.seats]


def reweighted_hire(
    process: Process,
    masses: list[np.ndarray],
    competency_weights: np.ndarray,
    interviewer_weights: np.ndarray,
) -> float:
    """Exact hire probability with other raw debrief weights (the same ratings).

    The fast path of weight analyses: the seats' joint written outcomes and their
    probabilities (``masses``, from :func:`seat_masses`) do not depend on the
    weights; only their lattice positions and the veto holders' views do.
    NaN when the weights are not short fractions, or leave nothing weighed.
    """
    built = _require(process)
    m, plan = compile_model(process), debrief_plan(process)
    comp_w = np.asarray(competency_weights, dtype=float)
    person_w = np.asarray(interviewer_weights, dtype=float)
    aggregate = aggregate_weights(m, comp_w, person_w)
    scaled = _shares(m, comp_w, person_w, aggregate)
    if scaled is None:
        return math.nan
    shares, total = scaled
    value_int, value_den = _value_lattice(built)
    share_den = math.lcm(*(f.denominator for f in shares))
    share_int = np.array([f.numerator * (share_den // f.denominator) for f in shares])
    denominator = share_den * value_den
    integer = share_int[:, None] * value_int  # (S, L): shares * values * denominator
    if denominator > 10**9 or integer.max(1).sum() - integer.min(1).sum() + 1 > MAX_LATTICE:
        return math.nan
    views = view_weights(m, comp_w, plan.slot_speaker, plan.n_speakers)
    weighed = np.bincount(plan.slot_speaker, comp_w[m.slot_competency], plan.n_speakers) > 0
    veto = plan.veto.tolist() if plan.rule != "consensus" else np.flatnonzero(weighed).tolist()
    veto = [q for q in veto if weighed[q]]
    laws, low = [], 0
    for seat, mass in zip(built.seats, masses, strict=True):
        lattice = integer[seat.slots[None, :], seat.combos].sum(axis=1)
        passes = seat.gated.copy()
        speaker = int(plan.slot_speaker[seat.slots[0]])
        if speaker in veto:
            view = process.scale.written(built.levels[seat.combos] @ views[seat.slots, speaker])
            yes = float(process.scale.to_points(plan.yes_cut[speaker]))
            passes &= view >= yes - LATTICE_TOLERANCE
        first = int(lattice.min())
        laws.append(
            np.bincount(lattice[passes] - first, mass[passes], int(lattice.max() - first + 1))
        )
        low += first
    # One product of spectra at the final size (not a convolution per seat, each larger).
    size = sum(law.size for law in laws) - len(laws) + 1
    n = int(fft.next_fast_len(size, real=True))
    spectrum = np.ones(n // 2 + 1, dtype=complex)
    for law in laws:
        spectrum *= np.fft.rfft(law, n=n)
    total_law = np.fft.irfft(spectrum, n=n)[:size]
    scaled_d = denominator * total
    d = process.debrief
    slack, bias = Fraction(LATTICE_TOLERANCE), Fraction(built.bias)
    line = Fraction(d.threshold) + Fraction(d.hold_band)
    grid = replace(
        built,
        denominator=float(scaled_d),
        hire_from=math.ceil((line - bias - slack) * scaled_d),
        hold_above=math.floor(
            (Fraction(d.threshold) - Fraction(d.hold_band) - bias + slack) * scaled_d
        ),
        low=low,
    )
    return float(_decide(grid, np.clip(total_law, 0.0, None)[None, :])[0][0])


@lru_cache(maxsize=8)
def _value_lattice(built: _Structure) -> tuple[np.ndarray, int]:
    """Counted values (S, L) as integers over their common denominator (cached)."""
    values = [[Fraction(float(v)).limit_denominator(_DENOMINATOR) for v in row]
              for row in built.counted]  # fmt: skip
    den = math.lcm(*(v.denominator for row in values for v in row))
    return np.array([[v.numerator * (den // v.denominator) for v in row] for row in values]), den


def _shares(m, comp_w: np.ndarray, person_w: np.ndarray, aggregate: np.ndarray):
    """:func:`_scaled_weights` for raw weight arrays (competencies, interviewers)."""
    comp = [_fraction(float(x)) for x in comp_w]
    person = [_fraction(float(x)) for x in person_w]
    if None in comp or None in person or not np.isfinite(aggregate).all():
        return None
    return _scaled_from(m, comp, person, aggregate)
