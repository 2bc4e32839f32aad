"""How far a worker has got, and whether the user asked it to stop.

The worker writes; the UI reads it on a timer (Anki's progress works so too). No Qt object
crosses threads: a dialog closed while its worker runs leaves nothing for the worker to
reach, and the worker stops at its next look at ``cancelled``.
"""

from __future__ import annotations

import threading


class WorkProgress:
    """``done`` of ``total`` steps, set by the worker; ``cancel`` by the UI."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = 0
        self._total = 0
        self._stop = threading.Event()

    def report(self, done: int, total: int) -> None:
        """The worker's ``progress(done, total)`` callback."""
        with self._lock:
            self._done, self._total = done, total

    def read(self) -> tuple[int, int]:
        with self._lock:
            return self._done, self._total

    def cancel(self) -> None:
        self._stop.set()

    def cancelled(self) -> bool:
        """The worker's ``cancelled()`` callback."""
        return self._stop.is_set()
