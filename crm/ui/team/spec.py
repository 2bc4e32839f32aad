"""The Team page's entry in the main window's navigation; the page's module (charts,
tables) is imported only when the page is first shown."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from crm.ui.common.context import UiContext
from crm.ui.shell.page import Page, PageSpec

MODULE = "crm.ui.team.page"


def team_page() -> PageSpec:
    def make(ui: UiContext, parent: QWidget) -> Page:
        from crm.ui.team.page import TeamPage

        return TeamPage(ui, parent)

    # The title repeats TeamPage.title() (same context and text) without importing it.
    return PageSpec(
        "team", lambda: QCoreApplication.translate("TeamPage", "Team"), "user", make, MODULE
    )
