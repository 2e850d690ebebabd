"""Process and economics changes as data: compress the window, drop a round, add an interviewer.

Every function returns new, validated specs (the inputs are never changed); a change
that makes a spec invalid raises :class:`sim.SpecError` naming the field path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from typing import Any

from ..errors import Issue, SpecError, fail
from ..spec import Process
from .spec import Economics, OfferPart

__all__ = [
    "apply_change",
    "set_fields",
    "with_interviewer",
    "with_window",
    "without_round",
]


def with_window(process: Process, days: float) -> Process:
    """The process squeezed (or stretched) into ``days``: every round and the debrief scaled.

    Rounds on the same day stay on the same day.

    Examples
    --------
    >>> import sim
    >>> short = with_window(sim.load_process("amex_ai_pm_2026"), 30)
    >>> [r.day for r in short.rounds], short.debrief.day
    ([2.0, 8.0, 12.666666666666666, 17.333333333333332, 22.0], 26.666666666666664)
    """
    if isinstance(days, bool) or not isinstance(days, int | float) or not days > 0:
        raise fail("window_days", "must be a number > 0", days)
    factor = float(days) / process.window_days
    rounds = tuple(replace(r, day=r.day * factor) for r in process.rounds)
    day = process.debrief.day
    debrief = replace(process.debrief, day=None if day is None else day * factor)
    return replace(process, rounds=rounds, debrief=debrief, window_days=float(days))


def without_round(process: Process, name: str) -> Process:
    """The process without round ``name``; weights of what no round assesses are dropped."""
    names = [r.name for r in process.rounds]
    if name not in names:
        raise fail("drop_round", f"unknown round; known: {', '.join(names)}", name)
    if len(names) == 1:
        raise fail("drop_round", "is the only round", name)
    rounds = tuple(r for r in process.rounds if r.name != name)
    assessed = {c for r in rounds for c in r.competencies}
    rated = {p for r in rounds for p in r.interviewers}
    d = process.debrief
    weights = {c: w for c, w in d.competency_weights.items() if c in assessed}
    debrief = replace(
        d,
        competency_weights=weights,
        veto=tuple(v for v in d.veto if v in rated),
        speaking_order=d.speaking_order
        if isinstance(d.speaking_order, str)
        else tuple(p for p in d.speaking_order if p in rated),
    )
    return replace(process, rounds=rounds, debrief=debrief)


def with_interviewer(process: Process, round_name: str, interviewer: str) -> Process:
    """The process with ``interviewer`` (already in the process) also sitting in ``round_name``."""
    names = [r.name for r in process.rounds]
    if round_name not in names:
        raise fail(
            "add_interviewer.round", f"unknown round; known: {', '.join(names)}", round_name
        )
    if interviewer not in process.interviewer_names:
        known = ", ".join(process.interviewer_names)
        raise fail(
            "add_interviewer.interviewer", f"unknown interviewer; known: {known}", interviewer
        )
    rounds = tuple(
        replace(r, interviewers=(*r.interviewers, interviewer))
        if r.name == round_name and interviewer not in r.interviewers
        else r
        for r in process.rounds
    )
    return replace(process, rounds=rounds)


def set_fields(spec: Any, settings: Mapping[str, Any], prefix: str = "") -> Any:
    """A copy of a spec with dotted paths set: ``{"debrief.threshold": 7.5}``.

    Paths walk dataclass fields and mappings (``debrief.competency_weights.technical_depth``);
    ``rounds.NAME.FIELD`` addresses a round by name. Lists become tuples; an
    offer part given as a mapping becomes an :class:`OfferPart`.
    """
    out = spec
    for path, value in settings.items():
        out = _set_path(out, str(path).split("."), value, f"{prefix}{path}", prefix.rstrip("."))
    return out


def _set_path(obj: Any, keys: list[str], value: Any, where: str, trail: str) -> Any:
    key, rest = keys[0], keys[1:]
    below = f"{trail}.{key}" if trail else key
    if isinstance(obj, Mapping):
        current = obj.get(key)
        new = _set_path(current, rest, value, where, below) if rest else _value(value)
        return {**obj, key: new}
    if isinstance(obj, tuple) and obj and hasattr(obj[0], "name"):
        names = [item.name for item in obj]
        if key not in names:
            raise fail(where, f"unknown name {key!r}; known: {', '.join(names)}")
        i = names.index(key)
        new = _set_path(obj[i], rest, value, where, below) if rest else value
        return (*obj[:i], new, *obj[i + 1 :])
    if not is_dataclass(obj):
        raise fail(where, "cannot be set (no such field)")
    allowed = [f.name for f in fields(obj)]
    name = "from_" if key == "from" else key
    if name not in allowed:
        raise fail(where, f"unknown field {key!r}; expected one of {', '.join(allowed)}")
    current = getattr(obj, name)
    if rest:
        new = _set_path(current, rest, value, where, below)
    elif isinstance(current, OfferPart) and isinstance(value, Mapping):
        try:
            new = OfferPart(
                **{("from_" if k == "from" else k): _value(v) for k, v in value.items()}
            )
        except SpecError as exc:
            raise exc.prefixed(below) from None
    else:
        new = _value(value)
    try:
        return replace(obj, **{name: new})
    except SpecError as exc:
        raise exc.prefixed(trail) from None


def _value(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


_KINDS = ("window_days", "drop_round", "add_interviewer", "set", "economics")


def apply_change(
    process: Process, economics: Economics, change: Mapping[str, Any]
) -> tuple[Process, Economics]:
    """Apply one change (a mapping of kinds, applied in this order) to both specs.

    Kinds: ``window_days: D``; ``drop_round: NAME``; ``add_interviewer: {round, interviewer}``;
    ``set: {dotted.path: value}`` on the process; ``economics: {dotted.path: value}``.

    Raises
    ------
    SpecError
        For an unknown kind or a change whose result is invalid (paths name the change).
    """
    if not isinstance(change, Mapping) or not change:
        raise fail("", "must be a mapping of change kinds", change)
    for kind in change:
        if kind not in _KINDS:
            raise fail(str(kind), f"unknown change; expected one of {', '.join(_KINDS)}")
    try:
        if "window_days" in change:
            process = with_window(process, change["window_days"])
        if "drop_round" in change:
            process = without_round(process, change["drop_round"])
        if "add_interviewer" in change:
            spec = change["add_interviewer"]
            if not isinstance(spec, Mapping) or set(spec) != {"round", "interviewer"}:
                raise fail("add_interviewer", "must be {round: NAME, interviewer: NAME}", spec)
            process = with_interviewer(process, spec["round"], spec["interviewer"])
        for kind, target in (("set", "process"), ("economics", "economics")):
            if kind in change:
                settings = change[kind]
                if not isinstance(settings, Mapping):
                    raise fail(kind, "must be a mapping of dotted.path: value", settings)
                if target == "process":
                    process = set_fields(process, settings, f"{kind}.")
                else:
                    economics = set_fields(economics, settings, f"{kind}.")
    except SpecError:
        raise
    except (TypeError, ValueError) as exc:
        raise SpecError([Issue("", str(exc))]) from None
    economics.check(process)
    return process, economics
