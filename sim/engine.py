"""Monte Carlo engine: candidates through the rounds and the debrief, vectorised.

Randomness is tied to fixed blocks of :data:`BLOCK` candidates, each with its
own child of one :class:`numpy.random.SeedSequence`; chunks are whole numbers
of blocks and may run on several threads. So a seed gives the same result for
any ``chunk_size`` and any number of ``workers``. :func:`redecide` re-runs the
debrief of stored ratings under another debrief (common random numbers).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from threadpoolctl import ThreadpoolController

from .errors import fail
from .heap import prefer_heap
from .model import HIRE, HOLD, NO_HIRE, competency_weight_vector, compile_model
from .result import Result
from .rules import N_DRAWS, debrief_plan, decide, has_own_score, run_debrief
from .rules.batched import batchable, weight_variant_decisions
from .rules.decide import funnel
from .spec import Pool, Process, Profile
from .validation import check_int, check_type

__all__ = [
    "BLOCK",
    "HIRE",
    "HOLD",
    "MAX_CANDIDATES",
    "NO_HIRE",
    "RandomLike",
    "as_seed_sequence",
    "decide",
    "iter_chunks",
    "redecide",
    "redecisions",
    "simulate",
]

#: Candidates per random block (the unit that owns a random stream).
BLOCK = 32_768
#: Most candidates one run may ask for (about a day of streaming on two cores).
MAX_CANDIDATES = 10**11
RandomLike = int | np.random.SeedSequence | np.random.Generator | None
Candidates = Pool | Profile | Sequence[Profile] | None


def as_seed_sequence(rng: RandomLike) -> np.random.SeedSequence:
    """Normalise ``rng`` (int, SeedSequence, Generator or None) to a SeedSequence.

    A Generator is consumed (one draw), so reusing it gives new results, as a
    generator should; an int or a SeedSequence always gives the same stream.
    """
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(int(rng.integers(2**63)))
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if rng is None or (isinstance(rng, int | np.integer) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise fail("rng", "a seed must be >= 0", rng)
        return np.random.SeedSequence(None if rng is None else int(rng))
    raise fail("rng", "must be an int, a SeedSequence, a Generator or None", rng)


# --------------------------------------------------------------------------- BLAS threads
@lru_cache(maxsize=1)
def _blas_controller() -> ThreadpoolController:
    # Inspecting the loaded BLAS libraries costs ~2 ms: do it once per process.
    return ThreadpoolController()


_blas_lock = threading.Lock()
_blas_users = 0
_blas_limiter: Any = None


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS limited to one thread while a run is in progress in this process.

    Entered only by the thread that starts a run (never by its workers), around
    the whole run: OpenBLAS's thread count is process-wide and changing it while
    another thread is inside a BLAS call does not reliably stick (measured here:
    a limit set in one worker and restored in another left the process at one
    thread). Runs started concurrently share one limit: the first to enter sets
    it, the last to leave restores exactly what was there before.
    """
    global _blas_users, _blas_limiter
    with _blas_lock:
        if _blas_users == 0:
            _blas_limiter = _blas_controller().limit(limits=1, user_api="blas")
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0:
                _blas_limiter.restore_original_limits()
                _blas_limiter = None


def order_dtype(n_speakers: int) -> type[np.integer]:
    """Smallest integer type that holds speaker indices (stored speaking orders)."""
    return np.int8 if n_speakers <= 127 else np.int16 if n_speakers <= 32767 else np.intp


def _block_generator(root: np.random.SeedSequence, block: int) -> np.random.Generator:
    # Child i of root without mutating root: same as root.spawn(...)[i] on a fresh root.
    child = np.random.SeedSequence(
        entropy=root.entropy, spawn_key=(*root.spawn_key, block), pool_size=root.pool_size
    )
    return np.random.Generator(np.random.PCG64(child))


# --------------------------------------------------------------------------- one job
class _Job:
    """Everything a chunk needs, and the preallocated outputs it writes into."""

    def __init__(self, run: _Run, start: int, stop: int) -> None:
        model = compile_model(run.process)
        self.model, self.root, self.offset = model, run.root, start
        self.theta_table, self.phi_table, self.n_each = run.theta_table, run.phi_table, run.n_each
        self.is_pool = run.theta_table is None
        k, s, p = model.n_competencies, model.n_slots, model.n_seats
        self.width = (k + 1 if self.is_pool else 0) + p + s + 1
        # One matmul per block gives every perceived score and performance:
        # draws (n, width) @ loading (width, S + 1), plus constants.
        loading = np.zeros((self.width, s + 1))
        if self.is_pool:
            chol_t = model.pool_chol.T
            loading[:k, :s] = chol_t @ model.A
            loading[:k, s] = chol_t @ model.truth_weights
            loading[k + 1 : k + 1 + p + s, :s] = model.noise_loading
            self.constant = model.offset + model.pool_mean @ model.A
        else:
            loading[: p + s, :s] = model.noise_loading
            self.profile_mean = model.perceived_mean(run.theta_table, run.phi_table)
            self.profile_truth = (run.theta_table - model.pool_mean) @ model.truth_weights
        loading[-1, s] = model.truth_noise
        self.loading = loading
        self.plan = debrief_plan(run.process)
        pool = run.process.pool
        self.framing_mean, self.framing_sd = pool.framing_mean, pool.framing_sd
        total, q = stop - start, self.plan.n_speakers
        self.stage = np.empty(total, dtype=np.int8)
        self.decision = np.empty(total, dtype=np.int8)
        self.aggregate = np.empty(total)
        # The rule's own score, where it is not the aggregate (median, discretion, ...).
        self.score = np.empty(total) if has_own_score(run.process) else None
        self.performance = np.empty(total)
        self.framing = np.empty(total)
        keep_all = run.keep == "all"
        self.theta = np.empty((total, k)) if keep_all else None
        self.perceived = np.empty((total, s)) if keep_all else None
        self.debrief_draws = np.empty((total, N_DRAWS)) if keep_all else None
        self.order = np.empty((total, q), dtype=order_dtype(q)) if keep_all else None
        self.views = (np.empty((total, q)), np.empty((total, q))) if keep_all else None

    def run(self, start: int = 0, stop: int | None = None) -> int:
        """Simulate the job's candidates ``start:stop`` (``start`` on a block boundary).

        Block by block: every array operation sees exactly one block, so results
        are bitwise identical whatever the chunking (BLAS results can depend on
        array shape).
        """
        stop = self.stage.size if stop is None else stop
        for b0 in range(start, stop, BLOCK):
            self._block(b0, min(b0 + BLOCK, stop))
        return stop - start

    def _draw(self, start: int, stop: int) -> tuple[np.ndarray, ...]:
        """Perceived scores (n, S), performance, framing, the draws and the block's candidates."""
        m = self.model
        k, s = m.n_competencies, m.n_slots
        gen = _block_generator(self.root, (self.offset + start) // BLOCK)
        draws = gen.standard_normal((stop - start, self.width))
        # The debrief's own randomness, drawn after the ratings from the same block stream.
        debrief_draws = gen.standard_normal((stop - start, N_DRAWS))
        linear = draws @ self.loading
        # The first addition writes a new, contiguous array (the same bits as adding in
        # place into `linear`'s strided columns, and every later pass runs ~2x faster).
        if self.is_pool:
            phi = np.clip(self.framing_mean + self.framing_sd * draws[:, k], -1.0, 1.0)
            perceived = np.add(linear[:, :s], self.constant)
            perceived += phi[:, None] * m.framing
            truth = linear[:, s]
            which = None
        else:
            which = np.arange(self.offset + start, self.offset + stop) // self.n_each
            phi = self.phi_table[which]
            perceived = np.add(linear[:, :s], self.profile_mean[which])
            truth = linear[:, s] + self.profile_truth[which]
        return perceived, truth, phi, draws, debrief_draws, which

    def _block(self, start: int, stop: int) -> None:
        m = self.model
        perceived, truth, phi, draws, debrief_draws, which = self._draw(start, stop)
        written = m.write(perceived)  # once, for the gates and the debrief
        stage = funnel(m, perceived, written=written)
        outcome = run_debrief(self.plan, perceived, debrief_draws, written=written)
        reached = stage == len(m.process.rounds)
        sl = slice(start, stop)
        self.stage[sl] = stage
        self.aggregate[sl] = np.where(reached, outcome.aggregate, np.nan)
        self.decision[sl] = np.where(reached, outcome.decision, NO_HIRE)
        if self.score is not None:
            self.score[sl] = np.where(reached, outcome.score, np.nan)
        self.performance[sl], self.framing[sl] = truth, phi
        if self.theta is None or self.perceived is None or self.views is None:
            return
        k = m.n_competencies
        self.theta[sl] = (
            m.pool_mean + draws[:, :k] @ m.pool_chol.T
            if which is None
            else self.theta_table[which]
        )
        # Ratings from rounds after a candidate left are never made.
        perceived[m.slot_round[None, :] > stage[:, None]] = np.nan
        self.perceived[sl] = perceived
        self.debrief_draws[sl] = debrief_draws
        self.order[sl] = outcome.order
        self.views[0][sl] = np.where(reached[:, None], outcome.written_view, np.nan)
        self.views[1][sl] = np.where(reached[:, None], outcome.spoken_view, np.nan)


# --------------------------------------------------------------------------- public
def simulate(
    process: Process,
    candidates: Candidates = None,
    *,
    n: int = 10_000,
    rng: RandomLike = None,
    chunk_size: int = 4 * BLOCK,
    workers: int = 1,
    keep: Literal["all", "decisions"] = "all",
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Simulate candidates through the process's rounds and debrief.

    Parameters
    ----------
    process : Process
    candidates : Pool, Profile or sequence of Profile, optional
        Whom to simulate; default ``process.pool``. With profiles, each profile
        is simulated ``n`` times (candidates ``i*n:(i+1)*n`` are profile ``i``).
    n : int
        Pool size, or replicates per profile.
    rng : int, SeedSequence, Generator or None
        The one source of randomness.
    chunk_size : int
        Candidates per task for progress reports and threads (rounded up to
        whole blocks of :data:`BLOCK`); working memory is O(BLOCK) per worker.
        Does not change the result.
    workers : int
        Threads. Does not change the result.
    keep : {"all", "decisions"}
        ``"all"`` keeps true levels, every rating and the speakers' views;
        ``"decisions"`` keeps only per-candidate outcomes (for very large runs).
    progress : callable, optional
        Called with the number of candidates finished after each chunk.

    Returns
    -------
    Result

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> a = sim.simulate(process, n=20_000, rng=1, chunk_size=8192)
    >>> b = sim.simulate(process, n=20_000, rng=1, chunk_size=100_000, workers=2)
    >>> bool((a.aggregate[a.reached] == b.aggregate[b.reached]).all())
    True
    """
    run = _Run.prepare(process, candidates, n, rng, chunk_size, workers, keep, in_memory=True)
    # The matrix products are skinny (block x ~30): BLAS threads only contend with
    # each other and with our workers, so parallelism comes from workers alone.
    with _one_blas_thread():
        job = _Job(run, 0, run.total)
        if workers == 1 or run.total <= run.step:
            for a, b in run.spans():
                done = job.run(a, b)
                if progress is not None:
                    progress(done)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for done in pool.map(lambda span: job.run(*span), run.spans()):
                    if progress is not None:
                        progress(done)
    return run.result(job)


def iter_chunks(
    process: Process,
    candidates: Candidates = None,
    *,
    n: int = 10_000,
    rng: RandomLike = None,
    chunk_size: int = 4 * BLOCK,
    workers: int = 1,
    keep: Literal["all", "decisions"] = "decisions",
) -> Iterator[Result]:
    """Simulate like :func:`simulate`, yielding one Result per chunk, in order.

    Memory is O(chunk_size * workers) for any ``n``, and chunks are made as they
    are needed: use it to stream very large runs to a file or into a
    :class:`~sim.result.SummaryAccumulator`. The chunks, concatenated, equal
    ``simulate(...)`` with the same arguments, bit for bit; each chunk's
    ``first_candidate`` gives its place.

    Examples
    --------
    >>> import sim
    >>> from sim.result import SummaryAccumulator
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> total = SummaryAccumulator(process)
    >>> for chunk in iter_chunks(process, n=100_000, rng=1, chunk_size=32_768):
    ...     _ = total.add(chunk)
    >>> whole = sim.simulate(process, n=100_000, rng=1).summary()
    >>> abs(total.summary()["validity"] - whole["validity"]) < 1e-9
    True
    """
    run = _Run.prepare(process, candidates, n, rng, chunk_size, workers, keep, in_memory=False)
    return _chunks(run, workers)


def _chunks(run: _Run, workers: int) -> Iterator[Result]:
    """The chunks of ``run``, made lazily, at most ``workers`` in flight, in order."""

    def one(span: tuple[int, int]) -> Result:
        job = _Job(run, *span)
        job.run()
        return run.result(job, first=span[0])

    with _one_blas_thread():
        if workers == 1:
            for span in run.spans():
                yield one(span)
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: deque[Future[Result]] = deque()
            for span in run.spans():
                pending.append(pool.submit(one, span))
                if len(pending) >= workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()


@dataclass(frozen=True)
class _Run:
    """A validated simulation request, split lazily into block-aligned spans."""

    process: Process
    profiles: tuple[Profile, ...] | None
    theta_table: np.ndarray | None
    phi_table: np.ndarray | None
    n_each: int
    total: int
    keep: str
    root: np.random.SeedSequence
    step: int

    @classmethod
    def prepare(
        cls,
        process: Process,
        candidates: Candidates,
        n: int,
        rng: RandomLike,
        chunk_size: int,
        workers: int,
        keep: str,
        *,
        in_memory: bool,
    ) -> _Run:
        check_type("process", process, Process, "see sim.load_process")
        check_int("n", n, 1, MAX_CANDIDATES)
        check_int("chunk_size", chunk_size, 1)
        check_int("workers", workers, 1, 1024)
        if keep not in ("all", "decisions"):
            raise fail("keep", "must be 'all' or 'decisions'", keep)
        root = as_seed_sequence(rng)
        prefer_heap()  # block arrays from mapped heap memory, not page faults (sim.heap)
        candidates = process.pool if candidates is None else candidates
        profiles: tuple[Profile, ...] | None = None
        theta_table = phi_table = None
        if isinstance(candidates, Pool):
            if candidates.competencies != process.competency_names:
                raise fail("candidates", "pool competencies differ from the process's")
            if candidates is not process.pool:
                process = replace(process, pool=candidates)
            total = n
        else:
            if isinstance(candidates, Profile):
                profiles = (candidates,)
            elif isinstance(candidates, Sequence) and not isinstance(candidates, str):
                profiles = tuple(candidates)
            if not profiles or not all(isinstance(p, Profile) for p in profiles):
                raise fail(
                    "candidates",
                    "must be a Pool, a Profile or a list of Profiles",
                    type(candidates).__name__,
                )
            theta_table = np.array([p.theta(process) for p in profiles])
            phi_table = np.array([p.framing for p in profiles])
            total = n * len(profiles)
            check_int("n * len(profiles)", total, 1, MAX_CANDIDATES)
        step = max(1, -(-min(chunk_size, MAX_CANDIDATES) // BLOCK)) * BLOCK
        run = cls(process, profiles, theta_table, phi_table, n, total, keep, root, step)
        if in_memory:
            run.check_memory()
        return run

    def spans(self) -> Iterator[tuple[int, int]]:
        """Block-aligned ``(start, stop)`` chunks, generated as they are needed."""
        for a in range(0, self.total, self.step):
            yield a, min(a + self.step, self.total)

    def check_memory(self) -> None:
        """Refuse an in-memory run larger than this machine's memory, before any work."""
        m = compile_model(self.process)
        per = 8 * 5 + 2
        if self.keep == "all":
            q = debrief_plan(self.process).n_speakers
            per += 8 * (m.n_competencies + m.n_slots + N_DRAWS + 2 * q) + q
        need = per * self.total
        try:
            have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):  # not every platform reports it
            return
        if need > have:
            raise fail(
                "n",
                f"needs about {need / 2**30:,.1f} GiB in memory (this machine has "
                f"{have / 2**30:,.1f} GiB): lower n, keep='decisions', or stream with "
                "sim.engine.iter_chunks",
                self.total,
            )

    def result(self, job: _Job, first: int = 0) -> Result:
        return Result(
            process=self.process,
            profiles=self.profiles,
            stage=job.stage,
            aggregate_z=job.aggregate,
            score_z=job.score,
            decision=job.decision,
            performance=job.performance,
            framing=job.framing,
            theta=job.theta,
            perceived=job.perceived,
            debrief_draws=job.debrief_draws,
            order=job.order,
            written_view=None if job.views is None else job.views[0],
            spoken_view=None if job.views is None else job.views[1],
            first_candidate=first,
            n_each=self.n_each if self.profiles is not None else None,
        )


# --------------------------------------------------------------------------- re-deciding
_RATING_FIELDS = ("leniency", "noise_sd", "halo", "framing_sensitivity")


def _check_same_ratings(old: Process, new: Process) -> None:
    """``new`` must produce ratings the same way as ``old`` (only the debrief may differ)."""
    issues = []
    if [(c.name, c.framing_effect) for c in old.competencies] != [
        (c.name, c.framing_effect) for c in new.competencies
    ]:
        issues.append("competencies")
    if old.rounds != new.rounds:
        issues.append("rounds")
    if old.interviewer_names != new.interviewer_names or any(
        getattr(a, f) != getattr(b, f)
        for a, b in zip(old.interviewers, new.interviewers, strict=True)
        for f in _RATING_FIELDS
    ):
        issues.append("interviewers")
    if (old.scale.center, old.scale.points_per_sd) != (new.scale.center, new.scale.points_per_sd):
        issues.append("scale")
    # The stored stages came from gates on what was written: the same writing, the same gates.
    writing = [
        (p.scale.min, p.scale.max, p.scale.step, p.debrief.aggregate == "latent")
        for p in (old, new)
    ]
    if any(r.gate is not None for r in old.rounds) and writing[0] != writing[1]:
        issues.append("debrief.aggregate")
    for name in ("evidence_minutes", "pool", "truth"):
        if getattr(old, name) != getattr(new, name):
            issues.append(name)
    if issues:
        raise fail(
            f"process.{issues[0]}",
            "differs from the simulated process; redecide re-uses its ratings, so only the "
            "debrief, cut points and seniority may change",
        )


def redecisions(result: Result, processes: Sequence[Process]) -> list[np.ndarray]:
    """The decisions (n,) of :func:`redecide` for each of several processes, and nothing else.

    The stored ratings of the candidates who reached the debrief are gathered once
    and each process's debrief runs on them; no Result is assembled. Processes
    that differ only in their debrief's competency weights are decided together
    when their rule allows (:func:`sim.rules.batched.weight_variant_decisions`).
    This is the fast path of analyses that try many debriefs on one pool
    (decision swing).

    Examples
    --------
    >>> import sim
    >>> from dataclasses import replace
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> base = sim.simulate(amex, n=2000, rng=1)
    >>> stricter = replace(amex, debrief=replace(amex.debrief, threshold=8.0))
    >>> same, strict = redecisions(base, [amex, stricter])
    >>> bool((same == base.decision).all() and (strict == redecide(base, stricter).decision).all())
    True
    """
    check_type("result", result, Result, "see sim.simulate")
    for i, process in enumerate(processes):
        check_type(f"processes[{i}]", process, Process, "see sim.load_process")
    perceived = result._require("perceived")
    draws = result.debrief_draws
    if draws is None:
        raise fail("result.debrief_draws", "missing: simulate with keep='all'")
    reached = result.reached
    ratings, debrief_draws = np.nan_to_num(perceived[reached]), draws[reached]
    written: dict[tuple, np.ndarray] = {}  # what is written depends on the scale alone

    def write(m: Any) -> np.ndarray:
        key = (m.on_scale, id(m.process.scale))  # the processes hold their scales alive
        if key not in written:
            written[key] = m.write(ratings)
        return written[key]

    def spread(decision: np.ndarray) -> np.ndarray:  # the debriefed rows into all n
        full = np.full(result.n, NO_HIRE, dtype=np.int8)
        full[reached] = decision
        return full

    out: list[np.ndarray] = [np.empty(0)] * len(processes)
    with _one_blas_thread():  # small products over (n, S): threads only contend
        for group in _weight_variants(processes):
            # A group shares everything _check_same_ratings reads: one check holds for all.
            _check_same_ratings(result.process, processes[group[0]])
            plan = debrief_plan(processes[group[0]])
            if len(group) > 1 and batchable(plan):
                weights = np.array([competency_weight_vector(processes[i]) for i in group])
                decided = weight_variant_decisions(plan, write(plan.model), debrief_draws, weights)
                for i, decision in zip(group, decided, strict=True):
                    out[i] = spread(decision)
                continue
            for i in group:
                written_i = write(compile_model(processes[i]))
                out[i] = spread(
                    run_debrief(processes[i], ratings, debrief_draws, written=written_i).decision
                )
    return out


def _weight_variants(processes: Sequence[Process]) -> list[list[int]]:
    """Indices of ``processes`` grouped by all but their debrief's competency weights.

    Two processes are in one group when every field but the debrief is equal (the
    same object, as ``dataclasses.replace`` leaves most of them) and their debriefs
    are equal apart from ``competency_weights``.
    """
    groups: list[list[int]] = []
    for i, process in enumerate(processes):
        for group in groups:
            if _same_but_weights(processes[group[0]], process):
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def _same_but_weights(a: Process, b: Process) -> bool:
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name != "debrief" and x is not y and x != y:
            return False
    return all(
        getattr(a.debrief, f.name) == getattr(b.debrief, f.name)
        for f in fields(a.debrief)
        if f.name != "competency_weights"
    )


def redecide(result: Result, process: Process) -> Result:
    """Re-run the debrief of ``process`` on the ratings stored in ``result``.

    No new random numbers are drawn: the same candidates, ratings and debrief
    draws meet a different debrief (weights, threshold, rule, anchoring,
    speaking order, protocol...), so differences are real sensitivity, not
    Monte Carlo noise (common random numbers).

    Parameters
    ----------
    result : Result
        Simulated with ``keep="all"``.
    process : Process
        Same competencies, rounds (and gates), interviewers' rating habits,
        scale centre and spread, pool and truth as ``result.process``.

    Returns
    -------
    Result

    Examples
    --------
    >>> import sim
    >>> from dataclasses import replace
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> base = sim.simulate(amex, n=2000, rng=1)
    >>> again = redecide(base, amex)
    >>> bool((again.decision == base.decision).all())
    True
    >>> stricter = replace(amex, debrief=replace(amex.debrief, threshold=8.0))
    >>> bool(redecide(base, stricter).hired.sum() <= base.hired.sum())
    True
    """
    check_type("result", result, Result, "see sim.simulate")
    check_type("process", process, Process, "see sim.load_process")
    perceived = result._require("perceived")
    draws = result.debrief_draws
    if draws is None:
        raise fail("result.debrief_draws", "missing: simulate with keep='all'")
    _check_same_ratings(result.process, process)
    reached = result.reached
    with _one_blas_thread():  # small products over (n, S): threads only contend
        outcome = run_debrief(process, np.nan_to_num(perceived[reached]), draws[reached])
    q = outcome.order.shape[1]

    def spread(values: np.ndarray, fill: float, dtype: Any = float) -> np.ndarray:
        out = np.full((result.n, *values.shape[1:]), fill, dtype=dtype)
        out[reached] = values
        return out

    return replace(
        result,
        process=process,
        aggregate_z=spread(outcome.aggregate, np.nan),
        score_z=spread(outcome.score, np.nan) if has_own_score(process) else None,
        decision=spread(outcome.decision, NO_HIRE, np.int8),
        order=spread(outcome.order, 0, order_dtype(q)),
        written_view=spread(outcome.written_view, np.nan),
        spoken_view=spread(outcome.spoken_view, np.nan),
    )
