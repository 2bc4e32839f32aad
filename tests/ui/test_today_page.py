"""Today on the demo database, its notifications, and the window opening on it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from crm.demo.builder import build_demo
from crm.domain.visits import VisitDraft
from crm.services.container import Services, open_services
from crm.services.today import TodayService
from crm.services.visits import VisitService
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.shell.main_window import MainWindow
from crm.ui.today.page import TodayPage
from crm.ui.visits.hook import install_visits
from tests.ui.helpers import wait_idle


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("today") / "demo.db"
    build_demo(path, prospects=1200, seed=21)  # today in Shanghai, as the app sees it
    return path


@pytest.fixture
def services(demo_db: Path, tmp_path: Path) -> Iterator[Services]:
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_db.read_bytes())
    opened = open_services(copy)
    yield opened
    opened.close()


@pytest.fixture
def ui(services: Services, settings: AppSettings, qtbot) -> Iterator[UiContext]:
    context = UiContext(services, settings, TaskRunner(), load_startup(services))
    yield context
    context.tasks.wait()
    QApplication.processEvents()


@pytest.fixture
def page(qtbot, ui: UiContext) -> TodayPage:
    widget = TodayPage(ui)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.start()
    wait_idle(qtbot, ui)
    return widget


def test_today_on_the_demo_database_lists_what_the_team_has_to_do(
    page: TodayPage, ui: UiContext
) -> None:
    assert ui.user is not None and ui.user.role == "lead"
    expected = TodayService(ui.services.ctx).summary(page.scope.scope())
    summary = page.summary
    assert summary is not None
    assert summary.overdue_count == expected.overdue_count > 0
    assert page.cards["overdue"].number.text() == f"{expected.overdue_count:,}"
    assert page.cards["planned"].number.text() == str(len(expected.planned))
    assert page.planned_model.rowCount() == len(expected.planned) > 0
    assert page.overdue_model.rowCount() == min(expected.overdue_count, 200)
    assert page.stalled_model.rowCount() > 0 and page.late_model.rowCount() > 0
    first = page.overdue_model.rows[0]
    assert first.overdue_days == max(p.overdue_days for p in expected.overdue)
    assert page.tabs.tabText(0).endswith(f"({expected.overdue_count:,})")


def test_the_models_pass_qt_model_checks(page: TodayPage, qtmodeltester) -> None:
    for model in (page.planned_model, page.overdue_model, page.stalled_model):
        qtmodeltester.check(model)


def test_scope_switches_to_one_rm(qtbot, page: TodayPage, ui: UiContext) -> None:
    team = page.summary
    assert team is not None
    page.scope.setCurrentIndex(2)  # the first RM of the team
    wait_idle(qtbot, ui)
    mine = page.summary
    assert mine is not None and mine.overdue_count < team.overdue_count
    assert {p.rm_name for p in mine.overdue} == {page.scope.currentText()}


def test_cards_show_their_lists(qtbot, page: TodayPage) -> None:
    qtbot.mouseClick(page.cards["stalled"], Qt.MouseButton.LeftButton)
    assert page.tabs.currentIndex() == 3
    assert page.cards["stalled"].property("selected") is True


def test_start_up_notification_degrades_to_the_status_bar_offscreen(qtbot, ui: UiContext) -> None:
    page = TodayPage(ui)
    qtbot.addWidget(page)
    messages: list[str] = []
    page.message.connect(messages.append)
    page.show()
    page.start()
    assert page.notifier is not None and not page.notifier.available  # no tray offscreen
    wait_idle(qtbot, ui)
    assert messages and re.search(r"\b\d+ visits? planned today", messages[0])
    assert re.search(r"\b\d+ prospects? overdue for contact", messages[0])
    assert "(s)" not in messages[0]


def test_a_visit_about_to_start_is_announced_once(qtbot, page: TodayPage, ui: UiContext) -> None:
    assert page.notifier is not None
    now = ui.services.ctx.now().astimezone(ui.zone).replace(second=0, microsecond=0)
    if now.hour >= 23:
        pytest.skip("too close to midnight for a visit later today")
    soon = (now + timedelta(minutes=10)).strftime("%H:%M")
    assert page.summary is not None
    prospect = page.summary.overdue[0]
    VisitService(ui.services.ctx).plan(
        prospect.id, VisitDraft(visit_on=now.date(), start_time=soon)
    )
    seen: list[tuple[str, str]] = []
    page.notifier.notified.connect(lambda title, text: seen.append((title, text)))
    page.notifier.check(now)
    wait_idle(qtbot, ui)
    page.notifier.check(now)
    wait_idle(qtbot, ui)
    # The demo book may hold visits of its own starting soon (it depends on the hour the
    # test runs): only this prospect's are counted.
    ours = [title for title, text in seen if text.startswith(f"{prospect.name} — ")]
    assert ours == [f"Visit at {soon}"]


def test_the_window_opens_on_today_with_the_export_in_the_file_menu(qtbot, ui: UiContext) -> None:
    ui.settings.last_page = "pipeline"
    window = MainWindow(ui)
    qtbot.addWidget(window)
    action = install_visits(window)
    window.show()
    wait_idle(qtbot, ui)
    assert window.current_key() == "today"
    assert isinstance(window.current_page(), TodayPage)
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()
    assert [s.key for s in window.specs][:1] == ["today"]
    assert "calendar" in [s.key for s in window.specs]
