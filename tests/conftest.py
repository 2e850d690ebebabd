"""Shared fixtures: the shipped presets, loaded once per session."""

from __future__ import annotations

import functools

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


@pytest.fixture
def latent_presets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Presets load with ``aggregate: latent``: for tests of the latent Gaussian model.

    Modules about the latent model's closed forms opt in with
    ``pytestmark = pytest.mark.usefixtures("latent_presets")`` (issue 10 made
    ``written`` every preset's aggregate).
    """
    from helpers import latent

    original = sim.io.load_process

    def load(name_or_path):
        return latent(original(name_or_path))

    monkeypatch.setattr(sim, "load_process", load)
    monkeypatch.setattr(sim.io, "load_process", load)
    # Debriefs the tests build by hand count latent scores too, unless they say otherwise.
    monkeypatch.setattr(sim, "Debrief", functools.partial(sim.spec.Debrief, aggregate="latent"))
