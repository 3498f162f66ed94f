"""An injectable clock: real time by default, movable forward in tests."""

from __future__ import annotations

import threading
import time


class Clock:
    """Seconds since the epoch plus an offset that :meth:`advance` grows.

    ``Clock()`` follows real time; ``Clock(start=1_700_000_000.0)`` stands still at *start*
    and moves only when advanced.
    """

    def __init__(self, start: float | None = None) -> None:
        self._start = start
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current time in epoch seconds."""
        with self._lock:
            base = time.time() if self._start is None else self._start
            return base + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward (token expiry, the 2029 window, the 24-hour payment life)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
