"""The prospects behind a figure of the Team page, listed in a dialog; opening one shows it
on the Prospects page."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
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
from crm.services.team import ProspectLine
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said
from crm.ui.common.labels import stage as stage_name


class DrillDialog(QDialog):
    """A figure's prospects (read on a worker); double-click or Open shows one."""

    openProspect = Signal(str)
    loaded = Signal()

    def __init__(
        self,
        ui: UiContext,
        title: str,
        load: Callable[[], Sequence[ProspectLine]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("teamDrillDialog")
        self.setWindowTitle(title)
        self.resize(820, 520)
        self.lines: list[ProspectLine] = []
        layout = QVBoxLayout(self)
        self.heading = QLabel(title, self)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.status = QLabel(self.tr("Loading…"), self)
        layout.addWidget(self.status)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Prospect"),
                self.tr("Relationship manager"),
                self.tr("Stage"),
                self.tr("Next contact due"),
                self.tr("Last contact"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = QPushButton(self.tr("Open prospect"), self)
        self.open_button.setEnabled(False)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        ui.tasks.read(self, load, self._show, self._failed)

    def _show(self, lines: Sequence[ProspectLine]) -> None:
        self.lines = list(lines)
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            values = (
                line.name,
                line.rm or self.tr("Shared pool"),
                stage_name(line.stage),
                line.next_visit_due or "",
                line.last_contact_on or "",
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, line.prospect_id)
                self.table.setItem(row, column, item)
        self.status.setText(
            self.tr("{count} prospects").format(count=len(self.lines))
            if self.lines
            else self.tr("No prospects behind this figure.")
        )
        self.open_button.setEnabled(bool(self.lines))
        if self.lines:
            self.table.selectRow(0)
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, DomainError):
            self.status.setText(said(error))
        else:
            self.status.setText(self.tr("The list could not be read."))
        self.loaded.emit()

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.lines):
            self.openProspect.emit(self.lines[row].prospect_id)
