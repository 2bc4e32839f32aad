"""Starting the desktop app: platform check, fonts, language, opening the database, window.

``run_gui`` is what ``crm gui`` (the default command) calls. The database is opened in the
background (a check, a backup and a migration can take seconds on a big book) behind a
progress dialog; a problem the user can act on (locked, damaged, too new, missing) is told
in a message box in the user's language, never as a traceback.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from crm.domain.errors import DomainError
from crm.ui.common.collector import IdleCollector
from crm.ui.common.context import StartupData, UiContext, load_startup
from crm.ui.common.errors import CrashHandler, app_title, route_qt_messages, said
from crm.ui.common.fonts import apply_app_font
from crm.ui.common.i18n import choose_language, install_translators, system_language
from crm.ui.common.icons import icon
from crm.ui.common.places import Places, places, set_places
from crm.ui.common.settings import APPLICATION, ORGANISATION, AppSettings
from crm.ui.common.style import apply_style
from crm.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from crm.services.container import Services
    from crm.services.first_look import FirstLook

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

# Libraries Qt's xcb platform plugin loads: the soname it links against (readelf -d
# libQt6XcbQpa.so.6) and the Debian/Ubuntu package that has it.
XCB_LIBRARIES = {
    "xcb-cursor": ("libxcb-cursor.so.0", "libxcb-cursor0"),
    "xcb-icccm": ("libxcb-icccm.so.4", "libxcb-icccm4"),
    "xcb-keysyms": ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    "xcb-image": ("libxcb-image.so.0", "libxcb-image0"),
    "xcb-render-util": ("libxcb-render-util.so.0", "libxcb-render-util0"),
    "xcb-randr": ("libxcb-randr.so.0", "libxcb-randr0"),
    "xcb-shape": ("libxcb-shape.so.0", "libxcb-shape0"),
    "xcb-xkb": ("libxcb-xkb.so.1", "libxcb-xkb1"),
    "xkbcommon-x11": ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
}
EXIT_NO_DISPLAY = 3
EXIT_DATABASE = 1
PROGRESS_DELAY_MS = 300
UI_SWITCH_INTERVAL_S = 0.002  # Python's default is 0.005; much shorter starves the page fetches
# A window opened from the book's first look gets its services after its first paint, and
# at the latest this long after it was shown.
SERVICES_AT_THE_LATEST_MS = 1000
MISSING_DB_CODE = "db.missing"
# A book that cannot be opened for these reasons is offered its latest backup.
DAMAGED_CODES = ("db.corrupt", "db.not_ours")


# -- before Qt: can a window open at all? ---------------------------------------------------


def missing_xcb_packages(
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    find: Callable[[str], str | None] | None = None,
) -> list[str]:
    """Debian packages the xcb plugin needs that are not installed (Linux, xcb only)."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return []
    qpa = env.get("QT_QPA_PLATFORM", "").strip().lower()
    if qpa not in ("", "xcb"):
        return []
    if not qpa and env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return []  # Qt picks its Wayland plugin here; xcb is not loaded
    if find is None:
        find = _xcb_library_loadable
    return [package for library, (_so, package) in XCB_LIBRARIES.items() if find(library) is None]


def _xcb_library_loadable(library: str) -> str | None:
    return loadable(XCB_LIBRARIES[library][0])


def loadable(soname: str) -> str | None:
    """``soname`` if the dynamic linker loads it, as Qt's plugin is about to (else None).

    Not ``ctypes.util.find_library``: that starts ``ldconfig`` for each library (29 ms for
    the nine, before Qt has even loaded, on every start on an X11 desktop), and does not
    see the libraries a frozen app carries beside itself."""
    import ctypes  # only on X11: 2 ms of imports

    try:
        ctypes.CDLL(soname)
    except OSError:
        return None
    return soname


def apt_command(packages: list[str]) -> str:
    return "sudo apt-get install " + " ".join(packages)


def platform_problem(
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    find: Callable[[str], str | None] | None = None,
) -> str | None:
    """What to tell the user instead of letting Qt abort, or None when all is well."""
    env = os.environ if environ is None else environ
    missing = missing_xcb_packages(env, platform, find)
    uses_xcb = platform.startswith("linux") and env.get("QT_QPA_PLATFORM", "") in ("", "xcb")
    if not missing and uses_xcb and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "FirstLoan CRM needs a desktop session to open its window, and none was found "
            "(DISPLAY is not set).\n"
            "首贷通需要在桌面环境中运行，但未找到显示器（未设置 DISPLAY）。\n"
        )
    if not missing:
        return None
    return (
        "FirstLoan CRM cannot open its window: libraries that Qt needs for X11 are missing "
        f"({', '.join(missing)}).\n"
        "首贷通无法打开窗口：缺少 Qt 在 X11 上运行所需的库。请先安装：\n\n"
        f"    {apt_command(missing)}\n"
    )


# -- the application -------------------------------------------------------------------------


def _setup_logging() -> Path | None:
    """A log file for crash reports, unless the command that started us set one up."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    if not folder:
        return None
    path = Path(folder) / "logs" / "crm.log"
    # Only here: logging.handlers brings socket and pickle (5 ms at every start).
    from logging.handlers import RotatingFileHandler

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return path


def prepare_application(language: str | None, settings: AppSettings) -> tuple[QApplication, str]:
    """The QApplication with our look, the bundled font and the chosen language."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    apply_style(app)
    apply_app_font(app)
    chosen = choose_language(language, settings.language, system_language())
    install_translators(app, chosen)
    app.setApplicationDisplayName(app_title())
    app.setWindowIcon(icon("app"))
    # Each Python callback Qt makes while painting (a model's data(), say) must take the
    # interpreter lock; while a worker runs Python (reading the next page), the UI thread
    # waits up to the switch interval for every one of them. A shorter interval keeps a
    # frame from stalling behind the worker.
    sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
    return app, chosen


def preload_ui(first_page: str) -> None:
    """Import the window and its first page in the background while the database opens.

    Importing them takes long enough that, done on the UI thread, it would hold back the
    first frame. Only modules are loaded here: no widget is made off the UI thread. The
    other pages load when first shown.
    """
    import importlib

    from crm import resources
    from crm.ui.common.filter_bar import industry_choices
    from crm.ui.shell import main_window  # noqa: F401
    from crm.ui.shell.page import default_pages

    # The reference lists and labels the filter bar and the list show (parsed and made once,
    # then cached): made here, they are work the UI thread does not do while it builds the
    # window.
    for load in (resources.sources, resources.tags, resources.stage_labels, industry_choices):
        load()

    spec = next((s for s in default_pages() if s.key == first_page), None)
    if spec is not None and spec.module:
        importlib.import_module(spec.module)


class ServiceLoader(QObject):
    """Loads the services behind a window opened from the book's first look.

    The loading waits for the window's first frame (it is Python work that would hold the
    interpreter while the list paints), at most SERVICES_AT_THE_LATEST_MS, or until
    something asks the UiContext for the services, whichever comes first.

    It runs on the task runner's pool for work that waits (``TaskRunner.waiting``), not on
    a reader: tasks on the readers may themselves be waiting for the services
    (``UiContext.services``), and with every reader taken by one of them the loading would
    never start. The services are attached on that thread, not handed to the UI thread as
    a result: the UI thread may be the one waiting for them. A failure is attached too
    (whoever waits is told), then delivered as the task's error: a bug goes to the crash
    handler, and ``failed`` tells the launcher either way.
    """

    failed = Signal(object)
    # The services are attached and start-up's objects frozen (received on the UI thread).
    loaded = Signal()

    def __init__(self, ui: UiContext, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.path = path
        self.go = threading.Event()
        self._ended = threading.Event()
        ui.wanted = self.go.set

    def start(self) -> None:
        # Owned by this loader (whose parent is the window): a window closed while the
        # services load hears nothing back.
        self.ui.tasks.waiting(self, self._run, lambda _none: self.loaded.emit(), self.failed.emit)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the loading to end (it ends once the services are attached)."""
        self._ended.wait(timeout)

    def _run(self) -> None:
        try:
            self.go.wait(SERVICES_AT_THE_LATEST_MS / 1000)
            try:
                from crm.services.container import open_services

                services = open_services(self.path)
            except BaseException as exc:
                self.ui.attach(None, exc)
                raise
            freeze_startup_objects()
            self.ui.attach(services)
        finally:
            self._ended.set()


def freeze_startup_objects() -> None:
    """Take what start-up made out of the cyclic collector's sight.

    Modules, classes, Qt wrappers and the ORM's mappings (about 100,000 objects) live as long
    as the app; every full collection would walk them again, long enough to freeze a frame
    when it falls while the user scrolls. Frozen, they are never collected: garbage among them
    stays, a few kilobytes at most.
    """
    gc.freeze()


class Launcher:
    """Opens the database in the background, then shows the main window."""

    def __init__(
        self,
        app: QApplication,
        db_path: Path,
        settings: AppSettings,
        language: str,
        crash: CrashHandler | None = None,
        quit: Callable[[int], None] | None = None,
    ) -> None:
        self.app = app
        # How to end the app when the database cannot be opened (tests keep their loop).
        self.quit = quit if quit is not None else app.exit
        self.db_path = Path(db_path)
        self.settings = settings
        self.language = language
        self.crash = crash
        self.tasks = TaskRunner()
        if crash is not None:
            self.tasks.crashed.connect(crash.show)
        self.window: object | None = None
        self.exit_code: int | None = None
        self.progress: QWidget | None = None
        self._loader: ServiceLoader | None = None
        self.collector: IdleCollector | None = None
        # The window is shown and its services are loaded (what ``--smoke`` waits for).
        self.ready = False
        # Where a problem opening the book is told instead of a message box (``--smoke``).
        self.tell: Callable[[str], None] | None = None
        # The app's own book is missing (a new computer): the first-run dialog, not a question.
        self.first_run = False
        self.first_run_book = self.db_path
        self._done = False
        # Who signed in with their passphrase at start (crm.ui.lock.signin), when this
        # computer holds users' credentials for the book; the dialog while it is open.
        self.signed_in: str | None = None
        self.sign_in_dialog: QWidget | None = None

    def start(self, create: bool = False) -> None:
        if not create and self.signed_in is None and self._credentials():
            # Asked from the event loop: Cancel must be able to end it.
            QTimer.singleShot(0, lambda: self._ask_sign_in(create))
            return
        self._done = False
        # Made only when the open takes longer than the delay: building it on every start
        # cost about 5 ms before the first frame, for a dialog a quick open never shows.
        QTimer.singleShot(PROGRESS_DELAY_MS, self._show_progress)
        path = self.db_path
        first_page = self.settings.last_page

        signed_in = self.signed_in

        def look() -> FirstLook | None:
            # The first screen with the bare driver: the window can paint the list before
            # SQLAlchemy has loaded. None (anything unusual) sends the careful open.
            if create or first_page != "prospects":
                return None
            from crm.services.first_look import first_look
            from crm.ui.prospects.table_model import PAGE_SIZE

            found = first_look(path, PAGE_SIZE)
            if (
                found is not None
                and signed_in is not None
                and (found.user is None or found.user.username != signed_in)
            ):
                return None  # another user signed in: the careful open signs them in
            if found is not None:
                preload_ui(first_page)
            return found

        self.tasks.read(self.tasks, look, lambda found: self._looked(found, create), self._failed)

    def _open_carefully(self, create: bool) -> None:
        path = self.db_path
        first_page = self.settings.last_page

        signed_in = self.signed_in

        def open_all() -> tuple[Services, StartupData]:
            from crm.services.container import open_services

            services = open_services(path, create=create)
            if signed_in is not None:
                _sign_in_as(services, signed_in)
            startup = load_startup(services)
            preload_ui(first_page)
            return services, startup

        self.tasks.read(self.tasks, open_all, self._opened, self._failed)

    def _looked(self, found: FirstLook | None, create: bool) -> None:
        from crm.ui.shell.main_window import MainWindow

        if found is None:
            self._open_carefully(create)
            return
        self._finish_progress()
        startup = StartupData(found.user, found.users, found.districts, found.acting)
        ui = UiContext(
            None, self.settings, self.tasks, startup, db_path=self.db_path, first_look=found
        )
        window = MainWindow(ui, crash=self.crash, language=self.language)
        self.window = window
        loader = ServiceLoader(ui, self.db_path, window)
        loader.failed.connect(lambda error: self._failed_late(error, window))
        window.firstPainted.connect(loader.go.set)
        self._loader = loader
        # Not before: loading makes ~100,000 objects, which Python's own full collections
        # sweep on the loader's thread; the idle collector would walk them on this one.
        loader.loaded.connect(lambda: self._collect_when_idle(window))
        loader.loaded.connect(self._set_ready)
        loader.start()
        window.show()
        self._release_app()
        # After the first frame: the backups module is not needed to paint the list.
        window.firstPainted.connect(lambda: self._daily_backup(window))

    def _credentials(self) -> tuple[str, ...]:
        """The users whose credentials this computer holds for the book (none: no sign-in;
        ``--smoke`` asks no one)."""
        if self.tell is not None:
            return ()
        from crm.services.first_look import credential_holders

        return credential_holders(self.db_path)

    def _ask_sign_in(self, create: bool) -> None:
        from crm.services import book_lock
        from crm.ui.lock.signin import SignInDialog

        path = self.db_path
        users = self._credentials()

        def verify(username: str, passphrase: str) -> None:
            book_lock.unlock(path, username, passphrase)

        dialog = SignInDialog(path.name, users, verify, users[0] if len(users) == 1 else None)
        self.sign_in_dialog = dialog
        self._hold_app()

        def done(result: int) -> None:
            self.sign_in_dialog = None
            dialog.deleteLater()
            if result != SignInDialog.DialogCode.Accepted:
                self.exit_code = 0  # the RM chose to quit: nothing went wrong
                self.quit(0)
                return
            self.signed_in = dialog.username
            self.start(create)

        dialog.finished.connect(done)
        dialog.open()

    def _hold_app(self) -> None:
        """A dialog before the window (sign-in, first run) is the app's only window: its
        closing must not end the app, which goes on to open the book."""
        self.app.setQuitOnLastWindowClosed(False)

    def _release_app(self) -> None:
        # The main window is up: closing it ends the app again.
        self.app.setQuitOnLastWindowClosed(True)

    def _set_ready(self) -> None:
        self.ready = True
        self._audit_sign_in()

    def _audit_sign_in(self) -> None:
        """The passphrase given at start, in the audit log (once the book is open)."""
        window = self.window
        if self.signed_in is not None and isinstance(window, QWidget):
            from crm.domain.audit import Action

            ui = getattr(window, "ui", None)
            if isinstance(ui, UiContext) and ui.services_ready:
                ui.services.audit.record(Action.UNLOCK, detail={"via": "start"})

    def _collect_when_idle(self, window: QWidget) -> None:
        self.collector = IdleCollector(window)

    def _failed_late(self, error: BaseException, window: QWidget) -> None:
        # The first look was fine but the careful open is not (another program took the
        # book meanwhile, say): tell it and close, as at start.
        if isinstance(error, DomainError):
            if self.tell is not None:
                self.tell(said(error))
            else:
                QMessageBox.critical(window, app_title(), said(error))
        self.exit_code = EXIT_DATABASE
        window.hide()
        self.quit(EXIT_DATABASE)

    def _show_progress(self) -> None:
        if self._done or self.progress is not None:
            return
        from PySide6.QtWidgets import QProgressDialog

        progress = QProgressDialog(
            translate("Launcher", "Opening {name}…").format(name=self.db_path.name), "", 0, 0
        )
        progress.setCancelButton(None)
        progress.setWindowTitle(app_title())
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.setMinimumDuration(0)
        self.progress = progress
        progress.show()

    def _finish_progress(self) -> None:
        self._done = True
        if self.progress is not None:
            self.progress.hide()
            self.progress.deleteLater()
            self.progress = None

    def _opened(self, result: tuple[Services, StartupData]) -> None:
        from crm.ui.shell.main_window import MainWindow

        self._finish_progress()
        services, startup = result
        ui = UiContext(services, self.settings, self.tasks, startup)
        window = MainWindow(ui, crash=self.crash, language=self.language)
        self.window = window
        window.show()
        self._release_app()
        freeze_startup_objects()
        self._collect_when_idle(window)
        self._set_ready()
        self._daily_backup(window)
        report = services.report
        if report is not None and report.backup is not None:
            window.show_message(
                translate(
                    "Launcher", "The database was upgraded; the previous version was kept as {path}"
                ).format(path=report.backup)
            )

    def _daily_backup(self, window: QWidget) -> None:
        # Not for --smoke, nor without the app's places (a launcher made by a test).
        if self.tell is None and places() is not None:
            from crm.ui.backups.hook import schedule_daily_backup

            schedule_daily_backup(window)

    def _first_run(self) -> tuple[Path, bool] | None:
        from crm.ui.firstrun.dialog import FirstRunDialog

        given = places()
        if given is None:
            return None
        dialog = FirstRunDialog(
            self.tasks, self.db_path, given.data / "demo.db", make_demo=given.make_demo
        )
        self._hold_app()
        if dialog.exec() != FirstRunDialog.DialogCode.Accepted or dialog.book is None:
            return None
        # The RM who just set their passphrase is not asked for it again.
        self.signed_in = dialog.signed_in
        return dialog.book, dialog.make_empty

    def _restored_latest_backup(self) -> bool:
        from crm.ui.backups.hook import offer_latest_backup

        return offer_latest_backup(None, self.db_path)

    def _failed(self, error: BaseException) -> None:
        self._finish_progress()
        if isinstance(error, DomainError) and error.code == MISSING_DB_CODE and self.first_run:
            chosen = self._first_run()
            if chosen is None:
                self.exit_code = 0  # the RM chose to quit: nothing went wrong
                self.quit(0)
                return
            self.db_path, create = chosen
            self.settings.book = "" if self.db_path == self.first_run_book else str(self.db_path)
            self.start(create=create)
            return
        elif isinstance(error, DomainError) and error.code == MISSING_DB_CODE:
            answer = QMessageBox.question(
                None,
                app_title(),
                translate(
                    "Launcher", "There is no database at {path}.\n\nCreate a new, empty book there?"
                ).format(path=self.db_path),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.start(create=True)
                return
        elif isinstance(error, DomainError):
            if self.tell is not None:
                self.tell(said(error))
            else:
                QMessageBox.critical(None, app_title(), said(error))
                if error.code in DAMAGED_CODES and self._restored_latest_backup():
                    self.start()
                    return
        elif self.tell is not None:
            self.tell(f"{type(error).__name__}: {error}")
        self.exit_code = EXIT_DATABASE
        self.quit(EXIT_DATABASE)


def _sign_in_as(services: Services, username: str) -> None:
    """Make the user who gave their passphrase the book's signed-in user (a user the book
    does not know yet, before its first download, leaves it as it is)."""
    current = services.users.current()
    if current is not None and current.username == username:
        return
    try:
        user = services.users.by_username(username)
    except DomainError:
        return
    services.users.sign_in(user.id)


SMOKE_TIMEOUT_MS = 120_000
SMOKE_MARKER = "smoke: window painted"


def _smoke_watch(app: QApplication, launcher: Launcher) -> QTimer:
    """``--smoke``: once the window is shown with its services, paint it once, say so on
    stdout and end with 0; a database problem ends with its status, a hang after
    ``SMOKE_TIMEOUT_MS`` with 1."""
    timer = QTimer(app)
    waited = {"ms": 0}

    def poll() -> None:
        waited["ms"] += 50
        window = launcher.window
        if launcher.ready and isinstance(window, QWidget):
            image = window.grab()
            print(
                f"{SMOKE_MARKER}: {launcher.db_path} ({image.width()}×{image.height()})",
                flush=True,
            )
            timer.stop()
            launcher.exit_code = 0
            app.exit(0)
        elif launcher.exit_code is not None:
            timer.stop()
            app.exit(launcher.exit_code)
        elif waited["ms"] >= SMOKE_TIMEOUT_MS:
            sys.stderr.write(f"smoke: no window after {SMOKE_TIMEOUT_MS // 1000} s\n")
            sys.stderr.flush()
            os._exit(1)  # a modal dialog's own loop would keep app.exit from ending the run

    timer.timeout.connect(poll)
    timer.start(50)
    return timer


def run_gui(
    db_path: Path,
    language: str | None = None,
    *,
    settings_path: Path | None = None,
    log_file: Path | None = None,
    smoke: bool = False,
    app_places: Places | None = None,
) -> int:
    """Start the desktop app on the database at ``db_path``; returns the exit status.

    ``smoke`` (``crm gui --smoke``, the packaged app's check): open the book (made if there
    is none) and migrate it, render the main window offscreen and exit 0, leaving the user's
    settings alone."""
    if app_places is not None:
        set_places(app_places)
    if smoke and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    problem = platform_problem()
    if problem is not None:
        sys.stderr.write(problem)
        return EXIT_NO_DISPLAY
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    scratch = None
    if smoke and settings_path is None:
        import tempfile

        scratch = tempfile.TemporaryDirectory(prefix="crm-smoke-")
        settings_path = Path(scratch.name) / "settings.ini"
    settings = AppSettings(settings_path)
    app, chosen = prepare_application(language, settings)
    crash = CrashHandler(log_file or _setup_logging())
    crash.install()
    route_qt_messages()
    launcher = Launcher(app, db_path, settings, chosen, crash)
    given = places()
    if not smoke and given is not None:
        own = given.own_book
        if Path(db_path) == own and not own.exists():
            remembered = Path(settings.book) if settings.book else None
            if remembered is not None and remembered.exists():
                launcher.db_path = remembered  # the demo or a file chosen at the first run
            else:
                launcher.first_run = True
    watch = None
    if smoke:
        launcher.tell = lambda text: print(text, file=sys.stderr, flush=True)
        watch = _smoke_watch(app, launcher)
    launcher.start(create=smoke and not Path(db_path).exists())
    status = app.exec()
    crash.uninstall()
    if watch is not None:
        watch.stop()
    if scratch is not None:
        scratch.cleanup()
    return launcher.exit_code if launcher.exit_code is not None else int(status)
