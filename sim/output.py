"""Output files: checked before the work, written atomically, cleaned up after faults.

* :func:`check_output` refuses a bad output path (a folder, a missing folder, a
  wrong suffix, a folder one cannot write in) before any work is done.
* :func:`atomic_write` writes through a temporary file beside the target and
  renames it into place, keeping a replaced file's mode (and owner, where
  permitted). Its temporary files are named ``.NAME.XXXXXXXX.hiring-sim-tmp[.suffix]``
  and locked while in use; one that outlived its writer (killed by SIGKILL, or
  a power cut) is removed by the next write into that folder, once it is
  unlocked and older than the current process (so a concurrent run's file is
  never touched).
* :func:`exit_on_signals` turns SIGTERM and SIGHUP into a :class:`Terminated`
  exception, so they unwind (and clean up) like Ctrl-C does.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from .errors import Issue, SpecError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locks, no stale-file cleanup
    fcntl = None  # type: ignore[assignment]

__all__ = ["TEMP_TAG", "Terminated", "atomic_write", "check_output", "exit_on_signals"]

#: Marks this package's temporary files: ``.NAME.XXXXXXXX.hiring-sim-tmp[.suffix]``.
TEMP_TAG = ".hiring-sim-tmp"
_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}" + re.escape(TEMP_TAG) + r"(\.[^.]*)?$")
#: When this process started (as far as this package can tell): only temporary files
#: older than this can be stale; a newer one may belong to a run that just started.
_STARTED = time.time()


# --------------------------------------------------------------------------- checks
def check_output(
    path: str | os.PathLike[str], suffixes: Sequence[str] = (), *, label: str = "--out"
) -> Path:
    """Return ``path`` as a Path if a file can be written there, else raise SpecError.

    Call it before the work, so a bad ``--out`` fails at once, not after the run.

    Parameters
    ----------
    path : str or path-like
        The output file.
    suffixes : sequence of str, optional
        Allowed endings, e.g. ``(".csv", ".parquet")``; empty allows any.
    label : str
        What to call the path in messages (the CLI flag).

    Examples
    --------
    >>> check_output("/", (".csv",))
    Traceback (most recent call last):
    ...
    sim.errors.SpecError: --out must end in .csv (got '/')
    """
    text = os.fspath(path)
    target = Path(text)

    def refuse(message: str) -> SpecError:
        return SpecError([Issue("", f"{label} {message}", text)])

    if not text.strip():
        raise refuse("needs a file name")
    if suffixes and target.suffix not in suffixes:
        raise refuse(f"must end in {' or '.join(suffixes)}")
    folder = target.parent
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise refuse(f"folder {str(folder)!r} {what}")
    if target.is_dir():
        raise refuse("is a folder, not a file")
    if target.exists() and not target.is_file():
        raise refuse("exists and is not a regular file")
    try:  # the real test: can a temporary file be made (and renamed) here?
        handle, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_TAG, dir=folder)
    except OSError as exc:
        raise refuse(f"cannot write in folder {str(folder)!r}: {exc.strerror}") from None
    os.close(handle)
    os.unlink(probe)
    return target


# --------------------------------------------------------------------------- writing
def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    A failed or interrupted write leaves no file (and no partial one) at ``path``,
    and removes its temporary file; an existing file at ``path`` keeps its mode
    (and its owner and group where permitted). Stale temporary files of earlier
    runs in the same folder are removed first.
    """
    target = Path(path)
    folder = target.parent
    remove_stale_temp_files(folder)
    try:
        handle, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=TEMP_TAG + target.suffix, dir=folder
        )
    except OSError as exc:
        raise OSError(f"cannot write {str(target)!r}: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        if fcntl is not None:  # held until the end: tells other runs this file is live
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        write(tmp)
        _copy_mode(tmp, target)
        with open(tmp, "rb") as done:
            os.fsync(done.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)


def _copy_mode(tmp: Path, target: Path) -> None:
    """Give ``tmp`` the mode (and owner) of the file it replaces, or a new file's mode."""
    try:
        old = os.stat(target)
    except OSError:
        old = None
    if old is None or not stat.S_ISREG(old.st_mode):
        # mkstemp makes the file private; give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        return
    mine = os.stat(tmp)
    if (old.st_uid, old.st_gid) != (mine.st_uid, mine.st_gid):
        for uid, gid in ((old.st_uid, old.st_gid), (-1, old.st_gid)):
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(tmp, uid, gid)
                break
    os.chmod(tmp, stat.S_IMODE(old.st_mode))  # after chown, which clears set-id bits


def remove_stale_temp_files(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove this package's temporary files in ``folder`` whose writer is gone.

    A file is stale when it is named like one of :func:`atomic_write`'s, is a
    regular file owned by this user, is older than this process, and its
    writer's lock is free (a lock dies with its process, even under SIGKILL).

    Returns
    -------
    list of Path
        The files removed.
    """
    if fcntl is None:
        return []
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if _TEMP_NAME.match(entry.name) and _remove_if_stale(entry):
            removed.append(Path(entry.path))
    return removed


def _remove_if_stale(entry: os.DirEntry[str]) -> bool:
    """Remove ``entry`` if it is stale (see :func:`remove_stale_temp_files`)."""
    try:
        info = entry.stat(follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            return False
        if info.st_mtime >= _STARTED:
            return False
        handle = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # its writer is alive
        os.close(handle)
        return False
    try:
        os.unlink(entry.path)
    except OSError:
        return False
    finally:
        os.close(handle)
    return True


# --------------------------------------------------------------------------- signals
class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived; unwinds like KeyboardInterrupt (not caught by ``except
    Exception``), so temporary files are removed on the way out.

    Attributes
    ----------
    signum : int
        The signal.
    exit_status : int
        ``128 + signum``, what a shell reports for a process the signal ended.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.exit_status = 128 + signum
        super().__init__(f"terminated by {signal.Signals(signum).name}")


@contextlib.contextmanager
def exit_on_signals(signums: Iterable[int] = (signal.SIGTERM, signal.SIGHUP)) -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Terminated` in the main thread.

    Signals whose handler is not the default are left alone (``nohup`` ignores
    SIGHUP, and that stays so); outside the main thread this does nothing.
    The previous handlers are restored on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    mine = [s for s in signums if signal.getsignal(s) == signal.SIG_DFL]

    def handler(signum: int, frame: object) -> None:
        for other in mine:  # a second signal is ignored while the first unwinds
            signal.signal(other, signal.SIG_IGN)
        raise Terminated(signum)

    previous = {s: signal.signal(s, handler) for s in mine}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)
