"""The idle lock and Ctrl+L on a real, encrypted book (a passphrase slot for the signed-in
user, crm.services.book_lock): the window locks after the security policy's minutes by the
app's clock and not before, shows nothing of the book while locked (neither its widgets nor
a grab), refuses a wrong passphrase, and comes back exactly where the RM was."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QWidget,
)

from crm.services import book_lock
from crm.services.container import open_services
from crm.services.security_policy import SECURITY_KEY
from crm.store import meta
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.lock.screen import LockScreen
from crm.ui.prospects.page import ProspectsPage
from crm.ui.shell.main_window import MainWindow
from crm.ui.today.notify import DueNotifier
from tests.ui.conftest import KNOWN, Book, build_book
from tests.ui.helpers import wait_idle

PASSPHRASE = "brass-lantern-42"
NAME = KNOWN["huaxing"][0]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # a Monday, 09:30 in Shanghai

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def locked_book(tmp_path: Path, clock: Clock) -> Iterator[Book]:
    """The GUI tests' book, encrypted with its key kept only under the signed-in user's
    passphrase; idle lock after 3 minutes (head office's policy, as a sync leaves it)."""
    path = tmp_path / "book.db"
    made = build_book(path)
    signed_in = made.services.users.current()
    assert signed_in is not None
    made.services.close()
    if book_lock.is_encrypted(path):
        # The demo builder encrypts (key in the keyring): the user's credentials are added.
        book_lock.set_passphrase(path, signed_in.username, PASSPHRASE)
    else:
        book_lock.encrypt_book(
            path,
            book_lock.PASSPHRASE,
            username=signed_in.username,
            passphrase=PASSPHRASE,
            keep_backup=lambda _book: None,
        )
        book_lock.lock(path)
        book_lock.unlock(path, signed_in.username, PASSPHRASE)
    services = open_services(path)
    services.ctx.clock = clock
    with services.ctx.db.transaction() as s:
        meta.put(s, SECURITY_KEY, json.dumps({"idle_lock_minutes": 3}))
    yield Book(services, made.ids, made.rms)
    services.close()
    book_lock.lock(path)


@pytest.fixture
def lock_ui(locked_book: Book, tmp_path: Path, qtbot) -> Iterator[UiContext]:
    services = locked_book.services
    context = UiContext(
        services, AppSettings(tmp_path / "settings.ini"), TaskRunner(), load_startup(services)
    )
    yield context
    context.tasks.wait()
    QApplication.processEvents()


def open_window(qtbot, ui: UiContext) -> MainWindow:
    window = MainWindow(ui)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    wait_idle(qtbot, ui)
    window.lock.watch.timer.setInterval(10)
    return window


def shown_text(window: QWidget) -> str:
    """Every text a visible widget of the window shows: labels, fields, buttons, and the
    rows of every list and table (their models' displayed data)."""
    parts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            parts.append(widget.text())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root = QModelIndex()
            for row in range(min(model.rowCount(root), 200)):
                for column in range(30):
                    index = model.index(row, column, root)
                    if not index.isValid():
                        break
                    parts.append(str(index.data() or ""))
    return "\n".join(parts)


def test_locks_after_the_policy_s_idle_minutes_and_not_before(qtbot, lock_ui, clock):
    window = open_window(qtbot, lock_ui)
    assert NAME in shown_text(window)
    qtbot.waitUntil(lambda: window.lock.watch.last is not None)
    start = clock.now
    clock.now = start + timedelta(minutes=2, seconds=59)
    qtbot.wait(100)
    assert not window.lock.is_locked
    # Input counts as activity: the idle time starts again from it.
    qtbot.mouseMove(window.nav)
    qtbot.keyClick(window.nav, Qt.Key.Key_Shift)
    clock.now = start + timedelta(minutes=5)
    qtbot.wait(100)
    assert not window.lock.is_locked
    clock.now = start + timedelta(minutes=8)
    qtbot.waitUntil(lambda: window.lock.is_locked, timeout=3000)
    assert lock_ui.locked
    assert NAME not in shown_text(window)
    assert isinstance(window.centralWidget(), LockScreen)
    # Nothing of the book is even inside the window: the pages are taken out of it.
    assert not window.isAncestorOf(window.stack)
    assert not window.statusBar().isVisible()


def test_the_locked_window_shows_nothing_of_the_book_and_unlocks_where_it_was(
    qtbot, lock_ui, locked_book
):
    window = open_window(qtbot, lock_ui)
    window.open_prospect(locked_book.ids["meijia"])
    wait_idle(qtbot, lock_ui)
    page = window.current_page()
    assert isinstance(page, ProspectsPage)
    page.list.filters.search.setFocus()
    page.list.filters.search.setText("五金")
    before = shown_text(window)
    assert "佛山市顺德区美嘉家具有限公司" in before
    new_prospect = next(
        a for a in window.findChildren(QAction) if a.shortcut().toString() == "Ctrl+N"
    )

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.lock.is_locked
    screen = window.centralWidget()
    assert isinstance(screen, LockScreen)
    locked_text = shown_text(window)
    assert "佛山市顺德区美嘉家具有限公司" not in locked_text and NAME not in locked_text
    assert "五金" not in locked_text
    assert not new_prospect.isEnabled()
    image = window.grab().toImage()
    assert image.width() > 0
    if os.environ.get("CRM_SCREENSHOTS"):
        window.grab().save(str(Path(os.environ["CRM_SCREENSHOTS"]) / "lock_screen_en.png"))

    screen.passphrase.setText("not-the-passphrase")
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert window.lock.is_locked
    assert screen.problem.isVisible() and screen.problem.text()
    assert screen.passphrase.text() == ""

    screen.passphrase.setText(PASSPHRASE)
    screen.unlock_button.click()
    assert not window.lock.is_locked and not lock_ui.locked
    assert window.centralWidget().isAncestorOf(window.stack)
    assert window.current_page() is page
    assert page.list.filters.search.text() == "五金"
    assert QApplication.focusWidget() is page.list.filters.search
    assert new_prospect.isEnabled() and window.statusBar().isVisible()
    assert sorted(shown_text(window).splitlines()) == sorted(before.splitlines())
    # Both attempts are in the audit log that syncs to head office, by the signed-in user.
    lines = lock_ui.services.audit.lines(action="unlock")
    assert [line.detail for line in lines] == [
        {"via": "lock_screen", "passphrase": True},
        {"via": "lock_screen", "refused": True},
    ]
    assert {line.username for line in lines} == {lock_ui.user.username}


def test_a_locked_window_sends_no_notifications(qtbot, lock_ui):
    window = open_window(qtbot, lock_ui)
    notifier = DueNotifier(lock_ui, window)
    heard: list[str] = []
    notifier.notified.connect(lambda _title, text: heard.append(text))
    window.lock.lock()
    notifier.notify("Today", "华兴五金 at 10:00")
    assert heard == []
    window.lock.screen.passphrase.setText(PASSPHRASE)
    window.lock.screen.try_unlock()
    notifier.notify("Today", "华兴五金 at 10:00")
    assert heard == ["华兴五金 at 10:00"]


def test_quitting_from_the_lock_screen_keeps_unsaved_changes(qtbot, lock_ui, locked_book):
    window = open_window(qtbot, lock_ui)
    window.open_prospect(locked_book.ids["meijia"])
    wait_idle(qtbot, lock_ui)
    page = window.current_page()
    assert isinstance(page, ProspectsPage)
    window.lock.lock()
    if not window.lock.unsaved():
        window.lock.screen.quitApp.emit()
        assert not window.isVisible()
        return
    window.lock.screen.quitApp.emit()
    assert window.isVisible() and window.lock.screen.problem.isVisible()


def test_the_lock_screen_in_chinese(qtbot, lock_ui, chinese):
    window = open_window(qtbot, lock_ui)
    window.lock.lock()
    screen = window.lock.screen
    assert screen is not None
    assert "已锁定" in shown_text(window)
    screen.passphrase.setText("wrong-wrong")
    screen.try_unlock()
    assert screen.problem.text() and screen.problem.text().isascii() is False
    # A user name at the start of a Chinese sentence is not capitalised.
    assert screen.problem.text().startswith(lock_ui.user.username + " ")
    if os.environ.get("CRM_SCREENSHOTS"):
        window.grab().save(str(Path(os.environ["CRM_SCREENSHOTS"]) / "lock_screen_zh_CN.png"))


def test_file_lock_sits_before_quit(qtbot, lock_ui):
    window = open_window(qtbot, lock_ui)
    file_menu = window.menuBar().actions()[0].menu()
    names = [a.text() for a in file_menu.actions() if not a.isSeparator()]
    assert names[-2:] == ["&Lock", "&Quit"]
    assert window.lock.action.shortcut().toString() == "Ctrl+L"


def test_a_book_without_credentials_locks_too_and_says_anyone_can_unlock(qtbot, ui, book):
    window = open_window(qtbot, ui)
    assert not book_lock.book_security(book.services.db_path).users
    window.lock.lock()
    screen = window.lock.screen
    assert screen is not None and screen.open_lock
    assert NAME not in shown_text(window)
    assert not screen.passphrase.isVisible() and "anyone" in screen.hint.text()
    screen.unlock_button.click()
    assert not window.lock.is_locked and NAME in shown_text(window)


def test_the_book_s_key_follows_the_policy_s_key_source(qtbot, lock_ui, locked_book):
    path = locked_book.services.db_path
    before = book_lock.book_security(path).source
    wanted = "keyring" if before == "passphrase" else "passphrase"
    with locked_book.services.ctx.db.transaction() as s:
        meta.put(s, SECURITY_KEY, json.dumps({"idle_lock_minutes": 3, "key_source": wanted}))
    window = open_window(qtbot, lock_ui)
    window.lock.idle_minutes.refresh()  # what the minute's timer does
    assert book_lock.book_security(path).source == wanted
    assert book_lock.book_security(path).users == (lock_ui.user.username,)


def test_dialogs_are_hidden_by_the_lock_and_an_open_one_comes_back(qtbot, lock_ui):
    window = open_window(qtbot, lock_ui)
    # A dialog opened with open() (awaited through its signals), holding typed text.
    kept = QDialog(window)
    field = QLineEdit(kept)
    field.setText("华兴五金 30万")
    answers: list[int] = []
    kept.finished.connect(answers.append)
    kept.open()
    # A dialog run with exec(): the lock ends it as cancelled.
    running = QDialog(window)
    QTimer.singleShot(0, window.lock.lock)
    assert running.exec() == QDialog.DialogCode.Rejected
    assert window.lock.is_locked
    assert not kept.isVisible() and not running.isVisible()
    assert not field.isVisible() and "华兴五金" not in shown_text(window)
    window.lock.screen.passphrase.setText(PASSPHRASE)
    window.lock.screen.try_unlock()
    assert kept.isVisible() and field.text() == "华兴五金 30万" and answers == []
    assert not running.isVisible()
    kept.accept()
    assert answers == [QDialog.DialogCode.Accepted]
