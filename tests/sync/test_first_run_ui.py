"""The first run on a new computer (crm/ui/firstrun): signing in to a real head office on
127.0.0.1 makes the book and downloads it with progress; a wrong password is told and
leaves no book behind; the demo and an empty book are the other ways in."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from crm.demo.builder import build_demo
from crm.services import book_lock
from crm.services.container import open_services
from crm.ui.common.tasks import TaskRunner
from crm.ui.firstrun.dialog import FirstRunDialog
from crm.ui.lock.passphrase import SetPassphraseDialog
from tests.sync.harness import PASSWORD, Device, Server, Team


def _small_demo(path: Path) -> None:
    build_demo(path, prospects=20, seed=3)


def _dialog(qtbot, tmp_path: Path, **kw) -> FirstRunDialog:
    kw.setdefault("make_demo", _small_demo)
    dialog = FirstRunDialog(TaskRunner(), tmp_path / "crm.db", tmp_path / "demo.db", **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_signing_in_makes_the_book_and_downloads_it(
    qtbot, tmp_path: Path, server: Server, people: Team, device: Callable[..., Device]
) -> None:
    laptop = device("wangfang")
    laptop.sign_in()
    pid = laptop.create("佛山市南海区桂城鸿运五金制品厂")
    laptop.run()  # head office has the RM's book
    dialog = _dialog(qtbot, tmp_path)
    dialog.sign_in_choice.click()
    dialog.server.setText(server.url)
    dialog.username.setText("wangfang")
    dialog.password.setText(PASSWORD)
    assert dialog.go.isEnabled()
    if os.environ.get("CRM_SCREENSHOTS"):
        dialog.grab().save(str(Path(os.environ["CRM_SCREENSHOTS"]) / "first_run_sign_in.png"))
    dialog.go.click()
    # Head office accepted: the RM sets the passphrase this computer keeps for them.
    qtbot.waitUntil(lambda: dialog.passphrase_dialog is not None, timeout=30_000)
    setter = dialog.passphrase_dialog
    assert isinstance(setter, SetPassphraseDialog) and dialog.book is None
    setter.first.setText("brass-lantern-42")
    setter.second.setText("brass-lantern-24")
    setter.try_set()
    assert setter.isVisible() and dialog.book is None
    setter.second.setText("brass-lantern-42")
    setter.try_set()
    qtbot.waitUntil(lambda: dialog.book is not None, timeout=30_000)
    assert dialog.book == tmp_path / "crm.db" and not dialog.make_empty
    assert dialog.signed_in == "wangfang"
    security = book_lock.book_security(dialog.book)
    assert security.encrypted and security.users == ("wangfang",)
    book_lock.unlock(dialog.book, "wangfang", "brass-lantern-42")
    services = open_services(dialog.book)
    try:
        assert services.prospects.get(pid) is not None
        assert services.sync_with().status().configured
    finally:
        services.close()


def test_a_wrong_password_is_told_and_leaves_no_book(
    qtbot, tmp_path: Path, server: Server, people: Team
) -> None:
    dialog = _dialog(qtbot, tmp_path)
    dialog.sign_in_choice.click()
    dialog.server.setText(server.url)
    dialog.username.setText("wangfang")
    dialog.password.setText("not-the-password")
    dialog.go.click()
    qtbot.waitUntil(lambda: dialog.message.text() not in ("", "Signing in…"), timeout=30_000)
    assert dialog.book is None and dialog.password.text() == ""
    assert "password" in dialog.message.text().lower()
    assert not (tmp_path / "crm.db").exists()
    assert not book_lock.is_encrypted(tmp_path / "crm.db")  # no key file left either
    QApplication.processEvents()


def test_the_demo_and_an_empty_book(qtbot, tmp_path: Path) -> None:
    made: list[Path] = []

    def small_demo(path: Path) -> None:
        made.append(path)
        _small_demo(path)

    dialog = _dialog(qtbot, tmp_path, make_demo=small_demo)
    dialog.demo_choice.click()
    qtbot.waitUntil(lambda: dialog.book is not None, timeout=60_000)
    assert dialog.book == tmp_path / "demo.db" == made[0] and dialog.book.exists()
    empty = _dialog(qtbot, tmp_path / "other")
    empty.empty_choice.click()
    assert empty.book == tmp_path / "other" / "crm.db" and empty.make_empty
