"""The calendar page: day plan, week and month of visits; drag to reschedule; .ics export.

A range is read in the background (one indexed query and the days' holiday status) and
the view repaints when it arrives. Dropping a visit on a day off asks first; a year whose
days off are only the provisional (statutory) ones is said to be so above the calendar.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.holidays import DayKind
from crm.services.visits import DistrictGroup, VisitDetail, VisitLine
from crm.ui.calendar.common import RENEWAL, CalendarData
from crm.ui.calendar.day_view import DayView
from crm.ui.calendar.month_view import MonthView
from crm.ui.calendar.team_week import TeamWeekView
from crm.ui.calendar.week_view import WeekView
from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.icons import icon
from crm.ui.common.labels import district as district_label
from crm.ui.common.labels import lang
from crm.ui.shell.page import Page
from crm.ui.visits import labels
from crm.ui.visits.actions import announce, open_visit, plan_visit, visit_events
from crm.ui.visits.scope import ScopeBox

VIEWS = ("day", "week", "team", "month")
# How many visits of a day a view loads (a team's day can hold hundreds); the rest are
# counted, and the day plan shows them all. The team's week shows every RM's lane.
PER_DAY = {"week": 40, "team": 200, "month": 8}
Loaded = tuple[CalendarData, list[DistrictGroup] | None]


class CalendarPage(Page):
    key = "calendar"
    # Emitted with the view's name when a range has been shown (benchmarks, tests).
    shown = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.setObjectName("calendarPage")
        self.service = ui.services.visits
        self.view = "month"
        self.anchor = ui.today()
        self.data: CalendarData | None = None
        self._generation = 0
        self._stale = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel(self.title(), self)
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(12)
        self.view_buttons = QButtonGroup(self)
        names = {
            "day": self.tr("Day plan"),
            "week": self.tr("Week"),
            "team": self.tr("Team week"),
            "month": self.tr("Month"),
        }
        for key in VIEWS:
            button = QToolButton(self)
            button.setText(names[key])
            button.setCheckable(True)
            button.setObjectName(f"{key}Button")
            button.clicked.connect(lambda _c=False, k=key: self.set_view(k))
            self.view_buttons.addButton(button)
            top.addWidget(button)
        top.addSpacing(12)
        self.prev_button = QToolButton(self)
        self.prev_button.setText("◀")
        self.prev_button.setToolTip(self.tr("Previous"))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.today_button = QToolButton(self)
        self.today_button.setText(self.tr("Today"))
        self.today_button.clicked.connect(self.go_today)
        self.next_button = QToolButton(self)
        self.next_button.setText("▶")
        self.next_button.setToolTip(self.tr("Next"))
        self.next_button.clicked.connect(lambda: self.step(1))
        for button in (self.prev_button, self.today_button, self.next_button):
            top.addWidget(button)
        self.period = QLabel(self)
        self.period.setObjectName("panelTitle")
        top.addSpacing(8)
        top.addWidget(self.period)
        top.addStretch(1)
        self.scope = ScopeBox(ui, self)
        self.scope.scopeChanged.connect(lambda _s: self.reload())
        top.addWidget(self.scope)
        self.plan_button = QPushButton(icon("add"), self.tr("Plan a visit…"), self)
        self.plan_button.clicked.connect(lambda: plan_visit(self.ui, self, day=self._plan_day()))
        top.addWidget(self.plan_button)
        self.export_action = QAction(icon("export"), self.tr("Export to calendar (.ics)…"), self)
        self.export_action.triggered.connect(lambda _c=False: self.export_ics())
        self.more_button = QToolButton(self)
        self.more_button.setIcon(icon("more"))
        self.more_button.setToolTip(self.tr("More"))
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more_button)
        menu.addAction(self.export_action)
        self.more_button.setMenu(menu)
        top.addWidget(self.more_button)
        layout.addLayout(top)

        self.banner = QLabel(self)
        self.banner.setObjectName("holidayBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#holidayBanner { background: #eef4fc; border: 1px solid #c5d7ef;"
            " border-radius: 4px; padding: 6px 10px; color: #274b7a; }"
        )
        self.banner.hide()
        layout.addWidget(self.banner)

        self.stack = QStackedWidget(self)
        self.day_view = DayView(self.stack)
        self.week_view = WeekView(self.stack)
        # The team's lanes grow with the team: they scroll, the day headers with them.
        self.team_scroll = QScrollArea(self.stack)
        self.team_scroll.setWidgetResizable(True)
        self.team_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.team_view = TeamWeekView(self.team_scroll)
        self.team_scroll.setWidget(self.team_view)
        self.month_view = MonthView(self.stack)
        for widget in (self.day_view, self.week_view, self.team_view, self.month_view):
            widget.openRequested.connect(self._open)
            widget.planRequested.connect(lambda day: plan_visit(self.ui, self, day=day))
        for page in (self.day_view, self.week_view, self.team_scroll, self.month_view):
            self.stack.addWidget(page)
        for widget in (self.week_view, self.team_view, self.month_view):
            widget.moveRequested.connect(self.request_move)
            widget.dayRequested.connect(self.show_day)
        layout.addWidget(self.stack, 1)

        legend = QLabel(self._legend(), self)
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setProperty("muted", True)
        # Wrapped: in English the legend is wider than a 1366-pixel screen leaves it.
        legend.setWordWrap(True)
        layout.addWidget(legend)
        visit_events(ui).changed.connect(lambda _pid: self._data_changed())
        self.stack.setCurrentIndex(VIEWS.index(self.view))
        self._check_view_button()

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("CalendarPage", "Calendar")

    def start(self) -> None:
        self.reload()

    def _legend(self) -> str:
        def swatch(colour: str, text: str) -> str:
            return f"<span style='color:{colour}'>■</span> {text}"

        parts = [
            swatch(labels.STATUS_COLOURS["planned"], labels.status("planned")),
            swatch(labels.STATUS_COLOURS["draft"], labels.status("draft")),
            swatch(labels.STATUS_COLOURS["final"], labels.status("final")),
            swatch(labels.STATUS_COLOURS["overdue"], self.tr("Not recorded in time")),
            f"<span style='color:{labels.HOLIDAY_COLOUR}'>{labels.off_mark()}</span> "
            + self.tr("public holiday"),
            f"<span style='color:{labels.MAKEUP_COLOUR}'>{labels.work_mark()}</span> "
            + self.tr("make-up working day"),
            swatch(RENEWAL.name(), self.tr("renewal reminder or loan maturity")),
            self.tr("Drag a visit to another day to reschedule it; double-click to open."),
        ]
        return " &nbsp; ".join(parts)

    # -- navigation --------------------------------------------------------------------------

    def set_view(self, view: str) -> None:
        self.view = view
        self.stack.setCurrentIndex(VIEWS.index(view))
        self._check_view_button()
        self.reload()

    def _check_view_button(self) -> None:
        for button in self.view_buttons.buttons():
            button.setChecked(button.objectName() == f"{self.view}Button")

    def show_day(self, day: date) -> None:
        self.anchor = day
        self.set_view("day")

    def show_month(self, day: date) -> None:
        self.anchor = day
        self.set_view("month")

    def go_today(self) -> None:
        self.anchor = self.ui.today()
        self.reload()

    def step(self, direction: int) -> None:
        if self.view == "day":
            self.anchor += timedelta(days=direction)
        elif self.view in ("week", "team"):
            self.anchor += timedelta(days=7 * direction)
        else:
            month = self.anchor.year * 12 + self.anchor.month - 1 + direction
            self.anchor = date(month // 12, month % 12 + 1, 1)
        self.reload()

    def _plan_day(self) -> date:
        return max(self.anchor, self.ui.today()) if self.view != "month" else self.ui.today()

    def current_range(self) -> tuple[date, date]:
        if self.view == "day":
            return self.day_view.range_for(self.anchor)
        if self.view == "week":
            return self.week_view.range_for(self.anchor)
        if self.view == "team":
            return self.team_view.range_for(self.anchor)
        return self.month_view.range_for(self.anchor)

    # -- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        view, anchor = self.view, self.anchor
        start, end = self.current_range()
        rm_ids = self.scope.scope().rm_ids
        today = self.ui.today()
        service = self.service
        loans = self.ui.services.loans
        self._set_period(view, anchor, start, end)

        def load() -> Loaded:
            calendar = service.calendar()
            days = {info.day: info for info in calendar.span(start, end)}
            renewals = loans.calendar_events(start, end, rm_ids)
            if view == "day":
                groups = service.day_plan(anchor, rm_ids)
                visits = [v for g in groups for v in g.visits]
                return CalendarData(start, end, today, visits, days, renewals=renewals), groups
            shown = service.calendar_range(start, end, rm_ids, PER_DAY[view])
            data = CalendarData(
                start, end, today, shown.visits, days, shown.counts, renewals=renewals
            )
            return data, None

        self.ui.tasks.read(
            self, load, lambda loaded: self._loaded(generation, view, anchor, loaded)
        )

    def _loaded(self, generation: int, view: str, anchor: date, loaded: Loaded) -> None:
        if generation != self._generation:
            return
        data, groups = loaded
        self.data = data
        if view == "day":
            self.day_view.set_data(anchor, data, groups or [], self._district_name)
        elif view == "week":
            self.week_view.set_data(anchor, data)
        elif view == "team":
            self.team_view.set_data(anchor, data, self._scope_rms())
        else:
            self.month_view.set_data(anchor, data)
        self._show_banner(data)
        text = self.tr("%Ln visit(s)", "", data.total())
        if data.renewals:
            text += " · " + self.tr("%Ln renewal reminder(s)", "", len(data.renewals))
        self.message.emit(text)
        self.shown.emit(view)

    def _scope_rms(self) -> list[tuple[str, str]]:
        """The RMs of the scope shown (none for everyone's book: their lanes come from
        their visits), for the team week's lanes."""
        rm_ids = self.scope.scope().rm_ids or ()
        users = (self.ui.user_by_id(rm_id) for rm_id in rm_ids)
        return [(u.id, u.display_name) for u in users if u is not None and u.role == "rm"]

    def _show_banner(self, data: CalendarData) -> None:
        """Says when the range's days off are provisional (or, past 2099, unknown)."""
        unknown = sorted({i.day.year for i in data.days.values() if not i.known})
        provisional = sorted({i.day.year for i in data.days.values() if i.provisional})
        if unknown:
            self.banner.setText(labels.unknown_year(unknown[0]))
        elif provisional:
            self.banner.setText(labels.provisional_year(provisional[0]))
        self.banner.setVisible(bool(unknown or provisional))

    def _district_name(self, code: str | None, fallback: str | None) -> str:
        return district_label(self.ui.district(code), fallback or code)

    def _set_period(self, view: str, anchor: date, start: date, end: date) -> None:
        locale = QLocale()
        if view == "month":
            text = locale.toString(
                fmt.qdate(anchor.replace(day=1)),
                "yyyy年M月" if lang() == "zh_CN" else "MMMM yyyy",
            )
        elif view in ("week", "team"):
            text = f"{fmt.day(start)} – {fmt.day(end)}"
        else:
            text = fmt.day(anchor)
        self.period.setText(text)

    def _data_changed(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    # -- acting --------------------------------------------------------------------------------

    def _open(self, visit: VisitLine) -> None:
        open_visit(self.ui, self, visit.id)

    def request_move(self, visit: VisitLine, day: date, time: str | None) -> None:
        """A drop: move the visit there, after a warning when the day is a day off."""
        if visit.is_final:
            self.message.emit(self.tr("A finalized record stays on the day it happened."))
            return
        if day < self.ui.today():
            self.message.emit(self.tr("A visit cannot be moved into the past."))
            return
        info = self.data.days.get(day) if self.data else None
        if info is not None and (info.kind in (DayKind.HOLIDAY, DayKind.WEEKEND)):
            answer = QMessageBox.question(
                self,
                self.tr("Move to a day off?"),
                labels.day_warning(info)
                + "\n\n"
                + self.tr("Move the visit to {name} there anyway?").format(
                    name=visit.prospect_name
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        service = self.service
        version = visit.version

        def done(detail: VisitDetail) -> None:
            self.message.emit(
                self.tr("Visit to {name} moved to {day}").format(
                    name=visit.prospect_name, day=fmt.day(detail.line.visit_on)
                )
            )
            announce(self.ui, visit.prospect_id)

        self.ui.tasks.write(
            self, lambda: service.reschedule(visit.id, day, time, expected_version=version), done
        )

    def export_ics(self, target: str | None = None) -> None:
        """Write the shown RMs' visits to an .ics file (asks where, unless given)."""
        if target is None:
            suggested = str(Path.home() / "visits.ics")
            target, _filter = QFileDialog.getSaveFileName(
                self,
                self.tr("Export visits to a calendar file"),
                suggested,
                self.tr("iCalendar files (*.ics)"),
            )
            if not target:
                return
        path = Path(target)
        if path.suffix.lower() != ".ics":
            path = path.with_suffix(".ics")
        scope = self.scope.scope()
        calendar = self.ui.services.calendar
        name = self.tr("Visits: {who}").format(who=scope.label) if scope.label else ""
        self.ui.tasks.read(
            self,
            lambda: calendar.export_ics(path, scope.rm_ids, name=name),
            lambda count: self.message.emit(
                self.tr(
                    "%Ln visit(s) exported to {path}. Import the file in Outlook or a "
                    "phone calendar.",
                    "",
                    count,
                ).format(path=path)
            ),
        )
