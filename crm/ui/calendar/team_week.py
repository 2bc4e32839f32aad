"""The team's week: a lane (row) per RM, a column per day, each visit a chip with its time
and the prospect's short name, so a lead reads who is where on which day at a glance.

Days off are tinted and marked (provisional ones said so); a cell with more visits than fit
says how many more, and clicking that or a day's header opens the day. Drag a chip to
another day to move the visit (its RM stays); double-click a chip to open it, an empty
cell to plan a visit that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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
from crm.ui.calendar.week_view import week_start
from crm.ui.common import fmt
from crm.ui.visits import labels

LANE_LABEL = 96
# Chips a lane shows per day before "+N more"; the lane is as tall as its fullest day.
MAX_CHIPS = 6
MIN_CHIPS = 2
CHIP_GAP = 2
UNASSIGNED = ""


class Lane:
    """One RM's row: the visits of each day of the week, in time order (untimed last)."""

    def __init__(self, rm_id: str, name: str) -> None:
        self.rm_id = rm_id
        self.name = name
        self.days: dict[date, list[VisitLine]] = defaultdict(list)

    def fullest(self) -> int:
        return max((len(v) for v in self.days.values()), default=0)


def lanes_of(visits: list[VisitLine], members: Sequence[tuple[str, str]] = ()) -> list[Lane]:
    """A lane per RM of ``members`` (id, name), with visits or not (a free day shows), and
    per other RM with visits; ordered by name, visits without an RM last."""
    lanes: dict[str, Lane] = {rm_id: Lane(rm_id, name) for rm_id, name in members}
    for visit in visits:
        key = visit.rm_id or UNASSIGNED
        lane = lanes.get(key)
        if lane is None:
            lane = lanes[key] = Lane(key, visit.rm_name or "")
        lane.days[visit.visit_on].append(visit)
    for lane in lanes.values():
        for day_visits in lane.days.values():
            day_visits.sort(key=lambda v: (v.start_time == "", v.start_time))
    return sorted(lanes.values(), key=lambda lane: (lane.rm_id == UNASSIGNED, lane.name))


class TeamWeekView(QWidget):
    moveRequested = Signal(object, object, object)  # VisitLine, date, None (time kept)
    openRequested = Signal(object)  # VisitLine
    dayRequested = Signal(object)  # date: show the day
    planRequested = Signal(object)  # date: plan a visit that day

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamWeekView")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.start = week_start(fmt.today())
        self.data: CalendarData | None = None
        self.lanes: list[Lane] = []
        self.chips: list[tuple[QRectF, VisitLine]] = []
        self.more: list[tuple[QRectF, date]] = []
        self.drag: Drag | None = None
        self._names = weekday_names()

    def sizeHint(self) -> QSize:
        return QSize(900, 600)

    def range_for(self, day: date) -> tuple[date, date]:
        start = week_start(day)
        return start, start + timedelta(days=6)

    def set_data(
        self, day: date, data: CalendarData, members: Sequence[tuple[str, str]] = ()
    ) -> None:
        """Show the week of ``day``: ``data``'s visits in lanes, one for each of ``members``
        (the RMs of the scope, as id and name) even without visits."""
        self.start = week_start(day)
        self.data = data
        self.lanes = lanes_of(data.visits, members)
        self.setMinimumHeight(int(self._header() + sum(self._lane_height(x) for x in self.lanes)))
        self.update()

    # -- geometry --------------------------------------------------------------------------

    def _line(self) -> int:
        return self.fontMetrics().height() + 4

    def _header(self) -> float:
        return self._line() * 2 + 6

    def _day_width(self) -> float:
        return (self.width() - LANE_LABEL - 1) / 7

    def _lane_height(self, lane: Lane) -> float:
        chips = min(max(lane.fullest(), MIN_CHIPS), MAX_CHIPS)
        return chips * (self._line() + CHIP_GAP) + 8

    def _lane_tops(self) -> list[float]:
        tops, y = [], self._header()
        for lane in self.lanes:
            tops.append(y)
            y += self._lane_height(lane)
        return tops

    def day_at(self, point: QPointF) -> date | None:
        if point.x() < LANE_LABEL:
            return None
        col = int((point.x() - LANE_LABEL) // self._day_width())
        return self.start + timedelta(days=col) if 0 <= col < 7 else None

    def chip_at(self, point: QPointF) -> VisitLine | None:
        return next((visit for rect, visit in self.chips if rect.contains(point)), None)

    # -- painting --------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        self.chips, self.more = [], []
        data = self.data
        width = self._day_width()
        line = self._line()
        header = self._header()
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 7.0))
        drop = self._drop_day()
        for index in range(7):
            day = self.start + timedelta(days=index)
            column = QRectF(LANE_LABEL + index * width, 0, width, self.height())
            info = data.days.get(day) if data else None
            background = day_background(info)
            if background is not None:
                painter.fillRect(column.adjusted(0, header, 0, 0), background)
            if drop == day:
                painter.fillRect(column.adjusted(0, header, 0, 0), QColor(31, 95, 174, 40))
            painter.setPen(QPen(GRID))
            painter.drawLine(column.topLeft(), column.bottomLeft())
            painter.setPen(QPen(TEXT))
            count = data.count(day) if data else 0
            title = f"{self._names[index]} {fmt.short_day(day, day)}"
            painter.drawText(
                QRectF(column.left(), 2, width, line), int(Qt.AlignmentFlag.AlignCenter), title
            )
            painter.setFont(small)
            second = QRectF(column.left() + 4, line + 2, width - 8, line)
            counted = self.tr("Visits: {count}").format(count=fmt.integer(count))
            room = second.width() - (painter.fontMetrics().horizontalAdvance(counted) + 6) * bool(
                count
            )
            if info is not None and info.kind in (DayKind.HOLIDAY, DayKind.MAKEUP):
                holiday = info.kind == DayKind.HOLIDAY
                painter.setPen(
                    QPen(QColor(labels.HOLIDAY_COLOUR if holiday else labels.MAKEUP_COLOUR))
                )
                mark = labels.day_badge(info) + " " + labels.holiday_mark(info)
                painter.drawText(
                    second,
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    painter.fontMetrics().elidedText(mark, Qt.TextElideMode.ElideRight, int(room)),
                )
            if count:
                painter.setPen(QPen(TODAY_BORDER))
                painter.drawText(
                    second,
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    counted,
                )
            if data is not None and data.renewals_of(day):
                painter.setPen(QPen(RENEWAL))
                painter.drawText(
                    QRectF(column.left() + 4, 2, width - 8, line),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    f"● {fmt.integer(len(data.renewals_of(day)))}",
                )
            painter.setFont(self.font())
            if data is not None and day == data.today:
                painter.setPen(QPen(TODAY_BORDER, 2))
                painter.drawRect(column.adjusted(1, 1, -1, -1))
        painter.setPen(QPen(GRID))
        painter.drawLine(QPointF(0, header), QPointF(self.width(), header))
        if data is not None and not self.lanes:
            painter.setPen(QPen(MUTED))
            painter.drawText(
                QRectF(LANE_LABEL, header + 12, self.width() - LANE_LABEL, line * 2),
                int(Qt.AlignmentFlag.AlignCenter),
                self.tr("No visits this week. Double-click a day to plan one."),
            )
        for lane, top in zip(self.lanes, self._lane_tops(), strict=True):
            self._paint_lane(painter, lane, top, small)
        if self.drag is not None and self.drag.moving and data is not None:
            ghost = QRectF(
                self.drag.position.x() - width / 2 + 4, self.drag.position.y() - 8, width - 8, line
            )
            draw_chip(painter, ghost, self.drag.visit, data.today, ghost=True)
        painter.end()

    def _paint_lane(self, painter: QPainter, lane: Lane, top: float, small: QFont) -> None:
        assert self.data is not None
        height = self._lane_height(lane)
        line = self._line()
        width = self._day_width()
        painter.setPen(QPen(GRID))
        painter.drawLine(QPointF(0, top + height), QPointF(self.width(), top + height))
        painter.setPen(QPen(TEXT))
        name = lane.name or self.tr("Unassigned")
        painter.drawText(
            QRectF(6, top + 4, LANE_LABEL - 10, line),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, LANE_LABEL - 10),
        )
        total = sum(len(v) for v in lane.days.values())
        painter.setFont(small)
        painter.setPen(QPen(MUTED))
        painter.drawText(
            QRectF(6, top + 4 + line, LANE_LABEL - 10, line),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.tr("Visits: {count}").format(count=fmt.integer(total)),
        )
        painter.setFont(self.font())
        room = int((height - 8) // (line + CHIP_GAP))
        for index in range(7):
            day = self.start + timedelta(days=index)
            visits = lane.days.get(day, [])
            if not visits:
                continue
            left = LANE_LABEL + index * width
            shown = visits if len(visits) <= room else visits[: room - 1]
            for n, visit in enumerate(shown):
                rect = QRectF(left + 3, top + 4 + n * (line + CHIP_GAP), width - 6, line)
                if self.drag is not None and self.drag.moving and self.drag.visit.id == visit.id:
                    painter.setOpacity(0.35)
                draw_chip(painter, rect, visit, self.data.today)
                painter.setOpacity(1.0)
                self.chips.append((rect, visit))
            hidden = len(visits) - len(shown)
            if hidden:
                more = QRectF(left + 6, top + 4 + len(shown) * (line + CHIP_GAP), width - 12, line)
                painter.setFont(small)
                painter.setPen(QPen(TODAY_BORDER))
                painter.drawText(
                    more,
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    self.tr("+{count} more").format(count=fmt.integer(hidden)),
                )
                painter.setFont(self.font())
                self.more.append((more, day))

    # -- mouse -----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position()
        visit = self.chip_at(point)
        if visit is not None:
            self.drag = Drag(visit, point, point)
            return
        for rect, day in self.more:
            if rect.contains(point):
                self.dayRequested.emit(day)
                return
        if point.y() < self._header():
            header_day = self.day_at(point)
            if header_day is not None:
                self.dayRequested.emit(header_day)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.drag is None:
            visit = self.chip_at(event.position())
            self.setToolTip(self._tooltip(visit) if visit is not None else "")
            return
        self.drag.position = event.position()
        distance = (self.drag.position - self.drag.origin).manhattanLength()
        if not self.drag.moving and distance >= QApplication.startDragDistance():
            self.drag.moving = movable(self.drag.visit)
        if self.drag.moving:
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self.drag = self.drag, None
        if drag is None or not drag.moving:
            self.update()
            return
        target = self.day_at(event.position())
        self.update()
        if target is not None and target != drag.visit.visit_on:
            self.moveRequested.emit(drag.visit, target, None)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        visit = self.chip_at(event.position())
        if visit is not None:
            self.drag = None
            self.openRequested.emit(visit)
            return
        if event.position().y() >= self._header():
            day = self.day_at(event.position())
            if day is not None:
                self.planRequested.emit(day)

    def _drop_day(self) -> date | None:
        if self.drag is None or not self.drag.moving:
            return None
        return self.day_at(self.drag.position)

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
