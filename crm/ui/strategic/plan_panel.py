"""A strategic client's service plan (配套金融服务方案) on the prospect page: what the bank
provides, who owns it, when it is next reviewed, its status; creating or changing it, and
marking a review held.

For the prospect page: put a ``ServicePlanPanel(ui, parent)`` where it fits (a tab), call
``panel.set_prospect(prospect_id)`` when a prospect is shown. After a change the panel
emits ``changed`` (the prospect's id): the strategic gate depends on the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

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
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.domain.service_plans import SERVICE_AREAS, PlanDraft, PlanStatus, next_review
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext
from crm.ui.common.errors import said

if TYPE_CHECKING:
    from crm.services.records import UserInfo
    from crm.services.service_plans import PlanRecord

translate = QCoreApplication.translate

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


def status_label(code: str) -> str:
    names: dict[str, str] = {
        PlanStatus.DRAFT.value: translate("ServicePlan", "draft"),
        PlanStatus.ACTIVE.value: translate("ServicePlan", "active"),
        PlanStatus.UNDER_REVIEW.value: translate("ServicePlan", "under review"),
        PlanStatus.CLOSED.value: translate("ServicePlan", "closed"),
    }
    return names.get(code, code)


def area_label(code: str) -> str:
    return {
        "settlement": translate("ServicePlan", "Payment and settlement"),
        "credit": translate("ServicePlan", "Credit"),
        "wealth_management": translate("ServicePlan", "Wealth management"),
        "supply_chain_finance": translate("ServicePlan", "Supply-chain finance"),
        "payroll": translate("ServicePlan", "Payroll agency"),
        "cash_management": translate("ServicePlan", "Cash management"),
        "trade_finance": translate("ServicePlan", "Trade finance"),
        "online_banking": translate("ServicePlan", "Online banking"),
    }.get(code, code)


def list_separator() -> str:
    """Between the items of a list: ", " in English, "、" in Chinese."""
    return translate("ServicePlan", ", ")


@dataclass(frozen=True)
class PlanView:
    """What the panel shows: the plan (None: none yet) and the names of what it may hold."""

    plan: PlanRecord | None
    # (code, name) of every item a plan may name: service areas, then catalogue products.
    choices: tuple[tuple[str, str], ...]
    today: date


def _load(ui: UiContext, prospect_id: str) -> PlanView:
    from crm import i18n as core_i18n

    zh = core_i18n.language() == "zh_CN"
    products = tuple(
        (p.code, p.name_zh if zh else p.name_en) for p in ui.services.products.catalogue().products
    )
    areas = tuple((code, area_label(code)) for code in SERVICE_AREAS)
    return PlanView(ui.services.plans.get(prospect_id), areas + products, ui.services.ctx.today())


class PlanDialog(QDialog):
    """Create or change a plan. ``submitted`` carries the ``PlanDraft``; the dialog stays
    open until the panel accepts it (a refusal is shown in it)."""

    submitted = Signal(object)

    def __init__(
        self,
        choices: tuple[tuple[str, str], ...],
        users: list[UserInfo],
        plan: PlanRecord | None,
        today: date,
        default_owner: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planDialog")
        self.setWindowTitle(self.tr("Service plan") if plan else self.tr("New service plan"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "The financial services the bank will provide to this customer "
                "(settlement, credit, wealth, supply-chain finance…)."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.items = QListWidget(self)
        self.items.setObjectName("planItems")
        chosen = set(plan.items) if plan else set()
        known = {code for code, _name in choices}
        for code, name in [*choices, *((c, c) for c in sorted(chosen - known))]:
            item = QListWidgetItem(name, self.items)
            item.setData(CODE_ROLE, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked)
        self.items.setMinimumHeight(180)
        form.addRow(self.tr("Products and services"), self.items)
        self.owner = QComboBox(self)
        self.owner.setObjectName("planOwner")
        self.owner.addItem(self.tr("(nobody yet)"), None)
        for user in users:
            if user.role in ("rm", "lead"):
                self.owner.addItem(user.display_name, user.id)
        owner = plan.owner_id if plan else default_owner
        index = self.owner.findData(owner) if owner else 0
        self.owner.setCurrentIndex(max(index, 0))
        form.addRow(self.tr("Owner"), self.owner)
        self.review = QDateEdit(self)
        self.review.setObjectName("planReview")
        self.review.setCalendarPopup(True)
        self.review.setDisplayFormat("yyyy-MM-dd")
        self.review.setMinimumDate(QDate(today.year, today.month, today.day))
        first = plan.review_on if plan else next_review(today)
        self.review.setDate(QDate(first.year, first.month, first.day))
        form.addRow(self.tr("Next review"), self.review)
        self.status = QComboBox(self)
        self.status.setObjectName("planStatus")
        for code in PlanStatus:
            self.status.addItem(status_label(code), code.value)
        self.status.setCurrentIndex(
            max(self.status.findData(plan.status if plan else PlanStatus.DRAFT.value), 0)
        )
        form.addRow(self.tr("Status"), self.status)
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("planNotes")
        self.notes.setPlainText(plan.notes if plan else "")
        self.notes.setFixedHeight(90)
        form.addRow(self.tr("Notes"), self.notes)
        layout.addLayout(form)
        self.error_box = QLabel(self)
        self.error_box.setObjectName("planError")
        self.error_box.setWordWrap(True)
        self.error_box.setStyleSheet(f"color: {labels.ERROR_COLOUR};")
        self.error_box.hide()
        layout.addWidget(self.error_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, ...]:
        return tuple(
            str(self.items.item(i).data(CODE_ROLE))
            for i in range(self.items.count())
            if self.items.item(i).checkState() == Qt.CheckState.Checked
        )

    def draft(self) -> PlanDraft:
        day = self.review.date()
        owner = self.owner.currentData()
        return PlanDraft(
            items=self.chosen(),
            owner_id=str(owner) if owner else None,
            review_on=date(day.year(), day.month(), day.day()),
            status=str(self.status.currentData()),
            notes=self.notes.toPlainText(),
        )

    def submit(self) -> None:
        self.error_box.hide()
        self.save_button.setEnabled(False)
        self.submitted.emit(self.draft())

    def show_refusal(self, error: BaseException) -> None:
        """The service refused the plan: say why; the dialog stays open to fix it."""
        self.save_button.setEnabled(True)
        if isinstance(error, DomainError):
            self.error_box.setText(said(error))
            self.error_box.show()


class ServicePlanPanel(QWidget):
    # The prospect's plan changed (its id).
    changed = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("servicePlanPanel")
        self.ui = ui
        self.prospect_id: str | None = None
        self.view: PlanView | None = None
        self.dialog: PlanDialog | None = None
        self._generation = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        top = QHBoxLayout()
        title = QLabel(self.tr("Service plan"), self)
        title.setObjectName("panelTitle")
        top.addWidget(title)
        self.status_chip = QLabel(self)
        self.status_chip.setObjectName("planStatusChip")
        top.addWidget(self.status_chip)
        top.addStretch(1)
        self.edit_button = QPushButton(self.tr("Create plan…"), self)
        self.edit_button.setObjectName("editPlan")
        self.edit_button.clicked.connect(self.open_edit)
        top.addWidget(self.edit_button)
        self.review_button = QPushButton(self.tr("Mark reviewed"), self)
        self.review_button.setObjectName("reviewPlan")
        self.review_button.setToolTip(
            self.tr("A review was held today: the next one is set six months ahead")
        )
        self.review_button.clicked.connect(self.mark_reviewed)
        top.addWidget(self.review_button)
        layout.addLayout(top)
        self.why = QLabel(
            self.tr(
                "A strategic client is served by a service plan (配套金融服务方案): "
                "the customer becomes strategic only with an active one."
            ),
            self,
        )
        self.why.setWordWrap(True)
        self.why.setProperty("muted", True)
        layout.addWidget(self.why)
        self.body = QFrame(self)
        self.body.setObjectName("panel")
        form = QFormLayout(self.body)
        self.items_label = QLabel(self.body)
        self.items_label.setWordWrap(True)
        self.owner_label = QLabel(self.body)
        self.review_label = QLabel(self.body)
        self.review_label.setObjectName("planReviewOn")
        self.reviewed_label = QLabel(self.body)
        self.notes_label = QLabel(self.body)
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Provides"), self.items_label)
        form.addRow(self.tr("Owner"), self.owner_label)
        form.addRow(self.tr("Next review"), self.review_label)
        form.addRow(self.tr("Last reviewed"), self.reviewed_label)
        form.addRow(self.tr("Notes"), self.notes_label)
        layout.addWidget(self.body)
        self.empty = QLabel(self.tr("No service plan yet."), self)
        self.empty.setObjectName("planEmpty")
        self.empty.setProperty("muted", True)
        layout.addWidget(self.empty)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {labels.ERROR_COLOUR};")
        self.error.hide()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._show(None)
        ui.events.prospectsChanged.connect(self._prospects_changed)

    @staticmethod
    def title() -> str:
        """The panel's name, for the tab that holds it."""
        return translate("ServicePlan", "Service plan")

    # -- loading ---------------------------------------------------------------------------

    def set_prospect(self, prospect_id: str) -> None:
        if prospect_id != self.prospect_id:
            self.view = None
            self._show(None)
            self.setEnabled(False)
        self.prospect_id = prospect_id
        self._generation += 1
        generation = self._generation
        ui = self.ui
        self.ui.tasks.read(
            self,
            lambda: _load(ui, prospect_id),
            lambda view: self._loaded(generation, view),
            self._failed,
        )

    def _prospects_changed(self, ids: list[str]) -> None:
        if self.prospect_id is not None and (not ids or self.prospect_id in ids):
            self.set_prospect(self.prospect_id)

    def _loaded(self, generation: int, view: PlanView) -> None:
        if generation != self._generation:
            return
        self.view = view
        self.setEnabled(True)
        self.error.hide()
        self._show(view)

    def _failed(self, error: BaseException) -> None:
        self.setEnabled(True)
        if isinstance(error, DomainError):
            self.error.setText(said(error))
            self.error.show()

    def _show(self, view: PlanView | None) -> None:
        plan = view.plan if view else None
        self.body.setVisible(plan is not None)
        self.empty.setVisible(view is not None and plan is None)
        self.edit_button.setText(self.tr("Edit plan…") if plan else self.tr("Create plan…"))
        self.edit_button.setEnabled(view is not None)
        self.review_button.setVisible(plan is not None)
        self.review_button.setEnabled(plan is not None and plan.status != PlanStatus.CLOSED)
        if plan is None or view is None:
            self.status_chip.setText("")
            return
        names = dict(view.choices)
        self.status_chip.setText(status_label(plan.status))
        self.items_label.setText(
            list_separator().join(names.get(code, code) for code in plan.items)
        )
        owner = next((u.display_name for u in self.ui.users if u.id == plan.owner_id), None)
        self.owner_label.setText(owner or self.tr("(nobody yet)"))
        review = fmt.day(plan.review_on)
        if plan.review_due:
            review = self.tr("{day} — review due").format(day=review)
            self.review_label.setStyleSheet(f"color: {labels.ERROR_COLOUR};")
        else:
            self.review_label.setStyleSheet("")
        self.review_label.setText(review)
        self.reviewed_label.setText(fmt.day(plan.reviewed_on) if plan.reviewed_on else "—")
        self.notes_label.setText(plan.notes or "—")

    # -- changes ---------------------------------------------------------------------------

    def open_edit(self) -> None:
        prospect_id, view = self.prospect_id, self.view
        if prospect_id is None or view is None:
            return
        me = self.ui.user
        dialog = PlanDialog(
            view.choices,
            self.ui.users,
            view.plan,
            view.today,
            me.id if me is not None and me.role in ("rm", "lead") else None,
            self,
        )
        self.dialog = dialog
        ui = self.ui

        def save(draft: PlanDraft) -> None:
            def done(_plan: PlanRecord) -> None:
                dialog.accept()
                self._after_change(prospect_id)

            self.ui.tasks.write(
                self, lambda: ui.services.plans.save(prospect_id, draft), done, dialog.show_refusal
            )

        dialog.submitted.connect(save)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: PlanDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def mark_reviewed(self) -> None:
        prospect_id = self.prospect_id
        if prospect_id is None:
            return
        ui = self.ui
        self.review_button.setEnabled(False)
        self.ui.tasks.write(
            self,
            lambda: ui.services.plans.review(prospect_id),
            lambda _plan: self._after_change(prospect_id),
            self._failed,
        )

    def _after_change(self, prospect_id: str) -> None:
        self.changed.emit(prospect_id)
        if prospect_id == self.prospect_id:
            self.set_prospect(prospect_id)
