"""The status-bar indicator: not yet synced / syncing with progress / last sync today 09:30 /
offline with the changes waiting / n conflicts.

Clicking it syncs now (or opens the sign-in dialog when this computer is not registered),
as File ▸ Sync now (F9) does; the conflicts link opens the conflicts page.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from crm.domain.errors import DomainError
from crm.i18n import describe
from crm.ui.common import fmt
from crm.ui.common.icons import icon
from crm.ui.sync.controller import SyncView


class SyncIndicator(QWidget):
    syncRequested = Signal()
    signInRequested = Signal()
    conflictsRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(6)
        self.button = QToolButton(self)
        self.button.setAutoRaise(True)
        self.button.setIcon(icon("offline"))
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.clicked.connect(self._clicked)
        self.progress = QProgressBar(self)
        self.progress.setFixedWidth(90)
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.conflicts = QLabel(self)
        self.conflicts.setTextFormat(Qt.TextFormat.RichText)
        self.conflicts.linkActivated.connect(lambda _link: self.conflictsRequested.emit())
        self.conflicts.hide()
        row.addWidget(self.button)
        row.addWidget(self.progress)
        row.addWidget(self.conflicts)
        self.configured = False
        self.show_view(SyncView(None, None))

    def _clicked(self) -> None:
        if self.configured:
            self.syncRequested.emit()
        else:
            self.signInRequested.emit()

    def show_view(self, view: SyncView) -> None:
        status, state = view.status, view.state
        self.configured = bool(status and status.configured)
        self.progress.hide()
        if not self.configured:
            self.button.setIcon(icon("offline"))
            self.button.setText(self.tr("Not connected to head office"))
            self.button.setToolTip(self.tr("Sign in to head office to sync this book"))
        elif state is None:
            self._idle(status.last_sync if status else None)
        elif state.state == "syncing":
            self.button.setIcon(icon("refresh"))
            progress = state.progress
            if progress is not None and progress.total:
                self.progress.setRange(0, progress.total)
                self.progress.setValue(min(progress.done, progress.total))
                self.progress.show()
                self.button.setText(
                    self.tr("Syncing… {done}/{total}").format(
                        done=fmt.integer(progress.done), total=fmt.integer(progress.total)
                    )
                )
            else:
                self.progress.setRange(0, 0)
                self.progress.show()
                self.button.setText(self.tr("Syncing…"))
            self.button.setToolTip(self.tr("Sending changes to head office and receiving theirs"))
        elif state.state == "offline":
            self.button.setIcon(icon("offline"))
            waiting = status.pending if status else 0
            self.button.setText(self.tr("Offline — %Ln change(s) waiting", "", waiting))
            self.button.setToolTip(
                (describe(state.error) if state.error else "")
                + "\n"
                + self.tr("Changes are kept on this computer and sent when back online.")
            )
        elif state.state == "failed":
            self.button.setIcon(icon("offline"))
            self.button.setText(self.tr("Sync failed"))
            self.button.setToolTip(describe(state.error) if state.error else "")
        else:
            self._idle(status.last_sync if status else None)
        count = status.conflicts if status else 0
        if count and self.configured:
            self.conflicts.setText(
                '<a href="conflicts">' + self.tr("%Ln conflict(s)", "", count) + "</a>"
            )
            self.conflicts.show()
        else:
            self.conflicts.hide()

    def failure_message(self, error: DomainError, *, offline: bool = False) -> str:
        """Why a sync did not finish, for the status bar, and that nothing is lost (an
        offline error says so itself: "your changes are kept on this computer…")."""
        text = self.tr("Sync did not finish: {reason}").format(reason=describe(error))
        if offline:
            return text
        return text + " " + self.tr("Your changes stay on this computer until it does.")

    def _idle(self, last: datetime | None) -> None:
        self.button.setIcon(icon("database"))
        if last is None:
            self.button.setText(self.tr("Not synced yet"))
        else:
            self.button.setText(
                self.tr("Last sync: {time}").format(time=fmt.recent_moment(last, fmt.today()))
            )
        self.button.setToolTip(self.tr("Click to sync with head office now (F9)"))
