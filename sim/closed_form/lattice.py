"""Exact hire probabilities when the committee counts what is written (scores on the scale).

For a fixed profile the ratings of different seats (one interviewer in one
round) are independent given each seat's overall impression ``u`` (the halo).
Given ``u``, each written score is a discrete variable on the scale's step:
normal CDF differences at the rounding boundaries, the end levels taking the
tails (the clip). Per seat, the joint written scores are enumerated, weighted
by Gauss-Hermite quadrature over ``u`` (:data:`NODES` nodes), and each joint
outcome is mapped to its exact contribution to the aggregate on an integer
lattice (the debrief weights times the counted values as fractions over one
common denominator) and to whether it passes the seat's gate and veto. Seats
are convolved on that lattice, and the mass at lattice points at or above the
hire line is summed exactly: atoms sitting on the line are neither lost nor
double-counted (a binned float grid is biased by ~3e-4 there).

The structure must allow it (see :func:`exact_obstacle`): no anchoring or
peeking (what is said is then not a function of one seat), no hiring-manager
self-weight under ``discretion``, each speaker and each gated round in one
seat, a rule whose score is the weighted sum (weighted mean, veto, consensus,
the trimmed mean without trim, discretion), a stepped scale and a lattice of
at most :data:`MAX_LATTICE` points. :func:`sim.hire_probability` falls back to
Monte Carlo otherwise.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy import special

from ..model import compile_model
from ..rules import debrief_plan
from ..spec import LATTICE_TOLERANCE, Process

__all__ = [
    "MAX_COMBINATIONS",
    "MAX_LATTICE",
    "NODES",
    "WrittenLaw",
    "exact_obstacle",
    "written_law",
]

#: Gauss-Hermite nodes over each seat's impression (measured: 48 and 96 nodes agree to
#: 1e-12 on every shipped profile).
NODES = 48
#: Most lattice points of the committee's aggregate (the exact form's memory and time).
MAX_LATTICE = 2_000_000
#: Most joint written outcomes of one seat (levels ** competencies rated in the seat).
MAX_COMBINATIONS = 250_000
_DENOMINATOR = 10**6  # weights and values are read as fractions with denominators up to this
_RULES = ("weighted_mean", "veto", "consensus", "trimmed_mean", "discretion")


@dataclass(frozen=True)
class WrittenLaw:
    """Exact outcome probabilities of one candidate under on-scale aggregation.

    Attributes
    ----------
    hire, hold, reach_debrief : float
    aggregate_mean, aggregate_sd : float
        Mean and SD (points) of the rule's score, gates ignored.
    expected_written, expected_counted : ndarray, shape (S,)
        Each slot's expected written score and expected counted value (points).
    lattice_points : int
        Size of the aggregate's lattice.
    """

    hire: float
    hold: float
    reach_debrief: float
    aggregate_mean: float
    aggregate_sd: float
    expected_written: np.ndarray
    expected_counted: np.ndarray
    lattice_points: int


@dataclass(frozen=True, eq=False)
class _Seat:
    slots: np.ndarray  # (J,) slot indices
    combos: np.ndarray  # (C, J) level index of each slot in each joint outcome
    lattice: np.ndarray  # (C,) integer contribution, relative to `low`
    low: int
    size: int
    passes: np.ndarray  # (C,) bool: passes the seat's gate and veto
    gated: np.ndarray  # (C,) bool: passes the seat's gate
    value: np.ndarray  # (C,) contribution (points, float)


@dataclass(frozen=True, eq=False)
class _Structure:
    seats: tuple[_Seat, ...]
    bounds: np.ndarray  # (L - 1,) z boundaries between written levels
    levels: np.ndarray  # (L,) written points
    counted: np.ndarray  # (S, L) counted points of each level in each slot
    denominator: int
    hire_from: int  # lattice index (absolute) from which the score hires
    hold_above: int  # lattice index (absolute) above which a non-hire is held
    noise: float  # manager's noise (points), discretion
    bias: float  # manager's bias (points), discretion
    line: float  # threshold + hold band (points)
    band: float  # hold band (points)


_CACHE: weakref.WeakKeyDictionary[Process, _Structure | str] = weakref.WeakKeyDictionary()


def exact_obstacle(process: Process) -> str | None:
    """Why :func:`written_law` has no exact answer for ``process`` (``None`` when it has)."""
    built = _structure(process)
    return built if isinstance(built, str) else None


def written_law(process: Process, perceived_mean: np.ndarray) -> WrittenLaw:
    """Exact probabilities for expected perceived scores ``perceived_mean`` (S,), z units.

    Raises
    ------
    ValueError
        When :func:`exact_obstacle` names an obstacle.
    """
    built = _structure(process)
    if isinstance(built, str):
        raise ValueError(built)
    m = compile_model(process)
    probs = _level_probabilities(built, m, np.asarray(perceived_mean, dtype=float))  # (N, S, L)
    weights = _nodes()[1]
    expected_written = np.einsum("n,nsl,l->s", weights, probs, built.levels)
    expected_counted = np.einsum("n,nsl,sl->s", weights, probs, built.counted)
    total = np.ones(1)
    low, reach, mean, var = 0, 1.0, 0.0, 0.0
    for seat in built.seats:
        mass = _seat_mass(seat, probs, weights)
        reach *= float(mass[seat.gated].sum())
        mu = float(mass @ seat.value)
        mean += mu
        var += max(float(mass @ seat.value**2) - mu * mu, 0.0)
        law = np.bincount(seat.lattice[seat.passes], mass[seat.passes], minlength=seat.size)
        total = _convolve(total, law)
        low += seat.low
    hire, hold = _decide(built, total, low)
    return WrittenLaw(
        hire=hire,
        hold=hold,
        reach_debrief=reach,
        aggregate_mean=mean + built.bias,
        aggregate_sd=math.sqrt(var + built.noise**2),
        expected_written=expected_written,
        expected_counted=expected_counted,
        lattice_points=int(total.size),
    )


# --------------------------------------------------------------------------- evaluation
def _nodes() -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.hermite_e.hermegauss(NODES)
    return x, w / w.sum()


def _level_probabilities(built: _Structure, m, mean: np.ndarray) -> np.ndarray:
    """P(written level | impression node) of every slot: (nodes, S, L)."""
    u = _nodes()[0]
    halo = m.H[m.slot_seat, np.arange(m.n_slots)]  # (S,) each slot's loading of its seat's u
    centre = mean[None, :] + u[:, None] * halo[None, :]  # (N, S)
    sigma = m.sigma[None, :, None]
    gap = built.bounds[None, None, :] - centre[:, :, None]  # (N, S, L - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cdf = np.where(sigma > 0, special.ndtr(gap / sigma), (gap > 0).astype(float))
    n = cdf.shape[0]
    edges = np.concatenate([np.zeros((n, m.n_slots, 1)), cdf, np.ones((n, m.n_slots, 1))], 2)
    return np.diff(edges, axis=2)


def _seat_mass(seat: _Seat, probs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Probability (C,) of each joint written outcome of a seat, averaged over its impression."""
    joint = np.ones((probs.shape[0], seat.combos.shape[0]))
    for j, slot in enumerate(seat.slots):
        joint *= probs[:, slot, seat.combos[:, j]]
    return weights @ joint


def _convolve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if min(a.size, b.size) > 2000:
        from scipy import signal

        return np.clip(signal.fftconvolve(a, b), 0.0, None)
    return np.convolve(a, b)


def _decide(built: _Structure, total: np.ndarray, low: int) -> tuple[float, float]:
    """Hire and hold probabilities from the passing mass on the lattice (starting at ``low``)."""
    index = low + np.arange(total.size)
    if built.noise > 0:  # discretion: the manager reads the aggregate with noise
        score = index / built.denominator + built.bias
        above = special.ndtr((score - built.line) / built.noise)
        inside = special.ndtr((score - built.line + 2 * built.band) / built.noise) - above
        return float(total @ above), float(total @ inside) if built.band > 0 else 0.0
    hire = float(total[index >= built.hire_from].sum())
    if built.band <= 0:
        return hire, 0.0
    return hire, float(total[(index > built.hold_above) & (index < built.hire_from)].sum())


# --------------------------------------------------------------------------- structure
def _structure(process: Process) -> _Structure | str:
    built = _CACHE.get(process)
    if built is None:
        built = _build(process)
        _CACHE[process] = built
    return built


def _obstacle(process: Process, plan, m) -> str | None:
    d, scale = process.debrief, process.scale
    if d.aggregate == "latent":
        return "the committee counts latent scores (use the Gaussian closed form)"
    if scale.step == 0:
        return "a continuous scale (step 0) has no lattice"
    if d.rule not in _RULES or (d.rule == "trimmed_mean" and d.trim > 0):
        return f"rule {d.rule!r} does not decide on the weighted sum"
    if plan.alpha > 0:
        return "anchoring makes what is said depend on other seats"
    if plan.written_map is not None:
        return "peeking makes what is written depend on other seats"
    if d.rule == "discretion" and plan.manager_self_weight > 0:
        return "the hiring manager's own view is mixed into the score"
    seats_of = [np.unique(m.slot_seat[plan.slot_speaker == q]) for q in range(plan.n_speakers)]
    if any(s.size > 1 for s in seats_of):
        return "an interviewer sits in several seats (one impression per seat, one view)"
    for g in range(m.gate_cuts.size):
        if np.unique(m.slot_seat[m.gate_weights[:, g] > 0]).size > 1:
            return "a gated round has several interviewers"
    if (scale.n_steps + 1) ** np.bincount(m.slot_seat).max() > MAX_COMBINATIONS:
        return f"a seat has more than {MAX_COMBINATIONS:,} joint written outcomes"
    return None


def _fraction(x: float) -> Fraction | None:
    f = Fraction(x).limit_denominator(_DENOMINATOR)
    return f if abs(float(f) - x) <= 1e-12 * max(1.0, abs(x)) else None


def _build(process: Process) -> _Structure | str:
    plan, m = debrief_plan(process), compile_model(process)
    reason = _obstacle(process, plan, m)
    if reason is not None:
        return reason
    scale, d = process.scale, process.debrief
    levels = scale.min + scale.step * np.arange(scale.n_steps + 1)
    bounds = scale.to_z(levels[:-1] + scale.step / 2)
    counted = np.tile(levels, (m.n_slots, 1))
    if d.aggregate == "labels":
        table = np.array(scale.label_value_table)
        cuts = scale.to_points(m.label_cuts)  # (S, L - 1): each rater's own cut points
        counted = table[(levels[None, :, None] >= cuts[:, None, :] - 1e-12).sum(-1)]
    weights = plan.aggregate_weights
    terms = [[_fraction(float(weights[j])), [_fraction(float(v)) for v in row]]
             for j, row in enumerate(counted)]  # fmt: skip
    flat = [t[0] for t in terms] + [v for t in terms for v in t[1]]
    if any(f is None for f in flat):
        return "the debrief weights or label values are not short fractions"
    denominator = 1
    for f in flat:
        denominator = math.lcm(denominator, f.denominator)
    if denominator * (scale.max - scale.min + 1) > MAX_LATTICE or denominator > 10**9:
        return f"the aggregate's lattice would exceed {MAX_LATTICE:,} points"
    integer = np.array([[int(w * v * denominator) for v in vals] for w, vals in terms])
    seats = tuple(
        _seat(process, plan, m, p, integer, counted * weights[:, None], levels)
        for p in range(m.n_seats)
    )
    line = Fraction(d.threshold) + Fraction(d.hold_band)
    slack = Fraction(LATTICE_TOLERANCE)
    noise = d.manager_noise if d.rule == "discretion" else 0.0
    bias = d.manager_bias if d.rule == "discretion" else 0.0
    return _Structure(
        seats=seats,
        bounds=np.asarray(bounds, dtype=float),
        levels=levels,
        counted=counted,
        denominator=denominator,
        hire_from=math.ceil((line - Fraction(bias) - slack) * denominator),
        hold_above=math.floor(
            (Fraction(d.threshold) - Fraction(d.hold_band) - Fraction(bias) + slack) * denominator
        ),
        noise=float(noise),
        bias=float(bias),
        line=float(line),
        band=float(d.hold_band),
    )


def _seat(process, plan, m, p: int, integer, contribution, levels) -> _Seat:
    """Joint written outcomes of seat ``p``: lattice contribution, gate and veto."""
    scale = process.scale
    slots = np.flatnonzero(m.slot_seat == p)
    n_levels = levels.size
    combos = np.indices((n_levels,) * slots.size).reshape(slots.size, -1).T  # (C, J)
    lattice = integer[slots[None, :], combos].sum(axis=1)
    value = contribution[slots[None, :], combos].sum(axis=1)
    written = levels[combos]  # (C, J) points
    gated = np.ones(len(combos), dtype=bool)
    for g in range(m.gate_cuts.size):
        share = m.gate_weights[slots, g]
        if share.any():
            cut = float(scale.to_points(m.gate_cuts[g]))
            gated &= written @ share >= cut - LATTICE_TOLERANCE
    passes = gated.copy()
    speaker = int(plan.slot_speaker[slots[0]])
    if speaker in plan.veto.tolist():
        view = scale.written(written @ plan.speaker_view[slots, speaker])
        yes = float(scale.to_points(plan.yes_cut[speaker]))
        passes &= view >= yes - LATTICE_TOLERANCE
    low = int(lattice.min())
    return _Seat(
        slots=slots,
        combos=combos,
        lattice=lattice - low,
        low=low,
        size=int(lattice.max() - low + 1),
        passes=passes,
        gated=gated,
        value=value,
    )
