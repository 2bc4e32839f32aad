"""Idle time by the app's clock: every keyboard, mouse, wheel or touch event anywhere in the
application counts as activity; a timer compares the time since the last one with the
limit. The clock is the app's (crm.domain.clock through the services), so a test or a demo
on another day moves idle time the way it moves everything else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

# How often the idle time is looked at: a lock comes at most this late.
TICK_MS = 1000
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
    }
)


class IdleWatch(QObject):
    """Says ``idle`` once the app has had no input for ``limit()``; ``clock()`` gives the
    time, or None while it cannot be read yet (the services still loading): no idle time
    is counted then."""

    idle = Signal()

    def __init__(
        self,
        clock: Callable[[], datetime | None],
        limit: Callable[[], timedelta],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.limit = limit
        self.last: datetime | None = None
        self.paused = False
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self._filtering = False

    def listen(self) -> None:
        """Hear the application's input from now on. The owner calls it once its window has
        painted: a Python filter on every event would slow the start-up's own events."""
        app = QApplication.instance()
        if app is not None and not self._filtering:
            app.installEventFilter(self)
            self._filtering = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self.touch()
        return False

    def touch(self) -> None:
        """Activity now: idle time starts again."""
        self.last = self.clock()

    def check(self) -> None:
        if self.paused:
            return
        now = self.clock()
        if now is None:
            return
        if self.last is None:
            self.last = now
            return
        if now - self.last >= self.limit():
            self.paused = True
            self.idle.emit()

    def resume(self) -> None:
        """Count idle time again, from now (after an unlock)."""
        self.paused = False
        self.touch()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None and self._filtering:
            app.removeEventFilter(self)
            self._filtering = False
