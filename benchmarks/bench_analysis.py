"""Analysis-layer speed, measured side by side with its targets.

Run:  python benchmarks/bench_analysis.py [--process amex_ai_pm_2026] [--profile impact_framer]
                                          [--n 100000] [--repeat 20]

Prints, warm and as the best (and median) of several repeats:
- the sway of one profile (contribution waterfall, tipping points, weight
  stability, framing; exact, no simulation) and each of its parts (target < 50 ms);
- global sensitivity of the hire decision and the aggregate on N candidates
  (target < 30 s for N = 100,000), split into simulation and estimation;
- for reference: decision swing, decision quality, noise audit and panel
  reliability at the same N.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import sim
from sim.analysis import (
    contribution_waterfall,
    decision_quality,
    decision_swing,
    framing_effect,
    global_sensitivity,
    noise_audit,
    panel_reliability,
    sensitivity_sample,
    sway,
    tipping_points,
    weight_stability,
)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best and median wall time (s) of ``repeat`` warm calls."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def row(label: str, best: float, median: float, target: float | None = None) -> None:
    unit, scale = ("ms", 1e3) if best < 1 else ("s", 1.0)
    text = f"  {label:<44} best {best * scale:9.2f} {unit}   median {median * scale:9.2f} {unit}"
    if target is not None:
        verdict = "ok" if best < target else "OVER"
        text += f"   target < {target * scale:g} {unit}  ({best / target:.0%} of it, {verdict})"
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--process", default="amex_ai_pm_2026")
    parser.add_argument("--profile", default="impact_framer")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    process = sim.load_process(args.process)
    profile = sim.load_profiles(args.process, process=process)[args.profile]

    print(f"Sway of one profile: {args.process} / {args.profile} ({args.repeat} repeats)")
    best, median = timed(lambda: sway(process, profile), args.repeat)
    row("sway (all four parts)", best, median, target=0.050)
    for label, fn in (
        ("  contribution waterfall", contribution_waterfall),
        ("  tipping points", tipping_points),
        ("  weight stability", weight_stability),
        ("  framing", framing_effect),
    ):
        row(label, *timed(lambda fn=fn: fn(process, profile), args.repeat))

    n, repeat = args.n, 2
    print(f"\nPool analyses on {n:,} candidates (best of {repeat})")
    best, median = timed(lambda: global_sensitivity(process, n=n, rng=1), repeat)
    row("global sensitivity (hire + aggregate)", best, median, target=30.0)
    row(
        "  of which: simulate the inputs",
        *timed(lambda: sensitivity_sample(process, n=n, rng=1), repeat),
    )
    result = sim.simulate(process, n=n, rng=1)
    row("decision swing (zeroed + doubled, CRN)", *timed(lambda: decision_swing(result), repeat))
    row("decision quality", *timed(lambda: decision_quality(result), repeat))
    row("noise audit (2 occasions)", *timed(lambda: noise_audit(process, n=n, rng=1), repeat))
    row(
        "panel reliability (k = 1..8)",
        *timed(lambda: panel_reliability(process, n=n, rng=1), repeat),
    )


if __name__ == "__main__":
    main()
