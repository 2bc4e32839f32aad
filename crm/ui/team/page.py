"""团队 / Team: the team lead's Monday review of the pipeline.

Whose pipeline (the team, one RM; the whole book for head office) and which period (this
week, this month, the year to date, other days) are chosen at the top; the figures are
read on a worker (``Services.reports.pipeline_figures``) and shown as cards, charts and
tables. Double-clicking a figure (or clicking a card or a bar) lists the prospects behind
it (``Services.team``); a prospect opens on the Prospects page. The figures export to Excel
and to the pipeline report (PDF).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.domain.pipeline_metrics import STAGE_ORDER, PipelineFigures
from crm.services.records import UserInfo
from crm.services.team import Drill, ProspectLine
from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said
from crm.ui.common.labels import stage as stage_name
from crm.ui.shell.page import Page
from crm.ui.team.charts import BarChart
from crm.ui.team.drill import DrillDialog
from crm.ui.team.excel import Sheet, write_workbook

BOOK, TEAM, RM = "book", "team", "rm"
PERIODS = ("this_week", "this_month", "year_to_date", "custom")
DONE_COLOUR, DUE_COLOUR = "#2563eb", "#a5b4c8"
LINK_COLOUR = "#1d4ed8"
MET_COLOUR, NOT_MET_COLOUR = "#0f7b6c", "#c62828"

translate = QCoreApplication.translate

# What a drill-down shows: a query of the service's, or the prospects a figure names.
Target = Drill | tuple[str, ...]


def period_days(name: str, today: date) -> tuple[date, date]:
    """The days of a named period as of ``today`` (each ends today)."""
    if name == "this_week":
        return today - timedelta(days=today.weekday()), today
    if name == "year_to_date":
        return date(today.year, 1, 1), today
    return today.replace(day=1), today


def rate(bp: int | None) -> str:
    return "—" if bp is None else f"{bp / 100:.2f}%"


def growth(bp: int | None) -> str:
    return "—" if bp is None else f"{bp / 100:+.2f}%"


class Card(QFrame):
    """A figure, large, with what it is above it and a line under it; a click drills down."""

    clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamCard")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(
            "QFrame#teamCard { background: white; border: 1px solid #d5dae1; border-radius: 6px; }"
        )
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 8, 12, 8)
        column.setSpacing(2)
        self.title = QLabel(title, self)
        self.title.setStyleSheet("color: #4b5563;")
        self.value = QLabel("—", self)
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #6b7280;")
        for label in (self.title, self.value, self.note):
            column.addWidget(label)
        column.addStretch(1)

    def set_value(self, value: str, note: str = "", colour: str = "") -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {colour};" if colour else "")
        self.note.setText(note)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class FigureTable(QTableWidget):
    """A small table of figures sized to its rows; cells with prospects behind them are
    shown as links and drill down on a double-click."""

    drill = Signal(object, str)  # (target, title)

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.targets: dict[tuple[int, int], tuple[Target, str]] = {}
        self.cellDoubleClicked.connect(self._double_clicked)

    def fill(self, rows: Sequence[Sequence[tuple[str, Target | None, str]]]) -> None:
        """Each cell: (text, what it drills into or None, the drill-down's title)."""
        self.targets = {}
        self.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, (text, target, title) in enumerate(cells):
                item = QTableWidgetItem(text)
                if c > 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if target is not None:
                    item.setForeground(QColor(LINK_COLOUR))
                    item.setToolTip(self.tr("Double-click for the prospects behind it"))
                    self.targets[(r, c)] = (target, title)
                self.setItem(r, c, item)
        height = self.horizontalHeader().height() + 2 * self.frameWidth() + 6
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().height()
        self.setFixedHeight(height)

    def _double_clicked(self, row: int, column: int) -> None:
        found = self.targets.get((row, column))
        if found is not None:
            self.drill.emit(*found)


def _group(title: str, parent: QWidget, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title, parent)
    column = QVBoxLayout(box)
    column.setContentsMargins(8, 8, 8, 8)
    for widget in widgets:
        widget.setParent(box)
        column.addWidget(widget)
    column.addStretch(1)
    return box


class TeamPage(Page):
    key = "team"
    # The figures shown have been read (or refused).
    loaded = Signal()
    # The Excel file written (its path), or the reason it was not.
    exported = Signal(str)
    exportFailed = Signal(str)

    @classmethod
    def title(cls) -> str:
        return translate("TeamPage", "Team")

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.setObjectName("teamPage")
        self.figures: PipelineFigures | None = None
        self.shown_scope: tuple[str, str, str] = (BOOK, "", "")
        self.drill_dialog: DrillDialog | None = None
        self.pdf_dialog: QWidget | None = None
        self._generation = 0
        self._names: dict[tuple[str, str], str] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 6)
        outer.addLayout(self._build_choices())
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        scroll.setWidget(body)
        # The figures and, beside them, the RM scorecard (crm/ui/team/scorecard.py).
        from crm.ui.team.scorecard import TeamTabs

        self.team_tabs = TeamTabs(self, scroll)
        outer.addWidget(self.team_tabs, 1)
        self._build_body(body)

    # -- building ---------------------------------------------------------------------------

    def _build_choices(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Whose"), self))
        self.scope = QComboBox(self)
        self._fill_scopes()
        row.addWidget(self.scope)
        row.addSpacing(10)
        row.addWidget(QLabel(self.tr("Period"), self))
        self.period = QComboBox(self)
        names = {
            "this_week": self.tr("This week"),
            "this_month": self.tr("This month"),
            "year_to_date": self.tr("Year to date"),
            "custom": self.tr("Other days"),
        }
        for name in PERIODS:
            self.period.addItem(names[name], name)
        self.period.setCurrentIndex(1)
        row.addWidget(self.period)
        self.start_edit = self._day_edit()
        self.end_edit = self._day_edit()
        row.addWidget(self.start_edit)
        self.to_label = QLabel(self.tr("to"), self)
        row.addWidget(self.to_label)
        row.addWidget(self.end_edit)
        row.addStretch(1)
        self.excel_button = QPushButton(self.tr("Export to Excel…"), self)
        self.pdf_button = QPushButton(self.tr("Pipeline report (PDF)…"), self)
        row.addWidget(self.excel_button)
        row.addWidget(self.pdf_button)
        self._period_chosen()
        self.scope.currentIndexChanged.connect(lambda _n: self.reload())
        self.period.currentIndexChanged.connect(lambda _n: self._period_chosen(reload=True))
        self.start_edit.dateChanged.connect(lambda _d: self._days_edited())
        self.end_edit.dateChanged.connect(lambda _d: self._days_edited())
        self.excel_button.clicked.connect(self.ask_excel)
        self.pdf_button.clicked.connect(self.open_pdf)
        return row

    def _day_edit(self) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(fmt.day_edit_format())
        return edit

    def _fill_scopes(self) -> None:
        """A lead sees their team and its RMs, an RM themself; head office (admins) the
        whole book, every team and every RM."""
        me = self.ui.user
        users = list(self.ui.users)
        role = me.role if me is not None else "admin"
        if role == "rm" and me is not None:
            self._add_scope(RM, me.username, me.display_name)
            return
        if role == "lead" and me is not None and me.team_id:
            self._add_scope(TEAM, me.team_id, me.team_name or "")
            users = [u for u in users if u.team_id == me.team_id]
        else:
            self.scope.addItem(self.tr("The whole book"), (BOOK, ""))
            self._names[(BOOK, "")] = ""
            teams = sorted({(u.team_id, u.team_name or "") for u in users if u.team_id})
            for team_id, name in sorted(teams, key=lambda t: t[1]):
                self._add_scope(TEAM, team_id, name)
        for user in sorted(users, key=lambda u: (u.team_name or "", u.display_name)):
            if user.role == "rm":
                self._add_scope(RM, user.username, user.display_name)

    def _add_scope(self, kind: str, key: str, name: str) -> None:
        text = (
            self.tr("Team: {name}").format(name=name)
            if kind == TEAM
            else self.tr("Relationship manager: {name}").format(name=name)
        )
        self.scope.addItem(text, (kind, key))
        self._names[(kind, key)] = name

    def _build_body(self, body: QWidget) -> None:
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 4, 0)
        cards = QHBoxLayout()
        self.cards = {
            "prospects": Card(self.tr("Prospects"), body),
            "first_loans": Card(self.tr("New first-loan customers"), body),
            "overdue": Card(self.tr("Overdue for contact"), body),
            "maturities": Card(self.tr("Maturing in 90 days"), body),
            "two_increases": Card(self.tr("Two increases"), body),
            "npl": Card(self.tr("Non-performing ratio"), body),
        }
        for card in self.cards.values():
            cards.addWidget(card, 1)
        column.addLayout(cards)

        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.stage_chart = BarChart(horizontal=True, parent=body)
        self.stage_table = FigureTable([self.tr("Stage"), self.tr("Prospects")], body)
        grid.addWidget(
            _group(self.tr("Prospects by stage"), body, self.stage_chart, self.stage_table), 0, 0
        )
        self.funnel_chart = BarChart(horizontal=True, parent=body)
        self.funnel_table = FigureTable(
            [self.tr("Step"), self.tr("Reached"), self.tr("Conversion"), self.tr("Median days")],
            body,
        )
        self.funnel_moves = QLabel("", body)
        self.funnel_moves.setWordWrap(True)
        grid.addWidget(
            _group(
                self.tr("Funnel"), body, self.funnel_chart, self.funnel_table, self.funnel_moves
            ),
            0,
            1,
        )
        self.first_chart = BarChart(horizontal=True, parent=body)
        self.first_table = FigureTable(
            [self.tr("Period"), self.tr("First-loan customers"), self.tr("Change")], body
        )
        grid.addWidget(
            _group(
                self.tr("First-loan customers against last year"),
                body,
                self.first_chart,
                self.first_table,
            ),
            1,
            0,
        )
        self.two_table = FigureTable(
            [
                self.tr("Measure"),
                self.tr("Start of year"),
                self.tr("Now"),
                self.tr("Growth"),
                self.tr("Met"),
            ],
            body,
        )
        self.two_verdict = QLabel("", body)
        self.two_verdict.setWordWrap(True)
        self.maturity_table = FigureTable(
            [self.tr("Maturing within"), self.tr("Loans"), self.tr("Balance")], body
        )
        right = QWidget(body)
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(
            _group(self.tr("Two increases"), right, self.two_table, self.two_verdict)
        )
        self.npl_table = FigureTable(
            [
                self.tr("Loans"),
                self.tr("Non-performing"),
                self.tr("Balance now"),
                self.tr("Ratio"),
            ],
            body,
        )
        self.npl_verdict = QLabel("", body)
        self.npl_verdict.setWordWrap(True)
        right_column.addWidget(
            _group(self.tr("Non-performing loans"), right, self.npl_table, self.npl_verdict)
        )
        right_column.addWidget(_group(self.tr("Maturities"), right, self.maturity_table))
        grid.addWidget(right, 1, 1)
        self.visit_chart = BarChart(parent=body)
        self.visit_table = FigureTable(
            [
                self.tr("Relationship manager"),
                self.tr("Visit records"),
                self.tr("Contacted"),
                self.tr("Due"),
                self.tr("Done"),
                self.tr("Overdue prospects"),
            ],
            body,
        )
        grid.addWidget(
            _group(
                self.tr("Visits done against due, by relationship manager"),
                body,
                self.visit_chart,
                self.visit_table,
            ),
            2,
            0,
            1,
            2,
        )
        column.addLayout(grid)
        column.addStretch(1)

        for table in (
            self.stage_table,
            self.funnel_table,
            self.first_table,
            self.two_table,
            self.npl_table,
            self.maturity_table,
            self.visit_table,
        ):
            table.drill.connect(self.drill)
        self.stage_chart.barClicked.connect(self._stage_bar)
        self.funnel_chart.barClicked.connect(self._funnel_bar)
        self.first_chart.barClicked.connect(self._first_bar)
        self.visit_chart.barClicked.connect(self._visit_bar)
        self._card_drills: dict[str, Callable[[], tuple[Target, str]]] = {}
        for name, card in self.cards.items():
            card.clicked.connect(lambda n=name: self._card_clicked(n))

    # -- choosing ---------------------------------------------------------------------------

    def period_days(self) -> tuple[date, date]:
        return _day(self.start_edit.date()), _day(self.end_edit.date())

    def set_period(self, name: str, start: date | None = None, end: date | None = None) -> None:
        """Choose a named period, or (``custom``) the days from ``start`` to ``end``."""
        self.period.blockSignals(True)
        self.period.setCurrentIndex(self.period.findData(name))
        self.period.blockSignals(False)
        self._period_chosen()
        if name == "custom" and start is not None and end is not None:
            self._set_days(start, end)
        self.reload()

    def choose(self, kind: str, key: str = "") -> None:
        """Show the whole book, the team ``key`` (its id) or the RM ``key`` (a username)."""
        found = next(
            (n for n in range(self.scope.count()) if self.scope.itemData(n) == (kind, key)), -1
        )
        if found < 0:
            raise ValueError(f"no such choice: {kind} {key}")
        self.scope.setCurrentIndex(found)

    def _period_chosen(self, reload: bool = False) -> None:
        name = self.period.currentData()
        custom = name == "custom"
        for widget in (self.start_edit, self.end_edit, self.to_label):
            widget.setEnabled(custom)
        if not custom:
            self._set_days(*period_days(name, self.ui.today()))
        if reload:
            self.reload()

    def _set_days(self, start: date, end: date) -> None:
        for edit, value in ((self.start_edit, start), (self.end_edit, end)):
            edit.blockSignals(True)
            edit.setDate(fmt.qdate(value))
            edit.blockSignals(False)

    def _days_edited(self) -> None:
        if self.period.currentData() == "custom":
            self.reload()

    def _scope_args(self) -> tuple[str, str, dict[str, str | None]]:
        kind, key = self.scope.currentData() or (BOOK, "")
        return kind, key, {"team": key if kind == TEAM else None, "rm": key if kind == RM else None}

    # -- loading ----------------------------------------------------------------------------

    def start(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the figures for the choices shown, on a worker."""
        self._generation += 1
        generation = self._generation
        kind, key, who = self._scope_args()
        start, end = self.period_days()
        if start > end:
            self.status.setText(self.tr("The period starts after it ends: choose other days."))
            self.loaded.emit()
            return
        self.status.setText(self.tr("Reading the figures…"))
        reports = self.ui.services.reports
        self.ui.tasks.read(
            self,
            lambda: reports.pipeline_figures(start, end, **who),
            lambda figures: self._loaded(generation, figures, (kind, key, who)),
            lambda error: self._failed(generation, error),
        )

    def _loaded(
        self,
        generation: int,
        figures: PipelineFigures,
        scope: tuple[str, str, dict[str, str | None]],
    ) -> None:
        if generation != self._generation:
            return
        self.figures = figures
        self.shown_scope = (scope[0], scope[1], self._names.get((scope[0], scope[1]), ""))
        self._who = scope[2]
        self._show(figures)
        p = figures.period
        self.status.setText(
            self.tr("{start} to {end}, as of {today}").format(
                start=fmt.day(p.start), end=fmt.day(p.end), today=fmt.day(figures.as_of)
            )
        )
        self.loaded.emit()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        if isinstance(error, DomainError):
            self.status.setText(said(error))
        else:
            self.status.setText(self.tr("The figures could not be read."))
        self.loaded.emit()

    # -- showing ----------------------------------------------------------------------------

    def _show(self, f: PipelineFigures) -> None:
        self._show_cards(f)
        stages = list(STAGE_ORDER)
        self.stage_chart.show_bars(
            [stage_name(s) for s in stages],
            [(self.tr("Prospects"), "#2563eb", [f.stages.get(s, 0) for s in stages])],
        )
        self.stage_table.fill(
            [
                [
                    (stage_name(s), None, ""),
                    (fmt.integer(f.stages.get(s, 0)), Drill("stage", s), stage_name(s)),
                ]
                for s in stages
            ]
            + [
                [
                    (self.tr("In all"), None, ""),
                    (fmt.integer(f.prospects), Drill("all"), self.tr("Prospects")),
                ]
            ]
        )
        steps = f.funnel.steps
        self.funnel_chart.show_bars(
            [stage_name(s.stage) for s in steps],
            [(self.tr("Reached"), "#0f7b6c", [s.reached for s in steps])],
        )
        self.funnel_table.fill(
            [
                [
                    (stage_name(s.stage), None, ""),
                    (
                        fmt.integer(s.reached),
                        Drill("funnel", s.stage),
                        self.tr("Funnel: {step}").format(step=stage_name(s.stage)),
                    ),
                    (rate(s.rate_bp), None, ""),
                    ("—" if s.median_days is None else f"{s.median_days:.1f}", None, ""),
                ]
                for s in steps
            ]
        )
        self.funnel_moves.setText(
            self.tr(
                "In the period: {entered} entered the pool, {first} became first-loan "
                "customers, {strategic} strategic clients, {dropped} dropped."
            ).format(
                entered=fmt.integer(f.funnel.entered),
                first=fmt.integer(f.funnel.to_first_loan),
                strategic=fmt.integer(f.funnel.to_strategic),
                dropped=fmt.integer(f.funnel.dropped),
            )
        )
        fl = f.first_loans
        this_title = self.tr("New first-loan customers")
        last_title = self.tr("First-loan customers, same period last year")
        self.first_chart.show_bars(
            [self.tr("This period"), self.tr("Same period last year")],
            [
                (
                    self.tr("First-loan customers"),
                    "#7c3aed",
                    [fl.this_period, fl.same_period_last_year],
                )
            ],
        )
        self.first_table.fill(
            [
                [
                    (self.tr("This period"), None, ""),
                    (fmt.integer(fl.this_period), Drill("first_loans"), this_title),
                    (growth(fl.growth_bp), None, ""),
                ],
                [
                    (self.tr("Same period last year"), None, ""),
                    (
                        fmt.integer(fl.same_period_last_year),
                        Drill("first_loans_last_year"),
                        last_title,
                    ),
                    ("", None, ""),
                ],
            ]
        )
        self._show_two_increases(f)
        self._show_npl(f)
        self._show_maturities(f)
        self._show_visits(f)

    def _show_cards(self, f: PipelineFigures) -> None:
        fl = f.first_loans
        ti = f.two_increases
        m = f.maturities
        c = self.cards
        c["prospects"].set_value(
            fmt.integer(f.prospects),
            self.tr("{first} first-loan, {strategic} strategic").format(
                first=fmt.integer(f.stages.get("first_loan", 0)),
                strategic=fmt.integer(f.stages.get("strategic", 0)),
            ),
        )
        c["first_loans"].set_value(
            fmt.integer(fl.this_period),
            self.tr("Same period last year: {count}").format(
                count=fmt.integer(fl.same_period_last_year)
            ),
        )
        c["overdue"].set_value(
            fmt.integer(f.overdue.total),
            self.tr("prospects past their contact date"),
            NOT_MET_COLOUR if f.overdue.total else "",
        )
        c["maturities"].set_value(fmt.integer(m.within(90)), fmt.money(_within_balance(f, 90)))
        c["two_increases"].set_value(
            self.tr("Met") if ti.met else self.tr("Not met"),
            self.tr("Inclusive {inclusive} vs all {all}; borrowers {start} → {now}").format(
                inclusive=growth(ti.inclusive_growth_bp),
                all=growth(ti.all_growth_bp),
                start=fmt.integer(ti.borrowers_start),
                now=fmt.integer(ti.borrowers_now),
            ),
            MET_COLOUR if ti.met else NOT_MET_COLOUR,
        )
        npl = f.npl
        c["npl"].set_value(
            rate(npl.inclusive_ratio_bp),
            self.tr("All loans {all}; tolerance {points} points").format(
                all=rate(npl.all_ratio_bp), points=f"{npl.tolerance_bp / 100:g}"
            ),
            MET_COLOUR if npl.met else NOT_MET_COLOUR,
        )
        self._card_drills = {
            "prospects": lambda: (Drill("all"), self.tr("Prospects")),
            "first_loans": lambda: (Drill("first_loans"), self.tr("New first-loan customers")),
            "overdue": lambda: (Drill("overdue"), self.tr("Overdue for contact")),
            "maturities": lambda: (
                tuple(dict.fromkeys(x.prospect_id for x in m.listed if x.days_left <= 90)),
                self.tr("Maturing in 90 days"),
            ),
            "two_increases": lambda: (Drill("borrowers"), self.tr("Borrowers now")),
            "npl": lambda: (Drill("npl"), self.tr("Customers with a non-performing loan")),
        }

    def _show_two_increases(self, f: PipelineFigures) -> None:
        ti = f.two_increases
        yes, no = self.tr("Met"), self.tr("Not met")
        borrowers = (Drill("borrowers"), self.tr("Borrowers now"))
        self.two_table.fill(
            [
                [
                    (self.tr("Inclusive small-micro balance"), None, ""),
                    (fmt.money(ti.inclusive_balance_start_fen), None, ""),
                    (fmt.money(ti.inclusive_balance_now_fen), *borrowers),
                    (growth(ti.inclusive_growth_bp), None, ""),
                    (yes if ti.growth_met else no, None, ""),
                ],
                [
                    (self.tr("All loans' balance"), None, ""),
                    (fmt.money(ti.all_balance_start_fen), None, ""),
                    (fmt.money(ti.all_balance_now_fen), None, ""),
                    (growth(ti.all_growth_bp), None, ""),
                    ("", None, ""),
                ],
                [
                    (self.tr("Inclusive borrowers"), None, ""),
                    (fmt.integer(ti.borrowers_start), None, ""),
                    (fmt.integer(ti.borrowers_now), *borrowers),
                    ("", None, ""),
                    (yes if ti.borrowers_met else no, None, ""),
                ],
            ]
        )
        self.two_verdict.setText(
            self.tr("Both increases met since {day}.").format(day=fmt.day(ti.year_start))
            if ti.met
            else self.tr("Not met since {day}.").format(day=fmt.day(ti.year_start))
        )
        self.two_verdict.setStyleSheet(f"color: {MET_COLOUR if ti.met else NOT_MET_COLOUR};")

    def _show_npl(self, f: PipelineFigures) -> None:
        npl = f.npl
        bad = (Drill("npl"), self.tr("Customers with a non-performing loan"))
        self.npl_table.fill(
            [
                [
                    (self.tr("Inclusive small-micro"), None, ""),
                    (fmt.money(npl.inclusive_npl_fen), *bad),
                    (fmt.money(npl.inclusive_balance_fen), None, ""),
                    (rate(npl.inclusive_ratio_bp), None, ""),
                ],
                [
                    (self.tr("All loans"), None, ""),
                    (fmt.money(npl.all_npl_fen), *bad),
                    (fmt.money(npl.all_balance_fen), None, ""),
                    (rate(npl.all_ratio_bp), None, ""),
                ],
            ]
        )
        points = f"{npl.tolerance_bp / 100:g}"
        self.npl_verdict.setText(
            self.tr("Within {points} points of all loans: met.").format(points=points)
            if npl.met
            else self.tr("More than {points} points above all loans: not met.").format(
                points=points
            )
        )
        self.npl_verdict.setStyleSheet(f"color: {MET_COLOUR if npl.met else NOT_MET_COLOUR};")

    def _show_maturities(self, f: PipelineFigures) -> None:
        rows = []
        low = 0
        for w in f.maturities.windows:
            ids = tuple(
                dict.fromkeys(
                    x.prospect_id
                    for x in f.maturities.listed
                    if x.days_left <= w.days and (low == 0 or x.days_left > low)
                )
            )
            title = self.tr("Maturing within {days} days").format(days=w.days)
            rows.append(
                [
                    (fmt.days(w.days), None, ""),
                    (fmt.integer(w.loans), ids, title),
                    (fmt.money(w.balance_fen), None, ""),
                ]
            )
            low = w.days
        self.maturity_table.fill(rows)

    def _show_visits(self, f: PipelineFigures) -> None:
        self.visit_chart.show_bars(
            [v.rm for v in f.visits],
            [
                (self.tr("Contacted"), DONE_COLOUR, [v.done for v in f.visits]),
                (self.tr("Due"), DUE_COLOUR, [v.due for v in f.visits]),
            ],
        )
        self.visit_chart.setMinimumWidth(min(1100, 60 + 44 * len(f.visits)))
        self.visit_table.fill(
            [
                [
                    (v.rm, None, ""),
                    (fmt.integer(v.visits), None, ""),
                    (
                        fmt.integer(v.done),
                        Drill("visits_done", v.rm_id),
                        self.tr("{rm}: contacted").format(rm=v.rm),
                    ),
                    (
                        fmt.integer(v.due),
                        Drill("visits_due", v.rm_id),
                        self.tr("{rm}: due").format(rm=v.rm),
                    ),
                    (rate(v.done_bp), None, ""),
                    (
                        fmt.integer(v.overdue_prospects),
                        Drill("overdue", v.rm_id),
                        self.tr("{rm}: overdue for contact").format(rm=v.rm),
                    ),
                ]
                for v in f.visits
            ]
        )

    # -- drilling down ----------------------------------------------------------------------

    def drill(self, target: Target, title: str) -> DrillDialog:
        """List the prospects behind a figure in a dialog (read on a worker)."""
        start, end = self.period_days()
        who = dict(getattr(self, "_who", {"team": None, "rm": None}))
        team = self.ui.services.team
        load: Callable[[], Sequence[ProspectLine]]
        if isinstance(target, Drill):
            drill = target

            def load() -> Sequence[ProspectLine]:
                return team.prospects(drill, start, end, team=who["team"], rm=who["rm"])

        else:
            ids = list(target)

            def load() -> Sequence[ProspectLine]:
                return team.lines(ids)

        if self.drill_dialog is not None:
            self.drill_dialog.close()
            self.drill_dialog.deleteLater()
        dialog = DrillDialog(self.ui, title, load, self, self.reassign_targets())
        dialog.openProspect.connect(self.openProspect)
        dialog.reassigned.connect(lambda _ids: self.reload())
        self.drill_dialog = dialog
        dialog.show()
        return dialog

    def reassign_targets(self) -> list[UserInfo]:
        """Whom the user may give prospects to: a lead, the team's RMs; head office (an
        admin), every RM; an RM, nobody (the list offers no reassigning)."""
        me = self.ui.user
        rms = [u for u in self.ui.users if u.role == "rm"]
        if me is None or me.role == "admin":
            return sorted(rms, key=lambda u: (u.team_name or "", u.display_name))
        if me.role == "lead" and me.team_id:
            return sorted((u for u in rms if u.team_id == me.team_id), key=lambda u: u.display_name)
        return []

    def _card_clicked(self, name: str) -> None:
        make = self._card_drills.get(name)
        if make is not None:
            self.drill(*make())

    def _stage_bar(self, _set: int, index: int) -> None:
        self.stage_table._double_clicked(index, 1)

    def _funnel_bar(self, _set: int, index: int) -> None:
        self.funnel_table._double_clicked(index, 1)

    def _first_bar(self, _set: int, index: int) -> None:
        self.first_table._double_clicked(index, 1)

    def _visit_bar(self, bar: int, index: int) -> None:
        self.visit_table._double_clicked(index, 2 + bar)

    # -- exporting --------------------------------------------------------------------------

    def ask_excel(self) -> None:
        if self.figures is None:
            return
        p = self.figures.period
        name = f"team_{p.start.isoformat()}_{p.end.isoformat()}.xlsx"
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Export to Excel"),
            str(Path.home() / name),
            self.tr("Excel workbook (*.xlsx)"),
        )
        if path:
            self.export_excel(Path(path if path.lower().endswith(".xlsx") else path + ".xlsx"))

    def export_excel(self, target: Path) -> None:
        """Write the figures shown to ``target`` on a worker; ``exported`` when done."""
        if self.figures is None:
            return
        sheets = self.sheets(self.figures)
        self.excel_button.setEnabled(False)
        self.ui.tasks.read(
            self,
            lambda: write_workbook(target, sheets, self.ui.services.audit),
            lambda _none: self._exported(target),
            self._export_failed,
        )

    def _exported(self, target: Path) -> None:
        self.excel_button.setEnabled(True)
        self.message.emit(self.tr("Saved {path}").format(path=str(target)))
        self.exported.emit(str(target))

    def _export_failed(self, error: BaseException) -> None:
        self.excel_button.setEnabled(True)
        text = (
            said(error)
            if isinstance(error, DomainError)
            else self.tr("The file could not be saved: {reason}").format(reason=str(error))
        )
        self.status.setText(text)
        self.exportFailed.emit(text)

    def sheets(self, f: PipelineFigures) -> list[Sheet]:
        """The figures as the workbook's sheets, in the user's language."""
        ti = f.two_increases
        fl = f.first_loans
        who = self.shown_scope[2] or self.tr("The whole book")
        summary = Sheet(
            self.tr("Summary"),
            [self.tr("Figure"), self.tr("Value")],
            ["text", "text"],
            [
                [self.tr("Whose"), who],
                [self.tr("Period"), f"{f.period.start.isoformat()} – {f.period.end.isoformat()}"],
                [self.tr("As of"), f.as_of.isoformat()],
                [self.tr("Prospects"), str(f.prospects)],
                [self.tr("New first-loan customers"), str(fl.this_period)],
                [self.tr("Same period last year"), str(fl.same_period_last_year)],
                [self.tr("Overdue for contact"), str(f.overdue.total)],
                [self.tr("Two increases"), self.tr("Met") if ti.met else self.tr("Not met")],
                [
                    self.tr("Non-performing ratio"),
                    self.tr("Met") if f.npl.met else self.tr("Not met"),
                ],
            ],
        )
        stages = Sheet(
            self.tr("Stages"),
            [self.tr("Stage"), self.tr("Prospects")],
            ["text", "int"],
            [[stage_name(s), f.stages.get(s, 0)] for s in STAGE_ORDER],
        )
        funnel = Sheet(
            self.tr("Funnel"),
            [self.tr("Step"), self.tr("Reached"), self.tr("Conversion"), self.tr("Median days")],
            ["text", "int", "rate", "dec"],
            [
                [
                    stage_name(s.stage),
                    s.reached,
                    None if s.rate_bp is None else s.rate_bp / 10_000,
                    None if s.median_days is None else round(s.median_days, 1),
                ]
                for s in f.funnel.steps
            ],
        )
        visits = Sheet(
            self.tr("Visits"),
            [
                self.tr("Relationship manager"),
                self.tr("Visit records"),
                self.tr("Contacted"),
                self.tr("Due"),
                self.tr("Done"),
                self.tr("Overdue prospects"),
            ],
            ["text", "int", "int", "int", "rate", "int"],
            [
                [
                    v.rm,
                    v.visits,
                    v.done,
                    v.due,
                    None if v.done_bp is None else v.done_bp / 10_000,
                    v.overdue_prospects,
                ]
                for v in f.visits
            ],
        )
        maturities = Sheet(
            self.tr("Maturities"),
            [
                self.tr("Customer"),
                self.tr("Relationship manager"),
                self.tr("Product"),
                self.tr("Balance (yuan)"),
                self.tr("Maturity date"),
                self.tr("Days left"),
            ],
            ["text", "text", "text", "yuan", "day", "int"],
            [
                [x.name, x.rm, x.product_code, x.balance_fen / 100, x.maturity_date, x.days_left]
                for x in f.maturities.listed
            ],
        )
        two = Sheet(
            self.tr("Two increases"),
            [self.tr("Measure"), self.tr("Start of year"), self.tr("Now"), self.tr("Growth")],
            ["text", "yuan", "yuan", "rate"],
            [
                [
                    self.tr("Inclusive small-micro balance (yuan)"),
                    ti.inclusive_balance_start_fen / 100,
                    ti.inclusive_balance_now_fen / 100,
                    _fraction(ti.inclusive_growth_bp),
                ],
                [
                    self.tr("All loans' balance (yuan)"),
                    ti.all_balance_start_fen / 100,
                    ti.all_balance_now_fen / 100,
                    _fraction(ti.all_growth_bp),
                ],
                [
                    self.tr("Inclusive borrowers"),
                    ti.borrowers_start,
                    ti.borrowers_now,
                    None,
                ],
            ],
        )
        npl = f.npl
        bad = Sheet(
            self.tr("Non-performing loans"),
            [
                self.tr("Loans"),
                self.tr("Non-performing (yuan)"),
                self.tr("Balance now (yuan)"),
                self.tr("Ratio"),
            ],
            ["text", "yuan", "yuan", "rate"],
            [
                [
                    self.tr("Inclusive small-micro"),
                    npl.inclusive_npl_fen / 100,
                    npl.inclusive_balance_fen / 100,
                    _fraction(npl.inclusive_ratio_bp),
                ],
                [
                    self.tr("All loans"),
                    npl.all_npl_fen / 100,
                    npl.all_balance_fen / 100,
                    _fraction(npl.all_ratio_bp),
                ],
            ],
        )
        return [summary, stages, funnel, visits, maturities, two, bad]

    def open_pdf(self) -> QWidget:
        """The pipeline report of the scope and period shown, made at once."""
        from crm.ui.reports.pipeline import PipelineReportDialog

        if self.pdf_dialog is not None:
            self.pdf_dialog.close()
            self.pdf_dialog.deleteLater()
        dialog = PipelineReportDialog(self.ui, self)
        kind, key, _who = self._scope_args()
        dialog.choose(kind, key)
        dialog.period.set_period(*self.period_days())
        self.pdf_dialog = dialog
        dialog.show()
        dialog.make()
        return dialog


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _fraction(bp: int | None) -> float | None:
    return None if bp is None else bp / 10_000


def _within_balance(f: PipelineFigures, days: int) -> int:
    return sum(w.balance_fen for w in f.maturities.windows if w.days <= days)
