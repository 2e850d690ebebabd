"""The one error type of the project: a bad specification or argument."""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["Issue", "SpecError", "fail", "one_line", "quote"]

_MISSING = object()

#: Longest quotation of a bad value in a message, in characters (the rest is cut to "...").
QUOTE_CHARS = 80
#: Longest field path, message and file name shown (they can hold a user's keys).
_PATH_CHARS, _MESSAGE_CHARS, _SOURCE_CHARS = 160, 300, 160


class _ShortRepr(reprlib.Repr):
    """``reprlib`` with small limits; big integers are described, not converted."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxstring, self.maxother = 3, QUOTE_CHARS, QUOTE_CHARS
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = self.maxfrozenset = 8
        self.maxlong = QUOTE_CHARS

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 3 * QUOTE_CHARS:  # str() of a huge int is slow, or refused
            return f"<integer of about {int(x.bit_length() * 0.30103) + 1:,} digits>"
        return super().repr_int(x, level)


_SHORT_REPR = _ShortRepr()


def one_line(text: str, limit: int) -> str:
    r"""``text`` on one line of at most ``limit`` characters.

    Line breaks become ``"; "``, other unprintable characters (control, format,
    bidirectional) their escape (``\x00``, ``\u202e``); a longer text is cut and ends
    in ``"..."``.

    Examples
    --------
    >>> one_line("a\nb\u202ec", 80)
    'a; b\\u202ec'
    >>> one_line("x" * 100, 10)
    'xxxxxxx...'
    """
    text = text[: 4 * limit]  # enough for any escape; bounds the work on huge input
    if not text.isprintable():
        text = "; ".join(part.strip() for part in text.splitlines() if part.strip())
        text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def quote(value: Any, limit: int = QUOTE_CHARS) -> str:
    r"""``repr(value)`` on one line, at most ``limit`` characters (cut to ``"..."``).

    The work is bounded too: long lists, deep nesting and huge integers are
    abbreviated before they are converted.

    Examples
    --------
    >>> print(quote("root:x:0:0:root:/root:/bin/bash\n" * 40))
    'root:x:0:0:root:/root:/bin/bash\nroot...ash\nroot:x:0:0:root:/root:/bin/bash\n'
    >>> quote(list(range(10**6)))
    '[0, 1, 2, 3, 4, 5, 6, 7, ...]'
    >>> quote([[[[[1]]]]])
    '[[[[...]]]]'
    """
    try:
        text = _SHORT_REPR.repr(value)
    except Exception:  # a broken __repr__ must not hide the error being reported
        text = f"<{type(value).__name__}>"
    return one_line(text, limit)


@dataclass(frozen=True)
class Issue:
    """One problem found in a specification.

    Parameters
    ----------
    path : str
        Field path inside the document, e.g. ``"rounds[3].competencies.risk_awareness"``.
    message : str
        What is wrong, in words a user can act on.
    value : object, optional
        The offending value (omitted from the text when not given).
    """

    path: str
    message: str
    value: Any = _MISSING

    def prefixed(self, prefix: str) -> Issue:
        """Return this issue with ``prefix`` put in front of its path."""
        if not prefix:
            return self
        path = f"{prefix}{self.path}" if self.path.startswith("[") else f"{prefix}.{self.path}"
        return Issue(path.rstrip("."), self.message, self.value)

    def __str__(self) -> str:
        got = "" if self.value is _MISSING else f" (got {quote(self.value)})"
        where = f"{one_line(self.path, _PATH_CHARS)}: " if self.path else ""
        return f"{where}{one_line(self.message, _MESSAGE_CHARS)}{got}"


class SpecError(ValueError):
    """A process, profile or argument that fails validation.

    Every message names the source (file), the field path and the bad value.
    ``issues`` holds all problems found, not only the first.

    Examples
    --------
    >>> err = SpecError([Issue("rounds[0].minutes", "must be > 0", -5)], source="p.yaml")
    >>> print(err)
    p.yaml: rounds[0].minutes: must be > 0 (got -5)
    """

    def __init__(self, issues: Iterable[Issue], source: str | None = None) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        self.source = source
        super().__init__(self._text())

    def _text(self) -> str:
        head = f"{one_line(self.source, _SOURCE_CHARS)}: " if self.source else ""
        lines = [f"{head}{issue}" for issue in self.issues]
        return "\n".join(lines) if lines else f"{head}invalid specification"

    def with_source(self, source: str) -> SpecError:
        """Return the same issues attributed to ``source`` (a file name)."""
        return SpecError(self.issues, source=source)

    def prefixed(self, prefix: str) -> SpecError:
        """Return the same issues with ``prefix`` put in front of every path."""
        return SpecError((i.prefixed(prefix) for i in self.issues), source=self.source)


def fail(path: str, message: str, value: Any = _MISSING) -> SpecError:
    """Build a one-issue :class:`SpecError` (for argument checks in public functions)."""
    return SpecError([Issue(path, message, value)])
