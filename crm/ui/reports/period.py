"""Choosing the period of a report: a named one (today, this week, last month…) or any two
days, with the first never after the last."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from crm.ui.common import fmt

CUSTOM = "custom"
PRESETS = (
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_quarter",
    "this_year",
)


def preset_period(name: str, today: date) -> tuple[date, date]:
    """The days of a named period, as of ``today`` (a current period ends today)."""
    if name == "yesterday":
        day = today - timedelta(days=1)
        return day, day
    if name == "this_week":
        return today - timedelta(days=today.weekday()), today
    if name == "last_week":
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if name == "this_month":
        return today.replace(day=1), today
    if name == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if name == "this_quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if name == "this_year":
        return date(today.year, 1, 1), today
    return today, today


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class PeriodPicker(QWidget):
    """A named period or two days; ``changed`` after either changes."""

    changed = Signal()

    def __init__(
        self,
        today: date,
        preset: str = "today",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.today = today
        names = {
            "today": self.tr("Today"),
            "yesterday": self.tr("Yesterday"),
            "this_week": self.tr("This week"),
            "last_week": self.tr("Last week"),
            "this_month": self.tr("This month"),
            "last_month": self.tr("Last month"),
            "this_quarter": self.tr("This quarter"),
            "this_year": self.tr("This year"),
            CUSTOM: self.tr("Other days"),
        }
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.preset = QComboBox(self)
        for name in (*PRESETS, CUSTOM):
            self.preset.addItem(names[name], name)
        self.start = self._day_edit()
        self.end = self._day_edit()
        row.addWidget(self.preset)
        row.addWidget(self.start)
        row.addWidget(QLabel(self.tr("to"), self))
        row.addWidget(self.end)
        row.addStretch(1)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.start.dateChanged.connect(lambda _d: self._day_edited(self.start))
        self.end.dateChanged.connect(lambda _d: self._day_edited(self.end))
        self.preset.setCurrentIndex(max(self.preset.findData(preset), 0))
        self._preset_chosen()

    def _day_edit(self) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(fmt.day_edit_format())
        return edit

    def period(self) -> tuple[date, date]:
        return _day(self.start.date()), _day(self.end.date())

    def set_period(self, start: date, end: date) -> None:
        """Show these days (as "other days" unless a named period has them)."""
        self._set_days(start, end)
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData(self._name_of(start, end)))
        self.preset.blockSignals(False)
        self.changed.emit()

    def _name_of(self, start: date, end: date) -> str:
        return next((n for n in PRESETS if preset_period(n, self.today) == (start, end)), CUSTOM)

    def _set_days(self, start: date, end: date) -> None:
        for edit, value in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(fmt.qdate(value))
            edit.blockSignals(False)

    def _preset_chosen(self) -> None:
        name = self.preset.currentData()
        if name != CUSTOM:
            self._set_days(*preset_period(str(name), self.today))
        self.changed.emit()

    def _day_edited(self, edited: QDateEdit) -> None:
        start, end = self.period()
        if start > end:
            # The other day follows the one edited, so the period is never upside down.
            if edited is self.start:
                self._set_days(start, start)
            else:
                self._set_days(end, end)
        start, end = self.period()
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData(self._name_of(start, end)))
        self.preset.blockSignals(False)
        self.changed.emit()
