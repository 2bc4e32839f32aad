"""Loans on the prospect page: the "Record loan" dialog checks as the user types, saves the
loan, and the first loan of a no-loan prospect offers the move to first-loan customer, which
then passes its gate."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from crm.ui.loans.dialog import RecordLoanDialog
from crm.ui.prospects.page import ProspectsPage
from tests.ui.helpers import wait_idle

Button = QMessageBox.StandardButton


@pytest.fixture
def page(qtbot, ui):
    widget = ProspectsPage(ui)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    widget.start()
    wait_idle(qtbot, ui)
    return widget


@pytest.fixture
def questions(monkeypatch):
    """QMessageBox.question answers from a queue and records what it was asked."""
    asked: list[str] = []
    queue: list[Button] = []

    def question(_parent, _title, text, *_args, **_kwargs):
        asked.append(text)
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked, queue


def open_prospect(page, qtbot, prospect_id: str):
    page.open_prospect(prospect_id)
    wait_idle(qtbot, page.ui)
    detail = page.detail
    assert detail.detail is not None and detail.loans.isEnabled()
    return detail


def open_dialog(detail, qtbot) -> RecordLoanDialog:
    qtbot.mouseClick(detail.loans.record_button, Qt.MouseButton.LeftButton)
    dialog = detail.loans.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def choose_product(dialog: RecordLoanDialog, code: str) -> None:
    at = dialog.product.findData(code)
    assert at > 0, f"{code} is not among the dialog's products"
    dialog.product.setCurrentIndex(at)


def test_fields_say_what_is_wrong_as_the_user_types(page, book, qtbot):
    detail = open_prospect(page, qtbot, book.ids["huaxing"])
    dialog = open_dialog(detail, qtbot)
    assert not dialog.save_button.isEnabled()
    assert not dialog.messages["amount"].isVisible()  # nothing typed yet: nothing said

    qtbot.keyClicks(dialog.amount.edit, "12,5")
    assert dialog.messages["amount"].isVisible()
    assert "12,5" in dialog.messages["amount"].text()
    assert dialog.amount.edit.property("invalid") is True
    dialog.amount.edit.clear()
    qtbot.keyClicks(dialog.amount.edit, "120")
    assert not dialog.messages["amount"].isVisible()

    qtbot.keyClicks(dialog.rate, "abc")
    assert dialog.messages["rate"].isVisible()
    dialog.rate.clear()
    qtbot.keyClicks(dialog.rate, "3.85")
    assert not dialog.messages["rate"].isVisible()

    qtbot.keyClicks(dialog.credit_line.edit, "100")  # less than the 120万 lent
    assert "less than" in dialog.messages["credit_line"].text()
    dialog.credit_line.edit.clear()

    dialog.maturity.setDate(dialog.start.date().addDays(-1))
    assert dialog.messages["maturity"].isVisible()
    dialog.maturity.setDate(dialog.start.date().addYears(1))
    assert not dialog.messages["maturity"].isVisible()

    assert not dialog.save_button.isEnabled()  # no product chosen yet
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    dialog.submit()
    assert dialog.messages["product"].isVisible()
    choose_product(dialog, "basic")
    assert dialog.save_button.isEnabled()
    values = dialog.values()
    assert values.amount_fen == 1_200_000_00 and values.rate_bp == 385
    dialog.reject()


def test_amount_in_yuan_or_with_its_unit(page, book, qtbot):
    detail = open_prospect(page, qtbot, book.ids["huaxing"])
    dialog = open_dialog(detail, qtbot)
    qtbot.keyClicks(dialog.amount.edit, "300000")
    dialog.amount.unit.setCurrentIndex(dialog.amount.unit.findData("yuan"))
    assert dialog.amount.fen() == 300_000_00
    dialog.amount.unit.setCurrentIndex(dialog.amount.unit.findData("wan"))
    assert dialog.amount.fen() == 300_000 * 10_000 * 100
    dialog.amount.edit.setText("12.5万")  # the unit typed wins
    assert dialog.amount.fen() == 125_000_00
    dialog.reject()


def test_first_loan_offers_the_move_and_the_gate_passes(page, book, qtbot, questions):
    asked, queue = questions
    services = page.ui.services
    prospect_id = book.ids["huaxing"]
    assert services.prospects.get(prospect_id).stage == "no_loan"
    detail = open_prospect(page, qtbot, prospect_id)
    assert detail.loans.list.count() == 0

    dialog = open_dialog(detail, qtbot)
    choose_product(dialog, "basic")
    qtbot.keyClicks(dialog.amount.edit, "80")
    qtbot.keyClicks(dialog.credit_line.edit, "100")
    qtbot.keyClicks(dialog.rate, "3.65")
    assert dialog.save_button.isEnabled()
    queue.append(Button.Yes)  # move to 首贷户 now?
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: services.prospects.get(prospect_id).stage == "first_loan")
    wait_idle(qtbot, page.ui)

    assert len(asked) == 1 and "first loan" in asked[0]
    shown = services.prospects.get(prospect_id)
    assert shown.stage == "first_loan"
    assert [(loan.amount_fen, loan.rate_bp) for loan in shown.loans] == [(80 * 10_000_00, 365)]
    assert detail.detail.stage == "first_loan"
    assert detail.chip.text() and detail.loans.list.count() == 1
    assert "80.00" in detail.loans.list.item(0).text() or "800,000" in (
        detail.loans.list.item(0).text()
    )


def test_declining_the_move_keeps_the_stage(page, book, qtbot, questions):
    asked, queue = questions
    services = page.ui.services
    prospect_id = book.ids["huaxing"]
    detail = open_prospect(page, qtbot, prospect_id)
    dialog = open_dialog(detail, qtbot)
    choose_product(dialog, "basic")
    qtbot.keyClicks(dialog.amount.edit, "50")
    qtbot.keyClicks(dialog.rate, "3.85")
    queue.append(Button.No)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(asked) == 1)
    wait_idle(qtbot, page.ui)
    assert services.prospects.get(prospect_id).stage == "no_loan"
    assert detail.loans.list.count() == 1


def test_a_second_loan_asks_nothing(page, book, qtbot, questions):
    asked, _queue = questions
    prospect_id = book.ids["meijia"]  # already a first-loan customer with a loan
    detail = open_prospect(page, qtbot, prospect_id)
    assert detail.loans.list.count() == 1
    dialog = open_dialog(detail, qtbot)
    choose_product(dialog, "basic")
    qtbot.keyClicks(dialog.amount.edit, "20")
    qtbot.keyClicks(dialog.rate, "4")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.loans.list.count() == 2)
    wait_idle(qtbot, page.ui)
    assert asked == []


def test_repay_in_part_then_renew(page, book, qtbot):
    services = page.ui.services
    prospect_id = book.ids["meijia"]  # a 300万 loan at 3.85%
    detail = open_prospect(page, qtbot, prospect_id)
    panel = detail.loans
    assert panel.selected() is not None and panel.repay_button.isEnabled()

    qtbot.mouseClick(panel.repay_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    qtbot.waitExposed(dialog)
    assert dialog.amount.fen() == 3_000_000_00  # the balance, to repay it all
    dialog.amount.edit.clear()
    qtbot.keyClicks(dialog.amount.edit, "400")
    assert "still owed" in dialog.amount_message.text()
    assert not dialog.save_button.isEnabled()
    dialog.amount.edit.clear()
    qtbot.keyClicks(dialog.amount.edit, "100")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.dialog is None)
    wait_idle(qtbot, page.ui)
    (loan,) = services.loans.of_prospect(prospect_id)
    assert loan.balance_fen == 2_000_000_00 and loan.status == "active"
    assert "200.00" in panel.list.item(0).text() or "2,000,000" in panel.list.item(0).text()

    services.products.set_facts(prospect_id, {"tax_credit_grade": "B"})  # checked today
    qtbot.mouseClick(panel.renew_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    qtbot.waitExposed(dialog)
    assert dialog.amount.fen() == 2_000_000_00  # what is still owed
    assert dialog.start.date().toPython() == loan.maturity_date
    assert dialog.messages["product"].isVisible()  # the old loan named no product
    choose_product(dialog, "basic")
    # The pre-check: the product's conditions on today's facts (none recorded: missing).
    qtbot.waitUntil(dialog.precheck.isVisible)
    precheck = dialog.precheck.text()
    assert "Pre-check" in precheck and "no data" in precheck
    assert "Confirmed since the loan was granted" in precheck
    assert "Tax credit grade: B" in precheck
    dialog.rate.clear()
    qtbot.keyClicks(dialog.rate, "3.6")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.dialog is None)
    wait_idle(qtbot, page.ui)
    old, new = services.loans.of_prospect(prospect_id)
    assert old.status == "renewed"
    assert new.renewed_from_id == old.id and new.rate_bp == 360
    assert new.amount_fen == 2_000_000_00 and new.status == "active"
    assert new.product_code == "basic"
    assert panel.list.count() == 2
    assert "a renewal" in panel.list.item(0).text()  # newest first


def test_loans_recorded_elsewhere_show_when_announced(page, book, qtbot):
    from datetime import timedelta

    from crm.services.loans import LoanDraft

    prospect_id = book.ids["huaxing"]
    detail = open_prospect(page, qtbot, prospect_id)
    today = page.ui.today()
    page.ui.services.loans.record(  # as a sync download or the crm command would
        prospect_id, LoanDraft(50_000_000, 390, today, today + timedelta(days=365), "basic")
    )
    assert detail.loans.list.count() == 0
    page.ui.events.prospectsChanged.emit([prospect_id])
    qtbot.waitUntil(lambda: detail.loans.list.count() == 1)
    assert "Basic first-loan credit loan" in detail.loans.list.item(0).text()


def test_not_renewed_needs_a_reason(page, book, qtbot):
    services = page.ui.services
    prospect_id = book.ids["meijia"]
    detail = open_prospect(page, qtbot, prospect_id)
    panel = detail.loans
    assert panel.outcome_action.isEnabled()
    panel.outcome_action.trigger()
    dialog = panel.dialog
    qtbot.waitExposed(dialog)
    assert not dialog.reason.isVisible()  # repaid at maturity needs no words
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("not_renewed"))
    assert dialog.reason.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.reason_message.isVisible() and panel.dialog is dialog
    qtbot.keyClicks(dialog.reason, "moved production to another city")
    assert not dialog.reason_message.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.dialog is None)
    wait_idle(qtbot, page.ui)
    (loan,) = services.loans.of_prospect(prospect_id)
    assert loan.status == "not_renewed" and loan.outcome_reason.startswith("moved")
    assert "not renewed" in panel.list.item(0).text()
    assert "Why: moved production" in panel.list.item(0).text()
    assert not panel.repay_button.isEnabled() and not panel.more_button.isEnabled()


def test_mark_overdue_asks_first(page, book, qtbot, questions):
    _asked, queue = questions
    services = page.ui.services
    prospect_id = book.ids["meijia"]
    detail = open_prospect(page, qtbot, prospect_id)
    queue.append(Button.No)
    detail.loans.overdue_action.trigger()
    assert services.loans.of_prospect(prospect_id)[0].status == "active"
    queue.append(Button.Yes)
    detail.loans.overdue_action.trigger()
    qtbot.waitUntil(lambda: services.loans.of_prospect(prospect_id)[0].status == "overdue")
    wait_idle(qtbot, page.ui)
    assert "overdue" in detail.loans.list.item(0).text()
    assert not detail.loans.renew_button.isEnabled()  # a renewal must not hide the risk


def test_classify_a_loan(page, book, qtbot):
    services = page.ui.services
    prospect_id = book.ids["meijia"]
    detail = open_prospect(page, qtbot, prospect_id)
    panel = detail.loans
    assert "Normal" in panel.list.item(0).text()
    assert panel.classify_action.isEnabled()
    panel.classify_action.trigger()
    dialog = panel.dialog
    qtbot.waitExposed(dialog)
    assert dialog.grade.currentData() == "special_mention"  # the next grade worse
    dialog.grade.setCurrentIndex(dialog.grade.findData("normal"))
    assert not dialog.save_button.isEnabled() and dialog.message.isVisible()
    dialog.grade.setCurrentIndex(dialog.grade.findData("substandard"))
    assert "non-performing" in dialog.grade.currentText()
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.dialog is None)
    wait_idle(qtbot, page.ui)
    (loan,) = services.loans.of_prospect(prospect_id)
    assert (loan.classification, loan.classified_on) == ("substandard", page.ui.today())
    assert loan.classified_by == page.ui.services.ctx.actor_id
    text = panel.list.item(0).text()
    assert "Substandard (non-performing)" in text and "Classified Substandard from" in text
    # A non-performing loan is not renewed: the service says why in the dialog.
    qtbot.mouseClick(panel.renew_button, Qt.MouseButton.LeftButton)
    renew = panel.dialog
    qtbot.waitExposed(renew)
    choose_product(renew, "basic")
    renew.submit()
    qtbot.waitUntil(renew.error_box.isVisible)
    assert "renewal must not hide credit risk" in renew.error_text.text()
    renew.reject()
    wait_idle(qtbot, page.ui)


@pytest.fixture(params=("zh_CN", "en"))
def language(request, qapp):
    from crm.ui.common.i18n import install_translators, remove_translators

    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)


def test_screenshots(language, ui, book, qtbot, questions):
    """The prospect page with loans and the dialog saying what is wrong, in both languages
    (kept as PNGs under CRM_SCREENSHOTS)."""
    from PySide6.QtCore import QSize

    from tests.ui.test_screenshots import save

    page = ProspectsPage(ui)
    qtbot.addWidget(page)
    page.resize(QSize(1366, 768))
    page.show()
    page.start()
    wait_idle(qtbot, ui)
    detail = open_prospect(page, qtbot, book.ids["meijia"])
    assert detail.loans.list.count() == 1
    save(page, "20-prospect-loans", language)
    dialog = open_dialog(detail, qtbot)
    qtbot.keyClicks(dialog.amount.edit, "12,5")
    qtbot.keyClicks(dialog.rate, "3.85")
    dialog.maturity.setDate(dialog.start.date().addDays(-3))
    dialog.submit()
    assert dialog.messages["product"].isVisible() and dialog.messages["amount"].isVisible()
    item = dialog.messages["amount"]
    assert item.width() >= item.sizeHint().width() or item.wordWrap()
    save(dialog, "21-record-loan", language)
    dialog.reject()
    qtbot.waitUntil(lambda: detail.loans.dialog is None)

    qtbot.mouseClick(detail.loans.repay_button, Qt.MouseButton.LeftButton)
    repay = detail.loans.dialog
    qtbot.waitExposed(repay)
    repay.amount.edit.clear()
    qtbot.keyClicks(repay.amount.edit, "500")  # more than owed: said under the field
    assert repay.amount_message.isVisible()
    save(repay, "25-repay-loan", language)
    repay.reject()
    qtbot.waitUntil(lambda: detail.loans.dialog is None)

    qtbot.mouseClick(detail.loans.renew_button, Qt.MouseButton.LeftButton)
    renew = detail.loans.dialog
    qtbot.waitExposed(renew)
    choose_product(renew, "basic")
    qtbot.waitUntil(renew.precheck.isVisible)  # the pre-check on today's facts
    save(renew, "26-renew-loan", language)
    renew.reject()
    qtbot.waitUntil(lambda: detail.loans.dialog is None)

    detail.loans.outcome_action.trigger()
    outcome = detail.loans.dialog
    qtbot.waitExposed(outcome)
    outcome.outcome.setCurrentIndex(outcome.outcome.findData("not_renewed"))
    outcome.submit()  # no reason: said under the field
    assert outcome.reason_message.isVisible()
    save(outcome, "27-loan-outcome", language)
    outcome.reject()
    qtbot.waitUntil(lambda: detail.loans.dialog is None)

    detail.loans.classify_action.trigger()
    classify = detail.loans.dialog
    qtbot.waitExposed(classify)
    classify.grade.setCurrentIndex(classify.grade.findData("doubtful"))
    save(classify, "28-loan-classify", language)
    classify.submit()
    qtbot.waitUntil(lambda: detail.loans.dialog is None)
    wait_idle(qtbot, ui)
    save(page, "29-prospect-loan-classified", language)
