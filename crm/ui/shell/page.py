"""What the main window expects of a page, and the list of pages it shows.

A page is built the first time it is shown (``start`` then loads its data in the
background). Later pages (Today, Calendar, Products, Reports, Team) are one more
``PageSpec`` in ``default_pages``; the window itself does not change.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Signal
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
    # The module the factory imports, loaded ahead in the background for the first page.
    module: str | None = None


def _lazy(key: str, title: Callable[[], str], icon: str, module: str, name: str) -> PageSpec:
    """A page whose module is imported only when the page is first shown: the window paints
    its first page without loading the others (calendar, sync, …)."""

    def make(ui: UiContext, parent: QWidget) -> Page:
        page_class = getattr(importlib.import_module(module), name)
        page: Page = page_class(ui, parent)
        return page

    return PageSpec(key, title, icon, make, module)


def default_pages() -> list[PageSpec]:
    # Keys and titles repeat the page classes' own (a test keeps them equal), so building
    # the navigation needs none of the page modules.
    translate = QCoreApplication.translate
    return [
        _lazy(
            "today",
            lambda: translate("TodayPage", "Today"),
            "today",
            "crm.ui.today.page",
            "TodayPage",
        ),
        _lazy(
            "prospects",
            lambda: translate("Navigation", "Prospects"),
            "prospects",
            "crm.ui.prospects.page",
            "ProspectsPage",
        ),
        _lazy(
            "pipeline",
            lambda: translate("Navigation", "Pipeline"),
            "pipeline",
            "crm.ui.pipeline.page",
            "PipelinePage",
        ),
        _lazy(
            "calendar",
            lambda: translate("CalendarPage", "Calendar"),
            "calendar",
            "crm.ui.calendar.page",
            "CalendarPage",
        ),
        _lazy(
            "products",
            lambda: translate("ProductsPage", "Products"),
            "products",
            "crm.ui.products.page",
            "ProductsPage",
        ),
        _lazy(
            "sync_conflicts",
            lambda: translate("ConflictsView", "Sync conflicts"),
            "refresh",
            "crm.ui.sync.page",
            "ConflictsPage",
        ),
    ]
