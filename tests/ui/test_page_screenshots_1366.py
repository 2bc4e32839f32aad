"""Every page of the main window, and the dialogs it opens, in Chinese and English at
1366×768 (a common laptop screen) on a demo book.

Each page must fit the window: a page whose minimum size is larger than 1366×768 makes the
window grow past the screen, and a laptop user sees it cut off. Set CRM_SCREENSHOTS to a
folder to keep the PNGs (named 1366-NN-page.LANG.png) and look at them: clipped or
overlapping text, codes or English in the Chinese ones.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSize
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from crm.demo.builder import build_demo
from crm.domain.query import ProspectFilter, Sort
from crm.i18n import set_language
from crm.services.container import open_services
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.i18n import install_translators, locale_for, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.shell.main_window import MainWindow
from tests.ui.helpers import wait_idle

SIZE = QSize(1366, 768)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shots1366") / "demo.db"
    build_demo(path, prospects=800, seed=5)
    return path


@pytest.fixture(scope="module", params=["zh_CN", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)


@pytest.fixture(autouse=True)
def _speak(language: str, qapp: QApplication) -> Iterator[None]:
    """The window lives for the module, but each test starts in English (conftest): the
    window's language goes back on top for the test, catalogues included, or what the test
    makes the window say (a status message, "174 days" in a table) would be in the English
    catalogue's words, which Qt asks first as the last installed."""
    installed = install_translators(qapp, language)
    yield
    remove_translators(qapp, installed)
    install_language(language)


@pytest.fixture(scope="module")
def window(
    demo_db: Path, language: str, tmp_path_factory: pytest.TempPathFactory, qapp: QApplication
) -> Iterator[MainWindow]:
    services = open_services(demo_db)
    settings = AppSettings(tmp_path_factory.mktemp("settings") / "s.ini")
    ui = UiContext(services, settings, TaskRunner(), load_startup(services))
    win = MainWindow(ui, language=language)
    win.resize(SIZE)
    win.show()
    yield win
    controller = win.sync_controller
    if controller is not None:
        controller.stop()  # type: ignore[attr-defined]
    ui.tasks.wait()
    win.close()
    win.deleteLater()
    QApplication.processEvents()
    services.close()


def install_language(language: str) -> None:
    set_language(language)
    QLocale.setDefault(locale_for(language))


def save(widget: QWidget, name: str, language: str) -> None:
    QApplication.processEvents()
    pixmap = widget.grab()
    assert not pixmap.isNull()
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pixmap.save(str(Path(folder) / f"1366-{name}.{language}.png"))


def _settle(qtbot, window: MainWindow) -> None:
    wait_idle(qtbot, window.ui, timeout=20_000)
    QApplication.processEvents()
    wait_idle(qtbot, window.ui, timeout=20_000)


PAGES = [
    ("01", "today"),
    ("02", "prospects"),
    ("04", "pipeline"),
    ("05", "calendar"),
    ("06", "products"),
    ("07", "team"),
    ("10", "sync_conflicts"),
]


@pytest.mark.parametrize(("number", "key"), PAGES, ids=[key for _n, key in PAGES])
def test_page_fits_1366x768(qtbot, window: MainWindow, language: str, number: str, key: str):
    window.resize(SIZE)
    window.show_page(key)
    _settle(qtbot, window)
    save(window, f"{number}-{key}", language)
    assert window.size() == SIZE, f"the {key} page makes the window larger than the screen"


def test_prospect_page(qtbot, window: MainWindow, language: str) -> None:
    services = window.ui.services
    rows = services.prospects.page(ProspectFilter(stages=("first_loan",)), Sort(), 0, 30)
    chosen = next(r for r in rows if len(services.prospects.get(r.id).history) > 1)
    window.resize(SIZE)
    window.open_prospect(chosen.id)
    _settle(qtbot, window)
    save(window, "03-prospect", language)
    assert window.size() == SIZE
    window.show_page("prospects")


def _dialog(window: MainWindow, name: str) -> QDialog:
    found = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QDialog) and w.isVisible() and w.objectName() == name
    ]
    assert found, f"no {name} open"
    return found[0]


def _fits(dialog: QWidget) -> None:
    assert dialog.width() <= SIZE.width() and dialog.height() <= SIZE.height()


def test_pipeline_report_dialog(qtbot, window: MainWindow, language: str) -> None:
    action = next(a for a in window.actions() if a.objectName() == "pipelineReportAction")
    action.trigger()
    _settle(qtbot, window)
    dialog = _dialog(window, "pipelineReportDialog")
    qtbot.waitUntil(lambda: window.ui.tasks.pending() == 0, timeout=30_000)
    qtbot.wait(800)  # the PDF view draws its pages on its own thread
    _fits(dialog)
    save(dialog, "08-reports", language)
    dialog.reject()


def test_import_wizard(qtbot, window: MainWindow, language: str) -> None:
    window.import_action.trigger()
    _settle(qtbot, window)
    dialogs = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QDialog) and w.isVisible() and w.parent() is window
    ]
    assert dialogs, "the import wizard did not open"
    wizard = dialogs[0]
    _fits(wizard)
    save(wizard, "09-import-wizard", language)
    wizard.reject()


def test_settings_dialog(qtbot, window: MainWindow, language: str) -> None:
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    _fits(dialog)
    save(dialog, "11-settings", language)
    dialog.reject()
