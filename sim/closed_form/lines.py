"""Fast exact hire probabilities along lines of perceived means (the tipping-point search).

Built on :mod:`sim.closed_form.lattice`'s exact law of on-scale scores: along a
line that moves only some seats, the other seats' joint law is convolved once
and correlated with the decision, so each evaluation costs the moving seats'
joint outcomes and a dot product rather than a convolution of every seat.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy import fft, signal, special

from ..model import compile_model
from ..spec import Process
from .lattice import (
    _decide,
    _halo,
    _levels,
    _require,
    _Seat,
    _seat_mass,
    _Structure,
)
from .reweight import seat_masses

__all__ = ["hire_lines", "monotone_along"]


def hire_lines(
    process: Process, perceived_mean: np.ndarray, directions: np.ndarray
) -> list[Callable[[np.ndarray], np.ndarray]]:
    """Exact hire probabilities along lines of perceived means, as fast functions.

    Returns one ``f`` per row of ``directions`` (K, S): ``f(t)[i]`` is the hire
    probability of :func:`~sim.closed_form.lattice.written_laws` at perceived means
    ``perceived_mean + t[i] * direction`` (z units; ``perceived_mean`` (S,)).
    Seats a direction does not move keep their law at ``perceived_mean``: their
    convolution is correlated once with the decision (hire from the line, or the
    manager's noisy reading under discretion), so an evaluation costs the moving
    seats' joint outcomes and a dot product rather than a convolution of every
    seat. The tipping-point search evaluates dozens of points per competency.

    Examples
    --------
    >>> import numpy as np, sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    >>> m = sim.model.compile_model(process)
    >>> mean = m.perceived_mean(profile.theta(process), profile.framing)
    >>> f = hire_lines(process, mean, m.A[:1])[0]
    >>> t = np.array([-0.5, 0.0, 0.5])
    >>> exact = sim.closed_form.written_laws(process, mean + t[:, None] * m.A[0])["hire"]
    >>> bool(np.allclose(f(t), exact, rtol=0, atol=1e-12))
    True
    """
    built = _require(process)
    m = compile_model(process)
    mean = np.asarray(perceived_mean, dtype=float)
    masses = seat_masses(process, mean)  # each seat's law at the line's start
    laws = [seat.gather @ mass for seat, mass in zip(built.seats, masses, strict=True)]
    spectra = [np.fft.rfft(law, n=built.fft_size) for law in laws]
    steps = np.atleast_2d(np.asarray(directions, dtype=float))
    moved = steps != 0
    # Which seats each line moves (K, seats), and the still seats' law by which they are.
    moves = np.stack([moved[:, seat.slots].any(axis=1) for seat in built.seats], axis=1)
    rests: dict[tuple[int, ...], np.ndarray] = {}
    return [
        _line(built, m, mean, step, tuple(seats.tolist()), spectra, rests)
        for step, seats in zip(steps, moves, strict=True)
    ]


def monotone_along(process: Process, direction: np.ndarray) -> int:
    """Whether every exact hire probability along ``direction`` (S,) is monotone in ``t``.

    ``1`` when the hire probability at ``perceived_mean + t * direction`` cannot
    fall as ``t`` grows (for any ``perceived_mean``), ``-1`` when it cannot rise,
    ``0`` when neither is guaranteed. Given its impression, each written level is
    stochastically larger for a larger perceived mean; when no seat's lattice
    contribution or gate and veto falls as one of its levels rises, and the
    decision never falls as the aggregate rises (a threshold, or the manager's
    noisy reading of it), a direction of one sign moves the hire probability one
    way. The tipping-point search then has one crossing to find, not a grid to
    scan.
    """
    built = _require(process)
    step = np.asarray(direction, dtype=float)
    if not all(seat.increasing for seat in built.seats):
        return 0
    if np.all(step >= 0):
        return 1
    return -1 if np.all(step <= 0) else 0


@dataclass(frozen=True, eq=False)
class _LinePlan:
    """What a line's seats are, given which of them it moves (the same for every profile)."""

    still: tuple[int, ...]  # seats the line does not move
    rest_low: int
    rest_size: int
    local: tuple[_Seat, ...]  # the moving seats, slots renumbered to the moving slots
    slots: np.ndarray  # (J,) the moving seats' slots
    low: int
    size: int
    fft_size: int
    halo: np.ndarray  # (J,) their loadings on the seat's impression
    sigma: np.ndarray  # (J,) their noise SDs


_PLANS: weakref.WeakKeyDictionary[_Structure, dict[tuple[bool, ...], _LinePlan]] = (
    weakref.WeakKeyDictionary()
)


def _line_plan(built: _Structure, m, moves: tuple[bool, ...]) -> _LinePlan:
    plans = _PLANS.setdefault(built, {})
    plan = plans.get(moves)
    if plan is not None:
        return plan
    still = [seat for seat, moving in zip(built.seats, moves, strict=True) if not moving]
    moving_seats = [seat for seat, moving in zip(built.seats, moves, strict=True) if moving]
    slots = (
        np.concatenate([seat.slots for seat in moving_seats])
        if moving_seats
        else np.zeros(0, dtype=int)
    )
    size = sum(seat.size for seat in moving_seats) - len(moving_seats) + 1
    starts = np.cumsum([0] + [seat.slots.size for seat in moving_seats])
    plan = _LinePlan(
        still=tuple(i for i, moving in enumerate(moves) if not moving),
        rest_low=sum(seat.low for seat in still),
        rest_size=sum(seat.size for seat in still) - len(still) + 1,
        local=tuple(
            replace(seat, slots=np.arange(a, a + seat.slots.size))
            for seat, a in zip(moving_seats, starts, strict=False)
        ),
        slots=slots,
        low=sum(seat.low for seat in moving_seats),
        size=size,
        fft_size=int(fft.next_fast_len(max(size, 1), real=True)),
        halo=_halo(m)[slots],
        sigma=m.sigma[slots],
    )
    plans[moves] = plan
    return plan


def _line(
    built: _Structure,
    m,
    mean: np.ndarray,
    step: np.ndarray,
    moves: tuple[bool, ...],
    spectra: list[np.ndarray],
    rests: dict[tuple[int, ...], np.ndarray],
) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`hire_lines` for one direction ``step`` (S,) moving the seats ``moves``.

    ``spectra`` are each seat's law's spectrum; ``rests`` caches the joint law of
    the seats a line does not move, by which seats they are (lines share them).
    """
    plan = _line_plan(built, m, moves)
    rest = rests.get(plan.still)
    if rest is None:
        rest_spectrum = None
        for i in plan.still:
            rest_spectrum = spectra[i] if rest_spectrum is None else rest_spectrum * spectra[i]
        if rest_spectrum is None:
            rest = np.ones(1)
        else:
            rest = np.fft.irfft(rest_spectrum, n=built.fft_size)[: plan.rest_size]
            rest = np.maximum(rest, 0.0)
        rests[plan.still] = rest
    if not plan.local:
        value = float(_decide(built, _padded(built, rest, plan.rest_low))[0][0])
        return lambda t: np.full(np.shape(np.atleast_1d(t)), value)
    local, size, n = plan.local, plan.size, plan.fft_size
    gain = _gain(built, rest, plan.rest_low, plan.low, size)
    halo, sigma = plan.halo, plan.sigma
    start, slope = mean[plan.slots], step[plan.slots]
    if len(local) == 1:  # each joint outcome's hire probability (C,)
        payoff = local[0].scatter @ gain

    def f(t: np.ndarray) -> np.ndarray:
        shifts = np.atleast_1d(np.asarray(t, dtype=float))
        probs = _levels(built, halo, sigma, start[None, :] + shifts[:, None] * slope[None, :])
        if len(local) == 1:
            return _unit(_seat_mass(local[0], probs, built.weights) @ payoff)
        spectrum = None
        for seat in local:
            law = (seat.gather @ _seat_mass(seat, probs, built.weights).T).T
            part = np.fft.rfft(law, n=n, axis=1)
            spectrum = part if spectrum is None else np.multiply(spectrum, part, out=spectrum)
        joint = np.maximum(np.fft.irfft(spectrum, n=n, axis=1)[:, :size], 0.0)
        return _unit(joint @ gain)

    return f


def _unit(p: np.ndarray) -> np.ndarray:
    """Probabilities clipped to [0, 1] (rounding of the convolution), without np.clip's cost."""
    return np.minimum(np.maximum(p, 0.0), 1.0)


def _gain(built: _Structure, rest: np.ndarray, rest_low: int, low: int, size: int) -> np.ndarray:
    """P(hire | the moving seats' lattice sum is ``low + a``), a = 0..size-1, given the rest.

    ``rest`` is the other seats' passing mass on lattice points from ``rest_low``.
    Without the manager's noise the decision is a step at ``hire_from``: the rest's
    upper tail sum, read off one cumulative sum.
    """
    if built.noise > 0:
        index = low + rest_low + np.arange(size + rest.size - 1)
        return signal.correlate(_decision_vector(built, index), rest, mode="valid")
    tail = np.zeros(rest.size + 1)  # tail[r] = sum(rest[r:])
    np.cumsum(rest[::-1], out=tail[-2::-1])
    need = built.hire_from - low - rest_low - np.arange(size)  # rest index needed to hire
    return tail[np.minimum(np.maximum(need, 0), rest.size)]


def _decision_vector(built: _Structure, index: np.ndarray) -> np.ndarray:
    """Probability (len(index),) that an aggregate at absolute lattice ``index`` hires."""
    if built.noise > 0:
        score = index / built.denominator + built.bias
        return special.ndtr((score - built.line) / built.noise)
    return (index >= built.hire_from).astype(float)


def _padded(built: _Structure, law: np.ndarray, low: int) -> np.ndarray:
    """A law on absolute lattice points from ``low`` as a (1, size) row of the aggregate."""
    row = np.zeros((1, built.size))
    row[0, low - built.low : low - built.low + law.size] = law
    return row
