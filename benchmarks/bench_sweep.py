"""Sweep speed on one machine and on Dask, measured side by side in one run.

Run:  python benchmarks/bench_sweep.py [--n 100000] [--workers 2]

Prints, for 64 cells of the reference process (amex_ai_pm_2026):
- a sweep of 64 rating designs (every cell a full simulation of N applicants):
  serial, on 2 local worker processes and on a Dask LocalCluster(2) (with the
  nanny's default environment, and without its MALLOC_TRIM_THRESHOLD_), with the
  speed-up over serial (target >= 1.7x with two workers on two cores) and
  whether the results are bitwise identical;
- a sweep of 64 debrief designs (one simulation, 63 re-decided debriefs), serial,
  against 64 separate simulations;
- Dask's overhead per cell: the workers' time not spent computing cells,
  (workers x wall - the tasks' own compute seconds) / cells, for the same sweep
  and for tiny cells sent one per task (target <= 50 ms);
- the client's resident memory during a 1,024-cell Dask sweep (target: flat).
Start-up of the pools is timed apart; sweeps run on warm pools, best of a few.
The machine is shared: the plain-numpy speed-up printed first says what two
processes can get at that moment, and the sweep's speed-up is also given against it.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import sim
from sim.sweep import DaskExecutor, LocalProcesses
from sim.sweep.tasks import plan_tasks

RATINGS = {
    "grid": {
        "interviewers[hiring_manager].noise_sd": [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1],
        "interviewers[senior_pm].halo": [0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6],
    }
}
DEBRIEF = {
    "grid": {
        "debrief.threshold": [6.6, 6.8, 7.0, 7.2, 7.4, 7.6, 7.8, 8.0],
        "debrief.competency_weights.technical_depth": [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0],
    }
}


def rss_mb() -> float:
    """Resident memory of this process now (VmRSS), MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _draws(seed: int) -> float:
    """Engine-like work for the calibration: 40 blocks of normals times a loading matrix."""
    rng = np.random.default_rng(seed)
    loading = rng.standard_normal((30, 16))
    total = 0.0
    for _ in range(40):
        total += float((rng.standard_normal((32_768, 30)) @ loading).sum())
    return total


def machine_speedup(workers: int) -> float:
    """What the machine gives now: the same CPU-bound numpy work on 1 and on ``workers``
    processes (other sessions share the cores, so this can be far below ``workers``)."""
    from concurrent.futures import ProcessPoolExecutor

    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, "blas"):
        one, _ = best_of(lambda: [_draws(i) for i in range(2 * workers)], 2)
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_draws, range(workers)))
        many, _ = best_of(lambda: list(pool.map(_draws, range(2 * workers))), 2)
    return one / many


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def dask_sweep(
    process: sim.Process, spec: dict[str, Any], n: int, workers: int, repeat: int, *, trim: bool
) -> tuple[float, Any, float, tuple[Any, Any]]:
    """Best time of the sweep on a LocalCluster, its result, the cluster's start-up time and
    (cluster, client); closed unless ``trim`` is False (that one is kept for what follows).

    Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's
    adaptive mmap threshold: every large numpy array is mapped and faulted in afresh.
    """
    import dask
    from dask.distributed import Client, LocalCluster

    key = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
    settings = {} if trim else {key: None}
    start = time.perf_counter()
    with dask.config.set(settings):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    client = Client(cluster)
    sim.sweep(process, {"grid": {"debrief.threshold": [7.2]}}, n=1000, rng=1, executor=client)
    started = time.perf_counter() - start
    seconds, result = best_of(
        lambda: sim.sweep(process, spec, n=n, rng=1, executor=client), repeat
    )
    if trim:
        client.close()
        cluster.close()
    return seconds, result, started, (cluster, client)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="applicants per cell")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    process = sim.load_process("amex_ai_pm_2026")
    n, w, rep = args.n, args.workers, args.repeat
    print(f"{os.cpu_count()} cores; {n:,} applicants per cell; shared machine: figures vary")
    calibration = machine_speedup(w)
    print(f"the machine's own speed-up now, plain numpy work on {w} processes: {calibration:.2f}x")

    t_serial, serial = best_of(lambda: sim.sweep(process, RATINGS, n=n, rng=1), rep)

    start = time.perf_counter()
    pool = LocalProcesses(w)
    sim.sweep(process, {"grid": {"debrief.threshold": [7.2] * 1}}, n=1000, rng=1, executor=pool)
    t_pool_start = time.perf_counter() - start
    t_local, local = best_of(lambda: sim.sweep(process, RATINGS, n=n, rng=1, executor=pool), rep)
    pool.close()

    t_default, default, _, _ = dask_sweep(process, RATINGS, n, w, rep, trim=True)
    t_dask, dask, t_cluster_start, (cluster, client) = dask_sweep(
        process, RATINGS, n, w, rep, trim=False
    )
    same = all(np.array_equal(serial.totals, r.totals) for r in (local, default, dask))
    cells = len(serial.cells)
    print(f"\n{cells} rating designs x {n:,} applicants (each cell a full simulation):")
    print(f"  {'serial':<38} {t_serial:7.2f} s   1.00x")
    print(f"  {f'{w} local processes':<38} {t_local:7.2f} s   {t_serial / t_local:.2f}x"
          f"   (pool start {t_pool_start:.2f} s, apart)")  # fmt: skip
    print(f"  {f'Dask LocalCluster({w}), default nanny':<38} {t_default:7.2f} s   "
          f"{t_serial / t_default:.2f}x")  # fmt: skip
    print(f"  {f'Dask LocalCluster({w}), no malloc trim':<38} {t_dask:7.2f} s   "
          f"{t_serial / t_dask:.2f}x   (start {t_cluster_start:.2f} s, apart)")  # fmt: skip
    print(f"  bitwise identical across the four: {same}")
    local_eff, dask_eff = t_serial / t_local / calibration, t_serial / t_dask / calibration
    print(f"  speed-up over the machine's own {calibration:.2f}x: local {local_eff:.0%}, "
          f"Dask {dask_eff:.0%}")  # fmt: skip

    t_debrief, _ = best_of(lambda: sim.sweep(process, DEBRIEF, n=n, rng=1), rep)
    cells_d = sim.sweep.parse_spec(DEBRIEF).cells(process)
    start = time.perf_counter()
    for cell in cells_d:
        sim.simulate(cell.process, n=n, rng=1, keep="decisions")
    t_separate = time.perf_counter() - start
    print(f"\n{len(cells_d)} debrief designs x {n:,} applicants, serial:")
    print(f"  sim.sweep (one simulation, re-decided)  {t_debrief:7.2f} s")
    print(f"  64 separate sim.simulate calls          {t_separate:7.2f} s"
          f"   ({t_separate / t_debrief:.1f}x slower)")  # fmt: skip

    tiny_spec = {
        "grid": {"interviewers[hiring_manager].noise_sd": list(np.linspace(0.4, 1.1, 64))}
    }
    backend = DaskExecutor(client)
    print("\nDask overhead per cell: worker time not spent computing, (workers x wall - sum of")
    print("the tasks' own compute seconds) / cells (target <= 50 ms):")
    for label, spec, size, per_task in (
        (f"64 x {n:,} applicants, 8 cells per task", RATINGS, n, 8),
        ("64 x 1,000 applicants, one cell per task", tiny_spec, 1_000, 1),
    ):
        cells = sim.sweep.parse_spec(spec).cells(process)
        tasks = list(
            plan_tasks(cells, set(range(64)), process, size, np.random.SeedSequence(1), per_task)
        )
        start = time.perf_counter()
        compute = sum(out["seconds"] for _, out in backend.run(tasks))
        wall = time.perf_counter() - start
        print(f"  {label:<42} {(w * wall - compute) / 64 * 1000:7.1f} ms   (wall {wall:.2f} s)")

    many = {
        "grid": {
            "debrief.threshold": list(np.round(np.linspace(6.5, 8.0, 16), 3)),
            "interviewers[hiring_manager].noise_sd": list(np.linspace(0.4, 1.1, 64)),
        }
    }
    samples: list[tuple[int, float]] = []

    def sample(finished: int, total: int) -> None:
        samples.append((finished, rss_mb()))

    start = time.perf_counter()
    sim.sweep(process, many, n=2_000, rng=1, executor=client, cells_per_task=16, progress=sample)
    t_many = time.perf_counter() - start
    total = samples[-1][0]
    picks = [samples[0]] + [
        next(s for s in samples if s[0] >= total * q) for q in (0.25, 0.5, 0.75, 1.0)
    ]
    print(f"\nClient memory during a {total:,}-cell Dask sweep ({t_many:.1f} s), MB:")
    print("  " + "   ".join(f"{done:>5} cells {mb:6.1f}" for done, mb in picks))
    print(f"  growth start -> end: {picks[-1][1] - picks[0][1]:+.1f} MB")
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
