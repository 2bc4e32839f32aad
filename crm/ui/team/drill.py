"""The prospects behind a figure of the Team page, listed in a dialog; opening one shows it
on the Prospects page, and a lead can give the chosen ones to another of the team's RMs
(the same assignment as the prospect list's: one writer, an outbox op that syncs and that
head office checks)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.services.records import UserInfo
from crm.services.team import ProspectLine
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said
from crm.ui.common.labels import stage as stage_name
from crm.ui.prospects.bulk import UNASSIGN, AssignDialog
from crm.ui.team.excel import Sheet, write_workbook

Index = QModelIndex | QPersistentModelIndex


class LinesModel(QAbstractTableModel):
    """A drill-down's lines as text, column by column: the table asks for the cells it
    shows, so 2,000 lines cost no widget item each (the list opens in a third of the time)."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[list[str]] = []

    def set_rows(self, rows: list[list[str]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return self.rows[index.row()][index.column()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class DrillDialog(QDialog):
    """A figure's prospects (read on a worker); double-click or Open shows one."""

    openProspect = Signal(str)
    loaded = Signal()
    # Prospects given to another RM (their ids): the figures behind the list changed.
    reassigned = Signal(list)
    # The list written to Excel (its path).
    exported = Signal(str)

    def __init__(
        self,
        ui: UiContext,
        title: str,
        load: Callable[[], Sequence[ProspectLine]],
        parent: QWidget | None = None,
        rms: Sequence[UserInfo] = (),
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.load = load
        self.rms = list(rms)
        self.assign_dialog: AssignDialog | None = None
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
        self.table = QTableView(self)
        self.headers = [
            self.tr("Prospect"),
            self.tr("Relationship manager"),
            self.tr("Stage"),
            self.tr("Next contact due"),
            self.tr("Last contact"),
        ]
        self.model = LinesModel(self.headers, self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # The other columns' widths from the first lines: dates and names of a few words.
        header.setResizeContentsPrecision(200)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = QPushButton(self.tr("Open prospect"), self)
        self.open_button.setEnabled(False)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.reassign_button = QPushButton(self.tr("Reassign…"), self)
        self.reassign_button.setEnabled(False)
        self.reassign_button.setToolTip(self.tr("Give the chosen prospects to another RM"))
        buttons.addButton(self.reassign_button, QDialogButtonBox.ButtonRole.ActionRole)
        # After adding: the button box shows the buttons it is given.
        self.reassign_button.setVisible(bool(self.rms))
        self.reassign_button.clicked.connect(self.ask_reassign)
        self.excel_button = QPushButton(self.tr("Export to Excel…"), self)
        self.excel_button.setEnabled(False)
        buttons.addButton(self.excel_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.excel_button.clicked.connect(self.ask_excel)
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentIndex().row()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        ui.tasks.read(self, load, self._show, self._failed)

    def _show(self, lines: Sequence[ProspectLine]) -> None:
        self.lines = list(lines)
        self.model.set_rows([self._values(line) for line in self.lines])
        self.status.setText(
            self.tr("%Ln prospect(s)", "", len(self.lines))
            if self.lines
            else self.tr("No prospects behind this figure.")
        )
        self.open_button.setEnabled(bool(self.lines))
        self.reassign_button.setEnabled(bool(self.lines))
        self.excel_button.setEnabled(bool(self.lines))
        if self.lines:
            self.table.selectRow(0)
        self.loaded.emit()

    def _values(self, line: ProspectLine) -> list[str]:
        return [
            line.name,
            line.rm or self.tr("Shared pool"),
            stage_name(line.stage),
            line.next_visit_due or "",
            line.last_contact_on or "",
        ]

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, DomainError):
            self.status.setText(said(error))
        else:
            self.status.setText(self.tr("The list could not be read."))
        self.loaded.emit()

    def chosen_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.lines[r].prospect_id for r in rows if r < len(self.lines)]

    def ask_reassign(self) -> None:
        ids = self.chosen_ids()
        if not ids:
            return
        dialog = AssignDialog(len(ids), self.rms, self)
        dialog.chosen.connect(lambda rm: self.reassign(ids, None if rm == UNASSIGN else rm))
        self.assign_dialog = dialog
        dialog.open()

    def reassign(self, ids: list[str], rm_id: str | None) -> None:
        """Give ``ids`` to the RM ``rm_id`` (None: the shared pool), then read the list again."""
        prospects = self.ui.services.prospects
        self.status.setText(self.tr("Reassigning…"))
        self.reassign_button.setEnabled(False)
        self.ui.tasks.write(
            self,
            lambda: prospects.assign(ids, rm_id),
            lambda _moved: self._reassigned(ids),
            self._failed,
        )

    def _reassigned(self, ids: list[str]) -> None:
        self.ui.events.prospectsChanged.emit(ids)
        self.reassigned.emit(ids)
        self.ui.tasks.read(self, self.load, self._show, self._failed)

    def ask_excel(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Export to Excel"),
            str(Path.home() / "prospects.xlsx"),
            self.tr("Excel workbook (*.xlsx)"),
        )
        if path:
            self.export_excel(Path(path if path.lower().endswith(".xlsx") else path + ".xlsx"))

    def export_excel(self, target: Path) -> None:
        """Write the list shown to ``target`` on a worker; ``exported`` when done."""
        sheet = Sheet(
            self.windowTitle(),
            self.headers,
            ["text"] * len(self.headers),
            [self._values(line) for line in self.lines],
        )
        self.excel_button.setEnabled(False)
        self.ui.tasks.read(
            self,
            lambda: write_workbook(target, [sheet], self.ui.services.audit),
            lambda _none: self._exported(target),
            self._failed,
        )

    def _exported(self, target: Path) -> None:
        self.excel_button.setEnabled(True)
        self.status.setText(self.tr("Saved {path}").format(path=str(target)))
        self.exported.emit(str(target))

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.lines):
            self.openProspect.emit(self.lines[row].prospect_id)
