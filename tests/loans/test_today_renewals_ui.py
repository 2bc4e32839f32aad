"""Today's Renewals card and tab, driven by pytest-qt: a reminder that passed while the
laptop was off is there, overdue, when the page opens."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from loan_helpers import Clock
from PySide6.QtWidgets import QApplication

from crm.services.container import Services
from crm.services.loans import LoanDraft
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.today.page import TAB_KEYS, TodayPage


@pytest.fixture
def ui(services: Services, tmp_path: Path, qtbot) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    context = UiContext(
        services, AppSettings(tmp_path / "settings.ini"), TaskRunner(), load_startup(services)
    )
    yield context
    context.tasks.wait()
    QApplication.processEvents()


def test_the_renewals_tab_lists_a_reminder_missed_while_the_laptop_was_off(
    qtbot,  # type: ignore[no-untyped-def]
    ui: UiContext,
    services: Services,
    prospect: str,
    clock: Clock,
) -> None:
    draft = LoanDraft(80_000_000, 385, date(2025, 9, 23), date(2026, 9, 23), "basic")
    loan = services.loans.record(prospect, draft)
    clock.to_day(date(2026, 8, 27))  # the 30-day reminder (24 August) passed meanwhile
    page = TodayPage(ui)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: ui.tasks.pending() == 0 and page.summary is not None)
    assert page.cards["renewals"].number.text() == "1"
    [row] = page.renewals_model.rows
    assert (row.loan_id, row.reminder, row.overdue_days) == (loan.id, 30, 3)
    page.show_list("renewals")
    assert page.tabs.currentIndex() == TAB_KEYS.index("renewals")
    assert page.tabs.tabText(page.tabs.currentIndex()).endswith("(1)")


def test_the_calendar_shows_the_days_renewal_reminders(qtbot) -> None:  # type: ignore[no-untyped-def]
    from crm.services.loans import RenewalEvent
    from crm.ui.calendar.common import CalendarData
    from crm.ui.calendar.day_view import DayView
    from crm.ui.calendar.month_view import MonthView

    day = date(2026, 8, 24)
    events = [
        RenewalEvent("L1", "P1", "佛山市南海区华兴五金制品厂", None, date(2026, 9, 23), 30, day, 1),
        RenewalEvent("L2", "P2", "顺德区美嘉家具有限公司", None, day, 0, day, 1),
    ]
    month = MonthView()
    qtbot.addWidget(month)
    start, end = month.range_for(day)
    month.resize(900, 600)
    month.set_data(day, CalendarData(start, end, day, renewals=events))
    month.grab()  # paints
    [(_rect, marked)] = month.renewal_marks
    assert [e.loan_id for e in marked] == ["L1", "L2"]
    view = DayView()
    qtbot.addWidget(view)
    view.set_data(day, CalendarData(day, day, day, renewals=events), [])
    assert not view.renewals.isHidden()
    assert "华兴五金" in view.renewals.text() and "30" in view.renewals.text()
