"""Scheduling a visit: whom, when, where, why, with whom.

A day off is allowed (customers sometimes ask for a Saturday) but the dialog says so next
to the date: a weekend, a public holiday by name, or a year whose holidays are not
published yet; a make-up working day (调休) is a working day and is said to be one.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.domain.holidays import DayKind
from crm.domain.visits import InvalidVisit, VisitDraft
from crm.i18n import describe
from crm.services.visits import FormReference, ProspectBrief, VisitDetail
from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.common.labels import district as district_label
from crm.ui.common.labels import stage as stage_name
from crm.ui.common.widgets import FieldMessage, set_invalid
from crm.ui.visits import labels

SEARCH_DELAY_MS = 250
KINDS = ("site", "phone", "online")


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class PlanDialog(QDialog):
    planned = Signal(object)  # VisitDetail

    def __init__(
        self,
        ui: UiContext,
        reference: FormReference,
        parent: QWidget | None = None,
        *,
        prospect_id: str | None = None,
        day: date | None = None,
        visit: VisitDetail | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planDialog")
        self.ui = ui
        self.reference = reference
        self.service = ui.services.visits
        self.visit = visit
        self.prospect: ProspectBrief | None = None
        # A day given by the caller (a calendar cell) is kept; else the due date is offered.
        self._day_given = day is not None or visit is not None
        self.setWindowTitle(self.tr("Edit planned visit") if visit else self.tr("Plan a visit"))
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Name, owner, address, USCC or pinyin initials"))
        self.search.setClearButtonEnabled(True)
        self.matches = QListWidget(self)
        self.matches.setMaximumHeight(140)
        self.matches.hide()
        self.chosen = QLabel(self)
        self.chosen.setWordWrap(True)
        self.chosen.setTextFormat(Qt.TextFormat.PlainText)
        who = QVBoxLayout()
        who.addWidget(self.search)
        who.addWidget(self.matches)
        who.addWidget(self.chosen)
        form.addRow(self.tr("Prospect"), who)

        self.day = QDateEdit(self)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat(fmt.day_edit_format())
        self.time = QLineEdit(self)
        self.time.setPlaceholderText("09:30")
        self.time.setMaximumWidth(80)
        self.time.setValidator(
            QRegularExpressionValidator(
                QRegularExpression(r"^([01]?[0-9]|2[0-3])(:[0-5]?[0-9]?)?$")
            )
        )
        self.kind = QComboBox(self)
        for code in KINDS:
            self.kind.addItem(labels.kind(code), code)
        when = QHBoxLayout()
        when.addWidget(self.day)
        when.addWidget(QLabel(self.tr("at"), self))
        when.addWidget(self.time)
        when.addWidget(self.kind, 1)
        form.addRow(self.tr("When"), when)
        self.day_warning = QLabel(self)
        self.day_warning.setObjectName("dayWarning")
        self.day_warning.setWordWrap(True)
        form.addRow("", self.day_warning)
        self.place = QLineEdit(self)
        self.place.setPlaceholderText(self.tr("The prospect's address if left empty"))
        self.purpose = QLineEdit(self)
        self.companions = QLineEdit(self)
        self.companions.setPlaceholderText(self.tr("Colleagues coming along"))
        names = [u.display_name for u in ui.users]
        completer = QCompleter(names, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.companions.setCompleter(completer)
        form.addRow(self.tr("Place"), self.place)
        form.addRow(self.tr("Purpose"), self.purpose)
        form.addRow(self.tr("Companions"), self.companions)
        self.error = FieldMessage(self)
        layout.addWidget(self.error)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textEdited.connect(lambda _t: self._search_timer.start())
        self.matches.itemActivated.connect(self._pick)
        self.matches.itemClicked.connect(self._pick)
        self.day.dateChanged.connect(self._day_changed)

        start = day or ui.today()
        if visit is not None:
            d = visit.draft
            start = d.visit_on
            self.time.setText(d.start_time)
            self.kind.setCurrentIndex(KINDS.index(d.kind) if d.kind in KINDS else 0)
            self.place.setText(d.place)
            self.purpose.setText(d.purpose)
            self.companions.setText(d.companions)
            prospect_id = visit.line.prospect_id
        self.day.setDate(_qdate(start))
        self._day_changed()
        if prospect_id:
            self.search.hide()
            self._load_prospect(prospect_id)
        else:
            self.chosen.setText(self.tr("Type to find the prospect to visit."))
            self.chosen.setProperty("muted", True)
            self._update_buttons()

    # -- choosing the prospect -------------------------------------------------------------

    def _run_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.matches.hide()
            return
        self.ui.tasks.read(self, lambda: self.service.find_prospects(text), self._found)

    def _found(self, briefs: list[ProspectBrief]) -> None:
        self.matches.clear()
        for brief in briefs:
            item = QListWidgetItem(
                f"{brief.name}  ·  {self._district(brief)}  ·  {stage_name(brief.stage)}",
                self.matches,
            )
            item.setData(Qt.ItemDataRole.UserRole, brief)
        if not briefs:
            QListWidgetItem(self.tr("No prospect matches."), self.matches).setFlags(
                Qt.ItemFlag.NoItemFlags
            )
        self.matches.show()

    def _pick(self, item: QListWidgetItem) -> None:
        brief = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(brief, ProspectBrief):
            self._set_prospect(brief)
            self.matches.hide()

    def _load_prospect(self, prospect_id: str) -> None:
        self.ui.tasks.read(
            self, lambda: self.service.prospect_brief(prospect_id), self._set_prospect
        )

    def _district(self, brief: ProspectBrief) -> str:
        if brief.district_code is None:
            return brief.district_name or ""
        return district_label(self.ui.district(brief.district_code), brief.district_code)

    def _set_prospect(self, brief: ProspectBrief) -> None:
        self.prospect = brief
        self.chosen.setProperty("muted", False)
        parts = [brief.name, stage_name(brief.stage)]
        if brief.last_contact_on:
            parts.append(self.tr("last contact {day}").format(day=fmt.day(brief.last_contact_on)))
        if brief.next_visit_due:
            parts.append(self.tr("contact due by {day}").format(day=fmt.day(brief.next_visit_due)))
        self.chosen.setText(" · ".join(parts))
        if not self.place.text() and self.visit is None:
            self.place.setPlaceholderText(brief.address or self.place.placeholderText())
        due = brief.next_visit_due
        if not self._day_given and due and due > self.ui.today():
            self.day.setDate(_qdate(due))
        self._update_buttons()

    # -- the day -----------------------------------------------------------------------------

    def selected_day(self) -> date:
        value = self.day.date()
        return date(value.year(), value.month(), value.day())

    def _day_changed(self, *_args: object) -> None:
        info = self.reference.calendar.info(self.selected_day())
        text = labels.day_note(info)
        warn = info.kind in (DayKind.HOLIDAY, DayKind.WEEKEND) or not info.known
        colour = labels.HOLIDAY_COLOUR if warn else "#1f5fae"
        self.day_warning.setStyleSheet(f"color: {colour};")
        self.day_warning.setText(("⚠ " if warn else "") + text if text else "")
        self.day_warning.setVisible(bool(text))

    def _update_buttons(self) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if save is not None:
            save.setEnabled(self.prospect is not None or self.visit is not None)

    # -- saving ------------------------------------------------------------------------------

    def draft(self) -> VisitDraft:
        time = self.time.text().strip()
        if time and ":" not in time:
            time = f"{int(time):02d}:00" if time.isdigit() else time
        elif time:
            hours, _, minutes = time.partition(":")
            time = f"{int(hours or 0):02d}:{int(minutes or 0):02d}"
        return VisitDraft(
            visit_on=self.selected_day(),
            kind=str(self.kind.currentData()),
            start_time=time,
            place=self.place.text(),
            purpose=self.purpose.text(),
            companions=self.companions.text(),
        )

    def save(self) -> None:
        draft = self.draft()
        visit = self.visit
        if visit is not None:
            visit_id, version = visit.id, visit.line.version
            job = lambda: self.service.update_plan(visit_id, draft, version)  # noqa: E731
        elif self.prospect is not None:
            prospect_id = self.prospect.id
            job = lambda: self.service.plan(prospect_id, draft)  # noqa: E731
        else:
            return
        self.buttons.setEnabled(False)
        self.ui.tasks.write(self, job, self._saved, self._failed)

    def _saved(self, detail: VisitDetail) -> None:
        self.buttons.setEnabled(True)
        self.planned.emit(detail)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, InvalidVisit):
            set_invalid(self.time, "start_time" in error.fields())
        if isinstance(error, DomainError):
            self.error.show_message(describe(error))
