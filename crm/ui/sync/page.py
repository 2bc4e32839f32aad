"""The sync page in the main window's navigation: which head office, as whom, where the
device token is kept, and the conflicts."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from crm.ui.common.context import UiContext
from crm.ui.common.labels import district as district_label
from crm.ui.shell.page import Page
from crm.ui.sync.conflicts import ConflictsView
from crm.ui.sync.connection import ConnectionPanel


class ConflictsPage(Page):
    key = "sync_conflicts"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.ui = ui
        self.connection = ConnectionPanel(self)
        self.view = ConflictsView(ui.services.sync, ui.tasks, self)
        self.view.district_name = lambda code: district_label(ui.district(code), code)
        self.view.changed.connect(lambda: ui.events.prospectsChanged.emit([]))
        self.view.syncRequested.connect(self.sync_now)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.connection)

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("ConflictsView", "Sync conflicts")

    def sync_now(self) -> None:
        """As File ▸ Sync now: the window's action (sync, or sign in first)."""
        action = getattr(self.window(), "sync_action", None)
        if action is not None and action.isEnabled():
            action.trigger()

    def start(self) -> None:
        self.view.reload()
        self.ui.tasks.read(self, self.ui.services.sync.status, self.connection.show_status)
