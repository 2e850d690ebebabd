"""``hiring-sim app``: the arguments of the web app; :mod:`sim.app.serve` runs it."""

from __future__ import annotations

import argparse
from typing import Any

from ..app import ENV_DEFAULTS
from .common import int_arg

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``hiring-sim app`` to the CLI's subcommands."""
    from ..app.serve import DEFAULT_PORT

    p = subparsers.add_parser(
        "app",
        help="serve the explorers as a web page (Voila); Ctrl-C stops it",
        description="Serve the weight explorer and the candidate what-if as a standalone web "
        "page. Prints the URL to open; Ctrl-C stops the server and its kernels.",
    )
    p.add_argument(
        "--port",
        type=int_arg(1, 65535),
        default=None,
        help=f"port to listen on (default {DEFAULT_PORT}, or a free one if that is taken)",
    )
    p.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 opens it to "
        "your network)",
    )
    p.add_argument(
        "--process",
        default=ENV_DEFAULTS["HIRING_SIM_PROCESS"],
        help="process preset name or YAML file (default %(default)s)",
    )
    p.add_argument(
        "--pool",
        type=int_arg(100),
        default=int(ENV_DEFAULTS["HIRING_SIM_POOL"]),
        help="applicants simulated by the weight explorer (default %(default)s)",
    )
    p.add_argument(
        "--seed",
        type=int_arg(0),
        default=int(ENV_DEFAULTS["HIRING_SIM_SEED"]),
        help="seed of every simulation on the page (default %(default)s)",
    )
    p.set_defaults(func=_cmd_app)


def _cmd_app(args: argparse.Namespace) -> int:
    from ..app.serve import cmd_app

    return cmd_app(args)
