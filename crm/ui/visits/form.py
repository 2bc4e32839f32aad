"""The visit record form: what an RM fills in on site, offline, and finalizes.

The form validates as the RM types (a wrong time, a next visit before this one) and says
what is wrong next to the field; what a final record must hold is checked when the RM asks
to finalize, and from then on shown next to every field still missing. ``VisitDialog``
(dialog.py) puts it in a window that autosaves, finalizes and amends.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.money import InvalidAmount, parse_money
from crm.domain.prospect import FieldError
from crm.domain.visits import (
    DUE_DILIGENCE_PHASES,
    InvalidVisit,
    VisitDraft,
    check_draft,
    finalize_problems,
)
from crm.i18n import describe
from crm.services.visits import FormReference, VisitDetail
from crm.ui.common import fmt
from crm.ui.common.labels import lang
from crm.ui.common.widgets import FieldMessage, set_invalid
from crm.ui.visits import labels
from crm.ui.visits.checklist import ChecklistEditor

AUTOSAVE_MS = 1200
KINDS = ("site", "phone", "online")


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _fit_rows(view: QListWidget) -> None:
    """Tall enough for every row, with no scroll bars of its own: the dialog's one scroll
    area around the form scrolls."""
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    rows = sum(max(view.sizeHintForRow(n), 0) for n in range(view.count()))
    view.setFixedHeight(rows + 2 * view.frameWidth() + 2)


def _text_box(parent: QWidget, lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class VisitForm(QWidget):
    """The fields of one record; ``draft()`` reads them, ``set_detail()`` fills them."""

    edited = Signal()

    def __init__(self, reference: FormReference, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference = reference
        self.template = reference.checklists
        due_diligence = reference.due_diligence
        self.today = fmt.today()
        self.amendment = False
        self._loading = False
        self._shown_problems: set[str] = set()
        self.messages: dict[str, FieldMessage] = {}
        self.widgets: dict[str, QWidget] = {}

        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(14)
        left = QVBoxLayout()
        right = QVBoxLayout()
        # Halves: the checklist's and the due-diligence items' sentences need the room.
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        # -- the visit ----------------------------------------------------------------------
        visit = self._group(self.tr("The visit"), left)
        self.kind = QComboBox(self)
        for code in KINDS:
            self.kind.addItem(labels.kind(code), code)
        self.visit_on = QDateEdit(self)
        self.visit_on.setCalendarPopup(True)
        self.visit_on.setDisplayFormat(fmt.day_edit_format())
        self.start_time = QLineEdit(self)
        self.start_time.setPlaceholderText("09:30")
        self.start_time.setMaximumWidth(80)
        self.start_time.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"^[0-2]?[0-9]?(:[0-5]?[0-9]?)?$"), self)
        )
        when = QHBoxLayout()
        when.addWidget(self.visit_on)
        when.addWidget(QLabel(self.tr("at"), self))
        when.addWidget(self.start_time)
        when.addWidget(self.kind, 1)
        self.day_note = QLabel(self)
        self.day_note.setObjectName("fieldHint")
        self.day_note.setWordWrap(True)
        self.place = QLineEdit(self)
        self.purpose = QLineEdit(self)
        self.companions = QLineEdit(self)
        self.companions.setPlaceholderText(self.tr("Colleagues who came along"))
        self.people_met = QLineEdit(self)
        self.people_met.setPlaceholderText(self.tr("Name and role, e.g. 法定代表人 王建国"))
        self._row(visit, self.tr("When"), "visit_on", when)
        visit.addRow("", self.day_note)
        self._row(visit, self.tr("Time"), "start_time")
        self._row(visit, self.tr("Place"), "place", self.place)
        self._row(visit, self.tr("Purpose"), "purpose", self.purpose)
        self._row(visit, self.tr("Companions"), "companions", self.companions)
        self._row(visit, self.tr("People met"), "people_met", self.people_met)

        # -- what was learned ----------------------------------------------------------------
        learned = self._group(self.tr("What was learned about the business"), left)
        self.operating_state = _text_box(self, 2)
        self.repayment_source = _text_box(self, 2)
        self.growth_prospects = _text_box(self, 2)
        self._row(learned, self.tr("Real operating state"), "operating_state", self.operating_state)
        self._row(
            learned, self.tr("First repayment source"), "repayment_source", self.repayment_source
        )
        self._row(learned, self.tr("Growth prospects"), "growth_prospects", self.growth_prospects)

        # -- financing need -----------------------------------------------------------------
        need = self._group(self.tr("Financing need"), left)
        self.need_amount = QLineEdit(self)
        self.need_amount.setPlaceholderText(self.tr("in 10,000 yuan (万元); empty if none"))
        self.need_purpose = QLineEdit(self)
        self.need_timing = QLineEdit(self)
        self.need_timing.setPlaceholderText(self.tr("e.g. after the Spring Festival"))
        self._row(need, self.tr("Amount (万元)"), "need_amount_fen", self.need_amount)
        self._row(need, self.tr("For"), "need_purpose", self.need_purpose)
        self._row(need, self.tr("When"), "need_timing", self.need_timing)

        # -- next ---------------------------------------------------------------------------
        nxt = self._group(self.tr("Next"), left)
        self.next_steps = _text_box(self, 2)
        self.has_next = QCheckBox(self.tr("Schedule the next visit on"), self)
        self.next_visit_on = QDateEdit(self)
        self.next_visit_on.setCalendarPopup(True)
        self.next_visit_on.setDisplayFormat(fmt.day_edit_format())
        self.next_hint = QLabel(self)
        self.next_hint.setObjectName("fieldHint")
        next_row = QHBoxLayout()
        next_row.addWidget(self.has_next)
        next_row.addWidget(self.next_visit_on)
        next_row.addWidget(self.next_hint, 1)
        self._row(nxt, self.tr("Next steps"), "next_steps", self.next_steps)
        self._row(nxt, self.tr("Next visit"), "next_visit_on", next_row)
        self.amend_reason = QLineEdit(self)
        self.amend_reason.setPlaceholderText(self.tr("What this amendment corrects, and why"))
        self.amend_label = QLabel(self.tr("Amendment"), self)
        self.amend_message = FieldMessage(self)
        nxt.addRow(self.amend_label, self.amend_reason)
        nxt.addRow("", self.amend_message)
        self.messages["amend_reason"] = self.amend_message
        self.widgets["amend_reason"] = self.amend_reason
        left.addStretch(1)

        # -- credit authorisation ---------------------------------------------------------
        auth = self._group(self.tr("Credit-information query (征信查询授权)"), right)
        self.auth_yes = QRadioButton(self.tr("Authorised"), self)
        self.auth_no = QRadioButton(self.tr("Not authorised"), self)
        self.auth_group = QButtonGroup(self)
        self.auth_group.addButton(self.auth_yes)
        self.auth_group.addButton(self.auth_no)
        self.credit_auth_on = QDateEdit(self)
        self.credit_auth_on.setCalendarPopup(True)
        self.credit_auth_on.setDisplayFormat(fmt.day_edit_format())
        auth_row = QHBoxLayout()
        auth_row.addWidget(self.auth_yes)
        auth_row.addWidget(self.credit_auth_on)
        auth_row.addSpacing(12)
        auth_row.addWidget(self.auth_no)
        auth_row.addStretch(1)
        self._row(auth, self.tr("Customer"), "credit_auth", auth_row)
        self.widgets["credit_auth_on"] = self.credit_auth_on

        # -- due diligence ----------------------------------------------------------------
        dd_box = QGroupBox(self.tr("Due diligence checked (贷前、贷时、贷后“三查”)"), self)
        dd_layout = QVBoxLayout(dd_box)
        self.dd_list = QListWidget(dd_box)
        self.dd_list.setUniformItemSizes(True)
        phases = {
            "before": self.tr("Before the loan"),
            "during": self.tr("Granting the loan"),
            "after": self.tr("After the loan"),
        }
        for phase in DUE_DILIGENCE_PHASES:
            heading = QListWidgetItem(phases[phase], self.dd_list)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            heading.setFlags(Qt.ItemFlag.NoItemFlags)
            for item in (i for i in due_diligence if i.phase == phase):
                text = item.text_zh if lang() == "zh_CN" else item.text_en
                row = QListWidgetItem(text, self.dd_list)
                row.setToolTip(text)
                row.setData(Qt.ItemDataRole.UserRole, item.code)
                row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(Qt.CheckState.Unchecked)
        _fit_rows(self.dd_list)
        dd_layout.addWidget(self.dd_list)
        right.addWidget(dd_box)
        self.widgets["due_diligence"] = self.dd_list

        # -- checklist ---------------------------------------------------------------------
        check_box = QGroupBox(self.tr("Financial-literacy checklist covered"), self)
        check_layout = QVBoxLayout(check_box)
        self.checklist = ChecklistEditor(check_box)
        check_layout.addWidget(self.checklist)
        right.addWidget(check_box)
        right.addStretch(1)
        self.widgets["checklist_items"] = self.checklist

        for signal in (
            self.kind.currentIndexChanged,
            self.visit_on.dateChanged,
            self.start_time.textChanged,
            self.place.textChanged,
            self.purpose.textChanged,
            self.companions.textChanged,
            self.people_met.textChanged,
            self.operating_state.textChanged,
            self.repayment_source.textChanged,
            self.growth_prospects.textChanged,
            self.need_amount.textChanged,
            self.need_purpose.textChanged,
            self.need_timing.textChanged,
            self.next_steps.textChanged,
            self.has_next.toggled,
            self.next_visit_on.dateChanged,
            self.amend_reason.textChanged,
            self.auth_yes.toggled,
            self.auth_no.toggled,
            self.credit_auth_on.dateChanged,
            self.dd_list.itemChanged,
            self.checklist.changed,
        ):
            signal.connect(self._changed)
        self.has_next.toggled.connect(self.next_visit_on.setEnabled)
        self.auth_yes.toggled.connect(self.credit_auth_on.setEnabled)

    # -- building ------------------------------------------------------------------------------

    def _group(self, title: str, column: QVBoxLayout) -> QFormLayout:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(4)
        column.addWidget(box)
        return form

    def _row(
        self,
        form: QFormLayout,
        label: str,
        name: str,
        field: QWidget | QHBoxLayout | None = None,
    ) -> None:
        message = FieldMessage(self)
        self.messages[name] = message
        if name == "start_time":  # shares the "When" row; only its message gets a line
            self.widgets[name] = self.start_time
            form.addRow("", message)
            return
        if isinstance(field, QWidget):
            self.widgets[name] = field
            form.addRow(label, field)
        elif field is not None:
            form.addRow(label, field)
            self.widgets.setdefault(name, getattr(self, name, self))
        form.addRow("", message)

    # -- reading and filling -------------------------------------------------------------------

    def set_detail(self, detail: VisitDetail, today: date, read_only: bool) -> None:
        self._loading = True
        d = detail.draft
        self.today = today
        self.amendment = detail.is_amendment
        self.kind.setCurrentIndex(max(KINDS.index(d.kind) if d.kind in KINDS else 0, 0))
        self.visit_on.setDate(qdate(d.visit_on))
        self.start_time.setText(d.start_time)
        self.place.setText(d.place)
        self.purpose.setText(d.purpose)
        self.companions.setText(d.companions)
        self.people_met.setText(d.people_met)
        self.operating_state.setPlainText(d.operating_state)
        self.repayment_source.setPlainText(d.repayment_source)
        self.growth_prospects.setPlainText(d.growth_prospects)
        self.need_amount.setText(fmt.wan_number(d.need_amount_fen) if d.need_amount_fen else "")
        self.need_purpose.setText(d.need_purpose)
        self.need_timing.setText(d.need_timing)
        self.next_steps.setPlainText(d.next_steps)
        suggested = d.next_visit_on or detail.prospect_due or d.visit_on
        self.has_next.setChecked(d.next_visit_on is not None)
        self.next_visit_on.setDate(qdate(suggested))
        self.next_visit_on.setEnabled(d.next_visit_on is not None)
        self.next_hint.setText(
            self.tr("contact due by {day}").format(day=fmt.day(detail.prospect_due))
            if detail.prospect_due
            else ""
        )
        self.auth_group.setExclusive(False)
        self.auth_yes.setChecked(d.credit_auth is True)
        self.auth_no.setChecked(d.credit_auth is False)
        self.auth_group.setExclusive(True)
        self.credit_auth_on.setDate(qdate(d.credit_auth_on or d.visit_on))
        self.credit_auth_on.setEnabled(d.credit_auth is True)
        for row in range(self.dd_list.count()):
            item = self.dd_list.item(row)
            code = item.data(Qt.ItemDataRole.UserRole)
            if code:
                item.setCheckState(
                    Qt.CheckState.Checked if code in d.due_diligence else Qt.CheckState.Unchecked
                )
                flags = Qt.ItemFlag.ItemIsEnabled
                if not read_only:
                    flags |= Qt.ItemFlag.ItemIsUserCheckable
                item.setFlags(flags)
        self.checklist.set_data(
            self.template, detail.covered_before, d.checklist_items, read_only=read_only
        )
        self.amend_reason.setText(d.amend_reason)
        self.amend_label.setVisible(self.amendment)
        self.amend_reason.setVisible(self.amendment)
        for widget in (
            self.place,
            self.purpose,
            self.companions,
            self.people_met,
            self.need_amount,
            self.need_purpose,
            self.need_timing,
            self.start_time,
            self.amend_reason,
        ):
            widget.setReadOnly(read_only)
        for box in (
            self.operating_state,
            self.repayment_source,
            self.growth_prospects,
            self.next_steps,
        ):
            box.setReadOnly(read_only)
        toggles: tuple[QWidget, ...] = (
            self.kind,
            self.visit_on,
            self.has_next,
            self.auth_yes,
            self.auth_no,
        )
        for toggle in toggles:
            toggle.setEnabled(not read_only)
        self.next_visit_on.setEnabled(not read_only and self.has_next.isChecked())
        self.credit_auth_on.setEnabled(not read_only and self.auth_yes.isChecked())
        self._shown_problems = set()
        self._loading = False
        self.validate()

    def draft(self) -> VisitDraft:
        """What the fields say (amounts that do not parse are left out; ``validate`` says so)."""
        amount: int | None
        try:
            text = self.need_amount.text().strip()
            amount = parse_money(text, "wan") if text else None
        except InvalidAmount:
            amount = None
        auth = True if self.auth_yes.isChecked() else False if self.auth_no.isChecked() else None
        return VisitDraft(
            visit_on=pydate(self.visit_on.date()),
            kind=str(self.kind.currentData()),
            start_time=_normal_time(self.start_time.text()),
            place=self.place.text(),
            purpose=self.purpose.text(),
            companions=self.companions.text(),
            people_met=self.people_met.text(),
            operating_state=self.operating_state.toPlainText(),
            repayment_source=self.repayment_source.toPlainText(),
            growth_prospects=self.growth_prospects.toPlainText(),
            need_amount_fen=amount,
            need_purpose=self.need_purpose.text(),
            need_timing=self.need_timing.text(),
            due_diligence=self._dd_codes(),
            checklist_items=self.checklist.ticked(),
            credit_auth=auth,
            credit_auth_on=pydate(self.credit_auth_on.date()) if auth else None,
            next_steps=self.next_steps.toPlainText(),
            next_visit_on=pydate(self.next_visit_on.date()) if self.has_next.isChecked() else None,
            amend_reason=self.amend_reason.text(),
        )

    def _dd_codes(self) -> tuple[str, ...]:
        codes = []
        for row in range(self.dd_list.count()):
            item = self.dd_list.item(row)
            code = item.data(Qt.ItemDataRole.UserRole)
            if code and item.checkState() == Qt.CheckState.Checked:
                codes.append(str(code))
        return tuple(sorted(codes))

    # -- validation ----------------------------------------------------------------------------

    def validate(self, *, for_finalize: bool = False) -> list[FieldError]:
        """Show what is wrong now: always the draft's errors; the finalize ones once asked."""
        errors: list[FieldError] = []
        amount_text = self.need_amount.text().strip()
        if amount_text:
            try:
                parse_money(amount_text, "wan")
            except InvalidAmount as exc:
                errors.append(FieldError("need_amount_fen", exc.code, exc.template, **exc.params))
        draft = self.draft()
        try:
            check_draft(draft)
        except InvalidVisit as exc:
            errors.extend(exc.errors)
        if for_finalize:
            self._shown_problems = {"*"}
        if self._shown_problems:
            errors.extend(finalize_problems(draft, self.today, amendment=self.amendment))
        by_field: dict[str, str] = {}
        for error in errors:
            by_field.setdefault(error.field, describe(error))
        for name, message in self.messages.items():
            text = by_field.get(name, "")
            if name == "credit_auth" and not text:
                text = by_field.get("credit_auth_on", "")
            message.show_message(text)
            widget = self.widgets.get(name)
            if widget is not None and widget is not self:
                set_invalid(widget, bool(by_field.get(name)))
        set_invalid(self.credit_auth_on, "credit_auth_on" in by_field)
        info = self.reference.calendar.info(pydate(self.visit_on.date()))
        self.day_note.setText(labels.day_note(info))
        self.day_note.setVisible(bool(self.day_note.text()))
        return errors

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        self.validate()
        self.edited.emit()


def _normal_time(text: str) -> str:
    """'9:5' -> '09:05'; anything else is left for the check to refuse."""
    value = text.strip()
    if not value:
        return ""
    if ":" in value:
        hours, _, minutes = value.partition(":")
        if hours.isdigit() and minutes.isdigit() and len(hours) <= 2 and len(minutes) <= 2:
            return f"{int(hours):02d}:{int(minutes):02d}"
    elif value.isdigit() and len(value) <= 2:
        return f"{int(value):02d}:00"
    return value
