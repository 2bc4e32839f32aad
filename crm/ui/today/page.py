"""Today: the page the app opens on. What to do now, most urgent first.

Visits planned today (grouped by district, to go together), visits planned earlier and not
recorded, prospects whose contact rhythm has lapsed, prospects due soon, first-loan
customers whose financial-literacy checklist has stalled, and loans whose renewal reminder
(续贷) waits for action. One background read computes it
all; the page refreshes when visits change, when the day changes, and on F5.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crm.domain.holidays import DayKind
from crm.services.loans import RenewalDue
from crm.services.service_plans import PlanSummary
from crm.services.today import DueProspect, StalledChecklist, TodaySummary
from crm.services.visits import VisitLine
from crm.ui.calendar.common import chip_name
from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.icons import icon
from crm.ui.common.labels import district as district_label
from crm.ui.common.labels import stage as stage_name
from crm.ui.common.widgets import EmptyState
from crm.ui.shell.page import Page
from crm.ui.strategic.reviews import review_columns, reviews_caption
from crm.ui.today.notify import DueNotifier
from crm.ui.today.tables import Column, RowsModel, make_table
from crm.ui.visits import labels
from crm.ui.visits.actions import open_visit, plan_visit, record_visit, visit_events
from crm.ui.visits.scope import ScopeBox

OVERDUE_COLOUR = labels.STATUS_COLOURS["overdue"]
RENEWAL_COLOUR = "#0f7b6c"
# The lists of the tabs, in their order.
TAB_KEYS = ("overdue", "late", "soon", "stalled", "renewals", "plans")


class SummaryCard(QFrame):
    """A count, large, with what it counts under it; clicking shows the list."""

    clicked = Signal()

    def __init__(self, title: str, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryCard")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(
            "QFrame#summaryCard { background: white; border: 1px solid #d5dae1;"
            " border-radius: 6px; }"
            'QFrame#summaryCard[selected="true"] { border: 2px solid #1f5fae;'
            " background: #eef4fc; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 8)
        layout.setSpacing(0)
        self.number = QLabel("…", self)
        font = QFont(self.number.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setStyleSheet(f"color: {colour}; border: none; background: transparent;")
        self.caption = QLabel(title, self)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #5f6b7a; border: none; background: transparent;")
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def set_count(self, count: int | None, shown: int | None = None) -> None:
        self.number.setText("…" if count is None else fmt.integer(count))
        if count is not None and shown is not None and shown < count:
            self.setToolTip(
                self.tr("The {shown} most urgent of {count} are listed.").format(
                    shown=fmt.integer(shown), count=fmt.integer(count)
                )
            )
        else:
            self.setToolTip("")

    def set_selected(self, selected: bool) -> None:
        if bool(self.property("selected")) == selected:
            return
        self.setProperty("selected", selected)
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()


class TodayPage(Page):
    key = "today"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.setObjectName("todayPage")
        self.service = ui.services.today
        self.summary: TodaySummary | None = None
        self._generation = 0
        self._stale = False
        self.notifier: DueNotifier | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel(self.title(), self)
        title.setObjectName("pageTitle")
        top.addWidget(title)
        self.day_label = QLabel(self)
        self.day_label.setObjectName("countLabel")
        top.addWidget(self.day_label)
        top.addStretch(1)
        self.scope = ScopeBox(ui, self)
        self.scope.scopeChanged.connect(lambda _s: self.reload())
        top.addWidget(self.scope)
        self.plan_button = QPushButton(icon("add"), self.tr("Plan a visit…"), self)
        self.plan_button.clicked.connect(lambda: plan_visit(self.ui, self))
        top.addWidget(self.plan_button)
        refresh = QPushButton(icon("refresh"), self.tr("Refresh"), self)
        refresh.clicked.connect(self.reload)
        top.addWidget(refresh)
        layout.addLayout(top)

        self.banner = QLabel(self)
        self.banner.setObjectName("holidayBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#holidayBanner { background: #fff6e0; border: 1px solid #f0d48a;"
            " border-radius: 4px; padding: 6px 10px; color: #6b4e00; }"
        )
        self.banner.hide()
        layout.addWidget(self.banner)

        cards = QHBoxLayout()
        cards.setSpacing(10)
        self.cards = {
            "planned": SummaryCard(self.tr("visits planned today"), "#1f5fae", self),
            "late": SummaryCard(self.tr("planned visits not recorded"), OVERDUE_COLOUR, self),
            "overdue": SummaryCard(self.tr("prospects overdue for contact"), OVERDUE_COLOUR, self),
            "soon": SummaryCard(self.tr("due for contact soon"), "#b7791f", self),
            "stalled": SummaryCard(self.tr("checklists stalled"), "#6b4fbb", self),
            "renewals": SummaryCard(self.tr("renewals to start"), RENEWAL_COLOUR, self),
        }
        for card in self.cards.values():
            cards.addWidget(card, 1)
        layout.addLayout(cards)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        left = QFrame(split)
        left.setObjectName("panel")
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 8, 8)
        heading = QLabel(self.tr("Planned today"), left)
        heading.setObjectName("panelTitle")
        left_layout.addWidget(heading)
        self.planned_model = RowsModel(
            [
                Column(self.tr("Time"), lambda v: v.start_time or "—"),
                Column(self.tr("Prospect"), lambda v: v.prospect_name, stretch=True),
                Column(
                    self.tr("District"),
                    lambda v: district_label(self.ui.district(v.district_code), v.district_name),
                ),
                Column(
                    self.tr("Status"),
                    lambda v: labels.status(v.status),
                    lambda v: labels.STATUS_COLOURS.get(v.status),
                ),
            ],
            self,
        )
        self.planned_view = make_table(self.planned_model, left)
        self.planned_view.doubleClicked.connect(self._open_planned)
        left_layout.addWidget(self.planned_view, 1)
        # On a weekend or a holiday with nothing planned: what the day is and what comes
        # next, instead of an empty table.
        self.day_off = EmptyState(parent=left)
        self.day_off.setObjectName("dayOffState")
        self.day_off.text.setTextFormat(Qt.TextFormat.PlainText)
        # Short lines, one per visit: unwrapped, a label's wrapped height comes out short
        # (and clips them) in a layout that centres it.
        self.day_off.text.setWordWrap(False)
        self.day_off.on_action(self._day_off_action)
        self.day_off.hide()
        left_layout.addWidget(self.day_off, 1)
        row = QHBoxLayout()
        self.record_button = QPushButton(self.tr("Record this visit…"), left)
        self.record_button.clicked.connect(lambda: self._open_planned(QModelIndex()))
        row.addWidget(self.record_button)
        row.addStretch(1)
        left_layout.addLayout(row)

        right = QFrame(split)
        right.setObjectName("panel")
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 8, 8, 8)
        self.tabs = QTabWidget(right)
        right_layout.addWidget(self.tabs, 1)
        self.late_model = RowsModel(
            [
                Column(
                    self.tr("Planned for"), lambda v: fmt.day(v.visit_on), lambda _v: OVERDUE_COLOUR
                ),
                Column(self.tr("Prospect"), lambda v: v.prospect_name, stretch=True),
                Column(self.tr("RM"), lambda v: v.rm_name or ""),
                Column(self.tr("Status"), lambda v: labels.status(v.status)),
            ],
            self,
        )
        due_columns = [
            Column(
                self.tr("Due"),
                lambda p: fmt.day(p.next_visit_due),
                lambda p: OVERDUE_COLOUR if p.overdue_days else None,
            ),
            Column(
                self.tr("Overdue"),
                lambda p: fmt.days(p.overdue_days) if p.overdue_days else "",
                lambda _p: OVERDUE_COLOUR,
                right=True,
            ),
            Column(self.tr("Prospect"), lambda p: p.name, stretch=True),
            Column(self.tr("Stage"), lambda p: stage_name(p.stage)),
            Column(self.tr("RM"), lambda p: p.rm_name or ""),
            Column(
                self.tr("Last contact"),
                lambda p: fmt.day(p.last_contact_on) if p.last_contact_on else self.tr("never"),
            ),
            Column(
                self.tr("Planned"),
                lambda p: fmt.day(p.next_planned_on) if p.next_planned_on else "",
            ),
        ]
        self.overdue_model = RowsModel(due_columns, self)
        self.soon_model = RowsModel(due_columns, self)
        self.stalled_model = RowsModel(
            [
                Column(self.tr("Prospect"), lambda c: c.name, stretch=True),
                Column(self.tr("RM"), lambda c: c.rm_name or ""),
                Column(self.tr("Covered"), lambda c: f"{c.done}/{c.total}", right=True),
                Column(self.tr("Nothing covered since"), lambda c: fmt.day(c.since)),
                Column(self.tr("Idle"), lambda c: fmt.days(c.idle_days), right=True),
            ],
            self,
        )
        self.renewals_model = RowsModel(
            [
                Column(
                    self.tr("Maturity"),
                    lambda r: fmt.day(r.maturity),
                    lambda r: OVERDUE_COLOUR if r.days_left < 0 else None,
                ),
                Column(self.tr("Days left"), lambda r: fmt.days(r.days_left), right=True),
                Column(
                    self.tr("Reminder"),
                    lambda r: self.tr("{days} days before").format(days=r.reminder),
                ),
                Column(
                    self.tr("Waiting"),
                    lambda r: fmt.days(r.overdue_days) if r.overdue_days else self.tr("today"),
                    lambda r: OVERDUE_COLOUR if r.overdue_days else RENEWAL_COLOUR,
                    right=True,
                ),
                Column(self.tr("Prospect"), lambda r: r.prospect_name, stretch=True),
                Column(self.tr("RM"), lambda r: r.rm_name or ""),
                Column(self.tr("Balance"), lambda r: fmt.money(r.balance_fen), right=True),
            ],
            self,
        )
        # Strategic clients' service plans whose review has come.
        self.plans_model = RowsModel(review_columns(), self)
        self.views: dict[str, QTableView] = {}
        for key, model, caption in (
            ("overdue", self.overdue_model, self.tr("Contact overdue")),
            ("late", self.late_model, self.tr("Not recorded")),
            ("soon", self.soon_model, self.tr("Due soon")),
            ("stalled", self.stalled_model, self.tr("Checklists stalled")),
            ("renewals", self.renewals_model, self.tr("Renewals")),
            ("plans", self.plans_model, reviews_caption(0)),
        ):
            view = make_table(model, self.tabs)
            view.doubleClicked.connect(lambda index, k=key: self._activate(k, index))
            self.views[key] = view
            self.tabs.addTab(view, caption)
        actions = QHBoxLayout()
        self.plan_selected = QPushButton(self.tr("Plan a visit…"), right)
        self.plan_selected.clicked.connect(self._plan_selected)
        self.record_selected = QPushButton(self.tr("Record a visit or call…"), right)
        self.record_selected.clicked.connect(self._record_selected)
        self.open_selected = QPushButton(self.tr("Open prospect"), right)
        self.open_selected.clicked.connect(self._open_selected)
        for button in (self.plan_selected, self.record_selected, self.open_selected):
            actions.addWidget(button)
        actions.addStretch(1)
        self.hint = QLabel(self.tr("Double-click a row to act on it."), right)
        self.hint.setProperty("muted", True)
        actions.addWidget(self.hint)
        right_layout.addLayout(actions)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([440, 700])
        layout.addWidget(split, 1)

        for key, card in self.cards.items():
            card.clicked.connect(lambda k=key: self.show_list(k))
        self.tabs.currentChanged.connect(self._tab_changed)
        visit_events(ui).changed.connect(lambda _pid: self._data_changed())
        ui.events.prospectsChanged.connect(lambda _ids: self._data_changed())

        self.day_timer = QTimer(self)
        self.day_timer.setInterval(60_000)
        self.day_timer.timeout.connect(self._check_day)
        self._day = ui.today()

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("TodayPage", "Today")

    def start(self) -> None:
        self.notifier = DueNotifier(self.ui, self)
        self.notifier.message.connect(self.message)
        self.notifier.openToday.connect(self._bring_forward)
        self.day_timer.start()
        self.reload()

    # -- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        scope = self.scope.scope()
        service = self.service
        for card in self.cards.values():
            card.set_count(None)
        self.ui.tasks.read(
            self, lambda: service.summary(scope), lambda s: self._loaded(generation, s)
        )

    def _loaded(self, generation: int, summary: TodaySummary) -> None:
        if generation != self._generation:
            return
        first = self.summary is None
        self.summary = summary
        self._day = summary.day
        self.day_label.setText(fmt.day(summary.day) + " · " + _weekday(summary.day.weekday()))
        self.planned_model.set_rows(summary.planned)
        self.late_model.set_rows(summary.overdue_visits)
        self.overdue_model.set_rows(summary.overdue)
        self.soon_model.set_rows(summary.due_soon)
        self.stalled_model.set_rows(summary.stalled)
        self.renewals_model.set_rows(summary.renewals)
        self.plans_model.set_rows(summary.plan_reviews)
        self.cards["planned"].set_count(len(summary.planned))
        self.cards["late"].set_count(summary.overdue_visit_count, len(summary.overdue_visits))
        self.cards["overdue"].set_count(summary.overdue_count, len(summary.overdue))
        self.cards["soon"].set_count(summary.due_soon_count, len(summary.due_soon))
        self.cards["stalled"].set_count(summary.stalled_count, len(summary.stalled))
        self.cards["renewals"].set_count(len(summary.renewals))
        self.tabs.setTabText(
            0, self.tr("Overdue ({count})").format(count=fmt.integer(summary.overdue_count))
        )
        self.tabs.setTabText(
            1,
            self.tr("Not recorded ({count})").format(
                count=fmt.integer(summary.overdue_visit_count)
            ),
        )
        self.tabs.setTabText(
            2,
            self.tr("Due in {days} days ({count})").format(
                days=summary.due_soon_days, count=fmt.integer(summary.due_soon_count)
            ),
        )
        self.tabs.setTabText(
            3,
            self.tr("Checklists ({count})").format(count=fmt.integer(summary.stalled_count)),
        )
        self.tabs.setTabText(
            4, self.tr("Renewals ({count})").format(count=fmt.integer(len(summary.renewals)))
        )
        self.tabs.setTabText(TAB_KEYS.index("plans"), reviews_caption(len(summary.plan_reviews)))
        if summary.unknown_holiday_years:
            self.banner.setText(labels.unknown_year(summary.unknown_holiday_years[0]))
        elif summary.provisional_holiday_years:
            self.banner.setText(labels.provisional_year(summary.provisional_holiday_years[0]))
        self.banner.setVisible(
            bool(summary.unknown_holiday_years or summary.provisional_holiday_years)
        )
        self.record_button.setEnabled(bool(summary.planned))
        self._show_day_off(summary)
        self._tab_changed(self.tabs.currentIndex())
        if self.notifier is not None:
            self.notifier.summary_loaded(summary, first)

    def _show_day_off(self, summary: TodaySummary) -> None:
        info = summary.day_info
        off = info is not None and not info.kind.is_working and not summary.planned
        self.planned_view.setVisible(not off)
        self.record_button.setVisible(not off)
        self.day_off.setVisible(off)
        if not off or info is None:
            return
        if info.kind == DayKind.HOLIDAY:
            title = self.tr("{name}: a public holiday").format(name=labels.holiday_mark(info))
        else:
            title = self.tr("{weekday}: a day off").format(weekday=_weekday(info.day.weekday()))
        lines: list[str] = []
        if summary.next_workday is not None:
            lines.append(
                self.tr("Next working day: {day}, {weekday}. Visits planned: {count}.").format(
                    day=fmt.day(summary.next_workday),
                    weekday=_weekday(summary.next_workday.weekday()),
                    count=fmt.integer(len(summary.next_planned)),
                )
            )
            lines += [f"{v.start_time or '—'}  {chip_name(v)}" for v in summary.next_planned[:5]]
            if len(summary.next_planned) > 5:
                lines.append(
                    self.tr("+{count} more").format(
                        count=fmt.integer(len(summary.next_planned) - 5)
                    )
                )
        lines.append(
            self.tr("Prospects overdue for contact: {count}.").format(
                count=fmt.integer(summary.overdue_count)
            )
        )
        action = (
            self.tr("Show overdue contacts") if summary.overdue_count else self.tr("Plan a visit…")
        )
        self.day_off.set_texts(title, "\n".join(lines), action)

    def _day_off_action(self) -> None:
        if self.summary is not None and self.summary.overdue_count:
            self.show_list("overdue")
        else:
            plan_visit(self.ui, self)

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

    def _check_day(self) -> None:
        """A new day makes other visits due: reload (and the notifier tells what is new)."""
        if self.ui.today() != self._day:
            self.reload()

    def _bring_forward(self) -> None:
        window = self.window()
        window.showNormal()
        window.raise_()
        window.activateWindow()

    # -- acting --------------------------------------------------------------------------------

    def show_list(self, key: str) -> None:
        for other, card in self.cards.items():
            card.set_selected(other == key)
        if key == "planned":
            self.planned_view.setFocus()
            return
        self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    def _tab_changed(self, index: int) -> None:
        key = TAB_KEYS[max(index, 0)]
        for other, card in self.cards.items():
            card.set_selected(other == key)
        self.plan_selected.setEnabled(key != "late")
        self.record_selected.setText(
            self.tr("Record this visit…") if key == "late" else self.tr("Record a visit or call…")
        )

    def _current(self) -> tuple[str, Any]:
        index = self.tabs.currentIndex()
        key = TAB_KEYS[max(index, 0)]
        view = self.views[key]
        model = view.model()
        assert isinstance(model, RowsModel)
        selected = view.selectionModel().selectedRows()
        return key, model.row_at(selected[0]) if selected else None

    def _prospect_of(self, row: Any) -> str | None:
        if isinstance(row, DueProspect):
            return row.id
        if isinstance(row, StalledChecklist):
            return row.prospect_id
        if isinstance(row, VisitLine | RenewalDue | PlanSummary):
            return row.prospect_id
        return None

    def _activate(self, key: str, index: QModelIndex) -> None:
        model = self.views[key].model()
        assert isinstance(model, RowsModel)
        row = model.row_at(index)
        if isinstance(row, VisitLine):
            open_visit(self.ui, self, row.id)
        elif isinstance(row, StalledChecklist):
            record_visit(self.ui, self, row.prospect_id)
        elif isinstance(row, DueProspect):
            plan_visit(self.ui, self, row.id)
        elif isinstance(row, PlanSummary):
            # The review is held with the customer: a visit.
            plan_visit(self.ui, self, row.prospect_id)
        elif isinstance(row, RenewalDue):
            # A contact about the renewal handles the reminder.
            plan_visit(self.ui, self, row.prospect_id)

    def _with_selection(self, action: Callable[[Any], None]) -> None:
        _key, row = self._current()
        if row is None:
            self.message.emit(self.tr("Select a row first."))
            return
        action(row)

    def _plan_selected(self) -> None:
        self._with_selection(lambda row: plan_visit(self.ui, self, self._prospect_of(row)))

    def _record_selected(self) -> None:
        def act(row: Any) -> None:
            if isinstance(row, VisitLine):
                open_visit(self.ui, self, row.id)
            else:
                pid = self._prospect_of(row)
                if pid:
                    record_visit(self.ui, self, pid)

        self._with_selection(act)

    def _open_selected(self) -> None:
        def act(row: Any) -> None:
            pid = self._prospect_of(row)
            if pid:
                self.openProspect.emit(pid)

        self._with_selection(act)

    def _open_planned(self, index: QModelIndex) -> None:
        if not index.isValid():
            selected = self.planned_view.selectionModel().selectedRows()
            index = selected[0] if selected else self.planned_model.index(0, 0)
        row = self.planned_model.row_at(index)
        if isinstance(row, VisitLine):
            open_visit(self.ui, self, row.id)


def _weekday(n: int) -> str:
    names = [
        QCoreApplication.translate("TodayPage", "Monday"),
        QCoreApplication.translate("TodayPage", "Tuesday"),
        QCoreApplication.translate("TodayPage", "Wednesday"),
        QCoreApplication.translate("TodayPage", "Thursday"),
        QCoreApplication.translate("TodayPage", "Friday"),
        QCoreApplication.translate("TodayPage", "Saturday"),
        QCoreApplication.translate("TodayPage", "Sunday"),
    ]
    return names[n]
