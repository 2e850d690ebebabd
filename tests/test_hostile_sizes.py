"""Issue 15 point 4: a huge ``--n`` is refused at once or streamed lazily, never listed.

Before the fix every chunk of a run was listed up front: ``--n 10**12`` spent 40 s and
1.3 GB before any work, and ``--n 10**15`` failed only under a memory cap.
"""

from __future__ import annotations

import tracemalloc

import pytest
from helpers import one_line_error
from helpers import run_cli as run

import sim
from sim.engine import BLOCK, MAX_CANDIDATES, iter_chunks


@pytest.mark.parametrize("n", [str(MAX_CANDIDATES + 1), "1000000000000000"])
def test_a_run_beyond_the_limit_is_one_line(n: str) -> None:
    proc = run("simulate", "--process", "amex_ai_pm_2026", "--n", n, "--seed", "1")
    one_line_error(proc, 1, "n")
    assert n[:6] in proc.stderr  # the value is quoted


def test_the_api_refuses_beyond_the_limit() -> None:
    process = sim.load_process("amex_ai_pm_2026")
    with pytest.raises(sim.SpecError, match="n"):
        sim.simulate(process, n=MAX_CANDIDATES + 1, rng=1)
    with pytest.raises(sim.SpecError, match="n"):
        next(iter_chunks(process, n=MAX_CANDIDATES + 1, rng=1))


def test_the_largest_run_starts_at_once_in_little_memory() -> None:
    """The first chunk of a 10**11-candidate run needs no more than one chunk's memory."""
    process = sim.load_process("amex_ai_pm_2026")
    small = sim.simulate(process, n=BLOCK, rng=1)  # chunks are whole blocks of candidates
    tracemalloc.start()
    try:
        chunks = iter_chunks(process, n=MAX_CANDIDATES, rng=1, chunk_size=4096)
        first = next(chunks)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert first.n == BLOCK and first.first_candidate == 0
    assert (first.hired == small.hired).all()  # the same candidates as a small run's start
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB for one chunk"


def test_simulate_in_memory_refuses_what_cannot_fit() -> None:
    """``simulate`` keeps everything: a run that cannot fit is refused before any work."""
    process = sim.load_process("amex_ai_pm_2026")
    with pytest.raises((sim.SpecError, MemoryError)):
        sim.simulate(process, n=MAX_CANDIDATES, rng=1)
