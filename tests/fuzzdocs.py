"""Hostile documents made from the shipped presets, and the check every one must pass.

Used by ``tests/test_hostile_fuzz.py`` and ``benchmarks/fuzz_report.py``. A document
is a preset process or profile file changed by one to three seeded mutations:

* values: a field or list item replaced by a hostile value (wrong type, NaN, inf,
  1e-200, huge, empty, text with newline / NUL / right-to-left override), by another
  value of the same document (names swapped between fields), or nudged; keys
  deleted, renamed, added; list items dropped or repeated;
* text: YAML syntax inserted at a random place (tabs, control characters, tags such
  as ``!!python/object``, anchors and aliases, recursive anchors, alias bombs, deep
  nesting, dates that do not exist), lines repeated or dropped, the file truncated;
* bytes: a byte changed (often making the file invalid UTF-8).

:func:`check_document` loads it; an accepted one is then run through every CLI
command in-process (``sim.cli.main``) and every outcome is classified.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import re
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

import sim
import sim.cli
from sim.io import data_dir

#: Longest error line accepted as "one line" (file name, field path, message, quoted value).
MAX_LINE = 700

HOSTILE_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 7, 0.5, -0.5, 1e-200, -1e-200, 1e6, 1e300, -1e300,
    math.inf, -math.inf, math.nan, 10**40, "", " ", "x", "x" * 300, "a\nb", "tab\there",
    "nul\x00", "evil\u202etxt.exe", "zero\u200bwidth", "é", [], [1], ["a", "b"], [[1, 2], [3, 4]],
    {}, {"a": 1}, {"default": 0.5}, [[]], {"x": {"y": {"z": [1, {"w": None}]}}},
]  # fmt: skip

EXTREME_NUMBERS: list[Any] = [
    1e-200, -1e-200, 5e-324, 1e-12, 1e12, 1e300, -1e300, 0, -0.0, 2**53 + 1, 1e6, -1e6, 0.999999,
    1.000001, 100, -100, 1, -1,
]  # fmt: skip
#: Stand-ins for a text field: numbers, lists, mappings, odd text (roles and titles were
#: never type-checked).
EXTREME_TEXT_STANDINS: list[Any] = [
    5, 2.5, True, None, [], ["x"], {}, {"a": 1}, math.inf, "", "x" * 200, "a\nb", "RTL‮",
]  # fmt: skip

SNIPPETS: list[str] = [
    "\t", "\x00", "\x01", "\x1b[31m", "\x7f", "\ufeff", "\r", "\u2028", ": :", "- -", "[", "]",
    "{", "}", ",", "&a [*a]", "*undefined", "&dup 1", "!!python/object/apply:os.system [true]",
    "!!python/name:os.system", "!!binary xx=", "!!timestamp 2026-02-30", "2026-02-30",
    "2026-01-01", "<<: *nothing", "? [a, b]\n: c", "%YAML 1.1\n---", "---\n", "...\n",
    '"unterminated', "'", "|", ">", "@", "`", "%", "!local", "!!set {a, b}", "!!omap [a: 1]",
    "0x1F", "0o17", "1:30:00", ".inf", "-.inf", ".nan", "~", "null", "yes", "no", "on",
    "1e-200", "9" * 500, "-" * 50, "#", "\\", '"\\u202e"', '"\\0"', '"\\x1b"',
]  # fmt: skip


@dataclass(frozen=True)
class Document:
    """One generated document: its kind, the preset it came from, its bytes, its mutations."""

    kind: str  # "process" or "profile"
    base: str  # preset name
    data: bytes
    label: str


@dataclass
class Outcome:
    """What happened to one document (and to the commands run on it, if accepted)."""

    document: Document
    status: str  # "accepted", "clean" (a good SpecError), or "bad" (anything else)
    detail: str = ""
    seconds: float = 0.0  # wall time of loading
    cpu_seconds: float = 0.0  # CPU time of loading
    commands: list[tuple[str, str, str]] = field(default_factory=list)  # (cmd, status, detail)


# --------------------------------------------------------------------------- generation
def _presets() -> list[tuple[str, str, str]]:
    root = data_dir()
    out = []
    for kind, folder in (("process", "processes"), ("profile", "profiles")):
        for path in sorted((root / folder).glob("*.yaml")):
            out.append((kind, path.stem, path.read_text(encoding="utf-8")))
    return out


def _slots(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) pair of a parsed document, depth first."""
    out: list[tuple[Any, Any]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        keys = current.keys() if isinstance(current, dict) else range(len(current))
        for key in list(keys):
            out.append((current, key))
            if isinstance(current[key], dict | list):
                stack.append(current[key])
    return out


def _leaves(node: Any) -> list[Any]:
    return [c[k] for c, k in _slots(node) if not isinstance(c[k], dict | list)]


def _mutate_value(doc: Any, rng: np.random.Generator) -> str:
    slots = _slots(doc)
    if not slots:
        return "empty"
    container, key = slots[rng.integers(len(slots))]
    ops = ["hostile", "extreme", "extreme", "swap", "nudge", "delete", "rename", "add", "repeat"]
    op = rng.choice(ops)
    if op == "extreme":  # a value of a near type: the kind most likely to pass validation
        value = container[key]
        pool = EXTREME_NUMBERS if isinstance(value, int | float) else EXTREME_TEXT_STANDINS
        container[key] = copy.deepcopy(pool[rng.integers(len(pool))])
    elif op == "hostile":
        container[key] = copy.deepcopy(HOSTILE_VALUES[rng.integers(len(HOSTILE_VALUES))])
    elif op == "swap":
        leaves = _leaves(doc)
        container[key] = copy.deepcopy(leaves[rng.integers(len(leaves))])
    elif op == "nudge" and isinstance(container[key], int | float):
        factor = rng.choice([0.0, -1.0, 0.5, 0.9, 1.1, 2.0, 10.0, 1e6])
        container[key] = float(container[key]) * float(factor) + float(rng.choice([0, 0.5]))
    elif op == "delete":
        del container[key]
    elif op == "rename" and isinstance(container, dict):
        container[f"{key}_x"] = container.pop(key)
    elif op == "add" and isinstance(container, dict):
        container["unexpected"] = 1
    elif op == "add":
        container.append(copy.deepcopy(container[key]))
    elif op == "repeat" and isinstance(container, list):
        container.insert(int(key), copy.deepcopy(container[key]))
    else:
        container[key] = None
    return f"{op}@{key}"


def _bomb(levels: int) -> str:
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def _mutate_text(text: str, rng: np.random.Generator) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    op = rng.choice(["insert", "insert", "value", "line", "drop", "truncate", "bomb", "deep"])
    where = int(rng.integers(len(text) + 1))
    snippet = SNIPPETS[rng.integers(len(SNIPPETS))]
    if op == "insert":
        return text[:where] + snippet + text[where:], f"insert {snippet!r}"
    if op == "value":  # replace the value of one `key: value` line
        i = int(rng.integers(len(lines)))
        key, sep, _ = lines[i].partition(": ")
        if sep:
            lines[i] = f"{key}: {snippet}\n"
        return "".join(lines), f"value {snippet!r}"
    if op == "line":
        i = int(rng.integers(len(lines)))
        lines.insert(i, lines[i])
        return "".join(lines), "repeat line"
    if op == "drop":
        del lines[int(rng.integers(len(lines)))]
        return "".join(lines), "drop line"
    if op == "truncate":
        return text[:where], "truncate"
    if op == "bomb":  # anchors first, then the first top-level value made an alias
        levels = int(rng.integers(2, 8))  # up to 10**7 values
        aliased = re.sub(r"^(\w+): .*$", rf"\1: *lol{levels - 1}", text, count=1, flags=re.M)
        return _bomb(levels) + aliased, f"bomb {levels}"
    depth = int(rng.integers(1, 600))
    return text + "notes: " + "[" * depth + "]" * depth + "\n", f"deep {depth}"


def documents(n: int, seed: int = 0) -> Iterator[Document]:
    """``n`` hostile documents, the same for the same ``seed``."""
    rng = np.random.default_rng(seed)
    presets = _presets()
    parsed = [yaml.safe_load(text) for _, _, text in presets]
    # Three in four documents are processes: they have far more to get wrong.
    kinds = np.array([kind == "process" for kind, _, _ in presets])
    weights = np.where(kinds, 0.75 / kinds.sum(), 0.25 / (~kinds).sum())
    for _ in range(n):
        i = int(rng.choice(len(presets), p=weights))
        kind, base, text = presets[i]
        style = rng.choice(["value", "value", "text", "text", "byte"], p=[0.3, 0.2, 0.2, 0.2, 0.1])
        labels = []
        if style == "value":
            doc = copy.deepcopy(parsed[i])
            for _ in range(int(rng.integers(1, 4))):
                labels.append(_mutate_value(doc, rng))
            data = yaml.safe_dump(doc, sort_keys=False).encode("utf-8")
        elif style == "text":
            for _ in range(int(rng.integers(1, 3))):
                text, label = _mutate_text(text, rng)
                labels.append(label)
            data = text.encode("utf-8")
        else:
            raw = bytearray(text.encode("utf-8"))
            at = int(rng.integers(len(raw)))
            raw[at] = int(rng.integers(256))
            data, labels = bytes(raw), [f"byte {at}"]
        yield Document(kind, base, data, "; ".join(labels))


#: Edits of a preset that issue 15 reports as accepted by ``validate`` and crashing a later
#: command: (preset, path of keys and indices, value). Every fuzz run checks them first.
ISSUE_EDITS: list[tuple[str, tuple[Any, ...], Any]] = [
    ("google_style_committee", ("interviewers", 0, "role"), 5),
    ("google_style_committee", ("interviewers", 0, "role"), {"a": 1}),
    ("amazon_style_loop", ("competencies", 0, "title"), math.inf),
    ("amazon_style_loop", ("title",), ["a", "list"]),
    ("amex_ai_pm_2026", ("pool", "framing", "sd"), 1.0e-200),
    ("amex_ai_pm_2026", ("pool", "sd"), 1.0e-200),
    ("amex_ai_pm_2026", ("scale", "points_per_sd"), 1.0e-200),
    ("google_style_committee", ("rounds", 0, "title"), 7),
]


def issue_documents() -> Iterator[Document]:
    """The documents of :data:`ISSUE_EDITS`."""
    root = data_dir() / "processes"
    for base, path, value in ISSUE_EDITS:
        doc = yaml.safe_load((root / f"{base}.yaml").read_text(encoding="utf-8"))
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        label = f"issue: {'.'.join(map(str, path))} = {value!r}"
        yield Document("process", base, yaml.safe_dump(doc, sort_keys=False).encode(), label)


def limit_documents() -> Iterator[Document]:
    """Documents at (or just over) the limits of :mod:`sim.limits`: the worst cases."""
    from sim import limits

    root = data_dir()
    text = (root / "processes" / "amex_ai_pm_2026.yaml").read_text(encoding="utf-8")
    room = limits.MAX_FILE_BYTES - len(text.encode())
    padding = ("# " + "x" * 97 + "\n") * (room // 100)
    yield Document("process", "amex_ai_pm_2026", (text + padding).encode(), "limit: 1 MiB")
    broken = "notes: [" + "1, " * (room // 3 - 10) + "\n"
    yield Document("process", "amex_ai_pm_2026", (text + broken).encode(), "limit: 1 MiB broken")
    rows = (limits.MAX_VALUES - 1_000) // limits.MAX_ITEMS
    values = "notes: [" + ", ".join(["[" + ", ".join(["0"] * 4_000) + "]"] * rows) + "]\n"
    yield Document("process", "amex_ai_pm_2026", (text + values).encode(), "limit: values")
    bomb = "notes:\n" + "".join(f"  {line}\n" for line in _bomb(4).splitlines())
    bomb += "  again: [*lol3, *lol3, *lol3]\n"
    yield Document("process", "amex_ai_pm_2026", (bomb + text).encode(), "limit: aliases")
    depth = limits.MAX_DEPTH - 1
    deep = "notes: " + "[" * depth + "]" * depth + "\n"
    yield Document("process", "amex_ai_pm_2026", (text + deep).encode(), "limit: depth")
    yield Document("process", "amex_ai_pm_2026", _largest_process().encode(), "limit: parts")
    profiles = {
        f"p{i}": {"default_level": 5.0, "framing": 0.1} for i in range(limits.MAX_PROFILES)
    }
    data = yaml.safe_dump({"process": "amex_ai_pm_2026", "profiles": profiles}).encode()
    yield Document("profile", "amex_ai_pm_2026", data, "limit: profiles")


def _largest_process() -> str:
    """A valid process with the most competencies, interviewers and rounds allowed."""
    from sim import limits

    doc = yaml.safe_load((data_dir() / "processes" / "google_style_committee.yaml").read_text())
    comps = [f"c{i}" for i in range(limits.MAX_COMPETENCIES)]
    people = [f"i{i}" for i in range(limits.MAX_INTERVIEWERS)]
    doc["competencies"] = [dict(doc["competencies"][0], name=c, title=c) for c in comps]
    doc["interviewers"] = [dict(doc["interviewers"][0], name=p, role=p) for p in people]
    per_round = len(people) // limits.MAX_ROUNDS
    doc["rounds"] = [
        dict(doc["rounds"][1], name=f"r{r}", title=f"r{r}", competencies=comps,
             interviewers=people[r * per_round:(r + 1) * per_round], gate=None)
        for r in range(limits.MAX_ROUNDS)
    ]  # fmt: skip
    doc["debrief"]["competency_weights"] = dict.fromkeys(comps, 1.0)
    doc["debrief"]["interviewer_weights"] = {}
    doc["truth"]["weights"] = dict.fromkeys(comps, 1.0)
    doc["pool"] = {"mean": 0.0, "sd": 1.0, "correlation": {"default": 0.3}}
    return yaml.safe_dump(doc, sort_keys=False)


# --------------------------------------------------------------------------- checking
def clean_error(exc: sim.SpecError, source: str) -> str:
    """Empty if ``exc`` is a good error (one line per issue, each naming the file), else why."""
    lines = str(exc).split("\n")
    if len(lines) != max(1, len(exc.issues)):
        return f"{len(lines)} lines for {len(exc.issues)} issues"
    for line in lines:
        if not line.startswith(f"{source}: "):
            return f"line does not name the file: {line[:120]!r}"
        if len(line) > MAX_LINE or not line.isprintable():
            return f"line of {len(line)} characters or unprintable: {line[:120]!r}"
    return ""


def _cli(argv: list[str]) -> tuple[str, str]:
    """Run ``hiring-sim ARGV`` in-process: ("ok" | "clean" | "bad", detail)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("always")
            code = sim.cli.main(argv)
    except Exception as exc:  # escaped main: a crash
        return "bad", signature(exc)
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if numeric:  # printed, they would break the one-line rule; they flag a numeric fault
        return "bad", f"{numeric[0].category.__name__}: {numeric[0].message}"
    if code == 0:
        return "ok", ""
    lines = err.getvalue().strip().split("\n")
    if code != 1 or not all(x.startswith("hiring-sim: error: ") for x in lines):
        return "bad", f"exit {code}: {err.getvalue()[:200]!r}"
    # main reports any ValueError or OSError as one line; find out which it was.
    args = sim.cli.build_parser().parse_args(argv)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            args.func(args)
    except (sim.SpecError, sim.cli.CommandError):
        return "clean", lines[0][:200]
    except Exception as exc:
        return "bad", signature(exc)
    return "bad", "failed once, succeeded when repeated"


def signature(exc: BaseException) -> str:
    """``"TypeName: message"`` on one line (what the known-failure patterns match)."""
    text = re.sub(r"\s+", " ", str(exc))[:300]
    return f"{type(exc).__name__}: {text}"


def _commands(
    document: Document, path: Path, loaded: Any, seen: set[str]
) -> list[tuple[str, list[str]]]:
    """The commands to run on an accepted document: none for a spec already run (the
    commands see only the spec, so an identical one behaves identically)."""
    n = ["--n", "200"]
    key = f"{document.kind}:{document.base}:{loaded!r}"
    if document.kind == "process" and key in seen:
        return []
    seen.add(key)
    if document.kind == "process":
        scale = loaded.scale
        probe = path.with_name("probe.yaml")
        level = (scale.min + scale.max) / 2
        probe.write_text(f"profiles:\n  probe: {{default_level: {level!r}, framing: 0.5}}\n")
        proc, prof = ["--process", str(path)], ["--profile", f"{probe}:probe"]
        return [
            ("validate", ["validate", str(path)]),
            ("simulate", ["simulate", *proc, *n]),
            ("what-if", ["what-if", *proc, *prof, *n]),
            ("debrief", ["debrief", *proc, *prof]),
            ("compare-rules", ["compare-rules", *proc, *n]),
            ("sway", ["sway", *proc, *prof]),
            ("audit", ["audit", *proc, *n]),
        ]
    proc = ["--process", document.base]
    out = [("validate", ["validate", str(path)])]
    fresh = [name for name, p in loaded.items() if f"{document.base}:{p!r}" not in seen]
    for name in fresh[:3]:  # the profiles a mutation changed (a few, at most)
        seen.add(f"{document.base}:{loaded[name]!r}")
        prof = ["--profile", f"{path}:{name}"]
        out += [
            ("what-if", ["what-if", *proc, *prof, *n]),
            ("debrief", ["debrief", *proc, *prof]),
            ("sway", ["sway", *proc, *prof]),
        ]
    return out


def check_document(document: Document, folder: Path, seen: set[str] | None = None) -> Outcome:
    """Load ``document`` from a file in ``folder``; if accepted, run every command on it.

    ``seen`` collects the specs already run through the commands (pass the same set
    for a whole run); with None, no commands are run.
    """
    path = folder / "doc.yaml"
    path.write_bytes(document.data)
    load = sim.load_process if document.kind == "process" else sim.load_profiles
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        loaded = load(str(path))
        status, detail = "accepted", ""
    except sim.SpecError as exc:
        detail = clean_error(exc, str(path))
        status = "bad" if detail else "clean"
        if status == "clean":
            detail = str(exc).split("\n")[0]
    except Exception as exc:
        status, detail = "bad", signature(exc)
    outcome = Outcome(
        document, status, detail, time.perf_counter() - wall, time.process_time() - cpu
    )
    if status == "accepted" and seen is not None:
        for name, argv in _commands(document, path, loaded, seen):
            outcome.commands.append((name, *_cli(argv)))
    return outcome


def presets_command() -> tuple[str, str]:
    """``hiring-sim presets`` (it reads only the shipped files: run once, not per document)."""
    return _cli(["presets"])
