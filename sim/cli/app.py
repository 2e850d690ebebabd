"""``hiring-sim app``: the web app's command; :mod:`sim.app.serve` declares and runs it."""

from __future__ import annotations

from typing import Any

from ..app import serve

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add ``hiring-sim app`` to the CLI's subcommands."""
    parser = subparsers.add_parser(
        "app",
        help="serve the explorers to a room of participants; Ctrl-C stops it",
        description="Serve the four explorers as a web page, one page per participant from "
        "one server process. Prints the URL to open; Ctrl-C stops the server.",
    )
    serve.add_arguments(parser)
    parser.set_defaults(func=serve.run)
