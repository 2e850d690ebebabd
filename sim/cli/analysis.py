"""``hiring-sim sway`` and ``hiring-sim audit``: the analysis layer on the command line.

The analysis package is imported when one of these commands runs, not before.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import numpy as np
import pandas as pd

from ..engine import simulate
from ..io import load_process
from .common import fmt, format_table, int_arg, print_json, resolve_profile

__all__ = ["cmd_audit", "cmd_sway", "register"]


def _table(frame: pd.DataFrame, index: bool = True) -> str:
    def fmt(value: Any) -> str:
        if isinstance(value, float | np.floating):
            if math.isnan(value):
                return "-"
            if abs(value) >= 1e3:
                return f"{value:,.0f}"
            return f"{round(float(value), 4) + 0.0:.4f}"  # + 0.0 turns -0.0 into 0.0
        return str(value)

    text = frame.to_string(index=index, formatters=dict.fromkeys(frame.columns, fmt), na_rep="-")
    return "\n".join("  " + line for line in text.splitlines())


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


# --------------------------------------------------------------------------- sway
def cmd_sway(args: argparse.Namespace) -> int:
    """What sways the decision on one profile (exact; no simulation)."""
    from ..analysis import sway

    process = load_process(args.process)
    profile = resolve_profile(process, args.profile)
    result = sway(process, profile)
    if args.json:
        print_json(result.to_dict())
        return 0
    _print_sway(process, profile, result)
    return 0


_PARTS = {"level": "points", "leniency": "points", "halo": "points", "framing": "points"}


def _print_sway(process: Any, profile: Any, result: Any) -> None:
    """The sway read-out: probability, contributions, tipping points, weights, framing."""
    p = result.probability
    table = result.contributions
    threshold = table.attrs["threshold"]
    print(f"{process.title} - profile {profile.name} (framing {profile.framing:+.2f})")
    print(f"  hire probability {p.hire:.1%} (closed form)")
    print(
        f"  expected aggregate {p.aggregate_mean:.2f} points (SD {p.aggregate_sd:.2f}) "
        f"vs threshold {threshold:g}"
    )
    kinds = {"weight": "percent", "expected_view": "score", "contribution": "points", **_PARTS}
    for group in ("competency", "interviewer"):
        rows = table[table["group"] == group]
        print(f"\nWhat moves the aggregate away from the threshold, by {group} (points):")
        print("  contribution = level + leniency + halo + framing, each weighted")
        records = [{group: r["name"], **r} for r in rows.to_dict("records")]
        columns = [group, "weight", "expected_view", *_PARTS, "contribution"]
        print(_indent(format_table(records, columns, kinds)))
        print(f"  sum {rows['contribution'].sum():+.2f} = {p.aggregate_mean:.2f} - {threshold:g}")
    tipping = result.tipping_points.reset_index()
    print("\nTipping points: the level at which the hire probability crosses 50 %:")
    records = tipping.to_dict("records")
    columns = ["competency", "level", "tipping_level", "change", "status"]
    kinds = {"level": "score", "tipping_level": "score", "change": "points"}
    print(_indent(format_table(records, columns, kinds).replace(" n/a", "   -")))
    stability = result.weight_stability
    decision = stability["decision"].iloc[0] if len(stability) else "-"
    print(f"\nWeight stability: the raw weights over which the decision ({decision}) holds:")
    records = stability.to_dict("records")
    columns = ["group", "name", "weight", "share", "stable_range"]
    print(_indent(format_table(records, columns, {"weight": "score", "share": "percent"})))
    print("\nFraming: the same facts told as model internals (-1) or as dollar impact (+1):")
    frame = result.framing.T
    records = [
        {"": name, **{c: fmt(v, "percent" if name == "hire_probability" else "score")
                      for c, v in row.items()}}
        for name, row in frame.to_dict("index").items()
    ]  # fmt: skip
    print(_indent(format_table(records, ["", *frame.columns])))


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


# --------------------------------------------------------------------------- audit
def cmd_audit(args: argparse.Namespace) -> int:
    """Decision quality vs random selection, noise audit and panel reliability."""
    from ..analysis import decision_quality, noise_audit, panel_icc, panel_reliability

    process = load_process(args.process)
    seeds = np.random.SeedSequence(args.seed).spawn(4)
    result = simulate(process, n=args.n, rng=seeds[0], keep="decisions")
    quality = decision_quality(result)
    audit = noise_audit(process, n=args.n, rng=seeds[1])
    panel = panel_icc(process, n=args.n, rng=seeds[2])
    reliability = panel_reliability(process, n=args.n, rng=seeds[3])
    if args.json:
        print_json(
            {
                "process": process.name,
                "n": args.n,
                "seed": args.seed,
                "base_rate": quality.attrs["base_rate"],
                "quality": _records(quality.reset_index()),
                "noise_audit": _records(audit),
                "icc": {
                    **{k: v for k, v in panel.attrs.items() if k != "raters"},
                    "raters": list(panel.attrs["raters"]),
                    "forms": _records(panel.reset_index()),
                },
                "reliability": {
                    **reliability.attrs,
                    "panels": _records(reliability.reset_index()),
                },
            }
        )
        return 0
    print(f"{process.title}: audit of {args.n:,} candidates, seed {args.seed}")
    print(
        f"\nDecision quality vs random selection at the same hire rate (base rate "
        f"{quality.attrs['base_rate']:.4f}):"
    )
    print(_table(quality))
    print("\nNoise audit (points squared; every interviewer rates every candidate twice):")
    wide = audit.pivot(index="scope", columns="component", values="variance")
    wide = wide.reindex(index=audit["scope"].unique(), columns=audit["component"].unique())
    print(_table(wide))
    print(
        f"\nIntraclass correlations: all {len(panel.attrs['raters'])} interviewers rate "
        f"{panel.attrs['competency']} ({panel.attrs['round']} setting):"
    )
    print(_table(panel[["icc", "ci_low", "ci_high"]]))
    print(
        f"\nPanels of k interchangeable raters ({reliability.attrs['interviewer']} on "
        f"{reliability.attrs['competency']}): simulated reliability vs Spearman-Brown:"
    )
    print(_table(reliability))
    return 0


# --------------------------------------------------------------------------- registration
def register(subparsers: Any) -> None:
    """Add ``sway`` and ``audit`` to the ``hiring-sim`` subcommands."""
    p = subparsers.add_parser(
        "sway", help="what sways the decision on one profile (exact, else Monte Carlo)"
    )
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--profile", required=True, help="profile name (or FILE.yaml:NAME)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_sway)

    p = subparsers.add_parser(
        "audit", help="decision quality vs random, noise audit, panel reliability"
    )
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--n", type=int_arg(100), default=20_000, help="candidates (default 20000)")
    p.add_argument("--seed", type=int_arg(0), default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_audit)
