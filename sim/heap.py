"""How large numpy arrays are allocated while the engine runs (glibc's ``malloc``).

The engine works block by block: every block of 32,768 candidates allocates a
few arrays of 1-9 MB (the normals, their product with the loading matrix, the
perceived and written scores, the debrief's temporaries) and frees them again.
glibc serves blocks above its *mmap threshold* from ``mmap`` and, after one is
freed, raises that threshold (up to 32 MiB) and the *trim threshold* to twice
it; but a block frees ~30 MB, more than the adapted trim threshold, so the top
of the heap is returned to the system after every block and the next block's
arrays fault their pages in again. Measured with ``simulate`` on one million
AmEx candidates (one thread): 155,000 page faults and 0.6 s of system time in
1.65 s, against none and 1.0 s with the settings below.

:func:`prefer_heap` therefore sets the mmap threshold to 32 MiB and the trim
threshold to 64 MiB for the process, once the engine runs: arrays up to 32 MiB
come from heap memory that stays mapped (at most 64 MiB of it kept free), and
larger ones (a result's columns) still come from ``mmap`` and go back to the
system when freed. Setting either threshold turns glibc's adaptation off, so the
settings are kept rather than restored. Nothing changes where the C library is
not glibc, where the environment sets ``MALLOC_MMAP_THRESHOLD_`` or
``MALLOC_TRIM_THRESHOLD_`` (the user, or Dask's nanny, chose), or with
``HIRING_SIM_MALLOC=system``. Allocation never changes a computed number.
"""

from __future__ import annotations

import ctypes
import os
from typing import Any

__all__ = ["ENGINE_MMAP", "ENGINE_TRIM", "M_MMAP_THRESHOLD", "M_TRIM_THRESHOLD", "glibc",
           "prefer_heap"]  # fmt: skip

#: glibc's mallopt parameters (<malloc.h>).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
#: glibc's own ceiling of the adaptive mmap threshold (64-bit), and twice it.
ENGINE_MMAP, ENGINE_TRIM = 32 * 1024 * 1024, 64 * 1024 * 1024
#: Environment variables that leave the allocator as the user set it.
_CHOSEN = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")

_LIBC: Any = None


def glibc() -> Any:
    """The C library if it is glibc with ``mallopt`` (else ``None``: musl, macOS, Windows)."""
    global _LIBC
    if _LIBC is None:
        _LIBC = False
        try:  # the symbols already loaded into this process (no search for a library file)
            libc = ctypes.CDLL(None)
        except (OSError, TypeError):
            libc = None
        if libc is not None and all(
            hasattr(libc, f) for f in ("gnu_get_libc_version", "mallopt", "malloc_trim")
        ):
            _LIBC = libc
    return _LIBC or None


def prefer_heap() -> bool:
    """Keep the engine's block arrays in mapped heap memory (see the module docstring).

    Returns
    -------
    bool
        Whether the thresholds were set (False: not glibc, or the environment chose).

    Examples
    --------
    >>> isinstance(prefer_heap(), bool)
    True
    """
    if os.environ.get("HIRING_SIM_MALLOC", "") == "system" or any(
        v in os.environ for v in _CHOSEN
    ):
        return False
    libc = glibc()
    if libc is None:
        return False
    libc.mallopt(M_MMAP_THRESHOLD, ENGINE_MMAP)
    libc.mallopt(M_TRIM_THRESHOLD, ENGINE_TRIM)
    return True
