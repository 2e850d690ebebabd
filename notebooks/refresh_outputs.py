"""Re-execute the workshop notebooks, keep only the outputs nbval compares, refresh the guide.

After a change to the model moves the seeded numbers, ONE command updates the
notebooks' checked outputs, ``guide_numbers.json`` and ``facilitator_guide.md``:

    .venv/bin/python notebooks/refresh_outputs.py [notebooks/02_signals.ipynb ...]

(about two minutes for all notebooks on two cores). Then read the diff of
``facilitator_guide.md``: a number that moved may need its sentence changed in
``facilitator_guide.template.md`` (then ``.venv/bin/python notebooks/guide_numbers.py``).

Cells tagged ``nbval-check-output`` keep their printed text (and their execution
count, which nbval needs to compare them); every other output is dropped, so the
files stay small and hold no widget state or plot JSON. Solution cells (tag
``solution``) are hidden (``jupyter.source_hidden`` and ``outputs_hidden``) and
stored without outputs, so no answer shows before someone asks for it; a checked
solution cell is an error. Each notebook's hidden ``guide`` cell prints the
numbers the guide quotes (see ``guide_numbers.py``); they go to
``guide_numbers.json`` and the guide is rendered from its template. A checked
cell that writes to stderr, fails, or shows anything but text is an error.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import guide_numbers  # this folder's sibling script

HERE = Path(__file__).resolve().parent
CHECK = "nbval-check-output"
SOLUTION = "solution"
MAX_BYTES = 300_000


def tidy(path: Path, nb: nbformat.NotebookNode) -> None:
    """Keep only checked text outputs; hide solutions and guide cells without outputs."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)  # timestamps: noise in every diff
        tags = cell.metadata.get("tags", [])
        if SOLUTION in tags or guide_numbers.TAG in tags:
            if CHECK in tags:
                raise RuntimeError(f"{path.name}: a hidden cell is checked: {cell.source[:60]!r}")
            cell.metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
        if CHECK not in tags:
            cell.outputs, cell.execution_count = [], None
            continue
        for out in cell.outputs:
            if out.output_type != "stream" or out.name != "stdout":
                raise RuntimeError(f"{path.name}: a checked cell shows {out.output_type}: {out}")
    nb.metadata.pop("widgets", None)


def refresh(path: Path) -> dict:
    """Execute ``path`` in place, keep the checked outputs; return its guide numbers."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute(env={**os.environ, guide_numbers.ENV: "1"})
    elapsed = time.perf_counter() - start
    numbers = guide_numbers.numbers_of(nb.cells)
    tidy(path, nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise RuntimeError(f"{path.name}: {size / 1000:.0f} kB, over {MAX_BYTES / 1000:.0f} kB")
    print(f"{path.name}: {elapsed:.1f} s, {size / 1000:.1f} kB, {len(numbers)} guide numbers")
    return numbers


def main(paths: list[str]) -> None:
    targets = [Path(p) for p in paths] or sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    numbers = guide_numbers.load_numbers()
    for path in targets:
        found = refresh(path)
        if found:
            numbers[path.name[:2]] = found
    guide_numbers.save_numbers(numbers)
    guide_numbers.write_guide(numbers)
    print(f"{guide_numbers.NUMBERS.name} and {guide_numbers.GUIDE.name} written")


if __name__ == "__main__":
    main(sys.argv[1:])
