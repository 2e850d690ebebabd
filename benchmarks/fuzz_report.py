"""Fuzz report: N hostile documents, their outcomes, and the worst time and memory of any.

Run:  python benchmarks/fuzz_report.py [--n 1000] [--seed 15] [--no-commands]

The documents are those of the fuzz test (``tests/fuzzdocs.py``): the presets mutated,
plus the cases issue 15 reports and documents at the limits of ``sim.limits``. Prints

- counts: documents, clean errors (a ``SpecError``, one line per issue), accepted,
  anything else (a crash, a multi-line error), and for accepted documents the
  commands run, by outcome (the crashes are listed, with the document);
- the worst wall and CPU time of loading any one document (target < 2 s), and of
  any one command on an accepted document;
- the worst peak of memory allocated while loading any one document (tracemalloc,
  measured in a second pass so that it does not slow the timed one), and the peak
  resident memory of the whole run.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import fuzzdocs

import sim


def timed_commands() -> dict[str, tuple[float, float, str]]:
    """Wrap the fuzz harness's CLI runner to record the slowest run of each command:
    command -> (CPU seconds, wall seconds, the --process argument)."""
    worst: dict[str, tuple[float, float, str]] = {}
    run = fuzzdocs._cli

    def timing(argv: list[str]) -> tuple[str, str]:
        wall, cpu = time.perf_counter(), time.process_time()
        result = run(argv)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if cpu > worst.get(argv[0], (0.0,))[0]:
            worst[argv[0]] = (cpu, wall, " ".join(argv[1:3]))
        return result

    fuzzdocs._cli = timing
    return worst


def peak_load_bytes(document: fuzzdocs.Document, folder: Path) -> int:
    path = folder / "doc.yaml"
    path.write_bytes(document.data)
    load = sim.load_process if document.kind == "process" else sim.load_profiles
    tracemalloc.start()
    try:
        load(str(path))
    except sim.SpecError:
        pass
    except Exception:  # counted in the timed pass
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="generated documents")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--no-commands", action="store_true", help="only load the documents")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fuzz-report-"))
    worst_command = timed_commands()
    docs = list(
        itertools.chain(
            fuzzdocs.issue_documents(),
            fuzzdocs.limit_documents(),
            fuzzdocs.documents(args.n, args.seed),
        )
    )
    seen: set[str] | None = None if args.no_commands else set()
    start = time.perf_counter()
    outcomes = [fuzzdocs.check_document(doc, folder, seen) for doc in docs]
    elapsed = time.perf_counter() - start
    counts = Counter(o.status for o in outcomes)
    commands = Counter((c, s) for o in outcomes for c, s, _ in o.commands)
    print(f"documents        {len(outcomes):>6}   ({args.n} generated with seed {args.seed}, "
          f"{len(outcomes) - args.n} issue and limit cases)")  # fmt: skip
    print(f"clean errors     {counts['clean']:>6}")
    print(f"accepted         {counts['accepted']:>6}")
    print(f"anything else    {counts['bad']:>6}")
    for o in outcomes:
        if o.status == "bad":
            print(f"    load: {o.document.label}: {o.detail[:160]}")
    if seen is not None:
        ran = sum(bool(o.commands) for o in outcomes)
        print(f"accepted specs run through every command: {ran} (the others repeat one)")
        for (command, status), count in sorted(commands.items()):
            print(f"    {command:<14} {status:<6} {count:>5}")
        for o in outcomes:
            for command, status, detail in o.commands:
                if status == "bad":
                    print(f"    crash: {command}: {o.document.label}: {detail[:140]}")
    slow = max(outcomes, key=lambda o: o.seconds)
    cpu = max(outcomes, key=lambda o: o.cpu_seconds)
    print(f"worst load CPU   {cpu.cpu_seconds:.3f} s ({cpu.document.label})   target < 2 s")
    print(f"worst load wall  {slow.seconds:.3f} s ({slow.document.label})")
    for command, (seconds, wall, _) in sorted(worst_command.items()):
        print(f"worst {command:<14} {seconds:.3f} s CPU ({wall:.3f} s wall)")
    peaks = [(peak_load_bytes(doc, folder), doc.label) for doc in docs]
    peak, label = max(peaks)
    print(f"worst load peak  {peak / 2**20:.1f} MiB allocated ({label})")
    print(f"run peak RSS     {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"total            {elapsed:.1f} s wall for the timed pass")


if __name__ == "__main__":
    main()
