"""No dead ends, one language and format (issue #18, items 7 and 8).

Sync now from the window against a real head office on 127.0.0.1 and the status bar's last
sync; an offline sync saying why and keeping the changes; the conflicts page's empty state;
plural forms and the date format of each language; every string of the UI translated.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from PySide6.QtWidgets import QApplication

from crm.domain.prospect import ProspectDraft
from crm.services.container import Services, open_services
from crm.ui.common import fmt
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.common.widgets import EmptyState
from crm.ui.shell.main_window import MainWindow
from crm.ui.shell.page import default_pages
from crm.ui.sync.conflicts import ConflictsView
from crm.ui.sync.controller import SyncView
from crm.ui.sync.indicator import SyncIndicator
from tests.sync.harness import PASSWORD, Device, MemoryKeyring, Server, seed_people, start_server

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "resources" / "i18n"


@pytest.fixture(scope="module")
def ho(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(f"sqlite:///{tmp_path_factory.mktemp('ho') / 'ho.db'}")
    seed_people(server.admin)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def ring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)


@pytest.fixture
def tasks(qapp: QApplication) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait()
    QApplication.processEvents()


# -- sync now ---------------------------------------------------------------------------------


def _signed_in_book(path: Path, url: str) -> Services:
    services = open_services(path, create=True)
    services.sync.sign_in(url, "wangfang", PASSWORD, "wangfang-laptop")
    return services


def _window(qtbot, services: Services, tmp_path: Path) -> MainWindow:
    ui = UiContext(services, AppSettings(tmp_path / "s.ini"), TaskRunner(), load_startup(services))
    conflicts = [s for s in default_pages() if s.key == "sync_conflicts"]
    window = MainWindow(ui, pages=conflicts)
    qtbot.addWidget(window)
    window.show()
    return window


def _save(window: MainWindow, name: str, language: str) -> None:
    """The window at 1366×768 under CRM_SCREENSHOTS, to look at the status bar."""
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        window.resize(1366, 768)
        QApplication.processEvents()
        Path(folder).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(folder) / f"{name}.{language}.png"))


def _close(window: MainWindow) -> None:
    controller = window.sync_controller
    if controller is not None:
        controller.stop()  # type: ignore[attr-defined]
    window.ui.tasks.wait()
    window.close()
    window.ui.services.close()


def test_sync_now_runs_and_the_status_bar_says_when(qtbot, ho: Server, tmp_path, language):
    services = _signed_in_book(tmp_path / "book.db", ho.url)
    window = _window(qtbot, services, tmp_path)
    try:
        qtbot.waitUntil(lambda: window.sync_action.isEnabled(), timeout=10_000)
        assert window.sync_action.shortcut().toString() == "F9"
        assert window.sync_action.text() == ("立即同步(&Y)" if language == "zh_CN" else "S&ync now")
        # The sync at start-up: the status bar says when it was.
        qtbot.waitUntil(lambda: services.sync.status().last_sync is not None, timeout=10_000)
        indicator = window.sync_indicator  # type: ignore[attr-defined]
        first = services.sync.status().last_sync
        assert first is not None
        shown = fmt.local(first)
        expected = {
            "en": f"Last sync: today {shown:%H:%M}",
            "zh_CN": f"上次同步：今天 {shown:%H:%M}",
        }[language]
        if shown.date() != fmt.today():  # a sync just before midnight, seen just after
            pytest.skip("the day changed during the test")
        qtbot.waitUntil(lambda: indicator.button.text() == expected, timeout=10_000)

        # A change made on this computer waits, then goes with File ▸ Sync now.
        services.prospects.create(ProspectDraft(name="佛山市南海区立即同步五金厂"))
        assert services.sync.status().pending == 1
        window.sync_action.trigger()
        qtbot.waitUntil(lambda: services.sync.status().pending == 0, timeout=10_000)
        qtbot.waitUntil(
            lambda: (
                window.sync_controller.last.state is not None  # type: ignore[attr-defined]
                and window.sync_controller.last.state.state == "synced"
            ),  # type: ignore[attr-defined]
            timeout=10_000,
        )
        last = services.sync.status().last_sync
        assert last is not None and last >= first
        expected_now = expected.replace(f"{shown:%H:%M}", f"{fmt.local(last):%H:%M}")
        qtbot.waitUntil(lambda: indicator.button.text() == expected_now, timeout=10_000)
        assert not indicator.progress.isVisible()
        _save(window, "sync-now-status-bar", language)
    finally:
        _close(window)


def test_sync_now_offline_says_why_and_keeps_the_changes(qtbot, tmp_path, language):
    server = start_server(f"sqlite:///{tmp_path / 'gone.db'}")
    seed_people(server.admin)
    services = _signed_in_book(tmp_path / "book.db", server.url)
    server.stop()  # head office is unreachable from now on
    services.prospects.create(ProspectDraft(name="佛山市禅城区离线陶瓷经营部"))
    window = _window(qtbot, services, tmp_path)
    try:
        qtbot.waitUntil(lambda: window.sync_action.isEnabled(), timeout=10_000)
        window.sync_action.trigger()
        indicator = window.sync_indicator  # type: ignore[attr-defined]
        waiting = {"en": "Offline — 1 change waiting", "zh_CN": "离线 — 1 项修改待发送"}
        qtbot.waitUntil(lambda: indicator.button.text() == waiting[language], timeout=15_000)
        kept = {"en": "Your changes are kept on this computer", "zh_CN": "您的修改保存在本机"}
        qtbot.waitUntil(lambda: kept[language] in window.status.currentMessage(), timeout=5000)
        assert "Traceback" not in window.status.currentMessage()
        assert services.sync.status().pending == 1  # nothing lost
        _save(window, "sync-offline-status-bar", language)
    finally:
        _close(window)


# -- the conflicts page -----------------------------------------------------------------------


def test_conflicts_page_shows_an_empty_state_until_there_is_a_conflict(
    qtbot, ho: Server, tmp_path, language, tasks
):
    from tests.ui.test_sync_ui import _two_conflicts

    a, b = _two_conflicts(ho, tmp_path)
    c = Device(tmp_path / "c.db", ho.url, "liqiang")
    c.sign_in()
    c.run()
    empty_view = ConflictsView(c.sync, tasks)
    qtbot.addWidget(empty_view)
    empty_view.resize(900, 560)
    empty_view.show()
    empty_view.reload()
    qtbot.waitUntil(lambda: tasks.pending() == 0, timeout=5000)
    assert isinstance(empty_view.empty, EmptyState)
    assert empty_view.empty.isVisible()
    assert not empty_view.table.isVisible() and not empty_view.detail.isVisible()
    assert not empty_view.accept_button.isVisible()
    title = {"en": "No sync conflicts", "zh_CN": "没有同步冲突"}[language]
    assert empty_view.empty.title.text() == title
    assert empty_view.empty.button.text() == ("立即同步" if language == "zh_CN" else "Sync now")
    # A version's fields in words: lists, tags, days and money as the UI shows them elsewhere.
    from crm.ui.common import labels as ui_labels

    value = empty_view._value
    assert value("sources", ["park"]) == ui_labels.source("park") != "park"
    assert value("tags", ["green"]) == ui_labels.tag("green") != "green"
    zh = language == "zh_CN"
    assert value("established_on", "2012-04-18") == ("2012年4月18日" if zh else "18 Apr 2012")
    assert value("registered_capital_fen", 517_000_000) == fmt.money(517_000_000)
    empty_view.district_name = lambda code: {"440605": "南海区" if zh else "Nanhai"}[code]
    assert value("district_code", "440605") == ("南海区" if zh else "Nanhai")
    asked: list[bool] = []
    empty_view.syncRequested.connect(lambda: asked.append(True))
    empty_view.empty.button.click()
    assert asked == [True]

    view = ConflictsView(a.sync, tasks)
    qtbot.addWidget(view)
    view.resize(900, 560)
    view.show()
    view.reload()
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=5000)
    assert not view.empty.isVisible()
    assert view.table.isVisible() and view.detail.isVisible()
    for _ in range(2):
        rows = view.table.rowCount()
        view.dismiss_button.click()
        qtbot.waitUntil(lambda rows=rows: view.table.rowCount() == rows - 1, timeout=5000)
    assert view.empty.isVisible() and not view.detail.isVisible()
    for device in (a, b, c):
        device.close()


# -- plurals and dates ------------------------------------------------------------------------


def test_counts_use_plural_forms(qapp, language) -> None:
    en = language == "en"
    assert fmt.days(1) == ("1 day" if en else "1 天")
    assert fmt.days(2) == ("2 days" if en else "2 天")
    assert fmt.days(1200) == ("1,200 days" if en else "1,200 天")
    indicator = SyncIndicator()
    status = _status(pending=1, conflicts=1)
    from crm.services.sync import SyncState
    from crm.sync.errors import unreachable

    offline = SyncState("offline", error=unreachable("https://ho", "ConnectError"))
    indicator.show_view(SyncView(offline, status))
    assert indicator.button.text() == (
        "Offline — 1 change waiting" if en else "离线 — 1 项修改待发送"
    )
    assert ("1 conflict<" if en else "1 个冲突<") in indicator.conflicts.text()
    indicator.show_view(SyncView(offline, _status(pending=3, conflicts=2)))
    assert indicator.button.text() == (
        "Offline — 3 changes waiting" if en else "离线 — 3 项修改待发送"
    )
    assert ("2 conflicts<" if en else "2 个冲突<") in indicator.conflicts.text()
    indicator.deleteLater()


def _status(**kw: object):
    from crm.services.sync import SyncStatus

    values: dict[str, object] = {
        "configured": True,
        "server_url": "https://ho.example.cn",
        "user_id": "u",
        "last_sync": None,
        "pending": 0,
        "conflicts": 0,
    }
    values.update(kw)
    return SyncStatus(**values)  # type: ignore[arg-type]


def test_one_date_format_per_language(qapp, language) -> None:
    zh = language == "zh_CN"
    day = date(2026, 12, 5)
    assert fmt.day(day) == ("2026年12月5日" if zh else "5 Dec 2026")
    assert fmt.short_day(day, date(2026, 11, 23)) == ("12月5日" if zh else "5 Dec")
    assert fmt.short_day(date(2027, 1, 1), day) == ("2027年1月1日" if zh else "1 Jan 2027")
    stamp = datetime(2026, 12, 5, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
    assert fmt.moment(stamp) == ("2026年12月5日 09:30" if zh else "5 Dec 2026 09:30")
    assert fmt.recent_moment(stamp, day) == ("今天 09:30" if zh else "today 09:30")
    assert fmt.recent_moment(stamp, day + timedelta(days=1)) == (
        "昨天 09:30" if zh else "yesterday 09:30"
    )
    assert fmt.recent_moment(stamp, day + timedelta(days=3)) == (
        "12月5日 09:30" if zh else "5 Dec 09:30"
    )


def test_the_window_title_names_the_book_once(qtbot, tmp_path, language) -> None:
    services = open_services(tmp_path / "book.db", create=True)
    window = _window(qtbot, services, tmp_path)
    try:
        assert window.windowTitle() == "book.db"  # Qt adds the app's display name
    finally:
        _close(window)


# -- every string translated ------------------------------------------------------------------


def _messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or ""): message
        for context in root.iter("context")
        for message in context.iter("message")
    }


def _finished(message: ET.Element) -> list[str]:
    """The translation's forms, or nothing when it is unfinished."""
    found = message.find("translation")
    if found is None or found.get("type") in ("unfinished", "obsolete", "vanished"):
        return []
    forms = [f.text or "" for f in found.findall("numerusform")] or [found.text or ""]
    return forms if all(f.strip() for f in forms) else []


def _lupdate() -> str | None:
    found = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    return found or shutil.which("pyside6-lupdate")


def _in_code(tmp_path: Path, *options: str) -> dict[tuple[str, str], ET.Element]:
    lupdate = _lupdate()
    assert lupdate is not None
    sources = sorted(str(p) for p in (ROOT / "crm" / "ui").rglob("*.py"))
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [lupdate, *options, "-locations", "none", *sources, "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    return _messages(fresh)


@pytest.mark.skipif(_lupdate() is None, reason="pyside6-lupdate is not installed")
def test_lupdate_finds_nothing_unfinished_for_chinese(tmp_path: Path) -> None:
    """Every string lupdate finds in crm/ui is translated in one of the zh_CN catalogues,
    plural ones with their (single) Chinese form."""
    done: dict[tuple[str, str], list[str]] = {}
    for ts in sorted(I18N.glob("*_zh_CN.ts")):
        for key, message in _messages(ts).items():
            if _finished(message):
                done[key] = _finished(message)
    unfinished = sorted(key for key in _in_code(tmp_path) if key not in done)
    assert unfinished == []


@pytest.mark.skipif(_lupdate() is None, reason="pyside6-lupdate is not installed")
def test_every_plural_has_its_english_forms(tmp_path: Path) -> None:
    english: dict[tuple[str, str], list[str]] = {}
    for ts in sorted(I18N.glob("*_en.ts")):
        english.update({k: _finished(m) for k, m in _messages(ts).items()})
        assert ts.with_suffix(".qm").exists(), f"run pyside6-lrelease on {ts.name}"
    plurals = _in_code(tmp_path, "-pluralonly")
    assert plurals, "no plural string found: is lupdate seeing self.tr(text, '', n)?"
    missing = sorted(key for key in plurals if len(english.get(key, [])) != 2)
    assert missing == []


# -- empty panes of the prospect page -----------------------------------------------------------


def test_a_prospect_with_no_visits_or_loans_says_what_to_do(qtbot, ui, book, language) -> None:
    from crm.ui.loans.panel import LoansPanel
    from crm.ui.visits.prospect_panel import ProspectVisitsPanel

    pid = book.services.prospects.create(ProspectDraft(name="佛山市南海区空白五金厂")).id
    visits = ProspectVisitsPanel(ui)
    loans = LoansPanel(ui)
    for panel in (visits, loans):
        qtbot.addWidget(panel)
        panel.resize(900, 500)
        panel.show()
        panel.load(pid)
    qtbot.waitUntil(lambda: ui.tasks.pending() == 0, timeout=5000)
    zh = language == "zh_CN"
    assert visits.history_empty.isVisible() and not visits.history.isVisible()
    assert visits.history_empty.title.text() == ("还没有拜访记录" if zh else "No visits yet")
    assert visits.history_empty.button.text() == visits.record_button.text()
    assert loans.empty.isVisible() and not loans.list.isVisible()
    assert loans.empty.title.text() == ("尚未登记贷款" if zh else "No loans recorded")
    assert loans.empty.button.text() == loans.record_button.text()
