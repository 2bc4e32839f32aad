"""Issue 18's speed target: the team's week with 300 visits painted ≤ 100 ms (median), at
the size a 1366×768 screen gives the calendar, beside baselines measured in the same run.
The hourly week and the month with the same visits are timed too.

Eight RMs, 300 visits over a working week (times from 08:30 to 17:30, some untimed, the
registered names of a city's book, with the holidays of the week marked) are painted by
``QWidget.grab``, which runs the widget's whole paint. The baselines: a bare widget grabbed
(the cost of a grab), and a bare widget drawing the same 300 names as plain text.

    python3 packaging/bootstrap.py bench calendar
    .venv/bin/python tests/benchmarks/bench_calendar.py
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from common import median_ms, report
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

from crm.services.visits import VisitLine
from crm.store.due_dates import calendar_of, package_years
from crm.ui.calendar.common import CalendarData
from crm.ui.calendar.month_view import MonthView
from crm.ui.calendar.team_week import TeamWeekView
from crm.ui.calendar.week_view import WeekView

VISITS = 300
RMS = 8
WIDTH, HEIGHT = 1174, 600  # the calendar's part of a 1366×768 window
MONDAY = date(2026, 12, 28)  # a week with New Year's Day (provisional) in it
RUNS = 25
PREFIXES = ("佛山市南海区", "佛山市顺德区", "佛山市禅城区", "佛山市三水区", "佛山市高明区")
WORDS = ("恒达", "天佑", "华兴", "美嘉", "陶瓷之家", "绿源", "正通", "汇鑫", "永盛", "金辉")
TRADES = ("五金制品有限公司", "信息科技有限公司", "家具有限公司", "餐饮店", "纺织面料厂")


def visits() -> list[VisitLine]:
    pick = random.Random(18)
    lines = []
    for n in range(VISITS):
        day = MONDAY + timedelta(days=pick.randrange(5))
        rm = pick.randrange(RMS)
        minutes = 8 * 60 + 30 + pick.randrange(19) * 30
        timed = pick.random() > 0.15
        name = pick.choice(PREFIXES) + pick.choice(WORDS) + pick.choice(TRADES)
        lines.append(
            VisitLine(
                id=f"v{n:04d}",
                prospect_id=f"p{n:04d}",
                prospect_name=name,
                district_code="440605",
                district_name="南海区",
                street="",
                address="",
                rm_id=f"rm{rm}",
                rm_name=f"客户经理{rm + 1}",
                status=pick.choice(("planned", "planned", "draft", "final")),
                kind=pick.choice(("site", "phone")),
                visit_on=day,
                start_time=f"{minutes // 60:02d}:{minutes % 60:02d}" if timed else "",
                place="",
                purpose="",
                companions="",
                amends_id=None,
                version=1,
            )
        )
    lines.sort(key=lambda v: (v.visit_on, v.start_time == "", v.start_time))
    return lines


def data(start: date, end: date, lines: list[VisitLine]) -> CalendarData:
    calendar = calendar_of(package_years())
    days = {info.day: info for info in calendar.span(start, end)}
    return CalendarData(start, end, MONDAY - timedelta(days=3), lines, days)


class PlainNames(QWidget):
    """The floor of painting the week: the same names as plain text in a grid, no chips."""

    def __init__(self, lines: list[VisitLine]) -> None:
        super().__init__()
        self.texts = [f"{v.start_time} {v.prospect_name}" for v in lines]

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        height = painter.fontMetrics().height() + 2
        width = self.width() // 7
        for n, text in enumerate(self.texts):
            column, row = divmod(n, max(self.height() // height, 1))
            painter.drawText(QRect(column % 7 * width, row * height, width, height), 0, text)
        painter.end()


def paint(widget: QWidget) -> float:
    widget.resize(WIDTH, HEIGHT)
    widget.show()
    QApplication.processEvents()
    return median_ms(widget.grab, runs=RUNS, warmup=3)


def main() -> None:
    app = QApplication([])
    lines = visits()
    sunday = MONDAY + timedelta(days=6)

    empty_ms = paint(QWidget())
    report("baseline: a bare widget grabbed", empty_ms, empty_ms, "ms", "—")
    bare_ms = paint(PlainNames(lines))
    report(f"baseline: a bare widget, {len(lines)} names drawn", bare_ms, bare_ms, "ms", "—")

    team = TeamWeekView()
    team.set_data(MONDAY, data(MONDAY, sunday, lines))
    chips = len(lines)
    report(
        f"team week, {chips} visits, {RMS} lanes, painted", paint(team), bare_ms, "ms", "≤ 100 ms"
    )

    week = WeekView()
    week.set_data(MONDAY, data(MONDAY, sunday, lines))
    report(f"hourly week, {chips} visits, painted", paint(week), bare_ms, "ms", "—")

    month = MonthView()
    start, end = month.range_for(MONDAY)
    month.set_data(MONDAY, data(start, end, lines))
    report(f"month, {chips} visits, painted", paint(month), bare_ms, "ms", "—")
    app.quit()


if __name__ == "__main__":
    main()
