"""The list's "Short name…" dialog: the short name (简称) shown on cards, chips and Today,
made from the registered name unless the RM writes their own here."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.domain.short_name import SHORT_NAME_MAX
from crm.services.records import ProspectRow
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said


class ShortNameDialog(QDialog):
    """Edits one prospect's short name; an empty box gives back the one made from its name."""

    saved = Signal(str)  # the prospect's id

    def __init__(self, ui: UiContext, row: ProspectRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortNameDialog")
        self.ui = ui
        self.row = row
        self.setWindowTitle(self.tr("Short name"))
        layout = QVBoxLayout(self)
        name = QLabel(row.name, self)
        name.setWordWrap(True)
        layout.addWidget(name)
        explain = QLabel(
            self.tr(
                "Shown on the board's cards, calendar chips and Today, where the registered "
                "name does not fit. Leave it empty to use the one made from the name."
            ),
            self,
        )
        explain.setWordWrap(True)
        explain.setProperty("muted", True)
        layout.addWidget(explain)
        # The list's rows leave short names out: the prospect's own is read here.
        self.edit = QLineEdit(row.short_name, self)
        self.edit.setObjectName("shortNameEdit")
        self.edit.setMaxLength(SHORT_NAME_MAX)
        self.edit.setClearButtonEnabled(True)
        layout.addWidget(self.edit)
        self.problem = QLabel(self)
        self.problem.setObjectName("fieldError")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, self.sizeHint().height())
        if not row.short_name:
            service = ui.services.prospects
            ui.tasks.read(self, lambda: service.get(row.id).short_name, self._current)

    def _current(self, short: str) -> None:
        if not self.edit.isModified():
            self.edit.setText(short)

    def save(self) -> None:
        text, pid = self.edit.text(), self.row.id
        service = self.ui.services.prospects
        self.ui.tasks.write(
            self, lambda: service.set_short_name(pid, text), self._done, self._failed
        )

    def _done(self, _detail: object) -> None:
        self.saved.emit(self.row.id)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, DomainError):
            raise error
        self.problem.setText(said(error))
        self.problem.show()
