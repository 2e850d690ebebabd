"""Requisition simulation and ProcessEconomics explorer: measured figures beside their targets.

Run:  python benchmarks/bench_economics.py [--requisitions 10000] [--moves 20]

Targets (issue #13): 10,000 requisitions of the AmEx preset in <= 5 s on two cores;
the explorer's update <= 150 ms. Also measured, the choice behind the design: the
same model as a SimPy discrete-event simulation (tests/simpy_requisition.py, which
agrees exactly with the vectorised flow on the same draws), timed on one block and
scaled to the same number of requisitions. Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import sim
from sim.economics import BLOCK, load_economics, requisitions
from sim.economics.requisition import draw_block, flow
from sim.widgets.economics import ProcessEconomics

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def best_of(runs: int, call) -> float:
    """Shortest wall time of ``runs`` calls (seconds)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def explorer_moves(explorer: ProcessEconomics, key: str, values, moves: int) -> list[float]:
    control = explorer.controls[key]
    cycle = itertools.cycle(values)
    control.value = next(cycle)  # warm-up
    times = []
    for _ in range(moves):
        value = next(cycle)
        if value == control.value:
            value = next(cycle)
        start = time.perf_counter()
        control.value = value
        times.append(time.perf_counter() - start)
        assert explorer.error == "", explorer.error
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requisitions", type=int, default=10_000)
    parser.add_argument("--moves", type=int, default=20, help="moves per explorer control")
    parser.add_argument("--runs", type=int, default=3, help="repeats of each timing (best)")
    args = parser.parse_args()
    process = sim.load_process("amex_ai_pm_2026")
    econ = load_economics(process)
    n = args.requisitions
    rows: list[tuple[str, float, float | None, str]] = []

    requisitions(process, econ, n=BLOCK, rng=0)  # warm caches (compiled model, imports)
    one = best_of(args.runs, lambda: requisitions(process, econ, n=n, rng=0))
    two = best_of(args.runs, lambda: requisitions(process, econ, n=n, rng=0, workers=2))
    rows.append((f"{n:,} requisitions, 1 thread", one, 5.0, "s"))
    rows.append((f"{n:,} requisitions, 2 threads", two, 5.0, "s"))
    summary = requisitions(process, econ, n=n, rng=0).summary()
    applicants = summary["applicants_per_requisition"] * n

    draws = draw_block(process, econ, np.random.SeedSequence(0), 0, BLOCK)
    vec = best_of(args.runs, lambda: flow(process, econ, draws))
    draw = best_of(
        args.runs, lambda: draw_block(process, econ, np.random.SeedSequence(0), 0, BLOCK)
    )
    rows.append((f"  of which: draws of one block ({BLOCK} req.)", draw, None, "s"))
    rows.append(("  of which: vectorised flow of one block", vec, None, "s"))
    try:
        from simpy_requisition import simulate_block

        des = best_of(1, lambda: simulate_block(process, econ, draws))
        rows.append((f"SimPy flow of one block ({BLOCK} req.)", des, None, "s"))
        rows.append((f"SimPy, scaled to {n:,} requisitions (+ draws)", (des + draw) * n / BLOCK,
                     5.0, "s"))  # fmt: skip
    except ImportError:
        des = float("nan")
        print("(simpy not installed: pip install -e '.[des]' for the discrete-event timing)")

    explorer = ProcessEconomics(process, econ, n=1024, rng=0)
    cases = [
        ("window_days", [30, 35, 40, 45, 25]),
        ("offer_level", [0.2, 0.4, 0.6, 0.0]),
        ("decision_date_told", [True, False]),
        ("rounds.cross_functional", [False, True]),
    ]
    every = []
    for key, values in cases:
        times = explorer_moves(explorer, key, values, args.moves)
        every += times
        rows.append((f"explorer (1,024 req.): {key}", statistics.median(times), 0.150, "s"))
    rows.append(("explorer: median over all controls", statistics.median(every), 0.150, "s"))

    print(
        f"Requisition benchmark, AmEx preset ({applicants / n:.1f} applicants a requisition; "
        f"{os.cpu_count()} CPUs seen; best of {args.runs}; OPENBLAS_NUM_THREADS="
        f"{os.environ.get('OPENBLAS_NUM_THREADS', 'default')})"
    )
    print(f"{'measure':<52} {'measured':>10} {'target':>8} {'ratio':>7}")
    for name, value, target, _unit in rows:
        shown = f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
        goal = (
            ""
            if target is None
            else (f"{target * 1000:.0f} ms" if target < 1 else f"{target:g} s")
        )
        ratio = "" if target is None else f"{value / target:.2f}"
        print(f"{name:<52} {shown:>10} {goal:>8} {ratio:>7}")
    print(
        json.dumps(
            {
                "requisitions": n,
                "seconds_1_thread": one,
                "seconds_2_threads": two,
                "target_seconds": 5.0,
                "simpy_block_seconds": des,
                "vectorised_block_seconds": vec,
                "explorer_median_ms": 1000 * statistics.median(every),
                "explorer_target_ms": 150,
            }
        )
    )


if __name__ == "__main__":
    main()
