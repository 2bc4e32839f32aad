"""Editors of the prospect form that Qt does not have as such.

* ``IndustryCombo``: the 97 GB/T 4754 divisions with their sections, searchable by any
  part of the name or by code (13, C13).
* ``OptionalDateEdit``: a date that may be unknown (shown as "—").
* ``CheckGrid``: checkable codes in columns (tags, source lists).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QGridLayout,
    QWidget,
)

from crm import resources
from crm.ui.common import fmt, labels

UNKNOWN_PREFIX = "?"  # an industry value that is typed text matching no division
EARLIEST = QDate(1900, 1, 1)


class IndustryCombo(QComboBox):
    valueChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(16)
        # A combo is as wide as its longest item unless told otherwise; the form must fit.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        self.addItem("", "")
        for division in resources.industries():
            self.addItem(labels.industry_long(division.code), division.code)
        completer = QCompleter(self.model(), self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText(self.tr("Type a name or a code, e.g. 五金 or 33"))
        self.currentTextChanged.connect(lambda _text: self.valueChanged.emit())

    def value(self) -> str:
        """The division code; "" when empty; "?text" when the text matches no division."""
        text = self.currentText().strip()
        if not text:
            return ""
        at = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if at > 0:
            return str(self.itemData(at))
        found = resources.industry(text)
        if found is not None:
            return found.code
        return UNKNOWN_PREFIX + text

    def set_value(self, value: str) -> None:
        if value.startswith(UNKNOWN_PREFIX):
            self.setEditText(value[len(UNKNOWN_PREFIX) :])
            return
        at = self.findData(value) if value else 0
        self.setCurrentIndex(max(at, 0))
        if at <= 0:
            self.setEditText("")


class OptionalDateEdit(QDateEdit):
    """A date edit whose earliest date means "not known" and shows as a dash."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setMinimumDate(EARLIEST)
        self.setMaximumDate(QDate(2100, 12, 31))
        self.setSpecialValueText("—")
        self.setDisplayFormat(fmt.day_edit_format())
        self.setDate(EARLIEST)

    def value(self) -> date | None:
        d = self.date()
        if d == EARLIEST:
            return None
        return date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        self.setDate(EARLIEST if value is None else QDate(value.year, value.month, value.day))


class CheckGrid(QWidget):
    """Codes as check boxes in ``columns`` columns; ``value`` is the checked codes in order."""

    valueChanged = Signal()

    def __init__(
        self, items: Sequence[tuple[str, str, str]], columns: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(16)
        layout.setVerticalSpacing(4)
        self.boxes: dict[str, QCheckBox] = {}
        for n, (code, text, tooltip) in enumerate(items):
            box = QCheckBox(text, self)
            box.setObjectName(f"check_{code}")
            if tooltip:
                box.setToolTip(tooltip)
            box.toggled.connect(lambda _on: self.valueChanged.emit())
            layout.addWidget(box, n // columns, n % columns)
            self.boxes[code] = box

    def value(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_value(self, codes: Sequence[str]) -> None:
        wanted = set(codes)
        for code, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(code in wanted)
            box.blockSignals(False)
        self.valueChanged.emit()

    def check_boxes(self) -> list[QCheckBox]:
        return list(self.boxes.values())
