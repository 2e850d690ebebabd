"""Notebooks 07-09: Run All in JupyterLab in headless Chromium ends where nbclient ends.

The machinery is ``tests/notebooks_lab.py``; notebooks 01-06 are
``tests/test_notebooks_browser.py``.
"""

from __future__ import annotations

from pathlib import Path

import notebooks_lab
import pytest

NOTEBOOKS = notebooks_lab.part(1)


@pytest.fixture(scope="module")
def headless(tmp_path_factory):
    """Headless runs of this part's notebooks, started at once in one background process."""
    yield from notebooks_lab.headless_runs(NOTEBOOKS, tmp_path_factory.mktemp("headless"))


@pytest.mark.browser
def test_run_all_in_jupyterlab_matches_headless(tmp_path: Path, headless) -> None:
    notebooks_lab.run_all_and_compare(NOTEBOOKS, tmp_path, headless, "part2")


# Runs after the browser test (file order), so the headless runs overlap with the browser's.
def test_guide_numbers_match_the_notebooks(headless) -> None:
    notebooks_lab.check_guide_numbers(NOTEBOOKS, headless)
