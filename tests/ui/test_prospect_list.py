"""The prospect list against a book with known prospects: filters, search, sorting, paging,
and the bulk actions, all through real services on a real database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QHeaderView

from crm.domain.pinyin import sort_key
from crm.domain.query import UNASSIGNED, ProspectFilter, Sort, SortColumn
from crm.ui.prospects.list_view import ProspectListView
from crm.ui.prospects.table_model import COLUMNS, ProspectTableModel
from tests.ui.helpers import wait_idle


@pytest.fixture
def view(qtbot, ui):
    widget = ProspectListView(ui)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.restore()
    wait_idle(qtbot, ui)
    return widget


def names(view: ProspectListView) -> list[str]:
    return [view.model.row_at(r).name for r in range(view.model.rowCount())]


def keys(view: ProspectListView, book) -> set[str]:
    by_id = {v: k for k, v in book.ids.items()}
    return {by_id[view.model.row_at(r).id] for r in range(view.model.rowCount())}


def test_model_passes_qt_model_tester(qtmodeltester, qtbot, ui):
    model = ProspectTableModel(ui, page_size=2)
    model.set_query(ProspectFilter())
    wait_idle(qtbot, ui)
    qtmodeltester.check(model)
    wait_idle(qtbot, ui)  # the tester may have asked for the next page
    qtmodeltester.check(model)


def test_list_shows_every_prospect_with_a_count(view):
    assert view.model.rowCount() == 5
    assert view.count_label.text() == "5 prospects"
    assert not view.empty.isVisible()


@pytest.mark.parametrize(
    ("button", "codes", "expected"),
    [
        ("stage", ("first_loan",), {"meijia"}),
        ("stage", ("no_loan", "dropped"), {"huaxing", "taoci", "lvyuan", "tengxun"}),
        ("source", ("park",), {"huaxing"}),
        ("source", ("supply_chain", "rural"), {"meijia", "lvyuan"}),
        ("district", ("440605",), {"huaxing", "tengxun"}),
        ("industry", ("C",), {"huaxing", "meijia"}),  # a section means all its divisions
        ("industry", ("33",), {"huaxing"}),
        ("tag", ("agri",), {"lvyuan"}),
    ],
)
def test_filters_narrow_the_list(view, book, qtbot, button, codes, expected):
    getattr(view.filters, button).set_selected(codes)
    wait_idle(qtbot, view.ui)
    assert keys(view, book) == expected


def test_rm_filter_knows_unassigned(view, book, qtbot):
    view.filters.rm.set_selected((book.rms[1].id,))
    wait_idle(qtbot, view.ui)
    assert keys(view, book) == {"taoci"}
    view.filters.rm.set_selected((UNASSIGNED,))
    wait_idle(qtbot, view.ui)
    assert keys(view, book) == {"lvyuan"}


def test_no_contact_filter_keeps_the_long_silent_and_never_contacted(view, book, qtbot):
    view.filters.no_contact.setValue(30)
    wait_idle(qtbot, view.ui)
    assert keys(view, book) == {"meijia", "taoci", "lvyuan", "tengxun"}
    view.filters.no_contact.setValue(120)
    wait_idle(qtbot, view.ui)
    assert keys(view, book) == {"taoci", "lvyuan", "tengxun"}


def test_filters_combine_and_clear(view, book, qtbot):
    view.filters.district.set_selected(("440605",))
    view.filters.stage.set_selected(("no_loan",))
    wait_idle(qtbot, view.ui)
    assert keys(view, book) == {"huaxing"}
    assert view.count_label.text() == "1 prospect"
    assert view.filters.clear.isEnabled()
    view.filters.clear.click()
    wait_idle(qtbot, view.ui)
    assert len(keys(view, book)) == 5
    assert not view.filters.clear.isEnabled()


def test_nothing_matches_says_so(view, qtbot):
    view.filters.tag.set_selected(("women_entrepreneur",))
    wait_idle(qtbot, view.ui)
    assert view.model.rowCount() == 0
    assert view.empty.isVisible()
    assert "No prospect matches" in view.empty.title.text()
    # The way out is offered: clearing the filters brings the book back.
    assert view.empty.button.text() == "Clear filters"
    view.empty.button.click()
    wait_idle(qtbot, view.ui)
    assert view.model.rowCount() == 5
    assert not view.empty.isVisible()


def test_a_search_that_finds_nothing_says_what_to_try(view, qtbot):
    view.filters.search.setText("zzqq")
    view.filters.filterChanged.emit()
    wait_idle(qtbot, view.ui)
    assert view.model.rowCount() == 0
    assert view.empty.isVisible()
    assert "zzqq" in view.empty.title.text()
    assert "pinyin" in view.empty.text.text() and "initials" in view.empty.text.text()


def test_full_pinyin_finds_a_prospect_as_you_type(view, book, qtbot):
    view.filters.search.setText("huaxing")
    view.filters.filterChanged.emit()
    wait_idle(qtbot, view.ui)
    assert keys(view, book) == {"huaxing"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("五金", {"huaxing"}),  # two Chinese characters: the common case
        ("陶瓷", {"taoci"}),
        ("美嘉家具", {"meijia"}),
        ("绿", {"lvyuan"}),
        ("sztx", {"tengxun"}),  # pinyin initials of 深圳腾讯
        ("fssnhqhx", {"huaxing"}),  # 佛山市南海区华兴…
    ],
)
def test_search_as_you_type(view, book, qtbot, typed, expected):
    if typed.isascii():
        qtbot.keyClicks(view.filters.search, typed)
    else:
        view.filters.search.setText(typed)  # QTest types ASCII only; an IME would insert this
    qtbot.waitUntil(lambda: keys(view, book) == expected, timeout=5000)
    assert view.model.filter.text == typed


def test_search_waits_for_the_typist(view, qtbot):
    generation = view.model._generation
    qtbot.keyClicks(view.filters.search, "sztx")
    # Four letters delivered together, one query: the box asks once the events are handled.
    wait_idle(qtbot, view.ui)
    qtbot.waitUntil(lambda: view.model.filter.text == "sztx")
    assert view.model._generation == generation + 1


def test_typing_while_a_query_runs_asks_once_for_the_newest_text(view, book, qtbot):
    wait_idle(qtbot, view.ui)
    before = view.ui.tasks.pending()
    for text in ("五", "五金", "陶", "陶瓷"):
        view.model.set_query(ProspectFilter(text=text))
    # One first page is running (its count follows it); the three later texts wait for it.
    assert view.ui.tasks.pending() == before + 1
    wait_idle(qtbot, view.ui)
    qtbot.waitUntil(lambda: not view.model.loading)
    assert keys(view, book) == {"taoci"}
    assert view.model.total == 1


def test_stale_results_are_discarded(view, book, qtbot):
    view.model.set_query(ProspectFilter(stages=("dropped",)))
    view.model.set_query(ProspectFilter(stages=("first_loan",)))
    wait_idle(qtbot, view.ui)
    assert keys(view, book) == {"meijia"}
    assert view.model.total == 1


def test_header_click_sorts_in_sql(view, qtbot):
    header = view.table.horizontalHeader()
    stage_column = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.STAGE)
    where = QPoint(header.sectionViewportPosition(stage_column) + 20, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    wait_idle(qtbot, view.ui)
    assert view.model.sort_order == Sort(SortColumn.STAGE, False)
    stages = [view.model.row_at(r).stage for r in range(5)]
    assert stages == ["no_loan", "no_loan", "no_loan", "first_loan", "dropped"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)  # again: down
    wait_idle(qtbot, view.ui)
    assert view.model.sort_order == Sort(SortColumn.STAGE, True)
    assert [view.model.row_at(r).stage for r in range(2)] == ["dropped", "first_loan"]


def test_sort_by_name_descending(view, qtbot):
    view.sort_by(Sort(SortColumn.NAME, True))
    wait_idle(qtbot, view.ui)
    shown = names(view)
    # By pinyin (shen zhen, fo shan, chan cheng), not by code point.
    assert shown == sorted(shown, key=sort_key, reverse=True)
    assert shown[0].startswith("深圳") and shown[-1].startswith("禅城")
    assert view.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert view.table.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive


def test_pages_are_fetched_as_the_view_needs_them(qtbot, ui):
    model = ProspectTableModel(ui, page_size=2)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.set_query(ProspectFilter())
    wait_idle(qtbot, ui)
    assert model.rowCount() == 2 and model.total == 5
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    wait_idle(qtbot, ui)
    model.fetchMore(QModelIndex())
    wait_idle(qtbot, ui)
    assert model.rowCount() == 5
    assert inserted == [(2, 3), (4, 4)]  # beginInsertRows takes the inclusive last row
    assert not model.canFetchMore(QModelIndex())
    assert len({model.row_at(r).id for r in range(5)}) == 5


def test_enter_and_double_click_open_the_prospect(view, book, qtbot):
    view.table.setFocus()
    view.table.selectRow(0)
    with qtbot.waitSignal(view.openRequested) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [view.model.row_at(0).id]
    with qtbot.waitSignal(view.openRequested) as opened:
        view.table.doubleClicked.emit(view.model.index(1, 0))
    assert opened.args == [view.model.row_at(1).id]


def test_double_click_opens_the_row_clicked_with_the_selection_bar_shown(view, qtbot):
    """The first click selects the row and shows the bulk bar; the rows must not move, so
    the second click of the double click lands on the same row and opens it."""
    view.table.clearSelection()
    qtbot.wait(10)
    assert not view.bulk_bar.isVisible()
    table_top = view.table.mapTo(view, QPoint(0, 0)).y()
    row = 3
    expected = view.model.row_at(row).id
    point = view.table.visualRect(view.model.index(row, 0)).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.wait(50)  # the bar appears and the layout settles, as between two real clicks
    assert view.bulk_bar.isVisible()
    assert view.table.mapTo(view, QPoint(0, 0)).y() == table_top
    assert view.table.indexAt(point).row() == row
    with qtbot.waitSignal(view.openRequested, timeout=2000) as opened:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert opened.args == [expected]


def select(view: ProspectListView, book, *wanted: str) -> None:
    view.table.clearSelection()
    for row in range(view.model.rowCount()):
        if view.model.row_at(row).id in {book.ids[k] for k in wanted}:
            view.table.selectionModel().select(
                view.model.index(row, 0),
                view.table.selectionModel().SelectionFlag.Select
                | view.table.selectionModel().SelectionFlag.Rows,
            )


def test_bulk_assign_to_an_rm(view, book, qtbot):
    select(view, book, "huaxing", "lvyuan")
    assert view.bulk_bar.isVisible()
    assert view.selection_label.text() == "2 selected"
    view.assign_button.click()
    dialog = view.dialog
    assert dialog is not None
    dialog.select(book.rms[2].id)
    with qtbot.waitSignal(view.message) as said:
        dialog.ok.click()
        wait_idle(qtbot, view.ui)
    assert said.args[0] == f"Assigned 2 prospects to {book.rms[2].display_name}"
    for key in ("huaxing", "lvyuan"):
        assert book.services.prospects.get(book.ids[key]).rm_id == book.rms[2].id
    wait_idle(qtbot, view.ui)
    rows = {view.model.row_at(r).id: view.model.row_at(r) for r in range(5)}
    assert rows[book.ids["lvyuan"]].rm_name == book.rms[2].display_name


def test_bulk_add_tag(view, book, qtbot):
    select(view, book, "taoci", "meijia")
    view.tag_button.click()
    view.dialog.select("foreign_trade")
    view.dialog.ok.click()
    wait_idle(qtbot, view.ui)
    assert "foreign_trade" in book.services.prospects.get(book.ids["taoci"]).tags
    assert "foreign_trade" in book.services.prospects.get(book.ids["meijia"]).tags


def test_bulk_stage_change_says_which_were_refused_and_why(view, book, qtbot):
    select(view, book, "huaxing", "meijia")
    view.stage_button.click()
    dialog = view.mover.dialog
    assert dialog is not None
    dialog.target.setCurrentIndex(dialog.target.findData("strategic"))
    dialog.reason_text.setPlainText("年度评审")
    dialog.move_button.click()
    wait_idle(qtbot, view.ui)
    results = view.mover.results
    assert results is not None
    refused = dict(results.refused_rows())
    assert set(refused) == {"佛山市南海区华兴五金制品厂", "佛山市顺德区美嘉家具有限公司"}
    assert (
        "Cannot move from No-loan prospect to Strategic client"
        in refused["佛山市南海区华兴五金制品厂"]
    )
    assert "Not yet a strategic client" in refused["佛山市顺德区美嘉家具有限公司"]
    assert "0 moved" in results.summary.text()


def test_bulk_drop_moves_every_prospect_with_the_reason(view, book, qtbot):
    select(view, book, "huaxing", "taoci")
    view.stage_button.click()
    dialog = view.mover.dialog
    dialog.target.setCurrentIndex(dialog.target.findData("dropped"))
    dialog.move_button.click()  # no drop reason yet: the dialog says so and stays
    assert dialog.reason_code_message.isVisible()
    assert view.mover.dialog is dialog
    dialog.reason_code.setCurrentIndex(dialog.reason_code.findData("no_need"))
    dialog.move_button.click()
    wait_idle(qtbot, view.ui)
    assert view.mover.results is None
    for key in ("huaxing", "taoci"):
        detail = book.services.prospects.get(book.ids[key])
        assert detail.stage == "dropped"
        assert detail.history[-1].reason_code == "no_need"
    wait_idle(qtbot, view.ui)
    assert {view.model.row_at(r).stage for r in range(5)} >= {"dropped"}


def test_cells_explain_themselves_in_tooltips(view, book, qtbot):
    view.model.set_query(ProspectFilter(text="华兴"))
    wait_idle(qtbot, view.ui)
    model = view.model
    row = model.row_of(book.ids["huaxing"])
    tip = lambda sort: model.data(  # noqa: E731
        model.index(row, next(i for i, c in enumerate(COLUMNS) if c.sort == sort)),
        Qt.ItemDataRole.ToolTipRole,
    )
    assert tip(SortColumn.NAME).startswith("佛山市南海区华兴五金制品厂\n")
    assert "in this stage" in tip(SortColumn.STAGE_SINCE)
    assert tip(SortColumn.INDUSTRY)  # the division's long name
    assert tip(SortColumn.USCC) is None
