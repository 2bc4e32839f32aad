"""Possible duplicates from imports: the RM confirms (merge) or keeps them apart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.i18n import describe
from crm.services.imports.service import FlagInfo
from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.widgets import EmptyState


class DuplicatesDialog(QDialog):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDuplicates")
        self.ui = ui
        self.service = ui.services.imports
        self.flags: list[FlagInfo] = []
        self.setWindowTitle(self.tr("Possible duplicates from imports"))
        self.resize(820, 460)
        intro = QLabel(
            self.tr(
                "Rows of lists without a USCC whose name and district match a prospect already "
                "in the book. Confirm merges the imported record into the known one; Keep "
                "apart leaves both."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("duplicateFlags")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Imported record"), self.tr("Looks like"), self.tr("Imported")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = EmptyState(
            self.tr("No possible duplicates to check"),
            self.tr(
                "When a list without USCCs is imported, its rows whose name and district match "
                "a prospect already in the book wait here for you to merge or keep apart."
            ),
            parent=self,
        )
        self.empty.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.confirm_button = QPushButton(self.tr("Confirm: the same enterprise"), self)
        self.split_button = QPushButton(self.tr("Keep apart: different enterprises"), self)
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.split_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(lambda: self.settle(True))
        self.split_button.clicked.connect(lambda: self.settle(False))
        self.table.itemSelectionChanged.connect(self._selection)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._selection()
        self.reload()

    def reload(self) -> None:
        self.ui.tasks.read(self, self.service.flags, self._loaded, self._failed)

    def _loaded(self, flags: list[FlagInfo]) -> None:
        self.flags = flags
        self.table.setRowCount(len(flags))
        for row, flag in enumerate(flags):
            when = fmt.moment(flag.created_at, self.ui.zone)
            for column, text in enumerate((flag.prospect_name, flag.candidate_name, when)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, flag.id)
                self.table.setItem(row, column, item)
        if flags:
            self.table.selectRow(0)
        self.status.clear()
        self.table.setVisible(bool(flags))
        self.empty.setVisible(not flags)
        self._selection()

    def selected(self) -> FlagInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.flags[rows[0].row()] if rows else None

    def _selection(self) -> None:
        chosen = self.selected() is not None
        self.confirm_button.setEnabled(chosen)
        self.split_button.setEnabled(chosen)

    def settle(self, confirm: bool) -> None:
        flag = self.selected()
        if flag is None:
            return
        service = self.service

        def work() -> str:
            if confirm:
                return service.confirm_duplicate(flag.id)
            return service.split_duplicate(flag.id)

        self.confirm_button.setEnabled(False)
        self.split_button.setEnabled(False)

        def done(_kept: str) -> None:
            self.ui.events.prospectsChanged.emit([flag.prospect_id, flag.candidate_id])
            self.reload()

        self.ui.tasks.write(self, work, done, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(describe(error) if isinstance(error, DomainError) else str(error))
        self._selection()
