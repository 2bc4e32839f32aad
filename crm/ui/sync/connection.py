"""Which head office this book syncs with, as whom, and where this computer keeps its device
token: the OS keyring, or (where no keyring works) a file only this user can read, whose
path is shown so IT can find and protect it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QWidget

if TYPE_CHECKING:
    # Only the type: the main window (and its settings dialog) import this module at start,
    # before the services (and SQLAlchemy) are loaded.
    from crm.services.sync import SyncStatus


def token_place(status: SyncStatus | None) -> str:
    """Where the device token is kept, in the user's language."""
    if status is None or not status.token_store:
        return QCoreApplication.translate(
            "SyncConnection", "Nowhere yet: this computer is not signed in to head office."
        )
    if status.token_store == "keyring":
        return QCoreApplication.translate(
            "SyncConnection", "In the system keyring (the operating system's password store)."
        )
    return QCoreApplication.translate(
        "SyncConnection",
        "In a file only your user account can read (this computer has no system keyring): {path}",
    ).format(path=status.token_file)


class ConnectionPanel(QFrame):
    """Head office's address, the user, and where the device token is kept."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncConnection")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.server = self._value()
        self.user = self._value()
        self.token = self._value()
        self.token.setObjectName("tokenPlace")
        form.addRow(QCoreApplication.translate("SyncConnection", "Head office:"), self.server)
        form.addRow(QCoreApplication.translate("SyncConnection", "Signed in as:"), self.user)
        form.addRow(QCoreApplication.translate("SyncConnection", "Device token:"), self.token)
        self.show_status(None)

    def _value(self) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def show_status(self, status: SyncStatus | None) -> None:
        self.server.setText(
            status.server_url
            if status and status.server_url
            else QCoreApplication.translate("SyncConnection", "not set up")
        )
        self.user.setText(
            (status.user_name or status.user_id or "—")
            if status and status.configured
            else QCoreApplication.translate("SyncConnection", "not signed in")
        )
        self.token.setText(token_place(status))
