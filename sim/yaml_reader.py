"""Read a YAML document safely and once, within the limits of :mod:`sim.limits`.

One pass: libyaml (when PyYAML has it, else PyYAML's own parser) turns the text
into events; a guarded composer builds the node tree, refusing on the way
nesting deeper than ``MAX_DEPTH``, more than ``MAX_VALUES`` values (an alias
counts as a full copy of what it refers to, so "billion laughs" is refused at
its first oversized alias) and recursive anchors (``a: &a [*a]``); duplicate
keys are found in one walk of that tree (each aliased node once); then the safe
constructor builds the Python data. Only standard YAML tags are accepted.

Aliases are allowed, within that budget: a process may reuse a block of
interviewer settings (``<<: *peer``) or a list of cut points, and the budget
caps what they can cost. Every error is one line naming the line and column.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Issue, SpecError, quote
from .limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_ITEMS, MAX_NUMBER_CHARS, MAX_VALUES

__all__ = ["parse_yaml", "read_yaml"]

#: Characters YAML 1.1 allows in a document (its "printable" set).
_BAD_CHARACTER = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Refused(yaml.MarkedYAMLError):
    """A document over a limit; reported like a syntax error, with its line."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(problem=message, problem_mark=mark)


class _Guard:
    """Composer and constructor hooks shared by the libyaml and pure-Python loaders."""

    anchors: dict[str, Node]

    def _start_guard(self) -> None:
        self._depth = 0
        self._values = 0  # values composed so far, aliases counted at their full size
        self._sizes: dict[str, int] = {}  # anchor -> size of its node, once complete

    def _spend(self, count: int, mark: Any, alias: str | None = None) -> None:
        self._values += count
        if self._values > MAX_VALUES:
            what = f"alias *{alias} expands the document to" if alias else "the document holds"
            raise _Refused(f"{what} more than {MAX_VALUES:,} values (the limit)", mark)

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()  # type: ignore[attr-defined]
        anchor = event.anchor
        if isinstance(event, AliasEvent):
            if anchor not in self.anchors:
                message = f"alias *{anchor} is used before its anchor &{anchor}"
                raise _Refused(message, event.start_mark)
            if anchor not in self._sizes:
                raise _Refused(
                    f"alias *{anchor} refers to the list or mapping that holds it "
                    "(a recursive anchor)",
                    event.start_mark,
                )
            self._spend(self._sizes[anchor], event.start_mark, alias=anchor)
            return super().compose_node(parent, index)  # type: ignore[misc]
        if anchor is not None and anchor in self.anchors:
            first = self.anchors[anchor].start_mark.line + 1
            message = f"anchor &{anchor} is defined twice (first on line {first})"
            raise _Refused(message, event.start_mark)
        nested = isinstance(event, SequenceStartEvent | MappingStartEvent)
        self._depth += nested
        if self._depth > MAX_DEPTH:
            raise _Refused(
                f"lists and mappings are nested more than {MAX_DEPTH} levels deep (the limit)",
                event.start_mark,
            )
        start = self._values
        self._spend(1, event.start_mark)
        node = super().compose_node(parent, index)  # type: ignore[misc]
        self._depth -= nested
        if nested and len(node.value) > MAX_ITEMS:
            what = "list" if isinstance(node, SequenceNode) else "mapping"
            raise _Refused(
                f"a {what} holds {len(node.value):,} items; the limit is {MAX_ITEMS:,}",
                event.start_mark,
            )
        if anchor is not None:
            self._sizes[anchor] = self._values - start
        return node

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except yaml.YAMLError:
            raise
        except (ArithmeticError, ValueError, TypeError) as exc:
            # e.g. a date 2026-02-30, an integer of 5,000 digits
            shown = f" {quote(node.value)}" if isinstance(node, ScalarNode) else ""
            raise _Refused(f"cannot read the value{shown}: {exc}", node.start_mark) from None

    def duplicate_keys(self, root: Node) -> list[Issue]:
        """Keys given twice in one mapping (YAML would keep the last silently)."""
        issues: list[Issue] = []
        visited: set[int] = set()
        stack: list[tuple[Node, str]] = [(root, "")]
        while stack:
            node, path = stack.pop()
            if id(node) in visited:  # an aliased node is checked once
                continue
            visited.add(id(node))
            children: list[tuple[Node, str]] = []
            if isinstance(node, MappingNode):
                seen: set[str] = set()
                for key_node, value_node in node.value:
                    key = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
                    child = f"{path}.{key}" if path else key
                    same = self._key_text(key_node)
                    if same is not None and same in seen:
                        line = key_node.start_mark.line + 1
                        issues.append(Issue(child, f"duplicate key (line {line})", key))
                    if same is not None:
                        seen.add(same)
                    children.append((value_node, child))
            elif isinstance(node, SequenceNode):
                children = [(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
            stack.extend(reversed(children))  # document order
        return issues

    def _key_text(self, node: Node) -> str | None:
        """What a key means as text (``yes`` and ``true``, ``1`` and ``"1"`` are the same)."""
        if not isinstance(node, ScalarNode):
            return None
        try:
            return str(self.construct_object(node))
        except yaml.YAMLError:
            return str(node.value)


def _number(construct: Any) -> Any:
    def guarded(loader: Any, node: ScalarNode) -> Any:
        if len(node.value) > MAX_NUMBER_CHARS:
            raise _Refused(
                f"a number of {len(node.value):,} characters; the limit is {MAX_NUMBER_CHARS}",
                node.start_mark,
            )
        return construct(loader, node)

    return guarded


class _PyLoader(_Guard, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, guarded."""

    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self._start_guard()


_LOADERS: list[type] = [_PyLoader]
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(_Guard, Composer, yaml.CSafeLoader):  # type: ignore[misc]
        """libyaml's parser (about ten times faster) with the guarded Python composer."""

        def __init__(self, stream: str) -> None:
            yaml.CSafeLoader.__init__(self, stream)
            Composer.__init__(self)
            self._start_guard()

    _LOADERS.insert(0, _CLoader)

for _cls in _LOADERS:
    for _tag in _NUMBER_TAGS:
        _cls.add_constructor(_tag, _number(yaml.SafeLoader.yaml_constructors[_tag]))

#: The loader in use: libyaml's when available.
_Loader = _LOADERS[0]


def parse_yaml(text: str, source: str | None = None) -> Any:
    """Parse YAML ``text`` into Python data, within the limits of :mod:`sim.limits`.

    Raises
    ------
    SpecError
        One line per problem naming ``source`` and the line: a syntax error, a
        character YAML does not allow, a limit exceeded, or keys given twice.

    Examples
    --------
    >>> parse_yaml("a: [1, 2]")
    {'a': [1, 2]}
    >>> parse_yaml("a: &a [*a]", "bomb.yaml")
    Traceback (most recent call last):
    ...
    sim.errors.SpecError: bomb.yaml: alias *a refers to the list or mapping that holds it \
(a recursive anchor) (line 1, column 8)
    """
    bad = _BAD_CHARACTER.search(text)
    if bad is not None:
        char = bad.group()
        what = unicodedata.name(char, "a control character")
        line, column = _position(text, bad.start())
        message = (
            f"holds the character U+{ord(char):04X} ({what}), which YAML does not allow "
            f"(line {line}, column {column})"
        )
        raise SpecError([Issue("", message)], source=source)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        issues = loader.duplicate_keys(node)
        if issues:
            raise SpecError(issues, source=source)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise SpecError([Issue("", _describe(exc, text))], source=source) from None
    finally:
        loader.dispose()


def read_yaml(path: str | os.PathLike[str]) -> Any:
    """Read a YAML file safely; errors (syntax, limits, duplicate keys) raise SpecError.

    A file over ``MAX_FILE_BYTES`` is refused before it is parsed.
    """
    source = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                size = os.fstat(handle.fileno()).st_size
                got = f"{size:,} bytes" if size > MAX_FILE_BYTES else "more"
                message = f"is larger than the limit of {MAX_FILE_BYTES:,} bytes (got {got})"
                raise SpecError([Issue("", message)], source=source)
    except OSError as exc:
        raise SpecError([Issue("", f"cannot read file: {exc.strerror}")], source=source) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"is not UTF-8 text (byte {exc.start}: {exc.reason})"
        raise SpecError([Issue("", message)], source=source) from None
    return parse_yaml(text, source)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _describe(exc: yaml.YAMLError, text: str) -> str:
    """One line for a YAML error, naming its line and column."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
    if problem is None:  # a ReaderError (the character check above runs first) and the like
        problem = " ".join(str(exc).split())
    context = getattr(exc, "context", None)
    if isinstance(exc, ComposerError) and context and context != problem:
        problem = f"{context}, {problem}"
    if mark is not None and problem == "found character that cannot start any token":
        # libyaml does not say which character
        lines = text.splitlines()
        if mark.line < len(lines) and mark.column < len(lines[mark.line]):
            char = lines[mark.line][mark.column]
            problem = f"found character {char!r} that cannot start any token"
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    if isinstance(exc, _Refused):
        return f"{problem} ({where})" if where else problem
    return f"YAML syntax error{' at ' + where if where else ''}: {problem}"
