"""Issue 12 point 7: the CLI's text read-outs are for people.

Dollars as $61,630, rates in per cent, no scientific notation, a reason beside every
n/a, and the presets' descriptions whole (wrapped, never cut mid-word). The numbers
are compared with the command's own ``--json`` output, not hard-coded.
"""

from __future__ import annotations

import json
import re

import pytest
from helpers import run_cli as run

import sim

SCIENTIFIC = re.compile(r"\d\.?\d*e[+-]\d")


def test_simulate_text_reads_like_the_json() -> None:
    args = ("simulate", "--process", "amex_ai_pm_2026", "--n", "20000", "--seed", "5")
    text, data = run(*args).stdout, json.loads(run(*args, "--json").stdout)
    assert not SCIENTIFIC.search(text), text
    assert f"${data['dollars_per_hire']:,.0f}" in text
    assert f"{data['hire_rate']:.1%}" in text and f"{data['precision']:.1%}" in text
    assert f"{data['validity']:.3f}" in text
    assert "20,000" in text


def test_compare_rules_explains_every_na() -> None:
    proc = run("compare-rules", "--process", "amex_ai_pm_2026", "--n", "6000", "--seed", "1")
    assert proc.returncode == 0, proc.stderr
    assert not SCIENTIFIC.search(proc.stdout)
    for line in proc.stdout.splitlines():
        if "n/a" in line and not line.startswith("  "):  # a table row with a missing value
            rule = line.split()[0]
            assert re.search(rf"^  {rule}: .*n/a: ", proc.stdout, re.M), (rule, proc.stdout)
    assert "$" in proc.stdout and "%" in proc.stdout


def test_presets_descriptions_are_whole() -> None:
    text = run("presets").stdout
    flat = " ".join(text.split())
    for item in sim.io.list_presets()["profiles"]:
        assert " ".join(item["description"].split()) in flat, item["name"]


@pytest.mark.parametrize("profile", ["impact_framer", "internals_framer"])
def test_sway_text_is_rounded_for_people(profile: str) -> None:
    proc = run("sway", "--process", "amex_ai_pm_2026", "--profile", profile)
    data = json.loads(run("sway", "--process", "amex_ai_pm_2026", "--profile", profile,
                          "--json").stdout)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert not re.search(r"\d\.\d{4}", proc.stdout), "four-decimal numbers left"
    assert f"hire probability {data['hire_probability']:.1%}" in proc.stdout
