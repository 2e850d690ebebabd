"""Explorer latency: a slider change to new figure data, measured in the kernel.

Run:  python benchmarks/bench_widgets.py [--n 20000] [--moves 40]

A move sets a control's ``value`` exactly as the browser's comm message does;
the explorer recomputes, writes the new data into its FigureWidget (the comm
message to the browser leaves then), and then updates its read-outs, before the
assignment returns. The time from the assignment to the figure's write is the
slider-to-figure latency on the Python side (``median ms``; the browser adds
the message round trip and plotly's redraw: see tests/test_app_browser.py for
that); ``all ms`` is the whole assignment, read-outs included (the what-if's
Monte Carlo band is a read-out, computed after the figure is sent).

Targets (issues #5 and #10): median <= 100 ms for the weight explorer with a
20,000-candidate pool, <= 30 ms for the candidate what-if (on written scores, the
exact lattice law). Each row also gives the median CPU seconds of the move
(process time): on a shared machine the wall time includes waiting for a core.
Each figure is the median over ``--moves`` moves per control, after a warm-up.
Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import statistics
import time

import numpy as np

import sim
import sim.widgets._base as explorer_base
from sim.widgets import WeightExplorer, WhatIfExplorer
from sim.widgets._base import sync_figure

_FIGURE_WRITTEN: list[float] = []  # perf_counter when an explorer's figure data was written


def _timed_sync(*args, **kwargs) -> None:
    sync_figure(*args, **kwargs)
    _FIGURE_WRITTEN.append(time.perf_counter())


explorer_base.sync_figure = _timed_sync  # what Explorer._refresh calls


def time_moves(
    explorer, key: str, values, moves: int, watch
) -> tuple[list[float], list[float], list[float]]:
    """Per move of ``key`` through ``values``: seconds to the figure's write, seconds of the
    whole move and its CPU seconds; checks the figure changed."""
    control = explorer.controls[key]
    cycle = itertools.cycle(values)
    control.value = next(cycle)  # warm-up (first build of caches)
    times, totals, cpus = [], [], []
    for _ in range(moves):
        value = next(cycle)
        if value == control.value:
            value = next(cycle)
        before = watch(explorer)
        _FIGURE_WRITTEN.clear()
        start, cpu = time.perf_counter(), time.process_time()
        control.value = value
        totals.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        assert len(_FIGURE_WRITTEN) == 1, f"{key}: {len(_FIGURE_WRITTEN)} figure writes"
        times.append(_FIGURE_WRITTEN[0] - start)
        assert explorer.error == "", explorer.error
        assert not np.array_equal(before, watch(explorer)), f"{key}: figure did not change"
    return times, totals, cpus


def figure_values(explorer) -> np.ndarray:
    return np.concatenate(
        [
            np.asarray(t.y if t.orientation != "h" else t.x, dtype=float)
            for t in explorer.figure.data
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="weight explorer pool size")
    parser.add_argument("--moves", type=int, default=40, help="moves per control")
    args = parser.parse_args()
    process = sim.load_process("amex_ai_pm_2026")
    rows = []

    start = time.perf_counter()
    weights = WeightExplorer(process, n=args.n, rng=0)
    built = time.perf_counter() - start
    rows.append(("weights", "construct (simulate + first figure)", [built], [built], [math.nan]))
    base = process.debrief.threshold
    cases = [
        ("threshold", [base + d for d in (-0.2, -0.1, 0.0, 0.1, 0.2)]),
        ("weights.dollar_impact", [2.0, 2.5, 3.0, 3.5, 4.0]),
        ("weights.technical_depth", [0.5, 1.0, 1.5, 2.0]),
        ("anchoring", [0.0, 0.2, 0.4, 0.6]),
        ("rule", ["weighted_mean", "majority", "veto", "consensus"]),
        ("noise", [0.8, 1.0, 1.2, 1.4]),
    ]
    all_weights = []
    for key, values in cases:
        times, totals, cpus = time_moves(weights, key, values, args.moves, figure_values)
        rows.append(("weights", key, times, totals, cpus))
        all_weights += times
        weights.set_state(**_reset(key, process))

    what_if = WhatIfExplorer(process, rng=0)
    closed_only = WhatIfExplorer(process, mc_n=0, rng=0)
    all_what_if, all_what_if_totals = [], []
    for explorer, label in (
        (what_if, "with 2,000-run MC band"),
        (closed_only, "closed form only"),
    ):
        for key, values in (
            ("levels.risk_awareness", [5.0, 5.5, 6.0, 6.5, 7.0]),
            ("levels.dollar_impact", [6.0, 6.5, 7.0, 7.5]),
            ("framing", [-1.0, -0.5, 0.0, 0.5, 1.0]),
        ):
            times, totals, cpus = time_moves(explorer, key, values, args.moves, figure_values)
            rows.append((f"what-if ({label})", key, times, totals, cpus))
            if explorer is what_if:
                all_what_if += times
                all_what_if_totals += totals

    # The two halves of a move, over the same states as the moves above.
    compute, figure = [], []
    control = closed_only.controls["levels.risk_awareness"]
    for value in itertools.islice(itertools.cycle([5.0, 5.5, 6.0, 6.5, 7.0]), args.moves):
        with closed_only._quietly():
            control.value = value
        start = time.perf_counter()
        closed_only._compute()  # numbers only: closed form, waterfall, tipping points
        middle = time.perf_counter()
        new = closed_only._stacked()  # the sim.plots builders, stacked into one figure
        sync_figure(closed_only.figure, new, closed_only._shown)
        closed_only._shown = new
        figure.append(time.perf_counter() - middle)
        compute.append(middle - start)
    parts = "what-if (closed form): parts"
    rows.append((parts, "numbers without figure", compute, compute, [math.nan]))
    rows.append((parts, "figure (build, stack, send)", figure, figure, [math.nan]))

    print(
        f"Explorer latency, control change -> new figure data (n = {args.n:,}, "
        f"{args.moves} moves per control, OPENBLAS_NUM_THREADS="
        f"{os.environ.get('OPENBLAS_NUM_THREADS', 'default')})"
    )
    print(
        f"{'explorer':<34} {'control':<38} {'median ms':>10} {'p90 ms':>8} {'all ms':>8}"
        f" {'cpu ms':>8}"
    )
    for explorer_name, key, times, totals, cpus in rows:
        ms = np.array(times) * 1000
        print(
            f"{explorer_name:<34} {key:<38} {np.median(ms):>10.1f} {np.percentile(ms, 90):>8.1f}"
            f" {1000 * np.median(totals):>8.1f} {1000 * np.median(cpus):>8.1f}"
        )
    summary = {
        "n": args.n,
        "weights_median_ms": 1000 * statistics.median(all_weights),
        "weights_target_ms": 100,
        "what_if_median_ms": 1000 * statistics.median(all_what_if),
        "what_if_target_ms": 30,
        "what_if_with_readouts_median_ms": 1000 * statistics.median(all_what_if_totals),
        "what_if_closed_form_only_median_ms": 1000
        * statistics.median(
            [t for e, _, ts, _, _ in rows if e == "what-if (closed form only)" for t in ts]
        ),
        "what_if_numbers_median_ms": 1000 * statistics.median(compute),
        "what_if_figure_median_ms": 1000 * statistics.median(figure),
    }
    print(
        f"\nweight explorer: median {summary['weights_median_ms']:.1f} ms over all controls "
        f"(target <= 100 ms); what-if: median {summary['what_if_median_ms']:.1f} ms to the "
        f"figure (target <= 30 ms), {summary['what_if_with_readouts_median_ms']:.1f} ms with "
        "its read-outs"
    )
    print(json.dumps(summary))


def _reset(key: str, process: sim.Process) -> dict:
    d = process.debrief
    if key.startswith("weights."):
        name = key.split(".", 1)[1]
        return {"weights": {name: d.competency_weights[name]}}
    return {
        "threshold": {"threshold": d.threshold},
        "anchoring": {"anchoring": d.anchoring},
        "rule": {"rule": d.rule},
        "noise": {"noise": 1.0},
    }[key]


if __name__ == "__main__":
    main()
