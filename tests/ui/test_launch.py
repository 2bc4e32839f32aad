"""Starting the app: the X11 library check, language choice, translations, the bundled font,
opening the database behind a progress dialog, database problems told plainly, crashes."""

from __future__ import annotations

import gc
import logging
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QThreadPool
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QMessageBox

from crm.demo.builder import build_demo
from crm.ui.common.errors import CrashHandler
from crm.ui.common.fonts import register_cjk_font
from crm.ui.common.i18n import choose_language, system_language
from crm.ui.common.settings import AppSettings
from crm.ui.launch import (
    Launcher,
    apt_command,
    loadable,
    missing_xcb_packages,
    platform_problem,
)
from crm.ui.shell.main_window import MainWindow


def _none_found(_name: str) -> None:
    return None


def test_missing_xcb_libraries_give_the_apt_line():
    problem = platform_problem({}, platform="linux", find=_none_found)
    assert problem is not None
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in problem


def test_no_display_is_said_instead_of_a_qt_abort():
    problem = platform_problem({}, platform="linux", find=lambda name: f"lib{name}.so")
    assert problem is not None and "DISPLAY" in problem
    assert (
        platform_problem({"DISPLAY": ":0"}, platform="linux", find=lambda name: f"lib{name}.so")
        is None
    )


def test_only_the_missing_packages_are_named():
    present = {"xcb-cursor": None}
    missing = missing_xcb_packages(
        {"QT_QPA_PLATFORM": "xcb"},
        "linux",
        lambda name: None if name in present else f"lib{name}.so",
    )
    assert missing == ["libxcb-cursor0"]
    assert apt_command(missing) == "sudo apt-get install libxcb-cursor0"


def test_a_library_counts_as_there_when_the_dynamic_linker_loads_it():
    assert loadable("libc.so.6") == "libc.so.6"
    assert loadable("libfirstloan-no-such-library.so.7") is None


@pytest.mark.parametrize(
    ("environ", "platform"),
    [
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
        ({"QT_QPA_PLATFORM": "wayland"}, "linux"),
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux"),
        ({}, "win32"),
        ({}, "darwin"),
    ],
)
def test_no_xcb_check_where_xcb_is_not_used(environ, platform):
    assert missing_xcb_packages(environ, platform, _none_found) == []


def test_language_argument_then_setting_then_system():
    assert choose_language("en", "zh_CN", "zh_CN") == "en"
    assert choose_language(None, "zh_CN", "en") == "zh_CN"
    assert choose_language(None, "", "zh_CN") == "zh_CN"
    assert choose_language(None, "", "en") == "en"
    assert choose_language("zh", "", "en") == "zh_CN"


def test_a_chinese_system_means_chinese():
    assert system_language(QLocale(QLocale.Language.Chinese, QLocale.Country.Taiwan)) == "zh_CN"
    assert system_language(QLocale(QLocale.Language.German, QLocale.Country.Germany)) == "en"


def test_chinese_covers_our_strings_and_qts_own_buttons(chinese):
    assert QCoreApplication.translate("Navigation", "Prospects") == "客户"
    assert QCoreApplication.translate("QPlatformTheme", "Discard") == "丢弃"
    assert QLocale().name() == "zh_CN"


def test_the_bundled_font_draws_chinese():
    family = register_cjk_font()
    assert family == "WenQuanYi Micro Hei"
    assert QFontMetrics(QFont(family)).inFontUcs4(ord("贷"))
    assert QApplication.font().family() == family


@pytest.fixture
def launcher_for(qtbot, tmp_path):
    made: list[Launcher] = []

    def make(path: Path) -> Launcher:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        launcher = Launcher(
            app, path, AppSettings(tmp_path / "s.ini"), "en", quit=lambda _status: None
        )
        made.append(launcher)
        return launcher

    yield make
    for launcher in made:
        if isinstance(launcher.window, MainWindow):
            ui = launcher.window.ui
            qtbot.waitUntil(lambda ui=ui: ui.services_ready, timeout=10_000)
        launcher.tasks.wait()
        if isinstance(launcher.window, MainWindow):
            launcher.window.close()
            launcher.window.ui.services.close()


def test_launcher_opens_the_database_and_shows_the_window(launcher_for, tmp_path, qtbot):
    path = tmp_path / "book.db"
    build_demo(path, prospects=30, seed=2)
    launcher = launcher_for(path)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=10_000)
    window = launcher.window
    assert isinstance(window, MainWindow)
    assert window.isVisible()
    assert window.status.database.text() == "book.db"
    assert launcher.exit_code is None
    qtbot.waitUntil(lambda: launcher.collector is not None, timeout=10_000)
    assert launcher.collector is not None and launcher.collector.thread() is window.thread()


def test_the_list_shows_from_the_first_look_and_the_services_follow(launcher_for, tmp_path, qtbot):
    path = tmp_path / "book.db"
    build_demo(path, prospects=300, seed=2)
    gc.unfreeze()  # what earlier tests froze: this launcher must freeze on its own
    launcher = launcher_for(path)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=10_000)
    window = launcher.window
    assert isinstance(window, MainWindow)
    page = window.pages["prospects"]
    # The rows are there as the window is built, read before the services loaded.
    assert page.list.model.rowCount() == 200
    assert page.list.model.total == 300
    first = [page.list.model.row_at(r) for r in range(200)]
    qtbot.waitUntil(lambda: window.ui.services_ready, timeout=10_000)
    # File ▸ Lock (with the idle lock) and the backup items come after the first frame.
    qtbot.waitUntil(lambda: window.lock is not None, timeout=10_000)
    file_menu = window.menuBar().actions()[0].menu()
    items = [a.objectName() for a in file_menu.actions()]
    assert "backUpNowAction" in items and window.lock.action in file_menu.actions()
    from dataclasses import replace

    from crm.domain.query import ProspectFilter, Sort

    # The same rows (the list's model keeps no short names and only the last sort key).
    served = window.ui.services.prospects.page(ProspectFilter(), Sort(), 0, 200)
    assert [replace(r, short_name="", sort_key="") for r in served] == [
        replace(r, short_name="", sort_key="") for r in first
    ]
    assert first[-1].sort_key == served[-1].sort_key
    # What start-up made is out of the collector's sight: no full collection walks it.
    assert gc.get_freeze_count() > 10_000
    # Only then do full collections wait for an idle list, run from the UI thread.
    qtbot.waitUntil(lambda: launcher.collector is not None, timeout=10_000)
    assert launcher.collector.thread() is window.thread()
    page.list.filters.search.setText("佛山")  # and the list works on from there
    qtbot.waitUntil(lambda: page.list.model.filter.text == "佛山", timeout=10_000)
    qtbot.waitUntil(lambda: not page.list.model.loading, timeout=10_000)
    assert page.list.model.rowCount() > 0


def test_a_book_left_open_by_a_crash_is_opened_the_careful_way(launcher_for, tmp_path, qtbot):
    path = tmp_path / "book.db"
    build_demo(path, prospects=30, seed=2)
    # A write-ahead log left behind (its frames do not check out, so SQLite ignores them):
    # no first look; the book is checked page by page and opened with its services.
    path.with_name(path.name + "-wal").write_bytes(os.urandom(4096))
    launcher = launcher_for(path)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=10_000)
    assert launcher.window.ui.services_ready
    assert launcher.window.pages["prospects"].list.model.total in (None, 30)


def test_a_file_that_is_no_book_is_told_plainly(launcher_for, tmp_path, qtbot, monkeypatch):
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: told.append(text))
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database at all" * 100)
    launcher = launcher_for(path)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.exit_code is not None, timeout=10_000)
    assert launcher.exit_code == 1
    assert launcher.window is None
    assert len(told) == 1 and "broken.db" in told[0] and "not a FirstLoan CRM book" in told[0]
    assert "Traceback" not in told[0]


def test_a_missing_database_can_be_created(launcher_for, tmp_path, qtbot, monkeypatch):
    asked: list[str] = []

    def question(_p, _t, text, *_a):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    path = tmp_path / "new" / "crm.db"
    launcher = launcher_for(path)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=10_000)
    assert "There is no database at" in asked[0]
    assert path.exists()


def test_a_missing_database_left_alone_when_the_user_says_no(
    launcher_for, tmp_path, qtbot, monkeypatch
):
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.No)
    path = tmp_path / "typo.db"
    launcher = launcher_for(path)
    launcher.start()
    qtbot.waitUntil(lambda: launcher.exit_code is not None, timeout=10_000)
    assert not path.exists()


def test_a_crash_is_logged_and_shown(tmp_path, monkeypatch, caplog):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.detailedText()) or 0)
    handler = CrashHandler(tmp_path / "crm.log")
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        with caplog.at_level(logging.CRITICAL):
            handler.excepthook(type(exc), exc, exc.__traceback__)
    assert "RuntimeError: boom" in shown[0]
    assert "unhandled exception" in caplog.text


def _boom(message: str) -> None:
    raise RuntimeError(message)


def test_an_exception_in_a_worker_thread_reaches_the_crash_handler(
    tmp_path, monkeypatch, caplog, qtbot
):
    # Shown in the crash dialog on the UI thread (no widget is made off it), and logged.
    shown: list[tuple[str, bool]] = []

    def exec_(box: QMessageBox) -> int:
        shown.append((box.detailedText(), threading.current_thread() is threading.main_thread()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    previous = threading.excepthook
    handler = CrashHandler(tmp_path / "crm.log")
    handler.install()
    try:
        with caplog.at_level(logging.CRITICAL):
            # A plain thread: threading.excepthook.
            worker = threading.Thread(target=_boom, args=("boom in a thread",), name="a-worker")
            worker.start()
            worker.join()
            qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
            # Python run by Qt on one of its threads: sys.excepthook, called on that thread.
            pool = QThreadPool()
            pool.start(lambda: _boom("boom in a Qt thread"))
            pool.waitForDone()
            qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    finally:
        handler.uninstall()
    assert threading.excepthook is previous
    assert "RuntimeError: boom in a thread" in shown[0][0]
    assert "RuntimeError: boom in a Qt thread" in shown[1][0]
    assert all(on_ui_thread for _text, on_ui_thread in shown)
    assert "unhandled exception in thread a-worker" in caplog.text


def test_a_crash_reported_twice_is_shown_once(tmp_path, monkeypatch, qtbot):
    # The launcher and its window both hear the task runner's ``crashed``.
    from crm.ui.common.tasks import TaskRunner

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.detailedText()) or 0)
    handler = CrashHandler(tmp_path / "crm.log")
    tasks = TaskRunner()
    tasks.crashed.connect(handler.show)
    tasks.crashed.connect(handler.show)
    failed: list[BaseException] = []
    tasks.write(tasks, lambda: _boom("boom in a task"), None, failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    assert len(shown) == 1 and "RuntimeError: boom in a task" in shown[0]
    # A later crash is shown again.
    tasks.write(tasks, lambda: _boom("boom again"), None, failed.append)
    qtbot.waitUntil(lambda: len(failed) == 2, timeout=5000)
    assert len(shown) == 2 and "boom again" in shown[1]


def test_window_remembers_its_page(qtbot, ui):
    first = MainWindow(ui)
    qtbot.addWidget(first)
    first.show_page("pipeline")
    first.resize(700, 500)  # within the offscreen screen (800×600), which bounds geometry
    first.save_state()
    second = MainWindow(ui)
    qtbot.addWidget(second)
    assert second.current_key() == "pipeline"
    assert second.size().width() == 700
    ui.tasks.wait()


def test_asking_for_the_services_before_the_first_frame_loads_them_at_once(tmp_path, qtbot):
    from crm.domain.query import ProspectFilter
    from crm.services.first_look import first_look
    from crm.ui.common.context import StartupData, UiContext
    from crm.ui.common.tasks import TaskRunner
    from crm.ui.launch import ServiceLoader

    path = tmp_path / "book.db"
    build_demo(path, prospects=30, seed=2)
    look = first_look(path, 200)
    assert look is not None
    ui = UiContext(
        None,
        AppSettings(tmp_path / "s.ini"),
        TaskRunner(),
        StartupData(look.user, look.users, look.districts),
        db_path=path,
        first_look=look,
    )
    loader = ServiceLoader(ui, path)
    loader.start()  # waiting for a first frame that never comes (no window here)
    assert not loader.go.is_set()
    services = ui.services  # on the UI thread: the loading starts now, not after a delay
    assert loader.go.is_set()
    assert services.prospects.count(ProspectFilter()) == 30
    # Its thread still says "loaded" after attaching: it must be done before `loader` goes.
    loader.join(10)
    services.close()


def test_the_services_load_while_every_reader_waits_for_them(tmp_path, qtbot):
    # Tasks on the readers that need the services wait for them; the loading must not wait
    # for a free reader behind them.
    from crm.domain.query import ProspectFilter
    from crm.services.first_look import first_look
    from crm.ui.common.context import StartupData, UiContext
    from crm.ui.common.tasks import TaskRunner
    from crm.ui.launch import ServiceLoader

    path = tmp_path / "book.db"
    build_demo(path, prospects=30, seed=2)
    look = first_look(path, 200)
    assert look is not None
    tasks = TaskRunner(readers=2)
    ui = UiContext(
        None,
        AppSettings(tmp_path / "s.ini"),
        tasks,
        StartupData(look.user, look.users, look.districts),
        db_path=path,
        first_look=look,
    )
    counted: list[int] = []
    for _ in range(3):
        tasks.read(tasks, lambda: ui.services.prospects.count(ProspectFilter()), counted.append)
    loaded: list[bool] = []
    loader = ServiceLoader(ui, path)
    loader.loaded.connect(lambda: loaded.append(True))
    loader.start()
    qtbot.waitUntil(lambda: len(counted) == 3 and bool(loaded), timeout=10_000)
    assert counted == [30, 30, 30]
    loader.join(10)
    tasks.wait()
    ui.services.close()


def test_a_window_from_the_first_look_asks_for_the_services_only_once_painted(tmp_path, qtbot):
    # Sync's imports and the services (SQLAlchemy) loaded while the window painted its first
    # frame held the interpreter the UI thread needed: start to the list painted took longer.
    from crm.services.first_look import first_look
    from crm.ui.common.context import StartupData, UiContext
    from crm.ui.common.tasks import TaskRunner
    from crm.ui.launch import ServiceLoader
    from crm.ui.sync import hook  # noqa: F401 - imported already, as sync would be quickly

    path = tmp_path / "book.db"
    build_demo(path, prospects=30, seed=2)
    look = first_look(path, 200)
    assert look is not None
    ui = UiContext(
        None,
        AppSettings(tmp_path / "s.ini"),
        TaskRunner(),
        StartupData(look.user, look.users, look.districts),
        db_path=path,
        first_look=look,
    )
    loader = ServiceLoader(ui, path)  # listening before the window asks anything
    window = MainWindow(ui)
    qtbot.addWidget(window)
    window.firstPainted.connect(loader.go.set)
    loader.start()
    qtbot.wait(200)  # built but not shown: nothing has asked for the services
    assert not loader.go.is_set()
    assert window.sync_controller is None
    assert window.pages["prospects"].list.model.rowCount() == 30
    window.show()
    qtbot.waitUntil(loader.go.is_set, timeout=5000)
    qtbot.waitUntil(lambda: window.sync_controller is not None, timeout=10_000)
    assert ui.services_ready
    loader.join(10)
    ui.tasks.wait()
    window.close()
    ui.services.close()


# What the first frame does without (start to the list painted, issue #18): each cost
# 1-6 ms before it, and loads when first used or after the frame.
LATE = (
    "ctypes.util",
    "logging.handlers",
    "secrets",
    "crm.services.detail_records",
    "crm.ui.backups.hook",
    "crm.ui.lock.hook",
    "crm.ui.prospects.bulk",
    "crm.ui.prospects.list_short_name",
    "crm.ui.settings.dialog",
    "crm.ui.stages.dialog",
    "crm.ui.stages.results",
)

START_CHILD = """
import os, sys
from pathlib import Path
import crm.ui.launch as launch
from PySide6.QtCore import QTimer

settings = launch.AppSettings(Path({settings!r}))
app, chosen = launch.prepare_application(None, settings)
launcher = launch.Launcher(app, Path({db!r}), settings, chosen, None)
LATE = {late!r}
built = []
looked = launch.Launcher._looked

def _looked(self, *args):
    # The window is made and shown; its first frame is painted after this returns.
    looked(self, *args)
    built.append(sorted(m for m in sys.modules if m in LATE))

launch.Launcher._looked = _looked
launcher.start()

def poll():
    window = launcher.window
    page = window.pages.get("prospects") if window is not None else None
    if page is not None and page.list.model.rowCount() > 0:
        window.grab()
        print(built[0])
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "httpx")))
        os._exit(0)
    if launcher.exit_code is not None:
        os._exit(3)

timer = QTimer()
timer.timeout.connect(poll)
timer.start(2)
app.exec()
"""


def test_the_list_paints_before_sqlalchemy_or_sync_loads(tmp_path):
    # Start to the list painted is mostly imports: what loads the data stack or sync on the
    # way (a check on the UI thread, a worker asking for the services) holds the window back,
    # and so does any module only a dialog, a menu item or the idle lock needs.
    import subprocess
    import sys

    path = tmp_path / "book.db"
    build_demo(path, prospects=30, seed=2)
    script = START_CHILD.format(settings=str(tmp_path / "s.ini"), db=str(path), late=LATE)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    before_the_first_frame, at_the_list_painted = out.stdout.strip().splitlines()[-2:]
    assert before_the_first_frame == "[]", out.stdout
    assert at_the_list_painted == "[]", out.stdout
