"""The wizard's first pages: the file and the list it is, then its columns."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crm.domain.errors import DomainError
from crm.i18n import describe
from crm.services.imports.service import FIELDS, FileInfo, ImportRequest
from crm.ui.imports import labels

if TYPE_CHECKING:
    from crm.ui.imports.wizard import ImportWizard

FILE_FILTER = "*.xlsx *.xls *.ods *.csv *.txt"
ENCODINGS = ("", "utf-8", "gbk", "gb18030")


def error_text(error: BaseException) -> str:
    return describe(error) if isinstance(error, DomainError) else str(error)


class WizardPage(QWizardPage):
    def owner(self) -> ImportWizard:
        wizard = self.wizard()
        assert wizard is not None
        return wizard  # type: ignore[return-value]


# --------------------------------------------------------------------------- 1. the file


class FilePage(WizardPage):
    """Which file, which list it is, and (for workbooks) which sheet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importFilePage")
        self.setTitle(self.tr("Choose the list to import"))
        self.setSubTitle(
            self.tr(
                "Excel (.xlsx, .xls), OpenDocument (.ods) and CSV files are read; the row with "
                "the column names is found even below titles and notes."
            )
        )
        self.info: FileInfo | None = None
        self._asked = 0
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText(self.tr("A list file from a government or bank system"))
        self.browse_button = QPushButton(self.tr("Browse…"), self)
        self.browse_button.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow(self.tr("File:"), row)
        self.source_box = QComboBox(self)
        self.source_box.setObjectName("importSource")
        for code, name in labels.source_choices():
            self.source_box.addItem(name, code)
        form.addRow(self.tr("Source list:"), self.source_box)
        self.sheet_box = QComboBox(self)
        self.sheet_box.setObjectName("importSheet")
        form.addRow(self.tr("Sheet:"), self.sheet_box)
        self.encoding_box = QComboBox(self)
        self.encoding_box.setObjectName("importEncoding")
        for code in ENCODINGS:
            text = labels.encoding_label(code) if code else self.tr("Detect automatically")
            self.encoding_box.addItem(text, code)
        form.addRow(self.tr("Text encoding:"), self.encoding_box)
        self.mapping_box = QComboBox(self)
        self.mapping_box.setObjectName("importMapping")
        for box in (self.source_box, self.sheet_box, self.encoding_box, self.mapping_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setMinimumContentsLength(24)
        form.addRow(self.tr("Saved columns:"), self.mapping_box)
        self.status = QLabel(self)
        self.status.setObjectName("importFileStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.path_edit.editingFinished.connect(self.inspect)
        self.sheet_box.activated.connect(lambda _i: self.inspect(keep_sheet=True))
        self.encoding_box.activated.connect(lambda _i: self.inspect(keep_sheet=True))
        self.mapping_box.activated.connect(lambda _i: self.inspect(keep_sheet=True))
        self.source_box.currentIndexChanged.connect(self._source_changed)

    def initializePage(self) -> None:
        last = self.owner().last_choices()
        at = self.source_box.findData(last.get("source", ""))
        if at >= 0:
            self.source_box.setCurrentIndex(at)
        self._wanted_mapping = str(last.get("mapping", ""))
        self._folder = str(last.get("folder", ""))
        self._source_changed()

    def browse(self) -> None:
        text = self.path_edit.text()
        start = str(Path(text).parent) if text else getattr(self, "_folder", "")
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a list"),
            start,
            self.tr("Lists ({patterns});;All files (*)").format(patterns=FILE_FILTER),
        )
        if name:
            self.set_path(name)

    def set_path(self, path: str) -> None:
        self.path_edit.setText(path)
        self.inspect()

    def source_code(self) -> str:
        return str(self.source_box.currentData() or "")

    def mapping_name(self) -> str | None:
        return self.mapping_box.currentData() or None

    def encoding(self) -> str | None:
        return self.encoding_box.currentData() or None

    def sheet(self) -> str | None:
        return self.sheet_box.currentText() or None

    def _source_changed(self) -> None:
        wizard = self.wizard()
        if wizard is None:
            return
        service = self.owner().service
        code = self.source_code()

        def load() -> list[str]:
            return [m.name for m in service.mappings(code)]

        self.owner().ui.tasks.read(self, load, self._mappings_loaded)

    def _mappings_loaded(self, names: list[str]) -> None:
        current = self.mapping_name() or getattr(self, "_wanted_mapping", "") or None
        self._wanted_mapping = ""
        self.mapping_box.clear()
        self.mapping_box.addItem(self.tr("(found from the headers)"), "")
        for name in names:
            self.mapping_box.addItem(name, name)
        if current in names:
            self.mapping_box.setCurrentIndex(self.mapping_box.findData(current))
        if self.info is not None and current != self.mapping_name():
            self.inspect(keep_sheet=True)

    def inspect(self, keep_sheet: bool = False, header_row: int | None = None) -> None:
        text = self.path_edit.text().strip()
        self.info = None
        self.completeChanged.emit()
        if not text:
            self.status.clear()
            return
        self._asked += 1
        asked = self._asked
        service = self.owner().service
        path = Path(text)
        sheet = self.sheet() if keep_sheet else None
        encoding, source, mapping = self.encoding(), self.source_code(), self.mapping_name()
        self.status.setText(self.tr("Reading {name}…").format(name=path.name))

        def work() -> FileInfo:
            return service.inspect(
                path,
                sheet=sheet,
                encoding=encoding,
                source_code=source,
                mapping_name=mapping,
                header_row=header_row,
            )

        self.owner().ui.tasks.read(
            self,
            work,
            lambda info: self._inspected(asked, info),
            lambda error: self._failed(asked, error),
        )

    def _inspected(self, asked: int, info: FileInfo) -> None:
        if asked != self._asked:
            return
        self.info = info
        self.sheet_box.blockSignals(True)
        self.sheet_box.clear()
        self.sheet_box.addItems(list(info.sheets))
        self.sheet_box.setCurrentText(info.sheet)
        self.sheet_box.setEnabled(len(info.sheets) > 1)
        self.sheet_box.blockSignals(False)
        self.encoding_box.setEnabled(info.format == "csv")
        known = sum(1 for c in info.columns if c.field)
        parts = [labels.format_label(info.format)]
        if info.format == "csv":
            parts.append(labels.encoding_label(info.encoding))
        elif info.sheet:
            parts.append(self.tr("sheet {sheet}").format(sheet=info.sheet))
        self._restyle(invalid=False)
        self.status.setText(
            self.tr(
                "{kind}: column names in row {row}; {known} of {count} columns recognised."
            ).format(
                kind=", ".join(parts), row=info.header_row, known=known, count=len(info.columns)
            )
        )
        self.owner().file_inspected(info)
        self.completeChanged.emit()

    def _failed(self, asked: int, error: BaseException) -> None:
        if asked != self._asked:
            return
        self.info = None
        self._restyle(invalid=True)
        self.status.setText(error_text(error))
        self.completeChanged.emit()

    def _restyle(self, invalid: bool) -> None:
        """Show the status as an error (red, the app's #fieldError style) or as plain text."""
        self.status.setObjectName("fieldError" if invalid else "importFileStatus")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def isComplete(self) -> bool:
        return self.info is not None and bool(self.source_code())


# --------------------------------------------------------------------------- 2. the columns


class ColumnsPage(WizardPage):
    """Each column of the file, an example of its values, and the field it fills."""

    headerRowChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importColumnsPage")
        self.setTitle(self.tr("Check the columns"))
        self.setSubTitle(
            self.tr(
                "Each column of the file and what it is imported into. Correct any that are "
                "wrong; a column set to “(not imported)” is left out."
            )
        )
        self.boxes: list[QComboBox] = []
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Column names are in row:"), self))
        self.header_spin = QSpinBox(self)
        self.header_spin.setObjectName("importHeaderRow")
        self.header_spin.setRange(1, 1000)
        self.header_spin.editingFinished.connect(self._header_row_edited)
        top.addWidget(self.header_spin)
        top.addStretch(1)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("importColumns")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Column in the file"), self.tr("Examples"), self.tr("Imported into")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        save = QHBoxLayout()
        save.addWidget(QLabel(self.tr("Save these columns for this list as:"), self))
        self.preset_edit = QLineEdit(self)
        self.preset_edit.setObjectName("importPresetName")
        self.preset_edit.setPlaceholderText(self.tr("e.g. 园区名单格式"))
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("importSavePreset")
        self.save_button.clicked.connect(self.save_preset)
        save.addWidget(self.preset_edit, 1)
        save.addWidget(self.save_button)
        self.hint = QLabel(self)
        self.hint.setObjectName("fieldHint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addLayout(save)

    def initializePage(self) -> None:
        info = self.owner().info
        if info is not None:
            self.show_info(info)

    def show_info(self, info: FileInfo) -> None:
        self.header_spin.blockSignals(True)
        self.header_spin.setValue(info.header_row)
        self.header_spin.blockSignals(False)
        if info.mapping_name:
            self.preset_edit.setText(info.mapping_name)
        self.table.setRowCount(len(info.columns))
        self.boxes = []
        for row, column in enumerate(info.columns):
            head = QTableWidgetItem(column.header or self.tr("(column {n})").format(n=row + 1))
            examples = "；".join(s for s in column.samples if s)
            sample = QTableWidgetItem(examples)
            sample.setToolTip("\n".join(s for s in column.samples if s))
            self.table.setItem(row, 0, head)
            self.table.setItem(row, 1, sample)
            box = QComboBox(self.table)
            box.addItem(labels.field_label(None), None)
            for name in FIELDS:
                box.addItem(labels.field_label(name), name)
            box.setCurrentIndex(max(box.findData(column.field), 0))
            box.currentIndexChanged.connect(lambda _i: self._changed())
            self.table.setCellWidget(row, 2, box)
            self.boxes.append(box)
        self._changed()

    def fields(self) -> tuple[str | None, ...]:
        return tuple(box.currentData() for box in self.boxes)

    def _changed(self) -> None:
        chosen = set(self.fields())
        if not ({"name", "uscc"} & chosen):
            self.hint.setText(
                self.tr("Choose the column with the enterprise name or its USCC to go on.")
            )
        elif "name" not in chosen:
            self.hint.setText(
                self.tr(
                    "No column holds the name: rows of enterprises not yet in the book "
                    "will be rejected."
                )
            )
        else:
            self.hint.clear()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool({"name", "uscc"} & set(self.fields()))

    def _header_row_edited(self) -> None:
        info = self.owner().info
        if info is not None and self.header_spin.value() != info.header_row:
            self.owner().file_page.inspect(keep_sheet=True, header_row=self.header_spin.value())

    def save_preset(self) -> None:
        info = self.owner().info
        name = self.preset_edit.text().strip()
        if info is None or not name:
            self.preset_edit.setFocus()
            return
        service, source = self.owner().service, self.owner().file_page.source_code()
        fields, row = self.fields(), self.header_spin.value()
        headers = info.headers
        self.save_button.setEnabled(False)

        def done(_result: object) -> None:
            self.save_button.setEnabled(True)
            self.hint.setText(self.tr("Saved as “{name}”.").format(name=name))
            self.owner().file_page._source_changed()

        def failed(error: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.hint.setText(error_text(error))

        self.owner().ui.tasks.write(
            self, lambda: service.save_mapping(source, name, headers, fields, row), done, failed
        )


def request_for(page: FilePage, columns: ColumnsPage, info: FileInfo) -> ImportRequest:
    return ImportRequest(
        Path(info.path),
        source_code=page.source_code(),
        sheet=info.sheet or None,
        encoding=info.encoding if info.format == "csv" else None,
        header_row=info.header_row,
        fields=columns.fields() if columns.boxes else info.fields,
        mapping_name=page.mapping_name(),
    )
