"""The calendar page: month, week and day plan views, drag to reschedule, .ics export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from crm.domain.holidays import DayKind, HolidayCalendar
from crm.domain.visits import VisitDraft
from crm.services.calendar_export import uid
from crm.services.visit_rules import package_years
from crm.services.visits import VisitService
from crm.ui.calendar.page import CalendarPage
from crm.ui.calendar.week_view import FIRST_HOUR, GUTTER
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from tests.ui.conftest import Book
from tests.ui.helpers import wait_idle

CAL = HolidayCalendar(package_years())


def working_day_after(day: date) -> date:
    """The next Monday-to-Friday working day after ``day``."""
    current = day + timedelta(days=1)
    while not CAL.is_workday(current) or current.weekday() >= 5:
        current += timedelta(days=1)
    return current


def working_day_before_a_weekend(day: date) -> tuple[date, date]:
    """A working day after ``day`` whose week ends in an ordinary weekend (its Saturday not
    a make-up working day nor a holiday, which the calendar names differently), and that
    Saturday: both in one row of the month."""
    first = working_day_after(day)
    while CAL.kind(first + timedelta(days=5 - first.weekday())) is not DayKind.WEEKEND:
        first = working_day_after(first)
    return first, first + timedelta(days=5 - first.weekday())


@pytest.fixture
def rm_ui(book: Book, settings: AppSettings, qtbot) -> Iterator[UiContext]:
    book.services.users.sign_in(book.rms[0].id)
    context = UiContext(book.services, settings, TaskRunner(), load_startup(book.services))
    yield context
    context.tasks.wait()
    QApplication.processEvents()


@pytest.fixture
def visits(rm_ui: UiContext) -> VisitService:
    return VisitService(rm_ui.services.ctx)


@pytest.fixture
def page(qtbot, rm_ui: UiContext) -> CalendarPage:
    widget = CalendarPage(rm_ui)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.start()
    wait_idle(qtbot, rm_ui)
    return widget


def chip_centre(view, visit_id: str) -> QPoint:
    view.grab()  # paints, which lays the chips out
    rect = next(r for r, v in view.chips if v.id == visit_id)
    return rect.center().toPoint()


def drag(qtbot, view, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    middle = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    qtbot.mouseMove(view, middle)
    qtbot.mouseMove(view, end)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=end)


def cell_centre(page: CalendarPage, day: date) -> QPoint:
    view = page.month_view
    start, _end = view.range_for(view.month)
    return view.cell_rect((day - start).days).center().toPoint()


def test_the_month_shows_planned_visits_and_drag_moves_one(
    qtbot, page: CalendarPage, visits: VisitService, book: Book, rm_ui: UiContext
) -> None:
    first = working_day_after(rm_ui.today())
    target = working_day_after(first)
    plan = visits.plan(book.ids["huaxing"], VisitDraft(visit_on=first, start_time="10:00"))
    page.show_month(first)
    wait_idle(qtbot, rm_ui)
    assert [v.id for v in page.month_view.data.of(first)] == [plan.id]
    with qtbot.waitSignal(page.month_view.moveRequested):
        drag(
            qtbot, page.month_view, chip_centre(page.month_view, plan.id), cell_centre(page, target)
        )
    wait_idle(qtbot, rm_ui)
    moved = visits.get(plan.id)
    assert moved.line.visit_on == target and moved.line.start_time == "10:00"
    assert [v.id for v in page.month_view.data.of(target)] == [plan.id]


def test_dropping_on_a_weekend_asks_first(
    qtbot,
    page: CalendarPage,
    visits: VisitService,
    book: Book,
    rm_ui: UiContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, saturday = working_day_before_a_weekend(rm_ui.today())
    plan = visits.plan(book.ids["huaxing"], VisitDraft(visit_on=first))
    page.show_month(first)
    wait_idle(qtbot, rm_ui)
    asked: list[str] = []

    def answer(no_or_yes):  # type: ignore[no-untyped-def]
        def ask(_parent, _title, text, *_args, **_kw):  # type: ignore[no-untyped-def]
            asked.append(text)
            return no_or_yes

        return ask

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    drag(qtbot, page.month_view, chip_centre(page.month_view, plan.id), cell_centre(page, saturday))
    wait_idle(qtbot, rm_ui)
    assert asked and "weekend" in asked[0]
    assert visits.get(plan.id).line.visit_on == first
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    drag(qtbot, page.month_view, chip_centre(page.month_view, plan.id), cell_centre(page, saturday))
    wait_idle(qtbot, rm_ui)
    assert visits.get(plan.id).line.visit_on == saturday


def test_a_finalized_record_cannot_be_dragged(
    qtbot, page: CalendarPage, visits: VisitService, book: Book, rm_ui: UiContext
) -> None:
    today = rm_ui.today()
    start = visits.start_record(book.ids["huaxing"])
    final = visits.finalize(
        start.id,
        VisitDraft(
            visit_on=today,
            kind="phone",
            purpose="电话回访",
            people_met="王总",
            next_steps="下周上门",
        ),
    )
    page.show_month(today)
    wait_idle(qtbot, rm_ui)
    with qtbot.assertNotEmitted(page.month_view.moveRequested):
        drag(
            qtbot,
            page.month_view,
            chip_centre(page.month_view, final.id),
            cell_centre(page, working_day_after(today)),
        )
    assert visits.get(final.id).line.visit_on == today


def test_the_week_moves_a_visit_to_another_hour(
    qtbot, page: CalendarPage, visits: VisitService, book: Book, rm_ui: UiContext
) -> None:
    first = working_day_after(rm_ui.today())
    plan = visits.plan(book.ids["meijia"], VisitDraft(visit_on=first, start_time="09:00"))
    page.anchor = first
    page.set_view("week")
    wait_idle(qtbot, rm_ui)
    view = page.week_view
    column = view.column_rect(first.weekday())
    y = view._grid_top() + (15 - FIRST_HOUR + 0.25) * view._hour_height()
    drag(qtbot, view, chip_centre(view, plan.id), QPointF(column.center().x(), y).toPoint())
    wait_idle(qtbot, rm_ui)
    assert visits.get(plan.id).line.start_time == "15:00"
    assert column.left() >= GUTTER


def test_the_day_plan_groups_visits_by_district(
    qtbot, page: CalendarPage, visits: VisitService, book: Book, rm_ui: UiContext
) -> None:
    day = working_day_after(rm_ui.today())
    visits.plan(book.ids["huaxing"], VisitDraft(visit_on=day, start_time="14:00"))
    visits.plan(book.ids["meijia"], VisitDraft(visit_on=day, start_time="09:00"))
    page.show_day(day)
    wait_idle(qtbot, rm_ui)
    tree = page.day_view.tree
    heads = [tree.topLevelItem(n).text(0) for n in range(tree.topLevelItemCount())]
    assert heads[0].startswith("Shunde")  # in the UI's language
    assert len(heads) == 2 and all(h.endswith(" · 1 visit") for h in heads)


def test_a_year_without_published_holidays_is_said_so(
    qtbot, page: CalendarPage, rm_ui: UiContext
) -> None:
    page.show_month(date(2027, 1, 15))
    wait_idle(qtbot, rm_ui)
    assert page.banner.isVisible() and "2027" in page.banner.text()
    page.show_month(date(2026, 10, 1))
    wait_idle(qtbot, rm_ui)
    assert not page.banner.isVisible()
    info = page.month_view.data.days[date(2026, 10, 1)]
    assert info.name == "National Day"


def test_export_writes_an_ics_with_the_shown_visits(
    qtbot,
    page: CalendarPage,
    visits: VisitService,
    book: Book,
    rm_ui: UiContext,
    tmp_path: Path,
) -> None:
    day = working_day_after(rm_ui.today())
    plan = visits.plan(book.ids["huaxing"], VisitDraft(visit_on=day, start_time="10:00"))
    target = tmp_path / "mine.ics"
    page.export_ics(str(target))
    wait_idle(qtbot, rm_ui)
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    # The book's loans add their renewal reminders (续贷) as events of their own, and the
    # days off of the range theirs.
    shown = [
        str(e["uid"]) for e in events if not str(e["uid"]).startswith(("renewal-", "holiday-"))
    ]
    assert any(str(e["uid"]).startswith("holiday-") for e in events)
    assert shown == [uid(plan.id)]
