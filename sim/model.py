"""The process compiled to matrices: every score is linear in Gaussian draws.

A *slot* is one rating: (round, interviewer, competency); a *seat* is one
interviewer in one round. For a candidate with true levels ``theta`` (K,) and
framing ``phi`` the perceived scores (S,) are::

    s = offset + theta @ A + phi * framing + u @ H + sigma * e

with ``u ~ N(0, I_P)`` (each seat's overall impression beyond the candidate's
true levels, which feeds the halo) and ``e ~ N(0, I_S)`` (occasion noise).
Gate scores and the debrief aggregate are further linear maps of ``s``; the
debrief's speakers, views and veto holders live in :mod:`sim.debrief` (its
plan). The Monte Carlo engine and the closed forms share these matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .spec import Process

__all__ = ["DECISIONS", "HIRE", "HOLD", "NO_HIRE", "LinearModel"]

NO_HIRE, HIRE, HOLD = 0, 1, 2
#: Decision labels by code.
DECISIONS: tuple[str, ...] = ("No Hire", "Hire", "Hold")


@dataclass(frozen=True, eq=False)
class LinearModel:
    """Matrices of one process (all z units). Build with :meth:`build`."""

    process: Process
    slot_round: np.ndarray  # (S,) round index of each slot
    slot_seat: np.ndarray  # (S,) seat index of each slot
    slot_competency: np.ndarray  # (S,) competency index of each slot
    seat_round: np.ndarray  # (P,) round index of each seat
    seat_interviewer: tuple[str, ...]  # (P,) interviewer name of each seat
    A: np.ndarray  # (K, S) loading of true levels (identity + halo)
    framing: np.ndarray  # (S,) shift per unit of framing
    H: np.ndarray  # (P, S) halo loading of seat impressions
    sigma: np.ndarray  # (S,) occasion-noise SD
    offset: np.ndarray  # (S,) leniency
    aggregate_weights: np.ndarray  # (S,) aggregate z = s @ aggregate_weights
    label_cuts: np.ndarray  # (S, L-1) z cut points of each slot's rater
    recommendation_cuts: np.ndarray  # (P, R-1) z cut points of each seat's rater
    gate_rounds: np.ndarray  # (G,) round index of each gate, in round order
    gate_weights: np.ndarray  # (S, G) gate z = s @ gate_weights
    gate_cuts: np.ndarray  # (G,) z
    threshold: float  # z
    hold_band: float  # z
    pool_mean: np.ndarray  # (K,)
    pool_chol: np.ndarray  # (K, K) lower Cholesky factor of the pool covariance
    truth_weights: np.ndarray  # (K,) scaled so that Y has unit variance in the pool
    truth_noise: float  # SD of the scaled performance noise

    @property
    def n_slots(self) -> int:
        """Number of ratings per candidate who completes every round (S)."""
        return int(self.slot_round.size)

    @property
    def n_seats(self) -> int:
        """Number of (round, interviewer) seats (P)."""
        return int(self.seat_round.size)

    @property
    def n_competencies(self) -> int:
        """Number of competencies (K)."""
        return int(self.A.shape[0])

    def perceived_mean(self, theta: np.ndarray, phi: np.ndarray) -> np.ndarray:
        """Expected perceived scores given levels (n, K) and framing (n,): (n, S)."""
        return self.offset + theta @ self.A + np.asarray(phi)[..., None] * self.framing

    @cached_property
    def noise_loading(self) -> np.ndarray:
        """(P + S, S): perceived-score noise as a map of standard normal draws."""
        return np.vstack([self.H, np.diag(self.sigma)])

    @classmethod
    def build(cls, process: Process) -> LinearModel:
        """Compile ``process`` into matrices."""
        comps = process.competency_names
        comp_index = {name: k for k, name in enumerate(comps)}
        weights = process.debrief.competency_weights
        person_weights = process.debrief.interviewer_weights
        scale = process.scale

        slot_round, slot_seat, slot_comp, seat_round, seat_person = [], [], [], [], []
        for r, rnd in enumerate(process.rounds):
            for name in rnd.interviewers:
                seat_round.append(r)
                seat_person.append(name)
                for comp in rnd.competencies:
                    slot_round.append(r)
                    slot_seat.append(len(seat_person) - 1)
                    slot_comp.append(comp_index[comp])
        slot_round_a = np.array(slot_round, dtype=np.intp)
        slot_seat_a = np.array(slot_seat, dtype=np.intp)
        slot_comp_a = np.array(slot_comp, dtype=np.intp)
        n_slots, n_seats, k = len(slot_round), len(seat_person), len(comps)
        raters = [process.interviewer(seat_person[p]) for p in slot_seat]

        a = np.zeros((k, n_slots))
        a[slot_comp_a, np.arange(n_slots)] = 1.0
        h = np.zeros((n_seats, n_slots))
        sigma = np.empty(n_slots)
        for j, (r, person) in enumerate(zip(slot_round, raters, strict=True)):
            rnd = process.rounds[r]
            round_comps = [comp_index[c] for c in rnd.competencies]
            # The overall impression is the mean of the round's true levels plus u.
            a[round_comps, j] += person.halo / len(round_comps)
            h[slot_seat[j], j] = person.halo
            minutes_each = rnd.minutes / len(round_comps)
            sigma[j] = person.noise_sd * np.sqrt(process.evidence_minutes / minutes_each)
        framing = np.array(
            [
                process.competencies[slot_comp[j]].framing_effect * raters[j].framing_sensitivity
                for j in range(n_slots)
            ]
        )
        offset = np.array([person.leniency for person in raters])

        comp_w = np.array([weights.get(name, 0.0) for name in comps])
        slot_person_w = np.array([person_weights.get(p.name, 1.0) for p in raters])
        aggregate = np.zeros(n_slots)
        assessed = np.unique(slot_comp_a)
        total = comp_w[assessed].sum()
        for kk in assessed:
            mine = slot_comp_a == kk
            pw = slot_person_w[mine]
            pw = pw / pw.sum() if pw.sum() > 0 else np.full(pw.size, 1.0 / pw.size)
            aggregate[mine] = comp_w[kk] / total * pw

        def z_cuts(cuts: tuple[float, ...] | None, default: tuple[float, ...]) -> np.ndarray:
            return scale.to_z(np.array(cuts if cuts is not None else default))

        people = {p.name: p for p in process.interviewers}
        label_cuts = np.array([z_cuts(p.label_cuts, scale.label_cuts) for p in raters])
        rec_cuts = np.array(
            [
                z_cuts(people[name].recommendation_cuts, scale.recommendation_cuts)
                for name in seat_person
            ]
        ).reshape(n_seats, -1)

        gate_rounds = [r for r, rnd in enumerate(process.rounds) if rnd.gate is not None]
        gate_weights = np.zeros((n_slots, len(gate_rounds)))
        for g, r in enumerate(gate_rounds):
            mine = slot_round_a == r
            gate_weights[mine, g] = 1.0 / mine.sum()
        gate_cuts = scale.to_z(np.array([process.rounds[r].gate for r in gate_rounds], float))

        pool = process.pool
        cov = pool.covariance
        chol = _cholesky_psd(cov)
        v = np.array([process.truth.weights.get(name, 0.0) for name in comps])
        norm = float(np.sqrt(v @ cov @ v + process.truth.noise_sd**2))
        if norm == 0.0:
            norm = 1.0

        return cls(
            process=process,
            slot_round=slot_round_a,
            slot_seat=slot_seat_a,
            slot_competency=slot_comp_a,
            seat_round=np.array(seat_round, dtype=np.intp),
            seat_interviewer=tuple(seat_person),
            A=a,
            framing=framing,
            H=h,
            sigma=sigma,
            offset=offset,
            aggregate_weights=aggregate,
            label_cuts=label_cuts.reshape(n_slots, -1),
            recommendation_cuts=rec_cuts,
            gate_rounds=np.array(gate_rounds, dtype=np.intp),
            gate_weights=gate_weights,
            gate_cuts=np.atleast_1d(gate_cuts),
            threshold=float(scale.to_z(process.debrief.threshold)),
            hold_band=process.debrief.hold_band / scale.points_per_sd,
            pool_mean=np.array(pool.mean),
            pool_chol=chol,
            truth_weights=v / norm,
            truth_noise=process.truth.noise_sd / norm,
        )


def _cholesky_psd(cov: np.ndarray) -> np.ndarray:
    """Lower factor L with L L' = cov, also for singular (PSD) matrices."""
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(cov)
        return vectors * np.sqrt(np.clip(values, 0.0, None))
