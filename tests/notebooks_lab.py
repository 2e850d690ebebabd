"""Run All of workshop notebooks in JupyterLab in headless Chromium, and headless by nbclient.

The shared machinery of ``tests/test_notebooks_browser.py`` and
``tests/test_notebooks_browser_2.py``: each file takes one part of the notebooks
(:data:`PARTS`), so the two pytest-xdist workers (``--dist loadfile``) share the
browser work instead of one worker doing all of it.

A browser attached to a kernel answers widget updates (a slider snaps a value set
from Python to its step and sends it back); nbval runs without a browser and never
sees it. So each part starts one JupyterLab (127.0.0.1, a free port, a token, its
own config, data, runtime and settings folders; stopped by its PID), opens each of
its notebooks in Debian's Chromium through Playwright, runs Run All, waits for the
kernel to stay idle, and asks the page's kernel for every explorer's ``state``
and read-out numbers (``sim.widgets._base.live_explorers``). The same notebook
executed headless by nbclient (in a separate process, while the browser works) must give
the same list. The headless runs also give the guide numbers, which must equal
``notebooks/guide_numbers.json`` (the facilitator guide's source).

A screenshot of each notebook after Run All goes to ``test-artifacts/notebooks/``
(``HIRING_SIM_ARTIFACTS`` moves it); with ``HIRING_SIM_SCREENSHOTS=1`` one of every
figure, table and explorer too, so a person can look at what a participant sees
(about a minute more). ``HIRING_SIM_NOTEBOOKS=02,05`` runs a subset. Without
/usr/bin/chromium the browser part is skipped, except when ``CI`` is set.

Slow cells are not stalls. Notebook 07's ``WhatIfExplorer(fitted, ...)`` cell is
the slowest by far (its tipping points fall back to Monte Carlo on the fitted
process: about a minute of CPU, several minutes of wall time when the shared
two cores are loaded); a 120 s cell timeout with a retry turned that busy cell
into a "stall" and ran the notebook again. A cell now has :data:`CELL_TIMEOUT_S`
(a wedged kernel still fails, with the cell named), and no run is repeated.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from queue import Empty

import nbformat
import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS, require_browser
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: The notebooks of each browser test file, by number. About the same browser time a part
#: (Run All in JupyterLab, measured: 01-06 about 140 s, 07-09 about 165 s, 07 alone 133 s).
PARTS = (("01", "02", "03", "04", "05", "06"), ("07", "08", "09"))
ARTIFACTS = Path(os.environ.get("HIRING_SIM_ARTIFACTS", ROOT / "test-artifacts")) / "notebooks"
TOKEN = "hcs-notebooks-test"
TIMEOUT_MS = 180_000
QUIET_S = 2.0  # the kernel must stay idle this long: late widget echoes would arrive by then
#: A cell's limit: a wedged kernel fails with the cell named. Generous, since the slowest
#: cell (07's WhatIfExplorer) took 314 s of wall time at load average 12 on two cores.
HEADLESS_CELL_TIMEOUT_S = 300  # nbclient's limit a cell (the slowest takes ~60 s at load 2)
CELL_TIMEOUT_S = 1200  # also the browser's wait for Run All to settle (180 s failed 07)

#: Printed by the probe: every live explorer's class, state and read-out numbers.
PROBE = """\
import json as _hcs_json
from sim.widgets._base import live_explorers as _hcs_live
print("HCS-PROBE" + _hcs_json.dumps([
    {"explorer": type(e).__name__, "state": e.state,
     "readout": {key: value for key, _, value, _ in e._readout()}}
    for e in _hcs_live()
], default=float))
"""

sys.path.insert(0, str(ROOT / "notebooks"))
import guide_numbers  # noqa: E402


def part(index: int) -> list[Path]:
    """The notebooks of part ``index`` of :data:`PARTS` (``HIRING_SIM_NOTEBOOKS`` narrows it)."""
    only = os.environ.get("HIRING_SIM_NOTEBOOKS")  # e.g. "02,05": a subset while developing
    return [
        path
        for path in NOTEBOOKS
        if path.name[:2] in PARTS[index] and (not only or path.name[:2] in only.split(","))
    ]


# --------------------------------------------------------------------------- headless
def run_headless(path: Path, workdir: Path) -> dict:
    """Execute a copy of ``path`` with nbclient; return its probe and guide numbers.

    The client is :class:`_SlicedPollClient`: nbclient's own waits missed replies and
    waited out the whole cell timeout. A cell gets :data:`HEADLESS_CELL_TIMEOUT_S`; if
    it still gets no reply the notebook runs once more on a fresh kernel, and a real
    failure fails both runs.
    """
    for attempt in range(2):
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(PROBE))
        client = _SlicedPollClient(
            nb,
            timeout=HEADLESS_CELL_TIMEOUT_S,
            kernel_name="python3",
            resources={"metadata": {"path": str(workdir)}},
        )
        try:
            client.execute(env={**os.environ, guide_numbers.ENV: "1"})  # guide cells print
        except (CellTimeoutError, TimeoutError):
            if attempt:
                raise
            print(f"{path.name}: a cell gave no reply in {HEADLESS_CELL_TIMEOUT_S} s; again")
            continue
        break
    return {"probe": _probe_of(_stdout(nb.cells[-1])), "guide": guide_numbers.numbers_of(nb.cells)}


#: The longest one wait on a kernel socket lasts before it looks again (see below).
POLL_SLICE_S = 0.5


class _SlicedPollClient(NotebookClient):
    """nbclient, but no wait on a kernel socket lasts longer than :data:`POLL_SLICE_S`.

    nbclient waits for a cell's ``execute_reply`` with one ``zmq.asyncio`` poll that
    lasts the whole cell timeout, and for its output with one that never ends. That
    poll sometimes misses its wake-up (pyzmq 27.3, jupyter_client 8.10, nbclient 0.11):
    measured with a 25 s cell timeout, the reply to a ``with answer():`` cell of 02 or
    06, sent by the kernel within 0.3 s, was read 24.7-25.0 s later, when pyzmq's last
    check at the timeout found it; no error, so only the time showed it. Notebook 02
    waited out the timeout in 3 of 12 runs, and 01-06 had 4 misses in 5 runs. With the
    300 s :data:`HEADLESS_CELL_TIMEOUT_S` each miss cost 300 s: the 01-06 browser test
    took 708 s (546 s waiting for these runs), and its headless runs alone 401 s
    (unloaded, 95 s without a miss). Waits of at most :data:`POLL_SLICE_S` each end with
    that check; with them no message was read later than 0.3 s after it was sent (36
    notebook runs), and the cell timeout is still the total wait.
    """

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        kc.shell_channel.get_msg = _sliced(kc.shell_channel.get_msg)
        kc.iopub_channel.get_msg = _sliced(kc.iopub_channel.get_msg)
        return kc


def _sliced(get_msg):
    """``get_msg(timeout)`` as waits of at most :data:`POLL_SLICE_S`, same total timeout."""

    async def get_msg_sliced(timeout: float | None = None) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SLICE_S if deadline is None else deadline - time.monotonic()
            try:
                return await get_msg(timeout=max(0.0, min(POLL_SLICE_S, left)))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return get_msg_sliced


def _stdout(cell) -> str:
    return "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )


def _probe_of(text: str) -> list:
    line = next(ln for ln in text.splitlines() if ln.startswith("HCS-PROBE"))
    return json.loads(line[len("HCS-PROBE") :])


def headless_runs(notebooks: list[Path], workdir: Path) -> Iterator[dict[str, Future]]:
    """Headless runs of ``notebooks``, queued at once in one background process (a module
    fixture's body: the runs overlap with the browser's).

    A process, not a thread: nbclient's event loop and ZMQ sockets in a thread of the
    process that drives Playwright hung for good (every kernel idle, the cell's reply
    never read) in about one suite run in three.
    """
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    futures = {p.name: pool.submit(run_headless, p, workdir) for p in notebooks}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        floats = isinstance(a, float) and isinstance(b, float)
        if floats and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


# --------------------------------------------------------------------------- JupyterLab
class Lab:
    """JupyterLab on 127.0.0.1 with its own folders, stopped by PID."""

    def __init__(self, workdir: Path, notebooks: list[Path]) -> None:
        self.root = workdir / "notebooks"
        self.root.mkdir()
        for path in notebooks:
            shutil.copy(path, self.root / path.name)
        env = dict(os.environ)
        for name, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("IPYTHONDIR", "ipython"),
        ):
            env[name] = str(workdir / sub)
        settings = workdir / "settings" / "@jupyterlab"
        # Render every cell (no windowing): every explorer's views exist, as on a tall screen.
        _write_json(
            settings / "notebook-extension" / "tracker.jupyterlab-settings",
            {"windowingMode": "none"},
        )
        _write_json(
            settings / "apputils-extension" / "notification.jupyterlab-settings",
            {"checkForUpdates": False, "fetchNews": "false"},
        )
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = workdir / "lab.log"
        self._log = self.log_path.open("w")
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root"]
        command += [
            f"--ServerApp.port={self.port}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
        ]
        self.proc = subprocess.Popen(
            command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=workdir,
            start_new_session=True,  # its kernels stop with its process group
        )

    def wait_until_up(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}api/status?token={TOKEN}", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text()[-4000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


def _write_json(path: Path, value: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- the page
_KERNEL = "window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel"

_SETTLED_JS = f"""() => {{
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && {_KERNEL};
  if (!kernel || kernel.status !== 'idle') return false;
  const prompts = [...panel.node.querySelectorAll('.jp-InputPrompt')];
  return prompts.length > 0 && !prompts.some(p => p.textContent.includes('*'));
}}"""

_EXECUTE_JS = f"""async (code) => {{
  const kernel = {_KERNEL};
  let text = '';
  const future = kernel.requestExecute({{code, silent: false, store_history: false}});
  future.onIOPub = (msg) => {{
    if (msg.header.msg_type === 'stream') text += msg.content.text;
    if (msg.header.msg_type === 'error') text += 'ERROR ' + msg.content.evalue;
  }};
  // Bounded: page.evaluate has no timeout of its own.
  const late = new Promise(
    (_, fail) => setTimeout(() => fail(new Error('probe timed out')), 600000));
  await Promise.race([future.done, late]);
  return text;
}}"""


# Shut the last notebook's kernel down (two shared cores), drop its tab unsaved, open ``name``.
# Nothing here may wait without a limit: page.evaluate has no timeout of its own, and an
# awaited docmanager:open once never resolved (the suite hung with every kernel idle). The
# open is started, not awaited; the caller waits for the notebook with a timeout.
_OPEN_JS = """async (name) => {
  const app = window.jupyterapp;
  const last = app.shell.currentWidget;
  const within = (promise, ms) => Promise.race([promise, new Promise(r => setTimeout(r, ms))]);
  if (last && last.sessionContext) {
    await within(last.sessionContext.shutdown(), 60000);
    last.context.model.dirty = false;
    last.dispose();
  }
  app.commands.execute('docmanager:open', {path: name});
}"""


def run_all_in_lab(page, lab: Lab, name: str) -> list:
    """Open ``name``, Run All, wait until the kernel stays idle; return the probe."""
    if page.url.startswith(lab.url):  # JupyterLab is loaded: close the last notebook, open this
        page.evaluate(_OPEN_JS, name)
    else:  # a fresh workspace: only this notebook open, nothing restored
        url = f"{lab.url}lab/workspaces/hcs-test/tree/{name}?reset&token={TOKEN}"
        page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_function(
        "(name) => window.jupyterapp?.shell.currentWidget?.context?.path === name",
        arg=name,
        timeout=TIMEOUT_MS,
    )
    page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached", timeout=TIMEOUT_MS)
    page.wait_for_function(_SETTLED_JS, timeout=TIMEOUT_MS)  # the kernel started
    # Run > Run All Cells, as a participant would.
    page.click(".lm-MenuBar-item:has-text('Run')")
    page.click(".lm-Menu-item:has-text('Run All Cells')")
    page.wait_for_function(
        f"() => [...document.querySelectorAll('.jp-InputPrompt')]"
        f".some(p => p.textContent.includes('*')) || {_KERNEL}.status === 'busy'",
        timeout=TIMEOUT_MS,
    )
    _wait_settled(page)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
    assert not tracebacks, f"{name}: a cell failed in JupyterLab: {tracebacks[0][:500]}"
    # Answers stay folded after Run All (JupyterLab unfolds a cell's own output when it runs).
    answers = page.locator(".hcs-answer")
    solutions = [
        c
        for c in nbformat.read(lab.root / name, as_version=4).cells
        if "solution" in c.metadata.get("tags", [])
    ]
    assert answers.count() == len(solutions), f"{name}: {answers.count()} answer boxes"
    for i in range(answers.count()):
        shown = answers.nth(i).locator(".jp-OutputArea-output")
        assert not any(shown.nth(j).is_visible() for j in range(shown.count())), (
            f"{name}: an exercise's answer shows after Run All"
        )
    text = page.evaluate(_EXECUTE_JS, PROBE)
    assert "ERROR" not in text, f"{name}: probe failed: {text}"
    return _probe_of(text)


def _wait_settled(page) -> None:
    """Idle, every cell run, and still idle ``QUIET_S`` later (late echoes would show)."""
    while True:
        page.wait_for_function(_SETTLED_JS, timeout=CELL_TIMEOUT_S * 1000, polling=200)
        quiet_until = time.monotonic() + QUIET_S
        while time.monotonic() < quiet_until and page.evaluate(_SETTLED_JS):
            page.wait_for_timeout(250)
        if page.evaluate(_SETTLED_JS):
            return


def screenshots(page, name: str) -> list[Path]:
    """The page after Run All; with ``HIRING_SIM_SCREENSHOTS=1`` every output taller
    than a line too (figures, explorers, tables), as a participant sees it."""
    folder = ARTIFACTS / name.removesuffix(".ipynb")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    page.wait_for_timeout(500)  # let figures finish their first layout
    shots = [folder / "page.png"]
    page.screenshot(path=str(shots[0]))
    if not os.environ.get("HIRING_SIM_SCREENSHOTS"):
        return shots
    outputs = page.locator(".jp-OutputArea-output")
    for i in range(outputs.count()):
        output = outputs.nth(i)
        box = output.bounding_box()
        if box is None or box["height"] < 150:  # one-line prints: nothing to look at
            continue
        path = folder / f"output_{i:02d}.png"
        output.scroll_into_view_if_needed()
        page.wait_for_timeout(150)
        output.screenshot(path=str(path))
        shots.append(path)
    return shots


def run_all_and_compare(notebooks: list[Path], tmp_path: Path, headless: dict, label: str) -> None:
    """Run All of every notebook in one JupyterLab and one Chromium page; each explorer's
    final state and read-outs must be the headless run's."""
    if not notebooks:
        pytest.skip("HIRING_SIM_NOTEBOOKS leaves this part no notebook")
    require_browser()
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    lab = Lab(tmp_path, notebooks)
    timings: dict[str, float] = {}
    mismatches = []
    try:
        lab.wait_until_up()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,  # Playwright gives it a fresh temporary profile
            )
            page = browser.new_page(viewport={"width": 1400, "height": 2400})
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                    else route.abort()
                ),
            )
            for path in notebooks:
                t0 = time.perf_counter()
                try:
                    shown = run_all_in_lab(page, lab, path.name)
                except Exception:
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / f"failure_{path.stem}.png"))
                    raise
                screenshots(page, path.name)
                timings[path.name] = round(time.perf_counter() - t0, 1)
                want = headless[path.name].result()["probe"]
                if not _same(shown, want):
                    mismatches.append((path.name, shown, want))
            browser.close()
    except Exception:
        print(lab.log())
        raise
    finally:
        lab.stop()
    timings["total_s"] = round(time.perf_counter() - started, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"timings_{label}.json").write_text(json.dumps(timings, indent=1) + "\n")
    print(f"\nnotebooks in JupyterLab: {json.dumps(timings)}; screenshots in {ARTIFACTS}")
    assert not mismatches, "\n\n".join(
        f"{name}: after Run All in JupyterLab\n  {shown}\nheadless\n  {want}"
        for name, shown, want in mismatches
    )


def check_guide_numbers(notebooks: list[Path], headless: dict) -> None:
    """``guide_numbers.json`` (the guide's source) is what ``notebooks`` print today."""
    stored = guide_numbers.load_numbers()
    for path in notebooks:
        fresh = headless[path.name].result()["guide"]
        key = path.name[:2]
        assert (key in stored) == bool(fresh), f"{path.name}: guide cell and JSON disagree"
        if not fresh:
            continue
        assert stored[key].keys() == fresh.keys(), path.name
        for name, value in fresh.items():
            assert _same(stored[key][name], value), (
                f"{path.name}: {name} is {value!r} now, the guide quotes {stored[key][name]!r}:"
                " run .venv/bin/python notebooks/refresh_outputs.py"
            )
