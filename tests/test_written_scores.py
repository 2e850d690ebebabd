"""The committee decides on what interviewers wrote: scores on the scale (issue 10).

Checks the scale's step and label values, that every number a transcript shows is
on the scale and adds up, and that the exact hire probability under ``written`` and
``labels`` (and the Gaussian one under ``latent``) agrees with Monte Carlo within
the binomial error, for every shipped process and profile.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace

import numpy as np
import pytest
from helpers import assert_binomial, run_cli

import sim
from sim.closed_form import exact_obstacle, monte_carlo_probability
from sim.errors import SpecError
from sim.spec import Scale
from sim.transcript import debrief_transcript, transcript_dict, transcript_text

PRESETS = ("amex_ai_pm_2026", "amazon_style_loop", "google_style_committee")


def with_aggregate(process: sim.Process, aggregate: str) -> sim.Process:
    return replace(process, debrief=replace(process.debrief, aggregate=aggregate))


# --------------------------------------------------------------------------- the scale
def test_written_scores_are_on_the_step_and_clipped():
    scale = Scale(min=1, max=10, step=0.5)
    assert scale.written([0.2, 3.26, 3.24, 3.25, 12.0]).tolist() == [1.0, 3.5, 3.0, 3.5, 10.0]
    assert Scale(step=0).written([0.2, 3.3, 11.0]).tolist() == [1.0, 3.3, 10.0]


@pytest.mark.parametrize(
    ("kwargs", "path", "value"),
    [
        ({"step": 0.7}, "step", 0.7),
        ({"step": -1}, "step", -1),
        ({"step": math.inf}, "step", math.inf),
        ({"label_values": {"stellar": 9}}, "label_values.stellar", None),
        ({"label_values": {"weak": 11}}, "label_values.weak", 11),
    ],
)
def test_bad_scale_is_one_issue_naming_the_field(kwargs, path, value):
    with pytest.raises(SpecError) as info:
        Scale(**kwargs)
    issues = info.value.issues
    assert len(issues) == 1 and issues[0].path == path
    if value is not None:
        assert issues[0].value == value


def test_label_values_default_to_band_midpoints():
    assert Scale().label_value_table == (2.75, 5.5, 7.5, 9.25)
    assert Scale(label_values={"weak": 3}).label_value_table == (3.0, 5.5, 7.5, 9.25)


def test_bad_aggregate_names_the_field():
    process = sim.load_process("amex_ai_pm_2026")
    with pytest.raises(SpecError) as info:
        replace(process.debrief, aggregate="vibes")
    assert [i.path for i in info.value.issues] == ["aggregate"]


def test_presets_count_written_scores():
    for name in PRESETS:
        process = sim.load_process(name)
        assert process.debrief.aggregate == "written" and process.scale.step == 1


# --------------------------------------------------------------------------- transcripts
def on_step(values, scale: Scale) -> bool:
    values = np.asarray(values, dtype=float)
    steps = (values - scale.min) / scale.step
    inside = (values >= scale.min - 1e-12) & (values <= scale.max + 1e-12)
    return bool(inside.all() and np.allclose(steps, np.round(steps), atol=1e-9))


def _profiles(name: str) -> list[sim.Profile]:
    return list(sim.load_profiles(name).values())[:4]


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("aggregate", ["written", "labels"])
def test_every_transcript_number_is_on_the_scale_and_adds_up(name, aggregate):
    process = with_aggregate(sim.load_process(name), aggregate)
    scale = process.scale
    for profile in _profiles(name):
        for seed in range(50):
            frame = debrief_transcript(process, profile, rng=seed)
            data = transcript_dict(frame)
            if data["stage"] != "debrief":
                continue
            sentences = data["sentences"]
            for key in ("written", "spoken", "score"):
                assert on_step([s[key] for s in sentences], scale), (key, seed)
            for key in ("written_view", "spoken_view"):
                assert on_step([s[key] for s in data["speakers"]], scale), (key, seed)
            counted = np.array([s["counted"] for s in sentences])
            assert ((counted >= scale.min) & (counted <= scale.max)).all()
            weights = np.array([s["weight"] for s in sentences])
            recomputed = float(weights @ counted)
            assert abs(recomputed - data["aggregate"]) < 1e-9
            assert scale.min - 1e-9 <= data["aggregate"] <= scale.max + 1e-9
            _text_adds_up(transcript_text(frame), data["aggregate"])


def _text_adds_up(text: str, aggregate: float) -> None:
    """The printed terms (4 decimals) sum to the printed aggregate, to the shown precision."""
    terms = [float(t) for t in re.findall(r"x \d+\.\d{4} = (\d+\.\d{4})", text)]
    printed = float(re.search(r"sum of the terms\): (\d+\.\d{4}) points", text).group(1))
    assert abs(printed - aggregate) <= 5e-5 + 1e-12
    assert abs(sum(terms) - printed) <= 5e-5 * (len(terms) + 1) + 1e-12


def test_cli_debrief_json_is_on_the_scale():
    proc = run_cli(
        "debrief", "--process", "amex_ai_pm_2026", "--profile", "high_impact_negotiator",
        "--seed", "3", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    scale = sim.load_process("amex_ai_pm_2026").scale
    assert on_step([s["written"] for s in data["sentences"]], scale)
    assert on_step([s["written_view"] for s in data["speakers"]], scale)
    total = sum(s["weight"] * s["counted"] for s in data["sentences"])
    assert abs(total - data["aggregate"]) < 1e-9


def test_a_sum_on_the_line_hires():
    """Three written 7s weigh 1/3 each: the aggregate is the line 7 exactly, and hires."""
    process = sim.load_process("amex_ai_pm_2026")
    people = tuple(replace(p, noise_sd=0.0, halo=0.0, leniency=0.0) for p in process.interviewers)
    process = replace(
        process,
        interviewers=people,
        debrief=replace(process.debrief, threshold=7.0),
    )
    profile = sim.Profile("sevens", default_level=7.0)
    result = sim.simulate(process, profile, n=100, rng=0)
    assert result.hired.all()
    exact = sim.hire_probability(process, profile)
    assert exact.method == "exact" and exact.hire == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------- probabilities
CASES = [(name, profile.name) for name in PRESETS for profile in _profiles(name)]


@pytest.mark.parametrize(("name", "profile_name"), CASES)
@pytest.mark.parametrize("aggregate", ["written", "labels", "latent"])
def test_hire_probability_matches_monte_carlo(name, profile_name, aggregate):
    process = with_aggregate(sim.load_process(name), aggregate)
    profile = sim.load_profiles(name)[profile_name]
    exact = sim.hire_probability(process, profile)
    assert exact.method == ("gaussian" if aggregate == "latent" else "exact")
    assert exact.error == 0.0
    n = 60_000
    for seed in (1, 2):
        result = sim.simulate(process, profile, n=n, rng=seed, keep="decisions")
        assert_binomial(int(result.hired.sum()), n, exact.hire)
        assert_binomial(int((result.decision == sim.HOLD).sum()), n, exact.hold)
        assert_binomial(int(result.reached.sum()), n, exact.reach_debrief)


def test_no_exact_structure_falls_back_to_monte_carlo_with_its_error():
    process = sim.load_process("amex_ai_pm_2026")
    anchored = replace(process, debrief=replace(process.debrief, anchoring=0.3))
    assert "anchoring" in exact_obstacle(anchored)
    profile = sim.load_profiles("amex_ai_pm_2026")["high_impact_negotiator"]
    p = sim.hire_probability(anchored, profile, draws=20_000)
    assert p.method == "monte_carlo" and p.draws == 20_000
    assert p.error == pytest.approx(math.sqrt(p.hire * (1 - p.hire) / 20_000))
    assert "Monte Carlo, 20,000 draws" in p.describe()
    again = monte_carlo_probability(anchored, profile, draws=20_000, rng=0)
    assert again.hire == p.hire  # the same question, the same answer
    result = sim.simulate(anchored, profile, n=40_000, rng=5, keep="decisions")
    assert_binomial(int(result.hired.sum()), 40_000, p.hire)  # within its own error


def test_sway_uses_the_same_answer():
    process = sim.load_process("amex_ai_pm_2026")
    profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    tips = sim.analysis.tipping_points(process, profile)
    level = tips.loc["dollar_impact", "tipping_level"]
    assert not math.isnan(level)
    moved = sim.hire_probability(process, profile.with_levels(dollar_impact=level))
    assert moved.hire == pytest.approx(0.5, abs=1e-6)
    table = sim.contributions(process, profile)
    p = sim.hire_probability(process, profile)
    assert table["contribution"].sum() == pytest.approx(
        p.aggregate_mean - process.debrief.threshold, abs=1e-12
    )
