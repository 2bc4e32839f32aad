"""The month: six weeks of days, Monday first, each with its visits; drag one to move it.

Days off are tinted and marked 休 with the holiday's name (said to be provisional while
head office has not published the year); make-up working days (调休) are marked 班. Each
day with visits shows how many beside its date, and a day with more than fit says how many
more; clicking either opens the day. Finalized records stay where they happened (they
cannot be dragged).
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from crm.domain.holidays import DayKind
from crm.services.loans import RenewalEvent
from crm.services.visits import VisitLine
from crm.ui.calendar.common import (
    GRID,
    MUTED,
    RENEWAL,
    TEXT,
    TODAY_BORDER,
    CalendarData,
    Drag,
    day_background,
    draw_chip,
    movable,
)
from crm.ui.common import fmt
from crm.ui.visits import labels

WEEKS = 6
HEADER = 24
CHIP_GAP = 2


def month_grid_start(month: date) -> date:
    """The Monday on or before the first of the month."""
    first = month.replace(day=1)
    return first - timedelta(days=first.weekday())


def weekday_names() -> list[str]:
    from PySide6.QtCore import QCoreApplication

    return [
        QCoreApplication.translate("MonthView", "Mon"),
        QCoreApplication.translate("MonthView", "Tue"),
        QCoreApplication.translate("MonthView", "Wed"),
        QCoreApplication.translate("MonthView", "Thu"),
        QCoreApplication.translate("MonthView", "Fri"),
        QCoreApplication.translate("MonthView", "Sat"),
        QCoreApplication.translate("MonthView", "Sun"),
    ]


class MonthView(QWidget):
    moveRequested = Signal(object, object, object)  # VisitLine, date, time ("" or None)
    openRequested = Signal(object)  # VisitLine
    dayRequested = Signal(object)  # date: show the day
    planRequested = Signal(object)  # date: plan a visit that day

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("monthView")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.month = fmt.today().replace(day=1)
        self.data: CalendarData | None = None
        self.chips: list[tuple[QRectF, VisitLine]] = []
        self.more: list[tuple[QRectF, date]] = []
        # Each day's visit count beside its date: a click opens the day.
        self.counts: list[tuple[QRectF, date]] = []
        self.renewal_marks: list[tuple[QRectF, list[RenewalEvent]]] = []
        self.drag: Drag | None = None
        self._names = weekday_names()

    def sizeHint(self) -> QSize:
        return QSize(900, 600)

    # -- data ------------------------------------------------------------------------------

    def range_for(self, month: date) -> tuple[date, date]:
        start = month_grid_start(month)
        return start, start + timedelta(days=WEEKS * 7 - 1)

    def set_data(self, month: date, data: CalendarData) -> None:
        self.month = month.replace(day=1)
        self.data = data
        self.update()

    # -- geometry --------------------------------------------------------------------------

    def cell_rect(self, index: int) -> QRectF:
        width = (self.width() - 1) / 7
        height = (self.height() - HEADER - 1) / WEEKS
        row, col = divmod(index, 7)
        return QRectF(col * width, HEADER + row * height, width, height)

    def day_at(self, point: QPointF) -> date | None:
        if point.y() < HEADER or self.width() <= 0:
            return None
        width = (self.width() - 1) / 7
        height = (self.height() - HEADER - 1) / WEEKS
        col = int(point.x() // width)
        row = int((point.y() - HEADER) // height)
        if not (0 <= col < 7 and 0 <= row < WEEKS):
            return None
        return month_grid_start(self.month) + timedelta(days=row * 7 + col)

    def chip_at(self, point: QPointF) -> VisitLine | None:
        return next((visit for rect, visit in self.chips if rect.contains(point)), None)

    # -- painting --------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        self.chips, self.more, self.counts, self.renewal_marks = [], [], [], []
        font = QFont(self.font())
        small = QFont(font)
        small.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        line = painter.fontMetrics().height() + 2
        width = (self.width() - 1) / 7
        painter.setPen(QPen(MUTED))
        for col, name in enumerate(self._names):
            painter.drawText(
                QRectF(col * width, 0, width, HEADER), int(Qt.AlignmentFlag.AlignCenter), name
            )
        start = month_grid_start(self.month)
        data = self.data
        target = self._drop_day()
        for index in range(WEEKS * 7):
            day = start + timedelta(days=index)
            rect = self.cell_rect(index)
            info = data.days.get(day) if data else None
            background = day_background(info)
            if background is not None:
                painter.fillRect(rect, background)
            if target == day:
                painter.fillRect(rect, QColor(31, 95, 174, 40))
            painter.setPen(QPen(GRID))
            painter.drawRect(rect)
            in_month = day.month == self.month.month
            painter.setFont(font)
            painter.setPen(QPen(TEXT if in_month else MUTED))
            head = QRectF(rect.left() + 4, rect.top() + 2, rect.width() - 8, line)
            painter.drawText(
                head, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), str(day.day)
            )
            reserved = 24
            count = data.count(day) if data else 0
            if count:
                reserved = self._paint_count(painter, head, day, count, small)
            if info is not None and info.kind in (DayKind.HOLIDAY, DayKind.MAKEUP):
                colour = (
                    labels.HOLIDAY_COLOUR
                    if info.kind == DayKind.HOLIDAY
                    else (labels.MAKEUP_COLOUR)
                )
                painter.setFont(small)
                painter.setPen(QPen(QColor(colour)))
                mark = labels.day_badge(info)
                if info.kind == DayKind.HOLIDAY:
                    mark += " " + labels.holiday_mark(info)
                painter.drawText(
                    head.adjusted(reserved, 0, 0, 0),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    painter.fontMetrics().elidedText(
                        mark, Qt.TextElideMode.ElideRight, int(head.width() - reserved)
                    ),
                )
                painter.setFont(font)
            if data is not None and day == data.today:
                painter.setPen(QPen(TODAY_BORDER, 2))
                painter.drawRect(rect.adjusted(1, 1, -1, -1))
            visits = data.of(day) if data else []
            self._paint_visits(painter, rect, day, visits, line, small)
            if data is not None and data.renewals_of(day):
                self._paint_renewals(painter, rect, data.renewals_of(day), line, small)
        if self.drag is not None and self.drag.moving and data is not None:
            ghost = QRectF(
                self.drag.position.x() - width / 2 + 6, self.drag.position.y() - 8, width - 12, line
            )
            painter.setOpacity(0.85)
            draw_chip(painter, ghost, self.drag.visit, data.today, ghost=True)
        painter.end()

    def _paint_count(
        self, painter: QPainter, head: QRectF, day: date, count: int, small: QFont
    ) -> int:
        """The day's visit count as a pill after its date; returns the width the date and
        the pill take from the left of the cell's head."""
        painter.save()
        left = head.left() + painter.fontMetrics().horizontalAdvance("00") + 8
        painter.setFont(small)
        text = fmt.integer(count)
        width = painter.fontMetrics().horizontalAdvance(text) + 12
        pill = QRectF(left, head.top() + 2, width, head.height() - 4)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(31, 95, 174, 34))
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setPen(QPen(TODAY_BORDER))
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()
        self.counts.append((pill, day))
        return int(pill.right() - head.left()) + 6

    def _paint_visits(
        self,
        painter: QPainter,
        rect: QRectF,
        day: date,
        visits: list[VisitLine],
        line: int,
        small: QFont,
    ) -> None:
        if not visits or self.data is None:
            return
        top = rect.top() + line + 4
        room = int((rect.bottom() - 2 - top) // (line + CHIP_GAP))
        shown = visits if len(visits) <= room else visits[: max(room - 1, 0)]
        for n, visit in enumerate(shown):
            chip = QRectF(rect.left() + 3, top + n * (line + CHIP_GAP), rect.width() - 6, line)
            if self.drag is not None and self.drag.moving and self.drag.visit.id == visit.id:
                painter.setOpacity(0.35)
            draw_chip(painter, chip, visit, self.data.today)
            painter.setOpacity(1.0)
            self.chips.append((chip, visit))
        hidden = self.data.count(day) - len(shown)
        if hidden > 0:
            more = QRectF(
                rect.left() + 6, top + len(shown) * (line + CHIP_GAP), rect.width() - 12, line
            )
            painter.setFont(small)
            painter.setPen(QPen(TODAY_BORDER))
            painter.drawText(
                more,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                self.tr("+{count} more").format(count=fmt.integer(hidden)),
            )
            painter.setFont(self.font())
            self.more.append((more, day))

    def _paint_renewals(
        self,
        painter: QPainter,
        rect: QRectF,
        events: list[RenewalEvent],
        line: int,
        small: QFont,
    ) -> None:
        """A mark in the cell's bottom corner: how many renewal reminders (or maturities)
        fall on the day, the names in its tooltip."""
        painter.save()
        painter.setFont(small)
        painter.setPen(QPen(RENEWAL))
        mark = QRectF(rect.left() + 4, rect.bottom() - line - 1, rect.width() - 8, line)
        painter.drawText(
            mark,
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            self.tr("Renewals {count}").format(count=fmt.integer(len(events))),
        )
        painter.restore()
        self.renewal_marks.append((mark, events))

    # -- mouse: select, open, drag -----------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position()
        visit = self.chip_at(point)
        if visit is not None:
            self.drag = Drag(visit, point, point)
            return
        for rect, day in (*self.more, *self.counts):
            if rect.contains(point):
                self.dayRequested.emit(day)
                return

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.drag is None:
            visit = self.chip_at(event.position())
            if visit is not None:
                self.setToolTip(self._tooltip(visit))
            elif any(rect.contains(event.position()) for rect, _day in self.counts):
                self.setToolTip(self.tr("Visits this day: open the day plan"))
            else:
                self.setToolTip(self._renewal_tooltip(event.position()))
            return
        self.drag.position = event.position()
        distance = (self.drag.position - self.drag.origin).manhattanLength()
        if not self.drag.moving and distance >= QApplication.startDragDistance():
            self.drag.moving = movable(self.drag.visit)
            if self.drag.moving:
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
        if self.drag.moving:
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self.drag = self.drag, None
        self.unsetCursor()
        if drag is None or not drag.moving:
            self.update()
            return
        drag.position = event.position()
        target = self.day_at(drag.position)
        self.update()
        if target is not None and target != drag.visit.visit_on:
            self.moveRequested.emit(drag.visit, target, None)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        visit = self.chip_at(point)
        if visit is not None:
            self.drag = None
            self.openRequested.emit(visit)
            return
        day = self.day_at(point)
        if day is not None:
            self.planRequested.emit(day)

    def _drop_day(self) -> date | None:
        if self.drag is None or not self.drag.moving:
            return None
        return self.day_at(self.drag.position)

    def _renewal_tooltip(self, point: QPointF) -> str:
        for rect, events in self.renewal_marks:
            if rect.contains(point):
                return "\n".join(self._renewal_line(e) for e in events)
        return ""

    def _renewal_line(self, event: RenewalEvent) -> str:
        if event.days_before == 0:
            return self.tr("Maturity: {name}").format(name=event.prospect_name)
        return self.tr("Renewal reminder, {days} days before maturity: {name}").format(
            days=event.days_before, name=event.prospect_name
        )

    def _tooltip(self, visit: VisitLine) -> str:
        parts = [visit.prospect_name, labels.kind(visit.kind), labels.status(visit.status)]
        if visit.start_time:
            parts.insert(1, visit.start_time)
        if visit.rm_name:
            parts.append(visit.rm_name)
        text = " · ".join(parts)
        if visit.purpose:
            text += "\n" + visit.purpose
        return text
