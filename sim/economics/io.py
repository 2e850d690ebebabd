"""Economics presets from YAML: ``data/economics/<process>.yaml``, every error with its path."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import Issue, SpecError
from ..io import data_dir, read_yaml
from ..spec import Process
from .spec import _PARTS, OFFER_PARTS, Economics, OfferPart, OfferPolicy, field_names

__all__ = ["economics_dir", "economics_from_dict", "load_economics"]


def economics_dir() -> Path:
    """Folder of the shipped economics presets (``data/economics``)."""
    return data_dir() / "economics"


def load_economics(name_or_path: str | os.PathLike[str] | Process) -> Economics:
    """Load the economics preset of a process (by process, preset name or YAML path).

    Raises
    ------
    SpecError
        Naming the file, the field path and the bad value of every problem, or
        saying that a process has no economics preset.

    Examples
    --------
    >>> econ = load_economics("amex_ai_pm_2026")
    >>> econ.offer_policy.equity_pct.to
    (0.04, 0.07)
    """
    if isinstance(name_or_path, Process):
        name_or_path = name_or_path.name
    text = os.fspath(name_or_path)
    path = Path(text)
    if not (path.suffix in (".yaml", ".yml") or os.sep in text):
        path = economics_dir() / f"{text}.yaml"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in economics_dir().glob("*.yaml")))
            message = (
                f"no economics preset for process {text!r} (known: {known}); "
                "write one like data/economics/amex_ai_pm_2026.yaml and pass it"
            )
            raise SpecError([Issue("economics", message)])
    elif not path.is_file():
        raise SpecError([Issue("", "file not found")], source=text)
    return economics_from_dict(read_yaml(path), source=str(path))


def economics_from_dict(doc: Any, source: str | None = None) -> Economics:
    """Build :class:`Economics` from ``{process: NAME, economics: {...}}``, all errors at once."""
    issues: list[Issue] = []
    if not isinstance(doc, Mapping) or not isinstance(doc.get("economics"), Mapping):
        raise SpecError([Issue("economics", "must be a mapping of the parts")], source=source)
    for key in doc:
        if key not in ("process", "economics"):
            issues.append(Issue(str(key), "unknown field; expected process, economics"))
    raw = doc["economics"]
    parts: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _PARTS:
            known = ", ".join(_PARTS)
            issues.append(Issue(f"economics.{key}", f"unknown part; expected one of {known}"))
            continue
        built = _build(key, value, issues)
        if built is not None:
            parts[key] = built
    if "offer_policy" not in raw:
        issues.append(Issue("economics.offer_policy", "is required"))
    if issues:
        raise SpecError(issues, source=source)
    try:
        return Economics(process=str(doc.get("process", "")), **parts)
    except SpecError as exc:
        raise SpecError(exc.prefixed("economics").issues, source=source) from None


def _build(key: str, value: Any, issues: list[Issue]) -> Any:
    path = f"economics.{key}"
    if not isinstance(value, Mapping):
        issues.append(Issue(path, "must be a mapping", value))
        return None
    if key == "offer_policy":
        return _offer_policy(value, path, issues)
    return _dataclass(_PARTS[key], value, path, issues)


def _dataclass(cls: type, value: Mapping[str, Any], path: str, issues: list[Issue]) -> Any:
    allowed = field_names(cls)
    bad = [k for k in value if k not in allowed]
    for k in bad:
        issues.append(Issue(f"{path}.{k}", f"unknown field; expected one of {', '.join(allowed)}"))
    if bad:
        return None
    try:
        return cls(**{str(k): (tuple(v) if isinstance(v, list) else v) for k, v in value.items()})
    except SpecError as exc:
        issues.extend(i.prefixed(path) for i in exc.issues)
    except TypeError as exc:
        issues.append(Issue(path, str(exc)))
    return None


def _offer_policy(value: Mapping[str, Any], path: str, issues: list[Issue]) -> Any:
    before = len(issues)
    fields_ = dict(value)
    for key in OFFER_PARTS:
        raw = fields_.get(key)
        if raw is None:
            issues.append(Issue(f"{path}.{key}", "is required"))
            continue
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            fields_[key] = _dataclass(OfferPart, {"value": raw}, f"{path}.{key}", issues)
        elif isinstance(raw, Mapping):
            renamed = {("from_" if k == "from" else k): v for k, v in raw.items()}
            fields_[key] = _dataclass(OfferPart, renamed, f"{path}.{key}", issues)
        else:
            issues.append(Issue(f"{path}.{key}", "must be a number or {follows, from, to}", raw))
    if len(issues) > before:
        return None
    return _dataclass(OfferPolicy, fields_, path, issues)
