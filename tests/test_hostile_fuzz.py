"""Fuzz (issue 15, done-when): 1,000 hostile documents made from the presets.

Every document is either accepted or refused with a good ``SpecError`` (one line per
issue, each naming the file), within 2 s of CPU time; every accepted one then runs
through every CLI command in-process (``sim.cli.main``), where the only allowed outcomes
are success or a one-line error from a ``SpecError`` or ``CommandError``.

There is no allow-list: a crash of an accepted document in any command fails the test.
"""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from fuzzdocs import Outcome, check_document, documents, issue_documents, presets_command

N_DOCUMENTS = 1_000
SEED = 15
CPU_BUDGET = 2.0  # seconds of CPU per document (CPU, not wall: the machine may be shared)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    folder = tmp_path_factory.mktemp("fuzz")
    seen: set[str] = set()
    docs = itertools.chain(issue_documents(), documents(N_DOCUMENTS, SEED))
    return [check_document(doc, folder, seen) for doc in docs]


def failures(outcomes: list[Outcome]) -> list[tuple[str, str, str]]:
    """Every bad outcome: (document label, "load" or the command, detail)."""
    found = []
    for outcome in outcomes:
        if outcome.status == "bad":
            found.append((outcome.document.label, "load", outcome.detail))
        for command, status, detail in outcome.commands:
            if status == "bad":
                found.append((outcome.document.label, command, detail))
    return found


def test_fuzz_outcomes_are_success_or_one_clean_line(outcomes: list[Outcome]) -> None:
    assert len(outcomes) >= N_DOCUMENTS
    unexpected = failures(outcomes)
    assert not unexpected, "\n".join(f"{label} | {where} | {detail}" for label, where, detail in
                                     unexpected)  # fmt: skip
    # The fuzz is not degenerate: it accepts and refuses, and every command ran.
    statuses = Counter(o.status for o in outcomes)
    assert statuses["accepted"] >= 50 and statuses["clean"] >= 500, statuses
    ran = {command for o in outcomes for command, status, _ in o.commands if status == "ok"}
    assert ran == {"validate", "simulate", "what-if", "debrief", "compare-rules", "sway", "audit"}
    assert presets_command() == ("ok", "")


def test_fuzz_every_document_within_two_seconds(outcomes: list[Outcome]) -> None:
    worst = max(outcomes, key=lambda o: o.cpu_seconds)
    assert worst.cpu_seconds < CPU_BUDGET, (worst.document.label, worst.cpu_seconds)
