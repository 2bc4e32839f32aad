"""When to sync: on demand, at start-up, every few minutes while online, and soon after
coming back online (while offline it retries every ``retry`` seconds, cheaply).

A plain thread with plain callbacks (the GUI re-emits them as Qt signals on its own
thread); ``stop`` ends it between two syncs, or cancels the running one between pages.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from crm.domain.errors import DomainError
from crm.sync.engine import Cancelled, Progress, SyncSummary
from crm.sync.errors import DeviceRevokedError, SyncOfflineError

log = logging.getLogger(__name__)

INTERVAL = 300.0
RETRY = 30.0

OFFLINE = "offline"
SYNCING = "syncing"
SYNCED = "synced"
FAILED = "failed"
IDLE = "idle"


@dataclass(frozen=True)
class SyncState:
    """What the status indicator shows."""

    state: str
    progress: Progress | None = None
    summary: SyncSummary | None = None
    error: DomainError | None = None


class SyncScheduler:
    def __init__(
        self,
        run: Callable[[Callable[[Progress], None], threading.Event], SyncSummary],
        on_state: Callable[[SyncState], None],
        *,
        interval: float = INTERVAL,
        retry: float = RETRY,
        at_start: bool = True,
    ) -> None:
        self._run = run
        self._on_state = on_state
        self.interval = interval
        self.retry = retry
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._at_start = at_start
        self.busy = False

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="crm-sync", daemon=True)
        self._thread.start()

    def request(self) -> None:
        """Sync now (or right after the running one)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._cancel.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _emit(self, state: SyncState) -> None:
        try:
            self._on_state(state)
        except Exception:  # a broken listener must not end the sync thread
            log.exception("sync state listener failed")

    def _loop(self) -> None:
        wait = 0.0 if self._at_start else self.interval
        while not self._stop.is_set():
            if wait > 0:
                self._wake.wait(wait)
            if self._stop.is_set():
                return
            self._wake.clear()
            wait = self._once()

    def _once(self) -> float:
        self.busy = True
        self._cancel.clear()
        self._emit(SyncState(SYNCING))
        try:
            summary = self._run(lambda p: self._emit(SyncState(SYNCING, progress=p)), self._cancel)
        except Cancelled:
            return self.interval
        except SyncOfflineError as exc:
            self._emit(SyncState(OFFLINE, error=exc))
            return self.retry
        except DeviceRevokedError as exc:
            self._emit(SyncState(FAILED, error=exc))
            self._stop.set()
            return self.interval
        except DomainError as exc:
            self._emit(SyncState(FAILED, error=exc))
            return self.interval
        except Exception as exc:  # a bug: logged, shown, and the next round tries again
            log.exception("sync failed")
            self._emit(SyncState(FAILED, error=_bug(exc)))
            return self.interval
        finally:
            self.busy = False
        self._emit(SyncState(SYNCED, summary=summary))
        return self.interval


def _bug(exc: BaseException) -> DomainError:
    return DomainError(
        "sync.bug",
        "Sync failed unexpectedly ({detail}); see the log file.",
        detail=type(exc).__name__,
    )
