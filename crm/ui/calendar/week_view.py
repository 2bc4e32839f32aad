"""The week: seven days by the hour, 07:00 to 21:00; visits without a time on top.

Drag a visit to another day or hour (it snaps to the half hour), or to the top strip to
leave its time open. Overlapping visits share their hour side by side.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from crm.domain.holidays import DayKind
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
from crm.ui.calendar.month_view import weekday_names
from crm.ui.common import fmt
from crm.ui.visits import labels

FIRST_HOUR = 7
LAST_HOUR = 21
GUTTER = 48
HEADER = 40
ALL_DAY_ROWS = 3
MAX_SIDE_BY_SIDE = 4


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    return int(hours) * 60 + int(minutes or 0)


class WeekView(QWidget):
    moveRequested = Signal(object, object, object)  # VisitLine, date, "HH:MM" or ""
    openRequested = Signal(object)
    dayRequested = Signal(object)
    planRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekView")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.start = week_start(fmt.today())
        self.data: CalendarData | None = None
        self.chips: list[tuple[QRectF, VisitLine]] = []
        self.drag: Drag | None = None
        self._names = weekday_names()

    def sizeHint(self) -> QSize:
        return QSize(900, 600)

    def range_for(self, day: date) -> tuple[date, date]:
        start = week_start(day)
        return start, start + timedelta(days=6)

    def set_data(self, day: date, data: CalendarData) -> None:
        self.start = week_start(day)
        self.data = data
        self.update()

    # -- geometry --------------------------------------------------------------------------

    def _line(self) -> int:
        return self.fontMetrics().height() + 2

    def _strip_height(self) -> float:
        return ALL_DAY_ROWS * (self._line() + 2) + 6

    def _day_width(self) -> float:
        return (self.width() - GUTTER - 1) / 7

    def _hour_height(self) -> float:
        top = HEADER + self._strip_height()
        return (self.height() - top - 1) / (LAST_HOUR - FIRST_HOUR)

    def _grid_top(self) -> float:
        return HEADER + self._strip_height()

    def column_rect(self, index: int) -> QRectF:
        width = self._day_width()
        return QRectF(GUTTER + index * width, 0, width, self.height())

    def slot_at(self, point: QPointF) -> tuple[date, str] | None:
        """The day and the time (snapped to 30 minutes; "" in the top strip) under a point."""
        if point.x() < GUTTER or point.y() < HEADER:
            return None
        col = int((point.x() - GUTTER) // self._day_width())
        if not 0 <= col < 7:
            return None
        day = self.start + timedelta(days=col)
        if point.y() < self._grid_top():
            return day, ""
        minutes = (point.y() - self._grid_top()) / self._hour_height() * 60
        snapped = int(minutes // 30) * 30 + FIRST_HOUR * 60
        snapped = max(FIRST_HOUR * 60, min(snapped, LAST_HOUR * 60 - 30))
        return day, f"{snapped // 60:02d}:{snapped % 60:02d}"

    def chip_at(self, point: QPointF) -> VisitLine | None:
        return next((visit for rect, visit in reversed(self.chips) if rect.contains(point)), None)

    # -- painting --------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        self.chips = []
        data = self.data
        width = self._day_width()
        hour = self._hour_height()
        top = self._grid_top()
        line = self._line()
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 7.0))
        drop = self._drop_slot()
        for index in range(7):
            day = self.start + timedelta(days=index)
            column = self.column_rect(index)
            info = data.days.get(day) if data else None
            background = day_background(info)
            if background is not None:
                painter.fillRect(column.adjusted(0, HEADER, 0, 0), background)
            painter.setPen(QPen(GRID))
            painter.drawLine(column.topLeft(), column.bottomLeft())
            painter.setPen(QPen(TEXT))
            title = f"{self._names[index]} {fmt.short_day(day, day)}"
            painter.drawText(
                QRectF(column.left(), 2, width, line), int(Qt.AlignmentFlag.AlignCenter), title
            )
            if info is not None and info.kind in (DayKind.HOLIDAY, DayKind.MAKEUP):
                colour = (
                    labels.HOLIDAY_COLOUR
                    if info.kind == DayKind.HOLIDAY
                    else (labels.MAKEUP_COLOUR)
                )
                mark = labels.day_badge(info)
                if info.kind == DayKind.HOLIDAY:
                    mark += " " + labels.holiday_mark(info)
                painter.setFont(small)
                painter.setPen(QPen(QColor(colour)))
                # Elided, with room for the renewals' mark at the right: a provisional
                # holiday's name in English is wider than a day's column.
                painter.drawText(
                    QRectF(column.left(), line + 2, width, line),
                    int(Qt.AlignmentFlag.AlignCenter),
                    painter.fontMetrics().elidedText(
                        mark,
                        Qt.TextElideMode.ElideRight,
                        int(width - (56 if data is not None and data.renewals_of(day) else 8)),
                    ),
                )
                painter.setFont(self.font())
            if data is not None and data.renewals_of(day):
                # Renewal reminders and maturities of the day: a mark, the names in a tooltip.
                painter.setFont(small)
                painter.setPen(QPen(RENEWAL))
                painter.drawText(
                    QRectF(column.left(), line + 2, width - 4, line),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    f"● {fmt.integer(len(data.renewals_of(day)))}",
                )
                painter.setFont(self.font())
            if data is not None and day == data.today:
                painter.setPen(QPen(TODAY_BORDER, 2))
                painter.drawRect(column.adjusted(1, 1, -1, -1))
            if drop is not None and drop[0] == day:
                y = top + (_minutes(drop[1]) - FIRST_HOUR * 60) / 60 * hour if drop[1] else HEADER
                h = hour if drop[1] else self._strip_height()
                painter.fillRect(QRectF(column.left(), y, width, h), QColor(31, 95, 174, 45))
        painter.setPen(QPen(GRID))
        painter.drawLine(QPointF(0, HEADER), QPointF(self.width(), HEADER))
        painter.drawLine(QPointF(0, top), QPointF(self.width(), top))
        for n in range(LAST_HOUR - FIRST_HOUR):
            y = top + n * hour
            painter.setPen(QPen(GRID))
            painter.drawLine(QPointF(GUTTER, y), QPointF(self.width(), y))
            painter.setPen(QPen(MUTED))
            painter.drawText(
                QRectF(0, y - line / 2, GUTTER - 6, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"{FIRST_HOUR + n:02d}:00",
            )
        if data is not None:
            for index in range(7):
                self._paint_day(painter, index, data, line)
            if self.drag is not None and self.drag.moving:
                ghost = QRectF(
                    self.drag.position.x() - width / 2 + 4,
                    self.drag.position.y() - 8,
                    width - 8,
                    line,
                )
                draw_chip(painter, ghost, self.drag.visit, data.today, ghost=True)
        painter.end()

    def _paint_day(self, painter: QPainter, index: int, data: CalendarData, line: int) -> None:
        day = self.start + timedelta(days=index)
        column = self.column_rect(index)
        visits = data.of(day)
        untimed = [v for v in visits if not v.start_time]
        timed = sorted((v for v in visits if v.start_time), key=lambda v: v.start_time)
        for n, visit in enumerate(untimed[:ALL_DAY_ROWS]):
            rect = QRectF(column.left() + 2, HEADER + 3 + n * (line + 2), column.width() - 4, line)
            self._chip(painter, rect, visit, data)
        if len(untimed) > ALL_DAY_ROWS:
            self.chips.pop()
            rect = QRectF(
                column.left() + 2,
                HEADER + 3 + (ALL_DAY_ROWS - 1) * (line + 2),
                column.width() - 4,
                line,
            )
            painter.fillRect(rect, QColor("white"))
            painter.setPen(QPen(TODAY_BORDER))
            painter.drawText(
                rect,
                int(Qt.AlignmentFlag.AlignCenter),
                self.tr("+{count} more").format(count=len(untimed) - ALL_DAY_ROWS + 1),
            )
        hour = self._hour_height()
        top = self._grid_top()
        # Side by side: a visit takes the first lane free at its start.
        lanes: list[int] = []
        placed: list[tuple[VisitLine, int, int, int]] = []
        for visit in timed:
            start = _minutes(visit.start_time)
            length = 60 if visit.kind == "site" else 30
            lane = next((n for n, end in enumerate(lanes) if end <= start), len(lanes))
            if lane == len(lanes):
                lanes.append(0)
            lanes[lane] = start + length
            placed.append((visit, start, length, lane))
        count = min(max(len(lanes), 1), MAX_SIDE_BY_SIDE)
        width = (column.width() - 4) / count
        hidden = 0
        for visit, start, length, lane in placed:
            if lane >= MAX_SIDE_BY_SIDE:
                hidden += 1
                continue
            y = top + (max(start, FIRST_HOUR * 60) - FIRST_HOUR * 60) / 60 * hour
            rect = QRectF(
                column.left() + 2 + lane * width, y, width - 2, max(length / 60 * hour - 2, line)
            )
            self._chip(painter, rect, visit, data, with_time=False)
        hidden += max(data.count(day) - len(visits), 0)
        if hidden:
            painter.setPen(QPen(TODAY_BORDER))
            painter.drawText(
                QRectF(column.left(), self.height() - line - 2, column.width(), line),
                int(Qt.AlignmentFlag.AlignCenter),
                self.tr("+{count} more").format(count=hidden),
            )

    def _chip(
        self,
        painter: QPainter,
        rect: QRectF,
        visit: VisitLine,
        data: CalendarData,
        *,
        with_time: bool = True,
    ) -> None:
        if self.drag is not None and self.drag.moving and self.drag.visit.id == visit.id:
            painter.setOpacity(0.35)
        draw_chip(painter, rect, visit, data.today, with_time=with_time)
        painter.setOpacity(1.0)
        self.chips.append((rect, visit))

    # -- mouse -----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        visit = self.chip_at(event.position())
        if visit is not None:
            self.drag = Drag(visit, event.position(), event.position())
        elif event.position().y() < HEADER and event.position().x() > GUTTER:
            slot = self.slot_at(QPointF(event.position().x(), HEADER + 1))
            if slot is not None:
                self.dayRequested.emit(slot[0])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.drag is None:
            visit = self.chip_at(event.position())
            if visit is not None:
                self.setToolTip(f"{visit.prospect_name}\n{visit.purpose}")
            else:
                self.setToolTip(self._renewals_tip(event.position()))
            return
        self.drag.position = event.position()
        distance = (self.drag.position - self.drag.origin).manhattanLength()
        if not self.drag.moving and distance >= QApplication.startDragDistance():
            self.drag.moving = movable(self.drag.visit)
        if self.drag.moving:
            self.update()

    def _renewals_tip(self, point: QPointF) -> str:
        """What the day is (a holiday's whole name, its header may cut it) and its renewal
        reminders, when the pointer is on a day's header."""
        if self.data is None or point.y() >= HEADER or point.x() < GUTTER:
            return ""
        index = int((point.x() - GUTTER) // self._day_width())
        if not 0 <= index < 7:
            return ""
        day = self.start + timedelta(days=index)
        info = self.data.days.get(day)
        note = [labels.day_note(info)] if info is not None and info.name else []
        events = self.data.renewals_of(day)
        return "\n".join(
            note
            + [
                self.tr("{name}: loan matures").format(name=e.prospect_name)
                if e.days_before == 0
                else self.tr("{name}: renewal reminder, {days} days before maturity").format(
                    name=e.prospect_name, days=e.days_before
                )
                for e in events
            ]
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self.drag = self.drag, None
        if drag is None or not drag.moving:
            self.update()
            return
        slot = self.slot_at(event.position())
        self.update()
        if slot is None:
            return
        day, time = slot
        if (day, time) != (drag.visit.visit_on, drag.visit.start_time):
            self.moveRequested.emit(drag.visit, day, time)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        visit = self.chip_at(event.position())
        if visit is not None:
            self.drag = None
            self.openRequested.emit(visit)
            return
        slot = self.slot_at(event.position())
        if slot is not None:
            self.planRequested.emit(slot[0])

    def _drop_slot(self) -> tuple[date, str] | None:
        if self.drag is None or not self.drag.moving:
            return None
        return self.slot_at(self.drag.position)
