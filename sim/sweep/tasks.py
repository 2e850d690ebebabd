"""Tasks: batches of cells that travel to a worker, and the function a worker runs.

What travels is small and plain: the base process as plain data
(:mod:`sim.sweep.portable`, ~5 kB), each cell's ``(canonical path, value)``
changes, ``n``, and one :class:`numpy.random.SeedSequence` per group of cells;
never a Generator, never a built Process. What comes back is each cell's group
sums, ``(G, F)`` floats (~6 kB). Workers need ``sim`` installed, nothing else.

Cells whose ratings are made the same way (they differ only in the debrief,
cut points or seniority) form a *ratings group*: the worker simulates the
group's first cell (in spec order) once and re-runs the debrief of the others on
its ratings with :func:`sim.debrief.redecide`. Which cell is a group's first
does not depend on how cells are batched, so neither do the results.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import iter_chunks, redecide
from ..spec import Process
from .cells import Cell
from .memory import arrays_from_heap
from .paths import apply_assignments, parse_path
from .portable import fingerprint, from_data, to_data
from .stats import FIELDS, group_totals, n_groups

__all__ = ["GroupJob", "Task", "plan_tasks", "ratings_keys", "run_task", "stream_seed"]

#: Candidates per engine chunk in a worker (memory ~ 0.5 kB per candidate while it runs).
CHUNK = 131_072
#: Spawn-key tag of the streams of cells whose draws have another shape (see stream_seed).
_STREAM_TAG = 0x5357_4545


@dataclass(frozen=True)
class GroupJob:
    """Cells of one ratings group that a task computes.

    Attributes
    ----------
    seed : SeedSequence
        The group's stream (shared by every cell whose draws have the same shape).
    base : tuple of (str, object)
        Changes that make the group's first cell (whose ratings the others reuse).
    base_index : int
        That cell's index.
    cells : tuple of (int, tuple of (str, object))
        Index and changes of each cell to compute here.
    costs : tuple of (tuple of float or None)
        Each cell's interviewer dollars by stage (:func:`sim.sweep.stats.cost_by_stage`,
        R + 1 floats), or ``None`` without economics data; empty: ``None`` for all.
    """

    seed: np.random.SeedSequence
    base: tuple[tuple[str, Any], ...]
    base_index: int
    cells: tuple[tuple[int, tuple[tuple[str, Any], ...]], ...]
    costs: tuple[tuple[float, ...] | None, ...] = ()


@dataclass(frozen=True)
class Task:
    """A batch of cells for one worker call: plain data and SeedSequences only."""

    number: int
    process: Any
    n: int
    jobs: tuple[GroupJob, ...]

    @property
    def cells(self) -> list[int]:
        """Indices of the cells this task computes."""
        return [index for job in self.jobs for index, _ in job.cells]


# --------------------------------------------------------------------------- planning
def ratings_keys(processes: Sequence[Process]) -> list[str]:
    """What makes each process's ratings: equal keys can share them (:func:`sim.debrief.redecide`).

    Competencies and their framing effects, rounds, the interviewers' rating
    habits, the scale's range and spread, evidence minutes, pool and truth.
    Cells made with :func:`dataclasses.replace` share their unchanged parts, so
    each part is described once per object.
    """
    memo: dict[int, tuple[Any, str]] = {}

    def part(obj: Any, describe: Any) -> str:
        hit = memo.get(id(obj))
        if hit is None or hit[0] is not obj:
            hit = (obj, fingerprint(describe(obj)))
            memo[id(obj)] = hit
        return hit[1]

    keys = []
    for p in processes:
        scale = p.scale
        keys.append(
            "|".join(
                (
                    part(p.competencies, lambda cs: [(c.name, c.framing_effect) for c in cs]),
                    part(p.interviewers, _habits),
                    part(p.rounds, to_data),
                    fingerprint([scale.min, scale.max, scale.center, scale.points_per_sd]),
                    fingerprint(p.evidence_minutes),
                    part(p.pool, to_data),
                    part(p.truth, to_data),
                )
            )
        )
    return keys


def _habits(people: Sequence[Any]) -> list[Any]:
    return [(p.name, p.leniency, p.noise_sd, p.halo, p.framing_sensitivity) for p in people]


def draw_width(process: Process) -> int:
    """Standard normals the engine draws per applicant: levels, framing, seats, slots, truth."""
    seats = sum(len(r.interviewers) for r in process.rounds)
    slots = sum(len(r.interviewers) * len(r.competencies) for r in process.rounds)
    return len(process.competencies) + 1 + seats + slots + 1


def stream_seed(
    root: np.random.SeedSequence, process: Process, base_width: int
) -> np.random.SeedSequence:
    """The SeedSequence a cell simulates with (spawned here, on the client).

    The engine fills one row of normals per applicant; cells whose rows have the
    same width (the base process's, or any other) share every draw: the same
    applicants, framing, rating noise and true performance (common random
    numbers). A cell whose rows are wider or narrower (another panel size) cannot
    share them; it gets an independent stream, one per width, so the paired
    standard errors stay right (independent groups) instead of pairing
    re-shuffled numbers. The base width uses ``root`` itself, so an unchanged
    cell equals ``sim.simulate(process, n=n, rng=root)``.
    """
    width = draw_width(process)
    if width == base_width:
        return root
    key = (*root.spawn_key, _STREAM_TAG, width)
    return np.random.SeedSequence(root.entropy, spawn_key=key, pool_size=root.pool_size)


def plan_tasks(
    cells: Sequence[Cell],
    pending: set[int],
    process: Process,
    n: int,
    root: np.random.SeedSequence,
    cells_per_task: int,
    group_piece: int | None = None,
    keys: Sequence[str] | None = None,
    costs: Sequence[Any] | None = None,
) -> Iterator[Task]:
    """Batch the ``pending`` cells into tasks of about ``cells_per_task`` cells.

    A ratings group is cut into pieces of ``group_piece`` cells (default
    ``cells_per_task``), each simulated once; pieces of small groups share a
    task up to ``cells_per_task`` cells. Groups are formed over all ``cells``
    (finished ones included), so a resumed sweep reuses the ratings of the
    first run. The batching never changes a result. ``costs`` gives each cell's
    interviewer dollars by stage (by cell index; ``None``: no dollar figures).
    """
    data = to_data(process)
    base_width = draw_width(process)
    piece = group_piece or cells_per_task
    keys = keys if keys is not None else ratings_keys([cell.process for cell in cells])
    groups: dict[str, list[Cell]] = {}
    for cell, key in zip(cells, keys, strict=True):
        groups.setdefault(key, []).append(cell)
    jobs: list[GroupJob] = []
    size, number = 0, 0
    for members in groups.values():
        first = members[0]
        seed = stream_seed(root, first.process, base_width)
        todo = [(c.index, c.assignments) for c in members if c.index in pending]
        for start in range(0, len(todo), piece):
            take = tuple(todo[start : start + piece])
            if jobs and size + len(take) > cells_per_task:
                yield Task(number, data, n, tuple(jobs))
                jobs, size, number = [], 0, number + 1
            dollars = tuple(_plain(None if costs is None else costs[i]) for i, _ in take)
            jobs.append(GroupJob(seed, first.assignments, first.index, take, dollars))
            size += len(take)
    if jobs:
        yield Task(number, data, n, tuple(jobs))


def _plain(cost: Any) -> tuple[float, ...] | None:
    return None if cost is None else tuple(float(x) for x in cost)


# --------------------------------------------------------------------------- running
def run_task(task: Task) -> dict[str, Any]:
    """Compute a task's cells.

    Returns ``{"task", "cells", "totals" (c, G, F), "seconds", "cpu_seconds",
    "page_faults", "pid"}``: the wall and CPU seconds of the computing thread
    and its minor page faults (0 where the system does not count them per
    thread), for the benchmark's evidence.

    Call it with BLAS limited to one thread (see :func:`run_task_in_worker`), as
    the engine does, so every process computes the same bits.
    """
    start, cpu, faults = time.perf_counter(), time.thread_time(), _thread_page_faults()
    base = from_data(task.process)
    indices, totals = [], []
    for job in task.jobs:
        for index, sums in _run_group(base, job, task.n):
            indices.append(index)
            totals.append(sums)
    return {
        "task": task.number,
        "cells": indices,
        "totals": np.stack(totals),
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.thread_time() - cpu,
        "page_faults": _thread_page_faults() - faults,
        "pid": os.getpid(),
    }


def _thread_page_faults() -> int:
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_THREAD).ru_minflt)
    except (ImportError, AttributeError, OSError):
        return 0


def _run_group(base: Process, job: GroupJob, n: int) -> Iterator[tuple[int, np.ndarray]]:
    group_base = _build(base, job.base)
    processes = {
        index: group_base if index == job.base_index else _build(base, changes)
        for index, changes in job.cells
    }
    costs = dict(zip((index for index, _ in job.cells), job.costs, strict=False))
    dollars = {i: None if costs.get(i) is None else np.array(costs[i]) for i in processes}
    reuse = any(index != job.base_index for index in processes)
    sums = {index: np.zeros((n_groups(n), len(FIELDS))) for index in processes}
    chunks = iter_chunks(
        group_base, n=n, rng=job.seed, chunk_size=CHUNK, keep="all" if reuse else "decisions"
    )
    for chunk in chunks:
        for index, process in processes.items():
            outcome = chunk if index == job.base_index else redecide(chunk, process)
            sums[index] += group_totals(outcome, n, dollars[index])
    yield from sums.items()


def _build(base: Process, changes: tuple[tuple[str, Any], ...]) -> Process:
    if not changes:
        return base
    return apply_assignments(base, [(parse_path(path), value) for path, value in changes])


_BLAS_LOCK = threading.Lock()
_BLAS_LIMITED = False


def run_task_in_worker(task: Task) -> dict[str, Any]:
    """:func:`run_task` in a worker process: BLAS limited to one thread for good,
    large arrays served from mapped heap memory while it runs.

    Dask's nanny already starts workers with one BLAS thread; this makes sure
    of it elsewhere (once per process, so concurrent tasks never race on it).
    :func:`sim.sweep.memory.arrays_from_heap` undoes the cost of the nanny's
    ``MALLOC_TRIM_THRESHOLD_`` (a fresh ``mmap`` per array).
    """
    global _BLAS_LIMITED
    if not _BLAS_LIMITED:
        with _BLAS_LOCK:
            if not _BLAS_LIMITED:
                from threadpoolctl import threadpool_limits

                threadpool_limits(limits=1, user_api="blas")
                _BLAS_LIMITED = True
    with arrays_from_heap():
        return run_task(task)
