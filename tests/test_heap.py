"""The engine's block arrays come from mapped heap memory, not fresh page faults (sim.heap)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from sim import heap

pytestmark = pytest.mark.skipif(heap.glibc() is None, reason="glibc's mallopt is needed")

# A fresh process's first run of 600,000 AmEx candidates (19 blocks), counting minor page
# faults: with glibc's adaptive thresholds every block's ~30 MB of temporaries is trimmed
# off the heap and faulted in again (~5,000 faults a block; measured 100,000 in all), while
# a heap that stays mapped faults in its ~40 MB once (~10,000).
BLOCKS = 19
FAULTS = textwrap.dedent(
    f"""
    import resource
    import sim

    process = sim.load_process("amex_ai_pm_2026")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    result = sim.simulate(process, n={BLOCKS} * sim.engine.BLOCK, rng=1)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before, result.hired.sum())
    """
)


def _faults(**env: str) -> tuple[int, int]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "HIRING_SIM"))}
    out = subprocess.run(
        [sys.executable, "-c", FAULTS], env={**clean, **env}, capture_output=True, text=True,
        check=True, timeout=300,
    )  # fmt: skip
    faults, hired = out.stdout.split()
    return int(faults), int(hired)


def test_engine_blocks_do_not_fault_their_pages_in_again():
    tuned, hired = _faults()
    system, same_hired = _faults(HIRING_SIM_MALLOC="system")
    assert hired == same_hired  # allocation never changes a number
    assert system > BLOCKS * 2_000  # the cost this avoids is real here
    assert tuned < system / 4


def test_the_environment_keeps_its_own_choice(monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    assert heap.prefer_heap() is False
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    monkeypatch.setenv("HIRING_SIM_MALLOC", "system")
    assert heap.prefer_heap() is False
