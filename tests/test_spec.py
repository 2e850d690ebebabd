"""Validation: every bad input names the file, the field path and the value."""

from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.io import data_dir, process_from_dict, read_yaml

AMEX_FILE = data_dir() / "processes" / "amex_ai_pm_2026.yaml"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return read_yaml(AMEX_FILE)


def write(tmp_path: Path, doc: Any, name: str = "process.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(sim.SpecError) as info:
        sim.load_process(path)
    text = str(info.value)
    assert all(line.startswith(f"{path}: ") for line in text.splitlines()), text
    return [str(issue) for issue in info.value.issues]


def edit(doc: dict[str, Any], change) -> dict[str, Any]:
    new = copy.deepcopy(doc)
    change(new)
    return new


def test_presets_load() -> None:
    for item in sim.list_presets()["processes"]:
        process = sim.load_process(item["name"])
        assert process.rounds and process.debrief.competency_weights


CASES = [
    (
        "unknown competency",
        lambda d: d["rounds"][3]["competencies"].__setitem__(1, "risk_awarenes"),
        "rounds[3].competencies.risk_awarenes: unknown competency (got 'risk_awarenes')",
    ),
    (
        "unknown interviewer",
        lambda d: d["rounds"][1].__setitem__("interviewers", ["senior_pm", "ghost"]),
        "rounds[1].interviewers.ghost: unknown interviewer (got 'ghost')",
    ),
    (
        "negative weight",
        lambda d: d["debrief"]["competency_weights"].__setitem__("leadership", -1.0),
        "debrief.competency_weights.leadership: must be >= 0 (got -1.0)",
    ),
    (
        "all-zero weights",
        lambda d: d["debrief"].__setitem__(
            "competency_weights", {k: 0 for k in d["debrief"]["competency_weights"]}
        ),
        "debrief.competency_weights: weights must not all be zero",
    ),
    (
        "weight for unknown competency",
        lambda d: d["debrief"]["competency_weights"].__setitem__("charisma", 1.0),
        "debrief.competency_weights.charisma: unknown competency (got 'charisma')",
    ),
    (
        "correlation not PSD",
        lambda d: d["pool"]["correlation"].__setitem__(
            "pairs",
            [
                ["dollar_impact", "strategic_alignment", 0.95],
                ["dollar_impact", "technical_depth", 0.95],
                ["strategic_alignment", "technical_depth", -0.95],
            ],
        ),
        "pool.correlation: is not positive semi-definite",
    ),
    (
        "correlation out of range",
        lambda d: d["pool"]["correlation"].__setitem__(
            "pairs", [["dollar_impact", "leadership", 1.5]]
        ),
        "must be in [-1, 1]",
    ),
    (
        "cut points not increasing",
        lambda d: d["interviewers"][2].__setitem__("label_cuts", [5.0, 4.0, 9.0]),
        "interviewers[2].label_cuts: cut points must be strictly increasing (got [5.0, 4.0, 9.0])",
    ),
    (
        "NaN",
        lambda d: d["interviewers"][0].__setitem__("noise_sd", math.nan),
        "interviewers[0].noise_sd: must be a finite number (got nan)",
    ),
    (
        "wrong type",
        lambda d: d["rounds"][2].__setitem__("minutes", "an hour"),
        "rounds[2].minutes: must be a number (got 'an hour')",
    ),
    (
        "negative minutes",
        lambda d: d["rounds"][2].__setitem__("minutes", -60),
        "rounds[2].minutes: must be > 0 (got -60)",
    ),
    (
        "day outside window",
        lambda d: d["rounds"][4].__setitem__("day", 50),
        "rounds[4].day: is outside the 45-day process window (got 50.0)",
    ),
    (
        "unknown field",
        lambda d: d["rounds"][0].__setitem__("minuets", 30),
        "rounds[0].minuets: unknown field",
    ),
    (
        "missing field",
        lambda d: d["rounds"][0].pop("minutes"),
        "rounds[0].minutes: is required",
    ),
    (
        "unknown veto holder",
        lambda d: d["debrief"].__setitem__("veto", ["bar_raiser"]),
        "debrief.veto.bar_raiser: unknown interviewer (got 'bar_raiser')",
    ),
    (
        "framing outside [-1, 1]",
        lambda d: d["pool"]["framing"].__setitem__("mean", 2),
        "pool.framing.mean: must be <= 1 (got 2)",
    ),
    (
        "own cut points of the wrong length",
        lambda d: d["interviewers"][2].__setitem__("label_cuts", [5.0, 7.0]),
        "interviewers[2].label_cuts: must hold 3 cut points, one between each of",
    ),
    (
        "own cut points off the scale",
        lambda d: d["interviewers"][4].__setitem__("recommendation_cuts", [4.5, 6.0, 11.0]),
        "interviewers[4].recommendation_cuts: cut points must lie within the scale [1, 10]",
    ),
    (
        "threshold off the scale",
        lambda d: d["debrief"].__setitem__("threshold", 50),
        "debrief.threshold: must lie within the scale [1, 10] (got 50.0)",
    ),
    (
        "gate off the scale",
        lambda d: d["rounds"][0].__setitem__("gate", 100),
        "rounds[0].gate: must lie within the scale [1, 10] (got 100.0)",
    ),
    (
        "hold band wider than the scale",
        lambda d: d["debrief"].__setitem__("hold_band", 20),
        "debrief.hold_band: must be less than half the scale's range (4.5 points) (got 20.0)",
    ),
    (
        "rounds out of order",
        lambda d: d["rounds"][2].__setitem__("day", 5),
        "rounds[2].day: is before the previous round's day (12) (got 5.0)",
    ),
    (
        "debrief before the last round",
        lambda d: d["debrief"].__setitem__("day", 20),
        "debrief.day: is before the last round (day 33) (got 20.0)",
    ),
    (
        "veto holder who rates nothing",
        lambda d: (
            d["interviewers"].append({"name": "ghost"}),
            d["debrief"].__setitem__("veto", ["ghost"]),
        ),
        "debrief.veto.ghost: rated nothing, so cannot veto (got 'ghost')",
    ),
    (
        "huge integer",
        lambda d: d["rounds"][1].__setitem__("minutes", 10**400),
        "rounds[1].minutes: must be a finite number",
    ),
    (
        "bool is not a number",
        lambda d: d["debrief"].__setitem__("threshold", True),
        "debrief.threshold: must be a number (got True)",
    ),
]


@pytest.mark.parametrize(("label", "change", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_validation_error(tmp_path: Path, doc, label: str, change, message: str) -> None:
    errors = errors_of(write(tmp_path, edit(doc, change)))
    assert any(message in e for e in errors), errors


def test_duplicate_keys(tmp_path: Path) -> None:
    text = AMEX_FILE.read_text().replace(
        "    minutes: 45              # [article]\n    day: 12",
        "    minutes: 45\n    minutes: 50\n    day: 12",
    )
    path = tmp_path / "dup.yaml"
    path.write_text(text)
    errors = errors_of(path)
    assert any(e.startswith("rounds[1].minutes: duplicate key (line") for e in errors), errors


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nrounds: [a, b\n")
    errors = errors_of(path)
    assert "YAML syntax error at line" in errors[0]


def test_every_error_reported_at_once(tmp_path: Path, doc) -> None:
    chosen = [CASES[i] for i in (0, 1, 2, 5, 7, 8, 9, 11, 12, 17)]  # each its own field

    def many(d):
        for _, change, _ in chosen:
            change(d)

    errors = errors_of(write(tmp_path, edit(doc, many)))
    assert len(errors) >= len(chosen)
    for _, _, message in chosen:
        assert any(message in e for e in errors), (message, errors)


def test_safe_loader_refuses_python_objects(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo hi']\n")
    errors = errors_of(path)
    assert "YAML syntax error" in errors[0]


def test_specs_are_frozen_and_replace_revalidates(amex: sim.Process) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        amex.debrief.threshold = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        amex.debrief.competency_weights["leadership"] = 9.0  # type: ignore[index]
    with pytest.raises(sim.SpecError, match="hold_band: must be >= 0"):
        dataclasses.replace(amex.debrief, hold_band=-1)
    changed = dataclasses.replace(amex.debrief, threshold=8.0)
    assert changed.threshold == 8.0 and amex.debrief.threshold == 7.2


def test_constructor_does_not_keep_callers_dict() -> None:
    weights = {"skill": 1.0}
    debrief = sim.Debrief(threshold=6.0, competency_weights=weights)
    weights["skill"] = 5.0
    assert debrief.competency_weights["skill"] == 1.0


def test_profiles_file_validation(tmp_path: Path) -> None:
    doc = {
        "process": "amex_ai_pm_2026",
        "profiles": {
            "a": {"framing": 3, "default_level": 5},
            "b": {"levels": {"charisma": 7}, "default_level": 5},
        },
    }
    path = write(tmp_path, doc, "profiles.yaml")
    with pytest.raises(sim.SpecError) as info:
        sim.load_profiles(path)
    text = str(info.value)
    assert "profiles.a.framing: must be <= 1 (got 3)" in text
    assert "profiles.b.levels.charisma: unknown competency" in text


def test_unknown_preset_lists_known() -> None:
    with pytest.raises(sim.SpecError, match="no process preset named 'nope'; known: amazon"):
        sim.load_process("nope")


# --------------------------------------------------------------------------- fuzzing
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_malformed_documents_raise_spec_error_only(doc, data) -> None:
    """Replace or delete random parts of a valid document: SpecError, never another error."""
    broken = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(broken) if p]
        path = data.draw(st.sampled_from(paths))
        parent = broken
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(JUNK)
    try:
        process_from_dict(broken, source="fuzz.yaml")
    except sim.SpecError as exc:
        assert exc.issues and str(exc).startswith("fuzz.yaml: ")


@settings(max_examples=100, deadline=None)
@given(junk=JUNK)
def test_any_document_raises_spec_error_only(junk) -> None:
    with pytest.raises(sim.SpecError):
        process_from_dict(junk, source="junk.yaml")


def test_process_parts_must_have_their_types(amex: sim.Process) -> None:
    for field, bad in (("debrief", "x"), ("pool", None), ("scale", {"min": 1})):
        with pytest.raises(sim.SpecError, match=rf"{field}: must be a"):
            dataclasses.replace(amex, **{field: bad})
    with pytest.raises(sim.SpecError, match=r"rounds\[0\]: must be a Round"):
        dataclasses.replace(amex, rounds=("screen", *amex.rounds[1:]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_accepted_documents_also_simulate(doc, data) -> None:
    """Whatever validation accepts, the engine runs (no crash past the boundary)."""
    broken = copy.deepcopy(doc)
    path = data.draw(st.sampled_from([p for p in _paths(broken) if p]))
    parent = broken
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = data.draw(st.one_of(st.integers(), st.floats(-20, 20), SCALARS))
    try:
        process = process_from_dict(broken, source="fuzz.yaml")
    except sim.SpecError:
        return
    result = sim.simulate(process, n=50, rng=0)
    result.scores()
    result.summary()
