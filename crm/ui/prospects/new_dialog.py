"""Adding a prospect (Ctrl+N): the same form as the detail, created through the service.

A USCC that is already in the book is caught twice: as the user types (the form says so
under the field, with a link to the existing prospect) and when creating (the service
refuses with DuplicateUSCC and the dialog offers to open the existing one instead).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QVBoxLayout, QWidget

from crm.domain.errors import DomainError
from crm.domain.prospect import InvalidProspect
from crm.services.detail_records import ProspectDetail
from crm.services.records import DuplicateUSCC
from crm.ui.common.context import UiContext
from crm.ui.common.errors import show_error
from crm.ui.prospects.detail_view import ask_open_existing
from crm.ui.prospects.form import ProspectForm


class NewProspectDialog(QDialog):
    created = Signal(str)
    openExisting = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newProspectDialog")
        self.ui = ui
        self._busy = False
        self.setWindowTitle(self.tr("New prospect"))
        self.resize(720, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.form = ProspectForm(ui, self)
        layout.addWidget(self.form, 1)
        self.form.openExisting.connect(self._open_existing)

        self.buttons = QDialogButtonBox(self)
        self.create_button = self.buttons.addButton(
            self.tr("Create"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setToolTip(self.tr("Create the prospect (Ctrl+S)"))
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        save = QAction(self)
        save.setShortcut(QKeySequence("Ctrl+S"))
        save.triggered.connect(self.submit)
        self.addActions([save, self.form.undo_action, self.form.redo_action])
        self.form.widgets["name"].setFocus()

    def submit(self) -> None:
        if self._busy:
            return
        self.form.validate_all()
        if not self.form.is_valid():
            self.form.focus_first_error()
            return
        draft = self.form.draft()
        service = self.ui.services.prospects
        self._set_busy(True)
        self.ui.tasks.write(self, lambda: service.create(draft), self._created, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.create_button.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _created(self, detail: ProspectDetail) -> None:
        self._set_busy(False)
        self.form.undo_stack.setClean()
        self.ui.events.prospectsChanged.emit([detail.id])
        self.created.emit(detail.id)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, DuplicateUSCC):
            if ask_open_existing(self, error):
                self._open_existing(error.existing_id)
        elif isinstance(error, InvalidProspect):
            self.form.show_errors(error.errors)
        elif isinstance(error, DomainError):
            show_error(self, error)

    def _open_existing(self, prospect_id: str) -> None:
        self.form.undo_stack.setClean()
        self.openExisting.emit(prospect_id)
        self.reject()

    # -- leaving ---------------------------------------------------------------------------

    def reject(self) -> None:
        if self.form.is_dirty() and not self._confirm_discard():
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.form.is_dirty() and not self._confirm_discard():
            event.ignore()
            return
        self.form.undo_stack.setClean()
        super().closeEvent(event)

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Discard the new prospect?"),
            self.tr("What you typed for this new prospect will be lost."),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Discard:
            self.form.undo_stack.setClean()
            return True
        return False
