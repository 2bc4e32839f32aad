"""Today, the calendar and the visit dialogs rendered in Chinese and English at 1366×768.

Set CRM_SCREENSHOTS to a folder to keep the PNGs (to look for clipped text, overlaps and
boxes instead of Chinese characters); without it the pages are still rendered, so a page
that fails to build or paint fails here.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from crm.demo.builder import build_demo
from crm.services.container import open_services
from crm.ui.calendar.page import CalendarPage
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.shell.main_window import MainWindow
from crm.ui.today.page import TodayPage
from crm.ui.visits.dialog import VisitDialog
from crm.ui.visits.hook import install_visits
from crm.ui.visits.plan import PlanDialog
from tests.ui.helpers import wait_idle

SIZE = QSize(1366, 768)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("visit-shots") / "demo.db"
    build_demo(path, prospects=1500, seed=3)
    return path


@pytest.fixture(params=("zh_CN", "en"))
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)


@pytest.fixture
def window(demo_db: Path, language: str, tmp_path: Path, qtbot) -> Iterator[MainWindow]:
    services = open_services(demo_db)
    ui = UiContext(services, AppSettings(tmp_path / "s.ini"), TaskRunner(), load_startup(services))
    win = MainWindow(ui, language=language)
    install_visits(win)
    qtbot.addWidget(win)
    win.resize(SIZE)
    win.show()
    wait_idle(qtbot, ui)
    yield win
    ui.tasks.wait()
    win.close()
    services.close()


def save(widget: QWidget, name: str, language: str) -> QPixmap:
    QApplication.processEvents()
    pixmap = widget.grab()
    assert not pixmap.isNull()
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pixmap.save(str(Path(folder) / f"{name}.{language}.png"))
    return pixmap


def test_today(window: MainWindow, language: str) -> None:
    assert window.current_key() == "today"
    assert save(window, "10-today", language).size() == SIZE


def test_calendar_views(window: MainWindow, language: str, qtbot) -> None:
    page = window.show_page("calendar")
    assert isinstance(page, CalendarPage)
    wait_idle(qtbot, window.ui)
    save(window, "11-calendar-month", language)
    page.set_view("week")
    wait_idle(qtbot, window.ui)
    save(window, "12-calendar-week", language)
    page.set_view("team")  # the lead's team, a lane per RM
    wait_idle(qtbot, window.ui)
    assert len(page.team_view.lanes) > 1
    save(window, "12b-calendar-team-week", language)
    page.set_view("day")
    wait_idle(qtbot, window.ui)
    save(window, "13-day-plan", language)
    page.show_month(date(2027, 2, 1))  # no holidays published for 2027 yet: provisional
    wait_idle(qtbot, window.ui)
    assert page.banner.isVisible()
    save(window, "14-calendar-2027", language)
    page.show_month(date(2027, 1, 1))
    page.set_view("team")
    wait_idle(qtbot, window.ui)
    save(window, "14b-calendar-team-week-new-year-2027", language)
    page.set_view("week")
    wait_idle(qtbot, window.ui)
    save(window, "14c-calendar-week-new-year-2027", language)
    page.show_month(date(2026, 10, 1))  # National Day and its make-up days
    wait_idle(qtbot, window.ui)
    save(window, "15-calendar-national-day", language)


def test_today_on_a_day_off(window: MainWindow, language: str, qtbot) -> None:
    ctx = window.ui.services.ctx
    saturday = datetime.combine(date(2026, 11, 28), time(10, 0), ctx.zone)
    ctx.clock = lambda: saturday
    page = window.show_page("today")
    assert isinstance(page, TodayPage)
    page.reload()
    wait_idle(qtbot, window.ui)
    assert page.day_off.isVisible()
    save(window, "10b-today-day-off", language)
    festival = datetime.combine(date(2027, 2, 8), time(10, 0), ctx.zone)
    ctx.clock = lambda: festival
    page.reload()
    wait_idle(qtbot, window.ui)
    assert page.day_off.isVisible()
    save(window, "10c-today-spring-festival", language)


def _one(db: Path, sql: str) -> str:
    row = sqlite3.connect(db).execute(sql).fetchone()
    assert row is not None
    return str(row[0])


def test_visit_dialogs(window: MainWindow, demo_db: Path, language: str, qtbot) -> None:
    ui = window.ui
    visits = ui.services.visits
    reference = visits.form_reference()
    final = _one(
        demo_db,
        "SELECT id FROM visits WHERE status = 'final' AND kind = 'site' "
        "AND checklist_items != '' ORDER BY id LIMIT 1",
    )
    draft = _one(demo_db, "SELECT id FROM visits WHERE status = 'draft' ORDER BY id LIMIT 1")
    for name, visit_id in (("16-visit-final", final), ("17-visit-draft", draft)):
        dialog = VisitDialog(ui, visits.get(visit_id), reference, window)
        qtbot.addWidget(dialog)
        dialog.resize(1300, 740)
        dialog.show()
        if name.endswith("draft"):
            dialog.form.validate(for_finalize=True)
        save(dialog, name, language)
        dialog._dirty = False
        dialog.close()
    prospect = _one(demo_db, "SELECT prospect_id FROM visits WHERE status = 'planned' LIMIT 1")
    plan = PlanDialog(ui, reference, window, prospect_id=prospect, day=date(2026, 10, 2))
    qtbot.addWidget(plan)
    plan.show()
    wait_idle(qtbot, ui)
    assert plan.day_warning.isVisible()
    save(plan, "18-plan-visit", language)
