"""Tray notifications: what is due at start-up, and what becomes due while the app is open.

At start-up (Today's first load) the RM is told how many visits are planned today and how
many prospects are overdue. While the app runs, a visit starting within the next quarter
of an hour is announced once, and a new day announces the prospects that became overdue.
Where there is no system tray (a minimal Linux session, the offscreen test platform) the
same text goes to the status bar instead.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from crm.services.today import TodaySummary
from crm.services.visits import VisitLine
from crm.ui.common.context import UiContext
from crm.ui.common.errors import app_title
from crm.ui.common.icons import icon

CHECK_MS = 60_000
SOON_MINUTES = 15
SHOW_MS = 10_000


class DueNotifier(QObject):
    message = Signal(str)
    openToday = Signal()
    # Emitted with every notification (title, text): for the tray, the status bar and tests.
    notified = Signal(str, str)

    def __init__(self, ui: UiContext, page: QWidget) -> None:
        super().__init__(page)
        self.ui = ui
        self.page = page
        self.service = ui.services.today
        self.tray: QSystemTrayIcon | None = None
        self._announced: set[str] = set()
        self._overdue: set[str] | None = None
        self._day = ui.today()
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon("today"), self)
            self.tray.setToolTip(app_title())
            menu = QMenu(page)
            menu.addAction(self.tr("Show Today"), self.openToday.emit)
            self.tray.setContextMenu(menu)
            self.tray.messageClicked.connect(self.openToday.emit)
            self.tray.activated.connect(lambda _reason: self.openToday.emit())
            self.tray.show()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @property
    def available(self) -> bool:
        return self.tray is not None

    def notify(self, title: str, text: str) -> None:
        if self.ui.locked:
            # A locked window shows nothing of the book, nor does the tray meanwhile.
            return
        self.notified.emit(title, text)
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, SHOW_MS)
        self.message.emit(text)

    # -- what Today found ------------------------------------------------------------------------

    def summary_loaded(self, summary: TodaySummary, first: bool) -> None:
        overdue = {p.id for p in summary.overdue}
        if first:
            parts = [
                self.tr("%Ln visit(s) planned today", "", len(summary.planned)),
                self.tr("%Ln prospect(s) overdue for contact", "", summary.overdue_count),
            ]
            if summary.overdue_visit_count:
                parts.append(
                    self.tr("%Ln planned visit(s) not recorded", "", summary.overdue_visit_count)
                )
            self.notify(self.tr("Today"), " · ".join(parts))
        elif summary.day != self._day and self._overdue is not None:
            fresh = overdue - self._overdue
            if fresh:
                self.notify(
                    self.tr("Contact due"),
                    self.tr("%Ln more prospect(s) now overdue for contact", "", len(fresh)),
                )
        self._overdue = overdue
        self._day = summary.day

    # -- visits about to start -------------------------------------------------------------------

    def check(self, now: datetime | None = None) -> None:
        """Announce visits that start within the next quarter of an hour (once each)."""
        scope = getattr(self.page, "scope", None)
        chosen = (
            scope.scope()
            if scope is not None
            else self.service.scope_for(self.ui.user.id if self.ui.user else None)
        )
        moment = now or self.ui.services.ctx.now()
        self.ui.tasks.read(
            self, lambda: self.service.starting_soon(chosen, moment, SOON_MINUTES), self._soon
        )

    def _soon(self, visits: list[VisitLine]) -> None:
        for visit in visits:
            if visit.id in self._announced:
                continue
            self._announced.add(visit.id)
            self.notify(
                self.tr("Visit at {time}").format(time=visit.start_time),
                self.tr("{name} — {place}").format(
                    name=visit.prospect_name, place=visit.place or visit.district_name or ""
                ),
            )
