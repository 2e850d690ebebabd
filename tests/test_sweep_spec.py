"""Sweep specs: field paths, grid / zip / variants, and every bad cell reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import one_line_error, run_cli

import sim
from sim.sweep.cells import parse_spec
from sim.sweep.paths import PathError, apply_assignments, canonical, get_value, parse_path
from sim.sweep.portable import fingerprint, from_data, to_data


# --------------------------------------------------------------------------- paths
@pytest.mark.parametrize(
    ("text", "exact", "value"),
    [
        ("debrief.threshold", "debrief.threshold", 7.2),
        ("interviewers[hiring_manager].noise_sd", "interviewers[4].noise_sd", 0.8),
        ("rounds[recruiter_screen].interviewers", "rounds[0].interviewers", ("recruiter",)),
        ("rounds[2].minutes", "rounds[2].minutes", 60.0),
        ("debrief.competency_weights[leadership]", "debrief.competency_weights.leadership", 2.0),
        ("pool.mean[3]", "pool.mean[3]", 0.0),
        ("debrief.interviewer_weights.nobody_yet", "debrief.interviewer_weights.nobody_yet", None),
    ],
)  # fmt: skip
def test_paths_name_fields_of_the_spec(amex: sim.Process, text: str, exact: str, value) -> None:
    path = parse_path(text)
    assert canonical(amex, path) == exact
    assert get_value(amex, path) == value


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("debrief.treshold", "unknown field 'treshold' of Debrief; expected one of threshold"),
        ("interviewers[nobody].noise_sd", "no item named 'nobody'; known: recruiter"),
        ("rounds[9].minutes", "index 9 is out of range: rounds has 5 items"),
        ("rounds.minutes", "rounds is a list; pick an item"),
        ("debrief.threshold.x", "debrief.threshold is a float value"),
        ("debrief[0]", "debrief is a Debrief, not a list"),
    ],
)
def test_bad_paths_say_what_is_wrong(amex: sim.Process, text: str, fragment: str) -> None:
    with pytest.raises(PathError, match=fragment.replace("[", r"\[")):
        canonical(amex, parse_path(text))


@pytest.mark.parametrize("text", ["", "debrief..threshold", "debrief.", "rounds[].x", "1st.x"])
def test_malformed_paths(text: str) -> None:
    with pytest.raises(PathError):
        parse_path(text)


def test_assignments_build_each_object_once_and_leave_the_input_alone(amex: sim.Process) -> None:
    changes = [
        ("debrief.rule", "veto"),  # valid only together with the next change
        ("debrief.veto", ["hiring_manager"]),
        ("rounds[2].interviewers", ["ml_engineering_lead", "senior_pm"]),
        ("interviewers[hiring_manager].noise_sd", 0.5),
        ("debrief.competency_weights.technical_depth", 2.0),
    ]
    new = apply_assignments(amex, [(parse_path(p), v) for p, v in changes])
    assert new.debrief.rule == "veto" and new.debrief.veto == ("hiring_manager",)
    assert new.rounds[2].interviewers == ("ml_engineering_lead", "senior_pm")
    assert new.interviewer("hiring_manager").noise_sd == 0.5
    assert new.debrief.competency_weights["technical_depth"] == 2.0
    assert new.debrief.competency_weights["dollar_impact"] == 3.0
    assert amex.debrief.rule == "weighted_mean" and amex.rounds[2].interviewers == (
        "ml_engineering_lead",
    )
    assert new.pool is amex.pool  # untouched parts are shared, not copied


def test_invalid_values_raise_spec_errors_with_root_paths(amex: sim.Process) -> None:
    changes = [(parse_path("interviewers[4].noise_sd"), -1), (parse_path("rounds[1].minutes"), 0)]
    with pytest.raises(sim.SpecError) as info:
        apply_assignments(amex, changes)
    assert [str(i) for i in info.value.issues] == [
        "interviewers[4].noise_sd: must be >= 0 (got -1)",
        "rounds[1].minutes: must be > 0 (got 0)",
    ]


@pytest.mark.parametrize(
    "name", ["amex_ai_pm_2026", "amazon_style_loop", "google_style_committee"]
)
def test_portable_data_round_trips(name: str) -> None:
    process = sim.load_process(name)
    data = to_data(process)
    again = from_data(data)
    assert fingerprint(to_data(again)) == fingerprint(data)
    a, b = sim.simulate(process, n=3000, rng=4), sim.simulate(again, n=3000, rng=4)
    assert (a.decision == b.decision).all()


# --------------------------------------------------------------------------- specs
def test_grid_is_a_product_last_key_fastest(amex: sim.Process) -> None:
    spec = parse_spec(
        {
            "grid": {
                "debrief.threshold": [6.8, 7.2, 7.6],
                "debrief.rule": ["weighted_mean", "median"],
            }
        }
    )
    cells = spec.cells(amex)
    assert spec.size == len(cells) == 6
    assert [c.params for c in cells[:3]] == [
        (("debrief.threshold", 6.8), ("debrief.rule", "weighted_mean")),
        (("debrief.threshold", 6.8), ("debrief.rule", "median")),
        (("debrief.threshold", 7.2), ("debrief.rule", "weighted_mean")),
    ]
    assert [c.process.debrief.threshold for c in cells] == [6.8, 6.8, 7.2, 7.2, 7.6, 7.6]


def test_zip_variants_and_baseline(amex: sim.Process) -> None:
    panel = {"rounds[2].interviewers": ["ml_engineering_lead", "senior_pm"]}
    spec = parse_spec(
        {
            "variants": [
                {"name": "article", "set": {}},
                {"name": "panel", "set": panel},
            ],
            "zip": {"debrief.threshold": [7.0, 7.4], "debrief.hold_band": [0.0, 0.2]},
            "baseline": "panel",
        }
    )  # fmt: skip
    cells = spec.cells(amex)
    assert len(cells) == 4
    assert [c.variant for c in cells] == ["article", "article", "panel", "panel"]
    assert [(c.process.debrief.threshold, c.process.debrief.hold_band) for c in cells] == [
        (7.0, 0.0), (7.4, 0.2), (7.0, 0.0), (7.4, 0.2)
    ]  # fmt: skip
    assert spec.baseline_index(cells) == 2
    assert (
        parse_spec({**spec.to_data(), "baseline": {"debrief.threshold": 7.4}}).baseline_index(
            cells
        )
        == 1
    )


STRUCTURAL = [
    ({"grid": {"debrief.threshold": []}}, "grid.debrief.threshold: must be a non-empty list"),
    ({"grid": {"debrief.threshold": 7.2}}, "grid.debrief.threshold: must be a list of values"),
    (
        {"zip": {"debrief.threshold": [1, 2], "debrief.rule": ["median"]}},
        "zip: lists must have the same length (debrief.threshold: 2, debrief.rule: 1)",
    ),
    ({"grid": {"a..b": [1]}}, "grid.a..b: is not a field path"),
    ({"gird": {}}, "gird: unknown field; expected one of grid, zip, variants"),
    ({"variants": [{"name": "a"}, {"name": "a"}]}, "variants[1].name: is used twice (got 'a')"),
    (
        {"variants": [{"name": "a"}], "baseline": "b"},
        "baseline: is not a variant name; variants: a (got 'b')",
    ),
]


@pytest.mark.parametrize(("doc", "line"), STRUCTURAL)
def test_structural_errors(doc: dict, line: str) -> None:
    with pytest.raises(sim.SpecError) as info:
        parse_spec(doc, source="s.yaml")
    lines = str(info.value).splitlines()
    assert any(text.startswith(f"s.yaml: {line}") for text in lines), lines


def test_every_bad_cell_is_reported_at_once(amex: sim.Process) -> None:
    spec = parse_spec(
        {
            "grid": {
                "debrief.threshold": [6.8, 12],
                "interviewers[nobody].noise_sd": [1],
                "rounds[technical_depth].interviewers": [["ml_engineering_lead"], ["ghost"], []],
            },
            "zip": {"debrief.rule": ["veto", "median"], "debrief.hold_band": [0.1, -1]},
        }
    )
    with pytest.raises(sim.SpecError) as info:
        spec.cells(amex)
    lines = str(info.value).splitlines()
    assert lines == [
        "grid.interviewers[nobody].noise_sd: interviewers has no item named 'nobody'; known: "
        "recruiter, senior_pm, ml_engineering_lead, risk_partner, hiring_manager",
        "debrief.veto: rule 'veto' needs at least one veto holder in cells 0, 1, 2, 3, 4, 5 "
        "with debrief.hold_band=0.1, debrief.rule='veto' (got [])",
        "grid.rounds[technical_depth].interviewers: must not be empty in cells 2, 5, 8, 11 "
        "(got [])",
        "zip.debrief.hold_band: must be >= 0 in cells 6, 7, 8, 9, 10, 11 (got -1)",
    ]


def test_value_errors_name_the_path_value_and_cells(amex: sim.Process) -> None:
    spec = parse_spec(
        {"grid": {"debrief.threshold": [6.8, 12], "debrief.rule": ["median", "weighted_mean"]}}
    )
    with pytest.raises(sim.SpecError) as info:
        spec.cells(amex)
    assert str(info.value) == (
        "grid.debrief.threshold: must lie within the scale [1, 10] in cells 2, 3 (got 12.0)"
    )


def test_clashing_paths(amex: sim.Process) -> None:
    spec = parse_spec(
        {
            "grid": {
                "interviewers[4].noise_sd": [0.5],
                "interviewers[hiring_manager].noise_sd": [1],
            },
            "variants": [{"name": "v", "set": {"debrief.competency_weights": {"leadership": 1}}}],
            "zip": {"debrief.competency_weights.technical_depth": [1.0]},
        }
    )  # fmt: skip
    with pytest.raises(sim.SpecError) as info:
        spec.cells(amex)
    text = str(info.value)
    assert (
        "grid.interviewers[hiring_manager].noise_sd: sets the same field as grid.interviewers[4]"
        in text
    )
    assert (
        "zip.debrief.competency_weights.technical_depth: sets the same field as variants[0]"
        in text
    )


# --------------------------------------------------------------------------- CLI
BAD_SPECS = [
    ("grid:\n  debrief.treshold: [6.8, 7.2]\n", "grid.debrief.treshold: unknown field 'treshold'"),
    (
        "grid:\n  debrief.threshold: [6.8, 12, 7.2]\n",
        "grid.debrief.threshold: must lie within the scale [1, 10] in cell 1 (got 12.0)",
    ),
    ("grid:\n  debrief.threshold: []\n", "grid.debrief.threshold: must be a non-empty list"),
    (
        "grid:\n  rounds[2].interviewers: [[ghost]]\n",
        "grid.rounds[2].interviewers.ghost: unknown interviewer in the only cell (got 'ghost')",
    ),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_SPECS)
def test_cli_bad_spec_is_one_line_and_writes_nothing(
    tmp_path: Path, text: str, fragment: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    out = tmp_path / "out"
    proc = run_cli(
        "sweep", str(spec), "--process", "amex_ai_pm_2026", "--n", "1000", "--out", str(out)
    )
    one_line_error(proc, 1, f"{spec}: {fragment}")
    assert not out.exists()
    assert proc.stdout == ""
