"""The RM scorecard on the Team page: each RM's score over the page's period and scope on
the scorecard head office published (or the bundled one), a bar chart of the totals and a
table of every measure (figure / target, and the points it earns).

The Team page puts it in a tab (crm/ui/team/scorecard.py) and calls ``load(start, end,
who)`` with its own choices; the scores are read on the task runner.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said
from crm.ui.team.charts import BarChart

if TYPE_CHECKING:
    from crm.services.scorecard import ScorecardReport

translate = QCoreApplication.translate
SCORE_COLOUR = "#1f5fae"
LOW_COLOUR = "#c0392b"
# Below this share of the points an RM's total is shown in red.
LOW_SCORE_CENTI = 60_00


def measure_label(code: str) -> str:
    names = {
        "credit_loans": translate("Scorecard", "Credit loans"),
        "credit_loan_amount": translate("Scorecard", "Credit loan amount"),
        "first_loan_customers": translate("Scorecard", "New first-loan customers"),
        "strategic_clients": translate("Scorecard", "New strategic clients"),
        "visit_discipline": translate("Scorecard", "Visit discipline"),
    }
    return names.get(code, code)


def figure(code: str, value: int) -> str:
    """A measure's figure as people read it (visits as a share, amounts in yuan)."""
    if code == "visit_discipline":
        return f"{value / 100:.1f}%"
    if code == "credit_loan_amount":
        return fmt.money(value * 100)
    return fmt.integer(value)


class ScorecardView(QWidget):
    # The scores shown have been read (or refused).
    loaded = Signal()

    @staticmethod
    def title() -> str:
        return translate("Scorecard", "RM scorecard")

    @staticmethod
    def figures_title() -> str:
        return translate("Scorecard", "Pipeline figures")

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scorecardView")
        self.ui = ui
        self.report: ScorecardReport | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        self.caption = QLabel(self)
        self.caption.setObjectName("scorecardCaption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.weights = QLabel(self)
        self.weights.setObjectName("scorecardWeights")
        self.weights.setWordWrap(True)
        self.weights.setProperty("muted", True)
        layout.addWidget(self.weights)
        self.chart = BarChart(parent=self)
        layout.addWidget(self.chart)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("scorecardTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        self.note = QLabel(
            self.tr(
                "Targets are set for 30 days and scale with the period; a measure earns at "
                "most its weight. No deposit, profit or fee-income measure is set for the "
                "small-micro line."
            ),
            self,
        )
        self.note.setWordWrap(True)
        self.note.setProperty("muted", True)
        layout.addWidget(self.note)

    def load(self, start: date, end: date, who: dict[str, str | None]) -> None:
        """Read the scores of ``who`` (team / rm, as the pipeline figures take them)."""
        self._generation += 1
        generation = self._generation
        self.caption.setText(self.tr("Reading the scores…"))
        service = self.ui.services.scorecard
        self.ui.tasks.read(
            self,
            lambda: service.report(start, end, team=who.get("team"), rm=who.get("rm")),
            lambda report: self._loaded(generation, report),
            lambda error: self._failed(generation, error),
        )

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.report = None
        self.table.setRowCount(0)
        if isinstance(error, DomainError):
            self.caption.setText(said(error))
        else:
            self.caption.setText(self.tr("The scores could not be read."))
        self.loaded.emit()

    def _loaded(self, generation: int, report: ScorecardReport) -> None:
        if generation != self._generation:
            return
        self.report = report
        source = (
            self.tr("published by head office")
            if report.source == "published"
            else self.tr("bundled with the app")
        )
        name = report.card.name or self.title()
        self.caption.setText(
            self.tr("{name} ({source}): {start} to {end}").format(
                name=name,
                source=source,
                start=fmt.day(report.period.start),
                end=fmt.day(report.period.end),
            )
        )
        self.weights.setText(
            self.tr("Weights: {weights}").format(
                weights="; ".join(
                    f"{measure_label(m.code)} {m.weight}" for m in report.card.measures
                )
            )
        )
        codes = [m.code for m in report.card.measures]
        headers = [self.tr("Relationship manager"), self.tr("Score")]
        headers += [measure_label(code) for code in codes]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setRowCount(len(report.rows))
        for r, row in enumerate(report.rows):
            self.table.setItem(r, 0, QTableWidgetItem(row.rm))
            total = QTableWidgetItem(f"{row.total:.2f}")
            total.setForeground(
                QColor(LOW_COLOUR if row.total_centi < LOW_SCORE_CENTI else SCORE_COLOUR)
            )
            total.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 1, total)
            for c, m in enumerate(row.measures, start=2):
                item = QTableWidgetItem(
                    self.tr("{actual} of {target} · {points}").format(
                        actual=figure(m.code, m.actual),
                        target=figure(m.code, m.target),
                        points=f"{m.points_centi / 100:.2f}",
                    )
                )
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.chart.show_bars(
            [row.rm for row in report.rows],
            [(self.tr("Score"), SCORE_COLOUR, [round(row.total) for row in report.rows])],
        )
        self.chart.setVisible(bool(report.rows))
        if not report.rows:
            self.caption.setText(self.caption.text() + " " + self.tr("No RM in this scope."))
        self.loaded.emit()
