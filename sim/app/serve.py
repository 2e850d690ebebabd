"""``hiring-sim app``: serve the explorers to a room of participants (Solara, one process).

:func:`add_arguments` declares the options and :func:`run` starts the server;
``sim.cli.app`` registers the command with them. Nothing here imports the CLI.
The server binds to 127.0.0.1 unless told otherwise and prints its URL;
Ctrl-C (or SIGTERM) stops it. Solara is imported only when the server starts.

Why Solara rather than Voila: Voila starts a ~270 MB kernel process per page
load; Solara serves every page from one process (``benchmarks/bench_room.py``
measures both).
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from typing import Any

from ..validation import int_type
from . import ENV_DEFAULTS

__all__ = ["DEFAULT_PORT", "add_arguments", "free_port", "run", "url_for"]

#: The port taken when it is free and no --port is given.
DEFAULT_PORT = 8866
#: A page whose connection was lost keeps its seat and its state this long (Solara's
#: culling); a page that is closed gives its seat back at once.
CULL_TIMEOUT = "5m"
#: Solara's asset proxy looks up its local copy (the solara-assets package) and fetches
#: what is missing from this address: port 9 refuses at once, so a missing asset fails in
#: the log instead of reaching out to the internet.
NO_CDN = "http://127.0.0.1:9/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``hiring-sim app`` on ``parser``."""
    parser.add_argument(
        "--port",
        type=int_type(1, 65535),
        default=None,
        help=f"port to listen on (default {DEFAULT_PORT}, or a free one if that is taken)",
    )
    parser.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 opens it to "
        "your network, which a room of participants needs)",
    )
    parser.add_argument(
        "--process",
        default=ENV_DEFAULTS["HIRING_SIM_PROCESS"],
        help="process preset name or YAML file (default %(default)s)",
    )
    parser.add_argument(
        "--pool",
        type=int_type(100),
        default=int(ENV_DEFAULTS["HIRING_SIM_POOL"]),
        help="applicants simulated by the weight explorer and the panel designer "
        "(default %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int_type(0),
        default=int(ENV_DEFAULTS["HIRING_SIM_SEED"]),
        help="seed of the simulations (default %(default)s, the workshop notebooks' seed)",
    )
    parser.add_argument(
        "--max-participants",
        type=int_type(1),
        default=int(ENV_DEFAULTS["HIRING_SIM_MAX_PARTICIPANTS"]),
        help="pages served at once; the next one is told the room is full (default %(default)s)",
    )


def free_port(ip: str = "127.0.0.1") -> int:
    """A port the operating system reports free on ``ip`` right now."""
    with socket.socket(_family(ip), socket.SOCK_STREAM) as sock:
        sock.bind((ip, 0))
        return int(sock.getsockname()[1])


def _family(ip: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in ip else socket.AF_INET


def _port_is_free(ip: str, port: int) -> bool:
    with socket.socket(_family(ip), socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise OSError(f"cannot listen on {ip}: {exc.strerror}") from None
    return True


def url_for(ip: str, port: int) -> str:
    """The address to open in a browser for a server bound to ``ip:port``."""
    host = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(ip, ip)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def server_environment(options: argparse.Namespace, port: int) -> dict[str, str]:
    """Environment variables for the page (:mod:`sim.app.page`) and for Solara."""
    return {
        "HIRING_SIM_PROCESS": str(options.process),
        "HIRING_SIM_POOL": str(options.pool),
        "HIRING_SIM_SEED": str(options.seed),
        "HIRING_SIM_MAX_PARTICIPANTS": str(options.max_participants),
        "SOLARA_APP": "sim.app.page",
        "SOLARA_MODE": "production",
        "SERVER_NAME": str(options.ip),
        "SERVER_PORT": str(port),
        "SOLARA_KERNEL_CULL_TIMEOUT": CULL_TIMEOUT,
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_THEME_TITLE": "Hiring committee simulator",
        "SOLARA_THEME_LOADER": "plain",
        # Nothing leaves the machine: no usage statistics, no CDN.
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_ASSETS_CDN": NO_CDN,
        # plotly's widget bundle as a file the browsers can cache (see sim.app.page).
        "SOLARA_ASSETS_EXTRA_LOCATIONS": str(_plotly_package_data()),
        # Many pages share two cores: one BLAS thread per computation beats several
        # fighting for them (benchmarks/bench_widgets.py: ~3x on two cores).
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1"),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        "MKL_NUM_THREADS": os.environ.get("MKL_NUM_THREADS", "1"),
    }


def _plotly_package_data() -> Any:
    import importlib.resources

    return importlib.resources.files("plotly") / "package_data"


def run(options: argparse.Namespace) -> int:
    """Serve the app in this process until Ctrl-C or SIGTERM; 0 when stopped."""
    from ..io import load_process

    load_process(options.process)  # a bad name or file fails here, in one line, not in the page
    if options.port is None:
        ip = options.ip
        port = DEFAULT_PORT if _port_is_free(ip, DEFAULT_PORT) else free_port(ip)
    elif _port_is_free(options.ip, options.port):
        port = options.port
    else:
        raise OSError(f"port {options.port} on {options.ip} is in use; pick another with --port")
    # Solara reads its settings from the environment when it is first imported.
    os.environ.update(server_environment(options, port))
    url = url_for(options.ip, port)
    if options.ip not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"hiring-sim: warning: listening on {options.ip}: anyone who can reach this "
            "machine can open the page",
            file=sys.stderr,
        )
    print(
        f"Serving the explorers at {url}  (up to {options.max_participants} participants; "
        "Ctrl-C stops the server)",
        flush=True,
    )
    import uvicorn

    uvicorn.run(
        "solara.server.starlette:app",
        host=options.ip,
        port=port,
        log_level="warning",
        # Widget messages go to laptops in the same room: compressing each one cost ~7 % of
        # the server's CPU (py-spy over page loads), which is the room's bottleneck.
        ws_per_message_deflate=False,
    )
    return 0
