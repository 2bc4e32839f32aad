"""Full garbage collections while the user is not scrolling the list.

A full collection walks every object the cyclic collector tracks (start-up's are frozen:
see ``launch.freeze_startup_objects``), which takes longer than a frame. Left to Python,
one starts whenever enough objects have outlived younger collections, which in the
prospect list means every few thousand laid-out cells: in the middle of a scroll, where it
makes a frame late. Here Python keeps its quick young
collections, and the full ones wait until the list has not painted for a moment.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QTimer

IDLE_S = 1.0
CHECK_MS = 2000
# Python's own rule: a full collection after this many collections of the middle generation.
FULL_AFTER = 10
# A third threshold no count reaches: Python never starts a full collection itself.
NEVER = 1 << 30

_busy_at = 0.0


def note_busy(now: float | None = None) -> None:
    """The user is interacting (the list painted): no full collection just now."""
    global _busy_at
    _busy_at = time.monotonic() if now is None else now


class IdleCollector(QObject):
    """Runs the full collections Python would have run, once the list has been idle."""

    def __init__(
        self,
        parent: QObject | None = None,
        idle_s: float = IDLE_S,
        check_ms: int = CHECK_MS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.idle_s = idle_s
        self.clock = clock
        self.collections = 0
        young, middle, full = gc.get_threshold()
        # Python's schedule, as it was before any collector (another may have changed it).
        self._threshold = (young, middle, FULL_AFTER if full == NEVER else full)
        gc.set_threshold(young, middle, NEVER)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(check_ms)
        # Gone with its window (tests open many): Python's own schedule comes back.
        self.destroyed.connect(partial(gc.set_threshold, *self._threshold))

    def check(self) -> bool:
        """Collect in full if the young collections say it is due and the list is idle."""
        if gc.get_count()[2] < FULL_AFTER or self.clock() - _busy_at < self.idle_s:
            return False
        gc.collect(2)
        self.collections += 1
        return True

    def stop(self) -> None:
        """Give Python its own schedule back."""
        self._timer.stop()
        gc.set_threshold(*self._threshold)
