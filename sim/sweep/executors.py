"""Where a sweep's tasks run: here, in local worker processes, or on a Dask cluster.

Each backend runs a stream of tasks and yields ``(task, output)`` as tasks
finish, in any order, with a bounded number in flight (twice the worker slots),
so the client's memory and the scheduler's queue stay small whatever the number
of cells. Every backend runs the same function on the same plain data, with
BLAS on one thread, so results are bitwise identical across backends.

- :class:`Serial`: in this process.
- :class:`LocalProcesses`: a pool of ``workers`` processes (``forkserver``: no
  fork of a threaded client); a killed worker breaks the pool, which is rebuilt
  and the unfinished tasks resubmitted.
- :class:`DaskExecutor`: a ``dask.distributed.Client`` (or a scheduler address).
  Tasks are submitted with ``pure=False``; the scheduler recomputes the tasks of a
  worker it loses. Each task undoes the nanny's ``MALLOC_TRIM_THRESHOLD_`` while it
  runs (:func:`sim.sweep.memory.arrays_from_heap`: otherwise a cell costs twice the
  CPU); :func:`sim.sweep.memory.local_cluster` starts a LocalCluster set up for sweeps.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager
from typing import Any

from ..errors import fail
from ..validation import check_int
from .tasks import Task, run_task, run_task_in_worker

__all__ = ["DaskExecutor", "LocalProcesses", "Serial", "as_backend"]

Output = dict[str, Any]


class Serial:
    """Run every task in this process, one after the other (BLAS on one thread meanwhile)."""

    workers = 1

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, Output]]:
        """Yield ``(task, output)`` for each task, in order."""
        for task in tasks:
            with _one_blas_thread():
                output = run_task(task)
            yield task, output

    def close(self, *, cancel: bool = False) -> None:
        """Nothing to release."""


def _one_blas_thread() -> AbstractContextManager[Any]:
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


class LocalProcesses:
    """A pool of worker processes on this machine.

    Parameters
    ----------
    workers : int
        Number of processes.
    max_restarts : int
        How many times a broken pool (a worker killed by a signal or the
        out-of-memory killer) is rebuilt without a task finishing in between.
    """

    def __init__(self, workers: int = 2, max_restarts: int = 3) -> None:
        self.workers = check_int("workers", workers, 1)
        self.max_restarts = check_int("max_restarts", max_restarts, 0)
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        # The fork server imports the worker module once; each worker forks from it.
        context.set_forkserver_preload(["sim.sweep.tasks"])
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    def pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring; empty before the first task)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return [p.pid for p in processes.values() if p.is_alive()]

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, Output]]:
        """Yield ``(task, output)`` as tasks finish; rebuild the pool if a worker dies."""
        pool = self._pool or self._start()
        source = iter(tasks)
        retry: list[Task] = []
        running: dict[Future[Output], Task] = {}
        restarts = 0
        while True:
            while len(running) < 2 * self.workers:
                task = retry.pop() if retry else next(source, None)
                if task is None:
                    break
                running[pool.submit(run_task_in_worker, task)] = task
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                task = running.pop(future)
                try:
                    output = future.result()
                except BrokenProcessPool:
                    retry.append(task)
                    broken = True
                    continue
                restarts = 0
                yield task, output
            if broken:
                restarts += 1
                if restarts > self.max_restarts:
                    raise RuntimeError(
                        f"local workers died {restarts} times in a row; last at task "
                        f"{retry[-1].number}"
                    )
                retry.extend(running.values())
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = self._start()

    def close(self, *, cancel: bool = False) -> None:
        """Stop the workers (at once with ``cancel``: running tasks are abandoned)."""
        if self._pool is None:
            return
        if cancel:
            for pid_process in (getattr(self._pool, "_processes", None) or {}).values():
                pid_process.terminate()
        self._pool.shutdown(wait=not cancel, cancel_futures=True)
        self._pool = None


class DaskExecutor:
    """Run tasks on a Dask cluster through a ``dask.distributed.Client``.

    Parameters
    ----------
    client : dask.distributed.Client or str
        A client, or a scheduler address (``tcp://host:8786``) to connect to;
        a client made here is closed by :meth:`close`.
    timeout : str
        How long to try to reach a scheduler given by address.
    """

    def __init__(self, client: Any, timeout: str = "10s") -> None:
        from dask.distributed import Client

        self._owned = isinstance(client, str)
        self.client = Client(client, timeout=timeout) if isinstance(client, str) else client
        if not isinstance(self.client, Client):
            raise fail("executor", "must be a dask.distributed.Client", type(client).__name__)

    @property
    def workers(self) -> int:
        """Worker threads in the cluster now (at least 1)."""
        return max(1, sum(self.client.nthreads().values()))

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, Output]]:
        """Yield ``(task, output)`` as tasks finish, ``2 * workers`` in flight."""
        from dask.distributed import as_completed

        source = iter(tasks)
        running: dict[str, Task] = {}
        queue = as_completed()
        self._futures = queue

        def submit() -> bool:
            task = next(source, None)
            if task is None:
                return False
            future = self.client.submit(run_task_in_worker, task, pure=False)
            running[future.key] = task
            queue.add(future)
            return True

        for _ in range(2 * self.workers):
            if not submit():
                break
        for future in queue:
            task = running.pop(future.key)
            try:
                output = future.result()
            except Exception as exc:
                if type(exc).__name__ == "KilledWorker":  # the scheduler gave up on the task
                    raise RuntimeError(
                        f"task {task.number} (cells {task.cells[0]}..{task.cells[-1]}) killed "
                        "every worker that ran it; is their memory big enough?"
                    ) from exc
                if isinstance(exc, ImportError):
                    raise RuntimeError(
                        f"a Dask worker cannot import {exc.name or 'a module'}: install "
                        "hiring-committee-sim (the client's version) on every worker"
                    ) from exc
                raise
            future.release()
            submit()
            yield task, output

    def close(self, *, cancel: bool = False) -> None:
        """Cancel what is still running (with ``cancel``); close a client made here."""
        queue = getattr(self, "_futures", None)
        if cancel and queue is not None:
            self.client.cancel(list(queue.futures))
        if self._owned:
            self.client.close()


def as_backend(executor: Any) -> tuple[Any, bool]:
    """``(backend, owned)`` for an ``executor`` argument of :func:`sim.sweep`.

    ``None`` or ``"serial"``: :class:`Serial`; an int ``K``: ``K`` local
    processes (1 is serial); a backend of this module; a Dask ``Client``; a
    scheduler address string (``"tcp://..."``). ``owned`` says whether the
    sweep made it, and so closes it.
    """
    if executor is None or executor == "serial":
        return Serial(), True
    if isinstance(executor, int) and not isinstance(executor, bool):
        workers = check_int("executor", executor, 1)
        return (Serial() if workers == 1 else LocalProcesses(workers)), True
    if isinstance(executor, Serial | LocalProcesses | DaskExecutor):
        return executor, False
    if isinstance(executor, str) and "://" in executor:
        return DaskExecutor(executor), True
    if isinstance(executor, Executor):
        raise fail(
            "executor",
            "a concurrent.futures executor cannot recover a lost worker; pass the number "
            "of local processes (an int) or sim.sweep.LocalProcesses(workers)",
            type(executor).__name__,
        )
    if type(executor).__module__.startswith("distributed"):
        return DaskExecutor(executor), False
    raise fail(
        "executor",
        "must be None, a number of local processes, a dask.distributed.Client or a "
        "scheduler address",
        executor,
    )
