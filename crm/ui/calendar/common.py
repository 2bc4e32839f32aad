"""What the calendar views share: the loaded range (visits, days, renewal reminders),
chips, and dragging a visit."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen

from crm.domain.holidays import DayInfo, DayKind
from crm.services.loans import RenewalEvent
from crm.services.visits import VisitLine
from crm.ui.visits import labels

CHIP_RADIUS = 3.0
WEEKEND_BG = QColor("#f3f5f8")
HOLIDAY_BG = QColor("#fdf0ef")
MAKEUP_BG = QColor("#f4f0fb")
TODAY_BORDER = QColor("#1f5fae")
GRID = QColor("#d5dae1")
MUTED = QColor("#8a94a3")
TEXT = QColor("#1d2633")
OVERDUE = QColor(labels.STATUS_COLOURS["overdue"])
# Renewal reminders (续贷) and maturities of active loans.
RENEWAL = QColor("#0f7b6c")


@dataclass
class CalendarData:
    """One loaded range: the visits by day and what each day is."""

    start: date
    end: date
    today: date
    visits: list[VisitLine] = field(default_factory=list)
    days: dict[date, DayInfo] = field(default_factory=dict)
    # Visits in all per day, when only the first few of each day were loaded.
    counts: dict[date, int] = field(default_factory=dict)
    by_day: dict[date, list[VisitLine]] = field(default_factory=dict)
    # Renewal reminders and maturities of active loans falling in the range.
    renewals: list[RenewalEvent] = field(default_factory=list)
    renewals_by_day: dict[date, list[RenewalEvent]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped: dict[date, list[VisitLine]] = defaultdict(list)
        for visit in self.visits:
            grouped[visit.visit_on].append(visit)
        self.by_day = dict(grouped)
        reminders: dict[date, list[RenewalEvent]] = defaultdict(list)
        for event in self.renewals:
            reminders[event.on].append(event)
        self.renewals_by_day = dict(reminders)

    def renewals_of(self, day: date) -> list[RenewalEvent]:
        return self.renewals_by_day.get(day, [])

    def of(self, day: date) -> list[VisitLine]:
        return self.by_day.get(day, [])

    def count(self, day: date) -> int:
        return self.counts.get(day, len(self.of(day)))

    def total(self) -> int:
        return sum(self.count(day) for day in {*self.counts, *self.by_day})


def day_background(info: DayInfo | None) -> QColor | None:
    if info is None:
        return None
    if info.kind == DayKind.HOLIDAY:
        return HOLIDAY_BG
    if info.kind == DayKind.MAKEUP:
        return MAKEUP_BG
    if info.kind == DayKind.WEEKEND:
        return WEEKEND_BG
    return None


# A registered name's region prefix (省, 市, then 区/县) and legal-form suffix: every firm of
# a city's book starts with the same 佛山市…区, which is all a narrow chip would show.
_REGION_PREFIX = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区))?(?:[\u4e00-\u9fff]{2,4}?市)?"
    r"(?:[\u4e00-\u9fff]{2,3}?(?:区|县))?"
)
_LEGAL_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|[(（]个体工商户[)）])$")


def derived_short_name(name: str) -> str:
    """The name without its region prefix and legal-form suffix (what 简称 means); the
    whole name when too little would be left."""
    short = _LEGAL_SUFFIX.sub("", _REGION_PREFIX.sub("", name, count=1))
    return short if len(short) >= 2 else name


def chip_name(visit: VisitLine) -> str:
    """What a chip calls the prospect: its short name (简称) as the book keeps it (the RM's
    own when they wrote one), else (an archived prospect) the registered name shortened."""
    return visit.short_name or derived_short_name(visit.prospect_name)


def chip_colour(visit: VisitLine, today: date) -> QColor:
    if visit.status != "final" and visit.visit_on < today:
        return OVERDUE
    return labels.status_colour(visit.status)


def draw_chip(
    painter: QPainter,
    rect: QRectF,
    visit: VisitLine,
    today: date,
    *,
    ghost: bool = False,
    with_time: bool = True,
) -> None:
    """A visit as a rounded chip: a status bar on the left, the time and the prospect."""
    colour = chip_colour(visit, today)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(colour)
    fill.setAlpha(40 if visit.status != "final" else 28)
    if ghost:
        fill.setAlpha(90)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, CHIP_RADIUS, CHIP_RADIUS)
    painter.setBrush(colour)
    painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 3.0, rect.height()), 1.5, 1.5)
    painter.setPen(QPen(TEXT if visit.status != "final" else MUTED))
    text = chip_name(visit)
    if with_time and visit.start_time:
        text = f"{visit.start_time} {text}"
    metrics = QFontMetrics(painter.font())
    inner = rect.adjusted(6, 0, -3, 0)
    tall = rect.height() > metrics.height() * 1.8
    if tall:
        inner = inner.adjusted(0, 2, 0, 0)
    painter.drawText(
        inner,
        int(
            (Qt.AlignmentFlag.AlignTop if tall else Qt.AlignmentFlag.AlignVCenter)
            | Qt.AlignmentFlag.AlignLeft
        ),
        metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(inner.width())),
    )
    painter.restore()


@dataclass
class Drag:
    """A visit being dragged inside a view (mouse pressed on its chip and moved)."""

    visit: VisitLine
    origin: QPointF
    position: QPointF
    moving: bool = False


def movable(visit: VisitLine) -> bool:
    return visit.status != "final" and visit.amends_id is None
