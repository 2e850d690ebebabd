"""Sweeps on a Dask LocalCluster (two worker processes on 127.0.0.1), started and stopped here."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import run_cli

import sim

distributed = pytest.importorskip("dask.distributed")

SPEC_24 = {
    "grid": {
        "debrief.threshold": [6.8, 7.2, 7.6],
        "interviewers[hiring_manager].noise_sd": [0.5, 0.8],
        "rounds[2].interviewers": [["ml_engineering_lead"], ["ml_engineering_lead", "senior_pm"]],
        "debrief.rule": ["weighted_mean", "median"],
    }
}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A client of a two-process LocalCluster; every worker process is gone afterwards."""
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = distributed.Client(cluster)
    pids: set[int] = set()
    try:
        client.wait_for_workers(2, timeout=120)
        yield client
    finally:
        try:
            pids = set(client.run(os.getpid).values())
        finally:
            client.close()
            cluster.close()
        for pid in pids:  # closed above; make sure, by PID
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_serial_local_processes_and_dask_are_bitwise_identical(amex: sim.Process, client) -> None:
    serial = sim.sweep(amex, SPEC_24, n=10_000, rng=3)
    local = sim.sweep(amex, SPEC_24, n=10_000, rng=3, executor=2, cells_per_task=4)
    dask = sim.sweep(amex, SPEC_24, n=10_000, rng=3, executor=client)
    dask_one = sim.sweep(amex, SPEC_24, n=10_000, rng=3, executor=client, cells_per_task=1)
    for other in (local, dask, dask_one):
        assert np.array_equal(serial.totals, other.totals)
        pd.testing.assert_frame_equal(serial.frame, other.frame)


def test_a_killed_dask_worker_loses_no_cell(amex: sim.Process, client) -> None:
    expected = sim.sweep(amex, SPEC_24, n=40_000, rng=6)
    killed: list[int] = []

    def kill_one(finished: int, total: int) -> None:
        if finished >= 1 and not killed:
            pid = next(iter(client.run(os.getpid).values()))
            os.kill(pid, signal.SIGKILL)  # the nanny starts a new one; its tasks run again
            killed.append(pid)

    got = sim.sweep(
        amex, SPEC_24, n=40_000, rng=6, executor=client, cells_per_task=1, progress=kill_one
    )
    assert killed
    assert np.array_equal(got.totals, expected.totals)
    deadline = time.monotonic() + 60
    while len(client.scheduler_info()["workers"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)


def test_cli_scheduler_address(amex: sim.Process, client, tmp_path: Path) -> None:
    spec = tmp_path / "sweep.yaml"
    spec.write_text(yaml.safe_dump({"grid": {"debrief.threshold": [7.0, 7.4]}}))
    address = client.scheduler.address
    proc = run_cli("sweep", str(spec), "--process", "amex_ai_pm_2026", "--n", "5000",
                   "--seed", "2", "--scheduler", address, "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    cells = json.loads(proc.stdout)["cells"]
    expected = sim.sweep(amex, {"grid": {"debrief.threshold": [7.0, 7.4]}}, n=5000, rng=2)
    assert [c["precision"] for c in cells] == expected.frame["precision"].tolist()


def test_cli_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "sweep.yaml"
    spec.write_text(yaml.safe_dump({"grid": {"debrief.threshold": [7.0]}}))
    proc = run_cli("sweep", str(spec), "--process", "amex_ai_pm_2026", "--n", "500",
                   "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "out"))  # fmt: skip
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the Dask scheduler tcp://127.0.0.1:9" in lines[0]
    assert not (tmp_path / "out").exists()
