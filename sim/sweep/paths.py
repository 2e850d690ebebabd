"""Field paths into a Process: parse ``rounds[2].interviewers``, read a value, set many at once.

A path names one field of the frozen spec dataclasses, as they are in Python
(``pool.framing_mean``, not the YAML's ``pool.framing.mean``): names joined by
``.``; ``[INDEX]`` or ``[NAME]`` picks an item of a list (``rounds[2]``,
``rounds[technical_depth]``, ``interviewers[hiring_manager]``); a mapping's key
follows a ``.`` or sits in brackets (``debrief.competency_weights.technical_depth``).

Setting builds a new Process with :func:`dataclasses.replace`, every changed
object once with all of its changes, so each is validated as a whole; the
:class:`~sim.SpecError` a constructor raises carries paths from the root
(``debrief.threshold``, ``rounds[2].interviewers``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Issue, SpecError
from ..spec import Process

__all__ = ["FieldPath", "PathError", "apply_assignments", "get_value", "parse_path"]

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_SEGMENT = re.compile(rf"({_NAME})((?:\[[^\[\]]+\])*)")
_ITEM = re.compile(r"\[([^\[\]]+)\]")


class PathError(ValueError):
    """A path that does not name a field of the process (message only; callers add where)."""


@dataclass(frozen=True)
class FieldPath:
    """A parsed field path.

    Attributes
    ----------
    text : str
        The path as written.
    steps : tuple of (str, str)
        ``("attr", name)`` for ``.name`` and ``("item", key)`` for ``[key]``.
    """

    text: str
    steps: tuple[tuple[str, str], ...]


def parse_path(text: Any) -> FieldPath:
    """Parse ``text`` into a :class:`FieldPath`.

    Raises
    ------
    PathError
        When ``text`` is not names joined by ``.`` with optional ``[index]``.

    Examples
    --------
    >>> parse_path("interviewers[hiring_manager].noise_sd").steps
    (('attr', 'interviewers'), ('item', 'hiring_manager'), ('attr', 'noise_sd'))
    """
    if not isinstance(text, str) or not text:
        raise PathError("a field path must be a non-empty string")
    steps: list[tuple[str, str]] = []
    for part in text.split("."):
        match = _SEGMENT.fullmatch(part)
        if match is None:
            raise PathError(
                "is not a field path (names joined by '.', each optionally followed by "
                "[index] or [name], e.g. rounds[2].interviewers)"
            )
        steps.append(("attr", match.group(1)))
        steps.extend(("item", key.strip()) for key in _ITEM.findall(match.group(2)))
    return FieldPath(text, tuple(steps))


# --------------------------------------------------------------------------- walking
def _is_spec(obj: Any) -> bool:
    return dataclasses.is_dataclass(obj) and not isinstance(obj, type)


def _kind(obj: Any) -> str:
    if _is_spec(obj):
        return type(obj).__name__
    if isinstance(obj, Mapping):
        return "mapping"
    if isinstance(obj, Sequence) and not isinstance(obj, str):
        return "list"
    return f"{type(obj).__name__} value"


def _list_index(items: Sequence[Any], key: str, where: str) -> int:
    """Position of ``key`` (an integer, or the ``name`` of an item) in ``items``."""
    if re.fullmatch(r"-?\d+", key):
        index = int(key)
        if not 0 <= index < len(items):
            raise PathError(f"index {index} is out of range: {where} has {len(items)} items")
        return index
    names = [getattr(item, "name", None) for item in items]
    if key not in names:
        known = ", ".join(str(name) for name in names if name is not None)
        if not known:
            raise PathError(f"the items of {where} have no names; pick one by index")
        raise PathError(f"{where} has no item named {key!r}; known: {known}")
    return names.index(key)


def _step(obj: Any, step: tuple[str, str], where: str) -> tuple[str, Any, str]:
    """One step down from ``obj``: (canonical segment, child value or _ABSENT, new where)."""
    how, key = step
    if _is_spec(obj):
        if how == "item":
            raise PathError(f"{where or 'the process'} is a {type(obj).__name__}, not a list")
        names = [f.name for f in dataclasses.fields(obj) if f.init]
        if key not in names:
            expected = ", ".join(names)
            raise PathError(
                f"unknown field {key!r} of {type(obj).__name__}; expected one of {expected}"
            )
        return f".{key}", getattr(obj, key), _join(where, key)
    if isinstance(obj, Mapping):
        return f".{key}", obj.get(key, _ABSENT), _join(where, key)
    if isinstance(obj, Sequence) and not isinstance(obj, str):
        if how == "attr":
            raise PathError(f"{where} is a list; pick an item with [index] or [name]")
        index = _list_index(obj, key, where)
        return f"[{index}]", obj[index], f"{where}[{index}]"
    raise PathError(f"{where} is a {_kind(obj)}, so it has no field {key!r}")


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


_ABSENT = object()


def canonical(process: Process, path: FieldPath) -> str:
    """The path with list items by index and mapping keys after dots (``rounds[2].minutes``).

    Raises
    ------
    PathError
        When the path does not lead to a field of ``process``.
    """
    obj, where = process, ""
    for step in path.steps:
        if obj is _ABSENT or obj is None:
            raise PathError(f"{where} is not set, so it has no field {step[1]!r}")
        _, obj, where = _step(obj, step, where)
    return where


def get_value(process: Process, path: FieldPath) -> Any:
    """The value at ``path`` in ``process`` (``None`` for a mapping key that is not set)."""
    obj, where = process, ""
    for step in path.steps:
        _, obj, where = _step(obj, step, where)
        if obj is _ABSENT:
            return None
    return obj


# --------------------------------------------------------------------------- setting
def apply_assignments(process: Process, assignments: Sequence[tuple[FieldPath, Any]]) -> Process:
    """A copy of ``process`` with every ``(path, value)`` set, each changed object built once.

    Raises
    ------
    PathError
        For a path that does not lead to a field.
    SpecError
        When a changed object (or the process) fails validation; issue paths
        start at the process (``debrief.threshold``, ``rounds[2].interviewers``).

    Examples
    --------
    >>> import sim
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> strict = apply_assignments(amex, [(parse_path("debrief.threshold"), 7.6)])
    >>> strict.debrief.threshold, amex.debrief.threshold
    (7.6, 7.2)
    """
    tree: dict[Any, Any] = {}
    for path, value in assignments:
        node = tree
        obj, where = process, ""
        for depth, step in enumerate(path.steps):
            if obj is _ABSENT or obj is None:
                raise PathError(f"{where} is not set, so it has no field {step[1]!r}")
            segment, obj, where = _step(obj, step, where)
            if depth == len(path.steps) - 1:
                if isinstance(node.get(segment), dict):
                    raise PathError(f"{where} is set both as a whole and field by field")
                node[segment] = _Leaf(value)
            else:
                child = node.setdefault(segment, {})
                if isinstance(child, _Leaf):
                    raise PathError(f"{where} is set both as a whole and field by field")
                node = child
    return _rebuild(process, tree, "")


@dataclass(frozen=True)
class _Leaf:
    value: Any


def _rebuild(obj: Any, changes: dict[Any, Any], where: str) -> Any:
    """``obj`` with ``changes`` (a tree keyed by canonical segments) applied, validated once."""
    new: dict[str, Any] = {}
    issues: list[Issue] = []
    for segment, change in changes.items():
        name: Any = segment[1:] if segment.startswith(".") else int(segment[1:-1])
        if isinstance(change, _Leaf):
            new[name] = change.value
            continue
        child = getattr(obj, name) if _is_spec(obj) else obj[name]
        try:
            new[name] = _rebuild(child, change, (where + segment).lstrip("."))
        except SpecError as exc:  # build the siblings too, so one run reports them all
            issues.extend(exc.issues)
    if issues:
        raise SpecError(issues)
    if _is_spec(obj):
        try:
            return dataclasses.replace(obj, **new)
        except SpecError as exc:
            raise SpecError(issue.prefixed(where) for issue in exc.issues) from None
        except TypeError as exc:  # a constructor that met a value of the wrong shape
            raise SpecError([Issue(where, f"cannot be built: {exc}")]) from None
    if isinstance(obj, Mapping):
        return {**obj, **new}
    items = list(obj)
    for index, value in new.items():
        items[index] = value
    return tuple(items)
