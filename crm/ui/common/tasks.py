"""Running database work off the UI thread (after Anki's QueryOp / CollectionOp).

``TaskRunner.read`` runs a function on a small reader pool; ``TaskRunner.write`` runs it on a
single writer thread, so writes happen one at a time in the order asked;
``TaskRunner.waiting`` runs work that waits on something other than the database (head
office over the network, the window's first frame) on a pool of its own. Either way the
result (or the exception) is handed back on the UI thread to callbacks that belong to an
``owner`` widget; when the owner has been destroyed meanwhile, the result is dropped.

This is the UI's one way to run work off its thread: no widget starts a thread itself.

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
# Threads for work that waits (see TaskRunner.waiting): the services loader, a sign-in.
WAITERS = 4


@dataclass
class _Pending:
    owner: QObject
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    quiet: bool = False  # not shown as busy (see TaskRunner.waiting)


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
        self._waiters = QThreadPool(self)
        self._waiters.setMaxThreadCount(WAITERS)
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

    def waiting(
        self,
        owner: QObject,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run ``fn``, which mostly waits on something else than the database, on a pool of
        its own: it neither holds one of the readers nor makes the writes queue behind it.

        For head office over the network (sign-in: up to a minute when it is slow) and for
        loading the services behind a window opened from the first look (it waits for the
        first frame, and tasks on the readers may be waiting for it). Not shown as busy:
        what waits here says so itself ("Signing in…"). What ``fn`` writes to the database
        must be small and its own transaction.
        """
        return self._start(self._waiters, owner, fn, on_done, on_error, quiet=True)

    def pending(self) -> int:
        return len(self._pending)

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until every running task has finished (at shutdown and in tests)."""
        ok = (
            self._readers.waitForDone(msecs)
            and self._writer.waitForDone(msecs)
            and self._waiters.waitForDone(msecs)
        )
        return bool(ok)

    # -- internals -------------------------------------------------------------------------

    def _start(
        self,
        pool: QThreadPool,
        owner: QObject,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        *,
        quiet: bool = False,
    ) -> int:
        token = next(self._tokens)
        self._pending[token] = _Pending(owner, on_done, on_error, quiet)
        key = id(owner)
        if key not in self._owners:
            self._owners[key] = set()
            if owner is not self:  # the runner's own tasks end with it
                owner.destroyed.connect(lambda *_args, k=key: self._forget_owner(k))
        self._owners[key].add(token)
        if not quiet and not self._busy_timer.isActive() and not self._busy:
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

    def _working(self) -> bool:
        return any(not p.quiet for p in self._pending.values())

    def _show_busy(self) -> None:
        if self._working() and not self._busy:
            self._busy = True
            self.busyChanged.emit(True)

    def _update_busy(self) -> None:
        if self._working():
            return
        self._busy_timer.stop()
        if self._busy:
            self._busy = False
            self.busyChanged.emit(False)
