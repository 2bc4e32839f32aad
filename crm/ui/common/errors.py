"""Errors shown to people: known ones in a plain message, bugs in a crash dialog.

Following qutebrowser's misc/crashsignal.py and utils/qtlog.py: an excepthook logs every
unhandled exception and shows a dialog instead of a silent exit, and Qt's own messages are
routed into Python logging. An exception that ends a worker thread (``threading.excepthook``)
or escapes on one (Qt calling Python there) is logged on that thread and shown by the same
dialog on the UI thread: no widget is ever made off it.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QObject,
    QStandardPaths,
    QTimer,
    QtMsgType,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from crm.domain.clock import utcnow
from crm.domain.errors import DomainError, Message
from crm.i18n import describe, language

log = logging.getLogger("crm.ui")
qt_log = logging.getLogger("qt")


translate = QCoreApplication.translate


def app_title() -> str:
    return translate("Errors", "FirstLoan CRM")


def said(error: DomainError | Message) -> str:
    """A core message as a sentence for the UI: in the user's language, capitalised in
    English (a Chinese sentence that starts with a user name keeps the name as it is:
    'wangfang 的口令不正确', not 'Wangfang')."""
    text = describe(error)
    if language() != "en":
        return text
    return text[:1].upper() + text[1:] if text[:1].isascii() else text


def show_error(parent: QWidget | None, error: DomainError, title: str | None = None) -> None:
    """A refused action or a database problem, in the user's language."""
    QMessageBox.warning(parent, title or app_title(), said(error))


class _Relay(QObject):
    # An exception from another thread, delivered (queued) on the thread that made the relay.
    raised = Signal(object)


class CrashHandler:
    """Logs unhandled exceptions and shows them in a dialog (once at a time).

    Made on the UI thread: exceptions from other threads are handed to it there.
    """

    def __init__(self, log_file: Path | None = None) -> None:
        self.log_file = log_file
        self._showing = False
        self._last: BaseException | None = None
        self._previous = sys.excepthook
        self._previous_threading = threading.excepthook
        self._relay = _Relay()
        self._relay.raised.connect(self.report)

    def install(self) -> None:
        self._previous = sys.excepthook
        self._previous_threading = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook = self._previous
        threading.excepthook = self._previous_threading

    def excepthook(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt) and _on_ui_thread():
            QCoreApplication.quit()
            return
        if not _on_ui_thread():
            # Qt called Python on a worker thread and it raised (a slot, a QRunnable).
            self._from_thread(threading.current_thread().name, value, kind, tb)
            return
        log.critical("unhandled exception", exc_info=(kind, value, tb))
        self.report(value)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        """An exception ended a ``threading.Thread``: logged here, shown on the UI thread."""
        if args.exc_type is SystemExit:
            return  # a thread's way to end, as threading's own hook treats it
        name = args.thread.name if args.thread is not None else "?"
        self._from_thread(name, args.exc_value, args.exc_type, args.exc_traceback)

    def _from_thread(
        self,
        name: str,
        value: BaseException | None,
        kind: type[BaseException],
        tb: TracebackType | None,
    ) -> None:
        if value is None:
            log.critical("unhandled %s in thread %s", kind.__name__, name)
            return
        log.critical("unhandled exception in thread %s", name, exc_info=(kind, value, tb))
        # Queued to the relay's (the UI) thread. When the app is quitting the relay may be
        # gone: the log has it.
        with contextlib.suppress(RuntimeError):
            self._relay.raised.emit(value)

    def report(self, value: BaseException) -> None:
        """Show an exception nobody handled (on the UI thread; logged already)."""
        if isinstance(value, DomainError):
            # A known problem nobody caught: tell it plainly rather than as a crash.
            if QApplication.instance() is not None:
                show_error(QApplication.activeWindow(), value)
            return
        self.show(value)

    def show(self, error: BaseException) -> None:
        """The crash dialog for a bug (also used for failures in background tasks)."""
        if self._showing or QApplication.instance() is None or error is self._last:
            # The launcher and the window both hear the task runner: one dialog per error.
            return
        self._showing = True
        self._last = error
        try:
            details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
            box = QMessageBox(QApplication.activeWindow())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(app_title())
            box.setText(
                translate(
                    "Errors",
                    "Something went wrong inside FirstLoan CRM. Your saved data is safe; "
                    "the last action may not have completed.",
                )
            )
            if self.log_file is not None:
                box.setInformativeText(
                    translate(
                        "Errors",
                        "Details were written to {path}. Please send this file to IT support.",
                    ).format(path=self.log_file)
                )
            box.setDetailedText(details)
            box.setStandardButtons(QMessageBox.StandardButton.Ok)
            save = box.addButton(
                translate("Errors", "Save crash report…"), QMessageBox.ButtonRole.ActionRole
            )
            save.setObjectName("saveCrashReport")
            box.exec()
            if box.clickedButton() is save:
                self.save_report(error, box.parentWidget())
        finally:
            self._showing = False
            # Kept until the signal that brought it has reached every slot, not for longer
            # (it holds the frames of its traceback).
            QTimer.singleShot(0, self._forget)

    def save_report(self, error: BaseException, parent: QWidget | None) -> Path | None:
        """Ask where, then write the crash report there (see crash_report)."""
        from crm.ui.common.crash_report import write_crash_report

        stamp = utcnow().strftime("%Y%m%d-%H%M%S")
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        from PySide6.QtWidgets import QFileDialog  # not loaded before the first frame

        name, _ = QFileDialog.getSaveFileName(
            parent,
            translate("Errors", "Save crash report"),
            str(Path(folder) / f"firstloan-crash-{stamp}.zip"),
            translate("Errors", "Zip archives (*.zip)"),
        )
        if not name:
            return None
        faults = self.log_file.with_name("faults.log") if self.log_file is not None else None
        try:
            written = write_crash_report(Path(name), error, self.log_file, faults, utcnow())
        except OSError as exc:
            QMessageBox.warning(
                parent,
                app_title(),
                translate("Errors", "The report could not be saved: {reason}").format(
                    reason=exc.strerror or exc
                ),
            )
            return None
        QMessageBox.information(
            parent,
            app_title(),
            translate(
                "Errors",
                "The crash report was saved as {path}. Please send it to IT support; it holds "
                "no customer data.",
            ).format(path=written),
        )
        return written

    def _forget(self) -> None:
        self._last = None


def _on_ui_thread() -> bool:
    # The app's QApplication lives on Python's main thread (run_gui makes it there).
    return threading.current_thread() is threading.main_thread()


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def route_qt_messages() -> None:
    """Send Qt's warnings to our log file instead of a console nobody reads."""
    qInstallMessageHandler(_qt_message)
