"""Helpers shared by the test modules (pytest puts this folder on sys.path)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from scipy import stats

# Two-sided false-failure probability of one binomial comparison; with a few hundred
# comparisons in the suite the chance of any spurious failure stays below 1e-4.
ALPHA = 1e-7


def default_signals() -> None:
    """``preexec_fn`` of a CLI subprocess that a test interrupts: SIGINT, SIGTERM, SIGHUP as a
    terminal gives them. A suite started in the background (``cmd &``, ``nohup``) hands its
    children SIGINT or SIGHUP ignored, and the CLI rightly leaves ignored signals alone."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def assert_binomial(count: int, n: int, p: float) -> None:
    """``count`` successes out of ``n`` is consistent with probability ``p``."""
    low, high = stats.binom.interval(1 - ALPHA, n, p)
    assert low <= count <= high, f"{count}/{n} = {count / n:.5f} vs p = {p:.5f}"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``hiring-sim ARGS`` in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def one_line_error(proc: subprocess.CompletedProcess[str], code: int, fragment: str) -> None:
    """The run failed with ``code`` and one ``hiring-sim...: error:`` line naming ``fragment``."""
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("hiring-sim") and ": error: " in lines[0], lines[0]
    assert fragment in lines[0], lines[0]


def latent(process):
    """``process`` deciding on latent perceived scores (the Gaussian teaching model)."""
    from dataclasses import replace

    return replace(process, debrief=replace(process.debrief, aggregate="latent"))


# --------------------------------------------------------------------------- browsers
#: Debian's Chromium (never a downloaded browser), and how the browser tests start it.
CHROMIUM = Path(os.environ.get("HIRING_SIM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    """Skip (fail in CI) unless Chromium and Playwright are here."""
    reason = None
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} not found (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run in CI: {reason}")
    pytest.skip(f"browser test skipped: {reason}")
