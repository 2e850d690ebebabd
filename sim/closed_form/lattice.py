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
import threading
import weakref
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import fft, sparse, special

from ..model import compile_model
from ..rules import debrief_plan
from ..spec import LATTICE_TOLERANCE, Process

__all__ = [
    "MAX_COMBINATIONS",
    "MAX_LATTICE",
    "NODE_COUNTS",
    "SWAY_LATTICE",
    "WrittenLaw",
    "exact_obstacle",
    "lattice_points",
    "written_law",
    "written_laws",
]

#: Gauss-Hermite node counts tried over each seat's impression, fewest first: a process
#: uses the first whose seats' outcome probabilities agree with :data:`REFERENCE_NODES`
#: nodes to :data:`NODE_TOLERANCE` each (shipped presets: 12-16 nodes, whose hire
#: probabilities are within 2e-10 of 96 nodes on every profile).
NODE_COUNTS = (8, 12, 16, 24, 32, 48, 64)
REFERENCE_NODES = 96
NODE_TOLERANCE = 1e-10
#: Most lattice points of the committee's aggregate (the exact form's memory and time).
MAX_LATTICE = 2_000_000
#: Largest aggregate lattice on which the sway analyses search with the exact law: a
#: calibrated committee's two-decimal weights can give a million points (~0.5 s an
#: evaluation, minutes for tipping points); above this they use common draws.
SWAY_LATTICE = 200_000
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
    scatter: Any  # sparse (C, size): passing outcomes onto the seat's lattice
    gather: Any  # sparse (size, C): its transpose, stored (transposing costs per call)
    increasing: bool  # lattice contribution and passing never fall as a slot's level rises


@dataclass(frozen=True, eq=False)
class _Structure:
    seats: tuple[_Seat, ...]
    bounds: np.ndarray  # (L - 1,) z boundaries between written levels
    edges: np.ndarray  # (L + 1,) the same between -inf and +inf
    levels: np.ndarray  # (L,) written points
    counted: np.ndarray  # (S, L) counted points of each level in each slot
    denominator: float  # lattice points per point of the aggregate
    hire_from: int  # lattice index (absolute) from which the score hires
    hold_above: int  # lattice index (absolute) above which a non-hire is held
    noise: float  # manager's noise (points), discretion
    bias: float  # manager's bias (points), discretion
    line: float  # threshold + hold band (points)
    band: float  # hold band (points)
    low: int  # absolute lattice index of the aggregate's first point
    size: int  # lattice points of the aggregate
    fft_size: int
    nodes: np.ndarray  # (N,) Gauss-Hermite nodes of the impression (z)
    weights: np.ndarray  # (N,) their weights (sum 1)


_CACHE: weakref.WeakKeyDictionary[Process, _Structure | str] = weakref.WeakKeyDictionary()


def exact_obstacle(process: Process) -> str | None:
    """Why :func:`written_law` has no exact answer for ``process`` (``None`` when it has)."""
    built = _structure(process)
    return built if isinstance(built, str) else None


def lattice_points(process: Process) -> int:
    """Points of the aggregate's exact lattice (0 when :func:`exact_obstacle` names one)."""
    built = _structure(process)
    return 0 if isinstance(built, str) else built.size


def written_law(process: Process, perceived_mean: np.ndarray) -> WrittenLaw:
    """Exact probabilities for expected perceived scores ``perceived_mean`` (S,), z units.

    Raises
    ------
    ValueError
        When :func:`exact_obstacle` names an obstacle.
    """
    built = _require(process)
    mean = np.asarray(perceived_mean, dtype=float)[None, :]
    # The same candidate is often asked for twice in a row (the probability, then what
    # is expected to be said): the last few answers are kept, with their structure.
    key = (id(built), mean.tobytes())
    known = _RECENT.get(key)
    if known is not None and known[0] is built:
        return known[1]
    law = written_laws(process, mean)
    probs = _level_probabilities(built, compile_model(process), mean)[0]  # (N, S, L)
    weights = built.weights
    answer = WrittenLaw(
        hire=float(law["hire"][0]),
        hold=float(law["hold"][0]),
        reach_debrief=float(law["reach_debrief"][0]),
        aggregate_mean=float(law["aggregate_mean"][0]),
        aggregate_sd=float(law["aggregate_sd"][0]),
        expected_written=np.einsum("n,nsl,l->s", weights, probs, built.levels),
        expected_counted=np.einsum("n,nsl,sl->s", weights, probs, built.counted),
        lattice_points=built.size,
    )
    answer.expected_written.flags.writeable = False
    answer.expected_counted.flags.writeable = False
    with _RECENT_LOCK:
        _RECENT[key] = (built, answer)  # holding `built` keeps its id from being reused
        while len(_RECENT) > 8:
            del _RECENT[next(iter(_RECENT))]
    return answer


_RECENT: dict[tuple[int, bytes], tuple[_Structure, WrittenLaw]] = {}
_RECENT_LOCK = threading.Lock()


def written_laws(process: Process, perceived_means: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`written_law`'s probabilities for a batch of perceived means (B, S), vectorised.

    Returns
    -------
    dict of str to ndarray, shape (B,)
        ``hire``, ``hold``, ``reach_debrief``, ``aggregate_mean``, ``aggregate_sd``.
    """
    built = _require(process)
    means = np.atleast_2d(np.asarray(perceived_means, dtype=float))
    probs = _level_probabilities(built, compile_model(process), means)  # (B, N, S, L)
    weights = built.weights
    batch = means.shape[0]
    reach, mean, var = np.ones(batch), np.zeros(batch), np.zeros(batch)
    spectrum = np.ones((batch, built.fft_size // 2 + 1), dtype=complex)
    for seat in built.seats:
        mass = _seat_mass(seat, probs, weights)  # (B, C)
        reach *= mass @ seat.gated
        mu = mass @ seat.value
        mean += mu
        var += np.clip(mass @ seat.value**2 - mu * mu, 0.0, None)
        law = (seat.gather @ mass.T).T  # (B, size): passing mass on the seat's lattice
        spectrum *= np.fft.rfft(law, n=built.fft_size, axis=1)
    total = np.clip(np.fft.irfft(spectrum, n=built.fft_size, axis=1)[:, : built.size], 0, None)
    hire, hold = _decide(built, total)
    return {
        "hire": np.clip(hire, 0.0, 1.0),
        "hold": np.clip(hold, 0.0, 1.0),
        "reach_debrief": reach,
        "aggregate_mean": mean + built.bias,
        "aggregate_sd": np.sqrt(var + built.noise**2),
    }


def _require(process: Process) -> _Structure:
    built = _structure(process)
    if isinstance(built, str):
        raise ValueError(built)
    return built


# --------------------------------------------------------------------------- evaluation
@lru_cache(maxsize=16)
def _rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Hermite nodes and weights (summing to 1) for a standard normal."""
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / w.sum()


def _node_count(built: _Structure, m) -> int:
    """Fewest nodes whose seat laws match :data:`REFERENCE_NODES` nodes on three profiles."""
    centre = built.bounds[built.bounds.size // 2]
    means = np.array([[centre - 1.0], [centre], [centre + 1.0]]) * np.ones(m.n_slots)

    def masses(n: int) -> list[np.ndarray]:
        trial = replace(built, nodes=_rule(n)[0], weights=_rule(n)[1])
        probs = _level_probabilities(trial, m, means)
        return [_seat_mass(seat, probs, trial.weights) for seat in built.seats]

    reference = masses(REFERENCE_NODES)
    for n in NODE_COUNTS:
        trial = masses(n)
        if all(
            np.abs(a - b).max() <= NODE_TOLERANCE for a, b in zip(trial, reference, strict=True)
        ):
            return n
    return REFERENCE_NODES


def _halo(m) -> np.ndarray:
    """Each slot's loading (S,) on its seat's impression."""
    return m.H[m.slot_seat, np.arange(m.n_slots)]


def _level_probabilities(built: _Structure, m, means: np.ndarray) -> np.ndarray:
    """P(written level | impression node) of every slot at perceived means (B, S): (B, N, S, L)."""
    return _levels(built, _halo(m), m.sigma, means)


def _levels(built: _Structure, halo: np.ndarray, sigma: np.ndarray, means: np.ndarray):
    """:func:`_level_probabilities` of slots with loadings ``halo`` and noise ``sigma`` (J,)."""
    centre = means[:, None, :] + built.nodes[None, :, None] * halo  # (B, N, J)
    # Boundaries with -inf and +inf at the ends: the end levels take the tails (the clip),
    # and one subtraction gives every level (the same bits as 0 - and 1 - the tails).
    gap = built.edges - centre[..., None]  # (B, N, J, L + 1)
    sd = sigma[:, None]
    if sd.min() > 0:
        cdf = special.ndtr(np.divide(gap, sd, out=gap), out=gap)
    else:  # a noiseless rater writes one level for sure
        with np.errstate(divide="ignore", invalid="ignore"):
            cdf = np.where(sd > 0, special.ndtr(gap / sd), (gap > 0).astype(float))
    return np.subtract(cdf[..., 1:], cdf[..., :-1])


def _seat_mass(seat: _Seat, probs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Probability (B, C) of each joint written outcome of a seat, averaged over its impression."""
    # The outcomes are the full product of the slots' levels, first slot slowest: an outer
    # product over all but the last slot, kept as (B, X, nodes), then one batched matrix
    # product with the last slot's levels sums over the nodes (never a (B, nodes, C) array).
    first = probs[:, :, seat.slots[0], :] * weights[:, None]  # (B, N, L)
    if seat.slots.size == 1:
        return first.sum(axis=1)
    joint = np.ascontiguousarray(first.transpose(0, 2, 1))  # (B, L, N)
    for slot in seat.slots[1:-1]:
        level = probs[:, :, slot, :].transpose(0, 2, 1)  # (B, L, N)
        joint = (joint[:, :, None, :] * level[:, None, :, :]).reshape(
            joint.shape[0], -1, joint.shape[-1]
        )
    last = np.ascontiguousarray(probs[:, :, seat.slots[-1], :])  # (B, N, L)
    return np.matmul(joint, last).reshape(joint.shape[0], -1)


def _decide(built: _Structure, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hire and hold probabilities (B,) from the passing mass (B, lattice) on the lattice."""
    index = built.low + np.arange(total.shape[1])
    if built.noise > 0:  # discretion: the manager reads the aggregate with noise
        score = index / built.denominator + built.bias
        above = special.ndtr((score - built.line) / built.noise)
        inside = special.ndtr((score - built.line + 2 * built.band) / built.noise) - above
        return total @ above, total @ inside if built.band > 0 else np.zeros(total.shape[0])
    hire = total[:, index >= built.hire_from].sum(axis=1)
    if built.band <= 0:
        return hire, np.zeros(total.shape[0])
    held = (index > built.hold_above) & (index < built.hire_from)
    return hire, total[:, held].sum(axis=1)


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
    scaled = _scaled_weights(process, m, weights)
    values = [[_fraction(float(v)) for v in row] for row in counted]
    if scaled is None or any(v is None for row in values for v in row):
        return "the debrief weights or label values are not short fractions"
    shares, total = scaled
    # The lattice holds total * aggregate: raw weights times values, no normalising division
    # (whose numerator would enter every denominator).
    # A product of two fractions is whole over the product of their denominators' lcms.
    denominator = math.lcm(*(f.denominator for f in shares)) * math.lcm(
        *(v.denominator for row in values for v in row)
    )
    if denominator > 10**9:
        return f"the aggregate's lattice would exceed {MAX_LATTICE:,} points"
    integer = np.array(
        [[int(w * v * denominator) for v in row] for w, row in zip(shares, values, strict=True)]
    )
    if integer.max(axis=1).sum() - integer.min(axis=1).sum() + 1 > MAX_LATTICE:
        return f"the aggregate's lattice would exceed {MAX_LATTICE:,} points"
    seats = tuple(
        _seat(process, plan, m, p, integer, counted * weights[:, None], levels)
        for p in range(m.n_seats)
    )
    denominator_scaled = denominator * total  # lattice index = aggregate * this
    line = Fraction(d.threshold) + Fraction(d.hold_band)
    slack = Fraction(LATTICE_TOLERANCE)
    size = sum(seat.size for seat in seats) - len(seats) + 1
    noise = d.manager_noise if d.rule == "discretion" else 0.0
    bias = d.manager_bias if d.rule == "discretion" else 0.0
    built = _Structure(
        seats=seats,
        bounds=np.asarray(bounds, dtype=float),
        edges=np.concatenate([[-np.inf], np.asarray(bounds, dtype=float), [np.inf]]),
        levels=levels,
        counted=counted,
        denominator=float(denominator_scaled),
        hire_from=math.ceil((line - Fraction(bias) - slack) * denominator_scaled),
        hold_above=math.floor(
            (Fraction(d.threshold) - Fraction(d.hold_band) - Fraction(bias) + slack)
            * denominator_scaled
        ),
        noise=float(noise),
        bias=float(bias),
        line=float(line),
        band=float(d.hold_band),
        low=sum(seat.low for seat in seats),
        size=size,
        fft_size=int(fft.next_fast_len(size, real=True)),
        nodes=_rule(REFERENCE_NODES)[0],
        weights=_rule(REFERENCE_NODES)[1],
    )
    n = _node_count(built, m)
    return replace(built, nodes=_rule(n)[0], weights=_rule(n)[1])


def _scaled_weights(process: Process, m, weights: np.ndarray) -> tuple[list, Fraction] | None:
    """Each slot's raw share ``c_k * r_j`` as a fraction, and their total ``C``.

    ``weights == shares / C``: the competency's raw weight times the rater's share
    within the competency (:func:`sim.model.aggregate_weights`, here in fractions).
    """
    d = process.debrief
    comp = [_fraction(d.competency_weight(c)) for c in process.competency_names]
    person = [_fraction(d.interviewer_weight(p)) for p in process.interviewer_names]
    if None in comp or None in person:
        return None
    return _scaled_from(m, comp, person, weights)


def _scaled_from(m, comp: list, person: list, weights: np.ndarray):
    shares = []
    for j in range(m.n_slots):
        k = m.slot_competency[j]
        raters = [person[i] for i in m.slot_person[m.slot_competency == k]]
        within = sum(raters, Fraction(0))
        own = person[m.slot_person[j]] / within if within else Fraction(1, len(raters))
        shares.append(comp[k] * own)
    total = sum((comp[k] for k in np.unique(m.slot_competency)), Fraction(0))
    if total == 0 or any(
        abs(float(b / total) - w) > 1e-12 for b, w in zip(shares, weights, strict=True)
    ):
        return None
    return shares, total


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
    size = int(lattice.max() - low + 1)
    grid = (n_levels,) * slots.size  # combos are the full product, first slot slowest
    increasing = all(
        bool(np.all(np.diff(table.reshape(grid), axis=axis) >= 0))
        for table in (lattice, passes.astype(np.int8))
        for axis in range(slots.size)
    )
    pick = np.flatnonzero(passes)
    scatter = sparse.csr_matrix(
        (np.ones(pick.size), (pick, lattice[pick] - low)), shape=(len(combos), size)
    )
    return _Seat(
        slots=slots,
        combos=combos,
        lattice=lattice - low,
        low=low,
        size=size,
        passes=passes,
        gated=gated,
        value=value,
        scatter=scatter,
        gather=scatter.T.tocsr(),
        increasing=increasing,
    )
