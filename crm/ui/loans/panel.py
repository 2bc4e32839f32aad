"""The loans section of a prospect page: the prospect's loans, and recording, correcting,
repaying, renewing or marking one overdue.

For the prospect page: put a ``LoansPanel(ui, parent)`` in the detail view, call
``panel.load(prospect_id)`` when a prospect is shown. After a change the panel emits
``changed`` (the prospect's loans changed). When the first loan of a no-loan prospect is
saved it asks whether to move the prospect to first-loan customer; yes emits
``firstLoanMove``, which the page answers with its usual stage change (whose gate now
passes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.money import format_rate
from crm.domain.stages import Stage
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext
from crm.ui.common.widgets import EmptyState
from crm.ui.loans import service
from crm.ui.loans.dialog import (
    ClassifyDialog,
    LoanValues,
    OutcomeDialog,
    ProductChoice,
    RecordLoanDialog,
    RepayDialog,
    class_label,
)

if TYPE_CHECKING:
    from crm.services.loans import LoanRecord

translate = QCoreApplication.translate
Dialog = RecordLoanDialog | RepayDialog | OutcomeDialog | ClassifyDialog

LOAN_ROLE = Qt.ItemDataRole.UserRole + 1
OUTSTANDING = ("active", "overdue")

STATUS_COLOURS = {
    "active": "#1d2633",
    "overdue": labels.ERROR_COLOUR,
    "repaid": "#5f6b7a",
    "renewed": "#5f6b7a",
    "not_renewed": "#5f6b7a",
}


def status_label(code: str) -> str:
    return {
        "active": translate("LoansPanel", "in repayment"),
        "repaid": translate("LoansPanel", "repaid"),
        "overdue": translate("LoansPanel", "overdue"),
        "renewed": translate("LoansPanel", "renewed"),
        "not_renewed": translate("LoansPanel", "not renewed"),
    }.get(code, code)


class LoansPanel(QFrame):
    # The prospect's loans changed (its id).
    changed = Signal(str)
    # The user agreed to move the prospect to first-loan customer (its id).
    firstLoanMove = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.ui = ui
        self.prospect_id: str | None = None
        self.loans: list[LoanRecord] = []
        self.products: list[ProductChoice] = []
        self.dialog: Dialog | None = None
        self._generation = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        top = QHBoxLayout()
        title = QLabel(self.tr("Loans"), self)
        title.setObjectName("panelTitle")
        top.addWidget(title)
        top.addStretch(1)
        self.record_button = QPushButton(self.tr("Record loan…"), self)
        self.record_button.setObjectName("recordLoan")
        self.record_button.setToolTip(self.tr("Record a loan this customer has been granted"))
        self.record_button.clicked.connect(self.open_record)
        top.addWidget(self.record_button)
        layout.addLayout(top)
        self.empty = EmptyState(
            self.tr("No loans recorded"),
            self.tr(
                "Record each loan this customer is granted: the first one makes a no-loan "
                "prospect a first-loan customer, and maturities and renewals then show on "
                "Today and in the calendar."
            ),
            self.tr("Record loan…"),
            self,
        )
        self.empty.actionClicked.connect(self.open_record)
        layout.addWidget(self.empty)
        self.list = QListWidget(self)
        self.list.setObjectName("loanList")
        self.list.setWordWrap(True)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.list.itemDoubleClicked.connect(lambda _item: self.open_edit())
        layout.addWidget(self.list)

        actions = QHBoxLayout()
        self.edit_button = QPushButton(self.tr("Correct…"), self)
        self.edit_button.setToolTip(
            self.tr("Correct the loan's terms (until it has been sent to head office)")
        )
        self.repay_button = QPushButton(self.tr("Repay…"), self)
        self.repay_button.setToolTip(self.tr("Record a repayment, in part or in full"))
        self.renew_button = QPushButton(self.tr("Renew…"), self)
        self.renew_button.setToolTip(self.tr("Renew (续贷): a new loan that replaces this one"))
        # Less frequent: past due, and how it ended at maturity without a renewal.
        self.more_button = QToolButton(self)
        self.more_button.setText(self.tr("More"))
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self.more_button)
        self.overdue_action = menu.addAction(self.tr("Mark overdue…"))
        self.overdue_action.setToolTip(self.tr("Mark the loan as past due"))
        self.outcome_action = menu.addAction(self.tr("Record outcome…"))
        self.outcome_action.setToolTip(
            self.tr("Repaid at maturity, or not renewed and why (a renewal: Renew…)")
        )
        self.classify_action = menu.addAction(self.tr("Classify…"))
        self.classify_action.setToolTip(
            self.tr("The loan's five-category classification (正常, 关注, 次级, 可疑, 损失)")
        )
        self.more_button.setMenu(menu)
        self.edit_button.clicked.connect(self.open_edit)
        self.repay_button.clicked.connect(self.open_repay)
        self.renew_button.clicked.connect(self.open_renew)
        self.overdue_action.triggered.connect(lambda _c=False: self.mark_overdue())
        self.outcome_action.triggered.connect(lambda _c=False: self.open_outcome())
        self.classify_action.triggered.connect(lambda _c=False: self.open_classify())
        for button in (self.edit_button, self.repay_button, self.renew_button):
            actions.addWidget(button)
        actions.addWidget(self.more_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.setEnabled(False)
        self._update_buttons()
        # A sync download, another window or F5 (every prospect: an empty list).
        ui.events.prospectsChanged.connect(self._prospects_changed)

    def _prospects_changed(self, ids: list[str]) -> None:
        if self.prospect_id is not None and (not ids or self.prospect_id in ids):
            self.load(self.prospect_id)

    # -- loading ---------------------------------------------------------------------------

    def load(self, prospect_id: str) -> None:
        if prospect_id != self.prospect_id:  # another prospect: nothing of the last one
            self.loans = []
            self.list.clear()
            self.setEnabled(False)
        self.prospect_id = prospect_id
        self._generation += 1
        generation = self._generation
        ui = self.ui
        self.ui.tasks.read(
            self,
            lambda: (service.loans_of(ui, prospect_id), service.credit_products(ui)),
            lambda result: self._loaded(generation, *result),
        )

    def _loaded(
        self, generation: int, loans: Sequence[LoanRecord], products: Sequence[ProductChoice]
    ) -> None:
        if generation != self._generation:
            return
        selected = self.selected()
        self.loans = list(loans)
        self.products = list(products)
        self.setEnabled(True)
        self.list.clear()
        names = {p.code: p.name for p in self.products}
        # Newest first: the loan the RM acts on is usually the latest.
        for loan in reversed(self.loans):
            item = QListWidgetItem(self._text(loan, names), self.list)
            item.setData(LOAN_ROLE, loan)
            colour = STATUS_COLOURS.get(loan.status, "#1d2633")
            if loan.non_performing and loan.status in OUTSTANDING:
                colour = labels.ERROR_COLOUR
            item.setForeground(QColor(colour))
            if selected is not None and loan.id == selected.id:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(not self.loans)
        self.list.setVisible(bool(self.loans))
        self._fit_list()
        self._update_buttons()

    def _text(self, loan: LoanRecord, names: dict[str, str]) -> str:
        product = names.get(loan.product_code) or loan.product_code or self.tr("Loan")
        first = f"{product} · {status_label(loan.status)} · {class_label(loan.classification)}"
        if loan.non_performing:
            first = self.tr("{line} (non-performing)").format(line=first)
        if loan.renewed_from_id:
            first += " · " + self.tr("a renewal")
        if loan.closed_on is not None:
            first += " · " + self.tr("closed {day}").format(day=fmt.day(loan.closed_on))
        money = self.tr("Amount {amount} · balance {balance} · {rate}").format(
            amount=fmt.money(loan.amount_fen),
            balance=fmt.money(loan.balance_fen),
            rate=format_rate(loan.rate_bp),
        )
        dates = self.tr("{start} to {maturity}").format(
            start=fmt.day(loan.start_date), maturity=fmt.day(loan.maturity_date)
        )
        if loan.credit_line_fen is not None:
            dates += " · " + self.tr("line {line}").format(line=fmt.money(loan.credit_line_fen))
        lines = [first, money, dates]
        if loan.classified_on is not None:
            lines.append(
                self.tr("Classified {grade} from {day}").format(
                    grade=class_label(loan.classification), day=fmt.day(loan.classified_on)
                )
            )
        if loan.outcome_reason:
            lines.append(self.tr("Why: {reason}").format(reason=loan.outcome_reason))
        return "\n".join(lines)

    def _fit_list(self) -> None:
        """Tall enough for every loan: the page scrolls, not the list."""
        self.list.doItemsLayout()
        height = sum(self.list.sizeHintForRow(r) for r in range(self.list.count()))
        self.list.setFixedHeight(height + 2 * self.list.frameWidth() + 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.loans:
            self._fit_list()  # wrapped lines take more or less room at the new width

    def selected(self) -> LoanRecord | None:
        item = self.list.currentItem()
        loan: LoanRecord | None = item.data(LOAN_ROLE) if item is not None else None
        return loan

    def _update_buttons(self) -> None:
        loan = self.selected()
        open_loan = loan is not None and loan.status in OUTSTANDING
        self.edit_button.setEnabled(loan is not None and loan.editable)
        self.repay_button.setEnabled(open_loan)
        self.renew_button.setEnabled(loan is not None and loan.status == "active")
        self.overdue_action.setEnabled(loan is not None and loan.status == "active")
        self.outcome_action.setEnabled(open_loan)
        self.classify_action.setEnabled(open_loan)
        self.more_button.setEnabled(open_loan)
        for button in (self.edit_button, self.repay_button, self.renew_button, self.more_button):
            button.setVisible(bool(self.loans))

    # -- dialogs ---------------------------------------------------------------------------

    def _open(self, dialog: Dialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: Dialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _run(
        self,
        dialog: Dialog,
        work: Callable[[], LoanRecord],
        then: Callable[[LoanRecord], None] | None = None,
    ) -> None:
        prospect_id = self.prospect_id

        def done(loan: LoanRecord) -> None:
            if self.dialog is dialog:
                dialog.accept()
            if prospect_id is not None:
                self.changed.emit(prospect_id)
                if prospect_id == self.prospect_id:
                    self.load(prospect_id)
            if then is not None:
                then(loan)

        self.ui.tasks.write(self, work, done, dialog.show_refusal)

    def open_record(self) -> None:
        prospect_id = self.prospect_id
        if prospect_id is None:
            return
        dialog = RecordLoanDialog(self.products, self.ui.today(), self)
        first = not self.loans
        ui = self.ui

        def save(values: LoanValues) -> None:
            self._run(
                dialog,
                lambda: service.record(ui, prospect_id, values),
                lambda loan: self._after_first(loan) if first else None,
            )

        dialog.submitted.connect(save)
        self._open(dialog)

    def open_edit(self) -> None:
        loan = self.selected()
        if loan is None or not loan.editable:
            return
        dialog = RecordLoanDialog(
            self.products,
            self.ui.today(),
            self,
            title=self.tr("Correct loan"),
            values=service.values_of(loan),
        )
        ui = self.ui
        dialog.submitted.connect(
            lambda values: self._run(dialog, lambda: service.edit(ui, loan.id, values))
        )
        self._open(dialog)

    def open_renew(self) -> None:
        loan = self.selected()
        if loan is None or loan.status != "active":
            return
        start = loan.maturity_date
        renewal = LoanValues(
            product_code=loan.product_code,
            amount_fen=loan.balance_fen,
            credit_line_fen=loan.credit_line_fen
            if loan.credit_line_fen is None or loan.credit_line_fen >= loan.balance_fen
            else None,
            start_date=start,
            maturity_date=start + (loan.maturity_date - loan.start_date or timedelta(days=365)),
            rate_bp=loan.rate_bp,
            repayment_mode=loan.repayment_mode,
        )
        dialog = RecordLoanDialog(
            self.products,
            self.ui.today(),
            self,
            title=self.tr("Renew loan (续贷)"),
            values=renewal,
        )
        dialog.save_button.setText(self.tr("Renew"))
        ui = self.ui
        dialog.submitted.connect(
            lambda values: self._run(dialog, lambda: service.renew(ui, loan.id, values))
        )
        self._open(dialog)
        # Never renew to hide credit risk: the product's conditions on today's facts.
        loan_id = loan.id
        self.ui.tasks.read(dialog, lambda: service.prechecks(ui, loan_id), dialog.set_prechecks)

    def open_repay(self) -> None:
        loan = self.selected()
        if loan is None or loan.status not in OUTSTANDING:
            return
        dialog = RepayDialog(loan.balance_fen, loan.start_date, self.ui.today(), self)
        ui = self.ui
        dialog.submitted.connect(
            lambda fen, day: self._run(dialog, lambda: service.repay(ui, loan.id, fen, day))
        )
        self._open(dialog)

    def open_outcome(self) -> None:
        loan = self.selected()
        if loan is None or loan.status not in OUTSTANDING:
            return
        dialog = OutcomeDialog(loan.start_date, self.ui.today(), self)
        ui = self.ui
        dialog.submitted.connect(
            lambda outcome, reason, day: self._run(
                dialog, lambda: service.record_outcome(ui, loan.id, outcome, reason, day)
            )
        )
        self._open(dialog)

    def open_classify(self) -> None:
        loan = self.selected()
        if loan is None or loan.status not in OUTSTANDING:
            return
        first = loan.start_date
        if loan.classified_on is not None and loan.classified_on > first:
            first = loan.classified_on
        dialog = ClassifyDialog(loan.classification, first, self.ui.today(), self)
        ui = self.ui
        dialog.submitted.connect(
            lambda grade, day: self._run(dialog, lambda: service.classify(ui, loan.id, grade, day))
        )
        self._open(dialog)

    def mark_overdue(self) -> None:
        loan = self.selected()
        if loan is None or loan.status != "active":
            return
        answer = QMessageBox.question(
            self,
            self.tr("Mark overdue"),
            self.tr("Mark this loan as past due? Head office is told with the next sync."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        prospect_id = self.prospect_id
        ui = self.ui

        def done(_loan: LoanRecord) -> None:
            if prospect_id is not None:
                self.changed.emit(prospect_id)
                self.load(prospect_id)

        self.ui.tasks.write(self, lambda: service.mark_overdue(ui, loan.id), done)

    # -- the first loan --------------------------------------------------------------------

    def _after_first(self, loan: LoanRecord) -> None:
        if loan.prospect_stage == Stage.NO_LOAN.value and self.ask_first_loan_move():
            self.firstLoanMove.emit(loan.prospect_id)

    def ask_first_loan_move(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("First loan recorded"),
            self.tr("This is the customer's first loan. Move the prospect to {stage} now?").format(
                stage=labels.stage(Stage.FIRST_LOAN.value)
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes
