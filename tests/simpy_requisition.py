"""The requisition model as a SimPy discrete-event simulation, on the vectorised draws.

A second, independent implementation of :func:`sim.economics.requisition.flow`: one
SimPy environment per requisition, a process per applicant (waits, rounds, gates,
the debrief, the offer queue) and one for the hiring manager's offers. It consumes
the same :class:`~sim.economics.requisition.Draws`, so both must agree exactly; the
benchmark times it against the vectorised version (the measurement behind the choice).
"""

from __future__ import annotations

import numpy as np
import simpy
from scipy import special

from sim.economics.requisition import (
    CLOSED,
    DECLINED,
    HIRED,
    REJECTED,
    WITHDREW,
    Draws,
    applicant_dollars,
    offer_parts,
)


def simulate_block(process, economics, draws: Draws) -> dict[str, np.ndarray]:
    """Hire, close per requisition; offer day and outcome per applicant (as ``flow``)."""
    days = np.array([r.day for r in process.rounds], dtype=float)
    debrief_day = float(process.debrief.day if process.debrief.day is not None else days[-1])
    sched, w, acc = economics.schedule, economics.withdrawal, economics.acceptance
    n_rounds = days.size
    lengths = np.diff(days, prepend=0.0)
    factors = np.full(n_rounds + 1, w.booked_factor)
    factors[0] = w.silent_factor
    factors[-1] = w.booked_factor if sched.decision_date_told else w.silent_factor
    tilt = np.exp(w.quality * draws.performance)
    prior, impact, outside = applicant_dollars(economics, draws)
    value = offer_parts(process, economics, prior, impact)["yearly_value"]
    total = draws.arrival.size
    out = {
        "offer_day": np.full(total, np.nan),
        "outcome": np.full(total, -1, dtype=np.int64),
        "close": np.full(draws.n_req, sched.deadline_days),
        "hire": np.full(draws.n_req, -1, dtype=np.int64),
    }
    starts = np.searchsorted(draws.req, np.arange(draws.n_req + 1))
    for r in range(draws.n_req):
        _requisition(r, range(starts[r], starts[r + 1]), locals(), out)
    return out


def _waited(w, factor: float, tilt: float, e: float) -> float:
    rate = factor * tilt
    return np.inf if rate == 0 else w.scale_days * (e / rate) ** (1.0 / w.shape)


def _requisition(r: int, members: range, ctx: dict, out: dict) -> None:
    env = simpy.Environment()
    d, w, sched, acc = ctx["draws"], ctx["w"], ctx["sched"], ctx["acc"]
    days, lengths, factors, tilt = ctx["days"], ctx["lengths"], ctx["factors"], ctx["tilt"]
    n_rounds, debrief_day = ctx["n_rounds"], ctx["debrief_day"]
    filled = env.event()
    queue: list[tuple[float, float, int]] = []  # (ready, leave, applicant)
    wake = [env.event()]

    def applicant(i: int):
        yield env.timeout(d.arrival[i])
        for j in range(n_rounds):
            wait = _waited(w, factors[j], tilt[i], d.spell_e[i, j])
            if wait < lengths[j] and j <= d.stage[i]:
                yield env.timeout(wait)
                out["outcome"][i] = WITHDREW
                return
            yield env.timeout(lengths[j])
            if d.stage[i] == j:
                out["outcome"][i] = REJECTED
                return
        wait = _waited(w, factors[-1], tilt[i], d.spell_e[i, -1])
        if wait < debrief_day - days[-1]:
            yield env.timeout(wait)
            out["outcome"][i] = WITHDREW
            return
        yield env.timeout(debrief_day - days[-1])
        if not d.approved[i]:
            out["outcome"][i] = REJECTED
            return
        leave = d.arrival[i] + days[-1] + wait
        queue.append((env.now + sched.offer_delay_days, leave, i))
        out["outcome"][i] = WITHDREW  # until an offer says otherwise
        yield env.timeout(sched.offer_delay_days)
        wake[0].succeed()
        wake[0] = env.event()

    def manager():
        offered: set[int] = set()
        while True:
            now = env.now
            ready = [(d.score[i], -k, i) for k, (t, leave, i) in enumerate(queue)
                     if i not in offered and t <= now and leave > now]  # fmt: skip
            if not ready:
                yield wake[0]
                continue
            if now + sched.response_days > sched.deadline_days:
                return
            i = max(ready)[2]
            offered.add(i)
            out["offer_day"][i] = now
            logit = acc.intercept + acc.value_slope * np.log(ctx["value"][i] / ctx["outside"][i])
            p = special.expit(logit - acc.day_slope * (now - d.arrival[i]))
            yield env.timeout(sched.response_days)
            if d.accept_u[i] < p:
                out["outcome"][i], out["hire"][r], out["close"][r] = HIRED, i, env.now
                filled.succeed()
                return
            out["outcome"][i] = DECLINED

    for i in members:
        env.process(applicant(i))
    env.process(manager())
    env.run(until=simpy.AnyOf(env, [filled, env.timeout(sched.deadline_days)]))
    close = out["close"][r]
    for i in members:
        leave = next((lv for t, lv, k in queue if k == i), None)
        if out["outcome"][i] == -1 or (
            leave is not None and out["outcome"][i] == WITHDREW and leave > close
        ):
            out["outcome"][i] = CLOSED
