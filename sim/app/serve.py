"""Serve the explorers as a standalone web page with Voila (``hiring-sim app``).

The server binds to 127.0.0.1 unless told otherwise and prints its URL;
Ctrl-C (or SIGTERM) stops it, and Voila shuts its kernels down on the way out.
Voila is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys

from . import NOTEBOOK

__all__ = ["DEFAULT_PORT", "cmd_app", "free_port", "url_for"]

#: Voila's usual port; taken when free and no --port is given.
DEFAULT_PORT = 8866


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


def cmd_app(args: argparse.Namespace) -> int:
    """Run the Voila server in this process until Ctrl-C or SIGTERM."""
    from ..io import load_process

    load_process(args.process)  # a bad name or file fails here, in one line, not in the page
    if args.port is None:
        port = DEFAULT_PORT if _port_is_free(args.ip, DEFAULT_PORT) else free_port(args.ip)
    elif _port_is_free(args.ip, args.port):
        port = args.port
    else:
        raise OSError(f"port {args.port} on {args.ip} is in use; pick another with --port")
    os.environ.update(
        HIRING_SIM_PROCESS=str(args.process),
        HIRING_SIM_POOL=str(args.pool),
        HIRING_SIM_SEED=str(args.seed),
    )
    # Each page has its own kernel doing small matrix products per slider move: one BLAS
    # thread per kernel is faster than several fighting for the cores (benchmarks/
    # bench_widgets.py: ~3x on two cores). Kernels inherit this environment.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    url = url_for(args.ip, port)
    if args.ip not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"hiring-sim: warning: listening on {args.ip}: anyone who can reach this machine "
            "can open the page",
            file=sys.stderr,
        )
    print(f"Serving the explorers at {url}  (Ctrl-C stops the server)", flush=True)

    from voila.app import Voila

    Voila.launch_instance(
        argv=[
            str(NOTEBOOK),
            "--no-browser",
            f"--port={port}",
            f"--Voila.ip={args.ip}",
            "--Voila.port_retries=0",
            "--VoilaConfiguration.show_tracebacks=False",
            # A closed page leaves its kernel behind; shut down those no browser is
            # connected to after five idle minutes (open pages are never culled).
            "--MappingKernelManager.cull_interval=60",
            "--MappingKernelManager.cull_idle_timeout=300",
            "--MappingKernelManager.cull_connected=False",
        ]
    )
    return 0
