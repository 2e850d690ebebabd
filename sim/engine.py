"""Monte Carlo engine: candidates through the rounds and the debrief, vectorised.

Randomness is tied to fixed blocks of :data:`BLOCK` candidates, each with its
own child of one :class:`numpy.random.SeedSequence`; chunks are whole numbers
of blocks and may run on several threads. So a seed gives the same result for
any ``chunk_size`` and any number of ``workers``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

import numpy as np
from threadpoolctl import ThreadpoolController

from .debrief import N_DRAWS, decide, has_own_score
from .errors import check_int, fail
from .model import HIRE, HOLD, NO_HIRE
from .result import Result
from .spec import Pool, Process, Profile

__all__ = ["BLOCK", "RandomLike", "as_seed_sequence", "decide", "iter_chunks", "simulate"]

#: Candidates per random block (the unit that owns a random stream).
BLOCK = 32_768
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


@lru_cache(maxsize=1)
def _blas_controller() -> ThreadpoolController:
    # Inspecting the loaded BLAS libraries costs ~2 ms: do it once per process.
    return ThreadpoolController()


def _one_blas_thread() -> AbstractContextManager[object]:
    """BLAS limited to one thread while the engine runs (restored afterwards)."""
    return _blas_controller().limit(limits=1, user_api="blas")


def _block_generator(root: np.random.SeedSequence, block: int) -> np.random.Generator:
    # Child i of root without mutating root: same as root.spawn(...)[i] on a fresh root.
    child = np.random.SeedSequence(
        entropy=root.entropy, spawn_key=(*root.spawn_key, block), pool_size=root.pool_size
    )
    return np.random.Generator(np.random.PCG64(child))


class _Job:
    """Everything a chunk needs, and the preallocated outputs it writes into."""

    def __init__(
        self,
        process: Process,
        theta_table: np.ndarray | None,
        phi_table: np.ndarray | None,
        n_each: int,
        total: int,
        keep: str,
        root: np.random.SeedSequence,
        offset: int = 0,
    ) -> None:
        model = process.model
        self.model, self.root, self.keep, self.offset = model, root, keep, offset
        self.theta_table, self.phi_table, self.n_each = theta_table, phi_table, n_each
        self.is_pool = theta_table is None
        k, s, p = model.n_competencies, model.n_slots, model.n_seats
        self.width = (k + 1 if self.is_pool else 0) + p + s + 1
        self.noise_loading = model.noise_loading
        # One matmul per block gives every perceived score and performance:
        # draws (n, width) @ loading (width, S + 1), plus constants.
        if self.is_pool:
            chol_t = model.pool_chol.T
            loading = np.zeros((self.width, s + 1))
            loading[:k, :s] = chol_t @ model.A
            loading[:k, s] = chol_t @ model.truth_weights
            loading[k + 1 : k + 1 + p + s, :s] = self.noise_loading
            loading[-1, s] = model.truth_noise
            self.loading = loading
            self.constant = model.offset + model.pool_mean @ model.A
        else:
            loading = np.zeros((self.width, s + 1))
            loading[: p + s, :s] = self.noise_loading
            loading[-1, s] = model.truth_noise
            self.loading = loading
            self.profile_mean = model.perceived_mean(theta_table, phi_table)
            self.profile_truth = (theta_table - model.pool_mean) @ model.truth_weights
        pool = process.pool
        self.framing_mean, self.framing_sd = pool.framing_mean, pool.framing_sd
        self.stage = np.empty(total, dtype=np.int8)
        self.decision = np.empty(total, dtype=np.int8)
        self.aggregate = np.empty(total)
        # The rule's own score, where it is not the aggregate (median, discretion, ...).
        self.score = np.empty(total) if has_own_score(process) else None
        self.performance = np.empty(total)
        self.framing = np.empty(total)
        self.theta = np.empty((total, k)) if keep == "all" else None
        self.perceived = np.empty((total, s)) if keep == "all" else None
        self.debrief_draws = np.empty((total, N_DRAWS)) if keep == "all" else None

    def run(self, start: int, stop: int) -> int:
        """Simulate candidates ``start:stop`` (``start`` on a block boundary), block by block.

        Every array operation sees exactly one block, so results are bitwise
        identical whatever the chunking (BLAS results can depend on array shape).
        """
        for b0 in range(start, stop, BLOCK):
            self._block(b0, min(b0 + BLOCK, stop))
        return stop - start

    def _block(self, start: int, stop: int) -> None:
        m = self.model
        k, s = m.n_competencies, m.n_slots
        gen = _block_generator(self.root, (self.offset + start) // BLOCK)
        draws = gen.standard_normal((stop - start, self.width))
        # The debrief's own randomness, drawn after the ratings from the same block stream.
        debrief_draws = gen.standard_normal((stop - start, N_DRAWS))
        linear = draws @ self.loading
        perceived = linear[:, :s]
        if self.is_pool:
            phi = np.clip(self.framing_mean + self.framing_sd * draws[:, k], -1.0, 1.0)
            perceived += self.constant
            perceived += phi[:, None] * m.framing
            truth = linear[:, s]
        else:
            which = np.arange(self.offset + start, self.offset + stop) // self.n_each
            phi = self.phi_table[which]
            perceived += self.profile_mean[which]
            truth = linear[:, s] + self.profile_truth[which]
        if self.score is not None:
            stage, aggregate, decision, score = decide(
                m, perceived, debrief_draws, with_score=True
            )
            self.score[start:stop] = score
        else:
            stage, aggregate, decision = decide(m, perceived, debrief_draws)
        sl = slice(start, stop)
        self.stage[sl], self.aggregate[sl], self.decision[sl] = stage, aggregate, decision
        self.performance[sl], self.framing[sl] = truth, phi
        if self.theta is not None and self.perceived is not None:
            if self.is_pool:
                self.theta[sl] = m.pool_mean + draws[:, :k] @ m.pool_chol.T
            else:
                self.theta[sl] = self.theta_table[which]
            # Ratings from rounds after a candidate left are never made.
            perceived[m.slot_round[None, :] > stage[:, None]] = np.nan
            self.perceived[sl] = perceived
        if self.debrief_draws is not None:
            self.debrief_draws[sl] = debrief_draws


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
        ``"all"`` keeps true levels and every rating; ``"decisions"`` keeps only
        per-candidate outcomes (for very large runs).
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
    run = _Run.prepare(process, candidates, n, rng, chunk_size, workers, keep)
    job = run.job(0, run.total)
    # The matrix products are skinny (block x ~30): BLAS threads only contend with
    # each other and with our workers, so parallelism comes from workers alone.
    with _one_blas_thread():
        if workers == 1 or len(run.spans) == 1:
            for a, b in run.spans:
                done = job.run(a, b)
                if progress is not None:
                    progress(done)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for done in pool.map(lambda span: job.run(*span), run.spans):
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

    Memory is O(chunk_size * workers) for any ``n``: use it to stream very large
    runs to a file or into a :class:`~sim.result.SummaryAccumulator`. The chunks,
    concatenated, equal ``simulate(...)`` with the same arguments, bit for bit;
    each chunk's ``first_candidate`` gives its place.

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
    run = _Run.prepare(process, candidates, n, rng, chunk_size, workers, keep)

    def one(span: tuple[int, int]) -> Result:
        job = run.job(*span)
        with _one_blas_thread():
            job.run(0, span[1] - span[0])
        return run.result(job, first=span[0])

    if workers == 1:
        for span in run.spans:
            yield one(span)
        return
    # At most `workers` chunks in flight, yielded in order.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[Result]] = deque()
        for span in run.spans:
            pending.append(pool.submit(one, span))
            if len(pending) >= workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


@dataclass(frozen=True)
class _Run:
    """A validated simulation request, split into block-aligned spans."""

    process: Process
    profiles: tuple[Profile, ...] | None
    theta_table: np.ndarray | None
    phi_table: np.ndarray | None
    n_each: int
    total: int
    keep: str
    root: np.random.SeedSequence
    spans: list[tuple[int, int]]

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
    ) -> _Run:
        if not isinstance(process, Process):
            raise fail(
                "process", "must be a Process (see sim.load_process)", type(process).__name__
            )
        check_int("n", n, 1)
        check_int("chunk_size", chunk_size, 1)
        check_int("workers", workers, 1)
        if keep not in ("all", "decisions"):
            raise fail("keep", "must be 'all' or 'decisions'", keep)
        root = as_seed_sequence(rng)
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
            profiles = (candidates,) if isinstance(candidates, Profile) else tuple(candidates)
            if not profiles or not all(isinstance(p, Profile) for p in profiles):
                raise fail("candidates", "must be a Pool, a Profile or a list of Profiles")
            theta_table = np.array([p.theta(process) for p in profiles])
            phi_table = np.array([p.framing for p in profiles])
            total = n * len(profiles)
        step = max(1, -(-chunk_size // BLOCK)) * BLOCK
        spans = [(a, min(a + step, total)) for a in range(0, total, step)]
        return cls(process, profiles, theta_table, phi_table, n, total, keep, root, spans)

    def job(self, start: int, stop: int) -> _Job:
        """Outputs for candidates ``start:stop`` (``start`` on a block boundary)."""
        return _Job(
            self.process,
            self.theta_table,
            self.phi_table,
            self.n_each,
            stop - start,
            self.keep,
            self.root,
            offset=start,
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
            first_candidate=first,
            n_each=self.n_each if self.profiles is not None else None,
        )


# Re-exported for callers that decode decisions.
__all__ += ["HIRE", "HOLD", "NO_HIRE"]
