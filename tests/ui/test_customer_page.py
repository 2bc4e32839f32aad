"""The customer 360 page on a demo book: its header and tabs show the prospect's contacts,
loans and history; each prospect opens at its top; contacts are added and edited through
the service (reaching the outbox); read mode, Edit, Save and Esc. Screenshots at 1366×768
in Chinese and English (kept under CRM_SCREENSHOTS)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from crm.demo.builder import build_demo
from crm.domain.contact import mask_phone
from crm.domain.query import ProspectFilter, Sort
from crm.services.container import Services, open_services
from crm.ui.common.context import UiContext, load_startup
from crm.ui.common.i18n import install_translators, remove_translators
from crm.ui.common.settings import AppSettings
from crm.ui.common.tasks import TaskRunner
from crm.ui.prospects.detail_view import ProspectDetailView
from crm.ui.prospects.page import ProspectsPage
from crm.ui.shell.main_window import MainWindow
from tests.ui.helpers import wait_idle

SIZE = QSize(1366, 768)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("customer") / "demo.db"
    build_demo(path, prospects=300, seed=5)
    return path


@pytest.fixture
def services(demo_template: Path, tmp_path: Path) -> Iterator[Services]:
    path = tmp_path / "demo.db"
    path.write_bytes(demo_template.read_bytes())
    opened = open_services(path)
    yield opened
    opened.close()


@pytest.fixture
def ui(services: Services, tmp_path: Path, qtbot) -> Iterator[UiContext]:
    context = UiContext(
        services, AppSettings(tmp_path / "s.ini"), TaskRunner(), load_startup(services)
    )
    yield context
    context.tasks.wait()
    QApplication.processEvents()


@pytest.fixture
def page(ui: UiContext, qtbot) -> ProspectsPage:
    widget = ProspectsPage(ui)
    qtbot.addWidget(widget)
    widget.resize(SIZE)
    widget.show()
    widget.activateWindow()
    widget.start()
    wait_idle(qtbot, ui)
    return widget


def rich_prospect(services: Services) -> str:
    """A demo customer with people, loans and more than one stage move."""
    rows = services.prospects.page(ProspectFilter(stages=("first_loan",)), Sort(), 0, 200)
    for row in rows:
        detail = services.prospects.get(row.id)
        if len(detail.contacts) >= 2 and detail.loans and len(detail.history) > 1:
            return row.id
    raise AssertionError("the demo has no first-loan customer with people and loans")


def open_detail(page: ProspectsPage, qtbot, prospect_id: str) -> ProspectDetailView:
    page.open_prospect(prospect_id)
    wait_idle(qtbot, page.ui)
    wait_idle(qtbot, page.ui)
    detail = page.detail
    assert detail.detail is not None and detail.detail.id == prospect_id
    return detail


def show_tab(detail: ProspectDetailView, widget: QWidget, qtbot) -> None:
    detail.tabs.setCurrentWidget(widget)
    wait_idle(qtbot, detail.ui)


def outbox_ops(services: Services, entity: str) -> list[tuple[str, str, dict]]:
    from sqlalchemy import select

    from crm.store.models import OutboxOp

    with services.ctx.db.reading() as s:
        rows = s.execute(
            select(OutboxOp.entity_id, OutboxOp.kind, OutboxOp.payload)
            .where(OutboxOp.entity == entity)
            .order_by(OutboxOp.seq)
        ).all()
    return [(r[0], r[1], json.loads(r[2])) for r in rows]


def test_the_page_shows_contacts_loans_and_history(page, services, qtbot):
    pid = rich_prospect(services)
    stored = services.prospects.get(pid)
    detail = open_detail(page, qtbot, pid)

    # Read mode: the details as text, no form, no Save.
    assert not detail.editing and detail.edit_button.isVisible()
    assert not detail.save_button.isVisible() and not detail.form.isVisible()
    assert detail.profile.text("owner_name") == (stored.owner_name or "—")
    # The header: stage chip beside (not on) the name, the figures at a glance.
    assert detail.chip.text() and detail.chip.geometry().left() >= (
        detail.title.geometry().right() + 8
    )
    assert "RM:" in detail.subtitle.text() and "in this stage" in detail.subtitle.text()
    glance = detail.glance
    qtbot.waitUntil(lambda: glance.owed.text() != "—")
    outstanding = [lo for lo in stored.loans if lo.status in ("active", "overdue")]
    if outstanding:
        assert "loans: " in glance.owed.text()
        assert glance.maturity.text() != "—"
    assert " of " in glance.literacy.text() and "fit" in glance.fit.text()
    primaries = [c for c in stored.contacts if c.is_primary]
    primary = primaries[0] if primaries else stored.contacts[0]
    assert primary.name in glance.contact.text()

    show_tab(detail, detail.contacts, qtbot)
    shown = [
        detail.contacts.table.topLevelItem(n).text(0)
        for n in range(detail.contacts.table.topLevelItemCount())
    ]
    assert sorted(shown) == sorted(c.name for c in stored.contacts)

    show_tab(detail, detail.loans_scroll, qtbot)
    assert detail.loans.list.count() == len(stored.loans)

    show_tab(detail, detail.history, qtbot)
    texts = detail.history.texts()
    assert any("→" in t for t in texts)  # a stage move
    assert texts[-1] == "Added to the book"  # oldest last
    assert sum("Loan recorded" in t for t in texts) == len(stored.loans)
    assert sum("Contact added" in t for t in texts) == len(stored.contacts)
    whens = [
        detail.history.tree.topLevelItem(n).text(0)
        for n in range(detail.history.tree.topLevelItemCount())
    ]
    assert all(whens)
    detail.history.filter.setCurrentIndex(detail.history.filter.findData("stage"))
    assert all("→" in t or "pipeline" in t or "Added" in t for t in detail.history.texts())


def test_each_prospect_opens_at_its_top(page, services, qtbot):
    pid = rich_prospect(services)
    detail = open_detail(page, qtbot, pid)
    scroll = detail.overview.verticalScrollBar()
    detail.overview.widget().setMinimumHeight(2000)  # taller than the page: it scrolls
    QApplication.processEvents()
    scroll.setValue(scroll.maximum())
    assert scroll.value() > 0
    show_tab(detail, detail.history, qtbot)
    page.show_list()
    rows = services.prospects.page(ProspectFilter(), Sort(), 0, 5)
    other = next(r.id for r in rows if r.id != pid)
    detail = open_detail(page, qtbot, other)
    assert detail.tabs.currentIndex() == 0
    assert detail.overview.verticalScrollBar().value() == 0
    assert not detail.editing


def test_contacts_are_added_and_edited_through_the_service(page, services, qtbot):
    pid = rich_prospect(services)
    detail = open_detail(page, qtbot, pid)
    tab = detail.contacts
    show_tab(detail, tab, qtbot)
    before = tab.table.topLevelItemCount()

    tab.add_button.click()
    dialog = tab.dialog
    assert dialog is not None
    dialog.name.setText("")
    dialog.submitted.emit()
    wait_idle(qtbot, detail.ui)
    assert dialog.isVisible() and dialog.name_message.text() == "A name is required"
    dialog.name.setText("周晓梅")
    dialog.title_edit.setText("出纳")
    dialog.phone.setText("12345")
    dialog.submitted.emit()
    wait_idle(qtbot, detail.ui)
    assert dialog.isVisible() and "12345" in dialog.phone_message.text()  # nothing lost
    assert dialog.name.text() == "周晓梅"
    dialog.phone.setText("139 0013 9000")
    dialog.primary.setChecked(True)
    dialog.submitted.emit()
    wait_idle(qtbot, detail.ui)
    wait_idle(qtbot, detail.ui)
    assert tab.dialog is None
    assert tab.table.topLevelItemCount() == before + 1
    top = tab.table.topLevelItem(0)
    assert top.text(0) == "周晓梅" and top.text(3) == "Primary contact"  # primary first
    added = tab.selected()
    assert added is not None and added.name == "周晓梅" and added.phone == "13900139000"
    qtbot.waitUntil(lambda: "周晓梅" in detail.glance.contact.text())

    tab.edit_button.click()
    dialog = tab.dialog
    assert dialog is not None and dialog.name.text() == "周晓梅"
    dialog.title_edit.setText("财务经理")
    dialog.submitted.emit()
    wait_idle(qtbot, detail.ui)
    wait_idle(qtbot, detail.ui)
    assert tab.selected() is not None and tab.selected().title == "财务经理"

    ops = [op for op in outbox_ops(services, "contact") if op[0] == added.id]
    assert ops[0][1] == "create"
    assert ops[0][2]["name"] == "周晓梅" and ops[0][2]["prospect_id"] == pid
    assert any(p.get("title") == "财务经理" for _id, kind, p in ops if kind == "update")
    people = services.customer.contacts(pid)
    assert [c.name for c in people if c.is_primary] == ["周晓梅"]

    # Copy puts the selected person's number on the clipboard.
    tab.copy_button.click()
    assert QApplication.clipboard().text() == "13900139000"


def test_read_mode_edit_save_and_escape(page, services, qtbot):
    pid = rich_prospect(services)
    detail = open_detail(page, qtbot, pid)
    assert detail.overview_stack.currentWidget() is detail.overview
    focus = QApplication.focusWidget()
    assert focus is not None and detail.isAncestorOf(focus) and focus.isVisible()
    qtbot.keyClick(focus, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # Edit
    assert detail.editing and detail.form.isVisible() and detail.save_button.isVisible()
    assert detail.form.widgets["name"].hasFocus()
    qtbot.keyClick(detail.form.widgets["name"], Qt.Key.Key_Escape)
    assert not detail.editing
    qtbot.mouseClick(detail.edit_button, Qt.MouseButton.LeftButton)
    assert detail.editing and detail.form.isVisible() and detail.save_button.isVisible()
    assert not detail.save_button.isEnabled()  # nothing changed yet
    owner = detail.form.widgets["owner_name"]
    owner.setText("陈志强")
    assert detail.save_button.isEnabled() and detail.title.text().endswith("*")
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, detail.ui)
    wait_idle(qtbot, detail.ui)
    assert services.prospects.get(pid).owner_name == "陈志强"
    assert not detail.editing and detail.profile.text("owner_name") == "陈志强"
    assert detail.overview_stack.currentWidget() is detail.overview

    # Esc cancels: back to reading, the change thrown away, nothing saved.
    detail.start_editing()
    owner.setText("别的名字")
    qtbot.keyClick(owner, Qt.Key.Key_Escape)
    assert not detail.editing and not detail.is_dirty()
    assert owner.text() == "陈志强"
    assert services.prospects.get(pid).owner_name == "陈志强"
    assert detail.profile.text("owner_name") == "陈志强"
    pending = [op for op in outbox_ops(services, "prospect") if op[0] == pid]
    assert [p["fields"] for _id, kind, p in pending if kind == "update"] == [
        {"owner_name": "陈志强"}
    ]
    show_tab(detail, detail.history, qtbot)
    assert any("legal representative" in t for t in detail.history.texts())


def test_documents_lists_the_files_of_the_visits_and_saves_a_copy(
    page, services, qtbot, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    from tests.attachments.media import pdf, png

    pid = rich_prospect(services)
    before = len(services.customer.documents(pid))
    record = services.visits.start_record(pid)
    licence = pdf("营业执照")
    services.attachments.attach_bytes(
        record.id, licence, filename="licence.pdf", kind="licence", caption="营业执照副本"
    )
    services.attachments.attach_bytes(record.id, png(), filename="door.png", kind="signboard")
    detail = open_detail(page, qtbot, pid)
    tab = detail.documents
    show_tab(detail, tab, qtbot)
    assert tab.tree.topLevelItemCount() == before + 2
    names = {tab.tree.topLevelItem(n).text(2) for n in range(tab.tree.topLevelItemCount())}
    assert {"营业执照副本", "door.png"} <= names
    licence_row = next(
        tab.tree.topLevelItem(n)
        for n in range(tab.tree.topLevelItemCount())
        if tab.tree.topLevelItem(n).text(2) == "营业执照副本"
    )
    assert licence_row.text(1) == "Business licence"
    tab.tree.setCurrentItem(licence_row)
    target = tmp_path / "copy.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    tab.save_button.click()
    wait_idle(qtbot, detail.ui)
    assert target.read_bytes() == licence  # the file as attached, read back
    line = services.audit.lines(action="export")[0]
    assert line.detail == {"format": "attachment", "kind": "licence", "bytes": len(licence)}


def test_documents_say_where_they_come_from_when_there_are_none(page, ui, qtbot):
    from crm.domain.prospect import ProspectDraft

    created = ui.services.prospects.create(ProspectDraft(name="佛山市禅城区新开五金店"))
    detail = open_detail(page, qtbot, created.id)
    show_tab(detail, detail.documents, qtbot)
    assert detail.documents.stack.currentWidget() is detail.documents.empty
    assert "visit records" in detail.documents.empty.text.text()
    show_tab(detail, detail.contacts, qtbot)
    assert detail.contacts.stack.currentWidget() is detail.contacts.empty
    assert detail.glance.contact.text() == "none yet"


# -- screenshots -------------------------------------------------------------------------------


@pytest.fixture(params=("zh_CN", "en"))
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    installed = install_translators(qapp, request.param)
    yield request.param
    remove_translators(qapp, installed)


def _clipped(root: QWidget) -> list[str]:
    """Visible one-line labels whose text is wider than the label (cut off)."""
    found = []
    for label in root.findChildren(QLabel):
        text = label.text()
        if (
            not label.isVisible()
            or label.wordWrap()
            or not text
            or "<" in text
            or not label.pixmap().isNull()
        ):
            continue
        if label.fontMetrics().horizontalAdvance(text) > label.contentsRect().width() + 1:
            found.append(text)
    return found


def test_screenshots(services, tmp_path, qtbot, language):
    ui = UiContext(services, AppSettings(tmp_path / "w.ini"), TaskRunner(), load_startup(services))
    window = MainWindow(ui, language=language)
    qtbot.addWidget(window)
    window.resize(SIZE)
    window.show()
    wait_idle(qtbot, ui)
    pid = rich_prospect(services)
    window.open_prospect(pid)
    wait_idle(qtbot, ui)
    wait_idle(qtbot, ui)
    page = window.current_page()
    assert isinstance(page, ProspectsPage)
    detail = page.detail
    qtbot.waitUntil(lambda: detail.glance.owed.text() != "—")
    folder = os.environ.get("CRM_SCREENSHOTS")
    shots = [
        ("overview", detail.overview_stack),
        ("contacts", detail.contacts),
        ("visits", detail.visits_tab),
        ("loans", detail.loans_scroll),
        ("checklist", detail.checklist),
        ("plan", detail.plan),
        ("history", detail.history),
        ("documents", detail.documents),
    ]
    for name, tab in shots:
        detail.tabs.setCurrentWidget(tab)
        wait_idle(qtbot, ui)
        QApplication.processEvents()
        assert _clipped(detail.glance) == [], name
        pixmap = window.grab()
        assert pixmap.size() == SIZE
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            pixmap.save(str(Path(folder) / f"360-{name}.{language}.png"))
    detail.start_editing()
    QApplication.processEvents()
    if folder:
        window.grab().save(str(Path(folder) / f"360-edit.{language}.png"))
    detail.cancel_editing()
    detail.tabs.setCurrentWidget(detail.contacts)
    wait_idle(qtbot, ui)
    detail.contacts.edit()
    dialog = detail.contacts.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.phone.setText("12345")
    dialog.submitted.emit()
    wait_idle(qtbot, ui)
    message = dialog.phone_message
    assert message.isVisible()
    assert message.height() >= message.heightForWidth(message.width())  # all lines shown
    assert _clipped(dialog) == []
    if folder:
        dialog.grab().save(str(Path(folder) / f"360-contact-dialog.{language}.png"))
    dialog.reject()
    ui.tasks.wait()
    window.close()


def test_an_edit_made_without_edit_shows_save_until_undone(page, services, qtbot):
    detail = open_detail(page, qtbot, rich_prospect(services))
    notes = detail.form.widgets["notes"]
    notes.setPlainText("下周回访")  # as a product prompt or an undo/redo would
    assert detail.editing and detail.save_button.isVisible() and detail.save_button.isEnabled()
    detail.form.undo_stack.undo()
    assert not detail.is_dirty() and not detail.editing
    assert detail.overview_stack.currentWidget() is detail.overview
    detail.start_editing()  # chosen: stays in edit mode when clean
    notes.setPlainText("下周回访")
    detail.form.undo_stack.undo()
    assert detail.editing


def test_the_short_name_is_shown_and_rewritten_from_the_header(page, services, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    pid = rich_prospect(services)
    detail = open_detail(page, qtbot, pid)
    derived = services.prospects.get(pid).short_name
    assert derived and len(derived) < len(detail.detail.name)  # 佛山市…有限公司 cut
    assert derived in detail.short_name.text() and detail.short_name.isVisible()
    # Beside the chip, never on it.
    assert detail.short_name.geometry().left() >= detail.chip.geometry().right() + 8

    answers = [("凯旋牛仔", True), ("", True)]
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: answers.pop(0))
    detail.short_name.click()
    wait_idle(qtbot, detail.ui)
    assert services.prospects.get(pid).short_name == "凯旋牛仔"
    qtbot.waitUntil(lambda: "凯旋牛仔" in detail.short_name.text())
    detail.short_name.click()  # empty: made from the registered name again
    wait_idle(qtbot, detail.ui)
    assert services.prospects.get(pid).short_name == derived
    qtbot.waitUntil(lambda: derived in detail.short_name.text())


def test_phone_numbers_are_masked_until_shown_and_showing_is_audited(page, services, qtbot):
    pid = rich_prospect(services)
    full = services.prospects.get(pid)
    detail = open_detail(page, qtbot, pid)
    sheet = detail.profile
    assert full.phone and sheet.text("phone") == mask_phone(full.phone) != full.phone
    assert full.phone not in detail.glance.contact.text()
    assert services.audit.lines(action="unmask") == []

    qtbot.mouseClick(sheet.show_phone, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, detail.ui)
    assert sheet.text("phone") == full.phone and not sheet.show_phone.isVisible()
    [line] = services.audit.lines(action="unmask")
    assert (line.target_id, line.detail) == (pid, {"field": "phone", "via": "show"})

    tab = detail.contacts
    show_tab(detail, tab, qtbot)
    person = tab.selected()
    assert person is not None and person.phone
    row = tab.table.currentItem()
    assert row.text(2) == mask_phone(person.phone)
    tab.show_button.click()
    wait_idle(qtbot, detail.ui)
    assert row.text(2) == person.phone and not tab.show_button.isEnabled()
    tab.copy_button.click()
    wait_idle(qtbot, detail.ui)
    assert QApplication.clipboard().text() == person.phone
    shown, copied = services.audit.lines(action="unmask", limit=2)[::-1]
    assert (shown.target_id, shown.detail["via"]) == (person.id, "show")
    assert (copied.target_id, copied.detail["via"]) == (person.id, "copy")
    # Another prospect opens masked again.
    other = next(
        r.id
        for r in services.prospects.page(ProspectFilter(), Sort(), 0, 50)
        if r.id != pid and services.prospects.get(r.id).phone
    )
    open_detail(page, qtbot, other)
    assert sheet.show_phone.isVisible() and "*" in sheet.text("phone")
    # The form shows the number in full too: editing is written to the log as well.
    detail.start_editing()
    wait_idle(qtbot, detail.ui)
    edited = services.audit.lines(action="unmask")[0]
    assert (edited.target_id, edited.detail["via"]) == (other, "edit")
    detail.cancel_editing()
