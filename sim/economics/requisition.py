"""The requisition simulation: one opening, applicants over time, waits, offers, a hire.

Vectorised over requisitions (see ``benchmarks/bench_economics.py`` for the
measurement against a SimPy discrete-event version of the same model). Randomness
belongs to fixed blocks of :data:`BLOCK` requisitions, each with its own child of
one :class:`numpy.random.SeedSequence`, so a seed gives the same result whatever
``chunk_size`` and ``workers``.

Per block, :func:`draw_block` draws everything random (arrivals, the committee's
decisions through :func:`sim.simulate`, the exponentials of every wait, the
acceptance uniforms, prior salaries, impact, outside options) and :func:`flow`
turns the draws into outcomes for one schedule and offer policy. Changes of
schedule or offer reuse the draws: common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from ..engine import RandomLike, as_seed_sequence, simulate
from ..errors import fail
from ..model import HIRE
from ..spec import Process
from .spec import Economics, check_count

__all__ = ["BLOCK", "OUTCOMES", "Draws", "Flow", "draw_block", "flow", "run_blocks"]

#: Requisitions per random block (the unit that owns a random stream).
BLOCK = 512
#: How an applicant's time in the requisition ended.
OUTCOMES: tuple[str, ...] = ("withdrew", "rejected", "declined", "hired", "closed")
WITHDREW, REJECTED, DECLINED, HIRED, CLOSED = range(5)


@dataclass(frozen=True, eq=False)
class Draws:
    """Everything random about one block of requisitions (arrays over applicants, shape (A,)).

    ``spell_e`` (A, R + 1) holds one unit exponential per wait: before each round and
    after the last one.
    """

    first: int
    n_req: int
    req: np.ndarray
    arrival: np.ndarray
    stage: np.ndarray
    approved: np.ndarray
    score: np.ndarray
    performance: np.ndarray
    spell_e: np.ndarray
    accept_u: np.ndarray
    z_prior: np.ndarray
    z_impact: np.ndarray
    z_outside: np.ndarray


def _child(root: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    # Child `key` of root without mutating it (as root.spawn would on a fresh root).
    return np.random.SeedSequence(
        entropy=root.entropy, spawn_key=(*root.spawn_key, *key), pool_size=root.pool_size
    )


def draw_block(
    process: Process, economics: Economics, root: np.random.SeedSequence, block: int, n_req: int
) -> Draws:
    """Draw block ``block`` (``n_req`` requisitions) of the stream ``root``."""
    gen = np.random.Generator(np.random.PCG64(_child(root, block, 1)))
    arrivals = economics.arrivals
    sourcing = arrivals.sourcing_days or economics.schedule.deadline_days
    counts = gen.poisson(arrivals.rate_per_day * sourcing, size=n_req)
    total = int(counts.sum())
    req = np.repeat(np.arange(n_req), counts)
    arrival = gen.random(total) * sourcing
    order = np.lexsort((arrival, req))
    arrival = arrival[order]
    # Fixed-width draws first, so a process with another number of rounds shares them.
    accept_u, z_prior, z_impact, z_outside = gen.random(total), *gen.standard_normal((3, total))
    spell_e = gen.standard_exponential((total, len(process.rounds) + 1))
    if total:
        result = simulate(process, n=total, rng=_child(root, block, 0), keep="decisions")
        stage, decision = result.stage, result.decision
        score, performance = result.aggregate_z, result.performance
    else:
        stage = decision = np.zeros(0, dtype=np.int8)
        score = performance = np.zeros(0)
    return Draws(
        first=block * BLOCK,
        n_req=n_req,
        req=req,
        arrival=arrival,
        stage=stage,
        approved=decision == HIRE,
        score=np.nan_to_num(score, nan=-np.inf),
        performance=performance,
        spell_e=spell_e,
        accept_u=accept_u,
        z_prior=z_prior,
        z_impact=z_impact,
        z_outside=z_outside,
    )


@dataclass(frozen=True, eq=False)
class Flow:
    """Outcomes of one block: per applicant (shape (A,)) and per requisition (shape (n_req,)).

    Times are days since the requisition opened. Applicants who would have arrived
    after their requisition closed are dropped (``kept`` marks the others).
    """

    draws: Draws
    kept: np.ndarray
    exit: np.ndarray
    outcome: np.ndarray
    rounds_held: np.ndarray
    debriefed: np.ndarray
    offered: np.ndarray
    offer_day: np.ndarray
    accepted: np.ndarray
    accept_p: np.ndarray
    withdraw_day: np.ndarray
    offer: dict[str, np.ndarray]
    interview_cost: np.ndarray
    close: np.ndarray
    filled: np.ndarray
    hire: np.ndarray


def applicant_dollars(
    economics: Economics, draws: Draws, idx: np.ndarray | slice = slice(None)
) -> tuple[np.ndarray, ...]:
    """Prior salary, projected impact and outside option (dollars) of applicants ``idx``."""
    a = economics.applicants
    quality = draws.performance[idx]

    def tied(rho: float, z: np.ndarray) -> np.ndarray:
        return rho * quality + np.sqrt(1.0 - rho * rho) * z[idx]

    low, high = a.prior_salary_usd
    prior = low + (high - low) * special.ndtr(tied(a.prior_salary_quality_corr, draws.z_prior))
    impact = a.impact_median_usd * np.exp(
        a.impact_log_sd * tied(a.impact_quality_corr, draws.z_impact)
    )
    outside = (
        prior
        * a.outside_multiple
        * np.exp(a.outside_quality * quality + a.outside_log_sd * draws.z_outside[idx])
    )
    return prior, impact, outside


def offer_parts(
    process: Process, economics: Economics, prior: np.ndarray, impact: np.ndarray
) -> dict[str, np.ndarray]:
    """Every offer part for applicants with these prior salaries and impacts (dollars).

    Returns base, bonus (dollars), equity share (%), equity value (dollars over the
    vesting years), sign-on, stipend and ``yearly`` (the offer's yearly value a
    candidate compares with the outside option: base, bonus, equity and sign-on
    spread over the vesting years, stipend).
    """
    policy = economics.offer_policy
    sources = {"prior_salary": prior, "projected_impact": impact}
    base = policy.base_salary_usd.evaluate(sources)
    bonus = base * policy.bonus_pct_of_base.evaluate(sources) / 100.0
    equity = policy.equity_pct.evaluate(sources)
    sign_on = policy.sign_on_usd.evaluate(sources)
    equity_usd = equity_value(process, economics, equity)
    stipend = np.full_like(base, policy.development_stipend_usd_per_year)
    years = policy.equity_vesting_years
    yearly = base + bonus + (equity_usd + sign_on) / years + stipend
    return {
        "base_salary": base,
        "bonus": bonus,
        "equity_pct": equity,
        "equity_value": equity_usd,
        "sign_on": sign_on,
        "stipend": stipend,
        "yearly_value": yearly,
    }


def equity_value(process: Process, economics: Economics, equity_pct: np.ndarray) -> np.ndarray:
    """Dollar value of a grant of ``equity_pct`` %: the user's values at the range's ends."""
    low, high = _range(process, "equity_pct", economics.offer_policy.equity_pct.bounds)
    v_low, v_high = economics.offer_policy.equity_grant_value_usd
    share = (np.asarray(equity_pct) - low) / (high - low) if high > low else 0.0
    return v_low + (v_high - v_low) * share


def _range(process: Process, key: str, fallback: tuple[float, float]) -> tuple[float, float]:
    allowed = (process.compensation or {}).get(key)
    if isinstance(allowed, list | tuple) and len(allowed) == 2:
        return float(allowed[0]), float(allowed[1])
    return fallback


def round_costs(process: Process, economics: Economics) -> tuple[np.ndarray, float]:
    """Interviewer cost of each round (R,) and of one debrief (dollars per applicant)."""
    costs = economics.costs
    per_round = np.array(
        [
            sum(costs.hourly(p) for p in rnd.interviewers)
            * (rnd.minutes + costs.extra_minutes_per_interview)
            / 60.0
            for rnd in process.rounds
        ]
    )
    people = {p for rnd in process.rounds for p in rnd.interviewers}
    debrief = process.debrief.minutes / 60.0 * sum(costs.hourly(p) for p in sorted(people))
    return per_round, float(debrief)


def _schedule(process: Process, economics: Economics) -> dict[str, Any]:
    """Round days (R,), each wait's planned length and start, hazard factors (R + 1,)."""
    days = np.array([r.day for r in process.rounds], dtype=float)
    w, sched = economics.withdrawal, economics.schedule
    lengths = np.diff(days, prepend=0.0)
    factors = np.full(days.size + 1, w.booked_factor)
    factors[0] = w.silent_factor
    factors[-1] = w.booked_factor if sched.decision_date_told else w.silent_factor
    debrief_day = process.debrief.day if process.debrief.day is not None else days[-1]
    return {
        "days": days,
        "lengths": lengths,
        "starts": days - lengths,
        "factors": factors,
        "debrief_day": float(debrief_day),
    }


def _to_the_debrief(plan: dict[str, Any], w: Any, draws: Draws) -> dict[str, np.ndarray]:
    """Waits, rounds and gates up to the committee's decision, for every applicant.

    A wait of L days is survived iff its unit exponential exceeds the cumulative hazard
    ``factor * exp(quality * Y) * (L / scale) ** shape``; only the wait that ends in a
    withdrawal needs its time, so powers are taken once per applicant, not per wait.
    """
    days, lengths, factors = plan["days"], plan["lengths"], plan["factors"]
    n_rounds, debrief_day = days.size, plan["debrief_day"]
    tilt = np.exp(w.quality * draws.performance)
    spell_e, stage = draws.spell_e, draws.stage.astype(np.int64)
    total = stage.size
    gone = spell_e[:, :n_rounds] < tilt[:, None] * (
        factors[:n_rounds] * (lengths / w.scale_days) ** w.shape
    )
    gone &= np.arange(n_rounds) <= stage[:, None]  # only waits before rounds they attend
    early = gone.any(axis=1)
    first = np.argmax(gone, axis=1)

    def waited(j: np.ndarray | int, who: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            e = spell_e[who, j]
            return w.scale_days * (e / (factors[j] * tilt[who])) ** (1.0 / w.shape)

    rounds = np.where(early, first, np.minimum(stage + 1, n_rounds))
    exit_rel = np.full(total, np.nan)
    quit_ = np.flatnonzero(early)
    exit_rel[quit_] = plan["starts"][first[quit_]] + waited(first[quit_], quit_)
    outcome = np.where(early, WITHDREW, REJECTED)
    gated = ~early & (stage < n_rounds)
    exit_rel = np.where(gated, days[np.minimum(stage, n_rounds - 1)], exit_rel)
    # The wait after the last round: until the debrief's decision, then (approved) an offer.
    reached = ~early & ~gated
    last_wait = np.full(total, np.inf)
    at_end = np.flatnonzero(reached)
    last_wait[at_end] = waited(n_rounds, at_end)
    decision_gone = reached & (last_wait < debrief_day - days[-1])
    exit_rel = np.where(decision_gone, days[-1] + last_wait, exit_rel)
    debriefed = reached & ~decision_gone
    approved = debriefed & draws.approved
    return {
        "rounds": rounds,
        "exit_rel": np.where(debriefed & ~approved, debrief_day, exit_rel),
        "outcome": np.where(decision_gone, WITHDREW, outcome),
        "debriefed": debriefed,
        "approved": approved,
        "last_wait": last_wait,
    }


def flow(
    process: Process, economics: Economics, draws: Draws, memo: dict[str, Any] | None = None
) -> Flow:
    """Run one block's applicants through the schedule, the offers and the deadline.

    ``memo`` (a dict owned by the caller, one per ``draws``) keeps the part up to the
    debrief, which an offer change does not touch.
    """
    plan = _schedule(process, economics)
    days, debrief_day = plan["days"], plan["debrief_day"]
    if draws.spell_e.shape[1] != days.size + 1:
        raise fail("draws", "were drawn for a process with another number of rounds")
    sched = economics.schedule
    if memo is None:
        before = _to_the_debrief(plan, economics.withdrawal, draws)
    else:
        key = repr(
            (plan["days"].tolist(), plan["factors"].tolist(), debrief_day, economics.withdrawal)
        )
        if key not in memo:
            if len(memo) >= 32:
                memo.clear()
            memo[key] = _to_the_debrief(plan, economics.withdrawal, draws)
        before = memo[key]
    rounds, exit_rel, outcome = before["rounds"], before["exit_rel"], before["outcome"]
    debriefed, approved = before["debriefed"], before["approved"]
    arrival, total = draws.arrival, draws.arrival.size
    ready = arrival + debrief_day + sched.offer_delay_days
    leave = arrival + days[-1] + before["last_wait"]  # when an approved candidate walks away
    # Dollars only matter for the approved (the others' come with the tables).
    chosen = np.flatnonzero(approved)
    prior, impact, outside = applicant_dollars(economics, draws, chosen)
    some = offer_parts(process, economics, prior, impact)
    parts = {k: np.full(total, np.nan) for k in some}
    for k, v in some.items():
        parts[k][chosen] = v
    value_ratio = np.full(total, np.nan)
    value_ratio[chosen] = np.log(some["yearly_value"] / outside)
    offers = _offers(draws, economics, approved, ready, leave, value_ratio)
    close, hire, offer_day, accepted, accept_p = offers
    exit_abs = arrival + exit_rel
    offered = np.isfinite(offer_day)
    exit_abs = np.where(offered, offer_day + sched.response_days, exit_abs)
    outcome = np.where(offered, np.where(accepted, HIRED, DECLINED), outcome)
    waiting = approved & ~offered
    outcome = np.where(waiting, WITHDREW, outcome)
    exit_abs = np.where(waiting, leave, exit_abs)
    # The requisition's close ends everything still under way.
    req_close = close[draws.req]
    kept = arrival <= req_close  # <=: with an instant schedule the hire arrives at the close
    open_end = exit_abs > req_close
    outcome = np.where(open_end & (outcome != HIRED), CLOSED, outcome)
    exit_abs = np.minimum(exit_abs, req_close)
    rounds = np.minimum(rounds, np.searchsorted(days, req_close - arrival, side="right"))
    debriefed = debriefed & (arrival + debrief_day <= req_close)  # (memo: never in place)
    per_round, debrief_cost = round_costs(process, economics)
    cumulative = np.concatenate([[0.0], np.cumsum(per_round)])
    cost = np.where(kept, cumulative[rounds] + debriefed * debrief_cost, 0.0)
    withdraw_day = np.where(outcome == WITHDREW, exit_abs - arrival, np.nan)
    not_offered = chosen[~offered[chosen]]
    for v in parts.values():
        v[not_offered] = np.nan
    return Flow(
        draws=draws,
        kept=kept,
        exit=exit_abs,
        outcome=outcome.astype(np.int8),
        rounds_held=rounds.astype(np.int8),
        debriefed=debriefed,
        offered=offered,
        offer_day=offer_day,
        accepted=accepted,
        accept_p=accept_p,
        withdraw_day=withdraw_day,
        offer=parts,
        interview_cost=cost,
        close=close,
        filled=hire >= 0,
        hire=hire,
    )


def _offers(
    draws: Draws,
    economics: Economics,
    approved: np.ndarray,
    ready: np.ndarray,
    leave: np.ndarray,
    value_ratio: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Offers, one requisition at a time in parallel: the best approved candidate waiting.

    An offer goes out when the previous one was answered and a candidate is ready
    (approved, offer prepared) and still there; among several, the committee's best.
    Vectorised over requisitions; the loop runs once per offer made in the busiest one.
    """
    sched, accept = economics.schedule, economics.acceptance
    n_req, total = draws.n_req, draws.arrival.size
    offer_day = np.full(total, np.nan)
    accepted = np.zeros(total, dtype=bool)
    accept_p = np.full(total, np.nan)
    close = np.full(n_req, sched.deadline_days)
    hire = np.full(n_req, -1, dtype=np.int64)
    idx = np.flatnonzero(approved)
    if idx.size == 0:
        return close, hire, offer_day, accepted, accept_p
    req = draws.req[idx]
    counts = np.bincount(req, minlength=n_req)
    width = int(counts.max())
    col = np.arange(idx.size) - np.repeat(np.cumsum(counts) - counts, counts)
    table = np.full((n_req, width), -1, dtype=np.int64)
    table[req, col] = idx
    valid = table >= 0
    pick = np.where(valid, table, 0)
    t_ready = np.where(valid, ready[pick], np.inf)
    t_leave = np.where(valid, leave[pick], -np.inf)
    score = np.where(valid, draws.score[pick], -np.inf)
    free = np.zeros(n_req)
    is_open = np.ones(n_req, dtype=bool)
    done = ~valid
    for _ in range(width):
        start = np.maximum(free[:, None], t_ready)
        usable = ~done & (t_leave > start)
        earliest = np.where(usable, t_ready, np.inf).min(axis=1)
        when = np.maximum(free, earliest)
        active = (
            is_open & np.isfinite(earliest) & (when + sched.response_days <= sched.deadline_days)
        )
        if not active.any():
            break
        rows = np.flatnonzero(active)
        at = when[rows, None]
        eligible = ~done[rows] & (t_ready[rows] <= at) & (t_leave[rows] > at)
        cols = np.argmax(np.where(eligible, score[rows], -np.inf), axis=1)
        who = table[rows, cols]
        done[rows, cols] = True
        day = when[rows]
        offer_day[who] = day
        logit = (
            accept.intercept
            + accept.value_slope * value_ratio[who]
            - accept.day_slope * (day - draws.arrival[who])
        )
        p = special.expit(logit)
        yes = draws.accept_u[who] < p
        accept_p[who], accepted[who] = p, yes
        answered = day + sched.response_days
        is_open[rows[yes]] = False
        close[rows[yes]] = answered[yes]
        hire[rows[yes]] = who[yes]
        free[rows] = answered
    return close, hire, offer_day, accepted, accept_p


def run_blocks(
    process: Process,
    economics: Economics,
    n: int,
    rng: RandomLike,
    *,
    chunk_size: int = 4 * BLOCK,
    workers: int = 1,
    step: Callable[[Draws], Any] | None = None,
) -> list[Any]:
    """Draw and flow every block of ``n`` requisitions, in order (same result for any chunking).

    ``step`` replaces :func:`flow` (e.g. ``lambda draws: draws`` keeps the draws).
    """
    check_count("n", n, 1)
    check_count("chunk_size", chunk_size, 1)
    check_count("workers", workers, 1)
    root = as_seed_sequence(rng)
    blocks = [(b, min(BLOCK, n - b * BLOCK)) for b in range(-(-n // BLOCK))]
    per_chunk = max(1, -(-chunk_size // BLOCK))
    chunks = [blocks[i : i + per_chunk] for i in range(0, len(blocks), per_chunk)]
    run = step or (lambda d: flow(process, economics, d))

    def one(chunk: list[tuple[int, int]]) -> list[Any]:
        return [run(draw_block(process, economics, root, b, m)) for b, m in chunk]

    if workers == 1 or len(chunks) == 1:
        return [f for chunk in chunks for f in one(chunk)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [f for part in pool.map(one, chunks) for f in part]


def expected_normal_order_stats(n: int) -> np.ndarray:
    """``E[Z_(g:n)]`` for g = 1..n, largest first (standard normal sample of ``n``).

    Examples
    --------
    >>> [round(float(v), 4) for v in expected_normal_order_stats(2)]
    [0.5642, -0.5642]
    """
    check_count("n", n, 1)
    z = np.linspace(-9.0, 9.0, 6001)
    dz = z[1] - z[0]
    cdf, pdf = stats.norm.cdf(z), stats.norm.pdf(z)
    g = np.arange(1, n + 1)[:, None]
    # Density of the g-th largest: n C(n-1, g-1) F^(n-g) (1-F)^(g-1) f, summed on the grid.
    log_c = np.log(n) + special.gammaln(n) - special.gammaln(g) - special.gammaln(n - g + 1)
    with np.errstate(divide="ignore"):
        log_f = log_c + special.xlogy(n - g, cdf) + special.xlog1py(g - 1, -cdf) + np.log(pdf)
    return (np.exp(log_f) * z).sum(axis=1) * dz
