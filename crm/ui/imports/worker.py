"""Running an import (or its preview) on a worker thread, with progress and Cancel.

The service checks the cancel flag between chunks and rolls everything back when it is
set; progress and the outcome come back as queued signals, so the UI thread only applies
them (Anki's progress.py: a flag the worker checks, the dialog never blocks). The threads
are the task runner's QThreadPools (crm.ui.common.tasks).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from crm.ui.common.tasks import TaskRunner

# A progress callback the service calls: (rows read so far, fraction of the file 0..1).
Progress = Callable[[int, float], None]
Cancelled = Callable[[], bool]


class JobSignals(QObject):
    progress = Signal(int, float)
    done = Signal(object)
    failed = Signal(object)


class ImportJob:
    """One background run of ``work(progress, cancelled)``; cancel() asks it to stop.

    It runs on the app's task runner: the import on its single writer thread (so edits made
    in the window meanwhile wait their turn instead of finding the database locked), the
    preview on a reader thread. Progress comes back through queued signals.
    """

    def __init__(self, work: Callable[[Progress, Cancelled], Any], parent: QObject) -> None:
        self.work = work
        self.owner = parent
        self.signals = JobSignals(parent)
        self._cancel = threading.Event()
        self.finished = threading.Event()

    def report(self, rows: int, fraction: float) -> None:
        self.signals.progress.emit(rows, fraction)

    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def _run(self) -> Any:
        try:
            return self.work(self.report, self.cancel_requested)
        finally:
            self.finished.set()

    def start(self, tasks: TaskRunner, *, writes: bool) -> None:
        submit = tasks.write if writes else tasks.read
        submit(self.owner, self._run, self.signals.done.emit, self.signals.failed.emit)

    def wait(self, seconds: float = 30.0) -> bool:
        return self.finished.wait(seconds)
