"""The day plan: a day's visits grouped by district, then street, so one trip covers an area.

Districts come in the order of their first visit of the day; within a district, visits on
the same street are next to each other. The note above says what the day is (a weekend,
a holiday, a make-up working day), and which loans have a renewal reminder or mature that
day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.services.loans import RenewalEvent
from crm.services.visits import DistrictGroup, VisitLine
from crm.ui.calendar.common import RENEWAL, CalendarData, chip_colour
from crm.ui.common import fmt
from crm.ui.visits import labels

VISIT_ROLE = Qt.ItemDataRole.UserRole + 1


class DayView(QWidget):
    openRequested = Signal(object)  # VisitLine
    planRequested = Signal(object)  # date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dayView")
        self.day = fmt.today()
        self.groups: list[DistrictGroup] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.renewals = QLabel(self)
        self.renewals.setObjectName("renewalsNote")
        self.renewals.setWordWrap(True)
        self.renewals.setStyleSheet(f"color: {RENEWAL.name()};")
        self.renewals.hide()
        layout.addWidget(self.renewals)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(7)
        self.tree.setHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Prospect"),
                self.tr("Street / place"),
                self.tr("Purpose"),
                self.tr("With"),
                self.tr("RM"),
                self.tr("Status"),
            ]
        )
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        for n in range(7):
            header.setSectionResizeMode(n, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.tree.itemDoubleClicked.connect(self._activated)
        layout.addWidget(self.tree, 1)
        self.empty = QLabel(self.tr("No visits planned this day. Double-click to plan one."), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setProperty("muted", True)
        layout.addWidget(self.empty)

    def range_for(self, day: date) -> tuple[date, date]:
        return day, day

    def set_data(
        self,
        day: date,
        data: CalendarData,
        groups: list[DistrictGroup],
        district_name: Callable[[str | None, str | None], str] | None = None,
    ) -> None:
        self.day = day
        self.groups = groups
        info = data.days.get(day)
        text = labels.day_note(info) if info is not None else ""
        self.note.setText(text)
        self.note.setStyleSheet(f"color: {labels.HOLIDAY_COLOUR};" if text else "")
        self.note.setVisible(bool(text))
        events = data.renewals_of(day)
        self.renewals.setText(
            self.tr("Renewals: {items}").format(items="; ".join(self._renewal(e) for e in events))
            if events
            else ""
        )
        self.renewals.setVisible(bool(events))
        self.tree.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for group in groups:
            name = district_name(group.code, group.name) if district_name else group.name
            name = name or self.tr("No district")
            head = QTreeWidgetItem(
                self.tree,
                [self.tr("{district} · %Ln visit(s)", "", len(group.visits)).format(district=name)],
            )
            head.setFirstColumnSpanned(True)
            head.setFont(0, bold)
            for visit in group.visits:
                item = QTreeWidgetItem(
                    head,
                    [
                        visit.start_time or "—",
                        visit.prospect_name,
                        _where(visit),
                        visit.purpose,
                        visit.companions,
                        visit.rm_name or "",
                        labels.status(visit.status),
                    ],
                )
                item.setData(0, VISIT_ROLE, visit)
                item.setForeground(6, QBrush(QColor(chip_colour(visit, data.today))))
                item.setToolTip(1, visit.address)
        self.tree.expandAll()
        self.empty.setVisible(not groups)
        self.tree.setVisible(bool(groups))

    def _renewal(self, event: RenewalEvent) -> str:
        if event.days_before == 0:
            return self.tr("{name} (loan matures)").format(name=event.prospect_name)
        return self.tr("{name} ({days} days before maturity)").format(
            name=event.prospect_name, days=event.days_before
        )

    def selected_visit(self) -> VisitLine | None:
        item = self.tree.currentItem()
        visit = item.data(0, VISIT_ROLE) if item is not None else None
        return visit if isinstance(visit, VisitLine) else None

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        visit = item.data(0, VISIT_ROLE)
        if isinstance(visit, VisitLine):
            self.openRequested.emit(visit)

    def mouseDoubleClickEvent(self, _event: object) -> None:
        self.planRequested.emit(self.day)

    def title(self) -> str:
        return fmt.day(self.day)


def _where(visit: VisitLine) -> str:
    """The place, with the street first unless the place already names it."""
    if not visit.street or visit.street in visit.place:
        return visit.place
    return f"{visit.street} {visit.place}".strip()
