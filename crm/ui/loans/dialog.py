"""The "Record loan" dialog: product, amount, credit line, dates, rate and repayment mode.

Every field is checked as the user types and says what is wrong under itself; Save is
enabled only when everything is right. Amounts are typed in 万元 or yuan (a unit typed
with the number, "12.5万" or "300000元", wins over the unit chosen beside the field) and
parsed by ``crm.domain.money``, never through float. The dialog only collects: the caller
records the loan and calls ``show_refusal`` when the service refuses it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.domain.loan_classes import CLASSES, NON_PERFORMING
from crm.domain.money import format_rate, parse_money, parse_rate
from crm.ui.common import fmt
from crm.ui.common.errors import said
from crm.ui.common.widgets import FieldMessage, set_invalid

translate = QCoreApplication.translate


@dataclass(frozen=True)
class ProductChoice:
    """A credit product the loan can be of, as the catalogue names it."""

    code: str
    name: str
    # (code, words) of the repayment options the catalogue offers for it.
    repayment_modes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LoanValues:
    """What the dialog collected, checked: money in fen, the rate in basis points."""

    product_code: str
    amount_fen: int
    credit_line_fen: int | None
    start_date: date
    maturity_date: date
    rate_bp: int
    repayment_mode: str


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _error_box(dialog: QDialog, layout: QVBoxLayout) -> tuple[QFrame, QLabel]:
    """The box a dialog shows a refusal in (hidden until there is one)."""
    frame = QFrame(dialog)
    frame.setObjectName("errorBox")
    inner = QVBoxLayout(frame)
    text = QLabel(frame)
    text.setWordWrap(True)
    inner.addWidget(text)
    frame.hide()
    layout.addWidget(frame)
    return frame, text


def _day_field(dialog: QDialog, start: date, today: date) -> QDateEdit:
    """A day between the loan's start and today, today to begin with."""
    field = QDateEdit(dialog)
    field.setCalendarPopup(True)
    field.setDisplayFormat(fmt.day_edit_format())
    field.setDateRange(_qdate(min(start, today)), _qdate(today))
    field.setDate(_qdate(today))
    return field


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class _AmountField(QWidget):
    """A line edit for an amount and the unit a bare number is in (万元 or yuan)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.unit = QComboBox(self)
        self.unit.addItem(self.tr("10,000 yuan (万元)"), "wan")
        self.unit.addItem(self.tr("yuan"), "yuan")
        row.addWidget(self.edit, 1)
        row.addWidget(self.unit)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.unit.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def text(self) -> str:
        return self.edit.text().strip()

    def fen(self) -> int:
        """The amount in fen; raises the domain's InvalidAmount."""
        return parse_money(self.edit.text(), default_unit=self.unit.currentData())

    def set_fen(self, fen: int | None) -> None:
        self.unit.setCurrentIndex(0)
        self.edit.setText("" if fen is None else fmt.wan_number(fen))


class RecordLoanDialog(QDialog):
    """Collects a loan; ``submitted`` carries the checked ``LoanValues``."""

    submitted = Signal(object)

    def __init__(
        self,
        products: Sequence[ProductChoice],
        today: date,
        parent: QWidget | None = None,
        *,
        title: str = "",
        values: LoanValues | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordLoanDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setWindowTitle(title or self.tr("Record loan"))
        self.setMinimumWidth(520)
        self.products = list(products)
        self._touched: set[str] = set()

        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        layout.addLayout(form)
        self.messages: dict[str, FieldMessage] = {}
        self.fields: dict[str, QWidget] = {}

        self.product = QComboBox(self)
        self.product.setObjectName("product")
        self.product.addItem(self.tr("Choose a product…"), "")
        for choice in self.products:
            self.product.addItem(choice.name, choice.code)
        self.amount = _AmountField(self)
        self.amount.edit.setObjectName("amount")
        self.amount.edit.setPlaceholderText(self.tr("e.g. 50 or 12.5万"))
        self.credit_line = _AmountField(self)
        self.credit_line.edit.setObjectName("creditLine")
        self.credit_line.edit.setPlaceholderText(self.tr("optional: the line granted"))
        self.start = QDateEdit(self)
        self.maturity = QDateEdit(self)
        for edit in (self.start, self.maturity):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(fmt.day_edit_format())
            edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
        self.start.setObjectName("start")
        self.maturity.setObjectName("maturity")
        self.start.setDate(_qdate(today))
        self.maturity.setDate(_qdate(today + timedelta(days=365)))
        self.rate = QLineEdit(self)
        self.rate.setObjectName("rate")
        self.rate.setPlaceholderText(self.tr("e.g. 3.85"))
        self.repayment = QComboBox(self)
        self.repayment.setObjectName("repayment")
        for combo in (self.product, self.repayment):
            # The width of the field column, whatever the options' words (filled later).
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.setMinimumContentsLength(12)

        rows: list[tuple[str, str, QWidget]] = [
            ("product", self.tr("Product:"), self.product),
            ("amount", self.tr("Amount:"), self.amount),
            ("credit_line", self.tr("Credit line:"), self.credit_line),
            ("start", self.tr("Start date:"), self.start),
            ("maturity", self.tr("Maturity date:"), self.maturity),
            ("rate", self.tr("Rate (% a year):"), self.rate),
            ("repayment", self.tr("Repayment:"), self.repayment),
        ]
        for key, caption, widget in rows:
            box = QVBoxLayout()
            box.setSpacing(2)
            if isinstance(widget, QDateEdit):
                box.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)  # a date's own width
            else:
                box.addWidget(widget)
            message = FieldMessage(self)
            # The whole width of the field column, so a message wraps there, not under a date.
            message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            box.addWidget(message)
            self.messages[key] = message
            self.fields[key] = widget
            form.addRow(caption, box)

        self.error_box, self.error_text = _error_box(self, layout)

        # A renewal's pre-check: the chosen product's pre-assessment on today's facts.
        self.precheck = QLabel(self)
        self.precheck.setObjectName("precheck")
        self.precheck.setWordWrap(True)
        self.precheck.setTextFormat(Qt.TextFormat.RichText)
        self.precheck.setStyleSheet(
            "QLabel#precheck { background: #f7f9fc; border: 1px solid #d5dae1;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.precheck.hide()
        layout.addWidget(self.precheck)
        self._prechecks: dict[str, str] | None = None

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            self.tr("Save loan"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        if values is not None:
            self.set_values(values)
        self._fill_repayment()
        self.product.currentIndexChanged.connect(lambda _i: self._edited("product"))
        self.product.currentIndexChanged.connect(lambda _i: self._fill_repayment())
        self.product.currentIndexChanged.connect(lambda _i: self._show_precheck())
        self.amount.changed.connect(lambda: self._edited("amount"))
        self.credit_line.changed.connect(lambda: self._edited("credit_line"))
        self.start.dateChanged.connect(lambda _d: self._edited("start"))
        self.maturity.dateChanged.connect(lambda _d: self._edited("maturity"))
        self.rate.textChanged.connect(lambda _t: self._edited("rate"))
        self.repayment.currentIndexChanged.connect(lambda _i: self._edited("repayment"))
        self._check()

    # -- values ----------------------------------------------------------------------------

    def set_values(self, values: LoanValues) -> None:
        at = self.product.findData(values.product_code)
        if at < 0 and values.product_code:
            self.product.addItem(values.product_code, values.product_code)
            at = self.product.count() - 1
        self.product.setCurrentIndex(max(at, 0))
        self.amount.set_fen(values.amount_fen)
        self.credit_line.set_fen(values.credit_line_fen)
        self.start.setDate(_qdate(values.start_date))
        self.maturity.setDate(_qdate(values.maturity_date))
        self.rate.setText(format_rate(values.rate_bp).rstrip("%"))
        self._fill_repayment()
        at = self.repayment.findData(values.repayment_mode)
        if at >= 0:
            self.repayment.setCurrentIndex(at)
        self._touched.update(self.fields)

    def set_prechecks(self, prechecks: dict[str, str]) -> None:
        """Each product's pre-assessment on the customer's current facts, as rich text by
        product code; the one of the chosen product shows above the buttons."""
        self._prechecks = prechecks
        self._show_precheck()

    def _show_precheck(self) -> None:
        if self._prechecks is None:
            return
        text = self._prechecks.get(str(self.product.currentData() or ""), "")
        self.precheck.setText(text)
        self.precheck.setVisible(bool(text))
        self._fit()

    def _chosen(self) -> ProductChoice | None:
        code = self.product.currentData()
        return next((p for p in self.products if p.code == code), None)

    def _fill_repayment(self) -> None:
        current = self.repayment.currentData()
        chosen = self._chosen()
        modes = (chosen.repayment_modes if chosen else ()) or (("", "—"),)
        self.repayment.blockSignals(True)
        self.repayment.clear()
        for code, words in modes:
            self.repayment.addItem(words, code)
        at = self.repayment.findData(current)
        self.repayment.setCurrentIndex(max(at, 0))
        self.repayment.blockSignals(False)

    # -- checking --------------------------------------------------------------------------

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self.error_box.hide()
        self._check()

    def errors(self) -> dict[str, str]:
        """What is wrong, by field (every field, touched or not)."""
        found: dict[str, str] = {}
        if not self.product.currentData():
            found["product"] = self.tr("Choose the loan's product")
        amount: int | None = None
        if not self.amount.text():
            found["amount"] = self.tr("Enter the amount lent")
        else:
            amount = _checked(found, "amount", self.amount.fen)
            if amount is not None and amount <= 0:
                found["amount"] = self.tr("The amount must be more than zero")
        if self.credit_line.text():
            line = _checked(found, "credit_line", self.credit_line.fen)
            if line is not None and amount is not None and 0 < line < amount:
                found["credit_line"] = self.tr(
                    "The credit line ({line}) is less than the amount ({amount})"
                ).format(line=fmt.money(line), amount=fmt.money(amount))
        start, maturity = _pydate(self.start.date()), _pydate(self.maturity.date())
        if maturity <= start:
            found["maturity"] = self.tr(
                "The maturity must be after the start date ({start})"
            ).format(start=fmt.day(start))
        if not self.rate.text().strip():
            found["rate"] = self.tr("Enter the interest rate, e.g. 3.85")
        else:
            bp = _checked(found, "rate", lambda: parse_rate(self.rate.text()))
            if bp is not None and bp <= 0:
                found["rate"] = self.tr("The rate must be more than zero")
        return found

    def _check(self, *, everything: bool = False) -> dict[str, str]:
        found = self.errors()
        before = [m.text() if m.isVisibleTo(self) else "" for m in self.messages.values()]
        for key, message in self.messages.items():
            shown = found.get(key, "") if everything or key in self._touched else ""
            message.show_message(shown)
            widget = self.fields[key]
            target = widget.edit if isinstance(widget, _AmountField) else widget
            set_invalid(target, bool(shown))
        self.save_button.setEnabled(not found)
        after = [m.text() if m.isVisibleTo(self) else "" for m in self.messages.values()]
        if after != before:
            self._fit()
        return found

    def _fit(self) -> None:
        """Grow (or shrink) to the messages shown: none is cut off."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        height = layout.totalHeightForWidth(self.width())
        if height < 0:
            height = self.sizeHint().height()
        self.resize(self.width(), max(height, self.minimumSizeHint().height()))

    def is_valid(self) -> bool:
        return not self.errors()

    def values(self) -> LoanValues:
        """The checked values (call when ``is_valid``)."""
        return LoanValues(
            product_code=str(self.product.currentData()),
            amount_fen=self.amount.fen(),
            credit_line_fen=self.credit_line.fen() if self.credit_line.text() else None,
            start_date=_pydate(self.start.date()),
            maturity_date=_pydate(self.maturity.date()),
            rate_bp=parse_rate(self.rate.text()),
            repayment_mode=str(self.repayment.currentData() or ""),
        )

    # -- submitting ------------------------------------------------------------------------

    def submit(self) -> None:
        found = self._check(everything=True)
        if found:
            first = next(k for k in self.fields if k in found)
            widget = self.fields[first]
            (widget.edit if isinstance(widget, _AmountField) else widget).setFocus()
            return
        self.set_busy(True)
        self.submitted.emit(self.values())

    def set_busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy and self.is_valid())
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def show_refusal(self, error: BaseException) -> None:
        """The service refused the loan: say why; the dialog stays open to fix it."""
        self.set_busy(False)
        if isinstance(error, DomainError):
            self.error_text.setText(said(error))
            self.error_box.show()
            self._fit()


def _checked(found: dict[str, str], key: str, parse: Callable[[], int]) -> int | None:
    try:
        return parse()
    except DomainError as error:
        found[key] = said(error)
        return None


class RepayDialog(QDialog):
    """A repayment of a loan, in part or in full; ``submitted`` carries (fen, day)."""

    submitted = Signal(int, object)

    def __init__(
        self,
        balance_fen: int,
        start: date,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("repayDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setWindowTitle(self.tr("Record a repayment"))
        self.setMinimumWidth(440)
        self.balance_fen = balance_fen
        layout = QVBoxLayout(self)
        owed = QLabel(
            self.tr("Still owed: {balance}. Repaying all of it closes the loan.").format(
                balance=fmt.money(balance_fen)
            ),
            self,
        )
        owed.setWordWrap(True)
        layout.addWidget(owed)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(form)
        self.amount = _AmountField(self)
        self.amount.edit.setObjectName("repayAmount")
        self.amount.set_fen(balance_fen)
        self.amount_message = FieldMessage(self)
        self.amount_message.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(self.amount)
        box.addWidget(self.amount_message)
        form.addRow(self.tr("Amount repaid:"), box)
        self.day = _day_field(self, start, today)
        form.addRow(self.tr("Repaid on:"), self.day)
        self.error_box, self.error_text = _error_box(self, layout)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            self.tr("Save repayment"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.amount.changed.connect(self._check)
        self._check()

    def error(self) -> str:
        if not self.amount.text():
            return self.tr("Enter the amount repaid")
        found: dict[str, str] = {}
        fen = _checked(found, "amount", self.amount.fen)
        if fen is None:
            return found["amount"]
        if fen <= 0:
            return self.tr("The amount must be more than zero")
        if fen > self.balance_fen:
            return self.tr("More than the {balance} still owed").format(
                balance=fmt.money(self.balance_fen)
            )
        return ""

    def _check(self) -> str:
        problem = self.error()
        self.amount_message.show_message(problem)
        set_invalid(self.amount.edit, bool(problem))
        self.save_button.setEnabled(not problem)
        self.error_box.hide()
        return problem

    def submit(self) -> None:
        if self._check():
            return
        self.save_button.setEnabled(False)
        self.submitted.emit(self.amount.fen(), _pydate(self.day.date()))

    def show_refusal(self, error: BaseException) -> None:
        self.save_button.setEnabled(not self.error())
        if isinstance(error, DomainError):
            self.error_text.setText(said(error))
            self.error_box.show()


class OutcomeDialog(QDialog):
    """How a loan ended at maturity without a renewal: repaid, or not renewed and why.
    ``submitted`` carries (outcome code, reason, day)."""

    submitted = Signal(str, str, object)

    def __init__(self, start: date, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setWindowTitle(self.tr("Record how the loan ended"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(form)
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("outcome")
        self.outcome.addItem(self.tr("Repaid at maturity"), "repaid")
        self.outcome.addItem(self.tr("Not renewed"), "not_renewed")
        form.addRow(self.tr("Outcome:"), self.outcome)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("outcomeReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.reason.setPlaceholderText(
            self.tr("Why it was not renewed: head office reads this with the outcome")
        )
        self.reason_message = FieldMessage(self)
        self.reason_message.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(self.reason)
        box.addWidget(self.reason_message)
        self.reason_label = QLabel(self.tr("Reason:"), self)
        form.addRow(self.reason_label, box)
        self.day = _day_field(self, start, today)
        form.addRow(self.tr("On:"), self.day)
        self.error_box, self.error_text = _error_box(self, layout)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            self.tr("Save outcome"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.outcome.currentIndexChanged.connect(lambda _i: self._update())
        self.reason.textChanged.connect(self._update)
        self._update()

    def _needs_reason(self) -> bool:
        return bool(self.outcome.currentData() == "not_renewed")

    def _update(self) -> None:
        needed = self._needs_reason()
        self.reason.setVisible(needed)
        self.reason_label.setVisible(needed)
        if not needed or self.reason.toPlainText().strip():
            self.reason_message.show_message("")
            set_invalid(self.reason, False)
        self.error_box.hide()
        self.adjustSize()

    def submit(self) -> None:
        reason = self.reason.toPlainText().strip() if self._needs_reason() else ""
        if self._needs_reason() and not reason:
            self.reason_message.show_message(self.tr("Say why the loan was not renewed"))
            set_invalid(self.reason, True)
            self.reason.setFocus()
            self.adjustSize()
            return
        self.save_button.setEnabled(False)
        self.submitted.emit(str(self.outcome.currentData()), reason, _pydate(self.day.date()))

    def show_refusal(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, DomainError):
            self.error_text.setText(said(error))
            self.error_box.show()
            self.adjustSize()


def class_label(code: str) -> str:
    """A five-category grade (贷款五级分类) in the user's language."""
    return {
        "normal": translate("LoanClass", "Normal"),
        "special_mention": translate("LoanClass", "Special mention"),
        "substandard": translate("LoanClass", "Substandard"),
        "doubtful": translate("LoanClass", "Doubtful"),
        "loss": translate("LoanClass", "Loss"),
    }.get(code, code)


class ClassifyDialog(QDialog):
    """The loan's five-category grade from a day: the grades in order of risk, the last
    three marked non-performing. ``submitted`` carries (grade code, day)."""

    submitted = Signal(str, object)

    def __init__(
        self, current: str, first_day: date, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("classifyDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setWindowTitle(self.tr("Loan classification"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "The five-category classification (五级分类) of the loan. Substandard, "
                "doubtful and loss are non-performing and count in the non-performing ratio."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(form)
        self.current = current
        self.grade = QComboBox(self)
        self.grade.setObjectName("grade")
        for code in CLASSES:
            name = class_label(code)
            if code in NON_PERFORMING:
                name = self.tr("{grade} (non-performing)").format(grade=name)
            self.grade.addItem(name, code)
        # The next grade worse (loss: the one better), the usual change.
        at = CLASSES.index(current)
        self.grade.setCurrentIndex(at + 1 if at + 1 < len(CLASSES) else at - 1)
        form.addRow(self.tr("Now:"), QLabel(class_label(current), self))
        form.addRow(self.tr("Classify as:"), self.grade)
        self.day = _day_field(self, first_day, today)
        form.addRow(self.tr("From:"), self.day)
        self.message = FieldMessage(self)
        layout.addWidget(self.message)
        self.error_box, self.error_text = _error_box(self, layout)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            self.tr("Save classification"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.grade.currentIndexChanged.connect(lambda _i: self._update())
        self._update()

    def _update(self) -> None:
        same = self.grade.currentData() == self.current
        self.message.show_message(self.tr("The loan already has this grade") if same else "")
        self.save_button.setEnabled(not same)
        self.error_box.hide()
        self.adjustSize()

    def submit(self) -> None:
        if self.grade.currentData() == self.current:
            return
        self.save_button.setEnabled(False)
        self.submitted.emit(str(self.grade.currentData()), _pydate(self.day.date()))

    def show_refusal(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, DomainError):
            self.error_text.setText(said(error))
            self.error_box.show()
            self.adjustSize()
