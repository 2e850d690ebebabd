"""``hiring-sim economics`` and ``hiring-sim ice``: the requisition on the command line.

The economics package is imported when one of these commands runs.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import numpy as np

from ..economics import load_economics, requisitions
from ..economics.ice import ice, load_changes
from ..economics.value import selection_utility
from ..io import load_process
from .common import fmt, int_arg, print_json

__all__ = ["cmd_economics", "cmd_ice", "register"]

#: Summary keys printed by ``economics``, with their units.
_ROWS = (
    ("requisitions", ""),
    ("fill_rate", "share of requisitions filled"),
    ("time_to_fill_days", "days, median"),
    ("applicants_per_requisition", ""),
    ("withdrawal_rate", "share of applicants"),
    ("mean_withdrawal_day", "days after applying"),
    ("offer_acceptance", "share of offers"),
    ("offers_per_hire", ""),
    ("cost_per_hire", "$ interviewer time"),
    ("performance_of_hire", "SDs"),
    ("value_of_hire", "$ over the horizon"),
    ("pay_premium", "$ above mid-range"),
    ("net_value_per_requisition", "$"),
    ("net_value_per_hire", "$"),
)


def _fmt(value: Any, unit: str) -> str:
    """A summary figure as people read it: shares in per cent, dollars in whole dollars."""
    if isinstance(value, float | np.floating) and math.isnan(value):
        return "n/a"
    kind = "percent" if unit.startswith("share") else "dollars" if unit.startswith("$") else ""
    if not kind and isinstance(value, float | np.floating):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return fmt(value, kind or "number")


def _economics(args: argparse.Namespace, process: Any) -> Any:
    return load_economics(args.economics if args.economics else process)


def cmd_economics(args: argparse.Namespace) -> int:
    """Simulate requisitions; print time to fill, withdrawals, acceptance, cost and value."""
    process = load_process(args.process)
    econ = _economics(args, process)
    seeds = np.random.SeedSequence(args.seed).spawn(2)
    result = requisitions(process, econ, n=args.requisitions, rng=seeds[0], workers=args.workers)
    summary = result.summary()
    check = selection_utility(
        process, econ, summary["offer_acceptance"] if summary["offers_per_hire"] > 0 else 1.0,
        n=args.pool, rng=seeds[1],
    )  # fmt: skip
    data = {"process": process.name, "seed": args.seed, **summary, "cross_check": check}
    if args.json:
        print_json(data)
        return 0
    years = econ.value.horizon_years
    print(f"{process.title}: {args.requisitions:,} requisitions, seed {args.seed}")
    print(f"  window {process.window_days:g} days; value over {years:g} years; one opening each")
    for key, unit in _ROWS:
        print(f"  {key:<28} {_fmt(summary[key], unit):>14}  {unit.lstrip('$ ')}".rstrip())
    print("\nCross-check (Brogden-Cronbach-Gleser; Murphy 1986 with the simulated acceptance):")
    print(
        f"  pool of {args.pool:,}: selection ratio {check['selection_ratio']:.4f} of debriefed, "
        f"validity {check['validity']:.4f}"
    )
    print(f"  performance of approved    {check['performance_of_approved']:.4f} SDs (simulated)")
    print(f"  BCG expectation            {check['performance_bcg']:.4f} SDs")
    print(
        f"  Murphy, top-down offers    {check['performance_murphy']:.4f} SDs "
        f"(offer-rejection loss ${check['offer_rejection_loss']:,.0f} per hire)"
    )
    print(
        "  the simulated hire differs from both by what they leave out: withdrawals while "
        "waiting, and stronger candidates declining more often"
    )
    return 0


def cmd_ice(args: argparse.Namespace) -> int:
    """Rank process changes by Impact (dollars a year), Complexity and Execution risk."""
    process = load_process(args.process)
    econ = _economics(args, process)
    changes = load_changes(args.changes)
    table = ice(
        process, changes, econ, n=args.requisitions, rng=args.seed, source=str(args.changes)
    )
    if args.json:
        print_json(
            {
                "process": process.name,
                "seed": args.seed,
                "requisitions": args.requisitions,
                "requisitions_per_year": table.attrs["requisitions_per_year"],
                "ranking": table.attrs["ranking"],
                "baseline": table.attrs["baseline"],
                "changes": [
                    {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
                    for row in table.to_dict("records")
                ],
            }
        )
        return 0
    per_year = table.attrs["requisitions_per_year"]
    print(
        f"{process.title}: {len(table)} changes, {args.requisitions:,} requisitions each on "
        f"common random numbers, seed {args.seed}; impact = change in net value x {per_year:g} "
        "requisitions a year"
    )
    print(f"  ranked by {table.attrs['ranking']}\n")
    print(
        f"  {'#':>2}  {'change':<32} {'impact $/yr':>12} {'± SE':>10} {'C':>3} "
        f"{'risk':>5} {'score':>11}"
    )
    for row in table.itertuples():
        print(
            f"  {row.rank:>2}  {row.name[:32]:<32} {row.impact_usd_per_year:>12,.0f} "
            f"{row.impact_se:>10,.0f} {row.complexity:>3g} {row.execution_risk:>5.2f} "
            f"{row.ice_score:>11,.0f}"
        )
    base = table.attrs["baseline"]
    print(
        f"\n  as it is: withdrawal {base['withdrawal_rate']:.3f}, acceptance "
        f"{base['offer_acceptance']:.3f}, time to fill {base['time_to_fill_days']:.1f} days, "
        f"performance of hire {base['performance_of_hire']:.3f} SDs"
    )
    return 0


def register(subparsers: Any) -> None:
    """Add ``economics`` and ``ice`` to the ``hiring-sim`` subcommands."""
    p = subparsers.add_parser(
        "economics", help="requisitions end to end: time to fill, withdrawals, offers, value"
    )
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--requisitions", type=int_arg(1, 10_000_000), default=2000,
                   help="requisitions to simulate (default 2000)")  # fmt: skip
    p.add_argument("--seed", type=int_arg(0), default=0, help="random seed (default 0)")
    p.add_argument("--economics", help="economics YAML (default: the process's preset)")
    p.add_argument("--pool", type=int_arg(1000), default=100_000,
                   help="pool size of the BCG / Murphy cross-check (default 100000)")  # fmt: skip
    p.add_argument("--workers", type=int_arg(1, 64), default=1, help="threads (same result)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_economics)

    p = subparsers.add_parser(
        "ice", help="rank process changes by Impact ($/year), Complexity, Execution risk"
    )
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--changes", required=True, help="changes YAML (or a preset name)")
    p.add_argument("--requisitions", type=int_arg(1, 1_000_000), default=2000,
                   help="requisitions per change (default 2000)")  # fmt: skip
    p.add_argument("--seed", type=int_arg(0), default=0, help="random seed (default 0)")
    p.add_argument("--economics", help="economics YAML (default: the process's preset)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_ice)
