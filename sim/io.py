"""Load processes and profiles from YAML, reporting every error with its field path.

YAML is read once, with a safe loader, within the limits of :mod:`sim.limits`
(see :mod:`sim.yaml_reader`); duplicate keys are errors (YAML itself would
silently keep the last one).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from .errors import _MISSING, Issue, SpecError
from .limits import process_limits, process_names, profile_limits, profile_names
from .output import Terminated, atomic_write, check_output, exit_on_signals
from .spec import (
    Competency,
    Debrief,
    Interviewer,
    Pool,
    Process,
    Profile,
    Round,
    Scale,
    Truth,
)
from .validation import check_type, process_issues
from .yaml_reader import read_yaml

__all__ = [
    "Terminated",
    "atomic_write",
    "check_output",
    "data_dir",
    "exit_on_signals",
    "list_presets",
    "load_process",
    "load_profiles",
    "process_from_dict",
    "profiles_from_dict",
    "read_yaml",
    "validate_file",
]


# --------------------------------------------------------------------------- files
def data_dir() -> Path:
    """Folder holding ``processes/`` and ``profiles/`` (installed or source tree)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / "processes").is_dir():
            return candidate
    raise FileNotFoundError("preset folder not found next to the sim package")


def _resolve(name_or_path: str | os.PathLike[str], kind: str) -> Path:
    check_type("name_or_path", name_or_path, (str, os.PathLike), "a preset name or a file")
    text = os.fspath(name_or_path)
    if not text.strip():
        raise SpecError([Issue("", "expected a preset name or a YAML file", text)])
    if "\x00" in text:
        raise SpecError([Issue("", "the file name holds a NUL character")], source=text)
    try:
        return _find(text, kind)
    except OSError as exc:  # e.g. a name too long for the file system
        raise SpecError([Issue("", f"cannot read file: {exc.strerror}")], source=text) from None


def _find(text: str, kind: str) -> Path:
    path = Path(text)
    if path.suffix in (".yaml", ".yml") or path.exists() or os.sep in text:
        if not path.exists():
            raise SpecError([Issue("", "file not found")], source=text)
        if not path.is_file():
            what = "a folder" if path.is_dir() else "not a regular file"
            raise SpecError([Issue("", f"is {what}; expected a YAML file")], source=text)
        return path
    preset = data_dir() / kind / f"{text}.yaml"
    if not preset.is_file():
        known = ", ".join(sorted(p.stem for p in (data_dir() / kind).glob("*.yaml")))
        what = {"processes": "process", "profiles": "profile"}[kind]
        raise SpecError([Issue("", f"no {what} preset named {text!r}; known: {known}")])
    return preset


# --------------------------------------------------------------------------- building
class _Builder:
    """Turns raw YAML data into spec objects, collecting every issue with its path."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, path: str, message: str, value: Any = _MISSING) -> None:
        self.issues.append(Issue(path, message, value))

    def mapping(self, raw: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.add(path, "must be a mapping", raw)
            return None
        return raw

    def sequence(self, raw: Any, path: str) -> Sequence[Any] | None:
        if isinstance(raw, str) or not isinstance(raw, Sequence):
            self.add(path, "must be a list", raw)
            return None
        return raw

    def build(
        self, cls: type, raw: Any, path: str, *, rename: Mapping[str, str] | None = None
    ) -> Any:
        """Construct ``cls`` from mapping ``raw``; on failure record issues, return None."""
        data = self.mapping(raw, path)
        if data is None:
            return None
        rename = dict(rename or {})
        allowed = {rename.get(f.name, f.name): f.name for f in fields(cls) if f.init}
        kwargs, ok = {}, True
        for key, value in data.items():
            if key not in allowed:
                self.add(_join(path, str(key)), f"unknown field; expected one of {_list(allowed)}")
                ok = False
            else:
                kwargs[allowed[key]] = value
        required = [
            rename.get(f.name, f.name)
            for f in fields(cls)
            if f.init and _is_required(f) and f.name not in kwargs
        ]
        for key in required:
            self.add(_join(path, key), "is required")
            ok = False
        if not ok:
            return None
        try:
            return cls(**kwargs)
        except SpecError as exc:
            self.issues.extend(issue.prefixed(path) for issue in exc.issues)
            return None

    def items(self, cls: type, raw: Any, path: str) -> list[Any] | None:
        items = self.sequence(raw, path)
        if items is None:
            return None
        return [self.build(cls, item, f"{path}[{i}]") for i, item in enumerate(items)]


def _is_required(f: Any) -> bool:
    from dataclasses import MISSING

    return f.default is MISSING and f.default_factory is MISSING


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _list(names: Mapping[str, str]) -> str:
    return ", ".join(sorted(names))


_PROCESS_KEYS = {
    "name",
    "title",
    "source",
    "window_days",
    "evidence_minutes",
    "scale",
    "competencies",
    "interviewers",
    "rounds",
    "debrief",
    "pool",
    "truth",
    "compensation",
    "notes",
}


def _pool(b: _Builder, raw: Any, names: list[str]) -> Pool | None:
    data = b.mapping(raw, "pool")
    if data is None:
        return None
    for key in data:
        if key not in ("mean", "sd", "correlation", "framing"):
            b.add(f"pool.{key}", "unknown field; expected mean, sd, correlation, framing")
    before = len(b.issues)
    mean = _per_competency(b, data.get("mean", 0.0), "pool.mean", names)
    sd = _per_competency(b, data.get("sd", 1.0), "pool.sd", names)
    corr = _correlation(b, data.get("correlation", 0.0), names)
    framing = b.mapping(data.get("framing", {}), "pool.framing") or {}
    for key in framing:
        if key not in ("mean", "sd"):
            b.add(f"pool.framing.{key}", "unknown field; expected mean, sd")
    if len(b.issues) > before:
        return None
    try:
        return Pool(
            competencies=tuple(names),
            mean=mean,
            sd=sd,
            correlation=corr,
            framing_mean=framing.get("mean", 0.0),
            framing_sd=framing.get("sd", 0.5),
        )
    except SpecError as exc:
        rename = {"framing_mean": "framing.mean", "framing_sd": "framing.sd"}
        for issue in exc.issues:
            head, _, tail = issue.path.partition("[")
            path = rename.get(head, head) + (f"[{tail}" if tail else "")
            b.issues.append(Issue(path, issue.message, issue.value).prefixed("pool"))
        return None


def _per_competency(b: _Builder, raw: Any, path: str, names: list[str]) -> tuple[Any, ...]:
    """A scalar for all competencies, or a mapping name: value (others default)."""
    if isinstance(raw, Mapping):
        default = raw.get("default", 0.0 if path.endswith("mean") else 1.0)
        for key in raw:
            if key != "default" and key not in names:
                b.add(f"{path}.{key}", "unknown competency", key)
        return tuple(raw.get(name, default) for name in names)
    return tuple(raw for _ in names)


def _correlation(b: _Builder, raw: Any, names: list[str]) -> Any:
    """A full matrix (list of rows), a scalar, or ``{default: r, pairs: [[a, b, r], ...]}``."""
    k = len(names)
    if isinstance(raw, Sequence) and not isinstance(raw, str):
        return raw
    if isinstance(raw, Mapping):
        for key in raw:
            if key not in ("default", "pairs"):
                b.add(f"pool.correlation.{key}", "unknown field; expected default, pairs")
        default = raw.get("default", 0.0)
        pairs = raw.get("pairs", []) or []
    else:
        default, pairs = raw, []
    default = _as_float(b, "pool.correlation.default", default)
    if default is None:
        return ()
    matrix = np.full((k, k), default)
    np.fill_diagonal(matrix, 1.0)
    if b.sequence(pairs, "pool.correlation.pairs") is None:
        return ()
    for i, pair in enumerate(pairs):
        path = f"pool.correlation.pairs[{i}]"
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 3:
            b.add(path, "must be [competency, competency, correlation]", pair)
            continue
        first, second, value = pair
        bad = [name for name in (first, second) if name not in names]
        for name in bad:
            b.add(f"{path}.{name}", "unknown competency", name)
        number = _as_float(b, f"{path}[2]", value)
        if number is not None and not bad:
            i1, i2 = names.index(first), names.index(second)
            matrix[i1, i2] = matrix[i2, i1] = number
    return matrix.tolist()


def _as_float(b: _Builder, path: str, value: Any) -> float | None:
    """``value`` as a float, or None with an issue (bools, text, huge integers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        b.add(path, "must be a number", value)
        return None
    try:
        return float(value)
    except OverflowError:
        b.add(path, "must be a finite number", value)
        return None


def process_from_dict(doc: Any, source: str | None = None) -> Process:
    """Build a :class:`Process` from parsed YAML, reporting every issue at once.

    Raises
    ------
    SpecError
        With one issue per problem, each naming its field path and value.
    """
    b = _Builder()
    data = b.mapping(doc, "")
    if data is None or process_limits(data):
        raise SpecError(b.issues or process_limits(data), source=source)
    b.issues.extend(process_names(data))
    for key in data:
        if key not in _PROCESS_KEYS:
            b.add(str(key), f"unknown field; expected one of {', '.join(sorted(_PROCESS_KEYS))}")
    for key in ("name", "competencies", "interviewers", "rounds", "debrief", "truth"):
        if key not in data:
            b.add(key, "is required")
    scale = b.build(Scale, data.get("scale", {}), "scale")
    competencies = b.items(Competency, data.get("competencies", []), "competencies")
    interviewers = b.items(Interviewer, data.get("interviewers", []), "interviewers")
    rounds = b.items(Round, data.get("rounds", []), "rounds")
    debrief = b.build(Debrief, data.get("debrief", {}), "debrief") if "debrief" in data else None
    truth = b.build(Truth, data.get("truth", {}), "truth") if "truth" in data else None
    names = [c.name for c in competencies or [] if c is not None]
    pool = _pool(b, data.get("pool", {}), names) if competencies is not None else None
    compensation = data.get("compensation", {})
    if not isinstance(compensation, Mapping):
        b.add("compensation", "must be a mapping", compensation)
    window = data.get("window_days", 45.0)
    if b.issues:
        # Cross-check whatever parts were valid so one run reports every error.
        window_ok = isinstance(window, int | float) and not isinstance(window, bool)
        b.issues.extend(
            process_issues(
                competencies=_named(competencies, data.get("competencies")),
                interviewers=_named(interviewers, data.get("interviewers")),
                rounds=rounds,
                debrief=debrief,
                pool=None,
                truth=truth,
                window_days=float(window) if window_ok else None,
                scale=scale,
            )
        )
        raise SpecError(_unique(b.issues), source=source)
    try:
        return Process(
            name=data["name"],
            title=data.get("title", ""),
            source=data.get("source", ""),
            window_days=window,
            evidence_minutes=data.get("evidence_minutes", 15.0),
            scale=scale,
            competencies=tuple(competencies),
            interviewers=tuple(interviewers),
            rounds=tuple(rounds),
            debrief=debrief,
            pool=pool,
            truth=truth,
            compensation=compensation,
        )
    except SpecError as exc:
        raise exc.with_source(source) if source else exc from None


def _named(built: list[Any] | None, raw: Any) -> list[Any] | None:
    """Valid parts, plus the names of invalid ones (enough for cross-references)."""
    if built is None:
        return None
    out = []
    raw = raw if isinstance(raw, Sequence) and not isinstance(raw, str) else []
    for obj, item in zip(built, raw, strict=False):
        if obj is not None:
            out.append(obj)
        elif isinstance(item, Mapping) and isinstance(item.get("name"), str):
            out.append(SimpleNamespace(name=item["name"]))
    return out


def _unique(issues: list[Issue]) -> list[Issue]:
    seen, out = set(), []
    for issue in issues:
        key = str(issue)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out


def load_process(name_or_path: str | os.PathLike[str]) -> Process:
    """Load a process by preset name (``"amex_ai_pm_2026"``) or YAML path.

    Raises
    ------
    SpecError
        Naming the file, the field path and the bad value of every problem.

    Examples
    --------
    >>> import sim
    >>> p = sim.load_process("amex_ai_pm_2026")
    >>> [r.minutes for r in p.rounds]
    [30.0, 45.0, 60.0, 45.0, 60.0]
    """
    path = _resolve(name_or_path, "processes")
    return process_from_dict(read_yaml(path), source=str(path))


def profiles_from_dict(
    doc: Any, process: Process | None = None, source: str | None = None
) -> dict[str, Profile]:
    """Build profiles from parsed YAML ``{process: NAME, profiles: {name: {...}}}``.

    With ``process`` given (or loadable from the file's ``process`` field), every
    level is checked against it as well.
    """
    b = _Builder()
    data = b.mapping(doc, "")
    if data is None or profile_limits(data):
        raise SpecError(b.issues or profile_limits(data), source=source)
    b.issues.extend(profile_names(data))
    for key in data:
        if key not in ("process", "profiles", "notes"):
            b.add(str(key), "unknown field; expected process, profiles, notes")
    raw = b.mapping(data.get("profiles"), "profiles") or {}
    if process is None and isinstance(data.get("process"), str):
        try:
            process = load_process(data["process"])
        except SpecError as exc:
            b.add("process", f"cannot load the process: {exc}", data["process"])
    profiles: dict[str, Profile] = {}
    for key, entry in raw.items():
        path = f"profiles.{key}"
        if isinstance(entry, Mapping) and "name" in entry:
            b.add(f"{path}.name", "the key is the name; remove this field", entry["name"])
            continue
        entry = {"name": str(key), **entry} if isinstance(entry, Mapping) else entry
        profile = b.build(Profile, entry, path)
        if profile is None:
            continue
        if process is not None:
            try:
                profile.theta(process)
            except SpecError as exc:
                b.issues.extend(exc.issues)
                continue
        profiles[str(key)] = profile
    if b.issues:
        raise SpecError(b.issues, source=source)
    return profiles


def load_profiles(
    name_or_path: str | os.PathLike[str], process: Process | None = None
) -> dict[str, Profile]:
    """Load candidate profiles by preset name (usually the process name) or path.

    Examples
    --------
    >>> import sim
    >>> profiles = sim.load_profiles("amex_ai_pm_2026")
    >>> profiles["impact_framer"].framing, profiles["internals_framer"].framing
    (1.0, -1.0)
    """
    path = _resolve(name_or_path, "profiles")
    return profiles_from_dict(read_yaml(path), process=process, source=str(path))


def validate_file(path: str | os.PathLike[str]) -> Process | dict[str, Profile]:
    """Validate a process or profile file (told apart by a top-level ``profiles`` key)."""
    doc = read_yaml(_resolve(path, "processes"))
    if isinstance(doc, Mapping) and "profiles" in doc:
        return profiles_from_dict(doc, source=os.fspath(path))
    return process_from_dict(doc, source=os.fspath(path))


def list_presets() -> dict[str, list[dict[str, str]]]:
    """Presets shipped in ``data/``: processes (name, title, file) and profiles."""
    root = data_dir()
    processes, profiles = [], []
    for path in sorted((root / "processes").glob("*.yaml")):
        doc = read_yaml(path) or {}
        processes.append(
            {"name": path.stem, "title": str(doc.get("title", path.stem)), "file": str(path)}
        )
    for path in sorted((root / "profiles").glob("*.yaml")):
        doc = read_yaml(path) or {}
        for name, entry in (doc.get("profiles") or {}).items():
            profiles.append(
                {
                    "name": str(name),
                    "process": str(doc.get("process", "")),
                    "description": str((entry or {}).get("description", "")),
                    "file": str(path),
                }
            )
    return {"processes": processes, "profiles": profiles}
