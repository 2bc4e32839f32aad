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
