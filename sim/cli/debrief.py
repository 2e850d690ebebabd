"""``hiring-sim debrief`` and ``hiring-sim compare-rules``: the debrief room, from a shell."""

from __future__ import annotations

import argparse
from typing import Any

from ..analysis.rules import compare_rules
from ..errors import fail
from ..io import load_process, load_profiles
from ..spec import RULES
from ..transcript import debrief_transcript, transcript_dict, transcript_text
from .common import format_table, positive_int, print_json, seed_arg

__all__ = ["cmd_compare_rules", "cmd_debrief", "register"]


def cmd_debrief(args: argparse.Namespace) -> int:
    process = load_process(args.process)
    # Looked up here, raising SpecError: under `python -m sim.cli` the CLI module's own
    # exception classes are not the ones `main` catches.
    source, _, key = args.profile.rpartition(":")
    profiles = load_profiles(source or process.name, process=process)
    if key not in profiles:
        known = ", ".join(sorted(profiles))
        raise fail("--profile", f"no profile for process {process.name!r}; known: {known}", key)
    profile = profiles[key]
    frame = debrief_transcript(process, profile, rng=args.seed, rule=args.rule)
    if args.json:
        print_json(transcript_dict(frame))
    else:
        print(transcript_text(frame))
    return 0


def cmd_compare_rules(args: argparse.Namespace) -> int:
    process = load_process(args.process)
    table = compare_rules(process, n=args.n, rng=args.seed)
    if args.json:
        print_json({"process": process.name, **table.to_dict()})
        return 0
    print(
        f"{process.title}: {args.n:,} candidates, seed {args.seed} "
        "(the same candidates and ratings under every rule)"
    )
    metrics = table.metrics.drop(columns="note")
    rows = [{"rule": rule, **row} for rule, row in metrics.to_dict("index").items()]
    print(format_table(rows, ["rule", *metrics.columns]))
    notes = table.metrics["note"]
    for rule, note in notes[notes != ""].items():
        print(f"  {rule}: {note}")
    for rule, reason in _nan_reasons(metrics).items():
        print(f"  {rule}: {reason}")
    print("  validity: correlation of the rule's score with true performance (debriefed)")
    print("  decision_validity: correlation of the hire decision itself (all candidates)")
    print("\nShare of candidates on whom two rules disagree:")
    short = {rule: _SHORT.get(rule, rule) for rule in table.disagreement.columns}
    rows = [
        {"rule": a, **{short[b]: v for b, v in row.items()}}
        for a, row in table.disagreement.to_dict("index").items()
    ]
    print(format_table(rows, ["rule", *short.values()], dict.fromkeys(short.values(), "percent")))
    return 0


def _nan_reasons(metrics: Any) -> dict[str, str]:
    """Why a cell of the rules table is n/a, one line per rule."""
    reasons = {}
    for rule, row in metrics.iterrows():
        missing = [column for column, value in row.items() if value != value]  # NaN
        if not missing:
            continue
        why = []
        if "validity" in missing:
            why.append("validity n/a: a vote rule counts votes and gives no score to correlate")
        if {"precision", "dollars_per_hire"} & set(missing):
            why.append("precision and dollars n/a: nobody was hired")
        if "decision_validity" in missing:
            why.append("decision_validity n/a: every candidate got the same decision")
        reasons[str(rule)] = "; ".join(why) or f"{', '.join(missing)} n/a"
    return reasons


_SHORT = {"weighted_mean": "w_mean", "trimmed_mean": "trimmed", "public_vote": "pub_vote"}


def register(subparsers: Any) -> None:
    """Add the ``debrief`` and ``compare-rules`` subcommands to ``hiring-sim``."""
    p = subparsers.add_parser("debrief", help="transcript of one simulated debrief")
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--profile", required=True, help="profile name (or FILE.yaml:NAME)")
    p.add_argument("--seed", type=seed_arg, default=0, help="random seed (default 0)")
    p.add_argument("--rule", choices=RULES, help="decide under this rule instead")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_debrief)

    p = subparsers.add_parser("compare-rules", help="every decision rule on the same candidates")
    p.add_argument("--process", required=True, help="preset name or YAML file")
    p.add_argument("--n", type=positive_int, default=100_000, help="candidates (default 100000)")
    p.add_argument("--seed", type=seed_arg, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_compare_rules)
