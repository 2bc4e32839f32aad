"""The prospect table model's rows, page after page, against the service's own pages.

The model keeps each row in a compact form (a flat tuple the garbage collector stops
tracking, so a 100,000-row list adds no work to collections while scrolling); these tests
prove that what it hands back and shows is still exactly what the service returned.
"""

from __future__ import annotations

import dataclasses
import gc

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QStyledItemDelegate

from crm.domain.query import ProspectFilter, Sort, SortColumn
from crm.ui.common import fmt, labels
from crm.ui.prospects.cell_delegate import ProspectCellDelegate
from crm.ui.prospects.list_view import ProspectTable
from crm.ui.prospects.table_model import COLUMNS, ID_ROLE, ROW_ROLE, ProspectTableModel
from tests.ui.helpers import wait_idle

PAGE = 2


def fetch_all(qtbot, ui, model: ProspectTableModel) -> None:
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        wait_idle(qtbot, ui)


def column(sort: SortColumn) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.sort == sort)


def keyless(rows):
    """Rows without their sort keys and short names: the model keeps only each page's last
    key (the next page is sought after it) and no short name (the list shows names)."""
    return [dataclasses.replace(r, sort_key="", short_name="") for r in rows]


def test_rows_after_several_pages_are_the_service_pages(qtbot, ui):
    sort = Sort(SortColumn.STAGE_SINCE, True)
    model = ProspectTableModel(ui, page_size=PAGE)
    model.set_query(ProspectFilter(), sort)
    wait_idle(qtbot, ui)
    fetch_all(qtbot, ui, model)
    service = ui.services.prospects
    expected = [
        r
        for offset in range(0, 6, PAGE)
        for r in service.page(ProspectFilter(), sort, offset, PAGE)
    ]
    assert len(expected) == 5 and model.rowCount() == 5
    assert keyless(model.rows()) == keyless(expected)
    assert model.rows()[-1].sort_key == expected[-1].sort_key  # the last row keeps its key
    assert keyless(model.row_at(n) for n in range(5)) == keyless(expected)
    for n, row in enumerate(expected):
        assert keyless([model.data(model.index(n, 0), ROW_ROLE)]) == keyless([row])
        assert model.data(model.index(n, 0), ID_ROLE) == row.id
        assert model.row_of(row.id) == n
    assert model.row_of("no such id") == -1


def test_cells_show_the_rows_texts(qtbot, ui):
    model = ProspectTableModel(ui, page_size=PAGE)
    model.set_query(ProspectFilter())
    wait_idle(qtbot, ui)
    fetch_all(qtbot, ui, model)
    display = Qt.ItemDataRole.DisplayRole
    foreground = Qt.ItemDataRole.ForegroundRole
    zone = ui.zone
    unassigned = never = 0
    for n, row in enumerate(model.rows()):
        texts = [model.data(model.index(n, c), display) for c in range(len(COLUMNS))]
        assert texts[column(SortColumn.NAME)] == row.name
        assert texts[column(SortColumn.USCC)] == (row.uscc or "")
        assert texts[column(SortColumn.STAGE)] == labels.stage(row.stage)
        assert texts[column(SortColumn.RM)] == (row.rm_name or "Unassigned")
        assert texts[column(SortColumn.INDUSTRY)] == labels.industry(row.industry_code)
        assert texts[column(SortColumn.DISTRICT)] == labels.district(
            ui.district(row.district_code), row.district_name
        )
        assert texts[column(SortColumn.LAST_CONTACT)] == (
            fmt.day(row.last_contact_on) if row.last_contact_on else "Never"
        )
        assert texts[column(SortColumn.STAGE_SINCE)] == fmt.day(
            fmt.local(row.stage_changed_at, zone).date()
        )
        muted_rm = model.data(model.index(n, column(SortColumn.RM)), foreground)
        muted_contact = model.data(model.index(n, column(SortColumn.LAST_CONTACT)), foreground)
        assert (muted_rm is not None) == (row.rm_name is None)
        assert (muted_contact is not None) == (row.last_contact_on is None)
        assert model.data(model.index(n, column(SortColumn.NAME)), foreground) is None
        unassigned += row.rm_name is None
        never += row.last_contact_on is None
        stage_icon = model.data(
            model.index(n, column(SortColumn.STAGE)), Qt.ItemDataRole.DecorationRole
        )
        assert stage_icon is not None and not stage_icon.isNull()
        assert model.data(model.index(n, 0), Qt.ItemDataRole.DecorationRole) is None
    assert unassigned and never  # the book has both kinds, so both branches ran


def test_rows_kept_add_nothing_for_the_garbage_collector(qtbot, ui):
    model = ProspectTableModel(ui, page_size=PAGE)
    model.set_query(ProspectFilter())
    wait_idle(qtbot, ui)
    fetch_all(qtbot, ui, model)
    gc.collect()
    kept = model._rows
    assert len(kept) == 5
    assert not any(gc.is_tracked(r) for r in kept)


def test_refresh_after_an_edit_shows_the_new_rows(qtbot, ui, book):
    model = ProspectTableModel(ui, page_size=PAGE)
    model.set_query(ProspectFilter())
    wait_idle(qtbot, ui)
    fetch_all(qtbot, ui, model)
    service = ui.services.prospects
    key = "lvyuan"
    service.assign([book.ids[key]], book.rms[0].id)
    model.refresh()
    wait_idle(qtbot, ui)
    assert keyless(model.rows()) == keyless(service.page(ProspectFilter(), Sort(), 0, 10))
    row = model.row_of(book.ids[key])
    rm = model.data(model.index(row, column(SortColumn.RM)), Qt.ItemDataRole.DisplayRole)
    assert rm == book.rms[0].display_name


# The roles the item delegate asks of each painted cell in one multiData call, and the ones
# the list asks through data() (tooltips, the id, the row).
ROLES = (
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.CheckStateRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.EditRole,
    ID_ROLE,
    ROW_ROLE,
)


def comparable(value: object) -> object:
    return ("icon", value.cacheKey()) if isinstance(value, QIcon) else value


def test_multi_data_answers_what_data_answers(qtbot, ui):
    model = ProspectTableModel(ui, page_size=PAGE)
    model.set_query(ProspectFilter())
    wait_idle(qtbot, ui)
    fetch_all(qtbot, ui, model)
    for row in range(model.rowCount()):
        for col in range(len(COLUMNS)):
            index = model.index(row, col)
            for role in ROLES:
                wanted = QModelRoleData(role)
                wanted.setData("stale")  # a reused span: every role is set or cleared
                model.multiData(index, QModelRoleDataSpan(wanted))
                assert comparable(wanted.data()) == comparable(model.data(index, role)), (
                    row,
                    col,
                    role,
                )


def test_the_table_paints_as_the_stock_delegate_paints_data(qtbot, view_pair):
    """Our delegate (cached text, one ``cell()`` call) against Qt's own over ``data()``."""
    ours, stock = view_pair
    assert isinstance(ours.itemDelegate(), ProspectCellDelegate)
    assert type(stock.itemDelegate()) is QStyledItemDelegate
    assert image(qtbot, ours) == image(qtbot, stock)
    # Painted again from the delegate's laid-out text, the cells stay the same.
    assert image(qtbot, ours) == image(qtbot, stock)


def test_a_narrower_column_is_elided_again(qtbot, view_pair):
    ours, stock = view_pair
    for table in view_pair:
        table.horizontalHeader().resizeSection(0, 90)
        table.horizontalHeader().resizeSection(5, 60)
    assert image(qtbot, ours) == image(qtbot, stock)


def test_a_disabled_list_is_drawn_as_qt_draws_one(qtbot, view_pair):
    ours, stock = view_pair
    for table in view_pair:
        table.setEnabled(False)
    assert ours.grab().toImage() == stock.grab().toImage()


def test_a_new_font_lays_the_text_out_again(qtbot, view_pair):
    ours, stock = view_pair
    image(qtbot, ours)
    for table in view_pair:
        font = table.font()
        font.setPointSize(font.pointSize() + 3)
        table.setFont(font)
    assert image(qtbot, ours) == image(qtbot, stock)


def image(qtbot, table: ProspectTable) -> QImage:
    """The table as drawn with keyboard focus (only one window has it at a time)."""
    table.activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    return table.grab().toImage()


class _ThroughData(ProspectTableModel):
    """The same model answering the delegate one role at a time, as the base class does."""

    multiData = QAbstractTableModel.multiData


@pytest.fixture
def view_pair(qtbot, ui):
    views = []
    for cls in (ProspectTableModel, _ThroughData):
        model = cls(ui)
        table = ProspectTable()
        table.setModel(model)
        if cls is _ThroughData:
            table.setItemDelegate(QStyledItemDelegate(table))
        qtbot.addWidget(table)
        table.resize(1100, 300)
        # Narrow enough that the longest name and industry end in an ellipsis.
        table.horizontalHeader().resizeSection(0, 180)
        model.set_query(ProspectFilter())
        wait_idle(qtbot, ui)
        table.show()
        table.selectRow(1)  # selected: highlighted text and a selected stage dot
        table.setCurrentIndex(model.index(3, 2))  # the focus frame
        qtbot.waitExposed(table)
        views.append(table)
    assert views[0].model().rowCount() == 5
    return views


def test_the_laid_out_text_kept_is_bounded(qtbot, view_pair, monkeypatch):
    import crm.ui.prospects.cell_delegate as cells

    monkeypatch.setattr(cells, "CACHE_LIMIT", 12)
    monkeypatch.setattr(cells, "EVICT", 5)
    ours, stock = view_pair
    delegate = ours.itemDelegate()
    delegate.clear()
    assert image(qtbot, ours) == image(qtbot, stock)
    assert 0 < len(delegate._texts) <= 12
    # Painted again while texts come and go, the cells stay the same.
    assert image(qtbot, ours) == image(qtbot, stock)


def test_moved_and_hidden_columns_and_a_single_selected_cell(qtbot, view_pair):
    from PySide6.QtCore import QItemSelectionModel

    ours, stock = view_pair
    for table in view_pair:
        header = table.horizontalHeader()
        header.moveSection(4, 0)
        header.hideSection(6)
        table.clearSelection()
        flag = QItemSelectionModel.SelectionFlag.Select
        table.selectionModel().select(table.model().index(0, 2), flag)
        table.selectionModel().select(table.model().index(2, 0), flag)
    assert image(qtbot, ours) == image(qtbot, stock)


def test_a_list_scrolled_sideways_and_down(qtbot, view_pair):
    ours, stock = view_pair
    for table in view_pair:
        table.resize(500, 90)
        table.horizontalScrollBar().setValue(137)
        table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    assert image(qtbot, ours) == image(qtbot, stock)


def test_the_view_paints_its_rows_in_one_call(view_pair):
    ours, _stock = view_pair
    delegate = ours.itemDelegate()
    assert isinstance(delegate, ProspectCellDelegate) and delegate.can_paint_view()
    ours.setShowGrid(True)
    assert not delegate.can_paint_view()  # a grid is Qt's to draw


def test_scrolling_by_a_row_paints_the_uncovered_strip_as_qt_does(qtbot, view_pair):
    """A small scroll moves the painted pixels and paints only the strip it uncovers (the
    window's own pixels are compared here, not a fresh rendering)."""
    from PySide6.QtGui import QGuiApplication

    def on_screen(table: ProspectTable) -> QImage:
        image(qtbot, table)  # focus, as the other view had it
        qtbot.wait(50)  # the scroll's own repaint, through the event loop
        return QGuiApplication.primaryScreen().grabWindow(table.winId()).toImage()

    ours, stock = view_pair
    for table in view_pair:
        table.resize(700, 120)
    before = on_screen(ours)
    assert before == on_screen(stock)
    for table in view_pair:
        table.verticalScrollBar().setValue(1)
    moved = on_screen(ours)
    assert moved != before and moved == on_screen(stock)
    for table in view_pair:
        table.horizontalScrollBar().setValue(40)
    sideways = on_screen(ours)
    assert sideways != moved and sideways == on_screen(stock)


def test_with_a_grid_each_cell_is_drawn_by_the_delegate_as_qt_draws_it(qtbot, view_pair):
    ours, stock = view_pair
    for table in view_pair:
        table.setShowGrid(True)
    assert not ours.itemDelegate().can_paint_view()  # Qt's paint event, our cells
    assert image(qtbot, ours) == image(qtbot, stock)
