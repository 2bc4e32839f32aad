"""The main window on a real database: pages, status bar, keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QToolButton

from crm.ui.pipeline.page import PipelinePage
from crm.ui.prospects.page import ProspectsPage
from crm.ui.shell.main_window import MainWindow
from tests.ui.helpers import wait_idle


def open_window(qtbot, ui) -> MainWindow:
    window = MainWindow(ui)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    wait_idle(qtbot, ui)
    return window


def test_main_window_opens_on_the_prospect_list(qtbot, ui, book):
    window = open_window(qtbot, ui)
    page = window.current_page()
    assert isinstance(page, ProspectsPage)
    assert page.list.model.rowCount() == 5
    assert page.list.count_label.text() == "5 prospects"
    assert window.status.database.text() == "book.db"
    assert window.windowTitle().endswith("book.db")


def test_status_bar_says_who_is_signed_in(qtbot, ui):
    window = open_window(qtbot, ui)
    assert ui.user is not None
    assert window.status.user.text() == f"{ui.user.display_name} (Team lead)"


def row_of(window: MainWindow, key: str) -> int:
    return [s.key for s in window.specs].index(key)


def test_navigation_builds_pages_when_first_shown(qtbot, ui):
    window = open_window(qtbot, ui)
    assert set(window.pages) == {"prospects"}
    window.nav.setCurrentRow(row_of(window, "pipeline"))
    wait_idle(qtbot, ui)
    assert isinstance(window.current_page(), PipelinePage)
    assert window.stack.currentWidget() is window.pages["pipeline"]
    assert ui.settings.last_page == "pipeline"


def test_keyboard_shortcuts(qtbot, ui):
    window = open_window(qtbot, ui)
    ctrl = Qt.KeyboardModifier.ControlModifier
    digits = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5]
    qtbot.keyClick(window, digits[row_of(window, "pipeline")], ctrl)
    assert window.current_key() == "pipeline"
    qtbot.keyClick(window, digits[row_of(window, "prospects")], ctrl)
    assert window.current_key() == "prospects"
    page = window.current_page()
    assert isinstance(page, ProspectsPage)
    qtbot.keyClick(window, Qt.Key.Key_F, ctrl)
    assert QApplication.focusWidget() is page.list.filters.search
    qtbot.keyClick(window, Qt.Key.Key_N, ctrl)
    assert page.new_dialog is not None and page.new_dialog.isVisible()
    page.new_dialog.reject()


def test_icon_buttons_have_tooltips(qtbot, ui, book):
    window = open_window(qtbot, ui)
    window.open_prospect(book.ids["huaxing"])
    wait_idle(qtbot, ui)
    window.show_page("pipeline")
    wait_idle(qtbot, ui)
    silent = [
        button
        for button in window.findChildren(QToolButton)
        if button.isVisibleTo(window)
        and not button.text().strip()
        and not button.toolTip()
        and not isinstance(button.parent(), QLineEdit)
    ]  # Qt's own clear button
    assert [
        (b.objectName(), b.parent().objectName(), type(b.parent()).__name__) for b in silent
    ] == []


def test_page_specs_name_their_pages_as_the_page_classes_do(qtbot, ui):
    # default_pages() repeats each page's key and title so the window can list them without
    # importing them; the window builds each page from its spec when first shown.
    import importlib
    import sys

    from crm.ui.shell.page import default_pages

    classes = {
        "today": ("crm.ui.today.page", "TodayPage"),
        "prospects": ("crm.ui.prospects.page", "ProspectsPage"),
        "pipeline": ("crm.ui.pipeline.page", "PipelinePage"),
        "calendar": ("crm.ui.calendar.page", "CalendarPage"),
        "products": ("crm.ui.products.page", "ProductsPage"),
        "sync_conflicts": ("crm.ui.sync.page", "ConflictsPage"),
    }
    specs = default_pages()
    assert [s.key for s in specs] == list(classes)
    for spec in specs:
        module, name = classes[spec.key]
        page_class = getattr(importlib.import_module(module), name)
        assert page_class.key == spec.key
        assert page_class.title() == spec.title()
    window = MainWindow(ui)
    qtbot.addWidget(window)
    for spec in specs:
        page = window.page(spec.key)
        assert type(page).__module__ in sys.modules
        assert type(page).__name__ == classes[spec.key][1]
