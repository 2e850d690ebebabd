"""Re-execute the workshop notebooks and store only the outputs nbval compares.

Run after a change to the model moves the seeded numbers:

    .venv/bin/python notebooks/refresh_outputs.py [notebooks/02_signals.ipynb ...]

Cells that start with ``# NBVAL_CHECK_OUTPUT`` keep their printed text (and their
execution count, which nbval needs to compare them); every other output is
dropped, so the files stay small and hold no widget state or plot JSON. A checked
cell that writes to stderr, fails, or shows anything but text is an error. Then
update the numbers quoted in ``facilitator_guide.md``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
CHECK = "# NBVAL_CHECK_OUTPUT"


def refresh(path: Path) -> None:
    """Execute ``path`` in place and keep only the checked cells' text outputs."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)  # timestamps: noise in every diff
        if not cell.source.startswith(CHECK):
            cell.outputs, cell.execution_count = [], None
            continue
        for out in cell.outputs:
            if out.output_type != "stream" or out.name != "stdout":
                raise RuntimeError(f"{path.name}: a checked cell shows {out.output_type}: {out}")
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    print(f"{path.name}: {elapsed:.1f} s, {path.stat().st_size / 1000:.1f} kB")


def main(paths: list[str]) -> None:
    targets = [Path(p) for p in paths] or sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    for path in targets:
        refresh(path)


if __name__ == "__main__":
    main(sys.argv[1:])
