"""Output files under faults (issue 15, points 3 and 8): signals, stale temporary files,
outputs checked before the work, a replaced file's mode and owner kept."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import default_signals

import sim
import sim.cli
import sim.io

#: A run that would take minutes: it is always stopped by a signal.
LONG_RUN = ["simulate", "--process", "amex_ai_pm_2026", "--n", "50000000", "--seed", "1"]
ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """``hiring-sim ARGS`` as a real subprocess, in its own session (a signal reaches it alone)."""
    return subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=default_signals,
    )


def temp_files(folder: Path) -> list[Path]:
    """Hidden files: temporary files of any naming (main's were ``.NAME.XXXXXXXX``)."""
    return sorted(p for p in folder.iterdir() if p.name.startswith("."))


def wait_for_temp(proc: subprocess.Popen[str], folder: Path, target: str) -> Path:
    """Wait until ``proc`` has created its temporary file for output ``target``."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        # (check_output's brief probe file ends in the bare tag: not this one)
        found = [
            p
            for p in temp_files(folder)
            if p.name.startswith(f".{target}.") and not p.name.endswith(".hiring-sim-tmp")
        ]
        if found:
            return found[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    raise AssertionError("no temporary file appeared")


@contextlib.contextmanager
def stopping(*procs: subprocess.Popen[str]):
    """Kill, by PID, whatever of ``procs`` is still running at the end."""
    try:
        yield
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGCONT)
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()


# --------------------------------------------------------------------------- point 3
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_remove_the_temporary_file(
    tmp_path: Path, signum: int, status: int
) -> None:
    proc = start(*LONG_RUN, "--out", "x.parquet", cwd=tmp_path)
    with stopping(proc):
        wait_for_temp(proc, tmp_path, "x.parquet")
        os.kill(proc.pid, signum)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    assert err.strip() == f"hiring-sim: terminated by {signal.Signals(signum).name}", err
    assert list(tmp_path.iterdir()) == []  # no temporary file, no partial output


def test_a_later_run_removes_stale_temporary_files_but_not_live_ones(tmp_path: Path) -> None:
    """After SIGKILL nothing can clean up; the next write into the folder removes the
    stale file, and leaves alone the file of a run still going (here: stopped)."""
    killed = start(*LONG_RUN, "--out", "killed.csv", cwd=tmp_path)
    with stopping(killed):
        stale = wait_for_temp(killed, tmp_path, "killed.csv")
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
    assert stale.exists()  # what SIGKILL leaves behind
    live = start(*LONG_RUN, "--out", "live.parquet", cwd=tmp_path)
    with stopping(live):
        live_temp = wait_for_temp(live, tmp_path, "live.parquet")
        os.kill(live.pid, signal.SIGSTOP)
        later = subprocess.run(
            [sys.executable, "-m", "sim.cli", "simulate", "--process", "amex_ai_pm_2026",
             "--n", "1000", "--out", "later.csv"],
            cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert later.returncode == 0, later.stderr
        assert not stale.exists()
        assert live_temp.exists()
        os.kill(live.pid, signal.SIGCONT)
        os.kill(live.pid, signal.SIGTERM)
        live.communicate(timeout=120)
    assert live.returncode == 143
    assert sorted(p.name for p in tmp_path.iterdir()) == ["later.csv"]


def test_remove_stale_temp_files_spares_what_is_not_stale(tmp_path: Path) -> None:
    from sim.output import remove_stale_temp_files

    old = time.time() - 3600  # before this process started
    names = {
        "stale": ".a.csv.abcdefgh.hiring-sim-tmp.csv",
        "new": ".b.csv.abcdefgh.hiring-sim-tmp.csv",  # may be a run that just started
        "locked": ".c.csv.abcdefgh.hiring-sim-tmp.csv",  # its writer is alive
        "other user": ".d.csv.abcdefgh.hiring-sim-tmp.csv",
        "not ours": ".e.csv.abcdefgh.tmp",
    }
    paths = {key: tmp_path / name for key, name in names.items()}
    for key, path in paths.items():
        path.write_text("partial")
        if key != "new":
            os.utime(path, (old, old))
    (tmp_path / ".f.csv.abcdefgh.hiring-sim-tmp.csv").symlink_to(paths["not ours"])
    os.utime(tmp_path / ".f.csv.abcdefgh.hiring-sim-tmp.csv", (old, old), follow_symlinks=False)
    if os.geteuid() == 0:
        os.chown(paths["other user"], 4321, 4321)
    else:
        paths["other user"].unlink()
    with open(paths["locked"]) as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        removed = remove_stale_temp_files(tmp_path)
    assert removed == [paths["stale"]]
    assert not paths["stale"].exists()
    assert all(p.exists() for k, p in paths.items() if k != "stale" and k != "other user")


# --------------------------------------------------------------------------- point 8
def test_an_output_that_is_a_folder_fails_before_the_work(tmp_path: Path) -> None:
    # Main ran the whole simulation first (here: minutes), then failed renaming into it.
    (tmp_path / "d.csv").mkdir()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "sim.cli", *LONG_RUN, "--out", "d.csv"],
            cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=90,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail("the run started instead of refusing --out at once")
    assert proc.returncode == 1
    assert proc.stderr == "hiring-sim: error: --out is a folder, not a file (got 'd.csv')\n"
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize(
    ("out", "fragment"),
    [
        ("nowhere/x.csv", "--out folder 'nowhere' does not exist"),
        ("file.txt/x.csv", "--out folder 'file.txt' is not a folder"),
        ("fifo.csv", "--out exists and is not a regular file"),
        ("", "--out needs a file name"),
        ("x" * 250 + ".csv", "--out cannot write in folder '.': File name too long"),
    ],
    ids=["missing folder", "folder is a file", "fifo", "empty", "name too long"],
)
def test_check_output_refuses_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, fragment: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("")
    os.mkfifo(tmp_path / "fifo.csv")
    with pytest.raises(sim.SpecError) as info:
        sim.io.check_output(out, (".csv", ".parquet"))
    assert fragment in str(info.value)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = sim.cli.main(
            ["simulate", "--process", "amex_ai_pm_2026", "--n", "10", "--out", out]
        )
    assert code == 1 and fragment in err.getvalue() and err.getvalue().count("\n") == 1
    assert temp_files(tmp_path) == []


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    sim.io.atomic_write(target, lambda tmp: tmp.write_text("new"))
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another user")
def test_a_replaced_file_keeps_its_owner(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    os.chown(target, 4321, 4322)
    os.chmod(target, 0o664)
    sim.io.atomic_write(target, lambda tmp: tmp.write_text("new"))
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (4321, 4322, 0o664)
