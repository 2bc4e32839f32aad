"""Putting sync into the main window: the status-bar indicator (replacing the placeholders
'Not connected to head office' / 'Last sync: never'), File ▸ Sync now (F9), the sign-in
dialog, the scheduler (start-up, every few minutes, back online) and its stop when the app
quits. A sync that fails says why in the status bar; the changes stay queued."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from crm.ui.common.context import StartupData, load_startup
from crm.ui.sync.controller import SyncController, SyncView
from crm.ui.sync.indicator import SyncIndicator
from crm.ui.sync.sign_in import SignInDialog

CONFLICTS_PAGE = "sync_conflicts"


def install_sync(window: Any, *, start: bool = True) -> SyncController:
    """Wire sync into ``window`` (a crm.ui.shell MainWindow); returns the controller."""
    service = window.ui.services.sync
    controller = SyncController(service, window.ui.tasks, window)
    indicator = SyncIndicator(window.status)
    for placeholder in (
        getattr(window.status, "connection", None),
        getattr(window.status, "last_sync", None),
    ):
        if isinstance(placeholder, QWidget):
            holder = placeholder.parentWidget()
            target = holder if holder is not None and holder is not window.status else placeholder
            target.hide()
            window.status.removeWidget(target)
    window.status.addPermanentWidget(indicator)
    window.sync_indicator = indicator
    window.sync_controller = controller

    def changed(view: SyncView) -> None:
        indicator.show_view(view)
        state = view.state
        if state is not None and state.error is not None and state.state in ("offline", "failed"):
            show = getattr(window, "show_message", None)
            if show is not None:
                show(indicator.failure_message(state.error, offline=state.state == "offline"))
        page = window.pages.get(CONFLICTS_PAGE) if hasattr(window, "pages") else None
        if page is not None and view.status is not None:
            page.connection.show_status(view.status)
        if view.state is not None and view.state.state == "synced":
            summary = view.state.summary
            if summary is not None and (summary.pulled or summary.removed or summary.rejected):
                window.ui.events.prospectsChanged.emit([])
                refresh_people()
            if page is not None:
                page.view.reload()

    def refresh_people() -> None:
        # Head office may have sent users, districts or, after a first sync, the user this
        # computer signed in as (crm.services.sync adopts them): the status bar said "Not
        # signed in" and the RM lists lacked them until the app was restarted.
        ui = window.ui
        services = ui.services

        def apply(startup: StartupData) -> None:
            ui.startup = startup
            set_user = getattr(window.status, "set_user", None)
            if set_user is not None:
                set_user(startup.user)

        ui.tasks.read(window, lambda: load_startup(services), apply)

    def sign_in() -> None:
        user = window.ui.user
        dialog = SignInDialog(
            service.sign_in,
            window.ui.tasks,
            server=service.server_url() or "",
            username=user.username if user else "",
            parent=window,
        )
        dialog.accepted.connect(controller.sync_now)
        dialog.open()

    def conflicts() -> None:
        if hasattr(window, "show_page"):
            window.show_page(CONFLICTS_PAGE)

    def sync_now() -> None:
        if indicator.configured:
            controller.sync_now()
        else:
            sign_in()

    controller.changed.connect(changed)
    action = getattr(window, "sync_action", None)
    if isinstance(action, QAction):
        action.triggered.connect(lambda _checked=False: sync_now())
        action.setEnabled(True)
    indicator.syncRequested.connect(controller.sync_now)
    indicator.signInRequested.connect(sign_in)
    indicator.conflictsRequested.connect(conflicts)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(controller.stop)
    window.destroyed.connect(lambda *_: controller.stop())
    if start:
        controller.start()
    return controller
