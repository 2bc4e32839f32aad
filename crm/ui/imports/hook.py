"""Putting the import wizard into the main window: File ▸ Import list… (Ctrl+I) and
File ▸ Possible duplicates…, placed after New prospect…; the window calls this once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from crm.ui.common.icons import icon


def install_import(window: Any) -> QAction:
    """Add the actions to the window's File menu; returns the Import list… action."""
    translate = QCoreApplication.translate
    owners = window.new_action.associatedObjects() if hasattr(window, "new_action") else []
    menu = next((o for o in owners if isinstance(o, QMenu)), None)
    importing = QAction(icon("open"), translate("ImportMenu", "&Import list…"), window)
    importing.setObjectName("importListAction")
    importing.setShortcut(QKeySequence("Ctrl+I"))
    importing.setStatusTip(
        translate("ImportMenu", "Import a prospect list from an Excel, ODS or CSV file")
    )

    def show_wizard() -> None:
        # The wizard and its services load on first use, not while the window starts.
        from crm.ui.imports.wizard import open_import_wizard

        open_import_wizard(window.ui, window)

    importing.triggered.connect(lambda _checked=False: show_wizard())
    duplicates = QAction(icon("none"), translate("ImportMenu", "Possible &duplicates…"), window)
    duplicates.setObjectName("importDuplicatesAction")

    def show_duplicates() -> None:
        from crm.ui.imports.duplicates import DuplicatesDialog

        dialog = DuplicatesDialog(window.ui, window)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    duplicates.triggered.connect(lambda _checked=False: show_duplicates())
    window.addAction(importing)
    window.addAction(duplicates)
    if menu is not None:
        actions = menu.actions()
        at = actions.index(window.new_action) + 1 if window.new_action in actions else 0
        if at < len(actions):
            menu.insertActions(actions[at], [importing, duplicates])
        else:
            menu.addActions([importing, duplicates])
    return importing
