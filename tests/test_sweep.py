"""sim.sweep: cells equal their own simulations, common random numbers, SEs, executors, resume."""

from __future__ import annotations

import math
import os
import signal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from helpers import assert_binomial

import sim
from sim.sweep import LocalProcesses
from sim.sweep.stats import hours_by_stage
from sim.sweep.tasks import draw_width, stream_seed

SPEC_24 = {
    "grid": {
        "debrief.threshold": [6.8, 7.2, 7.6],
        "interviewers[hiring_manager].noise_sd": [0.5, 0.8],
        "rounds[2].interviewers": [["ml_engineering_lead"], ["ml_engineering_lead", "senior_pm"]],
        "debrief.rule": ["weighted_mean", "median"],
    }
}
SUMMARY_KEYS = ("hire_rate", "precision", "recall", "validity", "dollars_per_hire", "base_rate")


def test_import_sim_stays_light_and_sim_sweep_needs_no_dask() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sim\n"
        "assert 'sim.sweep' not in sys.modules\n"
        "import sim.sweep\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
        "print(callable(sim.sweep))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"]


def test_cells_equal_their_own_simulation(amex: sim.Process) -> None:
    spec = {
        "variants": [
            {"name": "article", "set": {}},
            {"name": "median", "set": {"debrief.rule": "median", "debrief.threshold": 7.0}},
            {"name": "calm_manager", "set": {"interviewers[hiring_manager].noise_sd": 0.4}},
        ]
    }
    result = sim.sweep(amex, spec, n=50_000, rng=11)
    for cell, row in zip(result.cells, result.frame.to_dict("records"), strict=True):
        direct = sim.simulate(cell.process, n=50_000, rng=11, keep="decisions").summary()
        for key in SUMMARY_KEYS:
            assert row[key] == pytest.approx(direct[key], rel=1e-12, abs=1e-12), (
                cell.variant,
                key,
            )
        assert row["n"] == direct["n"] == 50_000
    # The unchanged cell is the same simulation as sim.simulate, count for count.
    assert result.frame.loc[0, "hire_rate"] == direct_hire_rate(amex, 50_000, 11)


def direct_hire_rate(process: sim.Process, n: int, seed: int) -> float:
    return sim.simulate(process, n=n, rng=seed, keep="decisions").summary()["hire_rate"]


def test_common_random_numbers_where_the_structure_allows(amex: sim.Process) -> None:
    result = sim.sweep(amex, SPEC_24, n=20_000, rng=2)
    frame = result.frame
    same = frame["rounds[2].interviewers"] == ("ml_engineering_lead",)
    # Same applicants (same truth) in every cell with the base panel; a bigger panel draws
    # rows of another width, so it gets an independent stream of its own.
    assert frame.loc[same, "base_rate"].nunique() == 1
    assert frame.loc[~same, "base_rate"].nunique() == 1
    assert frame.loc[same, "base_rate"].iloc[0] != frame.loc[~same, "base_rate"].iloc[0]
    assert frame["common_draws"].tolist() == same.tolist()
    # That stream is the documented one: the panel cell equals its own simulation with it.
    panel = result.cells[int(np.flatnonzero(~same)[0])]
    root = np.random.SeedSequence(2)
    seed = stream_seed(root, panel.process, draw_width(amex))
    direct = sim.simulate(panel.process, n=20_000, rng=seed, keep="decisions").summary()
    assert frame.loc[panel.index, "hire_rate"] == direct["hire_rate"]


def test_bitwise_identical_whatever_the_batching_and_local_workers(amex: sim.Process) -> None:
    serial = sim.sweep(amex, SPEC_24, n=6_000, rng=5)
    one = sim.sweep(amex, SPEC_24, n=6_000, rng=5, cells_per_task=1)
    five = sim.sweep(amex, SPEC_24, n=6_000, rng=5, cells_per_task=5)
    local = sim.sweep(amex, SPEC_24, n=6_000, rng=5, executor=2)
    for other in (one, five, local):
        assert np.array_equal(serial.totals, other.totals)
        pd.testing.assert_frame_equal(serial.frame, other.frame)


def test_a_killed_local_worker_is_replaced_and_its_cells_recomputed(amex: sim.Process) -> None:
    expected = sim.sweep(amex, SPEC_24, n=20_000, rng=8)
    pool = LocalProcesses(workers=2)
    killed: list[int] = []

    def kill_one(finished: int, total: int) -> None:
        if finished >= 1 and not killed and pool.pids():
            killed.append(pool.pids()[0])
            os.kill(killed[0], signal.SIGKILL)

    try:
        got = sim.sweep(
            amex, SPEC_24, n=20_000, rng=8, executor=pool, cells_per_task=1, progress=kill_one
        )
    finally:
        pool.close()
    assert killed
    assert np.array_equal(got.totals, expected.totals)


# --------------------------------------------------------------------------- standard errors
SEEDS = range(100)
N_SE = 8_192


@pytest.fixture(scope="module")
def replicates(amex: sim.Process) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One sweep per seed (thresholds 7.2 and 7.6) and a 1M-applicant reference."""
    spec = {"grid": {"debrief.threshold": [7.2, 7.6]}}
    rows = [sim.sweep(amex, spec, n=N_SE, rng=seed).frame.assign(seed=seed) for seed in SEEDS]
    reference = sim.sweep(amex, spec, n=1_000_000, rng=10_000).frame
    return pd.concat(rows, ignore_index=True), reference


def _mean_ratio_tolerance(groups: int, seeds: int) -> float:
    # A jackknife variance from G groups has relative SD sqrt(2 / (G - 1)); the mean over
    # the seeds shrinks it by sqrt(seeds); five such SDs.
    return 5 * math.sqrt(2 / (groups - 1)) / math.sqrt(seeds)


def test_hire_rate_se_is_the_binomial_se(replicates) -> None:
    frame, reference = replicates
    p = reference.loc[0, "hire_rate"]
    mean_var = (frame.loc[frame["cell"] == 0, "hire_rate_se"] ** 2).mean()
    ratio = mean_var / (p * (1 - p) / N_SE)
    assert abs(ratio - 1) < _mean_ratio_tolerance(64, len(SEEDS)), ratio


def test_paired_se_sees_the_common_applicants(replicates) -> None:
    # With the same aggregates, hires at 7.6 are a subset of hires at 7.2: the difference of
    # hire rates is the mean of a Bernoulli(q) with q = p(7.2) - p(7.6), variance q(1 - q)/n.
    frame, reference = replicates
    q = -reference.loc[1, "hire_rate_diff"]
    stricter = frame[frame["cell"] == 1]
    assert (stricter["hire_rate_diff"] <= 0).all()
    ratio = (stricter["hire_rate_diff_se"] ** 2).mean() / (q * (1 - q) / N_SE)
    assert abs(ratio - 1) < _mean_ratio_tolerance(64, len(SEEDS)), ratio
    base_se = frame.loc[frame["cell"] == 0, "hire_rate_se"].to_numpy()
    unpaired = np.hypot(stricter["hire_rate_se"].to_numpy(), base_se)
    assert (stricter["hire_rate_diff_se"].to_numpy() < 0.8 * unpaired).all()


def test_precision_se_is_the_delta_method_se(replicates) -> None:
    # precision = hires who succeed / hires: Var ~ prec (1 - prec) / (n * hire_rate).
    frame, reference = replicates
    prec, rate = reference.loc[0, ["precision", "hire_rate"]]
    ratio = (frame.loc[frame["cell"] == 0, "precision_se"] ** 2).mean() / (
        prec * (1 - prec) / (N_SE * rate)
    )
    # Plus 1/(hires) ~ 0.1 % for the ratio's own bias at ~800 hires.
    assert abs(ratio - 1) < _mean_ratio_tolerance(64, len(SEEDS)) + 0.01, ratio


@pytest.mark.parametrize(
    ("cell", "metric"),
    [
        (0, "validity"),
        (0, "dollars_per_hire"),
        (0, "recall"),
        (1, "precision_diff"),
        (1, "dollars_per_hire_diff"),
    ],
)
def test_intervals_cover_the_truth_at_nominal_rate(replicates, cell: int, metric: str) -> None:
    frame, reference = replicates
    rows = frame[frame["cell"] == cell]
    z = (rows[metric] - reference.loc[cell, metric]) / rows[f"{metric}_se"]
    assert_binomial(int((z.abs() < 1.96).sum()), len(rows), 0.95)
    # mean z^2 is 1 with SD ~ sqrt(2 / seeds): within four SDs.
    assert abs(float((z**2).mean()) - 1) < 4 * math.sqrt(2 / len(rows)), float((z**2).mean())


# --------------------------------------------------------------------------- resume
class _Stop(Exception):
    pass


def test_an_interrupted_sweep_resumes_without_recomputing(
    amex: sim.Process, tmp_path: Path
) -> None:
    out = tmp_path / "sweep"
    expected = sim.sweep(amex, SPEC_24, n=5_000, rng=9)

    def stop_after_five(finished: int, total: int) -> None:
        if finished >= 5:
            raise _Stop

    with pytest.raises(_Stop):
        sim.sweep(
            amex, SPEC_24, n=5_000, rng=9, out=out, cells_per_task=1, progress=stop_after_five
        )
    first = {p.name: p.read_bytes() for p in (out / "cells").glob("part-*.parquet")}
    assert len(first) == 5
    seen: list[tuple[int, int]] = []
    got = sim.sweep(
        amex, SPEC_24, n=5_000, rng=9, out=out, progress=lambda f, t: seen.append((f, t))
    )
    assert seen[0] == (5, 24) and seen[-1] == (24, 24)
    for name, data in first.items():
        assert (out / "cells" / name).read_bytes() == data  # finished cells left as they were
    stored = pd.read_parquet(out / "cells")
    assert sorted(stored["cell"]) == list(range(24))  # each cell written once
    assert np.array_equal(got.totals, expected.totals)
    pd.testing.assert_frame_equal(got.frame, expected.frame)
    by_cell = stored.set_index("cell").sort_index()
    assert np.allclose(by_cell["precision"], expected.frame["precision"], equal_nan=True)


def test_a_folder_of_another_sweep_is_refused(amex: sim.Process, tmp_path: Path) -> None:
    spec = {"grid": {"debrief.threshold": [7.0, 7.4]}}
    sim.sweep(amex, spec, n=2_000, rng=1, out=tmp_path / "a")
    with pytest.raises(sim.SpecError, match=r"holds another sweep \(n differs\)"):
        sim.sweep(amex, spec, n=3_000, rng=1, out=tmp_path / "a")
    with pytest.raises(sim.SpecError, match=r"holds another sweep \(seed differs\)"):
        sim.sweep(amex, spec, n=2_000, rng=2, out=tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("mine")
    with pytest.raises(sim.SpecError, match="is not a sweep's folder"):
        sim.sweep(amex, spec, n=2_000, rng=1, out=tmp_path / "b")


def test_interviewer_hours_count_every_round_sat_and_the_debrief(amex: sim.Process) -> None:
    """Hours per applicant and per hire, recomputed by hand from each candidate's stage."""
    spec = {"grid": {"debrief.threshold": [6.8, 7.6]}}
    result = sim.sweep(amex, spec, n=20_000, rng=5)
    for cell, row in zip(result.cells, result.frame.to_dict("records"), strict=True):
        direct = sim.simulate(cell.process, n=20_000, rng=5, keep="decisions")
        rounds = cell.process.rounds
        hours = np.zeros(direct.n)
        for r, rnd in enumerate(rounds):  # a candidate who left at stage s sat rounds 0..s
            hours += (direct.stage >= r) * rnd.minutes * len(rnd.interviewers) / 60
        people = {name for rnd in rounds for name in rnd.interviewers}
        hours += (direct.stage == len(rounds)) * cell.process.debrief.minutes * len(people) / 60
        assert row["interviewer_hours_per_applicant"] == pytest.approx(hours.mean(), rel=1e-12)
        assert row["interviewer_hours_per_hire"] == pytest.approx(
            hours.sum() / direct.hired.sum(), rel=1e-12
        )
        assert row["interviewer_hours_per_hire_se"] > 0
    low, high = result.frame["interviewer_hours_per_hire"]
    assert high > low  # a higher bar: fewer hires for the same interviewing


def test_a_second_interviewer_costs_their_hours(amex: sim.Process) -> None:
    """A structural change (other draws than a fresh run): agree within the SEs."""
    pair = ["ml_engineering_lead", "senior_pm"]
    spec = {"grid": {"rounds[2].interviewers": [["ml_engineering_lead"], pair]}}
    row = sim.sweep(amex, spec, n=40_000, rng=6).frame.iloc[1]
    process = sim.sweep(amex, spec, n=1_000, rng=6).cells[1].process
    direct = sim.simulate(process, n=40_000, rng=99, keep="decisions")
    hours = hours_by_stage(process)[direct.stage]
    se = math.hypot(row["interviewer_hours_per_applicant_se"], hours.std() / math.sqrt(hours.size))
    assert abs(row["interviewer_hours_per_applicant"] - hours.mean()) < 5 * se
    one = sim.sweep(amex, spec, n=40_000, rng=6).frame.iloc[0]
    assert row["interviewer_hours_per_applicant"] > one["interviewer_hours_per_applicant"]


# --------------------------------------------------------------------------- dollars
HOURLY = {
    "recruiter": 50.0,
    "senior_pm": 130.0,
    "ml_engineering_lead": 170.0,
    "risk_partner": 90.0,
    "hiring_manager": 210.0,
}


def _economics(amex: sim.Process, hourly: dict[str, float], extra: float) -> Any:
    from dataclasses import replace

    from sim.economics import Costs, load_economics

    costs = Costs(hourly_usd=hourly, extra_minutes_per_interview=extra)
    return replace(load_economics(amex), costs=costs)


def _dollars_by_hand(process: sim.Process, stage: np.ndarray, extra: float) -> np.ndarray:
    """Each candidate's interviewer dollars: rounds 0..stage sat, the debrief if reached."""
    rounds = process.rounds
    dollars = np.zeros(stage.size)
    for r, rnd in enumerate(rounds):
        per_hour = sum(HOURLY[name] for name in rnd.interviewers)
        dollars += (stage >= r) * per_hour * (rnd.minutes + extra) / 60
    people = {name for rnd in rounds for name in rnd.interviewers}
    loop = sum(HOURLY[name] for name in people)
    return dollars + (stage == len(rounds)) * process.debrief.minutes / 60 * loop


def test_interviewer_dollars_recomputed_by_hand(amex: sim.Process) -> None:
    """Dollars per applicant and per hire from each candidate's stage and the hourly costs."""
    pair = ["ml_engineering_lead", "senior_pm"]
    spec = {
        "grid": {
            "debrief.threshold": [6.8, 7.6],
            "rounds[2].interviewers": [["ml_engineering_lead"], pair],
        }
    }
    economics = _economics(amex, HOURLY, extra=10.0)
    n = 20_000
    result = sim.sweep(amex, spec, n=n, rng=7, economics=economics)
    frame = result.frame
    for cell, row in zip(result.cells, frame.to_dict("records"), strict=True):
        seed = stream_seed(np.random.SeedSequence(7), cell.process, draw_width(amex))
        direct = sim.simulate(cell.process, n=n, rng=seed, keep="decisions")
        dollars = _dollars_by_hand(cell.process, direct.stage, extra=10.0)
        assert row["interviewer_cost_per_applicant"] == pytest.approx(dollars.mean(), rel=1e-12)
        per_hire = dollars.sum() / direct.hired.sum()
        assert row["interviewer_cost_per_hire"] == pytest.approx(per_hire, rel=1e-12)
        # The jackknife over 64 groups estimates the SE of a mean to about 1 / sqrt(2 * 63) = 9 %.
        iid = dollars.std(ddof=1) / math.sqrt(n)
        assert abs(row["interviewer_cost_per_applicant_se"] / iid - 1) < 0.35
        assert row["interviewer_cost_per_hire_se"] > 0
    # Cell 2 only raises the bar (same applicants, same rounds sat): the same dollars per
    # applicant exactly, more per hire, with a paired SE below the unpaired one.
    row = frame.iloc[2]
    assert row["interviewer_cost_per_applicant_diff"] == 0.0
    assert row["interviewer_cost_per_applicant_diff_se"] == 0.0
    assert row["interviewer_cost_per_hire_diff"] > 0
    unpaired = math.hypot(*frame.loc[[0, 2], "interviewer_cost_per_hire_se"])
    assert row["interviewer_cost_per_hire_diff_se"] < unpaired
    # Cell 1 adds a senior PM to round 2: other draws (not common), and it costs more.
    assert not frame.loc[1, "common_draws"]
    assert frame.loc[1, "interviewer_cost_per_applicant_diff"] > 0


def test_dollars_come_from_the_preset_and_are_nan_without_economics(amex: sim.Process) -> None:
    from sim.economics import load_economics
    from sim.sweep.costs import cost_by_stage

    spec = {"grid": {"debrief.threshold": [7.2]}}
    row = sim.sweep(amex, spec, n=5_000, rng=3).frame.iloc[0]
    direct = sim.simulate(amex, n=5_000, rng=3, keep="decisions")
    dollars = cost_by_stage(amex, load_economics(amex))[direct.stage]
    assert row["interviewer_cost_per_applicant"] == pytest.approx(dollars.mean(), rel=1e-12)
    none = sim.sweep(amex, spec, n=5_000, rng=3, economics=False).frame.iloc[0]
    assert math.isnan(none["interviewer_cost_per_hire"])
    assert none["hire_rate"] == row["hire_rate"]
    with pytest.raises(sim.SpecError, match=r"no hourly cost .* for hiring_manager"):
        missing = {k: v for k, v in HOURLY.items() if k != "hiring_manager"}
        sim.sweep(amex, spec, n=1_000, rng=3, economics=_economics(amex, missing, 0.0))
