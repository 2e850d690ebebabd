"""``hiring-sim sway`` and ``hiring-sim audit``: output matches the API; errors are one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import sim
from sim.analysis import decision_quality, sway
from sim.cli import main


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, fragment: str) -> None:
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("hiring-sim") and ": error: " in lines[0]
    assert fragment in lines[0], lines[0]


def test_sway_json_matches_the_api(capsys, amex, amex_profiles):
    code, out, _ = run_main(
        capsys, "sway", "--process", "amex_ai_pm_2026", "--profile", "impact_framer", "--json"
    )
    assert code == 0
    data = json.loads(out)
    want = sway(amex, amex_profiles["impact_framer"])
    assert data["hire_probability"] == pytest.approx(want.probability.hire)
    gap = data["aggregate_mean"] - data["threshold"]
    by_competency = [r for r in data["contributions"] if r["group"] == "competency"]
    assert sum(r["contribution"] for r in by_competency) == pytest.approx(gap, abs=1e-12)
    tips = {r["competency"]: r for r in data["tipping_points"]}
    assert tips["dollar_impact"]["tipping_level"] == pytest.approx(
        want.tipping_points.loc["dollar_impact", "tipping_level"]
    )
    assert tips["motivation"]["tipping_level"] is None  # NaN becomes null
    assert tips["motivation"]["status"] == "none within the scale"
    assert {r["scenario"] for r in data["framing"]} == {"framing -1", "as given", "framing +1"}


def test_sway_text_has_every_section(capsys):
    code, out, _ = run_main(
        capsys, "sway", "--process", "amex_ai_pm_2026", "--profile", "internals_framer"
    )
    assert code == 0
    for heading in (
        "hire probability",
        "by competency",
        "by interviewer",
        "Tipping points",
        "Weight stability",
        "Framing",
    ):
        assert heading in out, heading


def test_audit_json_matches_the_api(capsys, amex):
    code, out, _ = run_main(
        capsys, "audit", "--process", "amex_ai_pm_2026", "--n", "2000", "--seed", "4", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["n"] == 2000 and data["seed"] == 4
    result = sim.simulate(amex, n=2000, rng=sim.engine.as_seed_sequence(4).spawn(4)[0])
    quality = decision_quality(result)
    rows = {r["metric"]: r for r in data["quality"]}
    assert rows["precision"]["committee"] == pytest.approx(quality.loc["precision", "committee"])
    assert rows["precision"]["random"] == pytest.approx(quality.attrs["base_rate"])
    assert {r["component"] for r in data["noise_audit"]} >= {"level", "occasion"}
    assert len(data["icc"]["forms"]) == 6
    assert [p["k"] for p in data["reliability"]["panels"]] == list(range(1, 9))


def test_audit_text_is_reproducible(capsys):
    args = ("audit", "--process", "amazon_style_loop", "--n", "500", "--seed", "1")
    code, first, _ = run_main(capsys, *args)
    assert code == 0
    assert "Decision quality" in first and "Noise audit" in first
    assert "Intraclass correlations" in first and "Spearman-Brown" in first
    assert run_main(capsys, *args)[1] == first


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("sway", "--process", "amex_ai_pm_2026", "--profile", "nobody"), "no profile 'nobody'"),
        (("sway", "--process", "no_such_process", "--profile", "x"), "no process preset"),
        (("audit", "--process", "amex_ai_pm_2026", "--n", "5"), "must be >= 100"),
        (("audit", "--process", "amex_ai_pm_2026", "--seed", "-1"), "must be >= 0"),
        (("audit", "--process", "amex_ai_pm_2026", "--n", "ten"), "expected a whole number"),
    ],
)
def test_errors_are_one_line(capsys, args, fragment):
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert_one_line_error(code, err, fragment)


def test_installed_command_runs_end_to_end():
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "sway",
            "--process",
            "amex_ai_pm_2026",
            "--profile",
            "impact_framer",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert json.loads(proc.stdout)["profile"] == "impact_framer"
