"""The business facts of a prospect, editable, each with when and by whom it was confirmed.

One row per fact the matching reads (the prospect's kind, industry and founding date are
fields of the prospect form, not facts). A fact left empty is *missing* — never "no" or
zero — so yes/no facts offer "—" beside Yes and No. ``save`` hands the changed and the
cleared facts to the caller (``factsSaved``); ``focus_fact`` puts the cursor in a fact's
field (the product panel's "missing data" prompts jump here).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm.domain.errors import DomainError
from crm.domain.facts import FACTS as DOMAIN_FACTS
from crm.domain.facts import FactSpec, FactType
from crm.domain.money import parse_money
from crm.ui.common import fmt
from crm.ui.common.errors import said
from crm.ui.common.widgets import FieldMessage, set_invalid
from crm.ui.products.model import FactView
from crm.ui.prospects.fields import OptionalDateEdit

translate = QCoreApplication.translate

# The prospect's kind, industry and founding date are fields of the prospect form.
FORM_FIELDS = {"kind": "kind", "industry": "industry_code", "established_on": "established_on"}
FACTS: tuple[FactSpec, ...] = tuple(
    spec for key, spec in DOMAIN_FACTS.items() if key not in FORM_FIELDS
)


def fact_label(key: str) -> str:
    """A fact's name for people."""
    names = {
        "kind": translate("Facts", "Kind of business"),
        "industry": translate("Facts", "Industry"),
        "established_on": translate("Facts", "Established on"),
        "ownership_changed_on": translate("Facts", "Ownership last changed on"),
        "tax_credit_grade": translate("Facts", "Tax credit grade"),
        "annual_invoicing": translate("Facts", "Annual VAT invoicing"),
        "avg_monthly_turnover": translate("Facts", "Average monthly turnover (12 months)"),
        "owner_serious_overdue": translate("Facts", "Owner has serious overdue credit"),
        "tech_enterprise": translate("Facts", "Technology enterprise"),
        "annual_rd_spend": translate("Facts", "Annual R&D spending"),
        "ip_pledgeable": translate("Facts", "Has pledgeable intellectual property"),
        "insured_staff": translate("Facts", "Staff with social insurance"),
        "insured_staff_stable_months": translate("Facts", "Months the insured staff is stable"),
        "monthly_wage_per_head": translate("Facts", "Monthly wage per head"),
        "customer_rating": translate("Facts", "Customer rating (of 5)"),
        "green": translate("Facts", "Green enterprise"),
        "in_cultivation_pool": translate("Facts", "In the first-loan cultivation pool"),
        "proof_of_operation": translate("Facts", "Proof of stable operation"),
        "platform_monthly_settlement": translate("Facts", "Monthly platform settlement"),
    }
    return names.get(key, key)


def fact_text(key: str, value: Any) -> str:
    """A fact's value as people read it: 300.00万元, 2026-01-05, Yes, Lease contract."""
    spec = DOMAIN_FACTS.get(key)
    if value is None:
        return "—"
    if spec is not None and spec.type == FactType.MONEY and isinstance(value, int):
        return fmt.money(value)
    if isinstance(value, bool):
        return translate("Facts", "Yes") if value else translate("Facts", "No")
    if isinstance(value, date):
        return fmt.day(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return choice_label(key, value)
    return str(value)


def choice_label(key: str, code: str) -> str:
    if key == "proof_of_operation":
        return {
            "property_certificate": translate("Facts", "Property certificate"),
            "lease": translate("Facts", "Lease contract"),
            "utility_records": translate("Facts", "Utility payment records"),
        }.get(code, code)
    return code


class _FactRow:
    """The editor of one fact and the line that says when it was confirmed."""

    def __init__(self, spec: FactSpec, parent: QWidget) -> None:
        self.spec = spec
        self.editor: QWidget
        if spec.type in (FactType.FLAG, FactType.CHOICE):
            combo = QComboBox(parent)
            combo.addItem("—", None)
            if spec.type == FactType.FLAG:
                combo.addItem(translate("Facts", "Yes"), True)
                combo.addItem(translate("Facts", "No"), False)
            else:
                for code in spec.choices:
                    combo.addItem(choice_label(spec.key, code), code)
            self.editor = combo
        elif spec.type == FactType.DATE:
            self.editor = OptionalDateEdit(parent)
        else:
            edit = QLineEdit(parent)
            edit.setPlaceholderText(
                translate("Facts", "in 10,000 yuan (万元)") if spec.type == FactType.MONEY else ""
            )
            self.editor = edit
        self.editor.setObjectName(f"fact_{spec.key}")
        self.message = FieldMessage(parent)
        self.confirmed = QLabel(parent)
        self.confirmed.setProperty("muted", True)
        self.confirmed.setWordWrap(True)
        self.loaded: Any = None

    # -- values ----------------------------------------------------------------------------

    def set_value(self, value: Any) -> None:
        self.loaded = value
        editor = self.editor
        if isinstance(editor, QComboBox):
            at = editor.findData(value) if value is not None else 0
            editor.setCurrentIndex(max(at, 0))
        elif isinstance(editor, OptionalDateEdit):
            editor.set_value(value if isinstance(value, date) else None)
        elif isinstance(editor, QLineEdit):
            if value is None:
                editor.setText("")
            elif self.spec.type == FactType.MONEY:
                editor.setText(fmt.wan_number(int(value)))
            elif isinstance(value, float):
                editor.setText(f"{value:g}")
            else:
                editor.setText(str(value))
        self.message.show_message("")
        set_invalid(editor, False)

    def value(self) -> Any:
        """The value typed, as the domain keeps it (fen, dates, codes; None when empty);
        raises DomainError or ValueError when it is not one."""
        editor = self.editor
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, OptionalDateEdit):
            return editor.value()
        assert isinstance(editor, QLineEdit)
        text = editor.text().strip()
        if not text:
            return None
        if self.spec.type == FactType.MONEY:
            return parse_money(text, default_unit="wan")
        if self.spec.type == FactType.COUNT:
            number = int(text)
            if number < 0:
                raise ValueError(text)
            return number
        try:
            decimal = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(text) from exc
        top = self.spec.maximum
        if decimal < 0 or (top is not None and decimal > Decimal(str(top))):
            raise ValueError(text)
        return float(decimal)

    def check(self) -> str:
        """What is wrong with the value typed ("" when nothing is)."""
        try:
            self.value()
        except DomainError as error:
            return said(error)
        except ValueError:
            if self.spec.type == FactType.COUNT:
                return translate("Facts", "Enter a whole number, e.g. 12")
            return translate("Facts", "Enter a number from 0 to {maximum}, e.g. 4.6").format(
                maximum=f"{self.spec.maximum or 0:g}"
            )
        return ""

    def changed(self) -> bool:
        try:
            current = self.value()
        except (DomainError, ValueError):
            return True
        return bool(current != self.loaded)


class FactsEditor(QFrame):
    # Facts to set (key → value) and keys to clear; the caller saves them.
    factsSaved = Signal(dict, list)
    # A fact was edited, or the facts were (re)loaded: whether there are unsaved edits.
    dirtyChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.rows: dict[str, _FactRow] = {}
        self._loading = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        top = QHBoxLayout()
        title = QLabel(self.tr("Business facts"), self)
        title.setObjectName("panelTitle")
        top.addWidget(title)
        top.addStretch(1)
        self.save_button = QPushButton(self.tr("Save facts"), self)
        self.save_button.setObjectName("saveFacts")
        self.save_button.setToolTip(self.tr("Save the changed facts, confirmed today by you"))
        self.save_button.clicked.connect(self.save)
        self.confirm_button = QPushButton(self.tr("Confirm all"), self)
        self.confirm_button.setObjectName("confirmFacts")
        self.confirm_button.setToolTip(
            self.tr("Checked with the customer: every fact shown is confirmed today by you")
        )
        self.confirm_button.clicked.connect(self.confirm_all)
        top.addWidget(self.confirm_button)
        top.addWidget(self.save_button)
        outer.addLayout(top)
        hint = QLabel(
            self.tr("Leave a fact empty when you do not know it: matching calls it missing."),
            self,
        )
        hint.setProperty("muted", True)
        hint.setWordWrap(True)
        outer.addWidget(hint)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(self.scroll_area)
        form = QFormLayout(body)
        form.setContentsMargins(0, 4, 6, 4)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(4)
        for spec in FACTS:
            row = _FactRow(spec, body)
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(row.editor)
            box.addWidget(row.message)
            box.addWidget(row.confirmed)
            label = QLabel(fact_label(spec.key), body)
            form.addRow(label, box)
            self.rows[spec.key] = row
            self._watch(row)
        self.scroll_area.setWidget(body)
        outer.addWidget(self.scroll_area, 1)
        self.update_state()

    def _watch(self, row: _FactRow) -> None:
        editor = row.editor
        if isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(lambda _i: self._edited(row))
        elif isinstance(editor, OptionalDateEdit):
            editor.dateChanged.connect(lambda _d: self._edited(row))
        elif isinstance(editor, QLineEdit):
            editor.textChanged.connect(lambda _t: self._edited(row))

    # -- loading ---------------------------------------------------------------------------

    def set_facts(self, facts: Mapping[str, FactView]) -> None:
        self._loading = True
        for key, row in self.rows.items():
            fact = facts.get(key)
            row.set_value(fact.value if fact else None)
            row.confirmed.setText(_confirmed_text(fact))
        self._loading = False
        self.update_state()

    # -- editing ---------------------------------------------------------------------------

    def _edited(self, row: _FactRow) -> None:
        if self._loading:
            return
        problem = row.check()
        row.message.show_message(problem)
        set_invalid(row.editor, bool(problem))
        self.update_state()

    def changes(self) -> tuple[dict[str, Any], list[str]]:
        """(facts to set, keys to clear) of the rows changed since loading."""
        to_set: dict[str, Any] = {}
        to_clear: list[str] = []
        for key, row in self.rows.items():
            if not row.changed():
                continue
            value = row.value()
            if value is None:
                to_clear.append(key)
            else:
                to_set[key] = value
        return to_set, to_clear

    def problems(self) -> dict[str, str]:
        return {key: text for key, row in self.rows.items() if (text := row.check())}

    def is_dirty(self) -> bool:
        return any(row.changed() for row in self.rows.values())

    def update_state(self) -> None:
        self.dirtyChanged.emit(self.is_dirty())
        fine = not self.problems()
        self.save_button.setEnabled(self.is_dirty() and fine)
        self.confirm_button.setEnabled(
            fine and any(r.loaded is not None for r in self.rows.values())
        )

    def save(self) -> None:
        if self.problems():
            return
        to_set, to_clear = self.changes()
        if to_set or to_clear:
            self.save_button.setEnabled(False)
            self.factsSaved.emit(to_set, to_clear)

    def confirm_all(self) -> None:
        """Save every fact shown (edited or not): all are confirmed as of today."""
        if self.problems():
            return
        to_set: dict[str, Any] = {}
        to_clear: list[str] = []
        for key, row in self.rows.items():
            value = row.value()
            if value is not None:
                to_set[key] = value
            elif row.loaded is not None:
                to_clear.append(key)
        if to_set or to_clear:
            self.save_button.setEnabled(False)
            self.confirm_button.setEnabled(False)
            self.factsSaved.emit(to_set, to_clear)

    def focus_first_problem(self) -> None:
        for key, row in self.rows.items():
            if row.check():
                self.focus_fact(key)
                return

    def focus_fact(self, key: str) -> bool:
        """Put the cursor in the field of ``key``; False when it is not a fact here."""
        row = self.rows.get(key)
        if row is None:
            return False
        self.scroll_area.ensureWidgetVisible(row.editor, 0, 40)
        row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return True


def _confirmed_text(fact: FactView | None) -> str:
    if fact is None or fact.value is None:
        return translate("Facts", "Not recorded")
    if fact.confirmed_on is None:
        return translate("Facts", "Not confirmed")
    if fact.confirmed_by:
        return translate("Facts", "Confirmed {day} by {name}").format(
            day=fmt.day(fact.confirmed_on), name=fact.confirmed_by
        )
    return translate("Facts", "Confirmed {day}").format(day=fmt.day(fact.confirmed_on))
