"""The prospect detail and the new-prospect dialog: validation as you type, undo and redo,
saving with Ctrl+S, the unsaved-changes guard, stale edits and duplicate USCCs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from crm.services.detail_records import ProspectDetail
from crm.ui.prospects.page import ProspectsPage
from crm.ui.shell.main_window import MainWindow
from tests.ui.helpers import record_phone_call, wait_idle

Button = QMessageBox.StandardButton


@pytest.fixture
def page(qtbot, ui):
    widget = ProspectsPage(ui)
    qtbot.addWidget(widget)
    widget.resize(1200, 720)
    widget.show()
    widget.activateWindow()
    widget.start()
    wait_idle(qtbot, ui)
    return widget


@pytest.fixture
def opened(page, book, qtbot):
    page.open_prospect(book.ids["huaxing"])
    wait_idle(qtbot, page.ui)
    assert page.showing_detail() and page.detail.detail is not None
    return page


@pytest.fixture
def answers(monkeypatch):
    """Patch QMessageBox.question: each call takes the next answer and records its text."""
    asked: list[str] = []
    queue: list[Button] = []

    def question(_parent, _title, text, *_args, **_kwargs):
        asked.append(text)
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked, queue


def test_fields_say_what_is_wrong_as_the_user_types(opened, qtbot):
    form = opened.detail.form
    form.widgets["name"].clear()
    assert form.messages["name"].text() == "A name is required"
    assert form.messages["name"].isVisible()
    assert form.widgets["name"].property("invalid") is True

    form.widgets["phone"].clear()
    qtbot.keyClicks(form.widgets["phone"], "12345")
    assert "12345" in form.messages["phone"].text()

    form.widgets["uscc"].clear()
    qtbot.keyClicks(form.widgets["uscc"], "91440605MA4W1HX01X")
    assert "Check character should be L" in form.messages["uscc"].text()
    form.widgets["uscc"].clear()
    qtbot.keyClicks(form.widgets["uscc"], "91440605MA4W1HX01L")
    assert not form.messages["uscc"].isVisible()

    form.widgets["capital"].setText("12,5")
    assert form.messages["capital"].text()
    form.widgets["capital"].setText("12.5")
    assert not form.messages["capital"].isVisible()

    form.widgets["industry_code"].setEditText("没有这个行业")
    assert "Choose an industry" in form.messages["industry_code"].text()
    assert set(form.errors()) == {"name", "phone", "industry_code"}


def test_messages_are_in_chinese_when_the_ui_is(chinese, opened):
    form = opened.detail.form
    form.widgets["name"].clear()
    assert form.messages["name"].text() == "名称不能为空"


def test_save_refuses_invalid_fields_and_points_at_them(opened, book, qtbot):
    form = opened.detail.form
    form.widgets["name"].clear()
    with qtbot.waitSignal(opened.detail.message) as said:
        opened.detail.save()
    assert "Not saved" in said.args[0]
    assert book.services.prospects.get(book.ids["huaxing"]).name == "佛山市南海区华兴五金制品厂"


def test_undo_and_redo_with_the_keyboard(opened, qtbot):
    form = opened.detail.form
    owner, phone = form.widgets["owner_name"], form.widgets["phone"]
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    owner.setFocus()
    owner.selectAll()
    qtbot.keyClicks(owner, "Li Ming")
    phone.setFocus()  # leaving the field ends the typing step
    phone.clear()
    assert form.undo_stack.count() == 2  # the typing (merged into one step), the phone
    qtbot.keyClick(phone, Qt.Key.Key_Z, ctrl)
    assert phone.text() == "13800138000"
    assert owner.text() == "Li Ming"
    qtbot.keyClick(phone, Qt.Key.Key_Z, ctrl)
    assert owner.text() == "王建国"
    assert not opened.detail.is_dirty()
    qtbot.keyClick(owner, Qt.Key.Key_Z, ctrl | shift)
    assert owner.text() == "Li Ming"
    assert opened.detail.is_dirty()
    qtbot.keyClick(owner, Qt.Key.Key_Y, ctrl)
    assert phone.text() == ""
    assert form.value("phone") == ""


def test_typing_merges_into_one_step_and_checkboxes_undo_too(opened, qtbot):
    form = opened.detail.form
    name = form.widgets["name"]
    name.setFocus()
    name.end(False)
    qtbot.keyClicks(name, "abc")
    assert form.undo_stack.count() == 1
    box = form.widgets["tags"].boxes["green"]
    box.click()
    assert "green" in form.value("tags")
    form.undo_stack.undo()
    assert not box.isChecked()
    form.undo_stack.undo()
    assert name.text() == "佛山市南海区华兴五金制品厂"


def test_ctrl_s_saves_through_the_service(opened, book, qtbot):
    detail = opened.detail
    before = detail.detail.version
    detail.form.widgets["owner_name"].setText("李明")
    detail.form.widgets["tags"].boxes["tech"].click()
    assert detail.save_button.isEnabled()
    qtbot.keyClick(
        detail.form.widgets["owner_name"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
    )
    wait_idle(qtbot, opened.ui)
    saved = book.services.prospects.get(book.ids["huaxing"])
    assert saved.owner_name == "李明"
    assert "tech" in saved.tags
    assert saved.version == before + 1
    assert not detail.is_dirty()
    assert not detail.save_button.isEnabled()
    assert detail.detail.version == saved.version


def test_a_change_made_elsewhere_is_not_overwritten(opened, book, qtbot, answers):
    asked, queue = answers
    draft = book.services.prospects.get(book.ids["huaxing"]).draft()
    draft.notes = "changed on another device"
    book.services.prospects.update(book.ids["huaxing"], draft)
    opened.detail.form.widgets["owner_name"].setText("李明")
    queue.append(Button.Yes)  # reload
    opened.detail.save()
    wait_idle(qtbot, opened.ui)
    assert "changed elsewhere" in asked[0]
    wait_idle(qtbot, opened.ui)
    assert opened.detail.form.value("notes") == "changed on another device"
    assert opened.detail.form.value("owner_name") == "王建国"
    assert book.services.prospects.get(book.ids["huaxing"]).owner_name == "王建国"


@pytest.mark.parametrize(
    ("answer", "on_detail", "owner"),
    [
        (Button.Cancel, True, "李明"),
        (Button.Discard, False, "王建国"),
        (Button.Save, False, "李明"),
    ],
)
def test_leaving_with_unsaved_changes_asks_first(
    opened, book, qtbot, answers, answer, on_detail, owner
):
    asked, queue = answers
    opened.detail.form.widgets["owner_name"].setText("李明")
    queue.append(answer)
    opened.detail.back_action.trigger()
    wait_idle(qtbot, opened.ui)
    assert len(asked) == 1 and "unsaved changes" in asked[0]
    assert opened.showing_detail() == on_detail
    stored = book.services.prospects.get(book.ids["huaxing"]).owner_name
    assert stored == ("李明" if answer == Button.Save else "王建国")
    assert opened.detail.form.value("owner_name") == owner


def test_opening_another_prospect_is_guarded_too(opened, book, qtbot, answers):
    asked, queue = answers
    opened.detail.form.widgets["owner_name"].setText("李明")
    queue.append(Button.Cancel)
    opened.open_prospect(book.ids["taoci"])
    assert opened.detail.detail.id == book.ids["huaxing"]
    queue.append(Button.Discard)
    opened.open_prospect(book.ids["taoci"])
    wait_idle(qtbot, opened.ui)
    assert opened.detail.detail.id == book.ids["taoci"]
    assert len(asked) == 2


def test_closing_the_window_with_unsaved_changes_asks(qtbot, ui, book, answers):
    asked, queue = answers
    window = MainWindow(ui)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, ui)
    window.open_prospect(book.ids["huaxing"])
    wait_idle(qtbot, ui)
    page = window.current_page()
    assert isinstance(page, ProspectsPage)
    page.detail.form.widgets["owner_name"].setText("李明")
    queue.append(Button.Cancel)
    assert not window.close()
    assert window.isVisible()
    queue.append(Button.Save)
    window.close()
    wait_idle(qtbot, ui)
    qtbot.waitUntil(lambda: not window.isVisible())
    assert book.services.prospects.get(book.ids["huaxing"]).owner_name == "李明"
    assert len(asked) == 2


def test_stage_history_reads_as_a_timeline(page, book, qtbot):
    page.open_prospect(book.ids["tengxun"])
    wait_idle(qtbot, page.ui)
    entries = page.detail.timeline.entries
    assert len(entries) == 2
    texts = [
        " | ".join(label.text() for label in entry.findChildren(type(page.detail.title)))
        for entry in entries
    ]
    assert "No-loan prospect → Dropped" in texts[0]  # newest first
    assert "Chose another bank — 已在他行获得授信" in texts[0]
    assert "Entered the pipeline as No-loan prospect" in texts[1]
    assert page.detail.chip.text() == "Dropped"


def test_changing_stage_from_the_detail_keeps_unsaved_edits(opened, book, qtbot):
    detail = opened.detail
    detail.form.widgets["owner_name"].setText("李明")
    detail.stage_button.click()
    dialog = detail.mover.dialog
    assert dialog is not None
    dialog.target.setCurrentIndex(dialog.target.findData("dropped"))
    dialog.reason_code.setCurrentIndex(dialog.reason_code.findData("closed"))
    dialog.move_button.click()
    wait_idle(qtbot, opened.ui)
    wait_idle(qtbot, opened.ui)
    assert detail.detail.stage == "dropped"
    assert detail.form.value("owner_name") == "李明"
    detail.save()  # the new version was taken over, so this is no stale edit
    wait_idle(qtbot, opened.ui)
    assert book.services.prospects.get(book.ids["huaxing"]).owner_name == "李明"


# -- new prospect ------------------------------------------------------------------------------


def test_new_prospect_is_created_and_opened(page, book, qtbot):
    page.new_prospect()
    dialog = page.new_dialog
    assert dialog is not None
    dialog.form.widgets["name"].setText("佛山市禅城区新兴陶瓷贸易有限公司")
    qtbot.keyClicks(dialog.form.widgets["uscc"], "91440604MA4W9XX09")
    assert dialog.form.messages["uscc"].isVisible()  # 17 characters
    qtbot.keyClicks(dialog.form.widgets["uscc"], "K")
    dialog.form.widgets["district_code"].setCurrentIndex(
        dialog.form.widgets["district_code"].findData("440604")
    )
    dialog.form.widgets["industry_code"].setEditText("51")
    assert dialog.form.value("industry_code") == "51"
    assert dialog.form.is_valid(), dialog.form.errors()
    dialog.submit()
    wait_idle(qtbot, page.ui)
    wait_idle(qtbot, page.ui)
    assert page.new_dialog is None
    assert page.showing_detail()
    created = page.detail.detail
    assert isinstance(created, ProspectDetail)
    assert created.name == "佛山市禅城区新兴陶瓷贸易有限公司"
    assert created.industry_code == "51" and created.district_code == "440604"
    assert page.list.model.total == 6


def test_new_prospect_with_a_known_uscc_offers_the_existing_one(page, book, qtbot, answers):
    asked, queue = answers
    page.new_prospect()
    dialog = page.new_dialog
    existing = book.services.prospects.get(book.ids["meijia"])
    dialog.form.widgets["name"].setText("美嘉家具（重复录入）")
    qtbot.keyClicks(dialog.form.widgets["uscc"], existing.uscc)
    # As the user types: the form looks the USCC up and says who has it.
    qtbot.waitUntil(lambda: "already has this USCC" in dialog.form.messages["uscc"].text())
    assert existing.name in dialog.form.messages["uscc"].text()
    # Creating anyway: the service refuses and the dialog offers the existing prospect.
    dialog.form._errors.pop("uscc")
    queue.append(Button.Open)
    dialog.submit()
    wait_idle(qtbot, page.ui)
    assert "already has the USCC" in asked[0]
    wait_idle(qtbot, page.ui)
    assert page.new_dialog is None
    assert page.detail.detail is not None and page.detail.detail.id == existing.id
    assert page.list.model.total == 5


def test_the_duplicate_link_opens_the_existing_prospect(page, book, qtbot):
    page.new_prospect()
    dialog = page.new_dialog
    existing_id = book.ids["taoci"]
    uscc = book.services.prospects.get(existing_id).uscc
    qtbot.keyClicks(dialog.form.widgets["uscc"], uscc)
    qtbot.waitUntil(lambda: "open:" in dialog.form.messages["uscc"].text())
    dialog.form.messages["uscc"].linkActivated.emit(f"open:{existing_id}")
    wait_idle(qtbot, page.ui)
    assert page.new_dialog is None
    assert page.detail.detail is not None and page.detail.detail.id == existing_id


def test_cancelling_a_typed_new_prospect_asks(page, qtbot, answers):
    asked, queue = answers
    page.new_prospect()
    dialog = page.new_dialog
    dialog.form.widgets["name"].setText("草稿")
    queue.append(Button.Cancel)
    dialog.reject()
    assert dialog.isVisible()
    queue.append(Button.Discard)
    dialog.reject()
    assert not dialog.isVisible()
    assert len(asked) == 2


def test_the_detail_shows_the_prospects_visits(page, book, qtbot):
    record_phone_call(page.ui, book.ids["meijia"], "贷后回访", ("debt.capacity",))
    assert page.detail.visits is None  # made with the first prospect opened, not at start
    page.open_prospect(book.ids["meijia"])
    wait_idle(qtbot, page.ui)
    panel = page.detail.visits
    assert panel is not None
    page.detail.tabs.setCurrentWidget(page.detail.visits_tab)  # the Visits tab
    assert panel.isVisible()
    assert panel.history.count() == 1 and "贷后回访" in panel.history.item(0).text()
    assert panel.bar.done == 1
    page.show_list()
    page.open_prospect(book.ids["huaxing"])  # the same panel, now for another prospect
    wait_idle(qtbot, page.ui)
    assert page.detail.visits is panel
    assert panel.prospect_id == book.ids["huaxing"] and panel.history.count() == 0
