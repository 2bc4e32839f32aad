"""The status bar: database file, who is signed in, head-office connection, last sync."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QWidget

from crm.services.records import UserInfo
from crm.ui.common import labels
from crm.ui.common.icons import icon

ICON_SIZE = 14


def _with_icon(name: str, parent: QWidget) -> tuple[QWidget, QLabel]:
    box = QWidget(parent)
    row = QHBoxLayout(box)
    row.setContentsMargins(4, 0, 4, 0)
    row.setSpacing(4)
    picture = QLabel(box)
    picture.setPixmap(icon(name).pixmap(ICON_SIZE, ICON_SIZE))
    text = QLabel(box)
    row.addWidget(picture)
    row.addWidget(text)
    return box, text


class AppStatusBar(QStatusBar):
    def __init__(self, db_path: Path, user: UserInfo | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.busy = QLabel(self.tr("Working…"), self)
        self.busy.hide()
        self.addPermanentWidget(self.busy)

        box, self.database = _with_icon("database", self)
        self.database.setText(db_path.name)
        box.setToolTip(self.tr("Database: {path}").format(path=db_path))
        self.addPermanentWidget(box)

        box, self.user = _with_icon("user", self)
        self.user.setText(labels.user(user))
        box.setToolTip(self.tr("Signed in on this computer"))
        self.addPermanentWidget(box)

        box, self.connection = _with_icon("offline", self)
        self.connection.setText(self.tr("Not connected to head office"))
        box.setToolTip(
            self.tr(
                "Sync with head office is not set up yet: your changes are kept "
                "on this computer and queued for head office."
            )
        )
        self.addPermanentWidget(box)

        self.last_sync = QLabel(self.tr("Last sync: never"), self)
        self.addPermanentWidget(self.last_sync)

    def set_user(self, user: UserInfo | None) -> None:
        self.user.setText(labels.user(user))

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
