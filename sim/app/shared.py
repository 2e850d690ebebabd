"""One starting state for every page: the weight explorer's first compute, done once per process.

Every participant opens the app on the same process, pool size and seed, so
the weight explorer's first state (the simulated pool, its decisions, the
read-out and the decision-swing table) is the same on every page. Computing it
costs ~0.6 s of CPU on a quiet machine (``decision_swing`` re-decides the pool
twenty times), and ten pages opening at once would pay it ten times under one
interpreter lock. :class:`SharedStartExplorer` computes it once per
``(process, n, seed, bins)`` and starts every later page from it; the server
computes it before anyone arrives (``sim.app.page``). Only the first state is
shared: a participant's first move computes their own state as before.

The shared pieces are read, never written: a :class:`sim.result.Result` is a
frozen dataclass that :func:`sim.engine.redecide` copies, and each page gets its
own copy of the read-out dict and the decision-swing table.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ..widgets import WeightExplorer

__all__ = ["MAX_STARTS", "SharedStartExplorer", "clear_starts"]

#: First states by key: (process, pool, result, metrics, swing, note). The process is
#: kept in the value so its ``id`` in the key is not reused while the entry lives.
_STARTS: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_LOCK = threading.Lock()
#: First states kept (the oldest goes first): a server shows one process; tests build more.
MAX_STARTS = 4


def clear_starts() -> None:
    """Forget every shared first state (tests)."""
    with _LOCK:
        _STARTS.clear()


class SharedStartExplorer(WeightExplorer):
    """A :class:`sim.widgets.WeightExplorer` whose first state is computed once per process.

    Same parameters, state and numbers as a ``WeightExplorer``; the first
    compute of a given process object, pool size, seed, bin count and start
    settings is shared by every explorer built on them.

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> first = SharedStartExplorer(process, n=500, rng=3)
    >>> second = SharedStartExplorer(process, n=500, rng=3)
    >>> second.result is first.result, second.metrics == first.metrics
    (True, True)
    >>> second.set_state(threshold=8.0)
    >>> first.state["threshold"] != second.state["threshold"]
    True
    """

    _started = False

    def _start_key(self) -> tuple[Any, ...]:
        seed = self.seed
        return (
            id(self.process),
            self.n,
            self.bins,
            repr(seed.entropy),
            tuple(seed.spawn_key),
            seed.pool_size,
            json.dumps(self.state, sort_keys=True),
        )

    def _compute(self) -> None:
        if self._started:
            super()._compute()
            return
        self._started = True
        key = self._start_key()
        with _LOCK:  # ten pages arriving at once compute the first state once
            start = _STARTS.get(key)
            if start is None or start[0] is not self.process:
                super()._compute()
                while len(_STARTS) >= MAX_STARTS:
                    del _STARTS[next(iter(_STARTS))]
                _STARTS[key] = (
                    self.process,
                    self._pool,
                    self.result,
                    dict(self.metrics),
                    self.swing.copy(),
                    self.note,
                )
                return
        _, self._pool, self.result, metrics, swing, self.note = start
        self.metrics = dict(metrics)
        self.swing = swing.copy()
