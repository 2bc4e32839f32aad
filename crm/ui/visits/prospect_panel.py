"""The visits panel of a prospect page: contact rhythm, next plan, history, checklist.

For the prospect page: put a ``ProspectVisitsPanel(ui, parent)`` in the detail view and
call ``panel.load(prospect_id)`` when a prospect is shown; it reads in the background and
refreshes itself when that prospect's visits change. It offers "Plan a visit…" and
"Record a visit…"; a double-click on the history opens the record.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.services.visits import ProspectVisits, VisitLine
from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.widgets import EmptyState
from crm.ui.reports.hook import add_visit_menu
from crm.ui.visits import labels
from crm.ui.visits.actions import open_visit, plan_visit, record_visit, visit_events
from crm.ui.visits.checklist import ChecklistBar, ChecklistProgressView

LINE_ROLE = Qt.ItemDataRole.UserRole + 1


class ProspectVisitsPanel(QFrame):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ui = ui
        self.service = ui.services.visits
        self.prospect_id: str | None = None
        self.data: ProspectVisits | None = None
        self._generation = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        title = QLabel(self.tr("Visits and contact"), self)
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        facts = QGridLayout()
        self.last_contact = QLabel(self)
        self.due = QLabel(self)
        self.next_planned = QLabel(self)
        for row, (caption, value) in enumerate(
            (
                (self.tr("Last contact"), self.last_contact),
                (self.tr("Next contact due"), self.due),
                (self.tr("Next planned visit"), self.next_planned),
            )
        ):
            name = QLabel(caption, self)
            name.setProperty("muted", True)
            facts.addWidget(name, row, 0)
            facts.addWidget(value, row, 1)
        facts.setColumnStretch(1, 1)
        layout.addLayout(facts)
        buttons = QHBoxLayout()
        self.plan_button = QPushButton(self.tr("Plan a visit…"), self)
        self.record_button = QPushButton(self.tr("Record a visit…"), self)
        buttons.addWidget(self.plan_button)
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        checklist_title = QHBoxLayout()
        heading = QLabel(self.tr("Financial-literacy checklist"), self)
        heading.setObjectName("panelTitle")
        checklist_title.addWidget(heading)
        self.bar = ChecklistBar(self)
        checklist_title.addWidget(self.bar, 1)
        layout.addLayout(checklist_title)
        self.checklist = ChecklistProgressView(self)
        layout.addWidget(self.checklist)

        history = QLabel(self.tr("History"), self)
        history.setObjectName("panelTitle")
        layout.addWidget(history)
        self.history = QListWidget(self)
        self.history.setUniformItemSizes(True)
        layout.addWidget(self.history, 1)
        self.history_empty = EmptyState(
            self.tr("No visits yet"),
            self.tr(
                "Record each visit or phone call here: whom you met, what you discussed, the "
                "checklist items covered and the next step. Planned visits show here too."
            ),
            self.tr("Record a visit…"),
            self,
        )
        self.history_empty.hide()
        layout.addWidget(self.history_empty, 1)

        self.plan_button.clicked.connect(self._plan)
        self.record_button.clicked.connect(self._record)
        self.history_empty.actionClicked.connect(self._record)
        self.history.itemDoubleClicked.connect(self._open)
        add_visit_menu(ui, self.history, LINE_ROLE)  # Print visit report…
        visit_events(ui).changed.connect(self._changed)
        self.setEnabled(False)

    def load(self, prospect_id: str) -> None:
        self.prospect_id = prospect_id
        self._generation += 1
        generation = self._generation
        self.ui.tasks.read(
            self,
            lambda: self.service.for_prospect(prospect_id),
            lambda data: self._loaded(generation, data),
        )

    def _loaded(self, generation: int, data: ProspectVisits) -> None:
        if generation != self._generation:
            return
        self.data = data
        self.setEnabled(True)
        self.last_contact.setText(fmt.day(data.last_contact_on) or self.tr("never"))
        if data.next_visit_due is None:
            self.due.setText(self.tr("no contact rhythm (dropped)"))
            self.due.setStyleSheet("")
        elif data.overdue_days:
            self.due.setText(
                self.tr("{day} — overdue by {days}").format(
                    day=fmt.day(data.next_visit_due), days=fmt.days(data.overdue_days)
                )
            )
            self.due.setStyleSheet(f"color: {labels.STATUS_COLOURS['overdue']};")
        else:
            self.due.setText(fmt.day(data.next_visit_due))
            self.due.setStyleSheet("")
        planned = data.next_planned
        self.next_planned.setText(
            f"{fmt.day(planned.visit_on)} {planned.start_time} · {labels.kind(planned.kind)}"
            if planned
            else self.tr("none")
        )
        self.bar.set_counts(data.checklist.done, data.checklist.total)
        self.checklist.set_progress(data.checklist)
        self.history.clear()
        for line in data.history:
            text = (
                f"{fmt.day(line.visit_on)}  {labels.kind(line.kind)} · {labels.status(line.status)}"
            )
            if line.amends_id:
                text += " · " + self.tr("amendment")
            if line.purpose:
                text += f" — {line.purpose}"
            item = QListWidgetItem(text, self.history)
            item.setData(LINE_ROLE, line)
            item.setToolTip(text)
            item.setForeground(labels.status_colour(line.status))
        self.history.setVisible(bool(data.history))
        self.history_empty.setVisible(not data.history)

    def _changed(self, prospect_id: str) -> None:
        if self.prospect_id and prospect_id in ("", self.prospect_id):
            self.load(self.prospect_id)

    def _plan(self) -> None:
        if self.prospect_id:
            plan_visit(self.ui, self, self.prospect_id)

    def _record(self) -> None:
        if not self.prospect_id:
            return
        planned = self.data.next_planned if self.data else None
        if planned is not None and planned.visit_on <= self.ui.today():
            open_visit(self.ui, self, planned.id)  # record the visit that was planned
        else:
            record_visit(self.ui, self, self.prospect_id)

    def _open(self, item: QListWidgetItem) -> None:
        line = item.data(LINE_ROLE)
        if isinstance(line, VisitLine):
            open_visit(self.ui, self, line.id)
