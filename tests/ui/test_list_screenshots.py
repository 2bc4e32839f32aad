"""The prospect list's states at 1366×768 in Chinese and English on a demo book: rows
selected (the bulk actions in the title row, the table where it was), a search that finds
nothing (what to try), full pinyin found, and the short-name dialog. CRM_SCREENSHOTS keeps
the PNGs (1366-lists-*.LANG.png) to look at."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication

from crm.ui.shell.main_window import MainWindow
from tests.ui import test_page_screenshots_1366 as shots

# The 1366×768 window on the demo book, in each language (the page screenshots' fixtures).
demo_db = shots.demo_db
language = shots.language
window = shots.window
_speak = shots._speak
SIZE, save, _settle = shots.SIZE, shots.save, shots._settle


def _list(window: MainWindow):
    window.show_page("prospects")
    return window.pages["prospects"].list


def _search(qtbot, window: MainWindow, text: str) -> None:
    view = _list(window)
    view.filters.search.setText(text)
    view.filters.filterChanged.emit()
    _settle(qtbot, window)


def test_list_states_at_1366(qtbot, window: MainWindow, language: str) -> None:
    window.resize(SIZE)
    view = _list(window)
    _settle(qtbot, window)
    top = view.table.mapTo(window, QPoint(0, 0)).y()
    view.table.selectRow(2)
    QApplication.processEvents()
    assert view.bulk_bar.isVisible()
    assert view.table.mapTo(window, QPoint(0, 0)).y() == top  # nothing moved
    save(window, "lists-selected", language)
    view.table.clearSelection()

    _search(qtbot, window, "zzqq")
    assert view.empty.isVisible()
    save(window, "lists-nothing-found", language)

    _search(qtbot, window, "xinfeng")
    assert view.model.rowCount() > 0
    save(window, "lists-full-pinyin", language)

    view.edit_short_name(view.model.row_at(0))
    dialog = view.dialog
    assert dialog is not None
    QApplication.processEvents()
    save(dialog, "lists-short-name-dialog", language)
    dialog.reject()
    _search(qtbot, window, "")
    assert window.size() == SIZE
