"""Backups in the app: File ▸ Back up now and File ▸ Restore from backup…, a backup a day
made by itself, and the launcher's offer of the latest backup for a book that cannot be
opened (``offer_latest_backup``).

A restore replaces the book the window has open: the window closes the book, the backup is
checked and put in place (the book it replaces is kept as a backup of its own), and the app
starts again on it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.ui.common import fmt
from crm.ui.common.errors import app_title, said
from crm.ui.common.places import places

if TYPE_CHECKING:
    from crm.services.backups import Backup, BackupService

translate = QCoreApplication.translate
# The first daily backup waits this long after the window opens (start-up stays quick).
DAILY_DELAY_MS = 60_000
PATH_ROLE = Qt.ItemDataRole.UserRole


def backup_service(book: Path) -> BackupService:
    from crm.services.backups import BackupService

    given = places()
    if given is None:
        raise RuntimeError("the app's places are not set (run_gui sets them)")
    return BackupService(book, given.backups)


def restart_app() -> None:
    """Start the app again with the same arguments, then end this one."""
    frozen = getattr(sys, "frozen", False)
    arguments = sys.argv[1:] if frozen else sys.argv
    from PySide6.QtCore import QProcess  # not loaded before the first frame

    QProcess.startDetached(sys.executable, arguments)
    QApplication.quit()


def _when(backup: Backup) -> str:
    return fmt.moment(backup.taken_at)


def _describe(backup: Backup) -> str:
    kinds = {
        "": translate("Backups", "backup"),
        "before-restore": translate("Backups", "kept before a restore"),
        "damaged": translate("Backups", "damaged book kept as it was"),
    }
    size = translate("Backups", "{size} MB").format(size=f"{backup.size / 1e6:.1f}")
    return f"{_when(backup)}  ·  {kinds.get(backup.tag, backup.tag)}  ·  {size}"


def install_backups(window: Any, service_for: Callable[[Path], Any] = backup_service) -> None:
    """Add Back up now and Restore from backup… to the window's File menu (before
    Settings)."""
    back_up = QAction(translate("Backups", "&Back up now"), window)
    back_up.setObjectName("backUpNowAction")
    back_up.setStatusTip(translate("Backups", "Copy the book into the backups folder now"))
    restore = QAction(translate("Backups", "&Restore from backup…"), window)
    restore.setObjectName("restoreBackupAction")
    restore.setStatusTip(
        translate("Backups", "Put a backup in place of the book (the book is kept as a backup)")
    )
    back_up.triggered.connect(lambda _checked=False: back_up_now(window, service_for))
    restore.triggered.connect(lambda _checked=False: open_restore(window, service_for))
    menu = None
    for candidate in window.menuBar().actions():
        sub = candidate.menu()
        if sub is not None and window.settings_action in sub.actions():
            menu = sub
    if menu is not None:
        menu.insertAction(window.settings_action, back_up)
        menu.insertAction(window.settings_action, restore)
        menu.insertSeparator(window.settings_action)
    window.addAction(back_up)
    window.addAction(restore)
    window.back_up_action = back_up
    window.restore_action = restore


def schedule_daily_backup(window: Any) -> None:
    """The day's backup a minute after the app has opened its book (the launcher asks; a
    window closed before then cancels it)."""
    QTimer.singleShot(DAILY_DELAY_MS, window, lambda: daily_backup(window))


def back_up_now(window: Any, service_for: Callable[[Path], Any] = backup_service) -> None:
    service = service_for(window.ui.db_path)
    window.show_message(translate("Backups", "Backing up…"))

    def done(made: Backup) -> None:
        window.show_message(translate("Backups", "Backed up to {path}").format(path=made.path))

    window.ui.tasks.read(window, service.back_up, done, lambda e: _failed(window, e))


def daily_backup(window: Any, service_for: Callable[[Path], Any] = backup_service) -> None:
    """A backup when the newest is a day old (quietly: a failure is only logged)."""
    if service_for is backup_service and places() is None:
        return  # nowhere to keep it (a window made without the app's places)
    service = service_for(window.ui.db_path)

    def run() -> object:
        return service.back_up() if service.due() else None

    window.ui.tasks.read(window, run, lambda _made: None, lambda _error: None)


def _failed(parent: QWidget, error: BaseException) -> None:
    if isinstance(error, DomainError):
        QMessageBox.warning(parent, app_title(), said(error))
    else:
        raise error


class RestoreDialog(QDialog):
    """The book's backups, newest first, or another file; OK restores the chosen one."""

    def __init__(self, service: BackupService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Backups", "Restore from backup"))
        self.setMinimumWidth(560)
        self.service = service
        self.chosen: Path | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            translate(
                "Backups",
                "Choose the backup to put in place of this book. The book as it is now is "
                "kept as a backup first, and the app starts again on the restored book. "
                "Changes made since the backup and not yet synced are in the kept copy only.",
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("backupList")
        for backup in service.backups():
            item = QListWidgetItem(_describe(backup))
            item.setData(PATH_ROLE, str(backup.path))
            item.setToolTip(str(backup.path))
            self.list.addItem(item)
        self.empty = QLabel(
            translate(
                "Backups",
                "There are no backups of this book yet in {folder}. Use File ▸ Back up now, "
                "or choose a backup file.",
            ).format(folder=service.folder)
        )
        self.empty.setWordWrap(True)
        self.empty.setVisible(self.list.count() == 0)
        self.list.setVisible(self.list.count() > 0)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        other = QPushButton(translate("Backups", "Choose another file…"))
        other.clicked.connect(self._choose_file)
        layout.addWidget(other, alignment=Qt.AlignmentFlag.AlignLeft)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(translate("Backups", "Restore"))
        self.ok.setEnabled(False)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.currentItemChanged.connect(
            lambda item, _old: self.ok.setEnabled(item is not None)
        )
        if self.list.count():
            self.list.setCurrentRow(0)

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            translate("Backups", "Choose a backup"),
            str(self.service.folder),
            translate("Backups", "FirstLoan CRM books (*.db);;All files (*)"),
        )
        if name:
            self.chosen = Path(name)
            self.accept()

    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = Path(item.data(PATH_ROLE))
            self.accept()


def open_restore(
    window: Any,
    service_for: Callable[[Path], Any] = backup_service,
    restart: Callable[[], None] = restart_app,
) -> RestoreDialog:
    service = service_for(window.ui.db_path)
    dialog = RestoreDialog(service, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: _check_then_restore(window, service, dialog.chosen, restart))
    dialog.open()
    return dialog


def _check_then_restore(
    window: Any, service: BackupService, chosen: Path | None, restart: Callable[[], None]
) -> None:
    if chosen is None:
        return

    def checked(_revision: str) -> None:
        answer = QMessageBox.question(
            window,
            app_title(),
            translate(
                "Backups",
                "Replace the book with {file}?\n\nThe book as it is now is kept as a backup, "
                "and FirstLoan CRM starts again.",
            ).format(file=chosen.name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            restore_now(window, service, chosen, restart)

    window.ui.tasks.read(
        window, lambda: service.check(chosen), checked, lambda e: _failed(window, e)
    )


def restore_now(
    window: Any, service: BackupService, chosen: Path, restart: Callable[[], None]
) -> None:
    """Close the book, put the backup in place and start again (the book is untouched if
    the restore is refused)."""
    services = window.ui.services
    window.hide()
    if services is not None:
        services.close()
    try:
        service.restore(chosen)
    except DomainError as error:
        QMessageBox.warning(None, app_title(), said(error))
    restart()


def offer_latest_backup(parent: QWidget | None, book: Path) -> bool:
    """For a book that cannot be opened: offer its latest backup; True when one was
    restored (the caller opens the book again)."""
    if places() is None:
        return False
    service = backup_service(book)
    latest = next((b for b in service.backups() if b.tag != "damaged"), None)
    if latest is None:
        return False
    answer = QMessageBox.question(
        parent,
        app_title(),
        translate(
            "Backups",
            "The latest backup of this book is from {when}. Restore it? The book as it is "
            "now is kept unchanged in the backups folder.",
        ).format(when=_when(latest)),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        service.restore(latest.path)
    except DomainError as error:
        QMessageBox.warning(parent, app_title(), said(error))
        return False
    return True


__all__ = [
    "RestoreDialog",
    "back_up_now",
    "daily_backup",
    "install_backups",
    "offer_latest_backup",
    "open_restore",
    "schedule_daily_backup",
]
