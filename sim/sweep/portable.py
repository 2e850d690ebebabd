"""A Process as plain data (dicts, lists, numbers, strings): what travels to workers and disk.

The spec dataclasses hold read-only mappings, which the standard pickle cannot
copy, and a Process may carry a compiled model; plain data pickles with any
pickler, is small (a few kB), reads as JSON in a sweep's manifest, and is
validated again when the worker rebuilds the Process from it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..spec import Competency, Debrief, Interviewer, Pool, Process, Round, Scale, Truth

__all__ = ["fingerprint", "from_data", "to_data"]

_TYPES = {
    cls.__name__: cls
    for cls in (Process, Competency, Interviewer, Round, Debrief, Pool, Truth, Scale)
}
_TAG = "__spec__"


def to_data(obj: Any) -> Any:
    """``obj`` (a spec dataclass, mapping, sequence or value) as plain data.

    Examples
    --------
    >>> import sim
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> data = to_data(amex)
    >>> data["__spec__"], data["debrief"]["threshold"]
    ('Process', 7.2)
    >>> to_data(from_data(data)) == data
    True
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        name = type(obj).__name__
        if _TYPES.get(name) is not type(obj):
            raise TypeError(f"not a spec type: {name}")
        fields = {f.name: to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.init}
        return {_TAG: name, **fields}
    if isinstance(obj, Mapping):
        return {str(key): to_data(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_data(value) for value in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def from_data(data: Any) -> Any:
    """Rebuild what :func:`to_data` wrote; spec objects are validated as they are built."""
    if isinstance(data, Mapping):
        if _TAG in data:
            fields = {key: from_data(value) for key, value in data.items() if key != _TAG}
            return _TYPES[data[_TAG]](**fields)
        return {key: from_data(value) for key, value in data.items()}
    if isinstance(data, list):
        return [from_data(value) for value in data]
    return data


def fingerprint(data: Any) -> str:
    """Canonical JSON of plain data (sorted keys): equal strings, equal specs."""
    return json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
