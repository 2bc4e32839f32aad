"""The sync pieces of the desktop app against a real head office on loopback: the status
indicator's states, the conflicts page with both versions, the sign-in dialog; rendered
in English and Chinese to PNG (screenshots/sync-*.png) to be looked at."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

import keyring
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import text

from crm.services.sync import SyncState, SyncStatus
from crm.sync.engine import Progress
from crm.sync.errors import unreachable
from crm.ui.common import fmt
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.tasks import TaskRunner
from crm.ui.sync.conflicts import ConflictsView
from crm.ui.sync.controller import SyncView
from crm.ui.sync.indicator import SyncIndicator
from crm.ui.sync.sign_in import SignInDialog
from tests.sync.harness import PASSWORD, Device, MemoryKeyring, Server, seed_people, start_server

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


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


@pytest.fixture
def tasks(qapp: QApplication) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait()
    QApplication.processEvents()


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    # The app's translators, English too: its catalogues hold the plural forms ("1 change",
    # "3 changes"), and the dates' words ("today") are in the main catalogue.
    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)


def _status(**kw: object) -> SyncStatus:
    values: dict[str, object] = {
        "configured": True,
        "server_url": "https://ho.example.cn",
        "user_id": "u",
        "last_sync": datetime(2026, 11, 23, 2, 5, tzinfo=UTC),
        "pending": 3,
        "conflicts": 2,
    }
    values.update(kw)
    return SyncStatus(**values)  # type: ignore[arg-type]


def test_indicator_shows_every_state(qtbot, language: str) -> None:
    w = SyncIndicator()
    qtbot.addWidget(w)
    states = {
        "not-connected": SyncView(None, _status(configured=False, conflicts=0)),
        "offline": SyncView(
            SyncState("offline", error=unreachable("https://ho", "ConnectError")), _status()
        ),
        "syncing": SyncView(
            SyncState("syncing", progress=Progress("download", 1200, 20000)), _status()
        ),
        # Synced at 10:05 in Shanghai on the app's day (CRM_CLOCK's in CI), said as "today".
        "synced": SyncView(
            SyncState("synced"),
            _status(
                last_sync=datetime.combine(
                    fmt.today(), clock_time(10, 5), fmt.DEFAULT_ZONE
                ).astimezone(UTC)
            ),
        ),
    }
    expected = {
        "en": {
            "not-connected": "Not connected",
            "offline": "Offline — 3 changes waiting",
            "syncing": "1,200/20,000",
            "synced": "Last sync: today 10:05",
        },
        "zh_CN": {
            "not-connected": "未连接总行",
            "offline": "离线 — 3 项修改待发送",
            "syncing": "1,200/20,000",
            "synced": "上次同步：今天 10:05",
        },
    }[language]
    SHOTS.mkdir(exist_ok=True)
    for name, view in states.items():
        w.show_view(view)
        w.adjustSize()
        assert expected[name] in w.button.text()
        assert w.conflicts.isVisible() == (name != "not-connected") or not w.isVisible()
        w.grab().save(str(SHOTS / f"sync-indicator-{name}-{language}.png"))
    clicked: list[str] = []
    w.signInRequested.connect(lambda: clicked.append("sign-in"))
    w.syncRequested.connect(lambda: clicked.append("sync"))
    w.show_view(states["not-connected"])
    w.button.click()
    w.show_view(states["synced"])
    w.button.click()
    assert clicked == ["sign-in", "sync"]


def test_sign_in_dialog_registers_with_head_office(qtbot, ho: Server, tmp_path, language, tasks):
    device = Device(tmp_path / "d.db", ho.url, "wangfang")
    dialog = SignInDialog(device.sync.sign_in, tasks, server=ho.url, username="wangfang")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText("wrong-password")
    dialog.grab().save(str(SHOTS / f"sync-sign-in-{language}.png"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=5000)
    print("MESSAGE", repr(dialog.message.text()))
    wrong = {"en": "Wrong user name or password", "zh_CN": "用户名或密码错误"}[language]
    assert wrong in dialog.message.text()
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.buttons.accepted.emit()
    assert device.sync.status().configured
    device.close()


def _two_conflicts(ho: Server, tmp_path: Path) -> tuple[Device, Device]:
    """Two computers of one RM that changed the same prospect offline: on ``a``, a merged
    note and a refused stage move."""
    ho.ho.store.clear()
    ho.ho._epoch = None
    seed_people(ho.admin)
    a = Device(tmp_path / "a.db", ho.url, "wangfang")
    b = Device(tmp_path / "b.db", ho.url, "wangfang")
    for d in (a, b):
        d.sign_in()
        d.run()
    pid = a.create("佛山市南海区桂城鸿运五金制品厂")
    a.run()
    b.run()
    for d, note in ((a, "老板计划扩产（笔记本）"), (b, "已开立结算账户（平板）")):
        draft = d.prospects.get(pid).draft()
        draft.notes = note
        d.prospects.update(pid, draft)
        time.sleep(0.01)
    a.prospects.change_stage(pid, "dropped", "no_need", "暂无需求")
    b.prospects.change_stage(pid, "dropped", "other_bank", "已在他行获得授信")
    b.run()
    a.run()
    return a, b


def test_conflicts_page_shows_both_versions_and_resolves(
    qtbot, ho: Server, tmp_path, language, tasks
):
    a, b = _two_conflicts(ho, tmp_path)
    view = ConflictsView(a.sync, tasks)
    qtbot.addWidget(view)
    view.resize(900, 560)
    view.show()
    view.reload()
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=5000)
    texts = [view.table.item(r, 2).text() for r in range(2)]
    assert any(("stage" in t) or ("阶段" in t) for t in texts)
    # Stage names and field labels, never their codes.
    zh = language == "zh_CN"
    stage_row = next(r for r, t in enumerate(texts) if ("stage" in t) or ("阶段" in t))
    assert ("已退出" if zh else "Dropped") in texts[stage_row]
    assert "dropped" not in texts[stage_row]
    merged_row = 1 - stage_row
    assert ("备注" if zh else "Notes") in texts[merged_row]
    assert "notes" not in texts[merged_row]
    view.table.selectRow(stage_row)
    mine, theirs = view.mine[1].toPlainText(), view.theirs[1].toPlainText()
    assert ("目标阶段: 已退出" if zh else "To stage: Dropped") in mine
    assert ("原因: 无融资需求" if zh else "Reason: No financing need") in mine
    assert ("阶段: 已退出" if zh else "Stage: Dropped") in theirs
    assert ("名称: 佛山市" if zh else "Name: 佛山市") in theirs
    for code in ("dropped", "no_need", "stage_changed_at", "history", "owner_name"):
        assert code not in mine + theirs
    view.table.selectRow(merged_row)
    assert ("备注: 老板计划扩产" if zh else "Notes: 老板计划扩产") in view.mine[1].toPlainText()
    view.table.selectRow(stage_row)
    view.grab().save(str(SHOTS / f"sync-conflicts-{language}.png"))
    view.dismiss_button.click()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=5000)
    a.close()
    b.close()


def test_a_failed_resolution_gives_the_buttons_back_and_says_why(
    qtbot, ho: Server, tmp_path, tasks, monkeypatch
):
    a, b = _two_conflicts(ho, tmp_path)
    told: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        lambda _parent, _title, message, *_rest: told.append(message) or QMessageBox.Ok,
    )
    changed: list[bool] = []
    view = ConflictsView(a.sync, tasks)
    qtbot.addWidget(view)
    view.changed.connect(lambda: changed.append(True))
    view.show()
    view.reload()
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=5000)
    view.table.selectRow(0)
    chosen = view.current()
    assert chosen is not None and view.dismiss_button.isEnabled()
    # The conflict goes behind the view's back (as if another window had resolved and
    # cleared it): resolving it now fails on the writer thread.
    with a.db.transaction() as s:
        s.execute(text("DELETE FROM sync_conflicts WHERE id = :id"), {"id": chosen.id})
    view.dismiss_button.click()
    assert not view.dismiss_button.isEnabled()  # while the write runs
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    assert "no conflict with id" in told[0].lower()
    buttons = (view.accept_button, view.resend_button, view.dismiss_button)
    assert view.accept_button.isEnabled() and view.dismiss_button.isEnabled()
    # And the list as it is now: the conflict that went is no longer offered.
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=5000)
    assert view.current() is not None and view.current().id != chosen.id
    assert all(button.isEnabled() for button in buttons if button is not view.resend_button)
    assert not changed
    view.dismiss_button.click()
    qtbot.waitUntil(lambda: view.table.rowCount() == 0, timeout=5000)
    assert changed == [True] and len(told) == 1
    a.close()
    b.close()


def test_a_first_sync_names_the_user_it_signed_in_in_the_status_bar(
    qtbot, ho: Server, tmp_path: Path
) -> None:
    """An empty book signed in to head office from the open app: once the first sync has
    brought the user, the status bar names them and the window knows them (before, it said
    'Not signed in' until the app was restarted)."""
    from crm.services.container import open_services
    from crm.ui.common.context import UiContext, load_startup
    from crm.ui.common.settings import AppSettings
    from crm.ui.shell.main_window import MainWindow

    services = open_services(tmp_path / "new.db", create=True)
    ui = UiContext(services, AppSettings(tmp_path / "s.ini"), TaskRunner(), load_startup(services))
    window = MainWindow(ui)
    qtbot.addWidget(window)
    window.show()
    try:
        assert ui.user is None and window.status.user.text() == "Not signed in"
        services.sync.sign_in(ho.url, "wangfang", PASSWORD)
        qtbot.waitUntil(lambda: window.sync_controller is not None, timeout=10_000)
        window.sync_controller.sync_now()
        qtbot.waitUntil(lambda: ui.user is not None, timeout=30_000)
        assert ui.user.username == "wangfang"
        assert window.status.user.text() == "王芳 (Relationship manager)"
        assert "liqiang" in {u.username for u in ui.users}  # the team, for the RM lists
    finally:
        window.sync_controller.stop()
        ui.tasks.wait()
        window.close()
        QApplication.processEvents()
        services.close()
