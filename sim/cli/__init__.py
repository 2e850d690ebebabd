"""Command-line interface: ``hiring-sim``.

Every error is one line on stderr (``hiring-sim: error: ...``) and a non-zero
exit status; output files are written atomically. Each command lives in a
module of this package with a ``register(subparsers)`` function (listed in
:data:`COMMANDS`); the helpers they share are in :mod:`sim.cli.common`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from ..errors import SpecError
from ..io import Terminated, exit_on_signals
from ..version import __version__
from . import analysis, app, calibrate, core, debrief, economics, sweep
from .common import CommandError, Parser, int_arg, print_json

__all__ = ["COMMANDS", "CommandError", "build_parser", "int_arg", "main", "print_json"]

#: Modules whose ``register(subparsers)`` adds subcommands, in help order.
COMMANDS: tuple[ModuleType, ...] = (
    core, debrief, analysis, calibrate, economics, sweep, app,
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """The ``hiring-sim`` argument parser with every subcommand of :data:`COMMANDS`."""
    parser = Parser(
        prog="hiring-sim",
        description="Simulate a hiring committee: interviewers' scores to a hire decision.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hiring-sim``; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with exit_on_signals():  # SIGTERM, SIGHUP unwind like Ctrl-C: temp files removed
            code = int(args.func(args))
            sys.stdout.flush()  # inside the try, so a closed pipe is handled here
        return code
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except SpecError as exc:
        for line in str(exc).splitlines():
            print(f"hiring-sim: error: {line}", file=sys.stderr)
        return 1
    except (CommandError, ValueError, OSError) as exc:
        print(f"hiring-sim: error: {exc}", file=sys.stderr)
        return 1
    except MemoryError:
        print("hiring-sim: error: out of memory; lower --n", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hiring-sim: interrupted", file=sys.stderr)
        return 130
    except Terminated as exc:
        print(f"hiring-sim: {exc}", file=sys.stderr)
        return exc.exit_status
