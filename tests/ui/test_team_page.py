"""The Team page (issue #17 item 3) over a real demo book: a lead's figures are the service's,
a drill-down lists the prospects behind a figure, the Excel export reads back, the page
speaks Chinese (a complete catalogue), and it fits a 1366×768 screen."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QWidget,
)
from sqlalchemy import text

from crm.demo.builder import build_demo
from crm.services.container import Services, open_services
from crm.services.records import UserInfo
from crm.ui.common.context import StartupData, UiContext
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.team.page import TeamPage
from tests.ui.helpers import wait_idle

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "team_zh_CN.ts"
QM = TS.with_suffix(".qm")
SOURCES = sorted((ROOT / "crm" / "ui" / "team").glob("*.py"))
PLACEHOLDER = re.compile(r"\{\w*\}")
INJECTED = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo book of 300 prospects; one maturing customer's name could start a formula."""
    path = tmp_path_factory.mktemp("team") / "book.db"
    build_demo(path, prospects=300, seed=7)
    services = open_services(path)
    try:
        today = services.ctx.today()
        figures = services.reports.pipeline_figures(today.replace(day=1), today)
        victim = figures.maturities.listed[0].prospect_id
        with services.ctx.db.transaction() as s:
            s.execute(
                text("UPDATE prospects SET name = :n WHERE id = :id"), {"n": INJECTED, "id": victim}
            )
    finally:
        services.close()
    return path


@pytest.fixture
def services(demo_db: Path) -> Iterator[Services]:
    s = open_services(demo_db)
    yield s
    s.close()


@pytest.fixture
def lead(services: Services) -> UserInfo:
    # The lead of the team with the most RMs (the demo's teams are of a similar size).
    return next(u for u in services.users.all() if u.role == "lead")


@pytest.fixture
def lead_ui(
    services: Services, lead: UserInfo, settings: AppSettings, qtbot
) -> Iterator[UiContext]:
    from crm.services import reference

    startup = StartupData(lead, services.users.all(), reference.districts(services.ctx))
    context = UiContext(services, settings, TaskRunner(), startup)
    yield context
    context.tasks.wait()
    QApplication.processEvents()


def open_page(qtbot, ui: UiContext) -> TeamPage:
    page = TeamPage(ui)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.start()
    return page


def cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_a_lead_sees_their_team_and_the_services_figures(
    qtbot, lead_ui: UiContext, services: Services, lead: UserInfo
) -> None:
    page = open_page(qtbot, lead_ui)
    choices = [page.scope.itemData(n) for n in range(page.scope.count())]
    team_rms = sorted(
        u.username for u in services.users.all() if u.role == "rm" and u.team_id == lead.team_id
    )
    assert choices[0] == ("team", lead.team_id)
    assert sorted(key for kind, key in choices[1:]) == team_rms
    assert all(kind == "rm" for kind, _key in choices[1:])

    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.set_period("year_to_date")
    today = services.ctx.today()
    assert page.period_days() == (date(today.year, 1, 1), today)
    want = services.reports.pipeline_figures(date(today.year, 1, 1), today, team=lead.team_id)
    assert page.figures == want
    stages = {row[0]: row[1] for row in cells(page.stage_table)}
    from crm.ui.common.labels import stage as stage_name

    for code, count in want.stages.items():
        assert stages[stage_name(code)] == str(count)
    assert [row[1] for row in cells(page.funnel_table)] == [
        str(s.reached) for s in want.funnel.steps
    ]
    assert [row[1] for row in cells(page.first_table)] == [
        str(want.first_loans.this_period),
        str(want.first_loans.same_period_last_year),
    ]
    assert [(r[0], r[2], r[3], r[5]) for r in cells(page.visit_table)] == [
        (v.rm, str(v.done), str(v.due), str(v.overdue_prospects)) for v in want.visits
    ]
    assert page.cards["prospects"].value.text() == str(want.prospects)
    assert page.cards["two_increases"].value.text() == (
        "Met" if want.two_increases.met else "Not met"
    )
    # The charts show the same numbers.
    bars = page.visit_chart.sets
    assert [int(bars[0].at(n)) for n in range(bars[0].count())] == [v.done for v in want.visits]

    # One RM of the team: the figures are theirs.
    rm = team_rms[0]
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.choose("rm", rm)
    assert page.figures == services.reports.pipeline_figures(date(today.year, 1, 1), today, rm=rm)


def test_drill_downs_list_the_prospects_behind_each_figure(
    qtbot, lead_ui: UiContext, services: Services, lead: UserInfo, tmp_path: Path
) -> None:
    page = open_page(qtbot, lead_ui)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.set_period("year_to_date")
    f = page.figures
    assert f is not None
    team = {u.display_name for u in services.users.all() if u.team_id == lead.team_id}

    # Prospects at first-loan: a double-click on the count.
    row = _row_of(page.stage_table, "first_loan")
    page.stage_table.cellDoubleClicked.emit(row, 1)
    dialog = page.drill_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.status.text() != "Loading…", timeout=10_000)
    assert len(dialog.lines) == f.stages["first_loan"] > 0
    assert {line.stage for line in dialog.lines} == {"first_loan"}
    assert {line.rm for line in dialog.lines} <= team
    for line in dialog.lines:
        assert services.prospects.get(line.prospect_id).stage == "first_loan"
    # The list exports to Excel as shown.
    target = tmp_path / "list.xlsx"
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        dialog.export_excel(target)
    from openpyxl import load_workbook

    ws = load_workbook(target).active
    assert ws.freeze_panes == "A2"
    listed = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert listed == [line.name for line in dialog.lines]

    # An RM's prospects overdue for contact.
    busiest = max(range(len(f.visits)), key=lambda n: f.visits[n].overdue_prospects)
    page.visit_table.cellDoubleClicked.emit(busiest, 5)
    dialog = page.drill_dialog
    qtbot.waitUntil(lambda: dialog.status.text() != "Loading…", timeout=10_000)
    assert len(dialog.lines) == f.visits[busiest].overdue_prospects
    assert {line.rm for line in dialog.lines} <= {f.visits[busiest].rm}
    today = services.ctx.today().isoformat()
    assert all(line.next_visit_due < today for line in dialog.lines)

    # New first-loan customers: the card; and the ones of last year from the table.
    page.cards["first_loans"].clicked.emit()
    dialog = page.drill_dialog
    qtbot.waitUntil(lambda: dialog.status.text() != "Loading…", timeout=10_000)
    assert len(dialog.lines) == f.first_loans.this_period
    page.first_table.cellDoubleClicked.emit(1, 1)
    dialog = page.drill_dialog
    qtbot.waitUntil(lambda: dialog.status.text() != "Loading…", timeout=10_000)
    assert len(dialog.lines) == f.first_loans.same_period_last_year

    # A cell without prospects behind it opens nothing.
    page.stage_table.cellDoubleClicked.emit(row, 0)
    assert page.drill_dialog is dialog

    # Opening a prospect from the list asks the window to show it.
    with qtbot.waitSignal(page.openProspect, timeout=2_000) as opened:
        dialog.open_row(0)
    assert opened.args == [dialog.lines[0].prospect_id]
    wait_idle(qtbot, lead_ui)


def test_the_non_performing_ratio_drills_down_to_its_customers(
    qtbot, lead_ui: UiContext, services: Services, lead: UserInfo
) -> None:
    from crm.services.team import Drill, TeamService
    from crm.ui.common import fmt
    from crm.ui.team.page import rate

    # A loan of the lead's team graded doubtful through the loan service.
    today = services.ctx.today()
    borrowers = TeamService(services.ctx).prospects(
        Drill("borrowers"), date(today.year, 1, 1), today, team=lead.team_id
    )
    loan = next(
        lo
        for line in borrowers
        for lo in services.loans.of_prospect(line.prospect_id)
        if lo.status == "active" and not lo.non_performing
    )
    services.loans.reclassify(loan.id, "doubtful")

    page = open_page(qtbot, lead_ui)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.set_period("year_to_date")
    npl = page.figures.npl
    assert npl.all_npl_fen >= loan.balance_fen > 0
    assert page.cards["npl"].value.text() == rate(npl.inclusive_ratio_bp) != rate(0)
    assert cells(page.npl_table)[1][1:] == [
        fmt.money(npl.all_npl_fen),
        fmt.money(npl.all_balance_fen),
        rate(npl.all_ratio_bp),
    ]
    page.cards["npl"].clicked.emit()
    dialog = page.drill_dialog
    qtbot.waitUntil(lambda: dialog.status.text() != "Loading…", timeout=10_000)
    listed = {line.prospect_id for line in dialog.lines}
    assert loan.prospect_id in listed
    for pid in listed:
        assert any(
            lo.non_performing and lo.status in ("active", "overdue")
            for lo in services.loans.of_prospect(pid)
        )
    # The table's non-performing balance opens the same list.
    page.npl_table.cellDoubleClicked.emit(1, 1)
    qtbot.waitUntil(lambda: page.drill_dialog is not dialog, timeout=5_000)
    again = page.drill_dialog
    qtbot.waitUntil(lambda: again.status.text() != "Loading…", timeout=10_000)
    assert {line.prospect_id for line in again.lines} == listed
    wait_idle(qtbot, lead_ui)


def test_a_lead_reassigns_prospects_between_the_teams_rms_from_a_drill_down(
    qtbot, demo_db: Path, tmp_path: Path, settings: AppSettings
) -> None:
    from crm.services import reference

    copy = tmp_path / "book.db"
    shutil.copy(demo_db, copy)
    services = open_services(copy)
    try:
        lead = next(u for u in services.users.all() if u.role == "lead")
        startup = StartupData(lead, services.users.all(), reference.districts(services.ctx))
        ui = UiContext(services, settings, TaskRunner(), startup)
        page = open_page(qtbot, ui)
        targets = page.reassign_targets()
        assert targets and {u.team_id for u in targets} == {lead.team_id}
        assert {u.role for u in targets} == {"rm"}
        f = page.figures
        assert f is not None
        row = max(range(len(f.visits)), key=lambda n: f.visits[n].overdue_prospects)
        giver = f.visits[row]
        taker = next(u for u in targets if u.id != giver.rm_id)
        page.visit_table.cellDoubleClicked.emit(row, 5)
        dialog = page.drill_dialog
        qtbot.waitUntil(lambda: bool(dialog.lines), timeout=10_000)
        assert dialog.reassign_button.isVisible() and dialog.reassign_button.isEnabled()
        moved = dialog.lines[0].prospect_id
        dialog.table.selectRow(0)
        with services.ctx.db.reading() as s:
            ops_before = s.execute(
                text("SELECT count(*) FROM outbox WHERE entity_id = :id"), {"id": moved}
            ).scalar_one()
        dialog.ask_reassign()
        chooser = dialog.assign_dialog
        assert chooser is not None
        chooser.select(taker.id)
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            chooser.ok.click()
        qtbot.waitUntil(lambda: moved not in {x.prospect_id for x in dialog.lines}, timeout=5_000)
        assert services.prospects.get(moved).rm_id == taker.id
        with services.ctx.db.reading() as s:
            ops_after = s.execute(
                text("SELECT count(*) FROM outbox WHERE entity_id = :id"), {"id": moved}
            ).scalar_one()
        assert ops_after > ops_before  # the change goes to head office with the next sync
        after = {v.rm_id: v.overdue_prospects for v in page.figures.visits}
        assert after[giver.rm_id] == giver.overdue_prospects - 1
        wait_idle(qtbot, ui)
    finally:
        services.close()


def test_an_rm_is_offered_no_reassigning(qtbot, services: Services, settings: AppSettings) -> None:
    from crm.services import reference

    rm = next(u for u in services.users.all() if u.role == "rm")
    startup = StartupData(rm, services.users.all(), reference.districts(services.ctx))
    ui = UiContext(services, settings, TaskRunner(), startup)
    page = open_page(qtbot, ui)
    assert [page.scope.itemData(n) for n in range(page.scope.count())] == [("rm", rm.username)]
    assert page.reassign_targets() == []
    page.cards["prospects"].clicked.emit()
    dialog = page.drill_dialog
    qtbot.waitUntil(lambda: bool(dialog.lines), timeout=10_000)
    assert not dialog.reassign_button.isVisible()
    assert {line.rm for line in dialog.lines} == {rm.display_name}
    wait_idle(qtbot, ui)


def _row_of(table, stage: str) -> int:
    from crm.ui.common.labels import stage as stage_name

    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == stage_name(stage))


def test_excel_export_reads_back(
    qtbot, tmp_path: Path, services: Services, settings: AppSettings
) -> None:
    from openpyxl import load_workbook

    from crm.services import reference

    admin = next(u for u in services.users.all() if u.role == "admin")
    startup = StartupData(admin, services.users.all(), reference.districts(services.ctx))
    ui = UiContext(services, settings, TaskRunner(), startup)
    page = open_page(qtbot, ui)
    assert page.scope.currentData() == ("book", "")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.set_period("year_to_date")
    target = tmp_path / "team.xlsx"
    with qtbot.waitSignal(page.exported, timeout=10_000):
        page.export_excel(target)
    line = services.audit.lines(action="export")[0]
    assert line.detail["format"] == "xlsx" and line.detail["sheets"] >= 2
    f = page.figures
    assert f is not None
    book = load_workbook(target)
    assert book.sheetnames == [
        "Summary",
        "Stages",
        "Funnel",
        "Visits",
        "Maturities",
        "Two increases",
        "Non-performing loans",
    ]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
        assert [c for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
    stages = {r[0]: r[1] for r in book["Stages"].iter_rows(min_row=2, values_only=True)}
    assert sum(stages.values()) == f.prospects
    visits = list(book["Visits"].iter_rows(min_row=2, values_only=True))
    assert [(v[0], v[2], v[3]) for v in visits] == [(v.rm, v.done, v.due) for v in f.visits]
    assert book["Visits"]["E2"].number_format == "0.00%"
    names = [r[0].value for r in book["Maturities"].iter_rows(min_row=2)]
    assert "'" + INJECTED in names and INJECTED not in names
    balances = [r[3] for r in book["Maturities"].iter_rows(min_row=2, values_only=True)]
    assert balances == [m.balance_fen / 100 for m in f.maturities.listed]
    assert book["Maturities"]["D2"].number_format == "#,##0.00"
    assert not list(tmp_path.glob(".*.part"))
    ui.tasks.wait()


def test_the_window_lists_the_team_page_and_opens_a_prospect_from_it(
    qtbot, lead_ui: UiContext
) -> None:
    from crm.ui.shell.main_window import MainWindow

    window = MainWindow(lead_ui)
    qtbot.addWidget(window)
    assert window.specs[-1].key == "team"
    page = window.show_page("team")
    assert isinstance(page, TeamPage)
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    page.stage_table.cellDoubleClicked.emit(_row_of(page.stage_table, "no_loan"), 1)
    dialog = page.drill_dialog
    qtbot.waitUntil(lambda: bool(dialog.lines), timeout=10_000)
    dialog.open_row(0)
    assert window.current_key() == "prospects"
    wait_idle(qtbot, lead_ui)


def test_the_pdf_button_opens_the_pipeline_report_of_what_is_shown(
    qtbot, lead_ui: UiContext, lead: UserInfo
) -> None:
    page = open_page(qtbot, lead_ui)
    dialog = page.open_pdf()
    assert dialog.scope.currentData() == ("team", lead.team_id)
    assert dialog.period.period() == page.period_days()
    with qtbot.waitSignal(dialog.viewer.loaded, timeout=30_000):
        pass
    assert dialog.viewer.file_name.endswith(".pdf")
    dialog.close()
    wait_idle(qtbot, lead_ui)


# -- Chinese and the screen -------------------------------------------------------------------


@pytest.fixture(params=("zh_CN", "en"))
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)


def shoot(widget: QWidget, name: str, language: str) -> None:
    pixmap = widget.grab()
    assert not pixmap.isNull()
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pixmap.save(str(Path(folder) / f"{name}.{language}.png"))
    clipped = [
        (type(w).__name__, w.text())
        for kind in (QPushButton, QCheckBox, QLabel)
        for w in widget.findChildren(kind)
        if w.isVisible()
        and w.text()
        and not (isinstance(w, QLabel) and w.wordWrap())
        and w.width() < w.sizeHint().width()
    ]
    assert clipped == []


def test_screenshots(qtbot, lead_ui: UiContext, language: str) -> None:
    from crm.ui.shell.main_window import MainWindow

    window = MainWindow(lead_ui, language=language)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    page = window.show_page("team")
    assert isinstance(page, TeamPage)
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    if language == "zh_CN":
        assert page.title() == "团队"
        assert page.cards["prospects"].title.text() == "客户"
    qtbot.wait(100)
    shoot(window, "team-1-page", language)
    # The whole of the page's scrolled body, below the first screen too.
    shoot(page.findChild(QScrollArea).widget(), "team-2-body", language)
    page.stage_table.cellDoubleClicked.emit(_row_of(page.stage_table, "no_loan"), 1)
    dialog = page.drill_dialog
    qtbot.waitUntil(lambda: bool(dialog.lines), timeout=10_000)
    shoot(dialog, "team-3-drill", language)
    wait_idle(qtbot, lead_ui)


# -- the catalogue ----------------------------------------------------------------------------


def messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(path).getroot()
    return [
        (context.findtext("name") or "", message.findtext("source") or "", message)
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def translated(m: ET.Element) -> str:
    """A message's translation; a plural one's forms (numerusform), one a line."""
    found = m.find("translation")
    if found is None:
        return ""
    forms = found.findall("numerusform")
    return "\n".join(f.text or "" for f in forms) if forms else (found.text or "")


def test_every_string_is_translated_with_its_placeholders() -> None:
    unfinished = [
        (context, source)
        for context, source, m in messages(TS)
        if m.find("translation") is None
        or m.find("translation").get("type") in ("unfinished", "obsolete", "vanished")
        or not translated(m).strip()
    ]
    assert unfinished == []
    wrong = [
        (source, translated(m))
        for _context, source, m in messages(TS)
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated(m)))
    ]
    assert wrong == []


def _lupdate() -> str | None:
    found = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    return found or shutil.which("pyside6-lupdate")


@pytest.mark.skipif(_lupdate() is None, reason="pyside6-lupdate is not installed")
def test_catalogue_has_every_string_of_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [_lupdate(), "-locations", "none", *map(str, SOURCES), "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    in_code = {(c, s) for c, s, _m in messages(fresh)}
    in_catalogue = {(c, s) for c, s, _m in messages(TS)}
    assert in_code - in_catalogue == set(), "run pyside6-lupdate and translate the new strings"
    assert in_catalogue - in_code == set(), "strings no longer in the code: run with -no-obsolete"


def test_compiled_catalogue_matches_the_source(qapp) -> None:
    from crm.ui.common.i18n import feature_catalogues

    translator = QTranslator()
    assert translator.load(str(QM))
    for context, source, m in messages(TS):
        # A plural message is looked up with a count (Chinese has one form for all).
        count = 1 if m.get("numerus") == "yes" else -1
        assert translator.translate(context, source, None, count) == translated(m), (
            f"{QM.name} is older than {TS.name}: run pyside6-lrelease"
        )
    assert QM in feature_catalogues("zh_CN")
