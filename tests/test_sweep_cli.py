"""``hiring-sim sweep`` end to end: JSON in spec order, interrupted runs resume from --out."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from helpers import default_signals, run_cli

import sim

SPEC_24 = {
    "grid": {
        "debrief.threshold": [6.8, 7.2, 7.6],
        "interviewers[hiring_manager].noise_sd": [0.5, 0.8],
        "rounds[2].interviewers": [["ml_engineering_lead"], ["ml_engineering_lead", "senior_pm"]],
        "debrief.rule": ["weighted_mean", "median"],
    }
}
N = 60_000


def _null_nan(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _null_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_null_nan(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "sweep.yaml"
    path.write_text(yaml.safe_dump(SPEC_24, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def expected(amex: sim.Process) -> dict[str, Any]:
    return _null_nan(sim.sweep(amex, SPEC_24, n=N, rng=4).to_dict())


def test_json_lists_cells_in_spec_order(spec_file: Path, amex: sim.Process) -> None:
    small = sim.sweep(amex, SPEC_24, n=3_000, rng=4)
    proc = run_cli("sweep", str(spec_file), "--process", "amex_ai_pm_2026", "--n", "3000",
                   "--seed", "4", "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["process"] == "amex_ai_pm_2026" and data["n"] == 3000 and data["baseline"] == 0
    assert data == {"process": "amex_ai_pm_2026", "seed": 4, **_null_nan(small.to_dict())}
    first, last = data["cells"][0], data["cells"][-1]
    assert first["params"] == {
        "debrief.threshold": 6.8,
        "interviewers[hiring_manager].noise_sd": 0.5,
        "rounds[2].interviewers": ["ml_engineering_lead"],
        "debrief.rule": "weighted_mean",
    }
    assert (
        last["params"]["debrief.rule"] == "median" and last["params"]["debrief.threshold"] == 7.6
    )
    for key in ("hire_rate", "precision", "recall", "validity", "dollars_per_hire"):
        assert key in first and f"{key}_se" in first and f"{key}_diff_se" in last
    for key in ("interviewer_cost_per_applicant", "interviewer_cost_per_hire"):  # dollars
        assert math.isfinite(first[key]) and first[f"{key}_se"] > 0 and f"{key}_diff_se" in last


def test_text_table(spec_file: Path) -> None:
    proc = run_cli("sweep", str(spec_file), "--process", "amex_ai_pm_2026", "--n", "2000")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("American Express AI/ML Product Manager (2026): 24 cells x 2,000")
    assert "hire_rate" in lines[1] and "d_precision" in lines[1]
    assert "interviewer_cost_per_hire" in lines[1]  # dollars, from the process's economics
    assert len(lines) == 2 + 24


def _start(spec_file: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    args = ["sweep", str(spec_file), "--process", "amex_ai_pm_2026", "--n", str(N), "--seed",
            "4", "--out", str(out), "--cells-per-task", "1", "--json", *extra]  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        preexec_fn=default_signals,
    )


def _parts(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (out / "cells").glob("part-*.parquet")}


def _interrupt_after(proc: subprocess.Popen[str], out: Path, parts: int, sig: int) -> str:
    """Send ``sig`` once ``parts`` part files exist; return the run's stderr."""
    deadline = time.monotonic() + 240
    while len(_parts(out)) < parts if (out / "cells").is_dir() else True:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.05)
    proc.send_signal(sig)
    return proc.communicate(timeout=120)[1]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_an_interrupted_cli_sweep_resumes_from_out(
    spec_file: Path, tmp_path: Path, expected: dict[str, Any], sig: int
) -> None:
    out = tmp_path / "out"
    proc = _start(spec_file, out)
    stderr = _interrupt_after(proc, out, 3, sig)
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert "cells saved in" in stderr and "run the same command to resume" in stderr
    else:
        assert proc.returncode == -signal.SIGKILL
    before = _parts(out)
    assert 3 <= len(before) < 24
    extra = ("--workers", "2") if sig == signal.SIGKILL else ()
    again = _start(spec_file, out, *extra)
    stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    after = _parts(out)
    assert all(after[name] == data for name, data in before.items())  # not recomputed
    stored = pd.read_parquet(out / "cells")
    assert sorted(stored["cell"]) == list(range(24))  # every cell once
    assert json.loads(stdout) == {"process": "amex_ai_pm_2026", "seed": 4, **expected}
