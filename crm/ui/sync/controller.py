"""The bridge between the plain-Python sync scheduler and Qt (after Electrum's
QtEventListener): the scheduler's callbacks arrive on its thread and are re-emitted as a
Qt signal, which Qt delivers on the UI thread. Its own work at start-up (reading the book's
sync status) runs on the window's task runner."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from crm.services.sync import SyncService, SyncState, SyncStatus
from crm.ui.common.tasks import TaskRunner

INTERVAL_S = 300.0


@dataclass(frozen=True)
class SyncView:
    """What the indicator shows: the scheduler's state and the book's sync status."""

    state: SyncState | None
    status: SyncStatus | None


class SyncController(QObject):
    changed = Signal(object)  # SyncView, delivered on the UI thread
    signedIn = Signal()

    def __init__(
        self,
        sync: SyncService,
        tasks: TaskRunner,
        parent: QObject | None = None,
        interval: float = INTERVAL_S,
    ) -> None:
        super().__init__(parent)
        self.sync = sync
        self.tasks = tasks
        self.interval = interval
        self.scheduler = sync.scheduler(self._on_state, interval=interval)
        self.started = False
        self.last = SyncView(None, None)
        self._lock = threading.Lock()

    def start(self) -> None:
        """Sync at start-up and every few minutes, if this computer is registered."""
        self.tasks.read(self, self._status, self._initial)

    def _initial(self, status: SyncStatus | None) -> None:
        self._emit(SyncView(None, status))
        if status is not None and status.configured:
            self._start_scheduler()

    def _start_scheduler(self) -> None:
        with self._lock:
            if not self.started:
                self.started = True
                self.scheduler.start()

    def sync_now(self) -> None:
        with self._lock:
            started = self.started
        if started:
            self.scheduler.request()
        else:
            self._start_scheduler()

    def stop(self) -> None:
        self.scheduler.stop()

    def _status(self) -> SyncStatus | None:
        try:
            return self.sync.status()
        except Exception:  # a locked database: show the state without the numbers
            return None

    def _on_state(self, state: SyncState) -> None:
        status = None if state.state == "syncing" and state.progress else self._status()
        self._emit(SyncView(state, status or self.last.status))

    def _emit(self, view: SyncView) -> None:
        self.last = view
        self.changed.emit(view)
