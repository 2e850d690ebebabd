"""How a worker process allocates while it computes cells, and a LocalCluster set up for it.

A cell's engine allocates arrays of ``n x width`` floats (100,000 applicants of
the reference process: 25 MB each) and frees them again, chunk after chunk.
glibc's ``malloc`` serves such blocks from ``mmap`` at first and, once one is
freed, raises its *mmap threshold* (up to 32 MiB) so the next ones reuse heap
memory that is already mapped. Setting ``MALLOC_TRIM_THRESHOLD_`` in the
environment turns that adaptation off, and Dask's nanny sets it (to 65,536) in
every worker it starts: every array is then a fresh ``mmap`` whose pages fault
in one by one and are unmapped again on free. Measured here (one thread, 8
cells of 100,000 applicants): 54,000 page faults and 180 ms of system time per
cell instead of 13,000 and 50 ms, the cell's CPU time 2x. Dask's statistical
profiler (a stack sample of every running task every 10 ms) costs another ~30
ms of CPU per cell in the worker's event-loop thread.

:func:`arrays_from_heap` fixes the allocation in the worker itself, whatever
cluster it belongs to: while a task runs, the mmap threshold is 32 MiB and the
trim threshold 64 MiB; afterwards both are set back to what the environment
asks for and, if the environment asked for trimming, the freed memory is
returned to the system (``malloc_trim``), so Dask's memory monitor sees what it
expects between tasks. Memory settings never change a number a cell computes.
:func:`local_cluster` starts a ``LocalCluster`` without the nanny's malloc
setting and without the profiler.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..heap import ENGINE_MMAP as _TASK_MMAP
from ..heap import ENGINE_TRIM as _TASK_TRIM
from ..heap import M_MMAP_THRESHOLD as _M_MMAP_THRESHOLD
from ..heap import M_TRIM_THRESHOLD as _M_TRIM_THRESHOLD
from ..heap import glibc as _glibc

__all__ = ["arrays_from_heap", "local_cluster", "malloc_tunable"]

#: glibc's defaults, for an environment that sets neither.
_DEFAULT_MMAP, _DEFAULT_TRIM = 128 * 1024, 128 * 1024


def malloc_tunable() -> bool:
    """Whether this process's allocator can be tuned (glibc).

    Examples
    --------
    >>> isinstance(malloc_tunable(), bool)
    True
    """
    return _glibc() is not None


def _from_environment(name: str, default: int) -> int:
    try:
        return int(os.environ[name])
    except (KeyError, ValueError):
        return default


@contextmanager
def arrays_from_heap() -> Iterator[None]:
    """Serve a task's large arrays from heap memory already mapped, then restore the settings.

    Only the worker's allocator changes (process-wide, so concurrent tasks of
    other kinds in a multi-threaded worker see it too while it lasts); does
    nothing where the C library is not glibc.

    Examples
    --------
    >>> import numpy as np
    >>> with arrays_from_heap():
    ...     float(np.ones((1000, 1000)).sum())
    1000000.0
    """
    libc = _glibc()
    if libc is None:
        yield
        return
    libc.mallopt(_M_MMAP_THRESHOLD, _TASK_MMAP)
    libc.mallopt(_M_TRIM_THRESHOLD, _TASK_TRIM)
    try:
        yield
    finally:
        trim = "MALLOC_TRIM_THRESHOLD_" in os.environ
        libc.mallopt(_M_MMAP_THRESHOLD, _from_environment("MALLOC_MMAP_THRESHOLD_", _DEFAULT_MMAP))
        libc.mallopt(_M_TRIM_THRESHOLD, _from_environment("MALLOC_TRIM_THRESHOLD_", _DEFAULT_TRIM))
        if trim:
            libc.malloc_trim(0)


def local_cluster(workers: int = 2, **kwargs: Any) -> Any:
    """A ``dask.distributed.LocalCluster`` of one-thread worker processes set up for sweeps.

    Its workers start without the nanny's ``MALLOC_TRIM_THRESHOLD_`` (even if an
    earlier cluster of this process left it in ``os.environ``: the nanny writes
    its settings into the parent's environment) and without Dask's statistical
    profiler; BLAS and OpenMP keep one thread (the nanny's default). Bound to
    127.0.0.1, no dashboard. Close it (``cluster.close()``) when done.

    Parameters
    ----------
    workers : int
        Worker processes.
    **kwargs
        Passed to ``LocalCluster`` (they override the settings above).
    """
    import dask
    from dask.distributed import LocalCluster

    options: dict[str, Any] = {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
        **kwargs,
    }
    config = {
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
        "distributed.worker.profile.enabled": False,
    }
    before = dict(os.environ)
    os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    try:
        with dask.config.set(config):
            cluster = LocalCluster(**options)
    finally:
        for name in set(os.environ) - set(before):
            del os.environ[name]
        for name, value in before.items():
            if os.environ.get(name) != value:
                os.environ[name] = value
    return cluster
