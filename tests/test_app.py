"""``hiring-sim app`` without a browser: the seats, the page's shell, the command line.

The browser side (first render, slider, every tab, the "room is full" page, no
request leaving the machine) is tests/test_app_browser.py.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import default_signals

import sim
from sim.app import ENV_DEFAULTS, TABS, WORKSHOP_SEED, build_app, settings_from_env
from sim.app.admission import Room
from sim.app.serve import add_arguments, free_port, server_environment
from sim.validation import int_type

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


# --------------------------------------------------------------------------- the seats
@pytest.mark.parametrize("capacity", [1, 3, 30])
def test_room_seats_at_most_its_capacity_even_when_everyone_arrives_at_once(capacity):
    room = Room(capacity)
    start = threading.Barrier(100)
    seated: list[bool] = [False] * 100

    def arrive(i: int) -> None:
        start.wait()
        seated[i] = room.admit(f"page-{i}")

    threads = [threading.Thread(target=arrive, args=(i,)) for i in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(seated) == capacity == room.occupied
    assert all(room.is_seated(f"page-{i}") == s for i, s in enumerate(seated))


def test_a_seat_is_kept_by_its_page_and_given_back_when_it_leaves():
    room = Room(2)
    assert room.admit("a") and room.admit("b")
    assert not room.admit("c")
    assert room.admit("a")  # the same page again (a re-render) keeps its seat
    assert room.occupied == 2
    room.leave("a")
    room.leave("a")  # leaving twice, or without a seat, changes nothing
    room.leave("never-seated")
    assert room.occupied == 1
    assert room.admit("c") and not room.is_seated("a")


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, "3"])
def test_room_rejects_a_capacity_that_is_not_a_whole_number_of_seats(bad):
    with pytest.raises(ValueError, match="capacity"):
        Room(bad)


# --------------------------------------------------------------------------- the page
def test_default_seed_is_the_workshop_notebooks_seed():
    """The app shows the guide's numbers: its seed is the one the notebooks' explorers use."""
    seeds = set()
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        for cell in cells:
            source = "".join(cell["source"])
            for match in re.finditer(r"(?:WeightExplorer|PanelDesigner)\(.*?rng=(\d+)", source):
                seeds.add(int(match.group(1)))
            for match in re.finditer(r"sim\.simulate\(process, n=20_000, rng=(\d+)\)", source):
                seeds.add(int(match.group(1)))
    assert seeds == {WORKSHOP_SEED}, seeds
    assert settings_from_env({}) == {"process": "amex_ai_pm_2026", "n": 20_000, "seed": 2026}
    assert ENV_DEFAULTS["HIRING_SIM_SEED"] == str(WORKSHOP_SEED)
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    defaults = parser.parse_args([])
    assert defaults.seed == WORKSHOP_SEED and defaults.max_participants == 30


@pytest.mark.parametrize("seed", [0, 7, 2026])
def test_first_tab_shows_what_the_api_gives_for_the_seed(seed):
    page = build_app(n=1000, seed=seed)
    assert list(page.explorers) == ["weights"]  # the others wait for their tab
    api = sim.simulate(sim.load_process("amex_ai_pm_2026"), n=1000, rng=seed).summary()
    shown = page.explorers["weights"].metrics
    assert shown.keys() == api.keys()
    assert all((math.isnan(shown[k]) and math.isnan(api[k])) or shown[k] == api[k] for k in api)


def test_pages_start_from_one_shared_first_state_and_then_move_apart():
    """The weight explorer's first state is computed once per process; moves are a page's own."""
    from dataclasses import replace

    from sim.app.shared import SharedStartExplorer, clear_starts
    from sim.widgets import WeightExplorer

    clear_starts()
    process = sim.load_process("amex_ai_pm_2026")
    first, second = (build_app(process, n=2000, seed=5).explorers["weights"] for _ in range(2))
    assert isinstance(second, SharedStartExplorer)
    assert second.result is first.result  # shared, not recomputed
    fresh = WeightExplorer(process, n=2000, rng=5)
    assert second.metrics == fresh.metrics and second.state == fresh.state
    assert second.swing.equals(fresh.swing) and second.swing is not first.swing
    first.set_state(threshold=8.0, weights={"leadership": 0.5})
    assert second.state == fresh.state and second.metrics == fresh.metrics
    second.set_state(threshold=6.5)
    moved = replace(process, debrief=replace(process.debrief, threshold=6.5))
    assert second.metrics == sim.simulate(moved, n=2000, rng=5).summary()
    assert first.state["threshold"] == 8.0
    # Another seed or pool size is another first state.
    other = build_app(process, n=2000, seed=6).explorers["weights"]
    assert other.result is not first.result
    assert other.metrics == WeightExplorer(process, n=2000, rng=6).metrics


def test_threshold_has_a_number_box_that_takes_exact_values():
    from dataclasses import replace

    process = sim.load_process("amex_ai_pm_2026")
    explorer = build_app(process, n=1000, seed=2).explorers["weights"]
    slider = explorer.controls["threshold"]
    (row,) = [
        c for c in explorer.widget.children[0].children if slider in getattr(c, "children", ())
    ]
    box = row.children[1]
    assert "hcs-threshold-box" in box._dom_classes and box.value == slider.value
    box.value = 6.83  # typed: the slider keeps its 0.05 grid, the box shows what it kept
    assert slider.value == box.value == explorer.state["threshold"] == 6.85
    moved = replace(process, debrief=replace(process.debrief, threshold=6.85))
    assert explorer.metrics == sim.simulate(moved, n=1000, rng=2).summary()
    slider.value = 7.25  # a slider move shows in the box
    assert box.value == 7.25 and explorer.state["threshold"] == 7.25
    box.value = 99.0  # beyond the scale: the box clamps to the slider's range
    assert box.value == slider.value == slider.max


def test_decision_swing_legend_reads_like_its_bars_in_the_app():
    """The app stacks the swing chart under a stacked histogram, which made plotly reverse
    the swing's legend ("weight doubled" first while "weight set to 0" is the top bar)."""
    figure = build_app(n=500, seed=1).explorers["weights"].figure
    swing = [t for t in figure.data if t.name in ("weight set to 0", "weight doubled")]
    assert [t.name for t in swing] == ["weight set to 0", "weight doubled"]
    legend = swing[0].legend
    assert figure.layout[legend].traceorder == "normal"


def test_every_explorer_has_a_tab_built_when_it_is_first_opened():
    from sim.widgets import DebriefRoom, PanelDesigner, WeightExplorer, WhatIfExplorer

    page = build_app(n=500, seed=3)
    assert page.tabs.titles == tuple(title for _, title, _, _ in TABS)
    assert all(len(title) <= 20 for title in page.tabs.titles)  # a tab shows its whole title
    kinds = {
        "weights": WeightExplorer,
        "what_if": WhatIfExplorer,
        "debrief": DebriefRoom,
        "panel": PanelDesigner,
    }
    for index, (key, *_) in enumerate(TABS):
        page.tabs.selected_index = index
        assert isinstance(page.explorers[key], kinds[key])
        built = page.explorers[key]
        page.tabs.selected_index = 0
        page.tabs.selected_index = index
        assert page.explorers[key] is built  # opened again: the same explorer, same state
    assert list(page.explorers) == ["weights", "what_if", "debrief", "panel"]


def test_candidates_show_the_presets_titles_and_descriptions_not_identifiers():
    profiles = sim.load_profiles("amex_ai_pm_2026")
    page = build_app(n=500, seed=1)
    page.tabs.selected_index = 1
    what_if = page.explorers["what_if"]
    names = list(what_if.controls["profile"].options)
    assert names == [name.replace("_", " ").capitalize() for name in profiles]
    assert not any("_" in name for name in names)
    pane = page.tabs.children[1]
    described = pane.children[1].value
    first = next(iter(profiles.values()))
    assert names[0] in described and html.escape(first.description[:40]) in described
    # Choosing another candidate shows their description; the numbers are the API's.
    last = list(profiles.values())[-1]
    what_if.set_state(profile=names[-1])
    assert html.escape(last.description[:40]) in pane.children[1].value
    process = sim.load_process("amex_ai_pm_2026")
    assert what_if.probability.hire == sim.hire_probability(process, last).hire


def test_every_tab_explains_what_it_shows():
    page = build_app(n=500, seed=1)
    for pane, (_, _, _, glossary) in zip(page.tabs.children, TABS, strict=True):
        text = next(c.value for c in pane.children if "hcs-glossary" in c._dom_classes)
        assert "What the numbers mean" in text
        assert all(term.split(" (")[0] in text for term, _ in glossary)
    # The statistics the issue names as unexplained are explained.
    everything = " ".join(
        c.value for p in page.tabs.children for c in p.children if "hcs-glossary" in c._dom_classes
    )
    for term in ("Validity", "Anchoring α", "Panel noise", "Decision swing", "Tipping points"):
        assert term in everything


# --------------------------------------------------------------------------- the command
def test_whole_number_arguments_name_the_range():
    parse = int_type(1, 10)
    assert parse("3") == 3
    for bad, message in (("0", "within 1..10"), ("x", "whole number"), ("2.5", "whole")):
        with pytest.raises(argparse.ArgumentTypeError, match=message):
            parse(bad)
    with pytest.raises(argparse.ArgumentTypeError, match=">= 1"):
        int_type(1)("0")


def test_serving_needs_nothing_from_the_cli_and_sends_nothing_off_the_machine():
    code = (
        "import sys, sim.app.serve\n"
        "assert 'sim.cli' not in sys.modules\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('solara', 'uvicorn', 'voila', 'ipywidgets', 'plotly')]\n"
        "assert not bad, bad\n"
        "import sim.cli; sim.cli.build_parser()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('solara', 'uvicorn', 'voila')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    options = argparse.Namespace(
        process="amex_ai_pm_2026", pool=1000, seed=2026, max_participants=5, ip="127.0.0.1"
    )
    env = server_environment(options, 9999)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")  # never a real CDN
    assert env["HIRING_SIM_MAX_PARTICIPANTS"] == "5"
    assert Path(env["SOLARA_ASSETS_EXTRA_LOCATIONS"], "widgetbundle.js").is_file()


def _run_app(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", "app", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_app_command_errors_are_one_line():
    bad = _run_app("--process", "nope")
    assert bad.returncode == 1
    assert bad.stderr.strip().count("\n") == 0 and "no process preset" in bad.stderr
    for option, value in (("--port", "70000"), ("--max-participants", "0"), ("--seed", "-1")):
        usage = _run_app(option, value)
        assert usage.returncode == 2 and option in usage.stderr, usage.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = _run_app("--port", str(port))
    assert busy.returncode == 1 and f"port {port}" in busy.stderr and "in use" in busy.stderr


def test_app_prints_its_url_serves_one_process_and_ctrl_c_stops_it(tmp_path):
    """The real command: URL on stdout, a page answer, no child process, SIGINT stops it."""
    port = free_port()
    env = dict(os.environ, SOLARA_HOME=str(tmp_path / "solara"))
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[name] = str(tmp_path / name.lower())
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "app", "--port", str(port), "--pool", "1000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
        start_new_session=True,
        preexec_fn=default_signals,
    )
    try:
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first and "30 participants" in first
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as page:
                    body = page.read().decode()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.3)
        assert "Hiring committee simulator" in body  # the page's title, not Solara's
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/assets/widgetbundle.js", timeout=60
        ) as bundle:
            assert len(bundle.read()) > 1_000_000  # plotly.js, served from here
        assert not _children(proc.pid), "the server started child processes"
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        proc.wait(timeout=60)
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out
