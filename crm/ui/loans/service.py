"""What the loan widgets ask of the loans and products services (run on the task runner).

Plain functions over ``ui.services``: the widgets call them inside ``ui.tasks.read`` or
``ui.tasks.write`` and receive the services' plain records. Nothing here imports a service
module when loaded: the prospect page (which shows the loans) is the window's first page.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from crm.ui.common import fmt
from crm.ui.common.context import UiContext
from crm.ui.loans.dialog import LoanValues, ProductChoice

if TYPE_CHECKING:
    # The services (and SQLAlchemy behind them) load after the window's first paint; these
    # functions run on workers, once they are there.
    from crm.services.loans import LoanDraft, LoanRecord


def _draft(values: LoanValues) -> LoanDraft:
    from crm.services.loans import LoanDraft

    return LoanDraft(
        amount_fen=values.amount_fen,
        rate_bp=values.rate_bp,
        start_date=values.start_date,
        maturity_date=values.maturity_date,
        product_code=values.product_code,
        credit_line_fen=values.credit_line_fen,
        repayment_mode=values.repayment_mode,
    )


def values_of(loan: LoanRecord) -> LoanValues:
    return LoanValues(
        product_code=loan.product_code,
        amount_fen=loan.amount_fen,
        credit_line_fen=loan.credit_line_fen,
        start_date=loan.start_date,
        maturity_date=loan.maturity_date,
        rate_bp=loan.rate_bp,
        repayment_mode=loan.repayment_mode,
    )


def loans_of(ui: UiContext, prospect_id: str) -> list[LoanRecord]:
    return ui.services.loans.of_prospect(prospect_id)


def record(ui: UiContext, prospect_id: str, values: LoanValues) -> LoanRecord:
    return ui.services.loans.record(prospect_id, _draft(values))


def edit(ui: UiContext, loan_id: str, values: LoanValues) -> LoanRecord:
    return ui.services.loans.edit(loan_id, _draft(values))


def renew(ui: UiContext, loan_id: str, values: LoanValues) -> LoanRecord:
    return ui.services.loans.renew(
        loan_id,
        values.maturity_date,
        amount_fen=values.amount_fen,
        rate_bp=values.rate_bp,
        start=values.start_date,
        credit_line_fen=values.credit_line_fen,
        repayment_mode=values.repayment_mode,
        product_code=values.product_code,
    )


def repay(ui: UiContext, loan_id: str, amount_fen: int, on: date) -> LoanRecord:
    return ui.services.loans.repay(loan_id, amount_fen, on)


def record_outcome(ui: UiContext, loan_id: str, outcome: str, reason: str, on: date) -> LoanRecord:
    return ui.services.loans.record_outcome(loan_id, outcome, reason, on)


def classify(ui: UiContext, loan_id: str, grade: str, on: date) -> LoanRecord:
    return ui.services.loans.reclassify(loan_id, grade, on)


def mark_overdue(ui: UiContext, loan_id: str) -> LoanRecord:
    return ui.services.loans.mark_overdue(loan_id)


def credit_products(ui: UiContext) -> list[ProductChoice]:
    """The catalogue's credit products, in the user's language."""
    from crm import i18n as core_i18n

    zh = core_i18n.language() == "zh_CN"
    return [
        ProductChoice(
            product.code,
            product.name_zh if zh else product.name_en,
            tuple((r.code, r.name_zh if zh else r.name_en) for r in product.repayment),
        )
        for product in ui.services.products.catalogue().products
        if product.credit
    ]


def prechecks(ui: UiContext, loan_id: str) -> dict[str, str]:
    """A renewal's pre-check (the loans service's): each credit product's pre-assessment on
    the customer's facts today, then the facts confirmed since the loan was granted and the
    warning signs; rich text by product code, to see that the customer still qualifies."""
    from crm.ui.common.errors import said
    from crm.ui.products.facts_editor import fact_label, fact_text
    from crm.ui.products.match_panel import MARKS, status_text
    from crm.ui.products.source import match_view

    translate = QCoreApplication.translate
    check = ui.services.loans.renewal_precheck(loan_id)
    match = match_view(ui.services.products.match(check.loan.prospect_id))
    tail: list[str] = []
    if check.changed:
        tail.append(
            "<b>" + _esc(translate("LoansPanel", "Confirmed since the loan was granted:")) + "</b>"
        )
        for fact in check.changed:
            tail.append(
                _esc(
                    translate("LoansPanel", "{fact}: {value} ({day})").format(
                        fact=fact_label(fact.key),
                        value=fact_text(fact.key, fact.value),
                        day=fmt.day(fact.confirmed_on),
                    )
                )
            )
    else:
        tail.append(_esc(translate("LoansPanel", "No fact confirmed since the loan was granted.")))
    for warning in check.warnings:
        tail.append(f"<span style='color:#7a4b00'>⚠ {_esc(said(warning.message))}</span>")
    found: dict[str, str] = {}
    for product in match.products:
        lines = [
            "<b>"
            + _esc(
                translate("LoansPanel", "Pre-check on today's facts (预授信参考): {status}").format(
                    status=status_text(product.status)
                )
            )
            + "</b>"
        ]
        for criterion in product.criteria:
            mark, colour = MARKS.get(criterion.status, ("·", "#5f6b7a"))
            lines.append(
                f"<span style='color:{colour}; font-weight:700'>{mark}</span> "
                + _esc(criterion.message)
            )
        found[product.code] = "<br>".join(lines + tail)
    return found


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
