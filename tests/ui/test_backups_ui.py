"""File ▸ Back up now and File ▸ Restore from backup… on a real window and book: the backup
lands in the folder, the dialog lists it newest first, and restoring closes the book, puts
the backup in place (keeping the book it replaces) and starts the app again."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from crm.services.backups import BackupService
from crm.store.backups import list_backups
from crm.ui.backups import hook
from crm.ui.common.context import UiContext
from crm.ui.shell.main_window import MainWindow
from tests.ui.conftest import Book


def test_back_up_now_then_restore_from_the_dialog(
    ui: UiContext, book: Book, tmp_path: Path, qtbot, monkeypatch
) -> None:
    folder = tmp_path / "backups"
    window = MainWindow(ui)
    qtbot.addWidget(window)
    service_for = lambda path: BackupService(path, folder)  # noqa: E731
    file_menu = window.menuBar().actions()[0].menu()
    assert window.back_up_action in file_menu.actions()
    assert window.restore_action in file_menu.actions()

    hook.back_up_now(window, service_for)
    qtbot.waitUntil(lambda: len(list_backups(ui.db_path, folder)) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "Backed up to" in window.status.currentMessage(), timeout=5_000)
    name = next(iter(book.ids))
    book.services.prospects.delete(book.ids[name], "重复录入")  # a change after the backup

    restarted: list[bool] = []
    dialog = hook.open_restore(window, service_for, restart=lambda: restarted.append(True))
    assert dialog.list.count() == 1 and dialog.ok.isEnabled()
    if os.environ.get("CRM_SCREENSHOTS"):
        dialog.grab().save(str(Path(os.environ["CRM_SCREENSHOTS"]) / "restore_dialog_en.png"))
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    dialog.ok.click()
    qtbot.waitUntil(lambda: restarted == [True], timeout=10_000)
    assert not window.isVisible()
    kept = [b for b in list_backups(ui.db_path, folder) if b.tag == "before-restore"]
    assert len(kept) == 1
    # The restored book has the prospect deleted after the backup again.
    from crm.services.container import open_services

    again = open_services(ui.db_path)
    try:
        assert again.prospects.get(book.ids[name]) is not None
    finally:
        again.close()
    QApplication.processEvents()


def test_the_restore_dialog_says_what_to_do_when_there_is_no_backup(
    ui: UiContext, tmp_path: Path, qtbot
) -> None:
    window = MainWindow(ui)
    qtbot.addWidget(window)
    dialog = hook.open_restore(window, lambda path: BackupService(path, tmp_path / "none"))
    assert dialog.list.count() == 0 and not dialog.list.isVisible()
    assert "no backups of this book yet" in dialog.empty.text()
    assert not dialog.ok.isEnabled()
    dialog.reject()


def test_the_daily_backup_is_made_once_a_day(ui: UiContext, tmp_path: Path, qtbot) -> None:
    folder = tmp_path / "daily"
    window = MainWindow(ui)
    qtbot.addWidget(window)
    service_for = lambda path: BackupService(path, folder)  # noqa: E731
    hook.daily_backup(window, service_for)
    qtbot.waitUntil(lambda: len(list_backups(ui.db_path, folder)) == 1, timeout=10_000)
    hook.daily_backup(window, service_for)  # not due again the same day
    ui.tasks.wait()
    assert len(list_backups(ui.db_path, folder)) == 1


def test_no_daily_backup_without_the_apps_places(ui: UiContext, qtbot) -> None:
    # A window made without run_gui (a test's, or one whose app quit) has nowhere to keep
    # a backup: the day's backup is skipped, not raised in the event loop (CI found it).
    from crm.ui.common.places import places

    assert places() is None
    window = MainWindow(ui)
    qtbot.addWidget(window)
    hook.daily_backup(window)
    ui.tasks.wait()
