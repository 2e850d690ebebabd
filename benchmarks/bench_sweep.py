"""Sweep speed on one machine and on Dask, measured side by side in one run.

Run:  python benchmarks/bench_sweep.py [--n 100000] [--workers 2]

Prints, for 64 cells of the reference process (amex_ai_pm_2026):
- a sweep of 64 rating designs (every cell a full simulation of N applicants):
  serial, on 2 local worker processes, on a Dask LocalCluster(2) as Dask makes
  it (the nanny's MALLOC_TRIM_THRESHOLD_=65536 and the profiler), its tasks run
  without and with sim.sweep.memory.arrays_from_heap, and on
  sim.sweep.local_cluster(2), taking turns in each round (best round kept);
  with the speed-up over serial (target >= 1.7x with two workers on two
  cores), whether the results are bitwise identical, and the
  evidence per cell: the tasks' own wall and CPU seconds and page faults, and
  the Dask workers' CPU outside the tasks;
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
from sim.sweep import DaskExecutor, LocalProcesses, Serial
from sim.sweep.memory import local_cluster
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


class Recording:
    """Mixin for a backend: keeps the outputs of the tasks of the last sweep it ran."""

    outputs: list[dict[str, Any]]

    def run(self, tasks: Any) -> Any:
        self.outputs = []
        for task, output in super().run(tasks):  # type: ignore[misc]
            self.outputs.append(output)
            yield task, output


class RecordedSerial(Recording, Serial):
    pass


class RecordedLocal(Recording, LocalProcesses):
    pass


class RecordedDask(Recording, DaskExecutor):
    pass


def _worker_cpu() -> float:
    """CPU seconds of this whole worker process so far (every thread)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _malloc_fix(enabled: bool) -> None:
    """In a worker: switch sim.sweep.tasks' allocation fix off (the code before it) or on."""
    import contextlib

    import sim.sweep.memory
    import sim.sweep.tasks

    fix = sim.sweep.memory.arrays_from_heap if enabled else contextlib.nullcontext
    sim.sweep.tasks.arrays_from_heap = fix  # type: ignore[attr-defined]


def _worker_env() -> str:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_", "unset")


def timed_once(process: sim.Process, spec: dict[str, Any], n: int, backend: Any) -> dict[str, Any]:
    """One sweep on ``backend``: wall time, result, the per-cell figures of its tasks and, on
    Dask, the workers' CPU spent outside tasks per cell."""
    client = getattr(backend, "client", None)
    cpu0 = sum(client.run(_worker_cpu).values()) if client else 0.0
    start = time.perf_counter()
    result = sim.sweep(process, spec, n=n, rng=1, executor=backend)
    seconds = time.perf_counter() - start
    cpu1 = sum(client.run(_worker_cpu).values()) if client else 0.0
    outs, cells = backend.outputs, len(result.cells)
    task_cpu = sum(o["cpu_seconds"] for o in outs)
    return {
        "seconds": seconds,
        "result": result,
        "load": os.getloadavg()[0],
        "task_wall": sum(o["seconds"] for o in outs) / cells,
        "task_cpu": task_cpu / cells,
        "faults": sum(o["page_faults"] for o in outs) / cells,
        "other_cpu": (cpu1 - cpu0 - task_cpu) / cells if client else float("nan"),
    }


def ratings_sweeps(process: sim.Process, n: int, w: int, rep: int) -> tuple[Any, Any]:
    """The 64 rating designs on every backend, the backends taking turns in each of ``rep``
    rounds (so a change of the shared machine's load hits them alike); the best round of
    each is kept. Returns the rows and the (cluster, client) kept for what follows."""
    from dask.distributed import Client, LocalCluster

    warm = {"grid": {"debrief.threshold": [7.2]}}
    start = time.perf_counter()
    pool = RecordedLocal(w)
    sim.sweep(process, warm, n=1000, rng=1, executor=pool)
    t_pool = time.perf_counter() - start
    # A LocalCluster as Dask makes it: the nanny's MALLOC_TRIM_THRESHOLD_=65536, the profiler.
    plain = LocalCluster(
        n_workers=w, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    plain_client = Client(plain)
    start = time.perf_counter()
    cluster = local_cluster(w)
    client = Client(cluster)
    dask_plain, dask_ours = RecordedDask(plain_client), RecordedDask(client)
    sim.sweep(process, warm, n=1000, rng=1, executor=dask_ours)
    t_cluster = time.perf_counter() - start
    sim.sweep(process, warm, n=1000, rng=1, executor=dask_plain)
    plain_env = next(iter(plain_client.run(_worker_env).values()))
    ours_env = next(iter(client.run(_worker_env).values()))

    def without_fix() -> dict[str, Any]:
        plain_client.run(_malloc_fix, False)
        try:
            return timed_once(process, RATINGS, n, dask_plain)
        finally:
            plain_client.run(_malloc_fix, True)

    def on(backend: Any) -> Callable[[], dict[str, Any]]:
        return lambda: timed_once(process, RATINGS, n, backend)

    variants: list[tuple[str, Callable[[], dict[str, Any]], str]] = [
        ("serial (this process)", on(RecordedSerial()), "-"),
        (f"{w} local processes", on(pool), "-"),
        (f"LocalCluster({w}), tasks without the fix", without_fix, plain_env),
        (f"LocalCluster({w}), arrays_from_heap", on(dask_plain), plain_env),
        (f"sim.sweep.local_cluster({w})", on(dask_ours), ours_env),
    ]
    best: list[dict[str, Any]] = [{"seconds": float("inf")} for _ in variants]
    for _ in range(rep):
        for i, (_, run, _) in enumerate(variants):
            row = run()
            if row["seconds"] < best[i]["seconds"]:
                best[i] = row
    pool.close()
    plain_client.close()
    plain.close()
    rows = [(label, row, env) for (label, _, env), row in zip(variants, best, strict=True)]
    t_serial = rows[0][1]["seconds"]
    base = rows[0][1]["result"].totals
    same = all(np.array_equal(base, row["result"].totals) for _, row, _ in rows)
    print(f"\n64 rating designs x {n:,} applicants (each cell a full simulation), best of {rep}")
    print("rounds in which the backends take turns; the other backends sit idle meanwhile;")
    print("per cell: the tasks' own wall and CPU time (the computing thread) and page faults;")
    print("'other CPU': the Dask worker processes' CPU outside the tasks (event loop, profiler):")
    print(f"  {'':<40} {'wall':>7} {'speed-up':>8} {'task':>7} {'CPU':>6} {'faults':>7} "
          f"{'other':>6} {'trim env':>8} {'load':>5}")  # fmt: skip
    for label, row, env in rows:
        other = "-" if np.isnan(row["other_cpu"]) else f"{row['other_cpu'] * 1000:4.0f}ms"
        print(f"  {label:<40} {row['seconds']:6.2f}s {t_serial / row['seconds']:7.2f}x "
              f"{row['task_wall'] * 1000:5.0f}ms {row['task_cpu'] * 1000:4.0f}ms "
              f"{row['faults']:7.0f} {other:>6} {env:>8} {row['load']:5.1f}")  # fmt: skip
    print(f"  bitwise identical across the {len(rows)}: {same}")
    print(f"  start-up, apart: {w} local processes {t_pool:.2f} s, local_cluster({w}) "
          f"{t_cluster:.2f} s")  # fmt: skip
    return rows, (cluster, client)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="applicants per cell")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    process = sim.load_process("amex_ai_pm_2026")
    n, w, rep = args.n, args.workers, args.repeat
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{os.cpu_count()} cores; {n:,} applicants per cell; load average {load} (shared machine)"
    )
    calibration = machine_speedup(w)
    print(f"the machine's own speed-up now, plain numpy work on {w} processes: {calibration:.2f}x")

    rows, (cluster, client) = ratings_sweeps(process, n, w, rep)
    t_serial = rows[0][1]["seconds"]
    local_eff = t_serial / rows[1][1]["seconds"] / calibration
    dask_eff = t_serial / rows[-1][1]["seconds"] / calibration
    print(f"  speed-up over the machine's own {calibration:.2f}x: local {local_eff:.0%}, "
          f"local_cluster {dask_eff:.0%}")  # fmt: skip

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
