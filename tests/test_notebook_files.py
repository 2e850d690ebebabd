"""The workshop notebooks as files: no answers before anyone asks, nbval's tags, small.

Solution cells (tag ``solution``) and the facilitator's guide cells are hidden
(``jupyter.source_hidden`` and ``outputs_hidden``) and stored without outputs;
checked cells carry nbval's cell tag ``nbval-check-output``, never a first-line
``# NBVAL_CHECK_OUTPUT`` (the collapsed header would read it); no widget state;
each file under 300 kB. ``notebooks/refresh_outputs.py`` writes them this way.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HIDDEN = ("solution", "guide")


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def notebook(request) -> tuple[Path, nbformat.NotebookNode]:
    return request.param, nbformat.read(request.param, as_version=4)


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 9


def test_hidden_cells_are_hidden_and_hold_no_output(notebook) -> None:
    path, nb = notebook
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or not any(t in tags for t in HIDDEN):
            continue
        jupyter = cell.metadata.get("jupyter", {})
        where = f"{path.name}: {cell.source.splitlines()[0][:60]!r}"
        assert jupyter.get("source_hidden") and jupyter.get("outputs_hidden"), where
        assert cell.outputs == [], f"{where} stores its answer"
        assert cell.execution_count is None, where
        assert "nbval-check-output" not in tags, f"{where}: a hidden cell cannot be checked"


def test_solutions_fold_their_answer(notebook) -> None:
    """JupyterLab unfolds a cell's output when it runs: the answer goes in a closed box."""
    path, nb = notebook
    for cell in nb.cells:
        if "solution" in cell.metadata.get("tags", []):
            assert "\nwith answer():\n" in cell.source, f"{path.name}: {cell.source[:60]!r}"


def test_guide_cells_are_silent_in_class(notebook) -> None:
    path, nb = notebook
    for cell in nb.cells:
        if "guide" in cell.metadata.get("tags", []):
            assert 'if _os.environ.get("HIRING_SIM_GUIDE_NUMBERS")' in cell.source, path.name


def test_checked_cells_use_the_tag(notebook) -> None:
    path, nb = notebook
    checked = 0
    for cell in nb.cells:
        first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        assert "NBVAL_CHECK_OUTPUT" not in first.upper(), f"{path.name}: {first!r}"
        if "nbval-check-output" in cell.metadata.get("tags", []):
            checked += 1
            assert cell.outputs, f"{path.name}: checked cell without a stored output"
            assert all(o.output_type == "stream" for o in cell.outputs), path.name
    assert checked > 0, f"{path.name} checks no output"


def test_only_checked_cells_store_outputs(notebook) -> None:
    path, nb = notebook
    for cell in nb.cells:
        if cell.cell_type == "code" and "nbval-check-output" not in cell.metadata.get("tags", []):
            assert cell.outputs == [], f"{path.name}: {cell.source[:60]!r} stores an output"


def test_small_and_without_widget_state(notebook) -> None:
    path, nb = notebook
    assert path.stat().st_size < 300_000, path.name
    assert "widgets" not in nb.metadata, path.name


def test_every_exercise_says_whether_it_needs_code() -> None:
    missing = []
    for path in NOTEBOOKS:
        if path.name.startswith(("07", "09")):
            continue  # 07's exercises are explorer-based discussion; 09 is not in the guide
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            says = "**Without code:**" in cell.source or "**For programmers**" in cell.source
            if cell.cell_type == "markdown" and "### Exercise" in cell.source and not says:
                missing.append(f"{path.name}: {cell.source.splitlines()[0]}")
    assert not missing, missing
