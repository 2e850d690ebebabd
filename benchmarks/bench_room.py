"""A room of participants: N real headless Chromium pages on ``hiring-sim app``.

Run:  python benchmarks/bench_room.py [--n 1 10 30] [--at-once 10] [--server solara|voila]

For each N a fresh server starts on 127.0.0.1 (temporary Jupyter/IPython/Solara
folders), then N participants (each its own browser context, so its own
cookies) open the page, ``--at-once`` at a time, and each page's *first render*
is timed from the request to the weight explorer's read-out and plot on screen.
With all N open, *slider latency* is the time from a key press on the hire
threshold's slider to new plot data in that page: first every page in turn
("turns", one participant moving at a time), then every page at the same
moment ("together", the worst case of a room). *Memory* is the resident set of
the server process and all its children (psutil over the process tree),
summed, and the proportional set size (PSS) sum, which counts a page shared by
several processes once: the largest of the samples taken after loading and
after each slider phase. Requests leaving 127.0.0.1 are blocked and counted.

Targets (issue 12): 30 participants in <= 4.5 GB; first render <= 10 s with 10
loading at once; slider to plot <= 0.5 s median with 30 open. The browser runs
on the same machine as the server (and here, on two cores shared with other
work), so every time includes the browser's own work for all N pages: a room
of laptops has a browser each.

*The browser's floor* comes first: the same Chromium, with the same contexts,
opens ``--at-once`` pages at once from a static local server, twice: blank
pages, then pages that only load plotly.js (the bundle the app loads) and draw
the weight explorer's first figure, with no app, no widgets and no server work.
No front end that draws its figures with plotly.js in these browsers can render
10 pages at once faster than the second row, so it bounds what the first-render
target can mean on this machine.

``--server voila`` measures the alternative: Voila with a preheated kernel
pool (``--preheat_kernel``, ``--pool-size``), one kernel per page, on a
temporary notebook that shows the same :func:`sim.app.build_app`.
Prints one table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.async_api import TimeoutError as PlaywrightTimeout

CHROMIUM = os.environ.get("HIRING_SIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READOUT = ".hcs-explorer-weights .hcs-readout [data-metric='hire_rate']"
PLOT = ".hcs-figure-weights.js-plotly-plot"
HANDLE = ".hcs-control-threshold .noUi-handle"
SHOWN = f"{PLOT} .main-svg"  # the plot is drawn
TARGETS = {"memory_gb": 4.5, "first_render_s": 10.0, "slider_median_s": 0.5}
TIMEOUT_MS = 180_000
LOST_AFTER_MS = 120_000
# Every trace's x and y: a threshold move updates the score distribution and the
# decision-swing bars in two messages, and a press is done when both have arrived (waiting
# for the first alone let the second land after the next press was armed, and be taken
# for that press's answer).
_DATA_JS = (
    f"JSON.stringify(document.querySelector({PLOT!r}).data"
    ".map(t => [Array.from(t.x || [], String), Array.from(t.y || [], String)]))"
)
NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "page",
            "metadata": {},
            "outputs": [],
            "source": "from sim.app import build_app, settings_from_env\n"
            "page = build_app(**settings_from_env())\npage",
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


# --------------------------------------------------------------------------- the server
class Server:
    """``hiring-sim app`` (or Voila) in its own process group, on a free local port."""

    def __init__(self, kind: str, workdir: Path, args: argparse.Namespace, seats: int) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ, PYTHONUNBUFFERED="1", HIRING_SIM_POOL=str(args.pool))
        for name in (
            "JUPYTER_CONFIG_DIR",
            "JUPYTER_DATA_DIR",
            "JUPYTER_RUNTIME_DIR",
            "IPYTHONDIR",
        ):
            env[name] = str(workdir / name.lower())
        env["SOLARA_HOME"] = str(workdir / "solara")
        if kind == "solara":
            command = [sys.executable, "-m", "sim.cli", "app", "--port", str(self.port)]
            command += ["--pool", str(args.pool), "--max-participants", str(seats)]
        else:
            notebook = workdir / "explorers.ipynb"
            notebook.write_text(json.dumps(NOTEBOOK))
            env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
            command = [sys.executable, "-m", "voila", str(notebook), "--no-browser"]
            command += [f"--port={self.port}", "--Voila.ip=127.0.0.1"]
            if args.pool_size:
                command += ["--preheat_kernel=True", f"--pool_size={args.pool_size}"]
        self.log_path = workdir / "server.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=workdir,
            start_new_session=True,
        )  # fmt: skip

    def wait_until_up(self, timeout: float = 180.0) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log_path.read_text()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return time.perf_counter() - start
            time.sleep(0.2)
        raise RuntimeError(f"server did not answer in {timeout} s")

    def memory(self) -> dict[str, float]:
        """RSS and PSS (bytes) summed over the server and all its children."""
        root = psutil.Process(self.proc.pid)
        rss = pss = 0.0
        processes = [root, *root.children(recursive=True)]
        for proc in processes:
            with contextlib.suppress(psutil.Error):
                info = proc.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
        return {"rss": rss, "pss": pss, "processes": len(processes)}

    def cpu_seconds(self) -> float:
        """CPU time (user + system, s) used so far by the server and its children."""
        return _cpu_seconds(psutil.Process(self.proc.pid))

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything left in the group
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self._log.close()


def _cpu_seconds(root: psutil.Process, name: str = "") -> float:
    """CPU seconds of ``root`` and its descendants (only those whose name has ``name``)."""
    total = 0.0
    for proc in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            if name in proc.name():
                times = proc.cpu_times()
                total += times.user + times.system
    return total


def browser_cpu_seconds() -> float:
    """CPU seconds of the Chromium processes this benchmark started."""
    return _cpu_seconds(psutil.Process(), "chrom")


# --------------------------------------------------------------------------- the floor
_FLOOR_PAGE = """<!doctype html><html><head><meta charset="utf-8">{script}</head><body>
<div id="plot" style="width:900px"></div><script>
const start = performance.now();
{draw}
</script></body></html>"""


def floor_pages(pool: int) -> dict[str, bytes]:
    """The floor's static site: a blank page, and plotly.js drawing the app's first figure."""
    import plotly
    from plotly.utils import PlotlyJSONEncoder

    import sim
    from sim.widgets import WeightExplorer

    bundle = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    explorer = WeightExplorer(sim.load_process("amex_ai_pm_2026"), n=pool, rng=0)
    figure = json.dumps(explorer.figure.to_dict(), cls=PlotlyJSONEncoder)
    done = "document.title = 'drawn';"
    draw = f"const f = {figure};\nPlotly.newPlot('plot', f.data, f.layout).then(() => {{{done}}});"
    return {
        "/blank.html": _FLOOR_PAGE.format(script="", draw=done).encode(),
        "/plotly.html": _FLOOR_PAGE.format(
            script='<script src="plotly.min.js"></script>', draw=draw
        ).encode(),
        "/plotly.min.js": bundle.read_bytes(),
    }


@contextlib.contextmanager
def static_site(pages: dict[str, bytes]):
    """A threaded HTTP server on 127.0.0.1 serving ``pages``; yields its base URL."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0])
            if body is None:
                self.send_error(404)
                return
            kind = "text/javascript" if self.path.endswith(".js") else "text/html"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def measure_floor(args: argparse.Namespace) -> dict:
    """Seconds (max over pages) and browser CPU seconds per page, ``--at-once`` at once."""
    from playwright.async_api import async_playwright

    async def one(browser, url: str) -> float:
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        start = time.perf_counter()
        await page.goto(url, timeout=TIMEOUT_MS)
        await page.wait_for_function(
            "() => document.title === 'drawn'", polling=POLL_MS, timeout=TIMEOUT_MS
        )
        seconds = time.perf_counter() - start
        await context.close()
        return seconds

    rows = {}
    with static_site(floor_pages(args.pool)) as base:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                for name in ("blank", "plotly"):
                    url = f"{base}/{name}.html"
                    await one(browser, url)  # the browser's own start-up, not counted
                    before = browser_cpu_seconds()
                    times = await asyncio.gather(*(one(browser, url) for _ in range(args.at_once)))
                    rows[name] = {
                        "max_s": max(times),
                        "median_s": statistics.median(times),
                        "browser_cpu_s_per_page": (browser_cpu_seconds() - before) / args.at_once,
                    }
            finally:
                await browser.close()
    return rows


# --------------------------------------------------------------------------- the pages
async def open_page(browser, url: str, blocked: list[str]):
    """A new participant: its own context; seconds from the request to the first render."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})

    async def only_local(route) -> None:
        if route.request.url.startswith(url) or route.request.url.startswith("blob:"):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_local)
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(url, timeout=TIMEOUT_MS)
    await page.wait_for_function(
        f"() => document.querySelector({READOUT!r}) && document.querySelector({SHOWN!r})",
        polling=POLL_MS,
        timeout=TIMEOUT_MS,
    )
    return context, page, time.perf_counter() - start


_STATE_JS = (  # the threshold the read-out was computed for (the kernel's state)
    'JSON.parse(document.querySelector(".hcs-explorer-weights .hcs-readout")'
    ".dataset.state).threshold"
)
_SHOWN_JS = f"Number(document.querySelector({HANDLE!r}).getAttribute('aria-valuetext'))"
#: Presses whose plot did not change in time, with what the page showed (see press_and_time).
LOST: list[dict] = []


#: Plot events after which the page checks for new data (the check also runs every poll).
_EVENTS = (
    "['plotly_afterplot', 'plotly_update', 'plotly_restyle', 'plotly_relayout', 'plotly_redraw']"
)
_ARM_JS = f"""() => {{
    const gd = document.querySelector({PLOT!r});
    const old = window.__hcsCheck;
    for (const name of {_EVENTS}) if (old) gd.removeListener(name, old);
    const before = {_DATA_JS};
    let last = before;
    window.__hcsBefore = before;
    window.__hcsState = {_STATE_JS};
    window.__hcsDone = null;
    window.__hcsCheck = () => {{
        const now = {_DATA_JS};
        if (now === last) return;
        last = now;
        window.__hcsDone = now === before ? null : performance.now();
    }};
    for (const name of {_EVENTS}) gd.on(name, window.__hcsCheck);
    window.__hcsStart = performance.now();
}}"""
#: A press is answered when the plot's data differ from before it and have not changed
#: for this long (its last change is the time taken).
QUIET_MS = 500
_ANSWERED_JS = (
    "() => { window.__hcsCheck(); return window.__hcsDone !== null"
    f" && performance.now() - window.__hcsDone > {QUIET_MS}; }}"
)
#: Milliseconds between the benchmark's checks of a page. Not "raf": polling on every
#: animation frame costs a page ~0.25 s of CPU per second (measured: 5 pages waiting 5 s,
#: 1.5 CPU-s with raf, 0.5 with 100 ms, 0.3 idle), which with 30 pages waiting at once is
#: more CPU than the machine has. The time itself is taken in the page when plotly
#: reports a redraw, so it does not depend on the poll.
POLL_MS = 100


async def press_and_time(page, key: str) -> float | None:
    """Seconds from a key press on the threshold's handle to new plot data (None: lost).

    "New plot data" is every trace's data differing from before the press and
    then quiet for ``QUIET_MS``, timed at its last change, in the page, on
    plotly's redraw events (or at the next poll if none fired). A press whose
    plot does not change within ``LOST_AFTER_MS`` is recorded in :data:`LOST`
    with the slider's value, the read-out's threshold (the state the server
    computed for) and whether the data changed, so a lost update can be told
    apart from a slow one or a press that moved nothing.
    """
    await page.focus(HANDLE)
    await page.evaluate(_ARM_JS)
    await page.keyboard.press(key)
    try:
        await page.wait_for_function(
            _ANSWERED_JS,
            polling=POLL_MS,
            timeout=LOST_AFTER_MS,
        )
    except PlaywrightTimeout:
        LOST.append(
            await page.evaluate(
                f"() => ({{key: {key!r}, slider: {_SHOWN_JS}, state_before: window.__hcsState,"
                f" state_now: {_STATE_JS}, bars_changed: {_DATA_JS} !== window.__hcsBefore}})"
            )
        )
        return None
    return await page.evaluate("() => (window.__hcsDone - window.__hcsStart) / 1000")


async def slider_turns(pages: list, presses: int) -> list[float]:
    """Every page in turn moves the slider: one participant at a time."""
    times = []
    for i in range(presses):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        for page in pages:
            seconds = await press_and_time(page, key)
            if seconds is not None:
                times.append(seconds)
    return times


async def slider_together(pages: list, rounds: int) -> list[float]:
    """Every page moves the slider at the same moment, ``rounds`` times."""
    times: list[float] = []
    for i in range(rounds):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        done = await asyncio.gather(*(press_and_time(page, key) for page in pages))
        times += [seconds for seconds in done if seconds is not None]
    return times


async def measure(n: int, args: argparse.Namespace) -> dict:
    """One fresh server, ``n`` participants: first renders, slider latencies, memory."""
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="bench-room-") as tmp:
        server = Server(args.server, Path(tmp), args, seats=max(n, args.seats))
        try:
            up = server.wait_until_up()
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                try:
                    return await _drive(browser, server, n, args, up)
                finally:
                    await browser.close()
        finally:
            server.stop()


async def _drive(browser, server: Server, n: int, args: argparse.Namespace, up: float) -> dict:
    blocked: list[str] = []
    LOST.clear()
    pages, renders, memory = [], [], []
    cpu = {"server": server.cpu_seconds(), "browser": browser_cpu_seconds()}
    for start in range(0, n, args.at_once):
        wave = min(args.at_once, n - start)
        opened = await asyncio.gather(
            *(open_page(browser, server.url, blocked) for _ in range(wave))
        )
        pages += [page for _, page, _ in opened]
        renders += [seconds for _, _, seconds in opened]
    memory.append(server.memory())
    load_cpu = {
        "server": server.cpu_seconds() - cpu["server"],
        "browser": browser_cpu_seconds() - cpu["browser"],
    }
    before = server.cpu_seconds()
    turns = await slider_turns(pages, max(1, args.presses // n) if n > 1 else args.presses)
    press_cpu = (server.cpu_seconds() - before) / len(turns)
    memory.append(server.memory())
    together = await slider_together(pages, args.rounds) if n > 1 else []
    memory.append(server.memory())
    peak = max(memory, key=lambda m: m["rss"])
    return {
        "n": n,
        "server_up_s": up,
        "first_render_s": renders,
        "slider_turns_s": turns,
        "slider_together_s": together,
        "rss_gb": peak["rss"] / 1e9,
        "pss_gb": max(m["pss"] for m in memory) / 1e9,
        "processes": peak["processes"],
        "server_cpu_s_per_load": load_cpu["server"] / n,
        "browser_cpu_s_per_load": load_cpu["browser"] / n,
        "server_cpu_s_per_press": press_cpu,
        "load_average": os.getloadavg()[0],
        "blocked_requests": len(blocked),
        "lost_presses": list(LOST),
    }


# --------------------------------------------------------------------------- the report
def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(rows: list[dict], args: argparse.Namespace, floor: dict | None) -> None:
    if floor:
        print(
            f"Browser floor, {args.at_once} pages at once from a static local server "
            "(no app, no server work):"
        )
        labels = {"blank": "blank page", "plotly": "plotly.js + the explorer's first figure"}
        for name, r in floor.items():
            print(
                f"  {labels[name]:<42} render max {r['max_s']:6.2f} s, median "
                f"{r['median_s']:6.2f} s; browser {r['browser_cpu_s_per_page']:.2f} CPU-s/page"
            )
    server = args.server + (f" (preheated pool {args.pool_size})" if args.pool_size else "")
    print(
        f"Room benchmark: {server}, pool {args.pool:,}, {args.at_once} pages loading at once; "
        f"browser on the same machine ({os.cpu_count()} cores)"
    )
    head = (
        f"{'N':>3} {'render med s':>12} {'render max s':>12} {'slider med s':>12} "
        f"{'slider p90 s':>12} {'together med s':>14} {'RSS GB':>7} {'PSS GB':>7} "
        f"{'MB/page':>8} {'procs':>5} {'offsite':>7} {'lost':>4}"
    )
    print(head)
    for r in rows:
        turns = sorted(r["slider_turns_s"])
        p90 = turns[int(0.9 * (len(turns) - 1))] if turns else float("nan")
        print(
            f"{r['n']:>3} {_median(r['first_render_s']):>12.2f} {max(r['first_render_s']):>12.2f} "
            f"{_median(turns):>12.3f} {p90:>12.3f} {_median(r['slider_together_s']):>14.3f} "
            f"{r['rss_gb']:>7.2f} {r['pss_gb']:>7.2f} {1000 * r['rss_gb'] / r['n']:>8.0f} "
            f"{r['processes']:>5} {r['blocked_requests']:>7} {len(r['lost_presses']):>4}"
        )
        for lost in r["lost_presses"]:
            print(f"    lost press (no new plot in {LOST_AFTER_MS / 1000:.0f} s): {lost}")
    print(
        "CPU seconds, which the machine's other work does not inflate: per page load, "
        "server and browser; per slider press, server"
    )
    for r in rows:
        print(
            f"{r['n']:>3} server {r['server_cpu_s_per_load']:.2f} s/load, browser "
            f"{r['browser_cpu_s_per_load']:.2f} s/load, server "
            f"{1000 * r['server_cpu_s_per_press']:.0f} ms/press; 1-min load average "
            f"{r['load_average']:.1f} on {os.cpu_count()} cores"
        )
    print(
        f"targets: N=30 RSS <= {TARGETS['memory_gb']} GB; first render <= "
        f"{TARGETS['first_render_s']:.0f} s with 10 loading at once (max over pages); slider "
        f"median <= {TARGETS['slider_median_s']} s with 30 open"
    )
    for r in rows:
        checks = [
            f"render max {max(r['first_render_s']):.2f} s / {TARGETS['first_render_s']:.0f} s "
            f"= {max(r['first_render_s']) / TARGETS['first_render_s']:.2f}",
            f"slider median {_median(r['slider_turns_s']):.3f} s / "
            f"{TARGETS['slider_median_s']} s = "
            f"{_median(r['slider_turns_s']) / TARGETS['slider_median_s']:.2f}",
            f"memory {r['rss_gb']:.2f} GB / {TARGETS['memory_gb']} GB = "
            f"{r['rss_gb'] / TARGETS['memory_gb']:.2f}",
        ]
        print(f"N={r['n']:>2}: " + "; ".join(checks))
    summary = {
        "server": args.server,
        "pool_size": args.pool_size,
        "browser_floor": floor,
        "rows": [
            {
                "n": r["n"],
                "first_render_median_s": _median(r["first_render_s"]),
                "first_render_max_s": max(r["first_render_s"]),
                "slider_turns_median_s": _median(r["slider_turns_s"]),
                "slider_together_median_s": _median(r["slider_together_s"]),
                "rss_gb": r["rss_gb"],
                "pss_gb": r["pss_gb"],
                "blocked_requests": r["blocked_requests"],
                "lost_presses": len(r["lost_presses"]),
                "server_cpu_s_per_load": r["server_cpu_s_per_load"],
                "browser_cpu_s_per_load": r["browser_cpu_s_per_load"],
                "server_cpu_s_per_press": r["server_cpu_s_per_press"],
                "load_average": r["load_average"],
            }
            for r in rows
        ],
    }
    print(json.dumps(summary))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1, 10, 30], help="participants")
    parser.add_argument("--at-once", type=int, default=10, help="pages loading at once")
    parser.add_argument("--pool", type=int, default=20_000, help="applicants per pool")
    parser.add_argument("--presses", type=int, default=60, help="slider presses, all pages")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of pressing together")
    parser.add_argument("--seats", type=int, default=30, help="--max-participants")
    parser.add_argument("--server", choices=("solara", "voila"), default="solara")
    parser.add_argument("--pool-size", type=int, default=0, help="voila: preheated kernels")
    parser.add_argument("--no-floor", action="store_true", help="skip the browser's floor")
    args = parser.parse_args()
    floor = None if args.no_floor else asyncio.run(measure_floor(args))
    if floor:
        print(f"browser floor: {json.dumps(floor)}", file=sys.stderr, flush=True)
    rows = []
    for n in args.n:
        rows.append(asyncio.run(measure(n, args)))
        print(f"measured N={n}: {json.dumps(rows[-1])}", file=sys.stderr, flush=True)
    report(rows, args, floor)


if __name__ == "__main__":
    main()
