"""Strategic clients in the app, driven by pytest-qt: the service plan panel (a plan made in
its dialog, a refusal said in the dialog, a review marked), the plan reviews on Today, and
the RM scorecard tab of the Team page; each rendered in Chinese and English (set
CRM_SCREENSHOTS to a folder to keep the PNGs)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from crm.demo.builder import build_demo
from crm.domain.service_plans import PlanDraft, next_review
from crm.services.container import open_services
from crm.services.records import UserInfo
from crm.ui.common.context import StartupData, UiContext
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.strategic.plan_panel import ServicePlanPanel
from crm.ui.team.page import TeamPage
from crm.ui.today.page import TAB_KEYS, TodayPage
from tests.ui.helpers import wait_idle


def save(widget: QWidget, name: str, language: str) -> None:
    QApplication.processEvents()
    pixmap = widget.grab()
    assert not pixmap.isNull()
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pixmap.save(str(Path(folder) / f"{name}.{language}.png"))


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp) -> Iterator[str]:
    from crm import i18n
    from crm.ui.common.i18n import install_translators, remove_translators

    installed = install_translators(qapp, request.param) if request.param != "en" else []
    i18n.set_language(request.param)
    yield str(request.param)
    i18n.set_language("en")
    remove_translators(qapp, installed)


def panel_for(qtbot, ui: UiContext, prospect_id: str) -> ServicePlanPanel:
    panel = ServicePlanPanel(ui)
    qtbot.addWidget(panel)
    panel.resize(760, 520)
    panel.show()
    panel.set_prospect(prospect_id)
    wait_idle(qtbot, ui)
    return panel


def test_a_plan_is_made_in_the_dialog_refused_there_and_reviewed(
    qtbot, ui: UiContext, book, language: str
) -> None:
    services = book.services
    meijia = book.ids["meijia"]
    panel = panel_for(qtbot, ui, meijia)
    assert panel.empty.isVisible() and not panel.body.isVisible()
    assert not panel.review_button.isVisible()
    save(panel, "40-service-plan-empty", language)

    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    # Nothing ticked: the service refuses, the dialog says why and stays open.
    dialog.status.setCurrentIndex(dialog.status.findData("active"))
    dialog.submit()
    wait_idle(qtbot, ui)
    assert dialog.isVisible() and dialog.error_box.isVisible()
    assert dialog.error_box.text() in (
        "A service plan names at least one product or service to provide",
        "服务方案至少要列出一项拟提供的产品或服务",
    )
    for row in range(dialog.items.count()):
        item = dialog.items.item(row)
        if item.data(Qt.ItemDataRole.UserRole + 1) in ("settlement", "supply_chain_finance"):
            item.setCheckState(Qt.CheckState.Checked)
    dialog.owner.setCurrentIndex(dialog.owner.findData(book.rms[0].id))
    dialog.notes.setPlainText("上游核心企业在我行，推进应收账款融资")
    save(dialog, "41-service-plan-dialog", language)
    with qtbot.waitSignal(panel.changed, timeout=10_000):
        dialog.submit()
    wait_idle(qtbot, ui)
    plan = services.plans.get(meijia)
    assert plan is not None and plan.status == "active"
    assert plan.items == ("settlement", "supply_chain_finance")
    assert panel.body.isVisible() and panel.review_button.isVisible()
    assert panel.owner_label.text() == book.rms[0].display_name
    assert panel.status_chip.text() in ("active", "生效")
    save(panel, "42-service-plan", language)

    with qtbot.waitSignal(panel.changed, timeout=10_000):
        qtbot.mouseClick(panel.review_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ui)
    today = services.ctx.today()
    reviewed = services.plans.get(meijia)
    assert reviewed is not None and reviewed.reviewed_on == today
    assert reviewed.review_on == next_review(today)


def test_a_plan_whose_review_has_come_is_listed_on_today(
    qtbot, ui: UiContext, book, language: str
) -> None:
    services = book.services
    meijia = book.ids["meijia"]
    today = services.ctx.today()
    services.plans.save(
        meijia,
        PlanDraft(("credit", "payroll"), book.rms[0].id, today + timedelta(days=1), "active"),
    )
    page = TodayPage(ui)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.start()
    wait_idle(qtbot, ui)
    index = TAB_KEYS.index("plans")
    assert page.plans_model.rowCount() == 0
    assert page.tabs.tabText(index).rstrip(")）").endswith("0")
    # The review date comes: the plan is listed, longest waiting first.
    later = services.ctx.now() + timedelta(days=3)
    services.ctx.clock = lambda: later
    page.reload()
    wait_idle(qtbot, ui)
    assert page.plans_model.rowCount() == 1
    assert page.tabs.tabText(index).rstrip(")）").endswith("1")
    assert page.plans_model.rows[0].prospect_id == meijia
    page.show_list("plans")
    save(page, "43-today-plan-reviews", language)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scorecard") / "book.db"
    build_demo(path, prospects=300, seed=11)
    return path


@pytest.fixture
def lead_ui(demo_db: Path, settings: AppSettings, qtbot) -> Iterator[UiContext]:
    from crm.services import reference

    services = open_services(demo_db)
    lead = next(u for u in services.users.all() if u.role == "lead")
    startup = StartupData(lead, services.users.all(), reference.districts(services.ctx))
    services.ctx.actor_id = lead.id
    context = UiContext(services, settings, TaskRunner(), startup)
    yield context
    context.tasks.wait()
    QApplication.processEvents()
    services.close()


def test_the_team_page_s_scorecard_tab_shows_the_services_scores(
    qtbot, lead_ui: UiContext, language: str
) -> None:
    page = TeamPage(lead_ui)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.start()
    tabs = page.team_tabs
    view = tabs.scorecard
    assert view.report is None  # read only when its tab is shown
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        tabs.setCurrentWidget(view)
    lead: UserInfo | None = lead_ui.user
    assert lead is not None
    start, end = page.period_days()
    want = lead_ui.services.scorecard.report(start, end, team=lead.team_id)
    assert view.report == want
    assert view.table.rowCount() == len(want.rows) > 0
    assert [view.table.item(r, 0).text() for r in range(view.table.rowCount())] == [
        row.rm for row in want.rows
    ]
    assert view.table.item(0, 1).text() == f"{want.rows[0].total:.2f}"
    save(page, "44-team-scorecard", language)
    # Other choices: the scores follow the figures.
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        page.set_period("year_to_date")
    start, end = page.period_days()
    assert view.report is not None and view.report.period.start == start
