"""The team's week in lanes (a row per RM, chips with short names and times), the month's
visit counts that open the day, the provisional 2027 holidays on the calendar, and Today on
a day off saying what comes next."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from crm.domain.holidays import DayKind
from crm.domain.visits import VisitDraft
from crm.services.visits import VisitService
from crm.ui.calendar.common import chip_name, derived_short_name
from crm.ui.calendar.page import CalendarPage
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.today.page import TodayPage
from tests.ui.conftest import Book
from tests.ui.helpers import wait_idle


@pytest.fixture
def lead_ui(book: Book, settings: AppSettings, qtbot) -> Iterator[UiContext]:
    team = book.rms[0].team_id
    lead = next(u for u in book.services.users.all() if u.role == "lead" and u.team_id == team)
    book.services.users.sign_in(lead.id)
    context = UiContext(book.services, settings, TaskRunner(), load_startup(book.services))
    yield context
    context.tasks.wait()
    QApplication.processEvents()


def at(book: Book, day: date) -> None:
    """Moves the book's clock to 10:00 on ``day`` in its zone."""
    moment = datetime.combine(day, time(10, 0), book.services.ctx.zone)
    book.services.ctx.clock = lambda: moment


def calendar(qtbot, ui: UiContext) -> CalendarPage:
    page = CalendarPage(ui)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    page.start()
    wait_idle(qtbot, ui)
    return page


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("佛山市南海区华兴五金制品厂", "华兴五金制品厂"),
        ("佛山市南海区天佑信息科技有限公司", "天佑信息科技"),
        ("广东省佛山市顺德区美的物业管理有限公司", "美的物业管理"),
        ("禅城区陶瓷之家经营部", "陶瓷之家经营部"),
        ("佛山市禅城区张记餐饮店（个体工商户）", "张记餐饮店"),
        ("天佑科技", "天佑科技"),
    ],
)
def test_chips_use_a_short_name_without_the_region(name: str, short: str) -> None:
    assert derived_short_name(name) == short


def test_the_team_week_has_a_lane_per_rm_with_short_names_and_times(
    qtbot, book: Book, lead_ui: UiContext
) -> None:
    monday = date(2026, 11, 30)  # a week with no holiday
    at(book, monday)
    visits = VisitService(book.services.ctx)
    rm1 = book.rms[0]
    rm2 = next(u for u in book.rms if u.team_id == rm1.team_id and u.id != rm1.id)
    huaxing = visits.plan(
        book.ids["huaxing"], VisitDraft(visit_on=monday + timedelta(days=1), start_time="09:30")
    )
    taoci = visits.plan(
        book.ids["taoci"],
        VisitDraft(visit_on=monday + timedelta(days=3), start_time="14:00"),
        rm_id=rm2.id,
    )
    # An RM's own short name is what the chip says.
    with book.services.ctx.db.transaction() as s:
        s.execute(
            text("UPDATE prospects SET short_name = '陶瓷之家' WHERE id = :id"),
            {"id": book.ids["taoci"]},
        )
    page = calendar(qtbot, lead_ui)
    page.set_view("team")
    wait_idle(qtbot, lead_ui)
    view = page.team_view
    assert page.stack.currentWidget() is page.team_scroll
    names = [lane.name for lane in view.lanes]
    assert rm1.display_name in names and rm2.display_name in names
    # Every RM of the team has a lane, a free week too.
    team_rms = {u.display_name for u in book.rms if u.team_id == rm1.team_id}
    assert set(names) == team_rms and len(team_rms) > 2
    view.grab()
    chips = {v.id: (rect, v) for rect, v in view.chips}
    tops = dict(zip((lane.rm_id for lane in view.lanes), view._lane_tops(), strict=True))
    rect, line = chips[huaxing.id]
    # In RM 1's lane, Tuesday's column; the chip reads the time and the short name.
    assert tops[rm1.id] <= rect.top() < tops[rm1.id] + view._lane_height(view.lanes[0]) + 1
    assert view.day_at(rect.center()) == monday + timedelta(days=1)
    assert chip_name(line) == "华兴五金制品厂"
    rect2, line2 = chips[taoci.id]
    assert chip_name(line2) == "陶瓷之家"
    assert view.day_at(rect2.center()) == monday + timedelta(days=3)
    assert rect2.top() != rect.top() or tops[rm1.id] != tops[rm2.id]
    # A click on a day's header opens that day's plan.
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPointF(rect2.center().x(), 6).toPoint())
    wait_idle(qtbot, lead_ui)
    assert page.view == "day" and page.anchor == monday + timedelta(days=3)


def test_the_month_counts_each_days_visits_and_the_count_opens_the_day(
    qtbot, book: Book, lead_ui: UiContext
) -> None:
    at(book, date(2026, 12, 1))
    visits = VisitService(book.services.ctx)
    day = date(2026, 12, 9)
    for key in ("huaxing", "meijia", "lvyuan"):
        visits.plan(book.ids[key], VisitDraft(visit_on=day))
    page = calendar(qtbot, lead_ui)
    view = page.month_view
    view.grab()
    counts = {d: rect for rect, d in view.counts}
    assert page.month_view.data is not None and page.month_view.data.count(day) == 3
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=counts[day].center().toPoint())
    wait_idle(qtbot, lead_ui)
    assert page.view == "day" and page.anchor == day


def test_2027_holidays_are_marked_provisional_and_nobody_is_told_to_run_a_command(
    qtbot, book: Book, lead_ui: UiContext
) -> None:
    at(book, date(2026, 12, 1))
    page = calendar(qtbot, lead_ui)
    page.show_month(date(2027, 2, 1))
    wait_idle(qtbot, lead_ui)
    data = page.month_view.data
    assert data is not None
    for day in (date(2027, 2, 5), date(2027, 2, 8)):
        info = data.days[day]
        assert info.kind == DayKind.HOLIDAY and info.provisional
    assert page.banner.isVisible()
    assert "provisional" in page.banner.text() and "crm " not in page.banner.text()
    page.show_month(date(2027, 1, 1))
    wait_idle(qtbot, lead_ui)
    assert page.month_view.data.days[date(2027, 1, 1)].name == "New Year's Day"
    # The hourly week's header names the day off in full in its tooltip (Friday: column 4).
    page.set_view("week")
    wait_idle(qtbot, lead_ui)
    week = page.week_view
    friday = week.column_rect(4).center().x()
    assert "New Year's Day (provisional)" in week._renewals_tip(QPointF(friday, 5))


def test_today_on_a_day_off_says_so_and_what_comes_next(
    qtbot, book: Book, lead_ui: UiContext
) -> None:
    at(book, date(2027, 2, 6))  # Saturday, in the (provisional) Spring Festival
    visits = VisitService(book.services.ctx)
    visits.plan(book.ids["huaxing"], VisitDraft(visit_on=date(2027, 2, 11), start_time="09:30"))
    page = TodayPage(lead_ui)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.start()
    wait_idle(qtbot, lead_ui)
    assert page.day_off.isVisible() and not page.planned_view.isVisible()
    title, text = page.day_off.title.text(), page.day_off.text.text()
    assert "Spring Festival" in title and "provisional" in title
    assert "Next working day" in text and "Visits planned: 1" in text
    assert "09:30  华兴五金制品厂" in text and "overdue for contact" in text
    assert page.day_off.button.isVisible()
    # A working day with its plan shows the plan, not the day-off state.
    at(book, date(2027, 2, 11))
    page.reload()
    wait_idle(qtbot, lead_ui)
    assert page.planned_view.isVisible() and not page.day_off.isVisible()
