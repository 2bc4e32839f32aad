"""Every page rendered in Chinese and English at 1366×768.

Set CRM_SCREENSHOTS to a folder to keep the PNGs (to look for clipped text, overlaps and
boxes instead of Chinese characters); without it the pages are still rendered, so a page
that fails to build or paint fails here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from crm.demo.builder import build_demo
from crm.domain.query import ProspectFilter, Sort
from crm.services.container import open_services
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.pipeline.page import PipelinePage
from crm.ui.prospects.page import ProspectsPage
from crm.ui.shell.main_window import MainWindow
from tests.ui.helpers import wait_idle

SIZE = QSize(1366, 768)
LANGUAGES = ("zh_CN", "en")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shots") / "demo.db"
    build_demo(path, prospects=800, seed=3)
    return path


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)


@pytest.fixture
def window(demo_db: Path, language: str, tmp_path: Path, qtbot) -> Iterator[MainWindow]:
    services = open_services(demo_db)
    ui = UiContext(services, AppSettings(tmp_path / "s.ini"), TaskRunner(), load_startup(services))
    win = MainWindow(ui, language=language)
    qtbot.addWidget(win)
    win.resize(SIZE)
    win.show()
    wait_idle(qtbot, ui)
    yield win
    ui.tasks.wait()
    win.close()
    services.close()


def save(widget: QWidget, name: str, language: str) -> QPixmap:
    QApplication.processEvents()
    pixmap = widget.grab()
    assert not pixmap.isNull()
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pixmap.save(str(Path(folder) / f"{name}.{language}.png"))
    return pixmap


def test_prospect_list(window: MainWindow, language: str, qtbot) -> None:
    page = window.show_page("prospects")
    assert isinstance(page, ProspectsPage)
    page.list.table.selectRow(1)
    wait_idle(qtbot, window.ui)
    pixmap = save(window, "01-prospect-list", language)
    assert pixmap.size() == SIZE


def test_prospect_detail(window: MainWindow, language: str, qtbot) -> None:
    services = window.ui.services
    rows = services.prospects.page(ProspectFilter(stages=("first_loan",)), Sort(), 0, 20)
    with_history = next(r for r in rows if len(services.prospects.get(r.id).history) > 1)
    window.open_prospect(with_history.id)
    wait_idle(qtbot, window.ui)
    page = window.current_page()
    assert isinstance(page, ProspectsPage) and page.showing_detail()
    page.detail.form.widgets["phone"].setText("12345")  # an error message next to a field
    QApplication.processEvents()
    scroll = page.detail.form.scroll_area
    body = scroll.widget()
    assert body is not None
    # Nothing wider than the panel: the form never scrolls (or clips) sideways.
    assert body.minimumSizeHint().width() <= scroll.viewport().width()
    save(window, "02-prospect-detail", language)
    page.detail.revert()
    assert not page.detail.is_dirty()


def test_pipeline(window: MainWindow, language: str, qtbot) -> None:
    page = window.show_page("pipeline")
    assert isinstance(page, PipelinePage)
    wait_idle(qtbot, window.ui)
    assert page.columns["no_loan"].model.count() > 0
    save(window, "03-pipeline", language)


def test_settings_dialog(window: MainWindow, language: str, qtbot) -> None:
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    save(dialog, "04-settings", language)
    dialog.reject()


def test_new_prospect_dialog(window: MainWindow, language: str, qtbot) -> None:
    window.new_prospect()
    page = window.current_page()
    assert isinstance(page, ProspectsPage) and page.new_dialog is not None
    dialog = page.new_dialog
    qtbot.waitExposed(dialog)
    scroll = dialog.form.scroll_area
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    dialog.form.widgets["name"].setText("佛山市南海区新兴五金厂")  # QTest types ASCII only
    qtbot.keyClicks(dialog.form.widgets["uscc"], "91440605MA4UXXXX0X")
    save(dialog, "05-new-prospect", language)
    dialog.form.undo_stack.setClean()
    dialog.reject()


def test_stage_move_dialog(window: MainWindow, language: str, qtbot) -> None:
    page = window.show_page("pipeline")
    assert isinstance(page, PipelinePage)
    wait_idle(qtbot, window.ui)
    item = page.columns["first_loan"].model.item(0)
    page.request_move([item], "no_loan")  # moving back: a reason is needed
    dialog = page.mover.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.submit()  # no reason written: the dialog says so next to the field
    save(dialog, "06-stage-move", language)
    dialog.reject()


def test_stage_move_refused(window: MainWindow, language: str, qtbot) -> None:
    page = window.show_page("pipeline")
    assert isinstance(page, PipelinePage)
    wait_idle(qtbot, window.ui)
    column = page.columns["dropped"]
    services = window.ui.services
    row = next(
        r
        for r in range(column.model.count())
        if not services.prospects.get(column.model.item(r).id).loans
    )
    page.request_move([column.model.item(row)], "first_loan")  # reactivating, but no loan
    dialog = page.mover.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.reason_text.setPlainText("客户新开工厂，有设备采购融资需求")
    dialog.submit()
    wait_idle(qtbot, window.ui)
    assert dialog.error_box.isVisible()
    save(dialog, "07-stage-move-refused", language)
    dialog.reject()
