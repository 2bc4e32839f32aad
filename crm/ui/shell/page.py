"""What the main window expects of a page, and the list of pages it shows.

A page is built the first time it is shown (``start`` then loads its data in the
background). Later pages (Today, Calendar, Products, Reports, Team) are one more
``PageSpec`` in ``default_pages``; the window itself does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from crm.ui.common.context import UiContext


class Page(QWidget):
    key = ""
    # A line for the status bar.
    message = Signal(str)
    # Ask the window to show a prospect (the Prospects page opens it).
    openProspect = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui

    @classmethod
    def title(cls) -> str:
        """The page's name in the navigation; every page class defines its own."""
        raise TypeError(f"{cls.__name__} does not define title()")

    def start(self) -> None:
        """Called once, when the page is first shown: load data here, in the background."""

    def guard(self, then: Callable[[], None]) -> None:
        """Run ``then`` unless leaving would lose work and the user says no."""
        then()

    def has_unsaved_changes(self) -> bool:
        return False

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the page's search box."""

    def save_state(self) -> None:
        """Remember layout (columns, splitters) in the settings."""


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: Callable[[], str]
    icon: str
    factory: Callable[[UiContext, QWidget], Page]


def default_pages() -> list[PageSpec]:
    from crm.ui.calendar.page import CalendarPage
    from crm.ui.pipeline.page import PipelinePage
    from crm.ui.prospects.page import ProspectsPage
    from crm.ui.sync.page import ConflictsPage
    from crm.ui.today.page import TodayPage

    return [
        PageSpec(TodayPage.key, TodayPage.title, "today", TodayPage),
        PageSpec(ProspectsPage.key, ProspectsPage.title, "prospects", ProspectsPage),
        PageSpec(PipelinePage.key, PipelinePage.title, "pipeline", PipelinePage),
        PageSpec(CalendarPage.key, CalendarPage.title, "calendar", CalendarPage),
        PageSpec(ConflictsPage.key, ConflictsPage.title, "refresh", ConflictsPage),
    ]
