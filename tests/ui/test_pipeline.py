"""The pipeline board: counts per stage, paging per column, stalled cards, and stage moves by
drag and drop through the same gates as everywhere (accepted, asked for a reason, refused).

Real drag and drop needs a window system; the tests hand the drop handler the same
QDropEvent a drop delivers, with the MIME data the source column makes for its cards.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMessageBox

from crm.services.records import ProspectRow
from crm.ui.pipeline.card_model import make_card
from crm.ui.pipeline.page import PipelinePage
from tests.ui.helpers import record_phone_call, wait_idle

# PySide6 marks QDragEnterEvent's only constructor deprecated; it is what a drop delivers.
pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")


@pytest.fixture
def board(qtbot, ui):
    page = PipelinePage(ui)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.start()
    wait_idle(qtbot, ui)
    return page


@pytest.fixture
def warnings(monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text, *a, **k: said.append(text)
    )
    return said


def card_names(board: PipelinePage, stage: str) -> list[str]:
    model = board.columns[stage].model
    return [model.card(r).row.name for r in range(model.count())]


def drag_data(board: PipelinePage, stage: str, name: str):
    """The MIME data the column makes when the user starts dragging this card."""
    column = board.columns[stage]
    row = card_names(board, stage).index(name)
    return column.model.mimeData([column.model.index(row, 0)])


# What a drag from a column offers (CardModel.supportedDragActions).
OFFERED = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction


def drop(board: PipelinePage, mime, target: str) -> QDropEvent:
    view = board.columns[target].list
    enter = QDragEnterEvent(
        view.rect().center(),
        OFFERED,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dragEnterEvent(enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(view.rect().center()),
        OFFERED,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(event)
    return event


def test_columns_show_counts_and_cards(board):
    counts = {stage: column.count.text() for stage, column in board.columns.items()}
    assert counts == {"no_loan": "3", "first_loan": "1", "strategic": "0", "dropped": "1"}
    assert set(card_names(board, "no_loan")) == {
        "佛山市南海区华兴五金制品厂",
        "禅城区陶瓷之家经营部",
        "佛山市高明区绿源农业专业合作社",
    }
    assert board.total_label.text() == "5 prospects"
    assert not board.columns["no_loan"].more.isVisible()


def test_a_column_pages_with_show_more(board, qtbot):
    column = board.columns["no_loan"]
    column.model.page_size = 2
    board.reload()
    wait_idle(qtbot, board.ui)
    assert column.model.count() == 2
    assert column.more.isVisible()
    assert column.more.text() == "Show more (2 of 3)"
    column.more.click()
    wait_idle(qtbot, board.ui)
    assert column.model.count() == 3
    assert not column.more.isVisible()


def test_filter_by_rm_and_source(board, book, qtbot):
    board.filters.rm.set_selected((book.rms[1].id,))
    wait_idle(qtbot, board.ui)
    assert card_names(board, "no_loan") == ["禅城区陶瓷之家经营部"]
    assert board.columns["first_loan"].count.text() == "0"
    board.filters.rm.set_selected(())
    board.filters.source.set_selected(("credit_platform",))
    wait_idle(qtbot, board.ui)
    assert card_names(board, "dropped") == ["深圳腾讯计算机系统有限公司佛山分公司"]
    assert board.columns["no_loan"].count.text() == "0"


def test_drop_that_needs_no_words_moves_at_once(board, book, qtbot, warnings):
    # Reactivating is explained; moving forward with a loan is not: give taoci a loan first.
    from crm.services.loans import LoanDraft, record_loan

    today = book.services.ctx.today()
    record_loan(
        book.services.ctx,
        book.ids["taoci"],
        LoanDraft(50_000_000, 400, today, today + timedelta(days=365)),
    )
    drop(board, drag_data(board, "no_loan", "禅城区陶瓷之家经营部"), "first_loan")
    assert board.mover.dialog is None
    wait_idle(qtbot, board.ui)
    wait_idle(qtbot, board.ui)
    assert book.services.prospects.get(book.ids["taoci"]).stage == "first_loan"
    assert "禅城区陶瓷之家经营部" in card_names(board, "first_loan")
    assert board.columns["first_loan"].count.text() == "2"
    assert warnings == []


def test_refused_drop_names_the_gate(board, book, qtbot, warnings):
    drop(board, drag_data(board, "no_loan", "佛山市南海区华兴五金制品厂"), "first_loan")
    wait_idle(qtbot, board.ui)
    assert len(warnings) == 1
    assert "A first-loan customer needs a recorded loan" in warnings[0]
    assert "Record the first loan" in warnings[0]
    assert book.services.prospects.get(book.ids["huaxing"]).stage == "no_loan"
    assert "佛山市南海区华兴五金制品厂" in card_names(board, "no_loan")


def test_drop_to_dropped_asks_for_the_reason(board, book, qtbot, warnings):
    drop(board, drag_data(board, "no_loan", "佛山市高明区绿源农业专业合作社"), "dropped")
    dialog = board.mover.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.target_stage() == "dropped"
    assert dialog.reason_code.isVisible()
    dialog.reason_code.setCurrentIndex(dialog.reason_code.findData("other"))
    dialog.move_button.click()  # "other" needs words
    assert dialog.reason_text_message.isVisible()
    dialog.reason_text.setPlainText("合作社已迁往外市")
    dialog.move_button.click()
    wait_idle(qtbot, board.ui)
    wait_idle(qtbot, board.ui)
    moved = book.services.prospects.get(book.ids["lvyuan"])
    assert moved.stage == "dropped"
    assert (moved.history[-1].reason_code, moved.history[-1].reason_text) == (
        "other",
        "合作社已迁往外市",
    )
    assert board.columns["dropped"].count.text() == "2"
    assert board.mover.dialog is None


def test_refusal_in_the_dialog_says_which_gate(board, book, qtbot, warnings):
    # Reactivating a dropped prospect as a first-loan customer: explained, but no loan.
    drop(board, drag_data(board, "dropped", "深圳腾讯计算机系统有限公司佛山分公司"), "first_loan")
    dialog = board.mover.dialog
    assert dialog is not None
    dialog.reason_text.setPlainText("客户重新有融资需求")
    dialog.move_button.click()
    wait_idle(qtbot, board.ui)
    assert dialog.isVisible()
    assert dialog.error_box.isVisible()
    assert dialog.error_title.text() == "The move was refused: Loan required"
    assert "needs a recorded loan" in dialog.error_text.text()
    assert book.services.prospects.get(book.ids["tengxun"]).stage == "dropped"
    assert warnings == []
    dialog.reject()


def test_refusal_is_said_in_chinese(chinese, board, book, qtbot, warnings):
    drop(board, drag_data(board, "first_loan", "佛山市顺德区美嘉家具有限公司"), "strategic")
    wait_idle(qtbot, board.ui)
    assert len(warnings) == 1
    assert "战略客户" in warnings[0]


def test_a_card_cannot_be_dropped_on_its_own_column(board):
    column = board.columns["no_loan"]
    mime = drag_data(board, "no_loan", "佛山市南海区华兴五金制品厂")
    enter = QDragEnterEvent(
        column.list.rect().center(),
        OFFERED,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    column.list.dragEnterEvent(enter)
    assert not enter.isAccepted()


def test_drop_never_deletes_from_the_source_column(board, qtbot, warnings):
    mime = drag_data(board, "no_loan", "佛山市南海区华兴五金制品厂")
    event = drop(board, mime, "first_loan")
    assert event.dropAction() == Qt.DropAction.CopyAction
    wait_idle(qtbot, board.ui)


def test_move_to_menu_goes_through_the_same_flow(board, book, qtbot, warnings):
    column = board.columns["first_loan"]
    column.list.setCurrentIndex(column.model.index(0, 0))
    column.moveRequested.emit(column.selected_items(), "no_loan")  # Move to ▸ 无贷户
    dialog = board.mover.dialog
    assert dialog is not None  # moving back needs a reason
    assert dialog.reason_text_label.text() == "Reason (required):"
    dialog.reject()


def test_double_click_asks_to_open_the_prospect(board, book, qtbot):
    column = board.columns["first_loan"]
    with qtbot.waitSignal(board.openProspect) as opened:
        column.list.doubleClicked.emit(column.model.index(0, 0))
    assert opened.args == [book.ids["meijia"]]


def _row(
    stage: str, days_in_stage: int, days_since_contact: int | None, today: date
) -> ProspectRow:
    changed = datetime.combine(
        today - timedelta(days=days_in_stage), datetime.min.time(), tzinfo=UTC
    ) + timedelta(hours=6)
    contact = None if days_since_contact is None else today - timedelta(days=days_since_contact)
    return ProspectRow(
        "id",
        "某公司",
        None,
        "enterprise",
        stage,
        "",
        "",
        None,
        None,
        None,
        None,
        None,
        contact,
        changed,
        changed,
    )


@pytest.mark.parametrize(
    ("stage", "in_stage", "since_contact", "stalled"),
    [
        ("no_loan", 61, None, True),
        ("no_loan", 61, 60, True),
        ("no_loan", 61, 10, False),  # contacted recently
        ("no_loan", 30, None, False),  # moved recently
        ("first_loan", 90, 90, True),
        ("dropped", 400, None, False),  # out of the pipeline: not "stalled"
    ],
)
def test_stalled_cards(stage, in_stage, since_contact, stalled):
    from zoneinfo import ZoneInfo

    today = date(2026, 11, 23)
    card = make_card(
        _row(stage, in_stage, since_contact, today), today, ZoneInfo("Asia/Shanghai"), 60
    )
    assert card.stalled is stalled
    assert card.days_in_stage == in_stage


def test_cards_show_the_financial_literacy_checklist(board, book, qtbot):
    covered = ("debt.capacity", "planning.renewal")
    record_phone_call(board.ui, book.ids["meijia"], "电话辅导", covered)
    board.reload()
    wait_idle(qtbot, board.ui)
    model = board.columns["first_loan"].model
    card = model.card(card_names(board, "first_loan").index("佛山市顺德区美嘉家具有限公司"))
    done, total = card.checklist
    assert done == 2 and total >= done
    row = card_names(board, "first_loan").index("佛山市顺德区美嘉家具有限公司")
    tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert f"2 of {total}" in tip
    others = [model.card(r) for r in range(model.count()) if model.card(r) is not card]
    assert all(c.checklist is not None and c.checklist[0] == 0 for c in others)


def test_stalled_cards_come_first_then_the_longest_in_stage(board, qtbot):
    assert board.sort_box.currentData() == "stalled"
    for column in board.columns.values():
        cards = [column.model.card(r) for r in range(column.model.count())]
        flags = [c.stalled for c in cards]
        assert flags == sorted(flags, reverse=True), column.stage
        for group in (True, False):
            days = [c.days_in_stage for c in cards if c.stalled is group]
            assert days == sorted(days, reverse=True), column.stage


def test_the_sort_box_orders_every_column(board, qtbot):
    from crm.domain.pinyin import sort_key
    from crm.ui.pipeline.card_model import CardOrder

    board.set_order(CardOrder.NAME)
    wait_idle(qtbot, board.ui)
    shown = card_names(board, "no_loan")
    assert shown == sorted(shown, key=sort_key)
    board.set_order(CardOrder.RECENT)
    wait_idle(qtbot, board.ui)
    model = board.columns["no_loan"].model
    days = [model.card(r).days_in_stage for r in range(model.count())]
    assert days == sorted(days)


def test_a_dropped_card_says_why_and_when_to_revisit(board, book, qtbot):
    book.services.prospects.change_stage(book.ids["lvyuan"], "dropped", reason_code="no_need")
    board.reload()
    wait_idle(qtbot, board.ui)
    model = board.columns["dropped"].model
    row = card_names(board, "dropped").index("佛山市高明区绿源农业专业合作社")
    card = model.card(row)
    assert card.drop_reason == "no_need"
    assert card.revisit_on is not None and card.revisit_on > board.ui.today()
    assert card.checklist is None  # no progress bar on a dropped card
    tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "Dropped: No financing need" in tip and "Revisit on" in tip
    # The card shows the short name: the region prefix is of no use on a narrow card.
    assert model.data(model.index(row, 0), Qt.ItemDataRole.DisplayRole) == "绿源农业专业合作社"
