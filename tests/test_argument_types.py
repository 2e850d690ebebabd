"""Public functions reject arguments of the wrong type with a SpecError, never a crash.

Each public entry point is called with valid arguments and then, one argument at a
time, with values of the wrong type; the only acceptable failure is a
:class:`sim.SpecError` (a ValueError) whose message names the argument.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sim
from sim import analysis, debrief, plots

BAD = (None, 42, "nonsense", object(), [1, 2], {"a": 1})


@pytest.fixture(scope="module")
def world() -> dict[str, Any]:
    process = sim.load_process("amex_ai_pm_2026")
    profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    result = sim.simulate(process, n=500, rng=1)
    transcript = debrief.debrief_transcript(process, profile, rng=1)
    return {"process": process, "profile": profile, "result": result, "transcript": transcript}


def entry_points(w: dict[str, Any]) -> list[tuple[str, Callable[..., Any], dict[str, Any]]]:
    p, prof, r = w["process"], w["profile"], w["result"]
    return [
        ("simulate", sim.simulate, {"process": p, "candidates": prof, "n": 10, "rng": 1}),
        (
            "iter_chunks",
            lambda **k: list(sim.engine.iter_chunks(**k)),
            {"process": p, "n": 10, "rng": 1},
        ),
        ("hire_probability", sim.hire_probability, {"process": p, "candidate": prof}),
        ("contributions", sim.contributions, {"process": p, "profile": prof}),
        ("load_process", sim.load_process, {"name_or_path": "amex_ai_pm_2026"}),
        ("load_profiles", sim.load_profiles, {"name_or_path": "amex_ai_pm_2026"}),
        ("validate_file", sim.validate_file, {"path": "amex_ai_pm_2026"}),
        ("theta", lambda process: prof.theta(process), {"process": p}),
        ("redecide", debrief.redecide, {"result": r, "process": p}),
        ("with_rule", debrief.with_rule, {"process": p, "rule": "veto"}),
        ("compare_rules", debrief.compare_rules, {"process": p, "n": 200, "rng": 1}),
        (
            "debrief_transcript",
            debrief.debrief_transcript,
            {"process": p, "profile": prof, "rng": 1},
        ),
        ("transcript_text", debrief.transcript_text, {"frame": w["transcript"]}),
        ("transcript_dict", debrief.transcript_dict, {"frame": w["transcript"]}),
        (
            "run_debrief",
            debrief.run_debrief,
            {
                "process": p,
                "perceived": np.nan_to_num(r.perceived[:5]),
                "draws": r.debrief_draws[:5],
            },
        ),
        ("gaussian_decisions", debrief.gaussian_decisions, {"process": p}),
        ("effective_aggregate_weights", debrief.effective_aggregate_weights, {"process": p}),
        ("sway", analysis.sway, {"process": p, "profile": prof}),
        (
            "contribution_waterfall",
            analysis.contribution_waterfall,
            {"process": p, "profile": prof},
        ),
        ("tipping_points", analysis.tipping_points, {"process": p, "profile": prof}),
        ("framing_effect", analysis.framing_effect, {"process": p, "profile": prof}),
        ("weight_stability", analysis.weight_stability, {"process": p, "profile": prof}),
        ("decision_swing", analysis.decision_swing, {"result": r}),
        ("decision_quality", analysis.decision_quality, {"result": r}),
        ("global_sensitivity", analysis.global_sensitivity, {"process": p, "n": 200, "rng": 1}),
        ("noise_audit", analysis.noise_audit, {"process": p, "n": 100, "rng": 1}),
        ("panel_icc", analysis.panel_icc, {"process": p, "n": 50, "rng": 1}),
        ("panel_reliability", analysis.panel_reliability, {"process": p, "n": 50, "rng": 1}),
        ("score_distribution_figure", plots.score_distribution_figure, {"result": r}),
        (
            "contributions_figure",
            plots.contributions_figure,
            {"contributions": analysis.contribution_waterfall(p, prof)},
        ),
    ]


def cases() -> list[tuple[str, str]]:
    names = [
        ("simulate", ["process", "candidates", "n", "rng"]),
        ("iter_chunks", ["process", "n", "rng"]),
        ("hire_probability", ["process", "candidate"]),
        ("contributions", ["process", "profile"]),
        ("load_process", ["name_or_path"]),
        ("load_profiles", ["name_or_path"]),
        ("validate_file", ["path"]),
        ("theta", ["process"]),
        ("redecide", ["result", "process"]),
        ("with_rule", ["process", "rule"]),
        ("compare_rules", ["process", "n", "rng"]),
        ("debrief_transcript", ["process", "profile", "rng"]),
        ("transcript_text", ["frame"]),
        ("transcript_dict", ["frame"]),
        ("run_debrief", ["process", "perceived", "draws"]),
        ("gaussian_decisions", ["process"]),
        ("effective_aggregate_weights", ["process"]),
        ("sway", ["process", "profile"]),
        ("contribution_waterfall", ["process", "profile"]),
        ("tipping_points", ["process", "profile"]),
        ("framing_effect", ["process", "profile"]),
        ("weight_stability", ["process", "profile"]),
        ("decision_swing", ["result"]),
        ("decision_quality", ["result"]),
        ("global_sensitivity", ["process", "n", "rng"]),
        ("noise_audit", ["process", "n", "rng"]),
        ("panel_icc", ["process", "n", "rng"]),
        ("panel_reliability", ["process", "n", "rng"]),
        ("score_distribution_figure", ["result"]),
        ("contributions_figure", ["contributions"]),
    ]
    return [(name, arg) for name, args in names for arg in args]


@pytest.mark.parametrize(("name", "argument"), cases())
def test_a_wrong_type_is_one_spec_error(world: dict[str, Any], name: str, argument: str) -> None:
    function, valid = next((f, k) for n, f, k in entry_points(world) if n == name)
    function(**valid)  # the valid call works
    for bad in BAD:
        if argument == "rng" and bad is None:
            continue  # None is a valid seed (fresh entropy)
        if argument == "draws" and bad is None:
            continue  # a fixed order needs no draws
        try:
            function(**{**valid, argument: bad})
        except sim.SpecError as exc:
            assert "\n" not in str(exc) or len(exc.issues) > 1, str(exc)
        except Exception as exc:
            pytest.fail(f"{name}({argument}={bad!r}) raised {type(exc).__name__}: {exc}")


def test_frames_without_attrs_are_refused(world: dict[str, Any]) -> None:
    with pytest.raises(sim.SpecError, match="frame"):
        debrief.transcript_text(pd.DataFrame({"a": [1]}))
