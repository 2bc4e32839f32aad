"""The visit dialog as an RM meets it: opened and closed, it keeps nothing; it fits a
1366×768 laptop with one scroll area; the prospect page's visits follow each save."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMessageBox,
    QScrollArea,
    QWidget,
)

from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.visits.actions import record_visit
from crm.ui.visits.dialog import VisitDialog
from crm.ui.visits.prospect_panel import ProspectVisitsPanel
from tests.ui.conftest import Book
from tests.ui.helpers import wait_idle
from tests.ui.test_visits_form import dialog_of, fill_site_visit, type_text

# A 1366×768 laptop's screen less a 40-pixel taskbar.
LAPTOP = QRect(0, 0, 1366, 728)


@pytest.fixture
def rm_ui(book: Book, settings: AppSettings, qtbot) -> Iterator[UiContext]:
    book.services.users.sign_in(book.rms[0].id)
    context = UiContext(book.services, settings, TaskRunner(), load_startup(book.services))
    yield context
    context.tasks.wait()
    QApplication.processEvents()


@pytest.fixture
def panel(qtbot, rm_ui: UiContext, book: Book) -> ProspectVisitsPanel:
    """The prospect page's visits panel for 华兴 (it opens the dialogs as a parent)."""
    widget = ProspectVisitsPanel(rm_ui)
    qtbot.addWidget(widget)
    widget.show()
    widget.load(book.ids["huaxing"])
    wait_idle(qtbot, rm_ui)
    return widget


def visit_rows(book: Book) -> int:
    with book.services.ctx.db.reading() as s:
        return int(s.connection().exec_driver_sql("SELECT count(*) FROM visits").scalar_one())


def test_opening_record_and_closing_saves_nothing(
    qtbot, rm_ui: UiContext, book: Book, panel: ProspectVisitsPanel
) -> None:
    today = rm_ui.today()
    before_today = rm_ui.services.visits.calendar_range(today, today).counts
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    dialog = dialog_of(qtbot, panel)
    assert not dialog.detail.stored
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, rm_ui)
    qtbot.waitUntil(lambda: not panel.findChildren(VisitDialog), timeout=3000)
    assert visit_rows(book) == 0
    assert rm_ui.services.visits.calendar_range(today, today).counts == before_today
    assert panel.history.count() == 0

    # Nor does "Delete draft" on a record never kept ask anything or leave anything.
    record_visit(rm_ui, panel, book.ids["huaxing"])
    second = dialog_of(qtbot, panel)
    qtbot.mouseClick(second.discard_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, rm_ui)
    qtbot.waitUntil(lambda: not panel.findChildren(VisitDialog), timeout=3000)
    assert visit_rows(book) == 0


def test_a_change_undone_before_the_save_keeps_nothing_either(
    qtbot, rm_ui: UiContext, book: Book, panel: ProspectVisitsPanel
) -> None:
    record_visit(rm_ui, panel, book.ids["huaxing"])
    dialog = dialog_of(qtbot, panel)
    type_text(dialog.form.purpose, "走访")
    dialog.form.purpose.clear()
    dialog.close()
    wait_idle(qtbot, rm_ui)
    assert visit_rows(book) == 0


def test_the_visit_list_follows_each_save_and_the_finalize_at_once(
    qtbot,
    rm_ui: UiContext,
    book: Book,
    panel: ProspectVisitsPanel,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    record_visit(rm_ui, panel, book.ids["huaxing"])
    dialog = dialog_of(qtbot, panel)
    type_text(dialog.form.purpose, "首次走访")
    dialog.save()  # what the autosave timer does a moment after typing
    qtbot.waitUntil(lambda: panel.history.count() == 1, timeout=3000)
    assert dialog.detail.stored and "首次走访" in panel.history.item(0).text()
    fill_site_visit(qtbot, dialog)
    qtbot.mouseClick(dialog.finalize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.detail.is_final, timeout=5000)
    final = rm_ui.services.visits.get(dialog.detail.id)
    qtbot.waitUntil(
        lambda: (
            panel.history.count() == 1
            and final.line.purpose in panel.history.item(0).text()
            and panel.last_contact.text() != panel.tr("never")
        ),
        timeout=3000,
    )
    assert visit_rows(book) == 1
    dialog.close()


def _shows_every_row(view: QAbstractItemView) -> bool:
    bar = view.verticalScrollBar()
    return bar.maximum() == 0 and not bar.isVisible()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_dialog_fits_a_laptop_screen_with_one_scroll_area(
    qtbot, rm_ui: UiContext, book: Book, host_language: None, language: str
) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    record_visit(rm_ui, host, book.ids["huaxing"])
    dialog = dialog_of(qtbot, host)
    dialog.fit_to(LAPTOP)
    QApplication.processEvents()
    frame = dialog.frameGeometry()
    assert dialog.width() <= LAPTOP.width() - 16 and dialog.height() + 40 <= LAPTOP.height()
    assert frame.width() <= LAPTOP.width()
    assert dialog.minimumSizeHint().height() <= dialog.height()
    scrolls = dialog.findChildren(QScrollArea)
    assert len(scrolls) == 1
    scroll = scrolls[0]
    assert scroll.verticalScrollBar().maximum() > 0  # the form scrolls, as one page
    for view in (dialog.form.dd_list, dialog.form.checklist):
        assert _shows_every_row(view), type(view).__name__
    type_text(dialog.form.people_met, "法定代表人 王建国")
    dialog.form.validate(for_finalize=True)
    shot = dialog.grab()
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shot.save(str(Path(folder) / f"19-visit-record-1366x768.{language}.png"))
        scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
        dialog.grab().save(str(Path(folder) / f"19-visit-record-1366x768-end.{language}.png"))
    assert not shot.isNull()
    dialog._dirty = False
    dialog.close()


@pytest.fixture
def host_language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[None]:
    language = request.node.callspec.params["language"]
    installed = install_translators(qapp, language)
    yield
    remove_translators(qapp, installed)
