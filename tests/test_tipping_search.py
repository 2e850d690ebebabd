"""The tipping-point search: monotone lines, the batched refiner, and the same answers.

- ``line_laws.monotone_along`` claims a hire probability cannot fall along a
  line; on every preset, profile and competency (written and labels) the exact
  law on a fine grid agrees, and a seat whose lattice falls is not claimed;
- ``_roots.refine_batched`` finds the roots Brent's method finds, on smooth
  functions, on tails that reach 0 and 1 exactly, and on a step function (a
  noiseless rater), in few calls;
- the monotone search (one end, then the refiner) gives the tipping levels of
  the grid search it replaces, and its levels give 50 %.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import optimize, special

import sim
from sim.analysis import _roots, profile
from sim.closed_form import lattice
from sim.closed_form import lines as line_laws
from sim.model import compile_model

PRESETS = ["amazon_style_loop", "amex_ai_pm_2026", "google_style_committee"]


def _cases():
    for name in PRESETS:
        base = sim.load_process(name)
        for aggregate in ("written", "labels"):
            process = replace(base, debrief=replace(base.debrief, aggregate=aggregate))
            for label, prof in sim.load_profiles(name, process=base).items():
                yield pytest.param(process, prof, id=f"{name}-{aggregate}-{label}")


@pytest.mark.parametrize(("process", "prof"), list(_cases()))
def test_monotone_lines_do_not_fall(process, prof):
    m = compile_model(process)
    mean = m.perceived_mean(prof.theta(process), prof.framing)
    lines = line_laws.hire_lines(process, mean, m.A)
    t = np.linspace(-2.5, 2.5, 41)
    for k, line in enumerate(lines):
        sign = line_laws.monotone_along(process, m.A[k])
        assert sign == 1  # shipped rules and loadings: every line rises
        assert np.all(np.diff(line(t)) >= -1e-12)
        assert line_laws.monotone_along(process, -m.A[k]) == -1
    mixed = m.A[0] - m.A[1]
    if np.any(mixed > 0) and np.any(mixed < 0):
        assert line_laws.monotone_along(process, mixed) == 0


def test_a_falling_seat_is_not_called_monotone():
    process = sim.load_process("amex_ai_pm_2026")
    built = lattice._structure(process)
    seat = built.seats[0]
    falling = replace(seat, lattice=seat.lattice[::-1].copy(), increasing=False)
    broken = replace(built, seats=(falling, *built.seats[1:]))
    lattice._CACHE[process] = broken
    try:
        assert line_laws.monotone_along(process, compile_model(process).A[0]) == 0
    finally:
        lattice._CACHE[process] = built
    # The flag itself comes from the seat's tables: recompute it for every seat.
    for seat in built.seats:
        grid = (built.levels.size,) * seat.slots.size
        rises = all(
            np.all(np.diff(table.reshape(grid), axis=axis) >= 0)
            for table in (seat.lattice, seat.passes.astype(int))
            for axis in range(seat.slots.size)
        )
        assert seat.increasing == bool(rises)


class _Counted:
    """A batched function that counts its calls."""

    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, x):
        self.calls += 1
        return self.f(np.asarray(x, dtype=float))


@pytest.mark.parametrize(
    ("f", "a", "b"),
    [
        (lambda x: special.ndtr((x - 0.3) / 0.2), -2.0, 2.0),
        (lambda x: 1 / (1 + np.exp(-(x - 1.1) / 0.05)), 0.0, 3.0),
        (lambda x: special.ndtr(3 * np.sin(x)), -1.0, 1.2),
        # tails that are exactly 0 and 1 (the probit is infinite there)
        (lambda x: np.clip((x + 0.4) / 0.5, 0.0, 1.0) ** 2, -2.0, 2.0),
    ],
)
@pytest.mark.parametrize("target", [0.5, 0.1, 0.93])
def test_refine_batched_finds_brents_root(f, a, b, target):
    counted = _Counted(f)
    fa, fb = float(f(np.array([a]))[0]), float(f(np.array([b]))[0])
    root = _roots.refine_batched(counted, (a, b), (fa, fb), target)
    want = optimize.brentq(lambda x: float(f(np.array([x]))[0]) - target, a, b, xtol=1e-14)
    assert abs(float(f(np.array([root]))[0]) - target) < 1e-8
    assert root == pytest.approx(want, abs=1e-7)
    assert counted.calls <= 8


def test_refine_batched_on_a_step_function_brackets_the_jump():
    step = _Counted(lambda x: (x >= 0.37).astype(float))
    root = _roots.refine_batched(step, (-1.0, 2.0), (0.0, 1.0), 0.5)
    assert abs(root - 0.37) < 1e-8
    assert step.calls <= 16


@pytest.mark.parametrize(("process", "prof"), list(_cases())[::3])
def test_monotone_search_gives_the_grid_searchs_levels(process, prof, monkeypatch):
    fast = profile.tipping_points(process, prof)
    monkeypatch.setattr(profile, "monotone_along", lambda *_: 0)  # the grid on both sides
    grid = profile.tipping_points(process, prof)
    assert list(fast["status"]) == list(grid["status"])
    np.testing.assert_allclose(fast["tipping_level"], grid["tipping_level"], atol=1e-8)
    for name, row in fast.iterrows():
        if not math.isnan(row["tipping_level"]):
            moved = prof.with_levels(**{name: row["tipping_level"]})
            assert sim.hire_probability(process, moved).hire == pytest.approx(0.5, abs=1e-8)
