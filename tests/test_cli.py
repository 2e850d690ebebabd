"""The CLI end to end, in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import default_signals, one_line_error
from helpers import run_cli as run
from scipy import stats

import sim
from sim.io import atomic_write, data_dir


def test_presets_json() -> None:
    proc = run("presets", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    names = {p["name"] for p in data["processes"]}
    assert {"amex_ai_pm_2026", "amazon_style_loop"} <= names
    profiles = {p["name"] for p in data["profiles"]}
    assert {"impact_framer", "internals_framer", "risk_blind", "balanced_strong"} <= profiles


def test_validate_good_and_bad(tmp_path: Path) -> None:
    good = data_dir() / "processes" / "amex_ai_pm_2026.yaml"
    proc = run("validate", str(good))
    assert proc.returncode == 0 and "OK" in proc.stdout
    doc = yaml.safe_load(good.read_text())
    doc["rounds"][3]["competencies"][1] = "risk_awarenes"
    doc["rounds"][0]["minutes"] = -30
    doc["debrief"]["competency_weights"]["leadership"] = -2
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc))
    proc = run("validate", str(bad))
    assert proc.returncode == 1
    assert "3 errors" in proc.stderr
    assert f"{bad}: rounds[3].competencies.risk_awarenes: unknown competency" in proc.stderr
    assert f"{bad}: rounds[0].minutes: must be > 0 (got -30)" in proc.stderr
    assert f"{bad}: debrief.competency_weights.leadership: must be >= 0 (got -2)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_validate_profiles_file() -> None:
    proc = run("validate", str(data_dir() / "profiles" / "amex_ai_pm_2026.yaml"))
    assert proc.returncode == 0 and "5 profiles" in proc.stdout


def test_simulate_json_and_csv_matches_api(tmp_path: Path) -> None:
    out = tmp_path / "decisions.csv"
    proc = run(
        "simulate", "--process", "amex_ai_pm_2026", "--n", "20000", "--seed", "3",
        "--out", str(out), "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    for key in ("n", "hire_rate", "precision", "recall", "validity", "dollars_per_hire"):
        assert key in summary
    api = sim.simulate(sim.load_process("amex_ai_pm_2026"), n=20_000, rng=3).summary()
    assert summary["hire_rate"] == pytest.approx(api["hire_rate"])
    assert summary["validity"] == pytest.approx(api["validity"])
    table = pd.read_csv(out)
    assert len(table) == 20_000
    assert (table["decision"] == "Hire").mean() == pytest.approx(api["hire_rate"])
    assert not list(tmp_path.glob(".decisions.csv.*"))  # no temporary left behind


def test_simulate_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "d.parquet"
    proc = run("simulate", "--process", "amex_ai_pm_2026", "--n", "1000", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert len(pd.read_parquet(out)) == 1000


def test_simulate_from_file_path(tmp_path: Path) -> None:
    src = data_dir() / "processes" / "amazon_style_loop.yaml"
    copy = tmp_path / "mine.yaml"
    copy.write_text(src.read_text())
    proc = run("simulate", "--process", str(copy), "--n", "500", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["n"] == 500


def test_what_if_json() -> None:
    proc = run(
        "what-if", "--process", "amex_ai_pm_2026", "--profile", "internals_framer",
        "--set", "risk_awareness=8", "--seed", "2", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    process = sim.load_process("amex_ai_pm_2026")
    profile = sim.load_profiles("amex_ai_pm_2026")["internals_framer"].with_levels(
        risk_awareness=8
    )
    assert data["hire_probability"] == pytest.approx(sim.hire_probability(process, profile).hire)
    mc = data["monte_carlo"]
    low, high = stats.binom.interval(1 - 1e-7, mc["n"], data["hire_probability"])
    assert low <= mc["hire_rate"] * mc["n"] <= high
    total = sum(row["contribution"] for row in data["contributions"])
    assert total == pytest.approx(data["aggregate_mean"] - data["threshold"])


def test_what_if_text() -> None:
    proc = run("what-if", "--process", "amex_ai_pm_2026", "--profile", "impact_framer")
    assert proc.returncode == 0, proc.stderr
    assert "hire probability  0." in proc.stdout and "(exact on the scale)" in proc.stdout
    assert "strategic_alignment" in proc.stdout


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["simulate", "--process", "amex_ai_pm_2026", "--bogus"], 2, "unrecognized arguments"),
        (["simulate", "--process", "amex_ai_pm_2026", "--n", "-5"], 2, "must be >= 1, got -5"),
        (["simulate", "--process", "amex_ai_pm_2026", "--n", "ten"], 2, "expected a whole number"),
        (["simulate", "--process", "nope"], 1, "no process preset named 'nope'"),
        (["simulate", "--process", "missing.yaml"], 1, "missing.yaml: file not found"),
        (
            ["simulate", "--process", "amex_ai_pm_2026", "--out", "x.txt"],
            1,
            "--out must end in .csv or .parquet",
        ),
        (
            ["what-if", "--process", "amex_ai_pm_2026", "--profile", "nobody"],
            1,
            "no profile 'nobody'",
        ),
        (
            ["what-if", "--process", "amex_ai_pm_2026", "--profile", "risk_blind", "--set", "x=1"],
            1,
            "unknown competency 'x'",
        ),
        (
            [
                "what-if",
                "--process",
                "amex_ai_pm_2026",
                "--profile",
                "risk_blind",
                "--set",
                "leadership=12",
            ],
            1,
            "levels.leadership: must be within [1, 10] (got 12.0)",
        ),
        (
            [
                "what-if",
                "--process",
                "amex_ai_pm_2026",
                "--profile",
                "risk_blind",
                "--framing",
                "3",
            ],
            1,
            "framing: must be <= 1 (got 3.0)",
        ),
        ([], 2, "required"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], code: int, fragment: str) -> None:
    one_line_error(run(*args, cwd=tmp_path), code, fragment)


def test_bad_process_file_in_simulate(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nname: y\n")
    proc = run("simulate", "--process", str(bad), "--out", str(tmp_path / "o.csv"))
    assert proc.returncode == 1
    assert "name: duplicate key (line 2)" in proc.stderr
    assert not (tmp_path / "o.csv").exists()


def test_atomic_write_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, half_then_fail)
    assert list(tmp_path.iterdir()) == []
    target.write_text("old")
    with pytest.raises(RuntimeError):
        atomic_write(target, lambda tmp: (_ for _ in ()).throw(RuntimeError("boom")))
    assert target.read_text() == "old"  # the previous file survives a failed run
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_interrupted_cli_run_leaves_no_file(tmp_path: Path) -> None:
    """SIGINT while the output is being written: exit 130, one line, no file left."""
    import signal
    import time

    out = tmp_path / "big.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "simulate", "--process", "amex_ai_pm_2026",
         "--n", "30000000", "--out", str(out)],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, preexec_fn=default_signals,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    # Wait until the temporary file beside the target has data: the write is under way.
    while not any(p.stat().st_size > 0 for p in tmp_path.glob(".big.csv.*")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip() == "hiring-sim: interrupted"
    assert list(tmp_path.iterdir()) == []


def test_streamed_output_equals_the_api(tmp_path: Path) -> None:
    """--out is written chunk by chunk; the file equals one in-memory run."""
    out = tmp_path / "d.csv"
    proc = run(
        "simulate", "--process", "amex_ai_pm_2026", "--n", "70000", "--seed", "8",
        "--workers", "2", "--out", str(out), "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = sim.simulate(sim.load_process("amex_ai_pm_2026"), n=70_000, rng=8)
    expected = result.decisions()
    table = pd.read_csv(out)
    assert list(table["candidate"]) == list(range(70_000))
    assert (table["decision"] == expected["decision"].astype(str)).all()
    np.testing.assert_allclose(table["performance"], expected["performance"], rtol=1e-12)
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    summary = json.loads(proc.stdout)
    assert summary["validity"] == pytest.approx(result.summary()["validity"], rel=1e-10)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_what_if_without_closed_form_still_gives_monte_carlo(tmp_path: Path) -> None:
    doc = yaml.safe_load((data_dir() / "processes" / "amex_ai_pm_2026.yaml").read_text())
    doc["debrief"]["rule"] = "median"
    path = tmp_path / "median.yaml"
    path.write_text(yaml.safe_dump(doc))
    proc = run(
        "what-if", "--process", str(path), "--profile", "amex_ai_pm_2026:impact_framer",
        "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    # On the scale the median has no exact law: the answer says it is Monte Carlo.
    assert data["method"] == "monte_carlo" and 0 < data["error"] < 0.01
    assert 0 < data["monte_carlo"]["hire_rate"] < 1
    # The latent model has no closed form for the median at all.
    doc["debrief"]["aggregate"] = "latent"
    path.write_text(yaml.safe_dump(doc))
    proc = run(
        "what-if", "--process", str(path), "--profile", "amex_ai_pm_2026:impact_framer",
        "--json",
    )  # fmt: skip
    data = json.loads(proc.stdout)
    assert data["hire_probability"] is None
    assert "debrief.rule" in data["closed_form_note"]


def test_non_utf8_file_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    one_line_error(run("simulate", "--process", str(path)), 1, "is not UTF-8 text")


def test_huge_integer_is_one_line_error(tmp_path: Path) -> None:
    text = (data_dir() / "processes" / "amex_ai_pm_2026.yaml").read_text()
    path = tmp_path / "huge.yaml"
    path.write_text(
        text.replace("minutes: 45              # [article]", "minutes: " + "9" * 400, 1)
    )
    proc = run("validate", str(path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "rounds[1].minutes: must be a finite number" in proc.stderr


def test_progress_bar_on_a_terminal(monkeypatch, capsys) -> None:
    from sim import cli

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert cli.main(["simulate", "--process", "amex_ai_pm_2026", "--n", "300000"]) == 0
    err = capsys.readouterr().err
    assert "300k/300k" in err or "cand/s" in err, err


def test_no_progress_bar_when_not_a_terminal(capsys) -> None:
    from sim import cli

    assert cli.main(["simulate", "--process", "amex_ai_pm_2026", "--n", "300000"]) == 0
    assert capsys.readouterr().err == ""


def test_closed_pipe_is_quiet() -> None:
    """`hiring-sim ... | head -1`: no error when the reader has gone away."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to the pipe now fails with EPIPE
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "sim.cli", "presets"],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
