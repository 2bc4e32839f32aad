"""The visit record form driven like an RM on site: type, autosave, finalize, amend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from crm.domain.visits import VisitDraft
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.visits.actions import open_visit, record_visit
from crm.ui.visits.dialog import VisitDialog
from crm.ui.visits.plan import PlanDialog
from tests.ui.conftest import Book
from tests.ui.helpers import wait_idle


@pytest.fixture
def rm_ui(book: Book, settings: AppSettings, qtbot) -> Iterator[UiContext]:
    """The UI as the RM who holds 华兴 and 美嘉 sees it."""
    book.services.users.sign_in(book.rms[0].id)
    context = UiContext(book.services, settings, TaskRunner(), load_startup(book.services))
    yield context
    context.tasks.wait()
    QApplication.processEvents()


@pytest.fixture
def host(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def dialog_of(qtbot, host: QWidget) -> VisitDialog:
    qtbot.waitUntil(lambda: host.findChild(VisitDialog) is not None, timeout=5000)
    dialog = host.findChild(VisitDialog)
    assert isinstance(dialog, VisitDialog)
    qtbot.waitExposed(dialog)
    return dialog


def type_text(widget: QWidget, text: str) -> None:
    """Chinese arrives committed by the input method, not as key presses (QTest cannot type
    it): insert it as the input method does."""
    if isinstance(widget, QPlainTextEdit):
        widget.insertPlainText(text)
    else:
        assert isinstance(widget, QLineEdit)
        widget.insert(text)


def fill_site_visit(qtbot, dialog: VisitDialog) -> None:
    form = dialog.form
    for widget, text in (
        (form.place, "狮山镇华兴五金厂区"),
        (form.people_met, "法定代表人 王建国"),
        (form.operating_state, "两条生产线正常开工，工人约40人"),
        (form.repayment_source, "销售回款，月均流水约120万元"),
        (form.growth_prospects, "已进入家电龙头供应商名录"),
        (form.next_steps, "收集纳税证明和银行流水"),
    ):
        widget.setFocus()
        type_text(widget, text)
    form.purpose.clear()
    type_text(form.purpose, "首次走访")
    form.auth_yes.click()


def test_a_record_autosaves_as_a_draft(qtbot, rm_ui: UiContext, book: Book, host: QWidget) -> None:
    record_visit(rm_ui, host, book.ids["huaxing"])
    dialog = dialog_of(qtbot, host)
    assert dialog.form.place.text().startswith("") and dialog.detail.status == "draft"
    type_text(dialog.form.people_met, "王总")
    qtbot.keyClicks(dialog.form.need_amount, "80")
    qtbot.waitUntil(lambda: "saved" in dialog.state.text().lower(), timeout=5000)
    wait_idle(qtbot, rm_ui)
    saved = rm_ui.services.visits.get(dialog.detail.id)
    assert saved.draft.people_met == "王总"
    assert saved.draft.need_amount_fen == 80 * 1_000_000  # 80 万元
    dialog._dirty = False
    dialog.close()


def test_typing_a_wrong_time_is_said_next_to_the_field(
    qtbot, rm_ui: UiContext, book: Book, host: QWidget
) -> None:
    record_visit(rm_ui, host, book.ids["huaxing"])
    dialog = dialog_of(qtbot, host)
    dialog.form.start_time.clear()
    qtbot.keyClicks(dialog.form.start_time, "25")
    message = dialog.form.messages["start_time"]
    assert message.isVisible() and "HH:MM" in message.text()
    dialog.form.start_time.clear()
    qtbot.keyClicks(dialog.form.start_time, "9:30")
    assert not message.isVisible()
    assert dialog.form.draft().start_time == "09:30"
    dialog._dirty = False
    dialog.close()


def test_finalizing_shows_what_is_missing_then_locks_the_record(
    qtbot, rm_ui: UiContext, book: Book, host: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    record_visit(rm_ui, host, book.ids["huaxing"])
    dialog = dialog_of(qtbot, host)
    dialog.form.purpose.clear()
    qtbot.mouseClick(dialog.finalize_button, Qt.MouseButton.LeftButton)
    missing = {name for name, m in dialog.form.messages.items() if m.isVisible()}
    assert {"people_met", "purpose", "operating_state", "credit_auth", "next_steps"} <= missing
    assert not dialog.detail.is_final
    fill_site_visit(qtbot, dialog)
    dialog.form.checklist.set_ticked("literacy.products", True)
    shown = {n: m.text() for n, m in dialog.form.messages.items() if m.isVisible()}
    assert shown == {}
    qtbot.mouseClick(dialog.finalize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.detail.is_final, timeout=5000)
    assert dialog.form.people_met.isReadOnly() and not dialog.form.kind.isEnabled()
    assert dialog.amend_button.isVisible() and not dialog.finalize_button.isVisible()
    assert "hash" in dialog.banner.text()
    visits = rm_ui.services.visits
    summary = visits.for_prospect(book.ids["huaxing"])
    assert summary.last_contact_on == rm_ui.today()
    assert summary.checklist.done == 1
    dialog.close()


def test_a_finalized_record_is_amended_not_edited(
    qtbot, rm_ui: UiContext, book: Book, host: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    visits = rm_ui.services.visits
    start = visits.start_record(book.ids["huaxing"])
    final = visits.finalize(
        start.id,
        VisitDraft(
            visit_on=rm_ui.today(),
            kind="phone",
            purpose="电话回访",
            people_met="王总",
            next_steps="下周上门",
        ),
    )
    open_visit(rm_ui, host, final.id)
    dialog = dialog_of(qtbot, host)
    assert dialog.form.purpose.isReadOnly() and not dialog.form.amend_reason.isVisible()
    qtbot.mouseClick(dialog.amend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.detail.is_amendment, timeout=5000)
    assert dialog.form.amend_reason.isVisible() and not dialog.form.purpose.isReadOnly()
    dialog.form.people_met.clear()
    type_text(dialog.form.people_met, "王建国（法定代表人）")
    qtbot.mouseClick(dialog.finalize_button, Qt.MouseButton.LeftButton)
    assert dialog.form.messages["amend_reason"].isVisible()
    type_text(dialog.form.amend_reason, "更正会见人员姓名")
    qtbot.mouseClick(dialog.finalize_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.detail.is_final, timeout=5000)
    assert dialog.detail.prev_hash == final.content_hash
    original = visits.get(final.id)
    assert original.draft.people_met == "王总" and len(original.amendments) == 1
    dialog.close()


def test_planning_on_a_holiday_warns_and_a_make_up_day_is_a_working_day(
    qtbot, rm_ui: UiContext, book: Book, host: QWidget
) -> None:
    reference = rm_ui.services.visits.form_reference()
    dialog = PlanDialog(
        rm_ui, reference, host, prospect_id=book.ids["huaxing"], day=date(2026, 10, 2)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, rm_ui)
    assert "public holiday" in dialog.day_warning.text()
    assert "National Day" in dialog.day_warning.text()
    dialog.day.setDate(dialog.day.date().addDays(8))  # Sat 10 Oct 2026, worked
    assert "make-up working day" in dialog.day_warning.text()
    assert "⚠" not in dialog.day_warning.text()
    dialog.day.setDate(dialog.day.date().addDays(1))  # Sun 11 Oct
    assert "weekend" in dialog.day_warning.text()
    # 2027 is not published: its statutory holidays stand in, said to be provisional.
    dialog.day.setDate(dialog.day.date().fromString("2027-01-01", "yyyy-MM-dd"))
    assert "New Year's Day (provisional)" in dialog.day_warning.text()
    assert "⚠" in dialog.day_warning.text()
    dialog.day.setDate(dialog.day.date().fromString("2027-01-08", "yyyy-MM-dd"))
    assert "provisional" in dialog.day_warning.text()
    assert "⚠" not in dialog.day_warning.text()


def test_a_plan_is_made_from_the_dialog(qtbot, rm_ui: UiContext, book: Book, host: QWidget) -> None:
    reference = rm_ui.services.visits.form_reference()
    dialog = PlanDialog(rm_ui, reference, host)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.search, "美嘉")
    dialog.search.textEdited.emit(dialog.search.text())
    qtbot.waitUntil(lambda: dialog.matches.count() > 0 and dialog.matches.isVisible(), timeout=5000)
    # The district in the UI's language (English here), not the stored Chinese name.
    assert dialog.matches.item(0).text().split("  ·  ")[1] == "Shunde District"
    dialog.matches.itemClicked.emit(dialog.matches.item(0))
    assert dialog.prospect is not None and dialog.prospect.id == book.ids["meijia"]
    target = rm_ui.today() + timedelta(days=3)
    dialog.day.setDate(dialog.day.date().fromString(target.isoformat(), "yyyy-MM-dd"))
    qtbot.keyClicks(dialog.time, "14:30")
    type_text(dialog.purpose, "贷后回访")
    with qtbot.waitSignal(dialog.planned, timeout=5000):
        dialog.save()
    lines = rm_ui.services.visits.between(target, target)
    assert [(v.prospect_id, v.start_time, v.purpose) for v in lines] == [
        (book.ids["meijia"], "14:30", "贷后回访")
    ]


def test_the_prospect_panel_shows_rhythm_checklist_and_history(
    qtbot, rm_ui: UiContext, book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm.ui.visits.prospect_panel import ProspectVisitsPanel

    visits = rm_ui.services.visits
    start = visits.start_record(book.ids["meijia"])
    visits.finalize(
        start.id,
        VisitDraft(
            visit_on=rm_ui.today(),
            kind="phone",
            purpose="贷后回访",
            people_met="王总",
            next_steps="下周上门",
            checklist_items=("debt.capacity", "planning.renewal"),
        ),
    )
    panel = ProspectVisitsPanel(rm_ui)
    qtbot.addWidget(panel)
    panel.show()
    panel.load(book.ids["meijia"])
    wait_idle(qtbot, rm_ui)
    assert panel.history.count() == 1 and "贷后回访" in panel.history.item(0).text()
    assert (panel.bar.done, panel.bar.total) == (2, 19)
    assert len(panel.checklist.bars) == 4
    assert panel.last_contact.text()
