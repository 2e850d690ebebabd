"""Notebooks 01-06: Run All in JupyterLab in headless Chromium ends where nbclient ends.

The machinery is ``tests/notebooks_lab.py``; notebooks 07-09 are
``tests/test_notebooks_browser_2.py`` (two files, so the two pytest-xdist workers
share the browser work).
"""

from __future__ import annotations

from pathlib import Path

import notebooks_lab
import pytest

NOTEBOOKS = notebooks_lab.part(0)


@pytest.fixture(scope="module")
def headless(tmp_path_factory):
    """Headless runs of this part's notebooks, started at once in one background process."""
    yield from notebooks_lab.headless_runs(NOTEBOOKS, tmp_path_factory.mktemp("headless"))


@pytest.mark.browser
def test_run_all_in_jupyterlab_matches_headless(tmp_path: Path, headless) -> None:
    notebooks_lab.run_all_and_compare(NOTEBOOKS, tmp_path, headless, "part1")


# Runs after the browser test (file order), so the headless runs overlap with the browser's.
def test_guide_numbers_match_the_notebooks(headless) -> None:
    notebooks_lab.check_guide_numbers(NOTEBOOKS, headless)


def test_the_parts_cover_every_notebook_once() -> None:
    """A new notebook must join a part (or it would never run in a browser)."""
    numbers = [n for part in notebooks_lab.PARTS for n in part]
    assert sorted(numbers) == sorted(set(numbers)), "a notebook is in two parts"
    assert sorted(numbers) == [p.name[:2] for p in notebooks_lab.NOTEBOOKS]
