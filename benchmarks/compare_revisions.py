"""Run the benchmark scripts of two revisions side by side, in one run.

    python benchmarks/compare_revisions.py --base da7a40c [--repeat 2] [SCRIPT ...]

For every script (default: bench_engine.py, bench_widgets.py, bench_analysis.py) the
base revision's own copy runs against the base revision's package (checked out in
a temporary git worktree, removed afterwards) and this checkout's copy against
this checkout, alternately ``--repeat`` times so that a busy machine slows both
alike. Lines whose words match are printed once, with each number of the base
next to the one here (medians over the repeats) and the ratio here / base of
the line's numbers.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NUMBER = re.compile(r"-?\d[\d,]*\.?\d*(?:e[-+]?\d+)?")
DEFAULT = ("bench_engine.py", "bench_widgets.py", "bench_analysis.py")


def run(tree: Path, script: str, args: list[str]) -> list[str]:
    """Output lines of ``tree/benchmarks/script`` run against ``tree``'s package."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run(
        [sys.executable, str(tree / "benchmarks" / script), *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if proc.returncode != 0:
        return [f"(failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr else '?'})"]
    return proc.stdout.splitlines()


def numbers(line: str) -> list[float]:
    return [float(token.replace(",", "")) for token in NUMBER.findall(line)]


def label(line: str) -> str:
    return NUMBER.sub("#", line).strip()


def merged(runs: list[list[str]]) -> dict[str, list[float]]:
    """Per line label, the median of each number over the runs (first occurrence)."""
    values: dict[str, list[list[float]]] = {}
    for lines in runs:
        seen: set[str] = set()
        for line in lines:
            key = label(line)
            if key in seen or not numbers(line):
                continue
            seen.add(key)
            values.setdefault(key, []).append(numbers(line))
    out = {}
    for key, rows in values.items():
        width = min(len(r) for r in rows)
        out[key] = [statistics.median(r[i] for r in rows) for i in range(width)]
    return out


def fmt(value: float) -> str:
    return f"{value:,.4g}"


def compare(script: str, base: Path, repeat: int, args: list[str]) -> None:
    base_runs, head_runs = [], []
    for _ in range(repeat):
        base_runs.append(run(base, script, args))
        head_runs.append(run(ROOT, script, args))
    before, after = merged(base_runs), merged(head_runs)
    print(f"\n=== {script}  (base | this checkout, medians of {repeat} alternating runs)")
    for line in head_runs[-1]:
        key = label(line)
        if key not in after:
            print(f"    {line}")
            continue
        now = after[key]
        if key not in before:
            print(f"  + {line}")
            continue
        then = before[key]
        pairs = "  ".join(f"{fmt(a)}|{fmt(b)}" for a, b in zip(then, now, strict=False))
        ratios = [b / a for a, b in zip(then, now, strict=False) if a]
        ratio = f"  x{ratios[0]:.2f}" if ratios else ""
        print(f"    {key[:60]:<60} {pairs}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git revision to compare against")
    parser.add_argument("--repeat", type=int, default=2, help="alternating runs of each")
    parser.add_argument("scripts", nargs="*", default=list(DEFAULT))
    parser.add_argument("--args", default="", help="arguments passed to every script")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hcs-base-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(base), options.base],
            cwd=ROOT,
            check=True,
        )
        try:
            for script in options.scripts:
                compare(script, base, options.repeat, options.args.split())
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT)


if __name__ == "__main__":
    main()
