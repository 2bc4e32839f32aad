"""The prospect list as a table model over paged SQL (never the whole book in memory).

Filtering and sorting happen in SQL through ``ProspectService.page``; the model holds the
pages fetched so far and asks for the next one when the view scrolls near the end
(``canFetchMore``/``fetchMore``, as in Qt for Python's fetchmore example). Every query runs
in the background; a generation counter discards results of queries that were replaced
while they ran (the user typed another letter, clicked another column).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon

from crm.domain.query import ProspectFilter, Sort, SortColumn
from crm.services.records import ProspectRow
from crm.ui.common import fmt, labels
from crm.ui.common.context import UiContext

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex

_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_DECORATION = Qt.ItemDataRole.DecorationRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ID = ID_ROLE.value
_ANSWERED = frozenset(
    {_DISPLAY, _DECORATION, _TOOLTIP, _FOREGROUND, _ID, Qt.ItemDataRole.UserRole.value + 1}
)


translate = QCoreApplication.translate


@dataclass(frozen=True)
class Column:
    sort: SortColumn
    title: str  # English source text; translated when shown


COLUMNS: tuple[Column, ...] = (
    Column(SortColumn.NAME, "Name"),
    Column(SortColumn.USCC, "USCC"),
    Column(SortColumn.STAGE, "Stage"),
    Column(SortColumn.RM, "RM"),
    Column(SortColumn.DISTRICT, "District"),
    Column(SortColumn.INDUSTRY, "Industry"),
    Column(SortColumn.LAST_CONTACT, "Last contact"),
    Column(SortColumn.STAGE_SINCE, "Stage since"),
)


_STAGE_COL = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.STAGE)
_RM_COL = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.RM)
_CONTACT_COL = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.LAST_CONTACT)
_INDUSTRY_COL = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.INDUSTRY)
_SINCE_COL = next(i for i, c in enumerate(COLUMNS) if c.sort == SortColumn.STAGE_SINCE)


def column_title(column: Column) -> str:
    return {
        "Name": translate("ProspectTableModel", "Name"),
        "USCC": translate("ProspectTableModel", "USCC"),
        "Stage": translate("ProspectTableModel", "Stage"),
        "RM": translate("ProspectTableModel", "RM"),
        "District": translate("ProspectTableModel", "District"),
        "Industry": translate("ProspectTableModel", "Industry"),
        "Last contact": translate("ProspectTableModel", "Last contact"),
        "Stage since": translate("ProspectTableModel", "Stage since"),
    }[column.title]


@dataclass(frozen=True)
class _Shown:
    """A row's texts, made once when the row arrives (data() is called very often)."""

    texts: tuple[str, ...]
    stage_day: date  # the local day the prospect entered its stage
    unassigned: bool
    never_contacted: bool


class ProspectTableModel(QAbstractTableModel):
    loadingChanged = Signal(bool)
    totalChanged = Signal(int)
    # A new query's first page is in (after a filter or sort change).
    reloaded = Signal()

    def __init__(
        self, ui: UiContext, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.page_size = page_size
        self._filter = ProspectFilter()
        self._sort = Sort()
        self._rows: list[ProspectRow] = []
        self._shown: list[_Shown] = []
        self._total: int | None = None
        self._exhausted = True
        self._generation = 0
        self._fetching = False
        self._loading = False
        self._asking = False  # a first-page query is running
        self._search_prepared = False
        self._started = False  # no query before the owner sets the first filter
        self._muted = QBrush(QColor("#8a93a0"))
        self._labels: dict[tuple[str, str], str] = {}

    # -- the query -------------------------------------------------------------------------

    @property
    def filter(self) -> ProspectFilter:
        return self._filter

    @property
    def sort_order(self) -> Sort:
        return self._sort

    @property
    def total(self) -> int | None:
        """How many prospects match (None while counting)."""
        return self._total

    @property
    def loading(self) -> bool:
        return self._loading

    def set_query(self, flt: ProspectFilter, sort: Sort | None = None) -> None:
        self._filter = flt
        if sort is not None:
            self._sort = sort
        self.reload()

    def reload(self) -> None:
        """Ask for the first page and the count again; older answers are dropped.

        At most one first-page query runs at a time: asked again while one runs (the user
        types faster than the book answers), the model waits for it and then asks once for
        the newest query, so typing never piles up stale queries in the pool.
        """
        self._started = True
        self._generation += 1
        self._fetching = False
        look = self.ui.take_first_look(self._filter, self._sort)
        if look is not None:
            # The window opened from the book's first look: these rows are this query's.
            self._apply_first_page(self._generation, look.rows, count=False)
            self._apply_total(self._generation, look.total)
            return
        self._set_loading(True)
        if not self._asking:
            self._ask_first_page()

    def _ask_first_page(self) -> None:
        generation = self._generation
        flt, sort, limit = self._filter, self._sort, self.page_size
        ui = self.ui
        self._asking = True
        self.ui.tasks.read(
            self,
            lambda: ui.services.prospects.page(flt, sort, 0, limit),
            lambda rows: self._apply_first_page(generation, rows),
            lambda _err: self._first_page_failed(generation),
        )

    def _ask_total(self, generation: int) -> None:
        # Counted after the rows are in: run side by side, the count would slow the page
        # the user is waiting for.
        flt = self._filter
        ui = self.ui
        self.ui.tasks.read(
            self,
            lambda: ui.services.prospects.count(flt),
            lambda total: self._apply_total(generation, total),
            lambda _err: None,
        )

    def refresh(self) -> None:
        """Re-read the rows already shown (after an edit), keeping selection where possible."""
        self._generation += 1
        generation = self._generation
        flt, sort = self._filter, self._sort
        limit = max(len(self._rows), self.page_size)
        ui = self.ui
        self._fetching = False
        self.ui.tasks.read(
            self,
            lambda: (
                ui.services.prospects.page(flt, sort, 0, limit),
                ui.services.prospects.count(flt),
            ),
            lambda result: self._apply_refresh(generation, limit, *result),
            lambda _err: self._failed(generation),
        )

    # -- answers ---------------------------------------------------------------------------

    def _apply_first_page(
        self, generation: int, rows: list[ProspectRow], count: bool = True
    ) -> None:
        self._asking = False
        if generation != self._generation:
            self._ask_first_page()
            return
        if not self._search_prepared:
            self._search_prepared = True
            ui = self.ui
            self.ui.tasks.read(
                self,
                lambda: ui.services.prospects.prepare_search(),
                lambda _r: None,
                lambda _e: None,
            )
        self.beginResetModel()
        self._rows = list(rows)
        self._shown = self._show_all(rows)
        self._exhausted = len(rows) < self.page_size
        self.endResetModel()
        self._set_loading(False)
        self.reloaded.emit()
        if count:
            self._ask_total(generation)

    def _apply_total(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self._total = total
        self.totalChanged.emit(total)

    def _apply_refresh(
        self, generation: int, limit: int, rows: list[ProspectRow], total: int
    ) -> None:
        if generation != self._generation:
            return
        same_ids = [r.id for r in rows] == [r.id for r in self._rows]
        if same_ids and rows:
            self._rows = list(rows)
            self._shown = self._show_all(rows)
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
        else:
            self.beginResetModel()
            self._rows = list(rows)
            self._shown = self._show_all(rows)
            self.endResetModel()
        self._exhausted = len(rows) < limit
        self._total = total
        self.totalChanged.emit(total)
        self.reloaded.emit()

    def _first_page_failed(self, generation: int) -> None:
        self._asking = False
        if generation != self._generation:
            self._ask_first_page()
        else:
            self._failed(generation)

    def _failed(self, generation: int) -> None:
        if generation == self._generation:
            self._fetching = False
            self._set_loading(False)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loadingChanged.emit(loading)

    # -- paging ----------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching or not self.canFetchMore(parent):
            return
        self._fetching = True
        generation = self._generation
        offset = len(self._rows)
        flt, sort, limit = self._filter, self._sort, self.page_size
        ui = self.ui
        self.ui.tasks.read(
            self,
            lambda: ui.services.prospects.page(flt, sort, offset, limit),
            lambda rows: self._apply_more(generation, offset, rows),
            lambda _err: self._failed(generation),
        )

    def _apply_more(self, generation: int, offset: int, rows: list[ProspectRow]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return
        self._fetching = False
        self._exhausted = len(rows) < self.page_size
        if not rows:
            return
        first = len(self._rows)
        # beginInsertRows takes the inclusive last row.
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self._shown.extend(self._show_all(rows))
        self.endInsertRows()

    # -- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column_title(COLUMNS[section])
        return None

    # flags() is not overridden: the base class already answers enabled and selectable, and a
    # Python override costs a call per painted cell.

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every painted cell (thousands of times a frame while
        # scrolling): plain int comparisons, roles we never answer leave first.
        if role not in _ANSWERED:
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        if role == _DISPLAY:
            return self._shown[row].texts[index.column()]
        if role == _FOREGROUND:
            shown = self._shown[row]
            col = index.column()
            if (col == _RM_COL and shown.unassigned) or (
                col == _CONTACT_COL and shown.never_contacted
            ):
                return self._muted
            return None
        if role == _DECORATION:
            return self._stage_icon(self._rows[row].stage) if index.column() == _STAGE_COL else None
        if role == _TOOLTIP:
            return self._tooltip(row, index.column()) or None
        if role == _ID:
            return self._rows[row].id
        return self._rows[row]  # ROW_ROLE

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        wanted = Sort(COLUMNS[column].sort, order == Qt.SortOrder.DescendingOrder)
        if wanted == self._sort:
            return
        self._sort = wanted
        if self._started:
            self.reload()

    # -- helpers ---------------------------------------------------------------------------

    def row_at(self, row: int) -> ProspectRow:
        return self._rows[row]

    def rows(self) -> list[ProspectRow]:
        return list(self._rows)

    def row_of(self, prospect_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == prospect_id), -1)

    @staticmethod
    def _stage_icon(code: str) -> QIcon:
        return labels.stage_icon(code)

    def _show_all(self, rows: list[ProspectRow]) -> list[_Shown]:
        today, zone = self.ui.today(), self.ui.zone
        return [self._show(r, today, zone) for r in rows]

    def _label(self, kind: str, code: str | None, make: Callable[[], str]) -> str:
        """Labels repeat across rows (a few stages, districts, industries): make each once."""
        key = (kind, code or "")
        text = self._labels.get(key)
        if text is None:
            text = self._labels[key] = make()
        return text

    def _day(self, value: date) -> str:
        # A page holds a few dozen distinct days: format each once.
        text = self._labels.get(("day", value.isoformat()))
        if text is None:
            text = self._labels[("day", value.isoformat())] = fmt.day(value)
        return text

    def _show(self, r: ProspectRow, today: date, zone: ZoneInfo) -> _Shown:
        stage_day = fmt.local(r.stage_changed_at, zone).date()
        never = r.last_contact_on is None
        texts = (
            r.name,
            r.uscc or "",
            self._label("stage", r.stage, lambda: labels.stage(r.stage)),
            r.rm_name
            or self._label("rm", None, lambda: translate("ProspectTableModel", "Unassigned")),
            self._label(
                "district",
                r.district_code,
                lambda: labels.district(self.ui.district(r.district_code), r.district_name),
            ),
            self._label("industry", r.industry_code, lambda: labels.industry(r.industry_code)),
            self._label("never", None, lambda: translate("ProspectTableModel", "Never"))
            if r.last_contact_on is None
            else self._day(r.last_contact_on),
            self._day(stage_day),
        )
        return _Shown(texts, stage_day, r.rm_name is None, never)

    def _tooltip(self, row: int, col: int) -> str:
        """Made when the pointer rests on a cell, not for every row that arrives."""
        r, shown = self._rows[row], self._shown[row]
        if col == 0:
            return f"{r.name}\n{labels.kind(r.kind)} · {r.owner_name}" if r.owner_name else r.name
        if col == _INDUSTRY_COL:
            return labels.industry_long(r.industry_code) if r.industry_code else ""
        if col == _CONTACT_COL:
            return _ago(self.ui.today(), r.last_contact_on)
        if col == _SINCE_COL:
            in_stage = (self.ui.today() - shown.stage_day).days
            return translate("ProspectTableModel", "{days} in this stage").format(
                days=fmt.days(in_stage)
            )
        return ""


def _ignore(_result: object) -> None:
    pass


def _ago(today: date, then: date | None) -> str:
    if then is None:
        return ""
    return translate("ProspectTableModel", "{days} ago").format(days=fmt.days((today - then).days))
