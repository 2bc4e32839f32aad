"""The main window: navigation on the left, the pages, menus and the status bar.

Pages come from ``PageSpec``s and are built the first time they are shown. Switching pages
keeps each page as it was (an open prospect with unsaved edits stays open); closing the
window asks about unsaved changes first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from crm import __version__
from crm.domain.errors import DomainError
from crm.domain.roles import Permission
from crm.ui.common.context import UiContext
from crm.ui.common.errors import CrashHandler, show_error
from crm.ui.common.i18n import LANGUAGES
from crm.ui.common.icons import icon
from crm.ui.shell.page import Page, PageSpec, default_pages
from crm.ui.shell.status import AppStatusBar
from crm.ui.team.spec import team_page

if TYPE_CHECKING:
    from crm.ui.lock.controller import LockController
    from crm.ui.settings.dialog import SettingsDialog

NAV_WIDTH = 168
DEFAULT_SIZE = QSize(1366, 768)
SYNC_AT_THE_LATEST_MS = 1000


class MainWindow(QMainWindow):
    # The window's first frame is drawn (the launcher loads the services after it).
    firstPainted = Signal()

    def __init__(
        self,
        ui: UiContext,
        pages: Sequence[PageSpec] | None = None,
        crash: CrashHandler | None = None,
        language: str = "en",
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.ui = ui
        self._painted = False
        self.crash = crash
        self.language = language if language in LANGUAGES else "en"
        # The Team page is a lead's (and head office's): an RM's window leaves it out.
        team = [team_page()] if ui.acting.may(Permission.TEAM_PAGE) else []
        self.specs = list(pages if pages is not None else [*default_pages(), *team])
        self.pages: dict[str, Page] = {}
        self.settings_dialog: SettingsDialog | None = None
        self._closing = False
        # The book's file alone: Qt adds the application's display name (首贷通) itself on
        # Windows and Linux ("demo.db — 首贷通"), so naming it here showed it twice.
        self.setWindowTitle(ui.db_path.name)

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget(central)
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.stack = QStackedWidget(central)
        for n, spec in enumerate(self.specs):
            item = QListWidgetItem(icon(spec.icon), spec.title(), self.nav)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(
                self.tr("{page} (Ctrl+{number})").format(page=spec.title(), number=n + 1)
            )
            self.stack.addWidget(QWidget(self.stack))  # replaced when first shown
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.status = AppStatusBar(ui.db_path, ui.user, self)
        self.setStatusBar(self.status)
        ui.tasks.busyChanged.connect(self.status.set_busy)
        ui.tasks.unhandledError.connect(self._unhandled)
        if crash is not None:
            ui.tasks.crashed.connect(crash.show)

        self._build_menus()
        self.nav.currentRowChanged.connect(self._nav_changed)
        self._restore()
        # Sync (status indicator, scheduler) needs httpx, keyring and the services, which
        # take longer to import than the first page takes to show: they load on a worker
        # after the first frame (importing them meanwhile held the interpreter while the
        # window painted: start to the list painted about 20% longer), or at the latest
        # SYNC_AT_THE_LATEST_MS after the window is made (a window never shown).
        self.sync_controller: object | None = None
        self._sync_asked = False
        self.firstPainted.connect(self._load_sync)
        QTimer.singleShot(SYNC_AT_THE_LATEST_MS, self._load_sync)
        from crm.ui.imports.hook import install_import  # imports: File ▸ Import list…

        self.import_action = install_import(self)
        from crm.ui.visits.hook import install_visits  # visits: File ▸ Export visits (.ics)

        self.export_visits_action = install_visits(self, open_today=False)
        from crm.ui.reports.hook import install_reports  # reports: the Reports menu

        self.reports_menu = install_reports(self)
        # File ▸ Back up now, Restore… and File ▸ Lock with the idle lock: in a window made
        # from the book's first look (the launcher's), after the first frame, as sync is
        # (they took 7 ms of the window's making; their items sit in the closed File menu).
        self.lock: LockController | None = None
        self._late_installed = False
        if ui.services_ready:
            self._install_late()
        else:
            self.firstPainted.connect(self._install_late)
            QTimer.singleShot(SYNC_AT_THE_LATEST_MS, self._install_late)

    def _install_late(self) -> None:
        if self._late_installed:
            return
        self._late_installed = True
        from crm.ui.backups.hook import install_backups
        from crm.ui.lock.hook import install_lock

        install_backups(self)
        self.lock = install_lock(self)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if not self._painted and event.type() == QEvent.Type.UpdateRequest:
            # The window has just drawn itself and its children (the backing store is
            # flushed in this request).
            self._painted = True
            QTimer.singleShot(0, self.firstPainted.emit)
        return handled

    def _load_sync(self) -> None:
        if not self._sync_asked:
            self._sync_asked = True
            self.ui.tasks.read(self, partial(_sync_installer, self.ui), self._install_sync)

    def _install_sync(self, install: Callable[[MainWindow], object]) -> None:
        self.sync_controller = install(self)

    # -- menus -----------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        shortcut: str | QKeySequence.StandardKey | None,
        slot: Callable[[], object],
        icon_name: str = "",
    ) -> QAction:
        action = QAction(icon(icon_name) if icon_name else icon("none"), text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.new_action = self._action(
            self.tr("&New prospect…"), "Ctrl+N", self.new_prospect, "add"
        )
        file_menu.addAction(self.new_action)
        file_menu.addSeparator()
        # Sync now: enabled once sync has loaded (crm.ui.sync.hook runs it, or asks to sign
        # in when this computer is not registered with head office yet).
        self.sync_action = QAction(icon("refresh"), self.tr("S&ync now"), self)
        self.sync_action.setShortcut(QKeySequence("F9"))
        self.sync_action.setToolTip(self.tr("Send your changes to head office and get theirs"))
        self.sync_action.setEnabled(False)
        self.addAction(self.sync_action)
        file_menu.addAction(self.sync_action)
        file_menu.addSeparator()
        self.settings_action = self._action(
            self.tr("&Settings…"), "Ctrl+,", self.open_settings, "settings"
        )
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action(self.tr("&Quit"), "Ctrl+Q", self.close))

        view = bar.addMenu(self.tr("&View"))
        for n, spec in enumerate(self.specs):
            view.addAction(
                self._action(
                    spec.title(), f"Ctrl+{n + 1}", partial(self.show_page, spec.key), spec.icon
                )
            )
        view.addSeparator()
        self.find_action = self._action(self.tr("&Find"), "Ctrl+F", self.focus_search, "search")
        view.addAction(self.find_action)
        view.addAction(self._action(self.tr("&Refresh"), "F5", self.refresh, "refresh"))

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self._action(self.tr("&About FirstLoan CRM"), None, self.about))

    # -- pages -----------------------------------------------------------------------------

    def page(self, key: str) -> Page:
        """The page ``key``, built (and started) the first time it is asked for."""
        if key in self.pages:
            return self.pages[key]
        at = next(i for i, s in enumerate(self.specs) if s.key == key)
        spec = self.specs[at]
        page = spec.factory(self.ui, self.stack)
        placeholder = self.stack.widget(at)
        if placeholder is not None:
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        self.stack.insertWidget(at, page)
        page.message.connect(self.show_message)
        page.openProspect.connect(self.open_prospect)
        self.pages[key] = page
        page.start()
        return page

    def current_key(self) -> str:
        item = self.nav.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def current_page(self) -> Page | None:
        key = self.current_key()
        return self.pages.get(key) if key else None

    def show_page(self, key: str) -> Page:
        at = next((i for i, s in enumerate(self.specs) if s.key == key), 0)
        page = self.page(self.specs[at].key)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(at)
        self.nav.blockSignals(False)
        self.stack.setCurrentWidget(page)
        self.ui.settings.last_page = self.specs[at].key
        return page

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(self.specs):
            self.show_page(self.specs[row].key)

    # -- commands --------------------------------------------------------------------------

    def open_prospect(self, prospect_id: str) -> None:
        page = self.show_page("prospects")
        opener = getattr(page, "open_prospect", None)
        if opener is not None:
            opener(prospect_id)

    def new_prospect(self) -> None:
        page = self.show_page("prospects")
        creator = getattr(page, "new_prospect", None)
        if creator is not None:
            creator()

    def focus_search(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_search()

    def refresh(self) -> None:
        self.ui.events.prospectsChanged.emit([])

    def show_message(self, text: str) -> None:
        self.status.showMessage(text, 6000)

    def open_settings(self) -> None:
        # The sync status the controller last read says where the device token is kept.
        status = getattr(getattr(self.sync_controller, "last", None), "status", None)
        from crm.ui.settings.dialog import SettingsDialog  # not loaded before the first frame

        dialog = SettingsDialog(
            self.ui.settings, str(self.ui.db_path), self.language, self, sync_status=status
        )
        self.settings_dialog = dialog
        dialog.languageChanged.connect(
            lambda _lang: self.show_message(
                self.tr("The new language applies after you restart FirstLoan CRM.")
            )
        )
        dialog.finished.connect(lambda _r: self._settings_closed(dialog))
        dialog.open()

    def _settings_closed(self, dialog: SettingsDialog) -> None:
        if self.settings_dialog is dialog:
            self.settings_dialog = None
        dialog.deleteLater()

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About FirstLoan CRM"),
            self.tr(
                "<b>FirstLoan CRM</b> (首贷通) {version}<br>Cultivating small businesses "
                "from no-loan prospect to first-loan customer to strategic client."
            ).format(version=__version__),
        )

    def _unhandled(self, _owner: object, error: DomainError) -> None:
        show_error(self, error)

    # -- state and closing -----------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.ui.settings.state("main_window")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(DEFAULT_SIZE)
        keys = [s.key for s in self.specs]
        last = self.ui.settings.last_page
        self.show_page(last if last in keys else keys[0])

    def save_state(self) -> None:
        self.ui.settings.set_state("main_window", self.saveGeometry())
        self.ui.settings.last_page = self.current_key()
        for page in self.pages.values():
            page.save_state()
        self.ui.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing:
            unsaved = next((p for p in self.pages.values() if p.has_unsaved_changes()), None)
            if unsaved is not None:
                event.ignore()
                self.show_page(unsaved.key)
                unsaved.guard(self._close_now)
                return
        self.save_state()
        self.ui.tasks.wait(5000)
        super().closeEvent(event)

    def _close_now(self) -> None:
        self._closing = True
        self.close()


def _sync_installer(ui: UiContext) -> Callable[[MainWindow], object]:
    """Runs on a worker: only imports (no widget is made off the UI thread). Sync needs the
    services, which may still be loading behind a window opened from the first look."""
    from crm.ui.sync.hook import install_sync

    ui.services  # noqa: B018 - waits for them here, not on the UI thread
    return install_sync
