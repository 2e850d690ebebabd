"""Documented limits on input files and names, so no document can hang or exhaust a run.

Every limit is far above what a real hiring process needs (the shipped presets are
about 10 KB and 420 values, with at most 10 competencies, 6 interviewers, 6 rounds and
6 levels of nesting) and low enough that the largest accepted document loads in under
a second of CPU and every command runs on it within seconds.

==========================  ==========  ==============================================
limit                       value       why
==========================  ==========  ==============================================
``MAX_FILE_BYTES``          1 MiB       refused before parsing (a broken 30 MB file
                                        took 146 s and 3.1 GB to report a syntax error)
``MAX_VALUES``              50,000      values in a document, every alias counted at
                                        its expanded size ("billion laughs")
``MAX_DEPTH``               20          nested lists and mappings (deeper nesting
                                        exhausted the parser's recursion)
``MAX_ITEMS``               4,096       items of any one list or mapping
``MAX_NUMBER_CHARS``        1,000       characters of one number (``1:2:3...`` and
                                        4,000-digit integers are slow to convert)
``MAX_COMPETENCIES``        32          competencies of a process (at 32, 32, 16 every
``MAX_INTERVIEWERS``        32          interviewers of a process   command ends within
``MAX_ROUNDS``              16          rounds of a process         1 s of CPU; at twice
                                        that, ``what-if`` takes 17 s)
``MAX_LABELS``              32          labels or recommendations of a scale
``MAX_PROFILES``            1,000       profiles of a profile file
``MAX_NAME_CHARS``          64          characters of one name
==========================  ==========  ==============================================

A name (of a process, competency, interviewer, round, profile, label or
recommendation) is printable text: no control, format or bidirectional characters
(newline, NUL, right-to-left override), no leading or trailing space, at most
``MAX_NAME_CHARS`` characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .errors import Issue

__all__ = [
    "MAX_COMPETENCIES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_INTERVIEWERS",
    "MAX_ITEMS",
    "MAX_LABELS",
    "MAX_NAME_CHARS",
    "MAX_NUMBER_CHARS",
    "MAX_PROFILES",
    "MAX_ROUNDS",
    "MAX_VALUES",
    "check_name",
    "process_limits",
    "process_names",
    "profile_limits",
    "profile_names",
]

MAX_FILE_BYTES = 1 << 20
MAX_VALUES = 50_000
MAX_DEPTH = 20
MAX_ITEMS = 4_096
MAX_NUMBER_CHARS = 1_000
MAX_COMPETENCIES = 32
MAX_INTERVIEWERS = 32
MAX_ROUNDS = 16
MAX_LABELS = 32
MAX_PROFILES = 1_000
MAX_NAME_CHARS = 64


def check_name(path: str, value: Any) -> Issue | None:
    """The problem with ``value`` as a name at field ``path``, or None if it is a good name.

    Parameters
    ----------
    path : str
        Field path used in the issue, e.g. ``"competencies[2].name"``.
    value : object
        The candidate name.

    Returns
    -------
    Issue or None
        None for a non-empty printable string of at most ``MAX_NAME_CHARS``
        characters without leading or trailing space.

    Examples
    --------
    >>> check_name("name", "risk_awareness") is None
    True
    >>> print(check_name("name", "evil\\u202eexe.txt"))
    name: must not contain the character U+202E (RIGHT-TO-LEFT OVERRIDE) (got 'evil\\u202eexe.txt')
    >>> check_name("name", "x" * 65).message
    'must be at most 64 characters long'
    """
    if not isinstance(value, str) or not value.strip():
        return Issue(path, "must be a non-empty string", value)
    bad = next((ch for ch in value if not ch.isprintable()), None)
    if bad is not None:
        what = unicodedata.name(bad, "a control character")
        return Issue(path, f"must not contain the character U+{ord(bad):04X} ({what})", value)
    if value != value.strip():
        return Issue(path, "must not start or end with a space", value)
    if len(value) > MAX_NAME_CHARS:
        return Issue(path, f"must be at most {MAX_NAME_CHARS} characters long", value)
    return None


_ROUND_LISTS = {"competencies": MAX_COMPETENCIES, "interviewers": MAX_INTERVIEWERS}
#: Lists and mappings inside a process, and how many entries each may hold.
_LISTS = {
    "scale": {"labels": MAX_LABELS, "recommendations": MAX_LABELS},
    "debrief": {
        "veto": MAX_INTERVIEWERS,
        "speaking_order": MAX_INTERVIEWERS,
        "interviewer_weights": MAX_INTERVIEWERS,
        "competency_weights": MAX_COMPETENCIES,
    },
    "truth": {"weights": MAX_COMPETENCIES},
}


def _count(issues: list[Issue], path: str, raw: Any, limit: int, what: str) -> None:
    if isinstance(raw, Sequence | Mapping) and not isinstance(raw, str) and len(raw) > limit:
        issues.append(Issue(path, f"at most {limit} {what} are allowed (got {len(raw):,})"))


def process_limits(doc: Any) -> list[Issue]:
    """Issues with the size of a raw process document (parsed YAML): too many parts.

    Checked before the document is built, so an oversized one costs nothing.

    Examples
    --------
    >>> [str(i) for i in process_limits({"name": "x", "rounds": [{}] * 40})]
    ['rounds: at most 16 rounds are allowed (got 40)']
    """
    issues: list[Issue] = []
    if not isinstance(doc, Mapping):
        return issues
    _count(issues, "competencies", doc.get("competencies"), MAX_COMPETENCIES, "competencies")
    _count(issues, "interviewers", doc.get("interviewers"), MAX_INTERVIEWERS, "interviewers")
    _count(issues, "rounds", doc.get("rounds"), MAX_ROUNDS, "rounds")
    for i, rnd in enumerate(_items(doc.get("rounds"))[:MAX_ROUNDS]):
        if isinstance(rnd, Mapping):
            for key, limit in _ROUND_LISTS.items():
                _count(issues, f"rounds[{i}].{key}", rnd.get(key), limit, key)
    for section, lists in _LISTS.items():
        part = doc.get(section)
        if isinstance(part, Mapping):
            for key, limit in lists.items():
                _count(issues, f"{section}.{key}", part.get(key), limit, "entries")
    return issues


def process_names(doc: Any) -> list[Issue]:
    r"""Issues with the names in a raw process document (see :func:`check_name`).

    Examples
    --------
    >>> for issue in process_names({"name": "a\nb", "competencies": [{"name": "ok"}]}):
    ...     print(issue)
    name: must not contain the character U+000A (a control character) (got 'a\nb')
    """
    if not isinstance(doc, Mapping):
        return []
    found = [("name", doc.get("name"))]
    for key in ("competencies", "interviewers", "rounds"):
        for i, item in enumerate(_items(doc.get(key))):
            if isinstance(item, Mapping):
                found.append((f"{key}[{i}].name", item.get("name")))
    scale = doc.get("scale")
    if isinstance(scale, Mapping):
        for key in ("labels", "recommendations"):
            names = enumerate(_items(scale.get(key)))
            found.extend((f"scale.{key}[{i}]", name) for i, name in names)
    return _bad_names(found)


def profile_limits(doc: Any) -> list[Issue]:
    """Issues with the size of a raw profile document: too many profiles.

    Examples
    --------
    >>> profile_limits({"profiles": {"ok": {}}})
    []
    """
    issues: list[Issue] = []
    if isinstance(doc, Mapping):
        _count(issues, "profiles", doc.get("profiles"), MAX_PROFILES, "profiles")
    return issues


def profile_names(doc: Any) -> list[Issue]:
    """Issues with the names (keys) of the profiles in a raw profile document.

    Examples
    --------
    >>> [str(i) for i in profile_names({"profiles": {"ok": {}, " padded": {}}})]
    ["profiles. padded: must not start or end with a space (got ' padded')"]
    """
    profiles = doc.get("profiles") if isinstance(doc, Mapping) else None
    if not isinstance(profiles, Mapping):
        return []
    return _bad_names((f"profiles.{key}", key) for key in profiles)


def _items(raw: Any) -> Sequence[Any]:
    return raw if isinstance(raw, Sequence) and not isinstance(raw, str) else ()


def _bad_names(found: Iterable[tuple[str, Any]]) -> list[Issue]:
    """Issues of the string names among ``(path, value)`` (other types are the spec's job)."""
    issues = (check_name(path, value) for path, value in found if isinstance(value, str))
    return [issue for issue in issues if issue is not None]
