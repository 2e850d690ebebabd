"""ICE for the hiring process itself: Impact in dollars, Complexity, Execution risk.

The article prioritises product work by Impact (dollars a year), Complexity and
Execution risk. Here the candidates are changes to the process (drop a round,
compress the window, written feedback first, a second interviewer, new weights, a
richer offer): each is simulated on common random numbers against the process as
it is, for its impact on the net value of a year's requisitions; complexity and
execution risk come from the file. Ranking (an assumption, stated in the output):
``ice_score = impact * (1 - execution_risk) / complexity``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..engine import RandomLike
from ..errors import Issue, SpecError, fail
from ..io import read_yaml
from ..spec import Process
from .changes import apply_change
from .io import economics_dir, load_economics
from .spec import Economics
from .variants import Variants

__all__ = ["Change", "changes_from_dict", "ice", "load_changes"]

_FIELDS = ("name", "title", "change", "complexity", "execution_risk")
_COMPARED = (
    "withdrawal_rate",
    "offer_acceptance",
    "time_to_fill_days",
    "performance_of_hire",
    "cost_per_hire",
    "net_value_per_requisition",
)


@dataclass(frozen=True)
class Change:
    """One candidate change: what it does (see :func:`~sim.economics.changes.apply_change`).

    ``complexity`` runs from 1 (a setting) to 5 (a project); ``execution_risk`` is
    the probability in [0, 1] that the change does not happen as planned.
    """

    name: str
    change: Mapping[str, Any] = field(default_factory=dict)
    complexity: float = 1.0
    execution_risk: float = 0.0
    title: str = ""

    def __post_init__(self) -> None:
        issues = []
        if not isinstance(self.name, str) or not self.name.strip():
            issues.append(Issue("name", "must be a non-empty string", self.name))
        if not isinstance(self.change, Mapping) or not self.change:
            issues.append(Issue("change", "must be a mapping of change kinds", self.change))
        for key, low, high in (("complexity", 1.0, 5.0), ("execution_risk", 0.0, 1.0)):
            value = getattr(self, key)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not (low <= value <= high)
            ):
                issues.append(Issue(key, f"must be a number in [{low:g}, {high:g}]", value))
        if issues:
            raise SpecError(issues)
        object.__setattr__(self, "title", self.title or self.name.replace("_", " "))


def changes_from_dict(doc: Any, source: str | None = None) -> list[Change]:
    """Changes from ``{changes: [{name, change, complexity, execution_risk}, ...]}``."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("changes"), list):
        raise SpecError([Issue("changes", "must be a list of changes")], source=source)
    issues: list[Issue] = []
    out: list[Change] = []
    for i, raw in enumerate(doc["changes"]):
        path = f"changes[{i}]"
        if not isinstance(raw, Mapping):
            issues.append(Issue(path, "must be a mapping", raw))
            continue
        unknown = [k for k in raw if k not in _FIELDS]
        for k in unknown:
            issues.append(
                Issue(f"{path}.{k}", f"unknown field; expected one of {', '.join(_FIELDS)}")
            )
        if unknown:
            continue
        try:
            out.append(Change(**{str(k): v for k, v in raw.items()}))
        except SpecError as exc:
            issues.extend(issue.prefixed(path) for issue in exc.issues)
        except TypeError:
            issues.append(Issue(path, "needs at least name and change"))
    names = [c.name for c in out]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        issues.append(Issue(f"changes.{dup}", "name is used twice", dup))
    if not doc["changes"]:
        issues.append(Issue("changes", "must hold at least one change", []))
    if issues:
        raise SpecError(issues, source=source)
    return out


def load_changes(name_or_path: str | os.PathLike[str]) -> list[Change]:
    """Load a changes file (a path, or a preset name in ``data/economics/changes``)."""
    text = os.fspath(name_or_path)
    path = Path(text)
    if not (path.suffix in (".yaml", ".yml") or os.sep in text):
        path = economics_dir() / "changes" / f"{text}.yaml"
    if not path.is_file():
        raise SpecError([Issue("", "file not found")], source=text)
    return changes_from_dict(read_yaml(path), source=str(path))


def ice(
    process: Process,
    changes: Sequence[Change],
    economics: Economics | None = None,
    *,
    n: int = 2000,
    rng: RandomLike = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Rank process changes by Impact (dollars a year), Complexity and Execution risk.

    Every change is applied to ``process`` and ``economics`` and simulated for ``n``
    requisitions on the same seed as the process as it is (common random numbers).

    Returns
    -------
    DataFrame
        One row per change, best first: ``rank``, ``name``, ``title``,
        ``impact_usd_per_year`` (change in net value per requisition times
        requisitions a year) and its paired SE, ``complexity``, ``execution_risk``,
        ``expected_impact_usd_per_year`` (``impact * (1 - risk)``), ``ice_score``
        (expected impact / complexity), and the changed process's
        ``withdrawal_rate``, ``offer_acceptance``, ``time_to_fill_days``,
        ``performance_of_hire``, ``cost_per_hire``, ``net_value_per_requisition``.
        ``attrs["baseline"]`` holds the same figures for the process as it is.

    Raises
    ------
    SpecError
        Every change whose result is invalid, at once, with paths ``changes[i].change...``.
    """
    economics = load_economics(process) if economics is None else economics
    variants, issues = [], []
    for i, item in enumerate(changes):
        if not isinstance(item, Change):
            raise fail(f"changes[{i}]", "must be a Change", type(item).__name__)
        try:
            variants.append(apply_change(process, economics, item.change))
        except SpecError as exc:
            issues.extend(issue.prefixed(f"changes[{i}].change") for issue in exc.issues)
    if issues:
        raise SpecError(issues, source=source)
    crn = Variants(n=n, rng=rng)
    base = crn.run(process, economics)
    per_year = economics.value.requisitions_per_year
    rows = []
    for item, (p, e) in zip(changes, variants, strict=True):
        result = crn.run(p, e)
        diff = result.net_value - base.net_value
        summary = result.summary()
        impact = float(diff.mean()) * per_year
        expected = impact * (1.0 - item.execution_risk)
        rows.append(
            {
                "name": item.name,
                "title": item.title,
                "impact_usd_per_year": impact,
                "impact_se": float(diff.std(ddof=1) / math.sqrt(diff.size)) * per_year
                if diff.size > 1
                else math.nan,
                "complexity": float(item.complexity),
                "execution_risk": float(item.execution_risk),
                "expected_impact_usd_per_year": expected,
                "ice_score": expected / float(item.complexity),
                **{k: summary[k] for k in _COMPARED},
            }
        )
    frame = pd.DataFrame(rows).sort_values("ice_score", ascending=False, kind="stable")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    frame = frame.reset_index(drop=True)
    frame.attrs["baseline"] = {k: base.summary()[k] for k in _COMPARED}
    frame.attrs["requisitions_per_year"] = per_year
    frame.attrs["ranking"] = "ice_score = impact * (1 - execution_risk) / complexity [assumption]"
    return frame
