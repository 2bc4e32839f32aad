"""The Prospects page: the list, and one prospect's detail in its place when opened."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from crm.ui.common.context import UiContext
from crm.ui.prospects.list_view import ProspectListView
from crm.ui.shell.page import Page

if TYPE_CHECKING:
    from crm.ui.prospects.detail_view import ProspectDetailView
    from crm.ui.prospects.new_dialog import NewProspectDialog


class ProspectsPage(Page):
    key = "prospects"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.setObjectName("prospectsPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)
        self.list = ProspectListView(ui, self.stack)
        self.stack.addWidget(self.list)
        # The detail (a form of some forty fields) is made when first needed: the list
        # shows sooner at start without it.
        self._detail: ProspectDetailView | None = None
        self.new_dialog: NewProspectDialog | None = None

        self.list.openRequested.connect(self.open_prospect)
        self.list.newRequested.connect(self.new_prospect)
        self.list.message.connect(self.message)

    @property
    def detail(self) -> ProspectDetailView:
        if self._detail is None:
            from crm.ui.prospects.detail_view import ProspectDetailView

            self._detail = ProspectDetailView(self.ui, self.stack)
            self.stack.addWidget(self._detail)
            self._detail.backRequested.connect(self.show_list)
            self._detail.openRequested.connect(self.open_prospect)
            self._detail.message.connect(self.message)
        return self._detail

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("Navigation", "Prospects")

    def start(self) -> None:
        self.list.restore()

    def save_state(self) -> None:
        self.list.save_state()

    # -- navigation ------------------------------------------------------------------------

    def showing_detail(self) -> bool:
        return self._detail is not None and self.stack.currentWidget() is self._detail

    def open_prospect(self, prospect_id: str) -> None:
        """Show one prospect (asking first about unsaved changes of the one shown)."""

        def show() -> None:
            self.detail.load(prospect_id)
            self.stack.setCurrentWidget(self.detail)
            self.detail.form.widgets["name"].setFocus()

        if self.showing_detail() and self.detail.prospect_id != prospect_id:
            self.detail.guard(show)
        elif self.showing_detail():
            return
        else:
            show()

    def show_list(self) -> None:
        def back() -> None:
            self.stack.setCurrentWidget(self.list)
            self.list.table.setFocus()

        self.detail.guard(back) if self.showing_detail() else back()

    def guard(self, then: Callable[[], None]) -> None:
        if self.showing_detail():
            self.detail.guard(then)
        else:
            then()

    def has_unsaved_changes(self) -> bool:
        return self.showing_detail() and self.detail.is_dirty()

    def focus_search(self) -> None:
        if self.showing_detail():
            self.show_list()
            if self.showing_detail():
                return
        self.list.focus_search()

    def new_prospect(self) -> None:
        if self.new_dialog is not None:
            self.new_dialog.raise_()
            self.new_dialog.activateWindow()
            return
        from crm.ui.prospects.new_dialog import NewProspectDialog

        dialog = NewProspectDialog(self.ui, self)
        self.new_dialog = dialog
        dialog.created.connect(self._created)
        dialog.openExisting.connect(self.open_prospect)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: NewProspectDialog) -> None:
        if self.new_dialog is dialog:
            self.new_dialog = None
        dialog.deleteLater()

    def _created(self, prospect_id: str) -> None:
        self.message.emit(self.tr("Prospect created"))
        self.open_prospect(prospect_id)
