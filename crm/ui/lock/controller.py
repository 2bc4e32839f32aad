"""Locking the main window: after the security policy's idle minutes, or on demand (Ctrl+L).

Locked, the window holds only the lock screen: the pages are taken out of it (not merely
covered, so neither the screen nor a ``grab()`` of the window has anything of the book),
the status bar, docks and tool bars are hidden, the window's actions are disabled (no
shortcut reaches a page), and the app's other windows (a settings or report dialog) are
hidden. Unlocking puts every part back as it was, with the focus where it was. While locked,
``UiContext.locked`` is set: what would show book data on its own (the tray notifications)
holds back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import shiboken6
from PySide6.QtCore import SIGNAL, QEvent, QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QMainWindow,
    QToolBar,
    QWidget,
)

from crm.ui.common.context import UiContext
from crm.ui.lock.idle import IdleWatch
from crm.ui.lock.screen import LockScreen, Verify

LOCK_SHORTCUT = "Ctrl+L"


class LockController(QObject):
    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QMainWindow,
        ui: UiContext,
        verify: Verify,
        users: Callable[[], Sequence[str]],
        idle_minutes: Callable[[], int],
        on_switch_user: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.ui = ui
        self.verify = verify
        self.users = users
        self.idle_minutes = idle_minutes
        self.on_switch_user = on_switch_user
        self.screen: LockScreen | None = None
        self._central: QWidget | None = None
        self._hidden: list[QWidget] = []
        self._disabled: list[QAction] = []
        self._focus: QWidget | None = None
        self.action = QAction(self.tr("&Lock"), window)
        self.action.setShortcut(QKeySequence(LOCK_SHORTCUT))
        self.action.setToolTip(self.tr("Hide the book until your passphrase is entered"))
        self.action.triggered.connect(lambda _checked=False: self.lock())
        window.addAction(self.action)
        self.watch = IdleWatch(self._now, self._limit, self)
        self.watch.idle.connect(self.lock)
        painted = getattr(window, "firstPainted", None)
        if painted is not None:
            painted.connect(self.watch.listen)
        else:
            self.watch.listen()
        window.installEventFilter(self)

    def _now(self) -> datetime | None:
        # The app's clock, once the services are there (a window opened from the first
        # look gets them a moment later): no idle time is counted before.
        if not self.ui.services_ready:
            return None
        return self.ui.services.ctx.now()

    def _limit(self) -> timedelta:
        return timedelta(minutes=self.idle_minutes())

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def lock(self) -> None:
        if self.screen is not None:
            return
        window = self.window
        self.watch.paused = True
        self.ui.locked = True
        focus = QApplication.focusWidget()
        self._focus = focus if focus is not None and window.isAncestorOf(focus) else None
        # Other windows of the app (dialogs, a report's preview) show the book too.
        self._hidden = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not window and w.isVisible() and not isinstance(w, LockScreen)
        ]
        parts: list[QWidget] = [window.statusBar(), window.menuBar()]
        parts += window.findChildren(QDockWidget) + window.findChildren(QToolBar)
        self._hidden += [p for p in parts if p.isVisible()]
        for widget in self._hidden:
            widget.hide()
        self._disabled = [
            a for a in window.findChildren(QAction) if a.isEnabled() and a is not self.action
        ]
        for action in self._disabled:
            action.setEnabled(False)
        self.action.setEnabled(False)
        self._central = window.takeCentralWidget()
        if self._central is not None:
            self._central.hide()
        users = tuple(self.users())
        signed_in = self.ui.user.username if self.ui.user is not None else ""
        if users and signed_in not in users:
            signed_in = users[0]
        screen = LockScreen(signed_in, users, self.verify, window)
        screen.unlocked.connect(self._unlock)
        screen.quitApp.connect(lambda: self._leave(window.close))
        screen.switchUser.connect(lambda: self._leave(self._switch_user))
        window.setCentralWidget(screen)
        screen.show()  # now, not when the layout's queued show comes round
        self.screen = screen
        screen.focus()
        self.locked.emit()

    def _unlock(self, _username: str) -> None:
        screen, self.screen = self.screen, None
        if screen is None:
            return
        window = self.window
        window.takeCentralWidget()
        screen.hide()
        screen.deleteLater()
        if self._central is not None:
            window.setCentralWidget(self._central)
            self._central.show()
            self._central = None
        for widget in self._hidden:
            if shiboken6.isValid(widget) and _comes_back(widget):
                widget.show()
        self._hidden = []
        for action in self._disabled:
            if shiboken6.isValid(action):
                action.setEnabled(True)
        self._disabled = []
        self.action.setEnabled(True)
        if self._focus is not None and shiboken6.isValid(self._focus):
            self._focus.setFocus()
        self._focus = None
        self.ui.locked = False
        self.watch.resume()
        self.unlocked.emit()

    def unsaved(self) -> bool:
        """Whether a page holds edits not saved yet (closing would ask about them, on a
        page of the book: not while locked)."""
        pages = getattr(self.window, "pages", {})
        return any(p.has_unsaved_changes() for p in pages.values())

    def _leave(self, then: Callable[[], object]) -> None:
        if self.screen is not None and self.unsaved():
            self.screen.say(
                self.tr(
                    "There are changes not saved yet: unlock to save or discard them, then "
                    "quit or switch user."
                )
            )
            return
        then()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The window's close button while locked: closing would show the page whose
        # changes are not saved yet.
        if (
            watched is self.window
            and event.type() == QEvent.Type.Close
            and self.screen is not None
            and self.unsaved()
        ):
            event.ignore()
            self._leave(lambda: None)
            return True
        return False

    def _switch_user(self) -> None:
        if self.on_switch_user is not None:
            self.on_switch_user()

    def stop(self) -> None:
        self.watch.stop()


def _comes_back(widget: QWidget) -> bool:
    """Whether a window the lock hid is shown again. A dialog run with ``exec()`` ended
    when it was hidden (as cancelled: its caller has moved on), so showing it again would
    leave a dialog nobody waits for; one opened with ``open()`` is awaited through its
    signals and comes back as it was, as does any other window."""
    if not isinstance(widget, QDialog):
        return True
    return any(
        widget.receivers(SIGNAL(signal)) > 0
        for signal in ("finished(int)", "accepted()", "rejected()")
    )
