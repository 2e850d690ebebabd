"""Shared fixtures: the shipped presets, loaded once per session."""

from __future__ import annotations

import pytest

import sim


@pytest.fixture(scope="session")
def amex() -> sim.Process:
    """The reference process from the source article."""
    return sim.load_process("amex_ai_pm_2026")


@pytest.fixture(scope="session")
def amex_profiles(amex: sim.Process) -> dict[str, sim.Profile]:
    """The article's candidate profiles."""
    return sim.load_profiles("amex_ai_pm_2026", process=amex)


@pytest.fixture(scope="session")
def amazon() -> sim.Process:
    """A process with a veto holder."""
    return sim.load_process("amazon_style_loop")
