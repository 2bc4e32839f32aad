"""Errors shown to people: known ones in a plain message, bugs in a crash dialog.

Following qutebrowser's misc/crashsignal.py and utils/qtlog.py: an excepthook logs every
unhandled exception and shows a dialog instead of a silent exit, and Qt's own messages are
routed into Python logging.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from crm.domain.errors import DomainError, Message
from crm.i18n import describe

log = logging.getLogger("crm.ui")
qt_log = logging.getLogger("qt")


translate = QCoreApplication.translate


def app_title() -> str:
    return translate("Errors", "FirstLoan CRM")


def said(error: DomainError | Message) -> str:
    """A core message as a sentence for the UI: in the user's language, capitalised."""
    text = describe(error)
    return text[:1].upper() + text[1:] if text[:1].isascii() else text


def show_error(parent: QWidget | None, error: DomainError, title: str | None = None) -> None:
    """A refused action or a database problem, in the user's language."""
    QMessageBox.warning(parent, title or app_title(), said(error))


class CrashHandler:
    """Logs unhandled exceptions and shows them in a dialog (once at a time)."""

    def __init__(self, log_file: Path | None = None) -> None:
        self.log_file = log_file
        self._showing = False
        self._previous = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self.excepthook

    def uninstall(self) -> None:
        sys.excepthook = self._previous

    def excepthook(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QCoreApplication.quit()
            return
        log.critical("unhandled exception", exc_info=(kind, value, tb))
        if isinstance(value, DomainError):
            # A known problem nobody caught: tell it plainly rather than as a crash.
            if QApplication.instance() is not None:
                show_error(QApplication.activeWindow(), value)
            return
        self.show(value)

    def show(self, error: BaseException) -> None:
        """The crash dialog for a bug (also used for failures in background tasks)."""
        if self._showing or QApplication.instance() is None:
            return
        self._showing = True
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
            box.exec()
        finally:
            self._showing = False


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
