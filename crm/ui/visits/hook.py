"""Putting visits into the main window; the window calls ``install_visits(self)`` once.

- File ▸ Export visits to calendar (.ics)… (after the other File actions it finds),
- the app opens on Today, whatever page was left open last time (an RM starting the day
  wants what is due now), and Today's tray notifier starts with the window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from crm.ui.common.icons import icon


def install_visits(window: Any, *, open_today: bool = True) -> QAction:
    """Add the export action to the File menu and show Today; returns the action."""
    translate = QCoreApplication.translate
    export = QAction(
        icon("export"), translate("VisitMenu", "Export visits to calendar (.ics)…"), window
    )
    export.setObjectName("exportVisitsAction")
    export.setStatusTip(
        translate("VisitMenu", "Write your visits to an .ics file for Outlook or a phone calendar")
    )

    def run_export() -> None:
        page = window.page("calendar")
        page.export_ics()

    export.triggered.connect(lambda _checked=False: run_export())
    window.addAction(export)
    owners = window.new_action.associatedObjects() if hasattr(window, "new_action") else []
    menu = next((o for o in owners if isinstance(o, QMenu)), None)
    if menu is not None:
        settings = getattr(window, "settings_action", None)
        actions = menu.actions()
        if settings in actions:
            menu.insertAction(settings, export)
        else:
            menu.addAction(export)
    if open_today and any(spec.key == "today" for spec in window.specs):
        window.show_page("today")
    return export
