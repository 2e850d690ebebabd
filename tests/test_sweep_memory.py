"""A worker's allocator while it computes cells, and sim.sweep.local_cluster's workers."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from sim.sweep.memory import malloc_tunable

pytestmark = pytest.mark.skipif(not malloc_tunable(), reason="glibc's mallopt is needed")

# Allocate and free a 3.2 MB array 200 times and count the minor page faults, in a process
# started with Dask's MALLOC_TRIM_THRESHOLD_: outside arrays_from_heap every array is a fresh
# mmap (782 faults each: 4 kB pages; numpy asks for huge pages only from 4 MB on), inside it
# the heap keeps the pages mapped.
FAULTS = textwrap.dedent(
    """
    import resource
    import numpy as np
    from sim.sweep.memory import arrays_from_heap

    def faults():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(200):
            np.ones(400_000).sum()
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

    outside = faults()
    with arrays_from_heap():
        inside = faults()
    after = faults()
    print(outside, inside, after)
    """
)


def test_arrays_from_heap_stops_the_page_faults_of_dasks_malloc_setting() -> None:
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    proc = subprocess.run(
        [sys.executable, "-c", FAULTS], env=env, capture_output=True, text=True, check=True
    )
    outside, inside, after = map(int, proc.stdout.split())
    pages = 200 * 400_000 * 8 // 4096  # every page of every array faulted in afresh
    assert outside > 0.8 * pages
    assert inside < 0.2 * pages  # the first array's pages, then reused
    assert after > 0.8 * pages  # the environment's setting is back once the task is done


def test_local_cluster_workers_have_no_malloc_trim_and_no_profiler() -> None:
    distributed = pytest.importorskip("dask.distributed")
    import dask

    from sim.sweep import local_cluster

    before = dict(os.environ)

    def settings() -> tuple[str | None, bool, str | None]:
        return (
            os.environ.get("MALLOC_TRIM_THRESHOLD_"),
            dask.config.get("distributed.worker.profile.enabled"),
            os.environ.get("OMP_NUM_THREADS"),
        )

    cluster = local_cluster(1)
    try:
        with distributed.Client(cluster) as client:
            pids = set(client.run(os.getpid).values())
            assert list(client.run(settings).values()) == [(None, False, "1")]
    finally:
        cluster.close()
    assert dict(os.environ) == before  # the nanny wrote into this process's environment
    import psutil

    for pid in pids:  # closed above; make sure, by PID (only our own child)
        with contextlib.suppress(psutil.NoSuchProcess):
            if psutil.Process(pid).ppid() == os.getpid():
                os.kill(pid, signal.SIGKILL)
