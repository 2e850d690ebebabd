"""The requisition's interfaces: SimPy agreement, ICE, the CLI, the plots and the explorer."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest
from helpers import one_line_error, run_cli
from simpy_requisition import simulate_block

import sim
from sim.economics import load_economics
from sim.economics.ice import Change, changes_from_dict, ice, load_changes
from sim.economics.requisition import draw_block, flow
from sim.economics.variants import Variants, window_curve
from sim.plots import economics as plots


@pytest.fixture(scope="module")
def econ(amex):
    return load_economics(amex)


# --------------------------------------------------------------------------- SimPy reference
@pytest.mark.parametrize(
    ("seed", "variant"), [(0, "as is"), (1, "onsite day, decision date told"), (2, "30 days")]
)
def test_the_discrete_event_version_agrees_exactly(amex, econ, seed, variant):
    """SimPy, one event at a time, on the same draws: the same hires, offers and outcomes."""
    process, e = amex, econ
    if variant.startswith("onsite"):
        rounds = tuple(replace(r, day=12.0) if i > 0 else r for i, r in enumerate(amex.rounds))
        process = replace(amex, rounds=rounds, debrief=replace(amex.debrief, day=14.0))
        e = replace(econ, schedule=replace(econ.schedule, decision_date_told=True))
    elif variant == "30 days":
        from sim.economics.changes import with_window

        process = with_window(amex, 30)
    draws = draw_block(process, e, np.random.SeedSequence(seed), 0, 160)
    vec, des = flow(process, e, draws), simulate_block(process, e, draws)
    np.testing.assert_array_equal(vec.hire, des["hire"])
    np.testing.assert_allclose(vec.close, des["close"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(vec.offer_day, des["offer_day"], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(vec.outcome[vec.kept], des["outcome"][vec.kept])
    assert vec.filled.sum() > 100


# --------------------------------------------------------------------------- ICE
def test_ice_ranks_changes_on_common_random_numbers(amex, econ):
    changes = load_changes("amex_ai_pm_2026")
    table = ice(amex, changes, econ, n=512, rng=4)
    assert list(table["rank"]) == list(range(1, len(changes) + 1))
    assert table.ice_score.is_monotonic_decreasing
    row = table.set_index("name")
    # Same draws, no effect: written feedback first changes nothing without anchoring.
    assert row.loc["written_feedback_first", "impact_usd_per_year"] == 0
    # Shorter waits lose fewer candidates; a richer offer is accepted more often.
    base = table.attrs["baseline"]
    assert row.loc["compress_to_30_days", "withdrawal_rate"] < base["withdrawal_rate"]
    assert row.loc["raise_base_floor", "offer_acceptance"] > base["offer_acceptance"]
    expected = row.impact_usd_per_year * (1 - row.execution_risk) / row.complexity
    np.testing.assert_allclose(row.ice_score, expected)
    # Impact is the paired difference per requisition, times requisitions a year.
    crn = Variants(n=512, rng=4)
    with_window = __import__("sim.economics.changes", fromlist=["_"]).with_window
    diff = crn.run(with_window(amex, 30), econ).net_value - crn.run(amex, econ).net_value
    assert row.loc["compress_to_30_days", "impact_usd_per_year"] == pytest.approx(
        diff.mean() * econ.value.requisitions_per_year
    )


def test_bad_changes_files_name_the_change():
    with pytest.raises(sim.SpecError) as err:
        changes_from_dict(
            {"changes": [{"name": "x", "change": {"window_days": 30}, "complexity": 9}]}
        )
    assert str(err.value) == "changes[0].complexity: must be a number in [1, 5] (got 9)"
    with pytest.raises(sim.SpecError, match=r"changes\.x: name is used twice"):
        changes_from_dict({"changes": [{"name": "x", "change": {"drop_round": "a"}}] * 2})


def test_an_invalid_change_is_reported_with_its_path(amex, econ):
    bad = [Change(name="late", change={"set": {"rounds.leadership_culture.day": 60}})]
    with pytest.raises(sim.SpecError) as err:
        ice(amex, bad, econ, n=10, rng=0)
    assert str(err.value).splitlines()[0] == (
        "changes[0].change.set.rounds[4].day: is outside the 45-day process window (got 60.0)"
    )


# --------------------------------------------------------------------------- CLI
def test_economics_command_json_has_the_figures():
    proc = run_cli("economics", "--process", "amex_ai_pm_2026", "--requisitions", "600",
                   "--seed", "3", "--pool", "20000", "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    for key in ("time_to_fill_days", "withdrawal_rate", "offer_acceptance", "cost_per_hire",
                "performance_of_hire", "net_value_per_hire"):  # fmt: skip
        assert isinstance(data[key], float), key
    process = sim.load_process("amex_ai_pm_2026")
    seeds = np.random.SeedSequence(3).spawn(2)
    api = sim.requisitions(process, n=600, rng=seeds[0]).summary()
    assert data["time_to_fill_days"] == pytest.approx(api["time_to_fill_days"])
    assert data["cross_check"]["performance_bcg"] > data["cross_check"]["performance_murphy"]
    text = run_cli("economics", "--process", "amex_ai_pm_2026", "--requisitions", "600",
                   "--seed", "3", "--pool", "20000")  # fmt: skip
    assert text.returncode == 0 and "time_to_fill_days" in text.stdout and "Murphy" in text.stdout


def test_ice_command_ranks(tmp_path):
    path = tmp_path / "changes.yaml"
    path.write_text(
        "changes:\n"
        "  - {name: faster, change: {window_days: 25}, complexity: 2, execution_risk: 0.2}\n"
        "  - {name: stricter, change: {set: {debrief.threshold: 7.6}}, complexity: 1}\n"
    )
    proc = run_cli("ice", "--process", "amex_ai_pm_2026", "--changes", str(path),
                   "--requisitions", "300", "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [c["rank"] for c in data["changes"]] == [1, 2]
    assert {c["name"] for c in data["changes"]} == {"faster", "stricter"}
    text = run_cli("ice", "--process", "amex_ai_pm_2026", "--changes", str(path),
                   "--requisitions", "300")  # fmt: skip
    assert text.returncode == 0 and "faster" in text.stdout


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("base_salary_usd: {follows: prior_salary, from: [130000, 170000], to: [170000, 230000]}",
         "economics.offer_policy.base_salary_usd.to[1]: is outside the base_salary_usd range"),
        ("recruiter: -5", "economics.costs.hourly_usd.recruiter: must be >= 0 (got -5)"),
        ("deadline_days: 20", "economics.schedule.deadline_days: leaves no time to fill"),
    ],
)  # fmt: skip
def test_bad_economics_files_are_one_line_errors(tmp_path, text, fragment):
    source = (sim.economics.io.economics_dir() / "amex_ai_pm_2026.yaml").read_text()
    key = text.split(":")[0]
    lines = [
        (line[: len(line) - len(line.lstrip())] + text)
        if line.strip().startswith(key + ":")
        else line
        for line in source.splitlines()
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join(lines) + "\n")
    proc = run_cli("economics", "--process", "amex_ai_pm_2026", "--economics", str(bad),
                   "--requisitions", "10")  # fmt: skip
    one_line_error(proc, 1, fragment)


def test_a_round_after_the_window_in_a_changes_file_is_one_line(tmp_path):
    path = tmp_path / "late.yaml"
    path.write_text(
        "changes:\n  - {name: late, change: {set: {rounds.leadership_culture.day: 60}}}\n"
    )
    proc = run_cli("ice", "--process", "amex_ai_pm_2026", "--changes", str(path))
    # Two problems, one line each: the round leaves the window and passes the debrief's day.
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and len(lines) == 2
    assert all(
        line.startswith(f"hiring-sim: error: {path}: changes[0].change.set.") for line in lines
    )
    assert "rounds[4].day: is outside the 45-day process window (got 60.0)" in lines[0]
    proc = run_cli("economics", "--process", "google_style_committee")
    one_line_error(proc, 1, "no economics preset for process 'google_style_committee'")


# --------------------------------------------------------------------------- plots
def test_plot_builders_give_valid_figures(amex, econ):
    crn = Variants(n=512, rng=2)
    result = crn.run(amex, econ)
    curve = window_curve(amex, econ, [20, 45], crn=crn)
    for fig in (
        plots.funnel_figure(result.funnel()),
        plots.time_to_fill_figure(result.requisitions()),
        plots.window_value_figure(curve),
    ):
        assert isinstance(fig, go.Figure)
        go.Figure(fig.to_dict())  # plotly's own validation accepts every property
    funnel = plots.funnel_figure(result.funnel())
    stacked = np.sum([np.asarray(t.y) for t in funnel.data], axis=0)
    np.testing.assert_allclose(stacked, 1.0)
    counts = plots.time_to_fill_figure(result.requisitions()).data[0].y
    assert sum(counts) == result.filled.sum()
    with pytest.raises(sim.SpecError, match="curve: lacks column"):
        plots.window_value_figure(curve.drop(columns="window_days"))


# --------------------------------------------------------------------------- explorer
def test_explorer_follows_the_api(amex, econ):
    from sim.widgets.economics import ProcessEconomics

    explorer = ProcessEconomics(amex, econ, n=512, rng=5)
    for state in (
        {"window_days": 30},
        {"offer_level": 0.6, "decision_date_told": True},
        {"rounds": {"cross_functional": False}, "window_days": 40},
    ):
        explorer.set_state(**state)
        api = Variants(512, explorer.seed).run(
            explorer.current_process, explorer.current_economics
        )
        assert explorer.metrics == api.summary()
        want = plots.funnel_figure(api.funnel())
        got = [np.asarray(t.y) for t in explorer.figure.data[: len(want.data)]]
        for g, w in zip(got, want.data, strict=True):
            np.testing.assert_allclose(g, np.asarray(w.y))
    assert len(explorer.current_process.rounds) == len(amex.rounds) - 1
    # moving a control is the same as set_state
    explorer.controls["window_days"].value = 25
    assert explorer.current_process.window_days == 25
    with pytest.raises(sim.SpecError, match="window_days: must be"):
        explorer.set_state(window_days=500)
    assert explorer.state["window_days"] == 25
