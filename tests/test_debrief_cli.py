"""``hiring-sim debrief`` and ``hiring-sim compare-rules`` end to end, in a subprocess."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import one_line_error
from helpers import run_cli as run

import sim
from sim.debrief import compare_rules, debrief_transcript, transcript_text


def test_debrief_text_matches_the_api() -> None:
    proc = run(
        "debrief", "--process", "amazon_style_loop", "--profile", "loved_by_team", "--seed", "4"
    )
    assert proc.returncode == 0, proc.stderr
    process = sim.load_process("amazon_style_loop")
    profile = sim.load_profiles("amazon_style_loop")["loved_by_team"]
    expected = transcript_text(debrief_transcript(process, profile, rng=4))
    assert proc.stdout == expected + "\n"
    assert "Decision: " in proc.stdout


def test_debrief_json_with_another_rule() -> None:
    proc = run(
        "debrief", "--process", "google_style_committee", "--profile", "borderline",
        "--seed", "1", "--rule", "public_vote", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["rule"] == "public_vote" and data["profile"] == "borderline"
    assert data["decision"] in ("Hire", "No Hire")
    assert data["sentences"][0]["sentence"].startswith("Leadership: ")
    assert {s["vote"] for s in data["speakers"]} <= {"Hire", "No Hire"}
    assert "independent" in data["note"]  # written votes first in this preset


def test_compare_rules_json_matches_the_api() -> None:
    proc = run(
        "compare-rules", "--process", "amex_ai_pm_2026", "--n", "3000", "--seed", "2", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    api = compare_rules(sim.load_process("amex_ai_pm_2026"), n=3000, rng=2)
    rules = {row["rule"]: row for row in data["rules"]}
    assert list(rules) == list(sim.spec.RULES)
    for rule, row in rules.items():
        assert row["hire_rate"] == pytest.approx(api.metrics.loc[rule, "hire_rate"])
    assert rules["majority"]["validity"] is None  # NaN becomes null
    assert data["disagreement"]["median"]["median"] == 0
    assert np.isclose(
        data["disagreement"]["weighted_mean"]["veto"],
        api.disagreement.loc["weighted_mean", "veto"],
    )


def test_compare_rules_text() -> None:
    proc = run(
        "compare-rules", "--process", "google_style_committee", "--n", "2000", "--seed", "0"
    )
    assert proc.returncode == 0, proc.stderr
    assert "hire_rate" in proc.stdout and "disagree" in proc.stdout
    assert "veto: no veto holder and no hiring manager" in proc.stdout


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (
            ("debrief", "--process", "amex_ai_pm_2026", "--profile", "nobody"),
            1,
            "--profile: no profile",
        ),
        (("debrief", "--process", "nowhere", "--profile", "x"), 1, "no process preset"),
        (
            (
                "debrief",
                "--process",
                "amex_ai_pm_2026",
                "--profile",
                "impact_framer",
                "--rule",
                "x",
            ),
            2,
            "invalid choice",
        ),
        (("compare-rules", "--process", "amex_ai_pm_2026", "--n", "0"), 2, "must be >= 1"),
    ],
)
def test_errors_are_one_line(args: tuple[str, ...], code: int, fragment: str) -> None:
    one_line_error(run(*args), code, fragment)


def test_validate_names_a_veto_holder_who_rated_nothing(tmp_path) -> None:
    import yaml

    from sim.io import data_dir

    doc = yaml.safe_load((data_dir() / "processes" / "amex_ai_pm_2026.yaml").read_text())
    doc["interviewers"].append({"name": "ghost", "role": "Silent partner"})
    doc["debrief"].update(rule="veto", veto=["ghost"])
    path = tmp_path / "ghost.yaml"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(
        sim.SpecError, match=r"debrief\.veto\.ghost: rated nothing, so cannot veto"
    ):
        sim.load_process(path)
    proc = run("validate", str(path))
    assert proc.returncode == 1
    assert "debrief.veto.ghost: rated nothing, so cannot veto" in proc.stderr
