"""A sweep's folder: a manifest and a Parquet dataset that grows one file per finished task.

::

    OUT/sweep.json               what was asked: process, spec, n, seed, groups, version
    OUT/cells/part-0000017.parquet   one row per finished cell (file named by its first cell)

Every file is written atomically (:func:`sim.io.atomic_write`), so an
interrupted sweep (Ctrl-C, a killed client or worker) leaves only whole files;
a resumed run reads the finished cells and computes the others. Rows hold the
cell's parameters (JSON), its metrics and SEs, and its group sums (``totals``,
``G * F`` floats, from which everything is recomputed). pyarrow is imported only
here, only when a folder is given.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import fail
from ..io import atomic_write
from .stats import FIELDS, METRICS

__all__ = ["Store"]

MANIFEST = "sweep.json"
CELLS = "cells"
FORMAT = 1


def _plain(value: Any) -> Any:
    """JSON-ready copy (tuples as lists, numpy scalars as numbers)."""
    return json.loads(json.dumps(value, default=_default))


def _default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | set):
        return list(value)
    return str(value)


class Store:
    """The folder of one sweep. Open it with :meth:`open`."""

    def __init__(self, root: Path, groups: int) -> None:
        self.root = root
        self.cells_dir = root / CELLS
        self.width = groups * len(FIELDS)
        self.groups = groups

    @classmethod
    def open(cls, root: str | os.PathLike[str], manifest: Mapping[str, Any]) -> Store:
        """Create the folder, or check that it holds this very sweep (to resume it).

        Raises
        ------
        SpecError
            When the folder holds another sweep (naming what differs), or is not
            a sweep's folder.
        """
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise fail(
                "out", "saving a sweep needs pyarrow: pip install 'hiring-committee-sim[parquet]'"
            ) from None
        path = Path(root)
        wanted = _plain({"format": FORMAT, **manifest})
        file = path / MANIFEST
        if file.is_file():
            stored = json.loads(file.read_text(encoding="utf-8"))
            for key in sorted(set(wanted) | set(stored)):
                if stored.get(key) != wanted.get(key):
                    raise fail(
                        "out",
                        f"{path} holds another sweep ({key} differs); resuming needs the "
                        "same process, spec, n and seed: use another folder",
                    )
        else:
            if path.exists() and (not path.is_dir() or any(path.iterdir())):
                raise fail("out", f"{path} exists and is not a sweep's folder (no {MANIFEST})")
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise fail("out", f"cannot create {path}: {exc.strerror}") from None
            text = json.dumps(wanted, indent=1, sort_keys=True)
            atomic_write(file, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
        (path / CELLS).mkdir(exist_ok=True)
        store = cls(path, int(wanted["groups"]))
        for stale in store.cells_dir.glob(".part-*"):
            stale.unlink(missing_ok=True)  # a temporary file of a killed run
        return store

    def finished(self) -> dict[int, np.ndarray]:
        """Group sums ``(G, F)`` of every cell already in the dataset, by cell index."""
        import pyarrow.parquet as pq

        out: dict[int, np.ndarray] = {}
        for part in sorted(self.cells_dir.glob("part-*.parquet")):
            table = pq.read_table(part, columns=["cell", "totals"])
            cells = table.column("cell").to_numpy()
            totals = table.column("totals").to_pylist()
            for cell, flat in zip(cells, totals, strict=True):
                sums = np.asarray(flat, dtype=float)
                if sums.size != self.width:
                    raise fail("out", f"{part} holds cells of another layout; use a new folder")
                out[int(cell)] = sums.reshape(self.groups, len(FIELDS))
        return out

    def append(self, rows: list[dict[str, Any]]) -> Path:
        """Write one part file with ``rows`` (``cell``, ``params``, metrics, SEs, ``totals``)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns: dict[str, Any] = {
            "cell": pa.array([row["cell"] for row in rows], pa.int64()),
            "params": pa.array([json.dumps(_plain(row["params"])) for row in rows], pa.string()),
            "n": pa.array([row["n"] for row in rows], pa.int64()),
        }
        for name in (*METRICS, *(f"{m}_se" for m in METRICS)):
            columns[name] = pa.array([row[name] for row in rows], pa.float64())
        flat = [np.asarray(row["totals"], dtype=float).ravel().tolist() for row in rows]
        columns["totals"] = pa.array(flat, pa.list_(pa.float64()))
        table = pa.table(columns)
        target = self.cells_dir / f"part-{min(row['cell'] for row in rows):07d}.parquet"
        atomic_write(target, lambda tmp: pq.write_table(table, tmp))
        return target
