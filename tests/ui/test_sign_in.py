"""Sign-in at start on a real book whose key is kept only under its users' passphrases
(crm.services.book_lock): the launcher asks before anything of the book is shown, a wrong
passphrase is said in the dialog, Cancel quits, the right one opens the book as that user;
a plain book opens with no question. The dialogs seen in English and Chinese."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from crm.demo.builder import build_demo
from crm.services import book_lock
from crm.services.container import open_services
from crm.ui.common.settings import AppSettings
from crm.ui.launch import Launcher
from crm.ui.lock.passphrase import SetPassphraseDialog
from crm.ui.lock.signin import SignInDialog
from crm.ui.shell.main_window import MainWindow

PASSPHRASE = "brass-lantern-42"


def _shot(widget, name: str) -> None:
    QApplication.processEvents()  # the layout's pending request: as the user sees it
    if os.environ.get("CRM_SCREENSHOTS"):
        widget.grab().save(str(Path(os.environ["CRM_SCREENSHOTS"]) / name))


@pytest.fixture
def passphrase_book(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """A book whose key is only under two users' passphrases, its key forgotten (as on a
    fresh start of the app); the signed-in user is the first."""
    path = tmp_path / "book.db"
    build_demo(path, prospects=5, seed=3)
    if book_lock.is_encrypted(path):
        # A demo book encrypted by the builder: a copy of its rows as a plain book first.
        pytest.skip("the demo builder makes encrypted books: covered by test_lock")
    services = open_services(path)
    current = services.users.current()
    assert current is not None
    other = next(u for u in services.users.all() if u.id != current.id)
    services.close()
    book_lock.encrypt_book(
        path,
        book_lock.PASSPHRASE,
        username=current.username,
        passphrase=PASSPHRASE,
        keep_backup=lambda _book: None,
    )
    book_lock.set_passphrase(path, other.username, "other-passphrase-9")
    book_lock.lock(path)
    yield path, [current.username, other.username]
    book_lock.lock(path)


@pytest.fixture
def launch(qtbot, tmp_path: Path) -> Iterator[list[Launcher]]:
    made: list[Launcher] = []
    yield made
    for launcher in made:
        if launcher.sign_in_dialog is not None:
            launcher.sign_in_dialog.close()
        if isinstance(launcher.window, MainWindow):
            ui = launcher.window.ui
            qtbot.waitUntil(lambda ui=ui: ui.services_ready, timeout=10_000)
        launcher.tasks.wait()
        if isinstance(launcher.window, MainWindow):
            launcher.window.close()
            launcher.window.ui.services.close()


def _launcher(made: list[Launcher], path: Path, tmp_path: Path, quits: list[int]) -> Launcher:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    launcher = Launcher(app, path, AppSettings(tmp_path / "s.ini"), "en", quit=quits.append)
    made.append(launcher)
    return launcher


def test_the_book_opens_only_after_the_right_passphrase(qtbot, tmp_path, passphrase_book, launch):
    path, (first, second) = passphrase_book
    assert not book_lock.can_open(path)
    quits: list[int] = []
    launcher = _launcher(launch, path, tmp_path, quits)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.sign_in_dialog is not None, timeout=5000)
    dialog = launcher.sign_in_dialog
    assert isinstance(dialog, SignInDialog)
    assert launcher.window is None
    # The dialog is the app's only window: closing it must not end the app (Qt would).
    assert not QApplication.quitOnLastWindowClosed()
    # Two users hold credentials here: both offered, neither chosen for them.
    assert [dialog.user.itemData(i) for i in range(dialog.user.count())] == [first, second]
    _shot(dialog, "sign_in_en.png")

    dialog.passphrase.setText("wrong-passphrase")
    dialog.try_sign_in()
    assert dialog.isVisible() and dialog.problem.isVisible() and dialog.problem.text()
    assert launcher.window is None and not book_lock.can_open(path)

    dialog.user.setCurrentIndex(0)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.try_sign_in()
    qtbot.waitUntil(lambda: isinstance(launcher.window, MainWindow), timeout=10_000)
    window = launcher.window
    assert isinstance(window, MainWindow)
    qtbot.waitUntil(lambda: window.ui.services_ready, timeout=10_000)
    assert launcher.signed_in == first and window.ui.user is not None
    assert QApplication.quitOnLastWindowClosed()
    qtbot.waitUntil(lambda: launcher.ready, timeout=10_000)
    signed = window.ui.services.audit.lines(action="unlock")
    assert [(line.username, line.detail) for line in signed] == [(first, {"via": "start"})]
    assert window.ui.user.username == first
    assert quits == []


def test_the_second_user_signs_in_as_themselves(qtbot, tmp_path, passphrase_book, launch):
    path, (_first, second) = passphrase_book
    launcher = _launcher(launch, path, tmp_path, [])
    launcher.start()
    qtbot.waitUntil(lambda: launcher.sign_in_dialog is not None, timeout=5000)
    dialog = launcher.sign_in_dialog
    assert isinstance(dialog, SignInDialog)
    dialog.user.setCurrentIndex(1)
    dialog.passphrase.setText("other-passphrase-9")
    dialog.try_sign_in()
    qtbot.waitUntil(lambda: isinstance(launcher.window, MainWindow), timeout=10_000)
    window = launcher.window
    assert isinstance(window, MainWindow)
    qtbot.waitUntil(lambda: window.ui.services_ready, timeout=10_000)
    assert window.ui.user is not None and window.ui.user.username == second
    assert window.ui.services.users.current().username == second  # type: ignore[union-attr]


def test_cancel_quits_without_opening_the_book(qtbot, tmp_path, passphrase_book, launch):
    path, _users = passphrase_book
    quits: list[int] = []
    launcher = _launcher(launch, path, tmp_path, quits)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.sign_in_dialog is not None, timeout=5000)
    dialog = launcher.sign_in_dialog
    assert isinstance(dialog, SignInDialog)
    dialog.reject()
    assert quits == [0] and launcher.exit_code == 0
    assert launcher.window is None and not book_lock.can_open(path)


def test_a_book_without_credentials_opens_without_a_question(qtbot, tmp_path, launch):
    path = tmp_path / "plain.db"
    build_demo(path, prospects=5, seed=3)
    if book_lock.book_security(path).users:
        pytest.skip("the demo book holds credentials")
    launcher = _launcher(launch, path, tmp_path, [])
    launcher.start()
    qtbot.waitUntil(lambda: isinstance(launcher.window, MainWindow), timeout=10_000)
    assert launcher.sign_in_dialog is None and launcher.signed_in is None


def test_the_dialogs_in_chinese(qtbot, chinese):
    dialog = SignInDialog("crm.db", ["wangfang"], lambda _u, _p: None, "wangfang")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.user.currentData() == "wangfang"
    assert dialog.windowTitle().startswith("登录")
    _shot(dialog, "sign_in_zh_CN.png")
    stored: list[str] = []
    setter = SetPassphraseDialog("wangfang", 8, stored.append)
    qtbot.addWidget(setter)
    setter.show()
    setter.first.setText("short")
    setter.try_set()
    assert "8" in setter.problem.text() and not setter.problem.text().isascii()
    setter.first.setText("long-enough-1")
    setter.second.setText("long-enough-2")
    setter.try_set()
    assert stored == [] and setter.second.text() == ""
    _shot(setter, "set_passphrase_zh_CN.png")
    setter.second.setText("long-enough-1")
    setter.try_set()
    assert (
        stored == ["long-enough-1"] and setter.result() == SetPassphraseDialog.DialogCode.Accepted
    )


def test_the_set_passphrase_dialog_in_english(qtbot):
    setter = SetPassphraseDialog("wangfang", 8, lambda _p: None)
    qtbot.addWidget(setter)
    setter.show()
    setter.reject()  # no way round: it stays, saying why
    assert setter.isVisible() and setter.problem.text() == "Set a passphrase to go on."
    _shot(setter, "set_passphrase_en.png")
