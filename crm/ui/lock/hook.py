"""The lock in the main window: File ▸ Lock (Ctrl+L), the idle lock after the security
policy's minutes (read from the services, again each minute: a sync may bring a new
policy, whose key source the book's key then follows: crm.services.key_policy), and the
passphrase check of the book's key file (crm.services.book_lock)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from crm.domain.audit import Action
from crm.domain.errors import DomainError
from crm.domain.security_policy import DEFAULT
from crm.services.key_policy import follow_key_source
from crm.ui.lock.controller import LockController

if TYPE_CHECKING:
    from crm.ui.shell.main_window import MainWindow

POLICY_EVERY_MS = 60_000
log = logging.getLogger(__name__)


class _Minutes:
    """The policy's idle minutes, read when the services are there and once a minute."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.value = DEFAULT.idle_lock_minutes
        self._read = False
        self.timer = QTimer(window)
        self.timer.setInterval(POLICY_EVERY_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    def refresh(self) -> None:
        ui = self.window.ui
        if not ui.services_ready:
            return
        try:
            policy = ui.services.security_policy()
        except DomainError as error:
            # The book busy or gone for a moment: the minutes in force stay, read again later.
            log.warning("the security policy could not be read: %s", error)
            return
        self.value = policy.idle_lock_minutes
        self._read = True
        # Where the book's key is kept follows the policy too (a sync may change it).
        try:
            follow_key_source(ui.db_path, policy)
        except DomainError as error:
            log.warning("the book's key stays where it is: %s", error)

    def __call__(self) -> int:
        if not self._read:
            self.refresh()
        return self.value


def install_lock(window: MainWindow) -> LockController:
    path = window.ui.db_path

    # book_lock is imported when first needed: it loads SQLAlchemy, which held the window's
    # first frame back when this hook is installed (start to the list painted).
    def verify(username: str, passphrase: str) -> None:
        from crm.services import book_lock

        try:
            book_lock.unlock(path, username, passphrase)
        except DomainError:
            _audit(window, {"via": "lock_screen", "refused": True})
            raise

    def users() -> tuple[str, ...]:
        from crm.services import book_lock

        return book_lock.book_security(path).users

    def switch_user() -> None:
        from crm.ui.backups.hook import restart_app

        window.close()
        restart_app()

    controller = LockController(window, window.ui, verify, users, _Minutes(window), switch_user)
    controller.unlocked.connect(
        lambda: _audit(window, {"via": "lock_screen", "passphrase": bool(users())})
    )
    _put_in_file_menu(window, controller.action)
    return controller


def _audit(window: MainWindow, detail: dict[str, object]) -> None:
    """An unlock (or a refused passphrase) in the audit log that syncs to head office."""
    window.ui.services.audit.record(Action.UNLOCK, detail=detail)


def _put_in_file_menu(window: MainWindow, action: QAction) -> None:
    """File ▸ Lock, just before Quit (the menu's last item)."""
    menus = [m for a in window.menuBar().actions() if isinstance(m := a.menu(), QMenu)]
    if not menus:
        return
    file_menu = menus[0]
    items = file_menu.actions()
    quit_item = next((a for a in items if a.shortcut() == QKeySequence("Ctrl+Q")), None)
    if quit_item is not None:
        file_menu.insertAction(quit_item, action)
    else:
        file_menu.addAction(action)
