"""Seats in the room: at most ``capacity`` participants hold one at a time.

A participant is a key (the server's id of one open page); :meth:`Room.admit`
gives it a seat if one is free, :meth:`Room.leave` frees it. Pure Python and
thread-safe: the server handles every page in its own thread.
"""

from __future__ import annotations

import threading

__all__ = ["Room"]


class Room:
    """At most ``capacity`` seats, handed out first come, first served.

    Parameters
    ----------
    capacity : int
        Number of participants served at once (at least 1).

    Examples
    --------
    >>> room = Room(2)
    >>> room.admit("a"), room.admit("b"), room.admit("c")
    (True, True, False)
    >>> room.admit("a")  # a page that already has a seat keeps it
    True
    >>> room.leave("a")
    >>> room.admit("c"), room.occupied
    (True, 2)
    """

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be a whole number >= 1, got {capacity!r}")
        self.capacity = capacity
        self._seated: set[str] = set()
        self._lock = threading.Lock()

    def admit(self, key: str) -> bool:
        """Seat ``key`` if it is seated already or a seat is free; say whether it is."""
        with self._lock:
            if key in self._seated:
                return True
            if len(self._seated) >= self.capacity:
                return False
            self._seated.add(key)
            return True

    def leave(self, key: str) -> None:
        """Free the seat of ``key`` (nothing happens if it has none)."""
        with self._lock:
            self._seated.discard(key)

    def is_seated(self, key: str) -> bool:
        """Whether ``key`` holds a seat."""
        with self._lock:
            return key in self._seated

    @property
    def occupied(self) -> int:
        """Seats taken now."""
        with self._lock:
            return len(self._seated)
