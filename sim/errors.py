"""The one error type of the project: a bad specification or argument."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["Issue", "SpecError", "fail"]

_MISSING = object()


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
        got = "" if self.value is _MISSING else f" (got {self.value!r})"
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.message}{got}"


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
        head = f"{self.source}: " if self.source else ""
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
