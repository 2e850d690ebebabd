"""``hiring-sim calibrate`` end to end: Greenhouse and long input, bad input, the fitted YAML."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from calibration_designs import make_process, simulate_sheet
from helpers import one_line_error, run_cli

import sim
from sim.calibrate import calibrate, read_scores
from sim.calibrate.weights import separated

HERE = Path(__file__).resolve().parent
GREENHOUSE = HERE / "data" / "greenhouse_scorecards.json"
EXAMPLE = HERE.parent / "data" / "score_sheets" / "amex_committee_simulated.csv"


@pytest.fixture(scope="module")
def panel() -> tuple:
    truth = make_process(3)
    return truth, simulate_sheet(truth, 500, 3)


def test_greenhouse_fixture_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "fitted.yaml"
    proc = run_cli(
        "calibrate", str(GREENHOUSE), "--format", "greenhouse", "--json", "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    cards = json.loads(GREENHOUSE.read_text())
    rated = [a for c in cards for a in c["attributes"] if a["rating"] != "no_decision"]
    assert doc["n_ratings"] == len(rated)
    assert doc["n_missing"] == sum(len(c["attributes"]) for c in cards) - len(rated)
    assert doc["n_candidates"] == len({c["candidate_id"] for c in cards})
    assert doc["scale"] == {"min": 1.0, "max": 5.0, "step": 1.0}
    for entry in doc["competencies"].values():
        assert {"candidate_var", "interviewer_var", "residual_var"} <= set(entry)
    for entry in doc["interviewers"].values():
        assert {"leniency", "leniency_se", "noise_sd", "n_ratings"} <= set(entry)
        assert len(entry["recommendation_cuts"]) == 3
    assert doc["revealed_weights"] is None  # scorecards carry no decisions
    assert run_cli("validate", str(out)).returncode == 0
    sim_run = run_cli("simulate", "--process", str(out), "--n", "2000", "--json")
    assert sim_run.returncode == 0, sim_run.stderr
    assert 0 <= json.loads(sim_run.stdout)["hire_rate"] <= 1


def test_greenhouse_maps_to_the_long_format() -> None:
    sheet = read_scores(GREENHOUSE)
    cards = json.loads(GREENHOUSE.read_text())
    first = cards[0]
    mine = sheet.ratings[
        (sheet.ratings["candidate"] == str(first["candidate_id"]))
        & (sheet.ratings["interviewer"] == first["interviewer"]["name"])
        & (sheet.ratings["round"] == first["interview"])
    ]
    words = {"definitely_not": 1, "no": 2, "mixed": 3, "yes": 4, "strong_yes": 5}
    expected = {a["name"]: words[a["rating"]] for a in first["attributes"] if a["rating"] in words}
    assert dict(zip(mine["competency"], mine["score"], strict=True)) == expected


def _main(capsys: pytest.CaptureFixture, *args: str) -> subprocess.CompletedProcess:
    """``hiring-sim ARGS`` in this process (fast; the same error handling as the script)."""
    from sim.cli import main

    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "scores.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


BASE_ROWS = pd.DataFrame(
    {
        "candidate": ["c1", "c1", "c2", "c2", "c3", "c3"],
        "interviewer": ["ann", "bob", "ann", "bob", "ann", "bob"],
        "competency": ["depth"] * 6,
        "score": [7, 6, 4, 5, 8, 9],
        "decision": ["hire", "hire", "no_hire", "no_hire", "hire", "hire"],
    }
)


def _bad(kind: str) -> tuple[pd.DataFrame, str]:
    rows = BASE_ROWS.copy()
    if kind == "unknown column":
        return rows.rename(columns={"score": "scroe"}), "column 'scroe': unknown column"
    if kind == "missing column":
        return rows.drop(columns="competency"), "column 'competency': is missing"
    if kind == "off the scale":
        rows.loc[3, "score"] = 11
        return rows, "row 5, column 'score': is off the scale [1, 10] (got 11.0)"
    if kind == "not a number":
        rows = rows.astype({"score": object})
        rows.loc[2, "score"] = "great"
        return rows, "row 4, column 'score': is not a number (got 'great')"
    if kind == "two decisions":
        rows.loc[1, "decision"] = "no_hire"
        return rows, "row 3, column 'decision': candidate 'c1' already has decision 'hire'"
    if kind == "bad decision":
        rows.loc[0, "decision"] = "maybe"
        return rows, "row 2, column 'decision': must be hire, no_hire or hold (got 'maybe')"
    if kind == "confounded":
        rows["interviewer"] = ["ann", "ann", "bob", "bob", "cy", "cy"]
        rows["competency"] = ["depth", "reach"] * 3
        return rows, "leniency and candidate level cannot be separated"
    if kind == "duplicate":
        rows.loc[1, "interviewer"] = "ann"
        return rows, "row 3, column 'competency': 'ann' rated 'c1' on this twice (also row 2)"
    raise AssertionError(kind)


BAD = [
    "unknown column",
    "missing column",
    "off the scale",
    "not a number",
    "two decisions",
    "bad decision",
    "confounded",
    "duplicate",
]


@pytest.mark.parametrize("kind", BAD)
def test_bad_long_input_is_one_line_and_writes_nothing(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture
) -> None:
    frame, fragment = _bad(kind)
    path = _write(tmp_path, frame)
    out = tmp_path / "fitted.yaml"
    run = run_cli if kind == "two decisions" else lambda *a: _main(capsys, *a)  # one for real
    proc = run("calibrate", str(path), "--scale", "1", "10", "--out", str(out))
    one_line_error(proc, 1, fragment)
    assert "scores.csv" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.csv"]  # no output, no temp


def _greenhouse_bad(tmp_path: Path, kind: str) -> tuple[Path, str]:
    cards = json.loads(GREENHOUSE.read_text())[:5]
    if kind == "rating":
        cards[2]["attributes"][1]["rating"] = "meh"
        fragment = "[2].attributes[1].rating: must be one of definitely_not"
    elif kind == "recommendation":
        cards[4]["overall_recommendation"] = "hire!"
        fragment = "[4].overall_recommendation: must be one of"
    elif kind == "candidate":
        cards[1]["candidate_id"] = None
        fragment = "[1].candidate_id: must be the candidate's id (got None)"
    else:
        cards = {"scorecards": cards}
        fragment = "must be the JSON list that GET /v1/scorecards returns (got 'dict')"
    path = tmp_path / "cards.json"
    path.write_text(json.dumps(cards))
    return path, fragment


@pytest.mark.parametrize("kind", ["rating", "recommendation", "candidate", "not a list"])
def test_bad_greenhouse_input_names_the_json_path(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture
) -> None:
    path, fragment = _greenhouse_bad(tmp_path, kind)
    out = tmp_path / "fitted.yaml"
    one_line_error(_main(capsys, "calibrate", str(path), "--out", str(out)), 1, fragment)
    assert not out.exists()


def test_missing_and_thin_data_are_kept_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    rows = pd.concat(
        [
            BASE_ROWS,
            pd.DataFrame(
                {
                    "candidate": ["c4", "c4", "c5"],
                    "interviewer": ["ann", "bob", "dee"],
                    "competency": ["depth"] * 3,
                    "score": ["no decision", 6, 7],
                    "decision": ["", "", "no_hire"],
                }
            ),
        ],
        ignore_index=True,
    )
    proc = _main(capsys, "calibrate", str(_write(tmp_path, rows)), "--scale", "1", "10", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["n_ratings"] == 8 and doc["n_missing"] == 1  # missing is not zero
    assert doc["interviewers"]["dee"]["n_ratings"] == 1
    text = " ".join(doc["warnings"])
    assert "1 interviewer(s) with one rating only" in text
    assert "candidate(s) seen by one interviewer only" in text


def test_variances_are_in_squared_points_of_the_input_scale(panel: tuple) -> None:
    truth, sheet = panel
    doubled = sheet.assign(score=sheet["score"] * 2)
    one = calibrate(sheet, process=truth.process)
    two = calibrate(doubled, scale=(2.0, 20.0))
    for key in ("candidate_var", "interviewer_var", "residual_var"):
        assert np.allclose(two.competencies[key], 4 * one.competencies[key], rtol=1e-6)
    assert np.allclose(two.interviewers["leniency"], 2 * one.interviewers["leniency"], atol=1e-6)


def test_separation_is_detected_and_reported(panel: tuple) -> None:
    """A deterministic rule on the written scores (issue 10's weighted mean) separates."""
    truth, sheet = panel
    weights = truth.process.debrief.competency_weights
    means = sheet.groupby(["candidate", "competency"])["score"].mean().unstack()
    aggregate = sum(means[c] * w for c, w in weights.items()) / sum(weights.values())
    decision = np.where(aggregate >= 6.0, "hire", "no_hire")
    rule = sheet.drop(columns="decision").merge(
        pd.DataFrame({"candidate": means.index, "decision": decision}), on="candidate"
    )
    fit = calibrate(rule, process=truth.process)
    assert fit.revealed["fit"].separated
    assert np.isnan(fit.revealed_weights["se"]).all()
    assert any("separate perfectly" in w for w in fit.warnings)
    # The separating direction is still the rule's: weights within a few points of the truth.
    stated = fit.revealed_weights["stated"].to_numpy()
    assert np.abs(fit.revealed_weights["revealed"].to_numpy() - stated).max() < 0.05
    assert "rule: weighted_mean" in fit.to_yaml()
    assert not separated(means.to_numpy()[:, :1], np.random.default_rng(0).random(500) < 0.5)


def test_fitted_yaml_validates_simulates_and_reproduces_each_interviewer(
    panel: tuple, tmp_path: Path
) -> None:
    truth, sheet = panel
    path = _write(tmp_path, sheet, "panel.csv")
    out = tmp_path / "fitted.yaml"
    proc = run_cli(
        "calibrate", str(path), "--process", str(_process_file(truth, tmp_path)), "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    # Every number under interviewers, debrief and pool carries its source.
    for line in text.splitlines():
        if re.match(r"\s+(leniency|noise_sd|halo|threshold|manager_noise|label_cuts):", line):
            assert re.search(r"\[(fitted|from BASE|assumption)", line), line
    assert re.search(
        r"leniency: .*# \[fitted: panel.csv, leniency .* ± .* points, \d+ ratings\]", text
    )
    assert "[from BASE: panel_3]" in text
    assert run_cli("validate", str(out)).returncode == 0
    fitted = sim.load_process(out)
    fit = calibrate(path, process=truth.process)
    check = fit.goodness_of_fit(read_scores(path, process=truth.process).ratings, n=20_000, rng=1)
    print("\ngoodness of fit, score distribution per interviewer (input vs fitted process):")
    print(check.round(3).to_string())
    # Each interviewer's distribution is as close as sampling alone allows (TV distance
    # within 2.5 times what the input's own sampling error gives).
    assert (check["tv_distance"] <= 2.5 * check["tv_floor"]).all()
    assert np.allclose(check["mean_simulated"], check["mean_observed"], atol=0.15)
    assert np.allclose(check["sd_simulated"], check["sd_observed"], rtol=0.08)
    assert set(fitted.interviewer_names) == set(truth.process.interviewer_names)


def _process_file(truth, tmp_path: Path) -> Path:
    """The truth process as a YAML file (the CLI takes --process as a file or preset)."""
    path = tmp_path / f"{truth.process.name}.yaml"
    path.write_text(yaml.safe_dump(_process_doc(truth.process), sort_keys=False))
    return path


def _process_doc(process: sim.Process) -> dict:
    def interviewer(p: sim.Interviewer) -> dict:
        return {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in dataclasses.asdict(p).items()
            if v is not None
        }

    d = process.debrief
    return {
        "name": process.name,
        "evidence_minutes": process.evidence_minutes,
        "scale": {
            "min": process.scale.min,
            "max": process.scale.max,
            "center": process.scale.center,
            "points_per_sd": process.scale.points_per_sd,
        },
        "competencies": [{"name": c} for c in process.competency_names],
        "interviewers": [interviewer(p) for p in process.interviewers],
        "rounds": [
            {
                "name": r.name,
                "minutes": r.minutes,
                "day": r.day,
                "competencies": list(r.competencies),
                "interviewers": list(r.interviewers),
            }
            for r in process.rounds
        ],
        "debrief": {
            "rule": d.rule,
            "threshold": d.threshold,
            "manager_noise": d.manager_noise,
            "competency_weights": dict(d.competency_weights),
        },
        "pool": {"correlation": 0.3, "framing": {"mean": 0.0, "sd": 0.0}},
        "truth": {"weights": dict(process.truth.weights), "noise_sd": process.truth.noise_sd},
    }


def test_fitted_process_loads_in_other_commands(tmp_path: Path) -> None:
    out = tmp_path / "fitted.yaml"
    proc = run_cli("calibrate", str(EXAMPLE), "--process", "amex_ai_pm_2026", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Stated vs revealed weights" in proc.stdout
    profile = tmp_path / "profiles.yaml"
    profile.write_text("profiles:\n  solid:\n    default_level: 7.0\n    framing: 0.5\n")
    for args in (
        ("what-if", "--process", str(out), "--profile", f"{profile}:solid", "--n", "500"),
        ("compare-rules", "--process", str(out), "--n", "2000"),
    ):
        run = run_cli(*args)
        assert run.returncode == 0, (args, run.stderr)


def test_parquet_and_csv_give_the_same_calibration(
    panel: tuple, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    _truth, sheet = panel
    small = sheet[sheet["candidate"] < 150]
    csv, parquet = tmp_path / "s.csv", tmp_path / "s.parquet"
    small.to_csv(csv, index=False)
    small.to_parquet(parquet, index=False)
    docs = []
    for path in (csv, parquet):
        proc = _main(capsys, "calibrate", str(path), "--scale", "1", "10", "--json")
        assert proc.returncode == 0, proc.stderr
        docs.append(json.loads(proc.stdout))
    assert docs[0]["competencies"] == docs[1]["competencies"]
    assert docs[0]["interviewers"] == docs[1]["interviewers"]
