"""The facilitator guide quotes only numbers generated from the notebooks.

``notebooks/facilitator_guide.md`` must be ``facilitator_guide.template.md`` rendered
with ``guide_numbers.json`` (``notebooks/guide_numbers.py``); the template may not
quote a statistic outside a placeholder; every ``claim_*`` value (a sentence of the
guide that states a direction, e.g. "doubling the panel buys more validity") must
still be true. That the JSON is what the notebooks print today is checked by
``tests/test_notebooks_browser.py``, which executes them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "notebooks"))
import guide_numbers  # noqa: E402

#: Numbers the guide may write literally: inputs and published values, not results.
LITERALS = {
    "90-minute", "0-10", "10-25", "25-40", "40-60", "60-75", "75-85", "85-90", "8866", "0.0.0.0",
    "127.0.0.1", "2026", ".42", ".44", ".19", ".80", ".5", "3.0", "7.6", "70 %", "45-day",
    "20,000", "1,024", "30 days", "60 days", "33 days", "$1M", "$2M", "$190k", "84 %", "~22",
    "0.04-0.07 %", "50 %", "95 %", "14-day", "7-day", "2016", "2023", "2010", "2022",
    "20,000-debrief", "1986",
}  # fmt: skip
#: What a quoted statistic looks like: a percentage, dollars, a decimal, a signed change.
STATISTIC = re.compile(r"[-+−]?\$?\d[\d,]*\.?\d*\s?%|[-−]?\$\d[\d,]*|[-+−]?\d*\.\d+")


def test_guide_is_the_rendered_template() -> None:
    text = guide_numbers.render(guide_numbers.TEMPLATE.read_text(), guide_numbers.load_numbers())
    assert guide_numbers.GUIDE.read_text() == text, (
        "facilitator_guide.md is stale or edited by hand: edit facilitator_guide.template.md, "
        "then run .venv/bin/python notebooks/guide_numbers.py"
    )


def test_template_quotes_no_statistic_outside_a_placeholder() -> None:
    template = guide_numbers.TEMPLATE.read_text()
    bare = guide_numbers.PLACEHOLDER.sub("", template)
    for literal in sorted(LITERALS, key=len, reverse=True):
        bare = bare.replace(literal, "")
    bare = re.sub(r"`[^`]*`", "", bare)  # code and file names
    bare = re.sub(r"\([A-Z][^()]*\d{4}[^()]*\)", "", bare)  # citations (Name & Name, 2013)
    found = [m.group(0) for m in STATISTIC.finditer(bare) if re.search(r"\d", m.group(0))]
    assert not found, f"numbers quoted without a placeholder (generate them): {found}"


def test_every_placeholder_has_a_value_and_a_format() -> None:
    numbers = guide_numbers.load_numbers()
    template = guide_numbers.TEMPLATE.read_text()
    used = set()
    for notebook, name, fmt in guide_numbers.PLACEHOLDER.findall(template):
        assert name in numbers.get(notebook, {}), f"{{{{{notebook}.{name}}}}}: no such number"
        assert (fmt or "text") in guide_numbers.FORMATS, fmt
        used.add((notebook, name))
    assert len(used) > 100  # the guide's numbers, not a handful


def test_claims_the_guide_makes_still_hold() -> None:
    claims = {
        f"{notebook}.{name}": value
        for notebook, values in guide_numbers.load_numbers().items()
        for name, value in values.items()
        if name.startswith("claim_")
    }
    assert len(claims) >= 5
    false = [name for name, value in claims.items() if value is not True]
    assert not false, f"the guide states these, the notebooks now disagree: {false}"


@pytest.mark.parametrize(
    ("fmt", "value", "text"),
    [
        ("pct", 0.0981, "9.8 %"),
        ("pct0", 0.04, "4 %"),
        ("r2", 0.412, ".41"),
        ("r3", 0.6021, ".602"),
        ("usd", 60821.1, "$60,821"),
        ("usd100", 60821.1, "$60,800"),
        ("usd100", -33492.6, "−$33,500"),
        ("sf2", 0.5234, "+0.52"),
        ("f2", -0.67, "−0.67"),
        ("int", 11229, "11,229"),
        ("words", "dollar_impact", "dollar impact"),
    ],
)
def test_formats(fmt: str, value, text: str) -> None:
    assert guide_numbers.FORMATS[fmt](value) == text


def test_render_names_a_missing_number() -> None:
    with pytest.raises(KeyError, match=r"notebook 01 prints no 'nope'"):
        guide_numbers.render("{{01.nope|pct}}", {"01": {}})
