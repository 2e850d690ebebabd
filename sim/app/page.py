"""Solara entry of ``hiring-sim app``: every browser page gets its own explorers, one process.

Solara gives each open page a *virtual kernel* inside the server process, so
thirty participants share one Python interpreter, one copy of numpy, pandas,
scipy and plotly, and one copy of the code: a participant costs the explorers'
own state (a few MB) instead of a ~270 MB kernel process each (see
``benchmarks/bench_room.py``). A page takes a seat in :data:`ROOM` when it
renders and gives it back when the page closes (Solara closes a page's virtual
kernel on the browser's close beacon, or after ``SOLARA_KERNEL_CULL_TIMEOUT``
when the connection was lost); with every seat taken the page says the room is
full and offers to try again.

The server (:mod:`sim.app.serve`) passes the settings through the environment
(:data:`sim.app.ENV_DEFAULTS`); this module is imported by Solara only.
"""

from __future__ import annotations

import os
from typing import Any

import solara
import solara.lab

from ..io import load_process, load_profiles
from . import ENV_DEFAULTS, build_app, settings_from_env
from .admission import Room
from .plotly_bundle import BundleLoader, serve_by_url

__all__ = ["ROOM", "SETTINGS", "Page"]

#: What every participant's page shows (process, pool size, seed, candidates), loaded once.
SETTINGS = settings_from_env()
SETTINGS["process"] = load_process(SETTINGS["process"])
SETTINGS["profiles"] = load_profiles(SETTINGS["process"].name, process=SETTINGS["process"])
#: The seats: one per open page, at most ``HIRING_SIM_MAX_PARTICIPANTS``.
ROOM = Room(
    int(os.environ.get("HIRING_SIM_MAX_PARTICIPANTS", ENV_DEFAULTS["HIRING_SIM_MAX_PARTICIPANTS"]))
)

CSS = """
.hcs-glossary { max-width: 75em; }
.hcs-full { max-width: 40em; margin: 0 auto !important; padding: 4em 1.5em 0;
  align-self: center; font-size: 1.1em; line-height: 1.5; }
.hcs-full .hcs-retry { align-self: flex-start; }
"""


serve_by_url()


def _warm_up() -> None:
    """Build one page with every tab open and throw it away, before anyone arrives.

    The first build in a process costs ~4 s more than the next ones (imports, plotly's
    validators, numpy's first calls); the first participant should not pay it.
    """
    page = build_app(**SETTINGS)
    for index in range(1, len(page.tabs.children)):
        page.tabs.selected_index = index


_warm_up()


def _free_the_seat_on_close() -> Any:
    kernel_id = solara.get_kernel_id()
    return lambda: ROOM.leave(kernel_id)


solara.lab.on_kernel_start(_free_the_seat_on_close)


@solara.component
def Page() -> None:
    """A seat and the explorers, or the "room is full" page."""
    kernel_id = solara.get_kernel_id()
    attempt, set_attempt = solara.use_state(0)
    seated = solara.use_memo(lambda: ROOM.admit(kernel_id), [attempt])
    solara.Title("Hiring committee simulator")
    solara.Style(CSS)
    if seated:
        Explorers()
    else:
        RoomFull(lambda: set_attempt(attempt + 1))


@solara.component
def Explorers() -> None:
    """plotly.js loads in the browser first, then the explorers are built and shown."""
    loader = solara.use_memo(BundleLoader, [])
    ready, set_ready = solara.use_state(False)

    def watch() -> Any:
        def done(_: Any = None) -> None:
            set_ready(True)

        if loader.loaded or loader.error:
            done()
        loader.observe(done, names=["loaded", "error"])
        return lambda: loader.unobserve(done, names=["loaded", "error"])

    solara.use_effect(watch, [])
    solara.display(loader)
    if ready:
        Built()
    else:
        solara.HTML(tag="p", unsafe_innerHTML="Loading the explorers…", classes=["hcs-loading"])


@solara.component
def Built() -> None:
    """This participant's :func:`sim.app.build_app`, built once per page."""
    page = solara.use_memo(lambda: build_app(**SETTINGS), [])
    solara.display(page)


@solara.component
def RoomFull(on_retry: Any) -> None:
    """Every seat is taken: say so plainly, and let the participant try again."""
    seats = "The one seat" if ROOM.capacity == 1 else f"All {ROOM.capacity} seats"
    taken = "is" if ROOM.capacity == 1 else "are"
    with solara.Column(classes=["hcs-full"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                "<h2>The room is full</h2>"
                f"<p>{seats} of this workshop {taken} taken, so this page cannot open "
                "the explorers now.</p>"
                "<p>Ask the facilitator for a seat, or try again when someone has closed "
                "their page.</p>"
            ),
        )
        solara.Button("Try again", on_click=on_retry, color="primary", classes=["hcs-retry"])
