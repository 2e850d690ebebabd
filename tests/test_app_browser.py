"""End to end: ``hiring-sim app`` in headless Chromium (Debian's, driven by Playwright).

Starts the app on a free port with one seat, loads the page, checks that the
first render shows what the Python API gives for the same seed, moves the
threshold slider with the keyboard and checks the plot and the read-out against
the API again, then presses 50 times quickly and checks the final state. Opens
every other tab and checks its explorer's first render against the API. A
second participant is told the room is full, and gets the seat once the first
one closes their page. No request may leave 127.0.0.1 (no CDN, no fonts, no
telemetry), and the server may not try one either. Saves a screenshot of every
tab and of the "room is full" page to ``test-artifacts/`` and timings to
``test-artifacts/browser_timings.json``; on failure a screenshot, the server log
and the browser console there.

Without /usr/bin/chromium the test is skipped, except when ``CI`` is set: CI
must never skip it silently.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS, require_browser

import sim

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("HIRING_SIM_ARTIFACTS", ROOT / "test-artifacts"))
PROCESS, POOL, SEED = "amex_ai_pm_2026", 20_000, 2026  # the app's default seed
BINS = 40  # WeightExplorer's default
DISTRIBUTION_TRACES = 4  # the score distribution's bars come first in the explorer's figure
READOUT = ".hcs-explorer-weights .hcs-readout"
PLOT = ".hcs-figure-weights.js-plotly-plot"
HANDLE = ".hcs-control-threshold .noUi-handle"
TIMEOUT_MS = 120_000


# --------------------------------------------------------------------------- the API side
def expected(threshold: float) -> dict:
    """Hire rate and score-distribution bars the API gives for the app's pool at ``threshold``."""
    from sim.plots import score_distribution_figure

    process = sim.load_process(PROCESS)
    process = replace(process, debrief=replace(process.debrief, threshold=threshold))
    result = sim.simulate(process, n=POOL, rng=SEED)
    figure = score_distribution_figure(result, bins=BINS)
    counts = [np.asarray(trace.y).astype(int).tolist() for trace in figure.data]
    assert len(counts) == DISTRIBUTION_TRACES
    return {"hire_rate": result.summary()["hire_rate"], "counts": counts}


# --------------------------------------------------------------------------- the server
class Server:
    def __init__(self, workdir: Path) -> None:
        self.log_path = workdir / "server.log"
        port = _free_port()
        self.address = ("127.0.0.1", port)
        self.url = f"http://127.0.0.1:{port}/"
        env = dict(os.environ)
        for name, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("IPYTHONDIR", "ipython"),
            ("SOLARA_HOME", "solara"),
        ):
            env[name] = str(workdir / sub)
        env["PYTHONUNBUFFERED"] = "1"
        self._log = self.log_path.open("w")
        self.started = time.perf_counter()
        command = [sys.executable, "-m", "sim.cli", "app", "--port", str(port)]
        command += ["--seed", str(SEED), "--max-participants", "1"]
        self.proc = subprocess.Popen(
            command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=workdir,
            start_new_session=True,  # its own process group: anything it starts stops with it
        )

    def wait_until_up(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"hiring-sim app exited ({self.proc.returncode}):\n{self.log}"
                )
            with contextlib.suppress(OSError), socket.create_connection(self.address, timeout=2):
                return
            time.sleep(0.2)
        raise AssertionError(f"hiring-sim app did not answer within {timeout} s:\n{self.log}")

    @property
    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the server closes every page's state
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything left in the group
        self._log.close()


def _free_port() -> int:
    from sim.app.serve import free_port

    return free_port("127.0.0.1")


# --------------------------------------------------------------------------- page helpers
_COUNTS_JS = (
    f"document.querySelector({PLOT!r}).data.slice(0, {DISTRIBUTION_TRACES})"
    ".map(t => Array.from(t.y, Number))"
)


def readout(page) -> dict:
    return page.evaluate(
        f"""() => {{
            const box = document.querySelector({READOUT!r});
            const rate = box.querySelector('[data-metric="hire_rate"]');
            return {{state: JSON.parse(box.dataset.state), hire_rate: Number(rate.dataset.value),
                     text: rate.textContent}};
        }}"""
    )


def wait_for_counts(page, counts: list[list[int]]) -> None:
    page.wait_for_function(
        f"""want => {{
            const plot = document.querySelector({PLOT!r});
            if (!plot || !plot.data) return false;
            return JSON.stringify({_COUNTS_JS}) === JSON.stringify(want);
        }}""",
        arg=counts,
        polling="raf",
        timeout=TIMEOUT_MS,
    )


def wait_for_threshold(page, threshold: float) -> None:
    page.wait_for_function(
        f"""want => {{
            const box = document.querySelector({READOUT!r});
            return box && Math.abs(JSON.parse(box.dataset.state).threshold - want) < 1e-9;
        }}""",
        arg=threshold,
        polling="raf",
        timeout=TIMEOUT_MS,
    )


def slider_value(page) -> float:
    """The value the threshold slider shows in the browser (its number box shows it too)."""
    return float(page.get_attribute(HANDLE, "aria-valuetext"))  # valuenow is rounded


def press_and_time(page, key: str) -> float:
    """Seconds from a key press on the threshold handle to new plot data."""
    page.evaluate(
        f"""() => {{
            window.__hcsBefore = JSON.stringify({_COUNTS_JS});
            window.__hcsStart = performance.now();
        }}"""
    )
    page.keyboard.press(key)
    page.wait_for_function(
        f"""() => JSON.stringify({_COUNTS_JS}) !== window.__hcsBefore""",
        polling="raf",
        timeout=TIMEOUT_MS,
    )
    return page.evaluate("() => (performance.now() - window.__hcsStart) / 1000")


# --------------------------------------------------------------------------- the test
def test_app_in_headless_chromium(tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import sync_playwright

    first = expected(sim.load_process(PROCESS).debrief.threshold)
    server = Server(tmp_path)
    page_errors: list[str] = []
    console: list[str] = []
    blocked: list[str] = []
    timings: dict[str, object] = {}
    page = None
    try:
        server.wait_until_up()
        timings["server_answers_s"] = time.perf_counter() - server.started
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )

            def participant():
                """A new participant: a context of their own (cookies), local requests only."""
                context = browser.new_context(viewport={"width": 1400, "height": 1000})

                def only_local(route) -> None:
                    # Nothing may leave the machine: no CDN, no fonts, no telemetry.
                    if route.request.url.startswith((server.url, "blob:", "data:")):
                        route.continue_()
                    else:
                        blocked.append(route.request.url)
                        route.abort()

                context.route("**/*", only_local)
                new = context.new_page()
                new.on(
                    "pageerror",
                    lambda exc: page_errors.append(f"{exc.name}: {exc.message}\n{exc.stack}"),
                )
                new.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
                return new

            page = participant()
            try:
                _drive(page, server, first, timings)
                _other_tabs(page, timings)
                _room_full(participant, page, server, timings)
            except BaseException:
                _save_failure(page, server, console, page_errors, blocked)
                raise
            finally:
                browser.close()
        assert not page_errors, f"page errors: {page_errors}"
        assert not blocked, f"requests that left the machine: {sorted(set(blocked))}"
        assert "Could not load URL" not in server.log, "the server tried to reach a CDN"
    except BaseException:
        _save_failure(None, server, console, page_errors, blocked)
        raise
    finally:
        server.stop()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "browser_timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    print(f"\nbrowser timings: {json.dumps(timings)}")


def _drive(page, server: Server, first: dict, timings: dict) -> None:
    # First render: the read-out and the plot must already show the API's numbers.
    page.goto(server.url, timeout=TIMEOUT_MS)
    page.wait_for_selector(READOUT, timeout=TIMEOUT_MS)
    page.wait_for_selector(f"{PLOT} .main-svg", timeout=TIMEOUT_MS)
    # Read once, no waiting: a stale first render (the Voila pitfall) fails here.
    assert page.evaluate(f"() => {_COUNTS_JS}") == first["counts"], "stale first render"
    timings["start_to_first_correct_render_s"] = time.perf_counter() - server.started
    shown = readout(page)
    assert shown["hire_rate"] == first["hire_rate"]
    assert shown["text"] == f"{100 * first['hire_rate']:.1f} %"
    assert not page.is_visible("text=build_app"), "a code cell is visible"
    assert page.is_visible("text=What the numbers mean")
    _screenshot(page, "app_tab_weights.png")

    # One key press: plot data and read-out move to the API's value for the new threshold.
    start = slider_value(page)
    page.focus(HANDLE)
    page.keyboard.press("ArrowRight")
    moved = round(start + 0.05, 2)
    assert slider_value(page) == pytest.approx(moved)
    want = expected(moved)
    wait_for_counts(page, want["counts"])
    wait_for_threshold(page, moved)
    assert readout(page)["hire_rate"] == want["hire_rate"]
    assert want["counts"] != first["counts"]

    # Latency, slider to plot: alternate right and left so every press changes the data.
    latencies = [press_and_time(page, key) for key in ("ArrowRight", "ArrowLeft") * 5]
    timings["slider_to_plot_s"] = {
        "median": float(np.median(latencies)),
        "max": float(np.max(latencies)),
        "samples": len(latencies),
    }

    # 50 quick presses: the final state must be consistent with the final slider value.
    for _ in range(50):
        page.keyboard.press("ArrowLeft")
    final = slider_value(page)
    assert final == pytest.approx(moved - 50 * 0.05)
    want = expected(final)
    wait_for_threshold(page, final)
    wait_for_counts(page, want["counts"])
    shown = readout(page)
    assert shown["hire_rate"] == want["hire_rate"]
    assert shown["state"]["threshold"] == pytest.approx(final)

    # The number box beside the slider takes a typed value; the slider keeps its grid.
    box = ".hcs-threshold-box input"
    assert float(page.input_value(box)) == pytest.approx(final)
    page.fill(box, "6.83")
    page.press(box, "Enter")
    wait_for_threshold(page, 6.85)
    want = expected(6.85)
    wait_for_counts(page, want["counts"])
    assert readout(page)["hire_rate"] == want["hire_rate"]
    page.wait_for_function(f"() => document.querySelector({box!r}).value === '6.85'")
    assert slider_value(page) == pytest.approx(6.85)

    # The what-if tab builds its explorer when opened; its first render is the closed form.
    process = sim.load_process(PROCESS)
    first_profile = next(iter(sim.load_profiles(PROCESS, process=process).values()))
    exact = sim.hire_probability(process, first_profile).hire
    page.click(".hcs-tabs .lm-TabBar-tab >> text=One candidate")
    box = ".hcs-explorer-what-if .hcs-readout [data-metric='hire_probability']"
    page.wait_for_selector(box, timeout=TIMEOUT_MS)
    page.wait_for_selector(".hcs-figure-what-if.js-plotly-plot .main-svg", timeout=TIMEOUT_MS)
    assert float(page.get_attribute(box, "data-value")) == exact
    _has_data(page, "what-if")
    assert page.is_visible(f"text={first_profile.description[:30]}")  # the preset's words
    _screenshot(page, "app_tab_one_candidate.png")


def _has_data(page, name: str) -> None:
    """The explorer's figure holds traces (an empty figure is a lost first render)."""
    count = page.evaluate(
        f"() => document.querySelector('.hcs-figure-{name}.js-plotly-plot').data.length"
    )
    assert count > 0, f"the {name} figure is empty"


def _screenshot(page, name: str) -> None:
    """The whole page as a participant scrolls through it (the app scrolls inside its frame)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 2600})
    page.wait_for_timeout(800)  # let the page's fade-in and the figures' resize finish
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})


def _other_tabs(page, timings: dict) -> None:
    """The debrief room and the panel designer: first renders equal the API's numbers."""
    process = sim.load_process(PROCESS)
    first_profile = next(iter(sim.load_profiles(PROCESS, process=process).values()))
    start = time.perf_counter()
    page.click(".hcs-tabs .lm-TabBar-tab >> text=Debrief room")
    box = ".hcs-explorer-debrief .hcs-readout [data-metric='hire_probability']"
    page.wait_for_selector(box, timeout=TIMEOUT_MS)
    page.wait_for_selector(".hcs-figure-debrief.js-plotly-plot .main-svg", timeout=TIMEOUT_MS)
    timings["debrief_tab_s"] = time.perf_counter() - start
    exact = sim.hire_probability(process, first_profile).hire
    assert float(page.get_attribute(box, "data-value")) == exact
    _has_data(page, "debrief")
    _screenshot(page, "app_tab_debrief_room.png")

    start = time.perf_counter()
    page.click(".hcs-tabs .lm-TabBar-tab >> text=Panel design")
    box = ".hcs-explorer-panel .hcs-readout [data-metric='validity']"
    page.wait_for_selector(box, timeout=TIMEOUT_MS)
    page.wait_for_selector(".hcs-figure-panel.js-plotly-plot .main-svg", timeout=TIMEOUT_MS)
    timings["panel_tab_s"] = time.perf_counter() - start
    one_rater = sim.simulate(process, n=POOL, rng=SEED).summary()["validity"]
    assert float(page.get_attribute(box, "data-value")) == one_rater
    _has_data(page, "panel")
    assert page.locator(".hcs-glossary:visible").count() == 1  # this tab's, explained
    _screenshot(page, "app_tab_panel_design.png")


def _room_full(participant, page, server: Server, timings: dict) -> None:
    """One seat: the next participant is told so, and is seated once the first one leaves."""
    late = participant()
    late.goto(server.url, timeout=TIMEOUT_MS)
    late.wait_for_selector("text=The room is full", timeout=TIMEOUT_MS)
    assert late.is_visible("text=The one seat of this workshop is taken")
    assert not late.query_selector(READOUT), "a participant beyond the cap got explorers"
    _screenshot(late, "app_room_full.png")
    page.close(run_before_unload=True)  # the first participant leaves
    start = time.perf_counter()
    deadline = time.monotonic() + 120
    while not late.query_selector(READOUT):
        assert time.monotonic() < deadline, "the seat was not given back"
        if late.query_selector(".hcs-retry"):
            late.click(".hcs-retry")
        late.wait_for_timeout(1000)
    timings["seat_given_back_s"] = time.perf_counter() - start
    late.wait_for_selector(f"{PLOT} .main-svg", timeout=TIMEOUT_MS)
    _has_data(late, "weights")


def _save_failure(page, server: Server, console, page_errors, blocked) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if page is not None:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / "browser_failure.png"), full_page=True)
    with contextlib.suppress(OSError):
        shutil.copyfile(server.log_path, ARTIFACTS / "browser_server.log")
    (ARTIFACTS / "browser_console.log").write_text(
        "\n".join(
            [
                *console,
                *(f"pageerror: {e}" for e in page_errors),
                *(f"blocked: {u}" for u in blocked),
            ]
        )
        + "\n"
    )
