"""Running database work off the UI thread (after Anki's QueryOp / CollectionOp).

``TaskRunner.read`` runs a function on a small reader pool; ``TaskRunner.write`` runs it on a
single writer thread, so writes happen one at a time in the order asked. Either way the
result (or the exception) is handed back on the UI thread to callbacks that belong to an
``owner`` widget; when the owner has been destroyed meanwhile, the result is dropped.

Known errors (``DomainError``: a refused move, a locked database) go to ``on_error`` when
given, else to a message box; anything else is a bug and goes to the crash handler.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from crm.domain.errors import DomainError

log = logging.getLogger(__name__)

# How long a task may run before the busy indicator shows (Anki shows its cursor at 300 ms).
BUSY_DELAY_MS = 300


@dataclass
class _Pending:
    owner: QObject
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, token: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._token = token
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # handed to the UI thread, never lost in a thread
            self._send(False, exc)
        else:
            self._send(True, result)

    def _send(self, ok: bool, payload: object) -> None:
        try:
            self._runner.finished.emit(self._token, ok, payload)
        except RuntimeError:
            # The runner is gone (the app is quitting): nobody is left to tell.
            log.debug("task %s finished after its runner was deleted", self._token)


class TaskRunner(QObject):
    """Background execution with results delivered on the UI thread."""

    # Emitted from worker threads; delivered (queued) to ``_deliver`` on the UI thread.
    finished = Signal(int, bool, object)
    busyChanged = Signal(bool)
    # A DomainError nobody handled: (owner, error). The window shows it.
    unhandledError = Signal(object, object)
    # A bug in a task: the crash handler shows it.
    crashed = Signal(object)

    def __init__(self, parent: QObject | None = None, readers: int = 3) -> None:
        super().__init__(parent)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(readers)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._tokens = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._owners: dict[int, set[int]] = {}
        self._busy = False
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_busy)
        self.finished.connect(self._deliver)

    # -- asking ----------------------------------------------------------------------------

    def read(
        self,
        owner: QObject,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run a read-only ``fn`` in the background; returns a token."""
        return self._start(self._readers, owner, fn, on_done, on_error)

    def write(
        self,
        owner: QObject,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run ``fn`` on the single writer thread (writes never overtake each other)."""
        return self._start(self._writer, owner, fn, on_done, on_error)

    def pending(self) -> int:
        return len(self._pending)

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until every running task has finished (at shutdown and in tests)."""
        ok = self._readers.waitForDone(msecs) and self._writer.waitForDone(msecs)
        return bool(ok)

    # -- internals -------------------------------------------------------------------------

    def _start(
        self,
        pool: QThreadPool,
        owner: QObject,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> int:
        token = next(self._tokens)
        self._pending[token] = _Pending(owner, on_done, on_error)
        key = id(owner)
        if key not in self._owners:
            self._owners[key] = set()
            if owner is not self:  # the runner's own tasks end with it
                owner.destroyed.connect(lambda *_args, k=key: self._forget_owner(k))
        self._owners[key].add(token)
        if not self._busy_timer.isActive() and not self._busy:
            self._busy_timer.start()
        pool.start(_Job(self, token, fn))
        return token

    def _forget_owner(self, key: int) -> None:
        for token in self._owners.pop(key, set()):
            self._pending.pop(token, None)
        with contextlib.suppress(RuntimeError):  # the runner itself is being destroyed
            self._update_busy()

    @Slot(int, bool, object)
    def _deliver(self, token: int, ok: bool, payload: object) -> None:
        pending = self._pending.pop(token, None)
        if pending is not None:
            tokens = self._owners.get(id(pending.owner))
            if tokens is not None:
                tokens.discard(token)
        self._update_busy()
        if pending is None:
            if not ok and not isinstance(payload, DomainError):
                log.error(
                    "a background task of a closed window failed",
                    exc_info=payload if isinstance(payload, BaseException) else None,
                )
            return
        if ok:
            if pending.on_done is not None:
                pending.on_done(payload)
            return
        assert isinstance(payload, BaseException)
        if isinstance(payload, DomainError):
            if pending.on_error is not None:
                pending.on_error(payload)
            else:
                self.unhandledError.emit(pending.owner, payload)
            return
        # A bug: report it, then let the caller put its widgets back (re-enable a button).
        self.crashed.emit(payload)
        if pending.on_error is not None:
            pending.on_error(payload)

    def _show_busy(self) -> None:
        if self._pending and not self._busy:
            self._busy = True
            self.busyChanged.emit(True)

    def _update_busy(self) -> None:
        if self._pending:
            return
        self._busy_timer.stop()
        if self._busy:
            self._busy = False
            self.busyChanged.emit(False)
